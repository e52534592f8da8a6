//! The `syntax` swarm feature: after a program is generated, rewrite some of
//! its statements into other syntax that means the same (or nearly), so the
//! fuzzer exercises the compiler paths and instructions behind each form:
//!
//! - `x = e` becomes `x = x = e` (chained assignment: COPY and two stores);
//! - `a, b = e` becomes `(a, b), = (e,)` (nested UNPACK_SEQUENCE);
//! - `recv.m(args)` as a statement becomes `bm = recv.m` then `bm(args)`
//!   (LOAD_ATTR, a bound method object, a generic CALL);
//! - a loop gains an `else:` block that counts into a fresh variable, so a
//!   `break` that skips it and an exhausted loop that runs it print
//!   differently;
//! - a function's last parameter gets a default taken from what its
//!   callers pass there (a literal, or a global bound before the `def`),
//!   and the calls passing exactly that drop the argument (MAKE_FUNCTION +
//!   SET_FUNCTION_DEFAULTS, and the generic CALL filling the default);
//! - some calls of module-level functions pass trailing arguments by
//!   keyword, sometimes reordered (`keywords.rs`).
//!
//! The rewrite draws its choices from the bytes left after the program, so
//! programs without the feature are unchanged. Every form is Python, and the
//! program prints what it printed before except for the loop `else:`
//! counters, which are printed at the end.

use std::collections::BTreeMap;

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Expr, Module, Stmt, Target, UnaryOp};

struct Rewriter<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// Fresh names made so far (bound methods, loop-else counters).
    fresh: usize,
    /// Module-level counters the loop `else:` blocks add to.
    counters: Vec<String>,
}

/// Rewrites `m` in place (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    add_defaults(m, u);
    super::keywords::keyword_calls(m, u);
    let mut r = Rewriter {
        u,
        fresh: 0,
        counters: vec![],
    };
    let body = std::mem::take(&mut m.body);
    let mut body = r.block(body, false);
    // Counters start at zero before anything runs and are printed last; a
    // function's `else:` declares its counter global.
    let inits: Vec<Stmt> = r
        .counters
        .iter()
        .map(|c| Stmt::Assign {
            target: c.clone(),
            value: Expr::int(0),
        })
        .collect();
    if !r.counters.is_empty() {
        let names = r.counters.iter().map(|c| Expr::name(c)).collect();
        body.push(Stmt::Expr(Expr::call("print", names)));
    }
    let doc = matches!(body.first(), Some(Stmt::Expr(Expr::Str(_))));
    let at = usize::from(doc);
    body.splice(at..at, inits);
    m.body = body;
}

impl Rewriter<'_, '_> {
    fn chance(&mut self, pct: u32) -> bool {
        !self.u.is_empty() && self.u.int_in_range(0..=99u32).unwrap_or(99) < pct
    }

    fn fresh(&mut self, stem: &str) -> String {
        self.fresh += 1;
        format!("{stem}{}", self.fresh)
    }

    fn block(&mut self, body: Vec<Stmt>, in_function: bool) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(body.len());
        for s in body {
            self.stmt(s, in_function, &mut out);
        }
        out
    }

    fn stmt(&mut self, s: Stmt, in_function: bool, out: &mut Vec<Stmt>) {
        match s {
            Stmt::Assign { target, value } if self.chance(15) => out.push(Stmt::AssignChain {
                targets: vec![Target::Name(target.clone()), Target::Name(target)],
                value,
            }),
            Stmt::Unpack { targets, value } if self.chance(30) => out.push(Stmt::Unpack {
                targets: vec![Target::Unpack(targets)],
                value: Expr::Tuple(vec![value]),
            }),
            Stmt::Expr(Expr::MethodCall {
                receiver,
                method,
                args,
            }) if matches!(*receiver, Expr::Name(_)) && self.chance(40) => {
                let bm = self.fresh("bm");
                out.push(Stmt::Assign {
                    target: bm.clone(),
                    value: Expr::Attribute {
                        value: receiver,
                        attr: method,
                    },
                });
                out.push(Stmt::Expr(Expr::call(&bm, args)));
            }
            Stmt::If { test, body, orelse } => out.push(Stmt::If {
                test,
                body: self.block(body, in_function),
                orelse: self.block(orelse, in_function),
            }),
            Stmt::While { test, body, orelse } => {
                let body = self.block(body, in_function);
                let orelse = self.loop_else(orelse, in_function);
                out.push(Stmt::While { test, body, orelse });
            }
            Stmt::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let body = self.block(body, in_function);
                let orelse = self.loop_else(orelse, in_function);
                out.push(Stmt::For {
                    target,
                    iter,
                    body,
                    orelse,
                });
            }
            Stmt::ForUnpack {
                targets,
                iter,
                body,
                orelse,
            } => {
                let body = self.block(body, in_function);
                let orelse = self.loop_else(orelse, in_function);
                out.push(Stmt::ForUnpack {
                    targets,
                    iter,
                    body,
                    orelse,
                });
            }
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } => out.push(Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body: self.block(body, true),
                star,
            }),
            other => out.push(other),
        }
    }

    /// Sometimes an `else:` that adds one to a fresh module-level counter.
    fn loop_else(&mut self, orelse: Vec<Stmt>, in_function: bool) -> Vec<Stmt> {
        if !orelse.is_empty() || !self.chance(35) {
            return orelse;
        }
        let c = self.fresh("els");
        self.counters.push(c.clone());
        let mut block = vec![];
        if in_function {
            block.push(Stmt::Global(vec![c.clone()]));
        }
        block.push(Stmt::AugAssign {
            target: c,
            op: jitdiff_vm::lang::ast::BinOp::Add,
            value: Expr::int(1),
        });
        block
    }
}

/// A literal simple enough to be a default (ints, floats, strings, bools,
/// None, negated numbers).
pub(super) fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None => true,
        Expr::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => matches!(**operand, Expr::Int(_) | Expr::Float(_)),
        _ => false,
    }
}

/// What a function learned from its calls: parameter count, the module
/// statement defining it, candidate defaults (by text: the expression and
/// how many calls pass it), and whether it is used any other way.
struct Calls {
    params: usize,
    def_at: usize,
    candidates: BTreeMap<String, (Expr, usize)>,
    other_use: bool,
}

/// Gives some module-level functions a default for their last parameter:
/// what most of their full-arity calls pass there (a literal, or a global
/// bound before the `def`, which the default then captures as nbody's
/// `bodies=SYSTEM` does), which those calls then leave out. Functions used
/// any other way (as values, rebound, called with another arity) are left
/// alone.
fn add_defaults(m: &mut Module, u: &mut Unstructured) {
    let mut seen: BTreeMap<String, Calls> = BTreeMap::new();
    for (at, s) in m.body.iter().enumerate() {
        if let Stmt::FunctionDef {
            name,
            params,
            defaults,
            ..
        } = s
            && !params.is_empty()
            && defaults.is_empty()
        {
            // Defined twice: leave it alone.
            let twice = seen.contains_key(name);
            seen.insert(
                name.clone(),
                Calls {
                    params: params.len(),
                    def_at: at,
                    candidates: BTreeMap::new(),
                    other_use: twice,
                },
            );
        }
    }
    // A function name rebound anywhere (`f = g`, another `def` is counted
    // above) may not have the default.
    for s in m
        .body
        .iter()
        .filter(|s| !matches!(s, Stmt::FunctionDef { .. }))
    {
        jitdiff_vm::lang::ast::collect_bound(
            std::slice::from_ref(s),
            &mut mark_bound_in(&mut seen),
        );
    }
    // Module-level names and the statement that first binds each.
    let mut bound_at: BTreeMap<String, usize> = BTreeMap::new();
    for (at, s) in m.body.iter().enumerate() {
        jitdiff_vm::lang::ast::collect_bound(std::slice::from_ref(s), &mut |n| {
            bound_at.entry(n.to_string()).or_insert(at);
        });
    }
    for s in &m.body {
        // In a function, a name is global unless the function binds it.
        let (locals, body): (Vec<String>, &[Stmt]) = match s {
            Stmt::FunctionDef { params, body, .. } => {
                jitdiff_vm::lang::ast::collect_bound(body, &mut mark_bound_in(&mut seen));
                (
                    jitdiff_vm::lang::ast::function_locals(params, body).0,
                    body.as_slice(),
                )
            }
            _ => (vec![], std::slice::from_ref(s)),
        };
        visit_calls(body, &mut |name, args, plain| {
            let Some(c) = seen.get_mut(name) else {
                return;
            };
            let usable = |e: &Expr| match e {
                Expr::Name(g) => {
                    !locals.contains(g) && bound_at.get(g).is_some_and(|&b| b < c.def_at)
                }
                other => is_literal(other),
            };
            match args.last() {
                Some(last) if plain && args.len() == c.params && usable(last) => {
                    let key = format!("{last:?}");
                    c.candidates.entry(key).or_insert((last.clone(), 0)).1 += 1;
                }
                Some(_) if plain && args.len() == c.params => {}
                _ => c.other_use = true,
            }
        });
    }
    let mut chosen: BTreeMap<String, Expr> = BTreeMap::new();
    for (name, c) in seen {
        if c.other_use || c.candidates.is_empty() {
            continue;
        }
        if u.is_empty() || u.int_in_range(0..=99u32).unwrap_or(99) >= 60 {
            continue;
        }
        let best = c
            .candidates
            .into_values()
            .max_by_key(|(_, n)| *n)
            .map(|(e, _)| e);
        if let Some(e) = best {
            chosen.insert(name, e);
        }
    }
    if chosen.is_empty() {
        return;
    }
    for s in &mut m.body {
        if let Stmt::FunctionDef { name, defaults, .. } = s
            && let Some(d) = chosen.get(name)
        {
            *defaults = vec![d.clone()];
        }
    }
    drop_default_args(&mut m.body, &chosen);
}

fn mark_bound_in(seen: &mut BTreeMap<String, Calls>) -> impl FnMut(&str) + '_ {
    |n: &str| {
        if let Some(c) = seen.get_mut(n) {
            c.other_use = true;
        }
    }
}

/// Calls `f(name, args, plain)` for every call of a name (`plain`: no
/// keywords), and `f(name, &[], false)` for every other use of a name.
fn visit_calls(body: &[Stmt], f: &mut dyn FnMut(&str, &[Expr], bool)) {
    for s in body {
        s.for_each_expr(&mut |e| visit_expr_calls(e, f));
    }
}

fn visit_expr_calls(e: &Expr, f: &mut dyn FnMut(&str, &[Expr], bool)) {
    match e {
        Expr::Call {
            func,
            args,
            keywords,
        } => {
            match &**func {
                Expr::Name(n) => f(n, args, keywords.is_empty()),
                other => visit_expr_calls(other, f),
            }
            args.iter().for_each(|a| visit_expr_calls(a, f));
            keywords.iter().for_each(|k| visit_expr_calls(&k.value, f));
        }
        Expr::Name(n) => f(n, &[], false),
        _ => e.for_each_child(&mut |c| visit_expr_calls(c, f)),
    }
}

/// Drops the last argument of full-arity calls of `chosen` functions that
/// pass exactly the chosen default.
fn drop_default_args(body: &mut [Stmt], chosen: &BTreeMap<String, Expr>) {
    for s in body.iter_mut() {
        s.for_each_expr_mut(&mut |e| drop_in_expr(e, chosen));
    }
}

fn drop_in_expr(e: &mut Expr, chosen: &BTreeMap<String, Expr>) {
    if let Expr::Call { func, args, .. } = e
        && let Expr::Name(n) = &**func
        && let Some(d) = chosen.get(n)
        && args.last() == Some(d)
    {
        args.pop();
    }
    e.for_each_child_mut(&mut |c| drop_in_expr(c, chosen));
}
