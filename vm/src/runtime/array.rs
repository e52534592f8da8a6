//! The `array` module's one type the language has: `array.array('B', ...)`,
//! a fixed-length array of unsigned bytes (what pyperformance's raytracer
//! keeps its canvas in). Its items are small-int Values in a tuple's layout
//! (`[hdr][len][Value * len]`, see [`Kind::ByteArray`]), so lengths, items
//! and iteration share the tuple's code; stores check the byte range as
//! CPython's `B` typecode does. Its other typecodes, methods, slicing and
//! comparisons are outside the language: they poison.

use super::object::{self, Kind, TUPLE_ITEMS, TUPLE_LEN};
use super::{Raise, Value, int, seq, strs, type_name};
use crate::lang::Poison;
use crate::runtime::arena::Arena;

/// CPython's typecodes: all valid, only `B` modelled.
const TYPECODES: &str = "bBuhHiIlLqQfd";

pub fn is_array(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::ByteArray
}

/// `array.X`: the module's attributes.
pub fn attr(name: &str) -> Result<Value, Raise> {
    match name {
        "array" => Ok(Value::ARRAY_ARRAY),
        // `typecodes`, `ArrayType`: real, not modelled.
        "typecodes" | "ArrayType" => Err(Raise::Poison(Poison::Unmodelled)),
        _ => Err(Raise::exc(
            "AttributeError",
            format!("module 'array' has no attribute '{name}'"),
        )),
    }
}

/// `array.array(typecode[, initializer])`; the initializer's items are
/// `items` (collected by the caller, which keeps them rooted).
pub fn new(arena: &mut Arena, typecode: Value, init: Option<&[Value]>) -> Result<Value, Raise> {
    if !strs::is_str(typecode) || strs::text(typecode).len() != 1 {
        return Err(Raise::type_error(format!(
            "array() argument 1 must be a unicode character, not {}",
            type_name(typecode)
        )));
    }
    let code = strs::text(typecode);
    if !TYPECODES.contains(code) {
        return Err(Raise::exc(
            "ValueError",
            "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)".into(),
        ));
    }
    if code != "B" {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    let items = init.unwrap_or_default();
    seq::check_len(items.len())?;
    for v in items {
        check_byte(*v)?;
    }
    // Charged as building a list of the items is.
    seq::charge(arena, items.len());
    let addr = arena.alloc(Kind::ByteArray, 2 + items.len())?;
    // SAFETY: a freshly allocated array of this length.
    unsafe {
        object::write(addr, TUPLE_LEN, items.len() as u64);
        for (i, v) in items.iter().enumerate() {
            object::write(addr, TUPLE_ITEMS + 8 * i as u64, byte_value(*v).0);
        }
    }
    Ok(Value(addr))
}

/// The TypeError for a str initializer (checked before it is iterated).
pub fn str_initializer_error() -> Raise {
    Raise::type_error("cannot use a str to initialize an array with typecode 'B'".into())
}

/// `a[i]`.
pub fn subscript(a: Value, index: Value) -> Result<Value, Raise> {
    let i = array_index(a, index, "array index out of range")?;
    Ok(seq::get(a, i))
}

/// `a[i] = v`.
pub fn store(a: Value, index: Value, v: Value) -> Result<(), Raise> {
    let i = array_index(a, index, "array assignment index out of range")?;
    check_byte(v)?;
    // SAFETY: a live array and an index below its length.
    unsafe { object::write(a.0, TUPLE_ITEMS + 8 * i as u64, byte_value(v).0) };
    Ok(())
}

/// `array('B', [1, 2])`, `array('B')`.
pub fn repr(a: Value) -> String {
    let items: Vec<String> = seq::items(a)
        .iter()
        .map(|v| v.small_value().to_string())
        .collect();
    if items.is_empty() {
        "array('B')".into()
    } else {
        format!("array('B', [{}])", items.join(", "))
    }
}

fn array_index(a: Value, index: Value, out_of_range: &str) -> Result<usize, Raise> {
    if !int::is_int(index) {
        return Err(Raise::type_error("array indices must be integers".into()));
    }
    let i = super::seq_ops::index_value(index, "IndexError")?;
    super::seq_ops::normalize(i, seq::len(a))
        .ok_or_else(|| Raise::exc("IndexError", out_of_range.into()))
}

/// CPython's checks of a `B` item: an int (bool included) in 0..=255.
pub fn check_byte(v: Value) -> Result<(), Raise> {
    if !int::is_int(v) {
        return Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(v)
        )));
    }
    let n = super::seq_ops::index_value(v, "OverflowError");
    match n {
        Ok(n) if (0..=255).contains(&n) => Ok(()),
        Ok(n) if n > 255 => Err(greater()),
        Ok(_) => Err(Raise::exc(
            "OverflowError",
            "unsigned byte integer is less than minimum".into(),
        )),
        // Wider than 64 bits: CPython's conversion to a C long fails first.
        Err(_) => Err(Raise::exc(
            "OverflowError",
            "Python int too large to convert to C long".into(),
        )),
    }
}

fn greater() -> Raise {
    Raise::exc(
        "OverflowError",
        "unsigned byte integer is greater than maximum".into(),
    )
}

/// The item stored for a checked `v` (a bool is stored as its int).
fn byte_value(v: Value) -> Value {
    Value::small(if v.is_bool() {
        (v == Value::TRUE) as i64
    } else {
        v.small_value()
    })
}
