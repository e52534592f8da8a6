//! The `idioms` swarm feature: after a program is generated, append one or
//! two *idiom kernels*, hot loops written with what real Python code
//! uses and the rest of the generator never writes:
//!
//! - `del` of list items and slices and of dict keys in a loop that grows
//!   and shrinks its containers (`_DELETE_SUBSCR`, `_DELETE_SLICE`), the
//!   container turning into a tuple at iteration K (a TypeError raised
//!   inside the trace, caught in the same iteration);
//! - `del` of an instance attribute that a class attribute shadows (the
//!   instance value goes NULL: `_LOAD_ATTR_INSTANCE_VALUE` deopts, the
//!   class's one shows through), and of a local re-read under `try`;
//! - star unpacking (`h, *t = v`, `*init, last = v`, `a, *m, y, z = v`
//!   with its targets weighted apart, `for a, *b in rows`:
//!   `_UNPACK_EX`) of a value that changes length or type at iteration K;
//! - augmented assignments through subscripts and attributes whose
//!   container, index and owner come from calls counting themselves, and
//!   nested comprehensions reusing the outer loop's variable name;
//! - `str.format` with positional, numbered and keyword fields and nested
//!   specs, whose argument changes type at iteration K (ValueError caught);
//! - the newer str methods (`ljust`, `zfill`, `partition`, `rsplit`,
//!   `isdigit`...), some through their descriptors (`str.upper(s)`,
//!   `key=str.lower`), on a receiver that stops being a str at iteration K;
//! - `type(v) is int` / `type(v).__name__` on a value that changes type;
//! - decorators: a memoizing wrapper under a counting decorator factory,
//!   applied once or to a `def` inside the hot loop (closures called
//!   through `*args`), whose argument changes type at iteration K;
//! - `map` and `filter` (one or two iterables, `filter(None, ...)`)
//!   consumed by `sum`, `list`, `max` and `for`, the mapped function
//!   rebound at iteration K to one that returns a str (TypeError caught),
//!   next to a `sum` of a generator expression reading the variable of
//!   the list comprehension around it;
//! - the seeded `random` module: `randint`, `choice`, `randrange` with a
//!   step, `random()` and `shuffle` in a hot loop, re-seeded at iteration
//!   K (the same draws start over) and called through a local bound to
//!   `random.randrange` or `random.randint`;
//! - a priority queue of `heapq` (`heappush`, `heappop`, `heappushpop`)
//!   fed by a `functools.lru_cache`d (or `cache`d) cost function with a
//!   small bound, whose argument turns from int to float at iteration K
//!   (new cache keys, mixed heap entries), summed up by `reduce` and by
//!   `itertools.accumulate` under `islice`;
//! - `collections`: a bounded `deque` rotated and popped, a `Counter` and
//!   a `defaultdict(list)` fed a key that turns from int to str at
//!   iteration K (a TypeError caught when a popped item meets an int), and
//!   a BFS over a grid with a `deque` (the prelude's classes: their
//!   methods run as Python code in every tier), and a DFS over another
//!   grid with a list as its stack, `while stack:` (the list's truth in a
//!   hot loop, down through one item to none);
//!
//! - iterators reused after they stopped: a zip looped over twice (the
//!   second loop steps the iterators before the exhausted one again, as
//!   CPython's `zip_next`), a list iterator left by `break` or run out
//!   before its list grows, a dict iterator run out before its dict
//!   grows, and `x in it` consuming an iterator up to the match.
//!
//! Kernels are Python templates whose constants, trip counts and iteration
//! K come from the bytes left after every other feature, parsed by the
//! front end and appended, so programs without the feature are unchanged.
//! No kernel lets an exception escape. Names start with `Idm`/`idm` and a
//! kernel number, which the other features never use.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// What a kernel template is filled with.
struct Holes {
    /// `idm<i>`: the kernel's function prefix.
    fun: String,
    /// `Idm<i>`: the kernel's class name.
    cls: String,
    /// Small constants (-9..=9).
    k: [i64; 3],
    /// The hot loop's trip count (30..=200).
    n: u32,
    /// The iteration at which a value changes (in the loop's last 3/4).
    at: u32,
    /// Independent choices.
    pick: [usize; 3],
}

type Kernel = fn(&Holes) -> String;

const KERNELS: [Kernel; 14] = [
    del_items,
    del_attribute,
    del_local,
    star_unpack,
    str_format,
    str_methods,
    type_checks,
    decorators,
    map_filter,
    seeded_random,
    heap_cache,
    counted_updates,
    collections_kernel,
    iterator_reuse,
];

/// Appends one to three kernels drawn from `u`.
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 30));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
        let holes = holes(u, i);
        // Every template parses (a test checks each); should one not, the
        // program is left as it was.
        if let Ok(k) = parse_generated(&KERNELS[which](&holes)) {
            m.body.extend(k.body);
        }
    }
}

fn holes(u: &mut Unstructured, index: usize) -> Holes {
    let k = [
        u.int_in_range(-9..=9i64).unwrap_or(1),
        u.int_in_range(-9..=9i64).unwrap_or(2),
        u.int_in_range(-9..=9i64).unwrap_or(3),
    ];
    let n = 30 + u.int_in_range(0..=170u32).unwrap_or(0);
    let at = n / 4 + u.int_in_range(0..=n - n / 4 - 1).unwrap_or(0);
    let pick = [
        u.int_in_range(0..=63usize).unwrap_or(0),
        u.int_in_range(0..=63usize).unwrap_or(0),
        u.int_in_range(0..=63usize).unwrap_or(0),
    ];
    Holes {
        fun: format!("idm{index}"),
        cls: format!("Idm{index}"),
        k,
        n,
        at,
        pick,
    }
}

/// Iterators reused after they stopped, in a hot loop: a zip of a list
/// iterator and a shorter str looped over twice (each loop's exhaustion
/// steps the list iterator once more), a list iterator left by `break` (or
/// run out, when no item matches) before its list grows, a dict iterator
/// run out before its dict grows, and `x in it`.
fn iterator_reuse(h: &Holes) -> String {
    let f = &h.fun;
    let width = 2 + h.pick[0] % 5;
    let stop = h.pick[1] % 4;
    let short = ["'a'", "'ab'", "(0,)", "'abc'"][h.pick[2] % 4];
    format!(
        "def {f}_run(n):
    seen = []
    total = 0
    for i in range(n):
        xs = list(range(i % 5, i % 5 + {width}))
        it = iter(xs)
        pairs = zip(it, {short})
        for p, q in pairs:
            total += p
        for p, q in pairs:
            total += 1000
        rest = list(it)
        it2 = iter(xs)
        for x in it2:
            if x % 4 == {stop}:
                break
        xs.append(i)
        tail = list(it2)
        d = {{i: 1, i + 1: 2}}
        di = iter(d)
        ks = [k for k in di]
        d[i + 7] = 3
        it3 = iter(xs)
        hit = (i + {k}) in it3
        total += len(rest) * 10 + len(tail) + len(list(di)) + hit + len(list(it3)) * 100
        if i == {at}:
            seen.append((rest, tail, ks, hit))
    return total, seen
print({f}_run({n}))
",
        k = h.k[0].rem_euclid(4),
        at = h.at,
        n = h.n,
    )
}

/// A queue and a dict that grow every iteration and lose items by `del`
/// (an index, a slice with a step, a key), the queue becoming a tuple at
/// iteration K.
fn del_items(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    let cap = 3 + h.pick[0] % 6;
    let step = 2 + h.pick[1] % 3;
    let index = match h.pick[2] % 3 {
        0 => "0".to_string(),
        1 => "-1".to_string(),
        _ => "len(q) // 2".to_string(),
    };
    format!(
        "def {f}_run(n):
    q = [{a}, {b}]
    d = {{}}
    t = 0
    bad = 0
    for i in range(n):
        if i == {at}:
            q = tuple(q)
        try:
            q.append(i * {c})
            d[i % 7] = i
            del q[{index}]
            if len(q) > {cap}:
                del q[1::{step}]
            if (i + {b}) % 7 in d:
                del d[(i + {b}) % 7]
            t += len(q) + sum(q) + len(d)
        except (TypeError, AttributeError):
            bad += 1
            q = list(q)
    return t, bad, q, sorted(d)
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// Instances whose attribute, shadowing a class attribute, is deleted in
/// a hot loop from iteration K on: reads fall back to the class's.
fn del_attribute(h: &Holes) -> String {
    let (f, cls, [a, b, _]) = (&h.fun, &h.cls, h.k);
    let every = 2 + h.pick[0] % 4;
    format!(
        "class {cls}:
    v = {a}
    def __init__(self, i):
        self.v = i
        self.w = i + {b}
def {f}_run(n):
    objs = [{cls}(i) for i in range({every} * 3)]
    t = 0
    gone = 0
    for i in range(n):
        o = objs[i % len(objs)]
        t += o.v + o.w
        if i >= {at} and i % {every} == 0:
            try:
                del o.v
            except AttributeError:
                gone += 1
                o.v = i
    return t, gone, [o.v for o in objs]
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// A local deleted at iteration K and read under `try` afterwards.
fn del_local(h: &Holes) -> String {
    let (f, [a, b, _]) = (&h.fun, h.k);
    format!(
        "def {f}_run(n):
    x = {a}
    t = 0
    misses = 0
    for i in range(n):
        if i == {at}:
            del x
        try:
            t += x * {b}
        except UnboundLocalError:
            misses += 1
            if misses > 3:
                x = i
    return t, misses
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// Seeded draws in a hot loop, re-seeded at iteration K, through the
/// module's attributes and through a local bound to one of its functions.
fn seeded_random(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    let draw = if h.pick[0].is_multiple_of(2) {
        "random.randrange"
    } else {
        "random.randint"
    };
    format!(
        "import random
def {f}_run(n, seed):
    random.seed(seed)
    draw = {draw}
    deck = list(range({size}))
    t = 0
    for i in range(n):
        if i == {at}:
            random.seed(seed)
        t += random.randint({lo}, {hi}) + draw({lo}, {hi2})
        t += random.choice(deck) * random.randrange({lo}, {hi2} + 20, {step})
        if random.random() < 0.25:
            random.shuffle(deck)
    return t, deck[:4]
print({f}_run({n}, {seed}))
",
        size = 3 + h.pick[1] % 9,
        lo = a.min(b),
        hi = a.max(b),
        hi2 = a.max(b) + 1,
        step = if c == 0 { 1 } else { c.abs() },
        seed = h.pick[2] as i64 * 7919 + c,
        at = h.at,
        n = h.n,
    )
}

/// A `heapq` priority queue fed by a cached cost function (bounded so it
/// evicts, or `@cache`) whose argument turns into a float at iteration K.
fn heap_cache(h: &Holes) -> String {
    let (f, [a, b, _]) = (&h.fun, h.k);
    let decorator = if h.pick[0].is_multiple_of(3) {
        "@functools.cache".to_string()
    } else {
        format!("@lru_cache(maxsize={})", 1 + h.pick[0] % 4)
    };
    format!(
        "import heapq
import functools
import itertools
from functools import lru_cache, reduce
{decorator}
def {f}_cost(x):
    return (x * {a}) % 17 + len(str(x))
def {f}_run(n):
    pq = []
    t = 0
    for i in range(n):
        v = i % {m} if i < {at} else (i % {m}) * 0.5
        heapq.heappush(pq, ({f}_cost(v), i))
        if len(pq) > {cap}:
            c, j = heapq.heappop(pq)
            t += c + j
        if i % 7 == 0:
            c, j = heapq.heappushpop(pq, ({b} % 5, -i))
            t += c
    run = list(itertools.islice(itertools.accumulate(p[0] for p in pq), {cap}))
    return t, reduce(lambda acc, p: acc + p[0], pq, 0), sorted(pq)[:3], run
print({f}_run({n}))
",
        m = 5 + h.pick[1] % 11,
        cap = 2 + h.pick[2] % 6,
        at = h.at,
        n = h.n,
    )
}

/// Star unpacking of a value that changes length (one too short: a
/// ValueError caught) or type at iteration K, and in a loop's target.
fn star_unpack(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    // Weighted sums: which item lands in which target shows.
    let (targets, sum) = match h.pick[0] % 5 {
        0 => ("x, *rest", "x + len(rest)"),
        1 => ("*init, x", "x * len(init)"),
        2 => ("x, *mid, y", "x - y + sum(mid)"),
        3 => ("x, *mid, y, z", "x * 3 + y * 2 - z + len(mid)"),
        _ => ("w, x, *mid, y, z", "w - x * 2 + y * 3 - z * 5 + len(mid)"),
    };
    let next = match h.pick[1] % 4 {
        0 => format!("[{a}]"),
        1 => format!("({a}, {b}, {c}, {a})"),
        2 => "range(4)".to_string(),
        _ => format!("[{c}] * 6"),
    };
    format!(
        "def {f}_run(n):
    v = [{a}, {b}, {c}]
    t = 0
    bad = 0
    rows = [(i, i + {a}, i * {b}) for i in range(5)]
    for i in range(n):
        if i == {at}:
            v = {next}
        try:
            {targets} = v
            t += {sum}
        except ValueError:
            bad += 1
        for p, *q in rows:
            t += p + len(q)
    return t, bad
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// Augmented assignments whose container, index and attribute owner come
/// from calls that count themselves (`counts[key(w)] += 1`: each is
/// evaluated once), and nested comprehensions that reuse their outer
/// loop's variable name (the inner one is its own variable: the outer one,
/// read after the inner comprehension ran, keeps its value).
fn counted_updates(h: &Holes) -> String {
    let (f, cls, [a, b, c]) = (&h.fun, &h.cls, h.k);
    let m = 3 + h.pick[0] % 5;
    let op = ["+", "-", "*"][h.pick[1] % 3];
    format!(
        "{f}_calls = [0, 0, 0]
class {cls}:
    def __init__(self):
        self.total = {c}
def {f}_key(i):
    {f}_calls[0] += 1
    return (i * {a}) % {m}
def {f}_box(b):
    {f}_calls[1] += 1
    return b
def {f}_owner(o):
    {f}_calls[2] += 1
    return o
def {f}_run(n):
    counts = [0] * {m}
    acc = {cls}()
    for i in range(n):
        counts[{f}_key(i)] += i {op} {b}
        {f}_box(counts)[{f}_key(i + 1)] -= 1
        {f}_owner(acc).total += counts[i % {m}] % 7
        if i == {at}:
            counts = [len([x for x in range(x % 3)]) + x for x in counts]
    pairs = [[x * 10 + y for x in range(y, y + 2)] for y in counts[:2] for x in [y]]
    return counts, acc.total, {f}_calls, pairs
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// `str.format` in a hot loop; its argument becomes a str at iteration K,
/// which an int spec rejects (ValueError caught).
fn str_format(h: &Holes) -> String {
    let (f, [a, b, _]) = (&h.fun, h.k);
    let width = 2 + h.pick[0] % 7;
    let text = match h.pick[1] % 4 {
        0 => "{}:{:>{w}d}|{name}",
        1 => "{0}-{1:0{w}d}-{0}",
        2 => "[{:^{w}}]{!r}",
        _ => "{:+{w}d}{{{name}}}",
    };
    format!(
        "def {f}_run(n):
    v = {a}
    t = 0
    bad = 0
    for i in range(n):
        if i == {at}:
            v = 'x{b}'
        try:
            s = '{text}'.format(i, v * (i % 7), w={width}, name='q')
            t += len(s)
        except ValueError:
            bad += 1
    return t, bad, s
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// The newer str methods, some called through their descriptors
/// (`str.upper(s)`), on a receiver that becomes a list at iteration K
/// (AttributeError or the descriptor's TypeError caught).
fn str_methods(h: &Holes) -> String {
    let (f, [a, b, _]) = (&h.fun, h.k);
    let width = 3 + h.pick[0] % 8;
    let uses = match h.pick[1] % 5 {
        0 => format!("len(s.ljust({width}, '.')) + len(s.zfill({width}))"),
        1 => "len(s.partition('1')[2]) + len(s.rsplit('2', 1))".to_string(),
        2 => "s.isdigit() + s.rfind('3') + len(s.removeprefix('1'))".to_string(),
        // Method descriptors: a list receiver is their TypeError.
        3 => "len(str.upper(s)) + str.count(s, '1') + len(sorted(s, key=str.lower))".to_string(),
        _ => format!("len(s.center({width})) + s.count('0') + s.istitle()"),
    };
    format!(
        "def {f}_run(n):
    t = 0
    bad = 0
    for i in range(n):
        s = str(i * {a} + {b})
        if i >= {at}:
            s = list(s)
        try:
            t += {uses}
        except (AttributeError, TypeError):
            bad += 1
    return t, bad
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// `type(v)` tests on a value whose type changes at iteration K.
fn type_checks(h: &Holes) -> String {
    let (f, [a, b, _]) = (&h.fun, h.k);
    let next = match h.pick[0] % 4 {
        0 => format!("{a}.5"),
        1 => format!("'{b}'"),
        2 => "True".to_string(),
        _ => format!("[{a}]"),
    };
    format!(
        "def {f}_run(n):
    v = {a}
    t = 0
    names = {{}}
    for i in range(n):
        if i == {at}:
            v = {next}
        if type(v) is int:
            t += v + i
        elif type(v) == float:
            t += 1
        k = type(v).__name__
        names[k] = names.get(k, 0) + 1
    return t, names
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// A function under two decorators (a counting factory over a memoizing
/// wrapper), called in a hot loop whose argument changes type at
/// iteration K (TypeError caught); or a `def` decorated inside the loop.
fn decorators(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    let every = 2 + h.pick[0] % 5;
    let next = match h.pick[1] % 3 {
        0 => "'q'",
        1 => "0.5",
        _ => "[1]",
    };
    let body = if h.pick[2].is_multiple_of(2) {
        format!(
            "@{f}_count({a})
@{f}_memo
def {f}_sq(x):
    return x * x + {b}

def {f}_run(n):
    t = 0
    bad = 0
    v = {c}
    for i in range(n):
        if i == {at}:
            v = {next}
        try:
            t += {f}_sq(i % 13 + v)
        except TypeError:
            bad += 1
    return t, bad
",
            at = h.at,
        )
    } else {
        format!(
            "def {f}_run(n):
    t = 0
    bad = 0
    v = {c}
    for i in range(n):
        if i == {at}:
            v = {next}
        @{f}_count(i % 3)
        def g(x):
            return x - i
        try:
            t += g(v)
        except TypeError:
            bad += 1
    return t, bad
",
            at = h.at,
        )
    };
    format!(
        "def {f}_count(tag):
    def deco(fn):
        calls = [0]
        def w(*args):
            calls[0] += 1
            if calls[0] % {every} == 0:
                return fn(*args) + tag
            return fn(*args)
        return w
    return deco

def {f}_memo(fn):
    cache = {{}}
    def w(x):
        if x not in cache:
            cache[x] = fn(x)
        return cache[x]
    return w

{body}print({f}_run({n}))
",
        n = h.n,
    )
}

/// `map`/`filter` pipelines in a hot loop; the mapped function becomes
/// one returning a str at iteration K (`sum` raises TypeError, caught).
fn map_filter(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    let consume = match h.pick[0] % 4 {
        0 => "sum(map(g, row))".to_string(),
        1 => format!("sum(map(lambda p, q: p * q + {c}, row, range(len(row))))"),
        2 => "len(list(filter(None, map(g, row))))".to_string(),
        _ => "max(filter(lambda v: v != 0, map(g, row)), default=-1)".to_string(),
    };
    let keep = match h.pick[1] % 3 {
        0 => "lambda v: v % 2 == 0",
        1 => "None",
        _ => "bool",
    };
    format!(
        "def {f}_run(n):
    rows = [list(range(k % 5 + 1)) for k in range(6)]
    g = lambda v: v * {a} + {b}
    t = 0
    bad = 0
    for i in range(n):
        if i == {at}:
            g = lambda v: str(v)
        row = rows[i % 6]
        try:
            t += {consume}
        except TypeError:
            bad += 1
        t += sum([sum(r[k] * k for k in range(len(r))) for r in rows[:i % 3]])
        for v in filter({keep}, row):
            t += v
    return t, bad
print({f}_run({n}))
",
        at = h.at,
        n = h.n,
    )
}

/// `collections`' classes in a hot loop whose key turns into a str at
/// iteration K, and a BFS and a DFS (a list as its stack) whose grids the
/// constants shape.
fn collections_kernel(h: &Holes) -> String {
    let (f, [a, b, c]) = (&h.fun, h.k);
    format!(
        "import collections
from collections import Counter, defaultdict
def {f}_run(n):
    q = collections.deque(maxlen={cap})
    seen = Counter()
    groups = defaultdict(list)
    t = 0
    for i in range(n):
        v = i % {m} if i < {at} else str(i % {m})
        q.append(v)
        if i % {step} == 0:
            q.appendleft(q.pop())
            q.rotate({a})
        seen[v] += 1
        groups[i % 3].append(v)
        if len(q) == {cap}:
            try:
                t += q.popleft() * {b}
            except TypeError:
                t -= 1
    return t, list(q), seen.most_common(3), sorted(groups), len(groups[0]), seen.total()
def {f}_bfs(w):
    grid = [[(r * {a} + k * {c}) % 5 != 1 for k in range(w)] for r in range(w)]
    dist = {{(0, 0): 0}}
    todo = collections.deque([(0, 0)])
    while todo:
        r, k = todo.popleft()
        for dr, dk in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            nr, nk = r + dr, k + dk
            if 0 <= nr < w and 0 <= nk < w and grid[nr][nk] and (nr, nk) not in dist:
                dist[(nr, nk)] = dist[(r, k)] + 1
                todo.append((nr, nk))
    return len(dist), max(dist.values())
def {f}_dfs(w):
    grid = [[(r * {c} + k * {a}) % 4 != 1 for k in range(w)] for r in range(w)]
    seen = {{(0, 0)}}
    stack = [(0, 0)]
    trail = 0
    while stack:
        r, k = stack.pop()
        trail = (trail * 31 + r * w + k) % 1000003
        for dr, dk in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            nr, nk = r + dr, k + dk
            if 0 <= nr < w and 0 <= nk < w and grid[nr][nk] and (nr, nk) not in seen:
                seen.add((nr, nk))
                stack.append((nr, nk))
    return len(seen), trail, stack
print({f}_run({n}), {f}_bfs({w}), {f}_dfs({w}))
",
        cap = 2 + h.pick[0] % 6,
        m = 3 + h.pick[1] % 9,
        step = 2 + h.pick[2] % 5,
        w = 4 + h.pick[2] % 9,
        at = h.at,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::parse_program;

    /// Every template parses for every choice (what `rewrite` appends).
    #[test]
    fn every_kernel_parses_for_every_choice() {
        for which in KERNELS {
            for p in 0..64 {
                let h = Holes {
                    fun: "idm0".into(),
                    cls: "Idm0".into(),
                    k: [-9, 0, 9],
                    n: 40,
                    at: 20,
                    pick: [p, p / 2, p / 3],
                };
                let src = which(&h);
                parse_program(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
            }
        }
    }
}
