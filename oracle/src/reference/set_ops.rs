//! What the language does with sets beyond the table: displays, `set()`,
//! the operators, comparisons, `repr` and the methods (see the parent
//! module for the rules).

use std::rc::Rc;

use jitdiff_vm::lang::ast::{BinOp, CmpOp};

use super::super::eval::{Res, Stop, poison, type_error};
use super::super::value::Value;
use super::{SetObj, Table};
use jitdiff_vm::lang::outcome::Poison;

pub fn new_set(t: Table) -> Rc<SetObj> {
    Rc::new(SetObj {
        data: std::cell::RefCell::new(t),
    })
}

/// `s.update(x)` / `set(x)`: a set merges, a dict is presized for and adds
/// its keys, anything else is iterated.
pub fn update_from(t: &mut Table, x: &Value) -> Res<()> {
    match x {
        Value::Set(o) => {
            let other = o.data.borrow().clone();
            t.merge(&other)
        }
        Value::Dict(d) => {
            let n = d.len();
            if (t.fill + n) * 5 >= t.mask() * 3 {
                t.rebuild((t.used + n) * 2);
            }
            for (k, _) in d.pairs() {
                t.add(k)?;
            }
            Ok(())
        }
        other => {
            for k in super::super::seq::collect(other, || super::super::seq::not_iterable(other))? {
                t.add(k)?;
            }
            Ok(())
        }
    }
}

/// A set display: elements added in order; more than two constants are
/// CPython 3.11's frozenset constant merged into a new set.
pub fn display(h: &mut super::super::seq::Heap, items: Vec<Value>, constant: bool) -> Res<Value> {
    let mut t = Table::default();
    if constant {
        // The compiler's frozenset, merged into a new set.
        t.merge(&frozen_table(items)?)?;
    } else {
        for x in items {
            t.add(x)?;
        }
    }
    h.bulk(t.len());
    Ok(Value::Set(new_set(t)))
}

/// The frozenset CPython 3.11's compiler makes of constant `items`: built
/// in order, then rebuilt from that one's order when the code's constants
/// are merged.
fn frozen_table(items: Vec<Value>) -> Res<Table> {
    let mut t = Table::default();
    for x in items {
        t.add(x)?;
    }
    let mut again = Table::default();
    for (k, h) in t.live() {
        again.add_hashed(k, h)?;
    }
    Ok(again)
}

/// A loop's iterable that CPython 3.11 folds into a frozenset constant
/// (`fold_iter`): that constant, iterated as it is.
pub fn frozen_constant(h: &mut super::super::seq::Heap, items: Vec<Value>) -> Res<Value> {
    let t = frozen_table(items)?;
    h.bulk(t.len());
    Ok(Value::Set(new_set(t)))
}

/// `set()` / `set(x)`.
pub fn make(h: &mut super::super::seq::Heap, args: &[Value]) -> Res<Value> {
    match args {
        [] => Ok(Value::Set(new_set(Table::default()))),
        [x] => {
            let mut t = Table::default();
            update_from(&mut t, x)?;
            h.bulk(t.len());
            Ok(Value::Set(new_set(t)))
        }
        _ => Err(type_error(format!(
            "set expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

/// `| & - ^` and their in-place forms with a set operand.
pub fn binop(
    h: &mut super::super::seq::Heap,
    op: BinOp,
    a: &Value,
    b: &Value,
    inplace: bool,
) -> Res<Value> {
    let (Value::Set(x), Value::Set(y)) = (a, b) else {
        return Err(super::super::eval::unsupported(op, a, b, inplace));
    };
    if !matches!(
        op,
        BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
    ) {
        return Err(super::super::eval::unsupported(op, a, b, inplace));
    }
    let same_set = Rc::ptr_eq(x, y);
    let other = y.data.borrow().clone();
    if inplace {
        let mut t = x.data.borrow_mut();
        match op {
            BinOp::BitOr if !same_set => t.merge(&other)?,
            BinOp::BitOr => {}
            BinOp::Sub if same_set => t.clear(),
            BinOp::Sub => t.difference_update(&other)?,
            BinOp::BitXor if same_set => t.clear(),
            BinOp::BitXor => t.symmetric_update(&other)?,
            _ if same_set => *t = t.copy()?,
            _ => {
                let r = Table::intersection(&t, &other)?;
                let finger = t.finger;
                *t = Table { finger, ..r };
            }
        }
        h.bulk(t.len());
        drop(t);
        return Ok(a.clone());
    }
    let mine = x.data.borrow().clone();
    let out = match op {
        BinOp::BitOr => {
            let mut c = mine.copy()?;
            if !same_set {
                c.merge(&other)?;
            }
            c
        }
        BinOp::BitAnd if same_set => mine.copy()?,
        BinOp::BitAnd => Table::intersection(&mine, &other)?,
        BinOp::Sub if same_set => {
            let mut c = mine.copy()?;
            c.clear();
            c
        }
        BinOp::Sub => Table::difference(&mine, &other)?,
        _ => {
            let mut c = other.copy()?;
            if same_set {
                c.clear();
            } else {
                c.symmetric_update(&mine)?;
            }
            c
        }
    };
    h.bulk(out.len());
    Ok(Value::Set(new_set(out)))
}

/// Comparisons where an operand is a set; `None` when neither is.
pub fn rich(op: CmpOp, a: &Value, b: &Value) -> Option<Res<bool>> {
    let table = |v: &Value| -> Option<Table> {
        match v {
            Value::Set(s) => Some(s.data.borrow().clone()),
            Value::View(w) if w.kind == super::super::dict::ViewKind::Keys => {
                let mut t = Table::default();
                for (k, _) in w.dict.pairs() {
                    t.add(k).ok()?;
                }
                Some(t)
            }
            _ => None,
        }
    };
    if !matches!(a, Value::Set(_)) && !matches!(b, Value::Set(_)) {
        return None;
    }
    let (Some(x), Some(y)) = (table(a), table(b)) else {
        // CPython compares a set with an items view as sets of pairs.
        let items_view = |v: &Value| matches!(v, Value::View(w) if w.kind == super::super::dict::ViewKind::Items);
        if items_view(a) || items_view(b) {
            return Some(Err(poison(Poison::Unmodelled)));
        }
        return Some(match op {
            CmpOp::Eq => Ok(false),
            CmpOp::NotEq => Ok(true),
            _ => Err(type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ))),
        });
    };
    let (nx, ny) = (x.len(), y.len());
    Some((|| {
        Ok(match op {
            CmpOp::Eq => nx == ny && x.within(&y)?,
            CmpOp::NotEq => !(nx == ny && x.within(&y)?),
            CmpOp::LtE => x.within(&y)?,
            CmpOp::Lt => nx < ny && x.within(&y)?,
            CmpOp::GtE => y.within(&x)?,
            CmpOp::Gt => ny < nx && y.within(&x)?,
            _ => false,
        })
    })())
}

pub(crate) fn one_arg<'a>(name: &str, args: &'a [Value]) -> Res<&'a Value> {
    match args {
        [x] => Ok(x),
        _ => Err(type_error(format!(
            "set.{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn no_args(name: &str, args: &[Value]) -> Res<()> {
    if args.is_empty() {
        return Ok(());
    }
    Err(type_error(format!(
        "set.{name}() takes no arguments ({} given)",
        args.len()
    )))
}

/// The KeyError of `remove`: the argument's repr (a set argument, looked
/// up as a frozenset, is still named as given).
fn missing(x: &Value) -> Res<Box<Stop>> {
    Ok(super::super::exceptions::key_error(x.clone()))
}

/// Calls set method `name` (`add`, `discard`, `remove`, `pop`, `clear`,
/// `copy`); `None` for any other name.
pub fn call(
    h: &mut super::super::seq::Heap,
    s: &Rc<SetObj>,
    name: &str,
    args: &[Value],
) -> Option<Res<Value>> {
    let r = (|| -> Res<Value> {
        match name {
            "add" => {
                let x = one_arg("add", args)?;
                s.data.borrow_mut().add(x.clone())?;
            }
            "discard" => {
                let x = one_arg("discard", args)?;
                s.data.borrow_mut().discard(x)?;
            }
            "remove" => {
                let x = one_arg("remove", args)?;
                if !s.data.borrow_mut().discard(x)? {
                    return Err(missing(x)?);
                }
            }
            "pop" => {
                no_args("pop", args)?;
                return s.data.borrow_mut().pop();
            }
            "clear" => {
                no_args("clear", args)?;
                s.data.borrow_mut().clear();
            }
            "copy" => {
                no_args("copy", args)?;
                let c = s.data.borrow().copy()?;
                h.bulk(c.len());
                return Ok(Value::Set(new_set(c)));
            }
            // `update` and the algebra: the evaluator's
            // (`eval_set_algebra.rs`), which steps generators.
            _ => return Err(type_error(format!("no set method {name} here"))),
        }
        Ok(Value::None)
    })();
    matches!(
        name,
        "add" | "discard" | "remove" | "pop" | "clear" | "copy"
    )
    .then_some(r)
}

/// Appends `{a, b}` or `set()`.
pub fn repr_elements(s: &SetObj) -> Res<Option<Vec<Value>>> {
    let t = s.data.borrow();
    if t.len() == 0 {
        return Ok(None);
    }
    t.ordered().map(Some)
}
