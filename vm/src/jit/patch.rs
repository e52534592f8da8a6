//! The relocation patcher of the copy-and-patch JIT.
//!
//! After a stencil's bytes are copied into executable memory, every hole is
//! filled in with [`patch`]. The bit layouts follow CPython's `Python/jit.c`
//! (`patch_64`, `patch_32r`, `patch_x86_64_32rx`, `patch_aarch64_*`), which in
//! turn follows LLD. Unlike `jit.c`, whose checks are `assert`s that vanish in
//! release builds, every check here is an error: a hole that does not fit is a
//! JIT bug we want the fuzzer to see, not a silently truncated jump.
//!
//! All checks happen before any byte is written, so on error the buffer is
//! left untouched.

use super::reloc::RelocKind;

/// Why a hole could not be patched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchError {
    /// The value does not fit the instruction's immediate field.
    OutOfRange {
        kind: RelocKind,
        offset: usize,
        value: u64,
        location: u64,
    },
    /// The value's low bits would be dropped by the instruction's implicit
    /// scaling (branch targets, scaled load/store offsets).
    Misaligned {
        kind: RelocKind,
        offset: usize,
        value: u64,
    },
    /// The bytes at the hole are not an instruction this relocation may
    /// patch. For AArch64 `word` is the instruction word; for x86-64 GOT
    /// relaxation it is the two opcode/ModRM bytes before the displacement
    /// (`0xff15` for `call *disp(%rip)`).
    BadInstruction {
        kind: RelocKind,
        offset: usize,
        word: u32,
    },
    /// The hole (or the opcode bytes it needs to inspect) lies outside the
    /// buffer.
    OutOfBounds { kind: RelocKind, offset: usize },
}

impl std::fmt::Display for PatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            PatchError::OutOfRange {
                kind,
                offset,
                value,
                location,
            } => write!(
                f,
                "{kind} at offset {offset:#x}: value {value:#x} is out of range from location {location:#x}"
            ),
            PatchError::Misaligned {
                kind,
                offset,
                value,
            } => write!(
                f,
                "{kind} at offset {offset:#x}: value {value:#x} is misaligned"
            ),
            PatchError::BadInstruction { kind, offset, word } => write!(
                f,
                "{kind} at offset {offset:#x}: unexpected instruction encoding {word:#010x}"
            ),
            PatchError::OutOfBounds { kind, offset } => {
                write!(
                    f,
                    "{kind} at offset {offset:#x}: hole lies outside the buffer"
                )
            }
        }
    }
}

impl std::error::Error for PatchError {}

/// Whether `value` fits a two's-complement field of `bits` bits.
fn fits_signed(value: i64, bits: u32) -> bool {
    let half = 1i64 << (bits - 1);
    (-half..half).contains(&value)
}

/// Patches `buf[offset..]` (the bytes of the instruction or data word to fix)
/// so that it refers to `value`.
///
/// `location` is the run-time address of `buf[offset]` (for PC-relative
/// kinds). `value` already includes the addend. Never truncates silently: out
/// of range, misaligned or unrecognized instruction encodings are errors, and
/// on error `buf` is not modified.
pub fn patch(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
    value: u64,
    location: u64,
) -> Result<(), PatchError> {
    use RelocKind::*;
    // PC-relative distance. Wrapping arithmetic matches ELF's `S + A - P`
    // modulo 2^64; user-space addresses never make the i64 view ambiguous.
    let delta = value.wrapping_sub(location) as i64;
    let out_of_range = PatchError::OutOfRange {
        kind,
        offset,
        value,
        location,
    };
    let misaligned = PatchError::Misaligned {
        kind,
        offset,
        value,
    };
    match kind {
        X86_64_64 | Aarch64Abs64 => {
            *bytes::<8>(buf, offset, kind)? = value.to_le_bytes();
            Ok(())
        }
        X86_64_PC32 | X86_64_PLT32 => {
            // No PLT: the call goes straight to the symbol, which must then
            // be within ±2 GiB (the caller emits a trampoline otherwise).
            let field = bytes::<4>(buf, offset, kind)?;
            let rel = i32::try_from(delta).map_err(|_| out_of_range)?;
            *field = rel.to_le_bytes();
            Ok(())
        }
        X86_64_GOTPCRELX | X86_64_REX_GOTPCRELX => {
            relax_gotpcrelx(buf, offset, kind, delta, out_of_range)
        }
        Aarch64MovwUabsG0Nc => patch_movw(buf, offset, kind, value, 0),
        Aarch64MovwUabsG1Nc => patch_movw(buf, offset, kind, value, 1),
        Aarch64MovwUabsG2Nc => patch_movw(buf, offset, kind, value, 2),
        Aarch64MovwUabsG3 => patch_movw(buf, offset, kind, value, 3),
        Aarch64AdrPrelPgHi21 => update_word(buf, offset, kind, |word| {
            if word & 0x9F00_0000 != 0x9000_0000 {
                return Err(None); // not ADRP
            }
            // ADRP counts 4 KiB pages, so compare page numbers, not addresses.
            let pages = ((value >> 12) as i64).wrapping_sub((location >> 12) as i64);
            if !fits_signed(pages, 21) {
                return Err(Some(out_of_range));
            }
            let pages = pages as u32;
            // immlo = pages[0..2] at bits 29..31, immhi = pages[2..21] at bits 5..24.
            let immlo = (pages & 0x3) << 29;
            let immhi = ((pages >> 2) & 0x7_FFFF) << 5;
            Ok((word & !0x60FF_FFE0) | immlo | immhi)
        }),
        Aarch64AddAbsLo12Nc => update_word(buf, offset, kind, |word| {
            // ADD (immediate), 32- or 64-bit, no flags, sh = 0: a `lsl #12`
            // shift would make the immediate mean something else entirely.
            if word & 0x7FC0_0000 != 0x1100_0000 {
                return Err(None);
            }
            Ok(set_imm12(word, value & 0xFFF))
        }),
        Aarch64Ldst8AbsLo12Nc => patch_ldst(buf, offset, kind, value, 0),
        Aarch64Ldst16AbsLo12Nc => patch_ldst(buf, offset, kind, value, 1),
        Aarch64Ldst32AbsLo12Nc => patch_ldst(buf, offset, kind, value, 2),
        Aarch64Ldst64AbsLo12Nc => patch_ldst(buf, offset, kind, value, 3),
        Aarch64Ldst128AbsLo12Nc => patch_ldst(buf, offset, kind, value, 4),
        Aarch64Call26 | Aarch64Jump26 => update_word(buf, offset, kind, |word| {
            // B (0x14..) or BL (0x94..); both relocation types are handled
            // alike, as in jit.c and LLD.
            if word & 0x7C00_0000 != 0x1400_0000 {
                return Err(None);
            }
            if delta & 0x3 != 0 {
                return Err(Some(misaligned));
            }
            if !fits_signed(delta, 28) {
                return Err(Some(out_of_range));
            }
            Ok((word & 0xFC00_0000) | ((delta >> 2) as u32 & 0x03FF_FFFF))
        }),
        Aarch64Condbr19 => update_word(buf, offset, kind, |word| {
            let is_bcond = word & 0xFF00_0000 == 0x5400_0000;
            let is_cbz_cbnz = word & 0x7E00_0000 == 0x3400_0000;
            if !(is_bcond || is_cbz_cbnz) {
                return Err(None);
            }
            if delta & 0x3 != 0 {
                return Err(Some(misaligned));
            }
            if !fits_signed(delta, 21) {
                return Err(Some(out_of_range));
            }
            let imm19 = (delta >> 2) as u32 & 0x7_FFFF;
            Ok((word & !0x00FF_FFE0) | (imm19 << 5))
        }),
    }
}

/// Whether a branch relocation (CALL26/JUMP26) can reach `value` from
/// `location` directly (else the caller emits a trampoline).
///
/// Only the distance is checked; a misaligned target is reported by
/// [`patch`] as [`PatchError::Misaligned`] whether or not a trampoline is
/// used, because jumping to it would be a bug either way.
pub fn branch26_in_range(value: u64, location: u64) -> bool {
    fits_signed(value.wrapping_sub(location) as i64, 28)
}

/// Size in bytes of the trampoline written by [`write_aarch64_trampoline`].
pub const AARCH64_TRAMPOLINE_SIZE: usize = 16;
/// Size in bytes of the trampoline written by [`write_x86_64_trampoline`].
pub const X86_64_TRAMPOLINE_SIZE: usize = 14;

/// Writes an AArch64 trampoline (`ldr x16, #8; br x16; .quad target` — 16
/// bytes) at `buf[offset..offset+16]`.
///
/// x16 (IP0) is the register AAPCS64 reserves for exactly this kind of
/// linker veneer, so clobbering it is allowed at any call or tail call.
///
/// # Panics
/// If the 16 bytes do not fit in `buf`.
pub fn write_aarch64_trampoline(buf: &mut [u8], offset: usize, target: u64) {
    const LDR_X16_PC_PLUS_8: u32 = 0x5800_0050; // LDR (literal), imm19 = 2, Rt = 16
    const BR_X16: u32 = 0xD61F_0200; // BR, Rn = 16
    let out = &mut buf[offset..offset + AARCH64_TRAMPOLINE_SIZE];
    out[0..4].copy_from_slice(&LDR_X16_PC_PLUS_8.to_le_bytes());
    out[4..8].copy_from_slice(&BR_X16.to_le_bytes());
    out[8..16].copy_from_slice(&target.to_le_bytes());
}

/// Writes an x86-64 trampoline (`jmp *0(%rip); .quad target` — 14 bytes) at
/// `buf[offset..]`. It clobbers no register, so it works for calls and
/// tail jumps alike.
///
/// # Panics
/// If the 14 bytes do not fit in `buf`.
pub fn write_x86_64_trampoline(buf: &mut [u8], offset: usize, target: u64) {
    let out = &mut buf[offset..offset + X86_64_TRAMPOLINE_SIZE];
    // FF /4 with ModRM 00 100 101 = jmp qword ptr [rip + disp32], disp32 = 0:
    // the pointer is the quad right after the instruction.
    out[0..6].copy_from_slice(&[0xFF, 0x25, 0, 0, 0, 0]);
    out[6..14].copy_from_slice(&target.to_le_bytes());
}

/// The `N` bytes at `buf[offset..]`, or `OutOfBounds`.
fn bytes<const N: usize>(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
) -> Result<&mut [u8; N], PatchError> {
    offset
        .checked_add(N)
        .and_then(|end| buf.get_mut(offset..end))
        .and_then(|s| s.try_into().ok())
        .ok_or(PatchError::OutOfBounds { kind, offset })
}

/// Reads the AArch64 instruction word at `offset`, lets `f` compute the new
/// word, and writes it back. `f` returns `Err(None)` for an unrecognized
/// instruction (reported as `BadInstruction`) or `Err(Some(e))` for any
/// other error.
fn update_word(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
    f: impl FnOnce(u32) -> Result<u32, Option<PatchError>>,
) -> Result<(), PatchError> {
    let field = bytes::<4>(buf, offset, kind)?;
    let word = u32::from_le_bytes(*field);
    let new =
        f(word).map_err(|e| e.unwrap_or(PatchError::BadInstruction { kind, offset, word }))?;
    *field = new.to_le_bytes();
    Ok(())
}

/// imm12 lives in bits 10..22 of ADD (immediate) and LDR/STR (unsigned offset).
fn set_imm12(word: u32, imm12: u64) -> u32 {
    (word & !0x003F_FC00) | ((imm12 as u32 & 0xFFF) << 10)
}

/// MOVW_UABS_G`chunk`: 16-bit chunk `chunk` of `value` into a MOVZ/MOVK whose
/// `hw` field already selects that chunk (the compiler wrote `lsl #16*chunk`).
fn patch_movw(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
    value: u64,
    chunk: u32,
) -> Result<(), PatchError> {
    update_word(buf, offset, kind, |word| {
        // Move wide: bits 23..29 = 100101; opc (bits 29..31) 10 = MOVZ, 11 = MOVK.
        // MOVN (opc 00) is for signed relocations, which we don't support.
        let is_movz_movk = word & 0x1F80_0000 == 0x1280_0000 && (word >> 29) & 0x3 >= 2;
        let hw = (word >> 21) & 0x3;
        let is_64bit = word >> 31 == 1; // 32-bit forms only allow hw 0 and 1
        if !is_movz_movk || hw != chunk || (!is_64bit && hw >= 2) {
            return Err(None);
        }
        let imm16 = ((value >> (16 * chunk)) & 0xFFFF) as u32;
        Ok((word & !0x001F_FFE0) | (imm16 << 5))
    })
}

/// LDST`8<<shift`_ABS_LO12_NC: the low 12 bits of `value`, divided by the
/// access size, into a load/store with unsigned (scaled) offset.
fn patch_ldst(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
    value: u64,
    shift: u32,
) -> Result<(), PatchError> {
    update_word(buf, offset, kind, |word| {
        // Load/store register (unsigned immediate): bits 27..30 = 111 and
        // bits 24..26 = 01; bit 26 (V) selects the SIMD registers.
        if word & 0x3B00_0000 != 0x3900_0000 {
            return Err(None);
        }
        // The instruction's own scale is `size` (bits 30..32), except for the
        // 128-bit SIMD form (size 00, V = 1, opc 1x) which scales by 16. It
        // must agree with the relocation, or the patched offset would be
        // interpreted in the wrong unit.
        let size = word >> 30;
        let simd = (word >> 26) & 1 == 1;
        let opc = (word >> 22) & 0x3;
        let scale = if simd && size == 0 && opc >= 2 {
            4
        } else {
            size
        };
        if scale != shift {
            return Err(None);
        }
        let lo12 = value & 0xFFF;
        if lo12 & ((1 << shift) - 1) != 0 {
            return Err(Some(PatchError::Misaligned {
                kind,
                offset,
                value,
            }));
        }
        Ok(set_imm12(word, lo12 >> shift))
    })
}

/// GOTPCRELX / REX_GOTPCRELX with `value` = the symbol itself (plus addend),
/// not a GOT slot: rewrite the memory-indirect instruction into its direct
/// form, as `patch_x86_64_32rx` in jit.c does when the target is in reach.
/// There is no GOT to fall back on, so a target beyond ±2 GiB is an error.
fn relax_gotpcrelx(
    buf: &mut [u8],
    offset: usize,
    kind: RelocKind,
    delta: i64,
    out_of_range: PatchError,
) -> Result<(), PatchError> {
    // The displacement sits at `offset`; opcode and ModRM are the two bytes
    // before it.
    let start = offset
        .checked_sub(2)
        .ok_or(PatchError::OutOfBounds { kind, offset })?;
    let insn =
        bytes::<6>(buf, start, kind).map_err(|_| PatchError::OutOfBounds { kind, offset })?;
    let (opcode, modrm) = match (insn[0], insn[1]) {
        // mov disp(%rip), %reg -> lea disp(%rip), %reg (same ModRM, REX kept)
        (0x8B, m) if m & 0xC7 == 0x05 => (0x8D, m),
        // call *disp(%rip) -> nop; call rel32
        (0xFF, 0x15) => (0x90, 0xE8),
        // jmp *disp(%rip) -> nop; jmp rel32
        (0xFF, 0x25) => (0x90, 0xE9),
        // Other relaxable forms (test/binop) would need the GOT slot we
        // don't have.
        (a, b) => {
            let word = u32::from(u16::from_be_bytes([a, b]));
            return Err(PatchError::BadInstruction { kind, offset, word });
        }
    };
    // In every rewritten form the displacement stays the instruction's last
    // four bytes, so `value - location` (the addend already accounts for
    // the -4) remains correct.
    let rel = i32::try_from(delta).map_err(|_| out_of_range)?;
    insn[0] = opcode;
    insn[1] = modrm;
    insn[2..6].copy_from_slice(&rel.to_le_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced_x86::{Decoder, DecoderOptions, Instruction, Mnemonic, OpKind, Register};
    use yaxpeax_arch::Decoder as _;
    use yaxpeax_arm::armv8::a64::{InstDecoder, Opcode, Operand, SizeCode};

    // ---- decoding helpers ----

    fn x86(bytes: &[u8], ip: u64) -> Vec<Instruction> {
        let mut decoder = Decoder::with_ip(64, bytes, ip, DecoderOptions::NONE);
        let insns: Vec<_> = decoder.iter().collect();
        assert!(
            insns.iter().all(|i| !i.is_invalid()),
            "invalid x86: {bytes:02x?}"
        );
        insns
    }

    fn a64(word: u32) -> yaxpeax_arm::armv8::a64::Instruction {
        let bytes = word.to_le_bytes();
        let mut reader = yaxpeax_arch::U8Reader::new(&bytes[..]);
        InstDecoder::default()
            .decode(&mut reader)
            .expect("valid AArch64")
    }

    fn a64_text(word: u32) -> String {
        a64(word).to_string()
    }

    fn word_at(buf: &[u8], offset: usize) -> u32 {
        u32::from_le_bytes(buf[offset..offset + 4].try_into().unwrap())
    }

    /// Patches a single AArch64 instruction word placed at `location`.
    fn patch_word(
        word: u32,
        kind: RelocKind,
        value: u64,
        location: u64,
    ) -> Result<u32, PatchError> {
        let mut buf = word.to_le_bytes();
        patch(&mut buf, 0, kind, value, location)?;
        Ok(u32::from_le_bytes(buf))
    }

    const CODE: u64 = 0x7f12_3456_0000;

    // ---- reloc.rs ----

    #[test]
    fn elf_numbers_round_trip() {
        for kind in RelocKind::ALL {
            assert_eq!(
                RelocKind::from_elf(kind.arch(), kind.elf_type()),
                Some(kind)
            );
            assert!(kind.name().starts_with("R_"));
        }
        use super::super::reloc::Arch;
        assert_eq!(RelocKind::from_elf(Arch::X86_64, 283), None);
        assert_eq!(RelocKind::from_elf(Arch::Aarch64, 1), None);
        assert_eq!(RelocKind::from_elf(Arch::X86_64, 9), None); // GOTPCREL
        assert_eq!(
            RelocKind::from_elf(Arch::Aarch64, 283),
            Some(RelocKind::Aarch64Call26)
        );
        assert_eq!(RelocKind::Aarch64Call26.name(), "R_AARCH64_CALL26");
    }

    // ---- x86-64 ----

    #[test]
    fn x86_64_64_movabs() {
        let mut buf = [0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0]; // movabs $0, %rax
        let value = 0xDEAD_BEEF_CAFE_F00D;
        patch(&mut buf, 2, RelocKind::X86_64_64, value, CODE + 2).unwrap();
        let i = &x86(&buf, CODE)[0];
        assert_eq!(i.mnemonic(), Mnemonic::Mov);
        assert_eq!(i.op0_register(), Register::RAX);
        assert_eq!(i.op1_kind(), OpKind::Immediate64);
        assert_eq!(i.immediate64(), value);
    }

    #[test]
    fn x86_64_pc32_lea() {
        let mut buf = [0x48, 0x8D, 0x05, 0, 0, 0, 0]; // lea 0(%rip), %rax
        for target in [CODE + 0x1234, CODE - 0x7000_0000, CODE + 0x7FFF_0000] {
            // addend -4: the displacement is relative to the end of the insn.
            patch(&mut buf, 3, RelocKind::X86_64_PC32, target - 4, CODE + 3).unwrap();
            let i = &x86(&buf, CODE)[0];
            assert_eq!(i.mnemonic(), Mnemonic::Lea);
            assert!(i.is_ip_rel_memory_operand());
            assert_eq!(i.ip_rel_memory_address(), target);
        }
    }

    #[test]
    fn x86_64_plt32_call() {
        let mut buf = [0xE8, 0, 0, 0, 0]; // call rel32
        for target in [CODE + 0x40, CODE - 0x10_0000] {
            patch(&mut buf, 1, RelocKind::X86_64_PLT32, target - 4, CODE + 1).unwrap();
            let i = &x86(&buf, CODE)[0];
            assert_eq!(i.mnemonic(), Mnemonic::Call);
            assert_eq!(i.near_branch_target(), target);
        }
    }

    #[test]
    fn x86_64_pc32_limits() {
        let mut buf = [0xE8, 0, 0, 0, 0];
        let loc = CODE + 1;
        // Exactly i32::MAX / i32::MIN fit, one more does not.
        patch(&mut buf, 1, RelocKind::X86_64_PC32, loc + 0x7FFF_FFFF, loc).unwrap();
        patch(&mut buf, 1, RelocKind::X86_64_PC32, loc - 0x8000_0000, loc).unwrap();
        let before = buf;
        for value in [loc + 0x8000_0000, loc - 0x8000_0001, 0x10_0000] {
            let err = patch(&mut buf, 1, RelocKind::X86_64_PLT32, value, loc).unwrap_err();
            assert!(matches!(err, PatchError::OutOfRange { .. }), "{err}");
            assert_eq!(buf, before, "buffer modified on error");
        }
    }

    #[test]
    fn x86_64_rex_gotpcrelx_mov_becomes_lea() {
        let mut buf = [0x4C, 0x8B, 0x1D, 0, 0, 0, 0]; // mov 0(%rip), %r11
        let target = CODE + 0x5000;
        patch(
            &mut buf,
            3,
            RelocKind::X86_64_REX_GOTPCRELX,
            target - 4,
            CODE + 3,
        )
        .unwrap();
        let i = &x86(&buf, CODE)[0];
        assert_eq!(i.mnemonic(), Mnemonic::Lea);
        assert_eq!(i.op0_register(), Register::R11);
        assert_eq!(i.len(), 7);
        assert_eq!(i.ip_rel_memory_address(), target);
    }

    #[test]
    fn x86_64_gotpcrelx_call_becomes_direct_call() {
        let mut buf = [0xFF, 0x15, 0, 0, 0, 0]; // call *0(%rip)
        let target = CODE - 0x20_0000;
        patch(
            &mut buf,
            2,
            RelocKind::X86_64_GOTPCRELX,
            target - 4,
            CODE + 2,
        )
        .unwrap();
        let insns = x86(&buf, CODE);
        assert_eq!(insns.len(), 2);
        assert_eq!(insns[0].mnemonic(), Mnemonic::Nop);
        assert_eq!(insns[1].mnemonic(), Mnemonic::Call);
        assert_eq!(insns[1].near_branch_target(), target);
        // The return address is unchanged: right after the 6 bytes.
        assert_eq!(insns[1].next_ip(), CODE + 6);
    }

    #[test]
    fn x86_64_gotpcrelx_jmp_becomes_direct_jmp() {
        let mut buf = [0xFF, 0x25, 0, 0, 0, 0]; // jmp *0(%rip)
        // 4 GiB away is out of reach: error, buffer untouched.
        let target = CODE + 0x1_0000_0000;
        let err = patch(
            &mut buf,
            2,
            RelocKind::X86_64_GOTPCRELX,
            target - 4,
            CODE + 2,
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::OutOfRange { .. }));
        assert_eq!(buf, [0xFF, 0x25, 0, 0, 0, 0]);
        let target = CODE + 0x7000_0000;
        patch(
            &mut buf,
            2,
            RelocKind::X86_64_GOTPCRELX,
            target - 4,
            CODE + 2,
        )
        .unwrap();
        let insns = x86(&buf, CODE);
        assert_eq!(insns[0].mnemonic(), Mnemonic::Nop);
        assert_eq!(insns[1].mnemonic(), Mnemonic::Jmp);
        assert_eq!(insns[1].near_branch_target(), target);
    }

    #[test]
    fn x86_64_gotpcrelx_rejects_other_instructions() {
        // test %rax, 0(%rip) (85 05) is relaxable by linkers but needs the GOT.
        let mut buf = [0x48, 0x85, 0x05, 0, 0, 0, 0];
        let err = patch(&mut buf, 3, RelocKind::X86_64_REX_GOTPCRELX, CODE, CODE + 3).unwrap_err();
        assert_eq!(
            err,
            PatchError::BadInstruction {
                kind: RelocKind::X86_64_REX_GOTPCRELX,
                offset: 3,
                word: 0x8505
            }
        );
        // mov with a non-RIP-relative ModRM.
        let mut buf = [0x48, 0x8B, 0x80, 0, 0, 0, 0];
        let err = patch(&mut buf, 3, RelocKind::X86_64_REX_GOTPCRELX, CODE, CODE + 3).unwrap_err();
        assert!(matches!(err, PatchError::BadInstruction { .. }));
        // No room for the opcode bytes.
        let mut buf = [0, 0, 0, 0, 0];
        let err = patch(&mut buf, 1, RelocKind::X86_64_GOTPCRELX, CODE, CODE + 1).unwrap_err();
        assert!(matches!(err, PatchError::OutOfBounds { .. }));
    }

    #[test]
    fn out_of_bounds_is_an_error() {
        let mut buf = [0u8; 8];
        for kind in RelocKind::ALL {
            let err = patch(&mut buf, 6, kind, 0, 0).unwrap_err();
            assert_eq!(err, PatchError::OutOfBounds { kind, offset: 6 });
            assert!(patch(&mut buf, usize::MAX, kind, 0, 0).is_err());
        }
        assert_eq!(buf, [0; 8]);
    }

    #[test]
    fn x86_64_trampoline_decodes() {
        let mut buf = [0xCC; 20];
        let target = 0x1234_5678_9ABC_DEF0;
        write_x86_64_trampoline(&mut buf, 3, target);
        let i = &x86(&buf[3..3 + X86_64_TRAMPOLINE_SIZE - 8], CODE)[0];
        assert_eq!(i.mnemonic(), Mnemonic::Jmp);
        assert_eq!(i.len(), 6);
        assert!(i.is_ip_rel_memory_operand());
        // The pointer it loads is the quad right after it, holding `target`.
        assert_eq!(i.ip_rel_memory_address(), CODE + 6);
        assert_eq!(buf[9..17], target.to_le_bytes());
        assert_eq!((buf[2], buf[17]), (0xCC, 0xCC));
    }

    // ---- AArch64 ----

    #[test]
    fn aarch64_abs64() {
        let mut buf = [0u8; 16];
        patch(
            &mut buf,
            8,
            RelocKind::Aarch64Abs64,
            0x0102_0304_0506_0708,
            CODE,
        )
        .unwrap();
        assert_eq!(buf[8..], 0x0102_0304_0506_0708u64.to_le_bytes());
        assert_eq!(buf[..8], [0; 8]);
    }

    #[test]
    fn aarch64_movw_sequence_builds_value() {
        let value = 0xFEDC_BA98_7654_3210u64;
        let kinds = [
            RelocKind::Aarch64MovwUabsG0Nc,
            RelocKind::Aarch64MovwUabsG1Nc,
            RelocKind::Aarch64MovwUabsG2Nc,
            RelocKind::Aarch64MovwUabsG3,
        ];
        // movz x5, #0; movk x5, #0, lsl #16; ... lsl #32; ... lsl #48
        let words = [0xD280_0005, 0xF2A0_0005, 0xF2C0_0005, 0xF2E0_0005];
        // Execute the decoded sequence: MOVZ clears the register, MOVK
        // inserts 16 bits at the decoded shift.
        let mut built = 0u64;
        for (k, (kind, word)) in kinds.into_iter().zip(words).enumerate() {
            let patched = patch_word(word, kind, value, CODE).unwrap();
            let insn = a64(patched);
            assert_eq!(
                insn.operands[0],
                Operand::Register(SizeCode::X, 5),
                "{insn}"
            );
            let Operand::ImmShift(imm, shift) = insn.operands[1] else {
                panic!("unexpected operands in {insn}")
            };
            assert_eq!(u32::from(shift), 16 * k as u32, "{insn}");
            let chunk = u64::from(imm) << shift;
            built = match insn.opcode {
                Opcode::MOVZ if k == 0 => chunk,
                Opcode::MOVK if k > 0 => (built & !(0xFFFF << shift)) | chunk,
                _ => panic!("unexpected {insn}"),
            };
        }
        assert_eq!(built, value);
    }

    #[test]
    fn aarch64_movw_checks_instruction() {
        let g1 = RelocKind::Aarch64MovwUabsG1Nc;
        // movz x0, #0 (hw = 0) used with a G1 relocation: wrong chunk.
        assert!(matches!(
            patch_word(0xD280_0000, g1, 1, CODE),
            Err(PatchError::BadInstruction {
                word: 0xD280_0000,
                ..
            })
        ));
        // movn x0, #0, lsl #16 is not MOVZ/MOVK.
        assert!(patch_word(0x92A0_0000, g1, 1, CODE).is_err());
        // add x0, x0, #0 is not a move at all.
        assert!(patch_word(0x9100_0000, RelocKind::Aarch64MovwUabsG0Nc, 1, CODE).is_err());
        // 32-bit movk w0 cannot hold chunk 2.
        assert!(patch_word(0x72C0_0000, RelocKind::Aarch64MovwUabsG2Nc, 1, CODE).is_err());
        // 32-bit movk w0, #x, lsl #16 is fine for chunk 1.
        let w = patch_word(0x72A0_0000, g1, 0xABCD_0000, CODE).unwrap();
        assert_eq!(a64_text(w), "movk w0, #0xabcd, lsl #16");
    }

    #[test]
    fn aarch64_adrp_add_pair() {
        let loc = CODE + 0x1238;
        for target in [CODE + 0x12_3456, CODE - 0x7654_3210, CODE + 0xFFF, CODE] {
            // adrp x0, 0
            let adrp =
                patch_word(0x9000_0000, RelocKind::Aarch64AdrPrelPgHi21, target, loc).unwrap();
            let insn = a64(adrp);
            assert_eq!(insn.opcode, Opcode::ADRP);
            let Operand::PCOffset(page_off) = insn.operands[1] else {
                panic!("{insn}")
            };
            let page = (loc & !0xFFF).wrapping_add_signed(page_off);
            assert_eq!(page, target & !0xFFF, "{insn}");
            // add x0, x0, #0
            let add = patch_word(0x9100_0000, RelocKind::Aarch64AddAbsLo12Nc, target, loc).unwrap();
            assert_eq!(a64_text(add), format!("add x0, x0, #{:#x}", target & 0xFFF));
            assert_eq!(page + (target & 0xFFF), target);
        }
    }

    #[test]
    fn aarch64_adrp_range_and_encoding() {
        let kind = RelocKind::Aarch64AdrPrelPgHi21;
        let loc = 0x10_0000_0000;
        // ±4 GiB of pages: the last page in reach each way, then one too far.
        assert!(patch_word(0x9000_0000, kind, loc + (1 << 32) - 0x1000, loc).is_ok());
        assert!(patch_word(0x9000_0000, kind, loc - (1 << 32), loc).is_ok());
        let err = patch_word(0x9000_0000, kind, loc + (1 << 32), loc).unwrap_err();
        assert!(matches!(err, PatchError::OutOfRange { .. }));
        assert!(patch_word(0x9000_0000, kind, loc - (1 << 32) - 0x1000, loc).is_err());
        // adr x0, 0 (bit 31 clear) is not ADRP.
        let err = patch_word(0x1000_0000, kind, loc, loc).unwrap_err();
        assert!(matches!(err, PatchError::BadInstruction { .. }));
    }

    #[test]
    fn aarch64_add_lo12_checks_instruction() {
        let kind = RelocKind::Aarch64AddAbsLo12Nc;
        // add x0, x0, #0, lsl #12: the shifted form would mean value << 12.
        assert!(patch_word(0x9140_0000, kind, 0x123, CODE).is_err());
        // adds / sub are not what the relocation describes.
        assert!(patch_word(0xB100_0000, kind, 0x123, CODE).is_err());
        assert!(patch_word(0xD100_0000, kind, 0x123, CODE).is_err());
        // Other bits (registers) are kept: add x3, x7, #0
        let w = patch_word(0x9100_00E3, kind, 0xABC_DEF, CODE).unwrap();
        assert_eq!(a64_text(w), "add x3, x7, #0xdef");
    }

    #[test]
    fn aarch64_ldst_lo12_each_size() {
        // (kind, instruction with zero offset, mnemonic text, access size)
        let cases = [
            (
                RelocKind::Aarch64Ldst8AbsLo12Nc,
                0x3940_0020,
                "ldrb w0, [x1",
                1u64,
            ),
            (
                RelocKind::Aarch64Ldst16AbsLo12Nc,
                0x7940_0020,
                "ldrh w0, [x1",
                2,
            ),
            (
                RelocKind::Aarch64Ldst32AbsLo12Nc,
                0xB940_0020,
                "ldr w0, [x1",
                4,
            ),
            (
                RelocKind::Aarch64Ldst64AbsLo12Nc,
                0xF940_0020,
                "ldr x0, [x1",
                8,
            ),
            (
                RelocKind::Aarch64Ldst64AbsLo12Nc,
                0xF900_0020,
                "str x0, [x1",
                8,
            ),
            (
                RelocKind::Aarch64Ldst128AbsLo12Nc,
                0x3DC0_0020,
                "ldr q0, [x1",
                16,
            ),
        ];
        for (kind, word, text, size) in cases {
            let value = CODE + 0x3000 + 0xFF0; // lo12 = 0xff0, aligned for all sizes
            let w = patch_word(word, kind, value, CODE).unwrap();
            // The decoder shows the byte offset (imm12 * size).
            assert_eq!(a64_text(w), format!("{text}, #0xff0]"), "{kind}");
            if size > 1 {
                let err = patch_word(word, kind, value + size / 2, CODE).unwrap_err();
                assert!(matches!(err, PatchError::Misaligned { .. }), "{kind}");
            }
        }
        // ldr x0, [x0] with a 32-bit relocation: scale mismatch.
        let err = patch_word(0xF940_0000, RelocKind::Aarch64Ldst32AbsLo12Nc, 8, CODE).unwrap_err();
        assert!(matches!(err, PatchError::BadInstruction { .. }));
        // ldr x0, [x0, #0]! (pre-index) is not the unsigned-offset form.
        assert!(patch_word(0xF8400C00, RelocKind::Aarch64Ldst64AbsLo12Nc, 8, CODE).is_err());
    }

    #[test]
    fn aarch64_call26_and_jump26() {
        let loc = CODE + 0x100;
        for (kind, word, op) in [
            (RelocKind::Aarch64Call26, 0x9400_0000, Opcode::BL),
            (RelocKind::Aarch64Jump26, 0x1400_0000, Opcode::B),
        ] {
            for target in [
                loc + 0x40,
                loc - 0x100,
                loc + (128 << 20) - 4,
                loc - (128 << 20),
            ] {
                assert!(branch26_in_range(target, loc));
                let w = patch_word(word, kind, target, loc).unwrap();
                let insn = a64(w);
                assert_eq!(insn.opcode, op);
                assert_eq!(
                    insn.operands[0],
                    Operand::PCOffset(target.wrapping_sub(loc) as i64)
                );
            }
            for target in [loc + (128 << 20), loc - (128 << 20) - 4, 0x1000] {
                assert!(!branch26_in_range(target, loc));
                let err = patch_word(word, kind, target, loc).unwrap_err();
                assert!(matches!(err, PatchError::OutOfRange { .. }), "{err}");
            }
            let err = patch_word(word, kind, loc + 6, loc).unwrap_err();
            assert!(matches!(err, PatchError::Misaligned { .. }));
            // A conditional branch is not B/BL.
            let err = patch_word(0x5400_0000, kind, loc, loc).unwrap_err();
            assert!(matches!(err, PatchError::BadInstruction { .. }));
        }
    }

    #[test]
    fn aarch64_condbr19() {
        let kind = RelocKind::Aarch64Condbr19;
        let loc = CODE + 0x2000;
        // b.eq #0, cbz x3, #0, cbnz w4, #0
        for word in [0x5400_0000, 0xB400_0003, 0x3500_0004] {
            for target in [
                loc + 0x40,
                loc - 0x800,
                loc + (1 << 20) - 4,
                loc - (1 << 20),
            ] {
                let w = patch_word(word, kind, target, loc).unwrap();
                let insn = a64(w);
                let want = Operand::PCOffset(target.wrapping_sub(loc) as i64);
                assert!(insn.operands.contains(&want), "{insn}");
                // Condition code / register are preserved.
                assert_eq!(w & 0xFF00_001F, word & 0xFF00_001F);
            }
            let err = patch_word(word, kind, loc + (1 << 20), loc).unwrap_err();
            assert!(matches!(err, PatchError::OutOfRange { .. }));
            let err = patch_word(word, kind, loc - (1 << 20) - 4, loc).unwrap_err();
            assert!(matches!(err, PatchError::OutOfRange { .. }));
            let err = patch_word(word, kind, loc + 2, loc).unwrap_err();
            assert!(matches!(err, PatchError::Misaligned { .. }));
        }
        assert_eq!(
            a64_text(patch_word(0x5400_0001, kind, loc + 8, loc).unwrap()),
            "b.ne $+0x8"
        );
        // tbz (14-bit) and bl are not CONDBR19 instructions.
        assert!(patch_word(0x3600_0000, kind, loc, loc).is_err());
        assert!(patch_word(0x9400_0000, kind, loc, loc).is_err());
    }

    #[test]
    fn aarch64_trampoline_decodes() {
        let mut buf = [0xAAu8; 24];
        let target = 0x0000_ffff_8765_4320;
        write_aarch64_trampoline(&mut buf, 4, target);
        assert_eq!(a64_text(word_at(&buf, 4)), "ldr x16, $+0x8");
        assert_eq!(a64_text(word_at(&buf, 8)), "br x16");
        assert_eq!(buf[12..20], target.to_le_bytes());
        assert_eq!((buf[3], buf[20]), (0xAA, 0xAA));
        // And a far BL can be pointed at it.
        let loc = 0x1000;
        assert!(!branch26_in_range(target, loc));
        let mut bl = 0x9400_0000u32.to_le_bytes();
        patch(&mut bl, 0, RelocKind::Aarch64Call26, 0x2000, loc).unwrap();
        assert_eq!(a64_text(u32::from_le_bytes(bl)), "bl $+0x1000");
    }
}
