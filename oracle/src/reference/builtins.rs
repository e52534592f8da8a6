//! The builtins `print` and `range`, and CPython's argument-count messages
//! for user functions. Message texts were checked against CPython 3.11.

use std::fmt::Write;
use std::rc::Rc;

use super::eval::{Res, type_error, value_error};
use super::value::{Int, RangeObj, Value};

/// `print(*args)`: `str` of each argument, space separated, then a newline.
pub fn print(out: &mut String, args: &[Value]) {
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{a}");
    }
    out.push('\n');
}

/// `range(stop)`, `range(start, stop)`, `range(start, stop, step)`. CPython
/// converts start, stop, step in that order and only then checks step != 0.
pub fn range(args: &[Value]) -> Res<Value> {
    let (start, stop, step) = match args {
        [] => {
            return Err(type_error(
                "range expected at least 1 argument, got 0".into(),
            ));
        }
        [stop] => (Int::Small(0), index(stop)?, Int::Small(1)),
        [start, stop] => (index(start)?, index(stop)?, Int::Small(1)),
        [start, stop, step] => {
            let (start, stop, step) = (index(start)?, index(stop)?, index(step)?);
            if step.is_zero() {
                return Err(value_error("range() arg 3 must not be zero".into()));
            }
            (start, stop, step)
        }
        more => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {}",
                more.len()
            )));
        }
    };
    Ok(Value::Range(Rc::new(RangeObj { start, stop, step })))
}

/// `operator.index`: ints and bools (as 0/1); anything else is a TypeError.
fn index(v: &Value) -> Res<Int> {
    v.as_int().ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

/// The TypeError message CPython gives for calling `name(params)` with
/// `given` positional arguments (`given != params.len()`).
pub fn arity_message(name: &str, params: &[String], given: usize) -> String {
    let n = params.len();
    if given > n {
        let s = if n == 1 { "" } else { "s" };
        let verb = if given == 1 { "was" } else { "were" };
        return format!("{name}() takes {n} positional argument{s} but {given} {verb} given");
    }
    let missing: Vec<String> = params[given..].iter().map(|p| format!("'{p}'")).collect();
    let list = match missing.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    let s = if missing.len() == 1 { "" } else { "s" };
    format!(
        "{name}() missing {} required positional argument{s}: {list}",
        missing.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arity_messages_match_cpython() {
        let cases: [(&[&str], usize, &str); 8] = [
            (&[], 1, "f() takes 0 positional arguments but 1 was given"),
            (&[], 2, "f() takes 0 positional arguments but 2 were given"),
            (
                &["a"],
                2,
                "f() takes 1 positional argument but 2 were given",
            ),
            (&["a"], 0, "f() missing 1 required positional argument: 'a'"),
            (
                &["a", "b"],
                0,
                "f() missing 2 required positional arguments: 'a' and 'b'",
            ),
            (
                &["a", "b"],
                1,
                "f() missing 1 required positional argument: 'b'",
            ),
            (
                &["a", "b", "c"],
                0,
                "f() missing 3 required positional arguments: 'a', 'b', and 'c'",
            ),
            (
                &["a", "b", "c", "d"],
                0,
                "f() missing 4 required positional arguments: 'a', 'b', 'c', and 'd'",
            ),
        ];
        for (ps, given, want) in cases {
            assert_eq!(arity_message("f", &params(ps), given), want);
        }
    }

    #[test]
    fn print_joins_with_spaces() {
        let mut out = String::new();
        print(
            &mut out,
            &[Value::Int(Int::Small(-3)), Value::Bool(true), Value::None],
        );
        print(&mut out, &[]);
        assert_eq!(out, "-3 True None\n\n");
    }
}
