# Protocols real programs use that a hand-written campaign first got wrong:
# a generator's return value is StopIteration's one arg and its `.value`;
# a StopIteration raised inside a generator is a RuntimeError (PEP 479);
# an instance whose __iter__ is a generator is unpacked and searched with
# `in`; dict() takes iterators of pairs. Loops are hot, so every tier and
# backend traces them.


def ended(n):
    for i in range(n):
        yield i
    return n * 10


def raises_inside():
    yield 1
    raise StopIteration("inside")


class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        yield self.a
        yield self.b


def main():
    total = 0
    for k in range(40):
        g = ended(k % 3 + 1)
        try:
            while True:
                total += next(g)
        except StopIteration as e:
            total += e.value + len(e.args)
            if k == 39:
                print(e.args, e, repr(e), e.value)
    try:
        next(iter([]))
    except StopIteration as e:
        print("empty", e.value, e.args)
    caught = 0
    for k in range(30):
        try:
            for x in raises_inside():
                total += x
        except RuntimeError as e:
            caught += 1
            if k == 0:
                print(e.__class__.__name__, e)
    pairs = [Pair(i, i + 1) for i in range(50)]
    hits = 0
    for p in pairs:
        a, b = p
        total += a * b
        hits += (7 in p) + (p.a in p)
    d = dict([iter((1, 2)), (3, 4), iter([5, 6])])
    print(total, caught, hits, d)


main()
