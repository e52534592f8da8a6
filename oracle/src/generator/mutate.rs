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
//! - rebind a variable at iteration K of a `for` loop: `if i == K: v =
//!   <a value of another type>` at the top of the body, for a module global
//!   (module-level loops) or a variable the loop body assigns (any loop),
//!   so the traces built for the old type must leave (guards failing late,
//!   deopts, invalidation, exceptions out of a trace);
//! - expression edits inside the code a trace records, which put uops
//!   side by side that the generator's templates seldom do: an arithmetic
//!   operator swapped for another, a comparison for another, an int
//!   operand retyped (float, bool), an operand wrapped in `-`, `~` or `+`,
//!   an operation pushed one stack slot deeper (`e` becomes `K op e`, so
//!   its uops run with another register variant).
//!
//! Splicing a statement from another program needs the corpus: it is
//! `generator::splice`, which the guided campaign calls itself.
//!
//! Loop termination is by construction in the generator; an edit must not
//! undo it, so the tests of `while` loops and of `if`s that `break` are set
//! aside while expressions are edited (a loop bound may still change: a
//! boundary constant there is bounded by the fuel limit).

use std::collections::BTreeSet;

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Module, Stmt, UnaryOp};
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
    RebindLocal,
    SwapOperator,
    SwapComparison,
    RetypeOperand,
    WrapOperand,
    Deepen,
}

impl Mutation {
    pub const ALL: [Mutation; 11] = [
        Mutation::BoundaryConstant,
        Mutation::LoopCount,
        Mutation::DuplicateStatement,
        Mutation::SwapStatements,
        Mutation::RebindGlobal,
        Mutation::RebindLocal,
        Mutation::SwapOperator,
        Mutation::SwapComparison,
        Mutation::RetypeOperand,
        Mutation::WrapOperand,
        Mutation::Deepen,
    ];
}

/// Operators an arithmetic operator may become: none of them grows an int
/// by more than its operands' width, except `*`, which the generator's
/// `% M` wrappers around most assignments bound.
const ARITH: [BinOp; 6] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::BitAnd,
    BinOp::BitOr,
    BinOp::BitXor,
];

/// Comparisons a comparison may become (`is` is left alone: its result on
/// ints depends on CPython's small-int cache).
const ORDER: [CmpOp; 6] = [
    CmpOp::Lt,
    CmpOp::LtE,
    CmpOp::Gt,
    CmpOp::GtE,
    CmpOp::Eq,
    CmpOp::NotEq,
];

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
        Mutation::RebindLocal => rebind_local(&mut out, rng),
        Mutation::SwapOperator => loop_tests_set_aside(&mut out, |m| swap_operator(m, rng)),
        Mutation::SwapComparison => loop_tests_set_aside(&mut out, |m| swap_comparison(m, rng)),
        Mutation::RetypeOperand => loop_tests_set_aside(&mut out, |m| retype_operand(m, rng)),
        Mutation::WrapOperand => loop_tests_set_aside(&mut out, |m| wrap_operand(m, rng)),
        Mutation::Deepen => loop_tests_set_aside(&mut out, |m| deepen(m, rng)),
    };
    done.map(|()| out)
}

/// `if v == K: x = <value of another type>` at the top of a `for v`
/// loop, for a variable `x` the body assigns or reads as an operand.
fn rebind_local(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_loop(m, rng, |scope, target, body, rng| {
        let mut names = BTreeSet::new();
        for s in body.iter() {
            if let Stmt::Assign { target: t, .. } | Stmt::AugAssign { target: t, .. } = s {
                names.insert(t.clone());
            }
            s.for_each_expr(&mut |e| operand_names(e, &mut names));
        }
        // In a function, only its own variables: assigning any other
        // name would make it local there, and its reads unbound.
        let names: Vec<String> = names
            .into_iter()
            .filter(|n| n != target && scope.is_none_or(|s| s.contains(n)))
            .collect();
        let name = names.get(pick(rng, names.len()))?.clone();
        body.insert(0, late_store(target, name, rng));
        Some(())
    })
}

/// An arithmetic operator becomes another of [`ARITH`].
fn swap_operator(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_expr(m, rng, is_arith, |e, rng| {
        if let Expr::BinOp { op, .. } = e {
            *op = other(&ARITH, *op, rng);
        }
    })
}

/// One comparison of a chain becomes another of [`ORDER`].
fn swap_comparison(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_expr(m, rng, is_ordering, |e, rng| {
        if let Expr::Compare { ops, .. } = e {
            let i = pick(rng, ops.len());
            ops[i] = other(&ORDER, ops[i], rng);
        }
    })
}

/// An int literal operand of arithmetic becomes a float or a bool.
fn retype_operand(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_expr(m, rng, has_int_operand, |e, rng| {
        let Expr::BinOp { left, right, .. } = e else {
            return;
        };
        let side = if is_int(left) && (!is_int(right) || rng.next_u64() % 2 == 0) {
            left
        } else {
            right
        };
        let Expr::Int(digits) = &**side else {
            return;
        };
        let v: f64 = digits.parse().unwrap_or(0.0);
        **side = if rng.next_u64() % 3 == 0 {
            Expr::Bool(v != 0.0)
        } else {
            Expr::float(v)
        };
    })
}

/// An operand of arithmetic is wrapped in `-`, `~` or `+`.
fn wrap_operand(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_expr(m, rng, is_arith, |e, rng| {
        let Expr::BinOp { left, right, .. } = e else {
            return;
        };
        let side = if rng.next_u64() % 2 == 0 { left } else { right };
        let op = [UnaryOp::Neg, UnaryOp::Invert, UnaryOp::Pos][pick(rng, 3)];
        let operand = std::mem::replace(&mut **side, Expr::None);
        **side = Expr::UnaryOp {
            op,
            operand: Box::new(operand),
        };
    })
}

/// An arithmetic operation `e` becomes `K op e`: its uops then run one
/// stack slot deeper, with other register variants.
fn deepen(m: &mut Module, rng: &mut StdRng) -> Option<()> {
    edit_nth_expr(m, rng, is_arith, |e, rng| {
        let op = ARITH[pick(rng, ARITH.len())];
        let k = [0, 1, -1, 2, 3][pick(rng, 5)];
        let inner = std::mem::replace(e, Expr::None);
        *e = Expr::BinOp {
            op,
            left: Box::new(Expr::int(k)),
            right: Box::new(inner),
        };
    })
}

/// Another item of `set` than `now` (any item if `now` is not in it).
fn other<T: Copy + PartialEq>(set: &[T], now: T, rng: &mut StdRng) -> T {
    let others: Vec<T> = set.iter().copied().filter(|&x| x != now).collect();
    others[pick(rng, others.len())]
}

fn is_arith(e: &Expr) -> bool {
    matches!(e, Expr::BinOp { op, .. } if ARITH.contains(op))
}

fn is_ordering(e: &Expr) -> bool {
    matches!(e, Expr::Compare { ops, .. } if ops.iter().all(|o| ORDER.contains(o)))
}

/// An arithmetic operation (not bitwise: floats have none) with an int
/// literal operand.
fn has_int_operand(e: &Expr) -> bool {
    matches!(e, Expr::BinOp { op: BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod, left, right }
        if is_int(left) || is_int(right))
}

/// Runs `edit` with the tests that end loops replaced by a placeholder
/// (no expression edit matches it), and puts them back: the tests of
/// `while` loops and of `if` statements whose body breaks out of a loop.
fn loop_tests_set_aside(
    m: &mut Module,
    edit: impl FnOnce(&mut Module) -> Option<()>,
) -> Option<()> {
    fn walk(body: &mut [Stmt], f: &mut dyn FnMut(&mut Expr)) {
        for s in body {
            match s {
                Stmt::While { test, .. } => f(test),
                Stmt::If { test, body, .. } if body.iter().any(|s| matches!(s, Stmt::Break)) => {
                    f(test)
                }
                _ => {}
            }
            match s {
                // Method bodies too (`blocks_mut` leaves class bodies out).
                Stmt::ClassDef { body, .. } => walk(body, f),
                Stmt::Decorated { def, .. } => walk(std::slice::from_mut(&mut **def), f),
                _ => {
                    for b in blocks_mut(s) {
                        walk(b, f);
                    }
                }
            }
        }
    }
    let mut kept = vec![];
    walk(&mut m.body, &mut |t| {
        kept.push(std::mem::replace(t, Expr::None))
    });
    let done = edit(m);
    let mut kept = kept.into_iter();
    walk(&mut m.body, &mut |t| {
        *t = kept.next().expect("the same tests")
    });
    done
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

/// Values of another type than a variable's, whatever it was: each sends
/// the traces built for the old type down another path (a guard failing,
/// another specialization, an exception out of a trace). A small int is
/// among them for the floats, strings and containers a variable may hold.
fn other_type_value(rng: &mut StdRng) -> Expr {
    match pick(rng, 11) {
        0 => Expr::float(0.5),
        1 => Expr::float(-0.0),
        2 => Expr::Str("s".into()),
        3 => Expr::None,
        4 => Expr::Bool(true),
        5 => Expr::Bool(false),
        6 => Expr::int(3),
        7 => Expr::int(1 << 62),
        8 => Expr::int(-(1 << 63)),
        9 => Expr::List(vec![Expr::int(1)]),
        _ => Expr::Tuple(vec![Expr::int(1)]),
    }
}

/// `if v == K: name = <value of another type>`, for a loop over `v`.
fn late_store(v: &str, name: String, rng: &mut StdRng) -> Stmt {
    let k = [0, 1, 2, 5, 17, 40][pick(rng, 6)];
    Stmt::If {
        test: Expr::Compare {
            left: Box::new(Expr::name(v)),
            ops: vec![CmpOp::Eq],
            comparators: vec![Expr::int(k)],
        },
        body: vec![Stmt::Assign {
            target: name,
            value: other_type_value(rng),
        }],
        orelse: vec![],
    }
}

/// Names read as operands of arithmetic or comparisons in `e`: where a
/// value of another type meets a guard that checks one operand only.
fn operand_names(e: &Expr, out: &mut BTreeSet<String>) {
    let mut add = |x: &Expr| {
        if let Expr::Name(n) = x {
            out.insert(n.clone());
        }
    };
    match e {
        Expr::BinOp { left, right, .. } => {
            add(left);
            add(right);
        }
        Expr::Compare {
            left, comparators, ..
        } => {
            add(left);
            comparators.iter().for_each(add);
        }
        _ => {}
    }
    e.for_each_child(&mut |c| operand_names(c, out));
}

/// The names a function binds in its own scope: parameters, assignment
/// and `for` targets, names it declares global (nested functions'
/// excluded; other binding forms are left out, which only narrows what a
/// rebinding may pick).
fn bound_names(params: &[String], body: &[Stmt]) -> BTreeSet<String> {
    fn walk(body: &[Stmt], out: &mut BTreeSet<String>) {
        for s in body {
            match s {
                Stmt::Assign { target, .. }
                | Stmt::AugAssign { target, .. }
                | Stmt::For { target, .. } => {
                    out.insert(target.clone());
                }
                Stmt::Global(names) => out.extend(names.iter().cloned()),
                _ => {}
            }
            match s {
                Stmt::FunctionDef { .. } | Stmt::ClassDef { .. } | Stmt::Decorated { .. } => {}
                Stmt::If { body, orelse, .. }
                | Stmt::While { body, orelse, .. }
                | Stmt::For { body, orelse, .. }
                | Stmt::ForUnpack { body, orelse, .. } => {
                    walk(body, out);
                    walk(orelse, out);
                }
                Stmt::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    walk(body, out);
                    handlers.iter().for_each(|h| walk(&h.body, out));
                    walk(orelse, out);
                    walk(finalbody, out);
                }
                _ => {}
            }
        }
    }
    let mut out: BTreeSet<String> = params.iter().cloned().collect();
    walk(body, &mut out);
    out
}

/// A loop edit: the names of the loop's scope (`None` at module level,
/// where any name is a global), the loop's target, its body.
type LoopEdit<'e> = dyn FnMut(Option<&BTreeSet<String>>, &str, &mut Vec<Stmt>) -> bool + 'e;

/// Calls `f` on every `for` loop (module level, in functions, in methods),
/// depth first, until it returns true.
fn each_for_loop(body: &mut [Stmt], scope: Option<&BTreeSet<String>>, f: &mut LoopEdit) -> bool {
    for s in body.iter_mut() {
        if let Stmt::For { target, body, .. } = s
            && f(scope, target, body)
        {
            return true;
        }
        let done = match s {
            Stmt::FunctionDef { params, body, .. } => {
                let names = bound_names(params, body);
                each_for_loop(body, Some(&names), f)
            }
            Stmt::ClassDef { body, .. } => each_for_loop(body, None, f),
            Stmt::Decorated { def, .. } => {
                each_for_loop(std::slice::from_mut(&mut **def), scope, f)
            }
            _ => blocks_mut(s)
                .into_iter()
                .any(|b| each_for_loop(b, scope, f)),
        };
        if done {
            return true;
        }
    }
    false
}

/// Applies `edit` to one `for` loop drawn uniformly.
fn edit_nth_loop(
    m: &mut Module,
    rng: &mut StdRng,
    edit: impl Fn(Option<&BTreeSet<String>>, &str, &mut Vec<Stmt>, &mut StdRng) -> Option<()>,
) -> Option<()> {
    let mut n = 0;
    each_for_loop(&mut m.body, None, &mut |_, _, _| {
        n += 1;
        false
    });
    if n == 0 {
        return None;
    }
    let mut k = pick(rng, n);
    let mut result = None;
    each_for_loop(&mut m.body, None, &mut |scope, target, body| {
        if k == 0 {
            result = edit(scope, target, body, rng);
            return true;
        }
        k -= 1;
        false
    });
    result
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
    let Stmt::For { target, body, .. } = &mut m.body[at] else {
        return None;
    };
    body.insert(0, late_store(target, g, rng));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};
    use rand::SeedableRng;

    const PROGRAM: &str = "g = 3\ndef f(n):\n    t = 0\n    for i in range(n):\n        t += i * g + 1\n        if t > 5 and i < 3:\n            t -= 1\n    return t\nfor i in range(100):\n    x = f(10)\nprint(x, g)\n";

    /// Loops whose end an edit must not move.
    const LOOPS: &str = "class C:\n    def m(self):\n        w = 0\n        while w < 9 + 1:\n            w += 1\n        return w\nw = 0\nwhile True:\n    w += 1\n    if w > 2 * 5:\n        break\n    x = w * 3 + 1 < 7\nprint(w, C().m(), x)\n";

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
    fn expression_edits_leave_loop_ends_alone() {
        let m = parse_program(LOOPS).unwrap();
        let ends = ["while w < 9 + 1:", "while True:", "if w > 2 * 5:"];
        let mut changed = 0;
        for mutation in [
            Mutation::SwapOperator,
            Mutation::SwapComparison,
            Mutation::RetypeOperand,
            Mutation::WrapOperand,
        ] {
            for seed in 0..50 {
                let mut rng = StdRng::seed_from_u64(seed);
                let Some(out) = mutate(&m, mutation, &mut rng) else {
                    continue;
                };
                let text = unparse(&out);
                changed += (text != unparse(&m)) as u32;
                for end in ends {
                    assert!(text.contains(end), "{mutation:?} moved {end:?}:\n{text}");
                }
            }
        }
        assert!(
            changed > 100,
            "the edits changed only {changed} of 200 mutants"
        );
    }

    #[test]
    fn local_rebinding_reaches_loops_in_functions() {
        let m = parse_program(PROGRAM).unwrap();
        let texts: Vec<String> = (0..20)
            .filter_map(|seed| {
                let mut rng = StdRng::seed_from_u64(seed);
                mutate(&m, Mutation::RebindLocal, &mut rng).map(|out| unparse(&out))
            })
            .collect();
        let in_function = "    for i in range(n):\n        if i == ";
        assert!(
            texts
                .iter()
                .any(|t| t.contains(in_function) && t.contains("        t = ")),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("for i in range(100):\n    if i == "))
        );
        // `g` is read in `f`'s loop but is a global there: assigning it in
        // `f` would make every read of it in `f` unbound.
        assert!(
            !texts.iter().any(|t| t.contains("            g = ")),
            "{texts:#?}"
        );
    }

    #[test]
    fn rebinding_inserts_the_late_store_at_the_loop_top() {
        let m = parse_program(PROGRAM).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        let out = unparse(&mutate(&m, Mutation::RebindGlobal, &mut rng).unwrap());
        assert!(out.contains("for i in range(100):\n    if i == "), "{out}");
    }
}
