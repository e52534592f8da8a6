//! `format(value, spec)` with a spec that is not empty, written from
//! CPython 3.11's `Python/formatter_unicode.c`: the spec grammar
//! `[[fill]align][sign][#][0][width][,|_][.precision][type]`, ints (`bool`
//! too) under `d x X o b` (with `#`, the base's prefix between the sign and
//! any zero padding) or, converted, under the float types, floats under
//! `e E f F g G %` or no type (their repr, or with a precision CPython's
//! `g` keeping a digit past the point), strs under `s`.
//!
//! Unmodelled (poisoned, as in the VM): `#` of a float, `z`, types `c` and `n`,
//! `0` padding with a separator or of an infinity or NaN, and instances.

use std::rc::Rc;

use jitdiff_vm::lang::Poison;
use num_traits::Signed;

use super::eval::{Res, poison, type_error, value_error};
use super::float::{self, Num};
use super::format_float;
use super::seq;
use super::value::Value;

#[derive(Default)]
struct FormatSpec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    zero_pad: bool,
    width: usize,
    thousands: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
    alternate: bool,
}

fn read_number(chars: &[char], at: &mut usize) -> Res<Option<usize>> {
    let begin = *at;
    let mut n: usize = 0;
    while let Some(d) = chars.get(*at).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .ok_or_else(|| value_error("Too many decimal digits in format string".into()))?;
        *at += 1;
    }
    if *at == begin {
        return Ok(None);
    }
    seq::check_len(n as u128)?;
    Ok(Some(n))
}

/// The spec of a value of type `of` whose presentation type defaults to
/// `default` (which the separator check sees when the spec has none).
fn parse_spec(text: &str, default: Option<char>, of: &str) -> Res<FormatSpec> {
    let chars: Vec<char> = text.chars().collect();
    let aligns = ['<', '>', '=', '^'];
    let mut spec = FormatSpec::default();
    let mut at = 0;
    if chars.len() >= 2 && aligns.contains(&chars[1]) {
        spec.fill = Some(chars[0]);
        spec.align = Some(chars[1]);
        at = 2;
    } else if chars.first().is_some_and(|c| aligns.contains(c)) {
        spec.align = Some(chars[0]);
        at = 1;
    }
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(at) {
        spec.sign = Some(c);
        at += 1;
    }
    if chars.get(at) == Some(&'z') {
        return Err(poison(Poison::Unmodelled));
    }
    if chars.get(at) == Some(&'#') {
        spec.alternate = true;
        at += 1;
    }
    if spec.fill.is_none() && chars.get(at) == Some(&'0') {
        spec.zero_pad = true;
        at += 1;
    }
    spec.width = read_number(&chars, &mut at)?.unwrap_or(0);
    if let Some(&c @ (',' | '_')) = chars.get(at) {
        spec.thousands = Some(c);
        at += 1;
        if let Some(&d @ (',' | '_')) = chars.get(at) {
            return Err(value_error(if c == d {
                format!("Cannot specify '{c}' with '{d}'.")
            } else {
                "Cannot specify both ',' and '_'.".into()
            }));
        }
    }
    if chars.get(at) == Some(&'.') {
        at += 1;
        match read_number(&chars, &mut at)? {
            Some(p) => spec.precision = Some(p),
            None => return Err(value_error("Format specifier missing precision".into())),
        }
    }
    match &chars[at..] {
        [] => {}
        [t] => spec.ty = Some(*t),
        _ => {
            return Err(value_error(format!(
                "Invalid format specifier '{text}' for object of type '{of}'"
            )));
        }
    }
    if let Some(sep) = spec.thousands {
        let allowed = match spec.ty.or(default) {
            None => true,
            Some(t) if "deEfFgG%".contains(t) => true,
            Some(t) if "boxX".contains(t) => sep == '_',
            Some(_) => false,
        };
        if !allowed {
            let t = spec.ty.or(default).unwrap_or('?');
            return Err(value_error(format!("Cannot specify '{sep}' with '{t}'.")));
        }
    }
    Ok(spec)
}

/// `format(v, spec)`, `spec` not empty.
pub fn format(v: &Value, spec: &str) -> Res<Value> {
    // An instance's `__format__` is `object.__format__` (the language
    // refuses to define another): a spec is the TypeError below.
    let text = match v {
        Value::Str(s) => string(s, &parse_spec(spec, Some('s'), "str")?)?,
        _ => match v.as_num() {
            Some(Num::Int(i)) => {
                let of = v.type_name();
                integer(&i.to_big(), &of, &parse_spec(spec, Some('d'), &of)?)?
            }
            Some(Num::Float(x)) => real(x, "float", &parse_spec(spec, None, "float")?)?,
            None => {
                return Err(type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    v.type_name()
                )));
            }
        },
    };
    seq::check_len(text.len() as u128)?;
    Ok(Value::Str(Rc::from(text)))
}

fn unknown_code(t: char, of: &str) -> Box<super::eval::Stop> {
    value_error(format!(
        "Unknown format code '{t}' for object of type '{of}'"
    ))
}

fn string(s: &str, spec: &FormatSpec) -> Res<String> {
    match spec.ty {
        None | Some('s') => {}
        Some(t) => return Err(unknown_code(t, "str")),
    }
    if let Some(sign) = spec.sign {
        let what = if sign == ' ' { "Space" } else { "Sign" };
        return Err(value_error(format!(
            "{what} not allowed in string format specifier"
        )));
    }
    if spec.alternate {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier".into(),
        ));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier".into(),
        ));
    }
    let shown: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let fill = spec.fill.unwrap_or(if spec.zero_pad { '0' } else { ' ' });
    Ok(align_text(
        &shown,
        "",
        spec.width,
        fill,
        spec.align.unwrap_or('<'),
    ))
}

fn integer(n: &num_bigint::BigInt, of: &str, spec: &FormatSpec) -> Res<String> {
    let radix = match spec.ty {
        None | Some('d') => 10,
        Some('x' | 'X') => 16,
        Some('o') => 8,
        Some('b') => 2,
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
            let x = float::from_int(&super::value::Int::from_big(n.clone()))?;
            return real(x, of, spec);
        }
        Some('c' | 'n') => return Err(poison(Poison::Unmodelled)),
        Some(t) => return Err(unknown_code(t, of)),
    };
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier".into(),
        ));
    }
    let mut digits = n.abs().to_str_radix(radix);
    if spec.ty == Some('X') {
        digits.make_ascii_uppercase();
    }
    let every = if radix == 10 { 3 } else { 4 };
    let prefix = if spec.alternate {
        match spec.ty {
            Some('x') => "0x",
            Some('X') => "0X",
            Some('o') => "0o",
            Some('b') => "0b",
            _ => "",
        }
    } else {
        ""
    };
    lay_out(spec, n.is_negative(), prefix, &digits, "", every)
}

fn real(x: f64, of: &str, spec: &FormatSpec) -> Res<String> {
    let ty = match spec.ty {
        None => None,
        Some(t @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => Some(t),
        Some('n') => return Err(poison(Poison::Unmodelled)),
        Some(t) => return Err(unknown_code(t, of)),
    };
    if spec.alternate || spec.zero_pad && !x.is_finite() {
        return Err(poison(Poison::Unmodelled));
    }
    let negative = x.is_sign_negative() && !x.is_nan();
    let magnitude = x.abs();
    let text = match ty {
        None if spec.precision.is_some() => format_float::with_point(magnitude, spec.precision),
        None => float::repr(magnitude),
        Some('%') => format!(
            "{}%",
            format_float::format(magnitude * 100.0, b'f', spec.precision, false)
        ),
        Some(t) => format_float::format(magnitude, t as u8, spec.precision, false),
    };
    // Only the digits before the point (or exponent) are grouped.
    let int_len = text.chars().take_while(char::is_ascii_digit).count();
    let (whole, tail) = text.split_at(int_len);
    lay_out(spec, negative, "", whole, tail, 3)
}

/// The sign and `prefix`, then the grouped digits of `whole` and `tail`.
fn lay_out(
    spec: &FormatSpec,
    negative: bool,
    prefix: &str,
    whole: &str,
    tail: &str,
    every: usize,
) -> Res<String> {
    if spec.zero_pad && spec.thousands.is_some() {
        return Err(poison(Poison::Unmodelled));
    }
    let sign = if negative {
        "-"
    } else {
        match spec.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    let mut grouped = String::new();
    let count = whole.chars().count();
    for (k, c) in whole.chars().enumerate() {
        if let Some(sep) = spec.thousands
            && k > 0
            && (count - k).is_multiple_of(every)
        {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    grouped.push_str(tail);
    let (fill, align) = if spec.zero_pad {
        ('0', spec.align.unwrap_or('='))
    } else {
        (spec.fill.unwrap_or(' '), spec.align.unwrap_or('>'))
    };
    let sign = format!("{sign}{prefix}");
    Ok(align_text(&grouped, &sign, spec.width, fill, align))
}

fn align_text(body: &str, sign: &str, width: usize, fill: char, align: char) -> String {
    let used = sign.chars().count() + body.chars().count();
    let missing = width.saturating_sub(used);
    let fill_of = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => format!("{sign}{body}{}", fill_of(missing)),
        '^' => format!(
            "{}{sign}{body}{}",
            fill_of(missing / 2),
            fill_of(missing - missing / 2)
        ),
        '=' => format!("{sign}{}{body}", fill_of(missing)),
        _ => format!("{}{sign}{body}", fill_of(missing)),
    }
}
