// Programs shared by the closure tests (vm/tests/closures_cpython.rs on
// every VM configuration, oracle/tests/reference_closures.rs on the
// reference): nested functions, free variables, `nonlocal`, `lambda`, hot
// loops in and around closures, and CPython 3.11's errors. Expected
// results come from python3 when the tests run.

/// Programs that run (the last ones end in an error each).
pub const CLOSURE_PROGRAMS: &[&str] = &[
    // Counters: nonlocal with augmented assignment, one cell per call.
    r#"def make_counter(start, step=1):
    count = start
    def inc():
        nonlocal count
        count += step
        return count
    return inc
c = make_counter(10)
d = make_counter(0, 5)
print(c(), c(), d(), c(), d())
"#,
    // Three levels deep; a parameter captured; a name passing through a
    // function that never uses it.
    r#"def outer(a):
    b = a * 2
    def mid(c):
        def inner(d):
            return a + b + c + d
        return inner
    return mid
print(outer(1)(2)(3), outer(10)(20)(30))
def top():
    x = 'top'
    def middle():
        def bottom():
            return x + '!'
        return bottom
    return middle()()
print(top())
"#,
    // Late binding: every closure made in the loop sees the variable's
    // last value; a default freezes it.
    r#"def late():
    fs = []
    for i in range(4):
        def g():
            return i * 10
        fs.append(g)
    return [f() for f in fs]
def early():
    fs = []
    for i in range(4):
        def g(i=i):
            return i * 10
        fs.append(g)
    return [f() for f in fs]
print(late(), early())
"#,
    // Recursion of a nested function through its own name (a cell).
    r#"def fact_of(n):
    def fact(k):
        if k <= 1:
            return 1
        return k * fact(k - 1)
    return fact(n)
def fib_memo(n):
    memo = {}
    def fib(k):
        if k < 2:
            return k
        if k not in memo:
            memo[k] = fib(k - 1) + fib(k - 2)
        return memo[k]
    return fib(n)
print(fact_of(20), fib_memo(80))
"#,
    // Two closures share one cell; the variable changes after they are made.
    r#"def pair():
    v = 0
    def get():
        return v
    def put(x):
        nonlocal v
        v = x
    v = 100
    return get, put
get, put = pair()
print(get())
put(7)
print(get())
put('s')
print(get() * 3)
"#,
    // nonlocal through a function that does not bind the name itself.
    r#"def a():
    n = 1
    def b():
        def c():
            nonlocal n
            n = n * 10
            return n
        return c
    f = b()
    f()
    f()
    return n
print(a())
"#,
    // global inside nested functions; a global hidden by an enclosing
    // function's `global`.
    r#"g = 5
def gl():
    def inner():
        global g
        g += 1
        return g
    return inner() + inner()
print(gl(), g)
def hides():
    global h
    h = 1
    def inner():
        return h + 1
    return inner()
print(hides(), h)
"#,
    // Lambdas: module level, defaults, in lists and dicts, called directly,
    // closing over function variables, returned.
    r#"sq = lambda x: x * x
add = lambda a, b=10: a + b
print(sq(7), add(1), add(1, 2), (lambda: 3)(), (lambda: 0) if False else 1)
ops = {'+': lambda a, b: a + b, '-': lambda a, b: a - b, '*': lambda a, b: a * b}
print([ops[k](6, 3) for k in ['+', '-', '*']])
fs = [lambda x: x + 1, lambda x: x * 2, lambda x, y=3: x ** y]
print([f(5) for f in fs])
def scaler(k):
    return lambda x: x * k
def compose(f, g):
    return lambda x: f(g(x))
print(scaler(3)(4), compose(scaler(2), sq)(5), compose(sq, add)(1))
print((lambda x: (lambda y: x - y))(10)(4))
"#,
    // A nested def with defaults evaluated in the enclosing function.
    r#"def make(n):
    base = n * 2
    def f(x, y=base, z=n + 1):
        return x + y + z
    return f
f = make(5)
print(f(1), f(1, 2), f(1, 2, 3))
"#,
    // Comprehensions inside closures read free variables.
    r#"def table(n):
    k = 3
    def row(i):
        return [i * j + k for j in range(n)]
    return [row(i) for i in range(n)]
print(table(4))
"#,
    // Hot loop inside a closure reading and writing nonlocal variables.
    r#"def run(n):
    total = 0
    count = 0
    def step():
        nonlocal total, count
        i = 0
        while i < n:
            total += i % 7
            count += 1
            i += 1
        return total
    return step(), count
print(run(3000))
"#,
    // Hot loop calling a closure counter.
    r#"def counter():
    c = 0
    def inc(d):
        nonlocal c
        c += d
        return c
    return inc
inc = counter()
s = 0
for i in range(4000):
    s += inc(i % 3)
print(s, inc(0))
"#,
    // Hot loop in a function whose own variable is a cell (LOAD_DEREF and
    // STORE_DEREF in the loop), closures made in the loop.
    r#"def cells(n):
    acc = 0
    fs = []
    for i in range(n):
        acc = acc + i
        if i % 1000 == 0:
            fs.append(lambda: acc)
    def get():
        return acc
    return get(), [f() for f in fs]
print(cells(3000))
def makers(n):
    k = 2
    total = 0
    for i in range(n):
        f = lambda x: x * k + i
        total += f(i)
    return total
print(makers(2500))
"#,
    // Floats and lists through cells in a hot loop.
    r#"def walk(n):
    pos = 0.0
    log = []
    def move(d):
        nonlocal pos
        pos = pos + d * 0.5
        if len(log) < 3:
            log.append(pos)
    for i in range(n):
        move(i % 5 - 2)
    return pos, log
print(walk(3000))
"#,
    // A closure over a variable that is not bound yet when it runs: NameError.
    r#"def f():
    def g():
        return x
    r = g()
    x = 1
    return r
print(f())
"#,
    // The cell's own function reads it unbound: UnboundLocalError.
    r#"def f():
    print('start')
    y = x + 1
    x = 1
    def h():
        return x
    return h
f()
"#,
    // Assigning without nonlocal makes a local: UnboundLocalError inside.
    r#"def f():
    n = 1
    def g():
        n += 1
        return n
    return g()
print(f())
"#,
    // Unbound free variable reached from a hot loop in a closure.
    r#"def f():
    def g(i):
        if i == 2500:
            return late + i
        return i
    t = 0
    for i in range(3000):
        t += g(i)
    late = 1
    return t
print(f())
"#,
    // Arity errors name the nested function and the lambda.
    r#"def f():
    def g(a, b):
        return a
    return g
print((lambda a: a)(1))
f()(1)
"#,
    r#"h = lambda a, b=2: a + b
print(h(1))
h()
"#,
];

/// Programs CPython rejects while compiling: the front end refuses them
/// with CPython's SyntaxError message, at its line.
pub const CLOSURE_SYNTAX_ERRORS: &[&str] = &[
    "def f():\n    x = 1\n    def g():\n        nonlocal y\n    return g\n",
    "nonlocal x\n",
    "def f():\n    nonlocal x\n",
    "def f(x):\n    def g(x):\n        nonlocal x\n",
    "def f():\n    x = 1\n    def g():\n        x = 2\n        nonlocal x\n",
    "def f():\n    x = 1\n    def g():\n        print(x)\n        nonlocal x\n",
    "def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n",
    "def f():\n    global x\n    def g():\n        nonlocal x\n",
    "def f():\n    x = 1\n    global x\n",
    "def f(a, a):\n    pass\n",
    "f = lambda a, a: 1\n",
];
