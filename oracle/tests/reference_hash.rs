//! The reference against CPython 3.11 on user `__hash__` (classes whose
//! body defines it): every program of data/reference_hash.txt (dict keys
//! and set elements looked up by equal but distinct instances, hash
//! collisions whose `__eq__` calls print, tuple keys, huge, -1, bool and
//! non-int hashes, inherited and cancelled hashes) gives the same output,
//! ending and globals on the reference as on python3; what the reference
//! does not model poisons.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

const TABLE: &str = include_str!("data/reference_hash.txt");

#[test]
fn reference_agrees_with_cpython_on_user_hashes() {
    let sources: Vec<String> = TABLE.split("\n#----\n").map(str::to_string).collect();
    assert!(sources.len() >= 6, "the table is split into its programs");
    let cpython = python::run_all(&sources);
    let mut failures = Vec::new();
    for (i, (src, theirs)) in sources.iter().zip(&cpython).enumerate() {
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e}\n{src}"));
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

/// The VM's programs (`vm/tests/data/user_hash.txt`, `__hash__` and
/// `__eq__` printing their calls) on the reference.
#[test]
fn reference_agrees_with_cpython_on_the_vms_hash_programs() {
    let data = include_str!("../../vm/tests/data/user_hash.txt");
    let sources: Vec<String> = data.split("\n#----\n").map(str::to_string).collect();
    assert_eq!(sources.len(), 3, "the data is split into its programs");
    let cpython = python::run_all(&sources);
    for (i, (src, theirs)) in sources.iter().zip(&cpython).enumerate() {
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e}\n{src}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Completed(theirs.clone()),
            "program {i}:\n{src}"
        );
    }
}

fn poisoned(src: &str) -> Option<Poison> {
    let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    match reference::run(&module) {
        RunResult::Poisoned(p) => Some(p),
        RunResult::Completed(_) => None,
    }
}

const POINT: &str = "class P:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n    def __eq__(self, o):\n        return self.x == o.x and self.y == o.y\n    def __hash__(self):\n        return self.x * 31 + self.y\n";

/// Operations outside the covered list that would hash a user-hashed key
/// or compare one with an equal hash poison; the covered ones beside them
/// do not.
#[test]
fn uncovered_operations_on_user_hashed_keys_poison() {
    for (tail, want) in [
        ("print({P(1, 2)} | {P(1, 2)})\n", Some(Poison::Unmodelled)),
        ("s = {P(1, 2)}\ns |= {P(1, 2)}\n", Some(Poison::Unmodelled)),
        (
            "s = {P(1, 2)}\ns.update([P(1, 2)])\n",
            Some(Poison::Unmodelled),
        ),
        ("print({P(1, 2)} == {P(1, 2)})\n", Some(Poison::Unmodelled)),
        (
            "print({P(1, 2): 1} == {P(1, 2): 1})\n",
            Some(Poison::Unmodelled),
        ),
        ("d = dict([(P(1, 2), 1)])\n", Some(Poison::Unmodelled)),
        ("d = dict.fromkeys([P(1, 2)])\n", Some(Poison::Unmodelled)),
        (
            "d = {P(1, 2): 1}\nd.update({P(3, 4): 2})\n",
            Some(Poison::Unmodelled),
        ),
        (
            "d = {P(1, 2): 1}\nprint(P(1, 2) in d.keys())\n",
            Some(Poison::Unmodelled),
        ),
        ("d = {P(1, 2): 1}\ne = d.copy()\n", Some(Poison::Unmodelled)),
        // A str beside a user hash: CPython's hash of the tuple is unknown.
        ("d = {(P(1, 2), 'a'): 1}\n", Some(Poison::Unmodelled)),
        ("s = {(P(1, 2), 'a')}\n", Some(Poison::Unmodelled)),
        // Covered: exact, not poisoned.
        (
            "d = {P(1, 2): 1}\nd[P(1, 2)] += 1\nprint(d[P(1, 2)])\n",
            None,
        ),
        (
            "s = {P(1, 2), P(3, 4)}\ns.add(P(1, 2))\nprint(len(s), P(3, 4) in s)\n",
            None,
        ),
        ("print(hash(P(1, 2)), hash((P(1, 2), 3.5)))\n", None),
    ] {
        let src = format!("{POINT}{tail}");
        assert_eq!(poisoned(&src), want, "{src}");
    }
}

/// A user `__eq__` or `__hash__` that adds or removes a key of the dict
/// or set being probed poisons (CPython restarts the lookup); one that
/// only reads it does not.
#[test]
fn user_methods_changing_the_probed_container_poison() {
    let class = |eq_body: &str, hash_body: &str| {
        format!(
            "box = []\nclass K:\n    def __init__(self, x):\n        self.x = x\n    def __eq__(self, o):\n        {eq_body}\n        return self.x == o.x\n    def __hash__(self):\n        {hash_body}\n        return self.x\n"
        )
    };
    let dict_use = "d = {K(1): 1}\nbox.append(d)\nprint(d[K(1)])\n";
    let set_use = "s = {K(1)}\nbox.append(s)\nprint(K(1) in s)\n";
    for (eq_body, hash_body, tail, want) in [
        (
            "box and box[0].clear()",
            "pass",
            dict_use,
            Some(Poison::Unmodelled),
        ),
        (
            "box and box[0].clear()",
            "pass",
            set_use,
            Some(Poison::Unmodelled),
        ),
        (
            "pass",
            "box and box[0].clear()",
            dict_use,
            Some(Poison::Unmodelled),
        ),
        (
            "pass",
            "box and box[0].clear()",
            set_use,
            Some(Poison::Unmodelled),
        ),
        ("box and len(box[0])", "box and len(box[0])", dict_use, None),
        ("box and len(box[0])", "box and len(box[0])", set_use, None),
    ] {
        let src = format!("{}{tail}", class(eq_body, hash_body));
        assert_eq!(poisoned(&src), want, "{src}");
    }
}

/// The table's programs survive the reducer's print-and-reparse.
#[test]
fn hash_programs_round_trip_through_unparse() {
    for src in TABLE.split("\n#----\n") {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let text = jitdiff_vm::lang::unparse(&module);
        let again = parse_program(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(again, module, "{text}");
    }
}
