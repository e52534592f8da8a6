//! `format(value, spec)` and f-string format specs (`f"{x:>8.2f}"`), as
//! CPython 3.11's `__format__` of int, bool, float and str, with its
//! messages: `[[fill]align][sign][#][0][width][,|_][.precision][type]`,
//! types `d x X o b` (ints; `#` adds the `0x`/`0X`/`0o`/`0b` prefix after
//! the sign), `e E f F g G %` (ints and floats) and `s` (strs), and no
//! type (a float then prints as its repr).
//!
//! Poisoned as unmodelled rather than half-done: `#` of a float, `z`, the types `c`
//! and `n`, a float without a type but with a precision, zero padding with
//! a separator or of an infinity or NaN, and instances (whose `__format__`
//! or `__str__` only a call could answer).

use super::arena::Arena;
use super::{Raise, Value, float, int, seq, strs, type_name};
use crate::lang::Poison;

/// A parsed spec.
struct Spec {
    fill: char,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    separator: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
    /// `#`: the alternate form.
    alt: bool,
}

fn unmodelled() -> Raise {
    Raise::Poison(Poison::Unmodelled)
}

fn value_error(message: String) -> Raise {
    Raise::exc("ValueError", message)
}

/// Reads decimal digits at `*i`: None when there are none.
fn digits(b: &[u8], i: &mut usize) -> Result<Option<usize>, Raise> {
    let start = *i;
    while *i < b.len() && b[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i == start {
        return Ok(None);
    }
    let text = std::str::from_utf8(&b[start..*i]).expect("ASCII digits");
    let n: usize = text
        .parse()
        .map_err(|_| value_error("Too many decimal digits in format string".into()))?;
    // A result this wide is longer than any sequence the language allows.
    seq::check_len(n)?;
    Ok(Some(n))
}

/// Parses `spec` for a value of type `of`, whose type code is `default`
/// when the spec gives none (the separator check reads it).
fn parse(spec: &str, default: Option<char>, of: &str) -> Result<Spec, Raise> {
    let b = spec.as_bytes();
    let is_align = |c: u8| matches!(c, b'<' | b'>' | b'=' | b'^');
    let mut s = Spec {
        fill: ' ',
        align: None,
        sign: None,
        zero: false,
        width: 0,
        separator: None,
        precision: None,
        kind: None,
        alt: false,
    };
    let mut i = 0;
    let mut fill_given = false;
    if b.len() >= 2 && is_align(b[1]) {
        s.fill = b[0] as char;
        s.align = Some(b[1] as char);
        fill_given = true;
        i = 2;
    } else if !b.is_empty() && is_align(b[0]) {
        s.align = Some(b[0] as char);
        i = 1;
    }
    if i < b.len() && matches!(b[i], b'+' | b'-' | b' ') {
        s.sign = Some(b[i] as char);
        i += 1;
    }
    if i < b.len() && b[i] == b'z' {
        return Err(unmodelled());
    }
    if i < b.len() && b[i] == b'#' {
        s.alt = true;
        i += 1;
    }
    if !fill_given && i < b.len() && b[i] == b'0' {
        s.zero = true;
        i += 1;
    }
    s.width = digits(b, &mut i)?.unwrap_or(0);
    if i < b.len() && matches!(b[i], b',' | b'_') {
        s.separator = Some(b[i] as char);
        i += 1;
        if i < b.len() && matches!(b[i], b',' | b'_') {
            let (a, c) = (s.separator.unwrap_or(','), b[i] as char);
            return Err(value_error(if a == c {
                format!("Cannot specify '{a}' with '{c}'.")
            } else {
                "Cannot specify both ',' and '_'.".into()
            }));
        }
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        s.precision = Some(
            digits(b, &mut i)?
                .ok_or_else(|| value_error("Format specifier missing precision".into()))?,
        );
    }
    match b.len() - i {
        0 => {}
        1 => s.kind = Some(b[i] as char),
        _ => {
            return Err(value_error(format!(
                "Invalid format specifier '{spec}' for object of type '{of}'"
            )));
        }
    }
    if let Some(sep) = s.separator {
        let ok = match s.kind.or(default) {
            None | Some('d' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => true,
            Some('b' | 'o' | 'x' | 'X') => sep == '_',
            _ => false,
        };
        if !ok {
            return Err(value_error(format!(
                "Cannot specify '{sep}' with '{}'.",
                s.kind.or(default).unwrap_or('?')
            )));
        }
    }
    Ok(s)
}

/// `format(value, spec)` for a spec that is not empty (`format(v, "")`
/// is `str(v)`, which the caller runs, user `__str__` and all).
pub fn format(arena: &mut Arena, v: Value, spec: &str) -> Result<Value, Raise> {
    // An instance's `__format__` is `object.__format__` (the language
    // refuses to define another): a spec is the TypeError below.
    let text = if strs::is_str(v) {
        format_str(strs::text(v), &parse(spec, Some('s'), "str")?)?
    } else if int::is_int(v) {
        format_int(v, &parse(spec, Some('d'), type_name(v))?)?
    } else if float::is_float(v) {
        format_float(float::value(v), &parse(spec, None, "float")?, "float")?
    } else {
        return Err(Raise::type_error(format!(
            "unsupported format string passed to {}.__format__",
            type_name(v)
        )));
    };
    seq::check_len(text.len())?;
    strs::new(arena, &text)
}

fn unknown(kind: char, of: &str) -> Raise {
    value_error(format!(
        "Unknown format code '{kind}' for object of type '{of}'"
    ))
}

fn format_str(s: &str, spec: &Spec) -> Result<String, Raise> {
    if let Some(k) = spec.kind.filter(|&k| k != 's') {
        return Err(unknown(k, "str"));
    }
    match spec.sign {
        Some(' ') => {
            return Err(value_error(
                "Space not allowed in string format specifier".into(),
            ));
        }
        Some(_) => {
            return Err(value_error(
                "Sign not allowed in string format specifier".into(),
            ));
        }
        None => {}
    }
    if spec.alt {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier".into(),
        ));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier".into(),
        ));
    }
    let body = match spec.precision {
        Some(p) => &s[..p.min(s.len())],
        None => s,
    };
    let fill = if spec.zero { '0' } else { spec.fill };
    Ok(pad(spec.align.unwrap_or('<'), fill, spec.width, "", body))
}

fn format_int(v: Value, spec: &Spec) -> Result<String, Raise> {
    let of = type_name(v);
    let radix = match spec.kind {
        None | Some('d') => 10,
        Some('x' | 'X') => 16,
        Some('o') => 8,
        Some('b') => 2,
        Some(k @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => {
            let _ = k;
            return format_float(float::from_int(v)?, spec, of);
        }
        Some('c' | 'n') => return Err(unmodelled()),
        Some(k) => return Err(unknown(k, of)),
    };
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier".into(),
        ));
    }
    let n = int::to_ibig(v);
    let negative = n < ibig::IBig::from(0);
    let magnitude = if negative { -n } else { n };
    let mut text = magnitude.in_radix(radix).to_string();
    if spec.kind == Some('X') {
        text = text.to_ascii_uppercase();
    }
    let group = if radix == 10 { 3 } else { 4 };
    // The alternate form's prefix goes with the sign: zero padding comes
    // after it (`0x002a`).
    let prefix = match (spec.alt, spec.kind) {
        (true, Some('x')) => "0x",
        (true, Some('X')) => "0X",
        (true, Some('o')) => "0o",
        (true, Some('b')) => "0b",
        _ => "",
    };
    number(spec, negative, prefix, &text, "", group)
}

fn format_float(x: f64, spec: &Spec, of: &str) -> Result<String, Raise> {
    let kind = match spec.kind {
        // `g` keeping a digit past the point (see `general_with_point`).
        None if spec.precision.is_some() => 'q',
        None => 'r',
        Some(k @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => k,
        Some('n') => return Err(unmodelled()),
        Some(k) => return Err(unknown(k, of)),
    };
    if spec.alt || spec.zero && !x.is_finite() {
        return Err(unmodelled());
    }
    let negative = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let prec = spec.precision.unwrap_or(6);
    let (body, suffix) = if x.is_nan() {
        ("nan".to_string(), "")
    } else if x.is_infinite() {
        ("inf".to_string(), "")
    } else {
        match kind.to_ascii_lowercase() {
            'r' => (float::repr(a), ""),
            'f' => (super::format::fixed(a, prec, false), ""),
            'e' => (super::format::exponent(a, prec, false), ""),
            'g' => (super::format::general(a, prec, false), ""),
            'q' => (general_with_point(a, prec), ""),
            _ => (super::format::fixed(a * 100.0, prec, false), "%"),
        }
    };
    let (body, suffix) = match (kind, x.is_finite()) {
        ('%', false) => (body, "%"),
        _ => (body, suffix),
    };
    let body = if kind.is_ascii_uppercase() {
        body.to_ascii_uppercase()
    } else {
        body
    };
    // The separator goes into the integer part only (`1,234.5`, `1e+16`).
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (int_part, rest) = body.split_at(split);
    number(spec, negative, "", int_part, &format!("{rest}{suffix}"), 3)
}

/// CPython's float format with a precision and no type (`format(x,
/// '.3')`): `g`, except that fixed-point notation keeps a digit past the
/// point (`2.0`, CPython's `Py_DTSF_ADD_DOT_0`), so a number whose
/// precision fills the digits before the point takes an exponent instead
/// (`format(100.0, '.3')` is `1e+02`).
fn general_with_point(a: f64, prec: usize) -> String {
    let p = prec.max(1);
    let e = super::format::exponent(a, p - 1, false);
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "+00"));
    if exp.parse::<i64>().ok() == Some(p as i64 - 1) {
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        return format!("{mantissa}e{exp}");
    }
    let g = super::format::general(a, p, false);
    if g.contains(['.', 'e']) { g } else { g + ".0" }
}

/// Lays out a number: sign and `prefix`, the integer digits grouped by
/// the separator, the rest (fraction, exponent, `%`), padded to the width.
fn number(
    spec: &Spec,
    negative: bool,
    prefix: &str,
    int_digits: &str,
    rest: &str,
    group: usize,
) -> Result<String, Raise> {
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let sign = format!("{sign}{prefix}");
    if spec.zero && spec.separator.is_some() {
        return Err(unmodelled());
    }
    let grouped = match spec.separator {
        Some(sep) => {
            let mut out = String::new();
            for (i, c) in int_digits.chars().enumerate() {
                if i > 0 && (int_digits.len() - i).is_multiple_of(group) {
                    out.push(sep);
                }
                out.push(c);
            }
            out
        }
        None => int_digits.to_string(),
    };
    let body = format!("{grouped}{rest}");
    let (align, fill) = if spec.zero {
        (spec.align.unwrap_or('='), '0')
    } else {
        (spec.align.unwrap_or('>'), spec.fill)
    };
    Ok(pad(align, fill, spec.width, &sign, &body))
}

/// `sign + body` padded with `fill` to `width` by `align` (`=`: between
/// the sign and the body; `^`: the odd fill character goes right).
fn pad(align: char, fill: char, width: usize, sign: &str, body: &str) -> String {
    let len = sign.len() + body.chars().count();
    if len >= width {
        return format!("{sign}{body}");
    }
    let n = width - len;
    let run = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
    match align {
        '<' => format!("{sign}{body}{}", run(n)),
        '^' => format!("{}{sign}{body}{}", run(n / 2), run(n - n / 2)),
        '=' => format!("{sign}{}{body}", run(n)),
        _ => format!("{}{sign}{body}", run(n)),
    }
}
