//! The builtins that compare items, when an item is an instance whose
//! class defines a rich comparison: `sorted`, `list.sort`, `min`, `max`,
//! `in`, `index`, `count`, `remove`, and `==`/`<` between lists or tuples.
//!
//! CPython calls the user's method from inside the builtin. The runtime's
//! item comparisons (`seq::item_eq_by`, `seq::compare_values_by`,
//! `sort::sort_items`) cannot run Python, so they take the comparison of
//! such a pair as an argument, and every tier reaches these builtins
//! through the functions here, which pass [`Run::user_compare`]. The
//! order of the calls is CPython 3.11's: the container's item on the left
//! of `==` (`list_contains`, `list_index`, `list_remove`, `list_count`),
//! the new item on the left for `min` (`<`) and `max` (`>`), identity
//! before `==`, and below 64 items the steps of `list.sort` (a longer
//! sort that would call a user method poisons: its merge steps are not
//! timsort's). While `list.sort` sorts, the list is empty, as CPython's;
//! a comparison that leaves it non-empty raises CPython's `list modified
//! during sort` once sorted.

use super::Run;
use crate::lang::CmpOp;
use crate::runtime::{Raise, Value, methods, seq, seq_ops, sort};

impl Run<'_> {
    /// `a op b` where `a` or `b` is an instance with a comparison method:
    /// CPython's `do_richcompare`, whose result (a bool in the language)
    /// is the answer. Callers take the identity shortcut of `==` first.
    pub(crate) fn user_compare(&mut self, op: CmpOp, a: Value, b: Value) -> Result<bool, Raise> {
        // Rooted: the method may drop the last other reference to either.
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend([a, b]);
        let r = self.compare_any(op, a, b);
        self.arena.roots.temps.truncate(mark);
        Ok(r? == Value::TRUE)
    }

    /// `x in c` (`not in` when `negate`) for a container that is not an
    /// instance, in every tier.
    pub(crate) fn contains_items(
        &mut self,
        x: Value,
        c: Value,
        negate: bool,
    ) -> Result<Value, Raise> {
        if crate::runtime::array::is_array(c) {
            return seq_ops::contains_op(x, c, negate);
        }
        // An iterator is searched by stepping it (CPython's
        // `_PySequence_IterSearch`): the items up to the match are consumed.
        if crate::runtime::iters::is_iterator(c) && !crate::runtime::class::is_instance(c) {
            return self
                .gen_contains(x, c)
                .map(|found| Value::bool(found != negate));
        }
        let found = seq::contains_by(c, x, &mut |op, a, b| self.user_compare(op, a, b))?;
        Ok(Value::bool(found != negate))
    }

    /// `a op b` between two lists or two tuples, items compared as
    /// CPython's `list_richcompare` compares them.
    pub(crate) fn compare_sequences(
        &mut self,
        op: CmpOp,
        a: Value,
        b: Value,
    ) -> Result<Value, Raise> {
        let r = seq::rich_compare_by(op, a, b, 0, &mut |op, x, y| self.user_compare(op, x, y))?;
        Ok(Value::bool(r))
    }

    /// The builtins and methods here, for [`Run::call_builtin`]: None for
    /// any other callable.
    pub(crate) fn item_compare_call(
        &mut self,
        callable: Value,
        args: &[Value],
    ) -> Option<Result<Value, Raise>> {
        let (m, receiver, rest) = if methods::is_bound(callable) {
            let (receiver, m) = methods::bound_parts(callable);
            (m, receiver, args)
        } else if methods::is_method(callable) {
            if !(callable == Value::METHOD_LIST_SORT || methods::compares_items(callable)) {
                return None;
            }
            match methods::descriptor_args(callable, args) {
                Ok((receiver, rest)) => (callable, receiver, rest),
                Err(e) => return Some(Err(e)),
            }
        } else {
            return match callable {
                Value::BUILTIN_SORTED => Some(self.sorted_items(args, Value::NULL)),
                Value::BUILTIN_MIN | Value::BUILTIN_MAX => {
                    Some(self.min_max_items(callable == Value::BUILTIN_MIN, args))
                }
                _ => None,
            };
        };
        match m {
            Value::METHOD_LIST_SORT => Some(self.list_sort_items(receiver, rest, Value::NULL)),
            Value::METHOD_LIST_REMOVE => {
                let found = methods::remove_position(receiver, rest, &mut |op, a, b| {
                    self.user_compare(op, a, b)
                });
                Some(found.and_then(|i| {
                    methods::remove_at(self.arena, receiver, i).map(|()| Value::NONE)
                }))
            }
            Value::METHOD_LIST_INDEX | Value::METHOD_TUPLE_INDEX => {
                Some(self.index_items(receiver, rest))
            }
            m if methods::compares_items(m) => Some(methods::compared_count_or_index(
                m,
                receiver,
                rest,
                &mut |op, a, b| self.user_compare(op, a, b),
            )),
            _ => None,
        }
    }

    /// `xs.index(x[, start[, stop]])` of a list or tuple; a list's
    /// ValueError shows `repr(x)`, the user's `__repr__` included.
    fn index_items(&mut self, xs: Value, args: &[Value]) -> Result<Value, Raise> {
        let found = methods::index_search(xs, args, &mut |op, a, b| self.user_compare(op, a, b))?;
        match found {
            Some(i) => Ok(Value::small(i)),
            None if seq::is_list(xs) => {
                let text = self.repr_any(args[0])?;
                Err(methods::index_missing(xs, &text))
            }
            None => Err(methods::index_missing(xs, "")),
        }
    }

    /// `sorted(x[, reverse=r])` (`reverse` NULL when absent).
    pub(crate) fn sorted_items(&mut self, args: &[Value], reverse: Value) -> Result<Value, Raise> {
        let &[x] = args else {
            return Err(Raise::type_error(format!(
                "sorted expected 1 argument, got {}",
                args.len()
            )));
        };
        let mark = self.arena.roots.temps.len();
        let r = self.sorted_items_rooted(x, reverse);
        self.arena.roots.temps.truncate(mark);
        r
    }

    fn sorted_items_rooted(&mut self, x: Value, reverse: Value) -> Result<Value, Raise> {
        let x = self.iterated_arg(x)?;
        let items = sort::sorted_source(self.arena, x)?;
        seq::charge(self.arena, items.len());
        let list = seq::new_list(self.arena, &items)?;
        self.arena.roots.temps.push(list);
        self.list_sort_items(list, &[], reverse)?;
        Ok(list)
    }

    /// `xs.sort([reverse=r])`.
    pub(crate) fn list_sort_items(
        &mut self,
        xs: Value,
        args: &[Value],
        reverse: Value,
    ) -> Result<Value, Raise> {
        if !args.is_empty() {
            return Err(Raise::type_error(
                "sort() takes no positional arguments".into(),
            ));
        }
        let reverse = sort::reverse_flag(reverse)?;
        let mut items = seq::items(xs);
        seq::charge(self.arena, items.len());
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend_from_slice(&items);
        let r = self.list_sort_rooted(xs, &mut items, reverse);
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// [`Self::list_sort_items`] with the list's `items` rooted.
    fn list_sort_rooted(
        &mut self,
        xs: Value,
        items: &mut [Value],
        reverse: bool,
    ) -> Result<Value, Raise> {
        seq::set_items(self.arena, xs, &[])?;
        if reverse {
            items.reverse();
        }
        let sorted = sort::sort_items(items, |v| v, &mut |op, a, b| self.user_compare(op, a, b));
        if reverse {
            items.reverse();
        }
        let modified = seq::len(xs) != 0;
        seq::set_items(self.arena, xs, items)?;
        sorted?;
        if modified {
            return Err(Raise::exc("ValueError", "list modified during sort".into()));
        }
        Ok(Value::NONE)
    }

    /// `min(...)`/`max(...)` of a container or of several arguments,
    /// without keywords: the items gathered first (as `list(x)`), then
    /// compared one at a time against the best so far.
    fn min_max_items(&mut self, min: bool, args: &[Value]) -> Result<Value, Raise> {
        let mark = self.arena.roots.temps.len();
        let r = seq_ops::min_max_items(self.arena, min, args).and_then(|items| {
            self.arena.roots.temps.extend_from_slice(&items);
            let op = if min { CmpOp::Lt } else { CmpOp::Gt };
            let mut best: Option<Value> = None;
            for x in items {
                best = Some(match best {
                    Some(b) => {
                        let user = &mut |op, a, b| self.user_compare(op, a, b);
                        if seq::compare_values_by(op, x, b, 0, user)? {
                            x
                        } else {
                            b
                        }
                    }
                    None => x,
                });
            }
            best.ok_or_else(|| {
                let name = if min { "min" } else { "max" };
                Raise::exc("ValueError", format!("{name}() arg is an empty sequence"))
            })
        });
        self.arena.roots.temps.truncate(mark);
        r
    }
}
