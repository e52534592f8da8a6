//! Type annotations. CPython keeps none of them in what a program does:
//! under `from __future__ import annotations` (PEP 563) every annotation
//! stays an unevaluated string, and CPython 3.14's deferred annotations
//! (PEP 649) are evaluated only when asked for. CPython 3.11 (the python3
//! programs are checked against) evaluates the annotations of a `def`'s
//! parameters and return when the `def` runs, and a module's or class's
//! annotated assignments there and then; an annotated assignment's in a
//! function never. So the front end drops annotations, and without the
//! future import it accepts one CPython evaluates only when evaluating it
//! can neither fail nor do anything: strings, `None`, builtin classes, the
//! module's classes defined above the statement it is in, and names
//! imported from `typing` or `collections.abc`, combined by subscripts of
//! generic ones and `|` ([`Lowering::unevaluable`]). A program that reads
//! `__annotations__` is refused, and so is one that uses an imported
//! annotation name anywhere else (neither module is in the language).

use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

use super::{Ctx, Lowering, R};
use crate::lang::ast::{Expr, Module, Stmt};

/// What `from typing import` may bind (CPython 3.11's `typing.__all__`),
/// and whether a subscript of it is a valid annotation.
const TYPING_NAMES: &[(&str, bool)] = &[
    ("AbstractSet", true),
    ("Annotated", true),
    ("Any", false),
    ("AnyStr", false),
    ("AsyncContextManager", true),
    ("AsyncGenerator", true),
    ("AsyncIterable", true),
    ("AsyncIterator", true),
    ("Awaitable", true),
    ("BinaryIO", false),
    ("Callable", true),
    ("ChainMap", true),
    ("ClassVar", true),
    ("Collection", true),
    ("Concatenate", false),
    ("Container", true),
    ("ContextManager", true),
    ("Coroutine", true),
    ("Counter", true),
    ("DefaultDict", true),
    ("Deque", true),
    ("Dict", true),
    ("Final", true),
    ("ForwardRef", false),
    ("FrozenSet", true),
    ("Generator", true),
    ("Generic", false),
    ("Hashable", false),
    ("IO", true),
    ("ItemsView", true),
    ("Iterable", true),
    ("Iterator", true),
    ("KeysView", true),
    ("List", true),
    ("Literal", true),
    ("LiteralString", false),
    ("Mapping", true),
    ("MappingView", true),
    ("Match", true),
    ("MutableMapping", true),
    ("MutableSequence", true),
    ("MutableSet", true),
    ("NamedTuple", false),
    ("Never", false),
    ("NewType", false),
    ("NoReturn", false),
    ("NotRequired", true),
    ("Optional", true),
    ("OrderedDict", true),
    ("ParamSpec", false),
    ("ParamSpecArgs", false),
    ("ParamSpecKwargs", false),
    ("Pattern", true),
    ("Protocol", false),
    ("Required", true),
    ("Reversible", true),
    ("Self", false),
    ("Sequence", true),
    ("Set", true),
    ("Sized", false),
    ("SupportsAbs", true),
    ("SupportsBytes", false),
    ("SupportsComplex", false),
    ("SupportsFloat", false),
    ("SupportsIndex", false),
    ("SupportsInt", false),
    ("SupportsRound", true),
    ("TYPE_CHECKING", false),
    ("Text", false),
    ("TextIO", false),
    ("Tuple", true),
    ("Type", true),
    ("TypeAlias", false),
    ("TypeGuard", true),
    ("TypeVar", false),
    ("TypeVarTuple", false),
    ("TypedDict", false),
    ("Union", true),
    ("Unpack", true),
    ("ValuesView", true),
    ("assert_never", false),
    ("assert_type", false),
    ("cast", false),
    ("clear_overloads", false),
    ("dataclass_transform", false),
    ("final", false),
    ("get_args", false),
    ("get_origin", false),
    ("get_overloads", false),
    ("get_type_hints", false),
    ("is_typeddict", false),
    ("no_type_check", false),
    ("no_type_check_decorator", false),
    ("overload", false),
    ("reveal_type", false),
    ("runtime_checkable", false),
];

/// `collections.abc.__all__` (3.11), and whether a subscript is valid.
const ABC_NAMES: &[(&str, bool)] = &[
    ("AsyncGenerator", true),
    ("AsyncIterable", true),
    ("AsyncIterator", true),
    ("Awaitable", true),
    ("Callable", true),
    ("Collection", true),
    ("Container", true),
    ("Coroutine", true),
    ("Generator", true),
    ("Hashable", false),
    ("ItemsView", true),
    ("Iterable", true),
    ("Iterator", true),
    ("KeysView", true),
    ("Mapping", true),
    ("MappingView", true),
    ("MutableMapping", true),
    ("MutableSequence", true),
    ("MutableSet", true),
    ("Reversible", true),
    ("Sequence", true),
    ("Set", true),
    ("Sized", false),
    ("ValuesView", true),
];

/// Builtin classes an evaluated annotation may name (unless the program
/// binds the name), and whether a subscript of it is valid.
const BUILTIN_TYPES: &[(&str, bool)] = &[
    ("bool", false),
    ("bytearray", false),
    ("bytes", false),
    ("complex", false),
    ("dict", true),
    ("float", false),
    ("frozenset", true),
    ("int", false),
    ("list", true),
    ("object", false),
    ("range", false),
    ("set", true),
    ("str", false),
    ("tuple", true),
    ("type", true),
];

/// A name an annotation may use, as the front end knows it.
#[derive(Clone, Debug)]
pub(super) struct AnnotationName {
    pub bound: String,
    /// The name in its module (`ClassVar` of `ClassVar as CV`).
    pub original: String,
    pub at: TextRange,
    /// A subscript of it is a valid annotation.
    pub generic: bool,
}

/// Whether `body` starts (after a docstring and other future imports) with
/// `from __future__ import annotations`.
pub(super) fn has_future_annotations(body: &[py::Stmt]) -> bool {
    let mut rest = body;
    if let Some(py::Stmt::Expr(e)) = rest.first()
        && matches!(*e.value, py::Expr::StringLiteral(_))
    {
        rest = &rest[1..];
    }
    rest.iter()
        .map_while(|s| match s {
            py::Stmt::ImportFrom(i) if is_future(i) => Some(i),
            _ => None,
        })
        .any(|i| i.names.iter().any(|a| a.name.id.as_str() == "annotations"))
}

pub(super) fn is_future(i: &py::StmtImportFrom) -> bool {
    i.level == 0
        && i.module
            .as_ref()
            .is_some_and(|m| m.id.as_str() == "__future__")
}

impl Lowering<'_> {
    /// A parameter's or a return's annotation, or one of a module's or a
    /// class's annotated assignment: evaluated where it stands unless the
    /// module defers annotations. Refused unless evaluating it can neither
    /// fail nor do anything.
    pub(super) fn annotation(&self, e: &py::Expr) -> R<()> {
        if self.future_annotations {
            return Ok(());
        }
        match self.unevaluable(e) {
            None => Ok(()),
            Some(part) => Err(self.unsupported(
                part,
                "this annotation, which CPython 3.11 evaluates (without `from __future__ \
                 import annotations` an annotation may use only strings, None, builtin \
                 classes, classes defined above and names imported from typing)",
            )),
        }
    }

    /// The part of an evaluated annotation that could fail or do something
    /// when evaluated (`None`: the whole may be dropped).
    fn unevaluable<'e>(&self, e: &'e py::Expr) -> Option<&'e py::Expr> {
        match e {
            py::Expr::StringLiteral(_) | py::Expr::NoneLiteral(_) => None,
            py::Expr::Name(n) => self.annotation_name(n.id.as_str()).is_none().then_some(e),
            py::Expr::Subscript(sub) => {
                let generic = match &*sub.value {
                    py::Expr::Name(n) => self.annotation_name(n.id.as_str()) == Some(true),
                    _ => false,
                };
                if !generic {
                    return Some(&sub.value);
                }
                self.unevaluable_argument(&sub.slice)
            }
            // `int | None`, `List[int] | Node`: never a string, never two Nones.
            py::Expr::BinOp(b) if b.op == py::Operator::BitOr => {
                let operand = |o: &'e py::Expr| match o {
                    py::Expr::StringLiteral(_) => Some(o),
                    _ => self.unevaluable(o),
                };
                if let (py::Expr::NoneLiteral(_), py::Expr::NoneLiteral(_)) = (&*b.left, &*b.right)
                {
                    return Some(e);
                }
                operand(&b.left).or_else(|| operand(&b.right))
            }
            _ => Some(e),
        }
    }

    /// What may stand inside a generic's brackets: annotations, tuples of
    /// them, a list of them (`Callable`'s parameters), `...` and literals
    /// (`Literal[...]`).
    fn unevaluable_argument<'e>(&self, e: &'e py::Expr) -> Option<&'e py::Expr> {
        match e {
            py::Expr::Tuple(t) => t.elts.iter().find_map(|x| self.unevaluable_argument(x)),
            py::Expr::List(l) => l.elts.iter().find_map(|x| self.unevaluable(x)),
            py::Expr::EllipsisLiteral(_)
            | py::Expr::NumberLiteral(_)
            | py::Expr::BooleanLiteral(_) => None,
            _ => self.unevaluable(e),
        }
    }

    /// Whether an evaluated annotation may name `name` here (`Some`), and
    /// whether it may subscript it (`Some(true)`).
    fn annotation_name(&self, name: &str) -> Option<bool> {
        if let Some(a) = self
            .annotation_names
            .borrow()
            .iter()
            .find(|a| a.bound == name)
        {
            return Some(a.generic);
        }
        if self.module_classes.borrow().iter().any(|c| c == name) {
            return Some(false);
        }
        if self.bound_names.contains(name) {
            return None;
        }
        BUILTIN_TYPES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, generic)| generic)
    }

    /// `from __future__ import ...` (only `annotations`, and only at the
    /// top: CPython's rule), or `from typing import ...` for annotations.
    /// `None`: not one of these.
    pub(super) fn special_import(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> Option<R<Stmt>> {
        if is_future(i) {
            return Some(self.future_import(i, s));
        }
        let module = i.module.as_ref()?.id.to_string();
        if i.level == 0 && module == "dataclasses" {
            return Some(self.dataclasses_import(i));
        }
        let known = match (i.level, module.as_str()) {
            (0, "typing") => TYPING_NAMES,
            (0, "collections.abc") => ABC_NAMES,
            _ => return None,
        };
        let mut names = self.annotation_names.borrow_mut();
        for a in i.names.iter() {
            let Some(&(_, generic)) = known.iter().find(|(n, _)| *n == a.name.id.as_str()) else {
                return Some(Err(
                    self.unsupported(a, &format!("`{module}.{}`", a.name.id))
                ));
            };
            let bound = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
            names.push(AnnotationName {
                bound,
                original: a.name.id.to_string(),
                at: a.range(),
                generic,
            });
        }
        Some(Ok(Stmt::Pass))
    }

    fn future_import(&self, i: &py::StmtImportFrom, s: &py::Stmt) -> R<Stmt> {
        if let Some(a) = i.names.iter().find(|a| a.name.id.as_str() != "annotations") {
            return Err(self.unsupported(a, &format!("`from __future__ import {}`", a.name.id)));
        }
        if !self.future_annotations {
            return Err((self.err_at)(
                s.range(),
                "SyntaxError: from __future__ imports must occur at the beginning of the file"
                    .into(),
            ));
        }
        Ok(Stmt::Pass)
    }

    /// `target: annotation = value` as the assignment it is. A bare
    /// `name: annotation` binds nothing: at module level it is dropped, in
    /// a function it is refused (it makes the name local there).
    pub(super) fn ann_assign(&self, a: &py::StmtAnnAssign, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        // A function's annotated assignments are never evaluated.
        if !ctx.in_function {
            self.annotation(&a.annotation)?;
        }
        match &a.value {
            Some(value) => self.assign(&a.target, self.expr(value)?),
            None if !ctx.in_function && matches!(&*a.target, py::Expr::Name(_)) => Ok(Stmt::Pass),
            None => Err(self.unsupported(s, "an annotation without a value")),
        }
    }

    /// Refuses a program that uses a name imported for annotations outside
    /// them (the name is not bound: the modules are not in the language).
    pub(super) fn check_annotation_names(&self, module: &Module) -> R<()> {
        let names = self.annotation_names.borrow();
        let used = first_name_read(module, |n| {
            let a = names.iter().find(|a| a.bound == n)?;
            Some((
                format!("`{n}`, imported for annotations, used outside them"),
                a.at,
            ))
        });
        match used {
            None => Ok(()),
            Some((what, at)) => Err((self.err_at)(at, format!("unsupported construct: {what}"))),
        }
    }
}

/// The first answer of `find` for a name the lowered `module` reads (the
/// names an import bound and the lowering consumed must be read nowhere).
pub(super) fn first_name_read<T>(
    module: &Module,
    mut find: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    fn walk_expr(e: &Expr, f: &mut dyn FnMut(&str)) {
        if let Expr::Name(n) = e {
            f(n);
        }
        e.for_each_child(&mut |c| walk_expr(c, f));
    }
    let mut found = None;
    for s in &module.body {
        s.for_each_expr(&mut |e| {
            walk_expr(e, &mut |n| {
                if found.is_none() {
                    found = find(n);
                }
            })
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lang::parse_program;

    #[test]
    fn annotations_are_dropped_only_when_deferred() {
        let src = "\"\"\"doc\"\"\"\nfrom __future__ import annotations\nfrom collections.abc import Iterator\nfrom typing import Optional as Opt\ndef f(a: Opt[int], b: list[Iterator] = None) -> Iterator[int]:\n    x: int = a\n    return x\nprint(f(1))\n";
        let plain = "\"\"\"doc\"\"\"\ndef f(a, b=None):\n    x = a\n    return x\nprint(f(1))\n";
        let m = parse_program(src).unwrap();
        let mut want = parse_program(plain).unwrap();
        // The three imports became `pass`.
        want.body
            .splice(1..1, std::iter::repeat_n(crate::lang::ast::Stmt::Pass, 3));
        assert_eq!(m, want);
        for (bad, why) in [
            (
                "x = 1\nfrom __future__ import annotations\n",
                "beginning of the file",
            ),
            (
                "from __future__ import annotations\nfrom typing import List\nx = List\n",
                "used outside them",
            ),
            ("from typing import List\nx = [List]\n", "used outside them"),
            ("from typing import Lisst\n", "`typing.Lisst`"),
            (
                "from __future__ import annotations\ndef f():\n    x: int\n",
                "without a value",
            ),
            (
                "from __future__ import generators\n",
                "__future__ import generators",
            ),
            ("x: int = 1\nprint(__annotations__)\n", "`__annotations__`"),
        ] {
            let e = parse_program(bad).expect_err(bad).to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    /// Without the future import, an annotation CPython 3.11 evaluates is
    /// dropped only when evaluating it cannot fail or do anything; the
    /// error points at the part that could.
    #[test]
    fn evaluated_annotations_are_dropped_only_when_evaluating_them_cannot_fail() {
        let src = "from typing import Optional, List, Callable\nclass A:\n    x: int\n    y: 'A' = 2\ndef f(a: int, b: Optional[A] = None, *c: list[int], **d: str) -> List[A] | None:\n    z: Undefined = a\n    return z\ng: Callable[[int, str], dict[str, tuple[int, ...]]] = f\nprint(f(1), g(2))\n";
        let plain = "class A:\n    pass\n    y = 2\ndef f(a, b=None, *c, **d):\n    z = a\n    return z\ng = f\nprint(f(1), g(2))\n";
        let m = parse_program(src).unwrap();
        let mut want = parse_program(plain).unwrap();
        want.body.insert(0, crate::lang::ast::Stmt::Pass);
        assert_eq!(m, want);
        for (bad, at) in [
            // NameError in CPython 3.11: the class is defined below, or is
            // the one being defined.
            ("def f(x: Node):\n    pass\nclass Node:\n    pass\n", "1:10"),
            (
                "class Node:\n    def add(self, c: Node):\n        pass\n",
                "2:22",
            ),
            // TypeError: a user class is not generic, nor `int`.
            ("class F:\n    pass\ndef f(x: F[int]):\n    pass\n", "3:10"),
            ("def f(x: int[str]):\n    pass\n", "1:10"),
            ("def f(x: None | None):\n    pass\n", "1:10"),
            ("def f(x: 'A' | None):\n    pass\n", "1:10"),
            // `List` was never imported; `int` is the program's own.
            ("def f(x: int) -> List[int]:\n    pass\n", "1:18"),
            ("int = 5\ndef f(x: int):\n    pass\n", "2:10"),
            // Evaluating it does something.
            ("x: print('hi') = 3\n", "1:4"),
            ("class C:\n    v: len([]) = 1\n", "2:8"),
        ] {
            let e = parse_program(bad).expect_err(bad);
            assert_eq!(format!("{}:{}", e.line, e.col), at, "{bad:?}: {e}");
            assert!(
                e.message.contains("which CPython 3.11 evaluates"),
                "{bad:?}: {e}"
            );
        }
    }
}
