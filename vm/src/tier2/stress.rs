//! Stress and checking uops, inserted into an optimized trace by the
//! configurations that ask for them. Because they are uops (with stencils),
//! the tier-2 interpreter and every JIT backend execute exactly the same
//! forced failures and checks: nothing about them is backend-specific, and
//! normal stencils pay nothing.

use super::uops::{Uop, UopInst};

/// Deliberate guard failures: every `every`th guard evaluation fails before
/// the guard touches anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Forced {
    pub every: u32,
    /// Fail through a side exit of its own (counted, grows a side trace
    /// from the guarded instruction) instead of deopting to tier 1.
    pub side_exit: bool,
}

/// Inserts a forced failure before every uop that can leave the trace.
pub fn insert_forced_failures(uops: Vec<UopInst>, forced: Forced) -> Vec<UopInst> {
    let uop = if forced.side_exit {
        Uop::ForceSideExit
    } else {
        Uop::ForceDeopt
    };
    let mut out = Vec::with_capacity(uops.len() * 2);
    for inst in uops {
        if inst.uop.can_be_forced() {
            out.push(UopInst::new(
                uop,
                0,
                inst.target,
                forced.every.max(1) as u64,
            ));
        }
        out.push(inst);
    }
    out
}

/// Inserts `_CHECK_IP` before every escaping uop (`+checkguards`): a
/// `_SET_IP` the optimizer removed must not have been needed.
pub fn insert_ip_checks(uops: Vec<UopInst>) -> Vec<UopInst> {
    let mut out = Vec::with_capacity(uops.len() * 2);
    for inst in uops {
        let info = inst.uop.info();
        if info.escapes {
            out.push(UopInst::new(
                Uop::CheckIp,
                0,
                inst.target,
                inst.uop.index() as u64,
            ));
        }
        out.push(inst);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_failures_precede_every_uop_that_can_leave() {
        let uops = vec![
            UopInst::new(Uop::CheckValidity, 0, 0, 0),
            UopInst::new(Uop::LoadFast, 0, 1, 0),
            UopInst::new(Uop::GuardTosInt, 0, 2, 0),
            UopInst::new(Uop::ExitTrace, 3, 3, 0),
        ];
        let out = insert_forced_failures(
            uops,
            Forced {
                every: 5,
                side_exit: false,
            },
        );
        let names: Vec<&str> = out.iter().map(|u| u.uop.name()).collect();
        assert_eq!(
            names,
            [
                "_FORCE_DEOPT",
                "_CHECK_VALIDITY",
                "_LOAD_FAST",
                "_FORCE_DEOPT",
                "_GUARD_TOS_INT",
                "_EXIT_TRACE"
            ]
        );
        assert_eq!((out[3].target, out[3].operand), (2, 5));
    }
}
