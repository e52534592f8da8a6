//! What a run of a program observably did: the contract every configuration
//! (and the reference) is compared on. Plain data, no semantics: each side
//! computes its own strings.

use serde::{Deserialize, Serialize};

/// How a program ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ending {
    Normal,
    /// An uncaught exception: type name (`ZeroDivisionError`) and message.
    Exception {
        kind: String,
        message: String,
    },
}

/// The observable result of a completed run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    /// Everything `print` wrote.
    pub output: String,
    pub ending: Ending,
    /// Final module globals as (name, repr), sorted by name. Functions are
    /// `<function NAME>` (CPython's address is not reproducible).
    pub globals: Vec<(String, String)>,
}

/// Why a run gave no verdict. Limits are defined in [`super::limits`] so that
/// the reference and the VM poison on exactly the same programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Poison {
    /// More than [`super::limits::Limits::fuel`] loop back edges plus calls.
    Fuel,
    /// Call depth beyond [`super::limits::Limits::depth`].
    Recursion,
    /// An integer result wider than [`super::limits::Limits::int_bits`].
    IntTooLarge,
    /// The VM's arena is exhausted even after collection (VM only).
    OutOfMemory,
    /// The program's syntax nests deeper than the reference interpreter can
    /// walk (reference only: a limit of the tool, not of the language).
    Nesting,
    /// An operation whose Python result is a complex number (a negative
    /// float to a fractional power): outside the language, so neither
    /// side gives a verdict past it.
    Complex,
    /// A list or tuple longer than [`super::limits::MAX_SEQUENCE_LEN`].
    SequenceTooLong,
    /// An element comparison (inside a container `==`, `in`, `index`,
    /// `count`) met a NaN on both sides: CPython's answer depends on
    /// whether they are the same object, which is outside the language.
    Identity,
    /// A character outside ASCII (`chr(200)`, `'%c' % 200`): every string
    /// in the language is ASCII.
    NonAscii,
    /// A sort of 64 or more items whose order is not consistent (a NaN in
    /// an item, or a comparison that raises), or that would call a user
    /// class's `__lt__`: CPython's result, or the calls it makes, then
    /// depend on its merge steps, which the language leaves out.
    SortOrder,
    /// A construct the language does not model although CPython runs it:
    /// a class whose base is not a class (CPython then calls the base's
    /// type as a metaclass), an attribute stored on a function,
    /// `x.__class__` of a value that is not an instance of a class.
    Unmodelled,
}

impl std::fmt::Display for Poison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Poison::Fuel => "fuel exhausted",
            Poison::Recursion => "recursion limit",
            Poison::IntTooLarge => "integer too large",
            Poison::OutOfMemory => "out of memory",
            Poison::Nesting => "nesting too deep for the reference",
            Poison::Complex => "complex result (outside the language)",
            Poison::SequenceTooLong => "sequence too long",
            Poison::Identity => "an answer that depends on object identity",
            Poison::NonAscii => "non-ASCII string (outside the language)",
            Poison::SortOrder => "a long sort whose result or calls depend on timsort's merges",
            Poison::Unmodelled => "a construct the language does not model",
        })
    }
}

/// A run either completes with an [`Outcome`] or is poisoned (no verdict).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RunResult {
    Completed(Outcome),
    Poisoned(Poison),
}

impl Outcome {
    /// One line summary for tables: ending plus a hash of output and globals.
    pub fn ending_text(&self) -> String {
        match &self.ending {
            Ending::Normal => "ok".to_string(),
            Ending::Exception { kind, message } => format!("{kind}: {message}"),
        }
    }
}
