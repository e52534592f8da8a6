//! Sequence semantics (CPython 3.11): building lists and tuples under the
//! length cap and the bulk fuel charge, iteration over lists, tuples,
//! ranges and strings, subscripts and slices, slice assignment, and
//! `+`/`*` with their in-place forms (string values themselves are in
//! [`super::strs`]). Comparisons, membership and repr live in
//! [`super::compare`]; methods and the sequence builtins in
//! [`super::methods`].

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use jitdiff_vm::lang::ast::BinOp;
use jitdiff_vm::lang::limits::{BULK_FUEL_SHIFT, MAX_SEQUENCE_LEN};
use jitdiff_vm::lang::outcome::Poison;
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::dict::{DictIter, DictObj, ViewKind};
use super::eval::{Res, checked, exception, poison, type_error, unsupported, value_error};
use super::strs;
use super::value::{Int, ListObj, RangeIter, RangeObj, TupleObj, Value};

/// Per-run state of sequence building: the fuel count (shared with the
/// evaluator's back edges and calls, so bulk work is charged to the same
/// limit) and every list and dict made, so cycles (`a.append(a)`,
/// `d[0] = d`) can be broken when the run ends instead of leaking.
pub struct Heap {
    pub fuel: u64,
    lists: Vec<Weak<ListObj>>,
    prune_at: usize,
    dicts: Vec<Weak<DictObj>>,
    prune_dicts_at: usize,
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            fuel: 0,
            lists: Vec::new(),
            prune_at: 1024,
            dicts: Vec::new(),
            prune_dicts_at: 1024,
        }
    }

    /// Adds the bulk charge for a sequence of `n` elements made or grown.
    pub fn bulk(&mut self, n: usize) {
        self.fuel += (n >> BULK_FUEL_SHIFT) as u64;
    }

    /// A new list of `items` (whose length the caller has checked),
    /// charged as bulk work.
    pub fn list(&mut self, items: Vec<Value>) -> Value {
        self.bulk(items.len());
        self.list_uncharged(items)
    }

    /// A new list for an operation the language does not bulk-charge
    /// (`str.split`).
    pub fn list_uncharged(&mut self, items: Vec<Value>) -> Value {
        let rc = Rc::new(ListObj {
            items: RefCell::new(items),
        });
        // Forget dead lists now and then, so the registry stays
        // proportional to the live ones.
        if self.lists.len() >= self.prune_at {
            self.lists.retain(|w| w.strong_count() > 0);
            self.prune_at = (self.lists.len() * 2).max(1024);
        }
        self.lists.push(Rc::downgrade(&rc));
        Value::List(rc)
    }

    /// A new empty dict (every dict starts empty and is filled through
    /// [`DictObj::store`], which enforces the length cap).
    pub fn dict(&mut self) -> Rc<DictObj> {
        let rc = Rc::new(DictObj::default());
        if self.dicts.len() >= self.prune_dicts_at {
            self.dicts.retain(|w| w.strong_count() > 0);
            self.prune_dicts_at = (self.dicts.len() * 2).max(1024);
        }
        self.dicts.push(Rc::downgrade(&rc));
        rc
    }

    /// A new tuple of `items` (length checked by the caller), charged as
    /// bulk work.
    pub fn tuple(&mut self, items: Vec<Value>) -> Value {
        self.bulk(items.len());
        Value::Tuple(Rc::new(TupleObj { items }))
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        // Every cycle goes through a list: emptying them all frees it.
        for w in self.lists.drain(..) {
            if let Some(l) = w.upgrade() {
                drop(l.items.take());
            }
        }
        for w in self.dicts.drain(..) {
            if let Some(d) = w.upgrade() {
                drop(d.data.borrow_mut().take_all());
            }
        }
    }
}

/// Poisons if a result of `n` elements would be longer than the cap.
pub fn check_len(n: u128) -> Res<usize> {
    if n > MAX_SEQUENCE_LEN as u128 {
        return Err(poison(Poison::SequenceTooLong));
    }
    Ok(n as usize)
}

/// The items of a list, tuple, range, string, dict or dict view, one at a
/// time (`None` from [`Items::of`] for anything else). A list is read by
/// index, so it sees the list as it is at each step, like CPython's list
/// iterator; a dict checks its size at each step ([`Items::step`]).
pub enum Items {
    List(Rc<ListObj>, usize),
    Tuple(Rc<TupleObj>, usize),
    Range(RangeIter),
    Str(Rc<str>, usize),
    Dict(DictIter),
    /// An iterator object, shared with every name bound to it.
    Obj(Rc<super::iters::IterObj>),
    Set(SetIter),
    /// An array, read by index (an item stored meanwhile is seen).
    Array(Rc<super::array::ArrayObj>, usize),
}

/// A set's iterator: its elements in slot order, checked against the size
/// at each step (CPython's "Set changed size during iteration", sticky).
pub struct SetIter {
    set: Rc<super::set::SetObj>,
    used: Option<usize>,
    taken: usize,
    /// A step found no element: it stays so (CPython's `setiter_iternext`
    /// drops the set), whatever is added later.
    exhausted: bool,
}

impl SetIter {
    pub fn new(set: Rc<super::set::SetObj>) -> SetIter {
        let used = Some(set.data.borrow().len());
        SetIter {
            set,
            used,
            taken: 0,
            exhausted: false,
        }
    }

    /// Elements are re-listed each step (the table may have changed at
    /// the same size): the next one is the first live slot after the last
    /// one taken, found by position in slot order.
    pub fn step(&mut self) -> Res<Option<Value>> {
        if self.exhausted {
            return Ok(None);
        }
        let t = self.set.data.borrow();
        if self.used != Some(t.len()) {
            self.used = None;
            return Err(super::eval::exception(
                "RuntimeError",
                "Set changed size during iteration".into(),
            ));
        }
        let (slot, x) = match t.live_after(self.taken)? {
            Some(found) => found,
            None => {
                self.exhausted = true;
                return Ok(None);
            }
        };
        self.taken = slot + 1;
        Ok(Some(x))
    }
}

impl Items {
    pub fn of(v: &Value) -> Option<Items> {
        Some(match v {
            Value::List(l) => Items::List(l.clone(), 0),
            Value::Tuple(t) => Items::Tuple(t.clone(), 0),
            Value::Range(r) => Items::Range(r.iter()),
            Value::Str(s) => Items::Str(s.clone(), 0),
            Value::Dict(d) => Items::Dict(DictIter::new(d.clone(), ViewKind::Keys)),
            Value::View(v) => Items::Dict(DictIter::new(v.dict.clone(), v.kind)),
            Value::Iter(it) => Items::Obj(it.clone()),
            Value::Set(s) => Items::Set(SetIter::new(s.clone())),
            Value::Arr(super::array::Arr::Obj(a)) => Items::Array(a.clone(), 0),
            Value::Arr(_) => return None,
            Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_)
            | Value::None
            | Value::NotImplemented
            | Value::Func(_)
            | Value::Builtin(_)
            | Value::Bound(_)
            | Value::Descr(_)
            | Value::Module
            | Value::Math(_)
            | Value::Rand(_)
            | Value::Exc(_)
            | Value::Class(_)
            | Value::Instance(_)
            | Value::Method(_)
            | Value::Gen(_) => return None,
        })
    }

    /// The next item, or the RuntimeError (or poison) of a dict that
    /// changed while it was iterated.
    pub fn step(&mut self) -> Res<Option<Value>> {
        match self {
            Items::Dict(it) => it.step(),
            Items::Obj(it) => it.step(),
            Items::Set(it) => it.step(),
            _ => Ok(self.next()),
        }
    }
}

impl Iterator for Items {
    type Item = Value;
    fn next(&mut self) -> Option<Value> {
        match self {
            // Sticky once exhausted, as CPython's `listiter_next` drops
            // its list: items appended later are not seen.
            Items::List(l, i) => {
                let v = l.items.borrow().get(*i).cloned();
                *i = if v.is_some() { *i + 1 } else { usize::MAX };
                v
            }
            Items::Tuple(t, i) => {
                let v = t.items.get(*i).cloned();
                *i += 1;
                v
            }
            Items::Range(r) => r.next().map(Value::Int),
            Items::Str(s, i) => {
                let c = s.as_bytes().get(*i).copied();
                *i += 1;
                c.map(strs::char_value)
            }
            // Only `unpack` takes dict items through `next`, and nothing
            // can change the dict between its steps.
            Items::Dict(it) => it.step().ok().flatten(),
            Items::Obj(it) => it.step().ok().flatten(),
            Items::Set(it) => it.step().ok().flatten(),
            Items::Array(a, i) => {
                let b = a.items.borrow().get(*i).copied();
                *i = if b.is_some() { *i + 1 } else { usize::MAX };
                b.map(|b| Value::Int(Int::Small(i64::from(b))))
            }
        }
    }
}

/// `'int' object is not iterable`.
pub fn not_iterable(v: &Value) -> Box<super::eval::Stop> {
    // Only the evaluator steps generators: a path that reaches here with
    // one is not modelled rather than wrong.
    if let Value::Gen(_) = v {
        return super::eval::poison(jitdiff_vm::lang::outcome::Poison::Unmodelled);
    }
    if let Some(p) = super::eval::dunders::iteration_poison(v) {
        return p;
    }
    type_error(format!("'{}' object is not iterable", v.type_name()))
}

/// All items of an iterable, for the operations that copy one first
/// (`list(x)`, `extend`, slice assignment). A range longer than the cap
/// poisons before any item is made; `msg` is the TypeError for a
/// non-iterable.
pub fn collect(v: &Value, msg: impl FnOnce() -> Box<super::eval::Stop>) -> Res<Vec<Value>> {
    if let Value::Gen(_) = v {
        return Err(not_iterable(v));
    }
    Ok(match v {
        Value::List(l) => l.items.borrow().clone(),
        Value::Tuple(t) => t.items.clone(),
        Value::Range(r) => {
            check_len(r.len().to_u128().unwrap_or(u128::MAX))?;
            r.iter().map(Value::Int).collect()
        }
        Value::Str(s) => strs::chars(s),
        Value::Dict(d) => super::dict::view_items(d, ViewKind::Keys),
        Value::View(v) => super::dict::view_items(&v.dict, v.kind),
        Value::Set(s) => s.data.borrow().ordered()?,
        Value::Arr(super::array::Arr::Obj(a)) => Items::Array(a.clone(), 0).collect(),
        Value::Iter(it) => {
            let mut out = Vec::new();
            while let Some(x) = it.step()? {
                out.push(x);
                check_len(out.len() as u128)?;
            }
            out
        }
        _ => return Err(super::eval::dunders::iteration_poison(v).unwrap_or_else(msg)),
    })
}

/// A subscript index as a C `Py_ssize_t` (`PyNumber_AsSsize_t` with
/// IndexError).
pub(super) fn ssize_index(i: &Int) -> Res<i64> {
    match i {
        Int::Small(v) => Ok(*v),
        Int::Big(_) => Err(exception(
            "IndexError",
            "cannot fit 'int' into an index-sized integer".into(),
        )),
    }
}

/// `i` (negative counts from the end) as a position in `0..len`.
pub(super) fn position(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 {
        i128::from(i) + len as i128
    } else {
        i128::from(i)
    };
    (0..len as i128).contains(&i).then_some(i as usize)
}

/// `list indices must be integers or slices, not float`.
fn bad_index(container: &str, idx: &Value) -> Box<super::eval::Stop> {
    type_error(format!(
        "{container} indices must be integers or slices, not {}",
        idx.type_name()
    ))
}

/// `'int' object is not subscriptable` (`type 'int' ...` for a class).
fn not_subscriptable(v: &Value) -> Box<super::eval::Stop> {
    match v {
        Value::Builtin(b) if b.is_class() => {
            type_error(format!("type '{}' is not subscriptable", b.name()))
        }
        Value::Class(c) => type_error(format!("type '{}' is not subscriptable", c.name)),
        _ => type_error(format!("'{}' object is not subscriptable", v.type_name())),
    }
}

/// `v[idx]` with an int (or bool) index.
pub fn item(v: &Value, idx: &Value, int_bits: u64) -> Res<Value> {
    let (name, len) = match v {
        Value::List(l) => ("list", l.items.borrow().len()),
        Value::Tuple(t) => ("tuple", t.items.len()),
        Value::Range(r) => return range_item(r, idx, int_bits),
        Value::Str(s) => return strs::item(s, idx),
        Value::Dict(d) => return d.subscript(idx),
        Value::Arr(super::array::Arr::Obj(a)) => return super::array::get(a, idx),
        // `array.array[int]`, a generic alias: not modelled.
        Value::Arr(super::array::Arr::Type) => return Err(poison(Poison::Unmodelled)),
        _ => return Err(not_subscriptable(v)),
    };
    let i = idx.as_int().ok_or_else(|| bad_index(name, idx))?;
    let pos = position(ssize_index(&i)?, len)
        .ok_or_else(|| exception("IndexError", format!("{name} index out of range")))?;
    Ok(match v {
        Value::List(l) => l.items.borrow()[pos].clone(),
        Value::Tuple(t) => t.items[pos].clone(),
        _ => unreachable!("only sequences reach here"),
    })
}

/// `r[i]`: arbitrary-precision, so no index-size error.
fn range_item(r: &RangeObj, idx: &Value, int_bits: u64) -> Res<Value> {
    let i = idx
        .as_int()
        .ok_or_else(|| bad_index("range", idx))?
        .to_big();
    let len = r.len();
    let i = if i.is_negative() { i + &len } else { i };
    if i.is_negative() || i >= len {
        return Err(exception(
            "IndexError",
            "range object index out of range".into(),
        ));
    }
    checked(
        Int::from_big(r.start.to_big() + i * r.step.to_big()),
        int_bits,
    )
}

/// The three optional parts of a slice (an explicit `None` is absent).
pub struct SliceArgs {
    pub lower: Option<Value>,
    pub upper: Option<Value>,
    pub step: Option<Value>,
}

fn slice_part(v: &Option<Value>) -> Res<Option<Int>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => v.as_int().map(Some).ok_or_else(|| {
            type_error("slice indices must be integers or None or have an __index__ method".into())
        }),
    }
}

/// A slice resolved against a length: `PySlice_Unpack` (step first, big
/// ints clamped to `Py_ssize_t`) then `PySlice_AdjustIndices`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: i128,
    pub stop: i128,
    pub step: i128,
    pub len: usize,
}

impl Span {
    pub fn positions(self) -> impl Iterator<Item = usize> {
        (0..self.len).map(move |k| (self.start + k as i128 * self.step) as usize)
    }
}

pub fn span(s: &SliceArgs, len: usize) -> Res<Span> {
    let step = match slice_part(&s.step)? {
        None => 1,
        Some(i) => {
            let st = i.saturating_i64();
            if st == 0 {
                return Err(value_error("slice step cannot be zero".into()));
            }
            // CPython keeps -step representable.
            i128::from(st.max(-i64::MAX))
        }
    };
    let clamp = |v: Option<Int>, default_neg: i64, default_pos: i64| {
        let x = v.map_or(if step < 0 { default_neg } else { default_pos }, |i| {
            i.saturating_i64()
        });
        i128::from(x)
    };
    let start = clamp(slice_part(&s.lower)?, i64::MAX, 0);
    let stop = clamp(slice_part(&s.upper)?, i64::MIN, i64::MAX);
    let n = len as i128;
    let adjust = |x: i128| {
        if x < 0 {
            let x = x + n;
            if x < 0 {
                if step < 0 { -1 } else { 0 }
            } else {
                x
            }
        } else if x >= n {
            if step < 0 { n - 1 } else { n }
        } else {
            x
        }
    };
    let (start, stop) = (adjust(start), adjust(stop));
    let count = if step < 0 {
        if stop < start {
            (start - stop - 1) / -step + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    Ok(Span {
        start,
        stop,
        step,
        len: count as usize,
    })
}

/// `v[a:b:c]`: a new list or tuple (bulk-charged), or a range.
pub fn slice(h: &mut Heap, v: &Value, s: &SliceArgs, int_bits: u64) -> Res<Value> {
    match v {
        // Array slices are not modelled, nor the `slice` object CPython
        // hands a user class's `__getitem__`.
        Value::Arr(_) | Value::Instance(_) => Err(poison(Poison::Unmodelled)),
        Value::List(l) => {
            let items = l.items.borrow();
            let sp = span(s, items.len())?;
            let out: Vec<Value> = sp.positions().map(|p| items[p].clone()).collect();
            drop(items);
            Ok(h.list(out))
        }
        Value::Tuple(t) => {
            let sp = span(s, t.items.len())?;
            // CPython hands back the tuple itself for a full forward slice.
            if sp.step == 1 && sp.len == t.items.len() {
                h.bulk(sp.len);
                return Ok(v.clone());
            }
            Ok(h.tuple(sp.positions().map(|p| t.items[p].clone()).collect()))
        }
        Value::Range(r) => range_slice(r, s, int_bits),
        Value::Str(text) => strs::slice(h, text, s),
        // A dict looks the slice object up as a key.
        Value::Dict(_) => Err(type_error("unhashable type: 'slice'".into())),
        _ => Err(not_subscriptable(v)),
    }
}

/// CPython's `compute_slice`: `slice.indices(len(r))` in arbitrary
/// precision, then `range(start + lo*step, start + hi*step, step*st)`.
fn range_slice(r: &RangeObj, s: &SliceArgs, int_bits: u64) -> Res<Value> {
    let st = match slice_part(&s.step)? {
        None => BigInt::one(),
        Some(i) if i.is_zero() => {
            return Err(value_error("slice step cannot be zero".into()));
        }
        Some(i) => i.to_big(),
    };
    let len = r.len();
    let neg = st.is_negative();
    let (lower, upper) = if neg {
        (BigInt::from(-1), &len - 1u8)
    } else {
        (BigInt::zero(), len.clone())
    };
    let bound = |v: Option<Int>, default: &BigInt| -> BigInt {
        let Some(v) = v else {
            return default.clone();
        };
        let v = v.to_big();
        if v.is_negative() {
            (v + &len).max(lower.clone())
        } else {
            v.min(upper.clone())
        }
    };
    let lo = bound(slice_part(&s.lower)?, if neg { &upper } else { &lower });
    let hi = bound(slice_part(&s.upper)?, if neg { &lower } else { &upper });
    let (start, step) = (r.start.to_big(), r.step.to_big());
    // Each bound is an int result: too wide poisons like any other.
    let int = |b: BigInt| -> Res<Int> {
        let i = Int::from_big(b);
        checked(i.clone(), int_bits)?;
        Ok(i)
    };
    Ok(Value::Range(Rc::new(RangeObj {
        start: int(&start + lo * &step)?,
        stop: int(&start + hi * &step)?,
        step: int(step * st)?,
    })))
}

/// `container[idx] = value` with an int index.
pub fn store_item(container: &Value, idx: &Value, value: Value) -> Res<()> {
    if let Value::Dict(d) = container {
        return d.store(idx, value);
    }
    if let Value::Arr(super::array::Arr::Obj(a)) = container {
        return super::array::set(a, idx, &value);
    }
    let Value::List(l) = container else {
        return Err(no_item_assignment(container));
    };
    let i = idx.as_int().ok_or_else(|| bad_index("list", idx))?;
    let i = ssize_index(&i)?;
    let mut items = l.items.borrow_mut();
    let pos = position(i, items.len())
        .ok_or_else(|| exception("IndexError", "list assignment index out of range".into()))?;
    items[pos] = value;
    Ok(())
}

fn no_item_assignment(v: &Value) -> Box<super::eval::Stop> {
    type_error(format!(
        "'{}' object does not support item assignment",
        v.type_name()
    ))
}

/// `container[a:b:c] = value` (CPython's `list_ass_subscript`).
pub fn store_slice(h: &mut Heap, container: &Value, s: &SliceArgs, value: &Value) -> Res<()> {
    // Nor the `slice` object CPython hands a user class's `__setitem__`.
    if let Value::Arr(_) | Value::Instance(_) = container {
        return Err(poison(Poison::Unmodelled));
    }
    if let Value::Dict(_) = container {
        return Err(type_error("unhashable type: 'slice'".into()));
    }
    let Value::List(l) = container else {
        return Err(no_item_assignment(container));
    };
    let len = l.items.borrow().len();
    let sp = span(s, len)?;
    if sp.step == 1 {
        let new = collect(value, || type_error("can only assign an iterable".into()))?;
        // `stop < start` (`x[5:1] = ...`) inserts at start.
        let (lo, hi) = (sp.start as usize, sp.stop.max(sp.start) as usize);
        let after = check_len((len - (hi - lo) + new.len()) as u128)?;
        l.items.borrow_mut().splice(lo..hi, new);
        h.bulk(after);
        return Ok(());
    }
    let new = collect(value, || {
        type_error("must assign iterable to extended slice".into())
    })?;
    if new.len() != sp.len {
        return Err(value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            new.len(),
            sp.len
        )));
    }
    let mut items = l.items.borrow_mut();
    for (p, v) in sp.positions().zip(new) {
        items[p] = v;
    }
    h.bulk(items.len());
    Ok(())
}

/// The repeat count of `seq * n`: an int or bool fitting `Py_ssize_t`.
fn repeat_count(n: &Value) -> Res<i64> {
    match n.as_int() {
        Some(Int::Small(v)) => Ok(v),
        Some(Int::Big(_)) => Err(exception(
            "OverflowError",
            "cannot fit 'int' into an index-sized integer".into(),
        )),
        None => Err(type_error(format!(
            "can't multiply sequence by non-int of type '{}'",
            n.type_name()
        ))),
    }
}

/// `items` repeated `n` times (`n <= 0`: empty), under the cap.
fn repeated(items: &[Value], n: i64) -> Res<Vec<Value>> {
    let n = n.max(0) as u128;
    check_len(items.len() as u128 * n)?;
    let mut out = Vec::with_capacity(items.len() * n as usize);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

/// `a op b` where at least one operand is a list or tuple. `inplace` only
/// changes the wording of an unsupported operator (`+=`); a list's own
/// in-place `+=`/`*=` is [`inplace_list`].
pub fn binop(h: &mut Heap, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Res<Value> {
    match op {
        BinOp::Add => concat(h, a, b, inplace),
        BinOp::Mul => {
            // The sequence is the left operand if it is one (`[1] * [2]`
            // complains about the right one).
            let (seq, n) = if a.is_sequence() { (a, b) } else { (b, a) };
            let n = repeat_count(n)?;
            match seq {
                Value::List(l) => {
                    let out = repeated(&l.items.borrow(), n)?;
                    Ok(h.list(out))
                }
                Value::Tuple(t) => {
                    // CPython shares the tuple for `* 1` and for an empty one.
                    if n == 1 || t.items.is_empty() {
                        h.bulk(t.items.len());
                        return Ok(seq.clone());
                    }
                    let out = repeated(&t.items, n)?;
                    Ok(h.tuple(out))
                }
                _ => unreachable!("one operand is a sequence"),
            }
        }
        _ => Err(unsupported(op, a, b, inplace)),
    }
}

fn concat(h: &mut Heap, a: &Value, b: &Value, inplace: bool) -> Res<Value> {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.items.borrow(), y.items.borrow());
            check_len(x.len() as u128 + y.len() as u128)?;
            let out: Vec<Value> = x.iter().chain(y.iter()).cloned().collect();
            drop((x, y));
            Ok(h.list(out))
        }
        (Value::Tuple(x), Value::Tuple(y)) => {
            let n = check_len(x.items.len() as u128 + y.items.len() as u128)?;
            // CPython returns the other operand when one is empty.
            if y.items.is_empty() || x.items.is_empty() {
                h.bulk(n);
                return Ok(if y.items.is_empty() { a } else { b }.clone());
            }
            Ok(h.tuple(x.items.iter().chain(&y.items).cloned().collect()))
        }
        (Value::List(_) | Value::Tuple(_), other) => Err(type_error(format!(
            "can only concatenate {} (not \"{}\") to {}",
            a.type_name(),
            other.type_name(),
            a.type_name()
        ))),
        _ => Err(unsupported(BinOp::Add, a, b, inplace)),
    }
}

/// `xs += it` (extend with any iterable) and `xs *= n` (repeat in place)
/// on a list; `None` for any other operator (the caller falls back to the
/// plain operator).
pub fn inplace_list(h: &mut Heap, op: BinOp, l: &Rc<ListObj>, rhs: &Value) -> Option<Res<()>> {
    Some(match op {
        BinOp::Add => extend(h, l, rhs),
        BinOp::Mul => (|| {
            let n = repeat_count(rhs)?;
            let out = repeated(&l.items.borrow(), n)?;
            h.bulk(out.len());
            *l.items.borrow_mut() = out;
            Ok(())
        })(),
        _ => return None,
    })
}

/// `xs.extend(it)` (also `xs += it`): the items are copied first, so
/// `xs.extend(xs)` doubles the list.
pub fn extend(h: &mut Heap, l: &Rc<ListObj>, it: &Value) -> Res<()> {
    let new = collect(it, || not_iterable(it))?;
    let after = check_len(l.items.borrow().len() as u128 + new.len() as u128)?;
    l.items.borrow_mut().extend(new);
    h.bulk(after);
    Ok(())
}

/// `a, b = v`: exactly `n` items of an iterable (at most `n + 1` are ever
/// taken, so a huge range costs nothing).
pub fn unpack(v: &Value, n: usize) -> Res<Vec<Value>> {
    if let Value::Gen(_) = v {
        return Err(not_iterable(v));
    }
    let Some(items) = Items::of(v) else {
        return Err(type_error(format!(
            "cannot unpack non-iterable {} object",
            v.type_name()
        )));
    };
    let mut items = items;
    let mut got: Vec<Value> = Vec::with_capacity(n + 1);
    // An iterator object's step can raise (its dict changed size).
    while got.len() <= n {
        match items.step()? {
            Some(x) => got.push(x),
            None => break,
        }
    }
    if got.len() < n {
        return Err(value_error(format!(
            "not enough values to unpack (expected {n}, got {})",
            got.len()
        )));
    }
    if got.len() > n {
        return Err(value_error(format!(
            "too many values to unpack (expected {n})"
        )));
    }
    Ok(got)
}
