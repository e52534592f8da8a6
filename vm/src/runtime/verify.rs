//! The heap verifier (V8's `--verify-heap`, for our arena). It runs under GC
//! stress after every collection and after every trace exit.
//!
//! What it proves, and why that is enough to catch an unrooted value:
//!
//! 1. **The heap parses.** Walking from the heap start, every header has a
//!    known kind and a size that keeps the next header inside the allocated
//!    heap. So the set of object starts is exact, and "is this a pointer to
//!    an object" is a lookup, not a guess.
//! 2. **Freed memory is untouched.** Under GC stress the sweep fills every
//!    freed object with [`POISON_WORD`] (except a free-list link word) and
//!    keeps it off the free lists until the next sweep, which checks the
//!    poison first. A free object whose payload is not all poison was
//!    written after it was freed: a use after free by whoever still held
//!    the pointer, seen before the memory could be reused.
//! 3. **Everything reachable is live and well formed.** From every root
//!    (globals, builtins, constants, runtime temporaries, every frame's
//!    locals and value stack up to its written-back stack pointer), each
//!    value is a valid tagged value; each pointer lands on an object start
//!    whose kind is not `Free`; each object's size matches its kind and its
//!    fields are values of the kinds its layout allows. Recursively.
//!
//! A value that some tier kept only in a register across an allocation is
//! freed by the stressed collector; if it is later stored back into a frame,
//! (3) finds a root pointing at a freed object, and if the holder writes
//! through it, (2) finds the write. Neither needs the output to change.

use super::arena::{Arena, POISON_WORD, RootPlace};
use super::object::{
    self, BIGINT_SIGN_LEN, CELL_REF, DICT_CAPACITY, DICT_ENTRIES, DICT_LEN, FUNCTION_CLOSURE,
    FUNCTION_DEFAULTS, ITER_NEXT, ITER_REMAINING, ITER_STEP, Kind, LIST_ITEMS, LIST_LEN,
    RANGE_START, RANGE_STEP, RANGE_STOP, SEQ_ITER_SEQ, STR_LEN, TUPLE_ITEMS, TUPLE_LEN,
};
use super::value::Value;

/// Checks the whole heap; the first violation found, described.
pub fn verify(arena: &Arena) -> Result<(), String> {
    verify_heap(arena, true)
}

/// [`verify`] right after a stressed sweep, which has just checked the
/// poison of every object that was already free and poisoned every object it
/// freed: the free objects need no second look.
pub(crate) fn verify_after_sweep(arena: &Arena) -> Result<(), String> {
    verify_heap(arena, false)
}

/// The verifier's buffers, kept by the arena between verifications (no
/// allocation per verification, none per object): under GC stress it runs
/// at every allocation.
#[derive(Default)]
pub(crate) struct Scratch {
    starts: WordBits,
    checked: WordBits,
    work: Vec<(Value, u32)>,
    fields: Vec<u64>,
}

fn verify_heap(arena: &Arena, check_free: bool) -> Result<(), String> {
    let mut scratch = arena.verify_scratch.borrow_mut();
    let Scratch {
        starts: starts_bits,
        checked,
        work,
        fields,
    } = &mut *scratch;
    let starts = parse_heap(arena, check_free, std::mem::take(starts_bits))?;
    let result = walk_roots(arena, &starts, checked, work, fields);
    *starts_bits = starts.bits;
    result
}

/// Checks everything reachable from the roots (the heap's object starts
/// found by [`parse_heap`]).
fn walk_roots(
    arena: &Arena,
    starts: &Starts,
    checked: &mut WordBits,
    work: &mut Vec<(Value, u32)>,
    fields: &mut Vec<u64>,
) -> Result<(), String> {
    // The objects already checked, by heap word.
    checked.reset(starts.bits.0.len() * 64);
    let mut error = None;
    arena.roots.for_each(&mut |root, place| {
        if error.is_some() {
            return;
        }
        work.clear();
        work.push((root, 0));
        while let Some((v, depth)) = work.pop() {
            let walk = Walk {
                starts,
                place: &place,
                fields,
                work,
            };
            if let Err(e) = check_value(walk, checked, v, depth) {
                error = Some(e);
                return;
            }
        }
    });
    error.map_or(Ok(()), Err)
}

/// What [`check_value`] reads and where it leaves the values still to check.
struct Walk<'a> {
    starts: &'a Starts,
    /// The root the walk started from (for the report).
    place: &'a RootPlace,
    /// Scratch: the field offsets of the object being checked.
    fields: &'a mut Vec<u64>,
    /// Values still to check, with their distance from the root.
    work: &'a mut Vec<(Value, u32)>,
}

/// Which heap words start an object, one bit per word. Finding an object
/// by address is one bit test (the verifier runs after every collection
/// under GC stress, so neither a search nor a table of a word per heap word
/// would do), and its kind and size are then read from its header.
struct Starts {
    base: u64,
    end: u64,
    bits: WordBits,
}

impl Starts {
    /// The object starting at `addr`: its heap word, kind and size in words.
    fn find(&self, addr: u64) -> Option<(usize, Kind, usize)> {
        let word = self.word(addr)?;
        if !self.bits.get(word) {
            return None;
        }
        // SAFETY: the heap walk found a header at `addr`.
        let h = unsafe { object::read(addr, 0) };
        Some((word, object::header_kind(h), object::header_words(h)))
    }

    /// The heap word at `addr` (None outside the heap or unaligned).
    fn word(&self, addr: u64) -> Option<usize> {
        (addr >= self.base && addr < self.end && addr.is_multiple_of(8))
            .then(|| ((addr - self.base) / 8) as usize)
    }
}

/// A bit per heap word.
#[derive(Default)]
struct WordBits(Vec<u64>);

impl WordBits {
    /// All clear, for `words` words (the buffer kept).
    fn reset(&mut self, words: usize) {
        self.0.clear();
        self.0.resize(words.div_ceil(64), 0);
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }

    /// Sets bit `i`; whether it was set before.
    fn replace(&mut self, i: usize) -> bool {
        let was = self.get(i);
        self.0[i / 64] |= 1 << (i % 64);
        was
    }
}

/// Walks the heap from its start (checking the poison of free objects if
/// `check_free`).
fn parse_heap(arena: &Arena, check_free: bool, mut bits: WordBits) -> Result<Starts, String> {
    let (start, end) = arena.heap_bounds();
    let heap_words = (end.saturating_sub(start) / 8) as usize;
    bits.reset(heap_words);
    let mut starts = Starts {
        base: start,
        end,
        bits,
    };
    let mut addr = start;
    while addr < end {
        // SAFETY: `addr` is inside the allocated heap.
        let h = unsafe { object::read(addr, 0) };
        let words = object::header_words(h);
        let kind_bits = h & object::KIND_MASK;
        if words == 0 || kind_bits > Kind::LAST as u64 || addr + 8 * words as u64 > end {
            return Err(format!(
                "corrupt object header {h:#x} at {addr:#x} (the heap no longer parses)"
            ));
        }
        if object::is_marked(h) {
            return Err(format!(
                "object at {addr:#x} is still marked after a collection"
            ));
        }
        let kind = object::header_kind(h);
        if check_free && kind == Kind::Free {
            check_poisoned(addr, words)?;
        }
        starts.bits.replace(((addr - start) / 8) as usize);
        addr += 8 * words as u64;
    }
    Ok(starts)
}

/// A free object's payload is all poison (except a free-list link word).
pub fn check_poisoned(addr: u64, words: usize) -> Result<(), String> {
    for w in 1..words as u64 {
        // The first payload word of a free-list-sized object is its link.
        if w == 1 && Arena::is_listed_size(words) {
            continue;
        }
        // SAFETY: inside the free object.
        let v = unsafe { object::read(addr, 8 * w) };
        if v != POISON_WORD {
            return Err(format!(
                "freed object at {addr:#x} ({words} words) was written after it was freed: word {w} is {v:#x}"
            ));
        }
    }
    Ok(())
}

/// Checks one value; an object's fields go on `walk.work`.
fn check_value(walk: Walk, checked: &mut WordBits, v: Value, depth: u32) -> Result<(), String> {
    let Walk {
        starts,
        place,
        fields,
        work,
    } = walk;
    // Immediates are never pointers: a pointer skips their table lookups.
    let valid_immediate = || {
        matches!(
            v,
            Value::NULL | Value::NONE | Value::TRUE | Value::FALSE | Value::NOT_IMPLEMENTED
        ) || v.is_builtin()
            || super::math::is_math_value(v)
            || super::random::is_random_value(v)
            // A method immediate is a value too (`str.lower`, a descriptor);
            // `METHOD_CALL_RECEIVER` only sits on a value stack.
            || super::methods::is_method(v)
            || (depth == 0 && v == Value::METHOD_CALL_RECEIVER)
            || v == Value::OBJECT_INIT
            || v == Value::EXC_INIT
            || v == Value::MODULE_ARRAY
            || v == Value::ARRAY_ARRAY
    };
    if v.is_small_int() || (!v.is_ptr() && valid_immediate()) {
        return Ok(());
    }
    let path = || {
        if depth == 0 {
            format!("{place}")
        } else {
            format!("an object reachable from {place}")
        }
    };
    if !v.is_ptr() {
        return Err(format!("{} holds {:#x}, which is no value", path(), v.0));
    }
    let addr = v.0;
    let Some((word, kind, words)) = starts.find(addr) else {
        return Err(format!(
            "{} points to {:#x}, which is not an object start",
            path(),
            v.0
        ));
    };
    if kind == Kind::Free {
        return Err(format!(
            "{} points to a freed object at {addr:#x} ({words} words)",
            path()
        ));
    }
    if checked.replace(word) {
        return Ok(());
    }
    let read = |off: u64| {
        // SAFETY: `off` is within the object (sizes checked per kind below).
        unsafe { object::read(addr, off) }
    };
    let bad = |what: String| Err(format!("{} points to {what} at {addr:#x}", path()));
    fields.clear();
    match kind {
        Kind::BigInt => {
            let n = (read(BIGINT_SIGN_LEN) as i64).unsigned_abs() as usize;
            if n == 0 || words != 2 + n {
                return bad(format!("a malformed int ({words} words, {n} limbs)"));
            }
            {}
        }
        Kind::Float => {
            if words != 2 {
                return bad(format!("a malformed float ({words} words)"));
            }
            {}
        }
        Kind::Function => {
            if words != 5 {
                return bad(format!("a malformed function ({words} words)"));
            }
            fields.extend(
                [FUNCTION_DEFAULTS, FUNCTION_CLOSURE]
                    .into_iter()
                    .filter(|&off| read(off) != 0),
            )
        }
        Kind::Cell => {
            if words != 2 {
                return bad(format!("a malformed cell ({words} words)"));
            }
            if read(CELL_REF) == 0 {
                {}
            } else {
                fields.extend([CELL_REF])
            }
        }
        Kind::Range | Kind::LongRangeIter | Kind::RangeIter => {
            if words != 4 {
                return bad(format!("a malformed {kind:?} ({words} words)"));
            }
            match kind {
                Kind::Range => fields.extend([RANGE_START, RANGE_STOP, RANGE_STEP]),
                Kind::LongRangeIter => fields.extend([ITER_NEXT, ITER_STEP, ITER_REMAINING]),
                _ => {}
            }
        }
        Kind::Dict => {
            let (len, cap) = (read(DICT_LEN), read(DICT_CAPACITY));
            if len > cap || words as u64 != 4 + 2 * cap.max(1) {
                return bad(format!("a malformed dict ({words} words, {len}/{cap})"));
            }
            fields.extend((0..len).map(|i| DICT_ENTRIES + 16 * i + 8))
        }
        Kind::Tuple => {
            let n = read(TUPLE_LEN);
            if words as u64 != 2 + n {
                return bad(format!("a malformed tuple ({words} words, {n} items)"));
            }
            fields.extend((0..n).map(|i| TUPLE_ITEMS + 8 * i))
        }
        Kind::ByteArray => {
            let n = read(TUPLE_LEN);
            if words as u64 != 2 + n {
                return bad(format!("a malformed array ({words} words, {n} items)"));
            }
            let byte = |i: u64| {
                let v = Value(read(TUPLE_ITEMS + 8 * i));
                v.is_small_int() && (0..=255).contains(&v.small_value())
            };
            if let Some(i) = (0..n).find(|&i| !byte(i)) {
                return bad(format!("an array whose item {i} is no byte"));
            }
            {}
        }
        Kind::List => {
            let (n, items) = (read(LIST_LEN), read(LIST_ITEMS));
            if words != 3 {
                return bad(format!("a malformed list ({words} words)"));
            }
            if items == 0 {
                if n != 0 {
                    return bad(format!("a list of {n} items without an item array"));
                }
                {}
            } else {
                // SAFETY: checked as a value below before anything reads it.
                fields.extend([LIST_ITEMS])
            }
        }
        // Every non-NULL slot is an item (slots past the length are NULL).
        Kind::ListItems => fields.extend(
            (1..words as u64)
                .map(|i| 8 * i)
                .filter(|&off| read(off) != 0),
        ),
        Kind::Str => {
            let n = read(STR_LEN) as usize;
            if words != 2 + n.div_ceil(8) {
                return bad(format!("a malformed str ({words} words, {n} bytes)"));
            }
            {}
        }
        Kind::ListIter | Kind::TupleIter | Kind::StrIter => {
            if words != 3 {
                return bad(format!("a malformed {kind:?} ({words} words)"));
            }
            fields.extend([SEQ_ITER_SEQ])
        }
        Kind::BoundMethod => {
            let m = Value(read(object::BOUND_METHOD));
            let method_ok = super::methods::is_method(m)
                || m == Value::OBJECT_INIT
                || m == Value::EXC_INIT
                || m.is_ptr();
            if words != 3 || !method_ok {
                return bad(format!("a malformed bound method ({words} words)"));
            }
            if m.is_ptr() {
                fields.extend([object::BOUND_RECEIVER, object::BOUND_METHOD])
            } else {
                fields.extend([object::BOUND_RECEIVER])
            }
        }
        Kind::Type => {
            use super::class::{TYPE_BASE, TYPE_NAME, TYPE_NS, TYPE_WORDS};
            if words != TYPE_WORDS {
                return bad(format!("a malformed class ({words} words)"));
            }
            fields.extend([TYPE_NAME, TYPE_NS]);
            if read(TYPE_BASE) != 0 {
                fields.push(TYPE_BASE);
            }
        }
        Kind::Instance => {
            use super::class::{INSTANCE_TYPE, INSTANCE_VALUES, INSTANCE_WORDS};
            if words != INSTANCE_WORDS {
                return bad(format!("a malformed instance ({words} words)"));
            }
            if read(INSTANCE_VALUES) == 0 {
                fields.extend([INSTANCE_TYPE])
            } else {
                fields.extend([INSTANCE_TYPE, INSTANCE_VALUES])
            }
        }
        // Every non-NULL slot is an attribute value.
        Kind::InstanceValues => fields.extend(
            (1..words as u64)
                .map(|i| 8 * i)
                .filter(|&off| read(off) != 0),
        ),
        Kind::Exception => {
            if words != super::exceptions::EXC_WORDS
                || !super::exceptions::is_class(Value(read(super::exceptions::EXC_CLASS)))
            {
                return bad(format!("a malformed exception ({words} words)"));
            }
            fields.extend([super::exceptions::EXC_ARGS])
        }
        Kind::MethodWrapper => {
            use super::class::{WRAPPER_FUNCTION, WRAPPER_PROPERTY, WRAPPER_SETTER, WRAPPER_WHICH};
            let (which, setter) = (read(WRAPPER_WHICH), read(WRAPPER_SETTER));
            if words != super::class::WRAPPER_WORDS
                || which > WRAPPER_PROPERTY
                || (setter != 0 && which != WRAPPER_PROPERTY)
            {
                return bad(format!(
                    "a malformed method wrapper ({words} words, kind {which})"
                ));
            }
            fields.push(WRAPPER_FUNCTION);
            if setter != 0 {
                fields.push(WRAPPER_SETTER);
            }
        }
        Kind::PyDict => {
            let entries = read(object::PYDICT_ENTRIES);
            let (used, n) = (read(object::PYDICT_USED), read(object::PYDICT_NENTRIES));
            if words != 7 || used > n {
                return bad(format!("a malformed dict ({words} words, {used}/{n})"));
            }
            if entries == 0 {
                if n != 0 {
                    return bad(format!("a dict of {n} entries without an entry array"));
                }
                {}
            } else {
                // The entry array has the dict's geometry and holds every
                // entry the dict counts.
                let (want_words, slots) = crate::runtime::pydict::expected_array(Value(addr));
                let words = match starts.find(entries) {
                    Some((_, _, words)) => words,
                    None => 0,
                };
                if words != want_words || n > slots {
                    return bad(format!(
                        "a dict of {n} entries whose entry array has {words} words for {slots} slots"
                    ));
                }
                fields.extend([object::PYDICT_ENTRIES])
            }
        }
        Kind::DictEntries => fields.extend(
            (1..words as u64)
                .map(|i| 8 * i)
                .filter(|&off| read(off) != 0),
        ),
        Kind::DictView => {
            if words != 3 {
                return bad(format!("a malformed dict view ({words} words)"));
            }
            fields.extend([object::DICT_VIEW_DICT])
        }
        Kind::DictIter => {
            if words != 7 {
                return bad(format!("a malformed dict iterator ({words} words)"));
            }
            // An exhausted iterator drops its dict.
            if read(object::DICT_ITER_DICT) == 0 {
                {}
            } else {
                fields.extend([object::DICT_ITER_DICT])
            }
        }
        Kind::Enumerate => {
            if words != 3 {
                return bad(format!("a malformed enumerate ({words} words)"));
            }
            if read(object::ENUMERATE_ITER) == 0 {
                fields.extend([object::ENUMERATE_COUNT])
            } else {
                fields.extend([object::ENUMERATE_ITER, object::ENUMERATE_COUNT])
            }
        }
        Kind::Zip => {
            if words != 2 {
                return bad(format!("a malformed zip ({words} words)"));
            }
            let iters = Value(read(object::ZIP_ITERS));
            if iters.is_null() {
                {}
            } else if !super::seq::is_tuple(iters) {
                return bad("a zip whose iterators are not a tuple".into());
            } else {
                fields.extend([object::ZIP_ITERS])
            }
        }
        Kind::Reversed => {
            if words != 3 {
                return bad(format!("a malformed reversed iterator ({words} words)"));
            }
            fields.extend([object::REVERSED_SEQ])
        }
        Kind::PySet => {
            let (used, fill, mask) = (
                read(object::PYSET_USED),
                read(object::PYSET_FILL),
                read(object::PYSET_MASK),
            );
            let table = read(object::PYSET_TABLE);
            let table_words = match starts.find(table) {
                Some((_, Kind::SetEntries, words)) => words as u64,
                _ => 0,
            };
            // The table has the set's geometry and keeps an unused slot.
            if words != 7
                || used > fill
                || !(mask + 1).is_power_of_two()
                || fill > mask
                || table_words != 1 + 2 * (mask + 1)
            {
                return bad(format!(
                    "a malformed set ({words} words, {used}/{fill}, mask {mask}, table of {table_words} words)"
                ));
            }
            fields.extend([object::PYSET_TABLE])
        }
        // The live keys (NULL is unused; the dummy key is no value).
        Kind::SetEntries => fields.extend(
            (0..(words as u64 - 1) / 2)
                .map(|i| 8 + 16 * i)
                .filter(|&off| read(off) != 0 && Value(read(off)) != super::pyset::DUMMY),
        ),
        Kind::SetIter => {
            if words != 5 {
                return bad(format!("a malformed set iterator ({words} words)"));
            }
            if read(object::SET_ITER_SET) == 0 {
                {}
            } else {
                fields.extend([object::SET_ITER_SET])
            }
        }
        Kind::Generator => {
            let state = read(super::generator::GEN_STATE);
            if words <= super::generator::GEN_HEADER_WORDS || state > super::generator::FINISHED {
                return bad(format!(
                    "a malformed generator ({words} words, state {state})"
                ));
            }
            super::generator::verified_fields(addr, fields)
        }
        Kind::Free => unreachable!("checked above"),
    }
    for &off in fields.iter() {
        let field = Value(read(off));
        if matches!(kind, Kind::Range | Kind::LongRangeIter)
            && !(field.is_small_int() || field.is_ptr())
        {
            return bad(format!(
                "a {kind:?} whose field at +{off} is {:#x}",
                field.0
            ));
        }
    }
    // Reversed, so the fields are checked first to last (depth first).
    // Small ints are valid wherever they are: [`check_value`] would
    // return at once, so they are not queued (lists of ints are most of
    // some heaps, and this runs after every stressed collection).
    work.extend(
        fields
            .iter()
            .rev()
            .map(|&off| (Value(read(off)), depth + 1))
            .filter(|(v, _)| !v.is_small_int()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::arena::Arena;

    fn stressed() -> Arena {
        let mut a = Arena::new();
        a.gc_stress = true;
        a
    }

    #[test]
    fn a_clean_heap_verifies() {
        let mut a = stressed();
        let keep = a.alloc(Kind::Range, 4).unwrap();
        for off in [RANGE_START, RANGE_STOP, RANGE_STEP] {
            unsafe { object::write(keep, off, Value::small(1).0) };
        }
        a.alloc(Kind::BigInt, 3).unwrap();
        a.roots.fixed = vec![Value(keep)];
        a.collect();
        assert_eq!(verify(&a), Ok(()));
    }

    #[test]
    fn a_root_to_a_freed_object_is_reported() {
        let mut a = stressed();
        let lost = a.alloc(Kind::Range, 4).unwrap();
        a.collect(); // nothing roots it: freed and poisoned
        a.roots.fixed = vec![Value(lost)];
        let e = verify(&a).unwrap_err();
        assert!(e.contains("points to a freed object"), "{e}");
    }

    #[test]
    fn a_write_into_freed_memory_is_reported() {
        let mut a = stressed();
        let lost = a.alloc(Kind::Range, 4).unwrap();
        a.collect();
        unsafe { object::write(lost, RANGE_STEP, 7) };
        let e = verify(&a).unwrap_err();
        assert!(e.contains("written after it was freed"), "{e}");
    }

    /// A free object keeps its poison across sweeps (which check it, not
    /// write it again), and a write into memory freed collections ago is
    /// found by the next sweep, once: the sweep poisons it again.
    #[test]
    fn a_write_into_memory_freed_collections_ago_is_found_by_the_next_sweep() {
        let mut a = stressed();
        let lost = a.alloc(Kind::Range, 4).unwrap();
        a.collect(); // freed and poisoned
        a.collect(); // still free: its poison checked, intact
        assert!(a.heap_errors.is_empty(), "{:?}", a.heap_errors);
        assert_eq!(verify(&a), Ok(()));
        unsafe { object::write(lost, RANGE_STEP, 7) };
        a.collect();
        assert_eq!(a.heap_errors.len(), 1, "{:?}", a.heap_errors);
        assert!(a.heap_errors[0].contains("written after it was freed"));
        a.collect();
        assert_eq!(a.heap_errors.len(), 1, "{:?}", a.heap_errors);
        assert_eq!(verify(&a), Ok(()));
    }

    #[test]
    fn a_pointer_into_the_middle_of_an_object_is_reported() {
        let mut a = stressed();
        let obj = a.alloc(Kind::Range, 4).unwrap();
        for off in [RANGE_START, RANGE_STOP, RANGE_STEP] {
            unsafe { object::write(obj, off, Value::small(1).0) };
        }
        a.roots.fixed = vec![Value(obj), Value(obj + 8)];
        let e = verify(&a).unwrap_err();
        assert!(e.contains("not an object start"), "{e}");
    }

    #[test]
    fn poisoned_words_are_no_values() {
        let mut a = stressed();
        a.roots.fixed = vec![Value(POISON_WORD)];
        let e = verify(&a).unwrap_err();
        assert!(e.contains("which is no value"), "{e}");
    }
}
