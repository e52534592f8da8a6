# Exceptions through every tier: try/except/else/finally in hot loops (errors raised
# by callees and inside traces), user exception hierarchies caught by a base or a
# tuple, bare raise and raise ... from, break/continue/return through finally,
# the exception being handled restored after nested handlers.
def lookup(d, keys):
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
class AppError(Exception):
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
def search(xs, target):
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
def inner(i):
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
def handler_state():
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
class Stop(Exception):
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
