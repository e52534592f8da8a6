//! String formatting and printing (feature `strings`, see `strs.rs` for
//! the invariants): `%`-formatting with each conversion given an argument
//! of a type it accepts, `print` arguments with strs in them, `print`'s
//! `sep=`/`end=` keywords, and the decision to plan a string exception.

use jitdiff_vm::lang::ast::{BinOp, Expr, Keyword};

use super::expr::bin;
use super::seqs::call;
use super::state::{Gen, Planned};
use super::strs::{ENDS, FLOAT_TEXTS, FLOATS, ITEM_CAP, LIST_CAP, S, SEPS, int_len, lit};

impl Gen<'_, '_> {
    /// `fmt % args` with `%d %s %r %f %.2f %5d %-5s %x %e %g %%`, each
    /// conversion given an argument of a type it accepts (no `%d` of a
    /// NaN or an infinity, no `%x` of a float).
    pub fn fmt_expr(&mut self) -> S {
        let mut fmt = String::new();
        let mut args: Vec<Expr> = vec![];
        let mut len = 0;
        let mut bare_ok = true;
        for _ in 0..self.between(1, 3) {
            let text = self.pick(&["", "", "x=", " ", ", ", "[", "] ", "it's "]);
            fmt.push_str(text);
            len += text.len() as u32;
            let spec = self.pick(&[
                "%d", "%s", "%r", "%f", "%.2f", "%5d", "%-5s", "%x", "%e", "%g", "%%", "%i",
            ]);
            fmt.push_str(spec);
            match spec {
                "%%" => len += 1,
                "%d" | "%5d" | "%i" | "%x" => {
                    let e = self.int_expr(1);
                    len += int_len(e.bits).max(5);
                    args.push(e.e);
                }
                "%f" | "%.2f" => {
                    // An int (<= 400 bits) or a small float: short output.
                    let e = if self.chance(50) {
                        Expr::float(self.pick(&FLOATS))
                    } else {
                        self.int_expr(1).e
                    };
                    len += 140;
                    args.push(e);
                }
                "%e" | "%g" => {
                    let e = if self.cfg.floats && !self.no_calls && self.chance(50) {
                        self.float_expr(1)
                    } else {
                        self.int_expr(1).e
                    };
                    len += 24;
                    args.push(e);
                }
                _ => {
                    let a = self.fmt_any_arg();
                    bare_ok &= a.2;
                    len += if spec == "%r" { 4 * a.1 + 2 } else { a.1 }.max(5);
                    args.push(a.0);
                }
            }
        }
        let tail = self.pick(&["", "", "!", " %% done", "\t"]);
        fmt.push_str(tail);
        len += tail.len() as u32;
        let value = if args.len() == 1 && bare_ok && self.chance(60) {
            args.pop().expect("one")
        } else {
            // A tuple always (also of one): its items are the arguments.
            Expr::Tuple(args)
        };
        S {
            e: bin(BinOp::Mod, lit(&fmt), value),
            len,
            ne: true,
        }
    }

    /// An argument for `%s`/`%r`: a str, an int, a float, a list of strs;
    /// with its length bound and whether it may be passed bare (never a
    /// tuple or something that may hold one).
    fn fmt_any_arg(&mut self) -> (Expr, u32, bool) {
        match self.below(6) {
            0..=2 => {
                let s = self.str_expr(1);
                (s.e, s.len, true)
            }
            3 => {
                let e = self.int_expr(1);
                (e.e, int_len(e.bits), true)
            }
            4 if !self.str_lists.is_empty() => {
                let l = self.pick(&self.str_lists.clone());
                (
                    Expr::name(&l),
                    LIST_CAP as u32 * (4 * ITEM_CAP + 4) + 2,
                    true,
                )
            }
            _ => {
                let text = self.pick(&FLOAT_TEXTS);
                if self.can_str_calls(1) {
                    self.charge_calls(1);
                    (call("float", vec![lit(text)]), 24, true)
                } else {
                    (Expr::float(self.pick(&FLOATS)), 24, true)
                }
            }
        }
    }

    // ---- printing ----

    /// A `print` argument: a str expression, a list of strs, a tuple with
    /// strs, `min`/`max` of strs, an int-or-str variable in a list.
    pub fn str_print_arg(&mut self) -> Expr {
        let calls = self.can_str_calls(2);
        let w = [
            5,
            if self.str_lists.is_empty() { 0 } else { 2 },
            2,
            if calls { 2 } else { 0 },
            if self.svars.is_empty() { 0 } else { 2 },
            if calls { 1 } else { 0 },
        ];
        match self.weighted(&w) {
            Some(1) => Expr::name(&self.pick(&self.str_lists.clone())),
            Some(2) => {
                let a = self.str_expr(1);
                let b = self.int_expr(1);
                Expr::Tuple(vec![a.e, b.e])
            }
            Some(3) => {
                self.charge_calls(1);
                let f = self.pick(&["min", "max"]);
                match self.below(3) {
                    0 if !self.str_lists.is_empty() => {
                        call(f, vec![Expr::name(&self.pick(&self.str_lists.clone()))])
                    }
                    1 => {
                        let a = self.str_expr(1);
                        let b = self.str_expr(1);
                        call(f, vec![a.e, b.e])
                    }
                    _ => {
                        let a = self.str_expr(1);
                        let a = self.nonempty(a);
                        call(f, vec![a.e])
                    }
                }
            }
            Some(4) => {
                let v = Expr::name(&self.pick(&self.svars.clone()));
                if self.chance(50) {
                    v
                } else {
                    Expr::List(vec![v, lit("|")])
                }
            }
            Some(5) => {
                self.charge_calls(1);
                let a = self.str_expr(1);
                call("list", vec![a.e])
            }
            _ => self.str_expr(2).e,
        }
    }

    /// `print(args)`, with `sep=`/`end=` (str or `None`) now and then when
    /// strings are on (no draw otherwise: other programs stay the same).
    pub fn print_call(&mut self, args: Vec<Expr>) -> Expr {
        let mut keywords = vec![];
        if self.cfg.strings && self.chance(35) {
            if self.chance(60) {
                let value = if self.chance(15) {
                    Expr::None
                } else {
                    lit(self.pick(&SEPS))
                };
                keywords.push(Keyword {
                    arg: Some("sep".into()),
                    value,
                });
            }
            if self.chance(60) {
                let value = if self.chance(15) {
                    Expr::None
                } else {
                    lit(self.pick(&ENDS))
                };
                keywords.push(Keyword {
                    arg: Some("end".into()),
                    value,
                });
            }
            if keywords.len() == 2 && self.chance(30) {
                keywords.swap(0, 1);
            }
        }
        Expr::Call {
            func: Box::new(Expr::name("print")),
            args,
            keywords,
        }
    }

    // ---- planned exceptions ----

    pub fn str_planned(&mut self) -> Option<Planned> {
        // About 3.5% of string programs plan a string exception; mostly
        // the TypeError of a hot `x + y` whose operand stops being a str.
        if !self.cfg.strings || self.planned.is_some() || !self.chance(4) {
            return None;
        }
        Some(if self.chance(80) {
            Planned::StrType
        } else {
            Planned::StrValue
        })
    }
}
