//! Properties (`@property def x`, `@x.setter def x`): data descriptors,
//! so every load, store and `del` of an instance attribute looks for one on
//! the class before the instance's own attributes (`classes.rs` calls these
//! first). The specializer leaves a property's sites generic
//! (`attr_instr.rs`), so traces run the escaping `_LOAD_ATTR`/`_STORE_ATTR`
//! and the getter or setter runs in a nested dispatch.

use crate::runtime::{Raise, Value, class, type_name};

use super::Run;

impl Run<'_> {
    /// The property `name` of instance `obj`'s class, if it has one: a
    /// data descriptor, found before the instance's own attributes.
    pub(super) fn instance_property(&self, obj: Value, name: u32) -> Option<Value> {
        if !self.classes.has_properties {
            return None;
        }
        let (v, _) = class::lookup(class::type_of(obj), name)?;
        class::property_parts(v).map(|_| v)
    }

    /// Calls property `p`'s getter (or its setter with `value`) on `obj`,
    /// everything rooted for the call: the class may be rebound meanwhile.
    pub(super) fn call_property(
        &mut self,
        p: Value,
        obj: Value,
        value: Option<Value>,
    ) -> Result<Value, Raise> {
        let (getter, setter) =
            class::property_parts(p).ok_or_else(|| Raise::Internal("not a property".into()))?;
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.extend([p, obj]);
        let r = match value {
            None => self.call_any(getter, &[obj]),
            Some(v) => {
                self.arena.roots.temps.push(v);
                self.call_any(setter, &[obj, v])
            }
        };
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// CPython 3.11's AttributeError for a property without `what`
    /// (`setter` or `deleter`).
    pub(super) fn property_lacks(&self, obj: Value, name: u32, what: &str) -> Raise {
        Raise::exc(
            "AttributeError",
            format!(
                "property '{}' of '{}' object has no {what}",
                self.name(name),
                type_name(obj)
            ),
        )
    }
}
