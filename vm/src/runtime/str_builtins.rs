//! The builtins `str`, `repr`, `ord` and `chr`, and the string parsing of
//! `int(s)` and `float(s)`, with CPython 3.11's rules and messages.

use ibig::IBig;

use super::arena::Arena;
use super::strs::{self, is_str, text};
use super::value::Value;
use super::{Raise, int, type_name};
use crate::lang::Poison;

pub fn call(arena: &mut Arena, f: Value, args: &[Value]) -> Result<Value, Raise> {
    match f {
        Value::BUILTIN_STR => match args {
            [] => strs::new(arena, ""),
            [x] => {
                let s = super::arena_str(arena, *x)?;
                charged_if_container(arena, *x, &s)
            }
            [_, enc, ..] if args.len() <= 3 => {
                // Decoding bytes is outside the language; CPython's checks
                // on a str object come first either way.
                if !is_str(*enc) {
                    return Err(Raise::type_error(format!(
                        "str() argument 'encoding' must be str, not {}",
                        type_name(*enc)
                    )));
                }
                if let Some(errors) = args.get(2)
                    && !is_str(*errors)
                {
                    return Err(Raise::type_error(format!(
                        "str() argument 'errors' must be str, not {}",
                        type_name(*errors)
                    )));
                }
                Err(Raise::type_error(if is_str(args[0]) {
                    "decoding str is not supported".into()
                } else {
                    format!(
                        "decoding to str: need a bytes-like object, {} found",
                        type_name(args[0])
                    )
                }))
            }
            _ => Err(Raise::type_error(format!(
                "str() takes at most 3 arguments ({} given)",
                args.len()
            ))),
        },
        Value::BUILTIN_REPR => {
            let [x] = args else {
                return Err(Raise::type_error(format!(
                    "repr() takes exactly one argument ({} given)",
                    args.len()
                )));
            };
            let s = super::arena_repr(arena, *x)?;
            charged_if_container(arena, *x, &s)
        }
        Value::BUILTIN_ORD => {
            let [c] = args else {
                return Err(Raise::type_error(format!(
                    "ord() takes exactly one argument ({} given)",
                    args.len()
                )));
            };
            if !is_str(*c) {
                return Err(Raise::type_error(format!(
                    "ord() expected string of length 1, but {} found",
                    type_name(*c)
                )));
            }
            if strs::len(*c) != 1 {
                return Err(Raise::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    strs::len(*c)
                )));
            }
            Ok(Value::small(text(*c).as_bytes()[0] as i64))
        }
        Value::BUILTIN_CHR => {
            let [i] = args else {
                return Err(Raise::type_error(format!(
                    "chr() takes exactly one argument ({} given)",
                    args.len()
                )));
            };
            if !int::is_int(*i) {
                return Err(Raise::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    type_name(*i)
                )));
            }
            let n = int::to_ibig(*i);
            if n < IBig::from(i32::MIN) || n > IBig::from(i32::MAX) {
                return Err(Raise::exc(
                    "OverflowError",
                    "Python int too large to convert to C int".into(),
                ));
            }
            if n < IBig::from(0) || n >= IBig::from(0x110000) {
                return Err(Raise::exc(
                    "ValueError",
                    "chr() arg not in range(0x110000)".into(),
                ));
            }
            let n = i64::try_from(&n).expect("below 0x110000");
            if n > 127 {
                return Err(Raise::Poison(Poison::NonAscii));
            }
            Ok(strs::char_value(arena, n as u8))
        }
        other => Err(Raise::Internal(format!("{other:?} is not a str builtin"))),
    }
}

/// CPython's `%.200R`: the repr cut to 200 characters.
fn truncated(r: &str) -> &str {
    &r[..r.len().min(200)]
}

/// `str()`/`repr()` of a list or tuple is bulk work; of anything else not.
fn charged_if_container(arena: &mut Arena, x: Value, s: &str) -> Result<Value, Raise> {
    if super::seq::is_seq(x) {
        strs::new_charged(arena, s)
    } else {
        strs::new(arena, s)
    }
}

/// C's whitespace, which `int()` and `float()` strip (`split()` and
/// `strip()` also take `\x1c`..`\x1f`).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Digits with single underscores between them (`1_000`), as int() and
/// float() accept.
fn strip_underscores(s: &str) -> Option<String> {
    if s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    Some(s.replace('_', ""))
}

/// `int(s, base)`: optional whitespace and sign, an optional `0x`/`0o`/
/// `0b` prefix matching the base (base 0: the prefix decides, else
/// decimal), digits with single underscores between them (and after the
/// prefix).
pub fn parse_int(arena: &mut Arena, s: &str, base: u32) -> Result<Value, Raise> {
    let bad = || {
        Raise::exc(
            "ValueError",
            format!(
                "invalid literal for int() with base {base}: {}",
                truncated(&strs::repr(s))
            ),
        )
    };
    let t = s.trim_matches(is_space);
    let (negative, mut digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = digits.to_ascii_lowercase();
    let mut radix = base;
    for (prefix, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if lower.starts_with(prefix) && (base == r || base == 0) {
            radix = r;
            // `0x_1f` is allowed: an underscore may follow the prefix.
            digits = digits[2..].strip_prefix('_').unwrap_or(&digits[2..]);
        }
    }
    if radix == 0 {
        radix = 10;
        // Base 0 refuses leading zeros of a nonzero decimal (`010`).
        if digits.len() > 1
            && digits.starts_with('0')
            && digits.chars().any(|c| c != '0' && c != '_')
        {
            return Err(bad());
        }
    }
    if digits.is_empty() || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return Err(bad());
    }
    let digits = strip_underscores(digits).ok_or_else(bad)?;
    // CPython refuses more than 4300 digits in a base that is not a power
    // of two (its conversion is quadratic only there).
    if !radix.is_power_of_two() && digits.len() > 4300 {
        return Err(Raise::exc(
            "ValueError",
            format!(
                "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
                digits.len()
            ),
        ));
    }
    let mut n = IBig::from_str_radix(&digits, radix).map_err(|_| bad())?;
    if negative {
        n = -n;
    }
    int::from_ibig(arena, &n)
}

/// `float(s)`: whitespace, sign, a decimal literal (underscores between
/// digits) or `inf`/`infinity`/`nan` in any case.
pub fn parse_float(s: &str) -> Result<f64, Raise> {
    let bad = || {
        Raise::exc(
            "ValueError",
            format!("could not convert string to float: {}", strs::repr(s)),
        )
    };
    let t = s.trim_matches(is_space);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let x = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            let valid = !body.is_empty()
                && body
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '_' | '+' | '-'))
                && body
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '.');
            if !valid {
                return Err(bad());
            }
            // Underscores only between digits.
            let b = body.as_bytes();
            for (i, &c) in b.iter().enumerate() {
                if c == b'_'
                    && !(i > 0
                        && b[i - 1].is_ascii_digit()
                        && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
                {
                    return Err(bad());
                }
            }
            // Rust's parser takes exactly Python's decimal syntax once the
            // underscores are gone (and rejects `1e`, `.`, `e5`, ...).
            body.replace('_', "").parse::<f64>().map_err(|_| bad())?
        }
    };
    Ok(if negative { -x } else { x })
}
