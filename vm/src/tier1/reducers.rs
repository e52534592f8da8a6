//! The reducing builtins where Python code runs between items: `sum`,
//! `min` and `max` of a generator (or an enumerate/zip over one), `min`
//! and `max` with `key=` or `default=`, and `sorted` and `list.sort` with
//! `key=`.
//!
//! `sum`, `min` and `max` pull items one at a time, as CPython does, so an
//! item that fails (a comparison or an addition raising) stops the pulling
//! and a generator is not run past it. `sorted` builds its list first and
//! then computes every key, in order, before comparing any, as CPython's
//! `list.sort` does; while `list.sort` computes keys the list is empty,
//! and a list a key function left non-empty raises CPython's "list
//! modified during sort" once sorted (a key that empties it again is not
//! noticed: CPython tracks the allocation, not the length). Keys are compared with the same comparison as the
//! builtins use without a key.

use super::Run;
use crate::lang::CmpOp;
use crate::lang::ast::BinOp;
use crate::runtime::{Raise, Value, seq, sort, strs};

impl Run<'_> {
    /// `sum(it[, start])` of an iterable only the VM can step.
    pub(crate) fn sum_lazy(&mut self, it: Value, start: Value) -> Result<Value, Raise> {
        // CPython gets the iterator, then refuses a str start.
        if strs::is_str(start) {
            return Err(Raise::type_error(
                "sum() can't sum strings [use ''.join(seq) instead]".into(),
            ));
        }
        self.fold_lazy(it, start, BinOp::Add)
    }

    /// `math.prod(it)` of an iterable only the VM can step.
    pub(crate) fn prod_lazy(&mut self, it: Value) -> Result<Value, Raise> {
        self.fold_lazy(it, Value::small(1), BinOp::Mul)
    }

    /// `start op x1 op x2 ...` over the items of `it`, pulled one at a
    /// time (a failing operation stops the pulling, as CPython's); the
    /// items pulled cost bulk fuel as a list of them would.
    fn fold_lazy(&mut self, it: Value, start: Value, op: BinOp) -> Result<Value, Raise> {
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend([it, start]);
        let acc_slot = mark + 1;
        let mut pulled = 0usize;
        let r = loop {
            let x = match self.iter_next(it) {
                Ok(Some(x)) => x,
                Ok(None) => break Ok(self.arena.roots.temps[acc_slot]),
                Err(e) => break Err(e),
            };
            pulled += 1;
            let acc = self.arena.roots.temps[acc_slot];
            self.arena.roots.temps.push(x);
            // By the instances' dunders where there are any.
            let sum = self.binop_any(op, false, acc, x);
            self.arena.roots.temps.pop();
            match sum {
                Ok(v) => self.arena.roots.temps[acc_slot] = v,
                Err(e) => break Err(e),
            }
        };
        self.arena.roots.temps.truncate(mark);
        if r.is_ok() {
            seq::charge(self.arena, pulled);
        }
        r
    }

    /// `min(...)` (`min` true) or `max(...)` over one iterable or over the
    /// arguments, with `key` and `default` (NULL when not given; a None
    /// key is no key). The first of equal items wins. Over one iterable
    /// the items pulled cost bulk fuel as a list of them would, and more
    /// than a list may hold poisons, unless it is a plain generator walk
    /// (`bounded` false: the generator's own steps cost fuel). `iterated`:
    /// the one iterable is already its iterator (a user `__iter__` ran
    /// once; CPython's `min`/`max` call `iter()` once, so never again).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn min_max_lazy(
        &mut self,
        min: bool,
        args: &[Value],
        key: Value,
        default: Value,
        bounded: bool,
        iterated: bool,
    ) -> Result<Value, Raise> {
        let name = if min { "min" } else { "max" };
        if args.is_empty() {
            return Err(Raise::type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        let many = args.len() > 1;
        if many && !default.is_null() {
            return Err(Raise::type_error(format!(
                "Cannot specify a default for {name}() with multiple positional arguments"
            )));
        }
        let key = if key == Value::NONE { Value::NULL } else { key };
        let it = if many {
            Value::NULL
        } else if iterated {
            args[0]
        } else {
            self.get_iter_any(args[0])?
        };
        let mark = self.arena.roots.temps.len();
        // Rooted slots: the iterator, the best item and its key.
        self.arena
            .roots
            .temps
            .extend([it, Value::NULL, Value::NULL]);
        let (best_slot, key_slot) = (mark + 1, mark + 2);
        let op = if min { CmpOp::Lt } else { CmpOp::Gt };
        let mut pulled = 0usize;
        let r = loop {
            let item = if many {
                match args.get(pulled) {
                    Some(&x) => x,
                    None => break Ok(()),
                }
            } else {
                match self.iter_next(it) {
                    Ok(Some(x)) => x,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            pulled += 1;
            if bounded
                && !many
                && let Err(e) = seq::check_len(pulled)
            {
                break Err(e);
            }
            let k = if key.is_null() {
                item
            } else {
                self.arena.roots.temps.push(item);
                let caller = self.arena.roots.top_frame;
                let k = self.call_value(key, &[item], caller);
                self.arena.roots.temps.pop();
                match k {
                    Ok(k) => k,
                    Err(e) => break Err(e),
                }
            };
            let best_key = self.arena.roots.temps[key_slot];
            let better = if best_key.is_null() {
                Ok(true)
            } else {
                // A user comparison may collect: the item (which only this
                // loop holds when a key was called) and its key are rooted.
                self.arena.roots.temps.extend([item, k]);
                let c = seq::compare_values_by(op, k, best_key, 0, &mut |op, a, b| {
                    self.user_compare(op, a, b)
                });
                self.arena
                    .roots
                    .temps
                    .truncate(self.arena.roots.temps.len() - 2);
                c
            };
            match better {
                Ok(true) => {
                    self.arena.roots.temps[best_slot] = item;
                    self.arena.roots.temps[key_slot] = k;
                }
                Ok(false) => {}
                Err(e) => break Err(e),
            }
        };
        let best = self.arena.roots.temps[best_slot];
        self.arena.roots.temps.truncate(mark);
        r?;
        if !many {
            seq::charge(self.arena, pulled);
        }
        if !best.is_null() {
            return Ok(best);
        }
        if !default.is_null() {
            return Ok(default);
        }
        Err(Raise::exc(
            "ValueError",
            format!("{name}() arg is an empty sequence"),
        ))
    }

    /// `sorted(x, key=f[, reverse=r])` (a None key is no key).
    pub(crate) fn sorted_keyed(
        &mut self,
        args: &[Value],
        key: Value,
        reverse: Value,
    ) -> Result<Value, Raise> {
        if key == Value::NONE {
            return self.sorted_items(args, reverse);
        }
        let &[x] = args else {
            return Err(Raise::type_error(format!(
                "sorted expected 1 argument, got {}",
                args.len()
            )));
        };
        let mark = self.arena.roots.temps.len();
        let r = self.sorted_keyed_rooted(x, key, reverse);
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// [`Self::sorted_keyed`]'s work, rooting what it makes in temps.
    fn sorted_keyed_rooted(
        &mut self,
        x: Value,
        key: Value,
        reverse: Value,
    ) -> Result<Value, Raise> {
        let x = self.iterated_arg(x)?;
        let mut items = seq::collect(self.arena, x)?;
        seq::charge(self.arena, items.len());
        let list = seq::new_list(self.arena, &items)?;
        self.arena.roots.temps.push(list);
        let reverse = sort::reverse_flag(reverse)?;
        let mut keys = Vec::with_capacity(items.len());
        let caller = self.arena.roots.top_frame;
        for &item in &items {
            let k = self.call_value(key, &[item], caller)?;
            self.arena.roots.temps.push(k);
            keys.push(k);
        }
        // Charged as the list's own sort is, on top of building it.
        seq::charge(self.arena, items.len());
        sort::sort_by_keys(&mut items, &keys, reverse, &mut |op, a, b| {
            self.user_compare(op, a, b)
        })?;
        seq::set_items(self.arena, list, &items)?;
        Ok(list)
    }

    /// `xs.sort(key=f[, reverse=r])` (`args`: the positional arguments,
    /// which it takes none of).
    pub(crate) fn list_sort_keyed(
        &mut self,
        xs: Value,
        args: &[Value],
        key: Value,
        reverse: Value,
    ) -> Result<Value, Raise> {
        if key == Value::NONE || !args.is_empty() {
            return self.list_sort_items(xs, args, reverse);
        }
        let reverse = sort::reverse_flag(reverse)?;
        let mut items = seq::items(xs);
        seq::charge(self.arena, items.len());
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend_from_slice(&items);
        let r = self.list_sort_keyed_rooted(xs, &mut items, key, reverse);
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// [`Self::list_sort_keyed`] with `items` (the list's) rooted.
    fn list_sort_keyed_rooted(
        &mut self,
        xs: Value,
        items: &mut [Value],
        key: Value,
        reverse: bool,
    ) -> Result<Value, Raise> {
        seq::set_items(self.arena, xs, &[])?;
        let mut keys = Vec::with_capacity(items.len());
        let caller = self.arena.roots.top_frame;
        for &item in items.iter() {
            match self.call_value(key, &[item], caller) {
                Ok(k) => {
                    self.arena.roots.temps.push(k);
                    keys.push(k);
                }
                Err(e) => {
                    // The list gets its items back, in their order.
                    seq::set_items(self.arena, xs, items)?;
                    return Err(e);
                }
            }
        }
        let sorted = sort::sort_by_keys(items, &keys, reverse, &mut |op, a, b| {
            self.user_compare(op, a, b)
        });
        let modified = seq::len(xs) != 0;
        seq::set_items(self.arena, xs, items)?;
        sorted?;
        if modified {
            return Err(Raise::exc("ValueError", "list modified during sort".into()));
        }
        Ok(Value::NONE)
    }
}
