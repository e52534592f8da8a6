//! The `array` module, as far as a pyperformance raytracer kernel uses it
//! (CPython 3.11's `arraymodule.c`): `import array`, `array.array('B',
//! initializer)` (unsigned bytes; the other typecodes poison), `a[i]`,
//! `a[i] = v`, `len`, truth, iteration, `repr`/`str`. Everything else of an
//! array (its methods and attributes, slices, comparisons, `in`, hashing,
//! `+` and `*`, the builtins outside [`builtin_takes_arrays`]) poisons as
//! unmodelled rather than guess.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use jitdiff_vm::lang::outcome::Poison;

use super::eval::{Res, exception, poison, type_error, value_error};
use super::value::{Builtin, Int, Value};

/// The array module, its `array` type, or an array.
#[derive(Clone, Debug)]
pub enum Arr {
    Module,
    Type,
    Obj(Rc<ArrayObj>),
}

/// An `array('B', ...)`: its bytes.
#[derive(Debug, Default)]
pub struct ArrayObj {
    pub items: RefCell<Vec<u8>>,
}

impl Arr {
    pub fn type_name(&self) -> &'static str {
        match self {
            Arr::Module => "module",
            Arr::Type => "type",
            Arr::Obj(_) => "array.array",
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Arr::Obj(a) => !a.items.borrow().is_empty(),
            _ => true,
        }
    }

    /// `x is y`.
    pub fn is(&self, other: &Arr) -> bool {
        match (self, other) {
            (Arr::Module, Arr::Module) | (Arr::Type, Arr::Type) => true,
            (Arr::Obj(a), Arr::Obj(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Display for Arr {
    /// The repr (also the str). CPython's module repr names the file it
    /// was loaded from where the module is not built in: the harnesses
    /// show it as built in.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arr::Module => f.write_str("<module 'array' (built-in)>"),
            Arr::Type => f.write_str("<class 'array.array'>"),
            Arr::Obj(a) => {
                let items = a.items.borrow();
                if items.is_empty() {
                    return f.write_str("array('B')");
                }
                f.write_str("array('B', [")?;
                for (i, b) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{b}")?;
                }
                f.write_str("])")
            }
        }
    }
}

/// Whether `v` is an array (not the module or the type).
pub fn is_array(v: &Value) -> bool {
    matches!(v, Value::Arr(Arr::Obj(_)))
}

/// `array.attr`: only `array.array` is modelled.
pub fn module_attr(name: &str) -> Res<Value> {
    match name {
        "array" => Ok(Value::Arr(Arr::Type)),
        _ => Err(poison(Poison::Unmodelled)),
    }
}

/// The typecode argument: `'B'`, or CPython's errors (other valid
/// typecodes poison).
pub fn check_typecode(v: &Value) -> Res<()> {
    let Value::Str(s) = v else {
        return Err(type_error(format!(
            "array() argument 1 must be a unicode character, not {}",
            v.type_name()
        )));
    };
    match &**s {
        "B" => Ok(()),
        "b" | "u" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d" => {
            Err(poison(Poison::Unmodelled))
        }
        t if t.len() == 1 => Err(value_error(
            "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)".into(),
        )),
        _ => Err(type_error(format!(
            "array() argument 1 must be a unicode character, not {}",
            v.type_name()
        ))),
    }
}

/// An item stored into a `'B'` array: an int (bool included) in 0..=255.
pub fn check_byte(v: &Value) -> Res<u8> {
    let Some(i) = v.as_int() else {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        )));
    };
    match i {
        Int::Small(n) if n < 0 => Err(exception(
            "OverflowError",
            "unsigned byte integer is less than minimum".into(),
        )),
        Int::Small(n) if n > 255 => Err(exception(
            "OverflowError",
            "unsigned byte integer is greater than maximum".into(),
        )),
        Int::Small(n) => Ok(n as u8),
        // Past a C long: the conversion before the range check fails.
        _ => Err(exception(
            "OverflowError",
            "Python int too large to convert to C long".into(),
        )),
    }
}

/// A new array of `items`.
pub fn make(items: Vec<u8>) -> Value {
    Value::Arr(Arr::Obj(Rc::new(ArrayObj {
        items: RefCell::new(items),
    })))
}

/// The position `index` designates in an array of `len` items (`None`:
/// out of range), or the TypeError of a non-int index.
fn position(index: &Value, len: usize) -> Res<Option<usize>> {
    let Some(i) = index.as_int() else {
        return Err(type_error("array indices must be integers".into()));
    };
    let Int::Small(i) = i else {
        return Err(exception(
            "IndexError",
            "cannot fit 'int' into an index-sized integer".into(),
        ));
    };
    let i = if i < 0 { i + len as i64 } else { i };
    Ok((0..len as i64).contains(&i).then_some(i as usize))
}

/// `a[index]` (a slice poisons before this).
pub fn get(a: &ArrayObj, index: &Value) -> Res<Value> {
    let items = a.items.borrow();
    match position(index, items.len())? {
        Some(i) => Ok(Value::Int(Int::Small(i64::from(items[i])))),
        None => Err(exception("IndexError", "array index out of range".into())),
    }
}

/// `a[index] = v`: the index is checked before the value.
pub fn set(a: &ArrayObj, index: &Value, v: &Value) -> Res<()> {
    let len = a.items.borrow().len();
    let Some(i) = position(index, len)? else {
        return Err(exception(
            "IndexError",
            "array assignment index out of range".into(),
        ));
    };
    let b = check_byte(v)?;
    a.items.borrow_mut()[i] = b;
    Ok(())
}

/// The builtins whose behaviour on an array argument is modelled (they
/// only iterate it, take its length or its repr); any other builtin
/// given an array poisons.
pub fn builtin_takes_arrays(b: Builtin) -> bool {
    matches!(
        b,
        Builtin::Print
            | Builtin::Len
            | Builtin::List
            | Builtin::Tuple
            | Builtin::Sum
            | Builtin::Min
            | Builtin::Max
            | Builtin::Sorted
            | Builtin::Str
            | Builtin::Repr
            | Builtin::Set
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::Iter
    )
}
