//! The reference's closures (out of eval.rs): function objects that carry
//! the cells of their free variables, a frame's cells (its own cell
//! variables, parameters' moved in, then its closure's), and reads of an
//! unbound cell with CPython 3.11's two messages.

use std::cell::RefCell;
use std::rc::Rc;

use super::super::resolve::{Ex, FuncCode};
use super::super::value::{FuncObj, Value};
use super::{Frame, Interp, Res, exception};

/// A variable shared between a frame and the functions it made.
pub type CellRef = Rc<RefCell<Option<Value>>>;

impl<'p> Interp<'p> {
    /// A new function object for `funcs[code]`: its defaults evaluated
    /// here, its closure the defining frame's cells.
    pub(super) fn make_function(
        &mut self,
        code: usize,
        defaults: &'p [Ex],
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let defaults = defaults
            .iter()
            .map(|d| self.eval(d, frame))
            .collect::<Res<Vec<_>>>()?;
        let fc = self.prog.funcs.get(code);
        let name = fc.map_or_else(|| Rc::from("?"), |c| c.name.clone());
        let closure = fc.map_or_else(Vec::new, |c| {
            c.captures
                .iter()
                .map(|&i| {
                    frame
                        .cells
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| Rc::new(RefCell::new(None)))
                })
                .collect()
        });
        Ok(Value::Func(Rc::new(FuncObj {
            code,
            name,
            defaults,
            closure,
            cell: None,
        })))
    }
}

/// A called function's cells: fresh ones for its own cell variables (a
/// parameter's moves its argument in), then its closure's.
pub(super) fn frame_cells(
    code: &FuncCode,
    func: &FuncObj,
    slots: &mut [Option<Value>],
) -> Vec<CellRef> {
    let mut cells: Vec<CellRef> = (0..code.own_cells)
        .map(|_| Rc::new(RefCell::new(None)))
        .collect();
    for &(slot, cell) in &code.param_cells {
        if let (Some(v), Some(c)) = (slots.get_mut(slot), cells.get(cell)) {
            *c.borrow_mut() = v.take();
        }
    }
    cells.extend(func.closure.iter().cloned());
    cells
}

/// The value in cell `i`; unbound, CPython's `UnboundLocalError` for the
/// function's own variable and `NameError` for a free one.
pub(super) fn load_cell(frame: &Frame, i: usize) -> Res<Value> {
    if let Some(v) = frame.cells.get(i).and_then(|c| c.borrow().clone()) {
        return Ok(v);
    }
    let (name, own) = frame.code.map_or(("?", true), |c| {
        (
            c.cell_names.get(i).map_or("?", |n| n.as_str()),
            i < c.own_cells,
        )
    });
    Err(if own {
        exception(
            "UnboundLocalError",
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    } else {
        exception(
            "NameError",
            format!(
                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
            ),
        )
    })
}
