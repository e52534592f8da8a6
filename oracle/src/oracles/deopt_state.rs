//! Deopt-state oracle: every exit resumes tier 1 at a stack depth the
//! compiler allows at that instruction.
//!
//! The compiler computes the value-stack depth before every instruction
//! (`Code::depth_at`); tier 1 relies on it. When a trace leaves, the VM
//! checks the frame's real depth against the depth at the resume point,
//! and stops the run on a mismatch before tier 1 can read past the stack.
//! It is the cheap, always-on half of the frame check: the frame-state
//! oracle compares the values, this one the shape, at the moment of the
//! exit (so it names the exit even when the run then crashes).

use jitdiff_vm::FindingKind;
use jitdiff_vm::tier2::uops::{ExitKind, Uop};

use super::{ConfigRun, DivergenceKind, OracleFinding, name_after, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(
        run,
        FindingKind::DeoptState,
        DivergenceKind::DeoptState,
        |m| {
            // The kind of exit, not the uop: one bug in the exit path shows up
            // at every uop that leaves that way, and is one signature.
            let uop = name_after(m, " at ")
                .and_then(|n| Uop::ALL.iter().find(|u| u.name() == n).copied());
            match uop.map(|u| (u, u.info().exit)) {
                Some((Uop::ExitTrace, _)) => "exit-trace".into(),
                Some((_, ExitKind::Deopt)) => "deopt".into(),
                Some(_) => "side-exit".into(),
                None => "exit".into(),
            }
        },
    )
}
