//! CPython builtins the language does not have. A program that reads
//! `id` or `vars` without binding it runs in CPython but
//! would raise NameError in every tier and in the reference alike: all
//! configurations would agree on an answer CPython never gives. So the
//! front end refuses such a read as outside S0, like any other construct
//! it does not support, and `jitdiff run` says which name it was.
//!
//! A name the program binds anywhere (an assignment, a `def`, a class, a
//! parameter, an import, a loop or `except` target, in any scope) is left
//! alone: the check is a lookup, not scope analysis, so it never refuses a
//! program whose own binding is what the read finds.

use ruff_python_ast as py;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::{Ranged, TextRange};

/// CPython 3.11's builtins (`dir(builtins)`, plus the module attributes
/// every script sees and 3.13's one new exception) that the language does
/// not define. `super`, `staticmethod`, `classmethod` and `property` are
/// handled where the front end lowers them. The test below checks this list against the
/// language's builtins and python3's.
pub const MISSING_BUILTINS: &[&str] = &[
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "ExceptionGroup",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyboardInterrupt",
    "MemoryError",
    "ModuleNotFoundError",
    "NotADirectoryError",
    "OSError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeWarning",
    "StopAsyncIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "Warning",
    "__build_class__",
    "__builtins__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "aiter",
    "anext",
    "ascii",
    "breakpoint",
    "bytearray",
    "bytes",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dir",
    "eval",
    "exec",
    "exit",
    "filter",
    "frozenset",
    "globals",
    "help",
    "id",
    "input",
    "license",
    "locals",
    "map",
    "memoryview",
    "object",
    "open",
    "quit",
    "slice",
    "vars",
];

/// Names read and names bound anywhere in a module.
#[derive(Default)]
struct Names<'a> {
    /// Reads of a missing builtin, in source order.
    reads: Vec<(&'a str, TextRange)>,
    bound: std::collections::BTreeSet<&'a str>,
    /// How many places bind each name (a `def`, a class, an assignment
    /// target, a parameter, an import, an `except ... as`).
    sites: std::collections::BTreeMap<&'a str, usize>,
    /// The first f-string: it is lowered to calls of `str` and `repr`
    /// (`parse_fstring.rs`), so the program must not rebind them.
    fstring: Option<TextRange>,
    /// The first f-string with a format spec, lowered to a call of
    /// `format` too.
    fstring_spec: Option<TextRange>,
}

impl<'a> Names<'a> {
    fn bind(&mut self, name: &'a str) {
        self.bound.insert(name);
        *self.sites.entry(name).or_default() += 1;
    }
}

impl<'a> Visitor<'a> for Names<'a> {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::FunctionDef(f) => {
                self.bind(f.name.as_str());
            }
            py::Stmt::ClassDef(c) => {
                self.bind(c.name.as_str());
                // `class C(object):` is S0 (the front end drops the base);
                // `object` anywhere else is not.
                for d in &c.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(args) = &c.arguments {
                    for base in args.args.iter() {
                        if !matches!(base, py::Expr::Name(n) if n.id.as_str() == "object") {
                            self.visit_expr(base);
                        }
                    }
                    for k in args.keywords.iter() {
                        self.visit_keyword(k);
                    }
                }
                self.visit_body(&c.body);
                return;
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        if let py::Expr::FString(f) = expr {
            self.fstring.get_or_insert(f.range());
            let has_spec = f.value.iter().any(|part| match part {
                py::FStringPart::FString(fs) => fs.elements.iter().any(|e| {
                    matches!(e, py::InterpolatedStringElement::Interpolation(i)
                        if i.format_spec.is_some())
                }),
                py::FStringPart::Literal(_) => false,
            });
            if has_spec {
                self.fstring_spec.get_or_insert(f.range());
            }
        }
        // `map(...)` and `filter(...)` calls are lowered to generator
        // expressions (`parse_calls.rs`): only their arguments are reads.
        if let py::Expr::Call(c) = expr
            && matches!(&*c.func, py::Expr::Name(n) if matches!(n.id.as_str(), "map" | "filter"))
        {
            self.visit_arguments(&c.arguments);
            return;
        }
        if let py::Expr::Name(n) = expr {
            let name = n.id.as_str();
            if n.ctx.is_load() {
                // Lowered to '__main__' where the program does not bind it.
                if name != "__name__" && MISSING_BUILTINS.binary_search(&name).is_ok() {
                    self.reads.push((name, n.range()));
                }
            } else {
                self.bind(name);
            }
        }
        visitor::walk_expr(self, expr);
    }

    // Annotations are dropped or refused (`parse_annotations.rs`): the
    // lowered program never reads them.
    fn visit_annotation(&mut self, _: &'a py::Expr) {}

    fn visit_parameter(&mut self, parameter: &'a py::Parameter) {
        self.bind(parameter.name.as_str());
        visitor::walk_parameter(self, parameter);
    }

    fn visit_alias(&mut self, alias: &'a py::Alias) {
        let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
        // `import a.b` binds `a`.
        self.bind(name.split('.').next().unwrap_or(name));
    }

    fn visit_except_handler(&mut self, handler: &'a py::ExceptHandler) {
        let py::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name {
            self.bind(name.as_str());
        }
        visitor::walk_except_handler(self, handler);
    }
}

/// Whether any of `names` occurs as a name anywhere in the module (read or
/// bound, in any scope).
pub fn mentions_any(body: &[py::Stmt], names: &[&str]) -> bool {
    struct Finder<'n> {
        names: &'n [&'n str],
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a py::Expr) {
            if let py::Expr::Name(n) = expr
                && self.names.contains(&n.id.as_str())
            {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        names,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

/// Every name the module binds anywhere (in any scope), as
/// [`first_missing_builtin`] counts bindings.
pub fn bound_names(body: &[py::Stmt]) -> std::collections::BTreeSet<String> {
    let mut names = Names::default();
    names.visit_body(body);
    names.bound.iter().map(|s| s.to_string()).collect()
}

/// The names the module's global scope binds: bindings at module level
/// (inside `if`, loops, `with` and `try` too, a `def`'s or a class's own
/// name, imports, `except ... as`, `del`) and every name a `global`
/// statement declares, in any function or class. What code defined at
/// module level reads of the builtins can only change through these: a
/// function's locals, a class body's attributes and a comprehension's
/// variables are not globals.
pub fn module_bound_names(body: &[py::Stmt]) -> std::collections::BTreeSet<String> {
    let mut names = ModuleNames::default();
    names.visit_body(body);
    names.bound
}

#[derive(Default)]
struct ModuleNames {
    bound: std::collections::BTreeSet<String>,
    /// Inside a function, a class body or a lambda: only `global`
    /// declarations count.
    nested: usize,
}

impl<'a> Visitor<'a> for ModuleNames {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::Global(g) => {
                self.bound.extend(g.names.iter().map(|n| n.to_string()));
            }
            py::Stmt::FunctionDef(f) => {
                if self.nested == 0 {
                    self.bound.insert(f.name.to_string());
                }
                self.nested += 1;
                self.visit_body(&f.body);
                self.nested -= 1;
            }
            py::Stmt::ClassDef(c) => {
                if self.nested == 0 {
                    self.bound.insert(c.name.to_string());
                }
                self.nested += 1;
                self.visit_body(&c.body);
                self.nested -= 1;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        match expr {
            // Their variables are their own scope's (the front end refuses
            // an assignment expression there, the one way out).
            py::Expr::Lambda(_)
            | py::Expr::ListComp(_)
            | py::Expr::SetComp(_)
            | py::Expr::DictComp(_)
            | py::Expr::Generator(_) => {}
            py::Expr::Name(n) if !n.ctx.is_load() && self.nested == 0 => {
                self.bound.insert(n.id.to_string());
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_alias(&mut self, alias: &'a py::Alias) {
        if self.nested == 0 {
            let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            self.bound
                .insert(name.split('.').next().unwrap_or(name).to_string());
        }
    }

    fn visit_except_handler(&mut self, handler: &'a py::ExceptHandler) {
        let py::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name
            && self.nested == 0
        {
            self.bound.insert(name.to_string());
        }
        visitor::walk_except_handler(self, handler);
    }
}

/// How many places in the module (any scope) bind each name.
pub fn binding_sites(body: &[py::Stmt]) -> std::collections::BTreeMap<String, usize> {
    let mut names = Names::default();
    names.visit_body(body);
    names
        .sites
        .iter()
        .map(|(n, c)| (n.to_string(), *c))
        .collect()
}

/// The first read of a CPython builtin the language lacks and the program
/// does not bind (or an f-string in a program that binds `str` or `repr`,
/// or one with a format spec in a program that binds `format`): what it
/// is and where.
pub fn first_missing_builtin(body: &[py::Stmt]) -> Option<(String, TextRange)> {
    let mut names = Names::default();
    // A module docstring binds `__doc__` (in S0, as in CPython).
    if let Some(py::Stmt::Expr(e)) = body.first()
        && matches!(*e.value, py::Expr::StringLiteral(_))
    {
        names.bound.insert("__doc__");
    }
    names.visit_body(body);
    if let Some((name, range)) = names
        .reads
        .iter()
        .find(|(name, _)| !names.bound.contains(name))
    {
        return Some((format!("builtin `{name}`"), *range));
    }
    let rebound = ["str", "repr"]
        .into_iter()
        .find(|n| names.bound.contains(n));
    if let (Some(range), Some(name)) = (names.fstring, rebound) {
        return Some((format!("f-string in a program that binds `{name}`"), range));
    }
    match (names.fstring_spec, names.bound.contains("format")) {
        (Some(range), true) => Some((
            "f-string with a format spec in a program that binds `format`".into(),
            range,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_program;
    use crate::runtime::value::BUILTINS;

    #[test]
    fn the_list_is_sorted_and_disjoint_from_the_languages_builtins() {
        assert!(MISSING_BUILTINS.windows(2).all(|w| w[0] < w[1]));
        for (name, _) in BUILTINS {
            assert!(!MISSING_BUILTINS.contains(&name), "{name}");
        }
    }

    /// Every builtin of the python3 here is either the language's or in
    /// the list (needs python3, like every CPython comparison).
    #[test]
    fn every_cpython_builtin_is_known() {
        let out = std::process::Command::new("python3")
            .args(["-c", "import builtins\nprint('\\n'.join(dir(builtins)))"])
            .output()
            .expect("python3 is required for this test (run ci/setup)");
        assert!(out.status.success());
        let special = [
            "super",
            "staticmethod",
            "classmethod",
            "property",
            "True",
            "False",
            "None",
        ];
        let unknown: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|n| !n.starts_with('_') || MISSING_BUILTINS.contains(n))
            .filter(|n| {
                !MISSING_BUILTINS.contains(n)
                    && !special.contains(n)
                    && !BUILTINS.iter().any(|(b, _)| b == n)
            })
            .map(String::from)
            .collect();
        assert!(
            unknown.is_empty(),
            "builtins neither supported nor refused: {unknown:?}"
        );
    }

    #[test]
    fn a_read_of_a_missing_builtin_is_refused_where_it_is() {
        let err = parse_program("x = [1, 2]\nprint(id(x))\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 7));
        assert_eq!(
            err.message,
            "unsupported construct: builtin `id` (outside S0)"
        );
        // `__name__` is the module's: '__main__', unless the program binds
        // the name itself.
        let m = parse_program("if __name__ == '__main__':\n    print(1)\n").unwrap();
        assert!(
            crate::lang::unparse::unparse(&m).starts_with("if '__main__' == '__main__':"),
            "{m:?}"
        );
        let m = parse_program("__name__ = 'x'\nprint(__name__)\n").unwrap();
        assert!(crate::lang::unparse::unparse(&m).ends_with("print(__name__)\n"));
        let err = parse_program("class P(object):\n    x = object()\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 9));
        let err = parse_program("try:\n    pass\nexcept OSError:\n    pass\n").unwrap_err();
        assert!(err.message.contains("`OSError`"), "{}", err.message);
    }

    #[test]
    fn a_name_the_program_binds_is_its_own() {
        for src in [
            "def any(x):\n    return 1\nprint(any([]))\n",
            "all = 3\nprint(all)\n",
            "def f(type):\n    return type\nprint(f(2))\n",
            "for map in range(2):\n    print(map)\n",
            "class bool:\n    pass\nprint(bool is bool)\n",
            "class P(object):\n    pass\nprint(P)\n",
            "import math as hex\nprint(hex.pi)\n",
            "try:\n    1 / 0\nexcept ZeroDivisionError as id:\n    print(1)\nprint(2)\n",
            "def f():\n    global pow\n    pow = 2\nf()\nprint(pow)\n",
            "print([1 for filter in range(2)])\n",
            "'''Doc.'''\nprint(__doc__)\n",
        ] {
            assert!(
                parse_program(src).is_ok(),
                "{src}: {:?}",
                parse_program(src)
            );
        }
    }
}
