//! User `__hash__` in the evaluator (CPython 3.11's `slot_tp_hash`): the
//! operations that hash a key here call it, once per key per operation
//! and in CPython's order, then look the key up through
//! [`DictObj::find_by`] / [`SetObj::add_by`], whose equalities run users'
//! `__eq__` (`stored == probe`). Covered: `d[k]`, `d[k] = v`, `del d[k]`,
//! `k in d`, `d.get`, `d.pop`, `d.setdefault`, dict displays and
//! comprehensions, `s.add`, `k in s`, `s.discard`, `s.remove`, set
//! displays and comprehensions, `set(iterable)` and `hash(x)`. Anything
//! else that would hash a user-hashed key, or compare one inside a
//! container, poisons (the pure `dict::Key::new` and `set::hash` refuse
//! them); so does a user method that adds or removes a key of the
//! container being probed.

use jitdiff_vm::lang::ast::CmpOp;
use jitdiff_vm::lang::outcome::Poison;
use num_traits::ToPrimitive;

use super::super::dict::{DictObj, Key, key_error};
use super::super::methods::Meth;
use super::super::set::{self, SetObj, Table};
use super::super::value::{Int, Value};
use super::{Interp, Res, poison, type_error};

impl Interp<'_> {
    /// A user-hashed instance's hash: its class's `__hash__`, whose int
    /// result is the hash as it is when it fits (-1 becomes -2), else
    /// CPython's hash of that int.
    fn user_hash(&mut self, v: &Value) -> Res<u64> {
        let Some(f) = self.dunder(v, "__hash__")? else {
            return Err(poison(Poison::Unmodelled));
        };
        let small = match self.call_dunder(f, vec![v.clone()])? {
            Value::Bool(b) => i64::from(b),
            Value::Int(Int::Small(n)) => n,
            Value::Int(Int::Big(b)) => match b.to_i64() {
                Some(n) => n,
                None => return Ok(set::hash_int(&Int::Big(b))),
            },
            _ => {
                return Err(type_error(
                    "__hash__ method should return an integer".into(),
                ));
            }
        };
        Ok(if small == -1 {
            -2i64 as u64
        } else {
            small as u64
        })
    }

    /// `hash(x)`.
    pub(super) fn hash_builtin(&mut self, args: &[Value]) -> Res<Value> {
        let [x] = args else {
            return set::hash_builtin(args);
        };
        if !set::user_hashed(x) {
            return set::hash_builtin(args);
        }
        let (h, exact) = set::hash_by(x, &mut |v| self.user_hash(v))?;
        if !exact {
            return Err(poison(Poison::Identity));
        }
        Ok(Value::Int(Int::Small(h as i64)))
    }

    /// `k` as a key of `d`: a user `__hash__` runs now, and must leave `d`
    /// alone.
    fn dict_key<'a>(&mut self, d: &DictObj, k: &'a Value) -> Res<Key<'a>> {
        if !set::user_hashed(k) {
            return Key::new(k);
        }
        let before = d.shape_now();
        let key = Key::new_by(k, &mut |v| self.user_hash(v))?;
        d.check_shape(before)?;
        Ok(key)
    }

    /// `d[k]`.
    pub(super) fn dict_subscript(&mut self, d: &DictObj, k: &Value) -> Res<Value> {
        let key = self.dict_key(d, k)?;
        let found = d.get_by(&key, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))?;
        found.ok_or_else(|| key_error(k))
    }

    /// `d[k] = v`.
    pub(super) fn dict_store(&mut self, d: &DictObj, k: &Value, v: Value) -> Res<()> {
        let key = self.dict_key(d, k)?;
        d.store_by(&key, v, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))
    }

    /// `del d[k]`.
    pub(super) fn dict_delete(&mut self, d: &DictObj, k: &Value) -> Res<()> {
        let key = self.dict_key(d, k)?;
        let removed = d.remove_by(&key, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))?;
        removed.map(|_| ()).ok_or_else(|| key_error(k))
    }

    /// `k in d`.
    pub(super) fn dict_contains(&mut self, d: &DictObj, k: &Value) -> Res<bool> {
        let key = self.dict_key(d, k)?;
        let i = d.find_by(&key, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))?;
        Ok(i.is_some())
    }

    /// `d.get`, `d.pop` and `d.setdefault` with one or two arguments (None
    /// for the rest: the method's own code, errors included).
    pub(super) fn dict_method(
        &mut self,
        d: &DictObj,
        m: &Meth,
        args: &[Value],
    ) -> Option<Res<Value>> {
        let (k, default) = match args {
            [k] => (k, None),
            [k, v] => (k, Some(v)),
            _ => return None,
        };
        let eq = |this: &mut Self, a: &Value, b: &Value| this.compare_value(CmpOp::Eq, a, b);
        Some(match m {
            Meth::Get => self.dict_key(d, k).and_then(|key| {
                let found = d.get_by(&key, &mut |a, b| eq(self, a, b))?;
                Ok(found.unwrap_or_else(|| default.cloned().unwrap_or(Value::None)))
            }),
            // CPython answers for an empty dict before hashing the key.
            Meth::Pop if d.len() == 0 => return None,
            Meth::Pop => self.dict_key(d, k).and_then(|key| {
                match (d.remove_by(&key, &mut |a, b| eq(self, a, b))?, default) {
                    (Some(v), _) => Ok(v),
                    (None, Some(default)) => Ok(default.clone()),
                    (None, None) => Err(key_error(k)),
                }
            }),
            Meth::SetDefault => self.dict_key(d, k).and_then(|key| {
                let v = default.cloned().unwrap_or(Value::None);
                d.setdefault_by(&key, v, &mut |a, b| eq(self, a, b))
            }),
            _ => return None,
        })
    }

    /// A dict display's pairs stored in order (each key hashed as it is
    /// stored).
    pub(super) fn dict_display_pairs(&mut self, pairs: Vec<(Value, Value)>) -> Res<Value> {
        if !pairs.iter().any(|(k, _)| set::user_hashed(k)) {
            return super::super::dict::display(&mut self.heap, pairs);
        }
        let d = self.heap.dict();
        for (k, v) in pairs {
            self.dict_store(&d, &k, v)?;
        }
        self.heap.bulk(d.len());
        Ok(Value::Dict(d))
    }

    /// `v`'s hash for an operation on `s`: a user `__hash__` runs now, and
    /// must leave `s` alone.
    fn set_hash(&mut self, s: &SetObj, v: &Value) -> Res<u64> {
        if !set::user_hashed(v) {
            return set::hash(v).map(|(h, _)| h);
        }
        let before = s.shape_now();
        let (h, exact) = set::hash_by(v, &mut |x| self.user_hash(x))?;
        s.check_shape(before)?;
        // Beside a str (or the like), CPython's hash is unknown, and so
        // are the elements it would be compared with.
        if !exact {
            return Err(poison(Poison::Unmodelled));
        }
        Ok(h)
    }

    /// `s.add(v)` (also a display's or a comprehension's item).
    pub(super) fn set_add(&mut self, s: &SetObj, v: Value) -> Res<()> {
        let h = self.set_hash(s, &v)?;
        s.add_by(v, h, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))
    }

    /// `v in s`.
    pub(super) fn set_contains(&mut self, s: &SetObj, v: &Value) -> Res<bool> {
        if matches!(v, Value::Set(_)) {
            return s.data.borrow().contains(v);
        }
        let h = self.set_hash(s, v)?;
        s.contains_by(v, h, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))
    }

    /// `s.add`, `s.discard` and `s.remove` with one argument (None for the
    /// rest: the method's own code).
    pub(super) fn set_method(
        &mut self,
        s: &SetObj,
        name: &str,
        args: &[Value],
    ) -> Option<Res<Value>> {
        let [x] = args else { return None };
        if matches!(x, Value::Set(_)) {
            return None;
        }
        Some(match name {
            "add" => self.set_add(s, x.clone()).map(|()| Value::None),
            "discard" | "remove" => (|| {
                let h = self.set_hash(s, x)?;
                let gone = s.discard_by(x, h, &mut |a, b| self.compare_value(CmpOp::Eq, a, b))?;
                if !gone && name == "remove" {
                    return Err(key_error(x));
                }
                Ok(Value::None)
            })(),
            _ => return None,
        })
    }

    /// A set of `items` added in order (a display, `set(iterable)`).
    pub(super) fn set_of(&mut self, items: Vec<Value>) -> Res<Value> {
        let s = set::new_set(Table::default());
        for v in items {
            self.set_add(&s, v)?;
        }
        self.heap.bulk(s.data.borrow().len());
        Ok(Value::Set(s))
    }

    /// `set(x)` for an `x` that is no set or dict: its items added in order.
    pub(super) fn set_builtin(&mut self, args: &[Value]) -> Res<Value> {
        match args {
            [x] if !matches!(x, Value::Set(_) | Value::Dict(_)) => {
                let items = super::super::seq::collect(x, || super::super::seq::not_iterable(x))?;
                self.set_of(items)
            }
            _ => set::make(&mut self.heap, args),
        }
    }

    /// A set display's items (none constant-folded).
    pub(super) fn set_display_items(&mut self, items: Vec<Value>) -> Res<Value> {
        if items.iter().any(set::user_hashed) {
            return self.set_of(items);
        }
        set::display(&mut self.heap, items, false)
    }
}
