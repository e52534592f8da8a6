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

/// One stencil the builder must produce: the C block it is compiled from
/// (`STENCIL_<block>` in vm/stencils/uops.c), its name in the table, its
/// register variant and the stack effect the block's macros need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StencilSpec {
    pub block: &'static str,
    pub name: String,
    pub variant: crate::tier2::uops::Variant,
    pub pops: u8,
    pub pushes: u8,
}

/// The table name of a uop's stencil in a variant: `_LOAD_FAST_r12`.
pub fn uop_stencil(uop: crate::tier2::uops::Uop, variant: crate::tier2::uops::Variant) -> String {
    format!("{}_{}", uop.name(), variant.suffix())
}

/// The exit stub that writes back `depth` cached values: `_EXIT_STUB_r20`.
pub fn exit_stub(depth: u8) -> String {
    format!("_EXIT_STUB_r{depth}0")
}

/// The `+checkregs` stencil for a uop starting with `depth` values cached.
pub fn check_regs(depth: u8) -> String {
    format!("_CHECK_REGS_r{depth}{depth}")
}

/// The `+count-stencils` stencil for a step starting at `depth`.
pub fn count_stencils(depth: u8) -> String {
    format!("_COUNT_STENCILS_r{depth}{depth}")
}

/// The stencil moving from `from` to `to` cached values.
pub fn spill_or_reload(from: u8, to: u8) -> String {
    format!("_SPILL_OR_RELOAD_r{from}{to}")
}

/// Every stencil, read from the uop table (each uop in each variant it
/// declares) plus the support stencils: the shim, the error stub, the
/// overrun guard, an exit stub per cache depth and a spill or reload for
/// every pair of depths. The stencil builder compiles exactly this list.
pub fn stencil_specs() -> Vec<StencilSpec> {
    use crate::tier2::uops::{MAX_CACHED, Uop, Variant};
    let mut out = Vec::new();
    for &u in Uop::ALL {
        let i = u.info();
        for &v in u.variants() {
            out.push(StencilSpec {
                block: i.name,
                name: uop_stencil(u, v),
                variant: v,
                pops: if i.pops == u8::MAX { 0 } else { i.pops },
                pushes: if i.pushes == u8::MAX { 0 } else { i.pushes },
            });
        }
    }
    let support = |block: &'static str, name: String, variant| StencilSpec {
        block,
        name,
        variant,
        pops: 0,
        pushes: 0,
    };
    for block in ["_SHIM", "_ERROR_STUB", "_FATAL_ERROR"] {
        out.push(support(block, block.to_string(), Variant::MEMORY));
    }
    // `+checkregs`, `+count-stencils`: before a step, at its start depth.
    for d in 0..=crate::tier2::uops::MAX_CACHED {
        out.push(support("_CHECK_REGS", check_regs(d), Variant::new(d, d)));
        out.push(support(
            "_COUNT_STENCILS",
            count_stencils(d),
            Variant::new(d, d),
        ));
    }
    // Planted (`+inject=exit-stub-skips-register`): only the depth it breaks.
    out.push(support(
        "_PLANTED_EXIT_STUB",
        "_PLANTED_EXIT_STUB_r20".into(),
        Variant::new(2, 0),
    ));
    for d in 0..=MAX_CACHED {
        out.push(support("_EXIT_STUB", exit_stub(d), Variant::new(d, 0)));
        for to in (0..=MAX_CACHED).filter(|&to| to != d) {
            out.push(support(
                "_SPILL_OR_RELOAD",
                spill_or_reload(d, to),
                Variant::new(d, to),
            ));
        }
    }
    out
}
