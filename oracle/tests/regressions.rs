//! Regression replay: every program in `regressions/` and `corpus/` runs on
//! every configuration of `all`, and must agree; the reference's outcome is
//! pinned by an insta snapshot, so a change of semantics is reviewed with
//! `cargo insta review`, never silently accepted. Regressions that name a
//! planted-bug configuration must still diverge there with the same
//! signature: the oracle that caught the bug still catches it.

use std::path::Path;

use jitdiff_oracle::config::Config;
use jitdiff_oracle::runner::{Runner, Verdict};
use jitdiff_oracle::triage::Signature;
use jitdiff_vm::lang::limits::LimitOverrides;
use jitdiff_vm::lang::{Ending, RunResult, parse_program};

fn replay(path: &Path, all: &mut Runner) {
    let src = std::fs::read_to_string(path).unwrap();
    let module = parse_program(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // A program that needs more than the default limits says so in its
    // `# jitdiff limits:` header.
    let limits = LimitOverrides::default()
        .limits_for(&src)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    all.limits = limits;
    let report = all.run(&module);
    // The reference's outcome first: a change of semantics shows up as a
    // snapshot diff to review.
    let pinned = match &report.reference {
        RunResult::Completed(o) => {
            let ending = match &o.ending {
                Ending::Normal => "normal".to_string(),
                Ending::Exception { kind, message } => format!("{kind}: {message}"),
            };
            let globals: Vec<String> = o
                .globals
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            format!(
                "ending: {ending}\n--- output\n{}--- globals\n{}\n",
                o.output,
                globals.join("\n")
            )
        }
        RunResult::Poisoned(p) => format!("poisoned: {p}\n"),
    };
    insta::assert_snapshot!(pinned);
    assert!(
        !matches!(report.verdict, Verdict::Diverge(_) | Verdict::Error(_)),
        "{}: {:?}",
        path.display(),
        report.verdict
    );
    let header = |key: &str| src.lines().find_map(|l| l.strip_prefix(key));
    let (sig, configs) = (header("# signature: "), header("# configurations: "));
    if let (Some(sig), Some(configs)) = (sig, configs.filter(|c| c.contains("+inject="))) {
        let mut planted = Runner::new(Config::parse_list(configs).unwrap());
        planted.limits = limits;
        let got = Signature::of(&planted.run(&module)).map(|s| s.to_string());
        assert_eq!(
            got.as_deref(),
            Some(sig),
            "{}: the oracle no longer catches it",
            path.display()
        );
    }
}

#[test]
fn regressions_replay_on_every_configuration() {
    let mut all = Runner::new(Config::parse_list("all").unwrap());
    insta::glob!("../../regressions", "*.py", |path| replay(path, &mut all));
}

#[test]
fn corpus_replays_on_every_configuration() {
    let mut all = Runner::new(Config::parse_list("all").unwrap());
    insta::glob!("../../corpus", "*.py", |path| replay(path, &mut all));
}
