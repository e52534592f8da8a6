//! The resolved tree the reference walks: statements ([`St`]) and
//! expressions ([`Ex`]) whose names are slots ([`Slot`], [`Dest`]) and
//! whose literals are parsed values, with the functions, classes and
//! comprehensions they hold. `resolve.rs` builds it from the AST.

use std::rc::Rc;

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, UnaryOp};

use super::super::methods::Meth;
use super::super::value::Value;

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
    pub(super) fn binds(&self, name: &str) -> bool {
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
