//! Limits are run parameters: a program that crosses a default limit is
//! poisoned everywhere, and with the limit raised (on the command line or
//! in its `# jitdiff limits:` header) it runs to the end on the reference
//! and on every configuration, and agrees. Bad limits are usage errors.

mod common;
use std::path::Path;
use std::process::{Command, Output};

use jitdiff_oracle::config::Config;
use jitdiff_oracle::reference;
use jitdiff_oracle::runner::{Runner, Verdict};
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::{Poison, RunResult, parse_program};

fn jitdiff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitdiff"))
        .args(args)
        .output()
        .expect("run jitdiff")
}

/// A file `name` holding `text`, in a scratch directory of its own that
/// goes with it.
struct TempFile {
    path: std::path::PathBuf,
    _dir: common::TempDir,
}

impl std::ops::Deref for TempFile {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.path
    }
}

fn temp_file(name: &str, text: &str) -> TempFile {
    let dir = common::temp_dir("limits");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    TempFile { path, _dir: dir }
}

/// About 130,000 fuel: 65,000 back edges and 65,000 calls.
const FUEL_PROGRAM: &str = "\
def step(x):
    return (x * 31 + 7) % 1000003

total = 0
x = 1
for i in range(65000):
    x = step(x)
    total = total + x
print(total, x)
";

/// Recursion 300 deep (the default limit is 200).
const DEPTH_PROGRAM: &str = "\
def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1

print(down(300))
";

/// 3 ** 6000 has 9510 bits (the default limit is 8192).
const INT_PROGRAM: &str = "\
x = 1
for i in range(6000):
    x = x * 3
print(x % 1000000007, x > 0)
";

fn run_all(src: &str, limits: Limits) -> Verdict {
    let module = parse_program(src).unwrap();
    let mut runner = Runner::new(Config::parse_list("all").unwrap());
    runner.limits = limits;
    runner.run(&module).verdict
}

#[test]
fn each_limit_poisons_by_default_and_a_raised_one_completes_everywhere() {
    let raised = [
        (
            FUEL_PROGRAM,
            Poison::Fuel,
            Limits {
                fuel: 200_000,
                ..Limits::default()
            },
        ),
        (
            DEPTH_PROGRAM,
            Poison::Recursion,
            Limits {
                depth: 320,
                ..Limits::default()
            },
        ),
        (
            INT_PROGRAM,
            Poison::IntTooLarge,
            Limits {
                int_bits: 10_000,
                ..Limits::default()
            },
        ),
    ];
    for (src, poison, limits) in raised {
        let module = parse_program(src).unwrap();
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(poison),
            "{src}"
        );
        assert_eq!(
            run_all(src, Limits::default()),
            Verdict::Poisoned(poison),
            "{src}"
        );
        let RunResult::Completed(out) = reference::run_with_limits(&module, limits) else {
            panic!("{src}: still poisoned with {limits:?}");
        };
        assert!(!out.output.is_empty(), "{src}");
        assert_eq!(run_all(src, limits), Verdict::Agree, "{src}");
    }
}

/// Under GC stress a heap that grows with every iteration is walked at
/// every allocation and back edge only until the run's stress budget is
/// spent (`arena::STRESS_WORK_BUDGET`), then at a linear pace: each of
/// these took a stressed configuration minutes (a suspected hang, no
/// verdict) when every walk was of the whole, growing heap.
#[test]
fn growing_heaps_under_gc_stress_get_their_verdict() {
    let stressed = "t1+warmup=0+gcstress,t2+stress+deopt=7+gcstress,\
                    jit-native+stress+deopt=7+gcstress+cache=none";
    let run = |src: &str, limits: Limits| {
        let mut runner = Runner::new(Config::parse_list(stressed).unwrap());
        runner.limits = limits;
        runner.run(&parse_program(src).unwrap()).verdict
    };
    // A range past 2**63 allocates its every int; fuel ends it.
    let endless = "x = [t for t in range(9223372036854775807)]\nprint(len(x))\n";
    assert_eq!(
        run(endless, Limits::default()),
        Verdict::Poisoned(Poison::Fuel)
    );
    let list_of_60000 =
        "x = []\nfor i in range(60000):\n    x.append(i * 3)\nprint(len(x), x[-1])\n";
    let limits = Limits {
        fuel: 200_000,
        ..Limits::default()
    };
    assert_eq!(run(list_of_60000, limits), Verdict::Agree);
}

#[test]
fn the_outputs_under_raised_limits_are_python_s() {
    // Fixed values (what CPython prints for these programs), not computed by
    // the code under test.
    let fuel = Limits {
        fuel: 200_000,
        ..Limits::default()
    };
    let depth = Limits {
        depth: 320,
        ..Limits::default()
    };
    let bits = Limits {
        int_bits: 10_000,
        ..Limits::default()
    };
    for (src, limits, want) in [
        (DEPTH_PROGRAM, depth, "300\n"),
        (INT_PROGRAM, bits, "749688456 True\n"),
        (FUEL_PROGRAM, fuel, "32450160027 559206\n"),
    ] {
        let module = parse_program(src).unwrap();
        match reference::run_with_limits(&module, limits) {
            RunResult::Completed(o) => assert_eq!(o.output, want, "{src}"),
            other => panic!("{src}: {other:?}"),
        }
    }
}

#[test]
fn a_header_raises_the_limits_and_the_command_line_overrides_it() {
    let with_header = format!("# a real program\n# jitdiff limits: fuel=200000\n{FUEL_PROGRAM}");
    let file = temp_file("header.py", &with_header);
    let file = file.to_str().unwrap();
    let out = jitdiff(&["run", "--config", "t1,jit-native", file]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(": agree"), "{stdout}");

    // The command line wins over the header, and a poisoned run says which
    // limit it crossed and how to raise it.
    let out = jitdiff(&["run", "--config", "t1", "--fuel", "1000", file]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("poisoned (fuel exhausted)"), "{stdout}");
    assert!(
        stdout.contains("more than 1000 loop iterations and calls; raise it with --fuel N"),
        "{stdout}"
    );

    let file = temp_file("deep.py", DEPTH_PROGRAM);
    let out = jitdiff(&["run", "--config", "t1", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("calls nested deeper than 200; raise it with --max-depth D (up to 500)"),
        "{stdout}"
    );
    let out = jitdiff(&[
        "run",
        "--json",
        "--config",
        "t1",
        "--max-depth",
        "301",
        file.to_str().unwrap(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["limits"]["depth"], 301);
    assert_eq!(json["report"]["verdict"], "Agree", "{json}");
}

#[test]
fn bad_limits_are_usage_errors() {
    let file = temp_file("ok.py", "print(1)\n");
    let file = file.to_str().unwrap();
    for (args, want) in [
        (vec!["--fuel", "0"], "--fuel"),
        (vec!["--max-depth", "501"], "max depth 501 is out of range"),
        (vec!["--max-int-bits", "20000"], "max int bits 20000"),
        (vec!["--fuel", "lots"], "--fuel"),
    ] {
        let mut a = vec!["run", "--config", "t1"];
        a.extend(args.iter());
        a.push(file);
        let out = jitdiff(&a);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
    let bad = temp_file("bad-header.py", "# jitdiff limits: fuel=lots\nprint(1)\n");
    let out = jitdiff(&["run", "--config", "t1", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad-header.py: error: limits: line 1: fuel=lots"),
        "{stderr}"
    );
}

#[test]
fn the_corpus_carries_a_program_that_needs_raised_limits() {
    // Real programs need more than the generator's defaults; the corpus
    // keeps one, replayed under its header by the corpus tests.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let headers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .filter(|t| t.contains("# jitdiff limits:"))
        .count();
    assert!(headers >= 1);
}

#[test]
fn triage_keeps_the_limits_a_finding_ran_under() {
    // A planted bug's finding that also needs more fuel than the default:
    // the regression written from it must carry the raised fuel, or its
    // replay would be poisoned instead of diverging.
    let config = "t2+stress+deopt=5+inject=deopt-resume-late";
    let src = format!(
        "# diverges: {config}\n# jitdiff limits: fuel=200000\nfor a in range(3):\n    pass\n{FUEL_PROGRAM}"
    );
    let finding = temp_file("finding-limits.py", &src);
    let regressions = finding.with_file_name("regressions-limits");
    let _ = std::fs::remove_dir_all(&regressions);
    let out = jitdiff(&[
        "triage",
        "--reduce-seconds",
        "20",
        "--regressions",
        regressions.to_str().unwrap(),
        finding.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: Vec<String> = std::fs::read_dir(&regressions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(
        written[0].contains("# jitdiff limits: fuel=200000 depth=200 int-bits=8192\n"),
        "{}",
        written[0]
    );
    assert!(
        written[0].contains("# signature: DeoptState"),
        "{}",
        written[0]
    );
}
