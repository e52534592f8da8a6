//! Classes and their instances in the arena.
//!
//! A class is a [`Kind::Type`] object: `[hdr][version][name: Str][base: Type
//! or 0][namespace: PyDict][meta: raw index]`. Its namespace maps name ids
//! (as small ints: the namespace is never visible to programs) to methods
//! and class attributes; static and class methods are wrapped in a
//! [`Kind::MethodWrapper`]. `version` is CPython's `tp_version_tag`: it
//! changes whenever the class or one of its bases is modified, so a guard
//! on it proves every lookup through the class is what it was.
//!
//! An instance is `[hdr][type][values: InstanceValues or 0]`, its attribute
//! values stored at the index of their name in the class's *shared keys*
//! (CPython 3.11's inline values): every instance of a class lays out the
//! same name at the same index, which is what `LOAD_ATTR_INSTANCE_VALUE`
//! relies on. A NULL slot is an attribute the instance does not have.
//! Shared keys live with the run (`tier1::classes`), not in the arena.

use super::arena::Arena;
use super::object::{self, Kind};
use super::value::Value;
use super::{Raise, pydict, strs};

pub const TYPE_VERSION: u64 = 8;
pub const TYPE_NAME: u64 = 16;
pub const TYPE_BASE: u64 = 24;
pub const TYPE_NS: u64 = 32;
pub const TYPE_META: u64 = 40;
/// NULL, or the built-in exception class an exception class derives
/// from (a class whose base is `Exception`, say, or a subclass of one).
pub const TYPE_EXC: u64 = 48;
pub const TYPE_WORDS: usize = 7;
pub const INSTANCE_TYPE: u64 = 8;
pub const INSTANCE_VALUES: u64 = 16;
pub const INSTANCE_WORDS: usize = 3;
/// Offset of the first slot of an InstanceValues.
pub const VALUES_FIRST: u64 = 8;
/// A wrapper around a class body's function: `@staticmethod`,
/// `@classmethod` or `@property` (its getter).
pub const WRAPPER_FUNCTION: u64 = 8;
/// [`WRAPPER_STATIC`], [`WRAPPER_CLASS`] or [`WRAPPER_PROPERTY`] (raw).
pub const WRAPPER_WHICH: u64 = 16;
/// A property's setter, or 0 (always 0 for the other two).
pub const WRAPPER_SETTER: u64 = 24;
pub const WRAPPER_WORDS: usize = 4;
pub const WRAPPER_STATIC: u64 = 0;
pub const WRAPPER_CLASS: u64 = 1;
pub const WRAPPER_PROPERTY: u64 = 2;

pub fn is_type(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Type
}

pub fn is_instance(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Instance
}

fn field(v: Value, off: u64) -> u64 {
    // SAFETY: callers pass live objects of the kind that has `off`.
    unsafe { object::read(v.0, off) }
}

fn set_field(v: Value, off: u64, x: u64) {
    // SAFETY: as `field`.
    unsafe { object::write(v.0, off, x) }
}

/// A new class: `name` a Str, `base` a Type or NULL, `ns` a PyDict,
/// `exc` NULL or the built-in exception class it derives from.
pub fn new_type(
    arena: &mut Arena,
    version: u64,
    (name, base, exc): (Value, Value, Value),
    ns: Value,
    meta: usize,
) -> Result<Value, Raise> {
    arena.roots.temps.extend([name, base, ns]);
    let addr = arena.alloc(Kind::Type, TYPE_WORDS);
    arena.roots.temps.truncate(arena.roots.temps.len() - 3);
    let t = Value(addr?);
    set_field(t, TYPE_VERSION, version);
    set_field(t, TYPE_NAME, name.0);
    set_field(t, TYPE_BASE, base.0);
    set_field(t, TYPE_NS, ns.0);
    set_field(t, TYPE_META, meta as u64);
    set_field(t, TYPE_EXC, exc.0);
    Ok(t)
}

/// NULL, or the built-in exception class `t` derives from.
pub fn exc_base(t: Value) -> Value {
    Value(field(t, TYPE_EXC))
}

/// An instance of a user exception class. Its `args` is value slot 0
/// (the class's shared keys start with `args`, as BaseException's C
/// field comes before any `__dict__`).
pub fn is_exception_instance(v: Value) -> bool {
    is_instance(v) && !exc_base(type_of(v)).is_null()
}

pub fn version(t: Value) -> u64 {
    field(t, TYPE_VERSION)
}

pub fn set_version(t: Value, v: u64) {
    set_field(t, TYPE_VERSION, v)
}

pub fn name(t: Value) -> &'static str {
    intern(strs::text(Value(field(t, TYPE_NAME))))
}

/// The base class, or NULL.
pub fn base(t: Value) -> Value {
    Value(field(t, TYPE_BASE))
}

pub fn namespace(t: Value) -> Value {
    Value(field(t, TYPE_NS))
}

/// The run's index of the class's metadata.
pub fn meta(t: Value) -> usize {
    (field(t, TYPE_META) & META_INDEX) as usize
}

/// TYPE_META's low 31 bits are the meta index, bit 31 is
/// [`META_USER_HASH`]; its high half, bit `i` set when the class (along
/// its MRO) has `DUNDERS[i]`, which lets runtime code that cannot call
/// Python (container reprs, element equality, hashing) see that CPython
/// would call a user method there.
const META_INDEX: u64 = 0x7fff_ffff;
/// The class's `__hash__` is a user method (its own `def __hash__` or the
/// nearest base's that defines one, with no `__eq__` in between).
const META_USER_HASH: u64 = 1 << 31;
const META_LOW: u64 = 0xffff_ffff;

/// How instances of a class hash, fixed when the class is created (a
/// program cannot assign `__hash__` later): CPython's `__hash__` slot as
/// the class body left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashKind {
    /// `object.__hash__`: by identity.
    Identity,
    /// `__hash__ = None`, which an `__eq__` in the body sets when it
    /// defines no `__hash__`: `TypeError: unhashable type`.
    Unhashable,
    /// A `def __hash__` of the class or a base: runtime code that hashes
    /// cannot call it, so every tier hashes such a key through
    /// `tier1::user_keys`, and the runtime poisons when it meets one.
    User,
}

/// How instances of class `t` hash.
pub fn hash_kind(t: Value) -> HashKind {
    let meta = field(t, TYPE_META);
    if meta & META_USER_HASH != 0 {
        HashKind::User
    } else if (meta >> 32) as u32 & D_UNHASHABLE != 0 {
        HashKind::Unhashable
    } else {
        HashKind::Identity
    }
}

/// Whether `v` is an instance whose class has a user `__hash__`.
pub fn has_user_hash(v: Value) -> bool {
    is_instance(v) && field(type_of(v), TYPE_META) & META_USER_HASH != 0
}

/// Records that class `t` hashes by a user `__hash__` (at its creation).
pub fn set_user_hash(t: Value) {
    set_field(t, TYPE_META, field(t, TYPE_META) | META_USER_HASH);
}

/// Dunder bits (`DUNDERS[i]` is bit `i`; `lang::parse::DUNDERS`).
pub const D_NEXT: u32 = 1;
pub const D_REPR: u32 = 1 << 1;
pub const D_STR: u32 = 1 << 2;
pub const D_EQ: u32 = 1 << 3;
/// `__eq__` .. `__ge__`: the rich comparisons.
pub const D_CMP: u32 = 0b11_1111 << 3;
/// `__add__` .. `__rmul__` and `__truediv__` .. `__rmod__`: the binary
/// arithmetic operators.
pub const D_ARITH: u32 = 0b11_1111 << 9 | 0b11_1111 << 21;
pub const D_LEN: u32 = 1 << 15;
pub const D_GETITEM: u32 = 1 << 16;
pub const D_ITER: u32 = 1 << 18;
/// Not a dunder: the class or a base defined `__eq__` in its body, which
/// sets CPython's `__hash__` to None (instances are unhashable).
pub const D_UNHASHABLE: u32 = 1 << 31;

/// Sets the class's dunder bits (see [`has_dunder`]).
pub fn set_dunder_bits(t: Value, bits: u32) {
    set_field(
        t,
        TYPE_META,
        (field(t, TYPE_META) & META_LOW) | (u64::from(bits) << 32),
    );
}

/// The class's dunder bits.
pub fn dunder_bits(t: Value) -> u32 {
    (field(t, TYPE_META) >> 32) as u32
}

/// Whether `v` is an instance whose class has any dunder of `mask` (bit
/// `i` for `DUNDERS[i]`).
pub fn has_dunder(v: Value, mask: u32) -> bool {
    is_instance(v) && (field(type_of(v), TYPE_META) >> 32) as u32 & mask != 0
}

/// `t` and its bases, nearest first (single inheritance: the MRO).
pub fn mro(t: Value) -> impl Iterator<Item = Value> {
    std::iter::successors(Some(t), |c| Some(base(*c)).filter(|b| *b != Value::NULL))
}

/// The value `name` (an id) has in class `t`'s own namespace.
pub fn own_attr(t: Value, name: u32) -> Option<Value> {
    pydict::get(namespace(t), Value::small(name as i64))
        .ok()
        .flatten()
}

/// `name` looked up along `t`'s MRO: the value and the class holding it.
pub fn lookup(t: Value, name: u32) -> Option<(Value, Value)> {
    mro(t).find_map(|c| own_attr(c, name).map(|v| (v, c)))
}

/// Whether class `t` is `cls` or derives from it.
pub fn is_subclass(t: Value, cls: Value) -> bool {
    mro(t).any(|c| c == cls)
}

pub fn set_attr(arena: &mut Arena, t: Value, name: u32, v: Value) -> Result<(), Raise> {
    pydict::set(arena, namespace(t), Value::small(name as i64), v)
}

/// A new instance of `t` with no attributes, and room for `slots`.
pub fn new_instance(arena: &mut Arena, t: Value, slots: usize) -> Result<Value, Raise> {
    arena.roots.temps.push(t);
    let addr = arena.alloc(Kind::Instance, INSTANCE_WORDS);
    arena.roots.temps.pop();
    let o = Value(addr?);
    set_field(o, INSTANCE_TYPE, t.0);
    set_field(o, INSTANCE_VALUES, 0);
    if slots > 0 {
        arena.roots.temps.push(o);
        let values = arena.alloc(Kind::InstanceValues, slots + 1);
        arena.roots.temps.pop();
        let values = values?;
        for i in 0..slots as u64 {
            // SAFETY: below the new array's capacity.
            unsafe { object::write(values, VALUES_FIRST + 8 * i, 0) };
        }
        set_field(o, INSTANCE_VALUES, values);
    }
    Ok(o)
}

pub fn type_of(o: Value) -> Value {
    Value(field(o, INSTANCE_TYPE))
}

pub fn set_type(o: Value, t: Value) {
    set_field(o, INSTANCE_TYPE, t.0)
}

/// How many value slots the instance has room for.
pub fn capacity(o: Value) -> usize {
    let values = field(o, INSTANCE_VALUES);
    if values == 0 {
        return 0;
    }
    // SAFETY: a live InstanceValues.
    object::header_words(unsafe { object::read(values, 0) }) - 1
}

/// The value at shared-keys index `i` (NULL: the instance lacks it).
pub fn value_at(o: Value, i: usize) -> Value {
    if i >= capacity(o) {
        return Value::NULL;
    }
    let values = field(o, INSTANCE_VALUES);
    // SAFETY: `i` is below the capacity.
    Value(unsafe { object::read(values, VALUES_FIRST + 8 * i as u64) })
}

/// Stores `v` (possibly NULL) at index `i`, growing the value array.
pub fn set_value_at(arena: &mut Arena, o: Value, i: usize, v: Value) -> Result<(), Raise> {
    if i >= capacity(o) {
        let cap = (i + 1).next_power_of_two().max(4);
        arena.roots.temps.extend([o, v]);
        let addr = arena.alloc(Kind::InstanceValues, cap + 1);
        arena.roots.temps.truncate(arena.roots.temps.len() - 2);
        let addr = addr?;
        let old = field(o, INSTANCE_VALUES);
        for k in 0..cap {
            let x = if (k) < capacity(o) {
                // SAFETY: below the old capacity.
                unsafe { object::read(old, VALUES_FIRST + 8 * k as u64) }
            } else {
                0
            };
            // SAFETY: below the new capacity.
            unsafe { object::write(addr, VALUES_FIRST + 8 * k as u64, x) };
        }
        set_field(o, INSTANCE_VALUES, addr);
    }
    let values = field(o, INSTANCE_VALUES);
    // SAFETY: `i` is below the capacity now.
    unsafe { object::write(values, VALUES_FIRST + 8 * i as u64, v.0) };
    Ok(())
}

/// Stores `v` at index `i`, which must be below the capacity (no
/// allocation: the specialized store's fast path).
pub fn store_value_at(o: Value, i: usize, v: Value) {
    debug_assert!(i < capacity(o));
    let values = field(o, INSTANCE_VALUES);
    // SAFETY: `i` is below the capacity.
    unsafe { object::write(values, VALUES_FIRST + 8 * i as u64, v.0) };
}

/// Every slot of the instance, in shared-keys order (NULL where unset).
pub fn values(o: Value) -> Vec<Value> {
    (0..capacity(o)).map(|i| value_at(o, i)).collect()
}

/// Drops every attribute (before re-laying them out for another class).
pub fn clear_values(o: Value) {
    set_field(o, INSTANCE_VALUES, 0)
}

/// `@staticmethod` (`class_method` false) or `@classmethod` around `f`.
pub fn new_wrapper(arena: &mut Arena, f: Value, class_method: bool) -> Result<Value, Raise> {
    let which = if class_method {
        WRAPPER_CLASS
    } else {
        WRAPPER_STATIC
    };
    alloc_wrapper(arena, which, f, Value::NULL)
}

/// A property with `getter` and `setter` (NULL: none).
pub fn new_property(arena: &mut Arena, getter: Value, setter: Value) -> Result<Value, Raise> {
    alloc_wrapper(arena, WRAPPER_PROPERTY, getter, setter)
}

fn alloc_wrapper(arena: &mut Arena, which: u64, f: Value, setter: Value) -> Result<Value, Raise> {
    let mark = arena.roots.temps.len();
    arena.roots.temps.extend([f, setter]);
    let addr = arena.alloc(Kind::MethodWrapper, WRAPPER_WORDS);
    arena.roots.temps.truncate(mark);
    let w = Value(addr?);
    set_field(w, WRAPPER_FUNCTION, f.0);
    set_field(w, WRAPPER_WHICH, which);
    set_field(w, WRAPPER_SETTER, setter.0);
    Ok(w)
}

fn is_wrapper(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::MethodWrapper
}

/// A static or class method's function, and whether it is a class method
/// (None for anything else, a property included).
pub fn wrapper_parts(v: Value) -> Option<(Value, bool)> {
    (is_wrapper(v) && field(v, WRAPPER_WHICH) != WRAPPER_PROPERTY).then(|| {
        (
            Value(field(v, WRAPPER_FUNCTION)),
            field(v, WRAPPER_WHICH) == WRAPPER_CLASS,
        )
    })
}

/// A property's getter and setter (NULL: none).
pub fn property_parts(v: Value) -> Option<(Value, Value)> {
    (is_wrapper(v) && field(v, WRAPPER_WHICH) == WRAPPER_PROPERTY).then(|| {
        (
            Value(field(v, WRAPPER_FUNCTION)),
            Value(field(v, WRAPPER_SETTER)),
        )
    })
}

/// `repr` of a class: `<class '__main__.C'>`; the prelude's classes that
/// stand for `collections`' types (`__jd_collections_deque`) print as
/// CPython's (`<class 'collections.deque'>`).
pub fn type_repr(t: Value) -> String {
    match name(t).strip_prefix("__jd_collections_") {
        Some(n) => format!("<class 'collections.{n}'>"),
        None => format!("<class '__main__.{}'>", name(t)),
    }
}

/// `repr` of an instance without `__repr__`. CPython adds ` at 0x...`, an
/// address no two runs share; the language leaves it out.
pub fn instance_repr(o: Value) -> String {
    format!("<__main__.{} object>", name(type_of(o)))
}

/// Class names as `&'static str`, for the error messages that name types
/// (as every built-in type's name is). A program has finitely many.
pub fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(n) = names.get(s) {
        return n;
    }
    let n: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(n);
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse::DUNDERS;

    /// The names a dunder mask stands for, by their bits.
    fn names(mask: u32) -> Vec<&'static str> {
        (0..32)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| DUNDERS[i])
            .collect()
    }

    /// Each mask names exactly the dunders its runtime users mean (the
    /// bits are positions in `DUNDERS`, which a new dunder could shift).
    #[test]
    fn dunder_masks_name_their_dunders() {
        assert_eq!(names(D_REPR), ["__repr__"]);
        assert_eq!(names(D_STR), ["__str__"]);
        assert_eq!(names(D_EQ), ["__eq__"]);
        assert_eq!(
            names(D_CMP),
            ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"]
        );
        assert_eq!(
            names(D_ARITH),
            [
                "__add__",
                "__sub__",
                "__mul__",
                "__radd__",
                "__rsub__",
                "__rmul__",
                "__truediv__",
                "__rtruediv__",
                "__floordiv__",
                "__rfloordiv__",
                "__mod__",
                "__rmod__"
            ]
        );
        assert_eq!(names(D_LEN), ["__len__"]);
        assert_eq!(names(D_GETITEM), ["__getitem__"]);
        assert_eq!(names(D_ITER), ["__iter__"]);
        assert_eq!(names(D_NEXT), ["__next__"]);
        assert!(DUNDERS.len() < 32 && D_UNHASHABLE >> DUNDERS.len() != 0);
    }
}
