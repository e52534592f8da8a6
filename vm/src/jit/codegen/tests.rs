//! The stencil rewrites of [`super`]: direct and inverted jumps, retargeted
//! branches.

use super::{direct_jump, inverted_branch, inverted_jump, retarget};
use crate::jit::disasm::disassemble;
use crate::jit::index::movabs_jmp_end;
use crate::jit::reloc::Arch;

/// `movabs $imm, %reg; jmp *%reg` becomes `jmp rel32` + `int3`s, for
/// the low and the high registers; a target out of reach stays.
#[test]
fn an_absolute_indirect_jump_becomes_a_direct_one() {
    let base = 0x1000_0000u64;
    // movabs $0, %rax; jmp *%rax
    let mut rax = vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
    let end = movabs_jmp_end(&rax, 2).unwrap() as usize;
    assert!(direct_jump(&mut rax, 2, end, base + 0x100, base));
    let rel = (0x100i32 - 5).to_le_bytes();
    assert_eq!(rax[..5], [0xe9, rel[0], rel[1], rel[2], rel[3]]);
    assert!(rax[5..].iter().all(|&b| b == 0xcc));
    // movabs $0, %r11; jmp *%r11
    let mut r11 = vec![0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3];
    let end = movabs_jmp_end(&r11, 2).unwrap() as usize;
    assert!(direct_jump(&mut r11, 2, end, base, base));
    assert_eq!(r11[0], 0xe9);
    assert_eq!(r11[5..].len(), 8);
    // 4 GiB away: out of rel32's reach, nothing written.
    let far = vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
    let mut same = far.clone();
    assert!(!direct_jump(&mut same, 2, 12, base + (1 << 32), base));
    assert_eq!(same, far);
}

/// `jcc L; movabs; jmp *%reg; L:` becomes `jncc target` and NOPs to L
/// for every condition and both register banks: decoded, it is one
/// inverted branch to the target, then only NOPs, then L's code.
#[test]
fn a_short_jcc_over_a_jump_becomes_the_inverted_jump() {
    use Mnemonic::*;
    use iced_x86::{Decoder, DecoderOptions, Mnemonic};
    // By condition code, as the `7x` opcodes number them.
    let by_cc = [
        Jo, Jno, Jb, Jae, Je, Jne, Jbe, Ja, Js, Jns, Jp, Jnp, Jl, Jge, Jle, Jg,
    ];
    let base = 0x1000_0000u64;
    let target = base + 0x300;
    for cc in 0..16u8 {
        for high in [false, true] {
            // jcc +12/+13; movabs $0, %rax|%r11; jmp *%rax|%r11; ret
            let mut code = vec![0x70 | cc, 12 + high as u8];
            code.extend(match high {
                false => vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0],
                true => vec![0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3],
            });
            code.push(0xc3);
            let end = code.len() - 1;
            let original = Decoder::with_ip(64, &code, base, DecoderOptions::NONE).decode();
            assert!(inverted_jump(&mut code, 0, end, target, base));
            let mut d = Decoder::with_ip(64, &code, base, DecoderOptions::NONE);
            let jump = d.decode();
            assert_eq!(jump.len(), 6);
            assert_eq!(jump.near_branch_target(), target);
            assert_eq!(original.mnemonic(), by_cc[cc as usize]);
            assert_eq!(jump.mnemonic(), by_cc[cc as usize ^ 1], "cc {cc:#x}");
            let mut after = vec![];
            while d.can_decode() {
                after.push(d.decode());
            }
            let (last, nops) = after.split_last().unwrap();
            assert!(nops.iter().all(|i| i.mnemonic() == Nop));
            assert_eq!(last.ip(), base + end as u64);
            assert_eq!(last.mnemonic(), Ret);
        }
    }
    // 4 GiB away: out of rel32's reach, nothing written.
    let far = vec![0x74, 12, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
    let mut same = far.clone();
    assert!(!inverted_jump(&mut same, 0, 14, base + (1 << 32), base));
    assert_eq!(same, far);
}

/// A branch is pointed at a new target with its condition kept, read
/// back by the disassembler: x86-64 rel8 and rel32 jumps and
/// conditional jumps, AArch64 B, B.cond, CBZ and TBZ; out of reach, or
/// another instruction, nothing is written.
#[test]
fn a_branch_is_retargeted_with_its_condition_kept() {
    let base = 0x1000_0000u64;
    let x86: [(&[u8], &str); 4] = [
        (&[0x74, 0x00], "je 0x0000000010000040"),
        (&[0xeb, 0x00], "jmp 0x0000000010000040"),
        (&[0x0f, 0x8c, 0, 0, 0, 0], "jl 0x0000000010000040"),
        (&[0xe9, 0, 0, 0, 0], "jmp 0x0000000010000040"),
    ];
    for (code, want) in x86 {
        let mut code = code.to_vec();
        assert!(retarget(Arch::X86_64, &mut code, 0, base + 0x40, base));
        let text = disassemble(Arch::X86_64, &code, base);
        assert!(text[0].to_lowercase().ends_with(want), "{text:?}");
    }
    // rel8 reaches 127 bytes past the branch's end; rel32 2 GiB.
    let mut short = vec![0x74, 0x00];
    assert!(!retarget(Arch::X86_64, &mut short, 0, base + 130, base));
    assert_eq!(short, [0x74, 0x00]);
    assert!(retarget(Arch::X86_64, &mut short, 0, base + 129, base));
    let mut call = vec![0xe8, 0, 0, 0, 0];
    assert!(!retarget(Arch::X86_64, &mut call, 0, base + 0x40, base));
    let a64: [(u32, &str); 4] = [
        (0x1400_0000, "b $+0x40"),
        (0x5400_000b, "b.lt $+0x40"),
        (0xb400_0008, "cbz x8, $+0x40"),
        (0x3618_0008, "tbz w8, #0x3, $+0x40"),
    ];
    for (word, want) in a64 {
        let mut code = word.to_le_bytes().to_vec();
        assert!(retarget(Arch::Aarch64, &mut code, 0, base + 0x40, base));
        let text = disassemble(Arch::Aarch64, &code, base);
        assert!(text[0].ends_with(want), "{word:#x}: {text:?}");
    }
    let mut bl = 0x9400_0000u32.to_le_bytes().to_vec();
    assert!(!retarget(Arch::Aarch64, &mut bl, 0, base + 0x40, base));
    let mut tbz = 0x3618_0008u32.to_le_bytes().to_vec();
    assert!(!retarget(
        Arch::Aarch64,
        &mut tbz,
        0,
        base + (1 << 15),
        base
    ));
    assert!(!retarget(Arch::Aarch64, &mut tbz, 0, base + 2, base));
}

/// `cbz/cbnz/tbz/tbnz/b.cond +8; b target` becomes the inverted branch
/// to the target and a NOP, read back by the disassembler; out of the
/// branch's reach, nothing is written.
#[test]
fn a_conditional_branch_over_a_b_becomes_the_inverted_branch() {
    let base = 0x1000_0000u64;
    let b = 0x1400_0000u32; // b +0 (a hole)
    for (skip, inverted) in [
        (0xb400_0048u32, "cbnz x8, $+0x100"),    // cbz x8, +8
        (0x3500_0049, "cbz w9, $+0x100"),        // cbnz w9, +8
        (0x3618_0048, "tbnz w8, #0x3, $+0x100"), // tbz w8, #3, +8
        (0xb7f8_0048, "tbz x8, #0x3f, $+0x100"), // tbnz x8, #63, +8
        (0x5400_0041, "b.eq $+0x100"),           // b.ne +8
        (0x5400_0044, "b.pl $+0x100"),           // b.mi +8
        (0x5400_004d, "b.gt $+0x100"),           // b.le +8
    ] {
        let mut code = [skip, b, 0xd65f_03c0]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect::<Vec<u8>>();
        assert!(inverted_branch(&mut code, 0, base + 0x100, base));
        let text = disassemble(Arch::Aarch64, &code, base);
        assert!(text[0].ends_with(inverted), "{skip:#x}: {text:?}");
        assert!(text[1].ends_with("nop"), "{text:?}");
        assert!(text[2].ends_with("ret"), "{text:?}");
    }
    // TBZ reaches 32 KiB, CBZ 1 MiB: beyond, nothing written.
    for (skip, far) in [(0x3618_0048u32, 1u64 << 15), (0xb400_0048, 1 << 20)] {
        let code = [skip, b]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect::<Vec<u8>>();
        let mut same = code.clone();
        assert!(!inverted_branch(&mut same, 0, base + far, base));
        assert_eq!(same, code);
        assert!(inverted_branch(&mut same, 0, base + far - 4, base));
    }
}
