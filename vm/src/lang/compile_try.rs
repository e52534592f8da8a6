//! Compiling `try` statements, CPython 3.11's way: no instruction enters
//! or leaves a `try` ("zero-cost"); each instruction records the handler
//! protecting it, and [`CodeBuilder::finish_exc_table`] turns those into
//! the code's exception table of ranges.
//!
//! Layout of `try: B except E as n: H else: O` at stack depth `d`:
//!
//! ```text
//!     B                      protected by X (depth d)
//!     O
//!     JUMP end
//! X:  PUSH_EXC_INFO          [prev, exc]; everything below protected by C
//!     <E>; CHECK_EXC_MATCH; POP_JUMP_IF_FALSE next
//!     STORE n                [prev]
//!     H                      protected by N (depth d+1): n = None; del n; -> C
//!     POP_EXCEPT; n = None; del n; JUMP end
//! next: ... RERAISE          no clause matched
//! C:  SWAP 2; POP_EXCEPT; RERAISE    [prev, exc2]: restore, re-raise
//! ```
//!
//! `finally:` bodies are compiled twice, as CPython does: inline on the
//! normal path (and before every `break`, `continue` or `return` that
//! leaves the `try`), and once on the exceptional path, which re-raises.

use super::CodeBuilder;
use crate::lang::ast::{ExceptHandler, Stmt};
use crate::lang::bytecode::{ExcEntry, Op};

/// Something a `break`, `continue` or `return` leaving it must undo.
#[derive(Clone)]
pub(super) enum Unwind {
    /// A `try` body or handler with a `finally:` (run inline on the way
    /// out). `handlers`: the handler stack's depth outside the `try`.
    Finally { body: Vec<Stmt>, handlers: usize },
    /// An `except` block: the hidden exception (`prev`) is on the stack,
    /// to restore with POP_EXCEPT; `name` is unbound on the way out.
    /// `handlers`: the handler stack's depth outside the `except` block.
    Handler {
        name: Option<String>,
        handlers: usize,
    },
    /// A loop: a `for` loop's iterator is on the stack (a `return` from
    /// inside a `try` in it pops it, to reach what is below).
    Loop { is_for: bool },
}

/// No handler protects the instruction.
pub(super) const NO_HANDLER: u32 = u32::MAX;

impl CodeBuilder<'_> {
    /// A new handler (its target patched later) for the stack at `depth`.
    fn new_handler(&mut self, depth: u32) -> u32 {
        self.exc_handlers.push((u32::MAX, depth));
        (self.exc_handlers.len() - 1) as u32
    }

    fn handler_here(&mut self, h: u32) {
        self.exc_handlers[h as usize].0 = self.here();
    }

    /// The handler protecting the next instruction emitted.
    pub(super) fn current_handler(&self) -> u32 {
        self.handler_stack.last().copied().unwrap_or(NO_HANDLER)
    }

    /// Ranges of consecutive instructions with the same handler.
    pub(super) fn finish_exc_table(&mut self) {
        let mut table: Vec<ExcEntry> = vec![];
        for (i, &h) in self.handler_at.iter().enumerate() {
            if h == NO_HANDLER {
                continue;
            }
            let (target, depth) = self.exc_handlers[h as usize];
            match table.last_mut() {
                Some(e) if e.end == i as u32 && e.target == target && e.depth == depth => {
                    e.end += 1
                }
                _ => table.push(ExcEntry {
                    start: i as u32,
                    end: i as u32 + 1,
                    target,
                    depth,
                }),
            }
        }
        self.code.exc_table = table;
    }

    pub(super) fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
    ) {
        // Handler bodies may run after the body raised anywhere: only what
        // was assigned before the `try` is known assigned there and after.
        let before = self.assigned.clone();
        if finalbody.is_empty() {
            self.try_except(body, handlers, orelse);
            self.assigned = before;
            return;
        }
        let d = self.depth;
        let outer = self.handler_stack.len();
        let fin = self.new_handler(d);
        self.handler_stack.push(fin);
        self.unwinds.push(Unwind::Finally {
            body: finalbody.to_vec(),
            handlers: outer,
        });
        if handlers.is_empty() {
            self.block(body);
        } else {
            self.try_except(body, handlers, orelse);
        }
        self.unwinds.pop();
        self.handler_stack.pop();
        self.assigned = before.clone();
        self.block(finalbody);
        let jump_end = self.emit(Op::JumpForward, 0);
        // The exceptional path: [exc] at depth d + 1.
        self.depth = d + 1;
        self.assigned = before.clone();
        self.handler_here(fin);
        self.emit(Op::PushExcInfo, 0);
        let cleanup = self.new_handler(d + 1);
        self.handler_stack.push(cleanup);
        self.block(finalbody);
        self.emit(Op::Reraise, 0);
        self.handler_stack.pop();
        self.cleanup_block(cleanup, d);
        let end = self.here();
        self.patch(jump_end, end);
        self.depth = d;
        self.assigned = before;
    }

    /// `try`/`except`/`else` (no `finally`).
    fn try_except(&mut self, body: &[Stmt], handlers: &[ExceptHandler], orelse: &[Stmt]) {
        let d = self.depth;
        let before = self.assigned.clone();
        let h = self.new_handler(d);
        self.handler_stack.push(h);
        self.block(body);
        self.handler_stack.pop();
        self.block(orelse);
        let mut to_end = vec![self.emit(Op::JumpForward, 0)];
        self.depth = d + 1;
        self.handler_here(h);
        self.emit(Op::PushExcInfo, 0);
        let cleanup = self.new_handler(d + 1);
        let outside = self.handler_stack.len();
        self.handler_stack.push(cleanup);
        let mut to_cleanup = vec![];
        for clause in handlers {
            self.assigned = before.clone();
            // [prev, exc]
            let next = clause.typ.as_ref().map(|typ| {
                self.expr(typ);
                self.emit(Op::CheckExcMatch, 0);
                self.emit(Op::PopJumpIfFalse, 0)
            });
            match &clause.name {
                Some(n) => self.store_name(n),
                None => {
                    self.emit(Op::PopTop, 0);
                }
            }
            // [prev]
            let named = clause.name.as_ref().map(|_| {
                let nh = self.new_handler(d + 1);
                self.handler_stack.push(nh);
                nh
            });
            self.unwinds.push(Unwind::Handler {
                name: clause.name.clone(),
                handlers: outside,
            });
            self.block(&clause.body);
            self.unwinds.pop();
            if named.is_some() {
                self.handler_stack.pop();
            }
            self.emit(Op::PopExcept, 0);
            if let Some(n) = &clause.name {
                self.unbind(n);
            }
            to_end.push(self.emit(Op::JumpForward, 0));
            if let (Some(nh), Some(n)) = (named, &clause.name) {
                // An exception leaving a named handler: [prev, exc2].
                self.depth = d + 2;
                self.handler_here(nh);
                self.unbind(n);
                to_cleanup.push(self.emit(Op::JumpForward, 0));
            }
            self.depth = d + 2;
            if let Some(j) = next {
                let at = self.here();
                self.patch(j, at);
            }
        }
        // No clause matched: [prev, exc].
        self.emit(Op::Reraise, 0);
        self.handler_stack.pop();
        let cleanup_at = self.here();
        for j in to_cleanup {
            self.patch(j, cleanup_at);
        }
        self.cleanup_block(cleanup, d);
        let end = self.here();
        for j in to_end {
            self.patch(j, end);
        }
        self.depth = d;
    }

    /// C: `[prev, exc2]` at depth `d + 2` -> restore `prev`, re-raise.
    fn cleanup_block(&mut self, cleanup: u32, d: u32) {
        self.depth = d + 2;
        self.handler_here(cleanup);
        self.emit(Op::Swap, 2);
        self.emit(Op::PopExcept, 0);
        self.emit(Op::Reraise, 0);
    }

    /// `name = None; del name`, as CPython ends an `except ... as name`.
    fn unbind(&mut self, name: &str) {
        self.emit(Op::LoadConst, 0);
        self.store_name(name);
        match self.comp_slot(name).or_else(|| self.local_index(name)) {
            Some(i) if self.derefs.contains(&i) => {
                // A cell: CPython's DELETE_DEREF; storing NULL is the same.
                self.emit(Op::PushNull, 0);
                self.emit(Op::StoreDeref, i);
            }
            Some(i) => {
                self.assigned.remove(&i);
                self.emit(Op::DeleteFast, i);
            }
            None => {
                let id = self.global_id(name);
                self.emit(Op::DeleteGlobal, id);
            }
        }
    }

    /// Emits what a `return` leaving every `try` and `except` block of the
    /// function needs (loops outside the outermost one stay: the frame
    /// goes anyway). The return value stays on top.
    pub(super) fn unwind_for_return(&mut self) {
        let outermost = self
            .unwinds
            .iter()
            .position(|u| !matches!(u, Unwind::Loop { .. }));
        if let Some(keep) = outermost {
            self.unwind_blocks(keep, true);
        }
    }

    /// Emits what leaving the innermost `unwinds.len() - keep` blocks
    /// needs (finally bodies, handler restores, iterators), innermost
    /// first. With `preserve_top`, a value on top of the stack (a return
    /// value) stays on top. The blocks stay open for the code after (the
    /// caller jumps away and restores the depth it had).
    pub(super) fn unwind_blocks(&mut self, keep: usize, preserve_top: bool) {
        let saved_unwinds = self.unwinds.clone();
        let saved_handlers = self.handler_stack.clone();
        let saved_assigned = self.assigned.clone();
        while self.unwinds.len() > keep {
            match self.unwinds.pop().expect("len > keep") {
                Unwind::Finally { body, handlers } => {
                    // The copy is outside its `try`: outer handlers only.
                    self.handler_stack.truncate(handlers);
                    self.block(&body);
                }
                Unwind::Handler { name, handlers } => {
                    // Outside the `except` block its cleanups no longer
                    // apply.
                    self.handler_stack.truncate(handlers);
                    if preserve_top {
                        self.emit(Op::Swap, 2);
                    }
                    self.emit(Op::PopExcept, 0);
                    if let Some(n) = &name {
                        self.unbind(n);
                    }
                }
                Unwind::Loop { is_for } => {
                    if is_for {
                        if preserve_top {
                            self.emit(Op::Swap, 2);
                        }
                        self.emit(Op::PopTop, 0);
                    }
                }
            }
        }
        self.unwinds = saved_unwinds;
        self.handler_stack = saved_handlers;
        self.assigned = saved_assigned;
    }
}
