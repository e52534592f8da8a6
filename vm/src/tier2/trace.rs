//! Trace formation by projection (CPython 3.13/3.14 style): starting at a
//! hot loop head or a hot side exit, walk tier 1's (specialized) bytecode
//! along the predicted path and expand each instruction into its uops.
//! Branch directions come from tier 1's per-branch history bits, so the
//! projected path is the one the program has been taking.

use crate::lang::ast::BinOp;
use crate::lang::bytecode::{Code, Op};
use crate::runtime::Value;

use super::uops::{Uop, UopInst};

/// Why no trace was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abort {
    /// The path leaves the trace almost at once (nothing worth compiling).
    TooShort,
}

/// Tier 1 records branch outcomes as a 16-bit shift register in the jump's
/// cache counter; a majority of taken bits predicts "taken".
pub fn predicted_taken(history: u16) -> bool {
    history.count_ones() > 8
}

/// Projects a trace starting at bytecode index `start` of `code`.
/// `max_len` bounds the uop count (CPython: 1600 uops; ours are smaller).
pub fn project(
    code: &Code,
    consts: &[Value],
    start: u32,
    max_len: usize,
) -> Result<Vec<UopInst>, Abort> {
    let mut out: Vec<UopInst> = Vec::new();
    let mut visited = vec![false; code.instrs.len()];
    let mut ip = start;
    let mut instructions = 0;
    // Every trace starts by checking its own validity: linked exits jump
    // straight into a trace's first uop, even after it was invalidated.
    out.push(UopInst::new(Uop::CheckValidity, 0, start, 0));
    loop {
        if out.len() >= max_len || visited[ip as usize] {
            // A cycle not closed by our own back edge, or too long: leave.
            out.push(UopInst::new(Uop::ExitTrace, ip, ip, 0));
            break;
        }
        visited[ip as usize] = true;
        instructions += 1;
        let ins = code.instrs[ip as usize];
        let arg = ins.arg;
        let mut emit =
            |uop: Uop, oparg: u32, operand: u64| out.push(UopInst::new(uop, oparg, ip, operand));
        // CPython brackets every instruction with these; the optimizer
        // removes the ones that are not needed.
        if ins.op != Op::Nop && ins.op != Op::JumpForward {
            emit(Uop::CheckValidity, 0, 0);
            emit(Uop::SetIp, 0, 0);
        }
        let cache = code.caches[ip as usize];
        let mut next = ip + 1;
        match ins.op {
            Op::Nop => {}
            Op::LoadConst => emit(Uop::LoadConst, arg, consts[arg as usize].0),
            Op::LoadFast => emit(Uop::LoadFast, arg, 0),
            Op::LoadFastCheck => emit(Uop::LoadFastCheck, arg, 0),
            Op::StoreFast => emit(Uop::StoreFast, arg, 0),
            Op::DeleteFast => emit(Uop::DeleteFast, arg, 0),
            // The cell itself, as CPython 3.12 turns LOAD_CLOSURE into
            // LOAD_FAST.
            Op::LoadClosure => emit(Uop::LoadFast, arg, 0),
            Op::LoadDeref => emit(Uop::LoadDeref, arg, 0),
            Op::StoreDeref => emit(Uop::StoreDeref, arg, 0),
            Op::SetFunctionClosure => emit(Uop::SetFunctionClosure, 0, 0),
            Op::LoadGlobal => emit(Uop::LoadGlobal, arg, 0),
            Op::LoadGlobalModule => {
                emit(Uop::GuardGlobalsVersion, 0, cache.version);
                emit(Uop::LoadGlobalModule, cache.index as u32, 0);
            }
            Op::LoadGlobalBuiltin => {
                emit(Uop::GuardGlobalsVersion, 0, cache.version);
                emit(Uop::LoadGlobalBuiltin, cache.index as u32, 0);
            }
            Op::StoreGlobal => emit(Uop::StoreGlobal, arg, 0),
            Op::PopTop => emit(Uop::PopTop, 0, 0),
            Op::Copy => emit(Uop::Copy, arg, 0),
            Op::Swap => emit(Uop::Swap, arg, 0),
            Op::BinaryOp => emit(Uop::BinaryOp, arg, 0),
            Op::BinaryOpAddInt
            | Op::BinaryOpSubtractInt
            | Op::BinaryOpMultiplyInt
            | Op::BinaryOpFloorDivideInt
            | Op::BinaryOpModuloInt => {
                emit(Uop::GuardNosInt, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                let uop = match ins.op {
                    Op::BinaryOpAddInt => Uop::BinaryOpAddInt,
                    Op::BinaryOpSubtractInt => Uop::BinaryOpSubtractInt,
                    Op::BinaryOpMultiplyInt => Uop::BinaryOpMultiplyInt,
                    Op::BinaryOpFloorDivideInt => Uop::BinaryOpFloorDivideInt,
                    _ => Uop::BinaryOpModuloInt,
                };
                emit(uop, arg, 0);
            }
            Op::BinaryOpAddFloat | Op::BinaryOpSubtractFloat | Op::BinaryOpMultiplyFloat => {
                emit(Uop::GuardNosFloat, 0, 0);
                emit(Uop::GuardTosFloat, 0, 0);
                let uop = match ins.op {
                    Op::BinaryOpAddFloat => Uop::BinaryOpAddFloat,
                    Op::BinaryOpSubtractFloat => Uop::BinaryOpSubtractFloat,
                    _ => Uop::BinaryOpMultiplyFloat,
                };
                emit(uop, arg, 0);
            }
            Op::BinaryOpAddUnicode => {
                emit(Uop::GuardBothUnicode, 0, 0);
                emit(Uop::BinaryOpAddUnicode, arg, 0);
            }
            Op::CompareOpStr => {
                emit(Uop::GuardBothUnicode, 0, 0);
                emit(Uop::CompareOpStr, arg, 0);
            }
            Op::ToBoolStr => emit(Uop::ToBoolStr, 0, 0),
            Op::BinarySubscrStrInt => {
                emit(Uop::GuardNosUnicode, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                emit(Uop::BinarySubscrStrInt, 0, 0);
            }
            Op::UnaryNegative => emit(Uop::UnaryNegative, 0, 0),
            Op::UnaryPositive => emit(Uop::UnaryPositive, 0, 0),
            Op::UnaryInvert => emit(Uop::UnaryInvert, 0, 0),
            Op::UnaryNot => emit(Uop::UnaryNot, 0, 0),
            Op::ToBool => emit(Uop::ToBool, 0, 0),
            Op::ToBoolBool => emit(Uop::ToBoolBool, 0, 0),
            Op::ToBoolInt => emit(Uop::ToBoolInt, 0, 0),
            Op::ToBoolNone => emit(Uop::ToBoolNone, 0, 0),
            Op::ToBoolList => emit(Uop::ToBoolList, 0, 0),
            Op::CompareOp => emit(Uop::CompareOp, arg, 0),
            Op::CompareOpInt => {
                emit(Uop::GuardNosInt, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                emit(Uop::CompareOpInt, arg, 0);
            }
            Op::CompareOpFloat => {
                emit(Uop::GuardNosFloat, 0, 0);
                emit(Uop::GuardTosFloat, 0, 0);
                emit(Uop::CompareOpFloat, arg, 0);
            }
            Op::PopJumpIfFalse | Op::PopJumpIfTrue => {
                let jumps_on_false = ins.op == Op::PopJumpIfFalse;
                if predicted_taken(cache.counter) {
                    // Follow the jump; the guard checks the value that jumps
                    // and leaves to the fall-through otherwise.
                    let guard = if jumps_on_false {
                        Uop::GuardIsFalsePop
                    } else {
                        Uop::GuardIsTruePop
                    };
                    emit(guard, ip + 1, 0);
                    next = arg;
                } else {
                    let guard = if jumps_on_false {
                        Uop::GuardIsTruePop
                    } else {
                        Uop::GuardIsFalsePop
                    };
                    emit(guard, arg, 0);
                }
            }
            Op::JumpForward => next = arg,
            Op::JumpBackward => {
                // The back edge's fuel and safe point, then either close the
                // loop or leave at the other loop's head.
                emit(Uop::CheckPeriodic, 0, 0);
                if arg == start {
                    emit(Uop::JumpToTop, 0, 0);
                } else {
                    out.push(UopInst::new(Uop::ExitTrace, arg, ip, 0));
                }
                break;
            }
            Op::GetIter => emit(Uop::GetIter, 0, 0),
            Op::ForIterRange => {
                emit(Uop::IterCheckRange, 0, 0);
                emit(Uop::GuardNotExhaustedRange, 0, 0);
                emit(Uop::IterNextRange, 0, 0);
            }
            // Resuming a generator (seen here by tier 1) ends the trace,
            // as CPython's FOR_ITER_GEN does: tier 1 runs the frame.
            Op::ForIter if cache.index == crate::lang::bytecode::FOR_ITER_GEN_SEEN => {
                out.push(UopInst::new(Uop::ExitTrace, ip, ip, 0));
                break;
            }
            Op::ForIter => emit(Uop::ForIterTier2, 0, 0),
            Op::CallPyExactArgs => {
                emit(Uop::CheckFunctionExactArgs, arg, cache.index);
                emit(Uop::CallPy, arg, 0);
            }
            Op::CallBuiltin if cache.index == Value::BUILTIN_NEXT.0 => {
                out.push(UopInst::new(Uop::ExitTrace, ip, ip, 0));
                break;
            }
            Op::CallBuiltin => {
                emit(Uop::CheckCallableBuiltin, arg, cache.index);
                emit(Uop::CallBuiltin, arg, 0);
            }
            Op::CallLen => {
                emit(Uop::GuardCallableLen, 0, Value::BUILTIN_LEN.0);
                emit(Uop::CallLen, 0, 0);
            }
            Op::CallIsinstance => {
                emit(Uop::GuardCallableIsinstance, 0, Value::BUILTIN_ISINSTANCE.0);
                emit(Uop::CallIsinstance, 2, 0);
            }
            Op::Call => emit(Uop::Call, arg, 0),
            Op::MakeFunction => emit(Uop::MakeFunction, arg, 0),
            Op::SetFunctionDefaults => emit(Uop::SetFunctionDefaults, 0, 0),
            Op::BinarySubscrListInt => {
                emit(Uop::GuardNosList, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                emit(Uop::BinarySubscrListInt, 0, 0);
            }
            Op::BinarySubscrTupleInt => {
                emit(Uop::GuardNosTuple, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                emit(Uop::BinarySubscrTupleInt, 0, 0);
            }
            Op::StoreSubscrListInt => {
                emit(Uop::GuardNosList, 0, 0);
                emit(Uop::GuardTosInt, 0, 0);
                emit(Uop::StoreSubscrListInt, 0, 0);
            }
            Op::ForIterList => {
                emit(Uop::IterCheckList, 0, 0);
                emit(Uop::GuardNotExhaustedList, 0, 0);
                emit(Uop::IterNextList, 0, 0);
            }
            Op::ForIterTuple => {
                emit(Uop::IterCheckTuple, 0, 0);
                emit(Uop::GuardNotExhaustedTuple, 0, 0);
                emit(Uop::IterNextTuple, 0, 0);
            }
            Op::UnpackSequenceTwoTuple => {
                emit(Uop::GuardTosTuple, 0, 0);
                emit(Uop::UnpackSequenceTwoTuple, arg, 0);
            }
            Op::UnpackSequenceTuple => {
                emit(Uop::GuardTosTuple, 0, 0);
                emit(Uop::UnpackSequenceTuple, arg, 0);
            }
            Op::UnpackSequenceList => {
                emit(Uop::GuardTosList, 0, 0);
                emit(Uop::UnpackSequenceList, arg, 0);
            }
            Op::BinarySubscrDict => {
                emit(Uop::GuardNosDict, 0, 0);
                emit(Uop::BinarySubscrDict, arg, stack_op_operand(ins.op, arg));
            }
            Op::StoreSubscrDict => {
                emit(Uop::GuardNosDict, 0, 0);
                emit(Uop::StoreSubscrDict, arg, stack_op_operand(ins.op, arg));
            }
            Op::ContainsOpDict => {
                emit(Uop::GuardTosDict, 0, 0);
                emit(Uop::ContainsOpDict, arg, stack_op_operand(ins.op, arg));
            }
            Op::BuildTuple
            | Op::BuildList
            | Op::BuildMap
            | Op::IsOp
            | Op::BinarySubscr
            | Op::StoreSubscr
            | Op::BinarySlice
            | Op::StoreSlice
            | Op::DeleteSubscr
            | Op::DeleteSlice
            | Op::UnpackEx
            | Op::DeleteAttr
            | Op::ContainsOp
            | Op::UnpackSequence
            | Op::LoadMethod
            | Op::LoadAttr
            | Op::CallKw
            | Op::ListAppend
            | Op::StoreAttr
            | Op::LoadSuperAttr
            | Op::LoadSuperMethod
            | Op::BuildSet
            | Op::SetAdd
            | Op::SetUpdate
            | Op::MapAdd
            | Op::ListExtend
            | Op::DictMerge
            | Op::CallFunctionEx => {
                let uop = match ins.op {
                    Op::BuildTuple => Uop::BuildTuple,
                    Op::BuildList => Uop::BuildList,
                    Op::BuildMap => Uop::BuildMap,
                    Op::IsOp => Uop::IsOp,
                    Op::BinarySubscr => Uop::BinarySubscr,
                    Op::StoreSubscr => Uop::StoreSubscr,
                    Op::BinarySlice => Uop::BinarySlice,
                    Op::StoreSlice => Uop::StoreSlice,
                    Op::DeleteSubscr => Uop::DeleteSubscr,
                    Op::UnpackEx => Uop::UnpackEx,
                    Op::DeleteSlice => Uop::DeleteSlice,
                    Op::DeleteAttr => Uop::DeleteAttr,
                    Op::ContainsOp => Uop::ContainsOp,
                    Op::UnpackSequence => Uop::UnpackSequence,
                    Op::CallKw => Uop::CallKw,
                    Op::LoadAttr => Uop::LoadAttr,
                    Op::ListAppend => Uop::ListAppend,
                    Op::StoreAttr => Uop::StoreAttr,
                    Op::LoadSuperAttr => Uop::LoadSuperAttr,
                    Op::LoadSuperMethod => Uop::LoadSuperMethod,
                    Op::BuildSet => Uop::BuildSet,
                    Op::SetAdd => Uop::SetAdd,
                    Op::SetUpdate => Uop::SetUpdate,
                    Op::MapAdd => Uop::MapAdd,
                    Op::ListExtend => Uop::ListExtend,
                    Op::DictMerge => Uop::DictMerge,
                    Op::CallFunctionEx => Uop::CallFunctionEx,
                    _ => Uop::LoadMethod,
                };
                emit(uop, arg, stack_op_operand(ins.op, arg));
            }
            Op::LoadAttrInstanceValue | Op::StoreAttrInstanceValue => {
                emit(Uop::GuardTypeVersion, 0, cache.version);
                let uop = if ins.op == Op::LoadAttrInstanceValue {
                    Uop::LoadAttrInstanceValue
                } else {
                    Uop::StoreAttrInstanceValue
                };
                emit(uop, cache.index as u32, 0);
            }
            Op::LoadAttrMethodWithValues => {
                emit(Uop::GuardTypeVersion, 0, cache.version);
                emit(Uop::LoadAttrMethodWithValues, 0, cache.index);
            }
            Op::LoadAttrClass | Op::LoadMethodClass => {
                emit(Uop::CheckAttrClass, 0, cache.version);
                let uop = if ins.op == Op::LoadAttrClass {
                    Uop::LoadAttrClass
                } else {
                    Uop::LoadMethodClass
                };
                emit(uop, 0, cache.index);
            }
            // A class statement is module-level code run once or so:
            // tier 1 builds the class. MAKE_CELL only starts a function,
            // before any loop: never on a projected path, but leave if it
            // ever is.
            Op::ReturnValue
            | Op::MakeCell
            | Op::PoisonIntTooLarge
            | Op::PushNull
            | Op::BuildClass
            | Op::RaiseVarargs
            // Handler code runs in tier 1 (only the `try` body is traced).
            | Op::PushExcInfo
            | Op::PopExcept
            | Op::CheckExcMatch
            | Op::Reraise
            | Op::DeleteGlobal
            | Op::LoadAssertionError
            // A generator suspends (its frame leaves the dispatch), and
            // `yield from`'s back edge follows a YIELD_VALUE.
            | Op::YieldValue
            | Op::JumpBackwardNoInterrupt
            // A tuple display with a star: rare in loops.
            | Op::ListToTuple => {
                // Leave the trace and let tier 1 execute it.
                out.push(UopInst::new(Uop::ExitTrace, ip, ip, 0));
                break;
            }
        }
        ip = next;
    }
    if instructions < 2 {
        return Err(Abort::TooShort);
    }
    Ok(out)
}

/// The operand of a generic sequence uop: the bytecode op it runs through
/// tier 1's code (`Run::stack_op`) and its arg.
pub fn stack_op_operand(op: Op, arg: u32) -> u64 {
    ((op as u8 as u64) << 32) | arg as u64
}

/// The bytecode op and arg a generic sequence uop's operand packs.
pub fn stack_op_of_operand(operand: u64) -> Option<(Op, u32)> {
    let op = [
        Op::BuildTuple,
        Op::BuildList,
        Op::BinarySubscr,
        Op::StoreSubscr,
        Op::BinarySlice,
        Op::StoreSlice,
        Op::DeleteSubscr,
        Op::UnpackEx,
        Op::DeleteSlice,
        Op::DeleteAttr,
        Op::ContainsOp,
        Op::UnpackSequence,
        Op::LoadMethod,
        Op::LoadAttr,
        Op::CallKw,
        Op::BuildMap,
        Op::IsOp,
        Op::BinarySubscrDict,
        Op::StoreSubscrDict,
        Op::ContainsOpDict,
        Op::ListAppend,
        Op::StoreAttr,
        Op::LoadSuperAttr,
        Op::LoadSuperMethod,
        Op::BuildSet,
        Op::SetAdd,
        Op::SetUpdate,
        Op::MapAdd,
        Op::ListExtend,
        Op::DictMerge,
        Op::CallFunctionEx,
    ]
    .into_iter()
    .find(|o| *o as u8 as u64 == operand >> 32)?;
    Some((op, operand as u32))
}

/// The bytecode index an exit resumes at: branch guards and `_EXIT_TRACE`
/// carry it in their oparg; every other exit re-executes its instruction.
pub fn resume_target(inst: &UopInst) -> u32 {
    match inst.uop {
        Uop::GuardIsTruePop | Uop::GuardIsFalsePop | Uop::ExitTrace => inst.oparg,
        _ => inst.target,
    }
}

/// The binary operator of a specialized int uop (for folding).
pub fn int_binop(uop: Uop) -> Option<BinOp> {
    Some(match uop {
        Uop::BinaryOpAddInt => BinOp::Add,
        Uop::BinaryOpSubtractInt => BinOp::Sub,
        Uop::BinaryOpMultiplyInt => BinOp::Mul,
        Uop::BinaryOpFloorDivideInt => BinOp::FloorDiv,
        Uop::BinaryOpModuloInt => BinOp::Mod,
        _ => return None,
    })
}
