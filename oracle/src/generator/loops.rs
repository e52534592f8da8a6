//! Loops and loop-aware shapes. A loop divides its block's budget by its
//! trip count for the body and charges `setup + trip * (1 + body)` fuel; the
//! body knows the loop variable's values, so it can place a branch flip, a
//! rebinding or an exception at a chosen iteration K (after warm-up).

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, Stmt};

/// Integer boundaries JIT fast paths care about: the small-int range
/// (2**62), 64-bit signed and unsigned overflow, and 32-bit widths.
const BOUNDARIES: [i128; 7] = [
    1 << 62,
    1 << 63,
    1 << 64,
    -(1 << 62),
    -(1 << 63),
    1 << 31,
    1 << 32,
];

use super::expr::{E, bin, bits_of, cmp, not};
use super::state::{Gen, LoopCtx, Planned, RET_CAP, VAR_CAPS};

impl Gen<'_, '_> {
    pub fn error_pending_in_loop(&self) -> bool {
        !self.placed_error
            && matches!(
                self.planned,
                Some(
                    Planned::ZeroDivLoop
                        | Planned::NameErrorLoop
                        | Planned::SeqIndex
                        | Planned::SeqType
                        | Planned::SeqValue
                        | Planned::StrType
                        | Planned::StrValue
                )
            )
    }

    /// [`Self::error_in_loop`], or the string one (which may take a few
    /// statements: an operand rebound at K, then the `+` that fails).
    pub fn error_in_loop_block(&mut self) -> Vec<Stmt> {
        if matches!(self.planned, Some(Planned::StrType | Planned::StrValue)) {
            let l = self.loops.last().cloned().expect("in a loop");
            let k = l.value(self.below(l.trip.max(1)));
            return self.str_error_in_loop(&l, k);
        }
        vec![self.error_in_loop()]
    }

    /// The planned exception, raised at iteration K of the innermost loop
    /// (after warm-up, so a JIT has to get the slow path right).
    pub fn error_in_loop(&mut self) -> Stmt {
        self.placed_error = true;
        let l = self.loops.last().cloned().expect("in a loop");
        let k = l.value(self.below(l.trip.max(1)));
        // Half the time the failing expression's value is discarded (an
        // expression statement): an optimizer that treats it as dead code
        // because nothing reads it loses the exception.
        let discarded = self.chance(50);
        if matches!(
            self.planned,
            Some(Planned::SeqIndex | Planned::SeqType | Planned::SeqValue)
        ) {
            let at_k = cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k));
            return self.seq_error(at_k);
        }

        if self.planned == Some(Planned::NameErrorLoop) {
            let missing = Expr::name(&self.fresh_name("undefined"));
            let body = if discarded {
                Stmt::Expr(missing)
            } else {
                Stmt::Expr(Expr::call("print", vec![missing]))
            };
            return Stmt::If {
                test: cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k)),
                body: vec![body],
                orelse: vec![],
            };
        }
        // `e // (i - K)`: zero exactly when i == K.
        let (target, cap) = self.fresh_int_var();
        let e = self.int_expr(1);
        let op = if self.chance(50) {
            BinOp::FloorDiv
        } else {
            BinOp::Mod
        };
        // |i - K| < 2 * max|i|, so a remainder has at most the var's cap + 1 bits.
        let var_cap = self
            .vars
            .iter()
            .find(|v| v.name == l.var)
            .map_or(RET_CAP, |v| v.cap);
        let q = E {
            bits: e.bits.max(var_cap + 1),
            e: bin(op, e.e, bin(BinOp::Sub, Expr::name(&l.var), Expr::int(k))),
        };
        if discarded {
            // Computed every iteration, read never, raises at iteration K.
            return Stmt::Expr(q.e);
        }
        let value = self.fit(q, cap).e;
        Stmt::Assign { target, value }
    }

    /// Loop-aware shapes: a flipping branch, a global or function name
    /// rebound at iteration K, a flag flipped once, bool -> int, a sampled print.
    pub fn loop_template(&mut self) -> Option<Vec<Stmt>> {
        let c = self.cfg;
        let gl = self.writable_globals();
        let rebind_ok = c.func_rebind && self.fscope.is_none() && self.has_rebind_pair();
        let w = [
            if c.branch_flip && self.can_nest() {
                4
            } else {
                0
            },
            if c.global_rebind && !gl.is_empty() {
                3
            } else {
                0
            },
            if rebind_ok { 5 } else { 0 },
            if c.branch_flip && self.can_nest() {
                2
            } else {
                0
            },
            if c.bool_arith { 2 } else { 0 },
            if c.prints_in_loops && self.lines > 0.0 && self.fuel >= 1 {
                3
            } else {
                0
            },
        ];
        let at_k = |g: &mut Self| {
            let l = g.loops.last().cloned().expect("in a loop");
            let k = l.value(g.below(l.trip.max(1)));
            cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k))
        };
        match self.weighted(&w)? {
            0 => Some(vec![self.if_stmt_flip()]),
            1 => {
                let (g, cap) = self.pick(&gl);
                let test = at_k(self);
                let v = if self.chance(50) {
                    self.constant_within(cap)
                } else {
                    self.int_expr(2)
                };
                let v = self.fit(v, cap);
                Some(vec![Stmt::If {
                    test,
                    body: vec![Stmt::Assign {
                        target: g,
                        value: v.e,
                    }],
                    orelse: vec![],
                }])
            }
            2 => {
                let (target, source) = self.rebind_pair()?;
                let test = at_k(self);
                Some(vec![Stmt::If {
                    test,
                    body: vec![Stmt::Assign {
                        target,
                        value: Expr::name(&source),
                    }],
                    orelse: vec![],
                }])
            }
            3 => {
                // A flag flipped once: `if flag:` is stable, then not.
                let init = Expr::Bool(self.chance(50));
                let flag = self.fresh_var("flag", 1, false, init);
                let test = at_k(self);
                let flip = Stmt::If {
                    test,
                    body: vec![Stmt::Assign {
                        target: flag.clone(),
                        value: not(Expr::name(&flag)),
                    }],
                    orelse: vec![],
                };
                let (body, orelse) = self.branches(
                    |g| g.block(),
                    |g| if g.chance(50) { g.block() } else { vec![] },
                );
                Some(vec![
                    flip,
                    Stmt::If {
                        test: Expr::name(&flag),
                        body,
                        orelse,
                    },
                ])
            }
            4 => {
                // Starts as a bool, becomes an int on the first addition.
                let init = Expr::Bool(self.chance(50));
                let b = self.fresh_var("b", 40, true, init);
                let add = if self.chance(50) {
                    self.flip_cond()
                } else {
                    Expr::Bool(true)
                };
                Some(vec![Stmt::AugAssign {
                    target: b,
                    op: BinOp::Add,
                    value: add,
                }])
            }
            _ => {
                // Print on every P-th iteration. With P coprime to the step,
                // `i % P == Q` holds at most ceil(trip / P) times per run of
                // the loop: that is what is charged.
                let l = self.loops.last().cloned().expect("in a loop");
                let trip = l.trip.max(1);
                let per_iter = |p: u64| trip.div_ceil(p) as f64 / trip as f64;
                if per_iter(trip) > self.lines {
                    return None;
                }
                let mut p = self.pick(&[1u64, 2, 10, 100]);
                while per_iter(p) > self.lines {
                    p *= 2;
                }
                while gcd(p, l.step.unsigned_abs() as u64) > 1 {
                    p += 1;
                }
                self.lines -= per_iter(p);
                let p = p as i128;
                self.fuel -= 1;
                let q = self.below(p as u64) as i128;
                let args = self.print_args();
                let print = Stmt::Expr(self.print_call(args));
                if p == 1 {
                    return Some(vec![print]);
                }
                Some(vec![Stmt::If {
                    test: cmp(
                        bin(BinOp::Mod, Expr::name(&l.var), Expr::int(p)),
                        CmpOp::Eq,
                        Expr::int(q),
                    ),
                    body: vec![print],
                    orelse: vec![],
                }])
            }
        }
    }

    fn if_stmt_flip(&mut self) -> Stmt {
        let test = self.flip_cond();
        let two = self.chance(60);
        let (body, orelse) = self.branches(|g| g.block(), |g| if two { g.block() } else { vec![] });
        Stmt::If { test, body, orelse }
    }

    /// Runs `body` as the body of a loop with `trip` iterations over `ctx`:
    /// divides the budgets, and charges `setup + trip * (1 + body)` fuel.
    pub fn loop_body(
        &mut self,
        ctx: LoopCtx,
        setup: u64,
        body: impl FnOnce(&mut Self) -> Vec<Stmt>,
    ) -> Vec<Stmt> {
        let trip = ctx.trip.max(1);
        let (fuel, lines) = (self.fuel, self.lines);
        let per = (fuel.saturating_sub(setup) / trip).saturating_sub(1);
        self.fuel = per;
        self.lines = lines / trip as f64;
        self.loops.push(ctx);
        self.nest += 1;
        let out = body(self);
        self.nest -= 1;
        self.loops.pop();
        let used = per - self.fuel;
        let used_lines = (lines / trip as f64 - self.lines).max(0.0);
        self.fuel = fuel.saturating_sub(setup + trip * (1 + used));
        self.lines = lines - used_lines * trip as f64;
        out
    }

    /// A fresh loop variable counting `0..t` (`for i in range(t)`) and its
    /// context, for the templates that loop a fixed number of times.
    fn counting_loop(&mut self, t: u64) -> LoopCtx {
        LoopCtx {
            var: self.fresh_var("i", bits_of(t as i128) + 1, false, Expr::int(0)),
            first: 0,
            step: 1,
            trip: t,
        }
    }

    /// A trip count that leaves at least ~2 fuel per iteration.
    pub fn trip_count(&mut self, setup: u64) -> Option<u64> {
        let room = self.fuel.saturating_sub(setup) / 3;
        if room == 0 {
            return None;
        }
        let max = if self.cfg.hot_loops {
            self.cfg.max_trip as u64
        } else {
            12
        };
        let max = max.min(room);
        // Hot loops mostly use a large share of what the budget allows
        // (tens to thousands of iterations); the rest are log-uniform.
        let hot = std::mem::take(&mut self.want_hot);
        if self.cfg.hot_loops && (hot || self.chance(55)) {
            Some(self.between(max / 3, max).max(1))
        } else {
            Some(self.log_between(1, max))
        }
    }

    /// `for i in range(...)`: `range(T)`, `range(a, a + T*s, s)` (possibly
    /// straddling a boundary), `range(j)` over an outer loop variable, or
    /// `range(p % T)` in a function.
    pub fn for_loop(&mut self) -> Option<Vec<Stmt>> {
        let t = self.trip_count(1)?;
        let outer = self
            .loops
            .iter()
            .rev()
            .find(|l| l.first >= 0 && l.step > 0 && l.value(l.trip) <= t as i128)
            .cloned();
        let vars = self.readable();
        let w = [
            4,
            3,
            if outer.is_some() { 2 } else { 0 },
            if self.fscope.is_some() && !vars.is_empty() {
                3
            } else {
                0
            },
        ];
        let (iter, first, step, bits) = match self.weighted(&w) {
            Some(1) => {
                let start = if self.cfg.big_ints && self.chance(40) {
                    self.pick(&BOUNDARIES) - (t as i128 / 2)
                } else {
                    self.between(0, 20) as i128 - 10
                };
                let mut step = self.pick(&[1i128, 1, 2, 3, 7]);
                if self.cfg.neg_divisors && self.chance(30) {
                    step = -step;
                }
                // Half the time a stop inside the last step rather than on
                // it: the same T items, but the length is a rounded-up
                // division (the one a range's length and iterator compute).
                let past = if step.abs() > 1 && self.chance(50) {
                    self.between(1, step.unsigned_abs() as u64 - 1) as i128
                } else {
                    0
                };
                let stop = start + step * t as i128 - step.signum() * past;
                let mut args = vec![Expr::int(start), Expr::int(stop)];
                if step != 1 {
                    args.push(Expr::int(step));
                }
                let bits = bits_of(start).max(bits_of(stop)) + 1;
                (Expr::call("range", args), start, step, bits)
            }
            Some(2) => {
                let o = outer.expect("checked");
                (
                    Expr::call("range", vec![Expr::name(&o.var)]),
                    0,
                    1,
                    bits_of(o.value(o.trip)) + 1,
                )
            }
            Some(3) => {
                let (v, _) = self.pick(&vars);
                let m = bin(BinOp::Mod, Expr::name(&v), Expr::int(t as i128));
                (Expr::call("range", vec![m]), 0, 1, bits_of(t as i128) + 1)
            }
            _ => (
                Expr::call("range", vec![Expr::int(t as i128)]),
                0,
                1,
                bits_of(t as i128) + 1,
            ),
        };
        let var = self.fresh_var("i", bits, false, Expr::int(0));
        let ctx = LoopCtx {
            var: var.clone(),
            first,
            step,
            trip: t,
        };
        let body = self.loop_body(ctx, 1, |g| g.block());
        Some(vec![Stmt::For {
            target: var,
            iter,
            body,
            orelse: vec![],
        }])
    }

    /// `while` on a dedicated counter `w` that the body bumps first (so a
    /// `continue` cannot skip it) and nothing else assigns.
    pub fn while_loop(&mut self) -> Option<Vec<Stmt>> {
        let t = self.trip_count(0)?;
        let ti = t as i128;
        let w = self.fresh_var("w", bits_of(ti) + 1, false, Expr::int(0));
        let wn = || Expr::name(&w);
        let inc = |op| Stmt::AugAssign {
            target: w.clone(),
            op,
            value: Expr::int(1),
        };
        let shape = self.weighted(&[3, 2, 2, 1]);
        let (reset, test, mut prelude, first, step) = match shape {
            Some(0) | None => (
                0,
                cmp(wn(), CmpOp::Lt, Expr::int(ti)),
                vec![inc(BinOp::Add)],
                1,
                1,
            ),
            Some(1) => (
                ti,
                cmp(wn(), CmpOp::Gt, Expr::int(0)),
                vec![inc(BinOp::Sub)],
                ti - 1,
                -1,
            ),
            Some(2) => {
                let stop = Stmt::If {
                    test: cmp(wn(), CmpOp::Gt, Expr::int(ti)),
                    body: vec![Stmt::Break],
                    orelse: vec![],
                };
                (0, Expr::Bool(true), vec![inc(BinOp::Add), stop], 1, 1)
            }
            _ => {
                // An extra (call-free) condition can only end the loop earlier.
                self.no_calls = true;
                let extra = self.cond(1);
                self.no_calls = false;
                let test = Expr::BoolOp {
                    op: BoolOp::And,
                    values: vec![cmp(wn(), CmpOp::Lt, Expr::int(ti)), extra],
                };
                (0, test, vec![inc(BinOp::Add)], 1, 1)
            }
        };
        let ctx = LoopCtx {
            var: w.clone(),
            first,
            step,
            trip: t,
        };
        let rest = self.loop_body(ctx, 0, |g| g.block());
        prelude.extend(rest);
        Some(vec![
            Stmt::Assign {
                target: w.clone(),
                value: Expr::int(reset),
            },
            Stmt::While {
                test,
                body: prelude,
                orelse: vec![],
            },
        ])
    }

    /// `x = start; for i in range(T): x = x * k`: a value that grows through
    /// 2**62, 2**63 and 2**64 within a bounded number of steps.
    pub fn growth_loop(&mut self) -> Option<Vec<Stmt>> {
        let k = self.pick(&[2i128, 3, -3, 5, 7, 10, -2, 1 << 31]);
        let start = self.pick(&[1i128, 1, 3, -1, 7, (1 << 61) - 1, 1 << 40]);
        let kb = bits_of(k);
        let t = self.trip_count(1)?.min((200 / kb) as u64);
        let cap = bits_of(start) + t as u32 * kb + 1;
        let x = self.fresh_var("x", cap, false, Expr::int(start));
        let ctx = self.counting_loop(t);
        let i = ctx.var.clone();
        let step = if self.cfg.aug_assign && self.chance(50) {
            Stmt::AugAssign {
                target: x.clone(),
                op: BinOp::Mul,
                value: Expr::int(k),
            }
        } else {
            Stmt::Assign {
                target: x.clone(),
                value: bin(BinOp::Mul, Expr::name(&x), Expr::int(k)),
            }
        };
        let body = self.loop_body(ctx, 1, |g| {
            let mut b = vec![step];
            if g.stmts_left > 0 && g.chance(60) {
                g.stmts_left -= 1;
                b.extend(g.loop_template().unwrap_or_default());
            }
            b
        });
        let mut out = vec![
            Stmt::Assign {
                target: x.clone(),
                value: Expr::int(start),
            },
            Stmt::For {
                target: i,
                iter: Expr::call("range", vec![Expr::int(t as i128)]),
                body,
                orelse: vec![],
            },
        ];
        out.extend(self.fold_into_live(&x, cap));
        Some(out)
    }

    /// `v = (v + x) % M` for some other variable `v`: makes the value a
    /// loop produced observable (a wrong big-int result must show up in
    /// the output or the final globals, not die in a dead variable).
    fn fold_into_live(&mut self, x: &str, x_cap: u32) -> Option<Stmt> {
        let targets: Vec<(String, u32)> = self
            .writable()
            .into_iter()
            .filter(|(n, _)| n != x)
            .collect();
        if targets.is_empty() || !self.chance(60) {
            return None;
        }
        let (target, cap) = self.pick(&targets);
        let sum = E {
            bits: cap.max(x_cap) + 1,
            e: bin(BinOp::Add, Expr::name(&target), Expr::name(x)),
        };
        let value = self.fit(sum, cap).e;
        Some(Stmt::Assign { target, value })
    }

    /// `s = B - c; for ...: s += d`: an accumulator crossing boundary B
    /// mid-loop (the overflow check of an add fast path).
    pub fn accumulate_loop(&mut self) -> Option<Vec<Stmt>> {
        let t = self.trip_count(1)?;
        let b = self.pick(&BOUNDARIES);
        let d = self.pick(&[1i128, 1, 3, 1000, -1, -7]);
        // Cross B at about the middle of the loop.
        let start = b - d * (t as i128 / 2).max(1);
        let s = self.fresh_var("s", 70, true, Expr::int(0));
        let ctx = self.counting_loop(t);
        let i = ctx.var.clone();
        let (op, value) = if self.chance(70) {
            (
                if d >= 0 { BinOp::Add } else { BinOp::Sub },
                Expr::int(d.abs()),
            )
        } else {
            (
                BinOp::Add,
                bin(BinOp::Mul, Expr::name(&i), Expr::int(2 * d)),
            )
        };
        let add = Stmt::AugAssign {
            target: s.clone(),
            op,
            value,
        };
        let body = self.loop_body(ctx, 1, |g| {
            let mut body = vec![add];
            body.extend(g.block());
            body
        });
        let mut out = vec![
            Stmt::Assign {
                target: s.clone(),
                value: Expr::int(start),
            },
            Stmt::For {
                target: i,
                iter: Expr::call("range", vec![Expr::int(t as i128)]),
                body,
                orelse: vec![],
            },
        ];
        out.extend(self.fold_into_live(&s, 70));
        Some(out)
    }
}

impl Gen<'_, '_> {
    /// The running-extreme idiom with a None sentinel:
    ///
    /// ```python
    /// m = None
    /// for i in range(T):
    ///     v = <int expression>
    ///     if m is None or v > m:      # or: if m is not None and v <= m: pass
    ///         m = v                   #     else: m = v
    /// ```
    ///
    /// `m` changes type in the first iteration (None, then an int), and the
    /// identity tests on it (`IS_OP`) run on every iteration.
    pub fn sentinel_loop(&mut self) -> Option<Vec<Stmt>> {
        // Setup: the reset, and per iteration the assignment and the test.
        let t = self.trip_count(2)?;
        let cap = self.pick(&VAR_CAPS);
        let m = self.fresh_var("m", cap, false, Expr::None);
        if let Some(var) = self.vars.last_mut() {
            var.maybe_none = true;
        }
        let v = self.fresh_var("v", cap, false, Expr::int(0));
        let ctx = self.counting_loop(t);
        let i = ctx.var.clone();
        let body = self.loop_body(ctx, 2, |g| {
            let d = g.depth().min(2);
            let e = g.int_expr(d);
            let e = g.fit(e, cap);
            let set = Stmt::Assign {
                target: v.clone(),
                value: e.e,
            };
            let op = g.pick(&[CmpOp::Gt, CmpOp::Lt, CmpOp::GtE, CmpOp::LtE]);
            let keep = Stmt::Assign {
                target: m.clone(),
                value: Expr::name(&v),
            };
            let test = if g.chance(50) {
                Stmt::If {
                    test: Expr::BoolOp {
                        op: BoolOp::Or,
                        values: vec![
                            cmp(Expr::name(&m), CmpOp::Is, Expr::None),
                            cmp(Expr::name(&v), op, Expr::name(&m)),
                        ],
                    },
                    body: vec![keep],
                    orelse: vec![],
                }
            } else {
                Stmt::If {
                    test: Expr::BoolOp {
                        op: BoolOp::And,
                        values: vec![
                            cmp(Expr::name(&m), CmpOp::IsNot, Expr::None),
                            cmp(Expr::name(&v), negated(op), Expr::name(&m)),
                        ],
                    },
                    body: vec![Stmt::Pass],
                    orelse: vec![keep],
                }
            };
            let mut body = vec![set, test];
            body.extend(g.block());
            body
        });
        Some(vec![
            Stmt::Assign {
                target: m.clone(),
                value: Expr::None,
            },
            Stmt::For {
                target: i,
                iter: Expr::call("range", vec![Expr::int(t as i128)]),
                body,
                orelse: vec![],
            },
        ])
    }
}

/// The comparison true exactly when `op` is false (on ints).
fn negated(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Gt => CmpOp::LtE,
        CmpOp::Lt => CmpOp::GtE,
        CmpOp::GtE => CmpOp::Lt,
        CmpOp::LtE => CmpOp::Gt,
        other => other,
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}
