//! Dict semantics (CPython 3.11): an insertion-ordered mapping with
//! identity, its keys (hashability, numeric key equality: `1`, `1.0` and
//! `True` are one key, the first inserted key object is kept), lookups,
//! stores, removal, the views `keys()`/`values()`/`items()`, iteration
//! with CPython's "changed size during iteration" check, `==`, and the
//! dict methods and `dict()`.
//!
//! Language rules decided here (the VM follows the same):
//! - A key that is or contains a NaN float poisons with `Identity` (CPython
//!   finds such a key only through the very same float object), checked
//!   after the key proved hashable (an unhashable item after the NaN in a
//!   tuple is still CPython's TypeError).
//! - A key nested more than `MAX_CONTAINER_NESTING` tuples deep poisons
//!   with `Recursion`, like a comparison that deep.
//! - A key that is or holds an instance of a class with a user `__hash__`
//!   is hashed and compared by the evaluator (`eval_hash.rs`) in the
//!   operations it covers; anywhere else it poisons with `Unmodelled`.
//! - A dict longer than `MAX_SEQUENCE_LEN` poisons with `SequenceTooLong`.
//!   Bulk fuel as for lists: a display or `dict(x)` of n entries, `copy()`
//!   and `d | e` charge their result's length, `update` and `|=` the length
//!   after (as `extend`).
//! - An iteration whose dict kept its size but gained or lost a key since
//!   the iteration began poisons with `Identity`: what CPython does then
//!   depends on its table layout, which the language leaves out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use jitdiff_vm::lang::limits::{MAX_CONTAINER_NESTING, MAX_SEQUENCE_LEN};
use jitdiff_vm::lang::outcome::Poison;

use super::classes::HashKind;
use super::compare;
use super::eval::{Res, Stop, exception, poison, type_error};
use super::float;
use super::set;
use super::value::{Int, TupleObj, Value};

#[path = "dict_by.rs"]
mod by;

/// A dict: shared and mutable, so aliasing and `is` are CPython's.
#[derive(Debug, Default)]
pub struct DictObj {
    pub data: RefCell<DictData>,
}

/// The entries in insertion order (a removed entry leaves a hole until the
/// next compaction) and a hash index over them.
#[derive(Debug, Default)]
pub struct DictData {
    entries: Vec<Option<(Value, Value)>>,
    /// Each entry's key digest, kept for compaction (rehashing a
    /// user-hashed key would call its `__hash__` again).
    digests: Vec<Digest>,
    index: HashMap<Digest, Vec<usize>>,
    len: usize,
    /// Bumped whenever a key is added or removed (iterators check it).
    keys_version: u64,
}

/// Which view a `keys()`, `values()` or `items()` call made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

impl ViewKind {
    pub fn type_name(self) -> &'static str {
        match self {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }
}

/// A live view of a dict (it sees later changes). Each call makes a new
/// one, so views have identities of their own.
#[derive(Debug)]
pub struct ViewObj {
    pub dict: Rc<DictObj>,
    pub kind: ViewKind,
}

/// A key, checked and hashed once per operation.
pub struct Key<'a> {
    value: &'a Value,
    hash: Digest,
}

/// Where a key is indexed: `(true, h)` for a key whose CPython hash `h` is
/// known (numbers, user-hashed instances, tuples of those), so that keys
/// CPython would compare (equal hashes) meet; `(false, d)` for the others,
/// `d` any digest consistent with equality (CPython's hashes of those
/// differ from any known one but by chance).
type Digest = (bool, u64);

/// `TypeError: unhashable type: 'list'`.
fn unhashable(v: &Value) -> Box<Stop> {
    type_error(format!("unhashable type: '{}'", v.type_name()))
}

/// Hashes `v` into `h`, consistent with key equality ([`keys_equal`]);
/// sets `nan` when a NaN float is met.
fn hash_into(v: &Value, h: &mut impl Hasher, nan: &mut bool, level: usize) -> Res<()> {
    match v {
        Value::Int(_) | Value::Bool(_) => hash_int(&v.as_int().unwrap_or(Int::Small(0)), h),
        Value::Float(f) => {
            // An integral float hashes as the int it equals (`-0.0` as 0).
            if f.is_nan() {
                *nan = true;
            } else if f.fract() == 0.0
                && let Ok(i) = float::to_int(*f)
            {
                hash_int(&i, h);
            } else {
                1u8.hash(h);
                f.to_bits().hash(h);
            }
        }
        Value::None => 2u8.hash(h),
        Value::Str(s) => {
            3u8.hash(h);
            s.hash(h);
        }
        Value::Tuple(t) => {
            if level >= MAX_CONTAINER_NESTING {
                return Err(poison(Poison::Recursion));
            }
            4u8.hash(h);
            t.items.len().hash(h);
            for x in &t.items {
                hash_into(x, h, nan, level + 1)?;
            }
        }
        Value::Range(r) => {
            // Equal ranges describe the same sequence: hash what decides it.
            5u8.hash(h);
            let n = r.len();
            n.hash(h);
            if n > num_bigint::BigInt::from(0u8) {
                r.start.to_big().hash(h);
            }
            if n > num_bigint::BigInt::from(1u8) {
                r.step.to_big().hash(h);
            }
        }
        Value::Func(f) => (6u8, Rc::as_ptr(f) as usize).hash(h),
        Value::Class(c) => (11u8, Rc::as_ptr(c) as usize).hash(h),
        Value::Instance(o) => match o.class().hash_kind {
            HashKind::Unhashable => return Err(unhashable(v)),
            // Only `Key::new_by` hashes these (by the evaluator).
            HashKind::User => return Err(poison(Poison::Unmodelled)),
            HashKind::Identity => (12u8, Rc::as_ptr(o) as usize).hash(h),
        },
        Value::Exc(e) => (14u8, Rc::as_ptr(e) as usize).hash(h),
        // Where it lands in a table depends on its address.
        Value::Gen(_) => {
            return Err(super::eval::poison(
                jitdiff_vm::lang::outcome::Poison::Identity,
            ));
        }
        // Equal methods (the same function bound to the same object) hash
        // alike.
        Value::Method(m) => {
            13u8.hash(h);
            (Rc::as_ptr(&m.func) as usize).hash(h);
            match &m.receiver {
                Value::Instance(o) => (Rc::as_ptr(o) as usize).hash(h),
                Value::Class(c) => (Rc::as_ptr(c) as usize).hash(h),
                _ => {}
            }
        }
        Value::Iter(it) => (9u8, Rc::as_ptr(it) as usize).hash(h),
        Value::Builtin(b) => (7u8, b.name()).hash(h),
        Value::NotImplemented => 10u8.hash(h),
        Value::Module => 9u8.hash(h),
        // Arrays are unhashable, the module and type hashed by identity:
        // neither is modelled.
        Value::Arr(_) => return Err(super::eval::poison(Poison::Unmodelled)),
        Value::Math(m) => (10u8, m.name()).hash(h),
        // The module, and bound methods of its hidden instance (by that
        // instance's identity in CPython): the names stand for both.
        Value::Rand(r) => (12u8, r.name(), *r == super::random::RandFn::Module).hash(h),
        Value::Descr(d) => (11u8, d.owner.name(), d.meth.name()).hash(h),
        Value::View(v) if v.kind == ViewKind::Values => (8u8, Rc::as_ptr(v) as usize).hash(h),
        Value::List(_) | Value::Dict(_) | Value::View(_) | Value::Set(_) => {
            return Err(unhashable(v));
        }
        // Hashed and compared by the receiver's identity in CPython.
        Value::Bound(_) => return Err(poison(Poison::Identity)),
    }
    Ok(())
}

fn hash_int(i: &Int, h: &mut impl Hasher) {
    0u8.hash(h);
    match i {
        Int::Small(v) => v.hash(h),
        Int::Big(b) => b.hash(h),
    }
}

impl<'a> Key<'a> {
    /// Checks `v` is a usable key: hashable (else CPython's TypeError),
    /// then free of NaN (else the `Identity` poison). A user-hashed key
    /// needs the evaluator ([`Key::new_by`]): here it poisons.
    pub fn new(value: &'a Value) -> Res<Key<'a>> {
        Key::new_by(value, &mut |_| Err(poison(Poison::Unmodelled)))
    }

    /// [`Key::new`], user-hashed instances hashed by `user` (their
    /// `__hash__` called, left to right in a tuple).
    pub fn new_by(value: &'a Value, user: &mut set::UserHash) -> Res<Key<'a>> {
        if set::user_hashed(value) {
            let (h, exact) = set::hash_by(value, user)?;
            // With a str (or the like) beside it CPython's hash is unknown,
            // and so are the keys it would compare it with.
            if !exact {
                return Err(poison(Poison::Unmodelled));
            }
            return Ok(Key {
                value,
                hash: (true, h),
            });
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut nan = false;
        hash_into(value, &mut h, &mut nan, 0)?;
        if nan {
            return Err(poison(Poison::Identity));
        }
        let hash = match value {
            Value::Str(_) => (false, h.finish()),
            _ => match set::hash(value) {
                Ok((exact, true)) => (true, exact),
                _ => (false, h.finish()),
            },
        };
        Ok(Key { value, hash })
    }
}

/// Equality of two keys (both hashable and NaN-free): numbers by value,
/// tuples item by item, the rest as `==` does. A key with a user-hashed
/// part compares through the evaluator ([`DictObj::find_by`]): here it
/// poisons unless the two are one object.
fn keys_equal(a: &Value, b: &Value) -> Res<bool> {
    if set::user_hashed(a) || set::user_hashed(b) {
        return match set::identical(a, b) {
            true => Ok(true),
            false => Err(poison(Poison::Unmodelled)),
        };
    }
    Ok(keys_equal_plain(a, b))
}

fn keys_equal_plain(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Tuple(x), Value::Tuple(y)) => {
            Rc::ptr_eq(x, y)
                || (x.items.len() == y.items.len()
                    && x.items
                        .iter()
                        .zip(&y.items)
                        .all(|(p, q)| keys_equal_plain(p, q)))
        }
        (Value::View(x), Value::View(y)) => Rc::ptr_eq(x, y),
        _ => a.py_eq(b),
    }
}

impl DictData {
    pub fn len(&self) -> usize {
        self.len
    }

    fn find(&self, k: &Key) -> Res<Option<usize>> {
        let Some(slots) = self.index.get(&k.hash) else {
            return Ok(None);
        };
        for &i in slots {
            if let Some(Some((key, _))) = self.entries.get(i)
                && keys_equal(key, k.value)?
            {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    pub fn get(&self, k: &Key) -> Res<Option<Value>> {
        Ok(self.find(k)?.and_then(|i| self.value_at(i)))
    }

    /// The value of entry `i`, if it is live.
    fn value_at(&self, i: usize) -> Option<Value> {
        self.entries.get(i)?.as_ref().map(|(_, v)| v.clone())
    }

    /// `d[k] = v`: an existing key keeps its key object and position.
    pub fn insert(&mut self, k: &Key, v: Value) -> Res<()> {
        match self.find(k)? {
            Some(i) => {
                self.set_value(i, v);
                Ok(())
            }
            None => self.insert_new(k, v),
        }
    }

    fn set_value(&mut self, i: usize, v: Value) {
        if let Some(Some(entry)) = self.entries.get_mut(i) {
            entry.1 = v;
        }
    }

    /// Appends an entry for `k`, known absent.
    fn insert_new(&mut self, k: &Key, v: Value) -> Res<()> {
        if self.len >= MAX_SEQUENCE_LEN {
            return Err(poison(Poison::SequenceTooLong));
        }
        self.index
            .entry(k.hash)
            .or_default()
            .push(self.entries.len());
        self.entries.push(Some((k.value.clone(), v)));
        self.digests.push(k.hash);
        self.len += 1;
        self.keys_version += 1;
        Ok(())
    }

    /// Removes `k`, giving its value back.
    pub fn remove(&mut self, k: &Key) -> Res<Option<Value>> {
        Ok(match self.find(k)? {
            Some(i) => self.remove_at(i),
            None => None,
        })
    }

    /// Removes the last entry, giving it back.
    pub fn pop_last(&mut self) -> Option<(Value, Value)> {
        let i = self.entries.iter().rposition(Option::is_some)?;
        let k = self.entries.get(i)?.as_ref()?.0.clone();
        self.remove_at(i).map(|v| (k, v))
    }

    /// Removes entry `i`, giving its value back.
    fn remove_at(&mut self, i: usize) -> Option<Value> {
        let hash = *self.digests.get(i)?;
        if let Some(slots) = self.index.get_mut(&hash) {
            slots.retain(|&j| j != i);
            if slots.is_empty() {
                self.index.remove(&hash);
            }
        }
        let (_, v) = self.entries.get_mut(i)?.take()?;
        self.len -= 1;
        self.keys_version += 1;
        // Holes are compacted away once they outnumber the entries; any
        // iteration in progress fails its next step anyway (a key left).
        if self.entries.len() > 16 && self.entries.len() > 2 * self.len {
            self.compact();
        }
        Some(v)
    }

    fn compact(&mut self) {
        let digests = std::mem::take(&mut self.digests);
        let entries = std::mem::take(&mut self.entries);
        self.index.clear();
        for (entry, hash) in entries.into_iter().zip(digests) {
            if let Some(entry) = entry {
                self.index.entry(hash).or_default().push(self.entries.len());
                self.entries.push(Some(entry));
                self.digests.push(hash);
            }
        }
    }

    pub fn clear(&mut self) {
        if self.len > 0 {
            self.keys_version += 1;
        }
        self.entries.clear();
        self.digests.clear();
        self.index.clear();
        self.len = 0;
    }

    /// The live entries in order.
    pub fn iter(&self) -> impl Iterator<Item = &(Value, Value)> {
        self.entries.iter().flatten()
    }

    /// Everything, for dropping without recursion.
    pub fn take_all(&mut self) -> Vec<Value> {
        self.index.clear();
        self.digests.clear();
        self.len = 0;
        self.entries
            .drain(..)
            .flatten()
            .flat_map(|(k, v)| [k, v])
            .collect()
    }
}

// Freed without recursion, like lists (see `value::drop_iteratively`).
impl Drop for DictObj {
    fn drop(&mut self) {
        let items = self.data.get_mut().take_all();
        if items.iter().any(Value::is_container) {
            super::value::drop_iteratively(items);
        }
    }
}

impl DictObj {
    pub fn len(&self) -> usize {
        self.data.borrow().len()
    }

    /// `d[k]`: KeyError with `repr(k)` (CPython's `str(KeyError(k))`).
    pub fn subscript(&self, k: &Value) -> Res<Value> {
        let key = Key::new(k)?;
        let found = self.data.borrow().get(&key)?;
        match found {
            Some(v) => Ok(v),
            None => Err(key_error(k)),
        }
    }

    pub fn store(&self, k: &Value, v: Value) -> Res<()> {
        let key = Key::new(k)?;
        self.data.borrow_mut().insert(&key, v)
    }

    pub fn contains(&self, k: &Value) -> Res<bool> {
        let key = Key::new(k)?;
        Ok(self.data.borrow().find(&key)?.is_some())
    }

    /// A snapshot of the entries (for the bulk operations).
    pub fn pairs(&self) -> Vec<(Value, Value)> {
        self.data.borrow().iter().cloned().collect()
    }
}

/// A dict display's entries, stored in order (a repeated key keeps its
/// first key object and its last value), bulk-charged on the length.
pub fn display(h: &mut super::seq::Heap, pairs: Vec<(Value, Value)>) -> Res<Value> {
    let d = h.dict();
    for (k, v) in pairs {
        d.store(&k, v)?;
    }
    h.bulk(d.len());
    Ok(Value::Dict(d))
}

pub fn key_error(k: &Value) -> Box<Stop> {
    super::exceptions::key_error(k.clone())
}

/// Where a dict iteration stands: the next entry position, and the size
/// and key version it started from.
pub struct DictIter {
    dict: Rc<DictObj>,
    kind: ViewKind,
    pos: usize,
    len: usize,
    version: u64,
    done: bool,
    /// `reversed(d)`: `pos` counts down (one past the next entry).
    reverse: bool,
}

impl DictIter {
    pub fn new(dict: Rc<DictObj>, kind: ViewKind) -> DictIter {
        let (len, version) = {
            let d = dict.data.borrow();
            (d.len, d.keys_version)
        };
        DictIter {
            dict,
            kind,
            pos: 0,
            len,
            version,
            done: false,
            reverse: false,
        }
    }

    /// `reversed(d)` or `reversed(view)`: the last entry first.
    pub fn reversed(dict: Rc<DictObj>, kind: ViewKind) -> DictIter {
        let mut it = DictIter::new(dict, kind);
        it.pos = it.dict.data.borrow().entries.len();
        it.reverse = true;
        it
    }

    /// The type name of a forward iterator (CPython's).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ViewKind::Keys => "dict_keyiterator",
            ViewKind::Values => "dict_valueiterator",
            ViewKind::Items => "dict_itemiterator",
        }
    }

    /// The type name of a reverse iterator (CPython's).
    pub fn reverse_type_name(&self) -> &'static str {
        match self.kind {
            ViewKind::Keys => "dict_reversekeyiterator",
            ViewKind::Values => "dict_reversevalueiterator",
            ViewKind::Items => "dict_reverseitemiterator",
        }
    }

    /// The next key, value or `(key, value)` tuple; CPython's RuntimeError
    /// if the dict changed size since the iteration began.
    pub fn step(&mut self) -> Res<Option<Value>> {
        if self.done {
            return Ok(None);
        }
        let d = self.dict.data.borrow();
        if d.len != self.len {
            self.done = true;
            return Err(exception(
                "RuntimeError",
                "dictionary changed size during iteration".into(),
            ));
        }
        if d.keys_version != self.version {
            return Err(poison(Poison::Identity));
        }
        if self.reverse {
            while self.pos > 0 {
                self.pos -= 1;
                if let Some(Some((k, v))) = d.entries.get(self.pos) {
                    return Ok(Some(match self.kind {
                        ViewKind::Keys => k.clone(),
                        ViewKind::Values => v.clone(),
                        ViewKind::Items => pair(k.clone(), v.clone()),
                    }));
                }
            }
            self.done = true;
            return Ok(None);
        }
        while let Some(slot) = d.entries.get(self.pos) {
            self.pos += 1;
            if let Some((k, v)) = slot {
                return Ok(Some(match self.kind {
                    ViewKind::Keys => k.clone(),
                    ViewKind::Values => v.clone(),
                    ViewKind::Items => pair(k.clone(), v.clone()),
                }));
            }
        }
        self.done = true;
        Ok(None)
    }
}

/// A fresh `(k, v)` tuple.
pub fn pair(k: Value, v: Value) -> Value {
    Value::Tuple(Rc::new(TupleObj { items: vec![k, v] }))
}

/// The items a view (or a dict, as `Keys`) yields, copied now.
pub fn view_items(d: &DictObj, kind: ViewKind) -> Vec<Value> {
    let data = d.data.borrow();
    data.iter()
        .map(|(k, v)| match kind {
            ViewKind::Keys => k.clone(),
            ViewKind::Values => v.clone(),
            ViewKind::Items => pair(k.clone(), v.clone()),
        })
        .collect()
}

/// `x in view`: a key lookup for keys; for items a 2-tuple whose key is
/// present with an equal value; for values a search (`is` then `==`).
pub fn view_contains(view: &ViewObj, x: &Value) -> Res<bool> {
    match view.kind {
        ViewKind::Keys => view.dict.contains(x),
        ViewKind::Items => {
            let Value::Tuple(t) = x else { return Ok(false) };
            let [k, v] = t.items.as_slice() else {
                return Ok(false);
            };
            let key = Key::new(k)?;
            let found = view.dict.data.borrow().get(&key)?;
            match found {
                Some(found) => compare::rich(jitdiff_vm::lang::ast::CmpOp::Eq, &found, v, 1),
                None => Ok(false),
            }
        }
        ViewKind::Values => {
            for v in view_items(&view.dict, ViewKind::Values) {
                if compare::elem_eq(&v, x, 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// `a == b` between dicts (`level` containers deep, this pair included):
/// the same size, and every key of `a` in `b` with an equal value.
pub fn dicts_equal(a: &DictObj, b: &DictObj, level: usize) -> Res<bool> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (k, v) in a.pairs() {
        let key = Key::new(&k)?;
        let found = b.data.borrow().get(&key)?;
        match found {
            Some(w) if compare::elem_eq(&v, &w, level)? => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// `d.update(x)` (also `dict(x)` and `d |= x`): a dict's entries, or an
/// iterable of two-item iterables, stored one by one (so a bad element
/// leaves the ones before it stored, as in CPython).
pub fn update_from(d: &DictObj, x: &Value) -> Res<()> {
    if let Value::Dict(src) = x {
        for (k, v) in src.pairs() {
            d.store(&k, v)?;
        }
        return Ok(());
    }
    let items = super::seq::collect(x, || super::seq::not_iterable(x))?;
    for (n, item) in items.iter().enumerate() {
        let parts = super::seq::collect(item, || {
            type_error(format!(
                "cannot convert dictionary update sequence element #{n} to a sequence"
            ))
        })?;
        let [k, v] = <[Value; 2]>::try_from(parts).map_err(|parts| {
            super::eval::value_error(format!(
                "dictionary update sequence element #{n} has length {}; 2 is required",
                parts.len()
            ))
        })?;
        d.store(&k, v)?;
    }
    Ok(())
}
