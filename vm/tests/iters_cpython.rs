//! End-to-end: the iteration builtins (`enumerate`, `zip`, `reversed`,
//! `sorted`, `isinstance`, `list.sort`) print what CPython prints and raise
//! what it raises in every tier, and `len`/`isinstance` calls reach their
//! specializations (`CALL_LEN`, `CALL_ISINSTANCE`) in tier 1 and their uops
//! in traces and machine code.

mod common;

use common::check_against_cpython;
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

include!("common/iters_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_the_iteration_builtins() {
    let sources: Vec<String> = ITER_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 20,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A hot loop in a function (so `len` and `isinstance` are promoted
/// builtins there) with both calls; it prints 1200.
const HOT_CALLS: &str = "def f(xs, n):\n    s = 0\n    for i in range(n):\n        s += len(xs)\n        if isinstance(s, (str, int)):\n            s += 1\n    return s\nprint(f([1, 2, 3], 300))\n";

/// [`HOT_CALLS`], dumped after a run.
fn show(tier2: Tier2Config) -> String {
    let module = parse_program(HOT_CALLS).expect("parses");
    let config = VmConfig {
        tier2: Some(tier2),
        ..VmConfig::default()
    };
    let (out, dump) = Vm::new(config).show(&module);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let jitdiff_vm::lang::RunResult::Completed(o) = out.result else {
        panic!("{:?}", out.result)
    };
    assert_eq!(o.output, "1200\n");
    dump
}

#[test]
fn len_and_isinstance_specialize_in_tier1_and_in_traces() {
    for jit in [None, Some(BackendKind::Native)] {
        let mut t2 = Tier2Config {
            jit,
            ..Tier2Config::default()
        };
        t2.opt.check_guards = true;
        let dump = show(t2);
        for want in [
            " CALL_LEN ",
            " CALL_ISINSTANCE ",
            "_GUARD_CALLABLE_LEN",
            " _CALL_LEN ",
            "_GUARD_CALLABLE_ISINSTANCE",
            " _CALL_ISINSTANCE ",
        ] {
            assert!(dump.contains(want), "{want} missing ({jit:?}):\n{dump}");
        }
        // The callable is a promoted builtin: the guards go, checking mode
        // re-checks them (no finding above), and `len`'s result is known
        // to be an int.
        for want in [
            "_GUARD_CALLABLE_LEN (bytecode",
            "_GUARD_CALLABLE_ISINSTANCE (bytecode",
            "(result of #",
        ] {
            assert!(dump.contains(want), "{want} missing ({jit:?}):\n{dump}");
        }
    }
}

#[test]
fn sort_keys_and_other_method_keywords_are_in_the_language() {
    // A method's keywords (CPython's answer for `xs.index` is a TypeError,
    // which runs: vm/tests/data/math_keywords.txt).
    for src in [
        "xs = [1]\nxs.sort(key=len, reverse=True)\n",
        "print(sorted([1], key=len))\n",
        "print(max([1], key=abs, default=0), min([], default=None))\n",
        "xs = [1]\nxs.index(1, start=0)\n",
    ] {
        assert!(parse_program(src).is_ok(), "{src}");
    }
    // A user function named `sorted` binds its keywords like any other.
    assert!(
        parse_program("def sorted(x, reverse):\n    return x\nprint(sorted(1, reverse=2))\n")
            .is_ok()
    );
}
