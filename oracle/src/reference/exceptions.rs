//! The reference's built-in exception classes and exception objects, for
//! `raise` and `assert`: nothing catches them yet, so a raised exception
//! ends the run with its class name and `str()`, as an uncaught one ends
//! CPython's.

use std::rc::Rc;

use super::eval::{Res, Stop, exception, type_error};
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
}

/// `cls(*args)`.
pub fn make(class: u8, args: &[Value]) -> Value {
    Value::Exc(Rc::new(ExcObj {
        class,
        args: Rc::new(TupleObj {
            items: args.to_vec(),
        }),
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

/// What `raise v` stops with (`v` a class is made with no arguments).
pub fn raise(
    v: &Value,
    str_fn: &dyn Fn(&Value) -> Res<String>,
    repr_fn: &dyn Fn(&Value) -> Res<String>,
) -> Box<Stop> {
    let obj = match v {
        Value::Builtin(super::value::Builtin::Exc(c)) => ExcObj {
            class: *c,
            args: Rc::new(TupleObj { items: vec![] }),
        },
        Value::Exc(e) => {
            return match str_of(e, str_fn, repr_fn) {
                Ok(message) => exception(name(e.class), message),
                Err(stop) => stop,
            };
        }
        _ => return type_error("exceptions must derive from BaseException".into()),
    };
    exception(name(obj.class), String::new())
}
