//! Where compiled traces run. `Native` executes the x86-64 code on this
//! machine (W^X: written while read-write, then made read+exec, never both).
//! `EmuX86` and `EmuA64` run x86-64 / AArch64 code under unicorn, with the
//! arena, code memory and JIT state mapped at their host addresses so every
//! pointer means the same in both worlds. Runtime helpers sit on a trap page:
//! a code hook on that page reads the arguments by the target's C ABI, calls
//! the Rust helper, writes the result and returns. A fault under emulation is
//! reported with PC and address, never a crash of the fuzzer.

use std::cell::Cell;
use std::rc::Rc;

use unicorn_engine::{Arch as UcArch, HookType, Mode, Prot, RegisterARM64, RegisterX86, Unicorn};

use super::codegen::{self, Compiled, Mispatch, Placed};
use super::helpers;
use super::reloc::Arch;
use super::state::{JitState, StateRegion};
use super::stencil::StencilTable;
use super::stencils;
use crate::runtime::mapping::Mapping;
use crate::tier2::Executor;

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
}

/// Bytes of code memory per VM.
const CODE_REGION: usize = 32 << 20;
const PAGE: u64 = 4096;

/// One machine-code region, bump-allocated in whole pages per trace so a
/// page is never written after it became executable.
pub struct CodeMemory {
    mapping: Mapping,
    used: usize,
}

impl CodeMemory {
    fn new() -> CodeMemory {
        CodeMemory {
            mapping: Mapping::new(CODE_REGION, false, "JIT code memory"),
            used: 0,
        }
    }
    fn next(&self) -> u64 {
        self.mapping.addr() + self.used as u64
    }
    /// Copies `bytes` to the next free pages (which must be at `at`).
    fn write(&mut self, at: u64, bytes: &[u8], executable: bool) -> Result<(), String> {
        let size = (bytes.len() as u64).next_multiple_of(PAGE) as usize;
        if at != self.next() || self.used + size > self.mapping.len() {
            return Err("JIT code memory is full".into());
        }
        // SAFETY: the pages are inside the mapping and still read-write.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), at as *mut u8, bytes.len());
            if executable
                && libc::mprotect(
                    at as *mut libc::c_void,
                    size,
                    libc::PROT_READ | libc::PROT_EXEC,
                ) != 0
            {
                return Err("mprotect(read+exec) of JIT code failed".into());
            }
        }
        self.used += size;
        Ok(())
    }
    /// Makes the whole region writable and empty again (between programs).
    fn reset(&mut self) {
        if self.used > 0 {
            // SAFETY: the region is ours; nothing runs in it between programs.
            unsafe {
                libc::mprotect(
                    self.mapping.base() as *mut libc::c_void,
                    self.used,
                    libc::PROT_READ | libc::PROT_WRITE,
                );
            }
        }
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
    pub bytes: Vec<u8>,
    pub placed: Vec<Placed>,
    pub compile_ns: u64,
}

/// Why emulated code stopped abnormally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub pc: u64,
    pub address: Option<u64>,
    pub message: String,
}

/// Trap-page slot used as the shim's return address.
const RETURN_SLOT: u64 = 255;
const GUEST_STACK: usize = 1 << 20;

struct Emulator {
    uc: Unicorn<'static, ()>,
    /// Instructions executed, when counting was asked for.
    counted: Option<Rc<Cell<u64>>>,
    arch: Arch,
    trap_base: u64,
    stack_top: u64,
    bad_access: Rc<Cell<Option<u64>>>,
    _trap: Vec<u8>,
    _stack: Vec<u8>,
}

impl Emulator {
    fn new(arch: Arch, regions: &[(u64, usize)], count: bool) -> Result<Emulator, String> {
        let mut uc = match arch {
            Arch::X86_64 => Unicorn::new(UcArch::X86, Mode::MODE_64),
            Arch::Aarch64 => Unicorn::new(UcArch::ARM64, Mode::ARM),
        }
        .map_err(|e| format!("unicorn: {e:?}"))?;
        // Host buffers for the trap page and the guest stack, page aligned.
        let mut trap = vec![0u8; 2 * PAGE as usize];
        let trap_base = (trap.as_mut_ptr() as u64).next_multiple_of(PAGE);
        let fill: &[u8] = match arch {
            Arch::X86_64 => &[0xcc],                    // int3
            Arch::Aarch64 => &[0x00, 0x00, 0x20, 0xd4], // brk #0
        };
        for (i, b) in trap.iter_mut().enumerate() {
            *b = fill[i % fill.len()];
        }
        let mut stack = vec![0u8; GUEST_STACK + PAGE as usize];
        let stack_base = (stack.as_mut_ptr() as u64).next_multiple_of(PAGE);
        let mut all: Vec<(u64, usize)> = regions.to_vec();
        all.push((trap_base, PAGE as usize));
        all.push((stack_base, GUEST_STACK));
        for &(addr, len) in &all {
            // SAFETY: each region is host memory that outlives the emulator
            // (owned by the VM, or by this struct).
            unsafe {
                uc.mem_map_ptr(
                    addr,
                    (len as u64).next_multiple_of(PAGE),
                    Prot::ALL,
                    addr as *mut libc::c_void,
                )
            }
            .map_err(|e| format!("unicorn mem_map_ptr({addr:#x}): {e:?}"))?;
        }
        let bad_access = Rc::new(Cell::new(None));
        let bad = bad_access.clone();
        uc.add_mem_hook(HookType::MEM_INVALID, 1, 0, move |_, _, addr, _, _| {
            bad.set(Some(addr));
            false
        })
        .map_err(|e| format!("unicorn hook: {e:?}"))?;
        uc.add_code_hook(trap_base, trap_base + PAGE - 1, move |uc, addr, _| {
            trap_hook(uc, arch, trap_base, addr)
        })
        .map_err(|e| format!("unicorn hook: {e:?}"))?;
        let counted = if count {
            let n = Rc::new(Cell::new(0u64));
            let c = n.clone();
            uc.add_code_hook(1, 0, move |_, _, _| c.set(c.get() + 1))
                .map_err(|e| format!("unicorn hook: {e:?}"))?;
            Some(n)
        } else {
            None
        };
        Ok(Emulator {
            uc,
            counted,
            arch,
            trap_base,
            stack_top: stack_base + GUEST_STACK as u64 - 64,
            bad_access,
            _trap: trap,
            _stack: stack,
        })
    }

    fn helper_address(&self, name: &str) -> Option<u64> {
        helpers::HELPERS
            .iter()
            .position(|h| *h == name)
            .map(|i| self.trap_base + 16 * i as u64)
    }

    fn run(&mut self, entry: u64, frame: u64, state: *mut JitState) -> Result<u64, Fault> {
        let ret = self.trap_base + 16 * RETURN_SLOT;
        self.bad_access.set(None);
        let setup = match self.arch {
            Arch::X86_64 => {
                let rsp = self.stack_top & !15;
                // A call pushes the return address: rsp % 16 == 8 at entry.
                let rsp = rsp - 8;
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
                (RegisterARM64::SP as i32, self.stack_top & !15),
                (RegisterARM64::X0 as i32, frame),
                (RegisterARM64::X1 as i32, state as u64),
                (RegisterARM64::X30 as i32, ret),
            ]
            .iter()
            .try_for_each(|&(r, v)| self.uc.reg_write(r, v)),
        };
        setup.map_err(|e| Fault {
            pc: entry,
            address: None,
            message: format!("register setup: {e:?}"),
        })?;
        // A generous wall-clock watchdog: fuel bounds every correct trace, so
        // this only stops a miscompiled infinite loop (never an oracle).
        let result = self.uc.emu_start(entry, ret, 0, 0);
        let pc = self.uc.pc_read().unwrap_or(0);
        match result {
            Ok(()) if pc == ret => {
                let r = match self.arch {
                    Arch::X86_64 => RegisterX86::RAX as i32,
                    Arch::Aarch64 => RegisterARM64::X0 as i32,
                };
                Ok(self.uc.reg_read(r).unwrap_or(u64::MAX))
            }
            Ok(()) => Err(Fault {
                pc,
                address: None,
                message: "emulation stopped early (watchdog)".into(),
            }),
            Err(e) => Err(Fault {
                pc,
                address: self.bad_access.get(),
                message: format!("{e:?}"),
            }),
        }
    }
}

/// The trap-page hook: call helper `(addr - base) / 16`, then return.
fn trap_hook(uc: &mut Unicorn<'_, ()>, arch: Arch, base: u64, addr: u64) {
    let slot = (addr - base) / 16;
    if slot == RETURN_SLOT || slot as usize >= helpers::HELPERS.len() || !addr.is_multiple_of(16) {
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
    match arch {
        Arch::X86_64 => {
            let rsp = uc.reg_read(RegisterX86::RSP).unwrap_or(0);
            // SAFETY: the guest stack is host memory mapped at its address.
            let ret = unsafe { *(rsp as *const u64) };
            let _ = uc.reg_write(RegisterX86::RAX, result);
            let _ = uc.reg_write(RegisterX86::RSP, rsp + 8);
            let _ = uc.reg_write(RegisterX86::RIP, ret);
        }
        Arch::Aarch64 => {
            let lr = uc.reg_read(RegisterARM64::X30).unwrap_or(0);
            let _ = uc.reg_write(RegisterARM64::X0, result);
            let _ = uc.reg_write(RegisterARM64::PC, lr);
        }
    }
}

/// Counters per backend.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JitStats {
    pub traces_compiled: u64,
    pub compile_failures: u64,
    pub uops_compiled: u64,
    pub compile_ns: u64,
    pub code_bytes: u64,
    pub entries: u64,
    pub stencils_executed: u64,
    pub faults: u64,
    /// Traces run by the tier-2 interpreter because emulation was already
    /// active (a helper called back into code with its own traces).
    pub nested_interpreted: u64,
    /// Instructions emulated (only with `+count-insns`: a code hook on every
    /// instruction, about an order of magnitude slower).
    pub emulated_instructions: u64,
    /// Exits and deopts taken, by uop (this backend's share).
    pub exits_by_uop: std::collections::BTreeMap<&'static str, u64>,
}

impl JitStats {
    pub fn add(&mut self, o: &JitStats) {
        self.traces_compiled += o.traces_compiled;
        self.compile_failures += o.compile_failures;
        self.uops_compiled += o.uops_compiled;
        self.compile_ns += o.compile_ns;
        self.code_bytes += o.code_bytes;
        self.entries += o.entries;
        self.stencils_executed += o.stencils_executed;
        self.faults += o.faults;
        self.nested_interpreted += o.nested_interpreted;
        self.emulated_instructions += o.emulated_instructions;
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
    emu: Option<Emulator>,
    pub mispatch: Option<Mispatch>,
    /// Next free exit link slot (slot 0 is never linked).
    next_link: u32,
}

impl Jit {
    /// `arena` is the VM arena's mapping (mapped into the emulator) and
    /// `frames` its frame region, whose slots' guard pages stay unmapped.
    pub fn new(
        kind: BackendKind,
        arena: (u64, usize),
        frames: (u64, u64),
        count_instructions: bool,
    ) -> Result<Jit, String> {
        let code = CodeMemory::new();
        let state = StateRegion::new();
        let emu = if kind.emulated() {
            // Each frame slot's frame page is mapped on its own and its guard
            // page not at all (separate maps: splitting one big mapping per
            // guard page is quadratic in unicorn).
            let slot = crate::runtime::frame::FRAME_SLOT;
            let page = crate::runtime::frame::MAX_FRAME_BYTES as usize;
            // Only the slots a run can use (module frame + MAX_DEPTH calls).
            let slots = crate::lang::limits::MAX_DEPTH as u64 + 1;
            let end = frames.1.min(frames.0 + slots * slot);
            let mut regions: Vec<(u64, usize)> = (frames.0..end)
                .step_by(slot as usize)
                .map(|s| (s, page))
                .collect();
            debug_assert_eq!(frames.1, arena.0 + (frames.1 - frames.0));
            regions.push((frames.1, arena.1 - (frames.1 - arena.0) as usize));
            regions.extend([(code.mapping.addr(), code.mapping.len()), state.mapping()]);
            Some(Emulator::new(kind.arch(), &regions, count_instructions)?)
        } else {
            None
        };
        Ok(Jit {
            kind,
            code,
            state,
            emu,
            mispatch: None,
            next_link: 1,
        })
    }

    /// Instructions emulated since the last call (0 unless counting).
    pub fn take_instruction_count(&mut self) -> u64 {
        self.emu
            .as_ref()
            .and_then(|e| e.counted.as_ref())
            .map_or(0, |c| c.replace(0))
    }

    /// Forgets every trace (between programs).
    pub fn reset(&mut self) {
        // Links point into the previous program's code.
        self.state.clear_links(self.next_link);
        self.next_link = 1;
        match &mut self.emu {
            // Emulated: keep bumping through code memory across programs, so
            // unicorn never has to invalidate translations of reused
            // addresses (expensive); rewind and flush its translation cache
            // only when the region is mostly used.
            Some(e) => {
                if self.code.used > self.code.mapping.len() / 2 {
                    let _ = e.uc.ctl_flush_tb();
                    self.code.reset();
                }
            }
            None => self.code.reset(),
        }
    }

    fn helper_address(&self, name: &str) -> Option<u64> {
        match &self.emu {
            Some(e) => e.helper_address(name),
            None => helpers::native_address(name),
        }
    }

    /// Compiles and installs executor `eid`.
    pub fn compile(&mut self, ex: &Executor, eid: usize) -> Result<CompiledCode, String> {
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
        let start = std::time::Instant::now();
        let base = self.code.next();
        let Compiled {
            bytes,
            entry,
            placed,
        } = codegen::compile(
            self.kind.table(),
            self.kind.arch(),
            ex,
            eid,
            link_base,
            base,
            &|n| self.helper_address(n),
            self.mispatch,
        )?;
        self.code.write(base, &bytes, !self.kind.emulated())?;
        let compile_ns = start.elapsed().as_nanos() as u64;
        let first_uop = placed.get(1).map_or(entry, |p| p.addr);
        Ok(CompiledCode {
            arch: self.kind.arch(),
            entry,
            first_uop,
            link_base,
            base,
            bytes,
            placed,
            compile_ns,
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
