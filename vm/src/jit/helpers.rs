//! Runtime helpers JIT code calls through holes (`jit_*` in jit.h): the
//! slow paths of escaping uops. Natively they are called directly; under
//! emulation the call lands on a trap page and [`call_by_index`] makes it.
//! A helper that raises leaves the exception in the run and returns NULL.
//!
//! Safety contract of every `jit_*` helper: only machine code compiled from
//! our stencils calls them, with the run's live `JitState` and pointers into
//! the run's arena, as jit.h declares.

use crate::lang::bytecode::{arg_binop, arg_cmp, arg_inplace};
use crate::runtime::frame::{FRAME_CODE, FRAME_SP, fget};
use crate::runtime::{Raise, Value, int};
use crate::tier1::Run;

use super::state::JitState;

/// Runs a helper body against the run a JitState belongs to: fuel is synced
/// in and out, a raised exception is left in the run, and a Rust panic is
/// caught (it must never unwind through machine code) and becomes an
/// internal error.
fn with_run<R>(
    st: *mut JitState,
    failed: R,
    f: impl FnOnce(&mut Run<'static>) -> Result<R, Raise>,
) -> R {
    // SAFETY: `st` is the state of a live run executing JIT code.
    let run = unsafe { &mut *((*st).run as *mut Run<'static>) };
    // SAFETY: as above.
    unsafe {
        run.fuel = (*st).fuel;
        run.guard_evals = (*st).guard_evals;
    }
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *run)));
    let out = match r {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            run.pending = Some(e);
            failed
        }
        Err(_) => {
            run.pending = Some(Raise::Internal(
                "a runtime helper panicked under JIT code".into(),
            ));
            failed
        }
    };
    run.fold_bulk_fuel();
    // SAFETY: as above.
    unsafe {
        (*st).fuel = run.fuel;
        (*st).guard_evals = run.guard_evals;
        (*st).gc_pending = run.arena.wants_gc() as u64;
    }
    out
}

/// Or'ed into `jit_unbound_local`'s index by `_LOAD_DEREF`: the local is
/// an unbound cell (CPython's error then depends on whose variable it is).
pub const UNBOUND_DEREF: u64 = 0x8000_0000;

pub(crate) unsafe extern "C" fn jit_unbound_local(
    st: *mut JitState,
    frame: u64,
    index: u64,
) -> Value {
    with_run(st, Value::NULL, |run| {
        let cid = fget(frame, FRAME_CODE) as usize;
        let slot = (index & !UNBOUND_DEREF) as u32;
        Err(if index & UNBOUND_DEREF != 0 {
            run.unbound_deref(cid, slot)
        } else {
            run.unbound_local(cid, slot)
        })
    })
}

pub(crate) unsafe extern "C" fn jit_box_float(st: *mut JitState, bits: u64) -> Value {
    with_run(st, Value::NULL, |run| {
        crate::runtime::float::new(run.arena, f64::from_bits(bits))
    })
}

pub(crate) unsafe extern "C" fn jit_binary_op(
    st: *mut JitState,
    a: Value,
    b: Value,
    oparg: u64,
) -> Value {
    with_run(st, Value::NULL, |run| {
        run.binop_any(arg_binop(oparg as u32), arg_inplace(oparg as u32), a, b)
    })
}

/// `op`: 0 `+`, 1 `-`, 2 `~` (see `int::unary_op_of_flag`).
pub(crate) unsafe extern "C" fn jit_unary(st: *mut JitState, a: Value, op: u64) -> Value {
    with_run(st, Value::NULL, |run| {
        run.unary_any(int::unary_op_of_flag(op), a)
    })
}

/// 0 or 1: `a`'s truth; 2: raised (a user `__bool__` or `__len__`).
pub(crate) unsafe extern "C" fn jit_truthy(st: *mut JitState, a: Value) -> u64 {
    with_run(st, 2, |run| run.truthy_any(a).map(u64::from))
}

pub(crate) unsafe extern "C" fn jit_compare_op(
    st: *mut JitState,
    a: Value,
    b: Value,
    oparg: u64,
) -> Value {
    with_run(st, Value::NULL, |run| {
        run.compare_any(arg_cmp(oparg as u32), a, b)
    })
}

pub(crate) unsafe extern "C" fn jit_get_iter(st: *mut JitState, a: Value) -> Value {
    with_run(st, Value::NULL, |run| run.get_iter(a))
}

/// 0: `*out` holds the next value; 1: exhausted, or an iterator that runs
/// Python code, left unstepped (the exit re-executes FOR_ITER, which must
/// not step such an iterator again after it ended here); 2: raised.
pub(crate) unsafe extern "C" fn jit_for_iter(st: *mut JitState, it: Value, out: *mut Value) -> u64 {
    // As the tier-2 interpreter's `_FOR_ITER_TIER_TWO`: left to tier 1.
    if crate::tier1::for_iter_leaves_trace(it) {
        return 1;
    }
    with_run(st, 2, |run| {
        Ok(match run.iter_next(it)? {
            Some(v) => {
                // SAFETY: `out` is the free stack slot above the iterator.
                unsafe { *out = v };
                0
            }
            None => 1,
        })
    })
}

pub(crate) unsafe extern "C" fn jit_load_global(st: *mut JitState, name: u64) -> Value {
    with_run(st, Value::NULL, |run| run.load_global_slow(name as u32))
}

pub(crate) unsafe extern "C" fn jit_store_global(st: *mut JitState, name: u64, v: Value) {
    with_run(st, (), |run| {
        run.store_global(name as u32, v);
        Ok(())
    })
}

pub(crate) unsafe extern "C" fn jit_call(
    st: *mut JitState,
    frame: u64,
    sp: *mut Value,
    nargs: u64,
) -> Value {
    with_run(st, Value::NULL, |run| {
        let n = nargs as usize;
        debug_assert_eq!(fget(frame, FRAME_SP), sp as u64);
        // SAFETY: the stack holds the callable and `n` arguments below `sp`.
        let (callable, args) = unsafe {
            (
                *sp.sub(n + 1),
                std::slice::from_raw_parts(sp.sub(n), n).to_vec(),
            )
        };
        run.call_value(callable, &args, frame)
    })
}

pub(crate) unsafe extern "C" fn jit_make_function(st: *mut JitState, code: u64) -> Value {
    with_run(st, Value::NULL, |run| run.make_function(code as u32))
}

/// `_BINARY_OP_ADD_UNICODE`: concatenates two strs its guard established
/// (a non-str operand is a JIT bug, reported as an internal error).
pub(crate) unsafe extern "C" fn jit_concat_str(st: *mut JitState, a: Value, b: Value) -> Value {
    with_run(st, Value::NULL, |run| {
        use crate::runtime::strs;
        if !(strs::is_str(a) && strs::is_str(b)) {
            return Err(Raise::Internal(format!(
                "_BINARY_OP_ADD_UNICODE met a {} and a {}: its guard let a non-str through",
                crate::runtime::type_name(a),
                crate::runtime::type_name(b)
            )));
        }
        // Tier 1's concatenation, so the length check and the bulk fuel the
        // result costs are the same in every tier.
        crate::runtime::str_ops::binop(run.arena, crate::lang::ast::BinOp::Add, false, a, b)
    })
}

/// A generic sequence uop (`operand` packs its bytecode op and arg): runs
/// tier 1's code on the inputs below `sp` (synced), writes the outputs in
/// their place and returns the new stack pointer, or NULL when it raised
/// (the stack untouched).
pub(crate) unsafe extern "C" fn jit_stack_op(
    st: *mut JitState,
    frame: u64,
    sp: *mut Value,
    operand: u64,
) -> u64 {
    with_run(st, 0, |run| {
        debug_assert_eq!(fget(frame, FRAME_SP), sp as u64);
        let (op, arg) = crate::tier2::trace::stack_op_of_operand(operand)
            .ok_or_else(|| Raise::Internal(format!("stack op operand {operand:#x}")))?;
        let (pops, _) = crate::lang::bytecode::stack_effect(op, arg);
        // SAFETY: the stack holds the uop's inputs below `sp`.
        let inputs =
            unsafe { std::slice::from_raw_parts(sp.sub(pops as usize), pops as usize) }.to_vec();
        let outs = run.stack_op(op, arg, &inputs)?;
        // SAFETY: the compiler sized the stack for the outputs.
        unsafe {
            let base = sp.sub(pops as usize);
            for (k, v) in outs.iter().enumerate() {
                *base.add(k) = *v;
            }
            Ok(base.add(outs.len()) as u64)
        }
    })
}

/// The stencil already counted this back edge: 1 to raise (fuel), else 0.
pub(crate) unsafe extern "C" fn jit_check_periodic(st: *mut JitState, frame: u64) -> u64 {
    with_run(st, 1, |run| {
        if run.fuel > run.config.limits.fuel {
            return Err(Raise::Poison(crate::lang::Poison::Fuel));
        }
        run.safe_point_at(frame);
        Ok(0)
    })
}

pub(crate) unsafe extern "C" fn jit_check_removed_guard(
    st: *mut JitState,
    index: u64,
    sp: *const Value,
) {
    // SAFETY: `sp` is the synced stack pointer of a live frame; the three
    // words below it are stack slots or the frame's header.
    let top = unsafe { [*sp.sub(1), *sp.sub(2), *sp.sub(3)] };
    // `index` is `executor << 32 | removed-guard index`.
    with_run(st, (), |run| {
        run.check_removed_guard((index >> 32) as usize, (index & 0xffff_ffff) as usize, top);
        Ok(())
    })
}

pub(crate) unsafe extern "C" fn jit_check_ip(st: *mut JitState, frame: u64, target: u64, uop: u64) {
    with_run(st, (), |run| {
        run.check_ip(frame, target as u32, uop);
        Ok(())
    })
}

/// `exit` is `executor << 32 | exit index`. 0 to go on into the linked
/// trace, 1 when a check failed (the exception is left in the run).
pub(crate) unsafe extern "C" fn jit_linked_exit(st: *mut JitState, frame: u64, exit: u64) -> u64 {
    with_run(st, 1, |run| {
        run.linked_exit((exit >> 32) as usize, (exit & 0xffff_ffff) as usize, frame)?;
        Ok(0)
    })
}

pub(crate) unsafe extern "C" fn jit_check_regs(st: *mut JitState, frame: u64, info: u64) {
    with_run(st, (), |run| {
        let cached = ((info >> 24) & 0xff).min(3) as u8;
        // SAFETY: the stencil filled these just before the call.
        let (regs, sp) = unsafe { ((*st).check_regs, (*st).check_sp) };
        run.log_stack(
            (info >> 32) as usize,
            (info & 0xff_ffff) as u32,
            cached,
            frame,
            sp,
            &regs[..cached as usize],
        );
        Ok(())
    })
}

/// The helpers by name, with their native addresses.
pub fn native_address(name: &str) -> Option<u64> {
    HELPERS
        .iter()
        .position(|h| *h == name)
        .map(|i| native_by_index(i) as u64)
}

/// Helper names, in trap-page order.
pub const HELPERS: &[&str] = &[
    "jit_unbound_local",
    "jit_binary_op",
    "jit_unary",
    "jit_truthy",
    "jit_compare_op",
    "jit_get_iter",
    "jit_for_iter",
    "jit_load_global",
    "jit_store_global",
    "jit_call",
    "jit_make_function",
    "jit_check_periodic",
    "jit_check_removed_guard",
    "jit_check_ip",
    "jit_linked_exit",
    "jit_check_regs",
    "jit_box_float",
    "jit_stack_op",
    "jit_concat_str",
];

fn native_by_index(i: usize) -> usize {
    match i {
        0 => jit_unbound_local as *const () as usize,
        1 => jit_binary_op as *const () as usize,
        2 => jit_unary as *const () as usize,
        3 => jit_truthy as *const () as usize,
        4 => jit_compare_op as *const () as usize,
        5 => jit_get_iter as *const () as usize,
        6 => jit_for_iter as *const () as usize,
        7 => jit_load_global as *const () as usize,
        8 => jit_store_global as *const () as usize,
        9 => jit_call as *const () as usize,
        10 => jit_make_function as *const () as usize,
        11 => jit_check_periodic as *const () as usize,
        12 => jit_check_removed_guard as *const () as usize,
        13 => jit_check_ip as *const () as usize,
        14 => jit_linked_exit as *const () as usize,
        15 => jit_check_regs as *const () as usize,
        16 => jit_box_float as *const () as usize,
        17 => jit_stack_op as *const () as usize,
        18 => jit_concat_str as *const () as usize,
        _ => unreachable!("helper {i} is not in HELPERS"),
    }
}

/// Calls helper `i` with C-ABI integer arguments read from an emulated CPU.
///
/// # Safety
/// The arguments are those a stencil passed: a live run's JitState and
/// pointers into its arena.
pub unsafe fn call_by_index(i: usize, a: [u64; 4]) -> u64 {
    let st = a[0] as *mut JitState;
    // SAFETY: per this function's contract.
    unsafe { call_by_index_unchecked(i, st, a) }
}

unsafe fn call_by_index_unchecked(i: usize, st: *mut JitState, a: [u64; 4]) -> u64 {
    unsafe {
        match i {
            0 => jit_unbound_local(st, a[1], a[2]).0,
            1 => jit_binary_op(st, Value(a[1]), Value(a[2]), a[3]).0,
            2 => jit_unary(st, Value(a[1]), a[2]).0,
            3 => jit_truthy(st, Value(a[1])),
            4 => jit_compare_op(st, Value(a[1]), Value(a[2]), a[3]).0,
            5 => jit_get_iter(st, Value(a[1])).0,
            6 => jit_for_iter(st, Value(a[1]), a[2] as *mut Value),
            7 => jit_load_global(st, a[1]).0,
            8 => {
                jit_store_global(st, a[1], Value(a[2]));
                0
            }
            9 => jit_call(st, a[1], a[2] as *mut Value, a[3]).0,
            10 => jit_make_function(st, a[1]).0,
            11 => jit_check_periodic(st, a[1]),
            12 => {
                jit_check_removed_guard(st, a[1], a[2] as *const Value);
                0
            }
            13 => {
                jit_check_ip(st, a[1], a[2], a[3]);
                0
            }
            14 => jit_linked_exit(st, a[1], a[2]),
            15 => {
                jit_check_regs(st, a[1], a[2]);
                0
            }
            16 => jit_box_float(st, a[1]).0,
            17 => jit_stack_op(st, a[1], a[2] as *mut Value, a[3]),
            18 => jit_concat_str(st, Value(a[1]), Value(a[2])).0,
            _ => unreachable!("helper {i} is not in HELPERS"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name in `HELPERS` resolves to its own function (a helper added
    /// to the list without its dispatch arms would panic or alias another).
    #[test]
    fn every_helper_has_its_own_native_address() {
        let mut seen = std::collections::HashSet::new();
        for (i, name) in HELPERS.iter().enumerate() {
            assert!(
                seen.insert(native_by_index(i)),
                "{name} aliases another helper"
            );
            assert_eq!(native_address(name), Some(native_by_index(i) as u64));
        }
    }
}
