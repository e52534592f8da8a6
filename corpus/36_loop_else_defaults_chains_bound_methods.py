# Syntax beyond S0's first shape in hot loops: loop else: blocks that break or run,
# parameter defaults (a literal and a global list captured when the def runs),
# chained assignment, nested unpacking targets, bound methods as values.
TABLE = [3, 1, 4, 1, 5, 9, 2, 6]


def find(want, xs=TABLE, start=0):
    for i in range(start, len(xs)):
        if xs[i] == want:
            break
    else:
        i = -1
    return i


def drain(n, limit=40):
    k = total = 0
    while k < n:
        k += 1
        if total > limit:
            break
        total += k
    else:
        total = -total
    return k, total


hits = misses = 0
for v in range(200):
    at = find(v % 12)
    if at < 0:
        misses += 1
    else:
        hits += at
print(hits, misses, find(9, [9]), find(5, TABLE, 5))
acc = 0
for n in range(120):
    (k, (t,)), = ((drain(n % 15)[0], (drain(n % 15, 20)[1],)),)
    acc += k * 3 + t
print(acc)
stack = []
push = stack.append
pop = stack.pop
for i in range(150):
    push(i)
    if i % 4 == 3:
        pop(0)
print(len(stack), stack[:5], stack[-3:])
