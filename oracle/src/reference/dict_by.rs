//! The dict operations whose hashing or equality may run user code (a key
//! whose class defines `__hash__`): the key's digest computed by the
//! evaluator beforehand ([`Key::new_by`]), and each equality CPython's
//! lookup makes (`_Py_dict_lookup`: entries of an equal hash in
//! insertion order, identity first, then `stored == probe`) made through
//! the evaluator's callback with no borrow of the dict held. A callback
//! that adds or removes a key poisons (CPython restarts its lookup).

use jitdiff_vm::lang::outcome::Poison;

use super::super::eval::{Res, poison};
use super::super::set::{self, KeyEq};
use super::super::value::Value;
use super::{DictObj, Key};

/// What a callback must not change: the keys.
pub type Shape = (u64, usize);

impl DictObj {
    /// The keys' version and count now, for [`Self::check_shape`].
    pub fn shape_now(&self) -> Shape {
        let d = self.data.borrow();
        (d.keys_version, d.len)
    }

    /// Poisons if a key was added or removed since `before`.
    pub fn check_shape(&self, before: Shape) -> Res<()> {
        if self.shape_now() != before {
            return Err(poison(Poison::Unmodelled));
        }
        Ok(())
    }

    /// The entry holding `k`, equalities through `eq`.
    pub fn find_by(&self, k: &Key, eq: &mut KeyEq) -> Res<Option<usize>> {
        let before = self.shape_now();
        let candidates: Vec<(usize, Value)> = {
            let d = self.data.borrow();
            let Some(slots) = d.index.get(&k.hash) else {
                return Ok(None);
            };
            slots
                .iter()
                .filter_map(|&i| match d.entries.get(i) {
                    Some(Some((key, _))) => Some((i, key.clone())),
                    _ => None,
                })
                .collect()
        };
        for (i, stored) in candidates {
            let equal = if set::user_hashed(&stored) || set::user_hashed(k.value) {
                set::identical(&stored, k.value) || eq(&stored, k.value)?
            } else {
                super::keys_equal_plain(&stored, k.value)
            };
            self.check_shape(before)?;
            if equal {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// `d.get(k)`.
    pub fn get_by(&self, k: &Key, eq: &mut KeyEq) -> Res<Option<Value>> {
        let i = self.find_by(k, eq)?;
        Ok(i.and_then(|i| self.data.borrow().value_at(i)))
    }

    /// `d[k] = v`: an existing key keeps its key object and position.
    pub fn store_by(&self, k: &Key, v: Value, eq: &mut KeyEq) -> Res<()> {
        match self.find_by(k, eq)? {
            Some(i) => {
                self.data.borrow_mut().set_value(i, v);
                Ok(())
            }
            None => self.data.borrow_mut().insert_new(k, v),
        }
    }

    /// `d.setdefault(k, v)`: one lookup, then `v` stored if absent.
    pub fn setdefault_by(&self, k: &Key, v: Value, eq: &mut KeyEq) -> Res<Value> {
        if let Some(i) = self.find_by(k, eq)?
            && let Some(found) = self.data.borrow().value_at(i)
        {
            return Ok(found);
        }
        self.data.borrow_mut().insert_new(k, v.clone())?;
        Ok(v)
    }

    /// Removes `k`, giving its value back.
    pub fn remove_by(&self, k: &Key, eq: &mut KeyEq) -> Res<Option<Value>> {
        match self.find_by(k, eq)? {
            Some(i) => Ok(self.data.borrow_mut().remove_at(i)),
            None => Ok(None),
        }
    }
}
