//! Dicts, their views and `is` against a live `python3` (3.11): a table of
//! small programs covering every dict rule (keys and numeric key identity,
//! insertion order, reprs, `==`, views, methods with CPython's messages,
//! iteration with the changed-size RuntimeError, `|`/`|=`, `is`) must
//! print the same and end with the same exception; and the dict poisons
//! (NaN keys, `is` on ints/floats/strs/tuples/ranges, a same-size key
//! change while iterating, the length and nesting caps), each next to a
//! twin that CPython agrees with.

use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

use super::run_with_limits;
use super::tests::run_src;

/// Programs the reference completes; python3 must print the same.
const CASES: &[&str] = &[
    // Displays, reprs, key kinds and numeric key identity.
    "print({1: 'a', 'b': [1, 2]}, {}, {(1, 2): None, None: 0.5, 'x': (1,)})",
    "print({1: 'a', True: 'b', 1.0: 'c'}, {True: 1, 1: 2}, {1.0: 0, 1: 1})",
    "print({0: 'z', 0.0: 'f', -0.0: 'n', False: 'b'}, {-0.0: 1, 0: 2}, {False: 1, 0.0: 2})",
    "print({0.5: 1, -0.0: 2, 0: 3, 1e309: 4, -1e309: 5}, {2.5: 1}[2.5])",
    "d = {(1, 2): 'a', (1, 2.0): 'b', (True, 2): 'c'}\nprint(d, d[(1.0, 2)], (1, 2) in d)",
    "d = {2**100: 1, -2**64: 2}\nprint(d[2**100], 2**100 in d, d.get(2**100 + 0), d[2.0**100], d[-18446744073709551616.0])",
    "print({range(3): 1, range(0, 3, 1): 2, range(0): 3, range(5, 5): 4, len: 5, len: 6})",
    "d = {'a': 1, 'b': 2, 'a': 3}\nprint(d, len(d), list(d))",
    "def k(x):\n    print('k', x)\n    return x\ndef v(x):\n    print('v', x)\n    return x\nd = {k(1): v(2), k(3): v(4)}\nprint(d)",
    // Aliasing and identity.
    "d = {1: 2}\ne = d\ne[1] = 3\ne['x'] = 4\nprint(d, d is e, d == e, d is not e)",
    "d = {}\nd[0] = d\nprint(d, [d], (d,))\nl = [d]\nd[1] = l\nprint(d)",
    "d = {1: {}}\nd[1][2] = d\nprint(d, d[1])",
    // Subscripts, KeyError messages, stores and augmented stores.
    "d = {}\nprint(d[1])",
    "d = {}\nprint(d['a b'])",
    "d = {}\nprint(d[(1, 'x')])",
    "d = {}\nprint(d[None])",
    "d = {}\nprint(d[2.5])",
    "d = {}\nprint(d[True])",
    "d = {}\nprint(d[()])",
    "d = {1: 2}\nd[1] += 5\nd[2] = [1]\nd[2] += [2]\nd[2] *= 2\nprint(d)",
    "d = {}\nd['x'] += 1",
    "d = {}\nfor i in range(300):\n    d[i % 37] = d.get(i % 37, 0) + i\nprint(len(d), d[0], d[36], sum(d.values()))",
    "d = {}\nfor i in range(1000):\n    d[i] = i * i\nprint(len(d), d[999], list(d)[:5], min(d), max(d), sum(d))",
    // Unhashable keys.
    "d = {}\nd[[1]] = 2",
    "d = {}\nprint(d[{}])",
    "print([1] in {})",
    "print({1: 2}.get([1], 3))",
    "print({(1, [2]): 3})",
    "print({(1e309 - 1e309, [2]): 3})",
    "d = {1: 2}\nprint(d.pop([1]))",
    "print({}.pop([1]), 1)",
    "print({}.pop([1], 'dflt'), {}.pop(1, 2))",
    "d = {1: 2}\nd.setdefault({}, 1)",
    "d = {1: 2}\nprint({d.keys(): 1})",
    "d = {1: 2}\nprint({d.items(): 1})",
    "d = {1: 2}\nv = d.values()\ne = {v: 1}\nprint(v in e, d.values() in e, len(e))",
    "d = {1: 2}\nprint(d[1:2])",
    "d = {1: 2}\nd[1:2] = 3",
    // Equality and ordering.
    "print({1: 2, 3: 4} == {3: 4, 1: 2}, {1: 2} != {1: 3}, {1: 2} == {1: 2, 3: 4}, {} == {}, {1: 2} == [1])",
    "print({1: [1, {2: 3}]} == {1.0: [1, {2.0: 3}]}, [{1: 2}] == [{True: 2}], ({1: 2},) == ({1: 2},))",
    "print({1: 2} < {1: 2})",
    "print({1: 2} >= {})",
    "print({} < [])",
    "print([1] < {})",
    // Truthiness, len, in.
    "d = {}\nprint(not d, not not {0: 0}, len(d), len({1: 1, 2: 2}), 1 in {1: 0}, 2 not in {1: 0}, 'a' in {'a': 1}, True in {1: 0}, 0.0 in {0: 1})",
    "print(1 if {} else 2, {} or 'e', {1: 2} and 'f')",
    // Iteration, list/tuple/sum/min/max, dict().
    "d = {'b': 1, 'a': 2, 'c': 3}\nfor k in d:\n    print(k, d[k])\nprint(list(d), tuple(d), min(d), max(d))",
    "print(dict(), dict({1: 2}), dict([(1, 2), [3, 4], 'ab']), dict(((1, 2),)), dict({}.items()))",
    "print(dict(1, 2))",
    "print(dict(5))",
    "print(dict([(1, 2), 3]))",
    "print(dict([(1, 2, 3)]))",
    "d = {}\nd.update([(1, 2), 3])",
    "d = {}\ntry_me = 0\nd.update([(1, 2), (3,)])",
    "print(sum({1: 'a', 2: 'b'}), sum({}.values()), sum({1: 2}.values(), 10), max({'x': 1, 'y': 0}.values()))",
    "print(min({}))",
    "print(sum({'a': 1}))",
    "a, b = {1: 'x', 2: 'y'}\nprint(a, b)",
    "a, b = {1: 'x'}",
    "print(len(dict), dict)",
    // Methods.
    "d = {1: 'a', 2: 'b'}\nprint(d.get(1), d.get(3), d.get(3, 'z'), d.get(True), d.get(2.0, 0))",
    "d = {1: 'a', 2: 'b', 3: 'c'}\nprint(d.pop(2), d, d.pop(9, None), d.pop(1.0), d)",
    "d = {1: 'a'}\nd.pop(5)",
    "d = {}\nprint(d.pop((1, 2)))",
    "d = {}\nprint(d.setdefault(1), d.setdefault(1, 5), d.setdefault(2, [3]), d)\nd.setdefault(2).append(4)\nprint(d)",
    "d = {1: 2}\nd.update({3: 4, 1: 5})\nd.update()\nd.update(d)\nprint(d, d.update([]))",
    "d = {1: 2}\ne = d.copy()\ne[3] = 4\nprint(d, e, d.copy() == d, d.copy() is d)\nd.clear()\nprint(d, e, d.clear())",
    "print({}.get())",
    "print({}.get(1, 2, 3))",
    "print({}.keys(1))",
    "print({}.values(1))",
    "print({}.items(1, 2))",
    "print({}.pop())",
    "print({}.pop(1, 2, 3))",
    "print({}.setdefault())",
    "print({}.setdefault(1, 2, 3))",
    "print({}.update(1, 2))",
    "print({}.update(1))",
    "print({}.clear(1))",
    "print({}.copy(1))",
    "print({}.append(1))",
    "print({}.nope())",
    "print([].get(1))",
    "print('abc'.keys())",
    "print((1,).items())",
    // Views.
    "d = {1: 'a', 2: 'b'}\nk = d.keys()\nv = d.values()\ni = d.items()\nprint(k, v, i, len(k), len(v), len(i))\nd[3] = 'c'\nprint(k, v, i, len(i))",
    "d = {}\nprint(d.keys(), d.values(), d.items(), not d.keys(), list(d.items()))",
    "d = {1: 'a', 2: 'b'}\nfor k, v in d.items():\n    print(k, v)\nfor v in d.values():\n    print(v)\nfor k in d.keys():\n    print(k)",
    "d = {1: 'a', 2: 'b'}\nprint(1 in d.keys(), 3 in d.keys(), 'a' in d.values(), (1, 'a') in d.items(), (1, 'b') in d.items(), [1, 'a'] in d.items(), (1,) in d.items())",
    "d = {1: 2}\nprint(([1], 2) in d.items())",
    "d = {1: 2}\nprint([1] in d.keys())",
    "d = {1: 2}\nprint([1] in d.values())",
    "d = {1: 'a'}\nprint(list(d.items()), tuple(d.values()), list(d.keys()), max(d.items()))",
    "d = {1: 2}\nprint(d.keys() == {1: 3}.keys(), d.keys() == d.keys(), d.values() == d.values(), d.items() == {1: 2}.items(), d.items() != {1: 3}.items())",
    "a = {1: 0, 2: 0}\nb = {1: 0}\nprint(b.keys() < a.keys(), b.keys() <= a.keys(), a.keys() > b.keys(), a.keys() >= a.keys(), a.keys() < a.keys(), b.items() < a.items())",
    "print({}.keys() < [1])",
    "print({}.values() < {}.values())",
    "print({}.keys()[0])",
    "print({1: 2}.keys() == [1], {1: 2}.values() == [2], [1] == {1: 2}.keys())",
    "d = {}\nd[1] = d.values()\nd[2] = d.keys()\nprint(d)",
    "d = {1: 2}\nk = d.keys()\nprint(k is k, d.keys() is d.keys(), k is not None, d.items() is d)",
    // Changing size while iterating.
    "d = {1: 1, 2: 2}\nfor k in d:\n    d[k + 10] = 0",
    "d = {1: 1, 2: 2}\nfor k in d.keys():\n    print(k)\n    d.pop(k)",
    "d = {1: 1, 2: 2}\nfor v in d.values():\n    d.clear()",
    "d = {1: 1, 2: 2}\nfor k, v in d.items():\n    d.setdefault('n', 0)",
    "d = {1: 1, 2: 2}\nfor k in d:\n    d[k] = d[k] * 10\n    d[1] += 1\nprint(d)",
    "d = {1: 1, 2: 2}\nfor k in d:\n    d[5] = 0\n    break\nprint(d)",
    "d = {1: 1}\nfor k in d:\n    d.pop(k)\n    d[k] = 3\n    break\nprint(d)",
    "d = {1: 1, 2: 2}\nfor k in d:\n    d.setdefault(1, 5)\n    d.update({2: 7})\nprint(d)",
    "d = {}\nfor k in d:\n    print(k)\nd[1] = 1\nfor k in d:\n    d.pop(k)\nprint(d)",
    // `|` and `|=`.
    "a = {1: 'a', 2: 'b'}\nb = {2: 'B', 3: 'C'}\nc = a | b\nprint(c, a, b)\na |= b\nprint(a)\na |= [(4, 'D')]\nprint(a)",
    "print({} | 1)",
    "print({} | [(1, 2)])",
    "d = {}\nd |= 1",
    "print({} + {})",
    "print({} * 2)",
    "print([1] * {})",
    "print([1] + {})",
    "print(-{})",
    // Strings.
    "d = {'a': \"b'c\", 'q': '\"'}\nprint(str(d), repr(d), '%s' % d, '%r' % (d,), 'abc' % d, len(repr({1: 2})))",
    "print('%s %s' % {1: 2})",
    "print(' '.join({'a': 1, 'b': 2}), ','.join({'x': 1}.keys()))",
    // Type changes mid-loop.
    "x = [0, 1, 2]\nt = 0\nfor i in range(100):\n    if i == 50:\n        x = {0: 10, 1: 11, 2: 12}\n    t += x[i % 3]\nprint(t, x)",
    // `is` and `is not`.
    "x = None\nprint(x is None, x is not None, 0 is None, None is None, True is True, True is False, False is not False, 1 is True, 0 is False)",
    "a = [1]\nb = [1]\nc = a\nprint(a is b, a is c, a is not b, {} is {}, a == b)",
    "def f():\n    pass\ng = f\nprint(f is g, f is None, len is len, len is print, print is not None, f() is None)",
    "print(1 is 1.0, 'a' is 1, (1,) is [1], [] is (), 1 is None, 2.5 is 'x', range(2) is [0, 1], {} is [])",
    "x = 5\nprint(x is None, x is not None, [x] is [x])",
];

/// Programs that poison, each with the poison and a twin just short of it
/// that completes (and must agree with python3).
const POISONS: &[(&str, Poison, &str)] = &[
    (
        "d = {1e309 - 1e309: 1}",
        Poison::Identity,
        "d = {1e309: 1}\nprint(d)",
    ),
    (
        "n = 1e309 - 1e309\nd = {1: 2}\nprint(n in d)",
        Poison::Identity,
        "n = 1e309\nd = {1: 2}\nprint(n in d)",
    ),
    (
        "d = {}\nd[(1, 1e309 - 1e309)] = 2",
        Poison::Identity,
        "d = {}\nd[(1, 1e309)] = 2\nprint(d)",
    ),
    (
        "print({1: 1e309 - 1e309} == {1: 1e309 - 1e309})",
        Poison::Identity,
        "print({1: 1e309} == {1: 1e309})",
    ),
    ("print(1 is 1)", Poison::Identity, "print(1 is 1.0)"),
    (
        "x = 2.5\nprint(x is x)",
        Poison::Identity,
        "x = 2.5\nprint(x is None)",
    ),
    ("print('a' is 'a')", Poison::Identity, "print('a' is None)"),
    (
        "t = (1,)\nprint(t is t)",
        Poison::Identity,
        "t = (1,)\nprint(t is [1])",
    ),
    (
        "print(range(2) is not range(2))",
        Poison::Identity,
        "print(range(2) is not None)",
    ),
    (
        "d = {1: 1, 2: 2}\nfor k in d:\n    d.pop(k)\n    d[k + 10] = 0",
        Poison::Identity,
        "d = {1: 1, 2: 2}\nfor k in d:\n    d.pop(k)\n    d[k + 10] = 0\n    break\nprint(d)",
    ),
    (
        "x = {}\nfor i in range(200):\n    x = {0: x}\nprint(len(repr(x)))",
        Poison::Recursion,
        "x = {}\nfor i in range(199):\n    x = {0: x}\nprint(len(repr(x)))",
    ),
    (
        "x = {}\ny = {}\nfor i in range(200):\n    x = {0: x}\n    y = {0: y}\nprint(x == y)",
        Poison::Recursion,
        "x = {}\ny = {}\nfor i in range(199):\n    x = {0: x}\n    y = {0: y}\nprint(x == y)",
    ),
];

fn agree_with_python3(sources: &[String]) {
    let mut failures = Vec::new();
    let outcomes = crate::cpython::run_many(sources, 120);
    for (src, got) in sources.iter().zip(outcomes) {
        let got = got.unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
        let want = match run_src(src) {
            RunResult::Completed(o) => o,
            other => panic!("the reference did not complete ({other:?}):\n{src}"),
        };
        if got.output != want.output || got.ending != want.ending {
            failures.push(format!(
                "--- {src}\nreference: {:?} {:?}\ncpython:   {:?} {:?}",
                want.ending, want.output, got.ending, got.output
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} disagree with CPython:\n{}",
        failures.len(),
        sources.len(),
        failures.join("\n")
    );
}

#[test]
fn dict_semantics_match_cpython() {
    let sources: Vec<String> = CASES.iter().map(|s| format!("{s}\n")).collect();
    agree_with_python3(&sources);
}

#[test]
fn dict_poisons_and_their_twins() {
    for (src, poison, _) in POISONS {
        assert_eq!(
            run_src(&format!("{src}\n")),
            RunResult::Poisoned(*poison),
            "{src}"
        );
    }
    let twins: Vec<String> = POISONS.iter().map(|(_, _, t)| format!("{t}\n")).collect();
    agree_with_python3(&twins);
}

#[test]
fn dicts_longer_than_the_cap_poison() {
    let fuel = |src: &str| {
        let limits = Limits {
            fuel: 10_000_000,
            ..Limits::default()
        };
        run_with_limits(&parse_program(src).unwrap(), limits)
    };
    let fill = "d = {}\nfor i in range(2**20):\n    d[i] = 0\n";
    let RunResult::Completed(o) = fuel(&format!("{fill}print(len(d))\n")) else {
        panic!("a dict at the cap completes");
    };
    assert_eq!(o.output, "1048576\n");
    for grow in [
        "d[-1] = 0",
        "d.setdefault(-1)",
        "d.update({-1: 0})",
        "d |= {-1: 0}",
        "e = d | {-1: 0}",
    ] {
        assert_eq!(
            fuel(&format!("{fill}{grow}\n")),
            RunResult::Poisoned(Poison::SequenceTooLong),
            "{grow}"
        );
    }
}

#[test]
fn dict_bulk_work_costs_fuel_like_lists() {
    let run_fuel = |src: &str, fuel: u64| {
        let limits = Limits {
            fuel,
            ..Limits::default()
        };
        run_with_limits(&parse_program(src).unwrap(), limits)
    };
    // Building: 1 (range) + 2048 back edges. Then, as for lists, each
    // result of n entries costs n >> 10 = 2: `copy()` and `dict(d)` (plus
    // their call), `d | e`, `update` (plus its call; the length after),
    // and a 2048-entry display would too; `len` and `print` are the last
    // checks.
    let src = "d = {}\nfor i in range(2048):\n    d[i] = 0\ne = d.copy()\nf = dict(d)\ng = d | e\nd.update(e)\nprint(len(g))\n";
    let cost = 2049 + 3 + 3 + 2 + 3 + 2;
    assert!(matches!(run_fuel(src, cost), RunResult::Completed(_)));
    assert_eq!(run_fuel(src, cost - 1), RunResult::Poisoned(Poison::Fuel));
}
