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

/// The last `moved` of `args` (at most as many as `params`), taken out and
/// passed by the names of the parameters they bind.
fn trailing_keywords(args: &mut Vec<Expr>, params: &[String], moved: usize) -> Vec<Keyword> {
    let start = args.len() - moved;
    args.drain(start..)
        .zip(&params[start..])
        .map(|(value, arg)| Keyword {
            arg: Some(arg.clone()),
            value,
        })
        .collect()
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
    let mut kws = trailing_keywords(args, ps, moved);
    let pure = |k: &Keyword| matches!(k.value, Expr::Name(_)) || is_literal(&k.value);
    if kws.len() > 1 && kws.iter().all(pure) && u.int_in_range(0..=1u8).unwrap_or(0) == 1 {
        kws.reverse();
    }
    *keywords = kws;
}

/// Part of the `syntax` feature too: a call of a method whose every
/// definition is a plain `def` with the same parameters (a first one, no
/// `*args`, no builtin method's name, never stored as an attribute
/// anywhere, in no class as anything else) passes
/// its trailing arguments by keyword: `obj.m(a, b)` becomes
/// `obj.m(a, y=b)`, the bound method called with `CALL_KW`. Which calls
/// and how many arguments follow from the call's position among those
/// calls, not from the input bytes, so programs without such calls draw
/// exactly what they drew before.
pub fn method_keyword_calls(m: &mut Module) {
    let methods = unique_methods(m);
    if methods.is_empty() {
        return;
    }
    let classes: BTreeSet<String> = m
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::ClassDef { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut seen = 0usize;
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| method_keywords_in(e, &methods, &classes, &mut seen));
    }
}

/// Method name -> its parameters after the first, for the methods the
/// rewrite may name (see [`method_keyword_calls`]).
fn unique_methods(m: &Module) -> BTreeMap<String, Vec<String>> {
    let text = jitdiff_vm::lang::unparse::unparse(m);
    if text.contains("setattr(") || text.contains("getattr(") {
        return BTreeMap::new();
    }
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unusable = BTreeSet::new();
    for s in &m.body {
        let Stmt::ClassDef { body, .. } = s else {
            continue;
        };
        for item in body {
            match item {
                Stmt::FunctionDef {
                    name, params, star, ..
                } if star.is_empty() && !params.is_empty() => {
                    let after_self = params[1..].to_vec();
                    if found
                        .insert(name.clone(), after_self.clone())
                        .is_some_and(|old| old != after_self)
                    {
                        unusable.insert(name.clone());
                    }
                }
                Stmt::Decorated { def, .. } => {
                    if let Stmt::FunctionDef { name, .. } = &**def {
                        unusable.insert(name.clone());
                    }
                }
                other => collect_bound(std::slice::from_ref(other), &mut |n| {
                    unusable.insert(n.to_string());
                }),
            }
        }
    }
    let stored = |n: &str| {
        [
            "=", "+=", "-=", "*=", "//=", "%=", "|=", "&=", "^=", "<<=", ">>=", "/=", "**=",
        ]
        .iter()
        .any(|op| text.contains(&format!(".{n} {op} ")))
            || text.contains(&format!(".{n},"))
    };
    let builtin = |n: &str| {
        n.starts_with("__")
            || jitdiff_vm::runtime::methods::METHODS
                .iter()
                .any(|(_, name, _)| *name == n)
            || matches!(n, "send" | "throw" | "close")
    };
    found.retain(|n, ps| !unusable.contains(n) && !ps.is_empty() && !stored(n) && !builtin(n));
    found
}

fn method_keywords_in(
    e: &mut Expr,
    methods: &BTreeMap<String, Vec<String>>,
    classes: &BTreeSet<String>,
    seen: &mut usize,
) {
    e.for_each_child_mut(&mut |c| method_keywords_in(c, methods, classes, seen));
    let Expr::MethodCall {
        receiver,
        method,
        args,
    } = e
    else {
        return;
    };
    // `C.m(obj, a)` passes the instance itself: its arguments do not line
    // up with the parameters after the first.
    let through_a_class = match &**receiver {
        Expr::Name(n) => classes.contains(n.as_str()),
        Expr::Attribute { attr, .. } => attr == "__class__",
        Expr::Call { func, .. } => matches!(&**func, Expr::Name(n) if n == "type"),
        _ => false,
    };
    if through_a_class {
        return;
    }
    let Some(ps) = methods.get(method.as_str()) else {
        return;
    };
    if args.is_empty()
        || args.len() > ps.len()
        || args.iter().any(|a| matches!(a, Expr::Starred(_)))
    {
        return;
    }
    *seen += 1;
    // Two calls in three keep their positional arguments.
    if *seen % 3 != 1 {
        return;
    }
    let moved = 1 + *seen / 3 % args.len();
    let mut args = std::mem::take(args);
    let keywords = trailing_keywords(&mut args, ps, moved);
    let receiver = std::mem::replace(&mut **receiver, Expr::None);
    *e = Expr::Call {
        func: Box::new(Expr::Attribute {
            value: Box::new(receiver),
            attr: std::mem::take(method),
        }),
        args,
        keywords,
    };
}
