//! Walking the program representation: each statement's and expression's
//! direct parts ([`Stmt::for_each_expr`], [`Expr::for_each_child`] and
//! their `_mut` forms), and the questions of syntax every consumer asks the
//! same way (which names a function binds, declares or deletes, whether it
//! is a generator).

use std::collections::BTreeSet;

use super::*;

impl Stmt {
    /// Calls `f` with each expression directly in this statement, not in
    /// the statements nested in it: what runs where the statement is (a
    /// `def`'s decorators and defaults, a class's bases, a handler's type).
    pub fn for_each_own_expr<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Stmt::If { test, .. } | Stmt::While { test, .. } => f(test),
            Stmt::For { iter, .. } | Stmt::ForUnpack { iter, .. } => f(iter),
            Stmt::FunctionDef {
                decorators,
                defaults,
                ..
            } => decorators.iter().chain(defaults).for_each(f),
            Stmt::ClassDef { bases, .. } => bases.iter().for_each(f),
            Stmt::Decorated { def, .. } => def.for_each_own_expr(f),
            Stmt::Try { handlers, .. } => {
                handlers.iter().filter_map(|h| h.typ.as_ref()).for_each(f)
            }
            // No nested statements: every expression is the statement's own.
            Stmt::Expr(_)
            | Stmt::Return(_)
            | Stmt::Assign { .. }
            | Stmt::AugAssign { .. }
            | Stmt::Unpack { .. }
            | Stmt::AssignChain { .. }
            | Stmt::Delete(_)
            | Stmt::AssignSubscript { .. }
            | Stmt::AugAssignSubscript { .. }
            | Stmt::Raise(_)
            | Stmt::RaiseFrom { .. }
            | Stmt::Assert { .. }
            | Stmt::AssignAttr { .. }
            | Stmt::AugAssignAttr { .. }
            | Stmt::Break
            | Stmt::Continue
            | Stmt::Pass
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Import { .. }
            | Stmt::ImportFrom { .. } => self.for_each_expr(f),
        }
    }

    /// Calls `f` with each expression directly in this statement and,
    /// recursively, in the statements nested in it (not descending into
    /// expressions).
    pub fn for_each_expr<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => f(e),
            Stmt::Assign { value, .. } | Stmt::AugAssign { value, .. } => f(value),
            Stmt::Unpack { targets, value } | Stmt::AssignChain { targets, value } => {
                f(value);
                for t in targets {
                    t.for_each_expr(f);
                }
            }
            Stmt::Delete(targets) => targets.iter().for_each(|t| t.for_each_expr(f)),
            Stmt::AssignSubscript {
                container,
                index,
                value,
            }
            | Stmt::AugAssignSubscript {
                container,
                index,
                value,
                ..
            } => {
                f(container);
                f(index);
                f(value);
            }
            Stmt::If { test, body, orelse } | Stmt::While { test, body, orelse } => {
                f(test);
                body.iter().chain(orelse).for_each(|s| s.for_each_expr(f));
            }
            Stmt::For {
                iter, body, orelse, ..
            }
            | Stmt::ForUnpack {
                iter, body, orelse, ..
            } => {
                f(iter);
                body.iter().chain(orelse).for_each(|s| s.for_each_expr(f));
            }
            Stmt::FunctionDef {
                decorators,
                defaults,
                body,
                ..
            } => {
                decorators.iter().chain(defaults).for_each(&mut *f);
                body.iter().for_each(|s| s.for_each_expr(f));
            }
            Stmt::ClassDef { bases, body, .. } => {
                bases.iter().for_each(&mut *f);
                body.iter().for_each(|s| s.for_each_expr(f));
            }
            Stmt::Decorated { def, .. } => def.for_each_expr(f),
            Stmt::Raise(e) => e.iter().for_each(&mut *f),
            Stmt::RaiseFrom { exc, cause } => {
                f(exc);
                f(cause);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                body.iter().for_each(|s| s.for_each_expr(f));
                for h in handlers {
                    h.typ.iter().for_each(&mut *f);
                    h.body.iter().for_each(|s| s.for_each_expr(f));
                }
                orelse
                    .iter()
                    .chain(finalbody)
                    .for_each(|s| s.for_each_expr(f));
            }
            Stmt::Assert { test, msg } => {
                f(test);
                msg.iter().for_each(&mut *f);
            }
            Stmt::AssignAttr { object, value, .. } | Stmt::AugAssignAttr { object, value, .. } => {
                f(object);
                f(value);
            }
            Stmt::Return(None)
            | Stmt::Break
            | Stmt::Continue
            | Stmt::Pass
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Import { .. }
            | Stmt::ImportFrom { .. } => {}
        }
    }

    /// Calls `f` with every block of statements directly inside `self`.
    pub fn for_each_block_mut<E>(
        &mut self,
        f: &mut dyn FnMut(&mut Vec<Stmt>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Stmt::If { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::For { body, orelse, .. }
            | Stmt::ForUnpack { body, orelse, .. } => {
                f(body)?;
                f(orelse)
            }
            Stmt::FunctionDef { body, .. } | Stmt::ClassDef { body, .. } => f(body),
            Stmt::Decorated { def, .. } => def.for_each_block_mut(f),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                f(body)?;
                for h in handlers.iter_mut() {
                    f(&mut h.body)?;
                }
                f(orelse)?;
                f(finalbody)
            }
            _ => Ok(()),
        }
    }

    /// [`Stmt::for_each_expr`], mutably.
    pub fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => f(e),
            Stmt::Assign { value, .. } | Stmt::AugAssign { value, .. } => f(value),
            Stmt::Unpack { targets, value } | Stmt::AssignChain { targets, value } => {
                f(value);
                for t in targets {
                    t.for_each_expr_mut(f);
                }
            }
            Stmt::Delete(targets) => targets.iter_mut().for_each(|t| t.for_each_expr_mut(f)),
            Stmt::AssignSubscript {
                container,
                index,
                value,
            }
            | Stmt::AugAssignSubscript {
                container,
                index,
                value,
                ..
            } => {
                f(container);
                f(index);
                f(value);
            }
            Stmt::If { test, body, orelse } | Stmt::While { test, body, orelse } => {
                f(test);
                body.iter_mut()
                    .chain(orelse.iter_mut())
                    .for_each(|s| s.for_each_expr_mut(f));
            }
            Stmt::For {
                iter, body, orelse, ..
            }
            | Stmt::ForUnpack {
                iter, body, orelse, ..
            } => {
                f(iter);
                body.iter_mut()
                    .chain(orelse.iter_mut())
                    .for_each(|s| s.for_each_expr_mut(f));
            }
            Stmt::FunctionDef {
                decorators,
                defaults,
                body,
                ..
            } => {
                decorators.iter_mut().chain(defaults).for_each(&mut *f);
                body.iter_mut().for_each(|s| s.for_each_expr_mut(f));
            }
            Stmt::ClassDef { bases, body, .. } => {
                bases.iter_mut().for_each(&mut *f);
                body.iter_mut().for_each(|s| s.for_each_expr_mut(f));
            }
            Stmt::Decorated { def, .. } => def.for_each_expr_mut(f),
            Stmt::Raise(e) => e.iter_mut().for_each(&mut *f),
            Stmt::RaiseFrom { exc, cause } => {
                f(exc);
                f(cause);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                body.iter_mut().for_each(|s| s.for_each_expr_mut(f));
                for h in handlers {
                    h.typ.iter_mut().for_each(&mut *f);
                    h.body.iter_mut().for_each(|s| s.for_each_expr_mut(f));
                }
                orelse
                    .iter_mut()
                    .chain(finalbody.iter_mut())
                    .for_each(|s| s.for_each_expr_mut(f));
            }
            Stmt::Assert { test, msg } => {
                f(test);
                msg.iter_mut().for_each(&mut *f);
            }
            Stmt::AssignAttr { object, value, .. } | Stmt::AugAssignAttr { object, value, .. } => {
                f(object);
                f(value);
            }
            Stmt::Return(None)
            | Stmt::Break
            | Stmt::Continue
            | Stmt::Pass
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Import { .. }
            | Stmt::ImportFrom { .. } => {}
        }
    }
}

impl Expr {
    /// Calls `f` with each direct subexpression, in evaluation order (a
    /// comprehension's clauses before its element). The one walker every
    /// pass that only looks for something can share.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Expr::UnaryOp { operand, .. } => f(operand),
            Expr::BinOp { left, right, .. } => {
                f(left);
                f(right);
            }
            Expr::BoolOp { values, .. }
            | Expr::Tuple(values)
            | Expr::List(values)
            | Expr::Set(values) => values.iter().for_each(f),
            Expr::Starred(value) => f(value),
            Expr::Compare {
                left, comparators, ..
            } => {
                f(left);
                comparators.iter().for_each(f);
            }
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                f(func);
                args.iter().for_each(&mut *f);
                keywords.iter().for_each(|k| f(&k.value));
            }
            Expr::IfExp { test, body, orelse } => {
                f(test);
                f(body);
                f(orelse);
            }
            Expr::Subscript { value, index } => {
                f(value);
                f(index);
            }
            Expr::Slice { lower, upper, step } => [lower, upper, step]
                .into_iter()
                .flatten()
                .for_each(|p| f(p)),
            Expr::Attribute { value, .. } | Expr::YieldFrom(value) | Expr::Named { value, .. } => {
                f(value)
            }
            Expr::Yield(value) => value.iter().for_each(|v| f(v)),
            Expr::MethodCall { receiver, args, .. } => {
                f(receiver);
                args.iter().for_each(f);
            }
            Expr::Dict(items) => items.iter().for_each(|(k, v)| {
                f(k);
                f(v);
            }),
            Expr::ListComp { elt, generators }
            | Expr::SetComp { elt, generators }
            | Expr::GeneratorExp { elt, generators } => {
                for g in generators {
                    f(&g.iter);
                    g.ifs.iter().for_each(&mut *f);
                }
                f(elt);
            }
            // The defaults run where the lambda is; its body (another
            // scope) only when it is called.
            Expr::Lambda { defaults, body, .. } => {
                defaults.iter().for_each(&mut *f);
                f(body);
            }
            Expr::DictComp {
                key,
                value,
                generators,
            } => {
                for g in generators {
                    f(&g.iter);
                    g.ifs.iter().for_each(&mut *f);
                }
                f(key);
                f(value);
            }
            Expr::Int(_)
            | Expr::Float(_)
            | Expr::Bool(_)
            | Expr::None
            | Expr::Name(_)
            | Expr::Super
            | Expr::Str(_) => {}
        }
    }

    /// [`Expr::for_each_child`], mutably.
    pub fn for_each_child_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Expr::UnaryOp { operand, .. } => f(operand),
            Expr::BinOp { left, right, .. } => {
                f(left);
                f(right);
            }
            Expr::BoolOp { values, .. }
            | Expr::Tuple(values)
            | Expr::List(values)
            | Expr::Set(values) => values.iter_mut().for_each(f),
            Expr::Starred(value) => f(value),
            Expr::Compare {
                left, comparators, ..
            } => {
                f(left);
                comparators.iter_mut().for_each(f);
            }
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                f(func);
                args.iter_mut().for_each(&mut *f);
                keywords.iter_mut().for_each(|k| f(&mut k.value));
            }
            Expr::IfExp { test, body, orelse } => {
                f(test);
                f(body);
                f(orelse);
            }
            Expr::Subscript { value, index } => {
                f(value);
                f(index);
            }
            Expr::Slice { lower, upper, step } => [lower, upper, step]
                .into_iter()
                .flatten()
                .for_each(|p| f(p)),
            Expr::Attribute { value, .. } | Expr::YieldFrom(value) | Expr::Named { value, .. } => {
                f(value)
            }
            Expr::Yield(value) => value.iter_mut().for_each(|v| f(v)),
            Expr::MethodCall { receiver, args, .. } => {
                f(receiver);
                args.iter_mut().for_each(f);
            }
            Expr::Dict(items) => items.iter_mut().for_each(|(k, v)| {
                f(k);
                f(v);
            }),
            Expr::ListComp { elt, generators }
            | Expr::SetComp { elt, generators }
            | Expr::GeneratorExp { elt, generators } => {
                for g in generators {
                    f(&mut g.iter);
                    g.ifs.iter_mut().for_each(&mut *f);
                }
                f(elt);
            }
            Expr::Lambda { defaults, body, .. } => {
                defaults.iter_mut().for_each(&mut *f);
                f(body);
            }
            Expr::DictComp {
                key,
                value,
                generators,
            } => {
                for g in generators {
                    f(&mut g.iter);
                    g.ifs.iter_mut().for_each(&mut *f);
                }
                f(key);
                f(value);
            }
            Expr::Int(_)
            | Expr::Float(_)
            | Expr::Bool(_)
            | Expr::None
            | Expr::Name(_)
            | Expr::Super
            | Expr::Str(_) => {}
        }
    }
}

/// Python's scoping rule for a function body: a name is local if it is a
/// parameter or is bound anywhere in the body (assignment, augmented
/// assignment, `for` target, nested `def`) and not declared `global` or
/// `nonlocal`. Returns the locals (parameters first) and the names
/// declared `global`. Shared because it is syntax (decided at compile
/// time), not semantics.
pub fn function_locals(params: &[String], body: &[Stmt]) -> (Vec<String>, BTreeSet<String>) {
    let globals = declared(body, false);
    let nonlocals = declared(body, true);
    let mut locals: Vec<String> = params.to_vec();
    collect_bound(body, &mut |n: &str| {
        if !globals.contains(n) && !nonlocals.contains(n) && !locals.iter().any(|l| l == n) {
            locals.push(n.to_string());
        }
    });
    (locals, globals)
}

/// The names `body` declares `global` (or, with `nonlocal`, `nonlocal`),
/// not looking inside nested functions.
pub fn declared(body: &[Stmt], nonlocal: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for_each_stmt_in_scope(body, &mut |s| match s {
        Stmt::Global(names) if !nonlocal => out.extend(names.iter().cloned()),
        Stmt::Nonlocal(names) if nonlocal => out.extend(names.iter().cloned()),
        _ => {}
    });
    out
}

/// The names a `del` statement of `body` unbinds, not looking inside
/// nested functions.
pub fn deleted_names(body: &[Stmt]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for_each_stmt_in_scope(body, &mut |s| {
        if let Stmt::Delete(targets) = s {
            targets.iter().for_each(|t| {
                t.for_each_name(&mut |n| {
                    out.insert(n.to_string());
                })
            });
        }
    });
    out
}

/// Calls `f` with every statement of `body` and of the blocks nested in
/// it, in source order, not looking inside nested functions or classes.
pub fn for_each_stmt_in_scope<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Stmt)) {
    for s in body {
        f(s);
        match s {
            Stmt::If { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::For { body, orelse, .. }
            | Stmt::ForUnpack { body, orelse, .. } => {
                for_each_stmt_in_scope(body, f);
                for_each_stmt_in_scope(orelse, f);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                for_each_stmt_in_scope(body, f);
                handlers
                    .iter()
                    .for_each(|h| for_each_stmt_in_scope(&h.body, f));
                for_each_stmt_in_scope(orelse, f);
                for_each_stmt_in_scope(finalbody, f);
            }
            _ => {}
        }
    }
}

/// Calls `f` with every name bound by `body` (not descending into nested defs'
/// bodies), in source order; an assignment expression's target before the
/// statement's own.
pub fn collect_bound(body: &[Stmt], f: &mut dyn FnMut(&str)) {
    for s in body {
        s.for_each_own_expr(&mut |e| named_targets(e, f));
        match s {
            Stmt::Assign { target, .. } | Stmt::AugAssign { target, .. } => f(target),
            Stmt::Unpack { targets, .. }
            | Stmt::AssignChain { targets, .. }
            | Stmt::Delete(targets) => targets.iter().for_each(|t| t.for_each_name(f)),
            Stmt::For {
                target,
                body,
                orelse,
                ..
            } => {
                f(target);
                collect_bound(body, f);
                collect_bound(orelse, f);
            }
            Stmt::ForUnpack {
                targets,
                body,
                orelse,
                ..
            } => {
                targets.iter().for_each(|t| t.for_each_name(f));
                collect_bound(body, f);
                collect_bound(orelse, f);
            }
            Stmt::FunctionDef { name, .. }
            | Stmt::ClassDef { name, .. }
            | Stmt::Import { name, .. } => f(name),
            Stmt::ImportFrom { names, .. } => names.iter().for_each(|(_, n)| f(n)),
            Stmt::If { body, orelse, .. } => {
                collect_bound(body, f);
                collect_bound(orelse, f);
            }
            Stmt::While { body, orelse, .. } => {
                collect_bound(body, f);
                collect_bound(orelse, f);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                collect_bound(body, f);
                for h in handlers {
                    if let Some(n) = &h.name {
                        f(n);
                    }
                    collect_bound(&h.body, f);
                }
                collect_bound(orelse, f);
                collect_bound(finalbody, f);
            }
            _ => {}
        }
    }
}

/// The targets of the assignment expressions in `e`, outermost first: a
/// list, set or dict comprehension's bind in the scope around it (as
/// CPython's do), a lambda's and a generator expression's body are scopes
/// of their own (where the front end refuses them).
pub fn named_targets(e: &Expr, f: &mut dyn FnMut(&str)) {
    match e {
        Expr::Named { target, value } => {
            f(target);
            named_targets(value, f);
        }
        Expr::Lambda { defaults, .. } => defaults.iter().for_each(|d| named_targets(d, f)),
        Expr::GeneratorExp { generators, .. } => {
            if let Some(first) = generators.first() {
                named_targets(&first.iter, f)
            }
        }
        _ => e.for_each_child(&mut |c| named_targets(c, f)),
    }
}

/// Whether a function with this body is a generator: a `yield` anywhere in
/// it, not counting nested functions and classes (whose bodies are their
/// own). Yields are whole statements or a name's assigned value (see
/// [`Expr::Yield`]).
pub fn is_generator(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Expr(Expr::Yield(_) | Expr::YieldFrom(_)) => true,
        Stmt::Assign {
            value: Expr::Yield(_),
            ..
        } => true,
        Stmt::If { body, orelse, .. }
        | Stmt::While { body, orelse, .. }
        | Stmt::For { body, orelse, .. }
        | Stmt::ForUnpack { body, orelse, .. } => is_generator(body) || is_generator(orelse),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            is_generator(body)
                || handlers.iter().any(|h| is_generator(&h.body))
                || is_generator(orelse)
                || is_generator(finalbody)
        }
        _ => false,
    })
}
