//! Tier 1: the specializing adaptive interpreter, and the `Vm` that owns an
//! arena and runs whole programs.

mod attr_builtins;
mod attr_instr;
mod builtin_calls;
pub(crate) mod call_ex;
mod calls;
mod cells;
mod classes;
mod dunders;
mod generators;
pub(crate) use generators::for_iter_leaves_trace;
mod interp;
mod item_compare;
mod properties;
mod reducers;
mod seq_instr;
mod set_algebra;
mod specialize;
mod str_format;
mod unwind;
mod user_keys;

pub(crate) use calls::closure_of;
pub(crate) use cells::store_deref;
pub(crate) use interp::{cmp_holds, compare};

use crate::config::VmConfig;
use crate::lang::bytecode::{Const, Op, Program};
use crate::lang::compile::compile_with_limits;
use crate::lang::{Ending, Module, Outcome, RunResult};
use crate::runtime::value::BUILTINS;
use crate::runtime::{Arena, Raise, Value, dict, int};
use crate::tier2::{Executor, Tier2Stats};

/// What a VM-internal oracle caught during a run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum FindingKind {
    /// A guard the optimizer removed would have failed (`+checkguards`).
    RemovedGuardFailed,
    /// An exit left tier 1 a frame it could not have had (stack depth).
    DeoptState,
    /// The VM caught itself in an inconsistent state.
    Internal,
    /// JIT code faulted under emulation (bad fetch or access).
    Fault,
    /// A trace was entered with a value-stack depth other than the one
    /// its optimizer assumed.
    EntryDepth,
    /// The register-variant checker rejected a trace, or (`+checkregs`) the
    /// stack held in memory and cache registers differed from the tier-2
    /// interpreter's.
    RegisterState,
    /// The heap verifier found the heap corrupt (GC stress).
    Heap,
    /// A trace ran past its deterministic budget without a fuel tick.
    Hang,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VmFinding {
    pub kind: FindingKind,
    pub message: String,
}

/// Everything a run produced.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunOutput {
    pub result: RunResult,
    pub stats: VmStats,
    pub tier2: Tier2Stats,
    pub jit: crate::jit::JitStats,
    pub findings: Vec<VmFinding>,
    /// What the run recorded for the oracles (empty unless asked).
    pub events: crate::observe::RunEvents,
    /// What the run reached of the JIT pipeline.
    #[serde(default)]
    pub coverage: crate::coverage::Coverage,
    /// Where the run's wall-clock time went (statistics only: no verdict
    /// reads it).
    pub phases: Phases,
    /// The fuel the run had used when it ended, normally or with an
    /// uncaught exception (bulk charges included; the final globals dump
    /// not): the fuel oracle compares it with the reference's. `None` for
    /// a poisoned run or an internal error.
    #[serde(default)]
    pub end_fuel: Option<u64>,
}

/// Wall-clock nanoseconds of one run by phase. `run` is what is left of
/// the whole: interpreting, running traces, collecting.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Phases {
    /// Source to bytecode.
    pub compile_ns: u64,
    /// Trace projection and the optimizer.
    pub trace_ns: u64,
    /// Variant selection, the register checker and copy-and-patch.
    pub jit_compile_ns: u64,
    pub run_ns: u64,
}

impl Phases {
    pub fn add(&mut self, o: &Phases) {
        self.compile_ns += o.compile_ns;
        self.trace_ns += o.trace_ns;
        self.jit_compile_ns += o.jit_compile_ns;
        self.run_ns += o.run_ns;
    }

    pub fn total_ns(&self) -> u64 {
        self.compile_ns + self.trace_ns + self.jit_compile_ns + self.run_ns
    }
}

/// Counters a run reports (summed by the fuzz campaign's stats).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VmStats {
    pub instructions: u64,
    pub specializations: u64,
    pub misses: u64,
    pub despecializations: u64,
    pub collections: u64,
    /// Fuel the run used (loop back edges plus calls): the logical clock
    /// the performance-cliff oracle measures rates against.
    #[serde(default)]
    pub fuel: u64,
    /// Which specialized instructions were made (bit `Op as u8`), for the
    /// run's coverage.
    #[serde(skip)]
    pub specialized: u128,
}

impl VmStats {
    pub fn add(&mut self, o: &VmStats) {
        self.instructions += o.instructions;
        self.specializations += o.specializations;
        self.misses += o.misses;
        self.despecializations += o.despecializations;
        self.collections += o.collections;
        self.fuel += o.fuel;
        self.specialized |= o.specialized;
    }
}

/// A VM instance. Reuse it across programs: the arena mapping is kept and
/// reset, which is much cheaper than mapping a new one per program.
pub struct Vm {
    pub config: VmConfig,
    arena: Arena,
    jit: Option<Box<crate::jit::Jit>>,
    /// What the next run records (see [`Vm::run_module_observed`]).
    observe: crate::observe::Observe,
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
    /// Some class of the program defines `__hash__` (only a `def` in a
    /// class body names it): dict and set operations may meet user-hashed
    /// keys (`user_keys.rs`), which no other program pays to look for.
    pub user_hashed: bool,
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
    pub jit_stats: crate::jit::JitStats,
    /// Time spent forming traces and compiling them (see [`Phases`]).
    pub phases: Phases,
    /// Exit slots linked in machine code, and the executor each enters.
    pub jit_links: crate::jit::run::LinkTargets,
    /// What to record, and what was recorded.
    pub observe: crate::observe::Observe,
    pub events: crate::observe::RunEvents,
    /// Replay side: the fuel of the next checkpoint (`u64::MAX`: none), so
    /// the dispatch loop pays one comparison per instruction.
    pub check_fuel: u64,
    pub check_cursor: usize,
    /// Fuel when the innermost failing call from a trace started (an error
    /// transition is at the call's instruction, before it ticked).
    pub error_fuel: Option<u64>,
    /// The error `error_fuel` belongs to was raised inside a Python callee.
    pub error_in_callee: bool,
    /// Tier-2 uops run at the last fuel tick (the interpreter's hang budget).
    pub uops_at_tick: u64,
    /// A hash of the program (seeds `+cache=random` per program).
    pub program_seed: u64,
    /// The classes the program made.
    pub classes: classes::Classes,
    /// The dispatch that just returned left a generator's frame at a
    /// `YIELD_VALUE` (not at a return).
    pub gen_yielded: bool,
    /// What the run reached of the JIT pipeline.
    pub coverage: crate::coverage::Recorder,
    /// Traces formed by start `(code, instruction)`.
    pub formations: std::collections::HashMap<(usize, u32), u64>,
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
                config.tier2.as_ref().is_some_and(|t| t.count_memory),
                config.tier2.as_ref().is_some_and(|t| t.budget),
                config.limits.depth,
            )
            .unwrap_or_else(|e| panic!("cannot set up the {kind:?} JIT backend: {e}"));
            jit.mispatch = crate::planted::mispatch(config.inject);
            jit.inject = config.inject;
            jit.check_regs = config.tier2.as_ref().is_some_and(|t| t.check_regs);
            jit.count_stencils = config.tier2.as_ref().is_some_and(|t| t.count_stencils);
            Box::new(jit)
        });
        Vm {
            config,
            arena,
            jit,
            observe: Default::default(),
        }
    }

    /// Compiles and runs a module.
    pub fn run_module(&mut self, module: &Module) -> RunOutput {
        self.run_program(compile_with_limits(module, &self.config.limits))
            .0
    }

    /// Compiles and runs a module, recording what `observe` asks for.
    pub fn run_module_observed(
        &mut self,
        module: &Module,
        observe: &crate::observe::Observe,
    ) -> RunOutput {
        let start = std::time::Instant::now();
        let program = compile_with_limits(module, &self.config.limits);
        let compile_ns = start.elapsed().as_nanos() as u64;
        self.run_compiled_observed(program, observe, compile_ns)
    }

    /// Runs `program` (compiled under this VM's limits, in `compile_ns`),
    /// recording what `observe` asks for: what a caller that runs one
    /// program on several VMs uses, compiling it once.
    pub fn run_compiled_observed(
        &mut self,
        program: Program,
        observe: &crate::observe::Observe,
        compile_ns: u64,
    ) -> RunOutput {
        self.observe = observe.clone();
        let start = std::time::Instant::now();
        let mut out = self.run_program(program).0;
        out.phases.compile_ns = compile_ns;
        out.phases.run_ns = (start.elapsed().as_nanos() as u64)
            .saturating_sub(out.phases.trace_ns + out.phases.jit_compile_ns);
        self.observe = Default::default();
        out
    }

    /// Runs a module and renders its final bytecode and every executor.
    pub fn show(&mut self, module: &Module) -> (RunOutput, String) {
        if let Some(jit) = self.jit.as_deref_mut() {
            jit.listings = true;
        }
        let (out, program, executors) =
            self.run_program(compile_with_limits(module, &self.config.limits));
        (out, crate::tier2::show::all(&program, &executors))
    }

    /// Runs a compiled program; also returns the program (with its
    /// specialized bytecode) and the executors, for `show`.
    pub fn run_program(&mut self, mut program: Program) -> (RunOutput, Program, Vec<Executor>) {
        self.arena.reset();
        self.arena.gc_stress = self.config.gc_stress;
        self.arena.inject = self.config.inject;
        self.arena.int_bits = self.config.limits.int_bits;
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
            self.observe.clone(),
        ) {
            Ok(r) => r,
            Err(Raise::Poison(p)) => {
                let out = RunOutput {
                    result: RunResult::Poisoned(p),
                    stats: VmStats::default(),
                    tier2: Tier2Stats::default(),
                    jit: Default::default(),
                    findings: vec![],
                    events: Default::default(),
                    coverage: Default::default(),
                    phases: Phases::default(),
                    end_fuel: None,
                };
                return (
                    out,
                    Program {
                        codes: vec![],
                        names: vec![],
                        kw_names: vec![],
                        classes: vec![],
                    },
                    vec![],
                );
            }
            Err(e) => unreachable!("setup raises only poison: {e:?}"),
        };
        // Under GC stress the heap is verified once more at the end, however
        // the program ended: an exception caused by reading freed memory is
        // a heap bug first.
        let result = match run.execute() {
            r @ (Ok(()) | Err(Raise::Exc { .. } | Raise::Thrown(_))) => {
                run.heap_check_final("at the end of the run").and(r)
            }
            r => r,
        };
        // An uncaught exception object ends the run as a runtime error
        // does: its class name and `str()`.
        let result = match result {
            Err(Raise::Thrown(e)) => run
                .uncaught(e)
                .map(|(kind, message)| Raise::Exc { kind, message })
                .and_then(Err),
            // A runtime KeyError whose text only Python could make.
            Err(Raise::Exc { message, .. })
                if message == crate::runtime::exceptions::UNSHOWN_KEY =>
            {
                Err(Raise::Poison(crate::lang::Poison::Unmodelled))
            }
            r => r,
        };
        let ended = matches!(result, Ok(()) | Err(Raise::Exc { .. }));
        let end_fuel = ended.then(|| run.fuel + run.arena.bulk_fuel);
        let result = match result {
            Ok(()) => run.completed(Ending::Normal),
            Err(Raise::Exc { kind, message }) => run.completed(Ending::Exception {
                kind: kind.to_string(),
                message,
            }),

            Err(Raise::Poison(p)) => RunResult::Poisoned(p),
            Err(Raise::Thrown(_)) => unreachable!("converted above"),
            Err(Raise::Internal(msg)) => {
                // A specific oracle (fault, deopt state, heap...) may have
                // stopped the run. Otherwise the VM caught itself in an
                // inconsistent state: under GC stress, ask the heap verifier
                // why (a freed object read back is a heap bug, not a crash).
                if run.findings.is_empty() {
                    let _ = run.heap_check_final("after the VM stopped on an internal error");
                }
                if run.findings.is_empty() {
                    run.finding(FindingKind::Internal, msg);
                }
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
        stats.fuel = run.fuel;
        run.tier2_stats.max_formations_at_one_start =
            run.formations.values().copied().max().unwrap_or(0);
        let counters = run.finish_jit_stats();
        let coverage = crate::coverage::Coverage::from_run(
            &run.coverage,
            counters.as_deref(),
            &run.tier2_stats.exits_by_uop,
            stats.specialized,
            &run.executors,
        );
        // A globals dump that poisoned leaves no fuel to compare.
        let end_fuel = end_fuel.filter(|_| matches!(result, RunResult::Completed(_)));
        let out = RunOutput {
            coverage,
            result,
            end_fuel,
            stats,
            tier2: std::mem::take(&mut run.tier2_stats),
            jit: std::mem::take(&mut run.jit_stats),
            findings: std::mem::take(&mut run.findings),
            events: std::mem::take(&mut run.events),
            phases: run.phases,
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
        observe: crate::observe::Observe,
    ) -> Result<Run<'a>, Raise> {
        crate::runtime::strs::make_chars(arena)?;
        arena.names = program.names.clone();
        let mut consts = Vec::with_capacity(program.codes.len());
        for code in &program.codes {
            let mut values = Vec::with_capacity(code.consts.len());
            for c in &code.consts {
                values.push(match c {
                    Const::Value(v) => *v,
                    Const::Float(bits) => crate::runtime::float::new(arena, f64::from_bits(*bits))?,
                    Const::Str(s) => crate::runtime::strs::new(arena, s)?,
                    Const::Int(digits) => int::from_ibig(
                        arena,
                        &digits.parse().expect("compiler emits valid digits"),
                    )?,
                });
            }
            consts.push(values);
        }
        let globals = dict::new(arena, program.names.len(), 1)?;
        let builtins = dict::new(arena, BUILTINS.len(), 1)?;
        for (i, (_, v)) in BUILTINS.iter().enumerate() {
            dict::set(builtins, i as u64, *v, 1);
        }
        let frame_top = arena.frame_region().0;
        // From here on every live value is reachable from these roots (and
        // the frames), so GC stress may collect at any allocation.
        arena.roots.fixed = [globals, builtins]
            .into_iter()
            .chain(consts.iter().flatten().copied())
            .chain(arena.chars.iter().copied())
            .collect();
        // Literals cost no fuel, however long.
        arena.bulk_fuel = 0;
        arena.roots.top_frame = 0;
        arena.roots_ready = true;
        let check_fuel = observe.checkpoints.first().map_or(u64::MAX, |p| p.fuel);
        let program_seed = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            program.names.hash(&mut h);
            for code in &program.codes {
                code.name.hash(&mut h);
                for ins in &code.instrs {
                    (ins.op as u8, ins.arg).hash(&mut h);
                }
            }
            h.finish()
        };
        let events = crate::observe::RunEvents {
            checkpoints: vec![None; observe.checkpoints.len()],
            ..Default::default()
        };
        let user_hashed = program.name_id("__hash__").is_some();
        Ok(Run {
            config,
            arena,
            program,
            consts,
            globals,
            builtins,
            next_keys_version: 2,
            user_hashed,
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
            jit_stats: Default::default(),
            phases: Phases::default(),
            jit_links: Default::default(),
            observe,
            events,
            check_fuel,
            check_cursor: 0,
            error_fuel: None,
            error_in_callee: false,
            uops_at_tick: 0,
            program_seed,
            classes: Default::default(),
            gen_yielded: false,
            coverage: Default::default(),
            formations: Default::default(),
        })
    }

    fn completed(&mut self, ending: Ending) -> RunResult {
        // The final globals are part of the outcome: a global nested too
        // deep to repr poisons the run, as printing it would.
        let globals = match self.dump_globals() {
            Ok(g) => g,
            Err(Raise::Poison(p)) => return RunResult::Poisoned(p),
            Err(_) => unreachable!("repr raises nothing but poison"),
        };
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

    /// Replay side: tier 1 is about to execute instruction `ip` of code
    /// `cid` in `frame` (stack ending at `sp`) with `self.fuel >=
    /// self.check_fuel`. Hashes the frame for every checkpoint naming this
    /// moment; points whose fuel has passed unvisited stay `None`.
    pub(crate) fn visit_checkpoints(&mut self, frame: u64, cid: usize, ip: usize, sp: u64) {
        let points = &self.observe.checkpoints;
        while self.check_cursor < points.len() && points[self.check_cursor].fuel < self.fuel {
            self.check_cursor += 1;
        }
        self.check_fuel = points.get(self.check_cursor).map_or(u64::MAX, |p| p.fuel);
        if self.check_fuel != self.fuel {
            return;
        }
        let (lo, hi) = self.arena.heap_bounds();
        let heap = crate::observe::HeapRange(lo, hi);
        let mut k = self.check_cursor;
        while k < points.len() && points[k].fuel == self.fuel {
            let p = points[k];
            if p.depth as usize == self.depth
                && p.code as usize == cid
                && p.ip as usize == ip
                && self.events.checkpoints[k].is_none()
            {
                self.events.checkpoints[k] =
                    Some(crate::observe::frame_hash(frame, sp, heap, self.globals));
                if self.observe.capture == Some(k) {
                    self.events.captured = Some(crate::observe::frame_view(
                        frame,
                        sp,
                        ip as u32,
                        heap,
                        self.globals,
                    ));
                }
            }
            k += 1;
        }
    }

    /// The heap verifier's verdict so far (GC stress only): a corrupt heap
    /// is a finding, and the run stops before it can crash on it.
    pub(crate) fn heap_check(&mut self, when: &str) -> Result<(), Raise> {
        if !self.arena.within_stress_budget() {
            // Past the budget only collections verify (linear pace).
            return self.heap_verdict(when);
        }
        self.heap_check_final(when)
    }

    /// [`Run::heap_check`] whatever the stress budget (at the end of a run).
    pub(crate) fn heap_check_final(&mut self, when: &str) -> Result<(), Raise> {
        if !self.config.gc_stress {
            return Ok(());
        }
        if self.arena.heap_errors.is_empty() {
            self.arena.charge_heap_walk();
            if let Err(e) = crate::runtime::verify::verify(self.arena) {
                self.arena.heap_errors.push(e);
            }
        }
        self.heap_verdict(when)
    }

    /// A finding for the first heap error found so far, if any.
    fn heap_verdict(&mut self, when: &str) -> Result<(), Raise> {
        if !self.config.gc_stress {
            return Ok(());
        }
        match self.arena.heap_errors.first().cloned() {
            None => Ok(()),
            Some(e) => {
                let msg = format!("heap verifier: {e} (checked {when})");
                self.finding(FindingKind::Heap, msg.clone());
                Err(Raise::Internal(msg))
            }
        }
    }

    /// `repr(v)` for the globals dump: containers nested too deep poison;
    /// instances show the default repr (no `__repr__` runs at the end).
    fn dump_repr(&self, v: Value) -> Result<String, Raise> {
        crate::runtime::dump_repr(v, &|id| {
            self.program
                .names
                .get(id as usize)
                .cloned()
                .unwrap_or_default()
        })
    }

    fn dump_globals(&self) -> Result<Vec<(String, String)>, Raise> {
        let mut out: Vec<(String, String)> = (0..dict::len(self.globals))
            .map(|i| {
                let (k, v) = dict::entry(self.globals, i);
                Ok((self.program.names[k as usize].clone(), self.dump_repr(v)?))
            })
            .collect::<Result<_, Raise>>()?;
        out.sort();
        Ok(out)
    }
}
