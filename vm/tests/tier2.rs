//! Tier 2 end to end: traces form and exit, forced deopts change nothing,
//! and each planted tier-2 bug is caught by the oracle built for it.

use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{FindingKind, Injection, RunOutput, Vm, VmConfig};

fn t2(t: Tier2Config) -> VmConfig {
    VmConfig {
        tier2: Some(t),
        warmup: 0,
        ..VmConfig::default()
    }
}

fn stress() -> Tier2Config {
    Tier2Config {
        hot: 2,
        exit_threshold: 2,
        ..Tier2Config::default()
    }
}

fn run(src: &str, config: VmConfig) -> RunOutput {
    Vm::new(config).run_module(&parse_program(src).unwrap())
}

const BRANCHY: &str = "def f(n):\n    t = 0\n    for i in range(n):\n        if i < 60:\n            t += i\n        else:\n            t -= 1\n    return t\nprint(f(100))\n";

/// A global promoted into f's trace, rebound by another function mid-loop.
const REBOUND_GLOBAL: &str = "g = 1\ndef h():\n    global g\n    g = 2\ndef f():\n    t = 0\n    for i in range(100):\n        t += g\n        if i == 50:\n            h()\n    return t\nprint(f())\n";

/// x leaves the small-int range mid-loop, but the output never shows x.
const HIDDEN_OVERFLOW: &str = "def f(n):\n    x = 0\n    for i in range(n):\n        x = x + 461168601842738790\n    return 0\nprint(f(30))\n";

fn output(o: &RunOutput) -> String {
    match &o.result {
        RunResult::Completed(out) => out.output.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn loops_form_traces_and_flipping_branches_exit() {
    let o = run(BRANCHY, t2(Tier2Config::default()));
    assert_eq!(output(&o), "1730\n");
    assert!(
        o.tier2.traces > 0 && o.tier2.exits_taken > 0,
        "{:?}",
        o.tier2
    );
    assert!(
        o.tier2.side_traces > 0,
        "the flipped branch grows a side trace: {:?}",
        o.tier2
    );
    assert!(o.tier2.guards_removed > 0, "{:?}", o.tier2);
}

#[test]
fn forced_deopts_change_nothing() {
    for src in [BRANCHY, REBOUND_GLOBAL, HIDDEN_OVERFLOW] {
        let want = output(&run(src, VmConfig::default()));
        for n in 1..=5 {
            let o = run(
                src,
                t2(Tier2Config {
                    forced: Some(Forced {
                        every: n,
                        side_exit: false,
                    }),
                    ..stress()
                }),
            );
            assert_eq!(output(&o), want, "deopt every {n}:\n{src}");
            assert!(o.findings.is_empty(), "{:?}", o.findings);
            assert!(o.tier2.forced_failures > 0);
        }
    }
}

#[test]
fn rebinding_a_promoted_global_invalidates_the_trace() {
    let o = run(REBOUND_GLOBAL, t2(stress()));
    assert_eq!(output(&o), "149\n");
    assert!(o.tier2.invalidations > 0, "{:?}", o.tier2);
}

#[test]
fn planted_stale_global_changes_the_output() {
    let mut c = t2(stress());
    c.inject = Some(Injection::StaleGlobal);
    assert_ne!(output(&run(REBOUND_GLOBAL, c)), "149\n");
}

#[test]
fn checkguards_reports_an_unsound_guard_removal_the_output_hides() {
    let mut checking = stress();
    checking.opt.check_guards = true;
    let clean = run(HIDDEN_OVERFLOW, t2(checking.clone()));
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    let mut c = t2(checking);
    c.inject = Some(Injection::LoopCarriedTypes);
    let o = run(HIDDEN_OVERFLOW, c);
    assert_eq!(output(&o), "0\n", "the output does not show the bug");
    assert!(
        o.findings
            .iter()
            .any(|f| f.kind == FindingKind::RemovedGuardFailed),
        "{:?}",
        o.findings
    );
}

#[test]
fn a_deopt_resuming_late_is_caught() {
    let mut c = t2(Tier2Config {
        forced: Some(Forced {
            every: 2,
            side_exit: false,
        }),
        ..stress()
    });
    c.inject = Some(Injection::DeoptResumeLate);
    let o = run(BRANCHY, c);
    let f = o.findings.first().expect("caught");
    assert_eq!(f.kind, FindingKind::DeoptState, "{}", f.message);
    assert!(f.message.contains("_FORCE_DEOPT"), "{}", f.message);
}
