# A loop traced over lists, later handed iterators that run Python code (a
# user `__next__` that counts its calls, a generator with side effects,
# enumerate and zip over them): the trace leaves them to tier 1 unstepped,
# so `__next__` runs exactly as often as under CPython.
class Counter:
    def __init__(self, n):
        self.n = n
        self.calls = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.calls += 1
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n


log = []


def numbers(n):
    for k in range(n):
        log.append(k)
        yield k * 2
    log.append("done")


def consume(xs):
    total = 0
    for x in xs:
        total += x
    return total


def pairs(xs):
    out = 0
    for i, x in enumerate(xs):
        out += i * x
    return out


warm = 0
for i in range(60):
    warm += consume([i, 1, 2]) + pairs((i, 3))
c = Counter(5)
print(warm, consume(c), c.calls)
print(consume(numbers(4)), log)
c = Counter(3)
print(pairs(c), c.calls)
c = Counter(4)
print(consume(a * b for a, b in zip(c, numbers(6))), c.calls, log[-3:])
for i in range(30):
    c = Counter(i % 4)
    warm += consume(c) + c.calls
print(warm)
