//! Private name mangling (CPython's `_Py_Mangle`), done on the parsed tree
//! before anything else reads it: inside a class body, and the functions,
//! lambdas and comprehensions in it, an identifier `__name` that does not
//! end in `__` becomes `_Class__name` (the class's name without its
//! leading underscores; no change if that leaves nothing). That covers
//! names read and bound, attribute names (`self.__x`), `def` names,
//! parameters, keyword arguments, `global`/`nonlocal` names and exception
//! handler names, as CPython's compiler mangles them. Decorators and bases
//! are the enclosing scope's. Strings are never mangled (`getattr(o,
//! '__x')`), nor, here, the names in `__slots__` (CPython mangles those
//! too; the front end refuses such a slot: see `parse_class.rs`), nor
//! names starting with `__jd_`, which the front end's own lowerings write
//! (`stdlib.rs`): the text of a lowered program calls them inside class
//! bodies and must parse back to the same program.

use std::cell::RefCell;

use ruff_python_ast as py;
use ruff_python_ast::name::Name;
use ruff_python_ast::visitor::transformer::{self, Transformer};

/// Mangles every class body of `body` in place.
pub(super) fn mangle_private_names(body: &mut [py::Stmt]) {
    let m = Mangler {
        class: RefCell::new(None),
    };
    m.visit_body(body);
}

/// `name` as written inside class `class` (stripped of its leading
/// underscores), or `None` when CPython leaves it.
pub(super) fn mangled(class: &str, name: &str) -> Option<String> {
    if !name.starts_with("__")
        || name.ends_with("__")
        || name.contains('.')
        || name.starts_with("__jd_")
        || class.is_empty()
    {
        return None;
    }
    Some(format!("_{class}{name}"))
}

struct Mangler {
    /// The class whose body is being walked, without leading underscores.
    class: RefCell<Option<String>>,
}

impl Mangler {
    fn rename(&self, id: &mut Name) {
        let class = self.class.borrow();
        if let Some(new) = class.as_deref().and_then(|c| mangled(c, id.as_str())) {
            *id = Name::new(new);
        }
    }
}

impl Transformer for Mangler {
    fn visit_stmt(&self, stmt: &mut py::Stmt) {
        match stmt {
            py::Stmt::ClassDef(c) => {
                // The name, decorators and bases belong to the enclosing
                // scope; the body to the class.
                self.rename(&mut c.name.id);
                for d in c.decorator_list.iter_mut() {
                    self.visit_decorator(d);
                }
                if let Some(args) = c.arguments.as_deref_mut() {
                    self.visit_arguments(args);
                }
                let own = c.name.id.trim_start_matches('_').to_string();
                let outer = self.class.replace(Some(own));
                self.visit_body(&mut c.body);
                self.class.replace(outer);
                return;
            }
            py::Stmt::FunctionDef(f) => self.rename(&mut f.name.id),
            py::Stmt::Global(g) => g.names.iter_mut().for_each(|n| self.rename(&mut n.id)),
            py::Stmt::Nonlocal(n) => n.names.iter_mut().for_each(|n| self.rename(&mut n.id)),
            _ => {}
        }
        transformer::walk_stmt(self, stmt);
    }

    fn visit_expr(&self, expr: &mut py::Expr) {
        match expr {
            py::Expr::Name(n) => self.rename(&mut n.id),
            py::Expr::Attribute(a) => self.rename(&mut a.attr.id),
            _ => {}
        }
        transformer::walk_expr(self, expr);
    }

    fn visit_parameter(&self, parameter: &mut py::Parameter) {
        self.rename(&mut parameter.name.id);
        transformer::walk_parameter(self, parameter);
    }

    fn visit_keyword(&self, keyword: &mut py::Keyword) {
        if let Some(arg) = keyword.arg.as_mut() {
            self.rename(&mut arg.id);
        }
        transformer::walk_keyword(self, keyword);
    }

    fn visit_except_handler(&self, handler: &mut py::ExceptHandler) {
        let py::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = h.name.as_mut() {
            self.rename(&mut name.id);
        }
        transformer::walk_except_handler(self, handler);
    }
}

#[cfg(test)]
mod tests {
    use super::mangled;
    use crate::lang::parse_program;

    #[test]
    fn names_are_mangled_as_cpython_mangles_them() {
        assert_eq!(mangled("A", "__x").as_deref(), Some("_A__x"));
        assert_eq!(mangled("A", "__x__"), None);
        assert_eq!(mangled("A", "_x"), None);
        assert_eq!(mangled("", "__x"), None);
        assert_eq!(mangled("A", "__jd_heapq_heappush"), None);
        let src = "class __Acc:\n    __n = 0\n    def __init__(self, __v=1):\n        self.__v = __v\n        __Acc.__n += 1\n    def __get(self):\n        return self.__v\n    def get(self):\n        return self.__get()\nclass B(__Acc):\n    def __get(self):\n        return 5\na = B(3)\nprint(a.get(), a._Acc__v, B._Acc__n, B._B__get(a), getattr(a, '__v', 0))\n";
        let plain = "class __Acc:\n    _Acc__n = 0\n    def __init__(self, _Acc__v=1):\n        self._Acc__v = _Acc__v\n        __Acc._Acc__n += 1\n    def _Acc__get(self):\n        return self._Acc__v\n    def get(self):\n        return self._Acc__get()\nclass B(__Acc):\n    def _B__get(self):\n        return 5\na = B(3)\nprint(a.get(), a._Acc__v, B._Acc__n, B._B__get(a), getattr(a, '__v', 0))\n";
        assert_eq!(parse_program(src).unwrap(), parse_program(plain).unwrap());
    }

    /// A lowered program calls the prelude's `__jd_` functions inside class
    /// bodies; its text parses back to the same program.
    #[test]
    fn a_lowered_program_with_prelude_calls_in_a_class_round_trips() {
        let m = parse_program(
            "import heapq\nclass A:\n    def m(self, h):\n        heapq.heappush(h, 1)\n        return h\nprint(A().m([]))\n",
        )
        .unwrap();
        let text = crate::lang::unparse::unparse(&m);
        assert!(text.contains("__jd_heapq_heappush(h, 1)"), "{text}");
        assert_eq!(parse_program(&text).unwrap(), m, "{text}");
    }
}
