//! The reducer's variants of `try` statements and `raise ... from` (out of
//! reduce.rs): a `try` replaced by its body, a handler's body or its
//! `finally`; handlers, `else:` and `finally:` dropped while the statement
//! stays valid (a handler or a `finally` left); every block shrunk as any
//! block. `raise e from c` loses its cause.

use jitdiff_vm::lang::Stmt;
use jitdiff_vm::lang::ast::ExceptHandler;

use super::{Pass, expr_variants, list_variants, nonempty};

/// Variants of `s`, a `try` or a `raise ... from`.
pub(super) fn variants(s: &Stmt, pass: Pass) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    let structure = pass == Pass::Structure;
    let list_variants = |b: &[Stmt]| list_variants(b, pass);
    match s {
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            let rebuild = |body: Vec<Stmt>,
                           handlers: Vec<ExceptHandler>,
                           orelse: Vec<Stmt>,
                           finalbody: Vec<Stmt>| {
                // `else:` needs a handler; a `try` needs a handler or a
                // `finally`.
                let orelse = if handlers.is_empty() { vec![] } else { orelse };
                if handlers.is_empty() && finalbody.is_empty() {
                    let mut flat = body;
                    flat.extend(orelse);
                    return nonempty(flat);
                }
                vec![Stmt::Try {
                    body: nonempty(body),
                    handlers,
                    orelse,
                    finalbody,
                }]
            };
            if structure {
                out.push(nonempty(body.clone()));
                for h in handlers {
                    out.push(nonempty(h.body.clone()));
                }
                if !finalbody.is_empty() {
                    out.push(finalbody.clone());
                    out.push(rebuild(
                        body.clone(),
                        handlers.clone(),
                        orelse.clone(),
                        vec![],
                    ));
                }
                if !orelse.is_empty() {
                    out.push(rebuild(
                        body.clone(),
                        handlers.clone(),
                        vec![],
                        finalbody.clone(),
                    ));
                }
                for i in 0..handlers.len() {
                    let mut fewer = handlers.clone();
                    fewer.remove(i);
                    out.push(rebuild(
                        body.clone(),
                        fewer,
                        orelse.clone(),
                        finalbody.clone(),
                    ));
                }
            }
            for b in list_variants(body) {
                out.push(rebuild(
                    b,
                    handlers.clone(),
                    orelse.clone(),
                    finalbody.clone(),
                ));
            }
            for (i, h) in handlers.iter().enumerate() {
                let mut with = |h2: ExceptHandler| {
                    let mut hs = handlers.clone();
                    hs[i] = h2;
                    out.push(rebuild(body.clone(), hs, orelse.clone(), finalbody.clone()));
                };
                if structure && h.name.is_some() {
                    with(ExceptHandler {
                        name: None,
                        ..h.clone()
                    });
                }
                if !structure && let Some(t) = &h.typ {
                    for v in expr_variants(t) {
                        with(ExceptHandler {
                            typ: Some(v),
                            ..h.clone()
                        });
                    }
                }
                for b in list_variants(&h.body) {
                    with(ExceptHandler {
                        body: nonempty(b),
                        ..h.clone()
                    });
                }
            }
            for o in list_variants(orelse) {
                out.push(rebuild(
                    body.clone(),
                    handlers.clone(),
                    o,
                    finalbody.clone(),
                ));
            }
            for f in list_variants(finalbody) {
                out.push(rebuild(
                    body.clone(),
                    handlers.clone(),
                    orelse.clone(),
                    nonempty(f),
                ));
            }
        }
        Stmt::RaiseFrom { exc, cause } => {
            if structure {
                out.push(vec![Stmt::Raise(Some(exc.clone()))]);
            } else {
                for v in expr_variants(exc) {
                    out.push(vec![Stmt::RaiseFrom {
                        exc: v,
                        cause: cause.clone(),
                    }]);
                }
                for v in expr_variants(cause) {
                    out.push(vec![Stmt::RaiseFrom {
                        exc: exc.clone(),
                        cause: v,
                    }]);
                }
            }
        }
        _ => {}
    }
    out
}
