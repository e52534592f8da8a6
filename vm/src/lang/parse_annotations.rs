//! Type annotations, accepted only where they cannot run: under
//! `from __future__ import annotations` (PEP 563) CPython keeps every
//! annotation of a function or an assignment as an unevaluated string, so
//! the front end drops them. Names imported from `typing` or
//! `collections.abc` for annotations are dropped too, and a program that
//! uses one anywhere else is refused (the language has neither module).
//! Without the future import, CPython 3.11 evaluates annotations when the
//! `def` runs: they stay refused.

use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

use super::{Lowering, R};
use crate::lang::ast::{Expr, Module, Stmt};

/// The modules whose names may be imported for annotations only.
const ANNOTATION_MODULES: &[&str] = &["typing", "collections.abc"];

/// Whether `body` starts (after a docstring and other future imports) with
/// `from __future__ import annotations`.
pub(super) fn has_future_annotations(body: &[py::Stmt]) -> bool {
    let mut rest = body;
    if let Some(py::Stmt::Expr(e)) = rest.first()
        && matches!(*e.value, py::Expr::StringLiteral(_))
    {
        rest = &rest[1..];
    }
    rest.iter()
        .map_while(|s| match s {
            py::Stmt::ImportFrom(i) if is_future(i) => Some(i),
            _ => None,
        })
        .any(|i| i.names.iter().any(|a| a.name.id.as_str() == "annotations"))
}

pub(super) fn is_future(i: &py::StmtImportFrom) -> bool {
    i.level == 0
        && i.module
            .as_ref()
            .is_some_and(|m| m.id.as_str() == "__future__")
}

impl Lowering<'_> {
    /// Refuses an annotation unless the module defers them all.
    pub(super) fn annotation(&self, node: &impl Ranged) -> R<()> {
        if self.future_annotations {
            Ok(())
        } else {
            Err(self.unsupported(
                node,
                "type annotations (without `from __future__ import annotations`)",
            ))
        }
    }

    /// `from __future__ import ...` (only `annotations`, and only at the
    /// top: CPython's rule), or `from typing import ...` for annotations.
    /// `None`: not one of these.
    pub(super) fn special_import(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> Option<R<Stmt>> {
        if is_future(i) {
            return Some(self.future_import(i, s));
        }
        let module = i.module.as_ref()?.id.to_string();
        if i.level != 0 || !ANNOTATION_MODULES.contains(&module.as_str()) {
            return None;
        }
        if !self.future_annotations {
            return Some(Err(self.unsupported(
                s,
                &format!("`from {module} import` without `from __future__ import annotations`"),
            )));
        }
        let mut names = self.annotation_names.borrow_mut();
        for a in i.names.iter() {
            let bound = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
            names.push((bound, a.range()));
        }
        Some(Ok(Stmt::Pass))
    }

    fn future_import(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> R<Stmt> {
        if let Some(a) = i.names.iter().find(|a| a.name.id.as_str() != "annotations") {
            return Err(self.unsupported(a, &format!("`from __future__ import {}`", a.name.id)));
        }
        if !self.future_annotations {
            return Err((self.err_at)(
                s.range(),
                "SyntaxError: from __future__ imports must occur at the beginning of the file"
                    .into(),
            ));
        }
        Ok(Stmt::Pass)
    }

    /// `target: annotation = value` as the assignment it is (a bare
    /// `target: annotation` is refused: it makes a function's name local).
    pub(super) fn ann_assign(&self, a: &py::StmtAnnAssign, s: &py::Stmt) -> R<Stmt> {
        self.annotation(s)?;
        let Some(value) = &a.value else {
            return Err(self.unsupported(s, "an annotation without a value"));
        };
        if !a.simple {
            return Err(self.unsupported(s, "an annotated assignment to a parenthesized target"));
        }
        self.assign(&a.target, self.expr(value)?)
    }

    /// Refuses a program that uses a name imported for annotations outside
    /// them (the name is not bound: the modules are not in the language).
    pub(super) fn check_annotation_names(&self, module: &Module) -> R<()> {
        let names = self.annotation_names.borrow();
        if names.is_empty() {
            return Ok(());
        }
        let mut used: Option<String> = None;
        fn walk_expr(e: &Expr, f: &mut dyn FnMut(&str)) {
            if let Expr::Name(n) = e {
                f(n);
            }
            e.for_each_child(&mut |c| walk_expr(c, f));
        }
        for s in &module.body {
            s.for_each_expr(&mut |e| {
                walk_expr(e, &mut |n| {
                    if used.is_none() && names.iter().any(|(b, _)| b == n) {
                        used = Some(n.to_string());
                    }
                })
            });
        }
        match used {
            None => Ok(()),
            Some(n) => {
                let at = names
                    .iter()
                    .find(|(b, _)| *b == n)
                    .map_or(TextRange::default(), |p| p.1);
                Err((self.err_at)(
                    at,
                    format!(
                        "unsupported construct: `{n}`, imported for annotations, used outside them"
                    ),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::parse_program;

    #[test]
    fn annotations_are_dropped_only_when_deferred() {
        let src = "\"\"\"doc\"\"\"\nfrom __future__ import annotations\nfrom collections.abc import Iterator\nfrom typing import Optional as Opt\ndef f(a: Opt[int], b: list[Iterator] = None) -> Iterator[int]:\n    x: int = a\n    return x\nprint(f(1))\n";
        let plain = "\"\"\"doc\"\"\"\ndef f(a, b=None):\n    x = a\n    return x\nprint(f(1))\n";
        let m = parse_program(src).unwrap();
        let mut want = parse_program(plain).unwrap();
        // The three imports became `pass`.
        want.body
            .splice(1..1, std::iter::repeat_n(crate::lang::ast::Stmt::Pass, 3));
        assert_eq!(m, want);
        for (bad, why) in [
            ("def f(a: int):\n    pass\n", "without `from __future__"),
            (
                "x = 1\nfrom __future__ import annotations\n",
                "beginning of the file",
            ),
            (
                "from __future__ import annotations\nfrom typing import List\nx = List\n",
                "used outside them",
            ),
            ("from typing import List\n", "without `from __future__"),
            (
                "from __future__ import annotations\ndef f():\n    x: int\n",
                "without a value",
            ),
            (
                "from __future__ import generators\n",
                "__future__ import generators",
            ),
        ] {
            let e = parse_program(bad).expect_err(bad).to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }
}
