//! The reference against CPython 3.11 on `import math` and keyword
//! arguments: the programs the VM's tiers are checked with
//! (vm/tests/data/math_keywords.txt) give the same output, ending and
//! globals on the reference as on python3; the module's repr is the
//! language's `<module 'math' (built-in)>`.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::RunResult;
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

const PROGRAMS: &str = include_str!("../../vm/tests/data/math_keywords.txt");

#[test]
fn reference_agrees_with_cpython_on_math_and_keywords() {
    let mut sources: Vec<String> = PROGRAMS.split("\n#----\n").map(str::to_string).collect();
    // The module itself, printed and left in the globals.
    sources.push("import math\nprint(math, [math])\n".into());
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
fn the_module_prints_as_built_in() {
    let module = parse_program("import math\nprint(math)\n").unwrap();
    let RunResult::Completed(o) = reference::run(&module) else {
        panic!("poisoned")
    };
    assert_eq!(o.output, "<module 'math' (built-in)>\n");
}
