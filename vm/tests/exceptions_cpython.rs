//! End-to-end: `try`/`except`/`else`/`finally`, `raise ... from`, bare
//! `raise` and user exception classes print what CPython prints and end
//! as it ends in every tier, and a `try` inside a hot loop is traced.

mod common;

use common::check_against_cpython;
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

include!("common/exception_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_exceptions() {
    let sources: Vec<String> = EXCEPTION_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A loop whose body is a `try` that raises every seventh iteration:
/// python3 prints `510 3`.
const HOT_TRY: &str = r#"def f(n):
    s = 0
    errors = 0
    for i in range(n):
        try:
            s += 70 // (i % 7)
        except ZeroDivisionError:
            errors += 1
    return s, errors
s, e = f(21)
print(s, e)
"#;

#[test]
fn a_try_in_a_hot_loop_is_traced_and_its_handler_runs_in_tier_one() {
    for jit in [None, Some(BackendKind::Native), Some(BackendKind::EmuX86)] {
        let module = parse_program(HOT_TRY).expect("parses");
        let config = VmConfig {
            tier2: Some(Tier2Config {
                jit,
                hot: 2,
                exit_threshold: 2,
                ..Tier2Config::default()
            }),
            warmup: 0,
            ..VmConfig::default()
        };
        let (out, dump) = Vm::new(config).show(&module);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        let RunResult::Completed(o) = out.result else {
            panic!("{:?}", out.result)
        };
        assert_eq!(o.output, "510 3\n", "{jit:?}");
        // The table protects the body; the handler's instructions are
        // bytecode only, and the trace holds the body's division.
        assert!(dump.contains("exception table:"), "{dump}");
        assert!(dump.contains("PUSH_EXC_INFO"), "{dump}");
        assert!(dump.contains("CHECK_EXC_MATCH"), "{dump}");
        let traces = &dump[dump.find("executor").expect("a trace formed")..];
        assert!(traces.contains("_BINARY_OP"), "{traces}");
        assert!(!traces.contains("PUSH_EXC_INFO"), "{traces}");
        // Entered again after each handled error (the loop trace).
        let entered: u64 = traces
            .split("entered ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(entered >= 3, "{traces}");
    }
}
