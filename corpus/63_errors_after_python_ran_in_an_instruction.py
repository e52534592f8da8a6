# Instructions that step Python code (a generator, a map over int(), a
# user __iter__) and then raise, inside hot loops under `try`: unpacking
# with too many or too few values, star displays and star calls, `in`.
# A trace's error transition takes the instruction's point before it ran.
def g1():
    yield 1


def g3():
    yield 1
    yield 2
    yield 3


def g_raises():
    yield 1
    raise KeyError("gone")


class Bag:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for k in range(self.n):
            yield k
        if self.n > 2:
            raise LookupError(self.n)


def f(*args):
    return len(args)


counts = {}


def note(e):
    name = type(e).__name__
    counts[name] = counts.get(name, 0) + 1


for i in range(120):
    try:
        x, y = g1()
    except ValueError as e:
        note(e)
    try:
        x, y = g3()
    except ValueError as e:
        note(e)
    try:
        a, b, c, d = g_raises()
    except KeyError as e:
        note(e)
    try:
        a, b = map(int, "1 2 3".split())
    except ValueError as e:
        note(e)
    try:
        x, *rest = map(int, ["1", "x"])
    except ValueError as e:
        note(e)
    try:
        total = len([*g_raises()]) + len((*g_raises(),))
    except KeyError as e:
        note(e)
    try:
        total = f(*map(int, ["1", "x"]))
    except ValueError as e:
        note(e)
    try:
        found = 5 in map(int, ["1", "x"])
    except ValueError as e:
        note(e)
    try:
        found = 7 in Bag(i % 5)
    except LookupError as e:
        note(e)
    try:
        p, q = Bag(i % 4)
    except (ValueError, LookupError) as e:
        note(e)
print(sorted(counts.items()))
