//! The hand-written seed corpus (`corpus/NN_name.py`): every file is S0
//! (parses, and survives the printer round trip), says in its first line
//! what JIT behaviour it exercises, and runs deterministically under
//! `python3`, ending normally unless that line names the exception it raises.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use jitdiff_vm::lang::{parse_program, unparse};

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("corpus/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

const EXCEPTIONS: [&str; 5] = [
    "ZeroDivisionError",
    "NameError",
    "UnboundLocalError",
    "IndexError",
    "TypeError",
];

#[test]
fn corpus_files_are_s0_and_documented() {
    let files = corpus();
    assert!(files.len() >= 16, "only {} corpus programs", files.len());
    for (name, src) in &files {
        let (nn, rest) = name.split_at(2);
        assert!(
            nn.chars().all(|c| c.is_ascii_digit()) && rest.starts_with('_'),
            "{name}: not NN_name.py"
        );
        let first = src.lines().next().unwrap_or("");
        assert!(
            first.starts_with("# ") && first.len() > 20,
            "{name}: first line must say what it exercises"
        );
        let m = parse_program(src).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            parse_program(&unparse(&m)),
            Ok(m),
            "{name}: printer round trip"
        );
    }
}

/// Runs each program twice in one interpreter; prints per program the
/// exception name (or "ok") and whether both runs printed the same.
const RUNNER: &str = r#"
import sys, json, io, contextlib
out = []
for src in json.load(sys.stdin):
    runs = []
    for _ in range(2):
        buf = io.StringIO()
        kind = "ok"
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(src, "<corpus>", "exec"), {"__name__": "__main__"})
        except Exception as e:
            kind = type(e).__name__
        runs.append((kind, buf.getvalue()))
    out.append({"kind": runs[0][0], "same": runs[0] == runs[1], "empty": runs[0][1] == ""})
json.dump(out, sys.stdout)
"#;

#[test]
fn corpus_runs_under_python3() {
    let files = corpus();
    let sources: Vec<&String> = files.iter().map(|f| &f.1).collect();
    let mut child = Command::new("python3")
        .args(["-c", RUNNER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is required (run ci/setup)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&sources).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    for ((name, src), r) in files.iter().zip(&results) {
        let kind = r["kind"].as_str().unwrap();
        let first = src.lines().next().unwrap_or("");
        let expected = EXCEPTIONS
            .iter()
            .find(|e| first.contains(*e))
            .copied()
            .unwrap_or("ok");
        assert_eq!(kind, expected, "{name}");
        assert!(
            r["same"].as_bool().unwrap(),
            "{name}: output differs between runs"
        );
        assert!(!r["empty"].as_bool().unwrap(), "{name}: prints nothing");
    }
}
