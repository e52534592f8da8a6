//! The reference is Python, not our opinion of Python: every corpus program
//! and 200 generated programs (fixed seeds) must print the same text and end
//! with the same exception type and message under `python3` as under the
//! reference interpreter.

use std::path::Path;

use jitdiff_oracle::{cpython, generator, reference};
use jitdiff_vm::lang::limits::{LimitOverrides, Limits};
use jitdiff_vm::lang::{Module, RunResult, parse_program, unparse};

fn check(name: &str, module: &Module, limits: Limits, failures: &mut Vec<String>) -> bool {
    let RunResult::Completed(want) = reference::run_with_limits(module, limits) else {
        return false; // poisoned: CPython has no such limits, nothing to compare
    };
    let source = unparse(module);
    let got = cpython::run(&source, 20)
        .unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
    if got.output != want.output || got.ending != want.ending {
        failures.push(format!(
            "{name}:\n{source}\nreference: {:?} {:?}\ncpython:   {:?} {:?}",
            want.ending, want.output, got.ending, got.output
        ));
    }
    true
}

#[test]
fn reference_agrees_with_cpython_on_corpus_and_generated_programs() {
    let mut failures = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut corpus = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            let src = std::fs::read_to_string(&path).unwrap();
            let module = parse_program(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                check(
                    &path.display().to_string(),
                    &module,
                    LimitOverrides::default().limits_for(&src).unwrap(),
                    &mut failures
                ),
                "{} is poisoned",
                path.display()
            );
            corpus += 1;
        }
    }
    let mut compared = 0;
    let mut seed = 0;
    while compared < 200 {
        if check(
            &format!("generated seed {seed}"),
            &generator::generate_from_seed(seed),
            Limits::default(),
            &mut failures,
        ) {
            compared += 1;
        }
        seed += 1;
        assert!(seed < 400, "too many poisoned programs");
    }
    assert!(corpus >= 15);
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The float feature against CPython: 500 generated programs that use
/// floats (float globals, boundary values, mixed arithmetic, type changes
/// mid-loop) print and end the same under `python3` as under the reference.
#[test]
fn reference_agrees_with_cpython_on_generated_float_programs() {
    let mut failures = Vec::new();
    let (mut compared, mut seed) = (0, 1000);
    while compared < 500 {
        let module = generator::generate_from_seed(seed);
        seed += 1;
        if !unparse(&module).contains("fl0 = ") {
            continue;
        }
        if check(
            &format!("generated seed {}", seed - 1),
            &module,
            Limits::default(),
            &mut failures,
        ) {
            compared += 1;
        }
        assert!(seed < 3000, "too few float programs");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The sequences feature against CPython: 500 generated programs with
/// lists and tuples forced on (methods, slices, aliasing, unpacking, loops
/// over lists mutated while iterated, int/list/tuple type changes
/// mid-loop, the planned IndexError/TypeError/ValueError) print and end
/// the same under `python3` as under the reference.
#[test]
fn reference_agrees_with_cpython_on_generated_sequence_programs() {
    let mut failures = Vec::new();
    let (mut compared, mut seed) = (0, 5000);
    while compared < 500 {
        let module = generator::generate_from_seed_with(seed, |c| c.sequences = true);
        seed += 1;
        if check(
            &format!("generated seed {} (jitdiff gen --sequences)", seed - 1),
            &module,
            Limits::default(),
            &mut failures,
        ) {
            compared += 1;
        }
        assert!(seed < 5600, "too many poisoned programs");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The strings feature against CPython: 500 generated programs with ASCII
/// strings forced on (literals with escapes and both quotes, `+ * %`,
/// slices, methods, `str`/`repr`/`chr`/`ord`/`int`/`float`, string-building
/// hot loops, int/str type changes mid-loop, `print(sep=, end=)`, the
/// planned TypeError/ValueError) print and end the same under `python3` as
/// under the reference. Passes once the reference runs strings.
#[test]
fn reference_agrees_with_cpython_on_generated_string_programs() {
    let mut failures = Vec::new();
    let (mut compared, mut seed) = (0, 9000);
    while compared < 500 {
        let module = generator::generate_from_seed_with(seed, |c| c.strings = true);
        seed += 1;
        if check(
            &format!("generated seed {} (jitdiff gen --strings)", seed - 1),
            &module,
            Limits::default(),
            &mut failures,
        ) {
            compared += 1;
        }
        assert!(seed < 9600, "too many poisoned programs");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
