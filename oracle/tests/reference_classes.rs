//! The reference against CPython 3.11 on classes: every program the VM's
//! tiers are checked with (vm/tests/common/class_programs.rs) and the
//! table in data/reference_classes.txt (each rule of the language's
//! classes and each of their error messages) give the same output,
//! ending and globals on the reference as on python3, instances' and
//! functions' reprs without CPython's addresses.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::RunResult;
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

include!("../../vm/tests/common/class_programs.rs");

const TABLE: &str = include_str!("data/reference_classes.txt");

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
                "--- program {i}\n{src}reference: {other:#?}\ncpython:   {theirs:#?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reference_agrees_with_cpython_on_the_vm_class_programs() {
    check(
        &CLASS_PROGRAMS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
}

#[test]
fn reference_agrees_with_cpython_on_the_class_table() {
    let sources: Vec<String> = TABLE.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() > 50, "the table is split into its programs");
    check(&sources);
}

/// Properties (vm/tests/data/properties.txt): getters and setters,
/// inherited, overridden, read through `super()`, replaced by a class
/// attribute at run time, raising, and CPython's errors without a setter
/// or deleter.
#[test]
fn reference_agrees_with_cpython_on_properties() {
    let programs = include_str!("../../vm/tests/data/properties.txt");
    check(
        &programs
            .split("\n#----\n")
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
}

/// `super(C, self)` (vm/tests/data/super_with_arguments.txt): the
/// reference runs the lowered `super()` as CPython runs the call.
#[test]
fn reference_agrees_with_cpython_on_super_with_arguments() {
    let programs = include_str!("../../vm/tests/data/super_with_arguments.txt");
    check(
        &programs
            .split("\n#----\n")
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
}

/// `super()` in class methods (vm/tests/data/super_in_class_methods.txt).
#[test]
fn reference_agrees_with_cpython_on_super_in_class_methods() {
    let programs = include_str!("../../vm/tests/data/super_in_class_methods.txt");
    check(
        &programs
            .split("\n#----\n")
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
}

/// A class body reading attributes bound above it
/// (vm/tests/data/class_body_reads.txt): the front end hoists its values
/// into hidden `__jd_cls` globals, which CPython lacks.
#[test]
fn reference_agrees_with_cpython_on_class_bodies_reading_their_names() {
    let programs = include_str!("../../vm/tests/data/class_body_reads.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 2);
    let cpython = python::run_all(&sources);
    for (src, theirs) in sources.iter().zip(&cpython) {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let RunResult::Completed(mut ours) = reference::run(&module) else {
            panic!("{src}: {:?}", reference::run(&module));
        };
        let hidden = ours.globals.len();
        ours.globals
            .retain(|(name, _)| !name.starts_with("__jd_cls"));
        assert!(ours.globals.len() < hidden, "the values were hoisted");
        assert_eq!(ours, *theirs, "{src}");
    }
}

/// The reducer prints and re-parses every candidate: class programs
/// survive the round trip unchanged.
#[test]
fn class_programs_round_trip_through_unparse() {
    let table = TABLE.split("\n#----\n").map(str::to_string);
    let hoisted = include_str!("../../vm/tests/data/class_body_reads.txt")
        .split("\n#----\n")
        .map(str::to_string);
    for src in CLASS_PROGRAMS
        .iter()
        .map(|s| s.to_string())
        .chain(table)
        .chain(hoisted)
    {
        // Every program is S0 (the CPython comparison fails otherwise).
        let module = parse_program(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let text = jitdiff_vm::lang::unparse(&module);
        let again = parse_program(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(again, module, "{text}");
    }
}

/// What the language leaves out poisons the run rather than guessing:
/// CPython has an answer for each of these, through machinery (the
/// metaclass, member descriptors, `object.__init__` as a value, function
/// and module `__dict__`s) the language does not model.
#[test]
fn unmodelled_class_machinery_poisons() {
    use jitdiff_vm::lang::outcome::Poison;
    let programs = [
        "class A:\n    def __init__(self):\n        pass\nA.__init__ = 5\nA()\n",
        "x = 1\nclass A(x):\n    pass\n",
        "class A:\n    pass\nprint(A.__class__)\n",
        "class A:\n    pass\nf = A().__init__\n",
        "class A:\n    def m(self):\n        return super().__init__\nA().m()\n",
        "def f():\n    return 1\nf.x = 1\n",
        "import math\nmath.x = 1\n",
        "class S:\n    __slots__ = ('a',)\nS.a = 1\n",
        "class S:\n    __slots__ = ('a',)\nprint(S.a)\n",
        "class S:\n    __slots__ = ('a',)\nclass T(S):\n    pass\nT.a\n",
        "class A:\n    def m(self):\n        return super().m()\nA.m(5)\n",
        "class A:\n    pass\nprint(None.__class__)\n",
        "class A:\n    @property\n    def p(self):\n        return 1\nprint(A.p)\n",
    ];
    for src in programs {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::Unmodelled),
            "{src}"
        );
    }
}

/// The reference is total: class constructs only a hand-built AST has
/// (several bases, `super()` outside a method or alone, a decorated
/// function outside a class, a class body holding a loop or a decorated
/// assignment, an unknown decorator, a setter of no property, `__slots__`
/// that is not names) get a defined result.
#[test]
fn hand_built_class_trees_get_a_defined_result() {
    use jitdiff_vm::lang::ast::{Expr, Module, Stmt};
    let name = |n: &str| Expr::Name(n.into());
    let class = |bases: Vec<Expr>, body: Vec<Stmt>| Stmt::ClassDef {
        name: "C".into(),
        bases,
        body,
    };
    let def = |name: &str, params: &[&str], body: Vec<Stmt>| Stmt::FunctionDef {
        decorators: vec![],
        name: name.into(),
        params: params.iter().map(|p| p.to_string()).collect(),
        defaults: vec![],
        star: Default::default(),
        body,
    };
    let super_m = Expr::MethodCall {
        receiver: Box::new(Expr::Super),
        method: "m".into(),
        args: vec![],
    };
    let call = |f: Expr| {
        Stmt::Expr(Expr::Call {
            func: Box::new(f),
            args: vec![],
            keywords: vec![],
        })
    };
    let trees = vec![
        vec![
            class(vec![], vec![]),
            class(vec![name("C"), name("C")], vec![]),
        ],
        vec![Stmt::Expr(Expr::Super)],
        vec![Stmt::Expr(super_m.clone())],
        vec![
            def("f", &[], vec![Stmt::Return(Some(super_m.clone()))]),
            call(name("f")),
        ],
        vec![Stmt::Decorated {
            decorator: "staticmethod".into(),
            def: Box::new(def("f", &[], vec![])),
        }],
        vec![class(vec![], vec![Stmt::Break])],
        vec![class(
            vec![],
            vec![Stmt::Decorated {
                decorator: "classmethod".into(),
                def: Box::new(Stmt::Pass),
            }],
        )],
        vec![class(
            vec![],
            vec![Stmt::Decorated {
                decorator: "cached_property".into(),
                def: Box::new(def("f", &["self"], vec![])),
            }],
        )],
        // A setter with no property before it.
        vec![class(
            vec![],
            vec![Stmt::Decorated {
                decorator: "f.setter".into(),
                def: Box::new(def("f", &["self", "v"], vec![])),
            }],
        )],
        vec![class(
            vec![],
            vec![Stmt::Assign {
                target: "__slots__".into(),
                value: Expr::Int("3".into()),
            }],
        )],
        // A static method using `super()`: no first-parameter object.
        vec![
            class(
                vec![],
                vec![Stmt::Decorated {
                    decorator: "staticmethod".into(),
                    def: Box::new(def("s", &["x"], vec![Stmt::Return(Some(super_m))])),
                }],
            ),
            Stmt::Expr(Expr::MethodCall {
                receiver: Box::new(name("C")),
                method: "s".into(),
                args: vec![Expr::Int("1".into())],
            }),
        ],
    ];
    for body in trees {
        let module = Module { body };
        let r = reference::run(&module);
        assert!(
            matches!(r, RunResult::Poisoned(_) | RunResult::Completed(_)),
            "{module:?}"
        );
        assert!(!matches!(r, RunResult::Completed(_)), "{module:?}: {r:?}");
    }
}
