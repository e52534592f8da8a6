//! `jitdiff fuzz` and `jitdiff coverage`: a campaign across worker
//! processes, its statistics, reports and coverage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use jitdiff_oracle::campaign::{CampaignOptions, CampaignStats};
use jitdiff_oracle::config::Config;
use jitdiff_oracle::{coverage, reports, shards};

/// What both campaign commands take.
pub struct CampaignArgs {
    pub seconds: Option<f64>,
    pub count: Option<u64>,
    pub seed: u64,
    pub configs: Vec<Config>,
    pub out: Option<PathBuf>,
    pub hang_seconds: f64,
    pub jobs: Option<u64>,
    pub guided: bool,
    /// Guided: the seed corpus's programs (see `guided::load_seed_corpus`).
    pub seed_corpus: Vec<(String, jitdiff_vm::lang::Module)>,
}

/// Report files and their reduction budget.
pub struct ReportArgs {
    pub junit: Option<PathBuf>,
    pub summary: Option<PathBuf>,
    pub reduce_seconds: f64,
}

fn options(a: CampaignArgs) -> CampaignOptions {
    CampaignOptions {
        seconds: if a.count.is_some() {
            a.seconds
        } else {
            Some(a.seconds.unwrap_or(60.0))
        },
        count: a.count,
        seed: a.seed,
        configs: a.configs,
        max_saved: if a.out.is_some() { 100 } else { 0 },
        out: a.out,
        stop_after: None,
        progress: true,
        isolation: jitdiff_oracle::runner::Isolation::Worker,
        hang_seconds: a.hang_seconds,
        steer: None,
        guided: a.guided,
        seed_corpus: a.seed_corpus,
    }
}

/// Runs the campaign over `jobs` worker processes (default: one per core).
fn campaign(opts: &CampaignOptions, jobs: Option<u64>) -> Result<CampaignStats, String> {
    let jobs = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find its own binary for the workers: {e}"))?;
    shards::run(opts, jobs, &exe, |pseed, verdict| {
        eprintln!("divergence: program seed {pseed}: {verdict}");
    })
    .map_err(|e| e.to_string())
}

pub fn cmd_fuzz(args: CampaignArgs, json: bool, rep: ReportArgs) -> ExitCode {
    let jobs = args.jobs;
    let opts = options(args);
    let stats = match campaign(&opts, jobs) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("jitdiff: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&stats).expect("serializable")
        );
    }
    eprintln!("{}", stats.summary());
    for p in &stats.saved {
        eprintln!("saved {p}");
    }
    if let Err(e) = write_reports(&opts, &stats, &rep) {
        eprintln!("jitdiff: {e}");
        return ExitCode::from(2);
    }
    if stats.divergences > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_reports(
    opts: &CampaignOptions,
    stats: &CampaignStats,
    rep: &ReportArgs,
) -> Result<(), String> {
    if let Some(path) = &rep.junit {
        reports::write(path, &reports::fuzz_junit(opts, stats))?;
    }
    if let Some(path) = &rep.summary {
        if !stats.findings.is_empty() {
            eprintln!(
                "reducing the first program of each signature (at most 5, {} s each) for the summary",
                rep.reduce_seconds
            );
        }
        let reduced =
            reports::reduce_findings(opts, stats, Duration::from_secs_f64(rep.reduce_seconds), 5);
        reports::write(path, &reports::fuzz_summary(opts, stats, &reduced))?;
    }
    Ok(())
}

pub fn cmd_coverage(args: CampaignArgs, json: bool, summary: Option<PathBuf>) -> ExitCode {
    let jobs = args.jobs;
    let mut opts = options(args);
    // Count what machine code ran, not only what was compiled.
    let counted: Result<Vec<Config>, String> = opts
        .configs
        .iter()
        .map(coverage::with_step_counting)
        .collect();
    opts.configs = match counted {
        Ok(c) => c,
        Err(e) => {
            eprintln!("jitdiff coverage: {e}");
            return ExitCode::from(2);
        }
    };
    let stats = match campaign(&opts, jobs) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("jitdiff: {e}");
            return ExitCode::from(2);
        }
    };
    let sections = coverage::sections(&stats.coverage);
    let pairs = coverage::pair_count(&stats.coverage);
    let behaviours = coverage::distinct_behaviours(&stats.coverage);
    eprintln!(
        "{} programs in {:.1}s, {} divergences; {behaviours} distinct JIT behaviours",
        stats.programs, stats.seconds, stats.divergences
    );
    if json {
        let j = serde_json::json!({
            "programs": stats.programs,
            "divergences": stats.divergences,
            "distinct_behaviours": behaviours,
            "sections": sections,
            "uop_pairs": coverage::pair_names(&stats.coverage),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&j).expect("serializable")
        );
    } else {
        print!("{}", coverage::render_text(&sections, pairs));
    }
    if let Some(path) = summary {
        let md = format!(
            "## jitdiff coverage: seed {}, {} programs, {behaviours} distinct JIT behaviours\n\n{}",
            opts.seed,
            stats.programs,
            coverage::render_markdown(&sections, pairs)
        );
        if let Err(e) = reports::write(&path, &md) {
            eprintln!("jitdiff: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
