//! `ci/mutations.txt` stays applicable: every mutation names a file that
//! exists and text that occurs in it exactly once, and changes it. The
//! study itself (`ci/mutation-study`) rebuilds the VM once per mutation and
//! runs campaigns, so it is run by hand, not here.

use std::path::Path;

struct Mutation {
    name: String,
    file: String,
    why: String,
    old: String,
    new: String,
}

/// The same format `ci/mutation-study` reads: `== name`, `file:`, `why:`,
/// then the text after `--- old` and its replacement after `+++ new`.
fn parse(text: &str) -> Vec<Mutation> {
    let mut out = vec![];
    for block in text.split("\n== ").skip(1) {
        let lines: Vec<&str> = block.split('\n').collect();
        let name = lines[0].trim().to_string();
        let field = |key: &str| {
            lines
                .iter()
                .take_while(|l| !l.starts_with("--- old"))
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                .unwrap_or_else(|| panic!("{name}: no `{key}` line"))
        };
        let old_at = lines
            .iter()
            .position(|l| l.starts_with("--- old"))
            .unwrap_or_else(|| panic!("{name}: no `--- old` line"));
        let new_at = lines
            .iter()
            .position(|l| *l == "+++ new")
            .unwrap_or_else(|| panic!("{name}: no `+++ new` line"));
        let mut new: Vec<&str> = lines[new_at + 1..].to_vec();
        while new.last() == Some(&"") {
            new.pop();
        }
        out.push(Mutation {
            file: field("file:"),
            why: field("why:"),
            old: lines[old_at + 1..new_at].join("\n"),
            new: new.join("\n"),
            name,
        });
    }
    out
}

#[test]
fn every_mutation_still_applies_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("ci/mutations.txt")).expect("ci/mutations.txt");
    let mutations = parse(&text);
    assert!(mutations.len() >= 10, "{} mutations", mutations.len());
    let mut names = std::collections::BTreeSet::new();
    for m in &mutations {
        assert!(names.insert(m.name.clone()), "{} is listed twice", m.name);
        assert!(!m.why.is_empty(), "{}: say why it is realistic", m.name);
        let source = std::fs::read_to_string(root.join(&m.file))
            .unwrap_or_else(|e| panic!("{}: {}: {e}", m.name, m.file));
        assert_eq!(
            source.matches(m.old.as_str()).count(),
            1,
            "{}: its `old` text must occur exactly once in {}",
            m.name,
            m.file
        );
        assert_ne!(m.old, m.new, "{}: the mutation changes nothing", m.name);
    }
}
