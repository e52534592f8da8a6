//! Python int semantics over tagged values. Small ints take the fast paths
//! the specialized bytecodes (and later the stencils) also take; everything
//! else goes through `ibig` with the result boxed in the arena. Results are
//! always canonical: a value in the small range is never boxed.

use ibig::{IBig, UBig, ops::UnsignedAbs};

use super::arena::Arena;
use super::float;
use super::object::{self, BIGINT_LIMBS, BIGINT_SIGN_LEN, Kind};
use super::value::Value;
use super::{Raise, type_name};
use crate::lang::Poison;
use crate::lang::ast::{BinOp, UnaryOp};
use crate::lang::limits::MAX_INT_BITS_CAP;

/// True for values Python treats as ints: small ints, big ints and bools.
pub fn is_int(v: Value) -> bool {
    v.is_small_int() || v.is_bool() || (v.is_ptr() && object::kind_of(v) == Kind::BigInt)
}

/// Reads an int-like value (small, big or bool) as an `IBig`.
pub fn to_ibig(v: Value) -> IBig {
    if v.is_small_int() {
        return IBig::from(v.small_value());
    }
    if v.is_bool() {
        return IBig::from((v == Value::TRUE) as i64);
    }
    debug_assert!(v.is_ptr() && object::kind_of(v) == Kind::BigInt);
    // SAFETY: `v` is a live BigInt object.
    unsafe {
        let sign_len = object::read(v.0, BIGINT_SIGN_LEN) as i64;
        let n = sign_len.unsigned_abs();
        // A corrupt object (a JIT bug read freed memory) must not make the
        // VM allocate without bound: that aborts instead of panicking.
        assert!(
            n <= MAX_INT_BITS_CAP / 64 + 2,
            "corrupt int object at {:#x} ({n} limbs)",
            v.0
        );
        let mut bytes = Vec::with_capacity(n as usize * 8);
        for i in 0..n {
            bytes.extend_from_slice(&object::read(v.0, BIGINT_LIMBS + 8 * i).to_le_bytes());
        }
        let mag = IBig::from(UBig::from_le_bytes(&bytes));
        if sign_len < 0 { -mag } else { mag }
    }
}

/// Reads an int-like value as i64 if it fits.
pub fn to_i64(v: Value) -> Option<i64> {
    if v.is_small_int() {
        Some(v.small_value())
    } else if v.is_bool() {
        Some((v == Value::TRUE) as i64)
    } else {
        i64::try_from(&to_ibig(v)).ok()
    }
}

/// Makes a canonical int value: inline if small, else a boxed BigInt.
/// Results wider than the run's `int_bits` (held by the arena) poison the
/// run.
pub fn from_ibig(arena: &mut Arena, x: &IBig) -> Result<Value, Raise> {
    if let Ok(v) = i64::try_from(x) {
        return from_i64(arena, v);
    }
    let mag: UBig = x.clone().unsigned_abs();
    if mag.bit_len() as u64 > arena.int_bits {
        return Err(Raise::Poison(Poison::IntTooLarge));
    }
    let bytes = mag.to_le_bytes();
    let n = bytes.len().div_ceil(8);
    let addr = arena.alloc(Kind::BigInt, 2 + n)?;
    let neg = x.signum() == IBig::from(-1);
    // SAFETY: freshly allocated BigInt of 2 + n words.
    unsafe {
        object::write(
            addr,
            BIGINT_SIGN_LEN,
            if neg {
                (n as i64).wrapping_neg() as u64
            } else {
                n as u64
            },
        );
        for (i, chunk) in bytes.chunks(8).enumerate() {
            let mut limb = [0u8; 8];
            limb[..chunk.len()].copy_from_slice(chunk);
            object::write(addr, BIGINT_LIMBS + 8 * i as u64, u64::from_le_bytes(limb));
        }
    }
    Ok(Value(addr))
}

/// An i64 as a canonical int value (boxed when outside the small range).
pub fn from_i64(arena: &mut Arena, v: i64) -> Result<Value, Raise> {
    if Value::fits_small(v) {
        return Ok(Value::small(v));
    }
    let addr = arena.alloc(Kind::BigInt, 3)?;
    // SAFETY: freshly allocated BigInt of 3 words.
    unsafe {
        object::write(
            addr,
            BIGINT_SIGN_LEN,
            if v < 0 { (-1i64) as u64 } else { 1 },
        );
        object::write(addr, BIGINT_LIMBS, v.unsigned_abs());
    }
    Ok(Value(addr))
}

/// Whether a decimal literal is wider than `int_bits` (it poisons when
/// evaluated, like any too-large result).
pub fn literal_too_large(digits: &str, int_bits: u64) -> bool {
    UBig::from_str_radix(digits, 10).map_or(true, |v| v.bit_len() as u64 > int_bits)
}

/// Small-int fast path for a binary operator: `None` when the operation needs
/// the general path (non-small operands, result out of range, division by 0).
#[inline(always)]
pub fn small_binop(op: BinOp, a: i64, b: i64) -> Option<i64> {
    let r = match op {
        BinOp::Add => a + b, // 63-bit operands cannot overflow i64
        BinOp::Sub => a - b,
        BinOp::Mul => a.checked_mul(b)?,
        BinOp::FloorDiv => {
            if b == 0 {
                return None;
            }
            let q = a / b;
            if (a % b != 0) && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            }
        }
        BinOp::Mod => {
            if b == 0 {
                return None;
            }
            let r = a % b;
            if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            }
        }
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        // Negative counts raise, wide results need the general path.
        BinOp::LShift => {
            if !(0..64).contains(&b) {
                return None;
            }
            i64::try_from((a as i128) << b).ok()?
        }
        BinOp::RShift => {
            if b < 0 {
                return None;
            }
            a >> b.min(63)
        }
        // A float result, or a power: the general path.
        BinOp::Div | BinOp::Pow => return None,
    };
    Value::fits_small(r).then_some(r)
}

/// The general binary operator on any two values. `inplace` (augmented
/// assignment) only changes the operator named in a TypeError.
pub fn binop(
    arena: &mut Arena,
    op: BinOp,
    inplace: bool,
    a: Value,
    b: Value,
) -> Result<Value, Raise> {
    // Only a builtin's own arithmetic (sum) gets here with an instance
    // whose class has operator dunders (every tier's `a + b` goes through
    // `Run::binop_any`): CPython would call them.
    if super::class::has_dunder(a, super::class::D_ARITH)
        || super::class::has_dunder(b, super::class::D_ARITH)
    {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    binop_plain(arena, op, inplace, a, b)
}

/// [`binop`] after the user's operators declined: the builtin operation,
/// or its TypeError.
pub fn binop_plain(
    arena: &mut Arena,
    op: BinOp,
    inplace: bool,
    a: Value,
    b: Value,
) -> Result<Value, Raise> {
    // Arrays concatenate and repeat in CPython: not modelled (the other
    // operators raise the TypeError below, as CPython's do).
    if matches!(op, BinOp::Add | BinOp::Mul)
        && (super::array::is_array(a) || super::array::is_array(b))
    {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    // `d |= x` takes any iterable of pairs, whatever `x` is.
    if op == BinOp::BitOr && inplace && super::pydict::is_dict(a) {
        super::pydict_ops::update(arena, a, b)?;
        super::seq::charge(arena, super::pydict::len(a));
        return Ok(a);
    }
    // The left operand decides first, as CPython tries its slot first
    // (`'a' * [1]` and `[1] * 'a'` name different types).
    let (a_str, b_str) = (super::strs::is_str(a), super::strs::is_str(b));
    if a_str || (b_str && !super::seq::is_seq(a)) {
        return super::str_ops::binop(arena, op, inplace, a, b);
    }
    if super::pyset::is_set(a) || super::pyset::is_set(b) {
        return super::pyset_ops::binop(arena, op, inplace, a, b);
    }
    if super::seq::is_seq(a) || super::seq::is_seq(b) {
        return super::seq_ops::binop(arena, op, inplace, a, b);
    }
    if op == BinOp::BitOr && super::pydict::is_dict(a) && super::pydict::is_dict(b) {
        return super::pydict_ops::union(arena, a, b);
    }
    if !op.is_bitwise() && float::handles(a, b) {
        return float::binop(arena, op, a, b);
    }
    if !is_int(a) || !is_int(b) {
        return Err(Raise::unsupported_operands(op, inplace, a, b));
    }
    if op.is_bitwise_logic() && a.is_bool() && b.is_bool() {
        let (x, y) = (a == Value::TRUE, b == Value::TRUE);
        return Ok(Value::bool(match op {
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            _ => x ^ y,
        }));
    }
    if let (Some(x), Some(y)) = (small_or_bool(a), small_or_bool(b))
        && let Some(r) = small_binop(op, x, y)
    {
        return Ok(Value::small(r));
    }
    if op == BinOp::Div {
        let q = float::int_true_div(a, b)?;
        return float::new(arena, q);
    }
    let (x, y) = (to_ibig(a), to_ibig(b));
    let zero = IBig::from(0);
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => {
            // Reject before multiplying: the product's width is known up front.
            let bits = (&x).unsigned_abs().bit_len() + (&y).unsigned_abs().bit_len();
            if x != zero && y != zero && bits as u64 > arena.int_bits + 1 {
                return Err(Raise::Poison(Poison::IntTooLarge));
            }
            x * y
        }
        BinOp::FloorDiv | BinOp::Mod => {
            if y == zero {
                let msg = if op == BinOp::Mod {
                    "integer modulo by zero"
                } else {
                    "integer division or modulo by zero"
                };
                return Err(Raise::exc("ZeroDivisionError", msg.to_string()));
            }
            let (mut q, mut r) = (&x / &y, &x % &y);
            if r != zero && (r.signum() != y.signum()) {
                q -= IBig::from(1);
                r += &y;
            }
            if op == BinOp::FloorDiv { q } else { r }
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::LShift | BinOp::RShift => shift(arena, op, x, y)?,
        BinOp::Pow => {
            if y < zero {
                // CPython hands a negative exponent to float power.
                let r = float::pow(float::from_int(a)?, float::from_int(b)?)?;
                return float::new(arena, r);
            }
            pow(arena, x, y)?
        }
        BinOp::Div => unreachable!("true division returned above"),
    };
    from_ibig(arena, &r)
}

/// `x << y` or `x >> y` on ints of any width: a negative count raises, a
/// result wider than the run allows poisons before it is computed.
fn shift(arena: &Arena, op: BinOp, x: IBig, y: IBig) -> Result<IBig, Raise> {
    let zero = IBig::from(0);
    if y < zero {
        return Err(Raise::exc("ValueError", "negative shift count".into()));
    }
    if x == zero {
        return Ok(zero);
    }
    let width = (&x).unsigned_abs().bit_len() as u64;
    // Any count past the width limit is as good as infinite.
    let count = u64::try_from(&y).unwrap_or(u64::MAX);
    if op == BinOp::LShift {
        if count.saturating_add(width) > arena.int_bits {
            return Err(Raise::Poison(Poison::IntTooLarge));
        }
        return Ok(x << count as usize);
    }
    if count >= width {
        // Floor semantics: everything shifted out leaves 0 or -1.
        return Ok(if x < zero { IBig::from(-1) } else { zero });
    }
    Ok(x >> count as usize)
}

/// `x ** y` for `y >= 0`: a result wider than the run allows poisons,
/// decided before computing it when its width is certainly too large.
fn pow(arena: &Arena, x: IBig, y: IBig) -> Result<IBig, Raise> {
    let mag = (&x).unsigned_abs();
    if mag <= UBig::from(1u8) {
        // 0, 1 and -1 to any power (0 ** 0 is 1).
        let odd = (&y % IBig::from(2)) == IBig::from(1);
        // x ** 0 is 1, and so is (-1) ** even.
        return Ok(if y == IBig::from(0) || (x < IBig::from(0) && !odd) {
            IBig::from(1)
        } else {
            x
        });
    }
    // |x| >= 2: the result has at least y * (bits(x) - 1) + 1 bits.
    let e = u64::try_from(&y).unwrap_or(u64::MAX);
    let least = e.saturating_mul(mag.bit_len() as u64 - 1).saturating_add(1);
    if least > arena.int_bits {
        return Err(Raise::Poison(Poison::IntTooLarge));
    }
    Ok(x.pow(e as usize))
}

pub fn small_or_bool(v: Value) -> Option<i64> {
    if v.is_small_int() {
        Some(v.small_value())
    } else if v.is_bool() {
        Some((v == Value::TRUE) as i64)
    } else {
        None
    }
}

/// Unary `-`, `+` or `~` (`not` is not an arithmetic operator).
pub fn unary(arena: &mut Arena, op: UnaryOp, a: Value) -> Result<Value, Raise> {
    if float::is_float(a) && op == UnaryOp::Neg {
        let x = float::value(a);
        return float::new(arena, -x);
    }
    if float::is_float(a) && op == UnaryOp::Pos {
        return Ok(a);
    }
    if !is_int(a) || op == UnaryOp::Not {
        let sym = match op {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert | UnaryOp::Not => "~",
        };
        return Err(Raise::type_error(format!(
            "bad operand type for unary {sym}: '{}'",
            type_name(a)
        )));
    }
    if let Some(x) = small_or_bool(a) {
        // Small ints are 63-bit: neither -x nor !x overflows an i64.
        return from_i64(
            arena,
            match op {
                UnaryOp::Neg => -x,
                UnaryOp::Invert => !x,
                _ => x,
            },
        );
    }
    match op {
        UnaryOp::Neg => from_ibig(arena, &-to_ibig(a)),
        UnaryOp::Invert => from_ibig(arena, &(-to_ibig(a) - IBig::from(1))),
        _ => Ok(a),
    }
}

/// The unary operator a JIT helper's flag names (its stencils pass one).
pub fn unary_op_of_flag(flag: u64) -> UnaryOp {
    match flag {
        1 => UnaryOp::Neg,
        2 => UnaryOp::Invert,
        _ => UnaryOp::Pos,
    }
}

/// Numeric comparison of two int-like values.
pub fn cmp(a: Value, b: Value) -> std::cmp::Ordering {
    match (small_or_bool(a), small_or_bool(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => to_ibig(a).cmp(&to_ibig(b)),
    }
}

/// Decimal text of an int-like value (bools print as ints here).
pub fn to_decimal(v: Value) -> String {
    match small_or_bool(v) {
        Some(x) => x.to_string(),
        None => to_ibig(v).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_semantics_match_python() {
        for (a, b, q, r) in [
            (7, 2, 3, 1),
            (-7, 2, -4, 1),
            (7, -2, -4, -1),
            (-7, -2, 3, -1),
            (6, -3, -2, 0),
        ] {
            assert_eq!(small_binop(BinOp::FloorDiv, a, b), Some(q), "{a}//{b}");
            assert_eq!(small_binop(BinOp::Mod, a, b), Some(r), "{a}%{b}");
        }
    }

    #[test]
    fn boxing_is_canonical_and_round_trips() {
        let mut arena = Arena::new();
        let big = IBig::from(1) << 70;
        for x in [
            IBig::from(5),
            IBig::from(1i64 << 62),
            -(IBig::from(1i64 << 62)) - 1,
            big.clone(),
            -big,
        ] {
            let v = from_ibig(&mut arena, &x).unwrap();
            assert_eq!(to_ibig(v), x);
            assert_eq!(
                v.is_small_int(),
                i64::try_from(&x).is_ok_and(Value::fits_small)
            );
        }
        let m = Value::small(super::super::value::SMALL_MAX);
        let r = binop(&mut arena, BinOp::Add, false, m, Value::small(1)).unwrap();
        assert!(r.is_ptr());
        assert_eq!(to_decimal(r), "4611686018427387904");
    }

    #[test]
    fn huge_results_poison() {
        let mut arena = Arena::new();
        let x = from_ibig(&mut arena, &(IBig::from(1) << 5000)).unwrap();
        assert_eq!(
            binop(&mut arena, BinOp::Mul, false, x, x),
            Err(Raise::Poison(Poison::IntTooLarge))
        );
    }
}
