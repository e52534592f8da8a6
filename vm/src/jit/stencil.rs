//! The shape of a stencil as the builder (vm/stencils/builder) extracts it
//! from clang's object file: machine code, read-only data, and the holes the
//! JIT patches. Generated tables (`stencils/x86_64.rs`, `stencils/aarch64.rs`)
//! are made of these; `cargo build` never needs clang.

use super::reloc::RelocKind;

/// What a hole is patched with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HoleValue {
    /// The next stencil (`_JIT_CONTINUE`).
    Continue,
    /// The uop's exit stub, or the trace top for `_JUMP_TO_TOP`.
    JumpTarget,
    /// The trace's error stub.
    ErrorTarget,
    /// `_JIT_OPARG`: the uop's oparg.
    Oparg,
    /// `_JIT_OPERAND0`: the uop's operand.
    Operand0,
    /// `_JIT_TARGET`: the uop's bytecode target.
    Target,
    /// `_JIT_EXECUTOR`: the executor's id.
    Executor,
    /// This stencil's own data section (copied next to the code).
    Data,
    /// A Rust runtime helper, by symbol name (`jit_binary_op`, ...).
    Helper(&'static str),
}

/// One relocation: patch `kind` at `offset` with `value + addend`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hole {
    pub offset: u32,
    pub kind: RelocKind,
    pub value: HoleValue,
    pub addend: i64,
}

#[derive(Clone, Copy, Debug)]
pub struct Stencil {
    /// `_LOAD_FAST_r00`, `_EXIT_STUB`, `_SHIM`, ...
    pub name: &'static str,
    pub code: &'static [u8],
    pub data: &'static [u8],
    pub code_holes: &'static [Hole],
    pub data_holes: &'static [Hole],
}

/// A generated table for one target.
pub struct StencilTable {
    /// SHA-256 of everything the table was built from (sources, flags,
    /// compiler version line): the freshness check compares it.
    pub inputs_hash: &'static str,
    pub stencils: &'static [Stencil],
}

impl StencilTable {
    pub fn get(&self, name: &str) -> Option<&'static Stencil> {
        self.stencils.iter().find(|s| s.name == name)
    }
}
