//! The globals (and builtins) dictionary: insertion-ordered `(key, value)`
//! entries with a *keys version* that changes whenever a key is added, as in
//! CPython. Specialized `LOAD_GLOBAL_MODULE` caches `(keys_version, index)`:
//! while the keys version holds, the entry index is valid. Keys are global
//! name ids; `del name` and `except E as name:` at module level (or of a
//! name declared `global`) remove one, and capacity is the number of
//! distinct global names in the program.

use super::arena::{Arena, OutOfMemory};
use super::object::{self, DICT_CAPACITY, DICT_ENTRIES, DICT_KEYS_VERSION, DICT_LEN, Kind};
use super::value::Value;

pub fn new(arena: &mut Arena, capacity: usize, version: u64) -> Result<Value, OutOfMemory> {
    let addr = arena.alloc(Kind::Dict, 4 + 2 * capacity.max(1))?;
    // SAFETY: freshly allocated Dict.
    unsafe {
        object::write(addr, DICT_KEYS_VERSION, version);
        object::write(addr, DICT_CAPACITY, capacity as u64);
    }
    Ok(Value(addr))
}

pub fn keys_version(d: Value) -> u64 {
    // SAFETY: `d` is a live Dict.
    unsafe { object::read(d.0, DICT_KEYS_VERSION) }
}

pub fn len(d: Value) -> u64 {
    // SAFETY: `d` is a live Dict.
    unsafe { object::read(d.0, DICT_LEN) }
}

/// The entry index holding `key`, if present.
pub fn index_of(d: Value, key: u64) -> Option<u64> {
    // SAFETY: entries `0..len` are initialized.
    (0..len(d)).find(|&i| unsafe { object::read(d.0, DICT_ENTRIES + 16 * i) } == key)
}

pub fn entry(d: Value, index: u64) -> (u64, Value) {
    debug_assert!(index < len(d));
    // SAFETY: `index < len`.
    unsafe {
        (
            object::read(d.0, DICT_ENTRIES + 16 * index),
            Value(object::read(d.0, DICT_ENTRIES + 16 * index + 8)),
        )
    }
}

pub fn get(d: Value, key: u64) -> Option<Value> {
    index_of(d, key).map(|i| entry(d, i).1)
}

/// Stores `key = value`. A new key bumps the keys version to `new_version`.
/// Returns whether a key was added.
pub fn set(d: Value, key: u64, value: Value, new_version: u64) -> bool {
    // SAFETY: `d` is a live Dict whose capacity covers every key.
    unsafe {
        if let Some(i) = index_of(d, key) {
            object::write(d.0, DICT_ENTRIES + 16 * i + 8, value.0);
            return false;
        }
        let n = len(d);
        assert!(
            n < object::read(d.0, DICT_CAPACITY),
            "globals dict capacity exceeded"
        );
        object::write(d.0, DICT_ENTRIES + 16 * n, key);
        object::write(d.0, DICT_ENTRIES + 16 * n + 8, value.0);
        object::write(d.0, DICT_LEN, n + 1);
        object::write(d.0, DICT_KEYS_VERSION, new_version);
        true
    }
}

/// Removes `key` (later entries move down, keeping insertion order) and
/// bumps the keys version to `new_version`. Returns whether it was there.
pub fn remove(d: Value, key: u64, new_version: u64) -> bool {
    let Some(i) = index_of(d, key) else {
        return false;
    };
    let n = len(d);
    // SAFETY: entries `0..n` are initialized; `i < n`.
    unsafe {
        for j in i + 1..n {
            let (k, v) = entry(d, j);
            object::write(d.0, DICT_ENTRIES + 16 * (j - 1), k);
            object::write(d.0, DICT_ENTRIES + 16 * (j - 1) + 8, v.0);
        }
        object::write(d.0, DICT_LEN, n - 1);
        object::write(d.0, DICT_KEYS_VERSION, new_version);
    }
    true
}
