//! Set displays as CPython 3.11 compiles them: `BUILD_SET n`, except a
//! display of more than two constants, which CPython folds into a frozenset
//! constant merged into a new set (`BUILD_SET 0`, `LOAD_CONST`,
//! `SET_UPDATE 1`). The constant's table (so the set's order) is not the
//! one sequential adds make, and equal constants share one frozenset.

use super::*;

impl CodeBuilder<'_> {
    /// `{a, b, c}`: the items added in order (`BUILD_SET`). CPython 3.11
    /// compiles a display of more than two constants to a frozenset
    /// constant merged into a new set (`BUILD_SET 0`, `LOAD_CONST`,
    /// `SET_UPDATE`), whose table may differ from the one sequential adds
    /// make; the same shape here, the constant made by a flagged
    /// `BUILD_SET` (the items are literals: evaluating them has no effect).
    ///
    /// CPython also merges equal constants module-wide (equal as sets of
    /// typed values: `{1, 2, 3}` and `{3, 2, 1}`), so a later display
    /// equal to an earlier one gets the earlier one's frozenset, built
    /// from the earlier one's items.
    pub(super) fn set_display(&mut self, items: &[Expr]) {
        // `{*a, x}`: the items in a list first (`LIST_EXTEND` iterates what
        // tier 1 can: instances, generators), then into a new set in that
        // order; see `star_display`.
        if items.iter().any(|x| matches!(x, Expr::Starred(_))) {
            self.star_display(items, StarDisplay::Set);
            return;
        }
        let folded = self.constant_set_items(items, 3);
        let constant = folded.is_some();
        // Past CPython's STACK_USE_GUIDELINE (`starunpack_helper`'s `big`)
        // each item is added as it comes: an unhashable one raises before
        // the items after it are evaluated.
        if !constant && items.len() > super::call_ex::STACK_USE_GUIDELINE {
            self.emit(Op::BuildSet, 0);
            for x in items {
                self.expr(x);
                self.emit(Op::SetAdd, 1);
            }
            return;
        }
        let items = folded.unwrap_or_else(|| items.to_vec());
        for x in &items {
            self.expr(x);
        }
        if constant {
            self.emit(Op::BuildSet, items.len() as u32 | SET_CONSTANT);
            self.emit(Op::BuildSet, 0);
            self.emit(Op::Swap, 2);
            self.emit(Op::SetUpdate, 1);
        } else {
            self.emit(Op::BuildSet, items.len() as u32);
        }
    }
}

impl CodeBuilder<'_> {
    /// The items a display of at least `min_len` constants is built from
    /// (more than two for a display, any number as an iterable): its own,
    /// or those of an earlier display equal to it (CPython shares one
    /// frozenset); None for any other display.
    fn constant_set_items(&mut self, items: &[Expr], min_len: usize) -> Option<Vec<Expr>> {
        if !(items.len() >= min_len && items.iter().all(is_folded_constant)) {
            return None;
        }
        // CPython keys the constant by the set's members: an item equal to
        // an earlier one (`1.0` after `1`, `0.0` after `-0.0`) is not one.
        let mut seen: Vec<String> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for x in items {
            let eq = equality_key(x);
            if !seen.contains(&eq) {
                seen.push(eq);
                keys.push(constant_key(x));
            }
        }
        keys.sort();
        let key = keys.join(",");
        Some(match self.set_consts.as_deref_mut() {
            Some(t) => match t.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => first.clone(),
                None => {
                    t.push((key, items.to_vec()));
                    items.to_vec()
                }
            },
            None => items.to_vec(),
        })
    }

    /// A `for` loop's or a comprehension clause's iterable. CPython 3.11's
    /// AST optimizer (`fold_iter`) makes a set display of constants there
    /// (even one or two) the frozenset constant itself, iterated in its own
    /// order, where a display is merged into a new set whose order may
    /// differ.
    pub(super) fn iterable(&mut self, e: &Expr) {
        if let Expr::Set(items) = e
            && let Some(items) = self.constant_set_items(items, 1)
        {
            for x in &items {
                self.expr(x);
            }
            self.emit(Op::BuildSet, items.len() as u32 | SET_CONSTANT);
            return;
        }
        self.expr(e);
    }
}

/// Whether CPython 3.11's AST optimizer makes `e` a constant: literals,
/// signs of numbers and tuples of constants (the front end replaced
/// arithmetic it folds with its literal already: `fold.rs`).
fn is_folded_constant(e: &Expr) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None => true,
        Expr::UnaryOp {
            op: UnaryOp::Neg | UnaryOp::Pos,
            operand,
        } => matches!(**operand, Expr::Int(_) | Expr::Float(_)),
        Expr::Tuple(items) => items.iter().all(is_folded_constant),
        _ => false,
    }
}

/// A folded constant as text equal for constants Python's `==` finds
/// equal: a number by its exact value whatever its type (`1`, `1.0` and
/// `True`; `0.0` and `-0.0`), a tuple item by item.
fn equality_key(e: &Expr) -> String {
    let number = |negative: bool, digits: String| {
        if negative && digits != "0" {
            format!("n-{digits}")
        } else {
            format!("n{digits}")
        }
    };
    match e {
        Expr::Int(d) => number(false, d.clone()),
        Expr::Bool(b) => number(false, (*b as u8).to_string()),
        Expr::Float(bits) => {
            let x = f64::from_bits(*bits);
            if x.is_finite() && x.fract() == 0.0 {
                number(x < 0.0, format!("{:.0}", x.abs()))
            } else {
                format!("f{bits}")
            }
        }
        Expr::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => match &**operand {
            Expr::Int(d) => number(true, d.clone()),
            Expr::Float(bits) => equality_key(&Expr::Float((-f64::from_bits(*bits)).to_bits())),
            other => equality_key(other),
        },
        Expr::UnaryOp { operand, .. } => equality_key(operand),
        Expr::Tuple(items) => format!(
            "t({})",
            items.iter().map(equality_key).collect::<Vec<_>>().join(",")
        ),
        other => constant_key(other),
    }
}

/// CPython's `_PyCode_ConstantKey` of a folded constant, as text: the type
/// with the value (`1`, `1.0` and `True` differ; `-0.0` is not `0.0`).
fn constant_key(e: &Expr) -> String {
    match e {
        Expr::Int(d) => format!("i{d}"),
        Expr::Float(bits) => format!("f{bits}"),
        Expr::Str(s) => format!("s{s:?}"),
        Expr::Bool(b) => format!("b{b}"),
        Expr::None => "n".into(),
        Expr::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => match &**operand {
            Expr::Int(d) if d.trim_start_matches('0').is_empty() => "i0".into(),
            Expr::Int(d) => format!("i-{d}"),
            Expr::Float(bits) => format!("f{}", (-f64::from_bits(*bits)).to_bits()),
            other => constant_key(other),
        },
        Expr::UnaryOp { operand, .. } => constant_key(operand),
        Expr::Tuple(items) => format!(
            "t({})",
            items.iter().map(constant_key).collect::<Vec<_>>().join(",")
        ),
        _ => "?".into(),
    }
}
