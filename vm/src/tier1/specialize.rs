//! Specialization decisions: given the operands a generic instruction sees
//! after warm-up, which specialized form (and cache contents) to rewrite it
//! to. The guards each specialized form checks at run time live in the
//! dispatch loop; these functions only decide.

use crate::lang::ast::BinOp;
use crate::lang::bytecode::{Op, Program};
use crate::runtime::object::{self, FUNCTION_CODE, Kind};
use crate::runtime::{Value, dict, float, pydict, seq, strs};

/// Guard failures tolerated before a specialized instruction reverts to its
/// generic form.
pub const MISS_LIMIT: u16 = 8;

/// Namespace for the decision functions; each returns `(op, version, index)`.
pub struct Outcome;

impl Outcome {
    pub fn binary_op(op: BinOp, a: Value, b: Value) -> Option<(Op, u64, u64)> {
        if strs::is_str(a) && strs::is_str(b) {
            return (op == BinOp::Add).then_some((Op::BinaryOpAddUnicode, 0, 0));
        }
        if float::is_float(a) && float::is_float(b) {
            // As CPython: `+ - *` on two floats; the rest stays generic.
            let spec = match op {
                BinOp::Add => Op::BinaryOpAddFloat,
                BinOp::Sub => Op::BinaryOpSubtractFloat,
                BinOp::Mul => Op::BinaryOpMultiplyFloat,
                _ => return None,
            };
            return Some((spec, 0, 0));
        }
        if !(a.is_small_int() && b.is_small_int()) {
            return None;
        }
        let spec = match op {
            BinOp::Add => Op::BinaryOpAddInt,
            BinOp::Sub => Op::BinaryOpSubtractInt,
            BinOp::Mul => Op::BinaryOpMultiplyInt,
            BinOp::FloorDiv => Op::BinaryOpFloorDivideInt,
            BinOp::Mod => Op::BinaryOpModuloInt,
            // Generic, as in CPython (no bitwise specializations).
            BinOp::BitAnd
            | BinOp::BitOr
            | BinOp::BitXor
            | BinOp::LShift
            | BinOp::RShift
            | BinOp::Div
            | BinOp::Pow => {
                return None;
            }
        };
        Some((spec, 0, 0))
    }

    pub fn compare_op(a: Value, b: Value) -> Option<(Op, u64, u64)> {
        if strs::is_str(a) && strs::is_str(b) {
            return Some((Op::CompareOpStr, 0, 0));
        }
        if float::is_float(a) && float::is_float(b) {
            return Some((Op::CompareOpFloat, 0, 0));
        }
        (a.is_small_int() && b.is_small_int()).then_some((Op::CompareOpInt, 0, 0))
    }

    pub fn to_bool(a: Value) -> Option<(Op, u64, u64)> {
        if a.is_bool() {
            Some((Op::ToBoolBool, 0, 0))
        } else if a.is_small_int() {
            Some((Op::ToBoolInt, 0, 0))
        } else if a == Value::NONE {
            Some((Op::ToBoolNone, 0, 0))
        } else if seq::is_list(a) {
            Some((Op::ToBoolList, 0, 0))
        } else if strs::is_str(a) {
            Some((Op::ToBoolStr, 0, 0))
        } else {
            None
        }
    }

    pub fn for_iter(it: Value) -> Option<(Op, u64, u64)> {
        if !it.is_ptr() {
            return None;
        }
        match object::kind_of(it) {
            Kind::RangeIter => Some((Op::ForIterRange, 0, 0)),
            Kind::ListIter => Some((Op::ForIterList, 0, 0)),
            Kind::TupleIter => Some((Op::ForIterTuple, 0, 0)),
            _ => None,
        }
    }

    /// `container[i]` on a list or tuple with a small int index.
    pub fn binary_subscr(c: Value, index: Value) -> Option<(Op, u64, u64)> {
        if pydict::is_dict(c) {
            return Some((Op::BinarySubscrDict, 0, 0));
        }
        if !index.is_small_int() {
            return None;
        }
        if seq::is_list(c) {
            Some((Op::BinarySubscrListInt, 0, 0))
        } else if seq::is_tuple(c) {
            Some((Op::BinarySubscrTupleInt, 0, 0))
        } else if strs::is_str(c) {
            Some((Op::BinarySubscrStrInt, 0, 0))
        } else {
            None
        }
    }

    pub fn store_subscr(c: Value, index: Value) -> Option<(Op, u64, u64)> {
        if pydict::is_dict(c) {
            return Some((Op::StoreSubscrDict, 0, 0));
        }
        (seq::is_list(c) && index.is_small_int()).then_some((Op::StoreSubscrListInt, 0, 0))
    }

    /// `x in d` on a dict.
    pub fn contains_op(c: Value) -> Option<(Op, u64, u64)> {
        pydict::is_dict(c).then_some((Op::ContainsOpDict, 0, 0))
    }

    /// Unpacking a tuple or list of exactly the target count.
    pub fn unpack_sequence(v: Value, n: u32) -> Option<(Op, u64, u64)> {
        if seq::is_tuple(v) && seq::len(v) == n as usize {
            Some((
                if n == 2 {
                    Op::UnpackSequenceTwoTuple
                } else {
                    Op::UnpackSequenceTuple
                },
                0,
                0,
            ))
        } else if seq::is_list(v) && seq::len(v) == n as usize {
            Some((Op::UnpackSequenceList, 0, 0))
        } else {
            None
        }
    }

    /// Caches the globals keys version and the entry index: valid while no
    /// key is added to globals (values may change; the index stays right).
    pub fn load_global(globals: Value, builtins: Value, name: u32) -> Option<(Op, u64, u64)> {
        let version = dict::keys_version(globals);
        if let Some(i) = dict::index_of(globals, name as u64) {
            return Some((Op::LoadGlobalModule, version, i));
        }
        dict::index_of(builtins, name as u64).map(|i| (Op::LoadGlobalBuiltin, version, i))
    }

    /// Python functions called with exactly their parameter count (guarded by
    /// code identity), or a builtin (guarded by identity).
    pub fn call(program: &Program, callable: Value, nargs: usize) -> Option<(Op, u64, u64)> {
        if callable == Value::BUILTIN_LEN && nargs == 1 {
            return Some((Op::CallLen, 0, callable.0));
        }
        if callable == Value::BUILTIN_ISINSTANCE && nargs == 2 {
            return Some((Op::CallIsinstance, 0, callable.0));
        }
        if callable.is_builtin()
            || crate::runtime::methods::is_method(callable)
            || crate::runtime::math::is_function(callable)
            || crate::runtime::random::is_function(callable)
        {
            return Some((Op::CallBuiltin, 0, callable.0));
        }
        if callable.is_ptr() && object::kind_of(callable) == Kind::Function {
            // SAFETY: a live Function object.
            let cid = unsafe { object::read(callable.0, FUNCTION_CODE) };
            let code = &program.codes[cid as usize];
            // `*args`, `**kwargs` and keyword-only parameters are bound by
            // the generic call's binding.
            if code.nparams as usize == nargs && code.simple_params() {
                return Some((Op::CallPyExactArgs, 0, cid));
            }
        }
        None
    }
}
