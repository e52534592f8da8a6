//! Operator and protocol dunders of user classes in the reference, from
//! CPython 3.11's `typeobject.c` (`SLOT1BINFULL`, `slot_tp_richcompare`,
//! `slot_nb_bool`, `slot_sq_length`, `slot_tp_iter`, `slot_tp_repr`) and
//! `object.c`/`abstract.c` (`do_richcompare`, `binary_op1`,
//! `PyObject_GetIter`, `_PySequence_IterSearch`), not from the VM.
//!
//! The evaluator's own operations on an instance call these; code that
//! cannot call Python (a builtin's iteration or comparison of items, a
//! format's `%s`) poisons where CPython would call a user dunder, as the
//! language defines it (see [`has_dunder`] and its callers).

use std::rc::Rc;

use jitdiff_vm::lang::ast::{BinOp, CmpOp, UnaryOp};
use jitdiff_vm::lang::outcome::Poison;

use super::super::classes::{Attr, Found};
use super::super::seq;
use super::super::value::{Builtin, FuncObj, Int, Value};
use super::{Interp, Res, poison, type_error, value_error};

/// Whether `iter(v)` accepts `v` by its type (CPython's `tp_iter` or
/// sequence check): what `*v` in a call or a display asks before it
/// rewords `iter()`'s TypeError.
pub fn iterable_type(v: &Value) -> bool {
    match v {
        Value::Gen(_) => true,
        Value::Instance(_) => has_dunder(v, &["__iter__", "__getitem__"]),
        _ => seq::Items::of(v).is_some(),
    }
}

/// Whether `v` is an instance whose class (or a base) has any of `names`.
pub fn has_dunder(v: &Value, names: &[&str]) -> bool {
    match v {
        Value::Instance(o) => {
            let c = o.class();
            names.iter().any(|n| c.lookup(n).is_some())
        }
        _ => false,
    }
}

/// The rich comparisons' names.
pub const CMP: &[&str] = &["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"];
/// The arithmetic operators' names.
pub const ARITH: &[&str] = &[
    "__add__",
    "__sub__",
    "__mul__",
    "__radd__",
    "__rsub__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
];

/// Iteration by code that cannot call Python (a builtin's or a method's
/// own): an instance with `__iter__` or `__getitem__` poisons there.
pub fn iteration_poison(v: &Value) -> Option<Box<super::Stop>> {
    has_dunder(v, &["__iter__", "__getitem__"]).then(|| poison(Poison::Unmodelled))
}

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

fn same_class(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => Rc::ptr_eq(&x.class(), &y.class()),
        _ => false,
    }
}

/// `type(b)` is a proper subclass of `type(a)` (both instances).
fn proper_subclass(b: &Value, a: &Value) -> bool {
    match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => {
            let (ca, cb) = (x.class().clone(), y.class().clone());
            !Rc::ptr_eq(&ca, &cb) && cb.derives_from(&ca)
        }
        _ => false,
    }
}

impl<'p> Interp<'p> {
    /// The function `type(v)` has for `name`, if `v` is an instance whose
    /// class has one; anything else there is unmodelled.
    pub(super) fn dunder(&self, v: &Value, name: &str) -> Res<Option<Rc<FuncObj>>> {
        let Value::Instance(o) = v else {
            return Ok(None);
        };
        let found = o.class().lookup(name);
        match found {
            None => Ok(None),
            Some(Found::Attr(Attr::Plain(Value::Func(f)))) => Ok(Some(f)),
            Some(_) => Err(poison(Poison::Unmodelled)),
        }
    }

    pub(super) fn call_dunder(&mut self, f: Rc<FuncObj>, args: Vec<Value>) -> Res<Value> {
        let base = self.stack.len();
        self.stack.extend(args);
        self.call(Value::Func(f), base)
    }

    /// Unary `-`, `+` or `~` of an instance: its class's `__neg__`,
    /// `__pos__` or `__invert__` (None without one: the operator's
    /// TypeError follows).
    pub(super) fn unary_dunder(&mut self, op: UnaryOp, v: &Value) -> Res<Option<Value>> {
        let name = match op {
            UnaryOp::Neg => "__neg__",
            UnaryOp::Pos => "__pos__",
            UnaryOp::Invert => "__invert__",
            UnaryOp::Not => return Ok(None),
        };
        match self.dunder(v, name)? {
            Some(f) => self.call_dunder(f, vec![v.clone()]).map(Some),
            None => Ok(None),
        }
    }

    /// `a op b` (also `a op= b`): the user's operators, then the builtin
    /// operation (or its TypeError).
    pub(super) fn binop_dunder(&mut self, op: BinOp, a: &Value, b: &Value) -> Res<Option<Value>> {
        let (fwd, refl) = match op {
            BinOp::Add => ("__add__", "__radd__"),
            BinOp::Sub => ("__sub__", "__rsub__"),
            BinOp::Mul => ("__mul__", "__rmul__"),
            BinOp::Div => ("__truediv__", "__rtruediv__"),
            BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
            // `str % x` is str's own formatting: str has the slot and never
            // declines, so no `__rmod__` is asked.
            BinOp::Mod if matches!(a, Value::Str(_)) => return Ok(None),
            BinOp::Mod => ("__mod__", "__rmod__"),
            _ => return Ok(None),
        };
        let same = same_class(a, b);
        let a_fwd = self.dunder(a, fwd)?;
        let a_refl = self.dunder(a, refl)?;
        let b_refl = if same { None } else { self.dunder(b, refl)? };
        let b_slot = !same && (b_refl.is_some() || self.dunder(b, fwd)?.is_some());
        let mut do_other = b_slot;
        if a_fwd.is_some() || a_refl.is_some() {
            if do_other && proper_subclass(b, a) {
                let overrides = match (&b_refl, &a_refl) {
                    (Some(x), Some(y)) => !Rc::ptr_eq(x, y),
                    (Some(_), None) => true,
                    _ => false,
                };
                if overrides && let Some(f) = b_refl.clone() {
                    let r = self.call_dunder(f, vec![b.clone(), a.clone()])?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(Some(r));
                    }
                }
                do_other = false;
            }
            if let Some(f) = a_fwd {
                let r = self.call_dunder(f, vec![a.clone(), b.clone()])?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(Some(r));
                }
            }
            if same {
                return Ok(None);
            }
        }
        match b_refl {
            Some(f) if do_other => {
                let r = self.call_dunder(f, vec![b.clone(), a.clone()])?;
                Ok((!matches!(r, Value::NotImplemented)).then_some(r))
            }
            _ => Ok(None),
        }
    }

    /// A rich comparison with an instance operand (`do_richcompare`).
    pub(super) fn compare_dunder(&mut self, op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
        let reverse_first = proper_subclass(b, a);
        if reverse_first && let Some(r) = self.rich_one(b, a, swapped(op))? {
            return Ok(r);
        }
        if let Some(r) = self.rich_one(a, b, op)? {
            return Ok(r);
        }
        if !reverse_first && let Some(r) = self.rich_one(b, a, swapped(op))? {
            return Ok(r);
        }
        let same = super::super::compare::identical(a, b)?;
        match op {
            CmpOp::Eq => Ok(same),
            CmpOp::NotEq => Ok(!same),
            _ => Err(type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ))),
        }
    }

    /// `a op b` at top level, instances' dunders included.
    pub(super) fn compare_value(&mut self, op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
        let inst = |v: &Value| matches!(v, Value::Instance(_));
        match op {
            CmpOp::In if inst(b) => self.contains_dunder(b, a),
            CmpOp::NotIn if inst(b) => self.contains_dunder(b, a).map(|r| !r),
            CmpOp::In => self.contains_items(b, a),
            CmpOp::NotIn => self.contains_items(b, a).map(|r| !r),
            CmpOp::Is | CmpOp::IsNot => super::super::compare::compare(op, a, b),
            _ if inst(a) || inst(b) => self.compare_dunder(op, a, b),
            _ if matches!(
                (a, b),
                (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_))
            ) =>
            {
                self.compare_sequences(op, a, b)
            }
            _ => super::super::compare::compare(op, a, b),
        }
    }

    /// `type(x)`'s comparison: the user's method (whose result must be a
    /// bool or `NotImplemented` in the language), else `object`'s; None is
    /// `NotImplemented`, returned or implied.
    fn rich_one(&mut self, x: &Value, y: &Value, op: CmpOp) -> Res<Option<bool>> {
        if !matches!(x, Value::Instance(_)) {
            return Ok(None);
        }
        if let Some(f) = self.dunder(x, cmp_name(op))? {
            return match self.call_dunder(f, vec![x.clone(), y.clone()])? {
                Value::Bool(r) => Ok(Some(r)),
                Value::NotImplemented => Ok(None),
                _ => Err(poison(Poison::Unmodelled)),
            };
        }
        Ok(match op {
            CmpOp::Eq => super::super::compare::identical(x, y)?.then_some(true),
            CmpOp::NotEq => self.rich_one(x, y, CmpOp::Eq)?.map(|r| !r),
            _ => None,
        })
    }

    /// Truthiness: `__bool__`, else `__len__`, else true.
    pub(super) fn truth(&mut self, v: &Value) -> Res<bool> {
        if !matches!(v, Value::Instance(_)) {
            return Ok(v.truthy());
        }
        if let Some(f) = self.dunder(v, "__bool__")? {
            return match self.call_dunder(f, vec![v.clone()])? {
                Value::Bool(b) => Ok(b),
                other => Err(type_error(format!(
                    "__bool__ should return bool, returned {}",
                    other.type_name()
                ))),
            };
        }
        Ok(self.len_dunder(v)?.is_none_or(|n| n != 0))
    }

    fn len_dunder(&mut self, v: &Value) -> Res<Option<i64>> {
        let Some(f) = self.dunder(v, "__len__")? else {
            return Ok(None);
        };
        let r = self.call_dunder(f, vec![v.clone()])?;
        let n = match &r {
            Value::Bool(b) => i64::from(*b),
            Value::Int(Int::Small(n)) if n.unsigned_abs() < (1 << 62) => *n,
            Value::Int(_) => return Err(poison(Poison::Unmodelled)),
            other => {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                )));
            }
        };
        if n < 0 {
            return Err(value_error("__len__() should return >= 0".into()));
        }
        Ok(Some(n))
    }

    fn text_dunder(&mut self, f: Rc<FuncObj>, v: &Value, name: &str) -> Res<String> {
        match self.call_dunder(f, vec![v.clone()])? {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(type_error(format!(
                "{name} returned non-string (type {})",
                other.type_name()
            ))),
        }
    }

    /// `repr(v)`: an instance's `__repr__`, and a container's items'.
    pub(super) fn repr_any(&mut self, v: &Value) -> Res<String> {
        if let Some(f) = self.dunder(v, "__repr__")? {
            return self.text_dunder(f, v, "__repr__");
        }
        let mut hook = |x: &Value| self.repr_any(x);
        super::super::compare::repr_hooked(v, &mut hook)
    }

    /// `str(v)`: `__str__`, else `repr`.
    pub(super) fn str_any(&mut self, v: &Value) -> Res<String> {
        if let Some(f) = self.dunder(v, "__str__")? {
            return self.text_dunder(f, v, "__str__");
        }
        match v {
            Value::Str(_) | Value::Exc(_) => super::super::strs::str_of(v),
            // A user exception class without `__str__` has
            // BaseException's (its args), not the repr.
            Value::Instance(_) if super::super::exceptions::parts(v).is_some() => {
                super::super::strs::str_of(v)
            }
            _ => self.repr_any(v),
        }
    }

    /// `iter(v)`: `__iter__` (its result must be an iterator), else the
    /// builtin's iterator.
    pub(super) fn iter_any(&mut self, v: &Value) -> Res<Value> {
        if let Some(f) = self.dunder(v, "__iter__")? {
            let r = self.call_dunder(f, vec![v.clone()])?;
            // A generator is an iterator too (`__iter__` written with
            // `yield`), and so is an instance whose class has `__next__`.
            let user = matches!(r, Value::Instance(_)) && self.dunder(&r, "__next__")?.is_some();
            if !user && !matches!(r, Value::Iter(_) | Value::Gen(_)) {
                return Err(type_error(format!(
                    "iter() returned non-iterator of type '{}'",
                    r.type_name()
                )));
            }
            return Ok(r);
        }
        if let Value::Iter(_) | Value::Gen(_) = v {
            return Ok(v.clone());
        }
        if let Some(p) = iteration_poison(v) {
            return Err(p);
        }
        super::super::iters::iter_of(v).ok_or_else(|| seq::not_iterable(v))
    }

    /// What a `for` loop or a comprehension walks: an instance's
    /// `__iter__` result (possibly a generator), anything else itself.
    pub(super) fn src_any(&mut self, v: &Value) -> Res<super::generators::Src> {
        if matches!(v, Value::Instance(_)) {
            let it = self.iter_any(v)?;
            return self.src_of(&it);
        }
        self.src_of(v)
    }

    /// `a, b = v` for an instance `v`: its iterator's items.
    pub(super) fn unpack_source(&mut self, v: &Value) -> Res<Value> {
        if self.dunder(v, "__iter__")?.is_some() {
            return self.iter_any(v).map(super::generators::stepped);
        }
        if let Some(p) = iteration_poison(v) {
            return Err(p);
        }
        Ok(v.clone())
    }

    /// `x in c` for an instance `c`.
    pub(super) fn contains_dunder(&mut self, c: &Value, x: &Value) -> Res<bool> {
        if let Some(f) = self.dunder(c, "__contains__")? {
            let r = self.call_dunder(f, vec![c.clone(), x.clone()])?;
            return self.truth(&r);
        }
        if self.dunder(c, "__iter__")?.is_none() {
            if let Some(p) = iteration_poison(c) {
                return Err(p);
            }
            return super::super::compare::contains(c, x);
        }
        let it = self.iter_any(c)?;
        // `src_of`: the iterator may be a generator (`__iter__` yields).
        let mut src = self.src_of(&it)?;
        while let Some(item) = self.step_src(&mut src)? {
            if let (Value::Instance(p), Value::Instance(q)) = (&item, x)
                && Rc::ptr_eq(p, q)
            {
                return Ok(true);
            }
            if self.compare_value(CmpOp::Eq, &item, x)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `v[i]` by `__getitem__`, None when `v`'s class has none.
    pub(super) fn getitem_dunder(&mut self, v: &Value, i: &Value) -> Res<Option<Value>> {
        match self.dunder(v, "__getitem__")? {
            Some(f) => self.call_dunder(f, vec![v.clone(), i.clone()]).map(Some),
            None => Ok(None),
        }
    }

    /// `v[i] = x` by `__setitem__`; false when `v`'s class has none.
    pub(super) fn setitem_dunder(&mut self, v: &Value, i: &Value, x: &Value) -> Res<bool> {
        match self.dunder(v, "__setitem__")? {
            Some(f) => self
                .call_dunder(f, vec![v.clone(), i.clone(), x.clone()])
                .map(|_| true),
            None => Ok(false),
        }
    }

    /// A builtin call whose work on an instance argument is a dunder (or
    /// that iterates one: it gets `iter()` first, as CPython's builtins
    /// call `PyObject_GetIter`); None to call the builtin as it is.
    pub(super) fn builtin_dunder(&mut self, b: Builtin, base: usize) -> Res<Option<Value>> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let one = args.len() == 1;
        let user_text = |v: &Value| {
            has_dunder(v, &["__repr__", "__str__"])
                || matches!(
                    v,
                    Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_)
                ) && super::super::compare::shows_user_repr(v)
        };
        let iterable = |v: &Value| has_dunder(v, &["__iter__"]);
        let r = match b {
            Builtin::Abs if one && matches!(args[0], Value::Instance(_)) => {
                match self.dunder(&args[0], "__abs__")? {
                    Some(f) => self.call_dunder(f, vec![args[0].clone()])?,
                    None => return Ok(None),
                }
            }
            Builtin::Len if one && matches!(args[0], Value::Instance(_)) => {
                match self.len_dunder(&args[0])? {
                    Some(n) => Value::Int(Int::Small(n)),
                    None => return Ok(None),
                }
            }
            Builtin::Str if one && user_text(&args[0]) => {
                Value::Str(Rc::from(self.str_any(&args[0])?))
            }
            Builtin::Repr if one && user_text(&args[0]) => {
                Value::Str(Rc::from(self.repr_any(&args[0])?))
            }
            Builtin::Print if args.iter().any(user_text) => {
                let mut texts = Vec::with_capacity(args.len());
                for a in &args {
                    texts.push(Value::Str(Rc::from(self.str_any(a)?)));
                }
                self.stack.truncate(base);
                self.stack.extend(texts);
                return Ok(None);
            }
            Builtin::Iter => match args.as_slice() {
                [x] => self.iter_any(x)?,
                [] => {
                    return Err(type_error(
                        "iter expected at least 1 argument, got 0".into(),
                    ));
                }
                [_, _] => return Err(poison(Poison::Unmodelled)),
                _ => {
                    return Err(type_error(format!(
                        "iter expected at most 2 arguments, got {}",
                        args.len()
                    )));
                }
            },
            Builtin::List
            | Builtin::Tuple
            | Builtin::Set
            | Builtin::Sorted
            | Builtin::Sum
            | Builtin::Enumerate
                if args.first().is_some_and(iterable) =>
            {
                let it = self.iter_any(&args[0])?;
                self.stack[base] = super::generators::stepped(it);
                return Ok(None);
            }
            Builtin::Min | Builtin::Max if one && iterable(&args[0]) => {
                let it = self.iter_any(&args[0])?;
                self.stack[base] = super::generators::stepped(it);
                return Ok(None);
            }
            Builtin::Zip if args.iter().any(iterable) => {
                for (k, a) in args.iter().enumerate() {
                    if iterable(a) {
                        let it = self.iter_any(a)?;
                        self.stack[base + k] = super::generators::stepped(it);
                    }
                }
                return Ok(None);
            }
            _ => return Ok(None),
        };
        Ok(Some(r))
    }
}
