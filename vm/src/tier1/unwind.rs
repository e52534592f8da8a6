//! Tier 1's exceptions: `raise`, the handler instructions, and unwinding.
//!
//! An error leaves the dispatch loop with the frame's registers at the
//! failing instruction (`ip` one past it; a trace that raised wrote back
//! the failing instruction with `_SET_IP`). [`Run::unwind`] then looks the
//! instruction up in its code's exception table, innermost frame first:
//! a handler truncates the value stack to its depth, gets the exception
//! pushed (a runtime error becomes an object only now) and runs; frames
//! without one are popped. Past the dispatch's entry frame the error goes
//! on to the Rust caller. Poison and internal errors are never caught.

use crate::lang::bytecode::{Instr, Op};
use crate::runtime::exceptions;
use crate::runtime::frame::*;
use crate::runtime::{Raise, Value, class, dict};

use super::Run;
use super::interp::Regs;

impl Run<'_> {
    /// An error was handled (by an `except`, or by a builtin that catches
    /// it: `hasattr`, a loop's StopIteration): its exception object is no
    /// longer rooted as in flight, and where it was raised no longer
    /// describes an error in flight, so a later one leaving a trace must
    /// not take that point (see `note_call_error`).
    pub(crate) fn error_handled(&mut self) {
        self.arena.roots.thrown = Value::NULL;
        self.error_fuel = None;
        self.error_in_callee = false;
    }

    /// Raises exception object `v`, rooted until a handler has it.
    pub(crate) fn throw(&mut self, v: Value) -> Raise {
        self.arena.roots.thrown = v;
        Raise::Thrown(v)
    }

    /// What `raise exc` raises: a class is instantiated with no
    /// arguments; a bare `raise` re-raises the exception being handled.
    pub(crate) fn raise_value(&mut self, exc: Option<Value>) -> Raise {
        let Some(v) = exc else {
            let handling = self.arena.roots.handling;
            if handling.is_null() {
                return Raise::exc("RuntimeError", "No active exception to reraise".into());
            }
            return self.throw(handling);
        };
        match self.exception_of(v) {
            Ok(e) => self.throw(e),
            Err(r) => r,
        }
    }

    /// The exception object `raise v` raises (instantiating a class).
    fn exception_of(&mut self, v: Value) -> Result<Value, Raise> {
        if class::is_type(v) && !class::exc_base(v).is_null() {
            let e = self
                .call_class_value(v, &[])
                .unwrap_or_else(|| Err(Raise::Internal("a class not callable".into())))?;
            if !exceptions::is_exception_value(e) {
                return Err(Raise::type_error(
                    "exceptions must derive from BaseException".into(),
                ));
            }
            return Ok(e);
        }
        match exceptions::to_raise(self.arena, v) {
            Raise::Thrown(e) => Ok(e),
            other => Err(other),
        }
    }

    /// `raise exc from cause`: the cause must be an exception (a class
    /// is instantiated) or None; nothing else of it shows.
    pub(crate) fn raise_from(&mut self, exc: Value, cause: Value) -> Raise {
        let e = match self.exception_of(exc) {
            Ok(e) => e,
            Err(r) => return r,
        };
        self.arena.roots.temps.push(e);
        let checked = if cause == Value::NONE || exceptions::is_exception_value(cause) {
            Ok(())
        } else if exceptions::is_exception_class(cause) {
            self.exception_of(cause).map(|_| ())
        } else {
            Err(Raise::type_error(
                "exception causes must derive from BaseException".into(),
            ))
        };
        self.arena.roots.temps.pop();
        match checked {
            Ok(()) => self.throw(e),
            Err(r) => r,
        }
    }

    /// How an uncaught exception object ends the run: its class name and
    /// `str()`.
    pub(super) fn uncaught(&self, e: Value) -> Result<(&'static str, String), Raise> {
        let arena = &*self.arena;
        exceptions::ending_of(e, &|x, repr| {
            if repr {
                crate::runtime::arena_repr(arena, x)
            } else {
                crate::runtime::arena_str(arena, x)
            }
        })
    }

    /// The handler instructions (stack effects in `bytecode.rs`).
    pub(super) fn exc_instr(&mut self, r: &mut Regs, ins: Instr) -> Result<(), Raise> {
        // SAFETY: the compiler sized the stack for these operands.
        let top = |r: &Regs, n: usize| unsafe { Value(*r.sp.sub(n)) };
        match ins.op {
            Op::PushExcInfo => {
                let exc = top(r, 1);
                // SAFETY: as above (one slot more, within the stack size).
                unsafe {
                    *r.sp.sub(1) = self.arena.roots.handling.0;
                    *r.sp = exc.0;
                    r.sp = r.sp.add(1);
                }
                self.arena.roots.handling = exc;
            }
            Op::PopExcept => {
                let prev = top(r, 1);
                // SAFETY: as above.
                r.sp = unsafe { r.sp.sub(1) };
                self.arena.roots.handling = prev;
            }
            Op::CheckExcMatch => {
                let matched = exceptions::matches(top(r, 2), top(r, 1))?;
                // SAFETY: as above.
                unsafe { *r.sp.sub(1) = Value::bool(matched).0 };
            }
            Op::Reraise => {
                let exc = top(r, 1);
                // SAFETY: as above.
                r.sp = unsafe { r.sp.sub(1) };
                return Err(self.throw(exc));
            }
            Op::DeleteGlobal => {
                let version = self.next_version();
                if !dict::remove(self.globals, ins.arg as u64, version) {
                    return Err(Raise::exc(
                        "NameError",
                        format!(
                            "name '{}' is not defined",
                            self.program.names[ins.arg as usize]
                        ),
                    ));
                }
                if self.globals_watched {
                    self.globals_modified();
                }
            }
            _ => return Err(Raise::Internal(format!("{:?} is not a handler op", ins.op))),
        }
        Ok(())
    }

    /// Finds the handler for the error `err` raised at the instruction
    /// before `r.ip`, popping frames up to `entry`; with one, `r` is ready
    /// to run it. Without, the error goes on (the entry frame popped).
    pub(super) fn unwind(&mut self, r: &mut Regs, entry: u64, err: Raise) -> Result<(), Raise> {
        if !matches!(err, Raise::Exc { .. } | Raise::Thrown(_)) {
            return Err(err);
        }
        loop {
            // SAFETY: `r.code` points into the program's codes.
            let code = unsafe { &*r.code };
            let at = r.ip.checked_sub(1).map(|a| a as u32);
            if let Some(h) = at.and_then(|a| code.handler_for(a)) {
                let base = r.locals as u64 + 8 * code.local_names.len() as u64;
                r.sp = (base + 8 * h.depth as u64) as *mut u64;
                // The stack as the handler has it, before an allocation.
                fset(r.frame, FRAME_SP, r.sp as u64);
                let exc = match &err {
                    Raise::Thrown(v) => *v,
                    Raise::Exc { kind, message } => {
                        exceptions::materialize(self.arena, kind, message)?
                    }
                    _ => unreachable!("checked above"),
                };
                self.error_handled();
                // SAFETY: the handler's depth is below the stack size.
                unsafe {
                    *r.sp = exc.0;
                    r.sp = r.sp.add(1);
                }
                r.ip = h.target as usize;
                return Ok(());
            }
            let prev = fget(r.frame, FRAME_PREV);
            self.arena.roots.top_frame = prev;
            let lo = self.arena.frame_region().0;
            self.frame_top = lo + (r.frame - lo) / FRAME_SLOT * FRAME_SLOT;
            if r.frame == entry {
                return Err(err);
            }
            self.depth -= 1;
            *r = self.regs(prev)?;
        }
    }
}
