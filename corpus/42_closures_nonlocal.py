# Closures in hot loops: nonlocal counters and accumulators, cells read and
# written in loops, closures made in loops (late binding), nested functions
# three levels deep and recursion through a nested function's own name.


def make_counter(start, step):
    count = start

    def inc():
        nonlocal count
        count += step
        return count

    return inc


def accumulate(n):
    total = 0
    evens = 0

    def add(x):
        nonlocal total, evens
        total += x
        if x % 2 == 0:
            evens += 1

    for i in range(n):
        add(i * 3 % 11)
    return total, evens


def cell_loop(n):
    acc = 0
    snapshots = []
    for i in range(n):
        acc = acc + i % 13
        if i % 500 == 0:
            def snap():
                return acc
            snapshots.append(snap)
    return acc, [s() for s in snapshots]


def adders(n):
    fs = []
    for k in range(n):
        def f(x, k=k):
            return x + k
        fs.append(f)
    return sum([f(100) for f in fs])


def nested(a):
    b = a + 1

    def mid(c):
        def inner(d):
            return a * b + c * d
        return inner

    total = 0
    for i in range(2000):
        total += mid(i % 5)(i % 7)
    return total


def tree_sum(depth):
    def walk(d):
        if d == 0:
            return 1
        return walk(d - 1) + walk(d - 1) + d

    return walk(depth)


c = make_counter(0, 3)
x = 0
for i in range(3000):
    x = c()
print("counter", x, c())
print("accumulate", accumulate(4000))
print("cells", cell_loop(2500))
print("adders", adders(50))
print("nested", nested(4))
print("tree", tree_sum(10))
