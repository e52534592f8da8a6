//! The `sets` swarm feature: after a program is generated (and after
//! `syntax` and `iteration`), rewrite parts of it to use sets and
//! comprehensions, so hot loops run `BUILD_SET`, `SET_ADD`, `MAP_ADD` and
//! `in` on sets, and printed sets check the VM's table order:
//!
//! - some module-level `for v in range(...)` loops outside other loops
//!   (whose body never rebinds `v`; the report below then prints once) get a
//!   fresh set `sxN` built before the loop: the body adds `v`, `v * k`, or
//!   a tuple, float or wide int made of `v`, and sometimes discards an
//!   earlier element when `v % 5 in {0, 2, 3}`
//!   (dummies, and a membership test on a constant set every iteration),
//!   then sometimes adds elements back in one `update` (whose probes pass
//!   those dummies); after the loop the set is printed: its length and
//!   first elements (its table order), its algebra with constant sets,
//!   subset and superset tests, or comprehensions of it;
//! - a membership test against a list or tuple display of int literals
//!   sometimes tests a set display of them instead;
//! - a dict display sometimes becomes the dict comprehension
//!   `{k: v for k, v in [(k0, v0), ...]}` (the same dict: keys and values
//!   are evaluated in the same order, later duplicates win).
//!
//! Elements are ints made from range values, or heap objects made from
//! them (tuples, floats, ints wider than a word, so the collector traces
//! the table's keys); all hash the same in every process, so every printed
//! order is CPython's. Choices come from the bytes left after the program,
//! so programs without the feature are unchanged.

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{CmpOp, Comprehension, Expr, Module, Stmt, Target};
use jitdiff_vm::lang::{parse_generated, unparse};

struct Rewriter<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    fresh: usize,
}

/// Rewrites `m` in place (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let mut r = Rewriter { u, fresh: 0 };
    r.block(&mut m.body, true);
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| r.expr(e));
    }
}

/// Statements parsed from `src` (always valid: built from fixed shapes).
fn stmts(src: &str) -> Vec<Stmt> {
    parse_generated(src).map(|m| m.body).unwrap_or_default()
}

/// Whether `body` may rebind `name` (conservatively, from its text: a
/// `for` target, the left side of an assignment, a `global`).
fn rebinds(body: &[Stmt], name: &str) -> bool {
    let text = unparse(&Module {
        body: body.to_vec(),
    });
    let names_it = |part: &str| {
        part.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == name)
    };
    text.lines().any(|line| {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("for ") {
            return names_it(rest.split(" in ").next().unwrap_or(rest));
        }
        if line.starts_with("global ") || line.starts_with("def ") {
            return names_it(line);
        }
        // The left side of `=` or `op=` (not `==`, `<=`, `>=`, `!=`).
        let bytes = line.as_bytes();
        (0..bytes.len()).any(|k| {
            bytes[k] == b'='
                && bytes.get(k + 1) != Some(&b'=')
                && !matches!(
                    k.checked_sub(1).map(|p| bytes[p]),
                    Some(b'=' | b'<' | b'>' | b'!')
                )
                && names_it(&line[..k])
        })
    })
}

/// `range(...)` of literal bounds spanning at most [`MAX_SET_LOOP`]
/// values: a set grown in a longer loop (the poison feature's loops run
/// past the fuel limit) makes GC-stress configurations quadratic.
fn is_range_call(e: &Expr) -> bool {
    let Expr::Call { func, args, .. } = e else {
        return false;
    };
    if !matches!(&**func, Expr::Name(n) if n == "range") {
        return false;
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
        Some([stop]) => *stop <= MAX_SET_LOOP,
        Some([start, stop, ..]) => stop.saturating_sub(*start) <= MAX_SET_LOOP,
        _ => false,
    }
}

/// The longest range loop that builds a set.
const MAX_SET_LOOP: i64 = 4096;

impl Rewriter<'_, '_> {
    fn chance(&mut self, pct: u32) -> bool {
        !self.u.is_empty() && self.u.int_in_range(0..=99u32).unwrap_or(99) < pct
    }

    fn pick(&mut self, n: u32) -> u32 {
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    /// Every block, nested ones first; then some range loops of this one
    /// get a set. Only where the printed report runs once (`once`: at
    /// module level, outside loops): in a loop or a function called from
    /// one it would print on every iteration, past the line budget.
    fn block(&mut self, body: &mut Vec<Stmt>, once: bool) {
        for s in body.iter_mut() {
            match s {
                Stmt::For { body, orelse, .. }
                | Stmt::ForUnpack { body, orelse, .. }
                | Stmt::While { body, orelse, .. } => {
                    self.block(body, false);
                    self.block(orelse, false);
                }
                Stmt::If { body, orelse, .. } => {
                    self.block(body, once);
                    self.block(orelse, once);
                }
                Stmt::FunctionDef { body, .. } => self.block(body, false),
                _ => {}
            }
        }
        if !once {
            return;
        }
        let mut i = 0;
        while i < body.len() {
            let eligible = matches!(&body[i], Stmt::For { target, iter, body: b, .. }
                if is_range_call(iter) && !rebinds(b, target));
            if eligible && self.chance(40) {
                i += self.collect_into_set(body, i);
            }
            i += 1;
        }
    }

    /// Gives the loop at `body[at]` a set; returns how many statements went
    /// in before it.
    fn collect_into_set(&mut self, body: &mut Vec<Stmt>, at: usize) -> usize {
        self.fresh += 1;
        let s = format!("sx{}", self.fresh);
        let Stmt::For {
            target,
            body: loop_body,
            ..
        } = &mut body[at]
        else {
            return 0;
        };
        let v = target.clone();
        let scale = [1, 1, 3, 8, 32][self.pick(5) as usize];
        // The element made of `x`: an int, or an object on the heap (a
        // tuple, a float, an int wider than a word), whose table slot the
        // collector must trace; all hash alike in every process.
        let elem = |x: &str| match scale {
            1 => x.to_string(),
            3 => format!("({x}, {x} % 3)"),
            8 => format!("{x} * 0.5"),
            32 => format!("{x} * 9223372036854775808"),
            _ => format!("{x} * {scale}"),
        };
        let mut added = stmts(&format!("{s}.add({})\n", elem(&v)));
        let discards = self.chance(50);
        if discards {
            let gone = format!("{v} - {}", 1 + self.pick(9));
            added.extend(stmts(&format!(
                "if {v} % 5 in {{0, 2, 3}}:\n    {s}.discard({})\n",
                elem(&gone)
            )));
        }
        loop_body.splice(0..0, added);
        let init = match self.pick(3) {
            0 => format!("{s} = set()\n"),
            1 => format!("{s} = {{-1, 0, 2305843009213693951}}\n"),
            _ => format!("{s} = {{k * 16 for k in range(4)}}\n"),
        };
        let report = match self.pick(8) {
            // A tuple has no `%`, `<` or `+` with an int, which the last two
            // reports use: it prints its membership instead.
            3 | 4 if scale == 3 => {
                format!("print(len({s}), list({s})[:12], {} in {s})\n", elem("4"))
            }
            0 => format!("print(len({s}), list({s})[:12])\n"),
            1 => format!(
                "print(sorted({s} & {{0, 1, 2, 3, 5, 8, 13, 21, 34}}), len({s} | {{1, 2, 3}}), list({s} - {{k for k in range(10)}})[:6])\n"
            ),
            2 => format!("print(list({s} ^ {{2, 4, 6, 64}})[:10], len({s} & {s}))\n"),
            3 => format!("print({{k % 10 for k in {s}}}, {{k: k * 2 for k in {s} if k < 6}})\n"),
            // Subset and superset tests, proper or not, between sets of
            // equal and of different sizes.
            5 => format!(
                "print({s} <= set({s}), {s} < set({s}), {s} >= {s} & {{0, 2, 4}}, {s} > {s} - {{0, 1}}, {s} < {s} | {{-7}}, {{0, 16}} <= {s}, {s} == {s} | set())\n"
            ),
            // The algebra methods, whose arguments may be any iterable.
            6 => format!(
                "print(list({s}.union(range(5), [64, 3]))[:12], {s}.intersection(range(0, 40, 3), {s}), list({s}.difference([0, 1, 2], range(8, 12)))[:10], list({s}.symmetric_difference([2, 4, 64]))[:10])\n"
            ),
            // The tests (one stepping a generator only to its deciding
            // item) and the updates.
            7 => format!(
                "print({s}.issubset(range(64)), {s}.issuperset([0, 16]), {s}.isdisjoint(k for k in range(3, 9)), {s}.issuperset({s}), {s}.isdisjoint({s}))\n{s}.difference_update(range(0, 12, 5))\n{s}.intersection_update([k for k in {s}] + [1, 2])\n{s}.symmetric_difference_update({{7: 0, 9: 1}})\nprint(len({s}), list({s})[:12])\n"
            ),
            _ => format!("print(3 in {s}, len({s}), sum({s}), {s} == set(list({s})))\n"),
        };
        // Adding back where elements were discarded: an element whose probe
        // passes several deleted slots goes into the last of them (CPython
        // 3.11's set_add_entry), which the printed order then shows.
        let refill = if discards && self.chance(50) {
            format!(
                "{s}.update([{} for k in range(0, {}, 3)])\n",
                elem("k"),
                12 + self.pick(40)
            )
        } else {
            String::new()
        };
        body.splice(at..at, stmts(&init));
        body.splice(at + 2..at + 2, stmts(&(refill + &report)));
        1
    }

    /// Children first.
    fn expr(&mut self, e: &mut Expr) {
        e.for_each_child_mut(&mut |c| self.expr(c));
        match e {
            Expr::Compare {
                ops, comparators, ..
            } if ops.len() == 1 && matches!(ops[0], CmpOp::In | CmpOp::NotIn) => {
                let literal_ints = |items: &[Expr]| {
                    !items.is_empty() && items.iter().all(|x| matches!(x, Expr::Int(_)))
                };
                let items = match &comparators[0] {
                    Expr::List(items) | Expr::Tuple(items) if literal_ints(items) => items.clone(),
                    _ => return,
                };
                if self.chance(50) {
                    comparators[0] = Expr::Set(items);
                }
            }
            Expr::Dict(items) if !items.is_empty() && self.chance(30) => {
                let pairs = items
                    .drain(..)
                    .map(|(k, v)| Expr::Tuple(vec![k, v]))
                    .collect();
                *e = Expr::DictComp {
                    key: Box::new(Expr::name("k")),
                    value: Box::new(Expr::name("v")),
                    generators: vec![Comprehension {
                        target: Target::Unpack(Target::names(vec!["k".into(), "v".into()])),
                        iter: Expr::List(pairs),
                        ifs: vec![],
                    }],
                };
            }
            _ => {}
        }
    }
}
