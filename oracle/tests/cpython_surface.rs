//! What CPython has and the language lacks is never an answer. A builtin
//! S0 does not define is refused by the front end (see
//! `vm/src/lang/parse_builtins.rs`); a method of a built-in type S0 does
//! not define poisons the reference and every configuration alike, where
//! before both raised an AttributeError CPython never raises. A name CPython
//! lacks too keeps CPython's AttributeError, which python3 confirms.

use jitdiff_oracle::config::Config;
use jitdiff_oracle::oracles::ConfigResult;
use jitdiff_oracle::runner::{Runner, Verdict};
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

/// Each calls a method CPython 3.11 has and S0 lacks; the first only from
/// iteration 51 of a loop, which every configuration that traces has
/// traced by then (the hot threshold is 16, or 2 under +stress), whether
/// the call then runs inside a trace or after an exit from it.
const UNMODELLED: &[&str] = &[
    "s = 'abc1'\nn = 0\nfor i in range(100):\n    if i > 50 and s[i % 4].encode():\n        n += 1\nprint(n)\n",
    "print((7).to_bytes(2, 'big'))\n",
    // A function of CPython's math module the language lacks.
    "import math\nprint(math.fsum([0.1, 0.2]))\n",
    "x = 'abc'\nprint(x.translate({97: 98}))\n",
    "d = {1: 2}\nprint(d.fromkeys([1]))\n",
    "print((2.5).as_integer_ratio())\n",
    "print('ab\tcd'.expandtabs())\n",
    "t = (1, 2)\ntry:\n    t.nosuch()\nexcept AttributeError:\n    pass\nprint(t.__len__())\n",
    // An attribute CPython's exception objects have and S0 lacks.
    "try:\n    [][1]\nexcept IndexError as e:\n    print(e.with_traceback)\n",
    "try:\n    x = undefined_name\nexcept NameError as e:\n    print(e.name)\n",
    // `%(key)` with a dict: CPython looks the key up (S0 does not).
    "print('%(a)s' % {'a': 1})\n",
    // dict() of an instance CPython iterates by `__iter__`.
    "class W:\n    def __iter__(self):\n        return iter([1, 2])\nprint(dict([W()]))\n",
    // What the README lists as unmodelled for exceptions, on both sides:
    // keywords to an exception class, `e.args` of a KeyError the runtime
    // raised, `__slots__` on an exception class, `__class__` assignment.
    "class E(Exception):\n    def __init__(self, m=0):\n        self.m = m\ne = E(m=1)\nprint(e.m)\n",
    "d = {}\ntry:\n    d['k']\nexcept KeyError as e:\n    print(e.args)\n",
    "class E(Exception):\n    __slots__ = ('a',)\nprint(E('x'))\n",
    "class E(Exception):\n    pass\nclass G(Exception):\n    pass\ne = E()\ne.__class__ = G\nprint(repr(e))\n",
];

#[test]
fn a_method_cpython_has_and_s0_lacks_poisons_everywhere() {
    for src in UNMODELLED {
        let module = parse_program(src).unwrap();
        let mut runner = Runner::new(Config::parse_list("all").unwrap());
        let report = runner.run(&module);
        assert_eq!(
            report.reference,
            RunResult::Poisoned(Poison::Unmodelled),
            "{src}"
        );
        assert_eq!(
            report.verdict,
            Verdict::Poisoned(Poison::Unmodelled),
            "{src}"
        );
        assert_eq!(report.results.len(), 18);
        for (config, result) in &report.results {
            assert!(
                matches!(
                    result,
                    ConfigResult::Run(RunResult::Poisoned(Poison::Unmodelled), _)
                ),
                "{src}\n{config}: {result:?}"
            );
        }
    }
}

#[test]
fn a_method_cpython_lacks_too_is_cpythons_attribute_error() {
    let src =
        "s = 'abc'\ntry:\n    s.isalphabet()\nexcept AttributeError as e:\n    print('no', e)\n";
    let mut runner = Runner::new(Config::parse_list("all,cpython").unwrap());
    let report = runner.run(&parse_program(src).unwrap());
    assert_eq!(report.verdict, Verdict::Agree);
    let RunResult::Completed(outcome) = &report.reference else {
        panic!("{:?}", report.reference)
    };
    assert_eq!(
        outcome.output,
        "no 'str' object has no attribute 'isalphabet'\n"
    );
}
