//! CPython 3.11's AST optimizer (`Python/ast_opt.c`), where the language
//! can see it: set displays.
//!
//! CPython folds constant subexpressions bottom-up before compiling:
//! `2 * 5` becomes the constant `10`, `(1, -2)` a constant tuple. That
//! alone is invisible, except through what it makes constant: a set
//! display of more than two constants is compiled to a frozenset constant
//! merged into a new set, and the iterable of a `for` loop or a
//! comprehension clause that is a display of constants (any number) is the
//! frozenset constant itself (`fold_iter`). Both have another table, so
//! another iteration order, than the items added one by one
//! (`compile_set.rs` and the reference's `resolve.rs` build them).
//!
//! So where every item of such a display folds, this pass replaces the
//! items with the literals CPython's optimizer makes of them
//! (`{2 * 5, 2, 18}` is `{10, 2, 18}`), and the compilers treat the
//! display as the constant one it is. Everywhere else nothing changes,
//! so the VM still runs the program's arithmetic.
//!
//! The folding is `fold_binop`, `fold_unaryop`, `fold_tuple` and
//! `fold_subscr` with their limits: `safe_multiply` (ints up to 128 bits
//! together, a sequence repeated to at most 256 items, 1024 nested, or
//! 4096 characters), `safe_power` and `safe_lshift` (128 bits), `safe_mod`
//! (never `str % x`); an operation that raises is left alone, as CPython
//! clears the error. The arithmetic is the runtime's where it is not
//! plain integer arithmetic (`float::arith`, `float::pow`,
//! `float::ibig_true_div`), so a folded value is the one the VM would
//! compute. A NaN result is not folded: it has no literal (CPython's
//! `hash(nan)` is an address in 3.11, so such a set's order poisons
//! anyway).

use ibig::{IBig, ops::UnsignedAbs};

use crate::lang::ast::{BinOp, Expr, Stmt, UnaryOp};
use crate::runtime::float;

/// `ast_opt.c`'s limits.
const MAX_INT_SIZE: usize = 128;
const MAX_COLLECTION_SIZE: i64 = 256;
const MAX_STR_SIZE: i64 = 4096;
const MAX_TOTAL_ITEMS: i64 = 1024;

/// A constant CPython's optimizer can make.
#[derive(Clone, Debug, PartialEq)]
enum Const {
    Int(IBig),
    Bool(bool),
    Float(f64),
    Str(String),
    Tuple(Vec<Const>),
    None,
}

impl Const {
    /// The value as an int, for an int or a bool.
    fn int(&self) -> Option<IBig> {
        match self {
            Const::Int(x) => Some(x.clone()),
            Const::Bool(b) => Some(IBig::from(*b as u8)),
            _ => None,
        }
    }

    /// The value as a float operand: an int converted (OverflowError past
    /// the largest float), or a float.
    fn float(&self) -> Option<f64> {
        match self {
            Const::Float(x) => Some(*x),
            _ => {
                let f = self.int()?.to_f64();
                f.is_finite().then_some(f)
            }
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Const::Int(x) => *x != IBig::from(0),
            Const::Bool(b) => *b,
            Const::Float(x) => *x != 0.0,
            Const::Str(s) => !s.is_empty(),
            Const::Tuple(t) => !t.is_empty(),
            Const::None => false,
        }
    }

    /// The literal the front end would make of the value.
    fn to_expr(&self) -> Option<Expr> {
        Some(match self {
            Const::Int(x) => {
                let lit = Expr::Int(x.unsigned_abs().to_string());
                if *x < IBig::from(0) {
                    Expr::UnaryOp {
                        op: UnaryOp::Neg,
                        operand: Box::new(lit),
                    }
                } else {
                    lit
                }
            }
            Const::Bool(b) => Expr::Bool(*b),
            Const::Float(x) if x.is_nan() => return None,
            Const::Float(x) => Expr::float(*x),
            Const::Str(s) => Expr::Str(s.clone()),
            Const::Tuple(items) => {
                Expr::Tuple(items.iter().map(Const::to_expr).collect::<Option<_>>()?)
            }
            Const::None => Expr::None,
        })
    }
}

/// Replaces the items of every set display CPython 3.11 makes a constant
/// with their folded literals (module comment).
pub fn fold_constant_sets(body: &mut [Stmt]) {
    for s in body.iter_mut() {
        // Reaches the statements nested in `s` too.
        s.for_each_expr_mut(&mut |e| fold_expr(e));
    }
    fold_loops(body);
}

/// The `for` iterables of `body` and of the blocks nested in it.
fn fold_loops(body: &mut [Stmt]) {
    for s in body.iter_mut() {
        if let Stmt::For { iter, .. } | Stmt::ForUnpack { iter, .. } = s {
            fold_iter(iter);
        }
        s.for_each_block_mut(&mut |b| {
            fold_loops(b);
            Ok::<(), ()>(())
        })
        .ok();
    }
}

fn fold_expr(e: &mut Expr) {
    e.for_each_child_mut(&mut fold_expr);
    match e {
        Expr::Set(items) if items.len() > 2 => fold_items(items),
        Expr::ListComp { generators, .. }
        | Expr::SetComp { generators, .. }
        | Expr::DictComp { generators, .. }
        | Expr::GeneratorExp { generators, .. } => {
            for g in generators {
                fold_iter(&mut g.iter);
            }
        }
        _ => {}
    }
}

/// `fold_iter`: a display of constants as an iterable, any length.
fn fold_iter(e: &mut Expr) {
    if let Expr::Set(items) = e {
        fold_items(items);
    }
}

/// The items' literals, if every item folds.
fn fold_items(items: &mut [Expr]) {
    let folded: Option<Vec<Expr>> = items
        .iter()
        .map(|x| constant(x).and_then(|c| c.to_expr()))
        .collect();
    if let Some(folded) = folded {
        for (x, f) in items.iter_mut().zip(folded) {
            *x = f;
        }
    }
}

/// What CPython's optimizer folds `e` to, if it folds.
fn constant(e: &Expr) -> Option<Const> {
    Some(match e {
        Expr::Int(d) => Const::Int(IBig::from_str_radix(d, 10).ok()?),
        Expr::Float(bits) => Const::Float(f64::from_bits(*bits)),
        Expr::Str(s) => Const::Str(s.clone()),
        Expr::Bool(b) => Const::Bool(*b),
        Expr::None => Const::None,
        Expr::Tuple(items) => Const::Tuple(items.iter().map(constant).collect::<Option<_>>()?),
        Expr::UnaryOp { op, operand } => unary(*op, constant(operand)?)?,
        Expr::BinOp { op, left, right } => binary(*op, constant(left)?, constant(right)?)?,
        Expr::Subscript { value, index } if !matches!(**index, Expr::Slice { .. }) => {
            subscript(constant(value)?, constant(index)?)?
        }
        _ => return None,
    })
}

fn unary(op: UnaryOp, a: Const) -> Option<Const> {
    if op == UnaryOp::Not {
        return Some(Const::Bool(!a.truthy()));
    }
    if let Const::Float(x) = a {
        return match op {
            UnaryOp::Neg => Some(Const::Float(-x)),
            UnaryOp::Pos => Some(Const::Float(x)),
            _ => None,
        };
    }
    let x = a.int()?;
    Some(Const::Int(match op {
        UnaryOp::Neg => -x,
        UnaryOp::Invert => -x - IBig::from(1),
        _ => x,
    }))
}

fn bits(x: &IBig) -> usize {
    x.unsigned_abs().bit_len()
}

fn binary(op: BinOp, a: Const, b: Const) -> Option<Const> {
    match (&a, &b) {
        (Const::Str(_) | Const::Tuple(_), _) | (_, Const::Str(_) | Const::Tuple(_)) => {
            sequence(op, a, b)
        }
        (Const::Float(_), _) | (_, Const::Float(_)) => {
            if op.is_bitwise() {
                return None;
            }
            float::arith(op, a.float()?, b.float()?)
                .ok()
                .map(Const::Float)
        }
        (Const::Bool(x), Const::Bool(y)) if op.is_bitwise_logic() => Some(Const::Bool(match op {
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            _ => x ^ y,
        })),
        _ => int_binary(op, a.int()?, b.int()?),
    }
}

/// Two ints (or bools), with `safe_multiply`'s, `safe_power`'s and
/// `safe_lshift`'s limits.
fn int_binary(op: BinOp, x: IBig, y: IBig) -> Option<Const> {
    let zero = IBig::from(0);
    Some(Const::Int(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => {
            if x != zero && y != zero && bits(&x) + bits(&y) > MAX_INT_SIZE {
                return None;
            }
            x * y
        }
        BinOp::Div => return float::ibig_true_div(&x, &y).ok().map(Const::Float),
        BinOp::FloorDiv | BinOp::Mod => {
            if y == zero {
                return None;
            }
            let (mut q, mut r) = (&x / &y, &x % &y);
            if r != zero && r.signum() != y.signum() {
                q -= IBig::from(1);
                r += &y;
            }
            if op == BinOp::FloorDiv { q } else { r }
        }
        BinOp::Pow => {
            if x != zero && y > zero {
                let w = usize::try_from(&y).ok()?;
                if bits(&x) > MAX_INT_SIZE / w {
                    return None;
                }
            }
            if y < zero {
                let p = float::pow(Const::Int(x).float()?, Const::Int(y).float()?);
                return p.ok().map(Const::Float);
            }
            match usize::try_from(&y) {
                Ok(e) => x.pow(e),
                // Only 0 gets here: any other base was refused above.
                Err(_) => zero,
            }
        }
        BinOp::LShift => {
            if y < zero {
                return None;
            }
            if x != zero && y != zero {
                let w = usize::try_from(&y).ok()?;
                if w > MAX_INT_SIZE || bits(&x) > MAX_INT_SIZE - w {
                    return None;
                }
                return Some(Const::Int(x << w));
            }
            x
        }
        BinOp::RShift => {
            if y < zero {
                return None;
            }
            match usize::try_from(&y) {
                Ok(w) if w < bits(&x) => x >> w,
                _ if x < zero => IBig::from(-1),
                _ => zero,
            }
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
    }))
}

/// A str or tuple operand: concatenation, and repetition within
/// `safe_multiply`'s limits; `str % x` is never folded (`safe_mod`).
fn sequence(op: BinOp, a: Const, b: Const) -> Option<Const> {
    match (op, a, b) {
        (BinOp::Add, Const::Str(x), Const::Str(y)) => Some(Const::Str(x + &y)),
        (BinOp::Add, Const::Tuple(mut x), Const::Tuple(y)) => {
            x.extend(y);
            Some(Const::Tuple(x))
        }
        (BinOp::Mul, n, s @ (Const::Str(_) | Const::Tuple(_)))
        | (BinOp::Mul, s @ (Const::Str(_) | Const::Tuple(_)), n) => repeat(s, n.int()?),
        _ => None,
    }
}

fn repeat(s: Const, n: IBig) -> Option<Const> {
    let size = match &s {
        Const::Str(x) => x.chars().count(),
        Const::Tuple(t) => t.len(),
        _ => return None,
    } as i64;
    // Past a C long (`PyLong_AsLong` fails) or a Py_ssize_t (the
    // repetition's OverflowError): not folded either way.
    let n = i64::try_from(&n).ok()?;
    if size > 0 {
        let max = match s {
            Const::Str(_) => MAX_STR_SIZE,
            _ => MAX_COLLECTION_SIZE,
        } / size;
        if n < 0 || n > max {
            return None;
        }
        if n > 0 && matches!(s, Const::Tuple(_)) && complexity(&s, MAX_TOTAL_ITEMS / n) < 0 {
            return None;
        }
    }
    // An empty one stays empty however large `n` is: never walk `n`.
    let n = if size == 0 { 0 } else { n.max(0) as usize };
    Some(match s {
        Const::Str(x) => Const::Str(x.repeat(n)),
        Const::Tuple(t) => {
            Const::Tuple(std::iter::repeat_n(t, n).flatten().collect::<Vec<Const>>())
        }
        _ => return None,
    })
}

/// `check_complexity`: `limit` less the items of the tuple and of the
/// tuples nested in it, stopping once negative.
fn complexity(c: &Const, mut limit: i64) -> i64 {
    if let Const::Tuple(t) = c {
        limit -= t.len() as i64;
        for item in t {
            if limit < 0 {
                break;
            }
            limit = complexity(item, limit);
        }
    }
    limit
}

/// `constant[index]` of a str or a tuple by an int (or bool) index.
fn subscript(value: Const, index: Const) -> Option<Const> {
    let i = i64::try_from(&index.int()?).ok()?;
    let at = |len: usize| -> Option<usize> {
        let j = if i < 0 { i + len as i64 } else { i };
        (0..len as i64).contains(&j).then_some(j as usize)
    };
    match value {
        Const::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Some(Const::Str(chars[at(chars.len())?].to_string()))
        }
        Const::Tuple(mut t) => {
            let j = at(t.len())?;
            Some(t.swap_remove(j))
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "fold_tests.rs"]
mod tests;
