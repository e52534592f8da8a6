//! Part of the `syntax` feature: some calls of module-level functions pass
//! their trailing arguments by keyword (`f(a, q=b, r=c)`), sometimes in
//! another order when the moved arguments are variables or literals (no
//! side effect can change order). Every call still binds the same
//! arguments, so the program prints what it printed before; the VM's
//! `CALL_KW` binds them by name, in tier 1, traces and machine code.

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Expr, Keyword, Module, Stmt, collect_bound};

use super::syntax::is_literal;

/// Rewrites calls in `m` (see the module comment).
pub fn keyword_calls(m: &mut Module, u: &mut Unstructured) {
    let params = callable_functions(m);
    if params.is_empty() {
        return;
    }
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| keywords_in(e, &params, u));
    }
}

/// The module-level functions whose calls by name always reach them (the
/// name is defined once and bound nowhere else), with their parameters.
pub(super) fn callable_functions(m: &Module) -> BTreeMap<String, Vec<String>> {
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unusable = BTreeSet::new();
    for s in &m.body {
        match s {
            Stmt::FunctionDef {
                name,
                params: ps,
                body,
                ..
            } => {
                if params.insert(name.clone(), ps.clone()).is_some() {
                    unusable.insert(name.clone());
                }
                // A function binding the name (a local, or a `global`
                // rebinding) may call something else by it.
                collect_bound(body, &mut |n| {
                    unusable.insert(n.to_string());
                });
            }
            other => collect_bound(std::slice::from_ref(other), &mut |n| {
                unusable.insert(n.to_string());
            }),
        }
    }
    params.retain(|n, _| !unusable.contains(n));
    params
}

fn keywords_in(e: &mut Expr, params: &BTreeMap<String, Vec<String>>, u: &mut Unstructured) {
    e.for_each_child_mut(&mut |c| keywords_in(c, params, u));
    let Expr::Call {
        func,
        args,
        keywords,
    } = e
    else {
        return;
    };
    let Expr::Name(name) = &**func else {
        return;
    };
    let Some(ps) = params.get(name) else {
        return;
    };
    if !keywords.is_empty() || args.is_empty() || args.len() > ps.len() {
        return;
    }
    if u.is_empty() || u.int_in_range(0..=99u32).unwrap_or(99) >= 30 {
        return;
    }
    let moved = 1 + u.int_in_range(0..=args.len() - 1).unwrap_or(0);
    let start = args.len() - moved;
    let mut kws: Vec<Keyword> = args
        .drain(start..)
        .zip(&ps[start..])
        .map(|(value, arg)| Keyword {
            arg: Some(arg.clone()),
            value,
        })
        .collect();
    let pure = |k: &Keyword| matches!(k.value, Expr::Name(_)) || is_literal(&k.value);
    if kws.len() > 1 && kws.iter().all(pure) && u.int_in_range(0..=1u8).unwrap_or(0) == 1 {
        kws.reverse();
    }
    *keywords = kws;
}
