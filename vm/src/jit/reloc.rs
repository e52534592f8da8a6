//! Relocation kinds ("holes") that the stencil builder extracts from clang's
//! ELF objects and that [`super::patch::patch`] knows how to fill in.
//!
//! Only the relocation types clang-19 actually emits for our stencils (code
//! model `small`/`medium`, no PIC GOT tables at run time) are listed; anything
//! else is rejected by [`RelocKind::from_elf`] so the builder fails loudly at
//! build time instead of producing a stencil we cannot patch.

/// Target architecture of a stencil.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    X86_64,
    Aarch64,
}

/// A supported ELF relocation type.
// The x86-64 names mirror the ELF spelling (`R_X86_64_PC32`), which a code
// generator relies on.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocKind {
    /// `S + A`, 64-bit absolute.
    X86_64_64,
    /// `S + A - P`, 32-bit PC-relative.
    X86_64_PC32,
    /// `L + A - P`; we have no PLT, so it is patched like `PC32`.
    X86_64_PLT32,
    /// `G + GOT + A - P` in a relaxable `mov`/`call`/`jmp` (no REX prefix).
    X86_64_GOTPCRELX,
    /// Same as [`RelocKind::X86_64_GOTPCRELX`] with a REX prefix.
    X86_64_REX_GOTPCRELX,
    /// `S + A`, 64-bit absolute.
    Aarch64Abs64,
    /// Bits 0..16 of `S + A` in a MOVZ/MOVK (hw = 0).
    Aarch64MovwUabsG0Nc,
    /// Bits 16..32 of `S + A` in a MOVZ/MOVK (hw = 1).
    Aarch64MovwUabsG1Nc,
    /// Bits 32..48 of `S + A` in a MOVZ/MOVK (hw = 2).
    Aarch64MovwUabsG2Nc,
    /// Bits 48..64 of `S + A` in a MOVZ/MOVK (hw = 3).
    Aarch64MovwUabsG3,
    /// `Page(S + A) - Page(P)` in an ADRP.
    Aarch64AdrPrelPgHi21,
    /// Bits 0..12 of `S + A` in an ADD (immediate).
    Aarch64AddAbsLo12Nc,
    /// Bits 0..12 of `S + A` in a byte load/store (unsigned offset).
    Aarch64Ldst8AbsLo12Nc,
    /// Bits 1..12 of `S + A` in a halfword load/store.
    Aarch64Ldst16AbsLo12Nc,
    /// Bits 2..12 of `S + A` in a word load/store.
    Aarch64Ldst32AbsLo12Nc,
    /// Bits 3..12 of `S + A` in a doubleword load/store.
    Aarch64Ldst64AbsLo12Nc,
    /// Bits 4..12 of `S + A` in a quadword (SIMD `q`) load/store.
    Aarch64Ldst128AbsLo12Nc,
    /// `S + A - P` in a BL (±128 MiB).
    Aarch64Call26,
    /// `S + A - P` in a B (±128 MiB).
    Aarch64Jump26,
    /// `S + A - P` in a B.cond/CBZ/CBNZ (±1 MiB).
    Aarch64Condbr19,
}

impl RelocKind {
    /// Every supported kind, in declaration order.
    pub const ALL: [RelocKind; 20] = [
        RelocKind::X86_64_64,
        RelocKind::X86_64_PC32,
        RelocKind::X86_64_PLT32,
        RelocKind::X86_64_GOTPCRELX,
        RelocKind::X86_64_REX_GOTPCRELX,
        RelocKind::Aarch64Abs64,
        RelocKind::Aarch64MovwUabsG0Nc,
        RelocKind::Aarch64MovwUabsG1Nc,
        RelocKind::Aarch64MovwUabsG2Nc,
        RelocKind::Aarch64MovwUabsG3,
        RelocKind::Aarch64AdrPrelPgHi21,
        RelocKind::Aarch64AddAbsLo12Nc,
        RelocKind::Aarch64Ldst8AbsLo12Nc,
        RelocKind::Aarch64Ldst16AbsLo12Nc,
        RelocKind::Aarch64Ldst32AbsLo12Nc,
        RelocKind::Aarch64Ldst64AbsLo12Nc,
        RelocKind::Aarch64Ldst128AbsLo12Nc,
        RelocKind::Aarch64Call26,
        RelocKind::Aarch64Jump26,
        RelocKind::Aarch64Condbr19,
    ];

    /// The architecture whose objects carry this relocation.
    pub fn arch(self) -> Arch {
        match self {
            RelocKind::X86_64_64
            | RelocKind::X86_64_PC32
            | RelocKind::X86_64_PLT32
            | RelocKind::X86_64_GOTPCRELX
            | RelocKind::X86_64_REX_GOTPCRELX => Arch::X86_64,
            _ => Arch::Aarch64,
        }
    }

    /// The ELF `r_type` number (`object::elf::R_X86_64_*` / `R_AARCH64_*`).
    pub fn elf_type(self) -> u32 {
        match self {
            RelocKind::X86_64_64 => 1,
            RelocKind::X86_64_PC32 => 2,
            RelocKind::X86_64_PLT32 => 4,
            RelocKind::X86_64_GOTPCRELX => 41,
            RelocKind::X86_64_REX_GOTPCRELX => 42,
            RelocKind::Aarch64Abs64 => 257,
            RelocKind::Aarch64MovwUabsG0Nc => 264,
            RelocKind::Aarch64MovwUabsG1Nc => 266,
            RelocKind::Aarch64MovwUabsG2Nc => 268,
            RelocKind::Aarch64MovwUabsG3 => 269,
            RelocKind::Aarch64AdrPrelPgHi21 => 275,
            RelocKind::Aarch64AddAbsLo12Nc => 277,
            RelocKind::Aarch64Ldst8AbsLo12Nc => 278,
            RelocKind::Aarch64Condbr19 => 280,
            RelocKind::Aarch64Jump26 => 282,
            RelocKind::Aarch64Call26 => 283,
            RelocKind::Aarch64Ldst16AbsLo12Nc => 284,
            RelocKind::Aarch64Ldst32AbsLo12Nc => 285,
            RelocKind::Aarch64Ldst64AbsLo12Nc => 286,
            RelocKind::Aarch64Ldst128AbsLo12Nc => 299,
        }
    }

    /// From an ELF relocation type number for the given arch; `None` if
    /// unsupported. The arch matters: the two numbering spaces are distinct
    /// tables, so e.g. 257 is only meaningful for AArch64.
    pub fn from_elf(arch: Arch, r_type: u32) -> Option<RelocKind> {
        RelocKind::ALL
            .into_iter()
            .find(|k| k.arch() == arch && k.elf_type() == r_type)
    }

    /// The ELF spelling, e.g. `"R_X86_64_64"`, `"R_AARCH64_CALL26"`.
    pub fn name(self) -> &'static str {
        match self {
            RelocKind::X86_64_64 => "R_X86_64_64",
            RelocKind::X86_64_PC32 => "R_X86_64_PC32",
            RelocKind::X86_64_PLT32 => "R_X86_64_PLT32",
            RelocKind::X86_64_GOTPCRELX => "R_X86_64_GOTPCRELX",
            RelocKind::X86_64_REX_GOTPCRELX => "R_X86_64_REX_GOTPCRELX",
            RelocKind::Aarch64Abs64 => "R_AARCH64_ABS64",
            RelocKind::Aarch64MovwUabsG0Nc => "R_AARCH64_MOVW_UABS_G0_NC",
            RelocKind::Aarch64MovwUabsG1Nc => "R_AARCH64_MOVW_UABS_G1_NC",
            RelocKind::Aarch64MovwUabsG2Nc => "R_AARCH64_MOVW_UABS_G2_NC",
            RelocKind::Aarch64MovwUabsG3 => "R_AARCH64_MOVW_UABS_G3",
            RelocKind::Aarch64AdrPrelPgHi21 => "R_AARCH64_ADR_PREL_PG_HI21",
            RelocKind::Aarch64AddAbsLo12Nc => "R_AARCH64_ADD_ABS_LO12_NC",
            RelocKind::Aarch64Ldst8AbsLo12Nc => "R_AARCH64_LDST8_ABS_LO12_NC",
            RelocKind::Aarch64Ldst16AbsLo12Nc => "R_AARCH64_LDST16_ABS_LO12_NC",
            RelocKind::Aarch64Ldst32AbsLo12Nc => "R_AARCH64_LDST32_ABS_LO12_NC",
            RelocKind::Aarch64Ldst64AbsLo12Nc => "R_AARCH64_LDST64_ABS_LO12_NC",
            RelocKind::Aarch64Ldst128AbsLo12Nc => "R_AARCH64_LDST128_ABS_LO12_NC",
            RelocKind::Aarch64Call26 => "R_AARCH64_CALL26",
            RelocKind::Aarch64Jump26 => "R_AARCH64_JUMP26",
            RelocKind::Aarch64Condbr19 => "R_AARCH64_CONDBR19",
        }
    }
}

impl std::fmt::Display for RelocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
