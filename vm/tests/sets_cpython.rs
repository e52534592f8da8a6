//! End-to-end: sets, set comprehensions and dict comprehensions print what
//! CPython 3.11 prints in every tier: tier 1 (with and without GC stress),
//! the tier-2 interpreter under forced exits, and machine code on every
//! backend. A set's order is its table layout, so every printed set checks
//! the VM's table against CPython's: resizes, dummies left by removals,
//! `pop`'s finger, and the result orders of the algebra. The loops are hot
//! enough to trace `_BUILD_SET`, `_SET_ADD`, `_MAP_ADD` and `in` on sets.

mod common;

#[path = "common/sets_random.rs"]
mod sets_random;

#[path = "common/sets_programs.rs"]
mod sets_programs;

use sets_programs::PROGRAMS;

use common::{check_against_cpython, configs};
use jitdiff_vm::Vm;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

#[test]
fn every_tier_prints_what_cpython_prints_for_set_programs() {
    let sources: Vec<String> = PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(traced > 0, "no hot set loop compiled to machine code");
}

/// Random adds, discards, removals, pops and algebra on sets of ints,
/// floats and tuples (400 programs in one python3 process): every printed
/// set is CPython's table order.
#[test]
fn random_set_programs_print_cpythons_orders_in_every_tier() {
    for seed in 0..4 {
        check_against_cpython(&[sets_random::programs(seed, 100)]);
    }
}

/// A set holding a str (or None, or a tuple holding one) has no order
/// CPython reproduces: showing it poisons, on every tier; using it without
/// showing its order does not, and neither does `sorted` of a set of strs
/// only (distinct strs sort to one order from any start), nor a module's
/// global set (the globals dump, never compared with CPython, shows its
/// items sorted by their reprs).
#[test]
fn sets_of_strs_poison_only_where_their_order_shows() {
    let poisoned = [
        "print({'a', 'b'})",
        "print(sorted({'a', 1}))",
        "print(sorted({'a', 'b'}, key=len))",
        "print(list({None, 1}))",
        "s = {(1, 'x')}\nfor x in s:\n    pass",
        "print({'a'}.pop())",
        "print(max({'a', 'b'}))",
    ];
    for src in poisoned {
        let module = parse_program(&format!("{src}\n")).unwrap();
        for (name, config) in configs() {
            let out = Vm::new(config).run_module(&module);
            assert_eq!(
                out.result,
                RunResult::Poisoned(Poison::Identity),
                "{src} under {name}"
            );
        }
    }
    let fine = "def f():\n    s = {'a', 'b', None}\n    s.add('c')\n    s.discard('a')\n    t = s | {'z'}\n    return len(s), 'b' in s, 'a' in s, s == {'b', 'c', None}, len(t - s)\nprint(f())\n";
    let sorted = "def g():\n    s = set('hello world')\n    return sorted(s), sorted(s, reverse=True)\nprint(g())\n";
    let global = "vowels = {'a', 'e', 'i', 'o', 'u'}\nseen = set()\nfor w in 'the cat and the dog and the bird'.split():\n    seen.add((w, len(w)))\n    if w[0] in vowels:\n        seen.add(w)\nprint(len(seen), 'and' in seen, sorted(vowels))\n";
    let traced = check_against_cpython(&[fine.to_string(), sorted.to_string(), global.to_string()]);
    let _ = traced;
}
