//! End-to-end: generator functions, `yield`, `yield from`, generator
//! expressions, `next`/`iter`, `StopIteration` and the builtins that
//! consume generators print what CPython prints and raise what it raises
//! in every tier (tier 1, GC stress, forced exits, the three JIT backends
//! under GC stress).

mod common;

use common::check_against_cpython;
use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

include!("common/generator_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_generators() {
    assert!(GENERATOR_PROGRAMS.len() >= 30);
    let mut sources: Vec<String> = GENERATOR_PROGRAMS.iter().map(|s| s.to_string()).collect();
    sources.push(include_str!("../../corpus/48_generators.py").to_string());
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 20,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A yield inside a try body whose handlers let GeneratorExit through
/// (the front end refuses the rest): handlers run in the generator's frame
/// between two yields, also when the exception leaves a trace of a loop in
/// the body. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_yield_inside_try() {
    let data = include_str!("data/generator_try.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 3,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A loop inside a generator's body becomes a trace, and the trace that
/// resumes the generator ends before it resumes it.
/// What only a consumer's loop holds between a generator's step and its
/// use survives a collection there (tier 1 under GC stress is among the
/// configurations): a fresh item spread by `[*g]`, `f(*g)`, `print(*g)`
/// into a list that grows, an item `min`/`max` keep while a user `__lt__`
/// compares keys, an item `x in g` compares by a user `__eq__`. Each freed
/// its item (probe round 9).
#[test]
fn generator_items_held_only_by_their_consumer_survive_collections() {
    check_against_cpython(&[r#"def g(n):
    for i in range(n):
        yield [i, [i]]
print([*g(3)], (*g(2),), len({*(tuple(p[1]) for p in g(4))}))
def f(*args):
    return args
print(f(*g(3)))
print(*g(2), sep='|')
class K:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        junk = [[0] * 8 for _ in range(6)]
        return self.v < o.v
print(min(g(20), key=lambda p: K(-p[0])), max(g(20), key=lambda p: K(p[0] % 7)))
class E:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        junk = [[0] * 8 for _ in range(6)]
        return isinstance(o, E) and self.v == o.v
def h():
    for i in range(10):
        yield (E(i), [i])
print(any(True for _ in range(1)), (E(7), [7]) in h(), (E(70), [7]) in h())
"#
    .to_string()]);
}

#[test]
fn traces_form_inside_generator_bodies_and_end_at_yields() {
    let src = "def gen(n):\n    t = 0\n    for i in range(n):\n        t += i\n        if i % 50 == 49:\n            yield t\ndef main():\n    s = 0\n    for v in gen(1000):\n        s += v\n    print(s)\nmain()\n";
    let module = parse_program(src).expect("parses");
    let config = VmConfig {
        tier2: Some(Tier2Config::default()),
        ..VmConfig::default()
    };
    let (out, dump) = Vm::new(config).show(&module);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let RunResult::Completed(o) = out.result else {
        panic!("{:?}", out.result)
    };
    assert_eq!(o.output, "3582250\n");
    assert!(dump.contains("YIELD_VALUE"), "{dump}");
    assert!(out.tier2.traces >= 1, "{dump}");
}

/// Printing a generator shows its address in CPython: identity poison,
/// inside a container too. One left in a global is no answer CPython
/// gives (the globals dump writes it without an address).
#[test]
fn a_generators_repr_poisons_as_identity() {
    for (end, poisoned) in [
        ("print(gen())\n", true),
        ("print([1, (gen(),)])\n", true),
        ("x = [gen()]\ny = gen()\n", false),
    ] {
        let src = format!("def gen():\n    yield 1\n{end}");
        let module = parse_program(&src).expect("parses");
        let out = Vm::new(VmConfig::default()).run_module(&module);
        if poisoned {
            assert_eq!(
                out.result,
                RunResult::Poisoned(jitdiff_vm::lang::Poison::Identity),
                "{src}"
            );
        } else {
            let RunResult::Completed(o) = &out.result else {
                panic!("{src}: {:?}", out.result);
            };
            assert!(
                o.globals
                    .iter()
                    .any(|(k, v)| k == "x" && v == "[<generator object>]"),
                "{src}: {:?}",
                o.globals
            );
        }
    }
}

/// `x = yield v` and `g.send(v)`: the value sent becomes the yield's, in
/// hot loops on both sides, with StopIteration's value, a send after the
/// end, the just-started TypeError, send's arity, the bound method as a
/// value, a target in a `try` body, a global and a cell. Shared with the
/// reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_sent_values() {
    let data = include_str!("data/generator_send.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 3,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// `close`, `throw` and the `gi_*` attributes are not modelled, nor is a
/// value other than None sent into a `yield from` (CPython hands it to the
/// delegate's `send`; the loop `yield from` compiles to steps it as `next`
/// does).
#[test]
fn close_throw_and_values_sent_through_yield_from_poison_as_unmodelled() {
    for src in [
        "def gen():\n    yield 1\ndef f():\n    gen().close()\nf()\n",
        "def gen():\n    yield 1\ndef f():\n    g = gen()\n    next(g)\n    g.throw(ValueError)\nf()\n",
        "def gen():\n    yield 1\nprint(gen().gi_running)\n",
        "def inner():\n    x = yield 1\n    print(x)\ndef outer():\n    yield from inner()\ng = outer()\nnext(g)\ng.send(5)\n",
    ] {
        let module = parse_program(src).expect("parses");
        let out = Vm::new(VmConfig::default()).run_module(&module);
        assert_eq!(
            out.result,
            RunResult::Poisoned(jitdiff_vm::lang::Poison::Unmodelled),
            "{src}"
        );
    }
}
