//! What a run records for the deep oracles, beyond its outcome: the frame at
//! every trace transition, the sequence of exits, and (on the replay side)
//! tier 1's frame at requested points.
//!
//! **Points.** Fuel (loop back edges plus calls) is a logical clock every
//! tier advances identically. Between two ticks an activation visits each
//! instruction at most once (only back edges jump backwards, and they tick;
//! a new activation starts with a call, which ticks), so
//! `(fuel, call depth, code, instruction)` names one moment of an execution
//! in every tier. A traced run records, at each transition, the point where
//! tier 1 (or the next trace) takes over and a hash of the frame there; a
//! replay without traces hashes its frame when it reaches the same points.
//!
//! **Frames as Python values.** Hashes and renderings read values, never
//! addresses: an int by its digits, a range iterator by its position, a
//! function by its code. Two runs that allocate differently hash alike.

use std::hash::Hasher;

// A fast hasher: every exit and checkpoint hashes a frame, and SipHash
// was a tenth of an emulated run. Both sides of a comparison use it.
use rustc_hash::FxHasher as FrameHasher;

use serde::{Deserialize, Serialize};

use crate::runtime::frame::{FRAME_CODE, FRAME_LOCALS, FRAME_NLOCALS, FRAME_SP, fget};
use crate::runtime::object::{
    self, BIGINT_LIMBS, BIGINT_SIGN_LEN, FLOAT_VALUE, FUNCTION_CODE, ITER_NEXT, ITER_REMAINING,
    ITER_STEP, Kind, RANGE_START, RANGE_STEP, RANGE_STOP,
};
use crate::runtime::object::{SEQ_ITER_INDEX, SEQ_ITER_SEQ};
use crate::runtime::{Value, dict, seq};

mod render;
use render::render;

/// Records kept per run at most; later ones are counted (and exits hashed)
/// but not stored, so a pathological program cannot exhaust memory.
pub const MAX_RECORDED: usize = 1 << 18;

/// One moment of an execution, the same in every tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Point {
    pub fuel: u64,
    pub depth: u32,
    pub code: u32,
    /// The instruction about to execute.
    pub ip: u32,
}

/// Hashes of a frame's locals, of its value stack and of the module
/// globals (as Python values). Globals are not part of a frame, but module
/// code keeps its variables there, so a frame check without them would be
/// blind at module level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FrameHash {
    pub locals: u64,
    pub stack: u64,
    pub depth: u32,
    pub globals: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransitionKind {
    /// A trace left and tier 1 resumes (exit, deopt, forced deopt,
    /// invalidation): the whole frame must match.
    Resume,
    /// A trace handed over to another trace (side-trace entry, exit linked
    /// in machine code, `_EXIT_TRACE` into a loop trace): the whole frame
    /// must match.
    Handover,
    /// A trace raised: the value stack is being unwound, only the locals
    /// are observable.
    Error,
    /// A Python function a trace called raised: the caller's point (the
    /// call, before it ran) is checked for reachability only, because the
    /// callee may have changed globals and containers before raising.
    CalleeError,
}

/// A transition of a traced run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub kind: TransitionKind,
    pub point: Point,
    pub hash: FrameHash,
    /// The executor that left, its exit (`u32::MAX` for errors) and the uop
    /// that left (an index into `Uop::ALL`).
    pub executor: u32,
    pub exit: u32,
    pub uop: u16,
    /// The executor entered (handovers only).
    pub entered: u32,
}

/// One exit taken: the exit-sequence oracle compares these across backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExitEvent {
    pub executor: u32,
    pub exit: u32,
    pub fuel: u64,
    /// The uop that left (an index into `Uop::ALL`).
    pub uop: u16,
    /// Linked in machine code (the stub jumped straight into a trace).
    pub linked: bool,
}

/// What a run should record (set by the oracle runner, not by a
/// configuration string: recording changes no behaviour).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observe {
    /// Record transitions and exits.
    pub events: bool,
    /// Replay side: the points at which to hash tier 1's frame, sorted by
    /// fuel (stable: execution order within one fuel value).
    pub checkpoints: Vec<Point>,
    /// Render the frame at this transition (traced side) or checkpoint
    /// (replay side) for a report.
    pub capture: Option<usize>,
    /// Log the stack before every uop (`+checkregs`: as the machine code
    /// holds it; the tier-2 interpreter: as it holds it).
    pub uop_log: bool,
    /// Render the stack at this uop-log entry for a report.
    pub capture_log: Option<usize>,
}

/// What a run recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunEvents {
    pub transitions: Vec<Transition>,
    pub transitions_total: u64,
    pub exits: Vec<ExitEvent>,
    pub exits_total: u64,
    /// A hash of the whole exit sequence, including exits past the cap.
    pub exits_hash: u64,
    /// Replay side: tier 1's frame at each requested checkpoint, or `None`
    /// where the replay never reached it.
    pub checkpoints: Vec<Option<FrameHash>>,
    pub captured: Option<FrameView>,
    /// The stack before each uop, when asked (the first
    /// [`MAX_UOP_LOG`] uops of the run).
    pub uop_log: Vec<StackLog>,
    pub uop_log_total: u64,
    /// The stack at `capture_log`, rendered (memory first, then the cached
    /// registers).
    pub captured_stack: Option<Vec<String>>,
    /// Where `capture_log` was taken: the uop (and, in machine code, its
    /// stencil and the stencil that ran just before it).
    pub captured_at: Option<String>,
}

/// Uop-log entries kept per run (the log is compared entry by entry).
pub const MAX_UOP_LOG: usize = 1 << 16;

/// The stack before one uop: which uop, how many of the values were in
/// cache registers, and a hash of the values (memory, then registers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackLog {
    pub executor: u32,
    pub uop: u32,
    pub cached: u8,
    pub hash: u64,
}

impl RunEvents {
    pub fn record_transition(&mut self, t: Transition) {
        self.transitions_total += 1;
        if self.transitions.len() < MAX_RECORDED {
            self.transitions.push(t);
        }
    }

    pub fn record_exit(&mut self, e: ExitEvent) {
        self.exits_total += 1;
        let mut h = FrameHasher::default();
        h.write_u64(self.exits_hash);
        h.write_u32(e.executor);
        h.write_u32(e.exit);
        h.write_u64(e.fuel);
        self.exits_hash = h.finish();
        if self.exits.len() < MAX_RECORDED {
            self.exits.push(e);
        }
    }
}

/// A frame rendered for a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameView {
    pub code: u32,
    pub ip: u32,
    pub locals: Vec<String>,
    pub stack: Vec<String>,
    /// `(global name id, value)` in the dict's insertion order.
    pub globals: Vec<(u64, String)>,
}

/// The heap range pointers must fall in to be followed (a wild pointer in
/// a corrupted frame is hashed as a word, never dereferenced).
#[derive(Clone, Copy, Debug)]
pub struct HeapRange(pub u64, pub u64);

impl HeapRange {
    fn holds(self, v: Value) -> bool {
        v.is_ptr() && v.0 >= self.0 && v.0 < self.1
    }
}

/// The slots of `frame`: `(locals, value stack)`, with the stack ending at
/// `sp`. An impossible `sp` gives an empty stack (its depth is reported).
/// Slices of the frame itself, not copies: this runs at every transition
/// the frame-state oracle checks, and at every uop under `+checkregs`.
///
/// # Safety
/// `frame` is a frame in its slot, which stays in place and unchanged
/// while the slices are read.
unsafe fn slots<'f>(frame: u64, sp: u64) -> (&'f [Value], &'f [Value], u32) {
    let nlocals = fget(frame, FRAME_NLOCALS);
    let base = frame + FRAME_LOCALS;
    // SAFETY: the frame's locals follow its header (`Value` is a
    // transparent word).
    let locals = unsafe { std::slice::from_raw_parts(base as *const Value, nlocals as usize) };
    let stack_base = base + 8 * nlocals;
    // The frame sits at the end of its slot's frame page: no value stack
    // reaches past `frame + MAX_FRAME_BYTES`.
    if sp < stack_base || sp > frame + crate::runtime::frame::MAX_FRAME_BYTES {
        return (locals, &[], u32::MAX);
    }
    let depth = (sp - stack_base) / 8;
    // SAFETY: `stack_base..sp` lies inside the frame page (checked above).
    let stack = unsafe { std::slice::from_raw_parts(stack_base as *const Value, depth as usize) };
    (locals, stack, depth as u32)
}

/// Hashes `frame` with its value stack ending at `sp`, and the globals.
pub fn frame_hash(frame: u64, sp: u64, heap: HeapRange, globals: Value) -> FrameHash {
    // SAFETY: the frame is read here and nowhere changed meanwhile.
    let (locals, stack, depth) = unsafe { slots(frame, sp) };
    let hash_all = |vs: &[Value]| {
        let mut h = ValueHasher::default();
        for &v in vs {
            hash_value(&mut h, v, heap, 0);
        }
        h.finish()
    };
    let mut g = ValueHasher::default();
    for i in 0..dict::len(globals) {
        let (key, v) = dict::entry(globals, i);
        g.write_u64(key);
        hash_value(&mut g, v, heap, 0);
    }
    FrameHash {
        locals: hash_all(locals),
        stack: hash_all(stack),
        depth,
        globals: g.finish(),
    }
}

/// Hashes a value stack (as Python values), given as consecutive parts.
pub fn stack_hash(parts: &[&[Value]], heap: HeapRange) -> u64 {
    let mut h = ValueHasher::default();
    for &v in parts.iter().flat_map(|p| p.iter()) {
        hash_value(&mut h, v, heap, 0);
    }
    h.finish()
}

pub fn render_values(values: &[Value], heap: HeapRange) -> Vec<String> {
    values.iter().map(|&v| render(v, heap, 0)).collect()
}

/// The value stack of `frame` in memory, up to `sp`.
///
/// # Safety
/// As for a frame's slots: `frame` stays in place and unchanged while the
/// slice is read.
pub unsafe fn memory_stack<'f>(frame: u64, sp: u64) -> &'f [Value] {
    // SAFETY: the caller's promise.
    unsafe { slots(frame, sp).1 }
}

/// Hashes `frame` with its written-back stack pointer, and the globals.
pub fn frame_hash_synced(frame: u64, heap: HeapRange, globals: Value) -> FrameHash {
    frame_hash(frame, fget(frame, FRAME_SP), heap, globals)
}

/// The module globals rendered as `(name id, value)`, for a report.
pub fn globals_view(globals: Value, heap: HeapRange) -> Vec<(u64, String)> {
    (0..dict::len(globals))
        .map(|i| {
            let (key, v) = dict::entry(globals, i);
            (key, render(v, heap, 0))
        })
        .collect()
}

/// Renders `frame` (at instruction `ip`) and the globals for a report.
pub fn frame_view(frame: u64, sp: u64, ip: u32, heap: HeapRange, globals: Value) -> FrameView {
    // SAFETY: the frame is read here and nowhere changed meanwhile.
    let (locals, stack, _) = unsafe { slots(frame, sp) };
    FrameView {
        code: fget(frame, FRAME_CODE) as u32,
        ip,
        locals: locals.iter().map(|&v| render(v, heap, 0)).collect(),
        stack: stack.iter().map(|&v| render(v, heap, 0)).collect(),
        globals: globals_view(globals, heap),
    }
}

/// Nesting beyond which values are not followed: bounds self-containing
/// lists and a corrupted heap.
const MAX_NESTING: u32 = 8;

/// Items of a list or tuple that are hashed or rendered (its length always
/// is): keeps a check at every exit cheap on big lists.
const MAX_ITEMS: usize = 64;

/// One walk over values (a frame's locals, its stack, the globals): the
/// hash, and the mutable objects met so far in walk order. A mutable object
/// met again (shared, or in a cycle) hashes as its first meeting's number,
/// not its contents again: a graph of objects that point at one another
/// (a board of squares listing their neighbours) costs its size, not its
/// paths to [`MAX_NESTING`] levels. Identity of mutable objects is the
/// program's to see (`is`), so every configuration shares alike; the
/// numbers follow the walk, never an address.
#[derive(Default, Clone)]
struct ValueHasher {
    h: FrameHasher,
    /// The first mutable objects met, in order (most walks meet a few, and
    /// a frame is hashed at every transition: no allocation for those).
    first: [u64; INLINE_SEEN],
    /// Every mutable object met with its number, once more than
    /// [`INLINE_SEEN`] were.
    seen: Option<rustc_hash::FxHashMap<u64, u32>>,
    met: u32,
    /// Objects walked so far, against [`MAX_WALKED`].
    walked: u32,
}

const INLINE_SEEN: usize = 16;

impl ValueHasher {
    /// The number of the first meeting of mutable object `addr`, or None
    /// (and it is numbered) when this is the first.
    fn meet(&mut self, addr: u64) -> Option<u32> {
        let inline = (self.met as usize).min(INLINE_SEEN);
        if let Some(seen) = &mut self.seen {
            if let Some(&i) = seen.get(&addr) {
                return Some(i);
            }
            seen.insert(addr, self.met);
        } else if let Some(i) = self.first[..inline].iter().position(|&a| a == addr) {
            return Some(i as u32);
        } else if inline < INLINE_SEEN {
            self.first[inline] = addr;
        } else {
            let mut seen: rustc_hash::FxHashMap<u64, u32> =
                self.first.iter().zip(0..).map(|(&a, i)| (a, i)).collect();
            seen.insert(addr, self.met);
            self.seen = Some(seen);
        }
        self.met += 1;
        None
    }
}

/// Objects one walk follows: a bound on deep immutable trees (tuples of
/// tuples), past which the rest hash as one marker. The walk's order is
/// the same in every configuration, so the cut is too.
const MAX_WALKED: u32 = 1 << 14;

impl Hasher for ValueHasher {
    fn finish(&self) -> u64 {
        self.h.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.h.write(bytes)
    }
    fn write_u8(&mut self, i: u8) {
        self.h.write_u8(i)
    }
    fn write_u32(&mut self, i: u32) {
        self.h.write_u32(i)
    }
    fn write_u64(&mut self, i: u64) {
        self.h.write_u64(i)
    }
    fn write_usize(&mut self, i: usize) {
        self.h.write_usize(i)
    }
}

/// The kinds whose identity a program can see (`is`, mutation through
/// another reference): a walk meets each such object once.
fn has_identity(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::List
            | Kind::PyDict
            | Kind::PySet
            | Kind::Instance
            | Kind::ByteArray
            | Kind::Generator
    )
}

/// The elements of set `s` a walk follows, in the order it follows them.
/// A set whose order no program may see (it holds an element hashed by
/// address, or a str: `pyset::check_ordered`) has a table that differs
/// between configurations whose heaps differ, so it is walked by its
/// elements' own hashes (each taken from the walk as it stands), and past
/// [`MAX_ITEMS`] elements only its length counts. Any other set is walked
/// in slot order, which every configuration builds alike.
fn set_walk_order(
    h: &ValueHasher,
    keys: Vec<Value>,
    s: Value,
    heap: HeapRange,
    nesting: u32,
) -> Vec<Value> {
    if crate::runtime::pyset::check_ordered(s).is_ok() {
        return keys.into_iter().take(MAX_ITEMS).collect();
    }
    if keys.len() > MAX_ITEMS {
        return Vec::new();
    }
    let mut keyed: Vec<(u64, Value)> = keys
        .into_iter()
        .map(|k| {
            let mut fork = h.clone();
            fork.h = FrameHasher::default();
            hash_value(&mut fork, k, heap, nesting + 1);
            (fork.finish(), k)
        })
        .collect();
    keyed.sort_by_key(|&(digest, _)| digest);
    keyed.into_iter().map(|(_, k)| k).collect()
}

fn hash_value(h: &mut ValueHasher, v: Value, heap: HeapRange, nesting: u32) {
    if !v.is_ptr() {
        h.write_u64(v.0);
        return;
    }
    // Never an address: allocation order differs between configurations.
    if nesting > MAX_NESTING {
        h.write_u8(0xdd);
        return;
    }
    if !heap.holds(v) {
        h.write_u8(0xee);
        return;
    }
    // SAFETY: `v` points into the allocated heap; fields read per its kind.
    unsafe {
        let kind = object::kind_of(v);
        h.write_u8(kind as u8);
        if has_identity(kind)
            && let Some(first) = h.meet(v.0)
        {
            h.write_u8(0xab);
            h.write_u32(first);
            return;
        }
        h.walked += 1;
        if h.walked > MAX_WALKED {
            h.write_u8(0xbb);
            return;
        }
        match kind {
            Kind::BigInt => {
                let n = object::read(v.0, BIGINT_SIGN_LEN);
                h.write_u64(n);
                let limbs = (n as i64).unsigned_abs().min(1 << 10);
                for i in 0..limbs {
                    h.write_u64(object::read(v.0, BIGINT_LIMBS + 8 * i));
                }
            }
            Kind::Function => h.write_u64(object::read(v.0, FUNCTION_CODE)),
            // A frame's cell variable: its contents are the variable's value.
            Kind::Cell => {
                let x = Value(object::read(v.0, object::CELL_REF));
                if x.is_null() {
                    h.write_u8(0);
                } else {
                    hash_value(h, x, heap, nesting + 1);
                }
            }
            // Every NaN is the same value: x86-64 makes NaNs with the sign
            // bit set and AArch64 without, and Python cannot tell them apart.
            Kind::Float => {
                let x = f64::from_bits(object::read(v.0, FLOAT_VALUE));
                h.write_u64(if x.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    x.to_bits()
                });
            }
            Kind::RangeIter => {
                for off in [ITER_NEXT, ITER_STEP, ITER_REMAINING] {
                    h.write_u64(object::read(v.0, off));
                }
            }
            Kind::Range | Kind::LongRangeIter => {
                let offs = if kind == Kind::Range {
                    [RANGE_START, RANGE_STOP, RANGE_STEP]
                } else {
                    [ITER_NEXT, ITER_STEP, ITER_REMAINING]
                };
                for off in offs {
                    hash_value(h, Value(object::read(v.0, off)), heap, nesting + 1);
                }
            }
            Kind::Tuple | Kind::List | Kind::ByteArray => {
                let n = seq::len(v);
                h.write_usize(n);
                for i in 0..n.min(MAX_ITEMS) {
                    hash_value(h, seq::get(v, i), heap, nesting + 1);
                }
            }
            Kind::Str => h.write(crate::runtime::strs::text(v).as_bytes()),
            // Exhausted (the index past any length once a step found no
            // item) and about to find itself exhausted hash alike.
            Kind::ListIter | Kind::TupleIter | Kind::StrIter => {
                h.write_u64(if crate::runtime::iters::is_exhausted(v) {
                    u64::MAX
                } else {
                    object::read(v.0, SEQ_ITER_INDEX)
                });
                hash_value(h, Value(object::read(v.0, SEQ_ITER_SEQ)), heap, nesting + 1);
            }
            Kind::BoundMethod => {
                let m = Value(object::read(v.0, object::BOUND_METHOD));
                if m.is_ptr() {
                    hash_value(h, m, heap, nesting + 1);
                } else {
                    h.write_u64(m.0);
                }
                hash_value(
                    h,
                    Value(object::read(v.0, object::BOUND_RECEIVER)),
                    heap,
                    nesting + 1,
                );
            }
            Kind::Type => h.write(crate::runtime::class::name(v).as_bytes()),
            Kind::Instance => {
                hash_value(h, crate::runtime::class::type_of(v), heap, nesting + 1);
                let slots = crate::runtime::class::capacity(v).min(MAX_ITEMS);
                for i in 0..slots {
                    hash_value(h, crate::runtime::class::value_at(v, i), heap, nesting + 1);
                }
            }
            Kind::InstanceValues => {}
            Kind::Exception => {
                let (cls, args) = crate::runtime::exceptions::parts(v);
                h.write_u64(cls.0);
                hash_value(h, args, heap, nesting + 1);
            }
            Kind::MethodWrapper => {
                use crate::runtime::class::{WRAPPER_FUNCTION, WRAPPER_SETTER, WRAPPER_WHICH};
                h.write_u64(object::read(v.0, WRAPPER_WHICH));
                for off in [WRAPPER_FUNCTION, WRAPPER_SETTER] {
                    let f = Value(object::read(v.0, off));
                    if !f.is_null() {
                        hash_value(h, f, heap, nesting + 1);
                    }
                }
            }
            Kind::PyDict => {
                h.write_usize(crate::runtime::pydict::len(v));
                for (k, x) in crate::runtime::pydict::items_in_place(v).take(MAX_ITEMS) {
                    hash_value(h, k, heap, nesting + 1);
                    hash_value(h, x, heap, nesting + 1);
                }
            }
            // Exhausted and about to find itself exhausted hash alike (a
            // reverse one drops its dict when it runs out).
            Kind::DictIter if crate::runtime::pydict::iter_exhausted(v) => {
                h.write_u64(object::read(v.0, object::DICT_ITER_WHICH));
                h.write_u8(0xe0);
            }
            Kind::DictView | Kind::DictIter => {
                for off in [8, 16, 24, 32, 40]
                    .into_iter()
                    .take(if kind == Kind::DictView { 2 } else { 5 })
                {
                    let word = object::read(v.0, off);
                    if off == 8 && word != 0 {
                        hash_value(h, Value(word), heap, nesting + 1);
                    } else {
                        h.write_u64(word);
                    }
                }
            }
            // Exhausted and about to find itself exhausted hash alike (see
            // `runtime::iters`).
            Kind::Enumerate => {
                let count = Value(object::read(v.0, object::ENUMERATE_COUNT));
                hash_value(h, count, heap, nesting + 1);
                if crate::runtime::iters::is_exhausted(v) {
                    h.write_u8(0xe0);
                } else {
                    let inner = Value(object::read(v.0, object::ENUMERATE_ITER));
                    hash_value(h, inner, heap, nesting + 1);
                }
            }
            // Only the kind: the iterators it holds are not followed.
            Kind::Zip => {}
            Kind::Reversed => {
                let index = if crate::runtime::iters::is_exhausted(v) {
                    u64::MAX
                } else {
                    object::read(v.0, object::REVERSED_INDEX)
                };
                h.write_u64(index);
                hash_value(
                    h,
                    Value(object::read(v.0, object::REVERSED_SEQ)),
                    heap,
                    nesting + 1,
                );
            }
            // Slot order, when every configuration builds the same table.
            Kind::PySet => {
                let keys = crate::runtime::pyset::keys(v);
                h.write_usize(keys.len());
                for k in set_walk_order(h, keys, v, heap, nesting) {
                    hash_value(h, k, heap, nesting + 1);
                }
            }
            Kind::Generator => {
                use crate::runtime::generator as gn;
                h.write_u64(gn::state(v));
                h.write_u64(gn::ip(v));
                for i in 0..gn::capacity(v.0).min(MAX_ITEMS as u64) {
                    hash_value(h, gn::saved(v, i), heap, nesting + 1);
                }
            }
            // Exhausted and about to find itself exhausted hash alike.
            Kind::SetIter => {
                let (s, pos) = crate::runtime::pyset::iter_parts(v);
                if crate::runtime::pyset::iter_exhausted(v) {
                    h.write_u8(0xe0);
                } else {
                    h.write_u64(pos);
                    hash_value(h, s, heap, nesting + 1);
                }
            }
            // Dicts (globals, builtins) never sit in frames, item and entry
            // arrays only in their containers; a freed object is just "freed".
            Kind::Dict | Kind::ListItems | Kind::DictEntries | Kind::SetEntries | Kind::Free => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Arena, int};

    #[test]
    fn values_hash_by_content_not_address() {
        let mut a = Arena::new();
        let x = int::from_i64(&mut a, i64::MAX).unwrap();
        let y = int::from_i64(&mut a, i64::MAX).unwrap();
        let z = int::from_i64(&mut a, i64::MIN).unwrap();
        assert_ne!(x, y);
        let (lo, hi) = a.heap_bounds();
        let heap = HeapRange(lo, hi);
        let hash = |v| {
            let mut h = ValueHasher::default();
            hash_value(&mut h, v, heap, 0);
            h.finish()
        };
        assert_eq!(hash(x), hash(y));
        assert_ne!(hash(x), hash(z));
        assert_ne!(hash(Value::small(1)), hash(Value::TRUE));
        assert_eq!(render(x, heap, 0), i64::MAX.to_string());
        assert_eq!(render(Value(0x10), heap, 0), "<wild pointer 0x10>");
    }

    /// A ring of `n` squares, each `[i, [left, right]]`: every square is
    /// reachable along exponentially many paths.
    fn ring(a: &mut Arena, n: usize) -> Value {
        use crate::runtime::seq;
        let squares: Vec<Value> = (0..n)
            .map(|i| {
                let nb = seq::new_list(a, &[]).unwrap();
                seq::new_list(a, &[Value::small(i as i64), nb]).unwrap()
            })
            .collect();
        for i in 0..n {
            let nb = seq::get(squares[i], 1);
            seq::append(a, nb, squares[(i + n - 1) % n]).unwrap();
            seq::append(a, nb, squares[(i + 1) % n]).unwrap();
        }
        seq::new_list(a, &squares).unwrap()
    }

    /// A set of values hashed by address (here dict values views) has its
    /// slot order from the heap, which differs between configurations: two
    /// sets of equal elements hash alike whatever their slot orders.
    #[test]
    fn a_set_ordered_by_addresses_hashes_by_its_elements() {
        use crate::runtime::{pydict, pyset};
        let mut a = Arena::new();
        let view_of = |a: &mut Arena, x: i64| {
            let d = pydict::new(a).unwrap();
            pydict::set(a, d, Value::small(0), Value::small(x)).unwrap();
            pydict::new_view(a, d, pydict::Which::Values).unwrap()
        };
        let pair = |a: &mut Arena, x: i64, y: i64| {
            let s = pyset::new(a).unwrap();
            let (p, q) = (view_of(a, x), view_of(a, y));
            pyset::add(a, s, p).unwrap();
            pyset::add(a, s, q).unwrap();
            (s, pyset::keys(s)[0] == p)
        };
        // One set with the view of 1 in the first slot, one with it last.
        let mut first = None;
        let mut last = None;
        for _ in 0..200 {
            let (s, one_first) = pair(&mut a, 1, 2);
            if one_first {
                first.get_or_insert(s);
            } else {
                last.get_or_insert(s);
            }
        }
        let (first, last) = (first.unwrap(), last.unwrap());
        let (other, _) = pair(&mut a, 1, 3);
        let (lo, hi) = a.heap_bounds();
        let heap = HeapRange(lo, hi);
        let hash = |v| {
            let mut h = ValueHasher::default();
            hash_value(&mut h, v, heap, 0);
            h.finish()
        };
        assert_eq!(hash(first), hash(last));
        assert_ne!(hash(first), hash(other));
        assert_eq!(render(first, heap, 0), render(last, heap, 0));
    }

    #[test]
    fn shared_objects_are_walked_once_and_hash_by_walk_order() {
        use crate::runtime::seq;
        let mut a = Arena::new();
        let first = ring(&mut a, 40);
        let second = ring(&mut a, 40);
        let other = ring(&mut a, 41);
        let x = seq::new_list(&mut a, &[Value::small(7)]).unwrap();
        let y = seq::new_list(&mut a, &[Value::small(7)]).unwrap();
        let same_twice = seq::new_list(&mut a, &[x, x]).unwrap();
        let two_equal = seq::new_list(&mut a, &[x, y]).unwrap();
        let (lo, hi) = a.heap_bounds();
        let heap = HeapRange(lo, hi);
        let walk = |v| {
            let mut h = ValueHasher::default();
            hash_value(&mut h, v, heap, 0);
            (h.finish(), h.walked)
        };
        let (h1, walked) = walk(first);
        // The outer list, and each square and its neighbour list once
        // (without the seen set: 2 ** MAX_NESTING paths per square).
        assert_eq!(walked, 1 + 2 * 40);
        assert_eq!(h1, walk(second).0, "same graph at other addresses");
        assert_ne!(h1, walk(other).0);
        assert_ne!(walk(same_twice).0, walk(two_equal).0, "sharing shows");
        // A report renders the ring in its size too, naming what repeats.
        let shown = render(first, heap, 0);
        assert!(shown.len() < 4000, "{} bytes", shown.len());
        assert!(shown.starts_with("[[0, [[39, [[38, "), "{shown}");
        assert!(shown.contains("[1, [<list met before>, [2, "), "{shown}");
        // Past the inline meetings, the map numbers alike.
        let mut meets = ValueHasher::default();
        let firsts: Vec<Option<u32>> = (0..40).map(|i| meets.meet(0x1000 + 8 * i)).collect();
        assert!(firsts.iter().all(Option::is_none));
        for i in [0u32, 15, 16, 39] {
            assert_eq!(meets.meet(0x1000 + 8 * u64::from(i)), Some(i));
        }
    }
}
