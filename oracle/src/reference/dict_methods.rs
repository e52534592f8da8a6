//! The dict methods (`get keys values items pop setdefault update clear
//! copy`), the `dict()` builtin and `|` / `|=` between dicts. Message texts
//! were checked against CPython 3.11.

use std::rc::Rc;

use jitdiff_vm::lang::ast::BinOp;

use super::dict::{self, DictObj, ViewKind, ViewObj};
use super::eval::{Res, type_error, unsupported};
use super::methods::Meth;
use super::seq::Heap;
use super::value::Value;

/// Whether dicts have the method (the others are AttributeErrors).
pub fn has(m: &Meth) -> bool {
    matches!(
        m,
        Meth::Get
            | Meth::Keys
            | Meth::Values
            | Meth::Items
            | Meth::Pop
            | Meth::SetDefault
            | Meth::Update
            | Meth::Clear
            | Meth::Copy
    ) || m.name() == "popitem"
}

/// `get expected at least 1 argument, got 0` / `at most 2 arguments`.
fn one_or_two<'a>(m: &Meth, args: &'a [Value]) -> Res<(&'a Value, Option<&'a Value>)> {
    match args {
        [k] => Ok((k, None)),
        [k, default] => Ok((k, Some(default))),
        [] => Err(type_error(format!(
            "{} expected at least 1 argument, got 0",
            m.name()
        ))),
        _ => Err(type_error(format!(
            "{} expected at most 2 arguments, got {}",
            m.name(),
            args.len()
        ))),
    }
}

/// `dict.keys() takes no arguments (1 given)`.
fn no_args(m: &Meth, args: &[Value]) -> Res<()> {
    if args.is_empty() {
        return Ok(());
    }
    Err(type_error(format!(
        "dict.{}() takes no arguments ({} given)",
        m.name(),
        args.len()
    )))
}

fn view(d: &Rc<DictObj>, kind: ViewKind) -> Value {
    Value::View(Rc::new(ViewObj {
        dict: d.clone(),
        kind,
    }))
}

/// `d.m(*args)` after the lookup accepted it.
pub fn call(h: &mut Heap, d: &Rc<DictObj>, m: &Meth, args: &[Value]) -> Res<Value> {
    match m {
        Meth::Get => {
            let (k, default) = one_or_two(m, args)?;
            let key = dict::Key::new(k)?;
            let found = d.data.borrow().get(&key)?;
            Ok(found.unwrap_or_else(|| default.cloned().unwrap_or(Value::None)))
        }
        Meth::Keys => no_args(m, args).map(|()| view(d, ViewKind::Keys)),
        Meth::Values => no_args(m, args).map(|()| view(d, ViewKind::Values)),
        Meth::Items => no_args(m, args).map(|()| view(d, ViewKind::Items)),
        Meth::Pop => {
            let (k, default) = one_or_two(m, args)?;
            // CPython answers for an empty dict before hashing the key.
            if d.len() == 0 {
                return default.cloned().ok_or_else(|| dict::key_error(k));
            }
            let key = dict::Key::new(k)?;
            let removed = d.data.borrow_mut().remove(&key)?;
            match (removed, default) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(dict::key_error(k)),
            }
        }
        Meth::SetDefault => {
            let (k, default) = one_or_two(m, args)?;
            let key = dict::Key::new(k)?;
            let found = d.data.borrow().get(&key)?;
            if let Some(v) = found {
                return Ok(v);
            }
            let v = default.cloned().unwrap_or(Value::None);
            d.data.borrow_mut().insert(&key, v.clone())?;
            Ok(v)
        }
        Meth::Update => {
            match args {
                [] => {}
                [x] => update(h, d, x)?,
                _ => {
                    return Err(type_error(format!(
                        "update expected at most 1 argument, got {}",
                        args.len()
                    )));
                }
            }
            Ok(Value::None)
        }
        Meth::Clear => {
            no_args(m, args)?;
            d.data.borrow_mut().clear();
            Ok(Value::None)
        }
        Meth::Copy => {
            no_args(m, args)?;
            copy(h, d)
        }
        Meth::Other(n) if &**n == "popitem" => {
            no_args(m, args)?;
            // The last entry goes without hashing its key, as in CPython.
            let last = d.data.borrow_mut().pop_last();
            let Some((k, v)) = last else {
                return Err(super::exceptions::key_error(Value::Str(
                    "popitem(): dictionary is empty".into(),
                )));
            };
            Ok(Value::Tuple(Rc::new(super::value::TupleObj {
                items: vec![k, v],
            })))
        }
        // `lookup` rejected every other method already.
        _ => super::methods::lookup(&Value::Dict(d.clone()), m).map(|()| Value::None),
    }
}

/// `d.update(x)` and `d |= x`: charged as bulk work on the length after,
/// like `list.extend`.
fn update(h: &mut Heap, d: &DictObj, x: &Value) -> Res<()> {
    dict::update_from(d, x)?;
    h.bulk(d.len());
    Ok(())
}

/// `d.copy()`: a new dict with the same entries, charged on its length.
fn copy(h: &mut Heap, d: &DictObj) -> Res<Value> {
    let new = h.dict();
    for (k, v) in d.pairs() {
        new.store(&k, v)?;
    }
    h.bulk(new.len());
    Ok(Value::Dict(new))
}

/// `dict()` and `dict(x)` (a dict, or an iterable of pairs).
pub fn make(h: &mut Heap, args: &[Value]) -> Res<Value> {
    let new = h.dict();
    match args {
        [] => {}
        [x] => {
            dict::update_from(&new, x)?;
            h.bulk(new.len());
        }
        _ => {
            return Err(type_error(format!(
                "dict expected at most 1 argument, got {}",
                args.len()
            )));
        }
    }
    Ok(Value::Dict(new))
}

/// `a | b` with a dict operand: a new dict, `a`'s entries updated by
/// `b`'s (both dicts, else unsupported). `inplace` (`a |= b`, `a` a dict)
/// updates `a` itself from anything `update` takes.
pub fn or(h: &mut Heap, a: &Value, b: &Value, inplace: bool) -> Res<Value> {
    match (a, b) {
        (Value::Dict(x), _) if inplace => {
            update(h, x, b)?;
            Ok(a.clone())
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let new = h.dict();
            for (k, v) in x.pairs().into_iter().chain(y.pairs()) {
                new.store(&k, v)?;
            }
            h.bulk(new.len());
            Ok(Value::Dict(new))
        }
        _ => Err(unsupported(BinOp::BitOr, a, b, inplace)),
    }
}
