//! The integer and division builtins `divmod()`, `hex()`, `oct()`, `bin()`
//! and the three-argument `pow()`, with CPython 3.11's argument checking
//! and messages. (Two-argument `pow` is `**`: `Run::pow_builtin`.)
//!
//! An instance operand poisons the run as unmodelled: CPython would look
//! for `__divmod__`, `__rdivmod__`, `__pow__` or `__index__` on its class,
//! which the language does not define.

use ibig::modular::ModuloRing;
use ibig::ops::UnsignedAbs;
use ibig::{IBig, UBig};

use super::arena::Arena;
use super::int::{self, is_int, to_ibig};
use super::{Raise, Value, class, float, seq, strs, type_name};
use crate::lang::Poison;
use crate::lang::ast::BinOp;

fn unmodelled_if_instance(args: &[Value]) -> Result<(), Raise> {
    if args.iter().any(|&a| class::is_instance(a)) {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    Ok(())
}

/// `divmod(a, b)`: `(a // b, a % b)` for ints, CPython's `float_divmod`
/// when either is a float; the zero divisor raises divmod's own message.
pub fn divmod(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let &[a, b] = args else {
        return Err(Raise::type_error(format!(
            "divmod expected 2 arguments, got {}",
            args.len()
        )));
    };
    unmodelled_if_instance(args)?;
    let number = |v: Value| is_int(v) || float::is_float(v);
    if !number(a) || !number(b) {
        return Err(Raise::type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            type_name(a),
            type_name(b)
        )));
    }
    let (q, r) = if is_int(a) && is_int(b) {
        // `//` raises the ZeroDivisionError divmod raises for ints.
        let q = int::binop_plain(arena, BinOp::FloorDiv, false, a, b)?;
        arena.roots.temps.push(q);
        let r = int::binop_plain(arena, BinOp::Mod, false, a, b);
        arena.roots.temps.pop();
        (q, r?)
    } else {
        let x = float::as_float(a).expect("a number")?;
        let y = float::as_float(b).expect("a number")?;
        if y == 0.0 {
            return Err(Raise::exc("ZeroDivisionError", "float divmod()".into()));
        }
        let (q, r) = float::divmod(x, y);
        let q = float::new(arena, q)?;
        arena.roots.temps.push(q);
        let r = float::new(arena, r);
        arena.roots.temps.pop();
        (q, r?)
    };
    arena.roots.temps.extend([q, r]);
    let t = seq::new_tuple(arena, &[q, r]);
    arena.roots.temps.truncate(arena.roots.temps.len() - 2);
    t
}

/// `hex(x)`, `oct(x)` or `bin(x)` of an int (a bool too): sign, prefix,
/// digits in lower case.
pub fn int_text(arena: &mut Arena, name: &str, args: &[Value]) -> Result<Value, Raise> {
    let &[x] = args else {
        return Err(Raise::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    unmodelled_if_instance(args)?;
    if !is_int(x) {
        return Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(x)
        )));
    }
    let v = to_ibig(x);
    let mag: UBig = v.clone().unsigned_abs();
    let sign = if v < IBig::from(0) { "-" } else { "" };
    let text = match name {
        "hex" => format!("{sign}0x{mag:x}"),
        "oct" => format!("{sign}0o{mag:o}"),
        _ => format!("{sign}0b{mag:b}"),
    };
    strs::new(arena, &text)
}

/// `pow(base, exp, mod)` with a `mod` that is not None: modular
/// exponentiation of ints (a negative `exp` through the modular inverse),
/// the result taking `mod`'s sign as CPython's `long_pow` gives it.
pub fn pow_mod(arena: &mut Arena, base: Value, exp: Value, m: Value) -> Result<Value, Raise> {
    let args = [base, exp, m];
    unmodelled_if_instance(&args)?;
    if !args.iter().all(|&a| is_int(a)) {
        // Float's slot is tried when any operand is a float, and it
        // refuses a third argument; otherwise no type has a ternary power.
        if args.iter().any(|&a| float::is_float(a)) {
            return Err(Raise::type_error(
                "pow() 3rd argument not allowed unless all arguments are integers".into(),
            ));
        }
        return Err(Raise::type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
            type_name(base),
            type_name(exp),
            type_name(m)
        )));
    }
    let (b, e, c) = (to_ibig(base), to_ibig(exp), to_ibig(m));
    let zero = IBig::from(0);
    if c == zero {
        return Err(Raise::exc(
            "ValueError",
            "pow() 3rd argument cannot be 0".into(),
        ));
    }
    let negative = c < zero;
    let modulus: UBig = c.unsigned_abs();
    if modulus == UBig::from(1u8) {
        return Ok(Value::small(0));
    }
    let ring = ModuloRing::new(&modulus);
    let mut x = ring.from(&b);
    if e < zero {
        x = x.inverse().ok_or_else(|| {
            Raise::exc(
                "ValueError",
                "base is not invertible for the given modulus".into(),
            )
        })?;
    }
    let r = IBig::from(x.pow(&e.unsigned_abs()).residue());
    let r = if negative && r != zero {
        r - IBig::from(modulus)
    } else {
        r
    };
    int::from_ibig(arena, &r)
}
