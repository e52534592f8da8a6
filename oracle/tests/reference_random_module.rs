//! The reference against CPython 3.11 on the seeded `random` module: the
//! programs the VM's tiers are checked with (vm/tests/data/random.txt)
//! draw the same numbers, print the same and end the same on the
//! reference as on python3 (its Mersenne Twister is its own, written from
//! `_randommodule.c`); what the VM poisons, the reference poisons alike.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

include!("../../vm/tests/common/poison_programs.rs");

const PROGRAMS: &str = include_str!("../../vm/tests/data/random.txt");

#[test]
fn reference_draws_what_cpython_draws() {
    let sources: Vec<String> = PROGRAMS.split("\n#----\n").map(str::to_string).collect();
    let cpython = python::run_all(&sources);
    let mut failures = Vec::new();
    for (i, (src, theirs)) in sources.iter().zip(&cpython).enumerate() {
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e}\n{src}"));
        match reference::run(&module) {
            RunResult::Completed(ours) if ours == *theirs => {}
            other => failures.push(format!(
                "--- program {i}\n{src}reference: {other:#?}\ncpython:   {theirs:#?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn what_the_vm_poisons_the_reference_poisons() {
    for (src, poison) in RANDOM_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(*poison),
            "{src}"
        );
    }
}
