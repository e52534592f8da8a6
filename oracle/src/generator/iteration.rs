//! The `iteration` swarm feature: after a program is generated (and after
//! `syntax`), rewrite some of its iterations and sequence displays into list
//! comprehensions, so hot loops run `LIST_APPEND`, the comprehension's
//! nested `FOR_ITER` loops and their hidden locals:
//!
//! - a list display `[a, b]` becomes `[t for t in [a, b]]`, sometimes with
//!   a filter (`if t == t`, which drops NaNs, or `if t`, which drops falsy
//!   items: a data-dependent branch), a second clause, or a nested
//!   comprehension;
//! - `for x in e:` sometimes iterates a copy, `[t for t in e]` (the loop
//!   then no longer sees its body's mutations of `e`), or becomes
//!   `for enN, x in enumerate(e):`, `for x, zpN in zip(e, range(1 << 30)):`
//!   or, rarely, `for x in sorted(e):` (another order; mixed types raise);
//! - `len(e)`, `sum(e)`, `min(e)` and `max(e)` sometimes take
//!   `[t for t in e]` instead of `e`, and `len(v)` of a variable sometimes
//!   becomes `len(v) if isinstance(v, list) else len(v)` (CALL_ISINSTANCE
//!   on a value whose type may change mid-loop);
//! - a float literal equal to pi becomes `math.pi`, `int(e)` of a number sometimes
//!   `math.trunc(e)` (the same for numbers: both truncate, with the same
//!   errors for infinities and NaN), `abs(e)` sometimes `math.fabs(e)` (a
//!   float, even of an int) and `round(e)` sometimes `math.floor(e)`, all
//!   under an `import math` at the top: math calls in hot loops.
//!
//! Choices come from the bytes left after the program, so programs without
//! the feature are unchanged. Every form is Python; the program prints what
//! it printed before except where a filter drops items or a copied loop
//! misses a mutation.

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Comprehension, Expr, Module, Stmt, Target};

/// Builtins whose single argument may be any iterable.
const ITERABLE_TAKERS: [&str; 4] = ["len", "sum", "min", "max"];

struct Rewriter<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// Fresh names made so far (`enumerate` and `zip` targets).
    fresh: usize,
    /// Whether some `math.pi` needs the `import math`.
    uses_math: bool,
}

/// Rewrites `m` in place (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let mut r = Rewriter {
        u,
        fresh: 0,
        uses_math: false,
    };
    r.loops(&mut m.body);
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| r.expr(e));
    }
    if r.uses_math {
        let doc = matches!(m.body.first(), Some(Stmt::Expr(Expr::Str(_))));
        m.body.insert(
            usize::from(doc),
            Stmt::Import {
                module: "math".into(),
                name: "math".into(),
            },
        );
    }
}

/// `[t for t in e]`, or with `ifs`.
fn copy_of(e: Expr, ifs: Vec<Expr>) -> Expr {
    Expr::ListComp {
        elt: Box::new(Expr::name("t")),
        generators: vec![Comprehension {
            target: Target::Name("t".into()),
            iter: e,
            ifs,
        }],
    }
}

/// Whether a loop may iterate a copy of `iter`: anything but a long range
/// (the generator keeps its lists short; a range's copy is a list).
fn copyable(iter: &Expr) -> bool {
    let Expr::Call { func, args, .. } = iter else {
        return true;
    };
    if !matches!(&**func, Expr::Name(n) if n == "range") {
        return true;
    }
    let literal = |e: &Expr| match e {
        Expr::Int(d) => d.parse::<i64>().ok(),
        Expr::UnaryOp {
            op: jitdiff_vm::lang::ast::UnaryOp::Neg,
            operand,
        } => match &**operand {
            Expr::Int(d) => d.parse::<i64>().ok().map(|v| -v),
            _ => None,
        },
        _ => None,
    };
    let bounds: Option<Vec<i64>> = args.iter().map(literal).collect();
    match bounds.as_deref() {
        Some([stop]) => *stop <= 64,
        Some([start, stop, ..]) => stop.saturating_sub(*start) <= 64,
        _ => false,
    }
}

impl Rewriter<'_, '_> {
    fn chance(&mut self, pct: u32) -> bool {
        !self.u.is_empty() && self.u.int_in_range(0..=99u32).unwrap_or(99) < pct
    }

    /// Every `for` loop, nested ones too: sometimes iterate a copy.
    fn loops(&mut self, body: &mut [Stmt]) {
        for s in body {
            match s {
                Stmt::For {
                    iter, body, orelse, ..
                }
                | Stmt::ForUnpack {
                    iter, body, orelse, ..
                } => {
                    if copyable(iter) && self.chance(20) {
                        *iter = copy_of(std::mem::replace(iter, Expr::None), vec![]);
                    }
                    self.loops(body);
                    self.loops(orelse);
                    self.loop_builtin(s);
                }
                Stmt::If { body, orelse, .. } | Stmt::While { body, orelse, .. } => {
                    self.loops(body);
                    self.loops(orelse);
                }
                Stmt::FunctionDef { body, .. } => self.loops(body),
                _ => {}
            }
        }
    }

    fn fresh(&mut self, stem: &str) -> String {
        self.fresh += 1;
        format!("{stem}{}", self.fresh)
    }

    /// Sometimes iterates through `enumerate`, `zip` or `sorted` instead.
    fn loop_builtin(&mut self, s: &mut Stmt) {
        let form = self.u.int_in_range(0..=99u8).unwrap_or(99);
        if form >= 30 {
            return;
        }
        let placeholder = Stmt::Pass;
        let (target, iter, body, orelse) = match std::mem::replace(s, placeholder) {
            Stmt::For {
                target,
                iter,
                body,
                orelse,
            } => (Target::Name(target), iter, body, orelse),
            Stmt::ForUnpack {
                targets,
                iter,
                body,
                orelse,
            } => (Target::Unpack(targets), iter, body, orelse),
            other => {
                *s = other;
                return;
            }
        };
        let (targets, iter) = match form {
            0..=14 => {
                let index = self.fresh("en");
                (
                    vec![Target::Name(index), target],
                    Expr::call("enumerate", vec![iter]),
                )
            }
            15..=26 => {
                let count = self.fresh("zp");
                let big = Expr::BinOp {
                    op: jitdiff_vm::lang::ast::BinOp::LShift,
                    left: Box::new(Expr::int(1)),
                    right: Box::new(Expr::int(30)),
                };
                (
                    vec![target, Target::Name(count)],
                    Expr::call("zip", vec![iter, Expr::call("range", vec![big])]),
                )
            }
            _ => {
                let iter = Expr::call("sorted", vec![iter]);
                *s = match target {
                    Target::Name(target) => Stmt::For {
                        target,
                        iter,
                        body,
                        orelse,
                    },
                    Target::Unpack(targets) => Stmt::ForUnpack {
                        targets,
                        iter,
                        body,
                        orelse,
                    },
                    // Never: a `for` statement's target above is a name or
                    // an unpacking.
                    other @ (Target::Attr { .. }
                    | Target::Subscript { .. }
                    | Target::Starred(_)) => Stmt::ForUnpack {
                        targets: vec![other],
                        iter,
                        body,
                        orelse,
                    },
                };
                return;
            }
        };
        *s = Stmt::ForUnpack {
            targets,
            iter,
            body,
            orelse,
        };
    }

    /// Children first, so a rewritten display's items were rewritten too.
    fn expr(&mut self, e: &mut Expr) {
        e.for_each_child_mut(&mut |c| self.expr(c));
        match e {
            Expr::List(items) if (1..=8).contains(&items.len()) && self.chance(25) => {
                let list = std::mem::replace(e, Expr::None);
                *e = self.comprehension_of(list);
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if matches!(&**func, Expr::Name(n) if ITERABLE_TAKERS.contains(&n.as_str()))
                && args.len() == 1
                && keywords.is_empty() =>
            {
                let form = self.u.int_in_range(0..=9u8).unwrap_or(9);
                let is_len = matches!(&**func, Expr::Name(n) if n == "len");
                if form < 2 {
                    let arg = std::mem::replace(&mut args[0], Expr::None);
                    args[0] = copy_of(arg, vec![]);
                } else if form == 2 && is_len && matches!(args[0], Expr::Name(_)) {
                    // Evaluates `v` twice: only a variable has no effects.
                    let call = std::mem::replace(e, Expr::None);
                    let Expr::Call { args, .. } = &call else {
                        unreachable!("matched a call")
                    };
                    let test = Expr::call("isinstance", vec![args[0].clone(), Expr::name("list")]);
                    *e = Expr::IfExp {
                        test: Box::new(test),
                        body: Box::new(call.clone()),
                        orelse: Box::new(call),
                    };
                }
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if args.len() == 1 && keywords.is_empty() => {
                // `int(s)` of a str parses it; `math.trunc(s)` raises.
                if looks_like_str(&args[0]) {
                    return;
                }
                let math_fn = match &**func {
                    Expr::Name(n) if n == "int" => "trunc",
                    Expr::Name(n) if n == "abs" => "fabs",
                    Expr::Name(n) if n == "round" => "floor",
                    _ => return,
                };
                if self.chance(25) {
                    self.uses_math = true;
                    // `math.f(x)` parses as a method call: build that form.
                    *e = Expr::MethodCall {
                        receiver: Box::new(Expr::name("math")),
                        method: math_fn.into(),
                        args: std::mem::take(args),
                    };
                }
            }
            Expr::Float(bits)
                if f64::from_bits(*bits) == std::f64::consts::PI && self.chance(50) =>
            {
                self.uses_math = true;
                *e = Expr::Attribute {
                    value: Box::new(Expr::name("math")),
                    attr: "pi".into(),
                };
            }
            _ => {}
        }
    }

    fn comprehension_of(&mut self, list: Expr) -> Expr {
        let form = self.u.int_in_range(0..=4u8).unwrap_or(0);
        match form {
            // Drops NaNs only: a float comparison on every item.
            1 => copy_of(
                list,
                vec![Expr::Compare {
                    left: Box::new(Expr::name("t")),
                    ops: vec![jitdiff_vm::lang::ast::CmpOp::Eq],
                    comparators: vec![Expr::name("t")],
                }],
            ),
            2 => copy_of(list, vec![Expr::name("t")]),
            // Two clauses: the item under an outer loop of one round.
            3 => Expr::ListComp {
                elt: Box::new(Expr::name("t")),
                generators: vec![
                    Comprehension {
                        target: Target::Name("r".into()),
                        iter: Expr::call("range", vec![Expr::int(1)]),
                        ifs: vec![],
                    },
                    Comprehension {
                        target: Target::Name("t".into()),
                        iter: list,
                        ifs: vec![],
                    },
                ],
            },
            4 => copy_of(copy_of(list, vec![]), vec![]),
            _ => copy_of(list, vec![]),
        }
    }
}

/// Whether `e` is one of the str forms the generator passes to `int()`: a
/// literal, `str(...)`, a method call on one, a concatenation or a
/// conditional with one in it.
fn looks_like_str(e: &Expr) -> bool {
    match e {
        Expr::Str(_) => true,
        Expr::Call { func, .. } => matches!(&**func, Expr::Name(n) if n == "str"),
        Expr::MethodCall { receiver, .. } => looks_like_str(receiver),
        Expr::BinOp { left, right, .. } => looks_like_str(left) || looks_like_str(right),
        Expr::IfExp { body, orelse, .. } => looks_like_str(body) || looks_like_str(orelse),
        _ => false,
    }
}
