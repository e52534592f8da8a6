//! A run's coverage: what it names is what the program did (facts read off
//! the program, not off the recorder), and the machine code's step counters
//! agree with the tier-2 interpreter uop for uop.

use std::collections::BTreeMap;

use jitdiff_vm::coverage::{Coverage, declared};
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

const LOOPS: &str = "def f(n):\n    t = 0\n    for i in range(n):\n        if i % 7 == 3:\n            t += i * 3\n        else:\n            t -= 1\n    return t\nprint(f(200), f(5))\n";

fn config(jit: Option<BackendKind>) -> VmConfig {
    VmConfig {
        tier2: Some(Tier2Config {
            hot: 2,
            exit_threshold: 2,
            jit,
            count_stencils: jit.is_some(),
            ..Tier2Config::default()
        }),
        warmup: 0,
        ..VmConfig::default()
    }
}

fn coverage(src: &str, c: VmConfig) -> Coverage {
    Vm::new(c).run_module(&parse_program(src).unwrap()).coverage
}

#[test]
fn a_loop_with_a_rare_branch_reaches_what_it_does() {
    let c = coverage(LOOPS, config(None));
    for uop in [
        "_BINARY_OP_MODULO_INT",
        "_COMPARE_OP_INT",
        "_ITER_NEXT_RANGE",
    ] {
        assert!(c.uops_interpreted.contains_key(uop), "{uop}: {c:#?}");
    }
    // `i % 7 == 3` holds one time in seven: the branch's guard fails, and
    // at the second failure (exit_threshold 2) a side trace grows.
    assert!(
        c.exits_by_uop.keys().any(|k| k.starts_with("_GUARD_IS_")),
        "{:?}",
        c.exits_by_uop
    );
    assert!(
        c.exit_ways.contains_key("side trace grown"),
        "{:?}",
        c.exit_ways
    );
    assert!(
        c.exit_ways.contains_key("side exit into its side trace"),
        "{:?}",
        c.exit_ways
    );
    for op in ["BINARY_OP_MODULO_INT", "COMPARE_OP_INT", "FOR_ITER_RANGE"] {
        assert!(
            c.specializations.contains_key(op),
            "{op}: {:?}",
            c.specializations
        );
    }
    // `i % 7` proves `i` an int for the comparison's guard.
    assert!(
        c.optimizer_rules.contains_key("remove type guard"),
        "{:?}",
        c.optimizer_rules
    );
    assert!(!c.uop_pairs.is_empty());
    // Nothing named is undeclared.
    let d = declared();
    for k in c.uops_interpreted.keys() {
        assert!(d.uops.contains(k), "{k}");
    }
    for k in c.optimizer_rules.keys() {
        assert!(d.optimizer_rules.contains(k), "{k}");
    }
    for k in c.exit_ways.keys() {
        assert!(d.exit_ways.contains(k), "{k}");
    }
}

/// The uop a stencil name runs (`_GUARD_TOS_INT_r11` -> `_GUARD_TOS_INT`).
fn uop_of(stencil: &str) -> &str {
    stencil.rsplit_once("_r").map_or(stencil, |(u, _)| u)
}

#[test]
fn machine_code_runs_each_uop_as_often_as_the_tier2_interpreter() {
    let want = coverage(LOOPS, config(None)).uops_interpreted;
    for kind in [
        BackendKind::Native,
        BackendKind::EmuX86,
        BackendKind::EmuA64,
    ] {
        let c = coverage(LOOPS, config(Some(kind)));
        assert!(!c.stencils_executed.is_empty(), "{kind:?}: nothing counted");
        let mut got: BTreeMap<String, u64> = c.uops_interpreted.clone();
        for (stencil, n) in &c.stencils_executed {
            if !stencil.starts_with("_SPILL_OR_RELOAD") {
                *got.entry(uop_of(stencil).to_string()).or_default() += n;
            }
        }
        assert_eq!(got, want, "{kind:?}");
        for s in c.stencils_executed.keys() {
            assert!(
                c.stencils_compiled.contains_key(s),
                "{kind:?}: {s} ran but was never compiled"
            );
        }
    }
}
