//! AST -> Python source. Parenthesizes by precedence so that
//! `parse_program(&unparse(m)) == m` for every AST (a proptest checks it).

use super::ast::*;

/// Prints a module as Python source (4-space indentation, `elif` chains).
pub fn unparse(m: &Module) -> String {
    let mut out = String::new();
    block(&m.body, 0, &mut out);
    out
}

/// Prints one expression.
pub fn unparse_expr(e: &Expr) -> String {
    let mut out = String::new();
    expr(e, Prec::Lowest, &mut out);
    out
}

fn block(body: &[Stmt], depth: usize, out: &mut String) {
    if body.is_empty() {
        line(depth, "pass", out);
    }
    for s in body {
        stmt(s, depth, out);
    }
}

fn line(depth: usize, text: &str, out: &mut String) {
    for _ in 0..depth {
        out.push_str("    ");
    }
    out.push_str(text);
    out.push('\n');
}

/// `object.attr` as an assignment target.
fn attribute_target(object: &Expr, attr: &str) -> String {
    unparse_expr(&Expr::Attribute {
        value: Box::new(object.clone()),
        attr: attr.to_string(),
    })
}

fn stmt(s: &Stmt, depth: usize, out: &mut String) {
    match s {
        Stmt::Expr(e) => line(depth, &unparse_expr(e), out),
        Stmt::Assign { target, value } => {
            line(depth, &format!("{target} = {}", unparse_expr(value)), out)
        }
        Stmt::AssignSubscript {
            container,
            index,
            value,
        } => {
            let mut t = String::new();
            subscript(container, index, &mut t);
            line(depth, &format!("{t} = {}", unparse_expr(value)), out)
        }
        Stmt::AugAssignSubscript {
            container,
            index,
            op,
            value,
        } => {
            let mut t = String::new();
            subscript(container, index, &mut t);
            line(
                depth,
                &format!("{t} {}= {}", op.symbol(), unparse_expr(value)),
                out,
            )
        }
        Stmt::Unpack { targets, value } => line(
            depth,
            &format!("{} = {}", unpack_targets(targets), unparse_expr(value)),
            out,
        ),
        Stmt::AssignChain { targets, value } => {
            let mut text = String::new();
            for t in targets {
                match t {
                    Target::Unpack(ts) => text.push_str(&unpack_targets(ts)),
                    other => text.push_str(&target_text(other)),
                }
                text.push_str(" = ");
            }
            text.push_str(&unparse_expr(value));
            line(depth, &text, out)
        }
        Stmt::Delete(targets) => {
            let parts: Vec<String> = targets.iter().map(target_text).collect();
            line(depth, &format!("del {}", parts.join(", ")), out)
        }
        Stmt::AugAssign { target, op, value } => line(
            depth,
            &format!("{target} {}= {}", op.symbol(), unparse_expr(value)),
            out,
        ),
        Stmt::If { test, body, orelse } => {
            line(depth, &format!("if {}:", unparse_expr(test)), out);
            block(body, depth + 1, out);
            let mut orelse = orelse;
            loop {
                match orelse.as_slice() {
                    [] => break,
                    [
                        Stmt::If {
                            test,
                            body,
                            orelse: next,
                        },
                    ] => {
                        line(depth, &format!("elif {}:", unparse_expr(test)), out);
                        block(body, depth + 1, out);
                        orelse = next;
                    }
                    other => {
                        line(depth, "else:", out);
                        block(other, depth + 1, out);
                        break;
                    }
                }
            }
        }
        Stmt::While { test, body, orelse } => {
            line(depth, &format!("while {}:", unparse_expr(test)), out);
            block(body, depth + 1, out);
            loop_else(orelse, depth, out);
        }
        Stmt::For {
            target,
            iter,
            body,
            orelse,
        } => {
            line(
                depth,
                &format!("for {target} in {}:", unparse_expr(iter)),
                out,
            );
            block(body, depth + 1, out);
            loop_else(orelse, depth, out);
        }
        Stmt::ForUnpack {
            targets,
            iter,
            body,
            orelse,
        } => {
            let lhs = unpack_targets(targets);
            line(depth, &format!("for {lhs} in {}:", unparse_expr(iter)), out);
            block(body, depth + 1, out);
            loop_else(orelse, depth, out);
        }
        Stmt::Break => line(depth, "break", out),
        Stmt::Continue => line(depth, "continue", out),
        Stmt::Pass => line(depth, "pass", out),
        Stmt::FunctionDef {
            decorators,
            name,
            params,
            defaults,
            body,
            star,
        } => {
            for d in decorators {
                line(depth, &format!("@{}", unparse_expr(d)), out);
            }
            let params = def_params_text(params, defaults, star);
            line(depth, &format!("def {name}({params}):"), out);
            block(body, depth + 1, out);
        }
        Stmt::ClassDef { name, bases, body } => {
            let bases: Vec<String> = bases.iter().map(unparse_expr).collect();
            let head = if bases.is_empty() {
                format!("class {name}:")
            } else {
                format!("class {name}({}):", bases.join(", "))
            };
            line(depth, &head, out);
            block(body, depth + 1, out);
        }
        Stmt::RaiseFrom { exc, cause } => line(
            depth,
            &format!("raise {} from {}", unparse_expr(exc), unparse_expr(cause)),
            out,
        ),
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            line(depth, "try:", out);
            block(body, depth + 1, out);
            for h in handlers {
                let head = match (&h.typ, &h.name) {
                    (None, _) => "except:".to_string(),
                    (Some(t), None) => format!("except {}:", unparse_expr(t)),
                    (Some(t), Some(n)) => format!("except {} as {n}:", unparse_expr(t)),
                };
                line(depth, &head, out);
                block(&h.body, depth + 1, out);
            }
            if !orelse.is_empty() {
                line(depth, "else:", out);
                block(orelse, depth + 1, out);
            }
            if !finalbody.is_empty() {
                line(depth, "finally:", out);
                block(finalbody, depth + 1, out);
            }
        }
        Stmt::Raise(None) => line(depth, "raise", out),
        Stmt::Raise(Some(e)) => line(depth, &format!("raise {}", unparse_expr(e)), out),
        Stmt::Assert { test, msg } => {
            let mut t = format!("assert {}", unparse_expr(test));
            if let Some(m) = msg {
                t.push_str(&format!(", {}", unparse_expr(m)));
            }
            line(depth, &t, out)
        }
        Stmt::Decorated { decorator, def } => {
            line(depth, &format!("@{decorator}"), out);
            stmt(def, depth, out);
        }
        Stmt::AssignAttr {
            object,
            attr,
            value,
        } => {
            let t = attribute_target(object, attr);
            line(depth, &format!("{t} = {}", unparse_expr(value)), out)
        }
        Stmt::AugAssignAttr {
            object,
            attr,
            op,
            value,
        } => {
            let t = attribute_target(object, attr);
            let v = unparse_expr(value);
            line(depth, &format!("{t} {}= {v}", op.symbol()), out)
        }
        Stmt::Return(None) => line(depth, "return", out),
        Stmt::Return(Some(e)) => line(depth, &format!("return {}", unparse_expr(e)), out),
        Stmt::Global(names) => line(depth, &format!("global {}", names.join(", ")), out),
        Stmt::Nonlocal(names) => line(depth, &format!("nonlocal {}", names.join(", ")), out),
        Stmt::Import { module, name } if module == name => {
            line(depth, &format!("import {module}"), out)
        }
        Stmt::Import { module, name } => line(depth, &format!("import {module} as {name}"), out),
        Stmt::ImportFrom { module, names } => {
            let names: Vec<String> = names
                .iter()
                .map(|(a, n)| {
                    if a == n {
                        a.clone()
                    } else {
                        format!("{a} as {n}")
                    }
                })
                .collect();
            line(
                depth,
                &format!("from {module} import {}", names.join(", ")),
                out,
            )
        }
    }
}

/// A `def`'s parameters: `a, b=1, *args, k, q=2, **kwargs` (a bare `*`
/// before keyword-only parameters when there is no `*args`).
fn def_params_text(params: &[String], defaults: &[Expr], star: &StarParams) -> String {
    let (positional, kwonly) =
        defaults.split_at(defaults.len().saturating_sub(star.kwonly_defaults()));
    let mut parts = vec![params_text(params, positional)];
    match &star.vararg {
        Some(n) => parts.push(format!("*{n}")),
        None if !star.kwonly.is_empty() => parts.push("*".into()),
        None => {}
    }
    let mut kw_defaults = kwonly.iter();
    for (n, has_default) in &star.kwonly {
        match has_default.then(|| kw_defaults.next()).flatten() {
            Some(d) => parts.push(format!("{n}={}", unparse_expr(d))),
            None => parts.push(n.clone()),
        }
    }
    parts.extend(star.varkw.iter().map(|n| format!("**{n}")));
    parts.retain(|p| !p.is_empty());
    parts.join(", ")
}

/// `a, b=1, c=2`: the defaults belong to the last parameters.
fn params_text(params: &[String], defaults: &[Expr]) -> String {
    let first_default = params.len().saturating_sub(defaults.len());
    let params: Vec<String> = params
        .iter()
        .enumerate()
        .map(|(i, p)| match i.checked_sub(first_default) {
            Some(d) if d < defaults.len() => format!("{p}={}", unparse_expr(&defaults[d])),
            _ => p.clone(),
        })
        .collect();
    params.join(", ")
}

/// Python's precedence levels, lowest first (the subset S0 uses).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// Also a conditional expression's level.
    Lowest,
    Or,
    And,
    Not,
    Compare,
    BitOr,
    BitXor,
    BitAnd,
    Shift,
    Additive,
    Multiplicative,
    Unary,
    /// `**`: its left operand is a primary, its right one a unary factor.
    Power,
    Atom,
}

fn paren_if(cond: bool, out: &mut String, f: impl FnOnce(&mut String)) {
    if cond {
        out.push('(');
    }
    f(out);
    if cond {
        out.push(')');
    }
}

fn expr(e: &Expr, ctx: Prec, out: &mut String) {
    match e {
        Expr::Int(digits) => out.push_str(digits),
        Expr::Float(bits) => out.push_str(&float_literal(f64::from_bits(*bits))),
        Expr::Bool(true) => out.push_str("True"),
        Expr::Bool(false) => out.push_str("False"),
        Expr::None => out.push_str("None"),
        Expr::Name(n) => out.push_str(n),
        Expr::UnaryOp { op, operand } => {
            let (p, sym) = match op {
                UnaryOp::Not => (Prec::Not, "not "),
                UnaryOp::Neg => (Prec::Unary, "-"),
                UnaryOp::Pos => (Prec::Unary, "+"),
                UnaryOp::Invert => (Prec::Unary, "~"),
            };
            paren_if(ctx > p, out, |out| {
                out.push_str(sym);
                // `- -x` would lex fine, but `-(-x)` reads better and is unambiguous.
                let inner = if *op == UnaryOp::Not {
                    Prec::Not
                } else {
                    Prec::Atom
                };
                let inner = if matches!(
                    **operand,
                    Expr::UnaryOp {
                        op: UnaryOp::Neg | UnaryOp::Pos | UnaryOp::Invert,
                        ..
                    }
                ) && *op != UnaryOp::Not
                {
                    Prec::Atom
                } else if *op != UnaryOp::Not {
                    Prec::Unary
                } else {
                    inner
                };
                expr(operand, inner, out);
            });
        }
        Expr::BinOp { op, left, right } => {
            let p = match op {
                BinOp::Add | BinOp::Sub => Prec::Additive,
                BinOp::Mul | BinOp::FloorDiv | BinOp::Mod | BinOp::Div => Prec::Multiplicative,
                BinOp::Pow => Prec::Power,
                BinOp::BitAnd => Prec::BitAnd,
                BinOp::BitOr => Prec::BitOr,
                BinOp::BitXor => Prec::BitXor,
                BinOp::LShift | BinOp::RShift => Prec::Shift,
            };
            // Left-associative: the right operand binds one level tighter.
            // `**` is right-associative and its right operand is a factor
            // (`2 ** -1`), while its left one must be a primary (`(-2) ** 2`).
            let (lp, rp) = if p == Prec::Power {
                (Prec::Atom, Prec::Unary)
            } else {
                (p, next(p))
            };
            paren_if(ctx > p, out, |out| {
                expr(left, lp, out);
                out.push_str(&format!(" {} ", op.symbol()));
                expr(right, rp, out);
            });
        }
        Expr::BoolOp { op, values } => {
            let (p, sym) = match op {
                BoolOp::Or => (Prec::Or, " or "),
                BoolOp::And => (Prec::And, " and "),
            };
            paren_if(ctx > p, out, |out| {
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sym);
                    }
                    // A nested BoolOp of the same kind must keep its parentheses
                    // or the parser would flatten it.
                    expr(v, next(p), out);
                }
            });
        }
        Expr::Compare {
            left,
            ops,
            comparators,
        } => {
            paren_if(ctx > Prec::Compare, out, |out| {
                expr(left, next(Prec::Compare), out);
                for (op, c) in ops.iter().zip(comparators) {
                    out.push_str(&format!(" {} ", op.symbol()));
                    expr(c, next(Prec::Compare), out);
                }
            });
        }
        Expr::IfExp { test, body, orelse } => {
            paren_if(ctx > Prec::Lowest, out, |out| {
                // Right-associative: only the `else` operand may be another
                // conditional expression without parentheses.
                expr(body, Prec::Or, out);
                out.push_str(" if ");
                expr(test, Prec::Or, out);
                out.push_str(" else ");
                expr(orelse, Prec::Lowest, out);
            });
        }
        Expr::Str(s) => out.push_str(&str_literal(s)),
        Expr::Call {
            func,
            args,
            keywords,
        } => {
            expr(func, Prec::Atom, out);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr(a, Prec::Lowest, out);
            }
            for (i, k) in keywords.iter().enumerate() {
                if i > 0 || !args.is_empty() {
                    out.push_str(", ");
                }
                match &k.arg {
                    Some(name) => {
                        out.push_str(name);
                        out.push('=');
                    }
                    None => out.push_str("**"),
                }
                expr(&k.value, Prec::Lowest, out);
            }
            out.push(')');
        }
        Expr::Super => out.push_str("super()"),
        Expr::Attribute { value, attr } => {
            let number = matches!(**value, Expr::Int(_) | Expr::Float(_));
            paren_if(number, out, |out| expr(value, Prec::Atom, out));
            out.push('.');
            out.push_str(attr);
        }
        Expr::MethodCall {
            receiver,
            method,
            args,
        } => {
            // `1.real` would lex as the float `1.` then a name: a number
            // receiver keeps its parentheses.
            let number = matches!(**receiver, Expr::Int(_) | Expr::Float(_));
            paren_if(number, out, |out| expr(receiver, Prec::Atom, out));
            out.push('.');
            out.push_str(method);
            elements(args, "(", ")", out);
        }
        Expr::Tuple(items) if items.len() == 1 => {
            out.push('(');
            display_item(&items[0], out);
            out.push_str(",)");
        }
        Expr::Tuple(items) => elements(items, "(", ")", out),
        Expr::Starred(value) => {
            out.push('*');
            expr(value, Prec::Or, out);
        }
        Expr::List(items) => elements(items, "[", "]", out),
        Expr::Set(items) => elements(items, "{", "}", out),
        Expr::SetComp { elt, generators } => {
            out.push('{');
            expr(elt, Prec::Lowest, out);
            clauses(generators, out);
            out.push('}');
        }
        Expr::DictComp {
            key,
            value,
            generators,
        } => {
            out.push('{');
            expr(key, Prec::Lowest, out);
            out.push_str(": ");
            expr(value, Prec::Lowest, out);
            clauses(generators, out);
            out.push('}');
        }
        // `map(...)`/`filter(...)` as written (the front end's lowering).
        Expr::GeneratorExp { .. } if super::parse::calls::lazy_builtin_call(e).is_some() => {
            let Some((name, f, iterables)) = super::parse::calls::lazy_builtin_call(e) else {
                return;
            };
            let args: Vec<&Expr> = std::iter::once(f).chain(iterables).collect();
            out.push_str(name);
            out.push('(');
            for (i, a) in args.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr(a, Prec::Lowest, out);
            }
            out.push(')');
        }
        Expr::GeneratorExp { elt, generators } => {
            out.push('(');
            expr(elt, Prec::Lowest, out);
            clauses(generators, out);
            out.push(')');
        }
        // Only ever a whole statement or a name's assigned value (the front
        // end's rule), where it needs no parentheses.
        Expr::Yield(None) => out.push_str("yield"),
        Expr::Yield(Some(v)) => {
            out.push_str("yield ");
            expr(v, Prec::Lowest, out);
        }
        Expr::YieldFrom(v) => {
            out.push_str("yield from ");
            expr(v, Prec::Lowest, out);
        }
        // Parenthesized always: valid wherever an expression is.
        Expr::Named { target, value } => {
            out.push('(');
            out.push_str(target);
            out.push_str(" := ");
            expr(value, Prec::Lowest, out);
            out.push(')');
        }
        Expr::ListComp { elt, generators } => {
            out.push('[');
            expr(elt, Prec::Lowest, out);
            clauses(generators, out);
            out.push(']');
        }
        Expr::Dict(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                // `**m` (see `Expr::Dict`): a bitwise-or operand.
                if let Expr::Starred(m) = k {
                    out.push_str("**");
                    expr(m, Prec::BitOr, out);
                    continue;
                }
                expr(k, Prec::Lowest, out);
                out.push_str(": ");
                expr(v, Prec::Lowest, out);
            }
            out.push('}');
        }
        Expr::Subscript { value, index } => subscript(value, index, out),
        // The lowest precedence of all: parenthesized anywhere but where
        // any expression goes.
        Expr::Lambda {
            params,
            defaults,
            body,
        } => paren_if(ctx > Prec::Lowest, out, |out| {
            out.push_str("lambda");
            if !params.is_empty() {
                out.push(' ');
                out.push_str(&params_text(params, defaults));
            }
            out.push_str(": ");
            expr(body, Prec::Lowest, out);
        }),
        Expr::Slice { lower, upper, step } => {
            let part = |p: &Option<Box<Expr>>, out: &mut String| {
                if let Some(p) = p {
                    expr(p, Prec::Lowest, out);
                }
            };
            part(lower, out);
            out.push(':');
            part(upper, out);
            if step.is_some() {
                out.push(':');
                part(step, out);
            }
        }
    }
}

/// One target as source (an unpacking in parentheses).
fn target_text(t: &Target) -> String {
    match t {
        Target::Name(n) => n.clone(),
        Target::Unpack(ts) => format!("({})", unpack_targets(ts)),
        Target::Attr { object, attr } => attribute_target(object, attr),
        Target::Starred(t) => format!("*{}", target_text(t)),
        Target::Subscript { container, index } => {
            let mut out = String::new();
            subscript(container, index, &mut out);
            out
        }
    }
}

/// `a, (b, c)` (a single target keeps its comma: `a,`).
fn unpack_targets(targets: &[Target]) -> String {
    let parts: Vec<String> = targets.iter().map(target_text).collect();
    if parts.len() == 1 {
        format!("{},", parts[0])
    } else {
        parts.join(", ")
    }
}

/// A loop's `else:` block, if it has one.
fn loop_else(orelse: &[Stmt], depth: usize, out: &mut String) {
    if !orelse.is_empty() {
        line(depth, "else:", out);
        block(orelse, depth + 1, out);
    }
}

/// A comprehension's ` for target in iter if cond` clauses.
fn clauses(generators: &[Comprehension], out: &mut String) {
    for g in generators {
        out.push_str(" for ");
        match &g.target {
            Target::Unpack(ts) => out.push_str(&unpack_targets(ts)),
            other => out.push_str(&target_text(other)),
        }
        out.push_str(" in ");
        // The grammar takes a disjunction here: a conditional
        // expression needs parentheses.
        expr(&g.iter, Prec::Or, out);
        for c in &g.ifs {
            out.push_str(" if ");
            expr(c, Prec::Or, out);
        }
    }
}

fn elements(items: &[Expr], open: &str, close: &str, out: &mut String) {
    out.push_str(open);
    for (i, a) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        display_item(a, out);
    }
    out.push_str(close);
}

/// A display's item; `*it` there takes a bitwise-or operand (a call's
/// `*it` takes any expression).
fn display_item(item: &Expr, out: &mut String) {
    match item {
        Expr::Starred(it) => {
            out.push('*');
            expr(it, Prec::BitOr, out);
        }
        _ => expr(item, Prec::Lowest, out),
    }
}

/// `value[index]`. A tuple index prints with its parentheses, which reads
/// back as the same tuple.
fn subscript(value: &Expr, index: &Expr, out: &mut String) {
    expr(value, Prec::Atom, out);
    out.push('[');
    expr(index, Prec::Lowest, out);
    out.push(']');
}

/// An ASCII string as CPython's `repr` writes it, which is also a literal
/// that reads back as the same string: single quotes unless it holds a
/// `'` and no `"`; `\\`, the quote, `\t`, `\n`, `\r` escaped, other control
/// characters as `\xhh`.
pub fn str_literal(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A non-negative float as a literal that reads back as the same value:
/// its repr, except infinity, which has no literal but `1e309` overflows to.
pub fn float_literal(v: f64) -> String {
    debug_assert!(v >= 0.0);
    if v.is_infinite() {
        "1e309".into()
    } else {
        crate::runtime::float::repr(v)
    }
}

fn next(p: Prec) -> Prec {
    match p {
        Prec::Lowest => Prec::Or,
        Prec::Or => Prec::And,
        Prec::And => Prec::Not,
        Prec::Not => Prec::Compare,
        Prec::Compare => Prec::BitOr,
        Prec::BitOr => Prec::BitXor,
        Prec::BitXor => Prec::BitAnd,
        Prec::BitAnd => Prec::Shift,
        Prec::Shift => Prec::Additive,
        Prec::Additive => Prec::Multiplicative,
        Prec::Multiplicative => Prec::Unary,
        Prec::Unary => Prec::Power,
        Prec::Power | Prec::Atom => Prec::Atom,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_program;
    use super::*;

    #[test]
    fn round_trips_tricky_precedence() {
        let src = "x = a - (b - c)\ny = -(-5) * +3 // (1 + 2)\nz = not a < b < c and (d or e) or not not f\nw = (a < b) < c\nv = (a and b) and c\nprint(f(1, -2), (x or y) + 1)\nu = ~-a | b ^ c & d << 2 >> (e | f) ^ (g if h else i if j else k)\nt = (a if b else c) if (d if e else f) else g\ns = -(a & b) + (a << b) * (not c)\nr = -2 ** -x ** 2 + (-2) ** 2 / 1.5e-07 + 1e309 + (a ** b) ** c\nq = [(), (1,), (a, [b]), x[1:], x[::-1], x[a:b:c][0], (-x)[0], -x[0], (1).f(2), x.append(y[0] if z else w), 3 in x, 4 not in (5,)]\nx, = q\nx[y] = q[1:2:3]\nx[1:2] = (a, b)\na, b = b, a\nx[i] //= 2\nx[1][y] += z\nfor i, x in y:\n    for z, in w:\n        pass\n";
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
    }

    #[test]
    fn decorators_round_trip() {
        let src = "@a\n@b(1, c=2)\n@(lambda f: f)\n@x[0] if y else z\ndef f(p, q=3):\n    @d.e\n    def g():\n        pass\n    return g\n";
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
        assert!(
            unparse(&m).starts_with("@a\n@b(1, c=2)\n"),
            "{}",
            unparse(&m)
        );
    }

    #[test]
    fn list_comprehensions_round_trip() {
        let src = "x = [a for a in b]\ny = [(a, b) for a, (b, c) in d if a if not b for e, in f if (g if h else i)]\nz = [[y for y in x] for x in (a if b else c)]\nw = [a if b else c for d in [e for e in f]]\n";
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
        assert!(
            unparse(&m).contains("in (a if b else c)]"),
            "{}",
            unparse(&m)
        );
    }

    #[test]
    fn strings_and_print_keywords_round_trip() {
        let src = r#"print('it\'s', "a'", 'q"', '\t\x00\\', """doc""", 'a' 'b', sep='', end=x)
"doc string"
"#;
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
        assert_eq!(str_literal("it's"), r#""it's""#);
        assert_eq!(str_literal("both ' \""), r#"'both \' "'"#);
        assert_eq!(str_literal("\t\n\r\x01\x7f\\"), r#"'\t\n\r\x01\x7f\\'"#);
        assert!(parse_program("x = 'é'\n").is_err());
        assert!(parse_program("x = '\\u00e9'\n").is_err());
        assert!(parse_program("print(1, file=None)\n").is_err());
        let src = "import math\nimport math as m\nfrom math import sqrt, pi as p\nprint(f(1, b=2, c=m.pi), math.sqrt)\n";
        let m = parse_program(src).unwrap();
        assert_eq!(unparse(&m), src);
    }

    #[test]
    fn closures_and_lambdas_round_trip() {
        let src = "def f(a, b=2):\n    n = 0\n    def g(x, y=lambda: 1):\n        nonlocal n\n        n += x\n        return lambda z, w=n: z + w + a\n    return g\nh = lambda: (lambda q: q)(1)\nk = [lambda: 1, (lambda x: x) if t else lambda: 2, {1: lambda a, b=3: a}]\nprint((lambda: 0)(), (lambda x: x if x else -x)(1))\n";
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
        assert_eq!(unparse(&m), src);
    }

    #[test]
    fn exceptions_and_generators_round_trip() {
        let src = "p.x = x = q.y = [1]\ndef g(n):\n    yield n\n    got = yield\n    n = yield n + 1\n    yield from range(n)\n    if n:\n        yield\n    try:\n        pass\n    except (ValueError, KeyError) as e:\n        raise TypeError('x') from e\n    except ZeroDivisionError:\n        pass\n    except:\n        raise\n    else:\n        pass\n    finally:\n        print(1)\ntry:\n    x = sum((i * i for i in g(3) if i))\nfinally:\n    pass\nraise ValueError from None\n";
        let m = parse_program(src).unwrap();
        assert_eq!(parse_program(&unparse(&m)).unwrap(), m, "{}", unparse(&m));
        assert_eq!(unparse(&m), src);
        assert!(crate::lang::ast::is_generator(match &m.body[1] {
            Stmt::FunctionDef { body, .. } => body,
            _ => unreachable!(),
        }));
        for (bad, why) in [
            ("yield 1\n", "'yield' outside function"),
            ("def f():\n    x = yield from g()\n", "yield"),
            ("def f():\n    a, b = yield 1\n", "yield"),
            ("def f():\n    x = y = yield 1\n", "yield"),
            ("def f():\n    x = (yield 1) + 1\n", "yield"),
            ("x = yield 1\n", "'yield' outside function"),
            (
                "def f():\n    try:\n        yield 1\n    except:\n        pass\n",
                "could catch GeneratorExit",
            ),
            (
                "def f():\n    try:\n        pass\n    finally:\n        yield 1\n",
                "yield inside a try",
            ),
            ("def f():\n    return [(yield) for i in x]\n", "yield"),
            (
                "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
                "must be last",
            ),
            (
                "def f():\n    try:\n        pass\n    finally:\n        return 1\n",
                "finally",
            ),
            (
                "for i in x:\n    try:\n        pass\n    finally:\n        break\n",
                "finally",
            ),
            ("try:\n    pass\nexcept* E:\n    pass\n", "except*"),
        ] {
            let e = parse_program(bad).expect_err(bad).to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        // A loop inside a `finally` may break out of itself.
        parse_program("try:\n    pass\nfinally:\n    for i in x:\n        break\n").unwrap();
    }
}
