//! Dicts (swarm feature `dicts`): self-contained blocks, each on fresh
//! names, shaped like the code a JIT specializes on dicts:
//! - displays whose keys mix types and collide (`1`, `True`, `1.0`;
//!   `0`, `-0.0`, `False`; tuples; strs; None; ints past 2**63);
//! - hot loops (tens to hundreds of iterations) doing `d[k]`, `d[k] = v`,
//!   `d[k] += v`, `in`, `get` with and without default, `setdefault` and
//!   `pop`, with keys that change type between iterations, and dicts that
//!   grow past several resizes;
//! - iteration over `d`, `keys()`, `values()` and `items()` (with
//!   unpacking), never changing the dict it walks;
//! - a variable that turns from a list into a dict (or back) at iteration
//!   K of a hot loop that subscripts it;
//! - aliasing (`e = d`), `copy`, `update`, `|` and `|=`, and `is` /
//!   `is not` on None, lists and dicts (never on ints, floats, strs,
//!   tuples or ranges, whose identity the language leaves out);
//! - rarely (a planned exception): a KeyError at iteration K, or the
//!   RuntimeError of a dict that grows while iterated.
//!
//! Blocks are written as Python text and parsed, so they are valid Python
//! by construction; their fuel is their calls and back edges (counted on
//! the parsed statements) and their output lines are counted too.

use jitdiff_vm::lang::ast::{Expr, Stmt};
use jitdiff_vm::lang::parse_generated;

use super::state::{Gen, Planned};

/// Keys a display may use: Python text, and what decides key identity
/// (numbers by value, so `True`, `1` and `1.0` are one key).
const KEYS: [(&str, &str); 22] = [
    ("0", "n0"),
    ("1", "n1"),
    ("2", "n2"),
    ("7", "n7"),
    ("-1", "n-1"),
    ("256", "n256"),
    ("2 ** 63", "n2**63"),
    ("-2 ** 64", "n-2**64"),
    ("True", "n1"),
    ("False", "n0"),
    ("1.0", "n1"),
    ("-0.0", "n0"),
    ("0.0", "n0"),
    ("2.0", "n2"),
    ("0.5", "f0.5"),
    ("'a'", "sa"),
    ("'key'", "skey"),
    ("''", "s"),
    ("None", "none"),
    ("(1, 2)", "t1,2"),
    ("(1.0, 2)", "t1,2"),
    ("('a', 0)", "ta,0"),
];

/// Values a display may use (ints only where they are summed).
const VALUES: [&str; 8] = ["0", "1", "5", "-3", "'v'", "[1, 2]", "(3,)", "None"];

/// How a hot loop derives its key from the loop variable `i`
/// (`{i}` and `{m}` are substituted): ints, int-valued floats, bools,
/// tuples and strs, several of which collide.
const KEY_EXPRS: [&str; 7] = [
    "{i} % {m}",
    "({i} % {m}) * 1.0",
    "{i} % 2 == 0",
    "({i} % {m}, {i} % 3)",
    "str({i} % {m})",
    "{i} % {m} if {i} % 2 else ({i} % {m}) * 1.0",
    "-({i} % {m})",
];

/// A block as text: `head` runs once, then `looped` (a loop statement
/// charged as `trip` iterations of its body), then `tail` once.
#[derive(Default)]
struct Block {
    head: String,
    trip: u64,
    looped: String,
    tail: String,
}

/// Calls (fuel) in `body`, loops and branches counted once each.
fn calls_in(body: &[Stmt]) -> u64 {
    let mut n = 0;
    for s in body {
        n += match s {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => calls(e),
            Stmt::Assign { value, .. }
            | Stmt::Unpack { value, .. }
            | Stmt::AssignChain { value, .. }
            | Stmt::AugAssign { value, .. } => calls(value),
            Stmt::AssignSubscript {
                container,
                index,
                value,
            }
            | Stmt::AugAssignSubscript {
                container,
                index,
                value,
                ..
            } => calls(container) + calls(index) + calls(value),
            Stmt::If { test, body, orelse } => calls(test) + calls_in(body) + calls_in(orelse),
            Stmt::While { test, body, orelse } => calls(test) + calls_in(body) + calls_in(orelse),
            Stmt::For {
                iter, body, orelse, ..
            }
            | Stmt::ForUnpack {
                iter, body, orelse, ..
            } => calls(iter) + calls_in(body) + calls_in(orelse),
            // A class body runs its attribute values once; methods only
            // when called.
            Stmt::ClassDef { bases, body, .. } => {
                bases.iter().map(calls).sum::<u64>() + calls_in(body)
            }
            Stmt::AssignAttr { object, value, .. } | Stmt::AugAssignAttr { object, value, .. } => {
                calls(object) + calls(value)
            }
            Stmt::Raise(e) => e.as_ref().map_or(0, calls),
            Stmt::RaiseFrom { exc, cause } => calls(exc) + calls(cause),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                calls_in(body)
                    + handlers
                        .iter()
                        .map(|h| h.typ.as_ref().map_or(0, calls) + calls_in(&h.body))
                        .sum::<u64>()
                    + calls_in(orelse)
                    + calls_in(finalbody)
            }
            Stmt::Assert { test, msg } => calls(test) + msg.as_ref().map_or(0, calls),
            Stmt::Delete(targets) => {
                let mut n = 0;
                targets
                    .iter()
                    .for_each(|t| t.for_each_expr(&mut |e| n += calls(e)));
                n
            }
            Stmt::FunctionDef { .. }
            | Stmt::Decorated { .. }
            | Stmt::Return(None)
            | Stmt::Break
            | Stmt::Continue
            | Stmt::Pass
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Import { .. }
            | Stmt::ImportFrom { .. } => 0,
        };
    }
    n
}

fn calls(e: &Expr) -> u64 {
    let own = matches!(e, Expr::Call { .. } | Expr::MethodCall { .. }) as u64;
    let mut sub = 0;
    e.for_each_child(&mut |c| sub += calls(c));
    own + sub
}

/// `print(` calls in `body` (each prints one line per execution).
fn prints_in(src: &str) -> f64 {
    src.matches("print(").count() as f64
}

/// A block's parsed statements (empty if the text were ever invalid, so a
/// generator bug costs a block, never a panic or an invalid program).
fn parse(src: &str) -> Vec<Stmt> {
    parse_generated(src).map(|m| m.body).unwrap_or_default()
}

/// Indents every line of `body` by four spaces.
fn indent(body: &str) -> String {
    body.lines().map(|l| format!("    {l}\n")).collect()
}

impl Gen<'_, '_> {
    /// A dict block at module level or in a function, if the fuel and
    /// output budgets allow one.
    pub fn dict_block(&mut self) -> Option<Vec<Stmt>> {
        // Every block calls something; where calls would break the exact
        // cost (a `while` test, a recursive body) there is none.
        if self.no_calls {
            return None;
        }
        let looping = self.can_loop();
        let planned_ok = self.planned.is_none() && !self.placed_error;
        let w = [
            3,
            if looping { 6 } else { 0 },
            if looping { 3 } else { 0 },
            if looping { 3 } else { 0 },
            if looping { 3 } else { 0 },
            2,
            2,
            if looping && planned_ok { 1 } else { 0 },
        ];
        let before = (self.planned, self.placed_error);
        let once = |head| Block {
            head,
            ..Block::default()
        };
        let block = match self.weighted(&w) {
            Some(1) => self.dict_hot_count(),
            Some(2) => self.dict_iterate(),
            Some(3) => self.dict_churn(),
            Some(4) => self.dict_type_change(),
            Some(5) => once(self.dict_alias()),
            Some(6) => once(self.dict_merge()),
            Some(7) => self.dict_planned_error(),
            _ => once(self.dict_display()),
        };
        let stmts = self.dict_fit(block);
        if stmts.is_none() {
            // A planned error that did not fit is not planned after all.
            (self.planned, self.placed_error) = before;
        }
        stmts
    }

    /// Charges a block: `None` if it does not fit the fuel or line
    /// budgets.
    fn dict_fit(&mut self, b: Block) -> Option<Vec<Stmt>> {
        let mut stmts = parse(&b.head);
        let looped = parse(&b.looped);
        let tail = parse(&b.tail);
        // Each iteration: its back edge and its calls.
        let mut fuel = calls_in(&stmts) + calls_in(&tail);
        if !looped.is_empty() {
            fuel += b.trip * (1 + calls_in(&looped)) + 1;
        }
        let lines = prints_in(&b.head) + prints_in(&b.tail) + prints_in(&b.looped) * b.trip as f64;
        stmts.extend(looped);
        stmts.extend(tail);
        if stmts.is_empty() || fuel > self.fuel || lines > self.lines {
            return None;
        }
        self.fuel -= fuel;
        self.lines -= lines;
        self.stmts_left = self.stmts_left.saturating_sub(2);
        Some(stmts)
    }

    /// A trip count for a hot dict loop with `per` fuel per iteration.
    fn dict_trip(&mut self, per: u64) -> u64 {
        let room = self.fuel / (per + 1) / 2;
        let hi = room.clamp(1, 400);
        self.between(hi.min(20), hi)
    }

    fn key_lit(&mut self) -> (&'static str, &'static str) {
        self.pick(&KEYS)
    }

    /// `{k: v, ...}` from the pool, and the keys it holds (text, identity).
    fn dict_lit(
        &mut self,
        (lo, hi): (u64, u64),
        int_values: bool,
    ) -> (String, Vec<(&'static str, &'static str)>) {
        let n = self.between(lo, hi);
        let mut parts = vec![];
        let mut present: Vec<(&str, &str)> = vec![];
        for _ in 0..n {
            let (k, id) = self.key_lit();
            let v = if int_values {
                self.between(0, 20).to_string()
            } else {
                self.pick(&VALUES).to_string()
            };
            parts.push(format!("{k}: {v}"));
            if !present.iter().any(|p| p.1 == id) {
                present.push((k, id));
            }
        }
        (format!("{{{}}}", parts.join(", ")), present)
    }

    /// A pool key absent from `present`, if one is found.
    fn missing_key(&mut self, present: &[(&str, &str)]) -> Option<&'static str> {
        for _ in 0..4 {
            let (k, id) = self.key_lit();
            if !present.iter().any(|p| p.1 == id) {
                return Some(k);
            }
        }
        None
    }

    /// A display with colliding keys, printed with lookups, `in`, `get`
    /// and the views.
    fn dict_display(&mut self) -> String {
        let d = self.fresh_name("dv");
        let (lit, present) = self.dict_lit((1, 7), false);
        let k = self.pick(&present).0;
        let mut src = format!("{d} = {lit}\nprint({d}, len({d}), {d}[{k}], {k} in {d})\n");
        if let Some(miss) = self.missing_key(&present) {
            src += &format!(
                "print({miss} in {d}, {miss} not in {d}, {d}.get({miss}), {d}.get({miss}, 'dflt'), {d}.get({k}))\n"
            );
        }
        if self.chance(50) {
            src += &format!("print({d}.keys(), {d}.values(), {d}.items(), len({d}.items()))\n");
        }
        src
    }

    /// A hot loop counting keys derived from `i` (`in` then `+=`, `get`
    /// with a default, or `setdefault`), possibly growing past several
    /// resizes.
    fn dict_hot_count(&mut self) -> Block {
        let (d, i) = (self.fresh_name("dv"), self.fresh_name("di"));
        let m = self.pick(&[2u64, 3, 5, 8, 13, 64, 1000]);
        let key = self
            .pick(&KEY_EXPRS)
            .replace("{i}", &i)
            .replace("{m}", &m.to_string());
        let k = self.fresh_name("dk");
        let start = if self.chance(50) {
            self.dict_lit((1, 4), true).0
        } else {
            "{}".to_string()
        };
        let head = format!("{d} = {start}\n");
        let body = match self.below(4) {
            0 => format!(
                "{k} = {key}\nif {k} in {d}:\n    {d}[{k}] += {i} % 7 + 1\nelse:\n    {d}[{k}] = 1\n"
            ),
            1 => format!("{k} = {key}\n{d}[{k}] = {d}.get({k}, 0) + 1\n"),
            // setdefault's value is used: an existing key's, not the default.
            2 => format!("{k} = {key}\n{d}[{k}] = {d}.setdefault({k}, 0) + 2\n"),
            _ => format!("{d}[{i}] = {i} * 3\n{d}[{key}] = {i}\n"),
        };
        let per = calls_in(&parse(&body)) + 1;
        let t = self.dict_trip(per);
        let looped = format!("for {i} in range({t}):\n{}", indent(&body));
        let tail = if m <= 13 {
            format!("print({d})\n")
        } else {
            format!("print(len({d}), sum({d}.values()), {d}.get(0), {d}.get({t} - 1, -1))\n")
        };
        Block {
            head,
            trip: t,
            looped,
            tail,
        }
    }

    /// Builds a dict of int values, then walks it by keys, `keys()`,
    /// `values()` or `items()`.
    fn dict_iterate(&mut self) -> Block {
        let (d, i, acc) = (
            self.fresh_name("dv"),
            self.fresh_name("di"),
            self.fresh_name("dacc"),
        );
        let (k, v) = (self.fresh_name("dk"), self.fresh_name("dw"));
        let key = self
            .pick(&KEY_EXPRS)
            .replace("{i}", &i)
            .replace("{m}", "50");
        let t = self.dict_trip(3);
        let head = format!("{d} = {{}}\n{acc} = 0\n");
        let walk = match self.below(4) {
            0 => format!("for {k} in {d}:\n    {acc} = ({acc} * 3 + {d}[{k}]) % 1000003\n"),
            1 => format!("for {k} in {d}.keys():\n    {acc} = ({acc} + {d}[{k}] + 1) % 1000003\n"),
            2 => format!("for {v} in {d}.values():\n    {acc} = ({acc} * 7 + {v}) % 1000003\n"),
            _ => format!(
                "for {k}, {v} in {d}.items():\n    {acc} = ({acc} * 5 + {v}) % 1000003\n    {d}[{k}] = {v} + 1\n"
            ),
        };
        // The walk runs at most as many times as the build (one key per
        // iteration at most): both are charged as 2T iterations.
        Block {
            head,
            trip: 2 * t,
            looped: format!("for {i} in range({t}):\n    {d}[{key}] = {i}\n{walk}"),
            tail: format!("print({acc}, len({d}), list({d})[:4])\n"),
        }
    }

    /// `setdefault`, `pop` (with and without default), `popitem` (the
    /// newest key), `get` compared with `is None`, in a hot loop over a
    /// small dict.
    fn dict_churn(&mut self) -> Block {
        let (d, i, r, c) = (
            self.fresh_name("dv"),
            self.fresh_name("di"),
            self.fresh_name("dr"),
            self.fresh_name("dc"),
        );
        let m = self.between(3, 12);
        let head = format!("{d} = {{0: 0, 1: 1, 2: 2}}\n{c} = 0\n");
        let body = format!(
            "{c} += {d}.setdefault({i} % {m}, {i})\nif {i} % 3 == 0:\n    {r} = {d}.pop(({i} * 5) % {m}, -1)\nelif {i} % 3 == 1 and {i} % {m} in {d}:\n    {r} = {d}.pop({i} % {m})\n{r} = {d}.get(({i} * 7) % {m})\nif {i} % 5 == 4 and len({d}) > 1:\n    {c} += {d}.popitem()[0]\nif {r} is None:\n    {c} += 1\nelif {r} is not None:\n    {d}[({i} * 7) % {m}] = {r} + 1\n"
        );
        let t = self.dict_trip(5);
        Block {
            head,
            trip: t,
            looped: format!("for {i} in range({t}):\n{}", indent(&body)),
            tail: format!("print({d}, {c})\n"),
        }
    }

    /// A hot loop subscripting a variable that turns from a list into a
    /// dict (or back) at iteration K.
    fn dict_type_change(&mut self) -> Block {
        let (x, i, acc) = (
            self.fresh_name("dx"),
            self.fresh_name("di"),
            self.fresh_name("dacc"),
        );
        let t = self.dict_trip(1).max(4);
        let k = self.between(1, t - 1);
        let list = "[10, 11, 12, 13]";
        let dict = self.pick(&[
            "{0: 20, 1: 21, 2: 22, 3: 23}",
            "{False: 20, True: 21, 2.0: 22, 3: 23}",
            "{3: 23, 2: 22, 1: 21, 0: 20, 'x': 0}",
        ]);
        let (first, then) = if self.chance(60) {
            (list, dict)
        } else {
            (dict, list)
        };
        let head = format!("{x} = {first}\n{acc} = 0\n");
        Block {
            head,
            trip: t,
            looped: format!(
                "for {i} in range({t}):\n    if {i} == {k}:\n        {x} = {then}\n    {acc} += {x}[{i} % 4]\n"
            ),
            tail: format!("print({acc}, {x})\n"),
        }
    }

    /// Aliases, copies and identity: `e = d` sees stores, a copy does not;
    /// `is` on dicts, lists and None.
    fn dict_alias(&mut self) -> String {
        let (d, e, c, l, m) = (
            self.fresh_name("dv"),
            self.fresh_name("de"),
            self.fresh_name("dcp"),
            self.fresh_name("dl"),
            self.fresh_name("dm"),
        );
        let (lit, present) = self.dict_lit((1, 5), false);
        let (kx, _) = self.key_lit();
        let (ky, _) = self.key_lit();
        let miss = self.missing_key(&present).unwrap_or("'absent'");
        format!(
            "{d} = {lit}\n{e} = {d}\n{e}[{kx}] = 5\n{c} = {d}.copy()\n{c}[{ky}] = 6\n{l} = [1, 2]\n{m} = {l}\n\
             print({d} is {e}, {d} == {e}, {c} is {d}, {c} == {d}, {l} is {m}, {l} is [1, 2], {d} is None, {d} is not {l})\n\
             print({d}.get({miss}) is None, {d}.get({kx}) is not None, len({e}), {d})\n"
        )
    }

    /// `update`, `|` and `|=` between displays.
    fn dict_merge(&mut self) -> String {
        let (d, e, f) = (
            self.fresh_name("dv"),
            self.fresh_name("de"),
            self.fresh_name("df"),
        );
        let (a, _) = self.dict_lit((1, 4), false);
        let (b, _) = self.dict_lit((0, 4), false);
        let merge = match self.below(3) {
            0 => format!("{d}.update({e})"),
            1 => format!("{d} |= {e}"),
            _ => format!("{d}.update(list({e}.items()))"),
        };
        format!(
            "{d} = {a}\n{e} = {b}\n{f} = {d} | {e}\n{merge}\nprint({f} == {d}, {f}, {e}.items(), {d}.keys())\n"
        )
    }

    /// The planned dict exception: a KeyError at iteration K of a hot
    /// loop, or (rarely) a dict grown while iterated.
    fn dict_planned_error(&mut self) -> Block {
        self.planned = Some(Planned::DictError);
        self.placed_error = true;
        let (d, i, acc) = (
            self.fresh_name("dv"),
            self.fresh_name("di"),
            self.fresh_name("dacc"),
        );
        let t = self.dict_trip(1).max(4);
        let k = self.between(1, t - 1);
        if self.chance(25) {
            return Block {
                head: format!("{d} = {{0: 0, 1: 1}}\n"),
                trip: 2,
                looped: format!("for {i} in {d}:\n    {d}[{i} + 100] = {i}\n"),
                tail: String::new(),
            };
        }
        // The building loop is charged with the failing one.
        Block {
            head: format!("{d} = {{}}\n{acc} = 0\n"),
            trip: t + k,
            looped: format!(
                "for {i} in range({k}):\n    {d}[{i}] = {i} * 2\nfor {i} in range({t}):\n    {acc} += {d}[{i}]\n"
            ),
            tail: String::new(),
        }
    }
}
