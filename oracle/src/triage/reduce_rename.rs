//! The reducer's last pass: every user name renamed to a short one, in
//! order of first appearance (`a`, `b`, ... for variables, `f`, `g`, ...
//! for functions), so a repro reads as the bug and not as the generator's
//! naming. Programs with classes keep their names.

use std::collections::BTreeMap;

use jitdiff_vm::lang::ast::{Comprehension, Keyword, StarParams, Target};
use jitdiff_vm::lang::{Expr, Module, Stmt};

/// Renames every user name to a short one (`a`, `b`, ..., functions `f`,
/// `g`, ...), in order of first appearance.
pub(super) fn rename(m: &Module) -> Module {
    // Method and class attribute names are attributes, which are never
    // renamed, but their definitions look like variables: renaming one
    // would break the program, so programs with classes keep their names.
    if m.body.iter().any(has_class) {
        return m.clone();
    }
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut next_var = 0usize;
    let mut next_fn = 0usize;
    fn fresh(prefix: &[&str], n: &mut usize) -> String {
        let s = match prefix.get(*n) {
            Some(p) => p.to_string(),
            None => format!("{}{}", prefix[0], *n),
        };
        *n += 1;
        s
    }
    const VARS: &[&str] = &[
        "a", "b", "c", "d", "e", "h", "k", "m", "n", "p", "q", "r", "s", "t", "u", "v", "w", "x",
        "y", "z",
    ];
    const FNS: &[&str] = &["f", "g", "fa", "fb", "fc"];
    let mut note = |name: &str, is_fn: bool, map: &mut BTreeMap<String, String>| {
        let builtin = jitdiff_vm::runtime::value::BUILTINS
            .iter()
            .any(|(b, _)| *b == name);
        if builtin || map.contains_key(name) {
            return;
        }
        let short = if is_fn {
            fresh(FNS, &mut next_fn)
        } else {
            fresh(VARS, &mut next_var)
        };
        map.insert(name.to_string(), short);
    };
    collect_names(&m.body, &mut |n, f| note(n, f, &mut map));
    // Avoid collisions with names that keep theirs.
    let taken: std::collections::BTreeSet<String> = map.values().cloned().collect();
    if map
        .keys()
        .any(|k| taken.contains(k) && map.get(k) != Some(k))
    {
        return m.clone();
    }
    Module {
        body: m.body.iter().map(|s| rename_stmt(s, &map)).collect(),
    }
}

/// Whether `s` is or contains a class statement.
fn has_class(s: &Stmt) -> bool {
    match s {
        Stmt::ClassDef { .. } => true,
        Stmt::If { body, orelse, .. }
        | Stmt::While { body, orelse, .. }
        | Stmt::For { body, orelse, .. }
        | Stmt::ForUnpack { body, orelse, .. } => body.iter().chain(orelse).any(has_class),
        Stmt::FunctionDef { body, .. } => body.iter().any(has_class),
        _ => false,
    }
}

fn collect_names(body: &[Stmt], f: &mut dyn FnMut(&str, bool)) {
    for s in body {
        match s {
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } => {
                f(name, true);
                params.iter().chain(star.names()).for_each(|p| f(p, false));
                decorators
                    .iter()
                    .chain(defaults)
                    .for_each(|d| collect_expr_names(d, f));
                collect_names(body, f);
            }
            Stmt::Assign { target, value } | Stmt::AugAssign { target, value, .. } => {
                f(target, false);
                collect_expr_names(value, f);
            }
            Stmt::For {
                target,
                iter,
                body,
                orelse,
            } => {
                f(target, false);
                collect_expr_names(iter, f);
                collect_names(body, f);
                collect_names(orelse, f);
            }
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
                collect_expr_names(container, f);
                collect_expr_names(index, f);
                collect_expr_names(value, f);
            }
            Stmt::Unpack { targets, value } | Stmt::AssignChain { targets, value } => {
                targets
                    .iter()
                    .for_each(|t| t.for_each_name(&mut |n| f(n, false)));
                collect_expr_names(value, f);
            }
            Stmt::ForUnpack {
                targets,
                iter,
                body,
                orelse,
            } => {
                targets
                    .iter()
                    .for_each(|t| t.for_each_name(&mut |n| f(n, false)));
                collect_expr_names(iter, f);
                collect_names(body, f);
                collect_names(orelse, f);
            }
            Stmt::If { test, body, orelse } => {
                collect_expr_names(test, f);
                collect_names(body, f);
                collect_names(orelse, f);
            }
            Stmt::While { test, body, orelse } => {
                collect_expr_names(test, f);
                collect_names(body, f);
                collect_names(orelse, f);
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                collect_names(body, f);
                for h in handlers {
                    h.typ.iter().for_each(|t| collect_expr_names(t, f));
                    h.name.iter().for_each(|n| f(n, false));
                    collect_names(&h.body, f);
                }
                collect_names(orelse, f);
                collect_names(finalbody, f);
            }
            Stmt::RaiseFrom { exc, cause } => {
                collect_expr_names(exc, f);
                collect_expr_names(cause, f);
            }
            Stmt::Expr(e) | Stmt::Return(Some(e)) => collect_expr_names(e, f),
            Stmt::Global(names) | Stmt::Nonlocal(names) => names.iter().for_each(|n| f(n, false)),
            Stmt::Import { name, .. } => f(name, false),
            Stmt::ImportFrom { names, .. } => names.iter().for_each(|(_, n)| f(n, false)),
            _ => {}
        }
    }
}

fn collect_expr_names(e: &Expr, f: &mut dyn FnMut(&str, bool)) {
    match e {
        Expr::Name(n) => f(n, false),
        Expr::UnaryOp { operand, .. } | Expr::Starred(operand) => collect_expr_names(operand, f),
        Expr::BinOp { left, right, .. } => {
            collect_expr_names(left, f);
            collect_expr_names(right, f);
        }
        Expr::BoolOp { values, .. } => values.iter().for_each(|v| collect_expr_names(v, f)),
        Expr::IfExp { test, body, orelse } => {
            collect_expr_names(test, f);
            collect_expr_names(body, f);
            collect_expr_names(orelse, f);
        }
        Expr::Compare {
            left, comparators, ..
        } => {
            collect_expr_names(left, f);
            comparators.iter().for_each(|v| collect_expr_names(v, f));
        }
        Expr::Call {
            func,
            args,
            keywords,
        } => {
            if let Expr::Name(n) = &**func {
                f(n, true);
            } else {
                collect_expr_names(func, f);
            }
            args.iter().for_each(|v| collect_expr_names(v, f));
            keywords
                .iter()
                .for_each(|k| collect_expr_names(&k.value, f));
        }
        Expr::Tuple(items) | Expr::List(items) | Expr::Set(items) => {
            items.iter().for_each(|v| collect_expr_names(v, f));
        }
        Expr::Dict(items) => items.iter().for_each(|(k, v)| {
            collect_expr_names(k, f);
            collect_expr_names(v, f);
        }),
        // Method names are attributes, not variables: never renamed.
        Expr::Attribute { value, .. } => collect_expr_names(value, f),
        Expr::MethodCall { receiver, args, .. } => {
            collect_expr_names(receiver, f);
            args.iter().for_each(|v| collect_expr_names(v, f));
        }
        Expr::Subscript { value, index } => {
            collect_expr_names(value, f);
            collect_expr_names(index, f);
        }
        Expr::Slice { lower, upper, step } => {
            for p in [lower, upper, step].into_iter().flatten() {
                collect_expr_names(p, f);
            }
        }
        Expr::ListComp { elt, generators }
        | Expr::SetComp { elt, generators }
        | Expr::GeneratorExp { elt, generators } => {
            collect_clause_names(generators, f);
            collect_expr_names(elt, f);
        }
        Expr::Yield(v) => v.iter().for_each(|v| collect_expr_names(v, f)),
        Expr::YieldFrom(v) => collect_expr_names(v, f),
        Expr::Named { target, value } => {
            f(target, false);
            collect_expr_names(value, f);
        }
        Expr::Lambda {
            params,
            defaults,
            body,
        } => {
            params.iter().for_each(|p| f(p, false));
            defaults.iter().for_each(|d| collect_expr_names(d, f));
            collect_expr_names(body, f);
        }
        Expr::DictComp {
            key,
            value,
            generators,
        } => {
            collect_clause_names(generators, f);
            collect_expr_names(key, f);
            collect_expr_names(value, f);
        }
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None | Expr::Super => {
        }
    }
}

fn collect_clause_names(generators: &[Comprehension], f: &mut dyn FnMut(&str, bool)) {
    for g in generators {
        g.target.for_each_name(&mut |n| f(n, false));
        collect_expr_names(&g.iter, f);
        g.ifs.iter().for_each(|c| collect_expr_names(c, f));
    }
}

fn rename_clauses(
    generators: &[Comprehension],
    map: &BTreeMap<String, String>,
) -> Vec<Comprehension> {
    generators
        .iter()
        .map(|g| Comprehension {
            target: rename_target(&g.target, map),
            iter: rename_expr(&g.iter, map),
            ifs: g.ifs.iter().map(|c| rename_expr(c, map)).collect(),
        })
        .collect()
}

fn rn(n: &str, map: &BTreeMap<String, String>) -> String {
    map.get(n).cloned().unwrap_or_else(|| n.to_string())
}

fn rename_stmt(s: &Stmt, map: &BTreeMap<String, String>) -> Stmt {
    let block = |b: &[Stmt]| b.iter().map(|s| rename_stmt(s, map)).collect();
    match s {
        Stmt::Expr(e) => Stmt::Expr(rename_expr(e, map)),
        Stmt::Assign { target, value } => Stmt::Assign {
            target: rn(target, map),
            value: rename_expr(value, map),
        },
        Stmt::AssignSubscript {
            container,
            index,
            value,
        } => Stmt::AssignSubscript {
            container: rename_expr(container, map),
            index: rename_expr(index, map),
            value: rename_expr(value, map),
        },
        Stmt::AugAssignSubscript {
            container,
            index,
            op,
            value,
        } => Stmt::AugAssignSubscript {
            container: rename_expr(container, map),
            index: rename_expr(index, map),
            op: *op,
            value: rename_expr(value, map),
        },
        Stmt::Unpack { targets, value } => Stmt::Unpack {
            targets: targets.iter().map(|t| rename_target(t, map)).collect(),
            value: rename_expr(value, map),
        },
        Stmt::AssignChain { targets, value } => Stmt::AssignChain {
            targets: targets.iter().map(|t| rename_target(t, map)).collect(),
            value: rename_expr(value, map),
        },
        Stmt::Delete(targets) => {
            Stmt::Delete(targets.iter().map(|t| rename_target(t, map)).collect())
        }
        Stmt::ForUnpack {
            targets,
            iter,
            body,
            orelse,
        } => Stmt::ForUnpack {
            targets: targets.iter().map(|t| rename_target(t, map)).collect(),
            iter: rename_expr(iter, map),
            body: block(body),
            orelse: block(orelse),
        },
        Stmt::AugAssign { target, op, value } => Stmt::AugAssign {
            target: rn(target, map),
            op: *op,
            value: rename_expr(value, map),
        },
        Stmt::If { test, body, orelse } => Stmt::If {
            test: rename_expr(test, map),
            body: block(body),
            orelse: block(orelse),
        },
        Stmt::While { test, body, orelse } => Stmt::While {
            test: rename_expr(test, map),
            body: block(body),
            orelse: block(orelse),
        },
        Stmt::For {
            target,
            iter,
            body,
            orelse,
        } => Stmt::For {
            target: rn(target, map),
            iter: rename_expr(iter, map),
            body: block(body),
            orelse: block(orelse),
        },
        Stmt::FunctionDef {
            decorators,
            name,
            params,
            defaults,
            body,
            star,
        } => Stmt::FunctionDef {
            decorators: decorators.iter().map(|d| rename_expr(d, map)).collect(),
            name: rn(name, map),
            params: params.iter().map(|p| rn(p, map)).collect(),
            defaults: defaults.iter().map(|d| rename_expr(d, map)).collect(),
            body: block(body),
            star: StarParams {
                vararg: star.vararg.as_ref().map(|n| rn(n, map)),
                varkw: star.varkw.as_ref().map(|n| rn(n, map)),
                kwonly: star.kwonly.iter().map(|(n, d)| (rn(n, map), *d)).collect(),
            },
        },
        Stmt::Return(e) => Stmt::Return(e.as_ref().map(|e| rename_expr(e, map))),
        Stmt::Raise(e) => Stmt::Raise(e.as_ref().map(|e| rename_expr(e, map))),
        Stmt::RaiseFrom { exc, cause } => Stmt::RaiseFrom {
            exc: rename_expr(exc, map),
            cause: rename_expr(cause, map),
        },
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => Stmt::Try {
            body: block(body),
            handlers: handlers
                .iter()
                .map(|h| jitdiff_vm::lang::ast::ExceptHandler {
                    typ: h.typ.as_ref().map(|t| rename_expr(t, map)),
                    name: h.name.as_ref().map(|n| rn(n, map)),
                    body: block(&h.body),
                })
                .collect(),
            orelse: block(orelse),
            finalbody: block(finalbody),
        },
        Stmt::Assert { test, msg } => Stmt::Assert {
            test: rename_expr(test, map),
            msg: msg.as_ref().map(|m| rename_expr(m, map)),
        },
        Stmt::Global(names) => Stmt::Global(names.iter().map(|n| rn(n, map)).collect()),
        Stmt::Nonlocal(names) => Stmt::Nonlocal(names.iter().map(|n| rn(n, map)).collect()),
        Stmt::Break | Stmt::Continue | Stmt::Pass => s.clone(),
        Stmt::Import { module, name } => Stmt::Import {
            module: module.clone(),
            name: rn(name, map),
        },
        Stmt::ImportFrom { module, names } => Stmt::ImportFrom {
            module: module.clone(),
            names: names.iter().map(|(a, n)| (a.clone(), rn(n, map))).collect(),
        },
        // `rename` leaves programs with classes alone; these are only
        // reached if that changes, and keep attribute names as they are.
        Stmt::ClassDef { .. } | Stmt::Decorated { .. } => s.clone(),
        Stmt::AssignAttr {
            object,
            attr,
            value,
        } => Stmt::AssignAttr {
            object: rename_expr(object, map),
            attr: attr.clone(),
            value: rename_expr(value, map),
        },
        Stmt::AugAssignAttr {
            object,
            attr,
            op,
            value,
        } => Stmt::AugAssignAttr {
            object: rename_expr(object, map),
            attr: attr.clone(),
            op: *op,
            value: rename_expr(value, map),
        },
    }
}

fn rename_target(t: &Target, map: &BTreeMap<String, String>) -> Target {
    match t {
        Target::Name(n) => Target::Name(rn(n, map)),
        Target::Unpack(ts) => Target::Unpack(ts.iter().map(|t| rename_target(t, map)).collect()),
        Target::Starred(t) => Target::Starred(Box::new(rename_target(t, map))),
        Target::Attr { object, attr } => Target::Attr {
            object: Box::new(rename_expr(object, map)),
            attr: attr.clone(),
        },
        Target::Subscript { container, index } => Target::Subscript {
            container: Box::new(rename_expr(container, map)),
            index: Box::new(rename_expr(index, map)),
        },
    }
}

fn rename_expr(e: &Expr, map: &BTreeMap<String, String>) -> Expr {
    let b = |x: &Expr| Box::new(rename_expr(x, map));
    match e {
        Expr::Name(n) => Expr::Name(rn(n, map)),
        Expr::Starred(value) => Expr::Starred(b(value)),
        Expr::UnaryOp { op, operand } => Expr::UnaryOp {
            op: *op,
            operand: b(operand),
        },
        Expr::BinOp { op, left, right } => Expr::BinOp {
            op: *op,
            left: b(left),
            right: b(right),
        },
        Expr::BoolOp { op, values } => Expr::BoolOp {
            op: *op,
            values: values.iter().map(|v| rename_expr(v, map)).collect(),
        },
        Expr::IfExp { test, body, orelse } => Expr::IfExp {
            test: b(test),
            body: b(body),
            orelse: b(orelse),
        },
        Expr::Compare {
            left,
            ops,
            comparators,
        } => Expr::Compare {
            left: b(left),
            ops: ops.clone(),
            comparators: comparators.iter().map(|v| rename_expr(v, map)).collect(),
        },
        Expr::Call {
            func,
            args,
            keywords,
        } => Expr::Call {
            func: b(func),
            args: args.iter().map(|v| rename_expr(v, map)).collect(),
            keywords: keywords
                .iter()
                .map(|k| Keyword {
                    arg: k.arg.clone(),
                    value: rename_expr(&k.value, map),
                })
                .collect(),
        },
        Expr::Tuple(items) => Expr::Tuple(items.iter().map(|v| rename_expr(v, map)).collect()),
        Expr::List(items) => Expr::List(items.iter().map(|v| rename_expr(v, map)).collect()),
        Expr::Attribute { value, attr } => Expr::Attribute {
            value: b(value),
            attr: attr.clone(),
        },
        Expr::Dict(items) => Expr::Dict(
            items
                .iter()
                .map(|(k, v)| (rename_expr(k, map), rename_expr(v, map)))
                .collect(),
        ),
        Expr::MethodCall {
            receiver,
            method,
            args,
        } => Expr::MethodCall {
            receiver: b(receiver),
            method: method.clone(),
            args: args.iter().map(|v| rename_expr(v, map)).collect(),
        },
        Expr::Subscript { value, index } => Expr::Subscript {
            value: b(value),
            index: b(index),
        },
        Expr::Slice { lower, upper, step } => Expr::Slice {
            lower: lower.as_deref().map(b),
            upper: upper.as_deref().map(b),
            step: step.as_deref().map(b),
        },
        Expr::ListComp { elt, generators } => Expr::ListComp {
            elt: b(elt),
            generators: rename_clauses(generators, map),
        },
        Expr::Lambda {
            params,
            defaults,
            body,
        } => Expr::Lambda {
            params: params.iter().map(|p| rn(p, map)).collect(),
            defaults: defaults.iter().map(|d| rename_expr(d, map)).collect(),
            body: b(body),
        },
        Expr::SetComp { elt, generators } => Expr::SetComp {
            elt: b(elt),
            generators: rename_clauses(generators, map),
        },
        Expr::GeneratorExp { elt, generators } => Expr::GeneratorExp {
            elt: b(elt),
            generators: rename_clauses(generators, map),
        },
        Expr::Yield(v) => Expr::Yield(v.as_ref().map(|v| b(v))),
        Expr::YieldFrom(v) => Expr::YieldFrom(b(v)),
        Expr::Named { target, value } => Expr::Named {
            target: rn(target, map),
            value: b(value),
        },
        Expr::DictComp {
            key,
            value,
            generators,
        } => Expr::DictComp {
            key: b(key),
            value: b(value),
            generators: rename_clauses(generators, map),
        },
        Expr::Set(items) => Expr::Set(items.iter().map(|v| rename_expr(v, map)).collect()),
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None | Expr::Super => {
            e.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};

    #[test]
    fn renaming_keeps_programs_valid() {
        let m = parse_program("def long_name(p_one):\n    global counter\n    counter = p_one\ncounter = 0\nlong_name(3)\nprint(counter)\n").unwrap();
        let r = rename(&m);
        let text = unparse(&r);
        assert!(
            text.contains("def f(") && !text.contains("counter"),
            "{text}"
        );
        assert!(parse_program(&text).is_ok());
    }
}
