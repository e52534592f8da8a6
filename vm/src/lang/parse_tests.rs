//! The front end's tests: lowering, refusals with their positions, CPython's
//! compile-time errors, hostile input.

use super::*;

#[test]
fn lowers_elif_chain_and_literals() {
    let m = parse_program(
        "x = 0x10\nif x:\n    y = 1_000\nelif x < 2 < 3:\n    pass\nelse:\n    y = -5\n",
    )
    .unwrap();
    assert_eq!(
        m.body[0],
        Stmt::Assign {
            target: "x".into(),
            value: Expr::Int("16".into())
        }
    );
    let Stmt::If { orelse, .. } = &m.body[1] else {
        panic!()
    };
    assert!(matches!(&orelse[0], Stmt::If { orelse, .. } if orelse.len() == 1));
}

/// A generator expression inside a list, set or dict comprehension may
/// not read that comprehension's variables (they are hidden slots, not
/// cells), except in its first iterable, which runs where it stands,
/// or when a builtin consumes it at once (it then binds them first);
/// its own targets and a surrounding generator's are fine.
#[test]
fn rejects_a_generator_reading_the_comprehension_around_it() {
    for (src, at) in [
        (
            "m = [[1]]\nprint([(m[i][k] for k in range(1)) for i in range(1)])\n",
            (2, 8),
        ),
        (
            "s = {zip(j for j in range(3) if j < i) for i in range(2)}\n",
            (1, 10),
        ),
        (
            "d = {i: iter(x for x in range(2) for y in range(i)) for i in range(2)}\n",
            (1, 14),
        ),
        // Not the one argument; a program's own `sum`; a receiver of
        // `join` that is not a str literal.
        (
            "print([sum((i for x in range(2)), 0) for i in range(2)])\n",
            (1, 12),
        ),
        (
            "sum = list\nprint([sum(i for x in [1]) for i in range(2)])\n",
            (2, 12),
        ),
        (
            "print([x.join(i for y in 'q') for x in 'ab' for i in 'c'])\n",
            (1, 15),
        ),
    ] {
        let e = parse_program(src).unwrap_err();
        assert!(
            e.message.contains("reading `i` of the comprehension"),
            "{e}"
        );
        assert_eq!((e.line, e.col), at, "{src}");
    }
    // Consumed at once: the variables are bound by a first clause.
    let m = parse_program("m = [[1]]\nprint([sum(m[i][k] for k in range(1)) for i in range(1)])\n")
        .unwrap();
    let text = crate::lang::unparse::unparse(&m);
    assert!(
        text.contains("sum((m[i][k] for i, in [(i,)] for k in range(1)))"),
        "{text}"
    );
    for ok in [
        "s = {max(j for j in range(3) if j < i) for i in range(2)}\n",
        "d = {i: list(x for x in range(2) for y in range(i)) for i in range(2)}\n",
        "print([' '.join(i for x in 'q') for i in 'ab'])\n",
        "print([sum(x for x in r) for r in [[1], [2]]])\n",
        "print([list(x for x in range(i)) for i in range(3)])\n",
        "print([sum(i for i in range(3)) for i in range(2)])\n",
        "print(sum(sum(x * y for y in range(3)) for x in range(4)))\n",
        "print([[x for y in range(x)] for x in range(3)])\n",
    ] {
        assert!(parse_program(ok).is_ok(), "{ok}");
    }
}

#[test]
fn rejects_outside_s0_with_position() {
    let e = parse_program("x = 1\ny = lambda **k: k\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("in a lambda"), "{e}");
    // Star displays are in the language; their `*` binds a bitwise-or
    // operand, which the printer keeps.
    let m = parse_program(
        "a = [1]
b = {}
x = [*a, *(a or a)], (*a,), {*a}, {**b, 1: 2, **(b or b)}
",
    )
    .unwrap();
    let text = crate::lang::unparse::unparse(&m);
    assert!(text.contains("[*a, *(a or a)]"), "{text}");
    assert!(text.contains("{**b, 1: 2, **(b or b)}"), "{text}");
    assert_eq!(parse_program(&text).unwrap(), m, "{text}");
    // An assignment unpacks into attributes and subscripts; a loop
    // or a comprehension does not.
    assert!(parse_program("x = [1]\nx.y, (z, x[0]) = 2, (3, 4)\n").is_ok());
    let e = parse_program("x = [1]\nfor x[0], z in [(1, 2)]:\n    pass\n").unwrap_err();
    assert_eq!((e.line, e.col), (2, 5));
    assert!(e.message.contains("not a name"), "{e}");
    let e = parse_program("x = [1]\nprint([1 for x.y, z in [(1, 2)]])\n").unwrap_err();
    assert!(e.message.contains("not a name"), "{e}");
    // Attribute stores are statements; lambdas are not in the language.
    assert!(parse_program("x = [1]\nx.y = 2\n").is_ok());
    assert!(parse_program("x = [1]\nprint(x.append)\n").is_ok());
    let e = parse_program("f = [lambda: x for x in y]\n").unwrap_err();
    assert!(
        e.message
            .contains("lambda in a comprehension reading its variable `x`"),
        "{e}"
    );
    let e = parse_program("f = [(lambda: x + 1) for x in y if x]\n").unwrap_err();
    assert!(e.message.contains("reading its variable `x`"), "{e}");
    let e = parse_program("f = [[lambda: k for x in y] for k in z]\n").unwrap_err();
    assert!(e.message.contains("reading its variable `k`"), "{e}");
    // Its own parameters, its defaults and other names are fine.
    assert!(parse_program("f = [lambda x, k=x: x + k + n for x in y]\n").is_ok());
    // Star unpacking: one starred target per level, never alone.
    assert!(parse_program("a, *b = [1]\nfor c, *d in [[1]]:\n    pass\n").is_ok());
    let e = parse_program("a, *b, *c = [1]\n").unwrap_err();
    assert!(e.message.contains("multiple starred"), "{e}");
    let e = parse_program("del (a, *b)\n").unwrap_err();
    assert!(e.message.contains("delete"), "{e}");
    assert!(
        parse_program("x = 1j")
            .unwrap_err()
            .message
            .contains("complex")
    );
    assert_eq!(
        parse_program("x = 1.5e3 / 2 ** 1e309").unwrap().body.len(),
        1,
        "floats, `/` and `**` are in the language"
    );
    assert!(
        parse_program("print(1, file=None)")
            .unwrap_err()
            .message
            .contains("keyword")
    );
    // The keywords a builtin takes that the language implements.
    for good in [
        "print(1, flush=True)",
        "int('5', base=2)",
        "sum([1], start=f)",
        "enumerate(xs, start=1)",
        "round(x, ndigits=2)",
        "pow(2, 3, mod=5)",
    ] {
        assert!(parse_program(good).is_ok(), "{good}");
    }
    // Keywords go to any callee (builtins reject them at run time),
    // but not the ones a builtin takes that the language lacks.
    assert!(parse_program("len([1], sep='')").is_ok());
    assert!(parse_program("print(1, sep='', end='')").is_ok());
    assert!(parse_program("def print(a, sep):\n    pass\nprint(1, sep=2)\n").is_ok());
    assert!(parse_program("f(1, b=2, a=3)").is_ok());
    assert!(parse_program("f(*xs, **d)\nx.m(1, *t, k=2)\ndef g(a, *b, **c):\n    pass\n").is_ok());
    // A method's keywords: its bound method called with `CALL_KW`.
    assert!(parse_program("x.f(a=1)").is_ok());
    // Keyword-only parameters, after `*` or `*args`, with or without
    // defaults, in any order.
    for good in [
        "def f(*, a):\n    pass\n",
        "def f(a, b=1, *args, k, q=2, r, **kw):\n    pass\n",
        "class C:\n    def m(self, *, k=1):\n        return k\n",
    ] {
        assert!(parse_program(good).is_ok(), "{good}");
    }
    for (bad, what) in [
        ("str(object=1)", "`str`"),
        ("dict({}, a=1)", "`dict`"),
        ("def f(a, /):\n    pass\n", "positional-only parameters"),
        ("g = lambda **k: k", "in a lambda"),
        ("g = lambda *, k: k", "keyword-only parameters in a lambda"),
    ] {
        let e = parse_program(bad).unwrap_err();
        assert!(e.message.contains("unsupported"), "{bad}: {e}");
        assert!(e.message.contains(what), "{bad}: {e}");
    }
    for (bad, message) in [
        (
            "def f(a, *, a):\n    pass\n",
            "SyntaxError: duplicate argument 'a' in function definition",
        ),
        (
            "def f(*k, k):\n    pass\n",
            "SyntaxError: duplicate argument 'k' in function definition",
        ),
        (
            "def f(*, k, **k):\n    pass\n",
            "SyntaxError: duplicate argument 'k' in function definition",
        ),
    ] {
        assert_eq!(parse_program(bad).unwrap_err().message, message, "{bad}");
    }
    let e = parse_program("f(a=1, a=2)").unwrap_err();
    assert_eq!(e.message, "SyntaxError: keyword argument repeated: a");
    assert_eq!((e.line, e.col), (1, 8));
}

#[test]
fn imports_only_math() {
    let m = parse_program("import math\nfrom math import sqrt, pi as p\nimport math as m\n");
    assert_eq!(m.unwrap().body.len(), 3);
    // `import a, b as c` is one import after the other.
    let m = parse_program("import math, random as r\n").unwrap();
    assert_eq!(
        m.body,
        vec![
            Stmt::Import {
                module: "math".into(),
                name: "math".into()
            },
            Stmt::Import {
                module: "random".into(),
                name: "r".into()
            },
        ]
    );
    for (bad, what) in [
        ("import os", "module `os`"),
        ("import math, os", "module `os`"),
        ("from os import path", "other than `math`"),
        ("from math import tau", "`from math import tau`"),
        ("from math import *", "`from math import *`"),
        ("from . import math", "other than `math`"),
    ] {
        let e = parse_program(bad).unwrap_err();
        assert!(e.message.contains(what), "{bad}: {e}");
        assert_eq!(e.line, 1);
    }
}

/// `with` is lowered to PEP 343's statements (`parse_with.rs`); what the
/// lowering cannot keep equal to CPython is refused.
#[test]
fn with_statements_lower_or_are_refused() {
    let m = parse_program("class C:\n    def __enter__(self):\n        return 1\n    def __exit__(self, *a):\n        pass\nwith C() as x, C():\n    print(x)\n").unwrap();
    let text = crate::lang::unparse::unparse(&m);
    assert!(text.contains("__jd_with0_mgr = C()"), "{text}");
    assert!(text.contains("__jd_with1_mgr = C()"), "{text}");
    assert!(
        text.contains("except BaseException as __jd_with1_exc:"),
        "{text}"
    );
    assert_eq!(parse_program(&text).unwrap(), m, "{text}");
    for (bad, what) in [
        (
            "def g(m):\n    with m:\n        yield 1\n",
            "yield inside a with statement",
        ),
        (
            "type = 1\nwith m:\n    pass\n",
            "`with` in a program that binds `type`",
        ),
        (
            "def f(hasattr):\n    pass\nwith m:\n    pass\n",
            "binds `hasattr`",
        ),
    ] {
        let e = parse_program(bad).unwrap_err();
        assert!(e.message.contains(what), "{bad}: {e}");
    }
}

/// `...` as a statement (a stub's body, in a function or a class) is
/// `pass`; Ellipsis as a value stays outside the language.
#[test]
fn an_ellipsis_statement_is_pass() {
    let m = parse_program("def f():\n    ...\nclass C:\n    ...\n").unwrap();
    assert_eq!(
        crate::lang::unparse::unparse(&m),
        "def f():\n    pass\nclass C:\n    pass\n"
    );
    for bad in ["x = ...\n", "print(...)\n", "def f():\n    return ...\n"] {
        let e = parse_program(bad).expect_err(bad).to_string();
        assert!(e.contains("Ellipsis"), "{bad:?}: {e}");
    }
}

#[test]
fn yield_inside_try_is_accepted_only_where_closing_the_generator_shows_nothing() {
    for good in [
        "def g(xs):\n    for x in xs:\n        try:\n            yield int(x)\n        except ValueError:\n            pass\n",
        "def g():\n    try:\n        yield 1\n    except (KeyError, E) as e:\n        print(e)\n    else:\n        yield 2\n",
        "def g():\n    try:\n        pass\n    except E:\n        pass\n    else:\n        yield 2\n",
        "def g():\n    try:\n        try:\n            yield 1\n        except E:\n            pass\n    except F:\n        pass\n",
    ] {
        parse_program(good).unwrap_or_else(|e| panic!("{good:?}: {e}"));
    }
    for (bad, why) in [
        (
            "def g():\n    try:\n        yield 1\n    except:\n        pass\n",
            "could catch GeneratorExit",
        ),
        (
            "def g():\n    try:\n        yield 1\n    except E:\n        pass\nE = BaseException\n",
            "could catch GeneratorExit",
        ),
        (
            "def g():\n    try:\n        yield 1\n    except GeneratorExit:\n        pass\n",
            "could catch GeneratorExit",
        ),
        (
            "def g():\n    try:\n        yield 1\n    except pick():\n        pass\n",
            "could catch GeneratorExit",
        ),
        (
            "def g():\n    try:\n        yield 1\n    finally:\n        pass\n",
            "with a finally block",
        ),
        (
            "def g():\n    try:\n        pass\n    except E:\n        pass\n    else:\n        yield 1\n    finally:\n        pass\n",
            "with a finally block",
        ),
        (
            "def g():\n    try:\n        pass\n    except E:\n        yield 1\n",
            "inside an except block",
        ),
        (
            "def g():\n    try:\n        pass\n    except E:\n        try:\n            yield 1\n        except F:\n            pass\n",
            "inside an except block",
        ),
        (
            "def g():\n    try:\n        try:\n            yield 1\n        except E:\n            pass\n    finally:\n        pass\n",
            "with a finally block",
        ),
    ] {
        let e = parse_program(bad).expect_err(bad).to_string();
        assert!(e.contains(why), "{bad:?}: {e}");
    }
    // A function nested in a handler is code of its own.
    parse_program(
        "def f():\n    try:\n        pass\n    except E:\n        def g():\n            yield 1\n",
    )
    .unwrap();
}

#[test]
fn rejects_cpython_syntax_errors() {
    assert!(
        parse_program("break\n")
            .unwrap_err()
            .message
            .contains("outside loop")
    );
    assert!(
        parse_program("return 1\n")
            .unwrap_err()
            .message
            .contains("outside function")
    );
    let e = parse_program("def f():\n    x = 1\n    global x\n").unwrap_err();
    assert!(e.message.contains("assigned to before global"), "{e}");
    assert!(parse_program("def f(a):\n    global a\n").is_err());
    // `def` resets the loop context: break in a function in a loop is an error.
    assert!(parse_program("while 1:\n    def f():\n        break\n").is_err());
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for src in [
        "def (:",
        "\u{0}\u{1}",
        "x = = 1",
        "if 1:\nprint(2)",
        "))))",
        "\t\t x",
    ] {
        assert!(parse_program(src).is_err(), "{src:?}");
    }
}

/// Hostile shapes get a clear error with a position, never a stack
/// overflow (in the parser, the lowering, or the drop of ruff's tree),
/// and what CPython accepts at the edge is still accepted.
#[test]
fn hostile_input_is_a_clear_error_and_the_edges_cpython_accepts_pass() {
    let err = |src: &str| parse_program(src).unwrap_err();
    let chain = |n: usize| format!("x = {}1\n", "1+".repeat(n));
    assert!(parse_program(&chain(900)).is_ok());
    let e = err(&chain(200_000));
    assert!(e.message.contains("nested deeper than 1000"), "{e}");
    let unary = format!("x = {}1\n", "-".repeat(1_000_000));
    assert!(err(&unary).message.contains("nested deeper"));
    // An unclosed million-deep list: a syntax error from the parser.
    let e = err(&format!("x = {}\n", "[".repeat(1_000_000)));
    assert!(e.message.starts_with("syntax error"), "{e}");
    let parens = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert!(parse_program(&parens(200)).is_ok());
    let e = err(&parens(201));
    assert_eq!((e.line, e.col), (1, 205), "{e}");
    assert!(e.message.contains("too many nested parentheses"), "{e}");
    let ifs = |n: usize| {
        let mut s = "x = 1\n".to_string();
        for i in 0..n {
            s += &format!("{}if x:\n", " ".repeat(i));
        }
        s + &format!("{}pass\n", " ".repeat(n))
    };
    assert!(parse_program(&ifs(99)).is_ok());
    let e = err(&ifs(100));
    assert_eq!(e.line, 102, "{e}");
    assert!(e.message.contains("too many levels of indentation"), "{e}");
    let elifs = |n: usize| {
        let mut s = "x = 5\nif x == 0:\n    pass\n".to_string();
        for i in 0..n {
            s += &format!("elif x == {i}:\n    pass\n");
        }
        s
    };
    assert!(parse_program(&elifs(900)).is_ok());
    assert!(err(&elifs(5000)).message.contains("nested deeper"));
    let e = err(&format!("x = {}\n", "9".repeat(4301)));
    assert!(e.message.contains("4301 digits"), "{e}");
    parse_program(&format!("x = {}\n", "9".repeat(4300))).unwrap();
    let e = err(&format!("x = 0x{}\n", "f".repeat(5000)));
    assert!(e.message.contains("wider than 14000 bits"), "{e}");
    let e = err(&format!("x = 1\n{}", "#".repeat(MAX_SOURCE_BYTES)));
    assert!(
        e.message.contains("larger than the front end accepts"),
        "{e}"
    );
    // A long but shallow line is fine.
    let wide = format!("print({})\n", vec!["1"; 20_000].join(", "));
    assert!(parse_program(&wide).is_ok());
}

/// An assignment expression lowers where it binds in the scope it runs in
/// (round-tripping through the printer, parenthesized), and is refused
/// with its position inside a generator expression, a lambda's body or a
/// class statement, and with CPython's SyntaxError where CPython raises
/// one; so is any binding of `__debug__`.
#[test]
fn assignment_expressions_lower_or_are_refused_where_cpython_binds_elsewhere() {
    let m = parse_program(
        "def f(xs):\n    while (n := len(xs)) > 2:\n        xs.pop()\n    ys = [y for x in xs if (y := x)]\n    return n, (k := 1) + k, y\nclass C:\n    def m(self):\n        return (y := 2) * y\ng = lambda x, k=(d := 1): x\n",
    )
    .unwrap();
    let text = crate::lang::unparse::unparse(&m);
    assert!(text.contains("while (n := len(xs)) > 2:"), "{text}");
    assert!(text.contains("if (y := x)]"), "{text}");
    assert_eq!(parse_program(&text).unwrap(), m, "{text}");
    for (src, what, line, col) in [
        (
            "g = (y for x in [1] if (y := x))\n",
            "unsupported construct: assignment expression in a generator expression (outside S0)",
            1,
            25,
        ),
        (
            "f = lambda: (y := 1)\n",
            "unsupported construct: assignment expression in a lambda (outside S0)",
            1,
            14,
        ),
        (
            "class C:\n    a = (b := 1)\n",
            "unsupported construct: assignment expression in a class statement (outside S0)",
            2,
            10,
        ),
        (
            "class C((b := object)):\n    pass\n",
            "in a class statement",
            1,
            10,
        ),
        (
            "print([x for x in [1] if (x := 2)])\n",
            "SyntaxError: assignment expression cannot rebind comprehension iteration variable 'x'",
            1,
            27,
        ),
        (
            "print([[(i := 1) for j in [0]] for i in [5]])\n",
            "cannot rebind comprehension iteration variable 'i'",
            1,
            10,
        ),
        (
            "print([y for y in ((z := 1),)])\n",
            "SyntaxError: assignment expression cannot be used in a comprehension iterable expression",
            1,
            21,
        ),
        (
            "(__debug__ := 1)\n",
            "SyntaxError: cannot assign to __debug__",
            1,
            2,
        ),
        (
            "def f(__debug__):\n    pass\n",
            "SyntaxError: cannot assign to __debug__",
            1,
            7,
        ),
        (
            "del __debug__\n",
            "SyntaxError: cannot delete __debug__",
            1,
            5,
        ),
    ] {
        let e = parse_program(src).unwrap_err();
        assert!(e.message.contains(what), "{src}: {e}");
        assert_eq!((e.line, e.col), (line, col), "{src}: {e}");
    }
}

/// The generator's parse (on the calling thread) gives what the front end's
/// parse gives, errors included, and a source too large for the calling
/// thread still parses (on the parser's own thread).
#[test]
fn generated_source_parses_as_any_program_does() {
    let big = "x = 1\n".repeat(20_000);
    for src in [
        "def f(a, b=2):\n    return a + b\nprint(f(1))\n",
        "for i in range(3):\n    print(i, end=' ')\n",
        "x = (1,\n",
        "class C:\n    def m(self):\n        return 1\n",
        big.as_str(),
    ] {
        assert_eq!(parse_generated(src), parse_program(src), "{src:.60}");
    }
}

/// `dict(a=1, b=x)` (keywords only, `dict` not bound by the program) is
/// the display `{'a': 1, 'b': x}`; any other keyword call of `dict` is
/// refused.
#[test]
fn dict_of_keywords_is_a_display() {
    let call = parse_program("x = 2\nprint(dict(a=1, b=x))\n").unwrap();
    let display = parse_program("x = 2\nprint({'a': 1, 'b': x})\n").unwrap();
    assert_eq!(call, display);
    for src in [
        "print(dict([(1, 2)], a=1))\n",
        "dict = 3\nprint(dict(a=1))\n",
        "def f(dict):\n    return dict(a=1)\n",
    ] {
        let err = parse_program(src).unwrap_err();
        assert!(
            err.message.contains("keyword argument `a` to `dict`"),
            "{src}: {}",
            err.message
        );
    }
}
