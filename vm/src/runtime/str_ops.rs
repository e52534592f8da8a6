//! What the language does with strings: `+ * %`, subscripts and slices,
//! `in`, and the str methods, with CPython 3.11's messages. Inputs are
//! rooted by the caller; every result is built by `strs::new` (length cap
//! and bulk fuel) or is a cached one-character string.

use ibig::IBig;

use super::arena::Arena;
use super::seq_ops::{index_value, normalize, slice_indices};
use super::strs::{self, char_value, is_str, text};
use super::value::Value;
use super::{Raise, int, seq, type_name};
use crate::lang::ast::BinOp;

/// A binary operator with a str operand (the caller routes lists and
/// tuples on the left elsewhere first).
pub fn binop(
    arena: &mut Arena,
    op: BinOp,
    inplace: bool,
    a: Value,
    b: Value,
) -> Result<Value, Raise> {
    let unsupported = || Raise::unsupported_operands(op, inplace, a, b);
    match op {
        BinOp::Add if is_str(a) => {
            if !is_str(b) {
                return Err(Raise::type_error(format!(
                    "can only concatenate str (not \"{}\") to str",
                    type_name(b)
                )));
            }
            let joined = format!("{}{}", text(a), text(b));
            strs::new_charged(arena, &joined)
        }
        BinOp::Mul => {
            let (s, n) = if is_str(a) { (a, b) } else { (b, a) };
            if !int::is_int(n) {
                return Err(Raise::type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    type_name(n)
                )));
            }
            let count = index_value(n, "OverflowError")?.max(0) as u128;
            seq::check_len((strs::len(s) as u128 * count).min(u128::from(u64::MAX)) as usize)?;
            let repeated = text(s).repeat(count as usize);
            strs::new_charged(arena, &repeated)
        }
        BinOp::Mod if is_str(a) => {
            let fmt = text(a).to_string();
            let out = {
                let arena_ref: &Arena = arena;
                super::format::format(&fmt, b, &mut |v, repr| {
                    if repr {
                        super::arena_repr(arena_ref, v)
                    } else {
                        super::arena_str(arena_ref, v)
                    }
                })?
            };
            strs::new_charged(arena, &out)
        }
        _ => Err(unsupported()),
    }
}

/// `s[i]`: a cached one-character string.
pub fn subscript(arena: &Arena, s: Value, index: Value) -> Result<Value, Raise> {
    if !int::is_int(index) {
        return Err(Raise::type_error(format!(
            "string indices must be integers, not '{}'",
            type_name(index)
        )));
    }
    let i = index_value(index, "IndexError")?;
    match normalize(i, strs::len(s)) {
        Some(i) => Ok(char_value(arena, text(s).as_bytes()[i])),
        None => Err(Raise::exc("IndexError", "string index out of range".into())),
    }
}

/// `s[lower:upper:step]`.
pub fn slice(
    arena: &mut Arena,
    s: Value,
    lower: Value,
    upper: Value,
    step: Value,
) -> Result<Value, Raise> {
    let sl = slice_indices(&IBig::from(strs::len(s)), lower, upper, step)?;
    let start = i128::try_from(&sl.start).unwrap_or(0);
    let st = i128::try_from(&sl.step).unwrap_or(1);
    let bytes = text(s).as_bytes();
    let picked: String = (0..sl.len as i128)
        .map(|k| bytes[(start + k * st) as usize] as char)
        .collect();
    strs::new_charged(arena, &picked)
}

/// `x in s`: a substring test.
pub fn contains(s: Value, x: Value) -> Result<bool, Raise> {
    if !is_str(x) {
        return Err(Raise::type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            type_name(x)
        )));
    }
    Ok(text(s).contains(text(x)))
}

/// The characters of `s` as one-character strings (cached: no allocation).
pub fn chars(arena: &Arena, s: Value) -> Vec<Value> {
    text(s).bytes().map(|b| char_value(arena, b)).collect()
}

/// A str argument of a method (`must be str, not int` otherwise).
pub(super) fn str_arg(v: Value, message: impl FnOnce(&str) -> String) -> Result<String, Raise> {
    if is_str(v) {
        Ok(text(v).to_string())
    } else {
        Err(Raise::type_error(message(type_name(v))))
    }
}

/// `s.method(args...)` for the str methods (`methods::call` dispatches).
pub fn call_method(
    arena: &mut Arena,
    name: &str,
    s: Value,
    args: &[Value],
) -> Result<Value, Raise> {
    let t = text(s).to_string();
    let exactly = |n: usize, label: &str| -> Result<(), Raise> {
        if args.len() == n {
            return Ok(());
        }
        Err(Raise::type_error(match n {
            0 => format!("{label}() takes no arguments ({} given)", args.len()),
            1 => format!(
                "{label}() takes exactly one argument ({} given)",
                args.len()
            ),
            _ => format!("{label} expected {n} arguments, got {}", args.len()),
        }))
    };
    match name {
        "upper" | "lower" | "strip" => {
            if name == "strip" {
                if args.len() > 1 {
                    return Err(Raise::type_error(format!(
                        "strip expected at most 1 argument, got {}",
                        args.len()
                    )));
                }
            } else {
                exactly(0, &format!("str.{name}"))?;
            }
            let out = match name {
                "upper" => t.to_ascii_uppercase(),
                "lower" => t.to_ascii_lowercase(),
                _ => match args.first() {
                    None | Some(&Value::NONE) => t.trim_matches(is_space).to_string(),
                    Some(&c) => {
                        let chars = str_arg(c, |_| "strip arg must be None or str".into())?;
                        t.trim_matches(|ch| chars.contains(ch)).to_string()
                    }
                },
            };
            strs::new(arena, &out)
        }
        "join" => {
            exactly(1, "str.join")?;
            seq::rooted(arena, |arena| {
                // CPython's `PySequence_Fast` names join for a TypeError
                // getting the iterator.
                let items = seq::collect(arena, args[0]).map_err(|e| match e {
                    Raise::Exc {
                        kind: "TypeError",
                        ref message,
                    } if message.ends_with("is not iterable") => {
                        Raise::type_error("can only join an iterable".into())
                    }
                    e => e,
                })?;
                let mut parts = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    if !is_str(*v) {
                        return Err(Raise::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            type_name(*v)
                        )));
                    }
                    parts.push(text(*v).to_string());
                }
                let joined = parts.join(&t);
                strs::new_charged(arena, &joined)
            })
        }
        "split" => split(arena, &t, args),
        "replace" => {
            if args.len() < 2 || args.len() > 3 {
                let (least, n) = if args.len() < 2 {
                    ("least", 2)
                } else {
                    ("most", 3)
                };
                return Err(Raise::type_error(format!(
                    "replace expected at {least} {n} arguments, got {}",
                    args.len()
                )));
            }
            let old = str_arg(args[0], |ty| {
                format!("replace() argument 1 must be str, not {ty}")
            })?;
            let new = str_arg(args[1], |ty| {
                format!("replace() argument 2 must be str, not {ty}")
            })?;
            let limit = match args.get(2) {
                Some(&c) => integer_arg(c)?,
                None => -1,
            };
            let out = if limit < 0 {
                t.replace(&old, &new)
            } else {
                t.replacen(&old, &new, limit as usize)
            };
            strs::new_charged(arena, &out)
        }
        "startswith" | "endswith" => {
            at_least_at_most(name, args, 1, 3)?;
            let (lo, hi) = bounds(&args[1..], t.len())?;
            // Python tests the prefix against `t[start:end]`, and an empty
            // window whose start is past its end holds not even ''
            // (CPython's `tailmatch`: `'a'.startswith('', 1, 0)` is False).
            let fits = |o: &str| {
                lo <= hi
                    && if name == "startswith" {
                        t[lo..hi].starts_with(o)
                    } else {
                        t[lo..hi].ends_with(o)
                    }
            };
            if seq::is_tuple(args[0]) {
                // Stops at the first match, as CPython (later items unchecked).
                for v in seq::items(args[0]) {
                    let o = str_arg(v, |ty| {
                        format!("tuple for {name} must only contain str, not {ty}")
                    })?;
                    if fits(&o) {
                        return Ok(Value::TRUE);
                    }
                }
                return Ok(Value::FALSE);
            }
            let o = str_arg(args[0], |ty| {
                format!("{name} first arg must be str or a tuple of str, not {ty}")
            })?;
            Ok(Value::bool(fits(&o)))
        }
        "find" | "count" | "index" => {
            at_least_at_most(name, args, 1, 3)?;
            // CPython reads start and end before the substring's type.
            let (lo, hi) = bounds(&args[1..], t.len())?;
            let sub = str_arg(args[0], |ty| format!("must be str, not {ty}"))?;
            // CPython: nothing is found past the end, not even ''.
            let window = (lo <= t.len() && lo <= hi).then(|| &t[lo..hi]);
            match name {
                "count" => Ok(Value::small(window.map_or(0, |w| count(w, &sub)) as i64)),
                _ => match window.and_then(|w| w.find(&sub)) {
                    Some(i) => Ok(Value::small((lo + i) as i64)),
                    None if name == "find" => Ok(Value::small(-1)),
                    None => Err(Raise::exc("ValueError", "substring not found".into())),
                },
            }
        }
        other => super::str_methods::call(arena, other, &t, args),
    }
}

/// `name() takes at least 1 argument (0 given)` / `at most 3 arguments`.
pub(super) fn at_least_at_most(
    name: &str,
    args: &[Value],
    least: usize,
    most: usize,
) -> Result<(), Raise> {
    if args.len() < least {
        return Err(Raise::type_error(format!(
            "{name}() takes at least {least} argument ({} given)",
            args.len()
        )));
    }
    if args.len() > most {
        return Err(Raise::type_error(format!(
            "{name}() takes at most {most} arguments ({} given)",
            args.len()
        )));
    }
    Ok(())
}

/// A `Py_ssize_t` argument (`maxsplit`, `count`, a width):
/// `PyNumber_AsSsize_t` with CPython's TypeError and OverflowError.
pub(super) fn integer_arg(v: Value) -> Result<i64, Raise> {
    if !int::is_int(v) {
        return Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(v)
        )));
    }
    int::to_i64(v).ok_or_else(|| {
        Raise::exc(
            "OverflowError",
            "Python int too large to convert to C ssize_t".into(),
        )
    })
}

/// Optional `start`, `end` (ints or None), clamped like slice bounds;
/// `start` may end up past `end` or past the string.
pub(super) fn bounds(rest: &[Value], n: usize) -> Result<(usize, usize), Raise> {
    let part = |k: usize, default: i128| -> Result<i128, Raise> {
        match rest.get(k) {
            None | Some(&Value::NONE) => Ok(default),
            Some(&v) if int::is_int(v) => Ok(i128::try_from(&int::to_ibig(v)).unwrap_or(
                if int::to_ibig(v) < IBig::from(0) {
                    i128::MIN / 2
                } else {
                    i128::MAX / 2
                },
            )),
            Some(_) => Err(Raise::type_error(
                "slice indices must be integers or None or have an __index__ method".into(),
            )),
        }
    };
    let n = n as i128;
    let clamp = |x: i128| if x < 0 { (x + n).max(0) } else { x };
    let lo = clamp(part(0, 0)?);
    let hi = clamp(part(1, n)?).min(n);
    Ok((lo.min(usize::MAX as i128) as usize, hi as usize))
}

/// Python's whitespace for `split()`/`strip()` on ASCII.
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
    )
}

/// `split()` without a separator: runs of whitespace separate, at most
/// `max` splits (the rest, left-stripped, is the last part).
fn split_whitespace(t: &str, max: i64) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = t.trim_start_matches(is_space);
    while !rest.is_empty() {
        if max >= 0 && parts.len() as i64 == max {
            parts.push(rest.to_string());
            break;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        parts.push(rest[..end].to_string());
        rest = rest[end..].trim_start_matches(is_space);
    }
    parts
}

/// Non-overlapping occurrences (`''` occurs `len + 1` times).
fn count(t: &str, sub: &str) -> usize {
    if sub.is_empty() {
        return t.len() + 1;
    }
    t.matches(sub).count()
}

fn split(arena: &mut Arena, t: &str, args: &[Value]) -> Result<Value, Raise> {
    if args.len() > 2 {
        return Err(Raise::type_error(format!(
            "split() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    // CPython converts maxsplit before it looks at the separator.
    let max = match args.get(1) {
        Some(&m) => integer_arg(m)?,
        None => -1,
    };
    let sep = match args.first() {
        None | Some(&Value::NONE) => None,
        Some(&sep) => Some(str_arg(sep, |ty| format!("must be str or None, not {ty}"))?),
    };
    let parts: Vec<String> = match sep {
        None => split_whitespace(t, max),
        Some(sep) => {
            if sep.is_empty() {
                return Err(Raise::exc("ValueError", "empty separator".into()));
            }
            if max < 0 {
                t.split(sep.as_str()).map(str::to_string).collect()
            } else {
                t.splitn(max as usize + 1, sep.as_str())
                    .map(str::to_string)
                    .collect()
            }
        }
    };
    seq::rooted(arena, |arena| {
        let mut values = Vec::with_capacity(parts.len());
        for p in &parts {
            let v = strs::new(arena, p)?;
            arena.roots.temps.push(v);
            values.push(v);
        }
        seq::new_list(arena, &values)
    })
}
