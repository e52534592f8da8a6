//! The evaluator's class statements, attribute access on any value,
//! instantiation and `super()`, and `raise`/`assert` (out of eval.rs); the
//! object model itself is in [`super::super::classes`], exceptions in
//! [`super::super::exceptions`].

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use jitdiff_vm::lang::ast::BinOp;
use jitdiff_vm::lang::outcome::Poison;

use super::super::classes::{self, Attr, ClassCell, ClassObj, Found, InstObj};
use super::super::exceptions;
use super::super::math;
use super::super::methods::{self, Meth};
use super::super::resolve::{ClassItem, ClassSt, DefKind, Ex, SuperEx};
use super::super::seq;
use super::super::value::{BoundObj, Builtin, FuncObj, Value};
use super::{Frame, Interp, Res, Stop, exception, poison, type_error};

impl<'p> Interp<'p> {
    /// `assert test, msg`: `AssertionError(msg)` when the test is false
    /// (the message is evaluated only then).
    pub(super) fn assert(
        &mut self,
        test: &'p Ex,
        msg: Option<&'p Ex>,
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let t = self.eval(test, frame)?;
        if self.truth(&t)? {
            return Ok(());
        }
        // With a message, the VM calls AssertionError(msg): one unit.
        let args = match msg {
            Some(m) => {
                let m = self.eval(m, frame)?;
                self.charge()?;
                vec![m]
            }
            None => vec![],
        };
        Err(Box::new(Stop::Raised(exceptions::make(
            exceptions::ASSERTION_ERROR,
            &args,
        ))))
    }

    /// A class statement: the base, then the body's bindings in source
    /// order (each `def` makes a function whose `__class__` cell the new
    /// class fills), then the class, bound to its name.
    #[inline(never)]
    pub(super) fn exec_class(&mut self, c: &'p ClassSt, frame: &mut Frame<'p>) -> Res<()> {
        if c.unmodelled {
            return Err(poison(Poison::Unmodelled));
        }
        let mut exc_base = None;
        let base = match &c.base {
            None => None,
            Some(e) => match self.eval(e, frame)? {
                Value::Class(b) => Some(b),
                // A builtin exception class as the base: its instances carry
                // `args` and print as exceptions.
                Value::Builtin(Builtin::Exc(k)) => {
                    exc_base = Some(k);
                    None
                }
                // A builtin type or any other value as a base.
                _ => return Err(poison(Poison::Unmodelled)),
            },
        };
        let cell = Rc::new(RefCell::new(Weak::new()));
        let mut attrs = Vec::with_capacity(c.items.len());
        for item in &c.items {
            match item {
                ClassItem::Def {
                    name,
                    code,
                    defaults,
                    kind,
                } => {
                    let defaults = defaults
                        .iter()
                        .map(|d| self.eval(d, frame))
                        .collect::<Res<Vec<_>>>()?;
                    let qualname = self
                        .prog
                        .funcs
                        .get(*code)
                        .map_or_else(|| Rc::from("?"), |f| f.name.clone());
                    let f = Value::Func(Rc::new(FuncObj {
                        code: *code,
                        name: qualname,
                        defaults,
                        // A class body is at module level: nothing to close over.
                        closure: vec![],
                        cell: Some(cell.clone()),
                    }));
                    let attr = match kind {
                        DefKind::Plain => Attr::Plain(f),
                        DefKind::Static => Attr::Static(f),
                        DefKind::Class => Attr::ClassMethod(f),
                        DefKind::Property => Attr::Property(f, None),
                        // A copy of the property bound just before (the
                        // front end's rule), with this setter.
                        DefKind::Setter => match attrs.iter().rev().find(|(n, _)| n == name) {
                            Some((_, Attr::Property(getter, _))) => {
                                Attr::Property(getter.clone(), Some(f))
                            }
                            _ => return Err(poison(Poison::Unmodelled)),
                        },
                    };
                    attrs.push((name.clone(), attr));
                }
                ClassItem::Attr(name, e) => {
                    let v = self.eval(e, frame)?;
                    attrs.push((name.clone(), Attr::Plain(v)));
                }
                ClassItem::Alias(name, src) => {
                    let Some((_, a)) = attrs.iter().rev().find(|(n, _)| n == src) else {
                        return Err(poison(Poison::Unmodelled));
                    };
                    let a = a.clone();
                    attrs.push((name.clone(), a));
                }
            }
        }
        let class = Rc::new(ClassObj::new(c.name.clone(), base, attrs, exc_base)?);
        *cell.borrow_mut() = Rc::downgrade(&class);
        self.store(c.slot, Value::Class(class), frame);
        Ok(())
    }

    /// `recv.name` on any value.
    pub(super) fn get_attr(&mut self, recv: Value, m: &Meth) -> Res<Value> {
        let name = m.name();
        if exceptions::unmodelled_attr(&recv, name) {
            return Err(poison(Poison::Unmodelled));
        }
        // `array.array`; any other attribute of the array module, type or
        // an array is not modelled.
        if let Value::Arr(a) = &recv {
            return match a {
                super::super::array::Arr::Module => super::super::array::module_attr(name),
                _ => Err(poison(Poison::Unmodelled)),
            };
        }
        match &recv {
            Value::Gen(_) if name != "send" => Err(poison(Poison::Unmodelled)),
            // Any other attribute of an exception object: CPython's message.
            // StopIteration(value): its first arg, None without one.
            Value::Exc(e) if name == "value" && recv.type_name() == "StopIteration" => {
                Ok(e.args.items.first().cloned().unwrap_or(Value::None))
            }
            // What CPython's exception objects have and the language does
            // not model (`__cause__`, `with_traceback`, `name`...) poisons;
            // anything else is CPython's AttributeError.
            Value::Exc(_) if name != "args" && name != "__class__" && name != "__name__" => {
                let ty = recv.type_name();
                if jitdiff_vm::runtime::cpython_attrs::cpython_exception_has(&ty, name) {
                    return Err(poison(Poison::Unmodelled));
                }
                Err(exception(
                    "AttributeError",
                    format!("'{ty}' object has no attribute '{name}'"),
                ))
            }
            Value::Exc(e) if name == "args" && e.runtime_key => Err(poison(Poison::Unmodelled)),
            Value::Exc(e) if name == "args" => Ok(Value::Tuple(e.args.clone())),
            Value::Instance(o) if name == "args" && o.class().exc_base.is_some() => {
                Ok(Value::Tuple(o.exc_args()))
            }
            Value::Instance(o) => match classes::property_of(o, name) {
                Some((getter, _)) => self.call_function(getter, vec![recv.clone()]),
                None => classes::instance_attr(o, name),
            },
            Value::Class(c) => classes::class_attr(c, name),
            // `str.lower`: the method descriptor.
            Value::Builtin(b) if methods::descriptor(*b, m).is_some() => {
                methods::descriptor(*b, m).ok_or_else(|| poison(Poison::Unmodelled))
            }
            _ if name == "__class__" => builtin_class(&recv),
            _ if name == "__name__" => classes::other_name(&recv).ok_or_else(|| {
                exception(
                    "AttributeError",
                    format!("'{}' object has no attribute '{name}'", recv.type_name()),
                )
            }),
            Value::Module => math::attr(name),
            Value::Rand(super::super::random::RandFn::Module) => super::super::random::attr(name),
            _ => {
                methods::lookup(&recv, m)?;
                Ok(Value::Bound(Rc::new(BoundObj {
                    receiver: recv,
                    meth: m.clone(),
                })))
            }
        }
    }

    /// `recv.m(args)` where `recv.m` is an attribute rather than one of
    /// the builtin types' methods: the attribute (its error before the
    /// arguments), the arguments, then the call.
    #[inline(never)]
    pub(super) fn attr_call(
        &mut self,
        recv: Value,
        m: &Meth,
        args: &'p [Ex],
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        // `o.__init__(...)` without an `__init__`: `object.__init__`.
        if let Value::Instance(o) = &recv
            && m.name() == "__init__"
            && classes::missing_init(o)
        {
            let n = self.eval_args(args, frame)?;
            self.charge()?;
            return classes::object_init(&recv, n);
        }
        let own = matches!(&recv, Value::Instance(o) if o.has_own(m.name()));
        let of_instance = matches!(recv, Value::Instance(_));
        let f = self.get_attr(recv, m)?;
        let base = self.stack.len();
        for a in args {
            let v = self.eval(a, frame)?;
            self.stack.push(v);
        }
        // Fuel as the VM counts it. LOAD_METHOD hands CALL the function of
        // an instance's method or class method, so that call is one unit.
        // A function read any other way (through a class, a static method,
        // one the instance holds) reaches CALL behind a marker whose call
        // runs it as a call of its own: a second unit. Any other value is
        // called as any value is.
        match &f {
            Value::Method(_) if of_instance && !own => {
                self.charge()?;
                self.call_charged_once(f, base)
            }
            Value::Func(_) => {
                self.charge()?;
                self.charge()?;
                self.call_charged_once(f, base)
            }
            _ => self.call(f, base),
        }
    }

    /// Evaluates `args` for a callee that ignores their values; their count.
    fn eval_args(&mut self, args: &'p [Ex], frame: &mut Frame<'p>) -> Res<usize> {
        for a in args {
            self.eval(a, frame)?;
        }
        Ok(args.len())
    }

    /// `object.attr op= value`: the object once, the attribute read, the
    /// value, the operation (a list's `+=` in place), the store.
    #[inline(never)]
    pub(super) fn aug_set_attr(
        &mut self,
        a: &'p (Ex, Rc<str>, BinOp, Ex),
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let (object, attr, op, value) = a;
        let o = self.eval(object, frame)?;
        let cur = self.get_attr(o.clone(), &Meth::parse(attr))?;
        let rhs = self.eval(value, frame)?;
        let new = if let Value::List(l) = &cur
            && let Some(done) = seq::inplace_list(&mut self.heap, *op, l, &rhs)
        {
            done?;
            cur.clone()
        } else {
            self.binop(*op, &cur, &rhs, true)?
        };
        self.set_attr(&o, attr, new)
    }

    /// `o.name = v`: a property's setter, else the store.
    pub(super) fn set_attr(&mut self, o: &Value, name: &str, v: Value) -> Res<()> {
        let Value::Instance(inst) = o else {
            return classes::set_attr(o, name, v);
        };
        match classes::property_of(inst, name) {
            Some((_, Some(setter))) => self.call_function(setter, vec![o.clone(), v]).map(|_| ()),
            Some((_, None)) => Err(classes::property_lacks(inst, name, "setter")),
            None => classes::set_attr(o, name, v),
        }
    }

    /// Calls a function value with `args` (a property's getter or setter).
    fn call_function(&mut self, f: Value, args: Vec<Value>) -> Res<Value> {
        let base = self.stack.len();
        self.stack.extend(args);
        self.call(f, base)
    }

    /// `C(args...)` (the arguments are `stack[base..]`, then `kws`): a new
    /// instance, passed with the arguments to the nearest `__init__`.
    pub(super) fn instantiate(
        &mut self,
        c: &Rc<ClassObj>,
        base: usize,
        kws: Option<Vec<(Rc<str>, Value)>>,
    ) -> Res<Value> {
        let base = base.min(self.stack.len());
        // Keywords to an exception class are outside the language (the VM
        // poisons on them): no verdict here either.
        if c.exc_base.is_some() && kws.as_ref().is_some_and(|k| !k.is_empty()) {
            self.stack.truncate(base);
            return Err(poison(Poison::Unmodelled));
        }
        let inst = Rc::new(InstObj::new(c.clone()));
        if c.exc_base.is_some() {
            // BaseException.__new__ keeps the positional arguments as `args`
            // (keywords are its TypeError, without an `__init__` taking them).
            inst.set_exc_args(self.stack.get(base..).unwrap_or(&[]).to_vec());
            if c.lookup("__init__").is_none() {
                let args = self.stack.split_off(base);
                if kws.is_some_and(|k| !k.is_empty()) {
                    return Err(type_error(format!(
                        "{}() takes no keyword arguments",
                        c.name
                    )));
                }
                classes::init_stop_value(&inst, &args)?;
                return Ok(Value::Instance(inst));
            }
        }
        let obj = Value::Instance(inst);
        let init = match c.lookup("__init__") {
            None => {
                let given = self.stack.len() > base || kws.is_some_and(|k| !k.is_empty());
                self.stack.truncate(base);
                if given {
                    return Err(type_error(format!("{}() takes no arguments", c.name)));
                }
                return Ok(obj);
            }
            Some(Found::Attr(Attr::Plain(Value::Func(f)))) => f,
            // `__init__` rebound to something else than a function.
            Some(_) => return Err(poison(Poison::Unmodelled)),
        };
        let Some(code) = self.prog.funcs.get(init.code) else {
            self.stack.truncate(base);
            return Ok(obj);
        };
        self.stack.insert(base, obj.clone());
        let r = match kws {
            Some(kws) => self.call_user_kw(code, &init, base, kws)?,
            None => self.call_user(code, &init, base)?,
        };
        if !matches!(r, Value::None) {
            return Err(type_error(format!(
                "__init__() should return None, not '{}'",
                r.type_name()
            )));
        }
        Ok(obj)
    }

    /// `super().name` and `super().name(args)`: the method's first
    /// parameter, seen from the base of the class its `__class__` cell
    /// holds.
    #[inline(never)]
    pub(super) fn super_attr(&mut self, s: &'p SuperEx, frame: &mut Frame<'p>) -> Res<Value> {
        if s.in_comprehension && frame.cell.is_some() {
            return Err(type_error(
                "super(type, obj): obj must be an instance or subtype of type".into(),
            ));
        }
        let first = s
            .self_slot
            .and_then(|i| frame.slots.get(i).cloned().flatten());
        if let (Some(Value::Class(k)), Some(cell)) = (&first, &frame.cell) {
            let f = super_of_class(s, k, cell)?;
            return self.super_call(s, f, frame);
        }
        let (Some(Value::Instance(o)), Some(cell)) = (first, &frame.cell) else {
            // No method, or `super()` of a class or another value.
            return Err(poison(Poison::Unmodelled));
        };
        let t = o.class().clone();
        let obj = Value::Instance(o);
        let cls = cell.borrow().upgrade();
        // A dead class has no instances left: the check fails, as CPython's.
        let Some(cls) = cls.filter(|c| t.derives_from(c)) else {
            return Err(type_error(
                "super(type, obj): obj must be an instance or subtype of type".into(),
            ));
        };
        if &*s.name == "__class__" {
            return Err(poison(Poison::Unmodelled));
        }
        let found = cls.base.as_ref().and_then(|b| b.lookup(&s.name));
        let f = match found {
            Some(Found::Attr(Attr::Property(getter, _))) => {
                self.call_function(getter, vec![obj.clone()])?
            }
            Some(Found::Attr(a)) => classes::bind(a, &obj, &t)?,
            // A member descriptor read through `super()`.
            Some(Found::Slot) => return Err(poison(Poison::Unmodelled)),
            None if &*s.name == "__init__" && cls.exc_base.is_some() => {
                let Some(args) = &s.args else {
                    return Err(poison(Poison::Unmodelled));
                };
                // BaseException.__init__: the arguments become `args`.
                let mut vs = Vec::with_capacity(args.len());
                for a in args {
                    vs.push(self.eval(a, frame)?);
                }
                self.charge()?;
                if let Value::Instance(o) = &obj {
                    classes::init_stop_value(o, &vs)?;
                    o.set_exc_args(vs);
                }
                return Ok(Value::None);
            }
            None if &*s.name == "__init__" => {
                let Some(args) = &s.args else {
                    // `object.__init__` as a method-wrapper value.
                    return Err(poison(Poison::Unmodelled));
                };
                let n = self.eval_args(args, frame)?;
                self.charge()?;
                return classes::object_init(&obj, n);
            }
            // CPython's `object` (or built-in exception base) has it.
            None if jitdiff_vm::runtime::cpython_attrs::is_dunder(&s.name) => {
                return Err(poison(Poison::Unmodelled));
            }
            None => {
                return Err(exception(
                    "AttributeError",
                    format!("'super' object has no attribute '{}'", s.name),
                ));
            }
        };
        self.super_call(s, f, frame)
    }

    /// `super().name` is `f`; `super().name(args)` calls it.
    fn super_call(&mut self, s: &'p SuperEx, f: Value, frame: &mut Frame<'p>) -> Res<Value> {
        let Some(args) = &s.args else {
            return Ok(f);
        };
        let base = self.stack.len();
        for a in args {
            let v = self.eval(a, frame)?;
            self.stack.push(v);
        }
        // The VM's LOAD_SUPER_ATTR hands CALL a method's function with its
        // receiver: one unit (see `second_call_unit`). Any other callable
        // it hands under METHOD_CALL_RECEIVER, whose call of a function
        // is a unit of its own.
        if matches!(f, Value::Method(_)) {
            self.charge()?;
            return self.call_charged_once(f, base);
        }
        if matches!(f, Value::Func(_)) {
            self.charge()?;
        }
        self.call(f, base)
    }
}

/// `super().name` in a class method whose first parameter is `k`: `k`
/// seen from the base of the class the method's `__class__` cell holds,
/// a class method bound to `k` (CPython's `super(cls, k)`).
fn super_of_class(s: &SuperEx, k: &Rc<ClassObj>, cell: &ClassCell) -> Res<Value> {
    let cls = cell.borrow().upgrade();
    let Some(cls) = cls.filter(|c| k.derives_from(c)) else {
        return Err(type_error(
            "super(type, obj): obj must be an instance or subtype of type".into(),
        ));
    };
    match cls.base.as_ref().and_then(|b| b.lookup(&s.name)) {
        Some(Found::Attr(Attr::Plain(v) | Attr::Static(v))) => Ok(v),
        Some(Found::Attr(Attr::ClassMethod(v))) => classes::bind_class_method(v, k),
        // The property object itself; a member descriptor.
        Some(Found::Attr(Attr::Property(..)) | Found::Slot) => Err(poison(Poison::Unmodelled)),
        // `object`'s attributes (`__init__`, `__new__`, `mro`...).
        None if &*s.name == "__init__"
            || jitdiff_vm::runtime::cpython_attrs::is_dunder(&s.name) =>
        {
            Err(poison(Poison::Unmodelled))
        }
        None => Err(exception(
            "AttributeError",
            format!("'super' object has no attribute '{}'", s.name),
        )),
    }
}

/// `x.__class__` for a value of a builtin type the language names;
/// any other type (`bool`, `NoneType`, `function`...) is not modelled.
/// `type(x)`: `x.__class__` of any value.
pub(super) fn class_of(x: &Value) -> Res<Value> {
    match x {
        Value::Instance(o) => Ok(Value::Class(o.class().clone())),
        _ => builtin_class(x),
    }
}

/// `x.__class__` of a value that is not an instance: its type where the
/// language has it as a value, else unmodelled (None, a function...).
fn builtin_class(x: &Value) -> Res<Value> {
    let b = match x {
        Value::Int(_) => Builtin::Int,
        Value::Bool(_) => Builtin::Bool,
        Value::Set(_) => Builtin::Set,
        Value::Float(_) => Builtin::Float,
        Value::Str(_) => Builtin::Str,
        Value::List(_) => Builtin::List,
        Value::Tuple(_) => Builtin::Tuple,
        Value::Dict(_) => Builtin::Dict,
        Value::Range(_) => Builtin::Range,
        Value::Exc(e) => Builtin::Exc(e.class),
        _ => return Err(poison(Poison::Unmodelled)),
    };
    Ok(Value::Builtin(b))
}

/// Whether the attribute builtins model `obj`'s attribute `name`: the
/// VM's rule (`tier1/attr_builtins.rs`): instances and classes, no dunder
/// name but `__enter__` and `__exit__` (plain methods, which `object`
/// lacks), no exception class.
fn attribute_modelled(obj: &Value, name: &str) -> bool {
    let class = match obj {
        Value::Instance(o) => o.class().clone(),
        Value::Class(c) => c.clone(),
        _ => return false,
    };
    let dunder = name.len() > 4 && name.starts_with("__") && name.ends_with("__");
    (!dunder || name == "__enter__" || name == "__exit__") && class.exc_base.is_none()
}

/// Whether `e` is an AttributeError (or of a subclass).
fn is_attribute_error(e: &Stop) -> bool {
    let index = exceptions::CLASSES
        .iter()
        .position(|(n, _)| *n == "AttributeError");
    match (e, index) {
        (Stop::Exception { kind, .. }, _) => *kind == "AttributeError",
        (Stop::Raised(v), Some(i)) => exceptions::is_a(v, i as u8),
        _ => false,
    }
}

impl<'p> Interp<'p> {
    fn attribute_name(v: &Value) -> Res<Rc<str>> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            other => Err(type_error(format!(
                "attribute name must be string, not '{}'",
                other.type_name()
            ))),
        }
    }

    /// `obj.<name>` for `getattr`/`hasattr`; an AttributeError is `None`
    /// when `catch`.
    fn attribute_by_name(&mut self, obj: &Value, name: &str, catch: bool) -> Res<Option<Value>> {
        if !attribute_modelled(obj, name) {
            return Err(poison(Poison::Unmodelled));
        }
        match self.get_attr(obj.clone(), &Meth::parse(name)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if catch && is_attribute_error(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `getattr(obj, name[, default])`.
    pub(super) fn getattr_builtin(&mut self, base: usize) -> Res<Value> {
        let args = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let n = args.len();
        if n < 2 {
            return Err(type_error(format!(
                "getattr expected at least 2 arguments, got {n}"
            )));
        }
        if n > 3 {
            return Err(type_error(format!(
                "getattr expected at most 3 arguments, got {n}"
            )));
        }
        let name = Self::attribute_name(&args[1])?;
        let found = self.attribute_by_name(&args[0], &name, n == 3)?;
        Ok(found.unwrap_or_else(|| args[2].clone()))
    }

    /// `hasattr(obj, name)`.
    pub(super) fn hasattr_builtin(&mut self, base: usize) -> Res<Value> {
        let args = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let [obj, name] = &args[..] else {
            return Err(type_error(format!(
                "hasattr expected 2 arguments, got {}",
                args.len()
            )));
        };
        let name = Self::attribute_name(name)?;
        Ok(Value::Bool(
            self.attribute_by_name(obj, &name, true)?.is_some(),
        ))
    }

    /// `setattr(obj, name, value)`: only an attribute the object already
    /// has (its own, or its class's along the chain); a new one poisons,
    /// as in the VM.
    pub(super) fn setattr_builtin(&mut self, base: usize) -> Res<Value> {
        let args = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let [obj, name, value] = &args[..] else {
            return Err(type_error(format!(
                "setattr expected 3 arguments, got {}",
                args.len()
            )));
        };
        let name = Self::attribute_name(name)?;
        if !attribute_modelled(obj, &name) {
            return Err(poison(Poison::Unmodelled));
        }
        let has = match obj {
            Value::Instance(o) => {
                o.has_own(&name)
                    || o.class()
                        .lookup(&name)
                        .is_some_and(|f| !matches!(f, Found::Slot))
            }
            Value::Class(c) => c.lookup(&name).is_some_and(|f| !matches!(f, Found::Slot)),
            _ => false,
        };
        if !has {
            return Err(poison(Poison::Unmodelled));
        }
        self.set_attr(obj, &name, value.clone())?;
        Ok(Value::None)
    }
}

/// `callable(x)`: functions, classes, methods and the builtins; an
/// instance never (the language has no `__call__`).
pub(super) fn callable(args: &[Value]) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "callable() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    Ok(Value::Bool(match x {
        Value::Func(_)
        | Value::Builtin(_)
        | Value::Bound(_)
        | Value::Descr(_)
        | Value::Math(_)
        | Value::Class(_)
        | Value::Method(_) => true,
        // CPython's `tp_call`: set when the class has `__call__`.
        Value::Instance(o) => o.class().lookup("__call__").is_some(),
        Value::Rand(r) => *r != super::super::random::RandFn::Module,
        Value::Arr(a) => matches!(a, super::super::array::Arr::Type),
        Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::None
        | Value::NotImplemented
        | Value::Str(_)
        | Value::Module
        | Value::Range(_)
        | Value::Tuple(_)
        | Value::List(_)
        | Value::Dict(_)
        | Value::View(_)
        | Value::Iter(_)
        | Value::Exc(_)
        | Value::Set(_)
        | Value::Gen(_) => false,
    }))
}
