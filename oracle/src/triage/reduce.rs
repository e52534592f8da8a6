//! The program reducer: AST passes iterated to a fixpoint while a predicate
//! (usually "the signature still holds") stays true, in the spirit of
//! C-Reduce: delete statements (largest chunks first, as delta debugging),
//! unwrap blocks and loops, replace expressions by a subexpression or a
//! constant, shrink integers and loop counts, then rename to short names.
//! Every candidate is printed and re-parsed, so a reduced program is always
//! valid S0 (and so valid Python). Deterministic; bounded by a time budget.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use jitdiff_vm::lang::ast::{Keyword, StarParams, Target};
use jitdiff_vm::lang::{Expr, Module, Stmt, parse_program, unparse};

#[path = "reduce_classes.rs"]
mod classes;
#[path = "reduce_exceptions.rs"]
mod exceptions;
#[path = "reduce_rename.rs"]
mod rename;
use rename::rename;

pub struct Reduced {
    pub module: Module,
    /// Candidates tried and accepted.
    pub checks: u64,
    pub accepted: u64,
    pub seconds: f64,
    pub timed_out: bool,
}

/// Reduces `module` while `keeps` holds. `progress` sees (checks, lines).
pub fn reduce(
    module: &Module,
    budget: Duration,
    keeps: &mut dyn FnMut(&Module) -> bool,
    progress: &mut dyn FnMut(u64, usize),
) -> Reduced {
    let start = Instant::now();
    let mut current = module.clone();
    let (mut checks, mut accepted) = (0u64, 0u64);
    let mut timed_out = false;
    // Candidates that failed, by text: the same candidate comes back in
    // every round, and checking it again is the bulk of the cost.
    let mut failed: HashSet<String> = HashSet::new();
    // Structural passes (delete, unwrap) to a fixpoint, then expression
    // passes; repeat while the expression passes make progress.
    let mut current_text = unparse(&current);
    'outer: loop {
        let mut progressed_any = false;
        for pass in [Pass::Structure, Pass::Expressions] {
            // Sweep the candidates; after an accepted one, regenerate and go
            // on from the same position (the ones before it mostly still
            // fail), and sweep again from the start until a sweep accepts
            // nothing.
            let mut sweep_progressed = true;
            while sweep_progressed {
                sweep_progressed = false;
                let mut cands = candidates(&current, pass);
                let mut i = 0;
                while i < cands.len() {
                    if start.elapsed() >= budget {
                        timed_out = true;
                        break 'outer;
                    }
                    let Some(cand) = normalize(&cands[i]) else {
                        i += 1;
                        continue;
                    };
                    i += 1;
                    let text = unparse(&cand);
                    // Only strictly smaller programs (shorter, or as long and
                    // lexicographically smaller): the reduction always ends.
                    if (text.len(), &text) >= (current_text.len(), &current_text)
                        || failed.contains(&text)
                    {
                        continue;
                    }
                    checks += 1;
                    if keeps(&cand) {
                        current = cand;
                        accepted += 1;
                        sweep_progressed = true;
                        progressed_any = true;
                        progress(checks, text.lines().count());
                        current_text = text;
                        cands = candidates(&current, pass);
                        i = i.saturating_sub(1);
                        continue;
                    }
                    failed.insert(text);
                }
            }
        }
        if !progressed_any {
            break;
        }
    }
    if !timed_out {
        let renamed = rename(&current);
        if renamed != current && normalize(&renamed).is_some() {
            checks += 1;
            if keeps(&renamed) {
                current = renamed;
                accepted += 1;
            }
        }
    }
    Reduced {
        module: current,
        checks,
        accepted,
        seconds: start.elapsed().as_secs_f64(),
        timed_out,
    }
}

/// Print and re-parse: rejects invalid candidates (e.g. a `break` unwrapped
/// out of its loop) and canonicalizes empty bodies to `pass`.
fn normalize(m: &Module) -> Option<Module> {
    parse_program(&unparse(m)).ok()
}

/// Which kind of change a round of candidates makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Delete statements, unwrap blocks and loops.
    Structure,
    /// Replace expressions by subexpressions or constants, shrink ints.
    Expressions,
}

fn candidates(m: &Module, pass: Pass) -> Vec<Module> {
    list_variants(&m.body, pass)
        .into_iter()
        .map(|body| Module { body })
        .collect()
}

/// Variants of a statement list: chunk deletions (largest first), then each
/// statement replaced by each of its variants.
fn list_variants(body: &[Stmt], pass: Pass) -> Vec<Vec<Stmt>> {
    let n = body.len();
    let mut out = Vec::new();
    let mut chunk = n.div_ceil(2).max(1);
    while pass == Pass::Structure && chunk >= 1 && n > 0 {
        for start in (0..n).step_by(chunk) {
            let mut v = body[..start].to_vec();
            v.extend_from_slice(&body[(start + chunk).min(n)..]);
            out.push(v);
        }
        // Halve down to single statements, then stop.
        chunk = if chunk == 1 { 0 } else { chunk.div_ceil(2) };
    }
    for (i, s) in body.iter().enumerate() {
        for rep in stmt_variants(s, pass) {
            let mut v = body[..i].to_vec();
            v.extend(rep);
            v.extend_from_slice(&body[i + 1..]);
            out.push(v);
        }
    }
    out
}

fn nonempty(v: Vec<Stmt>) -> Vec<Stmt> {
    if v.is_empty() { vec![Stmt::Pass] } else { v }
}

fn stmt_variants(s: &Stmt, pass: Pass) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    let structure = pass == Pass::Structure;
    // Expression variants only in the expression pass.
    let expr_variants = |e: &Expr| if structure { vec![] } else { expr_variants(e) };
    let list_variants = |b: &[Stmt]| list_variants(b, pass);
    match s {
        Stmt::If { test, body, orelse } => {
            if structure {
                out.push(body.clone());
                if !orelse.is_empty() {
                    out.push(orelse.clone());
                    out.push(vec![Stmt::If {
                        test: test.clone(),
                        body: body.clone(),
                        orelse: vec![],
                    }]);
                }
            }
            for t in expr_variants(test) {
                out.push(vec![Stmt::If {
                    test: t,
                    body: body.clone(),
                    orelse: orelse.clone(),
                }]);
            }
            for b in list_variants(body) {
                out.push(vec![Stmt::If {
                    test: test.clone(),
                    body: nonempty(b),
                    orelse: orelse.clone(),
                }]);
            }
            for o in list_variants(orelse) {
                out.push(vec![Stmt::If {
                    test: test.clone(),
                    body: body.clone(),
                    orelse: o,
                }]);
            }
        }
        Stmt::While { test, body, orelse } => {
            if structure {
                out.push(body.clone());
            }
            for o in list_variants(orelse) {
                out.push(vec![Stmt::While {
                    test: test.clone(),
                    body: body.clone(),
                    orelse: o,
                }]);
            }
            for t in expr_variants(test) {
                out.push(vec![Stmt::While {
                    test: t,
                    body: body.clone(),
                    orelse: orelse.clone(),
                }]);
            }
            for b in list_variants(body) {
                out.push(vec![Stmt::While {
                    test: test.clone(),
                    body: nonempty(b),
                    orelse: orelse.clone(),
                }]);
            }
        }
        Stmt::For {
            target,
            iter,
            body,
            orelse,
        } => {
            if structure {
                out.push(body.clone());
            }
            for o in list_variants(orelse) {
                out.push(vec![Stmt::For {
                    target: target.clone(),
                    iter: iter.clone(),
                    body: body.clone(),
                    orelse: o,
                }]);
            }
            for it in expr_variants(iter) {
                out.push(vec![Stmt::For {
                    target: target.clone(),
                    iter: it,
                    body: body.clone(),
                    orelse: orelse.clone(),
                }]);
            }
            for b in list_variants(body) {
                out.push(vec![Stmt::For {
                    target: target.clone(),
                    iter: iter.clone(),
                    body: nonempty(b),
                    orelse: orelse.clone(),
                }]);
            }
        }
        Stmt::ForUnpack {
            targets,
            iter,
            body,
            orelse,
        } => {
            if structure {
                out.push(body.clone());
            }
            let rebuild = |it: &Expr, b: Vec<Stmt>, o: Vec<Stmt>| {
                vec![Stmt::ForUnpack {
                    targets: targets.clone(),
                    iter: it.clone(),
                    body: b,
                    orelse: o,
                }]
            };
            for o in list_variants(orelse) {
                out.push(rebuild(iter, body.clone(), o));
            }
            for it in expr_variants(iter) {
                out.push(rebuild(&it, body.clone(), orelse.clone()));
            }
            for b in list_variants(body) {
                out.push(rebuild(iter, nonempty(b), orelse.clone()));
            }
        }
        Stmt::FunctionDef {
            decorators,
            name,
            params,
            defaults,
            body,
            star,
        } => {
            // Decorators are kept whole but for dropping the lot (the
            // undecorated def is the smaller program).
            if !decorators.is_empty() {
                out.push(vec![Stmt::FunctionDef {
                    decorators: vec![],
                    name: name.clone(),
                    params: params.clone(),
                    defaults: defaults.clone(),
                    body: body.clone(),
                    star: star.clone(),
                }]);
            }
            let rebuild = |defaults: Vec<Expr>, body: Vec<Stmt>, star: StarParams| {
                vec![Stmt::FunctionDef {
                    decorators: decorators.clone(),
                    name: name.clone(),
                    params: params.clone(),
                    defaults,
                    body,
                    star,
                }]
            };
            for b in list_variants(body) {
                out.push(rebuild(defaults.clone(), nonempty(b), star.clone()));
            }
            if !defaults.is_empty() {
                // Without defaults every keyword-only parameter is required.
                let mut required = star.clone();
                required.kwonly.iter_mut().for_each(|(_, d)| *d = false);
                out.push(rebuild(vec![], body.clone(), required));
            }
            for i in 0..defaults.len() {
                for x in expr_variants(&defaults[i]) {
                    let mut d = defaults.clone();
                    d[i] = x;
                    out.push(rebuild(d, body.clone(), star.clone()));
                }
            }
        }
        Stmt::Assign { target, value } => {
            for v in expr_variants(value) {
                out.push(vec![Stmt::Assign {
                    target: target.clone(),
                    value: v,
                }]);
            }
        }
        Stmt::AugAssign { target, op, value } => {
            if structure {
                out.push(vec![Stmt::Assign {
                    target: target.clone(),
                    value: value.clone(),
                }]);
            }
            for v in expr_variants(value) {
                out.push(vec![Stmt::AugAssign {
                    target: target.clone(),
                    op: *op,
                    value: v,
                }]);
            }
        }
        Stmt::AssignSubscript {
            container,
            index,
            value,
        } => {
            if structure {
                out.push(vec![Stmt::Expr(value.clone())]);
            }
            let rebuild = |c: &Expr, i: &Expr, v: &Expr| {
                vec![Stmt::AssignSubscript {
                    container: c.clone(),
                    index: i.clone(),
                    value: v.clone(),
                }]
            };
            for v in expr_variants(value) {
                out.push(rebuild(container, index, &v));
            }
            for c in expr_variants(container) {
                out.push(rebuild(&c, index, value));
            }
            for i in expr_variants(index) {
                out.push(rebuild(container, &i, value));
            }
        }
        Stmt::AugAssignSubscript {
            container,
            index,
            op,
            value,
        } => {
            if structure {
                out.push(vec![Stmt::AssignSubscript {
                    container: container.clone(),
                    index: index.clone(),
                    value: value.clone(),
                }]);
            }
            for v in expr_variants(value) {
                out.push(vec![Stmt::AugAssignSubscript {
                    container: container.clone(),
                    index: index.clone(),
                    op: *op,
                    value: v,
                }]);
            }
        }
        Stmt::Delete(targets) if targets.len() > 1 => {
            // One target fewer.
            for i in 0..targets.len() {
                let mut fewer = targets.clone();
                fewer.remove(i);
                out.push(vec![Stmt::Delete(fewer)]);
            }
        }
        Stmt::AssignChain { targets, value } => {
            // One target fewer (down to a plain assignment or unpacking).
            for i in 0..targets.len() {
                let mut fewer = targets.clone();
                fewer.remove(i);
                out.push(vec![match fewer.as_slice() {
                    [Target::Name(n)] => Stmt::Assign {
                        target: n.clone(),
                        value: value.clone(),
                    },
                    [Target::Unpack(ts)] => Stmt::Unpack {
                        targets: ts.clone(),
                        value: value.clone(),
                    },
                    _ => Stmt::AssignChain {
                        targets: fewer,
                        value: value.clone(),
                    },
                }]);
            }
            for v in expr_variants(value) {
                out.push(vec![Stmt::AssignChain {
                    targets: targets.clone(),
                    value: v,
                }]);
            }
        }
        Stmt::Unpack { targets, value } => {
            if structure {
                for t in targets {
                    if let Target::Name(n) = t {
                        out.push(vec![Stmt::Assign {
                            target: n.clone(),
                            value: value.clone(),
                        }]);
                    }
                }
            }
            for v in expr_variants(value) {
                out.push(vec![Stmt::Unpack {
                    targets: targets.clone(),
                    value: v,
                }]);
            }
        }
        Stmt::Expr(e) => {
            for v in expr_variants(e) {
                out.push(vec![Stmt::Expr(v)]);
            }
        }
        Stmt::Return(Some(e)) => {
            if structure {
                out.push(vec![Stmt::Return(None)]);
            }
            for v in expr_variants(e) {
                out.push(vec![Stmt::Return(Some(v))]);
            }
        }
        Stmt::ClassDef { .. }
        | Stmt::Decorated { .. }
        | Stmt::AssignAttr { .. }
        | Stmt::AugAssignAttr { .. } => out = classes::variants(s, pass),
        Stmt::Try { .. } | Stmt::RaiseFrom { .. } => out = exceptions::variants(s, pass),
        // `raise e` becomes `e` (the value may be what matters), an
        // `assert` its test; the expressions shrink in place.
        Stmt::Raise(Some(e)) => {
            if structure {
                out.push(vec![Stmt::Expr(e.clone())]);
            }
            for v in expr_variants(e) {
                out.push(vec![Stmt::Raise(Some(v))]);
            }
        }
        Stmt::Raise(None) => {}
        Stmt::Assert { test, msg } => {
            if structure {
                out.push(vec![Stmt::Expr(test.clone())]);
                if msg.is_some() {
                    out.push(vec![Stmt::Assert {
                        test: test.clone(),
                        msg: None,
                    }]);
                }
            }
            for t in expr_variants(test) {
                out.push(vec![Stmt::Assert {
                    test: t,
                    msg: msg.clone(),
                }]);
            }
        }
        // One target: the statement list drops it whole.
        Stmt::Delete(_)
        | Stmt::Return(None)
        | Stmt::Break
        | Stmt::Continue
        | Stmt::Pass
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Import { .. }
        | Stmt::ImportFrom { .. } => {}
    }
    out
}

/// Variants of an expression: small constants, its subexpressions, and the
/// same node with one child simplified.
fn expr_variants(e: &Expr) -> Vec<Expr> {
    let mut out = Vec::new();
    let zero = Expr::Int("0".into());
    let one = Expr::Int("1".into());
    match e {
        Expr::Int(d) => {
            for smaller in shrink_digits(d) {
                out.push(Expr::Int(smaller));
            }
            return out;
        }
        // A float stays a float (its type is often the point), only shorter.
        Expr::Float(bits) => {
            let text = |b: u64| jitdiff_vm::lang::unparse::unparse_expr(&Expr::Float(b)).len();
            for v in [0.0f64, 1.0, 0.5] {
                if text(v.to_bits()) < text(*bits) {
                    out.push(Expr::Float(v.to_bits()));
                }
            }
            return out;
        }
        // `super()` is only valid as a receiver: nothing smaller.
        Expr::Super => return out,
        Expr::Bool(_) | Expr::None | Expr::Name(_) => {
            if *e != zero {
                out.push(zero);
            }
            return out;
        }
        _ => {
            out.push(zero);
            out.push(one);
        }
    }
    match e {
        Expr::UnaryOp { op, operand } => {
            out.push((**operand).clone());
            out.extend(expr_variants(operand).into_iter().map(|x| Expr::UnaryOp {
                op: *op,
                operand: Box::new(x),
            }));
        }
        Expr::BinOp { op, left, right } => {
            out.push((**left).clone());
            out.push((**right).clone());
            out.extend(expr_variants(left).into_iter().map(|x| Expr::BinOp {
                op: *op,
                left: Box::new(x),
                right: right.clone(),
            }));
            out.extend(expr_variants(right).into_iter().map(|x| Expr::BinOp {
                op: *op,
                left: left.clone(),
                right: Box::new(x),
            }));
        }
        Expr::BoolOp { op, values } => {
            out.extend(values.iter().cloned());
            for i in 0..values.len() {
                if values.len() > 2 {
                    let mut v = values.clone();
                    v.remove(i);
                    out.push(Expr::BoolOp { op: *op, values: v });
                }
                for x in expr_variants(&values[i]) {
                    let mut v = values.clone();
                    v[i] = x;
                    out.push(Expr::BoolOp { op: *op, values: v });
                }
            }
        }
        Expr::Compare {
            left,
            ops,
            comparators,
        } => {
            out.push((**left).clone());
            out.extend(comparators.iter().cloned());
            if ops.len() > 1 {
                out.push(Expr::Compare {
                    left: left.clone(),
                    ops: ops[..1].to_vec(),
                    comparators: comparators[..1].to_vec(),
                });
            }
            out.extend(expr_variants(left).into_iter().map(|x| Expr::Compare {
                left: Box::new(x),
                ops: ops.clone(),
                comparators: comparators.clone(),
            }));
            for i in 0..comparators.len() {
                for x in expr_variants(&comparators[i]) {
                    let mut c = comparators.clone();
                    c[i] = x;
                    out.push(Expr::Compare {
                        left: left.clone(),
                        ops: ops.clone(),
                        comparators: c,
                    });
                }
            }
        }
        Expr::IfExp { test, body, orelse } => {
            out.push((**body).clone());
            out.push((**orelse).clone());
            let rebuild = |t: &Expr, b: &Expr, o: &Expr| Expr::IfExp {
                test: Box::new(t.clone()),
                body: Box::new(b.clone()),
                orelse: Box::new(o.clone()),
            };
            out.extend(expr_variants(test).iter().map(|x| rebuild(x, body, orelse)));
            out.extend(expr_variants(body).iter().map(|x| rebuild(test, x, orelse)));
            out.extend(expr_variants(orelse).iter().map(|x| rebuild(test, body, x)));
        }
        Expr::Call {
            func,
            args,
            keywords,
        } => {
            out.extend(args.iter().cloned());
            let call = |a: Vec<Expr>, k: Vec<Keyword>| Expr::Call {
                func: func.clone(),
                args: a,
                keywords: k,
            };
            for i in 0..args.len() {
                let mut a = args.clone();
                a.remove(i);
                out.push(call(a, keywords.clone()));
                for x in expr_variants(&args[i]) {
                    let mut a = args.clone();
                    a[i] = x;
                    out.push(call(a, keywords.clone()));
                }
            }
            for i in 0..keywords.len() {
                let mut k = keywords.clone();
                k.remove(i);
                out.push(call(args.clone(), k));
                for x in expr_variants(&keywords[i].value) {
                    let mut k = keywords.clone();
                    k[i].value = x;
                    out.push(call(args.clone(), k));
                }
            }
        }
        // A string stays a string (its type is often the point), only shorter.
        Expr::Str(s) => {
            for shorter in ["", "a"] {
                if shorter.len() < s.len() {
                    out.push(Expr::Str(shorter.into()));
                }
            }
        }
        Expr::Tuple(items) => seq_variants(items, Expr::Tuple, &mut out),
        Expr::List(items) => seq_variants(items, Expr::List, &mut out),
        Expr::Dict(items) => dict_variants(items, &mut out),
        Expr::MethodCall {
            receiver,
            method,
            args,
        } => {
            out.push((**receiver).clone());
            let call = |r: &Expr, a: Vec<Expr>| Expr::MethodCall {
                receiver: Box::new(r.clone()),
                method: method.clone(),
                args: a,
            };
            out.extend(
                expr_variants(receiver)
                    .iter()
                    .map(|r| call(r, args.clone())),
            );
            let mut arg_variants = Vec::new();
            seq_variants(args, |a| call(receiver, a), &mut arg_variants);
            out.extend(arg_variants);
        }
        Expr::Subscript { value, index } => {
            out.push((**value).clone());
            let sub = |v: &Expr, i: &Expr| Expr::Subscript {
                value: Box::new(v.clone()),
                index: Box::new(i.clone()),
            };
            out.extend(expr_variants(value).iter().map(|v| sub(v, index)));
            out.extend(expr_variants(index).iter().map(|i| sub(value, i)));
        }
        Expr::Slice { lower, upper, step } => {
            let parts = [lower, upper, step];
            for k in 0..3 {
                let Some(p) = parts[k] else { continue };
                let mut options: Vec<Option<Box<Expr>>> = vec![None];
                options.extend(expr_variants(p).into_iter().map(|x| Some(Box::new(x))));
                for o in options {
                    let mut ps = parts.map(|p| p.clone());
                    ps[k] = o;
                    let [lower, upper, step] = ps;
                    out.push(Expr::Slice { lower, upper, step });
                }
            }
        }
        _ => {}
    }
    out
}

/// Variants of a display or an argument list: each element alone, one
/// element removed, one element simplified.
fn seq_variants(items: &[Expr], rebuild: impl Fn(Vec<Expr>) -> Expr, out: &mut Vec<Expr>) {
    out.extend(items.iter().cloned());
    for i in 0..items.len() {
        let mut fewer = items.to_vec();
        fewer.remove(i);
        out.push(rebuild(fewer));
        for x in expr_variants(&items[i]) {
            let mut v = items.to_vec();
            v[i] = x;
            out.push(rebuild(v));
        }
    }
}

/// A dict with one item fewer, or one key or value smaller. The result stays
/// a dict: its type is usually what the program is about.
fn dict_variants(items: &[(Expr, Expr)], out: &mut Vec<Expr>) {
    for i in 0..items.len() {
        let mut fewer = items.to_vec();
        fewer.remove(i);
        out.push(Expr::Dict(fewer));
        for k in expr_variants(&items[i].0) {
            let mut v = items.to_vec();
            v[i].0 = k;
            out.push(Expr::Dict(v));
        }
        for x in expr_variants(&items[i].1) {
            let mut v = items.to_vec();
            v[i].1 = x;
            out.push(Expr::Dict(v));
        }
    }
}

/// Smaller integer literals: 0, 1, half, and fewer digits.
fn shrink_digits(d: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in ["0", "1"] {
        if d != c {
            out.push(c.to_string());
        }
    }
    if d.len() > 1 {
        out.push(d[..d.len() - 1].to_string());
        out.push(d[1..].trim_start_matches('0').to_string());
    }
    if let Ok(v) = d.parse::<u128>()
        && v > 2
    {
        // Halving, not decrementing: `v - 1` would crawl through every value.
        out.push((v / 2).to_string());
    }
    out.retain(|s| !s.is_empty() && s.as_str() != d);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for "the signature holds": the program is interesting while
    /// it still has a product and the constant 7. The reducer must strip
    /// everything else.
    #[test]
    fn reduces_to_the_interesting_core() {
        let src = "x = 5\ny = 6\ndef f(a, b):\n    t = 0\n    for i in range(10):\n        t += a * b\n    return t\nz = f(x, 7)\nif z > 3:\n    print(z, y)\nelse:\n    print(0)\nprint(y)\n";
        let m = parse_program(src).unwrap();
        let mut keeps = |c: &Module| {
            let t = unparse(c);
            t.contains(" * ") && t.contains('7')
        };
        let r = reduce(&m, Duration::from_secs(20), &mut keeps, &mut |_, _| {});
        let out = unparse(&r.module);
        assert!(out.lines().count() <= 3, "{out}");
        assert!(keeps(&m), "the original is interesting");
        assert!(keeps(&r.module));
        assert!(!r.timed_out);
    }
}
