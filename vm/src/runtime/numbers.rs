//! The numeric builtins `float()`, `int()`, `abs()` and `round()`, with
//! CPython's argument checking and messages.

use ibig::IBig;

use super::arena::Arena;
use super::int::{self, is_int, to_ibig};
use super::{Raise, Value, float, type_name};

/// Calls one of the numeric builtins with positional `args`.
pub fn call(arena: &mut Arena, builtin: Value, args: &[Value]) -> Result<Value, Raise> {
    match builtin {
        Value::BUILTIN_FLOAT => float_of(arena, args),
        Value::BUILTIN_INT => int_of(arena, args),
        Value::BUILTIN_ABS => abs(arena, args),
        Value::BUILTIN_ROUND => round(arena, args),
        other => Err(Raise::Internal(format!(
            "{other:?} is not a numeric builtin"
        ))),
    }
}

fn float_of(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [] => float::new(arena, 0.0),
        [x] if float::is_float(*x) => Ok(*x),
        [x] if is_int(*x) => {
            let f = float::from_int(*x)?;
            float::new(arena, f)
        }
        [x] => Err(float::not_a_number("float", *x)),
        _ => Err(Raise::type_error(format!(
            "float expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

fn int_of(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [] => Ok(Value::small(0)),
        [x] if float::is_float(*x) => float::to_int(arena, float::value(*x)),
        // `int(True)` is the int 1, not the bool.
        [x] if x.is_bool() => Ok(Value::small((*x == Value::TRUE) as i64)),
        [x] if is_int(*x) => Ok(*x),
        [x] => Err(float::not_a_number("int", *x)),
        [_, _] => Err(Raise::type_error(
            "int() can't convert non-string with explicit base".into(),
        )),
        _ => Err(Raise::type_error(format!(
            "int() takes at most 2 arguments ({} given)",
            args.len()
        ))),
    }
}

fn abs(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let [x] = args else {
        return Err(Raise::type_error(format!(
            "abs() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    if float::is_float(*x) {
        return float::new(arena, float::value(*x).abs());
    }
    if !is_int(*x) {
        return Err(Raise::type_error(format!(
            "bad operand type for abs(): '{}'",
            type_name(*x)
        )));
    }
    if let Some(v) = int::to_i64(*x)
        && v != i64::MIN
    {
        return int::from_i64(arena, v.abs());
    }
    let v = to_ibig(*x);
    int::from_ibig(arena, &if v < IBig::from(0) { -v } else { v })
}

fn round(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let (x, ndigits) = match args {
        [] => {
            return Err(Raise::type_error(
                "round() missing required argument 'number' (pos 1)".into(),
            ));
        }
        [x] => (*x, None),
        [x, n] if *n == Value::NONE => (*x, None),
        [x, n] => (*x, Some(*n)),
        _ => {
            return Err(Raise::type_error(format!(
                "round() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    if !float::is_float(x) && !is_int(x) {
        return Err(Raise::type_error(format!(
            "type {} doesn't define __round__ method",
            type_name(x)
        )));
    }
    let Some(n) = ndigits else {
        return if float::is_float(x) {
            float::round_to_int(arena, float::value(x))
        } else {
            int_of(arena, &[x])
        };
    };
    if !is_int(n) {
        return Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(n)
        )));
    }
    let n = to_ibig(n);
    if float::is_float(x) {
        let r = float::round_digits(float::value(x), &n)?;
        return float::new(arena, r);
    }
    // An int rounded to 10^-n: unchanged for n >= 0, else to the nearest
    // multiple of 10^-n, ties to even.
    let zero = IBig::from(0);
    let x = int_of(arena, &[x])?;
    if n >= zero {
        return Ok(x);
    }
    let v = to_ibig(x);
    let digits = u32::try_from(&(-n)).unwrap_or(u32::MAX);
    if u64::from(digits) > 4300 {
        // 10^digits exceeds any int the run allows: everything rounds to 0.
        return Ok(Value::small(0));
    }
    let unit = IBig::from(10).pow(digits as usize);
    let (mut q, r) = (&v / &unit, &v % &unit);
    // Truncated division: make r the non-negative remainder of floor division.
    let (q_floor, r) = if r < zero {
        q -= IBig::from(1);
        (q, r + &unit)
    } else {
        (q, r)
    };
    let twice = &r * IBig::from(2);
    let odd = (&q_floor % IBig::from(2)) != zero;
    let q = if twice > unit || (twice == unit && odd) {
        q_floor + IBig::from(1)
    } else {
        q_floor
    };
    int::from_ibig(arena, &(q * unit))
}
