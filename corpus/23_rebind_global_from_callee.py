# A global promoted into a hot trace is rebound by a function the trace calls: the JIT must leave at _CHECK_VALIDITY (found by jitdiff fuzz: JIT validity flags were never cleared).
g = 1
def h():
    global g
    g = 2
def f():
    t = 0
    for i in range(100):
        t += g
        if i == 50:
            h()
    return t
print(f())
