//! Heap oracle: under GC stress the heap is never corrupt.
//!
//! `+gcstress` collects at every allocation (and every safe point), poisons
//! what it frees and keeps it out of reuse for one collection, and runs the
//! heap verifier (`vm/src/runtime/verify.rs`) after every collection, after
//! every exit and at the end of the run. So a value that some tier held
//! only in a register or a Rust local across an allocation is freed at
//! once; if anyone keeps using it, the verifier sees either a root pointing
//! at a freed object or freed memory written after the free. That is the
//! class of gh-142707 (cached values invisible to the collector), caught
//! whether or not the output changes.

use jitdiff_vm::FindingKind;

use super::{ConfigRun, DivergenceKind, OracleFinding, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(run, FindingKind::Heap, DivergenceKind::Heap, |m| {
        if m.contains("written after it was freed") {
            "use-after-free-write".into()
        } else if m.contains("points to a freed object") {
            "dangling-root".into()
        } else {
            "heap".into()
        }
    })
}
