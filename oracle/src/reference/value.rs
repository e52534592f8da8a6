//! The reference's own value model: Python ints (with an `i64` fast path),
//! floats, bools, None, ASCII strings, functions, the builtins, range
//! objects, tuples, lists and dicts. Written from CPython's documented behaviour,
//! not from the VM's representation. Float semantics live in
//! [`super::float`], sequence semantics in [`super::seq`], string
//! semantics in [`super::strs`], dict semantics in [`super::dict`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use jitdiff_vm::lang::ast::BinOp;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::dict::{DictObj, ViewObj};

use super::float::{self, Num};

/// A Python `int`. Invariant: `Big` never holds a value that fits in `i64`,
/// so equal values always have the same variant (cheap equality, one repr).
#[derive(Clone, Debug)]
pub enum Int {
    Small(i64),
    Big(Rc<BigInt>),
}

impl Int {
    pub fn from_big(b: BigInt) -> Int {
        match b.to_i64() {
            Some(v) => Int::Small(v),
            None => Int::Big(Rc::new(b)),
        }
    }

    fn from_i128(v: i128) -> Int {
        match i64::try_from(v) {
            Ok(v) => Int::Small(v),
            Err(_) => Int::Big(Rc::new(BigInt::from(v))),
        }
    }

    pub fn to_big(&self) -> BigInt {
        match self {
            Int::Small(v) => BigInt::from(*v),
            Int::Big(b) => (**b).clone(),
        }
    }

    /// Bit length of the absolute value (Python's `int.bit_length()`).
    pub fn bits(&self) -> u64 {
        match self {
            Int::Small(v) => u64::from(64 - v.unsigned_abs().leading_zeros()),
            Int::Big(b) => b.bits(),
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, Int::Small(0))
    }

    pub fn is_negative(&self) -> bool {
        match self {
            Int::Small(v) => *v < 0,
            Int::Big(b) => b.is_negative(),
        }
    }

    /// The value clamped into `i64` (CPython clips `round`'s `ndigits` and
    /// `int`'s `base` this way; only the clamped range matters to either).
    pub fn saturating_i64(&self) -> i64 {
        match self {
            Int::Small(v) => *v,
            Int::Big(b) if b.is_negative() => i64::MIN,
            Int::Big(_) => i64::MAX,
        }
    }

    pub fn add(&self, o: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, o) {
            return a.checked_add(*b).map_or_else(
                || Int::from_i128(i128::from(*a) + i128::from(*b)),
                Int::Small,
            );
        }
        Int::from_big(self.to_big() + o.to_big())
    }

    pub fn sub(&self, o: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, o) {
            return a.checked_sub(*b).map_or_else(
                || Int::from_i128(i128::from(*a) - i128::from(*b)),
                Int::Small,
            );
        }
        Int::from_big(self.to_big() - o.to_big())
    }

    pub fn mul(&self, o: &Int) -> Int {
        if let (Int::Small(a), Int::Small(b)) = (self, o) {
            // |a*b| <= 2^126: the fallback always fits in i128.
            return a.checked_mul(*b).map_or_else(
                || Int::from_i128(i128::from(*a) * i128::from(*b)),
                Int::Small,
            );
        }
        Int::from_big(self.to_big() * o.to_big())
    }

    /// `~x`, which is `-x - 1` on Python's unbounded two's complement.
    pub fn invert(&self) -> Int {
        Int::from_big(-self.to_big() - 1)
    }

    /// `&`, `|` or `^` (any other `op` is `^`), on infinite two's
    /// complement.
    pub fn bitwise(&self, op: BinOp, o: &Int) -> Int {
        let (a, b) = (self.to_big(), o.to_big());
        Int::from_big(match op {
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            _ => a ^ b,
        })
    }

    /// `x << n` (`left`) or `x >> n` for `n >= 0`; `None` when a left shift
    /// would be wider than `max_bits` (the run poisons).
    pub fn shift(&self, left: bool, n: &Int, max_bits: u64) -> Option<Int> {
        let n = n.to_big();
        if self.is_zero() {
            return Some(Int::Small(0));
        }
        let count = n.to_u64().unwrap_or(u64::MAX);
        if left {
            if self.bits().saturating_add(count) > max_bits {
                return None;
            }
            return Some(Int::from_big(self.to_big() << count));
        }
        // An arithmetic right shift floors: past the width, 0 or -1.
        if count >= self.bits() {
            let negative = self.cmp(&Int::Small(0)) == Ordering::Less;
            return Some(Int::Small(if negative { -1 } else { 0 }));
        }
        Some(Int::from_big(self.to_big() >> count))
    }

    pub fn neg(&self) -> Int {
        match self {
            Int::Small(v) => Int::from_i128(-i128::from(*v)),
            Int::Big(b) => Int::from_big(-(**b).clone()),
        }
    }

    pub fn abs(&self) -> Int {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// `self ** exp` for `exp >= 0`, exactly; `None` when the result would be
    /// wider than `max_bits` (the run poisons). The width is bounded before
    /// computing, so a hopeless power costs nothing.
    pub fn pow(&self, exp: &Int, max_bits: u64) -> Option<Int> {
        if exp.is_zero() {
            return Some(Int::Small(1));
        }
        // 0, 1 and -1 stay that small under any exponent.
        match self {
            Int::Small(0 | 1) => return Some(self.clone()),
            Int::Small(-1) => {
                let odd = exp.to_big().is_odd();
                return Some(Int::Small(if odd { -1 } else { 1 }));
            }
            _ => {}
        }
        // |self| >= 2 has b bits, so |self| ** n has at least
        // n * (b - 1) + 1 bits.
        let n = match exp {
            Int::Small(n) => u64::try_from(*n).ok()?,
            Int::Big(_) => return None,
        };
        let min_bits = n.saturating_mul(self.bits() - 1).saturating_add(1);
        if min_bits > max_bits {
            return None;
        }
        // Here n < max_bits, which fits in u32 for any sane limit.
        let n = u32::try_from(n).ok()?;
        if let Int::Small(v) = self
            && let Some(r) = v.checked_pow(n)
        {
            return Some(Int::Small(r));
        }
        let r = Int::from_big(self.to_big().pow(n));
        (r.bits() <= max_bits).then_some(r)
    }

    /// The multiple of `10 ** k` nearest to `self`, ties to the even
    /// multiple: `round(self, -k)` for `k > 0`.
    pub fn round_to_pow10(&self, k: u64) -> Int {
        // 10**k > 2**(3k) >= 2 * |self| once 3k > bits: the nearest multiple
        // is 0 (a tie, at exactly half, also goes to the even multiple 0).
        // Skipping the power keeps a huge `k` cheap.
        if k.saturating_mul(3) > self.bits() {
            return Int::Small(0);
        }
        let p = BigInt::from(10u8).pow(k as u32);
        let (q, r) = self.to_big().div_mod_floor(&p);
        let twice: BigInt = r * 2u8;
        let q = match twice.cmp(&p) {
            Ordering::Greater => q + 1u8,
            Ordering::Equal if q.is_odd() => q + 1u8,
            _ => q,
        };
        Int::from_big(q * p)
    }

    /// Floor division (quotient rounded towards negative infinity), `None`
    /// for a zero divisor.
    pub fn floordiv(&self, o: &Int) -> Option<Int> {
        if o.is_zero() {
            return None;
        }
        if let (Int::Small(a), Int::Small(b)) = (self, o) {
            // x // -1 is exact negation; doing it apart avoids the one i64
            // overflow of `/` and `%` (i64::MIN / -1).
            if *b == -1 {
                return Some(self.neg());
            }
            let (q, r) = (a / b, a % b);
            // Truncation rounded towards zero; floor if the signs differ.
            let adjust = r != 0 && ((r < 0) != (*b < 0));
            return Some(Int::Small(if adjust { q - 1 } else { q }));
        }
        Some(Int::from_big(self.to_big().div_floor(&o.to_big())))
    }

    /// Python modulo: the result has the sign of the divisor. `None` for a
    /// zero divisor.
    pub fn modulo(&self, o: &Int) -> Option<Int> {
        if o.is_zero() {
            return None;
        }
        if let (Int::Small(a), Int::Small(b)) = (self, o) {
            if *b == -1 {
                return Some(Int::Small(0));
            }
            let r = a % b;
            // r and b have opposite signs here, so r + b cannot overflow.
            let adjust = r != 0 && ((r < 0) != (*b < 0));
            return Some(Int::Small(if adjust { r + b } else { r }));
        }
        Some(Int::from_big(self.to_big().mod_floor(&o.to_big())))
    }

    pub fn cmp(&self, o: &Int) -> Ordering {
        match (self, o) {
            (Int::Small(a), Int::Small(b)) => a.cmp(b),
            _ => self.to_big().cmp(&o.to_big()),
        }
    }
}

impl PartialEq for Int {
    fn eq(&self, o: &Int) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Int::Small(v) => write!(f, "{v}"),
            Int::Big(b) => write!(f, "{b}"),
        }
    }
}

/// A user function object. Each execution of a `def` makes a new one, and
/// `==` between functions is identity (`Rc::ptr_eq`).
#[derive(Debug)]
pub struct FuncObj {
    /// Index into the resolved program's function table.
    pub code: usize,
    pub name: Rc<str>,
    /// The values of the last parameters' defaults, evaluated by the `def`.
    pub defaults: Vec<Value>,
    /// A method's `__class__` cell (what `super()` starts from): the class
    /// the class statement that ran this `def` made. `None` outside a
    /// class body.
    pub cell: Option<Rc<super::classes::ClassCell>>,
    /// The cells of its free variables, shared with the frame that made it.
    pub closure: Vec<std::rc::Rc<std::cell::RefCell<Option<Value>>>>,
}

/// A method bound to its receiver (`push = xs.append`).
#[derive(Debug)]
pub struct BoundObj {
    pub receiver: Value,
    pub meth: super::methods::Meth,
}

/// `str.lower`: a method of a builtin type read from the type (CPython's
/// method descriptor), called with the receiver first.
#[derive(Debug)]
pub struct DescrObj {
    pub owner: Builtin,
    pub meth: super::methods::Meth,
}

impl DescrObj {
    /// The same method of the same type (one object in CPython).
    pub fn same(&self, o: &DescrObj) -> bool {
        self.owner == o.owner && self.meth.name() == o.meth.name()
    }
}

/// A `range` object: the normalized (index-converted) arguments.
#[derive(Debug)]
pub struct RangeObj {
    pub start: Int,
    pub stop: Int,
    pub step: Int,
}

impl RangeObj {
    /// Number of elements, as CPython's `compute_range_length`.
    pub fn len(&self) -> BigInt {
        let (start, stop, step) = (self.start.to_big(), self.stop.to_big(), self.step.to_big());
        let (lo, hi, step) = if step.is_positive() {
            (start, stop, step)
        } else {
            (stop, start, -step)
        };
        if lo >= hi {
            return BigInt::zero();
        }
        (hi - lo - 1u8) / step + 1u8
    }

    /// CPython's `range_equals`: ranges are equal when they describe the
    /// same sequence, not when their arguments match.
    pub fn same_sequence(&self, o: &RangeObj) -> bool {
        let n = self.len();
        if n != o.len() {
            return false;
        }
        if n.is_zero() {
            return true;
        }
        if self.start != o.start {
            return false;
        }
        n == BigInt::from(1u8) || self.step == o.step
    }

    pub fn iter(&self) -> RangeIter {
        match (&self.start, &self.stop, &self.step) {
            (Int::Small(a), Int::Small(b), Int::Small(c)) => RangeIter::Small {
                cur: i128::from(*a),
                stop: i128::from(*b),
                step: i128::from(*c),
            },
            _ => RangeIter::Big {
                cur: self.start.to_big(),
                stop: self.stop.to_big(),
                step: self.step.to_big(),
            },
        }
    }
}

/// The internal iterator a `for` loop drives (never a Python-visible value).
pub enum RangeIter {
    /// i128 so `cur + step` cannot overflow for i64 bounds.
    Small { cur: i128, stop: i128, step: i128 },
    Big {
        cur: BigInt,
        stop: BigInt,
        step: BigInt,
    },
}

impl Iterator for RangeIter {
    type Item = Int;
    fn next(&mut self) -> Option<Int> {
        match self {
            RangeIter::Small { cur, stop, step } => {
                let more = if *step > 0 {
                    *cur < *stop
                } else {
                    *cur > *stop
                };
                if !more {
                    return None;
                }
                let v = *cur;
                *cur += *step;
                Some(Int::from_i128(v))
            }
            RangeIter::Big { cur, stop, step } => {
                let more = if step.is_positive() {
                    *cur < *stop
                } else {
                    *cur > *stop
                };
                if !more {
                    return None;
                }
                let v = cur.clone();
                *cur += &*step;
                Some(Int::from_big(v))
            }
        }
    }
}

/// The builtins. `range`, `float`, `int`, `list`, `tuple` and `str` are classes in
/// CPython (type name `type`, repr `<class 'range'>`); the others are
/// builtin functions. `ALL` keeps the language's order of global names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Print,
    Range,
    Float,
    Int,
    Abs,
    Round,
    Len,
    List,
    Tuple,
    Sum,
    Min,
    Max,
    Str,
    Repr,
    Ord,
    Chr,
    Dict,
    Enumerate,
    Zip,
    Reversed,
    Sorted,
    Isinstance,
    Set,
    Next,
    Iter,
    Divmod,
    Pow,
    Hex,
    Oct,
    Bin,
    Any,
    All,
    Format,
    Bool,
    Type,
    Getattr,
    Hasattr,
    Setattr,
    Callable,
    Issubclass,
    Hash,
    /// A built-in exception class (an index into `exceptions::CLASSES`).
    Exc(u8),
}

impl Builtin {
    pub const ALL: [Builtin; 59] = [
        Builtin::Print,
        Builtin::Range,
        Builtin::Float,
        Builtin::Int,
        Builtin::Abs,
        Builtin::Round,
        Builtin::Len,
        Builtin::List,
        Builtin::Tuple,
        Builtin::Sum,
        Builtin::Min,
        Builtin::Max,
        Builtin::Str,
        Builtin::Repr,
        Builtin::Ord,
        Builtin::Chr,
        Builtin::Dict,
        Builtin::Enumerate,
        Builtin::Zip,
        Builtin::Reversed,
        Builtin::Sorted,
        Builtin::Isinstance,
        Builtin::Set,
        Builtin::Exc(0),
        Builtin::Exc(1),
        Builtin::Exc(2),
        Builtin::Exc(3),
        Builtin::Exc(4),
        Builtin::Exc(5),
        Builtin::Exc(6),
        Builtin::Exc(7),
        Builtin::Exc(8),
        Builtin::Exc(9),
        Builtin::Exc(10),
        Builtin::Exc(11),
        Builtin::Exc(12),
        Builtin::Exc(13),
        Builtin::Exc(14),
        Builtin::Exc(15),
        Builtin::Exc(16),
        Builtin::Exc(17),
        Builtin::Next,
        Builtin::Iter,
        Builtin::Divmod,
        Builtin::Pow,
        Builtin::Hex,
        Builtin::Oct,
        Builtin::Bin,
        Builtin::Any,
        Builtin::All,
        Builtin::Format,
        Builtin::Bool,
        Builtin::Type,
        Builtin::Getattr,
        Builtin::Hasattr,
        Builtin::Setattr,
        Builtin::Callable,
        Builtin::Issubclass,
        Builtin::Hash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Print => "print",
            Builtin::Range => "range",
            Builtin::Float => "float",
            Builtin::Int => "int",
            Builtin::Abs => "abs",
            Builtin::Round => "round",
            Builtin::Len => "len",
            Builtin::List => "list",
            Builtin::Tuple => "tuple",
            Builtin::Sum => "sum",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Str => "str",
            Builtin::Repr => "repr",
            Builtin::Ord => "ord",
            Builtin::Chr => "chr",
            Builtin::Dict => "dict",
            Builtin::Enumerate => "enumerate",
            Builtin::Zip => "zip",
            Builtin::Reversed => "reversed",
            Builtin::Sorted => "sorted",
            Builtin::Isinstance => "isinstance",
            Builtin::Exc(c) => super::exceptions::name(c),
            Builtin::Set => "set",
            Builtin::Next => "next",
            Builtin::Iter => "iter",
            Builtin::Divmod => "divmod",
            Builtin::Pow => "pow",
            Builtin::Hex => "hex",
            Builtin::Oct => "oct",
            Builtin::Bin => "bin",
            Builtin::Any => "any",
            Builtin::All => "all",
            Builtin::Format => "format",
            Builtin::Bool => "bool",
            Builtin::Type => "type",
            Builtin::Getattr => "getattr",
            Builtin::Hasattr => "hasattr",
            Builtin::Setattr => "setattr",
            Builtin::Callable => "callable",
            Builtin::Issubclass => "issubclass",
            Builtin::Hash => "hash",
        }
    }

    /// The builtin a global name falls back to when unbound.
    pub fn named(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    pub fn is_class(self) -> bool {
        matches!(
            self,
            Builtin::Range
                | Builtin::Float
                | Builtin::Int
                | Builtin::List
                | Builtin::Tuple
                | Builtin::Str
                | Builtin::Dict
                | Builtin::Set
                | Builtin::Enumerate
                | Builtin::Zip
                | Builtin::Reversed
                | Builtin::Bool
                | Builtin::Type
                | Builtin::Exc(_)
        )
    }
}

/// A list: mutable and shared, so aliasing (`b = a; a.append(1)`) and
/// identity (`Rc::ptr_eq`) are CPython's.
#[derive(Debug, Default)]
pub struct ListObj {
    pub items: RefCell<Vec<Value>>,
}

/// A tuple. Immutable, but it has an identity too: CPython returns the
/// same object for `t[:]`, `t + ()`, `t * 1` and `tuple(t)`, and the
/// reference does as well, so `(...)` reprs and `is`-then-`==` element
/// comparisons see the objects CPython would.
#[derive(Debug, Default)]
pub struct TupleObj {
    pub items: Vec<Value>,
}

// Nested containers are freed with an explicit work list: a list nested a
// million deep (`x = [x]` in a loop) would overflow the stack if each
// level's drop recursed into the next.
impl Drop for ListObj {
    fn drop(&mut self) {
        let items = std::mem::take(self.items.get_mut());
        if items.iter().any(Value::is_container) {
            drop_iteratively(items);
        }
    }
}

impl Drop for TupleObj {
    fn drop(&mut self) {
        let items = std::mem::take(&mut self.items);
        if items.iter().any(Value::is_container) {
            drop_iteratively(items);
        }
    }
}

/// Frees `pending` and everything only it keeps alive, without recursion:
/// a container losing its last reference is emptied into the work list
/// before it is dropped (so its own `drop` finds nothing to do).
pub(super) fn drop_iteratively(mut pending: Vec<Value>) {
    while let Some(v) = pending.pop() {
        match v {
            Value::List(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    pending.append(&mut obj.items.take());
                }
            }
            Value::Tuple(rc) => {
                if let Ok(mut obj) = Rc::try_unwrap(rc) {
                    pending.append(&mut obj.items);
                }
            }
            Value::Dict(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    pending.append(&mut obj.data.borrow_mut().take_all());
                }
            }
            Value::View(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    pending.push(Value::Dict(obj.dict));
                }
            }
            // Instances (linked lists of objects) and classes (a chain of
            // `class C(C)` run in a loop) nest as deep as containers.
            Value::Instance(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    obj.take_all(&mut pending);
                }
            }
            Value::Class(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    obj.take_all(&mut pending);
                }
            }
            Value::Method(rc) => {
                if let Ok(obj) = Rc::try_unwrap(rc) {
                    pending.push(obj.receiver.clone());
                }
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Int(Int),
    Float(f64),
    Bool(bool),
    None,
    /// `NotImplemented`, what a binary or comparison dunder returns to
    /// decline (`dunders.rs`).
    NotImplemented,
    /// An immutable ASCII string (one byte per character).
    Str(Rc<str>),
    Func(Rc<FuncObj>),
    Builtin(Builtin),
    /// `xs.append` as a value.
    Bound(Rc<BoundObj>),
    /// The `math` module.
    Module,
    /// A function of the math module.
    Math(super::math::MathFn),
    /// The `random` module (`RandFn::Module`) or one of its functions.
    Rand(super::random::RandFn),
    Range(Rc<RangeObj>),
    Tuple(Rc<TupleObj>),
    List(Rc<ListObj>),
    Dict(Rc<DictObj>),
    /// `d.keys()`, `d.values()` or `d.items()`.
    View(Rc<ViewObj>),
    /// An iterator object (`enumerate`, `zip`, `reversed`).
    Iter(Rc<super::iters::IterObj>),
    /// A class made by a class statement.
    Class(Rc<super::classes::ClassObj>),
    /// An instance of a class.
    Instance(Rc<super::classes::InstObj>),
    /// A user function bound to an instance or (a class method) a class.
    Method(Rc<super::classes::MethodObj>),
    /// An exception object.
    Exc(Rc<super::exceptions::ExcObj>),
    /// A method descriptor (`str.lower`).
    Descr(Rc<DescrObj>),
    Set(Rc<super::set::SetObj>),
    /// A generator object (its state is in the interpreter's table).
    Gen(Rc<super::eval::generators::GenObj>),
    /// The array module, its `array` type, or an array.
    Arr(super::array::Arr),
}

impl Value {
    /// The value as an integer if it is one (bools are ints in Python).
    pub fn as_int(&self) -> Option<Int> {
        match self {
            Value::Int(i) => Some(i.clone()),
            Value::Bool(b) => Some(Int::Small(i64::from(*b))),
            _ => None,
        }
    }

    /// The value as a number if it is one: an int (bools included) or a
    /// float.
    pub fn as_num(&self) -> Option<Num> {
        match self {
            Value::Float(f) => Some(Num::Float(*f)),
            _ => self.as_int().map(Num::Int),
        }
    }

    /// `type(v).__name__`, as used in CPython's error messages (an
    /// instance's is its class's name, hence not always static).
    pub fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Value::Instance(o) => return Cow::Owned(o.class().name.to_string()),
            Value::Exc(e) => super::exceptions::name(e.class),
            Value::Class(_) => "type",
            Value::Method(_) => "method",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::None => "NoneType",
            Value::NotImplemented => "NotImplementedType",
            Value::Str(_) => "str",
            Value::Func(_) => "function",
            Value::Builtin(b) if b.is_class() => "type",
            Value::Builtin(_) | Value::Bound(_) | Value::Math(_) => "builtin_function_or_method",
            Value::Descr(_) => "method_descriptor",
            Value::Module | Value::Rand(super::random::RandFn::Module) => "module",
            Value::Rand(super::random::RandFn::Random | super::random::RandFn::Getrandbits) => {
                "builtin_function_or_method"
            }
            Value::Rand(_) => "method",
            Value::Range(_) => "range",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::View(v) => v.kind.type_name(),
            Value::Iter(it) => it.type_name(),
            Value::Set(_) => "set",
            Value::Gen(_) => "generator",
            Value::Arr(a) => a.type_name(),
        })
    }

    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::View(_) | Value::Set(_)
        )
    }

    /// A list or tuple (the operands `+` and `*` treat as sequences).
    pub fn is_sequence(&self) -> bool {
        matches!(self, Value::Tuple(_) | Value::List(_))
    }

    /// `bool(v)`. Note an empty range is false and NaN is true, as in
    /// CPython.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Int(i) => !i.is_zero(),
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::None => false,
            Value::Str(s) => !s.is_empty(),
            Value::Func(_) | Value::Builtin(_) | Value::Bound(_) | Value::Descr(_) => true,
            Value::Module | Value::Math(_) | Value::Rand(_) => true,
            // CPython 3.11 warns on stderr and answers true.
            Value::NotImplemented => true,
            Value::Arr(a) => a.truthy(),
            Value::Range(r) => !r.len().is_zero(),
            Value::Tuple(t) => !t.items.is_empty(),
            Value::List(l) => !l.items.borrow().is_empty(),
            Value::Dict(d) => d.len() > 0,
            Value::View(v) => v.dict.len() > 0,
            Value::Set(s) => s.data.borrow().len() > 0,
            Value::Iter(_)
            | Value::Class(_)
            | Value::Instance(_)
            | Value::Method(_)
            | Value::Exc(_)
            | Value::Gen(_) => true,
        }
    }

    /// `a == b` for non-containers: numbers by exact value (NaN equals
    /// nothing), ranges by sequence, strings by content, everything else by
    /// identity (None and
    /// the builtins are singletons). Containers compare in
    /// [`super::compare`]; here two of them are equal only if identical.
    pub fn py_eq(&self, o: &Value) -> bool {
        match (self, o) {
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Tuple(a), Value::Tuple(b)) => Rc::ptr_eq(a, b),
            (Value::Func(a), Value::Func(b)) => Rc::ptr_eq(a, b),
            (Value::Bound(a), Value::Bound(b)) => Rc::ptr_eq(a, b),
            // One descriptor per method, as CPython's.
            (Value::Descr(a), Value::Descr(b)) => a.same(b),
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
            (Value::View(a), Value::View(b)) => Rc::ptr_eq(a, b),
            (Value::Iter(a), Value::Iter(b)) => Rc::ptr_eq(a, b),
            (Value::Set(a), Value::Set(b)) => Rc::ptr_eq(a, b),
            (Value::Gen(a), Value::Gen(b)) => Rc::ptr_eq(a, b),
            (Value::Range(a), Value::Range(b)) => Rc::ptr_eq(a, b) || a.same_sequence(b),
            (Value::None, Value::None) => true,
            (Value::NotImplemented, Value::NotImplemented) => true,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Module, Value::Module) => true,
            (Value::Arr(a), Value::Arr(b)) => a.is(b),
            (Value::Math(a), Value::Math(b)) => a == b,
            (Value::Rand(a), Value::Rand(b)) => a == b,
            (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
            (Value::Instance(a), Value::Instance(b)) => Rc::ptr_eq(a, b),
            (Value::Exc(a), Value::Exc(b)) => Rc::ptr_eq(a, b),
            // CPython: the same function bound to the same object.
            (Value::Method(a), Value::Method(b)) => a.same(b),
            _ => match (self.as_num(), o.as_num()) {
                (Some(a), Some(b)) => num_cmp(&a, &b) == Some(Ordering::Equal),
                _ => false,
            },
        }
    }
}

/// How two numbers order, exactly, across ints and floats (`2**53 + 1 >
/// 9007199254740992.0`); `None` if either is NaN.
pub fn num_cmp(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Float(x), Num::Int(y)) => float::cmp_float_int(*x, y),
        (Num::Int(x), Num::Float(y)) => float::cmp_float_int(*y, x).map(Ordering::reverse),
    }
}

/// `repr(v)`, which for every value but a string is also `str(v)` (see
/// [`super::strs::str_of`]). Functions print as `<function NAME>`: the one documented deviation from
/// CPython (no address). Containers go through [`super::compare::repr`],
/// which can poison; here a too-deep one shows as `<...>`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::View(_) | Value::Set(_) => {
                f.write_str(&super::compare::repr(self).unwrap_or_else(|_| "<...>".into()))
            }
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&float::repr(*x)),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::None => f.write_str("None"),
            Value::NotImplemented => f.write_str("NotImplemented"),
            Value::Str(s) => f.write_str(&super::strs::repr_str(s)),
            Value::Func(func) => write!(f, "<function {}>", func.name),
            Value::Builtin(b) if b.is_class() => write!(f, "<class '{}'>", b.name()),
            Value::Builtin(b) => write!(f, "<built-in function {}>", b.name()),
            Value::Math(m) => write!(f, "<built-in function {}>", m.name()),
            Value::Module => f.write_str("<module 'math' (built-in)>"),
            Value::Rand(r) => f.write_str(&super::random::dump_repr(*r)),
            Value::Arr(a) => write!(f, "{a}"),
            // Without CPython's address, as functions.
            Value::Bound(b) => write!(
                f,
                "<built-in method {} of {} object>",
                b.meth.name(),
                b.receiver.type_name()
            ),
            Value::Descr(d) => write!(
                f,
                "<method '{}' of '{}' objects>",
                d.meth.name(),
                d.owner.name()
            ),
            // Without CPython's address, as functions.
            Value::Iter(it) => write!(f, "<{} object>", it.type_name()),
            Value::Gen(_) => write!(f, "<generator object>"),
            // The prelude's `collections` classes print as CPython's types.
            Value::Class(c) => match c.name.strip_prefix("__jd_collections_") {
                Some(n) => write!(f, "<class 'collections.{n}'>"),
                None => write!(f, "<class '__main__.{}'>", c.name),
            },
            Value::Instance(o) => write!(f, "<__main__.{} object>", o.class().name),
            Value::Exc(e) => {
                let args: Vec<String> = e.args.items.iter().map(|a| a.to_string()).collect();
                write!(
                    f,
                    "{}({})",
                    super::exceptions::name(e.class),
                    args.join(", ")
                )
            }
            Value::Method(m) => write!(f, "<bound method {} of {}>", m.func.name, m.receiver),
            Value::Range(r) => {
                if r.step == Int::Small(1) {
                    write!(f, "range({}, {})", r.start, r.stop)
                } else {
                    write!(f, "range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
