# Lambdas in hot loops: module-level lambdas with defaults, lambdas stored
# in lists and dicts, lambdas closing over function variables, returned
# and composed, and a lambda made on every iteration of a loop.

square = lambda x: x * x
scale = lambda x, k=3: x * k
ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
pipeline = [lambda v: v + 1, lambda v: v * 2, lambda v: v - 3]


def compose(f, g):
    return lambda x: f(g(x))


def make_poly(a, b, c):
    return lambda x: a * x * x + b * x + c


def apply_all(n):
    total = 0
    for i in range(n):
        v = i % 17
        for f in pipeline:
            v = f(v)
        total += v
    return total


def fresh_lambdas(n):
    total = 0
    base = 5
    for i in range(n):
        f = lambda x: x + base + i
        total += f(i % 3)
    return total


total = 0
for i in range(3000):
    total += square(i % 10) + scale(i % 4)
print("module", total)
acc = 0
names = ["add", "sub", "mul"]
for i in range(3000):
    acc = ops[names[i % 3]](acc % 1000, i % 9)
print("dict", acc)
print("pipeline", apply_all(2500))
p = make_poly(2, -3, 1)
sq_then_scale = compose(scale, square)
t = 0
for i in range(2000):
    t += p(i % 21) - sq_then_scale(i % 6)
print("poly", t)
print("fresh", fresh_lambdas(3000))
print("direct", (lambda a, b=2: a ** b)(7), (lambda: "no args")())
