//! `heapq`, `functools`, `itertools`, `bisect`, `operator` and `collections`: the functions (and
//! classes) of theirs the language has are
//! written in the language itself (`stdlib_prelude.py`), and the front end
//! lowers a program that imports them to one that defines them.
//!
//! - `heapq.heappush`, `heappop`, `heapify`, `heapreplace`, `heappushpop`
//!   and `functools.reduce`, called as `heapq.heappush(...)` (through
//!   `import heapq [as h]`) or by a name `from heapq import ...` binds:
//!   calls of the prelude's `__jd_heapq_heappush`... in their place, which
//!   make CPython 3.11's C functions' comparisons in their order and raise
//!   their errors with their messages. `heapq.nsmallest` and `nlargest`,
//!   Python functions in CPython (Lib/heapq.py), as written there: `min`/
//!   `max` for one item, `sorted` when `len()` says `n` covers the
//!   iterable, else the decorated max-heap (`_heapify_max`,
//!   `_heapreplace_max`: `_heapqmodule.c`'s max-heap sifts) or min-heap,
//!   with a Python function's binding errors. Known difference: past 2500
//!   items `_heapify_max` sifts in `cache_friendly_heapify`'s order, which
//!   the prelude's does not (the same result, the comparisons in another
//!   order).
//! - `itertools.count`, `chain`, `cycle`, `repeat`, `accumulate`,
//!   `pairwise`, `product`, `permutations`, `combinations`,
//!   `combinations_with_replacement`, `zip_longest`, `islice` and
//!   `groupby` (each group a generator that stops once the groupby moved
//!   on, keys compared identity first as `PyObject_RichCompareBool`), called
//!   alike: functions that take their arguments as CPython's do (`iter()`
//!   of the iterables, the pools of the combinatoric ones read whole, at
//!   the call) and return a generator yielding CPython's items in its
//!   order (`islice` consuming no more of its iterator than CPython's).
//!   The value is a generator: its type and repr say so.
//! - `bisect.bisect_right` (and `bisect`), `bisect_left`, `insort_right`
//!   (and `insort`) and `insort_left`: `_bisect`'s argument clinic (`a, x,
//!   lo=0, hi=None, *, key=None`, with its errors in its order), `hi` of
//!   None or -1 meaning `len(a)`, the comparisons `x < a[mid]` (right) and
//!   `a[mid] < x` (left) in its order, `key` applied to the items (and
//!   once to `x` when inserting), `a.insert(i, x)`. Known differences: `a`
//!   is subscripted as Python code does, so a dict's keys are looked up
//!   where CPython's `PySequence_GetItem` refuses a dict, and `lo`/`hi`
//!   past a C `Py_ssize_t` are not an OverflowError.
//! - `operator.itemgetter(i, ...)` and `attrgetter('a.b', ...)`
//!   (`_operator.c`): the getter is a nested function taking one object,
//!   subscripting it (`getattr` along a dotted name) in the arguments'
//!   order, a tuple for several; their argument errors as CPython's.
//!   Known differences: the getter's repr and type are a function's, and
//!   calling it with other than one argument is a Python function's
//!   TypeError.
//! - `@functools.lru_cache(maxsize=N)` (`N` an int literal or None, also
//!   positional; `typed=False`), `@lru_cache` and `@cache` on a `def`
//!   outside a class: the `def` as written, then a wrapper bound to its
//!   name that keeps results in a dict keyed as CPython's `_make_key`
//!   keys them (the argument itself for one int or str, else the
//!   arguments, a marker and the keywords), a bounded cache evicting the
//!   least recently used entry as CPython's linked list does, and a
//!   `maxsize` of 0 or less caching nothing.
//! - `collections.deque`, `Counter` and `defaultdict`: classes of the
//!   prelude over a list (`_items`) or a dict (`_d`), with the methods,
//!   reprs, comparisons and errors of CPython 3.11's types (a deque's
//!   iterator checks its `_state` as the C one does). What the language's
//!   classes cannot be (a dict subclass, a type named `collections.deque`,
//!   one with `__delitem__`) shows only through `type()`, `isinstance(c,
//!   dict)` and type names in messages; `del c[k]` poisons (tier1
//!   `dunder_stack_op`, the reference's `has_setitem`).
//!
//! Only what keeps the lowered program equal to CPython's is accepted (the
//! checks below, with the construct and its `line:col` otherwise): the
//! names these imports bind are used only as those calls or decorators and
//! never rebound; the prelude's builtins (`len`, `type`, `list`...) are not
//! rebound in the global scope (see [`plan`]); no other attribute of the modules is read (`heapq.nlargest`),
//! nor any attribute of a cached function (`f.cache_info()`); and no name
//! of a program that imports them starts with `__jd_` (a program that
//! does not is free to: the unparsed text of a lowered program defines
//! the prelude's functions itself, and runs as it is). Known differences, which print only
//! where a program shows them: the functions are Python functions (a frame
//! each, and fuel, against the language's limits), a call's keywords are
//! told apart from its arguments by a marker string, not a unique object,
//! and the names the imports bind count for the whole program: a call
//! CPython answers with a NameError (before the import ran, or outside
//! the function that imported) runs.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast as py;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::{Ranged, TextRange};

use crate::lang::ast::{Expr, Module, Stmt};

/// The prelude: one `def` per function (one `class` per `collections`
/// type), named `__jd_<module>_<name>`.
const PRELUDE: &str = concat!(
    include_str!("stdlib_prelude.py"),
    "\n\n",
    include_str!("stdlib_collections.py")
);

/// The modules whose functions the prelude writes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Lib {
    Heapq,
    Functools,
    Itertools,
    Bisect,
    Operator,
    Collections,
}

impl Lib {
    pub(crate) fn of(module: &str) -> Option<Lib> {
        match module {
            "heapq" => Some(Lib::Heapq),
            "functools" => Some(Lib::Functools),
            "itertools" => Some(Lib::Itertools),
            "bisect" => Some(Lib::Bisect),
            "operator" => Some(Lib::Operator),
            "collections" => Some(Lib::Collections),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Lib::Heapq => "heapq",
            Lib::Functools => "functools",
            Lib::Itertools => "itertools",
            Lib::Bisect => "bisect",
            Lib::Operator => "operator",
            Lib::Collections => "collections",
        }
    }
}

/// The functions a program may call, by module.
const FUNCTIONS: [(Lib, &str); 36] = [
    (Lib::Heapq, "heappush"),
    (Lib::Heapq, "heappop"),
    (Lib::Heapq, "heapify"),
    (Lib::Heapq, "heapreplace"),
    (Lib::Heapq, "heappushpop"),
    (Lib::Heapq, "nsmallest"),
    (Lib::Heapq, "nlargest"),
    (Lib::Functools, "reduce"),
    (Lib::Itertools, "count"),
    (Lib::Itertools, "chain"),
    (Lib::Itertools, "cycle"),
    (Lib::Itertools, "repeat"),
    (Lib::Itertools, "accumulate"),
    (Lib::Itertools, "pairwise"),
    (Lib::Itertools, "product"),
    (Lib::Itertools, "permutations"),
    (Lib::Itertools, "combinations"),
    (Lib::Itertools, "combinations_with_replacement"),
    (Lib::Itertools, "zip_longest"),
    (Lib::Itertools, "islice"),
    (Lib::Itertools, "groupby"),
    (Lib::Itertools, "takewhile"),
    (Lib::Itertools, "dropwhile"),
    (Lib::Itertools, "filterfalse"),
    (Lib::Itertools, "starmap"),
    (Lib::Bisect, "bisect_right"),
    (Lib::Bisect, "bisect_left"),
    (Lib::Bisect, "bisect"),
    (Lib::Bisect, "insort_right"),
    (Lib::Bisect, "insort_left"),
    (Lib::Bisect, "insort"),
    (Lib::Operator, "itemgetter"),
    (Lib::Operator, "attrgetter"),
    (Lib::Collections, "deque"),
    (Lib::Collections, "defaultdict"),
    (Lib::Collections, "Counter"),
];

/// The names of [`FUNCTIONS`] that are classes, which a program may also
/// use as values (`defaultdict(Counter)`, `isinstance(q, deque)`).
const CLASSES: [(Lib, &str); 3] = [
    (Lib::Collections, "deque"),
    (Lib::Collections, "defaultdict"),
    (Lib::Collections, "Counter"),
];

/// `functools`' decorators.
const DECORATORS: [&str; 2] = ["lru_cache", "cache"];

/// The builtins the prelude and the cache wrappers read.
const PRELUDE_BUILTINS: [&str; 17] = [
    "len",
    "bool",
    "type",
    "list",
    "tuple",
    "range",
    "ValueError",
    "int",
    "str",
    "iter",
    "next",
    "IndexError",
    "RuntimeError",
    "TypeError",
    "True",
    "AttributeError",
    "getattr",
];

/// The builtins `collections`' classes read besides [`PRELUDE_BUILTINS`]:
/// a program importing it may not bind them either.
const COLLECTIONS_BUILTINS: [&str; 12] = [
    "isinstance",
    "max",
    "OverflowError",
    "StopIteration",
    "callable",
    "sorted",
    "KeyError",
    "NotImplemented",
    "property",
    "IndexError",
    "ValueError",
    "RuntimeError",
];

/// The prefix of the prelude's names, which programs may not use.
pub const RESERVED_PREFIX: &str = "__jd_";

/// The name the prelude gives `module.function`. `bisect.bisect` and
/// `bisect.insort` are CPython's other names of `bisect_right` and
/// `insort_right`: the same functions.
fn prelude_name(lib: Lib, function: &str) -> String {
    let function = match (lib, function) {
        (Lib::Bisect, "bisect") => "bisect_right",
        (Lib::Bisect, "insort") => "insort_right",
        _ => function,
    };
    format!("{RESERVED_PREFIX}{}_{function}", lib.name())
}

/// A cache decorator's policy.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cache {
    /// `@cache`, `@lru_cache(maxsize=None)`.
    Unbounded,
    /// `@lru_cache`, `@lru_cache(maxsize=N)` with `N > 0`.
    Bounded(u64),
    /// `maxsize` 0 or less: CPython calls the function every time.
    Uncached,
}

/// What a program imports of the modules (names bound anywhere).
#[derive(Default, Debug)]
pub(crate) struct Plan {
    /// `import heapq [as h]`: the name and its module.
    modules: BTreeMap<String, Lib>,
    /// `from heapq import heappush [as p]`: the name and the prelude
    /// function it stands for.
    functions: BTreeMap<String, String>,
    /// `from functools import lru_cache [as c]`: the name and which one.
    decorators: BTreeMap<String, &'static str>,
    libs: BTreeSet<Lib>,
}

type Refusal = (String, TextRange);

impl Plan {
    /// Whether the program imports nothing of the modules.
    pub(crate) fn is_empty(&self) -> bool {
        self.libs.is_empty()
    }

    /// Whether `e` names one of the modules (`heapq`, `h` of `import heapq
    /// as h`).
    pub(crate) fn is_module(&self, e: &py::Expr) -> bool {
        matches!(e, py::Expr::Name(n) if self.modules.contains_key(n.id.as_str()))
    }

    /// Whether `name` is bound by a `from collections import` of a class.
    fn is_class(&self, name: &str) -> bool {
        self.functions
            .get(name)
            .is_some_and(|p| CLASSES.iter().any(|&(lib, c)| *p == prelude_name(lib, c)))
    }

    fn binds(&self, name: &str) -> bool {
        self.modules.contains_key(name)
            || self.functions.contains_key(name)
            || self.decorators.contains_key(name)
    }

    /// The cache policy of decorator `e`, if it is one of `functools`'
    /// (`Some(Err)`: one the language refuses).
    pub(crate) fn cache_decorator(&self, e: &py::Expr) -> Option<Result<Cache, Refusal>> {
        let which = |f: &py::Expr| -> Option<&'static str> {
            match f {
                py::Expr::Name(n) => self.decorators.get(n.id.as_str()).copied(),
                py::Expr::Attribute(a) => match &*a.value {
                    py::Expr::Name(m)
                        if self.modules.get(m.id.as_str()) == Some(&Lib::Functools) =>
                    {
                        DECORATORS.into_iter().find(|d| *d == a.attr.as_str())
                    }
                    _ => None,
                },
                _ => None,
            }
        };
        if let Some(d) = which(e) {
            return Some(Ok(if d == "cache" {
                Cache::Unbounded
            } else {
                Cache::Bounded(128)
            }));
        }
        let py::Expr::Call(c) = e else {
            return None;
        };
        let d = which(&c.func)?;
        let refuse = |what: &str| Some(Err((format!("{what} (outside S0)"), e.range())));
        if d == "cache" {
            return refuse("`cache(...)` as a decorator");
        }
        let mut maxsize = None;
        if let [m] = &c.arguments.args[..] {
            maxsize = Some(m);
        } else if !c.arguments.args.is_empty() {
            return refuse("`lru_cache` with more than one positional argument");
        }
        for k in c.arguments.keywords.iter() {
            match k.arg.as_ref().map(|a| a.as_str()) {
                Some("maxsize") if maxsize.is_none() => maxsize = Some(&k.value),
                Some("typed") if matches!(&k.value, py::Expr::BooleanLiteral(b) if !b.value) => {}
                _ => {
                    return refuse("an `lru_cache` argument other than `maxsize` or `typed=False`");
                }
            }
        }
        Some(Ok(match maxsize {
            None => Cache::Bounded(128),
            Some(py::Expr::NoneLiteral(_)) => Cache::Unbounded,
            Some(py::Expr::NumberLiteral(n)) => match &n.value {
                py::Number::Int(i) => match i.as_u64() {
                    Some(0) => Cache::Uncached,
                    Some(n) => Cache::Bounded(n),
                    None => return refuse("an `lru_cache` size that is not a small int"),
                },
                _ => return refuse("an `lru_cache` size that is not an int or None"),
            },
            // `-1`: a negative size caches nothing.
            Some(py::Expr::UnaryOp(u))
                if u.op == py::UnaryOp::USub
                    && matches!(&*u.operand, py::Expr::NumberLiteral(n)
                        if matches!(n.value, py::Number::Int(_))) =>
            {
                Cache::Uncached
            }
            Some(_) => return refuse("an `lru_cache` size that is not an int literal or None"),
        }))
    }
}

/// What `body` imports of `heapq` and `functools`, and whether it uses it
/// only as the language can lower (module comment); `bound` is every name
/// the program binds.
///
/// The prelude is defined at module level, so its builtins change only
/// where the global scope binds them (`module_bound_names`): a method
/// named `next` or a local `max` is no concern. A cache's wrapper is the
/// exception: it stands where its `def` does, so inside a function it
/// reads that function's locals too, and then every binding counts.
pub(crate) fn plan(body: &[py::Stmt], bound: &BTreeSet<String>) -> Result<Plan, Refusal> {
    let mut imports = Imports::default();
    imports.visit_body(body);
    if let Some(r) = imports.refusal {
        return Err(r);
    }
    let plan = imports.plan;
    let mut uses = Uses {
        plan: &plan,
        refusal: None,
        in_class: false,
        in_function: false,
        nested_cache: false,
        cached: BTreeSet::new(),
    };
    uses.visit_body(body);
    if let Some(r) = uses.refusal {
        return Err(r);
    }
    if let Some(r) = cached_attribute(body, &uses.cached) {
        return Err(r);
    }
    let collections = plan.libs.contains(&Lib::Collections);
    let module_bound;
    let bound = if uses.nested_cache {
        bound
    } else {
        module_bound = super::builtins::module_bound_names(body);
        &module_bound
    };
    if !plan.is_empty()
        && let Some(b) = PRELUDE_BUILTINS
            .iter()
            .chain(COLLECTIONS_BUILTINS.iter().filter(|_| collections))
            .find(|b| bound.contains(**b))
    {
        let at = imports.first_import.unwrap_or_default();
        return Err((
            format!(
                "`heapq`, `functools`, `itertools`, `bisect`, `operator` or `collections` in a program that binds `{b}` (outside S0)"
            ),
            at,
        ));
    }
    Ok(plan)
}

#[derive(Default)]
struct Imports {
    plan: Plan,
    refusal: Option<Refusal>,
    first_import: Option<TextRange>,
}

impl Imports {
    fn refuse(&mut self, what: String, at: TextRange) {
        self.refusal
            .get_or_insert((format!("{what} (outside S0)"), at));
    }
}

impl<'a> Visitor<'a> for Imports {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::Import(i) => {
                for alias in i.names.iter() {
                    if let Some(lib) = Lib::of(alias.name.id.as_str()) {
                        let name = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                        self.plan.modules.insert(name, lib);
                        self.plan.libs.insert(lib);
                        self.first_import.get_or_insert(stmt.range());
                    }
                }
            }
            py::Stmt::ImportFrom(i) if i.level == 0 => {
                let Some(lib) = i.module.as_ref().and_then(|m| Lib::of(m.id.as_str())) else {
                    return;
                };
                self.plan.libs.insert(lib);
                self.first_import.get_or_insert(stmt.range());
                for alias in i.names.iter() {
                    let attr = alias.name.id.as_str();
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    if FUNCTIONS.contains(&(lib, attr)) {
                        self.plan.functions.insert(name, prelude_name(lib, attr));
                    } else if let (Lib::Functools, Some(d)) =
                        (lib, DECORATORS.into_iter().find(|d| *d == attr))
                    {
                        self.plan.decorators.insert(name, d);
                    } else {
                        self.refuse(
                            format!("`from {} import {attr}`", lib.name()),
                            alias.range(),
                        );
                    }
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }
}

/// Checks every use of the names the imports bind.
struct Uses<'p> {
    plan: &'p Plan,
    refusal: Option<Refusal>,
    /// Directly in a class body.
    in_class: bool,
    /// Inside a function's body, at any depth.
    in_function: bool,
    /// Whether a cache decorates a `def` inside a function.
    nested_cache: bool,
    /// The names of the functions a cache decorates.
    cached: BTreeSet<String>,
}

impl Uses<'_> {
    fn refuse(&mut self, what: String, at: TextRange) {
        self.refusal
            .get_or_insert((format!("{what} (outside S0)"), at));
    }

    fn check_binding(&mut self, name: &str, at: TextRange) {
        if self.plan.binds(name) {
            self.refuse(format!("`{name}` bound again after its import"), at);
        }
        if !self.plan.is_empty() && name.starts_with(RESERVED_PREFIX) {
            self.refuse(
                format!("the name `{name}` (`{RESERVED_PREFIX}` is reserved)"),
                at,
            );
        }
    }
}

impl<'a> Visitor<'a> for Uses<'_> {
    fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
        match stmt {
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => {
                // The stdlib imports bind their names; any other import of
                // one of those names rebinds it.
                let aliases: Vec<&py::Alias> = match stmt {
                    py::Stmt::Import(i) => i
                        .names
                        .iter()
                        .filter(|a| Lib::of(a.name.id.as_str()).is_none())
                        .collect(),
                    py::Stmt::ImportFrom(i)
                        if i.module
                            .as_ref()
                            .and_then(|m| Lib::of(m.id.as_str()))
                            .is_none() =>
                    {
                        i.names.iter().collect()
                    }
                    _ => Vec::new(),
                };
                for a in aliases {
                    let name = a.asname.as_ref().unwrap_or(&a.name).to_string();
                    self.check_binding(&name, a.range());
                }
            }
            py::Stmt::FunctionDef(f) => {
                self.check_binding(f.name.as_str(), f.range());
                let mut rest = Vec::new();
                for d in &f.decorator_list {
                    match self.plan.cache_decorator(&d.expression) {
                        Some(Ok(_)) if self.in_class => {
                            self.refuse("a `functools` cache on a method".into(), d.range());
                        }
                        Some(Ok(_)) if f.decorator_list.len() > 1 => {
                            self.refuse(
                                "a `functools` cache with another decorator".into(),
                                d.range(),
                            );
                        }
                        Some(Ok(_)) => {
                            self.cached.insert(f.name.to_string());
                            self.nested_cache |= self.in_function;
                        }
                        Some(Err((what, at))) => {
                            self.refusal.get_or_insert((what, at));
                        }
                        None => rest.push(d),
                    }
                }
                for d in rest {
                    self.visit_decorator(d);
                }
                let outer = std::mem::replace(&mut self.in_class, false);
                self.visit_parameters(&f.parameters);
                if let Some(r) = &f.returns {
                    self.visit_annotation(r);
                }
                let outer_function = std::mem::replace(&mut self.in_function, true);
                self.visit_body(&f.body);
                self.in_function = outer_function;
                self.in_class = outer;
            }
            py::Stmt::ClassDef(c) => {
                self.check_binding(c.name.as_str(), c.range());
                for d in &c.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(args) = &c.arguments {
                    self.visit_arguments(args);
                }
                let outer = std::mem::replace(&mut self.in_class, true);
                self.visit_body(&c.body);
                self.in_class = outer;
            }
            _ => {
                let outer = std::mem::replace(&mut self.in_class, false);
                visitor::walk_stmt(self, stmt);
                self.in_class = outer;
            }
        }
    }

    fn visit_expr(&mut self, expr: &'a py::Expr) {
        match expr {
            py::Expr::Call(c) => {
                let callee_ok = match &*c.func {
                    py::Expr::Name(n) => self.plan.functions.contains_key(n.id.as_str()),
                    py::Expr::Attribute(a) => match &*a.value {
                        py::Expr::Name(m) => match self.plan.modules.get(m.id.as_str()) {
                            Some(&lib) if FUNCTIONS.contains(&(lib, a.attr.as_str())) => true,
                            Some(&lib) => {
                                self.refuse(
                                    format!("`{}.{}`", lib.name(), a.attr.as_str()),
                                    a.range(),
                                );
                                true
                            }
                            None => false,
                        },
                        _ => false,
                    },
                    _ => false,
                };
                if !callee_ok {
                    self.visit_expr(&c.func);
                }
                self.visit_arguments(&c.arguments);
            }
            // `collections.deque` as a value: the class.
            py::Expr::Attribute(a)
                if a.ctx.is_load()
                    && matches!(&*a.value, py::Expr::Name(m)
                    if self.plan.modules.get(m.id.as_str()).is_some_and(|&lib| {
                        CLASSES.contains(&(lib, a.attr.as_str()))
                    })) => {}
            py::Expr::Name(n) => {
                let name = n.id.as_str();
                if self.plan.binds(name) && !(n.ctx.is_load() && self.plan.is_class(name)) {
                    let what = if n.ctx.is_load() {
                        format!("`{name}` other than called or as a decorator")
                    } else {
                        format!("`{name}` bound again after its import")
                    };
                    self.refuse(what, n.range());
                }
                if !self.plan.is_empty() && name.starts_with(RESERVED_PREFIX) {
                    self.refuse(
                        format!("the name `{name}` (`{RESERVED_PREFIX}` is reserved)"),
                        n.range(),
                    );
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_parameter(&mut self, parameter: &'a py::Parameter) {
        self.check_binding(parameter.name.as_str(), parameter.range());
        visitor::walk_parameter(self, parameter);
    }

    fn visit_except_handler(&mut self, handler: &'a py::ExceptHandler) {
        let py::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name {
            self.check_binding(name.as_str(), name.range());
        }
        visitor::walk_except_handler(self, handler);
    }
}

/// The first read of an attribute of a cached function (`f.cache_info`,
/// `f.__wrapped__`, `f.__name__`): the lowered function has none of them.
fn cached_attribute(body: &[py::Stmt], cached: &BTreeSet<String>) -> Option<Refusal> {
    struct Attrs<'c> {
        cached: &'c BTreeSet<String>,
        found: Option<Refusal>,
    }
    impl<'a> Visitor<'a> for Attrs<'_> {
        fn visit_expr(&mut self, expr: &'a py::Expr) {
            if let py::Expr::Attribute(a) = expr
                && let py::Expr::Name(n) = &*a.value
                && self.cached.contains(n.id.as_str())
            {
                self.found.get_or_insert((
                    format!(
                        "`{}.{}` of a `functools`-cached function (outside S0)",
                        n.id, a.attr
                    ),
                    a.range(),
                ));
            }
            visitor::walk_expr(self, expr);
        }
    }
    if cached.is_empty() {
        return None;
    }
    let mut attrs = Attrs {
        cached,
        found: None,
    };
    attrs.visit_body(body);
    attrs.found
}

/// The marker the front end lowers a cache decorator to (a call of this
/// name with the size, or None for no bound), which [`lower`] expands.
pub(crate) const CACHE_MARKER: &str = "__jd_functools_lru_cache";

/// The marker expression for `cache`.
pub(crate) fn cache_marker(cache: Cache) -> Expr {
    let size = match cache {
        Cache::Unbounded => Expr::None,
        Cache::Bounded(n) => Expr::Int(n.to_string()),
        Cache::Uncached => Expr::Int("0".into()),
    };
    Expr::Call {
        func: Box::new(Expr::Name(CACHE_MARKER.into())),
        args: vec![size],
        keywords: vec![],
    }
}

/// Lowers `module` by `plan`: calls of the modules' functions become calls
/// of the prelude's, the imports go, cached `def`s get their wrapper, and
/// the prelude's functions of the modules imported are defined first
/// (after a docstring). `parse` parses trusted source (the prelude, the
/// wrappers), which may use the reserved names.
pub(crate) fn lower<E>(
    mut module: Module,
    plan: &Plan,
    parse: &dyn Fn(&str) -> Result<Module, E>,
) -> Result<Module, E> {
    if plan.is_empty() {
        return Ok(module);
    }
    for s in module.body.iter_mut() {
        s.for_each_expr_mut(&mut |e| rename_calls(e, plan));
    }
    let mut count = 0usize;
    let body = lower_block(std::mem::take(&mut module.body), parse, &mut count)?;
    let prelude = parse(PRELUDE)?;
    let mut wanted = BTreeSet::new();
    for s in &body {
        s.for_each_expr(&mut |e| read_prelude_names(e, &mut wanted));
    }
    let defs = prelude_closure(prelude.body, wanted);
    let doc = usize::from(target_is_doc(body.first()));
    let mut out: Vec<Stmt> = body[..doc].to_vec();
    out.extend(defs);
    out.extend(body.into_iter().skip(doc));
    module.body = out;
    Ok(module)
}

/// Every prelude name `e` reads (a class's methods read their class and
/// others by name, `isinstance(x, __jd_collections_deque)`).
fn read_prelude_names(e: &Expr, out: &mut BTreeSet<String>) {
    if let Expr::Name(n) = e
        && n.starts_with(RESERVED_PREFIX)
    {
        out.insert(n.clone());
    }
    e.for_each_child(&mut |c| read_prelude_names(c, out));
}

/// The name a prelude statement defines, if it is a `def` or a `class`.
fn prelude_def_name(s: &Stmt) -> Option<&String> {
    match s {
        Stmt::FunctionDef { name, .. } | Stmt::ClassDef { name, .. } => Some(name),
        _ => None,
    }
}

/// The prelude's `def`s and `class`es of `wanted` and of every prelude
/// name they read, in the prelude's order.
fn prelude_closure(prelude: Vec<Stmt>, mut wanted: BTreeSet<String>) -> Vec<Stmt> {
    loop {
        let mut more = BTreeSet::new();
        for s in &prelude {
            if prelude_def_name(s).is_some_and(|n| wanted.contains(n)) {
                s.for_each_expr(&mut |e| read_prelude_names(e, &mut more));
            }
        }
        let before = wanted.len();
        wanted.extend(more);
        if wanted.len() == before {
            break;
        }
    }
    prelude
        .into_iter()
        .filter(|s| prelude_def_name(s).is_some_and(|n| wanted.contains(n)))
        .collect()
}

fn target_is_doc(s: Option<&Stmt>) -> bool {
    match s {
        Some(Stmt::Assign { target, value }) => {
            target == "__doc__" && matches!(value, Expr::Str(_))
        }
        Some(Stmt::Expr(Expr::Str(_))) => true,
        _ => false,
    }
}

/// `heapq.heappush(...)` and `heappush(...)` become calls of the prelude's,
/// and `collections`' classes used as values (`Counter`,
/// `collections.deque`) the prelude's classes.
fn rename_calls(e: &mut Expr, plan: &Plan) {
    e.for_each_child_mut(&mut |c| rename_calls(c, plan));
    match e {
        Expr::Name(n) if plan.is_class(n) => {
            if let Some(p) = plan.functions.get(n.as_str()) {
                *n = p.clone();
            }
        }
        Expr::Attribute { value, attr } => {
            if let Expr::Name(m) = &**value
                && let Some(&lib) = plan.modules.get(m)
                && CLASSES.contains(&(lib, attr.as_str()))
            {
                *e = Expr::Name(prelude_name(lib, attr));
            }
        }
        Expr::MethodCall {
            receiver,
            method,
            args,
        } => {
            if let Expr::Name(m) = &**receiver
                && let Some(&lib) = plan.modules.get(m)
            {
                *e = Expr::Call {
                    func: Box::new(Expr::Name(prelude_name(lib, method))),
                    args: std::mem::take(args),
                    keywords: vec![],
                };
            }
        }
        Expr::Call { func, .. } => match &**func {
            Expr::Name(f) => {
                if let Some(p) = plan.functions.get(f) {
                    **func = Expr::Name(p.clone());
                }
            }
            // `itertools.product(*xs)`, `heapq.heappush(h, item=1)`.
            Expr::Attribute { value, attr } => {
                if let Expr::Name(m) = &**value
                    && let Some(&lib) = plan.modules.get(m)
                {
                    **func = Expr::Name(prelude_name(lib, attr));
                }
            }
            _ => {}
        },
        _ => {}
    }
}

/// The statements of `block` lowered: the imports of the modules dropped
/// (they bind nothing: every use of their names is a call or a decorator,
/// renamed or expanded already), cached `def`s expanded, nested blocks
/// alike.
fn lower_block<E>(
    block: Vec<Stmt>,
    parse: &dyn Fn(&str) -> Result<Module, E>,
    count: &mut usize,
) -> Result<Vec<Stmt>, E> {
    let mut out = Vec::with_capacity(block.len());
    for mut s in block {
        match &mut s {
            Stmt::Import { module, .. } if Lib::of(module).is_some() => continue,
            Stmt::ImportFrom { module, .. } if Lib::of(module).is_some() => continue,
            _ => {}
        }
        s.for_each_block_mut(&mut |b| {
            let inner = lower_block(std::mem::take(b), parse, count)?;
            *b = inner;
            Ok(())
        })?;
        match s {
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } if is_cache_marker(&decorators) => {
                let size = match decorators.first() {
                    Some(Expr::Call { args, .. }) => args.first().cloned(),
                    _ => None,
                };
                out.push(Stmt::FunctionDef {
                    decorators: vec![],
                    name: name.clone(),
                    params,
                    defaults,
                    body,
                    star,
                });
                let cache = match size {
                    Some(Expr::Int(n)) if n == "0" => Cache::Uncached,
                    Some(Expr::Int(n)) => Cache::Bounded(n.parse().unwrap_or(128)),
                    _ => Cache::Unbounded,
                };
                if cache != Cache::Uncached {
                    out.extend(parse(&wrapper(&name, *count, cache))?.body);
                    *count += 1;
                }
            }
            s => out.push(s),
        }
    }
    if out.is_empty() {
        out.push(Stmt::Pass);
    }
    Ok(out)
}

fn is_cache_marker(decorators: &[Expr]) -> bool {
    matches!(decorators, [Expr::Call { func, .. }] if matches!(&**func, Expr::Name(n) if n == CACHE_MARKER))
}

/// The statements after `def name` that cache it: the function kept as
/// `__jd_impl_<name>_<k>`, a dict, and a wrapper bound to `name`.
fn wrapper(name: &str, k: usize, cache: Cache) -> String {
    let imp = format!("{RESERVED_PREFIX}impl_{name}_{k}");
    let dict = format!("{RESERVED_PREFIX}cache_{name}_{k}");
    let key = format!(
        "    if not kwargs and len(args) == 1 and (type(args[0]) is int or type(args[0]) is str):\n        key = args[0]\n    else:\n        key = {RESERVED_PREFIX}functools_key(args, kwargs)\n"
    );
    let body = match cache {
        Cache::Bounded(n) => format!(
            "    if key in {dict}:\n        result = {dict}.pop(key)\n        {dict}[key] = result\n        return result\n    result = {imp}(*args, **kwargs)\n    if key in {dict}:\n        return result\n    if len({dict}) >= {n}:\n        del {dict}[next(iter({dict}))]\n    {dict}[key] = result\n    return result\n"
        ),
        _ => format!(
            "    if key in {dict}:\n        return {dict}[key]\n    result = {imp}(*args, **kwargs)\n    {dict}[key] = result\n    return result\n"
        ),
    };
    format!("{imp} = {name}\n{dict} = {{}}\ndef {name}(*args, **kwargs):\n{key}{body}")
}

#[cfg(test)]
#[path = "stdlib_tests.rs"]
mod tests;
