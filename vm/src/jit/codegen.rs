//! Compiling an executor: copy one stencil per step of its register-variant
//! selection (each uop in its variant, spills and reloads between them),
//! then the exit stubs (each in the variant that writes back the values
//! cached at its exit), an error stub and an overrun guard, and patch every
//! hole. Layout, as in CPython's `_PyJIT_Compile`:
//! `[shim][step 0]..[step n-1][exit stubs][error stub][fatal][trampolines][data]`.

use std::collections::HashMap;

use super::patch::{self, PatchError};
use super::reloc::{Arch, RelocKind};
use super::select::Step;
use super::stencil::{Hole, HoleValue, Stencil, StencilIndex};
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
    /// Every patched hole: (offset in the stencil, kind, what, value).
    pub holes: Vec<(u32, RelocKind, HoleValue, u64)>,
}

/// A compiled trace, before it is copied into code memory.
pub struct Compiled {
    pub bytes: Vec<u8>,
    /// Address of the shim (the C-ABI entry).
    pub entry: u64,
    pub placed: Vec<Placed>,
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

/// Compiles an executor for a table, to run at address `base`. `helper`
/// gives each runtime helper's address for the backend.
pub fn compile(
    stencils: &StencilIndex,
    arch: Arch,
    input: &Input,
    base: u64,
    helper: &dyn Fn(&str) -> Option<u64>,
    mispatch: Option<Mispatch>,
) -> Result<Compiled, String> {
    let Input {
        ex,
        eid,
        steps,
        link_base,
        inject,
        check_regs,
        count_stencils,
    } = *input;
    let (shim, error_stub, fatal) = stencils.support()?;
    // One stencil per step; a uop step also names its uop and variant.
    let mut uops: Vec<&Stencil> = Vec::with_capacity(steps.len());
    let mut step_uop: Vec<Option<usize>> = Vec::with_capacity(steps.len());
    let mut step_variant: Vec<Variant> = Vec::with_capacity(steps.len());
    // For a `_CHECK_REGS` stencil: the uop it checks the stack before; for
    // a counting stencil: the counter it bumps (`state::step_counter`).
    let mut step_check: Vec<Option<usize>> = Vec::with_capacity(steps.len());
    // The variant each exit's stub runs in: the depth cached at the exit.
    let mut exit_depth = vec![0u8; ex.exits.len()];
    for step in steps {
        if count_stencils {
            let (uop, v) = match *step {
                Step::Uop { index, variant } => {
                    (ex.uops.get(index).map(|i| i.uop.index()), variant)
                }
                Step::Spill { from, to } => (None, Variant::new(from, to)),
            };
            uops.push(stencils.count_stencils(v.inputs)?);
            step_uop.push(None);
            step_variant.push(Variant::new(v.inputs, v.inputs));
            step_check.push(Some(super::state::step_counter(uop, v.inputs, v.outputs)));
        }
        match *step {
            Step::Uop { index, variant } => {
                let inst = ex
                    .uops
                    .get(index)
                    .ok_or("a step names a uop past the trace")?;
                if check_regs {
                    let d = variant.inputs;
                    uops.push(stencils.check_regs(d)?);
                    step_uop.push(None);
                    step_variant.push(Variant::new(d, d));
                    step_check.push(Some(index));
                }
                uops.push(stencils.uop(inst.uop, variant)?);
                step_uop.push(Some(index));
                step_variant.push(variant);
                step_check.push(None);
                if let Some(d) = exit_depth.get_mut(inst.exit as usize) {
                    *d = inst.uop.exit_depth(variant);
                }
            }
            Step::Spill { from, to } => {
                let (f, t) = crate::planted::spill_stencil(inject, from, to);
                uops.push(stencils.spill_or_reload(f, t)?);
                step_uop.push(None);
                step_variant.push(Variant::new(from, to));
                step_check.push(None);
            }
        }
    }
    let exit_stubs: Vec<&Stencil> = exit_depth
        .iter()
        .map(|&d| match inject {
            None => stencils.exit_stub(d),
            Some(_) => stencils.named(&crate::planted::exit_stub(inject, d)),
        })
        .collect::<Result<_, _>>()?;

    // Pass 1: addresses. A uop stencil followed by another drops its
    // trailing jump to `_JIT_CONTINUE` and falls through (CPython's
    // assembly pass does the same): fewer jumps, and larger blocks for the
    // emulators to translate.
    let n_uops = uops.len();
    let kept: Vec<usize> = uops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i + 1 < n_uops {
                s.code.len() - tail_continue(s, arch)
            } else {
                s.code.len()
            }
        })
        .collect();
    let mut offset = 0u64;
    let mut place = |len: usize| {
        let at = offset;
        offset += len as u64;
        at
    };
    let shim_at = place(shim.code.len());
    let uop_at: Vec<u64> = kept.iter().map(|&len| place(len)).collect();
    let exit_at: Vec<u64> = exit_stubs.iter().map(|s| place(s.code.len())).collect();
    let error_at = place(error_stub.code.len());
    let fatal_at = place(fatal.code.len());
    let branch_holes =
        |s: &Stencil| s.code_holes.iter().filter(|h| is_branch26(h.kind)).count() as u64;
    let all: Vec<&Stencil> = std::iter::once(shim)
        .chain(uops.iter().copied())
        .chain(exit_stubs.iter().copied())
        .chain([error_stub, fatal])
        .collect();
    let tramp_at = offset.next_multiple_of(16);
    let tramp_room = all.iter().map(|s| branch_holes(s)).sum::<u64>() * 16;
    let mut data_at = (tramp_at + tramp_room).next_multiple_of(16);
    let mut data_offsets = Vec::with_capacity(all.len());
    for s in &all {
        data_offsets.push(data_at);
        data_at = (data_at + s.data.len() as u64).next_multiple_of(16);
    }
    let mut bytes = vec![0u8; data_at as usize];

    // Pass 2: copy and patch.
    let mut trampolines: HashMap<u64, u64> = HashMap::new();
    let mut next_tramp = tramp_at;
    let mut placed = Vec::with_capacity(all.len());
    for (k, s) in all.iter().enumerate() {
        let at = match k {
            0 => shim_at,
            k if k <= n_uops => uop_at[k - 1],
            k if k <= n_uops + ex.exits.len() => exit_at[k - 1 - n_uops],
            k if k == n_uops + ex.exits.len() + 1 => error_at,
            _ => fatal_at,
        };
        let step_index = (1..=n_uops).contains(&k).then(|| k - 1);
        let uop_index = step_index.and_then(|i| step_uop[i]);
        let exit_index = (k > n_uops && k <= n_uops + ex.exits.len()).then(|| k - 1 - n_uops);
        let len = step_index.map_or(s.code.len(), |i| kept[i]);
        bytes[at as usize..at as usize + len].copy_from_slice(&s.code[..len]);
        let data = data_offsets[k];
        bytes[data as usize..data as usize + s.data.len()].copy_from_slice(s.data);
        let inst = uop_index.map(|i| ex.uops[i]);
        let next = match k {
            0 => uop_at.first().copied().unwrap_or(fatal_at),
            k if k < n_uops => uop_at[k],
            _ => fatal_at,
        };
        let jump = match (inst, exit_index) {
            (Some(i), _) if i.uop == crate::tier2::uops::Uop::JumpToTop => uop_at[0],
            (Some(i), _) if (i.exit as usize) < exit_at.len() => exit_at[i.exit as usize],
            _ => fatal_at,
        };
        let mut record = Vec::with_capacity(s.code_holes.len() + s.data_holes.len());
        for (holes, region_at, limit) in [
            (s.code_holes, at, len as u32),
            (s.data_holes, data, u32::MAX),
        ] {
            // Holes in a dropped tail jump are gone with it.
            for h in holes.iter().filter(|h| h.offset < limit) {
                let value = match h.value {
                    HoleValue::Continue => next,
                    HoleValue::JumpTarget => jump,
                    HoleValue::ErrorTarget => error_at,
                    HoleValue::Oparg => exit_index
                        // An exit stub reports its executor and exit: linked
                        // exits mean the code that leaves need not be the
                        // code that was entered.
                        .map(|e| ((eid as u64) << 32) | e as u64)
                        .or(inst.map(|i| i.oparg as u64))
                        .unwrap_or(0),
                    // An exit stub's operand is its link slot (0: never linked).
                    HoleValue::Operand0 => match (inst, exit_index) {
                        (Some(i), _) => i.operand,
                        (None, Some(e)) if link_base != 0 => (link_base + e as u32) as u64,
                        _ => step_index
                            .and_then(|i| step_check[i])
                            .map_or(0, |u| u as u64),
                    },
                    HoleValue::Target => inst.map_or(0, |i| i.target as u64),
                    HoleValue::Executor => eid as u64,
                    HoleValue::Data => base + data,
                    HoleValue::Helper(name) => {
                        helper(name).ok_or_else(|| format!("no address for helper `{name}`"))?
                    }
                };
                // Hole values that are code offsets become addresses.
                let value = match h.value {
                    HoleValue::Continue | HoleValue::JumpTarget | HoleValue::ErrorTarget => {
                        base + value
                    }
                    _ => value,
                };
                let target = value.wrapping_add(h.addend as u64);
                let location = base + region_at + h.offset as u64;
                let target = if is_branch26(h.kind) && !patch::branch26_in_range(target, location) {
                    // Out of reach (a Rust helper): go through a trampoline.
                    *trampolines.entry(target).or_insert_with(|| {
                        let t = next_tramp;
                        patch::write_aarch64_trampoline(&mut bytes, t as usize, target);
                        next_tramp += 16;
                        base + t
                    })
                } else {
                    target
                };
                let target = match mispatch {
                    Some(Mispatch) if h.kind == RelocKind::Aarch64MovwUabsG1Nc => {
                        target ^ (1 << 30)
                    }
                    _ => target,
                };
                let in_code = (region_at + h.offset as u64) as usize;
                let code_end = (at as usize) + len;
                let direct = arch == Arch::X86_64
                    && region_at == at
                    && matches!(
                        h.value,
                        HoleValue::Continue | HoleValue::JumpTarget | HoleValue::ErrorTarget
                    )
                    // A branch landing on the `jmp *%reg` joins paths that
                    // set the register differently: keep that one.
                    && !stencils.branched_to(s, h.offset + 8)
                    && direct_jump(&mut bytes[..code_end], in_code, target, base);
                if !direct {
                    patch::patch(&mut bytes, in_code, h.kind, target, location)
                        .map_err(|e: PatchError| format!("{}: {e}", s.name))?;
                }
                record.push((h.offset, h.kind, h.value, target));
            }
        }
        let variant = match (step_index, exit_index) {
            (Some(i), _) => step_variant[i],
            (None, Some(e)) => Variant::new(exit_depth[e], 0),
            _ => Variant::MEMORY,
        };
        placed.push(Placed {
            name: s.name,
            uop: uop_index,
            variant,
            addr: base + at,
            // Without a dropped trailing jump: the bytes it occupies.
            len: step_index.map_or(s.code.len(), |i| kept[i]),
            holes: record,
        });
    }
    debug_assert!(arch == Arch::Aarch64 || trampolines.is_empty());
    Ok(Compiled {
        bytes,
        entry: base + shim_at,
        placed,
    })
}

/// Length of a stencil's trailing jump to `_JIT_CONTINUE`, which can be
/// dropped when the next stencil follows: x86-64 `movabs $_JIT_CONTINUE,
/// %reg; jmp *%reg`, AArch64 `b _JIT_CONTINUE`. 0 if the stencil does not
/// end that way. Branches inside the stencil that target the dropped jump
/// land on the next stencil, exactly where the jump went.
pub fn tail_continue(s: &Stencil, arch: Arch) -> usize {
    let code = s.code;
    let n = code.len();
    let continue_hole_at = |offset: usize, kind: RelocKind| {
        s.code_holes.iter().any(|h| {
            h.offset as usize == offset
                && h.kind == kind
                && h.value == HoleValue::Continue
                && h.addend == 0
        })
    };
    match arch {
        Arch::Aarch64 => {
            let is_b = n >= 4 && code[n - 1] & 0xfc == 0x14;
            if is_b && continue_hole_at(n - 4, RelocKind::Aarch64Jump26) {
                4
            } else {
                0
            }
        }
        Arch::X86_64 => {
            // jmp *%reg: `ff e0+r`, or `41 ff e0+r` for r8..r15.
            let (jmp_len, rex_b, reg) = match code {
                [.., 0x41, 0xff, m] if m & 0xf8 == 0xe0 => (3, true, m & 7),
                [.., 0xff, m] if m & 0xf8 == 0xe0 => (2, false, m & 7),
                _ => return 0,
            };
            // movabs $imm64, %reg: `48 b8+r` (or `49 b8+r` for r8..r15).
            let Some(mov) = n.checked_sub(jmp_len + 10) else {
                return 0;
            };
            let rex = if rex_b { 0x49 } else { 0x48 };
            if code[mov] == rex
                && code[mov + 1] == 0xb8 + reg
                && continue_hole_at(mov + 2, RelocKind::X86_64_64)
            {
                jmp_len + 10
            } else {
                0
            }
        }
    }
}

/// x86-64: a jump to an address of this trace, which the large code model
/// writes as `movabs $target, %reg; jmp *%reg` with the immediate at
/// `hole`, becomes `jmp rel32` padded with `int3`. The same length and the
/// same meaning (the scratch register is dead wherever a stencil starts;
/// the caller keeps pairs whose `jmp` a branch lands on, so branches land
/// on the `movabs`, now the `jmp`),
/// but a direct jump, which an emulator chains from block to block where
/// an indirect one is looked up at every pass. `buf` ends where this
/// stencil's code does; `base` is the address of `buf[0]`. False (nothing
/// written) when the bytes around the hole are not that pair.
fn direct_jump(buf: &mut [u8], hole: usize, target: u64, base: u64) -> bool {
    let Some(start) = hole.checked_sub(2) else {
        return false;
    };
    let (rex, mov) = (buf[start], buf[start + 1]);
    if !matches!(rex, 0x48 | 0x49) || mov & 0xf8 != 0xb8 {
        return false;
    }
    let reg = mov & 7;
    let jmp: &[u8] = if rex == 0x49 {
        &[0x41, 0xff, 0xe0 + reg]
    } else {
        &[0xff, 0xe0 + reg]
    };
    let end = hole + 8 + jmp.len();
    if end > buf.len() || &buf[hole + 8..end] != jmp {
        return false;
    }
    let next = base + start as u64 + 5;
    let Ok(rel) = i32::try_from(target.wrapping_sub(next) as i64) else {
        return false;
    };
    buf[start] = 0xe9;
    buf[start + 1..start + 5].copy_from_slice(&rel.to_le_bytes());
    buf[start + 5..end].fill(0xcc);
    true
}

fn is_branch26(kind: RelocKind) -> bool {
    matches!(kind, RelocKind::Aarch64Call26 | RelocKind::Aarch64Jump26)
}

/// The holes of a stencil, for tests.
pub fn holes(s: &Stencil) -> &[Hole] {
    s.code_holes
}

#[cfg(test)]
mod tests {
    use super::direct_jump;

    /// `movabs $imm, %reg; jmp *%reg` becomes `jmp rel32` + `int3`s, for
    /// the low and the high registers; anything else is left alone.
    #[test]
    fn only_an_absolute_indirect_jump_becomes_a_direct_one() {
        let base = 0x1000_0000u64;
        // movabs $0, %rax; jmp *%rax
        let mut rax = vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        assert!(direct_jump(&mut rax, 2, base + 0x100, base));
        let rel = (0x100i32 - 5).to_le_bytes();
        assert_eq!(rax[..5], [0xe9, rel[0], rel[1], rel[2], rel[3]]);
        assert!(rax[5..].iter().all(|&b| b == 0xcc));
        // movabs $0, %r11; jmp *%r11
        let mut r11 = vec![0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3];
        assert!(direct_jump(&mut r11, 2, base, base));
        assert_eq!(r11[0], 0xe9);
        assert_eq!(r11[5..].len(), 8);
        // movabs $0, %rax; call *%rax (a helper call) stays.
        let call = vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xd0];
        let mut same = call.clone();
        assert!(!direct_jump(&mut same, 2, base, base));
        assert_eq!(same, call);
        // A register mismatch (movabs into %rcx, jmp *%rax) stays.
        let mixed = vec![0x48, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        let mut same = mixed.clone();
        assert!(!direct_jump(&mut same, 2, base, base));
        assert_eq!(same, mixed);
        // A jump cut off by the end of the stencil stays.
        let mut short = rax[..11].to_vec();
        short[..2].copy_from_slice(&[0x48, 0xb8]);
        assert!(!direct_jump(&mut short, 2, base, base));
    }
}
