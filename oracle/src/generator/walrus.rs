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
//! - A kernel is appended whose loop binds a local only in an assignment
//!   expression that does not run in the first iteration (right of
//!   `or`/`and`, a conditional expression's branch, a chained comparison's
//!   last operand) and reads it under `except UnboundLocalError`, called
//!   from a hot loop so each call starts unbound. A front end that counts
//!   such a store as a definite assignment compiles the read unchecked,
//!   and the VM reads an empty slot (probe round 13 found that bug by
//!   hand; the rewrites above cannot show it, since their stores always
//!   run). Nothing else in the function makes the read checked (a `del`
//!   would). The read's check and its error exit are traced and compiled
//!   too.
//!
//! A class body's own statements are left alone (an assignment expression
//! there binds in the class namespace, which the front end refuses); its
//! methods are rewritten as any function.

use jitdiff_vm::lang::ast::{Expr, Module, Stmt, Target};
use jitdiff_vm::lang::parse_generated;

#[derive(Default)]
struct Counts {
    chains: usize,
    merges: usize,
}

/// Rewrites `m` in place and appends the conditional kernel (see the
/// module comment).
pub fn assignment_expressions(m: &mut Module) {
    let mut counts = Counts::default();
    block(&mut m.body, &mut counts, false);
    // The kernel parses (a test checks every form); should it not, the
    // program is left as the rewrites made it.
    if let Ok(k) = parse_generated(&conditional_kernel(&counts)) {
        m.body.extend(k.body);
    }
}

/// The conditional kernel, varied by what the rewrites met (this pass
/// draws nothing): which of four tests skips the store (each one in its
/// first iteration), the period of the skips and the trip count.
fn conditional_kernel(c: &Counts) -> String {
    let seen = c.chains + c.merges;
    let k = 2 + seen % 4;
    let n = 40 + 30 * (c.chains % 6);
    let test = match seen % 4 {
        0 => "i % k == 0 or (w := i * 3) > 1000000",
        1 => "i % k and (w := i * 3)",
        2 => "(w := i * 3) if i % k else 0",
        _ => "1 <= i % k < (w := i + 1)",
    };
    format!(
        "def walrus_cond(n, k):\n    t = 0\n    for i in range(n):\n        if {test}:\n            t += 1\n        try:\n            t += w\n        except UnboundLocalError:\n            t -= 7\n    return t\n\ndef walrus_calls(n, k):\n    s = 0\n    for j in range(n):\n        s += walrus_cond(j % 7, k)\n    return s\n\nprint(walrus_cond({n}, {k}), walrus_calls({n}, {k}))\n"
    )
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
        assert!(text.contains("def walrus_cond(n, k):"), "{text}");
    }

    /// Every form of the conditional kernel parses, and each one's store
    /// is conditional: the read of `w` after it compiles checked, and only
    /// the store's being conditional makes it so (the function has no
    /// `del`, and `w` is no parameter).
    #[test]
    fn every_conditional_kernel_parses_and_reads_its_local_checked() {
        use jitdiff_vm::lang::bytecode::Op;
        for seen in 0..4 {
            let c = Counts {
                chains: 0,
                merges: seen,
            };
            let src = conditional_kernel(&c);
            let m = parse_program(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
            let program = jitdiff_vm::lang::compile::compile(&m);
            let kernel = program
                .codes
                .iter()
                .find(|c| c.name == "walrus_cond")
                .expect("the kernel's code");
            let checked = kernel
                .instrs
                .iter()
                .filter(|i| i.op == Op::LoadFastCheck)
                .count();
            assert!(checked >= 1, "{src}");
        }
    }
}
