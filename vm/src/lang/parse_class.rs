//! Lowering of `class` statements, attribute stores and `super()`.
//!
//! The language's classes are CPython's, cut to what both our VM and the
//! reference implement exactly: module-level classes with at most one base,
//! bodies of methods and class attributes, the dunders in [`DUNDERS`], and
//! `@staticmethod`/`@classmethod`. Everything a program could write whose
//! meaning would silently differ (an unimplemented dunder, a metaclass, a
//! class body reading its own methods) is refused here with its line:col;
//! a class body reading its own attributes is hoisted
//! (`parse_class_reads.rs`).

use ruff_python_ast as py;

use super::{Ctx, Lowering, R, dataclass};
use crate::lang::ast::*;
use crate::lang::bytecode::{MAX_CLASS_ATTRS, MAX_CLASSES};

/// The protocol and operator special methods the language implements
/// (defined in a class body, assigned to a class, or read as attributes),
/// besides `__init__` ([`language_dunder`]). Any other dunder name is
/// refused, since CPython would call it where we would not. They run in
/// every tier (`tier1::dunders`) and in the reference; a name's position is
/// its flag bit in a class's dunder bits (`class::D_*`).
pub const DUNDERS: &[&str] = &[
    "__next__",
    "__repr__",
    "__str__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__sub__",
    "__mul__",
    "__radd__",
    "__rsub__",
    "__rmul__",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__iter__",
    "__contains__",
    "__bool__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__invert__",
];
// Bit 31 of a class's dunder bits is `class::D_UNHASHABLE`.
const _: () = assert!(DUNDERS.len() <= 31);

/// The dunders a class body, a class attribute store or an attribute read
/// may name in every context: [`DUNDERS`] and `__init__` (which needs no
/// flag bit: only a call of the class looks it up).
pub fn language_dunder(name: &str) -> bool {
    name == "__init__" || DUNDERS.contains(&name)
}

/// Dunder attributes other than methods: `obj.__class__` (read and
/// assigned) and `cls.__name__` (read).
const DUNDER_ATTRS: &[&str] = &["__class__", "__name__"];

/// `Some(None)` for a `@property` def, `Some(Some(x))` for an `@x.setter`
/// one (a single decorator; others are no property's).
fn property_decorator(d: &py::StmtFunctionDef) -> Option<Option<&str>> {
    let [dec] = &d.decorator_list[..] else {
        return None;
    };
    match &dec.expression {
        py::Expr::Name(n) if n.id.as_str() == "property" => Some(None),
        py::Expr::Attribute(a) if a.attr.id.as_str() == "setter" => match &*a.value {
            py::Expr::Name(n) => Some(Some(n.id.as_str())),
            _ => None,
        },
        _ => None,
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

impl Lowering<'_> {
    pub(super) fn class_def(&self, c: &py::StmtClassDef, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        if ctx.in_function {
            return Err(self.unsupported(s, "class definition inside a function"));
        }
        if ctx.in_class {
            return Err(self.unsupported(s, "nested class definition"));
        }
        let dataclass = match &c.decorator_list[..] {
            [] => None,
            [d] => match self.dataclass_decorator(d) {
                Some(opts) => Some((opts?, d.range)),
                None => return Err(self.unsupported(d, "class decorator")),
            },
            [_, second, ..] => return Err(self.unsupported(second, "class decorator")),
        };
        if c.type_params.is_some() {
            return Err(self.unsupported(s, "type parameters"));
        }
        let mut bases = Vec::new();
        // A dataclass base's fields (and `__post_init__`) come first.
        let mut fields = Vec::new();
        let mut post_init = false;
        if let Some(args) = &c.arguments {
            if let Some(k) = args.keywords.first() {
                return Err(self.unsupported(k, "keyword arguments in a class statement"));
            }
            if args.args.len() > 1 {
                return Err(self.unsupported(&args.args[1], "multiple inheritance"));
            }
            for b in args.args.iter() {
                match b {
                    // `class C(object)` is `class C`.
                    py::Expr::Name(n) if n.id.as_str() == "object" => {}
                    py::Expr::Name(n) => {
                        if let Some((f, p)) = self.class_fields.borrow().get(n.id.as_str()) {
                            fields.clone_from(f);
                            post_init = *p;
                        }
                        bases.push(self.expr(b)?)
                    }
                    other => return Err(self.unsupported(other, "a base that is not a name")),
                }
            }
        }
        self.classes.set(self.classes.get() + 1);
        if self.classes.get() > MAX_CLASSES {
            return Err(self.unsupported(s, "this many class statements"));
        }
        if c.body.len() > MAX_CLASS_ATTRS {
            return Err(self.unsupported(s, "a class body of this many statements"));
        }
        let name = c.name.id.to_string();
        if is_dunder(&name) {
            return Err(self.unsupported(s, "a dunder class name"));
        }
        let bound = class_body_names(&c.body);
        let body_ctx = Ctx {
            in_class: true,
            in_loop: false,
            blocks: ctx.blocks + 1,
            ..ctx
        };
        let outer_class = self.class_name.replace(Some(name.clone()));
        let body = self.class_body(c, &bound, body_ctx, dataclass.is_some(), &mut fields);
        self.class_name.replace(outer_class);
        let mut body = body?;
        let prelude = self.hoist_class_reads(s, dataclass.is_some(), &mut bases, &mut body)?;
        self.class_prelude.replace(prelude);
        post_init |= bound.iter().any(|n| n == "__post_init__");
        if let Some((opts, at)) = dataclass {
            body.extend(self.dataclass_methods(at, opts, &fields, &bound, post_init)?);
        }
        if ctx.blocks == 1 {
            self.class_fields
                .borrow_mut()
                .insert(name.clone(), (fields, post_init));
        }
        Ok(Stmt::ClassDef { name, bases, body })
    }

    /// The statements of class `c`'s body, lowered (`fields` gathers a
    /// dataclass's).
    fn class_body(
        &self,
        c: &py::StmtClassDef,
        bound: &[String],
        body_ctx: Ctx,
        dataclass: bool,
        fields: &mut Vec<dataclass::Field>,
    ) -> R<Vec<Stmt>> {
        let mut body = Vec::with_capacity(c.body.len());
        // The properties defined so far (a setter names one of them).
        let mut properties: Vec<&str> = Vec::new();
        for (i, st) in c.body.iter().enumerate() {
            // `__radd__ = __add__`: an alias of a name bound above.
            if let py::Stmt::Assign(a) = st
                && let ([py::Expr::Name(t)], py::Expr::Name(src)) = (&a.targets[..], &*a.value)
                && class_body_names(&c.body[..i]).contains(&src.id.to_string())
            {
                let target = t.id.to_string();
                if is_dunder(&target) && !language_dunder(&target) || target == "__slots__" {
                    return Err(self.unsupported(st, &format!("class attribute `{target}`")));
                }
                body.push(Stmt::Assign {
                    target,
                    value: Expr::Name(src.id.to_string()),
                });
                continue;
            }
            // `IDLE, BUSY = 'idle', 'busy'`: one attribute after another,
            // which only the class body's own namespace could tell from
            // CPython's tuple built first, and the body reads none of its
            // names (an element raising ends the class body either way).
            if let Some(pairs) = tuple_attributes(st) {
                for (n, v) in pairs {
                    body.push(self.nested(st, 1, || self.class_attribute(n, v, st, bound, true))?);
                }
                continue;
            }
            if let py::Stmt::FunctionDef(d) = st {
                match property_decorator(d) {
                    Some(None) => properties.push(d.name.id.as_str()),
                    Some(Some(of)) if !properties.contains(&of) || of != d.name.id.as_str() => {
                        return Err(self.unsupported(
                            st,
                            "a property setter other than `@x.setter` on a `def x` after `@property def x`",
                        ));
                    }
                    _ => {}
                }
            }
            if dataclass
                && let py::Stmt::AnnAssign(a) = st
                && let Some((field, lowered)) = self.dataclass_field(a)?
            {
                match fields
                    .iter_mut()
                    .find(|f: &&mut dataclass::Field| f.name == field.name)
                {
                    Some(old) => *old = field,
                    None => fields.push(field),
                }
                body.push(lowered);
                continue;
            }
            body.push(self.nested(st, 1, || self.class_body_stmt(st, bound, body_ctx))?);
        }
        Ok(body)
    }

    fn class_body_stmt(&self, s: &py::Stmt, bound: &[String], ctx: Ctx) -> R<Stmt> {
        Ok(match s {
            py::Stmt::Pass(_) => Stmt::Pass,
            // `class Stub: ...`: the statement `...` does nothing.
            py::Stmt::Expr(e) if matches!(*e.value, py::Expr::EllipsisLiteral(_)) => Stmt::Pass,
            py::Stmt::Expr(e) if matches!(*e.value, py::Expr::StringLiteral(_)) => {
                Stmt::Expr(self.expr(&e.value)?)
            }
            py::Stmt::FunctionDef(d) => {
                let decorator = match &d.decorator_list[..] {
                    [] => None,
                    [dec] => match &dec.expression {
                        py::Expr::Name(n)
                            if matches!(n.id.as_str(), "staticmethod" | "classmethod")
                                || n.id.as_str() == "property"
                                    && !self.bound_names.contains("property") =>
                        {
                            Some(n.id.to_string())
                        }
                        // `@x.setter` (the class body checked `x`).
                        _ if matches!(property_decorator(d), Some(Some(_))) => {
                            Some(format!("{}.setter", d.name.id))
                        }
                        _ => return Err(self.unsupported(dec, "decorator")),
                    },
                    [_, second, ..] => return Err(self.unsupported(second, "stacked decorators")),
                };
                let name = d.name.id.as_str();
                // `__post_init__` is a plain method (a dataclass's
                // `__init__` calls it). `__hash__` needs no dunder bit
                // either: a class's hash kind is fixed at its creation
                // (`class::HashKind`), and only a `def` in the body may
                // give it one (an alias or a later store is refused).
                // `__call__` needs no dunder bit: only a call of an instance
                // looks it up (`tier1::classes`); nor do `__enter__` and
                // `__exit__`, which only a lowered `with` reads
                // (`parse_with.rs`), as plain attributes.
                if is_dunder(name)
                    && !language_dunder(name)
                    && !matches!(
                        name,
                        "__post_init__" | "__call__" | "__enter__" | "__exit__" | "__hash__"
                    )
                {
                    return Err(self.unsupported(s, &format!("special method `{name}`")));
                }
                if decorator.is_some() && is_dunder(name) {
                    return Err(self.unsupported(s, "a decorated special method"));
                }
                // `super()` needs the method's first parameter: a plain
                // or class method, or a property's getter or setter (not
                // a static method) may use it.
                let super_ok = decorator.as_deref().is_none_or(|d| {
                    d == "property" || d.ends_with(".setter") || d == "classmethod"
                }) && !d.parameters.args.is_empty();
                let def = self.function_def(d, s, ctx, super_ok)?;
                match decorator {
                    Some(decorator) => Stmt::Decorated {
                        decorator,
                        def: Box::new(def),
                    },
                    None => def,
                }
            }
            py::Stmt::Assign(a) => {
                let [py::Expr::Name(n)] = &a.targets[..] else {
                    return Err(self.unsupported(s, "class attribute assignment to this target"));
                };
                self.class_attribute(n, &a.value, s, bound, false)?
            }
            // `x: int = 0` is `x = 0`; a bare `x: int` binds nothing.
            py::Stmt::AnnAssign(a) => {
                self.annotation(&a.annotation)?;
                match (&*a.target, &a.value) {
                    (py::Expr::Name(_), None) => Stmt::Pass,
                    (py::Expr::Name(n), Some(value)) => {
                        self.class_attribute(n, value, s, bound, false)?
                    }
                    _ => {
                        return Err(
                            self.unsupported(s, "class attribute assignment to this target")
                        );
                    }
                }
            }
            other => {
                return Err(self.unsupported(
                    other,
                    "statement in a class body other than def, assignment, docstring or pass",
                ));
            }
        })
    }

    /// `name = value` in a class body. Its reads of the names the body
    /// binds (`bound`) are hoisted (`parse_class_reads.rs`), or refused
    /// with `refuse_reads` (an element of `A, B = x, y`, whose display
    /// CPython builds before it binds either name).
    fn class_attribute(
        &self,
        n: &py::ExprName,
        value: &py::Expr,
        s: &py::Stmt,
        bound: &[String],
        refuse_reads: bool,
    ) -> R<Stmt> {
        let target = n.id.to_string();
        if target == "__slots__" {
            return self.slots(value, bound);
        }
        if is_dunder(&target) {
            return Err(self.unsupported(s, &format!("class attribute `{target}`")));
        }
        let lowered = self.expr(value)?;
        if refuse_reads {
            self.refuse_class_names(value, &lowered, bound)?;
        }
        Ok(Stmt::Assign {
            target,
            value: lowered,
        })
    }

    /// `__slots__ = ('x', 'y')`: a tuple or list of distinct string literals
    /// (or one string), none of them also a class attribute.
    fn slots(&self, value: &py::Expr, bound: &[String]) -> R<Stmt> {
        let elts: Vec<&py::Expr> = match value {
            py::Expr::Tuple(t) => t.elts.iter().collect(),
            py::Expr::List(l) => l.elts.iter().collect(),
            py::Expr::StringLiteral(_) => vec![value],
            other => return Err(self.unsupported(other, "`__slots__` that is not literal")),
        };
        let mut names = Vec::new();
        for e in elts {
            let py::Expr::StringLiteral(sl) = e else {
                return Err(self.unsupported(e, "`__slots__` that is not literal"));
            };
            let n = sl.value.to_str().to_string();
            let ident = n
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            // A private name (`'__x'`) CPython mangles here: not modelled.
            let private = n.starts_with("__");
            if !ident || private || names.contains(&n) || bound.contains(&n) {
                return Err(self.unsupported(e, &format!("`__slots__` entry {n:?}")));
            }
            names.push(n);
        }
        let value = match value {
            py::Expr::List(_) => Expr::List(names.into_iter().map(Expr::Str).collect()),
            py::Expr::StringLiteral(_) => Expr::Str(names.remove(0)),
            _ => Expr::Tuple(names.into_iter().map(Expr::Str).collect()),
        };
        Ok(Stmt::Assign {
            target: "__slots__".into(),
            value,
        })
    }

    /// An element of a tuple of class attributes may not read a name the
    /// body binds: lowered one attribute after another, a later element
    /// would see an earlier one CPython's display had not bound yet.
    fn refuse_class_names(&self, node: &py::Expr, value: &Expr, bound: &[String]) -> R<()> {
        fn reads(e: &Expr, bound: &[String]) -> Option<String> {
            if let Expr::Name(n) = e
                && bound.contains(n)
            {
                return Some(n.clone());
            }
            let mut found = None;
            e.for_each_child(&mut |c| {
                if found.is_none() {
                    found = reads(c, bound);
                }
            });
            found
        }
        match reads(value, bound) {
            Some(n) => {
                Err(self.unsupported(node, &format!("a class body reading its own name `{n}`")))
            }
            None => Ok(()),
        }
    }

    /// `object.attr = value` and `object.attr op= value`.
    pub(super) fn attribute_store(
        &self,
        at: &py::ExprAttribute,
        op: Option<BinOp>,
        value: Expr,
    ) -> R<Stmt> {
        let attr = self.attribute_name(at)?;
        if attr == "__name__" {
            return Err(self.unsupported(at, "assignment to `__name__`"));
        }
        if attr == "__class__" && op.is_some() {
            return Err(self.unsupported(at, "augmented assignment to `__class__`"));
        }
        let object = self.expr(&at.value)?;
        Ok(match op {
            None => Stmt::AssignAttr {
                object,
                attr,
                value,
            },
            Some(op) => Stmt::AugAssignAttr {
                object,
                attr,
                op,
                value,
            },
        })
    }

    /// An attribute's name, refusing dunders the language does not have.
    pub(super) fn attribute_name(&self, at: &py::ExprAttribute) -> R<String> {
        let attr = at.attr.id.to_string();
        // `__post_init__` is a plain method (a dataclass's `__init__`
        // calls it, a subclass's through `super()`), and so are
        // `__enter__` and `__exit__` (read by a lowered `with`, and by a
        // program that calls them itself).
        if is_dunder(&attr)
            && !language_dunder(&attr)
            && !DUNDER_ATTRS.contains(&&*attr)
            && !matches!(attr.as_str(), "__post_init__" | "__enter__" | "__exit__")
        {
            return Err(self.unsupported(at, &format!("attribute `{attr}`")));
        }
        Ok(attr)
    }

    /// The object of an attribute access or method call: `super()` there
    /// is [`Expr::Super`], any other expression itself.
    pub(super) fn receiver(&self, e: &py::Expr) -> R<Expr> {
        match e {
            py::Expr::Call(c) if matches!(&*c.func, py::Expr::Name(n) if n.id.as_str() == "super") => {
                self.super_call(c)
            }
            _ => self.expr(e),
        }
    }

    /// `super()`, directly in a method that has a first parameter; also
    /// `super(C, self)` there, naming the class being defined and the
    /// method's first parameter, where nothing else in the program binds
    /// `C` (CPython looks `C` up when the call runs, so `C` is then the
    /// class `super()` finds in its cell).
    fn super_call(&self, c: &py::ExprCall) -> R<Expr> {
        if !c.arguments.keywords.is_empty() {
            return Err(self.unsupported(c, "super() with keyword arguments"));
        }
        match &c.arguments.args[..] {
            [] => {}
            [py::Expr::Name(class), py::Expr::Name(first)] => {
                let names_them = self
                    .super_args
                    .borrow()
                    .as_ref()
                    .is_some_and(|(k, p)| *k == class.id.as_str() && *p == first.id.as_str());
                let bound_once = self.binding_sites.get(class.id.as_str()) == Some(&1);
                if !names_them || !bound_once {
                    return Err(self.unsupported(
                        c,
                        "super() with arguments other than the class being defined (bound \
                         nowhere else) and the method's first parameter",
                    ));
                }
            }
            _ => return Err(self.unsupported(c, "super() with arguments")),
        }
        if !self.super_ok.get() {
            return Err(self.unsupported(c, "super() outside a method with a first parameter"));
        }
        // CPython 3.11 runs a comprehension as a function of its own, whose
        // first argument `super()` would take; ours are inline.
        if self.in_comp.get() > 0 {
            return Err(self.unsupported(c, "super() inside a comprehension"));
        }
        Ok(Expr::Super)
    }
}

/// `a, b = x, y` (or `[a, b] = [x, y]`) in a class body: names for
/// targets, a display without `*` of as many values.
fn tuple_attributes(s: &py::Stmt) -> Option<Vec<(&py::ExprName, &py::Expr)>> {
    let py::Stmt::Assign(a) = s else {
        return None;
    };
    let [target] = &a.targets[..] else {
        return None;
    };
    let targets = match target {
        py::Expr::Tuple(t) => &t.elts,
        py::Expr::List(l) => &l.elts,
        _ => return None,
    };
    let values = match &*a.value {
        py::Expr::Tuple(t) => &t.elts,
        py::Expr::List(l) => &l.elts,
        _ => return None,
    };
    if targets.len() != values.len() || values.iter().any(|v| v.is_starred_expr()) {
        return None;
    }
    targets
        .iter()
        .zip(values)
        .map(|(t, v)| match t {
            py::Expr::Name(n) => Some((n, v)),
            _ => None,
        })
        .collect()
}

/// Names a class body binds: its attributes and its methods.
fn class_body_names(body: &[py::Stmt]) -> Vec<String> {
    let mut names = Vec::new();
    for s in body {
        match s {
            py::Stmt::FunctionDef(d) => names.push(d.name.id.to_string()),
            py::Stmt::Assign(a) => {
                for t in &a.targets {
                    match t {
                        py::Expr::Name(n) => names.push(n.id.to_string()),
                        py::Expr::Tuple(py::ExprTuple { elts, .. })
                        | py::Expr::List(py::ExprList { elts, .. }) => {
                            for e in elts {
                                if let py::Expr::Name(n) = e {
                                    names.push(n.id.to_string());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            py::Stmt::AnnAssign(a) if a.value.is_some() => {
                if let py::Expr::Name(n) = &*a.target {
                    names.push(n.id.to_string());
                }
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use crate::lang::parse_program;

    /// Each construct outside the class subset is refused by name, never
    /// accepted with another meaning.
    #[test]
    fn refuses_what_classes_do_not_model() {
        let cases = [
            (
                "class A:\n    class B:\n        pass\n",
                "statement in a class body",
            ),
            (
                "def f():\n    class A:\n        pass\n",
                "class definition inside a function",
            ),
            ("class A(B, C):\n    pass\n", "multiple inheritance"),
            // `super(C, self)` only names the class being defined, bound
            // once, and the method's first parameter.
            (
                "class A:\n    def f(self):\n        return super(B, self).f()\nclass B(A):\n    pass\n",
                "super() with arguments other than",
            ),
            (
                "class A:\n    def f(self, o):\n        return super(A, o).f()\n",
                "super() with arguments other than",
            ),
            (
                "class A:\n    def f(self):\n        return super(A, self).f()\nA = 3\n",
                "super() with arguments other than",
            ),
            (
                "class A:\n    def f(self):\n        return super(A).f()\n",
                "super() with arguments",
            ),
            (
                "class A:\n    @staticmethod\n    def f(x):\n        return super(A, x).f()\n",
                "super() with arguments other than",
            ),
            (
                "class A(metaclass=M):\n    pass\n",
                "keyword arguments in a class",
            ),
            (
                "class A:\n    def x(self):\n        pass\n    y = [x]\n",
                "reading its own method `x`",
            ),
            (
                "class A:\n    @staticmethod\n    def x():\n        pass\n    z = x\n    y = z()\n",
                "reading its own method `z`",
            ),
            (
                "from dataclasses import dataclass\n@dataclass\nclass A:\n    K = 1\n    L = K + 1\n    x: int = 0\n",
                "a dataclass body reading its own name `K`",
            ),
            (
                "class A:\n    x = 1\n    y = x + 1\n    def m(self, k=f()):\n        pass\n",
                "beside a method default that is not a literal",
            ),
            (
                "class A:\n    def __iadd__(self, o):\n        return 1\n",
                "`__iadd__`",
            ),
            (
                "class A:\n    @p.setter\n    def p(self, v):\n        pass\n",
                "a property setter other than",
            ),
            (
                "class A:\n    @property\n    def p(self):\n        return 1\n    @p.setter\n    def q(self, v):\n        pass\n",
                "a property setter other than",
            ),
            (
                "class A:\n    @property\n    def p(self):\n        return 1\n    @p.deleter\n    def p(self):\n        pass\n",
                "decorator",
            ),
            (
                "class A:\n    @property\n    def __len__(self):\n        return 1\n",
                "a decorated special method",
            ),
            (
                "property = 3\nclass A:\n    @property\n    def p(self):\n        return 1\n",
                "decorator",
            ),
            ("p = property\n", "`property`"),
            (
                "class A:\n    def __add__(self, o):\n        return 1\n    __iadd__ = __add__\n",
                "class attribute `__iadd__`",
            ),
            (
                "class A:\n    __slots__ = 5\n",
                "`__slots__` that is not literal",
            ),
            (
                "class A:\n    __slots__ = ('a', 'a')\n",
                "`__slots__` entry",
            ),
            (
                "class A:\n    __slots__ = ('x',)\n    x = 1\n",
                "`__slots__` entry",
            ),
            (
                "class A:\n    L = (1, 2)\n    a, b = L[0], 2\n",
                "reading its own name `L`",
            ),
            (
                "class A:\n    a, *b = 1, 2, 3\n",
                "class attribute assignment",
            ),
            (
                "class A:\n    a, b = 1, 2, 3\n",
                "class attribute assignment",
            ),
            ("x = super()\n", "super()"),
            (
                "class A:\n    def f(self):\n        return super()\n",
                "super()",
            ),
            (
                "class A:\n    @staticmethod\n    def f():\n        return super().f()\n",
                "super()",
            ),
            (
                "class A:\n    def f():\n        return super().f()\n",
                "super()",
            ),
            (
                "class A:\n    def f(self):\n        super().x = 1\n",
                "super()",
            ),
            ("a = 1\na.__dict__ = 2\n", "`__dict__`"),
            ("class A(1 + 2):\n    pass\n", "a base that is not a name"),
            ("print(staticmethod)\n", "`staticmethod`"),
            (
                "class A:\n    x, y = f()\n",
                "class attribute assignment to this target",
            ),
            ("@dec\nclass A:\n    pass\n", "class decorator"),
            ("x = super\n", "`super`"),
        ];
        for (src, want) in cases {
            let e = parse_program(src).expect_err(src);
            assert!(e.message.contains(want), "{src:?}: {e}");
        }
    }

    #[test]
    fn accepts_the_class_subset() {
        let src = "class A(object):\n    \"\"\"Doc.\"\"\"\n    n = 0\n    __slots__ = ('x',)\n    def __init__(self, x=1):\n        self.x = x\n    @staticmethod\n    def s(a):\n        return a\n    @classmethod\n    def c(cls):\n        return cls.n\nclass B(A):\n    def __init__(self):\n        super().__init__(2)\n        self.x += super().s(1)\nb = B()\nb.x = 3\nB.n += 1\nprint(b.x, B.c(), isinstance(b, A))\n";
        let m = parse_program(src).unwrap();
        assert_eq!(m.body.len(), 6);
    }

    /// `@property` and `@x.setter` are kept as written and print back the
    /// same; a program's own `property` is an ordinary name.
    #[test]
    fn properties_are_accepted_and_round_trip() {
        let src = "class A:\n    @property\n    def p(self):\n        return super().p\n    @p.setter\n    def p(self, v):\n        self._p = v\n";
        let m = parse_program(src).unwrap();
        assert_eq!(crate::lang::unparse::unparse(&m), src);
        assert!(parse_program("property = 3\nprint(property)\n").is_ok());
    }

    /// A class attribute naming one bound above it is an alias, dunders
    /// included, and prints back as written.
    #[test]
    fn aliases_of_names_bound_above_are_accepted() {
        let src = "class A:\n    def __add__(self, o):\n        return 1\n    __radd__ = __add__\n    plus = __radd__\n";
        let m = parse_program(src).unwrap();
        assert_eq!(crate::lang::unparse::unparse(&m), src);
    }

    /// A value reading attributes bound above hoists the base and every
    /// value, in order, into hidden globals before the class statement;
    /// reads of names bound only below, in a lambda's body or past a
    /// comprehension's first iterable stay module-level reads (CPython
    /// resolves them as globals), and aliases stay aliases.
    #[test]
    fn a_body_reading_its_attributes_is_hoisted_in_order() {
        let src = "class A(B):\n    x = 1\n    y = [x, z]\n    f = lambda s, k=y: x\n    c = [x for i in y if x]\n    w = y\n    z = 2\n    def m(self, k=-1):\n        return x\n";
        let m = parse_program(src).unwrap();
        let want = "__jd_cls1_base = B\n__jd_cls1_0 = 1\n__jd_cls1_1 = [__jd_cls1_0, z]\n__jd_cls1_2 = lambda s, k=__jd_cls1_1: x\n__jd_cls1_3 = [x for i in __jd_cls1_1 if x]\n__jd_cls1_5 = 2\nclass A(__jd_cls1_base):\n    x = __jd_cls1_0\n    y = __jd_cls1_1\n    f = __jd_cls1_2\n    c = __jd_cls1_3\n    w = y\n    z = __jd_cls1_5\n    def m(self, k=-1):\n        return x\n";
        let text = crate::lang::unparse::unparse(&m);
        assert_eq!(text, want);
        assert_eq!(parse_program(&text).unwrap(), m);
        // Nothing read: nothing moves.
        let plain = "class A:\n    x = 1\n    y = z\n    z = 2\n";
        assert_eq!(
            crate::lang::unparse::unparse(&parse_program(plain).unwrap()),
            plain
        );
    }
}
