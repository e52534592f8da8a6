//! The emulated backends' engines: unicorn running x86-64 or AArch64 code
//! with the arena, code memory and JIT state mapped at their host addresses,
//! so every pointer means the same in both worlds.
//!
//! - **Helpers** sit on a trap page: each helper's slot holds a return
//!   instruction, and a code hook on that page reads the arguments by the
//!   target's C ABI, calls the Rust helper and writes the result register
//!   before the guest's own `ret` runs. The hook never writes the PC (a PC
//!   write makes unicorn leave the translated block and look the next one
//!   up, a tenth of a microsecond per call). Only that page is hooked, so
//!   translated blocks elsewhere keep their chaining.
//! - **Nesting.** A helper may call back into code with traces (a call from
//!   a trace runs the callee, whose loop has a trace of its own). That trace
//!   runs in the emulator too, on the pool's next engine for the first
//!   [`SINGLE_LEVEL_ENGINES`] levels (each run there is its engine's
//!   outermost). Deeper, runs nest inside one engine: unicorn 2 allows
//!   `emu_start` from inside a hook; the nested run uses the guest stack
//!   below the outer run's frames and gives the outer run its registers
//!   back afterwards. Unicorn allows 64 levels per engine; deeper nesting
//!   moves on to another engine ([`EmuPool`]), so no trace ever falls back
//!   to the interpreter.
//! - **Translation flushes** happen only between outermost runs
//!   ([`FLUSH_AFTER_CODE`]): one inside a nested run would free the
//!   translations its callers return into.
//! - **Hang budget** (`+budget`): a hook on every instruction stops a run
//!   that executes [`INSN_BUDGET`] guest instructions without a fuel tick,
//!   deterministically. Slow (no block chaining), so only the containment
//!   layer's confirmation re-runs use it.
//! - **Faults** (unmapped fetch or access, a frame's guard page) come back
//!   as a [`Fault`] with PC and address, never a crash of the fuzzer.

use std::cell::Cell;
use std::rc::Rc;

use unicorn_engine::{
    Arch as UcArch, HookType, MemType, Mode, Prot, RegisterARM64, RegisterX86, TlbEntry, TlbType,
    Unicorn,
};

use super::helpers;
use super::reloc::Arch;
use super::state::JitState;

const PAGE: u64 = 4096;

/// Why emulated code stopped abnormally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub pc: u64,
    pub address: Option<u64>,
    pub message: String,
    /// Stopped by the hang budget (not a memory fault).
    pub hang: bool,
}

/// Guest instructions a trace may execute without a fuel tick under
/// `+budget`. Between two ticks a correct trace runs at most one acyclic
/// path of uops through one code object (plus stubs): thousands of
/// instructions, never millions.
pub const INSN_BUDGET: u64 = 10_000_000;

/// Nesting per engine before the next engine takes over (unicorn's limit
/// is 64 levels).
const NEST_LIMIT: u32 = 60;

/// The first engines run one level each: every run on them is outermost,
/// so it needs no `until` address (unicorn translates the block there for
/// every run and drops it after: a seventh of all translations of a
/// `jit-x86+stress` campaign were that block) and no saved context. Past
/// them, engines nest up to [`NEST_LIMIT`] levels: an engine per level of a
/// deep recursion through traces would cost milliseconds and megabytes
/// each.
const SINGLE_LEVEL_ENGINES: usize = 2;

/// Runs engine `i` of a pool may hold at once.
fn engine_capacity(i: usize) -> u32 {
    if i < SINGLE_LEVEL_ENGINES {
        1
    } else {
        NEST_LIMIT
    }
}

/// Trap-page slot an outermost run's shim returns to. The run has no
/// `until` address: the trap hook stops it there. An `until` costs a
/// translation per run, since unicorn translates the block at that address
/// as an exit and drops it again when the run ends (entering code that
/// only returns took 2.2 us that way, 0.14 us without: the
/// `emulator_entry` bench).
const RETURN_SLOT: u64 = 255;
/// Trap-page slot a nested run's shim returns to, given as its `until`.
/// A stop from a hook would also end the outer run (unicorn keeps the stop
/// request until the next `emu_start`), so nested runs pay for the exit
/// block; they are a small share of all runs. A slot of its own, so the
/// outermost run's hooked block at [`RETURN_SLOT`] and a nested run's exit
/// block never share an address (unicorn would run whichever it cached).
const NESTED_RETURN_SLOT: u64 = 254;
const _: () = assert!((helpers::HELPERS.len() as u64) < NESTED_RETURN_SLOT);
const GUEST_STACK: usize = 1 << 20;

/// The instruction-budget hook's state.
struct Budget {
    count: Cell<u64>,
    last_fuel: Cell<u64>,
    tripped: Cell<bool>,
    fuel: *const u64,
}

struct Emulator {
    uc: Unicorn<'static, ()>,
    /// Instructions executed, when counting was asked for.
    counted: Option<Rc<Cell<u64>>>,
    /// Data memory reads and writes, when counting was asked for.
    mem_counted: Option<Rc<Cell<u64>>>,
    budget: Option<Rc<Budget>>,
    arch: Arch,
    trap_base: u64,
    stack_top: u64,
    bad_access: Rc<Cell<Option<u64>>>,
    /// `emu_start` calls in progress. Shared, not a plain field: the nested
    /// run happens inside the outer `emu_start`, through another path to
    /// this emulator, so the compiler must not cache it across the call.
    depth: Rc<Cell<u32>>,
    _stack: Vec<u8>,
}

/// How an engine is set up: what it maps and which hooks it carries.
#[derive(Clone)]
pub struct EmuSpec {
    pub arch: Arch,
    /// Data regions, mapped read-write.
    pub regions: Vec<(u64, usize)>,
    /// Code memory, mapped read-execute.
    pub code: (u64, usize),
    /// A span whose unmapped pages get no invalid-access hook (the guard
    /// pages of deep frame slots): an access there still faults, but its
    /// fault names no address. See [`unmapped_gaps`] for why hooks cost.
    pub unwatched: Option<(u64, u64)>,
    pub count: bool,
    /// Count data memory accesses (`+count-mem`).
    pub count_mem: bool,
    pub budget: bool,
    /// Where the JIT state keeps the fuel (read by the budget hook).
    pub fuel: *const u64,
}

/// The engines of one emulated backend (one, unless traces nest deeper than
/// one engine allows). Boxed, so an engine never moves while it runs.
pub struct EmuPool {
    spec: EmuSpec,
    // Boxed on purpose: a nested run pushes engines while an outer one runs
    // through a pointer into this vector. Declared before `trap`, so the
    // engines that map the trap page are dropped first.
    #[allow(clippy::vec_box)]
    engines: Vec<Box<Emulator>>,
    /// The trap page, shared by every engine at the same address: compiled
    /// code calls helpers there, whichever engine runs it.
    trap: TrapPage,
    /// Bytes of guest code compiled since the translations were last
    /// flushed (see [`FLUSH_AFTER_CODE`]).
    code_since_flush: usize,
}

/// Unicorn's translation buffer (the default, 1 GiB). When it fills,
/// unicorn flushes it by itself in the middle of a run, and if that run is
/// nested the outer runs return into freed translations: a crash of the
/// host. So the pool flushes on its own terms instead, whenever no engine
/// is running and this much guest code was compiled since the last flush.
/// Measured while the arena was still mapped executable (guest stores then
/// invalidated translations, which were made again), with `+checkregs` the
/// buffer filled after 4 to 8 MiB of AArch64 code memory: this threshold
/// stays at least 16 times below that worst case. Only one outermost trace
/// run that compiled more than 1 GiB's worth of translations while it ran
/// (every compile then in a callee trace) could still outgrow it.
pub const FLUSH_AFTER_CODE: usize = 256 << 10;

/// Whether to flush every translation before a run: only when none is in
/// progress (a nested run's callers execute translations) and enough code
/// was compiled since the last flush.
fn flush_due(code_since_flush: usize, engines_idle: bool) -> bool {
    engines_idle && code_since_flush >= FLUSH_AFTER_CODE
}

impl EmuPool {
    pub fn new(spec: EmuSpec) -> Result<EmuPool, String> {
        let trap = TrapPage::new(spec.arch);
        let first = Emulator::new(&spec, trap.base)?;
        Ok(EmuPool {
            spec,
            engines: vec![Box::new(first)],
            trap,
            code_since_flush: 0,
        })
    }

    /// Guest code was compiled into code memory (counts towards a flush).
    pub fn note_code(&mut self, bytes: usize) {
        self.code_since_flush += bytes;
    }

    /// Runs compiled code from `entry` on `frame`; the stub's status.
    pub fn run(&mut self, entry: u64, frame: u64, state: *mut JitState) -> Result<u64, Fault> {
        let idle = self.engines.iter().all(|e| e.depth.get() == 0);
        if flush_due(self.code_since_flush, idle) {
            self.flush();
        }
        let free = self
            .engines
            .iter()
            .enumerate()
            .position(|(i, e)| e.depth.get() < engine_capacity(i));
        let i = match free {
            Some(i) => i,
            None => {
                let e = Emulator::new(&self.spec, self.trap.base).map_err(|message| Fault {
                    pc: entry,
                    address: None,
                    message,
                    hang: false,
                })?;
                self.engines.push(Box::new(e));
                self.engines.len() - 1
            }
        };
        let engine: *mut Emulator = &mut *self.engines[i];
        // SAFETY: engines are boxed and never removed while a run is in
        // progress; a nested run (from a helper) uses this same pool.
        unsafe { (*engine).run(entry, frame, state) }
    }

    pub fn helper_address(&self, name: &str) -> Option<u64> {
        helpers::HELPERS
            .iter()
            .position(|h| *h == name)
            .map(|i| self.trap.base + 16 * i as u64)
    }

    /// Instructions emulated since the last call (0 unless counting).
    pub fn take_instruction_count(&mut self) -> u64 {
        self.engines
            .iter()
            .filter_map(|e| e.counted.as_ref())
            .map(|c| c.replace(0))
            .sum()
    }

    /// Data memory accesses since the last call (0 unless counting).
    pub fn take_memory_count(&mut self) -> u64 {
        self.engines
            .iter()
            .filter_map(|e| e.mem_counted.as_ref())
            .map(|c| c.replace(0))
            .sum()
    }

    /// Drops every engine's translations (before code memory is reused,
    /// and see [`FLUSH_AFTER_CODE`]). Only while no engine is running.
    pub fn flush(&mut self) {
        debug_assert!(self.engines.iter().all(|e| e.depth.get() == 0));
        for e in &mut self.engines {
            let _ = e.uc.ctl_flush_tb();
        }
        self.code_since_flush = 0;
    }
}

/// Bytes mapped for the trap page. Only its first page holds helpers, but
/// unicorn finds the RAM block of a host address by walking its blocks from
/// the largest down, with equal sizes in mapping order: mapped as one page
/// it came after the 201 frame pages, and every return from a helper paid
/// that walk (a quarter of the time of a `+checkregs` run). Larger than a
/// frame page, it is found among the first blocks.
const TRAP_MAPPING: u64 = 16 * PAGE;
const _: () = assert!(TRAP_MAPPING > crate::runtime::frame::MAX_FRAME_BYTES);

/// A host page the helpers' addresses point into: 16 bytes a slot, a
/// helper's slot starting with a return instruction, every other byte a
/// trapping instruction (the hook stops a run that reaches one).
struct TrapPage {
    base: u64,
    _buffer: Vec<u8>,
}

impl TrapPage {
    fn new(arch: Arch) -> TrapPage {
        let mut buffer = vec![0u8; (TRAP_MAPPING + PAGE) as usize];
        let start = (buffer.as_ptr() as u64).next_multiple_of(PAGE);
        let (trap, ret): (&[u8], &[u8]) = match arch {
            Arch::X86_64 => (&[0xcc], &[0xc3]), // int3; ret
            // brk #0; ret
            Arch::Aarch64 => (&[0x00, 0x00, 0x20, 0xd4], &[0xc0, 0x03, 0x5f, 0xd6]),
        };
        for (i, b) in buffer.iter_mut().enumerate() {
            *b = trap[i % trap.len()];
        }
        let first = (start - buffer.as_ptr() as u64) as usize;
        for slot in 0..helpers::HELPERS.len() {
            let at = first + 16 * slot;
            buffer[at..at + ret.len()].copy_from_slice(ret);
        }
        TrapPage {
            base: start,
            _buffer: buffer,
        }
    }
}

impl Emulator {
    /// An engine mapping `spec`'s regions, the shared trap page at
    /// `trap_base`, and a guest stack of its own.
    fn new(spec: &EmuSpec, trap_base: u64) -> Result<Emulator, String> {
        let arch = spec.arch;
        let mut uc = match arch {
            Arch::X86_64 => Unicorn::new(UcArch::X86, Mode::MODE_64),
            Arch::Aarch64 => Unicorn::new(UcArch::ARM64, Mode::ARM),
        }
        .map_err(|e| format!("unicorn: {e:?}"))?;
        // The guest stack, page aligned.
        let mut stack = vec![0u8; GUEST_STACK + PAGE as usize];
        let stack_base = (stack.as_mut_ptr() as u64).next_multiple_of(PAGE);
        // Only code is executable, and only data writable, as natively.
        // Unicorn checks every guest store to an executable page for code
        // it must retranslate: with the arena executable, stores to frames
        // invalidated translations, and a long run's retranslations filled
        // the translation buffer (unicorn then flushed it inside a nested
        // run, a host crash).
        let data = Prot::READ | Prot::WRITE;
        let code = Prot::READ | Prot::EXEC;
        let mut all: Vec<(u64, usize, Prot)> =
            spec.regions.iter().map(|&(a, l)| (a, l, data)).collect();
        all.push((spec.code.0, spec.code.1, code));
        all.push((trap_base, TRAP_MAPPING as usize, code));
        all.push((stack_base, GUEST_STACK, data));
        for &(addr, len, prot) in &all {
            // SAFETY: each region is host memory that outlives the emulator
            // (owned by the VM, or by this struct).
            unsafe {
                uc.mem_map_ptr(
                    addr,
                    (len as u64).next_multiple_of(PAGE),
                    prot,
                    addr as *mut libc::c_void,
                )
            }
            .map_err(|e| format!("unicorn mem_map_ptr({addr:#x}): {e:?}"))?;
        }
        let bad_access = Rc::new(Cell::new(None));
        let spans: Vec<(u64, u64)> = all
            .iter()
            .map(|&(a, l, _)| (a, a + (l as u64).next_multiple_of(PAGE)))
            .collect();
        let code_spans = [
            (spec.code.0, spec.code.0 + spec.code.1 as u64),
            (trap_base, trap_base + TRAP_MAPPING),
        ];
        let unwatched = spec.unwatched.unwrap_or((0, 0));
        let mut watched: Vec<(HookType, u64, u64)> = unmapped_gaps(&spans)
            .into_iter()
            .filter(|&(lo, hi)| !(lo >= unwatched.0 && hi < unwatched.1))
            .map(|(lo, hi)| (HookType::MEM_UNMAPPED, lo, hi))
            .collect();
        watched.extend(
            code_spans
                .iter()
                .map(|&(lo, hi)| (HookType::MEM_WRITE_PROT, lo, hi - 1)),
        );
        // Unicorn's default (CPU) TLB has the guest's MMU off, so every page
        // it fills is executable, and unicorn never marks an executable
        // page's TLB entry dirty: every guest store took the slow path
        // through `notdirty_write`. With a virtual TLB whose fill gives each
        // page its mapping's protection, data pages are not executable and
        // stores stay on the fast path after the first. Unicorn still checks
        // each access against its mapping; an access the fill would deny
        // (a fetch from data, a store into code) is let through to that
        // check, so it fails as FETCH_PROT / WRITE_PROT, and the TLB is
        // flushed after any fault.
        uc.ctl_set_tlb_type(TlbType::VIRTUAL)
            .map_err(|e| format!("unicorn virtual TLB: {e:?}"))?;
        let executable = code_spans;
        uc.add_tlb_hook(1, 0, move |_, addr, access| {
            let code = executable.iter().any(|&(lo, hi)| (lo..hi).contains(&addr));
            let perms = match (code, access) {
                (true, MemType::WRITE) | (false, MemType::FETCH) => Prot::ALL,
                (true, _) => Prot::READ | Prot::EXEC,
                (false, _) => Prot::READ | Prot::WRITE,
            };
            Some(TlbEntry { paddr: addr, perms })
        })
        .map_err(|e| format!("unicorn TLB hook: {e:?}"))?;
        for (kind, lo, hi) in watched {
            let bad = bad_access.clone();
            uc.add_mem_hook(kind, lo, hi, move |_, _, addr, _, _| {
                bad.set(Some(addr));
                false
            })
            .map_err(|e| format!("unicorn hook: {e:?}"))?;
        }
        uc.add_code_hook(trap_base, trap_base + PAGE - 1, move |uc, addr, _| {
            trap_hook(uc, arch, trap_base, addr)
        })
        .map_err(|e| format!("unicorn hook: {e:?}"))?;
        let counted = if spec.count {
            let n = Rc::new(Cell::new(0u64));
            let c = n.clone();
            uc.add_code_hook(1, 0, move |_, _, _| c.set(c.get() + 1))
                .map_err(|e| format!("unicorn hook: {e:?}"))?;
            Some(n)
        } else {
            None
        };
        let mem_counted = if spec.count_mem {
            let n = Rc::new(Cell::new(0u64));
            let c = n.clone();
            uc.add_mem_hook(
                HookType::MEM_READ | HookType::MEM_WRITE,
                1,
                0,
                move |_, _, _, _, _| {
                    c.set(c.get() + 1);
                    true
                },
            )
            .map_err(|e| format!("unicorn hook: {e:?}"))?;
            Some(n)
        } else {
            None
        };
        let budget = if spec.budget {
            let b = Rc::new(Budget {
                count: Cell::new(0),
                last_fuel: Cell::new(u64::MAX),
                tripped: Cell::new(false),
                fuel: spec.fuel,
            });
            let hook = b.clone();
            uc.add_code_hook(1, 0, move |uc, _, _| {
                let n = hook.count.get() + 1;
                hook.count.set(n);
                if n >= INSN_BUDGET {
                    // SAFETY: the JIT state outlives every engine of its JIT.
                    let fuel = unsafe { *hook.fuel };
                    if fuel == hook.last_fuel.get() {
                        hook.tripped.set(true);
                        let _ = uc.emu_stop();
                    }
                    hook.last_fuel.set(fuel);
                    hook.count.set(0);
                }
            })
            .map_err(|e| format!("unicorn hook: {e:?}"))?;
            Some(b)
        } else {
            None
        };
        Ok(Emulator {
            uc,
            counted,
            mem_counted,
            budget,
            arch,
            trap_base,
            stack_top: stack_base + GUEST_STACK as u64 - 64,
            bad_access,
            depth: Rc::new(Cell::new(0)),
            _stack: stack,
        })
    }

    fn fault(pc: u64, message: String) -> Fault {
        Fault {
            pc,
            address: None,
            message,
            hang: false,
        }
    }

    fn run(&mut self, entry: u64, frame: u64, state: *mut JitState) -> Result<u64, Fault> {
        let nested = self.depth.get() > 0;
        let slot = if nested {
            NESTED_RETURN_SLOT
        } else {
            RETURN_SLOT
        };
        let ret = self.trap_base + 16 * slot;
        self.bad_access.set(None);
        // A nested run (a helper called back into traced code) continues on
        // the guest stack below the outer run's frames, and gives the outer
        // run its registers back afterwards.
        let outer = if nested {
            let ctx = self.uc.context_init().map_err(|e| {
                Self::fault(entry, format!("saving the outer emulation context: {e:?}"))
            })?;
            Some(ctx)
        } else {
            if let Some(b) = &self.budget {
                b.count.set(0);
                b.last_fuel.set(u64::MAX);
                b.tripped.set(false);
            }
            None
        };
        // Below the outer run's frames, past x86-64's 128-byte red zone.
        let stack_top = match (&outer, self.arch) {
            (None, _) => self.stack_top,
            (Some(_), Arch::X86_64) => self.uc.reg_read(RegisterX86::RSP).unwrap_or(0) - 256,
            (Some(_), Arch::Aarch64) => self.uc.reg_read(RegisterARM64::SP).unwrap_or(0) - 256,
        };
        let setup = match self.arch {
            Arch::X86_64 => {
                // A call pushes the return address: rsp % 16 == 8 at entry.
                let rsp = (stack_top & !15) - 8;
                // SAFETY: inside the guest stack buffer.
                unsafe { *(rsp as *mut u64) = ret };
                [
                    (RegisterX86::RSP as i32, rsp),
                    (RegisterX86::RDI as i32, frame),
                    (RegisterX86::RSI as i32, state as u64),
                ]
                .iter()
                .try_for_each(|&(r, v)| self.uc.reg_write(r, v))
            }
            Arch::Aarch64 => [
                (RegisterARM64::SP as i32, stack_top & !15),
                (RegisterARM64::X0 as i32, frame),
                (RegisterARM64::X1 as i32, state as u64),
                (RegisterARM64::X30 as i32, ret),
            ]
            .iter()
            .try_for_each(|&(r, v)| self.uc.reg_write(r, v)),
        };
        setup.map_err(|e| Self::fault(entry, format!("register setup: {e:?}")))?;
        // No wall-clock limit here (a timer thread per call costs more than
        // the run): a trace that never returns is contained by the oracle's
        // worker process, then confirmed deterministically with `+budget`.
        self.depth.set(self.depth.get() + 1);
        // 0: no exit address (the trap hook stops at RETURN_SLOT).
        let until = if nested { ret } else { 0 };
        let result = self.uc.emu_start(entry, until, 0, 0);
        self.depth.set(self.depth.get() - 1);
        let pc = self.uc.pc_read().unwrap_or(0);
        let tripped = self.budget.as_ref().is_some_and(|b| b.tripped.get());
        let status = match result {
            _ if tripped => Err(Fault {
                pc,
                address: None,
                message: format!("{INSN_BUDGET} instructions without a fuel tick"),
                hang: true,
            }),
            Ok(()) if pc == ret => {
                let r = match self.arch {
                    Arch::X86_64 => RegisterX86::RAX as i32,
                    Arch::Aarch64 => RegisterARM64::X0 as i32,
                };
                Ok(self.uc.reg_read(r).unwrap_or(u64::MAX))
            }
            Ok(()) => Err(Self::fault(pc, "emulation stopped early".into())),
            Err(e) => Err(Fault {
                pc,
                address: self.bad_access.get(),
                message: format!("{e:?}"),
                hang: false,
            }),
        };
        if status.is_err() {
            // A denied access may have left a page's entry with every
            // permission (see the TLB fill hook).
            let _ = self.uc.ctl_flush_tlb();
        }
        if let Some(ctx) = outer {
            self.uc.context_restore(&ctx).map_err(|e| {
                Self::fault(pc, format!("restoring the outer emulation context: {e:?}"))
            })?;
            // The outer run must stop too once the budget tripped.
            if tripped {
                let _ = self.uc.emu_stop();
            }
        }
        status
    }
}

/// The unmapped stretches of the address space around `mapped` (half-open
/// spans), as inclusive ranges: where the invalid-access hooks go.
///
/// Not one hook over everything: unicorn treats a page that any
/// invalid-access hook covers as watched, and never marks a watched page's
/// TLB entry dirty, so every guest store to it took the slow path through
/// `notdirty_write` and a physical-map walk (a third of an emulated
/// trace's time). An access to a mapped page can only be invalid by its
/// protection: a fetch from data (the PC says where) or a store into code
/// memory (watched on its own, no data page shares it).
///
/// Nor one hook per gap everywhere: unicorn walks its invalid-access hook
/// lists (one per access kind, each hook in all three) for every block it
/// translates, to learn whether the block's page is watched. With a hook
/// per frame slot's guard page (201 slots) that walk was a tenth of an
/// emulated campaign's time, so only the shallow slots' guard pages are
/// watched (see `EmuSpec::unwatched`).
fn unmapped_gaps(mapped: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut spans = mapped.to_vec();
    spans.sort_unstable();
    let mut gaps = vec![];
    let mut next = 0u64;
    for (lo, hi) in spans {
        if lo > next {
            gaps.push((next, lo - 1));
        }
        next = next.max(hi);
    }
    if next != 0 {
        gaps.push((next, u64::MAX));
    }
    gaps
}

/// The trap-page hook: call helper `(addr - base) / 16` and leave its
/// result in the return register, for the slot's `ret` to return with. At
/// any other address (the outermost run's return, a stray jump) it stops
/// the run there.
fn trap_hook(uc: &mut Unicorn<'_, ()>, arch: Arch, base: u64, addr: u64) {
    let slot = (addr - base) / 16;
    if slot as usize >= helpers::HELPERS.len() || !addr.is_multiple_of(16) {
        let _ = uc.emu_stop();
        return;
    }
    let regs: [i32; 4] = match arch {
        Arch::X86_64 => [
            RegisterX86::RDI as i32,
            RegisterX86::RSI as i32,
            RegisterX86::RDX as i32,
            RegisterX86::RCX as i32,
        ],
        Arch::Aarch64 => [
            RegisterARM64::X0 as i32,
            RegisterARM64::X1 as i32,
            RegisterARM64::X2 as i32,
            RegisterARM64::X3 as i32,
        ],
    };
    let args = regs.map(|r| uc.reg_read(r).unwrap_or(0));
    // SAFETY: the guest is our stencil code calling a helper with the
    // arguments its C declaration gives.
    let result = unsafe { helpers::call_by_index(slot as usize, args) };
    let _ = match arch {
        Arch::X86_64 => uc.reg_write(RegisterX86::RAX, result),
        Arch::Aarch64 => uc.reg_write(RegisterARM64::X0, result),
    };
}

#[cfg(test)]
mod tests;
