//! The rest of the string methods the language has, from CPython 3.11's
//! `unicodeobject.c` (its Argument Clinic signatures fix the order in
//! which arguments are converted) and `stringlib`: the `is...`
//! predicates, `title`/`capitalize`/`swapcase`/`casefold`,
//! `lstrip`/`rstrip`, `ljust`/`rjust`/`center`/`zfill`,
//! `partition`/`rpartition`, `rfind`/`rindex`, `rsplit`, `splitlines`
//! and `removeprefix`/`removesuffix`. Strings are ASCII. Only padding can
//! make a long string from a short one: it is capped and bulk-charged as a
//! new string; the rest cost nothing extra, as `strip` and `split`.

use std::rc::Rc;

use super::eval::{Res, exception, type_error, value_error};
use super::seq::{Heap, check_len};
use super::str_methods::ssize_arg;
use super::strs::{is_space, new_str, small_str};
use super::value::{Int, Value};

const NAMES: [&str; 30] = [
    "lstrip",
    "rstrip",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "istitle",
    "isdecimal",
    "isnumeric",
    "isidentifier",
    "isascii",
    "isprintable",
    "title",
    "capitalize",
    "swapcase",
    "casefold",
    "ljust",
    "rjust",
    "center",
    "zfill",
    "partition",
    "rpartition",
    "rfind",
    "rindex",
    "rsplit",
    "splitlines",
    "removeprefix",
    "removesuffix",
];

/// Whether `name` is one of these methods.
pub fn has(name: &str) -> bool {
    NAMES.contains(&name)
}

pub fn call(h: &mut Heap, s: &Rc<str>, name: &str, args: &[Value]) -> Res<Value> {
    let b = s.as_bytes();
    match name {
        "lstrip" | "rstrip" => side_strip(s, name, args),
        "ljust" | "rjust" | "center" => justify(h, s, name, args),
        "zfill" => zfill(h, s, one(name, args)?),
        "partition" | "rpartition" => partition(h, s, name, one(name, args)?),
        "rfind" | "rindex" => rfind(s, name, args),
        "rsplit" => rsplit(h, s, args),
        "splitlines" => splitlines(h, s, args),
        "removeprefix" | "removesuffix" => {
            let affix = match one(name, args)? {
                Value::Str(a) => a.clone(),
                Value::None => {
                    return Err(type_error(format!(
                        "{name}() argument must be str, not None"
                    )));
                }
                other => {
                    return Err(type_error(format!(
                        "{name}() argument must be str, not {}",
                        other.type_name()
                    )));
                }
            };
            let kept = if name == "removeprefix" {
                s.strip_prefix(&*affix)
            } else {
                s.strip_suffix(&*affix)
            };
            Ok(small_str(kept.unwrap_or(s)))
        }
        _ => {
            if !args.is_empty() {
                return Err(type_error(format!(
                    "str.{name}() takes no arguments ({} given)",
                    args.len()
                )));
            }
            Ok(match name {
                "title" => small_str(&title(b)),
                "capitalize" => {
                    let mut out = s.to_ascii_lowercase();
                    if let Some(first) = out.get_mut(..1) {
                        first.make_ascii_uppercase();
                    }
                    small_str(&out)
                }
                "swapcase" => {
                    let out: String = b
                        .iter()
                        .map(|&c| {
                            if c.is_ascii_lowercase() {
                                c.to_ascii_uppercase() as char
                            } else {
                                c.to_ascii_lowercase() as char
                            }
                        })
                        .collect();
                    small_str(&out)
                }
                "casefold" => small_str(&s.to_ascii_lowercase()),
                predicate => Value::Bool(test(predicate, b)),
            })
        }
    }
}

/// The one argument of a `METH_O` method.
fn one<'a>(name: &str, args: &'a [Value]) -> Res<&'a Value> {
    match args {
        [x] => Ok(x),
        _ => Err(type_error(format!(
            "str.{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn test(name: &str, b: &[u8]) -> bool {
    let nonempty_all = |f: &dyn Fn(u8) -> bool| !b.is_empty() && b.iter().all(|&c| f(c));
    match name {
        "isdigit" | "isdecimal" | "isnumeric" => nonempty_all(&|c| c.is_ascii_digit()),
        "isalpha" => nonempty_all(&|c| c.is_ascii_alphabetic()),
        "isalnum" => nonempty_all(&|c| c.is_ascii_alphanumeric()),
        "isspace" => nonempty_all(&is_space),
        "isupper" => {
            b.iter().any(|c| c.is_ascii_uppercase()) && !b.iter().any(|c| c.is_ascii_lowercase())
        }
        "islower" => {
            b.iter().any(|c| c.is_ascii_lowercase()) && !b.iter().any(|c| c.is_ascii_uppercase())
        }
        "istitle" => {
            // Every cased run starts with its one upper-case letter.
            let mut seen_cased = false;
            let mut in_word = false;
            for &c in b {
                match (c.is_ascii_uppercase(), c.is_ascii_lowercase(), in_word) {
                    (true, _, true) | (_, true, false) => return false,
                    (true, _, false) | (_, true, true) => {
                        in_word = true;
                        seen_cased = true;
                    }
                    _ => in_word = false,
                }
            }
            seen_cased
        }
        "isidentifier" => {
            !b.is_empty()
                && !b[0].is_ascii_digit()
                && b.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
        }
        "isascii" => true,
        "isprintable" => b.iter().all(|&c| c == b' ' || c.is_ascii_graphic()),
        other => unreachable!("not a str predicate: {other}"),
    }
}

/// Upper case after an uncased character, lower case after a cased one.
fn title(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut after_cased = false;
    for &c in b {
        out.push(if after_cased {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        } as char);
        after_cased = c.is_ascii_alphabetic();
    }
    out
}

fn side_strip(s: &str, name: &str, args: &[Value]) -> Res<Value> {
    let set: Option<&[u8]> = match args {
        [] | [Value::None] => None,
        [Value::Str(c)] => Some(c.as_bytes()),
        [_] => return Err(type_error(format!("{name} arg must be None or str"))),
        _ => {
            return Err(type_error(format!(
                "{name} expected at most 1 argument, got {}",
                args.len()
            )));
        }
    };
    let gone = |c: &u8| set.map_or(is_space(*c), |set| set.contains(c));
    let b = s.as_bytes();
    let kept = if name == "lstrip" {
        let n = b.iter().take_while(|c| gone(c)).count();
        &s[n..]
    } else {
        let n = b.iter().rev().take_while(|c| gone(c)).count();
        &s[..b.len() - n]
    };
    Ok(small_str(kept))
}

/// `ljust`/`rjust`/`center(width, fillchar=' ')`.
fn justify(h: &mut Heap, s: &str, name: &str, args: &[Value]) -> Res<Value> {
    let (width, fill) = match args {
        [w] => (ssize_arg(w)?, b' '),
        [w, f] => {
            let width = ssize_arg(w)?;
            match f {
                Value::Str(f) if f.len() == 1 => (width, f.as_bytes()[0]),
                Value::Str(_) => {
                    return Err(type_error(
                        "The fill character must be exactly one character long".into(),
                    ));
                }
                other => {
                    return Err(type_error(format!(
                        "The fill character must be a unicode character, not {}",
                        other.type_name()
                    )));
                }
            }
        }
        [] => {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        _ => {
            return Err(type_error(format!(
                "{name} expected at most 2 arguments, got {}",
                args.len()
            )));
        }
    };
    let len = s.len() as i64;
    if width <= len {
        return Ok(small_str(s));
    }
    check_len(width as u128)?;
    let extra = width - len;
    let (left, right) = match name {
        "ljust" => (0, extra),
        "rjust" => (extra, 0),
        _ => {
            let left = extra / 2 + (extra & width & 1);
            (left, extra - left)
        }
    };
    let fill = fill as char;
    let mut out = String::with_capacity(width as usize);
    out.extend(std::iter::repeat_n(fill, left as usize));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right as usize));
    new_str(h, out)
}

fn zfill(h: &mut Heap, s: &str, width: &Value) -> Res<Value> {
    let width = ssize_arg(width)?;
    let len = s.len() as i64;
    if width <= len {
        return Ok(small_str(s));
    }
    check_len(width as u128)?;
    let zeros = "0".repeat((width - len) as usize);
    let out = match s.as_bytes().first() {
        Some(&sign @ (b'+' | b'-')) => format!("{}{zeros}{}", sign as char, &s[1..]),
        _ => format!("{zeros}{s}"),
    };
    new_str(h, out)
}

fn partition(h: &mut Heap, s: &str, name: &str, sep: &Value) -> Res<Value> {
    let Value::Str(sep) = sep else {
        return Err(type_error(format!("must be str, not {}", sep.type_name())));
    };
    if sep.is_empty() {
        return Err(value_error("empty separator".into()));
    }
    let at = if name == "partition" {
        s.find(&**sep)
    } else {
        s.rfind(&**sep)
    };
    let items = match at {
        Some(i) => vec![
            small_str(&s[..i]),
            Value::Str(sep.clone()),
            small_str(&s[i + sep.len()..]),
        ],
        None if name == "partition" => vec![small_str(s), small_str(""), small_str("")],
        None => vec![small_str(""), small_str(""), small_str(s)],
    };
    Ok(h.tuple(items))
}

/// `rfind`/`rindex(sub, start=None, end=None)`: the bounds are converted
/// first, then the substring's type checked.
fn rfind(s: &str, name: &str, args: &[Value]) -> Res<Value> {
    if args.is_empty() || args.len() > 3 {
        let (bound, plural) = if args.is_empty() {
            ("least", "")
        } else {
            ("most", "s")
        };
        let n = if args.is_empty() { 1 } else { 3 };
        return Err(type_error(format!(
            "{name}() takes at {bound} {n} argument{plural} ({} given)",
            args.len()
        )));
    }
    let bound = |v: Option<&Value>, default: i64| -> Res<i64> {
        match v {
            None | Some(Value::None) => Ok(default),
            Some(v) => v.as_int().map(|i| i.saturating_i64()).ok_or_else(|| {
                type_error(
                    "slice indices must be integers or None or have an __index__ method".into(),
                )
            }),
        }
    };
    // CPython's ADJUST_INDICES: only `end` is clamped to the length.
    let len = s.len() as i64;
    let from_end = |i: i64| if i < 0 { (i + len).max(0) } else { i };
    let start = from_end(bound(args.get(1), 0)?);
    let end = from_end(bound(args.get(2), len)?).min(len);
    let Value::Str(sub) = &args[0] else {
        return Err(type_error(format!(
            "must be str, not {}",
            args[0].type_name()
        )));
    };
    let found = if end - start < sub.len() as i64 {
        None
    } else {
        s[start as usize..end as usize]
            .rfind(&**sub)
            .map(|i| start + i as i64)
    };
    match found {
        Some(i) => Ok(Value::Int(Int::Small(i))),
        None if name == "rfind" => Ok(Value::Int(Int::Small(-1))),
        None => Err(value_error("substring not found".into())),
    }
}

/// `rsplit(sep=None, maxsplit=-1)`: maxsplit is converted before the
/// separator's type is checked.
fn rsplit(h: &mut Heap, s: &str, args: &[Value]) -> Res<Value> {
    if args.len() > 2 {
        return Err(type_error(format!(
            "rsplit() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    let max = match args.get(1) {
        Some(v) => ssize_arg(v)?,
        None => -1,
    };
    let mut left = if max < 0 { usize::MAX } else { max as usize };
    let mut parts: Vec<Value> = Vec::new();
    match args.first() {
        None | Some(Value::None) => {
            // CPython's `rsplit_whitespace`: after `max` splits the rest
            // (trailing whitespace skipped, leading kept) is the first item.
            let b = s.as_bytes();
            let mut i = b.len();
            loop {
                while i > 0 && is_space(b[i - 1]) {
                    i -= 1;
                }
                if i == 0 {
                    break;
                }
                if left == 0 {
                    parts.push(small_str(&s[..i]));
                    break;
                }
                let end = i;
                while i > 0 && !is_space(b[i - 1]) {
                    i -= 1;
                }
                parts.push(small_str(&s[i..end]));
                left -= 1;
            }
        }
        Some(Value::Str(sep)) if sep.is_empty() => {
            return Err(value_error("empty separator".into()));
        }
        Some(Value::Str(sep)) => {
            let mut rest = s;
            while left > 0 {
                let Some(i) = rest.rfind(&**sep) else { break };
                parts.push(small_str(&rest[i + sep.len()..]));
                rest = &rest[..i];
                left -= 1;
            }
            parts.push(small_str(rest));
        }
        Some(other) => {
            return Err(type_error(format!(
                "must be str or None, not {}",
                other.type_name()
            )));
        }
    }
    parts.reverse();
    Ok(h.list_uncharged(parts))
}

/// `splitlines(keepends=False)`: `keepends` is a C int.
fn splitlines(h: &mut Heap, s: &str, args: &[Value]) -> Res<Value> {
    let keep = match args {
        [] => false,
        [k] => match k.as_int() {
            Some(Int::Small(i)) if i32::try_from(i).is_ok() => i != 0,
            Some(_) => {
                return Err(exception(
                    "OverflowError",
                    "Python int too large to convert to C int".into(),
                ));
            }
            None => {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    k.type_name()
                )));
            }
        },
        _ => {
            return Err(type_error(format!(
                "splitlines() takes at most 1 argument ({} given)",
                args.len()
            )));
        }
    };
    let b = s.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let eol = match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => i + 2,
            b'\n' | b'\r' | 0x0b | 0x0c | 0x1c | 0x1d | 0x1e => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        lines.push(small_str(&s[start..if keep { eol } else { i }]));
        start = eol;
        i = eol;
    }
    if start < b.len() {
        lines.push(small_str(&s[start..]));
    }
    Ok(h.list_uncharged(lines))
}
