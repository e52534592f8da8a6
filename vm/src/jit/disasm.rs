//! Disassembly of compiled traces for `show`: iced-x86 for x86-64,
//! yaxpeax-arm for AArch64.

use iced_x86::{Decoder, DecoderOptions, Formatter, GasFormatter};
use yaxpeax_arch::Decoder as _;
use yaxpeax_arm::armv8::a64::InstDecoder;

use super::reloc::Arch;

/// One line per instruction: address, bytes, text.
pub fn disassemble(arch: Arch, bytes: &[u8], addr: u64) -> Vec<String> {
    match arch {
        Arch::X86_64 => {
            let mut decoder = Decoder::with_ip(64, bytes, addr, DecoderOptions::NONE);
            let mut formatter = GasFormatter::new();
            let mut out = Vec::new();
            while decoder.can_decode() {
                let ins = decoder.decode();
                let start = (ins.ip() - addr) as usize;
                let raw: String = bytes[start..start + ins.len()]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let mut text = String::new();
                formatter.format(&ins, &mut text);
                out.push(format!("{:#x}: {raw:<22} {text}", ins.ip()));
            }
            out
        }
        Arch::Aarch64 => {
            let decoder = InstDecoder::default();
            bytes
                .chunks(4)
                .enumerate()
                .map(|(i, w)| {
                    let mut reader = yaxpeax_arch::U8Reader::new(w);
                    let text = match decoder.decode(&mut reader) {
                        Ok(ins) => ins.to_string(),
                        Err(e) => format!("<{e}>"),
                    };
                    let word = u32::from_le_bytes([
                        w[0],
                        w[1],
                        w.get(2).copied().unwrap_or(0),
                        w.get(3).copied().unwrap_or(0),
                    ]);
                    format!("{:#x}: {word:08x} {text}", addr + 4 * i as u64)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_architectures() {
        let x = disassemble(Arch::X86_64, &[0x48, 0x89, 0xc8, 0xc3], 0x1000);
        assert_eq!(x.len(), 2);
        assert!(x[0].contains("mov") && x[1].contains("ret"), "{x:?}");
        let a = disassemble(Arch::Aarch64, &[0xc0, 0x03, 0x5f, 0xd6], 0x2000);
        assert!(a[0].contains("ret"), "{a:?}");
    }
}
