//! Unit tests of the value model (out of value.rs).
use super::*;

fn int(v: i128) -> Int {
    Int::from_i128(v)
}

#[test]
fn floor_division_and_modulo_follow_the_divisor_sign() {
    // (a, b, a // b, a % b) as computed by CPython.
    let cases: [(i128, i128, i128, i128); 8] = [
        (7, 2, 3, 1),
        (-7, 2, -4, 1),
        (7, -2, -4, -1),
        (-7, -2, 3, -1),
        (6, -3, -2, 0),
        (i64::MIN as i128, -1, 1 << 63, 0),
        (i64::MIN as i128, 3, -3074457345618258603, 1),
        (i64::MAX as i128, -5, -1844674407370955162, -3),
    ];
    for (a, b, q, r) in cases {
        assert_eq!(int(a).floordiv(&int(b)), Some(int(q)), "{a} // {b}");
        assert_eq!(int(a).modulo(&int(b)), Some(int(r)), "{a} % {b}");
    }
    assert!(int(5).floordiv(&int(0)).is_none());
    assert!(int(5).modulo(&int(0)).is_none());
}

#[test]
fn big_path_matches_small_path_and_normalizes() {
    let big = int(1 << 64).mul(&int(-3)); // -3 * 2^64
    assert!(matches!(big, Int::Big(_)));
    assert_eq!(big.to_string(), "-55340232221128654848");
    assert_eq!(
        big.floordiv(&int(7)).unwrap().to_string(),
        "-7905747460161236407"
    );
    assert_eq!(big.modulo(&int(7)).unwrap().to_string(), "1");
    // Results that fit in i64 come back as Small.
    assert!(matches!(big.floordiv(&big), Some(Int::Small(1))));
    assert!(matches!(
        int(i64::MAX as i128).add(&int(1)).sub(&int(1)),
        Int::Small(i64::MAX)
    ));
    assert_eq!(
        int(i64::MIN as i128).neg().to_string(),
        "9223372036854775808"
    );
    assert_eq!(int(-1).bits(), 1);
    assert_eq!(int(0).bits(), 0);
    assert_eq!(int(1 << 64).bits(), 65);
}

#[test]
fn ranges_compare_by_sequence() {
    let r = |a: i128, b: i128, c: i128| RangeObj {
        start: int(a),
        stop: int(b),
        step: int(c),
    };
    assert!(r(0, 0, 1).same_sequence(&r(5, 2, 3)));
    assert!(r(0, 3, 2).same_sequence(&r(0, 4, 2)));
    assert!(r(0, 1, 2).same_sequence(&r(0, 1, 5)));
    assert!(!r(0, 3, 1).same_sequence(&r(1, 4, 1)));
    assert_eq!(r(10, 0, -3).len(), BigInt::from(4));
    let items: Vec<String> = r(10, 0, -3).iter().map(|i| i.to_string()).collect();
    assert_eq!(items, ["10", "7", "4", "1"]);
    let big: Vec<String> = RangeObj {
        start: int(1 << 70),
        stop: int((1 << 70) + 2),
        step: int(1),
    }
    .iter()
    .map(|i| i.to_string())
    .collect();
    assert_eq!(big, ["1180591620717411303424", "1180591620717411303425"]);
}

#[test]
fn reprs_and_truthiness() {
    let range = |a, b, c| {
        Value::Range(Rc::new(RangeObj {
            start: int(a),
            stop: int(b),
            step: int(c),
        }))
    };
    assert_eq!(range(0, 5, 1).to_string(), "range(0, 5)");
    assert_eq!(range(0, 5, 2).to_string(), "range(0, 5, 2)");
    assert!(!range(3, 3, 1).truthy());
    let builtin = |b| Value::Builtin(b).to_string();
    assert_eq!(builtin(Builtin::Print), "<built-in function print>");
    assert_eq!(builtin(Builtin::Range), "<class 'range'>");
    assert_eq!(builtin(Builtin::Float), "<class 'float'>");
    assert_eq!(builtin(Builtin::Round), "<built-in function round>");
    assert!(Value::Bool(true).py_eq(&Value::Int(int(1))));
    assert!(!Value::None.py_eq(&Value::Int(int(0))));
}
