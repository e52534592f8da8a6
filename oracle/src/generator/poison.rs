//! A small, steady share of programs deliberately crosses a resource limit
//! (fuel, call depth, int width) at a point that varies from program to
//! program, inside a hot loop, so the limit is hit in tier 1, in traces and
//! in machine code alike. Limits are exact semantics: every configuration
//! must poison exactly where the reference does (the outcome oracle checks
//! it), and traced runs are frame-checked up to that point.
//!
//! The decision is drawn after the rest of the program, so the programs of
//! a seed that do not poison are the same as before this existed.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt};
use jitdiff_vm::lang::limits::{
    DEFAULT_DEPTH as MAX_DEPTH, DEFAULT_FUEL as MAX_FUEL, DEFAULT_INT_BITS as MAX_INT_BITS,
};

use super::expr::{bin, bits_of, cmp};
use super::state::Gen;

/// Which limit a program crosses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poisoning {
    Fuel,
    Depth,
    IntSize,
}

/// Per mille of programs that cross each limit. Fuel is the costly one
/// (a hundred thousand back edges everywhere), so it is the rarest.
const PER_MILLE_FUEL: u64 = 5;
const PER_MILLE_DEPTH: u64 = 15;
const PER_MILLE_INT: u64 = 15;

impl Gen<'_, '_> {
    /// Draws whether this program crosses a limit, and which.
    pub(super) fn poisoning(&mut self) -> Option<Poisoning> {
        if !self.cfg.poison {
            return None;
        }
        // Counted down from the top, so an exhausted input (which draws 0)
        // poisons nothing.
        match 999 - self.below(1000) {
            n if n < PER_MILLE_FUEL => Some(Poisoning::Fuel),
            n if n < PER_MILLE_FUEL + PER_MILLE_DEPTH => Some(Poisoning::Depth),
            n if n < PER_MILLE_FUEL + PER_MILLE_DEPTH + PER_MILLE_INT => Some(Poisoning::IntSize),
            _ => None,
        }
    }

    /// The construct that crosses the limit: a function to define (depth)
    /// and module-level statements (a hot loop).
    pub(super) fn poison_construct(&mut self, p: Poisoning) -> (Option<Stmt>, Vec<Stmt>) {
        let v = self.fresh_name("pv");
        let i = self.fresh_name("pi");
        let init = |x: i128| Stmt::Assign {
            target: v.clone(),
            value: Expr::int(x),
        };
        let assign = |value: Expr| Stmt::Assign {
            target: v.clone(),
            value,
        };
        let for_range = |n: u64, body: Vec<Stmt>| Stmt::For {
            target: i.clone(),
            iter: Expr::call("range", vec![Expr::int(n as i128)]),
            body,
            orelse: vec![],
        };
        match p {
            Poisoning::Fuel => {
                // More back edges than the whole budget: wherever the
                // program stands, fuel runs out inside this loop. The body
                // is as light as a body can be (few guards): a hundred
                // thousand iterations on every configuration, forced
                // failures included, must stay cheap.
                let n = MAX_FUEL + 1 + self.below(5000);
                (
                    None,
                    vec![init(0), for_range(n, vec![assign(Expr::name(&i))])],
                )
            }
            Poisoning::Depth => {
                // `f(n)` recurses n + 1 deep; the loop raises n past the
                // limit after a few (traced) iterations.
                let f = self.fresh_name("pdeep");
                let n = || Expr::name("n");
                let def = Stmt::FunctionDef {
                    decorators: vec![],
                    name: f.clone(),
                    params: vec!["n".into()],
                    defaults: vec![],
                    star: Default::default(),
                    body: vec![
                        Stmt::If {
                            test: cmp(n(), CmpOp::LtE, Expr::int(0)),
                            body: vec![Stmt::Return(Some(Expr::int(0)))],
                            orelse: vec![],
                        },
                        Stmt::Return(Some(bin(
                            BinOp::Add,
                            Expr::call(&f, vec![bin(BinOp::Sub, n(), Expr::int(1))]),
                            Expr::int(1),
                        ))),
                    ],
                };
                let start = MAX_DEPTH as u64 - 80 + self.below(60);
                let step = 10 + self.below(20);
                let arg = bin(
                    BinOp::Add,
                    Expr::int(start as i128),
                    bin(BinOp::Mul, Expr::name(&i), Expr::int(step as i128)),
                );
                let body = vec![assign(bin(
                    BinOp::Add,
                    Expr::name(&v),
                    Expr::call(&f, vec![arg]),
                ))];
                // Enough iterations to pass the limit, and a few more.
                let needed = (MAX_DEPTH as u64 + 1 - start).div_ceil(step) + 1;
                (
                    Some(def),
                    vec![init(0), for_range(needed + self.below(3), body)],
                )
            }
            Poisoning::IntSize => {
                // Squaring doubles the width: a few iterations past the limit.
                let base = self.pick(&[3i128, 5, 7, 10, 255, 123_456_789]);
                let mut squarings = 0;
                while (bits_of(base) as u64) << squarings <= MAX_INT_BITS {
                    squarings += 1;
                }
                let n = squarings + 1 + self.below(2);
                let body = vec![assign(bin(BinOp::Mul, Expr::name(&v), Expr::name(&v)))];
                (None, vec![init(base), for_range(n, body)])
            }
        }
    }
}
