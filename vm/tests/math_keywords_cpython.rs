//! End-to-end: `import math` (module and function values, every function
//! and constant with its edge cases and errors) and keyword arguments to
//! user functions (with defaults, every binding error, builtins and bound
//! methods that take none) print what CPython prints in every tier; hot
//! loops that call math functions and user functions with keywords run as
//! machine code. The programs are shared with the reference's test
//! (oracle/tests/reference_math_keywords.rs).

mod common;

use common::check_against_cpython;
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

const PROGRAMS: &str = include_str!("data/math_keywords.txt");

fn programs() -> Vec<String> {
    PROGRAMS.split("\n#----\n").map(str::to_string).collect()
}

#[test]
fn every_tier_prints_what_cpython_prints_for_math_and_keywords() {
    let sources = programs();
    assert!(sources.len() >= 90, "{} programs", sources.len());
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 20,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// Runs `src` with its traces compiled to native code: the traces' dump
/// and how many traces were compiled and entered.
fn jit_traces(src: &str) -> (String, u64, u64) {
    let module = parse_program(src).unwrap();
    let config = VmConfig {
        tier2: Some(Tier2Config {
            jit: Some(BackendKind::Native),
            ..Tier2Config::default()
        }),
        ..VmConfig::default()
    };
    let (out, dump) = Vm::new(config).show(&module);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    (dump, out.jit.traces_compiled, out.jit.entries)
}

#[test]
fn hot_keyword_calls_and_math_calls_run_as_machine_code() {
    let kw = "def f(a, b=2, c=3):\n    return a + b * c\nt = 0\nfor i in range(500):\n    t += f(i, c=2) + f(b=i, a=1)\nprint(t)\n";
    let (dump, compiled, entered) = jit_traces(kw);
    assert!(
        compiled >= 1 && entered >= 1,
        "{compiled} compiled, {entered} entered"
    );
    assert!(dump.contains("_CALL_KW"), "{dump}");
    let math = "import math\nt = 0.0\nsq = math.sqrt\nfor i in range(500):\n    t += math.sqrt(i) + sq(i) + math.floor(i / 3)\nprint(t)\n";
    let (dump, compiled, entered) = jit_traces(math);
    assert!(
        compiled >= 1 && entered >= 1,
        "{compiled} compiled, {entered} entered"
    );
    assert!(
        dump.contains("_LOAD_METHOD") && dump.contains("_CALL_BUILTIN"),
        "{dump}"
    );
}
