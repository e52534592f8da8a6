//! The program representation shared by every consumer: the VM's compiler, the
//! independent reference interpreter, the generator and pretty-printer, and the
//! reducer. It is the *only* thing the reference and the VM share, so it holds
//! syntax, never semantics.
//!
//! Language S0: integers, floats, booleans, None, ASCII strings, tuples, lists and dicts,
//! `if/elif/else`, `while`, `for NAME in EXPR`, `break/continue/pass`,
//! assignment (to a name, a subscript or a slice, and unpacking into names)
//! and augmented assignment, `def` with positional parameters (trailing ones
//! may have defaults), `return`,
//! `global`, calls of functions and of methods (`xs.append(1)`).
//! `elif` is an `If` whose `orelse` is a single `If`, exactly as Python's own AST.

/// A whole program (one module).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Module {
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Stmt {
    /// An expression evaluated for its effect (`print(x)`, `f(1)`).
    Expr(Expr),
    /// `target = value` (a single name target).
    Assign {
        target: String,
        value: Expr,
    },
    /// `container[index] = value`; `index` may be an [`Expr::Slice`]
    /// (slice assignment).
    AssignSubscript {
        container: Expr,
        index: Expr,
        value: Expr,
    },
    /// `t0, t1 = value` (unpacking; `t0, = value` has one target, and a
    /// target may itself unpack: `(a, [b, c]), d = value`).
    Unpack {
        targets: Vec<Target>,
        value: Expr,
    },
    /// `t0 = t1 = value`: the value is evaluated once and stored into each
    /// target left to right (a target is a name or an unpacking).
    AssignChain {
        targets: Vec<Target>,
        value: Expr,
    },
    /// `container[index] op= value` (an int-like index, not a slice).
    AugAssignSubscript {
        container: Expr,
        index: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `del t0, t1`: each target (a name, `obj.attr`, `c[i]`, `c[a:b]`, or
    /// a parenthesized list of those) deleted left to right; a name is
    /// bound by it, as by an assignment (CPython's symtable).
    Delete(Vec<Target>),
    /// `target op= value`.
    AugAssign {
        target: String,
        op: BinOp,
        value: Expr,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `while test: body` with an optional `else:` block (`orelse`), run
    /// when the test turns false but not after a `break`.
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for target in iter:`; `orelse` runs when the iterator is
    /// exhausted, not after a `break`.
    For {
        target: String,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for t0, t1 in iter:` (unpacking each item, possibly nested).
    ForUnpack {
        targets: Vec<Target>,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    /// `def name(params): body`, at module level or nested in a function
    /// (then a closure over the enclosing functions' variables).
    FunctionDef {
        /// `@d` lines above the `def`, outermost first: each is evaluated
        /// before the defaults, and applied innermost first to the new
        /// function before it is bound (CPython's order). Empty for
        /// methods, whose `@staticmethod`/`@classmethod` is `Decorated`.
        decorators: Vec<Expr>,
        name: String,
        params: Vec<String>,
        /// Default values of the last positional parameters, then of the
        /// keyword-only ones that have one (see [`StarParams::kwonly`]),
        /// evaluated once when the `def` runs, in that order.
        defaults: Vec<Expr>,
        body: Vec<Stmt>,
        /// Keyword-only parameters, `*args` and `**kwargs`.
        star: StarParams,
    },
    Return(Option<Expr>),
    Global(Vec<String>),
    /// `nonlocal a, b`: the names are variables of an enclosing function.
    Nonlocal(Vec<String>),
    /// `import math` (`as name`): binds `name` to the module. `math` is the
    /// only module (the front end rejects others).
    Import {
        module: String,
        name: String,
    },
    /// `from math import sqrt, pi as p`: binds each `(attribute, name)`.
    ImportFrom {
        module: String,
        names: Vec<(String, String)>,
    },
    /// `class name(base): body`, only at module level (possibly nested in
    /// module-level `if`/loops). At most one base. The body holds only
    /// methods (`FunctionDef`, possibly under `Decorated`), class
    /// attributes (`Assign` to a name, whose value reads no name the body
    /// binds: it is evaluated as if at module level), a docstring and
    /// `pass`. `__slots__` is a class attribute whose value is a tuple or
    /// list of string literals.
    ClassDef {
        name: String,
        bases: Vec<Expr>,
        body: Vec<Stmt>,
    },
    /// `@staticmethod`, `@classmethod`, `@property` or `@x.setter` (the
    /// `decorator`, as written) on a method: only in a class body, `def` a
    /// `FunctionDef` (a setter's named `x`, after `@property def x`).
    Decorated {
        decorator: String,
        def: Box<Stmt>,
    },
    /// `object.attr = value`
    AssignAttr {
        object: Expr,
        attr: String,
        value: Expr,
    },
    /// `raise exc` (an exception class or object), or a bare `raise`,
    /// which with nothing being handled is CPython's RuntimeError.
    Raise(Option<Expr>),
    /// `assert test` or `assert test, msg`.
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `object.attr op= value` (`object` is evaluated once).
    AugAssignAttr {
        object: Expr,
        attr: String,
        op: BinOp,
        value: Expr,
    },
    /// `try: body` with `except` clauses (tried in order), an `else:` run
    /// when the body raised nothing, and a `finally:` run however the
    /// statement is left. At least one handler or a `finally`; a bare
    /// `except:` only last. No `return`, `break` or `continue` leaves a
    /// `finally` block (the front end refuses them).
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    /// `raise exc from cause` (`cause` an exception or `None`).
    RaiseFrom {
        exc: Expr,
        cause: Expr,
    },
}

/// `except typ as name: body`; no `typ` is a bare `except:`. `typ` may be a
/// tuple of classes. `name` is unbound again when the handler ends, as
/// CPython deletes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ExceptHandler {
    pub typ: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    /// A non-negative integer literal, as normalized decimal digits (no sign,
    /// no leading zeros, no `_`). Negative numbers are `UnaryOp(Neg, Int)`, as
    /// in Python's AST. Kept as text so the AST depends on no bigint crate.
    Int(String),
    /// A non-negative float literal, as the bits of its `f64` (so the AST
    /// stays `Eq` and `Hash`). `1e309` is infinity; there is no NaN literal.
    Float(u64),
    Bool(bool),
    None,
    Name(String),
    UnaryOp {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    BinOp {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a and b and c`: at least two values, flattened as Python's parser does.
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    /// `left op0 c0 op1 c1 ...`: a chain; `ops.len() == comparators.len() >= 1`.
    Compare {
        left: Box<Expr>,
        ops: Vec<CmpOp>,
        comparators: Vec<Expr>,
    },
    /// `func(args..., kw=value...)`: keywords follow the positional
    /// arguments, their names distinct. An argument may be `Starred`
    /// (`*xs`: the iterable's items are positional arguments) and a keyword
    /// `**mapping`.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    /// `body if test else orelse`
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// A string literal, decoded; ASCII only (the front end rejects others).
    Str(String),
    /// `(a, b)`, `(a,)`, `()`.
    Tuple(Vec<Expr>),
    /// `*xs`, only as an argument of a `Call`.
    Starred(Box<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{k0: v0, k1: v1}` as (key, value) pairs in source order; `**m` is
    /// the pair `(Starred(m), None)`.
    Dict(Vec<(Expr, Expr)>),
    /// `value[index]`; `index` may be an [`Expr::Slice`].
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `lower:upper:step`, only ever the index of a subscript (as in
    /// Python's AST); each part may be absent.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `value.attr` not called right away: an instance or class
    /// attribute, a bound method as a value (`push = xs.append`), a math
    /// function or constant.
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    /// `super()` inside a method (a function defined directly in a class
    /// body, with at least one parameter): the first parameter's value seen
    /// from the class after the method's own. Only ever the receiver of an
    /// attribute or method call.
    Super,
    /// `receiver.method(args...)`.
    MethodCall {
        receiver: Box<Expr>,
        method: String,
        args: Vec<Expr>,
    },
    /// `[elt for target in iter if cond ... for ...]`: at least one
    /// generator. Its targets are bound in the comprehension's own scope
    /// (Python 3), never in the enclosing one.
    ListComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `lambda params: body`: a function named `<lambda>` whose body
    /// returns `body`; trailing parameters may have defaults.
    Lambda {
        params: Vec<String>,
        defaults: Vec<Expr>,
        body: Box<Expr>,
    },
    /// `{a, b}`: at least one element (`{}` is a dict).
    Set(Vec<Expr>),
    /// `{elt for target in iter ...}`, scoped as [`Expr::ListComp`].
    SetComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `{key: value for target in iter ...}`, scoped as [`Expr::ListComp`];
    /// the key is evaluated before the value (Python 3.8+).
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `(elt for target in iter ...)`: a generator, scoped as
    /// [`Expr::ListComp`]; its first iterable is evaluated (and `iter()`
    /// taken) where the expression is, the rest lazily.
    GeneratorExp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `yield value` (`None` without one). Only ever a whole expression
    /// statement in a function body or the whole value of an assignment to
    /// a name (`x = yield v`, which stores what `send` passes in): the
    /// front end refuses it elsewhere, so a generator resumes at a
    /// statement boundary.
    Yield(Option<Box<Expr>>),
    /// `yield from iterable`, placed as [`Expr::Yield`].
    YieldFrom(Box<Expr>),
    /// `(target := value)`: stores the value into `target` in the scope
    /// the expression is in (a function's local unless declared `global`
    /// or `nonlocal`, a global at module level; from a list, set or dict
    /// comprehension, the scope around it) and is that value. The front
    /// end refuses it inside a generator expression, a lambda and a class
    /// statement, and where CPython raises a SyntaxError (a comprehension's
    /// iterable, a comprehension variable as the target).
    Named {
        target: String,
        value: Box<Expr>,
    },
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Comprehension {
    pub target: Target,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

/// Where an unpacking stores one item: a name, or a nested unpacking
/// (`(a, b)` or `[a, b]` in source; both unpack any iterable alike).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Name(String),
    Unpack(Vec<Target>),
    /// `object.attr`: a target of a chained assignment (`self.x = x = v`)
    /// or of an assignment's unpacking (`self.a, self.b = b, a`); the
    /// object is evaluated when its turn comes.
    Attr {
        object: Box<Expr>,
        attr: String,
    },
    /// `container[index]` (`index` may be an [`Expr::Slice`]): a target of
    /// an assignment's unpacking (`a[i], a[j] = a[j], a[i]`) or of a
    /// chained assignment; container and index are evaluated, in that
    /// order, when its turn comes.
    Subscript {
        container: Box<Expr>,
        index: Box<Expr>,
    },
    /// `*rest` in an unpacking (at most one per level): a list of the
    /// items the other targets leave.
    Starred(Box<Target>),
}

impl Target {
    /// Flat name targets (`a, b = ...`).
    pub fn names(names: Vec<String>) -> Vec<Target> {
        names.into_iter().map(Target::Name).collect()
    }

    /// Calls `f` with every name this target binds, left to right.
    pub fn for_each_name(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Target::Name(n) => f(n),
            Target::Unpack(ts) => ts.iter().for_each(|t| t.for_each_name(f)),
            Target::Starred(t) => t.for_each_name(f),
            Target::Attr { .. } | Target::Subscript { .. } => {}
        }
    }

    /// Calls `f` with the expressions this target evaluates when it is
    /// stored (an attribute's object, a subscript's container and index),
    /// left to right.
    pub fn for_each_expr<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Target::Name(_) => {}
            Target::Unpack(ts) => ts.iter().for_each(|t| t.for_each_expr(f)),
            Target::Starred(t) => t.for_each_expr(f),
            Target::Attr { object, .. } => f(object),
            Target::Subscript { container, index } => {
                f(container);
                f(index);
            }
        }
    }

    /// [`Self::for_each_expr`], mutably.
    pub fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Target::Name(_) => {}
            Target::Unpack(ts) => ts.iter_mut().for_each(|t| t.for_each_expr_mut(f)),
            Target::Starred(t) => t.for_each_expr_mut(f),
            Target::Attr { object, .. } => f(object),
            Target::Subscript { container, index } => {
                f(container);
                f(index);
            }
        }
    }

    /// Whether the target binds `name`.
    pub fn binds(&self, name: &str) -> bool {
        let mut found = false;
        self.for_each_name(&mut |n| found |= n == name);
        found
    }
}

/// `arg=value` in a call, or `**value` (`arg` None: the mapping's items
/// are keyword arguments).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Keyword {
    pub arg: Option<String>,
    pub value: Expr,
}

/// What a `def`'s parameters have after the positional ones: its
/// keyword-only parameters (after `*` or `*args`), `*args` (the extra
/// positional arguments, a tuple) and `**kwargs` (the extra keyword
/// arguments, a dict). Their local slots follow the positional
/// parameters', in that order, as in CPython's `co_varnames`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct StarParams {
    pub vararg: Option<String>,
    pub varkw: Option<String>,
    /// Each keyword-only parameter, with whether it has a default. The
    /// defaults are the last ones of the `def`'s `defaults`, after the
    /// positional parameters' (CPython evaluates them in that order).
    #[serde(default)]
    pub kwonly: Vec<(String, bool)>,
}

impl StarParams {
    pub fn is_empty(&self) -> bool {
        self.vararg.is_none() && self.varkw.is_none() && self.kwonly.is_empty()
    }

    /// The names in local-slot order: keyword-only ones, `*args`,
    /// `**kwargs`.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.kwonly
            .iter()
            .map(|(n, _)| n)
            .chain(self.vararg.iter())
            .chain(self.varkw.iter())
    }

    /// How many of a `def`'s `defaults` are its keyword-only parameters'.
    pub fn kwonly_defaults(&self) -> usize {
        self.kwonly.iter().filter(|(_, d)| *d).count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    /// `~x`
    Invert,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    FloorDiv,
    Mod,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
    /// True division `/`.
    Div,
    /// `**` (right-associative, binds tighter than unary minus on its left).
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BoolOp {
    And,
    Or,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    /// `in` (membership, compiled to CONTAINS_OP, not COMPARE_OP).
    In,
    /// `not in`.
    NotIn,
    /// `is` (identity, compiled to IS_OP).
    Is,
    /// `is not`.
    IsNot,
}

impl BinOp {
    /// In BINARY_OP oparg order (new operators go at the end).
    pub const ALL: [BinOp; 12] = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::FloorDiv,
        BinOp::Mod,
        BinOp::BitAnd,
        BinOp::BitOr,
        BinOp::BitXor,
        BinOp::LShift,
        BinOp::RShift,
        BinOp::Div,
        BinOp::Pow,
    ];
    /// The operator as written in source (`+`, `//`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::Div => "/",
            BinOp::Pow => "**",
        }
    }

    /// The operators defined on ints only (a float operand is a TypeError).
    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift
        )
    }

    /// `&`, `|` and `^`: on two bools the result is a bool.
    pub fn is_bitwise_logic(self) -> bool {
        matches!(self, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor)
    }
}

impl CmpOp {
    /// The rich comparisons (COMPARE_OP's oparg order); membership tests
    /// are not among them.
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::NotEq,
        CmpOp::Lt,
        CmpOp::LtE,
        CmpOp::Gt,
        CmpOp::GtE,
    ];
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }

    /// `in` and `not in`.
    pub fn is_membership(self) -> bool {
        matches!(self, CmpOp::In | CmpOp::NotIn)
    }

    /// `is` and `is not`.
    pub fn is_identity(self) -> bool {
        matches!(self, CmpOp::Is | CmpOp::IsNot)
    }
}

impl Expr {
    /// An integer constant of any sign, as Python's parser would produce it.
    pub fn int(v: i128) -> Expr {
        let lit = Expr::Int(v.unsigned_abs().to_string());
        if v < 0 {
            Expr::UnaryOp {
                op: UnaryOp::Neg,
                operand: Box::new(lit),
            }
        } else {
            lit
        }
    }
    /// A float constant of any sign (negative ones as `UnaryOp(Neg, ..)`).
    /// NaN has no literal: callers build it from an expression.
    pub fn float(v: f64) -> Expr {
        debug_assert!(!v.is_nan());
        let lit = Expr::Float(v.abs().to_bits());
        if v.is_sign_negative() {
            Expr::UnaryOp {
                op: UnaryOp::Neg,
                operand: Box::new(lit),
            }
        } else {
            lit
        }
    }
    pub fn name(n: &str) -> Expr {
        Expr::Name(n.to_string())
    }
    /// `func(args)` where `func` is a name.
    pub fn call(func: &str, args: Vec<Expr>) -> Expr {
        Expr::Call {
            func: Box::new(Expr::name(func)),
            args,
            keywords: vec![],
        }
    }
}

#[path = "ast_walk.rs"]
mod walk;
pub use walk::*;
