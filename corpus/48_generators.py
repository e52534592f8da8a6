# Generators: yield, yield from, generator expressions, next() with and
# without a default, StopIteration from returns, and generators consumed by
# hot loops and builtins (each loop runs long enough to become a trace).


def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1


def squares(xs):
    for x in xs:
        yield x * x


def leaf(n):
    for j in range(n):
        yield j * 3
    return n


def middle(n):
    yield -1
    yield from leaf(n)
    yield from [100, 200]


def chain(n):
    yield from middle(n)
    yield from middle(n // 2)
    yield from "xy"


def early(n, stop):
    for j in range(n):
        if j == stop:
            return j * 10
        yield j


def running_sums(xs):
    total = 0
    for x in xs:
        total += x
        yield total


def chunks(xs, size):
    i = 0
    while i < len(xs):
        yield xs[i:i + size]
        i += size


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def sparse(n, every):
    # A hot loop inside the generator's own frame.
    t = 0
    for j in range(n):
        t += j % 7
        if j % every == every - 1:
            yield t


def partly_consumed(n):
    g = count_up(40)
    acc = 0
    for i in range(n):
        acc += i % 5
        if i % 9 == 0:
            acc += next(g, -1)
    print("partly consumed:", acc, next(g, "done"))


def late_binding(n):
    k = 2
    data = list(range(50))
    total = 0
    for i in range(n):
        g = (x * k for x in data if x % 3 != 0)
        if i == n // 2:
            k = 5
        total += sum(g)
    print("late binding:", total)


def stepping():
    g = early(10, 3)
    print("stepping:", next(g), next(g), next(g), next(g, "end"), next(g, "again"))
    h = leaf(2)
    print("leaf:", list(h), list(h))


def consumers():
    print(list(squares(range(12))))
    print(sum(squares(range(100))), max(squares([3, -7, 5])), min(count_up(4)))
    print(sorted(squares([3, 1, 2]), reverse=True), tuple(count_up(3)))
    print(set(x % 4 for x in range(20)), dict((x, x * x) for x in range(4)))
    print("-".join(str(x) for x in count_up(6)))
    print(list(zip(count_up(3), "abc")), list(enumerate(squares([5, 6]))))
    print(4 in squares(range(5)), 5 in squares(range(5)))
    a, b, c = count_up(3)
    print(a, b, c)
    xs = [0]
    xs.extend(squares([1, 2, 3]))
    print(xs)


def hot_loops():
    t = 0
    for v in chain(60):
        if isinstance(v, int):
            t += v
    print("chain:", t, list(chain(3)))
    s = 0
    for rounds in range(80):
        for v in early(12, rounds % 9):
            s += v
    print("early:", s)
    print("sums:", list(running_sums(running_sums(range(8)))))
    print("sparse:", list(sparse(300, 40)))
    g = fib()
    out = [next(g) for _ in range(60)]
    print("fib:", out[-1], len(out))
    for c in chunks(list(range(17)), 5):
        print("chunk", c)
    pairs = list((i, j) for i in range(4) for j in range(i) if (i + j) % 2 == 1)
    print(pairs)


partly_consumed(300)
late_binding(40)
stepping()
consumers()
hot_loops()
