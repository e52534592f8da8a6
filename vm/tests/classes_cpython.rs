//! End-to-end: classes (attributes, methods, inheritance, `super()`, static
//! and class methods, properties, `__slots__`, `__class__` assignment, class attributes
//! rebound at run time, `@dataclass`) and `raise`/`assert` with the built-in
//! exception classes print what CPython prints and raise what it raises in
//! every tier.

mod common;

use common::check_against_cpython;
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

include!("common/class_programs.rs");

#[test]
fn every_tier_prints_what_cpython_prints_for_classes() {
    let sources: Vec<String> = CLASS_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// Properties: getters and setters in hot loops (`t.celsius += 1`),
/// inherited and overridden, read through `super()`, replaced by a class
/// attribute at iteration K, raising inside a trace, and CPython's
/// AttributeErrors without a setter or deleter. Shared with the
/// reference's test.
/// `@dataclass` (`vm/src/lang/parse_dataclass.rs`): the methods written
/// by the front end (`__init__` with defaults, factories, `init=False`
/// fields and `__post_init__`, also through `super()`; `__repr__`;
/// `__eq__` and the orderings returning `NotImplemented` for another
/// class), inherited fields, options, hot loops.
#[test]
fn every_tier_prints_what_cpython_prints_for_dataclasses() {
    let data = include_str!("data/dataclasses.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 2);
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 3,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

#[test]
fn every_tier_prints_what_cpython_prints_for_properties() {
    let programs = include_str!("data/properties.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// `super(C, self)` naming the class being defined and the method's first
/// parameter: `super()` in every tier (vm/tests/data/super_with_arguments.txt,
/// shared with the reference's test).
#[test]
fn every_tier_prints_what_cpython_prints_for_super_with_arguments() {
    let programs = include_str!("data/super_with_arguments.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 2);
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 2,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// `super()` in class methods (alternative constructors along a
/// hierarchy, a base's class method bound to the subclass, its static
/// method and plain function, a missing attribute) and of static methods
/// in plain methods, in hot loops (vm/tests/data/super_in_class_methods.txt,
/// shared with the reference's test).
#[test]
fn every_tier_prints_what_cpython_prints_for_super_in_class_methods() {
    let programs = include_str!("data/super_in_class_methods.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3);
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 1,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A class body reading attributes bound above it, hoisted by the front
/// end (vm/tests/data/class_body_reads.txt, shared with the reference's
/// test).
#[test]
fn every_tier_prints_what_cpython_prints_for_class_bodies_reading_their_names() {
    let programs = include_str!("data/class_body_reads.txt");
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 2);
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 1,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// A property read from its class is the property object, which the
/// language does not model: every tier poisons.
#[test]
fn a_property_read_from_its_class_poisons_every_tier() {
    let src =
        "class A:\n    @property\n    def p(self):\n        return 1\nprint(A().p)\nprint(A.p)\n";
    let module = parse_program(src).unwrap();
    for (name, config) in common::configs() {
        let out = Vm::new(config).run_module(&module);
        assert_eq!(
            out.result,
            RunResult::Poisoned(jitdiff_vm::lang::Poison::Unmodelled),
            "{name}"
        );
    }
}

/// Attribute loads and stores on instances and classes in a hot loop; it
/// prints 2990 (python3).
const HOT_ATTRS: &str = r#"class P:
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x
class Q(P):
    scale = 3
def f(n):
    p = Q(2)
    s = 0
    for i in range(n):
        s += p.x + p.x * Q.scale + p.get()
        p.x = i % 5
    return s
print(f(300))
"#;

fn show(tier2: Tier2Config) -> String {
    let module = parse_program(HOT_ATTRS).expect("parses");
    let config = VmConfig {
        tier2: Some(tier2),
        ..VmConfig::default()
    };
    let (out, dump) = Vm::new(config).show(&module);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let RunResult::Completed(o) = out.result else {
        panic!("{:?}", out.result)
    };
    assert_eq!(o.output, "2990\n");
    dump
}

#[test]
fn attributes_specialize_and_the_type_watcher_removes_repeated_guards() {
    for jit in [None, Some(BackendKind::Native), Some(BackendKind::EmuA64)] {
        let mut t2 = Tier2Config {
            jit,
            ..Tier2Config::default()
        };
        t2.opt.check_guards = true;
        let dump = show(t2);
        for want in [
            " LOAD_ATTR_INSTANCE_VALUE ",
            " LOAD_ATTR_METHOD_WITH_VALUES ",
            " LOAD_ATTR_CLASS ",
            " STORE_ATTR_INSTANCE_VALUE ",
            "_GUARD_TYPE_VERSION",
            "_LOAD_ATTR_INSTANCE_VALUE",
            "_LOAD_ATTR_METHOD_WITH_VALUES",
            "_LOAD_ATTR_CLASS",
            "_STORE_ATTR_INSTANCE_VALUE",
            "the type watcher invalidates the executor",
            "watches class versions",
        ] {
            assert!(dump.contains(want), "{jit:?}: no {want:?} in\n{dump}");
        }
    }
}
