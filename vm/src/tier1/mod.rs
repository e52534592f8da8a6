//! Tier 1: the specializing adaptive interpreter, and the `Vm` that owns an
//! arena and runs whole programs.

mod interp;
mod specialize;

pub(crate) use interp::{cmp_holds, compare};

use crate::config::VmConfig;
use crate::lang::bytecode::{Const, Op, Program};
use crate::lang::compile::compile;
use crate::lang::{Ending, Module, Outcome, RunResult};
use crate::runtime::{Arena, Raise, Value, dict, int, repr};
use crate::tier2::{Executor, Tier2Stats};

/// What a VM-internal oracle caught during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// A guard the optimizer removed would have failed (`+checkguards`).
    RemovedGuardFailed,
    /// An exit left tier 1 a frame it could not have had (stack depth).
    DeoptState,
    /// The VM caught itself in an inconsistent state.
    Internal,
    /// JIT code faulted under emulation (bad fetch or access, watchdog).
    Fault,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmFinding {
    pub kind: FindingKind,
    pub message: String,
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub result: RunResult,
    pub stats: VmStats,
    pub tier2: Tier2Stats,
    pub jit: crate::jit::JitStats,
    pub findings: Vec<VmFinding>,
}

/// Counters a run reports (summed by the fuzz campaign's stats).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct VmStats {
    pub instructions: u64,
    pub specializations: u64,
    pub misses: u64,
    pub despecializations: u64,
    pub collections: u64,
}

impl VmStats {
    pub fn add(&mut self, o: &VmStats) {
        self.instructions += o.instructions;
        self.specializations += o.specializations;
        self.misses += o.misses;
        self.despecializations += o.despecializations;
        self.collections += o.collections;
    }
}

/// A VM instance. Reuse it across programs: the arena mapping is kept and
/// reset, which is much cheaper than mapping a new one per program.
pub struct Vm {
    pub config: VmConfig,
    arena: Arena,
    jit: Option<Box<crate::jit::Jit>>,
}

/// Everything one run needs; lives for one program.
pub(crate) struct Run<'a> {
    pub config: &'a VmConfig,
    pub arena: &'a mut Arena,
    pub program: Program,
    /// Materialized constants per code.
    pub consts: Vec<Vec<Value>>,
    pub globals: Value,
    pub builtins: Value,
    pub next_keys_version: u64,
    pub fuel: u64,
    pub depth: usize,
    pub output: String,
    pub stats: VmStats,
    /// Current top of the frame region (next free byte).
    pub frame_top: u64,
    pub executors: Vec<Executor>,
    /// Loop traces by `(code, start index)`.
    pub executor_index: std::collections::HashMap<(usize, u32), usize>,
    /// Some valid executor promoted globals (the globals watcher is armed).
    pub globals_watched: bool,
    /// Watcher firings so far; past a budget, globals stop being promoted.
    pub watcher_firings: u32,
    /// Guard evaluations so far (for `+deopt=N`).
    pub guard_evals: u64,
    pub tier2_stats: Tier2Stats,
    pub findings: Vec<VmFinding>,
    /// The JIT, when the configuration compiles traces.
    pub jit: Option<&'a mut crate::jit::Jit>,
    /// The exception a JIT helper raised, until the error stub returns.
    pub pending: Option<Raise>,
    /// The executor whose machine code is running (for helpers).
    pub jit_current: Option<usize>,
    /// Emulated code is running (unicorn is not re-entrant).
    pub jit_busy: bool,
    pub jit_stats: crate::jit::JitStats,
}

impl Vm {
    pub fn new(config: VmConfig) -> Vm {
        let arena = Arena::new();
        let jit = config.tier2.as_ref().and_then(|t| t.jit).map(|kind| {
            let mut jit = crate::jit::Jit::new(
                kind,
                arena.mapping(),
                arena.frame_region(),
                config.tier2.as_ref().is_some_and(|t| t.count_instructions),
            )
            .unwrap_or_else(|e| panic!("cannot set up the {kind:?} JIT backend: {e}"));
            if config.inject == Some(crate::Injection::A64MovwG1) {
                jit.mispatch = Some(crate::jit::codegen::Mispatch);
            }
            Box::new(jit)
        });
        Vm { config, arena, jit }
    }

    /// Compiles and runs a module.
    pub fn run_module(&mut self, module: &Module) -> RunOutput {
        self.run_program(compile(module)).0
    }

    /// Runs a module and renders its final bytecode and every executor.
    pub fn show(&mut self, module: &Module) -> (RunOutput, String) {
        let (out, program, executors) = self.run_program(compile(module));
        (out, crate::tier2::show::all(&program, &executors))
    }

    /// Runs a compiled program; also returns the program (with its
    /// specialized bytecode) and the executors, for `show`.
    pub fn run_program(&mut self, mut program: Program) -> (RunOutput, Program, Vec<Executor>) {
        self.arena.reset();
        self.arena.gc_stress = self.config.gc_stress;
        for code in &mut program.codes {
            for (c, ins) in code.caches.iter_mut().zip(&code.instrs) {
                // Branch history and loop counters start cold; everything
                // else counts down its warm-up.
                if !matches!(
                    ins.op,
                    Op::PopJumpIfFalse | Op::PopJumpIfTrue | Op::JumpBackward
                ) {
                    c.counter = self.config.warmup;
                }
            }
        }
        if let Some(jit) = &mut self.jit {
            jit.reset();
        }
        let mut run = match Run::new(
            &self.config,
            &mut self.arena,
            program,
            self.jit.as_deref_mut(),
        ) {
            Ok(r) => r,
            Err(Raise::Poison(p)) => {
                let out = RunOutput {
                    result: RunResult::Poisoned(p),
                    stats: VmStats::default(),
                    tier2: Tier2Stats::default(),
                    jit: Default::default(),
                    findings: vec![],
                };
                return (
                    out,
                    Program {
                        codes: vec![],
                        names: vec![],
                    },
                    vec![],
                );
            }
            Err(e) => unreachable!("setup raises only poison: {e:?}"),
        };
        let result = match run.execute() {
            Ok(()) => run.completed(Ending::Normal),
            Err(Raise::Exc { kind, message }) => run.completed(Ending::Exception {
                kind: kind.to_string(),
                message,
            }),
            Err(Raise::Poison(p)) => RunResult::Poisoned(p),
            Err(Raise::Internal(msg)) => {
                run.finding(FindingKind::Internal, msg);
                RunResult::Completed(Outcome {
                    output: std::mem::take(&mut run.output),
                    ending: Ending::Exception {
                        kind: "<vm internal error>".into(),
                        message: String::new(),
                    },
                    globals: vec![],
                })
            }
        };
        let mut stats = run.stats;
        stats.collections = run.arena.stats.collections;
        run.finish_jit_stats();
        let out = RunOutput {
            result,
            stats,
            tier2: std::mem::take(&mut run.tier2_stats),
            jit: std::mem::take(&mut run.jit_stats),
            findings: std::mem::take(&mut run.findings),
        };
        (out, run.program, run.executors)
    }
}

impl<'a> Run<'a> {
    fn new(
        config: &'a VmConfig,
        arena: &'a mut Arena,
        program: Program,
        jit: Option<&'a mut crate::jit::Jit>,
    ) -> Result<Run<'a>, Raise> {
        let mut consts = Vec::with_capacity(program.codes.len());
        for code in &program.codes {
            let mut values = Vec::with_capacity(code.consts.len());
            for c in &code.consts {
                values.push(match c {
                    Const::Value(v) => *v,
                    Const::Int(digits) => int::from_ibig(
                        arena,
                        &digits.parse().expect("compiler emits valid digits"),
                    )?,
                });
            }
            consts.push(values);
        }
        let globals = dict::new(arena, program.names.len(), 1)?;
        let builtins = dict::new(arena, 2, 1)?;
        dict::set(builtins, 0, Value::BUILTIN_PRINT, 1);
        dict::set(builtins, 1, Value::BUILTIN_RANGE, 1);
        let frame_top = arena.frame_region().0;
        Ok(Run {
            config,
            arena,
            program,
            consts,
            globals,
            builtins,
            next_keys_version: 2,
            fuel: 0,
            depth: 0,
            output: String::new(),
            stats: VmStats::default(),
            frame_top,
            executors: vec![],
            executor_index: Default::default(),
            globals_watched: false,
            watcher_firings: 0,
            guard_evals: 0,
            tier2_stats: Tier2Stats::default(),
            findings: vec![],
            jit,
            pending: None,
            jit_current: None,
            jit_busy: false,
            jit_stats: Default::default(),
        })
    }

    fn completed(&mut self, ending: Ending) -> RunResult {
        let globals = self.dump_globals();
        RunResult::Completed(Outcome {
            output: std::mem::take(&mut self.output),
            ending,
            globals,
        })
    }

    /// Records an oracle finding (once per distinct message).
    pub fn finding(&mut self, kind: FindingKind, message: String) {
        if self.findings.len() < 16 && !self.findings.iter().any(|f| f.message == message) {
            self.findings.push(VmFinding { kind, message });
        }
    }

    pub fn repr(&self, v: Value) -> String {
        repr(v, &|id| {
            self.program
                .names
                .get(id as usize)
                .cloned()
                .unwrap_or_default()
        })
    }

    fn dump_globals(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = (0..dict::len(self.globals))
            .map(|i| {
                let (k, v) = dict::entry(self.globals, i);
                (self.program.names[k as usize].clone(), self.repr(v))
            })
            .collect();
        out.sort();
        out
    }
}
