//! Operator and protocol dunders of user classes (`__add__`, `__eq__`,
//! `__len__`, `__iter__`, `__repr__`...), with CPython 3.11's dispatch
//! (`binary_op1`'s and `do_richcompare`'s order, reflected operands,
//! subclass priority) and messages.
//!
//! Every tier runs an operation on an instance through these `Run` methods:
//! tier 1's generic instructions (and its specialized ones after a miss),
//! tier 2's generic uops and the JIT's helpers, which all escape (the frame
//! is synced, so a dunder runs in a nested dispatch like `Run::call_value`).
//! Dunders are looked up on the class, never the instance, on every use: a
//! class rebound at run time (`A.__add__ = f`) is seen at once.
//!
//! Runtime code that cannot call Python (a container's repr, element
//! equality, `sum`, a method's iteration) poisons instead where CPython
//! would call a user dunder (`class::has_dunder`), as the reference does.

use crate::lang::Poison;
use crate::lang::ast::{BinOp, CmpOp, UnaryOp};
use crate::lang::parse::DUNDERS;
use crate::runtime::class::{self, D_GETITEM, D_ITER, D_REPR, D_STR, D_UNHASHABLE};
use crate::runtime::object::{self, Kind};
use crate::runtime::{Raise, Value, int, iters, seq, strs, truthy, type_name};

use super::Run;

fn is_function(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Function
}

/// The reflected comparison (`a < b` is `b > a`).
fn swapped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::LtE => CmpOp::GtE,
        CmpOp::GtE => CmpOp::LtE,
        other => other,
    }
}

fn cmp_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "__eq__",
        CmpOp::NotEq => "__ne__",
        CmpOp::Lt => "__lt__",
        CmpOp::LtE => "__le__",
        CmpOp::Gt => "__gt__",
        _ => "__ge__",
    }
}

impl Run<'_> {
    /// The function `type(v)` has for dunder `name`, if `v` is an instance
    /// and its class (or a base) has one. Anything but a plain function
    /// there (a number, a static method) is unmodelled.
    pub(crate) fn dunder(&self, v: Value, name: &str) -> Result<Option<Value>, Raise> {
        if !class::is_instance(v) {
            return Ok(None);
        }
        let Some(id) = self.program.name_id(name) else {
            return Ok(None);
        };
        match class::lookup(class::type_of(v), id) {
            None => Ok(None),
            Some((f, _)) if is_function(f) => Ok(Some(f)),
            Some(_) => Err(Raise::Poison(Poison::Unmodelled)),
        }
    }

    /// Calls dunder `f` with `args` (the instance first), all rooted for
    /// the call's duration: the class may be rebound while it runs.
    pub(crate) fn call_dunder(&mut self, f: Value, args: &[Value]) -> Result<Value, Raise> {
        let n = self.arena.roots.temps.len();
        self.arena.roots.temps.push(f);
        self.arena.roots.temps.extend_from_slice(args);
        let r = self.call_any(f, args);
        self.arena.roots.temps.truncate(n);
        r
    }

    /// Recomputes class `t`'s dunder bits (at creation, with its hash
    /// kind, and whenever it or a base is modified); `unhashable` is kept
    /// once set, since CPython sets `__hash__ = None` only at creation.
    pub(crate) fn refresh_dunder_bits(&mut self, t: Value, unhashable: bool) {
        let mut bits = class::dunder_bits(t) & D_UNHASHABLE;
        if unhashable {
            bits |= D_UNHASHABLE;
        }
        for (i, name) in DUNDERS.iter().enumerate() {
            if let Some(id) = self.program.name_id(name)
                && class::lookup(t, id).is_some()
            {
                bits |= 1 << i;
            }
        }
        class::set_dunder_bits(t, bits);
    }

    /// `a op b` (and `a op= b`, which has no in-place dunder here) in every
    /// tier: a user class's operator first, then the builtin operation.
    pub(crate) fn binop_any(
        &mut self,
        op: BinOp,
        inplace: bool,
        a: Value,
        b: Value,
    ) -> Result<Value, Raise> {
        if class::is_instance(a) || class::is_instance(b) {
            let fuel = self.fuel;
            let r = match self.binop_dunder(op, a, b) {
                Ok(Some(v)) => Ok(v),
                // No method, or every one declined (`NotImplemented`): the
                // builtin operation, or its TypeError.
                Ok(None) => self.binop_builtin(op, inplace, a, b),
                Err(e) => Err(e),
            };
            return self.after_python(fuel, r);
        }
        self.binop_builtin(op, inplace, a, b)
    }

    fn binop_builtin(
        &mut self,
        op: BinOp,
        inplace: bool,
        a: Value,
        b: Value,
    ) -> Result<Value, Raise> {
        if op == BinOp::Mod && strs::is_str(a) && self.formats_user_text(b) {
            return self.str_percent(a, b);
        }
        int::binop_plain(self.arena, op, inplace, a, b)
    }

    /// The result of an operation that may have run dunders since fuel was
    /// `fuel`. If it failed after Python code ran (a method declined with
    /// `NotImplemented` or returned a wrong type, then the operation
    /// raised), the error's point is the instruction before it ran, and
    /// the frame-state oracle only checks it is reached (as for a failing
    /// call: `note_call_error`): the methods may have changed anything.
    fn after_python<T>(&mut self, fuel: u64, r: Result<T, Raise>) -> Result<T, Raise> {
        if r.is_err() && self.fuel != fuel {
            self.error_fuel = Some(fuel);
            self.error_in_callee = true;
        }
        r
    }

    /// Whether `fmt % args` may run a user `__str__` or `__repr__`: an
    /// argument (`args`, or an item of an `args` tuple) shows one.
    fn formats_user_text(&self, args: Value) -> bool {
        if seq::is_tuple(args) {
            return seq::items(args)
                .into_iter()
                .any(|v| self.shows_user_repr(v));
        }
        self.shows_user_repr(args)
    }

    /// `fmt % args` whose `%s`/`%r` conversions run users' `__str__` and
    /// `__repr__` (through `str_any`/`repr_any`) as the format reaches
    /// them.
    fn str_percent(&mut self, fmt: Value, args: Value) -> Result<Value, Raise> {
        let text = strs::text(fmt).to_string();
        // The arguments stay rooted while users' methods run.
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(args);
        let out = crate::runtime::format::format(&text, args, &mut |v, repr| {
            if repr {
                self.repr_any(v)
            } else {
                self.str_any(v)
            }
        });
        self.arena.roots.temps.truncate(mark);
        strs::new_charged(self.arena, &out?)
    }

    /// CPython's `SLOT1BINFULL` for `+ - * / // %`: None when neither
    /// operand's class answers (the builtin operation then raises its
    /// TypeError).
    fn binop_dunder(&mut self, op: BinOp, a: Value, b: Value) -> Result<Option<Value>, Raise> {
        let (fwd, refl) = match op {
            BinOp::Add => ("__add__", "__radd__"),
            BinOp::Sub => ("__sub__", "__rsub__"),
            BinOp::Mul => ("__mul__", "__rmul__"),
            BinOp::Div => ("__truediv__", "__rtruediv__"),
            BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
            // `str % x` is str's own formatting, whatever `x` defines: str
            // has the slot and never declines (no `__rmod__` is asked).
            BinOp::Mod if strs::is_str(a) => return Ok(None),
            BinOp::Mod => ("__mod__", "__rmod__"),
            _ => return Ok(None),
        };
        let same = class::is_instance(a)
            && class::is_instance(b)
            && class::type_of(a) == class::type_of(b);
        let (a_fwd, a_refl) = (self.dunder(a, fwd)?, self.dunder(a, refl)?);
        let b_refl = if same { None } else { self.dunder(b, refl)? };
        // A class has the operator's slot when it defines either method.
        let b_slot = !same && (b_refl.is_some() || self.dunder(b, fwd)?.is_some());
        let mut do_other = b_slot;
        if a_fwd.is_some() || a_refl.is_some() {
            if do_other && class::is_subclass(class::type_of(b), class::type_of(a)) {
                // The subclass's reflected method first, if it overrides.
                if let Some(f) = b_refl
                    && Some(f) != a_refl
                {
                    let r = self.call_dunder(f, &[b, a])?;
                    if r != Value::NOT_IMPLEMENTED {
                        return Ok(Some(r));
                    }
                }
                do_other = false;
            }
            if let Some(f) = a_fwd {
                let r = self.call_dunder(f, &[a, b])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(Some(r));
                }
            }
            if same {
                return Ok(None);
            }
        }
        match b_refl {
            Some(f) if do_other => {
                let r = self.call_dunder(f, &[b, a])?;
                Ok((r != Value::NOT_IMPLEMENTED).then_some(r))
            }
            _ => Ok(None),
        }
    }

    /// Unary `-`, `+` or `~` in every tier: an instance's `__neg__`,
    /// `__pos__` or `__invert__`, else the builtin operation (or its
    /// TypeError).
    pub(crate) fn unary_any(&mut self, op: UnaryOp, a: Value) -> Result<Value, Raise> {
        if class::is_instance(a) {
            let name = match op {
                UnaryOp::Neg => "__neg__",
                UnaryOp::Pos => "__pos__",
                UnaryOp::Invert | UnaryOp::Not => "__invert__",
            };
            if let Some(f) = self.dunder(a, name)? {
                return self.call_dunder(f, &[a]);
            }
        }
        int::unary(self.arena, op, a)
    }

    /// `abs(a)` of an instance whose class has `__abs__` (None otherwise:
    /// the builtin raises its TypeError).
    fn abs_dunder(&mut self, a: Value) -> Result<Option<Value>, Raise> {
        match self.dunder(a, "__abs__")? {
            Some(f) => self.call_dunder(f, &[a]).map(Some),
            None => Ok(None),
        }
    }

    /// `a op b` for a comparison in every tier: CPython's
    /// `do_richcompare` when an operand is an instance.
    pub(crate) fn compare_any(&mut self, op: CmpOp, a: Value, b: Value) -> Result<Value, Raise> {
        let fuel = self.fuel;
        let r = self.compare_any_at(op, a, b);
        self.after_python(fuel, r)
    }

    fn compare_any_at(&mut self, op: CmpOp, a: Value, b: Value) -> Result<Value, Raise> {
        if !(class::is_instance(a) || class::is_instance(b)) {
            let same_kind =
                (seq::is_list(a) && seq::is_list(b)) || (seq::is_tuple(a) && seq::is_tuple(b));
            if same_kind {
                return self.compare_sequences(op, a, b);
            }
            return super::compare(op, a, b);
        }
        let (ta, tb) = (class::is_instance(a), class::is_instance(b));
        let reverse_first = ta
            && tb
            && class::type_of(a) != class::type_of(b)
            && class::is_subclass(class::type_of(b), class::type_of(a));
        if reverse_first && let Some(r) = self.rich_one(b, a, swapped(op))? {
            return Ok(r);
        }
        if let Some(r) = self.rich_one(a, b, op)? {
            return Ok(r);
        }
        if !reverse_first && let Some(r) = self.rich_one(b, a, swapped(op))? {
            return Ok(r);
        }
        match op {
            CmpOp::Eq => Ok(Value::bool(a == b)),
            CmpOp::NotEq => Ok(Value::bool(a != b)),
            _ => Err(Raise::type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                type_name(a),
                type_name(b)
            ))),
        }
    }

    /// `type(x)`'s comparison slot: the user method, else `object`'s
    /// (identity for `==`, the inverse of `__eq__` for `!=`); None is
    /// `NotImplemented`, returned or implied. A user method's result must
    /// be a bool or `NotImplemented`: anything else would flow into the
    /// compiler's exact-bool conditions.
    fn rich_one(&mut self, x: Value, y: Value, op: CmpOp) -> Result<Option<Value>, Raise> {
        if !class::is_instance(x) {
            return Ok(None);
        }
        if let Some(f) = self.dunder(x, cmp_name(op))? {
            let r = self.call_dunder(f, &[x, y])?;
            if r == Value::NOT_IMPLEMENTED {
                return Ok(None);
            }
            if !r.is_bool() {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            return Ok(Some(r));
        }
        Ok(match op {
            CmpOp::Eq => (x == y).then_some(Value::TRUE),
            CmpOp::NotEq => self
                .rich_one(x, y, CmpOp::Eq)?
                .map(|r| Value::bool(r == Value::FALSE)),
            _ => None,
        })
    }

    /// Truthiness in every tier: `__bool__`, else `__len__`, else true.
    pub(crate) fn truthy_any(&mut self, v: Value) -> Result<bool, Raise> {
        if !class::is_instance(v) {
            return Ok(truthy(v));
        }
        let fuel = self.fuel;
        let r = self.truthy_instance(v);
        self.after_python(fuel, r)
    }

    fn truthy_instance(&mut self, v: Value) -> Result<bool, Raise> {
        if let Some(f) = self.dunder(v, "__bool__")? {
            let r = self.call_dunder(f, &[v])?;
            if !r.is_bool() {
                return Err(Raise::type_error(format!(
                    "__bool__ should return bool, returned {}",
                    type_name(r)
                )));
            }
            return Ok(r == Value::TRUE);
        }
        if let Some(n) = self.len_dunder(v)? {
            return Ok(n != 0);
        }
        Ok(true)
    }

    /// `len(v)` by `__len__`, or None when `v`'s class has none.
    fn len_dunder(&mut self, v: Value) -> Result<Option<i64>, Raise> {
        let Some(f) = self.dunder(v, "__len__")? else {
            return Ok(None);
        };
        let r = self.call_dunder(f, &[v])?;
        if r.is_small_int() || r.is_bool() {
            let n = if r.is_bool() {
                (r == Value::TRUE) as i64
            } else {
                r.small_value()
            };
            if n < 0 {
                return Err(Raise::exc(
                    "ValueError",
                    "__len__() should return >= 0".into(),
                ));
            }
            return Ok(Some(n));
        }
        if int::is_int(r) {
            // Past an index-sized integer: CPython's OverflowError or
            // ValueError, which the language does not reach.
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(r)
        )))
    }

    /// `str(v)` as text: `__str__`, else `__repr__`, else the builtin's.
    pub(crate) fn str_any(&mut self, v: Value) -> Result<String, Raise> {
        if class::has_dunder(v, D_STR)
            && let Some(f) = self.dunder(v, "__str__")?
        {
            return self.text_result(f, v, "__str__");
        }
        if class::has_dunder(v, D_REPR) || self.shows_user_repr(v) {
            return self.repr_any(v);
        }
        crate::runtime::arena_str(self.arena, v)
    }

    /// `repr(v)` as text: `__repr__`, else the builtin's, which calls the
    /// `__repr__` of each instance inside a container in its order.
    pub(crate) fn repr_any(&mut self, v: Value) -> Result<String, Raise> {
        if let Some(f) = self.dunder(v, "__repr__")? {
            return self.text_result(f, v, "__repr__");
        }
        if class::is_instance(v) || !self.shows_user_repr(v) {
            return crate::runtime::arena_repr(self.arena, v);
        }
        // Which instances the repr shows, in order (the text is dropped).
        let found = std::cell::RefCell::new(Vec::new());
        crate::runtime::repr_with(v, &|_| String::new(), &|x| {
            found.borrow_mut().push(x);
            Some(String::new())
        })?;
        let found = found.into_inner();
        if found.is_empty() {
            return crate::runtime::arena_repr(self.arena, v);
        }
        // Their dunders may drop them from the container: rooted meanwhile.
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend_from_slice(&found);
        let mut texts = std::collections::VecDeque::with_capacity(found.len());
        let mut r = Ok(());
        for x in found {
            match self.repr_any(x) {
                Ok(t) => texts.push_back(t),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        self.arena.roots.temps.truncate(mark);
        r?;
        let texts = std::cell::RefCell::new(texts);
        let arena = &*self.arena;
        crate::runtime::repr_with(
            v,
            &|id| arena.names.get(id as usize).cloned().unwrap_or_default(),
            &|_| texts.borrow_mut().pop_front(),
        )
    }

    fn text_result(&mut self, f: Value, v: Value, name: &str) -> Result<String, Raise> {
        let r = self.call_dunder(f, &[v])?;
        if !strs::is_str(r) {
            return Err(Raise::type_error(format!(
                "{name} returned non-string (type {})",
                type_name(r)
            )));
        }
        Ok(strs::text(r).to_string())
    }

    /// `iter(v)` in every tier: `__iter__`, whose result must be an
    /// iterator, else the builtin's (which poisons on an old-style
    /// `__getitem__` iteration).
    pub(crate) fn get_iter_any(&mut self, v: Value) -> Result<Value, Raise> {
        if let Some(f) = self.dunder(v, "__iter__")? {
            let r = self.call_dunder(f, &[v])?;
            if !iters::is_iterator(r) {
                return Err(Raise::type_error(format!(
                    "iter() returned non-iterator of type '{}'",
                    type_name(r)
                )));
            }
            return Ok(r);
        }
        iters::get_iter(self.arena, v)
    }

    /// One step of a user iterator `it` (CPython's `slot_tp_iternext`):
    /// its class's `__next__`, looked up at each step. With `stop_ends`,
    /// a StopIteration it raises (or one of a subclass) is exhaustion, as
    /// for a `for` loop and the builtins that consume iterators, and is
    /// dropped; without, it propagates as raised (`next(it)`).
    pub(crate) fn user_next(&mut self, it: Value, stop_ends: bool) -> Result<Option<Value>, Raise> {
        // None: CPython's `_PyObject_NextNotImplemented` (defensive: the
        // class's `__next__` bit said it has one, and deleting a class
        // attribute poisons).
        let Some(f) = self.dunder(it, "__next__")? else {
            return Err(Raise::type_error(format!(
                "'{}' object is not iterable",
                type_name(it)
            )));
        };
        match self.call_dunder(f, &[it]) {
            Ok(v) => Ok(Some(v)),
            Err(e) if stop_ends && crate::runtime::exceptions::raises(&e, "StopIteration") => {
                self.error_handled();
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// A builtin's iterable argument `x` as the runtime can take it: an
    /// instance's `__iter__` result (rooted in temps), drained into a list
    /// (also rooted) when only the VM can step it; anything else as it is.
    pub(crate) fn iterated_arg(&mut self, x: Value) -> Result<Value, Raise> {
        if !class::is_instance(x) {
            return Ok(x);
        }
        let it = self.get_iter_any(x)?;
        self.arena.roots.temps.push(it);
        if super::generators::needs_vm(it) {
            return self.drain_to_list(it);
        }
        Ok(it)
    }

    /// `c[i]` in tier 1 (the generic stack op elsewhere).
    pub(crate) fn subscript_any(&mut self, c: Value, i: Value) -> Result<Value, Raise> {
        use crate::lang::bytecode::Op;
        let r = self.dunder_stack_op(Op::BinarySubscr, 0, &[c, i]);
        match r.or_else(|| self.user_key_stack_op(Op::BinarySubscr, 0, &[c, i])) {
            Some(r) => r.map(|v| v[0]),
            None => crate::runtime::seq_ops::subscript(self.arena, c, i),
        }
    }

    /// `c[i] = v` in tier 1.
    pub(crate) fn store_subscript_any(
        &mut self,
        c: Value,
        i: Value,
        v: Value,
    ) -> Result<(), Raise> {
        use crate::lang::bytecode::Op;
        let r = self.dunder_stack_op(Op::StoreSubscr, 0, &[v, c, i]);
        match r.or_else(|| self.user_key_stack_op(Op::StoreSubscr, 0, &[v, c, i])) {
            Some(r) => r.map(|_| ()),
            None => crate::runtime::seq_ops::store_subscript(self.arena, c, i, v),
        }
    }

    /// `x in c` (`x not in c` when `negate`) in tier 1.
    pub(crate) fn contains_op_any(
        &mut self,
        x: Value,
        c: Value,
        negate: bool,
    ) -> Result<Value, Raise> {
        use crate::lang::bytecode::Op;
        let ins = [x, c];
        let r = self.dunder_stack_op(Op::ContainsOp, negate as u32, &ins);
        match r.or_else(|| self.user_key_stack_op(Op::ContainsOp, negate as u32, &ins)) {
            Some(r) => r.map(|v| v[0]),
            None => self.contains_items(x, c, negate),
        }
    }

    /// `iter(x)`; the two-argument form (a callable and a sentinel) is
    /// not in the language.
    pub(crate) fn iter_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        match args {
            [x] => self.get_iter_any(*x),
            [] => Err(Raise::type_error(
                "iter expected at least 1 argument, got 0".into(),
            )),
            [_, _] => Err(Raise::Poison(Poison::Unmodelled)),
            _ => Err(Raise::type_error(format!(
                "iter expected at most 2 arguments, got {}",
                args.len()
            ))),
        }
    }

    /// The generic stack ops on an instance with the protocol's dunder
    /// (subscripts, `in`, unpacking); None for everything else.
    pub(crate) fn dunder_stack_op(
        &mut self,
        op: crate::lang::bytecode::Op,
        arg: u32,
        ins: &[Value],
    ) -> Option<Result<Vec<Value>, Raise>> {
        use crate::lang::bytecode::Op;
        let subject = match op {
            Op::BinarySubscr => ins[0],
            Op::StoreSubscr => ins[1],
            Op::ContainsOp => ins[1],
            Op::UnpackSequence | Op::DeleteSubscr | Op::DeleteSlice => ins[0],
            _ => return None,
        };
        if !class::is_instance(subject) {
            return None;
        }
        Some(match op {
            // CPython's `__setitem__` slot also deletes, through a
            // `__delitem__` the language refuses to define.
            Op::DeleteSubscr | Op::DeleteSlice => match self.dunder(subject, "__setitem__") {
                // `collections`' classes (the prelude's) stand for types
                // that do delete.
                Ok(Some(_))
                    if class::name(class::type_of(subject))
                        .starts_with(crate::lang::parse::RESERVED_PREFIX) =>
                {
                    Err(Raise::Poison(Poison::Unmodelled))
                }
                Ok(Some(_)) => Err(Raise::exc("AttributeError", "__delitem__".into())),
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            Op::BinarySubscr => match self.dunder(subject, "__getitem__") {
                Ok(Some(f)) => self.call_dunder(f, &[ins[0], ins[1]]).map(|v| vec![v]),
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            Op::StoreSubscr => match self.dunder(subject, "__setitem__") {
                Ok(Some(f)) => self
                    .call_dunder(f, &[ins[1], ins[2], ins[0]])
                    .map(|_| vec![]),
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            Op::ContainsOp => self
                .contains_any(ins[0], subject)
                .map(|r| vec![Value::bool(r != (arg == 1))]),
            _ => self.unpack_any(subject, arg as usize),
        })
    }

    /// `x in c` for an instance `c`: `__contains__`, else a search of
    /// `iter(c)` (identity, then `==`), else the builtin's TypeError.
    fn contains_any(&mut self, x: Value, c: Value) -> Result<bool, Raise> {
        if let Some(f) = self.dunder(c, "__contains__")? {
            let r = self.call_dunder(f, &[c, x])?;
            let n = self.arena.roots.temps.len();
            self.arena.roots.temps.push(r);
            let t = self.truthy_any(r);
            self.arena.roots.temps.truncate(n);
            return t;
        }
        if !class::has_dunder(c, D_ITER) {
            if class::has_dunder(c, D_GETITEM) {
                // CPython's old-style search by `__getitem__`: unmodelled.
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            return seq::contains(c, x);
        }
        let it = self.get_iter_any(c)?;
        let n = self.arena.roots.temps.len();
        self.arena.roots.temps.extend([it, x]);
        let r = self.search(it, x);
        self.arena.roots.temps.truncate(n);
        r
    }

    fn search(&mut self, it: Value, x: Value) -> Result<bool, Raise> {
        while let Some(item) = self.iter_next(it)? {
            if item == x {
                return Ok(true);
            }
            self.arena.roots.temps.push(item);
            let eq = self.compare_any(CmpOp::Eq, item, x);
            self.arena.roots.temps.pop();
            if eq? == Value::TRUE {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `a, b = c` for an instance `c`: its `__iter__`'s items.
    fn unpack_any(&mut self, c: Value, n: usize) -> Result<Vec<Value>, Raise> {
        if self.dunder(c, "__iter__")?.is_none() {
            if class::has_dunder(c, D_GETITEM) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            return crate::runtime::seq_ops::unpack(self.arena, c, n);
        }
        let it = self.get_iter_any(c)?;
        if super::generators::needs_vm(it) {
            // A generator `__iter__`: only the VM can step it.
            self.arena.roots.temps.push(it);
            let r = self.gen_unpack(it, n);
            self.arena.roots.temps.pop();
            return r;
        }
        self.arena.roots.temps.push(it);
        let r = seq::rooted(self.arena, |arena| {
            crate::runtime::seq_ops::unpack(arena, it, n)
        });
        self.arena.roots.temps.pop();
        let mut items = r?;
        items.reverse();
        Ok(items)
    }

    /// The builtins whose work on an instance is its dunder (`len`,
    /// `str`, `repr`), and those that iterate their argument, which gets
    /// `iter()` first as CPython's `PyObject_GetIter` does; None when no
    /// argument is an instance with the dunder.
    pub(crate) fn dunder_builtin(
        &mut self,
        f: Value,
        args: &[Value],
    ) -> Option<Result<Value, Raise>> {
        let one = args.len() == 1;
        // Only `str`/`repr` look inside a container (a scan per call).
        let text = matches!(f, Value::BUILTIN_STR | Value::BUILTIN_REPR);
        let relevant = args.iter().any(|a| class::is_instance(*a))
            || (text && one && self.shows_user_repr(args[0]));
        if !relevant {
            return None;
        }
        Some(match f {
            Value::BUILTIN_ABS if one => match self.abs_dunder(args[0]) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            Value::BUILTIN_LEN if one => match self.len_dunder(args[0]) {
                Ok(Some(n)) => Ok(Value::small(n)),
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            Value::BUILTIN_STR if one && self.shows_user_repr(args[0]) => self
                .str_any(args[0])
                .and_then(|s| strs::new(self.arena, &s)),
            Value::BUILTIN_REPR if one && self.shows_user_repr(args[0]) => self
                .repr_any(args[0])
                .and_then(|s| strs::new(self.arena, &s)),
            Value::BUILTIN_LIST
            | Value::BUILTIN_TUPLE
            | Value::BUILTIN_SET
            | Value::BUILTIN_SORTED
            | Value::BUILTIN_SUM
            | Value::BUILTIN_ENUMERATE
                if class::has_dunder(args[0], D_ITER) =>
            {
                self.with_iterators(f, args, 1)
            }
            Value::BUILTIN_MIN | Value::BUILTIN_MAX
                if one && class::has_dunder(args[0], D_ITER) =>
            {
                self.with_iterators(f, args, 1)
            }
            Value::BUILTIN_ZIP if args.iter().any(|a| class::has_dunder(*a, D_ITER)) => {
                self.with_iterators(f, args, args.len())
            }
            _ => return None,
        })
    }

    /// Whether `str(v)`/`repr(v)` would call a user dunder: `v` is an
    /// instance with one, or a list, tuple or dict holding one (at any
    /// depth; `repr_any` finds which).
    fn shows_user_repr(&self, v: Value) -> bool {
        if class::is_instance(v) {
            return class::has_dunder(v, D_STR | D_REPR);
        }
        // No class of the program can have one. (A set shows instances in
        // its order only when their class has a user `__hash__`.)
        if self.program.name_id("__repr__").is_none()
            || !(seq::is_seq(v)
                || crate::runtime::pydict::is_dict(v)
                || crate::runtime::pyset::is_set(v))
        {
            return false;
        }
        let any = std::cell::Cell::new(false);
        let _ = crate::runtime::repr_with(v, &|_| String::new(), &|_| {
            any.set(true);
            Some(String::new())
        });
        any.get()
    }

    /// Calls builtin `f` with its first `n` arguments replaced by their
    /// iterators (rooted until it returns).
    fn with_iterators(&mut self, f: Value, args: &[Value], n: usize) -> Result<Value, Raise> {
        let mark = self.arena.roots.temps.len();
        let mut full = args.to_vec();
        let mut r = Ok(());
        for a in full.iter_mut().take(n) {
            if !class::has_dunder(*a, D_ITER) {
                continue;
            }
            match self.get_iter_any(*a) {
                Ok(it) => {
                    self.arena.roots.temps.push(it);
                    *a = it;
                }
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        let v = r.and_then(|_| self.call_on_iterators(f, &mut full, n));
        self.arena.roots.temps.truncate(mark);
        v
    }

    /// Builtin `f` on arguments whose first `n` instances were replaced by
    /// their `__iter__` results (rooted by the caller). A result that is a
    /// user iterator is stepped here, never handed to the builtin, which
    /// would take it for an argument not yet iterated: drained into a list
    /// for the builtins that consume it whole, pulled lazily by `sum`,
    /// `min` and `max`, wrapped as it is by `enumerate` and `zip`.
    fn call_on_iterators(
        &mut self,
        f: Value,
        full: &mut [Value],
        n: usize,
    ) -> Result<Value, Raise> {
        let user = |v: &Value| class::is_instance(*v) && iters::is_iterator(*v);
        if !full.iter().take(n).any(user) {
            return self.call_builtin(f, full);
        }
        match f {
            Value::BUILTIN_SUM => {
                let start = full.get(1).copied().unwrap_or(Value::small(0));
                self.sum_lazy(full[0], start)
            }
            // `with_iterators` already called the argument's `__iter__`.
            Value::BUILTIN_MIN | Value::BUILTIN_MAX => self.min_max_lazy(
                f == Value::BUILTIN_MIN,
                full,
                Value::NULL,
                Value::NULL,
                false,
                true,
            ),
            Value::BUILTIN_ENUMERATE => iters::enumerate_iterated(self.arena, full),
            Value::BUILTIN_ZIP => iters::zip_iterated(self.arena, full),
            _ => {
                for a in full.iter_mut().take(n) {
                    if user(a) {
                        *a = self.drain_to_list(*a)?;
                    }
                }
                self.call_builtin(f, full)
            }
        }
    }
}
