//! End-to-end: syntax beyond S0's first shape (a loop's `else:` block,
//! parameters with default values, nested unpacking targets, chained
//! assignment, bound methods as values, type annotations) prints what CPython prints in every tier, with each program's
//! loops hot enough to be traced and compiled.

mod common;

use common::check_against_cpython;

/// Every program prints what python3 prints on every tier, and their
/// loops reach machine code (more than `min_traces` traces in all).
fn agree_on_every_tier(programs: &[&str], min_traces: u64) {
    let sources: Vec<String> = programs.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > min_traces,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

const LOOP_ELSE_PROGRAMS: &[&str] = &[
    "def search(xs, want):\n    for i in range(len(xs)):\n        if xs[i] == want:\n            break\n    else:\n        return -1\n    return i\n\ndef count_until(n, stop):\n    k = 0\n    total = 0\n    while k < n:\n        k += 1\n        if k == stop:\n            break\n        total += k\n    else:\n        total = -total\n    return total\n\ndef pairs(n):\n    out = 0\n    for a, b in [(1, 2), (3, 4)]:\n        out += a * b\n    else:\n        out += 1000\n    return out\n\nxs = list(range(100))\nhits = 0\nfor j in range(300):\n    hits += search(xs, j % 150)\nprint(hits)\nt = 0\nfor j in range(200):\n    t += count_until(50, j % 70)\nprint(t)\nprint(pairs(3))\nfor q in range(3):\n    for r in range(3):\n        if r == q:\n            break\n    else:\n        print(\"never\", q)\n    while q > 10:\n        pass\n    else:\n        print(\"else\", q)\n",
    "def first_square_over(limit):\n    n = 0\n    while True:\n        n += 1\n        if n * n > limit:\n            break\n    else:\n        n = -1\n    return n\ntot = 0\nfor i in range(60):\n    tot += first_square_over(i * 7)\nprint(tot)\ndef scan(xs):\n    found = 0\n    for x in xs:\n        for y in xs:\n            if x + y == 7:\n                found += 1\n                break\n        else:\n            found -= 1\n    else:\n        found *= 10\n    return found\nprint(scan([1, 2, 3, 4, 5, 6]), scan([]), scan([9]))\nk = 0\nwhile k < 40:\n    k += 3\nelse:\n    print('done', k)\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_loop_else() {
    agree_on_every_tier(LOOP_ELSE_PROGRAMS, 10);
}

const DEFAULT_PARAMETER_PROGRAMS: &[&str] = &[
    "SYSTEM = [[1.0, 2.0], [3.0, 4.0]]\ndef advance(dt, n, bodies=SYSTEM, scale=2):\n    tot = 0.0\n    for i in range(n):\n        for b in bodies:\n            b[0] += dt * scale\n            tot += b[0]\n    return tot\nprint(advance(0.5, 30))\nprint(advance(0.5, 30, [[0.0, 0.0]]))\nprint(advance(0.5, 30, [[0.0, 0.0]], 3))\nprint(SYSTEM)\ndef acc(x, seen=[]):\n    seen.append(x)\n    return len(seen)\nfor i in range(40):\n    k = acc(i)\nprint(k)\ndef f(a, b=1, c=None):\n    return a, b, c\nprint(f(1), f(1, 2), f(1, 2, 3))\ntry_count = 0\ndef g(a, b, c=5):\n    return a + b + c\nfor i in range(30):\n    try_count += g(i, 1)\nprint(try_count)\nprint(g(1))\n",
    "t = 0\nfor i in range(60):\n    def h(x, y=i, z=(i, [i])):\n        return x + y + len(z[1])\n    t += h(1) + h(1, 2)\nprint(t, h(0), h(5, 5))\nprint(h(1, 2, 3, 4))\n",
    "def g(a, b=2, c=5):\n    return a + b + c\nprint(g(1, 2, 3, 4))\n",
    "def g(a, b, c, d=1):\n    return a\nprint(g())\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_default_parameters() {
    agree_on_every_tier(DEFAULT_PARAMETER_PROGRAMS, 10);
}

const NESTED_UNPACKING_PROGRAMS: &[&str] = &[
    "vBv = vv = 0\nu = [1.0, 2.0, 3.0]\nv = [0.5, 0.25, 0.125]\nfor k in range(40):\n    for i in range(3):\n        a = b = u[i] * v[i]\n        vBv += a\n        vv += b * v[i]\nprint(vBv, vv)\nx = y = [1, 2]\nx.append(3)\nprint(x, y, len(y))\np, q = r = (5, 6)\nprint(p, q, r)\ndef f(n):\n    s = t = 0\n    for i in range(n):\n        s = t = s + i\n    return s, t\nprint(f(50))\nm, n = o = 1\n",
    "bodies = [([1.0, 2.0, 3.0], [0.1, 0.2, 0.3], 5.0), ([4.0, 5.0, 6.0], [0.4, 0.5, 0.6], 7.0)]\npairs = [(bodies[0], bodies[1])]\ne = 0.0\nfor i in range(50):\n    for (([x1, y1, z1], v1, m1), ([x2, y2, z2], v2, m2)) in pairs:\n        dx = x1 - x2\n        dy = y1 - y2\n        dz = z1 - z2\n        v1[0] -= dx * m2 * 0.001\n        v2[0] += dx * m1 * 0.001\n        e += dx * dy * dz\n    for (r, [vx, vy, vz], m) in bodies:\n        r[0] += 0.01 * vx\n        e += m * (vx * vx + vy * vy + vz * vz) / 2.0\nprint(e)\nprint(bodies)\n(a, (b, c)), d = (1, [2, 3]), 4\nprint(a, b, c, d)\nfor (p, q), in [((1, 2),), ((3, 4),)]:\n    print(p, q)\n(r, v, m) = bodies[0]\nprint(r, v, m)\n[x, [y, z]] = \"a\", \"bc\"\nprint(x, y, z)\n(a, b), c = (1, 2, 3), 4\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_nested_unpacking_and_chained_assignment() {
    agree_on_every_tier(NESTED_UNPACKING_PROGRAMS, 3);
}

/// The second is pyperformance's fannkuch kernel verbatim (its harness
/// removed, n = 6): bound methods as values and `while ... else`.
const BOUND_METHOD_PROGRAMS: &[&str] = &[
    "xs = []\npush = xs.append\npop = xs.pop\nfor i in range(60):\n    push(i * 2)\n    if i % 3 == 0:\n        pop(0)\nprint(xs, len(xs))\nwords = \"a b c\".split\nprint(words(), push == push, not push, 1 if push else 0)\nins = xs.insert\nfor i in range(30):\n    ins(i % 5, pop())\nprint(xs)\nup = \"abc\".upper\nprint(up())\ndef apply(f, n):\n    out = 0\n    for i in range(n):\n        out += f(i % 4)\n    return out\nprint(apply([10, 20, 30, 40, 50].index, 0), apply((1, 2, 3, 4, 5, 6).count, 40))\nprint(xs.nope)\n",
    "\"\"\"\nThe Computer Language Benchmarks Game\nhttp://benchmarksgame.alioth.debian.org/\n\nContributed by Sokolov Yura, modified by Tupteq.\n\"\"\"\n\nDEFAULT_ARG = 6\n\n\ndef fannkuch(n):\n    count = list(range(1, n + 1))\n    max_flips = 0\n    m = n - 1\n    r = n\n    check = 0\n    perm1 = list(range(n))\n    perm = list(range(n))\n    perm1_ins = perm1.insert\n    perm1_pop = perm1.pop\n\n    while 1:\n        if check < 30:\n            check += 1\n\n        while r != 1:\n            count[r - 1] = r\n            r -= 1\n\n        if perm1[0] != 0 and perm1[m] != m:\n            perm = perm1[:]\n            flips_count = 0\n            k = perm[0]\n            while k:\n                perm[:k + 1] = perm[k::-1]\n                flips_count += 1\n                k = perm[0]\n\n            if flips_count > max_flips:\n                max_flips = flips_count\n\n        while r != n:\n            perm1_ins(r, perm1_pop(0))\n            count[r] -= 1\n            if count[r] > 0:\n                break\n            r += 1\n        else:\n            return max_flips\n\n\nprint(fannkuch(DEFAULT_ARG))\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_bound_methods() {
    agree_on_every_tier(BOUND_METHOD_PROGRAMS, 10);
}

/// List comprehensions: filters, several clauses, nesting, unpacking
/// targets, their own scope (the enclosing variable of the same name is
/// untouched), and a variable read before its clause binds it, which
/// raises on every run even after an earlier run bound it.
const LIST_COMPREHENSION_PROGRAMS: &[&str] = &[
    "xs = [i * i for i in range(10)]\nprint(xs)\nprint([x for x in xs if x % 2 == 0 if x > 10])\nprint([(a, b) for a in range(3) for b in range(a)])\nprint([[y * 2 for y in range(x)] for x in range(4)])\npairs = [(1, 'a'), (2, 'b'), (3, 'c')]\nprint([s * n for n, s in pairs])\nx = 'outer'\nprint([x for x in 'abc'], x)\ndef f(n):\n    x = 5\n    r = [x + k for k in range(n)]\n    return r, x\nprint(f(4))\nt = 0\nfor i in range(300):\n    t += len([j for j in range(i % 7) if j != 2])\nprint(t)\ndef g(u):\n    return [u[i] * 2.5 for i in range(len(u))]\nu = [1.0] * 5\nfor _ in range(200):\n    u = g(u)[:5]\n    u = [v / 2.5 for v in u]\nprint(u)\nprint([a + b for (a, b), c in [((1, 2), 3), ((4, 5), 6)]])\nprint([x for x in range(3) for x in range(x)])\nprint([1 for _ in []])\nprint([y for x in range(2) for y in ([0] if x == 0 else [y + 1])])\n",
    "def h(k):\n    return [y for x in [0] if k == 0 or y for y in [1]]\nfor k in range(2):\n    print(h(k))\n",
    "r = []\nfor k in range(2):\n    r = [y for x in [0] if k == 0 or y for y in [7]]\n    print(r)\n",
    "def rows(n):\n    return [[i * n + j for j in range(n)] for i in range(n)]\nm = rows(4)\ntot = 0\nfor rep in range(100):\n    tot += sum([sum([v for v in row if v % 3]) for row in m])\nprint(tot, [row[::-1] for row in m][1:3])\nprint([1 for x in 5])\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_list_comprehensions() {
    agree_on_every_tier(LIST_COMPREHENSION_PROGRAMS, 10);
}

const UNPACK_TARGET_PROGRAMS: &str = include_str!("data/unpack_targets.txt");

/// Unpacking into attributes and subscripts (`a[i], a[j] = a[j], a[i]`,
/// `self.x, self.y = y, x`, slices, `__setitem__`, nesting, CPython's
/// order of evaluation, a store failing part way). The programs are
/// shared with the reference's test (oracle/tests/reference_builtins.rs).
#[test]
fn every_tier_prints_what_cpython_prints_for_unpacking_into_attributes_and_subscripts() {
    let programs: Vec<&str> = UNPACK_TARGET_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 3);
}

const DELETE_PROGRAMS: &str = include_str!("data/delete.txt");
const WALRUS_PROGRAMS: &str = include_str!("data/walrus.txt");
const DECORATOR_PROGRAMS: &str = include_str!("data/decorators.txt");
const MAP_FILTER_PROGRAMS: &str = include_str!("data/map_filter.txt");
const COMPREHENSION_LAMBDA_PROGRAMS: &str = include_str!("data/comprehension_lambdas.txt");

/// Generator expressions consumed at once by a builtin inside
/// comprehensions, reading their variables (`[[sum(a[i][k] * b[k][j] for k
/// in r) ...]]`), and lambdas inside comprehensions that read no
/// comprehension variable in
/// their bodies (their defaults may: `lambda x, k=k: x + k`), closing over
/// the enclosing function's variables, called in a hot loop, and their
/// CPython 3.11 qualified names in TypeErrors (`f.<locals>.<listcomp>.
/// <lambda>`, `<genexpr>.<lambda>`). Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_lambdas_in_comprehensions() {
    let programs: Vec<&str> = COMPREHENSION_LAMBDA_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 1);
}

/// `map` and `filter` (lowered to generator expressions by the front
/// end): one and several iterables, `filter(None, ...)`, consumers that
/// drain or pull lazily, the function and iterables bound at the call,
/// a non-iterable raising at the call and a non-callable at the first
/// item, a program's own `map`, and a hot loop whose mapped function
/// changes at iteration K. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_map_and_filter() {
    let programs: Vec<&str> = MAP_FILTER_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 3);
}

/// Decorators on functions: memoizing and counting wrappers, factories
/// with arguments, stacked decorators in CPython's order (the decorators,
/// the defaults, then each applied innermost first), a decorator named as
/// the function it decorates, a `def` decorated in a hot loop, and the
/// errors (an unbound decorator, a decorator that is not callable). The
/// programs are shared with the reference's test
/// (oracle/tests/reference_builtins.rs).
#[test]
fn every_tier_prints_what_cpython_prints_for_decorators() {
    let programs: Vec<&str> = DECORATOR_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 3);
}

/// `del` of names (locals, globals, cells, in loops and handlers), items,
/// slices and instance attributes, with every error CPython words; the
/// deleting loops run as machine code. The programs are shared with the
/// reference's test (oracle/tests/reference_builtins.rs).
#[test]
fn every_tier_prints_what_cpython_prints_for_del() {
    let programs: Vec<&str> = DELETE_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 3);
}

/// Type annotations without `from __future__ import annotations`, which
/// CPython 3.11 evaluates and the front end drops (`parse_annotations.rs`):
/// parameters, returns, `*args`/`**kwargs`, module, class and local
/// annotated assignments, bare class annotations, `typing` and
/// `collections.abc` generics, `X | None`, string forward references.
#[test]
fn every_tier_prints_what_cpython_prints_for_annotated_programs() {
    let data = include_str!("data/annotations.txt");
    let sources: Vec<&str> = data.split("\n#----\n").collect();
    agree_on_every_tier(&sources, 5);
}

/// Assignment expressions: in `while` and `if` tests, arguments,
/// subscripts, dict displays, f-strings and defaults, binding a local, a
/// global (`global`), a cell read by a nested function and a `nonlocal`;
/// an UnboundLocalError before one runs; hot loops that store through one.
/// Shared with the reference's test (oracle/tests/reference_builtins.rs).
#[test]
fn every_tier_prints_what_cpython_prints_for_assignment_expressions() {
    let programs: Vec<&str> = WALRUS_PROGRAMS.split("\n#----\n").collect();
    agree_on_every_tier(&programs, 3);
}
