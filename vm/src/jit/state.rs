//! The per-run state JIT code reads and writes (`JitState` in
//! vm/stencils/jit.h). It lives in a page-aligned host region that the
//! emulators map at the same address, next to the executor validity flags.

use crate::runtime::Value;
use crate::runtime::mapping::Mapping;

/// Mirrors `struct JitState` in jit.h (a generated test checks every offset).
#[repr(C)]
#[derive(Debug)]
pub struct JitState {
    pub fuel: u64,
    pub fuel_limit: u64,
    pub gc_pending: u64,
    pub exit_index: u64,
    pub globals: Value,
    pub builtins: Value,
    /// Executor validity flags, indexed by executor id.
    pub valid: *mut u64,
    /// The Rust `Run` the helpers act on (opaque to C).
    pub run: *mut u8,
    /// `+count-stencils`: steps run, by [`step_counter`] index.
    pub executed: *mut u64,
    /// Per exit slot: the machine code the exit is linked to, or 0.
    pub links: *mut u64,
    /// Guard evaluations counted by forced-failure stencils (`+deopt=N`).
    pub guard_evals: u64,
    /// Nonzero when the run records events: linked exits report themselves.
    pub observe: u64,
    /// `_CHECK_REGS` leaves the cached registers and the stack pointer
    /// here for its helper.
    pub check_regs: [Value; 3],
    pub check_sp: u64,
    /// The run's one-character strings (`Arena::chars`), where emulated
    /// code can read them: `_BINARY_SUBSCR_STR_INT` returns one.
    pub chars: [Value; 128],
}

// The JitState must fit the first page of its region.
const _: () = assert!(size_of::<JitState>() <= 4096);

/// Statuses the shim returns (jit.h `STATUS_*`).
pub const STATUS_EXIT: u64 = 0;
pub const STATUS_ERROR: u64 = 1;

/// Executors a run may compile (one validity word each).
pub const MAX_EXECUTORS: usize = 16 * 1024;
/// Exit link slots a run may use; slot 0 is never linked (the fallback when
/// the slots run out).
pub const MAX_LINKS: usize = 64 * 1024;

/// Step counters of `+count-stencils`: 16 variants (`in * 4 + out`) for
/// each uop, then 16 for the spills and reloads.
pub const STEP_COUNTERS: usize = 16 * 512;
const _: () = assert!((crate::tier2::uops::Uop::ALL.len() + 1) * 16 <= STEP_COUNTERS);

/// The counter a `+count-stencils` counting stencil bumps before a step:
/// the uop's (by its index in `Uop::ALL`) at its variant, or, for a spill
/// or reload (`uop` None), the spill's.
pub fn step_counter(uop: Option<usize>, inputs: u8, outputs: u8) -> usize {
    let row = uop.unwrap_or(crate::tier2::uops::Uop::ALL.len());
    row * 16 + inputs as usize * 4 + outputs as usize
}

/// The host region holding the `JitState` and the validity flags:
/// `[JitState (one page)][valid flags][exit links][step counters]`.
pub struct StateRegion {
    mapping: Mapping,
}

impl StateRegion {
    pub fn new() -> StateRegion {
        StateRegion {
            mapping: Mapping::new(
                4096 + MAX_EXECUTORS * 8 + MAX_LINKS * 8 + STEP_COUNTERS * 8,
                false,
                "JIT state region",
            ),
        }
    }

    pub fn mapping(&self) -> (u64, usize) {
        (self.mapping.addr(), self.mapping.len())
    }

    pub fn state(&self) -> *mut JitState {
        self.mapping.base() as *mut JitState
    }

    pub fn valid_flags(&self) -> *mut u64 {
        // SAFETY: within the mapping.
        unsafe { self.mapping.base().add(4096) as *mut u64 }
    }

    pub fn links(&self) -> *mut u64 {
        // SAFETY: within the mapping.
        unsafe { self.mapping.base().add(4096 + MAX_EXECUTORS * 8) as *mut u64 }
    }

    pub fn step_counters(&self) -> *mut u64 {
        // SAFETY: within the mapping.
        unsafe {
            self.mapping
                .base()
                .add(4096 + MAX_EXECUTORS * 8 + MAX_LINKS * 8) as *mut u64
        }
    }

    /// Reads the step counters and zeroes them (for the next program).
    pub fn take_step_counters(&self) -> Vec<u64> {
        // SAFETY: the counters array lies within the mapping; nothing runs.
        unsafe {
            let counters = std::slice::from_raw_parts_mut(self.step_counters(), STEP_COUNTERS);
            let out = counters.to_vec();
            counters.fill(0);
            out
        }
    }

    /// Links exit slot `slot` to machine code at `target` (0 unlinks).
    pub fn set_link(&self, slot: u32, target: u64) {
        if slot != 0 && (slot as usize) < MAX_LINKS {
            // SAFETY: index checked.
            unsafe { *self.links().add(slot as usize) = target }
        }
    }

    /// Unlinks slots `1..used` (between programs: their code is gone).
    pub fn clear_links(&self, used: u32) {
        let n = (used as usize).min(MAX_LINKS);
        // SAFETY: within the links array.
        unsafe { std::ptr::write_bytes(self.links(), 0, n) }
    }

    pub fn set_valid(&self, executor: usize, valid: bool) {
        assert!(executor < MAX_EXECUTORS);
        // SAFETY: index checked.
        unsafe { *self.valid_flags().add(executor) = valid as u64 }
    }
}

impl Default for StateRegion {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::mem::{offset_of, size_of};

    use super::*;
    use crate::runtime::frame::{FRAME_IP, FRAME_LOCALS, FRAME_SP};
    use crate::runtime::object::{self, Kind};
    use crate::runtime::value::{SMALL_MAX, SMALL_MIN};

    /// C (as clang compiled vm/stencils/layout.c) and Rust agree on every
    /// shared struct offset, size and constant. The C side is generated, so
    /// this cannot pass by hope.
    #[test]
    fn c_and_rust_agree_on_every_shared_layout() {
        let rust: Vec<(&str, u64)> = vec![
            ("sizeof(JitState)", size_of::<JitState>() as u64),
            (
                "offsetof(JitState, fuel)",
                offset_of!(JitState, fuel) as u64,
            ),
            (
                "offsetof(JitState, fuel_limit)",
                offset_of!(JitState, fuel_limit) as u64,
            ),
            (
                "offsetof(JitState, gc_pending)",
                offset_of!(JitState, gc_pending) as u64,
            ),
            (
                "offsetof(JitState, exit_index)",
                offset_of!(JitState, exit_index) as u64,
            ),
            (
                "offsetof(JitState, globals)",
                offset_of!(JitState, globals) as u64,
            ),
            (
                "offsetof(JitState, builtins)",
                offset_of!(JitState, builtins) as u64,
            ),
            (
                "offsetof(JitState, valid)",
                offset_of!(JitState, valid) as u64,
            ),
            ("offsetof(JitState, run)", offset_of!(JitState, run) as u64),
            (
                "offsetof(JitState, executed)",
                offset_of!(JitState, executed) as u64,
            ),
            (
                "offsetof(JitState, links)",
                offset_of!(JitState, links) as u64,
            ),
            (
                "offsetof(JitState, guard_evals)",
                offset_of!(JitState, guard_evals) as u64,
            ),
            (
                "offsetof(JitState, observe)",
                offset_of!(JitState, observe) as u64,
            ),
            (
                "offsetof(JitState, check_regs)",
                offset_of!(JitState, check_regs) as u64,
            ),
            (
                "offsetof(JitState, check_sp)",
                offset_of!(JitState, check_sp) as u64,
            ),
            (
                "offsetof(JitState, chars)",
                offset_of!(JitState, chars) as u64,
            ),
            ("VALUE_NULL", Value::NULL.0),
            ("VALUE_NONE", Value::NONE.0),
            ("VALUE_FALSE", Value::FALSE.0),
            ("VALUE_TRUE", Value::TRUE.0),
            ("SMALL_MIN", SMALL_MIN as u64),
            ("SMALL_MAX", SMALL_MAX as u64),
            ("KIND_MASK", object::KIND_MASK),
            ("KIND_FUNCTION", Kind::Function as u64),
            ("KIND_RANGE_ITER", Kind::RangeIter as u64),
            ("KIND_FLOAT", Kind::Float as u64),
            ("FLOAT_VALUE", object::FLOAT_VALUE),
            ("KIND_TUPLE", Kind::Tuple as u64),
            ("KIND_LIST", Kind::List as u64),
            ("KIND_LIST_ITER", Kind::ListIter as u64),
            ("KIND_TUPLE_ITER", Kind::TupleIter as u64),
            ("TUPLE_LEN", object::TUPLE_LEN),
            ("TUPLE_ITEMS", object::TUPLE_ITEMS),
            ("LIST_LEN", object::LIST_LEN),
            ("LIST_ITEMS", object::LIST_ITEMS),
            ("ITEMS_FIRST", object::ITEMS_FIRST),
            ("SEQ_ITER_SEQ", object::SEQ_ITER_SEQ),
            ("SEQ_ITER_INDEX", object::SEQ_ITER_INDEX),
            ("KIND_STR", Kind::Str as u64),
            ("STR_LEN", object::STR_LEN),
            ("STR_BYTES", object::STR_BYTES),
            ("FUNCTION_CODE", object::FUNCTION_CODE),
            ("FUNCTION_DEFAULTS", object::FUNCTION_DEFAULTS),
            ("FUNCTION_CLOSURE", object::FUNCTION_CLOSURE),
            ("CELL_REF", object::CELL_REF),
            ("UNBOUND_DEREF", crate::jit::helpers::UNBOUND_DEREF),
            ("ITER_NEXT", object::ITER_NEXT),
            ("ITER_STEP", object::ITER_STEP),
            ("ITER_REMAINING", object::ITER_REMAINING),
            ("DICT_KEYS_VERSION", object::DICT_KEYS_VERSION),
            ("DICT_ENTRIES", object::DICT_ENTRIES),
            ("KIND_PYDICT", Kind::PyDict as u64),
            ("PYDICT_USED", object::PYDICT_USED),
            ("KIND_TYPE", Kind::Type as u64),
            ("KIND_INSTANCE", Kind::Instance as u64),
            ("TYPE_VERSION", crate::runtime::class::TYPE_VERSION),
            ("INSTANCE_TYPE", crate::runtime::class::INSTANCE_TYPE),
            ("INSTANCE_VALUES", crate::runtime::class::INSTANCE_VALUES),
            ("VALUES_FIRST", crate::runtime::class::VALUES_FIRST),
            ("VALUE_METHOD_CALL_RECEIVER", Value::METHOD_CALL_RECEIVER.0),
            ("FRAME_IP", FRAME_IP),
            ("FRAME_SP", FRAME_SP),
            ("FRAME_LOCALS", FRAME_LOCALS),
            ("STATUS_EXIT", STATUS_EXIT),
            ("STATUS_ERROR", STATUS_ERROR),
        ];
        assert_eq!(rust, crate::jit::stencils::layout::C_LAYOUT);
    }
}
