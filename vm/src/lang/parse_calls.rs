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

impl Lowering<'_> {
    pub(super) fn call(&self, c: &py::ExprCall) -> R<Expr> {
        if matches!(&*c.func, py::Expr::Name(n) if n.id.as_str() == "super") {
            return Err(self.unsupported(c, "super() other than as `super().name`"));
        }
        let callee = match &*c.func {
            py::Expr::Name(n) => Some(n.id.as_str()),
            _ => None,
        };
        // `xs.sort(key=f, reverse=r)` and `s.format(x=v)`: the methods
        // with keywords, called as bound methods.
        let is_sort_method = matches!(&*c.func,
            py::Expr::Attribute(at) if matches!(at.attr.id.as_str(), "sort" | "format"));
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
        let mut args = Vec::new();
        for a in c.arguments.args.iter() {
            args.push(match a {
                py::Expr::Starred(s) => Expr::Starred(Box::new(self.expr(&s.value)?)),
                _ => self.expr(a)?,
            });
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
            py::Expr::Attribute(at) if keywords.is_empty() => Expr::MethodCall {
                receiver: Box::new(self.receiver(&at.value)?),
                method: self.attribute_name(at)?,
                args,
            },
            py::Expr::Attribute(_) if !is_sort_method => {
                return Err(self.unsupported(&c.arguments, "keyword arguments to a method"));
            }
            func => Expr::Call {
                func: Box::new(self.expr(func)?),
                args,
                keywords,
            },
        })
    }

    /// `import math` or `import math as m` (`array` alike), one module per
    /// statement.
    pub(super) fn import(&self, i: &py::StmtImport, s: &py::Stmt) -> R<Stmt> {
        let [alias] = &i.names[..] else {
            return Err(self.unsupported(s, "import of several modules in one statement"));
        };
        let module = alias.name.id.to_string();
        if module != "math" && module != "array" {
            return Err(self.unsupported(alias, &format!("import of module `{module}`")));
        }
        let name = alias
            .asname
            .as_ref()
            .map_or(module.clone(), |a| a.id.to_string());
        Ok(Stmt::Import { module, name })
    }

    /// `from math import sqrt, pi as p`: names the module has.
    pub(super) fn import_from(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> R<Stmt> {
        let module = i.module.as_ref().map(|m| m.id.to_string());
        let Some(module) = module.filter(|m| m == "math" && i.level == 0) else {
            return Err(self.unsupported(s, "import from a module other than `math`"));
        };
        let mut names = Vec::new();
        for alias in i.names.iter() {
            let attr = alias.name.id.to_string();
            let known = crate::runtime::math::FUNCTIONS
                .iter()
                .any(|(n, _)| *n == attr)
                || crate::runtime::math::CONSTANTS
                    .iter()
                    .any(|(n, _)| *n == attr);
            if !known {
                return Err(self.unsupported(alias, &format!("`from math import {attr}`")));
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
