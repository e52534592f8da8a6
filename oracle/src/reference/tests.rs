//! Unit tests of the whole interpreter: limits at their exact boundaries,
//! totality on hand-built ASTs the front end would never produce, and a
//! table of float programs with the output CPython 3.11 gives for each.
//! Agreement with a live CPython is tested in
//! `oracle/tests/reference_cpython.rs`.

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, Expr, Module, Stmt, UnaryOp};
use jitdiff_vm::lang::outcome::{Ending, Outcome, Poison, RunResult};
use jitdiff_vm::lang::parse_program;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use jitdiff_vm::lang::limits::Limits;

use super::{run, run_with_limits};

fn run_src(src: &str) -> RunResult {
    run(&parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}")))
}

fn completed(src: &str) -> Outcome {
    match run_src(src) {
        RunResult::Completed(o) => o,
        other => panic!("{other:?}\n{src}"),
    }
}

fn globals(o: &Outcome) -> Vec<(&str, &str)> {
    o.globals
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn globals_dump_sorted_with_reprs() {
    let o = completed(
        "def f():\n    pass\nz = None\nb = True\na = -12\np = print\nr = range(2, 9, 3)\nq = range\n",
    );
    assert_eq!(o.ending, Ending::Normal);
    assert_eq!(
        globals(&o),
        [
            ("a", "-12"),
            ("b", "True"),
            ("f", "<function f>"),
            ("p", "<built-in function print>"),
            ("q", "<class 'range'>"),
            ("r", "range(2, 9, 3)"),
            ("z", "None"),
        ]
    );
}

#[test]
fn exception_keeps_output_and_globals_so_far() {
    let o = completed("x = 1\nprint(x)\ny = x // 0\nz = 2\n");
    assert_eq!(o.output, "1\n");
    assert_eq!(
        o.ending,
        Ending::Exception {
            kind: "ZeroDivisionError".into(),
            message: "integer division or modulo by zero".into()
        }
    );
    assert_eq!(globals(&o), [("x", "1")]);
}

#[test]
fn fuel_boundary_is_exact() {
    // range() costs 1 call, each of the n iterations one back edge.
    assert!(matches!(
        run_src("for i in range(99999):\n    pass\n"),
        RunResult::Completed(_)
    ));
    assert_eq!(
        run_src("for i in range(100000):\n    pass\n"),
        RunResult::Poisoned(Poison::Fuel)
    );
    // While: a back edge per completed body, the final failing test is free.
    let w = |n: u64| format!("i = 0\nwhile i < {n}:\n    i += 1\n");
    assert!(matches!(run_src(&w(100_000)), RunResult::Completed(_)));
    assert_eq!(run_src(&w(100_001)), RunResult::Poisoned(Poison::Fuel));
    // `continue` is a back edge too; `break` is not.
    let c = "i = 0\nwhile True:\n    i += 1\n    if i < 100001:\n        continue\n    break\n";
    assert!(matches!(run_src(c), RunResult::Completed(_)));
    let c2 = "i = 0\nwhile True:\n    i += 1\n    if i < 100002:\n        continue\n    break\n";
    assert_eq!(run_src(c2), RunResult::Poisoned(Poison::Fuel));
    // Calls cost one each, including failing ones.
    let calls = |n: u64| format!("def f():\n    pass\nfor i in range({n}):\n    f()\n");
    assert!(matches!(run_src(&calls(49_999)), RunResult::Completed(_)));
    assert_eq!(run_src(&calls(50_000)), RunResult::Poisoned(Poison::Fuel));
    // Fuel is charged before the callability check.
    let bad = "i = 0\nwhile i < 99999:\n    i += 1\nprint(1)\n1()\n";
    assert_eq!(run_src(bad), RunResult::Poisoned(Poison::Fuel));
}

#[test]
fn recursion_boundary_is_exact() {
    let src = |n: u64| {
        format!(
            "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + 1\nprint(f({n}))\n"
        )
    };
    assert_eq!(completed(&src(199)).output, "199\n");
    assert_eq!(run_src(&src(200)), RunResult::Poisoned(Poison::Recursion));
    // The arity check comes before the depth check.
    let arity = "def f(n):\n    return f(n - 1, 2)\nf(1)\n";
    assert!(matches!(completed(arity).ending, Ending::Exception { .. }));
}

#[test]
fn int_size_boundary_is_exact() {
    let src = |n: u64| format!("x = 1\nfor i in range({n}):\n    x = x + x\n");
    // 2**8191 has 8192 bits: fine. 2**8192 has 8193: poisoned.
    let o = completed(&src(8191));
    assert_eq!(o.globals[1].1.len(), 2466);
    assert_eq!(
        run_src(&src(8192)),
        RunResult::Poisoned(Poison::IntTooLarge)
    );
    // Negative values are measured by magnitude; -(2**8192) poisons too.
    let neg = "x = 1\nfor i in range(8191):\n    x = x * 2\ny = 0 - x\nz = y - x\n";
    assert_eq!(run_src(neg), RunResult::Poisoned(Poison::IntTooLarge));
    // A wide literal poisons only when evaluated.
    let lit = format!("if False:\n    x = {}\nprint(1)\n", "9".repeat(3000));
    assert_eq!(completed(&lit).output, "1\n");
    let lit = format!("print(1)\nx = {}\n", "9".repeat(3000));
    assert_eq!(run_src(&lit), RunResult::Poisoned(Poison::IntTooLarge));
}

#[test]
fn range_objects_behave_like_cpython() {
    let o = completed(
        "r = range(3)\nfor i in r:\n    print(i)\nfor i in r:\n    print(i)\nprint(r == range(0, 3, 1), range(0) == range(4, 1), not range(0))\nprint(range(True), range(5, 0, -2))\n",
    );
    assert_eq!(
        o.output,
        "0\n1\n2\n0\n1\n2\nTrue True True\nrange(0, 1) range(5, 0, -2)\n"
    );
    let o =
        completed("for i in range(18446744073709551615, 18446744073709551618):\n    print(i)\n");
    assert_eq!(
        o.output,
        "18446744073709551615\n18446744073709551616\n18446744073709551617\n"
    );
}

/// What a program printed, then its uncaught exception as CPython's
/// traceback ends (`Kind: message`), if any.
fn observed(src: &str) -> String {
    let o = completed(src);
    match o.ending {
        Ending::Normal => o.output,
        Ending::Exception { kind, message } => format!("{}{kind}: {message}\n", o.output),
    }
}

/// Float programs and exactly what `python3` (3.11.7) printed for each, an
/// uncaught exception as a last `Kind: message` line. Generated by running
/// every source under python3, not from the reference.
const FLOAT_CASES: &[(&str, &str)] = &[
    (
        "print(1e15, 1e16, 0.0001, 1e-05, 1.5e-07, 5e-324, -0.0, 0.0)",
        "1000000000000000.0 1e+16 0.0001 1e-05 1.5e-07 5e-324 -0.0 0.0\n",
    ),
    (
        "print(1e309, -1e309, 1e309 - 1e309, -(1e309 - 1e309))",
        "inf -inf nan nan\n",
    ),
    (
        "print(0.1 + 0.2, 1 / 3, 2.5, 100.0, 123456789.123, 1.7976931348623157e308, 2.2250738585072014e-308, 1e22, 1e23)",
        "0.30000000000000004 0.3333333333333333 2.5 100.0 123456789.123 1.7976931348623157e+308 2.2250738585072014e-308 1e+22 1e+23\n",
    ),
    (
        "print(9007199254740992.0 * 0.1, 1e16 / 4.5, 123456789012345680.0, 0.00012, 1e100)",
        "900719925474099.2 2222222222222222.2 1.2345678901234568e+17 0.00012 1e+100\n",
    ),
    (
        "print(-0.0, -(0.0), +(-0.0), -1.5, +2.5, not 0.0, not -0.0, not (1e309 - 1e309), not 0.1, not 5e-324)",
        "-0.0 -0.0 -0.0 -1.5 2.5 True True False False False\n",
    ),
    (
        "if -0.0:\n    print(1)\nelif 1e309 - 1e309:\n    print(2)",
        "2\n",
    ),
    (
        "print(0.0 or 1.5, 2.5 and -0.0, -0.0 or 0.0)",
        "1.5 -0.0 0.0\n",
    ),
    (
        "print(~1.5)",
        "TypeError: bad operand type for unary ~: 'float'\n",
    ),
    (
        "x = 2.5\nx = ~x",
        "TypeError: bad operand type for unary ~: 'float'\n",
    ),
    (
        "print(1 + 0.5, True + 0.5, 2 * 1.5, 7 - 0.5, 3 * -0.0, 0.1 * 3, False * -1.5, 1.5 - True)",
        "1.5 1.5 3.0 6.5 -0.0 0.30000000000000004 -0.0 0.5\n",
    ),
    (
        "print(7 / 2, -7 / 2, 1 / 3, 0 / -5, 0 / 5, 6 / 3, True / 2, -6 / 3, 1 / -1e309)",
        "3.5 -3.5 0.3333333333333333 -0.0 0.0 2.0 0.5 -2.0 -0.0\n",
    ),
    (
        "print(7.5 // 2, -7.5 // 2, 7.5 // -2, -7.5 // -2, 7.5 % 2, -7.5 % 2, 7.5 % -2, -7.5 % -2)",
        "3.0 -4.0 -4.0 3.0 1.5 0.5 -0.5 -1.5\n",
    ),
    (
        "print(0.0 % -3.0, -0.0 % 3.0, 6.0 % -3.0, -6.0 % 3.0, 0.0 // -3.0, -0.0 // 3.0, 6.0 // -3.0)",
        "-0.0 0.0 -0.0 0.0 -0.0 -0.0 -2.0\n",
    ),
    (
        "print(1.0 // -1e309, -1.0 // 1e309, -5.0 % 1e309, 5.0 % -1e309, 5.0 % 1e309, 1e309 // 2.0, 1e309 % 2.0)",
        "-1.0 -1.0 inf -inf 5.0 nan nan\n",
    ),
    (
        "print(0.1 // 0.01, 0.1 % 0.01, 1e300 // 1e-300, 7 // 0.5, -7 % 0.5, 2**60 % 0.1)",
        "10.0 3.469446951953614e-18 inf 14.0 0.0 3.552713678800501e-15\n",
    ),
    (
        "print(1e308 * 10, -1e308 * 10, 1e309 - 1e309, 1e309 * 0, 1e309 + -1e309, 5e-324 / 2, 5e-324 * 0.5)",
        "inf -inf nan nan nan 0.0 0.0\n",
    ),
    (
        "x = 7\nx /= 2\ny = 7.5\ny //= 2\nz = -7\nz %= 2.5\nw = 2\nw **= 0.5\nv = 3\nv **= -1",
        "",
    ),
    ("print(1 / 0)", "ZeroDivisionError: division by zero\n"),
    (
        "print(True / False)",
        "ZeroDivisionError: division by zero\n",
    ),
    (
        "print(1.0 / 0)",
        "ZeroDivisionError: float division by zero\n",
    ),
    (
        "print(1 / 0.0)",
        "ZeroDivisionError: float division by zero\n",
    ),
    (
        "print(1.0 // 0.0)",
        "ZeroDivisionError: float floor division by zero\n",
    ),
    (
        "print(1 // -0.0)",
        "ZeroDivisionError: float floor division by zero\n",
    ),
    ("print(5 % 0.0)", "ZeroDivisionError: float modulo\n"),
    ("print(5.0 % False)", "ZeroDivisionError: float modulo\n"),
    (
        "x = 1.5\nx /= 0",
        "ZeroDivisionError: float division by zero\n",
    ),
    (
        "print(10**400 * 1.0)",
        "OverflowError: int too large to convert to float\n",
    ),
    (
        "print(1.0 + 10**400)",
        "OverflowError: int too large to convert to float\n",
    ),
    (
        "print(2 ** -(10**400))",
        "OverflowError: int too large to convert to float\n",
    ),
    (
        "print((10**400) ** -1)",
        "OverflowError: int too large to convert to float\n",
    ),
    (
        "print(10**400 / 3)",
        "OverflowError: integer division result too large for a float\n",
    ),
    (
        "print(-(10**400) / 7)",
        "OverflowError: integer division result too large for a float\n",
    ),
    (
        "print((2**1024 - 2**970) / 1)",
        "OverflowError: integer division result too large for a float\n",
    ),
    (
        "print((2**1024 - 2**970 - 1) / 1, 10**400 / 10**399, 10**400 / -(10**401), 2**2000 / 2**1990)",
        "1.7976931348623157e+308 10.0 -0.1 1024.0\n",
    ),
    (
        "print((2**53 + 1) / 1, (2**53 + 3) / 1, (2**54 + 2) / 2, (2**54 + 6) / 2, (2**55 + 4) / 4, (2**64 + 2**11) / 1, (2**64 + 2**11 + 1) / 1)",
        "9007199254740992.0 9007199254740996.0 9007199254740992.0 9007199254740996.0 9007199254740992.0 1.8446744073709552e+19 1.8446744073709556e+19\n",
    ),
    (
        "print(1 / 2**1074, 1 / 2**1075, 3 / 2**1076, -1 / 2**1075, 3 / 2**1075, 1 / 2**1076, 2**1075 / 2**2149, 1 / 10**400)",
        "5e-324 0.0 5e-324 -0.0 1e-323 0.0 5e-324 0.0\n",
    ),
    (
        "print(10**20 / 3, (10**30 + 1) / 10**30, 123456789123456789123456789 / 987654321987654321, -(2**70) / 2**68, 0 / 10**400, 0 / -(10**400))",
        "3.333333333333333e+19 1.0 124999998.8609375 -4.0 0.0 -0.0\n",
    ),
    (
        "print(9007199254740993 / 9007199254740992, 18014398509481985 / 2, 2**1023 * 3 / 2, (2**1023 * 3) // 2 / 1)",
        "1.0 9007199254740992.0 1.348269851146737e+308 1.348269851146737e+308\n",
    ),
    (
        "print(2 ** 10, 2 ** -1, (-2) ** 3, (-2) ** -3, 0 ** 0, 0.0 ** 0, (1e309 - 1e309) ** 0, 1 ** (1e309 - 1e309), 1.0 ** 1e309)",
        "1024 0.5 -8 -0.125 1 1.0 1.0 1.0 1.0\n",
    ),
    (
        "print(2.0 ** 0.5, 4 ** 0.5, (-8.0) ** 3.0, (-1.0) ** 1e300, (-1.0) ** 1e309, (-1) ** (10**20 + 1), (-1) ** (10**20), 1 ** (10**400), 0 ** (10**400))",
        "1.4142135623730951 2.0 -512.0 1.0 1.0 -1 1 1 0\n",
    ),
    (
        "print(0.5 ** 1e309, 2.0 ** 1e309, 0.5 ** -1e309, 2.0 ** -1e309, 1e309 ** 2, (-1e309) ** 3, (-1e309) ** 2, (-1e309) ** -3, (-1e309) ** -2, 1e309 ** -0.5, (-1e309) ** 0.5)",
        "0.0 inf inf 0.0 inf -inf inf -0.0 0.0 0.0 inf\n",
    ),
    (
        "print(0.0 ** 3, (-0.0) ** 3, (-0.0) ** 2, (-0.0) ** 0.5, 0.0 ** 1e309, (-0.0) ** 1e309, (1e309 - 1e309) ** 1, 2 ** (1e309 - 1e309))",
        "0.0 -0.0 0.0 0.0 0.0 0.0 nan nan\n",
    ),
    (
        "print(10.0 ** -400, 2 ** -1074, 2 ** -1075, 2.0 ** 1023, (-2.0) ** 1023, 10 ** 22 * 1.0, 3 ** 0.5, (-3.0) ** -2)",
        "0.0 5e-324 0.0 8.98846567431158e+307 -8.98846567431158e+307 1e+22 1.7320508075688772 0.1111111111111111\n",
    ),
    (
        "print(3 ** 40, (-3) ** 41, 2 ** 100, 10 ** 20, True ** 5, 2 ** True, 7 ** 0, False ** 0, 0 ** 5, True ** -1)",
        "12157665459056928801 -36472996377170786403 1267650600228229401496703205376 100000000000000000000 1 2 1 1 0 1.0\n",
    ),
    (
        "print(0.0 ** -1)",
        "ZeroDivisionError: 0.0 cannot be raised to a negative power\n",
    ),
    (
        "print(0 ** -1)",
        "ZeroDivisionError: 0.0 cannot be raised to a negative power\n",
    ),
    (
        "print(0 ** -1.5)",
        "ZeroDivisionError: 0.0 cannot be raised to a negative power\n",
    ),
    (
        "print((-0.0) ** -2)",
        "ZeroDivisionError: 0.0 cannot be raised to a negative power\n",
    ),
    (
        "print(False ** -2)",
        "ZeroDivisionError: 0.0 cannot be raised to a negative power\n",
    ),
    (
        "print(10.0 ** 400)",
        "OverflowError: (34, 'Numerical result out of range')\n",
    ),
    (
        "print(2 ** 1024.0)",
        "OverflowError: (34, 'Numerical result out of range')\n",
    ),
    (
        "print((-10.0) ** 401)",
        "OverflowError: (34, 'Numerical result out of range')\n",
    ),
    (
        "print(1e308 ** 1.5)",
        "OverflowError: (34, 'Numerical result out of range')\n",
    ),
    (
        "x = 10\nx **= 400.0",
        "OverflowError: (34, 'Numerical result out of range')\n",
    ),
    (
        "print(1.0 & 1)",
        "TypeError: unsupported operand type(s) for &: 'float' and 'int'\n",
    ),
    (
        "print(1 | 2.5)",
        "TypeError: unsupported operand type(s) for |: 'int' and 'float'\n",
    ),
    (
        "print(1.5 ^ True)",
        "TypeError: unsupported operand type(s) for ^: 'float' and 'bool'\n",
    ),
    (
        "print(1.0 << 1)",
        "TypeError: unsupported operand type(s) for <<: 'float' and 'int'\n",
    ),
    (
        "print(1 >> 1.0)",
        "TypeError: unsupported operand type(s) for >>: 'int' and 'float'\n",
    ),
    (
        "print(10**400 & 1.0)",
        "TypeError: unsupported operand type(s) for &: 'int' and 'float'\n",
    ),
    (
        "x = 1.0\nx &= 1",
        "TypeError: unsupported operand type(s) for &=: 'float' and 'int'\n",
    ),
    (
        "x = 1\nx <<= 2.0",
        "TypeError: unsupported operand type(s) for <<=: 'int' and 'float'\n",
    ),
    (
        "print(2 ** None)",
        "TypeError: unsupported operand type(s) for ** or pow(): 'int' and 'NoneType'\n",
    ),
    (
        "print(None ** 2.5)",
        "TypeError: unsupported operand type(s) for ** or pow(): 'NoneType' and 'float'\n",
    ),
    (
        "x = 2\nx **= None",
        "TypeError: unsupported operand type(s) for **=: 'int' and 'NoneType'\n",
    ),
    (
        "print(1.5 / None)",
        "TypeError: unsupported operand type(s) for /: 'float' and 'NoneType'\n",
    ),
    (
        "print(None / 2)",
        "TypeError: unsupported operand type(s) for /: 'NoneType' and 'int'\n",
    ),
    (
        "x = None\nx /= 2",
        "TypeError: unsupported operand type(s) for /=: 'NoneType' and 'int'\n",
    ),
    (
        "print(1.5 + range(2))",
        "TypeError: unsupported operand type(s) for +: 'float' and 'range'\n",
    ),
    (
        "print(1.5 * print)",
        "TypeError: unsupported operand type(s) for *: 'float' and 'builtin_function_or_method'\n",
    ),
    (
        "print(2**53 + 1 == 9007199254740992.0, 2**53 + 1 > 9007199254740992.0, 2**53 == 9007199254740992.0, 9007199254740992.0 < 2**53 + 1)",
        "False True True True\n",
    ),
    (
        "print(10**400 > 1e308, 10**400 < 1e309, -(10**400) > -1e309, -(10**400) < -1e308, 10**400 == 1e309, 1e309 > 10**400)",
        "True True True True False True\n",
    ),
    (
        "print(1 == 1.0, True == 1.0, 0 == -0.0, 0.5 < 1, 1 < 1.5 < 2, 2**63 == 9223372036854775808.0, 2**63 - 1 < 9223372036854775808.0, 2**64 + 1 > 18446744073709551616.0)",
        "True True True True True True True True\n",
    ),
    (
        "print(-2.5 < -2, -2.5 > -3, 2.5 >= 2, 2.0 <= 2, 2.0 >= 2, 0.1 == 0.1, 0.1 + 0.2 == 0.3, 5e-324 > 0, -5e-324 < 0, -0.0 == 0.0)",
        "True True True True True True False True True True\n",
    ),
    (
        "n = 1e309 - 1e309\nprint(n == n, n != n, n < 1, n >= 1, 1 > n, n == 1, 1 != n, n < 1e309, n > 10**400, n <= n, 10**400 >= n)",
        "False True False False False False True False False False False\n",
    ),
    (
        "print(1.0 == None, 1.0 != None, 1.0 == range(1), 0.0 == False, 1.5 == print, float == float, float == int, abs == abs, abs == round, print == abs)",
        "False True False True False True False True False False\n",
    ),
    (
        "print(1.5 < None)",
        "TypeError: '<' not supported between instances of 'float' and 'NoneType'\n",
    ),
    (
        "print(None >= 0.5)",
        "TypeError: '>=' not supported between instances of 'NoneType' and 'float'\n",
    ),
    (
        "print(1.5 <= range(3))",
        "TypeError: '<=' not supported between instances of 'float' and 'range'\n",
    ),
    (
        "print(1 < 2.5 < None)",
        "TypeError: '<' not supported between instances of 'float' and 'NoneType'\n",
    ),
    (
        "print(float(), float(1), float(True), float(False), float(-2**63), float(2**53 + 1), float(1.5), float(10**308), float(-0.0))",
        "0.0 1.0 1.0 0.0 -9.223372036854776e+18 9007199254740992.0 1.5 1e+308 -0.0\n",
    ),
    (
        "print(float(10**400))",
        "OverflowError: int too large to convert to float\n",
    ),
    (
        "print(float(None))",
        "TypeError: float() argument must be a string or a real number, not 'NoneType'\n",
    ),
    (
        "print(float(1, 2))",
        "TypeError: float expected at most 1 argument, got 2\n",
    ),
    (
        "print(float(1, 2, 3))",
        "TypeError: float expected at most 1 argument, got 3\n",
    ),
    (
        "print(float(range(3)))",
        "TypeError: float() argument must be a string or a real number, not 'range'\n",
    ),
    (
        "print(float(float))",
        "TypeError: float() argument must be a string or a real number, not 'type'\n",
    ),
    (
        "print(int(), int(True), int(-2.9), int(2.9), int(-0.0), int(1e20), int(1.7976931348623157e308) % 1000007, int(5), int(-5e-324), int(2.5e15))",
        "0 1 -2 2 0 100000000000000000000 623702 5 0 2500000000000000\n",
    ),
    (
        "print(int(1e309 - 1e309))",
        "ValueError: cannot convert float NaN to integer\n",
    ),
    (
        "print(int(-1e309))",
        "OverflowError: cannot convert float infinity to integer\n",
    ),
    (
        "print(int(None))",
        "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'\n",
    ),
    (
        "print(int(print))",
        "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'builtin_function_or_method'\n",
    ),
    (
        "print(int(5, 10))",
        "TypeError: int() can't convert non-string with explicit base\n",
    ),
    (
        "print(int(5, 0))",
        "TypeError: int() can't convert non-string with explicit base\n",
    ),
    (
        "print(int(5, None))",
        "TypeError: 'NoneType' object cannot be interpreted as an integer\n",
    ),
    (
        "print(int(5, 1))",
        "ValueError: int() base must be >= 2 and <= 36, or 0\n",
    ),
    (
        "print(int(5, 37))",
        "ValueError: int() base must be >= 2 and <= 36, or 0\n",
    ),
    (
        "print(int(5, 10**30))",
        "ValueError: int() base must be >= 2 and <= 36, or 0\n",
    ),
    (
        "print(int(5, -(10**30)))",
        "ValueError: int() base must be >= 2 and <= 36, or 0\n",
    ),
    (
        "print(int(5, 1.5))",
        "TypeError: 'float' object cannot be interpreted as an integer\n",
    ),
    (
        "print(int(None, 10))",
        "TypeError: int() can't convert non-string with explicit base\n",
    ),
    (
        "print(int(1, 2, 3))",
        "TypeError: int() takes at most 2 arguments (3 given)\n",
    ),
    (
        "print(abs(-5), abs(True), abs(False), abs(-0.0), abs(-1e309), abs(-2.5), abs(-(2**70)), abs(1e309 - 1e309), abs(-9223372036854775807 - 1))",
        "5 1 0 0.0 inf 2.5 1180591620717411303424 nan 9223372036854775808\n",
    ),
    (
        "print(abs())",
        "TypeError: abs() takes exactly one argument (0 given)\n",
    ),
    (
        "print(abs(1, 2))",
        "TypeError: abs() takes exactly one argument (2 given)\n",
    ),
    (
        "print(abs(None))",
        "TypeError: bad operand type for abs(): 'NoneType'\n",
    ),
    (
        "print(abs(range(2)))",
        "TypeError: bad operand type for abs(): 'range'\n",
    ),
    (
        "print(round(2.5), round(3.5), round(-2.5), round(0.5), round(-0.5), round(1.4999999999999998), round(True), round(7), round(1e20), round(2.5, None), round(5, None), round(-0.4))",
        "2 4 -2 0 0 1 1 7 100000000000000000000 2 5 0\n",
    ),
    (
        "print(round(2.675, 2), round(0.125, 2), round(0.375, 2), round(1.5, -400), round(5e-324, 400), round(-0.4, 0), round(1234.5, -1), round(1250.0, -2), round(-1350.0, -2))",
        "2.67 0.12 0.38 0.0 5e-324 -0.0 1230.0 1200.0 -1400.0\n",
    ),
    (
        "print(round(1e300, 2), round(0.1, 20), round(5e-324, 323), round(2.5e-323, 323), round(7.5e-323, 323), round(1.7e308, -307), round(-1.5, -400), round(1e309, 2), round(1e309 - 1e309, 2))",
        "1e+300 0.1 0.0 2e-323 7e-323 1.7e+308 -0.0 inf nan\n",
    ),
    (
        "print(round(1.5, True), round(2.5, False), round(0.5, 0), round(1.5, 0), round(-2.5, 0), round(123.456, 1), round(123.456, -1), round(0.3, 1), round(1.15, 1), round(1.25, 1), round(2.0 ** 60, -5))",
        "1.5 2.0 0.0 2.0 -2.0 123.5 120.0 0.3 1.1 1.2 1.1529215046068e+18\n",
    ),
    (
        "print(round(1.5, 2**63), round(1.5, -(2**63)), round(-1.5, 10**30), round(123.0, -308), round(1e308, -308), round(5e307, -308), round(4.9e307, -308))",
        "1.5 0.0 -1.5 0.0 1e+308 1e+308 0.0\n",
    ),
    (
        "print(round(15, -1), round(25, -1), round(-25, -1), round(149, -2), round(150, -2), round(250, -2), round(5, -1), round(4, -1), round(5, -400), round(123, 2), round(True, -1), round(-(2**70), -10), round(2**70, 5))",
        "20 20 -20 100 200 200 0 0 0 123 0 -1180591620720000000000 1180591620717411303424\n",
    ),
    (
        "print(round(1.7e308, -308))",
        "OverflowError: rounded value too large to represent\n",
    ),
    (
        "print(round(1e309))",
        "OverflowError: cannot convert float infinity to integer\n",
    ),
    (
        "print(round(1e309 - 1e309))",
        "ValueError: cannot convert float NaN to integer\n",
    ),
    (
        "print(round())",
        "TypeError: round() missing required argument 'number' (pos 1)\n",
    ),
    (
        "print(round(1, 2, 3))",
        "TypeError: round() takes at most 2 arguments (3 given)\n",
    ),
    (
        "print(round(None))",
        "TypeError: type NoneType doesn't define __round__ method\n",
    ),
    (
        "print(round(None, 1.5))",
        "TypeError: type NoneType doesn't define __round__ method\n",
    ),
    (
        "print(round(range(2)))",
        "TypeError: type range doesn't define __round__ method\n",
    ),
    (
        "print(round(1.5, 1.0))",
        "TypeError: 'float' object cannot be interpreted as an integer\n",
    ),
    (
        "print(round(1, 1.0))",
        "TypeError: 'float' object cannot be interpreted as an integer\n",
    ),
    (
        "print(round(1.5, print))",
        "TypeError: 'builtin_function_or_method' object cannot be interpreted as an integer\n",
    ),
    (
        "print(float, int, abs, round, print, range)",
        "<class 'float'> <class 'int'> <built-in function abs> <built-in function round> <built-in function print> <class 'range'>\n",
    ),
    (
        "print(float + 1)",
        "TypeError: unsupported operand type(s) for +: 'type' and 'int'\n",
    ),
    (
        "print(abs - 1.5)",
        "TypeError: unsupported operand type(s) for -: 'builtin_function_or_method' and 'float'\n",
    ),
    (
        "print(-round)",
        "TypeError: bad operand type for unary -: 'builtin_function_or_method'\n",
    ),
    (
        "x = 1.5\nx(2)",
        "TypeError: 'float' object is not callable\n",
    ),
    (
        "for i in 1.5:\n    pass",
        "TypeError: 'float' object is not iterable\n",
    ),
    (
        "print(range(1.5))",
        "TypeError: 'float' object cannot be interpreted as an integer\n",
    ),
    (
        "print(range(0, 2.0))",
        "TypeError: 'float' object cannot be interpreted as an integer\n",
    ),
    (
        "float = 5\nprint(float + 0.5, int(2.5), abs(-1))",
        "5.5 2 1\n",
    ),
    (
        "def f(x):\n    return x / 2\nprint(f(3), f(2.5), f(True))",
        "1.5 1.25 0.5\n",
    ),
];

#[test]
fn float_semantics_match_cpython() {
    let failures: Vec<String> = FLOAT_CASES
        .iter()
        .filter_map(|(src, want)| {
            let got = observed(src);
            (got != *want).then(|| format!("--- {src}\nwant: {want:?}\ngot:  {got:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} disagree with CPython:\n{}",
        failures.len(),
        FLOAT_CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn float_globals_dump_as_reprs() {
    // Expected reprs from CPython.
    let o = completed(
        "x = 1.5\ny = -0.0\nz = 1e16\nn = 1e309 - 1e309\nf = float\na = abs\nq = 7 / 2\n",
    );
    assert_eq!(
        globals(&o),
        [
            ("a", "<built-in function abs>"),
            ("f", "<class 'float'>"),
            ("n", "nan"),
            ("q", "3.5"),
            ("x", "1.5"),
            ("y", "-0.0"),
            ("z", "1e+16"),
        ]
    );
}

#[test]
fn negative_base_to_fractional_power_poisons() {
    // CPython gives a complex number (or, for a huge one, "OverflowError:
    // complex exponentiation"): outside the language.
    for src in [
        "print(1)\nx = (-8.0) ** (1 / 3)\n",
        "print((-2) ** 0.5)\n",
        "x = -8\nx **= 0.5\n",
        "print((-1e300) ** 0.5)\n",
        "print((-5e-324) ** -2.5)\n",
        "print(-1 ** 0.5 + (-(2**53 + 1)) ** 123.456)\n",
    ] {
        assert_eq!(run_src(src), RunResult::Poisoned(Poison::Complex), "{src}");
    }
    // Integral exponents and infinite bases are real (CPython: -512.0, inf).
    assert_eq!(
        observed("print((-8.0) ** 3.0, (-1e309) ** 0.5)\n"),
        "-512.0 inf\n"
    );
}

#[test]
fn int_power_poisons_exactly_past_the_width() {
    // Bit lengths and residues from CPython: 2**8191 and 3**5168 have 8192
    // bits, 3**5169 has 8193.
    assert_eq!(
        observed("print(2 ** 8191 % 1000000007, 3 ** 5168 % 1000000007)\n"),
        "556377124 362868101\n"
    );
    assert_eq!(observed("print(-((-2) ** 8191) == 2 ** 8191)\n"), "True\n");
    for src in [
        "x = 2 ** 8192\n",
        "x = (-2) ** 8192\n",
        "x = 3 ** 5169\n",
        "x = 3 ** (10 ** 400)\n",
        "x = 10 ** 9223372036854775807\n",
        "x = 7\nx **= 10 ** 18\n",
    ] {
        assert_eq!(
            run_src(src),
            RunResult::Poisoned(Poison::IntTooLarge),
            "{src}"
        );
    }
}

#[test]
fn builtin_int_results_respect_the_width() {
    let limits = Limits {
        int_bits: 64,
        ..Limits::default()
    };
    let run64 = |src: &str| run_with_limits(&parse_program(src).unwrap(), limits);
    // CPython: int(1e19) has 64 bits; int(2e19) and round(2**64 - 1, -1)
    // (18446744073709551620) have 65.
    assert!(matches!(
        run64("x = int(1e19)\ny = round(1e19)\n"),
        RunResult::Completed(_)
    ));
    for src in [
        "x = int(2e19)\n",
        "x = round(2e19)\n",
        "x = round(18446744073709551615, -1)\n",
    ] {
        assert_eq!(
            run64(src),
            RunResult::Poisoned(Poison::IntTooLarge),
            "{src}"
        );
    }
}

#[test]
fn int_round_to_a_huge_negative_place_is_zero() {
    // CPython computes 10**k first and so never finishes for k = 10**30;
    // the nearest multiple is 0 for any 10**k > 2|x| (the tie at exactly
    // half goes to the even multiple, 0): round(5, -1) is 0 in CPython.
    assert_eq!(
        observed("print(round(5, -1), round(-(10**400), -(10**30)), round(10**400, -401))\n"),
        "0 0 0\n"
    );
}

fn name(n: &str) -> Expr {
    Expr::name(n)
}

fn call_print(e: Expr) -> Stmt {
    Stmt::Expr(Expr::call("print", vec![e]))
}

fn run_ast(body: Vec<Stmt>) -> RunResult {
    run(&Module { body })
}

#[test]
fn hand_built_asts_still_get_a_result() {
    // Stray break/continue/return at module level end the module.
    let r = run_ast(vec![
        call_print(Expr::int(1)),
        Stmt::Break,
        call_print(Expr::int(2)),
    ]);
    assert!(matches!(r, RunResult::Completed(o) if o.output == "1\n"));
    let r = run_ast(vec![
        Stmt::Return(Some(Expr::int(1))),
        call_print(Expr::int(2)),
    ]);
    assert!(matches!(r, RunResult::Completed(o) if o.output.is_empty()));
    // Nested def binds a local of the outer function; no closures.
    let inner = Stmt::FunctionDef {
        name: "g".into(),
        params: vec![],
        body: vec![Stmt::Return(Some(name("x")))],
    };
    let outer = Stmt::FunctionDef {
        name: "f".into(),
        params: vec!["x".into()],
        body: vec![inner, Stmt::Return(Some(Expr::call("g", vec![])))],
    };
    let r = run_ast(vec![
        outer,
        Stmt::Assign {
            target: "x".into(),
            value: Expr::int(7),
        },
        call_print(Expr::call("f", vec![Expr::int(1)])),
    ]);
    assert!(
        matches!(&r, RunResult::Completed(o) if o.output == "7\n"),
        "{r:?}"
    );
    // Degenerate expressions.
    let weird = vec![
        Expr::BoolOp {
            op: BoolOp::And,
            values: vec![],
        },
        Expr::BoolOp {
            op: BoolOp::Or,
            values: vec![Expr::int(0)],
        },
        Expr::Compare {
            left: Box::new(Expr::int(1)),
            ops: vec![CmpOp::Lt, CmpOp::Lt],
            comparators: vec![Expr::int(2)],
        },
        Expr::Compare {
            left: Box::new(Expr::int(1)),
            ops: vec![],
            comparators: vec![],
        },
    ];
    let r = run_ast(weird.into_iter().map(call_print).collect());
    assert!(
        matches!(&r, RunResult::Completed(o) if o.output == "None\n0\nTrue\nTrue\n"),
        "{r:?}"
    );
    // Literals that are not decimal digits poison when evaluated.
    let r = run_ast(vec![call_print(Expr::Int("12a".into()))]);
    assert_eq!(r, RunResult::Poisoned(Poison::IntTooLarge));
    // Duplicate parameters, global declared for a parameter.
    let f = Stmt::FunctionDef {
        name: "f".into(),
        params: vec!["a".into(), "a".into()],
        body: vec![
            Stmt::Global(vec!["a".into()]),
            Stmt::Return(Some(name("a"))),
        ],
    };
    let r = run_ast(vec![
        f,
        call_print(Expr::call("f", vec![Expr::int(1), Expr::int(2)])),
    ]);
    assert!(matches!(r, RunResult::Completed(_)));
}

#[test]
fn absurdly_deep_asts_do_not_overflow_the_stack() {
    // Built, run and dropped on a big stack: the AST's own Drop recurses.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            // 50 times what the front end builds (it stops at 1000 levels);
            // the debug build's evaluator frames are the limit here.
            let mut e = Expr::int(1);
            for _ in 0..50_000 {
                e = Expr::UnaryOp {
                    op: UnaryOp::Neg,
                    operand: Box::new(e),
                };
            }
            let r = run_ast(vec![call_print(e)]);
            assert!(
                matches!(&r, RunResult::Completed(o) if o.output == "1\n"),
                "{r:?}"
            );
            // Deep code in a recursive function: needs the dedicated stack.
            let mut e = name("n");
            for _ in 0..2_000 {
                e = Expr::BinOp {
                    op: BinOp::Add,
                    left: Box::new(e),
                    right: Box::new(Expr::int(0)),
                };
            }
            let body = vec![
                Stmt::If {
                    test: Expr::Compare {
                        left: Box::new(name("n")),
                        ops: vec![CmpOp::Eq],
                        comparators: vec![Expr::int(0)],
                    },
                    body: vec![Stmt::Return(Some(Expr::int(0)))],
                    orelse: vec![],
                },
                Stmt::Return(Some(Expr::call(
                    "f",
                    vec![Expr::BinOp {
                        op: BinOp::Sub,
                        left: Box::new(e),
                        right: Box::new(Expr::int(1)),
                    }],
                ))),
            ];
            let f = Stmt::FunctionDef {
                name: "f".into(),
                params: vec!["n".into()],
                body,
            };
            let r = run_ast(vec![f, call_print(Expr::call("f", vec![Expr::int(150)]))]);
            assert!(
                matches!(&r, RunResult::Completed(o) if o.output == "0\n"),
                "{r:?}"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Random (often ill-formed) ASTs: the reference must never panic and must
/// be deterministic.
#[test]
fn random_asts_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    for _ in 0..3000 {
        let body = (0..rng.random_range(1..8))
            .map(|_| random_stmt(&mut rng, 3))
            .collect();
        let m = Module { body };
        assert_eq!(run(&m), run(&m), "{m:?}");
    }
}

const NAMES: [&str; 10] = [
    "x", "y", "f", "g", "print", "range", "float", "int", "abs", "round",
];

/// Floats at the edges: zeros, subnormals, the largest, infinity, NaN and
/// a negative one (the last two only a hand-built AST can hold).
const EDGE_FLOATS: [f64; 10] = [
    0.0,
    -0.0,
    0.5,
    2.5,
    5e-324,
    1e300,
    f64::MAX,
    f64::INFINITY,
    f64::NAN,
    -1.5,
];

fn random_expr(rng: &mut StdRng, depth: u32) -> Expr {
    let leaf = depth == 0 || rng.random_range(0..3) == 0;
    if leaf {
        return match rng.random_range(0..6) {
            0 => Expr::int(rng.random_range(-3..40)),
            1 => Expr::Bool(rng.random()),
            2 => Expr::None,
            3 => Expr::Int("9".repeat(rng.random_range(1..40))),
            4 => Expr::Float(EDGE_FLOATS[rng.random_range(0..EDGE_FLOATS.len())].to_bits()),
            _ => name(NAMES[rng.random_range(0..NAMES.len())]),
        };
    }
    let sub = |rng: &mut StdRng| Box::new(random_expr(rng, depth - 1));
    match rng.random_range(0..5) {
        0 => Expr::UnaryOp {
            op: [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Not, UnaryOp::Invert][rng.random_range(0..4)],
            operand: sub(rng),
        },
        1 => Expr::BinOp {
            op: BinOp::ALL[rng.random_range(0..BinOp::ALL.len())],
            left: sub(rng),
            right: sub(rng),
        },
        2 => Expr::BoolOp {
            op: if rng.random() {
                BoolOp::And
            } else {
                BoolOp::Or
            },
            values: (0..rng.random_range(0..4))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
        },
        3 => Expr::Compare {
            left: sub(rng),
            ops: (0..rng.random_range(0..3))
                .map(|_| CmpOp::ALL[rng.random_range(0..6)])
                .collect(),
            comparators: (0..rng.random_range(0..3))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
        },
        _ => Expr::Call {
            func: sub(rng),
            args: (0..rng.random_range(0..4))
                .map(|_| random_expr(rng, depth - 1))
                .collect(),
        },
    }
}

fn random_stmt(rng: &mut StdRng, depth: u32) -> Stmt {
    let target = NAMES[rng.random_range(0..NAMES.len())].to_string();
    let block = |rng: &mut StdRng| -> Vec<Stmt> {
        if depth == 0 {
            return vec![Stmt::Pass];
        }
        (0..rng.random_range(0..4))
            .map(|_| random_stmt(rng, depth - 1))
            .collect()
    };
    match rng.random_range(0..12) {
        0 => Stmt::Assign {
            target,
            value: random_expr(rng, 3),
        },
        1 => Stmt::AugAssign {
            target,
            op: BinOp::ALL[rng.random_range(0..BinOp::ALL.len())],
            value: random_expr(rng, 2),
        },
        2 => Stmt::If {
            test: random_expr(rng, 2),
            body: block(rng),
            orelse: block(rng),
        },
        3 => Stmt::While {
            test: random_expr(rng, 2),
            body: block(rng),
        },
        4 => Stmt::For {
            target,
            iter: random_expr(rng, 2),
            body: block(rng),
        },
        5 => Stmt::Break,
        6 => Stmt::Continue,
        7 => Stmt::FunctionDef {
            name: target,
            params: (0..rng.random_range(0..3))
                .map(|_| NAMES[rng.random_range(0..2)].to_string())
                .collect(),
            body: block(rng),
        },
        8 => Stmt::Return(rng.random::<bool>().then(|| random_expr(rng, 2))),
        9 => Stmt::Global(vec![target]),
        _ => Stmt::Expr(random_expr(rng, 3)),
    }
}
