//! Floats (swarm feature `floats`): module-level float variables (`fl0`,
//! `fl1`, ...) assigned float expressions at module scope and read
//! everywhere, float boundary values (±0.0, ±inf, NaN, 2**53, 2**63, the
//! smallest subnormal, the largest float), mixed int/float arithmetic, and
//! the type-unstable shape that breaks JIT float guards: a float variable
//! rebound to an int (small or past the inline range) at iteration K of a
//! hot loop, and back, and read as the right operand of float arithmetic
//! in that loop after the rebind (so the trace's float guards meet it).
//!
//! A float variable is only ever read where any number is fine (float
//! expressions, comparisons, `print`), never where the int machinery's bit
//! caps matter. Only the variables drawn *unstable* are ever rebound to an
//! int, and an expression that may compute an int (from such a variable or
//! an int operand) is stored as `float(e)`, so no int grows from one
//! iteration to the next. Divisors are `abs(e) + 1.0` (never zero), powers have a
//! base `abs(e) + 1.0` (never a complex result, never 0.0 to a negative
//! power), and conversions back to int are guarded against NaN and
//! infinities: the exceptions a float program raises are overflow ones.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt, UnaryOp};

use super::expr::{E, bin, cmp};
use super::state::Gen;

/// Literals around what float fast paths get wrong: signed zeros, the
/// exactness limit 2**53 (and one past it), 2**62/2**63 (the tagged-int
/// and word boundaries), subnormals, the largest float and infinity; and
/// for formatting, a decimal exponent of -4 (the last one `repr`, `%g` and
/// `:g` still write in fixed notation).
const FLOAT_CONSTS: [f64; 21] = [
    0.0,
    -0.0,
    0.5,
    1.5,
    2.0,
    0.1,
    0.25,
    -7.25,
    std::f64::consts::PI,
    123.456,
    1e16,
    9007199254740992.0,
    9007199254740994.0,
    4611686018427387904.0,
    9.223372036854776e18,
    1e22,
    2.5e-8,
    1.25e-4,
    5e-324,
    1.7976931348623157e308,
    f64::INFINITY,
];

/// Ints a float variable is rebound to mid-loop: small ones, and ones past
/// the inline range (boxed ints, which a "boxed means float" guard takes).
const UNSTABLE_INTS: [i128; 8] = [0, 1, 3, -2, 1000, 1 << 62, -(1 << 62) - 1, 1 << 64];

fn call1(name: &str, arg: Expr) -> Expr {
    Expr::call(name, vec![arg])
}

impl Gen<'_, '_> {
    /// Float variables readable here.
    pub fn float_vars(&self) -> Vec<String> {
        self.fvars.iter().map(|(n, _)| n.clone()).collect()
    }

    /// A new module-level float variable, bound before any code runs; half
    /// are unstable (rebound to ints mid-loop).
    pub fn fresh_float_global(&mut self) -> String {
        let name = format!("fl{}", self.fvars.len());
        let unstable = self.chance(50);
        self.fvars.push((name.clone(), unstable));
        name
    }

    fn is_unstable(&self, name: &str) -> bool {
        self.fvars.iter().any(|(n, u)| n == name && *u)
    }

    pub fn float_const(&mut self) -> Expr {
        if self.chance(3) {
            // NaN has no literal.
            return bin(
                BinOp::Sub,
                Expr::float(f64::INFINITY),
                Expr::float(f64::INFINITY),
            );
        }
        let v = self.pick(&FLOAT_CONSTS);
        let v = if self.chance(25) { -v } else { v };
        Expr::float(v)
    }

    /// A leaf, and whether it may be an int.
    fn float_leaf(&mut self) -> (Expr, bool) {
        let vars = self.float_vars();
        match self.weighted(&[4, if vars.is_empty() { 0 } else { 6 }, 1, 1]) {
            Some(1) => {
                let v = self.pick(&vars);
                (Expr::name(&v), self.is_unstable(&v))
            }
            Some(2) => (call1("float", self.leaf().e), false),
            // An int operand: mixed arithmetic.
            Some(3) => (self.leaf().e, true),
            _ => (self.float_const(), false),
        }
    }

    /// `abs(e) + 1.0`: never zero, so `/`, `//` and `%` never raise (a NaN
    /// or infinite divisor is fine).
    fn nonzero(&mut self, depth: u32) -> Expr {
        let e = self.float_expr(depth);
        bin(BinOp::Add, call1("abs", e), Expr::float(1.0))
    }

    /// A float-valued expression (or, through an unstable variable or an
    /// int leaf, occasionally an int).
    pub fn float_expr(&mut self, depth: u32) -> Expr {
        self.float_expr_typed(depth).0
    }

    /// [`Self::float_expr`], and whether its value may be an int.
    fn float_expr_typed(&mut self, depth: u32) -> (Expr, bool) {
        if depth == 0 || self.u.is_empty() || self.chance(25) {
            return self.float_leaf();
        }
        let d = depth - 1;
        let w = [
            8,
            2,
            1,
            1,
            1,
            1,
            1,
            if self.cfg.cond_exprs { 1 } else { 0 },
            1,
        ];
        match self.weighted(&w) {
            // True division, and floor division or modulo by a float, are
            // floats whatever the dividend.
            Some(1) => {
                let l = self.float_expr(d);
                (bin(BinOp::Div, l, self.nonzero(d)), false)
            }
            Some(2) => {
                let op = self.pick(&[BinOp::FloorDiv, BinOp::Mod]);
                let l = self.float_expr(d);
                (bin(op, l, self.nonzero(d)), false)
            }
            Some(3) => {
                let (x, maybe_int) = self.float_expr_typed(d);
                let neg = Expr::UnaryOp {
                    op: UnaryOp::Neg,
                    operand: Box::new(x),
                };
                (neg, maybe_int)
            }
            Some(4) => {
                let base = self.nonzero(d);
                let exp = self.pick(&[0.5f64, 2.0, 3.0, -1.0, 1.5, -0.5, 0.0]);
                (bin(BinOp::Pow, base, Expr::float(exp)), false)
            }
            Some(5) => (call1("float", self.int_expr(d).e), false),
            Some(6) => {
                let (x, maybe_int) = self.float_expr_typed(d);
                (call1("abs", x), maybe_int)
            }
            Some(7) => {
                let test = self.float_compare(d);
                let (a, ai) = self.float_expr_typed(d);
                let (b, bi) = self.float_expr_typed(d);
                let e = Expr::IfExp {
                    test: Box::new(test),
                    body: Box::new(a),
                    orelse: Box::new(b),
                };
                (e, ai || bi)
            }
            Some(8) => {
                let n = self.pick(&[0i128, 1, 2, 3, 5]);
                let (x, maybe_int) = self.float_expr_typed(d);
                (Expr::call("round", vec![x, Expr::int(n)]), maybe_int)
            }
            _ => {
                let op = self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                let (l, li) = self.float_expr_typed(d);
                let (r, ri) = self.float_expr_typed(d);
                (bin(op, l, r), li && ri)
            }
        }
    }

    /// A comparison with a float on at least one side (NaN makes every
    /// comparison but `!=` false).
    pub fn float_compare(&mut self, depth: u32) -> Expr {
        let l = self.float_expr(depth);
        let op = self.pick(&CmpOp::ALL);
        let r = if self.chance(70) {
            self.float_expr(depth)
        } else {
            self.int_expr(depth).e
        };
        cmp(l, op, r)
    }

    /// An int from a float expression: `int(e)` or `round(e)` where that
    /// cannot fail, a small constant otherwise (NaN and infinities fail
    /// the range test).
    pub fn int_of_float(&mut self, depth: u32) -> E {
        let conv = if self.chance(50) { "int" } else { "round" };
        // Half of an int is a tie whenever the int is odd: `round` must
        // round it to even, `int` towards zero. (Only below 2**52, where
        // every half is a float.)
        let halved = self
            .chance(40)
            .then(|| self.int_expr(depth))
            .filter(|x| x.bits <= 52);
        let v = match halved {
            Some(x) => bin(BinOp::Div, x.e, Expr::int(2)),
            None => self.float_expr(depth),
        };
        let ok = cmp(call1("abs", v.clone()), CmpOp::Lt, Expr::float(1e15));
        E {
            e: Expr::IfExp {
                test: Box::new(ok),
                body: Box::new(call1(conv, v)),
                orelse: Box::new(Expr::int(7)),
            },
            bits: 50,
        }
    }

    /// Float statements at module scope: an assignment, an augmented one,
    /// or (in a loop) the type-unstable rebind at iteration K and a use of
    /// the rebound variable after it.
    pub fn float_stmts(&mut self) -> Vec<Stmt> {
        let vars = self.float_vars();
        let target = if vars.is_empty() || self.chance(10) {
            self.fresh_float_global()
        } else {
            self.pick(&vars)
        };
        if !self.loops.is_empty() && self.is_unstable(&target) && self.chance(35) {
            let l = self.loops.last().cloned().expect("in a loop");
            let k = l.value(self.below(l.trip.max(1)));
            let value = if self.chance(65) {
                Expr::int(self.pick(&UNSTABLE_INTS))
            } else {
                self.float_const()
            };
            let rebind = Stmt::If {
                test: cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k)),
                body: vec![Stmt::Assign {
                    target: target.clone(),
                    value,
                }],
                orelse: vec![],
            };
            return vec![rebind, self.float_rebind_use(&target, k)];
        }
        let d = self.depth();
        let (value, maybe_int) = self.float_expr_typed(d);
        // `v op= e` with a float `e` is a float, whatever `v` holds.
        if !maybe_int && self.chance(30) {
            let op = self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
            return vec![Stmt::AugAssign { target, op, value }];
        }
        let value = if maybe_int {
            call1("float", value)
        } else {
            value
        };
        vec![Stmt::Assign { target, value }]
    }

    /// After the rebind of `flX` at iteration K, a use of `flX` as the right
    /// operand of float arithmetic in the same loop body: every later
    /// iteration of the loop's trace then meets an int where the float op
    /// was specialized, so a float guard that lets the int through (or a
    /// removed one) is run. Without it the rebound variable is rarely read
    /// in that loop. The operator comes from K; the other operand is the
    /// first other float variable, or a new one.
    fn float_rebind_use(&mut self, target: &str, k: i128) -> Stmt {
        let other = match self.float_vars().into_iter().find(|v| v != target) {
            Some(v) => v,
            None => self.fresh_float_global(),
        };
        let op = [BinOp::Add, BinOp::Sub, BinOp::Mul][k.rem_euclid(3) as usize];
        let value = bin(op, Expr::name(&other), Expr::name(target));
        Stmt::Assign {
            target: other,
            value: call1("float", value),
        }
    }

    /// Initializations of the float globals (at the top of the program).
    pub fn float_inits(&mut self) -> Vec<Stmt> {
        self.float_vars()
            .into_iter()
            .map(|target| Stmt::Assign {
                target,
                value: self.float_const(),
            })
            .collect()
    }
}
