//! What the language does with sets beyond storing them: displays,
//! `set()`, the operators, comparisons, `repr` and the methods, with
//! CPython 3.11's messages and its algorithms' result orders. The object
//! and its table are [`super::pyset`].
//!
//! Bulk fuel, as dicts: a display, `set(x)`, `copy()` and `| & - ^` charge
//! their result's length, the in-place operators the length after (as the
//! reference); `update` and the algebra methods charge in
//! `tier1::set_algebra`.
//!
//! Inputs are rooted by the caller; values created here and held across a
//! further allocation are rooted in `roots.temps` inside [`seq::rooted`].

use super::arena::Arena;
use super::pydict::{self, Which};
use super::pyset::{self, is_set};
use super::seq::{self, charge, rooted};
use super::value::Value;
use super::{Raise, type_name};
use crate::lang::Poison;
use crate::lang::ast::{BinOp, CmpOp};
use crate::lang::limits::MAX_CONTAINER_NESTING;

/// `BUILD_SET`, `SET_ADD`, `SET_UPDATE` and `MAP_ADD` on their stack
/// inputs (bottom first): the outputs, bottom first (see tier 1's
/// `stack_op`, which every tier runs them through).
pub fn stack_op(
    arena: &mut Arena,
    op: crate::lang::bytecode::Op,
    arg: u32,
    ins: &[Value],
) -> Result<Vec<Value>, Raise> {
    use crate::lang::bytecode::{Op, SET_CONSTANT};
    // The container sits `arg` slots below the added item (or pair).
    let (below, added) =
        ins.split_at(
            ins.len()
                .saturating_sub(if op == Op::MapAdd { 2 } else { 1 }),
        );
    Ok(match (op, below.first(), added) {
        (Op::BuildSet, ..) if arg & SET_CONSTANT != 0 => vec![build_constant(arena, ins)?],
        (Op::BuildSet, ..) => vec![build(arena, ins)?],
        (Op::SetAdd, Some(s), [v]) => {
            pyset::add(arena, *s, *v)?;
            below.to_vec()
        }
        (Op::SetUpdate, Some(s), [v]) => {
            set_update(arena, *s, *v)?;
            below.to_vec()
        }
        (Op::MapAdd, Some(d), [k, v]) => {
            pydict::set(arena, *d, *k, *v)?;
            below.to_vec()
        }
        _ => {
            return Err(Raise::Internal(format!(
                "{op:?} {arg} on {} inputs",
                ins.len()
            )));
        }
    })
}

/// BUILD_SET: the items added one by one, in source order.
pub fn build(arena: &mut Arena, items: &[Value]) -> Result<Value, Raise> {
    seq::check_len(items.len())?;
    let s = rooted(arena, |arena| {
        let s = pyset::new(arena)?;
        arena.roots.temps.push(s);
        for x in items {
            pyset::add(arena, s, *x)?;
        }
        Ok(s)
    })?;
    charge(arena, pyset::len(s));
    Ok(s)
}

/// The frozenset CPython 3.11's compiler leaves for a display of more than
/// two constants: one built from the items in order, then (merging the
/// code's constants) a second built from the first's iteration order.
/// Charges nothing: the `SET_UPDATE` that merges it charges.
pub fn build_constant(arena: &mut Arena, items: &[Value]) -> Result<Value, Raise> {
    seq::check_len(items.len())?;
    rooted(arena, |arena| {
        let first = pyset::new(arena)?;
        arena.roots.temps.push(first);
        for x in items {
            pyset::add(arena, first, *x)?;
        }
        let second = pyset::new(arena)?;
        arena.roots.temps.push(second);
        for x in pyset::keys(first) {
            pyset::add(arena, second, x)?;
        }
        Ok(second)
    })
}

/// CPython's `set_update_internal`: a set merges, a dict is presized for
/// and adds its keys, anything else is iterated. Charges nothing.
pub fn update(arena: &mut Arena, s: Value, x: Value) -> Result<(), Raise> {
    if is_set(x) {
        return pyset::merge(arena, s, x);
    }
    rooted(arena, |arena| {
        if pydict::is_dict(x) {
            pyset::presize_for(arena, s, pydict::len(x))?;
            for (k, _) in pydict::items(x) {
                pyset::add(arena, s, k)?;
            }
            return Ok(());
        }
        let items = seq::collect(arena, x)?;
        for k in items {
            pyset::add(arena, s, k)?;
        }
        Ok(())
    })
}

/// `set()` and `set(iterable)`.
pub fn set_builtin(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [] => pyset::new(arena),
        [x] => {
            let s = rooted(arena, |arena| {
                let s = pyset::new(arena)?;
                arena.roots.temps.push(s);
                update(arena, s, *x)?;
                Ok(s)
            })?;
            charge(arena, pyset::len(s));
            Ok(s)
        }
        _ => Err(Raise::type_error(format!(
            "set expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

/// SET_UPDATE: `s |= x` for any iterable (what a constant display's
/// merge does); charged as `update`.
pub fn set_update(arena: &mut Arena, s: Value, x: Value) -> Result<(), Raise> {
    update(arena, s, x)?;
    charge(arena, pyset::len(s));
    Ok(())
}

/// The binary operators with a set operand: `| & - ^` between two sets
/// (in place for augmented assignment), CPython's TypeError otherwise.
pub fn binop(
    arena: &mut Arena,
    op: BinOp,
    inplace: bool,
    a: Value,
    b: Value,
) -> Result<Value, Raise> {
    let algebra = matches!(
        op,
        BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
    );
    if !(algebra && is_set(a) && is_set(b)) {
        return Err(Raise::unsupported_operands(op, inplace, a, b));
    }
    let out = if inplace {
        match op {
            BinOp::BitOr => pyset::merge(arena, a, b)?,
            BinOp::Sub => pyset::difference_update(arena, a, b)?,
            BinOp::BitXor => pyset::symmetric_difference_update(arena, a, b)?,
            // CPython's `set_intersection_update`: the intersection's table
            // becomes `a`'s.
            _ => rooted(arena, |arena| {
                let t = pyset::intersection(arena, a, b)?;
                arena.roots.temps.push(t);
                swap_bodies(a, t);
                Ok(())
            })?,
        }
        a
    } else {
        match op {
            BinOp::BitOr => rooted(arena, |arena| {
                let s = pyset::copy(arena, a)?;
                arena.roots.temps.push(s);
                pyset::merge(arena, s, b)?;
                Ok(s)
            })?,
            BinOp::BitAnd => pyset::intersection(arena, a, b)?,
            BinOp::Sub => pyset::difference(arena, a, b)?,
            _ => pyset::symmetric_difference(arena, a, b)?,
        }
    };
    charge(arena, pyset::len(out));
    Ok(out)
}

/// CPython's `set_swap_bodies` as `&=` and `intersection_update` use it:
/// `a` takes `t`'s table and counts (`t` is a temporary nobody else holds).
pub fn swap_bodies(a: Value, t: Value) {
    use super::object::{
        PYSET_FILL, PYSET_MASK, PYSET_TABLE, PYSET_UNORDERED, PYSET_USED, read, write,
    };
    for off in [
        PYSET_USED,
        PYSET_FILL,
        PYSET_MASK,
        PYSET_TABLE,
        PYSET_UNORDERED,
    ] {
        // SAFETY: two live sets.
        unsafe {
            let (x, y) = (read(a.0, off), read(t.0, off));
            write(a.0, off, y);
            write(t.0, off, x);
        }
    }
}

fn is_keys_view(v: Value) -> bool {
    pydict::is_view(v) && pydict::view_parts(v).1 == Which::Keys
}

/// Every element of set-like `a` is in set-like `b` (sets and keys views).
fn all_in(a: Value, b: Value) -> Result<bool, Raise> {
    let elems = if is_set(a) {
        pyset::keys(a)
    } else {
        pydict::items(pydict::view_parts(a).0)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    for k in elems {
        let found = if is_set(b) {
            pyset::contains(b, k)?
        } else {
            pydict::contains(pydict::view_parts(b).0, k)?
        };
        if !found {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `all_in(a, b)` when the sizes allow it (CPython checks sizes first).
fn subset_if(sizes_allow: bool, a: Value, b: Value) -> Result<bool, Raise> {
    if sizes_allow { all_in(a, b) } else { Ok(false) }
}

fn size(v: Value) -> usize {
    if is_set(v) {
        pyset::len(v)
    } else {
        pydict::len(pydict::view_parts(v).0)
    }
}

/// Comparisons where an operand is a set (`None` when neither is): sets
/// (and a set with a dict's keys view, as CPython's reflected view
/// comparison) compare as sets, `<`/`<=`/`>`/`>=` as subset tests;
/// anything else is unequal and unordered.
pub fn rich_compare(op: CmpOp, a: Value, b: Value) -> Option<Result<bool, Raise>> {
    if !is_set(a) && !is_set(b) {
        return None;
    }
    let set_like = |v: Value| is_set(v) || is_keys_view(v);
    if !(set_like(a) && set_like(b)) {
        // CPython compares a set with an items view as sets of pairs.
        if pydict::is_set_like_view(a) || pydict::is_set_like_view(b) {
            return Some(Err(Raise::Poison(Poison::Unmodelled)));
        }
        return Some(match op {
            CmpOp::Eq => Ok(false),
            CmpOp::NotEq => Ok(true),
            _ => Err(Raise::type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                type_name(a),
                type_name(b)
            ))),
        });
    }
    let (na, nb) = (size(a), size(b));
    Some(match op {
        CmpOp::Eq => subset_if(na == nb, a, b),
        CmpOp::NotEq => subset_if(na == nb, a, b).map(|x| !x),
        CmpOp::LtE => subset_if(na <= nb, a, b),
        CmpOp::Lt => subset_if(na < nb, a, b),
        CmpOp::GtE => subset_if(na >= nb, b, a),
        CmpOp::Gt => subset_if(na > nb, b, a),
        // Membership and identity have their own instructions.
        _ => Ok(false),
    })
}

/// Appends the repr of set `s` (`{1, 2}`, `set()`); poisons when the
/// order would show an irreproducible layout.
pub fn repr_into(
    s: Value,
    item_repr: &dyn Fn(Value) -> String,
    active: &mut seq::ReprStack,
    out: &mut String,
) -> Result<(), Raise> {
    if pyset::len(s) == 0 {
        out.push_str("set()");
        return Ok(());
    }
    let ordered = pyset::check_ordered(s);
    let canonical = ordered.is_err();
    if canonical && !active.canonical_sets {
        return ordered;
    }
    if active.len() >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    active.push(s);
    let mut items = Vec::with_capacity(pyset::len(s));
    for k in pyset::keys(s) {
        let mut text = String::new();
        seq::repr_item(k, item_repr, active, &mut text)?;
        items.push(text);
    }
    if canonical {
        items.sort_unstable();
    }
    out.push('{');
    out.push_str(&items.join(", "));
    out.push('}');
    active.pop();
    Ok(())
}

/// `x in s`: a set as the element is looked up as a frozenset, which no
/// set of the language holds.
pub fn contains(s: Value, x: Value) -> Result<bool, Raise> {
    if is_set(x) {
        return Ok(false);
    }
    pyset::contains(s, x)
}

/// KeyError's message for a missing element: its repr (a set too: CPython
/// looked it up as a frozenset but names the set it was given).
fn key_error(x: Value) -> Raise {
    match super::try_repr(x, &|_| String::new()) {
        Ok(text) => Raise::exc("KeyError", text),
        Err(e) => e,
    }
}

fn exactly_one(name: &str, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [x] => Ok(*x),
        _ => Err(Raise::type_error(format!(
            "set.{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn no_arguments(name: &str, args: &[Value]) -> Result<(), Raise> {
    if args.is_empty() {
        return Ok(());
    }
    Err(Raise::type_error(format!(
        "set.{name}() takes no arguments ({} given)",
        args.len()
    )))
}

pub fn is_set_method(m: Value) -> bool {
    matches!(
        m,
        Value::METHOD_SET_ADD
            | Value::METHOD_SET_DISCARD
            | Value::METHOD_SET_REMOVE
            | Value::METHOD_SET_POP
            | Value::METHOD_SET_CLEAR
            | Value::METHOD_SET_COPY
    )
}

/// Calls set method `m` on `s` with `args` (all rooted by the caller).
pub fn call(arena: &mut Arena, m: Value, s: Value, args: &[Value]) -> Result<Value, Raise> {
    match m {
        Value::METHOD_SET_ADD => {
            let x = exactly_one("add", args)?;
            pyset::add(arena, s, x)?;
        }
        Value::METHOD_SET_DISCARD => {
            let x = exactly_one("discard", args)?;
            if !is_set(x) {
                pyset::discard(s, x)?;
            }
        }
        Value::METHOD_SET_REMOVE => {
            let x = exactly_one("remove", args)?;
            if is_set(x) || !pyset::discard(s, x)? {
                return Err(key_error(x));
            }
        }
        Value::METHOD_SET_POP => {
            no_arguments("pop", args)?;
            return pyset::pop(s)?
                .ok_or_else(|| Raise::exc("KeyError", "'pop from an empty set'".into()));
        }
        Value::METHOD_SET_CLEAR => {
            no_arguments("clear", args)?;
            pyset::clear(arena, s)?;
        }
        Value::METHOD_SET_COPY => {
            no_arguments("copy", args)?;
            let c = pyset::copy(arena, s)?;
            charge(arena, pyset::len(c));
            return Ok(c);
        }
        other => {
            return Err(Raise::Internal(format!("{other:?} is not a set method")));
        }
    }
    Ok(Value::NONE)
}
