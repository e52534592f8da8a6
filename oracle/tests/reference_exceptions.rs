//! The reference against CPython 3.11 on exceptions (try/except/else/
//! finally, raise ... from, bare re-raise, user exception classes) and
//! generators (yield, yield from, generator expressions, next): every
//! program of data/reference_exceptions.txt gives the same output, ending
//! and globals on the reference as on python3.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

const TABLE: &str = include_str!("data/reference_exceptions.txt");

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
                "--- program {i}\n{src}\nreference: {other:#?}\ncpython:   {theirs:#?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs disagree:\n{}",
        failures.len(),
        sources.len(),
        failures.join("\n")
    );
}

#[test]
fn reference_agrees_with_cpython_on_the_exception_and_generator_table() {
    let sources: Vec<String> = TABLE.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() >= 60, "the table is split into its programs");
    check(&sources);
}

/// A yield inside a try body whose handlers let GeneratorExit through: the
/// reference's generator executor sends an exception leaving the body's
/// cursors to the handlers (the VM's programs,
/// vm/tests/data/generator_try.txt).
#[test]
fn reference_agrees_with_cpython_on_yield_inside_try() {
    let data = include_str!("../../vm/tests/data/generator_try.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    check(&sources);
}

/// `x = yield v` and `g.send(v)`: the reference's generator executor keeps
/// where a suspended `x = yield v` stores what the resume sends (the VM's
/// programs, vm/tests/data/generator_send.txt).
#[test]
fn reference_agrees_with_cpython_on_sent_values() {
    let data = include_str!("../../vm/tests/data/generator_send.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    check(&sources);
}

/// As in the VM: a value other than None sent into a `yield from`, and a
/// generator's `close`, poison as unmodelled; None sent there does not.
#[test]
fn reference_poisons_values_sent_through_yield_from() {
    let inner = "def inner():\n    x = yield 1\n    print(x)\ndef outer():\n    yield from inner()\ng = outer()\nnext(g)\n";
    assert_eq!(
        poisoned(&format!("{inner}g.send(5)\n")),
        Some(Poison::Unmodelled)
    );
    assert_eq!(poisoned(&format!("{inner}g.send(None)\n")), None);
    assert_eq!(
        poisoned("def gen():\n    yield 1\ngen().close()\n"),
        Some(Poison::Unmodelled)
    );
}

/// The table's programs survive the reducer's print-and-reparse.
#[test]
fn exception_programs_round_trip_through_unparse() {
    for src in TABLE.split("\n#----\n") {
        // Every program is S0 (the CPython comparison fails otherwise).
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let text = jitdiff_vm::lang::unparse(&module);
        let again = parse_program(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(again, module, "{text}");
    }
}

fn poisoned(src: &str) -> Option<Poison> {
    let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    match reference::run(&module) {
        RunResult::Poisoned(p) => Some(p),
        RunResult::Completed(_) => None,
    }
}

/// A generator's repr carries its address; its methods but `send` are
/// outside the language: both poison rather than guess. A generator left
/// in a global does not poison: the globals dump, compared with no
/// CPython, writes it without an address, as the VM's does.
#[test]
fn identity_and_generator_methods_poison() {
    let genf = "def g():\n    yield 1\n";
    assert_eq!(
        poisoned(&format!("{genf}print(g())\n")),
        Some(Poison::Identity)
    );
    assert_eq!(
        poisoned(&format!("{genf}print([1, g()])\n")),
        Some(Poison::Identity)
    );
    assert_eq!(poisoned(&format!("{genf}x = g()\n")), None);
    for m in ["close()", "throw(ValueError)"] {
        let src = format!("{genf}def f():\n    h = g()\n    h.{m}\nf()\n");
        assert!(poisoned(&src).is_some(), "{src}");
    }
    // `send` is modelled (`reference_agrees_with_cpython_on_sent_values`).
    let src = format!("{genf}def f():\n    h = g()\n    print(h.send(None))\nf()\n");
    assert_eq!(poisoned(&src), None, "{src}");
}

/// Poison is never caught: fuel and depth run out through handlers and
/// `finally` blocks alike, and inside generators.
#[test]
fn poison_passes_through_handlers() {
    let fuel = "try:\n    while True:\n        pass\nexcept:\n    print('caught')\nfinally:\n    print('fin')\n";
    assert_eq!(poisoned(fuel), Some(Poison::Fuel));
    let deep = "def f():\n    try:\n        f()\n    except Exception:\n        pass\nf()\n";
    assert_eq!(poisoned(deep), Some(Poison::Recursion));
    let gen_fuel =
        "def g():\n    while True:\n        yield 1\ndef f():\n    return sum(g())\nf()\n";
    assert_eq!(poisoned(gen_fuel), Some(Poison::Fuel));
    let gen_deep = "def g(n):\n    yield from g(n + 1)\ndef f():\n    return list(g(0))\nf()\n";
    assert_eq!(poisoned(gen_deep), Some(Poison::Recursion));
}

/// The generator fuel rule (see `reference/generators.rs`), to the unit:
/// calling a generator function is a call (1), and so is making a
/// generator expression (the call of its `<genexpr>`, as in the VM), every
/// resume of an unfinished generator is 1 (the final one that finds the
/// end included), back edges inside the body count as anywhere else, and
/// `try` is free.
#[test]
fn generator_fuel_is_counted_to_the_unit() {
    use jitdiff_vm::lang::limits::Limits;
    let cases = [
        // g() 1, three resumes 3, the for loop's two back edges 2.
        (
            "def g():\n    yield 1\n    yield 2\nfor x in g():\n    pass\n",
            6,
        ),
        // The genexpr 1, sum() 1, three resumes 3, the body's loop's two
        // back edges 2.
        ("t = sum(x for x in [1, 2])\n", 7),
        // next() twice 2 and two resumes 2, g() 1; a finished generator's
        // next() is one call and no resume.
        (
            "def g():\n    yield 1\nh = g()\na = next(h)\nb = next(h, 0)\nc = next(h, 0)\nh = None\n",
            6,
        ),
        // try/except/finally cost nothing: the one call to int() only.
        (
            "try:\n    int('x')\nexcept ValueError:\n    pass\nfinally:\n    y = 1\n",
            1,
        ),
    ];
    for (src, units) in cases {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let limits = |fuel| Limits {
            fuel,
            ..Limits::default()
        };
        assert!(
            matches!(
                reference::run_with_limits(&module, limits(units)),
                RunResult::Completed(_)
            ),
            "{src} completes with {units} units"
        );
        assert_eq!(
            reference::run_with_limits(&module, limits(units - 1)),
            RunResult::Poisoned(Poison::Fuel),
            "{src} needs {units} units"
        );
    }
}
