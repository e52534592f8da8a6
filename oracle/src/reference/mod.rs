//! The independent reference interpreter: CPython 3.11 semantics for S0,
//! written from the language definition and sharing nothing with the VM but
//! the AST, the outcome types and the limits.
//!
//! Shape: [`resolve`] turns the AST into a tree with pre-resolved name slots
//! and pre-parsed literals; [`eval`] walks it with its own [`value`] model
//! (ints with an `i64` fast path over `num-bigint`; floats as `f64` with
//! CPython's rules in [`float`]; ASCII strings in [`strs`], their methods
//! in [`str_methods`], `%` in [`format`] and [`format_float`], `int()` and
//! `float()` of strings in [`numparse`]; dicts and their views in [`dict`],
//! their methods in [`dict_methods`]; `is` in [`compare`]).
//!
//! Total on any AST: hand-built trees that the front end would reject (stray
//! `break`, nested `def`, bad literals, mismatched comparison chains,
//! keywords on any callee) still get a defined result, and fuel bounds the
//! running time. Documented deviations from CPython: functions repr as
//! `<function NAME>` (methods `<function C.m>`), and, likewise without
//! CPython's ` at 0x...` address, instances as `<__main__.C object>` and
//! bound methods as `<bound method C.m of <__main__.C object>>` (classes
//! repr exactly as CPython's, `<class '__main__.C'>`); classes are in
//! [`classes`]; the only methods are the language's (list: append
//! pop insert extend index count reverse; tuple and range: index count;
//! str: join split strip upper lower replace startswith endswith find
//! index count), so CPython's others (`copy`, `sort`, `bit_length`,
//! `str.title`, unbound `list.append(xs, 1)` or `str.join(s, xs)`, ...)
//! are AttributeErrors here; `list[0]`/`tuple[0]` (a generic alias in
//! CPython) is a TypeError; a hand-built keyword that a builtin does take
//! in CPython (`print(file=...)`, `int(x, base=2)`, ...) is reported as
//! an invalid keyword; `'%.5s' % x` poisons if `str(x)` alone is past the
//! length cap. Dicts: the set operations of keys and items views (`&`, `|`,
//! `-`, `^`, whose results are sets) are unsupported-operand TypeErrors,
//! and `'%(key)s' % d` reads as a KeyError whether or not `key` is in `d`.
//!
//! Calls: `*args`/`**kwargs` parameters are bound after the positional
//! ones (`builtins::bind_star`); a call unpacking `*iterable` or
//! `**mapping` (`eval_calls.rs`) builds its arguments with CPython's
//! errors, then is the written-out call (one unit of fuel, as that call);
//! a user mapping after `**`, and a keyword `**` hands a builtin that the
//! builtin takes in CPython (`print(file=)`, `dict(**kw)`...), poison. The
//! `array` module is in [`array`] (typecode `'B'` only).
//!
//! Exceptions and generators: `try` and `raise` are in `eval_try.rs`
//! (poison is never caught), generators in `generators.rs` (its header
//! has the fuel rule the VM shares). Not modelled (the run poisons): a
//! generator's repr, hash and attributes (`send`, `throw`, `close`...),
//! a generator expression reading a variable of an enclosing
//! comprehension, `iter(callable, sentinel)`, and exceptions'
//! tracebacks, causes and notes. Deviation: `set()`, `dict()` and the set
//! methods take all of a generator's items before looking at them, so one
//! failing part way (an unhashable item) has let the generator run to its
//! end first (CPython stops pulling there).

mod array;
mod builtins;
mod cells;
mod classes;
mod compare;
mod dict;
mod dict_methods;
mod eval;
mod exceptions;
mod float;
mod format;
mod format_float;
mod format_spec;
mod iters;
mod math;
mod method_keywords;
mod methods;
mod num_builtins;
mod numparse;
mod random;
mod resolve;
mod seq;
mod set;
mod str_methods;
mod str_methods_ext;
mod strs;
mod value;

#[cfg(test)]
mod dict_tests;
#[cfg(test)]
mod float_tests;
#[cfg(test)]
mod seq_limit_tests;
#[cfg(test)]
mod seq_method_tests;
#[cfg(test)]
mod seq_tests;
#[cfg(test)]
mod str_format_tests;
#[cfg(test)]
mod str_tests;
#[cfg(test)]
mod tests;

use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::outcome::{Ending, Outcome, Poison, RunResult};

use eval::{Interp, Stop};

/// Stack the reference may use on the caller's thread. Programs needing more
/// (deep recursion over deeply nested code) are rerun on a dedicated thread,
/// so the interpreter can stay a plain recursive walker without ever
/// overflowing the stack. Callers need about 1.5 MiB of free stack (Rust's
/// default 2 MiB for spawned threads is enough).
const INLINE_BUDGET: usize = 1 << 20;
/// The dedicated thread's stack: reserved, only touched pages cost memory.
const DEEP_STACK: usize = 256 << 20;
/// Leaves slack for the frames between two budget checks.
const DEEP_BUDGET: usize = DEEP_STACK - (16 << 20);

/// Runs `module` under the default limits and reports what it observably
/// did, or why there is no verdict (fuel, recursion depth, integer size).
pub fn run(module: &Module) -> RunResult {
    run_with_limits(module, Limits::default())
}

/// Runs `module` under `limits` (the run parameters every configuration
/// shares).
pub fn run_with_limits(module: &Module, limits: Limits) -> RunResult {
    run_measured(module, limits).0
}

/// [`run_with_limits`], and the fuel the run had used when it ended (its
/// ending decided, before the final globals are dumped), for a run that
/// completed: what the fuel oracle compares with every VM configuration's.
pub fn run_measured(module: &Module, limits: Limits) -> (RunResult, Option<u64>) {
    if let Some(r) = run_with_budget(module, INLINE_BUDGET, limits) {
        return r;
    }
    // Runs are deterministic and side-effect free outside the interpreter,
    // so starting over from scratch on a bigger stack is exact.
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new()
            .name("reference-deep".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(s, || run_with_budget(module, DEEP_BUDGET, limits));
        match spawned.map(|h| h.join()) {
            Ok(Ok(r)) => r.unwrap_or((NESTING_TOO_DEEP, None)),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread to be had: no verdict rather than a crash.
            Err(_) => (NESTING_TOO_DEEP, None),
        }
    })
}

/// An AST nested beyond even the big stack (hundreds of thousands of levels;
/// CPython itself refuses to compile far shallower code).
const NESTING_TOO_DEEP: RunResult = RunResult::Poisoned(Poison::Nesting);

/// `None` if the stack budget ran out; else the result and, when it
/// completed, the fuel used (see [`run_measured`]).
fn run_with_budget(
    module: &Module,
    budget: usize,
    limits: Limits,
) -> Option<(RunResult, Option<u64>)> {
    let guard = StackGuard::new(budget);
    let program = resolve::resolve(module, &guard, limits.int_bits).ok()?;
    let mut interp = Interp::new(&program, &guard, limits);
    let ending = match interp.run_module() {
        Ok(()) => Ending::Normal,
        Err(stop) => match *stop {
            Stop::Exception { kind, message } => Ending::Exception {
                kind: kind.to_string(),
                message,
            },
            Stop::Raised(v) => match exceptions::ending(&v) {
                Ok((kind, message)) => Ending::Exception { kind, message },
                Err(stop) => match *stop {
                    Stop::Poison(p) => return Some((RunResult::Poisoned(p), None)),
                    _ => return None,
                },
            },
            Stop::Poison(p) => return Some((RunResult::Poisoned(p), None)),
            Stop::TooDeep => return None,
        },
    };
    let fuel = interp.fuel_used();
    // Dumping the globals reprs them, which a too-deep container poisons.
    let globals = match interp.globals_dump() {
        Ok(g) => g,
        Err(stop) => match *stop {
            Stop::Poison(p) => return Some((RunResult::Poisoned(p), None)),
            _ => return None,
        },
    };
    let outcome = Outcome {
        globals,
        output: std::mem::take(&mut interp.out),
        ending,
    };
    Some((RunResult::Completed(outcome), Some(fuel)))
}

/// Measures stack use as the distance between the address of a local at
/// the start of the run and one in the current frame.
pub(crate) struct StackGuard {
    base: usize,
    budget: usize,
}

impl StackGuard {
    fn new(budget: usize) -> StackGuard {
        StackGuard {
            base: Self::here(),
            budget,
        }
    }

    #[inline(always)]
    fn here() -> usize {
        let marker = 0u8;
        std::hint::black_box(&marker) as *const u8 as usize
    }

    #[inline(always)]
    pub(crate) fn exceeded(&self) -> bool {
        Self::here().abs_diff(self.base) > self.budget
    }
}
