//! `set.update` and the set methods named after the algebra (`union`,
//! `intersection`, `difference`, `symmetric_difference`, their `_update`
//! forms, `issubset`, `issuperset`, `isdisjoint`), written from CPython 3.11's
//! `setobject.c`: a set argument takes the set-with-set algorithm of the
//! operators, a dict argument its own paths in `difference` and
//! `symmetric_difference_update` (and a presize in `union`), and any other
//! iterable is stepped item by item by the evaluator, so `issuperset` and
//! `isdisjoint` stop at the deciding item and `intersection` once its
//! result is as large as the set, and an unhashable item raises when it is
//! reached; `issubset` first makes a set of the iterable. Every intermediate set is an object of its own and
//! no borrow is held across a step, since a generator argument may change
//! the receiver between items.
//!
//! Bulk fuel (the VM charges the same): the items stepped from iterables,
//! plus a new set's length or an updated set's length after.

use std::rc::Rc;

use super::super::set::{SetObj, Table, new_set, one_arg, update_from};
use super::super::value::Value;
use super::{Interp, Res, type_error};

/// Whether `name` is one of these methods.
pub(in super::super) fn is_algebra(name: &str) -> bool {
    matches!(
        name,
        "update"
            | "union"
            | "intersection"
            | "difference"
            | "symmetric_difference"
            | "intersection_update"
            | "difference_update"
            | "symmetric_difference_update"
            | "issubset"
            | "issuperset"
            | "isdisjoint"
    )
}

/// `o` is the set `s` itself.
fn is_same(o: &Value, s: &Rc<SetObj>) -> bool {
    matches!(o, Value::Set(x) if Rc::ptr_eq(x, s))
}

fn copy_of(s: &Rc<SetObj>) -> Res<Rc<SetObj>> {
    let t = s.data.borrow().copy()?;
    Ok(new_set(t))
}

fn len_of(s: &Rc<SetObj>) -> usize {
    s.data.borrow().len()
}

impl Interp<'_> {
    /// Set method `name` (see [`is_algebra`]) on `s` with `args`.
    pub(super) fn set_algebra(&mut self, s: &Rc<SetObj>, name: &str, args: &[Value]) -> Res<Value> {
        let mut pulled = 0usize;
        let r = self.set_algebra_uncharged(s, name, args, &mut pulled)?;
        let size = match &r {
            Value::Set(out) => len_of(out),
            Value::None => len_of(s),
            _ => 0,
        };
        self.heap.bulk(pulled + size);
        Ok(r)
    }

    fn set_algebra_uncharged(
        &mut self,
        s: &Rc<SetObj>,
        name: &str,
        args: &[Value],
        pulled: &mut usize,
    ) -> Res<Value> {
        Ok(match name {
            "union" => {
                let out = copy_of(s)?;
                for o in args {
                    if !is_same(o, s) {
                        self.update_set(&out, o, pulled)?;
                    }
                }
                Value::Set(out)
            }
            "update" => {
                for o in args {
                    if !is_same(o, s) {
                        self.update_set(s, o, pulled)?;
                    }
                }
                Value::None
            }
            "intersection" => Value::Set(self.intersection_multi(s, args, pulled)?),
            "intersection_update" => {
                let t = self.intersection_multi(s, args, pulled)?;
                let t = t.data.borrow().clone();
                s.data.borrow_mut().take_body(t);
                Value::None
            }
            "difference" => match args.split_first() {
                None => Value::Set(copy_of(s)?),
                Some((first, rest)) => {
                    let out = self.difference_one(s, first, pulled)?;
                    for o in rest {
                        self.difference_update_one(&out, o, pulled)?;
                    }
                    Value::Set(out)
                }
            },
            "difference_update" => {
                for o in args {
                    self.difference_update_one(s, o, pulled)?;
                }
                Value::None
            }
            "symmetric_difference" => {
                let o = one_arg(name, args)?;
                let out = new_set(Table::default());
                self.update_set(&out, o, pulled)?;
                let mine = s.data.borrow().clone();
                out.data.borrow_mut().symmetric_update(&mine)?;
                Value::Set(out)
            }
            "symmetric_difference_update" => {
                let o = one_arg(name, args)?;
                self.symmetric_update_one(s, o, pulled)?;
                Value::None
            }
            "issubset" => {
                let o = one_arg(name, args)?;
                let other = match o {
                    Value::Set(other) => other.data.borrow().clone(),
                    // A set of the iterable first; `s` as it then is.
                    _ => {
                        let t = new_set(Table::default());
                        self.update_set(&t, o, pulled)?;
                        t.data.take()
                    }
                };
                Value::Bool(s.data.borrow().within(&other)?)
            }
            "issuperset" => {
                let o = one_arg(name, args)?;
                if let Value::Set(other) = o {
                    let mine = s.data.borrow().clone();
                    return Ok(Value::Bool(other.data.borrow().within(&mine)?));
                }
                let missing = self.any_item(o, pulled, |_, item| {
                    Ok(!s.data.borrow().contains_key(item)?)
                })?;
                Value::Bool(!missing)
            }
            "isdisjoint" => {
                let o = one_arg(name, args)?;
                if is_same(o, s) {
                    return Ok(Value::Bool(len_of(s) == 0));
                }
                if let Value::Set(other) = o {
                    let (a, b) = (s.data.borrow().clone(), other.data.borrow().clone());
                    let (big, small) = if b.len() > a.len() { (b, a) } else { (a, b) };
                    return Ok(Value::Bool(Table::intersection(&big, &small)?.len() == 0));
                }
                let common =
                    self.any_item(o, pulled, |_, item| s.data.borrow().contains_key(item))?;
                Value::Bool(!common)
            }
            _ => return Err(type_error(format!("set.{name}() is no algebra method"))),
        })
    }

    /// Steps iterable `o`, calling `f` on each item until it returns true
    /// or the items run out: whether it did. Items pulled count, and more
    /// than a list may hold poisons.
    fn any_item(
        &mut self,
        o: &Value,
        pulled: &mut usize,
        mut f: impl FnMut(&mut Self, &Value) -> Res<bool>,
    ) -> Res<bool> {
        let it = self.iter_any(o)?;
        let mut src = self.src_of(&it)?;
        while let Some(item) = self.step_src(&mut src)? {
            *pulled += 1;
            super::super::seq::check_len(*pulled as u128)?;
            if f(self, &item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// CPython's `set_update_internal` into `so`.
    fn update_set(&mut self, so: &Rc<SetObj>, o: &Value, pulled: &mut usize) -> Res<()> {
        if let Value::Set(_) | Value::Dict(_) = o {
            let mut t = so.data.borrow().clone();
            update_from(&mut t, o)?;
            *so.data.borrow_mut() = t;
            return Ok(());
        }
        self.any_item(o, pulled, |_, item| {
            so.data.borrow_mut().add(item.clone())?;
            Ok(false)
        })?;
        Ok(())
    }

    fn intersection_multi(
        &mut self,
        s: &Rc<SetObj>,
        args: &[Value],
        pulled: &mut usize,
    ) -> Res<Rc<SetObj>> {
        if args.is_empty() {
            return copy_of(s);
        }
        let mut result = s.clone();
        for o in args {
            result = self.intersection_one(&result, o, pulled)?;
        }
        Ok(result)
    }

    /// CPython's `set_intersection`: each item of an iterable also in
    /// `so`, in the iterable's order (the item itself is added).
    fn intersection_one(
        &mut self,
        so: &Rc<SetObj>,
        o: &Value,
        pulled: &mut usize,
    ) -> Res<Rc<SetObj>> {
        if let Value::Set(other) = o {
            if Rc::ptr_eq(other, so) {
                return copy_of(so);
            }
            let (a, b) = (so.data.borrow().clone(), other.data.borrow().clone());
            return Ok(new_set(Table::intersection(&a, &b)?));
        }
        let out = new_set(Table::default());
        self.any_item(o, pulled, |_, item| {
            if so.data.borrow().contains_key(item)? {
                out.data.borrow_mut().add(item.clone())?;
                // Full: CPython stops reading the iterable.
                return Ok(len_of(&out) >= len_of(so));
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// CPython's `set_difference` of `so` and one argument.
    fn difference_one(
        &mut self,
        so: &Rc<SetObj>,
        o: &Value,
        pulled: &mut usize,
    ) -> Res<Rc<SetObj>> {
        if let Value::Set(other) = o {
            let (a, b) = (so.data.borrow().clone(), other.data.borrow().clone());
            return Ok(new_set(Table::difference(&a, &b)?));
        }
        if let Value::Dict(d) = o
            && len_of(so) >> 2 <= d.len()
        {
            let mut out = Table::default();
            // `so` walked in slot order.
            for k in so.data.borrow().elements_any_order() {
                if !d.contains(&k)? {
                    out.add(k)?;
                }
            }
            return Ok(new_set(out));
        }
        let out = copy_of(so)?;
        self.difference_update_one(&out, o, pulled)?;
        Ok(out)
    }

    /// CPython's `set_difference_update_internal`.
    fn difference_update_one(&mut self, so: &Rc<SetObj>, o: &Value, pulled: &mut usize) -> Res<()> {
        if is_same(o, so) {
            so.data.borrow_mut().clear();
            return Ok(());
        }
        if let Value::Set(other) = o {
            let other = other.data.borrow().clone();
            return so.data.borrow_mut().difference_update(&other);
        }
        self.any_item(o, pulled, |_, item| {
            so.data.borrow_mut().discard_key(item)?;
            Ok(false)
        })?;
        so.data.borrow_mut().shrink_after_discards();
        Ok(())
    }

    /// CPython's `set_symmetric_difference_update`.
    fn symmetric_update_one(&mut self, so: &Rc<SetObj>, o: &Value, pulled: &mut usize) -> Res<()> {
        if is_same(o, so) {
            so.data.borrow_mut().clear();
            return Ok(());
        }
        if let Value::Dict(d) = o {
            let mut t = so.data.borrow_mut();
            for (k, _) in d.pairs() {
                if !t.discard_key(&k)? {
                    t.add(k)?;
                }
            }
            return Ok(());
        }
        let other = match o {
            Value::Set(other) => other.data.borrow().clone(),
            _ => {
                let t = new_set(Table::default());
                self.update_set(&t, o, pulled)?;
                t.data.take()
            }
        };
        so.data.borrow_mut().symmetric_update(&other)
    }
}
