//! The tier-1 dispatch loop. Frames and value stacks live in the arena; the
//! loop keeps the current frame's `ip` and stack pointer in locals and writes
//! them back at calls and safe points (back edges), where the collector may
//! run.

use crate::lang::Poison;
use crate::lang::ast::UnaryOp;
use crate::lang::bytecode::{Code, Op, arg_binop, arg_cmp, arg_inplace};
use crate::runtime::frame::*;
use crate::runtime::object::{self, FUNCTION_CODE, Kind};
use crate::runtime::{
    Raise, Value, dict, equal, float, int, math, methods, pydict, pydict_ops, seq, seq_ops, strs,
    truthy, type_name,
};

use super::Run;
use super::specialize::{MISS_LIMIT, Outcome as Spec};

/// The executing frame's registers.
pub(super) struct Regs {
    pub(super) frame: u64,
    pub(super) code: *mut Code,
    pub(super) cid: usize,
    pub(super) ip: usize,
    pub(super) sp: *mut u64,
    pub(super) locals: *mut u64,
}

impl Run<'_> {
    /// Runs the module body to completion.
    pub(super) fn execute(&mut self) -> Result<(), Raise> {
        let frame = self.push_frame(0, 0, &[], Value::NULL)?;
        self.run_frame(frame).map(|_| ())
    }

    /// Runs `entry` (already pushed) until it returns; its return value.
    pub(crate) fn run_frame(&mut self, entry: u64) -> Result<Value, Raise> {
        let mut r = self.regs(entry)?;
        self.dispatch(&mut r, entry)
    }

    /// Loads a frame's registers, refusing frames a VM bug has corrupted.
    pub(super) fn regs(&mut self, frame: u64) -> Result<Regs, Raise> {
        let (lo, hi) = self.arena.frame_region();
        let cid = if frame >= lo && frame < hi && frame.is_multiple_of(8) {
            fget(frame, FRAME_CODE) as usize
        } else {
            usize::MAX
        };
        if cid >= self.program.codes.len() {
            return Err(Raise::Internal(format!("corrupt frame at {frame:#x}")));
        }
        Ok(Regs {
            frame,
            code: &mut self.program.codes[cid] as *mut Code,
            cid,
            ip: fget(frame, FRAME_IP) as usize,
            sp: fget(frame, FRAME_SP) as *mut u64,
            locals: (frame + FRAME_LOCALS) as *mut u64,
        })
    }

    /// Adds the fuel the last instruction's bulk work cost (see
    /// `seq::charge`): every tier folds it in right after the operation, so
    /// the fuel every oracle reads at an exit or checkpoint is the same.
    #[inline(always)]
    pub(crate) fn fold_bulk_fuel(&mut self) {
        if self.arena.bulk_fuel != 0 {
            self.fuel += std::mem::take(&mut self.arena.bulk_fuel);
        }
    }

    /// Charges one unit of fuel (back edges and calls).
    #[inline(always)]
    pub(crate) fn charge_fuel(&mut self) -> Result<(), Raise> {
        self.fold_bulk_fuel();
        self.fuel += 1;
        self.uops_at_tick = self.tier2_stats.uops_executed;
        if self.fuel > self.config.limits.fuel {
            return Err(Raise::Poison(Poison::Fuel));
        }
        Ok(())
    }

    /// A safe point: every frame's stack pointer is in memory, so the
    /// collector can run.
    pub(super) fn safe_point(&mut self, r: &Regs) {
        fset(r.frame, FRAME_SP, r.sp as u64);
        self.safe_point_at(r.frame);
    }

    /// A safe point with every frame's stack pointer already written back;
    /// `top` is the innermost frame.
    pub(crate) fn safe_point_at(&mut self, top: u64) {
        debug_assert_eq!(self.arena.roots.top_frame, top, "frame roots out of date");
        if self.arena.wants_gc() {
            self.arena.collect();
        }
    }

    pub(super) fn next_version(&mut self) -> u64 {
        self.next_keys_version += 1;
        self.next_keys_version
    }

    /// Runs frames from `r` until `entry` returns; an exception goes to
    /// its handler (see `unwind.rs`), or on to the caller.
    fn dispatch(&mut self, r: &mut Regs, entry: u64) -> Result<Value, Raise> {
        loop {
            match self.dispatch_loop(r, entry) {
                Ok(v) => return Ok(v),
                Err(e) => self.unwind(r, entry, e)?,
            }
        }
    }

    fn dispatch_loop(&mut self, r: &mut Regs, entry: u64) -> Result<Value, Raise> {
        macro_rules! push {
            ($v:expr) => {{
                let v: Value = $v;
                // SAFETY: the compiler sized the stack for this code.
                unsafe {
                    *r.sp = v.0;
                    r.sp = r.sp.add(1);
                }
            }};
        }
        macro_rules! pop {
            () => {{
                // SAFETY: the compiler guarantees the stack holds the operand.
                unsafe {
                    r.sp = r.sp.sub(1);
                    Value(*r.sp)
                }
            }};
        }
        macro_rules! peek {
            ($n:expr) => {{
                // SAFETY: as `pop`.
                unsafe { Value(*r.sp.sub($n)) }
            }};
        }
        // Before anything that may allocate: the stack pointer is written
        // back with the operands still on the stack, so a collection at the
        // allocation (GC stress) sees every live value.
        macro_rules! sync {
            () => {
                fset(r.frame, FRAME_SP, r.sp as u64)
            };
        }
        loop {
            // SAFETY: `r.code` points into `self.program.codes`, which is not
            // resized while running.
            let code = unsafe { &mut *r.code };
            let ins = code.instrs[r.ip];
            let at = r.ip;
            r.ip += 1;
            self.stats.instructions += 1;
            self.fold_bulk_fuel();
            if self.fuel >= self.check_fuel {
                self.visit_checkpoints(r.frame, r.cid, at, r.sp as u64);
            }
            // The compiler's static stack depth is what every tier-2 exit is
            // checked against, so check the compiler itself in debug builds.
            debug_assert_eq!(
                (r.sp as u64 - (r.locals as u64 + 8 * code.local_names.len() as u64)) / 8,
                code.depth_at[at] as u64,
                "stack depth before {} at {at} in {}",
                ins.op.name(),
                code.name
            );
            match ins.op {
                Op::Nop => {}
                Op::LoadConst => push!(self.consts[r.cid][ins.arg as usize]),
                Op::LoadFast => push!(unsafe { Value(*r.locals.add(ins.arg as usize)) }),
                Op::LoadFastCheck => {
                    // SAFETY: `arg < nlocals`.
                    let v = unsafe { Value(*r.locals.add(ins.arg as usize)) };
                    if v.is_null() {
                        return Err(self.unbound_local(r.cid, ins.arg));
                    }
                    push!(v)
                }
                Op::StoreFast => {
                    let v = pop!();
                    // SAFETY: `arg < nlocals`.
                    unsafe { *r.locals.add(ins.arg as usize) = v.0 }
                }
                // SAFETY: `arg < nlocals`.
                Op::DeleteFast => unsafe { *r.locals.add(ins.arg as usize) = Value::NULL.0 },
                Op::PushNull => push!(Value::NULL),
                Op::LoadAssertionError => push!(crate::runtime::exceptions::ASSERTION_ERROR),
                Op::RaiseVarargs if ins.arg == 2 => {
                    let cause = pop!();
                    let exc = pop!();
                    sync!();
                    return Err(self.raise_from(exc, cause));
                }
                Op::RaiseVarargs => {
                    let exc = (ins.arg == 1).then(|| pop!());
                    sync!();
                    return Err(self.raise_value(exc));
                }
                Op::PushExcInfo
                | Op::PopExcept
                | Op::CheckExcMatch
                | Op::Reraise
                | Op::DeleteGlobal => {
                    sync!();
                    self.exc_instr(r, ins)?
                }
                Op::LoadGlobal => {
                    let v = self.load_global_generic(code, at, ins.arg)?;
                    push!(v)
                }
                Op::LoadGlobalModule => {
                    let c = code.caches[at];
                    if dict::keys_version(self.globals) == c.version {
                        push!(dict::entry(self.globals, c.index).1)
                    } else {
                        self.miss(code, at);
                        let v = self.load_global_generic(code, at, ins.arg)?;
                        push!(v)
                    }
                }
                Op::LoadGlobalBuiltin => {
                    let c = code.caches[at];
                    if dict::keys_version(self.globals) == c.version {
                        push!(dict::entry(self.builtins, c.index).1)
                    } else {
                        self.miss(code, at);
                        let v = self.load_global_generic(code, at, ins.arg)?;
                        push!(v)
                    }
                }
                Op::StoreGlobal => {
                    let v = pop!();
                    self.store_global(ins.arg, v);
                }
                Op::PopTop => {
                    pop!();
                }
                Op::Copy => push!(peek!(ins.arg as usize)),
                Op::Swap => {
                    let n = ins.arg as usize;
                    // SAFETY: the stack holds at least `n` items.
                    unsafe { std::ptr::swap(r.sp.sub(1), r.sp.sub(n)) }
                }
                Op::BinaryOp => {
                    let (a, b) = (peek!(2), peek!(1));
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::binary_op(arg_binop(ins.arg), a, b)
                    });
                    sync!();
                    let v = self.binop_any(arg_binop(ins.arg), arg_inplace(ins.arg), a, b)?;
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::BinaryOpAddInt
                | Op::BinaryOpSubtractInt
                | Op::BinaryOpMultiplyInt
                | Op::BinaryOpFloorDivideInt
                | Op::BinaryOpModuloInt => {
                    let (a, b) = (peek!(2), peek!(1));
                    let op = arg_binop(ins.arg);
                    let guard = a.is_small_int() && b.is_small_int();
                    let planted = || {
                        (ins.op == Op::BinaryOpAddInt)
                            .then(|| {
                                crate::planted::wrapped_add(
                                    self.config.inject,
                                    a.small_value(),
                                    b.small_value(),
                                )
                            })
                            .flatten()
                    };
                    let v = match guard
                        .then(|| int::small_binop(op, a.small_value(), b.small_value()))
                    {
                        Some(Some(x)) => Value::small(x),
                        Some(None) if planted().is_some() => planted().expect("checked"),
                        // Still ints, but the result needs boxing or the
                        // division raises: the general path handles both.
                        Some(None) => {
                            sync!();
                            self.binop_any(op, arg_inplace(ins.arg), a, b)?
                        }
                        None => {
                            self.miss(code, at);
                            sync!();
                            self.binop_any(op, arg_inplace(ins.arg), a, b)?
                        }
                    };
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::BinaryOpAddFloat | Op::BinaryOpSubtractFloat | Op::BinaryOpMultiplyFloat => {
                    let (a, b) = (peek!(2), peek!(1));
                    // Boxing the result allocates: the operands stay on the
                    // (synced) stack until it is done.
                    sync!();
                    let v = if float::is_float(a) && float::is_float(b) {
                        let (x, y) = (float::value(a), float::value(b));
                        let r = match ins.op {
                            Op::BinaryOpAddFloat => x + y,
                            Op::BinaryOpSubtractFloat => x - y,
                            _ => x * y,
                        };
                        float::new(self.arena, r)?
                    } else {
                        self.miss(code, at);
                        let op = arg_binop(ins.arg);
                        self.binop_any(op, arg_inplace(ins.arg), a, b)?
                    };
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::UnaryNegative | Op::UnaryPositive | Op::UnaryInvert => {
                    let a = peek!(1);
                    sync!();
                    let op = match ins.op {
                        Op::UnaryNegative => UnaryOp::Neg,
                        Op::UnaryInvert => UnaryOp::Invert,
                        _ => UnaryOp::Pos,
                    };
                    let v = self.unary_any(op, a)?;
                    pop!();
                    push!(v)
                }
                Op::UnaryNot => {
                    let a = pop!();
                    debug_assert!(a.is_bool());
                    push!(Value::bool(a == Value::FALSE))
                }
                Op::ToBool => {
                    let a = peek!(1);
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::to_bool(a)
                    });
                    // A `__bool__` runs with the operand still rooted.
                    sync!();
                    let t = self.truthy_any(a)?;
                    pop!();
                    push!(Value::bool(t))
                }
                Op::ToBoolBool
                | Op::ToBoolInt
                | Op::ToBoolNone
                | Op::ToBoolList
                | Op::ToBoolStr => {
                    let a = pop!();
                    let hit = match ins.op {
                        Op::ToBoolBool => a.is_bool(),
                        Op::ToBoolInt => a.is_small_int(),
                        Op::ToBoolList => seq::is_list(a),
                        Op::ToBoolStr => strs::is_str(a),
                        _ => a == Value::NONE,
                    };
                    if !hit {
                        self.miss(code, at);
                        push!(a);
                        sync!();
                        let t = self.truthy_any(a)?;
                        pop!();
                        push!(Value::bool(t));
                        continue;
                    }
                    push!(Value::bool(truthy(a)))
                }
                Op::CompareOp => {
                    let (a, b) = (peek!(2), peek!(1));
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::compare_op(a, b)
                    });
                    // A user comparison runs with the operands rooted.
                    sync!();
                    let v = self.compare_any(arg_cmp(ins.arg), a, b)?;
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::CompareOpInt => {
                    let (b, a) = (pop!(), pop!());
                    if a.is_small_int() && b.is_small_int() {
                        push!(Value::bool(cmp_holds(
                            arg_cmp(ins.arg),
                            a.small_value().cmp(&b.small_value())
                        )))
                    } else {
                        self.miss(code, at);
                        push!(a);
                        push!(b);
                        sync!();
                        let v = self.compare_any(arg_cmp(ins.arg), a, b)?;
                        pop!();
                        pop!();
                        push!(v)
                    }
                }
                Op::CompareOpFloat | Op::CompareOpStr => {
                    let (b, a) = (pop!(), pop!());
                    let hit = if ins.op == Op::CompareOpFloat {
                        float::is_float(a) && float::is_float(b)
                    } else {
                        strs::is_str(a) && strs::is_str(b)
                    };
                    push!(a);
                    push!(b);
                    if !hit {
                        self.miss(code, at);
                        sync!();
                    }
                    let v = self.compare_any(arg_cmp(ins.arg), a, b)?;
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::BinaryOpAddUnicode => {
                    let (a, b) = (peek!(2), peek!(1));
                    if !(strs::is_str(a) && strs::is_str(b)) {
                        self.miss(code, at);
                    }
                    sync!();
                    let v = self.binop_any(arg_binop(ins.arg), arg_inplace(ins.arg), a, b)?;
                    pop!();
                    pop!();
                    push!(v)
                }
                Op::PopJumpIfFalse | Op::PopJumpIfTrue => {
                    let v = pop!();
                    let taken = v == Value::bool(ins.op == Op::PopJumpIfTrue);
                    // Branch history for trace projection: a 16-bit shift
                    // register of taken bits, as in CPython 3.13.
                    let c = &mut code.caches[at];
                    c.counter = (c.counter << 1) | taken as u16;
                    if taken {
                        r.ip = ins.arg as usize;
                    }
                }
                Op::JumpForward | Op::JumpBackwardNoInterrupt => r.ip = ins.arg as usize,
                Op::YieldValue => return self.yield_value(r, entry),
                Op::JumpBackward => {
                    self.charge_fuel()?;
                    self.safe_point(r);
                    r.ip = ins.arg as usize;
                    if self.config.tier2.is_some()
                        && let Some(eid) = self.hot_loop(r.cid, at, ins.arg)
                    {
                        let resume = match self.run_executor(eid, r.frame) {
                            Ok(ip) => ip,
                            Err(e) => {
                                // The trace wrote back the failing
                                // instruction (`_SET_IP`) and the stack.
                                r.ip = fget(r.frame, FRAME_IP) as usize + 1;
                                r.sp = fget(r.frame, FRAME_SP) as *mut u64;
                                return Err(e);
                            }
                        };
                        r.sp = fget(r.frame, FRAME_SP) as *mut u64;
                        r.ip = resume as usize;
                    }
                }
                Op::GetIter => {
                    let v = peek!(1);
                    sync!();
                    let it = self.get_iter(v)?;
                    pop!();
                    push!(it)
                }
                Op::ForIter => {
                    let it = peek!(1);
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::for_iter(it)
                    });
                    if super::generators::needs_vm(it) {
                        code.caches[at].index = crate::lang::bytecode::FOR_ITER_GEN_SEEN;
                    }
                    sync!();
                    match self.iter_next(it)? {
                        Some(v) => push!(v),
                        None => {
                            pop!();
                            r.ip = ins.arg as usize;
                        }
                    }
                }
                Op::ForIterRange => {
                    let it = peek!(1);
                    if !(it.is_ptr() && object::kind_of(it) == Kind::RangeIter) {
                        self.miss(code, at);
                    }
                    sync!();
                    match self.iter_next(it)? {
                        Some(v) => push!(v),
                        None => {
                            pop!();
                            r.ip = ins.arg as usize;
                        }
                    }
                }
                Op::Call
                | Op::CallPyExactArgs
                | Op::CallBuiltin
                | Op::CallLen
                | Op::CallIsinstance => {
                    let n = ins.arg as usize;
                    let callable = peek!(n + 1);
                    match ins.op {
                        Op::Call => {
                            let program = &self.program;
                            adapt(self.config.specialize, &mut self.stats, code, at, || {
                                Spec::call(program, callable, n)
                            });
                        }
                        Op::CallPyExactArgs => {
                            let hit = callable.is_ptr()
                                && object::kind_of(callable) == Kind::Function
                                && unsafe { object::read(callable.0, FUNCTION_CODE) }
                                    == code.caches[at].index;
                            if !hit {
                                self.miss(code, at);
                            }
                        }
                        _ => {
                            if callable.0 != code.caches[at].index {
                                self.miss(code, at);
                            }
                        }
                    }
                    if !crate::planted::call_skips_fuel(self.config.inject, ins.op) {
                        self.charge_fuel()?;
                    }
                    // SAFETY: the stack holds the callable and `n` arguments.
                    let args: Vec<Value> =
                        (0..n).map(|i| unsafe { Value(*r.sp.sub(n - i)) }).collect();
                    if !(callable.is_ptr() && object::kind_of(callable) == Kind::Function) {
                        // A builtin may allocate: its arguments stay rooted.
                        sync!();
                        let v = self.call_builtin(callable, &args)?;
                        r.sp = unsafe { r.sp.sub(n + 1) };
                        push!(v);
                        continue;
                    }
                    let cid = unsafe { object::read(callable.0, FUNCTION_CODE) } as usize;
                    // Binding `*args`/`**kwargs` allocates: the caller's
                    // stack, the call's inputs included, stays rooted.
                    sync!();
                    let args = self.bind_args(callable, cid, &args)?;
                    r.sp = unsafe { r.sp.sub(n + 1) };
                    self.enter_function(r, callable, cid, &args)?;
                }
                Op::CallKw => self.call_kw_instr(r, code, at, ins)?,
                Op::MakeCell
                | Op::LoadClosure
                | Op::LoadDeref
                | Op::StoreDeref
                | Op::SetFunctionClosure => {
                    sync!();
                    self.cell_instr(r, ins)?
                }
                Op::MakeFunction => {
                    sync!();
                    push!(self.make_function(ins.arg)?)
                }
                Op::SetFunctionDefaults => {
                    let f = pop!();
                    let defaults = pop!();
                    object::set_function_defaults(f, defaults);
                    push!(f)
                }
                Op::ReturnValue => {
                    let v = pop!();
                    self.arena.roots.top_frame = fget(r.frame, FRAME_PREV);
                    // Back to this frame's slot start.
                    let lo = self.arena.frame_region().0;
                    self.frame_top = lo + (r.frame - lo) / FRAME_SLOT * FRAME_SLOT;
                    if r.frame == entry {
                        return Ok(v);
                    }
                    let prev = fget(r.frame, FRAME_PREV);
                    self.depth -= 1;
                    *r = self.regs(prev)?;
                    push!(v)
                }
                Op::PoisonIntTooLarge => return Err(Raise::Poison(Poison::IntTooLarge)),
                Op::LoadAttr
                | Op::LoadMethod
                | Op::StoreAttr
                | Op::LoadAttrInstanceValue
                | Op::LoadAttrMethodWithValues
                | Op::LoadAttrClass
                | Op::LoadMethodClass
                | Op::StoreAttrInstanceValue => self.attr_instr(r, code, at, ins)?,
                Op::BinarySubscr
                | Op::BinarySubscrListInt
                | Op::BinarySubscrTupleInt
                | Op::BinarySubscrStrInt
                | Op::StoreSubscr
                | Op::StoreSubscrListInt
                | Op::UnpackSequence
                | Op::UnpackSequenceTwoTuple
                | Op::UnpackSequenceTuple
                | Op::UnpackSequenceList
                | Op::BuildTuple
                | Op::BuildList
                | Op::BinarySlice
                | Op::StoreSlice
                | Op::DeleteSubscr
                | Op::DeleteSlice
                | Op::UnpackEx
                | Op::DeleteAttr
                | Op::ContainsOp
                | Op::ForIterList
                | Op::ForIterTuple
                | Op::BuildMap
                | Op::IsOp
                | Op::BinarySubscrDict
                | Op::StoreSubscrDict
                | Op::ContainsOpDict
                | Op::ListAppend
                | Op::BuildClass
                | Op::LoadSuperAttr
                | Op::LoadSuperMethod
                | Op::BuildSet
                | Op::SetAdd
                | Op::SetUpdate
                | Op::MapAdd
                | Op::ListExtend
                | Op::ListToTuple
                | Op::DictMerge
                | Op::CallFunctionEx => self.seq_instr(r, code, at, ins)?,
            }
        }
    }

    fn load_global_generic(
        &mut self,
        code: &mut Code,
        at: usize,
        name: u32,
    ) -> Result<Value, Raise> {
        let (globals, builtins) = (self.globals, self.builtins);
        adapt(self.config.specialize, &mut self.stats, code, at, || {
            Spec::load_global(globals, builtins, name)
        });
        self.load_global_slow(name)
    }

    /// `LOAD_GLOBAL`'s semantics: globals, then builtins, else NameError.
    pub(crate) fn load_global_slow(&self, name: u32) -> Result<Value, Raise> {
        if let Some(v) = dict::get(self.globals, name as u64) {
            return Ok(v);
        }
        if let Some(v) = dict::get(self.builtins, name as u64) {
            return Ok(v);
        }
        Err(Raise::exc(
            "NameError",
            format!(
                "name '{}' is not defined",
                self.program.names[name as usize]
            ),
        ))
    }

    /// `STORE_GLOBAL`: store, then fire the globals watcher.
    pub(crate) fn store_global(&mut self, name: u32, v: Value) {
        let version = self.next_version();
        dict::set(self.globals, name as u64, v, version);
        if self.globals_watched {
            self.globals_modified();
        }
    }

    pub(crate) fn unbound_local(&self, cid: usize, index: u32) -> Raise {
        let name = &self.program.codes[cid].local_names[index as usize];
        Raise::exc(
            "UnboundLocalError",
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    /// The next item of any iterator the language has, or None when it is
    /// exhausted.
    pub(crate) fn iter_next(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        if super::generators::needs_vm(it) {
            return self.gen_iter_next(it);
        }
        crate::runtime::iters::next(self.arena, it)
    }

    /// The generic semantics of the sequence instructions on their stack
    /// inputs (bottom first, rooted by the caller's synced stack); returns
    /// the outputs, bottom first. Tier 1, the tier-2 interpreter and the
    /// JIT's helper all run these instructions through here.
    ///
    /// An error raised after Python code ran in the instruction (a
    /// generator stepped by `a, b = g()`, `[*g]` or `x in g`, a dunder)
    /// takes the instruction's point before it ran, checked for
    /// reachability only, as a call's does (`note_call_error`): a trace's
    /// error transition then names a point tier 1 reaches.
    pub(crate) fn stack_op(
        &mut self,
        op: Op,
        arg: u32,
        ins: &[Value],
    ) -> Result<Vec<Value>, Raise> {
        let fuel_before = self.fuel;
        let r = self.stack_op_unmarked(op, arg, ins);
        if r.is_err() && self.fuel > fuel_before {
            self.error_fuel = Some(fuel_before);
            self.error_in_callee = true;
        }
        r
    }

    fn stack_op_unmarked(&mut self, op: Op, arg: u32, ins: &[Value]) -> Result<Vec<Value>, Raise> {
        // A collection already found the heap corrupt (GC stress): stop
        // with that finding before these objects are read.
        if !self.arena.heap_errors.is_empty() {
            self.heap_check("before a helper")?;
        }
        if let Some(r) = self.dunder_stack_op(op, arg, ins) {
            return r;
        }
        if let Some(r) = self.user_key_stack_op(op, arg, ins) {
            return r;
        }
        if let Some(r) = self.class_stack_op(op, arg, ins) {
            return r;
        }
        if let Some(r) = self.gen_stack_op(op, arg, ins) {
            return r;
        }
        if let Some(r) = self.call_ex_stack_op(op, arg, ins) {
            return r;
        }
        if op == Op::UnpackEx {
            let (before, after) = crate::lang::bytecode::unpack_ex_counts(arg);
            return self.unpack_ex(ins[0], before as usize, after as usize);
        }
        let arena = &mut *self.arena;
        Ok(match op {
            Op::BuildTuple | Op::BuildList => {
                vec![seq_ops::build(arena, op == Op::BuildList, ins)?]
            }
            Op::BinarySubscr => vec![seq_ops::subscript(arena, ins[0], ins[1])?],
            Op::StoreSubscr => {
                seq_ops::store_subscript(arena, ins[1], ins[2], ins[0])?;
                vec![]
            }
            Op::BuildMap => vec![pydict_ops::build(arena, ins)?],
            Op::ListAppend => {
                let (v, below) = ins.split_last().expect("LIST_APPEND pops at least two");
                seq::append(arena, below[0], *v)?;
                below.to_vec()
            }
            Op::BuildSet | Op::SetAdd | Op::SetUpdate | Op::MapAdd => {
                crate::runtime::pyset_ops::stack_op(arena, op, arg, ins)?
            }
            Op::IsOp => vec![Value::bool(
                crate::runtime::is_same(ins[0], ins[1])? != (arg == 1),
            )],
            // The specialized dict forms, for tier 2 and the JIT's helper
            // (their guards have already checked the container).
            Op::BinarySubscrDict => vec![pydict_ops::subscript(ins[0], ins[1])?],
            Op::StoreSubscrDict => {
                let grow = !crate::planted::dict_store_ignores_resize(self.config.inject);
                pydict::set_checked(arena, ins[1], ins[2], ins[0], grow)?;
                vec![]
            }
            Op::ContainsOpDict => {
                vec![Value::bool(pydict::contains(ins[1], ins[0])? != (arg == 1))]
            }
            Op::BinarySlice => vec![seq_ops::slice(arena, ins[0], ins[1], ins[2], ins[3])?],
            Op::StoreSlice => {
                seq_ops::store_slice(arena, ins[1], ins[2], ins[3], ins[4], ins[0])?;
                vec![]
            }
            Op::DeleteSubscr => {
                crate::runtime::delete::delete_subscript(arena, ins[0], ins[1])?;
                vec![]
            }
            Op::DeleteSlice => {
                crate::runtime::delete::delete_slice(arena, ins[0], ins[1], ins[2], ins[3])?;
                vec![]
            }
            Op::ContainsOp => vec![self.contains_items(ins[0], ins[1], arg == 1)?],
            // Item 0 ends on top, so the stores that follow run left to right.
            Op::UnpackSequence => {
                let mut items =
                    seq::rooted(arena, |arena| seq_ops::unpack(arena, ins[0], arg as usize))?;
                items.reverse();
                items
            }
            // CPython's LOAD_METHOD of a module attribute: no receiver
            // (NULL) below the arguments.
            Op::LoadMethod if ins[0] == Value::MODULE_MATH => {
                let name = &self.program.names[arg as usize];
                vec![math::attr(arena, name)?, Value::NULL]
            }
            Op::LoadAttr if ins[0] == Value::MODULE_MATH => {
                let name = &self.program.names[arg as usize];
                vec![math::attr(arena, name)?]
            }
            Op::LoadMethod if ins[0] == Value::MODULE_RANDOM => {
                let name = &self.program.names[arg as usize];
                vec![crate::runtime::random::attr(name)?, Value::NULL]
            }
            Op::LoadAttr if ins[0] == Value::MODULE_RANDOM => {
                let name = &self.program.names[arg as usize];
                vec![crate::runtime::random::attr(name)?]
            }
            Op::LoadMethod if ins[0] == Value::MODULE_ARRAY => {
                let name = &self.program.names[arg as usize];
                vec![crate::runtime::array::attr(name)?, Value::NULL]
            }
            Op::LoadAttr if ins[0] == Value::MODULE_ARRAY => {
                let name = &self.program.names[arg as usize];
                vec![crate::runtime::array::attr(name)?]
            }
            Op::LoadMethod => {
                let name = &self.program.names[arg as usize];
                // `str.lower(s)`: the descriptor, called as it is.
                match methods::descriptor(ins[0], name) {
                    Some(d) => vec![Value::METHOD_CALL_RECEIVER, d],
                    None => vec![methods::lookup(ins[0], name)?, ins[0]],
                }
            }
            Op::LoadAttr => {
                let name = &self.program.names[arg as usize];
                vec![methods::bind(arena, ins[0], name)?]
            }
            Op::CallKw => vec![self.call_kw(ins[0], &ins[1..], arg)?],
            other => return Err(Raise::Internal(format!("{other:?} is no stack op"))),
        })
    }

    pub(crate) fn get_iter(&mut self, v: Value) -> Result<Value, Raise> {
        self.get_iter_any(v)
    }

    /// A specialized instruction's guard failed: count it, and return to the
    /// generic form after `MISS_LIMIT` misses.
    pub(super) fn miss(&mut self, code: &mut Code, at: usize) {
        self.stats.misses += 1;
        let c = &mut code.caches[at];
        c.counter = c.counter.saturating_sub(1);
        if c.counter == 0 {
            code.instrs[at].op = code.instrs[at].op.generic();
            c.backoff = (c.backoff.max(1) * 2).min(1024);
            c.counter = c.backoff;
            self.stats.despecializations += 1;
        }
    }
}

/// Item `i` of a list or tuple for a small int `i` in `0..len` (the
/// specialized subscripts' fast path; anything else takes the generic one).
pub(super) fn small_item(c: Value, i: Value) -> Option<Value> {
    if !i.is_small_int() {
        return None;
    }
    let i = i.small_value();
    (i >= 0 && (i as usize) < seq::len(c)).then(|| seq::get(c, i as usize))
}

/// Generic-instruction adaptation: count down the warm-up counter and, when
/// it reaches zero, ask `decide` for a specialization (op, version, index).
#[inline(always)]
pub(super) fn adapt(
    enabled: bool,
    stats: &mut super::VmStats,
    code: &mut Code,
    at: usize,
    decide: impl FnOnce() -> Option<(Op, u64, u64)>,
) {
    if !enabled {
        return;
    }
    let c = &mut code.caches[at];
    if c.counter > 0 {
        c.counter -= 1;
        return;
    }
    match decide() {
        Some((op, version, index)) => {
            code.instrs[at].op = op;
            c.counter = MISS_LIMIT;
            c.version = version;
            c.index = index;
            stats.specializations += 1;
            stats.specialized |= 1 << (op as u8);
        }
        None => {
            // Exponential backoff before trying again.
            c.backoff = (c.backoff.max(1) * 2).min(1024);
            c.counter = c.backoff;
        }
    }
}

pub(crate) fn cmp_holds(op: crate::lang::CmpOp, ord: std::cmp::Ordering) -> bool {
    use crate::lang::CmpOp::*;
    use std::cmp::Ordering::*;
    match op {
        Eq => ord == Equal,
        NotEq => ord != Equal,
        Lt => ord == Less,
        LtE => ord != Greater,
        Gt => ord == Greater,
        GtE => ord != Less,
        In | NotIn | Is | IsNot => {
            unreachable!("membership and identity have their own instructions")
        }
    }
}

/// The generic comparison: numbers by value, `==`/`!=` on anything.
pub(crate) fn compare(op: crate::lang::CmpOp, a: Value, b: Value) -> Result<Value, Raise> {
    use crate::lang::CmpOp::*;
    // Every tier's own comparison of an instance goes through
    // `Run::compare_any`: only builtins (sort, min, containers) get here
    // with one, where CPython would call the user's method.
    // Arrays compare item by item in CPython: not modelled.
    if crate::runtime::class::has_dunder(a, crate::runtime::class::D_CMP)
        || crate::runtime::class::has_dunder(b, crate::runtime::class::D_CMP)
        || crate::runtime::array::is_array(a)
        || crate::runtime::array::is_array(b)
    {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    methods::check_bound_eq(a, b)?;
    if let Some(r) = crate::runtime::pyset_ops::rich_compare(op, a, b) {
        return Ok(Value::bool(r?));
    }
    if let Some(r) = crate::runtime::pydict_ops::rich_compare(op, a, b, 0) {
        return Ok(Value::bool(r?));
    }
    if (seq::is_list(a) && seq::is_list(b)) || (seq::is_tuple(a) && seq::is_tuple(b)) {
        return Ok(Value::bool(seq::rich_compare(op, a, b, 0)?));
    }
    if strs::is_str(a) && strs::is_str(b) {
        return Ok(Value::bool(cmp_holds(op, strs::text(a).cmp(strs::text(b)))));
    }
    if int::is_int(a) && int::is_int(b) {
        return Ok(Value::bool(cmp_holds(op, int::cmp(a, b))));
    }
    if crate::runtime::float::handles(a, b) {
        // Unordered (a NaN): only `!=` holds.
        return Ok(Value::bool(match crate::runtime::float::cmp(a, b) {
            Some(ord) => cmp_holds(op, ord),
            None => op == NotEq,
        }));
    }
    match op {
        Eq => Ok(Value::bool(equal(a, b))),
        NotEq => Ok(Value::bool(!equal(a, b))),
        _ => Err(Raise::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            type_name(a),
            type_name(b)
        ))),
    }
}
