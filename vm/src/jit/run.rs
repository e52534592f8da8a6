//! Running executors as machine code: the JIT side of `run_executor`.
//! Exits come back to Rust as an exit index and take exactly the tier-2
//! interpreter's exit path (counters, side traces, deopt-state check), so
//! the two tiers differ only in how uops are executed.

use crate::Injection;
use crate::lang::limits::MAX_FUEL;
use crate::runtime::Raise;
use crate::tier1::{FindingKind, Run};
use crate::tier2::interp::Next;
use crate::tier2::uops::Uop;

use super::backend::Fault;
use super::state::{MAX_EXECUTORS, STATUS_ERROR, STATUS_EXIT};

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
        let mut ex = self.executors[eid].clone();
        if self.config.inject == Some(Injection::StencilStackOverrun) {
            let cid = ex.cid;
            plant_stack_overrun(&mut ex, &self.program.codes[cid]);
        }
        match jit.compile(&ex, eid) {
            Ok(code) => {
                jit.state.set_valid(eid, true);
                self.jit_stats.traces_compiled += 1;
                self.jit_stats.uops_compiled += ex.uops.len() as u64;
                self.jit_stats.compile_ns += code.compile_ns;
                self.jit_stats.code_bytes += code.bytes.len() as u64;
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

    /// Machine code can run this executor now: it is compiled, and no
    /// emulation is already active (unicorn is not re-entrant: a helper
    /// that calls back into traced code runs those traces interpreted).
    pub(crate) fn jit_usable(&mut self, eid: usize) -> bool {
        let Some(jit) = self.jit.as_deref() else {
            return false;
        };
        if self.executors[eid].code.is_none() {
            return false;
        }
        if jit.kind.emulated() && self.jit_busy {
            self.jit_stats.nested_interpreted += 1;
            return false;
        }
        true
    }

    pub(crate) fn run_executor_jit(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        let mut eid = first;
        loop {
            let entry = self.executors[eid].code.as_ref().expect("compiled").entry;
            let run_ptr = self as *mut Run<'_> as *mut u8;
            let (status, emulated) = {
                let jit = self.jit.as_deref_mut().expect("jit");
                let st = jit.state.state();
                // SAFETY: the state region is ours; nothing else runs now.
                unsafe {
                    (*st).fuel = self.fuel;
                    (*st).fuel_limit = MAX_FUEL;
                    (*st).gc_pending = self.arena.wants_gc() as u64;
                    (*st).globals = self.globals;
                    (*st).builtins = self.builtins;
                    (*st).valid = jit.state.valid_flags();
                    (*st).links = jit.state.links();
                    (*st).run = run_ptr;
                }
                (jit as *mut super::Jit, jit.kind.emulated())
            };
            self.jit_stats.entries += 1;
            self.executors[eid].entries += 1;
            let saved = (self.jit_current.replace(eid), self.jit_busy);
            self.jit_busy |= emulated;
            // SAFETY: the Jit outlives the run; helpers reach the run through
            // the state's pointer and never touch the Jit itself.
            let result = unsafe { (*status).run(entry, frame) };
            (self.jit_current, self.jit_busy) = saved;
            // SAFETY: as above.
            let st = unsafe { &*(*status).state.state() };
            self.fuel = st.fuel;
            match result {
                Err(fault) => return Err(self.report_fault(eid, fault)),
                Ok(STATUS_ERROR) => {
                    return Err(self.pending.take().unwrap_or_else(|| {
                        Raise::Internal("JIT error stub without an exception".into())
                    }));
                }
                Ok(STATUS_EXIT) => {
                    // The stub names its executor: linked exits may have
                    // carried execution into another trace.
                    let (left, exit_index) = (
                        (st.exit_index >> 32) as usize,
                        (st.exit_index & 0xffff_ffff) as usize,
                    );
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
                    let from_link_base = ex.code.as_ref().map_or(0, |c| c.link_base);
                    let slot = from_link_base + exit_index as u32;
                    match self.take_exit(eid, &inst, frame)? {
                        Next::Enter(next) if self.jit_usable(next) => {
                            // From now on this exit jumps straight into `next`
                            // in machine code (its first uop checks validity).
                            if from_link_base != 0 {
                                let target = self.executors[next]
                                    .code
                                    .as_ref()
                                    .map_or(0, |c| c.first_uop);
                                if let Some(jit) = self.jit.as_deref() {
                                    jit.state.set_link(slot, target);
                                }
                            }
                            eid = next
                        }
                        Next::Enter(next) => return self.interpret_executor(next, frame),
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

    /// A fault under emulation becomes a finding naming the stencil and uop
    /// that faulted.
    fn report_fault(&mut self, entered: usize, fault: Fault) -> Raise {
        self.jit_stats.faults += 1;
        // Linked exits may have carried execution into another trace: find
        // the executor whose code holds the PC.
        let eid = (0..self.executors.len())
            .find(|&e| {
                self.executors[e]
                    .code
                    .as_ref()
                    .is_some_and(|c| fault.pc >= c.base && fault.pc < c.base + c.bytes.len() as u64)
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
        let msg = format!(
            "JIT fault under emulation: {} at PC {:#x} in {at}{addr}",
            fault.message, fault.pc
        );
        self.finding(FindingKind::Fault, msg.clone());
        Raise::Internal(msg)
    }

    /// Folds the machine code's own counters into the run's stats.
    pub(crate) fn finish_jit_stats(&mut self) {
        self.jit_stats.exits_by_uop = self.tier2_stats.exits_by_uop.clone();
        if let Some(jit) = self.jit.as_deref_mut() {
            self.jit_stats.emulated_instructions = jit.take_instruction_count();
            // SAFETY: the state region is ours.
            self.jit_stats.stencils_executed = unsafe { (*jit.state.state()).executed };
            // SAFETY: as above; reset for the next program.
            unsafe { (*jit.state.state()).executed = 0 };
        }
    }
}

/// The planted stencil bug: every `_STORE_FAST` becomes the overrunning
/// stencil, patched with the distance from its stack pointer (after the pop)
/// to one slot past the frame's value stack.
fn plant_stack_overrun(ex: &mut crate::tier2::Executor, code: &crate::lang::bytecode::Code) {
    let mut uops = ex.uops.to_vec();
    for u in uops.iter_mut().filter(|u| u.uop == Uop::StoreFast) {
        let depth_after_pop = code.depth_at[u.target as usize] as u64 - 1;
        u.uop = Uop::PlantedStackOverrun;
        u.operand = code.stack_size as u64 - depth_after_pop;
    }
    ex.uops = uops.into();
}
