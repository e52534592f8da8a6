//! `reversed(d)` and `reversed(view)`: a `DictIter` whose `which` field
//! carries [`REVERSED`] (CPython's `dictreviter_iternext`). Its position
//! counts down: the index just past the next entry to look at. Exhaustion
//! is sticky (the dict is dropped), as CPython's.

use super::arena::Arena;
use super::object::{
    self, DICT_ITER_DICT, DICT_ITER_POS, DICT_ITER_USED, DICT_ITER_VERSION, DICT_ITER_WHICH, Kind,
    PYDICT_KEYS_VERSION,
};
use super::pydict::{self, Which};
use super::value::Value;
use super::{Raise, seq};
use crate::lang::Poison;

/// The flag in a `DictIter`'s `which` field that makes it a reverse one.
pub const REVERSED: u64 = 4;

fn field(v: Value, off: u64) -> u64 {
    // SAFETY: callers pass a live object with a field at `off`.
    unsafe { object::read(v.0, off) }
}

fn set_field(v: Value, off: u64, x: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(v.0, off, x) }
}

/// Whether dict iterator `it` goes backwards.
pub fn is_reversed(it: Value) -> bool {
    field(it, DICT_ITER_WHICH) & REVERSED != 0
}

/// `reversed(v)` of a dict (its keys) or a view.
pub fn new(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    let (d, which) = if pydict::is_view(v) {
        pydict::view_parts(v)
    } else {
        (v, Which::Keys)
    };
    let it = Value(arena.alloc(Kind::DictIter, 7)?);
    set_field(it, DICT_ITER_DICT, d.0);
    set_field(it, DICT_ITER_WHICH, which as u64 | REVERSED);
    set_field(it, DICT_ITER_USED, pydict::len(d) as u64);
    set_field(it, DICT_ITER_POS, pydict::nentries(d) as u64);
    set_field(it, object::DICT_ITER_REMAINING, pydict::len(d) as u64);
    set_field(it, DICT_ITER_VERSION, field(d, PYDICT_KEYS_VERSION));
    Ok(it)
}

/// The index of the next live entry below the iterator's position, or
/// None when there is none.
fn next_live(d: Value, it: Value) -> Option<usize> {
    (0..field(it, DICT_ITER_POS) as usize)
        .rev()
        .find(|&i| !pydict::entry(d, i).0.is_null())
}

/// Whether the next step finds the iterator exhausted (not when it would
/// raise or poison).
pub fn exhausted(it: Value) -> bool {
    let d = Value(field(it, DICT_ITER_DICT));
    if d.is_null() {
        return true;
    }
    field(it, DICT_ITER_USED) == pydict::len(d) as u64
        && field(it, DICT_ITER_VERSION) == field(d, PYDICT_KEYS_VERSION)
        && next_live(d, it).is_none()
}

/// The next item, last entry first: a size change raises (sticky), other
/// keys at the same size poison as a forward iteration does.
pub fn next(arena: &mut Arena, it: Value) -> Result<Option<Value>, Raise> {
    let d = Value(field(it, DICT_ITER_DICT));
    if d.is_null() {
        return Ok(None);
    }
    if field(it, DICT_ITER_USED) != pydict::len(d) as u64 {
        set_field(it, DICT_ITER_USED, u64::MAX);
        return Err(Raise::exc(
            "RuntimeError",
            "dictionary changed size during iteration".into(),
        ));
    }
    if field(it, DICT_ITER_VERSION) != field(d, PYDICT_KEYS_VERSION) {
        return Err(Raise::Poison(Poison::Identity));
    }
    let Some(i) = next_live(d, it) else {
        set_field(it, DICT_ITER_DICT, 0);
        return Ok(None);
    };
    set_field(it, DICT_ITER_POS, i as u64);
    let (k, v) = pydict::entry(d, i);
    Ok(Some(match pydict::iter_which(it) {
        Which::Keys => k,
        Which::Values => v,
        Which::Items => seq::new_tuple(arena, &[k, v])?,
    }))
}
