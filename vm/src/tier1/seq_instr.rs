//! Tier 1's sequence instructions (subscripts, slices, unpacking,
//! displays, membership, method lookup, list and tuple iteration), kept out
//! of the dispatch loop's function: their locals would otherwise grow every
//! nested call's native stack frame.

use crate::lang::bytecode::{Code, Instr, Op};
use crate::runtime::frame::{FRAME_SP, fset};
use crate::runtime::object::{self, Kind};
use crate::runtime::{Raise, Value, pydict, pydict_ops, seq, strs};

use super::Run;
use super::interp::{Regs, adapt, small_item};
use super::specialize::Outcome as Spec;

impl Run<'_> {
    #[inline(never)]
    pub(super) fn seq_instr(
        &mut self,
        r: &mut Regs,
        code: &mut Code,
        at: usize,
        ins: Instr,
    ) -> Result<(), Raise> {
        macro_rules! push {
            ($v:expr) => {{
                let v: Value = $v;
                // SAFETY: the compiler sized the stack for this code.
                unsafe {
                    *r.sp = v.0;
                    r.sp = r.sp.add(1);
                }
            }};
        }
        macro_rules! pop {
            () => {{
                // SAFETY: the compiler guarantees the stack holds the operand.
                unsafe {
                    r.sp = r.sp.sub(1);
                    Value(*r.sp)
                }
            }};
        }
        macro_rules! peek {
            ($n:expr) => {{
                // SAFETY: as `pop`.
                unsafe { Value(*r.sp.sub($n)) }
            }};
        }
        macro_rules! sync {
            () => {
                fset(r.frame, FRAME_SP, r.sp as u64)
            };
        }
        match ins.op {
            Op::BinarySubscrDict => {
                let (c, k) = (peek!(2), peek!(1));
                if !pydict::is_dict(c) {
                    self.miss(code, at);
                }
                sync!();
                // A program with user hashes looks keys up through
                // `subscript_any`, which finds out whether one is met.
                let v = if pydict::is_dict(c) && !self.user_hashed {
                    pydict_ops::subscript(c, k)?
                } else {
                    self.subscript_any(c, k)?
                };
                pop!();
                pop!();
                push!(v)
            }
            Op::StoreSubscrDict => {
                let (v, c, k) = (peek!(3), peek!(2), peek!(1));
                if !pydict::is_dict(c) {
                    self.miss(code, at);
                }
                sync!();
                self.store_subscript_any(c, k, v)?;
                pop!();
                pop!();
                pop!();
            }
            Op::ContainsOp | Op::ContainsOpDict => {
                let (x, c) = (peek!(2), peek!(1));
                if ins.op == Op::ContainsOp {
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::contains_op(c)
                    });
                } else if !pydict::is_dict(c) {
                    self.miss(code, at);
                }
                // A `__contains__` runs with the operands rooted.
                sync!();
                let v = match self.gen_stack_op(Op::ContainsOp, ins.arg, &[x, c]) {
                    Some(r) => r?[0],
                    None => self.contains_op_any(x, c, ins.arg == 1)?,
                };
                pop!();
                pop!();
                push!(v)
            }
            Op::BinarySubscr
            | Op::BinarySubscrListInt
            | Op::BinarySubscrTupleInt
            | Op::BinarySubscrStrInt => {
                let (c, i) = (peek!(2), peek!(1));
                let fast = match ins.op {
                    Op::BinarySubscr => {
                        adapt(self.config.specialize, &mut self.stats, code, at, || {
                            Spec::binary_subscr(c, i)
                        });
                        None
                    }
                    Op::BinarySubscrListInt if seq::is_list(c) => small_item(c, i),
                    Op::BinarySubscrTupleInt if seq::is_tuple(c) => small_item(c, i),
                    Op::BinarySubscrStrInt if strs::is_str(c) => small_char(self.arena, c, i),
                    _ => None,
                };
                let v = match fast {
                    Some(v) => v,
                    None => {
                        if ins.op != Op::BinarySubscr {
                            self.miss(code, at);
                        }
                        sync!();
                        self.subscript_any(c, i)?
                    }
                };
                pop!();
                pop!();
                push!(v)
            }
            Op::StoreSubscr | Op::StoreSubscrListInt => {
                let (v, c, i) = (peek!(3), peek!(2), peek!(1));
                if ins.op == Op::StoreSubscr {
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::store_subscr(c, i)
                    });
                } else if !(seq::is_list(c) && small_item(c, i).is_some()) {
                    self.miss(code, at);
                }
                sync!();
                self.store_subscript_any(c, i, v)?;
                pop!();
                pop!();
                pop!();
            }
            Op::UnpackSequence
            | Op::UnpackSequenceTwoTuple
            | Op::UnpackSequenceTuple
            | Op::UnpackSequenceList => {
                let v = peek!(1);
                let n = ins.arg;
                if ins.op == Op::UnpackSequence {
                    adapt(self.config.specialize, &mut self.stats, code, at, || {
                        Spec::unpack_sequence(v, n)
                    });
                } else {
                    let kind_ok = if ins.op == Op::UnpackSequenceList {
                        seq::is_list(v)
                    } else {
                        seq::is_tuple(v)
                    };
                    if !(kind_ok && seq::len(v) == n as usize) {
                        self.miss(code, at);
                    }
                }
                sync!();
                let outs = self.stack_op(Op::UnpackSequence, n, &[v])?;
                pop!();
                for o in outs {
                    push!(o)
                }
            }
            Op::BuildTuple
            | Op::BuildList
            | Op::BuildMap
            | Op::IsOp
            | Op::BinarySlice
            | Op::StoreSlice
            | Op::DeleteSubscr
            | Op::DeleteSlice
            | Op::UnpackEx
            | Op::DeleteAttr
            | Op::LoadMethod
            | Op::LoadAttr
            | Op::CallKw
            | Op::ListAppend
            | Op::BuildClass
            | Op::StoreAttr
            | Op::LoadSuperAttr
            | Op::LoadSuperMethod
            | Op::BuildSet
            | Op::SetAdd
            | Op::SetUpdate
            | Op::MapAdd
            | Op::ListExtend
            | Op::ListToTuple
            | Op::DictMerge
            | Op::CallFunctionEx => {
                let (pops, _) = crate::lang::bytecode::stack_effect(ins.op, ins.arg);
                // SAFETY: the stack holds the instruction's inputs.
                let inputs: Vec<Value> = (0..pops as usize)
                    .map(|k| unsafe { Value(*r.sp.sub(pops as usize - k)) })
                    .collect();
                sync!();
                let outs = self.stack_op(ins.op, ins.arg, &inputs)?;
                r.sp = unsafe { r.sp.sub(pops as usize) };
                for o in outs {
                    push!(o)
                }
            }
            Op::ForIterList | Op::ForIterTuple => {
                let it = peek!(1);
                let want = if ins.op == Op::ForIterList {
                    Kind::ListIter
                } else {
                    Kind::TupleIter
                };
                if !(it.is_ptr() && object::kind_of(it) == want) {
                    self.miss(code, at);
                }
                sync!();
                match self.iter_next(it)? {
                    Some(v) => push!(v),
                    None => {
                        pop!();
                        r.ip = ins.arg as usize;
                    }
                }
            }
            other => {
                return Err(Raise::Internal(format!(
                    "{other:?} is no sequence instruction"
                )));
            }
        }
        Ok(())
    }
}

impl Run<'_> {
    /// `UNPACK_EX` (`a, *b, c = v`), as CPython's `unpack_iterable`: the
    /// `before` items pulled one at a time, the rest drained into a list,
    /// then the `after` items taken off its end. Returns the stack's new
    /// items, the first target's on top.
    pub(crate) fn unpack_ex(
        &mut self,
        v: Value,
        before: usize,
        after: usize,
    ) -> Result<Vec<Value>, Raise> {
        use crate::runtime::class;
        let has_iter = self.dunder(v, "__iter__")?.is_some();
        if !has_iter && class::has_dunder(v, class::D_GETITEM) {
            // CPython iterates by `__getitem__`: not modelled.
            return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
        }
        let it = self.get_iter_any(v).map_err(|e| match e {
            // (A `__iter__` returning a non-iterator keeps its message.)
            Raise::Exc { .. } if !has_iter => Raise::type_error(format!(
                "cannot unpack non-iterable {} object",
                crate::runtime::type_name(v)
            )),
            other => other,
        })?;
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(it);
        let r = self.unpack_ex_from(it, before, after);
        self.arena.roots.temps.truncate(mark);
        r
    }

    fn unpack_ex_from(
        &mut self,
        it: Value,
        before: usize,
        after: usize,
    ) -> Result<Vec<Value>, Raise> {
        let wanted = before + after;
        let mut items = Vec::with_capacity(before);
        while items.len() < before {
            let Some(x) = self.iter_next(it)? else {
                return Err(Raise::exc(
                    "ValueError",
                    format!(
                        "not enough values to unpack (expected at least {wanted}, got {})",
                        items.len()
                    ),
                ));
            };
            self.arena.roots.temps.push(x);
            items.push(x);
        }
        let mut rest = Vec::new();
        while let Some(x) = self.iter_next(it)? {
            seq::check_len(rest.len() + 1)?;
            self.arena.roots.temps.push(x);
            rest.push(x);
        }
        // `list(it)`'s cost, for the list CPython builds of the rest.
        seq::charge(self.arena, rest.len());
        if rest.len() < after {
            return Err(Raise::exc(
                "ValueError",
                format!(
                    "not enough values to unpack (expected at least {wanted}, got {})",
                    before + rest.len()
                ),
            ));
        }
        let tail = rest.split_off(rest.len() - after);
        let middle = seq::new_list(self.arena, &rest)?;
        let mut out: Vec<Value> = tail;
        out.reverse();
        out.push(middle);
        out.extend(items.into_iter().rev());
        Ok(out)
    }
}

/// Character `i` of a string for a small int `i` in `0..len` (the
/// specialized subscript's fast path).
fn small_char(arena: &crate::runtime::Arena, s: Value, i: Value) -> Option<Value> {
    if !i.is_small_int() {
        return None;
    }
    let i = i.small_value();
    (i >= 0 && (i as usize) < strs::len(s))
        .then(|| strs::char_value(arena, strs::text(s).as_bytes()[i as usize]))
}
