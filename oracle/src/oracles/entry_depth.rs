//! Entry-depth oracle: every trace runs on the stack depth its optimizer
//! assumed when it compiled the trace.
//!
//! The optimizer interprets a trace abstractly from an entry stack of the
//! depth tier 1 has at the trace's first instruction (a loop head, or a
//! side exit's resume point), and every stack-relative access in the trace
//! is compiled against that depth. So at each entry (from tier 1, from a
//! side exit through Rust, or from an exit linked in machine code, which
//! reports itself when events are recorded) the VM compares the frame's
//! real depth with the executor's assumed one. A mismatch means the trace
//! would read and write the wrong slots from its first uop on; it is
//! reported at the entry, before any damage.

use jitdiff_vm::FindingKind;

use super::{ConfigRun, DivergenceKind, OracleFinding, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(
        run,
        FindingKind::EntryDepth,
        DivergenceKind::EntryDepth,
        |m| {
            if m.contains("(side trace") {
                "side-trace-entry".into()
            } else {
                "loop-trace-entry".into()
            }
        },
    )
}
