//! Hand-written set and comprehension programs, run against python3 by the
//! VM's end-to-end tests and by the reference's (each a whole program; the
//! short ones end with CPython's exception).

pub const PROGRAMS: &[&str] = &[
    // How far each method steps a generator (issuperset and isdisjoint
    // to the deciding item, intersection until its result is full,
    // issubset and update all of it, an unhashable item where it is
    // reached), and generators changing the set as it is read.
    r#"pulled = [0]
def cnt(items):
    for x in items:
        pulled[0] += 1
        yield x
for name, f in [('issuperset', lambda: {1, 2, 3}.issuperset(cnt([1, 5, 2, 3]))),
                ('isdisjoint', lambda: {1, 2, 3}.isdisjoint(cnt([7, 2, 9, 10]))),
                ('issubset', lambda: {1, 2}.issubset(cnt([1, 2, 3, 4]))),
                ('intersection', lambda: {1, 2}.intersection(cnt(range(50)))),
                ('intersection2', lambda: {1, 2}.intersection(cnt(range(50)), cnt(range(50)))),
                ('difference', lambda: {1, 2}.difference(cnt(range(50)))),
                ('symdiff', lambda: {1, 2}.symmetric_difference(cnt(range(5)))),
                ('update', lambda: {1, 2}.update(cnt(range(4)), cnt([9]))),
                ('issuperset_unh', lambda: {1, 2, 3}.issuperset(cnt([5, [1]]))),
                ('isdisjoint_unh', lambda: {1, 2, 3}.isdisjoint(cnt([1, [1]]))),
                ('issubset_unh', lambda: {1, 2}.issubset(cnt([1, 2, [3]]))),
                ('update_unh', lambda: {1, 2}.update(cnt([1, [2], 3])))]:
    pulled[0] = 0
    try:
        r = f()
    except Exception as e:
        r = type(e).__name__
    print(name, r, pulled[0])
def clearer(s):
    yield 0
    s.clear()
s = {0, 1}
print(s.issubset(clearer(s)))
def adder(s):
    yield 0
    s.add(5)
    yield 1
s = {0, 1}
print(s.issuperset(adder(s)), s)
def clearer2(s):
    yield 7
    s.clear()
    yield 0
s = {0, 1}
print(s.isdisjoint(clearer2(s)), s)
def clearer3(s):
    yield 0
    s.discard(1)
    yield 1
    yield 2
s = {0, 1, 2}
print(s.intersection(clearer3(s)))
def raiser():
    yield 1
    raise ValueError('late')
s = set()
try:
    s.update(raiser())
except ValueError as e:
    print('ValueError', e)
print(s)
s = {0, 1}
try:
    s.update(x + 10 for x in s)
except RuntimeError as e:
    print('RuntimeError', e)
print(sorted(s))
class Bag:
    def __init__(self, xs):
        self.xs = xs
    def __iter__(self):
        return iter(self.xs)
s = {1}
s.update(Bag([4, 5]), [6])
print(s)
"#,
    // The algebra methods with every kind of argument: sets, dicts,
    // lists, ranges, generators stepped only to the deciding item, user
    // iterables, their errors, and a hot loop of them.
    r#"def show(label, f):
    try:
        r = f()
        print(label, r)
    except Exception as e:
        print(label, type(e).__name__, e)

def gen(xs, log):
    for x in xs:
        log.append(x)
        yield x

class Bag:
    def __init__(self, xs):
        self.xs = xs
    def __iter__(self):
        return iter(self.xs)

a = {1, 2, 3, 40, 17, 9}
b = [3, 4, 5, 17, 100, 9]
show('union', lambda: a.union(b, (7, 8), {1000, 2000}, range(5)))
show('union0', lambda: a.union())
show('unionself', lambda: a.union(a))
show('inter', lambda: a.intersection(b))
show('inter2', lambda: a.intersection(b, {9, 17, 55}))
show('inter0', lambda: a.intersection())
show('interf', lambda: {1, 2}.intersection([1.0, True, 2.0]))
show('diff', lambda: a.difference(b))
show('diff2', lambda: a.difference(b, [1], {2}))
show('diffd', lambda: a.difference({3: 'x', 40: 'y'}))
show('diffd_small', lambda: set(range(40)).difference({3: 'x'}))
show('sym', lambda: a.symmetric_difference(b))
show('symd', lambda: a.symmetric_difference({3: 0, 77: 1}))
show('symself', lambda: a.symmetric_difference(a))
show('sub', lambda: {3, 9}.issubset(b))
show('sub2', lambda: {3, 10}.issubset(b))
show('subs', lambda: {3, 9}.issubset({3, 9, 1}))
show('sup', lambda: a.issuperset([1, 2]))
show('sup2', lambda: a.issuperset([1, 99, [2]]))
show('sup3', lambda: a.issuperset([[2]]))
show('disj', lambda: a.isdisjoint([100, 200]))
show('disj2', lambda: a.isdisjoint([100, 1, [3]]))
show('disjs', lambda: a.isdisjoint({1000}))
show('disjself', lambda: set().isdisjoint(set()))
show('bad', lambda: a.union(5))
show('bad2', lambda: a.issubset())
show('bad3', lambda: a.issuperset(1, 2))
show('kw', lambda: a.union(x=1))
show('unh', lambda: a.intersection([[1]]))
show('unhs', lambda: a.difference([{1}]))
show('desc', lambda: set.union({1}, [2]))
show('descbad', lambda: set.union([1], [2]))
log = []
g = gen([1, 5, 2, 6], log)
show('supgen', lambda: a.issuperset(g))
print(log, next(g))
log = []
g = gen([100, 1, 5], log)
show('disjgen', lambda: a.isdisjoint(g))
print(log, next(g))
show('bag', lambda: a.union(Bag([55, 56])))
show('bagsup', lambda: a.issuperset(Bag([1, 2])))
s = {5, 6, 7, 8, 9}
s.intersection_update([5, 6, 70], range(10))
print(s)
s.difference_update([5], {6})
print(s)
s.symmetric_difference_update([7, 8, 11])
print(s)
s.symmetric_difference_update({11: 0, 12: 0})
print(s)
s.symmetric_difference_update(s)
print(s)
t = set(range(100))
t.difference_update(range(0, 100, 2))
print(t)
t.difference_update(t)
print(t)
u = set(range(64))
for i in range(30):
    u = u.difference([i * 2]).union([i * 3 + 64])
print(u, len(u))
total = 0
for i in range(300):
    x = {i % 7, i % 11, 3}
    y = [i % 5, 3, i % 13]
    total += len(x.union(y)) + len(x.intersection(y)) + len(x.difference(y)) + len(x.symmetric_difference(y))
    if x.issubset(y) or x.issuperset(y) or x.isdisjoint(y):
        total += 1000
print(total)
f = a.union
print(f([99]), sorted(a.intersection(*[[1, 2], [2, 3, 1]])))
"#,
    r#"s = {5, 3, 17, 9, 1, 100, 33, -1}
print(s, len(s), set(), {1}, {-1, -2, -3}, {2**61 - 1, 2**61, 2**64 + 5, -(2**70)})
t = set()
for x in [5, 3, 17, 9, 1, 100, 33, -1]:
    t.add(x)
print(t, s == t, s != t)
t.discard(33)
t.add(65)
print(t)
print({0.5, 1e300, -2.5, 1.0, 1, True, 1e-300, float('inf'), -float('inf')})
print({(1, 2), (3, 4), (1, 2.0), (), ((1, 2), 3), (-1,)})
print({10, 1, 2, 99}, {1, 2, 10, 99}, {a for a in (1, 2, 10, 99)})
"#,
    r#"a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
b = {x * 3 for x in range(10)}
print(a | b, a & b, a - b, a ^ b)
print(b | a, b & a, b - a, b ^ a)
print(sorted(a ^ b), sum(a), min(b), max(b), list(b), tuple(a))
c = {i * 8 for i in range(20)}
d = {i * 16 for i in range(30)}
print(c & d, d & c, c - d, d - c, c ^ d)
big = set(range(100))
small = {3, 50, 200}
print(big - small == set(range(100)) - {3, 50}, small - big, len(big - small))
print(small & big, big & small)
"#,
    r#"e = set([3, 1, 2, 3])
e |= {10, 20}
print(e)
e &= {1, 2, 10, 99}
print(e, e == {1, 2, 10})
e -= {1}
e ^= {7, 2, 64}
print(e)
x = e
x |= {8, 16, 24}
print(e is x, e)
f = {i for i in range(2000)}
for i in range(0, 2000, 3):
    f.discard(i)
print(len(f), list(f)[:12])
f -= set(range(1000))
print(len(f), list(f)[:8])
g = set(range(50))
while len(g) > 40:
    print(g.pop(), end=' ')
print(g)
g.clear()
print(g, len(g), not g, 1 if g else 0)
g.add(5)
print(g.pop(), g)
"#,
    r#"n = 0
s = {1, 3, 5, 7, 11}
for i in range(3000):
    if i % 13 in s:
        n += 1
    if i not in s:
        n += 2
print(n)
g = set()
for i in range(3000):
    g.add(i * 7919 % 1000)
print(len(g), sorted(g)[:5], 999 in g)
h = set()
for i in range(2000):
    h.add((i % 37, i % 11))
    if i % 3 == 0:
        h.discard((i % 5, i % 7))
print(len(h), list(h)[:6])
sq = {k: k * k for k in range(1000) if k % 3}
print(len(sq), sq[2], sq[998], list(sq)[:4])
evens = {v for v in sq.values() if v % 2 == 0}
print(len(evens), 4 in evens)
pairs = {(a, b) for a in range(20) for b in range(a) if (a + b) % 5 == 0}
print(len(pairs), list(pairs)[:5])
inv = {v: k for k, v in sq.items() if k < 10}
print(inv)
"#,
    r#"s = {1, 2}
print({1} < {1, 2}, {1, 2} <= {1, 2}, {3} > {1}, {1, 2} >= {2}, {1} == [1], {1} != (1,))
d = {1: 'a', 2: 'b'}
print(s == d.keys(), d.keys() == s, s != d.keys())
print(set({5: 1, 3: 2, 64: 0}), set((1, 1, 2)), set([(1, 2), (1, 2)]), set(range(5)))
print(isinstance(s, set), isinstance([], set), isinstance(s, (list, set)), set, len(set()))
print(sorted({-5, 3, -1, 0.5}), sum({1.5, 2.5}), max({(1, 2), (1, 3)}), min({-(2**70), 3}))
t = s.copy()
t.update([3, 4], {5}, range(6, 8))
print(s, t, s is t, s.copy() == s)
for x in {9, 18, 27}:
    print(x, end=' ')
print()
u, v = {7, 15}
print(u, v, [x for x in {40, 8, 24}], {x: 0 for x in {1, 9}})
print(repr({1, (2, 3)}), str({4}), [{1, 2}, {3}], ({5},), {1: {6}})
"#,
    r#"s = {1, 2, 3}
s.remove(4)
"#,
    r#"s = set()
s.pop()
"#,
    r#"s = {1}
s.add([1, 2])
"#,
    r#"s = {1, 2}
print({(1, [2])})
"#,
    r#"print({1} | [1])
"#,
    r#"s = {1}
s &= [1]
"#,
    r#"d = {}
d[{1}] = 2
"#,
    r#"print({1, 2} < [1, 2])
"#,
    r#"s = {1, 2, 3}
for x in s:
    s.add(x + 10)
"#,
    r#"s = {3}
s.add(1, 2)
"#,
    r#"print(set(1))
"#,
    r#"print(set([1], [2]))
"#,
    r#"s = {1}
s.remove((1, 2))
"#,
    r#"print({1, 2}.pop(1))
"#,
    r#"s = {1, 2}
print({1} in s, s.discard({1}), s)
s.remove({1, 2})
"#,
    r#"print({1, 2} + {3})
"#,
    r#"def f(n):
    seen = set()
    dup = 0
    for i in range(n):
        k = i * i % 97
        if k in seen:
            dup += 1
        else:
            seen.add(k)
    return dup, len(seen), {k % 10 for k in seen}, {k: k % 7 for k in range(i % 20)}
print(f(3000))
print(f(500))
"#,
    // A constant set display iterated by `for` or a comprehension is
    // CPython's frozenset constant itself (`fold_iter`), in its own order;
    // printed or spread, a display is merged into a new set.
    r#"for x in {0, 1, 2, 4, 16}:
    print(x, end=' ')
print()
print([x for x in {0, 1, 2, 4, 16}])
print(list(x for x in {8, 16, 0, 24, 3, 40}))
print({x for x in {8, 16, 0, 24, 3, 40}})
print({x: 1 for x in {5, 13, 21, 29, 37}})
print({0, 1, 2, 4, 16}, {16, 4, 2, 1, 0})
for x in {16, 4, 2, 1, 0}:
    print(x, end=' ')
print()
print([(a, b) for a in (1, 2) for b in {9, 1, 17, 25, 33}])
total = 0
for i in range(300):
    for x in {64, 0, 32, 96, 128, 1, -1}:
        total += x * i
print(total)
for x in {-1, -2, 7, 15, 1.5, (1, 2)}:
    print(x, end=' ')
print()
for k in {1, 2}:
    print(k)
print(sorted({8, 16, 0}))
for p, q in {(1, 2), (9, 10), (17, 18)}:
    print(p, q)
"#,
    r#"print({*[0, 1, 2, 4, 16]}, {5, *range(3)}, {*'abc'} == set('abc'), {*(16, 0, 8)})
"#,
    // CPython's AST optimizer folds constant arithmetic first (`ast_opt.c`,
    // within its limits): these displays are frozenset constants too, and
    // a constant iterable of one or two items is one as well.
    r#"print({2 * 5, 2, 18}, {-1 - 0, -2, 5, 13, 21, 29})
print({2 ** 61 - 1, 2 ** 61 + 7, 6, 14, 22})
print({(1, 2)[0] + 8, 1, 17, 25, 33}, {1 << 3, 0, 16}, {not 0, 9, 17})
print({2 ** 64, 0, 8, 16}, {2 ** 127 // 2 ** 64, 0, 8, 16})
print({1 * 8, 0, 16, 24, 1.5 * 2, 7 // 2, 7 % 3, ~1, -7 // 2})
print({10 ** 38, 1, 9, 17}, {1 << 200 >> 197, 0, 16, 24})
print({(1, 2) * 2, (1,) + (2,), (3 - 2, 2)}, {True + True, 10, 18})
print({-(2 ** 63) // 3, 5, 13, 21}, {2 ** -1, 0.75 * 2, 8, 0})
for x in {7, 15}:
    print(x)
print([x for x in {7, 15}], [x for x in {3 + 4, 16 - 1}])
n = 2
print({n * 5, 2, 18}, {5 * 2, n, 18})
"#,
    // Equal constant displays share the first one's frozenset, equal as
    // sets of their members: an item `==` an earlier one is not a member
    // (`1.0` after `1`, `0.0` after `-0.0`), and a member's type counts.
    r#"print({1, 9, 17})
print({17, 9, 1, 1.0})
print({0.0, -0.0, 1.0})
print({-0.0, 0.0, 1.0})
print({True, 1, 9})
print({1, True, 9})
print({(1, 2.0), 5, 13}, {(1.0, 2), 13, 5})
"#,
];
