//! Lowering of comprehensions: list, set and dict comprehensions (inlined
//! by the compiler, their variables hidden slots of the code around them)
//! and generator expressions (functions of their own).

use ruff_python_ast as py;

use super::{Lowering, R, closures};
use crate::lang::ast::*;

impl Lowering<'_> {
    /// `[elt for target in iter if cond ...]`. Each clause nests one level
    /// deeper, as the loops it compiles to do.
    pub(super) fn list_comp(&self, lc: &py::ExprListComp) -> R<Expr> {
        self.in_comprehension(|| {
            let generators = self.comp_clauses(&lc.generators, true)?;
            let elt = self.nested(&*lc.elt, lc.generators.len(), || self.expr(&lc.elt))?;
            Ok(Expr::ListComp {
                elt: Box::new(elt),
                generators,
            })
        })
    }

    /// Lowers a comprehension's parts with the comprehension counted (a
    /// lambda inside one is refused; its first iterable is not inside).
    pub(super) fn in_comprehension<T>(&self, f: impl FnOnce() -> R<T>) -> R<T> {
        self.in_comp.set(self.in_comp.get() + 1);
        let bound = self.comp_names.borrow().len();
        let r = f();
        self.comp_names.borrow_mut().truncate(bound);
        self.in_comp.set(self.in_comp.get() - 1);
        r
    }

    /// `{elt for target in iter if cond ...}`, as [`Self::list_comp`].
    pub(super) fn set_comp(&self, sc: &py::ExprSetComp) -> R<Expr> {
        self.in_comprehension(|| {
            let generators = self.comp_clauses(&sc.generators, true)?;
            let elt = self.nested(&*sc.elt, sc.generators.len(), || self.expr(&sc.elt))?;
            Ok(Expr::SetComp {
                elt: Box::new(elt),
                generators,
            })
        })
    }

    /// `{key: value for target in iter if cond ...}`, as [`Self::list_comp`].
    pub(super) fn dict_comp(&self, dc: &py::ExprDictComp) -> R<Expr> {
        self.in_comprehension(|| {
            let generators = self.comp_clauses(&dc.generators, true)?;
            let n = dc.generators.len();
            let Some(key_expr) = dc.key.as_deref() else {
                return Err(self.unsupported(&*dc.value, "`**` in a dict comprehension"));
            };
            let key = self.nested(key_expr, n, || self.expr(key_expr))?;
            let value = self.nested(&*dc.value, n, || self.expr(&dc.value))?;
            Ok(Expr::DictComp {
                key: Box::new(key),
                value: Box::new(value),
                generators,
            })
        })
    }

    /// A comprehension's clauses (the caller counts the comprehension).
    pub(super) fn comp_clauses(
        &self,
        clauses: &[py::Comprehension],
        inlined: bool,
    ) -> R<Vec<Comprehension>> {
        let mut generators = Vec::with_capacity(clauses.len());
        for g in clauses {
            if g.is_async {
                return Err(self.unsupported(&g.target, "async comprehension"));
            }
            let target = match &g.target {
                py::Expr::Tuple(py::ExprTuple { elts, .. })
                | py::Expr::List(py::ExprList { elts, .. })
                    if !elts.is_empty() =>
                {
                    Target::Unpack(self.unpack_targets(elts, false)?)
                }
                t => Target::Name(self.name_target(t, "comprehension target that is not a name")?),
            };
            // The first iterable is evaluated in the enclosing scope: a
            // lambda there is not the comprehension's.
            let first = generators.is_empty();
            self.in_comp.set(self.in_comp.get() - first as usize);
            let iter = self.expr(&g.iter);
            self.in_comp.set(self.in_comp.get() + first as usize);
            let iter = iter?;
            // Bound from here on: in the clause's tests, the later clauses
            // and the element.
            target.for_each_name(&mut |n| {
                self.comp_names.borrow_mut().push((n.to_string(), inlined));
            });
            let ifs = g.ifs.iter().map(|c| self.expr(c)).collect::<R<Vec<_>>>()?;
            generators.push(Comprehension { target, iter, ifs });
        }
        Ok(generators)
    }

    /// `(elt for ...)`, lowered as a list comprehension is.
    ///
    /// One that reads variables of an inlined comprehension around it
    /// (`[sum(a[i][k] * b[k][j] for k in r) for i in r for j in r]`) is
    /// refused, unless a builtin consumes it whole at once
    /// (`genexp_consumed`): then no later rebinding of the variables can
    /// be seen, and a first clause binding them to their values where the
    /// expression stands is exact: `(... for (i, j) in [(i, j)] for k in r)`.
    /// Its first iterable then runs at the first item instead, which the
    /// consumer asks for before anything else can run.
    pub(super) fn generator_exp(&self, g: &py::ExprGenerator) -> R<Expr> {
        let consumed = self.genexp_consumed.replace(false);
        let around = self.comp_names.borrow().clone();
        self.in_comprehension(|| {
            let mut generators = self.comp_clauses(&g.generators, false)?;
            let elt = self.nested(&*g.elt, g.generators.len(), || self.expr(&g.elt))?;
            let hidden = closures::hidden_reads(&elt, &generators, &around, false);
            if consumed && !hidden.is_empty() {
                let names: Vec<String> = closures::hidden_reads(&elt, &generators, &around, true);
                generators.insert(
                    0,
                    Comprehension {
                        target: Target::Unpack(names.iter().cloned().map(Target::Name).collect()),
                        iter: Expr::List(vec![Expr::Tuple(
                            names.into_iter().map(Expr::Name).collect(),
                        )]),
                        ifs: vec![],
                    },
                );
            } else {
                self.check_genexp_reads(g, &elt, &generators, &around)?;
            }
            Ok(Expr::GeneratorExp {
                elt: Box::new(elt),
                generators,
            })
        })
    }
}
