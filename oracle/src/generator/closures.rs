//! The `closures` swarm feature: after a program is generated (and after
//! `syntax` and `iteration`), rewrite some of its functions and
//! assignments into closures and lambdas, so cells, `LOAD_DEREF`,
//! `STORE_DEREF` and calls of closures run in hot loops:
//!
//! - `v op= e` directly in a loop of a function (`v` one of its locals)
//!   becomes `clo_accN(e)`, a call of a closure counter defined just
//!   before the loop: `def clo_accN(clo_d): nonlocal v; v op= clo_d`;
//! - a function's final `return e` becomes `return clo_retN()`, a nested
//!   helper `def clo_retN(): return e` reading the function's variables
//!   (and parameters) as free variables;
//! - `x = e` sometimes becomes `x = (lambda: e)()` (at module level a
//!   lambda reading globals, in a function one closing over its locals),
//!   and a module-level `def` whose body is one `return` becomes a lambda
//!   bound to its name.
//!
//! Choices come from the bytes left after the program, so programs without
//! the feature are unchanged. Every form is Python and means what the
//! original meant, except that a variable read before it is bound raises
//! CPython's `NameError` for a free variable where the original raised
//! `UnboundLocalError` (both implementations follow CPython there).

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Expr, Module, Stmt, function_locals};

struct Rewriter<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// Fresh names made so far.
    fresh: usize,
}

/// Rewrites `m` in place (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let mut r = Rewriter { u, fresh: 0 };
    r.module_block(&mut m.body);
}

impl Rewriter<'_, '_> {
    fn chance(&mut self, pct: u32) -> bool {
        !self.u.is_empty() && self.u.int_in_range(0..=99u32).unwrap_or(99) < pct
    }

    fn fresh(&mut self, what: &str) -> String {
        self.fresh += 1;
        format!("clo_{what}{}", self.fresh - 1)
    }

    /// Module-level statements (and those in module-level blocks).
    fn module_block(&mut self, body: &mut [Stmt]) {
        for s in body.iter_mut() {
            match s {
                Stmt::FunctionDef {
                    decorators,
                    params,
                    defaults,
                    body,
                    ..
                } => {
                    // A decorated def stays a def (a lambda has no decorators).
                    let lambda = if decorators.is_empty() {
                        self.as_lambda(params, defaults, body)
                    } else {
                        None
                    };
                    if let Some(l) = lambda {
                        let Stmt::FunctionDef { name, .. } = s else {
                            unreachable!("matched a def")
                        };
                        *s = Stmt::Assign {
                            target: name.clone(),
                            value: l,
                        };
                    } else {
                        self.function(params, body);
                    }
                }
                Stmt::Assign { value, .. } => self.maybe_lambda(value, 20),
                Stmt::If { body, orelse, .. }
                | Stmt::While { body, orelse, .. }
                | Stmt::For { body, orelse, .. }
                | Stmt::ForUnpack { body, orelse, .. } => {
                    self.module_block(body);
                    self.module_block(orelse);
                }
                _ => {}
            }
        }
    }

    /// `def f(params): return e` as `lambda params: e`, sometimes.
    fn as_lambda(&mut self, params: &[String], defaults: &[Expr], body: &[Stmt]) -> Option<Expr> {
        let [Stmt::Return(Some(e))] = body else {
            return None;
        };
        if !self.chance(50) {
            return None;
        }
        Some(Expr::Lambda {
            params: params.to_vec(),
            defaults: defaults.to_vec(),
            body: Box::new(e.clone()),
        })
    }

    /// `e` as `(lambda: e)()`, `pct`% of the time.
    fn maybe_lambda(&mut self, e: &mut Expr, pct: u32) {
        if self.chance(pct) {
            let inner = std::mem::replace(e, Expr::None);
            *e = Expr::Call {
                func: Box::new(Expr::Lambda {
                    params: vec![],
                    defaults: vec![],
                    body: Box::new(inner),
                }),
                args: vec![],
                keywords: vec![],
            };
        }
    }

    /// A function's body: a closure counter for an accumulation in one of
    /// its loops, a helper for its final return, lambdas for assignments.
    fn function(&mut self, params: &[String], body: &mut Vec<Stmt>) {
        let locals = function_locals(params, body).0;
        if self.chance(60) {
            self.accumulator(&locals, body);
        }
        for s in body.iter_mut() {
            if let Stmt::Assign { value, .. } = s {
                self.maybe_lambda(value, 15);
            }
        }
        if let Some(Stmt::Return(Some(_))) = body.last()
            && self.chance(40)
        {
            let Some(Stmt::Return(Some(e))) = body.pop() else {
                unreachable!("checked above")
            };
            let name = self.fresh("ret");
            body.push(Stmt::FunctionDef {
                decorators: vec![],
                name: name.clone(),
                params: vec![],
                defaults: vec![],
                star: Default::default(),
                body: vec![Stmt::Return(Some(e))],
            });
            body.push(Stmt::Return(Some(Expr::call(&name, vec![]))));
        }
    }

    /// The first `v op= e` (a local `v`) directly in one of the body's
    /// loops becomes a call of a `nonlocal` closure defined before the loop.
    fn accumulator(&mut self, locals: &[String], body: &mut Vec<Stmt>) {
        for i in 0..body.len() {
            let (Stmt::For { body: lb, .. }
            | Stmt::ForUnpack { body: lb, .. }
            | Stmt::While { body: lb, .. }) = &mut body[i]
            else {
                continue;
            };
            let Some(at) = lb.iter().position(
                |s| matches!(s, Stmt::AugAssign { target, .. } if locals.contains(target)),
            ) else {
                continue;
            };
            let name = self.fresh("acc");
            let Stmt::AugAssign { target, op, value } = std::mem::replace(&mut lb[at], Stmt::Pass)
            else {
                unreachable!("found above")
            };
            lb[at] = Stmt::Expr(Expr::call(&name, vec![value]));
            let def = Stmt::FunctionDef {
                decorators: vec![],
                name,
                params: vec!["clo_d".into()],
                defaults: vec![],
                star: Default::default(),
                body: vec![
                    Stmt::Nonlocal(vec![target.clone()]),
                    Stmt::AugAssign {
                        target,
                        op,
                        value: Expr::name("clo_d"),
                    },
                ],
            };
            body.insert(i, def);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};

    #[test]
    fn rewrites_are_python_the_front_end_accepts() {
        let src = "def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\ndef g(a):\n    return a + 1\nx = f(3) + g(1)\nprint(x)\n";
        let m = parse_program(src).unwrap();
        let mut seen_closure = false;
        for b in 0..=255u8 {
            let bytes = vec![b; 64];
            let mut m2 = m.clone();
            rewrite(&mut m2, &mut Unstructured::new(&bytes));
            let text = unparse(&m2);
            assert_eq!(parse_program(&text), Ok(m2), "{text}");
            seen_closure |= text.contains("nonlocal t") && text.contains("lambda");
        }
        assert!(seen_closure);
        // No bytes left: the program is unchanged.
        let mut m3 = m.clone();
        rewrite(&mut m3, &mut Unstructured::new(&[]));
        assert_eq!(m3, m);
    }
}
