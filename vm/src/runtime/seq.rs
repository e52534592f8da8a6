//! Tuples and lists: their arena objects, iteration, element access,
//! comparison and `repr`. Operators, slicing, methods and the sequence
//! builtins are in [`super::seq_ops`].
//!
//! Layouts (see [`super::object`]): a tuple holds its items inline; a list
//! holds a pointer to a separate `ListItems` array it regrows, as CPython's
//! `ob_item`, so the specialized subscript stencils read `len` and the item
//! array at fixed offsets.
//!
//! Rooting: every function that allocates documents which of its inputs the
//! caller must keep rooted (on a frame's synced stack, in a rooted container
//! or in `roots.temps`). Values this module creates and holds across a
//! further allocation it roots itself in `roots.temps`.

use ibig::IBig;

use super::arena::Arena;
use super::int;
use super::object::{
    self, ITEMS_FIRST, Kind, LIST_ITEMS, LIST_LEN, RANGE_START, RANGE_STEP, SEQ_ITER_INDEX,
    SEQ_ITER_SEQ, TUPLE_ITEMS, TUPLE_LEN,
};
use super::value::Value;
use super::{Raise, float, pydict, range, type_name};
use crate::lang::Poison;
use crate::lang::limits::{BULK_FUEL_SHIFT, MAX_CONTAINER_NESTING, MAX_SEQUENCE_LEN};

pub fn is_list(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::List
}
pub fn is_tuple(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Tuple
}
/// A list or a tuple.
pub fn is_seq(v: Value) -> bool {
    v.is_ptr() && matches!(object::kind_of(v), Kind::List | Kind::Tuple)
}

/// Length of a list or tuple.
pub fn len(v: Value) -> usize {
    let off = if is_list(v) { LIST_LEN } else { TUPLE_LEN };
    // SAFETY: a live list or tuple.
    unsafe { object::read(v.0, off) as usize }
}

/// Item `i < len(v)` of a list or tuple.
pub fn get(v: Value, i: usize) -> Value {
    debug_assert!(i < len(v));
    // SAFETY: a live list or tuple and an index below its length.
    unsafe {
        if is_list(v) {
            Value(object::read(
                object::read(v.0, LIST_ITEMS),
                ITEMS_FIRST + 8 * i as u64,
            ))
        } else {
            Value(object::read(v.0, TUPLE_ITEMS + 8 * i as u64))
        }
    }
}

/// A snapshot of a list's or tuple's items (rooted only while the
/// container still holds them).
pub fn items(v: Value) -> Vec<Value> {
    (0..len(v)).map(|i| get(v, i)).collect()
}

/// Poisons a result longer than the language allows.
pub fn check_len(n: usize) -> Result<(), Raise> {
    if n > MAX_SEQUENCE_LEN {
        return Err(Raise::Poison(Poison::SequenceTooLong));
    }
    Ok(())
}

/// Bulk work: building `n` elements costs `n >> BULK_FUEL_SHIFT` fuel,
/// added to the run's count at its next fuel point.
pub fn charge(arena: &mut Arena, n: usize) {
    arena.bulk_fuel += (n >> BULK_FUEL_SHIFT) as u64;
}

/// Runs `f`, then drops whatever it rooted in `roots.temps`, on success
/// and on error alike.
pub fn rooted<T>(
    arena: &mut Arena,
    f: impl FnOnce(&mut Arena) -> Result<T, Raise>,
) -> Result<T, Raise> {
    let mark = arena.roots.temps.len();
    let r = f(arena);
    arena.roots.temps.truncate(mark);
    r
}

/// A new tuple of `items` (which the caller keeps rooted).
pub fn new_tuple(arena: &mut Arena, items: &[Value]) -> Result<Value, Raise> {
    check_len(items.len())?;
    let addr = arena.alloc(Kind::Tuple, 2 + items.len())?;
    // SAFETY: a freshly allocated tuple of this length.
    unsafe {
        object::write(addr, TUPLE_LEN, items.len() as u64);
        for (i, v) in items.iter().enumerate() {
            object::write(addr, TUPLE_ITEMS + 8 * i as u64, v.0);
        }
    }
    Ok(Value(addr))
}

/// A new list of `items` (which the caller keeps rooted).
pub fn new_list(arena: &mut Arena, items: &[Value]) -> Result<Value, Raise> {
    check_len(items.len())?;
    let addr = arena.alloc(Kind::List, 3)?;
    let list = Value(addr);
    rooted(arena, |arena| {
        arena.roots.temps.push(list);
        set_items(arena, list, items)?;
        Ok(list)
    })
}

/// The capacity of a list's item array.
fn capacity(list: Value) -> usize {
    // SAFETY: a live list; its items pointer is 0 or a live ListItems.
    unsafe {
        let items = object::read(list.0, LIST_ITEMS);
        if items == 0 {
            0
        } else {
            object::header_words(object::read(items, 0)) - 1
        }
    }
}

/// Makes room for `want` items (the list rooted by the caller), keeping
/// its current items.
fn reserve(arena: &mut Arena, list: Value, want: usize) -> Result<(), Raise> {
    check_len(want)?;
    if want <= capacity(list) {
        return Ok(());
    }
    // CPython's growth pattern is not observable; doubling keeps appends
    // amortized O(1).
    let cap = want.max(4).max(capacity(list) * 2).min(MAX_SEQUENCE_LEN);
    let fresh = arena.alloc(Kind::ListItems, 1 + cap)?;
    let n = len(list);
    // SAFETY: `fresh` has `cap >= n` slots; the old array has `n` items.
    unsafe {
        let old = object::read(list.0, LIST_ITEMS);
        for i in 0..n as u64 {
            object::write(
                fresh,
                ITEMS_FIRST + 8 * i,
                object::read(old, ITEMS_FIRST + 8 * i),
            );
        }
        object::write(list.0, LIST_ITEMS, fresh);
    }
    Ok(())
}

/// Replaces a list's contents with `items` (both rooted by the caller).
pub fn set_items(arena: &mut Arena, list: Value, items: &[Value]) -> Result<(), Raise> {
    check_len(items.len())?;
    reserve(arena, list, items.len())?;
    let old = len(list);
    // SAFETY: the array has room for `items.len()` (reserved above).
    unsafe {
        let arr = object::read(list.0, LIST_ITEMS);
        for (i, v) in items.iter().enumerate() {
            object::write(arr, ITEMS_FIRST + 8 * i as u64, v.0);
        }
        // Slots past the length stay NULL: the collector skips them.
        for i in items.len()..old {
            object::write(arr, ITEMS_FIRST + 8 * i as u64, 0);
        }
        object::write(list.0, LIST_LEN, items.len() as u64);
    }
    Ok(())
}

/// `list.append(v)` (list and `v` rooted by the caller).
pub fn append(arena: &mut Arena, list: Value, v: Value) -> Result<(), Raise> {
    let n = len(list);
    reserve(arena, list, n + 1)?;
    // SAFETY: reserved room for one more item.
    unsafe {
        object::write(
            object::read(list.0, LIST_ITEMS),
            ITEMS_FIRST + 8 * n as u64,
            v.0,
        );
        object::write(list.0, LIST_LEN, n as u64 + 1);
    }
    Ok(())
}

/// `list[i] = v` for `i < len(list)`.
pub fn set(list: Value, i: usize, v: Value) {
    debug_assert!(i < len(list));
    // SAFETY: a live list and an index below its length.
    unsafe {
        object::write(
            object::read(list.0, LIST_ITEMS),
            ITEMS_FIRST + 8 * i as u64,
            v.0,
        )
    }
}

/// A list or tuple iterator over `seq` (rooted by the caller).
pub fn iter(arena: &mut Arena, seq: Value) -> Result<Value, Raise> {
    let kind = if is_list(seq) {
        Kind::ListIter
    } else {
        Kind::TupleIter
    };
    let addr = arena.alloc(kind, 3)?;
    // SAFETY: a freshly allocated iterator.
    unsafe { object::write(addr, SEQ_ITER_SEQ, seq.0) };
    Ok(Value(addr))
}

/// The list or tuple (or array) a sequence iterator walks.
pub fn iter_seq(it: Value) -> Value {
    // SAFETY: a live ListIter or TupleIter.
    Value(unsafe { object::read(it.0, SEQ_ITER_SEQ) })
}

pub fn is_seq_iter(v: Value) -> bool {
    v.is_ptr() && matches!(object::kind_of(v), Kind::ListIter | Kind::TupleIter)
}

/// The index of a sequence iterator that ran out: past any length, so it
/// stays exhausted when its list grows (CPython's `listiter_next` drops
/// the list), and every exhaustion check (`index >= len`, in the stencils
/// too) still holds.
pub const SEQ_ITER_EXHAUSTED: u64 = i64::MAX as u64;

/// The next item of a list or tuple iterator. A list iterator reads the
/// list's current length each time, so appends during the loop are seen;
/// once a step found none it stays exhausted.
pub fn iter_next(it: Value) -> Option<Value> {
    // SAFETY: a live ListIter or TupleIter.
    unsafe {
        let seq = Value(object::read(it.0, SEQ_ITER_SEQ));
        let i = object::read(it.0, SEQ_ITER_INDEX) as usize;
        if i >= len(seq) {
            object::write(it.0, SEQ_ITER_INDEX, SEQ_ITER_EXHAUSTED);
            return None;
        }
        object::write(it.0, SEQ_ITER_INDEX, i as u64 + 1);
        Some(get(seq, i))
    }
}

/// The items of any iterable the language has (list, tuple, range), for
/// operations that consume a whole iterable. Range items are created here
/// and rooted in `roots.temps`: call it inside [`rooted`].
pub fn collect(arena: &mut Arena, v: Value) -> Result<Vec<Value>, Raise> {
    if is_seq(v) || super::array::is_array(v) {
        return Ok(items(v));
    }
    if super::strs::is_str(v) {
        return Ok(super::str_ops::chars(arena, v));
    }
    if pydict::is_dict(v) || pydict::is_view(v) {
        return super::pydict_ops::collect(arena, v);
    }
    if super::pyset::is_set(v) {
        super::pyset::check_ordered(v)?;
        return Ok(super::pyset::keys(v));
    }
    if v.is_ptr() && object::kind_of(v) == Kind::Range {
        let n = range::len(v);
        let n = usize::try_from(&n)
            .ok()
            .filter(|n| *n <= MAX_SEQUENCE_LEN)
            .ok_or(Raise::Poison(Poison::SequenceTooLong))?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let x = range_item(arena, v, i)?;
            arena.roots.temps.push(x);
            out.push(x);
        }
        return Ok(out);
    }
    // A user iterator is stepped by the VM, which never hands one here.
    if super::iters::is_iterator(v) && !super::class::is_instance(v) {
        return super::iters::drain(arena, v);
    }
    Err(not_iterable(v))
}

/// `TypeError: 'int' object is not iterable`.
pub fn not_iterable(v: Value) -> Raise {
    // Iterated by a builtin's or a method's own code: CPython would call
    // the instance's `__iter__` (or `__getitem__`) there.
    if super::class::has_dunder(v, super::class::D_ITER | super::class::D_GETITEM) {
        return Raise::Poison(Poison::Unmodelled);
    }
    Raise::type_error(format!("'{}' object is not iterable", type_name(v)))
}

/// Item `i` of a range (which the caller keeps rooted).
pub fn range_item(arena: &mut Arena, r: Value, i: usize) -> Result<Value, Raise> {
    // SAFETY: a live range.
    let (start, step) = unsafe {
        (
            int::to_ibig(Value(object::read(r.0, RANGE_START))),
            int::to_ibig(Value(object::read(r.0, RANGE_STEP))),
        )
    };
    int::from_ibig(arena, &(start + step * IBig::from(i)))
}

/// The comparison CPython makes by calling a user class's method, for
/// two values one of which is an instance whose class defines a rich
/// comparison: only the interpreter can run it (`Run::user_compare`), so
/// the element comparisons below take it as an argument. Callers that
/// cannot run Python pass [`unmodelled_user_compare`].
pub type UserCmp<'a> = dyn FnMut(crate::lang::CmpOp, Value, Value) -> Result<bool, Raise> + 'a;

/// The [`UserCmp`] of code that cannot call Python: it poisons.
pub fn unmodelled_user_compare(_: crate::lang::CmpOp, _: Value, _: Value) -> Result<bool, Raise> {
    Err(Raise::Poison(Poison::Unmodelled))
}

/// Whether comparing `a` with `b` runs a user class's method.
pub fn user_compared(a: Value, b: Value) -> bool {
    super::class::has_dunder(a, super::class::D_CMP)
        || super::class::has_dunder(b, super::class::D_CMP)
}

/// Element equality inside containers: identity first, as CPython's
/// `PyObject_RichCompareBool` callers do. Two NaNs poison: whether they are
/// the same object is outside the language.
pub fn item_eq(a: Value, b: Value, depth: usize) -> Result<bool, Raise> {
    item_eq_by(a, b, depth, &mut unmodelled_user_compare)
}

/// [`item_eq`], an instance's `__eq__` run by `user`.
pub fn item_eq_by(a: Value, b: Value, depth: usize, user: &mut UserCmp) -> Result<bool, Raise> {
    if float::is_float(a)
        && float::is_float(b)
        && float::value(a).is_nan()
        && float::value(b).is_nan()
    {
        return Err(Raise::Poison(Poison::Identity));
    }
    if a == b {
        return Ok(true);
    }
    if user_compared(a, b) {
        return user(crate::lang::CmpOp::Eq, a, b);
    }
    eq_by(a, b, depth, user)
}

/// Python `==` for any two values, recursing into lists and tuples.
/// `depth` counts the containers around `a` and `b` (0 at the top): a
/// pair of containers deeper than the language allows poisons.
pub fn eq(a: Value, b: Value, depth: usize) -> Result<bool, Raise> {
    eq_by(a, b, depth, &mut unmodelled_user_compare)
}

/// [`eq`], instances' `__eq__` run by `user`.
pub fn eq_by(a: Value, b: Value, depth: usize, user: &mut UserCmp) -> Result<bool, Raise> {
    super::methods::check_bound_eq(a, b)?;
    if let Some(r) = super::pyset_ops::rich_compare(crate::lang::CmpOp::Eq, a, b) {
        return r;
    }
    if let Some(r) = super::pydict_ops::rich_compare(crate::lang::CmpOp::Eq, a, b, depth) {
        return r;
    }
    let same_kind = (is_list(a) && is_list(b)) || (is_tuple(a) && is_tuple(b));
    if !same_kind {
        return Ok(super::equal(a, b));
    }
    if depth >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    // Lists compare lengths first; tuples only after their common items
    // (so `(nan, 1) == (nan,)` meets the NaNs, as in CPython).
    if is_list(a) && len(a) != len(b) {
        return Ok(false);
    }
    // Lengths and items are re-read at every step, as CPython's: a user
    // `__eq__` may change either container.
    let mut i = 0;
    while i < len(a).min(len(b)) {
        if !item_eq_by(get(a, i), get(b, i), depth + 1, user)? {
            return Ok(false);
        }
        i += 1;
    }
    Ok(len(a) == len(b))
}

/// `<`, `<=`, `>`, `>=` (and `==`, `!=`) between two lists or two tuples:
/// the first unequal pair decides, else the lengths.
pub fn rich_compare(
    op: crate::lang::CmpOp,
    a: Value,
    b: Value,
    depth: usize,
) -> Result<bool, Raise> {
    rich_compare_by(op, a, b, depth, &mut unmodelled_user_compare)
}

/// [`rich_compare`], instances' comparisons run by `user`.
pub fn rich_compare_by(
    op: crate::lang::CmpOp,
    a: Value,
    b: Value,
    depth: usize,
    user: &mut UserCmp,
) -> Result<bool, Raise> {
    use crate::lang::CmpOp::*;
    if matches!(op, Eq | NotEq) {
        return Ok(eq_by(a, b, depth, user)? == (op == Eq));
    }
    if depth >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    let mut i = 0;
    while i < len(a) && i < len(b) && item_eq_by(get(a, i), get(b, i), depth + 1, user)? {
        i += 1;
    }
    // The pair that differs is read again, as CPython's `list_richcompare`
    // does: a user `__eq__` may have changed the lists.
    if i >= len(a) || i >= len(b) {
        return Ok(crate::tier1::cmp_holds(op, len(a).cmp(&len(b))));
    }
    compare_values_by(op, get(a, i), get(b, i), depth + 1, user)
}

/// A rich comparison of any two values (the generic COMPARE_OP), with
/// containers compared by [`rich_compare`].
pub fn compare_values(
    op: crate::lang::CmpOp,
    a: Value,
    b: Value,
    depth: usize,
) -> Result<bool, Raise> {
    compare_values_by(op, a, b, depth, &mut unmodelled_user_compare)
}

/// [`compare_values`], instances' comparisons run by `user`.
pub fn compare_values_by(
    op: crate::lang::CmpOp,
    a: Value,
    b: Value,
    depth: usize,
    user: &mut UserCmp,
) -> Result<bool, Raise> {
    if user_compared(a, b) {
        return user(op, a, b);
    }
    if let Some(r) = super::pydict_ops::rich_compare(op, a, b, depth) {
        return r;
    }
    let same_kind = (is_list(a) && is_list(b)) || (is_tuple(a) && is_tuple(b));
    if same_kind {
        return rich_compare_by(op, a, b, depth, user);
    }
    let r = crate::tier1::compare(op, a, b)?;
    Ok(r == Value::TRUE)
}

/// `x in container` for a list, tuple or range.
pub fn contains(container: Value, x: Value) -> Result<bool, Raise> {
    contains_by(container, x, &mut unmodelled_user_compare)
}

/// [`contains`], instances' `__eq__` run by `user` (item first, as
/// CPython's `list_contains`).
pub fn contains_by(container: Value, x: Value, user: &mut UserCmp) -> Result<bool, Raise> {
    if is_seq(container) {
        let mut i = 0;
        while i < len(container) {
            if item_eq_by(get(container, i), x, 1, user)? {
                return Ok(true);
            }
            i += 1;
        }
        return Ok(false);
    }
    if container.is_ptr() && object::kind_of(container) == Kind::Range {
        return Ok(range::contains(container, x));
    }
    if super::strs::is_str(container) {
        return super::str_ops::contains(container, x);
    }
    if pydict::is_dict(container) || pydict::is_view(container) {
        return super::pydict_ops::contains(container, x);
    }
    if super::pyset::is_set(container) {
        return super::pyset_ops::contains(container, x);
    }
    Err(Raise::type_error(format!(
        "argument of type '{}' is not iterable",
        type_name(container)
    )))
}

/// The containers a repr is inside (CPython's `Py_ReprEnter` list: meeting
/// one again prints `[...]`), and what it is for.
#[derive(Default)]
pub struct ReprStack {
    items: Vec<Value>,
    /// The globals dump (compared between the VM and the reference, never
    /// with CPython): a set whose CPython order varies between processes
    /// (it holds a str) shows its items sorted by their reprs, an order
    /// both can make, where a printed one poisons.
    pub canonical_sets: bool,
}

impl ReprStack {
    pub fn contains(&self, v: &Value) -> bool {
        self.items.contains(v)
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn push(&mut self, v: Value) {
        self.items.push(v)
    }
    pub fn pop(&mut self) {
        self.items.pop();
    }
}

/// Appends the repr of a list or tuple to `out`. `active` holds the
/// containers being printed (CPython's `Py_ReprEnter`): meeting one again
/// prints `[...]` or `(...)`.
pub fn repr_into(
    v: Value,
    item_repr: &dyn Fn(Value) -> String,
    active: &mut ReprStack,
    out: &mut String,
) -> Result<(), Raise> {
    let list = is_list(v);
    let (open, close) = if list { ("[", "]") } else { ("(", ")") };
    if active.contains(&v) {
        out.push_str(open);
        out.push_str("...");
        out.push_str(close);
        return Ok(());
    }
    if active.len() >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    active.push(v);
    out.push_str(open);
    let mut i = 0;
    while i < len(v) {
        if i > 0 {
            out.push_str(", ");
        }
        repr_item(get(v, i), item_repr, active, out)?;
        i += 1;
    }
    if !list && len(v) == 1 {
        out.push(',');
    }
    out.push_str(close);
    active.pop();
    Ok(())
}

/// Appends the repr of a container's item: containers recurse (sharing
/// `active`), everything else is `item_repr`.
pub fn repr_item(
    x: Value,
    item_repr: &dyn Fn(Value) -> String,
    active: &mut ReprStack,
    out: &mut String,
) -> Result<(), Raise> {
    if is_seq(x) {
        repr_into(x, item_repr, active, out)
    } else if pydict::is_dict(x) || pydict::is_view(x) {
        super::pydict_ops::repr_into(x, item_repr, active, out)
    } else if super::pyset::is_set(x) {
        super::pyset_ops::repr_into(x, item_repr, active, out)
    } else {
        out.push_str(&item_repr(x));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_grow_and_keep_their_items_under_gc_stress() {
        let mut a = Arena::new();
        a.gc_stress = true;
        a.roots_ready = true;
        let list = new_list(&mut a, &[Value::small(1)]).unwrap();
        a.roots.fixed.push(list);
        for i in 2..100 {
            append(&mut a, list, Value::small(i)).unwrap();
        }
        assert_eq!(len(list), 99);
        assert_eq!(get(list, 98), Value::small(99));
        let t = new_tuple(&mut a, &[list, Value::NONE]).unwrap();
        assert_eq!(items(t), vec![list, Value::NONE]);
        assert!(a.heap_errors.is_empty(), "{:?}", a.heap_errors);
    }

    #[test]
    fn too_long_poisons() {
        assert_eq!(
            check_len(MAX_SEQUENCE_LEN + 1),
            Err(Raise::Poison(Poison::SequenceTooLong))
        );
        assert_eq!(check_len(MAX_SEQUENCE_LEN), Ok(()));
    }
}
