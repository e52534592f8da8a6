//! Program generator: random S0 programs shaped like the code a tiered JIT
//! specializes (hot loops, small functions called from them, ints crossing the
//! small-int and 64-bit boundaries, floats at their boundary values and
//! variables that change type mid-loop, branches and globals that change
//! after warm-up).
//!
//! Every program is valid Python 3 and terminates *by construction*:
//! - loops are `for` over a `range` with a bounded trip count, or `while` on a
//!   dedicated counter bumped first thing in the body;
//! - functions only call functions defined before them (and a global function
//!   name is only ever rebound to an earlier function of the same arity), so
//!   the call graph is a DAG; the only recursion is a template with a base
//!   case whose argument is reduced `% (D + 1)` at every call site;
//! - fuel (loop back edges + calls, the unit of `limits::DEFAULT_FUEL`) is
//!   estimated as an upper bound while generating, and a construct that does
//!   not fit the remaining budget is not generated;
//! - every variable has a bit-size cap; an assignment whose value could exceed
//!   it is wrapped `% M`, so ints stay far below `limits::DEFAULT_INT_BITS`;
//! - except on purpose: about 3.5% of programs cross one limit (fuel, depth
//!   or int width) inside a hot loop (`poison.rs`), so the exact-limit
//!   contract is tested too.
//!
//! Swarm testing: each program first draws a [`GenConfig`] (a random subset of
//! features plus size knobs), so feature interactions are explored without
//! every program containing everything.

mod builtins;
mod classes;
mod closures;
mod dicts;
mod dunders;
mod exceptions;
mod expr;
mod floats;
mod func;
mod generators;
mod idioms;
mod iteration;
mod keywords;
mod library;
mod loops;
pub mod mutate;
mod poison;
mod seqs;
mod seqs_stmt;
mod sets;
mod shapes;
pub mod splice;
mod star_calls;
mod star_displays;
mod state;
mod stmt;
mod strs;
mod strs_print;
mod strs_stmt;
mod syntax;
mod walrus;

use arbitrary::{Arbitrary, Unstructured};
use jitdiff_vm::lang::ast::{Expr, Module, Stmt};
use rand::{RngCore, SeedableRng, rngs::StdRng};

/// Fuel the generator may plan for, whatever the config says: well below
/// `limits::DEFAULT_FUEL` so the (conservative) estimate never gets near it.
pub const FUEL_CAP: u32 = 40_000;

/// Which features a program may use, and how big it may get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenConfig {
    /// `for` loops with tens to thousands of iterations.
    pub hot_loops: bool,
    /// Loops inside loops (up to 3 deep).
    pub nested_loops: bool,
    /// `while` loops on a dedicated counter (also `while True` + `break`).
    pub while_loops: bool,
    /// Guarded `break` / `continue`.
    pub break_continue: bool,
    /// Function definitions called from loops.
    pub functions: bool,
    /// Recursive functions (linear, fib-like, accumulator, halving).
    pub recursion: bool,
    /// Functions without `return` value (their `None` is only printed or
    /// compared with `==`).
    pub none_returns: bool,
    /// Globals rebound mid-loop while a function called in the loop reads them.
    pub global_rebind: bool,
    /// A global function name rebound to another function mid-loop.
    pub func_rebind: bool,
    /// Constants around 2**31, 2**62, 2**63, 2**64 (and negatives).
    pub big_ints: bool,
    /// `x = x * k` in a bounded loop (crosses every boundary).
    pub growth: bool,
    /// `s += d` starting just below a boundary.
    pub boundary_accumulate: bool,
    /// Branches that flip mid-loop (`i < K`, `i % P == Q`, a flag flipped once).
    pub branch_flip: bool,
    /// `a < b <= c` chains.
    pub chained_cmp: bool,
    /// `and` / `or` / `not` used for values.
    pub bool_values: bool,
    /// `True`/`False` and comparisons in arithmetic (bool -> int).
    pub bool_arith: bool,
    /// `//` and `%` (with divisors guarded against zero).
    pub div_mod: bool,
    /// Negative divisors and moduli.
    pub neg_divisors: bool,
    /// Augmented assignment.
    pub aug_assign: bool,
    /// `&`, `|`, `^`, `~`, `<<` and `>>` (shift counts kept non-negative).
    pub bitwise: bool,
    /// Conditional expressions (`a if c else b`).
    pub cond_exprs: bool,
    /// Float variables and expressions, mixed with ints, at float boundary
    /// values, rebound to ints mid-loop (see `floats.rs`).
    pub floats: bool,
    /// Lists and tuples: module-level list/tuple variables, methods,
    /// slices, unpacking, loops over them, aliasing, type changes mid-loop
    /// (see `seqs.rs`).
    pub sequences: bool,
    /// ASCII strings: module-level str variables, literals with escapes,
    /// docstrings, `+ * %`, methods, slices, string-building hot loops,
    /// int/str type changes mid-loop, `print(sep=, end=)` (see `strs.rs`).
    pub strings: bool,
    /// Statements rewritten into other syntax after generation: chained
    /// assignment, nested unpacking, bound methods as values, loop `else:`
    /// blocks, parameter defaults, keyword arguments (see `syntax.rs`).
    pub syntax: bool,
    /// List comprehensions in place of some list displays, loop iterables
    /// and iterable arguments, loops over `enumerate`/`zip`/`sorted`,
    /// `isinstance` tests, `math.pi` and math calls, rewritten after
    /// generation (see `iteration.rs`).
    pub iteration: bool,
    /// Class kernels appended after generation: hierarchies in hot loops
    /// whose methods, class attributes, instance layouts and `__class__`
    /// change mid-loop (see `classes.rs`).
    pub classes: bool,
    /// Exception kernels appended after generation: `try` statements in
    /// hot loops meeting exceptions raised by callees and inside traces,
    /// user exception classes, re-raising, `finally` on every way out (see
    /// `exceptions.rs`).
    pub exceptions: bool,
    /// Dunder kernels appended after generation: user classes whose
    /// operator and protocol methods run in hot loops, with side effects,
    /// rebound mid-loop, reflected (see `dunders.rs`).
    pub dunders: bool,
    /// Shape-change kernels appended after generation: a local changing
    /// container type before the one use site that specialized on it, a
    /// builtin bound to a local and rebound, class attributes rebound and
    /// shadowed, `super()` and cells in loops: the guards and uops a long
    /// campaign otherwise never exercised (see `shapes.rs`).
    pub shape_changes: bool,
    /// Closures and lambdas rewritten into functions after generation:
    /// `nonlocal` counters called from loops, nested helpers reading a
    /// function's variables, `(lambda: e)()` and lambdas bound to globals
    /// (see `closures.rs`).
    pub closures: bool,
    /// Sets built in hot range loops and printed (order, algebra,
    /// comprehensions), membership in set displays, dict comprehensions
    /// in place of some dict displays: a rewrite after generation (see
    /// `sets.rs`).
    pub sets: bool,
    /// Unused `*args`/`**kwargs` added to some module-level functions and
    /// calls of them that unpack their arguments (`f(a, *(b,))`,
    /// `f(*[a], b)`, `f(**{'q': a})`): a rewrite after generation, drawn
    /// in half of the programs with `syntax` (see `star_calls.rs`).
    pub star_calls: bool,
    /// Generator kernels appended after generation: generators stepped by
    /// `next` from hot loops, loops inside generator bodies, `yield from`
    /// chains, generator expressions with late-bound variables, early
    /// returns (see `generators.rs`).
    pub generators: bool,
    /// Dicts: displays with colliding keys of several types, hot loops of
    /// `d[k]`/`d[k] = v`/`d[k] += v`/`in`/`get`/`setdefault`/`pop`, views
    /// and their iteration, list/dict type changes mid-loop, aliasing,
    /// `is`/`is not` (see `dicts.rs`).
    pub dicts: bool,
    /// None as a sentinel, the way Python code tests for it: running
    /// extremes started at None (`if m is None or v > m: m = v` in hot
    /// loops, see `loops.rs`), and `is None`/`is not None` among the tests of
    /// variables that may hold None.
    pub sentinels: bool,
    /// Int expressions made with `divmod`, `pow` (with a modulus too),
    /// `hex`/`oct`/`bin` and `any`/`all` over lists and generator
    /// expressions (see `builtins.rs`).
    pub builtins: bool,
    /// Idiom kernels appended after generation: `del` of items, slices,
    /// keys, attributes and locals, star unpacking, `str.format`, the newer
    /// str methods and `type(v)` in hot loops whose values change at
    /// iteration K (see `idioms.rs`).
    pub idioms: bool,
    /// A library kernel appended after generation: a hot loop calling a
    /// few of about 250 str, list, tuple, range, dict, set, int and float
    /// methods, builtins and operators with edge-case arguments, every
    /// result or exception recorded (see `library.rs`).
    pub library: bool,
    /// Sampled `print` inside loops.
    pub prints_in_loops: bool,
    /// A deliberate `ZeroDivisionError` (in a loop at iteration K, or at the end).
    pub zero_div: bool,
    /// A deliberate `NameError`.
    pub name_error: bool,
    /// A deliberate `UnboundLocalError` (a global read in a function that
    /// assigns it later).
    pub unbound_local: bool,
    /// Module globals (1..=6).
    pub globals: u8,
    /// Functions (1..=5 when `functions` is on).
    pub funcs: u8,
    /// Statements per block (1..=6).
    pub block_stmts: u8,
    /// Expression depth (1..=4).
    pub expr_depth: u8,
    /// Statements in the whole program (8..=70).
    pub max_stmts: u8,
    /// Largest loop trip count (8..=3000).
    pub max_trip: u32,
    /// Planned fuel for the whole run (<= [`FUEL_CAP`]).
    pub fuel_budget: u32,
    /// Planned printed lines (about).
    pub line_budget: u32,
    /// A small share of programs crosses a resource limit on purpose
    /// (see `poison.rs`).
    pub poison: bool,
}

impl Default for GenConfig {
    /// Everything except the deliberate exceptions, medium sizes.
    fn default() -> Self {
        GenConfig {
            hot_loops: true,
            nested_loops: true,
            while_loops: true,
            break_continue: true,
            functions: true,
            recursion: true,
            none_returns: true,
            global_rebind: true,
            func_rebind: true,
            big_ints: true,
            growth: true,
            boundary_accumulate: true,
            branch_flip: true,
            chained_cmp: true,
            bool_values: true,
            bool_arith: true,
            div_mod: true,
            neg_divisors: true,
            aug_assign: true,
            bitwise: true,
            cond_exprs: true,
            floats: true,
            // Off by default until every tier runs them.
            sequences: false,
            // Off by default until every tier runs them.
            strings: false,
            syntax: false,
            iteration: false,
            classes: false,
            exceptions: false,
            dunders: false,
            shape_changes: false,
            closures: false,
            sets: false,
            star_calls: false,
            generators: false,
            // Off by default until every tier runs them.
            dicts: false,
            sentinels: false,
            builtins: false,
            idioms: false,
            library: false,
            prints_in_loops: true,
            zero_div: false,
            name_error: false,
            unbound_local: false,
            globals: 3,
            funcs: 3,
            block_stmts: 4,
            expr_depth: 3,
            max_stmts: 40,
            max_trip: 1000,
            fuel_budget: 3000,
            line_budget: 20,
            poison: true,
        }
    }
}

impl GenConfig {
    /// The features a guided campaign may turn on or off in a program's
    /// configuration (`guided.rs`'s siblings), by name: every feature but
    /// the deliberate exceptions and limit crossings, which end a run early
    /// and are kept at their own rare odds.
    pub fn features_mut(&mut self) -> [(&'static str, &mut bool); 40] {
        [
            ("hot_loops", &mut self.hot_loops),
            ("nested_loops", &mut self.nested_loops),
            ("while_loops", &mut self.while_loops),
            ("break_continue", &mut self.break_continue),
            ("functions", &mut self.functions),
            ("recursion", &mut self.recursion),
            ("none_returns", &mut self.none_returns),
            ("global_rebind", &mut self.global_rebind),
            ("func_rebind", &mut self.func_rebind),
            ("big_ints", &mut self.big_ints),
            ("growth", &mut self.growth),
            ("boundary_accumulate", &mut self.boundary_accumulate),
            ("branch_flip", &mut self.branch_flip),
            ("chained_cmp", &mut self.chained_cmp),
            ("bool_values", &mut self.bool_values),
            ("bool_arith", &mut self.bool_arith),
            ("div_mod", &mut self.div_mod),
            ("neg_divisors", &mut self.neg_divisors),
            ("aug_assign", &mut self.aug_assign),
            ("bitwise", &mut self.bitwise),
            ("cond_exprs", &mut self.cond_exprs),
            ("floats", &mut self.floats),
            ("sequences", &mut self.sequences),
            ("strings", &mut self.strings),
            ("syntax", &mut self.syntax),
            ("iteration", &mut self.iteration),
            ("classes", &mut self.classes),
            ("exceptions", &mut self.exceptions),
            ("dunders", &mut self.dunders),
            ("shape_changes", &mut self.shape_changes),
            ("closures", &mut self.closures),
            ("sets", &mut self.sets),
            ("star_calls", &mut self.star_calls),
            ("generators", &mut self.generators),
            ("dicts", &mut self.dicts),
            ("sentinels", &mut self.sentinels),
            ("builtins", &mut self.builtins),
            ("idioms", &mut self.idioms),
            ("library", &mut self.library),
            ("prints_in_loops", &mut self.prints_in_loops),
        ]
    }
}

/// Share (%) of swarm configurations with `strings` on (`jitdiff gen
/// --strings` and [`generate_from_seed_with`] force it on).
const STRINGS_PCT: u32 = 50;

/// A coin that comes up heads `pct`% of the time; tails once `u` is empty.
fn coin(u: &mut Unstructured, pct: u32) -> bool {
    !u.is_empty() && u.int_in_range(0..=99u32).unwrap_or(99) < pct
}

fn in_range(u: &mut Unstructured, lo: u32, hi: u32) -> u32 {
    u.int_in_range(lo..=hi).unwrap_or(lo)
}

impl<'a> Arbitrary<'a> for GenConfig {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        // Most features are on with probability ~2/3 (swarm: interactions of
        // a random subset); deliberate exceptions are rare so that most runs
        // compare complete executions.
        let mut f = |p| coin(u, p);
        let mut c = GenConfig {
            hot_loops: f(90),
            nested_loops: f(65),
            while_loops: f(55),
            break_continue: f(55),
            functions: f(80),
            recursion: f(45),
            none_returns: f(40),
            global_rebind: f(60),
            func_rebind: f(45),
            big_ints: f(70),
            growth: f(45),
            boundary_accumulate: f(50),
            branch_flip: f(65),
            chained_cmp: f(55),
            bool_values: f(55),
            bool_arith: f(45),
            div_mod: f(65),
            neg_divisors: f(55),
            aug_assign: f(70),
            prints_in_loops: f(60),
            zero_div: f(4),
            name_error: f(2),
            unbound_local: f(2),
            ..GenConfig::default()
        };
        c.globals = in_range(u, 1, 6) as u8;
        c.funcs = in_range(u, 1, 5) as u8;
        c.block_stmts = in_range(u, 1, 6) as u8;
        c.expr_depth = in_range(u, 1, 4) as u8;
        c.max_stmts = in_range(u, 8, 70) as u8;
        c.max_trip = 32 << in_range(u, 0, 6); // 32 ..= 2048, log-uniform
        // Mostly a few hundred to a few thousand fuel; occasionally much more.
        let scale = if coin(u, 10) { 20_000 } else { 5_000 };
        c.fuel_budget = (100 + in_range(u, 0, 100) * scale / 100).min(FUEL_CAP);
        // `classes` reads the line budget's byte instead of drawing one:
        // the budget is `4 + byte % 37`, `classes` is `(byte / 37) % 3 ==
        // 1` (about one in three, about independent of the budget).
        let budget_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.classes = budget_byte.is_some_and(|b| (b / 37) % 3 == 1);
        // `dunders` reads the same byte: `(byte / 37) % 3 == 2` on even
        // bytes (about one in six, never with `classes`).
        c.dunders = budget_byte.is_some_and(|b| (b / 37) % 3 == 2 && b % 2 == 0);
        // `shape_changes` reads it too: `(byte / 37) % 3 == 2` on odd bytes
        // or `(byte / 37) % 3 == 0` on bytes `== 1 (mod 4)` (about one in
        // four, never with `classes` or `dunders`).
        c.shape_changes = budget_byte.is_some_and(|b| {
            let third = (b / 37) % 3;
            (third == 2 && b % 2 == 1) || (third == 0 && b % 4 == 1)
        });
        c.line_budget = in_range(u, 4, 40);
        // `generators` and `exceptions` read the bitwise coin's byte
        // instead of drawing one, so every other decision (and every
        // program without them) stays what it was: `bitwise` is `byte %
        // 100 < 45`, `generators` is `(byte / 13) % 4 == 2` (about one in
        // four), `exceptions` is `(byte / 9) % 3 == 2` (about one in three).
        let bitwise_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.generators = bitwise_byte.is_some_and(|b| (b / 13) % 4 == 2);
        c.exceptions = bitwise_byte.is_some_and(|b| (b / 9) % 3 == 2);
        // Drawn last, so the features above stay what they were per input.
        c.bitwise = coin(u, 45);
        // `closures` reads the cond_exprs coin's byte instead of drawing
        // one, so every other decision (and every program without
        // closures) stays what it was: `cond_exprs` is `byte % 100 < 40`,
        // `closures` is `(byte / 5) % 4 == 0` (about one in four, about
        // independent of `cond_exprs` and of the other peeked bytes).
        let cond_exprs_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.closures = cond_exprs_byte.is_some_and(|b| (b / 5) % 4 == 0);
        // `sets` reads the cond_exprs coin's byte instead of drawing one
        // (no other feature reads it): `cond_exprs` is `byte % 100 < 40`,
        // `sets` is `(byte / 11) % 5 == 3` (one in five, about independent),
        // and only with one of the other rewrites on (below): a program the
        // recorded generator streams had stays byte for byte the same.
        let cond_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.cond_exprs = coin(u, 40);
        // `iteration` reads the floats coin's byte instead of drawing one
        // (as `syntax` and `dicts` do below): `floats` is `byte % 100 <
        // 50`, `iteration` is `(byte / 3) % 3 == 1` (about one in three).
        let floats_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.iteration = floats_byte.is_some_and(|b| (b / 3) % 3 == 1);
        // `sentinels` reads the same byte: `(byte / 5) % 4 == 1` (one in
        // four, about independent of `floats` and `iteration`).
        c.sentinels = floats_byte.is_some_and(|b| (b / 5) % 4 == 1);
        c.floats = coin(u, 50);
        // `syntax` reads the sequences coin's byte instead of drawing one,
        // so every other decision stays what it was: `sequences` is
        // `byte % 100 < 50`, `syntax` is `(byte / 7) % 3 == 0` (about one
        // in three, about independent of `sequences`).
        let sequences_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.syntax = sequences_byte.is_some_and(|b| (b / 7) % 3 == 0);
        // `star_calls` reads the same byte, only with `syntax` on (half of
        // those programs): a program without `syntax` is unchanged.
        c.star_calls = sequences_byte.is_some_and(|b| (b / 7) % 3 == 0 && (b / 21) % 2 == 1);
        c.sequences = coin(u, 50);
        // Drawn last, so the features before it keep their draws.
        let strings_byte = u.peek_bytes(1).and_then(|b| b.first().copied());
        c.strings = coin(u, STRINGS_PCT);
        // `dicts` reads the strings coin's byte instead of drawing one, so
        // every other decision (and every program without dicts) stays
        // what it was: `strings` is `byte % 100 < 50`, `dicts` is
        // `byte % 4 == 3` (one in four, about independent of `strings`).
        c.dicts = strings_byte.is_some_and(|b| b % 4 == 3);
        // `builtins` reads the same byte: `(byte / 4) % 4 == 1` (one in
        // four, about independent of `strings` and `dicts`).
        c.builtins = strings_byte.is_some_and(|b| (b / 4) % 4 == 1);
        // `library` reads it too: `(byte / 16) % 4 == 3` (one in four,
        // independent of `dicts` and `builtins`, about independent of `strings`).
        c.library = strings_byte.is_some_and(|b| (b / 16) % 4 == 3);
        c.sets =
            cond_byte.is_some_and(|b| (b / 11) % 5 == 3) && (c.dicts || c.syntax || c.iteration);
        // `idioms` reads the same byte: `(byte / 17) % 4 == 2` (one in
        // four, about independent of `cond_exprs`, `closures` and `sets`).
        c.idioms = cond_byte.is_some_and(|b| (b / 17) % 4 == 2);
        Ok(c)
    }
}

/// A kernel feature's choice: true `pct` percent of the time, never once
/// the bytes have run out (shared by the features that append kernels).
/// The kernels' change at iteration K of a hot loop: the statement
/// `change` run inline in the loop body (indented for it), or from a
/// callee `<fun>_poke(i)` the loop calls every iteration. Returns the
/// callee's definition (empty inline) and the loop's lines.
pub(super) fn rebind_at(fun: &str, at: u32, change: &str, from_callee: bool) -> (String, String) {
    if from_callee {
        (
            format!("def {fun}_poke(i):\n    if i == {at}:\n        {change}\n"),
            format!("        {fun}_poke(i)\n"),
        )
    } else {
        (
            String::new(),
            format!("        if i == {at}:\n            {change}\n"),
        )
    }
}

fn chance(u: &mut Unstructured, pct: u32) -> bool {
    !u.is_empty() && u.int_in_range(0..=99u32).unwrap_or(99) < pct
}

/// Draws a swarm configuration from `u`, then a program.
pub fn generate(u: &mut Unstructured) -> arbitrary::Result<Module> {
    let cfg = GenConfig::arbitrary(u)?;
    generate_with(u, &cfg)
}

/// Generates a program with the given features. Never fails in practice:
/// an exhausted `u` just makes every later choice the simplest one.
pub fn generate_with(u: &mut Unstructured, cfg: &GenConfig) -> arbitrary::Result<Module> {
    let mut m = state::Gen::new(u, cfg).program();
    // After the program, from the bytes left: the program itself is the
    // one the seed gives without the feature.
    if cfg.syntax {
        syntax::rewrite(&mut m, u);
    }
    if cfg.iteration {
        iteration::rewrite(&mut m, u);
    }
    if cfg.closures {
        closures::rewrite(&mut m, u);
    }
    if cfg.sets {
        sets::rewrite(&mut m, u);
    }
    if cfg.star_calls {
        star_calls::rewrite(&mut m, u);
    }
    // Last: class kernels are appended after every rewrite, which leaves
    // them as their templates make them.
    if cfg.classes {
        classes::rewrite(&mut m, u);
    }
    if cfg.exceptions {
        exceptions::rewrite(&mut m, u);
    }
    // After the class kernels, from the bytes they left.
    if cfg.generators {
        generators::rewrite(&mut m, u);
    }
    if cfg.dunders {
        dunders::rewrite(&mut m, u);
    }
    if cfg.shape_changes {
        shapes::rewrite(&mut m, u);
    }
    // Last, from the bytes every other feature left: a program without
    // `idioms` is what it was before the feature existed.
    if cfg.idioms {
        idioms::rewrite(&mut m, u);
    }
    // After the idioms, for the same reason.
    if cfg.library {
        library::rewrite(&mut m, u);
    }
    // Draws nothing, so it goes last: the methods of every kernel, called
    // with keywords (`syntax`).
    if cfg.syntax {
        keywords::method_keyword_calls(&mut m);
        keywords::keyword_only_params(&mut m);
        star_displays::star_displays(&mut m);
        walrus::assignment_expressions(&mut m);
    }
    Ok(m)
}

/// Deterministic program for a seed (the campaign's unit of reproduction).
pub fn generate_from_seed(seed: u64) -> Module {
    let bytes = seed_bytes(seed);
    let mut u = Unstructured::new(&bytes);
    generate(&mut u).unwrap_or_else(|_| tiny_program())
}

/// [`generate_from_seed`] with the drawn configuration adjusted before the
/// program is generated (forcing a feature on: the configuration's other
/// draws are the seed's own).
pub fn generate_from_seed_with(seed: u64, adjust: impl FnOnce(&mut GenConfig)) -> Module {
    generate_from_seed_configured(seed, adjust).1
}

/// [`generate_from_seed_with`], and the configuration the program was
/// generated with (`None` for the fallback program).
pub fn generate_from_seed_configured(
    seed: u64,
    adjust: impl FnOnce(&mut GenConfig),
) -> (Option<GenConfig>, Module) {
    let bytes = seed_bytes(seed);
    let mut u = Unstructured::new(&bytes);
    let Ok(mut cfg) = GenConfig::arbitrary(&mut u) else {
        return (None, tiny_program());
    };
    adjust(&mut cfg);
    match generate_with(&mut u, &cfg) {
        Ok(m) => (Some(cfg), m),
        Err(_) => (None, tiny_program()),
    }
}

/// The bytes `generate_from_seed(seed)` generates from: written to a file,
/// they are a fuzz artifact for the same program.
pub fn seed_bytes(seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bytes = vec![0u8; 8192];
    rng.fill_bytes(&mut bytes);
    bytes
}

/// The fallback program (never expected to be needed).
fn tiny_program() -> Module {
    Module {
        body: vec![
            Stmt::Assign {
                target: "x".into(),
                value: Expr::int(1),
            },
            Stmt::Expr(Expr::call("print", vec![Expr::name("x")])),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};

    #[test]
    fn empty_input_gives_a_valid_program() {
        let mut u = Unstructured::new(&[]);
        let m = generate(&mut u).unwrap();
        assert!(!m.body.is_empty());
        assert_eq!(parse_program(&unparse(&m)), Ok(m));
    }

    #[test]
    fn all_zero_and_all_ff_inputs_terminate() {
        for b in [0u8, 0xff, 0x80, 0x7f] {
            let bytes = vec![b; 4096];
            let m = generate(&mut Unstructured::new(&bytes)).unwrap();
            assert_eq!(parse_program(&unparse(&m)), Ok(m));
        }
    }

    #[test]
    fn default_config_uses_the_jit_features() {
        let src: String = (0..40u64)
            .map(|s| {
                let mut rng = StdRng::seed_from_u64(s);
                let mut bytes = vec![0u8; 8192];
                rng.fill_bytes(&mut bytes);
                let m =
                    generate_with(&mut Unstructured::new(&bytes), &GenConfig::default()).unwrap();
                unparse(&m)
            })
            .collect();
        for needle in [
            "for ", "while ", "def ", "range(", "print(", "%", " and ", " or ",
        ] {
            assert!(src.contains(needle), "no {needle:?} in 40 programs");
        }
    }
}
