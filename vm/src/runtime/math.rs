//! The `math` module: a module value (an immediate) whose attributes are
//! functions (immediates, like the builtins) and float constants. Results
//! match CPython 3.11's mathmodule.c: the same libm calls (Rust's `f64`
//! methods call glibc), the same special cases and error messages.

use ibig::{IBig, ops::UnsignedAbs};

use super::arena::Arena;
use super::value::Value;
use super::{Raise, float, int, type_name};

/// The module's functions: `(name, value)`.
pub const FUNCTIONS: [(&str, Value); 31] = [
    ("sqrt", Value::MATH_SQRT),
    ("sin", Value::MATH_SIN),
    ("cos", Value::MATH_COS),
    ("floor", Value::MATH_FLOOR),
    ("ceil", Value::MATH_CEIL),
    ("trunc", Value::MATH_TRUNC),
    ("fabs", Value::MATH_FABS),
    ("exp", Value::MATH_EXP),
    ("log", Value::MATH_LOG),
    ("atan2", Value::MATH_ATAN2),
    ("isnan", Value::MATH_ISNAN),
    ("isinf", Value::MATH_ISINF),
    ("hypot", Value::MATH_HYPOT),
    ("tan", Value::MATH_TAN),
    ("isfinite", Value::MATH_ISFINITE),
    ("degrees", Value::MATH_DEGREES),
    ("radians", Value::MATH_RADIANS),
    ("asin", Value::MATH_ASIN),
    ("acos", Value::MATH_ACOS),
    ("atan", Value::MATH_ATAN),
    ("log2", Value::MATH_LOG2),
    ("log10", Value::MATH_LOG10),
    ("gcd", Value::MATH_GCD),
    ("isqrt", Value::MATH_ISQRT),
    ("factorial", Value::MATH_FACTORIAL),
    ("comb", Value::MATH_COMB),
    ("prod", Value::MATH_PROD),
    ("copysign", Value::MATH_COPYSIGN),
    ("lcm", Value::MATH_LCM),
    ("perm", Value::MATH_PERM),
    ("isclose", Value::MATH_ISCLOSE),
];

/// The module's float constants.
pub const CONSTANTS: [(&str, f64); 4] = [
    ("pi", std::f64::consts::PI),
    ("e", std::f64::consts::E),
    ("inf", f64::INFINITY),
    ("nan", f64::NAN),
];

/// Whether `v` is the module or one of its functions (immediates that may
/// sit anywhere a value can).
pub fn is_math_value(v: Value) -> bool {
    v == Value::MODULE_MATH || is_function(v)
}

/// Whether `v` is one of the math functions.
pub fn is_function(v: Value) -> bool {
    FUNCTIONS.iter().any(|(_, f)| *f == v)
}

/// The name of math function `f`.
pub fn name_of(f: Value) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(_, x)| *x == f)
        .map_or("?", |(n, _)| n)
}

/// Attribute `name` of the math module, or CPython's AttributeError.
pub fn attr(arena: &mut Arena, name: &str) -> Result<Value, Raise> {
    if let Some((_, f)) = FUNCTIONS.iter().find(|(n, _)| *n == name) {
        return Ok(*f);
    }
    if let Some((_, x)) = CONSTANTS.iter().find(|(n, _)| *n == name) {
        return float::new(arena, *x);
    }
    if super::cpython_attrs::cpython_math_has(name) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    Err(Raise::exc(
        "AttributeError",
        format!("module 'math' has no attribute '{name}'"),
    ))
}

/// The TypeError a math function called with keywords raises (CPython's
/// `log` names itself without the module).
pub fn keywords_error(f: Value) -> Raise {
    let name = name_of(f);
    let qualified = match f {
        Value::MATH_LOG => name.to_string(),
        _ => format!("math.{name}"),
    };
    Raise::type_error(format!("{qualified}() takes no keyword arguments"))
}

/// Calls math function `f` with `args` (rooted by the caller).
pub fn call(arena: &mut Arena, f: Value, args: &[Value]) -> Result<Value, Raise> {
    let name = name_of(f);
    match f {
        Value::MATH_LOG => return log(arena, args),
        Value::MATH_GCD => return gcd(arena, args),
        Value::MATH_LCM => return lcm(arena, args),
        Value::MATH_PERM => return perm(arena, args),
        Value::MATH_ISCLOSE => {
            return match args {
                [a, b] => isclose(*a, *b, None, None),
                [] | [_] => Err(Raise::type_error(format!(
                    "isclose() missing required argument '{}' (pos {})",
                    if args.is_empty() { "a" } else { "b" },
                    args.len() + 1
                ))),
                _ => Err(Raise::type_error(format!(
                    "isclose() takes exactly 2 positional arguments ({} given)",
                    args.len()
                ))),
            };
        }
        Value::MATH_COPYSIGN => {
            let [x, y] = args else {
                return Err(Raise::type_error(format!(
                    "copysign expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let (x, y) = (real(*x)?, real(*y)?);
            return float::new(arena, x.copysign(y));
        }
        Value::MATH_PROD => return prod(arena, args),
        Value::MATH_COMB => {
            let [n, k] = args else {
                return Err(Raise::type_error(format!(
                    "comb expected 2 arguments, got {}",
                    args.len()
                )));
            };
            return comb(arena, *n, *k);
        }
        Value::MATH_ATAN2 => {
            let [y, x] = args else {
                return Err(Raise::type_error(format!(
                    "atan2 expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let (y, x) = (real(*y)?, real(*x)?);
            return float::new(arena, checked2(atan2(y, x), y, x)?);
        }
        Value::MATH_HYPOT => {
            let xs = args
                .iter()
                .map(|v| real(*v))
                .collect::<Result<Vec<_>, _>>()?;
            return float::new(arena, hypot(&xs));
        }
        _ => {}
    }
    let [x] = args else {
        return Err(Raise::type_error(format!(
            "math.{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let x = *x;
    match f {
        // An int's __floor__ / __ceil__ / __trunc__ is the int itself.
        Value::MATH_FLOOR | Value::MATH_CEIL | Value::MATH_TRUNC if int::is_int(x) => {
            Ok(if x.is_bool() {
                Value::small((x == Value::TRUE) as i64)
            } else {
                x
            })
        }
        Value::MATH_TRUNC if !float::is_float(x) => Err(Raise::type_error(format!(
            "type {} doesn't define __trunc__ method",
            type_name(x)
        ))),
        Value::MATH_FLOOR => float::to_int(arena, real(x)?.floor()),
        Value::MATH_CEIL => float::to_int(arena, real(x)?.ceil()),
        Value::MATH_TRUNC => float::to_int(arena, real(x)?.trunc()),
        Value::MATH_ISNAN => Ok(Value::bool(real(x)?.is_nan())),
        Value::MATH_ISINF => Ok(Value::bool(real(x)?.is_infinite())),
        Value::MATH_ISFINITE => Ok(Value::bool(real(x)?.is_finite())),
        // mathmodule.c's degToRad, dividing and multiplying as it does.
        Value::MATH_DEGREES => float::new(arena, real(x)? / (std::f64::consts::PI / 180.0)),
        Value::MATH_RADIANS => float::new(arena, real(x)? * (std::f64::consts::PI / 180.0)),
        Value::MATH_LOG2 => float::new(arena, log_with(x, f64::log2)?),
        Value::MATH_LOG10 => float::new(arena, log_with(x, f64::log10)?),
        Value::MATH_ISQRT => isqrt(arena, x),
        Value::MATH_FACTORIAL => factorial(arena, x),
        _ => {
            let x = real(x)?;
            let (r, can_overflow) = match f {
                Value::MATH_SQRT => (x.sqrt(), false),
                Value::MATH_SIN => (x.sin(), false),
                Value::MATH_COS => (x.cos(), false),
                Value::MATH_TAN => (x.tan(), false),
                Value::MATH_FABS => (x.abs(), false),
                Value::MATH_ASIN => (x.asin(), false),
                Value::MATH_ACOS => (x.acos(), false),
                Value::MATH_ATAN => (x.atan(), false),
                _ => (x.exp(), true),
            };
            float::new(arena, checked1(r, x, can_overflow)?)
        }
    }
}

/// `PyFloat_AsDouble`: a float's value, an int converted (OverflowError
/// past the largest float), else a TypeError.
pub fn real(v: Value) -> Result<f64, Raise> {
    if float::is_float(v) {
        Ok(float::value(v))
    } else if int::is_int(v) {
        float::from_int(v)
    } else {
        Err(Raise::type_error(format!(
            "must be real number, not {}",
            type_name(v)
        )))
    }
}

fn domain_error() -> Raise {
    Raise::exc("ValueError", "math domain error".into())
}

/// mathmodule.c's `math_1`: a NaN from a non-NaN is a domain error, an
/// infinity from a finite argument an overflow (or a domain error).
fn checked1(r: f64, x: f64, can_overflow: bool) -> Result<f64, Raise> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            Raise::exc("OverflowError", "math range error".into())
        } else {
            domain_error()
        });
    }
    Ok(r)
}

/// mathmodule.c's `math_2`.
fn checked2(r: f64, x: f64, y: f64) -> Result<f64, Raise> {
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(Raise::exc("OverflowError", "math range error".into()));
    }
    Ok(r)
}

/// mathmodule.c's `m_atan2`: C99's special values, whatever libm does.
fn atan2(y: f64, x: f64) -> f64 {
    use std::f64::consts::PI;
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if y.is_infinite() {
        if x.is_infinite() {
            let q = if x.is_sign_positive() { 0.25 } else { 0.75 };
            return (q * PI).copysign(y);
        }
        return (0.5 * PI).copysign(y);
    }
    if x.is_infinite() || y == 0.0 {
        return if x.is_sign_positive() {
            0.0f64.copysign(y)
        } else {
            PI.copysign(y)
        };
    }
    y.atan2(x)
}

/// `math.log(x[, base])`: `log(x) / log(base)`, each through `loghelper`.
fn log(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    if args.is_empty() || args.len() > 2 {
        return Err(Raise::type_error(
            "math.log requires 1 to 2 arguments".into(),
        ));
    }
    let num = log_helper(args[0])?;
    let r = match args.get(1) {
        None => num,
        Some(base) => {
            let den = log_helper(*base)?;
            if den == 0.0 {
                return Err(Raise::exc(
                    "ZeroDivisionError",
                    "float division by zero".into(),
                ));
            }
            num / den
        }
    };
    float::new(arena, r)
}

/// mathmodule.c's `m_log` through `loghelper`: ints of any size (a positive
/// int too large for a float goes through its frexp).
fn log_helper(v: Value) -> Result<f64, Raise> {
    log_with(v, f64::ln)
}

/// `loghelper(x, func)` for `log`, `log2` and `log10`.
fn log_with(v: Value, func: fn(f64) -> f64) -> Result<f64, Raise> {
    if int::is_int(v) {
        let big = int::to_ibig(v);
        if big <= IBig::from(0) {
            return Err(domain_error());
        }
        return Ok(match float::from_int(v) {
            Ok(x) => func(x),
            Err(_) => {
                let (x, e) = frexp_big(&big);
                func(x) + func(2.0) * e as f64
            }
        });
    }
    let x = real(v)?;
    let r = if x.is_finite() && x > 0.0 {
        func(x)
    } else if x.is_finite() {
        // log(0) is -inf, log(negative) NaN: both domain errors.
        return Err(domain_error());
    } else {
        // inf -> inf, -inf -> domain error, NaN -> NaN.
        if x.is_nan() || x > 0.0 {
            x
        } else {
            return Err(domain_error());
        }
    };
    Ok(r)
}

/// An int argument of `gcd`/`isqrt` (`__index__`: ints and bools).
fn index_arg(v: Value) -> Result<IBig, Raise> {
    if int::is_int(v) {
        Ok(int::to_ibig(v))
    } else {
        Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(v)
        )))
    }
}

/// `gcd(*integers)`: 0 for none, always non-negative.
fn gcd(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let mut g = IBig::from(0);
    for a in args {
        let x = index_arg(*a)?;
        let (mut p, mut q) = (g.unsigned_abs(), x.unsigned_abs());
        while q != ibig::UBig::from(0u8) {
            let r = &p % &q;
            p = q;
            q = r;
        }
        g = IBig::from(p);
    }
    int::from_ibig(arena, &g)
}

/// `lcm(*integers)`: 1 for none, 0 once an argument is 0, always
/// non-negative; a result wider than the run's ints poisons.
fn lcm(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let mut l = ibig::UBig::from(1u8);
    for a in args {
        let x = index_arg(*a)?.unsigned_abs();
        let zero = ibig::UBig::from(0u8);
        if l == zero || x == zero {
            l = zero;
            continue;
        }
        let (mut p, mut q) = (l.clone(), x.clone());
        while q != zero {
            let r = &p % &q;
            p = q;
            q = r;
        }
        l = &l / &p * &x;
        if l.bit_len() as u64 > arena.int_bits {
            return Err(Raise::Poison(crate::lang::Poison::IntTooLarge));
        }
    }
    int::from_ibig(arena, &IBig::from(l))
}

/// `perm(n, k=None)`: `n (n-1) ... (n-k+1)`, `n!` without `k` (with
/// factorial's error for a negative `n`, as CPython 3.11), 0 for `k > n`.
fn perm(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let (n, k) = match args {
        [n] => (*n, Value::NONE),
        [n, k] => (*n, *k),
        [] => {
            return Err(Raise::type_error(
                "perm expected at least 1 argument, got 0".into(),
            ));
        }
        _ => {
            return Err(Raise::type_error(format!(
                "perm expected at most 2 arguments, got {}",
                args.len()
            )));
        }
    };
    if k == Value::NONE {
        return factorial(arena, n);
    }
    let (n, k) = n_and_k(n, k)?;
    let zero = IBig::from(0);
    if k > n {
        return int::from_ibig(arena, &zero);
    }
    let mut r = IBig::from(1);
    let mut i = IBig::from(0);
    while i < k {
        r *= &n - &i;
        if (&r).unsigned_abs().bit_len() as u64 > arena.int_bits {
            return Err(Raise::Poison(crate::lang::Poison::IntTooLarge));
        }
        i += 1;
    }
    int::from_ibig(arena, &r)
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`: mathmodule.c's test
/// (equal, then infinities, then the weak relative test or the absolute
/// one); the tolerances given by keyword are read by tier 1's keyword
/// call.
pub fn isclose(
    a: Value,
    b: Value,
    rel_tol: Option<Value>,
    abs_tol: Option<Value>,
) -> Result<Value, Raise> {
    let (a, b) = (real(a)?, real(b)?);
    let rel = rel_tol.map_or(Ok(1e-9), real)?;
    let abs = abs_tol.map_or(Ok(0.0), real)?;
    if rel < 0.0 || abs < 0.0 {
        return Err(Raise::exc(
            "ValueError",
            "tolerances must be non-negative".into(),
        ));
    }
    if a == b {
        return Ok(Value::TRUE);
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::FALSE);
    }
    let diff = (b - a).abs();
    Ok(Value::bool(
        diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs,
    ))
}

/// `isqrt(n)`: the floor of the square root of a non-negative int.
fn isqrt(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    let n = index_arg(v)?;
    if n < IBig::from(0) {
        return Err(Raise::exc(
            "ValueError",
            "isqrt() argument must be nonnegative".into(),
        ));
    }
    let n = n.unsigned_abs();
    // Newton's iteration from above: exact on integers.
    let zero = ibig::UBig::from(0u8);
    if n == zero {
        return int::from_ibig(arena, &IBig::from(0));
    }
    let mut x = ibig::UBig::from(1u8) << (n.bit_len() / 2 + 1);
    loop {
        let y = (&x + &n / &x) >> 1;
        if y >= x {
            break;
        }
        x = y;
    }
    int::from_ibig(arena, &IBig::from(x))
}

/// `factorial(n)`, multiplied up while it fits the run's int width (past
/// it the run poisons, long before CPython's own OverflowError bound).
fn factorial(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    let n = index_arg(v)?;
    if n < IBig::from(0) {
        return Err(Raise::exc(
            "ValueError",
            "factorial() not defined for negative values".into(),
        ));
    }
    let mut acc = IBig::from(1);
    let mut k = IBig::from(2);
    while k <= n {
        acc *= &k;
        if (&acc).unsigned_abs().bit_len() as u64 > arena.int_bits {
            return Err(Raise::Poison(crate::lang::Poison::IntTooLarge));
        }
        k += 1;
    }
    int::from_ibig(arena, &acc)
}

/// `comb`'s and `perm`'s `n` then `k` converted, then their signs checked.
fn n_and_k(n: Value, k: Value) -> Result<(IBig, IBig), Raise> {
    let (n, k) = (index_arg(n)?, index_arg(k)?);
    for (v, name) in [(&n, "n"), (&k, "k")] {
        if *v < IBig::from(0) {
            return Err(Raise::exc(
                "ValueError",
                format!("{name} must be a non-negative integer"),
            ));
        }
    }
    Ok((n, k))
}

/// `comb(n, k)`: `n` then `k` converted, then their signs checked; the
/// product `n (n-1) ... / k!` built while it fits the run's int width.
fn comb(arena: &mut Arena, n: Value, k: Value) -> Result<Value, Raise> {
    let (n, k) = n_and_k(n, k)?;
    let zero = IBig::from(0);
    if k > n {
        return int::from_ibig(arena, &zero);
    }
    let k = std::cmp::min(k.clone(), &n - &k);
    let mut r = IBig::from(1);
    let mut i = IBig::from(0);
    while i < k {
        r = r * (&n - &i) / (&i + 1);
        if (&r).unsigned_abs().bit_len() as u64 > arena.int_bits {
            return Err(Raise::Poison(crate::lang::Poison::IntTooLarge));
        }
        i += 1;
    }
    int::from_ibig(arena, &r)
}

/// `_PyLong_Frexp` of a positive int: `(x, e)` with `x` in `[0.5, 1)`
/// rounded to 53 bits (half to even) and `n ~= x * 2**e`.
pub fn frexp_big(n: &IBig) -> (f64, usize) {
    let mag = n.unsigned_abs();
    let bits = mag.bit_len();
    // The top 64 bits with a sticky bit for the rest: u64 -> f64 then
    // rounds exactly as rounding the whole int to 53 bits would.
    let shift = bits.saturating_sub(64);
    let top = u64::try_from(&(&mag >> shift)).unwrap_or(u64::MAX);
    let sticky = (&mag & ((ibig::UBig::from(1u8) << shift) - 1u8)) != ibig::UBig::from(0u8);
    let top = (top | sticky as u64) as f64;
    // top < 2**64; scale it into [0.5, 1] exactly.
    let x = top * pow2(-((bits - shift) as i32));
    // Rounding up to 1.0 is 0.5 one binade higher (CPython's correction).
    if x == 1.0 { (0.5, bits + 1) } else { (x, bits) }
}

/// mathmodule.c's `math_hypot` (its `vector_norm`): an accurate
/// Euclidean norm of any number of coordinates.
fn hypot(xs: &[f64]) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    let mut v: Vec<f64> = Vec::with_capacity(xs.len());
    for x in xs {
        let x = x.abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        v.push(x);
    }
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
    let max_e = frexp(max).1;
    if max_e < -1023 {
        // ldexp(1.0, -max_e) would overflow: scale subnormals up first.
        for x in v.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(v, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp(1.0, -max_e);
    // 3.11's compensated sum of squares: each scaled coordinate split in
    // halves (Veltkamp), the squares' parts summed in three accumulators.
    let mut acc = Accum {
        csum: 1.0,
        frac: [0.0; 3],
    };
    for x in v.iter() {
        let (hi, lo) = split(x * scale);
        acc.add(0, hi * hi);
        acc.add(1, 2.0 * hi * lo);
        acc.frac[2] += lo * lo;
    }
    let h = (acc.csum - 1.0 + (acc.frac[0] + acc.frac[1] + acc.frac[2])).sqrt();
    let (hi, lo) = split(h);
    acc.add(0, -hi * hi);
    acc.add(1, -2.0 * hi * lo);
    acc.add(2, -lo * lo);
    let x = acc.csum - 1.0 + (acc.frac[0] + acc.frac[1] + acc.frac[2]);
    (h + x / (2.0 * h)) / scale
}

/// `vector_norm`'s running sum and the error terms of its additions.
struct Accum {
    csum: f64,
    frac: [f64; 3],
}

impl Accum {
    fn add(&mut self, k: usize, x: f64) {
        let old = self.csum;
        self.csum += x;
        self.frac[k] += (old - self.csum) + x;
    }
}

/// Veltkamp's split of `x` into a high and a low half (`hi + lo == x`).
fn split(x: f64) -> (f64, f64) {
    const T27: f64 = 134217729.0;
    let t = x * T27;
    let hi = t - (t - x);
    (hi, x - hi)
}

/// C's `frexp` for a positive finite `x`: `(m, e)`, `m` in `[0.5, 1)`.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, adj) = if x < f64::MIN_POSITIVE {
        (x * pow2(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e + adj)
}

/// C's `ldexp` for the powers of two `vector_norm` scales by.
fn ldexp(x: f64, e: i32) -> f64 {
    x * pow2(e)
}

/// `2**e` exactly, for `e` in `-1074..=1023` (subnormals included).
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// `math.prod(iterable)`: `1 * x1 * x2 ...` by the `*` operator (CPython's
/// fast paths for ints and floats give the same values), the items
/// consumed like `list(it)` (length cap, bulk fuel). `start=` is a keyword
/// the language does not pass (it poisons as an unplaced keyword).
fn prod(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let [it] = args else {
        return Err(Raise::type_error(format!(
            "prod() takes exactly 1 positional argument ({} given)",
            args.len()
        )));
    };
    super::seq::rooted(arena, |arena| {
        let items = super::seq::collect(arena, *it)?;
        super::seq::charge(arena, items.len());
        let mut acc = Value::small(1);
        for x in items {
            acc = int::binop(arena, crate::lang::ast::BinOp::Mul, false, acc, x)?;
            arena.roots.temps.push(acc);
        }
        Ok(acc)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_matches_c() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(3.0), (0.75, 2));
        assert_eq!(frexp(f64::MIN_POSITIVE / 4.0), (0.5, -1023));
    }

    #[test]
    fn frexp_of_big_ints_rounds_to_53_bits() {
        let two_70 = IBig::from(1u8) << 70;
        assert_eq!(frexp_big(&two_70), (0.5, 71));
        // 2**64 - 1 rounds up to 2**64: 0.5 at e = 65.
        let n = (IBig::from(1u8) << 64) - 1u8;
        assert_eq!(frexp_big(&n), (0.5, 65));
        assert_eq!(pow2(-1074), f64::from_bits(1));
        assert_eq!(pow2(1023), 2f64.powi(1023));
    }
}
