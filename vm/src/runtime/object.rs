//! Arena object layouts. Every object starts with a one-word header:
//! bits 0..8 kind, bit 8 GC mark, bits 32..64 size in words (header
//! included). Field offsets are in bytes from the object address; the JIT's
//! C header mirrors these constants (a generated test checks they agree).

use super::value::Value;

#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Free = 0,
    /// `[hdr][sign_len: i64][limbs: u64 * |sign_len|]`, little-endian limbs,
    /// `sign_len < 0` for negative values. Never holds a small-range value.
    BigInt = 1,
    /// `[hdr][code_id][name_id][defaults: Tuple or NULL][closure: Tuple of
    /// Cells or NULL]`
    Function = 2,
    /// `[hdr][start][stop][step]` (Values)
    Range = 3,
    /// `[hdr][next: i64][step: i64][remaining: u64]`: bounds that fit in i64.
    RangeIter = 4,
    /// `[hdr][next][step][remaining]` (Values, possibly big ints).
    LongRangeIter = 5,
    /// `[hdr][keys_version][len][capacity][(key, value) * capacity]`
    Dict = 6,
    /// `[hdr][f64 bits]`
    Float = 7,
    /// `[hdr][len][items: Value * len]` (immutable).
    Tuple = 8,
    /// `[hdr][len][items: pointer to a ListItems, or 0 while it has none]`.
    List = 9,
    /// A list's item array: `[hdr][Value * capacity]`; slots at and past the
    /// list's length are NULL.
    ListItems = 10,
    /// `[hdr][list][index: u64]` (`index` is a raw count, not a Value).
    ListIter = 11,
    /// `[hdr][tuple][index: u64]`
    TupleIter = 12,
    /// `[hdr][len][ASCII bytes, zero-padded to whole words]`
    Str = 13,
    /// `[hdr][str][index: u64]`
    StrIter = 14,
    /// A Python dict (user data; [`Kind::Dict`] is the globals table):
    /// `[hdr][used][entries: pointer to a DictEntries, or 0 while it has
    /// none][nentries][usable][log2 size][keys version]` (raw counts, not
    /// Values; the keys version changes when a key is added or removed).
    PyDict = 15,
    /// A dict's entry array and hash index, reallocated when the dict
    /// grows: `[hdr][index slot * 2^log2][(key, value, hash) * capacity]`
    /// (see `runtime::pydict`); a deleted entry and the slots at and past
    /// `nentries` are NULL.
    DictEntries = 16,
    /// `d.keys()`, `d.values()`, `d.items()`: `[hdr][dict][which: u64]`.
    DictView = 17,
    /// `[hdr][dict][which][used at start][position][remaining][keys version
    /// at start]` (raw counts).
    DictIter = 18,
    /// `xs.append` as a value: `[hdr][receiver][method: an immediate]`.
    BoundMethod = 19,
    /// `enumerate(it, start)`: `[hdr][iterator, or NULL once exhausted]
    /// [count: a Value]`.
    Enumerate = 20,
    /// `zip(a, b, ...)`: `[hdr][iterators: a Tuple, or NULL once exhausted]`.
    Zip = 21,
    /// `reversed(seq)` of a list, tuple or str: `[hdr][seq][index: i64]`,
    /// the raw index of the next item (exhausted below 0 or past the end;
    /// -1 once a step found it exhausted).
    Reversed = 22,
    /// A variable a nested function shares (CPython's cell object):
    /// `[hdr][value, or NULL while unbound]`. Only frames' locals and
    /// functions' closure tuples refer to cells; no program sees one.
    Cell = 23,
    /// A class (see `runtime::class` for its layout).
    Type = 24,
    /// An instance of a class: `[hdr][type][values: InstanceValues or 0]`.
    Instance = 25,
    /// An instance's attribute values by shared-keys index: `[hdr][Value *
    /// capacity]`, NULL where the instance lacks the attribute.
    InstanceValues = 26,
    /// `@staticmethod`/`@classmethod` in a class namespace: `[hdr][function]
    /// [which: raw, 1 for a class method]`.
    MethodWrapper = 27,
    /// An exception object: `[hdr][class: an immediate][args: Tuple]`.
    Exception = 28,
    /// A Python set (CPython 3.11's open-addressing table, see
    /// `runtime::pyset`): `[hdr][used][fill][mask][table: a SetEntries]
    /// [finger][unordered]` (raw counts; `unordered` counts the elements
    /// whose hash is not CPython's in every process).
    PySet = 29,
    /// A set's table: `[hdr][(key, hash) * (mask + 1)]`; an unused slot
    /// has a NULL key and hash 0, a deleted one the dummy key and hash -1.
    /// Hashes are raw words: only the key words are Values.
    SetEntries = 30,
    /// `iter(s)`: `[hdr][set, or NULL once exhausted][used at start]
    /// [position][remaining]` (raw counts).
    SetIter = 31,
    /// A generator, its suspended frame embedded (see
    /// `runtime::generator` for its layout).
    Generator = 32,
    /// `array.array('B', ...)`: `[hdr][len][items: small-int Value * len]`
    /// (a tuple's layout, its items mutable; see `runtime::array`).
    ByteArray = 33,
}

impl Kind {
    /// The kind with the largest tag: any larger tag is a corrupt header.
    pub const LAST: Kind = Kind::ByteArray;
}

pub const CELL_REF: u64 = 8;

pub const BOUND_RECEIVER: u64 = 8;
pub const BOUND_METHOD: u64 = 16;
pub const ENUMERATE_ITER: u64 = 8;
pub const ENUMERATE_COUNT: u64 = 16;
pub const ZIP_ITERS: u64 = 8;
pub const REVERSED_SEQ: u64 = 8;
pub const REVERSED_INDEX: u64 = 16;

pub const PYSET_USED: u64 = 8;
pub const PYSET_FILL: u64 = 16;
pub const PYSET_MASK: u64 = 24;
pub const PYSET_TABLE: u64 = 32;
pub const PYSET_FINGER: u64 = 40;
pub const PYSET_UNORDERED: u64 = 48;
pub const SET_ITER_SET: u64 = 8;
pub const SET_ITER_USED: u64 = 16;
pub const SET_ITER_POS: u64 = 24;
pub const SET_ITER_REMAINING: u64 = 32;

pub const KIND_MASK: u64 = 0xff;
pub const MARK_BIT: u64 = 1 << 8;

pub const BIGINT_SIGN_LEN: u64 = 8;
pub const BIGINT_LIMBS: u64 = 16;
pub const FUNCTION_CODE: u64 = 8;
pub const FUNCTION_NAME: u64 = 16;
/// A Tuple of the default values of the last parameters, or NULL.
pub const FUNCTION_DEFAULTS: u64 = 24;
/// A Tuple of the Cells of the function's free variables, or NULL.
pub const FUNCTION_CLOSURE: u64 = 32;
pub const RANGE_START: u64 = 8;
pub const RANGE_STOP: u64 = 16;
pub const RANGE_STEP: u64 = 24;
pub const ITER_NEXT: u64 = 8;
pub const ITER_STEP: u64 = 16;
pub const ITER_REMAINING: u64 = 24;
pub const DICT_KEYS_VERSION: u64 = 8;
pub const DICT_LEN: u64 = 16;
pub const DICT_CAPACITY: u64 = 24;
pub const DICT_ENTRIES: u64 = 32;
pub const FLOAT_VALUE: u64 = 8;
pub const TUPLE_LEN: u64 = 8;
pub const TUPLE_ITEMS: u64 = 16;
pub const LIST_LEN: u64 = 8;
pub const LIST_ITEMS: u64 = 16;
/// Offset of the first slot of a ListItems.
pub const ITEMS_FIRST: u64 = 8;
pub const SEQ_ITER_SEQ: u64 = 8;
pub const SEQ_ITER_INDEX: u64 = 16;
pub const STR_LEN: u64 = 8;
pub const STR_BYTES: u64 = 16;
pub const PYDICT_USED: u64 = 8;
pub const PYDICT_ENTRIES: u64 = 16;
pub const PYDICT_NENTRIES: u64 = 24;
pub const PYDICT_USABLE: u64 = 32;
pub const PYDICT_LOG2_SIZE: u64 = 40;
pub const PYDICT_KEYS_VERSION: u64 = 48;
/// Offset of the first key of a DictEntries (its value follows).
pub const ENTRIES_FIRST: u64 = 8;
pub const DICT_VIEW_DICT: u64 = 8;
pub const DICT_VIEW_WHICH: u64 = 16;
pub const DICT_ITER_DICT: u64 = 8;
pub const DICT_ITER_WHICH: u64 = 16;
pub const DICT_ITER_USED: u64 = 24;
pub const DICT_ITER_POS: u64 = 32;
pub const DICT_ITER_REMAINING: u64 = 40;
pub const DICT_ITER_VERSION: u64 = 48;

pub fn header(kind: Kind, words: usize) -> u64 {
    ((words as u64) << 32) | kind as u64
}
pub fn header_words(h: u64) -> usize {
    (h >> 32) as usize
}
pub fn header_kind(h: u64) -> Kind {
    match h & KIND_MASK {
        1 => Kind::BigInt,
        2 => Kind::Function,
        3 => Kind::Range,
        4 => Kind::RangeIter,
        5 => Kind::LongRangeIter,
        6 => Kind::Dict,
        7 => Kind::Float,
        8 => Kind::Tuple,
        9 => Kind::List,
        10 => Kind::ListItems,
        11 => Kind::ListIter,
        12 => Kind::TupleIter,
        13 => Kind::Str,
        14 => Kind::StrIter,
        15 => Kind::PyDict,
        16 => Kind::DictEntries,
        17 => Kind::DictView,
        18 => Kind::DictIter,
        19 => Kind::BoundMethod,
        20 => Kind::Enumerate,
        21 => Kind::Zip,
        22 => Kind::Reversed,
        23 => Kind::Cell,
        24 => Kind::Type,
        25 => Kind::Instance,
        26 => Kind::InstanceValues,
        27 => Kind::MethodWrapper,
        28 => Kind::Exception,
        29 => Kind::PySet,
        30 => Kind::SetEntries,
        31 => Kind::SetIter,
        32 => Kind::Generator,
        33 => Kind::ByteArray,
        _ => Kind::Free,
    }
}
pub fn is_marked(h: u64) -> bool {
    h & MARK_BIT != 0
}
pub fn set_mark(h: u64, on: bool) -> u64 {
    if on { h | MARK_BIT } else { h & !MARK_BIT }
}

/// Reads the word at `addr + off`.
///
/// # Safety
/// `addr` must be a live object with a field at `off`.
#[inline(always)]
pub unsafe fn read(addr: u64, off: u64) -> u64 {
    unsafe { *((addr + off) as *const u64) }
}

/// Writes the word at `addr + off`.
///
/// # Safety
/// As [`read`].
#[inline(always)]
pub unsafe fn write(addr: u64, off: u64, v: u64) {
    unsafe { *((addr + off) as *mut u64) = v }
}

/// The kind of the object a pointer value refers to.
#[inline(always)]
pub fn kind_of(v: Value) -> Kind {
    debug_assert!(v.is_ptr());
    // SAFETY: pointer values always refer to live objects.
    header_kind(unsafe { read(v.0, 0) })
}

/// Calls `f` with every Value field of the object at `addr` (for marking).
///
/// # Safety
/// `addr` must be a live object.
pub unsafe fn for_each_child(addr: u64, f: &mut dyn FnMut(Value)) {
    unsafe {
        let h = read(addr, 0);
        match header_kind(h) {
            Kind::Range | Kind::LongRangeIter => {
                for off in [8, 16, 24] {
                    f(Value(read(addr, off)));
                }
            }
            Kind::Dict => {
                let len = read(addr, DICT_LEN);
                for i in 0..len {
                    f(Value(read(addr, DICT_ENTRIES + 16 * i + 8)));
                }
            }
            Kind::Tuple => {
                for i in 0..read(addr, TUPLE_LEN) {
                    f(Value(read(addr, TUPLE_ITEMS + 8 * i)));
                }
            }
            Kind::List => {
                let items = read(addr, LIST_ITEMS);
                if items != 0 {
                    f(Value(items));
                }
            }
            Kind::PyDict => {
                let entries = read(addr, PYDICT_ENTRIES);
                if entries != 0 {
                    f(Value(entries));
                }
            }
            Kind::DictView => f(Value(read(addr, DICT_VIEW_DICT))),
            // An exhausted iterator drops its dict.
            Kind::DictIter => {
                let d = read(addr, DICT_ITER_DICT);
                if d != 0 {
                    f(Value(d));
                }
            }
            // Unused slots are NULL (allocation zeroes, removal clears).
            Kind::ListItems | Kind::DictEntries => {
                for i in 1..header_words(h) as u64 {
                    let v = Value(read(addr, 8 * i));
                    if !v.is_null() {
                        f(v);
                    }
                }
            }
            Kind::ListIter | Kind::TupleIter | Kind::StrIter => f(Value(read(addr, SEQ_ITER_SEQ))),
            // An exhausted enumerate drops its iterator.
            Kind::Enumerate => {
                let it = read(addr, ENUMERATE_ITER);
                if it != 0 {
                    f(Value(it));
                }
                f(Value(read(addr, ENUMERATE_COUNT)));
            }
            // An exhausted zip drops its iterators.
            Kind::Zip => {
                let iters = read(addr, ZIP_ITERS);
                if iters != 0 {
                    f(Value(iters));
                }
            }
            Kind::Reversed => f(Value(read(addr, REVERSED_SEQ))),
            // The method is an immediate, or a user Function.
            Kind::BoundMethod => {
                f(Value(read(addr, BOUND_RECEIVER)));
                let m = Value(read(addr, BOUND_METHOD));
                if m.is_ptr() {
                    f(m);
                }
            }
            Kind::Type => {
                use super::class::{TYPE_BASE, TYPE_NAME, TYPE_NS};
                f(Value(read(addr, TYPE_NAME)));
                f(Value(read(addr, TYPE_NS)));
                let base = read(addr, TYPE_BASE);
                if base != 0 {
                    f(Value(base));
                }
            }
            Kind::Instance => {
                use super::class::{INSTANCE_TYPE, INSTANCE_VALUES};
                f(Value(read(addr, INSTANCE_TYPE)));
                let values = read(addr, INSTANCE_VALUES);
                if values != 0 {
                    f(Value(values));
                }
            }
            Kind::InstanceValues => {
                let words = header_words(read(addr, 0));
                for i in 1..words as u64 {
                    let v = Value(read(addr, 8 * i));
                    if !v.is_null() {
                        f(v);
                    }
                }
            }
            Kind::PySet => f(Value(read(addr, PYSET_TABLE))),
            // Only the key words: hashes are raw, and the dummy key is an
            // immediate.
            Kind::SetEntries => {
                for i in 0..(header_words(h) as u64 - 1) / 2 {
                    let v = Value(read(addr, 8 + 16 * i));
                    if v.is_ptr() {
                        f(v);
                    }
                }
            }
            Kind::MethodWrapper => {
                f(Value(read(addr, super::class::WRAPPER_FUNCTION)));
                let setter = read(addr, super::class::WRAPPER_SETTER);
                if setter != 0 {
                    f(Value(setter));
                }
            }
            Kind::Exception => f(Value(read(addr, super::exceptions::EXC_ARGS))),
            // An exhausted iterator drops its set.
            Kind::SetIter => {
                let s = read(addr, SET_ITER_SET);
                if s != 0 {
                    f(Value(s));
                }
            }
            Kind::Function => {
                for off in [FUNCTION_DEFAULTS, FUNCTION_CLOSURE] {
                    let t = read(addr, off);
                    if t != 0 {
                        f(Value(t));
                    }
                }
            }
            // An unbound cell holds NULL.
            Kind::Cell => {
                let v = read(addr, CELL_REF);
                if v != 0 {
                    f(Value(v));
                }
            }
            Kind::Generator => super::generator::for_each_child(addr, f, false),
            // An array's items are small ints.
            Kind::Free
            | Kind::BigInt
            | Kind::RangeIter
            | Kind::Float
            | Kind::Str
            | Kind::ByteArray => {}
        }
    }
}

/// Stores `defaults` (a Tuple) as function `f`'s default values: a plain
/// field store, no allocation.
pub fn set_function_defaults(f: Value, defaults: Value) {
    debug_assert!(kind_of(f) == Kind::Function);
    // SAFETY: `f` is a live Function (SET_FUNCTION_DEFAULTS follows the
    // MAKE_FUNCTION that made it).
    unsafe { write(f.0, FUNCTION_DEFAULTS, defaults.0) };
}

/// Stores `closure` (a Tuple of Cells) as function `f`'s closure.
pub fn set_function_closure(f: Value, closure: Value) {
    debug_assert!(kind_of(f) == Kind::Function);
    // SAFETY: as `set_function_defaults`.
    unsafe { write(f.0, FUNCTION_CLOSURE, closure.0) };
}
