//! Outcome oracle: every configuration ends the program exactly as the
//! reference does.
//!
//! An outcome is everything printed, how the program ended (normally, or
//! with an exception type and CPython's message) and the final module
//! globals. That is all a Python program can observe about itself, so two
//! runs with equal outcomes are indistinguishable to the program; anything
//! finer (what happened inside) is the deeper oracles' business.
//!
//! Resource limits are exact semantics (`lang/limits.rs`): the reference and
//! the VM count fuel, depth and int width in the same units. So a
//! configuration that poisons where the reference completed, completes
//! where it poisoned, or hits a different limit, is a divergence. Only
//! running out of the VM's arena (memory) and syntax nested deeper than the
//! reference can walk are no verdict.

use jitdiff_vm::lang::{Outcome, Poison, RunResult};

use super::{ConfigResult, ConfigRun, DivergenceKind, OracleFinding};

/// The ways `got` differs from `want`. CPython has no comparable globals dump.
pub fn compare(want: &Outcome, got: &Outcome, with_globals: bool) -> Vec<DivergenceKind> {
    let mut kinds = Vec::new();
    if want.output != got.output {
        kinds.push(DivergenceKind::Output);
    }
    if want.ending != got.ending {
        kinds.push(DivergenceKind::Exception);
    }
    if with_globals && want.globals != got.globals {
        kinds.push(DivergenceKind::Globals);
    }
    kinds
}

/// Whether a result gives no verdict at all (and why).
pub fn no_verdict(r: &RunResult) -> Option<Poison> {
    match r {
        RunResult::Poisoned(p @ (Poison::OutOfMemory | Poison::Nesting)) => Some(*p),
        _ => None,
    }
}

/// Checks one configuration's result against the reference's. `vm`: the
/// configuration is a VM one; CPython has no globals dump, and none of our
/// limits, so a program the reference poisons gives it no verdict.
pub fn check(reference: &RunResult, run: &ConfigRun, vm: bool) -> Vec<OracleFinding> {
    let ConfigResult::Run(got, _) = &run.result else {
        return vec![];
    };
    if no_verdict(reference).is_some() || no_verdict(got).is_some() {
        return vec![];
    }
    if !vm && matches!(reference, RunResult::Poisoned(_)) {
        return vec![];
    }
    let with_globals = vm;
    let found = |kind, message: String| OracleFinding::new(kind, "outcome", message);
    match (reference, got) {
        (RunResult::Completed(want), RunResult::Completed(got)) => compare(want, got, with_globals)
            .into_iter()
            .map(|k| found(k, describe(k, want, got)))
            .collect(),
        (RunResult::Completed(_), RunResult::Poisoned(p)) => vec![found(
            DivergenceKind::Poisoned,
            format!("poisoned ({p}) where the reference completed"),
        )],
        (RunResult::Poisoned(p), RunResult::Completed(_)) => vec![found(
            DivergenceKind::Poisoned,
            format!("completed where the reference was poisoned ({p}): a limit was not enforced"),
        )],
        (RunResult::Poisoned(want), RunResult::Poisoned(got)) if want != got => vec![found(
            DivergenceKind::Poisoned,
            format!("poisoned ({got}) where the reference was poisoned ({want})"),
        )],
        _ => vec![],
    }
}

fn describe(kind: DivergenceKind, want: &Outcome, got: &Outcome) -> String {
    match kind {
        DivergenceKind::Output => {
            let line = want
                .output
                .lines()
                .zip(got.output.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| want.output.lines().count().min(got.output.lines().count()));
            format!(
                "output line {}: reference `{}`, got `{}`",
                line + 1,
                want.output.lines().nth(line).unwrap_or("<end>"),
                got.output.lines().nth(line).unwrap_or("<end>")
            )
        }
        DivergenceKind::Exception => format!(
            "ended `{}`, the reference `{}`",
            got.ending_text(),
            want.ending_text()
        ),
        _ => {
            let diff = want
                .globals
                .iter()
                .zip(&got.globals)
                .find(|(a, b)| a != b)
                .map(|(a, b)| {
                    format!(
                        "`{}` = {} where the reference has {} = {}",
                        b.0, b.1, a.0, a.1
                    )
                })
                .unwrap_or_else(|| {
                    format!(
                        "{} globals, the reference {}",
                        got.globals.len(),
                        want.globals.len()
                    )
                });
            format!("final globals differ: {diff}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::Ending;

    fn outcome(output: &str, globals: &[(&str, &str)]) -> Outcome {
        Outcome {
            output: output.into(),
            ending: Ending::Normal,
            globals: globals
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    fn run(r: RunResult) -> ConfigRun {
        ConfigRun::plain("t1", ConfigResult::Run(r, vec![]))
    }

    /// The comparison itself is mutation-tested: each field difference fires.
    #[test]
    fn compare_fires_on_every_field() {
        let base = outcome("1\n", &[("x", "1")]);
        assert!(compare(&base, &base.clone(), true).is_empty());
        assert_eq!(
            compare(&base, &outcome("2\n", &[("x", "1")]), true),
            vec![DivergenceKind::Output]
        );
        assert_eq!(
            compare(&base, &outcome("1\n", &[("x", "2")]), true),
            vec![DivergenceKind::Globals]
        );
        assert!(compare(&base, &outcome("1\n", &[("x", "2")]), false).is_empty());
        let mut exc = base.clone();
        exc.ending = Ending::Exception {
            kind: "ZeroDivisionError".into(),
            message: "m".into(),
        };
        assert_eq!(compare(&base, &exc, true), vec![DivergenceKind::Exception]);
    }

    /// The exact-limit contract, in both directions, and its exemptions.
    #[test]
    fn poison_must_match_the_reference() {
        let done = RunResult::Completed(outcome("", &[]));
        let fuel = RunResult::Poisoned(Poison::Fuel);
        let kinds = |want: &RunResult, got: RunResult| -> Vec<DivergenceKind> {
            check(want, &run(got), true)
                .iter()
                .map(|f| f.kind)
                .collect()
        };
        assert_eq!(kinds(&done, fuel.clone()), [DivergenceKind::Poisoned]);
        assert_eq!(kinds(&fuel, done.clone()), [DivergenceKind::Poisoned]);
        assert_eq!(
            kinds(&fuel, RunResult::Poisoned(Poison::Recursion)),
            [DivergenceKind::Poisoned]
        );
        assert!(kinds(&fuel, fuel.clone()).is_empty());
        assert!(kinds(&done, RunResult::Poisoned(Poison::OutOfMemory)).is_empty());
        assert!(kinds(&RunResult::Poisoned(Poison::Nesting), done.clone()).is_empty());
        // CPython has no limits: it completes what the reference poisons.
        assert!(check(&fuel, &run(done.clone()), false).is_empty());
        assert_eq!(
            check(&done, &run(fuel.clone()), false)[0].kind,
            DivergenceKind::Poisoned
        );
    }
}
