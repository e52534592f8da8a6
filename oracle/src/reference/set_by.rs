//! The set operations whose hashing or equality may run user code (an
//! element whose class defines `__hash__`): `add`, `in`, `discard` and
//! `remove`, with the hash computed by the evaluator beforehand and each
//! equality it needs made through its callback, in CPython's probe order
//! (`set_add_entry`, `set_lookkey`: the stored element on the left,
//! identity first). No borrow of the table is held during a callback; a
//! callback that changes the set poisons (CPython restarts its probe).

use jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING;
use jitdiff_vm::lang::outcome::Poison;

use super::super::classes::HashKind;
use super::super::eval::{Res, poison};
use super::super::value::Value;
use super::{SetObj, Slot, same};

/// Computes a user-hashed instance's hash (the evaluator calls its
/// `__hash__`).
pub type UserHash<'a> = dyn FnMut(&Value) -> Res<u64> + 'a;

/// `stored == probe` as the evaluator makes it (users' `__eq__` included).
pub type KeyEq<'a> = dyn FnMut(&Value, &Value) -> Res<bool> + 'a;

/// Whether `v` is, or is a tuple holding, an instance of a class with a
/// user `__hash__`. Past the nesting limit it answers no: hashing poisons
/// there anyway.
pub fn user_hashed(v: &Value) -> bool {
    fn rec(v: &Value, level: usize) -> bool {
        match v {
            Value::Instance(o) => o.class().hash_kind == HashKind::User,
            Value::Tuple(t) if level < MAX_CONTAINER_NESTING => {
                t.items.iter().any(|x| rec(x, level + 1))
            }
            _ => false,
        }
    }
    rec(v, 0)
}

/// Whether `v`'s hash is CPython's in every process: numbers, user-hashed
/// instances and tuples of those (what [`super::hash`] calls stable).
pub fn hash_exact(v: &Value) -> bool {
    fn rec(v: &Value, level: usize) -> bool {
        match v {
            Value::Int(_) | Value::Bool(_) => true,
            Value::Float(f) => !f.is_nan(),
            Value::Instance(o) => o.class().hash_kind == HashKind::User,
            Value::Tuple(t) => {
                level < MAX_CONTAINER_NESTING && t.items.iter().all(|x| rec(x, level + 1))
            }
            _ => false,
        }
    }
    rec(v, 0)
}

/// `a is b` for the objects whose identity the language models and a
/// user-hashed key can be: instances and tuples.
pub(crate) fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Tuple(x), Value::Tuple(y)) => std::rc::Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// Key equality in a lookup: `same` for keys without user-hashed parts;
/// otherwise identity, then `eq` (never called when the other key's
/// CPython hash is unknown: it differs from a user hash in CPython, so
/// CPython would not compare them).
pub fn key_eq_by(stored: &Value, probe: &Value, eq: &mut KeyEq) -> Res<bool> {
    if !user_hashed(stored) && !user_hashed(probe) {
        return same(stored, probe);
    }
    if identical(stored, probe) {
        return Ok(true);
    }
    if !hash_exact(stored) || !hash_exact(probe) {
        return Ok(false);
    }
    eq(stored, probe)
}

/// Where a probe ended.
enum End {
    Found(usize),
    /// Absent: the last dummy met (reused by an insertion), and the
    /// unused slot that ended the probe.
    Absent(Option<usize>, usize),
}

/// What a callback must not change: CPython restarts a probe whose table
/// changed, which is not modelled.
pub type Shape = (usize, usize, usize);

impl SetObj {
    fn shape(&self) -> Shape {
        let t = self.data.borrow();
        (t.used, t.fill, t.slots.len())
    }

    /// The length and table size now, for [`Self::check_shape`] after a
    /// user `__hash__` ran.
    pub fn shape_now(&self) -> Shape {
        self.shape()
    }

    /// Poisons if the set changed since `before`.
    pub fn check_shape(&self, before: Shape) -> Res<()> {
        if self.shape() != before {
            return Err(poison(Poison::Unmodelled));
        }
        Ok(())
    }

    /// CPython's probe for `v` of hash `h`, as [`super::Table::find`] and
    /// `add_hashed`, equalities through `eq` with the table unborrowed.
    fn probe_by(&self, v: &Value, h: u64, eq: &mut KeyEq) -> Res<End> {
        let before = self.shape();
        let mask = self.data.borrow().mask();
        let (mut perturb, mut i) = (h, (h as usize) & mask);
        let mut reuse = None;
        loop {
            let run = if i + super::LINEAR <= mask {
                super::LINEAR
            } else {
                0
            };
            for j in i..=i + run {
                let stored = match &self.data.borrow().slots[j] {
                    Slot::Unused => return Ok(End::Absent(reuse, j)),
                    Slot::Deleted => {
                        reuse = Some(j);
                        continue;
                    }
                    Slot::Live(k, kh) if *kh == h => k.clone(),
                    Slot::Live(..) => continue,
                };
                let equal = key_eq_by(&stored, v, eq)?;
                self.check_shape(before)?;
                if equal {
                    return Ok(End::Found(j));
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

    /// `v in s`, `v` hashed to `h` already.
    pub fn contains_by(&self, v: &Value, h: u64, eq: &mut KeyEq) -> Res<bool> {
        Ok(matches!(self.probe_by(v, h, eq)?, End::Found(_)))
    }

    /// `s.add(v)`, `v` hashed to `h` already.
    pub fn add_by(&self, v: Value, h: u64, eq: &mut KeyEq) -> Res<()> {
        match self.probe_by(&v, h, eq)? {
            End::Found(_) => Ok(()),
            End::Absent(reuse, empty) => self.data.borrow_mut().insert_absent(v, h, reuse, empty),
        }
    }

    /// `s.discard(v)`, `v` hashed to `h` already: whether it was there.
    pub fn discard_by(&self, v: &Value, h: u64, eq: &mut KeyEq) -> Res<bool> {
        match self.probe_by(v, h, eq)? {
            End::Found(j) => {
                let mut t = self.data.borrow_mut();
                t.slots[j] = Slot::Deleted;
                t.used -= 1;
                Ok(true)
            }
            End::Absent(..) => Ok(false),
        }
    }
}
