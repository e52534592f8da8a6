//! The reference's answer for the runner, with one gate: a program that
//! uses generators (`yield`, `yield from`, generator expressions) is
//! poisoned as unmodelled while the reference does not run generators.
//! Until then it runs such a program's generator functions as plain
//! functions (it poisons only when a `yield` executes), which would make
//! every generator program a false divergence. Whether it runs them is
//! probed once per process, so the gate opens by itself when it does.

use std::sync::OnceLock;

use jitdiff_vm::lang::ast::{Expr, Module};
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

use crate::reference;

/// [`reference::run_with_limits`], gated (see the module comment).
pub fn run(module: &Module, limits: Limits) -> RunResult {
    if uses_generators(module) && !reference_runs_generators() {
        return RunResult::Poisoned(Poison::Unmodelled);
    }
    reference::run_with_limits(module, limits)
}

/// Whether any expression of `module` is a yield or a generator
/// expression.
pub fn uses_generators(module: &Module) -> bool {
    fn in_expr(e: &Expr) -> bool {
        let mut found = matches!(
            e,
            Expr::Yield(_) | Expr::YieldFrom(_) | Expr::GeneratorExp { .. }
        );
        e.for_each_child(&mut |c| found = found || in_expr(c));
        found
    }
    let mut found = false;
    for s in &module.body {
        s.for_each_expr(&mut |e| found = found || in_expr(e));
    }
    found
}

/// Whether the reference runs a generator that returns early, stepped by
/// `next` with a default, and a generator expression, as CPython does.
pub fn reference_runs_generators() -> bool {
    static PROBE: OnceLock<bool> = OnceLock::new();
    *PROBE.get_or_init(|| {
        let src = "def g(n):\n    yield n\n    if n > 0:\n        return\n    yield 2\ndef f():\n    h = g(1)\n    print(next(h), next(h, 5), list(x * 2 for x in g(0)))\nf()\n";
        let Ok(module) = parse_program(src) else {
            return false;
        };
        matches!(
            reference::run(&module),
            RunResult::Completed(o) if o.output == "1 5 [0, 4]\n"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_programs_are_recognized() {
        let uses = |src: &str| uses_generators(&parse_program(src).unwrap());
        assert!(uses("def f():\n    if 1:\n        yield 1\n"));
        assert!(uses("x = sum(i for i in range(3))\n"));
        assert!(uses("def f(a):\n    yield from a\n"));
        assert!(!uses("def f():\n    return [i for i in range(3)]\n"));
    }
}
