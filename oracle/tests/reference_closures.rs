//! The reference runs nested functions, free variables, `nonlocal` and
//! `lambda` as python3 does: the programs vm/tests/closures_cpython.rs
//! runs on every VM configuration print the same text and end with the
//! same exception under both (CPython 3.11's NameError for an unbound free
//! variable, UnboundLocalError for a function's own cell, qualified names
//! in arity errors).

use jitdiff_oracle::{cpython, reference};
use jitdiff_vm::lang::{Ending, RunResult, parse_program};

include!("../../vm/tests/common/closures_programs.rs");

#[test]
fn reference_runs_closures_and_lambdas_as_cpython() {
    let sources: Vec<String> = CLOSURE_PROGRAMS.iter().map(|s| s.to_string()).collect();
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
        raised += usize::from(want.ending != Ending::Normal);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(raised >= 6, "only {raised} programs raise");
}

/// Hand-checked: a nested function's repr and the globals dump name it by
/// its qualified name, a lambda as `<lambda>`.
#[test]
fn functions_print_by_qualified_name() {
    let src = "def f():\n    def g():\n        return lambda: 0\n    return g\nh = f()\nk = h()\nm = lambda: 1\nprint(h, k, m)\n";
    let module = parse_program(src).unwrap();
    let RunResult::Completed(o) = reference::run(&module) else {
        panic!("poisoned")
    };
    assert_eq!(
        o.output,
        "<function f.<locals>.g> <function f.<locals>.g.<locals>.<lambda>> <function <lambda>>\n"
    );
    let vm = jitdiff_vm::Vm::new(jitdiff_vm::VmConfig::default()).run_module(&module);
    let RunResult::Completed(v) = vm.result else {
        panic!("poisoned")
    };
    assert_eq!(v.output, o.output);
    assert_eq!(v.globals, o.globals);
}
