//! Iterators as values: `iter()` of every iterable, `next()` of every
//! iterator kind, and the builtins that make iterator objects
//! (`enumerate`, `zip`, `reversed`). Every tier steps iterators through
//! [`next`].
//!
//! Exhaustion is sticky, as CPython's: a list or tuple iterator that ran
//! out parks its index past any length, a dict's or a set's drops its
//! container, a reversed iterator parks its index at -1, and an enumerate
//! drops its (sticky) iterator. A zip keeps its iterators: each later call
//! steps the ones before the exhausted one again, as CPython's `zip_next`.
//! So `_FOR_ITER_TIER_TWO` leaves an iterator whose next step ends it to
//! tier 1 unstepped (`tier1::for_iter_leaves_trace`): the exit re-executes
//! FOR_ITER, which is then the only step. The frame-state hash treats
//! "exhausted" and "will find itself exhausted" alike ([`is_exhausted`]).

use ibig::IBig;

use super::arena::Arena;
use super::object::{
    self, ENUMERATE_COUNT, ENUMERATE_ITER, Kind, REVERSED_INDEX, REVERSED_SEQ, ZIP_ITERS,
};
use super::seq::{self, rooted};
use super::value::Value;
use super::{Raise, int, pydict, range, strs, type_name};
use crate::lang::BinOp;

/// Whether `v` is an iterator object (its own `iter()`).
pub fn is_iterator(v: Value) -> bool {
    v.is_ptr()
        && match object::kind_of(v) {
            Kind::RangeIter
            | Kind::LongRangeIter
            | Kind::ListIter
            | Kind::TupleIter
            | Kind::StrIter
            | Kind::DictIter
            | Kind::Enumerate
            | Kind::Zip
            | Kind::Reversed
            | Kind::SetIter
            | Kind::Generator => true,
            // A user iterator: its class defines `__next__`.
            Kind::Instance => super::class::has_dunder(v, super::class::D_NEXT),
            Kind::PySet | Kind::SetEntries => false,
            Kind::Free
            | Kind::Cell
            | Kind::BigInt
            | Kind::Function
            | Kind::Range
            | Kind::Dict
            | Kind::Float
            | Kind::Tuple
            | Kind::List
            | Kind::ListItems
            | Kind::Str
            | Kind::PyDict
            | Kind::DictEntries
            | Kind::DictView
            | Kind::BoundMethod
            | Kind::Type
            | Kind::InstanceValues
            | Kind::MethodWrapper
            | Kind::Exception
            | Kind::ByteArray => false,
        }
}

/// `iter(v)` (the result rooted by the caller).
pub fn get_iter(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    if seq::is_seq(v) || super::array::is_array(v) {
        seq::iter(arena, v)
    } else if strs::is_str(v) {
        strs::iter(arena, v)
    } else if pydict::is_dict(v) || pydict::is_view(v) {
        pydict::iter(arena, v)
    } else if super::pyset::is_set(v) {
        super::pyset::iter(arena, v)
    } else if v.is_ptr() && object::kind_of(v) == Kind::Range {
        range::iter(arena, v)
    } else if is_iterator(v) && !super::class::is_instance(v) {
        Ok(v)
    } else if super::class::has_dunder(v, super::class::D_ITER | super::class::D_GETITEM) {
        // Iterated by a builtin's own code (a method's argument): CPython
        // would call `__iter__` (or `__getitem__`) there.
        Err(Raise::Poison(crate::lang::Poison::Unmodelled))
    } else {
        Err(seq::not_iterable(v))
    }
}

/// The next item of any iterator, or None when it is exhausted. The
/// iterator is rooted by the caller; the item is not (push it before the
/// next allocation).
pub fn next(arena: &mut Arena, it: Value) -> Result<Option<Value>, Raise> {
    match object::kind_of(it) {
        Kind::ListIter | Kind::TupleIter => Ok(seq::iter_next(it)),
        Kind::StrIter => Ok(strs::iter_next(arena, it)),
        Kind::DictIter => pydict::iter_next(arena, it),
        Kind::RangeIter | Kind::LongRangeIter => range::next(arena, it),
        Kind::Enumerate => enumerate_next(arena, it),
        Kind::Zip => zip_next(arena, it),
        Kind::Reversed => Ok(reversed_next(arena, it)),
        Kind::SetIter => super::pyset::iter_next(it),
        // Running Python code needs the VM: tier 1's `iter_next` steps
        // generators (and the iterators wrapping them) itself, and the
        // builtins that consume iterables drain them first. A path that
        // still gets here is one the VM does not model.
        Kind::Generator => Err(Raise::Poison(crate::lang::Poison::Unmodelled)),
        // A user iterator's `__next__` runs in the VM too. An instance
        // whose class has none gets CPython's `_PyObject_NextNotImplemented`
        // message; no program reaches it today (`del C.__next__`, the way
        // a loop's iterator could lose it, poisons as unmodelled).
        Kind::Instance if super::class::has_dunder(it, super::class::D_NEXT) => {
            Err(Raise::Poison(crate::lang::Poison::Unmodelled))
        }
        Kind::Instance => Err(Raise::type_error(format!(
            "'{}' object is not iterable",
            super::type_name(it)
        ))),
        other => Err(Raise::Internal(format!("next() of a {other:?}"))),
    }
}

fn field(v: Value, off: u64) -> u64 {
    // SAFETY: callers pass a live object with a field at `off`.
    unsafe { object::read(v.0, off) }
}

fn set_field(v: Value, off: u64, x: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(v.0, off, x) }
}

/// `enumerate(iterable, start=0)`.
pub fn enumerate(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    enumerate_with(arena, args, get_iter)
}

/// `iter(v)` of an argument the VM already iterated: a user iterator (its
/// `__iter__` result) is taken as it is, anything else iterated here.
fn iterated(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    if super::class::is_instance(v) && is_iterator(v) {
        return Ok(v);
    }
    get_iter(arena, v)
}

/// `enumerate(...)` whose iterable the VM replaced by its `__iter__`
/// result (a user iterator, which [`get_iter`] cannot step).
pub fn enumerate_iterated(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    enumerate_with(arena, args, iterated)
}

/// `zip(...)` whose iterables the VM replaced by their `__iter__` results.
pub fn zip_iterated(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    zip_with(arena, args, iterated)
}

type GetIter = fn(&mut Arena, Value) -> Result<Value, Raise>;

fn enumerate_with(arena: &mut Arena, args: &[Value], get: GetIter) -> Result<Value, Raise> {
    let (iterable, start) = match args {
        [] => {
            return Err(Raise::type_error(
                "enumerate() missing required argument 'iterable'".into(),
            ));
        }
        [x] => (*x, Value::small(0)),
        [x, s] => (*x, *s),
        _ => {
            return Err(Raise::type_error(format!(
                "enumerate() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    rooted(arena, |arena| {
        let it = get(arena, iterable)?;
        arena.roots.temps.push(it);
        if !int::is_int(start) {
            return Err(cannot_interpret(start));
        }
        // A bool start counts as an int.
        let count = if start.is_bool() {
            Value::small((start == Value::TRUE) as i64)
        } else {
            start
        };
        let addr = arena.alloc(Kind::Enumerate, 3)?;
        let e = Value(addr);
        set_field(e, ENUMERATE_ITER, it.0);
        set_field(e, ENUMERATE_COUNT, count.0);
        Ok(e)
    })
}

/// `TypeError: 'str' object cannot be interpreted as an integer`.
pub fn cannot_interpret(v: Value) -> Raise {
    Raise::type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        type_name(v)
    ))
}

fn enumerate_next(arena: &mut Arena, e: Value) -> Result<Option<Value>, Raise> {
    let inner = Value(field(e, ENUMERATE_ITER));
    if inner.is_null() {
        return Ok(None);
    }
    rooted(arena, |arena| {
        let Some(x) = next(arena, inner)? else {
            set_field(e, ENUMERATE_ITER, 0);
            return Ok(None);
        };
        arena.roots.temps.push(x);
        let count = Value(field(e, ENUMERATE_COUNT));
        let pair = seq::new_tuple(arena, &[count, x])?;
        arena.roots.temps.push(pair);
        let succ = int::binop(arena, BinOp::Add, false, count, Value::small(1))?;
        set_field(e, ENUMERATE_COUNT, succ.0);
        Ok(Some(pair))
    })
}

/// `zip(*iterables)`: each argument's iterator, left to right (the first
/// non-iterable raises).
pub fn zip(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    zip_with(arena, args, get_iter)
}

fn zip_with(arena: &mut Arena, args: &[Value], get: GetIter) -> Result<Value, Raise> {
    rooted(arena, |arena| {
        let mut iters = Vec::with_capacity(args.len());
        for &a in args {
            let it = get(arena, a)?;
            arena.roots.temps.push(it);
            iters.push(it);
        }
        let t = seq::new_tuple(arena, &iters)?;
        arena.roots.temps.push(t);
        let addr = arena.alloc(Kind::Zip, 2)?;
        set_field(Value(addr), ZIP_ITERS, t.0);
        Ok(Value(addr))
    })
}

fn zip_next(arena: &mut Arena, z: Value) -> Result<Option<Value>, Raise> {
    let iters = Value(field(z, ZIP_ITERS));
    if iters.is_null() || seq::len(iters) == 0 {
        return Ok(None);
    }
    rooted(arena, |arena| {
        let mut items = Vec::with_capacity(seq::len(iters));
        for i in 0..seq::len(iters) {
            match next(arena, seq::get(iters, i))? {
                Some(x) => {
                    arena.roots.temps.push(x);
                    items.push(x);
                }
                // The iterators stay: CPython's `zip_next` steps them again
                // at the next call (the ones before this lose an item).
                None => return Ok(None),
            }
        }
        seq::new_tuple(arena, &items).map(Some)
    })
}

/// `reversed(seq)`: a list, tuple or str gives a `Reversed` iterator, a
/// range the range iterator of the reversed range, a dict or a view a
/// reverse dict iterator.
pub fn reversed(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let [x] = args else {
        return Err(Raise::type_error(format!(
            "reversed expected 1 argument, got {}",
            args.len()
        )));
    };
    let x = *x;
    if x.is_ptr() && object::kind_of(x) == Kind::Range {
        return rooted(arena, |arena| {
            let r = reversed_range(arena, x)?;
            arena.roots.temps.push(r);
            range::iter(arena, r)
        });
    }
    if pydict::is_dict(x) || pydict::is_view(x) {
        return super::dict_rev::new(arena, x);
    }
    let n = if seq::is_seq(x) {
        seq::len(x)
    } else if strs::is_str(x) {
        strs::len(x)
    } else if super::class::has_dunder(x, super::class::D_GETITEM) {
        // CPython's sequence protocol (`__len__` and `__getitem__`).
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    } else {
        return Err(Raise::type_error(format!(
            "'{}' object is not reversible",
            type_name(x)
        )));
    };
    let addr = arena.alloc(Kind::Reversed, 3)?;
    set_field(Value(addr), REVERSED_SEQ, x.0);
    set_field(Value(addr), REVERSED_INDEX, (n as i64 - 1) as u64);
    Ok(Value(addr))
}

/// `range(start + (n-1)*step, start - step, -step)` for `range(start,
/// stop, step)` of length `n` (CPython's `range_reverse`).
fn reversed_range(arena: &mut Arena, r: Value) -> Result<Value, Raise> {
    let (start, step) = (
        int::to_ibig(Value(field(r, object::RANGE_START))),
        int::to_ibig(Value(field(r, object::RANGE_STEP))),
    );
    let n = range::len(r);
    let first = &start + &step * (&n - IBig::from(1));
    let stop = &start - &step;
    rooted(arena, |arena| {
        let mut parts = Vec::with_capacity(3);
        for v in [first, stop, -step] {
            let x = int::from_ibig(arena, &v)?;
            arena.roots.temps.push(x);
            parts.push(x);
        }
        range::new(arena, &parts)
    })
}

/// The next item of a `Reversed` (the list's current length bounds it, as
/// CPython's `listreviter_next`).
fn reversed_next(arena: &Arena, r: Value) -> Option<Value> {
    let s = Value(field(r, REVERSED_SEQ));
    let i = field(r, REVERSED_INDEX) as i64;
    let n = if strs::is_str(s) {
        strs::len(s)
    } else {
        seq::len(s)
    };
    if i < 0 || i as usize >= n {
        set_field(r, REVERSED_INDEX, u64::MAX);
        return None;
    }
    set_field(r, REVERSED_INDEX, (i - 1) as u64);
    Some(if strs::is_str(s) {
        strs::char_value(arena, strs::text(s).as_bytes()[i as usize])
    } else {
        seq::get(s, i as usize)
    })
}

/// Whether the next step of iterator `it` finds it exhausted, without
/// stepping it (false when that step would raise).
pub fn is_exhausted(it: Value) -> bool {
    let seq_at_end = |n: usize| field(it, object::SEQ_ITER_INDEX) as usize >= n;
    match object::kind_of(it) {
        Kind::ListIter | Kind::TupleIter => {
            seq_at_end(seq::len(Value(field(it, object::SEQ_ITER_SEQ))))
        }
        Kind::StrIter => seq_at_end(strs::len(Value(field(it, object::SEQ_ITER_SEQ)))),
        Kind::RangeIter => field(it, object::ITER_REMAINING) == 0,
        Kind::LongRangeIter => Value(field(it, object::ITER_REMAINING)) == Value::small(0),
        Kind::DictIter => pydict::iter_exhausted(it),
        Kind::Enumerate => {
            let inner = Value(field(it, ENUMERATE_ITER));
            inner.is_null() || is_exhausted(inner)
        }
        Kind::Zip => {
            let iters = Value(field(it, ZIP_ITERS));
            iters.is_null()
                || seq::len(iters) == 0
                || (0..seq::len(iters)).any(|i| is_exhausted(seq::get(iters, i)))
        }
        Kind::Reversed => {
            let s = Value(field(it, REVERSED_SEQ));
            let n = if strs::is_str(s) {
                strs::len(s)
            } else {
                seq::len(s)
            };
            let i = field(it, REVERSED_INDEX) as i64;
            i < 0 || i as usize >= n
        }
        Kind::SetIter => super::pyset::iter_exhausted(it),
        Kind::Generator => super::generator::state(it) == super::generator::FINISHED,
        Kind::PySet | Kind::SetEntries => false,
        Kind::Free
        | Kind::Cell
        | Kind::BigInt
        | Kind::Function
        | Kind::Range
        | Kind::Dict
        | Kind::Float
        | Kind::Tuple
        | Kind::List
        | Kind::ListItems
        | Kind::Str
        | Kind::PyDict
        | Kind::DictEntries
        | Kind::DictView
        | Kind::BoundMethod
        | Kind::Type
        | Kind::Instance
        | Kind::InstanceValues
        | Kind::MethodWrapper
        | Kind::Exception
        | Kind::ByteArray => false,
    }
}

/// The type name of a `Reversed`: CPython's list gives its own iterator.
pub fn reversed_type_name(r: Value) -> &'static str {
    if seq::is_list(Value(field(r, REVERSED_SEQ))) {
        "list_reverseiterator"
    } else {
        "reversed"
    }
}

/// Every remaining item of iterator `it`, each rooted in `roots.temps`
/// (call inside [`rooted`]). More than the sequence cap poisons.
pub fn drain(arena: &mut Arena, it: Value) -> Result<Vec<Value>, Raise> {
    let mut out = Vec::new();
    while let Some(x) = next(arena, it)? {
        arena.roots.temps.push(x);
        out.push(x);
        seq::check_len(out.len())?;
    }
    Ok(out)
}
