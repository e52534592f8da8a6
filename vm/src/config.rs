//! VM configuration knobs (the oracle side parses configuration strings such
//! as `t1+warmup=0` into this).

/// A deliberately planted bug, off unless a configuration turns it on. Each
/// one is a realistic JIT/specializer bug class; the oracle self-tests prove
/// the fuzzer finds every one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Injection {
    /// `BINARY_OP_ADD_INT` wraps to the small-int range instead of boxing
    /// when the result overflows it (a missing overflow check).
    AddIntOverflow,
    /// The optimizer assumes locals keep around the loop the types they have
    /// at its end, and drops their type guards (unsound guard elimination).
    LoopCarriedTypes,
    /// A tier-2 deopt resumes one instruction after its target.
    DeoptResumeLate,
    /// Storing a global does not invalidate executors that promoted globals
    /// to constants (a missed dependency: stale global after rebinding).
    StaleGlobal,
    /// A side exit leaves one value too few on the value stack (a wrong
    /// stack depth at a side exit).
    ExitStackDepth,
    /// The JIT's patcher writes the wrong 16-bit chunk for AArch64
    /// `R_AARCH64_MOVW_UABS_G1_NC` (only AArch64 code has that relocation).
    A64MovwG1,
    /// The `_STORE_FAST` stencil's value is written one slot past the value
    /// stack (a stencil memory bug; only the JIT runs stencils).
    StencilStackOverrun,
}

impl Injection {
    pub const ALL: [Injection; 7] = [
        Injection::AddIntOverflow,
        Injection::LoopCarriedTypes,
        Injection::DeoptResumeLate,
        Injection::StaleGlobal,
        Injection::ExitStackDepth,
        Injection::A64MovwG1,
        Injection::StencilStackOverrun,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Injection::AddIntOverflow => "add-int-overflow",
            Injection::LoopCarriedTypes => "loop-carried-types",
            Injection::DeoptResumeLate => "deopt-resume-late",
            Injection::StaleGlobal => "stale-global",
            Injection::ExitStackDepth => "exit-stack-depth",
            Injection::A64MovwG1 => "a64-movw-g1",
            Injection::StencilStackOverrun => "stencil-stack-overrun",
        }
    }
    pub fn from_name(s: &str) -> Option<Injection> {
        Self::ALL.into_iter().find(|i| i.name() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VmConfig {
    /// Tier 1 specialization on (`t1`) or off (`t0`).
    pub specialize: bool,
    /// Executions of a generic instruction before it tries to specialize.
    pub warmup: u16,
    /// Collect at every safe point.
    pub gc_stress: bool,
    pub inject: Option<Injection>,
    /// Tier 2 (traces + optimizer + tier-2 interpreter), if enabled.
    pub tier2: Option<crate::tier2::Tier2Config>,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            specialize: true,
            warmup: 2,
            gc_stress: false,
            inject: None,
            tier2: None,
        }
    }
}
