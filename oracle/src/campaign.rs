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
use serde::{Deserialize, Serialize};

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
    /// Coverage-guided (`--guided`, worker campaigns only): some programs
    /// are mutants of those that reached new JIT behaviour
    /// (`crate::guided`).
    pub guided: bool,
    /// Guided: the seed corpus (`--corpus`), run as the campaign's first
    /// programs and kept as parents like any program that reached
    /// something new.
    pub seed_corpus: Vec<(String, jitdiff_vm::lang::Module)>,
}

impl CampaignOptions {
    /// The program of program seed `pseed` in this campaign.
    pub fn program(&self, pseed: u64) -> jitdiff_vm::lang::Module {
        self.configured_program(pseed).1
    }

    /// [`CampaignOptions::program`] and the generator configuration it was
    /// generated with (`None` for the generator's fallback program).
    pub fn configured_program(
        &self,
        pseed: u64,
    ) -> (Option<generator::GenConfig>, jitdiff_vm::lang::Module) {
        generator::generate_from_seed_configured(pseed, |c| {
            if let Some(adjust) = self.steer {
                adjust(c)
            }
        })
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
            guided: false,
            seed_corpus: vec![],
        }
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
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
    /// Campaign worker processes that died and were replaced (`--jobs`).
    pub workers_restarted: u64,
    /// What each configuration reached of the JIT pipeline.
    #[serde(default)]
    pub coverage: std::collections::BTreeMap<String, jitdiff_vm::coverage::Coverage>,
    /// Every divergence, in program order (the merger's: reports read it).
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
    /// Distinct JIT behaviours reached (`coverage::features`; the merger's).
    #[serde(default)]
    pub behaviours: u64,
    /// The guided campaign's counters (`--guided`).
    #[serde(default)]
    pub guided: Option<crate::guided::GuideStats>,
}

/// One divergent program of a campaign, as reports show it: no message
/// text (messages may hold run-specific addresses), only what the same
/// seed reproduces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    pub index: u64,
    pub program_seed: u64,
    /// `kind@place` of the most specific oracle (triage's signature).
    pub signature: String,
    /// Each diverging configuration with its divergence kinds.
    pub configs: Vec<(String, Vec<String>)>,
    /// The saved `.py`, if it was saved (`--out`, under `max_saved`).
    pub path: Option<String>,
    /// The program as saved (header comments, then the source): what the
    /// summary's reduction starts from.
    #[serde(skip)]
    pub source: String,
}

impl CampaignStats {
    /// Counts one program's verdict.
    fn count(&mut self, verdict: &Verdict) {
        self.programs += 1;
        match verdict {
            Verdict::Agree => self.agree += 1,
            Verdict::Poisoned(p) => {
                self.poisoned += 1;
                match p {
                    Poison::Fuel => self.poisoned_fuel += 1,
                    Poison::Recursion => self.poisoned_recursion += 1,
                    Poison::IntTooLarge => self.poisoned_int += 1,
                    Poison::OutOfMemory => self.poisoned_memory += 1,
                    Poison::Nesting => self.poisoned_nesting += 1,
                    Poison::Complex => self.poisoned_complex += 1,
                    Poison::SequenceTooLong => self.poisoned_sequence += 1,
                    // Sorts whose answer depends on CPython's steps: like identity.
                    Poison::Identity | Poison::SortOrder => self.poisoned_identity += 1,
                    Poison::NonAscii => self.poisoned_ascii += 1,
                    Poison::Unmodelled => self.poisoned_unmodelled += 1,
                }
            }
            Verdict::Error(_) => self.errors += 1,
            Verdict::Diverge(_) => self.divergences += 1,
        }
    }

    /// Adds another share of a campaign (counters only: `seconds`, the
    /// first divergence's time and the saved paths are the merger's).
    pub fn add(&mut self, o: &CampaignStats) {
        self.programs += o.programs;
        self.agree += o.agree;
        self.poisoned += o.poisoned;
        self.poisoned_fuel += o.poisoned_fuel;
        self.poisoned_recursion += o.poisoned_recursion;
        self.poisoned_int += o.poisoned_int;
        self.poisoned_memory += o.poisoned_memory;
        self.poisoned_nesting += o.poisoned_nesting;
        self.poisoned_complex += o.poisoned_complex;
        self.poisoned_sequence += o.poisoned_sequence;
        self.poisoned_identity += o.poisoned_identity;
        self.poisoned_ascii += o.poisoned_ascii;
        self.poisoned_unmodelled += o.poisoned_unmodelled;
        self.divergences += o.divergences;
        self.errors += o.errors;
        self.vm.add(&o.vm);
        self.tier2.add(&o.tier2);
        for (k, v) in &o.jit {
            self.jit.entry(k.clone()).or_default().add(v);
        }
        self.oracles.add(&o.oracles);
        self.timing.add(&o.timing);
        self.workers_restarted += o.workers_restarted;
        for (k, v) in &o.coverage {
            self.coverage.entry(k.clone()).or_default().add(v);
        }
    }

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
            "\noracles: {} transitions frame-checked against {} replays without traces ({} by the matrix's t1 run), {} exit sequences compared ({} exits), {} uops' stacks compared with cache registers (+checkregs), {} hangs suspected ({} confirmed), {} worker deaths",
            o.frames_checked,
            o.replays,
            o.matrix_replays,
            o.sequences_compared,
            o.exits_compared,
            o.register_logs_compared,
            o.hangs_suspected,
            o.hangs_confirmed,
            o.worker_deaths
        ));
        s.push_str(&format!(
            "\ncoverage: {} distinct JIT behaviours reached (`jitdiff coverage` lists them)",
            self.behaviours
        ));
        if let Some(g) = &self.guided {
            s.push_str(&format!(
                "\nguided: {} seed-corpus programs, {} fresh programs, {} mutants, {} siblings ({} rejected by the front end), {} kept in the corpus; new behaviours first reached by seed-corpus programs {}, by fresh programs {}, by mutants {}, by siblings {}",
                g.seeds,
                g.fresh,
                g.mutants,
                g.siblings,
                g.rejected,
                g.corpus,
                g.new_by_seeds,
                g.new_by_fresh,
                g.new_by_mutants,
                g.new_by_siblings
            ));
            let yields: Vec<String> = g
                .by_mutation
                .iter()
                .map(|(m, (runs, new))| format!("{m} {new}/{runs}"))
                .collect();
            if !yields.is_empty() {
                s.push_str(&format!(
                    "\nguided: new behaviours / mutants, by mutation: {}",
                    yields.join(", ")
                ));
            }
        }
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

/// One program checked: what the campaign adds to its statistics and, for
/// a finding or an error, the files it saves. A campaign worker process
/// sends these to the coordinator ([`crate::shards`]); the in-process
/// campaign makes the same ones, so both save and count alike.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProgramDone {
    pub index: u64,
    pub pseed: u64,
    /// This program's share of the statistics (`programs` is 1).
    pub delta: CampaignStats,
    /// A finding or an error: the files to save.
    pub files: Option<Finding>,
}

/// A program kept: `<what>-<seed>-<index>.py` and `.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finding {
    /// `finding` or `error`.
    pub what: String,
    /// One line on what diverged (for the campaign's log).
    pub verdict: String,
    pub py: String,
    pub json: String,
    /// `kind@place` (divergences; empty for errors).
    #[serde(default)]
    pub signature: String,
    /// Each diverging configuration with its kinds.
    #[serde(default)]
    pub configs: Vec<(String, Vec<String>)>,
}

/// Generates program `index` of the campaign and checks it on `runner`.
/// Also returns the full report (for callers that look at it).
///
/// With `in_flight`, the program is written there before it runs: if the
/// process dies with it (the worker contains VM crashes, but not, say, the
/// OOM killer), the program is not lost.
pub fn check_program(
    runner: &mut Runner,
    opts: &CampaignOptions,
    index: u64,
    in_flight: Option<&Path>,
) -> std::io::Result<(ProgramDone, Report)> {
    check_program_source(runner, opts, index, None, in_flight)
}

/// [`check_program`], or with `given` (a guided campaign's program, as the
/// coordinator drew it) in place of the generated one.
pub fn check_program_source(
    runner: &mut Runner,
    opts: &CampaignOptions,
    index: u64,
    given: Option<jitdiff_vm::lang::Module>,
    in_flight: Option<&Path>,
) -> std::io::Result<(ProgramDone, Report)> {
    let pseed = program_seed(opts.seed, index);
    let mut delta = CampaignStats::default();
    let generating = Instant::now();
    let guided = given.is_some();
    let module = given.unwrap_or_else(|| opts.program(pseed));
    delta.timing.generate_ns += since(generating);
    if let Some(path) = in_flight {
        let header = format!(
            "# jitdiff in flight: campaign seed {}, program {index}, program seed {pseed}\n",
            opts.seed
        );
        std::fs::write(path, format!("{header}{}", unparse(&module)))?;
    }
    let report = runner.run(&module);
    delta.count(&report.verdict);
    delta.vm = std::mem::take(&mut runner.stats);
    delta.tier2 = std::mem::take(&mut runner.tier2);
    delta.jit = std::mem::take(&mut runner.jit);
    delta.oracles = std::mem::take(&mut runner.oracle_stats);
    delta.timing.add(&std::mem::take(&mut runner.timing));
    delta.coverage = std::mem::take(&mut runner.coverage);
    let what = match &report.verdict {
        Verdict::Diverge(_) => Some("finding"),
        Verdict::Error(_) => Some("error"),
        _ => None,
    };
    let files = what.map(|what| {
        let mut f = finding_files(what, (opts.seed, index, pseed), &unparse(&module), &report);
        if guided {
            // The program seed names the fresh program of this index; a
            // mutant or a seed-corpus program is reproduced by its text only.
            f.py = format!("# jitdiff --guided: the program below is this index's draw (a seed-corpus program, fresh or a mutant)\n{}", f.py);
        }
        f
    });
    let done = ProgramDone {
        index,
        pseed,
        delta,
        files,
    };
    Ok((done, report))
}

/// Folds checked programs into a campaign's statistics, in index order,
/// and saves their findings: the one place both campaigns (in process and
/// across worker processes) count and save.
pub struct Merger<'a> {
    opts: &'a CampaignOptions,
    pub stats: CampaignStats,
    start: Instant,
    bar: Option<ProgressBar>,
    last_plain: Instant,
    /// Behaviours reached so far.
    seen: std::collections::BTreeSet<String>,
}

impl<'a> Merger<'a> {
    pub fn new(opts: &'a CampaignOptions) -> std::io::Result<Merger<'a>> {
        if let Some(dir) = &opts.out {
            std::fs::create_dir_all(dir)?;
        }
        Ok(Merger {
            opts,
            stats: CampaignStats::default(),
            start: Instant::now(),
            bar: live_line(opts.progress),
            last_plain: Instant::now(),
            seen: Default::default(),
        })
    }

    /// Whether the campaign should hand out program `index`.
    pub fn wants(&self, index: u64) -> bool {
        let deadline = self
            .opts
            .seconds
            .map(|s| self.start + Duration::from_secs_f64(s));
        !(self.opts.count.is_some_and(|c| index >= c)
            || deadline.is_some_and(|d| Instant::now() >= d)
            || self.stopped())
    }

    /// Enough divergences were found (`stop_after`).
    pub fn stopped(&self) -> bool {
        self.opts
            .stop_after
            .is_some_and(|n| self.stats.divergences >= n)
    }

    /// Adds one program (the next in index order).
    pub fn merge(&mut self, done: &ProgramDone) -> std::io::Result<()> {
        let d = &done.delta;
        if d.divergences > 0 {
            self.stats
                .first_divergence_seconds
                .get_or_insert(self.start.elapsed().as_secs_f64());
        }
        self.stats.add(d);
        let mut path = None;
        if let (Some(f), Some(dir)) = (&done.files, self.opts.out.as_ref())
            && self.stats.saved.len() < self.opts.max_saved
        {
            let stem = format!("{}-{}-{}", f.what, self.opts.seed, done.index);
            let py = dir.join(format!("{stem}.py"));
            std::fs::write(&py, &f.py)?;
            std::fs::write(dir.join(format!("{stem}.json")), &f.json)?;
            self.stats.saved.push(py.display().to_string());
            path = Some(py.display().to_string());
        }
        if let Some(f) = done.files.as_ref().filter(|_| d.divergences > 0) {
            self.stats.findings.push(FindingRecord {
                index: done.index,
                program_seed: done.pseed,
                signature: f.signature.clone(),
                configs: f.configs.clone(),
                path,
                source: f.py.clone(),
            });
        }
        for f in crate::coverage::features(&d.coverage) {
            self.seen.insert(f);
        }
        self.stats.behaviours = self.seen.len() as u64;
        if done.index.is_multiple_of(64) {
            self.stats.seconds = self.start.elapsed().as_secs_f64();
            let line = live_message(&self.stats);
            match &self.bar {
                Some(b) => b.set_message(line),
                None if self.opts.progress
                    && self.last_plain.elapsed() >= Duration::from_secs(10) =>
                {
                    eprintln!("{line}");
                    self.last_plain = Instant::now();
                }
                None => {}
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> CampaignStats {
        self.stats.seconds = self.start.elapsed().as_secs_f64();
        if let Some(dir) = &self.opts.out {
            let _ = std::fs::remove_file(dir.join(IN_FLIGHT));
            for slot in 0.. {
                if std::fs::remove_file(dir.join(in_flight_of(slot))).is_err() {
                    break;
                }
            }
        }
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        self.stats
    }
}

/// Runs a campaign in this process; `on_finding` sees each divergent
/// program's report.
pub fn run(
    opts: &CampaignOptions,
    mut on_finding: impl FnMut(u64, &Report),
) -> std::io::Result<CampaignStats> {
    let mut merger = Merger::new(opts)?;
    let mut runner = Runner::with_isolation(opts.configs.clone(), opts.isolation);
    runner.hang_seconds = opts.hang_seconds;
    for index in 0.. {
        if !merger.wants(index) {
            break;
        }
        let in_flight = opts.out.as_ref().map(|d| d.join(IN_FLIGHT));
        let (done, report) = check_program(&mut runner, opts, index, in_flight.as_deref())?;
        if matches!(report.verdict, Verdict::Diverge(_)) {
            on_finding(done.pseed, &report);
        }
        merger.merge(&done)?;
    }
    Ok(merger.finish())
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
        "{} programs, {:.0}/s, {} divergences, {:.2}% poisoned, {} JIT behaviours",
        s.programs,
        s.programs_per_second(),
        s.divergences,
        s.poisoned_percent(),
        s.behaviours
    )
}

/// The program being run, written before it runs (removed at the end).
pub const IN_FLIGHT: &str = "in-flight.py";

/// The same for worker `slot` of a `--jobs` campaign.
pub fn in_flight_of(slot: usize) -> String {
    format!("in-flight-{slot}.py")
}

/// The `.py` (runnable, with a header) and `.json` (the full report) of a
/// program kept as `<what>-<seed>-<index>`.
fn finding_files(
    what: &str,
    (seed, index, pseed): (u64, u64, u64),
    source: &str,
    report: &Report,
) -> Finding {
    let mut header =
        format!("# jitdiff {what}: campaign seed {seed}, program {index}, program seed {pseed}\n");
    let mut configs = vec![];
    match &report.verdict {
        Verdict::Diverge(divs) => {
            for d in divs {
                header.push_str(&format!("# diverges: {} ({:?})\n", d.config, d.kinds));
                let kinds = d.kinds.iter().map(|k| format!("{k:?}")).collect();
                configs.push((d.config.clone(), kinds));
            }
        }
        Verdict::Error(e) => header.push_str(&format!("# error: {}\n", e.replace('\n', " "))),
        _ => {}
    }
    let json = serde_json::json!({
        "campaign_seed": seed,
        "index": index,
        "program_seed": pseed,
        "report": report,
    });
    Finding {
        what: what.into(),
        verdict: crate::report::verdict_word(&report.verdict),
        py: format!("{header}{source}"),
        json: serde_json::to_string_pretty(&json).expect("serializable"),
        signature: crate::triage::Signature::of(report)
            .map(|s| format!("{:?}@{}", s.kind, s.place))
            .unwrap_or_default(),
        configs,
    }
}
