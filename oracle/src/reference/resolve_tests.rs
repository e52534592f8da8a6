//! Unit tests of the resolver (out of resolve.rs).
use super::expr::int_literal;
use super::*;

#[test]
fn literals() {
    assert!(matches!(
        int_literal("0", 8192),
        Ex::Const(Value::Int(Int::Small(0)))
    ));
    assert!(matches!(
        int_literal("000", 8192),
        Ex::Const(Value::Int(Int::Small(0)))
    ));
    assert!(matches!(
        int_literal("9223372036854775807", 8192),
        Ex::Const(Value::Int(Int::Small(i64::MAX)))
    ));
    assert!(matches!(
        int_literal("9223372036854775808", 8192),
        Ex::Const(Value::Int(Int::Big(_)))
    ));
    assert!(matches!(int_literal("", 8192), Ex::BadInt));
    assert!(matches!(int_literal("-1", 8192), Ex::BadInt));
    assert!(matches!(int_literal("1_0", 8192), Ex::BadInt));
    // 2^8192 - 1 has exactly 8192 bits; 2^8192 has 8193.
    let max: BigInt = (BigInt::from(1u8) << 8192u32) - 1u8;
    assert!(matches!(int_literal(&max.to_string(), 8192), Ex::Const(_)));
    assert!(matches!(
        int_literal(&(max + 1u8).to_string(), 8192),
        Ex::BadInt
    ));
    assert!(matches!(
        int_literal(&"9".repeat(100_000), 8192),
        Ex::BadInt
    ));
}
