//! The reference against CPython 3.11 on operator and protocol dunders of
//! user classes: every program the VM's tiers are checked with
//! (vm/tests/common/dunder_programs.rs) gives the same output, ending and
//! globals on the reference as on python3; and what the language leaves
//! to code that cannot call Python poisons.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

include!("../../vm/tests/common/dunder_programs.rs");

#[test]
fn reference_agrees_with_cpython_on_the_vm_dunder_programs() {
    agree(DUNDER_PROGRAMS.iter().map(|s| s.to_string()).collect());
}

/// The VM's division and unary dunder programs
/// (vm/tests/data/arith_dunders.txt).
#[test]
fn reference_agrees_with_cpython_on_division_and_unary_dunders() {
    let programs = include_str!("../../vm/tests/data/arith_dunders.txt");
    agree(programs.split("\n#----\n").map(str::to_string).collect());
}

/// The VM's `with` programs (vm/tests/data/with_statement.txt): the
/// front end lowers `with`, and the reference runs what it lowers to,
/// whose hidden `__jd_with` globals CPython lacks.
#[test]
fn reference_agrees_with_cpython_on_with_statements() {
    let programs = include_str!("../../vm/tests/data/with_statement.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    let cpython = python::run_all(&sources);
    for (src, theirs) in sources.iter().zip(&cpython) {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let RunResult::Completed(mut ours) = reference::run(&module) else {
            panic!("{src}: {:?}", reference::run(&module));
        };
        ours.globals
            .retain(|(name, _)| !name.starts_with("__jd_with"));
        assert_eq!(ours, *theirs, "{src}");
    }
}

/// The VM's user iterator programs (vm/tests/data/iterator_protocol.txt).
#[test]
fn reference_agrees_with_cpython_on_user_iterators() {
    let programs = include_str!("../../vm/tests/data/iterator_protocol.txt");
    agree(programs.split("\n#----\n").map(str::to_string).collect());
}

/// The VM's `__call__` program (vm/tests/data/call_dunder.txt).
#[test]
fn reference_agrees_with_cpython_on_call_dunder() {
    agree(vec![
        include_str!("../../vm/tests/data/call_dunder.txt").to_string(),
    ]);
}

fn agree(sources: Vec<String>) {
    let cpython = python::run_all(&sources);
    let mut failures = Vec::new();
    for (i, (src, theirs)) in sources.iter().zip(&cpython).enumerate() {
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e}"));
        match reference::run(&module) {
            RunResult::Completed(ours) if ours == *theirs => {}
            other => failures.push(format!(
                "--- program {i}\n{src}reference: {other:#?}\ncpython:   {theirs:#?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The VM's programs of builtins comparing instances
/// (vm/tests/data/item_compare.txt).
#[test]
fn reference_agrees_with_cpython_on_builtins_comparing_instances() {
    let programs = include_str!("../../vm/tests/data/item_compare.txt");
    agree(programs.split("\n#----\n").map(str::to_string).collect());
}

#[test]
fn long_sorts_calling_a_user_lt_poison_the_reference() {
    for src in LONG_USER_SORTS {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::SortOrder),
            "{src}"
        );
    }
}

#[test]
fn dunders_only_a_call_could_answer_poison_the_reference() {
    for src in DUNDER_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::Unmodelled),
            "{src}"
        );
    }
}
