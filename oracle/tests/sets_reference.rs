//! The reference's sets against CPython: the hand-written set and
//! comprehension programs of the VM's tests and 400 random set programs
//! (adds, discards, removals, pops and algebra on ints, floats and tuples)
//! print and end the same under `python3` as under the reference, so the
//! reference's independent set table has CPython's orders.

#[path = "../../vm/tests/common/sets_random.rs"]
mod sets_random;

#[path = "../../vm/tests/common/sets_programs.rs"]
mod sets_programs;

use jitdiff_oracle::{cpython, reference};
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

fn assert_agree(sources: &[String]) {
    let mut failures = Vec::new();
    for (source, got) in sources.iter().zip(cpython::run_many(sources, 300)) {
        let got = got.unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
        let module = parse_program(source).unwrap_or_else(|e| panic!("{e}\n{source}"));
        match reference::run_with_limits(&module, Limits::default()) {
            RunResult::Completed(want) => {
                if got.output != want.output || got.ending != want.ending {
                    failures.push(format!(
                        "{source}\nreference: {:?} {:?}\ncpython:   {:?} {:?}",
                        want.ending, want.output, got.ending, got.output
                    ));
                }
            }
            other => failures.push(format!("{source}\nreference: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn reference_agrees_with_cpython_on_set_programs() {
    let sources: Vec<String> = sets_programs::PROGRAMS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_agree(&sources);
}

#[test]
fn reference_agrees_with_cpython_on_random_set_programs() {
    let sources: Vec<String> = (0..8).map(|seed| sets_random::programs(seed, 50)).collect();
    assert_agree(&sources);
}

#[test]
fn reference_poisons_where_a_sets_order_is_not_reproducible() {
    for src in [
        "print({'a', 'b'})",
        "print(sorted({'a', 1}))",
        "print(sorted({'a', 'b'}, key=len))",
        "print(list({None, 1}))",
        "s = {(1, 'x')}\nfor x in s:\n    pass",
        "print({'a'}.pop())",
    ] {
        let module = parse_program(&format!("{src}\n")).unwrap();
        assert_eq!(
            reference::run_with_limits(&module, Limits::default()),
            RunResult::Poisoned(Poison::Identity),
            "{src}"
        );
    }
}

/// A module's global set of strs is not shown to CPython: the globals dump
/// writes its items sorted by their reprs (as the VM's dump), so the run
/// completes.
#[test]
fn reference_dumps_a_global_set_of_strs_sorted_by_repr() {
    let src = "vowels = {'u', 'o', 'a', 'i', 'e'}\npairs = [{('y', 2), ('x', 1)}, {3, 1}]\nprint(len(vowels), 'e' in vowels)\n";
    let module = parse_program(src).unwrap();
    let RunResult::Completed(o) = reference::run_with_limits(&module, Limits::default()) else {
        panic!("{src}: did not complete");
    };
    assert_eq!(o.output, "5 True\n");
    let globals: Vec<(String, String)> = o.globals.into_iter().collect();
    assert_eq!(
        globals,
        vec![
            (
                "pairs".to_string(),
                "[{('x', 1), ('y', 2)}, {1, 3}]".to_string()
            ),
            (
                "vowels".to_string(),
                "{'a', 'e', 'i', 'o', 'u'}".to_string()
            ),
        ]
    );
}
