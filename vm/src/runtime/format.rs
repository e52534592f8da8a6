//! printf-style formatting, `fmt % args`, as CPython 3.11's
//! `PyUnicode_Format`: conversions `s r a d i u x X o e E f F g G c %`,
//! flags `- + space # 0`, `*` or digits for width and precision, and its
//! exact messages. Floats print exactly as C's printf (correctly rounded),
//! which Rust's `{:.*}` / `{:.*e}` also are; `%g` follows C's rule on top.

use ibig::IBig;

use super::{Raise, Value, float, int, seq, strs, type_name};
use crate::lang::Poison;
use crate::lang::limits::MAX_SEQUENCE_LEN;

/// A conversion's flags, width and precision.
#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
}

/// Where the arguments come from: a tuple's items, or one value.
struct Args {
    items: Vec<Value>,
    next: usize,
    /// A list or range given alone counts as a mapping: CPython then never
    /// complains about unconverted arguments.
    mapping: bool,
}

impl Args {
    fn next(&mut self) -> Result<Value, Raise> {
        let v =
            self.items.get(self.next).copied().ok_or_else(|| {
                Raise::type_error("not enough arguments for format string".into())
            })?;
        self.next += 1;
        Ok(v)
    }
}

/// `%(key)` with a dict: after CPython's check that the key is complete,
/// outside the language (as on the reference): CPython looks the key up,
/// which neither side models, so no verdict rather than a KeyError
/// CPython never raises.
fn dict_format_key(fmt: &str, open: usize) -> Raise {
    let b = fmt.as_bytes();
    let (mut depth, mut i) = (1, open + 1);
    while depth > 0 && i < b.len() {
        match b[i] {
            b')' => depth -= 1,
            b'(' => depth += 1,
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Raise::exc("ValueError", "incomplete format key".into());
    }
    Raise::Poison(crate::lang::Poison::Unmodelled)
}

/// `fmt % args`; `render(v, repr)` gives `repr(v)` (`%r`, `%a`) or
/// `str(v)` (`%s`), when the conversion comes to `v` (CPython's order: a
/// user `__str__` runs then, after the pieces before it).
pub fn format(
    fmt: &str,
    args: Value,
    render: &mut dyn FnMut(Value, bool) -> Result<String, Raise>,
) -> Result<String, Raise> {
    let is_range = args.is_ptr() && super::object::kind_of(args) == super::object::Kind::Range;
    let mut a = if seq::is_tuple(args) {
        Args {
            items: seq::items(args),
            next: 0,
            mapping: false,
        }
    } else {
        Args {
            items: vec![args],
            next: 0,
            mapping: seq::is_list(args) || is_range || super::pydict::is_dict(args),
        }
    };
    let b = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            let start = i;
            while i < b.len() && b[i] != b'%' {
                i += 1;
            }
            out.push_str(&fmt[start..i]);
            continue;
        }
        i += 1;
        if i < b.len() && b[i] == b'(' && super::pydict::is_dict(args) {
            return Err(dict_format_key(fmt, i));
        }
        if i < b.len() && b[i] == b'(' {
            // `%(key)s` needs a mapping: a list or range looks the key up
            // (and a str key is not an index), anything else is refused.
            return Err(Raise::type_error(if a.mapping {
                format!(
                    "{} indices must be integers or slices, not str",
                    type_name(args)
                )
            } else {
                "format requires a mapping".into()
            }));
        }
        let spec_start = i;
        let mut s = Spec::default();
        while i < b.len() {
            match b[i] {
                b'-' => s.left = true,
                b'+' => s.plus = true,
                b' ' => s.space = true,
                b'#' => s.alt = true,
                b'0' => s.zero = true,
                _ => break,
            }
            i += 1;
        }
        let width = number(b, &mut i, &mut a)?.unwrap_or(0);
        // A negative `*` width left-aligns, as in C.
        s.left |= width < 0;
        s.width = width.unsigned_abs().min(usize::MAX as u64) as usize;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let p = number(b, &mut i, &mut a)?.unwrap_or(0);
            s.prec = Some(p.max(0) as usize);
        }
        while i < b.len() && matches!(b[i], b'h' | b'l' | b'L') {
            i += 1;
        }
        let Some(&ch) = b.get(i) else {
            return Err(Raise::exc("ValueError", "incomplete format".into()));
        };
        let at = i;
        i += 1;
        if ch == b'%' && at == spec_start {
            out.push('%');
            continue;
        }
        if s.width > MAX_SEQUENCE_LEN || s.prec.is_some_and(|p| p > MAX_SEQUENCE_LEN) {
            return Err(Raise::Poison(Poison::SequenceTooLong));
        }
        let v = a.next()?;
        let piece = convert(ch, at, &s, v, render)?;
        out.push_str(&piece);
    }
    if a.next < a.items.len() && !a.mapping {
        return Err(Raise::type_error(
            "not all arguments converted during string formatting".into(),
        ));
    }
    Ok(out)
}

/// Digits or `*` (an int argument) at `b[*i]`.
fn number(b: &[u8], i: &mut usize, a: &mut Args) -> Result<Option<i64>, Raise> {
    if b.get(*i) == Some(&b'*') {
        *i += 1;
        let v = a.next()?;
        if !int::is_int(v) {
            return Err(Raise::type_error("* wants int".into()));
        }
        return Ok(Some(int::to_i64(v).unwrap_or(i64::MAX)));
    }
    let start = *i;
    let mut n: i64 = 0;
    while *i < b.len() && b[*i].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add((b[*i] - b'0') as i64);
        *i += 1;
    }
    Ok((*i > start).then_some(n))
}

fn convert(
    ch: u8,
    at: usize,
    s: &Spec,
    v: Value,
    render: &mut dyn FnMut(Value, bool) -> Result<String, Raise>,
) -> Result<String, Raise> {
    match ch {
        b's' | b'r' | b'a' => {
            let mut text = render(v, ch != b's')?;
            if let Some(p) = s.prec {
                text.truncate(p);
            }
            Ok(pad(s, "", &text, false))
        }
        b'd' | b'i' | b'u' => {
            let n = if int::is_int(v) {
                int_of(v)
            } else if float::is_float(v) {
                let x = float::value(v);
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
                float::integral_to_ibig(x.trunc())
            } else {
                return Err(Raise::type_error(format!(
                    "%{} format: a real number is required, not {}",
                    ch as char,
                    type_name(v)
                )));
            };
            Ok(integer(s, &n, 10, false, ""))
        }
        b'x' | b'X' | b'o' => {
            if !int::is_int(v) {
                return Err(Raise::type_error(format!(
                    "%{} format: an integer is required, not {}",
                    ch as char,
                    type_name(v)
                )));
            }
            let (radix, prefix) = match ch {
                b'x' => (16, "0x"),
                b'X' => (16, "0X"),
                _ => (8, "0o"),
            };
            Ok(integer(s, &int_of(v), radix, ch == b'X', prefix))
        }
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
            let x = if float::is_float(v) {
                float::value(v)
            } else if int::is_int(v) {
                float::from_int(v)?
            } else {
                return Err(Raise::type_error(format!(
                    "must be real number, not {}",
                    type_name(v)
                )));
            };
            Ok(real(s, x, ch))
        }
        b'c' => {
            let c = if int::is_int(v) {
                match int::to_i64(v) {
                    Some(c) if (0..0x110000).contains(&c) => c,
                    _ => {
                        return Err(Raise::exc(
                            "OverflowError",
                            "%c arg not in range(0x110000)".into(),
                        ));
                    }
                }
            } else if strs::is_str(v) && strs::len(v) == 1 {
                strs::text(v).as_bytes()[0] as i64
            } else {
                return Err(Raise::type_error("%c requires int or char".into()));
            };
            if c > 127 {
                return Err(Raise::Poison(Poison::NonAscii));
            }
            Ok(pad(s, "", &(c as u8 as char).to_string(), false))
        }
        other => Err(Raise::exc(
            "ValueError",
            format!(
                "unsupported format character '{}' (0x{:x}) at index {at}",
                other as char, other
            ),
        )),
    }
}

fn int_of(v: Value) -> IBig {
    int::to_ibig(v)
}

/// Pads `sign + prefix + body` to the width: left-aligned, zero-filled
/// after the sign (numbers only) or right-aligned with spaces.
fn pad(s: &Spec, sign_prefix: &str, body: &str, numeric: bool) -> String {
    let len = sign_prefix.len() + body.len();
    if len >= s.width {
        return format!("{sign_prefix}{body}");
    }
    let fill = s.width - len;
    if s.left {
        format!("{sign_prefix}{body}{}", " ".repeat(fill))
    } else if s.zero && numeric {
        format!("{sign_prefix}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign_prefix}{body}", " ".repeat(fill))
    }
}

fn sign_of(s: &Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if s.plus {
        "+"
    } else if s.space {
        " "
    } else {
        ""
    }
}

fn integer(s: &Spec, n: &IBig, radix: u32, upper: bool, prefix: &str) -> String {
    let negative = *n < IBig::from(0);
    let magnitude = if negative { -n } else { n.clone() };
    let mut digits = magnitude.in_radix(radix).to_string();
    if upper {
        digits = digits.to_ascii_uppercase();
    }
    if let Some(p) = s.prec
        && digits.len() < p
    {
        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
    }
    let prefix = if s.alt { prefix } else { "" };
    pad(
        s,
        &format!("{}{prefix}", sign_of(s, negative)),
        &digits,
        true,
    )
}

/// A float under `e E f F g G`, as C's printf.
fn real(s: &Spec, x: f64, ch: u8) -> String {
    let upper = ch.is_ascii_uppercase();
    let negative = x.is_sign_negative() && !x.is_nan();
    let sign = sign_of(s, negative);
    let body = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        "inf".to_string()
    } else {
        let prec = s.prec.unwrap_or(6);
        match ch.to_ascii_lowercase() {
            b'f' => fixed(x.abs(), prec, s.alt),
            b'e' => exponent(x.abs(), prec, s.alt),
            _ => general(x.abs(), prec, s.alt),
        }
    };
    let body = if upper {
        body.to_ascii_uppercase()
    } else {
        body
    };
    pad(s, sign, &body, true)
}

pub(crate) fn fixed(x: f64, prec: usize, alt: bool) -> String {
    let mut t = format!("{x:.prec$}");
    if alt && prec == 0 {
        t.push('.');
    }
    t
}

/// `d.ddde+XX`: Rust writes `d.ddde4`; C wants a sign and two digits.
pub(crate) fn exponent(x: f64, prec: usize, alt: bool) -> String {
    let t = format!("{x:.prec$e}");
    let (mantissa, exp) = t.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let mut m = mantissa.to_string();
    if alt && prec == 0 {
        m.push('.');
    }
    format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// C's `%g`: `%e` or `%f` by the exponent, trailing zeros removed unless
/// `#`.
pub(crate) fn general(x: f64, prec: usize, alt: bool) -> String {
    let p = prec.max(1);
    let e_form = format!("{x:.*e}", p - 1);
    let exp: i64 = e_form
        .split_once('e')
        .expect("`{:e}` has an exponent")
        .1
        .parse()
        .expect("an integer exponent");
    let mut t = if exp < -4 || exp >= p as i64 {
        exponent(x, p - 1, alt)
    } else {
        fixed(x, (p as i64 - 1 - exp) as usize, alt)
    };
    if !alt {
        t = strip_zeros(&t);
    } else if !t.contains('.') && !t.contains('e') {
        t.push('.');
    }
    t
}

/// Removes trailing zeros of the fraction (and a bare `.`), keeping any
/// exponent.
fn strip_zeros(t: &str) -> String {
    let (mantissa, exp) = match t.find('e') {
        Some(at) => (&t[..at], &t[at..]),
        None => (t, ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prec: Option<usize>) -> Spec {
        Spec {
            prec,
            ..Spec::default()
        }
    }

    /// Values python3 3.11 prints for `'%' + conv % x`.
    #[test]
    fn floats_print_as_c_printf() {
        let cases: &[(f64, u8, Option<usize>, &str)] = &[
            (12345.678, b'e', None, "1.234568e+04"),
            (0.0001234, b'g', None, "0.0001234"),
            (1e20, b'G', None, "1E+20"),
            (2.0 / 3.0, b'g', Some(3), "0.667"),
            (123.456, b'e', Some(4), "1.2346e+02"),
            (100000.0, b'g', None, "100000"),
            (1000000.0, b'g', None, "1e+06"),
            (1e-5, b'g', None, "1e-05"),
            (0.5, b'f', Some(0), "0"),
            (1.5, b'f', Some(0), "2"),
            (0.25, b'f', Some(1), "0.2"),
            (1e16, b'g', None, "1e+16"),
            (123456789.0, b'g', None, "1.23457e+08"),
            (12345.0, b'e', Some(0), "1e+04"),
            (0.1, b'g', Some(15), "0.1"),
            (0.1, b'f', Some(20), "0.10000000000000000555"),
            (1e-10, b'G', None, "1E-10"),
        ];
        for &(x, ch, prec, want) in cases {
            assert_eq!(real(&spec(prec), x, ch), want, "{x} {}", ch as char);
        }
        let alt = Spec {
            alt: true,
            ..Spec::default()
        };
        assert_eq!(real(&alt, 1.0, b'g'), "1.00000");
        let alt0 = Spec {
            alt: true,
            prec: Some(0),
            ..Spec::default()
        };
        assert_eq!(real(&alt0, 1.0, b'f'), "1.");
        let z = Spec {
            zero: true,
            width: 5,
            ..Spec::default()
        };
        assert_eq!(real(&z, f64::INFINITY, b'f'), "00inf");
    }
}
