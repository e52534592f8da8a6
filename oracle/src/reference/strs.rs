//! String semantics (CPython 3.11's `unicodeobject.c` restricted to ASCII):
//! repr and str, `+` `*` `%` (the last in [`super::format`]), subscripts and
//! slices, substring membership, the builtins `str`, `repr`, `ord` and
//! `chr`, `print` with `sep`/`end`, and the TypeErrors of keyword calls.
//! String methods are in [`super::str_methods`].
//!
//! Limits: every string the program builds goes through [`new_str`], which
//! poisons past `MAX_SEQUENCE_LEN` characters and charges bulk fuel; callers
//! check the length *before* building, so a hopeless result costs nothing.

use std::rc::Rc;

use jitdiff_vm::lang::ast::BinOp;
use jitdiff_vm::lang::limits::MAX_SEQUENCE_LEN;
use jitdiff_vm::lang::outcome::Poison;

use super::compare;
use super::eval::{Res, Stop, exception, poison, type_error, unsupported, value_error};
use super::seq::{self, Heap, SliceArgs, check_len};
use super::value::{Builtin, Int, Value};

/// A new string value of `s`, under the length cap and charged as bulk
/// work (literals and single characters never come here).
pub fn new_str(h: &mut Heap, s: String) -> Res<Value> {
    check_len(s.len() as u128)?;
    h.bulk(s.len());
    Ok(Value::Str(Rc::from(s)))
}

/// A string value for text known to be short (a character, a number's
/// digits): no cap or charge applies.
pub fn small_str(s: &str) -> Value {
    Value::Str(Rc::from(s))
}

/// CPython's whitespace among ASCII characters (`str.isspace`): also the
/// four separators 0x1c..0x1f. (`int()` and `float()` use the narrower C
/// set, see [`super::numparse`].)
pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f | b' ')
}

/// `repr(s)`: single quotes unless the text has a `'` and no `"`;
/// backslash, the quote, `\t` `\n` `\r` escaped, other control characters
/// (and DEL) as `\xhh`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `str(v)` for output (`print`): a string is itself, anything else its
/// repr. Not capped (printing builds no string value).
pub fn str_of(v: &Value) -> Res<String> {
    // A user `__str__` only the evaluator can call (`'%s' % x` cannot).
    if super::eval::dunders::has_dunder(v, &["__str__"]) {
        return Err(super::eval::poison(
            jitdiff_vm::lang::outcome::Poison::Unmodelled,
        ));
    }
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Exc(e) => super::exceptions::str_of(e, &str_of, &compare::repr),
        Value::Instance(_) => super::exceptions::str_any(v).unwrap_or_else(|| compare::repr(v)),
        other => compare::repr(other),
    }
}

/// `str(v)` (`as_str`) or `repr(v)` as a new string value: a container's
/// text is capped and bulk-charged like any built string.
pub fn to_str_value(h: &mut Heap, v: &Value, as_str: bool) -> Res<Value> {
    match v {
        Value::Str(_) if as_str => Ok(v.clone()),
        Value::Exc(_) if as_str => new_str(h, str_of(v)?),
        Value::Instance(_) if as_str && super::exceptions::parts(v).is_some() => {
            new_str(h, str_of(v)?)
        }
        Value::Str(s) => {
            let r = repr_str(s);
            check_len(r.len() as u128)?;
            Ok(Value::Str(Rc::from(r)))
        }
        Value::List(_) | Value::Tuple(_) => {
            let r = compare::repr_capped(v, MAX_SEQUENCE_LEN)?;
            new_str(h, r)
        }
        other => Ok(Value::Str(Rc::from(compare::repr(other)?))),
    }
}

/// `a op b` where at least one operand is a string. The left operand
/// decides, as CPython's `sq_concat`/`sq_repeat` slots do.
pub fn binop(h: &mut Heap, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Res<Value> {
    match (op, a) {
        (BinOp::Add, Value::Str(x)) => match b {
            Value::Str(y) => {
                check_len(x.len() as u128 + y.len() as u128)?;
                new_str(h, format!("{x}{y}"))
            }
            other => Err(type_error(format!(
                "can only concatenate str (not \"{}\") to str",
                other.type_name()
            ))),
        },
        (BinOp::Mul, Value::Str(x)) => repeat(h, x, b),
        (BinOp::Mod, Value::Str(x)) => super::format::format(h, x, b),
        // `[1] + 's'`, `(1,) * 's'`: the sequence's own rules.
        (BinOp::Add | BinOp::Mul, Value::List(_) | Value::Tuple(_)) => {
            seq::binop(h, op, a, b, inplace)
        }
        (BinOp::Mul, _) => match b {
            Value::Str(y) => repeat(h, y, a),
            _ => Err(unsupported(op, a, b, inplace)),
        },
        _ => Err(unsupported(op, a, b, inplace)),
    }
}

/// `s * n` (also `n * s`): `n` an int or bool fitting `Py_ssize_t`.
fn repeat(h: &mut Heap, s: &str, n: &Value) -> Res<Value> {
    let n = match n.as_int() {
        Some(Int::Small(v)) => v.max(0) as u128,
        Some(Int::Big(_)) => {
            return Err(exception(
                "OverflowError",
                "cannot fit 'int' into an index-sized integer".into(),
            ));
        }
        None => {
            return Err(type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                n.type_name()
            )));
        }
    };
    check_len(s.len() as u128 * n)?;
    new_str(h, s.repeat(n as usize))
}

/// `s[i]`: a one-character string.
pub fn item(s: &str, idx: &Value) -> Res<Value> {
    let i = idx.as_int().ok_or_else(|| {
        type_error(format!(
            "string indices must be integers, not '{}'",
            idx.type_name()
        ))
    })?;
    let i = match i {
        Int::Small(v) => v,
        Int::Big(_) => {
            return Err(exception(
                "IndexError",
                "cannot fit 'int' into an index-sized integer".into(),
            ));
        }
    };
    let n = s.len() as i128;
    let p = if i < 0 {
        i128::from(i) + n
    } else {
        i128::from(i)
    };
    if !(0..n).contains(&p) {
        return Err(exception("IndexError", "string index out of range".into()));
    }
    Ok(char_value(s.as_bytes()[p as usize]))
}

/// The one-character string of an ASCII byte.
pub fn char_value(b: u8) -> Value {
    Value::Str(Rc::from(char::from(b).to_string()))
}

/// `s[a:b:c]`, with the list slice rules; bulk-charged by its length.
pub fn slice(h: &mut Heap, s: &str, args: &SliceArgs) -> Res<Value> {
    let sp = seq::span(args, s.len())?;
    let bytes = s.as_bytes();
    let out: String = sp.positions().map(|p| char::from(bytes[p])).collect();
    new_str(h, out)
}

/// `x in s`: a substring test.
pub fn contains(s: &str, x: &Value) -> Res<bool> {
    match x {
        Value::Str(sub) => Ok(s.contains(&**sub)),
        other => Err(type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            other.type_name()
        ))),
    }
}

/// The characters of a string, each a one-character string.
pub fn chars(s: &str) -> Vec<Value> {
    s.bytes().map(char_value).collect()
}

/// `str()`, `str(x)`, `str(x, encoding[, errors])` (the last always fails:
/// there are no bytes).
pub fn str_builtin(h: &mut Heap, args: &[Value]) -> Res<Value> {
    match args {
        [] => Ok(small_str("")),
        [x] => to_str_value(h, x, true),
        [x, rest @ ..] if rest.len() <= 2 => {
            for (v, name) in rest.iter().zip(["encoding", "errors"]) {
                if !matches!(v, Value::Str(_)) {
                    return Err(type_error(format!(
                        "str() argument '{name}' must be str, not {}",
                        v.type_name()
                    )));
                }
            }
            Err(type_error(match x {
                Value::Str(_) => "decoding str is not supported".into(),
                other => format!(
                    "decoding to str: need a bytes-like object, {} found",
                    other.type_name()
                ),
            }))
        }
        _ => Err(type_error(format!(
            "str() takes at most 3 arguments ({} given)",
            args.len()
        ))),
    }
}

fn exactly_one<'a>(name: &str, args: &'a [Value]) -> Res<&'a Value> {
    match args {
        [x] => Ok(x),
        _ => Err(type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// `repr(x)`.
pub fn repr_builtin(h: &mut Heap, args: &[Value]) -> Res<Value> {
    to_str_value(h, exactly_one("repr", args)?, false)
}

/// `ord(c)`.
pub fn ord(args: &[Value]) -> Res<Value> {
    match exactly_one("ord", args)? {
        Value::Str(s) if s.len() == 1 => Ok(Value::Int(Int::Small(i64::from(s.as_bytes()[0])))),
        Value::Str(s) => Err(type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.len()
        ))),
        other => Err(type_error(format!(
            "ord() expected string of length 1, but {} found",
            other.type_name()
        ))),
    }
}

/// `chr(i)`: the argument is a C `int`; the range is checked before the
/// ASCII rule, so only a real non-ASCII character poisons.
pub fn chr(args: &[Value]) -> Res<Value> {
    let x = exactly_one("chr", args)?;
    let i = x.as_int().ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            x.type_name()
        ))
    })?;
    let i = match i {
        Int::Small(v) if i32::try_from(v).is_ok() => v,
        _ => {
            return Err(exception(
                "OverflowError",
                "Python int too large to convert to C int".into(),
            ));
        }
    };
    if !(0..0x110000).contains(&i) {
        return Err(value_error("chr() arg not in range(0x110000)".into()));
    }
    if i > 127 {
        return Err(poison(Poison::NonAscii));
    }
    Ok(char_value(i as u8))
}

/// `print(*args, sep=sep, end=end)`; `None` (or absent) means the default.
/// Types are checked before anything is written; a container nested too
/// deep poisons before anything is written too.
pub fn print(
    out: &mut String,
    args: &[Value],
    sep: Option<&Value>,
    end: Option<&Value>,
) -> Res<()> {
    let text = |v: Option<&Value>, name: &str, default: &'static str| -> Res<Rc<str>> {
        match v {
            None | Some(Value::None) => Ok(Rc::from(default)),
            Some(Value::Str(s)) => Ok(s.clone()),
            Some(other) => Err(type_error(format!(
                "{name} must be None or a string, not {}",
                other.type_name()
            ))),
        }
    };
    let sep = text(sep, "sep", " ")?;
    let end = text(end, "end", "\n")?;
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push_str(&sep);
        }
        line.push_str(&str_of(a)?);
    }
    line.push_str(&end);
    out.push_str(&line);
    Ok(())
}

/// A call of builtin `b` (not `print`) with `npos` positional arguments
/// and keyword arguments `kws`: the TypeError CPython's argument parsing
/// raises for it (no builtin of the language takes `sep` or `end`).
pub fn builtin_keywords_error(b: Builtin, npos: usize, kws: &[&str]) -> Box<Stop> {
    let name = b.name();
    let total = npos + kws.len();
    let first = kws.first().copied().unwrap_or("?");
    let invalid = || {
        type_error(format!(
            "'{first}' is an invalid keyword argument for {name}()"
        ))
    };
    // Argument Clinic's order: too many in all, a missing required
    // argument, then the unknown keyword.
    let at_most = |n: usize| {
        type_error(format!(
            "{name}() takes at most {n} arguments ({total} given)"
        ))
    };
    match b {
        Builtin::Int | Builtin::Sum | Builtin::Round if total > 2 => at_most(2),
        Builtin::Str if total > 3 => at_most(3),
        Builtin::Round if npos == 0 => {
            type_error("round() missing required argument 'number' (pos 1)".into())
        }
        Builtin::Sum if npos == 0 => {
            type_error("sum() takes at least 1 positional argument (0 given)".into())
        }
        Builtin::Min | Builtin::Max if npos == 0 => {
            type_error(format!("{name} expected at least 1 argument, got 0"))
        }
        Builtin::Int
        | Builtin::Round
        | Builtin::Sum
        | Builtin::Min
        | Builtin::Max
        | Builtin::Str
        | Builtin::Print => invalid(),
        _ => type_error(format!("{name}() takes no keyword arguments")),
    }
}
