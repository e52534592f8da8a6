//! End-to-end: f-strings (lowered by the front end to `str`/`repr` calls
//! joined by `+`, `vm/src/lang/parse_fstring.rs`; the `=` form's source
//! text too) print what CPython prints in every tier and backend, values
//! converted in CPython's order.

mod common;

use common::check_against_cpython;
use jitdiff_vm::lang::parse_program;

const PROGRAM: &str = r#"xs = []
def push(v):
    xs.append(v)
    return v
print(f"{xs}{push(1)}{xs}", f"", f"plain", "a" f"{1 + 2}" "b" f"{'q'!r}{'s'!s}")
print(f"{{literal}} {xs!r} {None} {True} {2.5} {-0.0} {10**20}")
class P:
    def __init__(self, x):
        self.x = x
    def __repr__(self):
        return "P(" + str(self.x) + ")"
def label(i, p):
    return f"item {i}: {p!r} / {p} / {[i, 'a']}"
out = ""
for i in range(40):
    out = f"{out}{i % 7}"
    s = label(i, P(i * 2))
print(out, s)
print(f"{ {'k': 1}['k'] }", f"{'nested ' + f'{3}'}")
w = 7
for i in range(30):
    dbg = f"{i=} {i * 2 = }|{w=:>4}|{str(i)=!s}|{P(i)= }"
print(dbg, f"{xs[0]=}{w =!r:<3}.")
"#;

#[test]
fn fstrings_print_what_cpython_prints_on_every_tier() {
    let traced = check_against_cpython(&[PROGRAM.to_string()]);
    assert!(traced > 0, "the f-string loop must reach machine code");
}

#[test]
fn what_s0_cannot_lower_is_refused_where_it_is() {
    for (src, at, what) in [
        (
            "def format(v, s):\n    return s\nprint(f'{1:>3}')\n",
            (3, 7),
            "f-string with a format spec in a program that binds `format`",
        ),
        ("x = 2\nprint(f'{x!a}')\n", (2, 9), "`!a` in an f-string"),
        (
            "str = 1\nprint(f'{str}')\n",
            (2, 7),
            "f-string in a program that binds `str`",
        ),
        (
            "def f(repr):\n    return repr\nprint(f'{f(1)}')\n",
            (3, 7),
            "f-string in a program that binds `repr`",
        ),
        ("print(f'{id(1)}')\n", (1, 10), "builtin `id`"),
    ] {
        let err = parse_program(src).unwrap_err();
        assert_eq!(
            (err.line, err.col, err.message.as_str()),
            (
                at.0,
                at.1,
                format!("unsupported construct: {what} (outside S0)").as_str()
            ),
            "{src}"
        );
    }
    // A program's own `format` is left alone where no f-string needs the
    // builtin.
    let own = "format = 'csv'\nprint(f'{format}!', format)\n";
    assert!(parse_program(own).is_ok(), "{own}");
}
