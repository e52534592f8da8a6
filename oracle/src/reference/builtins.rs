//! The builtins `range`, `float`, `int`, `abs` and `round` (`print` and the
//! string builtins are in [`super::strs`]), and CPython's argument-count
//! messages for user functions. Message texts were checked against CPython
//! 3.11.

use std::rc::Rc;

use super::eval::{Res, checked, type_error, value_error};
use super::float::{self, Num};
use super::numparse;
use super::value::{Int, RangeObj, Value};

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

/// `float()` is 0.0; `float(x)` converts a number (an int correctly
/// rounded, or an OverflowError) or parses a string.
pub fn float(args: &[Value]) -> Res<Value> {
    let x = match args {
        [] => return Ok(Value::Float(0.0)),
        [x] => x,
        more => {
            return Err(type_error(format!(
                "float expected at most 1 argument, got {}",
                more.len()
            )));
        }
    };
    if let Value::Str(s) = x {
        return numparse::parse_float(s).map(Value::Float);
    }
    match x.as_num() {
        Some(n) => n.to_f64().map(Value::Float),
        None => Err(type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            x.type_name()
        ))),
    }
}

/// `int()` is 0; `int(x)` truncates a number towards zero or parses a
/// string; `int(s, base)` parses in that base (a non-string with a base
/// fails, once the base is validated).
pub fn int(args: &[Value], int_bits: u64) -> Res<Value> {
    let x = match args {
        [] => return Ok(Value::Int(Int::Small(0))),
        [x] => x,
        [x, base] => {
            // CPython clips the base into a C ssize_t before range-checking.
            let base = index(base)?.saturating_i64();
            if base != 0 && !(2..=36).contains(&base) {
                return Err(value_error(
                    "int() base must be >= 2 and <= 36, or 0".into(),
                ));
            }
            if let Value::Str(s) = x {
                return checked(numparse::parse_int(s, base as u32, int_bits)?, int_bits);
            }
            return Err(type_error(
                "int() can't convert non-string with explicit base".into(),
            ));
        }
        more => {
            return Err(type_error(format!(
                "int() takes at most 2 arguments ({} given)",
                more.len()
            )));
        }
    };
    if let Value::Str(s) = x {
        return checked(numparse::parse_int(s, 10, int_bits)?, int_bits);
    }
    let i = match x.as_num() {
        Some(Num::Int(i)) => i,
        Some(Num::Float(f)) => float::to_int(f)?,
        None => {
            return Err(type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                x.type_name()
            )));
        }
    };
    checked(i, int_bits)
}

/// `abs(x)`: an int for ints and bools, a float for floats.
pub fn abs(args: &[Value], int_bits: u64) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "abs() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    match x.as_num() {
        Some(Num::Int(i)) => checked(i.abs(), int_bits),
        Some(Num::Float(f)) => Ok(Value::Float(f.abs())),
        None => Err(type_error(format!(
            "bad operand type for abs(): '{}'",
            x.type_name()
        ))),
    }
}

/// `round(x)` (an int, ties to even) and `round(x, ndigits)` (same type as
/// `x`). `ndigits=None` is the one-argument form. The type of `x` is checked
/// before `ndigits`, which must then be an index.
pub fn round(args: &[Value], int_bits: u64) -> Res<Value> {
    let (x, ndigits) = match args {
        [] => {
            return Err(type_error(
                "round() missing required argument 'number' (pos 1)".into(),
            ));
        }
        [x] => (x, None),
        [x, n] => (x, Some(n).filter(|n| !matches!(n, Value::None))),
        more => {
            return Err(type_error(format!(
                "round() takes at most 2 arguments ({} given)",
                more.len()
            )));
        }
    };
    let Some(x_num) = x.as_num() else {
        return Err(type_error(format!(
            "type {} doesn't define __round__ method",
            x.type_name()
        )));
    };
    // CPython clips ndigits into a C ssize_t (i64 here) for floats; for
    // ints only its sign and size matter, which clipping keeps.
    let ndigits = ndigits.map(index).transpose()?;
    match (x_num, ndigits) {
        (Num::Int(i), None) => checked(i, int_bits),
        (Num::Int(i), Some(n)) if !n.is_negative() => checked(i, int_bits),
        (Num::Int(i), Some(n)) => {
            let k = n.neg().saturating_i64().unsigned_abs();
            checked(i.round_to_pow10(k), int_bits)
        }
        (Num::Float(f), None) => checked(float::round_to_int(f)?, int_bits),
        (Num::Float(f), Some(n)) => float::round_digits(f, n.saturating_i64()).map(Value::Float),
    }
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

/// The arguments of `name(params)` called with positional `given` and
/// keywords `kws`, in parameter order. CPython binds the positional ones,
/// then each keyword (an unknown name, or one already bound, is a
/// TypeError), then the defaults of the last parameters, then reports too
/// many or missing arguments.
pub fn bind_keywords(
    name: &str,
    params: &[String],
    defaults: &[Value],
    given: Vec<Value>,
    kws: Vec<(Rc<str>, Value)>,
) -> Res<Vec<Value>> {
    let sig = Signature {
        name,
        params,
        kwonly: &[],
        vararg: false,
        varkw: false,
    };
    bind_star(&sig, defaults, given, kws).map(|b| b.params)
}

/// What a call binds arguments to: a function's positional parameters,
/// its keyword-only ones (each with whether it has a default), and
/// whether it has `*args` and `**kwargs`.
pub struct Signature<'a> {
    pub name: &'a str,
    pub params: &'a [String],
    pub kwonly: &'a [(String, bool)],
    pub vararg: bool,
    pub varkw: bool,
}

/// A call's arguments bound to a function's parameters: the positional
/// ones then the keyword-only ones, then the extra positional arguments
/// (its `*args`) and the extra keywords in call order (its `**kwargs`).
pub struct Bound {
    pub params: Vec<Value>,
    pub extra_args: Vec<Value>,
    pub extra_kws: Vec<(Rc<str>, Value)>,
}

/// [`bind_keywords`] for any signature. `defaults` are the positional
/// parameters' last ones, then the keyword-only parameters' that have
/// one. CPython's order of errors (`initialize_locals`): an unknown or
/// already bound keyword, then too many positional arguments, then
/// missing positional ones, then missing keyword-only ones.
pub fn bind_star(
    sig: &Signature,
    defaults: &[Value],
    mut given: Vec<Value>,
    kws: Vec<(Rc<str>, Value)>,
) -> Res<Bound> {
    let (name, params) = (sig.name, sig.params);
    let n_given = given.len();
    let extra_args = if sig.vararg && n_given > params.len() {
        given.split_off(params.len())
    } else {
        Vec::new()
    };
    let n_kw_defaults = sig.kwonly.iter().filter(|(_, d)| *d).count();
    let (pos_defaults, kw_defaults) =
        defaults.split_at(defaults.len().saturating_sub(n_kw_defaults));
    let mut extra_kws = Vec::new();
    let mut bound: Vec<Option<Value>> = vec![None; params.len()];
    let mut kw_bound: Vec<Option<Value>> = vec![None; sig.kwonly.len()];
    for (cell, v) in bound.iter_mut().zip(given) {
        *cell = Some(v);
    }
    for (k, v) in kws {
        let cell = match params.iter().position(|p| **p == *k) {
            Some(i) => &mut bound[i],
            None => match sig.kwonly.iter().position(|(p, _)| **p == *k) {
                Some(i) => &mut kw_bound[i],
                None if sig.varkw => {
                    extra_kws.push((k, v));
                    continue;
                }
                None => {
                    return Err(type_error(format!(
                        "{name}() got an unexpected keyword argument '{k}'"
                    )));
                }
            },
        };
        if cell.is_some() {
            return Err(type_error(format!(
                "{name}() got multiple values for argument '{k}'"
            )));
        }
        *cell = Some(v);
    }
    let required = params.len() - pos_defaults.len().min(params.len());
    if n_given > params.len() && !sig.vararg {
        let kwonly_given = kw_bound.iter().flatten().count();
        return Err(type_error(too_many_message(
            name,
            params.len(),
            required,
            n_given,
            kwonly_given,
        )));
    }
    for (cell, d) in bound[required..].iter_mut().zip(pos_defaults) {
        if cell.is_none() {
            *cell = Some(d.clone());
        }
    }
    let missing: Vec<&str> = params
        .iter()
        .zip(&bound)
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| p.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(type_error(missing_message(name, &missing)));
    }
    let mut kw_defaults = kw_defaults.iter();
    let mut missing_kwonly = Vec::new();
    for (cell, (p, has_default)) in kw_bound.iter_mut().zip(sig.kwonly) {
        let default = if *has_default {
            kw_defaults.next()
        } else {
            None
        };
        if cell.is_none() {
            match default {
                Some(d) => *cell = Some(d.clone()),
                None => missing_kwonly.push(p.as_str()),
            }
        }
    }
    if !missing_kwonly.is_empty() {
        return Err(type_error(missing_kind_message(
            name,
            &missing_kwonly,
            "keyword-only",
        )));
    }
    Ok(Bound {
        params: bound.into_iter().chain(kw_bound).flatten().collect(),
        extra_args,
        extra_kws,
    })
}

/// The TypeError message CPython gives for calling `name(params)`, whose
/// parameters from `required` on have defaults, with `given` positional
/// arguments (more than `params.len()` or fewer than `required`).
pub fn arity_message(name: &str, params: &[String], required: usize, given: usize) -> String {
    let n = params.len();
    if given > n {
        return too_many_message(name, n, required, given, 0);
    }
    let missing: Vec<&str> = params[given..required.max(given)]
        .iter()
        .map(|p| p.as_str())
        .collect();
    missing_message(name, &missing)
}

/// CPython's message for `given` positional arguments (and `kwonly_given`
/// keyword-only ones) to a function taking `n`, the ones from `required`
/// on with defaults.
fn too_many_message(
    name: &str,
    n: usize,
    required: usize,
    given: usize,
    kwonly_given: usize,
) -> String {
    let verb = if given == 1 && kwonly_given == 0 {
        "was"
    } else {
        "were"
    };
    let and_kwonly = match kwonly_given {
        0 => String::new(),
        k => format!(
            " positional argument{} (and {k} keyword-only argument{})",
            if given == 1 { "" } else { "s" },
            if k == 1 { "" } else { "s" }
        ),
    };
    let takes = if required < n {
        format!("from {required} to {n} positional arguments")
    } else if n == 1 {
        "1 positional argument".to_string()
    } else {
        format!("{n} positional arguments")
    };
    format!("{name}() takes {takes} but {given}{and_kwonly} {verb} given")
}

/// `f() missing 2 required positional arguments: 'a' and 'b'`.
pub fn missing_message(name: &str, missing: &[&str]) -> String {
    missing_kind_message(name, missing, "positional")
}

/// `f() missing 1 required keyword-only argument: 'k'`.
fn missing_kind_message(name: &str, missing: &[&str], kind: &str) -> String {
    let missing: Vec<String> = missing.iter().map(|p| format!("'{p}'")).collect();
    let list = match missing.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    let s = if missing.len() == 1 { "" } else { "s" };
    format!(
        "{name}() missing {} required {kind} argument{s}: {list}",
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
            assert_eq!(arity_message("f", &params(ps), ps.len(), given), want);
        }
    }

    #[test]
    fn print_joins_with_spaces() {
        use super::super::strs::print;
        let mut out = String::new();
        print(
            &mut out,
            &[Value::Int(Int::Small(-3)), Value::Bool(true), Value::None],
            None,
            None,
        )
        .unwrap();
        print(&mut out, &[], None, None).unwrap();
        assert_eq!(out, "-3 True None\n\n");
    }
}
