//! String statements and loops (feature `strings`, see `strs.rs` for the
//! invariants they keep): assignments cut to [`STR_CAP`], hot loops that
//! build a string (`acc = acc[-20:] + str(i)`, `acc += c` with a bound),
//! `for c in s` loops, lists of strs mutated, unpacking a str, variables
//! that turn from int to str (and back) at iteration K, two operands of a
//! hot `x + y` that both stop being strs at iteration K (valid), and the
//! planned exceptions: one operand of a hot `x + y` that stops being a
//! str at iteration K (left or right: a JIT guard that checks only one
//! operand miscomputes), and a few inline TypeErrors and ValueErrors.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt, Target};

use super::expr::{E, bits_of, cmp};
use super::seqs::{call, if_, len_of, method, slice, sub};
use super::state::{Gen, LoopCtx, Planned};
use super::strs::{ITEM_CAP, LIST_CAP, S, STR_CAP, StrVar, lit};

fn assign(target: &str, value: Expr) -> Stmt {
    Stmt::Assign {
        target: target.to_string(),
        value,
    }
}

impl Gen<'_, '_> {
    /// One string statement (or a string loop).
    pub fn str_stmt(&mut self) -> Option<Vec<Stmt>> {
        let module = self.fscope.is_none();
        let in_loop = !self.loops.is_empty();
        let calls = self.can_str_calls(2);
        let w = [
            6,
            4,
            if self.lines >= 1.0 && self.fuel >= 2 {
                3
            } else {
                0
            },
            3,
            if calls && !self.str_lists.is_empty() {
                2
            } else {
                0
            },
            if module && in_loop && !self.svars.is_empty() {
                3
            } else {
                0
            },
            if self.can_loop() { 3 } else { 0 },
            if module && in_loop { 1 } else { 0 },
            1,
        ];
        match self.weighted(&w) {
            Some(1) => Some(vec![self.str_append()]),
            Some(2) => {
                self.charge_calls(1);
                self.lines -= 1.0;
                let n = self.between(1, 3);
                let args = (0..n)
                    .map(|_| {
                        if self.chance(70) {
                            self.str_print_arg()
                        } else {
                            self.int_expr(1).e
                        }
                    })
                    .collect();
                Some(vec![Stmt::Expr(self.print_call(args))])
            }
            Some(3) => {
                let targets = self.writable();
                if targets.is_empty() {
                    return None;
                }
                let (target, cap) = self.pick(&targets);
                let d = self.depth();
                let v = self.str_int(d);
                let v = self.fit(v, cap);
                Some(vec![assign(&target, v.e)])
            }
            Some(4) => Some(vec![self.str_list_mutate()]),
            Some(5) => Some(vec![self.svar_rebind()]),
            Some(6) => self.str_loop(),
            Some(7) => Some(self.pair_flip()),
            Some(8) => Some(vec![self.str_unpack()]),
            _ => Some(vec![self.str_assign()]),
        }
    }

    /// A str variable assignable here, maybe a new one.
    fn str_target(&mut self) -> StrVar {
        let mine = self.writable_strs();
        if mine.is_empty() || self.chance(8) {
            let ne = self.chance(50);
            self.fresh_str_var(ne);
            return self.strs.last().cloned().expect("just pushed");
        }
        self.pick(&mine)
    }

    /// `v` fitted to `v`'s invariants (length cap, non-empty).
    fn fit_for(&mut self, v: &StrVar, s: S) -> Expr {
        let s = self.fit_str(s, STR_CAP);
        if v.nonempty { self.nonempty(s).e } else { s.e }
    }

    /// `s = <str expression>`.
    fn str_assign(&mut self) -> Stmt {
        let v = self.str_target();
        let d = self.depth();
        let s = self.str_expr(d);
        let value = self.fit_for(&v, s);
        assign(&v.name, value)
    }

    /// `s = (s + e)[-K:]`, or `if len(s) < K: s += e` (CPython's in-place
    /// concatenation fast path).
    fn str_append(&mut self) -> Stmt {
        let v = self.str_target();
        let d = self.depth().min(2);
        let piece = self.str_expr(d);
        let piece = self.fit_str(piece, STR_CAP / 2);
        let x = Expr::name(&v.name);
        if self.can_str_calls(1) && self.chance(50) {
            self.charge_calls(1);
            let room = (STR_CAP - piece.len) as i128;
            return if_(
                cmp(len_of(x), CmpOp::LtE, Expr::int(room)),
                vec![Stmt::AugAssign {
                    target: v.name.clone(),
                    op: BinOp::Add,
                    value: piece.e,
                }],
            );
        }
        let cat = S {
            e: Expr::BinOp {
                op: BinOp::Add,
                left: Box::new(x),
                right: Box::new(piece.e),
            },
            len: STR_CAP + piece.len,
            ne: v.nonempty || piece.ne,
        };
        let value = self.fit_for(&v, cat);
        assign(&v.name, value)
    }

    /// A list of strs mutated in place (any scope), keeping 1..=8 items
    /// of at most 16 characters; rebound (at module scope) to a split.
    fn str_list_mutate(&mut self) -> Stmt {
        let l = self.pick(&self.str_lists.clone());
        let x = || Expr::name(&l);
        self.charge_calls(2);
        let item = |g: &mut Self| {
            let s = g.str_expr(1);
            g.fit_str(s, ITEM_CAP).e
        };
        match self.below(5) {
            0 => {
                let v = item(self);
                if_(
                    cmp(len_of(x()), CmpOp::Lt, Expr::int(LIST_CAP as i128)),
                    vec![Stmt::Expr(method(x(), "append", vec![v]))],
                )
            }
            1 => {
                let i = self.int_expr(1).e;
                Stmt::AssignSubscript {
                    container: x(),
                    index: Expr::BinOp {
                        op: BinOp::Mod,
                        left: Box::new(i),
                        right: Box::new(len_of(x())),
                    },
                    value: item(self),
                }
            }
            2 => Stmt::Expr(method(x(), "reverse", vec![])),
            3 if self.fscope.is_none() => {
                // Whitespace split of <= 16 characters: <= 8 items.
                let s = self.str_expr(1);
                let s = sub(s.e, slice(None, Some(ITEM_CAP as i128), None));
                let split = Expr::BoolOp {
                    op: jitdiff_vm::lang::ast::BoolOp::Or,
                    values: vec![method(s, "split", vec![]), Expr::List(vec![lit("e")])],
                };
                assign(&l, split)
            }
            _ => if_(
                cmp(len_of(x()), CmpOp::Gt, Expr::int(1)),
                vec![Stmt::Expr(method(x(), "pop", vec![]))],
            ),
        }
    }

    /// `if i == K: sv = 'abc'` (or an int): a variable that changes type
    /// at iteration K of a hot loop, read only where both types are fine.
    fn svar_rebind(&mut self) -> Stmt {
        let v = self.pick(&self.svars.clone());
        let l = self.loops.last().cloned().expect("in a loop");
        let k = l.value(self.below(l.trip.max(1)));
        let value = if self.chance(50) {
            lit(self.pick(&["abc", "", "it's", "9", "x\ty"]))
        } else {
            Expr::int(self.between(0, 9) as i128)
        };
        if_(
            cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k)),
            vec![assign(&v, value)],
        )
    }

    /// `a, b = (s + 'xy')[:2]`: unpacking a str of known length.
    fn str_unpack(&mut self) -> Stmt {
        let a = self.fresh_str_var(true);
        let b = self.fresh_str_var(true);
        let s = self.str_expr(1);
        let value = sub(
            Expr::BinOp {
                op: BinOp::Add,
                left: Box::new(s.e),
                right: Box::new(lit("xy")),
            },
            slice(None, Some(2), None),
        );
        Stmt::Unpack {
            targets: Target::names(vec![a, b]),
            value,
        }
    }

    /// `pa, pb` start as strs, `pc = pa + pb` every iteration, and both
    /// become ints at iteration K (maybe strs again later): valid, but the
    /// `+` changes from concatenation to int addition mid-loop. In one
    /// program in five only `pb` becomes an int, in one in five only `pa`:
    /// the `+` then raises `TypeError` inside the trace, which only a guard
    /// checking *both* operands lets leave correctly (gh-130903's class).
    fn pair_flip(&mut self) -> Vec<Stmt> {
        let l = self.loops.last().cloned().expect("in a loop");
        let (pa, pb, pc) = (
            self.fresh_name("pa"),
            self.fresh_name("pb"),
            self.fresh_name("pc"),
        );
        let (la, lb) = (self.pick(&["ab", "x", ""]), self.pick(&["cd", "'", "z "]));
        self.inits.push(assign(&pa, lit(la)));
        self.inits.push(assign(&pb, lit(lb)));
        self.inits.push(assign(&pc, lit("")));
        self.str_outs.push(pc.clone());
        let at = |g: &mut Self| {
            let k = l.value(g.below(l.trip.max(1)));
            cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k))
        };
        let pair = |a: Expr, b: Expr| Stmt::Unpack {
            targets: Target::names(vec![pa.clone(), pb.clone()]),
            value: Expr::Tuple(vec![a, b]),
        };
        let (x, y) = (self.between(0, 9) as i128, self.between(0, 9) as i128);
        // Which operands flip reads `x` instead of drawing: the rest of the
        // program stays what the seed made it.
        let flip = match x % 5 {
            0 => assign(&pb, Expr::int(y)),
            1 => assign(&pa, Expr::int(x)),
            _ => pair(Expr::int(x), Expr::int(y)),
        };
        let mut out = vec![if_(at(self), vec![flip])];
        if self.chance(30) {
            out.push(if_(at(self), vec![pair(lit(la), lit(lb))]));
        }
        out.push(assign(
            &pc,
            Expr::BinOp {
                op: BinOp::Add,
                left: Box::new(Expr::name(&pa)),
                right: Box::new(Expr::name(&pb)),
            },
        ));
        out
    }

    // ---- loops ----

    /// A string loop: a hot loop building a string, or `for c in s`.
    pub fn str_loop(&mut self) -> Option<Vec<Stmt>> {
        if !self.can_loop() {
            return None;
        }
        if self.chance(65) {
            self.str_build_loop()
        } else {
            self.str_for_loop()
        }
    }

    /// `acc = ''; for i in range(T): acc = acc[-20:] + piece` (or `acc +=
    /// piece` cut back when too long): the concatenation fast paths in a
    /// hot loop, the length bounded whatever T.
    fn str_build_loop(&mut self) -> Option<Vec<Stmt>> {
        let t = self.trip_count(1)?;
        let acc = self.str_target();
        let i = self.fresh_var("i", bits_of(t as i128) + 1, false, Expr::int(0));
        let ctx = LoopCtx {
            var: i.clone(),
            first: 0,
            step: 1,
            trip: t,
        };
        let start = if acc.nonempty { "a" } else { "" };
        let body = self.loop_body(ctx, 1, |g| {
            let calls = g.can_str_calls(3);
            let iv = || Expr::name(&i);
            let piece = match g.below(6) {
                0 if calls => {
                    g.charge_calls(1);
                    S {
                        e: call("str", vec![iv()]),
                        len: 6,
                        ne: true,
                    }
                }
                1 if calls => {
                    g.charge_calls(1);
                    let code = Expr::BinOp {
                        op: BinOp::Add,
                        left: Box::new(Expr::int(65)),
                        right: Box::new(Expr::BinOp {
                            op: BinOp::Mod,
                            left: Box::new(iv()),
                            right: Box::new(Expr::int(26)),
                        }),
                    };
                    S {
                        e: call("chr", vec![code]),
                        len: 1,
                        ne: true,
                    }
                }
                2 => {
                    let m = Expr::BinOp {
                        op: BinOp::Mod,
                        left: Box::new(iv()),
                        right: Box::new(Expr::int(3)),
                    };
                    S {
                        e: sub(lit("xyz"), m),
                        len: 1,
                        ne: true,
                    }
                }
                3 => {
                    let m = Expr::BinOp {
                        op: BinOp::Mod,
                        left: Box::new(iv()),
                        right: Box::new(Expr::int(2)),
                    };
                    S {
                        e: Expr::BinOp {
                            op: BinOp::Mul,
                            left: Box::new(lit("ab")),
                            right: Box::new(m),
                        },
                        len: 2,
                        ne: false,
                    }
                }
                _ => g.str_expr(1),
            };
            let piece = g.fit_str(piece, 10);
            let x = || Expr::name(&acc.name);
            let mut b = if g.can_str_calls(1) && g.chance(50) {
                g.charge_calls(1);
                vec![
                    Stmt::AugAssign {
                        target: acc.name.clone(),
                        op: BinOp::Add,
                        value: piece.e,
                    },
                    if_(
                        cmp(len_of(x()), CmpOp::Gt, Expr::int(30)),
                        vec![assign(&acc.name, sub(x(), slice(Some(-10), None, None)))],
                    ),
                ]
            } else {
                let cat = Expr::BinOp {
                    op: BinOp::Add,
                    left: Box::new(sub(x(), slice(Some(-20), None, None))),
                    right: Box::new(piece.e),
                };
                vec![assign(&acc.name, cat)]
            };
            b.extend(g.block());
            b
        });
        let mut out = vec![
            assign(&acc.name, lit(start)),
            Stmt::For {
                target: i,
                iter: call("range", vec![Expr::int(t as i128)]),
                body,
                orelse: vec![],
            },
        ];
        if self.lines >= 1.0 && self.fuel >= 2 && self.chance(50) {
            self.lines -= 1.0;
            self.charge_calls(2);
            let args = vec![Expr::name(&acc.name), len_of(Expr::name(&acc.name))];
            out.push(Stmt::Expr(self.print_call(args)));
        }
        Some(out)
    }

    /// `c = 0; for ch in s: c += 1; ...`: iterates a str (or a list of
    /// strs) of bounded length; `c` counts iterations for iteration-K
    /// shapes.
    fn str_for_loop(&mut self) -> Option<Vec<Stmt>> {
        let cap = STR_CAP as u64;
        if self.fuel < 3 * cap + 4 {
            return None;
        }
        let (iter, trip, ne) = match self.below(4) {
            0 if !self.str_lists.is_empty() => {
                let l = self.pick(&self.str_lists.clone());
                (Expr::name(&l), LIST_CAP, false)
            }
            1 => {
                let s = self.str_expr(2);
                let s = self.fit_str(s, STR_CAP);
                (s.e, cap, true)
            }
            _ => {
                let v = self.str_target();
                let x = Expr::name(&v.name);
                let it = if self.chance(25) {
                    sub(x, slice(None, None, Some(-1)))
                } else {
                    x
                };
                (it, cap, true)
            }
        };
        let c = self.fresh_var("c", bits_of(trip as i128) + 1, false, Expr::int(0));
        // Bound before the loop, so it is defined even if the loop is empty.
        let ch = self.fresh_name("ch");
        self.inits.push(assign(&ch, lit("a")));
        self.strs.push(StrVar {
            name: ch.clone(),
            nonempty: ne,
            global: self.fscope.is_none(),
        });
        let ctx = LoopCtx {
            var: c.clone(),
            first: 1,
            step: 1,
            trip,
        };
        let body = self.loop_body(ctx, 2, |g| {
            let mut b = vec![Stmt::AugAssign {
                target: c.clone(),
                op: BinOp::Add,
                value: Expr::int(1),
            }];
            let targets = g.writable();
            if ne && !targets.is_empty() && g.can_str_calls(1) && g.chance(50) {
                // A checksum of the characters.
                g.charge_calls(1);
                let (t, cap) = g.pick(&targets);
                let sum = E {
                    bits: cap.max(7) + 1,
                    e: Expr::BinOp {
                        op: BinOp::Add,
                        left: Box::new(Expr::name(&t)),
                        right: Box::new(call("ord", vec![Expr::name(&ch)])),
                    },
                };
                let v = g.fit(sum, cap);
                b.push(assign(&t, v.e));
            }
            b.extend(g.block());
            b
        });
        Some(vec![
            assign(&c, Expr::int(0)),
            Stmt::For {
                target: ch,
                iter,
                body,
                orelse: vec![],
            },
        ])
    }

    // ---- planned exceptions ----

    /// The planned string exception at iteration K of loop `l`: mostly a
    /// hot `x + y` whose left or right operand becomes an int at K.
    pub fn str_error_in_loop(&mut self, l: &LoopCtx, k: i128) -> Vec<Stmt> {
        self.placed_error = true;
        let at_k = cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k));
        if self.planned == Some(Planned::StrValue) || self.chance(25) {
            return vec![self.str_error_inline(at_k)];
        }
        let (ya, yb) = (self.fresh_name("ya"), self.fresh_name("yb"));
        let (la, lb) = (
            self.pick(&["ab", "x", "", "it's"]),
            self.pick(&["cd", "\n", "y", ""]),
        );
        self.inits.push(assign(&ya, lit(la)));
        self.inits.push(assign(&yb, lit(lb)));
        // Which operand stops being a str: CPython's messages differ
        // (`can only concatenate str (not "int") to str` / `unsupported
        // operand type(s) for +: 'int' and 'str'`).
        let broken = if self.chance(50) { &ya } else { &yb };
        let value = self.pick(&[Expr::int(7), Expr::int(0), Expr::None, Expr::float(1.5)]);
        let flip = if_(at_k, vec![assign(broken, value)]);
        let sum = Expr::BinOp {
            op: BinOp::Add,
            left: Box::new(Expr::name(&ya)),
            right: Box::new(Expr::name(&yb)),
        };
        let yc = self.fresh_name("yc");
        let use_ = match self.below(3) {
            0 => vec![assign(&yc, sum)],
            // Discarded: an optimizer that drops it loses the exception.
            1 => vec![Stmt::Expr(sum)],
            _ => vec![
                assign(&yc, Expr::name(&ya)),
                Stmt::AugAssign {
                    target: yc.clone(),
                    op: BinOp::Add,
                    value: Expr::name(&yb),
                },
            ],
        };
        let mut out = vec![flip];
        out.extend(use_);
        out
    }

    /// The planned string exception after the hot code.
    pub fn str_error_at_end(&mut self) -> Stmt {
        self.placed_error = true;
        self.str_error_inline(Expr::Bool(true))
    }

    /// An expression that raises the planned exception when `trigger`
    /// holds (and is valid before).
    fn str_error_inline(&mut self, trigger: Expr) -> Stmt {
        let when = |a: Expr, b: Expr| Expr::IfExp {
            test: Box::new(trigger.clone()),
            body: Box::new(a),
            orelse: Box::new(b),
        };
        let s = self.str_leaf();
        let bin = |op, l: Expr, r: Expr| Expr::BinOp {
            op,
            left: Box::new(l),
            right: Box::new(r),
        };
        let e = if self.planned == Some(Planned::StrValue) {
            match self.below(3) {
                0 => call("int", vec![when(lit("x7"), lit(" 7 "))]),
                1 => call("float", vec![when(lit("1.5x"), lit("1.5"))]),
                _ => {
                    // Longer than the receiver: never found.
                    let absent = bin(BinOp::Add, s.e.clone(), lit("!"));
                    let present = sub(s.e.clone(), slice(None, Some(1), None));
                    method(s.e, "index", vec![when(absent, present)])
                }
            }
        } else {
            match self.below(6) {
                0 => bin(BinOp::Add, s.e, when(Expr::int(1), lit("x"))),
                1 => bin(BinOp::Add, when(Expr::int(2), lit("y")), s.e),
                2 => bin(
                    BinOp::Mod,
                    lit("%d"),
                    Expr::Tuple(vec![when(s.e, Expr::int(1))]),
                ),
                3 => Expr::Compare {
                    left: Box::new(s.e),
                    ops: vec![CmpOp::Lt],
                    comparators: vec![when(Expr::int(0), lit("m"))],
                },
                4 => call("ord", vec![when(lit("ab"), lit("a"))]),
                _ => bin(BinOp::Mul, s.e, when(Expr::float(1.5), Expr::int(2))),
            }
        };
        // A statement, not a `print` (which would cost a line every
        // iteration): an optimizer that drops unused values loses it.
        Stmt::Expr(e)
    }
}
