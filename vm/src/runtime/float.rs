//! Python float semantics over tagged values. A float is boxed in the arena
//! (`[hdr][f64 bits]`), so the JIT's stencils and unicorn see the same
//! object. Arithmetic is plain IEEE-754 binary64 in round-to-nearest, as
//! CPython's; what Python adds on top lives here: its errors, floor
//! division and modulo signs, exact int/float comparison, correctly rounded
//! int -> float conversion and int true division, and the shortest
//! round-trip `repr`.

use std::cmp::Ordering;

use ibig::{IBig, UBig, ops::UnsignedAbs};

use super::arena::Arena;
use super::int::{self, is_int, to_ibig};
use super::object::{self, FLOAT_VALUE, Kind};
use super::value::Value;
use super::{Raise, type_name};
use crate::lang::Poison;
use crate::lang::ast::BinOp;

pub fn is_float(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Float
}

/// The `f64` of a float object.
pub fn value(v: Value) -> f64 {
    debug_assert!(is_float(v));
    // SAFETY: `v` is a live Float object.
    f64::from_bits(unsafe { object::read(v.0, FLOAT_VALUE) })
}

/// Boxes `x` as a new float object.
pub fn new(arena: &mut Arena, x: f64) -> Result<Value, Raise> {
    let addr = arena.alloc(Kind::Float, 2)?;
    // SAFETY: just allocated with room for the value.
    unsafe { object::write(addr, FLOAT_VALUE, x.to_bits()) };
    Ok(Value(addr))
}

/// Python's `float(x)` of an int-like value: correctly rounded (ties to
/// even), `OverflowError` past the largest float.
pub fn from_int(v: Value) -> Result<f64, Raise> {
    if let Some(x) = int::to_i64(v)
        && x.unsigned_abs() <= 1 << 53
    {
        return Ok(x as f64);
    }
    let f = to_ibig(v).to_f64();
    if f.is_infinite() {
        return Err(Raise::exc(
            "OverflowError",
            "int too large to convert to float".into(),
        ));
    }
    Ok(f)
}

/// A number operand as a float, or None for a non-number.
pub fn as_float(v: Value) -> Option<Result<f64, Raise>> {
    if is_float(v) {
        Some(Ok(value(v)))
    } else if is_int(v) {
        Some(from_int(v))
    } else {
        None
    }
}

/// True for the operand pairs [`binop`] handles: a float and a number.
pub fn handles(a: Value, b: Value) -> bool {
    (is_float(a) && (is_float(b) || is_int(b))) || (is_float(b) && is_int(a))
}

/// A binary operator with at least one float operand (see [`handles`]).
pub fn binop(arena: &mut Arena, op: BinOp, a: Value, b: Value) -> Result<Value, Raise> {
    let x = as_float(a).expect("a number")?;
    let y = as_float(b).expect("a number")?;
    let r = arith(op, x, y)?;
    new(arena, r)
}

fn zero_division(what: &str) -> Raise {
    Raise::exc("ZeroDivisionError", what.to_string())
}

/// The float result of `x op y`, with Python's errors. Bitwise operators
/// are not float operators: the caller raises the TypeError.
pub fn arith(op: BinOp, x: f64, y: f64) -> Result<f64, Raise> {
    Ok(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(zero_division("float floor division by zero"));
            }
            divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(zero_division("float modulo"));
            }
            divmod(x, y).1
        }
        BinOp::Pow => pow(x, y)?,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift => {
            unreachable!("bitwise operators never reach float arithmetic")
        }
    })
}

/// CPython's `float_divmod` for `y != 0`: the remainder takes the sign of
/// `y`, and the quotient is the floor of the exact one, fixed up so that
/// `q * y + r` stays close to `x`.
pub fn divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y; // C's fmod: exact
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}

fn is_odd_integer(y: f64) -> bool {
    // Finite, integral, and odd: `y % 2` is exact.
    y.is_finite() && y == y.floor() && (y % 2.0).abs() == 1.0
}

/// CPython's `float_pow`: C99 special cases first, then libm's `pow`.
pub fn pow(x: f64, y: f64) -> Result<f64, Raise> {
    if y == 0.0 {
        return Ok(1.0);
    }
    if x.is_nan() {
        return Ok(x);
    }
    if y.is_nan() {
        return Ok(if x == 1.0 { 1.0 } else { y });
    }
    if y.is_infinite() {
        let ax = x.abs();
        return Ok(if ax == 1.0 {
            1.0
        } else if (y > 0.0) == (ax > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    let odd = is_odd_integer(y);
    if x.is_infinite() {
        return Ok(if y > 0.0 {
            if odd { x } else { x.abs() }
        } else if odd {
            0.0f64.copysign(x)
        } else {
            0.0
        });
    }
    if x == 0.0 {
        if y < 0.0 {
            return Err(zero_division("0.0 cannot be raised to a negative power"));
        }
        return Ok(if odd { x } else { 0.0 });
    }
    let mut base = x;
    let mut negate = false;
    if x < 0.0 {
        if y != y.floor() {
            // CPython returns a complex number: outside the language.
            return Err(Raise::Poison(Poison::Complex));
        }
        base = -x;
        negate = odd;
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(y);
    if r.is_infinite() {
        return Err(Raise::exc(
            "OverflowError",
            "(34, 'Numerical result out of range')".into(),
        ));
    }
    Ok(if negate { -r } else { r })
}

/// `a / b` for two int-like values: the correctly rounded quotient, as
/// CPython's `long_true_divide`.
pub fn int_true_div(a: Value, b: Value) -> Result<f64, Raise> {
    if let (Some(x), Some(y)) = (int::to_i64(a), int::to_i64(b))
        && x.unsigned_abs() <= 1 << 53
        && y.unsigned_abs() <= 1 << 53
    {
        if y == 0 {
            return Err(zero_division("division by zero"));
        }
        // Both exact in binary64: IEEE division rounds the true quotient once.
        return Ok(x as f64 / y as f64);
    }
    ibig_true_div(&to_ibig(a), &to_ibig(b))
}

/// The correctly rounded `a / b` (ties to even), subnormals included.
pub fn ibig_true_div(a: &IBig, b: &IBig) -> Result<f64, Raise> {
    let zero = IBig::from(0);
    if *b == zero {
        return Err(zero_division("division by zero"));
    }
    let negative = (*a < zero) != (*b < zero);
    let signed = |m: f64| if negative { -m } else { m };
    if *a == zero {
        return Ok(signed(0.0));
    }
    let (x, y) = (a.unsigned_abs(), b.unsigned_abs());
    // q = floor(x * 2^k / y) has 56 or 57 bits: enough for 53 kept, a
    // rounding bit and a sticky bit below it.
    let e = x.bit_len() as i64 - y.bit_len() as i64;
    if e > 1025 {
        return Err(too_large_quotient());
    }
    if e < -1080 {
        // Below half the smallest subnormal: rounds to zero.
        return Ok(signed(0.0));
    }
    let k = 56 - e;
    let (num, den) = if k >= 0 {
        (x << k as usize, y)
    } else {
        (x, y << (-k) as usize)
    };
    let q = &num / &den;
    let sticky = &num % &den != UBig::from(0u8);
    // The value is (q + frac) * 2^-k with q in [2^55, 2^57).
    let top = q.bit_len() as i64 - 1 - k; // floor(log2 value)
    let ulp = (top - 52).max(-1074); // the result's unit in the last place
    let drop = ulp + k; // bits of q below that unit (>= 3)
    let q = u64::try_from(&q).expect("q has at most 57 bits");
    let (mut m, rest) = if drop >= 64 {
        (0, q)
    } else {
        (q >> drop, q & ((1u64 << drop) - 1))
    };
    let half = if drop >= 65 {
        u64::MAX
    } else {
        1u64 << (drop - 1)
    };
    if drop < 65 && (rest > half || (rest == half && (sticky || m & 1 == 1))) {
        m += 1;
    }
    let r = scale(m as f64, ulp);
    if r.is_infinite() {
        return Err(too_large_quotient());
    }
    Ok(signed(r))
}

fn too_large_quotient() -> Raise {
    Raise::exc(
        "OverflowError",
        "integer division result too large for a float".into(),
    )
}

/// `m * 2^e`, exact whenever the result is representable (two steps, so
/// neither power of two leaves the normal range).
fn scale(m: f64, e: i64) -> f64 {
    let pow2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    let (e1, e2) = (e / 2, e - e / 2);
    m * pow2(e1) * pow2(e2)
}

/// `|x| == m * 2^k` exactly, for finite `x` (subnormals included).
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    }
}

/// The exact integer value of a finite, integral `x`.
pub fn integral_to_ibig(x: f64) -> IBig {
    debug_assert!(x.is_finite() && x == x.trunc());
    let (m, shift) = decompose(x);
    let mant = IBig::from(m);
    let mag = if shift >= 0 {
        mant << shift as usize
    } else {
        mant >> (-shift) as usize
    };
    if x < 0.0 { -mag } else { mag }
}

/// `int(x)` for a float: truncates toward zero, with CPython's errors.
pub fn to_int(arena: &mut Arena, x: f64) -> Result<Value, Raise> {
    if x.is_nan() {
        return Err(Raise::exc(
            "ValueError",
            "cannot convert float NaN to integer".into(),
        ));
    }
    if x.is_infinite() {
        return Err(Raise::exc(
            "OverflowError",
            "cannot convert float infinity to integer".into(),
        ));
    }
    let t = x.trunc();
    if t.abs() < 4.0e18 {
        return int::from_i64(arena, t as i64);
    }
    let big = integral_to_ibig(t);
    if (&big).unsigned_abs().bit_len() as u64 > arena.int_bits {
        return Err(Raise::Poison(Poison::IntTooLarge));
    }
    int::from_ibig(arena, &big)
}

/// Exact comparison of an int-like value with a float; None if `f` is NaN.
pub fn cmp_int_float(i: Value, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let Some(x) = int::to_i64(i)
        && x.unsigned_abs() <= 1 << 53
    {
        return (x as f64).partial_cmp(&f);
    }
    let t = f.trunc();
    match to_ibig(i).cmp(&integral_to_ibig(t)) {
        Ordering::Equal => 0.0.partial_cmp(&(f - t)),
        c => Some(c),
    }
}

/// Numeric comparison where at least one side is a float; None when the
/// values are unordered (NaN) or either is not a number.
pub fn cmp(a: Value, b: Value) -> Option<Ordering> {
    match (is_float(a), is_float(b)) {
        (true, true) => value(a).partial_cmp(&value(b)),
        (true, false) if is_int(b) => cmp_int_float(b, value(a)).map(Ordering::reverse),
        (false, true) if is_int(a) => cmp_int_float(a, value(b)),
        _ => None,
    }
}

/// CPython's `float_repr`: the shortest digits that read back as `x`, in
/// fixed notation when the decimal exponent is in [-4, 16), scientific
/// (`1e+16`, `1.5e-05`) otherwise; `inf`, `-inf` and `nan` by name.
pub fn repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let (digits, decpt) = shortest_digits(x.abs());
    let n = digits.len() as i32;
    let body = if (-3..=16).contains(&decpt) {
        if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt >= n {
            format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
        } else {
            let (int_part, frac) = digits.split_at(decpt as usize);
            format!("{int_part}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let e = decpt - 1;
        format!(
            "{first}{dot}e{}{:02}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        )
    };
    format!("{sign}{body}")
}

/// The digits of CPython's repr of a finite `x >= 0` and its `decpt` (the
/// value read back is 0.DIGITS * 10^decpt): the fewest digits that read back
/// as `x` and, among strings of that length that do, the one nearest to `x`,
/// ties going to an even last digit (Gay's dtoa, mode 0).
fn shortest_digits(x: f64) -> (String, i32) {
    if x == 0.0 {
        return ("0".into(), 1);
    }
    // Rust's `{:e}` gives a shortest string, but not always the nearest one
    // of that length: its neighbours in the last digit are the candidates.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().expect("{:e} exponent is an int");
    let n = digits.len();
    let scale = exp - (n as i32 - 1); // value = DIGITS * 10^scale
    let base: u64 = digits.parse().expect("at most 17 digits");
    let reads_back = |c: u64| format!("{c}e{scale}").parse::<f64>() == Ok(x);
    let mut best = base;
    for c in [base.wrapping_sub(1), base + 1] {
        // Same length, and reads back as x.
        if c.to_string().len() != n || !reads_back(c) {
            continue;
        }
        match distance_cmp(c, base, scale, x) {
            Ordering::Less => best = c,
            Ordering::Equal if c % 2 == 0 => best = c,
            _ => {}
        }
    }
    (best.to_string(), exp + 1)
}

/// Compares |a * 10^scale - x| with |b * 10^scale - x|, exactly.
fn distance_cmp(a: u64, b: u64, scale: i32, x: f64) -> Ordering {
    let (m, k) = decompose(x);
    // Everything times 2^max(0,-k) * 10^max(0,-scale) is an integer.
    let two_k = UBig::from(2u8).pow(k.unsigned_abs() as usize);
    let ten_s = UBig::from(10u8).pow(scale.unsigned_abs() as usize);
    let x_scaled = {
        let v = UBig::from(m);
        let v = if k >= 0 { v * &two_k } else { v };
        if scale < 0 { v * &ten_s } else { v }
    };
    let scaled = |c: u64| {
        let v = UBig::from(c);
        let v = if scale >= 0 { v * &ten_s } else { v };
        let v = if k < 0 { v * &two_k } else { v };
        IBig::from(v) - IBig::from(x_scaled.clone())
    };
    let abs = |v: IBig| v.unsigned_abs();
    abs(scaled(a)).cmp(&abs(scaled(b)))
}

/// `round(x)`: the nearest int, ties to even.
pub fn round_to_int(arena: &mut Arena, x: f64) -> Result<Value, Raise> {
    if !x.is_finite() {
        return to_int(arena, x);
    }
    let r = x.round_ties_even();
    to_int(arena, r)
}

/// `round(x, ndigits)` for a float: the float nearest to the exact decimal
/// rounding (ties to even) of `x` to `ndigits` places, as CPython's
/// `double_round` computes it with dtoa.
pub fn round_digits(x: f64, ndigits: &IBig) -> Result<f64, Raise> {
    // CPython's NDIGITS_MAX and NDIGITS_MIN: beyond them the result is `x`
    // (every digit kept) or a signed zero.
    if !x.is_finite() || x == 0.0 || *ndigits > IBig::from(323) {
        return Ok(x);
    }
    if *ndigits < IBig::from(-308) {
        return Ok(0.0f64.copysign(x));
    }
    let n = i64::try_from(ndigits).expect("in [-308, 323]");
    // x = m * 2^e exactly, as the fraction num / den.
    let (num, den) = {
        let (m, e) = decompose(x);
        let m = UBig::from(m);
        if e >= 0 {
            (m << e as usize, UBig::from(1u8))
        } else {
            (m, UBig::from(1u8) << (-e) as usize)
        }
    };
    let ten = |p: i64| UBig::from(10u8).pow(p as usize);
    // Scale by 10^n and round to an integer, ties to even.
    let (num, den) = if n >= 0 {
        (num * ten(n), den)
    } else {
        (num, den * ten(-n))
    };
    let (mut q, r) = (&num / &den, &num % &den);
    let twice = r << 1;
    if twice > den || (twice == den && (&q % UBig::from(2u8)) == UBig::from(1u8)) {
        q += UBig::from(1u8);
    }
    let q = IBig::from(q);
    let mag = if n >= 0 {
        ibig_true_div(&q, &IBig::from(ten(n)))?
    } else {
        let v = (q * IBig::from(ten(-n))).to_f64();
        if v.is_infinite() {
            return Err(Raise::exc(
                "OverflowError",
                "rounded value too large to represent".into(),
            ));
        }
        v
    };
    if mag.is_infinite() {
        return Err(Raise::exc(
            "OverflowError",
            "rounded value too large to represent".into(),
        ));
    }
    Ok(mag.copysign(x))
}

/// The TypeError of a numeric builtin given a non-number.
pub fn not_a_number(builtin: &str, v: Value) -> Raise {
    let what = match builtin {
        "float" => "a string or a real number",
        _ => "a string, a bytes-like object or a real number",
    };
    Raise::type_error(format!(
        "{builtin}() argument must be {what}, not '{}'",
        type_name(v)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_follows_cpython_notation_rules() {
        for (x, want) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e300 * 10.0, "1e+301"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (5e-324, "5e-324"),
            (2.0f64.powi(53), "9007199254740992.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1.0 / 3.0, "0.3333333333333333"),
            // Two shortest strings are equally near: the even last digit.
            (900719925474099.0 + 0.25, "900719925474099.2"),
        ] {
            assert_eq!(repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn int_true_division_is_correctly_rounded() {
        let big = |s: &str| s.parse::<IBig>().unwrap();
        // 2^64+1 over 1: ties-to-even drops the 1.
        assert_eq!(
            ibig_true_div(&big("18446744073709551617"), &big("1")).unwrap(),
            18446744073709551616.0
        );
        // 2^53+1 over 1 is a tie: rounds to the even 2^53.
        assert_eq!(
            ibig_true_div(&big("9007199254740993"), &big("1")).unwrap(),
            9007199254740992.0
        );
        // 2^53+3 over 1 is a tie: rounds to the even 2^53+4.
        assert_eq!(
            ibig_true_div(&big("9007199254740995"), &big("1")).unwrap(),
            9007199254740996.0
        );
        // The smallest subnormal and half of it (a tie to even: zero).
        let two_1074 = IBig::from(1) << 1074;
        assert_eq!(ibig_true_div(&big("1"), &two_1074).unwrap(), 5e-324);
        assert_eq!(
            ibig_true_div(&big("1"), &(two_1074.clone() << 1)).unwrap(),
            0.0
        );
        assert_eq!(ibig_true_div(&big("3"), &(two_1074 << 1)).unwrap(), 1e-323);
        assert!(ibig_true_div(&(IBig::from(1) << 1024), &big("1")).is_err());
        assert_eq!(ibig_true_div(&big("-7"), &big("2")).unwrap(), -3.5);
        assert!(
            ibig_true_div(&big("0"), &big("-2"))
                .unwrap()
                .is_sign_negative()
        );
    }

    #[test]
    fn divmod_signs_follow_the_divisor() {
        assert_eq!(divmod(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(divmod(-7.0, 2.0), (-4.0, 1.0));
        let (q, r) = divmod(-0.0, 5.0);
        assert!(q.is_sign_negative() && r == 0.0 && !r.is_sign_negative());
        let (_, r) = divmod(4.0, -2.0);
        assert!(r.is_sign_negative());
    }

    #[test]
    fn rounding_to_digits_is_exact_decimal_rounding() {
        let d = |n: i64| IBig::from(n);
        assert_eq!(round_digits(0.125, &d(2)).unwrap(), 0.12);
        assert_eq!(round_digits(0.375, &d(2)).unwrap(), 0.38);
        // 2.675 is below 2.675 in binary: rounds down.
        assert_eq!(round_digits(2.675, &d(2)).unwrap(), 2.67);
        assert_eq!(round_digits(1250.0, &d(-2)).unwrap(), 1200.0);
        assert_eq!(round_digits(1350.0, &d(-2)).unwrap(), 1400.0);
        assert!(round_digits(-0.4, &d(0)).unwrap().is_sign_negative());
    }

    #[test]
    fn int_float_comparison_is_exact() {
        let i = |v: i64| Value::small(v);
        assert_eq!(cmp_int_float(i(3), 2.5), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(i(-3), -2.5), Some(Ordering::Less));
        assert_eq!(cmp_int_float(i(1), f64::NAN), None);
        // 2^53 + 1 is not equal to the float 2^53.
        assert_eq!(
            cmp_int_float(i((1 << 53) + 1), 9007199254740992.0),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp_int_float(i(5), f64::INFINITY), Some(Ordering::Less));
    }
}
