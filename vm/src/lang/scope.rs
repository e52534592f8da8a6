//! Closures' scoping for the VM's compiler: CPython's symtable analysis
//! (`analyze_block`/`analyze_name`) reduced to the language. A function's
//! variable is a *cell* when a nested function (a `def` or a `lambda`, at
//! any depth) reads or writes it; a nested function's *free* variables are
//! the names it (or a function nested in it) uses that resolve to a
//! variable of an enclosing function. Module-level names are globals and
//! never cells. The reference interpreter has its own copy of these rules
//! (`oracle/src/reference/cells.rs`): this one is the VM's.

use std::collections::BTreeSet;

use super::ast::{
    Comprehension, Expr, Stmt, Target, declared, deleted_names, function_locals, named_targets,
};

/// A function's body: statements, or a lambda's one expression.
#[derive(Clone, Copy)]
pub enum Body<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

/// One function scope, as the scopes nested in it see it.
#[derive(Debug, Default)]
pub struct FnScope {
    /// Parameters first, then the other names the body binds.
    pub locals: Vec<String>,
    /// Names declared `global`.
    pub globals: BTreeSet<String>,
    /// The locals some nested function uses: they live in cells.
    pub cells: BTreeSet<String>,
    /// Variables of enclosing functions this function (or one nested in
    /// it) uses, in the order of its closure tuple.
    pub frees: Vec<String>,
    /// The locals a `del` statement unbinds: never known to be bound.
    pub deleted: BTreeSet<String>,
}

impl FnScope {
    /// The scope of a function with `params` and `body`, nested in the
    /// functions `enclosing` (outermost first; empty at module level).
    pub fn new(params: &[String], body: Body, enclosing: &[&FnScope]) -> FnScope {
        let (locals, globals) = match body {
            Body::Stmts(b) => function_locals(params, b),
            Body::Expr(e) => (expr_locals(params, e), BTreeSet::new()),
        };
        let deleted = match body {
            Body::Stmts(b) => deleted_names(b),
            Body::Expr(_) => BTreeSet::new(),
        };
        let (uses, nested) = scan(body);
        let cells = locals
            .iter()
            .filter(|l| nested.contains(*l))
            .cloned()
            .collect();
        let frees = candidates(&locals, &globals, body, uses, nested)
            .into_iter()
            .filter(|n| resolves_to_enclosing(n, enclosing))
            .collect();
        FnScope {
            locals,
            globals,
            cells,
            frees,
            deleted,
        }
    }
}

/// Whether `name`, used in a function nested in `enclosing` and not bound
/// there, is a variable of one of them (else it is a global).
pub fn resolves_to_enclosing(name: &str, enclosing: &[&FnScope]) -> bool {
    for s in enclosing.iter().rev() {
        if s.locals.iter().any(|l| l == name) || s.frees.iter().any(|f| f == name) {
            return true;
        }
        if s.globals.contains(name) {
            return false;
        }
    }
    false
}

/// The names a function uses without binding them (and its `nonlocal`
/// ones): its free variables if an enclosing function binds them.
fn candidates(
    locals: &[String],
    globals: &BTreeSet<String>,
    body: Body,
    mut uses: BTreeSet<String>,
    nested: BTreeSet<String>,
) -> BTreeSet<String> {
    if let Body::Stmts(b) = body {
        uses.extend(declared(b, true));
    }
    uses.extend(nested);
    uses.retain(|n| !globals.contains(n) && !locals.iter().any(|l| l == n));
    uses
}

/// A lambda's locals: its parameters and what its assignment expressions
/// bind (the front end refuses those; a hand-built AST may have them).
fn expr_locals(params: &[String], body: &Expr) -> Vec<String> {
    let mut locals = params.to_vec();
    named_targets(body, &mut |n| {
        if !locals.iter().any(|l| l == n) {
            locals.push(n.to_string());
        }
    });
    locals
}

fn free_candidates(params: &[String], body: Body) -> BTreeSet<String> {
    let (locals, globals) = match body {
        Body::Stmts(b) => function_locals(params, b),
        Body::Expr(e) => (expr_locals(params, e), BTreeSet::new()),
    };
    let (uses, nested) = scan(body);
    candidates(&locals, &globals, body, uses, nested)
}

/// The names `body` reads in its own scope, and those its nested
/// functions need from it or further out.
fn scan(body: Body) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut uses = BTreeSet::new();
    let mut nested = BTreeSet::new();
    match body {
        Body::Stmts(b) => scan_stmts(b, &mut uses, &mut nested),
        Body::Expr(e) => scan_expr(e, &mut uses, &mut nested),
    }
    (uses, nested)
}

fn scan_stmts(body: &[Stmt], uses: &mut BTreeSet<String>, nested: &mut BTreeSet<String>) {
    for s in body {
        match s {
            // The defaults run in this scope; the body is another.
            Stmt::FunctionDef {
                decorators,
                params,
                defaults,
                body,
                star,
                ..
            } => {
                decorators
                    .iter()
                    .chain(defaults)
                    .for_each(|d| scan_expr(d, uses, nested));
                let all: Vec<String> = params.iter().chain(star.names()).cloned().collect();
                nested.extend(free_candidates(&all, Body::Stmts(body)));
            }
            Stmt::If { test, body, orelse } | Stmt::While { test, body, orelse } => {
                scan_expr(test, uses, nested);
                scan_stmts(body, uses, nested);
                scan_stmts(orelse, uses, nested);
            }
            Stmt::For {
                iter, body, orelse, ..
            }
            | Stmt::ForUnpack {
                iter, body, orelse, ..
            } => {
                scan_expr(iter, uses, nested);
                scan_stmts(body, uses, nested);
                scan_stmts(orelse, uses, nested);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                scan_stmts(body, uses, nested);
                for h in handlers {
                    h.typ.iter().for_each(|t| scan_expr(t, uses, nested));
                    scan_stmts(&h.body, uses, nested);
                }
                scan_stmts(orelse, uses, nested);
                scan_stmts(finalbody, uses, nested);
            }
            // A simple statement: `for_each_expr` reaches no nested body.
            other => other.for_each_expr(&mut |e| scan_expr(e, uses, nested)),
        }
    }
}

fn scan_expr(e: &Expr, uses: &mut BTreeSet<String>, nested: &mut BTreeSet<String>) {
    match e {
        Expr::Name(n) => {
            uses.insert(n.clone());
        }
        Expr::Named { target, value } => {
            uses.insert(target.clone());
            scan_expr(value, uses, nested);
        }
        Expr::Lambda {
            params,
            defaults,
            body,
        } => {
            defaults.iter().for_each(|d| scan_expr(d, uses, nested));
            nested.extend(free_candidates(params, Body::Expr(body)));
        }
        // A generator expression is a nested function taking its first
        // iterable's iterator (evaluated here) as `.0`.
        Expr::GeneratorExp { elt, generators } => {
            if let Some(first) = generators.first() {
                scan_expr(&first.iter, uses, nested);
            }
            let body = genexpr_body(elt, generators);
            nested.extend(free_candidates(&[".0".to_string()], Body::Stmts(&body)));
        }
        // A comprehension's targets shadow the enclosing names everywhere
        // but in its first iterable.
        Expr::ListComp { elt, generators } => {
            let mut inner = BTreeSet::new();
            for (i, g) in generators.iter().enumerate() {
                if i == 0 {
                    scan_expr(&g.iter, uses, nested);
                } else {
                    scan_expr(&g.iter, &mut inner, nested);
                }
                g.ifs.iter().for_each(|c| scan_expr(c, &mut inner, nested));
            }
            scan_expr(elt, &mut inner, nested);
            for g in generators {
                g.target.for_each_name(&mut |n| {
                    inner.remove(n);
                });
            }
            uses.extend(inner);
        }
        _ => e.for_each_child(&mut |c| scan_expr(c, uses, nested)),
    }
}

/// The body of the `<genexpr>` function of `(elt for ...)`: the clauses
/// as nested `for`/`if` statements over `.0` (the first iterable's
/// iterator, its one parameter), yielding `elt` innermost.
pub fn genexpr_body(elt: &Expr, generators: &[Comprehension]) -> Vec<Stmt> {
    let mut body = vec![Stmt::Expr(Expr::Yield(Some(Box::new(elt.clone()))))];
    for (level, g) in generators.iter().enumerate().rev() {
        for cond in g.ifs.iter().rev() {
            body = vec![Stmt::If {
                test: cond.clone(),
                body,
                orelse: vec![],
            }];
        }
        let iter = if level == 0 {
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
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_program;

    fn scopes(src: &str) -> (FnScope, FnScope) {
        let m = parse_program(src).unwrap();
        let Stmt::FunctionDef { params, body, .. } = &m.body[0] else {
            panic!()
        };
        let outer = FnScope::new(params, Body::Stmts(body), &[]);
        let inner = body
            .iter()
            .find_map(|s| match s {
                Stmt::FunctionDef { params, body, .. } => {
                    Some(FnScope::new(params, Body::Stmts(body), &[&outer]))
                }
                _ => None,
            })
            .unwrap();
        (outer, inner)
    }

    #[test]
    fn cells_and_frees_follow_cpython() {
        let (o, i) = scopes(
            "def f(a, b):\n    c = 1\n    def g(x):\n        nonlocal c\n        c = a + x + z\n        return c\n    return g\n",
        );
        assert_eq!(o.cells, ["a", "c"].map(String::from).into());
        assert_eq!(i.frees, ["a", "c"]);
        // A name only a grandchild uses passes through the child.
        let (o, i) =
            scopes("def f():\n    n = 0\n    def g():\n        return lambda: n\n    return g\n");
        assert!(o.cells.contains("n"));
        assert_eq!(i.frees, ["n"]);
        // `global` in the enclosing function stops the search.
        let (_, i) = scopes(
            "def f():\n    global n\n    n = 0\n    def g():\n        return n\n    return g\n",
        );
        assert!(i.frees.is_empty());
    }
}
