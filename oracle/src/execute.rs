//! Running one VM configuration on one program: the unit of work the runner
//! hands out, in this process or in a worker process ([`crate::worker`]).
//! Both paths run the same code ([`Local::run`]); the worker only adds a
//! process boundary around it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use jitdiff_vm::lang::Module;
use jitdiff_vm::lang::bytecode::Program;
use jitdiff_vm::lang::compile::compile_with_limits;
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::observe::Observe;
use jitdiff_vm::{RunOutput, Vm};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Target};

/// One run: a configuration (by its string) and what to record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub config: String,
    pub observe: Observe,
    /// The run's limits (the reference's too).
    pub limits: Limits,
}

/// How a job ended.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum JobOutcome {
    Done(Box<RunOutput>),
    /// The VM panicked (message); its state is discarded.
    Panicked(String),
    /// The worker process died running it (how).
    Died(String),
    /// The worker stopped answering within the wall-clock limit (a hang is
    /// only suspected; see the containment oracle).
    TimedOut,
    /// Not a VM outcome: a bad configuration, a broken pipe.
    Failed(String),
}

/// VMs in this process, one per configuration string, reused across
/// programs (an arena mapping and an emulator are expensive to set up). A
/// VM is made again when a job's limits differ from the ones it was made
/// for (the emulator maps as many frame slots as the depth limit needs);
/// limits change per file at most.
#[derive(Default)]
pub struct Local {
    vms: HashMap<String, Vm>,
    /// The current program compiled (under these limits): every
    /// configuration runs the same bytecode, so it is compiled once.
    compiled: Option<(Limits, Program)>,
}

impl Local {
    /// The next `run` is of another module than the last.
    pub fn new_program(&mut self) {
        self.compiled = None;
    }

    /// `module` compiled under `limits` (kept for the next configuration),
    /// and the nanoseconds compiling took (0 when it was kept).
    fn compiled(&mut self, module: &Module, limits: &Limits) -> (Program, u64) {
        if let Some((l, program)) = &self.compiled
            && l == limits
        {
            return (program.clone(), 0);
        }
        let start = std::time::Instant::now();
        let program = compile_with_limits(module, limits);
        let ns = start.elapsed().as_nanos() as u64;
        self.compiled = Some((*limits, program.clone()));
        (program, ns)
    }

    /// Runs `job` on `module`; a VM panic is caught and reported.
    pub fn run(&mut self, module: &Module, job: &Job) -> JobOutcome {
        let (program, compile_ns) =
            match catch_unwind(AssertUnwindSafe(|| self.compiled(module, &job.limits))) {
                Ok(compiled) => compiled,
                Err(panic) => return JobOutcome::Panicked(panic_message(&panic)),
            };
        if self
            .vms
            .get(&job.config)
            .is_some_and(|vm| vm.config.limits != job.limits)
        {
            self.vms.remove(&job.config);
        }
        let vm = match self.vms.get_mut(&job.config) {
            Some(vm) => vm,
            None => {
                let config = match Config::parse(&job.config) {
                    Ok(c) => c,
                    Err(e) => return JobOutcome::Failed(e),
                };
                let Target::Vm(mut vm_config) = config.target else {
                    return JobOutcome::Failed(format!(
                        "`{}` is not a VM configuration",
                        job.config
                    ));
                };
                vm_config.limits = job.limits;
                match catch_unwind(|| Vm::new(vm_config)) {
                    Ok(vm) => self.vms.entry(job.config.clone()).or_insert(vm),
                    Err(p) => return JobOutcome::Failed(panic_message(&p)),
                }
            }
        };
        match catch_unwind(AssertUnwindSafe(|| {
            vm.run_compiled_observed(program, &job.observe, compile_ns)
        })) {
            Ok(out) => JobOutcome::Done(Box::new(out)),
            Err(panic) => {
                // The VM's state is suspect after a panic: start afresh.
                self.vms.remove(&job.config);
                JobOutcome::Panicked(panic_message(&panic))
            }
        }
    }
}

pub fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}
