//! End-to-end: operator and protocol dunders of user classes (`__add__`
//! and its reflection, rich comparisons, `__len__`, `__getitem__`,
//! `__setitem__`, `__iter__`, `__contains__`, `__bool__`, `__repr__`,
//! `__str__`, `/ // %` and the unary operators), inherited and rebound at run time in hot loops, print what
//! CPython prints and raise what it raises in every tier, under GC stress,
//! forced exits and every JIT backend.

mod common;

use common::check_against_cpython;

include!("common/dunder_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_dunders() {
    assert!(DUNDER_PROGRAMS.len() >= 30);
    let sources: Vec<String> = DUNDER_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// `with` (lowered by the front end, `lang/parse_with.rs`): `__enter__`
/// and `__exit__` around normal exits, exceptions swallowed or not,
/// `return`/`break`/`continue` out of the block, several managers, targets
/// that unpack or store into attributes and items, CPython's TypeErrors for
/// a manager lacking either method, and a hot loop of `with` blocks. Shared
/// with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_with_statements() {
    let sources: Vec<String> = include_str!("data/with_statement.txt")
        .split("\n#----\n")
        .map(str::to_string)
        .collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 2,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// The iterator protocol of user classes: `__next__` (with `__iter__`
/// returning self, or an iterable whose `__iter__` makes an iterator of
/// another class) in `for` loops, comprehensions, `yield from`,
/// unpacking, `in`, `next(it[, default])`, and the builtins and methods
/// that consume iterators (`list`, `sorted` with `key=`, `sum`, `min`,
/// `max`, `enumerate`, `zip`, `join`, `extend`...); StopIteration and its
/// subclasses raised with arguments, errors raised part way, `__next__`
/// rebound in a hot loop, CPython's TypeErrors for a class without
/// `__iter__` or an `__iter__` that returns a non-iterator, and `min`/`max`
/// calling `__iter__` once. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_user_iterators() {
    let sources: Vec<String> = include_str!("data/iterator_protocol.txt")
        .split("\n#----\n")
        .map(str::to_string)
        .collect();
    assert_eq!(sources.len(), 4);
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 2,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// `__call__`: instances called in a hot loop (with keywords, from a
/// subclass, as `key=` and through `map`), `callable()`, and CPython's
/// TypeErrors. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_call_dunder() {
    let sources = vec![include_str!("data/call_dunder.txt").to_string()];
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 1,
        "the program's loop must reach machine code ({traced} traces)"
    );
}

const ARITH_DUNDER_PROGRAMS: &str = include_str!("data/arith_dunders.txt");

/// `/`, `//` and `%` with their reflections (`12 / v`, `17 % v`), and the
/// unary `-`, `+`, `~` and `abs()`: in hot loops and augmented assignments,
/// a subclass's reflected method first, `str % x` formatting whatever `x`
/// defines (`%s`/`%r` running `__str__`/`__repr__` in the format's order,
/// one raising, in a hot loop), CPython's TypeErrors without the method, and dunders rebound
/// on the class at iteration K. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_division_and_unary_dunders() {
    let sources: Vec<String> = ARITH_DUNDER_PROGRAMS
        .split("\n#----\n")
        .map(str::to_string)
        .collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

const ITEM_COMPARE_PROGRAMS: &str = include_str!("data/item_compare.txt");

/// Builtins comparing instances by their `__eq__`, `__lt__` or `__gt__`
/// (`sorted`, `list.sort`, `min`, `max`, `in`, `index`, `count`,
/// `remove`, `==`/`<` of lists and tuples, `x in generator`): the calls
/// each makes, logged by the methods, in CPython's order; a comparison
/// that raises mid-sort, a list a comparison changes while it is sorted
/// or searched, `list.clear`/`list.copy`, in hot loops. Shared with the
/// reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_builtins_comparing_instances() {
    let sources: Vec<String> = ITEM_COMPARE_PROGRAMS
        .split("\n#----\n")
        .map(str::to_string)
        .collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 3,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

#[test]
fn long_sorts_calling_a_user_lt_poison_every_tier() {
    use jitdiff_vm::lang::Poison;
    for src in LONG_USER_SORTS {
        common::assert_poisoned_on_every_tier(src, Poison::SortOrder);
    }
}

#[test]
fn dunders_only_a_call_could_answer_poison_every_tier() {
    use jitdiff_vm::Vm;
    use jitdiff_vm::lang::{Poison, RunResult, parse_program};
    for src in DUNDER_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        for (name, config) in common::configs() {
            let out = Vm::new(config).run_module(&module);
            assert_eq!(
                out.result,
                RunResult::Poisoned(Poison::Unmodelled),
                "{name}: {src}"
            );
        }
    }
}
