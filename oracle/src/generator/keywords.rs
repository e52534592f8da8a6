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

/// Part of the `syntax` feature, drawing nothing: every second
/// module-level function that only direct calls by name ever reach, each
/// binding every parameter without a default (no `*`, no `**`, no error),
/// takes its last parameter by keyword only (`def f(a, b=1, *, c)`). Its
/// calls pass that argument by keyword. A parameter with a default keeps
/// it; in a function without defaults, the last two parameters get the
/// first literal a call passes there, if any, and the calls passing an
/// equal literal leave it out, so some calls bind defaults (a plain `CALL`
/// of a function CPython does not specialize) from a tuple holding a
/// positional parameter's and a keyword-only one's. A keyword argument is
/// evaluated after the positional ones, the moved argument was the last,
/// and a literal left out has no effect, so every call evaluates what it
/// did before.
pub fn keyword_only_params(m: &mut Module) {
    let mut functions: BTreeMap<String, Signature> = callable_functions(m)
        .into_iter()
        .map(|(n, params)| {
            let sig = Signature {
                params,
                ndefaults: 0,
            };
            (n, sig)
        })
        .collect();
    let mut unusable = BTreeSet::new();
    for s in &m.body {
        if let Stmt::FunctionDef {
            name,
            decorators,
            defaults,
            star,
            params,
            ..
        } = s
        {
            // The prelude's functions (`__jd_`) keep CPython's signatures.
            if !decorators.is_empty()
                || !star.is_empty()
                || params.is_empty()
                || name.starts_with("__jd_")
            {
                unusable.insert(name.clone());
            }
            if let Some(sig) = functions.get_mut(name) {
                sig.ndefaults = defaults.len();
            }
        }
    }
    for s in &m.body {
        s.for_each_expr(&mut |e| scan_calls(e, &functions, &mut unusable));
    }
    functions.retain(|n, _| !unusable.contains(n));
    // Every second one, in definition order: the others keep calls that
    // specialize.
    let mut chosen: BTreeMap<String, Chosen> = BTreeMap::new();
    let mut seen = 0usize;
    for s in &m.body {
        let Stmt::FunctionDef { name, .. } = s else {
            continue;
        };
        let Some(sig) = functions.get(name) else {
            continue;
        };
        seen += 1;
        if seen % 2 == 1 {
            let n = sig.params.len();
            let chosen_one = Chosen {
                last: sig.params[n - 1].clone(),
                has_default: sig.ndefaults > 0,
                new_default: None,
                positional: (n >= 2 && sig.ndefaults == 0).then(|| sig.params[n - 2].clone()),
                positional_default: None,
            };
            chosen.insert(name.clone(), chosen_one);
        }
    }
    if chosen.is_empty() {
        return;
    }
    for s in &m.body {
        s.for_each_expr(&mut |e| first_literal(e, &functions, &mut chosen));
    }
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| pass_by_keyword(e, &functions, &chosen));
        if let Stmt::FunctionDef {
            name,
            params,
            defaults,
            star,
            ..
        } = s
            && let Some(c) = chosen.get(name.as_str())
        {
            params.pop();
            // An existing default is the last of `defaults` and stays
            // there, now the keyword-only parameter's.
            star.kwonly
                .push((c.last.clone(), c.has_default || c.new_default.is_some()));
            defaults.extend(c.positional_default.clone());
            defaults.extend(c.new_default.clone());
        }
    }
}

/// A function [`keyword_only_params`] may rewrite.
struct Signature {
    params: Vec<String>,
    /// How many of the last parameters have defaults.
    ndefaults: usize,
}

/// A function [`keyword_only_params`] rewrites: its last parameter,
/// whether it has a default already, and the literal it gets as one; and
/// in a function without defaults, the parameter before it, which stays
/// positional, with the literal it gets as its default.
struct Chosen {
    last: String,
    has_default: bool,
    new_default: Option<Expr>,
    positional: Option<String>,
    positional_default: Option<Expr>,
}

/// Marks in `unusable` the functions of `functions` that `e` uses other
/// than as the callee of a call binding each parameter at most once and
/// every one without a default.
fn scan_calls(e: &Expr, functions: &BTreeMap<String, Signature>, unusable: &mut BTreeSet<String>) {
    match e {
        Expr::Name(n) => {
            unusable.insert(n.clone());
        }
        Expr::Call {
            func,
            args,
            keywords,
        } if matches!(&**func, Expr::Name(n) if functions.contains_key(n)) => {
            let Expr::Name(n) = &**func else { return };
            let Signature { params, ndefaults } = &functions[n];
            let mut bound: BTreeSet<&str> =
                params.iter().take(args.len()).map(|p| p.as_str()).collect();
            let clean = args.len() <= params.len()
                && !args.iter().any(|a| matches!(a, Expr::Starred(_)))
                && keywords.iter().all(|k| {
                    k.arg.as_deref().is_some_and(|a| {
                        params[args.len()..].iter().any(|p| p == a) && bound.insert(a)
                    })
                })
                && params[..params.len() - ndefaults.min(&params.len())]
                    .iter()
                    .all(|p| bound.contains(p.as_str()));
            if !clean {
                unusable.insert(n.clone());
            }
            args.iter()
                .chain(keywords.iter().map(|k| &k.value))
                .for_each(|c| scan_calls(c, functions, unusable));
        }
        _ => e.for_each_child(&mut |c| scan_calls(c, functions, unusable)),
    }
}

/// The argument a call passes for parameter `i` of `params`
/// (positionally or by keyword), if it passes one.
fn argument<'e>(
    args: &'e [Expr],
    keywords: &'e [Keyword],
    params: &[String],
    i: usize,
) -> Option<&'e Expr> {
    if i < args.len() {
        return args.get(i);
    }
    keywords
        .iter()
        .find(|k| k.arg.as_deref() == Some(params[i].as_str()))
        .map(|k| &k.value)
}

/// Records, for each chosen function without defaults, the first literal
/// a call of it passes as its last argument, and as the one before.
fn first_literal(
    e: &Expr,
    functions: &BTreeMap<String, Signature>,
    chosen: &mut BTreeMap<String, Chosen>,
) {
    e.for_each_child(&mut |c| first_literal(c, functions, chosen));
    let Expr::Call {
        func,
        args,
        keywords,
    } = e
    else {
        return;
    };
    let Expr::Name(n) = &**func else { return };
    let (Some(sig), Some(c)) = (functions.get(n), chosen.get_mut(n)) else {
        return;
    };
    if c.has_default {
        return;
    }
    let n = sig.params.len();
    let literal = |i| argument(args, keywords, &sig.params, i).filter(|v| is_literal(v));
    if c.new_default.is_none() {
        c.new_default = literal(n - 1).cloned();
    }
    if c.positional.is_some() && c.positional_default.is_none() {
        c.positional_default = literal(n - 2).cloned();
    }
}

/// A call of a chosen function: its last argument by keyword, and each
/// of its last two arguments left out when it equals the parameter's new
/// default (the one before the last only when it is then the last
/// positional argument, or passed by keyword).
fn pass_by_keyword(
    e: &mut Expr,
    functions: &BTreeMap<String, Signature>,
    chosen: &BTreeMap<String, Chosen>,
) {
    e.for_each_child_mut(&mut |c| pass_by_keyword(c, functions, chosen));
    let Expr::Call {
        func,
        args,
        keywords,
    } = e
    else {
        return;
    };
    let Expr::Name(n) = &**func else { return };
    let (Some(sig), Some(c)) = (functions.get(n), chosen.get(n)) else {
        return;
    };
    if args.len() == sig.params.len() {
        let value = args.pop().unwrap_or(Expr::None);
        keywords.push(Keyword {
            arg: Some(c.last.clone()),
            value,
        });
    }
    let given = |k: &Keyword, name: &str, d: &Expr| k.arg.as_deref() == Some(name) && k.value == *d;
    if let Some(d) = &c.new_default {
        keywords.retain(|k| !given(k, &c.last, d));
    }
    if let (Some(p), Some(d)) = (&c.positional, &c.positional_default) {
        if args.len() == sig.params.len() - 1 && args.last() == Some(d) {
            args.pop();
        }
        keywords.retain(|k| !given(k, p, d));
    }
}
