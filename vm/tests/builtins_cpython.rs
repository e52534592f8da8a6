//! End-to-end: the builtins `divmod`, `pow`, `hex`, `oct`, `bin`, `any`,
//! `all`, `bool` and `format` (with f-string format specs), `key=` of
//! `sorted`, `min`, `max` and `list.sort`, `default=` of `min` and `max`
//! (values, edge cases, every error CPython words, generators and user
//! `__bool__`/`__len__`/`__iter__` met on the way) print what CPython
//! prints in every tier, and their hot loops run as machine code.
//! The programs are shared with the reference's test
//! (oracle/tests/reference_builtins.rs).

mod common;

use common::check_against_cpython;

/// Runs the `#----`-separated programs of `data` against python3 on every
/// tier; their loops must make more than `min_traces` traces.
fn agree_on_every_tier(data: &str, min_traces: u64) {
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > min_traces,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

const PROGRAMS: &str = include_str!("data/builtins.txt");

#[test]
fn every_tier_prints_what_cpython_prints_for_the_builtins() {
    let sources: Vec<String> = PROGRAMS.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() >= 6, "{} programs", sources.len());
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

const STR_METHOD_PROGRAMS: &str = include_str!("data/str_methods.txt");

/// The str methods of `runtime/str_methods.rs` (values, edge cases, every
/// argument error in CPython's order) and the `Py_ssize_t` arguments of
/// `split` and `replace`; the programs are shared with the reference's
/// test (oracle/tests/reference_builtins.rs).
#[test]
fn every_tier_prints_what_cpython_prints_for_the_str_methods() {
    agree_on_every_tier(STR_METHOD_PROGRAMS, 3);
}

const STR_FORMAT_PROGRAMS: &str = include_str!("data/str_format.txt");

/// `str.format`: fields, conversions, nested specs, keyword and unpacked
/// calls, a bound `format` as a value, every parsing and numbering error;
/// the programs are shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_str_format() {
    agree_on_every_tier(STR_FORMAT_PROGRAMS, 2);
}

const METHOD_DESCRIPTOR_PROGRAMS: &str = include_str!("data/method_descriptors.txt");

/// Methods read from their builtin type (`str.lower`, `list.append`):
/// method descriptors as `key=` and `map`/`filter` functions, called with
/// the receiver first in hot loops, compared, printed, as dict keys, and
/// CPython's TypeErrors (no receiver, a receiver of another type, checked
/// before a generator argument is drained); shared with the reference's
/// test.
#[test]
fn every_tier_prints_what_cpython_prints_for_method_descriptors() {
    agree_on_every_tier(METHOD_DESCRIPTOR_PROGRAMS, 2);
}

/// `int.bit_length` and `bit_count`, `float.is_integer`, `dict.popitem` (the table's
/// freed tail reused by the next insertion, as CPython's) and `math.prod`
/// (eager, and pulling a generator one item at a time), with CPython's
/// errors. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_bit_length_popitem_and_prod() {
    agree_on_every_tier(include_str!("data/more_methods.txt"), 2);
}

/// `heapq`'s C functions, `functools.reduce`, `lru_cache` and `cache`, and
/// `itertools`' iterators, lowered by the front end to the language's own
/// code (vm/src/lang/stdlib.rs): every comparison a heap makes in
/// CPython's order (a user `__lt__` included, and one that grows the list
/// mid-sift), `heapify` past 2500 items, bounded caches evicting in LRU
/// order, keyword calls cached apart, 1 and 1.0 and True as CPython keys
/// them, the combinatoric iterators' orders, `islice` consuming no more
/// than CPython's, and the C functions' errors. Shared with the
/// reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_heapq_functools_itertools_and_bisect() {
    agree_on_every_tier(include_str!("data/stdlib_modules.txt"), 3);
}

/// `collections.deque`, `Counter` and `defaultdict`, the prelude's classes
/// (vm/src/lang/stdlib_prelude.py): their methods' results, errors and
/// messages, reprs, comparisons, a deque mutated during iteration, and hot
/// loops (a BFS, a sliding window, grouping and counting). Shared with the
/// reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_collections() {
    agree_on_every_tier(include_str!("data/collections.txt"), 4);
}

/// Iterators that ran out stay so, as CPython's: a list, dict or set
/// iterator whose container grows afterwards (no item, no "changed size"
/// error), one left by `break` before its end (it sees the new items);
/// `zip` and `enumerate` asking their iterators again at every call (the
/// ones before an exhausted one lose an item; a user `__next__` may go on
/// after StopIteration), and `x in it` stepping an iterator object up to
/// the match, in hot loops. Shared with the reference's test.
#[test]
fn every_tier_prints_what_cpython_prints_for_exhausted_iterators() {
    agree_on_every_tier(include_str!("data/exhausted_iterators.txt"), 3);
}
