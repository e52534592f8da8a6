//! The program reducer: AST passes iterated to a fixpoint while a predicate
//! (usually "the signature still holds") stays true, in the spirit of
//! C-Reduce: delete statements (largest chunks first, as delta debugging),
//! unwrap blocks and loops, replace expressions by a subexpression or a
//! constant, shrink integers and loop counts, then rename to short names.
//! Every candidate is printed and re-parsed, so a reduced program is always
//! valid S0 (and so valid Python). Deterministic; bounded by a time budget.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use jitdiff_vm::lang::ast::{Comprehension, Keyword, StarParams, Target};
use jitdiff_vm::lang::{Expr, Module, Stmt, parse_program, unparse};

#[path = "reduce_classes.rs"]
mod classes;
#[path = "reduce_exceptions.rs"]
mod exceptions;

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

/// Renames every user name to a short one (`a`, `b`, ..., functions `f`,
/// `g`, ...), in order of first appearance.
fn rename(m: &Module) -> Module {
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
