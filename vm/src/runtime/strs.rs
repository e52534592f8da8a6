//! ASCII strings: `[hdr][len][bytes, padded to whole words]` (`Kind::Str`).
//! Every string in the language is ASCII (the front end rejects other
//! literals and `chr` of a larger code point poisons), so a byte is a
//! character and byte order is code-point order.
//!
//! One-character strings are preallocated per run (`Arena::chars`), as
//! CPython caches its Latin-1 singletons: indexing and iterating a string
//! never allocate, which lets `_BINARY_SUBSCR_STR_INT` stay in registers.

use super::arena::Arena;
use super::object::{self, Kind, STR_BYTES, STR_LEN};
use super::value::Value;
use super::{Raise, seq};
use crate::lang::Poison;

pub fn is_str(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Str
}

/// Length in characters (= bytes).
pub fn len(v: Value) -> usize {
    // SAFETY: a live Str object.
    unsafe { object::read(v.0, STR_LEN) as usize }
}

/// The text of a live string object. The slice borrows arena memory: use
/// it before the next allocation (which may collect the string if nothing
/// roots it) and never keep it across one.
pub fn text<'a>(v: Value) -> &'a str {
    debug_assert!(is_str(v));
    // SAFETY: a live Str object holds `len` ASCII bytes after its header.
    unsafe {
        let bytes = std::slice::from_raw_parts((v.0 + STR_BYTES) as *const u8, len(v));
        std::str::from_utf8_unchecked(bytes)
    }
}

/// A new string built by `+`, `*`, `%`, slicing, `join`, `replace` or
/// `str()`/`repr()` of a list or tuple: bulk work like building a list.
pub fn new_charged(arena: &mut Arena, s: &str) -> Result<Value, Raise> {
    seq::check_len(s.len())?;
    seq::charge(arena, s.len());
    new(arena, s)
}

/// A new string object holding `s` (ASCII; poisons otherwise), without a
/// bulk charge (the operations the language charges use `new_charged`).
pub fn new(arena: &mut Arena, s: &str) -> Result<Value, Raise> {
    if !s.is_ascii() {
        return Err(Raise::Poison(Poison::NonAscii));
    }
    if s.len() == 1 && !arena.chars.is_empty() {
        return Ok(arena.chars[s.as_bytes()[0] as usize]);
    }
    seq::check_len(s.len())?;
    let words = 2 + s.len().div_ceil(8);
    let addr = arena.alloc(Kind::Str, words)?;
    // SAFETY: a fresh object with room for `len` bytes after the header.
    unsafe {
        object::write(addr, STR_LEN, s.len() as u64);
        std::ptr::copy_nonoverlapping(s.as_ptr(), (addr + STR_BYTES) as *mut u8, s.len());
    }
    Ok(Value(addr))
}

/// Allocates the 128 one-character strings of a run (before its roots are
/// complete, so nothing collects them half-made); the caller roots them.
pub fn make_chars(arena: &mut Arena) -> Result<(), Raise> {
    arena.chars.clear();
    let mut chars = Vec::with_capacity(128);
    for b in 0u8..128 {
        let addr = arena.alloc(Kind::Str, 3)?;
        // SAFETY: a fresh one-character Str.
        unsafe {
            object::write(addr, STR_LEN, 1);
            object::write(addr, STR_BYTES, b as u64);
        }
        chars.push(Value(addr));
    }
    arena.chars = chars;
    Ok(())
}

/// The one-character string of ASCII byte `b`.
pub fn char_value(arena: &Arena, b: u8) -> Value {
    arena.chars[b as usize]
}

/// `iter(s)`: a `StrIter` over `s` (rooted by the caller).
pub fn iter(arena: &mut Arena, s: Value) -> Result<Value, Raise> {
    let addr = arena.alloc(Kind::StrIter, 3)?;
    // SAFETY: a freshly allocated iterator.
    unsafe { object::write(addr, object::SEQ_ITER_SEQ, s.0) };
    Ok(Value(addr))
}

pub fn is_str_iter(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::StrIter
}

/// The next character of a `StrIter` (cached: no allocation).
pub fn iter_next(arena: &Arena, it: Value) -> Option<Value> {
    // SAFETY: a live StrIter holding a live Str.
    unsafe {
        let s = Value(object::read(it.0, object::SEQ_ITER_SEQ));
        let i = object::read(it.0, object::SEQ_ITER_INDEX) as usize;
        if i >= len(s) {
            return None;
        }
        object::write(it.0, object::SEQ_ITER_INDEX, i as u64 + 1);
        Some(char_value(arena, text(s).as_bytes()[i]))
    }
}

/// CPython's `repr` of an ASCII string (the unparser writes literals the
/// same way).
pub fn repr(s: &str) -> String {
    crate::lang::unparse::str_literal(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_share_their_one_character_objects() {
        let mut a = Arena::new();
        make_chars(&mut a).unwrap();
        let s = new(&mut a, "hello, world").unwrap();
        assert_eq!(text(s), "hello, world");
        assert_eq!(len(s), 12);
        assert_eq!(new(&mut a, "h").unwrap(), char_value(&a, b'h'));
        assert_eq!(text(new(&mut a, "").unwrap()), "");
        assert_eq!(new(&mut a, "é"), Err(Raise::Poison(Poison::NonAscii)));
    }
}
