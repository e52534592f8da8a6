//! `range` objects and their iterators. Iterators whose bounds fit in i64 use
//! the compact `RangeIter` layout the specialized `FOR_ITER_RANGE` (and later
//! its stencil) reads directly; anything wider uses `LongRangeIter`.

use ibig::IBig;

use super::arena::Arena;
use super::int::{self, from_ibig, to_ibig};
use super::object::{
    self, ITER_NEXT, ITER_REMAINING, ITER_STEP, Kind, RANGE_START, RANGE_STEP, RANGE_STOP,
};
use super::value::Value;
use super::{Raise, type_name};

/// `range(*args)`.
pub fn new(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    match args.len() {
        0 => {
            return Err(Raise::type_error(
                "range expected at least 1 argument, got 0".into(),
            ));
        }
        1..=3 => {}
        n => {
            return Err(Raise::type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )));
        }
    }
    let mut ints = Vec::with_capacity(3);
    for &a in args {
        if !int::is_int(a) {
            return Err(Raise::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                type_name(a)
            )));
        }
        // Bools become plain ints: range(True, 3) is range(1, 3).
        ints.push(if a.is_bool() {
            Value::small((a == Value::TRUE) as i64)
        } else {
            a
        });
    }
    let (start, stop, step) = match ints[..] {
        [stop] => (Value::small(0), stop, Value::small(1)),
        [start, stop] => (start, stop, Value::small(1)),
        [start, stop, step] => (start, stop, step),
        _ => unreachable!(),
    };
    if step == Value::small(0) {
        return Err(Raise::exc(
            "ValueError",
            "range() arg 3 must not be zero".into(),
        ));
    }
    let addr = arena.alloc(Kind::Range, 4)?;
    // SAFETY: freshly allocated Range.
    unsafe {
        object::write(addr, RANGE_START, start.0);
        object::write(addr, RANGE_STOP, stop.0);
        object::write(addr, RANGE_STEP, step.0);
    }
    Ok(Value(addr))
}

fn fields(r: Value) -> (Value, Value, Value) {
    // SAFETY: callers pass live Range objects.
    unsafe {
        (
            Value(object::read(r.0, RANGE_START)),
            Value(object::read(r.0, RANGE_STOP)),
            Value(object::read(r.0, RANGE_STEP)),
        )
    }
}

fn len_of(start: &IBig, stop: &IBig, step: &IBig) -> IBig {
    let zero = IBig::from(0);
    let one = IBig::from(1);
    let n = if *step > zero {
        if stop <= start {
            zero.clone()
        } else {
            (stop - start - &one) / step + &one
        }
    } else if stop >= start {
        zero.clone()
    } else {
        (start - stop - &one) / (-step) + &one
    };
    n.max(zero)
}

/// Number of elements of a range object.
pub fn len(r: Value) -> IBig {
    let (a, b, c) = fields(r);
    len_of(&to_ibig(a), &to_ibig(b), &to_ibig(c))
}

pub fn repr(r: Value) -> String {
    let (a, b, c) = fields(r);
    if c == Value::small(1) {
        format!("range({}, {})", int::to_decimal(a), int::to_decimal(b))
    } else {
        format!(
            "range({}, {}, {})",
            int::to_decimal(a),
            int::to_decimal(b),
            int::to_decimal(c)
        )
    }
}

/// Sequence equality, as CPython compares ranges.
pub fn equal(a: Value, b: Value) -> bool {
    let (la, lb) = (len(a), len(b));
    if la != lb {
        return false;
    }
    let (sa, _, ta) = fields(a);
    let (sb, _, tb) = fields(b);
    la == IBig::from(0)
        || (int::cmp(sa, sb).is_eq() && (la == IBig::from(1) || int::cmp(ta, tb).is_eq()))
}

/// `iter(range)`.
pub fn iter(arena: &mut Arena, r: Value) -> Result<Value, Raise> {
    let (a, b, c) = fields(r);
    let n = len(r);
    if let (Some(start), Some(_), Some(step), Ok(remaining)) = (
        int::to_i64(a),
        int::to_i64(b),
        int::to_i64(c),
        u64::try_from(&n),
    ) {
        let addr = arena.alloc(Kind::RangeIter, 4)?;
        // SAFETY: freshly allocated RangeIter.
        unsafe {
            object::write(addr, ITER_NEXT, start as u64);
            object::write(addr, ITER_STEP, step as u64);
            object::write(addr, ITER_REMAINING, remaining);
        }
        return Ok(Value(addr));
    }
    let remaining = from_ibig(arena, &n)?;
    // Rooted across the iterator's allocation (a collection there would
    // free a wide `remaining`).
    arena.roots.temps.push(remaining);
    let addr = arena.alloc(Kind::LongRangeIter, 4);
    arena.roots.temps.pop();
    let addr = addr?;
    // SAFETY: freshly allocated LongRangeIter; its fields are int values.
    unsafe {
        object::write(addr, ITER_NEXT, a.0);
        object::write(addr, ITER_STEP, c.0);
        object::write(addr, ITER_REMAINING, remaining.0);
    }
    Ok(Value(addr))
}

/// `next(it)` for either iterator layout; `None` when exhausted.
pub fn next(arena: &mut Arena, it: Value) -> Result<Option<Value>, Raise> {
    // SAFETY: `it` is a live range iterator of the kind matched.
    unsafe {
        match object::kind_of(it) {
            Kind::RangeIter => {
                let remaining = object::read(it.0, ITER_REMAINING);
                if remaining == 0 {
                    return Ok(None);
                }
                let v = object::read(it.0, ITER_NEXT) as i64;
                let step = object::read(it.0, ITER_STEP) as i64;
                object::write(it.0, ITER_NEXT, v.wrapping_add(step) as u64);
                object::write(it.0, ITER_REMAINING, remaining - 1);
                int::from_i64(arena, v).map(Some)
            }
            Kind::LongRangeIter => {
                let remaining = to_ibig(Value(object::read(it.0, ITER_REMAINING)));
                if remaining == IBig::from(0) {
                    return Ok(None);
                }
                let v = Value(object::read(it.0, ITER_NEXT));
                let step = to_ibig(Value(object::read(it.0, ITER_STEP)));
                // The step past the last element may exceed the int limit; it is
                // never observed, so stop advancing instead of poisoning.
                let rem = from_ibig(arena, &(remaining - IBig::from(1)))?;
                object::write(it.0, ITER_REMAINING, rem.0);
                if rem != Value::small(0) {
                    let nv = from_ibig(arena, &(to_ibig(v) + step))?;
                    object::write(it.0, ITER_NEXT, nv.0);
                }
                Ok(Some(v))
            }
            _ => unreachable!("next() on a non-iterator"),
        }
    }
}

/// `x in r`: ints and bools by arithmetic; a float equals an integral
/// member (CPython falls back to comparing each item, which gives exactly
/// this); anything else is not a member.
pub fn contains(r: Value, x: Value) -> bool {
    let v = if int::is_int(x) {
        if x.is_bool() {
            IBig::from((x == Value::TRUE) as i64)
        } else {
            to_ibig(x)
        }
    } else if super::float::is_float(x) {
        let f = super::float::value(x);
        if !f.is_finite() || f.fract() != 0.0 {
            return false;
        }
        super::float::integral_to_ibig(f)
    } else {
        return false;
    };
    let (a, b, c) = fields(r);
    let (start, stop, step) = (to_ibig(a), to_ibig(b), to_ibig(c));
    let zero = IBig::from(0);
    let inside = if step > zero {
        start <= v && v < stop
    } else {
        stop < v && v <= start
    };
    inside && (&v - &start) % &step == zero
}

/// The start, stop and step of a range, as ints.
pub fn parts(r: Value) -> (IBig, IBig, IBig) {
    let (a, b, c) = fields(r);
    (to_ibig(a), to_ibig(b), to_ibig(c))
}

/// A new range from int parts (CPython's `compute_slice` result).
pub fn from_parts(
    arena: &mut Arena,
    start: &IBig,
    stop: &IBig,
    step: &IBig,
) -> Result<Value, Raise> {
    let mark = arena.roots.temps.len();
    let r = (|| {
        let mut vals = Vec::with_capacity(3);
        for x in [start, stop, step] {
            let v = from_ibig(arena, x)?;
            arena.roots.temps.push(v);
            vals.push(v);
        }
        new(arena, &vals)
    })();
    arena.roots.temps.truncate(mark);
    r
}
