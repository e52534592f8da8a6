//! Int-valued expressions with an upper bound on their bit length, guarded
//! divisors, conditions, and calls (which are charged to the fuel budget).

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, UnaryOp};

use super::state::{FnKind, Gen, RecForm};

/// An expression and an upper bound on the bit length of its value.
pub(super) struct E {
    pub e: Expr,
    pub bits: u32,
}

/// Sub-expressions never get wider than this (a `Mul` that could becomes `Add`).
pub(super) const EXPR_BITS: u32 = 400;

pub(super) fn bits_of(v: i128) -> u32 {
    128 - v.unsigned_abs().leading_zeros()
}

pub(super) fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    Expr::BinOp {
        op,
        left: Box::new(l),
        right: Box::new(r),
    }
}

pub(super) fn cmp(l: Expr, op: CmpOp, r: Expr) -> Expr {
    Expr::Compare {
        left: Box::new(l),
        ops: vec![op],
        comparators: vec![r],
    }
}

pub(super) fn not(e: Expr) -> Expr {
    Expr::UnaryOp {
        op: UnaryOp::Not,
        operand: Box::new(e),
    }
}

/// Values around the boundaries a JIT's int fast paths care about: tagged
/// small ints (2**62), machine words (2**63, 2**64) and 32-bit ones.
const BOUNDARY: [i128; 16] = [
    (1 << 62) - 1,
    1 << 62,
    (1 << 62) + 1,
    (1 << 63) - 1,
    1 << 63,
    (1 << 64) - 1,
    1 << 64,
    (1 << 31) - 1,
    1 << 31,
    1 << 32,
    -(1 << 62),
    -(1 << 62) - 1,
    -(1 << 63),
    -(1 << 63) - 1,
    -(1 << 64),
    (1 << 61) + 12345,
];

const SMALL: [i128; 16] = [
    0, 1, 2, 3, 5, 7, 10, 11, 13, 100, 255, 1000, -1, -2, -7, 4096,
];

/// Moduli used to keep values within a variable's cap (also JIT-relevant:
/// masks and boundaries).
const MODULI: [i128; 14] = [
    7,
    10,
    97,
    1000,
    65521,
    1_000_003,
    (1 << 31) - 1,
    1 << 32,
    (1 << 61) - 1,
    1 << 62,
    (1 << 63) - 25,
    1 << 63,
    1 << 64,
    (1 << 64) + 13,
];

impl Gen<'_, '_> {
    pub fn constant(&mut self) -> E {
        let v = if self.cfg.big_ints && self.chance(30) {
            self.pick(&BOUNDARY)
        } else if self.chance(60) {
            self.pick(&SMALL)
        } else {
            self.between(0, 60) as i128 - 10
        };
        E {
            e: Expr::int(v),
            bits: bits_of(v),
        }
    }

    /// `e % M` when `e` could exceed `cap` bits (so a variable keeps its cap).
    pub fn fit(&mut self, e: E, cap: u32) -> E {
        if e.bits <= cap {
            return e;
        }
        let fitting: Vec<i128> = MODULI
            .iter()
            .copied()
            .filter(|&m| bits_of(m) <= cap)
            .collect();
        let m = if fitting.is_empty() {
            7
        } else {
            self.pick(&fitting)
        };
        let m = if self.cfg.neg_divisors && self.chance(20) {
            -m
        } else {
            m
        };
        E {
            e: bin(BinOp::Mod, e.e, Expr::int(m)),
            bits: bits_of(m),
        }
    }

    pub fn depth(&mut self) -> u32 {
        self.between(1, self.cfg.expr_depth as u64) as u32
    }

    pub fn int_expr(&mut self, depth: u32) -> E {
        if depth == 0 || self.u.is_empty() || self.chance(30) {
            return self.leaf();
        }
        let c = self.cfg;
        let w = [
            6,
            if c.div_mod { 3 } else { 0 },
            2,
            if c.bool_values { 1 } else { 0 },
            if c.bool_arith || c.chained_cmp { 2 } else { 1 },
            if c.bool_values { 2 } else { 0 },
            if self.can_call() { 3 } else { 0 },
            if c.bitwise { 3 } else { 0 },
            if c.bitwise { 1 } else { 0 },
            if c.cond_exprs { 2 } else { 0 },
            if c.floats { 2 } else { 0 },
            if c.sequences && !self.seqs.is_empty() {
                4
            } else {
                0
            },
            if c.strings { 4 } else { 0 },
            if c.builtins { 5 } else { 0 },
        ];
        match self.weighted(&w) {
            Some(13) => self.builtin_int(depth - 1),
            Some(12) => self.str_int(depth - 1),
            Some(11) => self.seq_int(),
            Some(10) => self.int_of_float(depth - 1),
            Some(7) => self.bitwise(depth - 1),
            Some(8) => {
                let x = self.int_expr(depth - 1);
                E {
                    bits: x.bits + 1,
                    e: Expr::UnaryOp {
                        op: UnaryOp::Invert,
                        operand: Box::new(x.e),
                    },
                }
            }
            Some(9) => {
                let test = if self.chance(60) {
                    self.compare(depth - 1)
                } else {
                    self.int_expr(depth - 1).e
                };
                let (a, b) = (self.int_expr(depth - 1), self.int_expr(depth - 1));
                E {
                    bits: a.bits.max(b.bits),
                    e: Expr::IfExp {
                        test: Box::new(test),
                        body: Box::new(a.e),
                        orelse: Box::new(b.e),
                    },
                }
            }
            Some(1) => {
                let l = self.int_expr(depth - 1);
                let d = self.divisor(depth - 1);
                if self.chance(50) {
                    E {
                        bits: l.bits,
                        e: bin(BinOp::FloorDiv, l.e, d.e),
                    }
                } else {
                    E {
                        bits: d.bits,
                        e: bin(BinOp::Mod, l.e, d.e),
                    }
                }
            }
            Some(2) => {
                let x = self.int_expr(depth - 1);
                let op = if self.chance(85) {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Pos
                };
                E {
                    bits: x.bits,
                    e: Expr::UnaryOp {
                        op,
                        operand: Box::new(x.e),
                    },
                }
            }
            Some(3) => {
                let x = self.int_expr(depth - 1);
                E {
                    bits: 1,
                    e: not(x.e),
                }
            }
            Some(4) => E {
                e: self.compare(depth - 1),
                bits: 1,
            },
            Some(5) => {
                let op = if self.chance(50) {
                    BoolOp::And
                } else {
                    BoolOp::Or
                };
                let n = self.between(2, 3);
                let mut values = vec![];
                let mut bits = 0;
                for _ in 0..n {
                    let v = self.int_expr(depth - 1);
                    bits = bits.max(v.bits);
                    values.push(v.e);
                }
                E {
                    e: Expr::BoolOp { op, values },
                    bits,
                }
            }
            Some(6) => self.call_expr(depth - 1).unwrap_or_else(|| self.leaf()),
            _ => {
                let l = self.int_expr(depth - 1);
                let r = self.int_expr(depth - 1);
                let op = self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                let (op, bits) = match op {
                    BinOp::Mul if l.bits + r.bits <= EXPR_BITS => (op, l.bits + r.bits),
                    BinOp::Mul => (BinOp::Add, l.bits.max(r.bits) + 1),
                    _ => (op, l.bits.max(r.bits) + 1),
                };
                E {
                    e: bin(op, l.e, r.e),
                    bits,
                }
            }
        }
    }

    /// `&`, `|`, `^` (no wider than the wider operand, plus a sign bit), or
    /// a shift by a count that is never negative and keeps the result
    /// within [`EXPR_BITS`]: a constant around the word boundaries, or
    /// `e % K`.
    fn bitwise(&mut self, depth: u32) -> E {
        let l = self.int_expr(depth);
        let op = self.pick(&[
            BinOp::BitAnd,
            BinOp::BitOr,
            BinOp::BitXor,
            BinOp::LShift,
            BinOp::RShift,
        ]);
        if !matches!(op, BinOp::LShift | BinOp::RShift) {
            let r = self.int_expr(depth);
            return E {
                bits: l.bits.max(r.bits) + 1,
                e: bin(op, l.e, r.e),
            };
        }
        let room = EXPR_BITS.saturating_sub(l.bits);
        let (count, most) = if self.chance(50) {
            let k = self.pick(&[0i128, 1, 2, 3, 7, 31, 32, 33, 61, 62, 63, 64, 65]);
            (Expr::int(k), k as u32)
        } else {
            let k = self.pick(&[8i128, 33, 65, 70]);
            let r = self.int_expr(depth);
            (bin(BinOp::Mod, r.e, Expr::int(k)), k as u32 - 1)
        };
        if op == BinOp::LShift && most <= room {
            E {
                bits: l.bits + most,
                e: bin(op, l.e, count),
            }
        } else {
            E {
                bits: l.bits,
                e: bin(BinOp::RShift, l.e, count),
            }
        }
    }

    pub fn leaf(&mut self) -> E {
        let vars = self.readable();
        if !vars.is_empty() && self.chance(70) {
            let (n, cap) = self.pick(&vars);
            return E {
                e: Expr::Name(n),
                bits: cap,
            };
        }
        if self.cfg.bool_arith && self.chance(20) {
            return E {
                e: Expr::Bool(self.chance(50)),
                bits: 1,
            };
        }
        self.constant()
    }

    /// A divisor that is never zero: a nonzero constant, or `e % K + 1`
    /// (in 1..=K), or `e % K - K` / `e % -K - 1` (in -K..=-1).
    pub fn divisor(&mut self, depth: u32) -> E {
        let neg = self.cfg.neg_divisors;
        let w = [
            3,
            if self.cfg.big_ints { 1 } else { 0 },
            3,
            if neg { 2 } else { 0 },
            if neg { 1 } else { 0 },
        ];
        let k = self.pick(&[2i128, 3, 7, 10, 16, 100, 1 << 32]);
        match self.weighted(&w) {
            Some(1) => {
                let v = self.pick(&[
                    1i128 << 32,
                    1 << 62,
                    -(1 << 62),
                    1 << 63,
                    -(1 << 63) - 1,
                    1 << 64,
                ]);
                E {
                    e: Expr::int(v),
                    bits: bits_of(v),
                }
            }
            Some(2) => {
                let x = self.int_expr(depth);
                E {
                    e: bin(BinOp::Add, bin(BinOp::Mod, x.e, Expr::int(k)), Expr::int(1)),
                    bits: bits_of(k) + 1,
                }
            }
            Some(3) => {
                let x = self.int_expr(depth);
                E {
                    e: bin(BinOp::Sub, bin(BinOp::Mod, x.e, Expr::int(k)), Expr::int(k)),
                    bits: bits_of(k) + 1,
                }
            }
            Some(4) => {
                let x = self.int_expr(depth);
                E {
                    e: bin(
                        BinOp::Sub,
                        bin(BinOp::Mod, x.e, Expr::int(-k)),
                        Expr::int(1),
                    ),
                    bits: bits_of(k) + 1,
                }
            }
            _ => {
                let mut v = self.between(1, 9) as i128;
                if neg && self.chance(40) {
                    v = -v;
                }
                E {
                    e: Expr::int(v),
                    bits: bits_of(v),
                }
            }
        }
    }

    /// `a op b` or a chain `a op b op c`.
    pub fn compare(&mut self, depth: u32) -> Expr {
        if self.cfg.floats && self.chance(30) {
            return self.float_compare(depth);
        }
        let n = if self.cfg.chained_cmp && self.chance(40) {
            self.between(2, 3)
        } else {
            1
        };
        let left = self.int_expr(depth);
        let mut ops = vec![];
        let mut comparators = vec![];
        for _ in 0..n {
            ops.push(self.pick(&CmpOp::ALL));
            comparators.push(self.int_expr(depth).e);
        }
        Expr::Compare {
            left: Box::new(left.e),
            ops,
            comparators,
        }
    }

    /// A test for `if`/`while`: mostly comparisons.
    pub fn cond(&mut self, depth: u32) -> Expr {
        let nones = self.none_vars();
        let w = [
            6,
            if self.cfg.bool_values && depth > 0 {
                2
            } else {
                0
            },
            if self.cfg.bool_values { 1 } else { 0 },
            1,
            if nones.is_empty() { 0 } else { 3 },
        ];
        match self.weighted(&w) {
            Some(1) => {
                let op = if self.chance(50) {
                    BoolOp::And
                } else {
                    BoolOp::Or
                };
                let a = self.cond(depth - 1);
                let b = self.cond(depth - 1);
                Expr::BoolOp {
                    op,
                    values: vec![a, b],
                }
            }
            Some(2) => not(self.cond(depth.saturating_sub(1))),
            Some(3) => self.int_expr(depth).e,
            Some(4) => {
                let n = self.pick(&nones);
                let positive = self.chance(50);
                // With `sentinels`, half of them as Python code tests for
                // None, by identity (`IS_OP`, `_IS_OP` in traces).
                let identity = self.cfg.sentinels && self.chance(50);
                let op = match (positive, identity) {
                    (true, false) => CmpOp::Eq,
                    (false, false) => CmpOp::NotEq,
                    (true, true) => CmpOp::Is,
                    (false, true) => CmpOp::IsNot,
                };
                cmp(Expr::Name(n), op, Expr::None)
            }
            _ => self.compare(depth),
        }
    }

    pub fn can_call(&self) -> bool {
        !self.no_calls
            && self
                .callable()
                .iter()
                .any(|f| !matches!(f.kind, FnKind::Proc))
            && self.fuel >= 2
    }

    /// A call of a value-returning function that fits the fuel and line
    /// budgets (the cost is charged here).
    pub fn call_expr(&mut self, depth: u32) -> Option<E> {
        if self.no_calls {
            return None;
        }
        let fuel = self.fuel;
        let lines = self.lines;
        let options: Vec<usize> = self
            .callable()
            .iter()
            .enumerate()
            .filter(|(_, f)| match f.kind {
                FnKind::Proc => false,
                FnKind::Pure => f.cost <= fuel && f.lines <= lines,
                FnKind::Rec { form, .. } => rec_cost(form, 0) <= fuel,
            })
            .map(|(i, _)| i)
            .collect();
        if options.is_empty() {
            return None;
        }
        let i = self.pick(&options);
        let f = self.funcs[i].clone();
        match f.kind {
            FnKind::Rec {
                form,
                max_d,
                base_bits,
                step_bits,
            } => {
                // The largest argument bound whose cost fits, then a random one below.
                let mut d = max_d;
                while d > 0 && rec_cost(form, d) > fuel {
                    d = if form == RecForm::Halving {
                        d / 2
                    } else {
                        d - 1
                    };
                }
                let d = self.between(0, d);
                self.fuel -= rec_cost(form, d);
                let arg = if self.chance(30) {
                    Expr::int(self.between(0, d) as i128)
                } else {
                    let x = self.int_expr(depth);
                    bin(BinOp::Mod, x.e, Expr::int(d as i128 + 1))
                };
                let mut args = vec![arg];
                if form == RecForm::Acc {
                    let a = self.int_expr(depth);
                    args.push(self.fit(a, f.param_caps[1]).e);
                }
                Some(E {
                    e: Expr::call(&f.name, args),
                    bits: rec_bits(form, d, base_bits, step_bits),
                })
            }
            _ => {
                self.fuel -= f.cost;
                self.lines -= f.lines;
                Some(E {
                    e: self.call_args(&f, depth),
                    bits: f.ret_bits,
                })
            }
        }
    }

    /// `f(args)` with each argument fitted to its parameter's cap.
    pub fn call_args(&mut self, f: &super::state::FnInfo, depth: u32) -> Expr {
        let mut args = vec![];
        for &cap in &f.param_caps {
            let a = self.int_expr(depth);
            args.push(self.fit(a, cap).e);
        }
        if let Some((kind, class)) = f.seq_param {
            args.push(self.seq_arg(kind, class));
        }
        Expr::call(&f.name, args)
    }
}

/// Fuel of one call `f(d)` of a recursive template (every call counts 1).
pub(super) fn rec_cost(form: RecForm, d: u64) -> u64 {
    match form {
        RecForm::Linear | RecForm::Acc => d + 1,
        RecForm::Halving => 65 - d.max(1).leading_zeros() as u64,
        RecForm::Double => {
            // calls(n) = 1 for n < 2, else 1 + calls(n - 1) + calls(n - 2).
            let (mut a, mut b) = (1u64, 1u64);
            for _ in 2..=d {
                let c = (1 + a + b).min(u64::MAX / 4);
                a = b;
                b = c;
            }
            b
        }
    }
}

/// Bit bound of the result of `f(d)`.
pub(super) fn rec_bits(form: RecForm, d: u64, base_bits: u32, step_bits: u32) -> u32 {
    let db = 64 - d.leading_zeros();
    match form {
        RecForm::Linear => base_bits.max(step_bits) + db + 1,
        RecForm::Double => base_bits + d as u32 + 1,
        RecForm::Acc => base_bits.max(step_bits),
        RecForm::Halving => base_bits.max(step_bits) + db + 1,
    }
}
