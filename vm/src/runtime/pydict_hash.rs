//! Key hashing for dicts and sets: equal keys (by the language's `==`, so
//! `1`, `1.0` and `True`) hash alike. Ints, bools, floats and tuples of
//! them hash exactly as CPython 3.11 does (numbers by their value modulo
//! the Mersenne prime 2^61 - 1, tuples by its xxHash-based mix), because a
//! set's iteration order is its table layout, which follows the hashes.
//! A dict's hash never shows (iteration follows insertion order).

use ibig::IBig;

use super::value::Value;
use super::{Raise, float, int, object, pydict, range, seq, strs, type_name};
use crate::lang::Poison;
use crate::lang::limits::MAX_CONTAINER_NESTING;

const MODULUS: u64 = (1 << 61) - 1;
/// CPython's `_PyHASH_INF`.
const HASH_INF: i64 = 314_159;

/// CPython's hash of `±magnitude` given its magnitude modulo 2^61 - 1
/// (`long_hash`: the sign applied to the residue, -1 reserved).
fn number(negative: bool, residue: u64) -> u64 {
    let h = if negative {
        -(residue as i64)
    } else {
        residue as i64
    };
    fix_minus_one(h) as u64
}

/// -1 is CPython's error code: a hash that comes out -1 is -2.
fn fix_minus_one(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

fn big(b: &IBig) -> u64 {
    let negative = *b < IBig::from(0);
    let magnitude = if negative { -b.clone() } else { b.clone() };
    let residue = u64::try_from(&(magnitude % IBig::from(MODULUS))).unwrap_or(0);
    number(negative, residue)
}

/// CPython's `_Py_HashDouble` of a finite float: the value modulo
/// 2^61 - 1, its mantissa taken 28 bits at a time from `frexp`.
fn float_hash(v: f64) -> u64 {
    if v.is_infinite() {
        return (if v > 0.0 { HASH_INF } else { -HASH_INF }) as u64;
    }
    let (mut m, mut e) = frexp(v);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | x >> (61 - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    } as u32;
    x = ((x << e) & MODULUS) | x >> (61 - e);
    fix_minus_one((x as i64).wrapping_mul(sign)) as u64
}

/// C's `frexp` for a finite `v`: `v = m * 2^e` with `0.5 <= |m| < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (v, 0);
    }
    let bits = v.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    if raw_exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, raw_exp - 1022)
}

/// CPython's tuple hash (xxHash's mixing of the items' hashes).
fn tuple_hash(lanes: &[u64]) -> u64 {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let mut acc = P5;
    for &lane in lanes {
        acc = acc.wrapping_add(lane.wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(lanes.len() as u64 ^ (P5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc
}

fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x100_0000_01b3).rotate_left(17)
}

/// The hash of `key`: `TypeError: unhashable type` for a list, dict,
/// set or set-like view (also inside a tuple), then poison if it holds a
/// NaN.
pub fn key_hash(key: Value) -> Result<u64, Raise> {
    set_hash(key).map(|(h, _)| h)
}

/// The results of the user `__hash__` calls a key's hash needs, in the
/// order the hash meets the instances (depth first, left to right, as
/// CPython's tuple hash calls them): `tier1::user_keys` makes the calls,
/// then hashes here. An instance met past the end poisons.
struct UserHashes<'a> {
    hashes: &'a [u64],
    next: usize,
}

impl UserHashes<'_> {
    fn take(&mut self) -> Result<u64, Raise> {
        let h = self.hashes.get(self.next).copied();
        self.next += 1;
        h.ok_or(Raise::Poison(Poison::Unmodelled))
    }
}

/// [`key_hash`] of a key whose user-hashed instances' `__hash__` results
/// are `user` (in the order [`UserHashes`] says).
pub fn key_hash_with(key: Value, user: &[u64]) -> Result<u64, Raise> {
    let mut nan = false;
    let mut reproducible = true;
    let mut user = UserHashes {
        hashes: user,
        next: 0,
    };
    let h = hash(key, &mut nan, &mut reproducible, &mut user, 0)?;
    if user.next != user.hashes.len() {
        return Err(Raise::Internal(format!(
            "a key hash took {} of {} user hashes",
            user.next,
            user.hashes.len()
        )));
    }
    if nan {
        return Err(Raise::Poison(Poison::Identity));
    }
    Ok(h)
}

/// The hash CPython's `slot_tp_hash` makes of what a `__hash__` returned:
/// an int's value when it fits a `Py_ssize_t` (-1 becomes -2), else the
/// int's own hash; anything but an int is a TypeError.
pub fn from_user_hash(r: Value) -> Result<u64, Raise> {
    if r.is_bool() {
        return Ok((r == Value::TRUE) as u64);
    }
    if !int::is_int(r) {
        return Err(Raise::type_error(
            "__hash__ method should return an integer".into(),
        ));
    }
    match i64::try_from(&int::to_ibig(r)) {
        Ok(h) => Ok(fix_minus_one(h) as u64),
        Err(_) => Ok(big(&int::to_ibig(r))),
    }
}

/// Whether `key`'s hash is CPython's in every process ([`set_hash`]'s
/// flag), without hashing it again: for a key already hashed, which
/// may hold user-hashed instances (whose hashes are CPython's: the ints
/// the user returned).
pub fn reproducible(key: Value) -> bool {
    if key.is_small_int() || key.is_bool() || int::is_int(key) || float::is_float(key) {
        return true;
    }
    if seq::is_tuple(key) {
        return seq::items(key).into_iter().all(reproducible);
    }
    super::class::has_user_hash(key)
}

/// The hash of `key` as [`key_hash`], and whether it is CPython's in every
/// process: ints, bools, floats and tuples of those hash as CPython's
/// (so a set of them has CPython's table layout and iteration order);
/// a str (randomized per process), None (its address, in 3.11), a range
/// (a tuple holding None) or an identity-hashed value is the VM's own.
pub fn set_hash(key: Value) -> Result<(u64, bool), Raise> {
    let mut nan = false;
    let mut reproducible = true;
    let mut user = UserHashes {
        hashes: &[],
        next: 0,
    };
    let h = hash(key, &mut nan, &mut reproducible, &mut user, 0)?;
    if nan {
        return Err(Raise::Poison(Poison::Identity));
    }
    Ok((h, reproducible))
}

/// `hash(x)`: CPython's value where it is the same in every process (ints,
/// bools, floats and tuples of them); a str's (randomized per process),
/// None's and an identity-hashed value's poison (`identity`).
pub fn hash_builtin(arena: &mut super::arena::Arena, args: &[Value]) -> Result<Value, Raise> {
    let [x] = args else {
        return Err(Raise::type_error(format!(
            "hash() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let (h, reproducible) = set_hash(*x)?;
    if !reproducible {
        return Err(Raise::Poison(Poison::Identity));
    }
    // Py_hash_t is signed.
    int::from_i64(arena, h as i64)
}

fn hash(
    v: Value,
    nan: &mut bool,
    repro: &mut bool,
    user: &mut UserHashes,
    depth: usize,
) -> Result<u64, Raise> {
    if v.is_small_int() {
        let x = v.small_value();
        return Ok(number(x < 0, (x.unsigned_abs()) % MODULUS));
    }
    if v.is_bool() {
        return Ok((v == Value::TRUE) as u64);
    }
    if v == Value::NONE {
        *repro = false;
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
        return Ok(float_hash(x));
    }
    if strs::is_str(v) {
        *repro = false;
        return Ok(strs::text(v)
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325, |h, b| mix(h, b as u64)));
    }
    if seq::is_tuple(v) {
        if depth >= MAX_CONTAINER_NESTING {
            return Err(Raise::Poison(Poison::Recursion));
        }
        // Every item is hashed (an unhashable one raises even after a NaN).
        let mut lanes = Vec::with_capacity(seq::len(v));
        for x in seq::items(v) {
            lanes.push(hash(x, nan, repro, user, depth + 1)?);
        }
        return Ok(tuple_hash(&lanes));
    }
    if v.is_ptr() && object::kind_of(v) == object::Kind::Range {
        *repro = false;
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
    // A user `__hash__` runs Python, which runtime code cannot: every
    // tier calls it in `tier1::user_keys` and passes the results, and a
    // path that does not poisons here.
    if super::class::has_user_hash(v) {
        return user.take();
    }
    if super::class::has_dunder(v, super::class::D_UNHASHABLE) {
        return Err(Raise::type_error(format!(
            "unhashable type: '{}'",
            type_name(v)
        )));
    }
    let set_like_view = pydict::is_view(v) && pydict::view_parts(v).1 != pydict::Which::Values;
    if seq::is_list(v) || pydict::is_dict(v) || set_like_view || super::pyset::is_set(v) {
        return Err(Raise::type_error(format!(
            "unhashable type: '{}'",
            type_name(v)
        )));
    }
    // Functions, builtins and values views: identity (the collector never
    // moves objects).
    *repro = false;
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

    /// Hand-checked against CPython 3.11's `hash()`.
    #[test]
    fn hashes_are_cpythons() {
        let mut a = Arena::new();
        let h = |v: Value| key_hash(v).unwrap() as i64;
        assert_eq!(h(Value::small(-1)), -2);
        assert_eq!(h(Value::small((1 << 61) - 1)), 0);
        let f = |a: &mut Arena, x: f64| float::new(a, x).unwrap();
        let half = f(&mut a, 0.5);
        assert_eq!(h(half), 1_152_921_504_606_846_976);
        let minus_half = f(&mut a, -0.5);
        assert_eq!(h(minus_half), -1_152_921_504_606_846_976);
        let big = f(&mut a, 1e300);
        assert_eq!(h(big), 1_224_995_262_755_759_164);
        let tiny = f(&mut a, 1.5e-300);
        assert_eq!(h(tiny), 1_876_877_353_711_978_326);
        let inf = f(&mut a, f64::INFINITY);
        assert_eq!(h(inf), 314_159);
        let pair = seq::new_tuple(&mut a, &[Value::small(1), Value::small(2)]).unwrap();
        assert_eq!(h(pair), -3_550_055_125_485_641_917);
        let empty = seq::new_tuple(&mut a, &[]).unwrap();
        assert_eq!(h(empty), 5_740_354_900_026_072_187);
        let minus_one = seq::new_tuple(&mut a, &[Value::small(-1)]).unwrap();
        assert_eq!(h(minus_one), 8_078_679_518_589_016_365);
        let x = f(&mut a, 3.5);
        let nested = seq::new_tuple(&mut a, &[pair, x]).unwrap();
        assert_eq!(h(nested), 8_011_440_717_425_436_011);
    }
}
