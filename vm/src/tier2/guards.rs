//! Re-evaluating a guard the optimizer removed (`+checkguards`). Every uop
//! is listed below, with no catch-all arm: a new uop does not compile until
//! someone decides whether it is a guard and, if so, how to re-check it.
//! A test proves every guard's check can fail.

use crate::runtime::{Value, class, float, pydict, seq, strs};

use super::uops::{Uop, UopInst};

/// Whether removed guard `g` would pass now, given the top three stack
/// values (top first), the globals' keys version and the executor's
/// validity. `None` for uops that are not guards (removing one is an
/// optimizer bug of its own).
pub fn removed_guard_holds(
    g: &UopInst,
    top: [Value; 3],
    globals_version: u64,
    valid: bool,
) -> Option<bool> {
    let [tos, nos, third] = top;
    Some(match g.uop {
        Uop::GuardCallableLen => nos.0 == g.operand,
        Uop::GuardCallableIsinstance => third.0 == g.operand,
        Uop::GuardTosInt => tos.is_small_int(),
        Uop::GuardNosInt => nos.is_small_int(),
        Uop::GuardTosFloat => float::is_float(tos),
        Uop::GuardNosFloat => float::is_float(nos),
        Uop::GuardBothUnicode => strs::is_str(tos) && strs::is_str(nos),
        Uop::GuardNosUnicode => strs::is_str(nos),
        Uop::GuardTosList => seq::is_list(tos),
        Uop::GuardNosList => seq::is_list(nos),
        Uop::GuardTosTuple => seq::is_tuple(tos),
        Uop::GuardNosTuple => seq::is_tuple(nos),
        Uop::GuardTosDict => pydict::is_dict(tos),
        Uop::GuardNosDict => pydict::is_dict(nos),
        Uop::ToBoolBool => tos.is_bool(),
        Uop::ToBoolInt => tos.is_small_int(),
        Uop::ToBoolNone => tos == Value::NONE,
        Uop::GuardIsTruePop => tos == Value::TRUE,
        Uop::GuardIsFalsePop => tos == Value::FALSE,
        Uop::GuardGlobalsVersion => globals_version == g.operand,
        Uop::CheckValidity => valid,
        Uop::GuardTypeVersion => {
            class::is_instance(tos) && class::version(class::type_of(tos)) == g.operand
        }
        Uop::CheckAttrClass => class::is_type(tos) && class::version(tos) == g.operand,
        Uop::LoadAttrInstanceValue
        | Uop::LoadAttrMethodWithValues
        | Uop::LoadAttrClass
        | Uop::LoadMethodClass
        | Uop::StoreAttrInstanceValue => return None,
        Uop::Nop
        | Uop::LoadFast
        | Uop::LoadFastCheck
        | Uop::StoreFast
        | Uop::DeleteFast
        | Uop::LoadConst
        | Uop::LoadConstInline
        | Uop::PopTop
        | Uop::PopTwoLoadConstInline
        | Uop::Copy
        | Uop::Swap
        | Uop::BinaryOpAddInt
        | Uop::BinaryOpSubtractInt
        | Uop::BinaryOpMultiplyInt
        | Uop::BinaryOpFloorDivideInt
        | Uop::BinaryOpModuloInt
        | Uop::BinaryOpAddFloat
        | Uop::BinaryOpSubtractFloat
        | Uop::BinaryOpMultiplyFloat
        | Uop::BinaryOp
        | Uop::UnaryNegative
        | Uop::UnaryPositive
        | Uop::UnaryInvert
        | Uop::UnaryNot
        | Uop::ToBool
        | Uop::CompareOpInt
        | Uop::CompareOpFloat
        | Uop::CompareOp
        | Uop::IterCheckRange
        | Uop::GuardNotExhaustedRange
        | Uop::IterNextRange
        | Uop::GetIter
        | Uop::ForIterTier2
        | Uop::LoadGlobal
        | Uop::LoadGlobalModule
        | Uop::LoadGlobalBuiltin
        | Uop::StoreGlobal
        | Uop::CheckFunctionExactArgs
        | Uop::CheckCallableBuiltin
        | Uop::CallPy
        | Uop::CallBuiltin
        | Uop::Call
        | Uop::MakeFunction
        | Uop::SetFunctionDefaults
        | Uop::SetFunctionClosure
        | Uop::LoadDeref
        | Uop::StoreDeref
        | Uop::SetIp
        | Uop::CheckPeriodic
        | Uop::JumpToTop
        | Uop::ExitTrace
        | Uop::CheckRemovedGuard
        | Uop::CheckIp
        | Uop::ForceDeopt
        | Uop::ForceSideExit
        | Uop::PlantedStackOverrun
        | Uop::PlantedGuardTosIntA64
        | Uop::PlantedLoadFastA64
        | Uop::PlantedForIterUnrooted
        | Uop::PlantedMultiplyHang
        | Uop::PlantedFloorDivideSegv
        | Uop::PlantedInvertAsNegate
        | Uop::PlantedGuardTosFloatAcceptsInt
        | Uop::PlantedSubscrListNoBounds
        | Uop::BinarySubscrListInt
        | Uop::BinarySubscrTupleInt
        | Uop::StoreSubscrListInt
        | Uop::IterCheckList
        | Uop::GuardNotExhaustedList
        | Uop::IterNextList
        | Uop::IterCheckTuple
        | Uop::GuardNotExhaustedTuple
        | Uop::IterNextTuple
        | Uop::UnpackSequenceTwoTuple
        | Uop::PlantedUnpackTwoTupleAtLeast
        | Uop::UnpackSequenceTuple
        | Uop::UnpackSequenceList
        | Uop::BuildTuple
        | Uop::BuildList
        | Uop::BinarySubscr
        | Uop::StoreSubscr
        | Uop::BinarySlice
        | Uop::StoreSlice
        | Uop::DeleteSubscr
        | Uop::DeleteSlice
        | Uop::DeleteAttr
        | Uop::ContainsOp
        | Uop::UnpackSequence
        | Uop::UnpackEx
        | Uop::LoadMethod
        | Uop::LoadAttr
        | Uop::StoreAttr
        | Uop::LoadSuperAttr
        | Uop::LoadSuperMethod
        | Uop::CallKw
        | Uop::BinaryOpAddUnicode
        | Uop::CompareOpStr
        | Uop::ToBoolStr
        | Uop::BinarySubscrStrInt
        | Uop::PlantedGuardUnicodeNosOnly
        | Uop::PlantedGuardTypeVersionKindOnly
        | Uop::ToBoolList
        | Uop::IsOp
        | Uop::BuildMap
        | Uop::BinarySubscrDict
        | Uop::StoreSubscrDict
        | Uop::ContainsOpDict
        | Uop::ListAppend
        | Uop::BuildSet
        | Uop::SetAdd
        | Uop::SetUpdate
        | Uop::MapAdd
        | Uop::ListExtend
        | Uop::DictMerge
        | Uop::CallFunctionEx
        | Uop::CallLen
        | Uop::CallIsinstance => return None,
    })
}

/// `len(x)` read in place for a list, tuple, str or dict (`_CALL_LEN`'s
/// fast path); None for anything else.
pub fn len_in_place(x: Value) -> Option<usize> {
    if seq::is_seq(x) {
        Some(seq::len(x))
    } else if strs::is_str(x) {
        Some(strs::len(x))
    } else if pydict::is_dict(x) {
        Some(pydict::len(x))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every uop the optimizer may remove has a check, and that check can
    /// both pass and fail: none is silently true.
    #[test]
    fn every_removable_guard_has_a_check_that_can_fail() {
        // Real objects: the float guards read the header of a pointer.
        let mut arena = crate::runtime::Arena::new();
        let a_float = crate::runtime::float::new(&mut arena, 2.5).unwrap();
        let a_big_int = crate::runtime::int::from_i64(&mut arena, 1 << 62).unwrap();
        let a_list = seq::new_list(&mut arena, &[]).unwrap();
        let a_tuple = seq::new_tuple(&mut arena, &[]).unwrap();
        let a_str = strs::new(&mut arena, "ab").unwrap();
        let a_dict = pydict::new(&mut arena).unwrap();
        // A class at version 7 (the operand below) and one of its instances.
        let (name, ns) = (
            strs::new(&mut arena, "C").unwrap(),
            pydict::new(&mut arena).unwrap(),
        );
        let a_class =
            class::new_type(&mut arena, 7, (name, Value::NULL, Value::NULL), ns, 0).unwrap();
        let an_instance = class::new_instance(&mut arena, a_class, 0).unwrap();
        let values = [
            a_class,
            an_instance,
            Value::small(3),
            Value::TRUE,
            Value::FALSE,
            Value::NONE,
            a_float,
            a_big_int,
            a_list,
            a_tuple,
            a_str,
            a_dict,
        ];
        for &u in Uop::ALL {
            // Operand 7 is also the callable the callable guards expect.
            let g = UopInst::new(u, 0, 0, 7);
            let outcomes: Vec<Option<bool>> = values
                .iter()
                .flat_map(|&tos| {
                    values.iter().flat_map(move |&nos| {
                        [(7, true), (8, false)].map(|(version, valid)| {
                            removed_guard_holds(&g, [tos, nos, nos], version, valid)
                        })
                    })
                })
                .collect();
            if u.is_guard() {
                assert!(outcomes.contains(&Some(true)), "{} never passes", u.name());
                assert!(outcomes.contains(&Some(false)), "{} never fails", u.name());
            } else {
                assert!(
                    outcomes.iter().all(|o| o.is_none()),
                    "{} is not a removable guard but has a check",
                    u.name()
                );
            }
        }
    }
}
