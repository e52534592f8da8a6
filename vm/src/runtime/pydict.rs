//! Python dicts (user data; the globals table is [`super::dict`]): the arena
//! objects, lookup, insertion, deletion, resizing and iteration. Methods,
//! views, `repr` and `==` are in [`super::pydict_ops`].
//!
//! The layout follows CPython 3.11's combined table closely enough that
//! everything a program can observe matches: an entry array of
//! `USABLE_FRACTION(2^log2)` slots filled in insertion order, deletions
//! leaving holes, and a resize (to `calculate_log2_keysize(used * 3)`)
//! that compacts the entries into a new array when the slots run out. The
//! array object also holds the hash index (linear probing; the probe order
//! never shows): `[hdr][index: 2^log2 slots][(key, value, hash) *
//! USABLE_FRACTION(2^log2)]`, index slots and hashes
//! stored as small ints (so the collector never takes them for pointers),
//! an empty index slot NULL and a deleted one `-1`.
//!
//! Keys are ints, bools, floats, None, strs and tuples of keys. Numeric
//! equality decides key identity (`1`, `1.0` and `True` are one key). A
//! NaN in a key makes CPython's answer depend on object identity, so it
//! poisons ([`Poison::Identity`]).
//!
//! Rooting: as in [`super::seq`], inputs are rooted by the caller.

use super::arena::Arena;
use super::object::{
    self, DICT_ITER_DICT, DICT_ITER_POS, DICT_ITER_REMAINING, DICT_ITER_USED, DICT_ITER_VERSION,
    DICT_ITER_WHICH, DICT_VIEW_DICT, DICT_VIEW_WHICH, ENTRIES_FIRST, Kind, PYDICT_ENTRIES,
    PYDICT_KEYS_VERSION, PYDICT_LOG2_SIZE, PYDICT_NENTRIES, PYDICT_USABLE, PYDICT_USED,
};
use super::value::Value;
use super::{Raise, pydict_hash, seq, strs};
use crate::lang::Poison;

/// CPython's `PyDict_LOG_MINSIZE`.
const LOG2_MIN_SIZE: u64 = 3;
/// CPython's `dict_new_presized` never presizes beyond this.
const LOG2_MAX_PRESIZE: u64 = 17;

/// What a view or an iterator yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Keys = 0,
    Values = 1,
    Items = 2,
}

impl Which {
    fn from_raw(raw: u64) -> Which {
        match raw {
            1 => Which::Values,
            2 => Which::Items,
            _ => Which::Keys,
        }
    }
}

pub fn is_dict(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::PyDict
}
pub fn is_view(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::DictView
}

/// A keys or items view: set-like in CPython (a values view is not).
pub fn is_set_like_view(v: Value) -> bool {
    is_view(v) && view_parts(v).1 != Which::Values
}
pub fn is_iter(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::DictIter
}

fn field(d: Value, off: u64) -> u64 {
    // SAFETY: callers pass a live object with a field at `off`.
    unsafe { object::read(d.0, off) }
}
fn set_field(d: Value, off: u64, v: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(d.0, off, v) }
}

/// `len(d)`.
pub fn len(d: Value) -> usize {
    field(d, PYDICT_USED) as usize
}

/// CPython's `USABLE_FRACTION`: entry slots of a table of `2^log2`.
fn usable_fraction(log2: u64) -> u64 {
    ((1u64 << log2) << 1) / 3
}

/// CPython's `calculate_log2_keysize`.
fn log2_for(min_size: u64) -> u64 {
    let mut log2 = LOG2_MIN_SIZE;
    while (1u64 << log2) < min_size {
        log2 += 1;
    }
    log2
}

/// CPython's `estimate_log2_keysize`.
fn estimate_log2(n: u64) -> u64 {
    log2_for((n * 3).div_ceil(2))
}

/// An empty dict with CPython's shared empty table (no slots: the first
/// insertion allocates the minimum size).
pub fn new(arena: &mut Arena) -> Result<Value, Raise> {
    let addr = arena.alloc(Kind::PyDict, 7)?;
    let d = Value(addr);
    set_field(d, PYDICT_LOG2_SIZE, LOG2_MIN_SIZE);
    Ok(d)
}

/// An empty dict sized for `n` items, as CPython's `dict_new_presized`
/// (BUILD_MAP).
pub fn new_presized(arena: &mut Arena, n: usize) -> Result<Value, Raise> {
    let d = new(arena)?;
    if n as u64 > usable_fraction(LOG2_MIN_SIZE) {
        let log2 = if n as u64 > usable_fraction(LOG2_MAX_PRESIZE) {
            LOG2_MAX_PRESIZE
        } else {
            estimate_log2(n as u64)
        };
        seq::rooted(arena, |arena| {
            arena.roots.temps.push(d);
            resize(arena, d, log2)
        })?;
    }
    Ok(d)
}

fn entries(d: Value) -> u64 {
    field(d, PYDICT_ENTRIES)
}
pub(crate) fn nentries(d: Value) -> usize {
    field(d, PYDICT_NENTRIES) as usize
}

/// An entry array's geometry: its address, index slots and entry slots.
#[derive(Clone, Copy)]
struct Table {
    addr: u64,
    size: u64,
    cap: u64,
}

/// An index slot of a deleted entry.
const DUMMY: Value = Value(((-1i64) << 1 | 1) as u64);

impl Table {
    fn new(addr: u64, log2: u64) -> Table {
        Table {
            addr,
            size: 1 << log2,
            cap: usable_fraction(log2),
        }
    }
    /// `d`'s table, if it has an array.
    fn of(d: Value) -> Option<Table> {
        let e = entries(d);
        (e != 0).then(|| Table::new(e, field(d, PYDICT_LOG2_SIZE)))
    }
    fn alloc(arena: &mut Arena, log2: u64) -> Result<Table, Raise> {
        let (size, cap) = (1u64 << log2, usable_fraction(log2));
        let addr = arena.alloc(Kind::DictEntries, words_for(size, cap))?;
        Ok(Table::new(addr, log2))
    }
    fn slot_off(&self, s: u64) -> u64 {
        ENTRIES_FIRST + 8 * s
    }
    fn hash_off(&self, i: u64) -> u64 {
        self.entry_off(i) + 16
    }
    fn entry_off(&self, i: u64) -> u64 {
        ENTRIES_FIRST + 8 * self.size + 24 * i
    }
    fn read(&self, off: u64) -> Value {
        // SAFETY: offsets within the array (the planted bug aside).
        Value(unsafe { object::read(self.addr, off) })
    }
    fn write(&self, off: u64, v: Value) {
        // SAFETY: as `read`.
        unsafe { object::write(self.addr, off, v.0) }
    }
    fn entry(&self, i: usize) -> (Value, Value) {
        let off = self.entry_off(i as u64);
        (self.read(off), self.read(off + 8))
    }
    fn write_entry(&self, i: usize, key: Value, value: Value, hash: u64) {
        let off = self.entry_off(i as u64);
        self.write(off, key);
        self.write(off + 8, value);
        self.write(self.hash_off(i as u64), stored_hash(hash));
    }
    /// Records entry `i` under `hash` in the first free index slot. A full
    /// index (only the planted bug overfills a table) records nothing.
    fn index(&self, i: usize, hash: u64) {
        let mask = self.size - 1;
        let mut s = hash & mask;
        for _ in 0..self.size {
            let v = self.read(self.slot_off(s));
            if v.is_null() || v == DUMMY {
                self.write(self.slot_off(s), Value::small(i as i64));
                return;
            }
            s = (s + 1) & mask;
        }
    }
}

/// Words of an entry array with `size` index slots and `cap` entries.
pub(crate) fn words_for(size: u64, cap: u64) -> usize {
    (1 + size + 3 * cap) as usize
}

/// The geometry a dict's entry array must have: `(words, entry slots)`.
pub(crate) fn expected_array(d: Value) -> (usize, u64) {
    // A corrupt size field must not overflow here (no table is this big).
    let log2 = field(d, PYDICT_LOG2_SIZE).min(40);
    let (size, cap) = (1u64 << log2, usable_fraction(log2));
    (words_for(size, cap), cap)
}

fn stored_hash(h: u64) -> Value {
    Value::small((h & ((1 << 62) - 1)) as i64)
}

/// The entry slots of `d`'s current array.
pub fn capacity(d: Value) -> usize {
    Table::of(d).map_or(0, |t| t.cap as usize)
}

/// Entry `i < nentries`: `(key, value)`, both NULL for a deleted entry.
pub fn entry(d: Value, i: usize) -> (Value, Value) {
    match Table::of(d) {
        Some(t) => t.entry(i),
        None => (Value::NULL, Value::NULL),
    }
}

/// The live entries, in insertion order (rooted only while `d` holds them).
pub fn items(d: Value) -> Vec<(Value, Value)> {
    items_in_place(d).collect()
}

/// [`items`] read as they are walked: `d` must not change meanwhile (a
/// frame hash walks every dict a frame reaches, with no allocation).
pub fn items_in_place(d: Value) -> impl Iterator<Item = (Value, Value)> {
    (0..nentries(d))
        .map(move |i| entry(d, i))
        .filter(|(k, _)| !k.is_null())
}

/// Checks that `key` can be a dict key (see [`pydict_hash::key_hash`]).
pub fn check_key(key: Value) -> Result<(), Raise> {
    pydict_hash::key_hash(key).map(|_| ())
}

/// Key identity: identity first, then `==` (keys hold no NaN).
fn key_eq(a: Value, b: Value) -> Result<bool, Raise> {
    if a == b {
        return Ok(true);
    }
    // Different hash classes never compare equal in CPython's lookup.
    if strs::is_str(a) != strs::is_str(b) {
        return Ok(false);
    }
    seq::eq(a, b, 0)
}

/// The entry and index slot of `key`, whose hash is `hash`.
fn find(d: Value, key: Value, hash: u64) -> Result<Option<(usize, u64)>, Raise> {
    let Some(t) = Table::of(d) else {
        return Ok(None);
    };
    let (mask, want) = (t.size - 1, stored_hash(hash));
    let mut s = hash & mask;
    for _ in 0..t.size {
        let v = t.read(t.slot_off(s));
        if v.is_null() {
            return Ok(None);
        }
        if v != DUMMY && v.is_small_int() {
            let i = v.small_value() as usize;
            if t.read(t.hash_off(i as u64)) == want {
                let (k, _) = t.entry(i);
                if !k.is_null() && key_eq(k, key)? {
                    return Ok(Some((i, s)));
                }
            }
        }
        s = (s + 1) & mask;
    }
    Ok(None)
}

/// `d[key]` if present.
pub fn get(d: Value, key: Value) -> Result<Option<Value>, Raise> {
    let hash = pydict_hash::key_hash(key)?;
    Ok(find(d, key, hash)?.map(|(i, _)| entry(d, i).1))
}

/// `key in d`.
pub fn contains(d: Value, key: Value) -> Result<bool, Raise> {
    Ok(get(d, key)?.is_some())
}

/// Moves the live entries into a new array for a table of `2^log2`
/// (CPython's `dictresize`), `d` rooted by the caller.
fn resize(arena: &mut Arena, d: Value, log2: u64) -> Result<(), Raise> {
    let fresh = Table::alloc(arena, log2)?;
    let mut n = 0;
    if let Some(old) = Table::of(d) {
        for i in 0..nentries(d) {
            let (k, v) = old.entry(i);
            if k.is_null() {
                continue;
            }
            let h = old.read(old.hash_off(i as u64)).small_value() as u64;
            fresh.write_entry(n, k, v, h);
            fresh.index(n, h);
            n += 1;
        }
    }
    set_field(d, PYDICT_ENTRIES, fresh.addr);
    set_field(d, PYDICT_NENTRIES, n as u64);
    set_field(d, PYDICT_USABLE, fresh.cap - n as u64);
    set_field(d, PYDICT_LOG2_SIZE, log2);
    Ok(())
}

/// `d[key] = value` (all three rooted by the caller).
pub fn set(arena: &mut Arena, d: Value, key: Value, value: Value) -> Result<(), Raise> {
    set_checked(arena, d, key, value, true)
}

/// `d[key] = value`; with `grow` false a new key is written at the next
/// slot whether or not the array has one (the planted bug
/// `dict-store-ignores-resize`; see [`crate::planted`]).
pub fn set_checked(
    arena: &mut Arena,
    d: Value,
    key: Value,
    value: Value,
    grow: bool,
) -> Result<(), Raise> {
    let hash = pydict_hash::key_hash(key)?;
    match find(d, key, hash)? {
        Some((i, _)) => {
            store_at(d, i, value);
            Ok(())
        }
        None => insert_absent(arena, d, key, value, hash, grow),
    }
}

/// The live entries whose hash is `hash`, as `(entry, index slot, key)`
/// in insertion order: the keys a lookup of a user-hashed key compares
/// with (`tier1::user_keys`, which runs the `__eq__` calls). Insertion
/// order, not slot order, so that the calls come in the reference's
/// order even after a deletion let a later key take an earlier slot.
pub fn same_hash(d: Value, hash: u64) -> Vec<(usize, u64, Value)> {
    let Some(t) = Table::of(d) else {
        return Vec::new();
    };
    let (mask, want) = (t.size - 1, stored_hash(hash));
    let mut s = hash & mask;
    let mut out = Vec::new();
    for _ in 0..t.size {
        let v = t.read(t.slot_off(s));
        if v.is_null() {
            break;
        }
        if v != DUMMY && v.is_small_int() {
            let i = v.small_value() as usize;
            if t.read(t.hash_off(i as u64)) == want {
                let (k, _) = t.entry(i);
                if !k.is_null() {
                    out.push((i, s, k));
                }
            }
        }
        s = (s + 1) & mask;
    }
    out.sort_by_key(|c| c.0);
    out
}

/// What Python code run during a lookup (a user `__eq__`) must leave as
/// it was for the lookup's findings to hold: the entry array and the keys
/// version.
pub fn layout_stamp(d: Value) -> (u64, u64) {
    (entries(d), field(d, PYDICT_KEYS_VERSION))
}

/// Stores `value` in entry `i`, which holds a live key.
pub fn store_at(d: Value, i: usize, value: Value) {
    if let Some(t) = Table::of(d) {
        let off = t.entry_off(i as u64);
        t.write(off + 8, value);
    }
}

/// Adds `key` (known absent, its hash `hash`) with `value` at the end;
/// `grow` as for [`set_checked`].
pub fn insert_absent(
    arena: &mut Arena,
    d: Value,
    key: Value,
    value: Value,
    hash: u64,
    grow: bool,
) -> Result<(), Raise> {
    seq::check_len(len(d) + 1)?;
    // The planted bug only skips growing an array that exists (writing
    // through a NULL array would be a different bug).
    if field(d, PYDICT_USABLE) == 0 && (grow || entries(d) == 0) {
        let log2 = if entries(d) == 0 {
            LOG2_MIN_SIZE
        } else {
            log2_for(3 * len(d) as u64)
        };
        resize(arena, d, log2)?;
    }
    let n = nentries(d);
    let Some(t) = Table::of(d) else {
        return Err(Raise::Internal(
            "a dict without an entry array after growing".into(),
        ));
    };
    t.write_entry(n, key, value, hash);
    t.index(n, hash);
    set_field(d, PYDICT_NENTRIES, n as u64 + 1);
    set_field(d, PYDICT_USABLE, field(d, PYDICT_USABLE).saturating_sub(1));
    set_field(d, PYDICT_USED, len(d) as u64 + 1);
    bump_keys_version(d);
    Ok(())
}

/// A key was added or removed (what iterators check, with the size).
fn bump_keys_version(d: Value) {
    set_field(
        d,
        PYDICT_KEYS_VERSION,
        field(d, PYDICT_KEYS_VERSION).wrapping_add(1),
    );
}

/// Removes `key`, returning its value if it was present (CPython's
/// `delitem`: the entry becomes a hole; the slots are not reused).
pub fn remove(d: Value, key: Value) -> Result<Option<Value>, Raise> {
    let hash = pydict_hash::key_hash(key)?;
    let Some((i, s)) = find(d, key, hash)? else {
        return Ok(None);
    };
    Ok(Some(remove_at(d, i, s)))
}

/// Removes entry `i`, recorded in index slot `s`, returning its value.
pub fn remove_at(d: Value, i: usize, s: u64) -> Value {
    let (_, v) = entry(d, i);
    if let Some(t) = Table::of(d) {
        t.write_entry(i, Value::NULL, Value::NULL, 0);
        t.write(t.hash_off(i as u64), Value::NULL);
        t.write(t.slot_off(s), DUMMY);
    }
    set_field(d, PYDICT_USED, len(d) as u64 - 1);
    bump_keys_version(d);
    v
}

/// `d.popitem()`: removes the last entry and gives it back (None when `d`
/// is empty). As CPython's `dict_popitem_impl`, the entries after it (all
/// holes) are given back too: the next insertion takes its slot.
pub fn popitem(d: Value) -> Result<Option<(Value, Value)>, Raise> {
    let Some(i) = (0..nentries(d)).rev().find(|&i| !entry(d, i).0.is_null()) else {
        return Ok(None);
    };
    let (k, v) = entry(d, i);
    // By its index slot, not by hashing the key again: CPython's popitem
    // calls no `__hash__`.
    let slot = Table::of(d).and_then(|t| {
        let mask = t.size - 1;
        let mut s = t.read(t.hash_off(i as u64)).small_value() as u64 & mask;
        (0..t.size).find_map(|_| {
            let here = s;
            s = (s + 1) & mask;
            (t.read(t.slot_off(here)) == Value::small(i as i64)).then_some(here)
        })
    });
    let Some(slot) = slot else {
        return Err(Raise::Internal(format!("dict entry {i} has no index slot")));
    };
    remove_at(d, i, slot);
    set_field(d, PYDICT_NENTRIES, i as u64);
    Ok(Some((k, v)))
}

/// `d.clear()`: back to the shared empty table.
pub fn clear(d: Value) {
    if len(d) > 0 {
        bump_keys_version(d);
    }
    set_field(d, PYDICT_ENTRIES, 0);
    set_field(d, PYDICT_NENTRIES, 0);
    set_field(d, PYDICT_USABLE, 0);
    set_field(d, PYDICT_USED, 0);
    set_field(d, PYDICT_LOG2_SIZE, LOG2_MIN_SIZE);
}

/// A copy of `src`'s table as it is, holes included (CPython's
/// `clone_combined_dict_keys`), into the empty `dst`.
fn clone_table(arena: &mut Arena, dst: Value, src: Value) -> Result<(), Raise> {
    let Some(from) = Table::of(src) else {
        return Ok(());
    };
    let fresh = Table::alloc(arena, field(src, PYDICT_LOG2_SIZE))?;
    // The same geometry: every word (index, hashes, entries) as it is.
    for w in 1..words_for(from.size, from.cap) as u64 {
        fresh.write(8 * w, from.read(8 * w));
    }
    for off in [
        PYDICT_USED,
        PYDICT_NENTRIES,
        PYDICT_USABLE,
        PYDICT_LOG2_SIZE,
    ] {
        set_field(dst, off, field(src, off));
    }
    set_field(dst, PYDICT_ENTRIES, fresh.addr);
    bump_keys_version(dst);
    Ok(())
}

/// `dst.update(src)` for a dict `src` (CPython's `dict_merge`), both
/// rooted by the caller.
pub fn merge(arena: &mut Arena, dst: Value, src: Value) -> Result<(), Raise> {
    if dst == src || len(src) == 0 {
        return Ok(());
    }
    let log2 = field(src, PYDICT_LOG2_SIZE);
    if len(dst) == 0
        && len(src) == nentries(src)
        && (log2 == LOG2_MIN_SIZE || usable_fraction(log2 - 1) < len(src) as u64)
    {
        return clone_table(arena, dst, src);
    }
    if usable_fraction(field(dst, PYDICT_LOG2_SIZE)) < len(src) as u64 {
        resize(arena, dst, estimate_log2((len(dst) + len(src)) as u64))?;
    }
    let mut i = 0;
    while i < nentries(src) {
        let (k, v) = entry(src, i);
        if !k.is_null() {
            set(arena, dst, k, v)?;
        }
        i += 1;
    }
    Ok(())
}

/// `d.copy()` (CPython's `PyDict_Copy`), `d` rooted by the caller.
pub fn copy(arena: &mut Arena, d: Value) -> Result<Value, Raise> {
    seq::rooted(arena, |arena| {
        let out = new(arena)?;
        arena.roots.temps.push(out);
        if len(d) == 0 {
            return Ok(out);
        }
        if len(d) >= nentries(d) * 2 / 3 {
            clone_table(arena, out, d)?;
        } else {
            merge(arena, out, d)?;
        }
        Ok(out)
    })
}

/// A view of `d` (rooted by the caller).
pub fn new_view(arena: &mut Arena, d: Value, which: Which) -> Result<Value, Raise> {
    let addr = arena.alloc(Kind::DictView, 3)?;
    // SAFETY: a freshly allocated view.
    unsafe {
        object::write(addr, DICT_VIEW_DICT, d.0);
        object::write(addr, DICT_VIEW_WHICH, which as u64);
    }
    Ok(Value(addr))
}

/// The dict and kind of a view.
pub fn view_parts(view: Value) -> (Value, Which) {
    (
        Value(field(view, DICT_VIEW_DICT)),
        Which::from_raw(field(view, DICT_VIEW_WHICH)),
    )
}

/// What an iterator yields.
pub fn iter_which(it: Value) -> Which {
    Which::from_raw(field(it, DICT_ITER_WHICH) & !super::dict_rev::REVERSED)
}

/// An iterator over a dict (its keys) or a view.
pub fn iter(arena: &mut Arena, v: Value) -> Result<Value, Raise> {
    let (d, which) = if is_view(v) {
        view_parts(v)
    } else {
        (v, Which::Keys)
    };
    let addr = arena.alloc(Kind::DictIter, 7)?;
    let it = Value(addr);
    set_field(it, DICT_ITER_DICT, d.0);
    set_field(it, DICT_ITER_WHICH, which as u64);
    set_field(it, DICT_ITER_USED, len(d) as u64);
    set_field(it, DICT_ITER_POS, 0);
    set_field(it, DICT_ITER_REMAINING, len(d) as u64);
    set_field(it, DICT_ITER_VERSION, field(d, PYDICT_KEYS_VERSION));
    Ok(it)
}

/// Whether the next step of dict iterator `it` finds it exhausted (without
/// stepping it): not when that step would raise or poison.
pub fn iter_exhausted(it: Value) -> bool {
    if super::dict_rev::is_reversed(it) {
        return super::dict_rev::exhausted(it);
    }
    let d = Value(field(it, DICT_ITER_DICT));
    if d.is_null() {
        return true;
    }
    if field(it, DICT_ITER_USED) != len(d) as u64
        || field(it, DICT_ITER_VERSION) != field(d, PYDICT_KEYS_VERSION)
    {
        return false;
    }
    let from = field(it, DICT_ITER_POS) as usize;
    (from..nentries(d)).all(|i| entry(d, i).0.is_null())
}

/// The next item of a dict iterator (CPython's `dictiter_iternextkey`):
/// a size change since the iterator was made raises; other keys at the
/// same size poison ([`Poison::Identity`], as the reference: CPython's
/// answer then depends on its table layout). An items iterator allocates
/// its tuple (the iterator rooted by the caller).
pub fn iter_next(arena: &mut Arena, it: Value) -> Result<Option<Value>, Raise> {
    if super::dict_rev::is_reversed(it) {
        return super::dict_rev::next(arena, it);
    }
    let d = Value(field(it, DICT_ITER_DICT));
    if d.is_null() {
        return Ok(None);
    }
    if field(it, DICT_ITER_USED) != len(d) as u64 {
        // Sticky, as CPython's `di_used = -1`.
        set_field(it, DICT_ITER_USED, u64::MAX);
        return Err(Raise::exc(
            "RuntimeError",
            "dictionary changed size during iteration".into(),
        ));
    }
    // Same size, other keys: what CPython does next depends on its table
    // layout (where the new keys landed), which the language leaves out.
    if field(it, DICT_ITER_VERSION) != field(d, PYDICT_KEYS_VERSION) {
        return Err(Raise::Poison(Poison::Identity));
    }
    let mut i = field(it, DICT_ITER_POS) as usize;
    while i < nentries(d) && entry(d, i).0.is_null() {
        i += 1;
    }
    // Exhausted for good, as CPython's `dictiter_iternextkey` drops the
    // dict: a later insertion neither resumes it nor makes it raise.
    // (A trace never steps an exhausted iterator: `for_iter_leaves_trace`.)
    if i >= nentries(d) {
        set_field(it, DICT_ITER_DICT, 0);
        return Ok(None);
    }
    if field(it, DICT_ITER_REMAINING) == 0 {
        set_field(it, DICT_ITER_DICT, 0);
        return Err(Raise::exc(
            "RuntimeError",
            "dictionary keys changed during iteration".into(),
        ));
    }
    set_field(it, DICT_ITER_POS, i as u64 + 1);
    set_field(it, DICT_ITER_REMAINING, field(it, DICT_ITER_REMAINING) - 1);
    let (k, v) = entry(d, i);
    Ok(Some(match iter_which(it) {
        Which::Keys => k,
        Which::Values => v,
        Which::Items => seq::new_tuple(arena, &[k, v])?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::float;

    fn stressed() -> Arena {
        let mut a = Arena::new();
        a.gc_stress = true;
        a.roots_ready = true;
        a
    }

    #[test]
    fn grows_through_resizes_and_keeps_insertion_order() {
        let mut a = stressed();
        let d = new(&mut a).unwrap();
        a.roots.fixed.push(d);
        for i in 0..100 {
            set(&mut a, d, Value::small(i), Value::small(i * 2)).unwrap();
        }
        assert_eq!(len(d), 100);
        assert!(capacity(d) >= 100);
        assert_eq!(get(d, Value::small(42)).unwrap(), Some(Value::small(84)));
        assert_eq!(items(d)[99], (Value::small(99), Value::small(198)));
        assert!(a.heap_errors.is_empty(), "{:?}", a.heap_errors);
    }

    #[test]
    fn numerically_equal_keys_are_one_key() {
        let mut a = Arena::new();
        let d = new(&mut a).unwrap();
        set(&mut a, d, Value::small(1), Value::small(10)).unwrap();
        set(&mut a, d, Value::TRUE, Value::small(20)).unwrap();
        assert_eq!(items(d), vec![(Value::small(1), Value::small(20))]);
        let one = float::new(&mut a, 1.0).unwrap();
        assert_eq!(get(d, one).unwrap(), Some(Value::small(20)));
    }

    #[test]
    fn nan_keys_poison_and_lists_are_unhashable() {
        let mut a = Arena::new();
        let d = new(&mut a).unwrap();
        let nan = float::new(&mut a, f64::NAN).unwrap();
        assert_eq!(get(d, nan), Err(Raise::Poison(Poison::Identity)));
        let list = seq::new_list(&mut a, &[]).unwrap();
        let t = seq::new_tuple(&mut a, &[nan, list]).unwrap();
        assert_eq!(
            get(d, t),
            Err(Raise::type_error("unhashable type: 'list'".into()))
        );
    }

    #[test]
    fn same_size_other_keys_during_iteration_poisons() {
        let mut a = Arena::new();
        let d = new(&mut a).unwrap();
        set(&mut a, d, Value::small(1), Value::NONE).unwrap();
        let it = iter(&mut a, d).unwrap();
        assert_eq!(iter_next(&mut a, it).unwrap(), Some(Value::small(1)));
        remove(d, Value::small(1)).unwrap();
        set(&mut a, d, Value::small(2), Value::NONE).unwrap();
        let err = iter_next(&mut a, it).unwrap_err();
        assert_eq!(err, Raise::Poison(Poison::Identity));
    }
}
