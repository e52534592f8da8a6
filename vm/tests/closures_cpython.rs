//! End-to-end: nested functions, free variables, `nonlocal` and `lambda`
//! print what CPython prints and raise what it raises in every tier
//! (tier 1, tier 2 and the three JIT backends); the cell uops reach
//! traces and machine code; the front end refuses what CPython's compiler
//! refuses, with its SyntaxError.

mod common;

use common::{check_against_cpython, cpython};
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

include!("common/closures_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_closures_and_lambdas() {
    let sources: Vec<String> = CLOSURE_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 20,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

#[test]
fn scoping_errors_are_cpythons_syntax_errors() {
    for src in CLOSURE_SYNTAX_ERRORS {
        let (_, exc) = cpython(src);
        let (kind, msg) = exc.unwrap_or_else(|| panic!("python3 accepted:\n{src}"));
        assert_eq!(kind, "SyntaxError", "{src}");
        // str() of a SyntaxError ends with ` (file, line N)`.
        let (text, line) = msg.rsplit_once(" (p, line ").expect("a position");
        let line: usize = line.trim_end_matches(')').parse().unwrap();
        let e = parse_program(src).expect_err(src);
        assert_eq!(e.message, format!("SyntaxError: {text}"), "{src}");
        assert_eq!(e.line, line, "{src}");
    }
}

/// A closure counter called from a hot loop, and a hot loop inside a
/// closure on `nonlocal` variables: prints 7999333 and 8994.
const HOT: &str = "def counter():\n    c = 0\n    def inc(d):\n        nonlocal c\n        c += d\n        return c\n    return inc\ninc = counter()\ns = 0\nfor i in range(4000):\n    s += inc(i % 3)\nprint(s)\ndef run(n):\n    total = 0\n    def step():\n        nonlocal total\n        i = 0\n        while i < n:\n            total += i % 7\n            i += 1\n    step()\n    return total\nprint(run(3000))\n";

#[test]
fn cell_uops_reach_traces_and_machine_code() {
    for jit in [
        None,
        Some(BackendKind::Native),
        Some(BackendKind::EmuX86),
        Some(BackendKind::EmuA64),
    ] {
        let mut t2 = Tier2Config {
            jit,
            ..Tier2Config::default()
        };
        t2.opt.check_guards = true;
        let config = VmConfig {
            tier2: Some(t2),
            ..VmConfig::default()
        };
        let module = parse_program(HOT).expect("parses");
        let (out, dump) = Vm::new(config).show(&module);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        let jitdiff_vm::lang::RunResult::Completed(o) = out.result else {
            panic!("{:?}", out.result)
        };
        assert_eq!(o.output, "7999333\n8994\n");
        for want in [
            " LOAD_DEREF ",
            " STORE_DEREF ",
            " MAKE_CELL ",
            "_LOAD_DEREF",
            "_STORE_DEREF",
        ] {
            assert!(dump.contains(want), "{want} missing ({jit:?}):\n{dump}");
        }
    }
}
