//! Triage: from a finding to a regression test. Each input (a `.py`
//! program, a campaign directory, a `cargo fuzz` artifact) is reproduced,
//! signed, reduced while its signature holds, deduplicated against
//! `regressions/`, and written as `regressions/<kind>-<where>-<hash>.py`
//! with a header and a Markdown report beside it.

pub mod reduce;
pub mod signature;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use arbitrary::Unstructured;
use jitdiff_vm::lang::limits::{LimitOverrides, Limits};
use jitdiff_vm::lang::{Module, RunResult, parse_program, unparse};

use crate::config::{Config, Target};
use crate::generator;
use crate::report::verdict_word;
use crate::runner::{DivergenceKind, Report, Runner};
pub use signature::Signature;

/// A program to triage and where it came from.
pub struct Input {
    pub origin: String,
    pub module: Module,
    /// Configurations the finding names (campaign finding headers).
    pub configs: Option<String>,
    /// The limits it runs under (its header's, or the command line's); a
    /// regression written from it carries them.
    pub limits: Limits,
}

/// Reads `.py` files, directories of findings and fuzz artifacts; `limits`
/// from the command line override a file's `# jitdiff limits:` header.
pub fn load(paths: &[PathBuf], limits: LimitOverrides) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_none_or(|x| x == "py"))
                .collect();
            entries.sort();
            for p in entries {
                out.push(load_file(&p, limits)?);
            }
        } else {
            out.push(load_file(path, limits)?);
        }
    }
    Ok(out)
}

fn load_file(path: &Path, limits: LimitOverrides) -> Result<Input, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let origin = path.display().to_string();
    if path.extension().is_some_and(|x| x == "py") {
        let text = String::from_utf8(bytes).map_err(|_| format!("{origin}: not UTF-8 text"))?;
        let module = parse_program(&text)
            .map_err(|e| format!("{origin}:{}:{}: {}", e.line, e.col, e.message))?;
        // `# diverges: CONFIG ([...])` lines from campaign findings.
        let configs: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# diverges: "))
            .filter_map(|l| l.split(' ').next())
            .collect();
        let configs = (!configs.is_empty()).then(|| configs.join(","));
        let limits = limits
            .limits_for(&text)
            .map_err(|e| format!("{origin}: {e}"))?;
        return Ok(Input {
            origin,
            module,
            configs,
            limits,
        });
    }
    // Anything else is a fuzz artifact: the bytes the `differential` target saw.
    let module = generator::generate(&mut Unstructured::new(&bytes))
        .map_err(|e| format!("{origin}: {e}"))?;
    Ok(Input {
        origin,
        module,
        configs: None,
        limits: limits.limits_for("")?,
    })
}

pub struct Options {
    /// Configurations to reproduce with when the input names none.
    pub configs: String,
    pub regressions: PathBuf,
    pub budget: Duration,
    pub progress: bool,
    /// Wall-clock seconds before a run is suspected of hanging.
    pub hang_seconds: f64,
}

#[derive(Debug)]
pub struct Outcome {
    pub origin: String,
    pub signature: Option<Signature>,
    pub lines_before: usize,
    pub lines_after: usize,
    pub reduce_seconds: f64,
    pub written: Option<PathBuf>,
    pub duplicate_of: Option<PathBuf>,
}

/// Signatures already in `regressions/`, with their files.
pub fn known_signatures(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut out = Vec::new();
    for e in rd.filter_map(|e| e.ok()) {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "py") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        if let Some(sig) = text.lines().find_map(|l| l.strip_prefix("# signature: ")) {
            out.push((sig.to_string(), p));
        }
    }
    out
}

/// Reproduce, sign, reduce, deduplicate, write.
pub fn triage(
    input: &Input,
    opts: &Options,
    known: &mut Vec<(String, PathBuf)>,
) -> Result<Outcome, String> {
    let configs = Config::parse_list(input.configs.as_deref().unwrap_or(&opts.configs))?;
    let mut runner = Runner::new(configs);
    runner.hang_seconds = opts.hang_seconds;
    runner.limits = input.limits;
    let report = runner.run(&input.module);
    let lines_before = unparse(&input.module).lines().count();
    let Some(sig) = Signature::of(&report) else {
        return Ok(Outcome {
            origin: input.origin.clone(),
            signature: None,
            lines_before,
            lines_after: lines_before,
            reduce_seconds: 0.0,
            written: None,
            duplicate_of: None,
        });
    };
    let text = sig.to_string();
    if let Some((_, path)) = known.iter().find(|(s, _)| *s == text) {
        // Same signature, same bug: nothing to reduce or write.
        return Ok(Outcome {
            origin: input.origin.clone(),
            signature: Some(sig),
            lines_before,
            lines_after: lines_before,
            reduce_seconds: 0.0,
            written: None,
            duplicate_of: Some(path.clone()),
        });
    }
    // Reduce against only the configurations that disagree.
    let diverging: Vec<Config> = sig
        .configs
        .iter()
        .map(|c| Config::parse(c))
        .collect::<Result<_, _>>()?;
    let mut small_runner = Runner::new(diverging);
    small_runner.hang_seconds = opts.hang_seconds;
    small_runner.limits = input.limits;
    // A repro must end under python3 when the original did: a deep oracle
    // can fire before the fuel runs out, and without this the reducer turns
    // a finding into `while 0 < 1: pass`, which python3 runs forever.
    let must_complete = matches!(report.reference, RunResult::Completed(_));
    let mut keeps = |m: &Module| {
        let r = small_runner.run(m);
        (!must_complete || matches!(r.reference, RunResult::Completed(_)))
            && Signature::of(&r).as_ref() == Some(&sig)
    };
    let mut last = 0;
    let mut progress = |checks: u64, lines: usize| {
        if opts.progress && lines != last {
            last = lines;
            eprint!("\r  reducing: {checks} candidates tried, {lines} lines   ");
        }
    };
    let reduced = reduce::reduce(&input.module, opts.budget, &mut keeps, &mut progress);
    if opts.progress {
        eprintln!();
    }
    let lines_after = unparse(&reduced.module).lines().count();
    let mut out = Outcome {
        origin: input.origin.clone(),
        signature: Some(sig.clone()),
        lines_before,
        lines_after,
        reduce_seconds: reduced.seconds,
        written: None,
        duplicate_of: None,
    };
    std::fs::create_dir_all(&opts.regressions)
        .map_err(|e| format!("{}: {e}", opts.regressions.display()))?;
    let stem = format!("{}-{}", sig.slug(), sig.short_hash());
    let py = opts.regressions.join(format!("{stem}.py"));
    let header = format!(
        "# jitdiff regression: {text}\n# signature: {text}\n# configurations: {}\n# origin: {}\n# date: {}\n{}",
        sig.configs.iter().cloned().collect::<Vec<_>>().join(","),
        input.origin,
        today(),
        input.limits.header()
    );
    std::fs::write(&py, format!("{header}{}", unparse(&reduced.module)))
        .map_err(|e| e.to_string())?;
    let final_report = runner.run(&reduced.module);
    std::fs::write(
        opts.regressions.join(format!("{stem}.md")),
        markdown(&sig, input, &reduced.module, &final_report),
    )
    .map_err(|e| e.to_string())?;
    known.push((text, py.clone()));
    out.written = Some(py);
    Ok(out)
}

/// The Markdown report: program, outcomes, and the trace (and stencil
/// disassembly) of the first diverging VM configuration.
fn markdown(sig: &Signature, input: &Input, module: &Module, report: &Report) -> String {
    let origin = &input.origin;
    let mut s = format!(
        "# {sig}\n\nOrigin: `{origin}`\n\nVerdict: {}\n\n## Minimal program\n\n```python\n{}{}```\n\n",
        verdict_word(&report.verdict),
        input.limits.header(),
        unparse(module)
    );
    s.push_str("## Outcomes\n\n| configuration | ending | output (first lines) |\n|---|---|---|\n");
    let row = |name: &str, r: &jitdiff_vm::lang::RunResult| match r {
        jitdiff_vm::lang::RunResult::Completed(o) => {
            format!(
                "| {name} | {} | `{}` |\n",
                o.ending_text(),
                o.output.lines().take(3).collect::<Vec<_>>().join(" / ")
            )
        }
        jitdiff_vm::lang::RunResult::Poisoned(p) => format!("| {name} | poisoned: {p} | |\n"),
    };
    s.push_str(&row("reference", &report.reference));
    for (name, r) in &report.results {
        match r {
            crate::runner::ConfigResult::Run(r, findings) => {
                s.push_str(&row(name, r));
                for f in findings {
                    s.push_str(&format!("| {name} | oracle: {f} | |\n"));
                }
            }
            other => s.push_str(&format!("| {name} | {other:?} | |\n")),
        }
    }
    let first = sig
        .configs
        .iter()
        .next()
        .and_then(|c| Config::parse(c).ok());
    if let Some(Config {
        name,
        target: Target::Vm(mut vm),
    }) = first
    {
        // The listing runs the VM in this process: a program that crashes
        // or hangs it would take triage down with it.
        if matches!(sig.kind, DivergenceKind::Crash | DivergenceKind::Hang) {
            s.push_str(&format!(
                "\n## Traces on `{name}`\n\nNot listed: the run {} the VM (`jitdiff show --config {name}` lists them, in its own process).\n",
                if sig.kind == DivergenceKind::Crash { "crashes" } else { "hangs" }
            ));
            return s;
        }
        vm.limits = input.limits;
        let shown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            jitdiff_vm::Vm::new(vm).show(module).1
        }));
        match shown {
            Ok(text) => s.push_str(&format!("\n## Traces on `{name}`\n\n```\n{text}```\n")),
            Err(_) => s.push_str(&format!(
                "\n## Traces on `{name}`\n\nNot listed: the VM panicked while listing them.\n"
            )),
        }
    }
    s
}

/// `YYYY-MM-DD` (UTC) for the header: metadata only, never compared.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!("{y:04}-{m:02}-{d:02}")
}

/// Prints a triage outcome line.
pub fn describe(o: &Outcome) -> String {
    match (&o.signature, &o.written, &o.duplicate_of) {
        (None, _, _) => format!("{}: no divergence (nothing to triage)", o.origin),
        (Some(s), Some(p), _) => format!(
            "{}: {s}: reduced {} -> {} lines in {:.1}s, wrote {}",
            o.origin,
            o.lines_before,
            o.lines_after,
            o.reduce_seconds,
            p.display()
        ),
        (Some(s), None, Some(d)) => format!("{}: {s}: duplicate of {}", o.origin, d.display()),
        (Some(s), None, None) => format!("{}: {s}", o.origin),
    }
}

/// The distinct signatures among outcomes.
pub fn distinct(outcomes: &[Outcome]) -> BTreeSet<String> {
    outcomes
        .iter()
        .filter_map(|o| o.signature.as_ref().map(|s| s.to_string()))
        .collect()
}
