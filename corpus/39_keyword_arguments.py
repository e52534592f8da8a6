# Keyword arguments to user functions, ending with CPython's TypeError for a keyword the function lacks.
# Any order, mixed with positional ones, with defaults, through a function
# stored in a variable, recursion and hot loops that call with keywords
# (the calls stay in the traces); print's sep and end alongside.
def advance(bodies, dt=0.01, steps=1, damping=1.0):
    for s in range(steps):
        for b in bodies:
            b[0] += dt * b[1]
            b[1] *= damping
    return bodies


def energy(bodies, scale=0.5):
    e = 0.0
    for b in bodies:
        e += scale * b[1] * b[1]
    return e


def fib(n, a=0, b=1):
    if n == 0:
        return a
    return fib(b=a + b, a=b, n=n - 1)


bodies = [[0.0, 1.0], [1.0, -0.5], [2.0, 0.25]]
total = 0.0
for i in range(300):
    advance(bodies, steps=2, dt=0.001)
    total += energy(scale=0.25, bodies=bodies)
print(total, bodies)
print(fib(30), fib(n=10, b=3), fib(5, 1))
step = advance
for i in range(100):
    step(damping=0.999, bodies=bodies)
print(bodies)
print("a", "b", "c", sep=", ", end=".\n")
print(energy(bodies), energy(bodies, scale=2), energy(scale=1, bodies=[[0, 3]]))
acc = 0
k = 0
while k < 250:
    acc += fib(k % 12, b=2)
    k += 1
print(acc)
energy(bodies, scal=2)
