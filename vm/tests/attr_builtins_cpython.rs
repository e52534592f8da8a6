//! End-to-end: `getattr` (with and without a default), `hasattr`,
//! `setattr` and `callable` on instances and classes (properties, class
//! attributes, methods, a getter raising AttributeError) print what
//! CPython prints in every tier, hot loops included, with CPython's
//! TypeErrors; what the language leaves out poisons. The programs are
//! shared with the reference's test (oracle/tests/reference_builtins.rs).

mod common;

use common::check_against_cpython;
use jitdiff_vm::lang::Poison;

const PROGRAMS: &str = include_str!("data/attr_builtins.txt");

#[test]
fn every_tier_prints_what_cpython_prints_for_the_attribute_builtins() {
    let sources: Vec<String> = PROGRAMS.split("\n#----\n").map(str::to_string).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

include!("common/poison_programs.rs");

#[test]
fn attributes_by_string_the_language_leaves_out_poison_every_tier() {
    for src in ATTR_POISONED {
        common::assert_poisoned_on_every_tier(src, Poison::Unmodelled);
    }
}

/// `hash()` of a value CPython hashes by address or per-process seed:
/// every tier poisons (`identity`), and CPython runs each.
#[test]
fn hashes_that_differ_between_cpython_processes_poison_every_tier() {
    for src in HASH_POISONED {
        let out = std::process::Command::new("python3")
            .args(["-c", src])
            .output()
            .expect("python3 is required for this test (run ci/setup)");
        assert!(out.status.success(), "python3 failed on:\n{src}");
        common::assert_poisoned_on_every_tier(src, Poison::Identity);
    }
}

/// CPython runs each of these (so poison, not an error, is the right
/// verdict), and every tier poisons them.
#[test]
fn unmodelled_set_views_slices_and_spreads_poison_every_tier() {
    for src in VIEW_ALGEBRA_POISONED
        .iter()
        .chain(INSTANCE_SLICE_POISONED)
        .chain(SET_SPREAD_POISONED)
        .chain(INHERITED_DUNDER_POISONED)
        .chain(DELETE_POISONED)
    {
        let out = std::process::Command::new("python3")
            .args(["-c", src])
            .output()
            .expect("python3 is required for this test (run ci/setup)");
        assert!(out.status.success(), "python3 failed on:\n{src}");
        common::assert_poisoned_on_every_tier(src, Poison::Unmodelled);
    }
}
