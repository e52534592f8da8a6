//! Dict keys and set elements hashed by a user `__hash__`, in every tier.
//!
//! CPython calls a class's `__hash__` whenever it hashes an instance, and
//! the stored key's `__eq__` whenever a probe meets a different key of the
//! same hash. The runtime's tables cannot run Python, so the operations
//! below run here, on the run: the `__hash__` calls first (for a tuple key,
//! depth first and left to right, as CPython's tuple hash makes them,
//! stopping where an unhashable item raises), then the runtime hashes the
//! key with those results (`pydict_hash::key_hash_with`), then the probe
//! runs with `==` through [`Run::user_compare`]. A runtime path that meets
//! such a key without this poisons (`Unmodelled`), never hashing by
//! identity.
//!
//! Which operations: `d[k]`, `d[k] = v`, `del d[k]`, `k in d`, `k in s`,
//! dict and set displays and comprehensions, and (through
//! [`Run::user_key_call`]) `d.get`, `d.pop`, `d.setdefault`, `s.add`,
//! `s.discard`, `s.remove`, `set(iterable)` and `hash(x)`, the same list as
//! the reference's. The order of the `__eq__` calls is CPython's for sets
//! (the table's probe order); for dicts it is insertion order, which is
//! CPython's unless a deletion let a later key of the same hash take an
//! earlier index slot (only an `__eq__` with side effects could tell).
//! Python code run by a `__hash__` or an `__eq__` that changes the
//! container being probed poisons: CPython's lookup then goes on with the
//! changed table or restarts, which is not modelled.

use super::Run;
use crate::lang::bytecode::Op;
use crate::lang::limits::MAX_CONTAINER_NESTING;
use crate::lang::{CmpOp, Poison};
use crate::runtime::{Raise, Value, class, pydict, pydict_hash, pyset, seq, strs};

/// Whether hashing `key` calls a user `__hash__`: an instance of such a
/// class, or a tuple holding one.
fn user_keyed(key: Value) -> bool {
    user_keyed_at(key, 0)
}

fn user_keyed_at(key: Value, depth: usize) -> bool {
    if class::has_user_hash(key) {
        return true;
    }
    seq::is_tuple(key)
        && depth < MAX_CONTAINER_NESTING
        && seq::items(key)
            .into_iter()
            .any(|x| user_keyed_at(x, depth + 1))
}

/// Whether a lookup of the plain key `key` (no user `__hash__` in it) in
/// dict or set `c` meets a stored key of its hash whose comparison with it
/// runs a user `__eq__` (`(1, 2) in s` where `s` holds a point hashed as
/// `hash((x, y))`): then it too runs here.
fn meets_user_key(c: Value, key: Value) -> bool {
    let Ok(hash) = pydict_hash::key_hash(key) else {
        return false;
    };
    let mut needs_user = false;
    let mut note = |_: CmpOp, _: Value, _: Value| -> Result<bool, Raise> {
        needs_user = true;
        Err(Raise::Poison(Poison::Unmodelled))
    };
    if pydict::is_dict(c) {
        for (_, _, stored) in pydict::same_hash(c, hash) {
            if stored != key && seq::item_eq_by(stored, key, 0, &mut note).is_err() {
                break;
            }
        }
    } else if pyset::is_set(c) {
        let _ = pyset::lookkey_by(c, key, hash, &mut note);
    }
    needs_user
}

/// Whether `key` takes the user path into dict or set `c`: it is
/// user-keyed, or its lookup would compare it with a user-keyed one.
fn user_lookup(c: Value, key: Value) -> bool {
    (pydict::is_dict(c) || pyset::is_set(c)) && (user_keyed(key) || meets_user_key(c, key))
}

/// Whether the dict or set stack op hashes a user-keyed value or meets one
/// (module comment).
fn hashes_user_key(op: Op, arg: u32, ins: &[Value]) -> bool {
    match (op, ins) {
        (Op::BinarySubscr | Op::BinarySubscrDict | Op::DeleteSubscr, [c, k]) => {
            pydict::is_dict(*c) && user_lookup(*c, *k)
        }
        (Op::StoreSubscr | Op::StoreSubscrDict, [_, c, k]) => {
            pydict::is_dict(*c) && user_lookup(*c, *k)
        }
        (Op::ContainsOp | Op::ContainsOpDict, [x, c]) => user_lookup(*c, *x),
        (Op::BuildSet, _) => {
            arg & crate::lang::bytecode::SET_CONSTANT == 0 && ins.iter().any(|&x| user_keyed(x))
        }
        (Op::BuildMap, _) => ins.chunks(2).any(|p| user_keyed(p[0])),
        // The container is the first input (`pyset_ops::stack_op`).
        (Op::SetAdd, [s, .., v]) => user_lookup(*s, *v),
        (Op::MapAdd, [d, .., k, _]) => user_lookup(*d, *k),
        _ => false,
    }
}

/// Where a key is in a dict: its hash, and its entry and index slot.
type DictFind = (u64, Option<(usize, u64)>);

impl Run<'_> {
    /// The stack ops of [`hashes_user_key`] run here; None for any other.
    pub(crate) fn user_key_stack_op(
        &mut self,
        op: Op,
        arg: u32,
        ins: &[Value],
    ) -> Option<Result<Vec<Value>, Raise>> {
        if !self.user_hashed || !hashes_user_key(op, arg, ins) {
            return None;
        }
        Some(match (op, ins) {
            (Op::BinarySubscr | Op::BinarySubscrDict, [d, k]) => {
                self.user_subscript(*d, *k).map(|v| vec![v])
            }
            (Op::StoreSubscr | Op::StoreSubscrDict, [v, d, k]) => {
                self.user_store(*d, *k, *v).map(|()| vec![])
            }
            (Op::DeleteSubscr, [d, k]) => self.user_delete(*d, *k).map(|_| vec![]),
            (Op::ContainsOp | Op::ContainsOpDict, [x, c]) => self
                .user_contains(*c, *x)
                .map(|found| vec![Value::bool(found != (arg == 1))]),
            (Op::BuildSet, items) => self.user_build_set(items).map(|s| vec![s]),
            (Op::BuildMap, items) => self.user_build_dict(items).map(|d| vec![d]),
            (Op::SetAdd, [below @ .., v]) => {
                self.user_set_add(below[0], *v).map(|()| below.to_vec())
            }
            (Op::MapAdd, [below @ .., k, v]) => {
                self.user_store(below[0], *k, *v).map(|()| below.to_vec())
            }
            _ => Err(Raise::Internal(format!("{op:?} {arg} on user keys"))),
        })
    }

    /// `key`'s hash, its user `__hash__` calls made here.
    fn user_key_hash(&mut self, key: Value) -> Result<u64, Raise> {
        let mut hashes = Vec::new();
        self.call_user_hashes(key, &mut hashes, 0)?;
        pydict_hash::key_hash_with(key, &hashes)
    }

    fn call_user_hashes(
        &mut self,
        v: Value,
        out: &mut Vec<u64>,
        depth: usize,
    ) -> Result<(), Raise> {
        if class::has_user_hash(v) {
            out.push(self.call_user_hash(v)?);
        } else if seq::is_tuple(v) && depth < MAX_CONTAINER_NESTING {
            for x in seq::items(v) {
                if user_keyed(x) {
                    self.call_user_hashes(x, out, depth + 1)?;
                } else if pydict_hash::key_hash(x).is_err() {
                    // The key's hash raises at this item, before CPython
                    // would call any later item's `__hash__`.
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// `hash(v)` of an instance whose class has a user `__hash__`.
    fn call_user_hash(&mut self, v: Value) -> Result<u64, Raise> {
        let f = self
            .dunder(v, "__hash__")?
            .ok_or_else(|| Raise::Internal("a user-hashed class without __hash__".into()))?;
        let r = self.call_dunder(f, &[v])?;
        pydict_hash::from_user_hash(r)
    }

    /// `stored == key` as a lookup compares them (identity first; a str
    /// never equals a non-str key, whose hashes are of different kinds).
    fn probe_eq(&mut self, stored: Value, key: Value) -> Result<bool, Raise> {
        if stored == key {
            return Ok(true);
        }
        if strs::is_str(stored) != strs::is_str(key) {
            return Ok(false);
        }
        seq::item_eq_by(stored, key, 0, &mut |op, a, b| self.user_compare(op, a, b))
    }

    /// Finds `key` in dict `d` (both rooted by the caller).
    fn user_dict_find(&mut self, d: Value, key: Value) -> Result<DictFind, Raise> {
        let stamp = pydict::layout_stamp(d);
        let hash = self.user_key_hash(key)?;
        if pydict::layout_stamp(d) != stamp {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        for (i, slot, stored) in pydict::same_hash(d, hash) {
            let eq = self.probe_eq(stored, key)?;
            if pydict::layout_stamp(d) != stamp {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            if eq {
                return Ok((hash, Some((i, slot))));
            }
        }
        Ok((hash, None))
    }

    /// A missing key's KeyError, its text made as the runtime's (a user
    /// `__repr__` runs only if the error is shown, which poisons).
    fn key_error(&mut self, key: Value) -> Raise {
        Raise::exc("KeyError", crate::runtime::pydict_ops::key_repr(key))
    }

    /// `d[key]`.
    pub(crate) fn user_subscript(&mut self, d: Value, key: Value) -> Result<Value, Raise> {
        match self.user_dict_find(d, key)? {
            (_, Some((i, _))) => Ok(pydict::entry(d, i).1),
            (_, None) => Err(self.key_error(key)),
        }
    }

    /// `d[key] = v` (all rooted by the caller).
    fn user_store(&mut self, d: Value, key: Value, v: Value) -> Result<(), Raise> {
        match self.user_dict_find(d, key)? {
            (_, Some((i, _))) => {
                pydict::store_at(d, i, v);
                Ok(())
            }
            (hash, None) => {
                let grow = !crate::planted::dict_store_ignores_resize(self.config.inject);
                pydict::insert_absent(self.arena, d, key, v, hash, grow)
            }
        }
    }

    /// `d.pop(key)`: the removed value, None when absent.
    fn user_delete(&mut self, d: Value, key: Value) -> Result<Value, Raise> {
        match self.user_dict_find(d, key)? {
            (_, Some((i, slot))) => Ok(pydict::remove_at(d, i, slot)),
            (_, None) => Err(self.key_error(key)),
        }
    }

    /// Probes set `s` for `key`: `(hash, (slot, found))`.
    fn user_set_find(&mut self, s: Value, key: Value) -> Result<(u64, (u64, bool)), Raise> {
        let stamp = pyset::layout_stamp(s);
        let hash = self.user_key_hash(key)?;
        if pyset::layout_stamp(s) != stamp {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let found = pyset::lookkey_by(s, key, hash, &mut |op, a, b| {
            let eq = self.user_compare(op, a, b);
            if pyset::layout_stamp(s) != stamp {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            eq
        })?;
        Ok((hash, found))
    }

    /// `key in c` for a dict or a set.
    fn user_contains(&mut self, c: Value, key: Value) -> Result<bool, Raise> {
        if pydict::is_dict(c) {
            return Ok(self.user_dict_find(c, key)?.1.is_some());
        }
        Ok(self.user_set_find(c, key)?.1.1)
    }

    /// `s.add(key)` (both rooted by the caller).
    fn user_set_add(&mut self, s: Value, key: Value) -> Result<(), Raise> {
        let stamp = pyset::layout_stamp(s);
        let hash = self.user_key_hash(key)?;
        if pyset::layout_stamp(s) != stamp {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let place = pyset::add_probe(s, key, hash, &mut |op, a, b| {
            let eq = self.user_compare(op, a, b);
            if pyset::layout_stamp(s) != stamp {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            eq
        })?;
        match place {
            Some(place) => pyset::add_at(self.arena, s, key, hash, place),
            None => Ok(()),
        }
    }

    /// Runs `f` on a new container, rooted in temps while it runs.
    fn with_rooted<T>(
        &mut self,
        c: Value,
        f: impl FnOnce(&mut Self) -> Result<T, Raise>,
    ) -> Result<T, Raise> {
        self.with_rooted_all(&[c], f)
    }

    /// Runs `f` with `values` rooted in temps.
    fn with_rooted_all<T>(
        &mut self,
        values: &[Value],
        f: impl FnOnce(&mut Self) -> Result<T, Raise>,
    ) -> Result<T, Raise> {
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend_from_slice(values);
        let r = f(self);
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// BUILD_SET: the items added one by one, in source order.
    fn user_build_set(&mut self, items: &[Value]) -> Result<Value, Raise> {
        seq::check_len(items.len())?;
        let s = pyset::new(self.arena)?;
        self.with_rooted(s, |run| {
            for &x in items {
                run.user_set_add(s, x)?;
            }
            Ok(())
        })?;
        seq::charge(self.arena, pyset::len(s));
        Ok(s)
    }

    /// BUILD_MAP: the pairs stored one by one, in source order.
    fn user_build_dict(&mut self, items: &[Value]) -> Result<Value, Raise> {
        seq::check_len(items.len() / 2)?;
        let d = pydict::new_presized(self.arena, items.len() / 2)?;
        self.with_rooted(d, |run| {
            for pair in items.chunks(2) {
                run.user_store(d, pair[0], pair[1])?;
            }
            Ok(())
        })?;
        seq::charge(self.arena, pydict::len(d));
        Ok(d)
    }

    /// The methods and builtins of the module header whose key argument
    /// is user-keyed; None for any other call.
    pub(crate) fn user_key_call(
        &mut self,
        callable: Value,
        args: &[Value],
    ) -> Option<Result<Value, Raise>> {
        use crate::runtime::methods;
        if !self.user_hashed {
            return None;
        }
        if callable == Value::BUILTIN_HASH && matches!(args, [x] if user_keyed(*x)) {
            return Some(
                self.user_key_hash(args[0])
                    .and_then(|h| crate::runtime::int::from_i64(self.arena, h as i64)),
            );
        }
        if callable == Value::BUILTIN_SET
            && let [xs] = args
            && (seq::is_list(*xs) || seq::is_tuple(*xs))
            && seq::items(*xs).into_iter().any(user_keyed)
        {
            // The items as they are now, rooted: a `__hash__` may take
            // them out of the list. CPython walks the list live, so a list
            // changed meanwhile poisons.
            let items = seq::items(*xs);
            let built = self.with_rooted_all(&items, |run| run.user_build_set(&items));
            if built.is_ok() && seq::items(*xs) != items {
                return Some(Err(Raise::Poison(Poison::Unmodelled)));
            }
            return Some(built);
        }
        let (m, receiver, rest) = if methods::is_bound(callable) {
            let (receiver, m) = methods::bound_parts(callable);
            (m, receiver, args)
        } else if methods::is_method(callable) {
            let (receiver, rest) = methods::descriptor_args(callable, args).ok()?;
            (callable, receiver, rest)
        } else {
            return None;
        };
        let key = *rest.first().filter(|k| user_lookup(receiver, **k))?;
        let default = rest.get(1).copied();
        Some(match (m, rest.len()) {
            (Value::METHOD_DICT_GET, 1 | 2) if pydict::is_dict(receiver) => {
                match self.user_dict_find(receiver, key) {
                    Ok((_, Some((i, _)))) => Ok(pydict::entry(receiver, i).1),
                    Ok((_, None)) => Ok(default.unwrap_or(Value::NONE)),
                    Err(e) => Err(e),
                }
            }
            (Value::METHOD_DICT_POP, 1 | 2) if pydict::is_dict(receiver) => {
                match (self.user_dict_find(receiver, key), default) {
                    (Ok((_, Some((i, slot)))), _) => Ok(pydict::remove_at(receiver, i, slot)),
                    (Ok((_, None)), Some(d)) => Ok(d),
                    (Ok((_, None)), None) => Err(self.key_error(key)),
                    (Err(e), _) => Err(e),
                }
            }
            (Value::METHOD_DICT_SETDEFAULT, 1 | 2) if pydict::is_dict(receiver) => {
                let v = default.unwrap_or(Value::NONE);
                match self.user_dict_find(receiver, key) {
                    Ok((_, Some((i, _)))) => Ok(pydict::entry(receiver, i).1),
                    Ok((hash, None)) => {
                        pydict::insert_absent(self.arena, receiver, key, v, hash, true).map(|()| v)
                    }
                    Err(e) => Err(e),
                }
            }
            (Value::METHOD_SET_ADD, 1) if pyset::is_set(receiver) => {
                self.user_set_add(receiver, key).map(|()| Value::NONE)
            }
            (Value::METHOD_SET_DISCARD | Value::METHOD_SET_REMOVE, 1)
                if pyset::is_set(receiver) =>
            {
                match self.user_set_find(receiver, key) {
                    Ok((_, (slot, true))) => {
                        pyset::discard_at(receiver, slot);
                        Ok(Value::NONE)
                    }
                    Ok(_) if m == Value::METHOD_SET_DISCARD => Ok(Value::NONE),
                    Ok(_) => Err(self.key_error(key)),
                    Err(e) => Err(e),
                }
            }
            _ => return None,
        })
    }
}
