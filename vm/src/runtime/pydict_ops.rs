//! What the language does with dicts beyond storing them: displays,
//! subscripts, `in`, `==`, `repr`, the views and the methods, with CPython
//! 3.11's messages. The object itself is [`super::pydict`].
//!
//! Inputs are rooted by the caller; values created here and held across a
//! further allocation are rooted in `roots.temps` inside [`seq::rooted`].

use super::arena::Arena;
use super::pydict::{self, Which, is_dict, is_view, view_parts};
use super::seq::{self, charge, rooted};
use super::value::Value;
use super::{Raise, type_name};
use crate::lang::Poison;
use crate::lang::ast::CmpOp;
use crate::lang::limits::MAX_CONTAINER_NESTING;

/// BUILD_MAP: `items` are key, value, key, value... in source order (on
/// the caller's stack). Later duplicates replace the value, keeping the
/// first key object.
/// Bulk fuel: displays, `dict(x)`, `copy()` and `|` charge their result's
/// length, `update` and `|=` the length after (as the reference).
pub fn build(arena: &mut Arena, items: &[Value]) -> Result<Value, Raise> {
    let n = items.len() / 2;
    seq::check_len(n)?;
    let d = rooted(arena, |arena| {
        let d = pydict::new_presized(arena, n)?;
        arena.roots.temps.push(d);
        for pair in items.chunks(2) {
            if let [k, v] = pair {
                pydict::set(arena, d, *k, *v)?;
            }
        }
        Ok(d)
    })?;
    charge(arena, pydict::len(d));
    Ok(d)
}

/// `a | b` for two dicts: a copy of `a` updated by `b`.
pub fn union(arena: &mut Arena, a: Value, b: Value) -> Result<Value, Raise> {
    let d = rooted(arena, |arena| {
        let d = pydict::copy(arena, a)?;
        arena.roots.temps.push(d);
        pydict::merge(arena, d, b)?;
        Ok(d)
    })?;
    charge(arena, pydict::len(d));
    Ok(d)
}

/// The `repr` of a key (KeyError's message is `repr(key)`): keys are
/// scalars and tuples, which never print function names.
/// A missing key's KeyError text: its repr, or
/// [`super::exceptions::UNSHOWN_KEY`] when only Python could make it.
pub fn key_repr(k: Value) -> String {
    super::try_repr(k, &|_| String::new())
        .unwrap_or_else(|_| super::exceptions::UNSHOWN_KEY.to_string())
}

/// `d[key]`: the value, or `KeyError: repr(key)`.
pub fn subscript(d: Value, key: Value) -> Result<Value, Raise> {
    pydict::get(d, key)?.ok_or_else(|| Raise::exc("KeyError", key_repr(key)))
}

/// The length of a dict or a view.
pub fn len(v: Value) -> usize {
    if is_view(v) {
        return pydict::len(view_parts(v).0);
    }
    pydict::len(v)
}

/// `x in d` for a dict or a view.
pub fn contains(c: Value, x: Value) -> Result<bool, Raise> {
    if is_dict(c) {
        return pydict::contains(c, x);
    }
    let (d, which) = view_parts(c);
    match which {
        Which::Keys => pydict::contains(d, x),
        // CPython looks the key up and compares the value.
        Which::Items => {
            if !(seq::is_tuple(x) && seq::len(x) == 2) {
                return Ok(false);
            }
            match pydict::get(d, seq::get(x, 0))? {
                Some(v) => seq::item_eq(v, seq::get(x, 1), 1),
                None => Ok(false),
            }
        }
        Which::Values => {
            let mut i = 0;
            while i < pydict::nentries(d) {
                let (k, v) = pydict::entry(d, i);
                if !k.is_null() && seq::item_eq(v, x, 1)? {
                    return Ok(true);
                }
                i += 1;
            }
            Ok(false)
        }
    }
}

/// The items a dict (its keys) or a view yields, for operations that
/// consume a whole iterable. Item tuples are rooted in `roots.temps`: call
/// it inside [`rooted`].
pub fn collect(arena: &mut Arena, v: Value) -> Result<Vec<Value>, Raise> {
    let (d, which) = if is_view(v) {
        view_parts(v)
    } else {
        (v, Which::Keys)
    };
    let mut out = Vec::with_capacity(pydict::len(d));
    for (k, val) in pydict::items(d) {
        let x = match which {
            Which::Keys => k,
            Which::Values => val,
            Which::Items => {
                let t = seq::new_tuple(arena, &[k, val])?;
                arena.roots.temps.push(t);
                t
            }
        };
        out.push(x);
    }
    Ok(out)
}

/// `a == b` between two dicts: as mappings, whatever their order.
pub fn dict_eq(a: Value, b: Value, depth: usize) -> Result<bool, Raise> {
    if pydict::len(a) != pydict::len(b) {
        return Ok(false);
    }
    if depth >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    for (k, va) in pydict::items(a) {
        match pydict::get(b, k)? {
            Some(vb) => {
                if !seq::item_eq(va, vb, depth + 1)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// `==` between two views: keys and items views compare as sets, values
/// views by identity (as CPython).
pub fn view_eq(a: Value, b: Value) -> Result<bool, Raise> {
    if a == b {
        return Ok(true);
    }
    let ((_, wa), (_, wb)) = (view_parts(a), view_parts(b));
    if wa == Which::Values || wb == Which::Values {
        return Ok(false);
    }
    if len(a) != len(b) {
        return Ok(false);
    }
    subset(a, b)
}

/// Every item of view `a` is in view `b` (both set-like).
fn subset(a: Value, b: Value) -> Result<bool, Raise> {
    let (d, which) = view_parts(a);
    for (k, v) in pydict::items(d) {
        let found = match which {
            Which::Items => match view_parts(b) {
                (e, Which::Items) => match pydict::get(e, k)? {
                    Some(w) => seq::item_eq(v, w, 1)?,
                    None => false,
                },
                // Is the pair `(k, v)` a key of `e`? Scanned, so that no
                // tuple is allocated.
                (e, _) => pair_is_key(e, k, v)?,
            },
            Which::Keys | Which::Values => contains(b, k)?,
        };
        if !found {
            return Ok(false);
        }
    }
    Ok(true)
}

fn pair_is_key(d: Value, k: Value, v: Value) -> Result<bool, Raise> {
    for (key, _) in pydict::items(d) {
        if seq::is_tuple(key)
            && seq::len(key) == 2
            && seq::item_eq(seq::get(key, 0), k, 1)?
            && seq::item_eq(seq::get(key, 1), v, 1)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Comparisons where an operand is a dict or a view (`None` when neither
/// is): `==`/`!=` as mappings or sets, ordering on set-like views as
/// subset tests, otherwise CPython's TypeError.
pub fn rich_compare(op: CmpOp, a: Value, b: Value, depth: usize) -> Option<Result<bool, Raise>> {
    let dicts = is_dict(a) && is_dict(b);
    let views = is_view(a) && is_view(b);
    if !(is_dict(a) || is_dict(b) || is_view(a) || is_view(b)) {
        return None;
    }
    // A view and a set compare as sets (whichever of the two this path
    // was asked first).
    if (is_view(a) && super::pyset::is_set(b)) || (super::pyset::is_set(a) && is_view(b)) {
        return super::pyset_ops::rich_compare(op, a, b);
    }
    let set_like = |v: Value| is_view(v) && view_parts(v).1 != Which::Values;
    Some(match op {
        CmpOp::Eq | CmpOp::NotEq => {
            let eq = if dicts {
                dict_eq(a, b, depth)
            } else if views {
                view_eq(a, b)
            } else {
                Ok(a == b)
            };
            eq.map(|e| e == (op == CmpOp::Eq))
        }
        CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE if set_like(a) && set_like(b) => {
            let (small, big) = if matches!(op, CmpOp::Lt | CmpOp::LtE) {
                (a, b)
            } else {
                (b, a)
            };
            let strict = matches!(op, CmpOp::Lt | CmpOp::Gt);
            if len(small) > len(big) || (strict && len(small) == len(big)) {
                Ok(false)
            } else {
                subset(small, big)
            }
        }
        _ => Err(Raise::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            type_name(a),
            type_name(b)
        ))),
    })
}

/// Appends the repr of a dict or a view to `out`; `active` holds the
/// containers being printed (a dict met again prints `{...}`).
pub fn repr_into(
    v: Value,
    item_repr: &dyn Fn(Value) -> String,
    active: &mut seq::ReprStack,
    out: &mut String,
) -> Result<(), Raise> {
    if is_view(v) {
        let (d, which) = view_parts(v);
        let name = type_name(v);
        if active.contains(&v) {
            out.push_str("...");
            return Ok(());
        }
        active.push(v);
        out.push_str(name);
        out.push_str("([");
        for (i, (k, val)) in pydict::items(d).into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match which {
                Which::Keys => seq::repr_item(k, item_repr, active, out)?,
                Which::Values => seq::repr_item(val, item_repr, active, out)?,
                Which::Items => {
                    out.push('(');
                    seq::repr_item(k, item_repr, active, out)?;
                    out.push_str(", ");
                    seq::repr_item(val, item_repr, active, out)?;
                    out.push(')');
                }
            }
        }
        out.push_str("])");
        active.pop();
        return Ok(());
    }
    if active.contains(&v) {
        out.push_str("{...}");
        return Ok(());
    }
    if active.len() >= MAX_CONTAINER_NESTING {
        return Err(Raise::Poison(Poison::Recursion));
    }
    active.push(v);
    out.push('{');
    // Re-read each step: a repr never mutates, but stay within the table.
    let mut first = true;
    let mut i = 0;
    while i < pydict::nentries(v) {
        let (k, val) = pydict::entry(v, i);
        i += 1;
        if k.is_null() {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        seq::repr_item(k, item_repr, active, out)?;
        out.push_str(": ");
        seq::repr_item(val, item_repr, active, out)?;
    }
    out.push('}');
    active.pop();
    Ok(())
}

/// `dict()` and `dict(x)` (a dict, a view of items, or pairs).
pub fn dict_builtin(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [] => pydict::new(arena),
        [x] => {
            let d = rooted(arena, |arena| {
                let d = pydict::new(arena)?;
                arena.roots.temps.push(d);
                update(arena, d, *x)?;
                Ok(d)
            })?;
            charge(arena, pydict::len(d));
            Ok(d)
        }
        _ => Err(Raise::type_error(format!(
            "dict expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

/// `d.update(x)`: a dict merges; any other iterable must yield pairs.
/// Charges nothing: callers charge as [`build`] says.
pub fn update(arena: &mut Arena, d: Value, x: Value) -> Result<(), Raise> {
    if is_dict(x) {
        return pydict::merge(arena, d, x);
    }
    rooted(arena, |arena| {
        let items = if is_dict(x) || is_view(x) {
            collect(arena, x)?
        } else {
            seq::collect(arena, x)?
        };
        for (n, item) in items.into_iter().enumerate() {
            let pair = if seq::is_seq(item) {
                seq::items(item)
            } else if super::strs::is_str(item) {
                super::str_ops::chars(arena, item)
            } else if is_dict(item) || is_view(item) {
                collect(arena, item)?
            } else if super::iters::is_iterator(item) && !super::class::is_instance(item) {
                seq::collect(arena, item)?
            } else if super::class::is_instance(item) {
                // CPython iterates it (`__iter__`): not modelled here, as
                // on the reference.
                return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
            } else {
                return Err(Raise::type_error(format!(
                    "cannot convert dictionary update sequence element #{n} to a sequence"
                )));
            };
            let [k, v] = pair[..] else {
                return Err(Raise::exc(
                    "ValueError",
                    format!(
                        "dictionary update sequence element #{n} has length {}; 2 is required",
                        pair.len()
                    ),
                ));
            };
            pydict::set(arena, d, k, v)?;
        }
        Ok(())
    })
}
