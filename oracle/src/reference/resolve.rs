//! AST -> resolved tree. Still a tree (the reference walks it), but every
//! name is pre-resolved to a local slot or a global slot and every number
//! literal is pre-parsed, so evaluation does no string lookups or parsing.
//! Scoping follows `function_locals`, the one piece of scoping logic that is
//! shared syntax rather than semantics.

use std::collections::HashMap;
use std::rc::Rc;

use jitdiff_vm::lang::ast::{
    Comprehension, Expr, Module, StarParams, Stmt, Target, UnaryOp, function_locals,
};
use num_bigint::BigInt;

use super::StackGuard;
use super::methods::Meth;
use super::value::{Builtin, Int, Value};

#[path = "resolve_ir.rs"]
mod ir;
pub use ir::*;

/// The resolver ran out of its stack budget (absurdly deep AST).
pub struct TooDeep;

#[path = "resolve_expr.rs"]
mod expr;
#[path = "resolve_flow.rs"]
mod flow;
use expr::ConstItem;

type R<T> = Result<T, TooDeep>;

pub fn resolve(module: &Module, guard: &StackGuard, int_bits: u64) -> R<Program> {
    let mut r = Resolver {
        guard,
        int_bits,
        globals: HashMap::new(),
        global_names: Vec::new(),
        funcs: Vec::new(),
        comp_scope: Vec::new(),
        comp_locals: Vec::new(),
        local_base: 0,
        super_self: None,
        comp_kinds: Vec::new(),
        set_consts: Vec::new(),
    };
    let module_scope = Scope::default();
    let mut body = r.block(&module.body, &module_scope)?;
    // A module docstring is compiled as `__doc__ = '...'` (CPython binds
    // the global; a docstring anywhere else is just an expression).
    if let Some(Stmt::Expr(Expr::Str(_))) = module.body.first()
        && let Some(first) = body.first_mut()
    {
        let doc = std::mem::replace(first, St::Nothing);
        if let St::Expr(value) = doc {
            *first = St::Assign(r.slot("__doc__", &module_scope), value);
        }
    }
    let builtins = r
        .global_names
        .iter()
        .map(|n| match n.as_str() {
            "NotImplemented" => Some(Value::NotImplemented),
            _ => Builtin::named(n).map(Value::Builtin),
        })
        .collect();
    Ok(Program {
        module: body,
        funcs: r.funcs,
        global_names: r.global_names,
        module_local_names: r.comp_locals,
        builtins,
    })
}

/// `locals` is `None` at module level, where every name is global.
#[derive(Default)]
struct Scope {
    locals: Option<HashMap<String, usize>>,
    /// Cell and free variables: the frame's cell of each.
    cells: HashMap<String, usize>,
    /// The names the functions nested here find in enclosing functions.
    child_bound: std::collections::BTreeSet<String>,
    /// The function's qualified name (`None` at module level): a nested
    /// function's is `outer.<locals>.name`, as CPython's `__qualname__`.
    qualname: Option<String>,
}

struct Resolver<'g> {
    guard: &'g StackGuard,
    /// The run's widest int: wider literals poison when evaluated.
    int_bits: u64,
    globals: HashMap<String, usize>,
    global_names: Vec<String>,
    funcs: Vec<FuncCode>,
    /// Comprehension variables in scope (innermost last) and their slots.
    comp_scope: Vec<(String, usize)>,
    /// The current code's comprehension slots, after its `local_base`
    /// ordinary locals.
    comp_locals: Vec<String>,
    local_base: usize,
    /// Inside a plain method: its first parameter's slot (what `super()`
    /// reads).
    super_self: Option<usize>,
    /// The comprehensions (past their first iterable) that enclose the
    /// code being resolved, within the current function, innermost last:
    /// `<listcomp>`, `<setcomp>` or `<dictcomp>` (CPython 3.11's scopes,
    /// which name the lambdas inside them).
    comp_kinds: Vec<&'static str>,
    /// The constant set displays met so far: each one's typed elements
    /// (as a set) and items. CPython's compiler shares one frozenset
    /// constant between equal displays of a module, the first one's.
    set_consts: Vec<(Vec<ConstItem>, Vec<Expr>)>,
}

impl Resolver<'_> {
    fn slot(&mut self, name: &str, scope: &Scope) -> Slot {
        if let Some((_, i)) = self.comp_scope.iter().rev().find(|(n, _)| n == name) {
            return Slot::Local(*i);
        }
        if let Some(i) = scope.cells.get(name) {
            return Slot::Cell(*i);
        }
        if let Some(i) = scope.locals.as_ref().and_then(|l| l.get(name)) {
            return Slot::Local(*i);
        }
        let next = self.global_names.len();
        let i = *self.globals.entry(name.to_string()).or_insert(next);
        if i == next {
            self.global_names.push(name.to_string());
        }
        Slot::Global(i)
    }

    fn block(&mut self, body: &[Stmt], scope: &Scope) -> R<Vec<St>> {
        if self.guard.exceeded() {
            return Err(TooDeep);
        }
        body.iter().map(|s| self.stmt(s, scope)).collect()
    }

    fn stmt(&mut self, s: &Stmt, scope: &Scope) -> R<St> {
        Ok(match s {
            Stmt::Expr(Expr::Yield(v)) if scope.locals.is_some() => {
                St::Yield(v.as_ref().map(|e| self.expr(e, scope)).transpose()?)
            }
            Stmt::Expr(Expr::YieldFrom(v)) if scope.locals.is_some() => {
                St::YieldFrom(self.expr(v, scope)?)
            }
            Stmt::Assign {
                target,
                value: Expr::Yield(v),
            } if scope.locals.is_some() => {
                let v = v.as_ref().map(|e| self.expr(e, scope)).transpose()?;
                St::YieldAssign(self.slot(target, scope), v)
            }
            Stmt::Expr(e) => St::Expr(self.expr(e, scope)?),
            Stmt::Assign { target, value } => {
                let value = self.expr(value, scope)?;
                St::Assign(self.slot(target, scope), value)
            }
            Stmt::AssignSubscript {
                container,
                index,
                value,
            } => St::AssignSub(
                self.expr(container, scope)?,
                self.index(index, scope)?,
                self.expr(value, scope)?,
            ),
            Stmt::Unpack { targets, value } => {
                let value = self.expr(value, scope)?;
                St::Unpack(self.dests(targets, scope)?, value)
            }
            Stmt::Delete(targets) => St::Delete(self.dests(targets, scope)?),
            Stmt::AssignChain { targets, value } => {
                let value = self.expr(value, scope)?;
                St::AssignChain(self.dests(targets, scope)?, value)
            }
            Stmt::AugAssign { target, op, value } => {
                let value = self.expr(value, scope)?;
                St::AugAssign(self.slot(target, scope), *op, value)
            }
            Stmt::AugAssignSubscript {
                container,
                index,
                op,
                value,
            } => St::AugAssignSub(
                self.expr(container, scope)?,
                self.expr(index, scope)?,
                *op,
                self.expr(value, scope)?,
            ),
            Stmt::If { test, body, orelse } => St::If(
                self.expr(test, scope)?,
                self.block(body, scope)?,
                self.block(orelse, scope)?,
            ),
            Stmt::While { test, body, orelse } => St::While(
                self.expr(test, scope)?,
                self.block(body, scope)?,
                self.block(orelse, scope)?,
            ),
            Stmt::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let iter = self.iterable(iter, scope)?;
                let target = self.slot(target, scope);
                St::For(
                    target,
                    iter,
                    self.block(body, scope)?,
                    self.block(orelse, scope)?,
                )
            }
            Stmt::ForUnpack {
                targets,
                iter,
                body,
                orelse,
            } => {
                let iter = self.iterable(iter, scope)?;
                St::ForUnpack(
                    self.dests(targets, scope)?,
                    iter,
                    self.block(body, scope)?,
                    self.block(orelse, scope)?,
                )
            }
            Stmt::Break => St::Break,
            Stmt::Continue => St::Continue,
            Stmt::Pass | Stmt::Global(_) | Stmt::Nonlocal(_) => St::Nothing,
            Stmt::Import { module, name } => {
                let m = match module.as_str() {
                    "array" => Value::Arr(super::array::Arr::Module),
                    "random" => Value::Rand(super::random::RandFn::Module),
                    _ => Value::Module,
                };
                St::Assign(self.slot(name, scope), Ex::Const(m))
            }
            // Only `import array` is in the language.
            Stmt::ImportFrom { module, .. } if module == "array" => St::Unmodelled,
            // Bound left to right, as a tuple unpacked.
            Stmt::ImportFrom { module, names } => {
                let mut dests = Vec::new();
                let mut values = Vec::new();
                for (attr, name) in names {
                    let v = if module == "random" {
                        super::random::attr(attr)
                    } else {
                        super::math::attr(attr)
                    };
                    values.push(Ex::Const(v.unwrap_or(Value::None)));
                    dests.push(Dest::Slot(self.slot(name, scope)));
                }
                St::Unpack(dests, Ex::Tuple(values))
            }
            Stmt::Return(v) => St::Return(v.as_ref().map(|e| self.expr(e, scope)).transpose()?),
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } => {
                // Decorators and defaults are evaluated in the enclosing scope.
                let decorators = self.exprs(decorators, scope)?;
                let defaults = self.exprs(defaults, scope)?;
                let code = self.function(name, params, star, body, scope, false)?;
                St::Def(self.slot(name, scope), code, defaults, decorators)
            }
            Stmt::ClassDef { name, bases, body } => self.class_def(name, bases, body, scope)?,
            Stmt::Decorated { .. } => St::Unmodelled,
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody, scope)?,
            Stmt::RaiseFrom { exc, cause } => {
                St::RaiseFrom(self.expr(exc, scope)?, self.expr(cause, scope)?)
            }

            Stmt::AssignAttr {
                object,
                attr,
                value,
            } => St::SetAttr(
                self.expr(object, scope)?,
                Rc::from(attr.as_str()),
                self.expr(value, scope)?,
            ),
            Stmt::AugAssignAttr {
                object,
                attr,
                op,
                value,
            } => St::AugSetAttr(Box::new((
                self.expr(object, scope)?,
                Rc::from(attr.as_str()),
                *op,
                self.expr(value, scope)?,
            ))),
            Stmt::Raise(e) => St::Raise(e.as_ref().map(|e| self.expr(e, scope)).transpose()?),
            Stmt::Assert { test, msg } => St::Assert(
                self.expr(test, scope)?,
                msg.as_ref().map(|m| self.expr(m, scope)).transpose()?,
            ),
        })
    }

    /// A class statement: its base and every class attribute and default
    /// resolve in the enclosing scope (the front end guarantees they read
    /// no name the body binds); methods are functions named `C.m`.
    #[inline(never)]
    fn class_def(&mut self, name: &str, bases: &[Expr], body: &[Stmt], scope: &Scope) -> R<St> {
        let mut unmodelled = bases.len() > 1;
        let base = match bases.first() {
            Some(b) => Some(self.expr(b, scope)?),
            None => None,
        };
        let mut items = Vec::new();
        for s in body {
            let (def, kind) = match s {
                Stmt::Decorated { decorator, def } => match decorator.as_str() {
                    "staticmethod" => (&**def, DefKind::Static),
                    "classmethod" => (&**def, DefKind::Class),
                    "property" => (&**def, DefKind::Property),
                    d if d.strip_suffix(".setter").is_some() => (&**def, DefKind::Setter),
                    _ => {
                        unmodelled = true;
                        continue;
                    }
                },
                other => (other, DefKind::Plain),
            };
            match def {
                // Only `Decorated` decorates a method (the parser's rule).
                Stmt::FunctionDef {
                    decorators: _,
                    name: m,
                    params,
                    defaults,
                    body,
                    star,
                } => {
                    let defaults = self.exprs(defaults, scope)?;
                    let qualname = format!("{name}.{m}");
                    // `super()` works in plain and class methods and
                    // properties.
                    let plain = matches!(
                        kind,
                        DefKind::Plain | DefKind::Class | DefKind::Property | DefKind::Setter
                    );
                    let code = self.function(&qualname, params, star, body, scope, plain)?;
                    items.push(ClassItem::Def {
                        name: Rc::from(m.as_str()),
                        code,
                        defaults,
                        kind,
                    });
                }
                // `__radd__ = __add__`: a name the body bound above (any
                // other value reading one was hoisted by the front end).
                Stmt::Assign {
                    target,
                    value: Expr::Name(src),
                } if matches!(kind, DefKind::Plain) && items.iter().any(|i| i.binds(src)) => {
                    items.push(ClassItem::Alias(
                        Rc::from(target.as_str()),
                        Rc::from(src.as_str()),
                    ));
                }
                Stmt::Assign { target, value } if matches!(kind, DefKind::Plain) => {
                    let value = self.expr(value, scope)?;
                    items.push(ClassItem::Attr(Rc::from(target.as_str()), value));
                }
                // A docstring and `pass` bind nothing.
                Stmt::Pass | Stmt::Expr(Expr::Str(_)) if matches!(kind, DefKind::Plain) => {}
                _ => unmodelled = true,
            }
        }
        Ok(St::Class(Box::new(ClassSt {
            slot: self.slot(name, scope),
            name: Rc::from(name),
            base,
            items,
            unmodelled,
        })))
    }

    /// `super().name` (`args: None`) or `super().name(args)`.
    fn super_ex(&mut self, name: &str, args: Option<&[Expr]>, scope: &Scope) -> R<Ex> {
        let args = match args {
            Some(a) => Some(self.exprs(a, scope)?),
            None => None,
        };
        Ok(Ex::Super(Box::new(SuperEx {
            self_slot: self.super_self,
            in_comprehension: !self.comp_kinds.is_empty(),
            name: Rc::from(name),
            args,
        })))
    }

    fn dests(&mut self, targets: &[Target], scope: &Scope) -> R<Vec<Dest>> {
        targets
            .iter()
            .map(|t| {
                Ok(match t {
                    Target::Name(n) => Dest::Slot(self.slot(n, scope)),
                    Target::Unpack(inner) => Dest::Unpack(self.dests(inner, scope)?),
                    Target::Starred(inner) => {
                        let mut d = self.dests(std::slice::from_ref(&**inner), scope)?;
                        Dest::Starred(Box::new(d.remove(0)))
                    }
                    Target::Attr { object, attr } => {
                        Dest::Attr(self.expr(object, scope)?, Rc::from(attr.as_str()))
                    }
                    Target::Subscript { container, index } => {
                        Dest::Subscript(self.expr(container, scope)?, self.index(index, scope)?)
                    }
                })
            })
            .collect()
    }

    /// `method`: a plain or class method or a property, whose body may
    /// use `super()`.
    fn function(
        &mut self,
        name: &str,
        positional: &[String],
        star: &StarParams,
        body: &[Stmt],
        outer: &Scope,
        method: bool,
    ) -> R<usize> {
        // Keyword-only parameters, `*args` and `**kwargs` are parameters
        // like the others, bound after them.
        let params: Vec<String> = positional.iter().chain(star.names()).cloned().collect();
        let params = params.as_slice();
        let (mut local_names, declared_globals) = function_locals(params, body);
        let is_gen = jitdiff_vm::lang::ast::is_generator(body);
        let analysis = super::cells::analyze(params, body, &outer.child_bound);
        let mut locals = HashMap::new();
        for (i, n) in local_names.iter().enumerate() {
            // First occurrence wins if a hand-built AST repeats a parameter.
            locals.entry(n.clone()).or_insert(i);
        }
        // Parameters are always locals; stay total even if that ever changes.
        let mut param_slots = Vec::with_capacity(params.len());
        for p in params {
            let next = local_names.len();
            let i = *locals.entry(p.clone()).or_insert(next);
            if i == next {
                local_names.push(p.clone());
            }
            param_slots.push(i);
        }
        let cell_names: Vec<String> = analysis
            .cells
            .iter()
            .chain(&analysis.frees)
            .cloned()
            .collect();
        let cells: HashMap<String, usize> = cell_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let param_cells = param_slots
            .iter()
            .zip(params)
            .filter_map(|(slot, p)| cells.get(p).map(|c| (*slot, *c)))
            .collect();
        // A capture the defining scope lacks (impossible by the analysis)
        // would read cell 0: stay total.
        let captures = analysis
            .frees
            .iter()
            .map(|n| outer.cells.get(n).copied().unwrap_or(0))
            .collect();
        let mut child_bound: std::collections::BTreeSet<String> = outer
            .child_bound
            .iter()
            .filter(|n| !declared_globals.contains(*n))
            .cloned()
            .collect();
        child_bound.extend(local_names.iter().cloned());
        let qualname = qualname(outer.qualname.as_deref(), &self.comp_kinds, name);
        let scope = Scope {
            locals: Some(locals),
            cells,
            child_bound,
            qualname: Some(qualname.clone()),
        };
        // The function's comprehensions get slots after its locals; the
        // enclosing code's comprehension scope does not reach inside.
        let outer = (
            std::mem::take(&mut self.comp_scope),
            std::mem::take(&mut self.comp_locals),
            std::mem::replace(&mut self.local_base, local_names.len()),
        );
        let self_slot = if method {
            param_slots.first().copied()
        } else {
            None
        };
        let outer_super = std::mem::replace(&mut self.super_self, self_slot);
        let outer_kinds = std::mem::take(&mut self.comp_kinds);
        let body = self.block(body, &scope);
        (self.super_self, self.comp_kinds) = (outer_super, outer_kinds);
        local_names.append(&mut self.comp_locals);
        (self.comp_scope, self.comp_locals, self.local_base) = outer;
        let body = body?;
        self.funcs.push(FuncCode {
            name: Rc::from(qualname.as_str()),
            params: positional.to_vec(),
            param_slots,
            kwonly: star.kwonly.clone(),
            vararg: star.vararg.is_some(),
            varkw: star.varkw.is_some(),
            local_names,
            body,
            own_cells: analysis.cells.len(),
            cell_names,
            param_cells,
            captures,
            is_gen,
        });
        Ok(self.funcs.len() - 1)
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;

/// Which comprehension [`Resolver::list_comp`] resolves.
#[derive(Clone, Copy)]
enum Kind {
    List,
    Set,
    Dict,
}

/// CPython 3.11's `__qualname__` of function `name` defined in the code
/// named `parent` (None: the module), inside comprehensions `comps`
/// (innermost last): a function's children get `.<locals>.`, a generator
/// expression's and a comprehension's (scopes of their own) only `.`, so
/// `f.<locals>.<listcomp>.<lambda>` and `<genexpr>.<lambda>`.
fn qualname(parent: Option<&str>, comps: &[&str], name: &str) -> String {
    let mut q = match parent {
        None => String::new(),
        Some(p) if p.ends_with("<genexpr>") => format!("{p}."),
        Some(p) => format!("{p}.<locals>."),
    };
    for c in comps {
        q.push_str(c);
        q.push('.');
    }
    q.push_str(name);
    q
}

/// Whether CPython 3.11's AST optimizer turns `e` into a constant: the
/// literals, a sign on a number, and tuples of constants (the rule is
/// the reference's own reading of CPython's `fold_tuple`/`fold_unaryop`;
/// arithmetic it folds arrives folded from the shared front end).
fn folded_constant(e: &Expr) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None => true,
        Expr::UnaryOp { op, operand } => {
            matches!(op, UnaryOp::Neg | UnaryOp::Pos)
                && matches!(**operand, Expr::Int(_) | Expr::Float(_))
        }
        Expr::Tuple(items) => items.iter().all(folded_constant),
        _ => false,
    }
}
