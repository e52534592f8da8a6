//! Key hashing for dicts: equal keys (by the language's `==`, so `1`,
//! `1.0` and `True`) hash alike. Numbers hash by their value modulo the
//! Mersenne prime 2^61 - 1, as CPython does, so an int and an integral
//! float agree without converting one into the other. The hash itself
//! never shows (iteration follows insertion order).

use ibig::IBig;

use super::value::Value;
use super::{Raise, float, int, object, pydict, range, seq, strs, type_name};
use crate::lang::Poison;
use crate::lang::limits::MAX_CONTAINER_NESTING;

const MODULUS: u64 = (1 << 61) - 1;

/// The hash of a number `±magnitude` given its magnitude modulo 2^61 - 1.
fn number(negative: bool, residue: u64) -> u64 {
    if negative {
        (MODULUS - residue) % MODULUS
    } else {
        residue
    }
}

fn big(b: &IBig) -> u64 {
    let negative = *b < IBig::from(0);
    let magnitude = if negative { -b.clone() } else { b.clone() };
    let residue = u64::try_from(&(magnitude % IBig::from(MODULUS))).unwrap_or(0);
    number(negative, residue)
}

/// An integral finite float: `m * 2^e` reduced with `2^61 = 1 (mod P)`.
fn integral_float(x: f64) -> u64 {
    if x == 0.0 {
        return 0;
    }
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mut exp = raw_exp - 1075;
    // Integral: the low `-exp` bits are zero, so shifting them out is exact.
    while exp < 0 {
        mantissa >>= 1;
        exp += 1;
    }
    let power = 1u128 << (exp % 61);
    let residue = ((mantissa as u128 % MODULUS as u128) * power % MODULUS as u128) as u64;
    number(x < 0.0, residue)
}

fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x100_0000_01b3).rotate_left(17)
}

/// The hash of `key`: `TypeError: unhashable type` for a list, dict or
/// set-like view (also inside a tuple), then poison if it holds a NaN.
pub fn key_hash(key: Value) -> Result<u64, Raise> {
    let mut nan = false;
    let h = hash(key, &mut nan, 0)?;
    if nan {
        return Err(Raise::Poison(Poison::Identity));
    }
    Ok(h)
}

fn hash(v: Value, nan: &mut bool, depth: usize) -> Result<u64, Raise> {
    if v.is_small_int() {
        let x = v.small_value();
        return Ok(number(x < 0, (x.unsigned_abs()) % MODULUS));
    }
    if v.is_bool() {
        return Ok((v == Value::TRUE) as u64);
    }
    if v == Value::NONE {
        return Ok(0x5eed_0f00);
    }
    if int::is_int(v) {
        return Ok(big(&int::to_ibig(v)));
    }
    if float::is_float(v) {
        let x = float::value(v);
        if x.is_nan() {
            *nan = true;
            return Ok(0);
        }
        if x.is_finite() && x.fract() == 0.0 {
            return Ok(integral_float(x));
        }
        return Ok(mix(1, x.to_bits()));
    }
    if strs::is_str(v) {
        return Ok(strs::text(v)
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325, |h, b| mix(h, b as u64)));
    }
    if seq::is_tuple(v) {
        if depth >= MAX_CONTAINER_NESTING {
            return Err(Raise::Poison(Poison::Recursion));
        }
        let mut h = mix(4, seq::len(v) as u64);
        // Every item is hashed (an unhashable one raises even after a NaN).
        for x in seq::items(v) {
            h = mix(h, hash(x, nan, depth + 1)?);
        }
        return Ok(h);
    }
    if v.is_ptr() && object::kind_of(v) == object::Kind::Range {
        // Ranges are equal as sequences: the length, then the start of a
        // non-empty one and the step of a longer one.
        let n = range::len(v);
        let (start, _, step) = range::parts(v);
        let mut h = mix(5, big(&n));
        if n > IBig::from(0) {
            h = mix(h, big(&start));
        }
        if n > IBig::from(1) {
            h = mix(h, big(&step));
        }
        return Ok(h);
    }
    let set_like_view = pydict::is_view(v) && pydict::view_parts(v).1 != pydict::Which::Values;
    if seq::is_list(v) || pydict::is_dict(v) || set_like_view {
        return Err(Raise::type_error(format!(
            "unhashable type: '{}'",
            type_name(v)
        )));
    }
    // Functions, builtins and values views: identity (the collector never
    // moves objects).
    Ok(mix(6, v.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Arena;

    #[test]
    fn equal_numbers_hash_alike() {
        let mut a = Arena::new();
        let two_62 = int::from_i64(&mut a, 1 << 62).unwrap();
        let f = float::new(&mut a, (1u64 << 62) as f64).unwrap();
        assert_eq!(key_hash(two_62), key_hash(f));
        let one = float::new(&mut a, 1.0).unwrap();
        assert_eq!(key_hash(one), key_hash(Value::small(1)));
        assert_eq!(key_hash(Value::TRUE), key_hash(Value::small(1)));
        let minus = float::new(&mut a, -3.0).unwrap();
        assert_eq!(key_hash(minus), key_hash(Value::small(-3)));
        let zero = float::new(&mut a, -0.0).unwrap();
        assert_eq!(key_hash(zero), key_hash(Value::FALSE));
    }
}
