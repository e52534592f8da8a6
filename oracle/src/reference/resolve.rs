//! AST -> resolved tree. Still a tree (the reference walks it), but every
//! name is pre-resolved to a local slot or a global slot and every number
//! literal is pre-parsed, so evaluation does no string lookups or parsing.
//! Scoping follows `function_locals`, the one piece of scoping logic that is
//! shared syntax rather than semantics.

use std::collections::HashMap;
use std::rc::Rc;

use jitdiff_vm::lang::ast::{
    BinOp, BoolOp, CmpOp, Comprehension, Expr, Module, StarParams, Stmt, Target, UnaryOp,
    function_locals,
};
use num_bigint::BigInt;

use super::StackGuard;
use super::methods::Meth;
use super::value::{Builtin, Int, Value};

/// Where a name lives.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    Local(usize),
    Global(usize),
    /// A variable shared with nested functions: the frame's cell `i` (its
    /// own cells first, then its free variables').
    Cell(usize),
}

/// Where an unpacking stores an item: a variable, or a nested unpacking.
#[derive(Debug)]
pub enum Dest {
    Slot(Slot),
    Unpack(Vec<Dest>),
    /// `object.attr` (a chained assignment's or an unpacking's target).
    Attr(Ex, Rc<str>),
    /// `container[index]` (a chained assignment's or an unpacking's
    /// target).
    Subscript(Ex, Index),
    /// `*rest` of an unpacking: gets a list.
    Starred(Box<Dest>),
}

#[derive(Debug)]
pub enum Ex {
    Const(Value),
    /// An integer literal wider than `MAX_INT_BITS` (or, in a hand-built AST,
    /// not decimal digits at all): poisons when evaluated, like any too-wide
    /// integer, and only then.
    BadInt,
    Load(Slot),
    /// `(target := value)`: the value, stored into the slot first.
    Named(Slot, Box<Ex>),
    Unary(UnaryOp, Box<Ex>),
    Bin(BinOp, Box<Ex>, Box<Ex>),
    BoolOp(BoolOp, Vec<Ex>),
    /// `first op0 c0 op1 c1 ...`
    Compare(Box<Ex>, Vec<(CmpOp, Ex)>),
    Call(Box<Ex>, Vec<Ex>),
    /// A call with keyword arguments (boxed: rare, and keeps `Ex` small).
    CallKw(Box<CallKw>),
    /// A call unpacking `*iterable` or `**mapping` arguments.
    CallStar(Box<CallEx>),
    /// `body if test else orelse`: (test, body, orelse).
    IfExp(Box<Ex>, Box<Ex>, Box<Ex>),
    Tuple(Vec<Ex>),
    List(Vec<Ex>),
    /// `*it` among a list, tuple or set display's items: the iterable's
    /// items in its place; as a dict display's key, `**it`.
    Spread(Box<Ex>),
    /// `{k: v, ...}` as (key, value) pairs.
    Dict(Vec<(Ex, Ex)>),
    Subscript(Box<Ex>, Box<Index>),
    /// `receiver.method(args)`.
    Method(Box<Ex>, Meth, Vec<Ex>),
    /// `receiver.name` as a value: a bound method.
    Attr(Box<Ex>, Meth),
    /// A slice outside a subscript (only in a hand-built AST): its parts
    /// are evaluated, then it is None.
    StraySlice(Vec<Ex>),
    ListComp(Box<Comp>),
    /// `lambda`: a new function object for `funcs[code]` (with the default
    /// values' expressions).
    Lambda(usize, Vec<Ex>),
    /// `super().name` or `super().name(args)`.
    Super(Box<SuperEx>),
    /// Something only a hand-built AST has and CPython gives a meaning
    /// the language does not model (a bare `super()`): poisons when run.
    Unmodelled,
    /// A set display; `true`: CPython 3.11 folds it to a frozenset
    /// constant (more than two constant elements) and merges that.
    Set(Vec<Ex>, bool),
    /// A loop's or comprehension's iterable that is a set display of
    /// constants (any number): CPython 3.11's frozenset constant itself
    /// (`fold_iter`), not merged into a new set.
    FrozenSet(Vec<Ex>),
    /// A generator expression: the generator function `funcs[code]` (see
    /// [`super::cells::genexp_function`]) called with `iter()` of the
    /// first iterable.
    GenExp(usize, Box<Ex>),
}

/// `super().name` (`args: None`) or `super().name(args)`.
#[derive(Debug)]
pub struct SuperEx {
    /// The method's first parameter; `None` outside a plain method (only
    /// in a hand-built AST), which poisons.
    pub self_slot: Option<usize>,
    /// Inside a comprehension, a function of its own in CPython 3.11,
    /// whose first argument is the iterator it walks: `super()` there
    /// always fails its instance check.
    pub in_comprehension: bool,
    pub name: Rc<str>,
    pub args: Option<Vec<Ex>>,
}

/// A class statement.
#[derive(Debug)]
pub struct ClassSt {
    pub slot: Slot,
    pub name: Rc<str>,
    pub base: Option<Ex>,
    pub items: Vec<ClassItem>,
    /// A hand-built statement outside the language (several bases, a
    /// body statement a class body cannot hold): poisons when run.
    pub unmodelled: bool,
}

/// One binding of a class body, in source order.
#[derive(Debug)]
pub enum ClassItem {
    /// A method: function table index, default expressions, decorator.
    Def {
        name: Rc<str>,
        code: usize,
        defaults: Vec<Ex>,
        kind: DefKind,
    },
    /// A class attribute and its expression (evaluated as at module level).
    Attr(Rc<str>, Ex),
    /// `y = x` of a name `x` the body bound above: the same entry.
    Alias(Rc<str>, Rc<str>),
}

impl ClassItem {
    /// Whether the item binds `name` in the class body.
    fn binds(&self, name: &str) -> bool {
        match self {
            ClassItem::Def { name: n, .. } | ClassItem::Attr(n, _) | ClassItem::Alias(n, _) => {
                &**n == name
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum DefKind {
    Plain,
    Static,
    Class,
    /// `@property`: the getter.
    Property,
    /// `@x.setter`: property `x`'s setter (`x` was bound just before).
    Setter,
}

/// What a comprehension builds.
#[derive(Debug)]
pub enum CompKind {
    List,
    Set,
    /// The key; the value is the comprehension's `elt`.
    Dict(Ex),
}

/// `[elt for dest in iter if cond ...]`. The comprehension's variables are
/// extra local slots of the code it sits in (`own` lists them), unbound
/// afresh at the start of every run: the same fresh scope CPython gives
/// it, without the function call.
#[derive(Debug)]
pub struct Comp {
    pub own: Vec<usize>,
    pub clauses: Vec<Clause>,
    pub elt: Ex,
    pub kind: CompKind,
}

/// One `for dest in iter if cond...` of a comprehension.
#[derive(Debug)]
pub struct Clause {
    pub dest: Dest,
    pub iter: Ex,
    pub ifs: Vec<Ex>,
}

/// `func(args..., name=value...)`.
#[derive(Debug)]
pub struct CallKw {
    pub func: Ex,
    pub args: Vec<Ex>,
    pub keywords: Vec<(Rc<str>, Ex)>,
}

/// `func(a, *xs, k=v, **m)`: each positional argument with whether it is
/// starred, each keyword with its name (`None`: a `**mapping`).
#[derive(Debug)]
pub struct CallEx {
    pub func: Ex,
    pub args: Vec<(bool, Ex)>,
    pub keywords: Vec<(Option<Rc<str>>, Ex)>,
}

/// A subscript's index: an expression, or a slice's optional parts.
#[derive(Debug)]
pub enum Index {
    Item(Ex),
    Slice([Option<Ex>; 3]),
}

#[derive(Debug)]
pub enum St {
    Expr(Ex),
    Assign(Slot, Ex),
    /// `container[index] = value`: (container, index, value).
    AssignSub(Ex, Index, Ex),
    Unpack(Vec<Dest>, Ex),
    /// `a = b = value`: each destination in turn gets the one value.
    AssignChain(Vec<Dest>, Ex),
    /// `del a, b[i], c.x`: each destination deleted in turn.
    Delete(Vec<Dest>),
    AugAssign(Slot, BinOp, Ex),
    /// `container[index] op= value`: (container, index, op, value).
    AugAssignSub(Ex, Ex, BinOp, Ex),
    If(Ex, Vec<St>, Vec<St>),
    /// `while test: body else: orelse`.
    While(Ex, Vec<St>, Vec<St>),
    /// `for target in iter: body else: orelse`.
    For(Slot, Ex, Vec<St>, Vec<St>),
    /// `for a, b in iter:`
    ForUnpack(Vec<Dest>, Ex, Vec<St>, Vec<St>),
    Break,
    Continue,
    Return(Option<Ex>),
    /// `def`: make a new function object for `funcs[code]` and bind it
    /// (with the default-value expressions, evaluated when the `def` runs,
    /// and the decorators, outermost first).
    Def(Slot, usize, Vec<Ex>, Vec<Ex>),
    /// `pass` and `global` (the latter only matters at resolution time).
    Nothing,
    Class(Box<ClassSt>),
    /// `object.attr = value`: (object, attr, value).
    SetAttr(Ex, Rc<str>, Ex),
    /// `object.attr op= value`.
    AugSetAttr(Box<(Ex, Rc<str>, BinOp, Ex)>),
    /// A statement only a hand-built AST has (a decorated `def` outside a
    /// class body): poisons when run.
    Unmodelled,
    /// `raise exc` or a bare `raise`.
    Raise(Option<Ex>),
    /// `assert test, msg`.
    Assert(Ex, Option<Ex>),
    Try(Box<TrySt>),
    /// `raise exc from cause`.
    RaiseFrom(Ex, Ex),
    /// `yield value` as a whole statement of a generator's body.
    Yield(Option<Ex>),
    /// `x = yield value`: stores what the resume sends in (None for
    /// `next`).
    YieldAssign(Slot, Option<Ex>),
    /// `yield from iterable` as a whole statement.
    YieldFrom(Ex),
}

/// `try: body except...: else: orelse finally: finalbody`.
#[derive(Debug)]
pub struct TrySt {
    pub body: Vec<St>,
    pub handlers: Vec<Handler>,
    pub orelse: Vec<St>,
    pub finalbody: Vec<St>,
}

/// `except typ as name: body` (`typ` None: a bare `except:`).
#[derive(Debug)]
pub struct Handler {
    pub typ: Option<Ex>,
    pub name: Option<Slot>,
    pub body: Vec<St>,
}

#[derive(Debug)]
pub struct FuncCode {
    pub name: Rc<str>,
    /// The positional parameters (not `*args`/`**kwargs`).
    pub params: Vec<String>,
    /// Local slot of each parameter, in order, then of the keyword-only
    /// ones, of `*args`, then of `**kwargs`, for those it has.
    pub param_slots: Vec<usize>,
    /// The keyword-only parameters, each with whether it has a default
    /// (their slots follow the positional parameters').
    pub kwonly: Vec<(String, bool)>,
    /// Whether it has `*args`, and `**kwargs`.
    pub vararg: bool,
    pub varkw: bool,
    /// Name of each local slot (for `UnboundLocalError`).
    pub local_names: Vec<String>,
    pub body: Vec<St>,
    /// Name of each cell of a frame: the function's own cell variables
    /// (`own_cells` of them), then its free variables.
    pub cell_names: Vec<String>,
    pub own_cells: usize,
    /// `(parameter slot, cell)`: parameters that live in cells.
    pub param_cells: Vec<(usize, usize)>,
    /// The cells of the defining frame the new function's free variables
    /// are (its closure, taken when the `def` or `lambda` runs).
    pub captures: Vec<usize>,
    /// A generator function: a call makes a generator object.
    pub is_gen: bool,
}

#[derive(Debug)]
pub struct Program {
    pub module: Vec<St>,
    pub funcs: Vec<FuncCode>,
    /// Name of each global slot.
    pub global_names: Vec<String>,
    /// The module body's local slots: its comprehensions' variables.
    pub module_local_names: Vec<String>,
    /// The builtin a global slot falls back to when unbound (`print`, ...).
    pub builtins: Vec<Option<Value>>,
}

/// The resolver ran out of its stack budget (absurdly deep AST).
pub struct TooDeep;

#[path = "resolve_flow.rs"]
mod flow;

type R<T> = Result<T, TooDeep>;

pub fn resolve(module: &Module, guard: &StackGuard, int_bits: u64) -> R<Program> {
    let mut r = Resolver {
        guard,
        int_bits,
        globals: HashMap::new(),
        global_names: Vec::new(),
        funcs: Vec::new(),
        comp_scope: Vec::new(),
        comp_locals: Vec::new(),
        local_base: 0,
        super_self: None,
        comp_kinds: Vec::new(),
        set_consts: Vec::new(),
    };
    let module_scope = Scope::default();
    let mut body = r.block(&module.body, &module_scope)?;
    // A module docstring is compiled as `__doc__ = '...'` (CPython binds
    // the global; a docstring anywhere else is just an expression).
    if let Some(Stmt::Expr(Expr::Str(_))) = module.body.first()
        && let Some(first) = body.first_mut()
    {
        let doc = std::mem::replace(first, St::Nothing);
        if let St::Expr(value) = doc {
            *first = St::Assign(r.slot("__doc__", &module_scope), value);
        }
    }
    let builtins = r
        .global_names
        .iter()
        .map(|n| match n.as_str() {
            "NotImplemented" => Some(Value::NotImplemented),
            _ => Builtin::named(n).map(Value::Builtin),
        })
        .collect();
    Ok(Program {
        module: body,
        funcs: r.funcs,
        global_names: r.global_names,
        module_local_names: r.comp_locals,
        builtins,
    })
}

/// `locals` is `None` at module level, where every name is global.
#[derive(Default)]
struct Scope {
    locals: Option<HashMap<String, usize>>,
    /// Cell and free variables: the frame's cell of each.
    cells: HashMap<String, usize>,
    /// The names the functions nested here find in enclosing functions.
    child_bound: std::collections::BTreeSet<String>,
    /// The function's qualified name (`None` at module level): a nested
    /// function's is `outer.<locals>.name`, as CPython's `__qualname__`.
    qualname: Option<String>,
}

struct Resolver<'g> {
    guard: &'g StackGuard,
    /// The run's widest int: wider literals poison when evaluated.
    int_bits: u64,
    globals: HashMap<String, usize>,
    global_names: Vec<String>,
    funcs: Vec<FuncCode>,
    /// Comprehension variables in scope (innermost last) and their slots.
    comp_scope: Vec<(String, usize)>,
    /// The current code's comprehension slots, after its `local_base`
    /// ordinary locals.
    comp_locals: Vec<String>,
    local_base: usize,
    /// Inside a plain method: its first parameter's slot (what `super()`
    /// reads).
    super_self: Option<usize>,
    /// The comprehensions (past their first iterable) that enclose the
    /// code being resolved, within the current function, innermost last:
    /// `<listcomp>`, `<setcomp>` or `<dictcomp>` (CPython 3.11's scopes,
    /// which name the lambdas inside them).
    comp_kinds: Vec<&'static str>,
    /// The constant set displays met so far: each one's typed elements
    /// (as a set) and items. CPython's compiler shares one frozenset
    /// constant between equal displays of a module, the first one's.
    set_consts: Vec<(Vec<ConstItem>, Vec<Expr>)>,
}

/// An element of a constant display as CPython's constant cache keys it:
/// its type and value.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum ConstItem {
    Int(BigInt),
    Float(u64),
    Str(String),
    Bool(bool),
    None,
    Tuple(Vec<ConstItem>),
}

impl ConstItem {
    /// Python's `==` between two constants: numbers by value whatever
    /// their type, tuples item by item.
    fn equals(&self, other: &ConstItem) -> bool {
        match (self.number(), other.number()) {
            (Some(a), Some(b)) => return a == b,
            (Some(_), None) | (None, Some(_)) => return false,
            (None, None) => {}
        }
        match (self, other) {
            (ConstItem::Tuple(a), ConstItem::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y))
            }
            _ => self == other,
        }
    }

    /// A number as an exact value: an integer, or a float that is not one
    /// (by its bits, `-0.0` being the integer 0).
    fn number(&self) -> Option<Result<BigInt, u64>> {
        Some(match self {
            ConstItem::Int(i) => Ok(i.clone()),
            ConstItem::Bool(b) => Ok(BigInt::from(*b as u8)),
            ConstItem::Float(bits) => {
                let x = f64::from_bits(*bits);
                if x.is_finite() && x.fract() == 0.0 {
                    Ok(format!("{x:.0}").parse().ok()?)
                } else {
                    Err(*bits)
                }
            }
            _ => return None,
        })
    }
}

fn const_item(e: &Expr) -> Option<ConstItem> {
    Some(match e {
        Expr::Int(d) => ConstItem::Int(d.parse().ok()?),
        Expr::Float(bits) => ConstItem::Float(*bits),
        Expr::Str(s) => ConstItem::Str(s.clone()),
        Expr::Bool(b) => ConstItem::Bool(*b),
        Expr::None => ConstItem::None,
        Expr::UnaryOp { op, operand } => match (op, const_item(operand)?) {
            (UnaryOp::Neg, ConstItem::Int(i)) => ConstItem::Int(-i),
            (UnaryOp::Neg, ConstItem::Float(b)) => ConstItem::Float((-f64::from_bits(b)).to_bits()),
            (UnaryOp::Pos, x @ (ConstItem::Int(_) | ConstItem::Float(_))) => x,
            _ => return None,
        },
        Expr::Tuple(items) => {
            ConstItem::Tuple(items.iter().map(const_item).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

impl Resolver<'_> {
    fn slot(&mut self, name: &str, scope: &Scope) -> Slot {
        if let Some((_, i)) = self.comp_scope.iter().rev().find(|(n, _)| n == name) {
            return Slot::Local(*i);
        }
        if let Some(i) = scope.cells.get(name) {
            return Slot::Cell(*i);
        }
        if let Some(i) = scope.locals.as_ref().and_then(|l| l.get(name)) {
            return Slot::Local(*i);
        }
        let next = self.global_names.len();
        let i = *self.globals.entry(name.to_string()).or_insert(next);
        if i == next {
            self.global_names.push(name.to_string());
        }
        Slot::Global(i)
    }

    fn block(&mut self, body: &[Stmt], scope: &Scope) -> R<Vec<St>> {
        if self.guard.exceeded() {
            return Err(TooDeep);
        }
        body.iter().map(|s| self.stmt(s, scope)).collect()
    }

    fn stmt(&mut self, s: &Stmt, scope: &Scope) -> R<St> {
        Ok(match s {
            Stmt::Expr(Expr::Yield(v)) if scope.locals.is_some() => {
                St::Yield(v.as_ref().map(|e| self.expr(e, scope)).transpose()?)
            }
            Stmt::Expr(Expr::YieldFrom(v)) if scope.locals.is_some() => {
                St::YieldFrom(self.expr(v, scope)?)
            }
            Stmt::Assign {
                target,
                value: Expr::Yield(v),
            } if scope.locals.is_some() => {
                let v = v.as_ref().map(|e| self.expr(e, scope)).transpose()?;
                St::YieldAssign(self.slot(target, scope), v)
            }
            Stmt::Expr(e) => St::Expr(self.expr(e, scope)?),
            Stmt::Assign { target, value } => {
                let value = self.expr(value, scope)?;
                St::Assign(self.slot(target, scope), value)
            }
            Stmt::AssignSubscript {
                container,
                index,
                value,
            } => St::AssignSub(
                self.expr(container, scope)?,
                self.index(index, scope)?,
                self.expr(value, scope)?,
            ),
            Stmt::Unpack { targets, value } => {
                let value = self.expr(value, scope)?;
                St::Unpack(self.dests(targets, scope)?, value)
            }
            Stmt::Delete(targets) => St::Delete(self.dests(targets, scope)?),
            Stmt::AssignChain { targets, value } => {
                let value = self.expr(value, scope)?;
                St::AssignChain(self.dests(targets, scope)?, value)
            }
            Stmt::AugAssign { target, op, value } => {
                let value = self.expr(value, scope)?;
                St::AugAssign(self.slot(target, scope), *op, value)
            }
            Stmt::AugAssignSubscript {
                container,
                index,
                op,
                value,
            } => St::AugAssignSub(
                self.expr(container, scope)?,
                self.expr(index, scope)?,
                *op,
                self.expr(value, scope)?,
            ),
            Stmt::If { test, body, orelse } => St::If(
                self.expr(test, scope)?,
                self.block(body, scope)?,
                self.block(orelse, scope)?,
            ),
            Stmt::While { test, body, orelse } => St::While(
                self.expr(test, scope)?,
                self.block(body, scope)?,
                self.block(orelse, scope)?,
            ),
            Stmt::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let iter = self.iterable(iter, scope)?;
                let target = self.slot(target, scope);
                St::For(
                    target,
                    iter,
                    self.block(body, scope)?,
                    self.block(orelse, scope)?,
                )
            }
            Stmt::ForUnpack {
                targets,
                iter,
                body,
                orelse,
            } => {
                let iter = self.iterable(iter, scope)?;
                St::ForUnpack(
                    self.dests(targets, scope)?,
                    iter,
                    self.block(body, scope)?,
                    self.block(orelse, scope)?,
                )
            }
            Stmt::Break => St::Break,
            Stmt::Continue => St::Continue,
            Stmt::Pass | Stmt::Global(_) | Stmt::Nonlocal(_) => St::Nothing,
            Stmt::Import { module, name } => {
                let m = match module.as_str() {
                    "array" => Value::Arr(super::array::Arr::Module),
                    "random" => Value::Rand(super::random::RandFn::Module),
                    _ => Value::Module,
                };
                St::Assign(self.slot(name, scope), Ex::Const(m))
            }
            // Only `import array` is in the language.
            Stmt::ImportFrom { module, .. } if module == "array" => St::Unmodelled,
            // Bound left to right, as a tuple unpacked.
            Stmt::ImportFrom { module, names } => {
                let mut dests = Vec::new();
                let mut values = Vec::new();
                for (attr, name) in names {
                    let v = if module == "random" {
                        super::random::attr(attr)
                    } else {
                        super::math::attr(attr)
                    };
                    values.push(Ex::Const(v.unwrap_or(Value::None)));
                    dests.push(Dest::Slot(self.slot(name, scope)));
                }
                St::Unpack(dests, Ex::Tuple(values))
            }
            Stmt::Return(v) => St::Return(v.as_ref().map(|e| self.expr(e, scope)).transpose()?),
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } => {
                // Decorators and defaults are evaluated in the enclosing scope.
                let decorators = self.exprs(decorators, scope)?;
                let defaults = self.exprs(defaults, scope)?;
                let code = self.function(name, params, star, body, scope, false)?;
                St::Def(self.slot(name, scope), code, defaults, decorators)
            }
            Stmt::ClassDef { name, bases, body } => self.class_def(name, bases, body, scope)?,
            Stmt::Decorated { .. } => St::Unmodelled,
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody, scope)?,
            Stmt::RaiseFrom { exc, cause } => {
                St::RaiseFrom(self.expr(exc, scope)?, self.expr(cause, scope)?)
            }

            Stmt::AssignAttr {
                object,
                attr,
                value,
            } => St::SetAttr(
                self.expr(object, scope)?,
                Rc::from(attr.as_str()),
                self.expr(value, scope)?,
            ),
            Stmt::AugAssignAttr {
                object,
                attr,
                op,
                value,
            } => St::AugSetAttr(Box::new((
                self.expr(object, scope)?,
                Rc::from(attr.as_str()),
                *op,
                self.expr(value, scope)?,
            ))),
            Stmt::Raise(e) => St::Raise(e.as_ref().map(|e| self.expr(e, scope)).transpose()?),
            Stmt::Assert { test, msg } => St::Assert(
                self.expr(test, scope)?,
                msg.as_ref().map(|m| self.expr(m, scope)).transpose()?,
            ),
        })
    }

    /// A class statement: its base and every class attribute and default
    /// resolve in the enclosing scope (the front end guarantees they read
    /// no name the body binds); methods are functions named `C.m`.
    #[inline(never)]
    fn class_def(&mut self, name: &str, bases: &[Expr], body: &[Stmt], scope: &Scope) -> R<St> {
        let mut unmodelled = bases.len() > 1;
        let base = match bases.first() {
            Some(b) => Some(self.expr(b, scope)?),
            None => None,
        };
        let mut items = Vec::new();
        for s in body {
            let (def, kind) = match s {
                Stmt::Decorated { decorator, def } => match decorator.as_str() {
                    "staticmethod" => (&**def, DefKind::Static),
                    "classmethod" => (&**def, DefKind::Class),
                    "property" => (&**def, DefKind::Property),
                    d if d.strip_suffix(".setter").is_some() => (&**def, DefKind::Setter),
                    _ => {
                        unmodelled = true;
                        continue;
                    }
                },
                other => (other, DefKind::Plain),
            };
            match def {
                // Only `Decorated` decorates a method (the parser's rule).
                Stmt::FunctionDef {
                    decorators: _,
                    name: m,
                    params,
                    defaults,
                    body,
                    star,
                } => {
                    let defaults = self.exprs(defaults, scope)?;
                    let qualname = format!("{name}.{m}");
                    // `super()` works in plain and class methods and
                    // properties.
                    let plain = matches!(
                        kind,
                        DefKind::Plain | DefKind::Class | DefKind::Property | DefKind::Setter
                    );
                    let code = self.function(&qualname, params, star, body, scope, plain)?;
                    items.push(ClassItem::Def {
                        name: Rc::from(m.as_str()),
                        code,
                        defaults,
                        kind,
                    });
                }
                // `__radd__ = __add__`: a name the body bound above (any
                // other value reading one was hoisted by the front end).
                Stmt::Assign {
                    target,
                    value: Expr::Name(src),
                } if matches!(kind, DefKind::Plain) && items.iter().any(|i| i.binds(src)) => {
                    items.push(ClassItem::Alias(
                        Rc::from(target.as_str()),
                        Rc::from(src.as_str()),
                    ));
                }
                Stmt::Assign { target, value } if matches!(kind, DefKind::Plain) => {
                    let value = self.expr(value, scope)?;
                    items.push(ClassItem::Attr(Rc::from(target.as_str()), value));
                }
                // A docstring and `pass` bind nothing.
                Stmt::Pass | Stmt::Expr(Expr::Str(_)) if matches!(kind, DefKind::Plain) => {}
                _ => unmodelled = true,
            }
        }
        Ok(St::Class(Box::new(ClassSt {
            slot: self.slot(name, scope),
            name: Rc::from(name),
            base,
            items,
            unmodelled,
        })))
    }

    /// `super().name` (`args: None`) or `super().name(args)`.
    fn super_ex(&mut self, name: &str, args: Option<&[Expr]>, scope: &Scope) -> R<Ex> {
        let args = match args {
            Some(a) => Some(self.exprs(a, scope)?),
            None => None,
        };
        Ok(Ex::Super(Box::new(SuperEx {
            self_slot: self.super_self,
            in_comprehension: !self.comp_kinds.is_empty(),
            name: Rc::from(name),
            args,
        })))
    }

    fn dests(&mut self, targets: &[Target], scope: &Scope) -> R<Vec<Dest>> {
        targets
            .iter()
            .map(|t| {
                Ok(match t {
                    Target::Name(n) => Dest::Slot(self.slot(n, scope)),
                    Target::Unpack(inner) => Dest::Unpack(self.dests(inner, scope)?),
                    Target::Starred(inner) => {
                        let mut d = self.dests(std::slice::from_ref(&**inner), scope)?;
                        Dest::Starred(Box::new(d.remove(0)))
                    }
                    Target::Attr { object, attr } => {
                        Dest::Attr(self.expr(object, scope)?, Rc::from(attr.as_str()))
                    }
                    Target::Subscript { container, index } => {
                        Dest::Subscript(self.expr(container, scope)?, self.index(index, scope)?)
                    }
                })
            })
            .collect()
    }

    /// `method`: a plain or class method or a property, whose body may
    /// use `super()`.
    fn function(
        &mut self,
        name: &str,
        positional: &[String],
        star: &StarParams,
        body: &[Stmt],
        outer: &Scope,
        method: bool,
    ) -> R<usize> {
        // Keyword-only parameters, `*args` and `**kwargs` are parameters
        // like the others, bound after them.
        let params: Vec<String> = positional.iter().chain(star.names()).cloned().collect();
        let params = params.as_slice();
        let (mut local_names, declared_globals) = function_locals(params, body);
        let is_gen = jitdiff_vm::lang::ast::is_generator(body);
        let analysis = super::cells::analyze(params, body, &outer.child_bound);
        let mut locals = HashMap::new();
        for (i, n) in local_names.iter().enumerate() {
            // First occurrence wins if a hand-built AST repeats a parameter.
            locals.entry(n.clone()).or_insert(i);
        }
        // Parameters are always locals; stay total even if that ever changes.
        let mut param_slots = Vec::with_capacity(params.len());
        for p in params {
            let next = local_names.len();
            let i = *locals.entry(p.clone()).or_insert(next);
            if i == next {
                local_names.push(p.clone());
            }
            param_slots.push(i);
        }
        let cell_names: Vec<String> = analysis
            .cells
            .iter()
            .chain(&analysis.frees)
            .cloned()
            .collect();
        let cells: HashMap<String, usize> = cell_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let param_cells = param_slots
            .iter()
            .zip(params)
            .filter_map(|(slot, p)| cells.get(p).map(|c| (*slot, *c)))
            .collect();
        // A capture the defining scope lacks (impossible by the analysis)
        // would read cell 0: stay total.
        let captures = analysis
            .frees
            .iter()
            .map(|n| outer.cells.get(n).copied().unwrap_or(0))
            .collect();
        let mut child_bound: std::collections::BTreeSet<String> = outer
            .child_bound
            .iter()
            .filter(|n| !declared_globals.contains(*n))
            .cloned()
            .collect();
        child_bound.extend(local_names.iter().cloned());
        let qualname = qualname(outer.qualname.as_deref(), &self.comp_kinds, name);
        let scope = Scope {
            locals: Some(locals),
            cells,
            child_bound,
            qualname: Some(qualname.clone()),
        };
        // The function's comprehensions get slots after its locals; the
        // enclosing code's comprehension scope does not reach inside.
        let outer = (
            std::mem::take(&mut self.comp_scope),
            std::mem::take(&mut self.comp_locals),
            std::mem::replace(&mut self.local_base, local_names.len()),
        );
        let self_slot = if method {
            param_slots.first().copied()
        } else {
            None
        };
        let outer_super = std::mem::replace(&mut self.super_self, self_slot);
        let outer_kinds = std::mem::take(&mut self.comp_kinds);
        let body = self.block(body, &scope);
        (self.super_self, self.comp_kinds) = (outer_super, outer_kinds);
        local_names.append(&mut self.comp_locals);
        (self.comp_scope, self.comp_locals, self.local_base) = outer;
        let body = body?;
        self.funcs.push(FuncCode {
            name: Rc::from(qualname.as_str()),
            params: positional.to_vec(),
            param_slots,
            kwonly: star.kwonly.clone(),
            vararg: star.vararg.is_some(),
            varkw: star.varkw.is_some(),
            local_names,
            body,
            own_cells: analysis.cells.len(),
            cell_names,
            param_cells,
            captures,
            is_gen,
        });
        Ok(self.funcs.len() - 1)
    }

    fn expr(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        if self.guard.exceeded() {
            return Err(TooDeep);
        }
        Ok(match e {
            Expr::Int(digits) => int_literal(digits, self.int_bits),
            // Any bits at all are some float (a hand-built AST may even
            // hold a NaN or a negative one): no literal is bad.
            Expr::Float(bits) => Ex::Const(Value::Float(f64::from_bits(*bits))),
            Expr::Bool(b) => Ex::Const(Value::Bool(*b)),
            Expr::None => Ex::Const(Value::None),
            Expr::Name(n) => Ex::Load(self.slot(n, scope)),
            Expr::UnaryOp { op, operand } => Ex::Unary(*op, Box::new(self.expr(operand, scope)?)),
            Expr::BinOp { op, left, right } => Ex::Bin(
                *op,
                Box::new(self.expr(left, scope)?),
                Box::new(self.expr(right, scope)?),
            ),
            Expr::BoolOp { op, values } => Ex::BoolOp(*op, self.exprs(values, scope)?),
            Expr::IfExp { test, body, orelse } => Ex::IfExp(
                Box::new(self.expr(test, scope)?),
                Box::new(self.expr(body, scope)?),
                Box::new(self.expr(orelse, scope)?),
            ),
            Expr::Compare {
                left,
                ops,
                comparators,
            } => {
                let left = Box::new(self.expr(left, scope)?);
                // A hand-built AST may have mismatched lengths: use the pairs.
                let rest = ops
                    .iter()
                    .zip(comparators)
                    .map(|(op, c)| Ok((*op, self.expr(c, scope)?)))
                    .collect::<R<_>>()?;
                Ex::Compare(left, rest)
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if keywords.is_empty() && !args.iter().any(|a| matches!(a, Expr::Starred(_))) => {
                Ex::Call(Box::new(self.expr(func, scope)?), self.exprs(args, scope)?)
            }
            Expr::Str(s) => Ex::Const(Value::Str(Rc::from(s.as_str()))),
            Expr::Call { .. }
            | Expr::Tuple(_)
            | Expr::List(_)
            | Expr::Subscript { .. }
            | Expr::MethodCall { .. }
            | Expr::Attribute { .. }
            | Expr::Slice { .. }
            | Expr::Dict(_) => self.seq_expr(e, scope)?,
            Expr::ListComp { elt, generators } => {
                self.list_comp(None, elt, generators, Kind::List, scope)?
            }
            Expr::SetComp { elt, generators } => {
                self.list_comp(None, elt, generators, Kind::Set, scope)?
            }
            Expr::DictComp {
                key,
                value,
                generators,
            } => self.list_comp(Some(key), value, generators, Kind::Dict, scope)?,
            Expr::Set(items) => self.set_display(items, scope)?,
            Expr::Super => Ex::Unmodelled,
            Expr::GeneratorExp { elt, generators } => self.genexp(elt, generators, scope)?,
            // A `*x` outside a call's arguments: only a hand-built AST.
            Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Starred(_) => Ex::Unmodelled,
            Expr::Named { target, value } => {
                let value = self.expr(value, scope)?;
                Ex::Named(self.slot(target, scope), Box::new(value))
            }
            Expr::Lambda {
                params,
                defaults,
                body,
            } => {
                let defaults = self.exprs(defaults, scope)?;
                let body = super::cells::lambda_body(body);
                let star = StarParams::default();
                Ex::Lambda(
                    self.function("<lambda>", params, &star, &body, scope, false)?,
                    defaults,
                )
            }
        })
    }

    /// A display's items, `*it` as [`Ex::Spread`].
    fn display_items(&mut self, items: &[Expr], scope: &Scope) -> R<Vec<Ex>> {
        items
            .iter()
            .map(|x| match x {
                Expr::Starred(it) => Ok(Ex::Spread(Box::new(self.expr(it, scope)?))),
                _ => self.expr(x, scope),
            })
            .collect()
    }

    /// A set display; a constant one (see [`Ex::Set`]) equal to an earlier
    /// one as a set of typed values evaluates that one's items instead.
    fn set_display(&mut self, items: &[Expr], scope: &Scope) -> R<Ex> {
        match self.constant_set_items(items, 3) {
            Some(first) => Ok(Ex::Set(self.exprs(&first, scope)?, true)),
            None => Ok(Ex::Set(self.display_items(items, scope)?, false)),
        }
    }

    /// A `for` loop's or a comprehension clause's iterable (see
    /// [`Ex::FrozenSet`]).
    pub(super) fn iterable(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        if let Expr::Set(items) = e
            && let Some(first) = self.constant_set_items(items, 1)
        {
            return Ok(Ex::FrozenSet(self.exprs(&first, scope)?));
        }
        self.expr(e, scope)
    }

    /// The items a display of at least `min_len` constants is built from
    /// (3 for a display, 1 for an iterable): its own, or those of an
    /// earlier display equal to it as a set of typed values (CPython shares
    /// one frozenset); None for any other display.
    fn constant_set_items(&mut self, items: &[Expr], min_len: usize) -> Option<Vec<Expr>> {
        if !(items.len() >= min_len && items.iter().all(folded_constant)) {
            return None;
        }
        // The frozenset's members key it: an item `==` an earlier one
        // (`True` after `1`, `0.0` after `-0.0`) is dropped as the set
        // drops it.
        let mut key: Vec<ConstItem> = Vec::new();
        for item in items.iter().filter_map(const_item) {
            if !key.iter().any(|m| m.equals(&item)) {
                key.push(item);
            }
        }
        key.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Some(match self.set_consts.iter().find(|(k, _)| *k == key) {
            Some((_, first)) => first.clone(),
            None => {
                self.set_consts.push((key, items.to_vec()));
                items.to_vec()
            }
        })
    }

    /// The first iterable is resolved in the enclosing scope; everything
    /// else sees every target of the comprehension (one name, one variable)
    /// before the enclosing scope's names.
    #[inline(never)]
    fn list_comp(
        &mut self,
        key: Option<&Expr>,
        elt: &Expr,
        generators: &[Comprehension],
        which: Kind,
        scope: &Scope,
    ) -> R<Ex> {
        let Some(first) = generators.first() else {
            // Only a hand-built AST has no clause: nothing to iterate.
            return Ok(Ex::List(vec![]));
        };
        let first_iter = self.iterable(&first.iter, scope)?;
        self.comp_kinds.push(match which {
            Kind::List => "<listcomp>",
            Kind::Set => "<setcomp>",
            Kind::Dict => "<dictcomp>",
        });
        let outer_len = self.comp_scope.len();
        let mut own = vec![];
        for g in generators {
            g.target.for_each_name(&mut |n| {
                if !self.comp_scope[outer_len..].iter().any(|(m, _)| m == n) {
                    let slot = self.local_base + self.comp_locals.len();
                    self.comp_locals.push(n.to_string());
                    self.comp_scope.push((n.to_string(), slot));
                    own.push(slot);
                }
            });
        }
        let mut clauses = Vec::with_capacity(generators.len());
        let mut first_iter = Some(first_iter);
        for g in generators {
            let iter = match first_iter.take() {
                Some(it) => it,
                None => self.iterable(&g.iter, scope)?,
            };
            let dest = self
                .dests(std::slice::from_ref(&g.target), scope)?
                .pop()
                .expect("one target, one destination");
            clauses.push(Clause {
                dest,
                iter,
                ifs: self.exprs(&g.ifs, scope)?,
            });
        }
        let kind = match (which, key) {
            (Kind::Set, _) => CompKind::Set,
            (Kind::Dict, Some(k)) => CompKind::Dict(self.expr(k, scope)?),
            _ => CompKind::List,
        };
        let elt = self.expr(elt, scope)?;
        self.comp_scope.truncate(outer_len);
        self.comp_kinds.pop();
        Ok(Ex::ListComp(Box::new(Comp {
            own,
            clauses,
            elt,
            kind,
        })))
    }

    /// The sequence expressions and keyword calls, out of line so that
    /// `expr`'s frame (one per level of nesting) stays small.
    #[inline(never)]
    fn seq_expr(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        Ok(match e {
            Expr::Tuple(items) => Ex::Tuple(self.display_items(items, scope)?),
            Expr::List(items) => Ex::List(self.display_items(items, scope)?),
            Expr::Dict(pairs) => Ex::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| match k {
                        // `**m`: the pair `(Spread(m), None)`.
                        Expr::Starred(m) => Ok((
                            Ex::Spread(Box::new(self.expr(m, scope)?)),
                            Ex::Const(Value::None),
                        )),
                        _ => Ok((self.expr(k, scope)?, self.expr(v, scope)?)),
                    })
                    .collect::<R<_>>()?,
            ),
            Expr::Subscript { value, index } => Ex::Subscript(
                Box::new(self.expr(value, scope)?),
                Box::new(self.index(index, scope)?),
            ),
            Expr::Attribute { value, attr } if **value == Expr::Super => {
                self.super_ex(attr, None, scope)?
            }
            Expr::MethodCall {
                receiver,
                method,
                args,
            } if **receiver == Expr::Super => self.super_ex(method, Some(args), scope)?,
            Expr::Attribute { value, attr } => {
                Ex::Attr(Box::new(self.expr(value, scope)?), Meth::parse(attr))
            }
            Expr::MethodCall {
                receiver,
                method,
                args,
            } => Ex::Method(
                Box::new(self.expr(receiver, scope)?),
                Meth::parse(method),
                self.exprs(args, scope)?,
            ),
            Expr::Slice { lower, upper, step } => {
                let parts = [lower, upper, step].into_iter().flatten();
                Ex::StraySlice(parts.map(|p| self.expr(p, scope)).collect::<R<_>>()?)
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if args.iter().any(|a| matches!(a, Expr::Starred(_)))
                || keywords.iter().any(|k| k.arg.is_none()) =>
            {
                let func = self.expr(func, scope)?;
                let args = args
                    .iter()
                    .map(|a| {
                        Ok(match a {
                            Expr::Starred(inner) => (true, self.expr(inner, scope)?),
                            other => (false, self.expr(other, scope)?),
                        })
                    })
                    .collect::<R<_>>()?;
                let keywords = keywords
                    .iter()
                    .map(|k| {
                        let name = k.arg.as_deref().map(Rc::from);
                        Ok((name, self.expr(&k.value, scope)?))
                    })
                    .collect::<R<_>>()?;
                Ex::CallStar(Box::new(CallEx {
                    func,
                    args,
                    keywords,
                }))
            }
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                let func = self.expr(func, scope)?;
                let args = self.exprs(args, scope)?;
                let keywords = keywords
                    .iter()
                    .map(|k| {
                        let name = Rc::from(k.arg.as_deref().unwrap_or_default());
                        Ok((name, self.expr(&k.value, scope)?))
                    })
                    .collect::<R<_>>()?;
                Ex::CallKw(Box::new(CallKw {
                    func,
                    args,
                    keywords,
                }))
            }
            // `expr` handles everything else.
            other => self.expr(other, scope)?,
        })
    }

    fn index(&mut self, e: &Expr, scope: &Scope) -> R<Index> {
        let Expr::Slice { lower, upper, step } = e else {
            return Ok(Index::Item(self.expr(e, scope)?));
        };
        let mut part = |p: &Option<Box<Expr>>| p.as_ref().map(|x| self.expr(x, scope)).transpose();
        Ok(Index::Slice([part(lower)?, part(upper)?, part(step)?]))
    }

    fn exprs(&mut self, es: &[Expr], scope: &Scope) -> R<Vec<Ex>> {
        es.iter().map(|e| self.expr(e, scope)).collect()
    }
}

/// Decimal digits -> constant. Anything that is not plain digits (possible
/// only in a hand-built AST) or wider than the limit becomes `BadInt`.
fn int_literal(digits: &str, int_bits: u64) -> Ex {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ex::BadInt;
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() <= 18 {
        // At most 18 digits always fits in i64.
        return Ex::Const(Value::Int(Int::Small(digits.parse().unwrap_or(0))));
    }
    // log10(2) < 0.302: a literal with more digits than this is wider than
    // `int_bits`, so skip parsing it (parsing is quadratic).
    let max_digits = int_bits as usize * 302 / 1000 + 2;
    if digits.len() > max_digits {
        return Ex::BadInt;
    }
    match BigInt::parse_bytes(digits.as_bytes(), 10) {
        Some(b) if b.bits() <= int_bits => Ex::Const(Value::Int(Int::from_big(b))),
        _ => Ex::BadInt,
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;

/// Which comprehension [`Resolver::list_comp`] resolves.
#[derive(Clone, Copy)]
enum Kind {
    List,
    Set,
    Dict,
}

/// CPython 3.11's `__qualname__` of function `name` defined in the code
/// named `parent` (None: the module), inside comprehensions `comps`
/// (innermost last): a function's children get `.<locals>.`, a generator
/// expression's and a comprehension's (scopes of their own) only `.`, so
/// `f.<locals>.<listcomp>.<lambda>` and `<genexpr>.<lambda>`.
fn qualname(parent: Option<&str>, comps: &[&str], name: &str) -> String {
    let mut q = match parent {
        None => String::new(),
        Some(p) if p.ends_with("<genexpr>") => format!("{p}."),
        Some(p) => format!("{p}.<locals>."),
    };
    for c in comps {
        q.push_str(c);
        q.push('.');
    }
    q.push_str(name);
    q
}

/// Whether CPython 3.11's AST optimizer turns `e` into a constant: the
/// literals, a sign on a number, and tuples of constants (the rule is
/// the reference's own reading of CPython's `fold_tuple`/`fold_unaryop`;
/// arithmetic it folds arrives folded from the shared front end).
fn folded_constant(e: &Expr) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Bool(_) | Expr::None => true,
        Expr::UnaryOp { op, operand } => {
            matches!(op, UnaryOp::Neg | UnaryOp::Pos)
                && matches!(**operand, Expr::Int(_) | Expr::Float(_))
        }
        Expr::Tuple(items) => items.iter().all(folded_constant),
        _ => false,
    }
}
