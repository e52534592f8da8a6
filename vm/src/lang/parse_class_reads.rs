//! A class body reading its own names (`ALL = (RED, GREEN)`,
//! `AREA = WIDTH * HEIGHT`).
//!
//! CPython runs a class body as a function whose names live in the class
//! namespace: a read there finds an attribute bound above it first, then a
//! global. Our VM and the reference evaluate a class body's values inline,
//! in the module's scope, so such a read would find the global instead.
//! Where a value reads an attribute bound above it, the front end hoists
//! the class statement's evaluation to module level, in CPython's order:
//! the base into a hidden global, then every attribute value into a hidden
//! global of its own, its reads of attributes bound above turned into reads
//! of theirs; the class statement then binds each attribute to its hidden
//! global. A read of a name bound above by a `def` (a method, a static or
//! class method, a property) is refused: it would need the function object
//! before the class is built. A read the class namespace would not answer
//! (of a name bound only below, or inside a lambda's body or a
//! comprehension past its first iterable, which CPython resolves as
//! globals) is left as it is, a module-level read, as before.
//!
//! Only the values and the base move: a method's defaults still run when
//! the class statement does, so hoisting is refused where a method has a
//! default that is not a literal (its evaluation could then be seen out of
//! order).

use std::collections::BTreeMap;

use ruff_python_ast as py;

use super::{Lowering, R};
use crate::lang::ast::*;

/// What a class body binds above the statement being looked at.
#[derive(Clone)]
enum Bound {
    /// An attribute value, hoisted into this hidden global.
    Value(String),
    /// A method or an alias of one: no value before the class is built.
    Def,
}

impl Lowering<'_> {
    /// Hoists the evaluation of a class body that reads attributes bound
    /// above (see the module comment): `body` and `bases` are rewritten in
    /// place and the module-level assignments to run before the class
    /// statement are returned (none when no value reads the class's names).
    pub(super) fn hoist_class_reads(
        &self,
        s: &py::Stmt,
        dataclass: bool,
        bases: &mut [Expr],
        body: &mut [Stmt],
    ) -> R<Vec<Stmt>> {
        let prefix = format!("__jd_cls{}", self.classes.get());
        let mut above: BTreeMap<String, Bound> = BTreeMap::new();
        // Each value's statement index, hidden global and renamed value.
        let mut hoisted: Vec<(usize, String, Expr)> = Vec::new();
        let mut reads_above = false;
        for (i, st) in body.iter().enumerate() {
            let (name, bound) = match st {
                // An alias: the same object as `src` (compile_class).
                Stmt::Assign {
                    target,
                    value: Expr::Name(src),
                } if above.contains_key(src) => (target, above[src].clone()),
                Stmt::Assign { target, .. } if target == "__slots__" => continue,
                Stmt::Assign { target, value } => {
                    let mut reads = Vec::new();
                    class_scope_reads(value, &mut reads);
                    let mut renames = BTreeMap::new();
                    for r in reads {
                        match above.get(r) {
                            Some(Bound::Def) => {
                                return Err(self.unsupported(
                                    s,
                                    &format!("a class body reading its own method `{r}`"),
                                ));
                            }
                            Some(Bound::Value(_)) if dataclass => {
                                return Err(self.unsupported(
                                    s,
                                    &format!("a dataclass body reading its own name `{r}`"),
                                ));
                            }
                            Some(Bound::Value(h)) => {
                                renames.insert(r.to_string(), h.clone());
                            }
                            None => {}
                        }
                    }
                    reads_above |= !renames.is_empty();
                    let mut renamed = value.clone();
                    rename_class_scope_reads(&mut renamed, &renames);
                    let hidden = format!("{prefix}_{i}");
                    hoisted.push((i, hidden.clone(), renamed));
                    (target, Bound::Value(hidden))
                }
                Stmt::FunctionDef { name, .. } => (name, Bound::Def),
                Stmt::Decorated { def, .. } => match &**def {
                    Stmt::FunctionDef { name, .. } => (name, Bound::Def),
                    _ => continue,
                },
                _ => continue,
            };
            above.insert(name.clone(), bound);
        }
        if !reads_above {
            return Ok(vec![]);
        }
        if body.iter().any(|st| !literal_defaults(st)) {
            return Err(self.unsupported(
                s,
                "a class body reading its own names beside a method default that is not a literal",
            ));
        }
        let mut prelude = Vec::new();
        if let Some(base) = bases.first_mut() {
            let hidden = format!("{prefix}_base");
            let value = std::mem::replace(base, Expr::Name(hidden.clone()));
            prelude.push(Stmt::Assign {
                target: hidden,
                value,
            });
        }
        for (i, hidden, value) in hoisted {
            if let Stmt::Assign { value: v, .. } = &mut body[i] {
                *v = Expr::Name(hidden.clone());
            }
            prelude.push(Stmt::Assign {
                target: hidden,
                value,
            });
        }
        Ok(prelude)
    }
}

/// The names `e` reads in the class's own scope, as CPython resolves them:
/// everywhere but a lambda's body (its defaults are read here) and a
/// comprehension past its first iterable.
fn class_scope_reads<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
    match e {
        Expr::Name(n) => out.push(n),
        Expr::Lambda { defaults, .. } => defaults.iter().for_each(|d| class_scope_reads(d, out)),
        Expr::ListComp { generators, .. }
        | Expr::SetComp { generators, .. }
        | Expr::DictComp { generators, .. }
        | Expr::GeneratorExp { generators, .. } => {
            if let Some(g) = generators.first() {
                class_scope_reads(&g.iter, out);
            }
        }
        other => other.for_each_child(&mut |c| class_scope_reads(c, out)),
    }
}

/// Renames the reads [`class_scope_reads`] finds by `hidden`.
fn rename_class_scope_reads(e: &mut Expr, hidden: &BTreeMap<String, String>) {
    match e {
        Expr::Name(n) => {
            if let Some(h) = hidden.get(n.as_str()) {
                *n = h.clone();
            }
        }
        Expr::Lambda { defaults, .. } => defaults
            .iter_mut()
            .for_each(|d| rename_class_scope_reads(d, hidden)),
        Expr::ListComp { generators, .. }
        | Expr::SetComp { generators, .. }
        | Expr::DictComp { generators, .. }
        | Expr::GeneratorExp { generators, .. } => {
            if let Some(g) = generators.first_mut() {
                rename_class_scope_reads(&mut g.iter, hidden);
            }
        }
        other => other.for_each_child_mut(&mut |c| rename_class_scope_reads(c, hidden)),
    }
}

/// Whether a class body statement's method defaults (if any) are literals,
/// whose evaluation nobody can see.
fn literal_defaults(st: &Stmt) -> bool {
    let def = match st {
        Stmt::Decorated { def, .. } => &**def,
        other => other,
    };
    match def {
        Stmt::FunctionDef { defaults, .. } => defaults.iter().all(is_literal),
        _ => true,
    }
}

fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Bool(_) | Expr::None | Expr::Str(_) => true,
        Expr::UnaryOp { operand, .. } => matches!(**operand, Expr::Int(_) | Expr::Float(_)),
        Expr::Tuple(items) => items.iter().all(is_literal),
        _ => false,
    }
}
