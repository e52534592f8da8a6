//! Removed-guard oracle (`+checkguards`): no guard the optimizer removed
//! would have failed.
//!
//! Each guard the optimizer drops is recorded with the fact that justified
//! it; in checking mode a `_CHECK_REMOVED_GUARD` marker takes its place and
//! re-evaluates it on the live values, and a `_CHECK_IP` before every
//! escaping uop checks that no needed `_SET_IP` was dropped. An unsound
//! removal is seen the first time its fact is false at run time, even when
//! the wrong fast path happens to compute the right answer (so the outcome
//! oracle cannot see it). Every guard kind has a check that can fail
//! (`vm/src/tier2/guards.rs`, exhaustive, tested): none passes silently.

use jitdiff_vm::FindingKind;

use super::{ConfigRun, DivergenceKind, OracleFinding, name_after, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(
        run,
        FindingKind::RemovedGuardFailed,
        DivergenceKind::RemovedGuardFailed,
        |m| name_after(m, "removed guard ").unwrap_or_else(|| "guard".into()),
    )
}
