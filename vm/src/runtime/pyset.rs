//! Python sets: the arena objects and CPython 3.11's table algorithm
//! (Objects/setobject.c), followed step for step because a set's iteration
//! order, and so its `repr`, `pop()` and every loop over it, is its table
//! layout. Operators, methods and `repr` are in [`super::pyset_ops`].
//!
//! The table: `mask + 1` slots of `(key, hash)` (at least 8), probed from
//! `hash & mask` through runs of up to `LINEAR_PROBES + 1` neighbours, then
//! `i = i * 5 + 1 + perturb` with `perturb` shifted right by 5 each round.
//! `fill` counts used and deleted slots; a deleted slot keeps the dummy key
//! (hash -1) until a resize drops it. An insertion into an unused slot that
//! brings `fill * 5` to `mask * 3` resizes to the smallest power of two
//! above `used * 4` (`used * 2` past 50,000). CPython keeps tables of 8 in
//! the object (its "smalltable"); here every table is a `SetEntries`
//! object, and a resize to 8 of a table of 8 without dummies does nothing,
//! as CPython's.
//!
//! Hashes are [`pydict_hash::set_hash`]'s: CPython's for ints, bools,
//! floats and tuples of them. A str, None, range or identity-hashed element
//! hashes otherwise in CPython in every process, so a set counts those it
//! holds (`unordered`), and an operation whose result shows the order
//! poisons while any is there ([`Poison::Identity`]).
//!
//! Rooting: as in [`super::seq`], inputs are rooted by the caller.

use super::arena::Arena;
use super::object::{
    self, Kind, PYSET_FILL, PYSET_FINGER, PYSET_MASK, PYSET_TABLE, PYSET_UNORDERED, PYSET_USED,
    SET_ITER_POS, SET_ITER_REMAINING, SET_ITER_SET, SET_ITER_USED,
};
use super::value::Value;
use super::{Raise, pydict_hash, seq, strs};
use crate::lang::Poison;

/// CPython's `PySet_MINSIZE`.
const MIN_SIZE: u64 = 8;
const LINEAR_PROBES: u64 = 9;
const PERTURB_SHIFT: u32 = 5;
/// The key of a deleted slot: an immediate no Python value uses.
pub const DUMMY: Value = Value((1000 << 2) | 2);
/// The hash of a deleted slot (CPython's -1).
const DUMMY_HASH: u64 = u64::MAX;

pub fn is_set(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::PySet
}
pub fn is_iter(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::SetIter
}

fn field(s: Value, off: u64) -> u64 {
    // SAFETY: callers pass a live object with a field at `off`.
    unsafe { object::read(s.0, off) }
}
fn set_field(s: Value, off: u64, v: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(s.0, off, v) }
}

/// `len(s)`.
pub fn len(s: Value) -> usize {
    field(s, PYSET_USED) as usize
}
fn fill(s: Value) -> u64 {
    field(s, PYSET_FILL)
}
fn mask(s: Value) -> u64 {
    field(s, PYSET_MASK)
}

/// A set's table: its address and mask.
#[derive(Clone, Copy)]
struct Table {
    addr: u64,
    mask: u64,
}

impl Table {
    fn of(s: Value) -> Table {
        Table {
            addr: field(s, PYSET_TABLE),
            mask: mask(s),
        }
    }
    fn key(&self, i: u64) -> Value {
        // SAFETY: `i <= mask`, inside the table.
        Value(unsafe { object::read(self.addr, 8 + 16 * i) })
    }
    fn hash(&self, i: u64) -> u64 {
        // SAFETY: as `key`.
        unsafe { object::read(self.addr, 16 + 16 * i) }
    }
    fn put(&self, i: u64, key: Value, hash: u64) {
        // SAFETY: as `key`.
        unsafe {
            object::write(self.addr, 8 + 16 * i, key.0);
            object::write(self.addr, 16 + 16 * i, hash);
        }
    }
    fn live(&self, i: u64) -> bool {
        let k = self.key(i);
        !k.is_null() && k != DUMMY
    }
}

fn alloc_table(arena: &mut Arena, size: u64) -> Result<u64, Raise> {
    Ok(arena.alloc(Kind::SetEntries, (1 + 2 * size) as usize)?)
}

/// An empty set (CPython's `make_new_set` without an iterable).
pub fn new(arena: &mut Arena) -> Result<Value, Raise> {
    let table = alloc_table(arena, MIN_SIZE)?;
    seq::rooted(arena, |arena| {
        arena.roots.temps.push(Value(table));
        let addr = arena.alloc(Kind::PySet, 7)?;
        let s = Value(addr);
        set_field(s, PYSET_MASK, MIN_SIZE - 1);
        set_field(s, PYSET_TABLE, table);
        Ok(s)
    })
}

/// Whether an element's hash is CPython's in every process (the element
/// is in the set, so it hashed).
fn unordered(key: Value) -> bool {
    !pydict_hash::reproducible(key)
}

fn bump_unordered(s: Value, key: Value, up: bool) {
    if unordered(key) {
        let n = field(s, PYSET_UNORDERED);
        set_field(
            s,
            PYSET_UNORDERED,
            if up { n + 1 } else { n.saturating_sub(1) },
        );
    }
}

/// Poisons when the order of `s`'s elements would show: it holds an
/// element whose CPython hash (so its place in the table) varies between
/// processes.
pub fn check_ordered(s: Value) -> Result<(), Raise> {
    if field(s, PYSET_UNORDERED) != 0 {
        return Err(Raise::Poison(Poison::Identity));
    }
    Ok(())
}

/// The elements of `s` in table order when every one is a str, whatever
/// their places: what `sorted(s)` may read, since distinct strs sort to
/// one order from any starting order and never fail to compare.
pub fn str_elements(s: Value) -> Option<Vec<Value>> {
    let items = keys(s);
    items.iter().all(|&k| strs::is_str(k)).then_some(items)
}

/// Element identity: identity first, then `==` (elements hold no NaN),
/// an instance's `__eq__` run by `user` (the stored element on the left,
/// as CPython's `set_lookkey` calls it).
fn key_eq(a: Value, b: Value, user: &mut seq::UserCmp) -> Result<bool, Raise> {
    if a == b {
        return Ok(true);
    }
    if strs::is_str(a) != strs::is_str(b) {
        return Ok(false);
    }
    seq::item_eq_by(a, b, 0, user)
}

/// CPython's `set_lookkey`: the slot holding `key`, or the unused slot
/// that ends its probe sequence (`(slot, found)`).
fn lookkey(s: Value, key: Value, hash: u64) -> Result<(u64, bool), Raise> {
    lookkey_by(s, key, hash, &mut seq::unmodelled_user_compare)
}

/// [`lookkey`], instances' `__eq__` run by `user`. Python code run there
/// may change the set: `user` must fail (and so end the probe) if it
/// did, since the table read before the call may be gone
/// (`tier1::user_keys` checks [`layout_stamp`]).
pub fn lookkey_by(
    s: Value,
    key: Value,
    hash: u64,
    user: &mut seq::UserCmp,
) -> Result<(u64, bool), Raise> {
    let t = Table::of(s);
    let mut perturb = hash;
    let mut i = hash & t.mask;
    loop {
        let probes = if i + LINEAR_PROBES <= t.mask {
            LINEAR_PROBES
        } else {
            0
        };
        for j in i..=i + probes {
            let k = t.key(j);
            if t.hash(j) == 0 && k.is_null() {
                return Ok((j, false));
            }
            if t.hash(j) == hash && k != DUMMY && key_eq(k, key, user)? {
                return Ok((j, true));
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & t.mask;
    }
}

/// CPython's `set_insert_clean`: `key` is known absent and the table has
/// no dummies.
fn insert_clean(t: Table, key: Value, hash: u64) {
    let mut perturb = hash;
    let mut i = hash & t.mask;
    loop {
        if t.key(i).is_null() {
            return t.put(i, key, hash);
        }
        if i + LINEAR_PROBES <= t.mask {
            for j in i + 1..=i + LINEAR_PROBES {
                if t.key(j).is_null() {
                    return t.put(j, key, hash);
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & t.mask;
    }
}

/// CPython's `set_table_resize`: a table of the smallest power of two
/// above `minused` (at least 8) holding the live elements, reinserted in
/// the old table's slot order. `s` rooted by the caller.
fn resize(arena: &mut Arena, s: Value, minused: u64) -> Result<(), Raise> {
    let mut size = MIN_SIZE;
    while size <= minused {
        size <<= 1;
    }
    // A table of 8 without dummies staying at 8: nothing to do.
    if size == MIN_SIZE && mask(s) == MIN_SIZE - 1 && fill(s) == len(s) as u64 {
        return Ok(());
    }
    let old = Table::of(s);
    let addr = alloc_table(arena, size)?;
    let fresh = Table {
        addr,
        mask: size - 1,
    };
    let old = Table {
        addr: field(s, PYSET_TABLE),
        ..old
    };
    for i in 0..=old.mask {
        if old.live(i) {
            insert_clean(fresh, old.key(i), old.hash(i));
        }
    }
    set_field(s, PYSET_TABLE, addr);
    set_field(s, PYSET_MASK, size - 1);
    set_field(s, PYSET_FILL, len(s) as u64);
    Ok(())
}

/// The resize CPython does after filling an unused slot or shedding
/// dummies: `used * 4`, or `used * 2` past 50,000.
fn grown_size(s: Value) -> u64 {
    let used = len(s) as u64;
    if used > 50_000 { used * 2 } else { used * 4 }
}

/// CPython's `set_add_entry` (`s` and `key` rooted by the caller).
pub fn add_entry(arena: &mut Arena, s: Value, key: Value, hash: u64) -> Result<(), Raise> {
    match add_probe(s, key, hash, &mut seq::unmodelled_user_compare)? {
        Some(place) => add_at(arena, s, key, hash, place),
        None => Ok(()),
    }
}

/// Where [`add_at`] puts a new element: the unused slot that ended the
/// probe, and the last dummy met on the way (reused first).
#[derive(Clone, Copy, Debug)]
pub struct AddPlace {
    unused: u64,
    freeslot: Option<u64>,
}

/// `set_add_entry`'s probe: None if `key` is there, else where it goes.
/// `user` runs instances' `__eq__`, as for [`lookkey_by`].
pub fn add_probe(
    s: Value,
    key: Value,
    hash: u64,
    user: &mut seq::UserCmp,
) -> Result<Option<AddPlace>, Raise> {
    let t = Table::of(s);
    let mut perturb = hash;
    let mut i = hash & t.mask;
    let mut freeslot = None;
    let unused = 'probe: loop {
        let probes = if i + LINEAR_PROBES <= t.mask {
            LINEAR_PROBES
        } else {
            0
        };
        for j in i..=i + probes {
            let k = t.key(j);
            let h = t.hash(j);
            if h == 0 && k.is_null() {
                break 'probe j;
            }
            if h == hash && k != DUMMY {
                if key_eq(k, key, user)? {
                    return Ok(None);
                }
            } else if h == DUMMY_HASH && k == DUMMY {
                // The last dummy met is the one reused (CPython's freeslot).
                freeslot = Some(j);
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & t.mask;
    };
    Ok(Some(AddPlace { unused, freeslot }))
}

/// Adds `key` (hash `hash`) where [`add_probe`] found room, the set
/// unchanged since.
pub fn add_at(
    arena: &mut Arena,
    s: Value,
    key: Value,
    hash: u64,
    place: AddPlace,
) -> Result<(), Raise> {
    let t = Table::of(s);
    let AddPlace { unused, freeslot } = place;
    seq::check_len(len(s) + 1)?;
    set_field(s, PYSET_USED, len(s) as u64 + 1);
    bump_unordered(s, key, true);
    if let Some(j) = freeslot {
        t.put(j, key, hash);
        return Ok(());
    }
    t.put(unused, key, hash);
    set_field(s, PYSET_FILL, fill(s) + 1);
    if fill(s) * 5 < t.mask * 3 {
        return Ok(());
    }
    resize(arena, s, grown_size(s))
}

/// `s.add(key)` (both rooted by the caller).
pub fn add(arena: &mut Arena, s: Value, key: Value) -> Result<(), Raise> {
    let (hash, _) = pydict_hash::set_hash(key)?;
    add_entry(arena, s, key, hash)
}

/// `key in s`.
pub fn contains(s: Value, key: Value) -> Result<bool, Raise> {
    let (hash, _) = pydict_hash::set_hash(key)?;
    contains_entry(s, key, hash)
}

fn contains_entry(s: Value, key: Value, hash: u64) -> Result<bool, Raise> {
    Ok(lookkey(s, key, hash)?.1)
}

/// CPython's `set_discard_entry`: whether `key` was there.
fn discard_entry(s: Value, key: Value, hash: u64) -> Result<bool, Raise> {
    let (slot, found) = lookkey(s, key, hash)?;
    if !found {
        return Ok(false);
    }
    discard_at(s, slot);
    Ok(true)
}

/// What Python code run during a probe (a user `__eq__`) must leave as it
/// was for the probe's findings to hold: the table, its fill and size,
/// and every slot's key.
pub fn layout_stamp(s: Value) -> (u64, u64, u64, u64, u64) {
    let t = Table::of(s);
    let keys = (0..=t.mask).fold(0xcbf2_9ce4_8422_2325u64, |h, i| {
        (h ^ t.key(i).0).wrapping_mul(0x100_0000_01b3)
    });
    (t.addr, t.mask, fill(s), len(s) as u64, keys)
}

/// Removes the element in `slot` (a live one, found by [`lookkey_by`]).
pub fn discard_at(s: Value, slot: u64) {
    let t = Table::of(s);
    bump_unordered(s, t.key(slot), false);
    t.put(slot, DUMMY, DUMMY_HASH);
    set_field(s, PYSET_USED, len(s) as u64 - 1);
}

/// `s.discard(key)`: whether it was there.
pub fn discard(s: Value, key: Value) -> Result<bool, Raise> {
    let (hash, _) = pydict_hash::set_hash(key)?;
    discard_entry(s, key, hash)
}

/// `s.pop()` (CPython's `set_pop`: from the finger on, wrapping), `None`
/// when empty. Which element comes out shows the order.
pub fn pop(s: Value) -> Result<Option<Value>, Raise> {
    if len(s) == 0 {
        return Ok(None);
    }
    check_ordered(s)?;
    let t = Table::of(s);
    let mut i = field(s, PYSET_FINGER) & t.mask;
    while !t.live(i) {
        i += 1;
        if i > t.mask {
            i = 0;
        }
    }
    let key = t.key(i);
    t.put(i, DUMMY, DUMMY_HASH);
    set_field(s, PYSET_USED, len(s) as u64 - 1);
    set_field(s, PYSET_FINGER, i + 1);
    bump_unordered(s, key, false);
    Ok(Some(key))
}

/// `s.clear()`: an empty table of 8 (the finger stays, as CPython's).
pub fn clear(arena: &mut Arena, s: Value) -> Result<(), Raise> {
    let table = alloc_table(arena, MIN_SIZE)?;
    set_field(s, PYSET_TABLE, table);
    set_field(s, PYSET_MASK, MIN_SIZE - 1);
    set_field(s, PYSET_FILL, 0);
    set_field(s, PYSET_USED, 0);
    set_field(s, PYSET_UNORDERED, 0);
    Ok(())
}

/// The live `(key, hash)` pairs in slot order: the iteration order.
pub fn entries(s: Value) -> Vec<(Value, u64)> {
    let t = Table::of(s);
    (0..=t.mask)
        .filter(|&i| t.live(i))
        .map(|i| (t.key(i), t.hash(i)))
        .collect()
}

/// The elements in iteration order, unchecked (for hashing frames and
/// internal walks that never show the order).
pub fn keys(s: Value) -> Vec<Value> {
    entries(s).into_iter().map(|(k, _)| k).collect()
}

/// CPython's `set_merge`: `so |= other` for a set `other`.
pub fn merge(arena: &mut Arena, so: Value, other: Value) -> Result<(), Raise> {
    if so == other || len(other) == 0 {
        return Ok(());
    }
    let other_used = len(other) as u64;
    if (fill(so) + other_used) * 5 >= mask(so) * 3 {
        resize(arena, so, (len(so) as u64 + other_used) * 2)?;
    }
    let (t, o) = (Table::of(so), Table::of(other));
    seq::check_len(len(so) + len(other))?;
    if fill(so) == 0 && t.mask == o.mask && fill(other) == other_used {
        // Same geometry, no dummies: slot for slot.
        for i in 0..=o.mask {
            let k = o.key(i);
            if !k.is_null() {
                t.put(i, k, o.hash(i));
            }
        }
        set_field(so, PYSET_FILL, fill(other));
        set_field(so, PYSET_USED, other_used);
        set_field(so, PYSET_UNORDERED, field(other, PYSET_UNORDERED));
        return Ok(());
    }
    if fill(so) == 0 {
        for i in 0..=o.mask {
            if o.live(i) {
                insert_clean(t, o.key(i), o.hash(i));
            }
        }
        set_field(so, PYSET_FILL, other_used);
        set_field(so, PYSET_USED, other_used);
        set_field(so, PYSET_UNORDERED, field(other, PYSET_UNORDERED));
        return Ok(());
    }
    for (k, h) in entries(other) {
        add_entry(arena, so, k, h)?;
    }
    Ok(())
}

/// The presize CPython's `set_update_internal` does for a dict of `n`
/// keys before adding them.
pub fn presize_for(arena: &mut Arena, so: Value, n: usize) -> Result<(), Raise> {
    if (fill(so) + n as u64) * 5 >= mask(so) * 3 {
        resize(arena, so, (len(so) + n) as u64 * 2)?;
    }
    Ok(())
}

/// CPython's `set_intersection` of two sets: the smaller one walked in
/// slot order, each element also in the larger one added to a new set.
pub fn intersection(arena: &mut Arena, a: Value, b: Value) -> Result<Value, Raise> {
    if a == b {
        return copy(arena, a);
    }
    let (big, small) = if len(b) > len(a) { (b, a) } else { (a, b) };
    seq::rooted(arena, |arena| {
        let out = new(arena)?;
        arena.roots.temps.push(out);
        for (k, h) in entries(small) {
            if contains_entry(big, k, h)? {
                add_entry(arena, out, k, h)?;
            }
        }
        Ok(out)
    })
}

/// CPython's `set_difference_update_internal` for a set `other`.
pub fn difference_update(arena: &mut Arena, so: Value, other: Value) -> Result<(), Raise> {
    if so == other {
        return clear(arena, so);
    }
    seq::rooted(arena, |arena| {
        // Against a much larger set, only the common elements matter.
        let other = if len(other) >> 3 > len(so) {
            let common = intersection(arena, so, other)?;
            arena.roots.temps.push(common);
            common
        } else {
            other
        };
        for (k, h) in entries(other) {
            discard_entry(so, k, h)?;
        }
        Ok(())
    })?;
    shrink_after_discards(arena, so)
}

/// The end of CPython's `set_difference_update_internal`: more than a
/// quarter dummies are resized away.
pub fn shrink_after_discards(arena: &mut Arena, so: Value) -> Result<(), Raise> {
    if fill(so) - len(so) as u64 <= mask(so) / 4 {
        return Ok(());
    }
    resize(arena, so, grown_size(so))
}

/// CPython's `set_difference` of two sets.
pub fn difference(arena: &mut Arena, so: Value, other: Value) -> Result<Value, Raise> {
    if len(so) >> 2 > len(other) {
        return seq::rooted(arena, |arena| {
            let out = copy(arena, so)?;
            arena.roots.temps.push(out);
            difference_update(arena, out, other)?;
            Ok(out)
        });
    }
    seq::rooted(arena, |arena| {
        let out = new(arena)?;
        arena.roots.temps.push(out);
        for (k, h) in entries(so) {
            if !contains_entry(other, k, h)? {
                add_entry(arena, out, k, h)?;
            }
        }
        Ok(out)
    })
}

/// CPython's `set_symmetric_difference_update` for a set `other`.
pub fn symmetric_difference_update(
    arena: &mut Arena,
    so: Value,
    other: Value,
) -> Result<(), Raise> {
    if so == other {
        return clear(arena, so);
    }
    for (k, h) in entries(other) {
        if !discard_entry(so, k, h)? {
            add_entry(arena, so, k, h)?;
        }
    }
    Ok(())
}

/// CPython's `set_symmetric_difference`: a copy of `other`, updated by
/// `so`.
pub fn symmetric_difference(arena: &mut Arena, so: Value, other: Value) -> Result<Value, Raise> {
    seq::rooted(arena, |arena| {
        let out = copy(arena, other)?;
        arena.roots.temps.push(out);
        symmetric_difference_update(arena, out, so)?;
        Ok(out)
    })
}

/// `s.copy()` (CPython's `make_new_set` from a set: a merge into an empty
/// set).
pub fn copy(arena: &mut Arena, s: Value) -> Result<Value, Raise> {
    seq::rooted(arena, |arena| {
        let out = new(arena)?;
        arena.roots.temps.push(out);
        merge(arena, out, s)?;
        Ok(out)
    })
}

/// Every element of `a` is in `b` (CPython's `set_issubset`).
pub fn is_subset(a: Value, b: Value) -> Result<bool, Raise> {
    if len(a) > len(b) {
        return Ok(false);
    }
    for (k, h) in entries(a) {
        if !contains_entry(b, k, h)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `iter(s)`: poisons when the order would show (see [`check_ordered`]).
pub fn iter(arena: &mut Arena, s: Value) -> Result<Value, Raise> {
    check_ordered(s)?;
    let addr = arena.alloc(Kind::SetIter, 5)?;
    let it = Value(addr);
    set_field(it, SET_ITER_SET, s.0);
    set_field(it, SET_ITER_USED, len(s) as u64);
    set_field(it, SET_ITER_POS, 0);
    set_field(it, SET_ITER_REMAINING, len(s) as u64);
    Ok(it)
}

/// The slot the next step of `it` would yield, if any.
fn next_slot(s: Value, pos: u64) -> Option<u64> {
    let t = Table::of(s);
    (pos..=t.mask).find(|&i| t.live(i))
}

/// The next element of a set iterator (CPython's `setiter_iternext`): a
/// size change raises (sticky); an element that would show an
/// irreproducible order poisons.
pub fn iter_next(it: Value) -> Result<Option<Value>, Raise> {
    let s = Value(field(it, SET_ITER_SET));
    if s.is_null() {
        return Ok(None);
    }
    if field(it, SET_ITER_USED) != len(s) as u64 {
        set_field(it, SET_ITER_USED, u64::MAX);
        return Err(Raise::exc(
            "RuntimeError",
            "Set changed size during iteration".into(),
        ));
    }
    check_ordered(s)?;
    let pos = field(it, SET_ITER_POS);
    // Exhausted for good, as CPython's `setiter_iternext` drops the set.
    let Some(i) = next_slot(s, pos) else {
        set_field(it, SET_ITER_SET, 0);
        return Ok(None);
    };
    set_field(it, SET_ITER_POS, i + 1);
    set_field(
        it,
        SET_ITER_REMAINING,
        field(it, SET_ITER_REMAINING).saturating_sub(1),
    );
    Ok(Some(Table::of(s).key(i)))
}

/// Whether the next step of set iterator `it` finds it exhausted (not
/// when that step would raise).
pub fn iter_exhausted(it: Value) -> bool {
    let s = Value(field(it, SET_ITER_SET));
    if s.is_null() {
        return true;
    }
    if field(it, SET_ITER_USED) != len(s) as u64 || field(s, PYSET_UNORDERED) != 0 {
        return false;
    }
    next_slot(s, field(it, SET_ITER_POS)).is_none()
}

/// The iterator's set (NULL once dropped) and position, for hashing.
pub fn iter_parts(it: Value) -> (Value, u64) {
    (Value(field(it, SET_ITER_SET)), field(it, SET_ITER_POS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stressed() -> Arena {
        let mut a = Arena::new();
        a.gc_stress = true;
        a.roots_ready = true;
        a
    }

    fn ints(s: Value) -> Vec<i64> {
        keys(s).into_iter().map(|v| v.small_value()).collect()
    }

    /// Orders hand-checked against CPython 3.11.
    #[test]
    fn orders_are_cpythons_through_resizes_and_dummies() {
        let mut a = stressed();
        let s = new(&mut a).unwrap();
        a.roots.fixed.push(s);
        for x in [5, 3, 17, 9, 1, 100, 33, -1] {
            add(&mut a, s, Value::small(x)).unwrap();
        }
        // s = set(); for x in [5, 3, 17, 9, 1, 100, 33, -1]: s.add(x)
        assert_eq!(ints(s), vec![1, 33, 3, 100, 5, 9, 17, -1]);
        discard(s, Value::small(33)).unwrap();
        add(&mut a, s, Value::small(65)).unwrap();
        // s.discard(33); s.add(65)
        assert_eq!(ints(s), vec![1, 65, 3, 100, 5, 9, 17, -1]);
        assert!(a.heap_errors.is_empty(), "{:?}", a.heap_errors);
    }
}
