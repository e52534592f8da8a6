//! `jitdiff fuzz --jobs N`: the same programs, counts and saved findings
//! for any N, and a worker killed mid-campaign costs no program.

mod common;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Fast configurations and a planted bug they find often.
const CONFIGS: &str = "t1,t2+stress,jit-native+stress+inject=add-int-overflow";

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("jobs-{name}"))
}

fn fuzz(jobs: &str, count: &str, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jitdiff"));
    c.args([
        "fuzz", "--count", count, "--seed", "3", "--config", CONFIGS, "--jobs", jobs, "--json",
        "--out",
    ])
    .arg(out)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    c
}

/// The campaign's counters, without what the clock or the machine decides.
fn counters(stdout: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(stdout).expect("--json output");
    let o = v.as_object_mut().unwrap();
    for clock in [
        "seconds",
        "timing",
        "first_divergence_seconds",
        "workers_restarted",
        "saved",
    ] {
        o.remove(clock);
    }
    for jit in o["jit"].as_object_mut().unwrap().values_mut() {
        jit.as_object_mut().unwrap().remove("compile_ns");
    }
    // Saved paths name each run's own directory.
    for f in o["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("path");
    }
    v
}

/// Every saved file, by name, with its contents.
fn saved(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn finished(c: &mut Command) -> std::process::Output {
    let out = c.output().expect("run jitdiff");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the planted bug should be found:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn one_worker_and_two_find_the_same_programs_and_findings() {
    let (d1, d2) = (temp_dir("one"), temp_dir("two"));
    let one = finished(&mut fuzz("1", "240", &d1));
    let two = finished(&mut fuzz("2", "240", &d2));
    let counts = counters(&one.stdout);
    assert_eq!(counts["programs"], 240);
    assert!(counts["divergences"].as_u64().unwrap() > 0, "{counts}");
    assert_eq!(counts, counters(&two.stdout));
    let files = saved(&d1);
    assert!(!files.is_empty());
    assert_eq!(files, saved(&d2));
}

/// A seed corpus of two programs the front end accepts and one it does
/// not (left out with a warning), plus a file that is not Python.
fn seed_corpus() -> common::TempDir {
    let d = temp_dir("seeds");
    let hot_loop = "total = 0\nfor i in range(300):\n    total += i * 3\nprint(total)\n";
    std::fs::write(d.join("b_loop.py"), hot_loop).unwrap();
    let strings = "s = ''\nfor i in range(200):\n    s = s + str(i % 7)\nprint(len(s), s[:9])\n";
    std::fs::write(d.join("a_strings.py"), strings).unwrap();
    std::fs::write(d.join("c_broken.py"), "for i in range(:\n").unwrap();
    std::fs::write(d.join("notes.txt"), "not a program").unwrap();
    d
}

#[test]
fn a_guided_campaign_is_the_same_for_one_worker_and_two() {
    let (d1, d2) = (temp_dir("guided-one"), temp_dir("guided-two"));
    let seeds = seed_corpus();
    let guided = |jobs, out| {
        let mut c = fuzz(jobs, "256", out);
        c.arg("--guided").arg("--corpus").arg(&seeds);
        finished(&mut c)
    };
    let (one, two) = (guided("1", &d1), guided("2", &d2));
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert!(stderr.contains("c_broken.py"), "{stderr}");
    assert!(
        stderr.contains("seed corpus") && stderr.contains(": 2 programs"),
        "{stderr}"
    );
    let counts = counters(&one.stdout);
    let guided = &counts["guided"];
    assert_eq!(guided["seeds"], 2, "{counts}");
    assert!(guided["new_by_seeds"].as_u64().unwrap() > 0, "{counts}");
    assert!(guided["mutants"].as_u64().unwrap() > 0, "{counts}");
    assert!(guided["siblings"].as_u64().unwrap() > 0, "{counts}");
    assert!(guided["corpus"].as_u64().unwrap() > 0, "{counts}");
    assert_eq!(guided["curve"].as_array().unwrap().len(), 256 / 32);
    assert_eq!(guided["shares"].as_array().unwrap().len(), 256 / 32);
    assert!(guided["by_mutation"].get("Splice").is_some(), "{counts}");
    assert_eq!(counts, counters(&two.stdout));
    assert_eq!(saved(&d1), saved(&d2));
}

/// The workers of campaign process `parent` (found through /proc).
fn workers_of(parent: u32) -> Vec<i32> {
    let mut pids = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: the command may hold spaces.
        let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
        let ppid = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if ppid == Some(parent) && String::from_utf8_lossy(&cmdline).contains("fuzz-worker") {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn a_worker_killed_mid_campaign_loses_no_program() {
    let (calm, killed) = (temp_dir("calm"), temp_dir("killed"));
    let reference = finished(&mut fuzz("1", "300", &calm));
    let child = fuzz("2", "300", &killed).spawn().expect("run jitdiff");
    let start = Instant::now();
    let victim = loop {
        let workers = workers_of(child.id());
        // Past its start: it has checked programs (the campaign saves the
        // first findings within a fraction of a second).
        if workers.len() == 2 && start.elapsed() > Duration::from_millis(500) {
            break workers[0];
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no workers appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: a process of this test's own campaign.
    assert_eq!(unsafe { libc::kill(victim, libc::SIGKILL) }, 0);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("died (signal 9)"), "{stderr}");
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(stats["workers_restarted"].as_u64().unwrap() >= 1, "{stats}");
    assert_eq!(counters(&out.stdout), counters(&reference.stdout));
    assert_eq!(saved(&killed), saved(&calm));
}
