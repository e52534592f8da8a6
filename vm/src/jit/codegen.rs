//! Compiling an executor: copy one stencil per step of its register-variant
//! selection (each uop in its variant, spills and reloads between them),
//! then the exit stubs (each in the variant that writes back the values
//! cached at its exit), an error stub and an overrun guard, and patch every
//! hole. Layout, as in CPython's `_PyJIT_Compile`:
//! `[shim][step 0]..[step n-1][exit stubs][error stub][fatal][trampolines][data]`.

use super::index::{self, Prepared, StencilIndex};
use super::patch::{self, PatchError};
use super::reloc::{Arch, RelocKind};
use super::select::Step;
use super::stencil::HoleValue;
use crate::tier2::Executor;
use crate::tier2::uops::Variant;

/// Where one stencil was placed (for `show` and fault reports).
#[derive(Clone, Debug)]
pub struct Placed {
    pub name: &'static str,
    /// Index of the uop (None for shim, spills, stubs, guard).
    pub uop: Option<usize>,
    /// The register variant it runs in (a uop's, a spill's, a stub's).
    pub variant: Variant,
    pub addr: u64,
    pub len: usize,
    /// Its patched holes, in [`Listing::holes`] (an empty range when the
    /// JIT kept no listing).
    pub holes: std::ops::Range<usize>,
}

/// A patched hole: (offset in the stencil, kind, what, value).
pub type PatchedHole = (u32, RelocKind, HoleValue, u64);

/// What `jitdiff show` prints of a trace beyond its stencil layout: its
/// bytes and every patched hole, stencil after stencil (a placed stencil's
/// are `holes[placed.holes]`). Recorded only when asked: a campaign never
/// reads them, and recording them was a fifth of compile time.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub bytes: Vec<u8>,
    pub holes: Vec<PatchedHole>,
}

/// Planted bug (`+inject=a64-movw-g1`): the AArch64 MOVW_UABS_G1_NC patch
/// writes the wrong 16-bit chunk. Only AArch64 code has that relocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mispatch;

/// What to compile: the executor, its id, the selection of variants for its
/// uops, and where its exits' link slots start.
pub struct Input<'a> {
    pub ex: &'a Executor,
    pub eid: usize,
    pub steps: &'a [Step],
    pub link_base: u32,
    /// Planted bugs in the stencil choice (spill table, exit stubs).
    pub inject: Option<crate::planted::Injection>,
    /// `+checkregs`: a `_CHECK_REGS` stencil before every uop, after any
    /// spill, at the depth the uop starts at.
    pub check_regs: bool,
    /// `+count-stencils`: a counting stencil before every step.
    pub count_stencils: bool,
}

/// What a placed stencil is in the trace.
#[derive(Clone, Copy)]
enum Role {
    Shim,
    /// A step of the selection (a uop, a spill or reload, or a probe): the
    /// uop it runs, its variant, and for a probe the `_JIT_OPERAND0` it
    /// reads (the uop a `_CHECK_REGS` checks, the counter a counting
    /// stencil bumps).
    Step {
        uop: Option<usize>,
        variant: Variant,
        probe: Option<usize>,
    },
    /// The stub of exit `e`, writing back `depth` cached values.
    Exit {
        e: usize,
        depth: u8,
    },
    ErrorStub,
    Fatal,
}

/// One stencil of the trace being compiled, and where it goes.
struct Part<'t> {
    stencil: &'t Prepared,
    role: Role,
    /// Offset of its code, and of its data, from the trace's start.
    at: u64,
    data_at: u64,
    /// Code bytes copied (without a dropped trailing jump).
    len: usize,
}

/// A trace laid out, not yet written: its stencils in order and where
/// each goes. [`Plan::bytes`] bytes of code memory take it.
pub struct Plan {
    parts: Vec<Part<'static>>,
    layout: Layout,
    /// Spare: the buffer the exits' depths were gathered in.
    exit_depth: Vec<u8>,
}

/// The vectors a plan is built in, handed back by [`Plan::into_buffers`]
/// so the next compile reuses them (a compile then allocates only the
/// record of where its stencils went).
#[derive(Default)]
pub struct PlanBuffers {
    parts: Vec<Part<'static>>,
    exit_depth: Vec<u8>,
    exit_at: Vec<u64>,
}

impl Plan {
    pub fn into_buffers(self) -> PlanBuffers {
        PlanBuffers {
            parts: self.parts,
            exit_depth: self.exit_depth,
            exit_at: self.layout.exit_at,
        }
    }
    /// Bytes the trace takes (code, trampolines, data).
    pub fn bytes(&self) -> usize {
        self.layout.end as usize
    }
    /// Offset of the shim (the C-ABI entry) from the trace's start.
    pub fn entry_offset(&self) -> u64 {
        self.parts[0].at
    }
}

/// Pass 1 of compiling an executor for a table: the stencils and their
/// offsets.
pub fn plan(
    stencils: &'static StencilIndex,
    input: &Input,
    buffers: PlanBuffers,
) -> Result<Plan, String> {
    let PlanBuffers {
        mut parts,
        mut exit_depth,
        exit_at,
    } = buffers;
    parts.clear();
    parts_into(stencils, input, &mut parts, &mut exit_depth)?;
    let layout = layout(&mut parts, exit_at);
    Ok(Plan {
        parts,
        layout,
        exit_depth,
    })
}

/// What [`emit`] needs besides the plan and the input.
pub struct Target<'a> {
    pub stencils: &'a StencilIndex,
    pub arch: Arch,
    /// The address `dest[0]` will run at.
    pub base: u64,
    /// Each runtime helper's address for the backend, by its position in
    /// `helpers::HELPERS`.
    pub helpers: &'a [Option<u64>],
    pub mispatch: Option<Mispatch>,
}

/// Pass 2: copies every stencil of `plan` into `dest` (exactly
/// [`Plan::bytes`] bytes, written straight into code memory: no buffer in
/// between) and patches its holes; where each stencil went. Bytes no
/// stencil covers (alignment, unused trampoline room) are zeroed, so code
/// memory holds the same bytes whatever was there before. With `listing`,
/// also the bytes and every patched hole.
pub fn emit(
    plan: &Plan,
    input: &Input,
    target: &Target,
    dest: &mut [u8],
    mut listing: Option<&mut Listing>,
) -> Result<Vec<Placed>, String> {
    let Plan { parts, layout, .. } = plan;
    assert_eq!(dest.len(), plan.bytes(), "code memory sized to the plan");
    let mut placed = Vec::with_capacity(parts.len());
    let mut patcher = Patcher {
        stencils: target.stencils,
        arch: target.arch,
        input,
        base: target.base,
        helpers: target.helpers,
        mispatch: target.mispatch,
        layout,
        trampolines: Vec::new(),
        next_tramp: layout.tramp_at,
    };
    // Zeroing first is one `memset` of about a kilobyte: cheaper than
    // tracking the gaps between stencils.
    dest.fill(0);
    for (k, part) in parts.iter().enumerate() {
        let s = part.stencil.stencil;
        let (at, data) = (part.at as usize, part.data_at as usize);
        dest[at..at + part.len].copy_from_slice(&s.code[..part.len]);
        dest[data..data + s.data.len()].copy_from_slice(s.data);
        let holes = match listing.as_deref_mut() {
            Some(l) => {
                let first = l.holes.len();
                patcher.patch_part(parts, k, dest, Some(&mut l.holes))?;
                first..l.holes.len()
            }
            None => {
                patcher.patch_part(parts, k, dest, None)?;
                0..0
            }
        };
        let (uop, variant) = match part.role {
            Role::Step { uop, variant, .. } => (uop, variant),
            Role::Exit { depth, .. } => (None, Variant::new(depth, 0)),
            Role::Shim | Role::ErrorStub | Role::Fatal => (None, Variant::MEMORY),
        };
        placed.push(Placed {
            name: s.name,
            uop,
            variant,
            addr: target.base + part.at,
            len: part.len,
            holes,
        });
    }
    debug_assert!(target.arch == Arch::Aarch64 || patcher.trampolines.is_empty());
    if let Some(l) = listing {
        l.bytes = dest.to_vec();
    }
    Ok(placed)
}

/// The trace's stencils in layout order: the shim, one per step (with a
/// probe before a uop under `+checkregs` and before every step under
/// `+count-stencils`), the exit stubs, the error stub and the overrun guard.
fn parts_into<'t>(
    stencils: &'t StencilIndex,
    input: &Input,
    parts: &mut Vec<Part<'t>>,
    exit_depth: &mut Vec<u8>,
) -> Result<(), String> {
    let Input {
        ex,
        steps,
        inject,
        check_regs,
        count_stencils,
        ..
    } = *input;
    let (shim, error_stub, fatal) = stencils.support()?;
    let probes = check_regs as usize + count_stencils as usize;
    parts.reserve(steps.len() * (1 + probes) + ex.exits.len() + 3);
    let part = |stencil, role| Part {
        stencil,
        role,
        at: 0,
        data_at: 0,
        len: 0,
    };
    let step = |uop, variant, probe| Role::Step {
        uop,
        variant,
        probe,
    };
    parts.push(part(shim, Role::Shim));
    // The variant each exit's stub runs in: the depth cached at the exit.
    exit_depth.clear();
    exit_depth.resize(ex.exits.len(), 0);
    for s in steps {
        if count_stencils {
            let (uop, v) = match *s {
                Step::Uop { index, variant } => {
                    (ex.uops.get(index).map(|i| i.uop.index()), variant)
                }
                Step::Spill { from, to } => (None, Variant::new(from, to)),
            };
            let counter = super::state::step_counter(uop, v.inputs, v.outputs);
            let d = Variant::new(v.inputs, v.inputs);
            parts.push(part(
                stencils.count_stencils(v.inputs)?,
                step(None, d, Some(counter)),
            ));
        }
        match *s {
            Step::Uop { index, variant } => {
                let inst = ex
                    .uops
                    .get(index)
                    .ok_or("a step names a uop past the trace")?;
                if check_regs {
                    let d = variant.inputs;
                    parts.push(part(
                        stencils.check_regs(d)?,
                        step(None, Variant::new(d, d), Some(index)),
                    ));
                }
                parts.push(part(
                    stencils.uop(inst.uop, variant)?,
                    step(Some(index), variant, None),
                ));
                if let Some(d) = exit_depth.get_mut(inst.exit as usize) {
                    *d = inst.uop.exit_depth(variant);
                }
            }
            Step::Spill { from, to } => {
                let (f, t) = crate::planted::spill_stencil(inject, from, to);
                parts.push(part(
                    stencils.spill_or_reload(f, t)?,
                    step(None, Variant::new(from, to), None),
                ));
            }
        }
    }
    for (e, &depth) in exit_depth.iter().enumerate() {
        let stub = match inject {
            None => stencils.exit_stub(depth)?,
            Some(_) => stencils.named(&crate::planted::exit_stub(inject, depth))?,
        };
        parts.push(part(stub, Role::Exit { e, depth }));
    }
    parts.push(part(error_stub, Role::ErrorStub));
    parts.push(part(fatal, Role::Fatal));
    Ok(())
}

/// Where the parts went, as offsets from the trace's start.
struct Layout {
    /// The first step's code (the fatal guard when there is none).
    first_step: u64,
    /// Each exit's stub, by exit.
    exit_at: Vec<u64>,
    error_at: u64,
    fatal_at: u64,
    tramp_at: u64,
    end: u64,
}

/// Pass 1: addresses. A step followed by another drops its trailing jump
/// to `_JIT_CONTINUE` and falls through (CPython's assembly pass does the
/// same): fewer jumps, and larger blocks for the emulators to translate.
/// Then room for AArch64 trampolines, then each stencil's data.
fn layout(parts: &mut [Part], mut exit_at: Vec<u64>) -> Layout {
    let n = parts.len();
    let mut offset = 0u64;
    let mut branch26 = 0u64;
    exit_at.clear();
    for k in 0..n {
        let followed = matches!(parts[k].role, Role::Step { .. })
            && matches!(parts.get(k + 1).map(|p| p.role), Some(Role::Step { .. }));
        let part = &mut parts[k];
        let s = part.stencil;
        part.len = if followed {
            s.followed_len as usize
        } else {
            s.stencil.code.len()
        };
        part.at = offset;
        offset += part.len as u64;
        branch26 += s.branch26 as u64;
        if let Role::Exit { .. } = part.role {
            exit_at.push(part.at);
        }
    }
    let tramp_at = offset.next_multiple_of(16);
    // Only AArch64 code has branch holes.
    let tramp_room = branch26 * patch::AARCH64_TRAMPOLINE_SIZE as u64;
    let mut data_at = (tramp_at + tramp_room).next_multiple_of(16);
    for part in parts.iter_mut() {
        part.data_at = data_at;
        data_at = (data_at + part.stencil.stencil.data.len() as u64).next_multiple_of(16);
    }
    let fatal_at = parts[n - 1].at;
    Layout {
        first_step: match parts[1].role {
            Role::Step { .. } => parts[1].at,
            _ => fatal_at,
        },
        exit_at,
        error_at: parts[n - 2].at,
        fatal_at,
        tramp_at,
        end: data_at,
    }
}

/// The value of each kind of hole in one part (a helper's address aside),
/// computed once per part rather than once per hole.
struct PartValues {
    next: u64,
    jump: u64,
    error: u64,
    oparg: u64,
    operand0: u64,
    target: u64,
    executor: u64,
    data: u64,
}

/// Pass 2: patching, with what every part shares.
struct Patcher<'a> {
    stencils: &'a StencilIndex,
    arch: Arch,
    input: &'a Input<'a>,
    base: u64,
    helpers: &'a [Option<u64>],
    mispatch: Option<Mispatch>,
    layout: &'a Layout,
    /// AArch64: the trampolines written so far, by target.
    trampolines: Vec<(u64, u64)>,
    next_tramp: u64,
}

impl Patcher<'_> {
    /// What the holes of part `k` are patched with, but for helpers.
    fn values(&self, parts: &[Part], k: usize) -> PartValues {
        let part = &parts[k];
        let Input {
            ex, eid, link_base, ..
        } = *self.input;
        let layout = self.layout;
        let base = self.base;
        // The next stencil: the following step, or the overrun guard.
        let next = match (part.role, parts.get(k + 1).map(|p| p.role)) {
            (Role::Shim, _) => layout.first_step,
            (Role::Step { .. }, Some(Role::Step { .. })) => parts[k + 1].at,
            _ => layout.fatal_at,
        };
        let mut v = PartValues {
            next: base + next,
            jump: base + layout.fatal_at,
            error: base + layout.error_at,
            oparg: 0,
            operand0: 0,
            target: 0,
            executor: eid as u64,
            data: base + part.data_at,
        };
        match part.role {
            Role::Step { uop: Some(i), .. } => {
                let inst = &ex.uops[i];
                if inst.uop == crate::tier2::uops::Uop::JumpToTop {
                    v.jump = base + layout.first_step;
                } else if let Some(&at) = layout.exit_at.get(inst.exit as usize) {
                    v.jump = base + at;
                }
                v.oparg = inst.oparg as u64;
                v.operand0 = inst.operand;
                v.target = inst.target as u64;
            }
            // A probe's operand: the uop a `_CHECK_REGS` checks, the
            // counter a counting stencil bumps.
            Role::Step {
                uop: None, probe, ..
            } => v.operand0 = probe.map_or(0, |u| u as u64),
            // An exit stub reports its executor and exit (linked exits mean
            // the code that leaves need not be the code that was entered);
            // its operand is its link slot (0: never linked).
            Role::Exit { e, .. } => {
                v.oparg = ((eid as u64) << 32) | e as u64;
                if link_base != 0 {
                    v.operand0 = (link_base + e as u32) as u64;
                }
            }
            Role::Shim | Role::ErrorStub | Role::Fatal => {}
        }
        v
    }

    /// Patches every hole of part `k` (already copied into `bytes`),
    /// recording each in `record` when there is one.
    #[inline]
    fn patch_part(
        &mut self,
        parts: &[Part],
        k: usize,
        bytes: &mut [u8],
        mut record: Option<&mut Vec<PatchedHole>>,
    ) -> Result<(), String> {
        let part = &parts[k];
        let v = self.values(parts, k);
        for ph in self.stencils.holes(part.stencil) {
            let h = &ph.hole;
            // Holes in a dropped tail jump are gone with it.
            if !ph.in_data && h.offset as usize >= part.len {
                continue;
            }
            let value = match h.value {
                HoleValue::Continue => v.next,
                HoleValue::JumpTarget => v.jump,
                HoleValue::ErrorTarget => v.error,
                HoleValue::Oparg => v.oparg,
                HoleValue::Operand0 => v.operand0,
                HoleValue::Target => v.target,
                HoleValue::Executor => v.executor,
                HoleValue::Data => v.data,
                HoleValue::Helper(name) => ph
                    .helper
                    .and_then(|i| self.helpers.get(i as usize).copied().flatten())
                    .ok_or_else(|| format!("no address for helper `{name}`"))?,
            };
            let target = value.wrapping_add(h.addend as u64);
            let region_at = if ph.in_data { part.data_at } else { part.at };
            let in_buf = (region_at + h.offset as u64) as usize;
            // The common case (`PreparedHole::plain`): the value, written.
            let written = if ph.plain
                && let Some(field) = bytes.get_mut(in_buf..in_buf + 8)
            {
                field.copy_from_slice(&target.to_le_bytes());
                target
            } else {
                self.patch_hole(bytes, part, ph, region_at, target)?
            };
            if let Some(r) = record.as_deref_mut() {
                r.push((h.offset, h.kind, h.value, written));
            }
        }
        Ok(())
    }

    /// Patches hole `ph` of `part` (in the part's code, or its data at
    /// `region_at`) with `target`: through a trampoline when a branch
    /// cannot reach it, as a direct or inverted jump where the stencil
    /// allows, threading the branches that land on its jump. The target as
    /// patched: a trampoline's address for a branch out of reach (or what
    /// the planted `a64-movw-g1` bug writes).
    fn patch_hole(
        &mut self,
        bytes: &mut [u8],
        part: &Part,
        ph: &index::PreparedHole,
        region_at: u64,
        target: u64,
    ) -> Result<u64, String> {
        let h = &ph.hole;
        let in_buf = (region_at + h.offset as u64) as usize;
        let location = self.base + region_at + h.offset as u64;
        let target = if index::is_branch26(h.kind) && !patch::branch26_in_range(target, location) {
            self.trampoline(bytes, target)
        } else {
            target
        };
        let target = match self.mispatch {
            Some(Mispatch) if h.kind == RelocKind::Aarch64MovwUabsG1Nc => target ^ (1 << 30),
            _ => target,
        };
        let kept_until = ph
            .direct_until
            .filter(|&end| self.arch == Arch::X86_64 && end as usize <= part.len)
            .map(|end| part.at as usize + end as usize);
        let at = part.at as usize;
        // Branches landing on the jump go straight to its target; the
        // jump may then be overwritten, if they all did.
        let kept = self.arch == Arch::Aarch64 || kept_until.is_some();
        let mut threaded = kept;
        if kept {
            // Every one it reaches, even after one it does not.
            for &o in ph.landers.offsets() {
                threaded &= retarget(self.arch, bytes, at + o as usize, target, self.base);
            }
        }
        let overwritable = threaded && ph.landers.complete;
        let skip = ph.skipping_branch.filter(|_| overwritable);
        let direct = match self.arch {
            Arch::X86_64 => kept_until.is_some_and(|end| {
                skip.is_some_and(|j| inverted_jump(bytes, at + j as usize, end, target, self.base))
                    || direct_jump(bytes, in_buf, end, target, self.base)
            }),
            Arch::Aarch64 => {
                skip.is_some_and(|j| inverted_branch(bytes, at + j as usize, target, self.base))
            }
        };
        if !direct {
            patch::patch(bytes, in_buf, h.kind, target, location)
                .map_err(|e: PatchError| format!("{}: {e}", part.stencil.stencil.name))?;
        }
        Ok(target)
    }

    /// AArch64: a branch out of reach (a Rust helper) goes through a
    /// trampoline, one per target.
    fn trampoline(&mut self, bytes: &mut [u8], target: u64) -> u64 {
        if let Some(&(_, t)) = self.trampolines.iter().find(|(to, _)| *to == target) {
            return t;
        }
        let t = self.next_tramp;
        patch::write_aarch64_trampoline(bytes, t as usize, target);
        self.next_tramp += patch::AARCH64_TRAMPOLINE_SIZE as u64;
        self.trampolines.push((target, self.base + t));
        self.base + t
    }
}

/// x86-64: a jump to an address of this trace, which the large code model
/// writes as `movabs $target, %reg; jmp *%reg` with the immediate at
/// `hole` and the `jmp` ending at `end` (found by
/// [`index::movabs_jmp_end`]), becomes `jmp rel32` padded with `int3`.
/// The same length and the same meaning (the scratch register is dead
/// wherever a stencil starts; pairs whose `jmp` a branch lands on are never
/// offered, so branches land on the `movabs`, now the `jmp`), but a direct
/// jump, which an emulator chains from block to block where an indirect
/// one is looked up at every pass. `base` is the address of `buf[0]`.
/// False (nothing written) when the target is out of `rel32`'s reach.
fn direct_jump(buf: &mut [u8], hole: usize, end: usize, target: u64, base: u64) -> bool {
    let start = hole - 2;
    let next = base + start as u64 + 5;
    let Ok(rel) = i32::try_from(target.wrapping_sub(next) as i64) else {
        return false;
    };
    buf[start] = 0xe9;
    buf[start + 1..start + 5].copy_from_slice(&rel.to_le_bytes());
    buf[start + 5..end].fill(0xcc);
    true
}

/// x86-64: `jcc L; movabs $target, %reg; jmp *%reg; L:`, the short
/// conditional jump at `jcc` skipping the pair that ends at `end` (found by
/// [`index`]'s `skipping_branch`), becomes `jncc target` (rel32) and NOPs up
/// to L. The same meaning: the path that fell into the pair takes the
/// branch, the path that jumped to L falls through the NOPs. But one
/// branch instead of two: an emulator ends a translated block at every
/// jump, so a guard's way on to the next uop cost a block of a single
/// `jmp` (CPython's stencil optimizer inverts these branches too). False
/// (nothing written) when the target is out of `rel32`'s reach.
fn inverted_jump(buf: &mut [u8], jcc: usize, end: usize, target: u64, base: u64) -> bool {
    let next = base + jcc as u64 + 6;
    let Ok(rel) = i32::try_from(target.wrapping_sub(next) as i64) else {
        return false;
    };
    // `7x rel8` -> `0f 8x rel32`, with the condition's low bit flipped.
    let cc = buf[jcc] & 0x0f;
    debug_assert_eq!(buf[jcc] & 0xf0, 0x70, "not a short jcc");
    buf[jcc] = 0x0f;
    buf[jcc + 1] = 0x80 | (cc ^ 1);
    buf[jcc + 2..jcc + 6].copy_from_slice(&rel.to_le_bytes());
    fill_nops(&mut buf[jcc + 6..end]);
    true
}

/// AArch64: `cbz/cbnz/tbz/tbnz/b.cond L; b target; L:`, the conditional
/// branch at `branch` skipping the `b` right after it (found by [`index`]'s
/// `skipping_branch`), becomes the inverted conditional branch to the
/// target and a NOP: as [`inverted_jump`] on x86-64. False (nothing
/// written) when the target is out of the conditional branch's reach.
fn inverted_branch(buf: &mut [u8], branch: usize, target: u64, base: u64) -> bool {
    let word = u32::from_le_bytes(buf[branch..branch + 4].try_into().expect("4 bytes"));
    if index::aarch64_cond_branch(word).is_none()
        || !retarget(Arch::Aarch64, buf, branch, target, base)
    {
        return false;
    }
    // CBZ/CBNZ and TBZ/TBNZ differ in bit 24, B.cond's conditions in bit 0.
    let flip = if word & 0xff00_0010 == 0x5400_0000 {
        1
    } else {
        1 << 24
    };
    let retargeted = u32::from_le_bytes(buf[branch..branch + 4].try_into().expect("4 bytes"));
    buf[branch..branch + 4].copy_from_slice(&(retargeted ^ flip).to_le_bytes());
    buf[branch + 4..branch + 8].copy_from_slice(&0xd503_201fu32.to_le_bytes()); // nop
    true
}

/// Points the branch at `at` (x86-64 `jcc`/`jmp` rel8 or rel32; AArch64
/// CBZ/CBNZ/TBZ/TBNZ/B.cond/B) at `target`, keeping its condition: how
/// a branch that landed on a jump to `target` is threaded past it. False
/// (nothing written) for another instruction or a target out of reach.
fn retarget(arch: Arch, buf: &mut [u8], at: usize, target: u64, base: u64) -> bool {
    match arch {
        Arch::X86_64 => {
            let (field, len) = match buf[at] {
                0x70..=0x7f | 0xeb => (1, 2),
                0xe9 => (1, 5),
                0x0f if buf[at + 1] & 0xf0 == 0x80 => (2, 6),
                _ => return false,
            };
            let rel = target.wrapping_sub(base + (at + len) as u64) as i64;
            if len == 2 {
                let Ok(rel) = i8::try_from(rel) else {
                    return false;
                };
                buf[at + 1] = rel as u8;
            } else {
                let Ok(rel) = i32::try_from(rel) else {
                    return false;
                };
                buf[at + field..at + field + 4].copy_from_slice(&rel.to_le_bytes());
            }
            true
        }
        Arch::Aarch64 => {
            let word = u32::from_le_bytes(buf[at..at + 4].try_into().expect("4 bytes"));
            let (bits, shift) = match index::aarch64_cond_branch(word) {
                Some(cond) => (cond.imm_bits, 5),
                None if word & 0xfc00_0000 == 0x1400_0000 => (26, 0), // B
                None => return false,
            };
            let offset = target.wrapping_sub(base + at as u64) as i64;
            let reach = 4i64 << (bits - 1);
            if offset % 4 != 0 || !(-reach..reach).contains(&offset) {
                return false;
            }
            let field = ((1u32 << bits) - 1) << shift;
            let imm = ((offset / 4) as u32) << shift & field;
            buf[at..at + 4].copy_from_slice(&((word & !field) | imm).to_le_bytes());
            true
        }
    }
}

/// Fills `buf` with the recommended multi-byte NOPs (at most 9 bytes each).
fn fill_nops(buf: &mut [u8]) {
    const NOPS: [&[u8]; 9] = [
        &[0x90],
        &[0x66, 0x90],
        &[0x0f, 0x1f, 0x00],
        &[0x0f, 0x1f, 0x40, 0x00],
        &[0x0f, 0x1f, 0x44, 0x00, 0x00],
        &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
        &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
        &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        &[0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    ];
    let mut rest = buf;
    while !rest.is_empty() {
        let nop = NOPS[rest.len().min(9) - 1];
        rest[..nop.len()].copy_from_slice(nop);
        rest = &mut rest[nop.len()..];
    }
}

#[cfg(test)]
mod tests;
