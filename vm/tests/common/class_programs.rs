const CLASS_PROGRAMS: &[&str] = &[
    r#"class Point:
    """A point."""
    count = 0

    def __init__(self, x, y):
        self.x = x
        self.y = y
        Point.count += 1

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def moved(self, dx, dy=0):
        return Point(self.x + dx, self.y + dy)

    @staticmethod
    def origin():
        return Point(0, 0)

    @classmethod
    def make(cls, v):
        return cls(v, v)


class Point3(Point):
    def __init__(self, x, y, z=0):
        super().__init__(x, y)
        self.z = z

    def norm2(self):
        return super().norm2() + self.z * self.z


def total(n):
    s = 0
    p = Point(1, 2)
    q = Point3(1, 2, 3)
    for i in range(n):
        s += p.norm2() + q.norm2()
        p = p.moved(1)
        if i == n // 2:
            Point.norm2 = lambda_norm
    return s


def lambda_norm(self):
    return 1000


print(total(500))
print(Point.count)
print(Point.origin().norm2(), Point.make(3).x, Point3.make(2).norm2())
print(isinstance(Point3(1, 1), Point), isinstance(Point(1, 1), Point3), isinstance(3, Point))
print(Point)
o = Point(5, 6)
f = o.norm2
print(f())
print(o.norm2 if False else 1)
class S:
    __slots__ = ('a', 'b')
    def __init__(self):
        self.a = 1
try_it = S()
print(try_it.a)
o.extra = 7
print(o.extra)
class T(Point):
    pass
t = T(1, 1)
t.__class__ = Point3
print(t.__class__.__name__, t.x)
print(Point.count)
S().c = 5
"#,
    r#"class A:
    def f(self):
        return 1
a = A()
print(a.g)
"#,
    r#"class A:
    pass
print(A.zz)
"#,
    r#"class A:
    def __init__(self, x):
        self.x = x
A()
"#,
    r#"class A:
    def __init__(self):
        return 3
A()
"#,
    r#"class A:
    pass
A(1)
"#,
    r#"class A:
    __slots__ = ('x',)
class B:
    pass
a = A()
a.__class__ = B
"#,
    r#"class A:
    def m(self, k):
        return k
a = A()
a.m = 5
print(a.m)
x = 0
for i in range(300):
    x += A.m(a, i)
print(x)
xs = [1]
xs.append = 3
"#,
    r#"class A:
    pass
a = A()
a.__class__ = 5
"#,
    r#"class Node:
    def __init__(self, v, nxt):
        self.v = v
        self.nxt = nxt
head = None
for i in range(400):
    head = Node(i, head)
s = 0
n = head
while n is not None:
    s += n.v
    n = n.nxt
print(s)
class Counter:
    total = 0
    def bump(self, k):
        Counter.total += k
        return self
c = Counter()
for i in range(500):
    c.bump(i).bump(1)
print(Counter.total)
"#,
    r#"class P:
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x
class Q(P):
    scale = 3
def f(n):
    p = Q(2)
    s = 0
    for i in range(n):
        s += p.x + p.x * Q.scale + p.get()
        p.x = i % 5
    return s
print(f(300))
"#,
    r#"class A:
    def v(self):
        return 1
    k = 5
class B(A):
    pass
def ten(self=None):
    return 10
def f(n):
    b = B()
    s = 0
    for i in range(n):
        s += b.v() + b.v() + B.k
        if i == n // 2:
            A.v = ten
        if i == n // 3:
            A.k = 7
        if i == n - 20:
            b.__class__ = A
        if i == n - 10:
            b.v = ten
    return s
print(f(300))
class C:
    pass
def g(n):
    objs = [C() for _ in range(3)]
    t = 0
    for i in range(n):
        for o in objs:
            o.a = i
            t += o.a
        if i == n // 2:
            objs[1].b = 4
            objs.append(B())
        if i > n // 2:
            t += objs[1].b
    return t
print(g(200))
"#,
    r#"print(ValueError("x"), repr(ValueError("x", 2)), repr(KeyError()), str(KeyError("k")))
print(isinstance(ZeroDivisionError(), ArithmeticError), isinstance(KeyError(1), LookupError), isinstance(ValueError(), TypeError))
print(Exception, NotImplementedError)
def f(n):
    t = 0
    for i in range(n):
        assert i >= 0, "negative"
        t += i
    return t
print(f(300))
raise KeyError("missing %d" % 3)
"#,
    r#"def g():
    raise NotImplementedError
g()
"#,
    r#"assert 1 == 2, ("a", 1)
"#,
    r#"x = 0
for i in range(500):
    x += i
    if i == 400:
        assert x < 1000
"#,
    r#"raise 5
"#,
    r#"raise
"#,
    r#"e = ValueError("inner", 3)
raise e
"#,
    r#"AssertionError = 7
assert False
"#,
    r#"raise Exception
"#,
    r#"# Slots: allowed names, unset slot, inherited slots, sorted compatibility.
class S:
    __slots__ = ('a', 'b')
    def __init__(self):
        self.a = 1
class T(S):
    __slots__ = ['c']
class U:
    __slots__ = ('b', 'a')
s = S()
s.b = 2
t = T()
t.c = 3
print(s.a + s.b, t.a, t.c)
for i in range(100):
    s.a += i
print(s.a)
s.__class__ = U
print(s.__class__, s.a)
"#,
    r#"class S:
    __slots__ = 'a'
    x = 1
s = S()
s.x = 2
"#,
    r#"class S:
    __slots__ = ('a',)
    def m(self):
        return 1
S().m = 2
"#,
    r#"class A:
    def m(self):
        return super().__init__(1)
class B(A):
    pass
B().m()
"#,
    r#"class A:
    def __init__(self, x):
        self.x = x
print(A(x=4).x)
A(y=1)
"#,
    r#"class A:
    def m(self, a, b=2):
        return a * b
o = A()
f = o.m
print(f(b=3, a=2), A.m(o, 5))
f(1, a=1)
"#,
    r#"class A:
    pass
A[0]
"#,
    r#"# __class__ assignment follows CPython's layouts: a __dict__ added over a
# slotted base differs from a plain class's; slots added over different
# bases differ; empty slots add nothing.
class A:
    __slots__ = ('x',)
class B(A):
    pass
class P:
    pass
class Q:
    pass
class PE(P):
    __slots__ = ()
class BP(P):
    __slots__ = ('x',)
class BP2(P):
    __slots__ = ('x',)
o = PE()
o.__class__ = Q
print(o.__class__)
o = BP()
o.__class__ = BP2
print(o.__class__)
b = B()
b.__class__ = P
"#,
    r#"class P:
    pass
class Q:
    pass
class BP(P):
    __slots__ = ('x',)
class BQ(Q):
    __slots__ = ('x',)
o = BP()
o.__class__ = BQ
"#,
    r#"class A:
    def m(self):
        return 1
print(A().m.__name__, A.m.__name__, A().__name__)
"#,
    r#"# __class__ and __name__ of values of builtin types.
def f():
    pass
class A:
    def m(self):
        pass
print((1).__class__, [].__class__, "a".__class__, {}.__class__, (1.5).__class__)
print(print.__name__, f.__name__, A.m.__name__, A().m.__name__, len.__name__)
print(set.add.__name__, {1}.union.__name__, [].append.__name__, str.join.__name__)
xs = [1]
xs.__class__ = list
"#,
    // Private names mangled as CPython mangles them (`parse_mangle.rs`):
    // a subclass's `__balance` is another attribute than its base's, read
    // from outside as `_Account__owner`; class attributes, methods,
    // parameters and keywords; `getattr` strings are not mangled.
    r#"class Account:
    __count = 0

    def __init__(self, owner, balance=0):
        self.__owner = owner
        self.__balance = balance
        Account.__count += 1

    def __check(self, amount):
        if amount > self.__balance:
            raise ValueError(f"insufficient funds: {self.__balance} < {amount}")

    def withdraw(self, amount):
        self.__check(amount)
        self.__balance -= amount
        return self.__balance

    @property
    def balance(self):
        return self.__balance

    @classmethod
    def count(cls):
        return cls.__count


class Savings(Account):
    def __init__(self, owner, balance=0, rate=0.01):
        super().__init__(owner, balance)
        self.__balance = "shadow"
        self.__rate = rate

    def info(self):
        return (self.balance, self.__balance, self.__rate, self._Account__owner)


s = Savings("ann", 100)
for i in range(50):
    s.withdraw(1)
print(s.info(), Account.count(), hasattr(s, "__balance"), hasattr(s, "_Savings__balance"), getattr(s, "_Account__balance"))
try:
    s.withdraw(1000)
except ValueError as e:
    print(e)
try:
    print(s.__balance)
except AttributeError as e:
    print("AttributeError", e)


def outside(__x=2, **kw):
    __y = __x + 1
    return __y


print(outside(), outside(__x=5))
"#,
    // Class attributes bound by a tuple (or list) assignment, one after
    // another (probe round 11).
    r#"class Elevator:
    IDLE, UP, DOWN = "idle", "up", "down"
    [LOW, HIGH] = [0, 10]
    LIMITS = (1, 2)

    def __init__(self):
        self.state = Elevator.IDLE

    def move(self, floor):
        self.state = self.UP if floor > 0 else self.DOWN
        return self.state


e = Elevator()
print(e.state, e.move(3), e.move(-1), Elevator.LOW, Elevator.HIGH)
t = 0
for i in range(200):
    t += len(e.move(i % 3 - 1)) + Elevator.HIGH
print(t)
"#,
];
