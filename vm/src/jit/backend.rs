//! Where compiled traces run. `Native` executes the x86-64 code on this
//! machine (W^X: code runs at a read+exec view of pages it is written
//! through a second, read-write view of; see [`CodeMemory`]).
//! `EmuX86` and `EmuA64` run x86-64 / AArch64 code under unicorn (see
//! [`super::emulator`]), where a fault is reported with PC and address,
//! never a crash of the fuzzer.

use super::codegen::{self, Listing, Mispatch, Placed};
use super::emulator::{EmuPool, EmuSpec, Fault};
use super::helpers;
use super::index::StencilIndex;
use super::reloc::Arch;
use super::state::{JitState, StateRegion};
use super::stencil::StencilTable;
use super::stencils;
use crate::runtime::mapping::Mapping;
use crate::tier2::Executor;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    Native,
    EmuX86,
    EmuA64,
}

impl BackendKind {
    pub fn arch(self) -> Arch {
        match self {
            BackendKind::Native | BackendKind::EmuX86 => Arch::X86_64,
            BackendKind::EmuA64 => Arch::Aarch64,
        }
    }
    pub fn emulated(self) -> bool {
        self != BackendKind::Native
    }
    pub fn table(self) -> &'static StencilTable {
        match self.arch() {
            Arch::X86_64 => &stencils::x86_64::TABLE,
            Arch::Aarch64 => &stencils::aarch64::TABLE,
        }
    }

    /// The table's index (built on first use).
    pub fn index(self) -> &'static StencilIndex {
        static X86_64: OnceLock<StencilIndex> = OnceLock::new();
        static AARCH64: OnceLock<StencilIndex> = OnceLock::new();
        let cell = match self.arch() {
            Arch::X86_64 => &X86_64,
            Arch::Aarch64 => &AARCH64,
        };
        cell.get_or_init(|| StencilIndex::build(self.table(), self.arch()))
    }
}

/// Bytes of code memory per VM.
const CODE_REGION: usize = 32 << 20;
/// Frame slots whose guard pages carry an invalid-access hook under
/// emulation, so a fault there names its address: enough for every call
/// depth but deep recursion. Every hook is walked whenever unicorn
/// translates a block, so not all of them (see `EmuSpec::unwatched`).
const WATCHED_FRAME_SLOTS: u64 = 16;
const PAGE: u64 = 4096;

/// One machine-code region, bump-allocated, so bytes are never written
/// while code in them may run again: only after a reset (natively between
/// programs; under emulation together with a flush of every translation,
/// which would otherwise go stale).
///
/// Native code memory is W^X by two views of the same pages: traces run at
/// the read+execute view and are written through a read+write one, so no
/// address is ever writable and executable, and installing a trace costs no
/// `mprotect` (which, with its TLB flush, was a third of compile time).
/// Native traces are packed at cache-line granularity: a store through the
/// write view to a line no running code is in leaves other traces alone.
/// Emulated code memory is one read-write mapping, the emulator maps it at
/// the same address and the host never executes it; there each trace still
/// starts on a page of its own, as unicorn keeps its translations per page.
pub struct CodeMemory {
    mapping: Mapping,
    /// Native: the read+write view of `mapping`'s pages.
    write_view: Option<Mapping>,
    used: usize,
}

impl CodeMemory {
    fn new(executable: bool) -> CodeMemory {
        let (mapping, write_view) = if executable {
            let (exec, write) = Mapping::code_views(CODE_REGION, "JIT code memory");
            (exec, Some(write))
        } else {
            (Mapping::new(CODE_REGION, false, "JIT code memory"), None)
        };
        CodeMemory {
            mapping,
            write_view,
            used: 0,
        }
    }
    fn next(&self) -> u64 {
        self.mapping.addr() + self.used as u64
    }
    /// Bytes a trace's start is aligned to (see the type's comment).
    fn granule(&self) -> usize {
        if self.write_view.is_some() {
            64
        } else {
            PAGE as usize
        }
    }
    /// The next `len` free bytes, to be written with a trace that will run
    /// at [`CodeMemory::next`]; taken until the next reset.
    fn take(&mut self, len: usize) -> Result<&mut [u8], String> {
        let size = len.next_multiple_of(self.granule());
        if self.used + size > self.mapping.len() {
            return Err("JIT code memory is full".into());
        }
        let dest = match &self.write_view {
            Some(view) => view.base().wrapping_add(self.used),
            None => self.next() as *mut u8,
        };
        self.used += size;
        // SAFETY: `dest` starts `len` writable bytes inside a view this
        // region owns, which no code has run from since the last reset.
        Ok(unsafe { std::slice::from_raw_parts_mut(dest, len) })
    }
    /// Makes the whole region free again (between programs).
    fn reset(&mut self) {
        self.used = 0;
    }
}

/// A trace in code memory.
#[derive(Clone, Debug)]
pub struct CompiledCode {
    pub arch: Arch,
    pub entry: u64,
    /// The first uop's stencil: where linked exits jump (no shim).
    pub first_uop: u64,
    /// This trace's exits use link slots `link_base..link_base + exits`.
    pub link_base: u32,
    pub base: u64,
    /// Bytes it takes in code memory.
    pub len: usize,
    pub placed: Vec<Placed>,
    /// Its bytes and patched holes, when the JIT records listings (see
    /// [`Jit::listings`]).
    pub listing: Option<Box<Listing>>,
}

/// Counters per backend.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JitStats {
    pub traces_compiled: u64,
    pub compile_failures: u64,
    pub uops_compiled: u64,
    /// Values moved by the spills and reloads the variant selection
    /// inserted.
    pub spills: u64,
    /// Time compiling the traces compiled: variant selection, the register
    /// checker and copy-and-patch.
    pub compile_ns: u64,
    pub code_bytes: u64,
    pub entries: u64,
    /// Steps run (`+count-stencils` only: uop stencils and spills).
    pub stencils_executed: u64,
    /// Steps run by variant (`r01` ...; `+count-stencils` only).
    pub stencils_by_variant: std::collections::BTreeMap<String, u64>,
    pub faults: u64,
    /// Trace entries the tier-2 interpreter ran in a JIT configuration
    /// (a trace without machine code: its compilation failed). Nested
    /// traces run as machine code, in the emulators too.
    pub interpreted: u64,
    /// Instructions emulated (only with `+count-insns`: a code hook on every
    /// instruction, about an order of magnitude slower).
    pub emulated_instructions: u64,
    /// Data memory reads and writes emulated (only with `+count-mem`).
    pub memory_accesses: u64,
    /// Exits and deopts taken, by uop (this backend's share).
    #[serde(deserialize_with = "crate::tier2::uops::names_map::deserialize")]
    pub exits_by_uop: std::collections::BTreeMap<&'static str, u64>,
}

impl JitStats {
    pub fn add(&mut self, o: &JitStats) {
        self.traces_compiled += o.traces_compiled;
        self.compile_failures += o.compile_failures;
        self.uops_compiled += o.uops_compiled;
        self.spills += o.spills;
        self.compile_ns += o.compile_ns;
        self.code_bytes += o.code_bytes;
        self.entries += o.entries;
        self.stencils_executed += o.stencils_executed;
        for (k, v) in &o.stencils_by_variant {
            *self.stencils_by_variant.entry(k.clone()).or_default() += v;
        }
        self.faults += o.faults;
        self.interpreted += o.interpreted;
        self.emulated_instructions += o.emulated_instructions;
        self.memory_accesses += o.memory_accesses;
        for (k, v) in &o.exits_by_uop {
            *self.exits_by_uop.entry(k).or_default() += v;
        }
    }
}

/// A VM's JIT: code memory, state region and (for emulated kinds) an
/// emulator, all reused across programs.
pub struct Jit {
    pub kind: BackendKind,
    code: CodeMemory,
    pub state: StateRegion,
    emu: Option<EmuPool>,
    pub mispatch: Option<Mispatch>,
    /// Planted bugs in code generation (set with `mispatch`).
    pub inject: Option<crate::planted::Injection>,
    /// `+checkregs`: log the stack before every uop (see `codegen`).
    pub check_regs: bool,
    /// `+count-stencils`: count every step by variant (see `codegen`).
    pub count_stencils: bool,
    /// Keep each trace's bytes and patched holes (`jitdiff show`).
    pub listings: bool,
    /// The last compile's plan vectors, for the next one.
    plan_buffers: codegen::PlanBuffers,
    /// Next free exit link slot (slot 0 is never linked).
    next_link: u32,
    /// Every runtime helper's address for this backend, resolved once, by
    /// its position in `helpers::HELPERS`.
    helper_addresses: Vec<Option<u64>>,
}

impl Jit {
    /// A native JIT over `arena`, default call depth, no counters (what
    /// tests and benchmarks compile traces with).
    pub fn native(arena: &crate::runtime::Arena) -> Result<Jit, String> {
        Jit::new(
            BackendKind::Native,
            arena.mapping(),
            arena.frame_region(),
            false,
            false,
            false,
            crate::lang::limits::DEFAULT_DEPTH,
        )
    }

    /// `arena` is the VM arena's mapping (mapped into the emulator) and
    /// `frames` its frame region, whose slots' guard pages stay unmapped.
    pub fn new(
        kind: BackendKind,
        arena: (u64, usize),
        frames: (u64, u64),
        count_instructions: bool,
        count_memory: bool,
        budget: bool,
        max_depth: usize,
    ) -> Result<Jit, String> {
        let code = CodeMemory::new(!kind.emulated());
        let state = StateRegion::new();
        let emu = if kind.emulated() {
            // Each frame slot's frame page is mapped on its own and its guard
            // page not at all (separate maps: splitting one big mapping per
            // guard page is quadratic in unicorn).
            let slot = crate::runtime::frame::FRAME_SLOT;
            let page = crate::runtime::frame::MAX_FRAME_BYTES as usize;
            // Only the slots a run can use (module frame + max_depth calls).
            let slots = max_depth as u64 + 1;
            let end = frames.1.min(frames.0 + slots * slot);
            let mut regions: Vec<(u64, usize)> = (frames.0..end)
                .step_by(slot as usize)
                .map(|s| (s, page))
                .collect();
            debug_assert_eq!(frames.1, arena.0 + (frames.1 - frames.0));
            regions.push((frames.1, arena.1 - (frames.1 - arena.0) as usize));
            regions.push(state.mapping());
            // Guard pages past the first WATCHED_FRAME_SLOTS slots fault
            // without naming the address (see EmuSpec::unwatched).
            let watched_end = frames.0 + WATCHED_FRAME_SLOTS * slot;
            let unwatched = (watched_end < end).then_some((watched_end, end));
            // SAFETY: the state region lives as long as the JIT.
            let fuel = unsafe { &raw const (*state.state()).fuel };
            Some(EmuPool::new(EmuSpec {
                arch: kind.arch(),
                regions,
                code: (code.mapping.addr(), code.mapping.len()),
                unwatched,
                count: count_instructions,
                count_mem: count_memory,
                budget,
                fuel,
            })?)
        } else {
            None
        };
        let helper_addresses = helpers::HELPERS
            .iter()
            .map(|&name| match &emu {
                Some(e) => e.helper_address(name),
                None => helpers::native_address(name),
            })
            .collect();
        Ok(Jit {
            kind,
            code,
            state,
            emu,
            mispatch: None,
            inject: None,
            check_regs: false,
            count_stencils: false,
            listings: false,
            plan_buffers: Default::default(),
            next_link: 1,
            helper_addresses,
        })
    }

    /// Instructions emulated since the last call (0 unless counting).
    pub fn take_instruction_count(&mut self) -> u64 {
        self.emu.as_mut().map_or(0, |e| e.take_instruction_count())
    }

    /// Data memory accesses emulated since the last call (0 unless counting).
    pub fn take_memory_count(&mut self) -> u64 {
        self.emu.as_mut().map_or(0, |e| e.take_memory_count())
    }

    /// Forgets every trace (between programs).
    pub fn reset(&mut self) {
        // Links point into the previous program's code.
        self.state.clear_links(self.next_link);
        self.next_link = 1;
        match &mut self.emu {
            // Emulated: keep bumping through code memory across programs,
            // so no translation of a reused address can go stale; rewind
            // only together with a flush of every translation. (The pool
            // also flushes when enough new code was translated: see
            // `EmuPool::run`.)
            Some(e) => {
                if self.code.used > self.code.mapping.len() / 2 {
                    e.flush();
                    self.code.reset();
                }
            }
            None => self.code.reset(),
        }
    }

    /// Compiles and installs executor `eid`, its uops in the variants
    /// `steps` selects (see [`super::select`]).
    pub fn compile(
        &mut self,
        ex: &Executor,
        eid: usize,
        steps: &[super::select::Step],
    ) -> Result<CompiledCode, String> {
        // Link slots for this trace's exits (0 = never linked, when full).
        let n = ex.exits.len() as u32;
        let link_base = if (self.next_link + n) as usize <= super::state::MAX_LINKS {
            self.next_link
        } else {
            0
        };
        if link_base != 0 {
            self.next_link += n;
        }
        let input = codegen::Input {
            ex,
            eid,
            steps,
            link_base,
            inject: self.inject,
            check_regs: self.check_regs,
            count_stencils: self.count_stencils,
        };
        let buffers = std::mem::take(&mut self.plan_buffers);
        let plan = codegen::plan(self.kind.index(), &input, buffers)?;
        let base = self.code.next();
        let target = codegen::Target {
            stencils: self.kind.index(),
            arch: self.kind.arch(),
            base,
            helpers: &self.helper_addresses,
            mispatch: self.mispatch,
        };
        let mut listing = self.listings.then(Box::<Listing>::default);
        let dest = self.code.take(plan.bytes())?;
        let placed = codegen::emit(&plan, &input, &target, dest, listing.as_deref_mut())?;
        let (len, entry) = (plan.bytes(), base + plan.entry_offset());
        self.plan_buffers = plan.into_buffers();
        if let Some(e) = &mut self.emu {
            e.note_code(len);
        }
        let first_uop = placed.get(1).map_or(entry, |p| p.addr);
        Ok(CompiledCode {
            arch: self.kind.arch(),
            entry,
            first_uop,
            link_base,
            base,
            len,
            placed,
            listing,
        })
    }

    /// Runs compiled code from `entry` on `frame`; returns the stub status.
    pub fn run(&mut self, entry: u64, frame: u64) -> Result<u64, Fault> {
        let state = self.state.state();
        match &mut self.emu {
            Some(e) => e.run(entry, frame, state),
            None => {
                // SAFETY: `entry` is a shim compiled for this machine, in
                // read+exec memory, taking (frame, state) by the C ABI.
                let f: extern "C" fn(u64, *mut JitState) -> u64 =
                    unsafe { std::mem::transmute(entry) };
                Ok(f(frame, state))
            }
        }
    }
}
