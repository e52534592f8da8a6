//! The reference against CPython 3.11 on `divmod`, `pow`, `hex`, `oct`,
//! `bin`, `any`, `all`, `bool`, `format` and f-string specs, and the
//! `key=`/`default=`/`reverse=` keywords of `sorted`, `min`, `max` and
//! `list.sort`: the programs the VM's tiers are checked with
//! (vm/tests/data/builtins.txt) give the same output, ending and
//! globals on the reference as on python3.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

const PROGRAMS: &str = include_str!("../../vm/tests/data/builtins.txt");
const UNPACK_TARGET_PROGRAMS: &str = include_str!("../../vm/tests/data/unpack_targets.txt");
const DELETE_PROGRAMS: &str = include_str!("../../vm/tests/data/delete.txt");
const WALRUS_PROGRAMS: &str = include_str!("../../vm/tests/data/walrus.txt");
const DECORATOR_PROGRAMS: &str = include_str!("../../vm/tests/data/decorators.txt");
const MAP_FILTER_PROGRAMS: &str = include_str!("../../vm/tests/data/map_filter.txt");
const COMPREHENSION_LAMBDA_PROGRAMS: &str =
    include_str!("../../vm/tests/data/comprehension_lambdas.txt");
const METHOD_DESCRIPTOR_PROGRAMS: &str = include_str!("../../vm/tests/data/method_descriptors.txt");
const STR_METHOD_PROGRAMS: &str = include_str!("../../vm/tests/data/str_methods.txt");
const STR_FORMAT_PROGRAMS: &str = include_str!("../../vm/tests/data/str_format.txt");
include!("../../vm/tests/common/poison_programs.rs");

const ATTR_BUILTIN_PROGRAMS: &str = include_str!("../../vm/tests/data/attr_builtins.txt");

#[test]
fn reference_agrees_with_cpython_on_the_attribute_builtins() {
    agree(ATTR_BUILTIN_PROGRAMS);
}

/// The VM's list (vm/tests/common/poison_programs.rs): attributes by
/// string the language leaves out poison the reference too.
#[test]
fn attributes_by_string_the_language_leaves_out_poison_the_reference() {
    for src in ATTR_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::Unmodelled),
            "{src}"
        );
    }
}

/// The VM's list (vm/tests/common/poison_programs.rs): `hash()` of a
/// value CPython hashes by address or per-process seed poisons the
/// reference too.
#[test]
fn hashes_that_differ_between_cpython_processes_poison_the_reference() {
    for src in HASH_POISONED {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::Identity),
            "{src}"
        );
    }
}

/// The VM's list (vm/tests/common/poison_programs.rs): set algebra and
/// set comparisons of dict views, slices of instances and set displays
/// spreading a set or dict poison the reference too.
#[test]
fn unmodelled_set_views_slices_and_spreads_poison_the_reference() {
    for src in VIEW_ALGEBRA_POISONED
        .iter()
        .chain(INSTANCE_SLICE_POISONED)
        .chain(SET_SPREAD_POISONED)
        .chain(INHERITED_DUNDER_POISONED)
        .chain(DELETE_POISONED)
    {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(Poison::Unmodelled),
            "{src}"
        );
    }
}

/// `heapq`, `functools` and `itertools` (lowered by the front end to the
/// language's own code, which the reference runs as any program).
///
/// Their globals differ by design: the lowered program has no module
/// objects or imported names but the prelude's `__jd_` functions, a
/// cached function is a function, an `itertools` iterator a generator
/// and an `operator` getter a function. Every other global must match.
#[test]
fn reference_agrees_with_cpython_on_heapq_functools_and_itertools() {
    agree_lowered(
        include_str!("../../vm/tests/data/stdlib_modules.txt"),
        &|v| {
            v.starts_with("<module ")
                || v.starts_with("<built-in function")
                || v.starts_with("<functools._lru_cache_wrapper")
                || v == "<function cache>"
                || v == "<function lru_cache>"
                // Python functions in CPython's heapq.py.
                || v == "<function nsmallest>"
                || v == "<function nlargest>"
                // `operator`'s getters are nested functions in the prelude.
                || v.starts_with("operator.itemgetter(")
                || v.starts_with("operator.attrgetter(")
                || v.starts_with("<class 'operator.")
                || v.starts_with("<class 'itertools.")
                || v.starts_with("<itertools.")
                // A generator's repr carries an address (the dump's is
                // `<generator object>`).
                || v.starts_with("<generator object")
        },
        true,
    );
}

/// `collections.deque`, `Counter` and `defaultdict` (the prelude's
/// classes, which the reference runs as any program's). The programs keep
/// their objects in functions: the globals are functions, CPython's
/// imported names (the lowered program binds none) and the prelude's
/// `__jd_` classes.
#[test]
fn reference_agrees_with_cpython_on_collections() {
    agree_lowered(
        include_str!("../../vm/tests/data/collections.txt"),
        &|v| v.starts_with("<module ") || v.starts_with("<class 'collections."),
        false,
    );
}

/// Each program's output and ending are CPython's, and so are its globals
/// but the prelude's `__jd_` ones and those CPython's values `lowered`
/// marks (module objects, imported functions and classes); with
/// `only_cpythons`, globals CPython lacks are left out too (the lowered
/// program's own helpers).
fn agree_lowered(programs: &str, lowered: &dyn Fn(&str) -> bool, only_cpythons: bool) {
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
    let cpython = python::run_all(&sources);
    for (src, theirs) in sources.iter().zip(&cpython) {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let RunResult::Completed(ours) = reference::run(&module) else {
            panic!("{src}: {:?}", reference::run(&module));
        };
        assert_eq!(ours.output, theirs.output, "{src}");
        assert_eq!(ours.ending, theirs.ending, "{src}");
        let theirs: Vec<&(String, String)> =
            theirs.globals.iter().filter(|(_, v)| !lowered(v)).collect();
        let ours: Vec<&(String, String)> = ours
            .globals
            .iter()
            .filter(|(k, _)| !k.starts_with("__jd_"))
            .filter(|(k, _)| !only_cpythons || theirs.iter().any(|(n, _)| n == k))
            .collect();
        assert_eq!(ours, theirs, "{src}");
    }
}

/// `int.bit_length` and `bit_count`, `float.is_integer`, `dict.popitem`, `math.prod`.
#[test]
fn reference_agrees_with_cpython_on_bit_length_popitem_and_prod() {
    agree(include_str!("../../vm/tests/data/more_methods.txt"));
}

#[test]
fn reference_agrees_with_cpython_on_the_builtins() {
    agree(PROGRAMS);
}

/// Unpacking into attributes and subscripts (the VM's tiers run these in
/// vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_unpacking_into_attributes_and_subscripts() {
    agree(UNPACK_TARGET_PROGRAMS);
}

/// `del` (the VM's tiers run these in vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_del() {
    agree(DELETE_PROGRAMS);
}

/// Assignment expressions (the VM's tiers run these in
/// vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_assignment_expressions() {
    agree(WALRUS_PROGRAMS);
}

/// Decorators (the VM's tiers run these in vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_decorators() {
    agree(DECORATOR_PROGRAMS);
}

/// `map` and `filter` (the VM's tiers run these in
/// vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_map_and_filter() {
    agree(MAP_FILTER_PROGRAMS);
}

/// Method descriptors (the VM's tiers run these in
/// vm/tests/builtins_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_method_descriptors() {
    agree(METHOD_DESCRIPTOR_PROGRAMS);
}

/// Lambdas and consumed generator expressions in comprehensions (the VM's
/// tiers run these in
/// vm/tests/syntax_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_lambdas_in_comprehensions() {
    agree(COMPREHENSION_LAMBDA_PROGRAMS);
}

/// The str methods (the VM's tiers run these in vm/tests/builtins_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_the_str_methods() {
    agree(STR_METHOD_PROGRAMS);
}

/// `str.format` (the VM's tiers run these in vm/tests/builtins_cpython.rs).
#[test]
fn reference_agrees_with_cpython_on_str_format() {
    agree(STR_FORMAT_PROGRAMS);
}

fn agree(programs: &str) {
    let sources: Vec<String> = programs.split("\n#----\n").map(str::to_string).collect();
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

/// Exhausted iterators stay so when their container grows; `zip` and
/// `enumerate` ask their iterators again after one ran out; `x in it`
/// consumes an iterator up to the match (the VM's
/// programs, vm/tests/data/exhausted_iterators.txt).
#[test]
fn reference_agrees_with_cpython_on_exhausted_iterators() {
    agree(include_str!("../../vm/tests/data/exhausted_iterators.txt"));
}

/// `any`/`all` pull lazily in the reference too: a generator is resumed
/// only until an item decides, and an iterable longer than a list may be
/// poisons as a list would.
#[test]
fn any_and_all_stop_at_the_deciding_item_and_bound_the_walk() {
    let src = "def g():\n    for i in range(10):\n        print(i)\n        yield i\nprint(any(x > 1 for x in g()))\nprint(all(x < 1 for x in g()))\n";
    let RunResult::Completed(o) = reference::run(&parse_program(src).unwrap()) else {
        panic!("poisoned")
    };
    assert_eq!(o.output, "0\n1\n2\nTrue\n0\n1\nFalse\n");
    let src = "print(all(range(1, 2**21)))\n";
    let r = reference::run(&parse_program(src).unwrap());
    assert!(
        matches!(r, RunResult::Poisoned(Poison::SequenceTooLong)),
        "{r:?}"
    );
}

/// `%s` of a user exception is its str (its message), as CPython's; `%r`
/// its repr. The expected line is CPython 3.11's.
#[test]
fn percent_s_of_a_user_exception_is_its_message() {
    let src = "class E(Exception):\n    pass\nclass K(KeyError):\n    pass\nprint('%s|%5.1s|[%10s]|%s|%r' % (E('bad'), E('abc'), E(2, 3), K('k'), E('x')))\n";
    let module = parse_program(src).unwrap();
    let RunResult::Completed(o) = reference::run(&module) else {
        panic!("{src}: did not complete");
    };
    assert_eq!(o.output, "bad|    a|[    (2, 3)]|'k'|E('x')\n");
}
