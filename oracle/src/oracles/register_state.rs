//! Register-state oracle: the JIT's top-of-stack caching never loses,
//! misplaces or hides a stack value.
//!
//! - **Statically**, before every trace is emitted, the register-variant
//!   checker (`vm/src/jit/regcheck.rs`, whose header gives the proof)
//!   interprets the trace's selection of variants and spills against the
//!   uop table's stack effects. A selection it cannot prove (a variant the
//!   uop does not declare, a missing spill before an escaping uop, an exit
//!   that would leave the frame incomplete) rejects the trace: a finding,
//!   never a silent fallback.
//! - **Dynamically** (`+checkregs`), before every uop the machine code
//!   rebuilds the logical stack from memory and the cache registers, per
//!   the variant it runs in, and logs a hash of it; the tier-2 interpreter
//!   of the same configuration logs its stack at the same uop of the same
//!   entry. The first difference names the uop, the variant and the slot.
//!   This catches what the static proof cannot see: a stencil that puts a
//!   value in the wrong register, or a spill emitted with the wrong stencil.

use jitdiff_vm::FindingKind;

use super::{ConfigRun, DivergenceKind, OracleFinding, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    vm_findings(
        run,
        FindingKind::RegisterState,
        DivergenceKind::RegisterState,
        |m| {
            // The first uop or stencil the message names.
            m.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|w| w.len() > 1 && w.starts_with('_'))
                .map_or_else(|| "selection".into(), str::to_string)
        },
    )
}

/// The stack one side holds before a logged uop, rendered by a re-run
/// (memory first, then the cache registers), and where that was
/// (`_LOAD_FAST_r12 after _SPILL_OR_RELOAD_r01` in machine code).
pub struct Captured {
    pub stack: Vec<String>,
    pub at: String,
}

/// Compares every `+checkregs` run's stack log with the log of its group's
/// tier-2 interpreter; the first difference of each, described with both
/// stacks (`render(config, entry)` re-runs a side to capture its stack).
/// The signature's place is the stencil that ran last before the
/// difference (it wrote the cache registers), or `cache-registers` when
/// the re-run could not capture it. Also returns how many entries were
/// compared.
pub fn check_logs(
    runs: &[ConfigRun],
    render: &mut dyn FnMut(usize, usize) -> Option<Captured>,
) -> (Vec<(usize, OracleFinding)>, u64) {
    let mut out = vec![];
    let mut compared = 0;
    for (c, run) in runs.iter().enumerate() {
        if !run.check_regs || !run.uop_logged {
            continue;
        }
        let Some(r) = runs.iter().position(|x| {
            x.uop_logged && !x.check_regs && x.group == run.group && x.group.is_some()
        }) else {
            continue;
        };
        let (got, want) = (&run.events.uop_log, &runs[r].events.uop_log);
        let n = got.len().min(want.len());
        compared += n as u64;
        let first = (0..n).find(|&k| {
            let (a, b) = (got[k], want[k]);
            (a.executor, a.uop, a.hash) != (b.executor, b.uop, b.hash)
        });
        // A shorter log means a run that ended otherwise: the outcome and
        // exit-sequence oracles report that.
        let Some(k) = first else {
            continue;
        };
        let at = got[k];
        let name =
            |e: &jitdiff_vm::observe::StackLog| format!("executor {} uop #{}", e.executor, e.uop);
        if (at.executor, at.uop) != (want[k].executor, want[k].uop) {
            let message = format!(
                "stack log entry {k}: {} is at {}, {} at {}",
                run.name,
                name(&at),
                runs[r].name,
                name(&want[k])
            );
            out.push((
                c,
                OracleFinding::new(DivergenceKind::RegisterState, "cache-registers", message),
            ));
            continue;
        }
        let (mine, theirs) = (render(c, k), render(r, k));
        let mut place = "cache-registers".to_string();
        let mut message = format!(
            "before {} ({} values cached in registers), the stack the machine code holds differs from the tier-2 interpreter's ({})",
            name(&at),
            at.cached,
            runs[r].name
        );
        if let (Some(mine), Some(theirs)) = (mine, theirs) {
            message = format!(
                "before {} {} ({} values cached in registers), the stack the machine code holds differs from the tier-2 interpreter's ({})",
                name(&at),
                mine.at,
                at.cached,
                runs[r].name
            );
            // `_LOAD_FAST_r12 after _SPILL_OR_RELOAD_r01`: the latter wrote
            // the registers last.
            place = mine
                .at
                .split(" after ")
                .nth(1)
                .and_then(|w| w.split_whitespace().next())
                .unwrap_or("cache-registers")
                .to_string();
            let (mine, theirs) = (mine.stack, theirs.stack);
            let slot = (0..mine.len().max(theirs.len())).find(|&i| mine.get(i) != theirs.get(i));
            if let Some(i) = slot {
                let cached_from = mine.len().saturating_sub(at.cached as usize);
                let held = if i >= mine.len() {
                    "missing from the machine code's stack".to_string()
                } else if i >= cached_from {
                    format!("cache register {}", i - cached_from)
                } else {
                    "memory".into()
                };
                message.push_str(&format!(
                    ": slot {i} ({held}) holds {} in the machine code, {} in the interpreter",
                    mine.get(i).map_or("<nothing>", String::as_str),
                    theirs.get(i).map_or("<nothing>", String::as_str)
                ));
            }
        }
        out.push((
            c,
            OracleFinding::new(DivergenceKind::RegisterState, &place, message),
        ));
    }
    (out, compared)
}
