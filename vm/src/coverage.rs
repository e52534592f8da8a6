//! What a run reached of the JIT pipeline: the uops the tier-2 interpreter
//! ran, the stencil variants compiled into machine code (and, under
//! `+count-stencils`, run), how traces were left, the optimizer rules that
//! fired and the specializations tier 1 made. `jitdiff coverage` lists
//! what a campaign never reached against what the VM declares (every list
//! of declared items below is read from the table that defines it), and
//! the guided campaign keeps the programs that reach something new.
//!
//! Recording is always on and costs an array increment per event; the
//! named form ([`Coverage`]) is built once at the end of a run.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::jit::state::STEP_COUNTERS;
use crate::tier2::uops::{ExitKind, MAX_CACHED, Uop, Variant};

/// The ways a trace is left or handed on (the exit kinds of the coverage
/// report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitWay {
    /// A deopt: back to tier 1, never a side trace.
    Deopt,
    /// A side exit that resumed tier 1.
    SideExitToTier1,
    /// A side exit that entered the side trace already linked to it.
    SideExitIntoSideTrace,
    /// A side exit hot enough to grow a side trace, entered at once.
    SideTraceGrown,
    /// `_EXIT_TRACE` chaining into the trace of the loop it reached.
    ExitTraceIntoLoopTrace,
    /// An exit stub that jumped straight into the linked trace's code.
    LinkedInMachineCode,
    /// A forced failure (`+deopt=N`, `+sideexit=N`).
    ForcedFailure,
    /// A uop of the trace raised.
    ErrorInTrace,
    /// A Python function the trace called raised.
    ErrorInCallee,
    /// A trace invalidated (a watched global or class changed).
    Invalidation,
}

impl ExitWay {
    pub const ALL: [ExitWay; 10] = [
        ExitWay::Deopt,
        ExitWay::SideExitToTier1,
        ExitWay::SideExitIntoSideTrace,
        ExitWay::SideTraceGrown,
        ExitWay::ExitTraceIntoLoopTrace,
        ExitWay::LinkedInMachineCode,
        ExitWay::ForcedFailure,
        ExitWay::ErrorInTrace,
        ExitWay::ErrorInCallee,
        ExitWay::Invalidation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExitWay::Deopt => "deopt",
            ExitWay::SideExitToTier1 => "side exit to tier 1",
            ExitWay::SideExitIntoSideTrace => "side exit into its side trace",
            ExitWay::SideTraceGrown => "side trace grown",
            ExitWay::ExitTraceIntoLoopTrace => "_EXIT_TRACE into a loop trace",
            ExitWay::LinkedInMachineCode => "exit linked in machine code",
            ExitWay::ForcedFailure => "forced failure",
            ExitWay::ErrorInTrace => "error raised in a trace",
            ExitWay::ErrorInCallee => "error raised in a callee",
            ExitWay::Invalidation => "trace invalidated",
        }
    }
}

/// What a run records as it goes (indices, not names).
#[derive(Debug)]
pub struct Recorder {
    /// Uops the tier-2 interpreter ran, by `Uop::index`.
    pub uops: Vec<u64>,
    /// Steps compiled into machine code, by `jit::state::step_counter`.
    pub steps_compiled: BTreeMap<usize, u64>,
    pub exits: [u64; ExitWay::ALL.len()],
    /// Optimizer rules fired (see `tier2::optimizer::Rule`).
    pub rules: BTreeMap<&'static str, u64>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            uops: vec![0; Uop::ALL.len()],
            steps_compiled: BTreeMap::new(),
            exits: [0; ExitWay::ALL.len()],
            rules: BTreeMap::new(),
        }
    }
}

impl Recorder {
    #[inline(always)]
    pub fn exit(&mut self, way: ExitWay) {
        self.exits[way as usize] += 1;
    }
}

/// What a run (or a campaign, summed) reached, by name. Every field is
/// always serialized: the VM worker's `postcard` messages are positional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Uops the tier-2 interpreter ran.
    #[serde(default)]
    pub uops_interpreted: BTreeMap<String, u64>,
    /// Stencils (uop variants, spills and reloads) compiled into machine
    /// code, by stencil name.
    #[serde(default)]
    pub stencils_compiled: BTreeMap<String, u64>,
    /// The same, run (`+count-stencils` only: a counting stencil before
    /// each step).
    #[serde(default)]
    pub stencils_executed: BTreeMap<String, u64>,
    /// Exits and deopts taken, by the uop that left (guards failing).
    #[serde(default)]
    pub exits_by_uop: BTreeMap<String, u64>,
    /// Ways traces were left ([`ExitWay`]).
    #[serde(default)]
    pub exit_ways: BTreeMap<String, u64>,
    #[serde(default)]
    pub optimizer_rules: BTreeMap<String, u64>,
    /// Specialized instructions tier 1 rewrote a generic one into.
    #[serde(default)]
    pub specializations: BTreeMap<String, u64>,
    /// Consecutive uops of traces that were entered (`a * 1024 + b`, by
    /// `Uop::index`): the guided campaign's finest-grained feature.
    #[serde(default)]
    pub uop_pairs: BTreeSet<u32>,
}

/// The name of step counter `i` (`jit::state::step_counter`): the stencil
/// it counts.
pub fn step_name(i: usize) -> String {
    let (row, v) = (i / 16, i % 16);
    let variant = Variant::new((v / 4) as u8, (v % 4) as u8);
    match Uop::ALL.get(row) {
        Some(&u) => crate::jit::stencil::uop_stencil(u, variant),
        None => crate::jit::stencil::spill_or_reload(variant.inputs, variant.outputs),
    }
}

/// The key of a pair of consecutive uops.
pub fn pair_key(a: Uop, b: Uop) -> u32 {
    (a.index() as u32) * 1024 + b.index() as u32
}

/// `A -> B` for a [`pair_key`].
pub fn pair_name(key: u32) -> String {
    let name = |i: u32| Uop::ALL.get(i as usize).map_or("?", |u| u.name());
    format!("{} -> {}", name(key / 1024), name(key % 1024))
}

impl Coverage {
    pub fn add(&mut self, o: &Coverage) {
        for (mine, theirs) in [
            (&mut self.uops_interpreted, &o.uops_interpreted),
            (&mut self.stencils_compiled, &o.stencils_compiled),
            (&mut self.stencils_executed, &o.stencils_executed),
            (&mut self.exits_by_uop, &o.exits_by_uop),
            (&mut self.exit_ways, &o.exit_ways),
            (&mut self.optimizer_rules, &o.optimizer_rules),
            (&mut self.specializations, &o.specializations),
        ] {
            for (k, v) in theirs {
                *mine.entry(k.clone()).or_default() += v;
            }
        }
        self.uop_pairs.extend(&o.uop_pairs);
    }

    /// Names what `rec` recorded; `counters` are the machine code's step
    /// counters (`+count-stencils`), `specialized` the specializations
    /// made (bit `Op as u8`; each counts once per run).
    pub fn from_run(
        rec: &Recorder,
        counters: Option<&[u64]>,
        exits_by_uop: &BTreeMap<&'static str, u64>,
        specialized: u128,
        executors: &[crate::tier2::Executor],
    ) -> Coverage {
        let mut c = Coverage::default();
        for (i, &n) in rec.uops.iter().enumerate() {
            if n > 0 {
                c.uops_interpreted.insert(Uop::ALL[i].name().into(), n);
            }
        }
        for (&i, &n) in &rec.steps_compiled {
            *c.stencils_compiled.entry(step_name(i)).or_default() += n;
        }
        for (i, &n) in counters.unwrap_or(&[]).iter().enumerate() {
            if n > 0 && i < STEP_COUNTERS {
                *c.stencils_executed.entry(step_name(i)).or_default() += n;
            }
        }
        for (k, &v) in exits_by_uop {
            c.exits_by_uop.insert((*k).into(), v);
        }
        for (w, &n) in ExitWay::ALL.iter().zip(&rec.exits) {
            if n > 0 {
                c.exit_ways.insert(w.name().into(), n);
            }
        }
        for (k, &v) in &rec.rules {
            c.optimizer_rules.insert((*k).into(), v);
        }
        for &(op, _) in crate::lang::bytecode::SPECIALIZATIONS {
            if specialized & (1 << (op as u8)) != 0 {
                c.specializations.insert(op.name(), 1);
            }
        }
        for ex in executors.iter().filter(|e| e.entries > 0) {
            for w in ex.uops.windows(2) {
                c.uop_pairs.insert(pair_key(w[0].uop, w[1].uop));
            }
        }
        c
    }
}

/// What the VM declares, per coverage section, for the "never reached"
/// lists: read from the tables that define each item.
pub struct Declared {
    pub uops: Vec<String>,
    pub stencils: Vec<String>,
    /// Uops that can leave a trace (guards, deopts).
    pub exiting_uops: Vec<String>,
    pub exit_ways: Vec<String>,
    pub optimizer_rules: Vec<String>,
    pub specializations: Vec<String>,
}

/// Planted-bug uops (`+inject=...` swaps them in): never declared
/// coverage, since no correct run reaches them.
fn planted(u: Uop) -> bool {
    u.name().starts_with("_PLANTED_")
}

pub fn declared() -> Declared {
    let mut stencils = Vec::new();
    for &u in Uop::ALL.iter().filter(|&&u| !planted(u)) {
        for &v in u.variants() {
            stencils.push(crate::jit::stencil::uop_stencil(u, v));
        }
    }
    for from in 0..=MAX_CACHED {
        for to in (0..=MAX_CACHED).filter(|&t| t != from) {
            stencils.push(crate::jit::stencil::spill_or_reload(from, to));
        }
    }
    Declared {
        uops: Uop::ALL
            .iter()
            .filter(|&&u| !planted(u))
            .map(|u| u.name().to_string())
            .collect(),
        stencils,
        exiting_uops: Uop::ALL
            .iter()
            .filter(|&&u| !planted(u) && u.info().exit != ExitKind::None)
            .map(|u| u.name().to_string())
            .collect(),
        exit_ways: ExitWay::ALL.iter().map(|w| w.name().to_string()).collect(),
        optimizer_rules: crate::tier2::optimizer::Rule::ALL
            .iter()
            .map(|r| r.name().to_string())
            .collect(),
        specializations: crate::lang::bytecode::SPECIALIZATIONS
            .iter()
            .map(|(s, _)| s.name())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_counter_names_a_declared_stencil() {
        let d = declared();
        for &u in Uop::ALL.iter().filter(|&&u| !planted(u)) {
            for &v in u.variants() {
                let i = crate::jit::state::step_counter(Some(u.index()), v.inputs, v.outputs);
                assert!(d.stencils.contains(&step_name(i)), "{}", step_name(i));
            }
        }
        let spill = crate::jit::state::step_counter(None, 2, 0);
        assert_eq!(step_name(spill), "_SPILL_OR_RELOAD_r20");
    }

    #[test]
    fn pair_keys_round_trip() {
        let k = pair_key(Uop::ALL[3], Uop::ALL[7]);
        assert_eq!(
            pair_name(k),
            format!("{} -> {}", Uop::ALL[3].name(), Uop::ALL[7].name())
        );
    }
}
