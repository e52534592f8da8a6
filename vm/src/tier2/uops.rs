//! The micro-op set, declared once. Every consumer (trace projection, the
//! optimizer, the tier-2 interpreter, `show`, the JIT's register-variant
//! selection and checker, and the stencil builder) reads stack effects,
//! exit kinds and cache variants from [`Uop::info`] and [`Uop::variants`],
//! never from its own copy: CPython's `bytecodes.c` DSL plays the same role.

/// What happens when a uop's check fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExitKind {
    /// Never leaves the trace (except by raising, see `can_error`).
    None,
    /// A side exit: owns a counter and can grow a side trace.
    Exit,
    /// Back to tier 1 at the uop's target; never grows a side trace.
    Deopt,
}

/// Static facts about a uop.
#[derive(Clone, Copy, Debug)]
pub struct UopInfo {
    pub name: &'static str,
    /// Stack inputs and outputs; `u8::MAX` means "depends on oparg" (see
    /// [`Uop::stack_effect`]).
    pub pops: u8,
    pub pushes: u8,
    pub exit: ExitKind,
    /// May allocate, call, run a safe point or modify globals: must run with
    /// the frame synced (and, in the JIT, nothing cached in registers).
    pub escapes: bool,
    /// May raise a Python exception (or poison).
    pub can_error: bool,
    /// No side effects, no checks: can be folded and removed when dead.
    pub pure: bool,
    /// Its stencil addresses the value stack as an array (peeks below its
    /// inputs): only the memory variant `r00`.
    pub memory: bool,
    /// Always leaves the trace (`_EXIT_TRACE`): variants `(i, 0)`.
    pub exit_like: bool,
    /// Pops its input before it can leave, so its exit sees one value fewer.
    pub pops_before_exit: bool,
}

/// A register variant `_r<inputs><outputs>`: how many top-of-stack values
/// are cached in registers when the stencil starts and when it ends
/// (CPython 3.15's `_tos_cache0..2`). The rest of the stack is in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    pub inputs: u8,
    pub outputs: u8,
}

/// Registers that can cache the top of the stack.
pub const MAX_CACHED: u8 = 3;

impl Variant {
    /// The memory variant: everything on the stack is in memory.
    pub const MEMORY: Variant = Variant {
        inputs: 0,
        outputs: 0,
    };

    pub const fn new(inputs: u8, outputs: u8) -> Variant {
        Variant { inputs, outputs }
    }

    /// `r<in><out>`, as in stencil names.
    pub fn suffix(self) -> String {
        format!("r{}{}", self.inputs, self.outputs)
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "r{}{}", self.inputs, self.outputs)
    }
}

macro_rules! uops {
    ($($(#[$meta:meta])* $variant:ident $name:literal $pops:literal $pushes:literal $exit:ident $($flag:ident)*;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Uop { $($(#[$meta])* $variant),* }

        impl Uop {
            pub const ALL: &'static [Uop] = &[$(Uop::$variant),*];

            /// Each uop's row, by discriminant: `info` is one load, not a
            /// match building the row (the JIT's compile path asks for it
            /// several times per uop).
            const INFO: &'static [UopInfo] = &[$({
                #[allow(unused_mut)]
                let mut i = UopInfo { name: $name, pops: $pops, pushes: $pushes, exit: ExitKind::$exit, escapes: false, can_error: false, pure: false, memory: false, exit_like: false, pops_before_exit: false };
                $(uops!(@flag i $flag);)*
                i
            }),*];

            pub fn info(self) -> UopInfo {
                Uop::INFO[self as usize]
            }
        }
    };
    (@flag $i:ident escapes) => { $i.escapes = true; };
    (@flag $i:ident error) => { $i.can_error = true; };
    (@flag $i:ident pure) => { $i.pure = true; };
    (@flag $i:ident memory) => { $i.memory = true; };
    (@flag $i:ident exitlike) => { $i.exit_like = true; };
    (@flag $i:ident popexit) => { $i.pops_before_exit = true; };
}

// name                      CPython-style name             pops pushes exit  flags
uops! {
    Nop                      "_NOP"                          0 0 None pure;
    LoadFast                 "_LOAD_FAST"                    0 1 None pure;
    LoadFastCheck            "_LOAD_FAST_CHECK"              0 1 None error;
    StoreFast                "_STORE_FAST"                   1 0 None;
    DeleteFast               "_DELETE_FAST"                  0 0 None;
    LoadConst                "_LOAD_CONST"                   0 1 None pure;
    /// A global promoted to a constant by the optimizer (dependency recorded).
    LoadConstInline          "_LOAD_CONST_INLINE"            0 1 None pure;
    PopTop                   "_POP_TOP"                      1 0 None pure;
    /// Folded binary op: pop two operands, push the constant result.
    PopTwoLoadConstInline    "_POP_TWO_LOAD_CONST_INLINE"    2 1 None pure;
    Copy                     "_COPY"                       255 255 None pure;
    Swap                     "_SWAP"                       255 255 None pure;
    GuardTosInt              "_GUARD_TOS_INT"                1 1 Exit;
    GuardNosInt              "_GUARD_NOS_INT"                2 2 Exit;
    BinaryOpAddInt           "_BINARY_OP_ADD_INT"            2 1 Exit;
    BinaryOpSubtractInt      "_BINARY_OP_SUBTRACT_INT"       2 1 Exit;
    BinaryOpMultiplyInt      "_BINARY_OP_MULTIPLY_INT"       2 1 Exit;
    BinaryOpFloorDivideInt   "_BINARY_OP_FLOOR_DIVIDE_INT"   2 1 Exit;
    BinaryOpModuloInt        "_BINARY_OP_MODULO_INT"         2 1 Exit;
    GuardTosFloat            "_GUARD_TOS_FLOAT"              1 1 Exit;
    GuardNosFloat            "_GUARD_NOS_FLOAT"              2 2 Exit;
    /// Float arithmetic boxes its result: the allocation may collect, so
    /// these escape (memory variant only) and can poison (out of memory).
    BinaryOpAddFloat         "_BINARY_OP_ADD_FLOAT"          2 1 None escapes error;
    BinaryOpSubtractFloat    "_BINARY_OP_SUBTRACT_FLOAT"     2 1 None escapes error;
    BinaryOpMultiplyFloat    "_BINARY_OP_MULTIPLY_FLOAT"     2 1 None escapes error;
    BinaryOp                 "_BINARY_OP"                    2 1 None escapes error;
    UnaryNegative            "_UNARY_NEGATIVE"               1 1 None escapes error;
    UnaryPositive            "_UNARY_POSITIVE"               1 1 None escapes error;
    UnaryInvert              "_UNARY_INVERT"                 1 1 None escapes error;
    UnaryNot                 "_UNARY_NOT"                    1 1 None pure;
    /// A user `__bool__` or `__len__` may run (a nested call): escapes.
    ToBool                   "_TO_BOOL"                      1 1 None escapes error;
    ToBoolBool               "_TO_BOOL_BOOL"                 1 1 Exit;
    ToBoolInt                "_TO_BOOL_INT"                  1 1 Exit;
    ToBoolNone               "_TO_BOOL_NONE"                 1 1 Exit;
    /// Leaves unless TOS is a list; its truth is a non-zero length.
    ToBoolList               "_TO_BOOL_LIST"                 1 1 Exit;
    CompareOpInt             "_COMPARE_OP_INT"               2 1 None pure;
    CompareOpFloat           "_COMPARE_OP_FLOAT"             2 1 None pure;
    /// A user comparison may run (a nested call): escapes.
    CompareOp                "_COMPARE_OP"                   2 1 None escapes error;
    GuardIsTruePop           "_GUARD_IS_TRUE_POP"            1 0 Exit popexit;
    GuardIsFalsePop          "_GUARD_IS_FALSE_POP"           1 0 Exit popexit;
    /// Deopts unless TOS is a compact range iterator whose next value (if
    /// any) is a small int, so `_ITER_NEXT_RANGE` never needs to box.
    IterCheckRange           "_ITER_CHECK_RANGE"             1 1 Deopt;
    GuardNotExhaustedRange   "_GUARD_NOT_EXHAUSTED_RANGE"    1 1 Exit;
    IterNextRange            "_ITER_NEXT_RANGE"              1 2 None;
    GetIter                  "_GET_ITER"                     1 1 None escapes error;
    /// Generic iteration: leaves the trace when the iterator is exhausted.
    ForIterTier2             "_FOR_ITER_TIER_TWO"            1 2 Exit escapes error;
    LoadGlobal               "_LOAD_GLOBAL"                  0 1 None error;
    GuardGlobalsVersion      "_GUARD_GLOBALS_VERSION"        0 0 Deopt;
    LoadGlobalModule         "_LOAD_GLOBAL_MODULE"           0 1 None;
    LoadGlobalBuiltin        "_LOAD_GLOBAL_BUILTIN"          0 1 None;
    StoreGlobal              "_STORE_GLOBAL"                 1 0 None escapes;
    CheckFunctionExactArgs   "_CHECK_FUNCTION_EXACT_ARGS"  255 255 Deopt;
    CheckCallableBuiltin     "_CHECK_CALLABLE_BUILTIN"     255 255 Deopt;
    CallPy                   "_CALL_PY"                    255 1 None escapes error;
    CallBuiltin              "_CALL_BUILTIN"               255 1 None escapes error;
    Call                     "_CALL"                       255 1 None escapes error;
    MakeFunction             "_MAKE_FUNCTION"                0 1 None escapes;
    SetFunctionDefaults      "_SET_FUNCTION_DEFAULTS"        2 1 None;
    CheckValidity            "_CHECK_VALIDITY"               0 0 Deopt;
    SetIp                    "_SET_IP"                       0 0 None;
    /// Loop back edge: fuel and GC safe point.
    CheckPeriodic            "_CHECK_PERIODIC"               0 0 None escapes error;
    /// Back to the trace's first uop, which is entered with nothing cached.
    JumpToTop                "_JUMP_TO_TOP"                  0 0 None memory;
    /// Leave the trace at `target` (end of a projected path).
    ExitTrace                "_EXIT_TRACE"                   0 0 Exit exitlike;
    /// Checking mode only: re-evaluates a guard the optimizer removed (it
    /// reads the top two stack slots, whatever the uop around it pops).
    CheckRemovedGuard        "_CHECK_REMOVED_GUARD"          0 0 None memory;
    /// Checking mode only, before each escaping uop: the frame's instruction
    /// pointer must be that uop's (a `_SET_IP` the optimizer removed was
    /// needed otherwise). The operand is the escaping uop's index in `ALL`.
    CheckIp                  "_CHECK_IP"                     0 0 None;
    /// Stress only (`+deopt=N`), before every uop that can leave: counts a
    /// guard evaluation and, every Nth (N is the operand), deopts to its
    /// instruction before the guarded uop touches anything.
    ForceDeopt               "_FORCE_DEOPT"                  0 0 Deopt;
    /// Stress only (`+sideexit=N`): as `_FORCE_DEOPT`, but through a side
    /// exit of its own, which counts its uses and grows a side trace from
    /// the guarded instruction (PyPy's bridges for failing guards).
    ForceSideExit            "_FORCE_SIDE_EXIT"              0 0 Exit;
    /// Both operands are strs (CPython's `_GUARD_BOTH_UNICODE`).
    GuardBothUnicode         "_GUARD_BOTH_UNICODE"           2 2 Exit;
    GuardNosUnicode          "_GUARD_NOS_UNICODE"            2 2 Exit;
    /// Concatenation allocates: memory variant only.
    BinaryOpAddUnicode       "_BINARY_OP_ADD_UNICODE"        2 1 None escapes error;
    CompareOpStr             "_COMPARE_OP_STR"               2 1 None pure;
    ToBoolStr                "_TO_BOOL_STR"                  1 1 Exit;
    /// A cached one-character string; leaves unless the index is in range.
    BinarySubscrStrInt       "_BINARY_SUBSCR_STR_INT"        2 1 Exit;
    GuardNosList             "_GUARD_NOS_LIST"               2 2 Exit;
    GuardTosList             "_GUARD_TOS_LIST"               1 1 Exit;
    GuardNosTuple            "_GUARD_NOS_TUPLE"              2 2 Exit;
    GuardTosTuple            "_GUARD_TOS_TUPLE"              1 1 Exit;
    /// Leaves (tier 1 raises or takes the general path) unless the index
    /// is in `0..len`.
    BinarySubscrListInt      "_BINARY_SUBSCR_LIST_INT"       2 1 Exit;
    BinarySubscrTupleInt     "_BINARY_SUBSCR_TUPLE_INT"      2 1 Exit;
    StoreSubscrListInt       "_STORE_SUBSCR_LIST_INT"        3 0 Exit;
    IterCheckList            "_ITER_CHECK_LIST"              1 1 Deopt;
    GuardNotExhaustedList    "_GUARD_NOT_EXHAUSTED_LIST"     1 1 Exit;
    IterNextList             "_ITER_NEXT_LIST"               1 2 None;
    IterCheckTuple           "_ITER_CHECK_TUPLE"             1 1 Deopt;
    GuardNotExhaustedTuple   "_GUARD_NOT_EXHAUSTED_TUPLE"    1 1 Exit;
    IterNextTuple            "_ITER_NEXT_TUPLE"              1 2 None;
    /// Leaves unless the tuple has exactly two items.
    UnpackSequenceTwoTuple   "_UNPACK_SEQUENCE_TWO_TUPLE"    1 2 Exit;
    /// Leave unless the tuple (list) has exactly `oparg` items.
    UnpackSequenceTuple      "_UNPACK_SEQUENCE_TUPLE"        1 255 Exit;
    UnpackSequenceList       "_UNPACK_SEQUENCE_LIST"         1 255 Exit;
    // The generic sequence instructions: one helper (`jit_stack_op`) runs
    // tier 1's code for them; the operand packs the bytecode op and arg.
    BuildTuple               "_BUILD_TUPLE"                255 1 None escapes error;
    BuildList                "_BUILD_LIST"                 255 1 None escapes error;
    BinarySubscr             "_BINARY_SUBSCR"                2 1 None escapes error;
    StoreSubscr              "_STORE_SUBSCR"                 3 0 None escapes error;
    BinarySlice              "_BINARY_SLICE"                 4 1 None escapes error;
    StoreSlice               "_STORE_SLICE"                  5 0 None escapes error;
    DeleteSubscr             "_DELETE_SUBSCR"                2 0 None escapes error;
    DeleteSlice              "_DELETE_SLICE"                 4 0 None escapes error;
    /// `del obj.name`: an instance's value unbound; the class's version stays.
    DeleteAttr               "_DELETE_ATTR"                  1 0 None escapes error;
    ContainsOp               "_CONTAINS_OP"                  2 1 None escapes error;
    UnpackSequence           "_UNPACK_SEQUENCE"              1 255 None escapes error;
    /// `a, *b = seq` (oparg: the counts before and after the star).
    UnpackEx                 "_UNPACK_EX"                    1 255 None escapes error;
    LoadMethod               "_LOAD_METHOD"                  1 2 None escapes error;
    LoadAttr                 "_LOAD_ATTR"                    1 1 None escapes error;
    /// `obj.name = value` through the generic helper: storing on a class
    /// changes its version.
    StoreAttr                "_STORE_ATTR"                   2 0 None escapes error;
    LoadSuperAttr            "_LOAD_SUPER_ATTR"              1 1 None escapes error;
    LoadSuperMethod          "_LOAD_SUPER_METHOD"            1 2 None escapes error;
    /// TOS is an instance whose class has the version in the operand.
    GuardTypeVersion         "_GUARD_TYPE_VERSION"           1 1 Exit;
    /// The instance attribute at shared-keys index `oparg`; deopts when the
    /// instance lacks it.
    LoadAttrInstanceValue    "_LOAD_ATTR_INSTANCE_VALUE"     1 1 Deopt;
    /// `[owner] -> [function (the operand), owner]`.
    LoadAttrMethodWithValues "_LOAD_ATTR_METHOD_WITH_VALUES" 1 2 None;
    /// TOS is a class object of the version in the operand.
    CheckAttrClass           "_CHECK_ATTR_CLASS"             1 1 Exit;
    /// `[class] -> [the operand]`: a class attribute promoted to a constant.
    LoadAttrClass            "_LOAD_ATTR_CLASS"              1 1 None;
    /// `[class] -> [METHOD_CALL_RECEIVER, the operand]`.
    LoadMethodClass          "_LOAD_METHOD_CLASS"            1 2 None;
    /// `[value, owner] -> []`: stores at shared-keys index `oparg`; deopts
    /// when the instance has no room there.
    StoreAttrInstanceValue   "_STORE_ATTR_INSTANCE_VALUE"    2 0 Deopt;
    CallKw                   "_CALL_KW"                    255 1 None escapes error;
    /// `IS_OP` (oparg 1: `is not`): through the generic helper, which may
    /// poison (identity of same-typed immutable values).
    IsOp                     "_IS_OP"                        2 1 None escapes error;
    BuildMap                 "_BUILD_MAP"                  255 1 None escapes error;
    GuardNosDict             "_GUARD_NOS_DICT"               2 2 Exit;
    GuardTosDict             "_GUARD_TOS_DICT"               1 1 Exit;
    // The specialized dict instructions call a helper (as CPython's), the
    // generic one: the key's lookup may raise, and a store may resize.
    BinarySubscrDict         "_BINARY_SUBSCR_DICT"           2 1 None escapes error;
    StoreSubscrDict          "_STORE_SUBSCR_DICT"            3 0 None escapes error;
    ContainsOpDict           "_CONTAINS_OP_DICT"             2 1 None escapes error;
    /// A comprehension's append (through the generic helper: the list may
    /// grow, which allocates).
    ListAppend               "_LIST_APPEND"                255 255 None escapes error;
    /// Planted JIT bug only (`+inject=stencil-stack-overrun`): `_STORE_FAST`
    /// that also writes one slot past the value stack. Never projected.
    PlantedStackOverrun      "_PLANTED_STACK_OVERRUN"        1 0 None memory;
    /// Planted JIT bug only (`+inject=a64-guard-always-exits`): `_GUARD_TOS_INT`
    /// whose AArch64 stencil always exits (results stay right: tier 1 redoes
    /// the work). Never projected.
    PlantedGuardTosIntA64    "_PLANTED_GUARD_TOS_INT_A64"    1 1 Exit;
    /// Planted JIT bug only (`+inject=unrooted-iterator`): `_FOR_ITER_TIER_TWO`
    /// whose stencil keeps the iterator only in a register across its helper
    /// call (the written-back stack pointer excludes it). Never projected.
    PlantedForIterUnrooted   "_PLANTED_FOR_ITER_UNROOTED"    1 2 Exit escapes error;
    /// Planted JIT bug only (`+inject=stencil-hang`): `_BINARY_OP_MULTIPLY_INT`
    /// whose stencil spins forever instead of leaving on overflow.
    PlantedMultiplyHang      "_PLANTED_MULTIPLY_INT_HANG"    2 1 Exit;
    /// Planted JIT bug only (`+inject=a64-cache-register`): `_LOAD_FAST`
    /// whose `r23` stencil writes cache slot 1 instead of 2 on AArch64.
    PlantedLoadFastA64       "_PLANTED_LOAD_FAST_A64"        0 1 None;
    /// Planted JIT bug only (`+inject=stencil-segfault`):
    /// `_BINARY_OP_FLOOR_DIVIDE_INT` whose stencil stores to address 0
    /// instead of leaving on division by zero.
    PlantedFloorDivideSegv   "_PLANTED_FLOOR_DIVIDE_INT_SEGV" 2 1 Exit;
    /// Planted JIT bug only (`+inject=invert-as-negate`): `_UNARY_INVERT`
    /// whose stencil asks its helper to negate.
    PlantedInvertAsNegate    "_PLANTED_UNARY_INVERT_AS_NEGATE" 1 1 None escapes error;
    /// Planted JIT bug only (`+inject=float-guard-accepts-int`):
    /// `_GUARD_TOS_FLOAT` whose stencil also passes small ints.
    PlantedGuardTosFloatAcceptsInt "_PLANTED_GUARD_TOS_FLOAT_ACCEPTS_INT" 1 1 Exit;
    /// Planted JIT bug only (`+inject=list-subscript-no-bounds-check`):
    /// `_BINARY_SUBSCR_LIST_INT` whose stencil reads the item array without
    /// checking the index against the list's length.
    PlantedSubscrListNoBounds "_PLANTED_BINARY_SUBSCR_LIST_INT_NO_BOUNDS" 2 1 Exit;
    /// Planted JIT bug only (`+inject=unicode-guard-one-operand`):
    /// `_GUARD_BOTH_UNICODE` whose stencil checks only the left operand
    /// (gh-130903's class).
    PlantedGuardUnicodeNosOnly "_PLANTED_GUARD_BOTH_UNICODE_NOS_ONLY" 2 2 Exit;
    /// Planted JIT bug only (`+inject=type-guard-ignores-version`):
    /// `_GUARD_TYPE_VERSION` whose stencil checks only for an instance.
    PlantedGuardTypeVersionKindOnly "_PLANTED_GUARD_TYPE_VERSION_KIND_ONLY" 1 1 Exit;
    /// Planted JIT bug only (`+inject=unpack-ignores-extra-items`):
    /// `_UNPACK_SEQUENCE_TWO_TUPLE` whose stencil takes any tuple of two
    /// items or more.
    PlantedUnpackTwoTupleAtLeast "_PLANTED_UNPACK_SEQUENCE_TWO_TUPLE_AT_LEAST" 1 2 Exit;
    /// `[callable, x]`: deopts unless the callable is `len` (the operand).
    GuardCallableLen         "_GUARD_CALLABLE_LEN"           2 2 Deopt;
    /// `len(x)` of a list, tuple, str or dict, read in place; leaves for
    /// anything else (tier 1 takes the general path).
    CallLen                  "_CALL_LEN"                     2 1 Exit;
    /// `[callable, x, cls]`: deopts unless the callable is `isinstance`.
    GuardCallableIsinstance  "_GUARD_CALLABLE_ISINSTANCE"    3 3 Deopt;
    /// `isinstance(x, cls)` through the call helper (a bad `cls` raises).
    CallIsinstance           "_CALL_ISINSTANCE"              3 1 None escapes error;
    /// The value in the cell in local `oparg`; an unbound cell raises
    /// (`UnboundLocalError` or `NameError`, through a helper).
    LoadDeref                "_LOAD_DEREF"                   0 1 None error;
    /// Stores TOS into the cell in local `oparg` (the slot keeps its cell).
    StoreDeref               "_STORE_DEREF"                  1 0 None;
    /// `[closure, function] -> [function]`: a field store, as
    /// `_SET_FUNCTION_DEFAULTS`.
    SetFunctionClosure       "_SET_FUNCTION_CLOSURE"         2 1 None;
    /// A set display (through the generic helper: adding hashes and may
    /// raise `unhashable type`).
    BuildSet                 "_BUILD_SET"                  255 1 None escapes error;
    /// A set comprehension's add, as `_LIST_APPEND`.
    SetAdd                   "_SET_ADD"                    255 255 None escapes error;
    /// A constant set display's merge (`SET_UPDATE`).
    SetUpdate                "_SET_UPDATE"                 255 255 None escapes error;
    /// A dict comprehension's store, as `_LIST_APPEND` with a key and value.
    MapAdd                   "_MAP_ADD"                    255 255 None escapes error;
    /// `f(*it)`'s merge into the positional list (`LIST_EXTEND`).
    ListExtend               "_LIST_EXTEND"                  3 2 None escapes error;
    /// `f(**m)`'s merge into the keyword dict (`DICT_MERGE`).
    DictMerge                "_DICT_MERGE"                   4 3 None escapes error;
    /// A call with unpacked arguments, through the generic helper (a user
    /// function runs in a nested dispatch, as `_CALL_KW`'s).
    CallFunctionEx           "_CALL_FUNCTION_EX"           255 1 None escapes error;
}

impl Uop {
    /// Whether this uop's exit means the loop at its FOR_ITER ended (an
    /// exhausted iterator) or that only tier 1 steps the iterator (one that
    /// runs Python code). Tier 1 resumes at that FOR_ITER, so a side trace
    /// grown there would project the same loop and leave at the same uop:
    /// a chain of identical traces, each entered and left at every loop
    /// end, as deep as `max_chain` allows. Such exits grow none.
    pub fn exit_ends_its_loop(self) -> bool {
        matches!(
            self,
            Uop::GuardNotExhaustedRange
                | Uop::GuardNotExhaustedList
                | Uop::GuardNotExhaustedTuple
                | Uop::ForIterTier2
        )
    }

    /// `(pops, pushes)` for an instruction with this oparg.
    pub fn stack_effect(self, oparg: u32) -> (u32, u32) {
        match self {
            Uop::Copy => (oparg, oparg + 1),
            Uop::Swap => (oparg, oparg),
            // Calls see `[callable, args...]`; checks leave it in place.
            Uop::CheckFunctionExactArgs | Uop::CheckCallableBuiltin => (oparg + 1, oparg + 1),
            Uop::CallPy | Uop::CallBuiltin | Uop::Call => (oparg + 1, 1),
            Uop::BuildTuple | Uop::BuildList => (oparg, 1),
            Uop::BuildMap => (2 * oparg, 1),
            Uop::ListAppend | Uop::SetAdd | Uop::SetUpdate => (oparg + 1, oparg),
            Uop::MapAdd => (oparg + 2, oparg),
            Uop::CallFunctionEx => (2 + oparg, 1),
            Uop::BuildSet => (oparg & !crate::lang::bytecode::SET_CONSTANT, 1),
            Uop::UnpackSequence | Uop::UnpackSequenceTuple | Uop::UnpackSequenceList => (1, oparg),
            Uop::UnpackEx => {
                crate::lang::bytecode::stack_effect(crate::lang::bytecode::Op::UnpackEx, oparg)
            }
            Uop::CallKw => {
                crate::lang::bytecode::stack_effect(crate::lang::bytecode::Op::CallKw, oparg)
            }
            _ => {
                let i = self.info();
                (i.pops as u32, i.pushes as u32)
            }
        }
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// This uop's index in [`Uop::ALL`] (how stencils name a uop in a hole):
    /// its discriminant, since the table macro lists `ALL` in declaration
    /// order (a test checks).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Stress and checking uops are inserted after optimization, never
    /// projected; planted uops replace real ones only in the JIT's copy.
    pub fn is_planted(self) -> bool {
        matches!(
            self,
            Uop::PlantedStackOverrun
                | Uop::PlantedGuardTosIntA64
                | Uop::PlantedLoadFastA64
                | Uop::PlantedForIterUnrooted
                | Uop::PlantedMultiplyHang
                | Uop::PlantedFloorDivideSegv
                | Uop::PlantedInvertAsNegate
                | Uop::PlantedGuardTosFloatAcceptsInt
                | Uop::PlantedSubscrListNoBounds
                | Uop::PlantedGuardUnicodeNosOnly
                | Uop::PlantedGuardTypeVersionKindOnly
                | Uop::PlantedUnpackTwoTupleAtLeast
        )
    }

    /// Where a forced failure may be inserted: before every uop that can
    /// leave the trace, except the unconditional `_EXIT_TRACE` and the
    /// forced failures themselves.
    pub fn can_be_forced(self) -> bool {
        self.info().exit != ExitKind::None
            && !matches!(self, Uop::ExitTrace | Uop::ForceDeopt | Uop::ForceSideExit)
    }

    /// The register variants this uop's stencils exist in, memory variant
    /// first. The contract, as in CPython 3.15:
    /// - every uop has the memory variant `r00` (the `none` policy);
    /// - a uop that escapes (may allocate, call, collect), addresses the
    ///   stack as an array, or has an oparg-dependent stack effect has only
    ///   that: nothing may be live only in a register while it runs;
    /// - a uop that can raise takes its inputs from memory (its error path
    ///   leaves the frame complete) and may leave its outputs in registers;
    /// - `_EXIT_TRACE` is entered at any depth and leaves through its stub;
    /// - every other uop takes its inputs from and leaves its outputs in
    ///   registers, and has shifted copies with more values cached below
    ///   (`_LOAD_FAST`: `r01`, `r12`, `r23`).
    ///
    /// Worked out once per uop: selection and the checker ask for every uop
    /// of every trace they compile.
    pub fn variants(self) -> &'static [Variant] {
        static TABLE: std::sync::OnceLock<Vec<Vec<Variant>>> = std::sync::OnceLock::new();
        &TABLE.get_or_init(|| Uop::ALL.iter().map(|u| u.declared_variants()).collect())
            [self.index()]
    }

    fn declared_variants(self) -> Vec<Variant> {
        let i = self.info();
        let mut out = vec![Variant::MEMORY];
        if i.exit_like {
            out.extend((1..=MAX_CACHED).map(|d| Variant::new(d, 0)));
            return out;
        }
        if i.escapes || i.memory || i.pops == u8::MAX || i.pushes == u8::MAX {
            return out;
        }
        if i.can_error {
            if i.pushes > 0 {
                out.push(Variant::new(0, i.pushes.min(MAX_CACHED)));
            }
            return out;
        }
        for k in 0..=MAX_CACHED {
            let (inputs, outputs) = (i.pops + k, i.pushes + k);
            if inputs > MAX_CACHED || outputs > MAX_CACHED {
                break;
            }
            let v = Variant::new(inputs, outputs);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// How many values are cached when this uop, in `variant`, jumps to its
    /// exit (its exit stub writes them back): the inputs, or what stays
    /// below them for a uop that pops before it can leave.
    pub fn exit_depth(self, variant: Variant) -> u8 {
        let i = self.info();
        if i.pops_before_exit {
            variant.inputs.saturating_sub(i.pops)
        } else {
            variant.inputs
        }
    }

    /// Guards the optimizer may remove when it can prove them.
    pub fn is_guard(self) -> bool {
        matches!(
            self,
            Uop::GuardTosInt
                | Uop::GuardNosInt
                | Uop::GuardTosFloat
                | Uop::GuardNosFloat
                | Uop::GuardBothUnicode
                | Uop::GuardNosUnicode
                | Uop::GuardNosList
                | Uop::GuardTosList
                | Uop::GuardNosTuple
                | Uop::GuardTosTuple
                | Uop::GuardNosDict
                | Uop::GuardTosDict
                | Uop::ToBoolBool
                | Uop::ToBoolInt
                | Uop::ToBoolNone
                | Uop::GuardIsTruePop
                | Uop::GuardIsFalsePop
                | Uop::GuardGlobalsVersion
                | Uop::GuardTypeVersion
                | Uop::CheckAttrClass
                | Uop::GuardCallableLen
                | Uop::GuardCallableIsinstance
                | Uop::CheckValidity
        )
    }
}

/// Stats keyed by uop name, (de)serialized with the names mapped back to
/// the table's `'static` strings (the worker process sends stats over a pipe).
pub mod names_map {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    use super::Uop;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<&'static str, u64>, D::Error> {
        let m: BTreeMap<String, u64> = BTreeMap::deserialize(d)?;
        m.into_iter()
            .map(|(k, v)| {
                Uop::ALL
                    .iter()
                    .map(|u| u.name())
                    .find(|n| *n == k)
                    .map(|n| (n, v))
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown uop `{k}`")))
            })
            .collect()
    }
}

/// One instruction of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UopInst {
    pub uop: Uop,
    pub oparg: u32,
    /// Bytecode index of the instruction this uop implements (where a deopt
    /// resumes, and what `_SET_IP` sets).
    pub target: u32,
    pub operand: u64,
    /// For uops that can leave: index into the executor's exits.
    pub exit: u32,
}

impl UopInst {
    pub fn new(uop: Uop, oparg: u32, target: u32, operand: u64) -> UopInst {
        UopInst {
            uop,
            oparg,
            target,
            operand,
            exit: u32::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_position_in_all() {
        for (i, &u) in Uop::ALL.iter().enumerate() {
            assert_eq!(u.index(), i, "{}", u.name());
        }
    }

    #[test]
    fn table_is_consistent() {
        for &u in Uop::ALL {
            let i = u.info();
            assert!(
                i.name.starts_with('_')
                    && i.name
                        .chars()
                        .all(|c| c == '_' || c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{}",
                i.name
            );
            assert!(
                !(i.pure && (i.escapes || i.can_error || i.exit != ExitKind::None)),
                "{} pure but effectful",
                i.name
            );
            if u.is_guard() {
                assert_ne!(
                    i.exit,
                    ExitKind::None,
                    "{} is a guard without an exit",
                    i.name
                );
            }
        }
        assert_eq!(Uop::Copy.stack_effect(2), (2, 3));
        assert_eq!(Uop::CallPy.stack_effect(2), (3, 1));
    }
}
