//! The oracles, one per file, cheapest first. Each file opens with what it
//! proves and why that is enough; each turns what the runs recorded into
//! [`OracleFinding`]s that name the oracle, the kind of divergence and the
//! place (uop, stencil, exit) when there is one.
//!
//! | oracle | compares |
//! |---|---|
//! | [`outcome`] | every configuration's output, ending, globals and poison with the reference |
//! | [`fuel`] | every VM configuration used the reference's fuel by the end of the run |
//! | [`containment`] | the run ended at all: no crash, no hang |
//! | [`fault`] | emulated machine code never faulted |
//! | [`heap`] | under GC stress, the heap verifier never found corruption |
//! | [`deopt_state`] | every exit resumed tier 1 at a stack depth the compiler allows |
//! | [`entry_depth`] | every trace was entered at the stack depth its optimizer assumed |
//! | [`removed_guards`] | no guard the optimizer removed would have failed |
//! | [`register_state`] | the JIT's cached registers hold the stack the interpreter has |
//! | [`frame_state`] | at every trace transition, the frame equals tier 1's without traces |
//! | [`exit_sequence`] | the tier-2 interpreter and every JIT backend take the same exits |
//! | [`perf_cliff`] | no trace is rebuilt without end, no hot loop leaves its traces on nearly every iteration |

pub mod containment;
pub mod deopt_state;
pub mod entry_depth;
pub mod exit_sequence;
pub mod fault;
pub mod frame_state;
pub mod fuel;
pub mod heap;
pub mod outcome;
pub mod perf_cliff;
pub mod register_state;
pub mod removed_guards;

use jitdiff_vm::lang::RunResult;
use jitdiff_vm::observe::RunEvents;
use jitdiff_vm::{FindingKind, VmFinding};
use serde::Serialize;

/// How a configuration disagrees. Each kind belongs to one oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum DivergenceKind {
    Output,
    Exception,
    Globals,
    /// Poisoned where the reference completed, completed where it poisoned,
    /// or poisoned by another limit: limits are exact semantics.
    Poisoned,
    /// A VM panic, an internal error, or a dead worker (signal).
    Crash,
    /// A trace that never returned, confirmed by a deterministic budget.
    Hang,
    /// `+checkguards`: a guard the optimizer removed would have failed.
    RemovedGuardFailed,
    /// An exit resumed tier 1 at a stack depth the compiler forbids there.
    DeoptState,
    /// A trace entered at a stack depth its optimizer did not assume.
    EntryDepth,
    /// A frame at a trace transition differs from tier 1's at that point.
    FrameState,
    /// Two backends of the same configuration took different exits.
    ExitSequence,
    /// The heap verifier found the heap corrupt (GC stress).
    Heap,
    /// JIT code faulted under emulation.
    Fault,
    /// A register-variant selection the checker rejects, or (`+checkregs`)
    /// cached registers that do not hold the interpreter's stack.
    RegisterState,
    /// Right answers at a cliff: a trace rebuilt without end, or a hot loop
    /// that leaves its traces on nearly every iteration.
    PerfCliff,
    /// Right answers, but another fuel count at the end than the
    /// reference's: the logical clock (and so the limit) is off.
    Fuel,
}

impl DivergenceKind {
    /// The oracle (file) this kind belongs to.
    pub fn oracle(self) -> &'static str {
        match self {
            DivergenceKind::Output
            | DivergenceKind::Exception
            | DivergenceKind::Globals
            | DivergenceKind::Poisoned => "outcome",
            DivergenceKind::Crash | DivergenceKind::Hang => "containment",
            DivergenceKind::RemovedGuardFailed => "removed_guards",
            DivergenceKind::DeoptState => "deopt_state",
            DivergenceKind::EntryDepth => "entry_depth",
            DivergenceKind::FrameState => "frame_state",
            DivergenceKind::ExitSequence => "exit_sequence",
            DivergenceKind::Heap => "heap",
            DivergenceKind::Fault => "fault",
            DivergenceKind::RegisterState => "register_state",
            DivergenceKind::PerfCliff => "perf_cliff",
            DivergenceKind::Fuel => "fuel",
        }
    }

    /// How close to the cause a kind points: a signature takes the most
    /// specific kind of a report. Containment and memory oracles first (they
    /// stop a run, everything else is a consequence), then the checks at a
    /// transition, then the end-of-run comparisons.
    pub fn specificity(self) -> u8 {
        match self {
            DivergenceKind::Hang => 15,
            DivergenceKind::Crash => 14,
            DivergenceKind::Heap => 13,
            DivergenceKind::Fault => 12,
            DivergenceKind::RegisterState => 11,
            DivergenceKind::EntryDepth => 10,
            DivergenceKind::DeoptState => 9,
            DivergenceKind::RemovedGuardFailed => 8,
            DivergenceKind::FrameState => 7,
            DivergenceKind::ExitSequence => 6,
            DivergenceKind::Poisoned => 5,
            DivergenceKind::Exception => 4,
            DivergenceKind::Output => 3,
            DivergenceKind::Globals => 2,
            // Right answers: any wrong one says more. A fuel count off says
            // more than a slow loop.
            DivergenceKind::Fuel => 1,
            DivergenceKind::PerfCliff => 0,
        }
    }
}

/// One oracle's verdict about one configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OracleFinding {
    pub oracle: &'static str,
    pub kind: DivergenceKind,
    /// The uop, stencil or exit involved (`outcome` when none is known): a
    /// signature's "where".
    pub place: String,
    pub message: String,
}

impl OracleFinding {
    pub fn new(kind: DivergenceKind, place: impl Into<String>, message: impl Into<String>) -> Self {
        OracleFinding {
            oracle: kind.oracle(),
            kind,
            place: place.into(),
            message: message.into(),
        }
    }
}

/// What a configuration did with a program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ConfigResult {
    /// The run's result, plus what the VM's internal oracles reported.
    Run(RunResult, Vec<String>),
    /// The VM panicked, or its worker process died (message).
    Crash(String),
    /// The run never returned (confirmed by a deterministic budget).
    Hang(String),
    /// The configuration could not run (python3 missing, a hang suspected
    /// but not confirmed...): not a finding about the VM.
    Error(String),
}

/// Everything the oracles read about one configuration's run.
#[derive(Clone, Debug)]
pub struct ConfigRun {
    pub name: String,
    pub result: ConfigResult,
    pub findings: Vec<VmFinding>,
    pub events: RunEvents,
    /// Configurations with the same group make the same traces (they differ
    /// only in the backend), so they must take the same exits.
    pub group: Option<String>,
    /// The run recorded transitions and exits.
    pub observed: bool,
    /// `+checkregs`: its uop log is the machine code's stack, to compare
    /// with its group's tier-2 interpreter.
    pub check_regs: bool,
    /// It logged the stack before every uop.
    pub uop_logged: bool,
    /// Work counts for the performance-cliff oracle (tier-2 runs without
    /// forced failures).
    pub perf: Option<perf_cliff::PerfCounts>,
    /// The fuel a completed VM run had used at its end (the fuel oracle).
    pub end_fuel: Option<u64>,
}

impl ConfigRun {
    /// A run that is only its result: no VM findings, events, group, logs,
    /// work counts or end fuel (CPython's run, and the oracles' tests).
    pub fn plain(name: &str, result: ConfigResult) -> ConfigRun {
        ConfigRun {
            name: name.into(),
            result,
            findings: vec![],
            events: Default::default(),
            group: None,
            observed: false,
            check_regs: false,
            uop_logged: false,
            perf: None,
            end_fuel: None,
        }
    }
}

/// The VM-internal findings of `kind` as oracle findings, with a place read
/// from the message by `place`.
pub(crate) fn vm_findings(
    run: &ConfigRun,
    vm_kind: FindingKind,
    kind: DivergenceKind,
    place: fn(&str) -> String,
) -> Vec<OracleFinding> {
    run.findings
        .iter()
        .filter(|f| f.kind == vm_kind)
        .map(|f| OracleFinding::new(kind, place(&f.message), f.message.clone()))
        .collect()
}

/// The first `_UOP_NAME` (or stencil name) following `marker` in `message`.
pub(crate) fn name_after(message: &str, marker: &str) -> Option<String> {
    let at = message.find(marker)?;
    let word: String = message[at + marker.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}
