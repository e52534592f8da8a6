//! Leaving a trace, shared by the tier-2 interpreter and every JIT backend:
//! exit counters, side-trace growth and linking, resuming tier 1, and the
//! checks and records at each of those transitions (stack depth at resume,
//! entry depth of the trace entered, frame hashes, the exit sequence, the
//! heap verifier under GC stress).

use crate::coverage::ExitWay;
use crate::lang::Poison;
use crate::observe::{ExitEvent, HeapRange, Point, Transition, TransitionKind, frame_hash_synced};
use crate::planted;
use crate::runtime::frame::*;
use crate::runtime::object::{self, FUNCTION_CODE, Kind};
use crate::runtime::{Raise, Value};
use crate::tier1::{FindingKind, Run};

use super::interp::Next;
use super::uops::{ExitKind, Uop, UopInst};

impl Run<'_> {
    /// Handles an exit taken through Rust: counts it, follows or grows a
    /// side trace, or resumes tier 1.
    pub(crate) fn take_exit(
        &mut self,
        eid: usize,
        inst: &UopInst,
        frame: u64,
    ) -> Result<Next, Raise> {
        let t2 = self.config.tier2.clone().expect("tier 2 is on");
        self.count_exit(eid, inst, false);
        self.heap_check("after an exit")?;
        let ex = &mut self.executors[eid];
        let exit = &mut ex.exits[inst.exit as usize];
        let (kind, resume, link, depth, cid) =
            (exit.kind, exit.resume, exit.link, ex.chain_depth, ex.cid);
        let attempt = exit.taken >= (t2.exit_threshold as u64).max(exit.next_attempt);
        if kind == ExitKind::Deopt {
            self.coverage.exit(ExitWay::Deopt);
            let resume = planted::deopt_target(self.config.inject, resume);
            return self
                .resume_checked(eid, inst, resume, frame)
                .map(Next::Resume);
        }
        if inst.uop != Uop::ExitTrace {
            planted::at_side_exit(self.config.inject, frame);
        }
        if let Some(next) = link.filter(|&l| self.executors[l].valid) {
            self.coverage.exit(ExitWay::SideExitIntoSideTrace);
            planted::at_side_entry(self.config.inject, frame);
            self.record_handover(eid, inst, next, frame);
            return Ok(Next::Enter(next));
        }
        // A trace that ends at a loop head chains into that loop's trace.
        if inst.uop == Uop::ExitTrace {
            if let Some(next) = self.executor_at(cid, resume) {
                self.coverage.exit(ExitWay::ExitTraceIntoLoopTrace);
                self.record_handover(eid, inst, next, frame);
                return Ok(Next::Enter(next));
            }
        } else if attempt && depth < t2.max_chain && !inst.uop.exit_ends_its_loop() {
            if let Some(side) = self.form_trace(cid, resume, Some((eid, inst.exit as usize))) {
                self.executors[eid].exits[inst.exit as usize].link = Some(side);
                self.coverage.exit(ExitWay::SideTraceGrown);
                planted::at_side_entry(self.config.inject, frame);
                self.record_handover(eid, inst, side, frame);
                return Ok(Next::Enter(side));
            }
            let exit = &mut self.executors[eid].exits[inst.exit as usize];
            exit.next_attempt = exit.taken * 2;
        }
        self.coverage.exit(ExitWay::SideExitToTier1);
        self.resume_checked(eid, inst, resume, frame)
            .map(Next::Resume)
    }

    /// The bookkeeping of an exit, wherever it was taken (Rust, or a stub
    /// linked in machine code): counters, stats and the exit sequence.
    pub(crate) fn count_exit(&mut self, eid: usize, inst: &UopInst, linked: bool) {
        *self
            .tier2_stats
            .exits_by_uop
            .entry(inst.uop.name())
            .or_default() += 1;
        let exit = &mut self.executors[eid].exits[inst.exit as usize];
        exit.taken += 1;
        match exit.kind {
            ExitKind::Deopt => self.tier2_stats.deopts_taken += 1,
            _ => self.tier2_stats.exits_taken += 1,
        }
        if matches!(inst.uop, Uop::ForceDeopt | Uop::ForceSideExit) {
            self.tier2_stats.forced_failures += 1;
            self.coverage.exit(ExitWay::ForcedFailure);
        }
        if linked {
            self.coverage.exit(ExitWay::LinkedInMachineCode);
        }
        if self.observe.events {
            self.events.record_exit(ExitEvent {
                executor: eid as u32,
                exit: inst.exit,
                fuel: self.fuel,
                uop: inst.uop.index() as u16,
                linked,
            });
        }
    }

    /// The deopt-state check: tier 1's frame at `resume` must have exactly
    /// the stack depth the compiler computed for that instruction. A
    /// mismatch is a finding, and the run stops before it can corrupt memory.
    fn resume_checked(
        &mut self,
        eid: usize,
        inst: &UopInst,
        resume: u32,
        frame: u64,
    ) -> Result<u32, Raise> {
        let cid = self.executors[eid].cid;
        let code = &self.program.codes[cid];
        let nlocals = code.local_names.len() as u64;
        let depth = (fget(frame, FRAME_SP).wrapping_sub(frame + FRAME_LOCALS + 8 * nlocals)) / 8;
        match code.depth_at.get(resume as usize) {
            Some(&want) if want as u64 == depth => {
                self.record_transition(TransitionKind::Resume, eid, inst, resume, frame, u32::MAX);
                Ok(resume)
            }
            want => {
                let msg = format!(
                    "exit of executor {eid} at {} resumes {} at bytecode {resume} with stack depth {depth}, tier 1 has {want:?} there",
                    inst.uop.name(),
                    code.name
                );
                self.finding(FindingKind::DeoptState, msg.clone());
                Err(Raise::Internal(msg))
            }
        }
    }

    /// The entry-depth check: a trace runs on the stack depth its
    /// optimizer assumed (loop traces: the loop head's; side traces: the
    /// resume point's). Checked at every entry, linked or not.
    pub(crate) fn check_entry_depth(&mut self, eid: usize, frame: u64) -> Result<(), Raise> {
        let ex = &self.executors[eid];
        let nlocals = fget(frame, FRAME_NLOCALS);
        let depth = (fget(frame, FRAME_SP).wrapping_sub(frame + FRAME_LOCALS + 8 * nlocals)) / 8;
        if depth == ex.entry_depth as u64 {
            return Ok(());
        }
        let msg = format!(
            "executor {eid} ({}trace at bytecode {} of {}) entered with stack depth {depth}, its optimizer assumed {}",
            if ex.parent.is_some() {
                "side "
            } else {
                "loop "
            },
            ex.start,
            self.program.codes[ex.cid].name,
            ex.entry_depth
        );
        self.finding(FindingKind::EntryDepth, msg.clone());
        Err(Raise::Internal(msg))
    }

    pub(crate) fn record_handover(&mut self, eid: usize, inst: &UopInst, next: usize, frame: u64) {
        let start = self.executors[next].start;
        self.record_transition(
            TransitionKind::Handover,
            eid,
            inst,
            start,
            frame,
            next as u32,
        );
    }

    fn record_transition(
        &mut self,
        kind: TransitionKind,
        eid: usize,
        inst: &UopInst,
        ip: u32,
        frame: u64,
        entered: u32,
    ) {
        if !self.observe.events {
            return;
        }
        let (lo, hi) = self.arena.heap_bounds();
        let heap = HeapRange(lo, hi);
        let t = Transition {
            kind,
            point: Point {
                fuel: self.fuel,
                depth: self.depth as u32,
                code: self.executors[eid].cid as u32,
                ip,
            },
            hash: frame_hash_synced(frame, heap, self.globals),
            executor: eid as u32,
            exit: inst.exit,
            uop: inst.uop.index() as u16,
            entered,
        };
        if self.observe.capture == Some(self.events.transitions.len()) {
            let sp = fget(frame, FRAME_SP);
            self.events.captured = Some(crate::observe::frame_view(
                frame,
                sp,
                ip,
                heap,
                self.globals,
            ));
        }
        self.events.record_transition(t);
    }

    /// A trace raised (the exception is on its way out): the point is the
    /// failing instruction (`_SET_IP` keeps the frame's ip there before any
    /// uop that can raise) before it ran, so a failing call's fuel is the
    /// fuel before the call ticked.
    pub(crate) fn record_error(&mut self, eid: usize, frame: u64) {
        let fuel = self.error_fuel.take().unwrap_or(self.fuel);
        let kind = if std::mem::take(&mut self.error_in_callee) {
            self.coverage.exit(ExitWay::ErrorInCallee);
            TransitionKind::CalleeError
        } else {
            self.coverage.exit(ExitWay::ErrorInTrace);
            TransitionKind::Error
        };
        if !self.observe.events {
            return;
        }
        let (lo, hi) = self.arena.heap_bounds();
        let t = Transition {
            kind,
            point: Point {
                fuel,
                depth: self.depth as u32,
                code: self.executors[eid].cid as u32,
                ip: fget(frame, FRAME_IP) as u32,
            },
            hash: frame_hash_synced(frame, HeapRange(lo, hi), self.globals),
            executor: eid as u32,
            exit: u32::MAX,
            uop: 0,
            entered: u32::MAX,
        };
        if self.observe.capture == Some(self.events.transitions.len()) {
            let sp = fget(frame, FRAME_SP);
            self.events.captured = Some(crate::observe::frame_view(
                frame,
                sp,
                t.point.ip,
                HeapRange(lo, hi),
                self.globals,
            ));
        }
        self.events.record_transition(t);
    }

    /// Calls any value with `args` from tier 2: Python functions run in a
    /// nested tier-1 dispatch (which may enter traces of their own). The
    /// caller's frame keeps the callable and arguments on its written-back
    /// stack meanwhile.
    pub(crate) fn call_value(
        &mut self,
        callable: Value,
        args: &[Value],
        caller: u64,
    ) -> Result<Value, Raise> {
        self.call_value_kw(callable, args, None, caller)
    }

    /// [`Self::call_value`] of a call with keywords too: `args` are then
    /// CALL_KW `kw`'s inputs (positional arguments, keyword values).
    pub(crate) fn call_value_kw(
        &mut self,
        callable: Value,
        args: &[Value],
        kw: Option<u32>,
        caller: u64,
    ) -> Result<Value, Raise> {
        let fuel_at_call = self.fuel;
        let r = self.call_value_inner(callable, args, kw, caller);
        if r.is_err() {
            self.note_call_error(callable, fuel_at_call);
        }
        r
    }

    /// A call that ticked fuel raised: its error's point is the call
    /// before it ran (`fuel_at_call`), which a trace's error records.
    pub(crate) fn note_call_error(&mut self, callable: Value, fuel_at_call: u64) {
        self.error_fuel = Some(fuel_at_call);
        // Python code ran before the error: a function called, or one a
        // builtin ran (`next(g)` resuming a generator to its end, which
        // then raises StopIteration; a `key=` function), each a fuel tick
        // beyond the call's own. (Bulk fuel folded in at that tick counts
        // too: such an error is then checked for reachability only.)
        self.error_in_callee = self.fuel > fuel_at_call + 1
            || (callable.is_ptr()
                && crate::runtime::object::kind_of(callable)
                    == crate::runtime::object::Kind::Function);
    }

    fn call_value_inner(
        &mut self,
        callable: Value,
        args: &[Value],
        kw: Option<u32>,
        caller: u64,
    ) -> Result<Value, Raise> {
        self.charge_fuel()?;
        if callable.is_ptr() && object::kind_of(callable) == Kind::Function {
            // SAFETY: a live Function.
            let cid = unsafe { object::read(callable.0, FUNCTION_CODE) } as usize;
            let args = match kw {
                Some(arg) => std::borrow::Cow::Owned(self.bind_kw_args(callable, cid, args, arg)?),
                None => self.bind_args(callable, cid, args)?,
            };
            if self.program.codes[cid].is_generator {
                return self.make_generator(callable, cid, &args);
            }
            if self.depth + 1 > self.config.limits.depth {
                return Err(Raise::Poison(Poison::Recursion));
            }
            let depth = self.depth;
            let closure = crate::tier1::closure_of(callable);
            let frame = self.push_frame(cid, caller, &args, closure)?;
            self.depth += 1;
            self.safe_point_at(frame);
            let v = self.run_frame(frame);
            // Also after an exception, which leaves from deeper frames.
            self.depth = depth;
            self.arena.roots.top_frame = caller;
            return v;
        }
        self.call_builtin(callable, args)
    }

    /// Logs the stack before uop `uop` of executor `eid` (uop-log mode):
    /// memory up to `sp`, then the `regs` the machine code holds cached.
    pub(crate) fn log_stack(
        &mut self,
        eid: usize,
        uop: u32,
        cached: u8,
        frame: u64,
        sp: u64,
        regs: &[Value],
    ) {
        if !self.observe.uop_log {
            return;
        }
        let index = self.events.uop_log_total as usize;
        self.events.uop_log_total += 1;
        if index >= crate::observe::MAX_UOP_LOG {
            return;
        }
        let (lo, hi) = self.arena.heap_bounds();
        let heap = HeapRange(lo, hi);
        // SAFETY: the frame a trace runs on, read before the trace goes on.
        let memory = unsafe { crate::observe::memory_stack(frame, sp) };
        self.events.uop_log.push(crate::observe::StackLog {
            executor: eid as u32,
            uop,
            cached,
            hash: crate::observe::stack_hash(&[memory, regs], heap),
        });
        if self.observe.capture_log == Some(index) {
            let values = [memory, regs].concat();
            self.events.captured_stack = Some(crate::observe::render_values(&values, heap));
            self.events.captured_at = Some(self.describe_log_point(eid, uop as usize));
        }
    }

    /// Uop `uop` of executor `eid` as the register-state oracle names it:
    /// `_LOAD_FAST` in the interpreter; `_LOAD_FAST_r12 after
    /// _SPILL_OR_RELOAD_r01` in machine code (the stencil before it is the
    /// last to have written the cache registers).
    fn describe_log_point(&self, eid: usize, uop: usize) -> String {
        let Some(ex) = self.executors.get(eid) else {
            return format!("uop #{uop}");
        };
        let name = ex.uops.get(uop).map_or("?", |u| u.uop.name());
        let Some(code) = &ex.code else {
            return name.to_string();
        };
        // Probes (`+checkregs`, `+count-stencils`) write no cache register.
        let steps: Vec<&crate::jit::codegen::Placed> = code
            .placed
            .iter()
            .filter(|p| {
                !p.name.starts_with("_CHECK_REGS") && !p.name.starts_with("_COUNT_STENCILS")
            })
            .collect();
        match steps.iter().position(|p| p.uop == Some(uop)) {
            Some(i) => {
                let before = i
                    .checked_sub(1)
                    .map(|j| steps[j])
                    .map(|p| match p.uop {
                        Some(u) => format!(" after {} (uop #{u})", p.name),
                        None => format!(" after {}", p.name),
                    })
                    .unwrap_or_default();
                format!("{}{before}", steps[i].name)
            }
            None => name.to_string(),
        }
    }

    /// `_CHECK_IP` (checking mode): an escaping uop is about to run; the
    /// frame's ip must be its instruction.
    pub(crate) fn check_ip(&mut self, frame: u64, target: u32, uop_index: u64) {
        let ip = fget(frame, FRAME_IP);
        if ip != target as u64 {
            let name = Uop::ALL.get(uop_index as usize).map_or("?", |u| u.name());
            self.finding(
                FindingKind::RemovedGuardFailed,
                format!(
                    "removed guard _SET_IP: {name} at bytecode {target} ran with frame ip {ip} (a needed _SET_IP was removed)"
                ),
            );
        }
    }

    /// Re-evaluates a removed guard (`+checkguards`): a finding if it fails.
    /// `top`: the top three stack slots, top first (the frame's header
    /// words below a shallower stack, which no guard reads).
    pub(crate) fn check_removed_guard(&mut self, eid: usize, index: usize, top: [Value; 3]) {
        let ex = &self.executors[eid];
        let Some(removed) = ex.removed.get(index) else {
            let msg = format!("executor {eid} has no removed guard {index} to check");
            self.finding(FindingKind::Internal, msg);
            return;
        };
        let g = removed.original;
        let holds = super::guards::removed_guard_holds(
            &g,
            top,
            crate::runtime::dict::keys_version(self.globals),
            ex.valid,
        );
        match holds {
            Some(true) => {}
            Some(false) => {
                let msg = format!(
                    "removed guard {} (bytecode {}) would have failed; it was removed because {}",
                    g.uop.name(),
                    g.target,
                    removed.reason
                );
                self.finding(FindingKind::RemovedGuardFailed, msg);
            }
            None => {
                let msg = format!(
                    "the optimizer removed {}, which is no guard it may remove",
                    g.uop.name()
                );
                self.finding(FindingKind::Internal, msg);
            }
        }
    }
}
