//! The program representation shared by every consumer: the VM's compiler, the
//! independent reference interpreter, the generator and pretty-printer, and the
//! reducer. It is the *only* thing the reference and the VM share, so it holds
//! syntax, never semantics.
//!
//! Language S0: integers, floats, booleans, None, ASCII strings, tuples, lists and dicts,
//! `if/elif/else`, `while`, `for NAME in EXPR`, `break/continue/pass`,
//! assignment (to a name, a subscript or a slice, and unpacking into names)
//! and augmented assignment, `def` with positional parameters, `return`,
//! `global`, calls of functions and of methods (`xs.append(1)`).
//! `elif` is an `If` whose `orelse` is a single `If`, exactly as Python's own AST.

use std::collections::BTreeSet;

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
    /// `t0, t1 = value` (unpacking into names; `t0, = value` has one).
    Unpack {
        targets: Vec<String>,
        value: Expr,
    },
    /// `container[index] op= value` (an int-like index, not a slice).
    AugAssignSubscript {
        container: Expr,
        index: Expr,
        op: BinOp,
        value: Expr,
    },
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
    While {
        test: Expr,
        body: Vec<Stmt>,
    },
    /// `for target in iter:` (S0 programs iterate `range(...)`).
    For {
        target: String,
        iter: Expr,
        body: Vec<Stmt>,
    },
    /// `for t0, t1 in iter:` (unpacking each item into names).
    ForUnpack {
        targets: Vec<String>,
        iter: Expr,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    /// `def name(params): body`. Only at module level (possibly nested in
    /// module-level `if`/loops); nested functions would need closures.
    FunctionDef {
        name: String,
        params: Vec<String>,
        body: Vec<Stmt>,
    },
    Return(Option<Expr>),
    Global(Vec<String>),
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
    /// arguments (the front end accepts only `print`'s `sep` and `end`).
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
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{k0: v0, k1: v1}` as (key, value) pairs in source order (`{**d}` is
    /// rejected by the front end).
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
    /// `receiver.method(args...)`: attributes exist only as method calls.
    MethodCall {
        receiver: Box<Expr>,
        method: String,
        args: Vec<Expr>,
    },
}

/// `arg=value` in a call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Keyword {
    pub arg: String,
    pub value: Expr,
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

/// Python's scoping rule for a function body: a name is local if it is a
/// parameter or is bound anywhere in the body (assignment, augmented
/// assignment, `for` target, nested `def`) and not declared `global`.
/// Shared because it is syntax (decided at compile time), not semantics.
pub fn function_locals(params: &[String], body: &[Stmt]) -> (Vec<String>, BTreeSet<String>) {
    let mut globals = BTreeSet::new();
    collect_globals(body, &mut globals);
    let mut locals: Vec<String> = params.to_vec();
    collect_bound(body, &mut |n: &str| {
        if !globals.contains(n) && !locals.iter().any(|l| l == n) {
            locals.push(n.to_string());
        }
    });
    (locals, globals)
}

fn collect_globals(body: &[Stmt], out: &mut BTreeSet<String>) {
    for s in body {
        match s {
            Stmt::Global(names) => out.extend(names.iter().cloned()),
            Stmt::If { body, orelse, .. } => {
                collect_globals(body, out);
                collect_globals(orelse, out);
            }
            Stmt::While { body, .. } | Stmt::For { body, .. } | Stmt::ForUnpack { body, .. } => {
                collect_globals(body, out)
            }
            _ => {}
        }
    }
}

/// Calls `f` with every name bound by `body` (not descending into nested defs'
/// bodies), in source order.
pub fn collect_bound(body: &[Stmt], f: &mut dyn FnMut(&str)) {
    for s in body {
        match s {
            Stmt::Assign { target, .. } | Stmt::AugAssign { target, .. } => f(target),
            Stmt::Unpack { targets, .. } => targets.iter().for_each(|t| f(t)),
            Stmt::For { target, body, .. } => {
                f(target);
                collect_bound(body, f);
            }
            Stmt::ForUnpack { targets, body, .. } => {
                targets.iter().for_each(|t| f(t));
                collect_bound(body, f);
            }
            Stmt::FunctionDef { name, .. } => f(name),
            Stmt::If { body, orelse, .. } => {
                collect_bound(body, f);
                collect_bound(orelse, f);
            }
            Stmt::While { body, .. } => collect_bound(body, f),
            _ => {}
        }
    }
}
