//! `isinstance(obj, cls)` and `issubclass(cls, classinfo)` for the builtin
//! types the language has as values, its exception classes and user classes.

use super::object::{self, Kind};
use super::value::Value;
use super::{Raise, float, int, pydict, seq, strs};
use crate::lang::Poison;
use crate::lang::limits::MAX_CONTAINER_NESTING;

/// `isinstance(*args)`.
pub fn call(args: &[Value]) -> Result<Value, Raise> {
    let [x, cls] = args else {
        return Err(Raise::type_error(format!(
            "isinstance expected 2 arguments, got {}",
            args.len()
        )));
    };
    isinstance(*x, *cls, 0).map(Value::bool)
}

fn kind_is(v: Value, k: Kind) -> bool {
    v.is_ptr() && object::kind_of(v) == k
}

/// Whether `x` is an instance of `cls` (a type or a tuple of them, checked
/// left to right as CPython: a non-type after a match is never looked at).
pub fn isinstance(x: Value, cls: Value, depth: usize) -> Result<bool, Raise> {
    Ok(match cls {
        // `bool` is a subclass of `int`.
        Value::BUILTIN_INT => int::is_int(x),
        Value::BUILTIN_BOOL => x.is_bool(),
        // Which values are classes: the language has no metaclass.
        Value::BUILTIN_TYPE => return Err(Raise::Poison(Poison::Unmodelled)),
        Value::BUILTIN_FLOAT => float::is_float(x),
        Value::BUILTIN_STR => strs::is_str(x),
        Value::BUILTIN_LIST => seq::is_list(x),
        Value::BUILTIN_TUPLE => seq::is_tuple(x),
        Value::BUILTIN_DICT => pydict::is_dict(x),
        Value::BUILTIN_SET => super::pyset::is_set(x),
        Value::BUILTIN_RANGE => kind_is(x, Kind::Range),
        Value::BUILTIN_ENUMERATE => kind_is(x, Kind::Enumerate),
        Value::BUILTIN_ZIP => kind_is(x, Kind::Zip),
        Value::BUILTIN_REVERSED => {
            kind_is(x, Kind::Reversed) && super::iters::reversed_type_name(x) == "reversed"
        }
        t if super::exceptions::is_class(t) => {
            super::exceptions::view(x).is_some_and(|e| super::exceptions::class_derives(e.class, t))
        }
        t if super::class::is_type(t) => {
            super::class::is_instance(x) && super::class::is_subclass(super::class::type_of(x), t)
        }
        t if seq::is_tuple(t) => {
            if depth >= MAX_CONTAINER_NESTING {
                return Err(Raise::Poison(Poison::Recursion));
            }
            for i in 0..seq::len(t) {
                if isinstance(x, seq::get(t, i), depth + 1)? {
                    return Ok(true);
                }
            }
            false
        }
        _ => {
            return Err(Raise::type_error(
                "isinstance() arg 2 must be a type, a tuple of types, or a union".into(),
            ));
        }
    })
}

/// Whether `v` is a class: a builtin type the language has as a value, an
/// exception class or a user class.
fn is_class_value(v: Value) -> bool {
    matches!(
        v,
        Value::BUILTIN_INT
            | Value::BUILTIN_BOOL
            | Value::BUILTIN_TYPE
            | Value::BUILTIN_FLOAT
            | Value::BUILTIN_STR
            | Value::BUILTIN_LIST
            | Value::BUILTIN_TUPLE
            | Value::BUILTIN_DICT
            | Value::BUILTIN_SET
            | Value::BUILTIN_RANGE
            | Value::BUILTIN_ENUMERATE
            | Value::BUILTIN_ZIP
            | Value::BUILTIN_REVERSED
    ) || super::exceptions::is_class(v)
        || super::class::is_type(v)
}

/// `issubclass(*args)`.
pub fn issubclass_call(args: &[Value]) -> Result<Value, Raise> {
    let [a, cls] = args else {
        return Err(Raise::type_error(format!(
            "issubclass expected 2 arguments, got {}",
            args.len()
        )));
    };
    issubclass(*a, *cls, 0).map(Value::bool)
}

/// Whether class `a` is `cls` or derives from it (`cls` a tuple of them:
/// any, left to right, as `PyObject_IsSubclass`, which checks `a` only
/// against a class, so `issubclass(5, ())` is False). Builtin types derive
/// from none of the language's other classes but `bool` from `int`; a user
/// class derives from its bases and from an exception base's chain.
pub fn issubclass(a: Value, cls: Value, depth: usize) -> Result<bool, Raise> {
    if seq::is_tuple(cls) {
        if depth >= MAX_CONTAINER_NESTING {
            return Err(Raise::Poison(Poison::Recursion));
        }
        for i in 0..seq::len(cls) {
            if issubclass(a, seq::get(cls, i), depth + 1)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if !is_class_value(a) {
        return Err(Raise::type_error(
            "issubclass() arg 1 must be a class".into(),
        ));
    }
    if !is_class_value(cls) {
        return Err(Raise::type_error(
            "issubclass() arg 2 must be a class, a tuple of classes, or a union".into(),
        ));
    }
    let user_or_exception = |v: Value| super::exceptions::is_class(v) || super::class::is_type(v);
    Ok(a == cls
        || (a == Value::BUILTIN_BOOL && cls == Value::BUILTIN_INT)
        || (user_or_exception(a)
            && user_or_exception(cls)
            && super::exceptions::class_derives(a, cls)))
}
