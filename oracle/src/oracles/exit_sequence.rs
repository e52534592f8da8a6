//! Exit-sequence oracle: the tier-2 interpreter and every JIT backend take
//! the same exits, in the same order, at the same fuel.
//!
//! Configurations that differ only in their backend (`t2+stress`,
//! `jit-native+stress`, `jit-x86+stress`, `jit-a64+stress`) make the same
//! traces from the same specializations, so every exit they take (the
//! executor, the exit, the fuel at that moment) must be the same. Exits
//! linked in machine code never return to Rust, so their stubs report
//! themselves when the run records events; each backend also keeps the
//! exit counters exactly as the interpreter does (linked exits count, and
//! invalidating a trace unlinks the exits into it), so later trace
//! formation cannot drift apart either.
//!
//! What this sees that nothing else does: a guard whose machine code
//! fails when it should not (always exits on AArch64, say) gives the right
//! answer anyway, because tier 1 redoes the work; only the exits differ.
//! No public suite compares x86-64 and AArch64 code for the same trace.

use std::collections::BTreeMap;

use jitdiff_vm::VmConfig;
use jitdiff_vm::observe::ExitEvent;
use jitdiff_vm::tier2::uops::Uop;

use super::{ConfigResult, ConfigRun, DivergenceKind, OracleFinding};

/// Configurations with the same key must take the same exits: everything
/// but the backend (and its instrumentation) is equal.
pub fn group_key(c: &VmConfig) -> Option<String> {
    let mut c = c.clone();
    let t2 = c.tier2.as_mut()?;
    // The backend, its instrumentation and its register-variant policy
    // change how uops run, never which exits they take.
    t2.jit = None;
    t2.count_instructions = false;
    t2.count_memory = false;
    t2.count_stencils = false;
    t2.budget = false;
    t2.check_regs = false;
    t2.cache = Default::default();
    Some(format!("{c:?}"))
}

/// Counts of what was compared (for the campaign's stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Compared {
    /// Pairs of runs whose exit sequences were compared.
    pub sequences: u64,
    /// Exits in those compared runs (the second run of each pair).
    pub exits: u64,
}

/// Compares each observed run with the first observed run of its group.
pub fn check(runs: &[ConfigRun], compared: &mut Compared) -> Vec<(usize, OracleFinding)> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        if let Some(g) = &r.group
            && r.observed
            && matches!(r.result, ConfigResult::Run(..))
        {
            groups.entry(g.as_str()).or_default().push(i);
        }
    }
    let mut out = vec![];
    for members in groups.values() {
        let (&first, rest) = members.split_first().expect("groups are not empty");
        let a = &runs[first];
        for &m in rest {
            let b = &runs[m];
            compared.sequences += 1;
            compared.exits += b.events.exits_total;
            if a.events.exits_total == b.events.exits_total
                && a.events.exits_hash == b.events.exits_hash
            {
                continue;
            }
            out.push((m, describe(a, b)));
        }
    }
    out
}

fn event(e: Option<&ExitEvent>) -> String {
    match e {
        None => "no exit (its run ended)".into(),
        Some(e) => format!(
            "executor {} exit {} ({}{}) at fuel {}",
            e.executor,
            e.exit,
            uop_name(e),
            if e.linked { ", linked" } else { "" },
            e.fuel
        ),
    }
}

fn uop_name(e: &ExitEvent) -> &'static str {
    Uop::ALL.get(e.uop as usize).map_or("?", |u| u.name())
}

fn describe(a: &ConfigRun, b: &ConfigRun) -> OracleFinding {
    let (ea, eb) = (&a.events.exits, &b.events.exits);
    let n = ea.len().min(eb.len());
    let first = (0..n).find(|&i| {
        let (x, y) = (ea[i], eb[i]);
        (x.executor, x.exit, x.fuel) != (y.executor, y.exit, y.fuel)
    });
    let index = first.unwrap_or(n);
    let (x, y) = (ea.get(index), eb.get(index));
    let place = y
        .or(x)
        .map_or("exit".to_string(), |e| uop_name(e).to_string());
    let message = if first.is_none() && ea.len() == eb.len() {
        // The recorded prefixes agree: the difference lies past the cap.
        format!(
            "exit sequences differ after the first {index} exits: {} took {} exits, {} took {}",
            a.name, a.events.exits_total, b.name, b.events.exits_total
        )
    } else {
        format!(
            "exit #{index} differs: {} took {}, {} took {} ({} and {} exits in all)",
            a.name,
            event(x),
            b.name,
            event(y),
            a.events.exits_total,
            b.events.exits_total
        )
    };
    OracleFinding::new(DivergenceKind::ExitSequence, place, message)
}
