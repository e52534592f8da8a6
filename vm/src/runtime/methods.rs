//! Methods of lists and tuples. `LOAD_METHOD` looks a method up by the
//! receiver's type and name and pushes it as an immediate value below the
//! receiver (CPython 3.11's `[method, self]` pair), so `CALL n + 1` calls it
//! with the receiver first. The same immediate read from the type
//! (`str.lower`) is a value of its own, CPython's method descriptor
//! ([`descriptor`]), called with the receiver as its first argument.

use ibig::IBig;

use super::arena::Arena;
use super::object::{self, Kind};
use super::seq::{self, charge, check_len, collect, get, is_list, is_tuple, len, rooted};
use super::seq_ops::normalize;
use super::value::{BUILTINS, Value};
use super::{Raise, int, range, type_name};

/// `(receiver type, method name, method value)`.
pub const METHODS: [(&str, &str, Value); 90] = [
    ("list", "append", Value::METHOD_LIST_APPEND),
    ("list", "pop", Value::METHOD_LIST_POP),
    ("list", "insert", Value::METHOD_LIST_INSERT),
    ("list", "extend", Value::METHOD_LIST_EXTEND),
    ("list", "index", Value::METHOD_LIST_INDEX),
    ("list", "count", Value::METHOD_LIST_COUNT),
    ("list", "reverse", Value::METHOD_LIST_REVERSE),
    ("tuple", "index", Value::METHOD_TUPLE_INDEX),
    ("tuple", "count", Value::METHOD_TUPLE_COUNT),
    ("range", "index", Value::METHOD_RANGE_INDEX),
    ("range", "count", Value::METHOD_RANGE_COUNT),
    ("str", "join", Value::METHOD_STR_JOIN),
    ("str", "split", Value::METHOD_STR_SPLIT),
    ("str", "strip", Value::METHOD_STR_STRIP),
    ("str", "upper", Value::METHOD_STR_UPPER),
    ("str", "lower", Value::METHOD_STR_LOWER),
    ("str", "replace", Value::METHOD_STR_REPLACE),
    ("str", "startswith", Value::METHOD_STR_STARTSWITH),
    ("str", "endswith", Value::METHOD_STR_ENDSWITH),
    ("str", "find", Value::METHOD_STR_FIND),
    ("str", "count", Value::METHOD_STR_COUNT),
    ("str", "index", Value::METHOD_STR_INDEX),
    ("dict", "get", Value::METHOD_DICT_GET),
    ("dict", "keys", Value::METHOD_DICT_KEYS),
    ("dict", "values", Value::METHOD_DICT_VALUES),
    ("dict", "items", Value::METHOD_DICT_ITEMS),
    ("dict", "pop", Value::METHOD_DICT_POP),
    ("dict", "setdefault", Value::METHOD_DICT_SETDEFAULT),
    ("dict", "update", Value::METHOD_DICT_UPDATE),
    ("dict", "clear", Value::METHOD_DICT_CLEAR),
    ("dict", "copy", Value::METHOD_DICT_COPY),
    ("list", "sort", Value::METHOD_LIST_SORT),
    ("set", "add", Value::METHOD_SET_ADD),
    ("set", "discard", Value::METHOD_SET_DISCARD),
    ("set", "remove", Value::METHOD_SET_REMOVE),
    ("set", "pop", Value::METHOD_SET_POP),
    ("set", "clear", Value::METHOD_SET_CLEAR),
    ("set", "copy", Value::METHOD_SET_COPY),
    ("set", "update", Value::METHOD_SET_UPDATE),
    ("str", "lstrip", Value::METHOD_STR_LSTRIP),
    ("str", "rstrip", Value::METHOD_STR_RSTRIP),
    ("str", "isdigit", Value::METHOD_STR_ISDIGIT),
    ("str", "isalpha", Value::METHOD_STR_ISALPHA),
    ("str", "isalnum", Value::METHOD_STR_ISALNUM),
    ("str", "isspace", Value::METHOD_STR_ISSPACE),
    ("str", "isupper", Value::METHOD_STR_ISUPPER),
    ("str", "islower", Value::METHOD_STR_ISLOWER),
    ("str", "istitle", Value::METHOD_STR_ISTITLE),
    ("str", "isdecimal", Value::METHOD_STR_ISDECIMAL),
    ("str", "isnumeric", Value::METHOD_STR_ISNUMERIC),
    ("str", "isidentifier", Value::METHOD_STR_ISIDENTIFIER),
    ("str", "isascii", Value::METHOD_STR_ISASCII),
    ("str", "isprintable", Value::METHOD_STR_ISPRINTABLE),
    ("str", "title", Value::METHOD_STR_TITLE),
    ("str", "capitalize", Value::METHOD_STR_CAPITALIZE),
    ("str", "swapcase", Value::METHOD_STR_SWAPCASE),
    ("str", "casefold", Value::METHOD_STR_CASEFOLD),
    ("str", "ljust", Value::METHOD_STR_LJUST),
    ("str", "rjust", Value::METHOD_STR_RJUST),
    ("str", "center", Value::METHOD_STR_CENTER),
    ("str", "zfill", Value::METHOD_STR_ZFILL),
    ("str", "partition", Value::METHOD_STR_PARTITION),
    ("str", "rpartition", Value::METHOD_STR_RPARTITION),
    ("str", "rfind", Value::METHOD_STR_RFIND),
    ("str", "rindex", Value::METHOD_STR_RINDEX),
    ("str", "rsplit", Value::METHOD_STR_RSPLIT),
    ("str", "splitlines", Value::METHOD_STR_SPLITLINES),
    ("str", "removeprefix", Value::METHOD_STR_REMOVEPREFIX),
    ("str", "removesuffix", Value::METHOD_STR_REMOVESUFFIX),
    ("str", "format", Value::METHOD_STR_FORMAT),
    ("list", "remove", Value::METHOD_LIST_REMOVE),
    ("list", "clear", Value::METHOD_LIST_CLEAR),
    ("list", "copy", Value::METHOD_LIST_COPY),
    ("dict", "popitem", Value::METHOD_DICT_POPITEM),
    ("int", "bit_length", Value::METHOD_INT_BIT_LENGTH),
    // A bool is an int: `True.bit_length()`.
    ("bool", "bit_length", Value::METHOD_INT_BIT_LENGTH),
    ("int", "bit_count", Value::METHOD_INT_BIT_COUNT),
    ("bool", "bit_count", Value::METHOD_INT_BIT_COUNT),
    ("float", "is_integer", Value::METHOD_FLOAT_IS_INTEGER),
    ("set", "union", Value::METHOD_SET_UNION),
    ("set", "intersection", Value::METHOD_SET_INTERSECTION),
    ("set", "difference", Value::METHOD_SET_DIFFERENCE),
    (
        "set",
        "symmetric_difference",
        Value::METHOD_SET_SYMMETRIC_DIFFERENCE,
    ),
    (
        "set",
        "intersection_update",
        Value::METHOD_SET_INTERSECTION_UPDATE,
    ),
    (
        "set",
        "difference_update",
        Value::METHOD_SET_DIFFERENCE_UPDATE,
    ),
    (
        "set",
        "symmetric_difference_update",
        Value::METHOD_SET_SYMMETRIC_DIFFERENCE_UPDATE,
    ),
    ("set", "issubset", Value::METHOD_SET_ISSUBSET),
    ("set", "issuperset", Value::METHOD_SET_ISSUPERSET),
    ("set", "isdisjoint", Value::METHOD_SET_ISDISJOINT),
    // Resumes a frame: only the VM can call it (`Run::gen_send`).
    ("generator", "send", Value::METHOD_GENERATOR_SEND),
];

pub fn is_method(v: Value) -> bool {
    METHODS.iter().any(|(_, _, m)| *m == v)
}

/// The name of method `m`.
pub fn name_of(m: Value) -> &'static str {
    METHODS
        .iter()
        .find(|(_, _, x)| *x == m)
        .map_or("?", |(_, n, _)| n)
}

/// `str.lower`, a method read from its builtin type: CPython's method
/// descriptor, which is the method immediate itself here (a value like
/// any builtin: it prints as `<method 'lower' of 'str' objects>` and is
/// called with the receiver first, [`descriptor_args`]). None when
/// `receiver` is no builtin type or its type has no such method.
pub fn descriptor(receiver: Value, name: &str) -> Option<Value> {
    if type_name(receiver) != "type" {
        return None;
    }
    let (class, _) = BUILTINS.iter().find(|(_, b)| *b == receiver)?;
    METHODS
        .iter()
        .find(|(t, n, _)| t == class && *n == name)
        .map(|(_, _, m)| *m)
}

/// The type method `m` belongs to (`"str"` for `str.lower`).
pub fn owner_of(m: Value) -> &'static str {
    METHODS
        .iter()
        .find(|(_, _, x)| *x == m)
        .map_or("?", |(t, _, _)| t)
}

/// Whether `v` is a value of builtin type `ty` (never an instance of a
/// user class, whatever its name).
fn is_of_type(v: Value, ty: &str) -> bool {
    match ty {
        "list" => is_list(v),
        "tuple" => is_tuple(v),
        "range" => v.is_ptr() && object::kind_of(v) == Kind::Range,
        "str" => super::strs::is_str(v),
        "dict" => super::pydict::is_dict(v),
        "set" => super::pyset::is_set(v),
        "int" => int::is_int(v),
        "bool" => v.is_bool(),
        "float" => super::float::is_float(v),
        "generator" => super::generator::is_generator(v),
        _ => false,
    }
}

/// A call of method `m` with `args`, the receiver first: the receiver and
/// the rest, or CPython's TypeError for a descriptor called without one
/// or on another type. (A method looked up on a value always has its
/// receiver; only `str.lower(...)` and its like can fail here.)
pub fn descriptor_args(m: Value, args: &[Value]) -> Result<(Value, &[Value]), Raise> {
    let owner = owner_of(m);
    match args.split_first() {
        None => Err(Raise::type_error(format!(
            "unbound method {owner}.{}() needs an argument",
            name_of(m)
        ))),
        Some((r, _)) if !is_of_type(*r, owner) => Err(Raise::type_error(format!(
            "descriptor '{}' for '{owner}' objects doesn't apply to a '{}' object",
            name_of(m),
            type_name(*r)
        ))),
        Some((r, rest)) => Ok((*r, rest)),
    }
}

/// `receiver.name` as a value (`push = xs.append`): a bound method object,
/// a method descriptor of a builtin type (`str.lower`), or the
/// AttributeError method lookup gives.
pub fn bind(arena: &mut Arena, receiver: Value, name: &str) -> Result<Value, Raise> {
    if let Some(d) = descriptor(receiver, name) {
        return Ok(d);
    }
    let m = lookup(receiver, name)?;
    let addr = arena.alloc(Kind::BoundMethod, 3)?;
    // SAFETY: freshly allocated BoundMethod.
    unsafe {
        object::write(addr, object::BOUND_RECEIVER, receiver.0);
        object::write(addr, object::BOUND_METHOD, m.0);
    }
    Ok(Value(addr))
}

/// A bound method of `receiver` whose method is `m`: a method immediate,
/// or a user Function (a method of a class, or a class method bound to its
/// class).
pub fn new_bound(arena: &mut Arena, receiver: Value, m: Value) -> Result<Value, Raise> {
    arena.roots.temps.extend([receiver, m]);
    let addr = arena.alloc(Kind::BoundMethod, 3);
    arena.roots.temps.truncate(arena.roots.temps.len() - 2);
    let addr = addr?;
    // SAFETY: freshly allocated BoundMethod.
    unsafe {
        object::write(addr, object::BOUND_RECEIVER, receiver.0);
        object::write(addr, object::BOUND_METHOD, m.0);
    }
    Ok(Value(addr))
}

/// A bound method's receiver and method.
pub fn bound_parts(b: Value) -> (Value, Value) {
    // SAFETY: a live BoundMethod.
    unsafe {
        (
            Value(object::read(b.0, object::BOUND_RECEIVER)),
            Value(object::read(b.0, object::BOUND_METHOD)),
        )
    }
}

/// Whether `v` is a bound method object.
pub fn is_bound(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::BoundMethod
}

/// The TypeError a bound method called with keywords raises
/// (`list.append() takes no keyword arguments`).
pub fn bound_keywords_error(b: Value) -> Raise {
    // SAFETY: a live BoundMethod.
    let (receiver, m) = unsafe {
        (
            Value(object::read(b.0, object::BOUND_RECEIVER)),
            Value(object::read(b.0, object::BOUND_METHOD)),
        )
    };
    Raise::type_error(format!(
        "{}.{}() takes no keyword arguments",
        defining_type_name(receiver),
        name_of(m)
    ))
}

/// The type that defines a method of `receiver`'s: `int` for a bool's
/// (`True.bit_length` is `int.bit_length`), else the receiver's type.
fn defining_type_name(receiver: Value) -> &'static str {
    match type_name(receiver) {
        "bool" => "int",
        t => t,
    }
}

/// Calls bound method `b` with `args` (rooted by the caller; the receiver
/// is rooted through `b`, which the caller's stack holds).
pub fn call_bound(arena: &mut Arena, b: Value, args: &[Value]) -> Result<Value, Raise> {
    // SAFETY: a live BoundMethod.
    let (receiver, m) = unsafe {
        (
            Value(object::read(b.0, object::BOUND_RECEIVER)),
            Value(object::read(b.0, object::BOUND_METHOD)),
        )
    };
    call(arena, m, receiver, args)
}

/// Calls bound method `b` with `args` and the keyword `reverse=`: only
/// `list.sort` takes it.
pub fn call_bound_kw(
    arena: &mut Arena,
    b: Value,
    args: &[Value],
    reverse: Value,
) -> Result<Value, Raise> {
    // SAFETY: a live BoundMethod.
    let (receiver, m) = unsafe {
        (
            Value(object::read(b.0, object::BOUND_RECEIVER)),
            Value(object::read(b.0, object::BOUND_METHOD)),
        )
    };
    if m != Value::METHOD_LIST_SORT {
        return Err(Raise::type_error(format!(
            "{}.{}() takes no keyword arguments",
            defining_type_name(receiver),
            name_of(m)
        )));
    }
    list_sort(arena, receiver, args, reverse)
}

/// `xs.sort(reverse=reverse)` (`reverse` NULL when absent).
pub fn list_sort(
    arena: &mut Arena,
    xs: Value,
    args: &[Value],
    reverse: Value,
) -> Result<Value, Raise> {
    if !args.is_empty() {
        return Err(Raise::type_error(
            "sort() takes no positional arguments".into(),
        ));
    }
    let reverse = super::sort::reverse_flag(reverse)?;
    super::sort::sort_list(arena, xs, reverse)?;
    Ok(Value::NONE)
}

/// The method `name` of `receiver`, or CPython's AttributeError.
pub fn lookup(receiver: Value, name: &str) -> Result<Value, Raise> {
    // An array's methods are outside the language.
    if super::array::is_array(receiver) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    let ty = type_name(receiver);
    let is_range = receiver.is_ptr() && object::kind_of(receiver) == Kind::Range;
    let has_methods = is_list(receiver)
        || is_tuple(receiver)
        || is_range
        || super::strs::is_str(receiver)
        || super::pydict::is_dict(receiver)
        || super::pyset::is_set(receiver)
        || int::is_int(receiver)
        || super::float::is_float(receiver)
        || super::generator::is_generator(receiver);
    if let Some((_, _, m)) = METHODS
        .iter()
        .find(|(t, n, _)| has_methods && *t == ty && *n == name)
    {
        return Ok(*m);
    }
    // A method CPython's type has and the language lacks: an
    // AttributeError here would be an answer CPython does not give.
    if ty != "type" && super::cpython_attrs::cpython_has(ty, name) {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    // So does an attribute of a builtin type the language lacks
    // (`dict.fromkeys`, `str.maketrans`, `int.from_bytes`).
    if ty == "type"
        && let Some((class, _)) = BUILTINS.iter().find(|(_, b)| *b == receiver)
        && super::cpython_attrs::cpython_type_has(class, name)
    {
        return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
    }
    // A class (`list.foo`) names itself (its methods are descriptors,
    // found before this lookup: `descriptor`).
    let message = match BUILTINS.iter().find(|(_, b)| *b == receiver) {
        Some((class, _)) if ty == "type" => {
            format!("type object '{class}' has no attribute '{name}'")
        }
        _ => format!("'{ty}' object has no attribute '{name}'"),
    };
    Err(Raise::exc("AttributeError", message))
}

/// An int argument used as a position (`pop`, `insert`).
fn position(v: Value) -> Result<i64, Raise> {
    if !int::is_int(v) {
        return Err(Raise::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(v)
        )));
    }
    super::seq_ops::index_value(v, "OverflowError").map_err(|_| {
        Raise::exc(
            "OverflowError",
            "Python int too large to convert to C ssize_t".into(),
        )
    })
}

fn exactly_one(name: &str, args: &[Value]) -> Result<Value, Raise> {
    match args {
        [x] => Ok(*x),
        _ => Err(Raise::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// Calls method `m` on `receiver` with `args` (all rooted by the caller).
pub fn call(arena: &mut Arena, m: Value, receiver: Value, args: &[Value]) -> Result<Value, Raise> {
    let xs = receiver;
    match m {
        Value::METHOD_LIST_APPEND => {
            let x = exactly_one("list.append", args)?;
            seq::append(arena, xs, x)?;
            Ok(Value::NONE)
        }
        Value::METHOD_LIST_EXTEND => {
            let it = exactly_one("list.extend", args)?;
            rooted(arena, |arena| {
                let mut all = seq::items(xs);
                all.extend(collect(arena, it)?);
                check_len(all.len())?;
                charge(arena, all.len());
                seq::set_items(arena, xs, &all)
            })?;
            Ok(Value::NONE)
        }
        Value::METHOD_LIST_POP => pop(arena, xs, args),
        Value::METHOD_LIST_SORT => list_sort(arena, xs, args, Value::NULL),
        m if super::pyset_ops::is_set_method(m) => super::pyset_ops::call(arena, m, receiver, args),
        m if super::dict_methods::is_dict_method(m) => {
            super::dict_methods::call(arena, m, receiver, args)
        }
        Value::METHOD_LIST_INSERT => {
            let [i, x] = args else {
                return Err(Raise::type_error(format!(
                    "insert expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let n = len(xs) as i64;
            let i = position(*i)?;
            // list.insert clamps the position into the list.
            let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
            let mut all = seq::items(xs);
            all.insert(at, *x);
            check_len(all.len())?;
            seq::set_items(arena, xs, &all)?;
            Ok(Value::NONE)
        }
        Value::METHOD_LIST_REVERSE => {
            if !args.is_empty() {
                return Err(Raise::type_error(format!(
                    "list.reverse() takes no arguments ({} given)",
                    args.len()
                )));
            }
            let mut all = seq::items(xs);
            all.reverse();
            seq::set_items(arena, xs, &all)?;
            Ok(Value::NONE)
        }
        Value::METHOD_LIST_COUNT
        | Value::METHOD_TUPLE_COUNT
        | Value::METHOD_LIST_INDEX
        | Value::METHOD_TUPLE_INDEX
        | Value::METHOD_LIST_REMOVE => {
            call_comparing(arena, m, xs, args, &mut seq::unmodelled_user_compare)
        }
        Value::METHOD_INT_BIT_LENGTH
        | Value::METHOD_INT_BIT_COUNT
        | Value::METHOD_FLOAT_IS_INTEGER => {
            if !args.is_empty() {
                return Err(Raise::type_error(format!(
                    "{}.{}() takes no arguments ({} given)",
                    owner_of(m),
                    name_of(m),
                    args.len()
                )));
            }
            if m == Value::METHOD_FLOAT_IS_INTEGER {
                let x = super::float::value(receiver);
                return Ok(Value::bool(x.is_finite() && x.fract() == 0.0));
            }
            let n = if receiver.is_bool() {
                IBig::from((receiver == Value::TRUE) as i64)
            } else {
                int::to_ibig(receiver)
            };
            let magnitude = ibig::ops::UnsignedAbs::unsigned_abs(n);
            if m == Value::METHOD_INT_BIT_COUNT {
                // The ones of the absolute value (CPython's `int.bit_count`).
                let ones: u32 = magnitude.to_le_bytes().iter().map(|b| b.count_ones()).sum();
                return Ok(Value::small(i64::from(ones)));
            }
            Ok(Value::small(magnitude.bit_len() as i64))
        }
        Value::METHOD_LIST_CLEAR | Value::METHOD_LIST_COPY => {
            let name = name_of(m);
            if !args.is_empty() {
                return Err(Raise::type_error(format!(
                    "list.{name}() takes no arguments ({} given)",
                    args.len()
                )));
            }
            if m == Value::METHOD_LIST_CLEAR {
                seq::set_items(arena, xs, &[])?;
                return Ok(Value::NONE);
            }
            let items = seq::items(xs);
            charge(arena, items.len());
            seq::new_list(arena, &items)
        }
        Value::METHOD_RANGE_INDEX | Value::METHOD_RANGE_COUNT => {
            let name = if m == Value::METHOD_RANGE_INDEX {
                "range.index"
            } else {
                "range.count"
            };
            let x = exactly_one(name, args)?;
            let found = range::contains(xs, x);
            if m == Value::METHOD_RANGE_COUNT {
                return Ok(Value::small(found as i64));
            }
            if !found {
                // CPython's int fast path names the value; anything else
                // goes through the generic sequence search.
                return Err(Raise::exc(
                    "ValueError",
                    if int::is_int(x) {
                        format!("{} is not in range", super::repr(x, &|_| String::new()))
                    } else {
                        "sequence.index(x): x not in sequence".into()
                    },
                ));
            }
            let (start, _, step) = range::parts(xs);
            let v = if int::is_int(x) {
                if x.is_bool() {
                    IBig::from((x == Value::TRUE) as i64)
                } else {
                    int::to_ibig(x)
                }
            } else {
                super::float::integral_to_ibig(super::float::value(x))
            };
            int::from_ibig(arena, &((v - start) / step))
        }
        // Every tier calls it through `Run::call_builtin`, which resumes the
        // frame; a path that reached the runtime instead cannot.
        Value::METHOD_GENERATOR_SEND => Err(Raise::Poison(crate::lang::Poison::Unmodelled)),
        m => match METHODS.iter().find(|(t, _, v)| *t == "str" && *v == m) {
            Some((_, name, _)) => super::str_ops::call_method(arena, name, xs, args),
            None => Err(Raise::Internal(format!("{m:?} is not a method"))),
        },
    }
}

fn pop(arena: &mut Arena, xs: Value, args: &[Value]) -> Result<Value, Raise> {
    if args.len() > 1 {
        return Err(Raise::type_error(format!(
            "pop expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let i = match args.first() {
        Some(i) => position(*i)?,
        None => -1,
    };
    if len(xs) == 0 {
        return Err(Raise::exc("IndexError", "pop from empty list".into()));
    }
    let Some(at) = normalize(i, len(xs)) else {
        return Err(Raise::exc("IndexError", "pop index out of range".into()));
    };
    let mut all = seq::items(xs);
    let v = all.remove(at);
    // The popped value stays rooted until the caller pushes it.
    arena.roots.temps.push(v);
    let r = seq::set_items(arena, xs, &all);
    arena.roots.temps.pop();
    r.map(|_| v)
}

/// Whether method `m` compares items (`index`, `count`, `remove`), and so
/// may run a user class's `__eq__`: [`call_comparing`].
pub fn compares_items(m: Value) -> bool {
    matches!(
        m,
        Value::METHOD_LIST_COUNT
            | Value::METHOD_TUPLE_COUNT
            | Value::METHOD_LIST_INDEX
            | Value::METHOD_TUPLE_INDEX
            | Value::METHOD_LIST_REMOVE
    )
}

/// Calls a method that [`compares_items`], an instance's `__eq__` run by
/// `user` (the container's item on the left, as CPython's).
pub fn call_comparing(
    arena: &mut Arena,
    m: Value,
    xs: Value,
    args: &[Value],
    user: &mut seq::UserCmp,
) -> Result<Value, Raise> {
    if m == Value::METHOD_LIST_REMOVE {
        let i = remove_position(xs, args, user)?;
        remove_at(arena, xs, i)?;
        return Ok(Value::NONE);
    }
    compared_count_or_index(m, xs, args, user)
}

/// `index` and `count` of a list or tuple (they allocate nothing).
pub fn compared_count_or_index(
    m: Value,
    xs: Value,
    args: &[Value],
    user: &mut seq::UserCmp,
) -> Result<Value, Raise> {
    if matches!(m, Value::METHOD_LIST_INDEX | Value::METHOD_TUPLE_INDEX) {
        return match index_search(xs, args, user)? {
            Some(i) => Ok(Value::small(i)),
            // A user `__repr__` needs the interpreter (`Run`'s path).
            None => Err(index_missing(
                xs,
                &super::try_repr(args[0], &|_| String::new())?,
            )),
        };
    }
    let name = if is_list(xs) {
        "list.count"
    } else {
        "tuple.count"
    };
    let x = exactly_one(name, args)?;
    let mut n = 0;
    let mut i = 0;
    while i < len(xs) {
        if seq::item_eq_by(get(xs, i), x, 1, user)? {
            n += 1;
        }
        i += 1;
    }
    Ok(Value::small(n))
}

/// Where `xs.remove(*args)` removes: the first item equal to the one
/// argument, else CPython's ValueError.
pub fn remove_position(xs: Value, args: &[Value], user: &mut seq::UserCmp) -> Result<usize, Raise> {
    let x = exactly_one("list.remove", args)?;
    let mut i = 0;
    while i < len(xs) {
        if seq::item_eq_by(get(xs, i), x, 1, user)? {
            return Ok(i);
        }
        i += 1;
    }
    Err(Raise::exc(
        "ValueError",
        "list.remove(x): x not in list".into(),
    ))
}

/// Deletes item `i` of list `xs`, as CPython's `list_ass_slice(i, i + 1)`
/// on the list as it is now (nothing if a user `__eq__` shortened it).
pub fn remove_at(arena: &mut Arena, xs: Value, i: usize) -> Result<(), Raise> {
    let mut all = seq::items(xs);
    if i < all.len() {
        all.remove(i);
    }
    seq::set_items(arena, xs, &all)
}

/// Where `xs.index(x[, start[, stop]])` finds `x` (None: nowhere; the
/// caller raises [`index_missing`]): start and stop clamp like slice
/// bounds.
pub fn index_search(
    xs: Value,
    args: &[Value],
    user: &mut seq::UserCmp,
) -> Result<Option<i64>, Raise> {
    let (x, bounds) = match args {
        [] => {
            return Err(Raise::type_error(
                "index expected at least 1 argument, got 0".into(),
            ));
        }
        [x, rest @ ..] if rest.len() <= 2 => (*x, rest),
        _ => {
            return Err(Raise::type_error(format!(
                "index expected at most 3 arguments, got {}",
                args.len()
            )));
        }
    };
    let n = len(xs) as i128;
    let clamp = |v: Value| -> Result<i128, Raise> {
        if !int::is_int(v) {
            return Err(Raise::type_error(
                "slice indices must be integers or have an __index__ method".into(),
            ));
        }
        let x = if v.is_bool() {
            IBig::from((v == Value::TRUE) as i64)
        } else {
            int::to_ibig(v)
        };
        let x = i128::try_from(&x).unwrap_or(if x < IBig::from(0) { -n - 1 } else { n + 1 });
        Ok(if x < 0 { (x + n).max(0) } else { x.min(n) })
    };
    let start = match bounds.first() {
        Some(v) => clamp(*v)?,
        None => 0,
    };
    let stop = match bounds.get(1) {
        Some(v) => clamp(*v)?,
        None => n,
    };
    let mut i = start;
    while i < stop && i < len(xs) as i128 {
        if seq::item_eq_by(get(xs, i as usize), x, 1, user)? {
            return Ok(Some(i as i64));
        }
        i += 1;
    }
    Ok(None)
}

/// The ValueError of an `index` that found nothing; `x_repr` is the
/// argument's repr (a list's message shows it, by the user's `__repr__`
/// when it has one).
pub fn index_missing(xs: Value, x_repr: &str) -> Raise {
    Raise::exc(
        "ValueError",
        if is_list(xs) {
            format!("{x_repr} is not in list")
        } else {
            "tuple.index(x): x not in tuple".into()
        },
    )
}

/// `==` between two different bound method objects: CPython compares their
/// receivers by identity, which for an immutable receiver is outside the
/// language, so it poisons (the same object equals itself).
pub fn check_bound_eq(a: Value, b: Value) -> Result<(), Raise> {
    if a != b && is_bound(a) && is_bound(b) {
        return Err(Raise::Poison(crate::lang::Poison::Identity));
    }
    Ok(())
}
