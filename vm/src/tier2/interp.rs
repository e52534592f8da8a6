//! The tier-2 interpreter: runs an executor's optimized uops directly on the
//! arena frame (locals and value stack in memory, exactly where tier 1 keeps
//! them), so leaving the trace is just "write back the stack pointer and
//! resume tier 1 at the exit's bytecode index". It is the JIT's closest
//! reference: the machine code of every backend must take exactly the exits
//! this interpreter takes (the exit-sequence oracle checks it).

use std::rc::Rc;

use crate::lang::ast::CmpOp;
use crate::lang::bytecode::{arg_binop, arg_cmp, arg_inplace};
use crate::runtime::frame::*;
use crate::runtime::object::{
    self, FUNCTION_CODE, ITER_NEXT, ITER_REMAINING, ITER_STEP, Kind, SEQ_ITER_INDEX, SEQ_ITER_SEQ,
};
use crate::runtime::{Raise, Value, class, dict, float, int, seq, strs};
use crate::tier1::{FindingKind, Run, cmp_holds};

use super::trace::stack_op_of_operand;
use super::uops::{Uop, UopInst};

/// What to do after an exit.
pub(crate) enum Next {
    /// Enter another executor (a side trace or a loop's trace).
    Enter(usize),
    /// Resume tier 1 here.
    Resume(u32),
}

/// Uops the interpreter may run without a fuel tick before the trace counts
/// as hung. A correct trace ticks at every back edge and every call, and
/// between two ticks runs at most one acyclic path through a code object's
/// uops (hundreds), so this is never reached by a correct trace.
pub const UOP_BUDGET: u64 = 1_000_000;

impl Run<'_> {
    /// Runs executor `eid` on `frame` until it leaves; returns the bytecode
    /// index tier 1 resumes at (the frame's stack pointer is written back).
    pub(crate) fn run_executor(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        if self.jit_usable(first) {
            return self.run_executor_jit(first, frame);
        }
        if self.jit.is_some() {
            self.jit_stats.interpreted += 1;
        }
        self.interpret_executor(first, frame)
    }

    /// The tier-2 interpreter proper; an exception raised inside a trace is
    /// recorded as an error transition on its way out.
    pub(crate) fn interpret_executor(&mut self, first: usize, frame: u64) -> Result<u32, Raise> {
        let mut current = first;
        let r = self.interpret_loop(&mut current, frame);
        if let Err(Raise::Exc { .. } | Raise::Thrown(_)) = &r {
            crate::planted::at_error_exit(self.config.inject, frame);
            self.record_error(current, frame);
        }
        r
    }

    /// One arm per uop, with no catch-all: a new uop does not compile until
    /// it has its case here (long by design, like CPython's generated
    /// executor cases). `current` tracks the executor running, for the
    /// error transition.
    fn interpret_loop(&mut self, current: &mut usize, frame: u64) -> Result<u32, Raise> {
        let locals = (frame + FRAME_LOCALS) as *mut u64;
        let mut sp: *mut u64;
        let mut eid = *current;
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
            *current = eid;
            self.check_entry_depth(eid, frame)?;
            sp = fget(frame, FRAME_SP) as *mut u64;
            self.executors[eid].entries += 1;
            self.tier2_stats.entries += 1;
            let uops: Rc<[UopInst]> = self.executors[eid].uops.clone();
            let mut pc = 0;
            loop {
                let inst = uops[pc];
                // Bulk work the previous uop did counts from now on, as in
                // tier 1 and in machine code (exits record the fuel).
                self.fold_bulk_fuel();
                if self.observe.uop_log {
                    // The reference for `+checkregs`: the stack before each
                    // uop, as the machine code's `_CHECK_REGS` logs it.
                    let sp_now = sp as u64;
                    self.log_stack(eid, pc as u32, 0, frame, sp_now, &[]);
                }
                pc += 1;
                self.tier2_stats.uops_executed += 1;
                self.coverage.uops[inst.uop.index()] += 1;
                if self.tier2_stats.uops_executed - self.uops_at_tick > UOP_BUDGET {
                    return Err(self.hang(format!(
                        "executor {eid} ran {UOP_BUDGET} uops without a fuel tick (at uop #{} {})",
                        pc - 1,
                        inst.uop.name()
                    )));
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
                if inst.uop.info().escapes {
                    fset(frame, FRAME_SP, sp as u64);
                }
                match inst.uop {
                    Uop::Nop => {}
                    Uop::CheckValidity => {
                        if !self.executors[eid].valid {
                            exit!()
                        }
                    }
                    Uop::SetIp => fset(frame, FRAME_IP, inst.target as u64),
                    Uop::LoadFast | Uop::PlantedLoadFastA64 => {
                        push!(unsafe { Value(*locals.add(inst.oparg as usize)) })
                    }
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
                    // SAFETY: oparg < nlocals.
                    Uop::DeleteFast => unsafe { *locals.add(inst.oparg as usize) = Value::NULL.0 },
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
                    Uop::GuardTosInt | Uop::PlantedGuardTosIntA64 => {
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
                    | Uop::BinaryOpModuloInt
                    | Uop::PlantedMultiplyHang
                    | Uop::PlantedFloorDivideSegv => {
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
                    Uop::GuardTosFloat
                    | Uop::GuardNosFloat
                    | Uop::PlantedGuardTosFloatAcceptsInt => {
                        let v = peek!(if inst.uop == Uop::GuardNosFloat { 2 } else { 1 });
                        if !float::is_float(v) {
                            exit!()
                        }
                    }
                    Uop::BinaryOpAddFloat
                    | Uop::BinaryOpSubtractFloat
                    | Uop::BinaryOpMultiplyFloat => {
                        let (x, y) = (float::value(peek!(2)), float::value(peek!(1)));
                        let r = match inst.uop {
                            Uop::BinaryOpAddFloat => x + y,
                            Uop::BinaryOpSubtractFloat => x - y,
                            _ => x * y,
                        };
                        // The operands stay rooted on the stack while the
                        // result is boxed.
                        let v = float::new(self.arena, r)?;
                        pop!();
                        pop!();
                        push!(v)
                    }
                    Uop::BinaryOp => {
                        let (b, a) = (pop!(), pop!());
                        push!(self.binop_any(
                            arg_binop(inst.oparg),
                            arg_inplace(inst.oparg),
                            a,
                            b
                        )?)
                    }
                    Uop::UnaryNegative
                    | Uop::UnaryPositive
                    | Uop::UnaryInvert
                    | Uop::PlantedInvertAsNegate => {
                        let a = pop!();
                        let op = match inst.uop {
                            Uop::UnaryNegative => crate::lang::ast::UnaryOp::Neg,
                            Uop::UnaryInvert => crate::lang::ast::UnaryOp::Invert,
                            _ => crate::lang::ast::UnaryOp::Pos,
                        };
                        push!(self.unary_any(op, a)?)
                    }
                    Uop::UnaryNot => {
                        let a = pop!();
                        push!(Value::bool(a == Value::FALSE))
                    }
                    Uop::ToBool => {
                        let t = self.truthy_any(peek!(1))?;
                        pop!();
                        push!(Value::bool(t))
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
                    Uop::GuardBothUnicode | Uop::PlantedGuardUnicodeNosOnly => {
                        if !(strs::is_str(peek!(1)) && strs::is_str(peek!(2))) {
                            exit!()
                        }
                    }
                    Uop::GuardNosUnicode => {
                        if !strs::is_str(peek!(2)) {
                            exit!()
                        }
                    }
                    Uop::BinaryOpAddUnicode => {
                        let (b, a) = (peek!(1), peek!(2));
                        let v = int::binop(
                            self.arena,
                            arg_binop(inst.oparg),
                            arg_inplace(inst.oparg),
                            a,
                            b,
                        )?;
                        pop!();
                        pop!();
                        push!(v)
                    }
                    Uop::CompareOpStr => {
                        let (b, a) = (pop!(), pop!());
                        let ord = strs::text(a).cmp(strs::text(b));
                        push!(Value::bool(cmp_holds(arg_cmp(inst.oparg), ord)))
                    }
                    Uop::ToBoolStr => {
                        let a = peek!(1);
                        if !strs::is_str(a) {
                            exit!()
                        }
                        pop!();
                        push!(Value::bool(strs::len(a) != 0))
                    }
                    Uop::BinarySubscrStrInt => {
                        let (s, i) = (peek!(2), peek!(1).small_value());
                        if i < 0 || i as usize >= strs::len(s) {
                            exit!()
                        }
                        let c = strs::char_value(self.arena, strs::text(s).as_bytes()[i as usize]);
                        pop!();
                        pop!();
                        push!(c)
                    }
                    Uop::ToBoolList => {
                        let a = peek!(1);
                        if !seq::is_list(a) {
                            exit!()
                        }
                        pop!();
                        push!(Value::bool(seq::len(a) != 0))
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
                    Uop::CompareOpFloat => {
                        let (b, a) = (pop!(), pop!());
                        let op = arg_cmp(inst.oparg);
                        // Unordered (a NaN): every comparison but `!=` is false.
                        let holds = float::value(a)
                            .partial_cmp(&float::value(b))
                            .map_or(op == CmpOp::NotEq, |ord| cmp_holds(op, ord));
                        push!(Value::bool(holds))
                    }
                    Uop::CompareOp => {
                        let (b, a) = (pop!(), pop!());
                        push!(self.compare_any(arg_cmp(inst.oparg), a, b)?)
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
                    Uop::GuardTosList
                    | Uop::GuardNosList
                    | Uop::GuardTosTuple
                    | Uop::GuardNosTuple => {
                        let depth = match inst.uop {
                            Uop::GuardNosList | Uop::GuardNosTuple => 2,
                            _ => 1,
                        };
                        let v = peek!(depth);
                        let ok = match inst.uop {
                            Uop::GuardTosList | Uop::GuardNosList => seq::is_list(v),
                            _ => seq::is_tuple(v),
                        };
                        if !ok {
                            exit!()
                        }
                    }
                    Uop::GuardTypeVersion => {
                        let o = peek!(1);
                        if !(class::is_instance(o)
                            && class::version(class::type_of(o)) == inst.operand)
                        {
                            exit!()
                        }
                    }
                    // Only the JIT's copy of a trace holds it (planted.rs).
                    Uop::PlantedUnpackTwoTupleAtLeast => {
                        let s = peek!(1);
                        if seq::len(s) < 2 {
                            exit!()
                        }
                        pop!();
                        push!(seq::get(s, 1));
                        push!(seq::get(s, 0))
                    }
                    // Only the JIT's copy of a trace holds it (planted.rs).
                    Uop::PlantedGuardTypeVersionKindOnly => {
                        if !class::is_instance(peek!(1)) {
                            exit!()
                        }
                    }
                    Uop::CheckAttrClass => {
                        let c = peek!(1);
                        if !(class::is_type(c) && class::version(c) == inst.operand) {
                            exit!()
                        }
                    }
                    Uop::LoadAttrInstanceValue => {
                        let v = class::value_at(peek!(1), inst.oparg as usize);
                        if v.is_null() {
                            exit!()
                        }
                        pop!();
                        push!(v)
                    }
                    Uop::LoadAttrMethodWithValues => {
                        let o = pop!();
                        push!(Value(inst.operand));
                        push!(o)
                    }
                    Uop::LoadAttrClass => {
                        pop!();
                        push!(Value(inst.operand))
                    }
                    Uop::LoadMethodClass => {
                        pop!();
                        push!(Value::METHOD_CALL_RECEIVER);
                        push!(Value(inst.operand))
                    }
                    Uop::StoreAttrInstanceValue => {
                        let (v, o) = (peek!(2), peek!(1));
                        let i = inst.oparg as usize;
                        if i >= class::capacity(o) {
                            exit!()
                        }
                        class::store_value_at(o, i, v);
                        pop!();
                        pop!();
                    }
                    Uop::GuardTosDict | Uop::GuardNosDict => {
                        let depth = if inst.uop == Uop::GuardNosDict { 2 } else { 1 };
                        if !crate::runtime::pydict::is_dict(peek!(depth)) {
                            exit!()
                        }
                    }
                    Uop::BinarySubscrListInt
                    | Uop::BinarySubscrTupleInt
                    | Uop::PlantedSubscrListNoBounds => {
                        let (c, i) = (peek!(2), peek!(1).small_value());
                        if i < 0 || i as usize >= seq::len(c) {
                            exit!()
                        }
                        pop!();
                        pop!();
                        push!(seq::get(c, i as usize))
                    }
                    Uop::StoreSubscrListInt => {
                        let (v, c, i) = (peek!(3), peek!(2), peek!(1).small_value());
                        if i < 0 || i as usize >= seq::len(c) {
                            exit!()
                        }
                        seq::set(c, i as usize, v);
                        pop!();
                        pop!();
                        pop!();
                    }
                    Uop::IterCheckList | Uop::IterCheckTuple => {
                        let it = peek!(1);
                        let want = if inst.uop == Uop::IterCheckList {
                            Kind::ListIter
                        } else {
                            Kind::TupleIter
                        };
                        if !(it.is_ptr() && object::kind_of(it) == want) {
                            exit!()
                        }
                    }
                    Uop::GuardNotExhaustedList | Uop::GuardNotExhaustedTuple => {
                        let it = peek!(1);
                        // SAFETY: the iterator check established a sequence iterator.
                        let (s, i) = unsafe {
                            (
                                Value(object::read(it.0, SEQ_ITER_SEQ)),
                                object::read(it.0, SEQ_ITER_INDEX),
                            )
                        };
                        if i as usize >= seq::len(s) {
                            exit!()
                        }
                    }
                    Uop::IterNextList | Uop::IterNextTuple => {
                        let v = seq::iter_next(peek!(1)).ok_or_else(|| {
                            Raise::Internal("_ITER_NEXT on an exhausted iterator".into())
                        })?;
                        push!(v)
                    }
                    Uop::UnpackSequenceTwoTuple
                    | Uop::UnpackSequenceTuple
                    | Uop::UnpackSequenceList => {
                        let s = peek!(1);
                        let n = if inst.uop == Uop::UnpackSequenceTwoTuple {
                            2
                        } else {
                            inst.oparg as usize
                        };
                        if seq::len(s) != n {
                            exit!()
                        }
                        pop!();
                        for i in (0..n).rev() {
                            push!(seq::get(s, i))
                        }
                    }
                    Uop::BuildTuple
                    | Uop::BuildList
                    | Uop::BinarySubscr
                    | Uop::StoreSubscr
                    | Uop::BinarySlice
                    | Uop::StoreSlice
                    | Uop::DeleteSubscr
                    | Uop::DeleteSlice
                    | Uop::DeleteAttr
                    | Uop::ContainsOp
                    | Uop::UnpackSequence
                    | Uop::UnpackEx
                    | Uop::LoadMethod
                    | Uop::LoadAttr
                    | Uop::StoreAttr
                    | Uop::LoadSuperAttr
                    | Uop::LoadSuperMethod
                    | Uop::CallKw
                    | Uop::BuildMap
                    | Uop::IsOp
                    | Uop::BinarySubscrDict
                    | Uop::StoreSubscrDict
                    | Uop::ContainsOpDict
                    | Uop::ListAppend
                    | Uop::BuildSet
                    | Uop::SetAdd
                    | Uop::SetUpdate
                    | Uop::MapAdd
                    | Uop::ListExtend
                    | Uop::DictMerge
                    | Uop::CallFunctionEx => sp = self.tier2_stack_op(&inst, sp)?,
                    Uop::GetIter => {
                        let v = pop!();
                        push!(self.get_iter(v)?)
                    }
                    Uop::ForIterTier2 | Uop::PlantedForIterUnrooted => {
                        // An iterator that runs Python code (a generator, a
                        // user `__next__`) or that this step would end is
                        // left to tier 1 unstepped: the exit re-executes
                        // FOR_ITER, which would step it a second time.
                        if crate::tier1::for_iter_leaves_trace(peek!(1)) {
                            exit!()
                        }
                        match self.iter_next(peek!(1))? {
                            Some(v) => push!(v),
                            None => exit!(),
                        }
                    }
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
                    Uop::GuardCallableLen | Uop::GuardCallableIsinstance => {
                        let depth = if inst.uop == Uop::GuardCallableLen {
                            2
                        } else {
                            3
                        };
                        if peek!(depth).0 != inst.operand {
                            exit!()
                        }
                    }
                    Uop::CallLen => {
                        // One fuel for the call, as `_CALL_LEN`'s stencil:
                        // tier 1 makes the call that runs out.
                        self.fold_bulk_fuel();
                        let len = crate::tier2::guards::len_in_place(peek!(1));
                        match len {
                            Some(n) if self.fuel < self.config.limits.fuel => {
                                self.charge_fuel()?;
                                pop!();
                                pop!();
                                push!(Value::small(n as i64))
                            }
                            _ => exit!(),
                        }
                    }
                    Uop::CheckCallableBuiltin => {
                        if peek!(inst.oparg as usize + 1).0 != inst.operand {
                            exit!()
                        }
                    }
                    Uop::CallPy | Uop::CallBuiltin | Uop::Call | Uop::CallIsinstance => {
                        let n = inst.oparg as usize;
                        // SAFETY: the stack holds the callable and n arguments.
                        let args: Vec<Value> =
                            (0..n).map(|i| unsafe { Value(*sp.sub(n - i)) }).collect();
                        let callable = peek!(n + 1);
                        // The callable and arguments stay on the (written
                        // back) stack during the call: a builtin that
                        // allocates must not see them collected.
                        let v = self.call_value(callable, &args, frame)?;
                        sp = unsafe { sp.sub(n + 1) };
                        push!(v)
                    }
                    Uop::MakeFunction => push!(self.make_function(inst.oparg)?),
                    Uop::SetFunctionDefaults => {
                        let f = pop!();
                        let defaults = pop!();
                        object::set_function_defaults(f, defaults);
                        push!(f)
                    }
                    Uop::SetFunctionClosure => {
                        let f = pop!();
                        let closure = pop!();
                        object::set_function_closure(f, closure);
                        push!(f)
                    }
                    Uop::LoadDeref => {
                        // SAFETY: oparg < nlocals.
                        let cell = unsafe { Value(*locals.add(inst.oparg as usize)) };
                        let cid = fget(frame, FRAME_CODE) as usize;
                        push!(self.load_deref(cid, cell, inst.oparg)?)
                    }
                    Uop::StoreDeref => {
                        let v = pop!();
                        // SAFETY: oparg < nlocals.
                        let cell = unsafe { Value(*locals.add(inst.oparg as usize)) };
                        crate::tier1::store_deref(cell, v)?
                    }
                    Uop::CheckPeriodic => {
                        self.charge_fuel()?;
                        self.safe_point_at(frame);
                    }
                    Uop::JumpToTop => pc = 0,
                    Uop::ExitTrace => exit!(),
                    Uop::CheckRemovedGuard => {
                        self.tier2_stats.removed_guard_checks += 1;
                        let top = [peek!(1), peek!(2), peek!(3)];
                        self.check_removed_guard(eid, inst.operand as usize, top);
                    }
                    Uop::CheckIp => self.check_ip(frame, inst.target, inst.operand),
                    Uop::ForceDeopt | Uop::ForceSideExit => {
                        self.guard_evals += 1;
                        if self.guard_evals.is_multiple_of(inst.operand.max(1)) {
                            exit!()
                        }
                    }
                }
            }
        }
    }

    /// A hang found by a deterministic budget: a finding, and the run stops.
    pub(crate) fn hang(&mut self, msg: String) -> Raise {
        self.finding(FindingKind::Hang, msg.clone());
        Raise::Internal(msg)
    }
}

impl Run<'_> {
    /// A generic sequence uop on the stack ending at `sp` (synced): runs
    /// tier 1's code and returns the new stack pointer. Out of the
    /// interpreter loop's function to keep its native frame small.
    #[inline(never)]
    fn tier2_stack_op(&mut self, inst: &UopInst, sp: *mut u64) -> Result<*mut u64, Raise> {
        let (op, arg) = stack_op_of_operand(inst.operand)
            .ok_or_else(|| Raise::Internal(format!("{} without its op", inst.uop.name())))?;
        let (pops, _) = inst.uop.stack_effect(inst.oparg);
        // SAFETY: the stack holds the uop's inputs below `sp`, and the
        // compiler sized it for the outputs.
        unsafe {
            let base = sp.sub(pops as usize);
            let inputs: Vec<Value> = (0..pops as usize).map(|k| Value(*base.add(k))).collect();
            let outs = self.stack_op(op, arg, &inputs)?;
            for (k, v) in outs.iter().enumerate() {
                *base.add(k) = v.0;
            }
            Ok(base.add(outs.len()))
        }
    }
}
