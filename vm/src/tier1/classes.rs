//! Classes at run time: `BUILD_CLASS`, attribute loads and stores on
//! classes and instances, method lookup, `super()`, instantiation and
//! `__class__` assignment, with CPython 3.11's results and messages.
//!
//! Every tier reaches these through [`Run::class_stack_op`] (tier 1's
//! generic stack ops, tier 2's and the JIT's generic helper) and
//! [`Run::call_class_value`] (CALL of a class, of a bound user method, or of
//! a plain callable `LOAD_METHOD` found).
//!
//! Type versions: a class's version changes when the class or a base is
//! modified (an attribute stored on it, a new shared key laid out for its
//! instances). Everything a specialization or trace concludes from a
//! lookup through a class holds while its version does.

use crate::lang::Poison;
use crate::lang::bytecode::{AttrKind, Op, build_class_index, super_class, super_name};
use crate::runtime::class;
use crate::runtime::exceptions;
use crate::runtime::{Raise, Value, methods, pydict, strs, type_name};

use super::Run;

/// What the run knows about one class beyond its arena object.
#[derive(Debug, Default)]
pub(crate) struct TypeMeta {
    /// Shared keys: attribute name ids in value-slot order.
    pub keys: Vec<u32>,
    /// The only attribute names instances may have (every class of the
    /// MRO declares `__slots__`), or None.
    pub allowed: Option<Vec<u32>>,
    /// Every `__slots__` name declared along the MRO: CPython has a member
    /// descriptor for each on the class, which the language does not model.
    pub slot_names: Vec<u32>,
    /// The class's own `__slots__`, if it declares them.
    pub own_slots: Option<Vec<u32>>,
    /// Its instances are laid out unlike its base's (CPython's
    /// `compatible_with_tp_base` failing): it adds slots, or a `__dict__`
    /// the base lacks.
    pub adds_layout: bool,
    pub class: Value,
}

/// The run's classes.
#[derive(Debug, Default)]
pub(crate) struct Classes {
    pub metas: Vec<TypeMeta>,
    /// A class body made a property: instance attribute loads and stores
    /// look for one on the class first (without, they need not).
    pub has_properties: bool,
    /// The class each class statement made last (for `super()`).
    pub latest: std::collections::HashMap<usize, Value>,
    pub next_version: u64,
}

impl Classes {
    /// Whether `name` is a `__slots__` entry of class `t` or a base.
    pub fn is_slot(&self, t: Value, name: u32) -> bool {
        self.metas[class::meta(t)].slot_names.contains(&name)
    }
}

impl Run<'_> {
    /// The generic stack op for class work, or None when `op` is not about
    /// a class or an instance (the caller's own cases apply).
    pub(crate) fn class_stack_op(
        &mut self,
        op: Op,
        arg: u32,
        ins: &[Value],
    ) -> Option<Result<Vec<Value>, Raise>> {
        let classy = |v: Value| class::is_type(v) || class::is_instance(v);
        Some(match op {
            Op::BuildClass => self.build_class(arg, ins).map(|c| vec![c]),
            Op::StoreAttr => self.store_attr(ins[1], arg, ins[0]).map(|_| vec![]),
            Op::DeleteAttr => self.delete_attr(ins[0], arg).map(|_| vec![]),
            Op::LoadSuperAttr => self.load_super(arg, ins[0], false),
            Op::LoadSuperMethod => self.load_super(arg, ins[0], true),
            Op::LoadAttr if classy(ins[0]) => self.load_attr(ins[0], arg).map(|v| vec![v]),
            Op::LoadMethod if classy(ins[0]) => self.load_method(ins[0], arg),
            Op::BinarySubscr if class::is_type(ins[0]) => Err(Raise::type_error(format!(
                "type '{}' is not subscriptable",
                class::name(ins[0])
            ))),
            Op::LoadAttr if exceptions::is_exception(ins[0]) => {
                self.exception_attr(ins[0], arg).map(|v| vec![v])
            }
            Op::LoadAttr if self.name_is(arg, "__name__") => {
                self.other_name(ins[0]).map(|v| vec![v])
            }
            Op::LoadMethod if self.name_is(arg, "__name__") => self
                .other_name(ins[0])
                .map(|v| vec![Value::METHOD_CALL_RECEIVER, v]),
            Op::LoadAttr if self.name_is(arg, "__class__") => {
                builtin_class(ins[0]).map(|v| vec![v])
            }
            Op::LoadMethod if self.name_is(arg, "__class__") => {
                builtin_class(ins[0]).map(|v| vec![Value::METHOD_CALL_RECEIVER, v])
            }
            _ => return None,
        })
    }

    /// `x.__name__` of a function (its name without the qualifying
    /// prefix), a user method, a builtin, a math function or the module;
    /// anything else (but a class) has none.
    fn other_name(&mut self, v: Value) -> Result<Value, Raise> {
        let f = if methods::is_bound(v) && methods::bound_parts(v).1.is_ptr() {
            methods::bound_parts(v).1
        } else {
            v
        };
        let text: String = if is_function(f) {
            // SAFETY: a live Function.
            let id =
                unsafe { crate::runtime::object::read(f.0, crate::runtime::object::FUNCTION_NAME) };
            let q = self.name(id as u32);
            q.rsplit('.').next().unwrap_or(q).to_string()
        } else if let Some((n, _)) = crate::runtime::value::BUILTINS
            .iter()
            .find(|(_, b)| *b == v)
        {
            n.to_string()
        } else if methods::is_method(v) {
            // `set.add`, a method descriptor.
            methods::name_of(v).to_string()
        } else if methods::is_bound(v) && methods::is_method(methods::bound_parts(v).1) {
            // `{1}.add`, a builtin method bound to its receiver.
            methods::name_of(methods::bound_parts(v).1).to_string()
        } else if crate::runtime::math::is_function(v) {
            crate::runtime::math::name_of(v).to_string()
        } else if v == Value::MODULE_MATH {
            "math".to_string()
        } else if v == Value::MODULE_RANDOM {
            "random".to_string()
        } else if crate::runtime::random::is_function(v) {
            crate::runtime::random::name_of(v).to_string()
        } else if v == Value::MODULE_ARRAY || v == Value::ARRAY_ARRAY {
            "array".to_string()
        } else {
            return Err(Raise::exc(
                "AttributeError",
                format!("'{}' object has no attribute '__name__'", type_name(v)),
            ));
        };
        strs::new(self.arena, &text)
    }

    pub(super) fn name_is(&self, id: u32, name: &str) -> bool {
        self.program
            .names
            .get(id as usize)
            .is_some_and(|n| n == name)
    }

    pub(super) fn name(&self, id: u32) -> &str {
        self.program.names.get(id as usize).map_or("?", |n| n)
    }

    fn next_type_version(&mut self) -> u64 {
        self.classes.next_version += 1;
        self.classes.next_version
    }

    fn build_class(&mut self, arg: u32, ins: &[Value]) -> Result<Value, Raise> {
        let index = build_class_index(arg);
        let info = self
            .program
            .classes
            .get(index)
            .cloned()
            .ok_or_else(|| Raise::Internal(format!("BUILD_CLASS of unknown class {index}")))?;
        let (base, values) = ins.split_first().expect("BUILD_CLASS pops its base");
        // A built-in exception class as the base is not a class object of
        // ours: the class is a root one that remembers it (`TYPE_EXC`).
        let (base, exc) = match *base {
            b if exceptions::is_class(b) => (Value::NULL, b),
            b if class::is_type(b) => (b, class::exc_base(b)),
            Value::NULL => (Value::NULL, Value::NULL),
            _ => return Err(Raise::Poison(Poison::Unmodelled)),
        };
        if !exc.is_null() && info.slots.is_some() {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let ns = pydict::new(self.arena)?;
        self.arena.roots.temps.push(ns);
        let filled = self.fill_namespace(ns, &info.attrs, values);
        let name = filled.and_then(|_| strs::new(self.arena, &info.name));
        self.arena.roots.temps.pop();
        let name = name?;
        let base_meta = (!base.is_null()).then(|| &self.classes.metas[class::meta(base)]);
        // Instances are restricted to slots only when every class of the
        // MRO declares them (CPython: a class without `__slots__` adds a
        // `__dict__`).
        let (keys, allowed) = match (&info.slots, base_meta) {
            (Some(own), None) => (own.clone(), Some(own.clone())),
            (Some(own), Some(b)) if b.allowed.is_some() => {
                let mut keys = b.keys.clone();
                keys.extend(own.iter().filter(|n| !keys.contains(n)).collect::<Vec<_>>());
                (keys.clone(), Some(keys))
            }
            // An exception's `args` is its first value (see `class.rs`).
            _ if !exc.is_null() => (vec![self.args_name()?], None),
            _ => (vec![], None),
        };
        let mut slot_names = base_meta.map_or(vec![], |b| b.slot_names.clone());
        slot_names.extend(info.slots.iter().flatten());
        let base_dict = base_meta.is_some_and(|b| b.allowed.is_none());
        let adds_layout = match &info.slots {
            Some(own) => !own.is_empty(),
            None => !base_dict,
        };
        let version = self.next_type_version();
        let meta = self.classes.metas.len();
        let t = class::new_type(self.arena, version, (name, base, exc), ns, meta)?;
        self.arena.roots.fixed.push(t);
        self.classes.metas.push(TypeMeta {
            keys,
            allowed,
            slot_names,
            own_slots: info.slots.clone(),
            adds_layout,
            class: t,
        });
        self.classes.latest.insert(index, t);
        // CPython's `__hash__` slot: a `def __hash__` in the body, else
        // None if the body defines `__eq__`, else the base's.
        let in_body = |name: &str| {
            self.program
                .name_id(name)
                .is_some_and(|id| class::own_attr(t, id).is_some())
        };
        let (body_eq, body_hash) = (in_body("__eq__"), in_body("__hash__"));
        let base_kind = Some(base)
            .filter(|b| !b.is_null())
            .map_or(class::HashKind::Identity, class::hash_kind);
        let kind = match (body_hash, body_eq) {
            (true, _) => class::HashKind::User,
            (false, true) => class::HashKind::Unhashable,
            (false, false) => base_kind,
        };
        if kind == class::HashKind::User {
            class::set_user_hash(t);
        }
        self.refresh_dunder_bits(t, kind == class::HashKind::Unhashable);
        Ok(t)
    }

    /// The name id of `args` (the compiler interns it in programs with
    /// classes).
    fn args_name(&self) -> Result<u32, Raise> {
        self.program
            .name_id("args")
            .ok_or_else(|| Raise::Internal("no name id for `args`".into()))
    }

    fn fill_namespace(
        &mut self,
        ns: Value,
        attrs: &[(u32, AttrKind)],
        values: &[Value],
    ) -> Result<(), Raise> {
        for (&(name, kind), &v) in attrs.iter().zip(values) {
            let v = match kind {
                AttrKind::Value => v,
                AttrKind::StaticMethod => class::new_wrapper(self.arena, v, false)?,
                AttrKind::ClassMethod => class::new_wrapper(self.arena, v, true)?,
                AttrKind::Property => {
                    self.classes.has_properties = true;
                    class::new_property(self.arena, v, Value::NULL)?
                }
                AttrKind::Alias(source) => pydict::get(ns, Value::small(source as i64))
                    .ok()
                    .flatten()
                    .ok_or_else(|| Raise::Internal("an alias of an unbound name".into()))?,
                // CPython's `x.setter`: a copy of property `x` (bound just
                // before, the front end's rule) with this setter.
                AttrKind::PropertySetter => {
                    let getter = pydict::get(ns, Value::small(name as i64))
                        .ok()
                        .flatten()
                        .and_then(class::property_parts)
                        .map(|(getter, _)| getter)
                        .ok_or_else(|| Raise::Internal("a setter without its property".into()))?;
                    class::new_property(self.arena, getter, v)?
                }
            };
            // The dict may grow: a new wrapper is rooted only here.
            self.arena.roots.temps.push(v);
            let r = pydict::set(self.arena, ns, Value::small(name as i64), v);
            self.arena.roots.temps.pop();
            r?;
        }
        Ok(())
    }

    /// `obj.name` on a class or an instance.
    pub(crate) fn load_attr(&mut self, obj: Value, name: u32) -> Result<Value, Raise> {
        if class::is_instance(obj) {
            let t = class::type_of(obj);
            if self.name_is(name, "__class__") {
                return Ok(t);
            }
            if let Some(p) = self.instance_property(obj, name) {
                return self.call_property(p, obj, None);
            }
            if let Some(v) = self.instance_value(obj, name) {
                return Ok(v);
            }
            return match class::lookup(t, name) {
                Some((v, _)) => self.bind_found(v, obj, t),
                None if self.is_unset_stop_value(obj, name) => Ok(Value::NONE),
                None => Err(self.no_attribute(obj, name)),
            };
        }
        if self.name_is(name, "__name__") {
            return strs::new(self.arena, class::name(obj));
        }
        if self.name_is(name, "__class__") || self.is_slot(obj, name) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        match class::lookup(obj, name) {
            Some((v, _)) => self.bind_found_on_class(v, obj),
            None => Err(self.no_attribute(obj, name)),
        }
    }

    /// `obj.name(...)`'s LOAD_METHOD: `[method, self]`, or
    /// `[METHOD_CALL_RECEIVER, callable]` for a value called as it is.
    fn load_method(&mut self, obj: Value, name: u32) -> Result<Vec<Value>, Raise> {
        let plain = |v| Ok(vec![Value::METHOD_CALL_RECEIVER, v]);
        if class::is_instance(obj) {
            if self.name_is(name, "__class__") {
                return plain(class::type_of(obj));
            }
            if let Some(p) = self.instance_property(obj, name) {
                return plain(self.call_property(p, obj, None)?);
            }
            if let Some(v) = self.instance_value(obj, name) {
                return plain(v);
            }
            let t = class::type_of(obj);
            return match class::lookup(t, name) {
                Some((v, _)) => Ok(method_pair(v, obj, t)),
                None if self.is_unset_stop_value(obj, name) => plain(Value::NONE),
                None => Err(self.no_attribute(obj, name)),
            };
        }
        let v = self.load_attr(obj, name)?;
        plain(v)
    }

    /// A value found on an instance's class, as `instance.name` gives it.
    fn bind_found(&mut self, v: Value, obj: Value, t: Value) -> Result<Value, Raise> {
        if is_function(v) {
            return methods::new_bound(self.arena, obj, v);
        }
        match class::wrapper_parts(v) {
            Some((f, false)) => Ok(f),
            Some((f, true)) => methods::new_bound(self.arena, t, f),
            None => Ok(v),
        }
    }

    /// A value found on class `c` itself, as `c.name` gives it.
    fn bind_found_on_class(&mut self, v: Value, c: Value) -> Result<Value, Raise> {
        // The property object itself (`C.x.fget`, `type(C.x)`): unmodelled.
        if class::property_parts(v).is_some() {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        match class::wrapper_parts(v) {
            Some((f, false)) => Ok(f),
            Some((f, true)) => methods::new_bound(self.arena, c, f),
            None => Ok(v),
        }
    }

    /// Whether instance `obj` has its own attribute `name` (set, not
    /// deleted).
    pub(crate) fn instance_has(&self, obj: Value, name: u32) -> bool {
        self.instance_value(obj, name).is_some()
    }

    fn instance_value(&self, obj: Value, name: u32) -> Option<Value> {
        let meta = &self.classes.metas[class::meta(class::type_of(obj))];
        let i = meta.keys.iter().position(|k| *k == name)?;
        Some(class::value_at(obj, i)).filter(|v| !v.is_null())
    }

    fn is_slot(&self, t: Value, name: u32) -> bool {
        self.classes.is_slot(t, name)
    }

    /// `value` of an instance of a user StopIteration subclass that
    /// `StopIteration.__init__` never set: CPython's member reads its NULL
    /// as None.
    fn is_unset_stop_value(&self, obj: Value, name: u32) -> bool {
        class::is_exception_instance(obj)
            && exceptions::class_name(class::exc_base(class::type_of(obj))) == "StopIteration"
            && self.name_is(name, "value")
    }

    /// `StopIteration.__init__` (the default one of a user subclass, or
    /// reached through `super().__init__(...)`) sets `value` to the first
    /// argument, None without one; BaseException's other subclasses set
    /// nothing. A program that never names `value` cannot read it.
    fn init_stop_value(&mut self, o: Value, args: &[Value]) -> Result<(), Raise> {
        if exceptions::class_name(class::exc_base(class::type_of(o))) != "StopIteration" {
            return Ok(());
        }
        let Some(id) = self.program.name_id("value") else {
            return Ok(());
        };
        self.store_attr(o, id, args.first().copied().unwrap_or(Value::NONE))
    }

    fn no_attribute(&self, obj: Value, name: u32) -> Raise {
        let attr = self.name(name);
        let message = if class::is_type(obj) {
            format!(
                "type object '{}' has no attribute '{attr}'",
                class::name(obj)
            )
        } else {
            format!("'{}' object has no attribute '{attr}'", type_name(obj))
        };
        Raise::exc("AttributeError", message)
    }

    /// `obj.name = v`.
    fn store_attr(&mut self, obj: Value, name: u32, v: Value) -> Result<(), Raise> {
        if class::is_instance(obj) {
            if self.name_is(name, "__class__") {
                return self.set_class(obj, v);
            }
            if let Some(p) = self.instance_property(obj, name) {
                if class::property_parts(p).is_some_and(|(_, setter)| setter.is_null()) {
                    return Err(self.property_lacks(obj, name, "setter"));
                }
                return self.call_property(p, obj, Some(v)).map(|_| ());
            }
            let t = class::type_of(obj);
            let m = class::meta(t);
            let meta = &self.classes.metas[m];
            if meta.allowed.as_ref().is_some_and(|a| !a.contains(&name)) {
                // CPython finds the class attribute (a method, a constant)
                // first: it has no setter for instances.
                if class::lookup(t, name).is_some() {
                    return Err(Raise::exc(
                        "AttributeError",
                        format!(
                            "'{}' object attribute '{}' is read-only",
                            class::name(t),
                            self.name(name)
                        ),
                    ));
                }
                return Err(self.no_attribute(obj, name));
            }
            let i = match meta.keys.iter().position(|k| *k == name) {
                Some(i) => i,
                None => {
                    // A new layout for the class's instances: lookups that
                    // found `name` missing on instances no longer hold.
                    self.classes.metas[m].keys.push(name);
                    self.type_modified(t);
                    self.classes.metas[m].keys.len() - 1
                }
            };
            return class::set_value_at(self.arena, obj, i, v);
        }
        if class::is_type(obj) {
            if self.name_is(name, "__class__") || self.is_slot(obj, name) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            class::set_attr(self.arena, obj, name, v)?;
            self.type_modified(obj);
            return Ok(());
        }
        if obj.is_ptr()
            && matches!(
                crate::runtime::object::kind_of(obj),
                crate::runtime::object::Kind::Function
            )
            || obj == Value::MODULE_MATH
            || obj == Value::MODULE_ARRAY
            || obj == Value::MODULE_RANDOM
        {
            // CPython stores these (functions and modules have a __dict__).
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        if self.name_is(name, "__class__") {
            return Err(Raise::type_error(
                "__class__ assignment only supported for mutable types or ModuleType subclasses"
                    .into(),
            ));
        }
        let attr = self.name(name);
        let message = if methods::lookup(obj, attr).is_ok() {
            format!(
                "'{}' object attribute '{attr}' is read-only",
                type_name(obj)
            )
        } else {
            format!("'{}' object has no attribute '{attr}'", type_name(obj))
        };
        Err(Raise::exc("AttributeError", message))
    }

    /// `del obj.name`: an instance's own attribute, unbound in its inline
    /// values (a NULL there, as CPython 3.11's: the class's layout and
    /// version stay). CPython deletes from a class's namespace, a
    /// `__slots__` member or another object's attributes by rules the
    /// language does not model: those poison.
    fn delete_attr(&mut self, obj: Value, name: u32) -> Result<(), Raise> {
        // An exception's attributes include C members (`args`,
        // StopIteration's `value`) whose deletion the language leaves out,
        // as the reference does.
        if !class::is_instance(obj)
            || class::is_exception_instance(obj)
            || self.name_is(name, "__class__")
        {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        // The language's properties have no deleter.
        if self.instance_property(obj, name).is_some() {
            return Err(self.property_lacks(obj, name, "deleter"));
        }
        let meta = &self.classes.metas[class::meta(class::type_of(obj))];
        if meta.allowed.is_some() || meta.slot_names.contains(&name) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        match meta.keys.iter().position(|k| *k == name) {
            Some(i) if !class::value_at(obj, i).is_null() => {
                class::set_value_at(self.arena, obj, i, Value::NULL)
            }
            _ => Err(self.no_attribute(obj, name)),
        }
    }

    /// Class `t` or one of its bases changed: a new version for it and for
    /// every class deriving from it.
    fn type_modified(&mut self, t: Value) {
        let derived: Vec<Value> = self
            .classes
            .metas
            .iter()
            .map(|m| m.class)
            .filter(|c| class::is_subclass(*c, t))
            .collect();
        let planted = crate::planted::watcher_misses_subclasses(self.config.inject);
        for c in derived {
            let old = class::version(c);
            let v = self.next_type_version();
            class::set_version(c, v);
            self.refresh_dunder_bits(c, false);
            if !(planted && c != t) {
                self.type_version_retired(old);
            }
        }
    }

    /// `obj.__class__ = v` between classes of the same layout.
    fn set_class(&mut self, obj: Value, v: Value) -> Result<(), Raise> {
        if !class::is_type(v) {
            return Err(Raise::type_error(format!(
                "__class__ must be set to a class, not '{}' object",
                type_name(v)
            )));
        }
        let old = class::type_of(obj);
        if !class::exc_base(old).is_null() || !class::exc_base(v).is_null() {
            // BaseException's layout rules are not modelled.
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let om = class::meta(old);
        if !self.layout_compatible(old, v) {
            return Err(Raise::type_error(format!(
                "__class__ assignment: '{}' object layout differs from '{}'",
                class::name(v),
                class::name(old)
            )));
        }
        // Re-lay the attributes out in the new class's shared keys.
        let pairs: Vec<(u32, Value)> = self.classes.metas[om]
            .keys
            .iter()
            .zip(class::values(obj))
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| (*k, x))
            .collect();
        self.arena.roots.temps.extend(pairs.iter().map(|p| p.1));
        class::clear_values(obj);
        class::set_type(obj, v);
        // What a trace proved about this object's class no longer holds:
        // as CPython (gh-149239), the old class counts as modified.
        self.type_modified(old);
        let mut r = Ok(());
        for (name, x) in &pairs {
            r = self.store_attr(obj, *name, *x);
            if r.is_err() {
                break;
            }
        }
        let n = self.arena.roots.temps.len() - pairs.len();
        self.arena.roots.temps.truncate(n);
        r
    }

    /// CPython's `compatible_for_assignment`: the nearest classes of the two
    /// chains that change the layout are the same, or have the same base and
    /// add the same (a `__dict__` both, or the same slot names in any order).
    fn layout_compatible(&self, old: Value, new: Value) -> bool {
        let solid =
            |t: Value| class::mro(t).find(|c| self.classes.metas[class::meta(*c)].adds_layout);
        let (a, b) = match (solid(old), solid(new)) {
            (None, None) => return true,
            (Some(a), Some(b)) => (a, b),
            _ => return false,
        };
        if a == b {
            return true;
        }
        let sorted = |c: Value| {
            self.classes.metas[class::meta(c)]
                .own_slots
                .clone()
                .map(|mut s| {
                    s.sort_by_key(|id| self.program.names.get(*id as usize).cloned());
                    s
                })
        };
        class::base(a) == class::base(b) && sorted(a) == sorted(b)
    }

    /// `super().name` (`method`: as LOAD_METHOD's pair).
    fn load_super(&mut self, arg: u32, obj: Value, method: bool) -> Result<Vec<Value>, Raise> {
        let name = super_name(arg);
        let Some(&cls) = self.classes.latest.get(&super_class(arg)) else {
            return Err(Raise::Internal("super() before its class exists".into()));
        };
        if class::is_type(obj) {
            return self.load_super_of_class(name, cls, obj, method);
        }
        if !class::is_instance(obj) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let t = class::type_of(obj);
        match past_class(cls, t, name)? {
            Some((p, _)) if class::property_parts(p).is_some() => {
                let v = self.call_property(p, obj, None)?;
                Ok(if method {
                    vec![Value::METHOD_CALL_RECEIVER, v]
                } else {
                    vec![v]
                })
            }
            Some((v, _)) if method => Ok(method_pair(v, obj, t)),
            Some((v, _)) => self.bind_found(v, obj, t).map(|v| vec![v]),
            // `object.__init__` as a value is a method-wrapper, which the
            // language does not model; called, it is `OBJECT_INIT`.
            None if self.name_is(name, "__init__") && method && !class::exc_base(t).is_null() => {
                Ok(vec![Value::EXC_INIT, obj])
            }
            None if self.name_is(name, "__init__") && method => Ok(vec![Value::OBJECT_INIT, obj]),
            None if self.name_is(name, "__init__") => Err(Raise::Poison(Poison::Unmodelled)),
            // CPython's `object` (or built-in exception base) has it.
            None if crate::runtime::cpython_attrs::is_dunder(self.name(name)) => {
                Err(Raise::Poison(Poison::Unmodelled))
            }
            None => Err(Raise::exc(
                "AttributeError",
                format!("'super' object has no attribute '{}'", self.name(name)),
            )),
        }
    }

    /// `super().name` in a class method: `k` (its first parameter) seen
    /// from the base of `cls` (the class defining the method), a class
    /// method bound to `k`, as CPython's `super(cls, k)`.
    fn load_super_of_class(
        &mut self,
        name: u32,
        cls: Value,
        k: Value,
        method: bool,
    ) -> Result<Vec<Value>, Raise> {
        match past_class(cls, k, name)? {
            // A class method's function called with `k` first: one call,
            // as `super().m()` in a plain method.
            Some((v, _)) if method && class::property_parts(v).is_none() => {
                Ok(match class::wrapper_parts(v) {
                    Some((f, true)) => vec![f, k],
                    Some((f, false)) => vec![Value::METHOD_CALL_RECEIVER, f],
                    None => vec![Value::METHOD_CALL_RECEIVER, v],
                })
            }
            Some((v, _)) => self.bind_found_on_class(v, k).map(|v| {
                if method {
                    vec![Value::METHOD_CALL_RECEIVER, v]
                } else {
                    vec![v]
                }
            }),
            // `object`'s attributes (`__init__`, `__new__`, `mro`...).
            None if self.name_is(name, "__init__")
                || crate::runtime::cpython_attrs::is_dunder(self.name(name)) =>
            {
                Err(Raise::Poison(Poison::Unmodelled))
            }
            None => Err(Raise::exc(
                "AttributeError",
                format!("'super' object has no attribute '{}'", self.name(name)),
            )),
        }
    }

    /// CALL of what only classes make callable: a class (instantiation),
    /// a bound user method, `METHOD_CALL_RECEIVER`, `object.__init__`.
    /// None for any other callable.
    pub(crate) fn call_class_value(
        &mut self,
        callable: Value,
        args: &[Value],
    ) -> Option<Result<Value, Raise>> {
        Some(match callable {
            Value::METHOD_CALL_RECEIVER => match args.split_first() {
                Some((f, rest)) => self.call_any(*f, rest),
                None => Err(Raise::Internal("a method call without its callable".into())),
            },
            Value::OBJECT_INIT => {
                if args.len() > 1 {
                    // CPython names `object` when the instance's class
                    // overrides `__init__`, the class itself otherwise.
                    let t = args.first().copied().filter(|o| class::is_instance(*o));
                    let overrides = t.is_some_and(|o| {
                        self.program
                            .name_id("__init__")
                            .is_some_and(|id| class::lookup(class::type_of(o), id).is_some())
                    });
                    let who = match t {
                        Some(o) if !overrides => class::name(class::type_of(o)),
                        _ => "object",
                    };
                    Err(Raise::type_error(format!(
                        "{who}.__init__() takes exactly one argument (the instance to initialize)"
                    )))
                } else {
                    Ok(Value::NONE)
                }
            }
            // BaseException.__init__: the arguments become `args`.
            Value::EXC_INIT => match args.split_first() {
                Some((o, rest)) if class::is_exception_instance(*o) => {
                    let o = *o;
                    self.set_exception_args(o, rest)
                        .and_then(|()| self.init_stop_value(o, rest))
                        .map(|()| Value::NONE)
                }
                _ => Err(Raise::Poison(Poison::Unmodelled)),
            },
            c if class::is_type(c) => self.instantiate(c, args),
            b if methods::is_bound(b) && methods::bound_parts(b).1.is_ptr() => {
                let (receiver, f) = methods::bound_parts(b);
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(receiver);
                full.extend_from_slice(args);
                self.call_any(f, &full)
            }
            // `obj(args)`: its class's `__call__`, with `obj` first.
            o if class::is_instance(o) => match self.instance_call_method(o)? {
                Ok(f) => {
                    let mut full = Vec::with_capacity(args.len() + 1);
                    full.push(o);
                    full.extend_from_slice(args);
                    self.call_any(f, &full)
                }
                Err(e) => Err(e),
            },
            _ => return None,
        })
    }

    /// The `__call__` an instance's class (along its MRO) defines: a
    /// function; anything else found there is not modelled. None when it
    /// has none (the instance is not callable).
    fn instance_call_method(&self, o: Value) -> Option<Result<Value, Raise>> {
        let id = self.program.name_id("__call__")?;
        let (f, _) = class::lookup(class::type_of(o), id)?;
        Some(if is_function(f) {
            Ok(f)
        } else {
            Err(Raise::Poison(Poison::Unmodelled))
        })
    }

    /// CALL_KW of a class, of an instance whose class has `__call__`, or of
    /// a bound user method: the instance or the receiver joins the
    /// positional arguments, and the function binds
    /// the keywords as any function does. None for other callables.
    pub(crate) fn call_class_value_kw(
        &mut self,
        callable: Value,
        ins: &[Value],
        arg: u32,
    ) -> Option<Result<Value, Raise>> {
        use crate::lang::bytecode::{call_kw_arg, call_kw_counts, call_kw_names_index};
        let (nargs, nkw) = call_kw_counts(arg);
        // One more positional argument (the count saturates; the inputs
        // say how many there are).
        let shifted = call_kw_arg(nargs as usize + 1, nkw as usize, call_kw_names_index(arg));
        let caller = self.arena.roots.top_frame;
        if class::is_type(callable) {
            return Some(self.instantiate_with(callable, ins, Some(shifted)));
        }
        let called_instance = class::is_instance(callable)
            .then(|| self.instance_call_method(callable))
            .flatten();
        if let Some(f) = called_instance {
            let f = match f {
                Ok(f) => f,
                Err(e) => return Some(Err(e)),
            };
            let mut full = Vec::with_capacity(ins.len() + 1);
            full.push(callable);
            full.extend_from_slice(ins);
            return Some(self.call_value_kw(f, &full, Some(shifted), caller));
        }
        if methods::is_bound(callable) && methods::bound_parts(callable).1.is_ptr() {
            let (receiver, f) = methods::bound_parts(callable);
            let mut full = Vec::with_capacity(ins.len() + 1);
            full.push(receiver);
            full.extend_from_slice(ins);
            return Some(self.call_value_kw(f, &full, Some(shifted), caller));
        }
        None
    }

    /// Calls any callable from Rust (a Python function runs in a nested
    /// dispatch whose caller is the current frame).
    pub(crate) fn call_any(&mut self, f: Value, args: &[Value]) -> Result<Value, Raise> {
        if is_function(f) {
            let caller = self.arena.roots.top_frame;
            return self.call_value(f, args, caller);
        }
        self.call_builtin(f, args)
    }

    /// `C(args...)`: a new instance, initialized by `__init__` if the class
    /// has one.
    fn instantiate(&mut self, t: Value, args: &[Value]) -> Result<Value, Raise> {
        self.instantiate_with(t, args, None)
    }

    /// `C(args...)`, or with keywords (`kw`: CALL_KW's arg with the instance
    /// counted among the positional arguments).
    fn instantiate_with(
        &mut self,
        t: Value,
        args: &[Value],
        kw: Option<u32>,
    ) -> Result<Value, Raise> {
        let init = self
            .program
            .name_id("__init__")
            .and_then(|id| class::lookup(t, id));
        // Room for every attribute instances of the class had so far, so
        // that `__init__`'s stores find their slots (STORE_ATTR_INSTANCE_VALUE).
        let slots = self.classes.metas[class::meta(t)].keys.len();
        let o = class::new_instance(self.arena, t, slots)?;
        let exception = !class::exc_base(t).is_null();
        if exception {
            // BaseException.__new__ keeps the arguments as `args`, whatever
            // `__init__` does (keywords: CPython refuses them without an
            // `__init__` that takes them; not modelled).
            if kw.is_some() {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            self.arena.roots.temps.push(o);
            let r = self.set_exception_args(o, args);
            self.arena.roots.temps.pop();
            r?;
        }
        let Some((init, _)) = init else {
            if !args.is_empty() && !exception {
                return Err(Raise::type_error(format!(
                    "{}() takes no arguments",
                    class::name(t)
                )));
            }
            if exception {
                self.arena.roots.temps.push(o);
                let r = self.init_stop_value(o, args);
                self.arena.roots.temps.pop();
                r?;
            }
            return Ok(o);
        };
        if !is_function(init) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(o);
        full.extend_from_slice(args);
        self.arena.roots.temps.push(o);
        let r = match kw {
            None => self.call_any(init, &full),
            Some(arg) => {
                let caller = self.arena.roots.top_frame;
                self.call_value_kw(init, &full, Some(arg), caller)
            }
        };
        self.arena.roots.temps.pop();
        let r = r?;
        if r != Value::NONE {
            return Err(Raise::type_error(format!(
                "__init__() should return None, not '{}'",
                type_name(r)
            )));
        }
        Ok(o)
    }
}

/// `x.__class__` of a value of a builtin type the language has as a class
/// value; any other (a bool, None, a function...) is unmodelled.
/// `x.__class__` of any value (`type(x)`).
pub(crate) fn class_of(x: Value) -> Result<Value, Raise> {
    if class::is_instance(x) {
        return Ok(class::type_of(x));
    }
    if let Some(e) = exceptions::view(x) {
        return Ok(e.class);
    }
    builtin_class(x)
}

/// `x.__class__` of a builtin value the language has the type of as a
/// value; anything else (None, a function, a class...) is unmodelled.
fn builtin_class(v: Value) -> Result<Value, Raise> {
    use crate::runtime::{float, pydict, pyset, seq, strs};
    Ok(if v.is_bool() {
        Value::BUILTIN_BOOL
    } else if crate::runtime::int::is_int(v) {
        Value::BUILTIN_INT
    } else if float::is_float(v) {
        Value::BUILTIN_FLOAT
    } else if strs::is_str(v) {
        Value::BUILTIN_STR
    } else if seq::is_list(v) {
        Value::BUILTIN_LIST
    } else if seq::is_tuple(v) {
        Value::BUILTIN_TUPLE
    } else if pydict::is_dict(v) {
        Value::BUILTIN_DICT
    } else if pyset::is_set(v) {
        Value::BUILTIN_SET
    } else if v.is_ptr()
        && crate::runtime::object::kind_of(v) == crate::runtime::object::Kind::Range
    {
        Value::BUILTIN_RANGE
    } else {
        return Err(Raise::Poison(Poison::Unmodelled));
    })
}

fn is_function(v: Value) -> bool {
    v.is_ptr() && crate::runtime::object::kind_of(v) == crate::runtime::object::Kind::Function
}

/// LOAD_METHOD's pair for value `v` found on `obj`'s class `t`.
/// What `super()` finds for `name` past class `cls`, seen from class `t`
/// (the instance's class, or the class a class method got): the lookup in
/// `cls`'s base, after CPython's check that `t` derives from `cls`.
fn past_class(cls: Value, t: Value, name: u32) -> Result<Option<(Value, Value)>, Raise> {
    if !class::is_subclass(t, cls) {
        return Err(Raise::type_error(
            "super(type, obj): obj must be an instance or subtype of type".into(),
        ));
    }
    let base = class::base(cls);
    Ok(if base.is_null() {
        None
    } else {
        class::lookup(base, name)
    })
}

fn method_pair(v: Value, obj: Value, t: Value) -> Vec<Value> {
    if is_function(v) {
        return vec![v, obj];
    }
    match class::wrapper_parts(v) {
        Some((f, false)) => vec![Value::METHOD_CALL_RECEIVER, f],
        Some((f, true)) => vec![f, t],
        None => vec![Value::METHOD_CALL_RECEIVER, v],
    }
}

impl Run<'_> {
    /// `e.args = tuple(args)` for an instance of a user exception class.
    fn set_exception_args(&mut self, o: Value, args: &[Value]) -> Result<(), Raise> {
        let tuple = crate::runtime::seq::new_tuple(self.arena, args)?;
        self.arena.roots.temps.push(tuple);
        let r = self.store_attr(o, self.args_name()?, tuple);
        self.arena.roots.temps.pop();
        r
    }

    /// `e.args` and `e.__class__` of a built-in exception object.
    fn exception_attr(&mut self, e: Value, name: u32) -> Result<Value, Raise> {
        let v = exceptions::view(e).ok_or_else(|| Raise::Internal("not an exception".into()))?;
        if self.name_is(name, "args") && !v.key_text {
            return Ok(v.args);
        }
        if self.name_is(name, "__class__") {
            return Ok(v.class);
        }
        if self.name_is(name, "args") {
            // A runtime KeyError keeps only its key's repr.
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let builtin = exceptions::class_name(v.builtin);
        if builtin == "StopIteration" && self.name_is(name, "value") {
            // StopIteration(value): its first arg, None without one.
            let args = v.args;
            if !crate::runtime::seq::is_tuple(args) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            return Ok(match crate::runtime::seq::len(args) {
                0 => Value::NONE,
                _ => crate::runtime::seq::get(args, 0),
            });
        }
        // CPython has it (`__cause__`, `with_traceback`, `name`...): no
        // AttributeError CPython would not raise.
        if crate::runtime::cpython_attrs::cpython_exception_has(builtin, self.name(name)) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        Err(Raise::exc(
            "AttributeError",
            format!("'{}' object has no attribute '{}'", v.name, self.name(name)),
        ))
    }
}
