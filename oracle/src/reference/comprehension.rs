//! List, set and dict comprehensions: nested loops over the clauses, each
//! item bound to the clause's destination, filtered by its conditions, the
//! innermost clause appending `elt` (adding it to the set, or storing
//! `key: elt` in the dict, one at a time as CPython's `SET_ADD` and
//! `MAP_ADD`). Fuel is one unit per item of every clause, as a `for`
//! statement's back edge costs.

use super::super::resolve::{Comp, CompKind};
use super::super::seq;
use super::{Frame, Interp, Res};
use crate::reference::value::Value;

impl<'p> Interp<'p> {
    pub(super) fn list_comp(&mut self, c: &'p Comp, frame: &mut Frame<'p>) -> Res<Value> {
        let Some(first) = c.clauses.first() else {
            return Ok(self.heap.list(vec![]));
        };
        let target = match c.kind {
            CompKind::List => Target::List(Vec::new()),
            CompKind::Set => Target::Set(super::super::set::new_set(Default::default())),
            CompKind::Dict(_) => Target::Dict(self.heap.dict()),
        };
        // In the enclosing scope, before the comprehension's own begins.
        let iterable = self.eval(&first.iter, frame)?;
        for &slot in &c.own {
            if let Some(cell) = frame.slots.get_mut(slot) {
                *cell = None;
            }
        }
        let mut out = target;
        self.comp_clause(c, 0, iterable, &mut out, frame)?;
        Ok(match out {
            // Appended one at a time (LIST_APPEND), each item's back edge
            // paid: no bulk charge for the whole, as in the VM.
            Target::List(items) => self.heap.list_uncharged(items),
            Target::Set(s) => Value::Set(s),
            Target::Dict(d) => Value::Dict(d),
        })
    }

    fn comp_clause(
        &mut self,
        c: &'p Comp,
        level: usize,
        iterable: Value,
        out: &mut Target,
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let clause = &c.clauses[level];
        let mut items = self.src_any(&iterable)?;
        while let Some(item) = self.step_src(&mut items)? {
            self.store_dest(&clause.dest, item, frame)?;
            let mut keep = true;
            for cond in &clause.ifs {
                let t = self.eval(cond, frame)?;
                if !self.truth(&t)? {
                    keep = false;
                    break;
                }
            }
            if keep {
                if let Some(next) = c.clauses.get(level + 1) {
                    let inner = self.eval(&next.iter, frame)?;
                    self.comp_clause(c, level + 1, inner, out, frame)?;
                } else {
                    let key = match &c.kind {
                        CompKind::Dict(k) => Some(self.eval(k, frame)?),
                        _ => None,
                    };
                    let v = self.eval(&c.elt, frame)?;
                    match out {
                        Target::List(items) => {
                            seq::check_len(items.len() as u128 + 1)?;
                            items.push(v);
                        }
                        Target::Set(s) => self.set_add(s, v)?,
                        Target::Dict(d) => self.dict_store(d, &key.unwrap_or(Value::None), v)?,
                    }
                }
            }
            self.charge()?;
        }
        Ok(())
    }
}

/// What a comprehension is building.
enum Target {
    List(Vec<Value>),
    Set(std::rc::Rc<super::super::set::SetObj>),
    Dict(std::rc::Rc<super::super::dict::DictObj>),
}
