//! Built-in exception classes and exception objects, for `raise` and
//! `assert` (exceptions cannot be caught yet: a raised exception ends the
//! run with its class name and `str()`, as an uncaught one ends CPython's).
//!
//! The classes are immediates (`EXC_FIRST..`) named in the builtins; an
//! exception object is `[hdr][class: immediate][args: Tuple]`.

use super::arena::Arena;
use super::object::{self, Kind};
use super::value::Value;
use super::{Raise, seq};

/// The built-in exception classes the language has: (name, base), the base
/// an index into this table (`BaseException` is its own root).
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

/// `AssertionError`, which `assert` raises whatever the name is bound to.
pub const ASSERTION_ERROR: Value = class_value(16);

/// The immediate tag of the first class.
pub const EXC_FIRST: u64 = 100;

pub const EXC_CLASS: u64 = 8;
pub const EXC_ARGS: u64 = 16;

/// Class `i` of [`CLASSES`] as a value.
pub const fn class_value(i: usize) -> Value {
    Value(((EXC_FIRST + i as u64) << 2) | 2)
}

/// The index in [`CLASSES`] of an exception class value.
pub fn class_index(v: Value) -> Option<usize> {
    if v.0 & 3 != 2 {
        return None;
    }
    let k = (v.0 >> 2).checked_sub(EXC_FIRST)? as usize;
    (k < CLASSES.len()).then_some(k)
}

pub fn is_class(v: Value) -> bool {
    class_index(v).is_some()
}

pub fn class_name(v: Value) -> &'static str {
    class_index(v).map_or("?", |i| CLASSES[i].0)
}

/// The class named `name`, if the language has it.
pub fn class_named(name: &str) -> Option<Value> {
    CLASSES
        .iter()
        .position(|(n, _)| *n == name)
        .map(class_value)
}

/// Whether class `sub` is `sup` or derives from it.
pub fn is_subclass(sub: Value, sup: Value) -> bool {
    let (Some(mut i), Some(j)) = (class_index(sub), class_index(sup)) else {
        return false;
    };
    loop {
        if i == j {
            return true;
        }
        let base = CLASSES[i].1;
        if base == i {
            return false;
        }
        i = base;
    }
}

pub fn is_exception(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Exception
}

/// `cls(*args)`: a new exception object (`args` rooted by the caller).
pub fn new(arena: &mut Arena, cls: Value, args: &[Value]) -> Result<Value, Raise> {
    let tuple = seq::new_tuple(arena, args)?;
    arena.roots.temps.push(tuple);
    let addr = arena.alloc(Kind::Exception, 3);
    arena.roots.temps.pop();
    let addr = addr?;
    // SAFETY: freshly allocated Exception.
    unsafe {
        object::write(addr, EXC_CLASS, cls.0);
        object::write(addr, EXC_ARGS, tuple.0);
    }
    Ok(Value(addr))
}

/// An exception object's class and args tuple.
pub fn parts(e: Value) -> (Value, Value) {
    // SAFETY: a live Exception.
    unsafe {
        (
            Value(object::read(e.0, EXC_CLASS)),
            Value(object::read(e.0, EXC_ARGS)),
        )
    }
}

/// `str(e)`: empty for no args, the one arg's `str()` (`repr()` for
/// KeyError), or the args tuple's repr. `text` renders a value.
pub fn str_of(
    e: Value,
    text: &dyn Fn(Value, bool) -> Result<String, Raise>,
) -> Result<String, Raise> {
    let (cls, args) = parts(e);
    match seq::len(args) {
        0 => Ok(String::new()),
        1 => text(seq::get(args, 0), class_name(cls) == "KeyError"),
        _ => text(args, true),
    }
}

/// What `raise v` raises: an exception object's class and `str()`; a class
/// is instantiated with no arguments first.
pub fn to_raise(
    arena: &mut Arena,
    v: Value,
    text: &dyn Fn(&Arena, Value, bool) -> Result<String, Raise>,
) -> Raise {
    let e = if is_class(v) {
        match new(arena, v, &[]) {
            Ok(e) => e,
            Err(r) => return r,
        }
    } else if is_exception(v) {
        v
    } else {
        return Raise::type_error("exceptions must derive from BaseException".into());
    };
    let arena = &*arena;
    match str_of(e, &|x, repr| text(arena, x, repr)) {
        Ok(message) => Raise::Exc {
            kind: class_name(parts(e).0),
            message,
        },
        Err(r) => r,
    }
}

/// `repr(e)`: `ValueError('x')`, `ValueError()`, `ValueError(1, 2)`.
pub fn repr_of(e: Value, repr: &dyn Fn(Value) -> Result<String, Raise>) -> Result<String, Raise> {
    let (cls, args) = parts(e);
    let items = (0..seq::len(args))
        .map(|i| repr(seq::get(args, i)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("{}({})", class_name(cls), items.join(", ")))
}
