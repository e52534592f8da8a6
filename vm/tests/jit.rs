//! The JIT end to end on all three backends: agreement with the tier-2
//! interpreter, machine code actually running, and each planted JIT bug
//! caught by the backend that can see it.

use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{FindingKind, Injection, RunOutput, Vm, VmConfig};

const BACKENDS: [BackendKind; 3] = [
    BackendKind::Native,
    BackendKind::EmuX86,
    BackendKind::EmuA64,
];

fn config(kind: BackendKind, inject: Option<Injection>) -> VmConfig {
    let tier2 = Tier2Config {
        hot: 2,
        exit_threshold: 2,
        jit: Some(kind),
        ..Tier2Config::default()
    };
    VmConfig {
        tier2: Some(tier2),
        warmup: 0,
        inject,
        ..VmConfig::default()
    }
}

fn run(src: &str, c: VmConfig) -> RunOutput {
    Vm::new(c).run_module(&parse_program(src).unwrap())
}

const LOOPS: &str = "def f(n):\n    t = 0\n    for i in range(n):\n        if i % 7 == 3:\n            t += i * 3\n        else:\n            t -= 1\n    return t\ng = 4611686018427387900\nfor i in range(20):\n    g += 1\nprint(f(200), g, f(5))\n";

#[test]
fn every_backend_runs_machine_code_and_agrees_with_tier2() {
    let want = run(
        LOOPS,
        VmConfig {
            tier2: Some(Tier2Config::default()),
            ..VmConfig::default()
        },
    );
    for kind in BACKENDS {
        let o = run(LOOPS, config(kind, None));
        assert_eq!(o.result, want.result, "{kind:?}");
        assert!(o.findings.is_empty(), "{kind:?}: {:?}", o.findings);
        assert!(
            o.jit.traces_compiled > 0 && o.jit.entries > 0,
            "{kind:?}: {:?}",
            o.jit
        );
        assert!(o.jit.stencils_executed > 100, "{kind:?}: {:?}", o.jit);
    }
}

#[test]
fn a_misspatched_aarch64_relocation_is_caught_only_on_aarch64() {
    for kind in BACKENDS {
        let o = run(LOOPS, config(kind, Some(Injection::A64MovwG1)));
        let clean = run(LOOPS, config(kind, None));
        let caught = !o.findings.is_empty() || o.result != clean.result;
        assert_eq!(
            caught,
            kind == BackendKind::EmuA64,
            "{kind:?}: {:?}",
            o.findings
        );
    }
}

#[test]
fn a_stencil_writing_past_the_value_stack_faults_with_its_name_under_emulation() {
    for kind in [BackendKind::EmuX86, BackendKind::EmuA64] {
        let o = run(LOOPS, config(kind, Some(Injection::StencilStackOverrun)));
        let fault = o
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::Fault)
            .unwrap_or_else(|| panic!("{kind:?}: {:?}", o.findings));
        assert!(
            fault.message.contains("_PLANTED_STACK_OVERRUN_r00"),
            "{}",
            fault.message
        );
        assert!(!matches!(o.result, RunResult::Poisoned(_)));
    }
}
