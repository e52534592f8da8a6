//! The differential runner: one program, the reference and every
//! configuration, then every oracle ([`crate::oracles`]) and a verdict.
//!
//! VM configurations run in a worker process ([`crate::worker`]) unless the
//! runner is built [`Runner::in_process`] (the `cargo fuzz` targets, where
//! libFuzzer contains crashes itself). Traced configurations record their
//! transitions and exits; the program then runs once more on tier 1 alone
//! (the replay) for the frame-state oracle.

use std::time::{Duration, Instant};

use jitdiff_vm::jit::JitStats;
use jitdiff_vm::lang::compile::compile_with_limits;
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::{Module, Poison, RunResult, unparse};
use jitdiff_vm::observe::{FrameHash, FrameView, Observe, Point};
use jitdiff_vm::tier2::Tier2Stats;
use jitdiff_vm::{RunOutput, VmStats};
use serde::Serialize;

use crate::config::{Config, Target};
use crate::execute::{Job, JobOutcome, Local};
use crate::oracles::{self, ConfigRun, exit_sequence, frame_state};
use crate::timing::{Timing, since};
use crate::worker::Worker;
use crate::{cpython, reference};

pub use crate::oracles::{ConfigResult, DivergenceKind, OracleFinding};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Divergence {
    pub config: String,
    /// The kinds, sorted (every finding's kind once).
    pub kinds: Vec<DivergenceKind>,
    /// What each oracle found, with its place and message.
    pub findings: Vec<OracleFinding>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Agree,
    /// The reference (or a configuration's resource limit) gave no verdict.
    Poisoned(Poison),
    Diverge(Vec<Divergence>),
    /// A configuration could not run at all (not a finding about the VM).
    Error(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub reference: RunResult,
    pub results: Vec<(String, ConfigResult)>,
    pub verdict: Verdict,
}

/// Where VM configurations run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// In this process: a native crash takes it down, a hang hangs it.
    InProcess,
    /// In a worker process, with a wall-clock limit per run that makes a
    /// hang *suspected* (then confirmed deterministically).
    Worker,
}

/// What the deep oracles checked, summed over programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OracleStats {
    /// Trace transitions (exits, deopts, handovers, errors) whose frame was
    /// compared with the replay's.
    pub frames_checked: u64,
    /// Replays without traces run for the frame-state oracle.
    pub replays: u64,
    /// Of those, the matrix's own `t1` runs (no second run of the program).
    #[serde(default)]
    pub matrix_replays: u64,
    /// Exit sequences compared across backends, and the exits in them.
    pub sequences_compared: u64,
    pub exits_compared: u64,
    /// Runs the wall clock suspected of hanging, and hangs the budget
    /// confirmed.
    pub hangs_suspected: u64,
    pub hangs_confirmed: u64,
    /// Worker processes that died under a run (and were replaced).
    pub worker_deaths: u64,
    /// `+checkregs` uop logs compared with the tier-2 interpreter's
    /// (entries).
    pub register_logs_compared: u64,
}

/// Runs programs on a fixed list of configurations, reusing one VM (and so
/// one arena mapping and emulator) per configuration.
pub struct Runner {
    configs: Vec<Config>,
    isolation: Isolation,
    /// Wall-clock seconds a VM run may take before it is suspected of
    /// hanging (worker isolation only), at the default fuel: a run with
    /// more fuel may take proportionally longer ([`Runner::hang_limit`]).
    pub hang_seconds: f64,
    /// Record transitions and exits, and run the frame-state replay.
    pub deep: bool,
    local: Local,
    worker: Option<Worker>,
    /// The program the worker has loaded (a counter of `run` calls).
    loaded: Option<u64>,
    program_counter: u64,
    pub stats: VmStats,
    pub tier2: Tier2Stats,
    /// JIT counters per configuration that compiles.
    pub jit: std::collections::BTreeMap<String, JitStats>,
    /// What each configuration reached of the JIT pipeline.
    pub coverage: std::collections::BTreeMap<String, jitdiff_vm::coverage::Coverage>,
    pub oracle_stats: OracleStats,
    /// Seconds allowed for one `python3` run.
    pub cpython_timeout: u64,
    /// The text of the program about to run, when it has one (`jitdiff
    /// run FILE`): the `cpython` configuration runs it as written, so what
    /// the front end drops or lowers (annotations, imports of `heapq`...)
    /// is checked against CPython too. `None` (a generated program): the
    /// module unparsed.
    pub cpython_source: Option<String>,
    /// The limits every program runs under, on the reference and on every
    /// configuration alike.
    pub limits: Limits,
    /// Where the time went (statistics only).
    pub timing: Timing,
}

/// The tier-1 configuration the frame-state replay runs on.
const REPLAY_CONFIG: &str = "t1";

impl OracleStats {
    pub fn add(&mut self, o: &OracleStats) {
        self.frames_checked += o.frames_checked;
        self.replays += o.replays;
        self.matrix_replays += o.matrix_replays;
        self.sequences_compared += o.sequences_compared;
        self.exits_compared += o.exits_compared;
        self.hangs_suspected += o.hangs_suspected;
        self.hangs_confirmed += o.hangs_confirmed;
        self.worker_deaths += o.worker_deaths;
        self.register_logs_compared += o.register_logs_compared;
    }
}

impl Runner {
    /// A runner whose VM configurations run in a worker process.
    pub fn new(configs: Vec<Config>) -> Runner {
        Runner::with_isolation(configs, Isolation::Worker)
    }

    /// A runner that runs everything in this process (for `cargo fuzz`).
    pub fn in_process(configs: Vec<Config>) -> Runner {
        Runner::with_isolation(configs, Isolation::InProcess)
    }

    pub fn with_isolation(configs: Vec<Config>, isolation: Isolation) -> Runner {
        Runner {
            configs,
            isolation,
            hang_seconds: 20.0,
            deep: true,
            local: Local::default(),
            worker: None,
            loaded: None,
            program_counter: 0,
            stats: VmStats::default(),
            tier2: Tier2Stats::default(),
            jit: Default::default(),
            coverage: Default::default(),
            oracle_stats: OracleStats::default(),
            cpython_timeout: 10,
            cpython_source: None,
            limits: Limits::default(),
            timing: Timing::default(),
        }
    }

    pub fn configs(&self) -> &[Config] {
        &self.configs
    }

    /// Runs `module` everywhere and asks every oracle.
    pub fn run(&mut self, module: &Module) -> Report {
        self.program_counter += 1;
        self.local.new_program();
        let started = Instant::now();
        let (reference, reference_fuel) = reference::run_measured(module, self.limits);
        self.timing.reference_ns += since(started);
        if let RunResult::Poisoned(p @ Poison::Nesting) = reference {
            return Report {
                reference,
                results: vec![],
                verdict: Verdict::Poisoned(p),
            };
        }
        let uop_logs = self.uop_log_configs();
        // The frame-state replay is tier 1 alone, which is what the `t1`
        // configuration runs: when the matrix has it, it runs after the
        // traced configurations and hashes its frame at their points, so
        // the program is not run a second time on tier 1.
        let replay_in_matrix = self
            .deep
            .then(|| self.configs.iter().position(|c| c.name == REPLAY_CONFIG))
            .flatten();
        let mut runs: Vec<Option<ConfigRun>> = (0..self.configs.len()).map(|_| None).collect();
        for i in (0..self.configs.len()).filter(|&i| Some(i) != replay_in_matrix) {
            runs[i] = Some(self.run_config(i, module, uop_logs[i], vec![]));
        }
        let mut matrix_replay = None;
        if let Some(r) = replay_in_matrix {
            let points = frame_state::checkpoints(runs.iter().flatten());
            let mut run = self.run_config(r, module, uop_logs[r], points.clone());
            // Recorded only by a run that finished (or was re-run to confirm
            // a hang) with these points; otherwise the replay runs apart.
            if !points.is_empty() && run.events.checkpoints.len() == points.len() {
                matrix_replay = Some((points, std::mem::take(&mut run.events.checkpoints)));
            }
            runs[r] = Some(run);
        }
        let runs: Vec<ConfigRun> = runs
            .into_iter()
            .map(|r| r.expect("every configuration ran"))
            .collect();
        let checking = Instant::now();
        let mut found: Vec<(usize, OracleFinding)> = vec![];
        for (i, run) in runs.iter().enumerate() {
            let vm = self.configs[i].target != Target::CPython;
            let per_run = [
                oracles::outcome::check(&reference, run, vm),
                oracles::fuel::check(&reference, reference_fuel, run),
                oracles::containment::check(run),
                oracles::fault::check(run),
                oracles::heap::check(run),
                oracles::deopt_state::check(run),
                oracles::entry_depth::check(run),
                oracles::removed_guards::check(run),
                oracles::register_state::check(run),
                oracles::perf_cliff::check(run),
            ];
            found.extend(per_run.into_iter().flatten().map(|f| (i, f)));
        }
        let mut oracle_ns = since(checking);
        let following = Instant::now();
        found.extend(self.frame_state(module, &runs, matrix_replay));
        found.extend(self.register_logs(module, &runs));
        self.timing.follow_up_ns += since(following);
        let checking = Instant::now();
        let mut compared = exit_sequence::Compared::default();
        found.extend(exit_sequence::check(&runs, &mut compared));
        oracle_ns += since(checking);
        self.timing.oracle_ns += oracle_ns;
        self.oracle_stats.sequences_compared += compared.sequences;
        self.oracle_stats.exits_compared += compared.exits;
        verdict(reference, runs, found)
    }

    /// Which configurations log their stack before every uop: every
    /// `+checkregs` configuration, and the tier-2 interpreter of its group
    /// (the reference it is compared with).
    fn uop_log_configs(&self) -> Vec<bool> {
        let vm = |c: &Config| match &c.target {
            Target::Vm(v) => Some(v.clone()),
            Target::CPython => None,
        };
        let checking: Vec<Option<String>> = self
            .configs
            .iter()
            .filter_map(vm)
            .filter(|v| {
                v.tier2
                    .as_ref()
                    .is_some_and(|t| t.check_regs && t.jit.is_some())
            })
            .map(|v| exit_sequence::group_key(&v))
            .collect();
        self.configs
            .iter()
            .map(|c| {
                vm(c).is_some_and(|v| {
                    let t2 = v.tier2.as_ref();
                    let reference = t2.is_some_and(|t| t.jit.is_none());
                    let checks = t2.is_some_and(|t| t.check_regs && t.jit.is_some());
                    self.deep
                        && (checks
                            || (reference && checking.contains(&exit_sequence::group_key(&v))))
                })
            })
            .collect()
    }

    /// Runs configuration `i` and collects what the oracles read.
    /// `checkpoints`: points at which the run hashes its frame (the
    /// frame-state replay, when this run is it).
    fn run_config(
        &mut self,
        i: usize,
        module: &Module,
        uop_log: bool,
        checkpoints: Vec<Point>,
    ) -> ConfigRun {
        let limits = self.limits;
        let config = self.configs[i].clone();
        let Target::Vm(vm_config) = &config.target else {
            let started = Instant::now();
            let source = match &self.cpython_source {
                Some(s) => s.clone(),
                None => unparse(module),
            };
            let ran = cpython::run(&source, self.cpython_timeout);
            self.timing.config_ran(&config.name, since(started), None);
            let result = match ran {
                Ok(o) => ConfigResult::Run(RunResult::Completed(o), vec![]),
                Err(e) => ConfigResult::Error(e),
            };
            return ConfigRun::plain(&config.name, result);
        };
        let observed = self.deep && vm_config.tier2.is_some();
        let job = Job {
            limits,
            config: config.name.clone(),
            observe: Observe {
                events: observed,
                uop_log,
                checkpoints,
                ..Default::default()
            },
        };
        let started = Instant::now();
        let outcome = self.execute(module, &job);
        let wall_ns = since(started);
        let phases = match &outcome {
            JobOutcome::Done(out) => Some(out.phases),
            _ => None,
        };
        self.timing
            .config_ran(&config.name, wall_ns, phases.as_ref());
        let mut run = ConfigRun {
            name: config.name.clone(),
            result: ConfigResult::Error(String::new()),
            findings: vec![],
            events: Default::default(),
            group: exit_sequence::group_key(vm_config),
            observed,
            check_regs: vm_config
                .tier2
                .as_ref()
                .is_some_and(|t| t.check_regs && t.jit.is_some()),
            uop_logged: uop_log,
            perf: None,
            end_fuel: None,
        };
        let outcome = match outcome {
            JobOutcome::TimedOut => match self.timed_follow_up(|r| r.confirm_hang(module, &job)) {
                Ok(out) => JobOutcome::Done(out),
                Err(result) => {
                    run.result = result;
                    JobOutcome::TimedOut
                }
            },
            other => other,
        };
        match outcome {
            JobOutcome::Done(out) => {
                self.stats.add(&out.stats);
                self.tier2.add(&out.tier2);
                if out.jit.traces_compiled + out.jit.compile_failures > 0 {
                    self.jit
                        .entry(config.name.clone())
                        .or_default()
                        .add(&out.jit);
                }
                self.coverage
                    .entry(config.name.clone())
                    .or_default()
                    .add(&out.coverage);
                let measured = vm_config.tier2.as_ref().is_some_and(|t| t.forced.is_none());
                if measured {
                    run.perf = Some(oracles::perf_cliff::PerfCounts {
                        fuel: out.stats.fuel,
                        traces: out.tier2.traces,
                        max_formations_at_one_start: out.tier2.max_formations_at_one_start,
                    });
                }
                run.end_fuel = out.end_fuel;
                let messages = out.findings.iter().map(|f| f.message.clone()).collect();
                run.result = ConfigResult::Run(out.result, messages);
                run.findings = out.findings;
                run.events = out.events;
            }
            JobOutcome::Panicked(m) => run.result = ConfigResult::Crash(format!("VM panic: {m}")),
            JobOutcome::Died(m) => {
                self.oracle_stats.worker_deaths += 1;
                run.result = ConfigResult::Crash(format!("{m} while running {}", config.name));
            }
            // Already decided by `confirm_hang`.
            JobOutcome::TimedOut => {}
            JobOutcome::Failed(m) => run.result = ConfigResult::Error(m),
        }
        if !matches!(run.result, ConfigResult::Run(..)) {
            run.observed = false;
            run.uop_logged = false;
        }
        run
    }

    /// The register-state oracle's dynamic half: each `+checkregs` run's
    /// stack log against its group's tier-2 interpreter, the first
    /// difference rendered by re-running both sides.
    fn register_logs(
        &mut self,
        module: &Module,
        runs: &[ConfigRun],
    ) -> Vec<(usize, OracleFinding)> {
        let limits = self.limits;
        let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
        let mut render = |c: usize, k: usize| -> Option<oracles::register_state::Captured> {
            let job = Job {
                limits,
                config: names[c].clone(),
                observe: Observe {
                    uop_log: true,
                    capture_log: Some(k),
                    ..Default::default()
                },
            };
            match self.execute_again(module, &job) {
                JobOutcome::Done(out) => Some(oracles::register_state::Captured {
                    stack: out.events.captured_stack?,
                    at: out.events.captured_at?,
                }),
                _ => None,
            }
        };
        let found = oracles::register_state::check_logs(runs, &mut render);
        self.oracle_stats.register_logs_compared += found.1;
        found.0
    }

    /// Runs `f`, counting its time as the oracles' follow-up.
    fn timed_follow_up<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let started = Instant::now();
        let r = f(self);
        self.timing.follow_up_ns += since(started);
        r
    }

    /// Runs one job where this runner runs VMs.
    fn execute(&mut self, module: &Module, job: &Job) -> JobOutcome {
        self.execute_with_limit(module, job, Duration::from_secs_f64(self.hang_limit()))
    }

    /// Seconds before a run is suspected of hanging: `hang_seconds`, scaled
    /// by how far the fuel was raised above the default (a real program
    /// run with 100 times the fuel may rightly run 100 times as long).
    pub fn hang_limit(&self) -> f64 {
        let scale = self.limits.fuel as f64 / jitdiff_vm::lang::limits::DEFAULT_FUEL as f64;
        self.hang_seconds * scale.max(1.0)
    }

    /// Runs an oracle's follow-up job (a replay, a re-run that renders a
    /// difference) on a program every configuration already completed: it
    /// waits as long as a hang confirmation does, so a slow machine delays
    /// the check instead of skipping it.
    fn execute_again(&mut self, module: &Module, job: &Job) -> JobOutcome {
        let limit = self.confirm_limit();
        self.execute_with_limit(module, job, limit)
    }

    /// How long a confirmation or follow-up run may take.
    fn confirm_limit(&self) -> Duration {
        Duration::from_secs_f64((self.hang_limit() * 3.0).max(60.0))
    }

    fn execute_with_limit(&mut self, module: &Module, job: &Job, limit: Duration) -> JobOutcome {
        if self.isolation == Isolation::InProcess {
            return self.local.run(module, job);
        }
        if self.worker.is_none() {
            match Worker::spawn() {
                Ok(w) => self.worker = Some(w),
                Err(e) => return JobOutcome::Failed(format!("cannot start a worker process: {e}")),
            }
            self.loaded = None;
        }
        let worker = self.worker.as_mut().expect("spawned above");
        if self.loaded != Some(self.program_counter) {
            if let Err(e) = worker.load(module, limit) {
                self.worker = None;
                return e;
            }
            self.loaded = Some(self.program_counter);
        }
        let outcome = worker.run(job, limit);
        if matches!(outcome, JobOutcome::Died(_) | JobOutcome::TimedOut) {
            // Dropping the worker kills it; the next job forks a fresh one.
            self.worker = None;
        }
        outcome
    }

    /// A run stopped answering: decide deterministically whether it hangs.
    /// The configuration re-runs with the instruction budget (a native one
    /// on `jit-x86`, which runs the same x86-64 stencils under emulation).
    /// `Ok` is a completed run of the same configuration with the same
    /// observation as `job` (so the oracles read it like any other run);
    /// `Err` is the verdict (a hang, a crash) or why there is none.
    fn confirm_hang(&mut self, module: &Module, job: &Job) -> Result<Box<RunOutput>, ConfigResult> {
        let limits = job.limits;
        self.oracle_stats.hangs_suspected += 1;
        let name = job.config.as_str();
        let confirm = budget_variant(name);
        let limit = self.confirm_limit();
        let same_code = confirm == format!("{name}+budget") || confirm == name;
        let confirm_job = Job {
            limits,
            config: confirm.clone(),
            // The budgeted run stands in for this one when it runs the same
            // code, so it observes what this one would have.
            observe: if same_code {
                job.observe.clone()
            } else {
                Observe::default()
            },
        };
        let suspected = format!(
            "no answer within {}s; re-run on {confirm}",
            self.hang_limit()
        );
        match self.execute_with_limit(module, &confirm_job, limit) {
            JobOutcome::Done(out) => {
                if let Some(h) = out
                    .findings
                    .iter()
                    .find(|f| f.kind == jitdiff_vm::FindingKind::Hang)
                {
                    self.oracle_stats.hangs_confirmed += 1;
                    return Err(ConfigResult::Hang(format!("{} ({suspected})", h.message)));
                }
                if same_code {
                    // The same code completed under the budget: the machine
                    // was slow, not the program. Its result is the result.
                    return Ok(out);
                }
                // A native run the emulator does not confirm: try it once
                // more with a longer limit; never a verdict from the clock.
                match self.execute_with_limit(module, job, limit) {
                    JobOutcome::Done(out) => Ok(out),
                    JobOutcome::Died(m) => {
                        Err(ConfigResult::Crash(format!("{m} while running {name}")))
                    }
                    _ => Err(ConfigResult::Error(format!(
                        "{name} stopped answering twice, but {confirm} completed within its instruction budget: no verdict"
                    ))),
                }
            }
            JobOutcome::Died(m) => Err(ConfigResult::Crash(format!("{m} while running {confirm}"))),
            JobOutcome::Panicked(m) => Err(ConfigResult::Crash(format!("VM panic: {m}"))),
            JobOutcome::TimedOut => Err(ConfigResult::Error(format!(
                "{name} stopped answering, and {confirm} too without tripping its budget (not a trace hang): no verdict"
            ))),
            JobOutcome::Failed(m) => Err(ConfigResult::Error(m)),
        }
    }

    /// The frame-state oracle: replay on tier 1 and compare at every
    /// recorded transition. `matrix_replay`: the points (as
    /// [`frame_state::checkpoints`] gives them for `runs`) and the frames
    /// the matrix's own `t1` run hashed at them, when it did.
    fn frame_state(
        &mut self,
        module: &Module,
        runs: &[ConfigRun],
        matrix_replay: Option<(Vec<Point>, Vec<Option<FrameHash>>)>,
    ) -> Vec<(usize, OracleFinding)> {
        let limits = self.limits;
        let (points, replayed) = match matrix_replay {
            Some((points, hashes)) => {
                self.oracle_stats.matrix_replays += 1;
                (points, hashes)
            }
            None => {
                let points = frame_state::checkpoints(runs);
                if points.is_empty() {
                    return vec![];
                }
                let job = Job {
                    limits,
                    config: REPLAY_CONFIG.into(),
                    observe: Observe {
                        checkpoints: points.clone(),
                        ..Default::default()
                    },
                };
                let JobOutcome::Done(replay) = self.execute_again(module, &job) else {
                    // Tier 1 itself failed on this program: the t1
                    // configuration's own oracles report that; there is
                    // nothing to compare against.
                    return vec![];
                };
                (points, replay.events.checkpoints)
            }
        };
        self.oracle_stats.replays += 1;
        self.oracle_stats.frames_checked += frame_state::transitions_checked(runs);
        // Compiled only to name the place of a finding.
        let program = std::cell::LazyCell::new(|| compile_with_limits(module, &limits));
        let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
        let mut render = |side: frame_state::Side| -> Option<FrameView> {
            let job = match side {
                frame_state::Side::Traced(c, k) => Job {
                    limits,
                    config: names[c].clone(),
                    observe: Observe {
                        events: true,
                        capture: Some(k),
                        ..Default::default()
                    },
                },
                frame_state::Side::Replay(p) => Job {
                    limits,
                    config: REPLAY_CONFIG.into(),
                    observe: Observe {
                        checkpoints: points.clone(),
                        capture: Some(p),
                        ..Default::default()
                    },
                },
            };
            match self.execute_again(module, &job) {
                JobOutcome::Done(out) => out.events.captured,
                _ => None,
            }
        };
        frame_state::check(runs, &points, &replayed, &program, &mut render)
    }
}

/// The configuration that confirms a suspected hang deterministically.
pub fn budget_variant(name: &str) -> String {
    let base = name.split('+').next().unwrap_or_default();
    let with_budget = |n: &str| {
        if n.split('+').any(|k| k == "budget") {
            n.to_string()
        } else {
            format!("{n}+budget")
        }
    };
    match base {
        "jit-native" => with_budget(&format!("jit-x86{}", &name[base.len()..])),
        "jit-x86" | "jit-a64" => with_budget(name),
        // The tier-2 interpreter's uop budget is always on; tier 1 has none.
        _ => name.to_string(),
    }
}

/// The verdict from every oracle's findings.
fn verdict(
    reference: RunResult,
    runs: Vec<ConfigRun>,
    found: Vec<(usize, OracleFinding)>,
) -> Report {
    let mut divergences: Vec<Divergence> = vec![];
    for (i, run) in runs.iter().enumerate() {
        let findings: Vec<OracleFinding> = found
            .iter()
            .filter(|(c, _)| *c == i)
            .map(|(_, f)| f.clone())
            .collect();
        if findings.is_empty() {
            continue;
        }
        let mut kinds: Vec<DivergenceKind> = findings.iter().map(|f| f.kind).collect();
        kinds.sort();
        kinds.dedup();
        divergences.push(Divergence {
            config: run.name.clone(),
            kinds,
            findings,
        });
    }
    let error = runs.iter().find_map(|r| match &r.result {
        ConfigResult::Error(e) => Some(format!("{}: {e}", r.name)),
        _ => None,
    });
    // The reference poisoned (any limit: the configurations agreed with it,
    // or they diverged above), or a configuration ran out of memory.
    let no_verdict = match &reference {
        RunResult::Poisoned(p) => Some(*p),
        RunResult::Completed(_) => runs.iter().find_map(|r| match &r.result {
            ConfigResult::Run(got, _) => oracles::outcome::no_verdict(got),
            _ => None,
        }),
    };
    let verdict = if !divergences.is_empty() {
        Verdict::Diverge(divergences)
    } else if let Some(e) = error {
        Verdict::Error(e)
    } else if let Some(p) = no_verdict {
        Verdict::Poisoned(p)
    } else {
        Verdict::Agree
    };
    Report {
        reference,
        results: runs.into_iter().map(|r| (r.name, r.result)).collect(),
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangs_are_confirmed_under_an_instruction_budget() {
        assert_eq!(
            budget_variant("jit-native+stress+inject=stencil-hang"),
            "jit-x86+stress+inject=stencil-hang+budget"
        );
        assert_eq!(budget_variant("jit-a64+stress"), "jit-a64+stress+budget");
        assert_eq!(budget_variant("jit-x86+budget"), "jit-x86+budget");
        assert_eq!(budget_variant("t2+stress"), "t2+stress");
    }
}
