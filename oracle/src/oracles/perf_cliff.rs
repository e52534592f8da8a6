//! Performance-cliff oracle: a JIT that gets the answer right but leaves
//! its traces over and over, or throws them away and builds them again
//! forever, has a bug too (lafleur's users count massive slowdowns as JIT
//! bugs). No other oracle sees one: outputs, frames and exit sequences all
//! agree, only the work differs.
//!
//! **What is measured.** Counts of work, never time, so a verdict never
//! depends on the machine or the wall clock:
//!
//! - *retrace storm*: the most traces formed from one start (a loop head,
//!   or a side exit's resume point). The VM forms a trace once per start,
//!   again only after an invalidation or when the trace it had is gone.
//!   The globals watcher stops promoting after its budget; the type
//!   watcher has no budget, so a program that changes a class on every
//!   iteration rebuilds its trace each time, and past the threshold it is
//!   flagged (a real cliff of this VM, not a false alarm). More than
//!   `MAX_FORMATIONS_AT_ONE_START` builds of one trace is far past
//!   anything the healthy campaigns below needed.
//!
//! **Not measured: exit storms.** Resumes to tier 1 per unit of fuel do
//! not separate a bug from a healthy program: a loop whose body the
//! projector cannot trace past leaves its (partial) trace on every
//! iteration by design, and healthy generated programs reach 630 resumes
//! per 1000 fuel, against at most 1000 for a JIT that has lost its side
//! traces. An exit-storm check needs per-exit side-trace eligibility the
//! VM does not record yet.
//!
//! **Which runs.** Completed runs of a tier-2 configuration without forced
//! failures (`+deopt=N` and `+sideexit=N` make exits on purpose).
//!
//! **Calibration** (2026-12-02). Healthy: at most 35 formations at one
//! start over 797 programs of `--config all` (seed 777, 300 s) and 14 over
//! 1500 programs of the tier-2 and native configurations (seed 11). The
//! planted `retrace-storm` bug: up to 2715, and above 128 in 61 of the 226
//! runs measured (seed 11, 300 programs). The threshold, 128, is 3.7 times the
//! healthy maximum.

use serde::{Deserialize, Serialize};

use super::{ConfigRun, DivergenceKind, OracleFinding};

/// A run's counts the oracle reads (from the VM's statistics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerfCounts {
    pub fuel: u64,
    pub traces: u64,
    pub max_formations_at_one_start: u64,
}

/// Traces formed from one start before it is a retrace storm.
pub const MAX_FORMATIONS_AT_ONE_START: u64 = 128;

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    let Some(p) = run.perf else {
        return vec![];
    };
    let completed = matches!(
        run.result,
        super::ConfigResult::Run(jitdiff_vm::lang::RunResult::Completed(_), _)
    );
    if !completed {
        return vec![];
    }
    let mut out = vec![];
    if p.max_formations_at_one_start > MAX_FORMATIONS_AT_ONE_START {
        out.push(OracleFinding::new(
            DivergenceKind::PerfCliff,
            "retrace-storm",
            format!(
                "{} traces formed from one start ({} in all, fuel {}): more than {MAX_FORMATIONS_AT_ONE_START}",
                p.max_formations_at_one_start, p.traces, p.fuel
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracles::ConfigResult;
    use jitdiff_vm::lang::{Ending, Outcome, RunResult};

    fn run(perf: PerfCounts) -> ConfigRun {
        let result = ConfigResult::Run(
            RunResult::Completed(Outcome {
                output: String::new(),
                ending: Ending::Normal,
                globals: vec![],
            }),
            vec![],
        );
        ConfigRun {
            perf: Some(perf),
            ..ConfigRun::plain("t2", result)
        }
    }

    #[test]
    fn a_retrace_storm_is_flagged_past_its_threshold_only() {
        let calm = PerfCounts {
            fuel: 10_000,
            traces: 80,
            max_formations_at_one_start: MAX_FORMATIONS_AT_ONE_START,
        };
        assert!(check(&run(calm)).is_empty());
        let places = |p| -> Vec<String> { check(&run(p)).into_iter().map(|f| f.place).collect() };
        let storm = PerfCounts {
            max_formations_at_one_start: MAX_FORMATIONS_AT_ONE_START + 1,
            ..calm
        };
        assert_eq!(places(storm), vec!["retrace-storm"]);
    }
}
