//! Statements with blocks, lowered: `if`/`elif`, `while` and `for` (with
//! their `else:`), `try`, plus augmented assignment, `del` and expression
//! statements (where `yield` may stand). Split from `parse.rs`, which keeps
//! the dispatch over statement kinds.

use ruff_python_ast as py;
use ruff_text_size::Ranged;

use super::{Ctx, Lowering, R};
use crate::lang::ast::*;

impl Lowering<'_> {
    /// `x op= v` on a name, an attribute or a subscript (not a slice).
    pub(super) fn aug_assign(&self, a: &py::StmtAugAssign, s: &py::Stmt) -> R<Stmt> {
        Ok(match &*a.target {
            py::Expr::Attribute(at) => {
                self.attribute_store(at, Some(self.binop(a.op, s)?), self.expr(&a.value)?)?
            }
            py::Expr::Subscript(sub) if !matches!(*sub.slice, py::Expr::Slice(_)) => {
                Stmt::AugAssignSubscript {
                    container: self.expr(&sub.value)?,
                    index: self.expr(&sub.slice)?,
                    op: self.binop(a.op, s)?,
                    value: self.expr(&a.value)?,
                }
            }
            t => Stmt::AugAssign {
                target: self.name_target(t, "augmented assignment to this target")?,
                op: self.binop(a.op, s)?,
                value: self.expr(&a.value)?,
            },
        })
    }

    /// `if`, its `elif` clauses folded right to left into nested `else`s.
    pub(super) fn if_stmt(&self, i: &py::StmtIf, ctx: Ctx) -> R<Stmt> {
        let test = self.expr(&i.test)?;
        let body = self.block(&i.body, ctx)?;
        let mut orelse = Vec::new();
        for clause in i.elif_else_clauses.iter().rev() {
            let cbody = self.block(&clause.body, ctx)?;
            orelse = match &clause.test {
                None => cbody,
                Some(t) => vec![Stmt::If {
                    test: self.expr(t)?,
                    body: cbody,
                    orelse,
                }],
            };
        }
        Ok(Stmt::If { test, body, orelse })
    }

    /// A loop's `else:` belongs to the enclosing context: a `break` there
    /// leaves the enclosing loop, not this one.
    pub(super) fn while_stmt(&self, w: &py::StmtWhile, ctx: Ctx) -> R<Stmt> {
        Ok(Stmt::While {
            test: self.expr(&w.test)?,
            body: self.block(
                &w.body,
                Ctx {
                    in_loop: true,
                    in_finally: false,
                    ..ctx
                },
            )?,
            orelse: self.block(&w.orelse, ctx)?,
        })
    }

    /// `for` over a name or an unpacking target; `else:` as for `while`.
    pub(super) fn for_stmt(&self, f: &py::StmtFor, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        if f.is_async {
            return Err(self.unsupported(s, "async for"));
        }
        let iter = self.expr(&f.iter)?;
        let body = self.block(
            &f.body,
            Ctx {
                in_loop: true,
                in_finally: false,
                ..ctx
            },
        )?;
        let orelse = self.block(&f.orelse, ctx)?;
        Ok(match &*f.target {
            py::Expr::Tuple(py::ExprTuple { elts, .. })
            | py::Expr::List(py::ExprList { elts, .. })
                if !elts.is_empty() =>
            {
                let targets = self.unpack_targets(elts, false)?;
                Stmt::ForUnpack {
                    targets,
                    iter,
                    body,
                    orelse,
                }
            }
            t => Stmt::For {
                target: self.name_target(t, "for loop target that is not a name")?,
                iter,
                body,
                orelse,
            },
        })
    }

    /// `del` of names, attributes, subscripts and tuples or lists of them.
    pub(super) fn delete_stmt(&self, d: &py::StmtDelete, s: &py::Stmt) -> R<Stmt> {
        if d.targets.iter().any(has_starred) {
            return Err((self.err_at)(
                s.range(),
                "SyntaxError: cannot delete starred".into(),
            ));
        }
        Ok(Stmt::Delete(
            d.targets
                .iter()
                .map(|t| match t {
                    py::Expr::Name(_)
                    | py::Expr::Attribute(_)
                    | py::Expr::Subscript(_)
                    | py::Expr::Tuple(_)
                    | py::Expr::List(_) => self.store_target(t, true),
                    other => Err(self.unsupported(other, "del of this target")),
                })
                .collect::<R<Vec<_>>>()?,
        ))
    }

    /// An expression statement: `yield` and `yield from` may only be one
    /// (in a function), so a generator always suspends between statements.
    pub(super) fn expr_stmt(&self, e: &py::Expr, ctx: Ctx) -> R<Expr> {
        let value = match e {
            py::Expr::Yield(y) => y.value.as_deref(),
            py::Expr::YieldFrom(y) => Some(&*y.value),
            _ => return self.expr(e),
        };
        if !ctx.in_function {
            return Err((self.err_at)(
                e.range(),
                "SyntaxError: 'yield' outside function".into(),
            ));
        }
        if let Some(why) = ctx.yield_refusal {
            return Err(self.unsupported(e, why));
        }
        let value = value.map(|v| self.expr(v)).transpose()?;
        Ok(match (e, value) {
            (py::Expr::YieldFrom(_), Some(v)) => Expr::YieldFrom(Box::new(v)),
            (_, v) => Expr::Yield(v.map(Box::new)),
        })
    }

    /// `try`/`except`/`else`/`finally` (not `except*`).
    pub(super) fn try_stmt(&self, t: &py::StmtTry, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        if t.is_star {
            return Err(self.unsupported(s, "except*"));
        }
        let in_finally = Ctx {
            yield_refusal: Some("yield inside a try statement with a finally block"),
            ..ctx
        };
        let protected = if !t.finalbody.is_empty() {
            in_finally
        } else if t.handlers.iter().all(|h| self.lets_generator_exit_pass(h)) {
            ctx
        } else {
            Ctx {
                yield_refusal: Some(
                    "yield inside a try whose handlers could catch GeneratorExit or show it passing (a bare `except:`, a class other than a name or a tuple of names, or a program naming BaseException or GeneratorExit)",
                ),
                ..ctx
            }
        };
        let body = self.block(&t.body, protected)?;
        let in_handler = Ctx {
            yield_refusal: ctx.yield_refusal.or(Some("yield inside an except block")),
            ..ctx
        };
        let mut handlers = Vec::with_capacity(t.handlers.len());
        for (i, h) in t.handlers.iter().enumerate() {
            let py::ExceptHandler::ExceptHandler(h) = h;
            if h.type_.is_none() && i + 1 < t.handlers.len() {
                return Err((self.err_at)(
                    h.range(),
                    "SyntaxError: default 'except:' must be last".into(),
                ));
            }
            handlers.push(ExceptHandler {
                typ: h.type_.as_deref().map(|e| self.expr(e)).transpose()?,
                name: h.name.as_ref().map(|n| n.id.to_string()),
                body: self.block(&h.body, in_handler)?,
            });
        }
        // `else:` is outside the handlers' range, inside `finally:`'s.
        let orelse_ctx = if t.finalbody.is_empty() {
            ctx
        } else {
            in_finally
        };
        Ok(Stmt::Try {
            body,
            handlers,
            orelse: self.block(&t.orelse, orelse_ctx)?,
            finalbody: self.block(
                &t.finalbody,
                Ctx {
                    in_finally: true,
                    ..in_finally
                },
            )?,
        })
    }

    /// Whether a handler surely lets GeneratorExit through, showing
    /// nothing: its class is a name or a tuple of names (CPython evaluates
    /// it as GeneratorExit passes: a call there could print), and the
    /// program names neither BaseException nor GeneratorExit anywhere (no
    /// class it defines or binds can then be either, or derive from
    /// GeneratorExit).
    fn lets_generator_exit_pass(&self, h: &py::ExceptHandler) -> bool {
        let py::ExceptHandler::ExceptHandler(h) = h;
        let names_only = match h.type_.as_deref() {
            Some(py::Expr::Name(_)) => true,
            Some(py::Expr::Tuple(t)) => t.elts.iter().all(|e| matches!(e, py::Expr::Name(_))),
            _ => false,
        };
        names_only && !self.names_base_exception
    }

    /// A list, tuple or set display's items; `*it` among them is
    /// [`Expr::Starred`].
    pub(super) fn elements(&self, elts: &[py::Expr]) -> R<Vec<Expr>> {
        elts.iter()
            .map(|x| match x {
                py::Expr::Starred(st) => Ok(Expr::Starred(Box::new(self.expr(&st.value)?))),
                _ => self.expr(x),
            })
            .collect()
    }
}

/// Whether a `del` target holds `*x` at any depth.
fn has_starred(t: &py::Expr) -> bool {
    match t {
        py::Expr::Starred(_) => true,
        py::Expr::Tuple(py::ExprTuple { elts, .. }) | py::Expr::List(py::ExprList { elts, .. }) => {
            elts.iter().any(has_starred)
        }
        _ => false,
    }
}
