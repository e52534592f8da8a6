// Hand-written programs with try/except/else/finally, raise ... from,
// bare raise and user exception classes, in hot loops and not; each
// prints the same under python3 (checked by the tests that include this).
const EXCEPTION_PROGRAMS: &[&str] = &[
    r#"def f(x):
    return 10 // x
total = 0
last = None
for i in range(300):
    try:
        total += f(i % 7)
    except ZeroDivisionError as e:
        total -= 1
        last = str(e)
print(total, last)
"#,
    r#"def lookup(d, keys):
    hits = 0
    misses = []
    for k in keys:
        try:
            hits += d[k]
        except KeyError as e:
            misses.append(repr(e))
        else:
            hits += 1
        finally:
            hits += 100
    return hits, misses
d = {"a": 1, "b": 2, 3: 4}
print(lookup(d, ["a", "z", "b", 3, 7, "a"] * 40))
"#,
    r#"class AppError(Exception):
    pass
class BadInput(AppError, ):
    def __init__(self, value, why):
        super().__init__(why)
        self.value = value
class Retry(AppError):
    def __init__(self, n):
        self.n = n
def parse(s):
    if s < 0:
        raise BadInput(s, "negative")
    if s % 11 == 0:
        raise Retry(s)
    if s % 13 == 0:
        raise AppError("thirteen", s)
    return s * 2
out = []
for i in range(-3, 120):
    try:
        out.append(parse(i))
    except BadInput as e:
        out.append((e.value, str(e), e.args))
    except Retry as e:
        out.append(("retry", e.n, e.args, repr(e)))
    except AppError as e:
        out.append(("app", str(e), repr(e)))
print(len(out), out[:8], out[-8:])
print(isinstance(BadInput(1, "x"), Exception), isinstance(Retry(2), ValueError))
"#,
    r#"def search(xs, target):
    for i in range(len(xs)):
        try:
            if xs[i] == target:
                return i
        finally:
            xs[i] = xs[i] + 1
    return -1
xs = list(range(50))
print(search(xs, 20), xs[:25])
def loop():
    s = 0
    for i in range(100):
        try:
            if i % 3 == 0:
                continue
            if i > 90:
                break
            s += i
        finally:
            s += 1000
    return s
print(loop())
n = 0
while n < 50:
    try:
        n += 1
        if n % 2:
            continue
    except ValueError:
        pass
    finally:
        n += 0
print(n)
"#,
    r#"def inner(i):
    try:
        if i % 4 == 0:
            raise ValueError("v%d" % i)
        if i % 4 == 1:
            raise TypeError("t")
        return i
    except ValueError:
        raise
def middle(i):
    try:
        return inner(i)
    except TypeError as e:
        raise KeyError(i) from e
res = []
for i in range(60):
    try:
        res.append(middle(i))
    except LookupError as e:
        res.append(("lookup", e.args))
    except Exception as e:
        res.append(("exc", str(e)))
print(res[:12], len(res))
"#,
    r#"def handler_state():
    out = []
    try:
        raise ValueError("outer")
    except ValueError:
        try:
            raise TypeError("inner")
        except TypeError:
            out.append("inner caught")
        try:
            raise
        except ValueError as e:
            out.append("re-raised " + str(e))
    try:
        raise
    except RuntimeError as e:
        out.append(str(e))
    return out
print(handler_state())
def helper():
    raise
try:
    raise IndexError("deep")
except IndexError:
    try:
        helper()
    except IndexError as e:
        print("helper re-raised", e)
"#,
    r#"x = 5
try:
    y = x + "a"
except TypeError as e:
    print("type:", e)
try:
    z = undefined_name
except NameError as e:
    print("name:", e)
def f():
    try:
        return v
    except UnboundLocalError as e:
        return str(e)
    v = 1
print(f())
try:
    [1, 2, 3].index(9)
except ValueError as e:
    print(e)
try:
    int("abc")
except ValueError as e:
    print(e, e.args)
try:
    (1, 2)[5]
except IndexError as e:
    print(repr(e))
try:
    None.foo
except AttributeError as e:
    print(e)
try:
    assert x == 6, "x is %d" % x
except AssertionError as e:
    print("assert", e)
try:
    {}.pop("k")
except KeyError as e:
    print(str(e))
try:
    2 ** 10000.5
except OverflowError as e:
    print(e)
"#,
    r#"try:
    print("body")
except ValueError as err:
    print("no")
else:
    print("else")
finally:
    print("finally")
try:
    raise ValueError("x")
except ValueError as err:
    print(err)
print("err" in [] if False else 0)
try:
    err
except NameError as ne:
    print(ne)
def g():
    try:
        raise KeyError("k")
    except KeyError as kk:
        pass
    try:
        return kk
    except UnboundLocalError as u:
        return str(u)
print(g())
"#,
    r#"class Counter:
    def __init__(self):
        self.n = 0
    def bump(self, i):
        if i % 17 == 16:
            raise RuntimeError("bump %d" % i)
        self.n += i
c = Counter()
errors = 0
for i in range(500):
    try:
        c.bump(i)
    except RuntimeError:
        errors += 1
print(c.n, errors)
def nested(n):
    total = 0
    for i in range(n):
        try:
            try:
                if i % 5 == 0:
                    raise ValueError(i)
                total += 1
            except ValueError as e:
                if e.args[0] % 10 == 0:
                    raise
                total += 10
        except ValueError:
            total += 100
    return total
print(nested(200))
"#,
    r#"def risky(i):
    return [1, 2, 3][i]
acc = []
for i in range(40):
    try:
        acc.append(risky(i % 5))
    except (IndexError, KeyError) as e:
        acc.append(-1)
print(acc)
try:
    try:
        raise ValueError("a")
    finally:
        print("cleanup")
except ValueError as e:
    print("outer", e)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("during handling")
except ValueError as e:
    print(e)
try:
    raise ValueError
except ValueError as e:
    print(repr(e), e.args, str(e) == "")
try:
    raise 5
except TypeError as e:
    print(e)
try:
    try:
        raise ValueError("x")
    except 5:
        pass
except TypeError as e:
    print(e)
try:
    raise ValueError("c") from 3
except TypeError as e:
    print(e)
raise ZeroDivisionError("end of the line")
"#,
    r#"class Stop(Exception):
    pass
def walk(limit):
    seen = 0
    i = 0
    try:
        while True:
            i += 1
            seen += i
            if i == limit:
                raise Stop()
    except Stop:
        return seen, i
for k in [5, 50, 500]:
    print(walk(k))
def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return float("inf")
    finally:
        pass
print([safe_div(i, i % 3) for i in range(12)])
"#,
    r#"def f(n):
    out = 0
    for i in range(n):
        try:
            if i % 9 == 8:
                raise KeyError(i)
            out += i
        except KeyError as e:
            try:
                out -= e.args[0]
            finally:
                out += 1
    return out
print(f(400))
class E1(Exception):
    def __init__(self, a, b=2):
        super().__init__(a, b)
e = E1(1)
print(e.args, str(e), repr(e))
class E2(E1):
    pass
try:
    raise E2(5, 6)
except E1 as x:
    print(x if False else x.args, str(x))
class E3(LookupError):
    pass
try:
    raise E3("q")
except KeyError:
    print("wrong")
except LookupError as z:
    print("lookup", repr(z), str(z))
raise E2(7)
"#,
    // print() of a user exception beside an instance with a user
    // `__repr__` (the reference printed the exception's repr).
    r#"class E(Exception):
    pass
class K(KeyError):
    pass
class T:
    def __repr__(self):
        return "T"
class S:
    def __str__(self):
        return "S!"
print(E("bad"), T())
print(K("k"), K(), T())
print(E("c"), "x", end=str(T()) + "\n")
"#,
    // `value` of user StopIteration subclasses: set by the default and the
    // super() `__init__`, None when an `__init__` skips it.
    r#"class Done(StopIteration):
    pass


class Sup(StopIteration):
    def __init__(self, v):
        super().__init__(v * 2)


class NoSup(StopIteration):
    def __init__(self, v):
        self.v = v


class Other(ValueError):
    pass


print(Done(5).value, Done().value, Done(1, 2).value, Sup(4).value, NoSup(3).value, NoSup(3).args)
e = Done(7)
e.value = 9
print(e.value, e.args)
e.value = None
print(e.value)
try:
    raise Done(11)
except StopIteration as x:
    print(x.value, x.args)
print(Done(3).value)
try:
    print(Other(1).value)
except AttributeError as a:
    print("AttributeError", a)


def gen():
    yield 1
    return 42


def drain():
    g = gen()
    next(g)
    try:
        next(g)
    except StopIteration as s:
        print(s.value)


drain()
t = 0
for i in range(100):
    t += Done(i).value + Sup(i).value
print(t)
"#,
];
