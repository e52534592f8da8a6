//! Fuel oracle: every VM configuration that ends a program uses exactly the
//! fuel the reference used.
//!
//! Fuel (loop back edges, calls, and the bulk charges of big operations)
//! is the language's logical clock: the fuel limit poisons a run at an
//! exact point, and the deep oracles name every moment of an execution by
//! it. The outcome oracle sees a wrong count only when the limit falls
//! between the two counts, which almost never happens: a generated program
//! that crosses the limit crosses it by far. So at the end of every run
//! both sides report the fuel they used (after the ending, uncaught
//! exception's `str()` included, before the globals dump), and any
//! difference is a finding: a call, a back edge or a bulk charge one side
//! counts and the other does not. The VM's tiers count alike (the frame
//! state oracle compares them at every transition), so the first tier to
//! differ from the reference names a VM-wide accounting bug, and the
//! reference itself is suspect as often as the VM.

use jitdiff_vm::lang::RunResult;

use super::{ConfigResult, ConfigRun, DivergenceKind, OracleFinding};

/// Checks one VM configuration's fuel at the end against the reference's
/// (`reference_fuel`: `None` unless the reference completed).
pub fn check(
    reference: &RunResult,
    reference_fuel: Option<u64>,
    run: &ConfigRun,
) -> Vec<OracleFinding> {
    let ConfigResult::Run(RunResult::Completed(_), _) = &run.result else {
        return vec![];
    };
    let (RunResult::Completed(_), Some(want), Some(got)) =
        (reference, reference_fuel, run.end_fuel)
    else {
        return vec![];
    };
    if want == got {
        return vec![];
    }
    let more = if got > want { "more" } else { "less" };
    vec![OracleFinding::new(
        DivergenceKind::Fuel,
        "outcome",
        format!(
            "used {got} fuel, {} {more} than the reference's {want}",
            got.abs_diff(want)
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{Ending, Outcome, Poison};

    fn completed() -> RunResult {
        RunResult::Completed(Outcome {
            output: String::new(),
            ending: Ending::Normal,
            globals: vec![],
        })
    }

    fn run(result: RunResult, end_fuel: Option<u64>) -> ConfigRun {
        ConfigRun {
            end_fuel,
            ..ConfigRun::plain("t1", ConfigResult::Run(result, vec![]))
        }
    }

    #[test]
    fn a_different_count_at_the_end_is_a_finding() {
        let found = check(&completed(), Some(21), &run(completed(), Some(31)));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, DivergenceKind::Fuel);
        assert_eq!(found[0].oracle, "fuel");
        assert_eq!(found[0].place, "outcome");
        assert_eq!(
            found[0].message,
            "used 31 fuel, 10 more than the reference's 21"
        );
        let less = check(&completed(), Some(21), &run(completed(), Some(20)));
        assert_eq!(
            less[0].message,
            "used 20 fuel, 1 less than the reference's 21"
        );
    }

    #[test]
    fn equal_counts_and_runs_without_a_count_are_not() {
        assert!(check(&completed(), Some(21), &run(completed(), Some(21))).is_empty());
        // A poisoned side: the outcome oracle's business.
        let poisoned = RunResult::Poisoned(Poison::Fuel);
        assert!(check(&poisoned, None, &run(completed(), Some(5))).is_empty());
        assert!(check(&completed(), Some(5), &run(poisoned, None)).is_empty());
        // CPython reports no fuel.
        assert!(check(&completed(), Some(5), &run(completed(), None)).is_empty());
    }
}
