//! The methods of dicts (`d.get(k)`, `d.items()`, ...), called through
//! [`super::methods`]'s LOAD_METHOD + CALL, with CPython 3.11's messages.

use super::arena::Arena;
use super::pydict::{self, Which};
use super::pydict_ops;
use super::value::Value;
use super::{Raise, seq};

pub fn is_dict_method(m: Value) -> bool {
    matches!(
        m,
        Value::METHOD_DICT_GET
            | Value::METHOD_DICT_KEYS
            | Value::METHOD_DICT_VALUES
            | Value::METHOD_DICT_ITEMS
            | Value::METHOD_DICT_POP
            | Value::METHOD_DICT_SETDEFAULT
            | Value::METHOD_DICT_UPDATE
            | Value::METHOD_DICT_CLEAR
            | Value::METHOD_DICT_COPY
            | Value::METHOD_DICT_POPITEM
    )
}

/// `(key, default)` of `get`, `pop` and `setdefault`: one or two arguments.
fn key_and_default(name: &str, args: &[Value]) -> Result<(Value, Option<Value>), Raise> {
    match args {
        [k] => Ok((*k, None)),
        [k, default] => Ok((*k, Some(*default))),
        [] => Err(Raise::type_error(format!(
            "{name} expected at least 1 argument, got 0"
        ))),
        _ => Err(Raise::type_error(format!(
            "{name} expected at most 2 arguments, got {}",
            args.len()
        ))),
    }
}

fn no_arguments(name: &str, args: &[Value]) -> Result<(), Raise> {
    if args.is_empty() {
        return Ok(());
    }
    Err(Raise::type_error(format!(
        "dict.{name}() takes no arguments ({} given)",
        args.len()
    )))
}

/// Calls dict method `m` on `d` with `args` (all rooted by the caller).
pub fn call(arena: &mut Arena, m: Value, d: Value, args: &[Value]) -> Result<Value, Raise> {
    match m {
        Value::METHOD_DICT_GET => {
            let (k, default) = key_and_default("get", args)?;
            Ok(pydict::get(d, k)?.unwrap_or(default.unwrap_or(Value::NONE)))
        }
        Value::METHOD_DICT_POP => {
            let (k, default) = key_and_default("pop", args)?;
            match (pydict::remove(d, k)?, default) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default),
                (None, None) => Err(Raise::exc("KeyError", super::pydict_ops::key_repr(k))),
            }
        }
        Value::METHOD_DICT_SETDEFAULT => {
            let (k, default) = key_and_default("setdefault", args)?;
            if let Some(v) = pydict::get(d, k)? {
                return Ok(v);
            }
            let v = default.unwrap_or(Value::NONE);
            pydict::set(arena, d, k, v)?;
            Ok(v)
        }
        Value::METHOD_DICT_UPDATE => match args {
            [] => Ok(Value::NONE),
            [x] => {
                pydict_ops::update(arena, d, *x)?;
                seq::charge(arena, pydict::len(d));
                Ok(Value::NONE)
            }
            _ => Err(Raise::type_error(format!(
                "update expected at most 1 argument, got {}",
                args.len()
            ))),
        },
        Value::METHOD_DICT_KEYS => view(arena, "keys", d, Which::Keys, args),
        Value::METHOD_DICT_VALUES => view(arena, "values", d, Which::Values, args),
        Value::METHOD_DICT_ITEMS => view(arena, "items", d, Which::Items, args),
        Value::METHOD_DICT_CLEAR => {
            no_arguments("clear", args)?;
            pydict::clear(d);
            Ok(Value::NONE)
        }
        Value::METHOD_DICT_POPITEM => {
            no_arguments("popitem", args)?;
            let (k, v) = pydict::popitem(d)?
                .ok_or_else(|| Raise::exc("KeyError", "'popitem(): dictionary is empty'".into()))?;
            arena.roots.temps.extend([k, v]);
            let pair = seq::new_tuple(arena, &[k, v]);
            arena.roots.temps.truncate(arena.roots.temps.len() - 2);
            pair
        }
        Value::METHOD_DICT_COPY => {
            no_arguments("copy", args)?;
            let copy = pydict::copy(arena, d)?;
            seq::charge(arena, pydict::len(copy));
            Ok(copy)
        }
        other => Err(Raise::Internal(format!("{other:?} is not a dict method"))),
    }
}

fn view(
    arena: &mut Arena,
    name: &str,
    d: Value,
    which: Which,
    args: &[Value],
) -> Result<Value, Raise> {
    no_arguments(name, args)?;
    pydict::new_view(arena, d, which)
}
