//! The sequence limits at their exact boundaries: the length cap, the
//! bulk fuel charge, container nesting, the NaN identity poison; and the
//! reference's own bookkeeping (cycle breaking, closed-form range sums).

use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

use super::run_with_limits;
use super::seq::Heap;
use super::tests::{completed, globals, run_src};
use super::value::Value;
use rand::{Rng, SeedableRng};

fn run_fuel(src: &str, fuel: u64) -> RunResult {
    let limits = Limits {
        fuel,
        ..Limits::default()
    };
    run_with_limits(&parse_program(src).unwrap(), limits)
}

#[test]
fn sequences_longer_than_the_cap_poison() {
    // Exactly at the cap is fine.
    for src in [
        "x = [0] * 2**20\nprint(len(x))\n",
        "x = (0,) * 2**19\ny = x + x\nprint(len(y))\n",
        "x = list(range(2**20))\nprint(x[-1])\n",
        "x = [0] * (2**20 - 1)\nx.append(1)\nprint(len(x))\n",
    ] {
        assert!(
            matches!(run_fuel(src, 10_000), RunResult::Completed(_)),
            "{src}"
        );
    }
    for src in [
        "print(1)\nx = [0] * (2**20 + 1)\n",
        "x = 2**19 * [0]\ny = x + x + [1]\n",
        "x = (0,) * 2**20\ny = (1,) + x\n",
        "x = [0] * 2**20\nx.append(1)\n",
        "x = [0] * 2**20\nx.insert(0, 1)\n",
        "x = [0] * 2**20\nx.extend([1])\n",
        "x = [0] * 2**20\nx += (1,)\n",
        "x = [0] * 2**19\nx *= 3\n",
        "x = [0] * 2**20\nx[:0] = [1]\n",
        "x = list(range(2**20 + 1))\n",
        "x = tuple(range(2**64))\n",
        "x = []\nx.extend(range(2**64))\n",
        "x = [0]\nx[1:] = range(2**20)\n",
        "x = [0] * 2**62\n",
        "x = sum([[0] * 2**19] * 3, [])\n",
    ] {
        assert_eq!(
            run_fuel(src, 10_000),
            RunResult::Poisoned(Poison::SequenceTooLong),
            "{src}"
        );
    }
}

#[test]
fn bulk_work_costs_fuel_exactly() {
    // (program, fuel it spends): n >> 10 for each sequence made or grown
    // by a bulk operation, plus one per call (the final print is the check).
    let cases: &[(&str, u64)] = &[
        ("x = [0] * 10240\nprint(0)\n", 11),
        ("x = 10240 * (0,)\nprint(0)\n", 11),
        ("x = [0] * 5120\ny = x + x\nprint(0)\n", 16),
        ("x = (0,) * 5120\ny = x + x\nprint(0)\n", 16),
        ("x = [0] * 5120\nx += x\nprint(0)\n", 16),
        ("x = [0] * 5120\nx *= 3\nprint(0)\n", 21),
        ("x = [0] * 10240\ny = x[::2]\nprint(0)\n", 16),
        ("x = (0,) * 10240\ny = x[1:]\nprint(0)\n", 20),
        ("x = (0,) * 10240\ny = x[:]\nz = tuple(x)\nprint(0)\n", 32),
        ("x = list(range(10240))\nprint(0)\n", 13),
        ("x = tuple(range(10240))\nprint(0)\n", 13),
        ("x = []\nx.extend(range(10240))\nprint(0)\n", 13),
        ("x = [0] * 10240\nx[:0] = x\nprint(0)\n", 31),
        ("x = [0] * 10240\nx[::2] = x[1::2]\nprint(0)\n", 26),
        ("x = [[0] * 5120] * 2\nprint(0)\n", 6),
        ("x = sum([[0] * 1024] * 3, [])\nprint(0)\n", 9),
        // No bulk charge: append, in, count, index, len, repr; `min` of an
        // iterable consumes it like `list()` (2049 >> 10 = 2).
        (
            "x = [0] * 2048\nx.append(1)\ny = 5 in x\nx.count(0)\nx.index(1)\nmin(x)\nprint(len(x), x[:0])\n",
            10,
        ),
        (
            "x = sum(range(3072))\ny = max(range(2048))\nz = min(5, 6)\nprint(0)\n",
            11,
        ),
    ];
    for (src, cost) in cases {
        assert!(
            matches!(run_fuel(src, *cost), RunResult::Completed(_)),
            "{src} should complete with fuel {cost}"
        );
        assert_eq!(
            run_fuel(src, cost - 1),
            RunResult::Poisoned(Poison::Fuel),
            "{src} should poison with fuel {}",
            cost - 1
        );
    }
    // The limit is checked only at back edges and calls: a bulk charge
    // past it with no call after it completes.
    assert!(matches!(
        run_fuel("x = [0] * 2**20\ny = x[1:]\n", 1),
        RunResult::Completed(_)
    ));
    // A loop building big lists: 1 (range) + 33 per iteration, so with
    // fuel 1000 the back edge of iteration 31 poisons.
    let src = |n: u64| format!("for i in range({n}):\n    x = [0] * 32768\n");
    assert!(matches!(run_fuel(&src(30), 1000), RunResult::Completed(_)));
    assert_eq!(run_fuel(&src(31), 1000), RunResult::Poisoned(Poison::Fuel));
}

#[test]
fn containers_nested_past_the_limit_poison() {
    // 200 levels print and compare; 201 poison (the globals dump reprs
    // them too, so a global that deep poisons the run).
    let deep = |n: u64, then: &str| format!("x = []\nfor i in range({n}):\n    x = [x]\n{then}");
    let o = completed(&deep(199, "print(x)\n"));
    assert_eq!(
        o.output,
        format!("{}{}\n", "[".repeat(200), "]".repeat(200))
    );
    assert_eq!(
        run_src(&deep(200, "print(1)\n")),
        RunResult::Poisoned(Poison::Recursion)
    );
    // Only what is repr'd counts: a deep list no longer bound is fine.
    assert!(matches!(
        run_src(&deep(200, "y = len(x)\nx = 0\nprint(y)\n")),
        RunResult::Completed(_)
    ));
    // Comparisons look 200 pairs deep; `in`, `count` and `index` count the
    // searched container as the first level.
    let pair = |n: u64, test: &str| {
        format!(
            "def f(n):\n    x = []\n    y = []\n    for i in range(n):\n        x = [x]\n        y = [y]\n    return {test}\nprint(f({n}))\n"
        )
    };
    for (test, ok, poisons) in [
        ("x == y", 199, 200),
        ("x < y", 199, 200),
        ("x != y", 199, 200),
        ("x in [y]", 198, 199),
        ("[y].count(x)", 198, 199),
        ("[y].index(x)", 198, 199),
        ("min([x, y])", 199, 200),
    ] {
        assert!(
            matches!(run_src(&pair(ok, test)), RunResult::Completed(_)),
            "{test} at {ok}"
        );
        assert_eq!(
            run_src(&pair(poisons, test)),
            RunResult::Poisoned(Poison::Recursion),
            "{test} at {poisons}"
        );
    }
    // Two distinct self-containing lists: CPython's RecursionError.
    let cyc = "a = []\na.append(a)\nb = []\nb.append(b)\nprint(a == b)\n";
    assert_eq!(run_src(cyc), RunResult::Poisoned(Poison::Recursion));
    // A list nested far deeper than any stack is freed without recursion.
    let very = "def f():\n    x = []\n    for i in range(300000):\n        x = [x]\n    return 1\nprint(f())\n";
    assert!(matches!(run_fuel(very, 1_000_000), RunResult::Completed(_)));
}

#[test]
fn nan_met_by_nan_in_a_container_poisons() {
    for src in [
        "n = 1e309 - 1e309\nprint([n] == [n])\n",
        "n = 1e309 - 1e309\nx = [n]\nprint(x == x)\n",
        "n = 1e309 - 1e309\nprint((n,) != (n,))\n",
        "n = 1e309 - 1e309\nprint([1, n] < [1, n])\n",
        "n = 1e309 - 1e309\nprint([[n]] == [[n]])\n",
        "n = 1e309 - 1e309\nprint((n, 1) == (n,))\n",
        "n = 1e309 - 1e309\nprint(n in [1, n])\n",
        "n = 1e309 - 1e309\nprint(n not in (n,))\n",
        "n = 1e309 - 1e309\nprint([n, 2].count(n))\n",
        "n = 1e309 - 1e309\nprint([0, -n].index(n))\n",
        "n = 1e309 - 1e309\nprint((n,).index(n))\n",
        "n = 1e309 - 1e309\nprint([(n,)] == [(n,)])\n",
    ] {
        assert_eq!(run_src(src), RunResult::Poisoned(Poison::Identity), "{src}");
    }
}

#[test]
fn sequence_globals_dump_as_reprs() {
    let o = completed("a = [1, (2,)]\nb = ()\nc = a\nc.append(c)\nl = list\nm = max\n");
    assert_eq!(
        globals(&o),
        [
            ("a", "[1, (2,), [...]]"),
            ("b", "()"),
            ("c", "[1, (2,), [...]]"),
            ("l", "<class 'list'>"),
            ("m", "<built-in function max>"),
        ]
    );
}

#[test]
fn cycles_are_broken_when_the_run_ends() {
    let mut h = Heap::new();
    let v = h.list(Vec::new());
    let Value::List(l) = &v else {
        unreachable!("a list")
    };
    l.items.borrow_mut().push(v.clone());
    let weak = std::rc::Rc::downgrade(l);
    drop(v);
    assert!(weak.upgrade().is_some(), "a cycle keeps itself alive");
    drop(h);
    assert!(weak.upgrade().is_none(), "the heap freed it");
}

#[test]
fn range_sums_match_item_by_item_sums() {
    // The closed form must poison exactly where adding item by item (the
    // list path) does, under a narrow int width.
    let limits = Limits {
        int_bits: 64,
        ..Limits::default()
    };
    let run64 = |src: &str| run_with_limits(&parse_program(src).unwrap(), limits);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..300 {
        let big = |rng: &mut rand::rngs::StdRng| {
            let v: i128 = rng.random_range(-(1i128 << 62)..(1i128 << 62));
            if rng.random() { v } else { v >> 55 }
        };
        let (a, s) = (big(&mut rng), big(&mut rng));
        let d: i128 = big(&mut rng) >> rng.random_range(0..60);
        let d = if d == 0 { 1 } else { d };
        let b = a + d * rng.random_range(-3..40);
        let args = format!("range({a}, {b}, {d}), {s}");
        let closed = run64(&format!("x = sum({args})\n"));
        let listed = run64(&format!("r = {args}\nx = sum(list(r[0]), r[1])\n"));
        let value = |r: &RunResult| match r {
            RunResult::Completed(o) => o.globals.iter().find(|g| g.0 == "x").cloned(),
            RunResult::Poisoned(p) => Some((format!("{p:?}"), String::new())),
        };
        assert_eq!(value(&closed), value(&listed), "sum({args})");
    }
}
