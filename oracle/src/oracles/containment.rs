//! Containment oracle: every configuration's run ends, in its own process.
//!
//! - **Crash.** A VM panic (caught), an internal inconsistency the VM caught
//!   in itself, or the death of the worker process that runs the VM (a
//!   segfault or abort in native JIT code) is a `Crash` for the
//!   configuration that was running. The worker runs every VM
//!   configuration, so a native crash loses neither the campaign nor the
//!   program (the campaign writes it to disk before it runs).
//! - **Hang.** Deterministic budgets decide: the tier-2 interpreter stops a
//!   trace that runs a million uops without a fuel tick, and `+budget`
//!   stops emulated code after ten million instructions without one. A
//!   wall-clock limit only *suspects* a hang (the worker stops answering):
//!   the suspect is re-run with the budget (a native configuration on
//!   `jit-x86` with the same knobs, which runs the same x86-64 stencils),
//!   and only a tripped budget makes it a `Hang`. A suspect the budget does
//!   not confirm is an error, never a verdict.

use jitdiff_vm::FindingKind;

use super::{ConfigResult, ConfigRun, DivergenceKind, OracleFinding, name_after, vm_findings};

pub fn check(run: &ConfigRun) -> Vec<OracleFinding> {
    let mut out = match &run.result {
        ConfigResult::Crash(m) => vec![OracleFinding::new(
            DivergenceKind::Crash,
            crash_place(m),
            m.clone(),
        )],
        ConfigResult::Hang(m) => vec![OracleFinding::new(
            DivergenceKind::Hang,
            hang_place(m),
            m.clone(),
        )],
        _ => vec![],
    };
    out.extend(vm_findings(
        run,
        FindingKind::Internal,
        DivergenceKind::Crash,
        crash_place,
    ));
    out.extend(vm_findings(
        run,
        FindingKind::Hang,
        DivergenceKind::Hang,
        hang_place,
    ));
    out
}

fn crash_place(m: &str) -> String {
    if let Some(sig) = name_after(m, "killed by ") {
        return sig;
    }
    name_after(m, "in stencil ").unwrap_or_else(|| "vm".into())
}

fn hang_place(m: &str) -> String {
    name_after(m, "in stencil ")
        .or_else(|| {
            // The interpreter's budget names the uop it stopped at.
            m.split_whitespace().find(|w| w.starts_with('_')).map(|w| {
                w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_string()
            })
        })
        .unwrap_or_else(|| "trace".into())
}
