# Star calls that raise inside hot loops (a bound method, a class, a
# builtin, a callable instance), caught around the loop; a positional
# count past a byte with keywords; user truth (`__bool__`, `__len__`)
# tested inside generator bodies and by filter and takewhile.
import itertools


class CPU:
    def __init__(self):
        self.ticks = 0

    def step(self, i):
        self.ticks += 1
        if i == 100:
            raise ValueError(i)

    def __call__(self, a, b):
        if b == 0:
            raise ZeroDivisionError("no divisor")
        return a // b


def run(cpu):
    i = 0
    try:
        while True:
            cpu.step(*(i,))
            i += 1
    except ValueError as e:
        return i, cpu.ticks, e.args


class Point:
    def __init__(self, x, y):
        if x < 0:
            raise ValueError("negative x")
        self.x, self.y = x, y


def points(rows):
    pts = []
    try:
        for row in rows:
            pts.append(Point(*row))
    except ValueError as e:
        print("bad row:", e)
    return len(pts), sum(p.x + p.y for p in pts)


def total(rows):
    n = 0
    try:
        for args in rows:
            n += int(*args)
    except ValueError as e:
        print(type(e).__name__, e)
    return n


def quotients(cpu, pairs):
    out = []
    try:
        for p in pairs:
            out.append(cpu(*p))
    except ZeroDivisionError as e:
        out.append(str(e))
    return out


def stats(*values, scale=1):
    return len(values) * scale, sum(values) * scale


class Item:
    def __init__(self, qty):
        self.qty = qty

    def __bool__(self):
        return self.qty > 0


class Queue:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)


def in_stock(items):
    for it in items:
        if it:
            yield it.qty


def drain(q):
    while q:
        yield q.items.pop()


print(run(CPU()))
print(points([(i, i + 1) for i in range(100)] + [(-1, 0)]))
print(total([("12",)] * 100 + [("x",)]))
print(quotients(CPU(), [(k * 7, k % 9 + 1) for k in range(120)] + [(1, 0)])[-3:])
print(stats(*range(300), scale=2))
print(*range(260), sep=",")
items = [Item(k % 4) for k in range(200)]
print(sum(in_stock(items)), len(list(filter(None, items))))
print([it.qty for it in itertools.takewhile(lambda it: it, [Item(2), Item(0), Item(5)])])
print(list(drain(Queue(range(150))))[:5])
