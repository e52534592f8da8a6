//! The reference's built-in exception classes and exception objects:
//! what `raise`, `assert` and the reference's own errors make, what
//! `except` catches (see `eval_try.rs`), and an uncaught one's ending (its
//! class name and `str()`, as CPython's). Instances of user classes
//! deriving from one of these are exception objects too.

use std::rc::Rc;

use super::eval::{Res, Stop};
use super::value::{TupleObj, Value};

/// The classes, each with its base (an index here; `BaseException` is the
/// root), in the language's order of builtin names.
pub const CLASSES: [(&str, usize); 18] = [
    ("BaseException", 0),
    ("Exception", 0),
    ("ArithmeticError", 1),
    ("LookupError", 1),
    ("ZeroDivisionError", 2),
    ("OverflowError", 2),
    ("ValueError", 1),
    ("TypeError", 1),
    ("NameError", 1),
    ("UnboundLocalError", 8),
    ("IndexError", 3),
    ("KeyError", 3),
    ("AttributeError", 1),
    ("RuntimeError", 1),
    ("NotImplementedError", 13),
    ("RecursionError", 13),
    ("AssertionError", 1),
    ("StopIteration", 1),
];

/// `AssertionError`'s index, what `assert` raises.
pub const ASSERTION_ERROR: u8 = 16;
/// `StopIteration`'s index, what `next()` raises.
pub const STOP_ITERATION: u8 = 17;

pub fn name(class: u8) -> &'static str {
    CLASSES[class as usize].0
}

/// Whether class `sub` is `sup` or derives from it.
pub fn derives(sub: u8, sup: u8) -> bool {
    let mut c = sub as usize;
    loop {
        if c == sup as usize {
            return true;
        }
        let base = CLASSES[c].1;
        if base == c {
            return false;
        }
        c = base;
    }
}

/// An exception object: its class and the arguments it was made with.
#[derive(Debug)]
pub struct ExcObj {
    pub class: u8,
    pub args: Rc<TupleObj>,
    /// A KeyError the runtime raised (a missing key): its `args` are
    /// outside the language, as in the VM, which keeps only the key's repr.
    pub runtime_key: bool,
}

/// `cls(*args)`.
pub fn make(class: u8, args: &[Value]) -> Value {
    Value::Exc(Rc::new(ExcObj {
        class,
        args: Rc::new(TupleObj {
            items: args.to_vec(),
        }),
        runtime_key: false,
    }))
}

/// `str(e)`: nothing for no arguments, the argument's `str()` for one
/// (KeyError: its `repr()`), the arguments' tuple repr for more.
pub fn str_of(
    e: &ExcObj,
    str_fn: &dyn Fn(&Value) -> Res<String>,
    repr_fn: &dyn Fn(&Value) -> Res<String>,
) -> Res<String> {
    match &e.args.items[..] {
        [] => Ok(String::new()),
        [one] if name(e.class) == "KeyError" => repr_fn(one),
        [one] => str_fn(one),
        _ => repr_fn(&Value::Tuple(e.args.clone())),
    }
}

/// `KeyError(key)` as raised: its str (the key's repr) is made only if
/// it goes uncaught or is printed.
pub fn key_error(key: Value) -> Box<Stop> {
    Box::new(Stop::Raised(Value::Exc(Rc::new(ExcObj {
        class: KEY_ERROR,
        args: Rc::new(TupleObj { items: vec![key] }),
        runtime_key: true,
    }))))
}

/// `KeyError`'s index.
pub const KEY_ERROR: u8 = 11;

/// The class index of a builtin exception class name.
pub fn class_named(kind: &str) -> Option<u8> {
    CLASSES
        .iter()
        .position(|(n, _)| *n == kind)
        .and_then(|i| u8::try_from(i).ok())
}

/// The exception object an error stop stands for, if it is catchable: a
/// raised object as it is, an error the reference raised itself as its
/// class made with its message (none: no arguments). Poison never is.
pub fn caught(stop: Box<Stop>) -> Result<Value, Box<Stop>> {
    match &*stop {
        Stop::Raised(v) => Ok(v.clone()),
        Stop::Exception { kind, message } => match class_named(kind) {
            Some(c) if message.is_empty() => Ok(make(c, &[])),
            Some(c) => Ok(make(c, &[Value::Str(Rc::from(message.as_str()))])),
            None => Err(stop),
        },
        _ => Err(stop),
    }
}

/// The builtin class an exception object's class is or derives from, and
/// its arguments (`None`: not an exception object).
pub fn parts(v: &Value) -> Option<(u8, Rc<TupleObj>)> {
    match v {
        Value::Exc(e) => Some((e.class, e.args.clone())),
        Value::Instance(o) => {
            let base = o.class().exc_base?;
            Some((base, o.exc_args()))
        }
        _ => None,
    }
}

/// Whether exception object `v` is an instance of builtin class `c`.
pub fn is_a(v: &Value, c: u8) -> bool {
    parts(v).is_some_and(|(k, _)| derives(k, c))
}

/// `str(e)` of any exception object (`None`: not one).
pub fn str_any(v: &Value) -> Option<Res<String>> {
    let (class, args) = parts(v)?;
    let e = ExcObj {
        class,
        args,
        runtime_key: false,
    };
    Some(str_of(&e, &super::strs::str_of, &super::compare::repr))
}

/// BaseException's attributes and methods other than `args`
/// (tracebacks, causes, notes): outside the language, so reading,
/// calling or setting them poisons.
pub fn unmodelled_attr(v: &Value, name: &str) -> bool {
    parts(v).is_some()
        && matches!(
            name,
            "with_traceback"
                | "add_note"
                | "__traceback__"
                | "__cause__"
                | "__context__"
                | "__suppress_context__"
                | "__notes__"
                | "__dict__"
                | "__str__"
                | "__repr__"
                | "__reduce__"
                | "__setstate__"
        )
}

/// An uncaught exception's ending: its class name and `str()`.
pub fn ending(v: &Value) -> Res<(String, String)> {
    let message = str_any(v).unwrap_or_else(|| Ok(String::new()))?;
    Ok((v.type_name().to_string(), message))
}
