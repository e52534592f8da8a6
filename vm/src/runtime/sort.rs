//! `list.sort(reverse=...)` and `sorted(iterable, reverse=...)`, ordered by
//! `<` as CPython 3.11's `list.sort`.
//!
//! A list shorter than 64 items is sorted by CPython's own steps (one
//! natural run, then binary insertion), so the first comparison that
//! raises, the order NaNs leave and the list a failed sort leaves behind
//! are CPython's. Longer lists are sorted by a stable merge sort: for a
//! consistent order the result is the one stable result, and an order that
//! is not consistent (a NaN anywhere in an item, or a comparison that
//! raises, whose first pair depends on timsort's merge steps) poisons
//! ([`Poison::SortOrder`]), as does a user class's `__lt__` there (its
//! calls would show the merge's pairs).
//!
//! Comparisons that CPython makes by calling a user class's method (an
//! item is an instance whose class defines one) are run by the `user`
//! argument, which only the interpreter can provide
//! (`tier1::item_compare`).

use super::arena::Arena;
use super::seq::{self, UserCmp, charge, unmodelled_user_compare};
use super::value::Value;
use super::{Raise, float, int};
use crate::lang::limits::MAX_CONTAINER_NESTING;
use crate::lang::{CmpOp, Poison};

/// Below this length CPython's timsort is one binary insertion sort.
const MIN_MERGE: usize = 64;

/// The value of the `reverse=` keyword (NONE: absent), as CPython's
/// `bool(accept={int})` converter reads it.
pub fn reverse_flag(v: Value) -> Result<bool, Raise> {
    if v == Value::NONE || v == Value::NULL {
        return if v == Value::NULL {
            Ok(false)
        } else {
            Err(super::iters::cannot_interpret(v))
        };
    }
    if !int::is_int(v) {
        return Err(super::iters::cannot_interpret(v));
    }
    let i = int::to_ibig(v);
    if i > ibig::IBig::from(i32::MAX) || i < ibig::IBig::from(i32::MIN) {
        return Err(Raise::exc(
            "OverflowError",
            "Python int too large to convert to C int".into(),
        ));
    }
    Ok(i != ibig::IBig::from(0))
}

/// Sorts list `xs` in place. On an error the list keeps the order the
/// sort had reached (and, when `reverse`, is reversed back), as CPython.
pub fn sort_list(arena: &mut Arena, xs: Value, reverse: bool) -> Result<(), Raise> {
    let mut items = seq::items(xs);
    charge(arena, items.len());
    if reverse {
        items.reverse();
    }
    let r = sort_items(&mut items, |v| v, &mut unmodelled_user_compare);
    if reverse {
        items.reverse();
    }
    seq::set_items(arena, xs, &items)?;
    r
}

/// The items `sorted(x)` sorts (rooted in the arena's temps until the
/// caller truncates them): `list(x)`'s, but for a set of strs, whose
/// sorted order is the same from any starting order.
pub fn sorted_source(arena: &mut Arena, x: Value) -> Result<Vec<Value>, Raise> {
    let strs_of_set = super::pyset::is_set(x)
        .then(|| super::pyset::str_elements(x))
        .flatten();
    match strs_of_set {
        Some(items) => Ok(items),
        None => seq::collect(arena, x),
    }
}

/// Sorts `items` by their `key`s, comparing as `a < b` (a user class's
/// `__lt__` run by `user`). On an error the items stay as far as the sort
/// got.
pub fn sort_items<T: Copy>(
    items: &mut [T],
    key: fn(T) -> Value,
    user: &mut UserCmp,
) -> Result<(), Raise> {
    if items.len() < MIN_MERGE {
        let mut lt = |x: T, y: T| seq::compare_values_by(CmpOp::Lt, key(x), key(y), 0, user);
        return small_sort(items, &mut lt);
    }
    // The merge sort's comparisons are not timsort's: a user `__lt__`
    // would show which pairs were compared (its calls, its prints).
    let mut no_user = |_: CmpOp, _: Value, _: Value| Err(Raise::Poison(Poison::SortOrder));
    let mut lt = |x: T, y: T| seq::compare_values_by(CmpOp::Lt, key(x), key(y), 0, &mut no_user);
    if items.iter().any(|x| has_nan(key(*x), 0)) {
        return Err(Raise::Poison(Poison::SortOrder));
    }
    merge_sort(items, &mut lt).map_err(|e| match e {
        Raise::Exc { .. } => Raise::Poison(Poison::SortOrder),
        other => other,
    })
}

/// Sorts `items` by `keys` (one per item, computed by the caller, as
/// `sorted(..., key=f)` computes them all before comparing any), stably,
/// with `reverse` as CPython's (both reversed before and after).
pub fn sort_by_keys(
    items: &mut [Value],
    keys: &[Value],
    reverse: bool,
    user: &mut UserCmp,
) -> Result<(), Raise> {
    let mut pairs: Vec<(Value, Value)> = keys.iter().copied().zip(items.iter().copied()).collect();
    if reverse {
        pairs.reverse();
    }
    let r = sort_items(&mut pairs, |(k, _)| k, user);
    if reverse {
        pairs.reverse();
    }
    for (slot, (_, v)) in items.iter_mut().zip(pairs) {
        *slot = v;
    }
    r
}

/// Whether a NaN sits anywhere in `v` (through lists and tuples).
fn has_nan(v: Value, depth: usize) -> bool {
    if float::is_float(v) {
        return float::value(v).is_nan();
    }
    if seq::is_seq(v) && depth < MAX_CONTAINER_NESTING {
        return seq::items(v).into_iter().any(|x| has_nan(x, depth + 1));
    }
    false
}

/// CPython 3.11's `count_run` then `binarysort` over the whole slice
/// (`minrun` is the length itself below 64), comparing items by `lt`.
fn small_sort<T: Copy>(
    a: &mut [T],
    lt: &mut impl FnMut(T, T) -> Result<bool, Raise>,
) -> Result<(), Raise> {
    let n = a.len();
    if n < 2 {
        return Ok(());
    }
    // count_run: a strictly descending run is reversed in place.
    let mut run = 2;
    if lt(a[1], a[0])? {
        while run < n && lt(a[run], a[run - 1])? {
            run += 1;
        }
        a[..run].reverse();
    } else {
        while run < n && !lt(a[run], a[run - 1])? {
            run += 1;
        }
    }
    for start in run..n {
        let pivot = a[start];
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + ((r - l) >> 1);
            if lt(pivot, a[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        a.copy_within(l..start, l + 1);
        a[l] = pivot;
    }
    Ok(())
}

/// A stable bottom-up merge sort whose comparisons (`lt`) may fail.
fn merge_sort<T: Copy>(
    a: &mut [T],
    lt: &mut impl FnMut(T, T) -> Result<bool, Raise>,
) -> Result<(), Raise> {
    let n = a.len();
    let mut buf = a.to_vec();
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                // Take from the right only when strictly smaller (stable).
                if lt(a[j], a[i])? {
                    buf[k] = a[j];
                    j += 1;
                } else {
                    buf[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + mid - i].copy_from_slice(&a[i..mid]);
            k += mid - i;
            buf[k..k + hi - j].copy_from_slice(&a[j..hi]);
            lo = hi;
        }
        a.copy_from_slice(&buf);
        width *= 2;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(xs: &[i64]) -> Vec<Value> {
        xs.iter().map(|&x| Value::small(x)).collect()
    }

    #[test]
    fn small_and_merge_sorts_agree_on_ints() {
        let src: Vec<i64> = (0..200).map(|i| (i * 7919) % 113 - 50).collect();
        let mut want = src.clone();
        want.sort();
        let mut a = ints(&src);
        let mut lt = |x: Value, y: Value| Ok(x.small_value() < y.small_value());
        merge_sort(&mut a, &mut lt).unwrap();
        assert_eq!(a, ints(&want));
        let mut b = ints(&src[..40]);
        small_sort(&mut b, &mut lt).unwrap();
        let mut w = src[..40].to_vec();
        w.sort();
        assert_eq!(b, ints(&w));
    }

    #[test]
    fn reverse_flag_reads_ints() {
        assert_eq!(reverse_flag(Value::TRUE), Ok(true));
        assert_eq!(reverse_flag(Value::small(0)), Ok(false));
        assert_eq!(reverse_flag(Value::NULL), Ok(false));
        assert!(reverse_flag(Value::NONE).is_err());
    }
}
