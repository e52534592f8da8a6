//! Tier 2: hot loops become traces of guarded micro-ops, optimized and run by
//! the tier-2 interpreter (and, later, compiled by the JIT).
//!
//! Lifecycle: a `JUMP_BACKWARD` whose counter passes `hot` projects a trace
//! from the loop head ([`trace::project`]), [`optimizer::optimize`]s it and
//! installs an [`Executor`] on that back edge. Guards leave through exits:
//! side exits count their uses and, past `exit_threshold`, grow a side trace
//! (up to `max_chain` deep); deopts return to tier 1. Executors that promoted
//! globals depend on the globals dict: any store invalidates them, and a
//! running trace leaves at its next `_CHECK_VALIDITY`.

pub mod executors;
pub mod exits;
pub mod guards;
pub mod interp;
pub mod optimizer;
pub mod show;
pub mod stress;
pub mod trace;
pub mod uops;

use optimizer::{OptConfig, RemovedGuard};
use uops::{ExitKind, UopInst};

/// Tier-2 knobs (all part of a configuration string).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tier2Config {
    /// Back-edge executions before a loop is traced.
    pub hot: u16,
    /// Side-exit uses before it grows a side trace.
    pub exit_threshold: u16,
    /// Maximum side-trace chain depth (CPython: 4).
    pub max_chain: u8,
    /// Maximum uops in a projected trace.
    pub max_len: usize,
    pub opt: OptConfig,
    /// Deliberate guard failures (`+deopt=N`, `+sideexit=N`), in every
    /// tier-2 backend alike: see [`stress`].
    pub forced: Option<stress::Forced>,
    /// Compile executors with the copy-and-patch JIT on this backend.
    pub jit: Option<crate::jit::BackendKind>,
    /// How the JIT picks register variants (`+cache=`; greedy by default).
    pub cache: crate::jit::select::CachePolicy,
    /// Emulated backends compare the stack they hold (memory plus cache
    /// registers) with the tier-2 interpreter's before every uop
    /// (`+checkregs`; slow: a hook on every instruction).
    pub check_regs: bool,
    /// Count emulated instructions (slow: a hook on every instruction).
    pub count_instructions: bool,
    /// Count emulated data memory accesses (slow: a hook on every access).
    pub count_memory: bool,
    /// Count every step of machine code by variant (a counting stencil
    /// before each).
    pub count_stencils: bool,
    /// Emulated backends stop a trace that runs too many instructions
    /// without a fuel tick: a deterministic hang verdict (slow: a hook on
    /// every instruction; the containment layer's confirmation re-runs).
    pub budget: bool,
}

impl Default for Tier2Config {
    fn default() -> Self {
        Tier2Config {
            hot: 16,
            exit_threshold: 16,
            max_chain: 4,
            max_len: 400,
            opt: OptConfig::ALL_ON,
            forced: None,
            jit: None,
            cache: crate::jit::select::CachePolicy::Greedy,
            check_regs: false,
            count_instructions: false,
            count_memory: false,
            count_stencils: false,
            budget: false,
        }
    }
}

/// One exit of an executor.
#[derive(Clone, Debug)]
pub struct Exit {
    pub kind: ExitKind,
    /// Index of the uop this exit belongs to.
    pub uop_index: u32,
    /// Bytecode index tier 1 resumes at.
    pub resume: u32,
    /// Uses so far (the exit's temperature).
    pub taken: u64,
    /// A side trace grown from this exit.
    pub link: Option<usize>,
    /// Uses before the next attempt to grow a side trace (doubles after a
    /// failed projection, so a cold path is not re-projected on every exit).
    pub next_attempt: u64,
}

/// A compiled trace.
#[derive(Clone, Debug)]
pub struct Executor {
    pub cid: usize,
    /// Bytecode index the trace starts at.
    pub start: u32,
    /// The projected trace, before optimization (for `show`).
    pub raw: Vec<UopInst>,
    /// Shared so the interpreter can hold them while the executor table grows.
    pub uops: std::rc::Rc<[UopInst]>,
    pub exits: Vec<Exit>,
    pub removed: Vec<RemovedGuard>,
    pub valid: bool,
    /// The value-stack depth the optimizer assumed at entry (checked at
    /// every entry).
    pub entry_depth: u32,
    pub depends_on_globals: bool,
    /// Class versions the optimizer relied on without a guard (the type
    /// watcher): modifying such a class invalidates the executor.
    pub depends_on_types: Vec<u64>,
    pub chain_depth: u8,
    /// `Some((executor, exit))` for side traces.
    pub parent: Option<(usize, usize)>,
    pub entries: u64,
    /// Machine code, when a JIT backend compiled this executor.
    pub code: Option<crate::jit::CompiledCode>,
}

impl Executor {
    /// Builds the exit table: one exit per uop that can leave the trace.
    fn with_exits(mut self) -> Executor {
        let mut uops: Vec<UopInst> = self.uops.to_vec();
        for (i, inst) in uops.iter_mut().enumerate() {
            let kind = inst.uop.info().exit;
            if kind != ExitKind::None {
                inst.exit = self.exits.len() as u32;
                self.exits.push(Exit {
                    kind,
                    uop_index: i as u32,
                    resume: trace::resume_target(inst),
                    taken: 0,
                    link: None,
                    next_attempt: 0,
                });
            }
        }
        self.uops = uops.into();
        self
    }
}

/// Tier-2 counters reported by a run.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tier2Stats {
    /// Exits and deopts taken, by the uop that left.
    #[serde(deserialize_with = "uops::names_map::deserialize")]
    pub exits_by_uop: std::collections::BTreeMap<&'static str, u64>,
    pub traces: u64,
    pub side_traces: u64,
    pub aborted: u64,
    pub uops: u64,
    pub raw_uops: u64,
    pub guards_removed: u64,
    pub folded: u64,
    pub entries: u64,
    pub uops_executed: u64,
    pub exits_taken: u64,
    pub deopts_taken: u64,
    /// Forced failures taken (`+deopt=N` / `+sideexit=N`).
    pub forced_failures: u64,
    pub invalidations: u64,
    pub removed_guard_checks: u64,
    /// The most traces formed from one start (a loop head, or a side
    /// exit's resume point) in one run: the performance-cliff oracle's
    /// measure of a trace rebuilt over and over. A maximum, also when
    /// stats are added.
    #[serde(default)]
    pub max_formations_at_one_start: u64,
}

impl Tier2Stats {
    pub fn add(&mut self, o: &Tier2Stats) {
        self.traces += o.traces;
        self.side_traces += o.side_traces;
        self.aborted += o.aborted;
        self.uops += o.uops;
        self.raw_uops += o.raw_uops;
        self.guards_removed += o.guards_removed;
        self.folded += o.folded;
        self.entries += o.entries;
        self.uops_executed += o.uops_executed;
        self.exits_taken += o.exits_taken;
        self.deopts_taken += o.deopts_taken;
        self.forced_failures += o.forced_failures;
        self.invalidations += o.invalidations;
        self.removed_guard_checks += o.removed_guard_checks;
        self.max_formations_at_one_start = self
            .max_formations_at_one_start
            .max(o.max_formations_at_one_start);
        for (k, v) in &o.exits_by_uop {
            *self.exits_by_uop.entry(k).or_default() += v;
        }
    }
}
