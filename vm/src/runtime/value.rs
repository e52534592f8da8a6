//! Tagged 64-bit values. The layout is shared with the JIT stencils' C header,
//! so it is deliberately simple:
//!
//! | low bits | meaning |
//! |---|---|
//! | `...1`   | small int `v`, stored as `(v << 1) | 1`, `v` in `[-2^62, 2^62)` |
//! | `..000`  | pointer to an arena object (8-aligned, never 0) |
//! | `..010`  | immediate: `None`, `False`, `True`, builtins (`(k << 2) | 2`) |
//! | `0`      | NULL: an unbound local or an empty slot, never a Python value |
//!
//! Ints outside the small range are boxed big integers, so "did the result
//! leave the inline range" is a real guard, as in CPython's compact ints.

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[repr(transparent)]
pub struct Value(pub u64);

/// The builtins, in the order of the global name table's first entries
/// (the compiler's names and the builtins dict both start with these).
/// `range`, `float`, `int`, `list`, `tuple`, `str`, `dict`, `enumerate`,
/// `zip`, `reversed`, `set` and `bool` are types, and so are the exception classes
/// at the end (see `runtime::exceptions`); the rest are functions.
pub const BUILTINS: [(&str, Value); 60] = [
    ("print", Value::BUILTIN_PRINT),
    ("range", Value::BUILTIN_RANGE),
    ("float", Value::BUILTIN_FLOAT),
    ("int", Value::BUILTIN_INT),
    ("abs", Value::BUILTIN_ABS),
    ("round", Value::BUILTIN_ROUND),
    ("len", Value::BUILTIN_LEN),
    ("list", Value::BUILTIN_LIST),
    ("tuple", Value::BUILTIN_TUPLE),
    ("sum", Value::BUILTIN_SUM),
    ("min", Value::BUILTIN_MIN),
    ("max", Value::BUILTIN_MAX),
    ("str", Value::BUILTIN_STR),
    ("repr", Value::BUILTIN_REPR),
    ("ord", Value::BUILTIN_ORD),
    ("chr", Value::BUILTIN_CHR),
    ("dict", Value::BUILTIN_DICT),
    ("enumerate", Value::BUILTIN_ENUMERATE),
    ("zip", Value::BUILTIN_ZIP),
    ("reversed", Value::BUILTIN_REVERSED),
    ("sorted", Value::BUILTIN_SORTED),
    ("isinstance", Value::BUILTIN_ISINSTANCE),
    ("set", Value::BUILTIN_SET),
    ("BaseException", super::exceptions::class_value(0)),
    ("Exception", super::exceptions::class_value(1)),
    ("ArithmeticError", super::exceptions::class_value(2)),
    ("LookupError", super::exceptions::class_value(3)),
    ("ZeroDivisionError", super::exceptions::class_value(4)),
    ("OverflowError", super::exceptions::class_value(5)),
    ("ValueError", super::exceptions::class_value(6)),
    ("TypeError", super::exceptions::class_value(7)),
    ("NameError", super::exceptions::class_value(8)),
    ("UnboundLocalError", super::exceptions::class_value(9)),
    ("IndexError", super::exceptions::class_value(10)),
    ("KeyError", super::exceptions::class_value(11)),
    ("AttributeError", super::exceptions::class_value(12)),
    ("RuntimeError", super::exceptions::class_value(13)),
    ("NotImplementedError", super::exceptions::class_value(14)),
    ("RecursionError", super::exceptions::class_value(15)),
    ("AssertionError", super::exceptions::class_value(16)),
    ("StopIteration", super::exceptions::class_value(17)),
    ("next", Value::BUILTIN_NEXT),
    ("iter", Value::BUILTIN_ITER),
    ("divmod", Value::BUILTIN_DIVMOD),
    ("pow", Value::BUILTIN_POW),
    ("hex", Value::BUILTIN_HEX),
    ("oct", Value::BUILTIN_OCT),
    ("bin", Value::BUILTIN_BIN),
    ("any", Value::BUILTIN_ANY),
    ("all", Value::BUILTIN_ALL),
    ("format", Value::BUILTIN_FORMAT),
    ("bool", Value::BUILTIN_BOOL),
    ("type", Value::BUILTIN_TYPE),
    ("getattr", Value::BUILTIN_GETATTR),
    ("hasattr", Value::BUILTIN_HASATTR),
    ("setattr", Value::BUILTIN_SETATTR),
    ("callable", Value::BUILTIN_CALLABLE),
    ("issubclass", Value::BUILTIN_ISSUBCLASS),
    ("hash", Value::BUILTIN_HASH),
    ("NotImplemented", Value::NOT_IMPLEMENTED),
];

/// Smallest and largest inline ints.
pub const SMALL_MIN: i64 = -(1 << 62);
pub const SMALL_MAX: i64 = (1 << 62) - 1;

impl Value {
    pub const NULL: Value = Value(0);
    pub const NONE: Value = Value(2);
    pub const FALSE: Value = Value((1 << 2) | 2);
    pub const TRUE: Value = Value((2 << 2) | 2);
    pub const BUILTIN_PRINT: Value = Value((3 << 2) | 2);
    pub const BUILTIN_RANGE: Value = Value((4 << 2) | 2);
    pub const BUILTIN_FLOAT: Value = Value((5 << 2) | 2);
    pub const BUILTIN_INT: Value = Value((6 << 2) | 2);
    pub const BUILTIN_ABS: Value = Value((7 << 2) | 2);
    pub const BUILTIN_ROUND: Value = Value((8 << 2) | 2);
    pub const BUILTIN_LEN: Value = Value((9 << 2) | 2);
    pub const BUILTIN_LIST: Value = Value((10 << 2) | 2);
    pub const BUILTIN_TUPLE: Value = Value((11 << 2) | 2);
    pub const BUILTIN_SUM: Value = Value((12 << 2) | 2);
    pub const BUILTIN_MIN: Value = Value((13 << 2) | 2);
    pub const BUILTIN_MAX: Value = Value((14 << 2) | 2);
    // Methods (see `runtime::methods`): immediates LOAD_METHOD pushes below
    // their receiver, and values of their own when read from their type
    // (`str.lower`: a method descriptor).
    pub const METHOD_LIST_APPEND: Value = Value((15 << 2) | 2);
    pub const METHOD_LIST_POP: Value = Value((16 << 2) | 2);
    pub const METHOD_LIST_INSERT: Value = Value((17 << 2) | 2);
    pub const METHOD_LIST_EXTEND: Value = Value((18 << 2) | 2);
    pub const METHOD_LIST_INDEX: Value = Value((19 << 2) | 2);
    pub const METHOD_LIST_COUNT: Value = Value((20 << 2) | 2);
    pub const METHOD_LIST_REVERSE: Value = Value((21 << 2) | 2);
    pub const METHOD_TUPLE_INDEX: Value = Value((22 << 2) | 2);
    pub const METHOD_TUPLE_COUNT: Value = Value((23 << 2) | 2);
    pub const METHOD_RANGE_INDEX: Value = Value((24 << 2) | 2);
    pub const METHOD_RANGE_COUNT: Value = Value((25 << 2) | 2);
    pub const BUILTIN_STR: Value = Value((26 << 2) | 2);
    pub const BUILTIN_REPR: Value = Value((27 << 2) | 2);
    pub const BUILTIN_ORD: Value = Value((28 << 2) | 2);
    pub const BUILTIN_CHR: Value = Value((29 << 2) | 2);
    pub const METHOD_STR_JOIN: Value = Value((30 << 2) | 2);
    pub const METHOD_STR_SPLIT: Value = Value((31 << 2) | 2);
    pub const METHOD_STR_STRIP: Value = Value((32 << 2) | 2);
    pub const METHOD_STR_UPPER: Value = Value((33 << 2) | 2);
    pub const METHOD_STR_LOWER: Value = Value((34 << 2) | 2);
    pub const METHOD_STR_REPLACE: Value = Value((35 << 2) | 2);
    pub const METHOD_STR_STARTSWITH: Value = Value((36 << 2) | 2);
    pub const METHOD_STR_ENDSWITH: Value = Value((37 << 2) | 2);
    pub const METHOD_STR_FIND: Value = Value((38 << 2) | 2);
    pub const METHOD_STR_COUNT: Value = Value((39 << 2) | 2);
    pub const METHOD_STR_INDEX: Value = Value((40 << 2) | 2);
    pub const BUILTIN_DICT: Value = Value((41 << 2) | 2);
    pub const METHOD_DICT_GET: Value = Value((42 << 2) | 2);
    pub const METHOD_DICT_KEYS: Value = Value((43 << 2) | 2);
    pub const METHOD_DICT_VALUES: Value = Value((44 << 2) | 2);
    pub const METHOD_DICT_ITEMS: Value = Value((45 << 2) | 2);
    pub const METHOD_DICT_POP: Value = Value((46 << 2) | 2);
    pub const METHOD_DICT_SETDEFAULT: Value = Value((47 << 2) | 2);
    pub const METHOD_DICT_UPDATE: Value = Value((48 << 2) | 2);
    pub const METHOD_DICT_CLEAR: Value = Value((49 << 2) | 2);
    pub const METHOD_DICT_COPY: Value = Value((50 << 2) | 2);
    pub const BUILTIN_ENUMERATE: Value = Value((51 << 2) | 2);
    pub const BUILTIN_ZIP: Value = Value((52 << 2) | 2);
    pub const BUILTIN_REVERSED: Value = Value((53 << 2) | 2);
    pub const BUILTIN_SORTED: Value = Value((54 << 2) | 2);
    pub const BUILTIN_ISINSTANCE: Value = Value((55 << 2) | 2);
    pub const METHOD_LIST_SORT: Value = Value((56 << 2) | 2);
    pub const METHOD_SET_ADD: Value = Value((57 << 2) | 2);
    pub const METHOD_SET_DISCARD: Value = Value((58 << 2) | 2);
    pub const METHOD_SET_REMOVE: Value = Value((59 << 2) | 2);
    pub const METHOD_SET_POP: Value = Value((60 << 2) | 2);
    pub const METHOD_SET_CLEAR: Value = Value((61 << 2) | 2);
    pub const METHOD_SET_COPY: Value = Value((62 << 2) | 2);
    pub const METHOD_SET_UPDATE: Value = Value((63 << 2) | 2);
    pub const BUILTIN_SET: Value = Value((64 << 2) | 2);
    pub const BUILTIN_NEXT: Value = Value((65 << 2) | 2);
    pub const BUILTIN_ITER: Value = Value((66 << 2) | 2);
    // The math module and its functions (see `runtime::math`): 70..=89.
    pub const MODULE_MATH: Value = Value((70 << 2) | 2);
    pub const MATH_SQRT: Value = Value((71 << 2) | 2);
    pub const MATH_SIN: Value = Value((72 << 2) | 2);
    pub const MATH_COS: Value = Value((73 << 2) | 2);
    pub const MATH_FLOOR: Value = Value((74 << 2) | 2);
    pub const MATH_CEIL: Value = Value((75 << 2) | 2);
    pub const MATH_TRUNC: Value = Value((76 << 2) | 2);
    pub const MATH_FABS: Value = Value((77 << 2) | 2);
    pub const MATH_EXP: Value = Value((78 << 2) | 2);
    pub const MATH_LOG: Value = Value((79 << 2) | 2);
    pub const MATH_ATAN2: Value = Value((80 << 2) | 2);
    pub const MATH_ISNAN: Value = Value((81 << 2) | 2);
    pub const MATH_ISINF: Value = Value((82 << 2) | 2);
    pub const MATH_HYPOT: Value = Value((83 << 2) | 2);
    pub const MATH_TAN: Value = Value((84 << 2) | 2);
    /// LOAD_METHOD found a value to call as it is (an instance attribute,
    /// a static method, a function on a class): it pushes this below the
    /// value, and CALL calls the value with the arguments after it.
    pub const METHOD_CALL_RECEIVER: Value = Value((90 << 2) | 2);
    /// `object.__init__`, which `super().__init__()` reaches in a class
    /// without a base.
    pub const OBJECT_INIT: Value = Value((91 << 2) | 2);
    /// `BaseException.__init__`, which `super().__init__(...)` reaches in
    /// an exception class: it sets the instance's `args`.
    pub const EXC_INIT: Value = Value((92 << 2) | 2);
    /// The `array` module and its type `array.array` (see `runtime::array`).
    pub const MODULE_ARRAY: Value = Value((93 << 2) | 2);
    pub const ARRAY_ARRAY: Value = Value((94 << 2) | 2);
    /// `getattr`, `hasattr`, `setattr`, `callable` (`tier1::attr_builtins`).
    pub const BUILTIN_GETATTR: Value = Value((190 << 2) | 2);
    pub const BUILTIN_HASATTR: Value = Value((191 << 2) | 2);
    pub const BUILTIN_SETATTR: Value = Value((192 << 2) | 2);
    pub const BUILTIN_CALLABLE: Value = Value((193 << 2) | 2);
    /// `NotImplemented`: what a binary or comparison dunder returns to
    /// decline (`tier1/dunders.rs`). A builtin name, not a callable.
    pub const NOT_IMPLEMENTED: Value = Value((194 << 2) | 2);
    /// The set methods named after the algebra, which take any iterable
    /// (`tier1::set_algebra`): 195..=204.
    pub const METHOD_SET_UNION: Value = Value((195 << 2) | 2);
    pub const METHOD_SET_INTERSECTION: Value = Value((196 << 2) | 2);
    pub const METHOD_SET_DIFFERENCE: Value = Value((197 << 2) | 2);
    pub const METHOD_SET_SYMMETRIC_DIFFERENCE: Value = Value((198 << 2) | 2);
    pub const METHOD_SET_INTERSECTION_UPDATE: Value = Value((199 << 2) | 2);
    pub const METHOD_SET_DIFFERENCE_UPDATE: Value = Value((200 << 2) | 2);
    pub const METHOD_SET_SYMMETRIC_DIFFERENCE_UPDATE: Value = Value((201 << 2) | 2);
    pub const METHOD_SET_ISSUBSET: Value = Value((202 << 2) | 2);
    pub const METHOD_SET_ISSUPERSET: Value = Value((203 << 2) | 2);
    pub const METHOD_SET_ISDISJOINT: Value = Value((204 << 2) | 2);
    pub const METHOD_INT_BIT_COUNT: Value = Value((205 << 2) | 2);
    /// More of the math module (see `runtime::math`): 206..=209.
    pub const MATH_COPYSIGN: Value = Value((206 << 2) | 2);
    pub const MATH_LCM: Value = Value((207 << 2) | 2);
    pub const MATH_PERM: Value = Value((208 << 2) | 2);
    pub const MATH_ISCLOSE: Value = Value((209 << 2) | 2);
    pub const BUILTIN_ISSUBCLASS: Value = Value((210 << 2) | 2);
    pub const BUILTIN_HASH: Value = Value((211 << 2) | 2);
    /// `generator.send`, run by the VM (`tier1::generators`, `gen_send`):
    /// it resumes a frame.
    pub const METHOD_GENERATOR_SEND: Value = Value((212 << 2) | 2);
    /// The `random` module and its functions (see `runtime::random`):
    /// 180..=188.
    pub const MODULE_RANDOM: Value = Value((180 << 2) | 2);
    pub const RANDOM_SEED: Value = Value((181 << 2) | 2);
    pub const RANDOM_RANDOM: Value = Value((182 << 2) | 2);
    pub const RANDOM_RANDINT: Value = Value((183 << 2) | 2);
    pub const RANDOM_RANDRANGE: Value = Value((184 << 2) | 2);
    pub const RANDOM_CHOICE: Value = Value((185 << 2) | 2);
    pub const RANDOM_SHUFFLE: Value = Value((186 << 2) | 2);
    pub const RANDOM_UNIFORM: Value = Value((187 << 2) | 2);
    pub const RANDOM_GETRANDBITS: Value = Value((188 << 2) | 2);
    // 100.. are the built-in exception classes (`exceptions::EXC_FIRST`).
    pub const BUILTIN_DIVMOD: Value = Value((120 << 2) | 2);
    pub const BUILTIN_POW: Value = Value((121 << 2) | 2);
    pub const BUILTIN_HEX: Value = Value((122 << 2) | 2);
    pub const BUILTIN_OCT: Value = Value((123 << 2) | 2);
    pub const BUILTIN_BIN: Value = Value((124 << 2) | 2);
    pub const BUILTIN_ANY: Value = Value((125 << 2) | 2);
    pub const BUILTIN_ALL: Value = Value((126 << 2) | 2);
    pub const BUILTIN_FORMAT: Value = Value((127 << 2) | 2);
    pub const BUILTIN_BOOL: Value = Value((128 << 2) | 2);
    pub const BUILTIN_TYPE: Value = Value((129 << 2) | 2);
    /// `str.format`, run by tier 1 (`tier1/str_format.rs`): it calls
    /// `__str__`/`__repr__`.
    pub const METHOD_STR_FORMAT: Value = Value((160 << 2) | 2);
    // More math functions (`runtime/math.rs`).
    pub const MATH_ISFINITE: Value = Value((161 << 2) | 2);
    pub const MATH_DEGREES: Value = Value((162 << 2) | 2);
    pub const MATH_RADIANS: Value = Value((163 << 2) | 2);
    pub const MATH_ASIN: Value = Value((164 << 2) | 2);
    pub const MATH_ACOS: Value = Value((165 << 2) | 2);
    pub const MATH_ATAN: Value = Value((166 << 2) | 2);
    pub const MATH_LOG2: Value = Value((167 << 2) | 2);
    pub const MATH_LOG10: Value = Value((168 << 2) | 2);
    pub const MATH_GCD: Value = Value((169 << 2) | 2);
    pub const MATH_ISQRT: Value = Value((170 << 2) | 2);
    pub const MATH_FACTORIAL: Value = Value((171 << 2) | 2);
    pub const MATH_COMB: Value = Value((172 << 2) | 2);
    pub const METHOD_LIST_REMOVE: Value = Value((173 << 2) | 2);
    pub const METHOD_LIST_CLEAR: Value = Value((174 << 2) | 2);
    pub const METHOD_LIST_COPY: Value = Value((175 << 2) | 2);
    pub const METHOD_DICT_POPITEM: Value = Value((176 << 2) | 2);
    pub const METHOD_INT_BIT_LENGTH: Value = Value((177 << 2) | 2);
    pub const METHOD_FLOAT_IS_INTEGER: Value = Value((178 << 2) | 2);
    pub const MATH_PROD: Value = Value((179 << 2) | 2);
    // The str methods of `str_methods.rs`.
    pub const METHOD_STR_LSTRIP: Value = Value((130 << 2) | 2);
    pub const METHOD_STR_RSTRIP: Value = Value((131 << 2) | 2);
    pub const METHOD_STR_ISDIGIT: Value = Value((132 << 2) | 2);
    pub const METHOD_STR_ISALPHA: Value = Value((133 << 2) | 2);
    pub const METHOD_STR_ISALNUM: Value = Value((134 << 2) | 2);
    pub const METHOD_STR_ISSPACE: Value = Value((135 << 2) | 2);
    pub const METHOD_STR_ISUPPER: Value = Value((136 << 2) | 2);
    pub const METHOD_STR_ISLOWER: Value = Value((137 << 2) | 2);
    pub const METHOD_STR_ISTITLE: Value = Value((138 << 2) | 2);
    pub const METHOD_STR_ISDECIMAL: Value = Value((139 << 2) | 2);
    pub const METHOD_STR_ISNUMERIC: Value = Value((140 << 2) | 2);
    pub const METHOD_STR_ISIDENTIFIER: Value = Value((141 << 2) | 2);
    pub const METHOD_STR_ISASCII: Value = Value((142 << 2) | 2);
    pub const METHOD_STR_ISPRINTABLE: Value = Value((143 << 2) | 2);
    pub const METHOD_STR_TITLE: Value = Value((144 << 2) | 2);
    pub const METHOD_STR_CAPITALIZE: Value = Value((145 << 2) | 2);
    pub const METHOD_STR_SWAPCASE: Value = Value((146 << 2) | 2);
    pub const METHOD_STR_CASEFOLD: Value = Value((147 << 2) | 2);
    pub const METHOD_STR_LJUST: Value = Value((148 << 2) | 2);
    pub const METHOD_STR_RJUST: Value = Value((149 << 2) | 2);
    pub const METHOD_STR_CENTER: Value = Value((150 << 2) | 2);
    pub const METHOD_STR_ZFILL: Value = Value((151 << 2) | 2);
    pub const METHOD_STR_PARTITION: Value = Value((152 << 2) | 2);
    pub const METHOD_STR_RPARTITION: Value = Value((153 << 2) | 2);
    pub const METHOD_STR_RFIND: Value = Value((154 << 2) | 2);
    pub const METHOD_STR_RINDEX: Value = Value((155 << 2) | 2);
    pub const METHOD_STR_RSPLIT: Value = Value((156 << 2) | 2);
    pub const METHOD_STR_SPLITLINES: Value = Value((157 << 2) | 2);
    pub const METHOD_STR_REMOVEPREFIX: Value = Value((158 << 2) | 2);
    pub const METHOD_STR_REMOVESUFFIX: Value = Value((159 << 2) | 2);

    #[inline(always)]
    pub fn is_small_int(self) -> bool {
        self.0 & 1 == 1
    }
    #[inline(always)]
    pub fn fits_small(v: i64) -> bool {
        (SMALL_MIN..=SMALL_MAX).contains(&v)
    }
    /// Encodes `v`, which must be in the small range.
    #[inline(always)]
    pub fn small(v: i64) -> Value {
        debug_assert!(Self::fits_small(v));
        Value(((v << 1) | 1) as u64)
    }
    #[inline(always)]
    pub fn small_value(self) -> i64 {
        (self.0 as i64) >> 1
    }
    #[inline(always)]
    pub fn is_ptr(self) -> bool {
        self.0 & 7 == 0 && self.0 != 0
    }
    #[inline(always)]
    pub fn is_null(self) -> bool {
        self.0 == 0
    }
    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self == Value::TRUE || self == Value::FALSE
    }
    /// One of the [`BUILTINS`] functions or classes (not `NotImplemented`).
    pub fn is_builtin(self) -> bool {
        self != Value::NOT_IMPLEMENTED && BUILTINS.iter().any(|(_, v)| *v == self)
    }
    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        if b { Value::TRUE } else { Value::FALSE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_ints_round_trip_at_the_edges() {
        for v in [0, 1, -1, SMALL_MIN, SMALL_MAX, 12345, -99999] {
            let t = Value::small(v);
            assert!(t.is_small_int() && !t.is_ptr());
            assert_eq!(t.small_value(), v);
        }
        assert!(!Value::fits_small(SMALL_MAX + 1));
        assert!(!Value::fits_small(SMALL_MIN - 1));
    }

    #[test]
    fn immediates_are_distinct_from_ints_and_pointers() {
        for v in [Value::NONE, Value::TRUE, Value::FALSE]
            .into_iter()
            .chain(BUILTINS.iter().map(|(_, v)| *v))
        {
            assert!(!v.is_small_int() && !v.is_ptr() && !v.is_null());
        }
    }
}
