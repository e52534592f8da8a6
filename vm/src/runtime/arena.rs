//! The arena: one `mmap` region holding every frame, value stack and object
//! of a VM. Because it is a single fixed host range, the JIT's emulated
//! backends can map it into unicorn at the *same* address, so a pointer means
//! the same thing natively and under emulation.
//!
//! Layout: `[frame stack | object heap]`. The heap is a bump allocator with
//! exact-size free lists, collected by a non-moving mark-sweep. Normally it
//! runs only at safe points (loop back edges and calls, where every frame's
//! stack pointer is written back), like CPython's eval-breaker GC. Under GC
//! stress it also runs at *every allocation*, so every value some tier holds
//! across an allocation must be rooted: in a frame below its written-back
//! stack pointer, or in [`Roots::temps`]. A consequence the JIT must respect:
//! a uop that can allocate must not keep values cached in registers. (A
//! stressed run whose heap walks exceed [`STRESS_WORK_BUDGET`] words goes on
//! collecting at a linear pace instead: see there.)

use super::frame::{FRAME_CODE, FRAME_IP, FRAME_LOCALS, FRAME_NLOCALS, FRAME_PREV, FRAME_SP, fget};
use super::mapping::Mapping;
use super::object::{self, Kind};
use super::value::Value;

/// What freed memory is filled with under GC stress. Its tag bits (`100`)
/// are no Python value's, so a stale read shows up, and the verifier can
/// tell that nothing wrote into memory after it was freed.
pub const POISON_WORD: u64 = 0xdead_f00d_dead_f004;

/// Bytes reserved for frames (each frame is a few words plus locals and stack).
pub const FRAME_REGION: usize = 4 << 20;
/// Bytes reserved for the object heap.
pub const HEAP_REGION: usize = 60 << 20;
/// Collect once this many bytes were allocated since the last collection.
const GC_THRESHOLD: usize = 2 << 20;
/// Heap words a GC-stress run may walk (a collection or a verification
/// walks the whole allocated heap) while it still collects at every
/// allocation and safe point and verifies before every helper. A run whose
/// heap grows large would otherwise be quadratic (a 100,000-item list
/// walked at each of 100,000 back edges took minutes and ended with no
/// verdict). Past the budget a stressed run collects only once it has
/// allocated as many bytes as the heap spans, still verifying after every
/// collection: linear, and still every freed object poisoned. Counted in
/// words walked, not time, so a run's verdict never depends on the machine.
/// 2**28 words is about a second of walking; about one generated program
/// in 200 and a few of the corpus's biggest (sets, lists) reach it.
pub const STRESS_WORK_BUDGET: u64 = 1 << 28;
/// Objects up to this many words get exact-size free lists (the largest
/// int is `MAX_INT_BITS_CAP / 64 + 2` words); bigger freed blocks are kept
/// in [`Arena::large_free`] and reused best fit, split when larger (free
/// neighbours are not merged).
const MAX_LISTED_WORDS: usize = 256;

pub struct Arena {
    mapping: Mapping,
    heap_start: u64,
    heap_end: u64,
    bump: u64,
    free_lists: Vec<u64>,
    /// Free blocks of more than [`MAX_LISTED_WORDS`] words: `(address,
    /// words)`, kept outside the heap so a freed block's poison stays
    /// whole. Without them a program that keeps building and dropping
    /// tables (a set of 220 ints per iteration) filled the heap.
    large_free: Vec<(u64, usize)>,
    allocated_since_gc: usize,
    /// Heap words walked by this run's collections and verifications
    /// (see [`STRESS_WORK_BUDGET`]).
    pub stress_work: u64,
    /// [`STRESS_WORK_BUDGET`], lowered by tests.
    pub stress_budget: u64,
    /// Collect at every safe point *and* at every allocation (GC stress);
    /// also poisons freed memory and verifies the heap after every
    /// collection (see [`super::verify`]).
    pub gc_stress: bool,
    /// What the collector marks from; kept current by the run.
    pub roots: Roots,
    /// The run's roots are complete: collecting at an allocation is sound.
    /// Off while a run sets itself up (its constants are not rooted yet).
    pub roots_ready: bool,
    /// What the heap verifier found (drained by the run into findings).
    pub heap_errors: Vec<String>,
    pub stats: ArenaStats,
    /// The run's widest int (its `Limits::int_bits`): wider results poison.
    pub int_bits: u64,
    /// Fuel owed for bulk work (`seq::charge`), added to the run's count
    /// at its next fuel point or helper return.
    pub bulk_fuel: u64,
    /// The run's `random` generator, once the program seeded it.
    pub random: Option<Box<super::random::Twister>>,
    /// The run's one-character strings, by ASCII code (`strs::make_chars`).
    pub chars: Vec<Value>,
    /// The program's global names (a function's repr names it): set by
    /// the run, read by `repr`/`str` wherever the runtime renders values.
    pub names: Vec<String>,
    /// The run's planted bug, for the collector's one hook.
    pub inject: Option<crate::planted::Injection>,
    /// The collector's mark stack, kept between collections (empty).
    mark_stack: Vec<u64>,
    /// The heap verifier's buffers, reused: it runs after every stressed
    /// collection.
    pub(crate) verify_scratch: std::cell::RefCell<super::verify::Scratch>,
}

/// The collector's roots: values that live outside the heap (globals,
/// builtins, constants, and temporaries a runtime function holds across an
/// allocation) and the chain of frames from the innermost one, whose locals
/// and value stacks up to their written-back stack pointers are live.
#[derive(Debug, Default)]
pub struct Roots {
    pub fixed: Vec<Value>,
    /// Values a runtime function holds in Rust locals across an allocation.
    pub temps: Vec<Value>,
    /// The innermost frame (0: none); frames link outward through
    /// `FRAME_PREV`.
    pub top_frame: u64,
    /// The exception being raised, from `raise` until a handler has it on
    /// its value stack (NULL: none).
    pub thrown: Value,
    /// The exception the innermost running `except` block handles (a bare
    /// `raise` re-raises it); the ones it hides are saved on value stacks
    /// by PUSH_EXC_INFO. NULL: none.
    pub handling: Value,
}

impl Roots {
    /// Calls `f` with every root value, saying where it lives.
    pub fn for_each(&self, f: &mut dyn FnMut(Value, RootPlace)) {
        for &v in &self.fixed {
            f(v, RootPlace::Fixed);
        }
        for &v in &self.temps {
            f(v, RootPlace::Temp);
        }
        for v in [self.thrown, self.handling] {
            if !v.is_null() {
                f(v, RootPlace::Temp);
            }
        }
        let mut frame = self.top_frame;
        while frame != 0 {
            let nlocals = fget(frame, FRAME_NLOCALS);
            let sp = fget(frame, FRAME_SP);
            let mut a = frame + FRAME_LOCALS;
            let mut slot = 0;
            while a < sp {
                let place = if slot < nlocals {
                    RootPlace::Local { frame, index: slot }
                } else {
                    RootPlace::Stack {
                        frame,
                        index: slot - nlocals,
                    }
                };
                f(Value(fget(a, 0)), place);
                a += 8;
                slot += 1;
            }
            frame = fget(frame, FRAME_PREV);
        }
    }
}

/// Where a root lives (for the verifier's reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootPlace {
    Fixed,
    Temp,
    Local { frame: u64, index: u64 },
    Stack { frame: u64, index: u64 },
}

impl std::fmt::Display for RootPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RootPlace::Fixed => write!(f, "a global, builtin or constant"),
            RootPlace::Temp => write!(f, "a runtime temporary"),
            RootPlace::Local { frame, index } => write!(
                f,
                "local {index} of the frame of code {}",
                fget(*frame, FRAME_CODE)
            ),
            RootPlace::Stack { frame, index } => write!(
                f,
                "value-stack slot {index} of the frame of code {} (at bytecode {})",
                fget(*frame, FRAME_CODE),
                fget(*frame, FRAME_IP)
            ),
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ArenaStats {
    pub collections: u64,
    pub allocations: u64,
    pub freed_objects: u64,
}

/// The heap is full even after a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

impl Arena {
    pub fn new() -> Arena {
        let mapping = Mapping::new(FRAME_REGION + HEAP_REGION, true, "VM arena");
        let heap_start = mapping.addr() + FRAME_REGION as u64;
        Arena {
            mapping,
            heap_start,
            heap_end: heap_start + HEAP_REGION as u64,
            bump: heap_start,
            free_lists: vec![0; MAX_LISTED_WORDS + 1],
            large_free: Vec::new(),
            allocated_since_gc: 0,
            stress_work: 0,
            stress_budget: STRESS_WORK_BUDGET,
            gc_stress: false,
            roots: Roots::default(),
            roots_ready: false,
            heap_errors: Vec::new(),
            stats: ArenaStats::default(),
            int_bits: crate::lang::limits::DEFAULT_INT_BITS,
            bulk_fuel: 0,
            random: None,
            chars: Vec::new(),
            names: Vec::new(),
            inject: None,
            mark_stack: Vec::new(),
            verify_scratch: Default::default(),
        }
    }

    /// Host address and length of the whole mapping (for the emulators).
    pub fn mapping(&self) -> (u64, usize) {
        (self.mapping.addr(), self.mapping.len())
    }

    /// First and one-past-last address of the frame region.
    pub fn frame_region(&self) -> (u64, u64) {
        (self.mapping.addr(), self.heap_start)
    }

    /// Forgets every object: the next program starts from an empty heap.
    pub fn reset(&mut self) {
        self.bump = self.heap_start;
        self.free_lists.iter_mut().for_each(|h| *h = 0);
        self.large_free.clear();
        self.allocated_since_gc = 0;
        self.stress_work = 0;
        self.stats = ArenaStats::default();
        self.roots = Roots::default();
        self.roots_ready = false;
        self.heap_errors.clear();
        self.bulk_fuel = 0;
        self.random = None;
        self.chars.clear();
    }

    /// First and one-past-last address of the allocated heap.
    pub fn heap_bounds(&self) -> (u64, u64) {
        (self.heap_start, self.bump)
    }

    /// True if `addr` is an object address inside the heap.
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.heap_start && addr < self.bump && addr & 7 == 0
    }

    /// Allocates an object of `words` words (header included) and writes its
    /// header. The payload is zeroed.
    pub fn alloc(&mut self, kind: Kind, words: usize) -> Result<u64, OutOfMemory> {
        debug_assert!(words >= 1);
        if self.roots_ready && self.stress_due() {
            // Anything not rooted now is garbage: a value some tier holds
            // only in a register or a Rust local is freed (and poisoned).
            self.collect();
        }
        self.stats.allocations += 1;
        self.allocated_since_gc += words * 8;
        let addr = if words <= MAX_LISTED_WORDS && self.free_lists[words] != 0 {
            let addr = self.free_lists[words];
            // SAFETY: free-list entries are heap objects of exactly `words` words
            // whose first payload word links to the next entry.
            self.free_lists[words] = unsafe { *((addr + 8) as *const u64) };
            addr
        } else if let Some(addr) = (words > MAX_LISTED_WORDS)
            .then(|| self.take_large(words))
            .flatten()
        {
            addr
        } else {
            let end = self.bump + (words * 8) as u64;
            if end > self.heap_end {
                // Last, a small object from a large free block.
                let addr = self.take_large(words).ok_or(OutOfMemory)?;
                self.init_object(addr, kind, words);
                return Ok(addr);
            }
            let addr = self.bump;
            self.bump = end;
            addr
        };
        self.init_object(addr, kind, words);
        Ok(addr)
    }

    /// Zeroes the payload of the free block `addr` and writes its header.
    fn init_object(&mut self, addr: u64, kind: Kind, words: usize) {
        // SAFETY: `addr..addr+words*8` lies inside the heap and is unused.
        unsafe {
            std::ptr::write_bytes((addr + 8) as *mut u8, 0, (words - 1) * 8);
            *(addr as *mut u64) = object::header(kind, words);
        }
    }

    /// The smallest large free block of at least `words` words, taken out
    /// of the list; what it has over is left a free block of its own (on
    /// the free lists when it is a listed size or large).
    fn take_large(&mut self, words: usize) -> Option<u64> {
        let (i, &(addr, have)) = self
            .large_free
            .iter()
            .enumerate()
            .filter(|(_, (_, have))| *have >= words)
            .min_by_key(|(_, (addr, have))| (*have, *addr))?;
        self.large_free.swap_remove(i);
        let rest = have - words;
        if rest > 0 {
            let at = addr + (words * 8) as u64;
            // SAFETY: the tail of a free block inside the heap; its payload
            // is the block's (poisoned under GC stress, as a free one's is).
            unsafe {
                *(at as *mut u64) = object::header(Kind::Free, rest);
                if Self::is_listed_size(rest) {
                    *((at + 8) as *mut u64) = self.free_lists[rest];
                    self.free_lists[rest] = at;
                }
            }
            if rest > MAX_LISTED_WORDS {
                self.large_free.push((at, rest));
            }
        }
        Some(addr)
    }

    /// Whether a safe point should collect now.
    pub fn wants_gc(&self) -> bool {
        self.stress_due() || self.allocated_since_gc >= GC_THRESHOLD
    }

    /// Whether GC stress collects (and verifies) now: always while the run
    /// is inside its [`STRESS_WORK_BUDGET`], then once it has allocated as
    /// many bytes as the heap spans.
    pub fn stress_due(&self) -> bool {
        self.gc_stress
            && (self.within_stress_budget()
                || self.allocated_since_gc as u64 >= self.bump - self.heap_start)
    }

    /// Whether a stressed run is still inside its [`STRESS_WORK_BUDGET`]
    /// (it verifies the heap before every helper then).
    pub fn within_stress_budget(&self) -> bool {
        self.stress_work < self.stress_budget
    }

    /// Counts a walk of the whole allocated heap against the stress budget.
    pub fn charge_heap_walk(&mut self) {
        self.stress_work += (self.bump - self.heap_start) / 8;
    }

    /// Mark-sweep collection from [`Arena::roots`]. Under GC stress, freed
    /// memory is poisoned and the heap verified afterwards.
    pub fn collect(&mut self) {
        self.stats.collections += 1;
        self.allocated_since_gc = 0;
        if self.gc_stress {
            // The sweep and the verification each walk the heap.
            self.charge_heap_walk();
            self.charge_heap_walk();
        }
        // Reused: under GC stress this runs at every allocation.
        let mut stack = std::mem::take(&mut self.mark_stack);
        self.roots.for_each(&mut |v, _| {
            if v.is_ptr() {
                stack.push(v.0)
            }
        });
        let heap = (self.heap_start, self.bump);
        while let Some(addr) = stack.pop() {
            // A pointer outside the heap or into freed memory is a VM bug the
            // verifier reports; marking must not follow it blindly.
            if !(addr >= heap.0 && addr < heap.1) {
                continue;
            }
            // SAFETY: `addr` is inside the allocated heap.
            unsafe {
                let h = *(addr as *const u64);
                if object::is_marked(h) || object::header_kind(h) == Kind::Free {
                    continue;
                }
                *(addr as *mut u64) = object::set_mark(h, true);
                crate::planted::gc_children(self.inject, addr, &mut |v: Value| {
                    if v.is_ptr() {
                        stack.push(v.0)
                    }
                });
            }
        }
        self.mark_stack = stack;
        self.sweep();
        if self.gc_stress
            && let Err(e) = super::verify::verify_after_sweep(self)
        {
            self.heap_errors
                .push(format!("after collection {}: {e}", self.stats.collections));
        }
    }

    /// Sweep: walk the heap linearly (objects know their size), unmark the
    /// live, free the rest. Under GC stress, freed objects are poisoned and
    /// quarantined for one collection (not reused until the next sweep has
    /// found their poison intact), so a use after free is seen before the
    /// memory can be handed out again.
    fn sweep(&mut self) {
        self.free_lists.iter_mut().for_each(|h| *h = 0);
        self.large_free.clear();
        let stress = self.gc_stress;
        let mut addr = self.heap_start;
        while addr < self.bump {
            // SAFETY: the heap is a sequence of headed objects up to `bump`.
            unsafe {
                let h = *(addr as *const u64);
                let words = object::header_words(h).max(1);
                let was_free = object::header_kind(h) == Kind::Free;
                if object::is_marked(h) {
                    *(addr as *mut u64) = object::set_mark(h, false);
                } else {
                    // A free object whose poison was just found intact keeps
                    // it: writing it again would be a second pass over
                    // every free word at every stressed collection.
                    let mut intact = false;
                    if !was_free {
                        self.stats.freed_objects += 1;
                    } else if stress {
                        match super::verify::check_poisoned(addr, words) {
                            Ok(()) => intact = true,
                            Err(e) => self.heap_errors.push(e),
                        }
                    }
                    if !intact {
                        *(addr as *mut u64) = object::header(Kind::Free, words);
                        if stress {
                            for w in 1..words as u64 {
                                *((addr + 8 * w) as *mut u64) = POISON_WORD;
                            }
                        }
                    }
                    if (2..=MAX_LISTED_WORDS).contains(&words) && (was_free || !stress) {
                        *((addr + 8) as *mut u64) = self.free_lists[words];
                        self.free_lists[words] = addr;
                    } else if words > MAX_LISTED_WORDS && (was_free || !stress) {
                        self.large_free.push((addr, words));
                    }
                }
                addr += (words * 8) as u64;
            }
        }
    }

    /// Whether `words` is a size the free lists keep (the verifier knows
    /// which free objects carry a link word).
    pub fn is_listed_size(words: usize) -> bool {
        (2..=MAX_LISTED_WORDS).contains(&words)
    }
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_frees_unreachable_and_keeps_reachable() {
        let mut a = Arena::new();
        let keep = a.alloc(Kind::BigInt, 3).unwrap();
        let drop_me = a.alloc(Kind::BigInt, 3).unwrap();
        a.roots.fixed = vec![Value(keep)];
        a.collect();
        assert_eq!(a.stats.freed_objects, 1);
        // The freed slot is reused for the next object of the same size.
        assert_eq!(a.alloc(Kind::BigInt, 3).unwrap(), drop_me);
        let fresh = a.alloc(Kind::BigInt, 3).unwrap();
        assert!(fresh > drop_me && fresh != keep);
    }

    #[test]
    fn large_freed_blocks_are_reused_best_fit_and_split() {
        let mut a = Arena::new();
        let keep = a.alloc(Kind::BigInt, 3).unwrap();
        let big = a.alloc(Kind::BigInt, 1000).unwrap();
        let bigger = a.alloc(Kind::BigInt, 2000).unwrap();
        a.roots.fixed = vec![Value(keep)];
        a.collect();
        let top = a.heap_bounds().1;
        // The smaller block that fits, its tail left free and taken next;
        // past the tail, the 2000-word block; nothing bumps the heap.
        assert_eq!(a.alloc(Kind::BigInt, 600).unwrap(), big);
        assert_eq!(a.alloc(Kind::BigInt, 300).unwrap(), big + 600 * 8);
        assert_eq!(a.alloc(Kind::BigInt, 500).unwrap(), bigger);
        assert_eq!(a.heap_bounds().1, top);
        // The 100-word tail is on the exact-size list.
        assert_eq!(a.alloc(Kind::BigInt, 100).unwrap(), big + 900 * 8);
        // The heap still walks: a collection frees all of it but `keep`,
        // block by block (neighbours are not merged), and the 1500-word
        // tail of the 2000-word block is the best fit for 1200 words.
        a.collect();
        assert_eq!(a.alloc(Kind::BigInt, 1200).unwrap(), bigger + 500 * 8);
        assert_eq!(a.heap_bounds().1, top);
    }

    /// A program that builds and drops a table per iteration: over a
    /// heap's worth of garbage, with every block above the exact-size
    /// lists, and no out-of-memory.
    #[test]
    fn dropped_large_tables_do_not_fill_the_heap() {
        let mut a = Arena::new();
        for _ in 0..(2 * HEAP_REGION / (520 * 8)) {
            if a.wants_gc() {
                a.collect();
            }
            a.alloc(Kind::BigInt, 520).unwrap();
        }
    }

    #[test]
    fn exhausting_the_heap_is_an_error() {
        let mut a = Arena::new();
        let mut n = 0;
        while a.alloc(Kind::BigInt, 1 << 17).is_ok() {
            n += 1;
        }
        assert!(n > 0);
        assert_eq!(a.alloc(Kind::BigInt, 1 << 17), Err(OutOfMemory));
    }

    /// Past its budget a stressed run's collections keep a linear pace: a
    /// heap that only grows (every object rooted) is collected a
    /// logarithmic number of times more, each walk charged, and nothing
    /// rooted is freed.
    #[test]
    fn stress_past_its_budget_collects_at_a_linear_pace() {
        let mut a = Arena::new();
        a.gc_stress = true;
        a.roots_ready = true;
        a.stress_budget = 10_000;
        let mut collections_in_budget = 0;
        for i in 0..20_000 {
            let obj = a.alloc(Kind::Float, 2).unwrap();
            a.roots.temps.push(Value(obj));
            if a.wants_gc() {
                a.collect();
            }
            if a.within_stress_budget() {
                collections_in_budget = a.stats.collections;
            }
            assert!(a.heap_errors.is_empty(), "object {i}: {:?}", a.heap_errors);
        }
        assert_eq!(a.stats.freed_objects, 0);
        // Inside the budget: a collection at every allocation and safe point.
        assert!(collections_in_budget > 50, "{collections_in_budget}");
        let past = a.stats.collections - collections_in_budget;
        assert!(
            (1..=20).contains(&past),
            "{past} collections past the budget"
        );
        let heap_words = (a.bump - a.heap_start) / 8;
        // Each walk past the budget covers at most the final heap, and the
        // heap at least doubles between them: four heaps' worth in all.
        assert!(
            a.stress_work <= a.stress_budget + 2 * 2 * heap_words * 2,
            "{} words walked for a {heap_words}-word heap",
            a.stress_work
        );
    }
}
