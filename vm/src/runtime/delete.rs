//! `del c[i]` and `del c[a:b:c]`: CPython 3.11's `PyObject_DelItem`. A list
//! or a dict deletes; another value raises the TypeError its type's slots
//! give: "doesn't support item deletion" where the type has sequence
//! methods and the key is an index (`PySequence_DelItem`), "does not"
//! otherwise. An instance reaches here only when its class defines neither
//! `__delitem__` nor `__setitem__` (tier 1 poisons those first). Values
//! whose answer depends on slots the language does not model (arrays,
//! classes, modules, exceptions) poison. The reference has its own copy
//! (`oracle/src/reference/delete.rs`).

use ibig::IBig;

use super::arena::Arena;
use super::seq::{self, charge, is_list, len};
use super::seq_ops::{index_value, normalize, slice_indices};
use super::{Raise, Value, int, pydict, pydict_ops, type_name};
use crate::lang::Poison;

/// How a value's type answers `del v[k]` when it cannot delete.
enum NoDelete {
    /// It has sequence methods: an index key reaches `PySequence_DelItem`.
    SequenceMethods,
    /// Neither mapping nor sequence methods.
    NoMethods,
}

fn no_delete(c: Value) -> Result<NoDelete, Raise> {
    use super::object::{Kind, kind_of};
    if c.is_small_int() || c.is_bool() || c == Value::NONE || c == Value::NOT_IMPLEMENTED {
        return Ok(NoDelete::NoMethods);
    }
    if !c.is_ptr() {
        // Builtins and math functions are immediates.
        return if c.is_builtin()
            || super::methods::is_method(c)
            || super::math::is_function(c)
            || super::random::is_function(c)
        {
            Ok(NoDelete::NoMethods)
        } else {
            Err(Raise::Poison(Poison::Unmodelled))
        };
    }
    Ok(match kind_of(c) {
        Kind::Tuple | Kind::Str | Kind::Range | Kind::DictView | Kind::PySet | Kind::Instance => {
            NoDelete::SequenceMethods
        }
        Kind::BigInt | Kind::Float | Kind::Function | Kind::BoundMethod | Kind::Generator => {
            NoDelete::NoMethods
        }
        // Every iterator the language has (none has sequence methods).
        _ if super::iters::is_iterator(c) => NoDelete::NoMethods,
        _ => return Err(Raise::Poison(Poison::Unmodelled)),
    })
}

fn cannot_delete(c: Value, index_key: bool) -> Raise {
    let verb = if index_key { "doesn't" } else { "does not" };
    Raise::type_error(format!(
        "'{}' object {verb} support item deletion",
        type_name(c)
    ))
}

/// `del c[index]` (`c` and `index` rooted by the caller's stack).
pub fn delete_subscript(arena: &mut Arena, c: Value, index: Value) -> Result<(), Raise> {
    if super::array::is_array(c) {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    if pydict::is_dict(c) {
        return match pydict::remove(c, index)? {
            Some(_) => Ok(()),
            None => Err(Raise::exc("KeyError", pydict_ops::key_repr(index))),
        };
    }
    let is_index = int::is_int(index);
    if is_list(c) {
        if !is_index {
            return Err(Raise::type_error(format!(
                "list indices must be integers or slices, not {}",
                type_name(index)
            )));
        }
        let i = index_value(index, "IndexError")?;
        let Some(at) = normalize(i, len(c)) else {
            return Err(Raise::exc(
                "IndexError",
                "list assignment index out of range".into(),
            ));
        };
        let mut items = seq::items(c);
        items.remove(at);
        return seq::set_items(arena, c, &items);
    }
    match no_delete(c)? {
        NoDelete::SequenceMethods if is_index => {
            // PyNumber_AsSsize_t's IndexError comes first.
            index_value(index, "IndexError")?;
            Err(cannot_delete(c, true))
        }
        _ => Err(cannot_delete(c, false)),
    }
}

/// `del c[lower:upper:step]`: a list loses the items the slice selects
/// (costing its new length in bulk fuel, as a slice assignment does).
pub fn delete_slice(
    arena: &mut Arena,
    c: Value,
    lower: Value,
    upper: Value,
    step: Value,
) -> Result<(), Raise> {
    if super::array::is_array(c) {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    if pydict::is_dict(c) {
        return Err(Raise::type_error("unhashable type: 'slice'".into()));
    }
    if !is_list(c) {
        no_delete(c)?;
        return Err(cannot_delete(c, false));
    }
    let n = len(c);
    let s = slice_indices(&IBig::from(n), lower, upper, step)?;
    let mut gone = vec![false; n];
    for i in super::seq_ops::picked(&s) {
        gone[i] = true;
    }
    let kept: Vec<Value> = seq::items(c)
        .into_iter()
        .zip(gone)
        .filter(|(_, g)| !g)
        .map(|(v, _)| v)
        .collect();
    charge(arena, kept.len());
    seq::set_items(arena, c, &kept)
}
