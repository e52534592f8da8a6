//! Frames live in the arena's frame region, laid out as words so the JIT's
//! stencils can address them: `[prev][code_id][ip][sp][nlocals][locals..][stack..]`.
//! `ip` is the index of the next instruction to execute when the frame
//! resumes; `sp` is the stack pointer (an address), written back at safe
//! points and calls so the collector can find every live value.

pub const FRAME_PREV: u64 = 0;
pub const FRAME_CODE: u64 = 8;
pub const FRAME_IP: u64 = 16;
pub const FRAME_SP: u64 = 24;
pub const FRAME_NLOCALS: u64 = 32;
pub const FRAME_LOCALS: u64 = 40;
/// Header words before the locals.
pub const FRAME_HEADER_WORDS: u64 = 5;

/// Frames live in fixed slots of the frame region: one page for the frame,
/// placed so its value stack ends exactly at the page end, then a guard page
/// the emulators leave unmapped. A write past a value stack is then a fault
/// under emulation instead of silent corruption of the next frame.
pub const FRAME_SLOT: u64 = 8192;
/// Largest frame that fits a slot's frame page.
pub const MAX_FRAME_BYTES: u64 = 4096;

/// Size in bytes of a frame for a code with `nlocals` locals and a value
/// stack of `stack_size` slots.
pub fn frame_bytes(nlocals: u32, stack_size: u32) -> u64 {
    (FRAME_HEADER_WORDS + nlocals as u64 + stack_size as u64) * 8
}

/// Reads a frame word.
#[inline(always)]
pub fn fget(frame: u64, off: u64) -> u64 {
    // SAFETY: callers pass live frames in the arena's frame region.
    unsafe { super::object::read(frame, off) }
}

/// Writes a frame word.
#[inline(always)]
pub fn fset(frame: u64, off: u64, v: u64) {
    // SAFETY: as `fget`.
    unsafe { super::object::write(frame, off, v) }
}
