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

    /// A dict display, as CPython 3.11's `compiler_dict` cuts it into runs
    /// ([`dict_runs`]): each run of pairs is made a dict; the first run
    /// (or an empty dict) is the result, and each later run and each `**m`
    /// is merged into it in order, a later key replacing an earlier one's
    /// value (`DICT_UPDATE`: an `m` that is no dict is `'int' object is not
    /// a mapping`, or unmodelled for a user class, which may have `keys`).
    /// A run of 16 pairs or more stores each pair as it comes (`MAP_ADD`);
    /// a shorter one is evaluated whole, then stored (`BUILD_MAP n`): where
    /// an unhashable key raises shows which.
    #[inline(never)]
    pub(super) fn dict_display(
        &mut self,
        pairs: &'p [(Ex, Ex)],
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let mut result: Option<Value> = None;
        for run in dict_runs(pairs) {
            let d = match run {
                DictRun::Spread(m) => {
                    let r = match result.take() {
                        Some(r) => r,
                        None => super::super::dict::display(&mut self.heap, vec![])?,
                    };
                    let m = self.eval(m, frame)?;
                    result = Some(self.merge_display(r, &m)?);
                    continue;
                }
                DictRun::Pairs(run) if 2 * run.len() > STACK_USE_GUIDELINE => {
                    let d = self.heap.dict();
                    for (k, v) in run {
                        let k = self.eval(k, frame)?;
                        let v = self.eval(v, frame)?;
                        self.dict_store(&d, &k, v)?;
                    }
                    self.heap.bulk(d.len());
                    Value::Dict(d)
                }
                DictRun::Pairs(run) => {
                    let mut items = Vec::with_capacity(run.len());
                    for (k, v) in run {
                        items.push((self.eval(k, frame)?, self.eval(v, frame)?));
                    }
                    self.dict_display_pairs(items)?
                }
            };
            result = Some(match result {
                None => d,
                Some(r) => self.merge_display(r, &d)?,
            });
        }
        match result {
            Some(r) => Ok(r),
            None => super::super::dict::display(&mut self.heap, vec![]),
        }
    }

    /// A set display of more than [`STACK_USE_GUIDELINE`] items, none
    /// constant-folded nor `*it` (CPython's `starunpack_helper` when
    /// `big`): each item is added as it comes, so an unhashable one raises
    /// before the items after it are evaluated.
    #[inline(never)]
    pub(super) fn big_set_display(&mut self, items: &'p [Ex], frame: &mut Frame<'p>) -> Res<Value> {
        let s = super::super::set::new_set(Default::default());
        for x in items {
            let v = self.eval(x, frame)?;
            self.set_add(&s, v)?;
        }
        self.heap.bulk(s.data.borrow().len());
        Ok(Value::Set(s))
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

/// CPython's `STACK_USE_GUIDELINE`: past it (past half of it in pairs) a
/// display is built as it goes.
pub(super) const STACK_USE_GUIDELINE: usize = 30;

/// A dict display's parts as CPython 3.11's `compiler_dict` cuts them.
enum DictRun<'p> {
    Spread(&'p Ex),
    Pairs(&'p [(Ex, Ex)]),
}

/// A `**m` ends the run before it; a run ends with its 17th pair (met
/// once `elements * 2 > STACK_USE_GUIDELINE`).
fn dict_runs(pairs: &[(Ex, Ex)]) -> Vec<DictRun<'_>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, (k, _)) in pairs.iter().enumerate() {
        if let Ex::Spread(m) = k {
            if start < i {
                runs.push(DictRun::Pairs(&pairs[start..i]));
            }
            runs.push(DictRun::Spread(m));
            start = i + 1;
        } else if 2 * (i - start) > STACK_USE_GUIDELINE {
            runs.push(DictRun::Pairs(&pairs[start..=i]));
            start = i + 1;
        }
    }
    if start < pairs.len() {
        runs.push(DictRun::Pairs(&pairs[start..]));
    }
    runs
}
