//! Extraction from real clang-19 objects of small C snippets (data sections,
//! data relocations, rejected objects). Skipped, with a note, when clang-19 is
//! not installed.

use super::*;
use crate::clang;

const PRELUDE: &str = "#include <stdint.h>\n\
    extern char _JIT_OPARG[];\n\
    extern __attribute__((preserve_none)) uint64_t _JIT_CONTINUE(uint64_t);\n\
    extern uint64_t jit_log(const char *);\n";

/// Compiles `body` (after [`PRELUDE`]) for `target` and extracts it.
fn stencil(target: Target, body: &str) -> Option<Result<StencilCode, String>> {
    if clang::version_line().is_err() {
        eprintln!("clang-19 not installed: skipping an extraction test");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("snippet.c");
    std::fs::write(&source, format!("{PRELUDE}{body}")).unwrap();
    let compiled = clang::compile(
        target,
        &source,
        &[],
        &dir.path().join("snippet.o"),
        "snippet",
    )
    .unwrap();
    Some(extract_stencil(target, &compiled.object))
}

fn word(data: &[u8], at: i64) -> u64 {
    let at = at as usize;
    u64::from_le_bytes(data[at..at + 8].try_into().unwrap())
}

/// Read-only data, a string in a second (mergeable) section, and pointers in
/// data: every hole into data must point at the right bytes of the
/// concatenated data.
#[test]
fn data_and_data_holes() {
    let body = "static const uint64_t table[4] = {11, 22, 33, 44};\n\
        static const uint64_t *const ptrs[2] = {&table[1], &table[3]};\n\
        __attribute__((preserve_none)) uint64_t _JIT_ENTRY(uint64_t x) {\n\
            x = *ptrs[x & 1] + table[(uintptr_t)_JIT_OPARG & 3] + jit_log(\"hello\");\n\
            __attribute__((musttail)) return _JIT_CONTINUE(x);\n\
        }\n";
    for target in Target::ALL {
        let Some(result) = stencil(target, body) else {
            return;
        };
        let stencil = result.unwrap_or_else(|e| panic!("{target:?}: {e}"));
        let data = &stencil.data;
        let values: Vec<&HoleValue> = stencil.code_holes.iter().map(|h| &h.value).collect();
        assert!(
            values.contains(&&HoleValue::Continue),
            "{target:?}: {values:?}"
        );
        assert!(
            values.contains(&&HoleValue::Oparg),
            "{target:?}: {values:?}"
        );
        assert!(
            values.contains(&&HoleValue::Helper("jit_log".into())),
            "{target:?}: {values:?}"
        );
        // Each data hole in code points at `ptrs`, `table` or "hello".
        let mut saw_string = false;
        for hole in stencil
            .code_holes
            .iter()
            .filter(|h| h.value == HoleValue::Data)
        {
            let at = hole.addend as usize;
            saw_string |= data[at..].starts_with(b"hello\0");
        }
        assert!(
            saw_string,
            "{target:?}: no hole points at \"hello\": {stencil:?}"
        );
        // `ptrs` is relocated data: its two holes point at 22 and 44.
        let mut pointed: Vec<u64> = stencil
            .data_holes
            .iter()
            .map(|h| word(data, h.addend))
            .collect();
        pointed.sort();
        assert_eq!(pointed, [22, 44], "{target:?}: {stencil:?}");
        for hole in &stencil.data_holes {
            assert_eq!(hole.value, HoleValue::Data);
            assert_eq!(
                word(data, hole.offset as i64),
                0,
                "unrelocated pointers are zero"
            );
        }
    }
}

fn rejected(target: Target, body: &str) -> Option<String> {
    let result = stencil(target, body)?;
    Some(result.expect_err("the object should be rejected"))
}

#[test]
fn rejects_unknown_symbols() {
    let body = "extern uint64_t strlen_(const char *);\n\
        __attribute__((preserve_none)) uint64_t _JIT_ENTRY(uint64_t x) {\n\
            __attribute__((musttail)) return _JIT_CONTINUE(strlen_((const char *)x));\n\
        }\n";
    for target in Target::ALL {
        let Some(err) = rejected(target, body) else {
            return;
        };
        assert!(err.contains("unknown symbol `strlen_`"), "{err}");
    }
}

#[test]
fn rejects_a_second_function() {
    let body = "__attribute__((noinline)) uint64_t helper(uint64_t x) { return x * 3; }\n\
        __attribute__((preserve_none)) uint64_t _JIT_ENTRY(uint64_t x) {\n\
            __attribute__((musttail)) return _JIT_CONTINUE(helper(x));\n\
        }\n";
    for target in Target::ALL {
        let Some(err) = rejected(target, body) else {
            return;
        };
        assert!(err.contains("a second function `helper`"), "{err}");
    }
}

#[test]
fn rejects_unsupported_relocations() {
    // A 32-bit absolute address (R_X86_64_32) cannot be patched.
    let body = "__attribute__((preserve_none)) uint64_t _JIT_ENTRY(uint64_t x) {\n\
            uint64_t y;\n\
            __asm__(\"movl $_JIT_OPARG, %k0\" : \"=r\"(y));\n\
            __attribute__((musttail)) return _JIT_CONTINUE(x + y);\n\
        }\n";
    let Some(err) = rejected(Target::X86_64, body) else {
        return;
    };
    assert!(
        err.contains("unsupported relocation type 10 at .ltext+0x"),
        "{err}"
    );
    assert!(err.contains("_JIT_OPARG"), "{err}");
}

#[test]
fn layout_numbers() {
    if clang::version_line().is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("layout.c");
    std::fs::write(
        &source,
        "const unsigned long long jit_layout[] = {8, (unsigned long long)-2};\n\
         const char jit_layout_names[] = \"A\\0\" \"B\\0\";\n",
    )
    .unwrap();
    let compiled = clang::compile(
        Target::X86_64,
        &source,
        &[],
        &dir.path().join("layout.o"),
        "layout",
    )
    .unwrap();
    let layout = extract_layout(&compiled.object).unwrap();
    assert_eq!(
        layout,
        [("A".to_string(), 8), ("B".to_string(), u64::MAX - 1)]
    );
}
