//! Register-variant selection: between the optimizer and code generation,
//! pick each uop's variant (how many top-of-stack values it expects in and
//! leaves in registers) and insert the `_SPILL_OR_RELOAD` steps that move
//! between them. A trace starts with nothing cached, and the loop top is
//! entered with nothing cached, so `_JUMP_TO_TOP` runs at depth 0.
//!
//! Policies (`+cache=`):
//! - `none`: every uop in its memory variant `r00`, no spills (the JIT
//!   before register variants);
//! - `greedy`: CPython 3.15's `stack_allocate`, one forward pass taking
//!   for each uop the variant with the least memory traffic: values moved
//!   by the spill or reload to reach it, plus the inputs it reads from and
//!   the outputs it writes to memory (ties: the most left in registers);
//! - `random:SEED`: any variant the uop declares, with the moves it needs.
//!   Every policy must give the same results: the static checker
//!   ([`super::regcheck`]) proves each trace's selection before emission.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::planted::{self, Injection};
use crate::tier2::uops::{UopInst, Variant};

/// How variants are chosen (a configuration knob, `+cache=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CachePolicy {
    None,
    #[default]
    Greedy,
    /// A fixed seed, or (`None`) one drawn per program.
    Random(Option<u64>),
}

impl CachePolicy {
    pub fn name(self) -> String {
        match self {
            CachePolicy::None => "none".into(),
            CachePolicy::Greedy => "greedy".into(),
            CachePolicy::Random(Some(s)) => format!("random:{s}"),
            CachePolicy::Random(None) => "random".into(),
        }
    }
}

/// One step of an emitted trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Uop `index` of the trace, in `variant`.
    Uop { index: usize, variant: Variant },
    /// Move from `from` to `to` cached values.
    Spill { from: u8, to: u8 },
}

/// Chooses variants for `uops` (entered with `entry_depth` values on the
/// stack) under `policy`; `seed` makes `random` deterministic per trace.
/// `inject` turns on planted selection bugs.
pub fn select(
    uops: &[UopInst],
    entry_depth: u32,
    policy: CachePolicy,
    seed: u64,
    inject: Option<Injection>,
) -> Vec<Step> {
    // Seeded only for `random`, the one policy that draws.
    let mut rng = matches!(policy, CachePolicy::Random(_)).then(|| StdRng::seed_from_u64(seed));
    let mut steps = Vec::with_capacity(uops.len() * 2);
    let mut depth = 0u8;
    // The logical stack's height: a variant can only cache values that exist.
    let mut height = entry_depth as usize;
    // One buffer for `random`'s candidates: this runs per compiled trace.
    let mut variants: Vec<Variant> = Vec::new();
    for (index, inst) in uops.iter().enumerate() {
        let (pops, pushes) = inst.uop.stack_effect(inst.oparg);
        let variant = match policy {
            CachePolicy::None => Variant::MEMORY,
            CachePolicy::Greedy => greedy(inst, (pops, pushes), depth, height, inject),
            CachePolicy::Random(_) => {
                let rng = rng.as_mut().expect("seeded for random");
                variants.clear();
                variants.extend(candidates(inst, height, inject));
                variants[rng.random_range(0..variants.len())]
            }
        };
        height = (height + pushes as usize).saturating_sub(pops as usize);
        if variant.inputs != depth && !planted::drops_spill(inject, inst.uop, variant) {
            steps.push(Step::Spill {
                from: depth,
                to: variant.inputs,
            });
        }
        steps.push(Step::Uop { index, variant });
        depth = variant.outputs;
    }
    steps
}

/// The variant with the least memory traffic from `depth` for `inst`
/// (popping and pushing `effect`, on a stack `height` values high); among
/// equals, the one leaving the most in registers.
fn greedy(
    inst: &UopInst,
    effect: (u32, u32),
    depth: u8,
    height: usize,
    inject: Option<Injection>,
) -> Variant {
    let (pops, pushes) = effect;
    let mut best: Option<((u32, std::cmp::Reverse<u8>), Variant)> = None;
    // A plain loop, not `min_by_key`: that measured twice as slow, and this
    // runs for every uop of every compiled trace.
    for v in candidates(inst, height, inject) {
        let (inputs, outputs) = (v.inputs as u32, v.outputs as u32);
        let mem_inputs = pops.saturating_sub(inputs);
        let keep = inputs - pops.min(inputs);
        let mem_outputs = (pushes + keep).saturating_sub(outputs);
        let traffic = v.inputs.abs_diff(depth) as u32 + mem_inputs + mem_outputs;
        let key = (traffic, std::cmp::Reverse(v.outputs));
        // Strictly less: the first declared of equals wins.
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, v));
        }
    }
    best.expect("every uop has the memory variant").1
}

/// The variants `inst` may run in on a stack `height` values high: those
/// it declares (as a planted bug may change them) that cache no more than
/// the stack holds.
fn candidates(
    inst: &UopInst,
    height: usize,
    inject: Option<Injection>,
) -> impl Iterator<Item = Variant> + '_ {
    inst.uop
        .variants()
        .iter()
        .map(move |&v| planted::selectable_variant(inject, inst.uop, v))
        .filter(move |v| v.inputs as usize <= height)
}

/// Values moved between registers and memory by `steps` (spills and
/// reloads), for `show` and the stats.
pub fn moves(steps: &[Step]) -> u64 {
    steps
        .iter()
        .map(|s| match s {
            Step::Spill { from, to } => from.abs_diff(*to) as u64,
            Step::Uop { .. } => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tier2::uops::Uop;

    fn trace(uops: &[Uop]) -> Vec<UopInst> {
        uops.iter().map(|&u| UopInst::new(u, 0, 0, 0)).collect()
    }

    #[test]
    fn greedy_keeps_the_loop_body_in_registers() {
        let t = trace(&[
            Uop::CheckValidity,
            Uop::LoadFast,
            Uop::LoadConst,
            Uop::BinaryOpAddInt,
            Uop::StoreFast,
            Uop::CheckPeriodic,
            Uop::JumpToTop,
        ]);
        let steps = select(&t, 0, CachePolicy::Greedy, 0, None);
        let v = |i| {
            steps.iter().find_map(|s| match *s {
                Step::Uop { index, variant } if index == i => Some(variant.suffix()),
                _ => None,
            })
        };
        assert_eq!(v(1).as_deref(), Some("r01"));
        assert_eq!(v(2).as_deref(), Some("r12"));
        assert_eq!(v(3).as_deref(), Some("r21"));
        assert_eq!(v(4).as_deref(), Some("r10"));
        assert_eq!(v(5).as_deref(), Some("r00"));
        assert_eq!(moves(&steps), 0);
    }

    #[test]
    fn none_is_all_memory_and_random_moves_between_variants() {
        let t = trace(&[
            Uop::LoadFast,
            Uop::LoadFast,
            Uop::BinaryOpAddInt,
            Uop::StoreFast,
            Uop::JumpToTop,
        ]);
        let steps = select(&t, 0, CachePolicy::None, 0, None);
        assert!(steps.iter().all(|s| matches!(
            s,
            Step::Uop {
                variant: Variant::MEMORY,
                ..
            }
        )));
        let random: Vec<Vec<Step>> = (0..20)
            .map(|s| select(&t, 0, CachePolicy::Random(Some(s)), s, None))
            .collect();
        assert!(random.iter().any(|steps| moves(steps) > 0));
        assert_eq!(
            random[3],
            select(&t, 0, CachePolicy::Random(Some(3)), 3, None)
        );
    }
}
