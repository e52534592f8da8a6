//! Unit tests of the whole interpreter: limits at their exact boundaries,
//! and totality on hand-built ASTs the front end would never produce (the
//! float table is in `float_tests.rs`).
//! Agreement with a live CPython is tested in
//! `oracle/tests/reference_cpython.rs`.

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, Keyword, Module, Stmt, Target, UnaryOp};
use jitdiff_vm::lang::outcome::{Ending, Outcome, Poison, RunResult};
use jitdiff_vm::lang::parse_program;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::run;

pub(super) fn run_src(src: &str) -> RunResult {
    run(&parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}")))
}

pub(super) fn completed(src: &str) -> Outcome {
    match run_src(src) {
        RunResult::Completed(o) => o,
        other => panic!("{other:?}\n{src}"),
    }
}

pub(super) fn globals(o: &Outcome) -> Vec<(&str, &str)> {
    o.globals
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn globals_dump_sorted_with_reprs() {
    let o = completed(
        "def f():\n    pass\nz = None\nb = True\na = -12\np = print\nr = range(2, 9, 3)\nq = range\n",
    );
    assert_eq!(o.ending, Ending::Normal);
    assert_eq!(
        globals(&o),
        [
            ("a", "-12"),
            ("b", "True"),
            ("f", "<function f>"),
            ("p", "<built-in function print>"),
            ("q", "<class 'range'>"),
            ("r", "range(2, 9, 3)"),
            ("z", "None"),
        ]
    );
}

#[test]
fn exception_keeps_output_and_globals_so_far() {
    let o = completed("x = 1\nprint(x)\ny = x // 0\nz = 2\n");
    assert_eq!(o.output, "1\n");
    assert_eq!(
        o.ending,
        Ending::Exception {
            kind: "ZeroDivisionError".into(),
            message: "integer division or modulo by zero".into()
        }
    );
    assert_eq!(globals(&o), [("x", "1")]);
}

#[test]
fn fuel_boundary_is_exact() {
    // range() costs 1 call, each of the n iterations one back edge.
    assert!(matches!(
        run_src("for i in range(99999):\n    pass\n"),
        RunResult::Completed(_)
    ));
    assert_eq!(
        run_src("for i in range(100000):\n    pass\n"),
        RunResult::Poisoned(Poison::Fuel)
    );
    // While: a back edge per completed body, the final failing test is free.
    let w = |n: u64| format!("i = 0\nwhile i < {n}:\n    i += 1\n");
    assert!(matches!(run_src(&w(100_000)), RunResult::Completed(_)));
    assert_eq!(run_src(&w(100_001)), RunResult::Poisoned(Poison::Fuel));
    // `continue` is a back edge too; `break` is not.
    let c = "i = 0\nwhile True:\n    i += 1\n    if i < 100001:\n        continue\n    break\n";
    assert!(matches!(run_src(c), RunResult::Completed(_)));
    let c2 = "i = 0\nwhile True:\n    i += 1\n    if i < 100002:\n        continue\n    break\n";
    assert_eq!(run_src(c2), RunResult::Poisoned(Poison::Fuel));
    // Calls cost one each, including failing ones.
    let calls = |n: u64| format!("def f():\n    pass\nfor i in range({n}):\n    f()\n");
    assert!(matches!(run_src(&calls(49_999)), RunResult::Completed(_)));
    assert_eq!(run_src(&calls(50_000)), RunResult::Poisoned(Poison::Fuel));
    // Fuel is charged before the callability check.
    let bad = "i = 0\nwhile i < 99999:\n    i += 1\nprint(1)\n1()\n";
    assert_eq!(run_src(bad), RunResult::Poisoned(Poison::Fuel));
}

#[test]
fn recursion_boundary_is_exact() {
    let src = |n: u64| {
        format!(
            "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + 1\nprint(f({n}))\n"
        )
    };
    assert_eq!(completed(&src(199)).output, "199\n");
    assert_eq!(run_src(&src(200)), RunResult::Poisoned(Poison::Recursion));
    // The arity check comes before the depth check.
    let arity = "def f(n):\n    return f(n - 1, 2)\nf(1)\n";
    assert!(matches!(completed(arity).ending, Ending::Exception { .. }));
}

#[test]
fn int_size_boundary_is_exact() {
    let src = |n: u64| format!("x = 1\nfor i in range({n}):\n    x = x + x\n");
    // 2**8191 has 8192 bits: fine. 2**8192 has 8193: poisoned.
    let o = completed(&src(8191));
    assert_eq!(o.globals[1].1.len(), 2466);
    assert_eq!(
        run_src(&src(8192)),
        RunResult::Poisoned(Poison::IntTooLarge)
    );
    // Negative values are measured by magnitude; -(2**8192) poisons too.
    let neg = "x = 1\nfor i in range(8191):\n    x = x * 2\ny = 0 - x\nz = y - x\n";
    assert_eq!(run_src(neg), RunResult::Poisoned(Poison::IntTooLarge));
    // A wide literal poisons only when evaluated.
    let lit = format!("if False:\n    x = {}\nprint(1)\n", "9".repeat(3000));
    assert_eq!(completed(&lit).output, "1\n");
    let lit = format!("print(1)\nx = {}\n", "9".repeat(3000));
    assert_eq!(run_src(&lit), RunResult::Poisoned(Poison::IntTooLarge));
}

#[test]
fn range_objects_behave_like_cpython() {
    let o = completed(
        "r = range(3)\nfor i in r:\n    print(i)\nfor i in r:\n    print(i)\nprint(r == range(0, 3, 1), range(0) == range(4, 1), not range(0))\nprint(range(True), range(5, 0, -2))\n",
    );
    assert_eq!(
        o.output,
        "0\n1\n2\n0\n1\n2\nTrue True True\nrange(0, 1) range(5, 0, -2)\n"
    );
    let o =
        completed("for i in range(18446744073709551615, 18446744073709551618):\n    print(i)\n");
    assert_eq!(
        o.output,
        "18446744073709551615\n18446744073709551616\n18446744073709551617\n"
    );
}

fn name(n: &str) -> Expr {
    Expr::name(n)
}

fn call_print(e: Expr) -> Stmt {
    Stmt::Expr(Expr::call("print", vec![e]))
}

fn run_ast(body: Vec<Stmt>) -> RunResult {
    run(&Module { body })
}

#[test]
fn hand_built_asts_still_get_a_result() {
    // Stray break/continue/return at module level end the module.
    let r = run_ast(vec![
        call_print(Expr::int(1)),
        Stmt::Break,
        call_print(Expr::int(2)),
    ]);
    assert!(matches!(r, RunResult::Completed(o) if o.output == "1\n"));
    let r = run_ast(vec![
        Stmt::Return(Some(Expr::int(1))),
        call_print(Expr::int(2)),
    ]);
    assert!(matches!(r, RunResult::Completed(o) if o.output.is_empty()));
    // A nested def closes over the outer function's parameter (not the
    // global of the same name), as in Python.
    let inner = Stmt::FunctionDef {
        decorators: vec![],
        star: Default::default(),
        name: "g".into(),
        params: vec![],
        defaults: vec![],
        body: vec![Stmt::Return(Some(name("x")))],
    };
    let outer = Stmt::FunctionDef {
        decorators: vec![],
        star: Default::default(),
        name: "f".into(),
        params: vec!["x".into()],
        defaults: vec![],
        body: vec![inner, Stmt::Return(Some(Expr::call("g", vec![])))],
    };
    let r = run_ast(vec![
        outer,
        Stmt::Assign {
            target: "x".into(),
            value: Expr::int(7),
        },
        call_print(Expr::call("f", vec![Expr::int(1)])),
    ]);
    assert!(
        matches!(&r, RunResult::Completed(o) if o.output == "1\n"),
        "{r:?}"
    );
    // Degenerate expressions.
    let weird = vec![
        Expr::BoolOp {
            op: BoolOp::And,
            values: vec![],
        },
        Expr::BoolOp {
            op: BoolOp::Or,
            values: vec![Expr::int(0)],
        },
        Expr::Compare {
            left: Box::new(Expr::int(1)),
            ops: vec![CmpOp::Lt, CmpOp::Lt],
            comparators: vec![Expr::int(2)],
        },
        Expr::Compare {
            left: Box::new(Expr::int(1)),
            ops: vec![],
            comparators: vec![],
        },
    ];
    let r = run_ast(weird.into_iter().map(call_print).collect());
    assert!(
        matches!(&r, RunResult::Completed(o) if o.output == "None\n0\nTrue\nTrue\n"),
        "{r:?}"
    );
    // Literals that are not decimal digits poison when evaluated.
    let r = run_ast(vec![call_print(Expr::Int("12a".into()))]);
    assert_eq!(r, RunResult::Poisoned(Poison::IntTooLarge));
    // Duplicate parameters, global declared for a parameter.
    let f = Stmt::FunctionDef {
        decorators: vec![],
        star: Default::default(),
        name: "f".into(),
        params: vec!["a".into(), "a".into()],
        defaults: vec![],
        body: vec![
            Stmt::Global(vec!["a".into()]),
            Stmt::Return(Some(name("a"))),
        ],
    };
    let r = run_ast(vec![
        f,
        call_print(Expr::call("f", vec![Expr::int(1), Expr::int(2)])),
    ]);
    assert!(matches!(r, RunResult::Completed(_)));
}

#[test]
fn absurdly_deep_asts_do_not_overflow_the_stack() {
    // Built, run and dropped on a big stack: the AST's own Drop recurses.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            // 50 times what the front end builds (it stops at 1000 levels);
            // the debug build's evaluator frames are the limit here.
            let mut e = Expr::int(1);
            for _ in 0..50_000 {
                e = Expr::UnaryOp {
                    op: UnaryOp::Neg,
                    operand: Box::new(e),
                };
            }
            let r = run_ast(vec![call_print(e)]);
            assert!(
                matches!(&r, RunResult::Completed(o) if o.output == "1\n"),
                "{r:?}"
            );
            // Deep code in a recursive function: needs the dedicated stack.
            let mut e = name("n");
            for _ in 0..2_000 {
                e = Expr::BinOp {
                    op: BinOp::Add,
                    left: Box::new(e),
                    right: Box::new(Expr::int(0)),
                };
            }
            let body = vec![
                Stmt::If {
                    test: Expr::Compare {
                        left: Box::new(name("n")),
                        ops: vec![CmpOp::Eq],
                        comparators: vec![Expr::int(0)],
                    },
                    body: vec![Stmt::Return(Some(Expr::int(0)))],
                    orelse: vec![],
                },
                Stmt::Return(Some(Expr::call(
                    "f",
                    vec![Expr::BinOp {
                        op: BinOp::Sub,
                        left: Box::new(e),
                        right: Box::new(Expr::int(1)),
                    }],
                ))),
            ];
            let f = Stmt::FunctionDef {
                decorators: vec![],
                star: Default::default(),
                name: "f".into(),
                params: vec!["n".into()],
                defaults: vec![],
                body,
            };
            let r = run_ast(vec![f, call_print(Expr::call("f", vec![Expr::int(150)]))]);
            assert!(
                matches!(&r, RunResult::Completed(o) if o.output == "0\n"),
                "{r:?}"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Random (often ill-formed) ASTs: the reference must never panic and must
/// be deterministic.
#[test]
fn random_asts_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    for _ in 0..3000 {
        let body = (0..rng.random_range(1..8))
            .map(|_| random_stmt(&mut rng, 3))
            .collect();
        let m = Module { body };
        assert_eq!(run(&m), run(&m), "{m:?}");
    }
}

const NAMES: [&str; 21] = [
    "x", "y", "f", "g", "print", "range", "float", "int", "abs", "round", "len", "list", "tuple",
    "sum", "min", "max", "str", "repr", "ord", "chr", "dict",
];

const METHODS: [&str; 25] = [
    "append",
    "pop",
    "insert",
    "extend",
    "index",
    "count",
    "reverse",
    "nope",
    "join",
    "split",
    "strip",
    "upper",
    "lower",
    "replace",
    "startswith",
    "endswith",
    "find",
    "get",
    "keys",
    "values",
    "items",
    "setdefault",
    "update",
    "clear",
    "copy",
];

/// All ten comparison operators, membership and identity included.
const CMP_OPS: [CmpOp; 10] = [
    CmpOp::Eq,
    CmpOp::NotEq,
    CmpOp::Lt,
    CmpOp::LtE,
    CmpOp::Gt,
    CmpOp::GtE,
    CmpOp::In,
    CmpOp::NotIn,
    CmpOp::Is,
    CmpOp::IsNot,
];

/// Floats at the edges: zeros, subnormals, the largest, infinity, NaN and
/// a negative one (the last two only a hand-built AST can hold).
const EDGE_FLOATS: [f64; 10] = [
    0.0,
    -0.0,
    0.5,
    2.5,
    5e-324,
    1e300,
    f64::MAX,
    f64::INFINITY,
    f64::NAN,
    -1.5,
];

fn random_expr(rng: &mut StdRng, depth: u32) -> Expr {
    let leaf = depth == 0 || rng.random_range(0..3) == 0;
    if leaf {
        return match rng.random_range(0..7) {
            0 => Expr::int(rng.random_range(-3..40)),
            6 => Expr::Str(STRS[rng.random_range(0..STRS.len())].to_string()),
            1 => Expr::Bool(rng.random()),
            2 => Expr::None,
            3 => Expr::Int("9".repeat(rng.random_range(1..40))),
            4 => Expr::Float(EDGE_FLOATS[rng.random_range(0..EDGE_FLOATS.len())].to_bits()),
            _ => name(NAMES[rng.random_range(0..NAMES.len())]),
        };
    }
    let sub = |rng: &mut StdRng| Box::new(random_expr(rng, depth - 1));
    let many = |rng: &mut StdRng| -> Vec<Expr> {
        (0..rng.random_range(0..4))
            .map(|_| random_expr(rng, depth - 1))
            .collect()
    };
    let part = |rng: &mut StdRng| rng.random::<bool>().then(|| sub(rng));
    match rng.random_range(0..11) {
        5 => Expr::Tuple(many(rng)),
        10 => Expr::Dict(
            (0..rng.random_range(0..4))
                .map(|_| (random_expr(rng, depth - 1), random_expr(rng, depth - 1)))
                .collect(),
        ),
        6 => Expr::List(many(rng)),
        7 => Expr::Subscript {
            value: sub(rng),
            index: Box::new(if rng.random() {
                random_expr(rng, depth - 1)
            } else {
                Expr::Slice {
                    lower: part(rng),
                    upper: part(rng),
                    step: part(rng),
                }
            }),
        },
        8 => Expr::MethodCall {
            receiver: sub(rng),
            method: METHODS[rng.random_range(0..METHODS.len())].to_string(),
            args: many(rng),
        },
        // A slice outside a subscript: only a hand-built AST has one.
        9 if rng.random_range(0..4) == 0 => Expr::Slice {
            lower: part(rng),
            upper: None,
            step: part(rng),
        },
        0 => Expr::UnaryOp {
            op: [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Not, UnaryOp::Invert][rng.random_range(0..4)],
            operand: sub(rng),
        },
        1 => Expr::BinOp {
            op: BinOp::ALL[rng.random_range(0..BinOp::ALL.len())],
            left: sub(rng),
            right: sub(rng),
        },
        2 => Expr::BoolOp {
            op: if rng.random() {
                BoolOp::And
            } else {
                BoolOp::Or
            },
            values: (0..rng.random_range(0..4))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
        },
        3 => Expr::Compare {
            left: sub(rng),
            ops: (0..rng.random_range(0..3))
                .map(|_| CMP_OPS[rng.random_range(0..CMP_OPS.len())])
                .collect(),
            comparators: (0..rng.random_range(0..3))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
        },
        _ => Expr::Call {
            func: sub(rng),
            args: (0..rng.random_range(0..4))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
            // Any names, on any callee: only `print`'s sep/end parse.
            keywords: (0..rng.random_range(0..3) / 2 * rng.random_range(1..3))
                .map(|_| Keyword {
                    arg: Some(["sep", "end", "x", "sep"][rng.random_range(0..4)].to_string()),
                    value: random_expr(rng, depth - 1),
                })
                .collect(),
        },
    }
}

/// String constants, including format strings and control characters.
const STRS: [&str; 8] = [
    "",
    "a",
    "ab c",
    "%s",
    "%d%%",
    "%(a)s",
    "'\"\n\x7f",
    "%.3f|%-5x",
];

fn random_stmt(rng: &mut StdRng, depth: u32) -> Stmt {
    let target = NAMES[rng.random_range(0..NAMES.len())].to_string();
    let block = |rng: &mut StdRng| -> Vec<Stmt> {
        if depth == 0 {
            return vec![Stmt::Pass];
        }
        (0..rng.random_range(0..4))
            .map(|_| random_stmt(rng, depth - 1))
            .collect()
    };
    match rng.random_range(0..14) {
        12 => Stmt::AssignSubscript {
            container: random_expr(rng, 2),
            index: random_expr(rng, 2),
            value: random_expr(rng, 2),
        },
        13 => Stmt::Unpack {
            targets: (0..rng.random_range(0..3))
                .map(|_| Target::Name(NAMES[rng.random_range(0..4)].to_string()))
                .collect(),
            value: random_expr(rng, 3),
        },
        0 => Stmt::Assign {
            target,
            value: random_expr(rng, 3),
        },
        1 => Stmt::AugAssign {
            target,
            op: BinOp::ALL[rng.random_range(0..BinOp::ALL.len())],
            value: random_expr(rng, 2),
        },
        2 => Stmt::If {
            test: random_expr(rng, 2),
            body: block(rng),
            orelse: block(rng),
        },
        3 => Stmt::While {
            test: random_expr(rng, 2),
            body: block(rng),
            orelse: vec![],
        },
        4 => Stmt::For {
            target,
            iter: random_expr(rng, 2),
            body: block(rng),
            orelse: vec![],
        },
        5 => Stmt::Break,
        6 => Stmt::Continue,
        7 => Stmt::FunctionDef {
            decorators: vec![],
            star: Default::default(),
            name: target,
            params: (0..rng.random_range(0..3))
                .map(|_| NAMES[rng.random_range(0..2)].to_string())
                .collect(),
            defaults: vec![],
            body: block(rng),
        },
        8 => Stmt::Return(rng.random::<bool>().then(|| random_expr(rng, 2))),
        9 => Stmt::Global(vec![target]),
        _ => Stmt::Expr(random_expr(rng, 3)),
    }
}
