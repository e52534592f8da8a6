//! `--junit` and `--summary`: files a JUnit parser reads (python3's
//! `xml.etree`, an independent reader), with one test case per
//! configuration or planted bug, a divergence as a failure naming its
//! repro; Markdown with coverage, never-reached first; and, for the same
//! seed and `--count`, the same files whatever the number of workers.

mod common;
use std::path::Path;
use std::process::{Command, Output};

/// A planted tier-1 bug the campaign finds within a few dozen programs.
const CONFIGS: &str = "t1,t2+stress,jit-native+stress+inject=add-int-overflow";

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("reports-{name}"))
}

fn jitdiff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitdiff"))
        .args(args)
        .output()
        .unwrap()
}

/// Parses a JUnit file with python3 and returns, per test case,
/// `name<TAB>failure message<TAB>failure text` (empty when it passed).
fn junit_cases(path: &Path) -> Vec<String> {
    let script = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites', root.tag
for case in root.iter('testcase'):
    f = case.find('failure')
    e = case.find('error')
    fields = [case.get('name'),
              '' if f is None else f.get('message'),
              '' if f is None else f.text.replace('\n', ' '),
              '' if e is None else e.get('message')]
    print('\t'.join(fields))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 is required (run ci/setup)");
    assert!(
        out.status.success(),
        "python3 cannot read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn fuzz(dir: &Path, jobs: &str) -> (String, String) {
    let (junit, summary, out) = (dir.join("fuzz.xml"), dir.join("fuzz.md"), dir.join("out"));
    let o = jitdiff(&[
        "fuzz",
        "--count",
        "60",
        "--seed",
        "3",
        "--config",
        CONFIGS,
        "--jobs",
        jobs,
        "--reduce-seconds",
        "60",
        "--out",
        out.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the planted bug diverges: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        std::fs::read_to_string(junit).unwrap(),
        std::fs::read_to_string(summary).unwrap(),
    )
}

#[test]
fn fuzz_reports_parse_name_the_repro_and_do_not_depend_on_workers() {
    let (d1, d2) = (temp_dir("one"), temp_dir("two"));
    let (junit1, summary1) = fuzz(&d1, "1");
    let cases = junit_cases(&d1.join("fuzz.xml"));
    // One case per configuration, plus the campaign's errors.
    assert_eq!(cases.len(), 4, "{cases:#?}");
    let failed: Vec<&String> = cases
        .iter()
        .filter(|c| !c.split('\t').nth(1).unwrap().is_empty())
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "only the planted configuration fails: {cases:#?}"
    );
    let f = failed[0];
    assert!(
        f.starts_with("jit-native+stress+inject=add-int-overflow\t"),
        "{f}"
    );
    assert!(
        // Program 8 since the loops' range stops changed the stream (4 before).
        f.contains("repro: ") && f.contains("/out/finding-3-8.py"),
        "{f}"
    );

    // The summary: verdict, findings with a reduced repro, coverage with
    // the never-reached table before the reached counts.
    assert!(summary1.starts_with("## jitdiff fuzz: FAIL"), "{summary1}");
    assert!(summary1.contains("### Findings"), "{summary1}");
    assert!(summary1.contains("reduced repro"), "{summary1}");
    assert!(summary1.contains("```python\n"), "{summary1}");
    let never = summary1
        .find("### Coverage: never reached")
        .expect("coverage section");
    let reached = summary1.find("Coverage: reached").expect("reached section");
    assert!(never < reached);
    assert!(
        summary1.contains("| uops run | tier-2 interpreter |"),
        "{summary1}"
    );
    assert!(
        summary1.contains("| stencils compiled | native x86-64 |"),
        "{summary1}"
    );

    // Two workers: the same JUnit file; the same summary but for the
    // throughput line and the output directory's name.
    let (junit2, summary2) = fuzz(&d2, "2");
    let strip = |s: &str, dir: &Path| -> String {
        s.lines()
            .filter(|l| !l.starts_with("Throughput:"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(dir.to_str().unwrap(), "DIR")
    };
    assert_eq!(strip(&junit1, &d1), strip(&junit2, &d2));
    assert_eq!(strip(&summary1, &d1), strip(&summary2, &d2));
}

#[test]
fn a_clean_campaign_passes_every_case() {
    let d = temp_dir("clean");
    let junit = d.join("clean.xml");
    let o = jitdiff(&[
        "fuzz",
        "--count",
        "20",
        "--seed",
        "5",
        "--config",
        "t1,t2+stress",
        "--out",
        d.join("out").to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cases = junit_cases(&junit);
    assert_eq!(cases.len(), 3, "{cases:#?}");
    assert!(
        cases
            .iter()
            .all(|c| c.split('\t').skip(1).all(str::is_empty)),
        "{cases:#?}"
    );
}

#[test]
fn run_reports_fail_the_diverging_configuration_of_a_file() {
    let d = temp_dir("run");
    let prog = d.join("overflow.py");
    std::fs::write(
        &prog,
        "a = 4611686018427387900\nfor i in range(12):\n    a += 1\nprint(a)\n",
    )
    .unwrap();
    let junit = d.join("run.xml");
    let summary = d.join("run.md");
    let o = jitdiff(&[
        "run",
        prog.to_str().unwrap(),
        "--config",
        "t1,t1+inject=add-int-overflow",
        "--junit",
        junit.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cases = junit_cases(&junit);
    assert_eq!(cases.len(), 2, "{cases:#?}");
    assert!(cases[0].ends_with("on t1\t\t\t"), "{cases:#?}");
    assert!(
        cases[1].contains("on t1+inject=add-int-overflow\tt1+inject=add-int-overflow diverges"),
        "{cases:#?}"
    );
    assert!(
        cases[1].contains(&format!("repro: {}", prog.display())),
        "{cases:#?}"
    );
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(
        md.starts_with("## jitdiff run: FAIL: 1 of 1 files diverge"),
        "{md}"
    );
}

#[test]
fn selftest_reports_one_case_per_planted_bug() {
    let d = temp_dir("selftest");
    let (junit, summary) = (d.join("s.xml"), d.join("s.md"));
    let o = jitdiff(&[
        "selftest",
        "--only",
        "add-int-overflow",
        "--seconds-per-bug",
        "30",
        "--reduce-seconds",
        "10",
        "--junit",
        junit.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cases = junit_cases(&junit);
    assert_eq!(cases, vec!["add-int-overflow (outcome)\t\t\t".to_string()]);
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(
        md.starts_with("## jitdiff selftest: PASS: all 1 planted bugs caught"),
        "{md}"
    );
    assert!(md.contains("reduced repro"), "{md}");
}

#[test]
fn coverage_lists_never_reached_items_per_backend_with_what_ran() {
    let d = temp_dir("coverage");
    let md = d.join("coverage.md");
    let o = jitdiff(&[
        "coverage",
        "--count",
        "30",
        "--seed",
        "4",
        "--config",
        "t2+stress,jit-native+stress",
        "--json",
        "--summary",
        md.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sections = v["sections"].as_array().unwrap();
    let find = |title: &str, backend: &str| {
        sections
            .iter()
            .find(|s| s["title"] == title && s["backend"] == backend)
            .unwrap_or_else(|| panic!("no section {title} [{backend}]: {v}"))
    };
    // Machine code is counted as run (the command adds +count-stencils),
    // and what ran was compiled.
    let ran = find("stencils run (+count-stencils)", "native x86-64");
    let compiled = find("stencils compiled", "native x86-64");
    for (name, _) in ran["reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap(), r[1].clone()))
    {
        assert!(
            compiled["reached"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c[0] == name),
            "{name} ran but was never compiled"
        );
    }
    // Declared = never reached + reached, for every section.
    for s in sections {
        let (declared, never, reached) = (
            s["declared"].as_u64().unwrap() as usize,
            s["never"].as_array().unwrap().len(),
            s["reached"].as_array().unwrap().len(),
        );
        assert!(never + reached >= declared, "{s}");
        assert!(never <= declared, "{s}");
    }
    let uops = find("uops run", "tier-2 interpreter");
    assert!(
        !uops["never"].as_array().unwrap().is_empty(),
        "30 programs reach every uop?"
    );
    assert!(v["distinct_behaviours"].as_u64().unwrap() > 100, "{v}");
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.starts_with("## jitdiff coverage: seed 4, 30 programs"),
        "{md}"
    );
    assert!(md.find("never reached").unwrap() < md.find("Coverage: reached").unwrap());
}
