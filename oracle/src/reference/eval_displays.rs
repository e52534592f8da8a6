//! The reference's displays: lists, tuples and sets with `*it` items
//! (PEP 448), and dicts with `**m` items, in CPython 3.11's order.

use jitdiff_vm::lang::outcome::Poison;

use super::super::resolve::Ex;
use super::super::seq;
use super::super::value::Value;
use super::{Frame, Interp, Res, dunders, poison, type_error};

impl<'p> Interp<'p> {
    /// A display's values left to right, each `*it` iterated where it
    /// stands. A non-iterable there is `Value after * must be an iterable`
    /// in a list or tuple (`value_after`; CPython's `LIST_EXTEND`), and
    /// `iter()`'s own TypeError in a set (its `SET_UPDATE`).
    pub(super) fn display_values(
        &mut self,
        items: &'p [Ex],
        value_after: bool,
        frame: &mut Frame<'p>,
    ) -> Res<Vec<Value>> {
        let mut vs = Vec::with_capacity(items.len());
        for x in items {
            let Ex::Spread(it) = x else {
                vs.push(self.eval(x, frame)?);
                continue;
            };
            let v = self.eval(it, frame)?;
            // A set display's `*s` of a set or dict: CPython's SET_UPDATE
            // merges a set (or presizes for a dict) where the items here go
            // into the new set one by one, which can order it differently.
            if !value_after && matches!(v, Value::Set(_) | Value::Dict(_)) {
                return Err(poison(Poison::Unmodelled));
            }
            if value_after && !dunders::iterable_type(&v) {
                return Err(type_error(format!(
                    "Value after * must be an iterable, not {}",
                    v.type_name()
                )));
            }
            let mut src = self.src_any(&v)?;
            while let Some(item) = self.step_src(&mut src)? {
                seq::check_len(vs.len() as u128 + 1)?;
                vs.push(item);
            }
        }
        Ok(vs)
    }

    // The displays are kept out of line so `eval`'s frame (one per level
    // of expression nesting) stays small.

    /// A list or tuple display: items left to right, then the new object.
    #[inline(never)]
    pub(super) fn display(
        &mut self,
        items: &'p [Ex],
        list: bool,
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let vs = self.display_values(items, true, frame)?;
        seq::check_len(vs.len() as u128)?;
        Ok(if list {
            self.heap.list(vs)
        } else {
            self.heap.tuple(vs)
        })
    }

    /// A dict display. With `**m` items, CPython 3.11's `compiler_dict`:
    /// each run of pairs is evaluated whole and made a dict; the first run
    /// (or an empty dict) is the result, and each later run and each `m` is
    /// merged into it in order, a later key replacing an earlier one's
    /// value (`DICT_UPDATE`: an `m` that is no dict is `'int' object is not
    /// a mapping`, or unmodelled for a user class, which may have `keys`).
    /// Without, the pairs left to right, then the dict.
    #[inline(never)]
    pub(super) fn dict_display(
        &mut self,
        pairs: &'p [(Ex, Ex)],
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let mut result: Option<Value> = None;
        let mut run = Vec::new();
        for (k, v) in pairs {
            let Ex::Spread(m) = k else {
                run.push((self.eval(k, frame)?, self.eval(v, frame)?));
                continue;
            };
            if !run.is_empty() || result.is_none() {
                let d = super::super::dict::display(&mut self.heap, std::mem::take(&mut run))?;
                result = Some(match result {
                    None => d,
                    Some(r) => self.merge_display(r, &d)?,
                });
            }
            let m = self.eval(m, frame)?;
            let r = result.take().unwrap_or(Value::None);
            result = Some(self.merge_display(r, &m)?);
        }
        match result {
            None => super::super::dict::display(&mut self.heap, run),
            Some(r) if run.is_empty() => Ok(r),
            Some(r) => {
                let d = super::super::dict::display(&mut self.heap, run)?;
                self.merge_display(r, &d)
            }
        }
    }

    /// `DICT_UPDATE`: `m`'s items stored into dict `into`, in order.
    fn merge_display(&mut self, into: Value, m: &Value) -> Res<Value> {
        let (Value::Dict(d), Value::Dict(src)) = (&into, m) else {
            if matches!(m, Value::Instance(_)) || !matches!(into, Value::Dict(_)) {
                return Err(poison(Poison::Unmodelled));
            }
            return Err(type_error(format!(
                "'{}' object is not a mapping",
                m.type_name()
            )));
        };
        for (k, v) in src.pairs() {
            d.store(&k, v)?;
        }
        Ok(into)
    }
}
