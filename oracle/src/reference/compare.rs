//! Comparisons, membership and repr, containers and strings included
//! (CPython 3.11's `list_richcompare`, `tuplerichcompare`, `list_contains`,
//! `range_contains`, `list_repr`/`tuplerepr` with `Py_ReprEnter`).
//!
//! Two language rules live here:
//! - Container nesting: every list or tuple a repr visits, and every
//!   list/list or tuple/tuple pair a comparison looks into, counts one
//!   level (the operands of `==`, the argument of `print` are level 1; the
//!   elements `in`, `index` and `count` compare against are level 2, the
//!   searched container being level 1). A level past
//!   `MAX_CONTAINER_NESTING` poisons with `Recursion`, checked before
//!   anything else at that level.
//! - Identity: element comparisons are CPython's `is`-then-`==`. Lists,
//!   tuples and dicts have faithful identities here; floats do not, so a
//!   NaN met by a NaN in an element comparison poisons with `Identity`.
//! - `is` / `is not` (see [`identical`]): defined when either operand is
//!   None, True or False, when the types differ, and between objects whose
//!   identity the language models (lists, dicts, views, functions,
//!   builtins). Two ints, floats, strs, tuples or ranges poison with
//!   `Identity`: CPython's caching and constant sharing decide that.

use std::cmp::Ordering;
use std::fmt::Write;
use std::rc::Rc;

use jitdiff_vm::lang::ast::CmpOp;
use jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING;
use jitdiff_vm::lang::outcome::Poison;

use super::dict::{self, ViewKind};
use super::eval::{Res, poison, type_error};
use super::float::{self, Num};
use super::value::{RangeObj, Value, num_cmp};

/// Enters one more container level (`level` were entered already).
fn enter(level: usize) -> Res<usize> {
    if level >= MAX_CONTAINER_NESTING {
        return Err(poison(Poison::Recursion));
    }
    Ok(level + 1)
}

/// `repr(v)` (also `str(v)` for everything but a string, see
/// [`super::strs::str_of`]).
pub fn repr(v: &Value) -> Res<String> {
    repr_capped(v, usize::MAX)
}

/// What a repr does with an instance whose class has a user `__repr__`.
enum UserRepr<'a> {
    /// Poison: only a call could give its text, which this code cannot make.
    Poison,
    /// The default `<__main__.C object>` (the globals dump runs no code).
    Default,
    /// The evaluator's call of it.
    Call(&'a mut dyn FnMut(&Value) -> Res<String>),
}

/// `repr(v)` for the globals dump: instances as their default repr.
pub fn repr_dump(v: &Value) -> Res<String> {
    repr_mode(v, usize::MAX, UserRepr::Default)
}

/// `repr(v)` calling `user` for each instance with a user `__repr__`, in
/// CPython's order.
pub fn repr_hooked(v: &Value, user: &mut dyn FnMut(&Value) -> Res<String>) -> Res<String> {
    repr_mode(v, usize::MAX, UserRepr::Call(user))
}

/// Whether `repr(v)` would call a user `__repr__` (of `v` or an item).
pub fn shows_user_repr(v: &Value) -> bool {
    let mut any = false;
    let mut note = |_: &Value| {
        any = true;
        Ok(String::new())
    };
    let _ = repr_mode(v, usize::MAX, UserRepr::Call(&mut note));
    any
}

fn repr_mode(v: &Value, limit: usize, user: UserRepr) -> Res<String> {
    let mut r = Repr {
        out: String::new(),
        active: Vec::new(),
        limit,
        user,
    };
    r.write(v, 0)?;
    Ok(r.out)
}

/// `repr(v)` as a string value: poisons with `SequenceTooLong` as soon as
/// the text passes `limit` characters (so a list of a million references
/// to a long string costs no more than the cap).
pub fn repr_capped(v: &Value, limit: usize) -> Res<String> {
    repr_mode(v, limit, UserRepr::Poison)
}

struct Repr<'a> {
    out: String,
    /// The containers being printed (CPython's `Py_ReprEnter` list).
    active: Vec<*const ()>,
    limit: usize,
    user: UserRepr<'a>,
}

impl Repr<'_> {
    fn write(&mut self, v: &Value, level: usize) -> Res<()> {
        if self.out.len() > self.limit {
            return Err(poison(Poison::SequenceTooLong));
        }
        match v {
            Value::List(l) => {
                let id = Rc::as_ptr(l).cast();
                self.items(id, &l.items.borrow(), ["[", "]", "[...]"], level)
            }
            Value::Tuple(t) => {
                let id = Rc::as_ptr(t).cast();
                self.items(id, &t.items, ["(", ")", "(...)"], level)
            }
            Value::Dict(d) => self.dict(d, level),
            // CPython's repr shows the generator's address; the globals
            // dump (never compared with CPython) writes none, as the VM's.
            Value::Gen(_) if matches!(self.user, UserRepr::Default) => {
                self.out.push_str("<generator object>");
                Ok(())
            }
            Value::Gen(_) => Err(poison(Poison::Identity)),
            // CPython shows the module's file or the `Random` instance's
            // address; the globals dump writes neither, as the VM's.
            Value::Rand(r) if matches!(self.user, UserRepr::Default) => {
                self.out.push_str(&super::random::dump_repr(*r));
                Ok(())
            }
            Value::Rand(_) => Err(poison(Poison::Identity)),
            Value::View(view) => self.view(view, level),
            // `ValueError('x', 2)`, `MyError('x')` for a user class.
            Value::Exc(_) | Value::Instance(_) if super::exceptions::parts(v).is_some() => {
                let Some((_, args)) = super::exceptions::parts(v) else {
                    return Ok(());
                };
                let level = enter(level)?;
                self.out.push_str(&v.type_name());
                self.out.push('(');
                for (i, a) in args.items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.write(a, level)?;
                }
                self.out.push(')');
                Ok(())
            }
            // The globals dump (never compared with CPython) shows a set whose
            // CPython order varies between processes with its items sorted by
            // their reprs, as the VM's dump does; printed, it poisons.
            Value::Set(s)
                if matches!(self.user, UserRepr::Default) && !s.data.borrow().order_is_stable() =>
            {
                let level = enter(level)?;
                let mut items = Vec::new();
                for x in s.data.borrow().elements_any_order() {
                    let outer = std::mem::take(&mut self.out);
                    let written = self.write(&x, level);
                    items.push(std::mem::replace(&mut self.out, outer));
                    written?;
                }
                items.sort_unstable();
                self.out.push('{');
                self.out.push_str(&items.join(", "));
                self.out.push('}');
                Ok(())
            }
            Value::Set(s) => match super::set::repr_elements(s)? {
                None => {
                    self.out.push_str("set()");
                    Ok(())
                }
                Some(items) => {
                    let level = enter(level)?;
                    self.out.push('{');
                    for (i, x) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.write(x, level)?;
                    }
                    self.out.push('}');
                    Ok(())
                }
            },
            Value::Instance(_)
                if !matches!(self.user, UserRepr::Default)
                    && super::eval::dunders::has_dunder(v, &["__repr__"]) =>
            {
                match &mut self.user {
                    UserRepr::Call(f) => {
                        let text = f(v)?;
                        self.out.push_str(&text);
                        Ok(())
                    }
                    _ => Err(poison(Poison::Unmodelled)),
                }
            }
            other => {
                // Writing to a String cannot fail.
                let _ = write!(self.out, "{other}");
                if self.out.len() > self.limit {
                    return Err(poison(Poison::SequenceTooLong));
                }
                Ok(())
            }
        }
    }

    /// `{k: v, ...}`, `{...}` inside itself.
    fn dict(&mut self, d: &Rc<dict::DictObj>, level: usize) -> Res<()> {
        let level = enter(level)?;
        let id = Rc::as_ptr(d).cast();
        let pairs = d.pairs();
        if pairs.is_empty() {
            self.out.push_str("{}");
            return Ok(());
        }
        if self.active.contains(&id) {
            self.out.push_str("{...}");
            return Ok(());
        }
        self.active.push(id);
        self.out.push('{');
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(k, level)?;
            self.out.push_str(": ");
            self.write(v, level)?;
        }
        self.out.push('}');
        self.active.pop();
        if self.out.len() > self.limit {
            return Err(poison(Poison::SequenceTooLong));
        }
        Ok(())
    }

    /// `dict_keys([1, 2])`: the view's type, then its items as a list
    /// (a fresh list, one more level); `...` inside itself.
    fn view(&mut self, view: &Rc<dict::ViewObj>, level: usize) -> Res<()> {
        let level = enter(level)?;
        let id = Rc::as_ptr(view).cast();
        if self.active.contains(&id) {
            self.out.push_str("...");
            return Ok(());
        }
        self.active.push(id);
        self.out.push_str(view.kind.type_name());
        self.out.push('(');
        // The list CPython makes is fresh, so it never repeats itself.
        let list_level = enter(level)?;
        self.out.push('[');
        for (i, x) in dict::view_items(&view.dict, view.kind).iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(x, list_level)?;
        }
        self.out.push_str("])");
        self.active.pop();
        Ok(())
    }

    fn items(&mut self, id: *const (), items: &[Value], marks: [&str; 3], level: usize) -> Res<()> {
        let level = enter(level)?;
        let [open, close, again] = marks;
        if items.is_empty() {
            self.out.push_str(open);
            self.out.push_str(close);
            return Ok(());
        }
        if self.active.contains(&id) {
            self.out.push_str(again);
            return Ok(());
        }
        self.active.push(id);
        self.out.push_str(open);
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(x, level)?;
        }
        // A one-element tuple keeps its comma: `(1,)`.
        if open == "(" && items.len() == 1 {
            self.out.push(',');
        }
        self.out.push_str(close);
        self.active.pop();
        if self.out.len() > self.limit {
            return Err(poison(Poison::SequenceTooLong));
        }
        Ok(())
    }
}

/// `a op b` for any comparison operator, at top level.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
    match op {
        CmpOp::In => contains(b, a),
        CmpOp::NotIn => contains(b, a).map(|r| !r),
        CmpOp::Is => identical(a, b),
        CmpOp::IsNot => identical(a, b).map(|r| !r),
        _ => rich(op, a, b, 0),
    }
}

/// The comparison of two values one of which is an instance whose class
/// defines a rich comparison: CPython calls the user's method from inside
/// the builtin (an item of a container, a sort, `min`/`max`), which only
/// the evaluator can do (`Interp::compare_dunder`), so the item
/// comparisons here take it as an argument. Code that cannot call Python
/// passes [`unmodelled_user_compare`].
pub type UserCmp<'a> = dyn FnMut(CmpOp, &Value, &Value) -> Res<bool> + 'a;

/// The [`UserCmp`] of code that cannot call Python: it poisons.
pub fn unmodelled_user_compare(_: CmpOp, _: &Value, _: &Value) -> Res<bool> {
    Err(poison(Poison::Unmodelled))
}

/// A rich comparison (`==` ... `>=`) below `level` container levels.
pub fn rich(op: CmpOp, a: &Value, b: &Value, level: usize) -> Res<bool> {
    rich_by(op, a, b, level, &mut unmodelled_user_compare)
}

/// [`rich`], an instance's comparison method run by `user`.
pub fn rich_by(op: CmpOp, a: &Value, b: &Value, level: usize, user: &mut UserCmp) -> Res<bool> {
    use super::eval::dunders::{CMP, has_dunder};
    if has_dunder(a, CMP) || has_dunder(b, CMP) {
        return user(op, a, b);
    }
    // Arrays compare item-wise with arrays only: not modelled (nor the
    // array module and type, compared by identity).
    if matches!(a, Value::Arr(_)) || matches!(b, Value::Arr(_)) {
        return Err(poison(Poison::Unmodelled));
    }
    // CPython compares two bound methods' receivers by identity, which for
    // an immutable receiver is outside the language.
    if let (Value::Bound(x), Value::Bound(y)) = (a, b)
        && !Rc::ptr_eq(x, y)
    {
        return Err(poison(Poison::Identity));
    }
    if let Some(r) = super::set::rich(op, a, b) {
        return r;
    }
    match (a, b) {
        (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
            seq_rich(op, a, b, level, user)
        }
        (Value::Dict(x), Value::Dict(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
            let level = enter(level)?;
            let eq = dict::dicts_equal(x, y, level)?;
            Ok(eq == (op == CmpOp::Eq))
        }
        (Value::View(x), Value::View(y))
            if x.kind != ViewKind::Values && y.kind != ViewKind::Values =>
        {
            view_rich(op, x, y)
        }
        _ => scalar_rich(op, a, b),
    }
}

/// `is`: see the module header for when it is defined.
pub fn identical(a: &Value, b: &Value) -> Res<bool> {
    Ok(match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::None | Value::Bool(_), _) | (_, Value::None | Value::Bool(_)) => false,
        (Value::Int(_), Value::Int(_))
        | (Value::Float(_), Value::Float(_))
        | (Value::Str(_), Value::Str(_))
        | (Value::Tuple(_), Value::Tuple(_))
        | (Value::Range(_), Value::Range(_)) => return Err(poison(Poison::Identity)),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Rc::ptr_eq(x, y),
        (Value::View(x), Value::View(y)) => Rc::ptr_eq(x, y),
        (Value::Func(x), Value::Func(y)) => Rc::ptr_eq(x, y),
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::NotImplemented, Value::NotImplemented) => true,
        (Value::Bound(x), Value::Bound(y)) => Rc::ptr_eq(x, y),
        (Value::Descr(x), Value::Descr(y)) => x.same(y),
        (Value::Iter(x), Value::Iter(y)) => Rc::ptr_eq(x, y),
        (Value::Set(x), Value::Set(y)) => Rc::ptr_eq(x, y),
        (Value::Gen(x), Value::Gen(y)) => Rc::ptr_eq(x, y),
        (Value::Module, Value::Module) => true,
        (Value::Arr(x), Value::Arr(y)) => x.is(y),
        (Value::Math(x), Value::Math(y)) => x == y,
        (Value::Rand(x), Value::Rand(y)) => x == y,
        (Value::Class(x), Value::Class(y)) => Rc::ptr_eq(x, y),
        (Value::Instance(x), Value::Instance(y)) => Rc::ptr_eq(x, y),
        (Value::Exc(x), Value::Exc(y)) => Rc::ptr_eq(x, y),
        // A new method object per attribute read, as in CPython.
        (Value::Method(x), Value::Method(y)) => Rc::ptr_eq(x, y),
        // Different types are different objects.
        (
            Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Tuple(_)
            | Value::Range(_)
            | Value::List(_)
            | Value::Dict(_)
            | Value::View(_)
            | Value::Func(_)
            | Value::Builtin(_)
            | Value::NotImplemented
            | Value::Bound(_)
            | Value::Descr(_)
            | Value::Iter(_)
            | Value::Set(_)
            | Value::Module
            | Value::Math(_)
            | Value::Rand(_)
            | Value::Class(_)
            | Value::Instance(_)
            | Value::Method(_)
            | Value::Exc(_)
            | Value::Gen(_)
            | Value::Arr(_),
            _,
        ) => false,
    })
}

/// Set-like views (`keys()`, `items()`) compare as sets: `==` by size and
/// containment, `<=` and `<` as subsets, `>=` and `>` as supersets.
fn view_rich(op: CmpOp, a: &dict::ViewObj, b: &dict::ViewObj) -> Res<bool> {
    let (la, lb) = (a.dict.len(), b.dict.len());
    let within = |x: &dict::ViewObj, y: &dict::ViewObj| -> Res<bool> {
        for item in dict::view_items(&x.dict, x.kind) {
            if !dict::view_contains(y, &item)? {
                return Ok(false);
            }
        }
        Ok(true)
    };
    Ok(match op {
        CmpOp::Eq => la == lb && within(a, b)?,
        CmpOp::NotEq => !(la == lb && within(a, b)?),
        CmpOp::Lt => la < lb && within(a, b)?,
        CmpOp::LtE => la <= lb && within(a, b)?,
        CmpOp::Gt => la > lb && within(b, a)?,
        CmpOp::GtE => la >= lb && within(b, a)?,
        CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot => false,
    })
}

/// The element comparison `a is b or a == b` (`PyObject_RichCompareBool`).
pub fn elem_eq(a: &Value, b: &Value, level: usize) -> Res<bool> {
    elem_eq_by(a, b, level, &mut unmodelled_user_compare)
}

/// [`elem_eq`], an instance's `__eq__` run by `user`.
pub fn elem_eq_by(a: &Value, b: &Value, level: usize, user: &mut UserCmp) -> Res<bool> {
    match (a, b) {
        (Value::List(x), Value::List(y)) if Rc::ptr_eq(x, y) => Ok(true),
        (Value::Tuple(x), Value::Tuple(y)) if Rc::ptr_eq(x, y) => Ok(true),
        (Value::Dict(x), Value::Dict(y)) if Rc::ptr_eq(x, y) => Ok(true),
        (Value::View(x), Value::View(y)) if Rc::ptr_eq(x, y) => Ok(true),
        (Value::Set(x), Value::Set(y)) if Rc::ptr_eq(x, y) => Ok(true),
        (Value::Instance(x), Value::Instance(y)) if Rc::ptr_eq(x, y) => Ok(true),
        // CPython's answer depends on whether they are one object.
        (Value::Float(x), Value::Float(y)) if x.is_nan() && y.is_nan() => {
            Err(poison(Poison::Identity))
        }
        _ => rich_by(CmpOp::Eq, a, b, level, user),
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord.is_eq(),
        CmpOp::NotEq => ord.is_ne(),
        CmpOp::Lt => ord.is_lt(),
        CmpOp::LtE => ord.is_le(),
        CmpOp::Gt => ord.is_gt(),
        CmpOp::GtE => ord.is_ge(),
        // Membership and identity are not orderings (callers never ask).
        CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot => false,
    }
}

/// Item `i` of a list or tuple, read afresh (a user `__eq__` may have
/// changed a list since the last read); None past its end.
pub fn item_at(seq: &Value, i: usize) -> Option<Value> {
    match seq {
        Value::List(l) => l.items.borrow().get(i).cloned(),
        Value::Tuple(t) => t.items.get(i).cloned(),
        _ => None,
    }
}

/// The current length of a list or tuple.
fn seq_len(seq: &Value) -> usize {
    match seq {
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        _ => 0,
    }
}

/// Lexicographic comparison of two lists or two tuples: the first index
/// whose items differ decides (by `op` on those items, read again), else
/// the lengths do. Lists (not tuples) answer `==`/`!=` from differing
/// lengths without looking at items. Lengths and items are read at every
/// step, as CPython's `list_richcompare`: a user `__eq__` may change them.
fn seq_rich(op: CmpOp, a: &Value, b: &Value, level: usize, user: &mut UserCmp) -> Res<bool> {
    let level = enter(level)?;
    let eq_op = matches!(op, CmpOp::Eq | CmpOp::NotEq);
    if matches!(a, Value::List(_)) && eq_op && seq_len(a) != seq_len(b) {
        return Ok(op == CmpOp::NotEq);
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (item_at(a, i), item_at(b, i)) {
        if !elem_eq_by(&x, &y, level, user)? {
            break;
        }
        i += 1;
    }
    match (item_at(a, i), item_at(b, i)) {
        (Some(x), Some(y)) => match op {
            CmpOp::Eq => Ok(false),
            CmpOp::NotEq => Ok(true),
            _ => rich_by(op, &x, &y, level, user),
        },
        _ => Ok(holds(op, seq_len(a).cmp(&seq_len(b)))),
    }
}

/// Comparisons of non-containers (and of mismatched containers): `==`
/// never fails; ordering is defined between numbers and between strings
/// (by character code) only.
fn scalar_rich(op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
    match op {
        CmpOp::Eq => return Ok(a.py_eq(b)),
        CmpOp::NotEq => return Ok(!a.py_eq(b)),
        _ => {}
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return Ok(holds(op, x.as_bytes().cmp(y.as_bytes())));
    }
    match (a.as_num(), b.as_num()) {
        // Exact across ints and floats; NaN orders against nothing.
        (Some(x), Some(y)) => Ok(num_cmp(&x, &y).is_some_and(|o| holds(op, o))),
        _ => Err(type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// `x in container`.
pub fn contains(container: &Value, x: &Value) -> Res<bool> {
    contains_by(container, x, &mut unmodelled_user_compare)
}

/// [`contains`], an instance's `__eq__` run by `user` (the container's
/// item on the left, as CPython's `list_contains`).
pub fn contains_by(container: &Value, x: &Value, user: &mut UserCmp) -> Res<bool> {
    match container {
        Value::List(_) | Value::Tuple(_) => {
            let mut i = 0;
            while let Some(item) = item_at(container, i) {
                if elem_eq_by(&item, x, 1, user)? {
                    return Ok(true);
                }
                i += 1;
            }
            Ok(false)
        }
        Value::Range(r) => Ok(range_position(r, x).is_some()),
        Value::Str(s) => super::strs::contains(s, x),
        Value::Dict(d) => d.contains(x),
        Value::View(v) => dict::view_contains(v, x),
        Value::Set(s) => s.data.borrow().contains(x),
        // `x in array`: item-wise equality, not modelled.
        Value::Arr(_) => Err(poison(Poison::Unmodelled)),
        other => Err(type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

/// Where `x` is in `r` (as an index from the start), if it is: ints and
/// bools by arithmetic; a float equals an integral member; nothing else
/// equals an int.
pub fn range_position(r: &RangeObj, x: &Value) -> Option<num_bigint::BigInt> {
    let i = match x.as_num()? {
        Num::Int(i) => i,
        Num::Float(f) if f.is_finite() && f.fract() == 0.0 => float::to_int(f).ok()?,
        Num::Float(_) => return None,
    };
    let (i, start, stop, step) = (
        i.to_big(),
        r.start.to_big(),
        r.stop.to_big(),
        r.step.to_big(),
    );
    let inside = if step > num_bigint::BigInt::from(0) {
        start <= i && i < stop
    } else {
        stop < i && i <= start
    };
    let offset = i - start;
    (inside && (&offset % &step) == num_bigint::BigInt::from(0)).then(|| offset / step)
}
