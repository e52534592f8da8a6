//! The resolver's `try` statements and generator expressions (out of
//! resolve.rs).

use jitdiff_vm::lang::ast::{Comprehension, ExceptHandler, Expr, Stmt};

use super::{Ex, Handler, R, Resolver, Scope, St, TrySt};

impl Resolver<'_> {
    pub(super) fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        scope: &Scope,
    ) -> R<St> {
        // Source order: the body, the handlers, `else:`, `finally:`.
        let body = self.block(body, scope)?;
        let mut hs = Vec::with_capacity(handlers.len());
        for h in handlers {
            hs.push(Handler {
                typ: h.typ.as_ref().map(|t| self.expr(t, scope)).transpose()?,
                name: h.name.as_ref().map(|n| self.slot(n, scope)),
                body: self.block(&h.body, scope)?,
            });
        }
        Ok(St::Try(Box::new(TrySt {
            body,
            handlers: hs,
            orelse: self.block(orelse, scope)?,
            finalbody: self.block(finalbody, scope)?,
        })))
    }

    /// A generator expression as the generator function it is in CPython:
    /// the first iterable resolved here, the rest inside the function. One
    /// reading a comprehension variable of the enclosing code (a hidden
    /// slot here, not a cell) is not modelled.
    #[inline(never)]
    pub(super) fn genexp(
        &mut self,
        elt: &Expr,
        generators: &[Comprehension],
        scope: &Scope,
    ) -> R<Ex> {
        let Some(first) = generators.first() else {
            return Ok(Ex::Unmodelled);
        };
        let (params, body) = super::super::cells::genexp_function(elt, generators);
        let mut uses = std::collections::BTreeSet::new();
        for s in &body {
            s.for_each_expr(&mut |e| super::super::cells::names_used(e, &mut uses));
        }
        // Its own targets are its locals wherever they are read.
        for g in generators {
            g.target.for_each_name(&mut |n| {
                uses.remove(n);
            });
        }
        if self.comp_scope.iter().any(|(n, _)| uses.contains(n)) {
            return Ok(Ex::Unmodelled);
        }
        let first_iter = self.iterable(&first.iter, scope)?;
        let star = jitdiff_vm::lang::ast::StarParams::default();
        let code = self.function("<genexpr>", &params, &star, &body, scope, false)?;
        Ok(Ex::GenExp(code, Box::new(first_iter)))
    }
}
