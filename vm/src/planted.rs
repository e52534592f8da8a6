//! Planted bugs: every deliberate bug the oracle self-test hunts, in one
//! place. Each [`Injection`] is off unless a configuration names it
//! (`+inject=NAME`); production paths call the small hooks below, which do
//! nothing unless their injection is on, so a reader finds every planted
//! behaviour here and nowhere else.
//!
//! Each injection is a realistic bug of the class its oracle exists for,
//! and `jitdiff selftest` proves that oracle catches it (the fusil lesson:
//! an oracle that never fires is worse than none).

use crate::lang::bytecode::Code;
use crate::runtime::Value;
use crate::runtime::frame::{FRAME_LOCALS, FRAME_NLOCALS, FRAME_SP, fget, fset};
use crate::tier2::Executor;
use crate::tier2::uops::Uop;

/// A deliberately planted bug, off unless a configuration turns it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Injection {
    /// `BINARY_OP_ADD_INT` wraps to the small-int range instead of boxing
    /// when the result overflows it (a missing overflow check). Outcome.
    AddIntOverflow,
    /// The optimizer assumes locals keep around the loop the types they have
    /// at its end, and drops their type guards (unsound guard elimination).
    /// Removed-guard check.
    LoopCarriedTypes,
    /// A tier-2 deopt resumes one instruction after its target. Deopt state.
    DeoptResumeLate,
    /// Storing a global does not invalidate executors that promoted globals
    /// to constants (a missed dependency). Outcome.
    StaleGlobal,
    /// A side exit leaves one value too few on the value stack. Deopt state.
    ExitStackDepth,
    /// The JIT's patcher writes the wrong 16-bit chunk for AArch64
    /// `R_AARCH64_MOVW_UABS_G1_NC` (only AArch64 code has that relocation):
    /// every trace's first `_CHECK_VALIDITY` then reads 8 GiB past the
    /// validity flags. Emulation fault.
    A64MovwG1,
    /// The `_STORE_FAST` stencil's value is also written one slot past the
    /// value stack (a stencil memory bug). Emulation fault.
    StencilStackOverrun,
    /// A side exit back to tier 1 restores one local with a wrong value but
    /// the right stack depth. Frame state at the exit.
    ExitCorruptsLocal,
    /// `_GUARD_TOS_INT` always exits on AArch64 only: results stay right
    /// (tier 1 redoes the work), only the exits taken differ. Exit sequence.
    A64GuardAlwaysExits,
    /// A side trace is entered with one value more on the stack than the
    /// optimizer assumed when it compiled the trace. Entry depth.
    SideEntryDeeper,
    /// `_FOR_ITER_TIER_TWO`'s stencil keeps the iterator only in a register
    /// across its helper call, invisible to the collector (gh-142707's
    /// class). GC stress + heap verifier.
    UnrootedIterator,
    /// `_BINARY_OP_MULTIPLY_INT`'s stencil spins forever on overflow instead
    /// of leaving (a miscompiled rare path). Hang.
    StencilHang,
    /// `_BINARY_OP_FLOOR_DIVIDE_INT`'s stencil stores to address 0 on
    /// division by zero instead of leaving. Native: a contained crash.
    StencilSegfault,
    /// The optimizer's `ip` pass drops every `_SET_IP`, so escaping uops
    /// run with a stale frame ip. `_CHECK_IP` (checking mode), in machine
    /// code too.
    SetIpDropped,
    /// Variant selection forgets the spill before an escaping uop, so it
    /// runs with values live only in registers. Register-variant checker.
    SpillDropped,
    /// The variant table declares `_LOAD_FAST_r02` where the stencil is
    /// `_LOAD_FAST_r01` (an output depth off by one). Register-variant
    /// checker.
    VariantOffByOne,
    /// The spill/reload table maps `r20` to the `r21` stencil: the top
    /// value stays in a register the code no longer reads. `+checkregs`.
    SpillTableEntry,
    /// The exit stub for two cached values writes back only the deeper one
    /// (gh-142718's class). Frame state at the exit.
    ExitStubSkipsRegister,
    /// `_LOAD_FAST_r23` writes cache slot 1 instead of 2, on AArch64 only.
    /// `+checkregs` on `jit-a64`.
    A64CacheRegister,
    /// `_UNARY_INVERT`'s stencil passes its helper the operator flag of
    /// `_UNARY_NEGATIVE` (a stencil that shares a body by flag, one flag
    /// wrong): `~x` computes `-x` in machine code only. Frame state at the
    /// next exit (before the wrong value reaches the output).
    InvertAsNegate,
    /// `_GUARD_TOS_FLOAT`'s stencil also passes small ints (a "number"
    /// guard where a float guard belongs), so the float stencil after it
    /// reads an int as a pointer: under emulation the fault oracle (a read
    /// of unmapped memory in `_BINARY_OP_ADD_FLOAT`), natively containment
    /// (SIGSEGV).
    FloatGuardAcceptsInt,
    /// `_BINARY_SUBSCR_LIST_INT`'s stencil reads the item array without
    /// checking the index against the list's length, so an out-of-range
    /// index reads an empty slot (NULL), another object or unmapped memory
    /// instead of leaving for tier 1's IndexError.
    ListSubscriptNoBoundsCheck,
    /// `_GUARD_BOTH_UNICODE`'s stencil checks only the left operand, so
    /// `_BINARY_OP_ADD_UNICODE` or `_COMPARE_OP_STR` after it meets a
    /// non-str right operand (gh-130903's class).
    UnicodeGuardOneOperand,
    /// The specialized dict store (`_STORE_SUBSCR_DICT`, in the tier-2
    /// interpreter and the JIT's helper) inserts a new key without growing
    /// the entry array when its slots are used up, writing past its
    /// capacity into whatever the arena holds next.
    DictStoreIgnoresResize,
    /// The type watcher invalidates the executors that relied on a
    /// modified class's own version, but not those that relied on the
    /// versions of classes deriving from it: a method rebound on a base
    /// class while a trace runs on a subclass instance leaves its removed
    /// type-version guards stale. Removed-guard check.
    TypeWatcherMissesBase,
    /// `_GUARD_TYPE_VERSION`'s stencil checks only that the value is an
    /// instance, not its class's version: `_LOAD_ATTR_INSTANCE_VALUE`
    /// after it reads another class's layout (or a class whose layout
    /// changed under `__class__`). Frame state or outcome.
    TypeGuardIgnoresVersion,
    /// An exception raised inside a trace leaves with the frame's `ip` one
    /// instruction past the one that raised (the error path writes back
    /// `ip + 1`): tier 1 looks the wrong instruction up in the exception
    /// table, and the error transition names a point tier 1 never reaches.
    /// Frame state at the exception.
    ErrorResumesLate,
    /// The collector does not trace a suspended generator's saved frame
    /// (its locals and loop iterators): only the object's function. GC
    /// stress + heap verifier.
    GenFrameNotRooted,
    /// A loop trace is installed without being registered at its loop
    /// head (a lost update of the executor index): each time tier 1 gets
    /// back to the head, the loop is hot again and a new trace is built,
    /// forever. Right answers, a retrace storm. Performance cliff.
    RetraceStorm,
    /// The optimizer's callable-guard rule treats an operand it knows
    /// nothing about as the builtin the guard expects (a lattice's top
    /// taken for a match): `_GUARD_CALLABLE_LEN`/`_ISINSTANCE` are removed
    /// where a local holds the callable, so a local rebound from `len` to a
    /// Python function mid-loop still runs `len`. Removed-guard check.
    CallableGuardTrustsUnknown,
    /// `_UNPACK_SEQUENCE_TWO_TUPLE`'s stencil checks that the tuple has at
    /// least two items where it needs exactly two (`<` for `!=`): `a, b =
    /// (1, 2, 3)` unpacks the first two instead of raising ValueError.
    /// Frame state at the next exit, or outcome.
    UnpackIgnoresExtraItems,
    /// Tier 1's specialized `len()` call (`CALL_LEN`) forgets its unit of
    /// fuel (a fast path that skips the tick its generic CALL takes):
    /// right answers, a clock that runs slow, so the fuel limit falls
    /// later than the language says. Fuel.
    LenCallFuelFree,
}

impl Injection {
    pub const ALL: [Injection; 32] = [
        Injection::AddIntOverflow,
        Injection::LoopCarriedTypes,
        Injection::DeoptResumeLate,
        Injection::StaleGlobal,
        Injection::ExitStackDepth,
        Injection::A64MovwG1,
        Injection::StencilStackOverrun,
        Injection::ExitCorruptsLocal,
        Injection::A64GuardAlwaysExits,
        Injection::SideEntryDeeper,
        Injection::UnrootedIterator,
        Injection::StencilHang,
        Injection::StencilSegfault,
        Injection::SetIpDropped,
        Injection::SpillDropped,
        Injection::VariantOffByOne,
        Injection::SpillTableEntry,
        Injection::ExitStubSkipsRegister,
        Injection::A64CacheRegister,
        Injection::InvertAsNegate,
        Injection::FloatGuardAcceptsInt,
        Injection::ListSubscriptNoBoundsCheck,
        Injection::UnicodeGuardOneOperand,
        Injection::DictStoreIgnoresResize,
        Injection::TypeWatcherMissesBase,
        Injection::TypeGuardIgnoresVersion,
        Injection::ErrorResumesLate,
        Injection::GenFrameNotRooted,
        Injection::RetraceStorm,
        Injection::CallableGuardTrustsUnknown,
        Injection::UnpackIgnoresExtraItems,
        Injection::LenCallFuelFree,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Injection::AddIntOverflow => "add-int-overflow",
            Injection::LoopCarriedTypes => "loop-carried-types",
            Injection::DeoptResumeLate => "deopt-resume-late",
            Injection::StaleGlobal => "stale-global",
            Injection::ExitStackDepth => "exit-stack-depth",
            Injection::A64MovwG1 => "a64-movw-g1",
            Injection::StencilStackOverrun => "stencil-stack-overrun",
            Injection::ExitCorruptsLocal => "exit-corrupts-local",
            Injection::A64GuardAlwaysExits => "a64-guard-always-exits",
            Injection::SideEntryDeeper => "side-entry-deeper",
            Injection::UnrootedIterator => "unrooted-iterator",
            Injection::StencilHang => "stencil-hang",
            Injection::StencilSegfault => "stencil-segfault",
            Injection::SetIpDropped => "set-ip-dropped",
            Injection::SpillDropped => "spill-dropped",
            Injection::VariantOffByOne => "variant-off-by-one",
            Injection::SpillTableEntry => "spill-table-entry",
            Injection::ExitStubSkipsRegister => "exit-stub-skips-register",
            Injection::A64CacheRegister => "a64-cache-register",
            Injection::InvertAsNegate => "invert-as-negate",
            Injection::FloatGuardAcceptsInt => "float-guard-accepts-int",
            Injection::ListSubscriptNoBoundsCheck => "list-subscript-no-bounds-check",
            Injection::UnicodeGuardOneOperand => "unicode-guard-one-operand",
            Injection::DictStoreIgnoresResize => "dict-store-ignores-resize",
            Injection::TypeWatcherMissesBase => "type-watcher-misses-base",
            Injection::TypeGuardIgnoresVersion => "type-guard-ignores-version",
            Injection::ErrorResumesLate => "error-resumes-late",
            Injection::GenFrameNotRooted => "gen-frame-not-rooted",
            Injection::RetraceStorm => "retrace-storm",
            Injection::CallableGuardTrustsUnknown => "callable-guard-trusts-unknown",
            Injection::UnpackIgnoresExtraItems => "unpack-ignores-extra-items",
            Injection::LenCallFuelFree => "len-call-fuel-free",
        }
    }

    pub fn from_name(s: &str) -> Option<Injection> {
        Self::ALL.into_iter().find(|i| i.name() == s)
    }
}

/// Whether tier 1's call instruction `op` skips its unit of fuel.
pub fn call_skips_fuel(inject: Option<Injection>, op: crate::lang::bytecode::Op) -> bool {
    inject == Some(Injection::LenCallFuelFree) && op == crate::lang::bytecode::Op::CallLen
}

/// Whether the optimizer removes a callable guard whose operand it knows
/// nothing about.
pub fn callable_guard_trusts_unknown(inject: Option<Injection>) -> bool {
    inject == Some(Injection::CallableGuardTrustsUnknown)
}

/// Whether the type watcher forgets executors that watch a class deriving
/// from the one modified (its version still changes).
pub fn watcher_misses_subclasses(inject: Option<Injection>) -> bool {
    inject == Some(Injection::TypeWatcherMissesBase)
}

/// On an exception leaving a trace, before tier 1 or an oracle reads the
/// frame the trace wrote back.
pub fn at_error_exit(inject: Option<Injection>, frame: u64) {
    if inject == Some(Injection::ErrorResumesLate) {
        use crate::runtime::frame::FRAME_IP;
        fset(frame, FRAME_IP, fget(frame, FRAME_IP) + 1);
    }
}

/// Whether the specialized dict store skips growing a full entry array.
pub fn dict_store_ignores_resize(inject: Option<Injection>) -> bool {
    inject == Some(Injection::DictStoreIgnoresResize)
}

/// The JIT's copy of a trace, with the planted stencils swapped in (the
/// executor itself, which the tier-2 interpreter runs, keeps the real uops).
pub fn rewrite_for_jit(inject: Option<Injection>, ex: &mut Executor, code: &Code) {
    let Some(inject) = inject else { return };
    let swap: fn(Uop) -> Option<Uop> = match inject {
        Injection::StencilStackOverrun => {
            |u| (u == Uop::StoreFast).then_some(Uop::PlantedStackOverrun)
        }
        Injection::A64GuardAlwaysExits => {
            |u| (u == Uop::GuardTosInt).then_some(Uop::PlantedGuardTosIntA64)
        }
        Injection::UnrootedIterator => {
            |u| (u == Uop::ForIterTier2).then_some(Uop::PlantedForIterUnrooted)
        }
        Injection::StencilHang => {
            |u| (u == Uop::BinaryOpMultiplyInt).then_some(Uop::PlantedMultiplyHang)
        }
        Injection::StencilSegfault => {
            |u| (u == Uop::BinaryOpFloorDivideInt).then_some(Uop::PlantedFloorDivideSegv)
        }
        Injection::A64CacheRegister => |u| (u == Uop::LoadFast).then_some(Uop::PlantedLoadFastA64),
        Injection::InvertAsNegate => {
            |u| (u == Uop::UnaryInvert).then_some(Uop::PlantedInvertAsNegate)
        }
        Injection::FloatGuardAcceptsInt => {
            |u| (u == Uop::GuardTosFloat).then_some(Uop::PlantedGuardTosFloatAcceptsInt)
        }
        Injection::ListSubscriptNoBoundsCheck => {
            |u| (u == Uop::BinarySubscrListInt).then_some(Uop::PlantedSubscrListNoBounds)
        }
        Injection::UnicodeGuardOneOperand => {
            |u| (u == Uop::GuardBothUnicode).then_some(Uop::PlantedGuardUnicodeNosOnly)
        }
        Injection::TypeGuardIgnoresVersion => {
            |u| (u == Uop::GuardTypeVersion).then_some(Uop::PlantedGuardTypeVersionKindOnly)
        }
        Injection::UnpackIgnoresExtraItems => {
            |u| (u == Uop::UnpackSequenceTwoTuple).then_some(Uop::PlantedUnpackTwoTupleAtLeast)
        }
        _ => return,
    };
    let mut uops = ex.uops.to_vec();
    for u in uops.iter_mut() {
        if let Some(planted) = swap(u.uop) {
            if planted == Uop::PlantedStackOverrun {
                // The distance from the stack pointer after the pop to one
                // slot past the frame's value stack.
                let depth_after_pop = code.depth_at[u.target as usize] as u64 - 1;
                u.operand = code.stack_size as u64 - depth_after_pop;
            }
            u.uop = planted;
        }
    }
    ex.uops = uops.into();
}

/// Where a deopt resumes tier 1 (`deopt-resume-late`: one instruction late).
pub fn deopt_target(inject: Option<Injection>, target: u32) -> u32 {
    if inject == Some(Injection::DeoptResumeLate) {
        target + 1
    } else {
        target
    }
}

/// Called as a side exit (not `_EXIT_TRACE`, not a deopt) is taken, with
/// the frame's stack pointer written back.
pub fn at_side_exit(inject: Option<Injection>, frame: u64) {
    match inject {
        Some(Injection::ExitStackDepth) => {
            let sp = fget(frame, FRAME_SP);
            fset(frame, FRAME_SP, sp - 8);
        }
        Some(Injection::ExitCorruptsLocal) => {
            // The first local holding a small int comes back off by one.
            let n = fget(frame, FRAME_NLOCALS);
            for i in 0..n {
                let v = Value(fget(frame, FRAME_LOCALS + 8 * i));
                if v.is_small_int() && Value::fits_small(v.small_value() + 1) {
                    fset(
                        frame,
                        FRAME_LOCALS + 8 * i,
                        Value::small(v.small_value() + 1).0,
                    );
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Called as execution is handed to a side trace grown from an exit.
pub fn at_side_entry(inject: Option<Injection>, frame: u64) {
    if inject == Some(Injection::SideEntryDeeper) {
        let sp = fget(frame, FRAME_SP);
        fset(sp, 0, Value::NONE.0);
        fset(frame, FRAME_SP, sp + 8);
    }
}

/// `add-int-overflow`: the wrapped result the planted specialization gives
/// instead of boxing, or `None` when the injection is off.
pub fn wrapped_add(inject: Option<Injection>, a: i64, b: i64) -> Option<Value> {
    (inject == Some(Injection::AddIntOverflow)).then(|| Value::small(((a + b) << 1) >> 1))
}

/// `a64-movw-g1`: the patcher's planted mis-patch, when on.
pub fn mispatch(inject: Option<Injection>) -> Option<crate::jit::codegen::Mispatch> {
    (inject == Some(Injection::A64MovwG1)).then_some(crate::jit::codegen::Mispatch)
}

/// `stale-global`: the globals watcher forgets its dependents.
/// `retrace-storm`: a new loop trace is not registered at its head.
pub fn forgets_loop_trace(inject: Option<Injection>) -> bool {
    inject == Some(Injection::RetraceStorm)
}

pub fn forgets_global_dependency(inject: Option<Injection>) -> bool {
    inject == Some(Injection::StaleGlobal)
}

/// `loop-carried-types`: the optimizer's unsound loop-carried assumption.
pub fn assumes_loop_carried_types(inject: Option<Injection>) -> bool {
    inject == Some(Injection::LoopCarriedTypes)
}

/// `set-ip-dropped`: the optimizer drops every `_SET_IP`.
pub fn drops_set_ip(inject: Option<Injection>) -> bool {
    inject == Some(Injection::SetIpDropped)
}

/// A variant of `uop` as selection sees it (`variant-off-by-one`:
/// `_LOAD_FAST`'s `r01` declared as `r02`).
pub fn selectable_variant(
    inject: Option<Injection>,
    uop: Uop,
    v: crate::tier2::uops::Variant,
) -> crate::tier2::uops::Variant {
    use crate::tier2::uops::Variant;
    if inject == Some(Injection::VariantOffByOne) && uop == Uop::LoadFast && v == Variant::new(0, 1)
    {
        Variant::new(0, 2)
    } else {
        v
    }
}

/// `spill-dropped`: selection skips the spill to depth 0 before an escaping
/// uop.
pub fn drops_spill(
    inject: Option<Injection>,
    uop: Uop,
    variant: crate::tier2::uops::Variant,
) -> bool {
    inject == Some(Injection::SpillDropped) && uop.info().escapes && variant.inputs == 0
}

/// The stencil a spill from `from` to `to` is emitted with
/// (`spill-table-entry`: `r20` gets the `r21` stencil).
pub fn spill_stencil(inject: Option<Injection>, from: u8, to: u8) -> (u8, u8) {
    if inject == Some(Injection::SpillTableEntry) && (from, to) == (2, 0) {
        (2, 1)
    } else {
        (from, to)
    }
}

/// The exit stub for `depth` cached values (`exit-stub-skips-register`:
/// depth 2 gets one that writes back only cache slot 0).
pub fn exit_stub(inject: Option<Injection>, depth: u8) -> String {
    if inject == Some(Injection::ExitStubSkipsRegister) && depth == 2 {
        "_PLANTED_EXIT_STUB_r20".into()
    } else {
        crate::jit::stencil::exit_stub(depth)
    }
}

/// `gen-frame-not-rooted`: the collector marks the children of the object
/// at `addr`, but of a generator only its function, not its saved frame.
///
/// # Safety
/// `addr` must be a live object.
pub unsafe fn gc_children(
    inject: Option<Injection>,
    addr: u64,
    f: &mut dyn FnMut(crate::runtime::Value),
) {
    use crate::runtime::object::{self, Kind};
    // SAFETY: per the contract.
    unsafe {
        let generator = object::header_kind(object::read(addr, 0)) == Kind::Generator;
        if generator && inject == Some(Injection::GenFrameNotRooted) {
            crate::runtime::generator::for_each_child(addr, f, true);
        } else {
            object::for_each_child(addr, f);
        }
    }
}
