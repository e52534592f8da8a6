//! Generators, written from CPython 3.11's `genobject.c` and PEP 479. The
//! front end only allows `yield`/`yield from` as whole statements (and
//! `x = yield v`), so a generator always suspends between statements: its
//! state is its frame plus a stack of cursors (a block and the next
//! statement in it, and the loops, `try` bodies and `yield from`s that
//! contain a yield), resumed by a small executor here. A suspended
//! `x = yield v` leaves a cursor naming `x`, where the resume stores what
//! `send` passed in (None for `next`). Statements containing no yield run
//! through the ordinary `exec`. No threads, no unsafe.
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

#[path = "generator_pulls.rs"]
mod pulls;

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
    /// A suspended `x = yield v`: the resume stores what it sends in here.
    Sent(Slot),
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
        St::Yield(_) | St::YieldFrom(_) | St::YieldAssign(..) => true,
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
        self.resume_sending(g, Value::None)
    }

    /// [`Interp::resume`] with `sent` as the value of the `yield` a
    /// suspended `g` waits at (stored if that is an `x = yield v`).
    fn resume_sending(&mut self, g: &GenObj, sent: Value) -> Res<Step> {
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
        if let Some(Cursor::Sent(slot)) = st.cursors.last() {
            let slot = *slot;
            st.cursors.pop();
            self.store(slot, sent, &mut st.frame);
        }
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
                        St::YieldAssign(slot, e) => {
                            let v = match e {
                                Some(e) => self.eval(e, frame)?,
                                None => Value::None,
                            };
                            cursors.push(Cursor::Sent(*slot));
                            return Ok(Step::Yield(v));
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
                // Taken off by the resume that stores the sent value.
                Cursor::Sent(_) => {
                    cursors.pop();
                }
            }
        }
    }

    /// `g.send(v)`, CPython's `gen_send_ex`: resumes `g` with `v` as the
    /// value of the `yield` it waits at (`next(g)` sends None). A
    /// generator not started yet takes only None; one waiting in a `yield
    /// from` would pass `v` on to its delegate's `send`, which this
    /// executor (stepping the delegate as a `for` does) cannot: that
    /// poisons, as in the VM.
    pub(super) fn gen_send(&mut self, g: &GenObj, args: &[Value]) -> Res<Value> {
        let [v] = args else {
            return Err(type_error(format!(
                "generator.send() takes exactly one argument ({} given)",
                args.len()
            )));
        };
        if !matches!(v, Value::None)
            && let Some(Entry {
                state: Some(st),
                done: false,
                ..
            }) = self.gens.entries.get(g.id)
        {
            if matches!(st.cursors.as_slice(), [Cursor::Block(_, 0)]) {
                return Err(type_error(
                    "can't send non-None value to a just-started generator".into(),
                ));
            }
            if matches!(st.cursors.last(), Some(Cursor::YieldFrom(_))) {
                return Err(poison(Poison::Unmodelled));
            }
        }
        let ret = match self.resume_sending(g, v.clone())? {
            Step::Yield(y) => return Ok(y),
            Step::Done(r) => r,
        };
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
}
