//! Values, the arena heap and its objects, and the semantics every tier
//! shares (the slow paths the specialized code falls back to).

pub mod arena;
pub mod array;
pub mod class;
pub mod cpython_attrs;
pub mod delete;
pub mod dict;
pub mod dict_methods;
pub mod dict_rev;
pub mod exceptions;
pub mod float;
pub mod format;
pub mod format_spec;
pub mod frame;
pub mod generator;
pub mod int;
pub mod isinstance;
pub mod iters;
pub mod mapping;
pub mod math;
pub mod method_keywords;
pub mod methods;
pub mod num_builtins;
pub mod numbers;
pub mod object;
pub mod pydict;
pub mod pydict_hash;
pub mod pydict_ops;
pub mod pyset;
pub mod pyset_ops;
pub mod random;
pub mod range;
pub mod seq;
pub mod seq_ops;
pub mod sort;
pub mod str_builtins;
pub mod str_methods;
pub mod str_ops;
pub mod strs;
pub mod value;
pub mod verify;

use crate::lang::Poison;
use crate::lang::ast::BinOp;
pub use arena::{Arena, OutOfMemory};
use object::Kind;
pub use value::Value;

/// Why execution stopped abnormally: a Python exception or a poisoned run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raise {
    Exc {
        kind: &'static str,
        message: String,
    },
    /// An exception object being raised (a user exception, or one
    /// re-raised or raised by value): it is also `arena.roots.thrown`, so
    /// it survives collections on its way to a handler. Built-in errors
    /// the runtime raises are [`Raise::Exc`] until a handler catches them.
    Thrown(Value),
    Poison(Poison),
    /// The VM caught itself in an inconsistent state (a VM bug, reported as
    /// a crash finding instead of corrupting memory).
    Internal(String),
}

impl Raise {
    pub fn exc(kind: &'static str, message: String) -> Raise {
        Raise::Exc { kind, message }
    }
    pub fn type_error(message: String) -> Raise {
        Raise::exc("TypeError", message)
    }
    /// CPython's TypeError for `a op b` (`inplace`: `a op= b`) when no
    /// operand's type implements it; `**` is also `pow()`, which shares
    /// the message (`**=` does not).
    pub fn unsupported_operands(op: BinOp, inplace: bool, a: Value, b: Value) -> Raise {
        if views_set_algebra(op, a, b) {
            return Raise::Poison(Poison::Unmodelled);
        }
        let name = match (op, inplace) {
            (_, true) => format!("{}=", op.symbol()),
            (BinOp::Pow, false) => "** or pow()".to_string(),
            (_, false) => op.symbol().to_string(),
        };
        Raise::type_error(format!(
            "unsupported operand type(s) for {name}: '{}' and '{}'",
            type_name(a),
            type_name(b)
        ))
    }
}

impl From<OutOfMemory> for Raise {
    fn from(_: OutOfMemory) -> Raise {
        Raise::Poison(Poison::OutOfMemory)
    }
}

/// Whether `a op b` is set algebra on a dict's keys or items view (either
/// side, any iterable on the other): CPython's views are set-like there
/// (`d.keys() | other` is a set), which the language does not model, so
/// it is unmodelled rather than the TypeError CPython never raises.
fn views_set_algebra(op: BinOp, a: Value, b: Value) -> bool {
    matches!(
        op,
        BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
    ) && (pydict::is_set_like_view(a) || pydict::is_set_like_view(b))
}

/// Python's `type(v).__name__`.
pub fn type_name(v: Value) -> &'static str {
    if v.is_small_int() {
        return "int";
    }
    if v.is_bool() {
        return "bool";
    }
    match v {
        Value::NONE => return "NoneType",
        Value::NOT_IMPLEMENTED => return "NotImplementedType",
        Value::BUILTIN_RANGE
        | Value::BUILTIN_FLOAT
        | Value::BUILTIN_INT
        | Value::BUILTIN_LIST
        | Value::BUILTIN_TUPLE
        | Value::BUILTIN_DICT
        | Value::BUILTIN_STR
        | Value::BUILTIN_ENUMERATE
        | Value::BUILTIN_ZIP
        | Value::BUILTIN_REVERSED
        | Value::BUILTIN_SET
        | Value::BUILTIN_BOOL
        | Value::BUILTIN_TYPE => return "type",
        Value::MODULE_MATH | Value::MODULE_ARRAY | Value::MODULE_RANDOM => return "module",
        // Methods of the module's hidden `Random` instance: two in C.
        Value::RANDOM_RANDOM | Value::RANDOM_GETRANDBITS => return "builtin_function_or_method",
        _ if random::is_function(v) => return "method",
        Value::ARRAY_ARRAY => return "type",
        c if exceptions::is_class(c) => return "type",
        _ if methods::is_method(v) => return "method_descriptor",
        _ if v.is_builtin() || math::is_function(v) => {
            return "builtin_function_or_method";
        }
        _ => {}
    }
    if !v.is_ptr() {
        return "NULL";
    }
    match object::kind_of(v) {
        Kind::BigInt => "int",
        Kind::Function => "function",
        Kind::Cell => "cell",
        Kind::Range => "range",
        Kind::RangeIter | Kind::LongRangeIter => "range_iterator",
        Kind::Dict => "dict",
        Kind::Float => "float",
        Kind::Tuple => "tuple",
        Kind::ByteArray => "array.array",
        Kind::List => "list",
        Kind::ListItems => "list items",
        Kind::ListIter => "list_iterator",
        // An array's iterator is a tuple iterator over it (same layout).
        Kind::TupleIter if array::is_array(seq::iter_seq(v)) => "array.arrayiterator",
        Kind::TupleIter => "tuple_iterator",
        Kind::Str => "str",
        Kind::StrIter => "str_ascii_iterator",
        Kind::BoundMethod if methods::bound_parts(v).1.is_ptr() => "method",
        Kind::BoundMethod => "builtin_function_or_method",
        Kind::PyDict => "dict",
        Kind::DictEntries => "dict entries",
        Kind::DictView => match pydict::view_parts(v).1 {
            pydict::Which::Keys => "dict_keys",
            pydict::Which::Values => "dict_values",
            pydict::Which::Items => "dict_items",
        },
        Kind::DictIter => match (pydict::iter_which(v), dict_rev::is_reversed(v)) {
            (pydict::Which::Keys, false) => "dict_keyiterator",
            (pydict::Which::Values, false) => "dict_valueiterator",
            (pydict::Which::Items, false) => "dict_itemiterator",
            (pydict::Which::Keys, true) => "dict_reversekeyiterator",
            (pydict::Which::Values, true) => "dict_reversevalueiterator",
            (pydict::Which::Items, true) => "dict_reverseitemiterator",
        },
        Kind::Enumerate => "enumerate",
        Kind::Zip => "zip",
        Kind::Reversed => iters::reversed_type_name(v),
        Kind::Type => "type",
        Kind::Instance => class::name(class::type_of(v)),
        Kind::InstanceValues => "instance values",
        Kind::Exception => exceptions::class_name(exceptions::parts(v).0),
        Kind::MethodWrapper => match class::wrapper_parts(v) {
            Some((_, true)) => "classmethod",
            Some((_, false)) => "staticmethod",
            None => "property",
        },
        Kind::PySet => "set",
        Kind::SetEntries => "set entries",
        Kind::SetIter => "set_iterator",
        Kind::Generator => "generator",
        Kind::Free => "freed object",
    }
}

/// Python truthiness.
pub fn truthy(v: Value) -> bool {
    if v.is_small_int() {
        return v.small_value() != 0;
    }
    match v {
        Value::TRUE => true,
        Value::FALSE | Value::NONE | Value::NULL => false,
        _ if v.is_ptr() && object::kind_of(v) == Kind::Range => {
            range::len(v) != ibig::IBig::from(0)
        }
        // NaN is true, as in C.
        _ if float::is_float(v) => float::value(v) != 0.0,
        _ if seq::is_seq(v) || array::is_array(v) => seq::len(v) != 0,
        _ if strs::is_str(v) => strs::len(v) != 0,
        _ if pydict::is_dict(v) || pydict::is_view(v) => pydict_ops::len(v) != 0,
        _ if pyset::is_set(v) => pyset::len(v) != 0,
        // Big ints are never zero (canonical form); everything else is true.
        _ => true,
    }
}

/// `str(v)` (what `print` writes); equal to `repr(v)` for every S0 value.
/// `function_name` maps a global name id to its text. Containers nested
/// too deep poison (see [`try_repr`]); here they print as `...`.
pub fn repr(v: Value, function_name: &dyn Fn(u64) -> String) -> String {
    try_repr(v, function_name).unwrap_or_else(|_| "...".into())
}

/// `repr(v)` with the function names the run left in the arena.
pub fn arena_repr(arena: &Arena, v: Value) -> Result<String, Raise> {
    try_repr(v, &|id| {
        arena.names.get(id as usize).cloned().unwrap_or_default()
    })
}

/// `str(v)` with the function names the run left in the arena.
pub fn arena_str(arena: &Arena, v: Value) -> Result<String, Raise> {
    try_str(v, &|id| {
        arena.names.get(id as usize).cloned().unwrap_or_default()
    })
}

/// `str(v)`: a string is itself, everything else its repr.
pub fn try_str(v: Value, function_name: &dyn Fn(u64) -> String) -> Result<String, Raise> {
    if class::has_dunder(v, class::D_STR) {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    if strs::is_str(v) {
        return Ok(strs::text(v).to_string());
    }
    if exceptions::is_exception_value(v) {
        return exceptions::str_of(v, &|x, repr| {
            if repr {
                try_repr(x, function_name)
            } else {
                try_str(x, function_name)
            }
        });
    }
    try_repr(v, function_name)
}

/// `repr(v)`, poisoning ([`Poison::Recursion`]) on containers nested
/// deeper than the language allows.
pub fn try_repr(v: Value, function_name: &dyn Fn(u64) -> String) -> Result<String, Raise> {
    repr_checked(v, function_name, Some(&|_| None))
}

/// `repr(v)` whose instances with a user `__repr__` show `user`'s text
/// for them (in visiting order; None poisons): `Run::repr_any` records
/// them in one pass, calls their dunders, then fills them in.
pub fn repr_with(
    v: Value,
    function_name: &dyn Fn(u64) -> String,
    user: &dyn Fn(Value) -> Option<String>,
) -> Result<String, Raise> {
    repr_checked(v, function_name, Some(user))
}

/// `repr(v)` for the globals dump: instances as the language's default
/// repr, whatever their class's `__repr__` (which the run did not call).
pub fn dump_repr(v: Value, function_name: &dyn Fn(u64) -> String) -> Result<String, Raise> {
    repr_checked(v, function_name, None)
}

/// `repr(v)`; an instance with a user `__repr__` (whose result only a
/// call could give) shows `user`'s text, or poisons when it has none;
/// without `user` (the globals dump) it shows the default repr.
fn repr_checked(
    v: Value,
    function_name: &dyn Fn(u64) -> String,
    user: Option<&dyn Fn(Value) -> Option<String>>,
) -> Result<String, Raise> {
    // CPython's repr shows the generator's address; the globals dump
    // (never compared with CPython) writes none, as the reference's.
    if (generator::is_generator(v) || random::is_random_value(v)) && user.is_some() {
        return Err(Raise::Poison(Poison::Identity));
    }
    if exceptions::is_exception_value(v) && !class::has_dunder(v, class::D_REPR) {
        return exceptions::repr_of(v, &|x| repr_checked(x, function_name, user));
    }
    let missing = std::cell::Cell::new(false);
    // A generator inside a container: its address too (printing only).
    let addressed = std::cell::Cell::new(false);
    let item = |x: Value| match user {
        Some(user) if class::has_dunder(x, class::D_REPR) => user(x).unwrap_or_else(|| {
            missing.set(true);
            String::new()
        }),
        Some(_) if generator::is_generator(x) || random::is_random_value(x) => {
            addressed.set(true);
            String::new()
        }
        _ => scalar_repr(x, function_name),
    };
    let out = if seq::is_seq(v) || pydict::is_dict(v) || pydict::is_view(v) || pyset::is_set(v) {
        let mut out = String::new();
        let mut active = seq::ReprStack::default();
        active.canonical_sets = user.is_none();
        seq::repr_item(v, &item, &mut active, &mut out)?;
        out
    } else {
        item(v)
    };
    if addressed.get() {
        return Err(Raise::Poison(Poison::Identity));
    }
    if missing.get() {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    Ok(out)
}

fn scalar_repr(v: Value, function_name: &dyn Fn(u64) -> String) -> String {
    if v.is_small_int() {
        return v.small_value().to_string();
    }
    match v {
        Value::TRUE => return "True".into(),
        Value::FALSE => return "False".into(),
        Value::NONE => return "None".into(),
        Value::MODULE_MATH => return "<module 'math' (built-in)>".into(),
        // CPython's names the extension module's file, which depends on
        // the installation (as for `math`, the built-in form is printed).
        Value::MODULE_ARRAY => return "<module 'array' (built-in)>".into(),
        Value::ARRAY_ARRAY => return "<class 'array.array'>".into(),
        // Printed, CPython shows a path or an address (`repr_checked`
        // poisons); the globals dump, never compared with CPython, not.
        Value::MODULE_RANDOM => return "<module 'random'>".into(),
        // The two C methods, then the Python ones.
        Value::RANDOM_RANDOM | Value::RANDOM_GETRANDBITS => {
            return format!("<built-in method {} of Random object>", random::name_of(v));
        }
        f if random::is_function(f) => {
            return format!(
                "<bound method Random.{} of <random.Random object>>",
                random::name_of(f)
            );
        }
        f if math::is_function(f) => return format!("<built-in function {}>", math::name_of(f)),
        m if methods::is_method(m) => {
            return format!(
                "<method '{}' of '{}' objects>",
                methods::name_of(m),
                methods::owner_of(m)
            );
        }
        _ => {}
    }
    if v == Value::NOT_IMPLEMENTED {
        return "NotImplemented".into();
    }
    if let Some((name, _)) = value::BUILTINS.iter().find(|(_, b)| *b == v) {
        return if type_name(v) == "type" {
            format!("<class '{name}'>")
        } else {
            format!("<built-in function {name}>")
        };
    }
    if !v.is_ptr() {
        return "<NULL>".into();
    }
    match object::kind_of(v) {
        Kind::BigInt => int::to_decimal(v),
        // SAFETY: a live Function object.
        Kind::Function => format!(
            "<function {}>",
            function_name(unsafe { object::read(v.0, object::FUNCTION_NAME) })
        ),
        Kind::Range => range::repr(v),
        Kind::RangeIter | Kind::LongRangeIter => "<range_iterator object>".into(),
        Kind::Dict => "<dict>".into(),
        Kind::Float => float::repr(float::value(v)),
        Kind::Tuple | Kind::List => try_repr(v, function_name).unwrap_or_else(|_| "...".into()),
        Kind::ByteArray => array::repr(v),
        Kind::ListItems => "<list items>".into(),
        Kind::ListIter => "<list_iterator object>".into(),
        Kind::TupleIter if array::is_array(seq::iter_seq(v)) => {
            "<array.arrayiterator object>".into()
        }
        Kind::TupleIter => "<tuple_iterator object>".into(),
        Kind::Str => strs::repr(strs::text(v)),
        Kind::StrIter => "<str_ascii_iterator object>".into(),
        // CPython adds the receiver's address: like functions, printed
        // without it (the language's documented deviation).
        Kind::BoundMethod => {
            // SAFETY: a live BoundMethod.
            let (receiver, m) = unsafe {
                (
                    Value(object::read(v.0, object::BOUND_RECEIVER)),
                    Value(object::read(v.0, object::BOUND_METHOD)),
                )
            };
            if m.is_ptr() {
                // A user method: its function's name is its qualified name.
                // SAFETY: a live Function.
                let name = function_name(unsafe { object::read(m.0, object::FUNCTION_NAME) });
                let of = scalar_repr(receiver, function_name);
                return format!("<bound method {name} of {of}>");
            }
            format!(
                "<built-in method {} of {} object>",
                methods::name_of(m),
                type_name(receiver)
            )
        }
        Kind::PyDict | Kind::DictView | Kind::PySet => {
            try_repr(v, function_name).unwrap_or_else(|_| "...".into())
        }
        Kind::DictEntries => "<dict entries>".into(),
        Kind::Type => class::type_repr(v),
        Kind::Instance if class::is_exception_instance(v) => {
            exceptions::repr_of(v, &|x| try_repr(x, function_name)).unwrap_or_else(|_| "...".into())
        }
        Kind::Instance => class::instance_repr(v),
        Kind::InstanceValues => "<instance values>".into(),
        Kind::MethodWrapper => format!("<{} object>", type_name(v)),
        Kind::Exception => {
            exceptions::repr_of(v, &|x| try_repr(x, function_name)).unwrap_or_else(|_| "...".into())
        }

        Kind::SetEntries => "<set entries>".into(),
        // Printed only inside a container (see `try_repr`).
        Kind::Generator => "<generator object>".into(),
        Kind::DictIter | Kind::Enumerate | Kind::Zip | Kind::Reversed | Kind::SetIter => {
            format!("<{} object>", type_name(v))
        }
        Kind::Cell => "<cell>".into(),
        Kind::Free => "<freed object>".into(),
    }
}

/// Python `==` for S0 values: numbers by value (a NaN equals nothing, not
/// even itself), ranges as sequences, everything else by identity.
pub fn equal(a: Value, b: Value) -> bool {
    if float::is_float(a) || float::is_float(b) {
        return float::cmp(a, b) == Some(std::cmp::Ordering::Equal);
    }
    if a == b {
        return true;
    }
    if int::is_int(a) && int::is_int(b) {
        return int::cmp(a, b) == std::cmp::Ordering::Equal;
    }
    if strs::is_str(a) && strs::is_str(b) {
        return strs::text(a) == strs::text(b);
    }
    if a.is_ptr()
        && b.is_ptr()
        && object::kind_of(a) == Kind::Range
        && object::kind_of(b) == Kind::Range
    {
        return range::equal(a, b);
    }
    false
}

/// `a is b`. Identity is well defined (and computed) when either operand
/// is None, True or False, between mutable objects (lists, dicts, views,
/// iterators, functions) and between values of different types (never the
/// same object). Between two values of the same immutable type among int,
/// float, str, tuple and range, CPython's answer depends on caching and
/// constant sharing, so the run is poisoned ([`Poison::Identity`]): the
/// rule is "poison iff type(a) is type(b) and that type is int, float,
/// str, tuple or range", as in the reference.
pub fn is_same(a: Value, b: Value) -> Result<bool, Raise> {
    let ty = type_name(a);
    if ty == type_name(b) && matches!(ty, "int" | "float" | "str" | "tuple" | "range") {
        return Err(Raise::Poison(Poison::Identity));
    }
    Ok(a == b)
}
