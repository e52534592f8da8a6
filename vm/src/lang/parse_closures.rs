//! Lowering of what closures bring: parameter lists (shared by `def` and
//! `lambda`), `lambda`, `nonlocal`, and CPython 3.11's compile-time checks
//! of `global`/`nonlocal` declarations (its symtable's SyntaxErrors).

use std::collections::BTreeSet;

use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

use super::{Ctx, Lowering, R};
use crate::lang::ast::*;
use crate::lang::scope::{Body, FnScope, resolves_to_enclosing};

impl Lowering<'_> {
    /// Refuses a generator expression whose function would read a variable
    /// of an inlined comprehension around it (`[sum(m[i][k] for k in r)
    /// for i in s]`): the language compiles comprehensions inline, where
    /// that variable is a hidden slot and not a cell the generator could
    /// close over (CPython 3.12 makes it one). Its first iterable is
    /// evaluated where it stands, so it may read them; and one a builtin
    /// consumes at once is given a clause binding them instead
    /// (`Lowering::generator_exp`). The reference leaves such a generator
    /// unmodelled too (`resolve_flow.rs`).
    pub(super) fn check_genexp_reads(
        &self,
        g: &py::ExprGenerator,
        elt: &Expr,
        generators: &[Comprehension],
        around: &[(String, bool)],
    ) -> R<()> {
        match hidden_reads(elt, generators, around, false).first() {
            Some(n) => Err(self.unsupported(
                g,
                &format!("generator expression reading `{n}` of the comprehension around it"),
            )),
            None => Ok(()),
        }
    }

    /// Positional parameters, trailing ones with defaults, then `*args`,
    /// keyword-only parameters (any of them with a default) and
    /// `**kwargs`. The defaults are the positional parameters', then the
    /// keyword-only ones'.
    pub(super) fn parameters(&self, p: &py::Parameters) -> R<(Vec<String>, Vec<Expr>, StarParams)> {
        if !p.posonlyargs.is_empty() {
            return Err(self.unsupported(p, "positional-only parameters"));
        }
        let mut params: Vec<String> = Vec::new();
        let mut defaults = Vec::new();
        for a in &p.args {
            if let Some(ann) = &a.parameter.annotation {
                self.annotation(ann.as_ref())?;
            }
            match &a.default {
                Some(d) => defaults.push(self.expr(d)?),
                None if !defaults.is_empty() => {
                    return Err((self.err_at)(
                        a.range(),
                        "SyntaxError: non-default argument follows default argument".into(),
                    ));
                }
                None => {}
            }
            let name = a.parameter.name.id.to_string();
            if params.contains(&name) {
                return Err((self.err_at)(
                    a.range(),
                    format!("SyntaxError: duplicate argument '{name}' in function definition"),
                ));
            }
            params.push(name);
        }
        let mut star = StarParams::default();
        let duplicate = |name: &str, at: TextRange| {
            (self.err_at)(
                at,
                format!("SyntaxError: duplicate argument '{name}' in function definition"),
            )
        };
        if let Some(param) = &p.vararg {
            if let Some(ann) = &param.annotation {
                self.annotation(ann.as_ref())?;
            }
            let name = param.name.id.to_string();
            if params.contains(&name) {
                return Err(duplicate(&name, param.range()));
            }
            star.vararg = Some(name);
        }
        for a in &p.kwonlyargs {
            if let Some(ann) = &a.parameter.annotation {
                self.annotation(ann.as_ref())?;
            }
            let name = a.parameter.name.id.to_string();
            if params.contains(&name) || star.names().any(|n| *n == name) {
                return Err(duplicate(&name, a.range()));
            }
            if let Some(d) = &a.default {
                defaults.push(self.expr(d)?);
            }
            star.kwonly.push((name, a.default.is_some()));
        }
        if let Some(param) = &p.kwarg {
            if let Some(ann) = &param.annotation {
                self.annotation(ann.as_ref())?;
            }
            let name = param.name.id.to_string();
            if params.contains(&name) || star.names().any(|n| *n == name) {
                return Err(duplicate(&name, param.range()));
            }
            star.varkw = Some(name);
        }
        Ok((params, defaults, star))
    }

    /// `lambda params: body`. Inside a comprehension its body must not
    /// read a variable of the comprehensions around it: CPython 3.11 gives
    /// a comprehension a function scope of its own, whose variable such a
    /// lambda would close over (late binding), and the language compiles
    /// comprehensions inline, where that variable is no cell. Its defaults
    /// (`lambda v, k=k: v + k`) run in the comprehension and may read them.
    pub(super) fn lambda(&self, l: &py::ExprLambda) -> R<Expr> {
        let around = self.comp_names.borrow().clone();
        let (params, defaults) = match &l.parameters {
            Some(p) => match self.parameters(p)? {
                (params, defaults, star) if star.is_empty() => (params, defaults),
                _ => {
                    return Err(self.unsupported(
                        p.as_ref(),
                        "`*args`, `**kwargs` or keyword-only parameters in a lambda",
                    ));
                }
            },
            None => (vec![], vec![]),
        };
        let body = self.expr(&l.body)?;
        if self.in_comp.get() > 0 {
            let mut reads = BTreeSet::new();
            names_read(&body, &mut reads);
            let closed = reads
                .iter()
                .find(|n| !params.contains(n) && around.iter().any(|(bound, _)| bound == *n));
            if let Some(n) = closed {
                return Err(self.unsupported(
                    l,
                    &format!("lambda in a comprehension reading its variable `{n}`"),
                ));
            }
        }
        Ok(Expr::Lambda {
            params,
            defaults,
            body: Box::new(body),
        })
    }

    pub(super) fn nonlocal(&self, n: &py::StmtNonlocal, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        if !ctx.in_function {
            return Err((self.err_at)(
                s.range(),
                "SyntaxError: nonlocal declaration not allowed at module level".into(),
            ));
        }
        self.nonlocal_ranges.borrow_mut().push(s.range());
        Ok(Stmt::Nonlocal(
            n.names.iter().map(|n| n.id.to_string()).collect(),
        ))
    }

    /// CPython rejects `global x` / `nonlocal x` when `x` is a parameter,
    /// was used or assigned earlier in the function, or is declared both
    /// ways. Walks the body in source order, not into nested functions'
    /// bodies (other scopes).
    pub(super) fn check_declarations(&self, body: &[py::Stmt], params: &[String]) -> R<()> {
        let mut c = DeclCheck {
            params,
            ..Default::default()
        };
        for s in body {
            c.stmt(s);
        }
        match c.err {
            Some((range, msg)) => Err((self.err_at)(range, msg)),
            None => Ok(()),
        }
    }

    /// CPython's `no binding for nonlocal 'x' found`: each `nonlocal`
    /// name must be a variable of an enclosing function.
    pub(super) fn check_nonlocal_bindings(&self, module: &Module) -> R<()> {
        let ranges = self.nonlocal_ranges.borrow();
        let mut seen = 0;
        let mut found = None;
        check_block(&module.body, &[], &mut seen, &mut found);
        match found {
            Some((i, name)) => Err((self.err_at)(
                ranges.get(i).copied().unwrap_or_default(),
                format!("SyntaxError: no binding for nonlocal '{name}' found"),
            )),
            None => Ok(()),
        }
    }
}

/// Walks functions in source order, counting `nonlocal` statements (the
/// lowering recorded their positions in the same order).
fn check_block(
    body: &[Stmt],
    enclosing: &[&FnScope],
    seen: &mut usize,
    found: &mut Option<(usize, String)>,
) {
    for s in body {
        if found.is_some() {
            return;
        }
        match s {
            Stmt::Nonlocal(names) => {
                if let Some(n) = names.iter().find(|n| !resolves_to_enclosing(n, enclosing)) {
                    *found = Some((*seen, n.clone()));
                }
                *seen += 1;
            }
            Stmt::FunctionDef {
                params, body, star, ..
            } => {
                let all: Vec<String> = params.iter().chain(star.names()).cloned().collect();
                let scope = FnScope::new(&all, Body::Stmts(body), enclosing);
                let mut inner = enclosing.to_vec();
                inner.push(&scope);
                check_block(body, &inner, seen, found);
            }
            Stmt::If { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::For { body, orelse, .. }
            | Stmt::ForUnpack { body, orelse, .. } => {
                check_block(body, enclosing, seen, found);
                check_block(orelse, enclosing, seen, found);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                check_block(body, enclosing, seen, found);
                for h in handlers {
                    check_block(&h.body, enclosing, seen, found);
                }
                check_block(orelse, enclosing, seen, found);
                check_block(finalbody, enclosing, seen, found);
            }
            _ => {}
        }
    }
}

#[derive(Default)]
struct DeclCheck<'b> {
    params: &'b [String],
    used: BTreeSet<String>,
    assigned: BTreeSet<String>,
    globals: BTreeSet<String>,
    nonlocals: BTreeSet<String>,
    /// Where each name was first declared (CPython reports a conflict
    /// between declarations at the first one).
    first: std::collections::BTreeMap<String, TextRange>,
    err: Option<(TextRange, String)>,
}

impl DeclCheck<'_> {
    fn fail(&mut self, range: TextRange, msg: String) {
        if self.err.is_none() {
            self.err = Some((range, format!("SyntaxError: {msg}")));
        }
    }

    /// CPython's checks in its order: parameter, use, assignment.
    fn declare(&mut self, s: &py::Stmt, names: &[py::Identifier], global: bool) {
        let kind = if global { "global" } else { "nonlocal" };
        for n in names {
            let n = n.id.to_string();
            if self.params.contains(&n) {
                self.fail(s.range(), format!("name '{n}' is parameter and {kind}"));
            } else if self.used.contains(&n) {
                self.fail(
                    s.range(),
                    format!("name '{n}' is used prior to {kind} declaration"),
                );
            } else if self.assigned.contains(&n) {
                self.fail(
                    s.range(),
                    format!("name '{n}' is assigned to before {kind} declaration"),
                );
            } else if (global && self.nonlocals.contains(&n))
                || (!global && self.globals.contains(&n))
            {
                let at = self.first.get(&n).copied().unwrap_or(s.range());
                self.fail(at, format!("name '{n}' is nonlocal and global"));
            }
            self.first.entry(n.clone()).or_insert(s.range());
            if global {
                self.globals.insert(n);
            } else {
                self.nonlocals.insert(n);
            }
        }
    }

    fn stmt(&mut self, s: &py::Stmt) {
        use py::visitor::{Visitor, walk_stmt};
        if self.err.is_some() {
            return;
        }
        match s {
            py::Stmt::Global(g) => self.declare(s, &g.names, true),
            py::Stmt::Nonlocal(n) => self.declare(s, &n.names, false),
            // The defaults run in this scope; the name is bound here.
            py::Stmt::FunctionDef(d) => {
                for a in &d.parameters.args {
                    if let Some(e) = &a.default {
                        self.visit_expr(e);
                    }
                }
                self.assigned.insert(d.name.id.to_string());
            }
            _ => walk_stmt(self, s),
        }
    }
}

impl<'a> py::visitor::Visitor<'a> for DeclCheck<'_> {
    fn visit_stmt(&mut self, s: &'a py::Stmt) {
        self.stmt(s);
    }

    fn visit_expr(&mut self, e: &'a py::Expr) {
        use py::visitor::walk_expr;
        match e {
            py::Expr::Name(n) if n.ctx == py::ExprContext::Load => {
                self.used.insert(n.id.to_string());
            }
            py::Expr::Name(n) => {
                self.assigned.insert(n.id.to_string());
            }
            py::Expr::Lambda(l) => {
                for a in l.parameters.iter().flat_map(|p| p.args.iter()) {
                    if let Some(d) = &a.default {
                        self.visit_expr(d);
                    }
                }
            }
            _ => walk_expr(self, e),
        }
    }
}

/// Every name `e` reads, nested scopes included (an over-approximation: a
/// nested comprehension's own targets are counted as reads too).
/// The variables of inlined comprehensions around (`around`, innermost
/// binding last) that a generator expression reads in its body: its
/// element, its tests and its later iterables, less its own targets; with
/// `first_iterable`, its first iterable's reads too (which run where the
/// expression stands).
pub(super) fn hidden_reads(
    elt: &Expr,
    generators: &[Comprehension],
    around: &[(String, bool)],
    first_iterable: bool,
) -> Vec<String> {
    let mut reads = BTreeSet::new();
    names_read(elt, &mut reads);
    for (i, c) in generators.iter().enumerate() {
        if i > 0 {
            names_read(&c.iter, &mut reads);
        }
        c.ifs.iter().for_each(|e| names_read(e, &mut reads));
    }
    for c in generators {
        c.target.for_each_name(&mut |n| {
            reads.remove(n);
        });
    }
    if first_iterable && let Some(c) = generators.first() {
        names_read(&c.iter, &mut reads);
    }
    // The innermost binding of a name decides.
    reads
        .into_iter()
        .filter(|n| {
            around
                .iter()
                .rev()
                .find(|(bound, _)| bound == n)
                .is_some_and(|&(_, inlined)| inlined)
        })
        .collect()
}

fn names_read(e: &Expr, out: &mut BTreeSet<String>) {
    if let Expr::Name(n) = e {
        out.insert(n.clone());
    }
    e.for_each_child(&mut |c| names_read(c, out));
}
