//! The corpus on tier 2: hot loops form traces, the programs built to
//! deopt really leave their traces, and `show` renders a trace readably
//! (pinned by an insta snapshot).

use std::path::Path;

use jitdiff_oracle::config::{Config, Target};
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::{RunOutput, Vm};

fn corpus(name: &str) -> jitdiff_vm::lang::Module {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(name);
    parse_program(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn vm(config: &str) -> Vm {
    match Config::parse(config).unwrap().target {
        Target::Vm(c) => Vm::new(c),
        Target::CPython => unreachable!(),
    }
}

fn run(config: &str, name: &str) -> RunOutput {
    vm(config).run_module(&corpus(name))
}

#[test]
fn corpus_loops_form_traces() {
    for name in [
        "01_sum_range.py",
        "04_collatz.py",
        "06_nested_loops.py",
        "09_late_branch_flip.py",
        "10_global_rebind.py",
        "11_hot_call.py",
    ] {
        let o = run("t2", name);
        assert!(
            o.tier2.traces > 0 && o.tier2.entries > 0,
            "{name}: {:?}",
            o.tier2
        );
    }
}

#[test]
fn programs_built_to_deopt_leave_their_traces() {
    // Each of these changes a type, a branch or a global mid-loop.
    for name in [
        "07_overflow_mul.py",
        "08_overflow_accumulate.py",
        "09_late_branch_flip.py",
        "10_global_rebind.py",
        "18_bool_to_int.py",
        "21_range_across_boundary.py",
    ] {
        let o = run("t2+stress", name);
        assert!(o.tier2.traces > 0, "{name}: {:?}", o.tier2);
        // More exits than the one that ends each loop.
        assert!(
            o.tier2.exits_taken + o.tier2.deopts_taken > o.tier2.traces,
            "{name}: {:?}",
            o.tier2
        );
    }
    let o = run("t2+stress", "10_global_rebind.py");
    assert!(o.tier2.invalidations > 0, "{:?}", o.tier2);
}

#[test]
fn show_renders_the_sum_range_trace() {
    let (_, text) = vm("t2").show(&corpus("01_sum_range.py"));
    insta::assert_snapshot!(text);
}

#[test]
fn corpus_loops_execute_jit_code_on_every_backend() {
    for config in [
        "jit-native+count-stencils",
        "jit-x86+count-stencils",
        "jit-a64+count-stencils",
    ] {
        let mut vm = vm(config);
        for name in [
            "01_sum_range.py",
            "04_collatz.py",
            "06_nested_loops.py",
            "09_late_branch_flip.py",
        ] {
            let o = vm.run_module(&corpus(name));
            assert!(o.findings.is_empty(), "{config} {name}: {:?}", o.findings);
            assert!(
                o.jit.traces_compiled > 0 && o.jit.stencils_executed > 0,
                "{config} {name}: {:?}",
                o.jit
            );
            // Greedy register variants ran: values stayed in registers.
            let cached: u64 = o
                .jit
                .stencils_by_variant
                .iter()
                .filter(|(v, _)| *v != "r00")
                .map(|(_, n)| n)
                .sum();
            assert!(
                cached > 0,
                "{config} {name}: {:?}",
                o.jit.stencils_by_variant
            );
        }
    }
}
