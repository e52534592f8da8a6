//! Reading clang's ELF objects: a stencil's code, data and holes, and
//! layout.c's numbers.

use std::collections::BTreeMap;

use object::elf;
use object::read::elf::{ElfFile64, ElfSection64, FileHeader, SectionHeader};
use object::{
    Endianness, Object, ObjectSection, ObjectSymbol, Relocation, RelocationFlags, RelocationTarget,
    SectionIndex, SymbolKind,
};

use crate::clang::Target;

/// What a hole is patched with (mirrors `jit::stencil::HoleValue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoleValue {
    Continue,
    JumpTarget,
    ErrorTarget,
    Oparg,
    Operand0,
    Target,
    Executor,
    Data,
    Helper(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hole {
    pub offset: u64,
    /// The `jit::reloc::RelocKind` variant name.
    pub kind: &'static str,
    pub value: HoleValue,
    pub addend: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StencilCode {
    pub code: Vec<u8>,
    pub data: Vec<u8>,
    pub code_holes: Vec<Hole>,
    pub data_holes: Vec<Hole>,
}

/// The hole an undefined symbol stands for, or `None` if it is none of ours.
pub fn undefined_symbol_value(name: &str) -> Option<HoleValue> {
    Some(match name {
        "_JIT_CONTINUE" => HoleValue::Continue,
        "_JIT_JUMP_TARGET" => HoleValue::JumpTarget,
        "_JIT_ERROR_TARGET" => HoleValue::ErrorTarget,
        "_JIT_OPARG" => HoleValue::Oparg,
        "_JIT_OPERAND0" => HoleValue::Operand0,
        "_JIT_TARGET" => HoleValue::Target,
        "_JIT_EXECUTOR" => HoleValue::Executor,
        helper if helper.starts_with("jit_") && helper.len() > 4 => {
            HoleValue::Helper(helper.to_string())
        }
        _ => return None,
    })
}

/// The `RelocKind` variant (jit/reloc.rs) for an ELF relocation type, or
/// `None` if the JIT cannot patch it. Keep in step with `RelocKind::from_elf`.
pub fn reloc_kind(target: Target, r_type: u32) -> Option<&'static str> {
    Some(match (target, r_type) {
        (Target::X86_64, elf::R_X86_64_64) => "X86_64_64",
        (Target::X86_64, elf::R_X86_64_PC32) => "X86_64_PC32",
        (Target::X86_64, elf::R_X86_64_PLT32) => "X86_64_PLT32",
        (Target::X86_64, elf::R_X86_64_GOTPCRELX) => "X86_64_GOTPCRELX",
        (Target::X86_64, elf::R_X86_64_REX_GOTPCRELX) => "X86_64_REX_GOTPCRELX",
        (Target::Aarch64, elf::R_AARCH64_ABS64) => "Aarch64Abs64",
        (Target::Aarch64, elf::R_AARCH64_MOVW_UABS_G0_NC) => "Aarch64MovwUabsG0Nc",
        (Target::Aarch64, elf::R_AARCH64_MOVW_UABS_G1_NC) => "Aarch64MovwUabsG1Nc",
        (Target::Aarch64, elf::R_AARCH64_MOVW_UABS_G2_NC) => "Aarch64MovwUabsG2Nc",
        (Target::Aarch64, elf::R_AARCH64_MOVW_UABS_G3) => "Aarch64MovwUabsG3",
        (Target::Aarch64, elf::R_AARCH64_ADR_PREL_PG_HI21) => "Aarch64AdrPrelPgHi21",
        (Target::Aarch64, elf::R_AARCH64_ADD_ABS_LO12_NC) => "Aarch64AddAbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_LDST8_ABS_LO12_NC) => "Aarch64Ldst8AbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_LDST16_ABS_LO12_NC) => "Aarch64Ldst16AbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_LDST32_ABS_LO12_NC) => "Aarch64Ldst32AbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_LDST64_ABS_LO12_NC) => "Aarch64Ldst64AbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_LDST128_ABS_LO12_NC) => "Aarch64Ldst128AbsLo12Nc",
        (Target::Aarch64, elf::R_AARCH64_CALL26) => "Aarch64Call26",
        (Target::Aarch64, elf::R_AARCH64_JUMP26) => "Aarch64Jump26",
        (Target::Aarch64, elf::R_AARCH64_CONDBR19) => "Aarch64Condbr19",
        _ => return None,
    })
}

type Elf<'a> = ElfFile64<'a, Endianness>;
type Section<'a, 'f> = ElfSection64<'a, 'f, Endianness>;

fn parse<'a>(object: &'a [u8], target: Target) -> Result<Elf<'a>, String> {
    let file = Elf::parse(object).map_err(|e| format!("not an ELF64 object: {e}"))?;
    let machine = file.elf_header().e_machine(file.endian());
    let expected = match target {
        Target::X86_64 => elf::EM_X86_64,
        Target::Aarch64 => elf::EM_AARCH64,
    };
    if machine != expected {
        return Err(format!("e_machine is {machine}, expected {expected}"));
    }
    Ok(file)
}

fn flags_and_type(section: &Section, endian: Endianness) -> (u64, u32) {
    let header = section.elf_section_header();
    (header.sh_flags(endian), header.sh_type(endian))
}

/// Extracts a stencil from its object. The code section is the single
/// non-empty executable section (`.text`; `.ltext` on x86_64, where
/// `-mcmodel=large` puts code); data is every other allocated PROGBITS
/// section (`.rodata*`, `.data*`, `.lrodata*`, ...), concatenated.
pub fn extract_stencil(target: Target, object: &[u8]) -> Result<StencilCode, String> {
    let file = parse(object, target)?;
    let endian = file.endian();
    let mut code_section: Option<Section> = None;
    let mut data_sections: BTreeMap<usize, (u64, Section)> = BTreeMap::new();
    let mut out = StencilCode::default();
    for section in file.sections() {
        let (flags, sh_type) = flags_and_type(&section, endian);
        let name = section.name().unwrap_or("?");
        if flags & u64::from(elf::SHF_ALLOC) == 0 || section.size() == 0 {
            continue;
        }
        let bytes = section.data().map_err(|e| format!("{name}: {e}"))?;
        if sh_type != elf::SHT_PROGBITS {
            return Err(format!(
                "unexpected allocated section {name} (type {sh_type:#x}, {} bytes)",
                bytes.len()
            ));
        }
        if flags & u64::from(elf::SHF_EXECINSTR) != 0 {
            if let Some(first) = &code_section {
                return Err(format!(
                    "two code sections: {} and {name}",
                    first.name().unwrap_or("?")
                ));
            }
            out.code = bytes.to_vec();
            code_section = Some(section);
        } else {
            let align = section.align().max(1);
            let offset = (out.data.len() as u64).next_multiple_of(align);
            out.data.resize(offset as usize, 0);
            out.data.extend_from_slice(bytes);
            data_sections.insert(section.index().0, (offset, section));
        }
    }
    let code_section = code_section.ok_or("no code section")?;
    let code_name = code_section.name().unwrap_or("?");

    let entry = file
        .symbol_by_name("_JIT_ENTRY")
        .ok_or("no _JIT_ENTRY symbol")?;
    for symbol in file.symbols() {
        if symbol.kind() == SymbolKind::Text
            && symbol.is_definition()
            && symbol.index() != entry.index()
        {
            return Err(format!(
                "a second function `{}`: stencils must be one function (inline or make it a helper)",
                symbol.name().unwrap_or("?")
            ));
        }
    }

    if entry.section_index() != Some(code_section.index()) || entry.address() != 0 {
        return Err(format!("_JIT_ENTRY is not at {code_name}+0"));
    }
    if entry.size() != out.code.len() as u64 {
        return Err(format!(
            "_JIT_ENTRY is {} bytes but {code_name} holds {}",
            entry.size(),
            out.code.len()
        ));
    }
    let data_base = |index: SectionIndex| data_sections.get(&index.0).map(|(offset, _)| *offset);
    for (offset, relocation) in code_section.relocations() {
        let place = format!("{code_name}+{offset:#x}");
        out.code_holes.push(hole(
            &file,
            target,
            offset,
            &relocation,
            &place,
            &data_base,
        )?);
    }
    for (base, section) in data_sections.values() {
        for (offset, relocation) in section.relocations() {
            let place = format!("{}+{offset:#x}", section.name().unwrap_or("?"));
            out.data_holes.push(hole(
                &file,
                target,
                base + offset,
                &relocation,
                &place,
                &data_base,
            )?);
        }
    }
    out.code_holes.sort_by_key(|h| h.offset);
    out.data_holes.sort_by_key(|h| h.offset);
    Ok(out)
}

fn hole(
    file: &Elf,
    target: Target,
    offset: u64,
    relocation: &Relocation,
    place: &str,
    data_base: &dyn Fn(SectionIndex) -> Option<u64>,
) -> Result<Hole, String> {
    let RelocationFlags::Elf { r_type } = relocation.flags() else {
        return Err(format!("non-ELF relocation at {place}"));
    };
    let RelocationTarget::Symbol(index) = relocation.target() else {
        return Err(format!("relocation type {r_type} at {place} has no symbol"));
    };
    let symbol = file
        .symbol_by_index(index)
        .map_err(|e| format!("relocation at {place}: {e}"))?;
    let symbol_name = match (symbol.kind(), symbol.section_index()) {
        (SymbolKind::Section, Some(section)) => file
            .section_by_index(section)
            .ok()
            .and_then(|s| s.name().ok().map(str::to_string))
            .unwrap_or_default(),
        _ => symbol.name().unwrap_or("?").to_string(),
    };
    let kind = reloc_kind(target, r_type).ok_or_else(|| {
        format!("unsupported relocation type {r_type} at {place} (against `{symbol_name}`)")
    })?;
    if relocation.has_implicit_addend() {
        return Err(format!(
            "REL (implicit-addend) relocation at {place}: expected RELA"
        ));
    }
    let mut addend = relocation.addend();
    let value = if symbol.is_undefined() {
        undefined_symbol_value(&symbol_name).ok_or_else(|| {
            format!("relocation at {place} against unknown symbol `{symbol_name}` (not a _JIT_ hole, not a jit_ helper)")
        })?
    } else if let Some(base) = symbol.section_index().and_then(data_base) {
        addend += (base + symbol.address()) as i64;
        HoleValue::Data
    } else {
        return Err(format!(
            "relocation at {place} against `{symbol_name}`, defined outside the data sections"
        ));
    };
    Ok(Hole {
        offset,
        kind,
        value,
        addend,
    })
}

/// layout.c's `(name, value)` pairs, from `jit_layout` and
/// `jit_layout_names` in an x86_64 object.
pub fn extract_layout(object: &[u8]) -> Result<Vec<(String, u64)>, String> {
    let file = parse(object, Target::X86_64)?;
    let read = |name: &str| -> Result<&[u8], String> {
        let symbol = file
            .symbol_by_name(name)
            .ok_or_else(|| format!("no `{name}` symbol"))?;
        let section_index = symbol
            .section_index()
            .ok_or_else(|| format!("`{name}` is not defined"))?;
        let section = file
            .section_by_index(section_index)
            .map_err(|e| e.to_string())?;
        if section.relocations().next().is_some() {
            return Err(format!(
                "`{name}`'s section has relocations: the layout must be plain numbers"
            ));
        }
        let data = section.data().map_err(|e| e.to_string())?;
        let start = symbol.address() as usize;
        data.get(start..start + symbol.size() as usize)
            .ok_or_else(|| format!("`{name}` lies outside its section"))
    };
    let values = read("jit_layout")?;
    let names = std::str::from_utf8(read("jit_layout_names")?).map_err(|e| e.to_string())?;
    if values.len() % 8 != 0 {
        return Err(format!(
            "jit_layout is {} bytes, not a whole number of u64s",
            values.len()
        ));
    }
    let names: Vec<&str> = names.trim_end_matches('\0').split('\0').collect();
    let values: Vec<u64> = values
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    if names.len() != values.len() {
        return Err(format!("{} names but {} values", names.len(), values.len()));
    }
    Ok(names.into_iter().map(str::to_string).zip(values).collect())
}

#[cfg(test)]
mod clang_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_values() {
        assert_eq!(
            undefined_symbol_value("_JIT_CONTINUE"),
            Some(HoleValue::Continue)
        );
        assert_eq!(
            undefined_symbol_value("_JIT_JUMP_TARGET"),
            Some(HoleValue::JumpTarget)
        );
        assert_eq!(
            undefined_symbol_value("_JIT_ERROR_TARGET"),
            Some(HoleValue::ErrorTarget)
        );
        assert_eq!(undefined_symbol_value("_JIT_OPARG"), Some(HoleValue::Oparg));
        assert_eq!(
            undefined_symbol_value("_JIT_OPERAND0"),
            Some(HoleValue::Operand0)
        );
        assert_eq!(
            undefined_symbol_value("_JIT_TARGET"),
            Some(HoleValue::Target)
        );
        assert_eq!(
            undefined_symbol_value("_JIT_EXECUTOR"),
            Some(HoleValue::Executor)
        );
        assert_eq!(
            undefined_symbol_value("jit_binary_op"),
            Some(HoleValue::Helper("jit_binary_op".into()))
        );
        for other in [
            "memcpy",
            "_JIT_ENTRY",
            "_JIT_OPERAND1",
            "jit_",
            "__multi3",
            "",
        ] {
            assert_eq!(undefined_symbol_value(other), None, "{other}");
        }
    }

    #[test]
    fn reloc_kinds_are_per_target() {
        assert_eq!(reloc_kind(Target::X86_64, 1), Some("X86_64_64"));
        assert_eq!(reloc_kind(Target::Aarch64, 1), None);
        assert_eq!(reloc_kind(Target::Aarch64, 283), Some("Aarch64Call26"));
        assert_eq!(reloc_kind(Target::Aarch64, 269), Some("Aarch64MovwUabsG3"));
        assert_eq!(reloc_kind(Target::X86_64, 283), None);
        assert_eq!(reloc_kind(Target::X86_64, elf::R_X86_64_GOTPCREL), None);
    }
}
