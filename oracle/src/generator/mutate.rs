//! AST mutations for the guided campaign: small edits of a program that
//! reached something new, aimed at what JITs get wrong. Each returns
//! `None` when the program offers it nothing to edit; the caller checks
//! the result with the VM's front end (an edit can break a scoping rule,
//! such as a `global` declaration after a use) and drops what fails.
//!
//! - boundary constants: an int literal becomes a value at an edge of the
//!   VM's representations (the small-int range, machine words, bytes);
//! - loop counts: a `range(...)` bound becomes another trip count, short
//!   (loops that never get hot) or long (traces that run long);
//! - duplicate a statement, or swap two adjacent ones;
//! - rebind a global at iteration K of a module-level loop: `if i == K:
//!   g = <a value of another type>`, so the traces built for the old type
//!   must leave (guards failing late, deopts, invalidation).

use jitdiff_vm::lang::ast::{CmpOp, Expr, Module, Stmt};
use rand::RngCore;
use rand::rngs::StdRng;

/// Int literals at the edges the VM's ints cross.
const BOUNDARY: [i128; 14] = [
    0,
    1,
    -1,
    2,
    255,
    256,
    65_535,
    (1 << 31) - 1,
    (1 << 62) - 1,
    1 << 62,
    -(1 << 62),
    (1 << 63) - 1,
    1 << 63,
    1 << 64,
];

/// Loop trip counts: cold, barely hot, hot (not longer: a mutant should
/// cost what a fresh program does).
const TRIPS: [i128; 8] = [0, 1, 2, 3, 16, 17, 64, 300];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    BoundaryConstant,
    LoopCount,
    DuplicateStatement,
    SwapStatements,
    RebindGlobal,
}

impl Mutation {
    pub const ALL: [Mutation; 5] = [
        Mutation::BoundaryConstant,
        Mutation::LoopCount,
        Mutation::DuplicateStatement,
        Mutation::SwapStatements,
        Mutation::RebindGlobal,
    ];
}

/// Applies `m` to a copy of `module`.
pub fn mutate(module: &Module, m: Mutation, rng: &mut StdRng) -> Option<Module> {
    let mut out = module.clone();
    let done = match m {
        Mutation::BoundaryConstant => edit_nth_expr(&mut out, rng, is_int, |e, rng| {
            *e = Expr::int(BOUNDARY[pick(rng, BOUNDARY.len())]);
        }),
        Mutation::LoopCount => edit_nth_expr(&mut out, rng, is_range_call, |e, rng| {
            if let Expr::Call { args, .. } = e {
                let i = pick(rng, args.len());
                args[i] = Expr::int(TRIPS[pick(rng, TRIPS.len())]);
            }
        }),
        Mutation::DuplicateStatement => edit_nth_block(&mut out, rng, |b, rng| {
            let movable: Vec<usize> = (0..b.len()).filter(|&i| movable(&b[i])).collect();
            let &i = movable.get(pick(rng, movable.len()))?;
            let copy = b[i].clone();
            b.insert(i + 1, copy);
            Some(())
        }),
        Mutation::SwapStatements => edit_nth_block(&mut out, rng, |b, rng| {
            let pairs: Vec<usize> = (1..b.len())
                .filter(|&i| movable(&b[i - 1]) && movable(&b[i]))
                .collect();
            let &i = pairs.get(pick(rng, pairs.len()))?;
            b.swap(i - 1, i);
            Some(())
        }),
        Mutation::RebindGlobal => rebind_global(&mut out, rng),
    };
    done.map(|()| out)
}

/// A uniform index below `n` (0 when `n` is 0).
fn pick(rng: &mut StdRng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

fn is_int(e: &Expr) -> bool {
    matches!(e, Expr::Int(_))
}

fn is_range_call(e: &Expr) -> bool {
    matches!(e, Expr::Call { func, args, keywords }
        if matches!(&**func, Expr::Name(n) if n == "range")
            && !args.is_empty()
            && keywords.is_empty()
            && args.iter().all(|a| !matches!(a, Expr::Starred(_))))
}

/// Statements an edit may copy or move: not declarations, definitions or
/// imports (their position is part of the program's scoping).
fn movable(s: &Stmt) -> bool {
    !matches!(
        s,
        Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::FunctionDef { .. }
            | Stmt::ClassDef { .. }
            | Stmt::Decorated { .. }
            | Stmt::Import { .. }
            | Stmt::ImportFrom { .. }
    )
}

/// The statement blocks nested in `s` (class bodies excluded: their
/// contents are restricted).
fn blocks_mut(s: &mut Stmt) -> Vec<&mut Vec<Stmt>> {
    match s {
        Stmt::If { body, orelse, .. }
        | Stmt::While { body, orelse, .. }
        | Stmt::For { body, orelse, .. }
        | Stmt::ForUnpack { body, orelse, .. } => vec![body, orelse],
        Stmt::FunctionDef { body, .. } => vec![body],
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            let mut v = vec![body, orelse, finalbody];
            v.extend(handlers.iter_mut().map(|h| &mut h.body));
            v
        }
        _ => vec![],
    }
}

/// Calls `f` on every non-empty block, depth first, until it returns true.
fn each_block(body: &mut Vec<Stmt>, f: &mut dyn FnMut(&mut Vec<Stmt>) -> bool) -> bool {
    if !body.is_empty() && f(body) {
        return true;
    }
    for s in body.iter_mut() {
        for b in blocks_mut(s) {
            if each_block(b, f) {
                return true;
            }
        }
    }
    false
}

/// Applies `edit` to one block drawn uniformly.
fn edit_nth_block(
    m: &mut Module,
    rng: &mut StdRng,
    edit: impl Fn(&mut Vec<Stmt>, &mut StdRng) -> Option<()>,
) -> Option<()> {
    let mut n = 0;
    each_block(&mut m.body, &mut |_| {
        n += 1;
        false
    });
    if n == 0 {
        return None;
    }
    let mut k = pick(rng, n);
    let mut result = None;
    each_block(&mut m.body, &mut |b| {
        if k == 0 {
            result = edit(b, rng);
            return true;
        }
        k -= 1;
        false
    });
    result
}

/// Every expression of the module, depth first (statements, then each
/// expression's children).
fn each_expr(m: &mut Module, f: &mut dyn FnMut(&mut Expr)) {
    fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
        f(e);
        e.for_each_child_mut(&mut |c| expr(c, f));
    }
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| expr(e, f));
    }
}

/// Applies `edit` to one expression matching `wanted`, drawn uniformly.
fn edit_nth_expr(
    m: &mut Module,
    rng: &mut StdRng,
    wanted: fn(&Expr) -> bool,
    edit: impl Fn(&mut Expr, &mut StdRng),
) -> Option<()> {
    let mut n = 0usize;
    each_expr(m, &mut |e| n += wanted(e) as usize);
    if n == 0 {
        return None;
    }
    let mut k = pick(rng, n);
    let mut done = false;
    each_expr(m, &mut |e| {
        if !done && wanted(e) {
            if k == 0 {
                edit(e, rng);
                done = true;
            } else {
                k -= 1;
            }
        }
    });
    done.then_some(())
}

/// `if v == K: g = <value>` at the top of a module-level `for v in ...`
/// loop, for a global `g` the module assigns.
fn rebind_global(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    let globals: Vec<String> = m
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Assign { target, .. } => Some(target.clone()),
            _ => None,
        })
        .collect();
    let loops: Vec<usize> = (0..m.body.len())
        .filter(|&i| matches!(m.body[i], Stmt::For { .. }))
        .collect();
    if globals.is_empty() || loops.is_empty() {
        return None;
    }
    let g = globals[pick(rng, globals.len())].clone();
    let at = loops[pick(rng, loops.len())];
    let k = [0, 1, 2, 5, 17, 40][pick(rng, 6)];
    let value = match pick(rng, 5) {
        0 => Expr::float(0.5),
        1 => Expr::Str("s".into()),
        2 => Expr::None,
        3 => Expr::Bool(true),
        _ => Expr::int(1 << 62),
    };
    let Stmt::For { target, body, .. } = &mut m.body[at] else {
        return None;
    };
    let test = Expr::Compare {
        left: Box::new(Expr::name(target)),
        ops: vec![CmpOp::Eq],
        comparators: vec![Expr::int(k)],
    };
    body.insert(
        0,
        Stmt::If {
            test,
            body: vec![Stmt::Assign { target: g, value }],
            orelse: vec![],
        },
    );
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};
    use rand::SeedableRng;

    const PROGRAM: &str = "g = 3\ndef f(n):\n    t = 0\n    for i in range(n):\n        t += i * g\n    return t\nfor i in range(100):\n    x = f(10)\nprint(x, g)\n";

    #[test]
    fn each_mutation_edits_the_program_and_stays_parseable() {
        let m = parse_program(PROGRAM).unwrap();
        for mutation in Mutation::ALL {
            let mut changed = false;
            for seed in 0..20 {
                let mut rng = StdRng::seed_from_u64(seed);
                let Some(out) = mutate(&m, mutation, &mut rng) else {
                    continue;
                };
                let text = unparse(&out);
                if text != unparse(&m) {
                    changed = true;
                }
                parse_program(&text).unwrap_or_else(|e| panic!("{mutation:?}: {e:?}\n{text}"));
            }
            assert!(changed, "{mutation:?} never changed the program");
        }
    }

    #[test]
    fn rebinding_inserts_the_late_store_at_the_loop_top() {
        let m = parse_program(PROGRAM).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        let out = unparse(&mutate(&m, Mutation::RebindGlobal, &mut rng).unwrap());
        assert!(out.contains("for i in range(100):\n    if i == "), "{out}");
    }
}
