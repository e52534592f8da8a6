//! Why the optimizer believes what it does: where each symbol's fact came
//! from and why a guard was removed, kept as plain data and put into words
//! only when read (`jitdiff show`, a removed-guard finding). The optimizer
//! runs on every trace a campaign forms, and formatting these as it went
//! was a tenth of its time.

use std::fmt;

use super::Sym;
use crate::runtime::{Value, float};
use crate::tier2::uops::Uop;

/// Uop `n` of the trace as projected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub n: u32,
    pub uop: Uop,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.n, self.uop.name())
    }
}

/// Where a symbol's fact came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    EntryLocal(u32),
    EntryStack,
    /// Below the trace's view of the stack.
    Entry,
    /// Pushed by this uop (a constant).
    Made(At),
    Unbound(At),
    CellRead(At),
    Guarded(At),
    MethodFound(At),
    ClassAttribute(At),
    Result(At),
    Folded(At),
    GlobalPromoted(At),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::EntryLocal(i) => write!(f, "local {i} at trace entry"),
            Origin::EntryStack => f.write_str("stack at trace entry"),
            Origin::Entry => f.write_str("entry"),
            Origin::Made(at) => write!(f, "{at}"),
            Origin::Unbound(at) => write!(f, "unbound by {at}"),
            Origin::CellRead(at) => write!(f, "cell contents read by {at}"),
            Origin::Guarded(at) => write!(f, "guarded by {at}"),
            Origin::MethodFound(at) => write!(f, "method found by {at}"),
            Origin::ClassAttribute(at) => write!(f, "class attribute by {at}"),
            Origin::Result(at) => write!(f, "result of {at}"),
            Origin::Folded(at) => write!(f, "folded {at}"),
            Origin::GlobalPromoted(at) => write!(f, "global promoted by {at}"),
        }
    }
}

/// What a symbol was known to be, copied out of the heap when the fact is
/// used (a float constant by its bits), so words made later read nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    SmallIntConst(i64),
    BoolConst(bool),
    FloatConst(u64),
    OtherConst,
    SmallInt,
    Float,
    Bool,
    List,
    Tuple,
    Dict,
    Str,
    TypeVersion(u64),
    ClassVersion(u64),
    Unknown,
}

impl Known {
    fn of(s: Sym) -> Known {
        match s {
            Sym::Const(v) if v.is_small_int() => Known::SmallIntConst(v.small_value()),
            Sym::Const(v) if v.is_bool() => Known::BoolConst(v == Value::TRUE),
            Sym::Const(v) if float::is_float(v) => Known::FloatConst(float::value(v).to_bits()),
            Sym::Const(_) => Known::OtherConst,
            Sym::SmallInt => Known::SmallInt,
            Sym::Float => Known::Float,
            Sym::Bool => Known::Bool,
            Sym::List => Known::List,
            Sym::Tuple => Known::Tuple,
            Sym::Dict => Known::Dict,
            Sym::Str => Known::Str,
            Sym::TypeVersion(v) => Known::TypeVersion(v),
            Sym::ClassVersion(v) => Known::ClassVersion(v),
            Sym::Unknown => Known::Unknown,
        }
    }
}

impl fmt::Display for Known {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Known::SmallIntConst(i) => write!(f, "constant {i}"),
            Known::BoolConst(b) => write!(f, "constant {b}"),
            Known::FloatConst(bits) => {
                write!(f, "constant {}", float::repr(f64::from_bits(bits)))
            }
            Known::OtherConst => f.write_str("a constant"),
            Known::SmallInt => f.write_str("a small int"),
            Known::Float => f.write_str("a float"),
            Known::Bool => f.write_str("a bool"),
            Known::List => f.write_str("a list"),
            Known::Tuple => f.write_str("a tuple"),
            Known::Dict => f.write_str("a dict"),
            Known::Str => f.write_str("a str"),
            Known::TypeVersion(v) => write!(f, "an instance of the class at version {v}"),
            Known::ClassVersion(v) => write!(f, "the class at version {v}"),
            Known::Unknown => f.write_str("unknown"),
        }
    }
}

/// A symbol's fact and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Why {
    known: Known,
    origin: Origin,
}

impl Why {
    pub(super) fn new(s: Sym, origin: Origin) -> Why {
        Why {
            known: Known::of(s),
            origin,
        }
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.known, self.origin)
    }
}

/// Why a guard was removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Operand(Why),
    Operands(Why, Why),
    Callable(Why),
    Condition(Why),
    /// A type or class version guard: the type watcher covers it.
    Watched(Why),
    /// The globals dict at this keys version is watched.
    GlobalsWatched(u64),
    NoEscapeSinceValidityCheck,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Operand(w) => write!(f, "operand is {w}"),
            Reason::Operands(a, b) => write!(f, "operands are {a} and {b}"),
            Reason::Callable(w) => write!(f, "callable is {w}"),
            Reason::Condition(w) => write!(f, "condition is {w}"),
            Reason::Watched(w) => write!(
                f,
                "operand is {w}: the type watcher invalidates the executor if that class changes"
            ),
            Reason::GlobalsWatched(v) => write!(
                f,
                "globals dict watched at keys version {v}: any store invalidates the executor"
            ),
            Reason::NoEscapeSinceValidityCheck => {
                f.write_str("no escaping uop since the last validity check")
            }
        }
    }
}
