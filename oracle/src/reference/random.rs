//! The reference's `random` module: written from CPython 3.11's
//! `_randommodule.c` (MT19937 seeded by `init_by_array` from the seed's
//! 32-bit words) and `random.py` (`randrange`'s arithmetic, rejection
//! sampling by `getrandbits`), independently of the VM's
//! `runtime::random`. A draw before `random.seed(n)`, a seed that is not
//! an int, a non-int where CPython would convert with a warning, keyword
//! arguments and the module's other functions poison, as in the VM.

use std::rc::Rc;

use jitdiff_vm::lang::outcome::Poison;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use super::eval::{Res, checked, exception, poison, type_error, value_error};
use super::value::{Int, Value};

/// The module (`Module`) and its functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RandFn {
    Module,
    Seed,
    Random,
    Randint,
    Randrange,
    Choice,
    Shuffle,
    Uniform,
    Getrandbits,
}

const FUNCTIONS: [RandFn; 8] = [
    RandFn::Seed,
    RandFn::Random,
    RandFn::Randint,
    RandFn::Randrange,
    RandFn::Choice,
    RandFn::Shuffle,
    RandFn::Uniform,
    RandFn::Getrandbits,
];

impl RandFn {
    pub fn name(self) -> &'static str {
        match self {
            RandFn::Module => "random",
            RandFn::Seed => "seed",
            RandFn::Random => "random",
            RandFn::Randint => "randint",
            RandFn::Randrange => "randrange",
            RandFn::Choice => "choice",
            RandFn::Shuffle => "shuffle",
            RandFn::Uniform => "uniform",
            RandFn::Getrandbits => "getrandbits",
        }
    }
}

/// `random.name`: a function, a poison for CPython's other public names
/// (and private ones), else CPython's AttributeError.
pub fn attr(name: &str) -> Res<Value> {
    if let Some(f) = FUNCTIONS.iter().find(|f| f.name() == name) {
        return Ok(Value::Rand(*f));
    }
    const OTHERS: &str = "Random SystemRandom betavariate choices expovariate gammavariate gauss \
        getstate lognormvariate normalvariate paretovariate randbytes sample setstate triangular \
        vonmisesvariate weibullvariate";
    if name.starts_with('_') || OTHERS.split_whitespace().any(|n| n == name) {
        return Err(poison(Poison::Unmodelled));
    }
    Err(exception(
        "AttributeError",
        format!("module 'random' has no attribute '{name}'"),
    ))
}

/// MT19937 (624 words of state and the position of the next one).
#[derive(Clone, Debug)]
pub struct Mt {
    mt: Vec<u32>,
    next: usize,
}

const N: usize = 624;
const M: usize = 397;

impl Mt {
    fn genrand(s: u32) -> Mt {
        let mut mt = Vec::with_capacity(N);
        mt.push(s);
        for i in 1..N {
            let p: u32 = mt[i - 1];
            mt.push(
                1_812_433_253u32
                    .wrapping_mul(p ^ (p >> 30))
                    .wrapping_add(i as u32),
            );
        }
        Mt { mt, next: N }
    }

    /// `seed(n)`: `init_by_array` over `|n|`'s 32-bit words.
    pub fn seeded(n: &BigInt) -> Mt {
        let mut key = n.magnitude().to_u32_digits();
        if key.is_empty() {
            key.push(0);
        }
        let mut s = Mt::genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        let mut k = N.max(key.len());
        while k > 0 {
            let p = s.mt[i - 1] ^ (s.mt[i - 1] >> 30);
            s.mt[i] = (s.mt[i] ^ p.wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                s.mt[0] = s.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = N - 1;
        while k > 0 {
            let p = s.mt[i - 1] ^ (s.mt[i - 1] >> 30);
            s.mt[i] = (s.mt[i] ^ p.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                s.mt[0] = s.mt[N - 1];
                i = 1;
            }
            k -= 1;
        }
        s.mt[0] = 0x8000_0000;
        s
    }

    fn twist(&mut self) {
        let mix = |a: u32, b: u32, c: u32| {
            let y = (a & 0x8000_0000) | (b & 0x7fff_ffff);
            c ^ (y >> 1) ^ if y & 1 == 1 { 0x9908_b0df } else { 0 }
        };
        for k in 0..N - M {
            self.mt[k] = mix(self.mt[k], self.mt[k + 1], self.mt[k + M]);
        }
        for k in N - M..N - 1 {
            self.mt[k] = mix(self.mt[k], self.mt[k + 1], self.mt[k + M - N]);
        }
        self.mt[N - 1] = mix(self.mt[N - 1], self.mt[0], self.mt[M - 1]);
        self.next = 0;
    }

    pub fn word(&mut self) -> u32 {
        if self.next >= N {
            self.twist();
        }
        let mut y = self.mt[self.next];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    pub fn random(&mut self) -> f64 {
        let hi = f64::from(self.word() >> 5);
        let lo = f64::from(self.word() >> 6);
        (hi * 67_108_864.0 + lo) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)`: `ceil(k / 32)` words, least significant first,
    /// the last one cut to what is left.
    pub fn bits(&mut self, k: u64) -> BigUint {
        if k == 0 {
            return BigUint::zero();
        }
        if k <= 32 {
            return BigUint::from(self.word() >> (32 - k));
        }
        let words = (k - 1) / 32 + 1;
        let mut digits = Vec::with_capacity(words as usize);
        let mut left = k;
        for _ in 0..words {
            let w = self.word();
            digits.push(if left < 32 { w >> (32 - left) } else { w });
            left = left.saturating_sub(32);
        }
        BigUint::new(digits)
    }

    /// `_randbelow_with_getrandbits(n)` for `n > 0`.
    pub fn below(&mut self, n: &BigUint) -> BigUint {
        let k = n.bits();
        loop {
            let r = self.bits(k);
            if &r < n {
                return r;
            }
        }
    }
}

fn int_of(v: &Value) -> Res<BigInt> {
    v.as_int()
        .map(|i| i.to_big())
        .ok_or_else(|| poison(Poison::Unmodelled))
}

fn need(state: &mut Option<Mt>) -> Res<&mut Mt> {
    state.as_mut().ok_or_else(|| poison(Poison::Unmodelled))
}

/// `Random.name()` called with `n` arguments where it takes `lo..=hi`
/// (CPython counts `self`; the two C methods word it their own way). Too
/// few for a Python method names the missing parameters, which is left
/// out: poison.
fn check_count(f: RandFn, n: usize, lo: usize, hi: usize) -> Res<()> {
    if (lo..=hi).contains(&n) {
        return Ok(());
    }
    let name = f.name();
    if f == RandFn::Random {
        return Err(type_error(format!(
            "Random.random() takes no arguments ({n} given)"
        )));
    }
    if f == RandFn::Getrandbits {
        return Err(type_error(format!(
            "Random.getrandbits() takes exactly one argument ({n} given)"
        )));
    }
    if n < lo {
        return Err(poison(Poison::Unmodelled));
    }
    Err(type_error(if lo == hi {
        format!(
            "Random.{name}() takes {} positional arguments but {} were given",
            hi + 1,
            n + 1
        )
    } else {
        format!(
            "Random.{name}() takes from {} to {} positional arguments but {} were given",
            lo + 1,
            hi + 1,
            n + 1
        )
    }))
}

fn below(state: &mut Option<Mt>, n: &BigInt) -> Res<BigInt> {
    let n = n.to_biguint().unwrap_or_default();
    Ok(BigInt::from(need(state)?.below(&n)))
}

fn randrange(state: &mut Option<Mt>, args: &[Value], int_bits: u64) -> Res<Value> {
    let start = int_of(&args[0])?;
    let done = |r: BigInt| checked(Int::from_big(r), int_bits);
    let Some(stop) = args.get(1) else {
        if start.sign() == Sign::Plus {
            return done(below(state, &start)?);
        }
        return Err(value_error("empty range for randrange()".into()));
    };
    let stop = int_of(stop)?;
    let step = match args.get(2) {
        Some(s) => int_of(s)?,
        None => BigInt::one(),
    };
    let width = &stop - &start;
    if step.is_one() {
        if width.sign() == Sign::Plus {
            return done(&start + below(state, &width)?);
        }
        return Err(value_error(format!(
            "empty range for randrange() ({start}, {stop}, {width})"
        )));
    }
    let n = match step.sign() {
        Sign::Plus => (&width + &step - BigInt::one()).div_floor(&step),
        Sign::Minus => (&width + &step + BigInt::one()).div_floor(&step),
        Sign::NoSign => return Err(value_error("zero step for randrange()".into())),
    };
    if n.sign() != Sign::Plus {
        return Err(value_error("empty range for randrange()".into()));
    }
    done(&start + &step * below(state, &n)?)
}

/// Calls random function `f` on `args` with the run's generator `state`.
pub fn call(state: &mut Option<Mt>, f: RandFn, args: &[Value], int_bits: u64) -> Res<Value> {
    let n = args.len();
    match f {
        RandFn::Module => Err(type_error("'module' object is not callable".into())),
        RandFn::Seed => {
            check_count(f, n, 0, 2)?;
            match args {
                [Value::Int(_) | Value::Bool(_)] => {
                    *state = Some(Mt::seeded(&int_of(&args[0])?));
                    Ok(Value::None)
                }
                _ => Err(poison(Poison::Unmodelled)),
            }
        }
        RandFn::Random => {
            check_count(f, n, 0, 0)?;
            Ok(Value::Float(need(state)?.random()))
        }
        RandFn::Getrandbits => {
            check_count(f, n, 1, 1)?;
            let k = int_of(&args[0])?;
            if k.sign() == Sign::Minus {
                return Err(value_error("number of bits must be non-negative".into()));
            }
            let k = k.to_u64().unwrap_or(u64::MAX);
            if k > int_bits {
                return Err(poison(Poison::IntTooLarge));
            }
            let r = need(state)?.bits(k);
            checked(Int::from_big(BigInt::from(r)), int_bits)
        }
        RandFn::Randrange => {
            check_count(f, n, 1, 3)?;
            randrange(state, args, int_bits)
        }
        RandFn::Randint => {
            check_count(f, n, 2, 2)?;
            let hi = int_of(&args[1])? + 1;
            randrange(
                state,
                &[args[0].clone(), Value::Int(Int::from_big(hi))],
                int_bits,
            )
        }
        RandFn::Choice => {
            check_count(f, n, 1, 1)?;
            let len = match &args[0] {
                Value::List(l) => BigInt::from(l.items.borrow().len()),
                Value::Tuple(t) => BigInt::from(t.items.len()),
                Value::Str(s) => BigInt::from(s.len()),
                Value::Range(r) => r.len(),
                _ => return Err(poison(Poison::Unmodelled)),
            };
            if len.to_i64().is_none() {
                return Err(poison(Poison::Unmodelled));
            }
            if len.is_zero() {
                return Err(exception(
                    "IndexError",
                    "Cannot choose from an empty sequence".into(),
                ));
            }
            let i = below(state, &len)?;
            super::seq::item(&args[0], &Value::Int(Int::from_big(i)), int_bits)
        }
        RandFn::Shuffle => {
            check_count(f, n, 1, 1)?;
            let Value::List(l) = &args[0] else {
                return Err(poison(Poison::Unmodelled));
            };
            let len = l.items.borrow().len();
            for i in (1..len).rev() {
                let j = below(state, &BigInt::from(i + 1))?.to_usize().unwrap_or(0);
                l.items.borrow_mut().swap(i, j);
            }
            Ok(Value::None)
        }
        RandFn::Uniform => {
            check_count(f, n, 2, 2)?;
            let num = |v: &Value| -> Res<(f64, bool)> {
                match v {
                    Value::Float(x) => Ok((*x, true)),
                    _ => match v.as_int() {
                        Some(i) if i.bits() <= 53 => Ok((i.saturating_i64() as f64, false)),
                        Some(_) => Err(poison(Poison::Unmodelled)),
                        None => Err(type_error(format!(
                            "unsupported operand type(s) for -: '{}' and '{}'",
                            args[1].type_name(),
                            args[0].type_name()
                        ))),
                    },
                }
            };
            let ((a, fa), (b, fb)) = (num(&args[0])?, num(&args[1])?);
            // `b - a` of two ints is exact before it meets the float.
            let width = if fa || fb {
                b - a
            } else {
                (b as i64 - a as i64) as f64
            };
            let r = need(state)?.random();
            Ok(Value::Float(a + width * r))
        }
    }
}

/// The module's `repr` in the globals dump (printing it poisons: CPython
/// shows its file's path, and a function's its `Random` instance's
/// address).
pub fn dump_repr(f: RandFn) -> Rc<str> {
    match f {
        RandFn::Module => Rc::from("<module 'random'>"),
        // The two C methods, then the Python ones.
        RandFn::Random | RandFn::Getrandbits => {
            Rc::from(format!("<built-in method {} of Random object>", f.name()))
        }
        f => Rc::from(format!(
            "<bound method Random.{} of <random.Random object>>",
            f.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mt19937ar.c`'s published outputs for `init_by_array({0x123,
    /// 0x234, 0x345, 0x456})` (the key of the seed 0x456_00000345_..., a
    /// four-word int).
    #[test]
    fn the_published_test_vector() {
        let key: BigInt = (BigInt::from(0x456u32) << 96)
            | (BigInt::from(0x345u32) << 64)
            | (BigInt::from(0x234u32) << 32)
            | BigInt::from(0x123u32);
        let mut m = Mt::seeded(&key);
        let first: Vec<u32> = (0..5).map(|_| m.word()).collect();
        assert_eq!(
            first,
            [1067595299, 955945823, 477289528, 4107218783, 4228976476]
        );
    }
}
