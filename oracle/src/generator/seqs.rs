//! Tuples and lists (swarm feature `sequences`): module-level list and tuple
//! variables (`ls0`, `tp0`, ...) read and mutated everywhere (a function
//! mutates a global list through its methods without `global`), and the
//! shapes that break a JIT's sequence fast paths: subscripts of lists whose
//! length changes inside a hot loop, a list appended to while a loop
//! iterates over it, tuples of known length unpacked in hot loops, slices
//! with steps and slice assignment, aliasing (`ls1 = ls0`), list elements
//! that change type mid-loop, and variables (`u0`, ...) that hold an int
//! and become a list or tuple at iteration K.
//!
//! Guarantees, by invariant rather than by tracking values:
//! - every list or tuple variable always holds 1..=L elements, L the
//!   program's [`Gen::seq_cap`]: growth is guarded (`if len(xs) < L:`),
//!   shrinking stops at one element (`if len(xs) > 1: xs.pop()`), a value
//!   that may be empty is `e or [0]`; so a loop over one runs at most L
//!   times and `xs[e % len(xs)]` never divides by zero;
//! - every variable has an element class ([`Class`]) that each mutation
//!   keeps: `Int` holds ints of at most [`ELEM_BITS`] bits (readable by the
//!   int machinery), `Num` also non-NaN floats (so `sum`/`min`/`max`/`<`
//!   never raise and no NaN meets a NaN inside a container), `Any` also
//!   `None` and flat lists/tuples of numbers (containers nest at most two
//!   deep, and never contain themselves);
//! - a list variable is only rebound to an alias of a list of its own
//!   class, so a mutation through one name keeps the other's class.
//!
//! The exceptions a sequence program raises are the planned ones
//! (IndexError, TypeError, ValueError at iteration K of a loop), rare.

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Expr, Stmt};

use super::expr::{E, bin, bits_of, cmp};
use super::state::{Gen, Planned};

/// Bit bound of an int inside an `Int` container: straddles 2**64.
pub(super) const ELEM_BITS: u32 = 66;

/// Program-wide length caps L: a quarter of the programs have lists long
/// enough that a loop over one is hot by itself.
const SEQ_CAPS: [u64; 8] = [3, 4, 6, 8, 12, 16, 40, 150];

/// Floats a `Num` container may hold: no NaN, infinities allowed.
const SEQ_FLOATS: [f64; 10] = [
    0.0,
    -0.0,
    0.5,
    -2.5,
    1e16,
    9007199254740993.0,
    4611686018427387904.0,
    1.7976931348623157e308,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// Small ints in containers, and ones around the tagged/word boundaries.
const SEQ_INTS: [i128; 12] = [
    0,
    1,
    2,
    3,
    -1,
    7,
    100,
    (1 << 62) - 1,
    1 << 62,
    -(1 << 63),
    (1 << 64) - 1,
    1 << 65,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SeqKind {
    List,
    Tuple,
}

/// What the elements may be; `Int` ⊂ `Num` ⊂ `Any`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Class {
    Int,
    Num,
    Any,
}

#[derive(Clone, Debug)]
pub(super) struct SeqVar {
    pub name: String,
    pub kind: SeqKind,
    pub class: Class,
    /// Tuples that always have exactly this many elements (unpacked).
    pub fixed: Option<usize>,
    /// Module-level (rebound only at module scope); `false`: a parameter.
    pub global: bool,
}

/// The name of a function's sequence parameter.
pub(super) const SEQ_PARAM: &str = "q";

pub(super) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::call(name, args)
}

pub(super) fn len_of(x: Expr) -> Expr {
    call("len", vec![x])
}

pub(super) fn method(receiver: Expr, m: &str, args: Vec<Expr>) -> Expr {
    Expr::MethodCall {
        receiver: Box::new(receiver),
        method: m.into(),
        args,
    }
}

pub(super) fn sub(value: Expr, index: Expr) -> Expr {
    Expr::Subscript {
        value: Box::new(value),
        index: Box::new(index),
    }
}

pub(super) fn slice(lower: Option<i128>, upper: Option<i128>, step: Option<i128>) -> Expr {
    let part = |p: Option<i128>| p.map(|v| Box::new(Expr::int(v)));
    Expr::Slice {
        lower: part(lower),
        upper: part(upper),
        step: part(step),
    }
}

pub(super) fn if_(test: Expr, body: Vec<Stmt>) -> Stmt {
    Stmt::If {
        test,
        body,
        orelse: vec![],
    }
}

impl Gen<'_, '_> {
    // ---- variables ----

    /// Sequence variables visible here (module ones and a parameter).
    pub fn seq_vars(&self) -> Vec<super::seqs::SeqVar> {
        self.seqs.clone()
    }

    fn seqs_where(&self, f: impl Fn(&SeqVar) -> bool) -> Vec<SeqVar> {
        self.seqs.iter().filter(|s| f(s)).cloned().collect()
    }

    /// Names of the module-level ones (for the final prints).
    pub fn seq_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .seqs
            .iter()
            .filter(|s| s.global)
            .map(|s| s.name.clone())
            .collect();
        out.extend(self.uvars.iter().cloned());
        out
    }

    /// Charges `n` calls (builtins and methods cost fuel like any call).
    pub fn charge_calls(&mut self, n: u64) {
        self.fuel = self.fuel.saturating_sub(n);
    }

    /// Declares the module-level sequences (before the functions, which
    /// may read and mutate them).
    pub fn seq_setup(&mut self) {
        self.seq_cap = self.pick(&SEQ_CAPS);
        for _ in 0..self.between(1, 3) {
            let class = self.pick(&[Class::Int, Class::Int, Class::Num, Class::Any]);
            self.fresh_seq(SeqKind::List, class, None);
        }
        if self.chance(70) {
            let n = self.between(2, 3) as usize;
            self.fresh_seq(SeqKind::Tuple, Class::Int, Some(n));
        }
        if self.chance(50) {
            let class = self.pick(&[Class::Int, Class::Num, Class::Any]);
            self.fresh_seq(SeqKind::Tuple, class, None);
        }
        if self.chance(50) {
            let name = format!("u{}", self.uvars.len());
            let value = Expr::int(self.pick(&SEQ_INTS[..7]));
            self.seq_inits.push(Stmt::Assign {
                target: name.clone(),
                value,
            });
            self.uvars.push(name);
        }
    }

    /// A new module-level sequence variable, bound at the top of the program.
    pub fn fresh_seq(&mut self, kind: SeqKind, class: Class, fixed: Option<usize>) -> String {
        let n = self.seqs.iter().filter(|s| s.kind == kind).count();
        let name = match kind {
            SeqKind::List => format!("ls{n}"),
            SeqKind::Tuple => format!("tp{n}"),
        };
        let len = fixed.unwrap_or_else(|| self.between(1, self.seq_cap.min(6)) as usize);
        let value = if fixed.is_none() && class == Class::Int && self.chance(25) {
            // `list(range(n))`: up to the cap, so some loops over it are hot.
            let n = self.between(1, self.seq_cap) as i128;
            let r = call("range", vec![Expr::int(n)]);
            match kind {
                SeqKind::List => call("list", vec![r]),
                SeqKind::Tuple => call("tuple", vec![r]),
            }
        } else {
            let items = (0..len).map(|_| self.const_elem(class)).collect();
            display(kind, items)
        };
        self.seq_inits.push(Stmt::Assign {
            target: name.clone(),
            value,
        });
        self.seqs.push(SeqVar {
            name: name.clone(),
            kind,
            class,
            fixed,
            global: true,
        });
        name
    }

    // ---- elements ----

    fn seq_float(&mut self) -> Expr {
        let v = self.pick(&SEQ_FLOATS);
        if v < 0.0 || (v == 0.0 && v.is_sign_negative()) {
            Expr::UnaryOp {
                op: jitdiff_vm::lang::ast::UnaryOp::Neg,
                operand: Box::new(Expr::float(-v)),
            }
        } else {
            Expr::float(v)
        }
    }

    /// A constant element of `class` (used in inits: no names).
    fn const_elem(&mut self, class: Class) -> Expr {
        let w = [
            6,
            if class >= Class::Num { 2 } else { 0 },
            if class == Class::Any { 1 } else { 0 },
            if class == Class::Any { 2 } else { 0 },
            1,
        ];
        match self.weighted(&w) {
            Some(1) => self.seq_float(),
            Some(2) => Expr::None,
            Some(3) => {
                let n = self.below(3) as usize;
                let items = (0..n).map(|_| self.const_elem(Class::Num)).collect();
                let kind = self.pick(&[SeqKind::List, SeqKind::Tuple]);
                display(kind, items)
            }
            Some(4) => Expr::Bool(self.chance(50)),
            _ => Expr::int(self.pick(&SEQ_INTS)),
        }
    }

    /// An element of `class`, possibly computed (an int expression fitted
    /// to [`ELEM_BITS`], a read of another container of the class, for
    /// `Any` a flat display, copy or alias of a number container).
    pub fn seq_elem(&mut self, class: Class) -> Expr {
        let reads = self.seqs_where(|s| s.class <= class);
        let nums = self.seqs_where(|s| s.class <= Class::Num);
        let num_lists = self.seqs_where(|s| s.class <= Class::Num && s.kind == SeqKind::List);
        let any = class == Class::Any;
        let w = [
            3,
            4,
            if reads.is_empty() { 0 } else { 3 },
            if any { 2 } else { 0 },
            // Aliases nest a whole list: only while L*L stays printable.
            if any && !num_lists.is_empty() && self.seq_cap <= 16 {
                1
            } else {
                0
            },
            if any && !nums.is_empty() { 1 } else { 0 },
        ];
        match self.weighted(&w) {
            Some(1) => {
                let d = self.depth().min(2);
                let e = self.int_expr(d);
                self.fit(e, ELEM_BITS).e
            }
            Some(2) => {
                let s = self.pick(&reads);
                self.seq_read(&s)
            }
            Some(3) => {
                let n = self.below(4) as usize;
                let items = (0..n).map(|_| self.seq_elem(Class::Num)).collect();
                let kind = self.pick(&[SeqKind::List, SeqKind::Tuple]);
                display(kind, items)
            }
            Some(4) => Expr::name(&self.pick(&num_lists).name),
            Some(5) => {
                let s = self.pick(&nums);
                let k = self.between(1, 4) as i128;
                sub(Expr::name(&s.name), slice(None, Some(k), None))
            }
            _ => self.const_elem(class),
        }
    }

    // ---- reads ----

    /// An index that is always in range for `s` (non-empty by invariant).
    pub fn safe_index(&mut self, s: &SeqVar) -> Expr {
        if let Some(n) = s.fixed {
            let i = self.below(2 * n as u64) as i128 - n as i128;
            return Expr::int(i);
        }
        let x = Expr::name(&s.name);
        if self.no_calls || self.fuel < 2 || self.chance(25) {
            return Expr::int(self.pick(&[0i128, -1]));
        }
        self.charge_calls(1);
        match self.below(5) {
            0 => bin(BinOp::Sub, len_of(x), Expr::int(1)),
            1 => bin(BinOp::FloorDiv, len_of(x), Expr::int(2)),
            2 => Expr::UnaryOp {
                op: jitdiff_vm::lang::ast::UnaryOp::Neg,
                operand: Box::new(len_of(x)),
            },
            3 => {
                // From the end: -1 - e % len(xs).
                let e = self.int_expr(1).e;
                bin(BinOp::Sub, Expr::int(-1), bin(BinOp::Mod, e, len_of(x)))
            }
            _ => {
                let e = self.int_expr(1).e;
                bin(BinOp::Mod, e, len_of(x))
            }
        }
    }

    /// `xs[i]` with a safe index.
    pub fn seq_read(&mut self, s: &SeqVar) -> Expr {
        let i = self.safe_index(s);
        sub(Expr::name(&s.name), i)
    }

    /// A slice of `xs` (steps never zero; bounds may be out of range, which
    /// clamps): `xs[a:b:c]`, `xs[::-1]`, `xs[a:]`, `xs[:b]`.
    fn seq_slice(&mut self, s: &SeqVar) -> Expr {
        let l = self.seq_cap as i128;
        let bound = |g: &mut Self| {
            if g.chance(35) {
                None
            } else {
                Some(g.below(2 * l as u64 + 7) as i128 - l - 3)
            }
        };
        let (a, b) = (bound(self), bound(self));
        let c = if self.chance(40) {
            None
        } else {
            Some(self.pick(&[1i128, 2, 3, -1, -1, -2]))
        };
        let sl = if self.chance(15) {
            slice(None, None, Some(-1))
        } else {
            slice(a, b, c)
        };
        sub(Expr::name(&s.name), sl)
    }

    /// A new container of class `class` (or a narrower one) and kind
    /// `kind`, never empty and never longer than L.
    pub fn seq_value(&mut self, class: Class, kind: SeqKind) -> Expr {
        let srcs = self.seqs_where(|s| s.class <= class);
        let l = self.seq_cap as i128;
        let w = [
            3,
            if srcs.is_empty() { 0 } else { 3 },
            if srcs.is_empty() { 0 } else { 2 },
            if srcs.len() >= 2 { 2 } else { 0 },
            if srcs.is_empty() { 0 } else { 1 },
            if class == Class::Int { 1 } else { 0 },
        ];
        self.charge_calls(1);
        let conv = |kind: SeqKind, e: Expr| match kind {
            SeqKind::List => call("list", vec![e]),
            SeqKind::Tuple => call("tuple", vec![e]),
        };
        match self.weighted(&w) {
            Some(1) => {
                let s = self.pick(&srcs);
                let x = Expr::name(&s.name);
                if s.kind == kind && self.chance(40) {
                    sub(x, slice(None, None, None))
                } else {
                    conv(kind, x)
                }
            }
            Some(2) => {
                // May be empty: `or` a one-element display.
                let s = self.pick(&srcs);
                let sl = self.seq_slice(&s);
                let sl = if s.kind == kind { sl } else { conv(kind, sl) };
                let one = display(kind, vec![self.seq_elem(class)]);
                Expr::BoolOp {
                    op: jitdiff_vm::lang::ast::BoolOp::Or,
                    values: vec![sl, one],
                }
            }
            Some(3) => {
                // Concatenation cut back to L.
                let a = self.pick(&srcs);
                let b = self.pick(&srcs);
                let part = |s: &SeqVar| {
                    if s.kind == kind {
                        Expr::name(&s.name)
                    } else {
                        conv(kind, Expr::name(&s.name))
                    }
                };
                let cat = bin(BinOp::Add, part(&a), part(&b));
                sub(cat, slice(None, Some(l), None))
            }
            Some(4) => {
                let s = self.pick(&srcs);
                let k = self.pick(&[1i128, 2, 3]);
                let x = if s.kind == kind {
                    Expr::name(&s.name)
                } else {
                    conv(kind, Expr::name(&s.name))
                };
                let rep = if self.chance(50) {
                    bin(BinOp::Mul, x, Expr::int(k))
                } else {
                    bin(BinOp::Mul, Expr::int(k), x)
                };
                sub(rep, slice(None, Some(l), None))
            }
            Some(5) => {
                let n = self.between(1, l as u64) as i128;
                conv(kind, call("range", vec![Expr::int(n)]))
            }
            _ => {
                let n = self.between(1, (l as u64).min(4)) as usize;
                let items = (0..n).map(|_| self.seq_elem(class)).collect();
                display(kind, items)
            }
        }
    }

    /// Whether the function being defined takes a sequence (its last
    /// parameter, [`SEQ_PARAM`]): a local sequence variable of a kind and
    /// class some module-level one has, so call sites can pass that one
    /// (the caller sees the callee's mutations) or a copy.
    pub fn seq_param(&mut self) -> Option<(SeqKind, Class)> {
        if !self.cfg.sequences || self.seqs.is_empty() || !self.chance(35) {
            return None;
        }
        let s = self.pick(&self.seqs.clone());
        self.seqs.push(SeqVar {
            name: SEQ_PARAM.into(),
            kind: s.kind,
            class: s.class,
            fixed: None,
            global: false,
        });
        Some((s.kind, s.class))
    }

    /// An argument for a sequence parameter: a module-level variable (a
    /// list of the same class, as the callee may mutate it; a tuple of the
    /// same or a narrower one) or a new container.
    pub fn seq_arg(&mut self, kind: SeqKind, class: Class) -> Expr {
        let fits = self.seqs_where(|s| {
            s.kind == kind && (s.class == class || (kind == SeqKind::Tuple && s.class <= class))
        });
        if fits.is_empty() || self.chance(25) {
            self.seq_value(class, kind)
        } else {
            Expr::name(&self.pick(&fits).name)
        }
    }

    /// An int-valued expression over sequences (for `int_expr`).
    pub fn seq_int(&mut self) -> E {
        let all = self.seq_vars();
        let ints = self.seqs_where(|s| s.class == Class::Int);
        let int_lists = self.seqs_where(|s| s.class == Class::Int && s.kind == SeqKind::List);
        let calls = !self.no_calls && self.fuel >= 3;
        let lbits = bits_of(self.seq_cap as i128) + 1;
        let w = [
            if ints.is_empty() { 0 } else { 5 },
            if calls { 3 } else { 0 },
            if calls && !ints.is_empty() { 2 } else { 0 },
            3,
            if calls { 2 } else { 0 },
            if all.len() >= 2 { 2 } else { 0 },
            if self.uvars.is_empty() { 0 } else { 2 },
            if calls && !int_lists.is_empty() { 1 } else { 0 },
        ];
        let s = self.pick(&all);
        let x = Expr::name(&s.name);
        match self.weighted(&w) {
            Some(1) => {
                self.charge_calls(1);
                let e = if self.chance(30) {
                    len_of(self.seq_slice(&s))
                } else {
                    len_of(x)
                };
                E { e, bits: lbits }
            }
            Some(2) => {
                let s = self.pick(&ints);
                self.charge_calls(1);
                let f = self.pick(&["sum", "min", "max"]);
                E {
                    e: call(f, vec![Expr::name(&s.name)]),
                    bits: ELEM_BITS + lbits,
                }
            }
            Some(3) => {
                let v = self.seq_elem(s.class.max(Class::Num));
                let op = self.pick(&[CmpOp::In, CmpOp::NotIn]);
                E {
                    e: cmp(v, op, x),
                    bits: 1,
                }
            }
            Some(4) => {
                // `count` of anything; `index` of a present element.
                self.charge_calls(1);
                let e = if self.chance(50) {
                    let v = self.seq_elem(s.class);
                    method(x, "count", vec![v])
                } else {
                    let v = self.seq_read(&s);
                    method(x, "index", vec![v])
                };
                E { e, bits: lbits }
            }
            Some(5) => {
                let t = self.pick(&all);
                let comparable = t.kind == s.kind && t.class <= Class::Num && s.class <= Class::Num;
                let op = if comparable {
                    self.pick(&CmpOp::ALL)
                } else {
                    self.pick(&[CmpOp::Eq, CmpOp::NotEq])
                };
                E {
                    e: cmp(x, op, Expr::name(&t.name)),
                    bits: 1,
                }
            }
            Some(6) => {
                // A type-unstable variable: `==` and `in` are fine for ints,
                // lists and tuples alike.
                let u = self.pick(&self.uvars.clone());
                let e = if self.chance(50) {
                    cmp(
                        Expr::name(&u),
                        CmpOp::Eq,
                        Expr::int(self.pick(&SEQ_INTS[..7])),
                    )
                } else {
                    cmp(Expr::name(&u), CmpOp::In, x)
                };
                E { e, bits: 1 }
            }
            Some(7) => {
                // Pops inside an expression, never below one element.
                let s = self.pick(&int_lists);
                let x = Expr::name(&s.name);
                self.charge_calls(2);
                let e = Expr::IfExp {
                    test: Box::new(cmp(len_of(x.clone()), CmpOp::Gt, Expr::int(1))),
                    body: Box::new(method(x, "pop", vec![])),
                    orelse: Box::new(Expr::int(0)),
                };
                E { e, bits: ELEM_BITS }
            }
            _ => {
                let s = self.pick(&ints);
                E {
                    e: self.seq_read(&s),
                    bits: ELEM_BITS,
                }
            }
        }
    }

    /// A `print` argument: a container, a slice, an element, an aggregate.
    pub fn seq_print_arg(&mut self) -> Expr {
        let all = self.seq_vars();
        let s = self.pick(&all);
        let x = Expr::name(&s.name);
        match self.below(6) {
            0 => self.seq_slice(&s),
            1 => self.seq_read(&s),
            2 if s.class <= Class::Num => {
                self.charge_calls(1);
                let f = self.pick(&["sum", "min", "max"]);
                call(f, vec![x])
            }
            3 if !self.uvars.is_empty() => Expr::name(&self.pick(&self.uvars.clone())),
            _ => x,
        }
    }
}

pub(super) fn display(kind: SeqKind, items: Vec<Expr>) -> Expr {
    match kind {
        SeqKind::List => Expr::List(items),
        SeqKind::Tuple => Expr::Tuple(items),
    }
}

/// Loops over sequences, and the statements.
impl Gen<'_, '_> {
    /// One sequence statement (or a loop over a sequence).
    pub fn seq_stmt(&mut self) -> Option<Vec<Stmt>> {
        let all = self.seq_vars();
        if all.is_empty() {
            return None;
        }
        let module = self.fscope.is_none();
        let in_loop = !self.loops.is_empty();
        let lists = self.seqs_where(|s| s.kind == SeqKind::List);
        let w = [
            4,
            if lists.is_empty() { 0 } else { 5 },
            if self.can_loop() { 4 } else { 0 },
            if in_loop { 5 } else { 2 },
            if module { 3 } else { 0 },
            if module && in_loop && !self.uvars.is_empty() {
                3
            } else {
                0
            },
            if module && in_loop && self.seqs.iter().any(|s| s.class >= Class::Num) {
                1
            } else {
                0
            },
            if self.lines >= 1.0 && self.fuel >= 2 {
                2
            } else {
                0
            },
        ];
        match self.weighted(&w) {
            Some(1) => Some(vec![self.seq_mutate()]),
            Some(2) => self.seq_for_loop(),
            Some(3) => self.unpack_stmt().map(|s| vec![s]),
            Some(4) => Some(self.seq_rebind()),
            Some(5) => Some(vec![self.unstable_rebind()]),
            Some(6) => self.elem_type_flip().map(|s| vec![s]),
            Some(7) => {
                self.charge_calls(1);
                self.lines -= 1.0;
                let n = self.between(1, 3);
                let args = (0..n).map(|_| self.seq_print_arg()).collect();
                Some(vec![Stmt::Expr(call("print", args))])
            }
            _ => {
                // An int variable takes a value from a sequence.
                let targets = self.writable();
                if targets.is_empty() {
                    return None;
                }
                let (target, cap) = self.pick(&targets);
                let v = self.seq_int();
                let v = self.fit(v, cap);
                Some(vec![Stmt::Assign { target, value: v.e }])
            }
        }
    }
}

/// `if len(xs) < L: xs.append(v)`.
pub(super) fn guarded_append(xs: &str, l: u64, v: Expr) -> Stmt {
    if_(
        cmp(len_of(Expr::name(xs)), CmpOp::Lt, Expr::int(l as i128)),
        vec![Stmt::Expr(method(Expr::name(xs), "append", vec![v]))],
    )
}

/// The planned sequence exceptions.
impl Gen<'_, '_> {
    pub fn seq_planned(&mut self) -> Option<Planned> {
        // About 3% of sequence programs plan a sequence exception.
        if !self.cfg.sequences || self.planned.is_some() || !self.chance(3) {
            return None;
        }
        Some(self.pick(&[Planned::SeqIndex, Planned::SeqType, Planned::SeqValue]))
    }
}
