//! The folding against python3's own: for each expression, whether
//! CPython's compiler makes it one constant and which (needs python3,
//! like every CPython comparison).
use super::*;
use crate::lang::parse_program;
use crate::runtime::{float, strs};

fn repr(c: &Const) -> String {
    match c {
        Const::Int(x) => x.to_string(),
        Const::Bool(true) => "True".into(),
        Const::Bool(false) => "False".into(),
        Const::Float(x) => float::repr(*x),
        Const::Str(s) => strs::repr(s),
        Const::Tuple(t) if t.len() == 1 => format!("({},)", repr(&t[0])),
        Const::Tuple(t) => format!("({})", t.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Const::None => "None".into(),
    }
}

/// What python3 folds each expression to (its repr), or `NOFOLD`.
fn cpython_folds(exprs: &[String]) -> Vec<String> {
    let script = r#"
import dis, sys
for line in sys.stdin.read().split('\n')[:-1]:
    code = compile(line, '<e>', 'eval')
    ops = {i.opname for i in dis.get_instructions(code)} - {'RESUME', 'RETURN_VALUE'}
    if ops != {'LOAD_CONST'}:
        print('NOFOLD')
    elif 'j' in repr(eval(code)):
        print('COMPLEX')
    else:
        print(repr(eval(code)))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-W", "ignore", "-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is required for this test (run ci/setup)");
    let mut input = exprs.join("\n");
    input.push('\n');
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

fn ours(src: &str) -> String {
    let m = parse_program(&format!("x = {src}\n")).unwrap_or_else(|e| panic!("{src}: {e}"));
    let [Stmt::Assign { value, .. }] = &m.body[..] else {
        panic!("{src}: {:?}", m.body);
    };
    constant(value).map_or("NOFOLD".into(), |c| repr(&c))
}

/// Asserts that ours and python3's answers agree; how many folded.
fn agree(exprs: &[String]) -> usize {
    let theirs = cpython_folds(exprs);
    assert_eq!(theirs.len(), exprs.len());
    let wrong: Vec<String> = exprs
        .iter()
        .zip(&theirs)
        // A complex result (`(-8) ** 0.5`) is not in the language: the VM
        // poisons such a power, so whether it folds cannot show.
        .filter(|(_, t)| *t != "COMPLEX")
        .filter_map(|(e, t)| {
            let o = ours(e);
            (o != *t).then(|| format!("{e}: cpython {t}, ours {o}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        exprs.len(),
        wrong.join("\n")
    );
    theirs
        .iter()
        .filter(|t| *t != "NOFOLD" && *t != "COMPLEX")
        .count()
}

/// The limits, each at its edge, and the operations that raise.
#[test]
fn folds_what_cpython_folds_at_the_limits() {
    let cases = [
        "2 ** 64",
        "2 ** 65",
        "2 ** 127",
        "1 ** 200",
        "0 ** 10 ** 30",
        "3 ** 80",
        "10 ** 38",
        "(-2) ** 63",
        "2 ** -1",
        "0 ** -1",
        "1 << 127",
        "2 << 126",
        "2 << 127",
        "1 << -1",
        "0 << 10 ** 30",
        "5 << 0",
        "-5 >> 1",
        "5 >> 10 ** 30",
        "-5 >> 10 ** 30",
        "5 >> -1",
        "(2 ** 64) * (2 ** 63)",
        "(2 ** 63) * (2 ** 63)",
        "0 * (2 ** 64)",
        "'ab' * 2048",
        "'ab' * 2049",
        "'' * 10 ** 30",
        "'ab' * -1",
        "(1, 2) * 128",
        "(1, 2) * 129",
        "2 * (1, 2)",
        "-1 * (1, 2)",
        "0 * (1, 2)",
        "() * 10 ** 30",
        "() * 10 ** 12",
        "'' * 10 ** 12",
        "() * (2 ** 63 - 1)",
        "((1, 2) * 100,) * 5",
        "((1, 2) * 100,) * 6",
        "True * (1,)",
        "'%d' % 5",
        "5 % 3",
        "-5 % 3",
        "5 % -3",
        "-7 // 2",
        "7 // 0",
        "7 % 0",
        "7 / 2",
        "1 / 0",
        "2 ** 0.5",
        "(-8) ** (1 / 3)",
        "1e308 * 10",
        "-1e308 * 10",
        "1e308 ** 2",
        "7 // 2.5",
        "-7 % 2.5",
        "7.5 // 0.0",
        "(1, 2)[0]",
        "(1, 2)[-1]",
        "(1, 2)[2]",
        "'abc'[1]",
        "'abc'[-4]",
        "'abc'[True]",
        "(1, 2)[1.0]",
        "not 1",
        "not ()",
        "not 'a'",
        "~True",
        "-True",
        "+True",
        "~1.5",
        "-'a'",
        "True + True",
        "True & False",
        "True & 3",
        "True ^ True",
        "1.5 & 1",
        "'a' + 'b'",
        "'a' + 1",
        "(1,) + (2,)",
        "(1,) + [2]",
        "None + 1",
        "'a' * 'b'",
        "(1, 2 * 3)",
        "(1, (2, -3.5))",
        "-0.0",
        "-(0.0)",
        "0.0 * -1",
        "2 ** 1000 - 2 ** 1000",
        "10 ** 20 + 10 ** 20",
        "(2 ** 60) * (2 ** 60) * 4",
        "1 - -0.0",
        "3 & 5 | 8 ^ 1",
        "-(2 ** 63) // 3",
        "2 ** 64 % 7",
        "2 ** 64 / 3",
    ];
    agree(&cases.map(String::from));
}

/// Random expressions over ints of every size, floats, bools, strs,
/// tuples and None.
#[test]
fn folds_what_cpython_folds_on_random_expressions() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    const LEAVES: [&str; 20] = [
        "0",
        "1",
        "2",
        "3",
        "7",
        "-5",
        "64",
        "127",
        "4611686018427387904",
        "340282366920938463463374607431768211456",
        "0.5",
        "2.0",
        "1e308",
        "0.0",
        "True",
        "False",
        "'a'",
        "''",
        "None",
        "(1, 2)",
    ];
    const BINOPS: [&str; 12] = [
        "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
    ];
    fn expr_of(next: &mut dyn FnMut(u64) -> u64, depth: u32) -> String {
        match if depth == 0 { 0 } else { next(6) } {
            0 | 1 => LEAVES[next(LEAVES.len() as u64) as usize].to_string(),
            2 => {
                let op = ["-", "+", "~", "not "][next(4) as usize];
                format!("({op}{})", expr_of(next, depth - 1))
            }
            3 => format!(
                "({}, {})",
                expr_of(next, depth - 1),
                expr_of(next, depth - 1)
            ),
            4 => format!(
                "({}[{}])",
                expr_of(next, depth - 1),
                LEAVES[next(8) as usize]
            ),
            _ => {
                let op = BINOPS[next(BINOPS.len() as u64) as usize];
                format!(
                    "({} {op} {})",
                    expr_of(next, depth - 1),
                    expr_of(next, depth - 1)
                )
            }
        }
    }
    let exprs: Vec<String> = (0..4000).map(|_| expr_of(&mut next, 3)).collect();
    let folded = agree(&exprs);
    // Both answers are common, so both sides of each rule are exercised.
    assert!((400..3600).contains(&folded), "{folded} of 4000 folded");
}

/// Only displays CPython makes constant are rewritten, and only where
/// every item folds.
#[test]
fn only_constant_displays_are_rewritten() {
    let m = parse_program(
        "n = 2\nprint({2 * 5, 2, 18}, {n * 5, 2, 18}, {1 + 1, 2}, 3 * 4)\nfor x in {3 + 4, 15}:\n    print([y for y in {8 - 1, 15}])\n",
    )
    .expect("accepted");
    let text = crate::lang::unparse::unparse(&m);
    assert!(text.contains("{10, 2, 18}"), "{text}");
    assert!(text.contains("{n * 5, 2, 18}"), "{text}");
    assert!(text.contains("{1 + 1, 2}"), "{text}");
    assert!(text.contains("3 * 4"), "{text}");
    assert!(text.contains("for x in {7, 15}"), "{text}");
    assert!(text.contains("for y in {7, 15}"), "{text}");
}
