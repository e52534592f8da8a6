//! List comprehensions: nested loops over the clauses, each item bound to
//! the clause's destination, filtered by its conditions, the innermost
//! clause appending `elt`. Fuel is one unit per item of every clause, as
//! a `for` statement's back edge costs.

use super::super::resolve::{Comp, Dest};
use super::super::seq::{self, Items};
use super::{Frame, Interp, Res};
use crate::reference::value::Value;

impl<'p> Interp<'p> {
    pub(super) fn list_comp(&mut self, c: &'p Comp, frame: &mut Frame<'p>) -> Res<Value> {
        let Some(first) = c.clauses.first() else {
            return Ok(self.heap.list(vec![]));
        };
        // In the enclosing scope, before the comprehension's own begins.
        let iterable = self.eval(&first.iter, frame)?;
        for &slot in &c.own {
            if let Some(cell) = frame.slots.get_mut(slot) {
                *cell = None;
            }
        }
        let mut out = Vec::new();
        self.comp_clause(c, 0, iterable, &mut out, frame)?;
        Ok(self.heap.list(out))
    }

    fn comp_clause(
        &mut self,
        c: &'p Comp,
        level: usize,
        iterable: Value,
        out: &mut Vec<Value>,
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let clause = &c.clauses[level];
        let mut items = Items::of(&iterable).ok_or_else(|| seq::not_iterable(&iterable))?;
        while let Some(item) = items.step()? {
            match &clause.dest {
                Dest::Slot(slot) => self.store(*slot, item, frame),
                Dest::Unpack(inner) => self.unpack_into(inner, &item, frame)?,
            }
            let mut keep = true;
            for cond in &clause.ifs {
                if !self.eval(cond, frame)?.truthy() {
                    keep = false;
                    break;
                }
            }
            if keep {
                if let Some(next) = c.clauses.get(level + 1) {
                    let inner = self.eval(&next.iter, frame)?;
                    self.comp_clause(c, level + 1, inner, out, frame)?;
                } else {
                    let v = self.eval(&c.elt, frame)?;
                    seq::check_len(out.len() as u128 + 1)?;
                    out.push(v);
                }
            }
            self.charge()?;
        }
        Ok(())
    }
}
