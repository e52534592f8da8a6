//! Statements and blocks, under fuel and line budgets: a block's budget is
//! what one execution of it may spend; a loop divides its budget by its trip
//! count for the body; an `if` charges the dearer branch.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt};

use super::expr::{E, bin, cmp};
use super::state::{FnKind, Gen, HEADROOM, RET_CAP};

impl Gen<'_, '_> {
    pub fn block(&mut self) -> Vec<Stmt> {
        let n = self.between(1, self.cfg.block_stmts as u64);
        let mut out = vec![];
        for _ in 0..n {
            if self.stmts_left == 0 {
                break;
            }
            out.extend(self.stmt());
        }
        if out.is_empty() {
            out.push(self.assign());
        }
        out
    }

    /// One statement (a few for templates that need a reset before a loop).
    pub fn stmt(&mut self) -> Vec<Stmt> {
        self.stmts_left = self.stmts_left.saturating_sub(1);
        let c = self.cfg;
        let in_loop = !self.loops.is_empty();
        let can_loop = self.can_loop();
        let in_fn = self.fscope.is_some();
        let pure_fn = self.fscope.as_ref().is_some_and(|f| f.pure);
        let procs = self.affordable_procs();
        let w = [
            6,
            if c.aug_assign { 4 } else { 0 },
            if self.can_nest() { 3 } else { 0 },
            if can_loop { 4 } else { 0 },
            if can_loop && c.while_loops { 2 } else { 0 },
            if self.lines >= 1.0 && self.fuel >= 1 {
                2
            } else {
                0
            },
            if procs.is_empty() { 0 } else { 2 },
            if in_loop && c.break_continue { 2 } else { 0 },
            if in_loop { 5 } else { 0 },
            // In functions a growth loop is also a loop-carried type change
            // (small int at entry, big int at the end) across calls.
            if can_loop && c.growth {
                if in_fn { 5 } else { 2 }
            } else {
                0
            },
            if can_loop && c.boundary_accumulate {
                2
            } else {
                0
            },
            if in_fn && in_loop {
                1
            } else if in_fn {
                2
            } else {
                0
            },
            if c.none_returns && !procs.is_empty() && !pure_fn {
                2
            } else {
                0
            },
            if in_loop && self.error_pending_in_loop() {
                4
            } else {
                0
            },
            if self.can_call() { 3 } else { 0 },
            // Float variables are module globals: assigned at module scope.
            if c.floats && !in_fn { 5 } else { 0 },
            if c.sequences && !self.seqs.is_empty() {
                8
            } else {
                0
            },
            if c.strings { 8 } else { 0 },
            if c.dicts { 10 } else { 0 },
            if can_loop && c.sentinels { 3 } else { 0 },
        ];
        let s = match self.weighted(&w) {
            Some(1) => Some(vec![self.aug_assign()]),
            Some(2) => Some(vec![self.if_stmt()]),
            Some(3) => self.for_loop(),
            Some(4) => self.while_loop(),
            Some(5) => Some(vec![self.print_stmt()]),
            Some(6) => self.call_stmt(&procs).map(|s| vec![s]),
            Some(7) => Some(vec![self.break_continue()]),
            Some(8) => self.loop_template(),
            Some(9) => self.growth_loop(),
            Some(10) => self.accumulate_loop(),
            Some(11) => Some(vec![self.early_return()]),
            Some(12) => self.none_assign(&procs).map(|s| vec![s]),
            Some(13) => Some(self.error_in_loop_block()),
            Some(14) => self.assign_call().map(|s| vec![s]),
            Some(15) => Some(self.float_stmts()),
            Some(16) => self.seq_stmt(),
            Some(17) => self.str_stmt(),
            Some(18) => self.dict_block(),
            Some(19) => self.sentinel_loop(),
            _ => None,
        };
        s.unwrap_or_else(|| vec![self.assign()])
    }

    /// `v = e`, wrapped `% M` if `e` could exceed `v`'s cap.
    pub fn assign(&mut self) -> Stmt {
        let targets = self.writable();
        let (target, cap) = if targets.is_empty() || self.chance(5) {
            self.fresh_int_var()
        } else {
            self.pick(&targets)
        };
        let d = self.depth();
        let e = self.int_expr(d);
        let e = self.fit(e, cap);
        Stmt::Assign { target, value: e.e }
    }

    /// `acc = (acc + f(...)) % M`: a value-returning call in the loop body.
    fn assign_call(&mut self) -> Option<Stmt> {
        let targets = self.writable();
        if targets.is_empty() {
            return None;
        }
        let (target, cap) = self.pick(&targets);
        let d = self.depth();
        let call = self.call_expr(d.saturating_sub(1))?;
        let e = E {
            bits: cap.max(call.bits) + 1,
            e: bin(BinOp::Add, Expr::name(&target), call.e),
        };
        let e = self.fit(e, cap);
        Some(Stmt::Assign { target, value: e.e })
    }

    /// `v op= e`: `+=`/`-=` only with headroom (else a wrapped assignment),
    /// `//=`/`%=` with a guarded divisor.
    fn aug_assign(&mut self) -> Stmt {
        let targets = self.writable();
        if targets.is_empty() {
            return self.assign();
        }
        let (target, cap) = self.pick(&targets);
        let d = self.depth();
        if self.cfg.div_mod && self.chance(25) {
            let op = if self.chance(50) {
                BinOp::FloorDiv
            } else {
                BinOp::Mod
            };
            let value = self.divisor(d - 1).e;
            return Stmt::AugAssign { target, op, value };
        }
        let op = if self.chance(65) {
            BinOp::Add
        } else {
            BinOp::Sub
        };
        let e = self.int_expr(d);
        if e.bits + HEADROOM <= cap {
            return Stmt::AugAssign {
                target,
                op,
                value: e.e,
            };
        }
        let sum = E {
            bits: cap.max(e.bits) + 1,
            e: bin(op, Expr::name(&target), e.e),
        };
        let value = self.fit(sum, cap).e;
        Stmt::Assign { target, value }
    }

    /// Generates both branches with the same budget and charges the dearer.
    pub fn branches(
        &mut self,
        then: impl FnOnce(&mut Self) -> Vec<Stmt>,
        orelse: impl FnOnce(&mut Self) -> Vec<Stmt>,
    ) -> (Vec<Stmt>, Vec<Stmt>) {
        let (fuel, lines) = (self.fuel, self.lines);
        self.nest += 1;
        let a = then(self);
        let (fuel_a, lines_a) = (self.fuel, self.lines);
        self.fuel = fuel;
        self.lines = lines;
        let b = orelse(self);
        self.nest -= 1;
        self.fuel = self.fuel.min(fuel_a);
        self.lines = self.lines.min(lines_a);
        (a, b)
    }

    pub fn if_stmt(&mut self) -> Stmt {
        let test = if !self.loops.is_empty() && self.cfg.branch_flip && self.chance(50) {
            self.flip_cond()
        } else {
            let d = self.depth();
            self.cond(d)
        };
        let shape = self.below(4);
        let (body, orelse) = self.branches(
            |g| g.block(),
            |g| match shape {
                0 | 1 => vec![],
                2 => g.block(),
                _ => vec![g.if_stmt()],
            },
        );
        Stmt::If { test, body, orelse }
    }

    /// A condition on the innermost loop variable that changes value
    /// mid-loop (after the tier has specialized on the first iterations).
    pub fn flip_cond(&mut self) -> Expr {
        let l = self.loops.last().cloned().expect("in a loop");
        let n = self.below(l.trip.max(1));
        let k = l.value(n);
        let i = Expr::name(&l.var);
        match self.below(5) {
            0 => cmp(i, CmpOp::Lt, Expr::int(k)),
            1 => cmp(i, CmpOp::GtE, Expr::int(k)),
            2 => cmp(i, CmpOp::Eq, Expr::int(k)),
            3 => {
                let p = self.pick(&[2i128, 3, 5, 7, 16]);
                let q = self.below(p as u64) as i128;
                cmp(bin(BinOp::Mod, i, Expr::int(p)), CmpOp::Eq, Expr::int(q))
            }
            _ if self.cfg.chained_cmp => {
                let hi = l.value(self.below(l.trip.max(1)));
                let (lo, hi) = (k.min(hi), k.max(hi));
                Expr::Compare {
                    left: Box::new(Expr::int(lo)),
                    ops: vec![CmpOp::LtE, CmpOp::Lt],
                    comparators: vec![i, Expr::int(hi)],
                }
            }
            _ => cmp(i, CmpOp::NotEq, Expr::int(k)),
        }
    }

    fn print_stmt(&mut self) -> Stmt {
        self.fuel -= 1;
        self.lines -= 1.0;
        let args = self.print_args();
        Stmt::Expr(self.print_call(args))
    }

    pub fn print_args(&mut self) -> Vec<Expr> {
        let nones = self.none_vars();
        let mut args = vec![];
        for _ in 0..self.between(1, 3) {
            if self.cfg.strings && self.chance(30) {
                args.push(self.str_print_arg());
            } else if self.cfg.sequences && !self.seqs.is_empty() && self.chance(25) {
                args.push(self.seq_print_arg());
            } else if !nones.is_empty() && self.chance(15) {
                args.push(Expr::name(&self.pick(&nones)));
            } else if self.cfg.floats && self.chance(30) {
                let d = self.depth().min(2);
                args.push(self.float_expr(d));
            } else {
                let d = self.depth().min(2);
                args.push(self.int_expr(d).e);
            }
        }
        args
    }

    /// Procedures (no return value) that fit the budgets here.
    fn affordable_procs(&self) -> Vec<usize> {
        if self.no_calls {
            return vec![];
        }
        let n = self.callable().len();
        (0..n)
            .filter(|&i| {
                let f = &self.funcs[i];
                matches!(f.kind, FnKind::Proc) && f.cost <= self.fuel && f.lines <= self.lines
            })
            .collect()
    }

    /// A call as a statement: a procedure, or a function whose value is dropped.
    fn call_stmt(&mut self, procs: &[usize]) -> Option<Stmt> {
        if !procs.is_empty() && self.chance(75) {
            let i = self.pick(procs);
            let f = self.funcs[i].clone();
            self.fuel -= f.cost;
            self.lines -= f.lines;
            let d = self.depth().min(2);
            return Some(Stmt::Expr(self.call_args(&f, d)));
        }
        let d = self.depth().min(2);
        self.call_expr(d).map(|e| Stmt::Expr(e.e))
    }

    /// `r = proc(...)`: `r` holds `None` (printed later, compared with `==`).
    fn none_assign(&mut self, procs: &[usize]) -> Option<Stmt> {
        let i = self.pick(procs);
        let f = self.funcs[i].clone();
        self.fuel -= f.cost;
        self.lines -= f.lines;
        let d = self.depth().min(2);
        let value = self.call_args(&f, d);
        let target = match self.vars.iter().find(|v| v.maybe_none) {
            Some(v) => v.name.clone(),
            None => {
                let name = self.fresh_var("r", 0, false, Expr::None);
                if let Some(v) = self.vars.last_mut() {
                    v.maybe_none = true;
                }
                name
            }
        };
        Some(Stmt::Assign { target, value })
    }

    fn break_continue(&mut self) -> Stmt {
        let test = if self.cfg.branch_flip && self.chance(60) {
            self.flip_cond()
        } else {
            let d = self.depth();
            self.cond(d)
        };
        let s = if self.chance(50) {
            Stmt::Break
        } else {
            Stmt::Continue
        };
        Stmt::If {
            test,
            body: vec![s],
            orelse: vec![],
        }
    }

    /// `if c: return e` (bare `return` in a procedure).
    fn early_return(&mut self) -> Stmt {
        let d = self.depth();
        let test = if !self.loops.is_empty() && self.chance(50) {
            self.flip_cond()
        } else {
            self.cond(d)
        };
        let pure = self.fscope.as_ref().is_some_and(|f| f.pure);
        let ret = if pure {
            let e = self.int_expr(d);
            let e = self.fit(e, RET_CAP);
            if let Some(fs) = &mut self.fscope {
                fs.ret_bits = fs.ret_bits.max(e.bits);
            }
            Stmt::Return(Some(e.e))
        } else {
            Stmt::Return(None)
        };
        Stmt::If {
            test,
            body: vec![ret],
            orelse: vec![],
        }
    }
}
