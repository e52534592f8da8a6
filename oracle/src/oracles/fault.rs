//! Fault oracle: emulated machine code never faults.
//!
//! Under unicorn only the arena, code memory, the JIT state, the trap page
//! and the guest stack are mapped, and every frame's value stack ends at a
//! page whose neighbour is left unmapped. A stencil that reads or writes
//! outside what it may touch (a mis-patched address, a slot past the value
//! stack, a wrong jump) faults at once instead of corrupting memory, and the
//! fault names the PC, the stencil and uop it lies in, and the address.

use jitdiff_vm::FindingKind;

use super::{ConfigRun, DivergenceKind, OracleFinding, name_after, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(run, FindingKind::Fault, DivergenceKind::Fault, |m| {
        name_after(m, "in stencil ").unwrap_or_else(|| "outside-stencils".into())
    })
}
