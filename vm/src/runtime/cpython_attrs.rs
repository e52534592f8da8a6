//! The attributes CPython 3.11's built-in types have (`dir(str)`, ...).
//! A method the language lacks on a type it has (`s.expandtabs()`,
//! `x.bit_length()`) would raise AttributeError on the reference and on
//! every configuration alike, where CPython returns a value: so the method
//! lookups of both (`runtime::methods::lookup`, the reference's
//! `methods::lookup`) poison such a call as unmodelled instead, and keep
//! CPython's AttributeError for names CPython does not have either.
//! A test checks the table against python3.

/// `dir(int)`, which is also `dir(bool)`.
const INT_ATTRIBUTES: &str = concat!(
    "__abs__ __add__ __and__ __bool__ __ceil__ __class__ __delattr__ __dir__ ",
    "__divmod__ __doc__ __eq__ __float__ __floor__ __floordiv__ __format__ __ge__ ",
    "__getattribute__ __getnewargs__ __getstate__ __gt__ __hash__ __index__ __init__ ",
    "__init_subclass__ __int__ __invert__ __le__ __lshift__ __lt__ __mod__ __mul__ ",
    "__ne__ __neg__ __new__ __or__ __pos__ __pow__ __radd__ __rand__ __rdivmod__ ",
    "__reduce__ __reduce_ex__ __repr__ __rfloordiv__ __rlshift__ __rmod__ __rmul__ ",
    "__ror__ __round__ __rpow__ __rrshift__ __rshift__ __rsub__ __rtruediv__ __rxor__ ",
    "__setattr__ __sizeof__ __str__ __sub__ __subclasshook__ __truediv__ __trunc__ ",
    "__xor__ as_integer_ratio bit_count bit_length conjugate denominator from_bytes ",
    "imag numerator real to_bytes",
);

/// `dir(type({}.keys()))`, which is also `dir(type({}.items()))`.
const SET_LIKE_VIEW_ATTRIBUTES: &str = concat!(
    "__and__ __class__ __contains__ __delattr__ __dir__ __doc__ __eq__ __format__ __ge__ ",
    "__getattribute__ __getstate__ __gt__ __hash__ __init__ __init_subclass__ __iter__ ",
    "__le__ __len__ __lt__ __ne__ __new__ __or__ __rand__ __reduce__ __reduce_ex__ __repr__ ",
    "__reversed__ __ror__ __rsub__ __rxor__ __setattr__ __sizeof__ __str__ __sub__ ",
    "__subclasshook__ __xor__ isdisjoint mapping",
);

/// The dunders of `dir(BaseException)`, which every built-in exception
/// class of the language has (a macro: `concat!` takes only literals).
macro_rules! exception_dunders {
    () => {
        concat!(
            "__cause__ __class__ __context__ __delattr__ __dict__ __dir__ __doc__ __eq__ ",
            "__format__ __ge__ __getattribute__ __getstate__ __gt__ __hash__ __init__ ",
            "__init_subclass__ __le__ __lt__ __ne__ __new__ __reduce__ __reduce_ex__ __repr__ ",
            "__setattr__ __setstate__ __sizeof__ __str__ __subclasshook__ __suppress_context__ ",
            "__traceback__ ",
        )
    };
}

/// `(type name, its attribute names separated by spaces)`.
pub const CPYTHON_ATTRIBUTES: &[(&str, &str)] = &[
    (
        "str",
        concat!(
            "__add__ __class__ __contains__ __delattr__ __dir__ __doc__ __eq__ __format__ ",
            "__ge__ __getattribute__ __getitem__ __getnewargs__ __getstate__ __gt__ __hash__ ",
            "__init__ __init_subclass__ __iter__ __le__ __len__ __lt__ __mod__ __mul__ __ne__ ",
            "__new__ __reduce__ __reduce_ex__ __repr__ __rmod__ __rmul__ __setattr__ ",
            "__sizeof__ __str__ __subclasshook__ capitalize casefold center count encode ",
            "endswith expandtabs find format format_map index isalnum isalpha isascii ",
            "isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle ",
            "isupper join ljust lower lstrip maketrans partition removeprefix removesuffix ",
            "replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith ",
            "strip swapcase title translate upper zfill",
        ),
    ),
    (
        "list",
        concat!(
            "__add__ __class__ __class_getitem__ __contains__ __delattr__ __delitem__ __dir__ ",
            "__doc__ __eq__ __format__ __ge__ __getattribute__ __getitem__ __getstate__ ",
            "__gt__ __hash__ __iadd__ __imul__ __init__ __init_subclass__ __iter__ __le__ ",
            "__len__ __lt__ __mul__ __ne__ __new__ __reduce__ __reduce_ex__ __repr__ ",
            "__reversed__ __rmul__ __setattr__ __setitem__ __sizeof__ __str__ ",
            "__subclasshook__ append clear copy count extend index insert pop remove reverse ",
            "sort",
        ),
    ),
    (
        "tuple",
        concat!(
            "__add__ __class__ __class_getitem__ __contains__ __delattr__ __dir__ __doc__ ",
            "__eq__ __format__ __ge__ __getattribute__ __getitem__ __getnewargs__ ",
            "__getstate__ __gt__ __hash__ __init__ __init_subclass__ __iter__ __le__ __len__ ",
            "__lt__ __mul__ __ne__ __new__ __reduce__ __reduce_ex__ __repr__ __rmul__ ",
            "__setattr__ __sizeof__ __str__ __subclasshook__ count index",
        ),
    ),
    (
        "range",
        concat!(
            "__bool__ __class__ __contains__ __delattr__ __dir__ __doc__ __eq__ __format__ ",
            "__ge__ __getattribute__ __getitem__ __getstate__ __gt__ __hash__ __init__ ",
            "__init_subclass__ __iter__ __le__ __len__ __lt__ __ne__ __new__ __reduce__ ",
            "__reduce_ex__ __repr__ __reversed__ __setattr__ __sizeof__ __str__ ",
            "__subclasshook__ count index start step stop",
        ),
    ),
    (
        "dict",
        concat!(
            "__class__ __class_getitem__ __contains__ __delattr__ __delitem__ __dir__ __doc__ ",
            "__eq__ __format__ __ge__ __getattribute__ __getitem__ __getstate__ __gt__ ",
            "__hash__ __init__ __init_subclass__ __ior__ __iter__ __le__ __len__ __lt__ ",
            "__ne__ __new__ __or__ __reduce__ __reduce_ex__ __repr__ __reversed__ __ror__ ",
            "__setattr__ __setitem__ __sizeof__ __str__ __subclasshook__ clear copy fromkeys ",
            "get items keys pop popitem setdefault update values",
        ),
    ),
    (
        "set",
        concat!(
            "__and__ __class__ __class_getitem__ __contains__ __delattr__ __dir__ __doc__ ",
            "__eq__ __format__ __ge__ __getattribute__ __getstate__ __gt__ __hash__ __iand__ ",
            "__init__ __init_subclass__ __ior__ __isub__ __iter__ __ixor__ __le__ __len__ ",
            "__lt__ __ne__ __new__ __or__ __rand__ __reduce__ __reduce_ex__ __repr__ __ror__ ",
            "__rsub__ __rxor__ __setattr__ __sizeof__ __str__ __sub__ __subclasshook__ ",
            "__xor__ add clear copy difference difference_update discard intersection ",
            "intersection_update isdisjoint issubset issuperset pop remove ",
            "symmetric_difference symmetric_difference_update union update",
        ),
    ),
    ("int", INT_ATTRIBUTES),
    ("dict_keys", SET_LIKE_VIEW_ATTRIBUTES),
    ("dict_items", SET_LIKE_VIEW_ATTRIBUTES),
    (
        "dict_values",
        concat!(
            "__class__ __delattr__ __dir__ __doc__ __eq__ __format__ __ge__ __getattribute__ ",
            "__getstate__ __gt__ __hash__ __init__ __init_subclass__ __iter__ __le__ __len__ ",
            "__lt__ __ne__ __new__ __reduce__ __reduce_ex__ __repr__ __reversed__ __setattr__ ",
            "__sizeof__ __str__ __subclasshook__ mapping",
        ),
    ),
    (
        "float",
        concat!(
            "__abs__ __add__ __bool__ __ceil__ __class__ __delattr__ __dir__ __divmod__ ",
            "__doc__ __eq__ __float__ __floor__ __floordiv__ __format__ __ge__ ",
            "__getattribute__ __getformat__ __getnewargs__ __getstate__ __gt__ __hash__ ",
            "__init__ __init_subclass__ __int__ __le__ __lt__ __mod__ __mul__ __ne__ __neg__ ",
            "__new__ __pos__ __pow__ __radd__ __rdivmod__ __reduce__ __reduce_ex__ __repr__ ",
            "__rfloordiv__ __rmod__ __rmul__ __round__ __rpow__ __rsub__ __rtruediv__ ",
            "__setattr__ __sizeof__ __str__ __sub__ __subclasshook__ __truediv__ __trunc__ ",
            "as_integer_ratio conjugate fromhex hex imag is_integer real",
        ),
    ),
    // CPython 3.11: dir(bool) == dir(int).
    ("bool", INT_ATTRIBUTES),
    (
        "NoneType",
        concat!(
            "__bool__ __class__ __delattr__ __dir__ __doc__ __eq__ __format__ __ge__ ",
            "__getattribute__ __getstate__ __gt__ __hash__ __init__ __init_subclass__ __le__ ",
            "__lt__ __ne__ __new__ __reduce__ __reduce_ex__ __repr__ __setattr__ __sizeof__ ",
            "__str__ __subclasshook__",
        ),
    ),
    // The other exception classes of the language have BaseException's.
    (
        "BaseException",
        concat!(exception_dunders!(), "add_note args with_traceback"),
    ),
    (
        "StopIteration",
        concat!(exception_dunders!(), "add_note args value with_traceback"),
    ),
    (
        "NameError",
        concat!(exception_dunders!(), "add_note args name with_traceback"),
    ),
    (
        "UnboundLocalError",
        concat!(exception_dunders!(), "add_note args name with_traceback"),
    ),
    (
        "AttributeError",
        concat!(
            exception_dunders!(),
            "add_note args name obj with_traceback"
        ),
    ),
];

/// Whether an object of CPython's built-in exception class `class_name`
/// (one of the language's) has the attribute `name`.
pub fn cpython_exception_has(class_name: &str, name: &str) -> bool {
    let row = if CPYTHON_ATTRIBUTES.iter().any(|(t, _)| *t == class_name) {
        class_name
    } else {
        "BaseException"
    };
    cpython_has(row, name)
}

/// CPython's built-in exception classes that the language has.
const EXCEPTION_CLASSES: &str = "BaseException Exception ArithmeticError LookupError \
    ZeroDivisionError OverflowError ValueError TypeError NameError UnboundLocalError IndexError \
    KeyError AttributeError RuntimeError NotImplementedError RecursionError AssertionError \
    StopIteration";

/// Whether CPython's built-in type `type_name` (a built-in exception class
/// too: `ValueError.__init__`) has the attribute `name`.
pub fn cpython_type_has(type_name: &str, name: &str) -> bool {
    if EXCEPTION_CLASSES.split_whitespace().any(|c| c == type_name) {
        return cpython_exception_has(type_name, name);
    }
    cpython_has(type_name, name)
}

/// Whether `name` is a dunder (`__str__`): a user class, or `super()`,
/// that lacks one the language knows may still find it on CPython's
/// `object` or built-in base (`super().__str__()`, `C.__init__`), so a miss
/// is unmodelled rather than CPython's AttributeError.
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// CPython 3.11's `dir(math)` (what `math.name` finds there).
const CPYTHON_MATH: &str = "acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos \
    cosh degrees dist e erf erfc exp exp2 expm1 fabs factorial floor fmod frexp fsum gamma gcd \
    hypot inf isclose isfinite isinf isnan isqrt lcm ldexp lgamma log log10 log1p log2 modf nan \
    nextafter perm pi pow prod radians remainder sin sinh sqrt tan tanh tau trunc ulp";

/// Whether CPython's `math` module has `name`: one the language lacks is
/// unmodelled (poison), not the AttributeError CPython never raises.
pub fn cpython_math_has(name: &str) -> bool {
    CPYTHON_MATH.split_whitespace().any(|n| n == name)
}

/// Whether CPython's type `type_name` has the attribute `name`.
pub fn cpython_has(type_name: &str, name: &str) -> bool {
    CPYTHON_ATTRIBUTES
        .iter()
        .any(|(t, names)| *t == type_name && names.split(' ').any(|n| n == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is python3's (needs python3, like every CPython comparison).
    #[test]
    fn the_table_is_cpythons() {
        for (ty, names) in CPYTHON_ATTRIBUTES {
            let expr = match *ty {
                "NoneType" => "type(None)",
                "dict_keys" => "type({}.keys())",
                "dict_items" => "type({}.items())",
                "dict_values" => "type({}.values())",
                _ => ty,
            };
            let out = std::process::Command::new("python3")
                .args(["-c", &format!("print(' '.join(sorted(dir({expr}))))")])
                .output()
                .expect("python3 is required for this test (run ci/setup)");
            assert!(out.status.success());
            let theirs = String::from_utf8_lossy(&out.stdout);
            assert_eq!(*names, theirs.trim_end(), "{ty}");
        }
        assert!(cpython_has("str", "isalpha"));
        assert!(!cpython_has("str", "isalphabet"));
        assert!(cpython_has("int", "bit_length"));
    }

    /// The math list is python3's `dir(math)` without the dunders.
    #[test]
    fn the_math_list_is_cpythons() {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import math; print(' '.join(n for n in sorted(dir(math)) if not n.startswith('_')))",
            ])
            .output()
            .expect("python3 is required for this test (run ci/setup)");
        assert!(out.status.success());
        let theirs = String::from_utf8_lossy(&out.stdout);
        let ours: Vec<&str> = CPYTHON_MATH.split_whitespace().collect();
        assert_eq!(ours.join(" "), theirs.trim_end());
        assert!(cpython_math_has("perm") && !cpython_math_has("perms"));
    }
}
