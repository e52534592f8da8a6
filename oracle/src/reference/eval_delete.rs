//! `del` statements, written from CPython 3.11's compiler and `ceval.c`
//! (`DELETE_FAST`, `DELETE_DEREF`, `DELETE_GLOBAL`/`DELETE_NAME`,
//! `DELETE_ATTR`, `DELETE_SUBSCR`) and `PyObject_DelItem`; the VM has its
//! own copy (`vm/src/runtime/delete.rs`, `vm/src/tier1/classes.rs`).
//!
//! Targets are deleted left to right, each evaluated when its turn comes.
//! A list or a dict deletes an item; another value raises the TypeError its
//! type's slots give: "doesn't support item deletion" when the type has
//! sequence methods and the key is an index, "does not" otherwise. What
//! CPython decides by slots the language does not model (arrays, classes,
//! modules, exceptions, `__slots__` members) poisons.

use jitdiff_vm::lang::outcome::Poison;

use super::super::classes::InstObj;
use super::super::resolve::{Dest, Index, Slot};
use super::super::seq::{self, Heap, SliceArgs};
use super::super::value::Value;
use super::closures::load_cell;
use super::{Frame, Interp, Res, exception, poison, type_error};

impl<'p> Interp<'p> {
    /// `del dest`.
    pub(super) fn delete_dest(&mut self, dest: &'p Dest, frame: &mut Frame<'p>) -> Res<()> {
        match dest {
            Dest::Slot(slot) => self.delete_slot(*slot, frame),
            Dest::Unpack(inner) => inner.iter().try_for_each(|d| self.delete_dest(d, frame)),
            // Only a hand-built AST deletes `*x` (CPython's compiler refuses).
            Dest::Starred(_) => Err(poison(Poison::Unmodelled)),
            Dest::Attr(object, attr) => {
                let o = self.eval(object, frame)?;
                delete_attr(&o, attr)
            }
            Dest::Subscript(container, index) => {
                let c = self.eval(container, frame)?;
                match index {
                    Index::Item(i) => {
                        let i = self.eval(i, frame)?;
                        self.delete_item(&c, &i)
                    }
                    Index::Slice(parts) => {
                        let s = self.slice_args(parts, frame)?;
                        self.delete_slice(&c, &s)
                    }
                }
            }
        }
    }

    /// A variable: unbound, or the error reading it would raise (a
    /// global's is `DELETE_GLOBAL`'s NameError, which never looks at the
    /// builtins).
    fn delete_slot(&mut self, slot: Slot, frame: &mut Frame<'p>) -> Res<()> {
        match slot {
            Slot::Local(i) => {
                self.load(slot, frame)?;
                if let Some(v) = frame.slots.get_mut(i) {
                    *v = None;
                }
            }
            Slot::Cell(i) => {
                load_cell(frame, i)?;
                if let Some(c) = frame.cells.get(i) {
                    *c.borrow_mut() = None;
                }
            }
            Slot::Global(i) => match self.globals.get_mut(i) {
                Some(v @ Some(_)) => *v = None,
                _ => {
                    let name = self.prog.global_names.get(i).map_or("?", |n| n.as_str());
                    return Err(exception(
                        "NameError",
                        format!("name '{name}' is not defined"),
                    ));
                }
            },
        }
        Ok(())
    }

    fn delete_item(&mut self, c: &Value, i: &Value) -> Res<()> {
        if self.has_setitem(c)? {
            return Err(exception("AttributeError", "__delitem__".into()));
        }
        match c {
            Value::Arr(_) => Err(poison(Poison::Unmodelled)),
            Value::Dict(d) => self.dict_delete(d, i),
            Value::List(l) => {
                let idx = i.as_int().ok_or_else(|| {
                    type_error(format!(
                        "list indices must be integers or slices, not {}",
                        i.type_name()
                    ))
                })?;
                let idx = seq::ssize_index(&idx)?;
                let mut items = l.items.borrow_mut();
                let pos = seq::position(idx, items.len()).ok_or_else(|| {
                    exception("IndexError", "list assignment index out of range".into())
                })?;
                items.remove(pos);
                Ok(())
            }
            _ => match (has_sequence_methods(c)?, i.as_int()) {
                (true, Some(idx)) => {
                    // PyNumber_AsSsize_t's IndexError comes first.
                    seq::ssize_index(&idx)?;
                    Err(cannot_delete(c, true))
                }
                _ => Err(cannot_delete(c, false)),
            },
        }
    }

    /// A list loses the items the slice selects, costing its new length
    /// in bulk fuel (as a slice assignment does).
    fn delete_slice(&mut self, c: &Value, s: &SliceArgs) -> Res<()> {
        if self.has_setitem(c)? {
            return Err(exception("AttributeError", "__delitem__".into()));
        }
        match c {
            Value::Arr(_) => Err(poison(Poison::Unmodelled)),
            Value::Dict(_) => Err(type_error("unhashable type: 'slice'".into())),
            Value::List(l) => {
                let len = l.items.borrow().len();
                let sp = seq::span(s, len)?;
                let mut gone = vec![false; len];
                for p in sp.positions() {
                    gone[p] = true;
                }
                let mut items = l.items.borrow_mut();
                let mut k = 0;
                items.retain(|_| {
                    k += 1;
                    !gone[k - 1]
                });
                let left = items.len();
                drop(items);
                Heap::bulk(&mut self.heap, left);
                Ok(())
            }
            _ => {
                has_sequence_methods(c)?;
                Err(cannot_delete(c, false))
            }
        }
    }

    /// An instance whose class has `__setitem__`: CPython's slot deletes
    /// through `__delitem__`, which the language refuses to define.
    /// An instance of `collections`' classes (the prelude's) stands for a
    /// type that does delete: that poisons.
    fn has_setitem(&self, c: &Value) -> Res<bool> {
        if let Value::Instance(o) = c
            && o.class()
                .name
                .starts_with(jitdiff_vm::lang::parse::RESERVED_PREFIX)
        {
            return Err(poison(Poison::Unmodelled));
        }
        Ok(self.dunder(c, "__setitem__")?.is_some())
    }
}

/// Whether `c`'s type has sequence methods (`PySequence_DelItem` gives
/// "doesn't"), for the values that cannot delete an item; poison for the
/// values whose slots the language does not model.
fn has_sequence_methods(c: &Value) -> Res<bool> {
    Ok(match c {
        Value::Tuple(_)
        | Value::Str(_)
        | Value::Range(_)
        | Value::View(_)
        | Value::Set(_)
        | Value::Instance(_) => true,
        Value::Int(_)
        | Value::Bool(_)
        | Value::Float(_)
        | Value::None
        | Value::Func(_)
        | Value::Method(_)
        | Value::Iter(_)
        | Value::Gen(_)
        | Value::Descr(_) => false,
        _ if c.type_name() == "builtin_function_or_method" => false,
        _ => return Err(poison(Poison::Unmodelled)),
    })
}

fn cannot_delete(c: &Value, index_key: bool) -> Box<super::Stop> {
    let verb = if index_key { "doesn't" } else { "does not" };
    type_error(format!(
        "'{}' object {verb} support item deletion",
        c.type_name()
    ))
}

/// `del o.attr`: an instance's own attribute (from its `__dict__`).
fn delete_attr(o: &Value, attr: &str) -> Res<()> {
    let Value::Instance(inst) = o else {
        return Err(poison(Poison::Unmodelled));
    };
    // The language's properties have no deleter.
    if super::super::classes::property_of(inst, attr).is_some() {
        return Err(super::super::classes::property_lacks(inst, attr, "deleter"));
    }
    if attr == "__class__" || slot_or_no_dict(inst, attr) {
        return Err(poison(Poison::Unmodelled));
    }
    inst.remove_attr(attr)
}

/// An exception instance, an instance without a `__dict__`, or a name a
/// class of its chain declares in `__slots__`.
fn slot_or_no_dict(inst: &InstObj, attr: &str) -> bool {
    let class = inst.class();
    class.exc_base.is_some()
        || !class.has_dict
        || class.chain().any(|c| {
            c.slots
                .as_ref()
                .is_some_and(|s| s.iter().any(|n| &**n == attr))
        })
}
