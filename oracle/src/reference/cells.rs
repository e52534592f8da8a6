//! The reference's closure scoping, written from CPython 3.11's
//! `symtable.c` (`analyze_block`) and independent of the VM's compiler:
//! each function is analyzed with the set of names the functions around
//! it bind (`bound`), its nested functions first; a name a nested function
//! needs and this one binds is a *cell* here, and a name this function
//! (or one nested in it) uses, does not bind and finds in `bound` is
//! *free* here. A `global` declaration hides the name from the functions
//! nested inside.

use std::collections::BTreeSet;

use jitdiff_vm::lang::ast::{Comprehension, Expr, Stmt, Target, function_locals};

/// What the analysis says about one function.
pub struct Analysis {
    /// The function's own variables that live in cells (in local order).
    pub cells: Vec<String>,
    /// The enclosing functions' variables it needs, sorted.
    pub frees: Vec<String>,
}

/// Analyzes a function with `params` and `body` (a lambda's body is one
/// `return`), nested in functions binding `bound`.
pub fn analyze(params: &[String], body: &[Stmt], bound: &BTreeSet<String>) -> Analysis {
    let (locals, globals) = function_locals(params, body);
    let mut nonlocals = BTreeSet::new();
    let mut uses = BTreeSet::new();
    let mut children: Children = Vec::new();
    walk_block(body, &mut nonlocals, &mut uses, &mut children);
    let mut inner_bound: BTreeSet<String> = bound
        .iter()
        .filter(|n| !globals.contains(*n))
        .cloned()
        .collect();
    inner_bound.extend(locals.iter().cloned());
    let mut child_frees = BTreeSet::new();
    for (p, b) in &children {
        child_frees.extend(analyze(p, b, &inner_bound).frees);
    }
    let cells = locals
        .iter()
        .filter(|l| child_frees.contains(*l))
        .cloned()
        .collect();
    let frees = uses
        .into_iter()
        .chain(nonlocals)
        .chain(child_frees)
        .filter(|n| !locals.contains(n) && !globals.contains(n) && bound.contains(n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Analysis { cells, frees }
}

/// A lambda as the function it is: its body returned.
pub fn lambda_body(body: &Expr) -> Vec<Stmt> {
    vec![Stmt::Return(Some(body.clone()))]
}

type Children<'a> = Vec<(std::borrow::Cow<'a, [String]>, Vec<Stmt>)>;

fn walk_block<'a>(
    body: &'a [Stmt],
    nonlocals: &mut BTreeSet<String>,
    uses: &mut BTreeSet<String>,
    children: &mut Children<'a>,
) {
    for s in body {
        match s {
            Stmt::Nonlocal(names) => nonlocals.extend(names.iter().cloned()),
            Stmt::FunctionDef {
                decorators,
                params,
                defaults,
                body,
                star,
                ..
            } => {
                for d in decorators.iter().chain(defaults) {
                    walk_expr(d, uses, children);
                }
                // Keyword-only parameters, `*args` and `**kwargs` are the
                // child's locals too.
                let all: Vec<String> = params.iter().chain(star.names()).cloned().collect();
                children.push((all.into(), body.clone()));
            }
            Stmt::If { test, body, orelse } | Stmt::While { test, body, orelse } => {
                walk_expr(test, uses, children);
                walk_block(body, nonlocals, uses, children);
                walk_block(orelse, nonlocals, uses, children);
            }
            Stmt::For {
                iter, body, orelse, ..
            }
            | Stmt::ForUnpack {
                iter, body, orelse, ..
            } => {
                walk_expr(iter, uses, children);
                walk_block(body, nonlocals, uses, children);
                walk_block(orelse, nonlocals, uses, children);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                walk_block(body, nonlocals, uses, children);
                for h in handlers {
                    if let Some(t) = &h.typ {
                        walk_expr(t, uses, children);
                    }
                    if let Some(n) = &h.name {
                        uses.insert(n.clone());
                    }
                    walk_block(&h.body, nonlocals, uses, children);
                }
                walk_block(orelse, nonlocals, uses, children);
                walk_block(finalbody, nonlocals, uses, children);
            }
            // Augmented assignment reads its target too.
            Stmt::AugAssign { target, value, .. } => {
                uses.insert(target.clone());
                walk_expr(value, uses, children);
            }
            other => other.for_each_expr(&mut |e| walk_expr(e, uses, children)),
        }
    }
}

fn walk_expr<'a>(e: &'a Expr, uses: &mut BTreeSet<String>, children: &mut Children<'a>) {
    match e {
        Expr::Name(n) => {
            uses.insert(n.clone());
        }
        Expr::Named { target, value } => {
            uses.insert(target.clone());
            walk_expr(value, uses, children);
        }
        Expr::Lambda {
            params,
            defaults,
            body,
        } => {
            for d in defaults {
                walk_expr(d, uses, children);
            }
            children.push((params.into(), lambda_body(body)));
        }
        // A generator expression is a function of its own; its first
        // iterable is evaluated here.
        Expr::GeneratorExp { elt, generators } => {
            if let Some(first) = generators.first() {
                walk_expr(&first.iter, uses, children);
            }
            let (params, body) = genexp_function(elt, generators);
            children.push((params.into(), body));
        }
        // A comprehension's variables are hidden slots of this function:
        // counting them as uses only ever adds a cell nobody can observe.
        _ => e.for_each_child(&mut |c| walk_expr(c, uses, children)),
    }
}

/// `(elt for t in it if c ...)` as CPython compiles it: a generator
/// function of one parameter `.0` (the first iterable's iterator) whose
/// body nests the clauses' loops and conditions around `yield elt`.
pub fn genexp_function(elt: &Expr, generators: &[Comprehension]) -> (Vec<String>, Vec<Stmt>) {
    let mut body = vec![Stmt::Expr(Expr::Yield(Some(Box::new(elt.clone()))))];
    for (i, g) in generators.iter().enumerate().rev() {
        for cond in g.ifs.iter().rev() {
            body = vec![Stmt::If {
                test: cond.clone(),
                body,
                orelse: vec![],
            }];
        }
        let iter = if i == 0 {
            Expr::Name(".0".into())
        } else {
            g.iter.clone()
        };
        body = vec![match &g.target {
            Target::Name(n) => Stmt::For {
                target: n.clone(),
                iter,
                body,
                orelse: vec![],
            },
            // (A comprehension's target is never an attribute or a
            // subscript: the front end refuses them.)
            Target::Unpack(_)
            | Target::Attr { .. }
            | Target::Subscript { .. }
            | Target::Starred(_) => Stmt::ForUnpack {
                targets: match &g.target {
                    Target::Unpack(ts) => ts.clone(),
                    other => vec![other.clone()],
                },
                iter,
                body,
                orelse: vec![],
            },
        }];
    }
    (vec![".0".into()], body)
}

/// Every name `e` (and anything nested in it) reads.
pub fn names_used(e: &Expr, uses: &mut BTreeSet<String>) {
    if let Expr::Name(n) = e {
        uses.insert(n.clone());
    }
    e.for_each_child(&mut |c| names_used(c, uses));
}
