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
/// is: one inside a comprehension (CPython binds it in the enclosing
/// function, past the comprehension's own scope), a lambda (the lambda's
/// local) or a class statement (a class attribute, or the enclosing
/// scope's name from a comprehension there). Elsewhere it binds in the
/// scope it runs in, as [`Expr::Named`] does.
pub(super) fn walrus_refusal(body: &[py::Stmt]) -> Option<(&'static str, TextRange)> {
    let mut w = Walrus::default();
    w.visit_body(body);
    w.refused
}

#[derive(Default)]
struct Walrus {
    /// Inside a comprehension, a lambda or a class statement: what.
    inside: Option<&'static str>,
    refused: Option<(&'static str, TextRange)>,
}

impl Walrus {
    fn within(&mut self, what: &'static str, f: impl FnOnce(&mut Self)) {
        let outer = self.inside.replace(what);
        f(self);
        self.inside = outer;
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
                self.visit_body(&f.body);
                self.inside = outer;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        match expr {
            py::Expr::Named(n) => {
                if let Some(what) = self.inside {
                    self.refused.get_or_insert((what, n.range()));
                }
                visitor::walk_expr(self, expr);
            }
            py::Expr::Lambda(_) => self.within("assignment expression in a lambda", |w| {
                visitor::walk_expr(w, expr)
            }),
            py::Expr::ListComp(_)
            | py::Expr::SetComp(_)
            | py::Expr::DictComp(_)
            | py::Expr::Generator(_) => self
                .within("assignment expression in a comprehension", |w| {
                    visitor::walk_expr(w, expr)
                }),
            _ => visitor::walk_expr(self, expr),
        }
    }
}
