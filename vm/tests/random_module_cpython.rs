//! End-to-end: the seeded `random` module (`seed`, `random`, `randint`,
//! `randrange` with steps of either sign, `choice` of lists, tuples, strs
//! and ranges, `shuffle`, `uniform`, `getrandbits` past 64 bits, `from
//! random import ...`) draws what CPython 3.11 draws in every tier, hot
//! loops of draws included, with CPython's errors; what only the OS or an
//! address could answer poisons. The programs are shared with the
//! reference's test (oracle/tests/reference_random_module.rs).

mod common;

use common::check_against_cpython;
use jitdiff_vm::Vm;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

const PROGRAMS: &str = include_str!("data/random.txt");

#[test]
fn every_tier_draws_what_cpython_draws() {
    let sources: Vec<String> = PROGRAMS.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() >= 3, "{} programs", sources.len());
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

include!("common/poison_programs.rs");

#[test]
fn draws_only_the_os_or_an_address_could_answer_poison_every_tier() {
    for (src, poison) in RANDOM_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        for (name, config) in common::configs() {
            let out = Vm::new(config).run_module(&module);
            assert_eq!(out.result, RunResult::Poisoned(*poison), "{name}: {src}");
        }
    }
}

#[test]
fn only_the_modelled_functions_can_be_imported() {
    for (src, what) in [
        ("from random import sample\n", "`from random import sample`"),
        ("from random import Random\n", "`from random import Random`"),
        ("import re\n", "import of module `re`"),
    ] {
        let err = parse_program(src).unwrap_err();
        assert!(err.message.contains(what), "{src}: {}", err.message);
    }
    let src = "import random as r\nfrom random import randint as ri, seed\nseed(3)\nprint(ri(1, 2), r.random())\n";
    let module = parse_program(src).unwrap();
    assert_eq!(jitdiff_vm::lang::unparse(&module), src);
}
