//! Generator objects. A suspended generator keeps its frame in the arena
//! object itself, as CPython embeds the frame in the generator: its locals
//! and value stack (the loop iterators of the `for` loops the `yield` is
//! in) are copied into a frame slot when it resumes and back when it
//! yields, so the collector traces them as the object's fields.
//!
//! Layout: `[hdr][function][state: raw][ip: raw][nstack: raw]
//! [locals: Value * nlocals][stack: Value * stack_size]`; unbound locals
//! and the stack slots at and past `nstack` are NULL.

use super::object::{self, FUNCTION_CODE, Kind};
use super::value::Value;

pub const GEN_FUNCTION: u64 = 8;
pub const GEN_STATE: u64 = 16;
pub const GEN_IP: u64 = 24;
pub const GEN_NSTACK: u64 = 32;
pub const GEN_VALUES: u64 = 40;
/// Words before the saved values (header included).
pub const GEN_HEADER_WORDS: usize = 5;

/// Not started yet: the next resume runs the body from its first
/// instruction.
pub const CREATED: u64 = 0;
pub const SUSPENDED: u64 = 1;
/// Its frame is running (a `next` of it now is a ValueError).
pub const RUNNING: u64 = 2;
/// Returned or raised: every later `next` finds it exhausted.
pub const FINISHED: u64 = 3;

pub fn is_generator(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Generator
}

fn field(g: Value, off: u64) -> u64 {
    // SAFETY: callers pass a live Generator.
    unsafe { object::read(g.0, off) }
}

fn set_field(g: Value, off: u64, x: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(g.0, off, x) }
}

pub fn state(g: Value) -> u64 {
    field(g, GEN_STATE)
}

pub fn set_state(g: Value, s: u64) {
    set_field(g, GEN_STATE, s)
}

pub fn function(g: Value) -> Value {
    Value(field(g, GEN_FUNCTION))
}

/// The code id of the generator's function.
pub fn code_id(g: Value) -> usize {
    // SAFETY: a generator's function is a live Function.
    unsafe { object::read(function(g).0, FUNCTION_CODE) as usize }
}

pub fn ip(g: Value) -> u64 {
    field(g, GEN_IP)
}

pub fn nstack(g: Value) -> u64 {
    field(g, GEN_NSTACK)
}

/// Saved value `i` (locals first, then the stack).
pub fn saved(g: Value, i: u64) -> Value {
    Value(field(g, GEN_VALUES + 8 * i))
}

pub fn set_saved(g: Value, i: u64, v: Value) {
    set_field(g, GEN_VALUES + 8 * i, v.0)
}

/// Records where the frame stopped: `ip` and how many stack values follow
/// the locals.
pub fn set_position(g: Value, ip: u64, nstack: u64) {
    set_field(g, GEN_IP, ip);
    set_field(g, GEN_NSTACK, nstack);
}

/// How many value words the object holds (locals and stack capacity).
pub fn capacity(addr: u64) -> u64 {
    // SAFETY: `addr` is a live Generator.
    let words = object::header_words(unsafe { object::read(addr, 0) }) as u64;
    words - GEN_HEADER_WORDS as u64
}

/// A finished generator drops what it saved.
pub fn clear(g: Value) {
    for i in 0..capacity(g.0) {
        set_saved(g, i, Value::NULL);
    }
    set_position(g, 0, 0);
}

/// The collector's view: the function, and the saved values unless
/// `frame_unrooted` (the planted `gen-frame-not-rooted` bug).
///
/// # Safety
/// `addr` must be a live Generator.
pub unsafe fn for_each_child(addr: u64, f: &mut dyn FnMut(Value), frame_unrooted: bool) {
    // SAFETY: per the contract.
    unsafe { f(Value(object::read(addr, GEN_FUNCTION))) };
    if frame_unrooted {
        return;
    }
    for i in 0..capacity(addr) {
        // SAFETY: within the object.
        let v = Value(unsafe { object::read(addr, GEN_VALUES + 8 * i) });
        if !v.is_null() {
            f(v);
        }
    }
}

/// The verifier's field offsets: the function and every bound saved value.
pub fn verified_fields(addr: u64, out: &mut Vec<u64>) {
    out.push(GEN_FUNCTION);
    for i in 0..capacity(addr) {
        let off = GEN_VALUES + 8 * i;
        // SAFETY: within the live object.
        if unsafe { object::read(addr, off) } != 0 {
            out.push(off);
        }
    }
}
