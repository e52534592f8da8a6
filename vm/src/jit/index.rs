//! A stencil table prepared for the compiler, once per table: each stencil
//! the compile path asks for is found by uop and variant (no name is
//! formatted or compared), and what about a stencil does not depend on the
//! trace is worked out ahead: the length it keeps when another stencil
//! follows, which of its jumps may become direct, which runtime helper each
//! of its calls needs. Compiling a trace is then copying and patching alone
//! (`codegen`).

use super::helpers::HELPERS;
use super::reloc::{Arch, RelocKind};
use super::stencil::{
    Hole, HoleValue, Stencil, StencilTable, check_regs, count_stencils, exit_stub, spill_or_reload,
    uop_stencil,
};
use crate::tier2::uops::{MAX_CACHED, Uop, Variant};

/// Register variants by index (`inputs * 4 + outputs`).
const VARIANTS: usize = 16;
const DEPTHS: usize = MAX_CACHED as usize + 1;

/// A stencil's hole with what patching it needs beyond the trace.
#[derive(Clone, Copy, Debug)]
pub struct PreparedHole {
    pub hole: Hole,
    /// In the stencil's data rather than its code.
    pub in_data: bool,
    /// A `Helper` hole: the helper's position in `helpers::HELPERS` (`None`
    /// for a helper the JIT does not know, an error when compiled).
    pub helper: Option<u16>,
    /// x86-64: this hole is the immediate of `movabs $target, %reg; jmp
    /// *%reg` to an address of the trace, and no branch inside the stencil
    /// lands on that `jmp`: where the `jmp` ends in the stencil's code. The
    /// pair may become `jmp rel32` (`codegen::direct_jump`) when the code
    /// kept reaches that far and the target is in reach.
    pub direct_until: Option<u32>,
    /// A conditional branch at this offset of the stencil's code skips
    /// exactly the jump this hole is in: x86-64 `jcc L; movabs $target,
    /// %reg; jmp *%reg; L:` (with `direct_until`, so no branch lands on
    /// the `jmp`), AArch64 `cbz/cbnz/tbz/tbnz/b.cond L; b target; L:`. Once
    /// every branch landing on the jump is threaded past it (`landers`),
    /// the two may become one inverted conditional branch to the target
    /// (`codegen::inverted_jump`, `codegen::inverted_branch`): the path
    /// that took the jump now takes the branch.
    pub skipping_branch: Option<u32>,
    /// The branches of the stencil that land on this hole's jump to an
    /// address of the trace (x86-64: on its `movabs`), for threading
    /// straight to that address when the hole is patched.
    pub landers: Landers,
    /// An absolute 64-bit hole that no jump rewrite involves (an operand, a
    /// helper's or the data's address): patching it is writing its value,
    /// the common case, which `codegen` takes without the rest.
    pub plain: bool,
}

/// Most branches threaded onto one jump (with more, none is).
pub const MAX_LANDERS: usize = 4;

/// See [`PreparedHole::landers`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Landers {
    at: [u16; MAX_LANDERS],
    n: u8,
    /// These are all the branches that land there: none is a hole's
    /// skipping branch (its inversion decides where it goes), none is of a
    /// kind that cannot be retargeted, and there are at most
    /// [`MAX_LANDERS`]. Only then may the jump itself be overwritten.
    pub complete: bool,
}

impl Landers {
    /// Offsets of the branches to retarget.
    pub fn offsets(&self) -> &[u16] {
        &self.at[..self.n as usize]
    }
}

/// A stencil as the compiler uses it.
#[derive(Clone, Copy, Debug)]
pub struct Prepared {
    pub stencil: &'static Stencil,
    /// Code bytes kept when another stencil follows: all but a trailing
    /// jump to `_JIT_CONTINUE` ([`tail_continue`]).
    pub followed_len: u32,
    /// AArch64 branch holes: each may need a 16-byte trampoline.
    pub branch26: u32,
    /// Its holes in [`StencilIndex::holes`]: code, then data, in table order.
    holes: (u32, u32),
}

impl Prepared {
    /// How many holes it has.
    pub fn holes_len(&self) -> usize {
        (self.holes.1 - self.holes.0) as usize
    }
}

/// A table's stencils by what the compiler asks for.
pub struct StencilIndex {
    pub table: &'static StencilTable,
    /// One per stencil of the table, in table order.
    prepared: Vec<Prepared>,
    all_holes: Vec<PreparedHole>,
    /// By `Uop as usize`, then variant: positions in `prepared`.
    uops: Vec<[Option<u16>; VARIANTS]>,
    exit_stubs: [Option<u16>; DEPTHS],
    spills: [[Option<u16>; DEPTHS]; DEPTHS],
    check_regs: [Option<u16>; DEPTHS],
    count_stencils: [Option<u16>; DEPTHS],
    /// The support stencils every trace has.
    shim: Option<u16>,
    error_stub: Option<u16>,
    fatal: Option<u16>,
}

fn variant_slot(v: Variant) -> usize {
    v.inputs as usize * 4 + v.outputs as usize
}

pub fn is_branch26(kind: RelocKind) -> bool {
    matches!(kind, RelocKind::Aarch64Call26 | RelocKind::Aarch64Jump26)
}

impl StencilIndex {
    /// Prepares `table`, whose code is for `arch`.
    pub fn build(table: &'static StencilTable, arch: Arch) -> StencilIndex {
        let find = |name: &str| {
            table
                .stencils
                .iter()
                .position(|s| s.name == name)
                .map(|i| u16::try_from(i).expect("a table holds fewer than 65536 stencils"))
        };
        let mut all_holes = Vec::new();
        let prepared = table
            .stencils
            .iter()
            .map(|s| {
                let start = all_holes.len() as u32;
                all_holes.extend(prepare_holes(s, arch));
                Prepared {
                    stencil: s,
                    followed_len: (s.code.len() - tail_continue(s, arch)) as u32,
                    branch26: s.code_holes.iter().filter(|h| is_branch26(h.kind)).count() as u32,
                    holes: (start, all_holes.len() as u32),
                }
            })
            .collect();
        let mut uops = vec![[None; VARIANTS]; Uop::ALL.len()];
        for (i, &u) in Uop::ALL.iter().enumerate() {
            assert_eq!(u as usize, i, "Uop::ALL is in declaration order");
            for &v in u.variants() {
                uops[i][variant_slot(v)] = find(&uop_stencil(u, v));
            }
        }
        let by_depth = |name: fn(u8) -> String| std::array::from_fn(|d| find(&name(d as u8)));
        StencilIndex {
            shim: find("_SHIM"),
            error_stub: find("_ERROR_STUB"),
            fatal: find("_FATAL_ERROR"),
            uops,
            exit_stubs: by_depth(exit_stub),
            spills: std::array::from_fn(|from| {
                std::array::from_fn(|to| find(&spill_or_reload(from as u8, to as u8)))
            }),
            check_regs: by_depth(check_regs),
            count_stencils: by_depth(count_stencils),
            table,
            prepared,
            all_holes,
        }
    }

    fn get(&self, at: Option<u16>, name: impl FnOnce() -> String) -> Result<&Prepared, String> {
        at.and_then(|i| self.prepared.get(i as usize))
            .ok_or_else(|| format!("no stencil `{}` in the table", name()))
    }

    /// A stencil's holes, code then data.
    pub fn holes(&self, p: &Prepared) -> &[PreparedHole] {
        &self.all_holes[p.holes.0 as usize..p.holes.1 as usize]
    }

    /// The trace's entry shim, error stub and overrun guard.
    pub fn support(&self) -> Result<(&Prepared, &Prepared, &Prepared), String> {
        let missing = || "the table lacks _SHIM, _ERROR_STUB or _FATAL_ERROR".to_string();
        let get = |at: Option<u16>| at.and_then(|i| self.prepared.get(i as usize));
        match (get(self.shim), get(self.error_stub), get(self.fatal)) {
            (Some(shim), Some(error), Some(fatal)) => Ok((shim, error, fatal)),
            _ => Err(missing()),
        }
    }

    /// Any stencil by its table name (the slow path: planted stencils).
    pub fn named(&self, name: &str) -> Result<&Prepared, String> {
        let at = self.table.stencils.iter().position(|s| s.name == name);
        self.get(at.map(|i| i as u16), || name.to_string())
    }

    pub fn uop(&self, uop: Uop, variant: Variant) -> Result<&Prepared, String> {
        let at = self
            .uops
            .get(uop as usize)
            .and_then(|row| row.get(variant_slot(variant)).copied().flatten());
        self.get(at, || uop_stencil(uop, variant))
    }

    pub fn exit_stub(&self, depth: u8) -> Result<&Prepared, String> {
        let at = self.exit_stubs.get(depth as usize).copied().flatten();
        self.get(at, || exit_stub(depth))
    }

    pub fn check_regs(&self, depth: u8) -> Result<&Prepared, String> {
        let at = self.check_regs.get(depth as usize).copied().flatten();
        self.get(at, || check_regs(depth))
    }

    pub fn count_stencils(&self, depth: u8) -> Result<&Prepared, String> {
        let at = self.count_stencils.get(depth as usize).copied().flatten();
        self.get(at, || count_stencils(depth))
    }

    pub fn spill_or_reload(&self, from: u8, to: u8) -> Result<&Prepared, String> {
        let at = self
            .spills
            .get(from as usize)
            .and_then(|row| row.get(to as usize).copied().flatten());
        self.get(at, || spill_or_reload(from, to))
    }
}

/// `s`'s holes, code then data, prepared for `arch`.
fn prepare_holes(s: &Stencil, arch: Arch) -> impl Iterator<Item = PreparedHole> + '_ {
    let branches = match arch {
        Arch::X86_64 => x86_branches(s.code),
        Arch::Aarch64 => aarch64_branches(s),
    };
    let mut landings: Vec<u32> = branches.iter().map(|b| b.target).collect();
    landings.sort_unstable();
    landings.dedup();
    // Each code hole's jump to the trace; what lands on the jump is
    // checked when patching (`Landers`).
    let jumps: Vec<Option<TraceJump>> = s
        .code_holes
        .iter()
        .map(|h| jump_and_skip(s, h, arch, &branches, &landings))
        .collect();
    let reserved: Vec<u32> = jumps.iter().flatten().filter_map(|j| j.skip).collect();
    let code = s.code_holes.iter().map(|h| (h, false));
    let data = s.data_holes.iter().map(|h| (h, true));
    code.chain(data).enumerate().map(move |(i, (h, in_data))| {
        let jump = if in_data { None } else { jumps[i] };
        let mut landers = Landers::default();
        if let Some(TraceJump { start, .. }) = jump {
            landers.complete = true;
            for b in branches.iter().filter(|b| b.target == start) {
                if !b.threadable || reserved.contains(&b.at) || landers.n as usize == MAX_LANDERS {
                    landers.complete = false;
                } else {
                    landers.at[landers.n as usize] = b.at as u16;
                    landers.n += 1;
                }
            }
        }
        PreparedHole {
            hole: *h,
            in_data,
            helper: match h.value {
                HoleValue::Helper(name) => {
                    HELPERS.iter().position(|&n| n == name).map(|i| i as u16)
                }
                _ => None,
            },
            direct_until: jump.and_then(|j| j.direct_until),
            skipping_branch: jump.and_then(|j| j.skip),
            landers,
            plain: matches!(h.kind, RelocKind::X86_64_64 | RelocKind::Aarch64Abs64)
                && jump.is_none(),
        }
    })
}

/// A code hole's jump to an address of the trace (x86-64: a
/// `movabs`/`jmp` pair that may go direct; AArch64: a `b`).
#[derive(Clone, Copy)]
struct TraceJump {
    /// Where the jump starts in the stencil's code.
    start: u32,
    /// The conditional branch that skips exactly that jump, if one does.
    skip: Option<u32>,
    /// x86-64: see [`PreparedHole::direct_until`].
    direct_until: Option<u32>,
}

/// Hole `h`'s jump to an address of the trace, if it is one.
fn jump_and_skip(
    s: &Stencil,
    h: &Hole,
    arch: Arch,
    branches: &[Branch],
    landings: &[u32],
) -> Option<TraceJump> {
    if !matches!(
        h.value,
        HoleValue::Continue | HoleValue::JumpTarget | HoleValue::ErrorTarget
    ) {
        return None;
    }
    match arch {
        Arch::X86_64 => {
            let end = direct_until(s, h, landings)?;
            let skip = h.offset.checked_sub(4).filter(|&jcc| {
                branches
                    .iter()
                    .any(|b| b.at == jcc && b.short_jcc && b.target == end)
            });
            Some(TraceJump {
                start: h.offset - 2,
                skip,
                direct_until: Some(end),
            })
        }
        Arch::Aarch64 => {
            if h.kind != RelocKind::Aarch64Jump26 {
                return None;
            }
            let skip = h.offset.checked_sub(4).filter(|&at| {
                aarch64_cond_branch(aarch64_word(s.code, at)).is_some_and(|b| b.offset == 8)
            });
            Some(TraceJump {
                start: h.offset,
                skip,
                direct_until: None,
            })
        }
    }
}

/// `direct_until` of a prepared hole (see [`PreparedHole`]).
fn direct_until(s: &Stencil, h: &Hole, landings: &[u32]) -> Option<u32> {
    // A branch landing on the `jmp *%reg` joins paths that set the
    // register differently: that pair stays.
    movabs_jmp_end(s.code, h.offset as usize)
        .filter(|_| landings.binary_search(&(h.offset + 8)).is_err())
}

/// Where the `jmp *%reg` of `movabs $imm64, %reg; jmp *%reg` ends, when
/// the immediate is at `hole` in `code`; `None` for anything else (a
/// `call *%reg`, another register, a pair cut off by the end of the code).
pub fn movabs_jmp_end(code: &[u8], hole: usize) -> Option<u32> {
    let start = hole.checked_sub(2)?;
    let (rex, mov) = (code[start], code[start + 1]);
    if !matches!(rex, 0x48 | 0x49) || mov & 0xf8 != 0xb8 {
        return None;
    }
    let reg = mov & 7;
    let jmp: &[u8] = if rex == 0x49 {
        &[0x41, 0xff, 0xe0 + reg]
    } else {
        &[0xff, 0xe0 + reg]
    };
    let end = hole + 8 + jmp.len();
    (end <= code.len() && &code[hole + 8..end] == jmp).then_some(end as u32)
}

/// The little-endian instruction word at `at` of AArch64 `code`.
fn aarch64_word(code: &[u8], at: u32) -> u32 {
    let at = at as usize;
    u32::from_le_bytes([code[at], code[at + 1], code[at + 2], code[at + 3]])
}

/// An AArch64 conditional branch: CBZ/CBNZ, TBZ/TBNZ or B.cond (not
/// B.AL/B.NV, which cannot be inverted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CondBranch {
    /// Byte offset from the branch to its target.
    pub offset: i64,
    /// Bits of the word holding the word offset (19 or 14), from bit 5.
    pub imm_bits: u32,
}

/// Decodes `word` as an invertible AArch64 conditional branch.
pub fn aarch64_cond_branch(word: u32) -> Option<CondBranch> {
    let imm_bits = if word & 0x7e00_0000 == 0x3400_0000 {
        19 // CBZ/CBNZ
    } else if word & 0x7e00_0000 == 0x3600_0000 {
        14 // TBZ/TBNZ
    } else if word & 0xff00_0010 == 0x5400_0000 && word & 0xf < 0xe {
        19 // B.cond
    } else {
        return None;
    };
    let imm = (word >> 5) & ((1 << imm_bits) - 1);
    // Sign-extend the word offset, then make it bytes.
    let shift = 32 - imm_bits;
    let offset = (((imm << shift) as i32) >> shift) as i64 * 4;
    Some(CondBranch { offset, imm_bits })
}

/// A branch inside a stencil whose target is in the stencil's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Branch {
    at: u32,
    target: u32,
    /// A jump or conditional jump whose target field can be rewritten
    /// (not a call, not x86-64 `loop`/`jrcxz`).
    threadable: bool,
    /// x86-64 `7x rel8`.
    short_jcc: bool,
}

/// The branches of AArch64 stencil `s` that land inside its code. A
/// branch that is a hole has no target yet and is left out.
fn aarch64_branches(s: &Stencil) -> Vec<Branch> {
    let holes: Vec<u32> = s.code_holes.iter().map(|h| h.offset).collect();
    (0..s.code.len() as u32 / 4)
        .map(|i| 4 * i)
        .filter(|at| !holes.contains(at))
        .filter_map(|at| {
            let word = aarch64_word(s.code, at);
            let (offset, threadable) = match aarch64_cond_branch(word) {
                Some(b) => (b.offset, true),
                // B and BL imm26: only B is a jump.
                None if word & 0x7c00_0000 == 0x1400_0000 => (
                    (((word << 6) as i32) >> 6) as i64 * 4,
                    word & 0x8000_0000 == 0,
                ),
                None => return None,
            };
            let target = at as i64 + offset;
            (0..s.code.len() as i64)
                .contains(&target)
                .then_some(Branch {
                    at,
                    target: target as u32,
                    threadable,
                    short_jcc: false,
                })
        })
        .collect()
}

/// The near branches of x86-64 `code` (decoded from offset 0) that land
/// inside it.
fn x86_branches(code: &[u8]) -> Vec<Branch> {
    use iced_x86::{Decoder, DecoderOptions, OpKind};
    let mut branches = vec![];
    let mut decoder = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    while decoder.can_decode() {
        let insn = decoder.decode();
        // Jumps, conditional jumps and calls with a relative target.
        if insn.op_count() > 0
            && matches!(
                insn.op0_kind(),
                OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
            )
            && insn.near_branch_target() < code.len() as u64
        {
            let at = insn.ip() as usize;
            let (op, len) = (code[at], insn.len());
            let short_jcc = len == 2 && op & 0xf0 == 0x70;
            let threadable = short_jcc
                || (len == 2 && op == 0xeb)
                || (len == 5 && op == 0xe9)
                || (len == 6 && op == 0x0f && code[at + 1] & 0xf0 == 0x80);
            branches.push(Branch {
                at: at as u32,
                target: insn.near_branch_target() as u32,
                threadable,
                short_jcc,
            });
        }
    }
    branches
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

#[cfg(test)]
mod tests {
    use super::{movabs_jmp_end, x86_branches};

    /// Relative jumps, conditional jumps and calls inside the code count;
    /// an indirect jump and a branch out of the code do not.
    #[test]
    fn finds_where_branches_inside_a_stencil_land() {
        let code = [
            0x74, 0x03, // je +3 -> 5
            0xff, 0xe0, // jmp *%rax
            0x90, // nop
            0xe9, 0x00, 0x01, 0x00, 0x00, // jmp far outside
            0xeb, 0xf8, // jmp -8 -> 4
            0xc3, // ret
        ];
        let found: Vec<_> = x86_branches(&code)
            .iter()
            .map(|b| (b.at, b.target, b.threadable, b.short_jcc))
            .collect();
        assert_eq!(found, vec![(0, 5, true, true), (10, 4, true, false)]);
    }

    /// `jcc L; movabs; jmp *%reg; L:` offers the jcc for inversion, not
    /// when the jcc lands elsewhere; a branch landing on the `movabs` is
    /// offered for threading.
    #[test]
    fn offers_a_short_jcc_over_a_direct_jump_pair_for_inversion() {
        use crate::jit::reloc::{Arch, RelocKind};
        use crate::jit::stencil::{Hole, HoleValue, Stencil};
        let stencil = |code: &'static [u8]| Stencil {
            name: "test",
            code,
            data: &[],
            code_holes: Box::leak(Box::new([Hole {
                offset: 4,
                kind: RelocKind::X86_64_64,
                value: HoleValue::JumpTarget,
                addend: 0,
            }])),
            data_holes: &[],
        };
        let holes = |s: &'static Stencil| super::prepare_holes(s, Arch::X86_64).collect::<Vec<_>>();
        // je +12 -> 14; movabs $0, %rax; jmp *%rax; ret
        let over: &'static [u8] = &[
            0x74, 0x0c, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0, 0xc3,
        ];
        let h = holes(Box::leak(Box::new(stencil(over))));
        assert_eq!(
            (h[0].direct_until, h[0].skipping_branch),
            (Some(14), Some(0))
        );
        // je +13 -> 15 (past the ret): not over the pair.
        let past: &'static [u8] = &[
            0x74, 0x0d, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0, 0xc3,
        ];
        let h = holes(Box::leak(Box::new(stencil(past))));
        assert_eq!((h[0].direct_until, h[0].skipping_branch), (Some(14), None));
        assert_eq!(h[0].landers.offsets(), &[] as &[u16]);
        assert!(h[0].landers.complete);
        // `jmp -14` lands on the movabs: offered for threading.
        let landed: &'static [u8] = &[
            0x74, 0x0c, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0, 0xeb, 0xf2,
        ];
        let h = holes(Box::leak(Box::new(stencil(landed))));
        assert_eq!(
            (h[0].direct_until, h[0].skipping_branch),
            (Some(14), Some(0))
        );
        assert_eq!(
            (h[0].landers.offsets(), h[0].landers.complete),
            (&[14u16][..], true)
        );
        // `call -17` lands there too: not threadable, so not complete.
        let called: &'static [u8] = &[
            0x74, 0x0c, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0, 0xe8, 0xef, 0xff, 0xff,
            0xff,
        ];
        let h = holes(Box::leak(Box::new(stencil(called))));
        assert!(!h[0].landers.complete);
    }

    /// AArch64 `cbz +8; b Continue; b JumpTarget` offers the `cbz` for
    /// inverting the first `b`; the second cannot be overwritten, since
    /// the `cbz` (that inversion's) lands on it. Other branches landing on
    /// a `b` are offered for threading.
    #[test]
    fn offers_a_conditional_branch_over_a_b_for_inversion() {
        use crate::jit::reloc::{Arch, RelocKind};
        use crate::jit::stencil::{Hole, HoleValue, Stencil};
        let hole = |offset, value| Hole {
            offset,
            kind: RelocKind::Aarch64Jump26,
            value,
            addend: 0,
        };
        let holes = [hole(4, HoleValue::Continue), hole(8, HoleValue::JumpTarget)];
        let stencil = |words: &[u32]| -> &'static Stencil {
            let code: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
            Box::leak(Box::new(Stencil {
                name: "test",
                code: Box::leak(code.into_boxed_slice()),
                data: &[],
                code_holes: Box::leak(Box::new(holes)),
                data_holes: &[],
            }))
        };
        let skipping = |s: &'static Stencil| {
            super::prepare_holes(s, Arch::Aarch64)
                .map(|h| {
                    (
                        h.skipping_branch,
                        h.landers.offsets().to_vec(),
                        h.landers.complete,
                    )
                })
                .collect::<Vec<_>>()
        };
        // cbz x8, +8; b; b
        let plain = stencil(&[0xb400_0048, 0x1400_0000, 0x1400_0000]);
        assert_eq!(
            skipping(plain),
            vec![(Some(0), vec![], true), (None, vec![], false)]
        );
        // ...; b.ne -8 (lands on the first b)
        let landed = stencil(&[0xb400_0048, 0x1400_0000, 0x1400_0000, 0x54ff_ffc1]);
        assert_eq!(
            skipping(landed),
            vec![(Some(0), vec![12], true), (None, vec![], false)]
        );
        // ...; bl -8 (a call, lands on the first b)
        let called = stencil(&[0xb400_0048, 0x1400_0000, 0x1400_0000, 0x97ff_fffe]);
        assert_eq!(
            skipping(called),
            vec![(Some(0), vec![], false), (None, vec![], false)]
        );
        // cbz x8, +12: skips both, not exactly the first
        let longer = stencil(&[0xb400_0068, 0x1400_0000, 0x1400_0000, 0xd65f_03c0]);
        assert_eq!(
            skipping(longer),
            vec![(None, vec![], true), (None, vec![], true)]
        );
    }

    /// `movabs $imm, %reg; jmp *%reg` is found for the low and the high
    /// registers; a call, a register mismatch or a cut-off jump is not.
    #[test]
    fn finds_only_an_absolute_indirect_jump() {
        // movabs $0, %rax; jmp *%rax
        let rax = [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        assert_eq!(movabs_jmp_end(&rax, 2), Some(12));
        // movabs $0, %r11; jmp *%r11
        let r11 = [0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3];
        assert_eq!(movabs_jmp_end(&r11, 2), Some(13));
        // movabs $0, %rax; call *%rax (a helper call)
        let call = [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xd0];
        assert_eq!(movabs_jmp_end(&call, 2), None);
        // movabs into %rcx, jmp *%rax
        let mixed = [0x48, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        assert_eq!(movabs_jmp_end(&mixed, 2), None);
        // the jump cut off by the end of the code
        assert_eq!(movabs_jmp_end(&rax[..11], 2), None);
        // no room for the prefix
        assert_eq!(movabs_jmp_end(&rax, 1), None);
    }
}
