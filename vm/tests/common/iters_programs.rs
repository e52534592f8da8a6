// Programs shared by the iteration-builtin tests (vm/tests/iters_cpython.rs
// on every VM configuration, oracle/tests/iters_cpython.rs on the
// reference): enumerate, zip, reversed, sorted, isinstance, list.sort and
// len, their edge cases, the errors CPython raises, and hot loops. Expected
// results come from python3 when the tests run.

/// The first six: every builtin and its edge cases, hot loops,
/// iterators that ran out and are iterated again (sticky exhaustion), then
/// reversed dicts and views (the last one raises). The rest end in one
/// error each.
pub const ITER_PROGRAMS: &[&str] = &[
    r#"xs = [5, 3, 8, 1, 9, 2]
for i, x in enumerate(xs):
    print(i, x)
for i, x in enumerate(xs, -3):
    print(i, x)
print(list(enumerate('abc', 10)), list(enumerate([])), list(enumerate((), 5)))
print(list(enumerate(range(3), True)), list(enumerate([7], 2**70)))
print(list(zip(xs, 'abcd', range(100))), list(zip()), list(zip([])), list(zip([1], [])))
print(dict(zip('abc', range(5))), tuple(zip((1, 2), [3, 4])))
print(list(reversed(xs)), list(reversed((1, 2, 3))), list(reversed('hello')), list(reversed([])))
print(list(reversed(range(1, 20, 3))), list(reversed(range(0))), list(reversed(range(10, 0, -4))))
print(list(reversed(range(-5, 5))), tuple(reversed(range(2**65, 2**65 + 3))))
print(sorted(xs), sorted(xs, reverse=True), sorted('banana'), sorted(()), sorted(range(5, 0, -1)))
print(sorted([(1, 'b'), (0, 'z'), (1, 'a'), (0, 'a')]), sorted([[2, 1], [1, 5], [1]]))
print(sorted([1, 1.0, True, 0, False, 0.0], reverse=True), sorted([1, 1.0, True, 0, False, 0.0]))
print(sorted([float('nan'), 1, 0.5]), sorted([3, float('nan'), 1, 0.5, 2]), sorted([2.5, -1, 10**20, 3]))
print(sorted({3: 'a', 1: 'b'}), sorted({3: 'a', 1: 'b'}.items()), sorted({'x': 2, 'y': 1}.values()))
print(sorted(xs, reverse=0), sorted(xs, reverse=5), sorted(xs, reverse=False))
ys = [3, 1, 2]
print(ys.sort(), ys)
ys.sort(reverse=True)
print(ys)
srt = ys.sort
srt()
print(ys)
zs = [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')]
zs.sort(reverse=True)
print(zs)
print(isinstance(1, int), isinstance(True, int), isinstance(1.5, (str, float)), isinstance([], tuple))
print(isinstance(2**80, int), isinstance('s', str), isinstance({}, dict), isinstance(range(2), range))
print(isinstance((1,), (list, (int, tuple))), isinstance(1, ()), isinstance(1, (int, 5)))
print(isinstance(enumerate([]), enumerate), isinstance(zip(), zip), isinstance(reversed(()), reversed))
print(isinstance(reversed([]), reversed), isinstance(reversed(range(3)), range), isinstance(zip(), int))
print(enumerate, zip, reversed, sorted, isinstance, len)
e = enumerate([10, 20, 30])
for p in e:
    print(p)
    break
print(list(e), list(e))
z = zip([1, 2, 3], 'ab')
print(list(z), list(z))
r = reversed([1, 2, 3])
print(list(r), list(r))
print(min(zip([3, 1], [2, 4])), max(enumerate('ab')), sum(reversed([1, 2, 3])))
a, b = zip([1, 2], [3, 4])
print(a, b)
(i, c), = enumerate('q')
print(i, c)
print(len(xs), len('abc'), len({1: 2}), len((1,)), len(range(10)), len({}.keys()))
t = tuple(enumerate('ab'))
print(t)
nested = list(enumerate(zip(reversed('abc'), sorted([3, 1, 2]))))
print(nested)
lst = [4, 5]
rv = reversed(lst)
lst.append(6)
print(list(rv))
lst2 = [1, 2, 3, 4]
rv2 = reversed(lst2)
for v in rv2:
    print(v)
    if v == 3:
        lst2.pop()
        lst2.pop()
print(lst2)
d = {'a': 1, 'b': 2}
for k, v in zip(d, d.values()):
    print(k, v)
print(not zip(), zip() == zip(), e is e, e == e, 1 if reversed([]) else 2)
print(list(enumerate(enumerate('xy'))))
"#,
    r#"def score(xs, ws):
    total = 0
    for i, (x, w) in enumerate(zip(xs, ws)):
        total += i * x - w
    for x in reversed(xs):
        total += x % 7
    return total

xs = list(range(40))
ws = list(reversed(range(35)))
acc = 0
for k in range(200):
    acc += score(xs, ws) + len(xs) + len(ws)
    if isinstance(acc, int) and not isinstance(acc, (str, float)):
        acc -= k
print(acc)
rows = []
for k in range(300):
    rows.append((k * 7919 % 101, -k))
    if len(rows) > 50:
        rows.sort(reverse=k % 2 == 0)
        rows.pop()
print(rows[:5], len(rows))
names = 'the quick brown fox jumps over the lazy dog'.split()
counts = {}
for rep in range(120):
    for pos, word in enumerate(sorted(names), rep):
        counts[word] = counts.get(word, 0) + pos + len(word)
print(sorted(counts.items()))
s = 0
for rep in range(250):
    for a, b, c in zip(range(10), 'abcdefghij', reversed(range(10))):
        if isinstance(b, str):
            s += a * c + len(b)
print(s)
def mixed(n):
    out = 0
    for i in range(n):
        v = i if i % 3 else str(i)
        out += len(v) if isinstance(v, str) else v
    return out
print(mixed(400))
"#,
    r#"data = [3.5, 1, 2, 7.25, -4, 0.0, 9, 2**70, -2**65]
total = 0.0
for rep in range(300):
    s = sorted(data, reverse=rep % 3 == 0)
    total += s[0] - s[-1] + len(s)
    lst = list(reversed(data))
    lst.sort()
    total += lst[rep % len(lst)] if isinstance(lst[rep % len(lst)], float) else 0
print(total)
big = []
for i in range(500):
    big.append(((i * 37) % 101, i % 7, str(i)))
big.sort()
print(big[:4], big[-2:])
print(sorted(big, reverse=True)[:3])
strs = []
for i in range(200):
    strs.append(str(i * 7 % 50))
print(sorted(strs)[:10], sorted(strs, reverse=True)[:3])
keys = list(range(100))
vals = list(reversed(keys))
d = dict(zip(keys, vals))
t = 0
for k in range(300):
    t += d[k % 100] + len(d)
print(t)
"#,
    r#"xs = [1]
e = enumerate(xs)
print(list(e))
xs.append(2)
print(list(e))
ys = [1, 2]
r = reversed(ys)
print(list(r))
ys.append(3)
print(list(r))
zs = [1, 2, 3]
r2 = reversed(zs)
for v in r2:
    zs.pop()
    zs.pop()
zs.extend([7, 8, 9])
print(list(r2), zs)
d = {1: 2}
e2 = enumerate(d)
print(list(e2))
d[5] = 6
print(list(e2))
"#,
    r#"total = 0
for rep in range(150):
    xs = [1, 2, 3]
    e = enumerate(xs, rep)
    for i, x in e:
        total += i * x
    xs.append(4)
    for i, x in e:
        total += 1000
    r = reversed(xs)
    for v in r:
        total += v
        if v == 3 and rep % 2:
            xs.pop()
            xs.pop()
    xs.extend([5, 6])
    for v in r:
        total += 1000
    inner = enumerate('abc')
    z = zip(inner, xs)
    for a, b in z:
        total += a[0] + b
    for a, b in z:
        total += 1000
    total += len(list(inner))
d = {1: 2, 3: 4}
e2 = enumerate(d.items())
for p in e2:
    total += p[0]
d[9] = 9
print(total, list(e2))
"#,
    r#"d = {'a': 1, 'b': 2, 'c': 3}
print(list(reversed(d)), list(reversed(d.keys())), list(reversed(d.values())), list(reversed(d.items())))
del_me = d.pop('b')
print(list(reversed(d)), list(reversed({})))
r = reversed(d)
print(list(r), list(r))
r2 = reversed(d.items())
for k, v in r2:
    d[k] = v * 10
print(d, list(r2))
d['z'] = 26
print(list(r2))
total = 0
for rep in range(200):
    e = {}
    for i in range(rep % 7):
        e[i] = i * i
    for k in reversed(e):
        total += k
    for k, v in reversed(e.items()):
        total += v
    for pos, v in enumerate(reversed(e.values())):
        total += pos * v
print(total)
r3 = reversed(d)
d['new'] = 1
print(list(r3))
"#,
    r#"print(enumerate())
"#,
    r#"print(enumerate(5))
"#,
    r#"print(enumerate([1], 2, 3))
"#,
    r#"print(enumerate([1], 'a'))
"#,
    r#"print(enumerate([1], 1.5))
"#,
    r#"print(zip([1], 5))
"#,
    r#"print(zip([1], [2], 3))
"#,
    r#"print(reversed())
"#,
    r#"print(reversed(5))
"#,
    r#"print(reversed([1], [2]))
"#,
    r#"print(reversed({1: 2}.keys()) if False else reversed(reversed([1])))
"#,
    r#"print(sorted())
"#,
    r#"print(sorted(5))
"#,
    r#"print(sorted([1], [2]))
"#,
    r#"print(sorted([1], reverse=None))
"#,
    r#"print(sorted([1], reverse=1.5))
"#,
    r#"print(sorted([1], reverse=2**70))
"#,
    r#"print(sorted(5, reverse=None))
"#,
    r#"xs = [3, 'a', 1]
xs.sort()
"#,
    r#"xs = ['b', 1]
print(sorted(xs))
"#,
    r#"xs = [(1, 'a'), (1, 2)]
xs.sort(reverse=True)
"#,
    r#"print(sorted([1, None]))
"#,
    r#"xs = [5, 4, 3, 'x', 2, 1]
xs.sort()
"#,
    r#"[1].sort(True)
"#,
    r#"[1].sort(reverse=None)
"#,
    r#"[2, 1].sort(reverse='x')
"#,
    r#"print(isinstance())
"#,
    r#"print(isinstance(1))
"#,
    r#"print(isinstance(1, 5))
"#,
    r#"print(isinstance(1, len))
"#,
    r#"print(isinstance('a', (int, 5)))
"#,
    r#"print(isinstance(1, 2, 3))
"#,
    r#"print(len(5))
"#,
    r#"print(len())
"#,
    r#"print(len(1, 2))
"#,
    r#"print(len(enumerate([])))
"#,
    r#"a, b = enumerate([7])
"#,
    r#"a, = zip([1, 2], [3, 4])
"#,
    r#"for x in 5:
    pass
"#,
    r#"xs = [1, 2]
print(xs.sort(reverse=True), xs)
print(sum(enumerate([1])))
"#,
    r#"print(isinstance(1, (int,) * 3), sorted([2.0, 1, True, 0.5], reverse=True))
print(list(zip(range(3), range(2**80, 2**80 + 5))))
"#,
    r#"print(max(zip()))
"#,
];
