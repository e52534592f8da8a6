//! Sequence loops and statements (feature `sequences`, see `seqs.rs` for
//! the invariants they keep): `for x in xs` loops, mutations through
//! methods, subscripts and slices, rebinding and aliasing, unpacking of
//! known-length tuples, type changes at iteration K, and the planned
//! IndexError/TypeError/ValueError.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt, Target};

use super::expr::{E, bin, bits_of, cmp};
use super::seqs::{
    Class, ELEM_BITS, SeqKind, SeqVar, call, display, guarded_append, if_, len_of, method, slice,
    sub,
};
use super::state::{Gen, LoopCtx, Planned};

impl Gen<'_, '_> {
    /// `c = 0; for x in xs: c += 1; ...`: iterates a list or tuple (or a
    /// slice of one) at most L times; `c` is the loop's exact counter for
    /// the body's iteration-K shapes.
    pub fn seq_for_loop(&mut self) -> Option<Vec<Stmt>> {
        let all = self.seq_vars();
        if all.is_empty() || !self.can_loop() {
            return None;
        }
        let s = self.pick(&all);
        let l = self.seq_cap;
        let (iter, trip) = if self.fuel >= 3 * l + 4 && self.chance(75) {
            let it = if self.chance(80) {
                Expr::name(&s.name)
            } else {
                sub(Expr::name(&s.name), slice(None, None, Some(-1)))
            };
            (it, l)
        } else {
            let k = (self.fuel.saturating_sub(4) / 3).min(l).min(8);
            if k == 0 {
                return None;
            }
            (
                sub(Expr::name(&s.name), slice(None, Some(k as i128), None)),
                k,
            )
        };
        let c = self.fresh_var("c", bits_of(trip as i128) + 1, false, Expr::int(0));
        let elem = if s.class == Class::Int {
            self.fresh_var("e", ELEM_BITS, false, Expr::int(0))
        } else {
            self.fresh_name("y")
        };
        let ctx = LoopCtx {
            var: c.clone(),
            first: 1,
            step: 1,
            trip,
        };
        let is_list = s.kind == SeqKind::List;
        let body = self.loop_body(ctx, 2, |g| {
            let mut b = vec![Stmt::AugAssign {
                target: c.clone(),
                op: BinOp::Add,
                value: Expr::int(1),
            }];
            // Appending to the list being iterated: the loop sees it, and
            // ends because the append stops at L.
            if is_list && g.chance(35) {
                g.charge_calls(2);
                let v = if s.class >= Class::Num || g.chance(50) {
                    Expr::name(&elem)
                } else {
                    g.seq_elem(s.class)
                };
                b.push(guarded_append(&s.name, l, v));
            }
            // Moves the element into another container of a wider class.
            let sinks: Vec<SeqVar> = g
                .seqs
                .iter()
                .filter(|t| t.kind == SeqKind::List && t.class >= s.class && t.name != s.name)
                .cloned()
                .collect();
            if !sinks.is_empty() && g.chance(40) {
                let t = g.pick(&sinks);
                g.charge_calls(2);
                b.push(guarded_append(&t.name, l, Expr::name(&elem)));
            }
            if s.class != Class::Int && g.lines >= 1.0 && g.chance(20) {
                g.lines -= 1.0;
                g.charge_calls(1);
                b.push(Stmt::Expr(call("print", vec![Expr::name(&elem)])));
            }
            b.extend(g.block());
            b
        });
        Some(vec![
            Stmt::Assign {
                target: c.clone(),
                value: Expr::int(0),
            },
            Stmt::For {
                target: elem,
                iter,
                body,
                orelse: vec![],
            },
        ])
    }

    /// A module-level sequence can be rebound only at module scope (a
    /// function would need `global`); a parameter only in its function.
    fn rebindable(&self, s: &SeqVar) -> bool {
        s.global == self.fscope.is_none()
    }

    /// `len(xs) <op> k` guards.
    fn len_guard(&self, xs: &str, op: CmpOp, k: i128) -> Expr {
        cmp(len_of(Expr::name(xs)), op, Expr::int(k))
    }

    /// A mutation of a list in place (any scope: methods and subscripts
    /// need no `global`), keeping 1..=L elements and the list's class.
    pub fn seq_mutate(&mut self) -> Stmt {
        let lists: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| s.kind == SeqKind::List)
            .cloned()
            .collect();
        let s = self.pick(&lists);
        self.mutate_list(&s)
    }

    /// [`Self::seq_mutate`] of the list variable `s`.
    fn mutate_list(&mut self, s: &SeqVar) -> Stmt {
        let s = s.clone();
        let l = self.seq_cap as i128;
        let x = || Expr::name(&s.name);
        let srcs: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|t| t.class <= s.class)
            .cloned()
            .collect();
        self.charge_calls(2);
        match self.below(10) {
            0 | 1 => {
                let index = self.safe_index(&s);
                let value = self.seq_elem(s.class);
                Stmt::AssignSubscript {
                    container: x(),
                    index,
                    value,
                }
            }
            2 => {
                let v = self.seq_elem(s.class);
                guarded_append(&s.name, l as u64, v)
            }
            3 => {
                // Out-of-range insert positions clamp.
                let at = self.below(2 * l as u64 + 5) as i128 - l - 2;
                let v = self.seq_elem(s.class);
                if_(
                    self.len_guard(&s.name, CmpOp::Lt, l),
                    vec![Stmt::Expr(method(x(), "insert", vec![Expr::int(at), v]))],
                )
            }
            4 => {
                let args = match self.below(3) {
                    0 => vec![],
                    1 => vec![Expr::int(0)],
                    _ => vec![self.safe_index(&s)],
                };
                if_(
                    self.len_guard(&s.name, CmpOp::Gt, 1),
                    vec![Stmt::Expr(method(x(), "pop", args))],
                )
            }
            5 => {
                let t = self.pick(&srcs);
                let room = cmp(
                    bin(BinOp::Add, len_of(x()), len_of(Expr::name(&t.name))),
                    CmpOp::LtE,
                    Expr::int(l),
                );
                // `+=` rebinds the name: only where the name is ours.
                let grow = if self.rebindable(&s) && self.chance(50) {
                    Stmt::AugAssign {
                        target: s.name.clone(),
                        op: BinOp::Add,
                        value: Expr::name(&t.name),
                    }
                } else {
                    Stmt::Expr(method(x(), "extend", vec![Expr::name(&t.name)]))
                };
                if_(room, vec![grow])
            }
            6 => Stmt::Expr(method(x(), "reverse", vec![])),
            7 => self.slice_assign(&s, &srcs),
            8 => {
                // Doubling: `xs *= 2` or `xs.extend(xs)` (extends by a copy).
                let grow = if self.rebindable(&s) && self.chance(50) {
                    Stmt::AugAssign {
                        target: s.name.clone(),
                        op: BinOp::Mul,
                        value: Expr::int(2),
                    }
                } else {
                    Stmt::Expr(method(x(), "extend", vec![x()]))
                };
                if_(self.len_guard(&s.name, CmpOp::LtE, l / 2), vec![grow])
            }
            _ => self.extended_slice_assign(&s),
        }
    }

    /// `xs[a:b] = v` with `v` non-empty (so `xs` stays non-empty) and
    /// short, or `xs[a:] = xs` (the source is copied first).
    fn slice_assign(&mut self, s: &SeqVar, srcs: &[SeqVar]) -> Stmt {
        let l = self.seq_cap as i128;
        let a = self.below(l as u64 + 2) as i128 - 1;
        let b = a + self.below(4) as i128;
        let index = if self.chance(25) {
            slice(Some(a), None, None)
        } else {
            slice(Some(a), Some(b), None)
        };
        if self.chance(20) {
            return if_(
                self.len_guard(&s.name, CmpOp::LtE, l / 2),
                vec![Stmt::AssignSubscript {
                    container: Expr::name(&s.name),
                    index,
                    value: Expr::name(&s.name),
                }],
            );
        }
        let value = if self.chance(50) {
            let t = self.pick(srcs);
            let k = self.between(1, 4) as i128;
            sub(Expr::name(&t.name), slice(None, Some(k), None))
        } else {
            let n = self.between(1, 4) as usize;
            let items = (0..n).map(|_| self.seq_elem(s.class)).collect();
            let kind = self.pick(&[SeqKind::List, SeqKind::Tuple]);
            display(kind, items)
        };
        if_(
            self.len_guard(&s.name, CmpOp::LtE, l - 4),
            vec![Stmt::AssignSubscript {
                container: Expr::name(&s.name),
                index,
                value,
            }],
        )
    }

    /// An extended slice assigned a sequence of its own length.
    fn extended_slice_assign(&mut self, s: &SeqVar) -> Stmt {
        let x = || Expr::name(&s.name);
        let step = self.pick(&[2i128, 3, -1, -2]);
        let start = if self.chance(50) {
            None
        } else {
            Some(self.below(3) as i128)
        };
        let sl = slice(start, None, Some(step));
        let value = match self.below(3) {
            0 => sub(sub(x(), sl.clone()), slice(None, None, Some(-1))),
            1 if step == -1 && start.is_none() => x(),
            _ => {
                let v = self.seq_elem(s.class);
                bin(
                    BinOp::Mul,
                    Expr::List(vec![v]),
                    len_of(sub(x(), sl.clone())),
                )
            }
        };
        Stmt::AssignSubscript {
            container: x(),
            index: sl,
            value,
        }
    }

    /// Unpacking: swaps and rotations of int variables (`a, b = b, a`),
    /// a known-length tuple into int variables, or the first two elements
    /// of an int list (`a, b = (xs * 2)[:2]`, two elements whatever its
    /// length).
    pub fn unpack_stmt(&mut self) -> Option<Stmt> {
        let fixed: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| s.fixed.is_some())
            .cloned()
            .collect();
        let int_lists: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| s.class == Class::Int && s.kind == SeqKind::List)
            .cloned()
            .collect();
        let w = [
            4,
            if fixed.is_empty() { 0 } else { 4 },
            if int_lists.is_empty() { 0 } else { 1 },
            if fixed.is_empty() || self.fscope.is_some() {
                0
            } else {
                3
            },
        ];
        match self.weighted(&w) {
            Some(1) => {
                let t = self.pick(&fixed);
                let n = t.fixed.unwrap_or(2);
                let targets = self.wide_targets(n);
                Some(Stmt::Unpack {
                    targets: Target::names(targets),
                    value: Expr::name(&t.name),
                })
            }
            Some(2) => {
                let t = self.pick(&int_lists);
                let targets = self.wide_targets(2);
                let two = sub(
                    bin(BinOp::Mul, Expr::name(&t.name), Expr::int(2)),
                    slice(None, Some(2), None),
                );
                Some(Stmt::Unpack {
                    targets: Target::names(targets),
                    value: two,
                })
            }
            Some(3) => {
                // A known-length tuple rebuilt: rotated, one element new.
                let t = self.pick(&fixed);
                let n = t.fixed.unwrap_or(2) as i128;
                let mut items: Vec<Expr> = (1..n)
                    .map(|i| sub(Expr::name(&t.name), Expr::int(i)))
                    .collect();
                let d = self.depth().min(2);
                let e = self.int_expr(d);
                let sum = E {
                    bits: ELEM_BITS.max(e.bits) + 1,
                    e: bin(BinOp::Add, sub(Expr::name(&t.name), Expr::int(0)), e.e),
                };
                items.push(self.fit(sum, ELEM_BITS).e);
                Some(Stmt::Assign {
                    target: t.name.clone(),
                    value: Expr::Tuple(items),
                })
            }
            _ => {
                // Same-cap int variables: a swap, a rotation, or a
                // Fibonacci step (fitted).
                let n = if self.chance(25) { 3 } else { 2 };
                let cap = self.pick(&super::state::VAR_CAPS);
                let mut names: Vec<String> = self
                    .writable()
                    .into_iter()
                    .filter(|(_, c)| *c == cap)
                    .map(|(n, _)| n)
                    .collect();
                while names.len() < n {
                    let init = self.constant_within(cap).e;
                    names.push(self.fresh_var("x", cap, true, init));
                }
                let start = self.below((names.len() - n + 1) as u64) as usize;
                let targets: Vec<String> = names[start..start + n].to_vec();
                let mut values: Vec<Expr> = targets[1..].iter().map(|t| Expr::name(t)).collect();
                let last = if n == 2 && self.chance(40) {
                    let sum = E {
                        bits: cap + 1,
                        e: bin(BinOp::Add, Expr::name(&targets[0]), Expr::name(&targets[1])),
                    };
                    self.fit(sum, cap).e
                } else {
                    Expr::name(&targets[0])
                };
                values.push(last);
                Some(Stmt::Unpack {
                    targets: Target::names(targets),
                    value: Expr::Tuple(values),
                })
            }
        }
    }

    /// `n` distinct writable int variables wide enough for a container int.
    fn wide_targets(&mut self, n: usize) -> Vec<String> {
        let mut names: Vec<String> = self
            .writable()
            .into_iter()
            .filter(|(_, c)| *c >= ELEM_BITS)
            .map(|(n, _)| n)
            .collect();
        let mut out = vec![];
        while out.len() < n {
            if names.is_empty() || self.chance(20) {
                out.push(self.fresh_var("x", 70, true, Expr::int(0)));
            } else {
                let i = self.below(names.len() as u64) as usize;
                out.push(names.remove(i));
            }
        }
        out
    }

    /// Rebinding (and aliasing) a sequence variable; a rare
    /// self-containing list (printed, never compared).
    pub fn seq_rebind(&mut self) -> Vec<Stmt> {
        let mine: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| self.rebindable(s) && s.fixed.is_none())
            .cloned()
            .collect();
        if mine.is_empty() {
            return vec![self.seq_mutate_or_print()];
        }
        let module = self.fscope.is_none();
        if module && self.chance(2) && self.lines >= 1.0 {
            return vec![self.self_containing()];
        }
        if module
            && self.chance(20)
            && let Some(out) = self.alias_shape()
        {
            return out;
        }
        vec![self.rebind_one(&mine)]
    }

    /// `ys = xs`, a mutation through one of the names, `print(xs, ys)`:
    /// `ys` is a new list variable of `xs`'s class, so both stay within it.
    fn alias_shape(&mut self) -> Option<Vec<Stmt>> {
        let lists: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| s.global && s.kind == SeqKind::List)
            .cloned()
            .collect();
        if lists.is_empty() {
            return None;
        }
        let s = self.pick(&lists);
        self.fresh_seq(SeqKind::List, s.class, None);
        let t = self.seqs.last().cloned().expect("just pushed");
        let mut out = vec![Stmt::Assign {
            target: t.name.clone(),
            value: Expr::name(&s.name),
        }];
        let through = if self.chance(50) { &s } else { &t };
        out.push(self.mutate_list(through));
        if self.lines >= 1.0 && self.fuel >= 1 {
            self.lines -= 1.0;
            self.charge_calls(1);
            out.push(Stmt::Expr(Expr::call(
                "print",
                vec![Expr::name(&s.name), Expr::name(&t.name)],
            )));
        }
        Some(out)
    }

    /// `xs = ys` (an alias), `xs += ys`, or `xs = <new container>`.
    fn rebind_one(&mut self, mine: &[SeqVar]) -> Stmt {
        let s = if self.fscope.is_none() && self.chance(10) {
            let kind = self.pick(&[SeqKind::List, SeqKind::Tuple]);
            let class = self.pick(&[Class::Int, Class::Num, Class::Any]);
            self.fresh_seq(kind, class, None);
            self.seqs.last().cloned().expect("just pushed")
        } else {
            self.pick(mine)
        };
        // Aliases: lists of the same class (a mutation through either name
        // keeps both classes), tuples of a narrower one.
        let aliases: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|t| {
                t.name != s.name
                    && t.kind == s.kind
                    && t.fixed.is_none()
                    && (t.class == s.class || (s.kind == SeqKind::Tuple && t.class <= s.class))
            })
            .cloned()
            .collect();
        let l = self.seq_cap as i128;
        match self.below(5) {
            0 if !aliases.is_empty() => {
                let t = self.pick(&aliases);
                Stmt::Assign {
                    target: s.name.clone(),
                    value: Expr::name(&t.name),
                }
            }
            1 => {
                // `xs += ys` / `tp += ys` within the cap.
                let srcs: Vec<SeqVar> = self
                    .seqs
                    .iter()
                    .filter(|t| t.class <= s.class && (s.kind == SeqKind::List || t.kind == s.kind))
                    .cloned()
                    .collect();
                let t = self.pick(&srcs);
                let room = cmp(
                    bin(
                        BinOp::Add,
                        len_of(Expr::name(&s.name)),
                        len_of(Expr::name(&t.name)),
                    ),
                    CmpOp::LtE,
                    Expr::int(l),
                );
                self.charge_calls(2);
                if_(
                    room,
                    vec![Stmt::AugAssign {
                        target: s.name.clone(),
                        op: BinOp::Add,
                        value: Expr::name(&t.name),
                    }],
                )
            }
            _ => Stmt::Assign {
                target: s.name.clone(),
                value: self.seq_value(s.class, s.kind),
            },
        }
    }

    fn seq_mutate_or_print(&mut self) -> Stmt {
        if self.seqs.iter().any(|s| s.kind == SeqKind::List) {
            self.seq_mutate()
        } else {
            let a = self.seq_print_arg();
            self.lines -= 1.0;
            Stmt::Expr(Expr::call("print", vec![a]))
        }
    }

    /// `a = [1]; a.append(a); print(a)` (or through a tuple): the `[...]`
    /// repr. Its names are not tracked, so nothing else touches it.
    fn self_containing(&mut self) -> Stmt {
        self.lines -= 1.0;
        let a = self.fresh_name("cyc");
        let mut body = vec![Stmt::Assign {
            target: a.clone(),
            value: Expr::List(vec![Expr::int(self.below(5) as i128)]),
        }];
        let mut printed = vec![Expr::name(&a)];
        if self.chance(50) {
            let t = self.fresh_name("cyt");
            body.push(Stmt::Assign {
                target: t.clone(),
                value: Expr::Tuple(vec![Expr::name(&a)]),
            });
            body.push(Stmt::Expr(method(
                Expr::name(&a),
                "append",
                vec![Expr::name(&t)],
            )));
            printed.push(Expr::name(&t));
        } else {
            body.push(Stmt::Expr(method(
                Expr::name(&a),
                "append",
                vec![Expr::name(&a)],
            )));
        }
        body.push(Stmt::Expr(Expr::call("print", printed)));
        if_(Expr::Bool(true), body)
    }

    /// `if i == K: u = <list, tuple or int>`: a variable that changes type
    /// at iteration K of a hot loop (and maybe back at another K).
    pub fn unstable_rebind(&mut self) -> Stmt {
        let u = self.pick(&self.uvars.clone());
        let l = self.loops.last().cloned().expect("in a loop");
        let k = l.value(self.below(l.trip.max(1)));
        let value = match self.below(10) {
            0..=3 => {
                let n = self.between(1, 3) as usize;
                Expr::List((0..n).map(|_| self.seq_elem(Class::Num)).collect())
            }
            4..=6 => {
                let n = self.between(0, 3) as usize;
                Expr::Tuple((0..n).map(|_| self.seq_elem(Class::Num)).collect())
            }
            _ => Expr::int(self.between(0, 9) as i128),
        };
        if_(
            cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k)),
            vec![Stmt::Assign { target: u, value }],
        )
    }

    /// `if i == K: xs[j] = 2.5`: an int list element becomes a float (or
    /// `None`, a tuple) mid-loop.
    pub fn elem_type_flip(&mut self) -> Option<Stmt> {
        let cands: Vec<SeqVar> = self
            .seqs
            .iter()
            .filter(|s| s.kind == SeqKind::List && s.class >= Class::Num)
            .cloned()
            .collect();
        if cands.is_empty() {
            return None;
        }
        let s = self.pick(&cands);
        let l = self.loops.last().cloned().expect("in a loop");
        let k = l.value(self.below(l.trip.max(1)));
        let index = self.safe_index(&s);
        let value = if s.class == Class::Any && self.chance(50) {
            self.pick(&[Expr::None, Expr::Tuple(vec![Expr::int(1), Expr::int(2)])])
        } else {
            Expr::float(self.pick(&[2.5f64, 0.0, 1e16, 4611686018427387904.0]))
        };
        Some(if_(
            cmp(Expr::name(&l.var), CmpOp::Eq, Expr::int(k)),
            vec![Stmt::AssignSubscript {
                container: Expr::name(&s.name),
                index,
                value,
            }],
        ))
    }

    /// `e` as a statement: half the time (when it is an int of known
    /// width) assigned, fitted, to an int variable; otherwise discarded,
    /// so an optimizer that drops unused values loses the exception.
    fn use_or_discard(&mut self, e: Expr, bits: Option<u32>) -> Stmt {
        match bits {
            Some(bits) if self.chance(50) => {
                let (target, cap) = self.fresh_int_var();
                let value = self.fit(E { e, bits }, cap).e;
                Stmt::Assign { target, value }
            }
            _ => Stmt::Expr(e),
        }
    }

    /// The planned sequence exception, raised when `trigger` holds (at
    /// iteration K of a loop, or `True` at the end).
    pub fn seq_error(&mut self, trigger: Expr) -> Stmt {
        self.placed_error = true;
        let all = self.seq_vars();
        let s = self.pick(&all);
        let x = || Expr::name(&s.name);
        let list = s.kind == SeqKind::List;
        let when = |a: Expr, b: Expr| Expr::IfExp {
            test: Box::new(trigger.clone()),
            body: Box::new(a),
            orelse: Box::new(b),
        };
        let leaf = self.leaf();
        let lbits = super::expr::bits_of(self.seq_cap as i128) + 1;
        let elem_bits = (s.class == Class::Int).then_some(ELEM_BITS);
        match (self.planned, self.below(3)) {
            (Some(Planned::SeqIndex), 0) if list => if_(
                trigger.clone(),
                vec![Stmt::Expr(method(x(), "pop", vec![len_of(x())]))],
            ),
            (Some(Planned::SeqIndex), 1) if list => if_(
                trigger.clone(),
                vec![Stmt::AssignSubscript {
                    container: x(),
                    index: len_of(x()),
                    value: Expr::int(0),
                }],
            ),
            (Some(Planned::SeqIndex), _) => {
                // `xs[len(xs) * (i == K)]`: index 0, then one past the end.
                let e = sub(x(), bin(BinOp::Mul, len_of(x()), trigger.clone()));
                self.use_or_discard(e, elem_bits)
            }
            (Some(Planned::SeqType), 0) => {
                let e = sub(x(), when(Expr::float(0.5), Expr::int(0)));
                self.use_or_discard(e, elem_bits)
            }
            (Some(Planned::SeqType), 1) => {
                self.use_or_discard(len_of(when(leaf.e, x())), Some(lbits))
            }
            (Some(Planned::SeqType), _) => {
                let e = bin(BinOp::Add, leaf.e, when(x(), Expr::int(0)));
                self.use_or_discard(e, Some(leaf.bits + 1))
            }
            (_, 0) if s.class <= Class::Num => {
                let present = sub(x(), Expr::int(0));
                let e = method(x(), "index", vec![when(Expr::None, present)]);
                self.use_or_discard(e, Some(lbits))
            }
            (_, 1) if list => Stmt::AssignSubscript {
                container: x(),
                index: slice(None, None, Some(2)),
                value: bin(
                    BinOp::Mul,
                    Expr::List(vec![Expr::int(0)]),
                    bin(
                        BinOp::Add,
                        len_of(sub(x(), slice(None, None, Some(2)))),
                        trigger.clone(),
                    ),
                ),
            },
            _ => {
                // Two elements, then three: too many values to unpack.
                let n = bin(BinOp::Add, Expr::int(2), trigger.clone());
                let value = sub(
                    bin(BinOp::Mul, x(), Expr::int(3)),
                    Expr::Slice {
                        lower: None,
                        upper: Some(Box::new(n)),
                        step: None,
                    },
                );
                Stmt::Unpack {
                    targets: Target::names(vec![self.fresh_name("z"), self.fresh_name("z")]),
                    value,
                }
            }
        }
    }
}
