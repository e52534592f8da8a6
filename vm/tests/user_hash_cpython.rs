//! End-to-end: classes with a user `__hash__` as dict keys and set
//! elements print what CPython 3.11 prints in every tier. The programs
//! (`data/user_hash.txt`, which the reference's test runs too, and the
//! reference's `oracle/tests/data/reference_hash.txt`) print from
//! `__hash__` and `__eq__`, so the number and order of the calls a lookup
//! makes are checked, not only the results; their loops are hot enough to
//! trace the dict and set operations into machine code.

mod common;

use common::check_against_cpython;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};
use jitdiff_vm::{Vm, VmConfig};

const POINT: &str = "class P:\n    def __init__(self, x):\n        self.x = x\n    def __eq__(self, o):\n        return self.x == o.x\n    def __hash__(self):\n        return self.x\n";

#[test]
fn every_tier_prints_what_cpython_prints_for_user_hashed_keys() {
    let data = include_str!("data/user_hash.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 3,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// The reference's programs (`oracle/tests/data/reference_hash.txt`): plain
/// keys meeting user-hashed ones of the same hash, `popitem`, `__hash__`
/// results of every kind and raising, in every tier too.
#[test]
fn every_tier_prints_what_cpython_prints_for_the_references_hash_programs() {
    let data = include_str!("../../oracle/tests/data/reference_hash.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() >= 6, "the data is split into its programs");
    check_against_cpython(&sources);
}

/// The operations that would hash or compare a user-hashed key without
/// `tier1::user_keys` poison rather than hash by identity: set algebra,
/// dict equality, a keys view's membership, an `__eq__` that changes the
/// dict it is probing (CPython restarts the lookup then) and a `__hash__`
/// that changes the set it is about to probe.
#[test]
fn unmodelled_operations_on_user_hashed_keys_poison() {
    for tail in [
        "print({P(1)} | {P(1)})\n",
        "print({P(1): 1} == {P(1): 1})\n",
        "print(P(1) in {P(1): 1}.keys())\n",
        "d = {}\nclass Q(P):\n    def __eq__(self, o):\n        d[99] = 0\n        return True\n    def __hash__(self):\n        return 1\nd[Q(1)] = 1\nprint(d[Q(1)])\n",
        "s = {1}\nclass Q(P):\n    def __hash__(self):\n        s.add(2)\n        return 1\nprint(Q(1) in s)\n",
    ] {
        let src = format!("{POINT}{tail}");
        let module = parse_program(&src).expect("parses");
        let out = Vm::new(VmConfig::default()).run_module(&module);
        assert_eq!(out.result, RunResult::Poisoned(Poison::Unmodelled), "{src}");
    }
}

/// Only a `def __hash__` in a class body gives a class its hash: an alias,
/// a decorated one, a later store and a read are refused with line:col.
#[test]
fn other_ways_to_name_hash_are_refused() {
    for (src, want) in [
        (
            "class A:\n    def h(self):\n        return 1\n    __hash__ = h\n",
            "4:5: unsupported construct: class attribute `__hash__`",
        ),
        (
            "class A:\n    @staticmethod\n    def __hash__():\n        return 1\n",
            "2:5: unsupported construct: a decorated special method",
        ),
        (
            "class A:\n    pass\nA.__hash__ = len\n",
            "3:1: unsupported construct",
        ),
        (
            "class A:\n    pass\nprint(A().__hash__)\n",
            "3:7: unsupported construct",
        ),
    ] {
        let err = parse_program(src).expect_err(src).to_string();
        assert!(err.starts_with(want), "{src}: {err}");
    }
}

/// A missing key's KeyError keeps the key's repr as text; a key whose repr
/// runs a user `__repr__` leaves a text that poisons when the error is
/// shown (printed, `str`, uncaught), as the reference makes the text only
/// then, and is caught silently like any other. `A` hashes by identity,
/// `B` by its `__hash__` (`tier1::user_keys`).
#[test]
fn a_key_error_whose_key_has_a_user_repr_poisons_only_when_shown() {
    let classes = "class A:\n    def __repr__(self):\n        return 'A!'\n\
                   class B(A):\n    def __eq__(self, o):\n        return False\n    def __hash__(self):\n        return 1\n";
    let run = |tail: &str| {
        let src = format!("{classes}{tail}");
        let module = parse_program(&src).expect("parses");
        (Vm::new(VmConfig::default()).run_module(&module).result, src)
    };
    for tail in [
        "try:\n    {}[A()]\nexcept KeyError as e:\n    print(e)\n",
        "try:\n    {1: 2}.pop(A())\nexcept KeyError as e:\n    print(str(e))\n",
        "{}[A()]\n",
        "try:\n    {B(): 1}[B()]\nexcept KeyError as e:\n    print(e)\n",
        "{B(): 1}.pop(B())\n",
    ] {
        let (result, src) = run(tail);
        assert_eq!(result, RunResult::Poisoned(Poison::Unmodelled), "{src}");
    }
    for tail in [
        "try:\n    {}[A()]\nexcept KeyError:\n    print('caught')\n",
        "try:\n    {B(): 1}[B()]\nexcept KeyError:\n    print('caught')\n",
    ] {
        let (result, src) = run(tail);
        let RunResult::Completed(o) = result else {
            panic!("a KeyError caught without being shown completes: {src}")
        };
        assert_eq!(o.output, "caught\n", "{src}");
    }
}
