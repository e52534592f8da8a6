# `*args`/`**kwargs` and calls that unpack, in hot loops (their ops are
# traced and compiled: _LIST_EXTEND, _DICT_MERGE, _CALL_FUNCTION_EX), a
# `**kwargs` constructor chained to its base as pyperformance's raytracer
# does, and an `array.array('B')` canvas written from a hot loop.
import array


def shade(x, y, r, g, b):
    return (x + y + r + g + b) % 256


def collect(*args, **kwargs):
    return len(args) * 100 + len(kwargs)


class Surface:
    def __init__(self, **kwargs):
        self.base = kwargs.get('base', (1, 1, 1))
        self.spec = kwargs.get('spec', 2)


class Checker(Surface):
    def __init__(self, **kwargs):
        Surface.__init__(self, **kwargs)
        self.size = kwargs.get('size', 1)


canvas = array.array('B', [0] * 192)
total = 0
extra = {'k': 1}
for i in range(64):
    colour = (i % 7, i % 5, i % 3)
    canvas[i * 3] = shade(i, 2, *colour)
    total += collect(*colour, **extra, j=i) + collect(i, *[i] * (i % 4))
    s = Checker(size=i, base=colour) if i % 2 else Surface(spec=i)
    total += s.spec + len(s.base)
print(total, sum(canvas), canvas[0], canvas[189], len(canvas))
print(collect(), collect(*'abc', **{'x': 1, 'y': 2}), Checker().size)
try:
    collect(**{'k': 1}, k=2)
except TypeError as e:
    print(e)
