//! The differential runner: one program, the reference and every
//! configuration, and a verdict. A VM panic is caught and reported as a
//! finding; it never takes the fuzzer down.

use std::panic::{AssertUnwindSafe, catch_unwind};

use jitdiff_vm::jit::JitStats;
use jitdiff_vm::lang::{Module, Outcome, Poison, RunResult, unparse};
use jitdiff_vm::tier2::Tier2Stats;
use jitdiff_vm::{FindingKind, Vm, VmStats};
use serde::Serialize;

use crate::config::{Config, Target};
use crate::{cpython, reference};

/// What a configuration did with a program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ConfigResult {
    /// The run's result, plus what the VM's internal oracles reported.
    Run(RunResult, Vec<String>),
    /// The VM panicked (message).
    Crash(String),
    /// The configuration could not run (e.g. python3 missing).
    Error(String),
}

/// How a configuration disagrees with the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum DivergenceKind {
    Output,
    Exception,
    Globals,
    /// Poisoned (fuel, recursion, int size) where the reference completed:
    /// those limits are exact semantics, so this is a finding.
    Poisoned,
    Crash,
    /// `+checkguards`: a guard the optimizer removed would have failed.
    RemovedGuardFailed,
    /// A tier-2 exit resumed tier 1 in a frame state it cannot have.
    DeoptState,
    /// JIT code faulted under emulation.
    Fault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Divergence {
    pub config: String,
    pub kinds: Vec<DivergenceKind>,
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

/// Runs programs on a fixed list of configurations, reusing one VM (and so
/// one arena mapping) per configuration.
pub struct Runner {
    configs: Vec<Config>,
    vms: Vec<Option<Vm>>,
    pub stats: VmStats,
    pub tier2: Tier2Stats,
    /// JIT counters per configuration that compiles.
    pub jit: std::collections::BTreeMap<String, JitStats>,
    /// Seconds allowed for one `python3` run.
    pub cpython_timeout: u64,
}

impl Runner {
    pub fn new(configs: Vec<Config>) -> Runner {
        let vms = configs
            .iter()
            .map(|c| match &c.target {
                Target::Vm(v) => Some(Vm::new(v.clone())),
                Target::CPython => None,
            })
            .collect();
        Runner {
            configs,
            vms,
            stats: VmStats::default(),
            tier2: Tier2Stats::default(),
            jit: Default::default(),
            cpython_timeout: 10,
        }
    }

    pub fn configs(&self) -> &[Config] {
        &self.configs
    }

    /// Runs `module` everywhere and compares.
    pub fn run(&mut self, module: &Module) -> Report {
        let reference = reference::run(module);
        let want = match &reference {
            RunResult::Completed(o) => o.clone(),
            RunResult::Poisoned(p) => {
                let verdict = Verdict::Poisoned(*p);
                return Report {
                    reference,
                    results: vec![],
                    verdict,
                };
            }
        };
        let mut results = Vec::with_capacity(self.configs.len());
        let mut divergences = Vec::new();
        let mut poisoned = None;
        let mut error = None;
        for i in 0..self.configs.len() {
            let (result, internal) = self.run_one(i, module);
            let name = self.configs[i].name.clone();
            let mut kinds = match &result {
                ConfigResult::Run(RunResult::Completed(got), _) => {
                    compare(&want, got, self.configs[i].target != Target::CPython)
                }
                ConfigResult::Run(RunResult::Poisoned(Poison::OutOfMemory), _) => {
                    poisoned = Some(Poison::OutOfMemory);
                    vec![]
                }
                ConfigResult::Run(RunResult::Poisoned(_), _) => vec![DivergenceKind::Poisoned],
                ConfigResult::Crash(_) => vec![DivergenceKind::Crash],
                ConfigResult::Error(e) => {
                    error = Some(format!("{name}: {e}"));
                    vec![]
                }
            };
            // Internal oracles fire even when the outcome happens to match.
            for k in internal {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            kinds.sort();
            if !kinds.is_empty() {
                divergences.push(Divergence {
                    config: name.clone(),
                    kinds,
                });
            }
            results.push((name, result));
        }
        let verdict = if !divergences.is_empty() {
            Verdict::Diverge(divergences)
        } else if let Some(e) = error {
            Verdict::Error(e)
        } else if let Some(p) = poisoned {
            Verdict::Poisoned(p)
        } else {
            Verdict::Agree
        };
        Report {
            reference,
            results,
            verdict,
        }
    }

    fn run_one(&mut self, i: usize, module: &Module) -> (ConfigResult, Vec<DivergenceKind>) {
        match &self.configs[i].target {
            Target::CPython => match cpython::run(&unparse(module), self.cpython_timeout) {
                Ok(o) => (ConfigResult::Run(RunResult::Completed(o), vec![]), vec![]),
                Err(e) => (ConfigResult::Error(e), vec![]),
            },
            Target::Vm(vm_config) => {
                let vm = self.vms[i].get_or_insert_with(|| Vm::new(vm_config.clone()));
                match catch_unwind(AssertUnwindSafe(|| vm.run_module(module))) {
                    Ok(out) => {
                        self.stats.add(&out.stats);
                        self.tier2.add(&out.tier2);
                        if out.jit.traces_compiled + out.jit.compile_failures > 0 {
                            self.jit
                                .entry(self.configs[i].name.clone())
                                .or_default()
                                .add(&out.jit);
                        }
                        let kinds = out
                            .findings
                            .iter()
                            .map(|f| match f.kind {
                                FindingKind::RemovedGuardFailed => {
                                    DivergenceKind::RemovedGuardFailed
                                }
                                FindingKind::DeoptState => DivergenceKind::DeoptState,
                                FindingKind::Internal => DivergenceKind::Crash,
                                FindingKind::Fault => DivergenceKind::Fault,
                            })
                            .collect();
                        let messages = out.findings.into_iter().map(|f| f.message).collect();
                        (ConfigResult::Run(out.result, messages), kinds)
                    }
                    Err(panic) => {
                        // The VM's state is suspect after a panic: start afresh.
                        self.vms[i] = None;
                        (ConfigResult::Crash(panic_message(&panic)), vec![])
                    }
                }
            }
        }
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// The ways `got` differs from `want`. CPython has no comparable globals dump.
fn compare(want: &Outcome, got: &Outcome, with_globals: bool) -> Vec<DivergenceKind> {
    let mut kinds = Vec::new();
    if want.output != got.output {
        kinds.push(DivergenceKind::Output);
    }
    if want.ending != got.ending {
        kinds.push(DivergenceKind::Exception);
    }
    if with_globals && want.globals != got.globals {
        kinds.push(DivergenceKind::Globals);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::Ending;

    fn outcome(output: &str, globals: &[(&str, &str)]) -> Outcome {
        Outcome {
            output: output.into(),
            ending: Ending::Normal,
            globals: globals
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    /// The comparison itself is mutation-tested: each field difference fires.
    #[test]
    fn compare_fires_on_every_field() {
        let base = outcome("1\n", &[("x", "1")]);
        assert!(compare(&base, &base.clone(), true).is_empty());
        assert_eq!(
            compare(&base, &outcome("2\n", &[("x", "1")]), true),
            vec![DivergenceKind::Output]
        );
        assert_eq!(
            compare(&base, &outcome("1\n", &[("x", "2")]), true),
            vec![DivergenceKind::Globals]
        );
        assert!(compare(&base, &outcome("1\n", &[("x", "2")]), false).is_empty());
        let mut exc = base.clone();
        exc.ending = Ending::Exception {
            kind: "ZeroDivisionError".into(),
            message: "m".into(),
        };
        assert_eq!(compare(&base, &exc, true), vec![DivergenceKind::Exception]);
    }
}
