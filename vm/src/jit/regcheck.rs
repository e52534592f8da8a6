//! The register-variant checker (regalloc2's `checker.rs`, applied to
//! top-of-stack caching): before a trace is emitted, prove that its
//! selection of variants and spills is correct. A trace that fails is
//! rejected with a `RegisterState` finding, never emitted.
//!
//! **The model.** Two views of the value stack are interpreted side by side
//! over the steps (uops in their variants, spills and reloads):
//! - the *logical* stack, from the uop table's stack effects alone: what
//!   tier 1 and the tier-2 interpreter hold; each value a fresh symbol;
//! - the *machine* state: the symbols in memory (up to the stack pointer)
//!   and in each cache register, moved exactly as the stencils move them.
//!   A variant `(in, out)` of a uop popping `p` and pushing `q` reads its
//!   deepest `p - min(p, in)` inputs from memory and the rest from the top
//!   `min(p, in)` registers, leaves the `in - min(p, in)` registers below
//!   untouched, and writes its outputs to memory first (only when nothing
//!   stays cached below) and then to the registers up to `out`.
//!
//! **What is proved, at every step.** (1) The step's variant is one the
//! uop declares, well formed for its stack effect, and starts at the depth
//! the machine is at. (2) Memory followed by the registers `0..depth` is
//! exactly the logical stack, with no empty register below the depth: so
//! every uop reads its inputs where they are. (3) Escaping uops and safe
//! points run with nothing cached (a value live only in a register would be
//! invisible to the collector). (4) At every exit the stub for the exit's
//! depth writes back exactly the registers that hold stack values, and the
//! frame is then the complete logical stack at that exit; at every error
//! nothing is cached; `_JUMP_TO_TOP` and linked exits leave depth 0, which
//! is how a trace is entered. Since stencils are compiled from the same
//! variant contract (the builder defines CACHE_IN/CACHE_OUT/POPS/PUSHES for
//! each), (1)-(4) at every step mean the emitted code keeps every stack
//! value somewhere the next stencil, the collector, or tier 1 expects it.

use crate::tier2::uops::{ExitKind, MAX_CACHED, Uop, UopInst, Variant};

use super::select::Step;

/// Why a selection is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterError {
    /// The step (in emission order) where the proof failed.
    pub step: usize,
    pub uop: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.uop {
            Some(u) => write!(f, "step {} ({u}): {}", self.step, self.message),
            None => write!(f, "step {}: {}", self.step, self.message),
        }
    }
}

type Sym = u32;

struct Machine {
    memory: Vec<Sym>,
    regs: [Option<Sym>; MAX_CACHED as usize],
    depth: u8,
    logical: Vec<Sym>,
    next: Sym,
    /// `memory[..agreed] == logical[..agreed]`, proved by an earlier check
    /// and neither stack truncated below it since (both change only at
    /// their tops, through the methods below). So a check compares only
    /// the slots that changed: the checker runs for every compiled trace.
    agreed: usize,
    /// Invariant (2) holds as the machine stands: the last step ended with
    /// it proved, so the next step need not prove it again before it runs.
    proved: bool,
}

impl Machine {
    fn truncate_memory(&mut self, len: usize) {
        self.memory.truncate(len);
        self.agreed = self.agreed.min(len);
    }

    fn truncate_logical(&mut self, len: usize) {
        self.logical.truncate(len);
        self.agreed = self.agreed.min(len);
    }

    /// Whether `memory[..mem_len]` followed by the (all full) `regs` is
    /// exactly `logical[..want_len]`.
    #[inline]
    fn stack_matches(&self, mem_len: usize, regs: &[Option<Sym>], want_len: usize) -> bool {
        let from = self.agreed.min(mem_len);
        mem_len + regs.len() == want_len
            && mem_len <= self.memory.len()
            && want_len <= self.logical.len()
            && self.memory[from..mem_len]
                .iter()
                .zip(&self.logical[from..mem_len])
                .all(|(a, b)| a == b)
            && regs
                .iter()
                .zip(&self.logical[mem_len..want_len])
                .all(|(r, w)| *r == Some(*w))
    }

    /// Invariant (2): memory ++ registers[..depth] == logical.
    fn consistent(&mut self) -> Result<(), String> {
        for r in 0..self.depth as usize {
            if self.regs[r].is_none() {
                return Err(format!(
                    "cache register {r} holds nothing, but the code is at depth {}",
                    self.depth
                ));
            }
        }
        let regs = &self.regs[..self.depth as usize];
        let (mem_len, want_len) = (self.memory.len(), self.logical.len());
        if !self.stack_matches(mem_len, regs, want_len) {
            let machine = self.memory.iter().chain(regs.iter().flatten());
            let at = machine
                .zip(&self.logical)
                .position(|(a, b)| a != b)
                .unwrap_or((mem_len + regs.len()).min(want_len));
            return Err(format!(
                "memory plus the cached registers hold {} values, the logical stack {}; they first differ at slot {at}",
                mem_len + regs.len(),
                want_len
            ));
        }
        self.agreed = mem_len;
        self.proved = true;
        Ok(())
    }
}

/// Proves `steps` (a selection for `uops`, entered with `entry_depth`
/// values on the stack and nothing cached) correct; the first violation.
pub fn check(uops: &[UopInst], steps: &[Step], entry_depth: u32) -> Result<(), RegisterError> {
    // Room for a trace's usual growth above its entry depth, so the
    // stacks are not reallocated as they grow (the checker runs for every
    // compiled trace).
    let stack = || {
        let mut v = Vec::with_capacity(entry_depth as usize + 16);
        v.extend(0..entry_depth);
        v
    };
    let mut m = Machine {
        memory: stack(),
        regs: [None; MAX_CACHED as usize],
        depth: 0,
        logical: stack(),
        next: entry_depth,
        agreed: entry_depth as usize,
        proved: false,
    };
    run(&mut m, uops, steps)
}

/// [`check`] on a machine set up at the trace's entry.
fn run(m: &mut Machine, uops: &[UopInst], steps: &[Step]) -> Result<(), RegisterError> {
    let mut last: Option<Uop> = None;
    for (k, step) in steps.iter().enumerate() {
        let fail = |uop: Option<Uop>, message: String| RegisterError {
            step: k,
            uop: uop.map(Uop::name),
            message,
        };
        match *step {
            Step::Spill { from, to } => {
                if from != m.depth || from == to || to > MAX_CACHED {
                    return Err(fail(
                        None,
                        format!(
                            "_SPILL_OR_RELOAD_r{from}{to} at depth {} (it must start where the code is)",
                            m.depth
                        ),
                    ));
                }
                spill(m, from, to).map_err(|e| fail(None, e))?;
                m.consistent().map_err(|e| fail(None, e))?;
            }
            Step::Uop { index, variant } => {
                let inst = uops.get(index).ok_or_else(|| {
                    fail(
                        None,
                        format!("names uop {index} of a {}-uop trace", uops.len()),
                    )
                })?;
                let u = inst.uop;
                uop_step(m, inst, variant).map_err(|e| fail(Some(u), e))?;
                last = Some(u);
            }
        }
    }
    match last {
        Some(Uop::JumpToTop | Uop::ExitTrace) => Ok(()),
        other => Err(RegisterError {
            step: steps.len(),
            uop: other.map(Uop::name),
            message: "the trace does not end in _JUMP_TO_TOP or _EXIT_TRACE".into(),
        }),
    }
}

fn spill(m: &mut Machine, from: u8, to: u8) -> Result<(), String> {
    // In place (the checker runs for every compiled trace): `from` is the
    // depth, whose registers `consistent` proved full.
    let held = m.regs;
    let mut cached = held[..from as usize].iter().flatten().copied();
    m.regs = [None; MAX_CACHED as usize];
    if to < from {
        let k = (from - to) as usize;
        m.memory.extend(cached.by_ref().take(k));
        for (r, s) in cached.enumerate() {
            m.regs[r] = Some(s);
        }
    } else {
        let k = (to - from) as usize;
        if m.memory.len() < k {
            return Err(format!(
                "reloads {k} values, memory holds {}",
                m.memory.len()
            ));
        }
        let top = m.memory.len() - k;
        for (r, s) in m.memory[top..].iter().copied().chain(cached).enumerate() {
            m.regs[r] = Some(s);
        }
        m.truncate_memory(top);
    }
    m.depth = to;
    Ok(())
}

fn uop_step(m: &mut Machine, inst: &UopInst, v: Variant) -> Result<(), String> {
    let u = inst.uop;
    let info = u.info();
    // (1) declared, well formed, starting where the code is.
    if !u.variants().contains(&v) {
        return Err(format!("{u:?} has no variant {v}"));
    }
    if v.inputs != m.depth {
        return Err(format!(
            "variant {v} expects {} cached values, {} are",
            v.inputs, m.depth
        ));
    }
    if !m.proved {
        m.consistent()?;
    }
    let (pops, pushes) = u.stack_effect(inst.oparg);
    let (pops, pushes) = (pops as usize, pushes as usize);
    let (inputs, outputs) = (v.inputs as usize, v.outputs as usize);
    let from_regs = pops.min(inputs);
    let keep = inputs - from_regs;
    let mem_outputs = (pushes + keep).checked_sub(outputs);
    if u != Uop::ExitTrace
        && (outputs > keep + pushes || (mem_outputs.is_some_and(|n| n > 0) && keep > 0))
    {
        return Err(format!(
            "variant {v} of a uop popping {pops} and pushing {pushes} cannot leave {outputs} values cached"
        ));
    }
    // (3) nothing live only in a register across an escape.
    if info.escapes && m.depth != 0 {
        return Err(format!(
            "escapes (may collect) with {} values live only in registers",
            m.depth
        ));
    }
    if info.can_error && m.depth != 0 {
        return Err(format!(
            "can raise with {} values cached (the error stub writes none back)",
            m.depth
        ));
    }
    if m.logical.len() < pops {
        return Err(format!(
            "pops {pops} values from a stack of {}",
            m.logical.len()
        ));
    }
    // (4) the frame at the exit, once the stub wrote its registers back.
    if info.exit != ExitKind::None {
        let d = u.exit_depth(v) as usize;
        let popped = if info.pops_before_exit { pops } else { 0 };
        let mem_popped = popped.saturating_sub(from_regs);
        let frame_len = m.memory.len() - mem_popped;
        if m.regs[..d].iter().any(Option::is_none) {
            return Err(format!(
                "its exit stub writes back {d} registers, some hold nothing"
            ));
        }
        let want_len = m.logical.len() - popped;
        if !m.stack_matches(frame_len, &m.regs[..d], want_len) {
            return Err(format!(
                "at its exit the frame would hold {} values, tier 1 needs {want_len} (exit stub r{d}0)",
                frame_len + d,
            ));
        }
    }
    if u == Uop::JumpToTop && m.depth != 0 {
        return Err("jumps to the trace top with values cached".into());
    }
    // The effect: logical first, then the machine as the stencil moves it.
    // Outputs are the next `pushes` fresh symbols, `first_out..`.
    m.truncate_logical(m.logical.len() - pops);
    let first_out = m.next + 1;
    m.next += pushes as Sym;
    m.logical.extend(first_out..=m.next);
    if u == Uop::ExitTrace {
        // The machine is left as it was: a step after this one must prove
        // the invariant afresh (and fails).
        m.proved = false;
        return Ok(());
    }
    let mem_inputs = pops - from_regs;
    m.truncate_memory(m.memory.len() - mem_inputs);
    let below = m.regs;
    let mem_outputs = mem_outputs.unwrap_or(0) as Sym;
    m.memory.extend(first_out..first_out + mem_outputs);
    m.regs = [None; MAX_CACHED as usize];
    for (r, s) in below[..keep]
        .iter()
        .flatten()
        .copied()
        .chain(first_out + mem_outputs..=m.next)
        .enumerate()
    {
        m.regs[r] = Some(s);
    }
    m.depth = v.outputs;
    m.consistent()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::select::{CachePolicy, select};

    fn trace(uops: &[Uop]) -> Vec<UopInst> {
        uops.iter().map(|&u| UopInst::new(u, 0, 0, 0)).collect()
    }

    const LOOP: &[Uop] = &[
        Uop::CheckValidity,
        Uop::LoadFast,
        Uop::LoadConst,
        Uop::GuardNosInt,
        Uop::BinaryOpAddInt,
        Uop::StoreFast,
        Uop::LoadFast,
        Uop::ToBoolInt,
        Uop::GuardIsTruePop,
        Uop::CheckPeriodic,
        Uop::JumpToTop,
    ];

    fn uop(index: usize, v: (u8, u8)) -> Step {
        Step::Uop {
            index,
            variant: Variant::new(v.0, v.1),
        }
    }

    #[test]
    fn every_policy_passes() {
        let t = trace(LOOP);
        for policy in [CachePolicy::None, CachePolicy::Greedy] {
            check(&t, &select(&t, 0, policy, 0, None), 0).unwrap();
        }
        for seed in 0..200 {
            check(
                &t,
                &select(&t, 0, CachePolicy::Random(Some(seed)), seed, None),
                0,
            )
            .unwrap();
        }
    }

    fn error(uops: &[Uop], steps: &[Step]) -> String {
        check(&trace(uops), steps, 0).unwrap_err().to_string()
    }

    #[test]
    fn a_variant_at_the_wrong_depth_is_rejected() {
        // _LOAD_FAST_r12 where nothing is cached.
        let e = error(
            &[Uop::LoadFast, Uop::StoreFast, Uop::JumpToTop],
            &[uop(0, (1, 2))],
        );
        assert!(e.contains("expects 1 cached values, 0 are"), "{e}");
    }

    #[test]
    fn an_undeclared_or_ill_formed_variant_is_rejected() {
        let e = error(&[Uop::LoadFast], &[uop(0, (0, 2))]);
        assert!(e.contains("has no variant r02"), "{e}");
    }

    #[test]
    fn a_missing_spill_before_an_escaping_uop_is_rejected() {
        // _LOAD_FAST_r01 then _CALL (escapes) without spilling.
        let e = error(
            &[Uop::LoadFast, Uop::MakeFunction, Uop::JumpToTop],
            &[
                uop(0, (0, 1)),
                Step::Uop {
                    index: 1,
                    variant: Variant::MEMORY,
                },
            ],
        );
        assert!(e.contains("expects 0 cached values, 1 are"), "{e}");
    }

    #[test]
    fn an_exit_that_would_lose_a_value_is_rejected() {
        // Cached value at an `_EXIT_TRACE` run as r00: its stub writes
        // nothing back.
        let e = error(
            &[Uop::LoadFast, Uop::ExitTrace],
            &[
                uop(0, (0, 1)),
                Step::Spill { from: 1, to: 0 },
                Step::Spill { from: 0, to: 1 },
                uop(1, (0, 0)),
            ],
        );
        assert!(e.contains("expects 0 cached values, 1 are"), "{e}");
    }

    #[test]
    fn a_spill_from_the_wrong_depth_is_rejected() {
        let e = error(
            &[Uop::LoadFast, Uop::StoreFast],
            &[uop(0, (0, 1)), Step::Spill { from: 2, to: 0 }],
        );
        assert!(e.contains("_SPILL_OR_RELOAD_r20 at depth 1"), "{e}");
    }

    #[test]
    fn a_reload_from_an_empty_stack_is_rejected() {
        let e = error(&[Uop::Nop], &[Step::Spill { from: 0, to: 1 }]);
        assert!(e.contains("reloads 1 values, memory holds 0"), "{e}");
    }

    #[test]
    fn a_trace_must_end_at_its_top_or_an_exit() {
        let e = error(&[Uop::LoadFast], &[uop(0, (0, 1))]);
        assert!(e.contains("does not end in"), "{e}");
    }
}
