//! End-to-end: classes (attributes, methods, inheritance, `super()`, static
//! and class methods, `__slots__`, `__class__` assignment, class attributes
//! rebound at run time) print what CPython prints and raise what it raises
//! in every tier.

mod common;

use common::check_against_cpython;

include!("common/class_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_classes() {
    let sources: Vec<String> = CLASS_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}
