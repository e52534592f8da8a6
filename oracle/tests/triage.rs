//! Triage end to end: a campaign directory with several findings of the
//! same planted bug becomes one regression file; a cargo-fuzz artifact is
//! triaged in one command; reductions stay valid Python.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn jitdiff(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jitdiff"))
        .args(args)
        .output()
        .expect("run jitdiff")
}

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("triage-{name}"))
}

fn py_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    v.sort();
    v
}

#[test]
fn several_findings_of_one_bug_make_one_regression() {
    let d = temp_dir("dedupe");
    let findings = d.join("findings");
    let config = "t2+stress+deopt=5+inject=deopt-resume-late";
    let out = jitdiff(&[
        "fuzz",
        "--count",
        "40",
        "--seed",
        "5",
        "--config",
        config,
        "--out",
        findings.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let found = py_files(&findings).len();
    assert!(found >= 3, "need several findings, got {found}");
    let regressions = d.join("regressions");
    let out = jitdiff(&[
        "triage",
        findings.to_str().unwrap(),
        "--regressions",
        regressions.to_str().unwrap(),
        "--reduce-seconds",
        "20",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = py_files(&regressions);
    assert_eq!(written.len(), 1, "{stdout}");
    assert!(
        stdout.matches("duplicate of").count() >= found - 1,
        "{stdout}"
    );
    let text = std::fs::read_to_string(&written[0]).unwrap();
    assert!(
        text.contains("# signature: DeoptState") && text.contains(config),
        "{text}"
    );
    assert!(written[0].with_extension("md").exists());
    // The reduced program is small, and valid Python that CPython runs to
    // the end (the original did; the reducer must not make it loop).
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(body.len() <= 15, "{text}");
    if let Err(e) = jitdiff_oracle::cpython::run(&text, 60) {
        panic!("python3 does not finish the reduced program: {e}\n{text}");
    }
}

#[test]
fn a_fuzz_artifact_is_triaged_in_one_command() {
    let d = temp_dir("artifact");
    // The bytes of a program the planted tier-1 bug makes diverge: exactly
    // what `cargo fuzz` would save under fuzz/artifacts/.
    let seed = (0..2000u64)
        .map(|i| jitdiff_oracle::campaign::program_seed(7, i))
        .find(|&s| {
            let m = jitdiff_oracle::generator::generate_from_seed(s);
            let mut r = jitdiff_oracle::runner::Runner::new(
                jitdiff_oracle::config::Config::parse_list("t1+inject=add-int-overflow").unwrap(),
            );
            matches!(
                r.run(&m).verdict,
                jitdiff_oracle::runner::Verdict::Diverge(_)
            )
        })
        .expect("the planted bug is found in 2000 programs");
    let artifact = d.join("crash-0123abcd");
    std::fs::write(&artifact, jitdiff_oracle::generator::seed_bytes(seed)).unwrap();
    let regressions = d.join("regressions");
    let out = jitdiff(&[
        "triage",
        artifact.to_str().unwrap(),
        "--config",
        "t1+inject=add-int-overflow",
        "--regressions",
        regressions.to_str().unwrap(),
        "--reduce-seconds",
        "20",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        py_files(&regressions).len(),
        1,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
