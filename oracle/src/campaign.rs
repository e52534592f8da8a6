//! The built-in fuzz campaign (stable Rust, no libFuzzer): generate programs
//! from a deterministic seed sequence, run them differentially, save every
//! divergence as a `.py` + `.json` pair. Program `i` of a campaign with seed
//! `S` is always the same program, so a finding is reproduced by its seeds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use jitdiff_vm::VmStats;
use jitdiff_vm::lang::{Poison, unparse};
use jitdiff_vm::tier2::Tier2Stats;
use serde::Serialize;

use crate::config::Config;
use crate::generator;
use crate::runner::{Isolation, OracleStats, Report, Runner, Verdict};
use crate::timing::{Timing, since};

pub struct CampaignOptions {
    /// Stop after this much wall-clock time...
    pub seconds: Option<f64>,
    /// ...or after exactly this many programs (bit-for-bit reproducible).
    pub count: Option<u64>,
    pub seed: u64,
    pub configs: Vec<Config>,
    /// Where findings are written (created if needed).
    pub out: Option<PathBuf>,
    /// Files written at most (all findings are still counted).
    pub max_saved: usize,
    pub progress: bool,
    /// Stop after this many divergences (self-test: the first finding).
    pub stop_after: Option<u64>,
    /// Where VM configurations run (a worker process by default).
    pub isolation: Isolation,
    /// Wall-clock seconds before a run is suspected of hanging.
    pub hang_seconds: f64,
    /// Adjusts each program's drawn generator configuration (the
    /// self-test steers a planted bug's hunt toward the features that
    /// reach it); None: the seed's own draw.
    pub steer: Option<fn(&mut generator::GenConfig)>,
}

impl CampaignOptions {
    /// The program of program seed `pseed` in this campaign.
    pub fn program(&self, pseed: u64) -> jitdiff_vm::lang::Module {
        match self.steer {
            Some(adjust) => generator::generate_from_seed_with(pseed, adjust),
            None => generator::generate_from_seed(pseed),
        }
    }

    /// `count` programs of campaign `seed` on `configs`, no output files,
    /// no progress line, worker isolation: what tests and the self-test use.
    pub fn quiet(
        configs: Vec<Config>,
        seed: u64,
        count: Option<u64>,
        seconds: Option<f64>,
    ) -> Self {
        CampaignOptions {
            seconds,
            count,
            seed,
            configs,
            out: None,
            max_saved: 0,
            progress: false,
            stop_after: None,
            isolation: Isolation::Worker,
            hang_seconds: 20.0,
            steer: None,
        }
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct CampaignStats {
    pub programs: u64,
    pub agree: u64,
    pub poisoned: u64,
    pub poisoned_fuel: u64,
    pub poisoned_recursion: u64,
    pub poisoned_int: u64,
    pub poisoned_memory: u64,
    pub poisoned_nesting: u64,
    pub poisoned_complex: u64,
    pub poisoned_sequence: u64,
    pub poisoned_identity: u64,
    pub poisoned_ascii: u64,
    pub poisoned_unmodelled: u64,
    pub divergences: u64,
    pub errors: u64,
    pub seconds: f64,
    pub first_divergence_seconds: Option<f64>,
    pub saved: Vec<String>,
    pub vm: VmStats,
    pub tier2: Tier2Stats,
    pub jit: std::collections::BTreeMap<String, jitdiff_vm::jit::JitStats>,
    /// What the deep oracles checked.
    pub oracles: OracleStats,
    /// Where the wall-clock time went.
    pub timing: Timing,
}

impl CampaignStats {
    pub fn programs_per_second(&self) -> f64 {
        self.programs as f64 / self.seconds.max(1e-9)
    }
    pub fn poisoned_percent(&self) -> f64 {
        100.0 * self.poisoned as f64 / (self.programs.max(1) as f64)
    }
    pub fn summary(&self) -> String {
        let mut s = self.summary_tiers();
        let o = &self.oracles;
        s.push_str(&format!(
            "\noracles: {} transitions frame-checked against {} replays without traces, {} exit sequences compared ({} exits), {} uops' stacks compared with cache registers (+checkregs), {} hangs suspected ({} confirmed), {} worker deaths",
            o.frames_checked,
            o.replays,
            o.sequences_compared,
            o.exits_compared,
            o.register_logs_compared,
            o.hangs_suspected,
            o.hangs_confirmed,
            o.worker_deaths
        ));
        s.push('\n');
        s.push_str(&self.timing.render());
        for (config, j) in &self.jit {
            s.push_str(&format!(
                "\njit {config}: {} traces compiled ({} failed), {:.0} ns/uop to compile, {:.0} code bytes/trace, {} values spilled or reloaded, {} entries, {} faults, {} traces interpreted",
                j.traces_compiled,
                j.compile_failures,
                j.compile_ns as f64 / j.uops_compiled.max(1) as f64,
                j.code_bytes as f64 / j.traces_compiled.max(1) as f64,
                j.spills,
                j.entries,
                j.faults,
                j.interpreted,
            ));
            // Counted only when their knob is on: no zeros that read as
            // measurements.
            if j.stencils_executed > 0 {
                s.push_str(&format!(
                    "\n  steps run by register variant (+count-stencils, {} in all): {}",
                    j.stencils_executed,
                    j.stencils_by_variant
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if j.emulated_instructions > 0 {
                s.push_str(&format!(
                    "\n  instructions emulated (+count-insns): {}",
                    j.emulated_instructions
                ));
            }
            if j.memory_accesses > 0 {
                s.push_str(&format!(
                    "\n  data memory accesses emulated (+count-mem): {}",
                    j.memory_accesses
                ));
            }
            s.push_str(&format!(
                "\n  exits by uop: {}",
                j.exits_by_uop
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        s
    }

    fn summary_tiers(&self) -> String {
        format!(
            "{} programs in {:.1}s ({:.0} programs/s): {} agree, {} divergences, {} poisoned ({:.2}%: fuel {}, recursion {}, int size {}, memory {}, nesting {}, complex {}, sequence length {}, identity {}, non-ASCII {}, unmodelled {}), {} errors\n\
             tier 1: {} instructions, {} specializations, {} guard misses, {} de-specializations, {} collections\n\
             tier 2: {} traces ({} side traces, {} aborted), {:.1} uops per trace ({:.1} before optimization), {} guards removed, {} folded\n\
             tier 2: {} entries, {} uops run, {} exits, {} deopts, {} forced failures, {} invalidations, {} removed-guard checks\n\
             exits by uop: {}",
            self.programs,
            self.seconds,
            self.programs_per_second(),
            self.agree,
            self.divergences,
            self.poisoned,
            self.poisoned_percent(),
            self.poisoned_fuel,
            self.poisoned_recursion,
            self.poisoned_int,
            self.poisoned_memory,
            self.poisoned_nesting,
            self.poisoned_complex,
            self.poisoned_sequence,
            self.poisoned_identity,
            self.poisoned_ascii,
            self.poisoned_unmodelled,
            self.errors,
            self.vm.instructions,
            self.vm.specializations,
            self.vm.misses,
            self.vm.despecializations,
            self.vm.collections,
            self.tier2.traces,
            self.tier2.side_traces,
            self.tier2.aborted,
            self.tier2.uops as f64 / self.tier2.traces.max(1) as f64,
            self.tier2.raw_uops as f64 / self.tier2.traces.max(1) as f64,
            self.tier2.guards_removed,
            self.tier2.folded,
            self.tier2.entries,
            self.tier2.uops_executed,
            self.tier2.exits_taken,
            self.tier2.deopts_taken,
            self.tier2.forced_failures,
            self.tier2.invalidations,
            self.tier2.removed_guard_checks,
            self.tier2
                .exits_by_uop
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

/// The seed of program `index` in a campaign seeded with `seed` (splitmix64).
pub fn program_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed
        ^ index
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs a campaign; `on_finding` sees each divergent program's report.
pub fn run(
    opts: &CampaignOptions,
    mut on_finding: impl FnMut(u64, &Report),
) -> std::io::Result<CampaignStats> {
    if let Some(dir) = &opts.out {
        std::fs::create_dir_all(dir)?;
    }
    let mut runner = Runner::with_isolation(opts.configs.clone(), opts.isolation);
    runner.hang_seconds = opts.hang_seconds;
    let mut stats = CampaignStats::default();
    let start = Instant::now();
    let deadline = opts.seconds.map(|s| start + Duration::from_secs_f64(s));
    let bar = live_line(opts.progress);
    let mut last_plain = Instant::now();
    for index in 0.. {
        if opts.count.is_some_and(|c| index >= c)
            || deadline.is_some_and(|d| Instant::now() >= d)
            || opts.stop_after.is_some_and(|n| stats.divergences >= n)
        {
            break;
        }
        let pseed = program_seed(opts.seed, index);
        let generating = Instant::now();
        let module = opts.program(pseed);
        stats.timing.generate_ns += since(generating);
        if let Some(dir) = &opts.out {
            // On disk before it runs: if this process dies with it (the
            // worker contains VM crashes, but not, say, the OOM killer), the
            // program is not lost.
            let header = format!(
                "# jitdiff in flight: campaign seed {}, program {index}, program seed {pseed}\n",
                opts.seed
            );
            std::fs::write(dir.join(IN_FLIGHT), format!("{header}{}", unparse(&module)))?;
        }
        let report = runner.run(&module);
        stats.programs += 1;
        match &report.verdict {
            Verdict::Agree => stats.agree += 1,
            Verdict::Poisoned(p) => {
                stats.poisoned += 1;
                match p {
                    Poison::Fuel => stats.poisoned_fuel += 1,
                    Poison::Recursion => stats.poisoned_recursion += 1,
                    Poison::IntTooLarge => stats.poisoned_int += 1,
                    Poison::OutOfMemory => stats.poisoned_memory += 1,
                    Poison::Nesting => stats.poisoned_nesting += 1,
                    Poison::Complex => stats.poisoned_complex += 1,
                    Poison::SequenceTooLong => stats.poisoned_sequence += 1,
                    // Sorts whose answer depends on CPython's steps: like identity.
                    Poison::Identity | Poison::SortOrder => stats.poisoned_identity += 1,
                    Poison::NonAscii => stats.poisoned_ascii += 1,
                    Poison::Unmodelled => stats.poisoned_unmodelled += 1,
                }
            }
            Verdict::Error(_) => stats.errors += 1,
            Verdict::Diverge(_) => {
                stats.divergences += 1;
                stats
                    .first_divergence_seconds
                    .get_or_insert(start.elapsed().as_secs_f64());
                on_finding(pseed, &report);
            }
        }
        // Findings, and programs a configuration could not run, are kept.
        let what = match &report.verdict {
            Verdict::Diverge(_) => Some("finding"),
            Verdict::Error(_) => Some("error"),
            _ => None,
        };
        if let (Some(what), Some(dir)) = (what, opts.out.as_ref())
            && stats.saved.len() < opts.max_saved
        {
            let program = (opts.seed, index, pseed);
            let path = save(dir, what, program, &unparse(&module), &report)?;
            stats.saved.push(path.display().to_string());
        }
        if index % 64 == 0 {
            stats.seconds = start.elapsed().as_secs_f64();
            let line = live_message(&stats);
            match &bar {
                Some(b) => b.set_message(line),
                None if opts.progress && last_plain.elapsed() >= Duration::from_secs(10) => {
                    eprintln!("{line}");
                    last_plain = Instant::now();
                }
                None => {}
            }
        }
    }
    stats.seconds = start.elapsed().as_secs_f64();
    stats.vm = runner.stats;
    stats.tier2 = runner.tier2.clone();
    stats.jit = runner.jit.clone();
    stats.oracles = runner.oracle_stats;
    stats.timing.add(&runner.timing);
    if let Some(dir) = &opts.out {
        let _ = std::fs::remove_file(dir.join(IN_FLIGHT));
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(stats)
}

fn live_line(progress: bool) -> Option<ProgressBar> {
    if !progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

fn live_message(s: &CampaignStats) -> String {
    format!(
        "{} programs, {:.0}/s, {} divergences, {:.2}% poisoned",
        s.programs,
        s.programs_per_second(),
        s.divergences,
        s.poisoned_percent()
    )
}

/// The program being run, written before it runs (removed at the end).
pub const IN_FLIGHT: &str = "in-flight.py";

/// Writes `<dir>/<what>-<seed>-<index>.py` (runnable, with a header) and a
/// `.json` with the full report. Returns the `.py` path.
fn save(
    dir: &Path,
    what: &str,
    (seed, index, pseed): (u64, u64, u64),
    source: &str,
    report: &Report,
) -> std::io::Result<PathBuf> {
    let stem = format!("{what}-{seed}-{index}");
    let py = dir.join(format!("{stem}.py"));
    let mut header =
        format!("# jitdiff {what}: campaign seed {seed}, program {index}, program seed {pseed}\n");
    match &report.verdict {
        Verdict::Diverge(divs) => {
            for d in divs {
                header.push_str(&format!("# diverges: {} ({:?})\n", d.config, d.kinds));
            }
        }
        Verdict::Error(e) => header.push_str(&format!("# error: {}\n", e.replace('\n', " "))),
        _ => {}
    }
    std::fs::write(&py, format!("{header}{source}"))?;
    let json = serde_json::json!({
        "campaign_seed": seed,
        "index": index,
        "program_seed": pseed,
        "report": report,
    });
    std::fs::write(
        dir.join(format!("{stem}.json")),
        serde_json::to_string_pretty(&json).expect("serializable"),
    )?;
    Ok(py)
}
