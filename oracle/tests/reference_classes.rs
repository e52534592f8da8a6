//! The reference against CPython 3.11 on classes: every program the VM's
//! tiers are checked with (vm/tests/common/class_programs.rs) and the
//! table in data/reference_classes.txt (each rule of the language's
//! classes and each of their error messages) give the same output,
//! ending and globals on the reference as on python3, instances' and
//! functions' reprs without CPython's addresses.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::RunResult;
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

include!("../../vm/tests/common/class_programs.rs");

const TABLE: &str = include_str!("data/reference_classes.txt");

fn check(sources: &[String]) {
    let cpython = python::run_all(sources);
    let mut failures = Vec::new();
    for (i, (src, theirs)) in sources.iter().zip(&cpython).enumerate() {
        let module = match parse_program(src) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("--- program {i}: {e}\n{src}"));
                continue;
            }
        };
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
fn reference_agrees_with_cpython_on_the_vm_class_programs() {
    check(&CLASS_PROGRAMS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
}

#[test]
fn reference_agrees_with_cpython_on_the_class_table() {
    let sources: Vec<String> = TABLE.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() > 50, "the table is split into its programs");
    check(&sources);
}
