//! What the language does with tuples and lists beyond storing them:
//! operators, subscripts and slices, slice assignment, unpacking, the
//! methods (`xs.append(1)`) and the builtins `len`, `list`, `tuple`, `sum`,
//! `min` and `max`, with CPython 3.11's messages.
//!
//! Inputs are rooted by the caller (they sit on the VM's stack); values
//! created here and held across a further allocation are rooted in
//! `roots.temps` inside [`seq::rooted`].

use ibig::IBig;

use super::arena::Arena;
use super::object::{self, Kind};
use super::seq::{self, charge, check_len, collect, get, is_list, is_seq, is_tuple, len, rooted};
use super::value::Value;
use super::{Raise, int, pydict, pydict_ops, range, strs, type_name};
use crate::lang::ast::{BinOp, CmpOp};

fn is_range(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Range
}

/// A new list or tuple (like `like`) of `items`, rooted by the caller.
fn new_like(arena: &mut Arena, list: bool, items: &[Value]) -> Result<Value, Raise> {
    charge(arena, items.len());
    if list {
        seq::new_list(arena, items)
    } else {
        seq::new_tuple(arena, items)
    }
}

/// A BUILD_LIST / BUILD_TUPLE display of `items` (on the caller's stack).
pub fn build(arena: &mut Arena, list: bool, items: &[Value]) -> Result<Value, Raise> {
    new_like(arena, list, items)
}

/// The binary operators when an operand is a list or tuple.
pub fn binop(
    arena: &mut Arena,
    op: BinOp,
    inplace: bool,
    a: Value,
    b: Value,
) -> Result<Value, Raise> {
    let unsupported = || Raise::unsupported_operands(op, inplace, a, b);
    match op {
        BinOp::Add if is_list(a) && inplace => {
            rooted(arena, |arena| {
                let mut all = seq::items(a);
                all.extend(collect(arena, b)?);
                check_len(all.len())?;
                charge(arena, all.len());
                seq::set_items(arena, a, &all)
            })?;
            Ok(a)
        }
        BinOp::Add if is_seq(a) => {
            if is_list(a) != is_list(b) || !is_seq(b) {
                let kind = type_name(a);
                return Err(Raise::type_error(format!(
                    "can only concatenate {kind} (not \"{}\") to {kind}",
                    type_name(b)
                )));
            }
            // CPython returns a tuple itself when the other is empty.
            if is_tuple(a) && (len(a) == 0 || len(b) == 0) {
                charge(arena, len(a) + len(b));
                return Ok(if len(b) == 0 { a } else { b });
            }
            let mut all = seq::items(a);
            all.extend(seq::items(b));
            check_len(all.len())?;
            new_like(arena, is_list(a), &all)
        }
        BinOp::Mul => {
            let (s, n) = if is_seq(a) { (a, b) } else { (b, a) };
            if !is_seq(s) {
                return Err(unsupported());
            }
            if !int::is_int(n) {
                return Err(Raise::type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    type_name(n)
                )));
            }
            let count = index_value(n, "OverflowError")?.max(0) as u128;
            let items = seq::items(s);
            let total = items.len() as u128 * count;
            if total > crate::lang::limits::MAX_SEQUENCE_LEN as u128 {
                return Err(Raise::Poison(crate::lang::Poison::SequenceTooLong));
            }
            let all: Vec<Value> = (0..count).flat_map(|_| items.iter().copied()).collect();
            if inplace && is_list(s) && s == a {
                charge(arena, all.len());
                seq::set_items(arena, s, &all)?;
                return Ok(s);
            }
            // CPython returns a tuple itself for `t * 1`.
            if is_tuple(s) && count == 1 {
                charge(arena, all.len());
                return Ok(s);
            }
            new_like(arena, is_list(s), &all)
        }
        _ => Err(unsupported()),
    }
}

/// An int used as an index (a bool counts as 0 or 1). Outside i64:
/// `cannot fit 'int' into an index-sized integer`, raised as `exc`.
pub fn index_value(v: Value, exc: &'static str) -> Result<i64, Raise> {
    if v.is_bool() {
        return Ok((v == Value::TRUE) as i64);
    }
    int::to_i64(v)
        .ok_or_else(|| Raise::exc(exc, "cannot fit 'int' into an index-sized integer".into()))
}

/// `container[index]` with an int-like index.
pub fn subscript(arena: &mut Arena, c: Value, index: Value) -> Result<Value, Raise> {
    if super::array::is_array(c) {
        return super::array::subscript(c, index);
    }
    if strs::is_str(c) {
        return super::str_ops::subscript(arena, c, index);
    }
    if pydict::is_dict(c) {
        return pydict_ops::subscript(c, index);
    }
    let what = if is_seq(c) {
        type_name(c)
    } else if is_range(c) {
        "range"
    } else {
        return Err(not_subscriptable(c));
    };
    if !int::is_int(index) {
        return Err(Raise::type_error(format!(
            "{what} indices must be integers or slices, not {}",
            type_name(index)
        )));
    }
    if is_range(c) {
        // Any int: a range's length need not fit a machine word
        // (`range(2 ** 64)[2 ** 63]`), and CPython's error for a huge
        // index is the range's own.
        let n = range::len(c);
        let i = if index.is_bool() {
            IBig::from((index == Value::TRUE) as i64)
        } else {
            int::to_ibig(index)
        };
        let i = if i < IBig::from(0) { i + &n } else { i };
        if i < IBig::from(0) || i >= n {
            return Err(Raise::exc(
                "IndexError",
                "range object index out of range".into(),
            ));
        }
        let (start, _, step) = range::parts(c);
        return int::from_ibig(arena, &(start + step * i));
    }
    let i = index_value(index, "IndexError")?;
    match normalize(i, len(c)) {
        Some(i) => Ok(get(c, i)),
        None => Err(Raise::exc(
            "IndexError",
            format!("{what} index out of range"),
        )),
    }
}

/// `'int' object is not subscriptable`; a class says `type 'list' ...`.
fn not_subscriptable(c: Value) -> Raise {
    match super::value::BUILTINS.iter().find(|(_, b)| *b == c) {
        Some((class, _)) if type_name(c) == "type" => {
            Raise::type_error(format!("type '{class}' is not subscriptable"))
        }
        _ if super::class::is_type(c) => Raise::type_error(format!(
            "type '{}' is not subscriptable",
            super::class::name(c)
        )),
        _ => Raise::type_error(format!("'{}' object is not subscriptable", type_name(c))),
    }
}

/// A possibly negative index into a sequence of `n` items.
pub fn normalize(i: i64, n: usize) -> Option<usize> {
    let i = if i < 0 {
        i as i128 + n as i128
    } else {
        i as i128
    };
    (0..n as i128).contains(&i).then_some(i as usize)
}

/// `container[index] = v` with an int-like index.
pub fn store_subscript(arena: &mut Arena, c: Value, index: Value, v: Value) -> Result<(), Raise> {
    if super::array::is_array(c) {
        return super::array::store(c, index, v);
    }
    if pydict::is_dict(c) {
        return pydict::set(arena, c, index, v);
    }
    if !is_list(c) {
        return Err(Raise::type_error(format!(
            "'{}' object does not support item assignment",
            type_name(c)
        )));
    }
    if !int::is_int(index) {
        return Err(Raise::type_error(format!(
            "list indices must be integers or slices, not {}",
            type_name(index)
        )));
    }
    let i = index_value(index, "IndexError")?;
    match normalize(i, len(c)) {
        Some(i) => {
            seq::set(c, i, v);
            Ok(())
        }
        None => Err(Raise::exc(
            "IndexError",
            "list assignment index out of range".into(),
        )),
    }
}

/// The indices a slice selects from a sequence of `n` items: CPython's
/// `PySlice_Unpack` + `PySlice_AdjustIndices`, in exact arithmetic (which
/// selects the same items as its clamped `Py_ssize_t` arithmetic).
pub struct SliceIndices {
    pub start: IBig,
    pub step: IBig,
    pub len: usize,
    /// The stop bound clamped to the sequence, as CPython's
    /// `_PySlice_GetLongIndices` leaves it (not rounded to a step):
    /// `compute_slice` scales it into a range's stop, whose repr shows it.
    pub stop: IBig,
}

fn slice_part(v: Value) -> Result<Option<IBig>, Raise> {
    if v == Value::NONE {
        return Ok(None);
    }
    if !int::is_int(v) {
        return Err(Raise::type_error(
            "slice indices must be integers or None or have an __index__ method".into(),
        ));
    }
    Ok(Some(if v.is_bool() {
        IBig::from((v == Value::TRUE) as i64)
    } else {
        int::to_ibig(v)
    }))
}

pub fn slice_indices(
    n: &IBig,
    lower: Value,
    upper: Value,
    step: Value,
) -> Result<SliceIndices, Raise> {
    let zero = IBig::from(0);
    let one = IBig::from(1);
    let step = slice_part(step)?.unwrap_or(one.clone());
    if step == zero {
        return Err(Raise::exc("ValueError", "slice step cannot be zero".into()));
    }
    let back = step < zero;
    let lower = slice_part(lower)?;
    let upper = slice_part(upper)?;
    let adjust = |x: Option<IBig>, default_back: IBig, default_fwd: IBig| match x {
        None => {
            if back {
                default_back
            } else {
                default_fwd
            }
        }
        Some(mut x) => {
            if x < zero {
                x += n;
                if x < zero {
                    x = if back { -&one } else { zero.clone() };
                }
            } else if x >= *n {
                x = if back { n - &one } else { n.clone() };
            }
            x
        }
    };
    let start = adjust(lower, n - &one, zero.clone());
    let stop = adjust(upper, -&one, n.clone());
    let count = if back {
        if stop < start {
            (&start - &stop - &one) / (-&step) + &one
        } else {
            zero.clone()
        }
    } else if start < stop {
        (&stop - &start - &one) / &step + &one
    } else {
        zero.clone()
    };
    // Only sequences of at most MAX_SEQUENCE_LEN items exist, and a range
    // slice never materializes its items.
    let len = usize::try_from(&count).unwrap_or(usize::MAX);
    Ok(SliceIndices {
        stop,
        start,
        step,
        len,
    })
}

/// `container[lower:upper:step]`.
pub fn slice(
    arena: &mut Arena,
    c: Value,
    lower: Value,
    upper: Value,
    step: Value,
) -> Result<Value, Raise> {
    // CPython hands a user class's `__getitem__`/`__setitem__` a `slice`
    // object, which the language does not have.
    if super::class::is_instance(c) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    if is_range(c) {
        let s = slice_indices(&range::len(c), lower, upper, step)?;
        let (start, _, rstep) = range::parts(c);
        let new_start = &start + &s.start * &rstep;
        let new_stop = &start + &s.stop * &rstep;
        return range::from_parts(arena, &new_start, &new_stop, &(rstep * &s.step));
    }
    if strs::is_str(c) {
        return super::str_ops::slice(arena, c, lower, upper, step);
    }
    if !is_seq(c) {
        return Err(not_subscriptable(c));
    }
    let s = slice_indices(&IBig::from(len(c)), lower, upper, step)?;
    // CPython returns a tuple itself for a slice of all of it.
    if is_tuple(c) && s.len == len(c) && s.step == IBig::from(1) {
        charge(arena, s.len);
        return Ok(c);
    }
    let picked = picked(&s);
    let items: Vec<Value> = picked.iter().map(|&i| get(c, i)).collect();
    new_like(arena, is_list(c), &items)
}

/// The item indices a slice selects (all within the sequence).
pub(crate) fn picked(s: &SliceIndices) -> Vec<usize> {
    let start = i128::try_from(&s.start).unwrap_or(0);
    let step = i128::try_from(&s.step).unwrap_or(1);
    (0..s.len as i128)
        .map(|k| (start + k * step) as usize)
        .collect()
}

/// `container[lower:upper:step] = value`.
pub fn store_slice(
    arena: &mut Arena,
    c: Value,
    lower: Value,
    upper: Value,
    step: Value,
    value: Value,
) -> Result<(), Raise> {
    // CPython hands a user class's `__getitem__`/`__setitem__` a `slice`
    // object, which the language does not have.
    if super::class::is_instance(c) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    if !is_list(c) {
        return Err(Raise::type_error(format!(
            "'{}' object does not support item assignment",
            type_name(c)
        )));
    }
    let n = len(c);
    let s = slice_indices(&IBig::from(n), lower, upper, step)?;
    rooted(arena, |arena| {
        if s.step == IBig::from(1) {
            let new = collect(arena, value).map_err(|e| match e {
                Raise::Exc { .. } => Raise::type_error("can only assign an iterable".into()),
                other => other,
            })?;
            // list_ass_slice clamps: an empty selection inserts at `start`.
            let lo = usize::try_from(&s.start).unwrap_or(0).min(n);
            let hi = (lo + s.len).min(n);
            let mut all = seq::items(c)[..lo].to_vec();
            all.extend(new);
            all.extend_from_slice(&seq::items(c)[hi..]);
            check_len(all.len())?;
            charge(arena, all.len());
            return seq::set_items(arena, c, &all);
        }
        let new = collect(arena, value).map_err(|e| match e {
            Raise::Exc { .. } => Raise::type_error("must assign iterable to extended slice".into()),
            other => other,
        })?;
        if new.len() != s.len {
            return Err(Raise::exc(
                "ValueError",
                format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    new.len(),
                    s.len
                ),
            ));
        }
        for (i, v) in picked(&s).into_iter().zip(new) {
            seq::set(c, i, v);
        }
        charge(arena, n);
        Ok(())
    })
}

/// `t0, ..., t(n-1) = v`: the items, first item first.
pub fn unpack(arena: &mut Arena, v: Value, n: usize) -> Result<Vec<Value>, Raise> {
    let (have, is_r) = if is_seq(v) || super::array::is_array(v) {
        (IBig::from(len(v)), false)
    } else if strs::is_str(v) {
        (IBig::from(strs::len(v)), false)
    } else if is_range(v) {
        (range::len(v), true)
    } else if pydict::is_dict(v) || pydict::is_view(v) {
        (IBig::from(pydict_ops::len(v)), false)
    } else if super::pyset::is_set(v) {
        (IBig::from(super::pyset::len(v)), false)
    } else if super::iters::is_iterator(v) && !super::class::is_instance(v) {
        return unpack_iterator(arena, v, n);
    } else {
        return Err(Raise::type_error(format!(
            "cannot unpack non-iterable {} object",
            type_name(v)
        )));
    };
    if have < IBig::from(n) {
        return Err(Raise::exc(
            "ValueError",
            format!("not enough values to unpack (expected {n}, got {have})"),
        ));
    }
    if have > IBig::from(n) {
        return Err(Raise::exc(
            "ValueError",
            format!("too many values to unpack (expected {n})"),
        ));
    }
    if strs::is_str(v) {
        return Ok(super::str_ops::chars(arena, v));
    }
    if super::pyset::is_set(v) {
        super::pyset::check_ordered(v)?;
        return Ok(super::pyset::keys(v));
    }
    if pydict::is_dict(v) || pydict::is_view(v) {
        // The caller roots the item tuples as it pushes them.
        return rooted(arena, |arena| pydict_ops::collect(arena, v));
    }
    if !is_r {
        return Ok(seq::items(v));
    }
    // The caller roots these as it pushes them.
    (0..n).map(|i| seq::range_item(arena, v, i)).collect()
}

/// Unpacks an iterator as CPython's `unpack_iterable`: at most `n + 1`
/// items are taken. The caller roots the items as it pushes them.
fn unpack_iterator(arena: &mut Arena, it: Value, n: usize) -> Result<Vec<Value>, Raise> {
    rooted(arena, |arena| {
        let mut items = Vec::with_capacity(n);
        while items.len() < n {
            match super::iters::next(arena, it)? {
                Some(x) => {
                    arena.roots.temps.push(x);
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
        if super::iters::next(arena, it)?.is_some() {
            return Err(Raise::exc(
                "ValueError",
                format!("too many values to unpack (expected {n})"),
            ));
        }
        Ok(items)
    })
}

/// `x in c` / `x not in c`.
pub fn contains_op(x: Value, c: Value, negate: bool) -> Result<Value, Raise> {
    if super::array::is_array(c) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    Ok(Value::bool(seq::contains(c, x)? != negate))
}

/// The builtins `len`, `list`, `tuple`, `sum`, `min` and `max`.
pub fn call_builtin(arena: &mut Arena, f: Value, args: &[Value]) -> Result<Value, Raise> {
    match f {
        Value::BUILTIN_LEN => {
            let [x] = args else {
                return Err(Raise::type_error(format!(
                    "len() takes exactly one argument ({} given)",
                    args.len()
                )));
            };
            length(arena, *x)
        }
        Value::BUILTIN_LIST | Value::BUILTIN_TUPLE => {
            let list = f == Value::BUILTIN_LIST;
            match args {
                [] => new_like(arena, list, &[]),
                // `tuple(t)` is `t` itself, as in CPython.
                [x] if !list && is_tuple(*x) => {
                    charge(arena, len(*x));
                    Ok(*x)
                }
                [x] => rooted(arena, |arena| {
                    let items = collect(arena, *x)?;
                    new_like(arena, list, &items)
                }),
                _ => Err(Raise::type_error(format!(
                    "{} expected at most 1 argument, got {}",
                    if list { "list" } else { "tuple" },
                    args.len()
                ))),
            }
        }
        Value::BUILTIN_DICT => pydict_ops::dict_builtin(arena, args),
        Value::BUILTIN_SET => super::pyset_ops::set_builtin(arena, args),
        Value::BUILTIN_SUM => sum(arena, args),
        Value::BUILTIN_MIN | Value::BUILTIN_MAX => min_max(arena, f == Value::BUILTIN_MIN, args),
        other => Err(Raise::Internal(format!(
            "{other:?} is not a sequence builtin"
        ))),
    }
}

fn length(arena: &mut Arena, x: Value) -> Result<Value, Raise> {
    if is_seq(x) || super::array::is_array(x) {
        return Ok(Value::small(len(x) as i64));
    }
    if strs::is_str(x) {
        return Ok(Value::small(strs::len(x) as i64));
    }
    if pydict::is_dict(x) || pydict::is_view(x) {
        return Ok(Value::small(pydict_ops::len(x) as i64));
    }
    if super::pyset::is_set(x) {
        return Ok(Value::small(super::pyset::len(x) as i64));
    }
    if is_range(x) {
        let n = range::len(x);
        if n > IBig::from(i64::MAX) {
            return Err(Raise::exc(
                "OverflowError",
                "Python int too large to convert to C ssize_t".into(),
            ));
        }
        return int::from_ibig(arena, &n);
    }
    Err(Raise::type_error(format!(
        "object of type '{}' has no len()",
        type_name(x)
    )))
}

fn sum(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let (it, start) = match args {
        [it] => (*it, Value::small(0)),
        [it, start] => (*it, *start),
        [] => {
            return Err(Raise::type_error(
                "sum() takes at least 1 positional argument (0 given)".into(),
            ));
        }
        _ => {
            return Err(Raise::type_error(format!(
                "sum() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    rooted(arena, |arena| {
        let items = collect(arena, it)?;
        // CPython checks the iterable first, then refuses a str start.
        if strs::is_str(start) {
            return Err(Raise::type_error(
                "sum() can't sum strings [use ''.join(seq) instead]".into(),
            ));
        }
        charge(arena, items.len());
        let mut acc = start;
        for x in items {
            acc = super::int::binop(arena, BinOp::Add, false, acc, x)?;
            arena.roots.temps.push(acc);
        }
        Ok(acc)
    })
}

fn min_max(arena: &mut Arena, min: bool, args: &[Value]) -> Result<Value, Raise> {
    let name = if min { "min" } else { "max" };
    rooted(arena, |arena| {
        let items = min_max_items(arena, min, args)?;
        let mut best: Option<Value> = None;
        for x in items {
            best = Some(match best {
                None => x,
                Some(b) => {
                    let op = if min { CmpOp::Lt } else { CmpOp::Gt };
                    if seq::compare_values(op, x, b, 0)? {
                        x
                    } else {
                        b
                    }
                }
            });
        }
        best.ok_or_else(|| Raise::exc("ValueError", format!("{name}() arg is an empty sequence")))
    })
}

/// The items `min(*args)`/`max(*args)` compares: the arguments, or the
/// one argument's items, consumed like `list(it)` (length cap, bulk fuel).
pub fn min_max_items(arena: &mut Arena, min: bool, args: &[Value]) -> Result<Vec<Value>, Raise> {
    match args {
        [] => Err(Raise::type_error(format!(
            "{} expected at least 1 argument, got 0",
            if min { "min" } else { "max" }
        ))),
        [it] => {
            let items = collect(arena, *it)?;
            charge(arena, items.len());
            Ok(items)
        }
        many => Ok(many.to_vec()),
    }
}
