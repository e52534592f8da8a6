//! Lowering of calls (positional and keyword arguments) and of `import`
//! statements: the modules are `math` and `array` (whose `array` type is
//! all `import array` gives).

use ruff_python_ast as py;
use ruff_text_size::Ranged;

use super::{Lowering, R};
use crate::lang::ast::*;
use crate::lang::bytecode::{MAX_CALL_ARGS, MAX_KW_NAMES};

/// Keywords CPython's builtins accept, which the language does not
/// implement: a direct call by the builtin's name with one is refused.
/// (`print`'s `sep`, `end` and `flush` are implemented, and so are the
/// keywords naming the trailing parameters of `enumerate`, `sum`, `int`,
/// `round` and `pow`: `tier1::calls::keywords_as_positional`.)
const BUILTIN_KEYWORDS: &[(&str, &[&str])] = &[
    ("str", &["object", "encoding", "errors"]),
    ("print", &["file"]),
];

/// Builtins that consume an iterable argument whole before they return,
/// keeping no reference to it.
const CONSUMERS: &[&str] = &[
    "sum", "min", "max", "any", "all", "list", "tuple", "set", "sorted", "dict",
];

impl Lowering<'_> {
    /// `dict(a=1, b=x)`, keywords only, is the display `{'a': 1, 'b': x}`:
    /// the values evaluated left to right, the same dict (the caller has
    /// checked that the program does not bind `dict`). None for any other
    /// call of `dict`.
    fn dict_of_keywords(&self, c: &py::ExprCall) -> R<Option<Expr>> {
        let keywords = &c.arguments.keywords;
        if !c.arguments.args.is_empty()
            || keywords.is_empty()
            || keywords
                .iter()
                .any(|k| k.arg.as_ref().is_none_or(|a| !a.id.is_ascii()))
        {
            return Ok(None);
        }
        let mut pairs: Vec<(Expr, Expr)> = Vec::with_capacity(keywords.len());
        for k in keywords.iter() {
            let name = k.arg.as_ref().map(|a| a.id.to_string()).unwrap_or_default();
            if pairs.iter().any(|(key, _)| *key == Expr::Str(name.clone())) {
                return Err((self.err_at)(
                    k.range(),
                    format!("SyntaxError: keyword argument repeated: {name}"),
                ));
            }
            pairs.push((Expr::Str(name), self.expr(&k.value)?));
        }
        Ok(Some(Expr::Dict(pairs)))
    }

    pub(super) fn call(&self, c: &py::ExprCall) -> R<Expr> {
        if matches!(&*c.func, py::Expr::Name(n) if n.id.as_str() == "super") {
            return Err(self.unsupported(c, "super() other than as `super().name`"));
        }
        let callee = match &*c.func {
            py::Expr::Name(n) => Some(n.id.as_str()),
            _ => None,
        };
        if callee == Some("dict")
            && !self.bound_names.contains("dict")
            && let Some(display) = self.dict_of_keywords(c)?
        {
            return Ok(display);
        }
        let mut keywords: Vec<Keyword> = Vec::new();
        for k in c.arguments.keywords.iter() {
            let Some(arg) = k.arg.as_ref().map(|a| a.id.to_string()) else {
                keywords.push(Keyword {
                    arg: None,
                    value: self.expr(&k.value)?,
                });
                continue;
            };
            if keywords.iter().any(|x| x.arg.as_ref() == Some(&arg)) {
                return Err((self.err_at)(
                    k.range(),
                    format!("SyntaxError: keyword argument repeated: {arg}"),
                ));
            }
            if let Some(f) = callee
                && (f == "dict"
                    || BUILTIN_KEYWORDS
                        .iter()
                        .any(|(b, names)| *b == f && names.contains(&arg.as_str())))
            {
                return Err(self.unsupported(k, &format!("keyword argument `{arg}` to `{f}`")));
            }
            keywords.push(Keyword {
                arg: Some(arg),
                value: self.expr(&k.value)?,
            });
        }
        // `sum(genexp)`, `''.join(genexp)`: a builtin consuming its one
        // argument at once (see `Lowering::generator_exp`).
        let consumer = match &*c.func {
            py::Expr::Name(n) => {
                CONSUMERS.contains(&n.id.as_str()) && !self.bound_names.contains(n.id.as_str())
            }
            py::Expr::Attribute(at) => {
                at.attr.id.as_str() == "join" && matches!(&*at.value, py::Expr::StringLiteral(_))
            }
            _ => false,
        };
        if consumer
            && c.arguments.keywords.is_empty()
            && let [py::Expr::Generator(_)] = &c.arguments.args[..]
        {
            self.genexp_consumed.set(true);
        }
        let mut args = Vec::new();
        for a in c.arguments.args.iter() {
            args.push(match a {
                py::Expr::Starred(s) => Expr::Starred(Box::new(self.expr(&s.value)?)),
                _ => self.expr(a)?,
            });
        }
        if let Some(name @ ("map" | "filter")) = callee
            && !self.bound_names.contains(name)
        {
            return self.lazy_builtin(c, name, args, keywords);
        }
        // `f(*xs, **kw)`: CALL_FUNCTION_EX, whose arguments are built at
        // run time (any callee, methods included).
        let unpacks = args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || keywords.iter().any(|k| k.arg.is_none());
        if unpacks {
            return Ok(Expr::Call {
                func: Box::new(self.expr(&c.func)?),
                args,
                keywords,
            });
        }
        if !keywords.is_empty() {
            if args.len() > MAX_CALL_ARGS || keywords.len() > MAX_CALL_ARGS {
                return Err(self.unsupported(c, "more than 255 arguments in a call with keywords"));
            }
            self.kw_calls.set(self.kw_calls.get() + 1);
            if self.kw_calls.get() > MAX_KW_NAMES {
                return Err(self.unsupported(c, "this many calls with keyword arguments"));
            }
        }
        Ok(match &*c.func {
            // `itertools.product(xs, repeat=2)`: a call of the function
            // `stdlib::lower` puts in its place, keywords and all.
            py::Expr::Attribute(at) if self.stdlib.is_module(&at.value) => Expr::Call {
                func: Box::new(self.expr(&c.func)?),
                args,
                keywords,
            },
            py::Expr::Attribute(at) if keywords.is_empty() => Expr::MethodCall {
                receiver: Box::new(self.receiver(&at.value)?),
                method: self.attribute_name(at)?,
                args,
            },
            // `obj.m(x, k=v)`: the bound method read, then called with
            // keywords (CALL_KW), as `f = obj.m; f(x, k=v)` runs. The order
            // is CPython's: the receiver and the method first, then the
            // arguments. What a builtin method does with keywords is
            // `tier1::calls::call_kw`'s (and the reference's) to answer.
            func => Expr::Call {
                func: Box::new(self.expr(func)?),
                args,
                keywords,
            },
        })
    }

    /// `map(f, it, ...)` and `filter(f, it)` of the builtins, lowered to
    /// the generator expressions that iterate alike:
    ///
    /// ```text
    /// map(F, X)        (map_fn(map_x) for map_fn, map_it in [(F, iter(X))] for map_x in map_it)
    /// map(F, X, Y...)  (map_fn(*map_x) for map_fn, map_it in [(F, zip(X, Y...))] for map_x in map_it)
    /// filter(F, X)     (map_x for map_fn, map_it in [(F, iter(X))] for map_x in map_it
    ///                   if (map_x if map_fn is None else map_fn(map_x)))
    /// ```
    ///
    /// The first iterable runs where the call is, so `F` and the
    /// iterables are evaluated and `iter()`'d left to right at once, as
    /// `map_new` does, and a non-iterable raises there; items are pulled
    /// and `F` called one at a time, shortest iterable first to end. What
    /// differs from CPython's objects: the value is a generator (its type
    /// and repr say so), and `F` raising StopIteration ends it with
    /// PEP 479's RuntimeError where CPython's map would end the loop.
    fn lazy_builtin(
        &self,
        c: &py::ExprCall,
        name: &str,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    ) -> R<Expr> {
        if !keywords.is_empty() || args.iter().any(|a| matches!(a, Expr::Starred(_))) {
            return Err(self.unsupported(c, &format!("`{name}` with keyword or starred arguments")));
        }
        let needs = if name == "map" { "zip" } else { "iter" };
        if let Some(b) = ["iter", needs]
            .iter()
            .find(|b| self.bound_names.contains(**b))
        {
            return Err(self.unsupported(c, &format!("`{name}` in a program that binds `{b}`")));
        }
        let expected_ok = if name == "map" {
            args.len() >= 2
        } else {
            args.len() == 2
        };
        if !expected_ok {
            return Err(self.unsupported(c, &format!("`{name}` with {} argument(s)", args.len())));
        }
        let mut args = args.into_iter();
        let f = args.next().unwrap_or(Expr::None);
        Ok(lower_lazy_builtin(name, f, args.collect()))
    }

    /// `import math` or `import math as m` (`array` and `random` alike),
    /// one module each (`block` splits `import a, b`).
    pub(super) fn import(&self, i: &py::StmtImport, s: &py::Stmt) -> R<Stmt> {
        let [alias] = &i.names[..] else {
            return Err(self.unsupported(s, "import of several modules in one statement"));
        };
        let module = alias.name.id.to_string();
        let stdlib = super::stdlib::Lib::of(&module).is_some();
        if !stdlib && !matches!(module.as_str(), "math" | "array" | "random") {
            return Err(self.unsupported(alias, &format!("import of module `{module}`")));
        }
        let name = alias
            .asname
            .as_ref()
            .map_or(module.clone(), |a| a.id.to_string());
        Ok(Stmt::Import { module, name })
    }

    /// `from math import sqrt, pi as p` (`random` alike): names the module
    /// has.
    pub(super) fn import_from(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> R<Stmt> {
        let module = i.module.as_ref().map(|m| m.id.to_string());
        let stdlib = |m: &str| super::stdlib::Lib::of(m).is_some();
        let Some(module) =
            module.filter(|m| (m == "math" || m == "random" || stdlib(m)) && i.level == 0)
        else {
            return Err(self.unsupported(
                s,
                "import from a module other than `math`, `random`, `heapq`, `functools`, `itertools`, `bisect`, \
                 `operator`, `dataclasses`, `typing` or `collections.abc`",
            ));
        };
        // The names were checked by `stdlib::plan`; `stdlib::lower` drops
        // the statement.
        if stdlib(&module) {
            let names = i
                .names
                .iter()
                .map(|a| {
                    let attr = a.name.id.to_string();
                    let name = a.asname.as_ref().map_or(attr.clone(), |n| n.id.to_string());
                    (attr, name)
                })
                .collect();
            return Ok(Stmt::ImportFrom { module, names });
        }
        let mut names = Vec::new();
        for alias in i.names.iter() {
            let attr = alias.name.id.to_string();
            let known = if module == "random" {
                crate::runtime::random::FUNCTIONS
                    .iter()
                    .any(|(n, _)| *n == attr)
            } else {
                crate::runtime::math::FUNCTIONS
                    .iter()
                    .any(|(n, _)| *n == attr)
                    || crate::runtime::math::CONSTANTS
                        .iter()
                        .any(|(n, _)| *n == attr)
            };
            if !known {
                return Err(self.unsupported(alias, &format!("`from {module} import {attr}`")));
            }
            let name = alias
                .asname
                .as_ref()
                .map_or(attr.clone(), |a| a.id.to_string());
            names.push((attr, name));
        }
        Ok(Stmt::ImportFrom { module, names })
    }
}

/// The generator expression `map(f, *iterables)` (`name` "map") or
/// `filter(f, iterable)` (any other `name`) is lowered to (see
/// [`Lowering::lazy_builtin`]); `unparse` writes an expression equal to
/// one of these back as the call.
pub(crate) fn lower_lazy_builtin(name: &str, f: Expr, iterables: Vec<Expr>) -> Expr {
    let n = |s: &str| Expr::Name(s.to_string());
    let call = |f: Expr, args: Vec<Expr>| Expr::Call {
        func: Box::new(f),
        args,
        keywords: vec![],
    };
    let (source, item) = if iterables.len() == 1 {
        (call(n("iter"), iterables), n("map_x"))
    } else {
        (
            call(n("zip"), iterables),
            Expr::Starred(Box::new(n("map_x"))),
        )
    };
    let first = Comprehension {
        target: Target::Unpack(vec![
            Target::Name("map_fn".into()),
            Target::Name("map_it".into()),
        ]),
        iter: Expr::List(vec![Expr::Tuple(vec![f, source])]),
        ifs: vec![],
    };
    let mut second = Comprehension {
        target: Target::Name("map_x".into()),
        iter: n("map_it"),
        ifs: vec![],
    };
    let elt = if name == "map" {
        call(n("map_fn"), vec![item])
    } else {
        second.ifs.push(Expr::IfExp {
            test: Box::new(Expr::Compare {
                left: Box::new(n("map_fn")),
                ops: vec![CmpOp::Is],
                comparators: vec![Expr::None],
            }),
            body: Box::new(n("map_x")),
            orelse: Box::new(call(n("map_fn"), vec![n("map_x")])),
        });
        n("map_x")
    };
    Expr::GeneratorExp {
        elt: Box::new(elt),
        generators: vec![first, second],
    }
}

/// The call a generator expression was lowered from, when it is exactly
/// [`lower_lazy_builtin`]'s: (`"map"` or `"filter"`, f, iterables).
pub(crate) fn lazy_builtin_call(e: &Expr) -> Option<(&'static str, &Expr, &[Expr])> {
    let Expr::GeneratorExp { generators, .. } = e else {
        return None;
    };
    let Expr::List(items) = &generators.first()?.iter else {
        return None;
    };
    let [Expr::Tuple(pair)] = &items[..] else {
        return None;
    };
    let [f, Expr::Call { args, .. }] = &pair[..] else {
        return None;
    };
    ["map", "filter"]
        .into_iter()
        .find(|name| lower_lazy_builtin(name, f.clone(), args.clone()) == *e)
        .map(|name| (name, f, &args[..]))
}

#[cfg(test)]
mod tests {
    use crate::lang::parse_program;
    use crate::lang::unparse::unparse;

    #[test]
    fn map_and_filter_lower_to_generator_expressions() {
        let pairs = [
            (
                "a = map(f, xs)\n",
                "a = (map_fn(map_x) for map_fn, map_it in [(f, iter(xs))] for map_x in map_it)\n",
            ),
            (
                "b = map(g, xs, ys)\n",
                "b = (map_fn(*map_x) for map_fn, map_it in [(g, zip(xs, ys))] for map_x in map_it)\n",
            ),
            (
                "c = filter(None, zs)\n",
                "c = (map_x for map_fn, map_it in [(None, iter(zs))] for map_x in map_it if (map_x if map_fn is None else map_fn(map_x)))\n",
            ),
        ];
        for (call, genexp) in pairs {
            let m = parse_program(call).unwrap();
            assert_eq!(m, parse_program(genexp).unwrap(), "{call}");
            // Written back as the call, which reads back the same.
            assert_eq!(unparse(&m), call);
        }
        // A near miss is written as the generator expression it is.
        let near = "d = (map_fn(map_x) for map_fn, map_it in [(f, iter(xs))] for map_x in ys)\n";
        assert_eq!(unparse(&parse_program(near).unwrap()), near);
    }

    #[test]
    fn map_and_filter_outside_the_lowering_are_refused_or_the_programs_own() {
        for (src, what) in [
            ("m = map\n", "builtin `map`"),
            ("print(map(f))\n", "`map` with 1 argument(s)"),
            ("print(filter(f, a, b))\n", "`filter` with 3 argument(s)"),
            ("print(map(f, *xs))\n", "keyword or starred"),
            ("print(map(f, xs, strict=True))\n", "keyword or starred"),
            ("zip = 5\nprint(map(f, a, b))\n", "binds `zip`"),
            (
                "def iter(x):\n    pass\nprint(filter(f, a))\n",
                "binds `iter`",
            ),
        ] {
            let e = parse_program(src).unwrap_err();
            assert!(e.message.contains(what), "{src}: {e}");
        }
        // A program's own `map` is what its calls call.
        let m = parse_program("def map(f, x):\n    return 1\nprint(map(f, x))\n").unwrap();
        assert!(unparse(&m).contains("print(map(f, x))"), "{}", unparse(&m));
    }
}
