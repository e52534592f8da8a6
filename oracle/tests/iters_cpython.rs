//! The reference runs the iteration builtins (`enumerate`, `zip`,
//! `reversed`, `sorted`, `isinstance`, `list.sort`) as python3 does: the
//! programs vm/tests/iters_cpython.rs runs on every VM configuration print
//! the same text and end with the same exception under both. Long sorts
//! without a consistent order poison.

use jitdiff_oracle::{cpython, reference};
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

include!("../../vm/tests/common/iters_programs.rs");

#[test]
fn reference_runs_the_iteration_builtins_as_cpython() {
    let sources: Vec<String> = ITER_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let mut failures = Vec::new();
    let mut raised = 0;
    for (src, got) in sources.iter().zip(cpython::run_many(&sources, 300)) {
        let got = got.unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let RunResult::Completed(want) = reference::run(&module) else {
            panic!("the reference poisoned:\n{src}");
        };
        if got.output != want.output || got.ending != want.ending {
            failures.push(format!(
                "{src}\nreference: {:?} {:?}\ncpython:   {:?} {:?}",
                want.ending, want.output, got.ending, got.output
            ));
        }
        raised += usize::from(want.ending != jitdiff_vm::lang::Ending::Normal);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(raised >= 30, "only {raised} programs raise");
}

#[test]
fn long_sorts_without_a_consistent_order_poison() {
    for src in [
        "xs = list(range(100))\nxs.append(float('nan'))\nys = sorted(xs)\n",
        "xs = list(range(100))\nxs.append('a')\nxs.sort()\n",
    ] {
        let module = parse_program(src).expect("parses");
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::SortOrder),
            "{src}"
        );
    }
}
