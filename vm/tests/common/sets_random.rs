//! Random set programs for the CPython comparisons (the VM's and the
//! reference's): every program builds sets of ints, floats and tuples by
//! random adds, discards, removals, pops, algebra operators and methods
//! (with lists, tuples, ranges and dicts as arguments), printing sets whose
//! order is CPython's table layout. Elements are chosen to collide (equal
//! low bits), to hash specially (-1, 2**61 - 1, floats) and to force
//! resizes and dummies.

/// xorshift64*, seeded: the programs are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One element expression.
fn element(r: &mut Rng) -> String {
    element_as(r, false)
}

/// One element, written as a literal when `literal`: a set display of
/// more than two constants is a frozenset constant, whose table differs
/// from sequential adds, and CPython folds `2**61 - 1` into one where the
/// language counts only literals (README, sets).
fn element_as(r: &mut Rng, literal: bool) -> String {
    match r.below(12) {
        0..=4 => format!("{}", r.below(64) as i64 - 8),
        5 => format!(
            "{}",
            (r.below(16) * 32) as i64 * if r.below(2) == 0 { 1 } else { -1 }
        ),
        6 if literal => [
            "-1",
            "-2",
            "2305843009213693951",
            "2305843009213693952",
            "-2305843009213693952",
            "18446744073709551619",
            "1267650600228229401496703205376",
        ][r.below(7) as usize]
            .to_string(),
        6 => [
            "-1",
            "-2",
            "2**61 - 1",
            "2**61",
            "-(2**61)",
            "2**64 + 3",
            "2**100",
        ][r.below(7) as usize]
            .to_string(),
        7 => [
            "0.5", "1.5", "1e300", "-2.5", "3.0", "0.25", "-0.0", "1e-300",
        ][r.below(8) as usize]
            .to_string(),
        8 => "True".to_string(),
        _ => format!(
            "({}, {})",
            r.below(10) as i64 - 3,
            if r.below(3) == 0 {
                "0.5".to_string()
            } else {
                format!("{}", r.below(10))
            }
        ),
    }
}

/// A set expression of a few elements (constant displays too).
fn display(r: &mut Rng) -> String {
    match r.below(4) {
        0 => "set()".to_string(),
        1 => format!(
            "set([{}])",
            (0..r.below(12))
                .map(|_| element(r))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        2 => format!(
            "{{i * {} for i in range({})}}",
            r.below(40) + 1,
            r.below(30)
        ),
        _ => format!(
            "{{{}}}",
            (0..r.below(9) + 1)
                .map(|_| element_as(r, true))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// An iterable that is not a set for the algebra methods: a list, a
/// tuple, a range or a dict of elements.
fn iterable(r: &mut Rng) -> String {
    let items: Vec<String> = (0..r.below(10)).map(|_| element(r)).collect();
    match r.below(4) {
        0 => format!("[{}]", items.join(", ")),
        1 => format!(
            "({}{})",
            items.join(", "),
            if items.len() == 1 { "," } else { "" }
        ),
        2 => format!(
            "range({}, {}, {})",
            r.below(20) as i64 - 5,
            r.below(70),
            r.below(4) + 1
        ),
        _ => format!(
            "{{{}}}",
            items
                .iter()
                .map(|k| format!("{k}: 0"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn statement(r: &mut Rng) -> String {
    let e = element(r);
    let n = if r.below(2) == 0 { "s" } else { "t" };
    match r.below(27) {
        // The algebra methods, whose arguments may be any iterable.
        22 => format!(
            "print({n}.union({}, t), {n}.intersection({}), s.intersection(t, {}), {n}.difference({}), s.difference(t, {}), {n}.symmetric_difference({}))",
            iterable(r),
            iterable(r),
            iterable(r),
            iterable(r),
            iterable(r),
            iterable(r)
        ),
        23 => format!("{n}.intersection_update({})", iterable(r)),
        24 => format!(
            "{n}.difference_update({}, {})",
            iterable(r),
            if r.below(2) == 0 { "t" } else { "()" }
        ),
        25 => format!("{n}.symmetric_difference_update({})", iterable(r)),
        26 => format!(
            "print({n}.issubset({}), {n}.issuperset({}), {n}.isdisjoint({}), s.issubset(t), s.issuperset(t), s.isdisjoint(t))",
            iterable(r),
            iterable(r),
            iterable(r)
        ),
        0..=3 => format!("{n}.add({e})"),
        4 | 5 => format!("{n}.discard({e})"),
        6 => format!("if {e} in {n}:\n        {n}.remove({e})"),
        7 => format!("if {n}:\n        print({n}.pop())"),
        8 => format!("print({n}, len({n}), {e} in {n})"),
        9 => "print(s | t, t | s)".to_string(),
        10 => "print(s & t, t & s)".to_string(),
        11 => "print(s - t, t - s)".to_string(),
        12 => "print(s ^ t, t ^ s)".to_string(),
        13 => "s |= t".to_string(),
        14 => "s &= t".to_string(),
        15 => "s -= t".to_string(),
        16 => "s ^= t".to_string(),
        17 => format!("t = {}", display(r)),
        18 => format!(
            "for i in range({}):\n        {n}.add(i * {})",
            r.below(60),
            r.below(16) + 1
        ),
        19 => format!(
            "for i in range({}):\n        {n}.discard(i * {})",
            r.below(60),
            r.below(8) + 1
        ),
        20 => "print(s == t, s != t, s <= t, s < t, s >= t, s > t, sorted(s), list(t))".to_string(),
        _ => match r.below(3) {
            0 => format!("{n} = {n}.copy()"),
            1 => format!("{n}.update([{e}, {}], {{{}}})", element(r), element(r)),
            _ => format!("{n} = set({n})"),
        },
    }
}

/// `count` programs as functions of one source, each called in turn.
pub fn programs(seed: u64, count: usize) -> String {
    let mut r = Rng::new(seed);
    let mut src = String::new();
    for p in 0..count {
        src.push_str(&format!(
            "def p{p}():\n    s = {}\n    t = {}\n",
            display(&mut r),
            display(&mut r)
        ));
        for _ in 0..r.below(25) + 5 {
            src.push_str("    ");
            src.push_str(&statement(&mut r));
            src.push('\n');
        }
        src.push_str("    print(s, t)\n");
        src.push_str(&format!("print('== p{p}')\np{p}()\n"));
    }
    src
}
