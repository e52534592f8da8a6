//! Random S0 programs, deliberately ill-typed and error-prone (calls of
//! non-callables, wrong arities, None arithmetic, unbound locals, ints at the
//! 64-bit boundaries), run by the reference and by CPython: every program
//! the reference completes must agree exactly (output, ending, globals).
//! Complements the project generator, which builds well-behaved programs.
//!
//! `JITDIFF_REFERENCE_RANDOM=N` runs N programs instead of the default.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, Module, Stmt, UnaryOp};
use jitdiff_vm::lang::outcome::{Ending, RunResult};
use jitdiff_vm::lang::{parse_program, unparse};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod reference_python;

const VARS: [&str; 4] = ["a", "b", "c", "n"];
const FUNCS: [&str; 3] = ["f", "g", "h"];
const PARAMS: [&str; 3] = ["p", "q", "r"];
/// Literals around the small-int and 64-bit boundaries.
const EDGE_INTS: [i128; 8] = [
    0,
    1,
    (1 << 62) - 1,
    i64::MAX as i128,
    1 << 63,
    1 << 64,
    i64::MIN as i128,
    -(1 << 64) - 1,
];

struct Gen {
    rng: StdRng,
    in_func: Option<Vec<String>>,
    in_loop: bool,
    /// Tame programs (half of them) mostly run to the end: variables start
    /// as ints, leaves are numbers, every function takes `arity` arguments.
    /// Wild ones mix every kind of value and fail early and often.
    tame: bool,
    arity: usize,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.rng.random_range(0..xs.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }

    fn name(&mut self) -> Expr {
        let mut pool: Vec<&str> = VARS.to_vec();
        pool.extend(FUNCS);
        if let Some(params) = &self.in_func {
            let params: Vec<String> = params.clone();
            if !params.is_empty() && self.chance(40) {
                return Expr::Name(params[self.rng.random_range(0..params.len())].clone());
            }
        }
        if self.tame {
            return Expr::name(self.pick(&VARS));
        }
        if self.chance(5) {
            return Expr::name(self.pick(&["print", "range"]));
        }
        Expr::name(self.pick(&pool))
    }

    fn expr(&mut self, depth: u32) -> Expr {
        if depth == 0 || self.chance(30) {
            let kind = if self.tame {
                [0, 1, 3, 6, 7, 8][self.rng.random_range(0..6)]
            } else {
                self.rng.random_range(0..10)
            };
            return match kind {
                0..=2 => Expr::int(self.rng.random_range(-3..=10)),
                3 => Expr::int(EDGE_INTS[self.rng.random_range(0..EDGE_INTS.len())]),
                4 => Expr::Bool(self.rng.random()),
                5 => Expr::None,
                _ => self.name(),
            };
        }
        let d = depth - 1;
        match self.rng.random_range(0..10) {
            0 => Expr::UnaryOp {
                op: [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Not][self.rng.random_range(0..3)],
                operand: Box::new(self.expr(d)),
            },
            1..=3 => Expr::BinOp {
                op: BinOp::ALL[self.rng.random_range(0..5)],
                left: Box::new(self.expr(d)),
                right: Box::new(self.expr(d)),
            },
            4 => Expr::BoolOp {
                op: if self.rng.random() {
                    BoolOp::And
                } else {
                    BoolOp::Or
                },
                values: (0..self.rng.random_range(2..4))
                    .map(|_| self.expr(d))
                    .collect(),
            },
            5 | 6 => {
                let n = self.rng.random_range(1..4);
                Expr::Compare {
                    left: Box::new(self.expr(d)),
                    ops: (0..n)
                        .map(|_| CmpOp::ALL[self.rng.random_range(0..6)])
                        .collect(),
                    comparators: (0..n).map(|_| self.expr(d)).collect(),
                }
            }
            _ => self.call(d),
        }
    }

    fn call(&mut self, d: u32) -> Expr {
        if self.tame {
            let func = self.pick(&FUNCS);
            return Expr::call(func, (0..self.arity).map(|_| self.expr(d)).collect());
        }
        let func = match self.rng.random_range(0..10) {
            0..=5 => Expr::name(self.pick(&FUNCS)),
            6 => Expr::name("range"),
            7 => Expr::name("print"),
            _ => self.expr(d),
        };
        let args = (0..self.rng.random_range(0..4))
            .map(|_| self.expr(d))
            .collect();
        Expr::Call {
            func: Box::new(func),
            args,
            keywords: vec![],
        }
    }

    fn block(&mut self, len: u32, depth: u32) -> Vec<Stmt> {
        (0..self.rng.random_range(1..=len))
            .map(|_| self.stmt(depth))
            .collect()
    }

    fn stmt(&mut self, depth: u32) -> Stmt {
        let var = if self.in_func.is_some() && self.chance(30) {
            self.pick(&PARAMS).to_string()
        } else {
            self.pick(&VARS).to_string()
        };
        let compound = depth > 0 && self.chance(35);
        if compound {
            return match self.rng.random_range(0..4) {
                0 => Stmt::If {
                    test: self.expr(2),
                    body: self.block(3, depth - 1),
                    orelse: self.block(2, depth - 1),
                },
                1 => {
                    let outer = std::mem::replace(&mut self.in_loop, true);
                    let args = (0..self.rng.random_range(1..4))
                        .map(|_| self.expr(1))
                        .collect();
                    let iter = if self.chance(85) {
                        Expr::call("range", args)
                    } else {
                        self.expr(1)
                    };
                    let s = Stmt::For {
                        target: var,
                        iter,
                        body: self.block(3, depth - 1),
                        orelse: vec![],
                    };
                    self.in_loop = outer;
                    s
                }
                2 => {
                    // A counter loop; the body may still clobber the counter.
                    let outer = std::mem::replace(&mut self.in_loop, true);
                    let mut body = vec![Stmt::AugAssign {
                        target: var.clone(),
                        op: BinOp::Add,
                        value: Expr::int(1),
                    }];
                    body.extend(self.block(3, depth - 1));
                    let limit = Expr::int(self.rng.random_range(0..6));
                    let test = Expr::Compare {
                        left: Box::new(Expr::Name(var)),
                        ops: vec![CmpOp::Lt],
                        comparators: vec![limit],
                    };
                    self.in_loop = outer;
                    Stmt::While {
                        test,
                        body,
                        orelse: vec![],
                    }
                }
                _ if self.in_func.is_none() => {
                    let name = self.pick(&FUNCS);
                    self.def(name, depth)
                }
                _ => Stmt::Pass,
            };
        }
        match self.rng.random_range(0..12) {
            0..=2 => Stmt::Assign {
                target: var,
                value: self.expr(3),
            },
            3 => Stmt::AugAssign {
                target: var,
                op: BinOp::ALL[self.rng.random_range(0..5)],
                value: self.expr(2),
            },
            4..=6 => Stmt::Expr(Expr::call(
                "print",
                (0..self.rng.random_range(0..3))
                    .map(|_| self.expr(3))
                    .collect(),
            )),
            7 => Stmt::Expr(self.call(2)),
            8 if self.in_loop => {
                let jump = if self.rng.random() {
                    Stmt::Break
                } else {
                    Stmt::Continue
                };
                Stmt::If {
                    test: self.expr(2),
                    body: vec![jump],
                    orelse: vec![],
                }
            }
            9 | 10 if self.in_func.is_some() => Stmt::Return(self.chance(80).then(|| self.expr(3))),
            _ => Stmt::Pass,
        }
    }

    fn def(&mut self, name: &str, depth: u32) -> Stmt {
        let name = name.to_string();
        let arity = if self.tame {
            self.arity
        } else {
            self.rng.random_range(0..=3)
        };
        let params: Vec<String> = PARAMS[..arity].iter().map(|p| p.to_string()).collect();
        let outer_loop = std::mem::replace(&mut self.in_loop, false);
        self.in_func = Some(params.clone());
        let mut body = Vec::new();
        if self.tame || self.chance(30) {
            // First statement, so never "used prior to global declaration".
            let n = if self.tame { 3 } else { 1 };
            body.push(Stmt::Global(
                (0..n).map(|_| self.pick(&VARS).to_string()).collect(),
            ));
        }
        body.extend(self.block(4, depth.min(2)));
        self.in_func = None;
        self.in_loop = outer_loop;
        Stmt::FunctionDef {
            decorators: vec![],
            name,
            params,
            defaults: vec![],
            star: Default::default(),
            body,
        }
    }

    fn module(&mut self) -> Module {
        let mut body = Vec::new();
        for v in VARS {
            let value = if self.tame {
                Expr::int(self.rng.random_range(-5..50))
            } else if self.chance(90) {
                // Any kind of value, but not another (maybe unbound) name.
                match self.rng.random_range(0..6) {
                    0 => Expr::int(EDGE_INTS[self.rng.random_range(0..EDGE_INTS.len())]),
                    1 => Expr::Bool(self.rng.random()),
                    2 => Expr::None,
                    3 => Expr::name(self.pick(&["print", "range"])),
                    _ => Expr::int(self.rng.random_range(-3..=10)),
                }
            } else {
                continue;
            };
            body.push(Stmt::Assign {
                target: v.to_string(),
                value,
            });
        }
        for name in FUNCS {
            if self.tame || self.chance(85) {
                body.push(self.def(name, 2));
            }
        }
        body.extend(self.block(8, 2));
        Module { body }
    }
}

#[test]
fn random_error_prone_programs_agree_with_cpython() {
    let count: u64 = std::env::var("JITDIFF_REFERENCE_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut sources = Vec::new();
    let mut wants = Vec::new();
    let mut poisoned = 0;
    // Ending kinds, to see what the programs exercise.
    let mut endings = std::collections::BTreeMap::<String, usize>::new();
    for seed in 0..count {
        let mut rng = StdRng::seed_from_u64(seed);
        let (tame, arity) = (rng.random(), rng.random_range(0..=3));
        let mut g = Gen {
            rng,
            in_func: None,
            in_loop: false,
            tame,
            arity,
        };
        let source = unparse(&g.module());
        // Run exactly what CPython will run.
        let module =
            parse_program(&source).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{source}"));
        match reference::run(&module) {
            RunResult::Completed(o) => {
                let kind = match &o.ending {
                    Ending::Normal => "normal",
                    Ending::Exception { kind, .. } => kind,
                };
                *endings
                    .entry(format!("{}{kind}", if tame { "tame " } else { "wild " }))
                    .or_default() += 1;
                sources.push(source);
                wants.push((seed, o));
            }
            RunResult::Poisoned(_) => poisoned += 1,
        }
    }
    eprintln!(
        "{count} programs: {} compared, {poisoned} poisoned; endings {endings:?}",
        sources.len()
    );
    let cpython = reference_python::run_all(&sources);
    let mut failures = Vec::new();
    for ((source, (seed, ours)), theirs) in sources.iter().zip(&wants).zip(&cpython) {
        if ours != theirs {
            failures.push(format!(
                "--- seed {seed}\n{source}reference: {ours:#?}\ncpython:   {theirs:#?}"
            ));
        }
    }
    let shown: Vec<&String> = failures.iter().take(5).collect();
    assert!(
        failures.is_empty(),
        "{} disagree; first ones:\n{shown:#?}",
        failures.len()
    );
}
