//! Generators in the compiler: `yield` and `yield from` statements, and
//! generator expressions compiled as CPython does, as a nested generator
//! function (`<genexpr>`) called with the iterator of the first iterable.

use super::*;
use crate::lang::scope::{Body, genexpr_body};

impl CodeBuilder<'_> {
    /// `yield v`: YIELD_VALUE leaves what the resume sends in (None for
    /// `next`, the argument of `send`) for the statement's POP_TOP or the
    /// assignment's store.
    pub(super) fn yield_value(&mut self, v: Option<&Expr>) {
        match v {
            Some(e) => self.expr(e),
            None => {
                self.emit(Op::LoadConst, 0);
            }
        }
        self.emit(Op::YieldValue, 0);
    }

    /// `yield from x`: CPython's SEND loop without `send`, a FOR_ITER over
    /// `iter(x)` yielding each item, closed by a back edge that is no
    /// source loop. Its value (None here) is only ever discarded. A value
    /// other than None sent in while it delegates (CPython passes it on to
    /// `x`'s `send`) poisons: `Run::gen_send`.
    pub(super) fn yield_from(&mut self, x: &Expr) {
        self.expr(x);
        self.emit(Op::GetIter, 0);
        let head = self.here();
        let for_iter = self.emit(Op::ForIter, 0);
        self.emit(Op::YieldValue, 0);
        self.emit(Op::PopTop, 0);
        self.emit(Op::JumpBackwardNoInterrupt, head);
        // On exhaustion FOR_ITER pops the iterator and jumps here.
        self.depth -= 1;
        let end = self.here();
        self.patch(for_iter, end);
        self.emit(Op::LoadConst, 0);
    }

    /// `(elt for t in it ...)`: a `<genexpr>` function object called with
    /// `iter(it)` (the first iterable is evaluated here, the rest lazily).
    pub(super) fn generator_exp(&mut self, elt: &Expr, generators: &[Comprehension]) {
        let body = genexpr_body(elt, generators);
        let params = [".0".to_string()];
        let star = crate::lang::ast::StarParams::default();
        self.function_object("<genexpr>", &params, &star, &[], Body::Stmts(&body), None);
        if let Some(first) = generators.first() {
            self.iterable(&first.iter);
        } else {
            self.emit(Op::LoadConst, 0);
        }
        self.emit(Op::GetIter, 0);
        self.emit(Op::Call, 1);
    }
}
