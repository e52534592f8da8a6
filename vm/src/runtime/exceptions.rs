//! Built-in exception classes and exception objects, for `raise`,
//! `assert` and `except`.
//!
//! The built-in classes are immediates (`EXC_FIRST..`) named in the
//! builtins; an object of one is `[hdr][class: immediate][args: Tuple]
//! [flags]`. A user exception class is a class (`class.rs`) whose
//! `TYPE_EXC` names the built-in class it derives from; its instances keep
//! `args` in value slot 0. Errors the runtime raises travel as
//! `Raise::Exc { kind, message }` and become objects only when a handler
//! catches them ([`materialize`]).

use super::arena::Arena;
use super::object::{self, Kind};
use super::value::Value;
use super::{Raise, seq};

/// The built-in exception classes the language has: (name, base), the base
/// an index into this table (`BaseException` is its own root).
pub const CLASSES: [(&str, usize); 18] = [
    ("BaseException", 0),
    ("Exception", 0),
    ("ArithmeticError", 1),
    ("LookupError", 1),
    ("ZeroDivisionError", 2),
    ("OverflowError", 2),
    ("ValueError", 1),
    ("TypeError", 1),
    ("NameError", 1),
    ("UnboundLocalError", 8),
    ("IndexError", 3),
    ("KeyError", 3),
    ("AttributeError", 1),
    ("RuntimeError", 1),
    ("NotImplementedError", 13),
    ("RecursionError", 13),
    ("AssertionError", 1),
    ("StopIteration", 1),
];

/// `AssertionError`, which `assert` raises whatever the name is bound to.
pub const ASSERTION_ERROR: Value = class_value(16);

/// The immediate tag of the first class.
pub const EXC_FIRST: u64 = 100;

pub const EXC_CLASS: u64 = 8;
pub const EXC_ARGS: u64 = 16;
pub const EXC_FLAGS: u64 = 24;
pub const EXC_WORDS: usize = 4;
/// `EXC_FLAGS`: a KeyError the runtime raised, whose one arg is already
/// the key's repr (the runtime's message; the key itself is gone).
pub const KEY_TEXT: u64 = 1;

/// Class `i` of [`CLASSES`] as a value.
pub const fn class_value(i: usize) -> Value {
    Value(((EXC_FIRST + i as u64) << 2) | 2)
}

/// The index in [`CLASSES`] of an exception class value.
pub fn class_index(v: Value) -> Option<usize> {
    if v.0 & 3 != 2 {
        return None;
    }
    let k = (v.0 >> 2).checked_sub(EXC_FIRST)? as usize;
    (k < CLASSES.len()).then_some(k)
}

pub fn is_class(v: Value) -> bool {
    class_index(v).is_some()
}

pub fn class_name(v: Value) -> &'static str {
    class_index(v).map_or("?", |i| CLASSES[i].0)
}

/// The class named `name`, if the language has it.
pub fn class_named(name: &str) -> Option<Value> {
    CLASSES
        .iter()
        .position(|(n, _)| *n == name)
        .map(class_value)
}

/// Whether `e` raises built-in exception class `name` or a subclass of it:
/// made by the runtime ([`Raise::Exc`]), or an exception object raised by
/// value (a user subclass too: its view names the built-in it derives
/// from).
pub fn raises(e: &Raise, name: &str) -> bool {
    match e {
        Raise::Exc { kind, .. } => *kind == name,
        Raise::Thrown(v) => {
            let class = class_named(name);
            view(*v).is_some_and(|e| Some(e.builtin) == class)
        }
        _ => false,
    }
}

/// Whether class `sub` is `sup` or derives from it.
pub fn is_subclass(sub: Value, sup: Value) -> bool {
    let (Some(mut i), Some(j)) = (class_index(sub), class_index(sup)) else {
        return false;
    };
    loop {
        if i == j {
            return true;
        }
        let base = CLASSES[i].1;
        if base == i {
            return false;
        }
        i = base;
    }
}

pub fn is_exception(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Exception
}

/// `cls(*args)`: a new exception object (`args` rooted by the caller).
pub fn new(arena: &mut Arena, cls: Value, args: &[Value]) -> Result<Value, Raise> {
    let tuple = seq::new_tuple(arena, args)?;
    arena.roots.temps.push(tuple);
    let addr = arena.alloc(Kind::Exception, EXC_WORDS);
    arena.roots.temps.pop();
    let addr = addr?;
    // SAFETY: freshly allocated Exception.
    unsafe {
        object::write(addr, EXC_CLASS, cls.0);
        object::write(addr, EXC_ARGS, tuple.0);
    }
    Ok(Value(addr))
}

/// An exception object's class and args tuple.
pub fn parts(e: Value) -> (Value, Value) {
    // SAFETY: a live Exception.
    unsafe {
        (
            Value(object::read(e.0, EXC_CLASS)),
            Value(object::read(e.0, EXC_ARGS)),
        )
    }
}

/// What `str`, `repr`, `except` and `isinstance` need of an exception
/// value, built-in or user.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// The class: an immediate or a user class.
    pub class: Value,
    /// The built-in class it is or derives from.
    pub builtin: Value,
    pub name: &'static str,
    /// The args tuple (a user instance may have rebound it to anything).
    pub args: Value,
    pub key_text: bool,
}

/// `v` as an exception, if it is one.
pub fn view(v: Value) -> Option<View> {
    if is_exception(v) {
        let (cls, args) = parts(v);
        // SAFETY: a live Exception.
        let flags = unsafe { object::read(v.0, EXC_FLAGS) };
        return Some(View {
            class: cls,
            builtin: cls,
            name: class_name(cls),
            args,
            key_text: flags & KEY_TEXT != 0,
        });
    }
    if super::class::is_exception_instance(v) {
        let t = super::class::type_of(v);
        return Some(View {
            class: t,
            builtin: super::class::exc_base(t),
            name: super::class::name(t),
            args: super::class::value_at(v, 0),
            key_text: false,
        });
    }
    None
}

/// Whether `v` is an exception value (built-in object or user instance).
pub fn is_exception_value(v: Value) -> bool {
    view(v).is_some()
}

/// Whether `t` is an exception class (built-in or user).
pub fn is_exception_class(t: Value) -> bool {
    is_class(t) || (super::class::is_type(t) && !super::class::exc_base(t).is_null())
}

/// Whether exception class `sub` (built-in or user) is `sup` or derives
/// from it.
pub fn class_derives(sub: Value, sup: Value) -> bool {
    match (is_class(sub), is_class(sup)) {
        (true, true) => is_subclass(sub, sup),
        (true, false) => false,
        (false, true) => is_subclass(super::class::exc_base(sub), sup),
        (false, false) => super::class::is_subclass(sub, sup),
    }
}

/// CHECK_EXC_MATCH: whether exception `exc` matches an `except` clause's
/// class or tuple of classes; CPython's TypeError for anything else.
pub fn matches(exc: Value, typ: Value) -> Result<bool, Raise> {
    let Some(e) = view(exc) else {
        return Err(Raise::Internal(
            "CHECK_EXC_MATCH without an exception".into(),
        ));
    };
    let classes: Vec<Value> = if seq::is_tuple(typ) {
        (0..seq::len(typ)).map(|i| seq::get(typ, i)).collect()
    } else {
        vec![typ]
    };
    if classes.iter().any(|c| !is_exception_class(*c)) {
        return Err(Raise::type_error(
            "catching classes that do not inherit from BaseException is not allowed".into(),
        ));
    }
    Ok(classes.iter().any(|c| class_derives(e.class, *c)))
}

/// A caught runtime error as an exception object: its message is its one
/// arg (none when empty: an exhausted iterator's StopIteration).
pub fn materialize(arena: &mut Arena, kind: &str, message: &str) -> Result<Value, Raise> {
    let Some(cls) = class_named(kind) else {
        return Err(Raise::Internal(format!("no exception class named {kind}")));
    };
    if message.is_empty() {
        return new(arena, cls, &[]);
    }
    let text = super::strs::new(arena, message)?;
    arena.roots.temps.push(text);
    let e = new(arena, cls, &[text]);
    arena.roots.temps.pop();
    let e = e?;
    if kind == "KeyError" {
        // SAFETY: a live Exception.
        unsafe { object::write(e.0, EXC_FLAGS, KEY_TEXT) };
    }
    Ok(e)
}

/// The text of a runtime KeyError whose key's repr the runtime cannot make
/// (it runs a user `__repr__`): CPython makes it only when the error is
/// shown, and so does the reference, which poisons then. Showing one
/// (`str`, `repr`, uncaught) poisons here too; catching it does not. No
/// repr holds a NUL.
pub const UNSHOWN_KEY: &str = "\u{0}a key whose repr runs Python\u{0}";

/// Poisons for a KeyError text that is [`UNSHOWN_KEY`].
pub fn check_shown(text: &str) -> Result<(), Raise> {
    if text == UNSHOWN_KEY {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    Ok(())
}

/// `str(e)`: empty for no args, the one arg's `str()` (`repr()` for
/// KeyError), or the args tuple's repr. `text` renders a value.
pub fn str_of(
    e: Value,
    text: &dyn Fn(Value, bool) -> Result<String, Raise>,
) -> Result<String, Raise> {
    let v = view(e).ok_or_else(|| Raise::Internal("str of a non-exception".into()))?;
    let args = checked_args(&v)?;
    if v.key_text && seq::len(args) == 1 {
        check_shown(super::strs::text(seq::get(args, 0)))?;
    }
    match seq::len(args) {
        0 => Ok(String::new()),
        1 => text(
            seq::get(args, 0),
            class_name(v.builtin) == "KeyError" && !v.key_text,
        ),
        _ => text(args, true),
    }
}

/// The args tuple; a user instance whose `args` was rebound to something
/// else is outside the language (CPython converts it with `tuple()`).
fn checked_args(v: &View) -> Result<Value, Raise> {
    if v.args.is_null() || !seq::is_tuple(v.args) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    Ok(v.args)
}

/// What `raise v` raises when `v` is a built-in exception class or object
/// (user classes are instantiated by the caller first): the object itself,
/// a class instantiated with no arguments.
pub fn to_raise(arena: &mut Arena, v: Value) -> Raise {
    let e = if is_class(v) {
        match new(arena, v, &[]) {
            Ok(e) => e,
            Err(r) => return r,
        }
    } else if is_exception_value(v) {
        v
    } else {
        return Raise::type_error("exceptions must derive from BaseException".into());
    };
    arena.roots.thrown = e;
    Raise::Thrown(e)
}

/// `repr(e)`: `ValueError('x')`, `ValueError()`, `ValueError(1, 2)`.
pub fn repr_of(e: Value, repr: &dyn Fn(Value) -> Result<String, Raise>) -> Result<String, Raise> {
    let v = view(e).ok_or_else(|| Raise::Internal("repr of a non-exception".into()))?;
    let args = checked_args(&v)?;
    if v.key_text {
        check_shown(super::strs::text(seq::get(args, 0)))?;
        return Ok(format!(
            "{}({})",
            v.name,
            super::strs::text(seq::get(args, 0))
        ));
    }
    let items = (0..seq::len(args))
        .map(|i| repr(seq::get(args, i)))
        .collect::<Result<Vec<_>, _>>()?;
    // A one-arg tuple's repr has no trailing comma here (CPython's
    // BaseException_repr).
    Ok(format!("{}({})", v.name, items.join(", ")))
}

/// How an uncaught exception ends the run: its class name and `str()`.
pub fn ending_of(
    e: Value,
    text: &dyn Fn(Value, bool) -> Result<String, Raise>,
) -> Result<(&'static str, String), Raise> {
    let v = view(e).ok_or_else(|| Raise::Internal("an uncaught non-exception".into()))?;
    Ok((v.name, str_of(e, text)?))
}
