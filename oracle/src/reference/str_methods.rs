//! The string methods of the language (CPython 3.11's `unicodeobject.c`
//! and `stringlib`): join, split, strip, upper, lower, replace,
//! startswith, endswith, find, index, count, with CPython's optional
//! arguments (`maxsplit`, `chars`, `count`, `start`/`end`) and its exact
//! messages and order of argument checks.

use std::rc::Rc;

use super::eval::{Res, Stop, exception, type_error, value_error};
use super::methods::Meth;
use super::seq::{self, Heap, check_len};
use super::strs::{self, is_space, new_str};
use super::value::{Int, Value};

/// `s.m(*args)` for a method `lookup` accepted on a string.
pub fn call(h: &mut Heap, s: &Rc<str>, m: &Meth, args: &[Value]) -> Res<Value> {
    match m {
        Meth::Join => join(h, s, args),
        Meth::Split => split(h, s, args),
        Meth::Strip => strip(s, args),
        Meth::Upper | Meth::Lower => {
            if !args.is_empty() {
                return Err(type_error(format!(
                    "str.{}() takes no arguments ({} given)",
                    m.name(),
                    args.len()
                )));
            }
            Ok(Value::Str(Rc::from(if matches!(m, Meth::Upper) {
                s.to_ascii_uppercase()
            } else {
                s.to_ascii_lowercase()
            })))
        }
        Meth::Replace => replace(h, s, args),
        Meth::StartsWith | Meth::EndsWith => tailmatch(s, m, args),
        Meth::Other(name) => super::str_methods_ext::call(h, s, name, args),
        _ => find_count(s, m, args),
    }
}

/// `sep.join(iterable)`: every item must be a string.
fn join(h: &mut Heap, sep: &str, args: &[Value]) -> Res<Value> {
    let [it] = args else {
        return Err(type_error(format!(
            "str.join() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let items = seq::collect(it, || type_error("can only join an iterable".into()))?;
    let mut parts = Vec::with_capacity(items.len());
    let mut total = sep.len() as u128 * items.len().saturating_sub(1) as u128;
    for (i, x) in items.iter().enumerate() {
        match x {
            Value::Str(p) => {
                total += p.len() as u128;
                parts.push(&**p);
            }
            other => {
                return Err(type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )));
            }
        }
    }
    check_len(total)?;
    new_str(h, parts.join(sep))
}

/// A `Py_ssize_t` argument (`maxsplit`, `count`, a width).
pub(super) fn ssize_arg(v: &Value) -> Res<i64> {
    match v.as_int() {
        Some(Int::Small(i)) => Ok(i),
        Some(Int::Big(_)) => Err(exception(
            "OverflowError",
            "Python int too large to convert to C ssize_t".into(),
        )),
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
    }
}

/// `s.split(sep=None, maxsplit=-1)`: whitespace runs, or exactly `sep`;
/// at most `maxsplit` splits (negative: no limit). The new list is not
/// bulk-charged (split is not one of the charged operations).
fn split(h: &mut Heap, s: &str, args: &[Value]) -> Res<Value> {
    if args.len() > 2 {
        return Err(type_error(format!(
            "split() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    // Argument Clinic converts maxsplit first; the separator's type is
    // checked in the body.
    let max = match args.get(1) {
        Some(v) => ssize_arg(v)?,
        None => -1,
    };
    let max = if max < 0 { usize::MAX } else { max as usize };
    let parts: Vec<&str> = match args.first() {
        None | Some(Value::None) => split_whitespace(s, max),
        Some(Value::Str(sep)) if sep.is_empty() => {
            return Err(value_error("empty separator".into()));
        }
        Some(Value::Str(sep)) => s.splitn(max.saturating_add(1), &**sep).collect(),
        Some(other) => {
            return Err(type_error(format!(
                "must be str or None, not {}",
                other.type_name()
            )));
        }
    };
    let items = parts.into_iter().map(strs::small_str).collect();
    Ok(h.list_uncharged(items))
}

/// CPython's `split_whitespace`: after `max` splits the rest (leading
/// whitespace skipped, trailing kept) is the last item.
fn split_whitespace(s: &str, max: usize) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut left = max;
    while left > 0 {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let j = i;
        while i < b.len() && !is_space(b[i]) {
            i += 1;
        }
        out.push(&s[j..i]);
        left -= 1;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if i < b.len() {
        out.push(&s[i..]);
    }
    out
}

/// `s.strip(chars=None)`.
fn strip(s: &str, args: &[Value]) -> Res<Value> {
    let chars: Option<&str> = match args {
        [] | [Value::None] => None,
        [Value::Str(c)] => Some(c),
        [_] => return Err(type_error("strip arg must be None or str".into())),
        _ => {
            return Err(type_error(format!(
                "strip expected at most 1 argument, got {}",
                args.len()
            )));
        }
    };
    let strip_it = |b: u8| chars.map_or(is_space(b), |c| c.as_bytes().contains(&b));
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !strip_it(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !strip_it(c))
        .map_or(start, |e| e + 1);
    Ok(strs::small_str(&s[start..end.max(start)]))
}

/// `s.replace(old, new, count=-1)`: the result's length is known (and
/// capped) before it is built.
fn replace(h: &mut Heap, s: &str, args: &[Value]) -> Res<Value> {
    let (old, new, count) = match args {
        [_] | [] => {
            return Err(type_error(format!(
                "replace expected at least 2 arguments, got {}",
                args.len()
            )));
        }
        [old, new] => (old, new, None),
        [old, new, count] => (old, new, Some(count)),
        _ => {
            return Err(type_error(format!(
                "replace expected at most 3 arguments, got {}",
                args.len()
            )));
        }
    };
    let text = |v: &Value, n: u8| match v {
        Value::Str(t) => Ok(t.clone()),
        other => Err(type_error(format!(
            "replace() argument {n} must be str, not {}",
            other.type_name()
        ))),
    };
    let (old, new) = (text(old, 1)?, text(new, 2)?);
    let count = match count {
        Some(c) => ssize_arg(c)?,
        None => -1,
    };
    let limit = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    let found = if old.is_empty() {
        s.len() + 1
    } else {
        s.matches(&*old).count()
    };
    let n = found.min(limit) as u128;
    check_len(s.len() as u128 + n * new.len() as u128 - n * old.len() as u128)?;
    new_str(h, s.replacen(&*old, &new, limit))
}

/// A `start`/`end` argument: None, or an int clamped into `Py_ssize_t`.
fn slice_index(v: Option<&Value>, default: i64) -> Res<i64> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(v) => v.as_int().map(|i| i.saturating_i64()).ok_or_else(|| {
            type_error("slice indices must be integers or None or have an __index__ method".into())
        }),
    }
}

/// The `(sub, start, end)` arguments of find/index/count/startswith/
/// endswith, with `start`/`end` converted and `ADJUST_INDICES` applied.
fn sub_range<'a>(name: &str, len: usize, args: &'a [Value]) -> Res<(&'a Value, i64, i64)> {
    let Some(sub) = args.first() else {
        return Err(type_error(format!(
            "{name}() takes at least 1 argument (0 given)"
        )));
    };
    if args.len() > 3 {
        return Err(type_error(format!(
            "{name}() takes at most 3 arguments ({} given)",
            args.len()
        )));
    }
    let n = len as i64;
    let mut start = slice_index(args.get(1), 0)?;
    let mut end = slice_index(args.get(2), i64::MAX)?;
    if end > n {
        end = n;
    } else if end < 0 {
        end = (end + n).max(0);
    }
    if start < 0 {
        start = (start + n).max(0);
    }
    Ok((sub, start, end))
}

/// `startswith`/`endswith`: a string or a tuple of strings (checked one
/// at a time: a match ends the search before a later bad item).
fn tailmatch(s: &str, m: &Meth, args: &[Value]) -> Res<Value> {
    let name = m.name();
    let (sub, start, end) = sub_range(name, s.len(), args)?;
    let at_end = matches!(m, Meth::EndsWith);
    let one = |p: &str| {
        let last = end - p.len() as i64;
        if last < start {
            return false;
        }
        let at = if at_end { last } else { start } as usize;
        s.as_bytes().get(at..at + p.len()) == Some(p.as_bytes())
    };
    let found = match sub {
        Value::Str(p) => one(p),
        Value::Tuple(t) => {
            let mut found = false;
            for x in &t.items {
                let Value::Str(p) = x else {
                    return Err(type_error(format!(
                        "tuple for {name} must only contain str, not {}",
                        x.type_name()
                    )));
                };
                if one(p) {
                    found = true;
                    break;
                }
            }
            found
        }
        other => {
            return Err(type_error(format!(
                "{name} first arg must be str or a tuple of str, not {}",
                other.type_name()
            )));
        }
    };
    Ok(Value::Bool(found))
}

/// `find`, `index` and `count` of a substring within `s[start:end]`.
fn find_count(s: &str, m: &Meth, args: &[Value]) -> Res<Value> {
    let (sub, start, end) = sub_range(m.name(), s.len(), args)?;
    let Value::Str(sub) = sub else {
        return Err(type_error(format!("must be str, not {}", sub.type_name())));
    };
    let int = |v: i64| Value::Int(Int::Small(v));
    let room = end - start;
    if let Meth::Count = m {
        if room < sub.len() as i64 {
            return Ok(int(0));
        }
        let hay = &s[start as usize..end as usize];
        let n = if sub.is_empty() {
            hay.len() + 1
        } else {
            hay.matches(&**sub).count()
        };
        return Ok(int(n as i64));
    }
    let pos = if room < sub.len() as i64 {
        None
    } else {
        s[start as usize..end as usize].find(&**sub)
    };
    match (pos, m) {
        (Some(p), _) => Ok(int(start + p as i64)),
        (None, Meth::Index) => Err(not_found()),
        (None, _) => Ok(int(-1)),
    }
}

fn not_found() -> Box<Stop> {
    value_error("substring not found".into())
}
