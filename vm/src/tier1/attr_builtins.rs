//! `getattr`, `hasattr`, `setattr` and `callable`, with CPython 3.11's
//! argument checking and messages.
//!
//! The attribute builtins read and write what `obj.name` would, through the
//! same generic paths (properties, class attributes, bound methods), on
//! instances and classes. A name the program never writes as an
//! identifier has no id in its name table: no instance or class can have
//! it (attributes are only ever made by a store naming them), so reading
//! it is CPython's AttributeError. `setattr` stores only an attribute the
//! object already has (checked without running a getter); making a new
//! one poisons, since its name may have no id (the reference poisons
//! alike, by the same rule). Dunder names (`__class__`, `__dict__`...;
//! not `__enter__` and `__exit__`, plain methods here),
//! exception instances and classes (`args`), and any other object (an
//! int's `real`, a list's `append`, a module's function) poison: the
//! language does not model those attribute namespaces by string.

use crate::lang::Poison;
use crate::lang::bytecode::Op;
use crate::runtime::exceptions;
use crate::runtime::object::{self, Kind};
use crate::runtime::{Raise, Value, class, methods, strs, type_name};

use super::Run;

impl Run<'_> {
    /// The attribute name argument as a str's text (CPython's TypeError
    /// for anything else).
    fn attribute_name(v: Value) -> Result<String, Raise> {
        if strs::is_str(v) {
            Ok(strs::text(v).to_string())
        } else {
            Err(Raise::type_error(format!(
                "attribute name must be string, not '{}'",
                type_name(v)
            )))
        }
    }

    /// Whether the attribute builtins model `obj`'s attribute `name`
    /// (see the module comment).
    fn attribute_modelled(obj: Value, name: &str) -> bool {
        let t = if class::is_instance(obj) {
            class::type_of(obj)
        } else if class::is_type(obj) {
            obj
        } else {
            return false;
        };
        // `__enter__` and `__exit__` are plain methods here, and `object`
        // has neither (a `with` asks for them: `lang/parse_with.rs`).
        let dunder = name.len() > 4 && name.starts_with("__") && name.ends_with("__");
        let plain = matches!(name, "__enter__" | "__exit__");
        (!dunder || plain) && class::exc_base(t).is_null()
    }

    /// `obj.<name>` for the attribute builtins.
    fn attribute_by_name(&mut self, obj: Value, name: &str) -> Result<Value, Raise> {
        if !Self::attribute_modelled(obj, name) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        match self.program.name_id(name) {
            Some(id) => {
                let out = self.stack_op(Op::LoadAttr, id, &[obj])?;
                out.first()
                    .copied()
                    .ok_or_else(|| Raise::Internal("LOAD_ATTR gave no value".into()))
            }
            None if class::is_type(obj) => Err(Raise::exc(
                "AttributeError",
                format!(
                    "type object '{}' has no attribute '{name}'",
                    class::name(obj)
                ),
            )),
            None => Err(Raise::exc(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", type_name(obj)),
            )),
        }
    }

    /// Runs `f` with `obj` rooted; an AttributeError it raises becomes
    /// `Ok(None)` (its exception object, if any, is dropped).
    fn catching_attribute_error(&mut self, obj: Value, name: &str) -> Result<Option<Value>, Raise> {
        self.arena.roots.temps.push(obj);
        let r = self.attribute_by_name(obj, name);
        self.arena.roots.temps.pop();
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) if exceptions::raises(&e, "AttributeError") => {
                self.error_handled();
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `getattr(obj, name[, default])`.
    pub(crate) fn getattr_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let n = args.len();
        if n < 2 {
            return Err(Raise::type_error(format!(
                "getattr expected at least 2 arguments, got {n}"
            )));
        }
        if n > 3 {
            return Err(Raise::type_error(format!(
                "getattr expected at most 3 arguments, got {n}"
            )));
        }
        let name = Self::attribute_name(args[1])?;
        match args.get(2) {
            None => self.attribute_by_name(args[0], &name),
            Some(&default) => {
                self.arena.roots.temps.push(default);
                let r = self.catching_attribute_error(args[0], &name);
                self.arena.roots.temps.pop();
                Ok(r?.unwrap_or(default))
            }
        }
    }

    /// `hasattr(obj, name)`: whether reading it raises no AttributeError.
    pub(crate) fn hasattr_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let &[obj, name] = args else {
            return Err(Raise::type_error(format!(
                "hasattr expected 2 arguments, got {}",
                args.len()
            )));
        };
        let name = Self::attribute_name(name)?;
        Ok(Value::bool(
            self.catching_attribute_error(obj, &name)?.is_some(),
        ))
    }

    /// `setattr(obj, name, value)`: `obj.<name> = value`.
    pub(crate) fn setattr_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let &[obj, name, value] = args else {
            return Err(Raise::type_error(format!(
                "setattr expected 3 arguments, got {}",
                args.len()
            )));
        };
        let name = Self::attribute_name(name)?;
        if !Self::attribute_modelled(obj, &name) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        // Only an attribute the object has: its own value, or one its
        // class (or a base) holds. A new one poisons.
        let id = self.program.name_id(&name);
        let has = id.is_some_and(|id| {
            let t = if class::is_instance(obj) {
                class::type_of(obj)
            } else {
                obj
            };
            class::lookup(t, id).is_some()
                || (class::is_instance(obj) && self.instance_has(obj, id))
        });
        match id {
            Some(id) if has => {
                self.stack_op(Op::StoreAttr, id, &[value, obj])?;
                Ok(Value::NONE)
            }
            _ => Err(Raise::Poison(Poison::Unmodelled)),
        }
    }

    /// `callable(x)`: functions, classes, bound methods and the builtins;
    /// an instance never (the language has no `__call__`).
    pub(crate) fn callable_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let &[x] = args else {
            return Err(Raise::type_error(format!(
                "callable() takes exactly one argument ({} given)",
                args.len()
            )));
        };
        // Heap objects: functions, classes, bound methods and instances of a
        // class with `__call__`; immediates:
        // the builtins (exception classes among them), method descriptors,
        // the math and random functions and `array.array`.
        let callable = if x.is_ptr() {
            match object::kind_of(x) {
                Kind::Function | Kind::Type | Kind::BoundMethod => true,
                // CPython's `tp_call`: set when the class (along its MRO)
                // has `__call__`, whatever its value.
                Kind::Instance => self.program.name_id("__call__").is_some_and(|id| {
                    crate::runtime::class::lookup(crate::runtime::class::type_of(x), id).is_some()
                }),
                _ => false,
            }
        } else {
            x.is_builtin()
                || exceptions::is_class(x)
                || methods::is_method(x)
                || crate::runtime::math::is_function(x)
                || crate::runtime::random::is_function(x)
                || x == Value::ARRAY_ARRAY
        };
        Ok(Value::bool(callable))
    }
}
