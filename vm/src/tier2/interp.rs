//! The tier-2 interpreter: runs an executor's optimized uops directly on the
//! arena frame (locals and value stack in memory, exactly where tier 1 keeps
//! them), so leaving the trace is just "write back the stack pointer and
//! resume tier 1 at the exit's bytecode index". It is the JIT's closest
//! reference.

use std::rc::Rc;

use crate::Injection;
use crate::lang::Poison;
use crate::lang::bytecode::{arg_binop, arg_cmp, arg_inplace};
use crate::lang::limits::MAX_DEPTH;
use crate::runtime::frame::*;
use crate::runtime::object::{self, FUNCTION_CODE, ITER_NEXT, ITER_REMAINING, ITER_STEP, Kind};
use crate::runtime::{Raise, Value, dict, int, range, truthy};
use crate::tier1::{FindingKind, Run, cmp_holds, compare};

use super::uops::{ExitKind, Uop, UopInst};

/// What to do after an exit.
pub(crate) enum Next {
    /// Enter another executor (a side trace or a loop's trace).
    Enter(usize),
    /// Resume tier 1 here.
    Resume(u32),
}

impl Run<'_> {
    /// Runs executor `eid` on `frame` until it leaves; returns the bytecode
    /// index tier 1 resumes at (the frame's stack pointer is written back).
    pub(crate) fn run_executor(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        if self.jit_usable(first) {
            return self.run_executor_jit(first, frame);
        }
        self.interpret_executor(first, frame)
    }

    /// The tier-2 interpreter proper.
    pub(crate) fn interpret_executor(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        let locals = (frame + FRAME_LOCALS) as *mut u64;
        let mut sp = fget(frame, FRAME_SP) as *mut u64;
        let deopt_every = self.config.tier2.as_ref().map_or(0, |t| t.deopt_every) as u64;
        let mut eid = first;
        macro_rules! push {
            ($v:expr) => {{
                let v: Value = $v;
                // SAFETY: traces keep the stack within the code's stack size
                // (exits check the depth against the compiler's).
                unsafe {
                    *sp = v.0;
                    sp = sp.add(1);
                }
            }};
        }
        macro_rules! pop {
            () => {{
                // SAFETY: as push.
                unsafe {
                    sp = sp.sub(1);
                    Value(*sp)
                }
            }};
        }
        macro_rules! peek {
            ($n:expr) => {{
                // SAFETY: as push.
                unsafe { Value(*sp.sub($n)) }
            }};
        }
        'enter: loop {
            self.executors[eid].entries += 1;
            self.tier2_stats.entries += 1;
            let uops: Rc<[UopInst]> = self.executors[eid].uops.clone();
            let mut pc = 0;
            loop {
                let inst = uops[pc];
                pc += 1;
                self.tier2_stats.uops_executed += 1;
                let info = inst.uop.info();
                // Deopt stress: every Nth guard evaluation fails on purpose,
                // before the guard touches any state, and resumes tier 1 at
                // the guard's own instruction.
                if deopt_every > 0 && info.exit != ExitKind::None && inst.uop != Uop::ExitTrace {
                    self.guard_evals += 1;
                    if self.guard_evals.is_multiple_of(deopt_every) {
                        self.tier2_stats.forced_deopts += 1;
                        fset(frame, FRAME_SP, sp as u64);
                        let resume = self.deopt_target(inst.target);
                        return self.resume_checked(eid, resume, frame);
                    }
                }
                macro_rules! exit {
                    () => {{
                        fset(frame, FRAME_SP, sp as u64);
                        match self.take_exit(eid, &inst, frame)? {
                            Next::Enter(next) => {
                                eid = next;
                                continue 'enter;
                            }
                            Next::Resume(ip) => return Ok(ip),
                        }
                    }};
                }
                if info.escapes {
                    fset(frame, FRAME_SP, sp as u64);
                    if self.check_guards() && fget(frame, FRAME_IP) != inst.target as u64 {
                        self.finding(
                            FindingKind::RemovedGuardFailed,
                            format!("{} at bytecode {} ran with frame ip {} (a needed _SET_IP was removed)", inst.uop.name(), inst.target, fget(frame, FRAME_IP)),
                        );
                    }
                }
                match inst.uop {
                    Uop::Nop => {}
                    Uop::CheckValidity => {
                        if !self.executors[eid].valid {
                            exit!()
                        }
                    }
                    Uop::SetIp => fset(frame, FRAME_IP, inst.target as u64),
                    Uop::LoadFast => push!(unsafe { Value(*locals.add(inst.oparg as usize)) }),
                    Uop::LoadFastCheck => {
                        // SAFETY: oparg < nlocals.
                        let v = unsafe { Value(*locals.add(inst.oparg as usize)) };
                        if v.is_null() {
                            return Err(
                                self.unbound_local(fget(frame, FRAME_CODE) as usize, inst.oparg)
                            );
                        }
                        push!(v)
                    }
                    Uop::StoreFast | Uop::PlantedStackOverrun => {
                        let v = pop!();
                        // SAFETY: oparg < nlocals.
                        unsafe { *locals.add(inst.oparg as usize) = v.0 }
                    }
                    Uop::LoadConst | Uop::LoadConstInline => push!(Value(inst.operand)),
                    Uop::PopTop => {
                        pop!();
                    }
                    Uop::PopTwoLoadConstInline => {
                        pop!();
                        pop!();
                        push!(Value(inst.operand))
                    }
                    Uop::Copy => push!(peek!(inst.oparg as usize)),
                    // SAFETY: the stack holds at least oparg items.
                    Uop::Swap => unsafe { std::ptr::swap(sp.sub(1), sp.sub(inst.oparg as usize)) },
                    Uop::GuardTosInt => {
                        if !peek!(1).is_small_int() {
                            exit!()
                        }
                    }
                    Uop::GuardNosInt => {
                        if !peek!(2).is_small_int() {
                            exit!()
                        }
                    }
                    Uop::BinaryOpAddInt
                    | Uop::BinaryOpSubtractInt
                    | Uop::BinaryOpMultiplyInt
                    | Uop::BinaryOpFloorDivideInt
                    | Uop::BinaryOpModuloInt => {
                        let (a, b) = (peek!(2), peek!(1));
                        // Leaves (before touching the stack) when the result
                        // is not a small int or the division would raise.
                        match int::small_binop(
                            arg_binop(inst.oparg),
                            a.small_value(),
                            b.small_value(),
                        ) {
                            Some(r) => {
                                pop!();
                                pop!();
                                push!(Value::small(r))
                            }
                            None => exit!(),
                        }
                    }
                    Uop::BinaryOp => {
                        let (b, a) = (pop!(), pop!());
                        push!(int::binop(
                            self.arena,
                            arg_binop(inst.oparg),
                            arg_inplace(inst.oparg),
                            a,
                            b
                        )?)
                    }
                    Uop::UnaryNegative | Uop::UnaryPositive => {
                        let a = pop!();
                        push!(int::unary(self.arena, inst.uop == Uop::UnaryNegative, a)?)
                    }
                    Uop::UnaryNot => {
                        let a = pop!();
                        push!(Value::bool(a == Value::FALSE))
                    }
                    Uop::ToBool => {
                        let a = pop!();
                        push!(Value::bool(truthy(a)))
                    }
                    Uop::ToBoolBool => {
                        if !peek!(1).is_bool() {
                            exit!()
                        }
                    }
                    Uop::ToBoolInt => {
                        let a = peek!(1);
                        if !a.is_small_int() {
                            exit!()
                        }
                        pop!();
                        push!(Value::bool(a.small_value() != 0))
                    }
                    Uop::ToBoolNone => {
                        if peek!(1) != Value::NONE {
                            exit!()
                        }
                        pop!();
                        push!(Value::FALSE)
                    }
                    Uop::CompareOpInt => {
                        let (b, a) = (pop!(), pop!());
                        push!(Value::bool(cmp_holds(
                            arg_cmp(inst.oparg),
                            a.small_value().cmp(&b.small_value())
                        )))
                    }
                    Uop::CompareOp => {
                        let (b, a) = (pop!(), pop!());
                        push!(compare(arg_cmp(inst.oparg), a, b)?)
                    }
                    Uop::GuardIsTruePop | Uop::GuardIsFalsePop => {
                        let v = pop!();
                        if v != Value::bool(inst.uop == Uop::GuardIsTruePop) {
                            exit!()
                        }
                    }
                    Uop::IterCheckRange => {
                        let it = peek!(1);
                        let ok = it.is_ptr() && object::kind_of(it) == Kind::RangeIter && {
                            // SAFETY: a live RangeIter.
                            let (next, remaining) = unsafe {
                                (
                                    object::read(it.0, ITER_NEXT) as i64,
                                    object::read(it.0, ITER_REMAINING),
                                )
                            };
                            remaining == 0 || Value::fits_small(next)
                        };
                        if !ok {
                            exit!()
                        }
                    }
                    Uop::GuardNotExhaustedRange => {
                        // SAFETY: _ITER_CHECK_RANGE established a RangeIter.
                        let it = peek!(1);
                        if unsafe { object::read(it.0, ITER_REMAINING) } == 0 {
                            exit!()
                        }
                    }
                    Uop::IterNextRange => {
                        let it = peek!(1).0;
                        // SAFETY: checked by the two guards before.
                        let v = unsafe {
                            let next = object::read(it, ITER_NEXT) as i64;
                            let step = object::read(it, ITER_STEP) as i64;
                            object::write(it, ITER_NEXT, next.wrapping_add(step) as u64);
                            object::write(it, ITER_REMAINING, object::read(it, ITER_REMAINING) - 1);
                            next
                        };
                        push!(Value::small(v))
                    }
                    Uop::GetIter => {
                        let v = pop!();
                        push!(self.get_iter(v)?)
                    }
                    Uop::ForIterTier2 => match range::next(self.arena, peek!(1))? {
                        Some(v) => push!(v),
                        None => exit!(),
                    },
                    Uop::LoadGlobal => push!(self.load_global_slow(inst.oparg)?),
                    Uop::GuardGlobalsVersion => {
                        if dict::keys_version(self.globals) != inst.operand {
                            exit!()
                        }
                    }
                    Uop::LoadGlobalModule => push!(dict::entry(self.globals, inst.oparg as u64).1),
                    Uop::LoadGlobalBuiltin => {
                        push!(dict::entry(self.builtins, inst.oparg as u64).1)
                    }
                    Uop::StoreGlobal => {
                        let v = pop!();
                        self.store_global(inst.oparg, v);
                    }
                    Uop::CheckFunctionExactArgs => {
                        let f = peek!(inst.oparg as usize + 1);
                        // SAFETY: read only after the kind check.
                        let ok = f.is_ptr()
                            && object::kind_of(f) == Kind::Function
                            && unsafe { object::read(f.0, FUNCTION_CODE) } == inst.operand;
                        if !ok {
                            exit!()
                        }
                    }
                    Uop::CheckCallableBuiltin => {
                        if peek!(inst.oparg as usize + 1).0 != inst.operand {
                            exit!()
                        }
                    }
                    Uop::CallPy | Uop::CallBuiltin | Uop::Call => {
                        let n = inst.oparg as usize;
                        // SAFETY: the stack holds the callable and n arguments.
                        let args: Vec<Value> =
                            (0..n).map(|i| unsafe { Value(*sp.sub(n - i)) }).collect();
                        let callable = peek!(n + 1);
                        sp = unsafe { sp.sub(n + 1) };
                        fset(frame, FRAME_SP, sp as u64);
                        push!(self.call_value(callable, &args, frame)?)
                    }
                    Uop::MakeFunction => push!(self.make_function(inst.oparg)?),
                    Uop::CheckPeriodic => {
                        self.charge_fuel()?;
                        self.safe_point_at(frame);
                    }
                    Uop::JumpToTop => pc = 0,
                    Uop::ExitTrace => exit!(),
                    Uop::CheckRemovedGuard => {
                        self.tier2_stats.removed_guard_checks += 1;
                        let (a, b) = (peek!(1), peek!(2));
                        self.check_removed_guard(eid, inst.operand as usize, a, b);
                    }
                }
            }
        }
    }

    fn check_guards(&self) -> bool {
        self.config
            .tier2
            .as_ref()
            .is_some_and(|t| t.opt.check_guards)
    }

    /// Re-evaluates a removed guard (`+checkguards`): a finding if it fails.
    pub(crate) fn check_removed_guard(&mut self, eid: usize, index: usize, tos: Value, nos: Value) {
        let ex = &self.executors[eid];
        let Some(removed) = ex.removed.get(index) else {
            return;
        };
        let g = removed.original;
        let holds = match g.uop {
            Uop::GuardTosInt => tos.is_small_int(),
            Uop::GuardNosInt => nos.is_small_int(),
            Uop::ToBoolBool => tos.is_bool(),
            Uop::GuardIsTruePop => tos == Value::TRUE,
            Uop::GuardIsFalsePop => tos == Value::FALSE,
            Uop::GuardGlobalsVersion => dict::keys_version(self.globals) == g.operand,
            Uop::CheckValidity => ex.valid,
            _ => true,
        };
        if !holds {
            let msg = format!(
                "removed guard {} (bytecode {}) would have failed; it was removed because {}",
                g.uop.name(),
                g.target,
                removed.reason
            );
            self.finding(FindingKind::RemovedGuardFailed, msg);
        }
    }

    /// Handles an exit: counts it, follows or grows a side trace, or
    /// resumes tier 1.
    pub(crate) fn take_exit(
        &mut self,
        eid: usize,
        inst: &UopInst,
        frame: u64,
    ) -> Result<Next, Raise> {
        let t2 = self.config.tier2.clone().expect("tier 2 is on");
        *self
            .tier2_stats
            .exits_by_uop
            .entry(inst.uop.name())
            .or_default() += 1;
        let ex = &mut self.executors[eid];
        let exit = &mut ex.exits[inst.exit as usize];
        exit.taken += 1;
        let (kind, resume, link, depth, cid) =
            (exit.kind, exit.resume, exit.link, ex.chain_depth, ex.cid);
        let attempt = exit.taken >= (t2.exit_threshold as u64).max(exit.next_attempt);
        if kind == ExitKind::Deopt {
            self.tier2_stats.deopts_taken += 1;
            let resume = self.deopt_target(resume);
            return self.resume_checked(eid, resume, frame).map(Next::Resume);
        }
        self.tier2_stats.exits_taken += 1;
        if self.config.inject == Some(Injection::ExitStackDepth) && inst.uop != Uop::ExitTrace {
            // Planted bug: the side exit drops the top stack value.
            let sp = fget(frame, FRAME_SP);
            fset(frame, FRAME_SP, sp - 8);
        }
        if let Some(next) = link.filter(|&l| self.executors[l].valid) {
            return Ok(Next::Enter(next));
        }
        // A trace that ends at a loop head chains into that loop's trace.
        if inst.uop == Uop::ExitTrace {
            if let Some(next) = self.executor_at(cid, resume) {
                return Ok(Next::Enter(next));
            }
        } else if attempt && depth < t2.max_chain {
            if let Some(side) = self.form_trace(cid, resume, Some((eid, inst.exit as usize))) {
                self.executors[eid].exits[inst.exit as usize].link = Some(side);
                return Ok(Next::Enter(side));
            }
            let exit = &mut self.executors[eid].exits[inst.exit as usize];
            exit.next_attempt = exit.taken * 2;
        }
        self.resume_checked(eid, resume, frame).map(Next::Resume)
    }

    /// Where a deopt resumes tier 1 (the planted bug resumes one late).
    fn deopt_target(&self, target: u32) -> u32 {
        if self.config.inject == Some(Injection::DeoptResumeLate) {
            target + 1
        } else {
            target
        }
    }

    /// The deopt-state check: tier 1's frame at `resume` must have exactly
    /// the stack depth the compiler computed for that instruction. A
    /// mismatch is a finding, and the run stops before it can corrupt memory.
    fn resume_checked(&mut self, eid: usize, resume: u32, frame: u64) -> Result<u32, Raise> {
        let cid = self.executors[eid].cid;
        let code = &self.program.codes[cid];
        let nlocals = code.local_names.len() as u64;
        let depth = (fget(frame, FRAME_SP) - (frame + FRAME_LOCALS + 8 * nlocals)) / 8;
        match code.depth_at.get(resume as usize) {
            Some(&want) if want as u64 == depth => Ok(resume),
            want => {
                let msg = format!(
                    "exit of executor {eid} resumes {} at bytecode {resume} with stack depth {depth}, tier 1 has {want:?} there",
                    code.name
                );
                self.finding(FindingKind::DeoptState, msg.clone());
                Err(Raise::Internal(msg))
            }
        }
    }

    /// Calls any value with `args` from tier 2: Python functions run in a
    /// nested tier-1 dispatch (which may enter traces of their own).
    pub(crate) fn call_value(
        &mut self,
        callable: Value,
        args: &[Value],
        caller: u64,
    ) -> Result<Value, Raise> {
        self.charge_fuel()?;
        if callable.is_ptr() && object::kind_of(callable) == Kind::Function {
            // SAFETY: a live Function.
            let cid = unsafe { object::read(callable.0, FUNCTION_CODE) } as usize;
            self.check_arity(cid, args.len())?;
            if self.depth + 1 > MAX_DEPTH {
                return Err(Raise::Poison(Poison::Recursion));
            }
            let frame = self.push_frame(cid, caller, args)?;
            self.depth += 1;
            self.safe_point_at(frame);
            let v = self.run_frame(frame);
            self.depth -= 1;
            return v;
        }
        self.call_builtin(callable, args)
    }
}
