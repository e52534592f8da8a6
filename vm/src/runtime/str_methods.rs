//! The str methods beyond `str_ops`'s first eleven: classification
//! (`isdigit`, `istitle`...), case (`title`, `capitalize`, `swapcase`,
//! `casefold`), one-sided strips, padding (`ljust`, `rjust`, `center`,
//! `zfill`), `partition`/`rpartition`, `rfind`/`rindex`, `rsplit`,
//! `splitlines` and `removeprefix`/`removesuffix`, on ASCII strings as
//! CPython 3.11's `unicodeobject.c` and `stringlib` have them: arguments
//! converted in its order, with its messages. Padding builds its result
//! under the length cap and costs bulk fuel (as `*` does); the others are
//! charged as `strip` and `split` are (not at all). The reference has its
//! own copy (`oracle/src/reference/str_methods_ext.rs`).

use super::arena::Arena;
use super::seq;
use super::str_ops::{at_least_at_most, bounds, integer_arg, str_arg};
use super::strs;
use super::{Raise, Value, int, type_name};

/// `t.name(*args)` for one of these methods (`str_ops::call_method` hands
/// them over).
pub fn call(arena: &mut Arena, name: &str, t: &str, args: &[Value]) -> Result<Value, Raise> {
    match name {
        "lstrip" | "rstrip" => {
            let out = one_side_strip(name, t, args)?;
            strs::new(arena, out)
        }
        "title" | "capitalize" | "swapcase" | "casefold" => {
            no_args(name, args)?;
            strs::new(arena, &change_case(name, t))
        }
        "ljust" | "rjust" | "center" => pad(arena, name, t, args),
        "zfill" => {
            let [width] = args else {
                return Err(exactly_one(name, args));
            };
            let width = integer_arg(*width)?;
            let n = t.len() as i64;
            if n >= width {
                return strs::new(arena, t);
            }
            seq::check_len(width as usize)?;
            let mut out = "0".repeat((width - n) as usize) + t;
            let fill = (width - n) as usize;
            if matches!(t.as_bytes().first(), Some(b'+' | b'-')) {
                // CPython moves the sign in front of the zeros.
                out.replace_range(0..1, &t[..1]);
                out.replace_range(fill..fill + 1, "0");
            }
            strs::new_charged(arena, &out)
        }
        "partition" | "rpartition" => {
            let [sep] = args else {
                return Err(exactly_one(name, args));
            };
            let sep = str_arg(*sep, |ty| format!("must be str, not {ty}"))?;
            if sep.is_empty() {
                return Err(Raise::exc("ValueError", "empty separator".into()));
            }
            let found = if name == "partition" {
                t.find(&sep)
            } else {
                t.rfind(&sep)
            };
            let parts: [&str; 3] = match found {
                Some(i) => [&t[..i], &sep, &t[i + sep.len()..]],
                None if name == "partition" => [t, "", ""],
                None => ["", "", t],
            };
            seq::rooted(arena, |arena| {
                let mut items = Vec::with_capacity(3);
                for p in parts {
                    let v = strs::new(arena, p)?;
                    arena.roots.temps.push(v);
                    items.push(v);
                }
                seq::new_tuple(arena, &items)
            })
        }
        "rfind" | "rindex" => {
            at_least_at_most(name, args, 1, 3)?;
            // CPython reads start and end before the substring's type.
            let (lo, hi) = bounds(&args[1..], t.len())?;
            let sub = str_arg(args[0], |ty| format!("must be str, not {ty}"))?;
            let window = (lo <= t.len() && lo <= hi).then(|| &t[lo..hi]);
            match window.and_then(|w| w.rfind(&sub)) {
                Some(i) => Ok(Value::small((lo + i) as i64)),
                None if name == "rfind" => Ok(Value::small(-1)),
                None => Err(Raise::exc("ValueError", "substring not found".into())),
            }
        }
        "rsplit" => {
            let parts = rsplit(t, args)?;
            new_str_list(arena, &parts)
        }
        "splitlines" => {
            if args.len() > 1 {
                return Err(Raise::type_error(format!(
                    "splitlines() takes at most 1 argument ({} given)",
                    args.len()
                )));
            }
            let keep = match args.first() {
                Some(&k) => c_int(k)? != 0,
                None => false,
            };
            new_str_list(arena, &split_lines(t, keep))
        }
        "removeprefix" | "removesuffix" => {
            let [x] = args else {
                return Err(exactly_one(name, args));
            };
            let what = if *x == Value::NONE {
                "None"
            } else {
                type_name(*x)
            };
            let affix = str_arg(*x, |_| format!("{name}() argument must be str, not {what}"))?;
            let out = if name == "removeprefix" {
                t.strip_prefix(affix.as_str()).unwrap_or(t)
            } else {
                t.strip_suffix(affix.as_str()).unwrap_or(t)
            };
            strs::new(arena, out)
        }
        _ if name.starts_with("is") => {
            no_args(name, args)?;
            Ok(Value::bool(classify(name, t.as_bytes())))
        }
        other => Err(Raise::Internal(format!("str has no method {other}"))),
    }
}

fn no_args(name: &str, args: &[Value]) -> Result<(), Raise> {
    if args.is_empty() {
        return Ok(());
    }
    Err(Raise::type_error(format!(
        "str.{name}() takes no arguments ({} given)",
        args.len()
    )))
}

fn exactly_one(name: &str, args: &[Value]) -> Raise {
    Raise::type_error(format!(
        "str.{name}() takes exactly one argument ({} given)",
        args.len()
    ))
}

/// A C `int` argument (`splitlines`' `keepends`).
fn c_int(v: Value) -> Result<i64, Raise> {
    let i = integer_arg(v).map_err(|e| match e {
        Raise::Exc { .. } if int::is_int(v) => Raise::exc(
            "OverflowError",
            "Python int too large to convert to C int".into(),
        ),
        other => other,
    })?;
    if i32::try_from(i).is_err() {
        return Err(Raise::exc(
            "OverflowError",
            "Python int too large to convert to C int".into(),
        ));
    }
    Ok(i)
}

fn one_side_strip<'t>(name: &str, t: &'t str, args: &[Value]) -> Result<&'t str, Raise> {
    if args.len() > 1 {
        return Err(Raise::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let chars = match args.first() {
        None | Some(&Value::NONE) => None,
        Some(&c) => Some(str_arg(c, |_| format!("{name} arg must be None or str"))?),
    };
    let strip = |b: u8| {
        chars
            .as_ref()
            .map_or(is_space(b), |c| c.as_bytes().contains(&b))
    };
    let b = t.as_bytes();
    Ok(if name == "lstrip" {
        let start = b.iter().position(|&c| !strip(c)).unwrap_or(b.len());
        &t[start..]
    } else {
        let end = b.iter().rposition(|&c| !strip(c)).map_or(0, |e| e + 1);
        &t[..end]
    })
}

/// Python's whitespace on ASCII (`str.isspace`, `split()`, `strip()`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

/// The `is...` predicates on ASCII text.
fn classify(name: &str, b: &[u8]) -> bool {
    let all = |f: fn(&u8) -> bool| !b.is_empty() && b.iter().all(f);
    match name {
        "isdigit" | "isdecimal" | "isnumeric" => all(u8::is_ascii_digit),
        "isalpha" => all(u8::is_ascii_alphabetic),
        "isalnum" => all(u8::is_ascii_alphanumeric),
        "isspace" => all(|c| is_space(*c)),
        "isupper" => !b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase),
        "islower" => !b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase),
        "istitle" => {
            // Upper case only after uncased characters, lower case only
            // after cased ones, and at least one cased character.
            let (mut cased, mut previous_cased) = (false, false);
            for c in b {
                if c.is_ascii_uppercase() {
                    if previous_cased {
                        return false;
                    }
                    (previous_cased, cased) = (true, true);
                } else if c.is_ascii_lowercase() {
                    if !previous_cased {
                        return false;
                    }
                    (previous_cased, cased) = (true, true);
                } else {
                    previous_cased = false;
                }
            }
            cased
        }
        "isidentifier" => match b.split_first() {
            Some((first, rest)) => {
                (first.is_ascii_alphabetic() || *first == b'_')
                    && rest.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
            }
            None => false,
        },
        "isascii" => true,
        // `isprintable` of the empty string is True.
        _ => b.iter().all(|c| (0x20..0x7f).contains(c)),
    }
}

fn change_case(name: &str, t: &str) -> String {
    match name {
        "title" => {
            let mut previous_cased = false;
            t.chars()
                .map(|c| {
                    let out = if previous_cased {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    };
                    previous_cased = c.is_ascii_alphabetic();
                    out
                })
                .collect()
        }
        "capitalize" => {
            let lower = t.to_ascii_lowercase();
            let mut first = lower.get(..1).unwrap_or("").to_ascii_uppercase();
            first.push_str(lower.get(1..).unwrap_or(""));
            first
        }
        "swapcase" => t
            .chars()
            .map(|c| {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect(),
        _ => t.to_ascii_lowercase(),
    }
}

/// `ljust`, `rjust`, `center`: the width first, then the fill character.
fn pad(arena: &mut Arena, name: &str, t: &str, args: &[Value]) -> Result<Value, Raise> {
    if args.is_empty() || args.len() > 2 {
        let (bound, n) = if args.is_empty() {
            ("least 1 argument", 0)
        } else {
            ("most 2 arguments", args.len())
        };
        return Err(Raise::type_error(format!(
            "{name} expected at {bound}, got {n}"
        )));
    }
    let width = integer_arg(args[0])?;
    let fill = match args.get(1) {
        None => " ".to_string(),
        Some(&f) => {
            let f = str_arg(f, |ty| {
                format!("The fill character must be a unicode character, not {ty}")
            })?;
            if f.len() != 1 {
                return Err(Raise::type_error(
                    "The fill character must be exactly one character long".into(),
                ));
            }
            f
        }
    };
    let n = t.len() as i64;
    if n >= width {
        return strs::new(arena, t);
    }
    seq::check_len(width as usize)?;
    let marg = width - n;
    let left = match name {
        "ljust" => 0,
        "rjust" => marg,
        // CPython's `center`: an odd margin puts the extra character on
        // the left when the width is odd.
        _ => marg / 2 + (marg & width & 1),
    };
    let out = fill.repeat(left as usize) + t + &fill.repeat((marg - left) as usize);
    strs::new_charged(arena, &out)
}

/// `rsplit(sep=None, maxsplit=-1)`: `split` from the right.
fn rsplit(t: &str, args: &[Value]) -> Result<Vec<String>, Raise> {
    if args.len() > 2 {
        return Err(Raise::type_error(format!(
            "rsplit() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    // CPython converts maxsplit before it looks at the separator.
    let max = match args.get(1) {
        Some(&m) => integer_arg(m)?,
        None => -1,
    };
    let max = if max < 0 { usize::MAX } else { max as usize };
    let sep = match args.first() {
        None | Some(&Value::NONE) => None,
        Some(&sep) => Some(str_arg(sep, |ty| format!("must be str or None, not {ty}"))?),
    };
    let mut parts: Vec<String> = match sep {
        None => {
            let b = t.as_bytes();
            let mut out = Vec::new();
            let mut end = b.len();
            loop {
                while end > 0 && is_space(b[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if out.len() == max {
                    out.push(t[..end].to_string());
                    break;
                }
                let mut start = end;
                while start > 0 && !is_space(b[start - 1]) {
                    start -= 1;
                }
                out.push(t[start..end].to_string());
                end = start;
            }
            out
        }
        Some(sep) if sep.is_empty() => {
            return Err(Raise::exc("ValueError", "empty separator".into()));
        }
        Some(sep) => t
            .rsplitn(max.saturating_add(1), sep.as_str())
            .map(str::to_string)
            .collect(),
    };
    parts.reverse();
    Ok(parts)
}

/// CPython's line boundaries on ASCII: `\n`, `\r`, `\r\n`, `\v`, `\f` and
/// `\x1c`-`\x1e`.
fn split_lines(t: &str, keep: bool) -> Vec<String> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let brk = match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
            b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1e => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let end = if keep { i + brk } else { i };
        out.push(t[start..end].to_string());
        i += brk;
        start = i;
    }
    if start < b.len() {
        out.push(t[start..].to_string());
    }
    out
}

fn new_str_list(arena: &mut Arena, parts: &[String]) -> Result<Value, Raise> {
    seq::rooted(arena, |arena| {
        let mut values = Vec::with_capacity(parts.len());
        for p in parts {
            let v = strs::new(arena, p)?;
            arena.roots.temps.push(v);
            values.push(v);
        }
        seq::new_list(arena, &values)
    })
}
