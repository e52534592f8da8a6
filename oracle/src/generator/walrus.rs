//! The `syntax` feature's assignment expressions. Made last, drawing
//! nothing, after every other rewrite: none moves them into a lambda or a
//! comprehension afterwards, where the front end refuses them (CPython
//! binds them in another scope there).
//!
//! - Every second `x = x = e` (the syntax rewrite's chained assignment)
//!   becomes `x = (x := e)`: COPY, a store, then the assignment's store.
//! - Every second `x = e` right before `if x <op> ...:` merges into
//!   `if (x := e) <op> ...:`. The comparison evaluates its left operand
//!   first, so the store still happens before anything else the test does.
//!
//! A class body's own statements are left alone (an assignment expression
//! there binds in the class namespace, which the front end refuses); its
//! methods are rewritten as any function.

use jitdiff_vm::lang::ast::{Expr, Module, Stmt, Target};

#[derive(Default)]
struct Counts {
    chains: usize,
    merges: usize,
}

/// Rewrites `m` in place (see the module comment).
pub fn assignment_expressions(m: &mut Module) {
    block(&mut m.body, &mut Counts::default(), false);
}

fn block(body: &mut Vec<Stmt>, c: &mut Counts, class_body: bool) {
    let mut i = 0;
    while i < body.len() {
        if class_body {
            let _ = body[i].for_each_block_mut(&mut |b| {
                block(b, c, false);
                Ok::<(), ()>(())
            });
            i += 1;
            continue;
        }
        if let Stmt::AssignChain { targets, value } = &body[i]
            && let [Target::Name(a), Target::Name(b)] = &targets[..]
            && a == b
        {
            c.chains += 1;
            if c.chains.is_multiple_of(2) {
                body[i] = Stmt::Assign {
                    target: a.clone(),
                    value: Expr::Named {
                        target: a.clone(),
                        value: Box::new(value.clone()),
                    },
                };
            }
        }
        if i > 0 && mergeable(&body[i - 1], &body[i]) {
            c.merges += 1;
            if c.merges % 2 == 1 {
                let Stmt::Assign { target, value } = body.remove(i - 1) else {
                    unreachable!("mergeable checked it")
                };
                i -= 1;
                if let Stmt::If {
                    test: Expr::Compare { left, .. },
                    ..
                } = &mut body[i]
                {
                    **left = Expr::Named {
                        target,
                        value: Box::new(value),
                    };
                }
            }
        }
        let class = matches!(body[i], Stmt::ClassDef { .. });
        let _ = body[i].for_each_block_mut(&mut |b| {
            block(b, c, class);
            Ok::<(), ()>(())
        });
        i += 1;
    }
}

/// `x = e` followed by `if x <op> ...:`.
fn mergeable(before: &Stmt, s: &Stmt) -> bool {
    matches!((before, s), (
        Stmt::Assign { target, .. },
        Stmt::If { test: Expr::Compare { left, .. }, .. },
    ) if matches!(&**left, Expr::Name(x) if x == target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};

    #[test]
    fn chains_and_ifs_get_assignment_expressions_every_second_time() {
        let mut m = parse_program(
            "def f(n):\n    a = a = n\n    b = b = n\n    x = n + 1\n    if x > 2:\n        print(x)\n    y = n\n    if y < 0:\n        pass\n    z = n\n    if z == 1:\n        pass\n    return a + b\nclass C:\n    k = 1\n    def m(self, n):\n        q = q = n\n        return q\nprint(f(3), C().m(1))\n",
        )
        .unwrap();
        assignment_expressions(&mut m);
        let text = unparse(&m);
        assert!(text.contains("a = a = n"), "{text}");
        assert!(text.contains("b = (b := n)"), "{text}");
        assert!(text.contains("if (x := n + 1) > 2:"), "{text}");
        assert!(text.contains("y = n\n    if y < 0:"), "{text}");
        assert!(text.contains("if (z := n) == 1:"), "{text}");
        assert!(text.contains("k = 1\n"), "{text}");
        assert!(text.contains("q = q = n"), "{text}");
        // What it makes is in the language: the printed text parses back.
        assert_eq!(parse_program(&text).unwrap(), m, "{text}");
    }
}
