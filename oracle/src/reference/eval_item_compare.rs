//! The builtins that compare items, when an item is an instance whose
//! class defines a rich comparison: `sorted`, `list.sort`, `min`, `max`,
//! `in`, `index`, `count`, `remove`, and `==`/`<` between lists or tuples.
//!
//! CPython calls the user's method from inside the builtin; the item
//! comparisons of [`compare`] and [`iters`] take that call as an argument
//! (`UserCmp`), and the evaluator passes its own `compare_dunder` here. The
//! calls come in CPython 3.11's order: the container's item on the left
//! of `==` (`list_contains`, `list_index`, `list_remove`, `list_count`),
//! the new item on the left for `min` (`<`) and `max` (`>`), identity
//! before `==`, and below 64 items the steps of `list.sort` (a longer sort
//! that would call a user method poisons). While `list.sort` sorts, the
//! list is empty, as CPython's; a comparison that leaves it non-empty
//! raises CPython's `list modified during sort` once sorted.

use jitdiff_vm::lang::ast::CmpOp;

use super::super::compare;
use super::super::iters;
use super::super::methods::{self, Meth};
use super::super::value::{Int, ListObj, Value};
use super::{Interp, Res, type_error, value_error};

impl Interp<'_> {
    /// `a op b` between two lists or two tuples (`==` of items CPython's
    /// `PyObject_RichCompareBool`, users' methods included).
    pub(super) fn compare_sequences(&mut self, op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
        compare::rich_by(op, a, b, 0, &mut |op, x, y| self.compare_dunder(op, x, y))
    }

    /// `x in c` for a container that is not an instance.
    pub(super) fn contains_items(&mut self, c: &Value, x: &Value) -> Res<bool> {
        match c {
            Value::Dict(d) => self.dict_contains(d, x),
            Value::Set(s) => self.set_contains(s, x),
            _ => compare::contains_by(c, x, &mut |op, a, b| self.compare_dunder(op, a, b)),
        }
    }

    /// `recv.m(*args)` for a builtin receiver whose method [`methods::lookup`]
    /// accepted: the methods that compare items run users' methods.
    pub(super) fn call_builtin_method(
        &mut self,
        recv: &Value,
        m: &Meth,
        args: &[Value],
    ) -> Res<Value> {
        if let (Value::Gen(g), "send") = (recv, m.name()) {
            return self.gen_send(g, args);
        }
        if let Value::Set(s) = recv
            && super::eval_set_algebra::is_algebra(m.name())
        {
            return self.set_algebra(s, m.name(), args);
        }
        // The methods that hash their key, users' `__hash__` included.
        let hashing = match recv {
            Value::Dict(d) => self.dict_method(d, m, args),
            Value::Set(s) => self.set_method(s, m.name(), args),
            _ => None,
        };
        if let Some(r) = hashing {
            return r;
        }
        if !methods::compares_items(recv, m) {
            return methods::call_method(&mut self.heap, recv, m, args, self.limits.int_bits);
        }
        if let (Meth::Sort, Value::List(l)) = (m, recv) {
            return self.list_sort_items(l, args, None).map(|()| Value::None);
        }
        if let Meth::Index = m {
            let user = &mut |op, a: &Value, b: &Value| self.compare_dunder(op, a, b);
            return match methods::index_search(recv, args, user)? {
                Some(i) => Ok(Value::Int(Int::Small(i))),
                None if matches!(recv, Value::List(_)) => {
                    let text = self.repr_any(&args[0])?;
                    Err(methods::index_missing(recv, &text))
                }
                None => Err(methods::index_missing(recv, "")),
            };
        }
        methods::call_comparing(recv, m, args, &mut |op, a, b| self.compare_dunder(op, a, b))
    }

    /// `sorted(x[, reverse=r])`.
    pub(super) fn sorted_items(&mut self, args: &[Value], reverse: Option<&Value>) -> Res<Value> {
        let [x] = args else {
            return Err(type_error(format!(
                "sorted expected 1 argument, got {}",
                args.len()
            )));
        };
        let items = iters::sorted_source(x)?;
        let list = self.heap.list(items);
        if let Value::List(l) = &list {
            self.list_sort_items(l, &[], reverse)?;
        }
        Ok(list)
    }

    /// `xs.sort([reverse=r])`: on an error the list keeps the order the
    /// sort reached (reversed back when `reverse`), as CPython's.
    pub(super) fn list_sort_items(
        &mut self,
        l: &ListObj,
        args: &[Value],
        reverse: Option<&Value>,
    ) -> Res<()> {
        if !args.is_empty() {
            return Err(type_error("sort() takes no positional arguments".into()));
        }
        let reverse = iters::reverse_flag(reverse)?;
        let mut items = std::mem::take(&mut *l.items.borrow_mut());
        self.heap.bulk(items.len());
        if reverse {
            items.reverse();
        }
        let sorted = iters::sort_items(&mut items, |v| v, &mut |op, a, b| {
            self.compare_dunder(op, a, b)
        });
        if reverse {
            items.reverse();
        }
        let modified = !l.items.borrow().is_empty();
        *l.items.borrow_mut() = items;
        sorted?;
        if modified {
            return Err(value_error("list modified during sort".into()));
        }
        Ok(())
    }

    /// `min(*args)` / `max(*args)` without keywords: the items gathered
    /// first, then each compared with the best so far; the first of equal
    /// items wins.
    pub(super) fn min_max_items(&mut self, args: &[Value], max: bool) -> Res<Value> {
        let name = if max { "max" } else { "min" };
        let mut items = methods::min_max_items(&mut self.heap, args, max)?.into_iter();
        let Some(mut best) = items.next() else {
            return Err(value_error(format!("{name}() arg is an empty sequence")));
        };
        let op = if max { CmpOp::Gt } else { CmpOp::Lt };
        for x in items {
            if compare::rich_by(op, &x, &best, 0, &mut |op, a, b| {
                self.compare_dunder(op, a, b)
            })? {
                best = x;
            }
        }
        Ok(best)
    }
}
