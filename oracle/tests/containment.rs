//! Containment end to end, through the CLI a user runs: a native segfault
//! and a trace that never returns each become a finding (`Crash`, `Hang`)
//! with the program saved, the campaign runs every program it was asked
//! for, and `jitdiff run` reproduces the finding from the saved file.

mod common;
use std::path::Path;
use std::process::Command;

fn jitdiff(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jitdiff"))
        .args(args)
        .output()
        .expect("run jitdiff")
}

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("contain-{name}"))
}

/// A campaign over `count` programs of `seed` on `config`: its stats.
fn campaign(dir: &Path, config: &str, seed: &str, count: &str) -> (Option<i32>, serde_json::Value) {
    let out = jitdiff(&[
        "fuzz",
        "--count",
        count,
        "--seed",
        seed,
        "--config",
        config,
        "--hang-seconds",
        "2",
        "--out",
        dir.to_str().unwrap(),
        "--json",
    ]);
    let stats = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code(), stats)
}

/// The campaign kept going, found something, saved it and left no
/// in-flight file; `jitdiff run` reproduces it. Returns the report text.
fn found_and_reproduced(dir: &Path, config: &str, count: u64, stats: &serde_json::Value) -> String {
    assert_eq!(stats["programs"].as_u64(), Some(count), "{stats}");
    assert!(stats["divergences"].as_u64().unwrap() >= 1, "{stats}");
    assert!(!dir.join("in-flight.py").exists());
    let saved = stats["saved"].as_array().unwrap();
    let py = saved[0].as_str().unwrap();
    let rerun = jitdiff(&["run", "--config", config, "--hang-seconds", "2", py]);
    let text = String::from_utf8_lossy(&rerun.stdout).to_string();
    assert_eq!(rerun.status.code(), Some(1), "{text}");
    text
}

#[test]
fn a_native_segfault_is_a_contained_crash_and_the_campaign_goes_on() {
    let d = temp_dir("segv");
    let config = "jit-native+stress+inject=stencil-segfault";
    let (code, stats) = campaign(&d, config, "4", "40");
    assert_eq!(code, Some(1), "{stats}");
    assert!(
        stats["oracles"]["worker_deaths"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    let text = found_and_reproduced(&d, config, 40, &stats);
    assert!(
        text.contains("containment oracle: worker killed by SIGSEGV"),
        "{text}"
    );

    let (code, stats) = campaign(&d.join("control"), "jit-native+stress", "4", "40");
    assert_eq!(code, Some(0), "{stats}");
}

#[test]
fn a_trace_that_never_returns_is_a_confirmed_hang_natively_and_under_emulation() {
    for config in [
        "jit-native+stress+inject=stencil-hang",
        "jit-x86+stress+inject=stencil-hang",
    ] {
        let d = temp_dir(config.split('+').next().unwrap());
        let (code, stats) = campaign(&d, config, "2", "8");
        assert_eq!(code, Some(1), "{config}: {stats}");
        assert!(
            stats["oracles"]["hangs_confirmed"].as_u64().unwrap() >= 1,
            "{config}: {stats}"
        );
        let text = found_and_reproduced(&d, config, 8, &stats);
        assert!(
            text.contains("containment oracle: JIT hang under emulation")
                && text.contains("_PLANTED_MULTIPLY_INT_HANG"),
            "{config}: {text}"
        );
    }
    let d = temp_dir("hang-control");
    let (code, stats) = campaign(&d, "jit-native+stress,jit-x86+stress", "2", "8");
    assert_eq!(code, Some(0), "{stats}");
}

/// On a machine so slow that every run overruns its wall-clock limit, each
/// suspected hang is settled by re-running, never by the clock: the
/// verdicts and every oracle's work are those of an unhurried campaign.
#[test]
fn a_slow_machine_changes_no_verdict_and_skips_no_check() {
    let config = "t1,t2+stress,jit-native+stress,jit-x86+stress+checkregs";
    let run = |hang: &str| {
        let d = temp_dir(&format!("slow-{hang}"));
        let out = jitdiff(&[
            "fuzz",
            "--count",
            "4",
            "--seed",
            "3",
            "--config",
            config,
            "--hang-seconds",
            hang,
            "--out",
            d.to_str().unwrap(),
            "--json",
        ]);
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), stats)
    };
    let (slow_code, slow) = run("0.000001");
    let (code, unhurried) = run("60");
    assert_eq!((slow_code, code), (Some(0), Some(0)), "{slow}\n{unhurried}");
    assert!(
        slow["oracles"]["hangs_suspected"].as_u64().unwrap() > 0,
        "{slow}"
    );
    assert_eq!(
        slow["oracles"]["hangs_confirmed"].as_u64(),
        Some(0),
        "{slow}"
    );
    for key in ["agree", "divergences", "poisoned", "errors"] {
        assert_eq!(slow[key], unhurried[key], "{key}: {slow}");
    }
    for key in [
        "replays",
        "frames_checked",
        "sequences_compared",
        "exits_compared",
        "register_logs_compared",
    ] {
        assert_eq!(slow["oracles"][key], unhurried["oracles"][key], "{key}");
        assert!(
            unhurried["oracles"][key].as_u64().unwrap() > 0,
            "{key}: {unhurried}"
        );
    }
}
