//! The arena: one `mmap` region holding every frame, value stack and object
//! of a VM. Because it is a single fixed host range, the JIT's emulated
//! backends can map it into unicorn at the *same* address, so a pointer means
//! the same thing natively and under emulation.
//!
//! Layout: `[frame stack | object heap]`. The heap is a bump allocator with
//! exact-size free lists, collected by a non-moving mark-sweep that runs only
//! at safe points (loop back edges and calls, where every frame's stack
//! pointer is written back), exactly like CPython's eval-breaker GC. A
//! consequence the JIT must respect: a uop that can reach a safe point must
//! not keep values cached in registers.

use super::mapping::Mapping;
use super::object::{self, Kind};
use super::value::Value;

/// Bytes reserved for frames (each frame is a few words plus locals and stack).
pub const FRAME_REGION: usize = 4 << 20;
/// Bytes reserved for the object heap.
pub const HEAP_REGION: usize = 60 << 20;
/// Collect once this many bytes were allocated since the last collection.
const GC_THRESHOLD: usize = 2 << 20;
/// Objects up to this many words get exact-size free lists; bigger ones are
/// only bump-allocated (the largest int is `MAX_INT_BITS / 64 + 2` words).
const MAX_LISTED_WORDS: usize = 256;

pub struct Arena {
    mapping: Mapping,
    heap_start: u64,
    heap_end: u64,
    bump: u64,
    free_lists: Vec<u64>,
    allocated_since_gc: usize,
    /// Collect at every safe point (GC stress).
    pub gc_stress: bool,
    pub stats: ArenaStats,
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
            allocated_since_gc: 0,
            gc_stress: false,
            stats: ArenaStats::default(),
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
        self.allocated_since_gc = 0;
        self.stats = ArenaStats::default();
    }

    /// True if `addr` is an object address inside the heap.
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.heap_start && addr < self.bump && addr & 7 == 0
    }

    /// Allocates an object of `words` words (header included) and writes its
    /// header. The payload is zeroed.
    pub fn alloc(&mut self, kind: Kind, words: usize) -> Result<u64, OutOfMemory> {
        debug_assert!(words >= 1);
        self.stats.allocations += 1;
        self.allocated_since_gc += words * 8;
        let addr = if words <= MAX_LISTED_WORDS && self.free_lists[words] != 0 {
            let addr = self.free_lists[words];
            // SAFETY: free-list entries are heap objects of exactly `words` words
            // whose first payload word links to the next entry.
            self.free_lists[words] = unsafe { *((addr + 8) as *const u64) };
            addr
        } else {
            let end = self.bump + (words * 8) as u64;
            if end > self.heap_end {
                return Err(OutOfMemory);
            }
            let addr = self.bump;
            self.bump = end;
            addr
        };
        // SAFETY: `addr..addr+words*8` lies inside the heap and is unused.
        unsafe {
            std::ptr::write_bytes((addr + 8) as *mut u8, 0, (words - 1) * 8);
            *(addr as *mut u64) = object::header(kind, words);
        }
        Ok(addr)
    }

    /// Whether a safe point should collect now.
    pub fn wants_gc(&self) -> bool {
        self.gc_stress || self.allocated_since_gc >= GC_THRESHOLD
    }

    /// Mark-sweep collection. `roots` yields every live value (frames'
    /// locals and stacks, globals, constants).
    pub fn collect(&mut self, roots: &mut dyn Iterator<Item = Value>) {
        self.stats.collections += 1;
        self.allocated_since_gc = 0;
        let mut stack: Vec<u64> = roots.filter(|v| v.is_ptr()).map(|v| v.0).collect();
        while let Some(addr) = stack.pop() {
            debug_assert!(
                self.contains(addr),
                "root or field {addr:#x} outside the heap"
            );
            // SAFETY: every pointer value refers to a live heap object.
            unsafe {
                let h = *(addr as *const u64);
                if object::is_marked(h) {
                    continue;
                }
                *(addr as *mut u64) = object::set_mark(h, true);
                object::for_each_child(addr, &mut |v: Value| {
                    if v.is_ptr() {
                        stack.push(v.0)
                    }
                });
            }
        }
        // Sweep: walk the heap linearly; objects know their size.
        self.free_lists.iter_mut().for_each(|h| *h = 0);
        let mut addr = self.heap_start;
        while addr < self.bump {
            // SAFETY: the heap is a sequence of headed objects up to `bump`.
            unsafe {
                let h = *(addr as *const u64);
                let words = object::header_words(h);
                if object::is_marked(h) {
                    *(addr as *mut u64) = object::set_mark(h, false);
                } else {
                    if object::header_kind(h) != Kind::Free {
                        self.stats.freed_objects += 1;
                    }
                    *(addr as *mut u64) = object::header(Kind::Free, words);
                    if (2..=MAX_LISTED_WORDS).contains(&words) {
                        *((addr + 8) as *mut u64) = self.free_lists[words];
                        self.free_lists[words] = addr;
                    }
                }
                addr += (words * 8) as u64;
            }
        }
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
        a.collect(&mut [Value(keep)].into_iter());
        assert_eq!(a.stats.freed_objects, 1);
        // The freed slot is reused for the next object of the same size.
        assert_eq!(a.alloc(Kind::BigInt, 3).unwrap(), drop_me);
        let fresh = a.alloc(Kind::BigInt, 3).unwrap();
        assert!(fresh > drop_me && fresh != keep);
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
}
