//! The trace optimizer: abstract interpretation over a small lattice
//! (unknown / known type / known value), then cleanup passes. Every guard it
//! removes is recorded with the fact that justified it, so checking mode can
//! re-evaluate it at run time (`+checkguards`).
//!
//! Passes (each switchable): `types` (type propagation and guard
//! elimination), `fold` (constant folding), `globals` (globals promoted to
//! constants under a dictionary watcher), `ip` (removal of unneeded
//! `_SET_IP` / `_CHECK_VALIDITY`), `dce` (dead pure pushes).

use crate::runtime::{Value, class, dict, float, int, strs};

use super::trace::int_binop;
use super::uops::{Uop, UopInst};

mod why;
pub use why::Reason;
use why::{At, Origin, Why};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OptConfig {
    pub types: bool,
    pub fold: bool,
    pub globals: bool,
    pub ip: bool,
    pub dce: bool,
    /// Keep removed guards as `_CHECK_REMOVED_GUARD` markers.
    pub check_guards: bool,
    /// Planted bug: assume locals keep, around the loop, the types they have
    /// at its end (a loop-carried type assumption without a guard).
    pub inject_loop_carried_types: bool,
    /// Planted bug: the `ip` pass drops every `_SET_IP`, needed or not.
    pub inject_drop_set_ip: bool,
    /// Planted bug: a callable guard on an unknown operand is removed.
    pub inject_callable_guard_trusts_unknown: bool,
}

impl OptConfig {
    pub const ALL_ON: OptConfig = OptConfig {
        types: true,
        fold: true,
        globals: true,
        ip: true,
        dce: true,
        check_guards: false,
        inject_loop_carried_types: false,
        inject_drop_set_ip: false,
        inject_callable_guard_trusts_unknown: false,
    };
    pub const ALL_OFF: OptConfig = OptConfig {
        types: false,
        fold: false,
        globals: false,
        ip: false,
        dce: false,
        check_guards: false,
        inject_loop_carried_types: false,
        inject_drop_set_ip: false,
        inject_callable_guard_trusts_unknown: false,
    };
}

/// A guard the optimizer removed, and why it believed that was sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedGuard {
    pub original: UopInst,
    /// Put into words only when read (`jitdiff show`, a finding).
    pub reason: Reason,
}

/// What the optimizer knows about the run-time state it optimizes for.
pub struct OptContext {
    pub globals: Value,
    pub builtins: Value,
    /// Promotion of globals to constants is allowed (the watcher budget is
    /// not exhausted and the trace does not store globals itself).
    pub may_promote: bool,
    /// Value-stack depth at the trace's first instruction.
    pub entry_depth: u32,
    pub nlocals: u32,
}

pub struct Optimized {
    pub uops: Vec<UopInst>,
    pub removed: Vec<RemovedGuard>,
    /// Globals were promoted: any store to globals must invalidate.
    pub depends_on_globals: bool,
    /// Class versions a removed guard relied on (the type watcher).
    pub type_versions: Vec<u64>,
    pub folded: u32,
    pub set_ip_removed: u32,
    /// The rules that fired, in order (coverage).
    pub fired: Vec<Rule>,
}

/// The optimizer's rewrites, for coverage: every place that removes,
/// folds, promotes or drops a uop names its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A type guard whose operand's type is known (int, float, list,
    /// tuple, dict, str, bool).
    RemoveTypeGuard,
    /// A class-version guard the type watcher covers.
    RemoveVersionGuard,
    /// `len` / `isinstance` guards on a known callable.
    RemoveCallableGuard,
    /// `_GUARD_IS_TRUE_POP`/`_FALSE_POP` on a known condition.
    RemoveConstantCondition,
    /// The globals-version guard the globals watcher covers.
    RemoveGlobalsGuard,
    /// A global load after a removed globals guard becomes a constant.
    PromoteGlobal,
    FoldIntArithmetic,
    FoldIntComparison,
    /// `_CHECK_VALIDITY` with no escaping uop since the last one.
    RemoveCheckValidity,
    /// `_SET_IP` that no escaping or raising uop needs.
    RemoveSetIp,
    /// A pure push and the `_POP_TOP` of it.
    DeadPushPop,
    /// Two pure pushes under a folded constant.
    DeadConstantPair,
    DropNop,
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::RemoveTypeGuard,
        Rule::RemoveVersionGuard,
        Rule::RemoveCallableGuard,
        Rule::RemoveConstantCondition,
        Rule::RemoveGlobalsGuard,
        Rule::PromoteGlobal,
        Rule::FoldIntArithmetic,
        Rule::FoldIntComparison,
        Rule::RemoveCheckValidity,
        Rule::RemoveSetIp,
        Rule::DeadPushPop,
        Rule::DeadConstantPair,
        Rule::DropNop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::RemoveTypeGuard => "remove type guard",
            Rule::RemoveVersionGuard => "remove class-version guard",
            Rule::RemoveCallableGuard => "remove callable guard",
            Rule::RemoveConstantCondition => "remove guard on a constant condition",
            Rule::RemoveGlobalsGuard => "remove globals-version guard",
            Rule::PromoteGlobal => "promote global to constant",
            Rule::FoldIntArithmetic => "fold int arithmetic",
            Rule::FoldIntComparison => "fold int comparison",
            Rule::RemoveCheckValidity => "remove _CHECK_VALIDITY",
            Rule::RemoveSetIp => "remove _SET_IP",
            Rule::DeadPushPop => "dead push + _POP_TOP",
            Rule::DeadConstantPair => "dead pushes under a folded constant",
            Rule::DropNop => "drop _NOP",
        }
    }
}

/// The abstract value of a stack slot or local.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    Unknown,
    SmallInt,
    /// An exact float (boxed).
    Float,
    Bool,
    List,
    Tuple,
    /// A dict (user data).
    Dict,
    Str,
    /// An instance whose class had this version when it was guarded.
    TypeVersion(u64),
    /// A class object of this version.
    ClassVersion(u64),
    Const(Value),
}

impl Sym {
    fn is_small_int(self) -> bool {
        match self {
            Sym::SmallInt => true,
            Sym::Const(v) => v.is_small_int(),
            _ => false,
        }
    }
    fn is_float(self) -> bool {
        match self {
            Sym::Float => true,
            Sym::Const(v) => float::is_float(v),
            _ => false,
        }
    }
    fn is_str(self) -> bool {
        match self {
            Sym::Str => true,
            Sym::Const(v) => strs::is_str(v),
            _ => false,
        }
    }
    fn is_bool(self) -> bool {
        match self {
            Sym::Bool => true,
            Sym::Const(v) => v.is_bool(),
            _ => false,
        }
    }
}

/// Symbols are shared between the stack and locals (narrowing one narrows
/// every slot holding it), as CPython's optimizer symbols are.
struct State {
    syms: Vec<(Sym, Origin)>,
    stack: Vec<usize>,
    locals: Vec<usize>,
}

impl State {
    fn new_sym(&mut self, s: Sym, origin: Origin) -> usize {
        self.syms.push((s, origin));
        self.syms.len() - 1
    }
    fn push(&mut self, s: Sym, origin: Origin) {
        let id = self.new_sym(s, origin);
        self.stack.push(id);
    }
    fn pop(&mut self) -> usize {
        match self.stack.pop() {
            Some(id) => id,
            // Below the trace's view: unknown.
            None => self.new_sym(Sym::Unknown, Origin::Entry),
        }
    }
    fn peek(&mut self, n: usize) -> usize {
        while self.stack.len() < n {
            let id = self.new_sym(Sym::Unknown, Origin::Entry);
            self.stack.insert(0, id);
        }
        self.stack[self.stack.len() - n]
    }
    fn sym(&self, id: usize) -> Sym {
        self.syms[id].0
    }
    fn why(&self, id: usize) -> Why {
        Why::new(self.syms[id].0, self.syms[id].1)
    }
}

pub fn optimize(raw: &[UopInst], cx: &OptContext, cfg: &OptConfig) -> Optimized {
    let initial = if cfg.inject_loop_carried_types && cfg.types {
        // First pass only to learn the types locals have at the loop's end.
        let (_, end) = interpret(raw, cx, cfg, None);
        Some(end)
    } else {
        None
    };
    let (mut out, _) = interpret(raw, cx, cfg, initial);
    if cfg.ip {
        remove_unneeded_ip(&mut out, cfg);
    }
    if cfg.dce {
        dead_code(&mut out.uops, &mut out.fired);
    }
    out
}

/// The abstract interpretation pass (types, folding, globals). Returns the
/// rewritten trace and the locals' symbols at its end.
fn interpret(
    raw: &[UopInst],
    cx: &OptContext,
    cfg: &OptConfig,
    initial_locals: Option<Vec<Sym>>,
) -> (Optimized, Vec<Sym>) {
    let mut st = State {
        syms: vec![],
        stack: vec![],
        locals: vec![],
    };
    for i in 0..cx.nlocals as usize {
        let s = initial_locals.as_ref().map_or(Sym::Unknown, |l| l[i]);
        let id = st.new_sym(s, Origin::EntryLocal(i as u32));
        st.locals.push(id);
    }
    for _ in 0..cx.entry_depth {
        let id = st.new_sym(Sym::Unknown, Origin::EntryStack);
        st.stack.push(id);
    }
    let mut out = Optimized {
        uops: vec![],
        removed: vec![],
        depends_on_globals: false,
        type_versions: vec![],
        folded: 0,
        set_ip_removed: 0,
        fired: vec![],
    };
    let mut promote_next = false;
    for (n, &inst) in raw.iter().enumerate() {
        let at = At {
            n: n as u32,
            uop: inst.uop,
        };
        let mut keep = inst;
        let mut remove_reason: Option<Reason> = None;
        let mut remove_rule: Option<Rule> = None;
        match inst.uop {
            Uop::LoadFast | Uop::LoadFastCheck => {
                let id = st.locals[inst.oparg as usize];
                st.stack.push(id);
            }
            Uop::StoreFast => {
                let id = st.pop();
                st.locals[inst.oparg as usize] = id;
            }
            // Unbound (NULL) is no value a symbol describes.
            Uop::DeleteFast => {
                st.locals[inst.oparg as usize] = st.new_sym(Sym::Unknown, Origin::Unbound(at));
            }
            // A cell's contents change behind the trace's back (a closure
            // it calls may store into it): nothing is known about what a
            // load finds, and a store changes no fact about the local,
            // which still holds the same cell.
            Uop::LoadDeref => st.push(Sym::Unknown, Origin::CellRead(at)),
            Uop::StoreDeref => {
                st.pop();
            }
            Uop::LoadConst | Uop::LoadConstInline => {
                st.push(Sym::Const(Value(inst.operand)), Origin::Made(at))
            }
            Uop::PopTop => {
                st.pop();
            }
            Uop::Copy => {
                let id = st.peek(inst.oparg as usize);
                st.stack.push(id);
            }
            Uop::Swap => {
                let n = inst.oparg as usize;
                st.peek(n);
                let len = st.stack.len();
                st.stack.swap(len - 1, len - n);
            }
            Uop::GuardTosInt
            | Uop::GuardNosInt
            | Uop::GuardTosFloat
            | Uop::GuardNosFloat
            | Uop::GuardTosList
            | Uop::GuardNosList
            | Uop::GuardTosTuple
            | Uop::GuardNosTuple
            | Uop::GuardTosDict
            | Uop::GuardNosDict
            | Uop::GuardNosUnicode => {
                // (depth checked, what proves it, what it proves)
                let (depth, proven, fact): (usize, fn(Sym) -> bool, Sym) = match inst.uop {
                    Uop::GuardTosInt => (1, Sym::is_small_int, Sym::SmallInt),
                    Uop::GuardNosInt => (2, Sym::is_small_int, Sym::SmallInt),
                    Uop::GuardTosFloat => (1, Sym::is_float, Sym::Float),
                    Uop::GuardNosFloat => (2, Sym::is_float, Sym::Float),
                    Uop::GuardTosList => (1, |s| s == Sym::List, Sym::List),
                    Uop::GuardNosList => (2, |s| s == Sym::List, Sym::List),
                    Uop::GuardTosTuple => (1, |s| s == Sym::Tuple, Sym::Tuple),
                    Uop::GuardNosTuple => (2, |s| s == Sym::Tuple, Sym::Tuple),
                    Uop::GuardTosDict => (1, |s| s == Sym::Dict, Sym::Dict),
                    Uop::GuardNosDict => (2, |s| s == Sym::Dict, Sym::Dict),
                    _ => (2, Sym::is_str, Sym::Str),
                };
                let id = st.peek(depth);
                if cfg.types && proven(st.sym(id)) {
                    remove_rule = Some(Rule::RemoveTypeGuard);
                    remove_reason = Some(Reason::Operand(st.why(id)));
                } else if cfg.types && st.sym(id) == Sym::Unknown {
                    st.syms[id] = (fact, Origin::Guarded(at));
                }
            }
            Uop::GuardTypeVersion => {
                let id = st.peek(1);
                if cfg.types && st.sym(id) == Sym::TypeVersion(inst.operand) {
                    remove_rule = Some(Rule::RemoveVersionGuard);
                    remove_reason = Some(Reason::Watched(st.why(id)));
                    out.type_versions.push(inst.operand);
                } else if cfg.types && st.sym(id) == Sym::Unknown {
                    st.syms[id] = (Sym::TypeVersion(inst.operand), Origin::Guarded(at));
                }
            }
            Uop::CheckAttrClass => {
                let id = st.peek(1);
                let known = match st.sym(id) {
                    Sym::ClassVersion(v) => v == inst.operand,
                    Sym::Const(c) => class::is_type(c) && class::version(c) == inst.operand,
                    _ => false,
                };
                if cfg.types && known {
                    remove_rule = Some(Rule::RemoveVersionGuard);
                    remove_reason = Some(Reason::Watched(st.why(id)));
                    out.type_versions.push(inst.operand);
                } else if cfg.types && st.sym(id) == Sym::Unknown {
                    st.syms[id] = (Sym::ClassVersion(inst.operand), Origin::Guarded(at));
                }
            }
            Uop::LoadAttrMethodWithValues => {
                let owner = st.pop();
                st.push(Sym::Const(Value(inst.operand)), Origin::MethodFound(at));
                st.stack.push(owner);
            }
            // Valid under the class version guard: promoted to a constant.
            Uop::LoadAttrClass => {
                st.pop();
                st.push(Sym::Const(Value(inst.operand)), Origin::ClassAttribute(at));
            }
            Uop::LoadMethodClass => {
                st.pop();
                st.push(Sym::Const(Value::METHOD_CALL_RECEIVER), Origin::Made(at));
                st.push(Sym::Const(Value(inst.operand)), Origin::ClassAttribute(at));
            }
            Uop::GuardBothUnicode => {
                let (tos, nos) = (st.peek(1), st.peek(2));
                if cfg.types && st.sym(tos).is_str() && st.sym(nos).is_str() {
                    remove_rule = Some(Rule::RemoveTypeGuard);
                    remove_reason = Some(Reason::Operands(st.why(nos), st.why(tos)));
                } else if cfg.types {
                    for id in [tos, nos] {
                        if st.sym(id) == Sym::Unknown {
                            st.syms[id] = (Sym::Str, Origin::Guarded(at));
                        }
                    }
                }
            }
            Uop::BinaryOpAddUnicode => {
                st.pop();
                st.pop();
                let s = if cfg.types { Sym::Str } else { Sym::Unknown };
                st.push(s, Origin::Result(at));
            }
            // Not folded: a folded float would need a new constant object.
            Uop::BinaryOpAddFloat | Uop::BinaryOpSubtractFloat | Uop::BinaryOpMultiplyFloat => {
                st.pop();
                st.pop();
                let s = if cfg.types { Sym::Float } else { Sym::Unknown };
                st.push(s, Origin::Result(at));
            }
            Uop::BinaryOpAddInt
            | Uop::BinaryOpSubtractInt
            | Uop::BinaryOpMultiplyInt
            | Uop::BinaryOpFloorDivideInt
            | Uop::BinaryOpModuloInt => {
                let (b, a) = (st.pop(), st.pop());
                let folded = match (cfg.fold, st.sym(a), st.sym(b)) {
                    (true, Sym::Const(x), Sym::Const(y))
                        if x.is_small_int() && y.is_small_int() =>
                    {
                        int::small_binop(
                            int_binop(inst.uop).expect("int uop"),
                            x.small_value(),
                            y.small_value(),
                        )
                    }
                    _ => None,
                };
                match folded {
                    Some(r) => {
                        let v = Value::small(r);
                        keep = UopInst::new(Uop::PopTwoLoadConstInline, 0, inst.target, v.0);
                        out.folded += 1;
                        out.fired.push(Rule::FoldIntArithmetic);
                        st.push(Sym::Const(v), Origin::Folded(at));
                    }
                    None => st.push(
                        if cfg.types {
                            Sym::SmallInt
                        } else {
                            Sym::Unknown
                        },
                        Origin::Result(at),
                    ),
                }
            }
            Uop::CompareOpInt => {
                let (b, a) = (st.pop(), st.pop());
                let folded = match (cfg.fold, st.sym(a), st.sym(b)) {
                    (true, Sym::Const(x), Sym::Const(y))
                        if x.is_small_int() && y.is_small_int() =>
                    {
                        Some(compare_small(inst.oparg, x.small_value(), y.small_value()))
                    }
                    _ => None,
                };
                match folded {
                    Some(r) => {
                        keep = UopInst::new(
                            Uop::PopTwoLoadConstInline,
                            0,
                            inst.target,
                            Value::bool(r).0,
                        );
                        out.folded += 1;
                        out.fired.push(Rule::FoldIntComparison);
                        st.push(Sym::Const(Value::bool(r)), Origin::Folded(at));
                    }
                    None => st.push(Sym::Bool, Origin::Result(at)),
                }
            }
            Uop::CompareOp
            | Uop::CompareOpFloat
            | Uop::CompareOpStr
            | Uop::ToBoolStr
            | Uop::ToBool
            | Uop::ToBoolInt
            | Uop::ToBoolNone
            | Uop::ToBoolList
            | Uop::ContainsOpDict
            | Uop::IsOp
            | Uop::UnaryNot => {
                let pops = inst.uop.stack_effect(inst.oparg).0;
                for _ in 0..pops {
                    st.pop();
                }
                st.push(Sym::Bool, Origin::Result(at));
            }
            Uop::ToBoolBool => {
                let id = st.peek(1);
                if cfg.types && st.sym(id).is_bool() {
                    remove_rule = Some(Rule::RemoveTypeGuard);
                    remove_reason = Some(Reason::Operand(st.why(id)));
                } else if cfg.types && st.sym(id) == Sym::Unknown {
                    st.syms[id] = (Sym::Bool, Origin::Guarded(at));
                }
            }
            Uop::GuardCallableLen | Uop::GuardCallableIsinstance => {
                let depth = if inst.uop == Uop::GuardCallableLen {
                    2
                } else {
                    3
                };
                let id = st.peek(depth);
                let known = st.sym(id) == Sym::Const(Value(inst.operand))
                    || (cfg.inject_callable_guard_trusts_unknown && st.sym(id) == Sym::Unknown);
                if cfg.types && known {
                    remove_rule = Some(Rule::RemoveCallableGuard);
                    remove_reason = Some(Reason::Callable(st.why(id)));
                }
            }
            Uop::CallLen => {
                st.pop();
                st.pop();
                let s = if cfg.types {
                    Sym::SmallInt
                } else {
                    Sym::Unknown
                };
                st.push(s, Origin::Result(at));
            }
            Uop::CallIsinstance => {
                for _ in 0..3 {
                    st.pop();
                }
                let s = if cfg.types { Sym::Bool } else { Sym::Unknown };
                st.push(s, Origin::Result(at));
            }
            Uop::GuardIsTruePop | Uop::GuardIsFalsePop => {
                let id = st.pop();
                let want = Value::bool(inst.uop == Uop::GuardIsTruePop);
                if cfg.types && st.sym(id) == Sym::Const(want) {
                    remove_rule = Some(Rule::RemoveConstantCondition);
                    remove_reason = Some(Reason::Condition(st.why(id)));
                }
            }
            // The list and the iterators under it stay what they were.
            Uop::ListAppend | Uop::SetAdd | Uop::SetUpdate => {
                st.pop();
            }
            // The dict and the iterators under the pair stay what they were.
            Uop::MapAdd => {
                st.pop();
                st.pop();
            }
            // The callable and the argument list stay; the dict's symbol is
            // a dict's.
            Uop::ListExtend | Uop::DictMerge => {
                st.pop();
            }
            // No symbol for sets: nothing guards on them. A call's result
            // is anything.
            Uop::BuildSet | Uop::CallFunctionEx => {
                for _ in 0..inst.uop.stack_effect(inst.oparg).0 {
                    st.pop();
                }
                st.push(Sym::Unknown, Origin::Result(at));
            }
            Uop::BuildList | Uop::BuildTuple | Uop::BuildMap => {
                for _ in 0..inst.uop.stack_effect(inst.oparg).0 {
                    st.pop();
                }
                let s = match (cfg.types, inst.uop) {
                    (false, _) => Sym::Unknown,
                    (true, Uop::BuildList) => Sym::List,
                    (true, Uop::BuildMap) => Sym::Dict,
                    _ => Sym::Tuple,
                };
                st.push(s, Origin::Result(at));
            }
            Uop::IterNextRange => st.push(
                if cfg.types {
                    Sym::SmallInt
                } else {
                    Sym::Unknown
                },
                Origin::Result(at),
            ),
            Uop::GuardGlobalsVersion => {
                if cfg.globals && cx.may_promote && inst.operand == dict::keys_version(cx.globals) {
                    remove_rule = Some(Rule::RemoveGlobalsGuard);
                    remove_reason = Some(Reason::GlobalsWatched(inst.operand));
                    out.depends_on_globals = true;
                    promote_next = true;
                }
            }
            Uop::LoadGlobalModule | Uop::LoadGlobalBuiltin if promote_next => {
                let d = if inst.uop == Uop::LoadGlobalModule {
                    cx.globals
                } else {
                    cx.builtins
                };
                let v = dict::entry(d, inst.oparg as u64).1;
                keep = UopInst::new(Uop::LoadConstInline, 0, inst.target, v.0);
                out.fired.push(Rule::PromoteGlobal);
                st.push(Sym::Const(v), Origin::GlobalPromoted(at));
                promote_next = false;
            }
            _ => {
                // Everything else: apply the declared stack effect with
                // unknown results.
                let (pops, pushes) = inst.uop.stack_effect(inst.oparg);
                for _ in 0..pops {
                    st.pop();
                }
                for _ in 0..pushes {
                    st.push(Sym::Unknown, Origin::Result(at));
                }
            }
        }
        match remove_reason {
            Some(reason) => {
                debug_assert!(remove_rule.is_some(), "a removal names its rule");
                out.fired.extend(remove_rule);
                remove(&mut out, inst, reason, cfg)
            }
            None => out.uops.push(keep),
        }
    }
    let end = st.locals.iter().map(|&id| st.sym(id)).collect();
    (out, end)
}

/// Drops a guard (keeping a popping guard's pop), leaving a checking marker
/// in `+checkguards` mode.
fn remove(out: &mut Optimized, inst: UopInst, reason: Reason, cfg: &OptConfig) {
    if cfg.check_guards {
        out.uops.push(UopInst::new(
            Uop::CheckRemovedGuard,
            0,
            inst.target,
            out.removed.len() as u64,
        ));
    }
    if matches!(inst.uop, Uop::GuardIsTruePop | Uop::GuardIsFalsePop) {
        out.uops.push(UopInst::new(Uop::PopTop, 0, inst.target, 0));
    }
    out.removed.push(RemovedGuard {
        original: inst,
        reason,
    });
}

fn compare_small(oparg: u32, a: i64, b: i64) -> bool {
    use crate::lang::ast::CmpOp::*;
    match crate::lang::bytecode::arg_cmp(oparg) {
        Eq => a == b,
        NotEq => a != b,
        Lt => a < b,
        LtE => a <= b,
        Gt => a > b,
        GtE => a >= b,
        In | NotIn | Is | IsNot => {
            unreachable!("membership and identity have their own instructions")
        }
    }
}

/// Keeps `_CHECK_VALIDITY` only where an escaping uop ran since the last
/// check (and at the top, which follows the loop's escaping back edge), and
/// `_SET_IP` only where an escaping or raising uop follows before the next.
fn remove_unneeded_ip(out: &mut Optimized, cfg: &OptConfig) {
    let mut kept = Vec::with_capacity(out.uops.len());
    let mut need_validity = true;
    for inst in std::mem::take(&mut out.uops) {
        if inst.uop == Uop::CheckValidity {
            if need_validity {
                need_validity = false;
                kept.push(inst);
            } else {
                if cfg.check_guards {
                    kept.push(UopInst::new(
                        Uop::CheckRemovedGuard,
                        0,
                        inst.target,
                        out.removed.len() as u64,
                    ));
                }
                out.removed.push(RemovedGuard {
                    original: inst,
                    reason: Reason::NoEscapeSinceValidityCheck,
                });
                out.fired.push(Rule::RemoveCheckValidity);
            }
            continue;
        }
        if inst.uop.info().escapes {
            need_validity = true;
        }
        kept.push(inst);
    }
    // Backward scan for _SET_IP.
    let mut needed = false;
    let mut result: Vec<UopInst> = Vec::with_capacity(kept.len());
    for inst in kept.into_iter().rev() {
        let info = inst.uop.info();
        if inst.uop == Uop::SetIp {
            if needed && !cfg.inject_drop_set_ip {
                needed = false;
                result.push(inst);
            } else {
                out.set_ip_removed += 1;
                out.fired.push(Rule::RemoveSetIp);
            }
            continue;
        }
        if info.escapes || info.can_error {
            needed = true;
        }
        result.push(inst);
    }
    result.reverse();
    out.uops = result;
}

/// Adjacent dead pure pushes: `push; _POP_TOP` vanish, and a folded
/// `_POP_TWO_LOAD_CONST_INLINE` over two pure pushes becomes one constant.
fn dead_code(uops: &mut Vec<UopInst>, fired: &mut Vec<Rule>) {
    let pure_push = |u: &UopInst| {
        matches!(u.uop, Uop::LoadFast | Uop::LoadConst | Uop::LoadConstInline)
            || (u.uop == Uop::Copy && u.oparg == 1)
    };
    loop {
        let before = uops.len();
        let mut out: Vec<UopInst> = Vec::with_capacity(uops.len());
        for inst in uops.drain(..) {
            let n = out.len();
            match inst.uop {
                Uop::Nop => {
                    fired.push(Rule::DropNop);
                    continue;
                }
                Uop::PopTop if n >= 1 && pure_push(&out[n - 1]) => {
                    out.pop();
                    fired.push(Rule::DeadPushPop);
                    continue;
                }
                Uop::PopTwoLoadConstInline
                    if n >= 2 && pure_push(&out[n - 1]) && pure_push(&out[n - 2]) =>
                {
                    out.truncate(n - 2);
                    fired.push(Rule::DeadConstantPair);
                    out.push(UopInst::new(
                        Uop::LoadConstInline,
                        0,
                        inst.target,
                        inst.operand,
                    ));
                    continue;
                }
                _ => out.push(inst),
            }
        }
        *uops = out;
        if uops.len() == before {
            break;
        }
    }
}
