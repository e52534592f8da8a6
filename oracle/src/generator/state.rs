//! Generator state (scopes, budgets, loop stack) and the program skeleton:
//! global inits, function definitions, main code, final prints.

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Expr, Module, Stmt};

use super::GenConfig;
use super::expr::{E, bits_of};

/// Caps (in bits) a fresh variable may get. 66/70 let values straddle 2**64.
pub(super) const VAR_CAPS: [u32; 6] = [16, 40, 63, 66, 70, 130];
/// Cap for function return values and parameters that are not tiny.
pub(super) const RET_CAP: u32 = 130;
/// `v += e` is allowed unwrapped only if `e` is this many bits below `v`'s
/// cap: the whole run executes < 2**16 statements, so accumulation can
/// overshoot the cap by a bit or two at most.
pub(super) const HEADROOM: u32 = 20;
/// Deepest nesting of loops and ifs.
const MAX_NEST: u32 = 4;

#[derive(Clone, Debug)]
pub(super) struct Var {
    pub name: String,
    /// Upper bound on the bit length of every value stored in it.
    pub cap: u32,
    /// Loop variables and while counters are never assigned by other code.
    pub writable: bool,
    /// Holds the result of a call to a function without `return` (`None`):
    /// only printed or compared with `==`.
    pub maybe_none: bool,
}

/// The function being generated.
pub(super) struct FnScope {
    pub index: usize,
    /// Returns an int on every path (`false`: returns `None`).
    pub pure: bool,
    /// Globals declared `global` (writable here).
    pub declared: Vec<String>,
    /// A global the function assigns without `global` (UnboundLocalError
    /// plan): it is local here, so it must not be read as a global.
    pub hidden: Option<String>,
    pub ret_bits: u32,
}

/// An enclosing loop: the values its variable takes in the body are
/// `first + step * n` for `n < trip`.
#[derive(Clone, Debug)]
pub(super) struct LoopCtx {
    pub var: String,
    pub first: i128,
    pub step: i128,
    pub trip: u64,
}

impl LoopCtx {
    pub fn value(&self, n: u64) -> i128 {
        self.first + self.step * n as i128
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RecForm {
    /// `f(n - 1) + e`, base `n <= 0`.
    Linear,
    /// `f(n - 1) + f(n - 2)`, base `n < 2`.
    Double,
    /// `f(n - 1, (acc * k + n) % M)`, base returns `acc`.
    Acc,
    /// `f(n // 2) + n % 2`, base `n <= 1`.
    Halving,
}

#[derive(Clone, Debug)]
pub(super) enum FnKind {
    Pure,
    /// No return value: called as a statement (or its `None` stored).
    Proc,
    Rec {
        form: RecForm,
        /// Largest first argument a call site may pass.
        max_d: u64,
        base_bits: u32,
        step_bits: u32,
    },
}

#[derive(Clone, Debug)]
pub(super) struct FnInfo {
    pub name: String,
    pub param_caps: Vec<u32>,
    pub kind: FnKind,
    /// Fuel per call (including the call itself), the max over every
    /// function the name can be rebound to.
    pub cost: u64,
    /// Printed lines per call.
    pub lines: f64,
    pub ret_bits: u32,
    /// A last parameter `q` that takes a list or tuple (`seqs.rs`).
    pub seq_param: Option<(super::seqs::SeqKind, super::seqs::Class)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Planned {
    ZeroDivLoop,
    NameErrorLoop,
    UnboundLocal,
    /// Sequence exceptions (`seqs_stmt.rs`), in a loop at iteration K.
    SeqIndex,
    SeqType,
    SeqValue,
    /// String exceptions (`strs_stmt.rs`): a TypeError (`'a' + 1`, an
    /// operand of a hot `x + y` that stops being a str) or a ValueError
    /// (`int('x7')`, `index` of an absent substring), at iteration K.
    StrType,
    StrValue,
    /// The dict exception (`dicts.rs`): a KeyError at iteration K, or a
    /// dict grown while iterated; placed as it is drawn.
    DictError,
}

pub(crate) struct Gen<'a, 'u> {
    pub u: &'u mut Unstructured<'a>,
    pub cfg: GenConfig,
    /// Module globals every function may read.
    pub globals: Vec<Var>,
    pub funcs: Vec<FnInfo>,
    /// The current scope's own variables (module: all globals).
    pub vars: Vec<Var>,
    /// Initializations of `vars`, emitted at the top of the scope so every
    /// name is bound before use.
    pub inits: Vec<Stmt>,
    pub fscope: Option<FnScope>,
    pub loops: Vec<LoopCtx>,
    /// Fuel still available for one execution of the current block.
    pub fuel: u64,
    /// Printed lines still available for one execution of the current block.
    pub lines: f64,
    pub stmts_left: u32,
    pub nest: u32,
    /// Inside a `while` test or a recursive body: no calls (keeps costs exact).
    pub no_calls: bool,
    pub fresh: u32,
    pub planned: Option<Planned>,
    /// The arity most pure functions get (see `func_rebind`).
    pub usual_arity: usize,
    /// The next loop should use most of its allowed trip count.
    pub want_hot: bool,
    /// Set once a planned exception has been placed.
    pub placed_error: bool,
    /// Module-level float variables, and whether each is unstable (rebound
    /// to ints mid-loop; see `floats.rs`).
    pub fvars: Vec<(String, bool)>,
    /// Sequence variables visible here (see `seqs.rs`).
    pub seqs: Vec<super::seqs::SeqVar>,
    /// The program's length cap L for every list and tuple variable.
    pub seq_cap: u64,
    /// Module-level variables that hold an int, a list or a tuple.
    pub uvars: Vec<String>,
    /// Initializations of the module-level sequence variables.
    pub seq_inits: Vec<Stmt>,
    /// String variables visible here (see `strs.rs`).
    pub strs: Vec<super::strs::StrVar>,
    /// Module-level lists of strs (`sl0`, ...).
    pub str_lists: Vec<String>,
    /// Module-level variables that hold an int or a str (`sv0`, ...).
    pub svars: Vec<String>,
    /// Initializations of the module-level string variables.
    pub str_inits: Vec<Stmt>,
    /// Names printed at the end besides the variables (the pair-flip
    /// shape's results).
    pub str_outs: Vec<String>,
}

impl<'a, 'u> Gen<'a, 'u> {
    pub fn new(u: &'u mut Unstructured<'a>, cfg: &GenConfig) -> Self {
        let mut cfg = *cfg;
        // Clamp knobs so a hand-built config cannot break the guarantees.
        cfg.fuel_budget = cfg.fuel_budget.clamp(10, super::FUEL_CAP);
        cfg.globals = cfg.globals.clamp(1, 8);
        cfg.funcs = cfg.funcs.min(6);
        cfg.block_stmts = cfg.block_stmts.clamp(1, 8);
        cfg.expr_depth = cfg.expr_depth.clamp(1, 5);
        cfg.max_stmts = cfg.max_stmts.clamp(4, 120);
        cfg.max_trip = cfg.max_trip.clamp(1, 5000);
        cfg.line_budget = cfg.line_budget.min(200);
        Gen {
            u,
            cfg,
            globals: vec![],
            funcs: vec![],
            vars: vec![],
            inits: vec![],
            fscope: None,
            loops: vec![],
            fuel: 0,
            lines: 0.0,
            stmts_left: 0,
            nest: 0,
            no_calls: false,
            fresh: 0,
            planned: None,
            want_hot: false,
            usual_arity: 1,
            placed_error: false,
            fvars: vec![],
            seqs: vec![],
            seq_cap: 1,
            uvars: vec![],
            seq_inits: vec![],
            strs: vec![],
            str_lists: vec![],
            svars: vec![],
            str_inits: vec![],
            str_outs: vec![],
        }
    }

    // ---- choices (all total: an exhausted `u` gives the first/lowest) ----

    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below(hi - lo + 1)
        }
    }

    /// Log-uniform-ish in `lo..=hi`: as many small as large orders of magnitude.
    pub fn log_between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let top = 64 - (hi - lo).leading_zeros() as u64;
        let b = self.below(top + 1);
        let span = if b == 0 { 0 } else { (1u64 << b) - 1 };
        lo + self.between(span / 2, span).min(hi - lo)
    }

    pub fn chance(&mut self, pct: u64) -> bool {
        !self.u.is_empty() && self.below(100) < pct
    }

    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        let i = self.below(xs.len() as u64) as usize;
        xs[i].clone()
    }

    /// Index drawn with the given weights; the first nonzero one when `u` is
    /// exhausted (callers put the cheapest option first). `None` if all zero.
    pub fn weighted(&mut self, ws: &[u32]) -> Option<usize> {
        let total: u64 = ws.iter().map(|&w| w as u64).sum();
        if total == 0 {
            return None;
        }
        let mut r = self.below(total);
        for (i, &w) in ws.iter().enumerate() {
            if r < w as u64 {
                return Some(i);
            }
            r -= w as u64;
        }
        None
    }

    pub fn fresh_name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// A new variable of the current scope, bound to `init` at its top.
    pub fn fresh_var(&mut self, prefix: &str, cap: u32, writable: bool, init: Expr) -> String {
        let name = self.fresh_name(prefix);
        self.inits.push(Stmt::Assign {
            target: name.clone(),
            value: init,
        });
        self.vars.push(Var {
            name: name.clone(),
            cap,
            writable,
            maybe_none: false,
        });
        name
    }

    /// A fresh writable int variable initialized with a constant.
    pub fn fresh_int_var(&mut self) -> (String, u32) {
        let cap = self.pick(&VAR_CAPS);
        let init = self.constant_within(cap);
        (self.fresh_var("x", cap, true, init.e), cap)
    }

    // ---- scope queries ----

    /// Int variables readable here, with their caps.
    pub fn readable(&self) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = self
            .vars
            .iter()
            .filter(|v| !v.maybe_none)
            .map(|v| (v.name.clone(), v.cap))
            .collect();
        if let Some(fs) = &self.fscope {
            for g in &self.globals {
                let shadowed = self.vars.iter().any(|v| v.name == g.name);
                if !shadowed && fs.hidden.as_deref() != Some(g.name.as_str()) {
                    out.push((g.name.clone(), g.cap));
                }
            }
        }
        out
    }

    /// Int variables assignable here, with their caps.
    pub fn writable(&self) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = self
            .vars
            .iter()
            .filter(|v| v.writable && !v.maybe_none)
            .map(|v| (v.name.clone(), v.cap))
            .collect();
        if let Some(fs) = &self.fscope {
            for g in &self.globals {
                if fs.declared.contains(&g.name) {
                    out.push((g.name.clone(), g.cap));
                }
            }
        }
        out
    }

    /// Module globals assignable here (for the "rebind a global mid-loop" shape).
    pub fn writable_globals(&self) -> Vec<(String, u32)> {
        match &self.fscope {
            None => self
                .globals
                .iter()
                .map(|g| (g.name.clone(), g.cap))
                .collect(),
            Some(fs) => self
                .globals
                .iter()
                .filter(|g| fs.declared.contains(&g.name))
                .map(|g| (g.name.clone(), g.cap))
                .collect(),
        }
    }

    pub fn none_vars(&self) -> Vec<String> {
        self.vars
            .iter()
            .filter(|v| v.maybe_none)
            .map(|v| v.name.clone())
            .collect()
    }

    /// Functions callable from here: all of them in main, only earlier ones
    /// in a function (keeps the call graph a DAG).
    pub fn callable(&self) -> &[FnInfo] {
        match &self.fscope {
            None => &self.funcs,
            Some(fs) => &self.funcs[..fs.index.min(self.funcs.len())],
        }
    }

    pub fn max_loops(&self) -> usize {
        if self.cfg.nested_loops { 3 } else { 1 }
    }

    pub fn can_loop(&self) -> bool {
        self.loops.len() < self.max_loops()
            && self.fuel >= 8
            && self.stmts_left >= 2
            && self.nest < MAX_NEST
    }

    pub fn can_nest(&self) -> bool {
        self.nest < MAX_NEST && self.stmts_left >= 2
    }

    // ---- the program ----

    pub fn program(mut self) -> Module {
        self.stmts_left = self.cfg.max_stmts as u32;
        self.plan_error();

        // Globals first: every function may read them, so they are bound
        // before any code runs.
        let n_globals = self.between(1, self.cfg.globals as u64);
        let mut global_inits = vec![];
        for i in 0..n_globals {
            let cap = self.pick(&VAR_CAPS);
            let init = self.constant_within(cap);
            let name = format!("g{i}");
            global_inits.push(Stmt::Assign {
                target: name.clone(),
                value: init.e,
            });
            self.globals.push(Var {
                name,
                cap,
                writable: true,
                maybe_none: false,
            });
        }

        if self.cfg.floats {
            // Before the functions, which may read them.
            for _ in 0..self.between(1, 2) {
                self.fresh_float_global();
            }
        }
        if self.cfg.sequences {
            // Also before the functions, which may read and mutate them.
            self.seq_setup();
        }
        if self.cfg.strings {
            // Before the functions too, which read them.
            self.str_setup();
        }
        let mut defs = vec![];
        self.usual_arity = self.between(0, 2) as usize;
        if self.cfg.functions {
            // At least one function (two when rebinding them is on).
            let min = if self.cfg.func_rebind { 2 } else { 1 };
            let n = self.between(min.min(self.cfg.funcs as u64), self.cfg.funcs as u64);
            for k in 0..n as usize {
                if self.stmts_left < 6 {
                    break;
                }
                defs.push(self.function(k));
            }
        }

        // Main: module scope, the whole fuel budget.
        self.fscope = None;
        self.vars = self.globals.clone();
        self.inits = vec![];
        self.fuel = self.cfg.fuel_budget as u64;
        self.lines = self.cfg.line_budget as f64;
        let mut main = vec![];
        let items = self.between(1, 4);
        for i in 0..items {
            if self.stmts_left == 0 {
                break;
            }
            main.extend(self.main_item(i == 0));
        }
        if self.planned.is_some() && !self.placed_error {
            main.push(self.error_at_end());
        }
        // Drawn last, so programs that do not poison stay as they were.
        if let Some(p) = self.poisoning() {
            let (def, stmts) = self.poison_construct(p);
            defs.extend(def);
            let at = self.below(main.len() as u64 + 1) as usize;
            main.splice(at..at, stmts);
        }
        main.extend(self.final_prints());

        let mut body = self.module_docstring();
        body.extend(global_inits);
        body.extend(self.float_inits());
        body.append(&mut self.seq_inits);
        body.append(&mut self.str_inits);
        body.append(&mut self.inits);
        body.extend(defs);
        body.extend(main);
        Module { body }
    }

    fn plan_error(&mut self) {
        let mut options = vec![];
        if self.cfg.zero_div {
            options.push(Planned::ZeroDivLoop);
        }
        if self.cfg.name_error {
            options.push(Planned::NameErrorLoop);
        }
        if self.cfg.unbound_local && self.cfg.functions {
            options.push(Planned::UnboundLocal);
        }
        if !options.is_empty() {
            self.planned = Some(self.pick(&options));
        }
        if let Some(p) = self.seq_planned() {
            self.planned = Some(p);
        }
        if let Some(p) = self.str_planned() {
            self.planned = Some(p);
        }
    }

    /// A top-level statement of main, biased towards hot loops.
    fn main_item(&mut self, first: bool) -> Vec<Stmt> {
        if self.can_loop() && (first || self.chance(75)) {
            // The first loop of main is the hot one: a large trip count.
            self.want_hot = first;
            let w = [
                6,
                if self.cfg.while_loops { 2 } else { 0 },
                if self.cfg.growth && !first { 2 } else { 0 },
                if self.cfg.boundary_accumulate { 2 } else { 0 },
                if self.cfg.sequences { 3 } else { 0 },
                if self.cfg.strings { 3 } else { 0 },
                if self.cfg.dicts { 8 } else { 0 },
            ];
            self.stmts_left = self.stmts_left.saturating_sub(1);
            let s = match self.weighted(&w) {
                Some(1) => self.while_loop(),
                Some(2) => self.growth_loop(),
                Some(3) => self.accumulate_loop(),
                Some(4) => self.seq_for_loop(),
                Some(5) => self.str_loop(),
                Some(6) => self.dict_block(),
                _ => self.for_loop(),
            };
            if let Some(s) = s {
                return s;
            }
        }
        self.stmt()
    }

    /// A deliberate exception placed after the hot code (when the planned
    /// in-loop one found no loop to go into).
    fn error_at_end(&mut self) -> Stmt {
        self.placed_error = true;
        if matches!(
            self.planned,
            Some(Planned::SeqIndex | Planned::SeqType | Planned::SeqValue)
        ) {
            return self.seq_error(Expr::Bool(true));
        }
        if matches!(self.planned, Some(Planned::StrType | Planned::StrValue)) {
            return self.str_error_at_end();
        }
        let g = self.pick(&self.globals.clone()).name;
        match self.planned {
            Some(Planned::NameErrorLoop) => Stmt::Expr(Expr::call(
                "print",
                vec![Expr::name(&self.fresh_name("undefined"))],
            )),
            _ => {
                // `g // (g - g)`: the divisor is 0 whatever g holds.
                let zero = super::expr::bin(
                    jitdiff_vm::lang::ast::BinOp::Sub,
                    Expr::name(&g),
                    Expr::name(&g),
                );
                let e =
                    super::expr::bin(jitdiff_vm::lang::ast::BinOp::FloorDiv, Expr::name(&g), zero);
                Stmt::Expr(Expr::call("print", vec![e]))
            }
        }
    }

    fn final_prints(&mut self) -> Vec<Stmt> {
        let mut names: Vec<String> = self.vars.iter().map(|v| v.name.clone()).collect();
        names.extend(self.float_vars());
        names.extend(self.seq_names());
        names.extend(self.str_names());
        let mut out = vec![];
        let n = self.between(1, 2);
        for _ in 0..n {
            if names.is_empty() {
                break;
            }
            let k = self.between(1, 3.min(names.len() as u64));
            let mut args = vec![];
            for _ in 0..k {
                let i = self.below(names.len() as u64) as usize;
                args.push(Expr::name(&names.remove(i)));
            }
            out.push(Stmt::Expr(self.print_call(args)));
        }
        // The last line keeps the default `end`: a program always prints
        // something (even when its last values are empty strs).
        if let Some(Stmt::Expr(Expr::Call { keywords, .. })) = out.last_mut() {
            keywords.retain(|k| k.arg.as_deref() != Some("end"));
        }
        out
    }

    /// A constant whose bit length fits `cap` (boundary values when enabled).
    pub fn constant_within(&mut self, cap: u32) -> E {
        for _ in 0..4 {
            let c = self.constant();
            if c.bits <= cap {
                return c;
            }
        }
        let v = self.between(0, 100) as i128;
        E {
            e: Expr::int(v),
            bits: bits_of(v),
        }
    }
}
