//! VM configuration knobs (the oracle side parses configuration strings such
//! as `t1+warmup=0` into this).

pub use crate::planted::Injection;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VmConfig {
    /// Tier 1 specialization on (`t1`) or off (`t0`).
    pub specialize: bool,
    /// Executions of a generic instruction before it tries to specialize.
    pub warmup: u16,
    /// GC stress: collect at every allocation and safe point (within the
    /// run's stress budget), poison freed memory, verify the heap (see
    /// `runtime::arena`).
    pub gc_stress: bool,
    pub inject: Option<Injection>,
    /// Tier 2 (traces + optimizer + tier-2 interpreter), if enabled.
    pub tier2: Option<crate::tier2::Tier2Config>,
    /// The run's resource limits (a run parameter, not a knob: the
    /// reference uses the same).
    pub limits: crate::lang::limits::Limits,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            specialize: true,
            warmup: 2,
            gc_stress: false,
            inject: None,
            tier2: None,
            limits: Default::default(),
        }
    }
}
