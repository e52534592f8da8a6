//! Set semantics (CPython 3.11), written from Objects/setobject.c's
//! description independently of the VM: an open-addressing table whose slot
//! order is the iteration order, so `repr`, `pop()` and every loop over a
//! set show CPython's order exactly when the hashes are CPython's.
//!
//! Language rules decided here (the VM follows the same):
//! - Hashes are CPython's for ints (value mod 2^61 - 1, -1 becomes -2),
//!   bools, floats (`_Py_HashDouble`), instances of a class with a user
//!   `__hash__` (the int it returned, see `eval_hash.rs`) and tuples of
//!   those (the xxHash mix).
//!   A str (randomized per process), None (its address in 3.11), a range
//!   (hashed through a tuple holding None) or a function hashes otherwise
//!   in every CPython process: while a set holds one, an operation whose
//!   result shows the order (iteration, `list`/`sorted`/`sum`/`min`/`max`
//!   of it, `repr`, `pop`) poisons with `Identity`. Membership, `len`,
//!   `add`, the algebra and `==` never show it.
//! - A NaN element poisons with `Identity` as a dict key does.
//! - Bulk fuel as dicts: a display, `set(x)`, `copy()` and `| & - ^`
//!   charge their result's length, the in-place operators the length
//!   after; `update` and the algebra methods also the items they step
//!   (`eval_set_algebra.rs`).

use std::cell::RefCell;

#[path = "set_ops.rs"]
mod ops;
pub use ops::*;

#[path = "set_by.rs"]
mod by;
pub use by::*;

use jitdiff_vm::lang::limits::{MAX_CONTAINER_NESTING, MAX_SEQUENCE_LEN};
use jitdiff_vm::lang::outcome::Poison;

use super::classes::HashKind;
use super::compare;
use super::eval::{Res, Stop, poison, type_error};
use super::value::{Int, Value};

/// A set: shared and mutable, so aliasing and `is` are CPython's.
#[derive(Debug)]
pub struct SetObj {
    pub data: RefCell<Table>,
}

#[derive(Debug, Clone)]
enum Slot {
    Unused,
    Deleted,
    Live(Value, u64),
}

/// CPython's set table: `slots.len()` is a power of two, at least 8.
#[derive(Debug, Clone)]
pub struct Table {
    slots: Vec<Slot>,
    fill: usize,
    used: usize,
    finger: usize,
}

const MIN_SLOTS: usize = 8;
const LINEAR: usize = 9;

impl Default for Table {
    fn default() -> Table {
        Table {
            slots: vec![Slot::Unused; MIN_SLOTS],
            fill: 0,
            used: 0,
            finger: 0,
        }
    }
}

const P: u64 = (1 << 61) - 1;

fn signed_residue(negative: bool, r: u64) -> u64 {
    let h = if negative { -(r as i64) } else { r as i64 };
    (if h == -1 { -2 } else { h }) as u64
}

pub(crate) fn hash_int(i: &Int) -> u64 {
    if let Int::Small(v) = i
        && v.unsigned_abs() < P
    {
        return signed_residue(*v < 0, v.unsigned_abs());
    }
    let big = i.to_big();
    let negative = big.sign() == num_bigint::Sign::Minus;
    let m = big.magnitude() % num_bigint::BigUint::from(P);
    signed_residue(negative, u64::try_from(&m).unwrap_or(0))
}

/// `_Py_HashDouble` of a non-NaN float.
fn hash_float(x: f64) -> u64 {
    if x.is_infinite() {
        return if x > 0.0 {
            314_159u64
        } else {
            (-314_159i64) as u64
        };
    }
    if x == 0.0 {
        return 0;
    }
    // frexp by hand: x = m * 2^e, 0.5 <= |m| < 1.
    let mut e: i64 = 0;
    let mut m = x.abs();
    while m >= 1.0 {
        m /= 2.0;
        e += 1;
    }
    while m < 0.5 {
        m *= 2.0;
        e -= 1;
    }
    let mut acc: u64 = 0;
    while m != 0.0 {
        acc = ((acc << 28) & P) | (acc >> 33);
        m *= 268_435_456.0;
        e -= 28;
        let whole = m.trunc();
        m -= whole;
        acc += whole as u64;
        if acc >= P {
            acc -= P;
        }
    }
    let e = e.rem_euclid(61) as u32;
    acc = ((acc << e) & P) | (acc >> (61 - e));
    signed_residue(x < 0.0, acc)
}

/// The hash CPython gives `v`, and whether it is the same in every
/// process; unhashable values raise, NaNs poison (after the whole value
/// proved hashable). A user `__hash__` needs the evaluator
/// ([`hash_by`]): here it poisons.
pub fn hash(v: &Value) -> Res<(u64, bool)> {
    hash_by(v, &mut |_| Err(poison(Poison::Unmodelled)))
}

/// [`hash`], each user-hashed instance's hash computed by `user` (its
/// `__hash__` called), in CPython's order: a tuple's items left to right.
pub fn hash_by(v: &Value, user: &mut UserHash) -> Res<(u64, bool)> {
    let mut nan = false;
    let mut stable = true;
    let h = hash_rec(v, &mut nan, &mut stable, 0, user)?;
    if nan {
        return Err(poison(Poison::Identity));
    }
    Ok((h, stable))
}

/// `hash(x)`: CPython's value where it is the same in every process;
/// the others (a str, None, an identity-hashed value) poison.
pub fn hash_builtin(args: &[Value]) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "hash() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let (h, stable) = hash(x)?;
    if !stable {
        return Err(poison(Poison::Identity));
    }
    // Py_hash_t is signed.
    Ok(Value::Int(Int::Small(h as i64)))
}

fn hash_rec(
    v: &Value,
    nan: &mut bool,
    stable: &mut bool,
    level: usize,
    user: &mut UserHash,
) -> Res<u64> {
    Ok(match v {
        Value::Int(i) => hash_int(i),
        Value::Bool(b) => u64::from(*b),
        Value::Float(x) if x.is_nan() => {
            *nan = true;
            0
        }
        Value::Float(x) => hash_float(*x),
        Value::Tuple(t) => {
            if level >= MAX_CONTAINER_NESTING {
                return Err(poison(Poison::Recursion));
            }
            let mut acc: u64 = 2_870_177_450_012_600_261;
            for x in &t.items {
                let lane = hash_rec(x, nan, stable, level + 1, user)?;
                acc = acc.wrapping_add(lane.wrapping_mul(14_029_467_366_897_019_727));
                acc = acc.rotate_left(31).wrapping_mul(11_400_714_785_074_694_791);
            }
            acc = acc.wrapping_add(t.items.len() as u64 ^ (2_870_177_450_012_600_261 ^ 3_527_539));
            if acc == u64::MAX { 1_546_275_796 } else { acc }
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) => return Err(unhashable(v)),
        Value::View(w) if w.kind != super::dict::ViewKind::Values => return Err(unhashable(v)),
        // Equal strs must land alike; the value itself is the reference's.
        Value::Str(s) => {
            *stable = false;
            s.bytes()
                .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        }
        Value::Range(r) => {
            *stable = false;
            let n = r.len();
            let mut h = hash_int(&Int::from_big(n.clone()));
            if n > num_bigint::BigInt::from(0) {
                h = h.wrapping_mul(31).wrapping_add(hash_int(&r.start));
            }
            if n > num_bigint::BigInt::from(1) {
                h = h.wrapping_mul(31).wrapping_add(hash_int(&r.step));
            }
            h
        }
        Value::Instance(o) => {
            // The class is read before any call: `__hash__` may assign
            // `__class__`.
            let kind = o.class().hash_kind;
            match kind {
                HashKind::Unhashable => return Err(unhashable(v)),
                // A user hash is the int the method returned: CPython's.
                HashKind::User => user(v)?,
                HashKind::Identity => {
                    *stable = false;
                    0x1234_5678
                }
            }
        }
        _ => {
            *stable = false;
            // Identity-hashed values are equal only to themselves.
            0x1234_5678
        }
    })
}

fn unhashable(v: &Value) -> Box<Stop> {
    type_error(format!("unhashable type: '{}'", v.type_name()))
}

fn same(a: &Value, b: &Value) -> Res<bool> {
    if matches!(a, Value::Str(_)) != matches!(b, Value::Str(_)) {
        return Ok(false);
    }
    // A user-hashed element's `==` is the evaluator's ([`SetObj::add_by`]).
    if (user_hashed(a) || user_hashed(b)) && !by::identical(a, b) {
        return Err(poison(Poison::Unmodelled));
    }
    compare::elem_eq(a, b, 1)
}

impl Table {
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    pub fn len(&self) -> usize {
        self.used
    }

    /// The probe sequence from `h`: runs of up to ten neighbours, then
    /// CPython's `i * 5 + 1 + perturb` jumps.
    fn probe(&self, h: u64, mut visit: impl FnMut(usize) -> Res<bool>) -> Res<()> {
        let mask = self.mask();
        let mut perturb = h;
        let mut i = (h as usize) & mask;
        loop {
            let run = if i + LINEAR <= mask { LINEAR } else { 0 };
            for j in i..=i + run {
                if visit(j)? {
                    return Ok(());
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// The slot of `v` if present.
    fn find(&self, v: &Value, h: u64) -> Res<Option<usize>> {
        let mut found = None;
        self.probe(h, |j| match &self.slots[j] {
            Slot::Unused => Ok(true),
            Slot::Live(k, kh) if *kh == h && same(k, v)? => {
                found = Some(j);
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok(found)
    }

    pub fn contains(&self, v: &Value) -> Res<bool> {
        if matches!(v, Value::Set(_)) {
            return Ok(false);
        }
        let (h, _) = hash(v)?;
        Ok(self.find(v, h)?.is_some())
    }

    fn add_hashed(&mut self, v: Value, h: u64) -> Res<()> {
        let mut reuse = None;
        let mut empty = None;
        let mut present = false;
        self.probe(h, |j| match &self.slots[j] {
            Slot::Unused => {
                empty = Some(j);
                Ok(true)
            }
            Slot::Live(k, kh) => {
                if *kh == h && same(k, &v)? {
                    present = true;
                    return Ok(true);
                }
                Ok(false)
            }
            Slot::Deleted => {
                reuse = Some(j);
                Ok(false)
            }
        })?;
        if present {
            return Ok(());
        }
        let empty = empty.expect("a probe ends at an unused slot");
        self.insert_absent(v, h, reuse, empty)
    }

    /// Stores an absent `v` where its probe ended: the last dummy met,
    /// else the unused slot (growing the table when it fills).
    fn insert_absent(&mut self, v: Value, h: u64, reuse: Option<usize>, empty: usize) -> Res<()> {
        if self.used + 1 > MAX_SEQUENCE_LEN {
            return Err(poison(Poison::SequenceTooLong));
        }
        self.used += 1;
        if let Some(j) = reuse {
            self.slots[j] = Slot::Live(v, h);
            return Ok(());
        }
        let j = empty;
        self.slots[j] = Slot::Live(v, h);
        self.fill += 1;
        if self.fill * 5 >= self.mask() * 3 {
            self.rebuild(self.grow_target());
        }
        Ok(())
    }

    fn grow_target(&self) -> usize {
        if self.used > 50_000 {
            self.used * 2
        } else {
            self.used * 4
        }
    }

    pub fn add(&mut self, v: Value) -> Res<()> {
        let (h, _) = hash(&v)?;
        self.add_hashed(v, h)
    }

    /// Slot-order reinsertion into the smallest table above `minused`.
    fn rebuild(&mut self, minused: usize) {
        let mut n = MIN_SLOTS;
        while n <= minused {
            n *= 2;
        }
        if n == MIN_SLOTS && self.slots.len() == MIN_SLOTS && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Unused; n]);
        for s in old {
            if let Slot::Live(k, h) = s {
                self.place_new(k, h);
            }
        }
        self.fill = self.used;
    }

    /// Puts an absent element in the first unused slot of its probe.
    fn place_new(&mut self, k: Value, h: u64) {
        let mut at = 0;
        let _ = self.probe(h, |j| {
            Ok(matches!(self.slots[j], Slot::Unused) && {
                at = j;
                true
            })
        });
        self.slots[at] = Slot::Live(k, h);
    }

    fn discard_hashed(&mut self, v: &Value, h: u64) -> Res<bool> {
        match self.find(v, h)? {
            Some(j) => {
                self.slots[j] = Slot::Deleted;
                self.used -= 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    pub fn discard(&mut self, v: &Value) -> Res<bool> {
        if matches!(v, Value::Set(_)) {
            return Ok(false);
        }
        let (h, _) = hash(v)?;
        self.discard_hashed(v, h)
    }

    /// Live `(element, hash)` in slot order.
    fn live(&self) -> Vec<(Value, u64)> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Live(k, h) => Some((k.clone(), *h)),
                _ => None,
            })
            .collect()
    }

    /// The first live slot at or after `from` and its element; poisons
    /// unless the order is CPython's in every process.
    pub fn live_after(&self, from: usize) -> Res<Option<(usize, Value)>> {
        if !self.stable() {
            return Err(poison(Poison::Identity));
        }
        Ok(self
            .slots
            .iter()
            .enumerate()
            .skip(from)
            .find_map(|(i, s)| match s {
                Slot::Live(k, _) => Some((i, k.clone())),
                _ => None,
            }))
    }

    /// Whether every element's place is the same in every CPython process.
    fn stable(&self) -> bool {
        self.slots.iter().all(|s| match s {
            Slot::Live(k, _) => hash_exact(k),
            _ => true,
        })
    }

    /// The elements in iteration order; poisons unless that order is
    /// CPython's in every process.
    pub fn ordered(&self) -> Res<Vec<Value>> {
        if !self.stable() {
            return Err(poison(Poison::Identity));
        }
        Ok(self.live().into_iter().map(|(k, _)| k).collect())
    }

    /// Whether the table order is CPython's in every process.
    pub fn order_is_stable(&self) -> bool {
        self.stable()
    }

    /// The elements in table order, whatever the order's stability.
    pub fn elements_any_order(&self) -> Vec<Value> {
        self.live().into_iter().map(|(k, _)| k).collect()
    }

    /// The elements in table order when every one is a str: `sorted` may
    /// read them whatever their places, since distinct strs sort to one
    /// order from any starting order and never fail to compare.
    pub fn str_elements(&self) -> Option<Vec<Value>> {
        let items: Vec<Value> = self.live().into_iter().map(|(k, _)| k).collect();
        items
            .iter()
            .all(|k| matches!(k, Value::Str(_)))
            .then_some(items)
    }

    pub fn pop(&mut self) -> Res<Value> {
        if self.used == 0 {
            return Err(super::exceptions::key_error(Value::Str(
                "pop from an empty set".into(),
            )));
        }
        if !self.stable() {
            return Err(poison(Poison::Identity));
        }
        let mask = self.mask();
        let mut j = self.finger & mask;
        while !matches!(self.slots[j], Slot::Live(..)) {
            j = if j == mask { 0 } else { j + 1 };
        }
        let Slot::Live(k, _) = std::mem::replace(&mut self.slots[j], Slot::Deleted) else {
            unreachable!("the loop stopped at a live slot")
        };
        self.used -= 1;
        self.finger = j + 1;
        Ok(k)
    }

    /// `clear()`: back to eight unused slots (the finger stays).
    pub fn clear(&mut self) {
        self.slots = vec![Slot::Unused; MIN_SLOTS];
        self.fill = 0;
        self.used = 0;
    }

    /// `self |= other` for a set `other` (CPython's `set_merge`).
    pub fn merge(&mut self, other: &Table) -> Res<()> {
        if other.used == 0 {
            return Ok(());
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.rebuild((self.used + other.used) * 2);
        }
        if self.used + other.used > MAX_SEQUENCE_LEN {
            return Err(poison(Poison::SequenceTooLong));
        }
        if self.fill == 0 && self.slots.len() == other.slots.len() && other.fill == other.used {
            self.slots = other.slots.clone();
            self.fill = other.fill;
            self.used = other.used;
            return Ok(());
        }
        if self.fill == 0 {
            for (k, h) in other.live() {
                self.place_new(k, h);
            }
            self.fill = other.used;
            self.used = other.used;
            return Ok(());
        }
        for (k, h) in other.live() {
            self.add_hashed(k, h)?;
        }
        Ok(())
    }

    pub(crate) fn copy(&self) -> Res<Table> {
        let mut t = Table::default();
        t.merge(self)?;
        Ok(t)
    }

    pub(crate) fn intersection(a: &Table, b: &Table) -> Res<Table> {
        let (small, big) = if b.used > a.used { (a, b) } else { (b, a) };
        let mut out = Table::default();
        for (k, h) in small.live() {
            if big.find(&k, h)?.is_some() {
                out.add_hashed(k, h)?;
            }
        }
        Ok(out)
    }

    pub(crate) fn difference_update(&mut self, other: &Table) -> Res<()> {
        let common;
        let other = if other.used >> 3 > self.used {
            common = Table::intersection(self, other)?;
            &common
        } else {
            other
        };
        for (k, h) in other.live() {
            self.discard_hashed(&k, h)?;
        }
        self.shrink_after_discards();
        Ok(())
    }

    /// `self` takes `t`'s table and counts, as CPython's `set_swap_bodies`
    /// (the `pop` finger is not part of the body).
    pub(crate) fn take_body(&mut self, t: Table) {
        let finger = self.finger;
        *self = Table { finger, ..t };
    }

    /// More than a quarter dummies after a difference update: rebuilt.
    pub(crate) fn shrink_after_discards(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            self.rebuild(self.grow_target());
        }
    }

    /// CPython's `set_contains_key`, which the algebra methods use on an
    /// iterable's items: a set item is unhashable here (only `in` and the
    /// `discard`/`remove` methods retry it as a frozenset).
    pub(crate) fn contains_key(&self, v: &Value) -> Res<bool> {
        let (h, _) = hash(v)?;
        Ok(self.find(v, h)?.is_some())
    }

    /// CPython's `set_discard_key`, as [`Self::contains_key`].
    pub(crate) fn discard_key(&mut self, v: &Value) -> Res<bool> {
        let (h, _) = hash(v)?;
        self.discard_hashed(v, h)
    }

    pub(crate) fn difference(a: &Table, b: &Table) -> Res<Table> {
        if a.used >> 2 > b.used {
            let mut out = a.copy()?;
            out.difference_update(b)?;
            return Ok(out);
        }
        let mut out = Table::default();
        for (k, h) in a.live() {
            if b.find(&k, h)?.is_none() {
                out.add_hashed(k, h)?;
            }
        }
        Ok(out)
    }

    pub(crate) fn symmetric_update(&mut self, other: &Table) -> Res<()> {
        for (k, h) in other.live() {
            if !self.discard_hashed(&k, h)? {
                self.add_hashed(k, h)?;
            }
        }
        Ok(())
    }

    /// Every element of `self` is in `other`.
    pub fn within(&self, other: &Table) -> Res<bool> {
        if self.used > other.used {
            return Ok(false);
        }
        for (k, h) in self.live() {
            if other.find(&k, h)?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
