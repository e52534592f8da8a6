//! The `dicts` generator feature: programs with it off are byte for byte
//! the programs of the commit before it existed (planted-bug tests are
//! pinned to seeds), dict nodes appear only when it is on, and its
//! programs round-trip through the printer and run and terminate under
//! `python3` with only the planned exceptions.

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Arbitrary, Unstructured};
use jitdiff_oracle::generator::{
    GenConfig, generate, generate_from_seed, generate_from_seed_with, generate_with, seed_bytes,
};
use jitdiff_vm::lang::ast::{CmpOp, Expr, Module, Stmt};
use jitdiff_vm::lang::{Ending, parse_program, unparse};
use proptest::prelude::*;

/// FNV-1a of a program's text (the pinned hashes do not depend on std's
/// hasher).
fn fnv(src: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in src.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Whether the drawn configuration of `bytes` has a feature on that was
/// added after the recorded hashes: `dicts`, `syntax`, `iteration`,
/// `classes`, `exceptions`, `dunders`, `closures`, `sets`, `generators`,
/// `shape_changes`, `sentinels`, `builtins`, `idioms` or `library` (each reads an existing coin's byte, so
/// with all off the program is the old one).
fn draws_dicts(bytes: &[u8]) -> bool {
    GenConfig::arbitrary(&mut Unstructured::new(bytes)).is_ok_and(|c| {
        c.dicts
            || c.syntax
            || c.iteration
            || c.classes
            || c.exceptions
            || c.dunders
            || c.closures
            || c.sets
            || c.generators
            || c.shape_changes
            || c.sentinels
            || c.builtins
            || c.idioms
            || c.library
    })
}

/// Every program drawn the ways the campaign, `jitdiff gen` and the fuzz
/// targets draw them (short inputs too, which run dry), in the order of
/// `data/generator_base_hashes.txt`, with whether its input draws dicts.
fn programs() -> Vec<(String, bool)> {
    let mut out = vec![];
    for s in 0..300 {
        let dicts = draws_dicts(&seed_bytes(s));
        out.push((unparse(&generate_from_seed(s)), dicts));
    }
    for s in 0..60 {
        let dicts = draws_dicts(&seed_bytes(s));
        let seqs = generate_from_seed_with(s, |c| c.sequences = true);
        out.push((unparse(&seqs), dicts));
        let strs = generate_from_seed_with(s, |c| c.strings = true);
        out.push((unparse(&strs), dicts));
    }
    for s in 0..300u64 {
        let bytes = seed_bytes(s + 1000);
        let bytes = &bytes[..(s as usize * 37) % 700];
        let m = generate(&mut Unstructured::new(bytes)).expect("generation is total");
        out.push((unparse(&m), draws_dicts(bytes)));
    }
    out
}

/// The programs' hashes recorded at the commit before the feature
/// existed (bb9b3ab): every program whose input draws dicts off is
/// unchanged, byte for byte. Some were re-recorded on purpose since:
/// programs 210 and 494 when the str pair flip began turning only one
/// operand into an int (`strs_stmt.rs::pair_flip`), and 44, 70, 153, 256,
/// 389, 494 and 569 when a float variable's rebind to an int began to be
/// followed by a use of it (`floats.rs::float_rebind_use`), and 44, 256,
/// 282, 289 and 389 when str methods began to take their optional
/// arguments (`strip(chars)`, a `replace` count, `split`'s maxsplit, start
/// and end of `find`/`count`/`startswith`/`endswith`), and 44, 222, 289,
/// 389 and 657 when `for` loops over `range(a, b, step)` began to draw a
/// stop inside the last step (`loops.rs::for_loop`), and 44, 222, 388, 389
/// and 657 when the float constants gained 1.25e-4 (`floats.rs`).
#[test]
fn programs_without_dicts_are_unchanged() {
    let base: Vec<&str> = include_str!("data/generator_base_hashes.txt")
        .lines()
        .collect();
    let programs = programs();
    assert_eq!(base.len(), programs.len());
    let mut compared = 0;
    for (i, ((src, dicts), want)) in programs.iter().zip(&base).enumerate() {
        if !dicts {
            compared += 1;
            assert_eq!(
                &format!("{:016x}", fnv(src)),
                want,
                "program {i} changed:\n{src}"
            );
        }
    }
    // Each later feature is on for a share of the programs, so the share
    // left to compare shrinks with every one (fourteen features now: 23
    // programs; 26 before `library`, 32 before `idioms`, 68 before
    // `shape_changes`).
    assert!(
        compared >= 21,
        "only {compared} programs with the later features off"
    );
}

/// The dict node kinds a program uses (displays, `is`, dict methods).
fn dict_nodes(m: &Module) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    let src = unparse(m);
    for (needle, kind) in [
        ("{", "display"),
        (" is ", "is"),
        (".get(", "get"),
        (".items()", "items"),
        (".values()", "values"),
        (".keys()", "keys"),
        (".setdefault(", "setdefault"),
        (".pop(", "pop"),
        (".copy()", "copy"),
        (" | ", "or"),
        (" += ", "aug"),
    ] {
        if src.contains(needle) {
            out.insert(kind);
        }
    }
    // `{` also opens nothing else in the language, so displays are exact;
    // check the AST agrees (a display, or an `is` comparison).
    let has_dict = src.contains('{');
    assert_eq!(has_dict, ast_has(&m.body), "{src}");
    out.retain(|k| has_dict || !matches!(*k, "display" | "is"));
    out
}

/// Whether `body` has a dict display or an `is` comparison.
fn ast_has(body: &[Stmt]) -> bool {
    fn expr(e: &Expr) -> bool {
        match e {
            Expr::Dict(_) => true,
            Expr::Compare { ops, .. }
                if ops.iter().any(|o| matches!(o, CmpOp::Is | CmpOp::IsNot)) =>
            {
                true
            }
            _ => {
                let mut found = false;
                e.for_each_child(&mut |c| found |= expr(c));
                found
            }
        }
    }
    body.iter().any(|s| {
        let mut found = false;
        s.for_each_expr(&mut |e| found |= expr(e));
        found
    })
}

/// With `sets` off: its set displays would open `{` too; with `sentinels`
/// off: its tests for None are `is` comparisons outside any dict; with
/// `idioms` off: its `str.format` texts hold `{`; with `library` off: its
/// kernels call dict methods and format with `{`; with `classes` off: its
/// dataclass kernel's `__init__` and loop test `is`.
fn dict_program(seed: u64) -> Module {
    dict_program_with(seed, false)
}

/// [`dict_program`] with the classes feature as drawn (the runs under
/// python3 do not look for `is`).
fn dict_program_as_drawn(seed: u64) -> Module {
    dict_program_with(seed, true)
}

fn dict_program_with(seed: u64, classes_as_drawn: bool) -> Module {
    generate_from_seed_with(seed, |c| {
        c.dicts = true;
        c.sets = false;
        c.sentinels = false;
        c.idioms = false;
        c.library = false;
        if !classes_as_drawn {
            c.classes = false;
        }
    })
}

#[test]
fn dict_feature_uses_dict_nodes_and_only_when_on() {
    let mut seen = BTreeMap::new();
    let mut with_displays = 0;
    for seed in 0..300 {
        let m = dict_program(seed);
        let kinds = dict_nodes(&m);
        with_displays += usize::from(kinds.contains("display"));
        for k in kinds {
            *seen.entry(k).or_insert(0) += 1;
        }
        let off = generate_from_seed_with(seed, |c| {
            c.dicts = false;
            c.sets = false;
            // Exception and dunder kernels hold dicts.
            c.exceptions = false;
            c.generators = false;
            c.dunders = false;
            // Shape-change kernels turn locals into dicts.
            c.shape_changes = false;
            // `f(**{'q': a})` unpacks a dict display.
            c.star_calls = false;
            // None sentinels are tested with `is`.
            c.sentinels = false;
            // Idiom kernels delete dict keys.
            c.idioms = false;
            // Library kernels call dict methods.
            c.library = false;
            // The dataclass kernel tests `is`.
            c.classes = false;
        });
        assert!(!ast_has(&off.body), "seed {seed}: {}", unparse(&off));
    }
    // Most programs: 193 of 300 since `for` loops draw a stop inside the
    // last step (at least 200 before; the draw shifts every later choice).
    assert!(with_displays >= 180, "{with_displays} of 300: {seen:?}");
    for kind in [
        "is",
        "get",
        "items",
        "values",
        "keys",
        "setdefault",
        "pop",
        "copy",
        "or",
    ] {
        let n = seen.get(kind).copied().unwrap_or(0);
        assert!(n >= 10, "{kind} in only {n} of 300 programs: {seen:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn dict_programs_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        let mut u = Unstructured::new(&bytes);
        let mut cfg = GenConfig::arbitrary(&mut u).unwrap();
        cfg.dicts = true;
        let m = generate_with(&mut u, &cfg).unwrap();
        let src = unparse(&m);
        prop_assert_eq!(parse_program(&src), Ok(m), "{}", src);
    }
}

/// 300 programs with dicts forced on under `python3` (fails if python3 is
/// missing): they finish within the timeout, and the only exceptions are
/// the other features' planned ones and the dict ones (KeyError, the
/// changed-size RuntimeError), rarely.
#[test]
fn dict_programs_run_and_terminate_under_python3() {
    let sources: Vec<String> = (0..300)
        .map(|s| unparse(&dict_program_as_drawn(s)))
        .collect();
    let outcomes = jitdiff_oracle::cpython::run_many(&sources, 300);
    let mut endings = BTreeMap::new();
    for (seed, (got, src)) in outcomes.into_iter().zip(&sources).enumerate() {
        let got = got.unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
        if let Ending::Exception { kind, .. } = &got.ending {
            let planned = [
                "KeyError",
                "RuntimeError",
                "ZeroDivisionError",
                "NameError",
                "UnboundLocalError",
                "OverflowError",
                "IndexError",
                "TypeError",
                "ValueError",
                "RecursionError",
                // The classes feature's missing-attribute kernel.
                "AttributeError",
            ];
            // The exceptions feature's uncaught kernel raises its own
            // class (`Exc0Fatal`).
            assert!(
                planned.contains(&kind.as_str()) || kind.starts_with("Exc"),
                "seed {seed}: {:?}\n{src}",
                got.ending
            );
            *endings.entry(kind.clone()).or_insert(0) += 1;
        }
    }
    let dict_errors =
        endings.get("KeyError").unwrap_or(&0) + endings.get("RuntimeError").unwrap_or(&0);
    assert!(dict_errors <= 15, "{endings:?}");
}
