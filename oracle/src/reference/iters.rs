//! Iterator objects as values (`enumerate`, `zip`, `reversed`), `sorted`
//! and `list.sort`, and `isinstance`, written from CPython 3.11's
//! `enumobject.c`, `bltinmodule.c`, `listobject.c` and `abstract.c`.

use std::cell::RefCell;
use std::rc::Rc;

use super::compare::{self, UserCmp};
use super::eval::{Res, checked, exception, poison, type_error};
use super::seq::{Items, not_iterable};
use super::value::{Builtin, Int, Value};
use jitdiff_vm::lang::{CmpOp, Poison};

/// An iterator value. Its state is stepped in place, so every name bound
/// to it (and every zip or enumerate over it) sees the same position.
pub struct IterObj {
    pub state: RefCell<IterState>,
}

impl std::fmt::Debug for IterObj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} object>", self.type_name())
    }
}

pub enum IterState {
    /// `reversed(range(...))`: a range iterator.
    Range(Items),
    Enumerate {
        inner: Items,
        count: Int,
        int_bits: u64,
    },
    /// The iterators. Each step steps them in order until one runs out,
    /// also after one did (CPython's `zip_next` keeps them): the ones
    /// before it lose an item each time.
    Zip(Vec<Items>),
    /// `reversed(seq)` of a list, tuple or str: the next index to read
    /// (-1 once a step found none).
    Reversed { seq: Value, index: i64 },
    /// An enumerate whose iterator ran out.
    Exhausted,
    /// `reversed(d)` or `reversed(view)`.
    DictRev(super::dict::DictIter),
    /// `enumerate(g)` of a generator (only the evaluator steps these).
    GenEnumerate {
        source: Value,
        count: Int,
        int_bits: u64,
    },
    /// `zip(...)` with a generator among its iterables (stepped as `Zip`).
    GenZip(Vec<Part>),
    /// One of the two above while the evaluator steps it.
    Busy(&'static str),
    /// A user iterator (an instance whose class defines `__next__`) that
    /// an iterable's `__iter__` gave a builtin or a loop: only the
    /// evaluator steps it (each step calls `__next__`). Never a value the
    /// program sees: `iter(x)` and `__iter__` give it the instance itself.
    User(Value),
    /// `iter(x)` of a builtin iterable, with its type name; `None` once
    /// exhausted (it stays so, as CPython's sequence iterators drop their
    /// sequence).
    Plain(Option<Items>, &'static str),
}

/// `iter(x)` of a builtin iterable (`None`: not iterable).
pub fn iter_of(v: &Value) -> Option<Value> {
    let items = Items::of(v)?;
    let name = match &items {
        Items::List(..) => "list_iterator",
        Items::Tuple(..) => "tuple_iterator",
        Items::Range(super::value::RangeIter::Small { .. }) => "range_iterator",
        Items::Range(_) => "longrange_iterator",
        Items::Str(..) => "str_ascii_iterator",
        Items::Dict(it) => it.type_name(),
        Items::Set(_) => "set_iterator",
        Items::Array(..) => "array.arrayiterator",
        // An iterator's `iter()` is itself.
        Items::Obj(_) => return Some(v.clone()),
    };
    Some(IterObj::value(IterState::Plain(Some(items), name)))
}

/// One iterable of a zip: a builtin iterable's items or a generator.
pub enum Part {
    Items(Items),
    Gen(Value),
}

impl IterObj {
    pub fn value(state: IterState) -> Value {
        Value::Iter(Rc::new(IterObj {
            state: RefCell::new(state),
        }))
    }

    pub fn type_name(&self) -> &'static str {
        match &*self.state.borrow() {
            IterState::Range(_) => "range_iterator",
            IterState::Enumerate { .. } | IterState::Exhausted => "enumerate",
            IterState::Zip(_) => "zip",
            IterState::Reversed {
                seq: Value::List(_),
                ..
            } => "list_reverseiterator",
            IterState::Reversed { .. } => "reversed",
            IterState::DictRev(it) => it.reverse_type_name(),
            IterState::GenEnumerate { .. } => "enumerate",
            IterState::GenZip(_) => "zip",
            IterState::User(_) => "user iterator",
            IterState::Busy(name) | IterState::Plain(_, name) => name,
        }
    }

    /// The next item; an exhausted iterator stays as it is (a zip steps
    /// its iterators again, as CPython's).
    pub fn step(&self) -> Res<Option<Value>> {
        let mut st = self.state.borrow_mut();
        match &mut *st {
            IterState::Range(it) => it.step(),
            IterState::DictRev(it) => it.step(),
            IterState::GenEnumerate { .. }
            | IterState::GenZip(_)
            | IterState::Busy(_)
            | IterState::User(_) => Err(poison(Poison::Unmodelled)),
            IterState::Plain(None, _) => Ok(None),
            IterState::Plain(Some(items), _) => {
                let r = items.step()?;
                if r.is_none()
                    && let IterState::Plain(items, _) = &mut *st
                {
                    *items = None;
                }
                Ok(r)
            }
            IterState::Enumerate {
                inner,
                count,
                int_bits,
            } => {
                let Some(x) = inner.step()? else {
                    // Sticky: the iterator it held is dropped.
                    *st = IterState::Exhausted;
                    return Ok(None);
                };
                let n = count.clone();
                let next = checked(n.add(&Int::Small(1)), *int_bits)?;
                if let Value::Int(i) = next {
                    *count = i;
                }
                Ok(Some(Value::Tuple(Rc::new(super::value::TupleObj {
                    items: vec![Value::Int(n), x],
                }))))
            }
            IterState::Exhausted => Ok(None),
            IterState::Zip(iters) => {
                if iters.is_empty() {
                    return Ok(None);
                }
                let mut items = Vec::with_capacity(iters.len());
                for it in iters.iter_mut() {
                    match it.step()? {
                        Some(x) => items.push(x),
                        None => return Ok(None),
                    }
                }
                Ok(Some(Value::Tuple(Rc::new(super::value::TupleObj {
                    items,
                }))))
            }
            IterState::Reversed { seq, index } => {
                let i = *index;
                let item = match seq {
                    Value::List(l) => usize::try_from(i)
                        .ok()
                        .and_then(|i| l.items.borrow().get(i).cloned()),
                    Value::Tuple(t) => usize::try_from(i)
                        .ok()
                        .and_then(|i| t.items.get(i).cloned()),
                    Value::Str(s) => usize::try_from(i)
                        .ok()
                        .and_then(|i| s.as_bytes().get(i).copied())
                        .map(super::strs::char_value),
                    _ => None,
                };
                // Sticky once exhausted, as CPython's `listreviter_next`.
                *index = if item.is_some() { i - 1 } else { -1 };
                Ok(item)
            }
        }
    }
}

/// `iter(v)`: the items of an iterable, or CPython's TypeError.
fn items_of(v: &Value) -> Res<Items> {
    Items::of(v).ok_or_else(|| not_iterable(v))
}

/// `TypeError: 'str' object cannot be interpreted as an integer`.
fn not_an_integer(v: &Value) -> Box<super::eval::Stop> {
    type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    ))
}

pub fn enumerate(args: &[Value], int_bits: u64) -> Res<Value> {
    let (it, start) = match args {
        [] => {
            return Err(type_error(
                "enumerate() missing required argument 'iterable'".into(),
            ));
        }
        [it] => (it, Int::Small(0)),
        [it, s] => {
            let inner = items_of(it)?;
            let start = s.as_int().ok_or_else(|| not_an_integer(s))?;
            return Ok(IterObj::value(IterState::Enumerate {
                inner,
                count: start,
                int_bits,
            }));
        }
        _ => {
            return Err(type_error(format!(
                "enumerate() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    Ok(IterObj::value(IterState::Enumerate {
        inner: items_of(it)?,
        count: start,
        int_bits,
    }))
}

pub fn zip(args: &[Value]) -> Res<Value> {
    let iters = args.iter().map(items_of).collect::<Res<Vec<_>>>()?;
    Ok(IterObj::value(IterState::Zip(iters)))
}

pub fn reversed(args: &[Value], int_bits: u64) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "reversed expected 1 argument, got {}",
            args.len()
        )));
    };
    let n = match x {
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        Value::Str(s) => s.len(),
        Value::Dict(d) => {
            let it = super::dict::DictIter::reversed(d.clone(), super::dict::ViewKind::Keys);
            return Ok(IterObj::value(IterState::DictRev(it)));
        }
        Value::View(v) => {
            let it = super::dict::DictIter::reversed(v.dict.clone(), v.kind);
            return Ok(IterObj::value(IterState::DictRev(it)));
        }
        Value::Range(r) => {
            // range(start + (n-1)*step, start - step, -step)
            let n = Int::from_big(r.len());
            let last = r.start.add(&r.step.mul(&n.sub(&Int::Small(1))));
            let stop = r.start.sub(&r.step);
            let step = Int::Small(0).sub(&r.step);
            let mut parts = Vec::with_capacity(3);
            for v in [last, stop, step] {
                parts.push(checked(v, int_bits)?);
            }
            let rev = super::builtins::range(&parts)?;
            return Ok(IterObj::value(IterState::Range(items_of(&rev)?)));
        }
        // CPython's sequence protocol (`__len__` and `__getitem__`).
        other if super::eval::dunders::has_dunder(other, &["__getitem__"]) => {
            return Err(poison(Poison::Unmodelled));
        }
        _ => {
            return Err(type_error(format!(
                "'{}' object is not reversible",
                x.type_name()
            )));
        }
    };
    Ok(IterObj::value(IterState::Reversed {
        seq: x.clone(),
        index: n as i64 - 1,
    }))
}

/// `isinstance(x, cls)`.
pub fn isinstance(args: &[Value]) -> Res<Value> {
    let [x, cls] = args else {
        return Err(type_error(format!(
            "isinstance expected 2 arguments, got {}",
            args.len()
        )));
    };
    instance_of(x, cls, 0).map(Value::Bool)
}

/// `issubclass(a, cls)`.
pub fn issubclass(args: &[Value]) -> Res<Value> {
    let [a, cls] = args else {
        return Err(type_error(format!(
            "issubclass expected 2 arguments, got {}",
            args.len()
        )));
    };
    subclass_of(a, cls, 0).map(Value::Bool)
}

fn is_class_value(v: &Value) -> bool {
    matches!(v, Value::Class(_)) || matches!(v, Value::Builtin(b) if b.is_class())
}

/// `PyObject_IsSubclass`: a tuple's classes left to right (`a` is checked
/// only against a class), then both arguments must be classes. Among the
/// builtin types only `bool` derives from another (`int`); exception
/// classes derive along their chain, and a user class from its bases and
/// its exception base's chain.
fn subclass_of(a: &Value, cls: &Value, level: usize) -> Res<bool> {
    if let Value::Tuple(t) = cls {
        if level >= jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING {
            return Err(poison(Poison::Recursion));
        }
        for c in &t.items {
            if subclass_of(a, c, level + 1)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if !is_class_value(a) {
        return Err(type_error("issubclass() arg 1 must be a class".into()));
    }
    if !is_class_value(cls) {
        return Err(type_error(
            "issubclass() arg 2 must be a class, a tuple of classes, or a union".into(),
        ));
    }
    Ok(match (a, cls) {
        (Value::Builtin(x), Value::Builtin(y)) => match (x, y) {
            (Builtin::Exc(i), Builtin::Exc(j)) => super::exceptions::derives(*i, *j),
            (Builtin::Bool, Builtin::Int) => true,
            _ => x == y,
        },
        (Value::Class(c), Value::Class(d)) => c.derives_from(d),
        (Value::Class(c), Value::Builtin(Builtin::Exc(j))) => c
            .chain()
            .find_map(|k| k.exc_base)
            .is_some_and(|i| super::exceptions::derives(i, *j)),
        _ => false,
    })
}

fn instance_of(x: &Value, cls: &Value, level: usize) -> Res<bool> {
    let b = match cls {
        Value::Builtin(b) if b.is_class() => *b,
        Value::Tuple(t) => {
            if level >= jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING {
                return Err(poison(Poison::Recursion));
            }
            for c in &t.items {
                if instance_of(x, c, level + 1)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        Value::Class(c) => return Ok(super::classes::is_instance(x, c)),
        _ => {
            return Err(type_error(
                "isinstance() arg 2 must be a type, a tuple of types, or a union".into(),
            ));
        }
    };
    Ok(match b {
        Builtin::Int => matches!(x, Value::Int(_) | Value::Bool(_)),
        Builtin::Float => matches!(x, Value::Float(_)),
        Builtin::Bool => matches!(x, Value::Bool(_)),
        Builtin::Str => matches!(x, Value::Str(_)),
        Builtin::List => matches!(x, Value::List(_)),
        Builtin::Tuple => matches!(x, Value::Tuple(_)),
        Builtin::Dict => matches!(x, Value::Dict(_)),
        Builtin::Set => matches!(x, Value::Set(_)),
        Builtin::Range => matches!(x, Value::Range(_)),
        Builtin::Enumerate | Builtin::Zip | Builtin::Reversed => {
            matches!(x, Value::Iter(it) if it.type_name() == b.name())
        }
        Builtin::Exc(c) => super::exceptions::is_a(x, c),
        // Which values are classes: the language has no metaclass.
        Builtin::Type => return Err(poison(Poison::Unmodelled)),
        Builtin::Print
        | Builtin::Abs
        | Builtin::Round
        | Builtin::Len
        | Builtin::Sum
        | Builtin::Min
        | Builtin::Max
        | Builtin::Repr
        | Builtin::Ord
        | Builtin::Chr
        | Builtin::Sorted
        | Builtin::Isinstance
        | Builtin::Next
        | Builtin::Iter
        | Builtin::Divmod
        | Builtin::Pow
        | Builtin::Hex
        | Builtin::Oct
        | Builtin::Bin
        | Builtin::Any
        | Builtin::All
        | Builtin::Format
        | Builtin::Getattr
        | Builtin::Hasattr
        | Builtin::Setattr
        | Builtin::Callable
        | Builtin::Issubclass
        | Builtin::Hash => false,
    })
}

/// `sort(reverse=v)`'s flag: an int that fits a C int.
pub fn reverse_flag(v: Option<&Value>) -> Res<bool> {
    let Some(v) = v else {
        return Ok(false);
    };
    match v.as_int() {
        Some(i)
            if i.cmp(&Int::Small(i32::MAX.into())).is_le()
                && i.cmp(&Int::Small(i32::MIN.into())).is_ge() =>
        {
            Ok(!i.is_zero())
        }
        Some(_) => Err(exception(
            "OverflowError",
            "Python int too large to convert to C int".into(),
        )),
        None => Err(not_an_integer(v)),
    }
}

/// The items `sorted(x)` sorts: `list(x)`'s, but for a set of strs,
/// whose sorted order is the same from any starting order.
pub fn sorted_source(x: &Value) -> Res<Vec<Value>> {
    let strs_of_set = match x {
        Value::Set(s) => s.data.borrow().str_elements(),
        _ => None,
    };
    match strs_of_set {
        Some(items) => Ok(items),
        None => super::seq::collect(x, || not_iterable(x)),
    }
}

/// Sorts `items` by their `key`s: below 64 items CPython's own steps, a
/// user class's `__lt__` run by `user`; from 64 on a merge sort, in which
/// a user method poisons (its calls would show the merge's pairs, which
/// are not timsort's).
pub fn sort_items<T: Clone>(items: &mut [T], key: fn(&T) -> &Value, user: &mut UserCmp) -> Res<()> {
    if items.len() < 64 {
        let mut lt = |x: &T, y: &T| compare::rich_by(CmpOp::Lt, key(x), key(y), 0, user);
        return insertion(items, &mut lt);
    }
    let mut no_user =
        |_: CmpOp, _: &Value, _: &Value| -> Res<bool> { Err(poison(Poison::SortOrder)) };
    let mut lt = |x: &T, y: &T| compare::rich_by(CmpOp::Lt, key(x), key(y), 0, &mut no_user);
    long_sort(items, key, &mut lt)
}

/// CPython 3.11 below 64 items: `count_run` (a strictly descending run
/// is reversed), then binary insertion of the rest; items compared by
/// `lt`.
fn insertion<T>(a: &mut [T], lt: &mut impl FnMut(&T, &T) -> Res<bool>) -> Res<()> {
    let n = a.len();
    if n < 2 {
        return Ok(());
    }
    let mut run = 2;
    if lt(&a[1], &a[0])? {
        while run < n && lt(&a[run], &a[run - 1])? {
            run += 1;
        }
        a[..run].reverse();
    } else {
        while run < n && !lt(&a[run], &a[run - 1])? {
            run += 1;
        }
    }
    for start in run..n {
        let (mut lo, mut hi) = (0, start);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if lt(&a[start], &a[mid])? {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        a[lo..=start].rotate_right(1);
    }
    Ok(())
}

/// 64 items or more: a NaN anywhere in a key, or a comparison that
/// raises, poisons (CPython's answer then depends on its merge steps);
/// otherwise the one stable order, by a top-down merge sort.
fn long_sort<T: Clone>(
    a: &mut [T],
    key: fn(&T) -> &Value,
    lt: &mut impl FnMut(&T, &T) -> Res<bool>,
) -> Res<()> {
    if a.iter().any(|x| has_nan(key(x), 0)) {
        return Err(poison(Poison::SortOrder));
    }
    merge(a, lt).map_err(|e| match *e {
        super::eval::Stop::Exception { .. } => poison(Poison::SortOrder),
        _ => e,
    })
}

fn merge<T: Clone>(a: &mut [T], lt: &mut impl FnMut(&T, &T) -> Res<bool>) -> Res<()> {
    if a.len() < 2 {
        return Ok(());
    }
    let mid = a.len() / 2;
    merge(&mut a[..mid], lt)?;
    merge(&mut a[mid..], lt)?;
    let (left, right) = (a[..mid].to_vec(), a[mid..].to_vec());
    let (mut i, mut j) = (0, 0);
    for slot in a.iter_mut() {
        // The right item goes first only when strictly smaller (stable).
        let take_right = i == left.len() || (j < right.len() && lt(&right[j], &left[i])?);
        if take_right {
            *slot = right[j].clone();
            j += 1;
        } else {
            *slot = left[i].clone();
            i += 1;
        }
    }
    Ok(())
}

/// Sorts `items` by `keys` (one each, all computed before this), with
/// `reverse` as CPython's: both reversed before the sort and after it,
/// also after a comparison failed (the items then stay as far as the sort
/// got).
pub fn sort_by_keys(
    items: &mut Vec<Value>,
    keys: Vec<Value>,
    reverse: bool,
    user: &mut UserCmp,
) -> Res<()> {
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(std::mem::take(items)).collect();
    if reverse {
        pairs.reverse();
    }
    let r = sort_items(&mut pairs, |p| &p.0, user);
    if reverse {
        pairs.reverse();
    }
    *items = pairs.into_iter().map(|(_, v)| v).collect();
    r
}

fn has_nan(v: &Value, level: usize) -> bool {
    match v {
        Value::Float(f) => f.is_nan(),
        Value::Tuple(t) if level < jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING => {
            t.items.iter().any(|x| has_nan(x, level + 1))
        }
        Value::List(l) if level < jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING => {
            l.items.borrow().iter().any(|x| has_nan(x, level + 1))
        }
        _ => false,
    }
}
