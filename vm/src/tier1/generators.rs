//! Generators in the VM: calling a generator function makes a generator
//! object (its arguments bound in the frame it saves), and every step of
//! it (`next`, `for`, a consuming builtin, `yield from`) resumes its
//! frame in a nested dispatch, from any tier, as `call_value` runs a
//! Python function from a helper. The frame is copied from the object
//! into a fresh frame slot, runs until `YIELD_VALUE`, a return or an
//! exception, and is copied back: a suspended generator holds no frame
//! slot. Each resume costs one unit of fuel, as a call does, and counts
//! one level of depth while it runs.

use super::Run;
use super::interp::Regs;
use crate::lang::Poison;
use crate::lang::bytecode::Op;
use crate::runtime::frame::{FRAME_IP, FRAME_LOCALS, FRAME_SP, fget, fset};
use crate::runtime::generator::{
    self as gn, CREATED, FINISHED, GEN_FUNCTION, GEN_HEADER_WORDS, RUNNING, SUSPENDED,
};
use crate::runtime::object::{self, ENUMERATE_COUNT, ENUMERATE_ITER, Kind, ZIP_ITERS};
use crate::runtime::{Raise, Value, class, exceptions, int, iters, methods, seq, type_name};

/// What one resume of a generator came to.
pub(crate) enum GenStep {
    Yielded(Value),
    /// The body returned this value (StopIteration's value for `next`).
    Returned(Value),
    /// It had finished before: nothing ran.
    Exhausted,
}

/// Whether stepping iterator `v` runs Python code: a generator, an
/// instance whose class defines `__next__`, or an `enumerate`/`zip` over
/// one. Those are stepped by [`Run::gen_iter_next`]; the runtime's
/// iterator protocol cannot run frames.
pub(crate) fn needs_vm(v: Value) -> bool {
    if !v.is_ptr() {
        return false;
    }
    let field = |off: u64| {
        // SAFETY: a live object of the kind matched below.
        Value(unsafe { object::read(v.0, off) })
    };
    match object::kind_of(v) {
        Kind::Generator => true,
        Kind::Instance => class::has_dunder(v, class::D_NEXT),
        Kind::Enumerate => needs_vm(field(ENUMERATE_ITER)),
        Kind::Zip => {
            let iters = field(ZIP_ITERS);
            !iters.is_null() && (0..seq::len(iters)).any(|i| needs_vm(seq::get(iters, i)))
        }
        _ => false,
    }
}

/// Whether `_FOR_ITER_TIER_TWO` leaves iterator `v` to tier 1 unstepped:
/// one that runs Python code, or one whose next step ends it. The exit
/// re-executes FOR_ITER in tier 1, which must be the only step: a zip
/// steps the iterators before the exhausted one at every call, and an
/// exhausted iterator is marked so by the step (CPython resumes past the
/// loop instead; this VM's exit re-executes the instruction).
pub(crate) fn for_iter_leaves_trace(v: Value) -> bool {
    needs_vm(v) || (v.is_ptr() && crate::runtime::iters::is_exhausted(v))
}

/// Whether a builtin's argument `v` is an iterator only the VM can step
/// (see [`needs_vm`]) that is not a user iterator: an instance argument is
/// iterated by its `__iter__` first (`dunder_builtin`), or else is left to
/// the builtin, whose own iteration raises CPython's `not iterable` for a
/// class without `__iter__`.
fn steps_python(v: Value) -> bool {
    needs_vm(v) && !class::is_instance(v)
}

/// Whether `sum(args)` over a list, tuple or range adds an instance: the
/// start is one, or a list's or tuple's item (other iterables of
/// instances poison in the runtime's `sum`, in the reference too).
fn sum_adds_instances(args: &[Value]) -> bool {
    let it = args[0];
    let start = args.get(1).is_some_and(|s| class::is_instance(*s));
    if seq::is_list(it) || seq::is_tuple(it) {
        start || (0..seq::len(it)).any(|i| class::is_instance(seq::get(it, i)))
    } else {
        start && it.is_ptr() && object::kind_of(it) == Kind::Range
    }
}

/// The builtins and methods that consume a whole iterable argument: a
/// generator argument is drained into a list first (same items, same
/// order, and the builtin then never steps a generator itself).
fn consumes_iterables(callable: Value) -> bool {
    matches!(
        callable,
        Value::BUILTIN_LIST
            | Value::BUILTIN_TUPLE
            | Value::BUILTIN_SUM
            | Value::BUILTIN_MIN
            | Value::BUILTIN_MAX
            | Value::BUILTIN_SORTED
            | Value::BUILTIN_SET
            | Value::BUILTIN_DICT
            | Value::METHOD_STR_JOIN
            | Value::METHOD_LIST_EXTEND
            | Value::METHOD_DICT_UPDATE
    )
}

impl Run<'_> {
    /// A call of generator function `func` (code `cid`) with its bound
    /// `args`: the generator object. The caller's frame has its stack
    /// pointer written back; `func` and `args` need not be rooted.
    pub(crate) fn make_generator(
        &mut self,
        func: Value,
        cid: usize,
        args: &[Value],
    ) -> Result<Value, Raise> {
        let caller = self.arena.roots.top_frame;
        let top = self.frame_top;
        // A frame binds the arguments and the closure's cells as a call
        // does, and roots them while the object is allocated.
        let frame = self.push_frame(cid, caller, args, super::closure_of(func))?;
        let code = &self.program.codes[cid];
        let nlocals = code.local_names.len();
        let words = GEN_HEADER_WORDS + nlocals + code.stack_size as usize;
        let made = seq::rooted(self.arena, |arena| {
            arena.roots.temps.push(func);
            Ok(arena.alloc(Kind::Generator, words)?)
        });
        let made = made.map(|addr| {
            let g = Value(addr);
            // SAFETY: a fresh Generator of `words` words.
            unsafe { object::write(addr, GEN_FUNCTION, func.0) };
            gn::set_state(g, CREATED);
            for i in 0..nlocals as u64 {
                gn::set_saved(g, i, Value(fget(frame, FRAME_LOCALS + 8 * i)));
            }
            g
        });
        self.frame_top = top;
        self.arena.roots.top_frame = caller;
        made
    }

    /// Resumes generator `g` (rooted by the caller, whose frame is
    /// written back) until it yields, returns or raises.
    pub(crate) fn gen_resume(&mut self, g: Value) -> Result<GenStep, Raise> {
        self.gen_resume_sending(g, Value::NONE)
    }

    /// [`Self::gen_resume`], with `sent` (rooted by the caller) as the value
    /// of the `yield` a suspended `g` resumes at.
    fn gen_resume_sending(&mut self, g: Value, sent: Value) -> Result<GenStep, Raise> {
        match gn::state(g) {
            FINISHED => return Ok(GenStep::Exhausted),
            RUNNING => {
                return Err(Raise::exc(
                    "ValueError",
                    "generator already executing".into(),
                ));
            }
            _ => {}
        }
        let fuel_at_resume = self.fuel;
        let r = self.gen_run(g, sent);
        if r.is_err() {
            // As a failing call from a trace (see `call_value_kw`).
            self.error_fuel = Some(fuel_at_resume);
            self.error_in_callee = true;
        }
        r
    }

    fn gen_run(&mut self, g: Value, sent: Value) -> Result<GenStep, Raise> {
        self.charge_fuel()?;
        if self.depth + 1 > self.config.limits.depth {
            return Err(Raise::Poison(Poison::Recursion));
        }
        let caller = self.arena.roots.top_frame;
        let (depth, top) = (self.depth, self.frame_top);
        let cid = gn::code_id(g);
        let nlocals = self.program.codes[cid].local_names.len() as u64;
        let frame = self.push_frame(cid, caller, &[], Value::NULL)?;
        let nstack = gn::nstack(g);
        for i in 0..nlocals + nstack {
            fset(frame, FRAME_LOCALS + 8 * i, gn::saved(g, i).0);
        }
        // A suspended frame's top of stack is its `yield`'s value.
        if gn::state(g) == SUSPENDED && nstack > 0 {
            fset(frame, FRAME_LOCALS + 8 * (nlocals + nstack - 1), sent.0);
        }
        fset(frame, FRAME_IP, gn::ip(g));
        fset(
            frame,
            FRAME_SP,
            frame + FRAME_LOCALS + 8 * (nlocals + nstack),
        );
        gn::set_state(g, RUNNING);
        self.depth += 1;
        self.gen_yielded = false;
        self.safe_point_at(frame);
        let r = self.run_frame(frame);
        let yielded = std::mem::take(&mut self.gen_yielded);
        // Also after an exception, which leaves from deeper frames.
        self.depth = depth;
        self.arena.roots.top_frame = caller;
        self.frame_top = top;
        match r {
            Ok(v) if yielded => {
                // The slot is free again but untouched: copy the frame back
                // before anything allocates.
                let sp = fget(frame, FRAME_SP);
                let nstack = (sp - (frame + FRAME_LOCALS)) / 8 - nlocals;
                let capacity = gn::capacity(g.0);
                if nlocals + nstack > capacity {
                    return Err(Raise::Internal(
                        "a generator frame outgrew its object".into(),
                    ));
                }
                for i in 0..capacity {
                    let v = if i < nlocals + nstack {
                        Value(fget(frame, FRAME_LOCALS + 8 * i))
                    } else {
                        Value::NULL
                    };
                    gn::set_saved(g, i, v);
                }
                gn::set_position(g, fget(frame, FRAME_IP), nstack);
                gn::set_state(g, SUSPENDED);
                Ok(GenStep::Yielded(v))
            }
            Ok(v) => {
                gn::set_state(g, FINISHED);
                gn::clear(g);
                Ok(GenStep::Returned(v))
            }
            Err(e) => {
                gn::set_state(g, FINISHED);
                gn::clear(g);
                // PEP 479: a StopIteration leaving a generator's frame,
                // raised by the runtime or by a `raise` statement (an
                // object of StopIteration or a subclass), is a RuntimeError.
                if !exceptions::raises(&e, "StopIteration") {
                    return Err(e);
                }
                self.arena.roots.thrown = Value::NULL;
                Err(Raise::exc(
                    "RuntimeError",
                    "generator raised StopIteration".into(),
                ))
            }
        }
    }

    /// YIELD_VALUE: the yielded value leaves the dispatch of the
    /// generator's frame (always that dispatch's entry), None takes its
    /// place for the resume, and the frame records where to go on.
    pub(super) fn yield_value(&mut self, r: &mut Regs, entry: u64) -> Result<Value, Raise> {
        if r.frame != entry || !self.program.codes[r.cid].is_generator {
            return Err(Raise::Internal(
                "YIELD_VALUE outside a generator frame".into(),
            ));
        }
        // SAFETY: the compiler guarantees the yielded value on the stack.
        let v = unsafe {
            r.sp = r.sp.sub(1);
            let v = Value(*r.sp);
            *r.sp = Value::NONE.0;
            r.sp = r.sp.add(1);
            v
        };
        fset(r.frame, FRAME_IP, r.ip as u64);
        fset(r.frame, FRAME_SP, r.sp as u64);
        self.gen_yielded = true;
        Ok(v)
    }

    /// The next item of an iterator [`needs_vm`] says runs Python code.
    pub(crate) fn gen_iter_next(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        let field = |off: u64| {
            // SAFETY: a live object of the kind matched below.
            Value(unsafe { object::read(it.0, off) })
        };
        let set_field = |off: u64, v: Value| {
            // SAFETY: as above.
            unsafe { object::write(it.0, off, v.0) }
        };
        match object::kind_of(it) {
            Kind::Generator => Ok(match self.gen_resume(it)? {
                GenStep::Yielded(v) => Some(v),
                GenStep::Returned(_) | GenStep::Exhausted => None,
            }),
            Kind::Instance => self.user_next(it, true),
            // As `iters::enumerate_next`, but exhaustion keeps the
            // iterator: CPython's enumerate asks it again at every step,
            // and a user `__next__` may go on after StopIteration.
            Kind::Enumerate => {
                let inner = field(ENUMERATE_ITER);
                if inner.is_null() {
                    return Ok(None);
                }
                let Some(x) = self.iter_next(inner)? else {
                    return Ok(None);
                };
                seq::rooted(self.arena, |arena| {
                    arena.roots.temps.push(x);
                    let count = field(ENUMERATE_COUNT);
                    let pair = seq::new_tuple(arena, &[count, x])?;
                    arena.roots.temps.push(pair);
                    let succ = int::binop(
                        arena,
                        crate::lang::BinOp::Add,
                        false,
                        count,
                        Value::small(1),
                    )?;
                    set_field(ENUMERATE_COUNT, succ);
                    Ok(Some(pair))
                })
            }
            // As `iters::zip_next`: exhaustion keeps the iterators.
            Kind::Zip => {
                let iters = field(ZIP_ITERS);
                if iters.is_null() || seq::len(iters) == 0 {
                    return Ok(None);
                }
                let mark = self.arena.roots.temps.len();
                let r = self.zip_items(iters);
                self.arena.roots.temps.truncate(mark);
                r
            }
            _ => iters::next(self.arena, it),
        }
    }

    /// One tuple of a zip's iterators' next items (rooted in temps as they
    /// come), or None when one is exhausted.
    fn zip_items(&mut self, iters: Value) -> Result<Option<Value>, Raise> {
        let mut items = Vec::with_capacity(seq::len(iters));
        for i in 0..seq::len(iters) {
            match self.iter_next(seq::get(iters, i))? {
                Some(x) => {
                    self.arena.roots.temps.push(x);
                    items.push(x);
                }
                None => return Ok(None),
            }
        }
        seq::new_tuple(self.arena, &items).map(Some)
    }

    /// Every remaining item of `it`, as a new list (rooted in temps).
    pub(super) fn drain_to_list(&mut self, it: Value) -> Result<Value, Raise> {
        let mark = self.arena.roots.temps.len();
        let mut items = vec![];
        let r = loop {
            match self.iter_next(it) {
                Ok(Some(x)) => {
                    self.arena.roots.temps.push(x);
                    items.push(x);
                    if let Err(e) = seq::check_len(items.len()) {
                        break Err(e);
                    }
                }
                Ok(None) => break seq::new_list(self.arena, &items),
                Err(e) => break Err(e),
            }
        };
        self.arena.roots.temps.truncate(mark);
        let list = r?;
        self.arena.roots.temps.push(list);
        Ok(list)
    }

    /// `args` with every argument that steps Python code drained into a
    /// list, or None when there is none. The lists stay rooted in temps
    /// from `mark` on (the caller truncates).
    fn drained_args(&mut self, args: &[Value]) -> Result<Option<Vec<Value>>, Raise> {
        if !args.iter().any(|&a| steps_python(a)) {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(args.len());
        for &a in args {
            out.push(if steps_python(a) {
                self.drain_to_list(a)?
            } else {
                a
            });
        }
        Ok(Some(out))
    }

    /// The builtins that step generators, and the consuming builtins
    /// called with one: their result, or None for every other call.
    pub(crate) fn gen_builtin(
        &mut self,
        callable: Value,
        args: &[Value],
    ) -> Option<Result<Value, Raise>> {
        match callable {
            Value::BUILTIN_NEXT => Some(self.builtin_next(args)),
            // Pulled lazily: a failing item stops the generator there.
            Value::BUILTIN_MIN | Value::BUILTIN_MAX if args.len() == 1 && steps_python(args[0]) => {
                let min = callable == Value::BUILTIN_MIN;
                Some(self.min_max_lazy(min, args, Value::NULL, Value::NULL, false, false))
            }
            Value::BUILTIN_SUM if matches!(args.len(), 1 | 2) && steps_python(args[0]) => {
                let start = args.get(1).copied().unwrap_or(Value::small(0));
                Some(self.sum_lazy(args[0], start))
            }
            // Instances are added by their dunders, item by item.
            Value::BUILTIN_SUM if matches!(args.len(), 1 | 2) && sum_adds_instances(args) => {
                let start = args.get(1).copied().unwrap_or(Value::small(0));
                Some(iters::get_iter(self.arena, args[0]).and_then(|it| self.sum_lazy(it, start)))
            }
            // `math.prod(g)`: LOAD_METHOD left a NULL in place of a receiver.
            Value::MATH_PROD => match args {
                [it] | [Value::NULL, it] if steps_python(*it) => Some(self.prod_lazy(*it)),
                _ => None,
            },
            // Several arguments are compared as they are, generators too.
            Value::BUILTIN_MIN | Value::BUILTIN_MAX | Value::BUILTIN_SUM => None,
            // A user iterable joined or extended with: its `__iter__`
            // result, drained when only the VM can step it.
            Value::METHOD_STR_JOIN | Value::METHOD_LIST_EXTEND
                if args.iter().any(|&a| class::has_dunder(a, class::D_ITER)) =>
            {
                if let Err(e) = methods::descriptor_args(callable, args) {
                    return Some(Err(e));
                }
                let mark = self.arena.roots.temps.len();
                let mut full = args.to_vec();
                let mut r = Ok(());
                for a in full.iter_mut() {
                    match self.iterated_arg(*a) {
                        Ok(v) => *a = v,
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                let r = r.and_then(|_| self.call_builtin(callable, &full));
                self.arena.roots.temps.truncate(mark);
                Some(r)
            }
            Value::METHOD_GENERATOR_SEND => Some(
                methods::descriptor_args(callable, args)
                    .and_then(|(g, rest)| self.gen_send(g, rest)),
            ),
            c if methods::is_bound(c)
                && methods::bound_parts(c).1 == Value::METHOD_GENERATOR_SEND =>
            {
                Some(self.gen_send(methods::bound_parts(c).0, args))
            }
            c if consumes_iterables(c) && args.iter().any(|&a| steps_python(a)) => {
                // A method descriptor's receiver is checked before anything
                // is drained (`str.join(g, xs)` names the generator).
                if methods::is_method(c)
                    && let Err(e) = methods::descriptor_args(c, args)
                {
                    return Some(Err(e));
                }
                let mark = self.arena.roots.temps.len();
                let r = match self.drained_args(args) {
                    Ok(Some(drained)) => self.call_builtin(callable, &drained),
                    Ok(None) => self.call_builtin(callable, args),
                    Err(e) => Err(e),
                };
                self.arena.roots.temps.truncate(mark);
                Some(r)
            }
            _ => None,
        }
    }

    /// `sorted(gen, reverse=...)` and the like: CALL_KW's positional
    /// arguments drained as [`Self::gen_builtin`] drains them.
    pub(crate) fn gen_call_kw(
        &mut self,
        callable: Value,
        ins: &[Value],
        arg: u32,
    ) -> Option<Result<Value, Raise>> {
        // `min`/`max` with `key=` or `default=` pull lazily (`call_kw`).
        let lazy = matches!(
            callable,
            Value::BUILTIN_MIN | Value::BUILTIN_MAX | Value::BUILTIN_SUM
        );
        if lazy || !(consumes_iterables(callable) && ins.iter().any(|&a| steps_python(a))) {
            return None;
        }
        let mark = self.arena.roots.temps.len();
        let r = match self.drained_args(ins) {
            Ok(Some(drained)) => self.call_kw(callable, &drained, arg),
            Ok(None) => self.call_kw(callable, ins, arg),
            Err(e) => Err(e),
        };
        self.arena.roots.temps.truncate(mark);
        Some(r)
    }

    /// `next(it)` and `next(it, default)`.
    fn builtin_next(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let (it, default) = match args {
            [it] => (*it, None),
            [it, d] => (*it, Some(*d)),
            [] => {
                return Err(Raise::type_error(
                    "next expected at least 1 argument, got 0".into(),
                ));
            }
            _ => {
                return Err(Raise::type_error(format!(
                    "next expected at most 2 arguments, got {}",
                    args.len()
                )));
            }
        };
        if !iters::is_iterator(it) {
            return Err(Raise::type_error(format!(
                "'{}' object is not an iterator",
                type_name(it)
            )));
        }
        // A user iterator's StopIteration leaves `next(it)` as it was
        // raised (its args and all); `next(it, d)` catches it.
        if class::is_instance(it) {
            return match (self.user_next(it, default.is_some())?, default) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(Raise::Internal(
                    "a user iterator's StopIteration was caught for next(it)".into(),
                )),
            };
        }
        let step = if gn::is_generator(it) {
            self.gen_resume(it)?
        } else {
            match self.iter_next(it)? {
                Some(v) => GenStep::Yielded(v),
                None => GenStep::Exhausted,
            }
        };
        match (step, default) {
            (GenStep::Yielded(v), _) => Ok(v),
            (_, Some(d)) => Ok(d),
            (step, None) => Err(self.stop_iteration(step)),
        }
    }

    /// The StopIteration a generator's end raises from `next(g)` or
    /// `g.send(v)`: `StopIteration(v)` for a returned value other than
    /// None (its one arg the value itself), else a bare one.
    fn stop_iteration(&mut self, step: GenStep) -> Raise {
        let GenStep::Returned(v) = step else {
            return Raise::exc("StopIteration", String::new());
        };
        if v == Value::NONE {
            return Raise::exc("StopIteration", String::new());
        }
        let Some(cls) = exceptions::class_named("StopIteration") else {
            return Raise::Internal("no StopIteration class".into());
        };
        self.arena.roots.temps.push(v);
        let e = exceptions::new(self.arena, cls, &[v]);
        self.arena.roots.temps.pop();
        match e {
            Ok(e) => self.throw(e),
            Err(e) => e,
        }
    }

    /// `g.send(v)`: resumes `g` with `v` as the value of the `yield` it is
    /// suspended at (CPython's `gen_send_ex`), as `next(g)` resumes it with
    /// None. A generator not started yet takes only None; one suspended in
    /// a `yield from` would pass `v` on to its delegate's `send`, which the
    /// FOR_ITER loop `yield from` compiles to cannot: that poisons.
    fn gen_send(&mut self, g: Value, args: &[Value]) -> Result<Value, Raise> {
        let &[v] = args else {
            return Err(Raise::type_error(format!(
                "generator.send() takes exactly one argument ({} given)",
                args.len()
            )));
        };
        if v != Value::NONE {
            match gn::state(g) {
                CREATED => {
                    return Err(Raise::type_error(
                        "can't send non-None value to a just-started generator".into(),
                    ));
                }
                SUSPENDED if self.delegating(g) => return Err(Raise::Poison(Poison::Unmodelled)),
                _ => {}
            }
        }
        match self.gen_resume_sending(g, v)? {
            GenStep::Yielded(y) => Ok(y),
            step => Err(self.stop_iteration(step)),
        }
    }

    /// Whether suspended generator `g` waits in a `yield from`: its next
    /// instructions are that loop's POP_TOP and back edge
    /// (`compile_generator.rs`; no other code has that back edge).
    fn delegating(&self, g: Value) -> bool {
        let code = &self.program.codes[gn::code_id(g)].instrs;
        let ip = gn::ip(g) as usize;
        matches!(
            (code.get(ip).map(|i| i.op), code.get(ip + 1).map(|i| i.op)),
            (Some(Op::PopTop), Some(Op::JumpBackwardNoInterrupt))
        )
    }

    /// The stack instructions whose generic semantics would step a
    /// generator or read one's attributes: their outputs, or None.
    pub(crate) fn gen_stack_op(
        &mut self,
        op: Op,
        arg: u32,
        ins: &[Value],
    ) -> Option<Result<Vec<Value>, Raise>> {
        // An instance, even one that is its own iterator, goes through its
        // dunders (`__contains__` first, then `__iter__`, as CPython): only
        // what is already an iterator of the VM's is stepped here.
        let stepped = |v: Value| needs_vm(v) && !class::is_instance(v);
        match op {
            Op::ContainsOp if stepped(ins[1]) => Some(
                self.gen_contains(ins[0], ins[1])
                    .map(|found| vec![Value::bool(found != (arg == 1))]),
            ),
            Op::UnpackSequence if stepped(ins[0]) => Some(self.gen_unpack(ins[0], arg as usize)),
            // `throw`, `close` and the `gi_*` attributes (`send` is a
            // method like any other: `gen_send` runs it).
            Op::LoadMethod | Op::LoadAttr
                if gn::is_generator(ins[0]) && !self.name_is(arg, "send") =>
            {
                Some(Err(Raise::Poison(Poison::Unmodelled)))
            }
            Op::StoreAttr if gn::is_generator(ins[1]) => {
                Some(Err(Raise::Poison(Poison::Unmodelled)))
            }
            _ => None,
        }
    }

    /// `x in it`: steps `it` until an item equals `x`.
    pub(crate) fn gen_contains(&mut self, x: Value, it: Value) -> Result<bool, Raise> {
        while let Some(v) = self.iter_next(it)? {
            // A user `__eq__` may collect: `v` is rooted while it runs.
            self.arena.roots.temps.push(v);
            let eq = seq::item_eq_by(v, x, 0, &mut |op, a, b| self.user_compare(op, a, b));
            self.arena.roots.temps.pop();
            if eq? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// UNPACK_SEQUENCE of an iterator that runs Python code, as CPython's
    /// `unpack_iterable` (at most `n + 1` steps); item 0 last (on top).
    /// `a, b = it` for an iterator only the VM can step: the items, last
    /// first (as the stack takes them).
    pub(super) fn gen_unpack(&mut self, it: Value, n: usize) -> Result<Vec<Value>, Raise> {
        let mark = self.arena.roots.temps.len();
        let r = self.gen_unpack_rooted(it, n);
        self.arena.roots.temps.truncate(mark);
        let mut items = r?;
        items.reverse();
        Ok(items)
    }

    fn gen_unpack_rooted(&mut self, it: Value, n: usize) -> Result<Vec<Value>, Raise> {
        let mut items = Vec::with_capacity(n);
        while items.len() < n {
            match self.iter_next(it)? {
                Some(x) => {
                    self.arena.roots.temps.push(x);
                    items.push(x);
                }
                None => {
                    return Err(Raise::exc(
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected {n}, got {})",
                            items.len()
                        ),
                    ));
                }
            }
        }
        if self.iter_next(it)?.is_some() {
            return Err(Raise::exc(
                "ValueError",
                format!("too many values to unpack (expected {n})"),
            ));
        }
        Ok(items)
    }
}
