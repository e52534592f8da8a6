//! Tier 1: the specializing adaptive interpreter, and the `Vm` that owns an
//! arena and runs whole programs.

mod interp;
mod specialize;

use crate::config::VmConfig;
use crate::lang::bytecode::{Const, Program};
use crate::lang::compile::compile;
use crate::lang::{Ending, Module, Outcome, RunResult};
use crate::runtime::{Arena, Raise, Value, dict, int, repr};

/// Counters a run reports (summed by the fuzz campaign's stats).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
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
}

impl Vm {
    pub fn new(config: VmConfig) -> Vm {
        Vm {
            config,
            arena: Arena::new(),
        }
    }

    /// Compiles and runs a module.
    pub fn run_module(&mut self, module: &Module) -> (RunResult, VmStats) {
        self.run_program(compile(module))
    }

    pub fn run_program(&mut self, mut program: Program) -> (RunResult, VmStats) {
        self.arena.reset();
        self.arena.gc_stress = self.config.gc_stress;
        for code in &mut program.codes {
            for c in &mut code.caches {
                c.counter = self.config.warmup;
            }
        }
        let mut run = match Run::new(&self.config, &mut self.arena, program) {
            Ok(r) => r,
            Err(Raise::Poison(p)) => return (RunResult::Poisoned(p), VmStats::default()),
            Err(Raise::Exc { .. }) => unreachable!("setup raises no exceptions"),
        };
        let ending = match run.execute() {
            Ok(()) => Ending::Normal,
            Err(Raise::Exc { kind, message }) => Ending::Exception {
                kind: kind.to_string(),
                message,
            },
            Err(Raise::Poison(p)) => {
                let mut stats = run.stats;
                stats.collections = run.arena.stats.collections;
                return (RunResult::Poisoned(p), stats);
            }
        };
        let globals = run.dump_globals();
        let mut stats = run.stats;
        stats.collections = run.arena.stats.collections;
        (
            RunResult::Completed(Outcome {
                output: std::mem::take(&mut run.output),
                ending,
                globals,
            }),
            stats,
        )
    }
}

impl<'a> Run<'a> {
    fn new(config: &'a VmConfig, arena: &'a mut Arena, program: Program) -> Result<Run<'a>, Raise> {
        let mut consts = Vec::with_capacity(program.codes.len());
        for code in &program.codes {
            let mut values = Vec::with_capacity(code.consts.len());
            for c in &code.consts {
                values.push(match c {
                    Const::Value(v) => *v,
                    Const::Int(digits) => int::from_ibig(arena, &digits.parse().expect("compiler emits valid digits"))?,
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
        })
    }

    pub fn repr(&self, v: Value) -> String {
        repr(v, &|id| self.program.names.get(id as usize).cloned().unwrap_or_default())
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
