//! The reference's `math` module, written from CPython 3.11's
//! Modules/mathmodule.c: `math_1`/`math_2`'s error rules, `m_atan2`'s
//! special values, `loghelper` (ints of any size), `vector_norm` for
//! `hypot`, and the argument-parsing messages.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use super::eval::{Res, Stop, checked, exception, type_error, value_error};
use super::float;
use super::value::Value;

/// A function of the math module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MathFn {
    Sqrt,
    Sin,
    Cos,
    Floor,
    Ceil,
    Trunc,
    Fabs,
    Exp,
    Log,
    Atan2,
    IsNan,
    IsInf,
    Hypot,
    Tan,
    IsFinite,
    Degrees,
    Radians,
    Asin,
    Acos,
    Atan,
    Log2,
    Log10,
    Gcd,
    Isqrt,
    Factorial,
    Comb,
    Prod,
    Copysign,
    Lcm,
    Perm,
    Isclose,
}

impl MathFn {
    const ALL: [MathFn; 31] = [
        MathFn::Sqrt,
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Floor,
        MathFn::Ceil,
        MathFn::Trunc,
        MathFn::Fabs,
        MathFn::Exp,
        MathFn::Log,
        MathFn::Atan2,
        MathFn::IsNan,
        MathFn::IsInf,
        MathFn::Hypot,
        MathFn::Tan,
        MathFn::IsFinite,
        MathFn::Degrees,
        MathFn::Radians,
        MathFn::Asin,
        MathFn::Acos,
        MathFn::Atan,
        MathFn::Log2,
        MathFn::Log10,
        MathFn::Gcd,
        MathFn::Isqrt,
        MathFn::Factorial,
        MathFn::Comb,
        MathFn::Prod,
        MathFn::Copysign,
        MathFn::Lcm,
        MathFn::Perm,
        MathFn::Isclose,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MathFn::Sqrt => "sqrt",
            MathFn::Sin => "sin",
            MathFn::Cos => "cos",
            MathFn::Floor => "floor",
            MathFn::Ceil => "ceil",
            MathFn::Trunc => "trunc",
            MathFn::Fabs => "fabs",
            MathFn::Exp => "exp",
            MathFn::Log => "log",
            MathFn::Atan2 => "atan2",
            MathFn::IsNan => "isnan",
            MathFn::IsInf => "isinf",
            MathFn::Hypot => "hypot",
            MathFn::Tan => "tan",
            MathFn::IsFinite => "isfinite",
            MathFn::Degrees => "degrees",
            MathFn::Radians => "radians",
            MathFn::Asin => "asin",
            MathFn::Acos => "acos",
            MathFn::Atan => "atan",
            MathFn::Log2 => "log2",
            MathFn::Log10 => "log10",
            MathFn::Gcd => "gcd",
            MathFn::Isqrt => "isqrt",
            MathFn::Factorial => "factorial",
            MathFn::Comb => "comb",
            MathFn::Prod => "prod",
            MathFn::Copysign => "copysign",
            MathFn::Lcm => "lcm",
            MathFn::Perm => "perm",
            MathFn::Isclose => "isclose",
        }
    }
}

/// `math.name`: a function, a float constant, or the AttributeError.
pub fn attr(name: &str) -> Res<Value> {
    if let Some(f) = MathFn::ALL.iter().find(|f| f.name() == name) {
        return Ok(Value::Math(*f));
    }
    Ok(Value::Float(match name {
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        // What CPython's module has and the language lacks: no answer.
        _ if jitdiff_vm::runtime::cpython_attrs::cpython_math_has(name) => {
            return Err(super::eval::poison(jitdiff_vm::lang::Poison::Unmodelled));
        }
        _ => {
            return Err(exception(
                "AttributeError",
                format!("module 'math' has no attribute '{name}'"),
            ));
        }
    }))
}

/// The TypeError for keyword arguments (`log` names itself without the
/// module).
pub fn keywords_error(f: MathFn) -> Box<Stop> {
    match f {
        MathFn::Log => type_error(format!("{}() takes no keyword arguments", f.name())),
        _ => type_error(format!("math.{}() takes no keyword arguments", f.name())),
    }
}

/// Calls `f` with `args`; ints it makes are checked against `int_bits`.
pub fn call(f: MathFn, args: &[Value], int_bits: u64) -> Res<Value> {
    match f {
        MathFn::Log => return log(args),
        // It multiplies by the `*` operator: the evaluator's
        // (`Interp::prod_builtin`), which reaches here never.
        MathFn::Prod => return Err(super::eval::poison(jitdiff_vm::lang::Poison::Unmodelled)),
        MathFn::Copysign => {
            let [x, y] = args else {
                return Err(type_error(format!(
                    "copysign expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let (x, y) = (as_double(x)?, as_double(y)?);
            return Ok(Value::Float(x.copysign(y)));
        }
        MathFn::Lcm => return lcm(args, int_bits),
        MathFn::Perm => return perm(args, int_bits),
        MathFn::Isclose => {
            return match args {
                [a, b] => isclose(a, b, None, None),
                [] | [_] => Err(type_error(format!(
                    "isclose() missing required argument '{}' (pos {})",
                    ["a", "b"][args.len()],
                    args.len() + 1
                ))),
                _ => Err(type_error(format!(
                    "isclose() takes exactly 2 positional arguments ({} given)",
                    args.len()
                ))),
            };
        }
        MathFn::Comb => {
            let [n, k] = args else {
                return Err(type_error(format!(
                    "comb expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let (n, k) = counts(n, k)?;
            if k > n {
                return Ok(Value::Int(super::value::Int::Small(0)));
            }
            // n! / (k! (n-k)!) as a running product over the smaller side,
            // stopped once it outgrows the run's int width.
            let k = (&n - &k).min(k);
            let mut r = BigInt::from(1);
            let mut i = BigInt::zero();
            while i < k {
                r = r * (&n - &i) / (&i + 1);
                if r.bits() > int_bits {
                    return Err(super::eval::poison(jitdiff_vm::lang::Poison::IntTooLarge));
                }
                i += 1;
            }
            return checked(super::value::Int::from_big(r), int_bits);
        }
        MathFn::Gcd => {
            let mut g = BigInt::zero();
            for a in args {
                let x = index_int(a)?;
                g = num_integer::Integer::gcd(&g, &x);
            }
            return checked(super::value::Int::from_big(g), int_bits);
        }
        MathFn::Atan2 => {
            if args.len() != 2 {
                return Err(type_error(format!(
                    "atan2 expected 2 arguments, got {}",
                    args.len()
                )));
            }
            let y = as_double(&args[0])?;
            let x = as_double(&args[1])?;
            let r = m_atan2(y, x);
            if r.is_nan() && !x.is_nan() && !y.is_nan() {
                return Err(domain());
            }
            return Ok(Value::Float(r));
        }
        MathFn::Hypot => {
            let mut coords = Vec::with_capacity(args.len());
            for a in args {
                coords.push(as_double(a)?.abs());
            }
            return Ok(Value::Float(hypot(coords)));
        }
        _ => {}
    }
    if args.len() != 1 {
        return Err(type_error(format!(
            "math.{}() takes exactly one argument ({} given)",
            f.name(),
            args.len()
        )));
    }
    let x = &args[0];
    match f {
        MathFn::Floor | MathFn::Ceil | MathFn::Trunc => rounding(f, x, int_bits),
        MathFn::IsNan => Ok(Value::Bool(as_double(x)?.is_nan())),
        MathFn::IsInf => Ok(Value::Bool(as_double(x)?.is_infinite())),
        MathFn::IsFinite => Ok(Value::Bool(as_double(x)?.is_finite())),
        // mathmodule.c: `x / degToRad` and `x * degToRad`.
        MathFn::Degrees => Ok(Value::Float(as_double(x)? / (std::f64::consts::PI / 180.0))),
        MathFn::Radians => Ok(Value::Float(as_double(x)? * (std::f64::consts::PI / 180.0))),
        MathFn::Log2 => log_helper_with(x, f64::log2).map(Value::Float),
        MathFn::Log10 => log_helper_with(x, f64::log10).map(Value::Float),
        MathFn::Factorial => {
            let n = index_int(x)?;
            if n.is_negative() {
                return Err(value_error(
                    "factorial() not defined for negative values".into(),
                ));
            }
            let mut acc = BigInt::from(1);
            let mut k = BigInt::from(2);
            while k <= n {
                acc *= &k;
                if acc.bits() > int_bits {
                    return Err(super::eval::poison(jitdiff_vm::lang::Poison::IntTooLarge));
                }
                k += 1;
            }
            checked(super::value::Int::from_big(acc), int_bits)
        }
        MathFn::Isqrt => {
            let n = index_int(x)?;
            if n.is_negative() {
                return Err(value_error("isqrt() argument must be nonnegative".into()));
            }
            checked(super::value::Int::from_big(n.sqrt()), int_bits)
        }
        _ => {
            let v = as_double(x)?;
            let r = match f {
                MathFn::Sqrt => v.sqrt(),
                MathFn::Sin => v.sin(),
                MathFn::Cos => v.cos(),
                MathFn::Tan => v.tan(),
                MathFn::Fabs => v.abs(),
                MathFn::Asin => v.asin(),
                MathFn::Acos => v.acos(),
                MathFn::Atan => v.atan(),
                _ => v.exp(),
            };
            if r.is_nan() && !v.is_nan() {
                return Err(domain());
            }
            if r.is_infinite() && v.is_finite() {
                // Only exp overflows; the others' infinities are domain
                // errors (none occur for finite input).
                return Err(if f == MathFn::Exp {
                    exception("OverflowError", "math range error".into())
                } else {
                    domain()
                });
            }
            Ok(Value::Float(r))
        }
    }
}

/// floor / ceil / trunc: an int's own `__floor__` etc. return it (a bool
/// as an int); a float rounds to an exact int; else the conversion error.
fn rounding(f: MathFn, x: &Value, int_bits: u64) -> Res<Value> {
    if let Some(i) = x.as_int() {
        return Ok(Value::Int(i));
    }
    let v = match x {
        Value::Float(v) => *v,
        other if f == MathFn::Trunc => {
            return Err(type_error(format!(
                "type {} doesn't define __trunc__ method",
                other.type_name()
            )));
        }
        other => as_double(other)?,
    };
    let r = match f {
        MathFn::Floor => v.floor(),
        MathFn::Ceil => v.ceil(),
        _ => v.trunc(),
    };
    checked(float::to_int(r)?, int_bits)
}

fn domain() -> Box<Stop> {
    value_error("math domain error".into())
}

/// `comb`'s and `perm`'s arguments: both ints, `n` then `k` non-negative.
fn counts(n: &Value, k: &Value) -> Res<(BigInt, BigInt)> {
    let (n, k) = (index_int(n)?, index_int(k)?);
    if n.is_negative() {
        return Err(value_error("n must be a non-negative integer".into()));
    }
    if k.is_negative() {
        return Err(value_error("k must be a non-negative integer".into()));
    }
    Ok((n, k))
}

/// `lcm(*integers)`: each step `|l * x| / gcd(l, x)`, 0 once a factor
/// is 0; wider than the run's ints poisons.
fn lcm(args: &[Value], int_bits: u64) -> Res<Value> {
    let mut l = BigInt::from(1);
    for a in args {
        let x = index_int(a)?.abs();
        if l.is_zero() || x.is_zero() {
            l = BigInt::zero();
            continue;
        }
        let g = num_integer::Integer::gcd(&l, &x);
        l = &l * &x / g;
        if l.bits() > int_bits {
            return Err(super::eval::poison(jitdiff_vm::lang::Poison::IntTooLarge));
        }
    }
    checked(super::value::Int::from_big(l), int_bits)
}

/// `perm(n, k=None)`: without `k` (or with None) it is `factorial(n)`,
/// error included, as in CPython 3.11.
fn perm(args: &[Value], int_bits: u64) -> Res<Value> {
    let (n, k) = match args {
        [n] | [n, Value::None] => {
            return call(MathFn::Factorial, std::slice::from_ref(n), int_bits);
        }
        [n, k] => (n, k),
        [] => {
            return Err(type_error(
                "perm expected at least 1 argument, got 0".into(),
            ));
        }
        _ => {
            return Err(type_error(format!(
                "perm expected at most 2 arguments, got {}",
                args.len()
            )));
        }
    };
    let (n, k) = counts(n, k)?;
    let mut r = BigInt::from(1);
    if k > n {
        r = BigInt::zero();
    }
    let mut factor = n.clone();
    let stop = &n - &k;
    while r.is_positive() && factor > stop {
        r *= &factor;
        if r.bits() > int_bits {
            return Err(super::eval::poison(jitdiff_vm::lang::Poison::IntTooLarge));
        }
        factor -= 1;
    }
    checked(super::value::Int::from_big(r), int_bits)
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)` as mathmodule.c tests
/// it; the keyword tolerances come from the evaluator's keyword call.
pub fn isclose(a: &Value, b: &Value, rel_tol: Option<Value>, abs_tol: Option<Value>) -> Res<Value> {
    let (a, b) = (as_double(a)?, as_double(b)?);
    let rel = match &rel_tol {
        Some(v) => as_double(v)?,
        None => 1e-9,
    };
    let abs = match &abs_tol {
        Some(v) => as_double(v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(value_error("tolerances must be non-negative".into()));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs,
    ))
}

/// `PyFloat_AsDouble` for the language's values.
fn as_double(v: &Value) -> Res<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        other => match other.as_int() {
            Some(i) => float::from_int(&i),
            None => Err(type_error(format!(
                "must be real number, not {}",
                other.type_name()
            ))),
        },
    }
}

fn m_atan2(y: f64, x: f64) -> f64 {
    let pi = std::f64::consts::PI;
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if y.is_infinite() && x.is_infinite() {
        let q = if x.is_sign_negative() { 0.75 } else { 0.25 };
        (q * pi).copysign(y)
    } else if y.is_infinite() {
        (0.5 * pi).copysign(y)
    } else if x.is_infinite() || y == 0.0 {
        if x.is_sign_negative() {
            pi.copysign(y)
        } else {
            0.0f64.copysign(y)
        }
    } else {
        y.atan2(x)
    }
}

fn log(args: &[Value]) -> Res<Value> {
    let (x, base) = match args {
        [x] => (x, None),
        [x, b] => (x, Some(b)),
        _ => return Err(type_error("math.log requires 1 to 2 arguments".into())),
    };
    let num = log_helper(x)?;
    let Some(base) = base else {
        return Ok(Value::Float(num));
    };
    let den = log_helper(base)?;
    if den == 0.0 {
        return Err(exception(
            "ZeroDivisionError",
            "float division by zero".into(),
        ));
    }
    Ok(Value::Float(num / den))
}

/// `loghelper(x, m_log)`.
fn log_helper(x: &Value) -> Res<f64> {
    log_helper_with(x, f64::ln)
}

/// An int argument (`__index__`: ints and bools).
fn index_int(v: &Value) -> Res<BigInt> {
    v.as_int().map(|i| i.to_big()).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

/// `loghelper(x, func)`: `log`, `log2`, `log10` of ints of any size.
fn log_helper_with(x: &Value, func: fn(f64) -> f64) -> Res<f64> {
    if let Some(i) = x.as_int() {
        let big = i.to_big();
        if big.is_negative() || big.is_zero() {
            return Err(domain());
        }
        return Ok(match float::from_int(&i) {
            Ok(v) => func(v),
            Err(_) => {
                let (m, e) = frexp_int(&big);
                func(m) + func(2.0) * e as f64
            }
        });
    }
    let v = as_double(x)?;
    if v.is_nan() || v == f64::INFINITY {
        Ok(v)
    } else if v > 0.0 {
        Ok(func(v))
    } else {
        Err(domain())
    }
}

/// `_PyLong_Frexp` of a positive int: `n ~= m * 2**e`, `m` in `[0.5, 1)`
/// rounded half to even to 53 bits.
fn frexp_int(n: &BigInt) -> (f64, u64) {
    let bits = n.bits();
    if bits <= 53 {
        let m = n.to_u64().unwrap_or(0) as f64 / 2f64.powi(bits as i32);
        return (m, bits);
    }
    // Keep 53 bits plus a rounding bit; the rest is the sticky bit.
    let drop = bits.saturating_sub(54);
    let kept = (n >> drop).to_u64().unwrap_or(0);
    let sticky = (n - ((n >> drop) << drop)) != BigInt::zero();
    let (mut q, round) = (kept >> 1, kept & 1 == 1);
    let kept_bits = bits - drop - 1;
    if round && (sticky || q & 1 == 1) {
        q += 1;
    }
    // q < 2**53 (or == 2**53 after rounding up): exact.
    let m = q as f64 / 2f64.powi(kept_bits as i32);
    if m == 1.0 { (0.5, bits + 1) } else { (m, bits) }
}

/// `math_hypot`'s `vector_norm` over the absolute values `v`.
fn hypot(mut v: Vec<f64>) -> f64 {
    let max = v.iter().fold(0.0f64, |m, x| if *x > m { *x } else { m });
    let found_nan = v.iter().any(|x| x.is_nan());
    vector_norm(&mut v, max, found_nan)
}

fn vector_norm(v: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || v.len() <= 1 {
        return max;
    }
    let max_e = exponent(max);
    if max_e < -1023 {
        for x in v.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(v, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = two_to(-max_e);
    // CPython 3.11: squares of Veltkamp-split halves, summed with three
    // compensation terms.
    let t27 = 134217729.0f64;
    let halves = |x: f64| {
        let t = x * t27;
        let hi = t - (t - x);
        (hi, x - hi)
    };
    let mut csum = 1.0f64;
    let (mut frac1, mut frac2, mut frac3) = (0.0f64, 0.0f64, 0.0f64);
    let add = |csum: &mut f64, frac: &mut f64, x: f64| {
        let old = *csum;
        *csum += x;
        *frac += (old - *csum) + x;
    };
    for x in v.iter() {
        let (hi, lo) = halves(x * scale);
        add(&mut csum, &mut frac1, hi * hi);
        add(&mut csum, &mut frac2, 2.0 * hi * lo);
        frac3 += lo * lo;
    }
    let h = (csum - 1.0 + (frac1 + frac2 + frac3)).sqrt();
    let (hi, lo) = halves(h);
    add(&mut csum, &mut frac1, -hi * hi);
    add(&mut csum, &mut frac2, -2.0 * hi * lo);
    add(&mut csum, &mut frac3, -lo * lo);
    let x = csum - 1.0 + (frac1 + frac2 + frac3);
    (h + x / (2.0 * h)) / scale
}

/// C's `frexp(x).1` for positive finite `x`.
fn exponent(x: f64) -> i32 {
    let biased = ((x.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: the position of the highest set bit.
        let m = x.to_bits() & ((1 << 52) - 1);
        return -1074 + (64 - m.leading_zeros() as i32);
    }
    biased - 1022
}

/// `2**k` exactly for `k` in `-1074..=1023`.
fn two_to(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_of_ints_rounds_half_even() {
        assert_eq!(frexp_int(&(BigInt::from(1) << 70)), (0.5, 71));
        let all_ones = (BigInt::from(1) << 64) - 1;
        assert_eq!(frexp_int(&all_ones), (0.5, 65));
        assert_eq!(frexp_int(&BigInt::from(3)), (0.75, 2));
    }

    #[test]
    fn exponent_is_frexps() {
        assert_eq!(exponent(1.0), 1);
        assert_eq!(exponent(0.75), 0);
        assert_eq!(exponent(f64::MIN_POSITIVE / 4.0), -1023);
        assert_eq!(exponent(f64::from_bits(1)), -1073);
    }
}
