//! The numeric builtins `float()`, `int()`, `abs()` and `round()`, with
//! CPython's argument checking and messages.

use ibig::IBig;
use ibig::ops::{DivRemEuclid, UnsignedAbs};

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
        [x] if super::strs::is_str(*x) => {
            let f = super::str_builtins::parse_float(super::strs::text(*x))?;
            float::new(arena, f)
        }
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
        [x] if super::strs::is_str(*x) => {
            let s = super::strs::text(*x).to_string();
            super::str_builtins::parse_int(arena, &s, 10)
        }
        [x] => Err(float::not_a_number("int", *x)),
        [x, base] if super::strs::is_str(*x) => {
            if !is_int(*base) {
                return Err(Raise::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    type_name(*base)
                )));
            }
            let b = int::to_i64(*base).unwrap_or(-1);
            if b != 0 && !(2..=36).contains(&b) {
                return Err(Raise::exc(
                    "ValueError",
                    "int() base must be >= 2 and <= 36, or 0".into(),
                ));
            }
            let s = super::strs::text(*x).to_string();
            super::str_builtins::parse_int(arena, &s, b as u32)
        }
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
    // Through the wide type: the absolute value of -2**63 is not an i64.
    int::from_ibig(arena, &IBig::from(to_ibig(*x).unsigned_abs()))
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
    // Floor quotient and a remainder in [0, unit), then ties to even.
    let (q, r) = v.div_rem_euclid(&unit);
    let twice = r * IBig::from(2);
    let odd = (&q % IBig::from(2)) != zero;
    let q = if twice > unit || (twice == unit && odd) {
        q + IBig::from(1)
    } else {
        q
    };
    int::from_ibig(arena, &(q * unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by python3 (3.11).
    #[test]
    fn int_rounding_and_abs_match_cpython() {
        let mut arena = Arena::new();
        let cases: [(i128, i64, &str); 11] = [
            (1250, -2, "1200"),
            (1350, -2, "1400"),
            (-1350, -2, "-1400"),
            (-1250, -2, "-1200"),
            (5, -1, "0"),
            (15, -1, "20"),
            (-5, -1, "0"),
            (-6, -1, "-10"),
            (123, -5, "0"),
            ((1 << 64) + 7, -1, "18446744073709551620"),
            (7, 3, "7"),
        ];
        for (x, n, want) in cases {
            let x = int::from_ibig(&mut arena, &IBig::from(x)).unwrap();
            let n = Value::small(n);
            let got = round(&mut arena, &[x, n]).unwrap();
            assert_eq!(
                int::to_decimal(got),
                want,
                "round({}, {n:?})",
                int::to_decimal(x)
            );
        }
        for (x, want) in [
            (-(1i128 << 63), "9223372036854775808"),
            (-(1i128 << 70), "1180591620717411303424"),
        ] {
            let x = int::from_ibig(&mut arena, &IBig::from(x)).unwrap();
            assert_eq!(int::to_decimal(abs(&mut arena, &[x]).unwrap()), want);
        }
    }
}
