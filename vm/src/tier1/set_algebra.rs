//! `set.update` and the set methods named after the algebra: `union`,
//! `intersection`, `difference` (any number of iterables),
//! `symmetric_difference`, the three `_update` forms, `issubset`,
//! `issuperset` and `isdisjoint`. Where
//! the operators `| & - ^` take two sets, these take any iterable, and
//! they follow CPython 3.11's `setobject.c` case by case, because its
//! choices decide the result's table and so its iteration order:
//!
//! - a set argument goes through the set-with-set algorithms the
//!   operators use (which operand is walked, when a copy is made);
//! - a dict argument has its own paths in `difference` and
//!   `symmetric_difference_update` (its keys with their hashes), and is
//!   presized for in `union`;
//! - anything else is iterated item by item, lazily, so `issuperset` and
//!   `isdisjoint` stop at the deciding item and `intersection` once its
//!   result is as large as the set (a generator or an iterator argument
//!   is left where CPython leaves it), and an unhashable item raises when
//!   it is reached; `issubset` first makes a set of the iterable.
//!
//! Items pulled from an iterable cost bulk fuel as a list of them would,
//! and more than a list may hold poisons (as `any`/`all`); a new set also
//! costs its length, an updated one its length after.

use super::Run;
use crate::runtime::{Raise, Value, pydict, pyset, pyset_ops, seq};

/// Whether `m` is one of these methods.
pub(crate) fn is_algebra(m: Value) -> bool {
    matches!(
        m,
        Value::METHOD_SET_UPDATE
            | Value::METHOD_SET_UNION
            | Value::METHOD_SET_INTERSECTION
            | Value::METHOD_SET_DIFFERENCE
            | Value::METHOD_SET_SYMMETRIC_DIFFERENCE
            | Value::METHOD_SET_INTERSECTION_UPDATE
            | Value::METHOD_SET_DIFFERENCE_UPDATE
            | Value::METHOD_SET_SYMMETRIC_DIFFERENCE_UPDATE
            | Value::METHOD_SET_ISSUBSET
            | Value::METHOD_SET_ISSUPERSET
            | Value::METHOD_SET_ISDISJOINT
    )
}

/// The METH_O methods' argument, with CPython's count error.
fn exactly_one(m: Value, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [x] => Ok(*x),
        _ => Err(Raise::type_error(format!(
            "set.{}() takes exactly one argument ({} given)",
            crate::runtime::methods::name_of(m),
            args.len()
        ))),
    }
}

impl Run<'_> {
    /// Set method `m` on set `s` with `args` (rooted by the caller).
    pub(crate) fn set_algebra(
        &mut self,
        m: Value,
        s: Value,
        args: &[Value],
    ) -> Result<Value, Raise> {
        let mark = self.arena.roots.temps.len();
        let mut pulled = 0;
        let r = self.set_algebra_rooted(m, s, args, &mut pulled);
        self.arena.roots.temps.truncate(mark);
        let r = r?;
        let size = if pyset::is_set(r) {
            pyset::len(r)
        } else if r == Value::NONE {
            pyset::len(s)
        } else {
            0
        };
        seq::charge(self.arena, pulled + size);
        Ok(r)
    }

    fn set_algebra_rooted(
        &mut self,
        m: Value,
        s: Value,
        args: &[Value],
        pulled: &mut usize,
    ) -> Result<Value, Raise> {
        match m {
            Value::METHOD_SET_UPDATE => {
                for &o in args {
                    if o != s {
                        self.update_from(s, o, pulled)?;
                    }
                }
                Ok(Value::NONE)
            }
            Value::METHOD_SET_UNION => {
                let out = self.rooted_copy(s)?;
                for &o in args {
                    if o != s {
                        self.update_from(out, o, pulled)?;
                    }
                }
                Ok(out)
            }
            Value::METHOD_SET_INTERSECTION => self.intersection_multi(s, args, pulled),
            Value::METHOD_SET_INTERSECTION_UPDATE => {
                let t = self.intersection_multi(s, args, pulled)?;
                pyset_ops::swap_bodies(s, t);
                Ok(Value::NONE)
            }
            Value::METHOD_SET_DIFFERENCE => {
                let Some((&first, rest)) = args.split_first() else {
                    return self.rooted_copy(s);
                };
                let out = self.difference_one(s, first, pulled)?;
                for &o in rest {
                    self.difference_update_one(out, o, pulled)?;
                }
                Ok(out)
            }
            Value::METHOD_SET_DIFFERENCE_UPDATE => {
                for &o in args {
                    self.difference_update_one(s, o, pulled)?;
                }
                Ok(Value::NONE)
            }
            Value::METHOD_SET_SYMMETRIC_DIFFERENCE => {
                let o = exactly_one(m, args)?;
                // A new set made from the argument, updated by `s`.
                let out = self.rooted_new()?;
                self.update_from(out, o, pulled)?;
                pyset::symmetric_difference_update(self.arena, out, s)?;
                Ok(out)
            }
            Value::METHOD_SET_SYMMETRIC_DIFFERENCE_UPDATE => {
                let o = exactly_one(m, args)?;
                self.symmetric_difference_update_one(s, o, pulled)?;
                Ok(Value::NONE)
            }
            Value::METHOD_SET_ISSUBSET => {
                let o = exactly_one(m, args)?;
                if pyset::is_set(o) {
                    return pyset::is_subset(s, o).map(Value::bool);
                }
                // A set made of the iterable first: `s` is then read as
                // the iterable left it.
                let other = self.rooted_new()?;
                self.update_from(other, o, pulled)?;
                pyset::is_subset(s, other).map(Value::bool)
            }
            Value::METHOD_SET_ISSUPERSET => {
                let o = exactly_one(m, args)?;
                if pyset::is_set(o) {
                    return pyset::is_subset(o, s).map(Value::bool);
                }
                let found_missing =
                    self.any_item(o, pulled, |_, item| Ok(!pyset::contains(s, item)?))?;
                Ok(Value::bool(!found_missing))
            }
            Value::METHOD_SET_ISDISJOINT => {
                let o = exactly_one(m, args)?;
                if o == s {
                    return Ok(Value::bool(pyset::len(s) == 0));
                }
                if pyset::is_set(o) {
                    // The smaller set is walked.
                    let (big, small) = if pyset::len(o) > pyset::len(s) {
                        (o, s)
                    } else {
                        (s, o)
                    };
                    for k in pyset::keys(small) {
                        if pyset::contains(big, k)? {
                            return Ok(Value::FALSE);
                        }
                    }
                    return Ok(Value::TRUE);
                }
                let common = self.any_item(o, pulled, |_, item| pyset::contains(s, item))?;
                Ok(Value::bool(!common))
            }
            other => Err(Raise::Internal(format!(
                "{other:?} is no set algebra method"
            ))),
        }
    }

    fn rooted_new(&mut self) -> Result<Value, Raise> {
        let out = pyset::new(self.arena)?;
        self.arena.roots.temps.push(out);
        Ok(out)
    }

    fn rooted_copy(&mut self, s: Value) -> Result<Value, Raise> {
        let out = pyset::copy(self.arena, s)?;
        self.arena.roots.temps.push(out);
        Ok(out)
    }

    /// Steps iterable `o` and calls `f` on each item (rooted while `f`
    /// runs) until it returns true or the items run out: whether it did.
    fn any_item(
        &mut self,
        o: Value,
        pulled: &mut usize,
        mut f: impl FnMut(&mut Run<'_>, Value) -> Result<bool, Raise>,
    ) -> Result<bool, Raise> {
        let it = self.get_iter_any(o)?;
        self.arena.roots.temps.push(it);
        while let Some(item) = self.iter_next(it)? {
            *pulled += 1;
            seq::check_len(*pulled)?;
            self.arena.roots.temps.push(item);
            let done = f(self, item)?;
            self.arena.roots.temps.pop();
            if done {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// CPython's `set_update_internal`: a set merges, a dict is presized
    /// for and adds its keys, anything else is iterated.
    fn update_from(&mut self, so: Value, o: Value, pulled: &mut usize) -> Result<(), Raise> {
        if pyset::is_set(o) || pydict::is_dict(o) {
            return pyset_ops::update(self.arena, so, o);
        }
        self.any_item(o, pulled, |run, item| {
            pyset::add(run.arena, so, item)?;
            Ok(false)
        })?;
        Ok(())
    }

    /// CPython's `set_intersection_multi`: no argument is a copy.
    fn intersection_multi(
        &mut self,
        s: Value,
        args: &[Value],
        pulled: &mut usize,
    ) -> Result<Value, Raise> {
        if args.is_empty() {
            return self.rooted_copy(s);
        }
        let mut result = s;
        for &o in args {
            result = self.intersection_one(result, o, pulled)?;
        }
        Ok(result)
    }

    /// CPython's `set_intersection`: with a set, the set algorithm; else
    /// each item of the iterable also in `so`, in the iterable's order
    /// (the item itself: `{1}.intersection([1.0])` is `{1.0}`), until the
    /// result is as large as `so` is then.
    fn intersection_one(
        &mut self,
        so: Value,
        o: Value,
        pulled: &mut usize,
    ) -> Result<Value, Raise> {
        if pyset::is_set(o) {
            let out = pyset::intersection(self.arena, so, o)?;
            self.arena.roots.temps.push(out);
            return Ok(out);
        }
        let out = self.rooted_new()?;
        self.any_item(o, pulled, |run, item| {
            if pyset::contains(so, item)? {
                pyset::add(run.arena, out, item)?;
                return Ok(pyset::len(out) >= pyset::len(so));
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// CPython's `set_difference` of `so` and one argument.
    fn difference_one(&mut self, so: Value, o: Value, pulled: &mut usize) -> Result<Value, Raise> {
        if pyset::is_set(o) {
            let out = pyset::difference(self.arena, so, o)?;
            self.arena.roots.temps.push(out);
            return Ok(out);
        }
        if pydict::is_dict(o) && pyset::len(so) >> 2 <= pydict::len(o) {
            // `so`'s elements walked, each looked up among the keys.
            let out = self.rooted_new()?;
            for k in pyset::keys(so) {
                if !pydict::contains(o, k)? {
                    pyset::add(self.arena, out, k)?;
                }
            }
            return Ok(out);
        }
        // `set_copy_and_difference`.
        let out = self.rooted_copy(so)?;
        self.difference_update_one(out, o, pulled)?;
        Ok(out)
    }

    /// CPython's `set_difference_update_internal`.
    fn difference_update_one(
        &mut self,
        so: Value,
        o: Value,
        pulled: &mut usize,
    ) -> Result<(), Raise> {
        if so == o {
            return pyset::clear(self.arena, so);
        }
        if pyset::is_set(o) {
            return pyset::difference_update(self.arena, so, o);
        }
        self.any_item(o, pulled, |_, item| {
            pyset::discard(so, item)?;
            Ok(false)
        })?;
        pyset::shrink_after_discards(self.arena, so)
    }

    /// CPython's `set_symmetric_difference_update`.
    fn symmetric_difference_update_one(
        &mut self,
        so: Value,
        o: Value,
        pulled: &mut usize,
    ) -> Result<(), Raise> {
        if so == o {
            return pyset::clear(self.arena, so);
        }
        if pydict::is_dict(o) {
            for (k, _) in pydict::items(o) {
                if !pyset::discard(so, k)? {
                    pyset::add(self.arena, so, k)?;
                }
            }
            return Ok(());
        }
        let other = if pyset::is_set(o) {
            o
        } else {
            let t = self.rooted_new()?;
            self.update_from(t, o, pulled)?;
            t
        };
        pyset::symmetric_difference_update(self.arena, so, other)
    }
}
