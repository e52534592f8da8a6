//! Python float semantics, written from CPython 3.11's documented behaviour
//! (and the C99 Annex F special cases its `float_pow` spells out): `repr`,
//! exact int <-> float conversions and comparisons, true division of ints,
//! `//`, `%` and `**` on floats, and `round`.
//!
//! The exact parts work on the binary value of a float, `m * 2**e` with an
//! integer `m`, in big-integer arithmetic: no step rounds twice.

use std::cmp::Ordering;

use jitdiff_vm::lang::ast::BinOp;
use jitdiff_vm::lang::outcome::Poison;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use super::eval::{Res, exception, poison, value_error};
use super::value::Int;

/// A number operand: bools are already ints here (`True + 0.5 == 1.5`).
#[derive(Clone, Debug)]
pub enum Num {
    Int(Int),
    Float(f64),
}

impl Num {
    /// The operand as a float, as CPython converts an int for mixed
    /// arithmetic (correctly rounded; too large is an OverflowError).
    pub fn to_f64(&self) -> Res<f64> {
        match self {
            Num::Int(i) => from_int(i),
            Num::Float(f) => Ok(*f),
        }
    }
}

/// `repr(x)` (which is also `str(x)`): the shortest digits that read back
/// as `x`, in fixed notation when the decimal point falls at most 16 digits
/// right or 4 zeros left of the first digit, else in scientific notation
/// with an at least two-digit exponent (CPython's `'r'` format).
pub fn repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    let sci = shortest_sci(x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // (The chosen digits never end in 0: one digit fewer would do.)
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..16).contains(&exp) {
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}e{exp_sign}{:02}", exp.unsigned_abs());
    }
    if exp < 0 {
        let zeros = "0".repeat(exp.unsigned_abs() as usize - 1);
        return format!("{sign}0.{zeros}{digits}");
    }
    let int_len = exp as usize + 1;
    if digits.len() <= int_len {
        let zeros = "0".repeat(int_len - digits.len());
        format!("{sign}{digits}{zeros}.0")
    } else {
        let (int_part, frac) = digits.split_at(int_len);
        format!("{sign}{int_part}.{frac}")
    }
}

/// The digits CPython's repr chooses for finite `x > 0` (David Gay's dtoa,
/// mode 0), as `d[.ddd]e<exp>` meaning d.ddd * 10**exp: the fewest digits
/// that read back as `x` and, of those, the ones nearest to `x`, a tie
/// going to the even last digit.
fn shortest_sci(x: f64) -> String {
    // Rust's `{:e}` finds the fewest digits, but breaks a tie between two
    // equally near candidates upwards (900719925474099.25 gives ...099.3
    // where CPython prints ...099.2).
    let shortest = format!("{x:e}");
    let n_digits = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
    // Exact formatting to that many digits rounds the binary value itself,
    // ties to even. It is nearest, so it reads back as `x` whenever any
    // string of that length can, except next to a power of two, where the
    // gap below is half the gap above; then keep the shortest one.
    let nearest = format!("{x:.prec$e}", prec = n_digits.saturating_sub(1));
    if nearest.parse::<f64>() == Ok(x) {
        nearest
    } else {
        shortest
    }
}

/// `|x| == m * 2**e` exactly, for finite `x`.
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        // Subnormal (or zero): no implicit leading bit.
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// `2**k` as a float: infinity past the largest, 0 below the smallest
/// subnormal.
fn pow2(k: i64) -> f64 {
    if k > 1023 {
        f64::INFINITY
    } else if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else if k >= -1074 {
        f64::from_bits(1 << (k + 1074))
    } else {
        0.0
    }
}

/// The float nearest to `(m + t) * 2**exp`, where `t` is 0 if `!sticky` and
/// strictly between 0 and 1 if `sticky`; ties go to the even significand,
/// and a value too large is infinity. `sticky` requires `m >= 2**54` so the
/// bits that decide the rounding are all in `m`.
fn nearest(m: &BigUint, exp: i64, sticky: bool) -> f64 {
    let n = m.bits() as i64;
    if n == 0 {
        return 0.0;
    }
    // Keep 53 significant bits, but no bit below 2**-1074 (subnormals).
    let drop = (n - 53).max(-1074 - exp);
    if drop <= 0 {
        // m < 2**53 and exp >= -1074: exactly representable (or overflow).
        return m.to_u64().unwrap_or(0) as f64 * pow2(exp);
    }
    if drop > n {
        // Below half of the smallest subnormal.
        return 0.0;
    }
    let drop_u = drop as u64;
    let kept = m >> drop_u;
    let rest = m - (&kept << drop_u);
    let half = BigUint::one() << (drop_u - 1);
    let round_up = match rest.cmp(&half) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => sticky || kept.bit(0),
    };
    // kept <= 2**53: exact as a float, and the scaling by a power of two is
    // exact unless it overflows.
    let kept = kept.to_u64().unwrap_or(0) + u64::from(round_up);
    kept as f64 * pow2(exp + drop)
}

/// `num / den` correctly rounded, for `den > 0`.
fn ratio(num: &BigUint, den: &BigUint) -> f64 {
    if num.is_zero() {
        return 0.0;
    }
    // Scale so the integer quotient has at least 55 bits: then it holds the
    // 53 kept bits and the rounding bit, and the remainder is the sticky bit.
    let s = 55 - (num.bits() as i64 - den.bits() as i64);
    let (n, d) = if s >= 0 {
        (num << s as u64, den.clone())
    } else {
        (num.clone(), den << s.unsigned_abs())
    };
    let (q, r) = n.div_rem(&d);
    nearest(&q, -s, !r.is_zero())
}

fn with_sign(negative: bool, magnitude: f64) -> f64 {
    if negative { -magnitude } else { magnitude }
}

fn overflow(message: &str) -> Box<super::eval::Stop> {
    exception("OverflowError", message.into())
}

/// `float(i)`: the nearest float, ties to even (CPython's
/// `PyLong_AsDouble`); beyond the largest float an OverflowError.
pub fn from_int(i: &Int) -> Res<f64> {
    let big = match i {
        // i64 -> f64 `as` rounds to nearest, ties to even.
        Int::Small(v) => return Ok(*v as f64),
        Int::Big(b) => b,
    };
    let f = nearest(big.magnitude(), 0, false);
    if f.is_infinite() {
        return Err(overflow("int too large to convert to float"));
    }
    Ok(with_sign(big.sign() == Sign::Minus, f))
}

/// `a / b` on ints: the correctly rounded quotient (CPython's
/// `long_true_divide`), never rounded through `float(a) / float(b)`.
pub fn int_true_div(a: &Int, b: &Int) -> Res<f64> {
    if b.is_zero() {
        return Err(exception("ZeroDivisionError", "division by zero".into()));
    }
    // Both exact as floats: IEEE division is itself correctly rounded (and
    // gives `0 / -5 == -0.0`).
    const EXACT: i64 = 1 << 53;
    if let (Int::Small(x), Int::Small(y)) = (a, b)
        && x.unsigned_abs() <= EXACT as u64
        && y.unsigned_abs() <= EXACT as u64
    {
        return Ok(*x as f64 / *y as f64);
    }
    let (a, b) = (a.to_big(), b.to_big());
    let negative = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    let q = ratio(a.magnitude(), b.magnitude());
    if q.is_infinite() {
        return Err(overflow("integer division result too large for a float"));
    }
    Ok(with_sign(negative, q))
}

/// `x op y` with at least one float operand: an int operand is converted
/// to float first. `None` for the int-only (bitwise) operators: float
/// defines none of them, so Python raises a TypeError, converting neither
/// operand.
pub fn arith(op: BinOp, x: &Num, y: &Num) -> Option<Res<f64>> {
    let f: fn(f64, f64) -> Res<f64> = match op {
        BinOp::Add => |x, y| Ok(x + y),
        BinOp::Sub => |x, y| Ok(x - y),
        BinOp::Mul => |x, y| Ok(x * y),
        BinOp::Div => div,
        BinOp::FloorDiv => floordiv,
        BinOp::Mod => modulo,
        BinOp::Pow => pow,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift => {
            return None;
        }
    };
    // The left operand is converted first (its OverflowError wins).
    Some(x.to_f64().and_then(|x| f(x, y.to_f64()?)))
}

fn div(x: f64, y: f64) -> Res<f64> {
    if y == 0.0 {
        return Err(exception(
            "ZeroDivisionError",
            "float division by zero".into(),
        ));
    }
    Ok(x / y)
}

/// CPython's `float_divmod`: `fmod` (exact), then the remainder moved to
/// the sign of the divisor and the quotient snapped to an integral value.
/// Returns (floor quotient, remainder); `y != 0`.
pub fn divmod(x: f64, y: f64) -> (f64, f64) {
    // Rust's `%` on floats is C's fmod.
    let mut rem = x % y;
    let mut quot = (x - rem) / y;
    if rem != 0.0 {
        if (y < 0.0) != (rem < 0.0) {
            rem += y;
            quot -= 1.0;
        }
    } else {
        // A zero remainder takes the divisor's sign.
        rem = 0.0f64.copysign(y);
    }
    let floor = if quot != 0.0 {
        // (x - rem) / y is only nearly integral: snap to the nearest.
        let f = quot.floor();
        if quot - f > 0.5 { f + 1.0 } else { f }
    } else {
        // A zero quotient takes the sign of the true quotient.
        0.0f64.copysign(x / y)
    };
    (floor, rem)
}

fn floordiv(x: f64, y: f64) -> Res<f64> {
    if y == 0.0 {
        return Err(exception(
            "ZeroDivisionError",
            "float floor division by zero".into(),
        ));
    }
    Ok(divmod(x, y).0)
}

fn modulo(x: f64, y: f64) -> Res<f64> {
    if y == 0.0 {
        return Err(exception("ZeroDivisionError", "float modulo".into()));
    }
    Ok(divmod(x, y).1)
}

fn is_odd_integer(x: f64) -> bool {
    x.abs() % 2.0 == 1.0
}

/// `x ** y` on floats, with CPython's `float_pow` special cases ahead of the
/// platform `pow` (which CPython and `f64::powf` both take from libm).
pub fn pow(x: f64, y: f64) -> Res<f64> {
    if y == 0.0 {
        // Even nan ** 0 and 0 ** 0.
        return Ok(1.0);
    }
    if x.is_nan() {
        return Ok(x);
    }
    if y.is_nan() {
        return Ok(if x == 1.0 { 1.0 } else { y });
    }
    if y.is_infinite() {
        // |x| < 1 shrinks to 0 under +inf and grows to inf under -inf; |x| > 1
        // the other way round; |x| == 1 stays 1.
        let ax = x.abs();
        return Ok(if ax == 1.0 {
            1.0
        } else if (y > 0.0) == (ax > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    if x.is_infinite() {
        // The sign survives only an odd integer exponent.
        let odd = is_odd_integer(y);
        return Ok(match (y > 0.0, odd) {
            (true, true) => x,
            (true, false) => x.abs(),
            (false, true) => 0.0f64.copysign(x),
            (false, false) => 0.0,
        });
    }
    if x == 0.0 {
        if y < 0.0 {
            return Err(exception(
                "ZeroDivisionError",
                "0.0 cannot be raised to a negative power".into(),
            ));
        }
        return Ok(if is_odd_integer(y) { x } else { 0.0 });
    }
    let mut base = x;
    let mut negate = false;
    if x < 0.0 {
        if y != y.floor() {
            // CPython returns a complex number: outside the language.
            return Err(poison(Poison::Complex));
        }
        base = -x;
        negate = is_odd_integer(y);
    }
    if base == 1.0 {
        // Also (-1) ** huge_even_or_odd_integer, exactly.
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    // Finite base > 0, != 1, finite nonzero exponent: an infinite result is
    // an overflow (ERANGE); an underflow to 0 is not an error.
    let r = base.powf(y);
    if r.is_infinite() {
        return Err(overflow("(34, 'Numerical result out of range')"));
    }
    Ok(if negate { -r } else { r })
}

/// How float `f` orders against int `i`, exactly (no rounding of either);
/// `None` if `f` is NaN.
pub fn cmp_float_int(f: f64, i: &Int) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    // An int within 2**53 is exact as a float: compare as floats.
    if let Int::Small(v) = i
        && v.unsigned_abs() <= 1 << 53
    {
        return f.partial_cmp(&(*v as f64));
    }
    // Integer parts first; if equal, the fraction decides.
    let by_int = trunc(f).cmp(&i.to_big());
    let frac = f - f.trunc();
    Some(by_int.then(frac.partial_cmp(&0.0).unwrap_or(Ordering::Equal)))
}

/// The integer part of finite `f`, exactly.
fn trunc(f: f64) -> BigInt {
    let (m, e) = decompose(f);
    let mag = if e >= 0 {
        BigUint::from(m) << e as u64
    } else {
        BigUint::from(m) >> e.unsigned_abs()
    };
    let sign = if f < 0.0 { Sign::Minus } else { Sign::Plus };
    BigInt::from_biguint(sign, mag)
}

/// `int(f)`: truncation towards zero; NaN and infinities have no int.
pub fn to_int(f: f64) -> Res<Int> {
    if f.is_nan() {
        return Err(value_error("cannot convert float NaN to integer".into()));
    }
    if f.is_infinite() {
        return Err(overflow("cannot convert float infinity to integer"));
    }
    Ok(Int::from_big(trunc(f)))
}

/// `round(f)`: the nearest int, ties to even.
pub fn round_to_int(f: f64) -> Res<Int> {
    to_int(f.round_ties_even())
}

/// CPython short-cuts `round(x, ndigits)` outside these: past
/// `NDIGITS_MAX` every float is already exact to that many places, and
/// below `NDIGITS_MIN` every float rounds to zero. CPython's own values:
/// `(int)((DBL_MANT_DIG - DBL_MIN_EXP) * 0.30103)` = (53 + 1021) * 0.30103
/// and `-(int)((DBL_MAX_EXP + 1) * 0.30103)` = -(1024 + 1) * 0.30103,
/// truncated (0.30103 bounds log10(2) from above).
const NDIGITS_MAX: i64 = 323;
const NDIGITS_MIN: i64 = -308;

/// `round(x, ndigits)` for a float: the exact binary value of `x` rounded
/// to `ndigits` decimal places (ties to even; negative `ndigits` rounds to
/// tens, hundreds, ...), then read back as the nearest float. A zero result
/// keeps the sign of `x`.
pub fn round_digits(x: f64, ndigits: i64) -> Res<f64> {
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    let (m, e) = decompose(x);
    if ndigits >= 0 && e >= 0 {
        // Already an integer.
        return Ok(x);
    }
    let m = BigUint::from(m);
    let p = BigUint::from(10u8).pow(ndigits.unsigned_abs() as u32);
    let two_e = |k: i64| BigUint::one() << k.unsigned_abs();
    let magnitude = if ndigits >= 0 {
        // |x| * 10**n = m * p / 2**-e; round, then divide by p again.
        let q = round_half_even(&(&m * &p), &two_e(e));
        ratio(&q, &p)
    } else {
        // |x| / 10**-n, rounded, times 10**-n again.
        let (num, den) = if e >= 0 {
            (m << e as u64, p.clone())
        } else {
            (m, &p * two_e(e))
        };
        let q = round_half_even(&num, &den);
        nearest(&(q * p), 0, false)
    };
    if magnitude.is_infinite() {
        return Err(overflow("rounded value too large to represent"));
    }
    Ok(magnitude.copysign(x))
}

/// `num / den` rounded to the nearest integer, ties to even; `den > 0`.
fn round_half_even(num: &BigUint, den: &BigUint) -> BigUint {
    let (q, r) = num.div_rem(den);
    let twice = r << 1u8;
    match twice.cmp(den) {
        Ordering::Greater => q + 1u8,
        Ordering::Equal if q.bit(0) => q + 1u8,
        _ => q,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Int {
        Int::from_big(s.parse().unwrap())
    }

    #[test]
    fn repr_matches_cpython() {
        // Expected strings from CPython 3.11's repr().
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (-2.5, "-2.5"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (9007199254740993.0, "9007199254740992.0"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-05, "1e-05"),
            (1.5e-07, "1.5e-07"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (0.3, "0.3"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (123.456, "123.456"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(*x), *want, "{x:e}");
        }
    }

    #[test]
    fn int_to_float_rounds_to_nearest_even() {
        // 2**53 + 1 is a tie between 2**53 and 2**53 + 2: even wins.
        let cases: &[(&str, f64)] = &[
            ("9007199254740993", 9007199254740992.0),
            ("9007199254740995", 9007199254740996.0),
            ("-9007199254740993", -9007199254740992.0),
            // 2**64 + 2**11 is the tie point above 2**64: rounds to even.
            ("18446744073709553664", 18446744073709551616.0),
            // Just above the tie rounds up.
            ("18446744073709553665", 18446744073709555712.0),
        ];
        for (s, want) in cases {
            assert_eq!(from_int(&big(s)).ok(), Some(*want), "{s}");
        }
        // The largest float's tie point: 2**1024 - 2**970 rounds to 2**1024,
        // an overflow; one less rounds down to the largest float.
        let two = BigInt::from(2u8);
        let tie = two.pow(1024u32) - two.pow(970u32);
        assert!(from_int(&Int::from_big(tie.clone())).is_err());
        assert_eq!(from_int(&Int::from_big(tie - 1u8)).ok(), Some(f64::MAX),);
    }

    #[test]
    fn nearest_handles_subnormals() {
        let one = BigUint::one();
        assert_eq!(nearest(&one, -1074, false), 5e-324);
        // 2**-1075 is a tie between 0 and the smallest subnormal: 0 is even.
        assert_eq!(nearest(&one, -1075, false), 0.0);
        assert_eq!(nearest(&BigUint::from(3u8), -1076, false), 5e-324);
        assert_eq!(nearest(&one, -5000, false), 0.0);
    }
}
