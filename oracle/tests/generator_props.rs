//! Properties of the program generator and the pretty-printer it relies on:
//! generation is total and deterministic, `parse(unparse(m)) == m` for
//! generated programs *and* for arbitrary small ASTs, and generated programs
//! are valid, terminating, within-limits Python under the real `python3`.

use std::io::Write;
use std::process::{Command, Stdio};

use arbitrary::Arbitrary;
use arbitrary::Unstructured;
use jitdiff_oracle::generator::{
    GenConfig, generate, generate_from_seed, generate_from_seed_with, generate_with,
};
use jitdiff_vm::lang::ast::*;
use jitdiff_vm::lang::{Poison, RunResult, limits, parse_program, unparse};
use proptest::prelude::*;

// ---------- generator output ----------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_give_a_program_that_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        let m = generate(&mut Unstructured::new(&bytes)).expect("generation is total");
        prop_assert!(!m.body.is_empty());
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }

    #[test]
    fn default_config_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        let m = generate_with(&mut Unstructured::new(&bytes), &GenConfig::default()).unwrap();
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }
}

#[test]
fn same_seed_same_program() {
    for seed in [0, 1, 2, 42, u64::MAX, 0xdead_beef] {
        assert_eq!(generate_from_seed(seed), generate_from_seed(seed));
    }
    // And different seeds explore: not all programs are the same.
    let distinct: std::collections::BTreeSet<String> =
        (0..20).map(|s| unparse(&generate_from_seed(s))).collect();
    assert!(distinct.len() >= 18);
}

#[test]
fn programs_are_small() {
    // Without the `heapq`/`functools`/`itertools` functions the front end
    // defines for a kernel that imports them (library code, the same in
    // every program that has it: vm/src/lang/stdlib_prelude.py).
    let without_prelude = |mut m: jitdiff_vm::lang::ast::Module| {
        m.body.retain(|s| {
            !matches!(s, jitdiff_vm::lang::ast::Stmt::FunctionDef { name, .. }
                | jitdiff_vm::lang::ast::Stmt::ClassDef { name, .. }
                if name.starts_with("__jd_"))
        });
        m
    };
    let lines: Vec<usize> = (0..300)
        .map(|s| {
            unparse(&without_prelude(generate_from_seed(s)))
                .lines()
                .count()
        })
        .collect();
    let mean = lines.iter().sum::<usize>() as f64 / lines.len() as f64;
    // The appended kernels (classes, exceptions, generators, dunders,
    // shape changes, idioms) add 15 to 30 lines each: 92.7 with `idioms`;
    // the library kernel (one program in four) 40 to 60, five lines a
    // call in its own `try`: 106.3 with it; the `syntax` feature's
    // `walrus_cond` kernel (17 lines, in about half the programs): 117.2;
    // 127.9 once the library kernel made 8 to 16 calls, not 5 to 10.
    assert!((10.0..=140.0).contains(&mean), "mean {mean} lines");
    assert!(
        lines.iter().all(|&n| n <= 400),
        "max {:?}",
        lines.iter().max()
    );
}

// ---------- random ASTs through the printer ----------

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "x", "n", "print", "f"]).prop_map(String::from)
}

fn int_lit() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0u32..20).prop_map(|v| Expr::Int(v.to_string())),
        any::<u128>().prop_map(|v| Expr::Int(v.to_string())),
    ]
}

fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        int_lit(),
        // Any non-negative float literal, infinity included (NaN has none).
        any::<f64>()
            .prop_filter("no NaN literal", |v| !v.is_nan())
            .prop_map(|v| Expr::Float(v.abs().to_bits())),
        any::<bool>().prop_map(Expr::Bool),
        Just(Expr::None),
        name().prop_map(Expr::Name),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        let unop = prop::sample::select(vec![
            UnaryOp::Neg,
            UnaryOp::Pos,
            UnaryOp::Not,
            UnaryOp::Invert,
        ]);
        let binop = prop::sample::select(BinOp::ALL.to_vec());
        let cmpop = prop::sample::select(CmpOp::ALL.to_vec());
        let boolop = prop::sample::select(vec![BoolOp::And, BoolOp::Or]);
        prop_oneof![
            (unop, inner.clone()).prop_map(|(op, e)| Expr::UnaryOp {
                op,
                operand: Box::new(e)
            }),
            (binop, inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::BinOp {
                op,
                left: Box::new(l),
                right: Box::new(r)
            }),
            (boolop, prop::collection::vec(inner.clone(), 2..4))
                .prop_map(|(op, values)| Expr::BoolOp { op, values }),
            (
                inner.clone(),
                prop::collection::vec((cmpop, inner.clone()), 1..4)
            )
                .prop_map(|(l, rest)| {
                    let (ops, comparators) = rest.into_iter().unzip();
                    Expr::Compare {
                        left: Box::new(l),
                        ops,
                        comparators,
                    }
                }),
            (inner.clone(), prop::collection::vec(inner.clone(), 0..3)).prop_map(|(f, args)| {
                Expr::Call {
                    func: Box::new(f),
                    args,
                    keywords: vec![],
                }
            }),
        ]
    })
    .boxed()
}

/// Statements valid where they are generated: `break`/`continue` only in
/// loops, `return` only in functions, `def` only outside functions, and
/// `global` only first in a function body (names that are not parameters).
fn stmt(depth: u32, in_loop: bool, in_fn: bool) -> BoxedStrategy<Stmt> {
    let binop = prop::sample::select(BinOp::ALL.to_vec());
    let mut simple: Vec<BoxedStrategy<Stmt>> = vec![
        expr().prop_map(Stmt::Expr).boxed(),
        (name(), expr())
            .prop_map(|(target, value)| Stmt::Assign { target, value })
            .boxed(),
        (name(), binop, expr())
            .prop_map(|(target, op, value)| Stmt::AugAssign { target, op, value })
            .boxed(),
        Just(Stmt::Pass).boxed(),
    ];
    if in_loop {
        simple.push(Just(Stmt::Break).boxed());
        simple.push(Just(Stmt::Continue).boxed());
    }
    if in_fn {
        simple.push(prop::option::of(expr()).prop_map(Stmt::Return).boxed());
    }
    let simple = prop::strategy::Union::new(simple).boxed();
    if depth == 0 {
        return simple;
    }
    let body = |in_loop| prop::collection::vec(stmt(depth - 1, in_loop, in_fn), 1..4);
    let mut compound: Vec<BoxedStrategy<Stmt>> = vec![
        simple,
        (
            expr(),
            body(in_loop),
            prop::collection::vec(stmt(depth - 1, in_loop, in_fn), 0..3),
        )
            .prop_map(|(test, body, orelse)| Stmt::If { test, body, orelse })
            .boxed(),
        (expr(), body(true))
            .prop_map(|(test, body)| Stmt::While {
                test,
                body,
                orelse: vec![],
            })
            .boxed(),
        (name(), expr(), body(true))
            .prop_map(|(target, iter, body)| Stmt::For {
                target,
                iter,
                body,
                orelse: vec![],
            })
            .boxed(),
    ];
    if !in_fn {
        let params = prop::collection::vec(prop::sample::select(vec!["a", "b", "n"]), 0..3)
            .prop_map(|ps| {
                let mut out: Vec<String> = vec![];
                for p in ps {
                    if !out.iter().any(|o| o == p) {
                        out.push(p.to_string());
                    }
                }
                out
            });
        let fn_body = prop::collection::vec(stmt(depth - 1, false, true), 1..4);
        let globals = prop::option::of(prop::collection::vec(
            prop::sample::select(vec!["x", "f", "print"]).prop_map(String::from),
            1..3,
        ));
        compound.push(
            (
                prop::sample::select(vec!["f", "g"]),
                params,
                globals,
                fn_body,
            )
                .prop_map(|(name, params, globals, mut body)| {
                    if let Some(g) = globals {
                        body.insert(0, Stmt::Global(g));
                    }
                    Stmt::FunctionDef {
                        decorators: vec![],
                        name: name.to_string(),
                        params,
                        defaults: vec![],
                        star: Default::default(),
                        body,
                    }
                })
                .boxed(),
        );
    }
    prop::strategy::Union::new(compound).boxed()
}

/// Random modules. `global` names and parameter names are disjoint, and
/// `global` comes first in a body, so CPython's global rules always hold.
fn module() -> impl Strategy<Value = Module> {
    prop::collection::vec(stmt(3, false, false), 1..5).prop_map(|body| Module { body })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn printer_round_trips_random_expressions(e in expr()) {
        let m = Module { body: vec![Stmt::Assign { target: "v".into(), value: e }] };
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }

}

proptest! {
    // Modules are big; fewer cases keep the debug-mode suite fast.
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn printer_round_trips_random_modules(m in module()) {
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }
}

/// Hand-picked precedence traps for the printer.
#[test]
fn printer_round_trips_tricky_precedence() {
    let neg = |e: Expr| Expr::UnaryOp {
        op: UnaryOp::Neg,
        operand: Box::new(e),
    };
    let not = |e: Expr| Expr::UnaryOp {
        op: UnaryOp::Not,
        operand: Box::new(e),
    };
    let bin = |op, l: Expr, r: Expr| Expr::BinOp {
        op,
        left: Box::new(l),
        right: Box::new(r),
    };
    let cmp = |l: Expr, op, r: Expr| Expr::Compare {
        left: Box::new(l),
        ops: vec![op],
        comparators: vec![r],
    };
    let and = |a: Expr, b: Expr| Expr::BoolOp {
        op: BoolOp::And,
        values: vec![a, b],
    };
    let (a, b, c) = (Expr::name("a"), Expr::name("b"), Expr::name("c"));
    let cases = vec![
        neg(neg(neg(Expr::int(5)))),
        neg(Expr::int(-5)),
        bin(BinOp::Sub, a.clone(), bin(BinOp::Sub, b.clone(), c.clone())),
        bin(BinOp::Mul, neg(a.clone()), neg(b.clone())),
        neg(bin(BinOp::Mul, a.clone(), b.clone())),
        cmp(cmp(a.clone(), CmpOp::Lt, b.clone()), CmpOp::Lt, c.clone()),
        cmp(a.clone(), CmpOp::Lt, cmp(b.clone(), CmpOp::Lt, c.clone())),
        and(and(a.clone(), b.clone()), c.clone()),
        and(a.clone(), and(b.clone(), c.clone())),
        bin(BinOp::Add, not(a.clone()), not(b.clone())),
        neg(not(a.clone())),
        not(not(cmp(a.clone(), CmpOp::Eq, b.clone()))),
        bin(
            BinOp::FloorDiv,
            a.clone(),
            bin(BinOp::Mod, b.clone(), c.clone()),
        ),
        Expr::call("f", vec![and(a.clone(), b.clone()), not(c.clone())]),
        Expr::Call {
            func: Box::new(bin(BinOp::Add, a.clone(), b.clone())),
            args: vec![],
            keywords: vec![],
        },
    ];
    for e in cases {
        let m = Module {
            body: vec![Stmt::Assign {
                target: "v".into(),
                value: e,
            }],
        };
        let src = unparse(&m);
        assert_eq!(parse_program(&src), Ok(m), "{src}");
    }
}

// ---------- generated programs under CPython ----------

/// Runs every source in one `python3` process, each under a wall-clock
/// alarm, and reports per program: how it ended, an estimate of its fuel
/// (calls + backward line jumps, i.e. loop back edges), its deepest call
/// chain, its widest int at function returns and at the end (ints inside
/// lists and tuples too), its longest list or tuple and its longest str
/// there, and its output.
const RUNNER: &str = r#"
import sys, json, io, signal, contextlib
class Timeout(BaseException): pass
def on_alarm(*_): raise Timeout()
signal.signal(signal.SIGALRM, on_alarm)
results = []
for src in json.load(sys.stdin):
    st = {"fuel": 0, "depth": 0, "max_depth": 0, "bits": 0, "maxlen": 0, "maxstr": 0}
    last = {}
    def width(v, depth=0):
        if type(v) is int: return v.bit_length()
        if type(v) is str:
            st["maxstr"] = max(st["maxstr"], len(v))
            return 0
        if type(v) in (list, tuple) and depth < 4:
            st["maxlen"] = max(st["maxlen"], len(v))
            return max([width(x, depth + 1) for x in v] + [0])
        return 0
    def bits(d):
        return max([width(v) for v in list(d.values())] + [0])
    def trace(frame, event, arg):
        if event == "call":
            st["fuel"] += 1; st["depth"] += 1
            st["max_depth"] = max(st["max_depth"], st["depth"])
            return trace
        if event == "line":
            k = id(frame); ln = frame.f_lineno
            if k in last and ln < last[k]: st["fuel"] += 1
            last[k] = ln
        elif event == "return":
            st["depth"] -= 1
            st["bits"] = max(st["bits"], bits(frame.f_locals))
            st["bits"] = max(st["bits"], width(arg))
        return trace
    def profile(frame, event, arg):
        if event == "c_call": st["fuel"] += 1
    g = {"__name__": "__main__"}
    kind = "ok"
    out = io.StringIO()
    signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        with contextlib.redirect_stdout(out):
            sys.settrace(trace); sys.setprofile(profile)
            try:
                exec(compile(src, "<program>", "exec"), g)
            finally:
                sys.settrace(None); sys.setprofile(None)
    except Timeout:
        kind = "timeout"
    except BaseException as e:
        kind = type(e).__name__ + ": " + str(e)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    st["bits"] = max(st["bits"], bits(g))
    text = out.getvalue()
    results.append({"kind": kind, "fuel": st["fuel"], "depth": st["max_depth"], "bits": st["bits"],
                    "maxlen": st["maxlen"], "maxstr": st["maxstr"], "lines": text.count("\n"),
                    "chars": len(text)})
json.dump(results, sys.stdout)
"#;

/// Runs `sources` through [`RUNNER`]: one result per program.
fn run_under_python3(sources: &[String]) -> Vec<serde_json::Value> {
    let mut child = Command::new("python3")
        .args(["-c", RUNNER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required (run ci/setup)");
    let input = serde_json::to_string(&sources).unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "runner failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), sources.len());
    results
}

#[test]
fn generated_programs_run_and_terminate_under_python3() {
    let sources: Vec<String> = (0..200).map(|s| unparse(&generate_from_seed(s))).collect();
    let results = run_under_python3(&sources);

    let mut exceptions = 0;
    let mut poisoned = 0;
    for (seed, (r, src)) in results.iter().zip(&sources).enumerate() {
        let kind = r["kind"].as_str().unwrap();
        let ctx = || format!("seed {seed}: {r}\n{src}");
        // A small share crosses a limit on purpose: CPython (no limits)
        // must see it cross that very limit, and finish.
        if let RunResult::Poisoned(p) =
            jitdiff_oracle::reference::run(&generate_from_seed(seed as u64))
        {
            poisoned += 1;
            assert_ne!(kind, "timeout", "{}", ctx());
            let crossed = match p {
                Poison::Fuel => r["fuel"].as_u64().unwrap() > limits::DEFAULT_FUEL,
                Poison::Recursion => r["depth"].as_u64().unwrap() > limits::DEFAULT_DEPTH as u64,
                Poison::IntTooLarge => r["bits"].as_u64().unwrap() > limits::DEFAULT_INT_BITS,
                _ => false,
            };
            assert!(
                crossed,
                "poisoned ({p}) but CPython did not cross that limit: {}",
                ctx()
            );
            continue;
        }
        if kind != "ok" {
            exceptions += 1;
            let expected = [
                "ZeroDivisionError",
                "NameError",
                "UnboundLocalError",
                // The `sequences` feature's planned ones.
                "IndexError",
                "TypeError",
                "ValueError",
                // The `dicts` feature's (`dicts.rs`).
                "KeyError",
                "RuntimeError",
                // The `classes` feature's rare missing-attribute kernel.
                "AttributeError",
            ];
            // The exceptions feature's uncaught kernel raises its own
            // class (`Exc0Fatal`).
            assert!(
                expected.iter().any(|e| kind.starts_with(e)) || kind.starts_with("Exc"),
                "unexpected ending: {}",
                ctx()
            );
        }
        // The tracer's count is an approximation; the generator plans for
        // well under half the limit, so this has a wide margin.
        assert!(
            r["fuel"].as_u64().unwrap() < limits::DEFAULT_FUEL,
            "fuel: {}",
            ctx()
        );
        assert!(
            r["depth"].as_u64().unwrap() < limits::DEFAULT_DEPTH as u64,
            "depth: {}",
            ctx()
        );
        assert!(
            r["bits"].as_u64().unwrap() < limits::DEFAULT_INT_BITS / 4,
            "int size: {}",
            ctx()
        );
        assert!(r["lines"].as_u64().unwrap() <= 250, "output: {}", ctx());
    }
    assert!(exceptions <= 30, "{exceptions} of 200 programs raised");
    assert!(
        (1..=20).contains(&poisoned),
        "{poisoned} of 200 programs crossed a limit (a small, steady share is planned)"
    );
}

// ---------- the `sequences` feature ----------

/// The program of `seed` with the `sequences` feature forced on.
fn seq_program(seed: u64) -> Module {
    generate_from_seed_with(seed, |c| c.sequences = true)
}

/// The sequence node kinds a program uses.
fn seq_nodes(m: &Module) -> std::collections::BTreeSet<&'static str> {
    fn expr(e: &Expr, out: &mut std::collections::BTreeSet<&'static str>) {
        match e {
            Expr::Tuple(_) => {
                out.insert("tuple");
            }
            Expr::List(_) => {
                out.insert("list");
            }
            Expr::Subscript { .. } => {
                out.insert("subscript");
            }
            Expr::Slice { step, .. } => {
                out.insert(if step.is_some() {
                    "step slice"
                } else {
                    "slice"
                });
            }
            Expr::MethodCall { .. } => {
                out.insert("method");
            }
            Expr::Compare { ops, .. } if ops.iter().any(|o| o.is_membership()) => {
                out.insert("in");
            }
            _ => {}
        }
        e.for_each_child(&mut |c| expr(c, out));
    }
    fn stmts(body: &[Stmt], out: &mut std::collections::BTreeSet<&'static str>) {
        for s in body {
            match s {
                Stmt::Expr(e) | Stmt::Return(Some(e)) => expr(e, out),
                Stmt::Assign { value, .. } | Stmt::AugAssign { value, .. } => expr(value, out),
                Stmt::AssignSubscript {
                    container,
                    index,
                    value,
                } => {
                    out.insert("subscript assignment");
                    for x in [container, index, value] {
                        expr(x, out);
                    }
                }
                Stmt::Unpack { value, .. } => {
                    out.insert("unpack");
                    expr(value, out);
                }
                Stmt::If { test, body, orelse } => {
                    expr(test, out);
                    stmts(body, out);
                    stmts(orelse, out);
                }
                Stmt::While { test, body, orelse } => {
                    expr(test, out);
                    stmts(body, out);
                    stmts(orelse, out);
                }
                Stmt::For { iter, body, .. } => {
                    if !matches!(iter, Expr::Call { func, .. } if **func == Expr::name("range")) {
                        out.insert("for over a sequence");
                    }
                    expr(iter, out);
                    stmts(body, out);
                }
                Stmt::FunctionDef { body, .. } => stmts(body, out),
                _ => {}
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    stmts(&m.body, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sequence_programs_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        let mut u = Unstructured::new(&bytes);
        let mut cfg = GenConfig::arbitrary(&mut u).unwrap();
        cfg.sequences = true;
        let m = generate_with(&mut u, &cfg).unwrap();
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }
}

#[test]
fn sequence_feature_uses_every_sequence_node_and_only_when_on() {
    let mut seen = std::collections::BTreeMap::new();
    for seed in 0..200 {
        for kind in seq_nodes(&seq_program(seed)) {
            *seen.entry(kind).or_insert(0) += 1;
        }
        // Strings off too: string programs keep lists of strs.
        let off = generate_from_seed_with(seed, |c| {
            c.sequences = false;
            c.strings = false;
            // Dict blocks use subscripts and methods too.
            c.dicts = false;
            // Loops over comprehensions iterate lists.
            c.iteration = false;
            // Class kernels keep lists of instances.
            c.classes = false;
            // Sets print slices of lists of themselves.
            c.sets = false;
            // Exception, generator and dunder kernels hold lists too.
            c.exceptions = false;
            c.generators = false;
            c.dunders = false;
            // Shape-change kernels turn lists into tuples and back.
            c.shape_changes = false;
            // Unpacking calls build `*(a,)` and `*[a]`.
            c.star_calls = false;
            // `divmod(a, d)[i]` subscripts a tuple, `any([...])` builds a list.
            c.builtins = false;
            // Idiom kernels delete list items and unpack lists.
            c.idioms = false;
            // Library kernels call list and tuple methods.
            c.library = false;
        });
        assert!(seq_nodes(&off).is_empty(), "seed {seed}: {}", unparse(&off));
    }
    for kind in [
        "list",
        "tuple",
        "subscript",
        "slice",
        "step slice",
        "method",
        "in",
        "subscript assignment",
        "unpack",
        "for over a sequence",
    ] {
        let n = seen.get(kind).copied().unwrap_or(0);
        assert!(n >= 10, "{kind} in only {n} of 200 programs: {seen:?}");
    }
}

/// Programs with the `sequences` feature under `python3` (200 of them;
/// `JITDIFF_SEQ_PROGRAMS=2000` for a longer run): no syntax error, no
/// timeout, within the limits, lists short, and only the planned
/// exceptions, rarely.
#[test]
fn sequence_programs_run_and_terminate_under_python3() {
    let n: u64 = std::env::var("JITDIFF_SEQ_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let sources: Vec<String> = (0..n).map(|s| unparse(&seq_program(s))).collect();
    let results: Vec<serde_json::Value> = sources.chunks(250).flat_map(run_under_python3).collect();
    let mut endings = std::collections::BTreeMap::new();
    let (mut exceptions, mut seq_exceptions, mut poisoned) = (0, 0, 0);
    for (seed, (r, src)) in results.iter().zip(&sources).enumerate() {
        let kind = r["kind"].as_str().unwrap();
        let ctx = || format!("seed {seed}: {r}\n{src}");
        assert_ne!(kind, "timeout", "{}", ctx());
        assert!(!kind.starts_with("SyntaxError"), "{}", ctx());
        // The poison constructs' variables: this program crosses a limit
        // on purpose (checked against the reference elsewhere).
        if src.contains("pv") {
            poisoned += 1;
            continue;
        }
        if kind != "ok" {
            exceptions += 1;
            *endings.entry(kind.to_string()).or_insert(0) += 1;
            // The other features' planned exceptions (floats: overflow).
            let planned = [
                "ZeroDivisionError",
                "NameError",
                "UnboundLocalError",
                "OverflowError",
                // The `dicts` feature's.
                "KeyError",
                "RuntimeError",
                // The `classes` feature's rare missing-attribute kernel.
                "AttributeError",
            ];
            let sequence = ["IndexError", "TypeError", "ValueError"];
            if sequence.iter().any(|e| kind.starts_with(e)) {
                seq_exceptions += 1;
            } else {
                assert!(
                    planned.iter().any(|e| kind.starts_with(e)) || kind.starts_with("Exc"),
                    "unexpected ending: {}",
                    ctx()
                );
            }
        } else {
            assert!(r["lines"].as_u64().unwrap() >= 1, "no output: {}", ctx());
        }
        assert!(
            r["fuel"].as_u64().unwrap() < limits::DEFAULT_FUEL,
            "fuel: {}",
            ctx()
        );
        assert!(
            r["depth"].as_u64().unwrap() < limits::DEFAULT_DEPTH as u64,
            "depth: {}",
            ctx()
        );
        assert!(
            r["bits"].as_u64().unwrap() < limits::DEFAULT_INT_BITS / 4,
            "int size: {}",
            ctx()
        );
        assert!(r["maxlen"].as_u64().unwrap() <= 1000, "length: {}", ctx());
        assert!(r["lines"].as_u64().unwrap() <= 250, "output: {}", ctx());
        assert!(r["chars"].as_u64().unwrap() <= 1 << 20, "output: {}", ctx());
    }
    // Planned fuel, without the programs that exhaust it on purpose.
    let fuel: Vec<u64> = results
        .iter()
        .zip(&sources)
        .filter(|(_, src)| !src.contains("pv"))
        .map(|(r, _)| r["fuel"].as_u64().unwrap())
        .collect();
    eprintln!(
        "{n} sequence programs: {poisoned} poisoned on purpose, {exceptions} raised \
         ({seq_exceptions} sequence exceptions), max fuel {:?}, max length {:?}, max output {:?} chars",
        fuel.iter().max(),
        results.iter().map(|r| r["maxlen"].as_u64().unwrap()).max(),
        results.iter().map(|r| r["chars"].as_u64().unwrap()).max(),
    );
    for (k, c) in &endings {
        eprintln!("{c:5}  {k}");
    }
    // Measured over 2,000 programs: about 5% (99 before the None-sentinel
    // loops joined the draw, 102 after). A bound at that rate made the
    // default 200 programs pass or fail by the luck of the draw (at 5%,
    // 200 programs see 2% to 8%); 8% still catches a doubling.
    assert!(
        seq_exceptions * 100 < 8 * n,
        "{seq_exceptions} of {n} programs raised a sequence exception"
    );
    assert!(
        exceptions * 100 <= 15 * n,
        "{exceptions} of {n} programs raised"
    );
}

// ---------- the `strings` feature ----------

/// The program of `seed` with the `strings` feature forced on.
fn str_program(seed: u64) -> Module {
    generate_from_seed_with(seed, |c| c.strings = true)
}

/// Every expression of a program (pre-order), and whether a statement is
/// a docstring-like `Str` expression statement.
fn each_expr(body: &[Stmt], f: &mut dyn FnMut(&Expr)) {
    fn expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(e);
        match e {
            Expr::Tuple(xs) | Expr::List(xs) => xs.iter().for_each(|x| expr(x, f)),
            Expr::Subscript { value, index } => {
                expr(value, f);
                expr(index, f);
            }
            Expr::Slice { lower, upper, step } => {
                for p in [lower, upper, step].into_iter().flatten() {
                    expr(p, f);
                }
            }
            Expr::MethodCall { receiver, args, .. } => {
                expr(receiver, f);
                args.iter().for_each(|x| expr(x, f));
            }
            Expr::Compare {
                left, comparators, ..
            } => {
                expr(left, f);
                comparators.iter().for_each(|x| expr(x, f));
            }
            Expr::UnaryOp { operand, .. } => expr(operand, f),
            Expr::BinOp { left, right, .. } => {
                expr(left, f);
                expr(right, f);
            }
            Expr::BoolOp { values, .. } => values.iter().for_each(|x| expr(x, f)),
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                expr(func, f);
                args.iter().for_each(|x| expr(x, f));
                keywords.iter().for_each(|k| expr(&k.value, f));
            }
            Expr::IfExp { test, body, orelse } => {
                for x in [test, body, orelse] {
                    expr(x, f);
                }
            }
            _ => {}
        }
    }
    for s in body {
        match s {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => expr(e, f),
            Stmt::Assign { value, .. }
            | Stmt::AugAssign { value, .. }
            | Stmt::Unpack { value, .. } => expr(value, f),
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
                for x in [container, index, value] {
                    expr(x, f);
                }
            }
            Stmt::If { test, body, orelse } => {
                expr(test, f);
                each_expr(body, f);
                each_expr(orelse, f);
            }
            Stmt::While { test, body, orelse } => {
                expr(test, f);
                each_expr(body, f);
                each_expr(orelse, f);
            }
            Stmt::For { iter, body, .. } | Stmt::ForUnpack { iter, body, .. } => {
                expr(iter, f);
                each_expr(body, f);
            }
            Stmt::FunctionDef { body, .. } => each_expr(body, f),
            _ => {}
        }
    }
}

/// The string node kinds a program uses.
fn str_nodes(m: &Module) -> std::collections::BTreeSet<&'static str> {
    let mut out = std::collections::BTreeSet::new();
    let str_methods = [
        "join",
        "split",
        "strip",
        "upper",
        "lower",
        "replace",
        "startswith",
        "endswith",
        "find",
        "index",
        "count",
    ];
    each_expr(&m.body, &mut |e| match e {
        Expr::Str(s) => {
            out.insert("str");
            if s.chars().any(|c| c.is_ascii_control()) {
                out.insert("escape");
            }
            if s.contains('\'') || s.contains('"') {
                out.insert("quote");
            }
        }
        Expr::Call { func, keywords, .. } => {
            if !keywords.is_empty() && matches!(&**func, Expr::Name(n) if n == "print") {
                out.insert("print keywords");
            }
            if let Expr::Name(n) = &**func
                && ["chr", "ord", "repr", "str"].contains(&n.as_str())
            {
                out.insert("str builtin");
            }
        }
        // `index`/`count` are list methods too: only on a literal receiver.
        Expr::MethodCall {
            receiver, method, ..
        } if matches!(**receiver, Expr::Str(_))
            || (str_methods.contains(&method.as_str())
                && method != "index"
                && method != "count") =>
        {
            out.insert("str method");
        }
        Expr::BinOp {
            op: BinOp::Mod,
            left,
            ..
        } if matches!(**left, Expr::Str(_)) => {
            out.insert("% format");
        }
        _ => {}
    });
    let docstring = |body: &[Stmt]| matches!(body.first(), Some(Stmt::Expr(Expr::Str(_))));
    if docstring(&m.body)
        || m.body
            .iter()
            .any(|s| matches!(s, Stmt::FunctionDef { body, .. } if docstring(body)))
    {
        out.insert("docstring");
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn string_programs_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        let mut u = Unstructured::new(&bytes);
        let mut cfg = GenConfig::arbitrary(&mut u).unwrap();
        cfg.strings = true;
        let m = generate_with(&mut u, &cfg).unwrap();
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }
}

#[test]
fn string_feature_uses_string_nodes_and_only_when_on() {
    let mut seen = std::collections::BTreeMap::new();
    for seed in 0..200 {
        let m = str_program(seed);
        let src = unparse(&m);
        assert_eq!(parse_program(&src), Ok(m.clone()), "{src}");
        for kind in str_nodes(&m) {
            *seen.entry(kind).or_insert(0) += 1;
        }
        for (shape, needle) in [
            ("string-building loop", "[-20:] + "),
            ("bounded +=", "[-10:]"),
            ("for over a str", "for ch"),
        ] {
            if src.contains(needle) {
                *seen.entry(shape).or_insert(0) += 1;
            }
        }
        // Dict blocks use str keys too.
        let off = generate_from_seed_with(seed, |c| {
            c.strings = false;
            c.dicts = false;
            // Exception, generator and dunder kernels print strings.
            c.exceptions = false;
            c.generators = false;
            c.dunders = false;
            // Shape-change kernels turn locals into strs.
            c.shape_changes = false;
            // `hex(e)`, `format(e, ">8")` and `key=str` make strs.
            c.builtins = false;
            // Idiom kernels format strs and call str methods.
            c.idioms = false;
            // Library kernels call str methods.
            c.library = false;
            // Class kernels read a property by name (`getattr(o, 'val')`).
            c.classes = false;
        });
        assert!(str_nodes(&off).is_empty(), "seed {seed}: {}", unparse(&off));
    }
    for kind in [
        "str",
        "escape",
        "quote",
        "print keywords",
        "str builtin",
        "str method",
        "% format",
        "docstring",
        "string-building loop",
        "bounded +=",
        "for over a str",
    ] {
        let n = seen.get(kind).copied().unwrap_or(0);
        assert!(n >= 10, "{kind} in only {n} of 200 programs: {seen:?}");
    }
}

/// Programs with the `strings` feature under `python3` (200 of them;
/// `JITDIFF_STR_PROGRAMS=2000` for a longer run): no syntax error, no
/// timeout, within the limits, strings short, some output, and only the
/// planned exceptions, rarely.
#[test]
fn string_programs_run_and_terminate_under_python3() {
    let n: u64 = std::env::var("JITDIFF_STR_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let sources: Vec<String> = (0..n).map(|s| unparse(&str_program(s))).collect();
    let results: Vec<serde_json::Value> = sources.chunks(250).flat_map(run_under_python3).collect();
    let mut endings = std::collections::BTreeMap::new();
    let (mut exceptions, mut str_exceptions, mut poisoned) = (0, 0, 0);
    for (seed, (r, src)) in results.iter().zip(&sources).enumerate() {
        let kind = r["kind"].as_str().unwrap();
        let ctx = || format!("seed {seed}: {r}\n{src}");
        assert_ne!(kind, "timeout", "{}", ctx());
        assert!(!kind.starts_with("SyntaxError"), "{}", ctx());
        if src.contains("pv") {
            poisoned += 1;
            continue;
        }
        if kind != "ok" {
            exceptions += 1;
            *endings.entry(kind.to_string()).or_insert(0) += 1;
            // The string feature's planned ones: a hot `x + y` whose
            // operand stops being a str, and a few inline ones.
            let strings = [
                "TypeError: can only concatenate str",
                "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
                "TypeError: unsupported operand type(s) for +: 'NoneType' and 'str'",
                "TypeError: unsupported operand type(s) for +: 'float' and 'str'",
                // The in-place form (`yc = ya; yc += yb`).
                "TypeError: unsupported operand type(s) for +=: ",
                "TypeError: %d format: a real number is required, not str",
                "TypeError: '<' not supported between instances of 'str' and 'int'",
                "TypeError: ord() expected a character, but string of length 2 found",
                "TypeError: can't multiply sequence by non-int of type 'float'",
                "ValueError: invalid literal for int() with base 10: 'x7'",
                "ValueError: could not convert string to float: '1.5x'",
                "ValueError: substring not found",
            ];
            // The other features' (sequences: IndexError, TypeError,
            // ValueError of their own; floats: overflow).
            let planned = [
                "ZeroDivisionError",
                "NameError",
                "UnboundLocalError",
                "OverflowError",
                "IndexError",
                "TypeError",
                "ValueError",
                "KeyError",
                "RuntimeError",
                // The classes feature's missing-attribute kernel.
                "AttributeError",
            ];
            if strings.iter().any(|e| kind.starts_with(e)) {
                str_exceptions += 1;
            } else {
                assert!(
                    planned.iter().any(|e| kind.starts_with(e)) || kind.starts_with("Exc"),
                    "unexpected ending: {}",
                    ctx()
                );
                // Without sequences, the Index/Type/ValueErrors are ours.
                let seq_kind = ["IndexError", "TypeError", "ValueError"]
                    .iter()
                    .any(|e| kind.starts_with(e));
                assert!(
                    !seq_kind || src.contains("ls0") || src.contains("tp0") || src.contains("u0"),
                    "unplanned exception: {}",
                    ctx()
                );
            }
        } else {
            assert!(r["chars"].as_u64().unwrap() >= 1, "no output: {}", ctx());
        }
        assert!(
            r["fuel"].as_u64().unwrap() < limits::DEFAULT_FUEL,
            "fuel: {}",
            ctx()
        );
        assert!(
            r["depth"].as_u64().unwrap() < limits::DEFAULT_DEPTH as u64,
            "depth: {}",
            ctx()
        );
        assert!(
            r["bits"].as_u64().unwrap() < limits::DEFAULT_INT_BITS / 4,
            "int size: {}",
            ctx()
        );
        assert!(
            r["maxstr"].as_u64().unwrap() <= 100,
            "str length: {}",
            ctx()
        );
        assert!(r["maxlen"].as_u64().unwrap() <= 1000, "length: {}", ctx());
        assert!(r["lines"].as_u64().unwrap() <= 250, "output: {}", ctx());
        assert!(r["chars"].as_u64().unwrap() <= 1 << 20, "output: {}", ctx());
    }
    let fuel: Vec<u64> = results
        .iter()
        .zip(&sources)
        .filter(|(_, src)| !src.contains("pv"))
        .map(|(r, _)| r["fuel"].as_u64().unwrap())
        .collect();
    eprintln!(
        "{n} string programs: {poisoned} poisoned on purpose, {exceptions} raised \
         ({str_exceptions} string exceptions), max fuel {:?}, max str length {:?}, max output {:?} chars",
        fuel.iter().max(),
        results.iter().map(|r| r["maxstr"].as_u64().unwrap()).max(),
        results.iter().map(|r| r["chars"].as_u64().unwrap()).max(),
    );
    for (k, c) in &endings {
        eprintln!("{c:5}  {k}");
    }
    // Measured over 690 programs: 3.9% before the None-sentinel loops
    // joined the draw, 4.9% after; bounded as the sequence exceptions are.
    assert!(
        str_exceptions * 100 < 8 * n,
        "{str_exceptions} of {n} programs raised a string exception"
    );
    assert!(
        exceptions * 100 <= 15 * n,
        "{exceptions} of {n} programs raised"
    );
}

// ---------- the `syntax` feature ----------

/// The rewritten forms a program's text shows.
fn syntax_forms(src: &str) -> std::collections::BTreeSet<&'static str> {
    let mut out = std::collections::BTreeSet::new();
    for line in src.lines().map(str::trim) {
        if line.split(" = ").count() >= 3 && !line.starts_with("print") {
            out.insert("chained assignment");
        }
        if line.contains("), = (") {
            out.insert("nested unpacking");
        }
        if line.starts_with("bm") && line.contains(" = ") && !line.ends_with(')') {
            out.insert("bound method");
        }
        if line.starts_with("els") && line.ends_with(" += 1") {
            out.insert("loop else");
        }
        if line.starts_with("def ") && line.contains('=') {
            out.insert("parameter default");
        }
        if line.starts_with("def ") && line.contains("*, ") {
            out.insert("keyword-only parameter");
        }
        if spread_in_display(line) {
            out.insert("star display");
        }
        if !line.starts_with("def ") && line.contains("f") && keyword_call(line) {
            out.insert("keyword argument");
        }
    }
    out
}

/// Whether `line` has `, *[` inside a list display or `, **{` inside a
/// dict display (not among a call's arguments, which `star_calls` writes).
fn spread_in_display(line: &str) -> bool {
    let mut open: Vec<char> = Vec::new();
    for (i, c) in line.char_indices() {
        match c {
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                open.pop();
            }
            ',' => {
                let rest = &line[i..];
                let inner = open.last();
                if (rest.starts_with(", *[") && inner == Some(&'['))
                    || (rest.starts_with(", **{") && inner == Some(&'{'))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether `line` calls a generated function (`f0(`...) with a keyword
/// argument (`name=` among its own arguments, not `==`, and not inside a
/// call nested in them, such as `sorted(v, key=abs)`).
fn keyword_call(line: &str) -> bool {
    line.match_indices('f').any(|(i, _)| {
        let rest = &line[i + 1..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0
            && rest[digits..].starts_with('(')
            && top_level_args(&rest[digits + 1..])
                .iter()
                .any(|a| is_keyword_arg(a.trim_start()))
    })
}

/// The arguments of a call whose text starts after its `(`: split at the
/// commas outside nested brackets, up to the matching `)`.
fn top_level_args(text: &str) -> Vec<&str> {
    let (mut args, mut depth, mut start) = (vec![], 0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                args.push(&text[start..i]);
                return args;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(&text[start..]);
    args
}

fn is_keyword_arg(a: &str) -> bool {
    let name_len = a
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .count();
    name_len > 0 && a[name_len..].starts_with('=') && !a[name_len..].starts_with("==")
}

#[test]
fn syntax_feature_rewrites_into_every_form_and_only_when_on() {
    let mut seen = std::collections::BTreeMap::new();
    for seed in 0..300 {
        let m = generate_from_seed_with(seed, |c| {
            c.syntax = true;
            c.sequences = true;
        });
        let src = unparse(&m);
        assert_eq!(parse_program(&src), Ok(m.clone()), "{src}");
        for form in syntax_forms(&src) {
            *seen.entry(form).or_insert(0) += 1;
        }
        // Kernels appended by other features are written in these forms.
        let off = generate_from_seed_with(seed, |c| {
            c.syntax = false;
            c.exceptions = false;
            c.generators = false;
            c.dunders = false;
            c.shape_changes = false;
            // Library kernels call with keyword arguments, and the
            // dataclass kernel's `__init__` has parameter defaults, as
            // the star-calls rewrite's wide call has.
            c.library = false;
            c.classes = false;
            c.star_calls = false;
            // The collections kernel's prelude classes have parameter
            // defaults and keyword calls.
            c.idioms = false;
        });
        let off_src = unparse(&off);
        assert!(syntax_forms(&off_src).is_empty(), "seed {seed}: {off_src}");
    }
    for form in [
        "chained assignment",
        "nested unpacking",
        "bound method",
        "loop else",
        "parameter default",
        "keyword argument",
        "keyword-only parameter",
        "star display",
    ] {
        let n = seen.get(form).copied().unwrap_or(0);
        assert!(n >= 10, "{form} in only {n} of 300 programs: {seen:?}");
    }
}

// ---------- the `iteration` feature ----------

/// The comprehension forms the `iteration` rewrite leaves in `src`.
fn iteration_forms(src: &str) -> std::collections::BTreeSet<&'static str> {
    let mut out = std::collections::BTreeSet::new();
    for line in src.lines() {
        let line = line.trim();
        if line.contains("[t for t in [") || line.contains("for t in [t for t in [") {
            out.insert("display");
        }
        if line.contains(" if t]") || line.contains(" if t == t]") {
            out.insert("filter");
        }
        if line.contains("[t for r in range(1) for t in ") {
            out.insert("two clauses");
        }
        if line.starts_with("for ") && line.contains(" in [t for t in ") {
            out.insert("loop copy");
        }
        if ["len([t", "sum([t", "min([t", "max([t"]
            .iter()
            .any(|c| line.contains(c))
        {
            out.insert("argument");
        }
        for (needle, form) in [
            (" in enumerate(", "enumerate"),
            (", range(1 << 30)):", "zip"),
            (" in sorted(", "sorted"),
            (" if isinstance(", "isinstance"),
            ("math.pi", "math"),
            ("math.trunc(", "math call"),
            ("math.fabs(", "math call"),
            ("math.floor(", "math call"),
        ] {
            // The loop forms count only on a `for` line.
            if (line.starts_with("for ") || !needle.starts_with(" in")) && line.contains(needle) {
                out.insert(form);
            }
        }
    }
    out
}

#[test]
fn iteration_feature_rewrites_into_every_form_and_only_when_on() {
    let mut seen = std::collections::BTreeMap::new();
    for seed in 0..300 {
        let m = generate_from_seed_with(seed, |c| {
            c.iteration = true;
            c.sequences = true;
        });
        let src = unparse(&m);
        assert_eq!(parse_program(&src), Ok(m.clone()), "{src}");
        for form in iteration_forms(&src) {
            *seen.entry(form).or_insert(0) += 1;
        }
        let off = unparse(&generate_from_seed_with(seed, |c| c.iteration = false));
        assert!(!off.contains(" for t in "), "seed {seed}: {off}");
    }
    for form in [
        "display",
        "filter",
        "two clauses",
        "loop copy",
        "argument",
        "enumerate",
        "zip",
        "sorted",
        "isinstance",
        "math",
        "math call",
    ] {
        let n = seen.get(form).copied().unwrap_or(0);
        assert!(n >= 10, "{form} in only {n} of 300 programs: {seen:?}");
    }
}

/// Calls `f` on `body` and on every statement list nested in it (the
/// bodies of ifs, loops, loop `else:` blocks and functions).
fn each_block(body: &[Stmt], f: &mut dyn FnMut(&[Stmt])) {
    f(body);
    for s in body {
        match s {
            Stmt::If { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::For { body, orelse, .. } => {
                each_block(body, f);
                each_block(orelse, f);
            }
            Stmt::FunctionDef { body, .. } => each_block(body, f),
            _ => {}
        }
    }
}

/// The str pair flip turns both operands of its `+` into ints, or only one
/// of them (a guard that checks one operand lets the other through): all
/// three shapes occur among string programs.
#[test]
fn string_pair_flips_change_one_operand_or_both() {
    fn flips(body: &[Stmt], out: &mut [usize; 3]) {
        for s in body {
            if let Stmt::If { body: then, .. } = s {
                match then.as_slice() {
                    [
                        Stmt::Assign {
                            target,
                            value: Expr::Int(_),
                        },
                    ] if target.starts_with("pa") => out[0] += 1,
                    [
                        Stmt::Assign {
                            target,
                            value: Expr::Int(_),
                        },
                    ] if target.starts_with("pb") => out[1] += 1,
                    [
                        Stmt::Unpack {
                            targets,
                            value: Expr::Tuple(v),
                        },
                    ] if matches!(v.as_slice(), [Expr::Int(_), Expr::Int(_)])
                        && format!("{targets:?}").contains("\"pa") =>
                    {
                        out[2] += 1
                    }
                    _ => {}
                }
            }
        }
    }
    let mut seen = [0usize; 3];
    for seed in 0..400 {
        let m = generate_from_seed_with(seed, |c| c.strings = true);
        each_block(&m.body, &mut |b| flips(b, &mut seen));
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "pa only, pb only, both: {seen:?}"
    );
}

/// A float variable rebound to an int at iteration K of a loop is read
/// right after, in the same loop body, as the right operand of float
/// arithmetic (`flY = float(flY op flX)`), so every later iteration of the
/// loop's trace meets the int where a float guard stands.
#[test]
fn float_rebinds_are_followed_by_a_use_as_right_operand() {
    /// The rebound variable of `if v == K: flX = <constant>`.
    fn rebound(s: &Stmt) -> Option<&str> {
        let Stmt::If { body, orelse, .. } = s else {
            return None;
        };
        match (body.as_slice(), orelse.is_empty()) {
            ([Stmt::Assign { target, value }], true)
                if target
                    .strip_prefix("fl")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    && matches!(value, Expr::Int(_) | Expr::Float(_) | Expr::UnaryOp { .. }) =>
            {
                Some(target)
            }
            _ => None,
        }
    }
    /// Whether `s` is `flY = float(flY op x)`, reading `x` on the right.
    fn uses_on_the_right(s: &Stmt, x: &str) -> bool {
        let Stmt::Assign {
            target,
            value: Expr::Call { func, args, .. },
        } = s
        else {
            return false;
        };
        let [Expr::BinOp { left, right, .. }] = args.as_slice() else {
            return false;
        };
        **func == Expr::Name("float".into())
            && **left == Expr::Name(target.clone())
            && **right == Expr::Name(x.into())
    }
    fn count(body: &[Stmt], counts: &mut [usize; 2]) {
        for (i, s) in body.iter().enumerate() {
            if let Some(x) = rebound(s) {
                counts[0] += 1;
                if body.get(i + 1).is_some_and(|n| uses_on_the_right(n, x)) {
                    counts[1] += 1;
                }
            }
        }
    }
    // [rebinds, followed by a use of the rebound variable]
    let mut counts = [0usize; 2];
    for seed in 0..300 {
        // Without `syntax` and `closures`, which may rewrite the use into
        // a chained assignment or a lambda's call.
        let m = generate_from_seed_with(seed, |c| {
            c.floats = true;
            c.syntax = false;
            c.closures = false;
        });
        each_block(&m.body, &mut |b| count(b, &mut counts));
    }
    assert!(
        counts[0] >= 20 && counts[1] == counts[0],
        "{} of {} rebinds followed by a use",
        counts[1],
        counts[0]
    );
}
