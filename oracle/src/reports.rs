//! Reports a CI system reads: JUnit XML (`--junit FILE`) and a Markdown
//! summary (`--summary FILE`, for GitHub's job summary) of `jitdiff fuzz`,
//! `selftest` and `run`.
//!
//! Findings appear by signature (triage's `kind@place`), configuration and
//! repro path, never by message text: messages may hold run-specific
//! addresses, and two runs of the same seed and `--count` must write the
//! same JUnit file (no timings in it) and the same findings in the summary.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use jitdiff_vm::lang::{Module, unparse};

use crate::campaign::{CampaignOptions, CampaignStats, FindingRecord};
use crate::coverage;
use crate::runner::{Report, Runner, Verdict};
use crate::selftest::Row;
use crate::triage::{Signature, reduce};

/// Escapes text for an XML attribute or element.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters outright.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A test case: its name and, if it failed, the failure's message and
/// body; `error` for a harness error rather than a failure.
pub struct Case {
    pub name: String,
    pub failure: Option<(String, String)>,
    pub error: Option<String>,
    pub output: Option<String>,
}

/// A JUnit document with one test suite.
pub fn junit(suite: &str, properties: &[(&str, String)], cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let errors = cases.iter().filter(|c| c.error.is_some()).count();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
        xml_escape(suite),
        cases.len()
    );
    let _ = writeln!(
        s,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">",
        xml_escape(suite),
        cases.len()
    );
    if !properties.is_empty() {
        s.push_str("    <properties>\n");
        for (k, v) in properties {
            let _ = writeln!(
                s,
                "      <property name=\"{}\" value=\"{}\"/>",
                xml_escape(k),
                xml_escape(v)
            );
        }
        s.push_str("    </properties>\n");
    }
    for c in cases {
        let _ = write!(
            s,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml_escape(suite),
            xml_escape(&c.name)
        );
        if c.failure.is_none() && c.error.is_none() && c.output.is_none() {
            s.push_str("/>\n");
            continue;
        }
        s.push_str(">\n");
        if let Some((message, body)) = &c.failure {
            let _ = writeln!(
                s,
                "      <failure type=\"divergence\" message=\"{}\">{}</failure>",
                xml_escape(message),
                xml_escape(body)
            );
        }
        if let Some(e) = &c.error {
            let _ = writeln!(
                s,
                "      <error type=\"error\" message=\"{}\"/>",
                xml_escape(e)
            );
        }
        if let Some(o) = &c.output {
            let _ = writeln!(s, "      <system-out>{}</system-out>", xml_escape(o));
        }
        s.push_str("    </testcase>\n");
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

/// A finding's line in a report: program, signature, kinds, repro.
fn finding_line(f: &FindingRecord, config: &str) -> String {
    let kinds = f
        .configs
        .iter()
        .find(|(c, _)| c == config)
        .map(|(_, k)| k.join(", "))
        .unwrap_or_default();
    format!(
        "program {} (program seed {}): {} [{kinds}], repro: {}",
        f.index,
        f.program_seed,
        f.signature,
        f.path
            .as_deref()
            .unwrap_or("not saved (no --out, or over the 100 files a campaign saves)")
    )
}

/// `jitdiff fuzz`'s JUnit: one test case per configuration, failed by
/// each divergence it took part in; campaign errors as one error case.
pub fn fuzz_junit(opts: &CampaignOptions, stats: &CampaignStats) -> String {
    let mut cases = vec![];
    for config in &opts.configs {
        let mine: Vec<&FindingRecord> = stats
            .findings
            .iter()
            .filter(|f| f.configs.iter().any(|(c, _)| *c == config.name))
            .collect();
        let failure = (!mine.is_empty()).then(|| {
            let body: Vec<String> = mine.iter().map(|f| finding_line(f, &config.name)).collect();
            (
                format!(
                    "{} divergent programs; first: {}",
                    mine.len(),
                    mine[0].signature
                ),
                body.join("\n"),
            )
        });
        cases.push(Case {
            name: config.name.clone(),
            failure,
            error: None,
            output: None,
        });
    }
    cases.push(Case {
        name: "campaign errors (programs the harness could not check)".into(),
        failure: None,
        error: (stats.errors > 0).then(|| format!("{} programs ended in an error", stats.errors)),
        output: None,
    });
    let mut props = vec![("seed", opts.seed.to_string())];
    if let Some(c) = opts.count {
        props.push(("count", c.to_string()));
        props.push(("programs", stats.programs.to_string()));
    }
    junit("jitdiff fuzz", &props, &cases)
}

/// A finding reduced for the summary.
pub struct ReducedFinding {
    pub signature: String,
    pub source: String,
    /// The reducer finished (a fixed point) rather than ran out of budget:
    /// only then is the text the same for every run of the seed.
    pub complete: bool,
    pub lines_before: usize,
}

/// Reduces the first program of each distinct signature (at most `max`),
/// each within `budget`, on the campaign's configurations.
pub fn reduce_findings(
    opts: &CampaignOptions,
    stats: &CampaignStats,
    budget: Duration,
    max: usize,
) -> Vec<ReducedFinding> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = vec![];
    let mut runner = Runner::new(opts.configs.clone());
    runner.hang_seconds = opts.hang_seconds;
    for f in &stats.findings {
        if out.len() >= max || !seen.insert(f.signature.clone()) {
            continue;
        }
        // The program as saved (a guided campaign's mutant has no seed).
        let module: Module = match jitdiff_vm::lang::parse_program(&f.source) {
            Ok(m) => m,
            Err(_) => opts.program(f.program_seed),
        };
        let Some(sig) = Signature::of(&runner.run(&module)) else {
            continue; // did not reproduce in this process: the table says so
        };
        let mut keeps = |m: &Module| Signature::of(&runner.run(m)).as_ref() == Some(&sig);
        let r = reduce::reduce(&module, budget, &mut keeps, &mut |_, _| {});
        out.push(ReducedFinding {
            signature: f.signature.clone(),
            source: unparse(&r.module),
            complete: !r.timed_out,
            lines_before: unparse(&module).lines().count(),
        });
    }
    out
}

/// `jitdiff fuzz`'s Markdown summary.
pub fn fuzz_summary(
    opts: &CampaignOptions,
    stats: &CampaignStats,
    reduced: &[ReducedFinding],
) -> String {
    let mut s = String::new();
    let verdict = if stats.divergences > 0 {
        format!("FAIL: {} divergent programs", stats.divergences)
    } else if stats.errors > 0 {
        format!("ERROR: {} programs could not be checked", stats.errors)
    } else {
        "PASS: no divergence".into()
    };
    let _ = writeln!(s, "## jitdiff fuzz: {verdict}\n");
    let _ = writeln!(
        s,
        "Seed {}, {} configurations, {} programs{}: {} agree, {} divergences, {} poisoned ({:.2}%), {} errors.\n",
        opts.seed,
        opts.configs.len(),
        stats.programs,
        opts.count
            .map_or(String::new(), |c| format!(" (--count {c})")),
        stats.agree,
        stats.divergences,
        stats.poisoned,
        stats.poisoned_percent(),
        stats.errors
    );
    // The one line that differs between runs of a seed.
    let _ = writeln!(
        s,
        "Throughput: {:.1} programs/s ({:.1} s).\n",
        stats.programs_per_second(),
        stats.seconds
    );
    let _ = writeln!(
        s,
        "Configurations: `{}`\n",
        opts.configs
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("`, `")
    );
    s.push_str(&findings_markdown(&stats.findings, reduced));
    let pairs = coverage::pair_count(&stats.coverage);
    s.push_str(&coverage::render_markdown(
        &coverage::sections(&stats.coverage),
        pairs,
    ));
    s
}

fn findings_markdown(findings: &[FindingRecord], reduced: &[ReducedFinding]) -> String {
    let mut s = String::new();
    if findings.is_empty() {
        s.push_str("### Findings\n\nNone.\n\n");
        return s;
    }
    s.push_str("### Findings\n\n| program | program seed | signature | configurations | repro |\n|---|---|---|---|---|\n");
    for f in findings {
        let configs: Vec<String> = f
            .configs
            .iter()
            .map(|(c, k)| format!("`{c}` ({})", k.join(", ")))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | `{}` | {} | {} |",
            f.index,
            f.program_seed,
            f.signature,
            configs.join("<br>"),
            f.path.as_deref().map_or("-".into(), |p| format!("`{p}`"))
        );
    }
    s.push('\n');
    for r in reduced {
        let _ = writeln!(
            s,
            "#### `{}`: reduced repro ({} lines from {}{})\n\n```python\n{}```\n",
            r.signature,
            r.source.lines().count(),
            r.lines_before,
            if r.complete {
                ""
            } else {
                "; reduction budget ran out, partly reduced"
            },
            r.source
        );
    }
    s
}

/// `jitdiff selftest`'s JUnit: one test case per planted bug, failed when
/// its oracle did not catch it.
pub fn selftest_junit(rows: &[Row], seed: u64) -> String {
    let cases: Vec<Case> = rows
        .iter()
        .map(|r| Case {
            name: format!("{} ({})", r.injection, r.oracle),
            failure: (!r.found).then(|| {
                (
                    format!("planted bug `{}` not caught by {}", r.injection, r.oracle),
                    format!(
                        "{} programs on {}; first signature: {}",
                        r.programs,
                        r.config,
                        r.signature.as_deref().unwrap_or("none")
                    ),
                )
            }),
            error: None,
            output: r.signature.as_ref().map(|s| format!("caught as {s}")),
        })
        .collect();
    junit("jitdiff selftest", &[("seed", seed.to_string())], &cases)
}

/// `jitdiff selftest`'s Markdown summary.
pub fn selftest_summary(rows: &[Row]) -> String {
    let missed = rows.iter().filter(|r| !r.found).count();
    let mut s = format!(
        "## jitdiff selftest: {}\n\n| planted bug | oracle | found | programs | seconds | lines | signature |\n|---|---|---|---|---|---|---|\n",
        if missed == 0 {
            format!("PASS: all {} planted bugs caught", rows.len())
        } else {
            format!("FAIL: {missed} of {} planted bugs missed", rows.len())
        }
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            r.injection,
            r.oracle,
            if r.found { "yes" } else { "**NO**" },
            r.programs,
            r.seconds_to_find.map_or("-".into(), |x| format!("{x:.2}")),
            if r.signature.is_some() {
                format!("{} -> {}", r.lines_before, r.reduced_lines)
            } else {
                "-".into()
            },
            r.signature
                .as_deref()
                .map_or("-".into(), |x| format!("`{x}`"))
        );
    }
    for r in rows {
        if let Some(src) = &r.reduced {
            let _ = writeln!(
                s,
                "\n<details><summary><code>{}</code>: reduced repro</summary>\n\n```python\n{src}```\n</details>",
                r.injection
            );
        }
    }
    s
}

/// `jitdiff run`'s reports: per file, one test case per configuration.
pub struct RunReports {
    files: Vec<(String, BTreeMap<String, Option<String>>, String)>,
}

impl RunReports {
    pub fn new() -> RunReports {
        RunReports { files: vec![] }
    }

    /// Adds a file's report: each configuration's failure (its divergence
    /// kinds) or pass.
    pub fn add(&mut self, file: &str, configs: &[String], report: &Report) {
        let mut by_config: BTreeMap<String, Option<String>> =
            configs.iter().map(|c| (c.clone(), None)).collect();
        if let Verdict::Diverge(divs) = &report.verdict {
            for d in divs {
                let kinds: Vec<String> = d.kinds.iter().map(|k| format!("{k:?}")).collect();
                by_config.insert(d.config.clone(), Some(kinds.join(", ")));
            }
        }
        let verdict = match &report.verdict {
            Verdict::Diverge(_) => Signature::of(report).map_or("divergence".into(), |s| {
                format!("DIVERGENCE {:?}@{}", s.kind, s.place)
            }),
            Verdict::Agree => "agree".into(),
            Verdict::Poisoned(p) => format!("poisoned ({p})"),
            Verdict::Error(_) => "error".into(),
        };
        self.files.push((file.into(), by_config, verdict));
    }

    /// A file that could not be loaded.
    pub fn add_error(&mut self, file: &str) {
        self.files
            .push((file.into(), BTreeMap::new(), "error: not loaded".into()));
    }

    pub fn junit(&self) -> String {
        let mut cases = vec![];
        for (file, configs, verdict) in &self.files {
            if configs.is_empty() {
                cases.push(Case {
                    name: file.clone(),
                    failure: None,
                    error: Some(verdict.clone()),
                    output: None,
                });
            }
            for (config, failed) in configs {
                cases.push(Case {
                    name: format!("{file} on {config}"),
                    failure: failed.as_ref().map(|kinds| {
                        (
                            format!("{config} diverges: {kinds}"),
                            format!("{verdict}; repro: {file}"),
                        )
                    }),
                    error: None,
                    output: None,
                });
            }
        }
        junit("jitdiff run", &[], &cases)
    }

    pub fn summary(&self) -> String {
        let diverged = self
            .files
            .iter()
            .filter(|f| f.2.starts_with("DIVERGENCE"))
            .count();
        let mut s = format!(
            "## jitdiff run: {}\n\n| file | verdict | diverging configurations |\n|---|---|---|\n",
            if diverged == 0 {
                format!("no divergence in {} files", self.files.len())
            } else {
                format!("FAIL: {diverged} of {} files diverge", self.files.len())
            }
        );
        for (file, configs, verdict) in &self.files {
            let bad: Vec<String> = configs
                .iter()
                .filter_map(|(c, k)| k.as_ref().map(|k| format!("`{c}` ({k})")))
                .collect();
            let _ = writeln!(s, "| `{file}` | {verdict} | {} |", bad.join("<br>"));
        }
        s
    }
}

impl Default for RunReports {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes a report file, with the path in the error.
pub fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_escapes_and_counts() {
        let x = junit(
            "s<1>",
            &[("seed", "3".into())],
            &[
                Case {
                    name: "a&b".into(),
                    failure: Some(("m\"".into(), "body <x>".into())),
                    error: None,
                    output: None,
                },
                Case {
                    name: "ok".into(),
                    failure: None,
                    error: None,
                    output: None,
                },
            ],
        );
        assert!(x.contains("tests=\"2\" failures=\"1\" errors=\"0\""), "{x}");
        assert!(x.contains("name=\"a&amp;b\""), "{x}");
        assert!(
            x.contains("message=\"m&quot;\">body &lt;x&gt;</failure>"),
            "{x}"
        );
        assert!(
            x.contains("<testcase classname=\"s&lt;1&gt;\" name=\"ok\"/>"),
            "{x}"
        );
    }
}
