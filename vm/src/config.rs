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
}

impl Injection {
    pub const ALL: [Injection; 1] = [Injection::AddIntOverflow];
    pub fn name(self) -> &'static str {
        match self {
            Injection::AddIntOverflow => "add-int-overflow",
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
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            specialize: true,
            warmup: 2,
            gc_stress: false,
            inject: None,
        }
    }
}
