//! `fmt % args`: CPython 3.11's `PyUnicode_Format`, step for step (its
//! order of parsing, argument fetching and checks decides which error a
//! bad format gets): `%(key)` (always an error here: there are no dicts),
//! flags `-+ #0`, width and precision (digits or `*`), the ignored
//! length modifiers `h l L`, and the conversions `s r a d i u x X o e E f
//! F g G c %`.
//!
//! Length: the text is never materialized past the cap. A piece that
//! would pass it marks the result too long and the parse goes on (a later
//! error is still CPython's answer); a too-long result poisons at the end.

use jitdiff_vm::lang::limits::MAX_SEQUENCE_LEN;
use jitdiff_vm::lang::outcome::Poison;
use num_bigint::BigInt;
use num_traits::Signed;

use super::eval::{Res, exception, poison, type_error, value_error};
use super::float::{self, Num};
use super::format_float;
use super::seq::Heap;
use super::strs::{self, new_str};
use super::value::{Int, Value};

/// The arguments: a tuple's items, or one value used once.
struct Args<'a> {
    items: &'a [Value],
    next: usize,
}

impl<'a> Args<'a> {
    fn next(&mut self) -> Res<&'a Value> {
        let v = self
            .items
            .get(self.next)
            .ok_or_else(|| type_error("not enough arguments for format string".into()))?;
        self.next += 1;
        Ok(v)
    }
}

/// One conversion's flags, width and precision.
#[derive(Default)]
struct Spec {
    ljust: bool,
    sign: bool,
    blank: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
}

/// The output so far, and whether it already passed the cap.
struct Out {
    text: String,
    too_long: bool,
}

impl Out {
    fn push(&mut self, s: &str) {
        if self.too_long {
            return;
        }
        if self.text.len() + s.len() > MAX_SEQUENCE_LEN {
            self.too_long = true;
            self.text = String::new();
        } else {
            self.text.push_str(s);
        }
    }
}

/// `fmt % args`.
pub fn format(h: &mut Heap, fmt: &str, args: &Value) -> Res<Value> {
    let text = format_text(fmt, args, &mut |_, _| Err(poison(Poison::Unmodelled)))?;
    new_str(h, text)
}

/// The text of `fmt % args`; `user(v, repr)` renders a `%s` (`repr`
/// false) or `%r`/`%a` argument whose text a user `__str__` or `__repr__`
/// makes, when the format comes to it (code that cannot call Python
/// passes one that poisons).
pub fn format_text(
    fmt: &str,
    args: &Value,
    user: &mut dyn FnMut(&Value, bool) -> Res<String>,
) -> Res<String> {
    let single = std::slice::from_ref(args);
    let mut a = Args {
        items: match args {
            Value::Tuple(t) => &t.items,
            _ => single,
        },
        next: 0,
    };
    // Lists, ranges and dicts count as mappings (they have `__getitem__`):
    // an unused one is no error, and `%(key)` looks the key up in them.
    let mapping = matches!(args, Value::List(_) | Value::Range(_) | Value::Dict(_));
    let mut out = Out {
        text: String::new(),
        too_long: false,
    };
    let b = fmt.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'%')
                .map_or(b.len(), |k| i + k);
            out.push(&fmt[i..end]);
            i = end;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'%') {
            out.push("%");
            i += 1;
            continue;
        }
        i = conversion(b, i, &mut a, mapping, &mut out, user)?;
    }
    if a.next < a.items.len() && !mapping {
        return Err(type_error(
            "not all arguments converted during string formatting".into(),
        ));
    }
    if out.too_long {
        return Err(poison(Poison::SequenceTooLong));
    }
    Ok(out.text)
}

/// Parses and performs the conversion starting at `b[i]` (just past its
/// `%`); returns where the format continues.
fn conversion(
    b: &[u8],
    mut i: usize,
    a: &mut Args,
    mapping: bool,
    out: &mut Out,
    user: &mut dyn FnMut(&Value, bool) -> Res<String>,
) -> Res<usize> {
    let at = |k: usize| b.get(k).copied();
    if at(i) == Some(b'(') {
        if !mapping {
            return Err(type_error("format requires a mapping".into()));
        }
        let mut depth = 1;
        i += 1;
        while depth > 0 && i < b.len() {
            match b[i] {
                b')' => depth -= 1,
                b'(' => depth += 1,
                _ => {}
            }
            i += 1;
        }
        if depth > 0 {
            return Err(value_error("incomplete format key".into()));
        }
        // A dict's `%(key)`: CPython looks the key up, which the language
        // does not model (a KeyError here would be an answer CPython
        // never gives).
        if let Some(Value::Dict(_)) = a.items.first() {
            return Err(super::eval::poison(
                jitdiff_vm::lang::outcome::Poison::Unmodelled,
            ));
        }
        // The lookup of a str key in a list or range.
        let owner = a.items.first().map_or("list".into(), Value::type_name);
        return Err(type_error(format!(
            "{owner} indices must be integers or slices, not str"
        )));
    }
    let mut spec = Spec::default();
    while let Some(c) = at(i) {
        match c {
            b'-' => spec.ljust = true,
            b'+' => spec.sign = true,
            b' ' => spec.blank = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    if at(i) == Some(b'*') {
        let w = star(a.next()?, false)?;
        spec.ljust |= w < 0;
        spec.width = w.unsigned_abs() as usize;
        i += 1;
    } else {
        let (w, k) = digits(b, i, i64::MAX as u64, "width too big")?;
        spec.width = w as usize;
        i = k;
    }
    if at(i) == Some(b'.') {
        i += 1;
        if at(i) == Some(b'*') {
            spec.prec = Some(star(a.next()?, true)?.max(0) as usize);
            i += 1;
        } else {
            let (p, k) = digits(b, i, i32::MAX as u64, "precision too big")?;
            spec.prec = Some(p as usize);
            i = k;
        }
    }
    if matches!(at(i), Some(b'h' | b'l' | b'L')) {
        i += 1;
    }
    let Some(conv) = at(i) else {
        return Err(value_error("incomplete format".into()));
    };
    i += 1;
    // The argument is fetched before the conversion character is checked.
    let v = a.next()?;
    let piece = match conv {
        // A user `__str__` or `__repr__` (of `v` or inside it): `user`.
        b's' | b'r' | b'a'
            if super::eval::dunders::has_dunder(v, &["__str__"])
                || super::compare::shows_user_repr(v) =>
        {
            Piece::Text(user(v, conv != b's')?)
        }
        b's' | b'r' | b'a' => {
            let text = if conv == b's' {
                match v {
                    Value::Str(s) => s.to_string(),
                    // An exception's str() (a user class's too) is its
                    // message, not its repr.
                    _ if super::exceptions::parts(v).is_some() => strs::str_of(v)?,
                    _ => super::compare::repr_capped(v, MAX_SEQUENCE_LEN)?,
                }
            } else {
                match v {
                    Value::Str(s) => strs::repr_str(s),
                    _ => super::compare::repr_capped(v, MAX_SEQUENCE_LEN)?,
                }
            };
            Piece::Text(text)
        }
        b'd' | b'i' | b'u' | b'x' | b'X' | b'o' => int_piece(v, conv, &spec)?,
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => float_piece(v, conv, &spec)?,
        b'c' => Piece::Text(char::from(char_arg(v)?).to_string()),
        other => {
            let shown = if (31..=126).contains(&other) {
                char::from(other)
            } else {
                '?'
            };
            return Err(value_error(format!(
                "unsupported format character '{shown}' (0x{other:x}) at index {}",
                i - 1
            )));
        }
    };
    match piece {
        Piece::Text(t) => emit(out, &spec, conv, &t, false),
        Piece::Number(t) => emit(out, &spec, conv, &t, true),
        Piece::TooLong => out.too_long = true,
    }
    Ok(i)
}

enum Piece {
    Text(String),
    /// A number's text: sign and padding rules apply.
    Number(String),
    /// Longer than any allowed string (never built).
    TooLong,
}

/// A `*` width (a C `Py_ssize_t`) or precision (a C `int`).
fn star(v: &Value, prec: bool) -> Res<i64> {
    let Some(i) = v.as_int() else {
        return Err(type_error("* wants int".into()));
    };
    let (fits, c_type) = match (&i, prec) {
        (Int::Small(x), true) => (i32::try_from(*x).is_ok(), "int"),
        (Int::Small(_), false) => (true, "ssize_t"),
        (Int::Big(_), true) => (false, "int"),
        (Int::Big(_), false) => (false, "ssize_t"),
    };
    if !fits {
        return Err(exception(
            "OverflowError",
            format!("Python int too large to convert to C {c_type}"),
        ));
    }
    Ok(i.saturating_i64())
}

/// Decimal digits at `b[i..]` (none is 0), refusing values past `max`.
fn digits(b: &[u8], mut i: usize, max: u64, too_big: &str) -> Res<(u64, usize)> {
    let mut n: u64 = 0;
    while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
        let d = u64::from(d - b'0');
        if n > (max - d) / 10 {
            return Err(value_error(too_big.into()));
        }
        n = n * 10 + d;
        i += 1;
    }
    Ok((n, i))
}

/// `%d %i %u %x %X %o`: sign, optional `0x`/`0o` prefix (with `#`),
/// digits zero-filled to the precision (CPython's `_PyUnicode_FormatLong`).
fn int_piece(v: &Value, conv: u8, spec: &Spec) -> Res<Piece> {
    let int_only = matches!(conv, b'x' | b'X' | b'o');
    let i = match v {
        Value::Int(_) | Value::Bool(_) => v.as_int().unwrap_or(Int::Small(0)),
        Value::Float(f) if !int_only => float::to_int(*f)?,
        other => {
            let what = if int_only {
                "an integer"
            } else {
                "a real number"
            };
            return Err(type_error(format!(
                "%{} format: {what} is required, not {}",
                char::from(conv),
                other.type_name()
            )));
        }
    };
    if spec.prec.is_some_and(|p| p > i32::MAX as usize - 3) {
        return Err(exception("OverflowError", "precision too large".into()));
    }
    let big: BigInt = i.to_big();
    let (radix, prefix) = match conv {
        b'x' | b'X' => (16, "0x"),
        b'o' => (8, "0o"),
        _ => (10, ""),
    };
    let mut digits = big.abs().to_str_radix(radix);
    if let Some(p) = spec.prec
        && p > digits.len()
    {
        if p > MAX_SEQUENCE_LEN {
            return Ok(Piece::TooLong);
        }
        digits = "0".repeat(p - digits.len()) + &digits;
    }
    let mut s = String::new();
    if big.is_negative() {
        s.push('-');
    }
    if spec.alt {
        s.push_str(prefix);
    }
    s.push_str(&digits);
    if conv == b'X' {
        s = s.to_ascii_uppercase();
    }
    Ok(Piece::Number(s))
}

/// `%e %f %g` and upper-case forms of an int, bool or float.
fn float_piece(v: &Value, conv: u8, spec: &Spec) -> Res<Piece> {
    let x = match v.as_num() {
        Some(Num::Float(f)) => f,
        Some(n) => n.to_f64()?,
        None => {
            return Err(type_error(format!(
                "must be real number, not {}",
                v.type_name()
            )));
        }
    };
    // These keep every digit of a huge precision: too long to build.
    let keeps_zeros = !matches!(conv, b'g' | b'G') || spec.alt;
    if x.is_finite() && keeps_zeros && spec.prec.is_some_and(|p| p > MAX_SEQUENCE_LEN) {
        return Ok(Piece::TooLong);
    }
    Ok(Piece::Number(format_float::format(
        x, conv, spec.prec, spec.alt,
    )))
}

/// `%c`: a one-character string or a code point (range first, then the
/// ASCII rule).
fn char_arg(v: &Value) -> Res<u8> {
    let bad = || type_error("%c requires int or char".into());
    match v {
        Value::Str(s) if s.len() == 1 => Ok(s.as_bytes()[0]),
        Value::Int(_) | Value::Bool(_) => {
            let i = v.as_int().map_or(-1, |i| i.saturating_i64());
            if !(0..0x110000).contains(&i) {
                return Err(exception(
                    "OverflowError",
                    "%c arg not in range(0x110000)".into(),
                ));
            }
            if i > 127 {
                return Err(poison(Poison::NonAscii));
            }
            Ok(i as u8)
        }
        _ => Err(bad()),
    }
}

/// Pads `body` to the width (CPython's `unicode_format_arg_output`): for
/// numbers a `0` flag fills with zeros after the sign and `0x` prefix;
/// `%s %r %a` are cut to the precision.
fn emit(out: &mut Out, spec: &Spec, conv: u8, body: &str, number: bool) {
    let fill = if number && spec.zero { '0' } else { ' ' };
    let mut text = body;
    if matches!(conv, b's' | b'r' | b'a')
        && let Some(p) = spec.prec
    {
        text = &body[..p.min(body.len())];
    }
    let mut sign = "";
    if number {
        if let Some(rest) = text.strip_prefix('-') {
            (sign, text) = ("-", rest);
        } else if spec.sign {
            sign = "+";
        } else if spec.blank {
            sign = " ";
        }
    }
    let prefix_len = if spec.alt && matches!(conv, b'x' | b'X' | b'o') {
        2
    } else {
        0
    };
    let (prefix, digits) = text.split_at(prefix_len);
    let content = sign.len() + text.len();
    let pad = spec.width.saturating_sub(content);
    if out.text.len() + content + pad > MAX_SEQUENCE_LEN {
        out.too_long = true;
        return;
    }
    let mut s = String::with_capacity(content + pad);
    if spec.ljust {
        s.push_str(sign);
        s.push_str(prefix);
        s.push_str(digits);
        s.extend(std::iter::repeat_n(' ', pad));
    } else if fill == '0' {
        s.push_str(sign);
        s.push_str(prefix);
        s.extend(std::iter::repeat_n('0', pad));
        s.push_str(digits);
    } else {
        s.extend(std::iter::repeat_n(' ', pad));
        s.push_str(sign);
        s.push_str(prefix);
        s.push_str(digits);
    }
    out.push(&s);
}
