//! The frame-state oracle at exceptions leaving a trace reports only real
//! differences. Both programs were false reports, found running
//! hand-written programs with `+hot=1` (a loop traced at its first back
//! edge, before its calls are specialized, so `next(g)` is a generic call
//! inside the trace):
//!
//! - `next(g)` resuming a generator to its end raises StopIteration after
//!   the generator's frame ran: the caller's local holds a finished
//!   generator with traces and a suspended one at the point before the
//!   call; such an error is checked for reachability only, like one raised
//!   inside a Python callee;
//! - an error raised and handled in tier 1 (a generator failing inside
//!   `sum`) left where it was raised behind, and a later error leaving a
//!   trace took that point as its own, which the replay never reaches;
//! - an operator whose dunders declined (`NotImplemented`) or returned a
//!   wrong type raises after Python code ran, with the fuel those calls
//!   ticked: its point is the instruction before it ran, checked for
//!   reachability only (found by the dunder kernel `declines`).

use jitdiff_oracle::config::Config;
use jitdiff_oracle::runner::{Runner, Verdict};
use jitdiff_vm::lang::parse_program;

const CONFIGS: &str = "t2+hot=1,jit-native+hot=1,jit-x86+hot=1,jit-a64+hot=1,t2+hot=2";

const PROGRAMS: &[&str] = &[
    "def gen():\n    yield 1\ndef main():\n    g = gen()\n    for i in range(3):\n        next(g)\nmain()\n",
    "def f():\n    def g(a):\n        for b in a:\n            yield 100 // b\n    try:\n        sum(g([0]))\n    except ZeroDivisionError:\n        pass\n    list((10 // b for b in [5, 0]))\nf()\n",
    "class A:\n    def __lt__(self, o):\n        return NotImplemented\n    def __add__(self, o):\n        return NotImplemented\ndef main():\n    a = A()\n    n = 0\n    for i in range(3):\n        try:\n            a < i\n        except TypeError:\n            n += 1\n        try:\n            a + i\n        except TypeError:\n            n += 1\n    return n\nprint(main())\n",
    "class B:\n    def __bool__(self):\n        return 1\ndef main():\n    n = 0\n    for i in range(3):\n        try:\n            if B():\n                n += 2\n        except TypeError:\n            n += 1\n    return n\nprint(main())\n",
];

#[test]
fn errors_leaving_traces_after_python_code_ran_are_no_findings() {
    for src in PROGRAMS {
        let mut runner = Runner::new(Config::parse_list(CONFIGS).unwrap());
        let report = runner.run(&parse_program(src).unwrap());
        assert_eq!(report.verdict, Verdict::Agree, "{src}\n{report:?}");
    }
}
