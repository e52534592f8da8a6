//! The `random` module, seeded: CPython 3.11's Mersenne Twister
//! (`_randommodule.c`) and the pure-Python layer over it (`random.py`:
//! `randrange`, `randint`, `choice`, `shuffle`, `uniform`), so a program
//! that calls `random.seed(n)` first draws the numbers python3 draws.
//!
//! Unseeded draws come from the OS in CPython: no two runs agree, so a
//! draw before any `seed(n)` poisons, as does a seed other than an int
//! (`None`, a float or a str go through the OS or a hash), a non-int
//! argument where CPython would warn or convert, and every function of
//! the module this one does not implement.

use ibig::{IBig, UBig};

use super::arena::Arena;
use super::value::Value;
use super::{Raise, float, int, seq, type_name};
use crate::lang::Poison;

/// The functions implemented: `(name, value)`.
pub const FUNCTIONS: [(&str, Value); 8] = [
    ("seed", Value::RANDOM_SEED),
    ("random", Value::RANDOM_RANDOM),
    ("randint", Value::RANDOM_RANDINT),
    ("randrange", Value::RANDOM_RANDRANGE),
    ("choice", Value::RANDOM_CHOICE),
    ("shuffle", Value::RANDOM_SHUFFLE),
    ("uniform", Value::RANDOM_UNIFORM),
    ("getrandbits", Value::RANDOM_GETRANDBITS),
];

/// CPython 3.11's other public names of the module: reading one poisons.
const UNMODELLED: &[&str] = &[
    "Random",
    "SystemRandom",
    "betavariate",
    "choices",
    "expovariate",
    "gammavariate",
    "gauss",
    "getstate",
    "lognormvariate",
    "normalvariate",
    "paretovariate",
    "randbytes",
    "sample",
    "setstate",
    "triangular",
    "vonmisesvariate",
    "weibullvariate",
];

/// Whether `v` is the module or one of its functions.
pub fn is_random_value(v: Value) -> bool {
    v == Value::MODULE_RANDOM || is_function(v)
}

pub fn is_function(v: Value) -> bool {
    FUNCTIONS.iter().any(|(_, f)| *f == v)
}

pub fn name_of(f: Value) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(_, x)| *x == f)
        .map_or("?", |(n, _)| n)
}

/// Attribute `name` of the module, or CPython's AttributeError.
pub fn attr(name: &str) -> Result<Value, Raise> {
    if let Some((_, f)) = FUNCTIONS.iter().find(|(n, _)| *n == name) {
        return Ok(*f);
    }
    if UNMODELLED.contains(&name) || name.starts_with('_') {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    Err(Raise::exc(
        "AttributeError",
        format!("module 'random' has no attribute '{name}'"),
    ))
}

const N: usize = 624;
const M: usize = 397;

/// MT19937's state, as `_randommodule.c` keeps it.
#[derive(Clone, Debug)]
pub struct Twister {
    state: [u32; N],
    index: usize,
}

impl Twister {
    fn init_genrand(s: u32) -> Twister {
        let mut mt = [0u32; N];
        mt[0] = s;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        Twister {
            state: mt,
            index: N,
        }
    }

    /// `init_by_array`: the seed's 32-bit words, least significant first.
    pub fn from_key(key: &[u32]) -> Twister {
        let mut t = Twister::init_genrand(19_650_218);
        let mt = &mut t.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        t
    }

    /// `random.seed(n)` for an int `n`: its absolute value's words.
    pub fn from_int(n: &IBig) -> Twister {
        let mut m =
            UBig::try_from(n.clone()).unwrap_or_else(|_| UBig::try_from(-n).unwrap_or_default());
        let mut key = Vec::new();
        let mask = UBig::from(0xffff_ffffu32);
        while m != UBig::from(0u8) {
            key.push(u32::try_from(&(&m & &mask)).unwrap_or(0));
            m >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        Twister::from_key(&key)
    }

    pub fn next_u32(&mut self) -> u32 {
        const MAG01: [u32; 2] = [0, 0x9908_b0df];
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        let mt = &mut self.state;
        if self.index >= N {
            for kk in 0..N {
                let y = (mt[kk] & UPPER) | (mt[(kk + 1) % N] & LOWER);
                mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
            }
            self.index = 0;
        }
        let mut y = mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits as a float in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)`, `k >= 0`.
    pub fn getrandbits(&mut self, k: u64) -> UBig {
        if k == 0 {
            return UBig::from(0u8);
        }
        if k <= 32 {
            return UBig::from(self.next_u32() >> (32 - k));
        }
        let mut out = UBig::from(0u8);
        let (mut left, mut shift) = (k, 0usize);
        while left > 0 {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            out |= UBig::from(r) << shift;
            shift += 32;
            left = left.saturating_sub(32);
        }
        out
    }

    /// `_randbelow_with_getrandbits(n)`, `n > 0`.
    pub fn below(&mut self, n: &UBig) -> UBig {
        let k = n.bit_len() as u64;
        loop {
            let r = self.getrandbits(k);
            if &r < n {
                return r;
            }
        }
    }
}

/// An int argument, or a poison (CPython converts floats with a warning
/// in `randrange`, which the language leaves out).
fn int_arg(v: Value) -> Result<IBig, Raise> {
    if int::is_int(v) {
        Ok(int::to_ibig(v))
    } else {
        Err(Raise::Poison(Poison::Unmodelled))
    }
}

/// The run's generator: a draw before `seed(n)` poisons.
fn twister(arena: &mut Arena) -> Result<&mut Twister, Raise> {
    arena
        .random
        .as_deref_mut()
        .ok_or(Raise::Poison(Poison::Unmodelled))
}

fn arity(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), Raise> {
    let n = args.len();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    // The two C methods have messages of their own.
    match name {
        "random" => {
            return Err(Raise::type_error(format!(
                "Random.random() takes no arguments ({n} given)"
            )));
        }
        "getrandbits" => {
            return Err(Raise::type_error(format!(
                "Random.getrandbits() takes exactly one argument ({n} given)"
            )));
        }
        _ => {}
    }
    // Too few names the missing parameters, which is left out.
    if n < min {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    // Methods of a `Random` instance: `self` is counted.
    let (lo, hi, given) = (min + 1, max + 1, n + 1);
    Err(Raise::type_error(if lo == hi {
        format!("Random.{name}() takes {hi} positional arguments but {given} were given")
    } else {
        format!(
            "Random.{name}() takes from {lo} to {hi} positional arguments but {given} were given"
        )
    }))
}

/// `randrange(start[, stop[, step]])` with int arguments (random.py 3.11).
fn randrange(arena: &mut Arena, args: &[Value]) -> Result<Value, Raise> {
    let start = int_arg(args[0])?;
    let zero = IBig::from(0u8);
    let Some(&stop) = args.get(1) else {
        if start > zero {
            let n = UBig::try_from(start).unwrap_or_default();
            let r = twister(arena)?.below(&n);
            return int::from_ibig(arena, &IBig::from(r));
        }
        return Err(Raise::exc(
            "ValueError",
            "empty range for randrange()".into(),
        ));
    };
    let stop = int_arg(stop)?;
    let step = match args.get(2) {
        Some(&s) => int_arg(s)?,
        None => IBig::from(1u8),
    };
    let width = &stop - &start;
    if step == IBig::from(1u8) {
        if width > zero {
            let n = UBig::try_from(width).unwrap_or_default();
            let r = twister(arena)?.below(&n);
            return int::from_ibig(arena, &(start + IBig::from(r)));
        }
        return Err(Raise::exc(
            "ValueError",
            format!("empty range for randrange() ({start}, {stop}, {width})"),
        ));
    }
    let n = if step > zero {
        floor_div(&(&width + &step - IBig::from(1u8)), &step)
    } else if step < zero {
        floor_div(&(&width + &step + IBig::from(1u8)), &step)
    } else {
        return Err(Raise::exc("ValueError", "zero step for randrange()".into()));
    };
    if n <= zero {
        return Err(Raise::exc(
            "ValueError",
            "empty range for randrange()".into(),
        ));
    }
    let n = UBig::try_from(n).unwrap_or_default();
    let r = twister(arena)?.below(&n);
    int::from_ibig(arena, &(start + step * IBig::from(r)))
}

/// Python's `a // b` on ints.
fn floor_div(a: &IBig, b: &IBig) -> IBig {
    let q = a / b;
    if (a % b != IBig::from(0u8)) && ((a < &IBig::from(0u8)) != (b < &IBig::from(0u8))) {
        q - IBig::from(1u8)
    } else {
        q
    }
}

/// Calls random function `f` with positional `args`.
pub fn call(arena: &mut Arena, f: Value, args: &[Value]) -> Result<Value, Raise> {
    let name = name_of(f);
    match f {
        Value::RANDOM_SEED => {
            arity(name, args, 0, 2)?;
            // `seed()` and `seed(None)` read the OS; a version argument,
            // a float or a str are other algorithms.
            match args {
                [a] if int::is_int(*a) => {
                    arena.random = Some(Box::new(Twister::from_int(&int::to_ibig(*a))));
                    Ok(Value::NONE)
                }
                _ => Err(Raise::Poison(Poison::Unmodelled)),
            }
        }
        Value::RANDOM_RANDOM => {
            arity(name, args, 0, 0)?;
            let x = twister(arena)?.random();
            float::new(arena, x)
        }
        Value::RANDOM_GETRANDBITS => {
            arity(name, args, 1, 1)?;
            let k = int_arg(args[0])?;
            if k < IBig::from(0u8) {
                return Err(Raise::exc(
                    "ValueError",
                    "number of bits must be non-negative".into(),
                ));
            }
            // Wider than any int the run may hold: the result would poison.
            let k = u64::try_from(&k).unwrap_or(u64::MAX);
            if k > arena.int_bits {
                return Err(Raise::Poison(Poison::IntTooLarge));
            }
            let r = twister(arena)?.getrandbits(k);
            int::from_ibig(arena, &IBig::from(r))
        }
        Value::RANDOM_RANDRANGE => {
            arity(name, args, 1, 3)?;
            randrange(arena, args)
        }
        Value::RANDOM_RANDINT => {
            arity(name, args, 2, 2)?;
            let b = int_arg(args[1])? + IBig::from(1u8);
            let b = int::from_ibig(arena, &b)?;
            arena.roots.temps.push(b);
            let r = randrange(arena, &[args[0], b]);
            arena.roots.temps.pop();
            r
        }
        Value::RANDOM_CHOICE => {
            arity(name, args, 1, 1)?;
            let s = args[0];
            let n = if seq::is_seq(s) {
                seq::len(s) as u64
            } else if super::strs::is_str(s) {
                super::strs::len(s) as u64
            } else if s.is_ptr() && super::object::kind_of(s) == super::object::Kind::Range {
                u64::try_from(&super::range::len(s))
                    .map_err(|_| Raise::Poison(Poison::Unmodelled))?
            } else {
                // `len()` and `[]` of anything else (a dict, an instance).
                return Err(Raise::Poison(Poison::Unmodelled));
            };
            if n == 0 {
                return Err(Raise::exc(
                    "IndexError",
                    "Cannot choose from an empty sequence".into(),
                ));
            }
            let i = twister(arena)?.below(&UBig::from(n));
            let i = u64::try_from(&i).unwrap_or(0) as i64;
            super::seq_ops::subscript(arena, s, Value::small(i))
        }
        Value::RANDOM_SHUFFLE => {
            arity(name, args, 1, 1)?;
            let l = args[0];
            if !seq::is_list(l) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            for i in (1..seq::len(l)).rev() {
                let j = twister(arena)?.below(&UBig::from(i as u64 + 1));
                let j = u64::try_from(&j).unwrap_or(0) as usize;
                let (x, y) = (seq::get(l, i), seq::get(l, j));
                seq::set(l, i, y);
                seq::set(l, j, x);
            }
            Ok(Value::NONE)
        }
        Value::RANDOM_UNIFORM => {
            arity(name, args, 2, 2)?;
            // `a + (b - a) * random()`: with floats (or ints a float holds
            // exactly) the same IEEE operations CPython does.
            let num = |v: Value| -> Result<f64, Raise> {
                if float::is_float(v) {
                    return Ok(float::value(v));
                }
                match int::small_or_bool(v) {
                    Some(x) if x.unsigned_abs() < 1 << 53 => Ok(x as f64),
                    _ if int::is_int(v) => Err(Raise::Poison(Poison::Unmodelled)),
                    _ => Err(Raise::type_error(format!(
                        "unsupported operand type(s) for -: '{}' and '{}'",
                        type_name(args[1]),
                        type_name(args[0])
                    ))),
                }
            };
            let (a, b) = (num(args[0])?, num(args[1])?);
            let both_ints = !float::is_float(args[0]) && !float::is_float(args[1]);
            // Two ints: `b - a` is an exact int (within 2**53 here).
            let width = if both_ints {
                (b as i64 - a as i64) as f64
            } else {
                b - a
            };
            let r = twister(arena)?.random();
            float::new(arena, a + width * r)
        }
        other => Err(Raise::Internal(format!(
            "{other:?} is not a random function"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference values of MT19937 (Matsumoto and Nishimura's
    /// `mt19937ar.c` test vector: `init_by_array({0x123, 0x234, 0x345,
    /// 0x456})`, first outputs), independent of this implementation.
    #[test]
    fn the_twister_matches_the_published_test_vector() {
        let mut t = Twister::from_key(&[0x123, 0x234, 0x345, 0x456]);
        let first: Vec<u32> = (0..5).map(|_| t.next_u32()).collect();
        assert_eq!(
            first,
            [1067595299, 955945823, 477289528, 4107218783, 4228976476]
        );
    }
}
