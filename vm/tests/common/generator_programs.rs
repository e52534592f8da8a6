/// Hand-written generator programs (each real Python; `generators_cpython`
/// runs them on every tier and compares with python3). No generator is
/// left in a global at the end: its repr depends on identity, and the
/// final globals are part of the outcome.
const GENERATOR_PROGRAMS: &[&str] = &[
    r#"def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
def main():
    total = 0
    for x in count(300):
        total += x * 2
    print(total)
main()
"#,
    r#"def squares(xs):
    for x in xs:
        yield x * x
def main():
    print(list(squares(range(40))))
    print(sum(squares(range(100))))
main()
"#,
    r#"def gen(n):
    for i in range(n):
        yield i
def main():
    g = gen(50)
    acc = 0
    for i in range(400):
        acc += i
        if i % 9 == 4:
            acc += next(g, -100)
    print(acc)
main()
"#,
    r#"def inner(n):
    for i in range(n):
        yield i * 3
def middle(n):
    yield -1
    yield from inner(n)
    yield from [100, 200]
    yield -2
def outer(n):
    yield from middle(n)
    yield from middle(2)
def main():
    print(list(outer(30)))
    s = 0
    for v in outer(100):
        s += v
    print(s)
main()
"#,
    r#"def main():
    k = 2
    data = list(range(200))
    total = 0
    for i in range(60):
        if i == 30:
            k = 7
        g = (x * k for x in data if x % 5 == 0)
        total += sum(g)
    print(total)
main()
"#,
    r#"def early(n, stop):
    for i in range(n):
        if i == stop:
            return i * 100
        yield i
def main():
    print(list(early(10, 4)))
    g = early(5, 2)
    print(next(g), next(g), next(g, "end"), next(g, "again"))
    t = 0
    for s in range(50):
        for v in early(20, s % 13):
            t += v
    print(t)
main()
"#,
    r#"def gen():
    yield 1
    return 42
def main():
    g = gen()
    print(next(g))
    next(g)
main()
"#,
    r#"def gen():
    yield 1
def main():
    g = gen()
    print(next(g))
    print(next(g, None))
    next(g)
main()
"#,
    r#"def stop():
    yield 1
    next(iter([]))
def main():
    print(list(stop()))
main()
"#,
    r#"def boom(n):
    for i in range(n):
        if i == 5:
            raise ValueError("boom at " + str(i))
        yield i
def main():
    s = 0
    for v in boom(10):
        s += v
        print(s)
main()
"#,
    r#"def walker(xs):
    for i, x in enumerate(xs):
        yield i, x
def main():
    for i, x in walker("hello"):
        print(i, x)
    print(dict(walker([5, 6, 7])))
main()
"#,
    r#"def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
def main():
    g = fib()
    out = []
    for i in range(90):
        out.append(next(g))
    print(out[-1], len(out))
    print([next(g) for _ in range(3)])
main()
"#,
    r#"def letters(s):
    for c in s:
        if c != " ":
            yield c.upper()
def main():
    print("".join(letters("generators are lazy")))
    print("-".join(str(x) for x in range(12)))
main()
"#,
    r#"def nums(n):
    for i in range(n):
        yield (i * 37) % 23
def main():
    print(sorted(nums(30)))
    print(sorted(nums(20), reverse=True))
    print(max(nums(40)), min(nums(40)))
    print(tuple(nums(5)), set(nums(8)) == set(list(nums(8))))
main()
"#,
    r#"def gen(n):
    for i in range(n):
        yield i
def main():
    for a, b in zip(gen(100), range(3, 1000)):
        if a % 25 == 0:
            print(a, b)
    for i, v in enumerate(gen(4), 10):
        print(i, v)
    print(list(zip(gen(3), "xyz", gen(10))))
main()
"#,
    r#"def gen(n):
    for i in range(n):
        yield i * i
def main():
    hits = 0
    for k in range(40):
        if k in gen(8):
            hits += 1
    print(hits, 49 in gen(10), 50 not in gen(10))
main()
"#,
    r#"def three():
    yield "a"
    yield "b"
    yield "c"
def main():
    x, y, z = three()
    print(x, y, z)
    p, q = three()
main()
"#,
    r#"def two():
    yield 1
    yield 2
def main():
    a, b, c = two()
main()
"#,
    r#"def nested(n):
    for i in range(n):
        for j in range(i):
            yield i * 10 + j
def main():
    s = 0
    c = 0
    for v in nested(40):
        s += v
        c += 1
    print(s, c)
main()
"#,
    r#"def acc(xs):
    total = 0
    for x in xs:
        total += x
        yield total
def main():
    print(list(acc(acc(acc(range(10))))))
    g = acc(x * 2 for x in range(100))
    last = 0
    for v in g:
        last = v
    print(last)
main()
"#,
    r#"def main():
    rows = [[i * j for j in range(6)] for i in range(6)]
    print(list(sum(r) for r in rows))
    print(sum(x for r in rows for x in r if x % 2 == 0))
    pairs = list((i, j) for i in range(4) for j in range(i))
    print(pairs)
main()
"#,
    r#"def make(base):
    def gen(n):
        for i in range(n):
            yield base + i
    return gen
def main():
    g1 = make(100)
    g2 = make(1000)
    print(list(g1(5)), list(g2(3)))
    total = 0
    for i in range(100):
        total += sum(g1(i % 7))
    print(total)
main()
"#,
    r#"def counter():
    n = 0
    def bump():
        nonlocal n
        n += 1
        return n
    while n < 10:
        yield bump()
def main():
    print(list(counter()))
main()
"#,
    r#"def gen():
    yield 1
    yield 2
def main():
    g = gen()
    print(next(iter(g)), list(g))
    for x in iter(gen()):
        print(x)
    it = iter([7, 8])
    print(next(it), next(it), next(it, 9))
main()
"#,
    r#"def main():
    next([1, 2])
main()
"#,
    r#"class Box:
    def __init__(self, n):
        self.n = n
    def items(self):
        for i in range(self.n):
            yield self.n * i
def main():
    b = Box(6)
    print(list(b.items()))
    t = 0
    for k in range(30):
        b.n = k % 5
        for v in b.items():
            t += v
    print(t)
main()
"#,
    r#"def gen(n):
    for i in range(n):
        yield [i] * 3
def main():
    out = []
    for lst in gen(200):
        out.extend(lst)
    print(len(out), out[-5:])
    xs = [0]
    xs.extend(gen(2))
    xs.extend(v * 2 for v in range(3))
    print(xs)
main()
"#,
    r#"def floats(n):
    x = 0.5
    for i in range(n):
        x = x * 1.5 + i
        yield x
def main():
    s = 0.0
    for v in floats(60):
        s += v / 1000.0
    print(s)
    print(list(round(v, 2) for v in floats(4)))
main()
"#,
    r#"def gen(d):
    for k in d:
        yield k, d[k]
def main():
    d = {}
    for i in range(50):
        d[i % 17] = i
    print(list(gen(d)))
    print(sum(v for k, v in gen(d)))
main()
"#,
    r#"def chunks(xs, n):
    i = 0
    while i < len(xs):
        yield xs[i:i + n]
        i += n
def main():
    data = list(range(23))
    for c in chunks(data, 5):
        print(c)
    print(sum(len(c) for c in chunks(data, 4)))
main()
"#,
    r#"def gen(n):
    for i in range(n):
        yield i
def main():
    g = gen(10)
    first = [next(g) for _ in range(3)]
    rest = list(g)
    print(first, rest, list(g))
    h = gen(3)
    for x in h:
        if x == 1:
            break
    print(list(h))
main()
"#,
    r#"def gen(n):
    total = 0
    for i in range(n):
        total += i
        if total > 1000:
            return
        yield total
def main():
    print(list(gen(100)))
    x = 0
    for i in range(200):
        for v in gen(i):
            x += v % 7
    print(x)
main()
"#,
    r#"def gen():
    yield 1
def main():
    print(len(list(gen())), list(x for x in gen() if x))
    print(len(gen()))
main()
"#,
    r#"def upto(n):
    yield from range(n)
    yield from "ab"
    yield from (x * x for x in range(3))
def main():
    print(list(upto(4)))
    s = 0
    for i in range(80):
        for v in upto(i % 6):
            if isinstance(v, int):
                s += v
    print(s)
main()
"#,
];
