//! Classes, instances and bound methods in the reference's own value
//! model, from CPython 3.11's documented object model (not from the VM):
//! a class is a name, at most one base, a namespace and its `__slots__`;
//! attribute reads and stores follow `object.__getattribute__` /
//! `__setattr__` and `type.__getattribute__` for the descriptors the
//! language has (functions, `staticmethod`, `classmethod`, slot members).
//!
//! Instances keep slot values and `__dict__` entries apart, as CPython
//! does: the same name can be both (a slot of a base shadowed by a class
//! attribute of a subclass), and which one a read sees depends on the
//! class chain. `__class__` assignment follows CPython's
//! `compatible_for_assignment` (see [`layout_compatible`]).

use std::cell::{Ref, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use jitdiff_vm::lang::outcome::Poison;

use super::eval::{Res, exception, poison, type_error};
use super::methods::{self, Meth};
use super::value::{FuncObj, Value};

/// A method's `__class__` cell: empty (dangling) until its class statement
/// has made the class. Weak, so that a class and its methods do not keep
/// each other alive; a dead class has no instances left, so `super()`
/// can then only fail its instance check, as in CPython.
pub type ClassCell = RefCell<Weak<ClassObj>>;

/// What a class namespace holds under a name.
#[derive(Clone, Debug)]
pub enum Attr {
    Plain(Value),
    /// `@staticmethod`: the function, never bound.
    Static(Value),
    /// `@classmethod`: the function, bound to the class.
    ClassMethod(Value),
    /// `@property`: the getter and the setter (`@x.setter`), both called
    /// with the instance; a data descriptor, found before its attributes.
    Property(Value, Option<Value>),
}

#[derive(Debug)]
pub struct ClassObj {
    pub name: Rc<str>,
    pub base: Option<Rc<ClassObj>>,
    pub attrs: RefCell<HashMap<Rc<str>, Attr>>,
    /// The names of its own `__slots__`, if it declares any.
    pub slots: Option<Vec<Rc<str>>>,
    /// Whether its instances have a `__dict__` (any attribute name).
    pub has_dict: bool,
    /// Whether its instances are laid out differently from its base's
    /// (CPython's `compatible_with_tp_base` failing): it adds slots, or a
    /// `__dict__` the base lacks.
    adds_layout: bool,
    /// The builtin exception class it derives from (an exception class),
    /// if any: its base chain of user classes ends there.
    pub exc_base: Option<u8>,
    /// How its instances hash, fixed when the class is made.
    pub hash_kind: HashKind,
}

/// How a class's instances hash (CPython's `tp_hash`, which
/// `type_new` settles from the body: a `__hash__` there, else `None` for
/// an `__eq__` there, else the base's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashKind {
    /// `object.__hash__`: by identity.
    Identity,
    /// A user `__hash__`, called through the interpreter.
    User,
    /// `__hash__ = None`: TypeError.
    Unhashable,
}

/// What an attribute lookup along a class chain found first.
pub enum Found {
    /// A slot member of a class in the chain.
    Slot,
    Attr(Attr),
}

impl ClassObj {
    /// The class a class statement makes from its base and namespace
    /// (`attrs` in body order; a later binding of a name wins).
    pub fn new(
        name: Rc<str>,
        base: Option<Rc<ClassObj>>,
        attrs: Vec<(Rc<str>, Attr)>,
        exc_base: Option<u8>,
    ) -> Res<ClassObj> {
        let attrs: HashMap<Rc<str>, Attr> = attrs.into_iter().collect();
        let slots = match attrs.get("__slots__") {
            None => None,
            Some(Attr::Plain(v)) => Some(slot_names(v, &attrs)?),
            // Only a hand-built body decorates `__slots__`.
            Some(_) => return Err(poison(Poison::Unmodelled)),
        };
        let base_dict = base.as_ref().is_some_and(|b| b.has_dict);
        let (has_dict, adds_layout) = match &slots {
            Some(s) => (base_dict, !s.is_empty()),
            None => (true, !base_dict),
        };
        let exc_base = exc_base.or_else(|| base.as_ref().and_then(|b| b.exc_base));
        // `__slots__` on an exception class: outside the language, as in
        // the VM.
        if exc_base.is_some() && slots.is_some() {
            return Err(poison(Poison::Unmodelled));
        }
        let hash_kind = if attrs.contains_key("__hash__") {
            HashKind::User
        } else if attrs.contains_key("__eq__") {
            HashKind::Unhashable
        } else {
            base.as_ref().map_or(HashKind::Identity, |b| b.hash_kind)
        };
        Ok(ClassObj {
            hash_kind,
            name,
            base,
            attrs: RefCell::new(attrs),
            slots,
            has_dict,
            adds_layout,
            exc_base,
        })
    }

    /// The class and its bases, nearest first.
    pub fn chain(self: &Rc<ClassObj>) -> impl Iterator<Item = &ClassObj> {
        std::iter::successors(Some(&**self), |c| c.base.as_deref())
    }

    /// Whether `self` is `other` or derives from it.
    pub fn derives_from(self: &Rc<ClassObj>, other: &ClassObj) -> bool {
        self.chain().any(|c| std::ptr::eq(c, other))
    }

    /// The first definition of `name` along the chain: a slot member or a
    /// namespace entry.
    pub fn lookup(self: &Rc<ClassObj>, name: &str) -> Option<Found> {
        for c in self.chain() {
            if c.slots
                .as_ref()
                .is_some_and(|s| s.iter().any(|n| &**n == name))
            {
                return Some(Found::Slot);
            }
            if let Some(a) = c.attrs.borrow().get(name) {
                return Some(Found::Attr(a.clone()));
            }
        }
        None
    }

    /// Moves everything it holds into `pending` (iterative freeing).
    pub(super) fn take_all(mut self, pending: &mut Vec<Value>) {
        pending.extend(
            self.attrs
                .get_mut()
                .drain()
                .flat_map(|(_, a)| a.into_values()),
        );
        if let Some(b) = self.base.take() {
            pending.push(Value::Class(b));
        }
    }
}

impl Drop for ClassObj {
    fn drop(&mut self) {
        let mut pending: Vec<Value> = self
            .attrs
            .get_mut()
            .drain()
            .flat_map(|(_, a)| a.into_values())
            .collect();
        if let Some(b) = self.base.take() {
            pending.push(Value::Class(b));
        }
        super::value::drop_iteratively(pending);
    }
}

impl Attr {
    fn into_values(self) -> Vec<Value> {
        match self {
            Attr::Plain(v) | Attr::Static(v) | Attr::ClassMethod(v) => vec![v],
            Attr::Property(getter, setter) => std::iter::once(getter).chain(setter).collect(),
        }
    }
}

/// `__slots__`' value as names: one string, or a tuple or list of
/// strings. Anything else (only in a hand-built AST: CPython raises at
/// class creation, or makes a `__dict__` slot) poisons.
fn slot_names(v: &Value, attrs: &HashMap<Rc<str>, Attr>) -> Res<Vec<Rc<str>>> {
    let items: Vec<Value> = match v {
        Value::Str(_) => vec![v.clone()],
        Value::Tuple(t) => t.items.clone(),
        Value::List(l) => l.items.borrow().clone(),
        _ => return Err(poison(Poison::Unmodelled)),
    };
    let mut names: Vec<Rc<str>> = Vec::with_capacity(items.len());
    for item in items {
        let Value::Str(s) = item else {
            return Err(poison(Poison::Unmodelled));
        };
        let ident = s
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let dunder = s.len() > 4 && s.starts_with("__") && s.ends_with("__");
        // A slot that is also a class attribute is CPython's ValueError.
        if !ident || dunder || names.contains(&s) || attrs.contains_key(&s) {
            return Err(poison(Poison::Unmodelled));
        }
        names.push(s);
    }
    Ok(names)
}

/// The nearest class (itself or a base) that changes the layout; `None`
/// is `object`.
fn solid(c: &Rc<ClassObj>) -> Option<&ClassObj> {
    c.chain().find(|c| c.adds_layout)
}

/// CPython's `compatible_for_assignment`: the two classes' nearest
/// layout-changing classes are the same, or have the same base and add
/// the same (both a `__dict__`, or the same slot names in any order:
/// CPython sorts them).
pub fn layout_compatible(old: &Rc<ClassObj>, new: &Rc<ClassObj>) -> bool {
    let (a, b) = match (solid(old), solid(new)) {
        (None, None) => return true,
        (Some(a), Some(b)) => (a, b),
        _ => return false,
    };
    if std::ptr::eq(a, b) {
        return true;
    }
    let same_base = match (&a.base, &b.base) {
        (None, None) => true,
        (Some(x), Some(y)) => Rc::ptr_eq(x, y),
        _ => false,
    };
    same_base
        && match (&a.slots, &b.slots) {
            (None, None) => true,
            (Some(x), Some(y)) => {
                let (mut x, mut y) = (x.clone(), y.clone());
                x.sort();
                y.sort();
                x == y
            }
            _ => false,
        }
}

#[derive(Debug)]
pub struct InstObj {
    class: RefCell<Rc<ClassObj>>,
    /// Slot values (set slots only).
    slots: RefCell<HashMap<Rc<str>, Value>>,
    /// The `__dict__` (empty, and never written, without one).
    dict: RefCell<HashMap<Rc<str>, Value>>,
    /// An exception instance's `args` (set by the constructor call, reset
    /// by `super().__init__(...)`).
    exc_args: RefCell<Option<Rc<super::value::TupleObj>>>,
}

impl InstObj {
    /// Whether the instance has its own attribute `name` (in its
    /// `__dict__` or a set slot).
    pub fn has_own(&self, name: &str) -> bool {
        self.dict.borrow().contains_key(name) || self.slots.borrow().contains_key(name)
    }

    pub fn new(class: Rc<ClassObj>) -> InstObj {
        InstObj {
            class: RefCell::new(class),
            slots: RefCell::default(),
            dict: RefCell::default(),
            exc_args: RefCell::default(),
        }
    }

    /// An exception instance's `args` (empty if never set).
    pub fn exc_args(&self) -> Rc<super::value::TupleObj> {
        self.exc_args.borrow().clone().unwrap_or_default()
    }

    pub fn set_exc_args(&self, args: Vec<Value>) {
        *self.exc_args.borrow_mut() = Some(Rc::new(super::value::TupleObj { items: args }));
    }

    pub fn class(&self) -> Ref<'_, Rc<ClassObj>> {
        self.class.borrow()
    }

    /// `del o.name` from its `__dict__`.
    pub fn remove_attr(&self, name: &str) -> Res<()> {
        match self.dict.borrow_mut().remove(name) {
            Some(_) => Ok(()),
            None => Err(no_attribute(&self.class().name, name)),
        }
    }

    pub(super) fn take_all(mut self, pending: &mut Vec<Value>) {
        pending.extend(self.slots.get_mut().drain().map(|(_, v)| v));
        pending.extend(self.dict.get_mut().drain().map(|(_, v)| v));
    }
}

impl Drop for InstObj {
    fn drop(&mut self) {
        let mut pending: Vec<Value> = self.slots.get_mut().drain().map(|(_, v)| v).collect();
        pending.extend(self.dict.get_mut().drain().map(|(_, v)| v));
        if !pending.is_empty() {
            super::value::drop_iteratively(pending);
        }
    }
}

#[derive(Debug)]
pub struct MethodObj {
    pub func: Rc<FuncObj>,
    /// An instance, or a class (a class method).
    pub receiver: Value,
}

impl MethodObj {
    /// CPython's method `==`: the same function, bound to the same object.
    pub fn same(&self, o: &MethodObj) -> bool {
        Rc::ptr_eq(&self.func, &o.func) && same_object(&self.receiver, &o.receiver)
    }
}

/// Identity of two receivers (instances or classes).
pub fn same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => Rc::ptr_eq(x, y),
        (Value::Class(x), Value::Class(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// A namespace entry as seen through an instance of `class` (`obj`):
/// functions bind to it, class methods to its class.
pub fn bind(a: Attr, obj: &Value, class: &Rc<ClassObj>) -> Res<Value> {
    Ok(match a {
        Attr::Plain(Value::Func(f)) => method(f, obj.clone()),
        Attr::Plain(v) | Attr::Static(v) => v,
        Attr::ClassMethod(v) => bind_class_method(v, class)?,
        // Callers run a property's getter before binding anything
        // (`property_of`); nothing else binds one.
        Attr::Property(..) => return Err(poison(Poison::Unmodelled)),
    })
}

/// The getter and setter of a property `name` on `o`'s class, if that is
/// what the class has under the name.
pub fn property_of(o: &InstObj, name: &str) -> Option<(Value, Option<Value>)> {
    match o.class().lookup(name) {
        Some(Found::Attr(Attr::Property(getter, setter))) => Some((getter, setter)),
        _ => None,
    }
}

/// CPython 3.11's AttributeError for a property without `what` (`setter`
/// or `deleter`).
pub fn property_lacks(o: &InstObj, name: &str, what: &str) -> Box<super::eval::Stop> {
    exception(
        "AttributeError",
        format!(
            "property '{name}' of '{}' object has no {what}",
            o.class().name
        ),
    )
}

pub fn bind_class_method(v: Value, class: &Rc<ClassObj>) -> Res<Value> {
    match v {
        Value::Func(f) => Ok(method(f, Value::Class(class.clone()))),
        // Only a hand-built AST wraps anything but a `def`.
        _ => Err(poison(Poison::Unmodelled)),
    }
}

fn method(func: Rc<FuncObj>, receiver: Value) -> Value {
    Value::Method(Rc::new(MethodObj { func, receiver }))
}

fn no_attribute(type_name: &str, name: &str) -> Box<super::eval::Stop> {
    exception(
        "AttributeError",
        format!("'{type_name}' object has no attribute '{name}'"),
    )
}

/// `o.name` on an instance (`obj` is `o` as a value).
pub fn instance_attr(o: &Rc<InstObj>, name: &str) -> Res<Value> {
    let class = o.class().clone();
    if name == "__class__" {
        return Ok(Value::Class(class));
    }
    match class.lookup(name) {
        // A slot member is a data descriptor: it wins over everything.
        Some(Found::Slot) => o
            .slots
            .borrow()
            .get(name)
            .cloned()
            .ok_or_else(|| no_attribute(&class.name, name)),
        found => {
            if let Some(v) = o.dict.borrow().get(name) {
                return Ok(v.clone());
            }
            match found {
                Some(Found::Attr(a)) => bind(a, &Value::Instance(o.clone()), &class),
                // `object.__init__` as a method-wrapper value.
                _ if name == "__init__" => Err(poison(Poison::Unmodelled)),
                // StopIteration's `value` member reads None until its
                // `__init__` sets it.
                _ if name == "value" && is_stop_iteration(&class) => Ok(Value::None),
                _ => Err(no_attribute(&class.name, name)),
            }
        }
    }
}

/// Whether `class` is a user subclass of StopIteration.
pub fn is_stop_iteration(class: &ClassObj) -> bool {
    class
        .exc_base
        .is_some_and(|k| super::exceptions::name(k) == "StopIteration")
}

/// `StopIteration.__init__` (a user subclass's default one, or reached
/// through `super().__init__(...)`): `value` is the first argument, None
/// without one. Other exception classes set nothing.
pub fn init_stop_value(o: &Rc<InstObj>, args: &[Value]) -> Res<()> {
    if !is_stop_iteration(&o.class()) {
        return Ok(());
    }
    set_instance_attr(o, "value", args.first().cloned().unwrap_or(Value::None))
}

/// `C.name` on a class.
pub fn class_attr(c: &Rc<ClassObj>, name: &str) -> Res<Value> {
    match name {
        "__name__" => return Ok(Value::Str(c.name.clone())),
        // The metaclass `type`, which the language does not have.
        "__class__" => return Err(poison(Poison::Unmodelled)),
        _ => {}
    }
    match c.lookup(name) {
        Some(Found::Attr(Attr::Plain(v) | Attr::Static(v))) => Ok(v),
        Some(Found::Attr(Attr::ClassMethod(v))) => bind_class_method(v, c),
        // The property object itself (`C.x.fget`, `type(C.x)`).
        Some(Found::Attr(Attr::Property(..))) => Err(poison(Poison::Unmodelled)),
        // A member descriptor; `object.__init__`; `type.mro`.
        Some(Found::Slot) => Err(poison(Poison::Unmodelled)),
        None if matches!(name, "__init__" | "mro") => Err(poison(Poison::Unmodelled)),
        None => Err(exception(
            "AttributeError",
            format!("type object '{}' has no attribute '{name}'", c.name),
        )),
    }
}

/// `o.name = v` on an instance.
pub fn set_instance_attr(o: &Rc<InstObj>, name: &str, v: Value) -> Res<()> {
    if name == "__class__" {
        // On an exception: outside the language, as in the VM.
        if o.class().exc_base.is_some() {
            return Err(poison(Poison::Unmodelled));
        }
        return set_class(o, v);
    }
    let class = o.class().clone();
    let name: Rc<str> = Rc::from(name);
    match class.lookup(&name) {
        Some(Found::Slot) => {
            o.slots.borrow_mut().insert(name, v);
        }
        _ if class.has_dict => {
            o.dict.borrow_mut().insert(name, v);
        }
        // A class attribute (not a data descriptor) and no `__dict__`.
        Some(Found::Attr(_)) => {
            return Err(exception(
                "AttributeError",
                format!("'{}' object attribute '{name}' is read-only", class.name),
            ));
        }
        None => return Err(no_attribute(&class.name, &name)),
    }
    Ok(())
}

/// `o.__class__ = v`: the instance keeps its slots and `__dict__`.
fn set_class(o: &Rc<InstObj>, v: Value) -> Res<()> {
    let Value::Class(new) = v else {
        return Err(type_error(format!(
            "__class__ must be set to a class, not '{}' object",
            v.type_name()
        )));
    };
    let old = o.class().clone();
    if !layout_compatible(&old, &new) {
        return Err(type_error(format!(
            "__class__ assignment: '{}' object layout differs from '{}'",
            new.name, old.name
        )));
    }
    *o.class.borrow_mut() = new;
    Ok(())
}

/// `C.name = v` on a class.
pub fn set_class_attr(c: &Rc<ClassObj>, name: &str, v: Value) -> Res<()> {
    // The metaclass's attributes, and member descriptors (CPython would
    // replace the descriptor), are outside the language.
    if matches!(name, "__class__" | "__name__") || matches!(c.lookup(name), Some(Found::Slot)) {
        return Err(poison(Poison::Unmodelled));
    }
    c.attrs.borrow_mut().insert(Rc::from(name), Attr::Plain(v));
    Ok(())
}

/// `x.name = v`.
pub fn set_attr(x: &Value, name: &str, v: Value) -> Res<()> {
    if super::exceptions::unmodelled_attr(x, name) || matches!(x, Value::Arr(_)) {
        return Err(poison(Poison::Unmodelled));
    }
    match x {
        // `e.args = v` stores `tuple(v)`.
        Value::Instance(o) if name == "args" && o.class().exc_base.is_some() => match v {
            Value::Tuple(t) => {
                o.set_exc_args(t.items.clone());
                Ok(())
            }
            Value::List(l) => {
                o.set_exc_args(l.items.borrow().clone());
                Ok(())
            }
            _ => Err(poison(Poison::Unmodelled)),
        },
        // A builtin exception object's attributes (it has a `__dict__`)
        // and a generator's are not modelled.
        Value::Exc(_) | Value::Gen(_) => Err(poison(Poison::Unmodelled)),
        Value::Instance(o) => set_instance_attr(o, name, v),
        Value::Class(c) => set_class_attr(c, name, v),
        _ => set_other_attr(x, name, v),
    }
}

/// Whether `recv.name(...)` is an attribute read then a call (instances,
/// classes, and the dunder attributes any value has), rather than one of
/// the builtin types' methods.
pub fn generic_attr(recv: &Value, name: &str) -> bool {
    matches!(recv, Value::Instance(_) | Value::Class(_)) || matches!(name, "__class__" | "__name__")
}

/// Whether `o.__init__` is `object.__init__` (nothing overrides it).
pub fn missing_init(o: &InstObj) -> bool {
    o.class().lookup("__init__").is_none() && !o.dict.borrow().contains_key("__init__")
}

/// `x.name = v` on anything but an instance or a class.
fn set_other_attr(x: &Value, name: &str, _v: Value) -> Res<()> {
    match x {
        // Functions and modules have a `__dict__` in CPython.
        Value::Func(_) | Value::Module | Value::Rand(_) => Err(poison(Poison::Unmodelled)),
        _ if name == "__class__" => Err(type_error(
            "__class__ assignment only supported for mutable types or ModuleType subclasses".into(),
        )),
        _ => {
            let message = if methods::lookup(x, &Meth::parse(name)).is_ok() {
                format!("'{}' object attribute '{name}' is read-only", x.type_name())
            } else {
                format!("'{}' object has no attribute '{name}'", x.type_name())
            };
            Err(exception("AttributeError", message))
        }
    }
}

/// `object.__init__(obj, *args)`: with arguments, CPython names the
/// instance's class unless that class overrides `__init__`.
pub fn object_init(obj: &Value, nargs: usize) -> Res<Value> {
    if nargs == 0 {
        return Ok(Value::None);
    }
    let owner = match obj {
        Value::Instance(o) => {
            let class = o.class();
            match class.lookup("__init__") {
                Some(_) => "object".to_string(),
                None => class.name.to_string(),
            }
        }
        _ => "object".to_string(),
    };
    Err(type_error(format!(
        "{owner}.__init__() takes exactly one argument (the instance to initialize)"
    )))
}

/// `isinstance(x, C)`.
pub fn is_instance(x: &Value, c: &ClassObj) -> bool {
    matches!(x, Value::Instance(o) if o.class().derives_from(c))
}

/// `f.__name__` and the like on values that are not instances or classes
/// (`None`: not modelled here, the caller reports the missing attribute).
pub fn other_name(x: &Value) -> Option<Value> {
    let short = |q: &str| Value::Str(Rc::from(q.rsplit('.').next().unwrap_or(q)));
    Some(match x {
        Value::Func(f) => short(&f.name),
        Value::Method(m) => short(&m.func.name),
        Value::Builtin(b) => Value::Str(Rc::from(b.name())),
        Value::Math(m) => Value::Str(Rc::from(m.name())),
        // `set.add` and `{1}.add`: the method's own name.
        Value::Descr(d) => Value::Str(Rc::from(d.meth.name())),
        Value::Bound(b) => Value::Str(Rc::from(b.meth.name())),
        Value::Module => Value::Str(Rc::from("math")),
        Value::Rand(r) => Value::Str(Rc::from(r.name())),
        _ => return None,
    })
}

/// The function an instance's call runs: its class's `__call__` (found
/// along the chain by the caller); a static or class method, a property or
/// any other value there is not modelled.
pub fn call_method(o: &Rc<InstObj>) -> Res<Rc<FuncObj>> {
    match o.class().lookup("__call__") {
        Some(Found::Attr(Attr::Plain(Value::Func(f)))) => Ok(f),
        _ => Err(poison(Poison::Unmodelled)),
    }
}
