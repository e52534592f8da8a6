// Operator and protocol dunders of user classes: every tier and the
// reference print what CPython prints for each (vm/tests/dunders_cpython.rs,
// oracle/tests/reference_dunders.rs). Loops run long enough to trace.
const DUNDER_PROGRAMS: &[&str] = &[
    // 0: __add__/__sub__/__mul__ in a hot loop.
    r#"class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
def f(n):
    acc = V(0, 0)
    for i in range(n):
        acc = acc + V(i, 1) * 2 - V(1, 0)
    return acc
a = f(300)
print(a.x, a.y)
"#,
    // 1: __radd__ and __rmul__ with an int on the left; sum() of instances.
    r#"class M:
    def __init__(self, v):
        self.v = v
    def __radd__(self, o):
        return M(o + self.v)
    def __add__(self, o):
        if isinstance(o, M):
            return M(self.v + o.v)
        return M(self.v + o)
    def __rmul__(self, k):
        return M(self.v * k)
t = 0
for i in range(200):
    t = t + (3 * M(i)).v
print(t)
print((5 + M(2)).v, (M(2) + 5).v)
"#,
    // 2: unsupported operand TypeError (no __radd__).
    r#"class A:
    def __add__(self, o):
        return 1
a = A()
print(a + 2)
print(2 + a)
"#,
    // 3: augmented assignment falls back to __add__; its TypeError says +=.
    r#"class C:
    def __init__(self, n):
        self.n = n
    def __add__(self, o):
        return C(self.n + o)
c = C(0)
for i in range(100):
    c += i
print(c.n)
d = 5
d -= C(1)
"#,
    // 4: __eq__ with a side effect in a hot loop; != inverts __eq__.
    r#"count = 0
class K:
    def __init__(self, k):
        self.k = k
    def __eq__(self, o):
        global count
        count += 1
        return self.k == o.k
hits = 0
for i in range(300):
    if K(i % 7) == K(3):
        hits += 1
    if K(i) != K(i):
        hits += 100
print(hits, count)
"#,
    // 5: default == is identity; != too.
    r#"class P:
    pass
a = P()
b = P()
print(a == a, a == b, a != b, a != a)
n = 0
for i in range(100):
    if a == b:
        n += 1
    if a == a:
        n += 2
print(n)
"#,
    // 6: __lt__ and the reflected __gt__; sorting-free ordering.
    r#"class O:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
class G:
    def __init__(self, v):
        self.v = v
    def __gt__(self, o):
        return self.v > o.v
best = O(10**6)
for i in range(150):
    x = O((i * 37) % 101)
    if x < best:
        best = x
print(best.v)
print(O(1) < O(2), O(2) > O(1), G(3) > O(2), O(2) < G(3))
"#,
    // 7: '<' not supported between instances.
    r#"class A:
    pass
class B:
    pass
print(A() == B())
print(A() < B())
"#,
    // 8: __le__/__ge__ reflect; a subclass's reflected method goes first.
    r#"class Base:
    def __init__(self, v):
        self.v = v
    def __le__(self, o):
        print("Base.le")
        return self.v <= o.v
    def __ge__(self, o):
        print("Base.ge")
        return self.v >= o.v
class Sub(Base):
    def __ge__(self, o):
        print("Sub.ge")
        return True
print(Base(1) <= Base(2))
print(Base(1) <= Sub(0))
print(Sub(0) <= Base(1))
"#,
    // 9: __len__ and __getitem__ in hot loops.
    r#"class Box:
    def __init__(self, items):
        self.items = items
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
b = Box([3, 1, 4, 1, 5, 9, 2, 6])
s = 0
for r in range(40):
    for i in range(len(b)):
        s += b[i] * r
print(s, len(b))
"#,
    // 10: __setitem__ and augmented subscript assignment.
    r#"class Grid:
    def __init__(self, n):
        self.cells = [0] * n
    def __getitem__(self, i):
        return self.cells[i % len(self.cells)]
    def __setitem__(self, i, v):
        self.cells[i % len(self.cells)] = v
g = Grid(5)
for i in range(200):
    g[i] += i
    g[i * 3] = g[i] + 1
print(g.cells)
"#,
    // 11: __iter__ returning iter(list): for, comprehension, unpacking, builtins.
    r#"class Bag:
    def __init__(self, items):
        self.items = list(items)
    def __iter__(self):
        return iter(self.items)
b = Bag([4, 5, 6])
t = 0
for k in range(60):
    for x in b:
        t += x * k
print(t)
print([x * 2 for x in b])
p, q, r = b
print(p, q, r)
print(list(b), tuple(b), sorted(b), sum(b), min(b), max(b))
print(list(enumerate(b)), list(zip(b, b)))
"#,
    // 12: __contains__ with a counter; `in` falls back to __iter__.
    r#"calls = 0
class Evens:
    def __contains__(self, x):
        global calls
        calls += 1
        return x % 2 == 0
class Seq:
    def __init__(self, xs):
        self.xs = xs
    def __iter__(self):
        return iter(self.xs)
e = Evens()
s = Seq([1, 2, 3])
n = 0
for i in range(120):
    if i in e:
        n += 1
    if i not in s:
        n += 1000
print(n, calls, 2 in s, 7 in s)
"#,
    // 13: __bool__ with side effects in hot conditions and `not`, `and`, `or`.
    r#"log = []
class Flag:
    def __init__(self, v):
        self.v = v
    def __bool__(self):
        log.append(self.v)
        return self.v > 2
n = 0
i = 0
while Flag(10 - i):
    i += 1
    if Flag(i % 5):
        n += 1
    if not Flag(i % 4):
        n += 100
print(n, i, len(log))
print(Flag(1) or Flag(5) and 7)
"#,
    // 14: truthiness from __len__ when there is no __bool__.
    r#"class L:
    def __init__(self, n):
        self.n = n
    def __len__(self):
        return self.n
k = 0
for i in range(100):
    if L(i % 3):
        k += 1
print(k)
x = L(0)
print("empty" if not x else "full")
"#,
    // 15: __bool__ must return a bool.
    r#"class B:
    def __bool__(self):
        return 1
if B():
    print("yes")
"#,
    // 16: __len__ must be >= 0, and an int.
    r#"class N:
    def __len__(self):
        return -1
print(len([]))
print(len(N()))
"#,
    // 17: __len__ returning a str: CPython's TypeError.
    r#"class S:
    def __len__(self):
        return "3"
print(len(S()))
"#,
    // 18: __repr__ and __str__: print, str, repr, and str falling back to repr.
    r#"class R:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return "R(" + repr(self.v) + ")"
class T(R):
    def __str__(self):
        return "T:" + str(self.v)
r = R("a")
t = T(3)
print(r, t)
print(str(r), repr(r), str(t), repr(t))
out = ""
for i in range(100):
    out = str(R(i % 10))
print(out)
"#,
    // 19: __str__ returning a non-string.
    r#"class Bad:
    def __str__(self):
        return 42
print(Bad())
"#,
    // 20: __repr__ returning a non-string through repr().
    r#"class Bad:
    def __repr__(self):
        return None
repr(Bad())
"#,
    // 21: dunders inherited from a base class.
    r#"class Num:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        return self.__class__(self.v + o.v)
    def __eq__(self, o):
        return self.v == o.v
    def __len__(self):
        return self.v
    def __repr__(self):
        return "Num(" + str(self.v) + ")"
class Big(Num):
    def __repr__(self):
        return "Big(" + str(self.v) + ")"
x = Big(1)
for i in range(100):
    x = x + Big(1)
print(x, len(x), x == Big(101), x != Num(101))
"#,
    // 22: __add__ rebound on the class at iteration K of a hot loop.
    r#"class A:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        return A(self.v + o)
def times(self, o):
    return A(self.v * 2)
a = A(1)
for i in range(200):
    if i == 150:
        A.__add__ = times
    a = a + 1
    if a.v > 100000:
        a = A(a.v % 1000)
print(a.v)
"#,
    // 23: __eq__ and __bool__ rebound from a callee at iteration K.
    r#"class Z:
    def __bool__(self):
        return True
def never(self):
    return False
def swap():
    Z.__bool__ = never
z = Z()
n = 0
for i in range(200):
    if i == 120:
        swap()
    if z:
        n += 1
print(n)
"#,
    // 24: a dunder added to a class that had none, mid-loop.
    r#"class P:
    def __init__(self, v):
        self.v = v
def eq(self, o):
    return self.v == o.v
n = 0
for i in range(200):
    if i == 80:
        P.__eq__ = eq
    if P(1) == P(1):
        n += 1
print(n)
"#,
    // 25: instances with __eq__ in lists found by identity first.
    r#"class E:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        return self.v == o.v
xs = [E(1), E(2)]
a = xs[0]
print(a in xs, xs.index(a))
print(len(xs))
"#,
    // 26: a class with __eq__ is unhashable: dict key TypeError.
    r#"class E:
    def __eq__(self, o):
        return True
d = {}
d[E()] = 1
"#,
    // 27: unhashable as a set member too; a subclass inherits it.
    r#"class E:
    def __eq__(self, o):
        return True
class F(E):
    pass
s = {1, 2}
s.add(F())
"#,
    // 28: default-hash instances as dict keys work.
    r#"class K:
    def __init__(self, n):
        self.n = n
    def __repr__(self):
        return "K" + str(self.n)
ks = [K(i) for i in range(5)]
d = {}
for r in range(50):
    for k in ks:
        d[k] = d.get(k, 0) + r
print(sum(d.values()), d[ks[2]])
print(ks)
"#,
    // 29: __repr__ inside containers.
    r#"class C:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return "C<" + str(self.v) + ">"
xs = [C(1), (C(2), C(3))]
print(xs)
print(str(xs), repr([C(4)]))
print({"k": C(5)})
"#,
    // 30: exceptions inside dunders propagate.
    r#"class Boom:
    def __add__(self, o):
        return 1 // 0
def f():
    return Boom() + 1
for i in range(3):
    pass
f()
"#,
    // 31: exception from __getitem__ (IndexError) propagates.
    r#"class Arr:
    def __init__(self):
        self.xs = [1, 2]
    def __getitem__(self, i):
        return self.xs[i]
a = Arr()
s = 0
for i in range(50):
    s += a[i % 2]
print(s)
print(a[5])
"#,
    // 32: __iter__ returning a non-iterator.
    r#"class I:
    def __iter__(self):
        return [1, 2]
for x in I():
    print(x)
"#,
    // 33: not iterable / not subscriptable / no len / no item assignment.
    r#"class A:
    pass
print(len(A()))
"#,
    r#"class A:
    def __getitem__(self, i):
        return i
a = A()
print(a[3], a["k"])
a[1] = 2
"#,
    // 35: iter() builtin on lists, strings, ranges, dicts.
    r#"it = iter([1, 2, 3])
for x in it:
    print(x)
print(list(iter("ab")), list(iter(range(3))), list(iter({"a": 1})))
print(iter([]) is not None)
"#,
    // 36: a container class used everywhere in a hot function.
    r#"class Stack:
    def __init__(self):
        self.items = []
    def push(self, x):
        self.items.append(x)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __iter__(self):
        return iter(self.items)
    def __contains__(self, x):
        return x in self.items
    def __bool__(self):
        return len(self.items) > 0
def work(n):
    s = Stack()
    total = 0
    for i in range(n):
        s.push(i % 11)
        if s and (i % 11) in s:
            total += s[len(s) - 1]
    for x in s:
        total += x
    return total
print(work(300))
"#,
    // 37: comparison result used in a chain and with `and`.
    r#"class V:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
    def __eq__(self, o):
        return self.v == o.v
n = 0
for i in range(100):
    if V(1) < V(i) < V(50):
        n += 1
    if V(i) == V(3) and V(i) < V(4):
        n += 10
print(n)
"#,
    // 38: __mul__ with a str, list * instance falls to __rmul__.
    r#"class Times:
    def __init__(self, k):
        self.k = k
    def __rmul__(self, o):
        return o * self.k
    def __mul__(self, o):
        return o * self.k
print("ab" * Times(3), [1] * Times(2), Times(2) * "x")
"#,
    // 39: [1] + instance without __radd__: list's TypeError.
    r#"class A:
    pass
print([1] + A())
"#,
    // 40: __sub__ missing on the same type: TypeError for -.
    r#"class A:
    def __rsub__(self, o):
        return 5
print(1 - A())
print(A() - A())
"#,
    // 41: `NotImplemented` returned by binary and comparison dunders: the
    // reflected method next, then the TypeError or identity; a hot loop.
    r#"class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        if not isinstance(other, Vec):
            return NotImplemented
        return Vec(self.x + other.x, self.y + other.y)

    def __radd__(self, other):
        if other == 0:
            return self
        return NotImplemented

    def __mul__(self, k):
        if isinstance(k, int):
            return Vec(self.x * k, self.y * k)
        return NotImplemented

    __rmul__ = __mul__

    def __eq__(self, other):
        if not isinstance(other, Vec):
            return NotImplemented
        return self.x == other.x and self.y == other.y

    def __lt__(self, other):
        if not isinstance(other, Vec):
            return NotImplemented
        return (self.x, self.y) < (other.x, other.y)

    def __repr__(self):
        return f"Vec({self.x}, {self.y})"


class Money:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        if isinstance(other, Money):
            return self.v == other.v
        if isinstance(other, Vec):
            return other.x == self.v
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, Vec):
            return Money(other.x + self.v)
        return NotImplemented


vs = [Vec(i % 5, i % 3) for i in range(40)]
total = Vec(0, 0)
for v in vs:
    total = total + v
print(total, total == Vec(80, 39), total != Vec(1, 1), total == 5, 5 == total, total != "a")
acc = Vec(0, 0)
for i in range(200):
    acc = acc + vs[i % 40] * 2
    if i % 50 == 0:
        acc = 3 * acc
print(acc, sorted(vs[:6]), Vec(1, 0) in vs, vs.index(Vec(2, 2)), vs.count(Vec(0, 0)))
m = Money(4)
print((Vec(1, 2) + m).v, Vec(4, 0) == m, m == Vec(4, 9), Vec(3, 0) != m, m == 4, [m] == [Vec(4, 4)])
print(NotImplemented, repr(NotImplemented), NotImplemented is NotImplemented, str(NotImplemented))
for bad in [lambda: Vec(1, 1) + 1, lambda: 1 + Vec(1, 1), lambda: Vec(1, 1) * 1.5, lambda: Vec(1, 1) < 3, lambda: 3 >= Vec(1, 1), lambda: Vec(1, 2) - Vec(1, 1), lambda: "s" + m, lambda: NotImplemented(), lambda: NotImplemented.x, lambda: [1] * Vec(1, 1)]:
    try:
        print(bad())
    except (TypeError, AttributeError) as e:
        print(type(e).__name__, e)
print(callable(NotImplemented), isinstance(NotImplemented, int), {NotImplemented: 1}[NotImplemented], [NotImplemented] == [NotImplemented])
"#,
    // 42: `NotImplemented` from a subclass's reflected method, a method
    // that always declines, and ordering that declines both ways.
    r#"class Base:
    def __init__(self, n):
        self.n = n
    def __add__(self, o):
        print("Base.add", type(o).__name__)
        return NotImplemented
    def __radd__(self, o):
        print("Base.radd", type(o).__name__)
        return NotImplemented
    def __eq__(self, o):
        print("Base.eq", type(o).__name__)
        return NotImplemented
    def __lt__(self, o):
        return NotImplemented
    def __gt__(self, o):
        if isinstance(o, int):
            return self.n > o
        return NotImplemented
class Sub(Base):
    def __radd__(self, o):
        print("Sub.radd", type(o).__name__)
        return NotImplemented
b, s = Base(1), Sub(2)
for x, y in [(b, s), (s, b), (b, b), (b, 3), (3, s)]:
    try:
        print(x + y)
    except TypeError as e:
        print("TypeError", e)
print(b == s, s == b, b == b, b != b, b != s, 3 == b)
print(3 < b, 0 < s)
for x, y in [(b, 3), (b, s)]:
    try:
        print(x < y)
    except TypeError as e:
        print("TypeError", e)
hits = 0
for i in range(300):
    if Base(i) == i:
        hits += 1
    if i < Base(150):
        hits += 2
print(hits)
"#,
    // 43: `sum` of instances (a list, a tuple, a range with an instance
    // start, generators) by their dunders, in a hot loop; `math.prod` of a
    // generator of them.
    r#"import math


class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        if isinstance(o, V):
            return V(self.x + o.x, self.y + o.y)
        return NotImplemented

    def __radd__(self, o):
        if o == 0:
            return self
        return NotImplemented

    def __mul__(self, o):
        if isinstance(o, V):
            return V(self.x * o.x, self.y * o.y)
        return NotImplemented

    def __repr__(self):
        return f"V({self.x}, {self.y})"


class Log:
    def __init__(self):
        self.calls = 0

    def __add__(self, o):
        self.calls += 1
        return self


vs = [V(i, i % 3) for i in range(10)]
print(sum(vs), sum(vs, V(100, 100)), sum(tuple(vs[:3])), sum([], V(0, 1)), sum([V(1, 1)]))
print(sum(v for v in vs), sum((V(i, 1) for i in range(4)), V(0, 0)))
try:
    print(math.prod(V(i, 2) for i in range(1, 4)))
except TypeError as e:
    print("TypeError", e)
lg = Log()
print(sum([1, 2, 3], lg).calls, sum(range(3), lg).calls)
t = V(0, 0)
for i in range(300):
    t = sum([t, V(i, 1), V(1, i % 2)])
print(t)
for bad in [lambda: sum([V(1, 1), 2]), lambda: sum([1, V(1, 1)]), lambda: sum([V(1, 1)], "s"), lambda: sum(["a", V(1, 1)])]:
    try:
        print(bad())
    except TypeError as e:
        print("TypeError", e)
"#,
];

// Where CPython would call a user dunder from code that cannot call
// Python here (a builtin's item comparisons, `sum` of a dict's values,
// `'%s'`, the old `__getitem__` iteration), the VM and the reference both
// poison. (`set.update(I())` of a user iterable is modelled: the set
// methods step their arguments, `sets_programs.rs`.)
const DUNDER_POISONED: &[&str] = &[
    // A dict's values are compared by code that cannot call Python.
    "class E:\n    def __eq__(self, o):\n        return True\nprint({1: E()} == {1: E()})\n",
    "class E:\n    def __eq__(self, o):\n        return True\nprint(E() in {1: E()}.values())\n",
    // `sum` adds instances over lists, tuples and ranges only.
    "class A:\n    def __add__(self, o):\n        return 1\nprint(sum({1: A()}.values(), A()))\n",
    "class G:\n    def __getitem__(self, i):\n        return i\nfor x in G():\n    break\n",
    "class E:\n    def __eq__(self, o):\n        return 1\nprint(E() == E())\n",
];

/// Sorts of 64 items or more whose comparisons would call a user class's
/// `__lt__`: the language's merge sort does not make timsort's calls, so
/// they poison (`SortOrder`) before the first one, in every tier and in
/// the reference; 63 items sort by CPython's own steps (item_compare.txt).
const LONG_USER_SORTS: &[&str] = &[
    "class E:\n    def __init__(self, n):\n        self.n = n\n    def __lt__(self, o):\n        print('lt')\n        return self.n < o.n\nxs = [E(i % 7) for i in range(64)]\nxs.sort()\n",
    "class E:\n    def __init__(self, n):\n        self.n = n\n    def __lt__(self, o):\n        return self.n < o.n\nprint(sorted(range(100), key=lambda i: E(-i))[0])\n",
    "class E:\n    def __init__(self, n):\n        self.n = n\n    def __lt__(self, o):\n        return self.n < o.n\nprint(sorted([(0, E(i)) for i in range(70)])[0])\n",
];
