//! `try`/`except`/`else`/`finally`, `raise`, `raise ... from` and the
//! handled-exception stack, written from CPython 3.11's compiler and
//! `ceval.c` (`CHECK_EXC_MATCH`, `RERAISE`, `do_raise`). Only exceptions
//! are caught: poison (fuel, depth, int width, ...) and the stack budget
//! pass through every handler and `finally` untouched, as they end the run
//! with no verdict anyway. `try` itself costs no fuel.

use super::super::exceptions;
use super::super::resolve::{Ex, Handler, Slot, TrySt};
use super::super::value::{Builtin, Value};
use super::{Flow, Frame, Interp, Res, Stop, exception, type_error};

impl<'p> Interp<'p> {
    /// The body; on an exception the first matching handler; `else:` after
    /// a body that raised nothing; then `finally:` however the statement is
    /// left (an exception or flow out of `finally:` replaces the pending one).
    pub(super) fn exec_try(&mut self, t: &'p TrySt, frame: &mut Frame<'p>) -> Res<Flow> {
        // An exception leaves the operands of whatever raised on the value
        // stack: a handler (or `finally:`) starts at the `try`'s height, as
        // CPython's exception table truncates to the handler's depth.
        let height = self.stack.len();
        let body = self.exec_block(&t.body, frame);
        if body.is_err() {
            self.stack.truncate(height);
        }
        let r = match body {
            Ok(Flow::Normal) => self.exec_block(&t.orelse, frame),
            Ok(other) => Ok(other),
            Err(stop) if t.handlers.is_empty() => Err(stop),
            Err(stop) => self.handle(&t.handlers, stop, frame),
        };
        if r.is_err() {
            self.stack.truncate(height);
        }
        if t.finalbody.is_empty() {
            return r;
        }
        let pending = match r {
            Ok(flow) => Ok(flow),
            Err(stop) => match exceptions::caught(stop) {
                Ok(exc) => Err(exc),
                // Poison and the stack budget skip `finally:`.
                Err(stop) => return Err(stop),
            },
        };
        // During `finally:` the pending exception is the one being handled
        // (a bare `raise` there re-raises it).
        let pushed = if let Err(exc) = &pending {
            self.handling.push(exc.clone());
            true
        } else {
            false
        };
        let fin = self.exec_block(&t.finalbody, frame);
        if pushed {
            self.handling.pop();
        }
        match fin? {
            Flow::Normal => pending.map_err(|exc| Box::new(Stop::Raised(exc))),
            // Only a hand-built AST leaves a `finally:` by flow.
            other => Ok(other),
        }
    }

    /// Tries the handlers in order against the exception `stop` carries.
    pub(super) fn handle(
        &mut self,
        handlers: &'p [Handler],
        stop: Box<Stop>,
        frame: &mut Frame<'p>,
    ) -> Res<Flow> {
        let exc = exceptions::caught(stop)?;
        for h in handlers {
            let hit = match &h.typ {
                None => true,
                Some(typ) => {
                    let class = self.eval(typ, frame)?;
                    matches(&exc, &class)?
                }
            };
            if !hit {
                continue;
            }
            if let Some(slot) = h.name {
                self.store(slot, exc.clone(), frame);
            }
            self.handling.push(exc);
            let r = self.exec_block(&h.body, frame);
            self.handling.pop();
            // `except E as e:` ends with `del e`, however it is left.
            if let Some(slot) = h.name {
                self.unbind(slot, frame);
            }
            return r;
        }
        Err(Box::new(Stop::Raised(exc)))
    }

    fn unbind(&mut self, slot: Slot, frame: &mut Frame<'p>) {
        match slot {
            Slot::Local(i) => {
                if let Some(s) = frame.slots.get_mut(i) {
                    *s = None;
                }
            }
            Slot::Global(i) => {
                if let Some(s) = self.globals.get_mut(i) {
                    *s = None;
                }
            }
            Slot::Cell(i) => {
                if let Some(c) = frame.cells.get(i) {
                    *c.borrow_mut() = None;
                }
            }
        }
    }

    /// `raise exc` (a class is instantiated with no arguments), or a bare
    /// `raise`: the exception being handled, or CPython's RuntimeError.
    pub(super) fn raise(&mut self, e: Option<&'p Ex>, frame: &mut Frame<'p>) -> Box<Stop> {
        let Some(e) = e else {
            return match self.handling.last() {
                Some(exc) => Box::new(Stop::Raised(exc.clone())),
                None => exception("RuntimeError", "No active exception to reraise".into()),
            };
        };
        match self.eval(e, frame).and_then(|v| self.exception_object(v)) {
            Ok(exc) => Box::new(Stop::Raised(exc)),
            Err(stop) => stop,
        }
    }

    /// `raise exc from cause`: the exception, then the cause (an exception
    /// class or object, or None; only `__cause__` changes, which nothing
    /// in the language shows).
    pub(super) fn raise_from(
        &mut self,
        e: &'p Ex,
        cause: &'p Ex,
        frame: &mut Frame<'p>,
    ) -> Box<Stop> {
        // Both are evaluated before either is instantiated.
        let (v, c) = match self
            .eval(e, frame)
            .and_then(|v| Ok((v, self.eval(cause, frame)?)))
        {
            Ok(pair) => pair,
            Err(stop) => return stop,
        };
        let exc = match self.exception_object(v) {
            Ok(exc) => exc,
            Err(stop) => return stop,
        };
        match c {
            Value::None => {}
            c if exceptions::parts(&c).is_some() => {}
            Value::Builtin(Builtin::Exc(_)) => {}
            // A class cause is instantiated (its errors win).
            Value::Class(k) if k.exc_base.is_some() => {
                if super::second_call_unit(&Value::Class(k.clone()))
                    && let Err(stop) = self.charge()
                {
                    return stop;
                }
                let base = self.stack.len();
                if let Err(stop) = self.instantiate(&k, base, None) {
                    return stop;
                }
            }
            _ => return type_error("exception causes must derive from BaseException".into()),
        }
        Box::new(Stop::Raised(exc))
    }

    /// What `raise v` raises: an exception object as it is, an exception
    /// class called with no arguments.
    fn exception_object(&mut self, v: Value) -> Res<Value> {
        match v {
            Value::Builtin(Builtin::Exc(c)) => Ok(exceptions::make(c, &[])),
            Value::Class(c) if c.exc_base.is_some() => {
                // The VM runs a Python `__init__` as a call (see
                // `second_call_unit`); raising the class is no call itself.
                if super::second_call_unit(&Value::Class(c.clone())) {
                    self.charge()?;
                }
                let base = self.stack.len();
                let obj = self.instantiate(&c, base, None)?;
                if exceptions::parts(&obj).is_none() {
                    return Err(type_error(
                        "exceptions must derive from BaseException".into(),
                    ));
                }
                Ok(obj)
            }
            v if exceptions::parts(&v).is_some() => Ok(v),
            _ => Err(type_error(
                "exceptions must derive from BaseException".into(),
            )),
        }
    }
}

/// Whether an `except` clause naming `class` catches `exc`: a class or a
/// tuple of classes (nested tuples too), each checked to be an exception
/// class first, as CPython does.
fn matches(exc: &Value, class: &Value) -> Res<bool> {
    check_valid(class, 0)?;
    Ok(hit(exc, class))
}

fn check_valid(class: &Value, level: usize) -> Res<()> {
    let ok = match class {
        Value::Builtin(Builtin::Exc(_)) => true,
        Value::Class(c) => c.exc_base.is_some(),
        Value::Tuple(t) if level < jitdiff_vm::lang::limits::MAX_CONTAINER_NESTING => {
            for c in &t.items {
                check_valid(c, level + 1)?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(type_error(
            "catching classes that do not inherit from BaseException is not allowed".into(),
        ))
    }
}

fn hit(exc: &Value, class: &Value) -> bool {
    match class {
        Value::Builtin(Builtin::Exc(c)) => exceptions::is_a(exc, *c),
        Value::Class(c) => super::super::classes::is_instance(exc, c),
        Value::Tuple(t) => t.items.iter().any(|c| hit(exc, c)),
        _ => false,
    }
}

/// Whether `stop` is a StopIteration (or a subclass's instance): what
/// PEP 479 turns into a RuntimeError when it leaves a generator.
pub(super) fn is_stop_iteration(stop: &Stop) -> bool {
    const STOP_ITERATION: u8 = 17;
    match stop {
        Stop::Exception { kind, .. } => *kind == "StopIteration",
        Stop::Raised(v) => exceptions::is_a(v, STOP_ITERATION),
        _ => false,
    }
}
