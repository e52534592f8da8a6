//! Part of the `syntax` feature, drawing nothing: some list and dict
//! displays spread their tail out of a display of its own, `[a, *[b, c]]`
//! and `{'k': a, 'q': None, **{'q': b}}` (PEP 448; the tail's first key
//! also in the head, with None, so the merge replaces a value), so the
//! VM's `LIST_EXTEND` and its dict display merge run in hot code. Every third list display of two or
//! more items and every third dict display of two or more pairs with
//! literal keys, counted in program order outside class bodies (a class
//! body's `__slots__` must stay a display of strings) and the prelude's
//! functions. Each item is still
//! evaluated once and in its order (the repeated key is a literal), and a
//! literal key cannot fail to hash where it did not, so the program prints
//! what it printed before.

use jitdiff_vm::lang::ast::{Expr, Module, Stmt};

use super::syntax::is_literal;

/// Rewrites displays in `m` (see the module comment).
pub fn star_displays(m: &mut Module) {
    let mut seen = (0usize, 0usize);
    rewrite_block(&mut m.body, &mut seen);
}

fn rewrite_block(body: &mut [Stmt], seen: &mut (usize, usize)) {
    for s in body {
        // The prelude's functions (`__jd_`) stay as the front end wrote them.
        let prelude = matches!(s, Stmt::FunctionDef { name, .. } if name.starts_with("__jd_"));
        if prelude || matches!(s, Stmt::ClassDef { .. }) {
            continue;
        }
        s.for_each_expr_mut(&mut |e| rewrite_expr(e, seen));
    }
}

fn rewrite_expr(e: &mut Expr, seen: &mut (usize, usize)) {
    e.for_each_child_mut(&mut |c| rewrite_expr(c, seen));
    match e {
        Expr::List(items)
            if items.len() >= 2 && !items.iter().any(|x| matches!(x, Expr::Starred(_))) =>
        {
            seen.0 += 1;
            if seen.0 % 3 == 1 {
                let tail = items.split_off(items.len() / 2);
                items.push(Expr::Starred(Box::new(Expr::List(tail))));
            }
        }
        Expr::Dict(pairs) if pairs.len() >= 2 && pairs.iter().all(|(k, _)| is_literal(k)) => {
            seen.1 += 1;
            if seen.1 % 3 == 1 {
                let tail = pairs.split_off(pairs.len() / 2);
                // The tail's first key also goes in first with None, so the
                // merge must replace a value (where the key's slot stays).
                pairs.push((tail[0].0.clone(), Expr::None));
                pairs.push((Expr::Starred(Box::new(Expr::Dict(tail))), Expr::None));
            }
        }
        _ => {}
    }
}
