//! Tier-1 bytecode, shaped like CPython's: a stack machine whose generic
//! instructions are rewritten in place into specialized forms by the adaptive
//! interpreter. Jump arguments are absolute instruction indices.

use crate::lang::ast::{BinOp, CmpOp};
use crate::runtime::Value;

#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Op {
    Nop,
    LoadConst,
    LoadFast,
    /// `LOAD_FAST` that may find the local unbound (UnboundLocalError).
    LoadFastCheck,
    StoreFast,
    LoadGlobal,
    LoadGlobalModule,
    LoadGlobalBuiltin,
    StoreGlobal,
    PopTop,
    /// Push a copy of the item `arg` deep (1 = top).
    Copy,
    /// Swap the top with the item `arg` deep.
    Swap,
    BinaryOp,
    BinaryOpAddInt,
    BinaryOpSubtractInt,
    BinaryOpMultiplyInt,
    BinaryOpFloorDivideInt,
    BinaryOpModuloInt,
    BinaryOpAddFloat,
    BinaryOpSubtractFloat,
    BinaryOpMultiplyFloat,
    BinaryOpAddUnicode,
    UnaryNegative,
    UnaryInvert,
    UnaryPositive,
    /// Logical not of an exact bool.
    UnaryNot,
    ToBool,
    ToBoolBool,
    ToBoolInt,
    ToBoolNone,
    ToBoolList,
    ToBoolStr,
    CompareOp,
    CompareOpInt,
    CompareOpFloat,
    CompareOpStr,
    /// Pop an exact bool; jump to `arg` if false.
    PopJumpIfFalse,
    PopJumpIfTrue,
    JumpForward,
    /// A loop back edge: charges fuel, is a GC safe point, and is where hot
    /// loops are counted for tier 2.
    JumpBackward,
    GetIter,
    /// Push the next item, or pop the iterator and jump to `arg`.
    ForIter,
    ForIterRange,
    /// Call with `arg` positional arguments: `[callable, args...]`.
    Call,
    CallPyExactArgs,
    CallBuiltin,
    /// `len(x)`: the callable is the builtin `len` (CPython's CALL_LEN).
    CallLen,
    /// `isinstance(x, cls)` (CPython's CALL_ISINSTANCE).
    CallIsinstance,
    /// Push a new function object for code `arg`.
    MakeFunction,
    /// `[defaults, function] -> [function]`: sets the function's default
    /// values (a tuple), as CPython's SET_FUNCTION_ATTRIBUTE 1.
    SetFunctionDefaults,
    ReturnValue,
    /// An integer literal too large for the limits: poisons when reached.
    PoisonIntTooLarge,
    /// Pop `arg` items, push a tuple of them (first pushed first).
    BuildTuple,
    BuildList,
    /// `[container, index] -> [container[index]]`
    BinarySubscr,
    BinarySubscrListInt,
    BinarySubscrTupleInt,
    BinarySubscrStrInt,
    /// `[value, container, index] -> []`
    StoreSubscr,
    StoreSubscrListInt,
    /// `[container, lower, upper, step] -> [slice]` (absent parts are None).
    BinarySlice,
    /// `[value, container, lower, upper, step] -> []`
    StoreSlice,
    /// `[container, index] -> []`: `del container[index]`.
    DeleteSubscr,
    /// `[container, lower, upper, step] -> []`: `del container[lower:upper:step]`.
    DeleteSlice,
    /// `[object] -> []`: `del object.name` (arg: the name's id).
    DeleteAttr,
    /// `[item, container] -> [bool]`; `arg` 1 is `not in`.
    ContainsOp,
    /// `[seq] -> [item(arg-1), ..., item0]` (item 0 on top).
    UnpackSequence,
    /// `a, *b, c = seq`: `[seq] -> [after items..., list, before items...]`
    /// (the first on top); `arg` is [`unpack_ex_arg`] of the counts before
    /// and after the starred target (CPython's `UNPACK_EX`).
    UnpackEx,
    UnpackSequenceTwoTuple,
    UnpackSequenceTuple,
    UnpackSequenceList,
    /// `[receiver] -> [method, receiver]`; `arg` names the method in the
    /// program's name table. `CALL n + 1` then calls it.
    LoadMethod,
    /// `receiver.name` as a value (arg: the name's id): a bound method.
    LoadAttr,
    ForIterList,
    ForIterTuple,
    /// `[callable, args..., keyword values...] -> [result]`: `arg` packs
    /// the positional count (bits 0..8), the keyword count (8..12) and, per
    /// keyword, whether it is `end` rather than `sep` (bit 12 + i); bit 28
    /// ([`CALL_KW_REVERSE`]) marks a `reverse=` keyword.
    CallKw,
    /// Pop `2 * arg` items (key, value, key, value...), push a dict.
    BuildMap,
    /// `[a, b] -> [a is b]`; `arg` 1 is `is not`.
    IsOp,
    BinarySubscrDict,
    StoreSubscrDict,
    ContainsOpDict,
    /// `[list, x1..x(arg-1), v] -> [list, x1..x(arg-1)]`: appends `v` to the
    /// list `arg` slots below it (a comprehension's result, under its
    /// iterators), as CPython's `LIST_APPEND`.
    ListAppend,
    /// Unbinds local `arg` (CPython's `DELETE_FAST`): a comprehension's
    /// variables start every run unbound.
    DeleteFast,
    /// Pushes NULL (a class statement without a base).
    PushNull,
    /// `[base or NULL, v0 .. v(n-1)] -> [class]`: class statement
    /// [`build_class_index`] of [`Program::classes`], whose attributes name
    /// the `n` ([`build_class_count`]) values.
    BuildClass,
    /// `[value, object] -> []`: `object.name = value` (`arg`: the name).
    StoreAttr,
    /// `[self] -> [attr]`: `super().name` in a method of class statement
    /// [`super_class`] (`arg` packs both, see [`super_arg`]).
    LoadSuperAttr,
    /// `[self] -> [method, self]` or `[callable, NULL]`: `super().name(...)`.
    LoadSuperMethod,
    /// `LOAD_ATTR` of an instance attribute: the instance's class has the
    /// cached version, and the value sits at the cached shared-keys index.
    LoadAttrInstanceValue,
    /// `LOAD_METHOD` of a function on an instance's class (cached: the
    /// class version and the function); no instance shadows the name,
    /// since the version covers the shared keys.
    LoadAttrMethodWithValues,
    /// `LOAD_ATTR` on a class object of the cached version: the cached value.
    LoadAttrClass,
    /// `LOAD_METHOD` on a class object of the cached version:
    /// `[METHOD_CALL_RECEIVER, cached value]`.
    LoadMethodClass,
    /// `STORE_ATTR` to an instance attribute at the cached shared-keys
    /// index of a class of the cached version.
    StoreAttrInstanceValue,
    /// `[exc] -> raises` (`arg` 1), or a bare `raise` (`arg` 0).
    RaiseVarargs,
    /// Pushes the `AssertionError` class (whatever the name is bound to).
    LoadAssertionError,
    /// Replaces local `arg` by a new cell holding its value (NULL: an
    /// unbound cell), as CPython's `MAKE_CELL`: the first instructions of
    /// a function whose variables a nested function uses.
    MakeCell,
    /// Pushes the cell in local `arg` itself (for a closure tuple), as
    /// CPython 3.11's `LOAD_CLOSURE`.
    LoadClosure,
    /// Pushes the value in the cell in local `arg`; an unbound cell raises
    /// `UnboundLocalError` (a cell of this function) or `NameError` (a
    /// free variable), as CPython's `LOAD_DEREF`.
    LoadDeref,
    /// Pops a value into the cell in local `arg` (`STORE_DEREF`).
    StoreDeref,
    /// `[closure, function] -> [function]`: sets the function's closure (a
    /// tuple of cells), as CPython's SET_FUNCTION_ATTRIBUTE 8.
    SetFunctionClosure,
    /// Pop `arg` items, push a set of them, added in order (`BUILD_SET`).
    /// With [`SET_CONSTANT`] in `arg`, the set CPython 3.11's compiler
    /// makes for a constant display's frozenset (see `pyset_ops`).
    BuildSet,
    /// `[set, x1..x(arg-1), v] -> [set, x1..x(arg-1)]`: adds `v` to the set
    /// `arg` slots below it, as CPython's `SET_ADD`.
    SetAdd,
    /// `[set, x1..x(arg-1), it] -> [set, x1..x(arg-1)]`: updates the set by
    /// the iterable (CPython's `SET_UPDATE`: a constant display's merge, and a
    /// star display's list into its new set).
    SetUpdate,
    /// `[func, list, it] -> [func, list]`: extends a call's positional
    /// arguments, or a display's items, by an iterable (`f(*it)`, `[*it]`;
    /// a non-iterable's TypeError names `func`'s call with arg
    /// `LIST_EXTEND_CALL_ONLY_STAR`, is `iter()`'s own with
    /// `LIST_EXTEND_ITER_ERROR` (a set display), else `Value after *`).
    ListExtend,
    /// `[func, list, dict, m] -> [func, list, dict]`: merges a mapping's
    /// items into a call's keywords, raising on a name already there.
    DictMerge,
    /// `[list] -> [tuple]`: a tuple display with a star (`(*a, b)`), built
    /// as a list first (CPython 3.11's `LIST_TO_TUPLE`). Tier 1 only: a
    /// trace leaves at it.
    ListToTuple,
    /// `[func, list] -> [result]` (`arg` 0) or `[func, list, dict] ->
    /// [result]` (`arg` 1): calls `func` with the list as positional and
    /// the dict's items as keyword arguments.
    CallFunctionEx,
    /// `[dict, x1..x(arg-1), k, v] -> [dict, x1..x(arg-1)]`: `dict[k] = v`
    /// for the dict `arg` slots below the pair, as CPython's `MAP_ADD`.
    MapAdd,
    /// `[exc] -> [prev, exc]`: the exception a handler starts with becomes
    /// the one being handled; the one it hides (or NULL) is saved below.
    PushExcInfo,
    /// `[prev] -> []`: a handler is done; `prev` is handled again.
    PopExcept,
    /// `[exc, cls] -> [exc, bool]`: whether `exc` matches an `except`
    /// clause's class or tuple of classes.
    CheckExcMatch,
    /// `[exc] -> raises exc` again (the same object).
    Reraise,
    /// Removes global `arg` (`except E as e:` unbinds `e` at its end).
    DeleteGlobal,
    /// `[value] -> [None]`: suspends the generator frame (the entry frame
    /// of its own dispatch), handing `value` to whatever resumed it; the
    /// frame continues after it with None pushed, as CPython's
    /// `YIELD_VALUE` + `RESUME` when nothing is sent.
    YieldValue,
    /// A back edge that is no loop of the source (`yield from`'s), as
    /// CPython's `JUMP_BACKWARD_NO_INTERRUPT`: no fuel, no safe point, never
    /// hot. `arg` is the absolute target.
    JumpBackwardNoInterrupt,
}

impl Op {
    /// The generic instruction a specialized one was rewritten from.
    pub fn generic(self) -> Op {
        use Op::*;
        match self {
            LoadGlobalModule | LoadGlobalBuiltin => LoadGlobal,
            BinaryOpAddInt
            | BinaryOpSubtractInt
            | BinaryOpMultiplyInt
            | BinaryOpFloorDivideInt
            | BinaryOpModuloInt
            | BinaryOpAddFloat
            | BinaryOpSubtractFloat
            | BinaryOpMultiplyFloat
            | BinaryOpAddUnicode => BinaryOp,
            ToBoolBool | ToBoolInt | ToBoolNone | ToBoolList | ToBoolStr => ToBool,
            CompareOpInt | CompareOpFloat | CompareOpStr => CompareOp,
            ForIterRange | ForIterList | ForIterTuple => ForIter,
            BinarySubscrListInt | BinarySubscrTupleInt | BinarySubscrStrInt | BinarySubscrDict => {
                BinarySubscr
            }
            StoreSubscrListInt | StoreSubscrDict => StoreSubscr,
            ContainsOpDict => ContainsOp,
            UnpackSequenceTwoTuple | UnpackSequenceTuple | UnpackSequenceList => UnpackSequence,
            CallPyExactArgs | CallBuiltin | CallLen | CallIsinstance => Call,
            LoadAttrInstanceValue | LoadAttrClass => LoadAttr,
            LoadAttrMethodWithValues | LoadMethodClass => LoadMethod,
            StoreAttrInstanceValue => StoreAttr,
            other => other,
        }
    }

    pub fn is_jump(self) -> bool {
        matches!(
            self,
            Op::PopJumpIfFalse
                | Op::PopJumpIfTrue
                | Op::JumpForward
                | Op::JumpBackward
                | Op::ForIter
                | Op::ForIterRange
                | Op::ForIterList
                | Op::ForIterTuple
                | Op::JumpBackwardNoInterrupt
        )
    }

    /// CPython-style upper-case name (`BINARY_OP_ADD_INT`).
    pub fn name(self) -> String {
        let dbg = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in dbg.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }
}

/// Every specialized instruction and the generic one it rewrites (what
/// [`Op::generic`] undoes; a test checks the two agree both ways).
pub const SPECIALIZATIONS: &[(Op, Op)] = {
    use Op::*;
    &[
        (LoadGlobalModule, LoadGlobal),
        (LoadGlobalBuiltin, LoadGlobal),
        (BinaryOpAddInt, BinaryOp),
        (BinaryOpSubtractInt, BinaryOp),
        (BinaryOpMultiplyInt, BinaryOp),
        (BinaryOpFloorDivideInt, BinaryOp),
        (BinaryOpModuloInt, BinaryOp),
        (BinaryOpAddFloat, BinaryOp),
        (BinaryOpSubtractFloat, BinaryOp),
        (BinaryOpMultiplyFloat, BinaryOp),
        (BinaryOpAddUnicode, BinaryOp),
        (ToBoolBool, ToBool),
        (ToBoolInt, ToBool),
        (ToBoolNone, ToBool),
        (ToBoolList, ToBool),
        (ToBoolStr, ToBool),
        (CompareOpInt, CompareOp),
        (CompareOpFloat, CompareOp),
        (CompareOpStr, CompareOp),
        (ForIterRange, ForIter),
        (ForIterList, ForIter),
        (ForIterTuple, ForIter),
        (BinarySubscrListInt, BinarySubscr),
        (BinarySubscrTupleInt, BinarySubscr),
        (BinarySubscrStrInt, BinarySubscr),
        (BinarySubscrDict, BinarySubscr),
        (StoreSubscrListInt, StoreSubscr),
        (StoreSubscrDict, StoreSubscr),
        (ContainsOpDict, ContainsOp),
        (UnpackSequenceTwoTuple, UnpackSequence),
        (UnpackSequenceTuple, UnpackSequence),
        (UnpackSequenceList, UnpackSequence),
        (CallPyExactArgs, Call),
        (CallBuiltin, Call),
        (CallLen, Call),
        (CallIsinstance, Call),
        (LoadAttrInstanceValue, LoadAttr),
        (LoadAttrClass, LoadAttr),
        (LoadAttrMethodWithValues, LoadMethod),
        (LoadMethodClass, LoadMethod),
        (StoreAttrInstanceValue, StoreAttr),
    ]
};

/// `UNPACK_EX`'s arg: the targets before the starred one (below 256) and
/// after it.
pub fn unpack_ex_arg(before: usize, after: usize) -> u32 {
    debug_assert!(before < 256);
    before as u32 | (after as u32) << 8
}

/// The counts [`unpack_ex_arg`] packs.
pub fn unpack_ex_counts(arg: u32) -> (u32, u32) {
    (arg & 0xff, arg >> 8)
}

/// A generic FOR_ITER's `Cache::index` once tier 1 stepped a generator
/// (or an iterator over one) there: a trace leaves before it.
pub const FOR_ITER_GEN_SEEN: u64 = 1;

/// `BUILD_SET`'s flag for the frozenset constant of a constant display.
pub const SET_CONSTANT: u32 = 1 << 20;

/// Stack effect `(pops, pushes)` of an instruction on its fall-through path.
pub fn stack_effect(op: Op, arg: u32) -> (u32, u32) {
    use Op::*;
    match op.generic() {
        Nop | JumpForward | JumpBackward | DeleteFast | JumpBackwardNoInterrupt => (0, 0),
        YieldValue => (1, 1),
        // In place of a `LOAD_CONST` of a literal wider than the run's
        // limit: it poisons instead of pushing, but keeps the layout and
        // the stack depths of a compile with a higher limit.
        PoisonIntTooLarge => (0, 1),
        MakeCell => (0, 0),
        LoadConst | LoadFast | LoadFastCheck | LoadGlobal | MakeFunction | LoadClosure
        | LoadDeref | PushNull | LoadAssertionError => (0, 1),
        BuildClass => (build_class_count(arg) + 1, 1),
        StoreAttr => (2, 0),
        DeleteAttr => (1, 0),
        LoadSuperAttr => (1, 1),
        LoadSuperMethod => (1, 2),
        RaiseVarargs => (arg, 0),
        PushExcInfo => (1, 2),
        PopExcept | Reraise => (1, 0),
        CheckExcMatch => (2, 2),
        DeleteGlobal => (0, 0),
        StoreFast | StoreDeref | StoreGlobal | PopTop | PopJumpIfFalse | PopJumpIfTrue
        | ReturnValue => (1, 0),
        Copy => (arg, arg + 1),
        Swap => (arg, arg),
        BinaryOp | CompareOp | SetFunctionDefaults | SetFunctionClosure => (2, 1),
        UnaryNegative | UnaryPositive | UnaryInvert | UnaryNot | ToBool | GetIter => (1, 1),
        ForIter => (1, 2),
        Call => (arg + 1, 1),
        BuildTuple | BuildList => (arg, 1),
        BinarySubscr | ContainsOp | IsOp => (2, 1),
        BuildMap => (2 * arg, 1),
        ListAppend | SetAdd | SetUpdate => (arg + 1, arg),
        MapAdd => (arg + 2, arg),
        ListExtend => (3, 2),
        DictMerge => (4, 3),
        ListToTuple => (1, 1),
        CallFunctionEx => (2 + arg, 1),
        BuildSet => (arg & !SET_CONSTANT, 1),
        StoreSubscr => (3, 0),
        BinarySlice => (4, 1),
        StoreSlice => (5, 0),
        DeleteSubscr => (2, 0),
        DeleteSlice => (4, 0),
        UnpackSequence => (1, arg),
        UnpackEx => {
            let (before, after) = unpack_ex_counts(arg);
            (1, before + after + 1)
        }
        LoadMethod => (1, 2),
        LoadAttr => (1, 1),
        CallKw => {
            let (nargs, nkw) = call_kw_counts(arg);
            (nargs + nkw + 1, 1)
        }
        _ => unreachable!("specialized op {op:?} has a generic form"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Instr {
    pub op: Op,
    pub arg: u32,
}

/// Per-instruction inline cache (a parallel array, one entry per
/// instruction, like CPython's cache entries).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Cache {
    /// Warm-up countdown on a generic instruction; miss countdown on a
    /// specialized one. On JUMP_BACKWARD: the hotness counter for tier 2.
    pub counter: u16,
    /// Exponential backoff after a failed specialization.
    pub backoff: u16,
    /// Cached dict keys version (LOAD_GLOBAL_*).
    pub version: u64,
    /// Cached entry index (LOAD_GLOBAL_*), builtins version, ...
    pub index: u64,
}

/// CALL_KW's positional and keyword counts: `arg` packs them in its low
/// two bytes; its high half indexes [`Program::kw_names`] (CPython's
/// KW_NAMES constant).
pub fn call_kw_counts(arg: u32) -> (u32, u32) {
    (arg & 0xff, (arg >> 8) & 0xff)
}

/// CALL_KW's index into [`Program::kw_names`].
pub fn call_kw_names_index(arg: u32) -> usize {
    (arg >> 16) as usize
}

/// The CALL_KW arg for `nargs` positional arguments and the `nkw` keywords
/// of names tuple `names` (`nkw` and `names` bounded by the front end and
/// by CALL_FUNCTION_EX). The positional count saturates at
/// [`MAX_CALL_ARGS`]: a call made at run time (`print(*range(300),
/// sep=',')`) may pass more, so a consumer holding the inputs splits them
/// with [`call_kw_split`]; only the interpreter's CALL_KW, whose count the
/// front end bounds, pops by it.
pub fn call_kw_arg(nargs: usize, nkw: usize, names: usize) -> u32 {
    debug_assert!(nkw <= MAX_CALL_ARGS && names <= MAX_KW_NAMES);
    nargs.min(MAX_CALL_ARGS) as u32 | (nkw as u32) << 8 | (names as u32) << 16
}

/// CALL_KW `arg`'s inputs `ins` split into the positional arguments and
/// the keyword values (the last `nkw`), whatever their number.
pub fn call_kw_split(ins: &[Value], arg: u32) -> (&[Value], &[Value]) {
    let (_, nkw) = call_kw_counts(arg);
    ins.split_at(ins.len().saturating_sub(nkw as usize))
}

/// BUILD_CLASS's arg for class statement `index` binding `n` values
/// (bounded by the front end: [`MAX_CLASSES`], [`MAX_CLASS_ATTRS`]).
pub fn build_class_arg(index: usize, n: usize) -> u32 {
    debug_assert!(index < MAX_CLASSES && n <= MAX_CLASS_ATTRS);
    (index as u32) << 12 | n as u32
}

/// BUILD_CLASS's class statement index.
pub fn build_class_index(arg: u32) -> usize {
    (arg >> 12) as usize
}

/// How many values BUILD_CLASS binds.
pub fn build_class_count(arg: u32) -> u32 {
    arg & 0xfff
}

/// The most class statements a program may have.
pub const MAX_CLASSES: usize = 0xfff;
/// The most bindings (methods and attributes) one class body may have.
pub const MAX_CLASS_ATTRS: usize = 0xfff;
/// LOAD_SUPER_ATTR/LOAD_SUPER_METHOD's arg: the class statement the method
/// belongs to and the attribute's name id, in 20 bits: a source of at most
/// `parse::MAX_SOURCE_BYTES` (2 MiB) holds fewer than 2^20 distinct names.
pub fn super_arg(class: u32, name: u32) -> u32 {
    class << 20 | (name & 0xf_ffff)
}

/// The class statement of a LOAD_SUPER_* arg.
pub fn super_class(arg: u32) -> usize {
    (arg >> 20) as usize
}

/// The name id of a LOAD_SUPER_* arg.
pub fn super_name(arg: u32) -> u32 {
    arg & 0xf_ffff
}

/// How a class body binds a value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttrKind {
    /// A method or class attribute, stored as it is.
    Value,
    /// `@staticmethod def`: called without a receiver.
    StaticMethod,
    /// `@classmethod def`: called with the class as receiver.
    ClassMethod,
    /// `@property def x`: a property whose getter is the function.
    Property,
    /// `@x.setter def x`: the property `x` bound before, with the function
    /// as its setter.
    PropertySetter,
    /// `y = x` of a name `x` (an id) the body bound above: the same value
    /// (its stack slot holds a NULL).
    Alias(u32),
}

/// A class statement as BUILD_CLASS needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassInfo {
    pub name: String,
    /// The body's bindings in source order, as (name id, kind); BUILD_CLASS
    /// finds their values on the stack in this order.
    pub attrs: Vec<(u32, AttrKind)>,
    /// The `__slots__` names (ids), when the body declares them.
    pub slots: Option<Vec<u32>>,
}

/// The most positional (and, separately, keyword) arguments a call with
/// keywords may write: CALL_KW packs each count in a byte (a positional
/// count made at run time saturates: [`call_kw_arg`]).
pub const MAX_CALL_ARGS: usize = 255;

/// The most calls with keywords a program may make (CALL_KW's names index
/// is 16 bits).
pub const MAX_KW_NAMES: usize = 0xffff;

/// BINARY_OP's oparg flag for augmented assignment: CPython names the
/// in-place operator (`+=`) in its TypeError messages.
pub const INPLACE: u32 = 16;

/// Encodes BinaryOp / CompareOp arguments.
pub fn binop_arg(op: BinOp) -> u32 {
    BinOp::ALL.iter().position(|o| *o == op).unwrap() as u32
}
pub fn arg_binop(arg: u32) -> BinOp {
    BinOp::ALL[(arg & !INPLACE) as usize]
}
pub fn arg_inplace(arg: u32) -> bool {
    arg & INPLACE != 0
}
pub fn cmp_arg(op: CmpOp) -> u32 {
    CmpOp::ALL.iter().position(|o| *o == op).unwrap() as u32
}
pub fn arg_cmp(arg: u32) -> CmpOp {
    CmpOp::ALL[arg as usize]
}

/// One compiled function body (or the module body, code 0).
#[derive(Clone, Debug)]
pub struct Code {
    pub name: String,
    /// Positional parameters; the keyword-only parameters' local slots
    /// follow them, then `*args`'s when `vararg`, then `**kwargs`'s when
    /// `varkw`.
    pub nparams: u32,
    /// One entry per keyword-only parameter: whether it has a default
    /// (the function's defaults tuple ends with those defaults).
    pub kwonly: Vec<bool>,
    pub vararg: bool,
    pub varkw: bool,
    /// Local variable names; parameters first.
    pub local_names: Vec<String>,
    pub stack_size: u32,
    pub instrs: Vec<Instr>,
    pub caches: Vec<Cache>,
    /// Value-stack depth before each instruction: what tier 1's frame looks
    /// like there. Tier-2 exits are checked against it.
    pub depth_at: Vec<u32>,
    pub consts: Vec<Const>,
    /// The free variables' slots: `nfree` locals from `free_start`, which
    /// a call fills with the cells of the function's closure (what
    /// CPython's `COPY_FREE_VARS` does as a function starts).
    pub free_start: u32,
    pub nfree: u32,
    /// A generator function's code: a call makes a generator object.
    pub is_generator: bool,

    /// The exception table (CPython 3.11's zero-cost `try`): sorted,
    /// disjoint instruction ranges and where an exception raised inside
    /// one goes. No instruction runs to enter or leave a `try`.
    pub exc_table: Vec<ExcEntry>,
}

/// One exception-table range: an exception raised by an instruction in
/// `start..end` truncates the value stack to `depth`, pushes the
/// exception and jumps to `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExcEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
}

impl Code {
    /// Only positional parameters: a call with as many arguments binds
    /// them as they come. (CPython's `function_kind` refuses to
    /// specialize the others: their `*args`, `**kwargs` and keyword-only
    /// defaults are the generic call's to bind.)
    pub fn simple_params(&self) -> bool {
        !self.vararg && !self.varkw && self.kwonly.is_empty()
    }

    /// Where an exception raised by instruction `at` goes, if anywhere.
    pub fn handler_for(&self, at: u32) -> Option<ExcEntry> {
        let i = self.exc_table.partition_point(|e| e.end <= at);
        self.exc_table.get(i).copied().filter(|e| e.start <= at)
    }
}

/// A constant as the compiler sees it; the VM materializes it as a Value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Const {
    /// Decimal digits, possibly negative.
    Int(String),
    /// The bits of an `f64` (boxed when the run starts).
    Float(u64),
    /// An ASCII string (allocated when the run starts).
    Str(String),
    Value(Value),
}

/// A whole compiled program.
#[derive(Clone, Debug)]
pub struct Program {
    /// `codes[0]` is the module body.
    pub codes: Vec<Code>,
    /// Global name table; `LOAD_GLOBAL`/`STORE_GLOBAL` args and function
    /// names index it. `print` and `range` are always present.
    pub names: Vec<String>,
    /// The keyword names of each distinct CALL_KW (its arg's high half
    /// indexes this), in call order.
    pub kw_names: Vec<Vec<String>>,
    /// Each class statement's static description (BUILD_CLASS's arg
    /// indexes this), in source order.
    pub classes: Vec<ClassInfo>,
}

impl Program {
    pub fn name_id(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|i| i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every instruction, by discriminant (`Op` is `repr(u8)` with implicit,
    /// hence contiguous, discriminants ending at `JumpBackwardNoInterrupt`).
    fn every_op() -> Vec<Op> {
        (0..=Op::JumpBackwardNoInterrupt as u8)
            // SAFETY: every value in the range is a discriminant of Op.
            .map(|b| unsafe { std::mem::transmute::<u8, Op>(b) })
            .collect()
    }

    #[test]
    fn the_specialization_table_is_what_generic_undoes() {
        let table: Vec<Op> = SPECIALIZATIONS.iter().map(|&(s, _)| s).collect();
        for &(special, generic) in SPECIALIZATIONS {
            assert_eq!(special.generic(), generic, "{special:?}");
        }
        for op in every_op() {
            if op.generic() != op {
                assert!(
                    table.contains(&op),
                    "{op:?} is missing from SPECIALIZATIONS"
                );
            }
        }
    }
}
