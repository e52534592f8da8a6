//! The builtins `divmod`, `hex`, `oct`, `bin` and three-argument `pow`,
//! written from CPython 3.11's `builtin_divmod`, `PyNumber_ToBase` and
//! `long_pow` (the two-argument `pow` is the `**` operator, evaluated
//! where the operators are). An instance operand is unmodelled: CPython
//! would look up `__divmod__`, `__pow__` or `__index__` on its class.

use std::rc::Rc;

use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::eval::{Res, checked, exception, poison, type_error, value_error};
use super::float::{self, Num};
use super::seq::Heap;
use super::value::{Int, Value};
use jitdiff_vm::lang::Poison;

fn unmodelled_if_instance(args: &[Value]) -> Res<()> {
    if args.iter().any(|a| matches!(a, Value::Instance(_))) {
        return Err(poison(Poison::Unmodelled));
    }
    Ok(())
}

/// `divmod(a, b)`: floor quotient and remainder of two ints, or of two
/// numbers as floats when either is one.
pub fn divmod(heap: &mut Heap, args: &[Value], int_bits: u64) -> Res<Value> {
    let [a, b] = args else {
        return Err(type_error(format!(
            "divmod expected 2 arguments, got {}",
            args.len()
        )));
    };
    unmodelled_if_instance(args)?;
    let (q, r) = match (a.as_num(), b.as_num()) {
        (Some(Num::Int(x)), Some(Num::Int(y))) => {
            let (Some(q), Some(r)) = (x.floordiv(&y), x.modulo(&y)) else {
                return Err(exception(
                    "ZeroDivisionError",
                    "integer division or modulo by zero".into(),
                ));
            };
            (checked(q, int_bits)?, checked(r, int_bits)?)
        }
        (Some(x), Some(y)) => {
            let (x, y) = (x.to_f64()?, y.to_f64()?);
            if y == 0.0 {
                return Err(exception("ZeroDivisionError", "float divmod()".into()));
            }
            let (q, r) = float::divmod(x, y);
            (Value::Float(q), Value::Float(r))
        }
        _ => {
            return Err(type_error(format!(
                "unsupported operand type(s) for divmod(): '{}' and '{}'",
                a.type_name(),
                b.type_name()
            )));
        }
    };
    Ok(heap.tuple(vec![q, r]))
}

/// `hex(x)`, `oct(x)`, `bin(x)` of an int or bool: `-0x1f` style.
pub fn int_text(name: &str, args: &[Value]) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    unmodelled_if_instance(args)?;
    let Some(Num::Int(i)) = x.as_num() else {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            x.type_name()
        )));
    };
    let big = i.to_big();
    let (radix, prefix) = match name {
        "hex" => (16, "0x"),
        "oct" => (8, "0o"),
        _ => (2, "0b"),
    };
    let sign = if big.is_negative() { "-" } else { "" };
    let digits = big.abs().to_str_radix(radix);
    Ok(Value::Str(Rc::from(format!("{sign}{prefix}{digits}"))))
}

/// `pow(base, exp, mod)`, `mod` not None: all three ints, `mod` nonzero;
/// a negative `exp` inverts `base` modulo `|mod|` first; a negative `mod`
/// gives a result in `(mod, 0]`.
pub fn pow_mod(args: &[Value], int_bits: u64) -> Res<Value> {
    unmodelled_if_instance(args)?;
    let ints: Vec<Int> = args
        .iter()
        .filter_map(|a| match a.as_num() {
            Some(Num::Int(i)) => Some(i),
            _ => None,
        })
        .collect();
    let [b, e, c] = &ints[..] else {
        // A float operand brings float's power, which refuses a modulus;
        // no other type has a three-argument power.
        if args.iter().any(|a| matches!(a, Value::Float(_))) {
            return Err(type_error(
                "pow() 3rd argument not allowed unless all arguments are integers".into(),
            ));
        }
        let names: Vec<String> = args
            .iter()
            .map(|a| format!("'{}'", a.type_name()))
            .collect();
        return Err(type_error(format!(
            "unsupported operand type(s) for ** or pow(): {}",
            names.join(", ")
        )));
    };
    let (b, e, c) = (b.to_big(), e.to_big(), c.to_big());
    if c.is_zero() {
        return Err(value_error("pow() 3rd argument cannot be 0".into()));
    }
    let modulus = c.abs();
    if modulus.is_one() {
        return Ok(Value::Int(Int::Small(0)));
    }
    let base = if e.is_negative() {
        b.modinv(&modulus)
            .ok_or_else(|| value_error("base is not invertible for the given modulus".into()))?
    } else {
        b.mod_floor(&modulus)
    };
    let mut r = base.modpow(&e.abs(), &modulus);
    if c.is_negative() && !r.is_zero() {
        r -= &modulus;
    }
    checked(Int::from_big(r), int_bits)
}
