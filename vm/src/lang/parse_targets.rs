//! Assignment targets: what `target = value`, unpacking (`a, *b = v`,
//! `self.x, xs[i] = ...`), a loop's or a comprehension's targets and a
//! subscript's index lower to, with CPython's compile-time errors.

use ruff_python_ast as py;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::{Ranged, TextRange};

use super::{Lowering, R};
use crate::lang::ast::*;

impl Lowering<'_> {
    pub(super) fn name_target(&self, e: &py::Expr, what: &str) -> R<String> {
        match e {
            py::Expr::Name(n) => Ok(n.id.to_string()),
            other => Err(self.unsupported(other, what)),
        }
    }

    /// `target = value` for a name, a subscript or slice, or a flat tuple or
    /// list of names (unpacking).
    pub(super) fn assign(&self, target: &py::Expr, value: Expr) -> R<Stmt> {
        Ok(match target {
            py::Expr::Name(n) => Stmt::Assign {
                target: n.id.to_string(),
                value,
            },
            py::Expr::Subscript(sub) => Stmt::AssignSubscript {
                container: self.expr(&sub.value)?,
                index: self.index(&sub.slice)?,
                value,
            },
            py::Expr::Tuple(py::ExprTuple { elts, .. })
            | py::Expr::List(py::ExprList { elts, .. }) => {
                if elts.is_empty() {
                    return Err(self.unsupported(target, "assignment to an empty sequence"));
                }
                let targets = self.unpack_targets(elts, true)?;
                Stmt::Unpack { targets, value }
            }
            py::Expr::Attribute(at) => self.attribute_store(at, None, value)?,
            other => return Err(self.unsupported(other, "assignment to this target")),
        })
    }

    /// The targets of an unpacking: names, or nested tuple/list patterns
    /// of them; in an assignment (`stores`) also attributes and subscripts
    /// (`self.a, xs[i] = ...`; a starred target is outside the language,
    /// and so are attributes and subscripts as the targets of a loop or a
    /// comprehension). `elts` is not empty.
    pub(super) fn unpack_targets(&self, elts: &[py::Expr], stores: bool) -> R<Vec<Target>> {
        let starred: Vec<&py::Expr> = elts
            .iter()
            .filter(|t| matches!(t, py::Expr::Starred(_)))
            .collect();
        if let Some(second) = starred.get(1) {
            return Err((self.err_at)(
                second.range(),
                "SyntaxError: multiple starred expressions in assignment".into(),
            ));
        }
        if !starred.is_empty() && elts.len() > 256 {
            return Err(self.unsupported(&elts[0], "more than 256 targets around a starred one"));
        }
        self.nested(&elts[0], 1, || {
            elts.iter()
                .map(|t| match t {
                    py::Expr::Starred(s) => Ok(Target::Starred(Box::new(
                        self.store_target(&s.value, stores)?,
                    ))),
                    _ => self.store_target(t, stores),
                })
                .collect()
        })
    }

    /// One target of an unpacking or of a chained assignment. With `stores`
    /// false (a loop's or a comprehension's targets) only names and
    /// unpackings of names are accepted.
    pub(super) fn store_target(&self, t: &py::Expr, stores: bool) -> R<Target> {
        match t {
            py::Expr::Tuple(py::ExprTuple { elts, .. })
            | py::Expr::List(py::ExprList { elts, .. })
                if !elts.is_empty() =>
            {
                Ok(Target::Unpack(self.unpack_targets(elts, stores)?))
            }
            py::Expr::Attribute(at) if stores => self.attr_target(at),
            py::Expr::Subscript(s) if stores => Ok(Target::Subscript {
                container: Box::new(self.expr(&s.value)?),
                index: Box::new(self.index(&s.slice)?),
            }),
            py::Expr::Starred(_) => Err((self.err_at)(
                t.range(),
                "SyntaxError: starred assignment target must be in a list or tuple".into(),
            )),
            _ => Ok(Target::Name(
                self.name_target(t, "unpacking into a target that is not a name")?,
            )),
        }
    }

    /// `obj.attr` as a target, with the checks of `obj.attr = v`.
    pub(super) fn attr_target(&self, at: &py::ExprAttribute) -> R<Target> {
        // The value is a placeholder.
        let stored = self.attribute_store(at, None, Expr::None)?;
        let Stmt::AssignAttr { object, attr, .. } = stored else {
            return Err(self.unsupported(at, "this attribute target"));
        };
        Ok(Target::Attr {
            object: Box::new(object),
            attr,
        })
    }

    /// A subscript's index: an expression or a slice (not a tuple of slices).
    pub(super) fn index(&self, e: &py::Expr) -> R<Expr> {
        let part = |p: &Option<Box<py::Expr>>| -> R<Option<Box<Expr>>> {
            p.as_deref().map(|x| self.expr(x).map(Box::new)).transpose()
        };
        match e {
            py::Expr::Slice(sl) => self.nested(e, 1, || {
                Ok(Expr::Slice {
                    lower: part(&sl.lower)?,
                    upper: part(&sl.upper)?,
                    step: part(&sl.step)?,
                })
            }),
            _ => self.expr(e),
        }
    }
}

impl Lowering<'_> {
    /// `(target := value)` (where [`walrus_refusal`] allowed it).
    pub(super) fn named_expr(&self, n: &py::ExprNamed) -> R<Expr> {
        let target = self.name_target(&n.target, "assignment expression to other than a name")?;
        Ok(Expr::Named {
            target,
            value: Box::new(self.expr(&n.value)?),
        })
    }
}

/// The first assignment expression the language refuses, with where it
/// is: one inside a generator expression (CPython binds it in the
/// enclosing function, past the generator's frame), a lambda (the lambda's
/// local) or a class statement (a class attribute, or the enclosing
/// scope's name from a comprehension there), and the ones CPython rejects
/// at compile time: in a comprehension's iterable, or rebinding a
/// comprehension's variable. Elsewhere it binds in the scope it runs in
/// (from a list, set or dict comprehension, the one around it), as
/// [`Expr::Named`] does.
pub(super) fn walrus_refusal(body: &[py::Stmt]) -> Option<(String, TextRange)> {
    let mut w = Walrus::default();
    w.visit_body(body);
    w.refused
}

#[derive(Default)]
struct Walrus {
    /// Inside a generator expression, a lambda or a class statement: what.
    inside: Option<&'static str>,
    /// The variables of the comprehensions around, innermost last.
    comp_vars: Vec<Vec<String>>,
    /// Inside a comprehension's iterable.
    in_iterable: bool,
    refused: Option<(String, TextRange)>,
}

impl Walrus {
    fn within(&mut self, what: &'static str, f: impl FnOnce(&mut Self)) {
        let outer = self.inside.replace(what);
        f(self);
        self.inside = outer;
    }

    fn refuse(&mut self, what: String, at: TextRange) {
        self.refused.get_or_insert((what, at));
    }

    /// A list, set or dict comprehension: its clauses, then `parts` (the
    /// element, or the key and the value).
    fn comprehension(&mut self, generators: &[py::Comprehension], parts: &[&py::Expr]) {
        let mut vars = Vec::new();
        for g in generators {
            collect_names(&g.target, &mut vars);
        }
        for g in generators {
            let outer = std::mem::replace(&mut self.in_iterable, true);
            self.visit_expr(&g.iter);
            self.in_iterable = outer;
        }
        self.comp_vars.push(vars);
        for g in generators {
            for c in &g.ifs {
                self.visit_expr(c);
            }
        }
        for p in parts {
            self.visit_expr(p);
        }
        self.comp_vars.pop();
    }
}

fn collect_names(target: &py::Expr, out: &mut Vec<String>) {
    match target {
        py::Expr::Name(n) => out.push(n.id.to_string()),
        py::Expr::Tuple(t) => t.elts.iter().for_each(|e| collect_names(e, out)),
        py::Expr::List(l) => l.elts.iter().for_each(|e| collect_names(e, out)),
        py::Expr::Starred(s) => collect_names(&s.value, out),
        _ => {}
    }
}

impl<'a> Visitor<'a> for Walrus {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::ClassDef(_) => self
                .within("assignment expression in a class statement", |w| {
                    visitor::walk_stmt(w, stmt)
                }),
            // A function's body is a scope of its own again.
            py::Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_decorator(d);
                }
                self.visit_parameters(&f.parameters);
                let outer = self.inside.take();
                let comps = std::mem::take(&mut self.comp_vars);
                let iterable = std::mem::replace(&mut self.in_iterable, false);
                self.visit_body(&f.body);
                self.inside = outer;
                self.comp_vars = comps;
                self.in_iterable = iterable;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        match expr {
            py::Expr::Named(n) => {
                if let Some(what) = self.inside {
                    self.refuse(
                        format!("unsupported construct: {what} (outside S0)"),
                        n.range(),
                    );
                } else if self.in_iterable {
                    self.refuse(
                        "SyntaxError: assignment expression cannot be used in a comprehension iterable expression".into(),
                        n.range(),
                    );
                } else if let py::Expr::Name(t) = &*n.target
                    && self.comp_vars.iter().flatten().any(|v| *v == t.id.as_str())
                {
                    self.refuse(
                        format!("SyntaxError: assignment expression cannot rebind comprehension iteration variable '{}'", t.id),
                        n.range(),
                    );
                }
                visitor::walk_expr(self, expr);
            }
            // Its defaults run where the lambda is; its body is its own.
            py::Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    for d in p
                        .iter_non_variadic_params()
                        .filter_map(|p| p.default.as_deref())
                    {
                        self.visit_expr(d);
                    }
                }
                self.within("assignment expression in a lambda", |w| {
                    w.visit_expr(&l.body)
                })
            }
            py::Expr::Generator(_) => self
                .within("assignment expression in a generator expression", |w| {
                    visitor::walk_expr(w, expr)
                }),
            py::Expr::ListComp(c) => self.comprehension(&c.generators, &[&c.elt]),
            py::Expr::SetComp(c) => self.comprehension(&c.generators, &[&c.elt]),
            py::Expr::DictComp(c) => {
                let parts: Vec<&py::Expr> =
                    c.key.as_deref().into_iter().chain([&*c.value]).collect();
                self.comprehension(&c.generators, &parts)
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// CPython's compile-time error for binding `__debug__` anywhere (an
/// assignment or assignment expression, a `def`, a class, a parameter, an
/// import, a loop or `except` target, `del`), and where.
pub(super) fn debug_binding(body: &[py::Stmt]) -> Option<(String, TextRange)> {
    #[derive(Default)]
    struct Debug(Option<(String, TextRange)>);
    impl Debug {
        fn check(&mut self, name: &str, at: TextRange, del: bool) {
            if name == "__debug__" {
                let what = if del { "delete" } else { "assign to" };
                self.0
                    .get_or_insert((format!("SyntaxError: cannot {what} __debug__"), at));
            }
        }
    }
    impl<'a> Visitor<'a> for Debug {
        fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
            match stmt {
                py::Stmt::FunctionDef(f) => self.check(f.name.as_str(), f.range(), false),
                py::Stmt::ClassDef(c) => self.check(c.name.as_str(), c.range(), false),
                _ => {}
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a py::Expr) {
            if let py::Expr::Name(n) = expr
                && !n.ctx.is_load()
            {
                self.check(n.id.as_str(), n.range(), n.ctx.is_del());
            }
            visitor::walk_expr(self, expr);
        }
        fn visit_parameter(&mut self, p: &'a py::Parameter) {
            self.check(p.name.as_str(), p.range(), false);
            visitor::walk_parameter(self, p);
        }
        fn visit_alias(&mut self, a: &'a py::Alias) {
            let name = a.asname.as_ref().unwrap_or(&a.name);
            self.check(name.as_str(), a.range(), false);
        }
        fn visit_except_handler(&mut self, h: &'a py::ExceptHandler) {
            let py::ExceptHandler::ExceptHandler(eh) = h;
            if let Some(n) = &eh.name {
                self.check(n.as_str(), n.range(), false);
            }
            visitor::walk_except_handler(self, h);
        }
    }
    let mut d = Debug::default();
    d.visit_body(body);
    d.0
}
