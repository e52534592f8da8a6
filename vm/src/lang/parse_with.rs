//! `with` statements, lowered as PEP 343 writes them out, in CPython
//! 3.11's order (`BEFORE_WITH`, then the protected block, then
//! `WITH_EXCEPT_START` or the normal exit's call):
//!
//! ```text
//! mgr = EXPR
//! t = type(mgr)                  # special methods are looked up on the type
//! if not hasattr(t, "__enter__"): raise TypeError(... protocol)
//! if not hasattr(t, "__exit__"): raise TypeError(... (missed __exit__ method))
//! exit = t.__exit__
//! value = t.__enter__(mgr)
//! ok = True
//! try:
//!     try:
//!         VAR = value            # inside: a failing store reaches __exit__
//!         BLOCK
//!     except BaseException as e:
//!         ok = False
//!         if not exit(mgr, type(e), e, None):
//!             raise
//! finally:
//!     if ok:
//!         exit(mgr, None, None, None)
//! ```
//!
//! `with a, b:` is `with a:` around `with b:`. The hidden variables are
//! `__jd_with<N>_...` locals (or globals) of the code the statement is in.
//! Known differences, which print only where a program shows them:
//! `__exit__` gets None where CPython passes a traceback object, and a
//! manager of a built-in type poisons as unmodelled (`hasattr` of a
//! built-in class) where CPython raises its TypeError. Refused: `async
//! with`, a `yield` in the block (its `finally` would run when CPython's
//! reference counting closes an unfinished generator), and `with` in a program
//! that binds a name the lowering reads (`type`, `hasattr`, `TypeError`,
//! `BaseException`).

use ruff_python_ast as py;

use super::{Ctx, Lowering, R};
use crate::lang::ast::*;

/// The builtins the lowered statement reads.
const READS: [&str; 4] = ["type", "hasattr", "TypeError", "BaseException"];

impl Lowering<'_> {
    /// The statements a `with` statement is lowered to.
    pub(super) fn with_stmt(&self, w: &py::StmtWith, s: &py::Stmt, ctx: Ctx) -> R<Vec<Stmt>> {
        if w.is_async {
            return Err(self.unsupported(s, "async with"));
        }
        if let Some(name) = READS.iter().find(|n| self.bound_names.contains(**n)) {
            return Err(self.unsupported(s, &format!("`with` in a program that binds `{name}`")));
        }
        let inner = Ctx {
            yield_refusal: Some("yield inside a with statement"),
            ..ctx
        };
        // Each item nests the block two `try` statements deeper.
        // Numbered in source order: the outer items first.
        let first = self.with_count.get();
        self.with_count.set(first + w.items.len());
        self.nested(s, 2 * w.items.len(), || {
            let mut body = self.block(&w.body, inner)?;
            for (i, item) in w.items.iter().enumerate().rev() {
                body = self.with_item(first + i, item, body)?;
            }
            Ok(body)
        })
    }

    /// One `EXPR [as VAR]` around `block` (already lowered), its hidden
    /// variables numbered `n`.
    fn with_item(&self, n: usize, item: &py::WithItem, block: Vec<Stmt>) -> R<Vec<Stmt>> {
        let var = |what: &str| format!("__jd_with{n}_{what}");
        let name = |what: &str| Expr::Name(var(what));
        let call = |func: Expr, args: Vec<Expr>| Expr::Call {
            func: Box::new(func),
            args,
            keywords: vec![],
        };
        let attr = |value: Expr, attr: &str| Expr::Attribute {
            value: Box::new(value),
            attr: attr.into(),
        };
        let lacks = |method: &str, message: &str| Stmt::If {
            test: Expr::UnaryOp {
                op: UnaryOp::Not,
                operand: Box::new(call(
                    Expr::Name("hasattr".into()),
                    vec![name("type"), Expr::Str(method.into())],
                )),
            },
            body: vec![Stmt::Raise(Some(call(
                Expr::Name("TypeError".into()),
                vec![Expr::BinOp {
                    left: Box::new(Expr::Str(format!("'%s' object {message}"))),
                    op: BinOp::Mod,
                    right: Box::new(attr(name("type"), "__name__")),
                }],
            )))],
            orelse: vec![],
        };
        let assign = |what: &str, value: Expr| Stmt::Assign {
            target: var(what),
            value,
        };
        let mut protected = Vec::with_capacity(block.len() + 1);
        if let Some(target) = &item.optional_vars {
            protected.push(self.assign(target, name("value"))?);
        }
        protected.extend(block);
        let exit_with = |args: [Expr; 3]| {
            let mut all = vec![name("mgr")];
            all.extend(args);
            call(name("exit"), all)
        };
        let handler = ExceptHandler {
            typ: Some(Expr::Name("BaseException".into())),
            name: Some(var("exc")),
            body: vec![
                assign("ok", Expr::Bool(false)),
                Stmt::If {
                    test: Expr::UnaryOp {
                        op: UnaryOp::Not,
                        operand: Box::new(exit_with([
                            call(Expr::Name("type".into()), vec![name("exc")]),
                            name("exc"),
                            Expr::None,
                        ])),
                    },
                    body: vec![Stmt::Raise(None)],
                    orelse: vec![],
                },
            ],
        };
        Ok(vec![
            assign("mgr", self.expr(&item.context_expr)?),
            assign("type", call(Expr::Name("type".into()), vec![name("mgr")])),
            lacks("__enter__", "does not support the context manager protocol"),
            lacks(
                "__exit__",
                "does not support the context manager protocol (missed __exit__ method)",
            ),
            assign("exit", attr(name("type"), "__exit__")),
            // `t.__enter__(mgr)`, as the parser lowers a method call.
            assign(
                "value",
                Expr::MethodCall {
                    receiver: Box::new(name("type")),
                    method: "__enter__".into(),
                    args: vec![name("mgr")],
                },
            ),
            assign("ok", Expr::Bool(true)),
            Stmt::Try {
                body: vec![Stmt::Try {
                    body: protected,
                    handlers: vec![handler],
                    orelse: vec![],
                    finalbody: vec![],
                }],
                handlers: vec![],
                orelse: vec![],
                finalbody: vec![Stmt::If {
                    test: name("ok"),
                    body: vec![Stmt::Expr(exit_with([Expr::None, Expr::None, Expr::None]))],
                    orelse: vec![],
                }],
            },
        ])
    }
}
