//! End-to-end tests of the `jitdiff` binary: exit codes, error messages,
//! determinism, and the planted-bug campaign.

mod common;
use std::path::Path;
use std::process::{Command, Output};

fn jitdiff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitdiff"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("run jitdiff")
}

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("test-{name}"))
}

/// `jitdiff run --config all` on several files: one verdict line each, exit 0.
/// A few corpus programs of different kinds are enough here: the whole
/// corpus runs on every configuration in `tests/regressions.rs`.
#[test]
fn run_agrees_on_all_configurations() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let files: Vec<String> = [
        "01_sum_range.py",
        "26_float_kernels.py",
        "30_string_processing.py",
        "46_classes.py",
        "50_exceptions.py",
    ]
    .iter()
    .map(|f| corpus.join(f).display().to_string())
    .collect();
    let mut args = vec!["run", "--config", "all"];
    args.extend(files.iter().map(String::as_str));
    let out = jitdiff(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches(": agree").count(), files.len(), "{stdout}");
}

/// The sequence limits are semantics: bulk work costs the same fuel, and a
/// too-long sequence poisons, in the reference and every configuration.
/// Each program completes with exactly its fuel and poisons with one less.
#[test]
fn sequence_limits_poison_alike_everywhere() {
    let d = temp_dir("seq-limits");
    let cases: &[(&str, u64)] = &[
        ("x = [0] * 10240\nprint(0)\n", 11),
        ("x = (0,) * 5120\ny = x + x\nprint(0)\n", 16),
        ("x = [0] * 5120\nx *= 3\nprint(0)\n", 21),
        ("x = list(range(10240))\nprint(0)\n", 13),
        ("x = [0] * 10240\nx[:0] = x\nprint(0)\n", 31),
        (
            "x = sum(range(3072))\ny = max(range(2048))\nz = min(5, 6)\nprint(0)\n",
            11,
        ),
        // 40 iterations of a back edge, a call and 3000 >> 10 = 2 bulk.
        (
            "t = 0\nfor i in range(40):\n    t += len([i] * 3000)\nprint(t)\n",
            162,
        ),
    ];
    for (i, (src, cost)) in cases.iter().enumerate() {
        let f = d.join(format!("p{i}.py"));
        std::fs::write(&f, src).unwrap();
        for (fuel, want) in [
            (*cost, ": agree"),
            (cost - 1, ": poisoned (fuel exhausted)"),
        ] {
            let out = jitdiff(&[
                "run",
                "--config",
                "all",
                "--fuel",
                &fuel.to_string(),
                f.to_str().unwrap(),
            ]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{src} with fuel {fuel}:\n{stdout}"
            );
            assert!(stdout.contains(want), "{src} with fuel {fuel}:\n{stdout}");
        }
    }
    let f = d.join("long.py");
    std::fs::write(&f, "x = [0] * 1000\nfor i in range(20):\n    x += x\n").unwrap();
    let out = jitdiff(&["run", "--config", "all", f.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(": poisoned (sequence too long)"),
        "{stdout}"
    );
}

#[test]
fn unsupported_syntax_and_garbage_exit_2_with_position() {
    let d = temp_dir("bad");
    let bad = d.join("bad.py");
    std::fs::write(&bad, "x = 1\nwhile x:\n    y = lambda **k: k\n").unwrap();
    let out = jitdiff(&["run", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.py:3:") && err.contains("in a lambda"),
        "{err}"
    );

    let garbage = d.join("garbage.py");
    std::fs::write(&garbage, [0xff, 0xfe, 0x00, 0x41, 0x80]).unwrap();
    let out = jitdiff(&["run", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));

    let syntax = d.join("syntax.py");
    std::fs::write(&syntax, "def f(:\n  pass\n").unwrap();
    let out = jitdiff(&["run", syntax.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("syntax.py:1:"));

    let out = jitdiff(&["run", "--config", "t7", syntax.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown configuration"));
    let out = jitdiff(&["run", d.join("missing.py").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn gen_is_deterministic_per_seed() {
    let a = jitdiff(&["gen", "--seed", "42", "--count", "3"]);
    let b = jitdiff(&["gen", "--seed", "42", "--count", "3"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(
        a.stdout,
        jitdiff(&["gen", "--seed", "43", "--count", "3"]).stdout
    );
}

/// The oracle must fire: with a planted tier-1 bug (BINARY_OP_ADD_INT
/// without its overflow check) a short campaign finds a divergence and
/// saves it; the same campaign without the injection finds none.
#[test]
fn planted_specialization_bug_is_found_by_the_campaign() {
    let d = temp_dir("planted");
    let out = jitdiff(&[
        "fuzz",
        "--count",
        "1500",
        "--seed",
        "7",
        "--config",
        "t1+inject=add-int-overflow",
        "--out",
        d.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "planted bug not found:\n{stderr}"
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(stats["divergences"].as_u64().unwrap() > 0);
    let saved = stats["saved"].as_array().unwrap();
    assert!(!saved.is_empty());
    // The saved finding reproduces through `jitdiff run`.
    let py = saved[0].as_str().unwrap();
    let rerun = jitdiff(&["run", "--config", "t1+inject=add-int-overflow", py]);
    assert_eq!(
        rerun.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&rerun.stdout)
    );

    let control = jitdiff(&[
        "fuzz",
        "--count",
        "1500",
        "--seed",
        "7",
        "--config",
        "t1",
        "--out",
        d.join("control").to_str().unwrap(),
    ]);
    assert_eq!(
        control.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&control.stderr)
    );
}

#[test]
fn fuzz_with_a_count_is_reproducible() {
    let d = temp_dir("repro");
    let run = || {
        let out = jitdiff(&[
            "fuzz",
            "--count",
            "200",
            "--seed",
            "3",
            "--config",
            "t0,t1",
            "--out",
            d.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Wall-clock statistics (never part of a verdict).
        for clock in ["seconds", "timing"] {
            v.as_object_mut().unwrap().remove(clock);
        }
        v
    };
    assert_eq!(run(), run());
}

#[test]
fn selftest_rejects_an_unknown_planted_bug_instead_of_running_nothing() {
    let out = jitdiff(&["selftest", "--only", "float-guard-accepts-int,no-such-bug"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no planted bug `no-such-bug`") && err.contains("float-guard-accepts-int"),
        "{err}"
    );
}
