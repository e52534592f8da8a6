//! Running executors as machine code: the JIT side of `run_executor`.
//! Exits come back to Rust as an exit index and take exactly the tier-2
//! interpreter's exit path (counters, side traces, checks and records), so
//! the two tiers differ only in how uops are executed. Exits linked in
//! machine code skip Rust, except that when the run records events the stub
//! first reports itself ([`super::helpers::jit_linked_exit`]), so linked
//! exits are counted, checked and recorded exactly like the others.

use std::collections::HashMap;

use crate::planted;
use crate::runtime::Raise;
use crate::tier1::{FindingKind, Run};
use crate::tier2::interp::Next;

use super::emulator::Fault;
use super::regcheck;
use super::select::{self, CachePolicy};
use super::state::{MAX_EXECUTORS, STATUS_ERROR, STATUS_EXIT};

/// Which executor each linked exit slot jumps into (to unlink exits into an
/// executor that is invalidated, and to know where a linked exit went).
pub type LinkTargets = HashMap<u32, usize>;

impl Run<'_> {
    /// Compiles executor `eid` if this run has a JIT (a failure leaves it
    /// to the tier-2 interpreter and is counted).
    pub(crate) fn jit_compile(&mut self, eid: usize) {
        let Some(jit) = self.jit.as_deref_mut() else {
            return;
        };
        if eid >= MAX_EXECUTORS {
            self.jit_stats.compile_failures += 1;
            return;
        }
        // Cloned only for a planted bug that rewrites the uops.
        let ex = match self.config.inject {
            None => std::borrow::Cow::Borrowed(&self.executors[eid]),
            Some(_) => {
                let mut ex = self.executors[eid].clone();
                let code = &self.program.codes[ex.cid];
                planted::rewrite_for_jit(self.config.inject, &mut ex, code);
                std::borrow::Cow::Owned(ex)
            }
        };
        let policy = self
            .config
            .tier2
            .as_ref()
            .map_or(CachePolicy::Greedy, |t| t.cache);
        // `random` draws per trace: from its own seed, or one derived from
        // the program, so every program gets other choices.
        let seed = match policy {
            CachePolicy::Random(Some(s)) => s,
            _ => self.program_seed,
        } ^ (eid as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let started = std::time::Instant::now();
        let steps = select::select(&ex.uops, ex.entry_depth, policy, seed, self.config.inject);
        if let Err(e) = regcheck::check(&ex.uops, &steps, ex.entry_depth) {
            // Rejected, never emitted: the trace runs in the interpreter.
            self.jit_stats.compile_failures += 1;
            self.finding(
                FindingKind::RegisterState,
                format!(
                    "register-variant checker rejected executor {eid} ({} policy): {e}",
                    policy.name()
                ),
            );
            return;
        }
        self.jit_stats.spills += select::moves(&steps);
        match jit.compile(&ex, eid, &steps) {
            Ok(code) => {
                jit.state.set_valid(eid, true);
                self.jit_stats.traces_compiled += 1;
                self.jit_stats.uops_compiled += ex.uops.len() as u64;
                self.jit_stats.compile_ns += started.elapsed().as_nanos() as u64;
                self.jit_stats.code_bytes += code.len as u64;
                for step in &steps {
                    let counter = match *step {
                        select::Step::Uop { index, variant } => super::state::step_counter(
                            Some(ex.uops[index].uop.index()),
                            variant.inputs,
                            variant.outputs,
                        ),
                        select::Step::Spill { from, to } => {
                            super::state::step_counter(None, from, to)
                        }
                    };
                    *self.coverage.steps_compiled.entry(counter).or_default() += 1;
                }
                self.executors[eid].code = Some(code);
            }
            Err(e) => {
                self.jit_stats.compile_failures += 1;
                self.finding(
                    FindingKind::Internal,
                    format!("JIT compile of executor {eid} failed: {e}"),
                );
            }
        }
    }

    /// Machine code can run this executor: it is compiled. (Emulated code
    /// nests: a helper that calls back into traced code runs those traces
    /// in the emulator too.)
    pub(crate) fn jit_usable(&mut self, eid: usize) -> bool {
        self.jit.is_some() && self.executors[eid].code.is_some()
    }

    /// The globals watcher invalidated `eids`: their machine code reads
    /// validity from the state region, and exits linked into them are
    /// unlinked, so those exits come back to Rust (as the tier-2
    /// interpreter's `link.filter(valid)` does) instead of jumping into an
    /// invalid trace.
    pub(crate) fn jit_invalidated(&mut self, eids: &[usize]) {
        let Some(jit) = self.jit.as_deref() else {
            return;
        };
        for &eid in eids {
            jit.state.set_valid(eid, false);
        }
        self.jit_links.retain(|&slot, target| {
            let keep = !eids.contains(target);
            if !keep {
                jit.state.set_link(slot, 0);
            }
            keep
        });
    }

    pub(crate) fn run_executor_jit(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        let mut eid = first;
        loop {
            self.check_entry_depth(eid, frame)?;
            let entry = self.executors[eid].code.as_ref().expect("compiled").entry;
            let run_ptr = self as *mut Run<'_> as *mut u8;
            let jit: *mut super::Jit = {
                let jit = self.jit.as_deref_mut().expect("jit");
                let st = jit.state.state();
                // SAFETY: the state region is ours; nothing else runs now.
                unsafe {
                    (*st).fuel = self.fuel;
                    (*st).fuel_limit = self.config.limits.fuel;
                    (*st).gc_pending = self.arena.wants_gc() as u64;
                    (*st).globals = self.globals;
                    (*st).builtins = self.builtins;
                    (*st).valid = jit.state.valid_flags();
                    (*st).links = jit.state.links();
                    (*st).executed = jit.state.step_counters();
                    (*st).run = run_ptr;
                    (*st).guard_evals = self.guard_evals;
                    // The one-character strings are new for every run.
                    if (*st).chars[0] != self.arena.chars[0] {
                        (*st).chars.copy_from_slice(&self.arena.chars);
                    }
                    (*st).observe = self.observe.events as u64;
                }
                jit
            };
            self.jit_stats.entries += 1;
            self.executors[eid].entries += 1;
            let saved = self.jit_current.replace(eid);
            // SAFETY: the Jit outlives the run; helpers reach the run through
            // the state's pointer and never touch the Jit itself, except to
            // run nested traces, which restore the state they change.
            let result = unsafe { (*jit).run(entry, frame) };
            self.jit_current = saved;
            // SAFETY: as above.
            let st = unsafe { &*(*jit).state.state() };
            self.fuel = st.fuel;
            self.guard_evals = st.guard_evals;
            let left = (st.exit_index >> 32) as usize;
            match result {
                Err(fault) => return Err(self.report_fault(eid, fault)),
                Ok(STATUS_ERROR) => {
                    let err = self.pending.take().unwrap_or_else(|| {
                        Raise::Internal("JIT error stub without an exception".into())
                    });
                    if matches!(err, Raise::Exc { .. } | Raise::Thrown(_))
                        && left < self.executors.len()
                    {
                        crate::planted::at_error_exit(self.config.inject, frame);
                        self.record_error(left, frame);
                    }
                    return Err(err);
                }
                Ok(STATUS_EXIT) => {
                    // The stub names its executor: linked exits may have
                    // carried execution into another trace.
                    let exit_index = (st.exit_index & 0xffff_ffff) as usize;
                    let Some(ex) = self.executors.get(left).filter(|e| e.code.is_some()) else {
                        return Err(Raise::Internal(format!(
                            "JIT exit names unknown executor {left}"
                        )));
                    };
                    let Some(exit) = ex.exits.get(exit_index) else {
                        return Err(Raise::Internal(format!(
                            "JIT exit index {exit_index} out of range"
                        )));
                    };
                    eid = left;
                    let inst = ex.uops[exit.uop_index as usize];
                    let slot = ex.code.as_ref().map_or(0, |c| c.link_base) + exit_index as u32;
                    let linkable = ex.code.as_ref().is_some_and(|c| c.link_base != 0);
                    match self.take_exit(eid, &inst, frame)? {
                        Next::Enter(next) if self.jit_usable(next) => {
                            // From now on this exit jumps straight into `next`
                            // in machine code (its first uop checks validity).
                            if linkable && self.executors[next].valid {
                                let target = self.executors[next]
                                    .code
                                    .as_ref()
                                    .map_or(0, |c| c.first_uop);
                                if let Some(jit) = self.jit.as_deref() {
                                    jit.state.set_link(slot, target);
                                    self.jit_links.insert(slot, next);
                                }
                            }
                            eid = next
                        }
                        Next::Enter(next) => {
                            self.jit_stats.interpreted += 1;
                            return self.interpret_executor(next, frame);
                        }
                        Next::Resume(ip) => return Ok(ip),
                    }
                }
                Ok(other) => {
                    return Err(Raise::Internal(format!(
                        "JIT shim returned unknown status {other}"
                    )));
                }
            }
        }
    }

    /// A linked exit reported by its stub (runs with events on): the same
    /// counting, checks and records as an exit taken through Rust, for
    /// the exit `exit` of executor `eid` jumping into the trace its slot
    /// links to.
    pub(crate) fn linked_exit(&mut self, eid: usize, exit: usize, frame: u64) -> Result<(), Raise> {
        let Some(ex) = self.executors.get(eid) else {
            return Err(Raise::Internal(format!(
                "linked exit names unknown executor {eid}"
            )));
        };
        let Some(e) = ex.exits.get(exit) else {
            return Err(Raise::Internal(format!(
                "linked exit index {exit} out of range"
            )));
        };
        let inst = ex.uops[e.uop_index as usize];
        let slot = ex.code.as_ref().map_or(0, |c| c.link_base) + exit as u32;
        let Some(&next) = self.jit_links.get(&slot) else {
            return Err(Raise::Internal(format!(
                "exit {exit} of executor {eid} is linked in machine code but not in the run"
            )));
        };
        self.count_exit(eid, &inst, true);
        self.heap_check("after a linked exit")?;
        self.record_handover(eid, &inst, next, frame);
        self.executors[next].entries += 1;
        self.check_entry_depth(next, frame)
    }

    /// A fault under emulation becomes a finding naming the stencil and uop
    /// that faulted (or, for the instruction budget, a hang).
    fn report_fault(&mut self, entered: usize, fault: Fault) -> Raise {
        self.jit_stats.faults += 1;
        // Linked exits may have carried execution into another trace: find
        // the executor whose code holds the PC.
        let eid = (0..self.executors.len())
            .find(|&e| {
                self.executors[e]
                    .code
                    .as_ref()
                    .is_some_and(|c| fault.pc >= c.base && fault.pc < c.base + c.len as u64)
            })
            .unwrap_or(entered);
        let ex = &self.executors[eid];
        let code = ex.code.as_ref().expect("compiled");
        let place = code
            .placed
            .iter()
            .find(|p| fault.pc >= p.addr && fault.pc < p.addr + p.len as u64);
        let at = match place {
            Some(p) => match p.uop {
                Some(i) => format!(
                    "stencil {} (uop #{i} of executor {eid}, bytecode {})",
                    p.name, ex.uops[i].target
                ),
                None => format!("stencil {} of executor {eid}", p.name),
            },
            None => format!("outside executor {eid}'s code"),
        };
        let addr = fault
            .address
            .map(|a| format!(", accessing {a:#x}"))
            .unwrap_or_default();
        if fault.hang {
            let msg = format!(
                "JIT hang under emulation: {} at PC {:#x} in {at}",
                fault.message, fault.pc
            );
            return self.hang(msg);
        }
        let msg = format!(
            "JIT fault under emulation: {} at PC {:#x} in {at}{addr}",
            fault.message, fault.pc
        );
        self.finding(FindingKind::Fault, msg.clone());
        Raise::Internal(msg)
    }

    /// Folds the machine code's own counters into the run's stats; returns
    /// the step counters (`+count-stencils`) for the run's coverage.
    pub(crate) fn finish_jit_stats(&mut self) -> Option<Vec<u64>> {
        self.jit_stats.exits_by_uop = self.tier2_stats.exits_by_uop.clone();
        if let Some(jit) = self.jit.as_deref_mut() {
            self.jit_stats.emulated_instructions = jit.take_instruction_count();
            self.jit_stats.memory_accesses = jit.take_memory_count();
            if !jit.count_stencils {
                return None;
            }
            let counters = jit.state.take_step_counters();
            let mut by_variant = [0u64; 16];
            for (i, &n) in counters.iter().enumerate() {
                by_variant[i % 16] += n;
            }
            self.jit_stats.stencils_executed = by_variant.iter().sum();
            self.jit_stats.stencils_by_variant = by_variant
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(k, &n)| (format!("r{}{}", k / 4, k % 4), n))
                .collect();
            return Some(counters);
        }
        None
    }
}
