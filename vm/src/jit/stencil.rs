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

/// Register variants by index (`inputs * 4 + outputs`).
const VARIANTS: usize = 16;
const DEPTHS: usize = crate::tier2::uops::MAX_CACHED as usize + 1;

/// A table's stencils by what the compiler asks for, found once per table,
/// so the compile path formats and compares no names.
pub struct StencilIndex {
    pub table: &'static StencilTable,
    /// By `Uop as usize`, then variant.
    uops: Vec<[Option<&'static Stencil>; VARIANTS]>,
    exit_stubs: [Option<&'static Stencil>; DEPTHS],
    spills: [[Option<&'static Stencil>; DEPTHS]; DEPTHS],
    check_regs: [Option<&'static Stencil>; DEPTHS],
    count_stencils: [Option<&'static Stencil>; DEPTHS],
    /// x86-64: offsets (in the code) of branch targets inside each stencil,
    /// by the stencil's address, for [`StencilIndex::branched_to`].
    branch_targets: rustc_hash::FxHashMap<usize, Vec<u32>>,
    /// The support stencils every trace has.
    shim: Option<&'static Stencil>,
    error_stub: Option<&'static Stencil>,
    fatal: Option<&'static Stencil>,
}

/// Where the near branches of x86-64 `code` (decoded from offset 0) land,
/// sorted; empty for other machine code, which nothing asks about.
fn x86_branch_targets(code: &[u8]) -> Vec<u32> {
    use iced_x86::{Decoder, DecoderOptions, OpKind};
    let mut targets = vec![];
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
            targets.push(insn.near_branch_target() as u32);
        }
    }
    targets.sort_unstable();
    targets.dedup();
    targets
}

fn variant_slot(v: crate::tier2::uops::Variant) -> usize {
    v.inputs as usize * 4 + v.outputs as usize
}

impl StencilIndex {
    pub fn build(table: &'static StencilTable) -> StencilIndex {
        use crate::tier2::uops::Uop;
        let mut uops = vec![[None; VARIANTS]; Uop::ALL.len()];
        for (i, &u) in Uop::ALL.iter().enumerate() {
            assert_eq!(u as usize, i, "Uop::ALL is in declaration order");
            for &v in u.variants() {
                uops[i][variant_slot(v)] = table.get(&uop_stencil(u, v));
            }
        }
        let by_depth = |name: fn(u8) -> String| std::array::from_fn(|d| table.get(&name(d as u8)));
        let branch_targets = table
            .stencils
            .iter()
            .map(|st| (st as *const Stencil as usize, x86_branch_targets(st.code)))
            .collect();
        StencilIndex {
            branch_targets,
            shim: table.get("_SHIM"),
            error_stub: table.get("_ERROR_STUB"),
            fatal: table.get("_FATAL_ERROR"),
            table,
            uops,
            exit_stubs: by_depth(exit_stub),
            spills: std::array::from_fn(|from| {
                std::array::from_fn(|to| table.get(&spill_or_reload(from as u8, to as u8)))
            }),
            check_regs: by_depth(check_regs),
            count_stencils: by_depth(count_stencils),
        }
    }

    /// Whether a branch inside `stencil` (x86-64) lands at `offset`.
    pub fn branched_to(&self, stencil: &Stencil, offset: u32) -> bool {
        self.branch_targets
            .get(&(stencil as *const Stencil as usize))
            .is_none_or(|t| t.binary_search(&offset).is_ok())
    }

    /// The trace's entry shim, error stub and overrun guard.
    pub fn support(
        &self,
    ) -> Result<(&'static Stencil, &'static Stencil, &'static Stencil), String> {
        match (self.shim, self.error_stub, self.fatal) {
            (Some(shim), Some(error), Some(fatal)) => Ok((shim, error, fatal)),
            _ => Err("the table lacks _SHIM, _ERROR_STUB or _FATAL_ERROR".into()),
        }
    }

    /// Any stencil by its table name (the slow path: planted stencils).
    pub fn named(&self, name: &str) -> Result<&'static Stencil, String> {
        self.table
            .get(name)
            .ok_or_else(|| format!("no stencil `{name}` in the table"))
    }

    pub fn uop(
        &self,
        uop: crate::tier2::uops::Uop,
        variant: crate::tier2::uops::Variant,
    ) -> Result<&'static Stencil, String> {
        self.uops
            .get(uop as usize)
            .and_then(|row| row.get(variant_slot(variant)).copied().flatten())
            .ok_or_else(|| format!("no stencil `{}` in the table", uop_stencil(uop, variant)))
    }

    fn depth(
        stencils: &[Option<&'static Stencil>],
        d: u8,
        name: fn(u8) -> String,
    ) -> Result<&'static Stencil, String> {
        stencils
            .get(d as usize)
            .copied()
            .flatten()
            .ok_or_else(|| format!("no stencil `{}` in the table", name(d)))
    }

    pub fn exit_stub(&self, depth: u8) -> Result<&'static Stencil, String> {
        Self::depth(&self.exit_stubs, depth, exit_stub)
    }

    pub fn check_regs(&self, depth: u8) -> Result<&'static Stencil, String> {
        Self::depth(&self.check_regs, depth, check_regs)
    }

    pub fn count_stencils(&self, depth: u8) -> Result<&'static Stencil, String> {
        Self::depth(&self.count_stencils, depth, count_stencils)
    }

    pub fn spill_or_reload(&self, from: u8, to: u8) -> Result<&'static Stencil, String> {
        self.spills
            .get(from as usize)
            .and_then(|row| row.get(to as usize).copied().flatten())
            .ok_or_else(|| format!("no stencil `{}` in the table", spill_or_reload(from, to)))
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

#[cfg(test)]
mod tests {
    use super::x86_branch_targets;

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
        assert_eq!(x86_branch_targets(&code), vec![4, 5]);
    }
}
