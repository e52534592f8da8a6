//! Pulling from generators: loops, unpacking, `in`, `next`/`iter`, the
//! builtins and methods that drain one or reduce it lazily, and the lazy
//! `enumerate`/`zip` of a generator (the fuel rules are in the header of
//! `generators.rs`). Split from that file, which keeps the generator
//! states and their executor.

use std::rc::Rc;

use super::*;

impl<'p> Interp<'p> {
    /// `iter(v)` for a loop: a generator, or a builtin iterable's items.
    pub(in super::super) fn src_of(&mut self, v: &Value) -> Res<Src> {
        match v {
            Value::Gen(g) => Ok(Src::Gen(g.clone())),
            // A user iterator: `src_any` got it from `__iter__`.
            Value::Instance(_) => match stepped(v.clone()) {
                Value::Iter(o) => Ok(Src::Items(Items::Obj(o))),
                _ => Err(poison(Poison::Unmodelled)),
            },
            _ => Items::of(v)
                .map(Src::Items)
                .ok_or_else(|| seq::not_iterable(v)),
        }
    }

    /// The next item of a walk (`None`: exhausted).
    pub(in super::super) fn step_src(&mut self, src: &mut Src) -> Res<Option<Value>> {
        match src {
            Src::Items(Items::Obj(o)) => {
                let o = o.clone();
                match self.step_gen_iter(&o) {
                    Some(r) => r,
                    None => o.step(),
                }
            }
            Src::Items(items) => items.step(),
            Src::Gen(g) => {
                let g = g.clone();
                Ok(match self.resume(&g)? {
                    Step::Yield(v) => Some(v),
                    Step::Done(_) => None,
                })
            }
        }
    }

    /// Replaces a generator at `stack[i]` by the list of its items.
    fn drain_at(&mut self, i: usize) -> Res<()> {
        let Some(mut src) = self.stack.get(i).and_then(lazy_src) else {
            return Ok(());
        };
        let mut items = Vec::new();
        while let Some(v) = self.step_src(&mut src)? {
            seq::check_len(items.len() as u128 + 1)?;
            items.push(v);
        }
        // Uncharged: the consumer charges as for any list it is given.
        let list = self.heap.list_uncharged(items);
        if let Some(slot) = self.stack.get_mut(i) {
            *slot = list;
        }
        Ok(())
    }

    /// Before builtin `b` runs on `stack[base..]`: a generator it consumes
    /// whole (the iterable of `list`, `tuple`, `sorted`, `set` and `dict`)
    /// becomes the list of its items, which is exact as long as the
    /// consumer does not fail part way (`set` and `dict` raising on an
    /// item see the generator run to its end first); `sum`, `min` and
    /// `max` pull lazily ([`Self::lazy_reduce`]). Every other builtin sees
    /// the generator itself.
    pub(in super::super) fn drain_for_builtin(&mut self, b: Builtin, base: usize) -> Res<()> {
        match b {
            Builtin::List | Builtin::Tuple | Builtin::Sorted | Builtin::Set | Builtin::Dict => {
                self.drain_at(base)
            }
            _ => Ok(()),
        }
    }

    /// `sum(g[, start])`, `min(g)`, `max(g)` of a generator (or an
    /// iterator over one): items pulled one at a time, so a failing item
    /// stops the pulling as in CPython; the same bulk fuel as for a list
    /// of the items. `None`: not such a call.
    pub(in super::super) fn lazy_reduce(&mut self, b: Builtin, base: usize) -> Res<Option<Value>> {
        let args = self.stack.get(base..).unwrap_or(&[]);
        let (src, start) = match (b, args) {
            (Builtin::Sum, [it]) => (sum_src(it, None), Value::Int(Int::Small(0))),
            (Builtin::Sum, [it, start]) => (sum_src(it, Some(start)), start.clone()),
            (Builtin::Min | Builtin::Max, [it]) => (lazy_src(it), Value::None),
            _ => return Ok(None),
        };
        let Some(mut src) = src else {
            return Ok(None);
        };
        self.stack.truncate(base);
        let mut n = 0usize;
        let r = if b == Builtin::Sum {
            if let Value::Str(_) = start {
                return Err(type_error(
                    "sum() can't sum strings [use ''.join(seq) instead]".into(),
                ));
            }
            let mut acc = start;
            while let Some(x) = self.step_src(&mut src)? {
                n += 1;
                // By the instances' dunders where there are any.
                acc = self.binop(jitdiff_vm::lang::ast::BinOp::Add, &acc, &x, false)?;
            }
            acc
        } else {
            let (name, op) = if b == Builtin::Max {
                ("max", jitdiff_vm::lang::ast::CmpOp::Gt)
            } else {
                ("min", jitdiff_vm::lang::ast::CmpOp::Lt)
            };
            let Some(mut best) = self.step_src(&mut src)? else {
                return Err(super::super::value_error(format!(
                    "{name}() arg is an empty sequence"
                )));
            };
            n += 1;
            while let Some(x) = self.step_src(&mut src)? {
                n += 1;
                let user = &mut |op, a: &Value, b: &Value| self.compare_dunder(op, a, b);
                if super::super::compare::rich_by(op, &x, &best, 0, user)? {
                    best = x;
                }
            }
            best
        };
        self.heap.bulk(n);
        Ok(Some(r))
    }

    /// Before method `m` runs on `stack[base..]`: the iterables of the
    /// methods that consume them whole (`extend`, `join`, `dict.update`)
    /// drained as for builtins. A set's `update` and algebra methods step
    /// theirs (`eval_set_algebra.rs`).
    pub(in super::super) fn drain_for_method(
        &mut self,
        recv: &Value,
        m: &Meth,
        base: usize,
    ) -> Res<()> {
        let set_update = matches!(m, Meth::Update) && matches!(recv, Value::Set(_));
        if matches!(m, Meth::Extend | Meth::Join | Meth::Update) && !set_update {
            for i in base..self.stack.len() {
                // A user iterable joined or extended with: its `__iter__`
                // result (drained below when it runs Python).
                if matches!(m, Meth::Extend | Meth::Join)
                    && let Some(x @ Value::Instance(_)) = self.stack.get(i).cloned()
                    && self.dunder(&x, "__iter__")?.is_some()
                {
                    let it = self.iter_any(&x)?;
                    self.stack[i] = stepped(it);
                }
                self.drain_at(i)?;
            }
        }
        Ok(())
    }

    /// `next(it)` / `next(it, default)`.
    pub(in super::super) fn next_builtin(&mut self, base: usize) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let (it, default) = match &args[..] {
            [it] => (it, None),
            [it, d] => (it, Some(d.clone())),
            [] => {
                return Err(type_error(
                    "next expected at least 1 argument, got 0".into(),
                ));
            }
            more => {
                return Err(type_error(format!(
                    "next expected at most 2 arguments, got {}",
                    more.len()
                )));
            }
        };
        let ret = match it {
            Value::Gen(g) => match self.resume(g)? {
                Step::Yield(v) => return Ok(v),
                Step::Done(r) => r,
            },
            Value::Iter(o) => match self.step_gen_iter(o).unwrap_or_else(|| o.step())? {
                Some(v) => return Ok(v),
                None => Value::None,
            },
            // A user iterator's StopIteration leaves `next(it)` as raised;
            // `next(it, d)` catches it.
            Value::Instance(_) if self.dunder(it, "__next__")?.is_some() => {
                return match (self.user_next(it, default.is_some())?, default) {
                    (Some(v), _) => Ok(v),
                    (None, Some(d)) => Ok(d),
                    (None, None) => Err(poison(Poison::Unmodelled)),
                };
            }
            other => {
                return Err(type_error(format!(
                    "'{}' object is not an iterator",
                    other.type_name()
                )));
            }
        };
        if let Some(d) = default {
            return Ok(d);
        }
        let args = if matches!(ret, Value::None) {
            vec![]
        } else {
            vec![ret]
        };
        Err(Box::new(super::super::Stop::Raised(exceptions::make(
            exceptions::STOP_ITERATION,
            &args,
        ))))
    }

    /// `iter(x)`: a generator or an iterator itself, a new iterator over
    /// a builtin iterable.
    pub(in super::super) fn iter_builtin(&mut self, base: usize) -> Res<Value> {
        match self.stack.get(base..).unwrap_or(&[]) {
            [v @ Value::Gen(_)] => Ok(v.clone()),
            [v] => super::super::super::iters::iter_of(v).ok_or_else(|| seq::not_iterable(v)),
            // `iter(callable, sentinel)` is outside the language.
            [_, _] => Err(poison(Poison::Unmodelled)),
            [] => Err(type_error(
                "iter expected at least 1 argument, got 0".into(),
            )),
            args => Err(type_error(format!(
                "iter expected at most 2 arguments, got {}",
                args.len()
            ))),
        }
    }

    /// `a, *b, c = v` (CPython's `UNPACK_EX`): `before` items pulled one
    /// at a time, the rest drained into a list (bulk-charged as `list(v)`),
    /// the `after` items taken off its end; the items in target order.
    pub(in super::super) fn unpack_star(
        &mut self,
        v: &Value,
        before: usize,
        after: usize,
    ) -> Res<Vec<Value>> {
        let mut src = match lazy_src(v) {
            Some(src) => src,
            None => match Items::of(v) {
                Some(items) => Src::Items(items),
                None => {
                    return Err(super::type_error(format!(
                        "cannot unpack non-iterable {} object",
                        v.type_name()
                    )));
                }
            },
        };
        let short = |got: usize| {
            super::super::value_error(format!(
                "not enough values to unpack (expected at least {}, got {got})",
                before + after
            ))
        };
        let mut out = Vec::with_capacity(before + after + 1);
        for got in 0..before {
            match self.step_src(&mut src)? {
                Some(x) => out.push(x),
                None => return Err(short(got)),
            }
        }
        let mut rest = Vec::new();
        while let Some(x) = self.step_src(&mut src)? {
            rest.push(x);
            super::super::seq::check_len(rest.len() as u128)?;
        }
        self.heap.bulk(rest.len());
        if rest.len() < after {
            return Err(short(before + rest.len()));
        }
        let tail = rest.split_off(rest.len() - after);
        out.push(self.heap.list_uncharged(rest));
        out.extend(tail);
        Ok(out)
    }

    /// `a, b = g` for a generator (or an iterator over one): at most one
    /// item past the targets is pulled, as CPython's `UNPACK_SEQUENCE`.
    pub(in super::super) fn unpack_lazy(&mut self, mut src: Src, n: usize) -> Res<Vec<Value>> {
        let mut got = Vec::with_capacity(n + 1);
        while got.len() <= n {
            match self.step_src(&mut src)? {
                Some(v) => got.push(v),
                None => break,
            }
        }
        if got.len() < n {
            return Err(super::super::value_error(format!(
                "not enough values to unpack (expected {n}, got {})",
                got.len()
            )));
        }
        if got.len() > n {
            return Err(super::super::value_error(format!(
                "too many values to unpack (expected {n})"
            )));
        }
        Ok(got)
    }

    /// `x in g`: items are pulled until one is `x` or equal to it.
    pub(in super::super) fn lazy_contains(&mut self, x: &Value, mut src: Src) -> Res<bool> {
        while let Some(v) = self.step_src(&mut src)? {
            let user = &mut |op, a: &Value, b: &Value| self.compare_dunder(op, a, b);
            if super::super::compare::elem_eq_by(&v, x, 0, user)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl<'p> Interp<'p> {
    /// `enumerate(...)` or `zip(...)` with a generator argument: an
    /// iterator the evaluator steps lazily, as CPython's.
    pub(in super::super) fn gen_iterator(&mut self, b: Builtin, base: usize) -> Res<Option<Value>> {
        let args = self.stack.get(base..).unwrap_or(&[]);
        if !args.iter().any(runs_python) {
            return Ok(None);
        }
        let state = match (b, args) {
            (Builtin::Enumerate, [g]) if runs_python(g) => IterState::GenEnumerate {
                source: g.clone(),
                count: Int::Small(0),
                int_bits: self.limits.int_bits,
            },
            (Builtin::Enumerate, [g, s]) if runs_python(g) => IterState::GenEnumerate {
                source: g.clone(),
                count: s.as_int().ok_or_else(|| {
                    type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        s.type_name()
                    ))
                })?,
                int_bits: self.limits.int_bits,
            },
            (Builtin::Zip, args) => {
                let mut parts = Vec::with_capacity(args.len());
                for a in args {
                    parts.push(if runs_python(a) {
                        Part::Gen(a.clone())
                    } else {
                        Part::Items(Items::of(a).ok_or_else(|| seq::not_iterable(a))?)
                    });
                }
                IterState::GenZip(parts)
            }
            // Argument errors as the builtin itself reports them.
            _ => return Ok(None),
        };
        self.stack.truncate(base);
        Ok(Some(IterObj::value(state)))
    }

    /// The next item of an iterator the evaluator steps (`None` if `o` is
    /// another kind: its own `step` applies).
    fn step_gen_iter(&mut self, o: &Rc<IterObj>) -> Option<Res<Option<Value>>> {
        let user = match &*o.state.borrow() {
            IterState::User(v) => Some(v.clone()),
            _ => None,
        };
        if let Some(v) = user {
            return Some(self.user_next(&v, true));
        }
        let busy = |s: &IterState| {
            IterState::Busy(if matches!(s, IterState::GenZip(_)) {
                "zip"
            } else {
                "enumerate"
            })
        };
        let taken = {
            let mut st = o.state.borrow_mut();
            match &*st {
                IterState::GenEnumerate { .. } | IterState::GenZip(_) => {
                    let b = busy(&st);
                    std::mem::replace(&mut *st, b)
                }
                _ => return None,
            }
        };
        Some(self.step_taken(o, taken))
    }

    /// The next item of a generator or a wrapped user iterator (the
    /// sources of `enumerate` and `zip` that the evaluator steps).
    fn pull(&mut self, source: &Value) -> Res<Option<Value>> {
        match source {
            Value::Gen(g) => Ok(match self.resume(g)? {
                Step::Yield(v) => Some(v),
                Step::Done(_) => None,
            }),
            Value::Iter(o) => match self.step_gen_iter(o) {
                Some(r) => r,
                None => Err(poison(Poison::Unmodelled)),
            },
            _ => Err(poison(Poison::Unmodelled)),
        }
    }

    /// One step of user iterator `it` (CPython's `slot_tp_iternext`): its
    /// class's `__next__`, looked up at each step. With `stop_ends`, a
    /// StopIteration it raises (or one of a subclass) is exhaustion, as for
    /// a loop and the consuming builtins; without, it propagates
    /// (`next(it)`).
    pub(in super::super) fn user_next(
        &mut self,
        it: &Value,
        stop_ends: bool,
    ) -> Res<Option<Value>> {
        // None: CPython's `_PyObject_NextNotImplemented` (defensive:
        // callers check for `__next__`, and deleting a class attribute
        // poisons).
        let Some(f) = self.dunder(it, "__next__")? else {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                it.type_name()
            )));
        };
        match self.call_dunder(f, vec![it.clone()]) {
            Ok(v) => Ok(Some(v)),
            Err(e) if stop_ends && super::super::eval_try::is_stop_iteration(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn step_taken(&mut self, o: &Rc<IterObj>, taken: IterState) -> Res<Option<Value>> {
        let (next_state, r) = match taken {
            IterState::GenEnumerate {
                source,
                count,
                int_bits,
            } => match self.pull(&source) {
                Ok(Some(x)) => match checked(count.add(&Int::Small(1)), int_bits) {
                    Ok(Value::Int(next)) => {
                        let pair = self.heap.tuple(vec![Value::Int(count), x]);
                        (
                            IterState::GenEnumerate {
                                source: source.clone(),
                                count: next,
                                int_bits,
                            },
                            Ok(Some(pair)),
                        )
                    }
                    Ok(_) => return Err(poison(Poison::Unmodelled)),
                    Err(e) => return Err(e),
                },
                // CPython's enumerate asks its iterator again at every
                // step: a user `__next__` may go on after StopIteration.
                Ok(None) => (
                    IterState::GenEnumerate {
                        source: source.clone(),
                        count,
                        int_bits,
                    },
                    Ok(None),
                ),
                Err(e) => (
                    IterState::GenEnumerate {
                        source: source.clone(),
                        count,
                        int_bits,
                    },
                    Err(e),
                ),
            },
            IterState::GenZip(mut parts) => {
                let mut items = Vec::with_capacity(parts.len());
                let mut r = Ok(None);
                let mut exhausted = parts.is_empty();
                for p in parts.iter_mut() {
                    let got = match p {
                        Part::Items(it) => it.step(),
                        Part::Gen(v) => self.pull(v),
                    };
                    match got {
                        Ok(Some(v)) => items.push(v),
                        Ok(None) => {
                            exhausted = true;
                            break;
                        }
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                // Exhausted or not, the iterators stay: CPython's
                // `zip_next` steps them again at the next call.
                if r.is_err() || exhausted {
                    (IterState::GenZip(parts), r)
                } else {
                    let t = self.heap.tuple(items);
                    (IterState::GenZip(parts), Ok(Some(t)))
                }
            }
            other => (other, Err(poison(Poison::Unmodelled))),
        };
        *o.state.borrow_mut() = next_state;
        r
    }
}
