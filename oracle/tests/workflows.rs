//! The CI gates (README "CI gates"): `ci/github/pr.yml`, `ci/github/nightly.yml`
//! and `ci/nightly`. Nothing here runs them; it keeps them honest against the
//! repository. Every `ci/...` script a workflow runs must exist and be
//! executable, and every `jitdiff` subcommand and `--flag` it (or a `ci/`
//! script's command line) uses must be documented in README.md, on a line
//! that names that command. The workflows must run what the README says they
//! run, and the nightly script must cover every cargo-fuzz target. The YAML is
//! read as text, line by line (std only).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel))
        .unwrap_or_else(|e| panic!("{rel}: cannot read it ({e}); README \"CI gates\" names it"))
}

const PR: &str = "ci/github/pr.yml";
const NIGHTLY: &str = "ci/github/nightly.yml";

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `run:` commands of a workflow, one per shell line, with their 1-based line
/// numbers: single-line `run: cmd` and the lines of `run: |` blocks.
fn run_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim_start();
        let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
        if let Some(rest) = t.strip_prefix("run:") {
            let rest = rest.trim();
            if rest.starts_with('|') || rest.starts_with('>') {
                let key_indent = indent(lines[i]);
                let mut j = i + 1;
                while j < lines.len()
                    && (lines[j].trim().is_empty() || indent(lines[j]) > key_indent)
                {
                    if !lines[j].trim().is_empty() {
                        out.push((j + 1, lines[j].trim().to_string()));
                    }
                    j += 1;
                }
                i = j;
                continue;
            }
            out.push((i + 1, unquote(rest).to_string()));
        }
        i += 1;
    }
    out
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// Shell words of one command line, split at whitespace, quotes stripped
/// (enough for the commands the workflows run).
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| unquote(w).to_string())
        .collect()
}

fn is_separator(w: &str) -> bool {
    matches!(w, ";" | "&&" | "||" | "|" | "then" | "do" | "fi" | "done")
        || w.starts_with('>')
        || w.starts_with('<')
        || w.starts_with('#')
}

/// The `--flags` of the command starting at `words[from]`, up to the end of
/// that command (`--flag=value` counts as `--flag`).
fn flags_from(words: &[String], from: usize) -> Vec<String> {
    words[from..]
        .iter()
        .take_while(|w| !is_separator(w) && !w.ends_with(';'))
        .filter(|w| w.starts_with("--"))
        .map(|w| w.split('=').next().unwrap().to_string())
        .collect()
}

/// A `jitdiff` invocation: `jitdiff`, `./target/release/jitdiff`, ... but not
/// a path that merely contains the name (`jitdiff-oracle`).
fn is_jitdiff(w: &str) -> bool {
    w == "jitdiff" || w.ends_with("/jitdiff")
}

/// What one workflow runs: `(line, script)` for every `ci/...` word and
/// `(line, subcommand, flags)` for every `jitdiff` invocation.
struct Invocations {
    scripts: Vec<(usize, String, Vec<String>)>,
    jitdiff: Vec<(usize, String, Vec<String>, Vec<String>)>,
}

fn invocations(text: &str) -> Invocations {
    let mut inv = Invocations {
        scripts: vec![],
        jitdiff: vec![],
    };
    for (line, cmd) in run_lines(text) {
        let ws = words(&cmd);
        for (k, w) in ws.iter().enumerate() {
            let w = w.strip_prefix("./").unwrap_or(w);
            if w.starts_with("ci/") {
                inv.scripts
                    .push((line, w.to_string(), flags_from(&ws, k + 1)));
            } else if is_jitdiff(w) {
                let sub = ws.get(k + 1).cloned().unwrap_or_default();
                let rest: Vec<String> = ws[k + 1..]
                    .iter()
                    .take_while(|w| !is_separator(w))
                    .cloned()
                    .collect();
                inv.jitdiff.push((line, sub, flags_from(&ws, k + 1), rest));
            }
        }
    }
    inv
}

/// README lines that name `what` (a `jitdiff` subcommand or a `ci/` script).
fn readme_lines_naming<'a>(readme: &'a str, what: &str) -> Vec<&'a str> {
    readme
        .lines()
        .filter(|l| {
            l.match_indices(what).any(|(i, _)| {
                let after = &l[i + what.len()..];
                !after.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_')
            })
        })
        .collect()
}

fn check_invocations(file: &str, text: &str, readme: &str, errors: &mut Vec<String>) {
    let inv = invocations(text);
    if inv.scripts.is_empty() && inv.jitdiff.is_empty() {
        errors.push(format!(
            "{file}: no `run:` line invokes a ci/ script or jitdiff"
        ));
    }
    for (line, script, flags) in &inv.scripts {
        let path = root().join(script);
        match std::fs::metadata(&path) {
            Err(_) => errors.push(format!(
                "{file}:{line}: runs {script}, which does not exist"
            )),
            Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => errors.push(format!(
                "{file}:{line}: runs {script}, which is not an executable file"
            )),
            Ok(_) => {}
        }
        let documented = readme_lines_naming(readme, script);
        if documented.is_empty() {
            errors.push(format!(
                "{file}:{line}: runs {script}, which README.md never names"
            ));
        }
        for flag in flags {
            if !documented.iter().any(|l| mentions_flag(l, flag)) {
                errors.push(format!(
                    "{file}:{line}: `{script} {flag}`: README.md documents no {flag} on a line naming {script}"
                ));
            }
        }
    }
    for (line, sub, flags, _) in &inv.jitdiff {
        let command = format!("jitdiff {sub}");
        let documented = readme_lines_naming(readme, &command);
        if sub.is_empty() || sub.starts_with('-') || documented.is_empty() {
            errors.push(format!(
                "{file}:{line}: runs `{command}`, a subcommand README.md does not document"
            ));
            continue;
        }
        for flag in flags {
            if !documented.iter().any(|l| mentions_flag(l, flag)) {
                errors.push(format!(
                    "{file}:{line}: `{command} {flag}`: README.md documents no {flag} on a line naming `{command}`"
                ));
            }
        }
    }
}

/// `line` has `flag` as a whole word (`--seconds` is not in `--seconds-per-bug`).
fn mentions_flag(line: &str, flag: &str) -> bool {
    line.match_indices(flag).any(|(i, _)| {
        let after = &line[i + flag.len()..];
        !after.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_')
    })
}

/// Steps of a workflow: each `- ...` item under `steps:`, as (first line, its lines).
fn steps(text: &str) -> Vec<(usize, Vec<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<(usize, Vec<String>)> = Vec::new();
    let mut steps_indent: Option<usize> = None;
    let mut item_indent = None;
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let ind = indent(l);
        if l.trim() == "steps:" {
            steps_indent = Some(ind);
            item_indent = None;
            continue;
        }
        let Some(si) = steps_indent else { continue };
        if ind <= si && !(ind == si && l.trim_start().starts_with("- ")) {
            steps_indent = None;
            continue;
        }
        if l.trim_start().starts_with("- ") && item_indent.is_none_or(|ii| ind == ii) {
            item_indent = Some(ind);
            out.push((i + 1, vec![l.trim().to_string()]));
        } else if let Some(last) = out.last_mut() {
            last.1.push(l.trim().to_string());
        }
    }
    out
}

/// The value of `key:` among a step's lines (the first item's `- ` dropped).
fn step_value<'a>(step: &'a [String], key: &str) -> Option<&'a str> {
    step.iter().find_map(|l| {
        let l = l.strip_prefix("- ").unwrap_or(l);
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .map(|v| unquote(v.trim()))
    })
}

fn fail_if_any(errors: Vec<String>) {
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[test]
fn workflows_run_only_existing_scripts_and_documented_commands() {
    let readme = read("README.md");
    let mut errors = Vec::new();
    for file in [PR, NIGHTLY] {
        check_invocations(file, &read(file), &readme, &mut errors);
    }
    fail_if_any(errors);
}

#[test]
fn the_pr_gate_runs_the_tests_the_selftest_and_a_two_minute_campaign() {
    let text = read(PR);
    let inv = invocations(&text);
    let mut errors = Vec::new();
    if !inv.scripts.iter().any(|(_, s, _)| s == "ci/test") {
        errors.push(format!(
            "{PR}: no `run:` line runs ci/test (the test suite)"
        ));
    }
    if !inv.jitdiff.iter().any(|(_, s, _, _)| s == "selftest") {
        errors.push(format!("{PR}: no `run:` line runs `jitdiff selftest`"));
    }
    let fuzz: Vec<_> = inv
        .jitdiff
        .iter()
        .filter(|(_, s, _, _)| s == "fuzz")
        .collect();
    if fuzz.is_empty() {
        errors.push(format!("{PR}: no `run:` line runs `jitdiff fuzz`"));
    }
    let has = |rest: &[String], flag: &str, value: &str| {
        rest.windows(2).any(|w| w[0] == flag && w[1] == value)
            || rest.iter().any(|w| *w == format!("{flag}={value}"))
    };
    for (line, _, _, rest) in &fuzz {
        if !has(rest, "--seconds", "120") {
            errors.push(format!(
                "{PR}:{line}: `jitdiff fuzz` without `--seconds 120`"
            ));
        }
        if !has(rest, "--config", "all") {
            errors.push(format!(
                "{PR}:{line}: `jitdiff fuzz` without `--config all`"
            ));
        }
    }
    if !text
        .lines()
        .any(|l| l.trim() == "pull_request:" || l.trim() == "pull_request")
    {
        errors.push(format!("{PR}: not triggered by pull_request"));
    }
    fail_if_any(errors);
}

#[test]
fn the_nightly_workflow_runs_the_script_caches_corpora_and_uploads() {
    let text = read(NIGHTLY);
    let inv = invocations(&text);
    let mut errors = Vec::new();
    if !inv.scripts.iter().any(|(_, s, _)| s == "ci/nightly") {
        errors.push(format!("{NIGHTLY}: no `run:` line runs ci/nightly"));
    }
    for trigger in ["schedule:", "workflow_dispatch:"] {
        if !text.lines().any(|l| l.trim() == trigger) {
            errors.push(format!("{NIGHTLY}: no `{trigger}` trigger"));
        }
    }
    let steps = steps(&text);
    let uses = |prefix: &str| {
        steps
            .iter()
            .filter(|(_, s)| step_value(s, "uses").is_some_and(|u| u.starts_with(prefix)))
            .collect::<Vec<_>>()
    };
    let caches = uses("actions/cache");
    let corpus_caches: Vec<_> = caches
        .iter()
        .filter(|(_, s)| step_value(s, "path").is_some_and(|p| p.contains("corpus")))
        .collect();
    if corpus_caches.is_empty() {
        errors.push(format!(
            "{NIGHTLY}: no actions/cache step whose `path:` is the fuzz corpus"
        ));
    }
    if !corpus_caches
        .iter()
        .any(|(_, s)| s.iter().any(|l| l.starts_with("restore-keys:")))
    {
        errors.push(format!(
            "{NIGHTLY}: the corpus cache has no `restore-keys:`, so it never restores the latest night"
        ));
    }
    if uses("actions/upload-artifact").is_empty() {
        errors.push(format!("{NIGHTLY}: no actions/upload-artifact step"));
    }
    fail_if_any(errors);
}

#[test]
fn the_nightly_script_is_executable_and_covers_every_fuzz_target() {
    let path = root().join("ci/nightly");
    let mode = std::fs::metadata(&path)
        .expect("ci/nightly exists")
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "ci/nightly is not executable (chmod +x)");
    let script = read("ci/nightly");
    let manifest = read("fuzz/Cargo.toml");
    let mut targets = Vec::new();
    let mut in_bin = false;
    for l in manifest.lines().map(str::trim) {
        if l.starts_with('[') {
            in_bin = l == "[[bin]]";
            continue;
        }
        let Some(v) = l.strip_prefix("name") else {
            continue;
        };
        if in_bin {
            targets.push(unquote(v.trim_start().trim_start_matches('=').trim()).to_string());
        }
    }
    assert!(
        !targets.is_empty(),
        "fuzz/Cargo.toml: no [[bin]] name found"
    );
    let derived = script.contains("fuzz/Cargo.toml") && script.contains("[[bin]]");
    let missing: Vec<_> = targets
        .iter()
        .filter(|t| {
            !script
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == *t)
        })
        .collect();
    assert!(
        derived || missing.is_empty(),
        "ci/nightly neither derives the targets from fuzz/Cargo.toml's [[bin]] entries nor names {missing:?}"
    );
    assert!(
        script.contains("cargo fuzz run"),
        "ci/nightly does not run `cargo fuzz run`"
    );
    assert!(
        script.contains("jitdiff\" triage") || script.contains("jitdiff triage"),
        "ci/nightly does not run `jitdiff triage`"
    );
}

#[test]
fn workflow_yaml_has_no_tabs_and_pins_every_action() {
    let mut errors = Vec::new();
    for file in [PR, NIGHTLY] {
        let text = read(file);
        for (n, l) in text.lines().enumerate() {
            if l.contains('\t') {
                errors.push(format!(
                    "{file}:{}: tab character (YAML indents with spaces)",
                    n + 1
                ));
            }
            let t = l.trim_start();
            let t = t.strip_prefix("- ").unwrap_or(t);
            let Some(u) = t.strip_prefix("uses:") else {
                continue;
            };
            let u = unquote(u.split('#').next().unwrap().trim());
            if u.starts_with("./") || u.starts_with("docker://") {
                continue;
            }
            let pinned = u.rsplit_once('@').is_some_and(|(_, v)| {
                (v.len() > 1
                    && v.starts_with('v')
                    && v[1..].starts_with(|c: char| c.is_ascii_digit()))
                    || (v.len() == 40 && v.chars().all(|c| c.is_ascii_hexdigit()))
            });
            if !pinned {
                errors.push(format!(
                    "{file}:{}: `uses: {u}` does not pin a version (@vN or a commit SHA)",
                    n + 1
                ));
            }
        }
        for key in ["name:", "on:", "jobs:"] {
            if !text.lines().any(|l| l.starts_with(key)) {
                errors.push(format!("{file}: no top-level `{key}`"));
            }
        }
    }
    fail_if_any(errors);
}
