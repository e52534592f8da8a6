//! `int(s[, base])` and `float(s)` on strings, following CPython 3.11's
//! `PyLong_FromString` and `float_from_string` step by step (their order
//! of checks decides which error a bad string gets).

use jitdiff_vm::lang::outcome::Poison;
use num_bigint::BigInt;

use super::eval::{Res, poison, value_error};
use super::strs::repr_str;
use super::value::Int;

/// CPython refuses to convert more decimal digits than this (`sys.
/// get_int_max_str_digits()`), in any base that is not a power of two.
const MAX_STR_DIGITS: usize = 4300;

/// The C locale's whitespace (`Py_ISSPACE`), which `int()` and `float()`
/// strip: narrower than `str.isspace` (no 0x1c..0x1f).
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn digit_value(c: u8) -> Option<u32> {
    char::from(c).to_digit(36)
}

/// `int(s, base)`; `base` is 0 or 2..=36 (already validated). A value
/// wider than `int_bits` poisons, but only once the whole string is known
/// to be valid (CPython would return it).
pub fn parse_int(s: &str, base: u32, int_bits: u64) -> Res<Int> {
    let invalid = || {
        // `%.200R`: the repr, cut to 200 characters.
        let r: String = repr_str(s).chars().take(200).collect();
        value_error(format!("invalid literal for int() with base {base}: {r}"))
    };
    let b = s.as_bytes();
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut i = 0;
    while is_c_space(at(i)) {
        i += 1;
    }
    let negative = at(i) == b'-';
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    let mut radix = base;
    // Base 0 reads the prefix; a plain leading 0 allows only zeros.
    let mut only_zero = false;
    if radix == 0 {
        radix = match (at(i), at(i + 1).to_ascii_lowercase()) {
            (b'0', b'x') => 16,
            (b'0', b'o') => 8,
            (b'0', b'b') => 2,
            (b'0', _) => {
                only_zero = true;
                10
            }
            _ => 10,
        };
    }
    let prefix = matches!(
        (radix, at(i + 1).to_ascii_lowercase()),
        (16, b'x') | (8, b'o') | (2, b'b')
    );
    if at(i) == b'0' && prefix {
        i += 2;
        // One underscore may follow the prefix.
        if at(i) == b'_' {
            i += 1;
        }
    }
    if at(i) == b'_' {
        return Err(invalid());
    }
    let mut digits = Vec::new();
    let mut prev = 0u8;
    loop {
        let c = at(i);
        if c == b'_' {
            if prev == b'_' {
                return Err(invalid());
            }
        } else if digit_value(c).is_some_and(|d| d < radix) {
            digits.push(c);
        } else {
            break;
        }
        prev = c;
        i += 1;
    }
    if prev == b'_' {
        return Err(invalid());
    }
    if !radix.is_power_of_two() && digits.len() > MAX_STR_DIGITS {
        return Err(value_error(format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        )));
    }
    let significant = {
        let first = digits.iter().position(|&c| c != b'0');
        &digits[first.unwrap_or(digits.len())..]
    };
    if (only_zero && !significant.is_empty()) || digits.is_empty() {
        return Err(invalid());
    }
    while is_c_space(at(i)) {
        i += 1;
    }
    if i != b.len() {
        return Err(invalid());
    }
    if significant.is_empty() {
        return Ok(Int::Small(0));
    }
    // n digits in base r make at least (n - 1) * floor(log2 r) + 1 bits:
    // skip parsing a hopeless one (a power-of-two base has no digit cap).
    let log2 = u64::from(31 - radix.leading_zeros());
    if (significant.len() as u64 - 1).saturating_mul(log2) >= int_bits {
        return Err(poison(Poison::IntTooLarge));
    }
    let v = BigInt::parse_bytes(significant, radix).unwrap_or_default();
    Ok(Int::from_big(if negative { -v } else { v }))
}

/// `float(s)`: underscores only between digits, C whitespace stripped,
/// then `inf`/`infinity`/`nan` (any case, optional sign) or a decimal
/// number, correctly rounded.
pub fn parse_float(s: &str) -> Res<f64> {
    let err = || {
        value_error(format!(
            "could not convert string to float: {}",
            repr_str(s)
        ))
    };
    let mut clean = Vec::with_capacity(s.len());
    let mut prev = 0u8;
    for &c in s.as_bytes() {
        if c == b'_' {
            if !prev.is_ascii_digit() {
                return Err(err());
            }
        } else {
            if prev == b'_' && !c.is_ascii_digit() {
                return Err(err());
            }
            clean.push(c);
        }
        prev = c;
    }
    if prev == b'_' {
        return Err(err());
    }
    let start = clean.iter().position(|&c| !is_c_space(c));
    let end = clean.iter().rposition(|&c| !is_c_space(c));
    let (Some(start), Some(end)) = (start, end) else {
        return Err(err());
    };
    decimal(&clean[start..=end]).ok_or_else(err)
}

/// A trimmed float literal's value, `None` if it is not one.
fn decimal(t: &[u8]) -> Option<f64> {
    let (negative, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let sign = |x: f64| if negative { -x } else { x };
    let lower = body.to_ascii_lowercase();
    match lower.as_slice() {
        b"inf" | b"infinity" => return Some(sign(f64::INFINITY)),
        b"nan" => return Some(f64::NAN),
        _ => {}
    }
    let digits_at = |k: usize| body[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int_len = digits_at(0);
    let mut k = int_len;
    let mut frac = &body[..0];
    if body.get(k) == Some(&b'.') {
        let frac_len = digits_at(k + 1);
        frac = &body[k + 1..k + 1 + frac_len];
        k += 1 + frac_len;
    }
    if int_len + frac.len() == 0 {
        return None;
    }
    let mut exp: i64 = 0;
    if matches!(body.get(k), Some(b'e' | b'E')) {
        k += 1;
        let exp_negative = body.get(k) == Some(&b'-');
        if matches!(body.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let n = digits_at(k);
        if n == 0 {
            return None;
        }
        // Past a billion the result is 0 or infinity whatever the digits
        // (a string has at most a million of them).
        for &c in &body[k..k + n] {
            exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000_000);
        }
        if exp_negative {
            exp = -exp;
        }
        k += n;
    }
    if k != body.len() {
        return None;
    }
    let int_part = std::str::from_utf8(&body[..int_len]).ok()?;
    let frac_part = std::str::from_utf8(frac).ok()?;
    // Rust's parser is correctly rounded (ties to even), like David
    // Gay's strtod that CPython uses.
    let text = format!("0{int_part}.{frac_part}0e{exp}");
    text.parse::<f64>().ok().map(sign)
}
