//! Cells in tier 1 (and in the tiers that reuse its code): `MAKE_CELL`,
//! `LOAD_CLOSURE`, `LOAD_DEREF`, `STORE_DEREF`, `SET_FUNCTION_CLOSURE`,
//! and the copy of a closure's cells into a new frame (CPython's
//! `COPY_FREE_VARS`, done as the frame is pushed: our frames do not hold
//! their function).

use crate::lang::bytecode::{Instr, Op};
use crate::runtime::frame::{FRAME_LOCALS, fset};
use crate::runtime::object::{self, CELL_REF, Kind};
use crate::runtime::{Raise, Value};

use super::Run;
use super::interp::Regs;

impl Run<'_> {
    /// One cell instruction on the frame `r` holds (its stack synced: a
    /// new cell allocates).
    pub(super) fn cell_instr(&mut self, r: &mut Regs, ins: Instr) -> Result<(), Raise> {
        let slot = ins.arg as usize;
        // SAFETY: the compiler's slots are below the frame's local count,
        // and the stack holds every input an instruction pops.
        unsafe {
            match ins.op {
                Op::MakeCell => {
                    let cell = self.new_cell(Value(*r.locals.add(slot)))?;
                    *r.locals.add(slot) = cell.0;
                }
                Op::LoadClosure => {
                    *r.sp = *r.locals.add(slot);
                    r.sp = r.sp.add(1);
                }
                Op::LoadDeref => {
                    let v = self.load_deref(r.cid, Value(*r.locals.add(slot)), ins.arg)?;
                    *r.sp = v.0;
                    r.sp = r.sp.add(1);
                }
                Op::StoreDeref => {
                    r.sp = r.sp.sub(1);
                    store_deref(Value(*r.locals.add(slot)), Value(*r.sp))?;
                }
                _ => {
                    // SET_FUNCTION_CLOSURE: [closure, function] -> [function].
                    let f = Value(*r.sp.sub(1));
                    let closure = Value(*r.sp.sub(2));
                    object::set_function_closure(f, closure);
                    r.sp = r.sp.sub(1);
                    *r.sp.sub(1) = f.0;
                }
            }
        }
        Ok(())
    }

    /// A new cell holding `v` (NULL: unbound).
    pub(crate) fn new_cell(&mut self, v: Value) -> Result<Value, Raise> {
        // `v` is rooted by the frame slot it comes from.
        let addr = self.arena.alloc(Kind::Cell, 2)?;
        // SAFETY: a fresh two-word Cell.
        unsafe { object::write(addr, CELL_REF, v.0) };
        Ok(Value(addr))
    }

    /// The value in `cell`, local `slot` of code `cid`: an unbound cell
    /// raises CPython's error for it.
    pub(crate) fn load_deref(&self, cid: usize, cell: Value, slot: u32) -> Result<Value, Raise> {
        if !is_cell(cell) {
            return Err(Raise::Internal(format!("local {slot} holds no cell")));
        }
        // SAFETY: a live Cell.
        let v = Value(unsafe { object::read(cell.0, CELL_REF) });
        if v.is_null() {
            return Err(self.unbound_deref(cid, slot));
        }
        Ok(v)
    }

    /// CPython 3.11's errors for an unbound cell: one of this function's
    /// own variables, or a free variable.
    pub(crate) fn unbound_deref(&self, cid: usize, slot: u32) -> Raise {
        let code = &self.program.codes[cid];
        if slot >= code.free_start && slot < code.free_start + code.nfree {
            let name = &code.local_names[slot as usize];
            Raise::exc(
                "NameError",
                format!(
                    "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                ),
            )
        } else {
            self.unbound_local(cid, slot)
        }
    }

    /// Fills the free variables' slots of a new `frame` with the cells of
    /// `closure` (a Tuple, or NULL for a function without one).
    pub(crate) fn copy_free_vars(&self, frame: u64, free_start: u32, nfree: u32, closure: Value) {
        if closure.is_null() || nfree == 0 {
            return;
        }
        let n = crate::runtime::seq::len(closure).min(nfree as usize);
        for k in 0..n {
            let cell = crate::runtime::seq::get(closure, k);
            fset(
                frame,
                FRAME_LOCALS + 8 * (free_start as u64 + k as u64),
                cell.0,
            );
        }
    }
}

/// Stores `v` into `cell`.
pub(crate) fn store_deref(cell: Value, v: Value) -> Result<(), Raise> {
    if !is_cell(cell) {
        return Err(Raise::Internal("STORE_DEREF into no cell".into()));
    }
    // SAFETY: a live Cell.
    unsafe { object::write(cell.0, CELL_REF, v.0) };
    Ok(())
}

fn is_cell(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Cell
}
