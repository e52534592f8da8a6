//! Generators, written from CPython 3.11's `genobject.c` and PEP 479. The
//! front end only allows `yield`/`yield from` as whole statements, so a
//! generator always suspends between statements: its state is its frame
//! plus a stack of cursors (a block and the next statement in it, and the
//! loops, `try` bodies and `yield from`s that contain a yield), resumed by a
//! small executor here. Statements containing no yield run through the
//! ordinary `exec`. No threads, no unsafe.
//!
//! A `try` may hold a yield in its body or its `else:` only where closing
//! the unfinished generator would show nothing (no `finally:`, handlers
//! that let GeneratorExit through, no yield in a handler: the front end's
//! `Ctx::yield_refusal`), so the executor needs no GeneratorExit: an
//! exception leaving any cursor above a `try` body's cursor runs that
//! `try`'s handlers, as CPython's exception table does for the frame.
//!
//! Generator states live in a table in the interpreter (they borrow the
//! program); the `generator` value holds an index into it. Entries whose
//! value is gone are recycled.
//!
//! Fuel (the VM must charge the same): creating a generator (calling a
//! generator function) is a call like any other (1 unit, charged by the
//! call); so is making a generator expression, the call of its `<genexpr>`
//! function once its first iterable is checked. Every resume of
//! an unfinished generator frame costs 1 unit, charged before it runs:
//! each `next(g)` and each item a `for` loop, a comprehension, a `yield
//! from`, an unpacking, `in` or a builtin pulls from it, including the
//! resume that finds the body's end (pulling from a finished generator is
//! free). Loops inside the body charge their back edges as anywhere else.
//! A resume counts as one call level (the depth limit) while it runs.
//! `try` costs nothing. Beyond the resumes, a builtin or method consuming
//! a generator costs what it costs for a list of the generator's items
//! (its call unit and the bulk charge of `n` items, `n >> 10`); `sum`,
//! `min` and `max` pull lazily and build no list (no length cap), and
//! so do `enumerate`/`zip` of a generator, `in`, unpacking and `next`.

use std::rc::{Rc, Weak};

use jitdiff_vm::lang::outcome::Poison;

use super::super::exceptions;
use super::super::iters::{IterObj, IterState, Part};
use super::super::methods::Meth;
use super::super::resolve::{Dest, Ex, FuncCode, Slot, St, TrySt};
use super::super::seq::{self, Items};
use super::super::value::{Builtin, FuncObj, Int, Value};
use super::{Flow, Frame, Interp, Res, checked, closures, exception, poison, type_error};

/// A generator object: an index into the interpreter's table.
#[derive(Debug)]
pub struct GenObj {
    pub id: usize,
}

#[derive(Default)]
pub struct Table<'p> {
    entries: Vec<Entry<'p>>,
    free: Vec<usize>,
    /// The table length that triggers the next sweep for dead entries.
    sweep_at: usize,
}

struct Entry<'p> {
    handle: Weak<GenObj>,
    /// `None` while it runs (or once finished).
    state: Option<State<'p>>,
    done: bool,
}

struct State<'p> {
    frame: Frame<'p>,
    cursors: Vec<Cursor<'p>>,
}

enum Cursor<'p> {
    Block(&'p [St], usize),
    While {
        test: &'p Ex,
        body: &'p [St],
        orelse: &'p [St],
        started: bool,
    },
    For {
        target: Target<'p>,
        src: Src,
        body: &'p [St],
        orelse: &'p [St],
        started: bool,
    },
    YieldFrom(Src),
    /// A `try` whose body (the cursors above this one) holds a yield:
    /// an exception leaving them runs its handlers; the body's end runs
    /// its `else:`.
    Try(&'p TrySt),
}

#[derive(Clone, Copy)]
enum Target<'p> {
    Slot(Slot),
    Unpack(&'p [Dest]),
}

/// What an iteration walks: a builtin iterable's items or a generator.
pub enum Src {
    Items(Items),
    Gen(Rc<GenObj>),
}

/// The outcome of one resume.
pub enum Step {
    Yield(Value),
    /// Finished: the `return` value (None also for falling off the end
    /// and for an already finished generator).
    Done(Value),
}

/// A generator, or an iterator the evaluator steps over one (or over a
/// user iterator), as a walk.
pub fn lazy_src(v: &Value) -> Option<Src> {
    match v {
        Value::Gen(g) => Some(Src::Gen(g.clone())),
        Value::Iter(o)
            if matches!(
                &*o.state.borrow(),
                IterState::GenEnumerate { .. }
                    | IterState::GenZip(_)
                    | IterState::Busy(_)
                    | IterState::User(_)
            ) =>
        {
            Some(Src::Items(Items::Obj(o.clone())))
        }
        _ => None,
    }
}

/// What `x in v` steps item by item: a [`lazy_src`], or any other
/// iterator object (CPython's `_PySequence_IterSearch`: the items up to
/// the match are consumed).
pub fn searched_src(v: &Value) -> Option<Src> {
    lazy_src(v).or_else(|| match v {
        Value::Iter(o) => Some(Src::Items(Items::Obj(o.clone()))),
        _ => None,
    })
}

/// What `sum(it[, start])` pulls lazily: a generator, or a list, tuple or
/// range when an instance is added (the start, or a list's or tuple's
/// item): its dunders run item by item. Other iterables of instances
/// poison in the eager sum (as in the VM: `sum_adds_instances`).
fn sum_src(it: &Value, start: Option<&Value>) -> Option<Src> {
    let inst = |v: &Value| matches!(v, Value::Instance(_));
    let adds_instance = match it {
        Value::List(l) => start.is_some_and(inst) || l.items.borrow().iter().any(inst),
        Value::Tuple(t) => start.is_some_and(inst) || t.items.iter().any(inst),
        Value::Range(_) => start.is_some_and(inst),
        _ => false,
    };
    match lazy_src(it) {
        Some(src) => Some(src),
        None if adds_instance => Items::of(it).map(Src::Items),
        None => None,
    }
}

/// What an `__iter__` result is to a builtin or a loop: a user iterator
/// (an instance) wrapped so that only the evaluator steps it, anything
/// else as it is.
pub fn stepped(it: Value) -> Value {
    match it {
        Value::Instance(_) => IterObj::value(IterState::User(it)),
        other => other,
    }
}

/// Whether `v` is a value the evaluator steps by running Python code: a
/// generator, a wrapped user iterator (see [`stepped`]), or an
/// `enumerate`/`zip` over one.
fn runs_python(v: &Value) -> bool {
    lazy_src(v).is_some()
}

/// Whether a statement holds a `yield` the executor must reach (nested
/// functions and classes are other code).
fn has_yield(s: &St) -> bool {
    let any = |b: &[St]| b.iter().any(has_yield);
    match s {
        St::Yield(_) | St::YieldFrom(_) => true,
        St::If(_, b, o) | St::While(_, b, o) | St::For(_, _, b, o) | St::ForUnpack(_, _, b, o) => {
            any(b) || any(o)
        }
        // A yield in a handler or `finally:` is refused by the front end;
        // the ordinary `exec` would poison it.
        St::Try(t) => any(&t.body) || any(&t.orelse),
        _ => false,
    }
}

/// Where a statement's flow leaves the cursors: `Some` when it ends the
/// body (`return`); `break` and `continue` drop the cursors up to the
/// innermost loop (the loop itself too for `break`).
fn follow_flow(cursors: &mut Vec<Cursor<'_>>, flow: Flow) -> Option<Step> {
    let is_loop = |c: &Cursor<'_>| matches!(c, Cursor::While { .. } | Cursor::For { .. });
    match flow {
        Flow::Normal => {}
        Flow::Return(v) => return Some(Step::Done(v)),
        Flow::Break => {
            while let Some(c) = cursors.pop() {
                if is_loop(&c) {
                    break;
                }
            }
        }
        Flow::Continue => {
            while cursors.last().is_some_and(|c| !is_loop(c)) {
                cursors.pop();
            }
        }
    }
    None
}

impl<'p> Interp<'p> {
    /// A generator function's call, after its arguments are bound into
    /// `frame`: the new generator, whose body has not started.
    pub(super) fn new_generator(&mut self, code: &'p FuncCode, frame: Frame<'p>) -> Value {
        let state = State {
            frame,
            cursors: vec![Cursor::Block(&code.body, 0)],
        };
        let t = &mut self.gens;
        if t.free.is_empty() && t.entries.len() >= t.sweep_at {
            for (i, e) in t.entries.iter_mut().enumerate() {
                if (e.state.is_some() || e.done) && e.handle.strong_count() == 0 {
                    e.state = None;
                    e.done = false;
                    t.free.push(i);
                }
            }
            t.sweep_at = (t.entries.len() - t.free.len()).max(64) * 2;
        }
        let id = t.free.pop().unwrap_or(t.entries.len());
        let g = Rc::new(GenObj { id });
        let entry = Entry {
            handle: Rc::downgrade(&g),
            state: Some(state),
            done: false,
        };
        match t.entries.get_mut(id) {
            Some(e) => *e = entry,
            None => t.entries.push(entry),
        }
        Value::Gen(g)
    }

    /// A frame for `code` with `args` bound (no arity check: a generator
    /// expression's one argument).
    pub(super) fn frame_for(
        &mut self,
        code: &'p FuncCode,
        func: &FuncObj,
        args: Vec<Value>,
    ) -> Frame<'p> {
        let mut slots = vec![None; code.local_names.len()];
        for (slot, v) in code.param_slots.iter().zip(args) {
            if let Some(cell) = slots.get_mut(*slot) {
                *cell = Some(v);
            }
        }
        Frame {
            cells: closures::frame_cells(code, func, &mut slots),
            slots,
            names: &code.local_names,
            code: Some(code),
            cell: func.cell.clone(),
        }
    }

    /// A generator expression: the first iterable (checked iterable here,
    /// as CPython's eager `iter()`), then the generator.
    #[inline(never)]
    pub(super) fn genexp(
        &mut self,
        code: usize,
        first: &'p Ex,
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let it = self.eval(first, frame)?;
        // CPython's GET_ITER: an instance's `__iter__` (maybe a generator).
        let it = match it {
            Value::Instance(_) => stepped(self.iter_any(&it)?),
            other => other,
        };
        if !matches!(it, Value::Gen(_)) && Items::of(&it).is_none() {
            return Err(seq::not_iterable(&it));
        }
        // The call of the `<genexpr>` function that makes the generator.
        self.charge()?;
        let f = self.make_function(code, &[], frame)?;
        let (Value::Func(func), Some(fc)) = (f, self.prog.funcs.get(code)) else {
            return Err(poison(Poison::Unmodelled));
        };
        let fr = self.frame_for(fc, &func, vec![it]);
        Ok(self.new_generator(fc, fr))
    }

    /// One resume of `g` (see the module's fuel rule).
    pub(super) fn resume(&mut self, g: &GenObj) -> Res<Step> {
        match self.gens.entries.get(g.id) {
            Some(e) if e.done => return Ok(Step::Done(Value::None)),
            Some(e) if e.state.is_none() => {
                return Err(exception(
                    "ValueError",
                    "generator already executing".into(),
                ));
            }
            Some(_) => {}
            None => return Ok(Step::Done(Value::None)),
        }
        self.charge()?;
        if self.depth >= self.limits.depth {
            return Err(poison(Poison::Recursion));
        }
        let Some(mut st) = self.gens.entries.get_mut(g.id).and_then(|e| e.state.take()) else {
            return Ok(Step::Done(Value::None));
        };
        self.depth += 1;
        let r = self.drive(&mut st);
        self.depth -= 1;
        let Some(entry) = self.gens.entries.get_mut(g.id) else {
            return r;
        };
        match r {
            Ok(Step::Yield(v)) => {
                entry.state = Some(st);
                Ok(Step::Yield(v))
            }
            Ok(done) => {
                entry.done = true;
                Ok(done)
            }
            Err(stop) => {
                entry.done = true;
                // PEP 479: a StopIteration leaving the body is an error.
                if super::eval_try::is_stop_iteration(&stop) {
                    return Err(exception(
                        "RuntimeError",
                        "generator raised StopIteration".into(),
                    ));
                }
                Err(stop)
            }
        }
    }

    /// Runs the body from its cursors to the next yield or its end. An
    /// exception leaving the cursors goes to the handlers of the innermost
    /// `try` among them (its cursors above dropped, the value stack back at
    /// its height between statements), as CPython's exception table sends
    /// it to the handler covering the instruction that raised.
    fn drive(&mut self, st: &mut State<'p>) -> Res<Step> {
        let State { frame, cursors } = st;
        let height = self.stack.len();
        loop {
            let mut stop = match self.run_cursors(frame, cursors) {
                Err(stop) => stop,
                done => return done,
            };
            loop {
                self.stack.truncate(height);
                let Some(at) = cursors.iter().rposition(|c| matches!(c, Cursor::Try(_))) else {
                    return Err(stop);
                };
                let Cursor::Try(t) = cursors[at] else {
                    unreachable!("found by rposition")
                };
                cursors.truncate(at);
                if t.handlers.is_empty() {
                    continue;
                }
                match self.handle(&t.handlers, stop, frame) {
                    Ok(flow) => {
                        if let Some(done) = follow_flow(cursors, flow) {
                            return Ok(done);
                        }
                        break;
                    }
                    Err(again) => stop = again,
                }
            }
        }
    }

    /// [`Interp::drive`] up to a yield, the body's end or an exception.
    fn run_cursors(&mut self, frame: &mut Frame<'p>, cursors: &mut Vec<Cursor<'p>>) -> Res<Step> {
        loop {
            let Some(top) = cursors.last_mut() else {
                return Ok(Step::Done(Value::None));
            };
            match top {
                Cursor::Block(stmts, i) => {
                    let stmts: &'p [St] = stmts;
                    let Some(s) = stmts.get(*i) else {
                        cursors.pop();
                        continue;
                    };
                    *i += 1;
                    if !has_yield(s) {
                        let flow = self.exec(s, frame)?;
                        if let Some(done) = follow_flow(cursors, flow) {
                            return Ok(done);
                        }
                        continue;
                    }
                    match s {
                        St::Yield(e) => {
                            let v = match e {
                                Some(e) => self.eval(e, frame)?,
                                None => Value::None,
                            };
                            return Ok(Step::Yield(v));
                        }
                        St::YieldFrom(e) => {
                            let v = self.eval(e, frame)?;
                            let src = self.src_any(&v)?;
                            cursors.push(Cursor::YieldFrom(src));
                        }
                        St::If(test, body, orelse) => {
                            let t = self.eval(test, frame)?;
                            // An instance's truth may run `__bool__`/`__len__`.
                            let b = if self.truth(&t)? { body } else { orelse };
                            cursors.push(Cursor::Block(b, 0));
                        }
                        St::While(test, body, orelse) => cursors.push(Cursor::While {
                            test,
                            body,
                            orelse,
                            started: false,
                        }),
                        St::For(slot, iter, body, orelse) => {
                            let v = self.eval(iter, frame)?;
                            let src = self.src_any(&v)?;
                            cursors.push(Cursor::For {
                                target: Target::Slot(*slot),
                                src,
                                body,
                                orelse,
                                started: false,
                            });
                        }
                        St::Try(t) => {
                            cursors.push(Cursor::Try(t));
                            cursors.push(Cursor::Block(&t.body, 0));
                        }
                        St::ForUnpack(dests, iter, body, orelse) => {
                            let v = self.eval(iter, frame)?;
                            let src = self.src_any(&v)?;
                            cursors.push(Cursor::For {
                                target: Target::Unpack(dests),
                                src,
                                body,
                                orelse,
                                started: false,
                            });
                        }
                        _ => return Err(poison(Poison::Unmodelled)),
                    }
                }
                Cursor::While {
                    test,
                    body,
                    orelse,
                    started,
                } => {
                    let (test, body, orelse): (&'p Ex, &'p [St], &'p [St]) = (test, body, orelse);
                    // Back edge: charged before the test is re-evaluated.
                    if *started {
                        self.charge()?;
                    }
                    *started = true;
                    let t = self.eval(test, frame)?;
                    if self.truth(&t)? {
                        cursors.push(Cursor::Block(body, 0));
                    } else {
                        cursors.pop();
                        cursors.push(Cursor::Block(orelse, 0));
                    }
                }
                Cursor::For {
                    target,
                    src,
                    body,
                    orelse,
                    started,
                } => {
                    let (target, body, orelse): (Target<'p>, &'p [St], &'p [St]) =
                        (*target, body, orelse);
                    if *started {
                        self.charge()?;
                    }
                    *started = true;
                    match self.step_src(src)? {
                        Some(item) => {
                            match target {
                                Target::Slot(slot) => self.store(slot, item, frame),
                                Target::Unpack(d) => self.unpack_into(d, &item, frame)?,
                            }
                            cursors.push(Cursor::Block(body, 0));
                        }
                        None => {
                            cursors.pop();
                            cursors.push(Cursor::Block(orelse, 0));
                        }
                    }
                }
                // The body ended without an exception: `else:` next.
                Cursor::Try(t) => {
                    let t: &'p TrySt = t;
                    cursors.pop();
                    cursors.push(Cursor::Block(&t.orelse, 0));
                }
                Cursor::YieldFrom(src) => match self.step_src(src)? {
                    Some(v) => return Ok(Step::Yield(v)),
                    None => {
                        cursors.pop();
                    }
                },
            }
        }
    }

    /// `iter(v)` for a loop: a generator, or a builtin iterable's items.
    pub(super) fn src_of(&mut self, v: &Value) -> Res<Src> {
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
    pub(super) fn step_src(&mut self, src: &mut Src) -> Res<Option<Value>> {
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
    pub(super) fn drain_for_builtin(&mut self, b: Builtin, base: usize) -> Res<()> {
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
    pub(super) fn lazy_reduce(&mut self, b: Builtin, base: usize) -> Res<Option<Value>> {
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
                return Err(super::value_error(format!(
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
    pub(super) fn drain_for_method(&mut self, recv: &Value, m: &Meth, base: usize) -> Res<()> {
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
    pub(super) fn next_builtin(&mut self, base: usize) -> Res<Value> {
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
        Err(Box::new(super::Stop::Raised(exceptions::make(
            exceptions::STOP_ITERATION,
            &args,
        ))))
    }

    /// `iter(x)`: a generator or an iterator itself, a new iterator over
    /// a builtin iterable.
    pub(super) fn iter_builtin(&mut self, base: usize) -> Res<Value> {
        match self.stack.get(base..).unwrap_or(&[]) {
            [v @ Value::Gen(_)] => Ok(v.clone()),
            [v] => super::super::iters::iter_of(v).ok_or_else(|| seq::not_iterable(v)),
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
    pub(super) fn unpack_star(
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
            super::value_error(format!(
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
    pub(super) fn unpack_lazy(&mut self, mut src: Src, n: usize) -> Res<Vec<Value>> {
        let mut got = Vec::with_capacity(n + 1);
        while got.len() <= n {
            match self.step_src(&mut src)? {
                Some(v) => got.push(v),
                None => break,
            }
        }
        if got.len() < n {
            return Err(super::value_error(format!(
                "not enough values to unpack (expected {n}, got {})",
                got.len()
            )));
        }
        if got.len() > n {
            return Err(super::value_error(format!(
                "too many values to unpack (expected {n})"
            )));
        }
        Ok(got)
    }

    /// `x in g`: items are pulled until one is `x` or equal to it.
    pub(super) fn lazy_contains(&mut self, x: &Value, mut src: Src) -> Res<bool> {
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
    pub(super) fn gen_iterator(&mut self, b: Builtin, base: usize) -> Res<Option<Value>> {
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
    pub(super) fn user_next(&mut self, it: &Value, stop_ends: bool) -> Res<Option<Value>> {
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
            Err(e) if stop_ends && super::eval_try::is_stop_iteration(&e) => Ok(None),
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
