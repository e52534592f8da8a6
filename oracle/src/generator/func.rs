//! Function definitions: plain functions returning an int, procedures
//! returning `None`, and recursive templates with a base case.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt};

use super::expr::{E, bin, bits_of, cmp, rec_bits, rec_cost};
use super::state::{FnInfo, FnKind, FnScope, Gen, Planned, RET_CAP, RecForm, Var};

impl Gen<'_, '_> {
    /// Defines function `k` (named `f{k}`) and records its cost and shape.
    pub fn function(&mut self, k: usize) -> Stmt {
        let w = [
            6,
            if self.cfg.none_returns { 2 } else { 0 },
            if self.cfg.recursion { 3 } else { 0 },
        ];
        // Each function gets a small share of the statements; main keeps
        // at least half (it holds the hot loops).
        let total = self.stmts_left;
        let share = (total / 2)
            .saturating_sub(1)
            .min(self.between(3, 16) as u32);
        self.stmts_left = share;
        let def = match self.weighted(&w) {
            Some(2) => self.rec_function(k),
            Some(1) => self.plain_function(k, false),
            _ => self.plain_function(k, true),
        };
        self.stmts_left = total - (share - self.stmts_left) - 1;
        def
    }

    fn enter_function(&mut self, k: usize, pure: bool, params: &[(String, u32)]) {
        self.vars = params
            .iter()
            .map(|(name, cap)| Var {
                name: name.clone(),
                cap: *cap,
                writable: true,
                maybe_none: false,
            })
            .collect();
        self.inits = vec![];
        self.loops = vec![];
        self.nest = 0;
        self.fscope = Some(FnScope {
            index: k,
            pure,
            declared: vec![],
            hidden: None,
            ret_bits: 0,
        });
    }

    fn plain_function(&mut self, k: usize, pure: bool) -> Stmt {
        let name = format!("f{k}");
        // Rebinding needs two pure functions of the same arity: favour one
        // arity per program when that feature is on.
        let arity = if pure && self.cfg.func_rebind && self.chance(70) {
            self.usual_arity
        } else {
            self.between(0, 3) as usize
        };
        let params: Vec<(String, u32)> = (0..arity)
            .map(|i| {
                let cap = self.pick(&[16, 40, 66, 70, RET_CAP]);
                (format!("p{i}"), cap)
            })
            .collect();
        self.enter_function(k, pure, &params);
        let seq_param = self.seq_param();

        // Globals this function writes (declared up front, as CPython requires).
        let mut declared = vec![];
        if self.cfg.global_rebind && self.chance(if pure { 25 } else { 60 }) {
            for _ in 0..self.between(1, 2) {
                let g = self.pick(&self.globals.clone()).name;
                if !declared.contains(&g) {
                    declared.push(g);
                }
            }
        }
        // UnboundLocalError plan: a global assigned here without `global`.
        let mut hidden = None;
        if self.planned == Some(Planned::UnboundLocal) && !self.placed_error {
            let free: Vec<String> = self
                .globals
                .iter()
                .map(|g| g.name.clone())
                .filter(|g| !declared.contains(g))
                .collect();
            if !free.is_empty() {
                hidden = Some(self.pick(&free));
                self.placed_error = true;
            }
        }
        // A procedure may rebind a global function name (to an earlier
        // function of the same arity).
        let rebind = if !pure && self.cfg.func_rebind {
            self.rebind_pair()
        } else {
            None
        };
        if let Some((target, _)) = &rebind {
            declared.push(target.clone());
        }
        if let Some(fs) = &mut self.fscope {
            fs.declared = declared.clone();
            fs.hidden = hidden.clone();
        }

        // Per-call budgets: a few to a few hundred fuel; printing only in procs.
        // Per-call fuel: mostly a few to a few hundred; sometimes a "hot"
        // function whose own loop gets warm over the calls from main (tier-2
        // traces of loops over locals).
        let budget = if self.chance(30) {
            let cap = (self.cfg.fuel_budget as u64 / 4).clamp(3, 2000);
            self.between(cap / 2, cap)
        } else {
            let cap = (self.cfg.fuel_budget as u64 / 8).clamp(3, 400);
            self.log_between(2, cap)
        };
        self.fuel = budget;
        self.lines = if !pure && self.cfg.prints_in_loops && self.chance(50) {
            1.0
        } else {
            0.0
        };
        let line_budget = self.lines;

        for _ in 0..self.between(0, 2) {
            self.fresh_int_var();
        }
        let mut body = vec![];
        if let Some(h) = &hidden {
            // Reads the global's name, which is local here: UnboundLocalError
            // when reached (often only at some iteration of the caller's loop).
            let (x, cap) = self.fresh_int_var();
            let read = self.fit(
                E {
                    e: bin(BinOp::Add, Expr::name(h), Expr::int(1)),
                    bits: RET_CAP + 1,
                },
                cap,
            );
            let assign = Stmt::Assign {
                target: x,
                value: read.e,
            };
            body.push(match params.first() {
                Some((p, _)) if self.chance(70) => {
                    let k = self.between(0, 20) as i128;
                    Stmt::If {
                        test: cmp(Expr::name(p), CmpOp::Eq, Expr::int(k)),
                        body: vec![assign],
                        orelse: vec![],
                    }
                }
                _ => assign,
            });
        }
        if let Some((target, source)) = &rebind {
            let test = self.cond(1);
            body.push(Stmt::If {
                test,
                body: vec![Stmt::Assign {
                    target: target.clone(),
                    value: Expr::name(source),
                }],
                orelse: vec![],
            });
        }
        body.extend(self.block());
        if let Some(h) = &hidden {
            body.push(Stmt::Assign {
                target: h.clone(),
                value: Expr::int(self.between(0, 9) as i128),
            });
        }
        if pure {
            let d = self.depth();
            let r = self.int_expr(d);
            let r = self.fit(r, RET_CAP);
            if let Some(fs) = &mut self.fscope {
                fs.ret_bits = fs.ret_bits.max(r.bits);
            }
            body.push(Stmt::Return(Some(r.e)));
        }

        let used = budget - self.fuel;
        let lines = line_budget - self.lines;
        let ret_bits = self.fscope.as_ref().map_or(0, |f| f.ret_bits);
        let mut info = FnInfo {
            name: name.clone(),
            param_caps: params.iter().map(|p| p.1).collect(),
            kind: if pure { FnKind::Pure } else { FnKind::Proc },
            cost: used + 1,
            lines: lines.max(0.0),
            ret_bits,
            seq_param,
        };
        if pure {
            // The name may later be rebound to any earlier pure function of
            // the same arity: account for the most expensive one.
            for f in &self.funcs {
                if matches!(f.kind, FnKind::Pure)
                    && f.param_caps.len() == arity
                    && f.seq_param == seq_param
                {
                    info.cost = info.cost.max(f.cost);
                    info.lines = info.lines.max(f.lines);
                    info.ret_bits = info.ret_bits.max(f.ret_bits);
                    // Arguments must fit the callee's parameters too.
                    for (c, fc) in info.param_caps.iter_mut().zip(&f.param_caps) {
                        *c = (*c).min(*fc);
                    }
                }
            }
        }
        self.funcs.push(info);

        let mut out = self.fn_docstring();
        if !declared.is_empty() {
            out.push(Stmt::Global(declared));
        }
        out.append(&mut self.inits);
        out.extend(body);
        self.fscope = None;
        self.seqs.retain(|s| s.global);
        self.strs.retain(|s| s.global);
        let mut names: Vec<String> = params.into_iter().map(|p| p.0).collect();
        names.extend(seq_param.map(|_| super::seqs::SEQ_PARAM.to_string()));
        Stmt::FunctionDef {
            decorators: vec![],
            name,
            params: names,
            defaults: vec![],
            star: Default::default(),
            body: out,
        }
    }

    /// `(target, source)`: a pure function name and an earlier pure function
    /// of the same arity it can be rebound to.
    pub fn rebind_pair(&mut self) -> Option<(String, String)> {
        let pure: Vec<&FnInfo> = self
            .funcs
            .iter()
            .filter(|f| matches!(f.kind, FnKind::Pure))
            .collect();
        let mut pairs = vec![];
        for (i, a) in pure.iter().enumerate() {
            for b in &pure[..i] {
                if a.param_caps.len() == b.param_caps.len() && a.seq_param == b.seq_param {
                    pairs.push((a.name.clone(), b.name.clone()));
                }
            }
        }
        if pairs.is_empty() {
            None
        } else {
            Some(self.pick(&pairs))
        }
    }

    pub fn has_rebind_pair(&self) -> bool {
        let mut seen = [false; 4];
        for f in &self.funcs {
            if matches!(f.kind, FnKind::Pure) && f.seq_param.is_none() {
                let a = f.param_caps.len().min(3);
                if seen[a] {
                    return true;
                }
                seen[a] = true;
            }
        }
        false
    }

    /// A recursive template. Its body makes no other calls, so the cost of
    /// `f(d)` is exactly the number of calls (see `rec_cost`).
    fn rec_function(&mut self, k: usize) -> Stmt {
        let name = format!("f{k}");
        let form = self.pick(&[
            RecForm::Linear,
            RecForm::Double,
            RecForm::Acc,
            RecForm::Halving,
        ]);
        let max_d = match form {
            RecForm::Linear | RecForm::Acc => self.between(3, 60),
            RecForm::Double => self.between(3, 15),
            RecForm::Halving => 1 << self.between(3, 40),
        };
        let mut params = vec![("n".to_string(), bits_of(max_d as i128))];
        if form == RecForm::Acc {
            params.push(("acc".to_string(), 70));
        }
        self.enter_function(k, true, &params);
        self.no_calls = true;
        self.fuel = 0;
        self.lines = 0.0;
        let n = || Expr::name("n");
        let call = |arg: Expr, extra: Option<Expr>| {
            let mut args = vec![arg];
            args.extend(extra);
            Expr::call(&name, args)
        };
        let (base_test, base, step, base_bits, step_bits) = match form {
            RecForm::Linear => {
                let b = self.small_expr(40);
                let s = self.small_expr(40);
                let rec = call(bin(BinOp::Sub, n(), Expr::int(1)), None);
                let step = if self.chance(50) {
                    bin(BinOp::Add, rec, s.e)
                } else {
                    bin(BinOp::Sub, s.e, rec)
                };
                (
                    cmp(n(), CmpOp::LtE, Expr::int(0)),
                    b.e,
                    step,
                    b.bits,
                    s.bits,
                )
            }
            RecForm::Double => {
                let (b, bb) = if self.chance(50) {
                    (n(), 1)
                } else {
                    (Expr::int(self.between(0, 3) as i128), 2)
                };
                let step = bin(
                    BinOp::Add,
                    call(bin(BinOp::Sub, n(), Expr::int(1)), None),
                    call(bin(BinOp::Sub, n(), Expr::int(2)), None),
                );
                (cmp(n(), CmpOp::Lt, Expr::int(2)), b, step, bb, 0)
            }
            RecForm::Acc => {
                let m = self.pick(&[1000i128, 65521, 1_000_003, (1 << 61) - 1, 1 << 64]);
                let kf = self.pick(&[1i128, 2, 3, 31]);
                let next = bin(
                    BinOp::Mod,
                    bin(
                        BinOp::Add,
                        bin(BinOp::Mul, Expr::name("acc"), Expr::int(kf)),
                        n(),
                    ),
                    Expr::int(m),
                );
                let step = call(bin(BinOp::Sub, n(), Expr::int(1)), Some(next));
                (
                    cmp(n(), CmpOp::LtE, Expr::int(0)),
                    Expr::name("acc"),
                    step,
                    70,
                    bits_of(m),
                )
            }
            RecForm::Halving => {
                let div = self.pick(&[2i128, 3]);
                let step = bin(
                    BinOp::Add,
                    call(bin(BinOp::FloorDiv, n(), Expr::int(div)), None),
                    bin(BinOp::Mod, n(), Expr::int(div)),
                );
                (
                    cmp(n(), CmpOp::LtE, Expr::int(1)),
                    n(),
                    step,
                    bits_of(max_d as i128),
                    2,
                )
            }
        };
        self.no_calls = false;
        let body = vec![
            Stmt::If {
                test: base_test,
                body: vec![Stmt::Return(Some(base))],
                orelse: vec![],
            },
            Stmt::Return(Some(step)),
        ];
        self.funcs.push(FnInfo {
            name: name.clone(),
            param_caps: params.iter().map(|p| p.1).collect(),
            kind: FnKind::Rec {
                form,
                max_d,
                base_bits,
                step_bits,
            },
            cost: rec_cost(form, max_d),
            lines: 0.0,
            ret_bits: rec_bits(form, max_d, base_bits, step_bits),
            seq_param: None,
        });
        self.fscope = None;
        Stmt::FunctionDef {
            decorators: vec![],
            name,
            params: params.into_iter().map(|p| p.0).collect(),
            defaults: vec![],
            star: Default::default(),
            body,
        }
    }

    /// A call-free depth-1 expression fitted to `cap` bits.
    fn small_expr(&mut self, cap: u32) -> E {
        let e = self.int_expr(1);
        self.fit(e, cap)
    }
}
