//! ASCII strings (swarm feature `strings`): module-level str variables
//! (`st0`, ...) read everywhere and assigned at module scope (functions get
//! their own local ones), lists of strs (`sl0`, ...), variables that hold
//! an int or a str (`sv0`, ...), docstrings, and str-valued expressions:
//! literals with escapes and both quotes, `+`, `*` by small counts,
//! `%`-formatting, subscripts, slices with steps, `str`/`repr`/`chr`, and
//! the methods; int-valued ones (`len`, `ord`, `find`, `count`, `index`,
//! `in`, comparisons, `int(str(n))`) feed the int machinery.
//!
//! Guarantees, by invariant rather than by tracking values:
//! - every expression carries an upper bound on its length ([`S::len`]);
//!   a value stored in a str variable is cut to [`STR_CAP`] characters
//!   (`e[:k]` / `e[-k:]`, the analogue of the ints' `% M`), and no
//!   intermediate value gets near [`LEN_LIMIT`], so bulk fuel
//!   (`n >> BULK_FUEL_SHIFT`) is always zero and the lengths stay far
//!   below the sequence cap;
//! - variables marked `nonempty` only ever get non-empty values (`e or
//!   'k'`), so `s[e % len(s)]` never divides by zero; anything else is
//!   indexed through `(s or 'ab')`;
//! - every builtin and method call is charged one fuel, and none is
//!   generated where calls are not allowed (`while` tests, recursive
//!   bodies);
//! - `chr` only ever gets 0..=127 (`chr(65 + e % 26)`, `chr(e % 128)`),
//!   and no literal has a character above 127: everything stays ASCII.
//!
//! Statements and loops are in `strs_stmt.rs`, `%`-formatting and
//! printing in `strs_print.rs`. The exceptions a string program raises
//! are the planned ones (`strs_stmt.rs`), rare.

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, Stmt};

use super::expr::{E, bin, bits_of, cmp};
use super::seqs::{Class, call, len_of, method, slice, sub};
use super::state::Gen;

/// Longest value a str variable holds.
pub(super) const STR_CAP: u32 = 40;
/// Longest str stored in a list of strs.
pub(super) const ITEM_CAP: u32 = 16;
/// Most items in a list of strs.
pub(super) const LIST_CAP: u64 = 8;
/// No str-valued sub-expression may be longer than this (bound).
const LEN_LIMIT: u32 = 600;

/// Literals: plain text, both quotes, escapes, control characters, spaces
/// to strip and split on, digits to convert, `%` signs.
pub(super) const LITS: [&str; 24] = [
    "",
    "a",
    "ab",
    "abc",
    "Hello, World!",
    "it's",
    "say \"hi\"",
    "both ' and \"",
    "tab\there",
    "line\nbreak",
    "back\\slash",
    "\x01ctl\x7f",
    "  padded  ",
    "a,b,,c",
    "x y  z",
    "42",
    " -17 ",
    "3.25",
    "AbCdE",
    "100%",
    "aaa",
    "cr\rlf",
    "_",
    "zz top",
];

/// Strings `int()` accepts (CPython's rules: spaces, sign, `_`, zeros).
const INT_TEXTS: [&str; 7] = [" 42 ", "+7", "-12", "1_000", "007", "0", "\t5\n"];
/// Strings `float()` accepts.
pub(super) const FLOAT_TEXTS: [&str; 8] = [
    "1.5", " 1.5e3 ", "inf", "-inf", "1_0.5", "-0.0", "nan", "2.5e-8",
];
/// Float literals for `str()`, `repr()` and `%` arguments (finite, small
/// enough that `%f` stays short).
pub(super) const FLOATS: [f64; 6] = [0.1, 1.5, 2.5e-8, 1e16, 123.456, 0.5];

/// Separators and `end=` values for `print`.
pub(super) const SEPS: [&str; 5] = ["", ", ", "-", " | ", "\t"];
pub(super) const ENDS: [&str; 5] = ["\n", "!\n", " ", "", ";\n"];

#[derive(Clone, Debug)]
pub(super) struct StrVar {
    pub name: String,
    /// Never holds `''`.
    pub nonempty: bool,
    /// Module-level (assigned only at module scope); `false`: a local of
    /// the function being generated.
    pub global: bool,
}

/// A str-valued expression, an upper bound on its length, and whether it
/// is never empty.
pub(super) struct S {
    pub e: Expr,
    pub len: u32,
    pub ne: bool,
}

pub(super) fn lit(s: &str) -> Expr {
    Expr::Str(s.to_string())
}

pub(super) fn lit_s(s: &str) -> S {
    S {
        e: lit(s),
        len: s.len() as u32,
        ne: !s.is_empty(),
    }
}

/// Length bound of `str(n)` for an int of `bits` bits.
pub(super) fn int_len(bits: u32) -> u32 {
    bits * 10 / 33 + 2
}

impl Gen<'_, '_> {
    // ---- setup ----

    /// Declares the module-level strs, lists of strs and int/str variables.
    pub fn str_setup(&mut self) {
        for _ in 0..self.between(1, 3) {
            let s = self.pick(&LITS);
            self.fresh_module_str(lit(s), !s.is_empty());
        }
        if self.chance(60) {
            let n = self.between(1, 4) as usize;
            let items = (0..n).map(|_| lit(self.pick(&LITS))).collect();
            let name = format!("sl{}", self.str_lists.len());
            self.str_inits.push(Stmt::Assign {
                target: name.clone(),
                value: Expr::List(items),
            });
            self.str_lists.push(name);
        }
        if self.chance(50) {
            let name = format!("sv{}", self.svars.len());
            let value = if self.chance(50) {
                Expr::int(self.between(0, 9) as i128)
            } else {
                lit(self.pick(&LITS[1..6]))
            };
            self.str_inits.push(Stmt::Assign {
                target: name.clone(),
                value,
            });
            self.svars.push(name);
        }
    }

    /// A new module-level str variable bound to `init` at the top.
    pub fn fresh_module_str(&mut self, init: Expr, nonempty: bool) -> String {
        let name = format!("st{}", self.strs.iter().filter(|s| s.global).count());
        self.str_inits.push(Stmt::Assign {
            target: name.clone(),
            value: init,
        });
        self.strs.push(StrVar {
            name: name.clone(),
            nonempty,
            global: true,
        });
        name
    }

    /// A str variable of the current scope (a module global in main, a
    /// local in a function), bound at the scope's top.
    pub fn fresh_str_var(&mut self, nonempty: bool) -> String {
        let global = self.fscope.is_none();
        let name = if global {
            format!("st{}", self.strs.iter().filter(|s| s.global).count())
        } else {
            self.fresh_name("ts")
        };
        let init = if nonempty { "a" } else { "" };
        self.inits.push(Stmt::Assign {
            target: name.clone(),
            value: lit(init),
        });
        self.strs.push(StrVar {
            name: name.clone(),
            nonempty,
            global,
        });
        name
    }

    /// A docstring first thing in the module (sometimes).
    pub fn module_docstring(&mut self) -> Vec<Stmt> {
        if self.cfg.strings && self.chance(25) {
            vec![Stmt::Expr(lit(
                "Generated by jitdiff: a 'strings' program.",
            ))]
        } else {
            vec![]
        }
    }

    /// A docstring first thing in a function body (sometimes).
    pub fn fn_docstring(&mut self) -> Vec<Stmt> {
        if self.cfg.strings && self.chance(30) {
            let s = self.pick(&["Doc.", "Returns \"x\".", "it's\ta doc\n", ""]);
            vec![Stmt::Expr(lit(s))]
        } else {
            vec![]
        }
    }

    /// Names printed at the end.
    pub fn str_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .strs
            .iter()
            .filter(|s| s.global)
            .map(|s| s.name.clone())
            .collect();
        out.extend(self.str_lists.iter().cloned());
        out.extend(self.svars.iter().cloned());
        out.extend(self.str_outs.iter().cloned());
        out
    }

    /// Str variables assignable here (module ones at module scope, the
    /// function's own in a function).
    pub fn writable_strs(&self) -> Vec<StrVar> {
        let module = self.fscope.is_none();
        self.strs
            .iter()
            .filter(|s| s.global == module)
            .cloned()
            .collect()
    }

    /// Whether builtin or method calls may be generated here (charging
    /// `n` of them).
    pub fn can_str_calls(&self, n: u64) -> bool {
        !self.no_calls && self.fuel > n
    }

    // ---- str expressions ----

    /// A str leaf: a variable, a literal, or a one-character subscript.
    pub fn str_leaf(&mut self) -> S {
        let vars = self.strs.clone();
        match self.weighted(&[3, if vars.is_empty() { 0 } else { 6 }, 1]) {
            Some(1) => {
                let v = self.pick(&vars);
                S {
                    e: Expr::name(&v.name),
                    len: STR_CAP,
                    ne: v.nonempty,
                }
            }
            Some(2) if !vars.is_empty() => {
                let v = self.pick(&vars);
                S {
                    e: self.str_char(&v),
                    len: 1,
                    ne: true,
                }
            }
            _ => lit_s(self.pick(&LITS)),
        }
    }

    /// A one-character str of `v`: `s[e % len(s)]` when `v` is never
    /// empty, else `(s or 'ab')[0]` / `[-1]`.
    pub fn str_char(&mut self, v: &StrVar) -> Expr {
        let x = Expr::name(&v.name);
        if v.nonempty && self.can_str_calls(1) && self.chance(60) {
            self.charge_calls(1);
            let i = match self.loops.last().cloned() {
                Some(l) if self.chance(60) => Expr::name(&l.var),
                _ => self.int_expr(1).e,
            };
            return sub(x.clone(), bin(BinOp::Mod, i, len_of(x)));
        }
        if v.nonempty {
            return sub(x, Expr::int(self.pick(&[0i128, -1])));
        }
        let or = Expr::BoolOp {
            op: BoolOp::Or,
            values: vec![x, lit("ab")],
        };
        sub(or, Expr::int(self.pick(&[0i128, -1])))
    }

    /// Cuts `s` to at most `cap` characters (`e[:cap]` or `e[-cap:]`).
    pub fn fit_str(&mut self, s: S, cap: u32) -> S {
        if s.len <= cap {
            return s;
        }
        let c = cap as i128;
        let sl = if self.chance(50) {
            slice(None, Some(c), None)
        } else {
            slice(Some(-c), None, None)
        };
        S {
            e: sub(s.e, sl),
            len: cap,
            ne: s.ne,
        }
    }

    /// `s` made non-empty (`s or 'k'`) unless it already is.
    pub fn nonempty(&mut self, s: S) -> S {
        if s.ne {
            return s;
        }
        let k = self.pick(&["k", "?", "xy"]);
        S {
            e: Expr::BoolOp {
                op: BoolOp::Or,
                values: vec![s.e, lit(k)],
            },
            len: s.len.max(2),
            ne: true,
        }
    }

    /// A str-valued expression of at most [`LEN_LIMIT`] characters.
    pub fn str_expr(&mut self, depth: u32) -> S {
        let s = self.str_expr_raw(depth);
        if s.len > LEN_LIMIT {
            self.fit_str(s, STR_CAP)
        } else {
            s
        }
    }

    fn str_expr_raw(&mut self, depth: u32) -> S {
        if depth == 0 || self.u.is_empty() || self.chance(30) {
            return self.str_leaf();
        }
        let d = depth - 1;
        let calls = self.can_str_calls(2);
        let w = [
            4,
            3,
            3,
            if calls { 3 } else { 1 },
            if calls { 3 } else { 0 },
            if calls { 3 } else { 0 },
            if calls && !self.str_lists.is_empty() {
                2
            } else {
                1
            },
            if calls { 1 } else { 0 },
            if self.cfg.cond_exprs { 1 } else { 0 },
            if calls && !self.svars.is_empty() {
                1
            } else {
                0
            },
        ];
        match self.weighted(&w) {
            Some(1) => {
                // Repetition by a small count (<= 0 gives '').
                let a = self.str_expr(d);
                let k = self.pick(&[0i128, 1, 2, 3, -1]);
                // `i % 3` may be 0: only a constant count >= 1 keeps `ne`.
                let (e, kk, ne) = if self.chance(20) && !self.loops.is_empty() {
                    let l = self.loops.last().cloned().expect("in a loop");
                    (bin(BinOp::Mod, Expr::name(&l.var), Expr::int(3)), 2, false)
                } else {
                    (Expr::int(k), k.max(0) as u32, k >= 1)
                };
                let e = if self.chance(50) {
                    bin(BinOp::Mul, a.e, e)
                } else {
                    bin(BinOp::Mul, e, a.e)
                };
                S {
                    e,
                    len: a.len * kk,
                    ne: a.ne && ne,
                }
            }
            Some(2) => self.str_slice(d),
            Some(3) => self.fmt_expr(),
            Some(4) => self.str_conv(d),
            Some(5) => self.str_method(d),
            Some(6) => self.str_join(d),
            Some(7) => {
                self.charge_calls(1);
                let e = self.int_expr(1).e;
                let code = if self.chance(70) {
                    bin(BinOp::Add, Expr::int(65), bin(BinOp::Mod, e, Expr::int(26)))
                } else {
                    bin(BinOp::Mod, e, Expr::int(128))
                };
                S {
                    e: call("chr", vec![code]),
                    len: 1,
                    ne: true,
                }
            }
            Some(8) => {
                let test = self.cond(d);
                let (a, b) = (self.str_expr(d), self.str_expr(d));
                S {
                    e: Expr::IfExp {
                        test: Box::new(test),
                        body: Box::new(a.e),
                        orelse: Box::new(b.e),
                    },
                    len: a.len.max(b.len),
                    ne: a.ne && b.ne,
                }
            }
            Some(9) => {
                // An int-or-str variable through a conversion valid for both.
                self.charge_calls(1);
                let v = self.pick(&self.svars.clone());
                let f = self.pick(&["str", "repr"]);
                S {
                    e: call(f, vec![Expr::name(&v)]),
                    len: 4 * 20 + 2,
                    ne: f == "repr",
                }
            }
            _ => {
                let a = self.str_expr(d);
                let b = self.str_expr(d);
                S {
                    e: bin(BinOp::Add, a.e, b.e),
                    len: a.len + b.len,
                    ne: a.ne || b.ne,
                }
            }
        }
    }

    /// `s[a:b:c]` with constant bounds (out of range clamps; steps never 0).
    fn str_slice(&mut self, depth: u32) -> S {
        let a = self.str_expr(depth);
        let bound = |g: &mut Self| {
            if g.chance(40) {
                None
            } else {
                Some(g.below(25) as i128 - 12)
            }
        };
        let (lo, hi) = (bound(self), bound(self));
        let step = if self.chance(50) {
            None
        } else {
            Some(self.pick(&[1i128, 2, 3, -1, -1, -2]))
        };
        let sl = if self.chance(15) {
            slice(None, None, Some(-1))
        } else {
            slice(lo, hi, step)
        };
        S {
            e: sub(a.e, sl),
            len: a.len,
            ne: false,
        }
    }

    /// `str(x)` of an int, a float, a list or tuple, a str; `repr(s)`.
    fn str_conv(&mut self, depth: u32) -> S {
        self.charge_calls(1);
        let seqs: Vec<_> = self
            .seq_vars()
            .into_iter()
            .filter(|s| s.class <= Class::Num)
            .collect();
        let w = [
            4,
            2,
            if self.cfg.floats { 2 } else { 0 },
            if self.str_lists.is_empty() { 0 } else { 1 },
            if seqs.is_empty() { 0 } else { 2 },
            3,
            1,
        ];
        match self.weighted(&w) {
            Some(1) => {
                let f = self.pick(&FLOATS);
                S {
                    e: call("str", vec![Expr::float(f)]),
                    len: 24,
                    ne: true,
                }
            }
            Some(2) => {
                let f = self.float_expr(1);
                S {
                    e: call("str", vec![f]),
                    len: 26,
                    ne: true,
                }
            }
            Some(3) => {
                let l = self.pick(&self.str_lists.clone());
                S {
                    e: call("str", vec![Expr::name(&l)]),
                    len: LIST_CAP as u32 * (4 * ITEM_CAP + 4) + 2,
                    ne: true,
                }
            }
            Some(4) => {
                // A short slice: Int/Num elements print in <= 25 characters.
                let s = self.pick(&seqs);
                let k = self.between(1, 4) as i128;
                S {
                    e: call(
                        "str",
                        vec![sub(Expr::name(&s.name), slice(None, Some(k), None))],
                    ),
                    len: 4 * 27 + 4,
                    ne: true,
                }
            }
            Some(5) => {
                let a = self.str_expr(depth);
                S {
                    e: call("repr", vec![a.e]),
                    len: 4 * a.len + 2,
                    ne: true,
                }
            }
            Some(6) => {
                let a = self.str_expr(depth);
                S {
                    e: call("str", vec![a.e]),
                    len: a.len,
                    ne: a.ne,
                }
            }
            _ => {
                let e = self.int_expr(depth.min(2));
                S {
                    e: call("str", vec![e.e]),
                    len: int_len(e.bits),
                    ne: true,
                }
            }
        }
    }

    /// `upper`, `lower`, `strip` (of whitespace or given characters),
    /// `replace` (sometimes with a count).
    fn str_method(&mut self, depth: u32) -> S {
        self.charge_calls(1);
        let a = self.str_expr(depth);
        let recv = a.e;
        match self.below(5) {
            0 | 1 => S {
                e: method(
                    recv,
                    if self.chance(50) { "upper" } else { "lower" },
                    vec![],
                ),
                len: a.len,
                ne: a.ne,
            },
            // `strip(chars)` strips any of the characters, from both ends.
            2 => S {
                e: if self.chance(60) {
                    method(recv, "strip", vec![])
                } else {
                    let chars = self.pick(&["a", " a", "ab,", "\n ", "", "%d"]);
                    method(recv, "strip", vec![lit(chars)])
                },
                len: a.len,
                ne: false,
            },
            _ => {
                let old = self.pick(&["a", " ", ",", "ab", "l", "\n", ""]);
                let new = self.pick(&["", "-", "AB", "_", "  "]);
                // A count of 0 replaces nothing, a negative one everything.
                let count = self
                    .chance(30)
                    .then(|| Expr::int(self.below(4) as i128 - 1));
                let n = new.len() as u32;
                let len = if old.is_empty() {
                    (a.len + 1) * (n + 1)
                } else {
                    a.len * n.max(1)
                };
                S {
                    e: method(
                        recv,
                        "replace",
                        [lit(old), lit(new)].into_iter().chain(count).collect(),
                    ),
                    len,
                    ne: a.ne && !new.is_empty(),
                }
            }
        }
    }

    /// A list of strs: a str-list variable, `s.split()`, `list(s)`, or a
    /// display; with an upper bound on its items' total length and count.
    pub(super) fn str_list_expr(&mut self, depth: u32) -> (Expr, u32, u32) {
        let lists = self.str_lists.clone();
        let calls = self.can_str_calls(1);
        let w = [
            2,
            if lists.is_empty() { 0 } else { 4 },
            if calls { 2 } else { 0 },
            if calls { 1 } else { 0 },
        ];
        match self.weighted(&w) {
            Some(1) => (
                Expr::name(&self.pick(&lists)),
                LIST_CAP as u32 * ITEM_CAP,
                LIST_CAP as u32,
            ),
            Some(2) => {
                self.charge_calls(1);
                let a = self.str_expr(depth);
                let mut args = if self.chance(50) {
                    vec![]
                } else {
                    vec![lit(self.pick(&[",", " ", "a", ", "]))]
                };
                // maxsplit: the rest stays whole (after whitespace, with
                // its trailing whitespace); a negative one splits all.
                if self.chance(30) {
                    if args.is_empty() {
                        args.push(Expr::None);
                    }
                    args.push(Expr::int(self.below(4) as i128 - 1));
                }
                (method(a.e, "split", args), a.len, a.len + 1)
            }
            Some(3) => {
                self.charge_calls(1);
                let a = self.str_expr(depth);
                (call("list", vec![a.e]), a.len, a.len)
            }
            _ => {
                let n = self.between(0, 3);
                let items: Vec<S> = (0..n).map(|_| self.str_expr(depth)).collect();
                let len = items.iter().map(|s| s.len).sum();
                (
                    Expr::List(items.into_iter().map(|s| s.e).collect()),
                    len,
                    n as u32,
                )
            }
        }
    }

    /// `sep.join(list of strs)`.
    fn str_join(&mut self, depth: u32) -> S {
        self.charge_calls(1);
        let sep = self.pick(&[" ", "", ", ", "-", "\n"]);
        let (items, len, count) = self.str_list_expr(depth);
        S {
            e: method(lit(sep), "join", vec![items]),
            len: len + count * sep.len() as u32,
            ne: false,
        }
    }

    // ---- int-valued expressions over strs ----

    /// An int-valued expression over strs (for `int_expr`).
    pub fn str_int(&mut self, depth: u32) -> E {
        let calls = self.can_str_calls(2);
        let lbits = bits_of(LEN_LIMIT as i128) + 1;
        let w = [
            3,
            if calls { 4 } else { 0 },
            if calls { 2 } else { 0 },
            if calls { 3 } else { 0 },
            if calls { 2 } else { 0 },
            2,
            if self.svars.is_empty() { 0 } else { 2 },
            if calls && !self.str_lists.is_empty() {
                2
            } else {
                0
            },
        ];
        let d = depth.min(1);
        match self.weighted(&w) {
            Some(1) => {
                self.charge_calls(1);
                let a = self.str_expr(d);
                E {
                    e: len_of(a.e),
                    bits: lbits,
                }
            }
            Some(2) => {
                self.charge_calls(1);
                let c = match self.strs.clone() {
                    v if !v.is_empty() && self.chance(70) => {
                        let v = self.pick(&v);
                        self.str_char(&v)
                    }
                    _ => lit(self.pick(&["a", "\t", "~", "\x01", "Z"])),
                };
                E {
                    e: call("ord", vec![c]),
                    bits: 7,
                }
            }
            Some(3) => self.str_search(d),
            Some(4) => {
                // `int()` of a str built from a number, or a literal.
                self.charge_calls(2);
                match self.below(4) {
                    0 => E {
                        e: call("int", vec![lit(self.pick(&INT_TEXTS))]),
                        bits: 10,
                    },
                    1 => {
                        let x = self.int_expr(d);
                        let s = call("str", vec![bin(BinOp::Add, Expr::int(0), x.e)]);
                        let padded = bin(BinOp::Add, bin(BinOp::Add, lit(" "), s), lit("  "));
                        E {
                            e: call("int", vec![padded]),
                            bits: x.bits + 1,
                        }
                    }
                    _ => {
                        // `0 + x`: an int even when `x` is a bool (`'True'`
                        // is no int literal).
                        let x = self.int_expr(d);
                        let e = bin(BinOp::Add, Expr::int(0), x.e);
                        E {
                            e: call("int", vec![call("str", vec![e])]),
                            bits: x.bits + 1,
                        }
                    }
                }
            }
            Some(5) => {
                // `==`, `!=` and orderings between strs (tuples of strs too).
                let (a, b) = (self.str_expr(d), self.str_expr(d));
                let op = self.pick(&CmpOp::ALL);
                let e = if self.chance(20) {
                    let c = self.str_expr(0);
                    cmp(
                        Expr::Tuple(vec![a.e, c.e.clone()]),
                        op,
                        Expr::Tuple(vec![b.e, c.e]),
                    )
                } else {
                    cmp(a.e, op, b.e)
                };
                E { e, bits: 1 }
            }
            Some(6) => {
                // An int-or-str variable: `==` and `in` a mixed list work for both.
                let v = Expr::name(&self.pick(&self.svars.clone()));
                let e = match self.below(3) {
                    0 => cmp(v, CmpOp::Eq, Expr::int(self.between(0, 9) as i128)),
                    1 => cmp(v, CmpOp::NotEq, lit(self.pick(&LITS[1..6]))),
                    _ => cmp(
                        v,
                        CmpOp::In,
                        Expr::List(vec![Expr::int(3), lit("ab"), lit(self.pick(&LITS))]),
                    ),
                };
                E { e, bits: 1 }
            }
            Some(7) => {
                let l = Expr::name(&self.pick(&self.str_lists.clone()));
                self.charge_calls(1);
                let e = match self.below(4) {
                    0 => len_of(l),
                    1 => method(l, "count", vec![self.str_expr(0).e]),
                    2 => {
                        let first = sub(l.clone(), Expr::int(self.pick(&[0i128, -1])));
                        method(l, "index", vec![first])
                    }
                    _ => cmp(self.str_expr(0).e, CmpOp::In, l),
                };
                E { e, bits: lbits }
            }
            _ => {
                // Substring tests (`'' in s` is True).
                let (a, b) = (self.str_expr(d), self.str_expr(d));
                let op = self.pick(&[CmpOp::In, CmpOp::NotIn]);
                E {
                    e: cmp(a.e, op, b.e),
                    bits: 1,
                }
            }
        }
    }

    /// `find`, `count`, `startswith`, `endswith`, and `index` of a
    /// substring that is there (`s[a:b]` of the receiver itself).
    fn str_search(&mut self, depth: u32) -> E {
        self.charge_calls(1);
        let lbits = bits_of(LEN_LIMIT as i128) + 1;
        let vars = self.strs.clone();
        if !vars.is_empty() && self.chance(30) {
            let v = self.pick(&vars);
            let x = Expr::name(&v.name);
            let a = self.below(6) as i128 - 2;
            let b = a + self.below(4) as i128;
            let part = sub(x.clone(), slice(Some(a), Some(b), None));
            return E {
                e: method(x, "index", vec![part]),
                bits: lbits,
            };
        }
        let a = self.str_expr(depth);
        let needle = if self.chance(60) {
            lit(self.pick(&["a", "b", " ", "", "ab", "l", "\n", "%"]))
        } else {
            self.str_expr(0).e
        };
        let m = self.pick(&["find", "count", "startswith", "endswith"]);
        let mut args = vec![needle];
        if m.ends_with("with") && self.chance(15) {
            // A tuple of prefixes: any of them.
            args[0] = Expr::Tuple(vec![args[0].clone(), lit(self.pick(&["x", " ", ""]))]);
        }
        // start and end, clamped like slice bounds (negative from the end).
        if self.chance(30) {
            args.push(Expr::int(self.below(7) as i128 - 2));
            if self.chance(50) {
                args.push(Expr::int(self.below(9) as i128 - 3));
            }
        }
        E {
            e: method(a.e, m, args),
            bits: if m.ends_with("with") { 1 } else { lbits },
        }
    }
}
