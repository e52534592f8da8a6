//! The tree-walking evaluator: statements, expressions, calls, fuel and the
//! resource limits. Exceptions and poisoning travel as `Err(Box<Stop>)`
//! (boxed so the common `Ok` path stays small); `try` (in `eval_try.rs`)
//! catches exceptions, generators run in `generators.rs`.

use jitdiff_vm::lang::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use jitdiff_vm::lang::limits::Limits;
use jitdiff_vm::lang::outcome::Poison;
use std::rc::Rc;

use super::StackGuard;
use super::array::{self, Arr};
use super::compare;
use super::dict::ViewKind;
use super::dict_methods;
use super::float::{self, Num};
use super::math;
use super::methods::{self, Meth};
use super::resolve::{Dest, Ex, FuncCode, Index, Program, Slot, St};
use super::seq::{self, Heap, SliceArgs};
use super::strs;

#[path = "eval_calls.rs"]
mod calls;
#[path = "eval_closures.rs"]
mod closures;
#[path = "comprehension.rs"]
mod comprehension;
#[path = "dunders.rs"]
pub(super) mod dunders;
#[path = "eval_builtins.rs"]
mod eval_builtins;
#[path = "eval_classes.rs"]
mod eval_classes;
#[path = "eval_delete.rs"]
mod eval_delete;
#[path = "eval_displays.rs"]
mod eval_displays;
#[path = "eval_hash.rs"]
mod eval_hash;
#[path = "eval_item_compare.rs"]
mod eval_item_compare;
#[path = "eval_set_algebra.rs"]
mod eval_set_algebra;
#[path = "eval_str_format.rs"]
mod eval_str_format;
#[path = "eval_try.rs"]
mod eval_try;
#[path = "generators.rs"]
pub(super) mod generators;
use super::classes::{self, ClassCell};
use super::value::{Int, Value};
pub(super) use eval_set_algebra::is_algebra as is_set_algebra;

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Stop {
    Exception {
        kind: &'static str,
        message: String,
    },
    /// A raised exception object (an `Exc`, or an instance of a user
    /// exception class): what `raise` and every caught error become.
    Raised(Value),
    Poison(Poison),
    /// The stack budget ran out: the caller reruns on a bigger stack.
    TooDeep,
}

pub type Res<T> = Result<T, Box<Stop>>;

pub fn exception(kind: &'static str, message: String) -> Box<Stop> {
    Box::new(Stop::Exception { kind, message })
}

pub fn type_error(message: String) -> Box<Stop> {
    exception("TypeError", message)
}

pub fn value_error(message: String) -> Box<Stop> {
    exception("ValueError", message)
}

pub fn poison(p: Poison) -> Box<Stop> {
    Box::new(Stop::Poison(p))
}

/// How a statement (or block) finished.
enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

/// One function activation: local slots (`None` = unbound) and their
/// names, and the cells it shares with nested functions.
struct Frame<'p> {
    slots: Vec<Option<Value>>,
    names: &'p [String],
    /// The running method's `__class__` cell (for `super()`).
    cell: Option<Rc<ClassCell>>,
    cells: Vec<closures::CellRef>,
    /// The function's code (`None` for the module): names its cells.
    code: Option<&'p FuncCode>,
}

pub struct Interp<'p> {
    prog: &'p Program,
    guard: &'p StackGuard,
    pub globals: Vec<Option<Value>>,
    pub out: String,
    /// The fuel count (in `heap`, which adds bulk charges to it) and the
    /// lists made so far.
    heap: Heap,
    /// Active user-function calls (module level is 0).
    depth: usize,
    limits: Limits,
    /// Evaluated call arguments, so a call allocates no argument vector.
    stack: Vec<Value>,
    /// Cleared slot vectors of finished calls, reused by the next calls.
    spare_frames: Vec<Vec<Option<Value>>>,
    /// The exceptions being handled, innermost last (CPython's exc_info
    /// stack): what a bare `raise` re-raises.
    handling: Vec<Value>,
    /// Every live generator's state (see [`generators`]).
    gens: generators::Table<'p>,
    /// The `random` module's generator, once `random.seed(n)` ran.
    random: Option<super::random::Mt>,
}

impl<'p> Interp<'p> {
    pub fn new(prog: &'p Program, guard: &'p StackGuard, limits: Limits) -> Interp<'p> {
        Interp {
            prog,
            guard,
            globals: vec![None; prog.global_names.len()],
            out: String::new(),
            heap: Heap::new(),
            depth: 0,
            limits,
            stack: Vec::new(),
            spare_frames: Vec::new(),
            handling: Vec::new(),
            gens: generators::Table::default(),
            random: None,
        }
    }

    /// Runs the module body. A `return`/`break`/`continue` escaping it (only
    /// possible in a hand-built AST) just ends the module.
    pub fn run_module(&mut self) -> Res<()> {
        let mut frame = Frame {
            slots: vec![None; self.prog.module_local_names.len()],
            names: &self.prog.module_local_names,
            cell: None,
            cells: vec![],
            code: None,
        };
        self.exec_block(&self.prog.module, &mut frame).map(|_| ())
    }

    /// Module globals as (name, repr), sorted by name.
    pub fn globals_dump(&self) -> Res<Vec<(String, String)>> {
        let mut g = Vec::new();
        for (n, v) in self.prog.global_names.iter().zip(&self.globals) {
            if let Some(v) = v {
                g.push((n.clone(), compare::repr_dump(v)?));
            }
        }
        g.sort();
        Ok(g)
    }

    /// Fuel used so far, bulk charges included.
    pub fn fuel_used(&self) -> u64 {
        self.heap.fuel
    }

    /// One unit of fuel (a loop back edge or a call); also where bulk
    /// charges made since the last check take effect.
    fn charge(&mut self) -> Res<()> {
        self.heap.fuel += 1;
        if self.heap.fuel > self.limits.fuel {
            return Err(poison(Poison::Fuel));
        }
        Ok(())
    }

    fn load(&self, slot: Slot, frame: &Frame) -> Res<Value> {
        match slot {
            Slot::Local(i) => match frame.slots.get(i) {
                Some(Some(v)) => Ok(v.clone()),
                _ => {
                    let name = frame.names.get(i).map_or("?", |n| n.as_str());
                    Err(exception(
                        "UnboundLocalError",
                        format!(
                            "cannot access local variable '{name}' where it is not associated with a value"
                        ),
                    ))
                }
            },
            Slot::Cell(i) => closures::load_cell(frame, i),
            Slot::Global(i) => match (self.globals.get(i), self.prog.builtins.get(i)) {
                (Some(Some(v)), _) | (_, Some(Some(v))) => Ok(v.clone()),
                _ => {
                    let name = self.prog.global_names.get(i).map_or("?", |n| n.as_str());
                    Err(exception(
                        "NameError",
                        format!("name '{name}' is not defined"),
                    ))
                }
            },
        }
    }

    fn store(&mut self, slot: Slot, v: Value, frame: &mut Frame) {
        let cell = match slot {
            Slot::Local(i) => frame.slots.get_mut(i),
            Slot::Global(i) => self.globals.get_mut(i),
            Slot::Cell(i) => {
                if let Some(c) = frame.cells.get(i) {
                    *c.borrow_mut() = Some(v);
                }
                return;
            }
        };
        if let Some(cell) = cell {
            *cell = Some(v);
        }
    }

    fn exec_block(&mut self, body: &'p [St], frame: &mut Frame<'p>) -> Res<Flow> {
        if self.guard.exceeded() {
            return Err(Box::new(Stop::TooDeep));
        }
        for s in body {
            match self.exec(s, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, s: &'p St, frame: &mut Frame<'p>) -> Res<Flow> {
        match s {
            St::Expr(e) => {
                self.eval(e, frame)?;
            }
            St::Assign(slot, e) => {
                let v = self.eval(e, frame)?;
                self.store(*slot, v, frame);
            }
            St::AugAssign(slot, op, e) => {
                // The target is read before the right-hand side is evaluated.
                let cur = self.load(*slot, frame)?;
                let rhs = self.eval(e, frame)?;
                // A list's `+=` and `*=` change it in place (aliases see it).
                if let Value::List(l) = &cur
                    && let Some(done) = seq::inplace_list(&mut self.heap, *op, l, &rhs)
                {
                    done?;
                } else {
                    let v = self.binop(*op, &cur, &rhs, true)?;
                    self.store(*slot, v, frame);
                }
            }
            St::AssignSub(container, index, value) => {
                // CPython's order: value, container, index, then the store.
                let v = self.eval(value, frame)?;
                self.store_subscript(container, index, v, frame)?;
            }
            St::AugAssignSub(container, index, op, value) => {
                self.aug_assign_sub(container, index, *op, value, frame)?
            }
            St::Unpack(dests, value) => {
                let v = self.eval(value, frame)?;
                self.unpack_into(dests, &v, frame)?;
            }
            St::AssignChain(dests, value) => {
                let v = self.eval(value, frame)?;
                for dest in dests {
                    self.store_dest(dest, v.clone(), frame)?;
                }
            }
            St::Delete(dests) => {
                for dest in dests {
                    self.delete_dest(dest, frame)?;
                }
            }
            St::If(test, body, orelse) => {
                let test = self.eval(test, frame)?;
                let branch = if self.truth(&test)? { body } else { orelse };
                return self.exec_block(branch, frame);
            }
            // A loop's `else:` block runs unless the loop ended in a `break`.
            St::While(test, body, orelse) => {
                while {
                    let t = self.eval(test, frame)?;
                    self.truth(&t)?
                } {
                    match self.exec_block(body, frame)? {
                        // Back edge: charged before the test is re-evaluated.
                        Flow::Normal | Flow::Continue => self.charge()?,
                        Flow::Break => return Ok(Flow::Normal),
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
                return self.exec_block(orelse, frame);
            }
            St::For(target, iter, body, orelse) => {
                let v = self.eval(iter, frame)?;
                // A list is walked by index: appends in the body are seen.
                let mut items = self.src_any(&v)?;
                while let Some(item) = self.step_src(&mut items)? {
                    self.store(*target, item, frame);
                    match self.exec_block(body, frame)? {
                        // Back edge: charged before the next item is fetched.
                        Flow::Normal | Flow::Continue => self.charge()?,
                        Flow::Break => return Ok(Flow::Normal),
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
                return self.exec_block(orelse, frame);
            }
            St::ForUnpack(dests, iter, body, orelse) => {
                let v = self.eval(iter, frame)?;
                let mut items = self.src_any(&v)?;
                while let Some(item) = self.step_src(&mut items)? {
                    self.unpack_into(dests, &item, frame)?;
                    match self.exec_block(body, frame)? {
                        Flow::Normal | Flow::Continue => self.charge()?,
                        Flow::Break => return Ok(Flow::Normal),
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
                return self.exec_block(orelse, frame);
            }
            St::Break => return Ok(Flow::Break),
            St::Continue => return Ok(Flow::Continue),
            St::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            St::Def(slot, code, defaults, decorators) => {
                // CPython's order: the decorators, the defaults, then each
                // decorator called on the function, innermost first.
                let decorators = decorators
                    .iter()
                    .map(|d| self.eval(d, frame))
                    .collect::<Res<Vec<_>>>()?;
                let mut f = self.make_function(*code, defaults, frame)?;
                for d in decorators.into_iter().rev() {
                    let base = self.stack.len();
                    self.stack.push(f);
                    f = self.call(d, base)?;
                }
                self.store(*slot, f, frame);
            }
            St::Nothing => {}
            St::Class(c) => self.exec_class(c, frame)?,
            St::SetAttr(object, attr, value) => {
                // CPython's order: the value, then the object.
                let v = self.eval(value, frame)?;
                let o = self.eval(object, frame)?;
                self.set_attr(&o, attr, v)?;
            }
            St::AugSetAttr(a) => self.aug_set_attr(a, frame)?,
            St::Raise(e) => return Err(self.raise(e.as_ref(), frame)),
            St::Assert(test, msg) => self.assert(test, msg.as_ref(), frame)?,
            St::Unmodelled => return Err(poison(Poison::Unmodelled)),
            St::Try(t) => return self.exec_try(t, frame),
            St::RaiseFrom(e, cause) => return Err(self.raise_from(e, cause, frame)),
            // A generator's yields run in its own executor; anywhere else
            // (only a hand-built AST) they are not modelled.
            St::Yield(_) | St::YieldFrom(_) | St::YieldAssign(..) => {
                return Err(poison(Poison::Unmodelled));
            }
        }
        Ok(Flow::Normal)
    }

    /// Unpacks `v` into `dests` as CPython does: all of `v`'s items first
    /// (a count mismatch raises before anything is stored), then each
    /// destination left to right, a nested one unpacking its item.
    fn unpack_into(&mut self, dests: &'p [Dest], v: &Value, frame: &mut Frame<'p>) -> Res<()> {
        let v = &self.unpack_source(v)?;
        if let Some(star) = dests.iter().position(|d| matches!(d, Dest::Starred(_))) {
            let items = self.unpack_star(v, star, dests.len() - star - 1)?;
            for (dest, item) in dests.iter().zip(items) {
                self.store_dest(dest, item, frame)?;
            }
            return Ok(());
        }
        let items = match generators::lazy_src(v) {
            Some(src) => self.unpack_lazy(src, dests.len())?,
            None => seq::unpack(v, dests.len())?,
        };
        for (dest, item) in dests.iter().zip(items) {
            self.store_dest(dest, item, frame)?;
        }
        Ok(())
    }

    /// Stores `v` into one destination (an attribute's object is evaluated
    /// now, after the value: CPython's order).
    fn store_dest(&mut self, dest: &'p Dest, v: Value, frame: &mut Frame<'p>) -> Res<()> {
        match dest {
            Dest::Slot(slot) => self.store(*slot, v, frame),
            Dest::Unpack(inner) => self.unpack_into(inner, &v, frame)?,
            Dest::Starred(inner) => self.store_dest(inner, v, frame)?,
            Dest::Attr(object, attr) => {
                let o = self.eval(object, frame)?;
                self.set_attr(&o, attr, v)?;
            }
            Dest::Subscript(container, index) => {
                self.store_subscript(container, index, v, frame)?;
            }
        }
        Ok(())
    }

    /// `container[index] = v` (a slice too), the value already evaluated:
    /// the container, then the index, then the store.
    fn store_subscript(
        &mut self,
        container: &'p Ex,
        index: &'p Index,
        v: Value,
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let c = self.eval(container, frame)?;
        match index {
            Index::Item(i) => {
                let i = self.eval(i, frame)?;
                self.store_item(&c, &i, v)
            }
            Index::Slice(parts) => {
                let s = self.slice_args(parts, frame)?;
                seq::store_slice(&mut self.heap, &c, &s, &v).map(|_| ())
            }
        }
    }

    fn eval(&mut self, e: &'p Ex, frame: &mut Frame<'p>) -> Res<Value> {
        if self.guard.exceeded() {
            return Err(Box::new(Stop::TooDeep));
        }
        match e {
            Ex::Const(v) => Ok(v.clone()),
            Ex::BadInt => Err(poison(Poison::IntTooLarge)),
            Ex::Load(slot) => self.load(*slot, frame),
            Ex::Named(slot, e) => {
                let v = self.eval(e, frame)?;
                self.store(*slot, v.clone(), frame);
                Ok(v)
            }
            Ex::Unary(op, operand) => {
                let v = self.eval(operand, frame)?;
                if *op == UnaryOp::Not {
                    return Ok(Value::Bool(!self.truth(&v)?));
                }
                if let Value::Instance(_) = v
                    && let Some(r) = self.unary_dunder(*op, &v)?
                {
                    return Ok(r);
                }
                unary(*op, &v, self.limits.int_bits)
            }
            Ex::Bin(op, l, r) => {
                let a = self.eval(l, frame)?;
                let b = self.eval(r, frame)?;
                self.binop(*op, &a, &b, false)
            }
            Ex::IfExp(test, body, orelse) => {
                let t = self.eval(test, frame)?;
                if self.truth(&t)? {
                    self.eval(body, frame)
                } else {
                    self.eval(orelse, frame)
                }
            }
            Ex::BoolOp(op, values) => {
                // `and` stops at the first falsy value, `or` at the first
                // truthy one; the deciding (or last) operand is the result.
                let stop_when = matches!(op, BoolOp::Or);
                let mut last = Value::None;
                for (i, e) in values.iter().enumerate() {
                    last = self.eval(e, frame)?;
                    if i + 1 < values.len() && self.truth(&last)? == stop_when {
                        break;
                    }
                }
                Ok(last)
            }
            Ex::Compare(first, rest) => {
                // Each operand is evaluated at most once; the chain stops at
                // the first false link.
                let mut left = self.eval(first, frame)?;
                for (op, e) in rest {
                    let right = self.eval(e, frame)?;
                    let lazy = match op {
                        CmpOp::In | CmpOp::NotIn => generators::searched_src(&right),
                        _ => None,
                    };
                    let holds = match lazy {
                        Some(src) => self.lazy_contains(&left, src)? == (*op == CmpOp::In),
                        None => self.compare_value(*op, &left, &right)?,
                    };
                    if !holds {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Ok(Value::Bool(true))
            }
            Ex::Call(func, args) => {
                let f = self.eval(func, frame)?;
                // Arguments go on the stack above `base`. An error leaves
                // them there, which is harmless: any error ends the run.
                let base = self.stack.len();
                for a in args {
                    let v = self.eval(a, frame)?;
                    self.stack.push(v);
                }
                self.call(f, base)
            }
            Ex::CallKw(c) => self.call_kw(c, frame),
            Ex::CallStar(c) => self.call_ex(c, frame),
            Ex::Tuple(items) => self.display(items, false, frame),
            Ex::List(items) => self.display(items, true, frame),
            Ex::Dict(pairs) => self.dict_display(pairs, frame),
            Ex::Subscript(value, index) => self.subscript(value, index, frame),
            Ex::Method(receiver, m, args) => self.method_call(receiver, m, args, frame),
            Ex::Attr(receiver, m) => {
                let recv = self.eval(receiver, frame)?;
                self.get_attr(recv, m)
            }
            Ex::Super(s) => self.super_attr(s, frame),
            Ex::Unmodelled => Err(poison(Poison::Unmodelled)),
            Ex::GenExp(code, first) => self.genexp(*code, first, frame),
            Ex::ListComp(c) => self.list_comp(c, frame),
            Ex::Lambda(code, defaults) => self.make_function(*code, defaults, frame),
            Ex::Set(items, false)
                if items.len() > eval_displays::STACK_USE_GUIDELINE
                    && !items.iter().any(|x| matches!(x, Ex::Spread(_))) =>
            {
                self.big_set_display(items, frame)
            }
            Ex::Set(items, constant) => {
                let vs = self.display_values(items, false, frame)?;
                match constant {
                    true => super::set::display(&mut self.heap, vs, true),
                    false => self.set_display_items(vs),
                }
            }
            Ex::FrozenSet(items) => {
                let vs = self.display_values(items, false, frame)?;
                super::set::frozen_constant(&mut self.heap, vs)
            }
            // Only a display's item (`display_values` takes it there).
            Ex::Spread(_) => Err(poison(Poison::Unmodelled)),
            Ex::StraySlice(parts) => {
                for p in parts {
                    self.eval(p, frame)?;
                }
                Ok(Value::None)
            }
        }
    }

    // The sequence cases live in their own functions (the displays in
    // `eval_displays.rs`), kept out of line so `eval`'s frame (one per
    // level of expression nesting) stays small.

    /// `value[index]`: the value, then the index (or the slice's parts).
    #[inline(never)]
    fn subscript(&mut self, value: &'p Ex, index: &'p Index, frame: &mut Frame<'p>) -> Res<Value> {
        let v = self.eval(value, frame)?;
        match index {
            Index::Item(i) => {
                let i = self.eval(i, frame)?;
                self.item(&v, &i)
            }
            Index::Slice(parts) => {
                let s = self.slice_args(parts, frame)?;
                seq::slice(&mut self.heap, &v, &s, self.limits.int_bits)
            }
        }
    }

    /// `container[index] op= value`: the container and index are evaluated
    /// once, the item read, combined (a list item's `+=`/`*=` in place) and
    /// stored back.
    #[inline(never)]
    fn aug_assign_sub(
        &mut self,
        container: &'p Ex,
        index: &'p Ex,
        op: BinOp,
        value: &'p Ex,
        frame: &mut Frame<'p>,
    ) -> Res<()> {
        let c = self.eval(container, frame)?;
        let i = self.eval(index, frame)?;
        let cur = self.item(&c, &i)?;
        let rhs = self.eval(value, frame)?;
        let new = if let Value::List(l) = &cur
            && let Some(done) = seq::inplace_list(&mut self.heap, op, l, &rhs)
        {
            done?;
            cur.clone()
        } else {
            self.binop(op, &cur, &rhs, true)?
        };
        self.store_item(&c, &i, new)
    }

    /// `c[i]`: `__getitem__` of an instance, else the builtin's.
    fn item(&mut self, c: &Value, i: &Value) -> Res<Value> {
        if let Some(v) = self.getitem_dunder(c, i)? {
            return Ok(v);
        }
        if let Value::Dict(d) = c {
            return self.dict_subscript(d, i);
        }
        seq::item(c, i, self.limits.int_bits)
    }

    /// `c[i] = v`: `__setitem__` of an instance, else the builtin's.
    fn store_item(&mut self, c: &Value, i: &Value, v: Value) -> Res<()> {
        if self.setitem_dunder(c, i, &v)? {
            return Ok(());
        }
        if let Value::Dict(d) = c {
            return self.dict_store(d, i, v);
        }
        seq::store_item(c, i, v)
    }

    /// `a op b`, sequences and strings included (`inplace` words errors
    /// as `+=`).
    fn binop(&mut self, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Res<Value> {
        if (matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)))
            && let Some(v) = self.binop_dunder(op, a, b)?
        {
            return Ok(v);
        }
        // `fmt % args`: users' `__str__`/`__repr__` run as the format
        // reaches their arguments.
        if let (BinOp::Mod, Value::Str(fmt)) = (op, a) {
            let text = super::format::format_text(fmt, b, &mut |v, repr| {
                if repr {
                    self.repr_any(v)
                } else {
                    self.str_any(v)
                }
            })?;
            return super::strs::new_str(&mut self.heap, text);
        }
        binop_full(&mut self.heap, op, a, b, inplace, self.limits.int_bits)
    }

    /// A slice's parts, evaluated left to right.
    #[inline(never)]
    fn slice_args(&mut self, parts: &'p [Option<Ex>; 3], frame: &mut Frame<'p>) -> Res<SliceArgs> {
        let mut vs = [None, None, None];
        for (v, p) in vs.iter_mut().zip(parts) {
            if let Some(p) = p {
                *v = Some(self.eval(p, frame)?);
            }
        }
        let [lower, upper, step] = vs;
        Ok(SliceArgs { lower, upper, step })
    }

    #[inline(never)]
    /// `receiver.m(args)`: the receiver, then the method lookup (its
    /// AttributeError comes before the arguments), then the arguments,
    /// then one unit of fuel like any call, then the call.
    fn method_call(
        &mut self,
        receiver: &'p Ex,
        m: &Meth,
        args: &'p [Ex],
        frame: &mut Frame<'p>,
    ) -> Res<Value> {
        let recv = self.eval(receiver, frame)?;
        // `array.array(args)`: a plain call of the type; any other method
        // of the module, the type or an array is not modelled.
        if let Value::Arr(a) = &recv {
            let f = match a {
                Arr::Module => array::module_attr(m.name())?,
                _ => return Err(poison(Poison::Unmodelled)),
            };
            let base = self.stack.len();
            for a in args {
                let v = self.eval(a, frame)?;
                self.stack.push(v);
            }
            return self.call(f, base);
        }
        // A generator's methods but `send` (throw, close) and an
        // exception's (with_traceback, add_note) are outside the language.
        if (matches!(recv, Value::Gen(_)) && m.name() != "send")
            || super::exceptions::unmodelled_attr(&recv, m.name())
        {
            return Err(poison(Poison::Unmodelled));
        }
        // Any other method of an exception object is an attribute call, and
        // so is a method of a builtin type (`str.lower(s)`: a descriptor).
        let descriptor = matches!(&recv, Value::Builtin(b) if methods::descriptor(*b, m).is_some());
        if matches!(recv, Value::Exc(_)) || descriptor {
            return self.attr_call(recv, m, args, frame);
        }
        if classes::generic_attr(&recv, m.name()) {
            return self.attr_call(recv, m, args, frame);
        }
        if let Value::Module | Value::Rand(super::random::RandFn::Module) = recv {
            // `math.f(args)`: the attribute, then a plain call of it.
            let f = match recv {
                Value::Module => math::attr(m.name())?,
                _ => super::random::attr(m.name())?,
            };
            let base = self.stack.len();
            for a in args {
                let v = self.eval(a, frame)?;
                self.stack.push(v);
            }
            return self.call(f, base);
        }
        methods::lookup(&recv, m)?;
        let base = self.stack.len();
        for a in args {
            let v = self.eval(a, frame)?;
            self.stack.push(v);
        }
        self.charge()?;
        self.drain_for_method(&recv, m, base)?;
        let args = self.stack.split_off(base.min(self.stack.len()));
        if let (Value::Str(s), "format") = (&recv, m.name()) {
            return self.str_format(s, &args, &[]);
        }
        self.call_builtin_method(&recv, m, &args)
    }

    /// A call after its operands are evaluated (they are `stack[base..]`):
    /// fuel, then callability, then arity, then depth, then the body — the
    /// order the VM follows too.
    fn call(&mut self, f: Value, base: usize) -> Res<Value> {
        self.charge()?;
        self.call_charged(f, base)
    }

    /// [`Self::call`] once its fuel is charged.
    fn call_charged(&mut self, f: Value, base: usize) -> Res<Value> {
        if second_call_unit(&f) {
            self.charge()?;
        }
        self.call_charged_once(f, base)
    }

    /// [`Self::call_charged`] without the second unit of
    /// [`second_call_unit`] (a method call `o.m()` runs its function at
    /// once, as the VM's LOAD_METHOD hands CALL the function).
    pub(super) fn call_charged_once(&mut self, f: Value, base: usize) -> Res<Value> {
        self.poison_array_args(&f, base)?;
        let result = match f {
            Value::Arr(Arr::Type) => return self.array_new(base),
            Value::Func(func) => match self.prog.funcs.get(func.code) {
                Some(code) => return self.call_user(code, &func, base),
                None => Ok(Value::None),
            },
            Value::Class(c) => return self.instantiate(&c, base, None),
            // The receiver becomes the first argument.
            Value::Method(m) => match self.prog.funcs.get(m.func.code) {
                Some(code) => {
                    self.stack
                        .insert(base.min(self.stack.len()), m.receiver.clone());
                    return self.call_user(code, &m.func, base);
                }
                None => Ok(Value::None),
            },
            // A user `__iter__`, `__len__`, `__str__`... first (it may hand
            // a generator on to the paths below).
            Value::Builtin(b) => match self.builtin_dunder(b, base)? {
                Some(v) => Ok(v),
                None => {
                    if let Some(it) = self.gen_iterator(b, base)? {
                        return Ok(it);
                    }
                    if let Some(r) = self.lazy_reduce(b, base)? {
                        return Ok(r);
                    }
                    self.drain_for_builtin(b, base)?;
                    self.call_builtin(b, base)
                }
            },
            Value::Math(math::MathFn::Prod) => self.prod_builtin(base),
            Value::Math(m) => {
                let args = self.stack.get(base..).unwrap_or(&[]);
                math::call(m, args, self.limits.int_bits)
            }
            Value::Rand(r) => {
                let args = self.stack.get(base..).unwrap_or(&[]);
                super::random::call(&mut self.random, r, args, self.limits.int_bits)
            }
            // The receiver's type is checked before any argument is drained.
            Value::Descr(d) => {
                let args = self.stack.get(base..).unwrap_or(&[]);
                methods::descriptor_args(&d, args)?;
                // Draining leaves the checked receiver as it is.
                let receiver = args.first().cloned().unwrap_or(Value::None);
                self.drain_for_method(&receiver, &d.meth, base)?;
                let args = self.stack.split_off(base.min(self.stack.len()));
                let Some((receiver, rest)) = args.split_first() else {
                    return Err(poison(Poison::Unmodelled));
                };
                if let (Value::Str(s), "format") = (receiver, d.meth.name()) {
                    return self.str_format(s, rest, &[]);
                }
                self.call_builtin_method(receiver, &d.meth, rest)
            }
            Value::Bound(b) => {
                let args = self.stack.split_off(base.min(self.stack.len()));
                if let (Value::Str(s), "format") = (&b.receiver, b.meth.name()) {
                    return self.str_format(s, &args, &[]);
                }
                self.call_builtin_method(&b.receiver, &b.meth, &args)
            }
            // `obj(args)`: its class's `__call__` with `obj` first.
            Value::Instance(o) if o.class().lookup("__call__").is_some() => {
                let func = classes::call_method(&o)?;
                match self.prog.funcs.get(func.code) {
                    Some(code) => {
                        self.stack
                            .insert(base.min(self.stack.len()), Value::Instance(o));
                        return self.call_user(code, &func, base);
                    }
                    None => Ok(Value::None),
                }
            }
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        };
        self.stack.truncate(base);
        result
    }
}

/// Every integer result passes through here: too wide poisons the run.
pub fn checked(i: Int, int_bits: u64) -> Res<Value> {
    if i.bits() > int_bits {
        return Err(poison(Poison::IntTooLarge));
    }
    Ok(Value::Int(i))
}

fn unary(op: UnaryOp, v: &Value, int_bits: u64) -> Res<Value> {
    let sym = match op {
        UnaryOp::Not => return Ok(Value::Bool(!v.truthy())),
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Invert => "~",
    };
    let bad_operand = || {
        type_error(format!(
            "bad operand type for unary {sym}: '{}'",
            v.type_name()
        ))
    };
    let i = match v.as_num() {
        Some(Num::Int(i)) => i,
        // `-x` flips the sign bit (`-0.0`, `-nan`), `+x` is `x`; `~` is
        // int-only.
        Some(Num::Float(f)) => match op {
            UnaryOp::Neg => return Ok(Value::Float(-f)),
            UnaryOp::Pos => return Ok(Value::Float(f)),
            _ => return Err(bad_operand()),
        },
        None => return Err(bad_operand()),
    };
    // `+True` is the int 1 and `~True` is -2: the result is always an int.
    let r = match op {
        UnaryOp::Neg => i.neg(),
        UnaryOp::Invert => i.invert(),
        _ => i,
    };
    checked(r, int_bits)
}

/// `a op b` with sequences and strings too, outside any statement (as
/// `sum` uses it).
pub fn binop_any(h: &mut Heap, op: BinOp, a: &Value, b: &Value, int_bits: u64) -> Res<Value> {
    // A builtin's own arithmetic (sum): CPython would call the operators.
    if dunders::has_dunder(a, dunders::ARITH) || dunders::has_dunder(b, dunders::ARITH) {
        return Err(poison(Poison::Unmodelled));
    }
    binop_full(h, op, a, b, false, int_bits)
}

fn binop_full(
    h: &mut Heap,
    op: BinOp,
    a: &Value,
    b: &Value,
    inplace: bool,
    int_bits: u64,
) -> Res<Value> {
    // An array's `+` and `*` (concatenation, repetition, CPython's own
    // messages for other operands) are not modelled; its other operators
    // are unsupported as for any object.
    if matches!(op, BinOp::Add | BinOp::Mul) && (array::is_array(a) || array::is_array(b)) {
        return Err(poison(Poison::Unmodelled));
    }
    // `d |= x` takes any iterable of pairs, so it goes first.
    if inplace && op == BinOp::BitOr && matches!(a, Value::Dict(_)) {
        return dict_methods::or(h, a, b, true);
    }
    if matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)) {
        return strs::binop(h, op, a, b, inplace);
    }
    if matches!(a, Value::Set(_)) || matches!(b, Value::Set(_)) {
        return super::set::binop(h, op, a, b, inplace);
    }
    if a.is_sequence() || b.is_sequence() {
        return seq::binop(h, op, a, b, inplace);
    }
    if a.is_container() || b.is_container() {
        return match op {
            BinOp::BitOr => dict_methods::or(h, a, b, inplace),
            _ => Err(unsupported(op, a, b, inplace)),
        };
    }
    binop(op, a, b, inplace, int_bits)
}

/// `unsupported operand type(s) for +: 'int' and 'list'`; `inplace`: an
/// augmented assignment, whose TypeError names the operator as written
/// (`+=`), exactly as CPython's in-place protocol reports it.
pub fn unsupported(op: BinOp, a: &Value, b: &Value, inplace: bool) -> Box<Stop> {
    // CPython's keys and items views are set-like (`d.keys() | other`,
    // either side, is a set): unmodelled, not a TypeError.
    let set_like_view = |v: &Value| matches!(v, Value::View(w) if w.kind != ViewKind::Values);
    if matches!(
        op,
        BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
    ) && (set_like_view(a) || set_like_view(b))
    {
        return poison(Poison::Unmodelled);
    }
    // `**` is also the builtin `pow()`, which shares its message (but
    // `**=` does not).
    let name = match (op, inplace) {
        (_, true) => format!("{}=", op.symbol()),
        (BinOp::Pow, false) => "** or pow()".to_string(),
        (_, false) => op.symbol().to_string(),
    };
    type_error(format!(
        "unsupported operand type(s) for {name}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

/// Arithmetic on numbers (anything else is unsupported); `inplace` only
/// changes the wording of that error.
fn binop(op: BinOp, a: &Value, b: &Value, inplace: bool, int_bits: u64) -> Res<Value> {
    // `bool` overrides `&`, `|` and `^`: on two bools they stay bools.
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BinOp::BitAnd => return Ok(Value::Bool(*x && *y)),
            BinOp::BitOr => return Ok(Value::Bool(*x || *y)),
            BinOp::BitXor => return Ok(Value::Bool(x != y)),
            _ => {}
        }
    }
    let unsupported = || unsupported(op, a, b, inplace);
    match (a.as_num(), b.as_num()) {
        (Some(Num::Int(x)), Some(Num::Int(y))) => int_binop(op, &x, &y, int_bits),
        // At least one float: float arithmetic, or a TypeError for the
        // int-only operators.
        (Some(x), Some(y)) => match float::arith(op, &x, &y) {
            Some(r) => r.map(Value::Float),
            None => Err(unsupported()),
        },
        _ => Err(unsupported()),
    }
}

fn int_binop(op: BinOp, x: &Int, y: &Int, int_bits: u64) -> Res<Value> {
    let r = match op {
        BinOp::Add => x.add(y),
        BinOp::Sub => x.sub(y),
        BinOp::Mul => x.mul(y),
        // CPython 3.11 words the two zero-division errors differently.
        BinOp::FloorDiv => x.floordiv(y).ok_or_else(|| {
            exception(
                "ZeroDivisionError",
                "integer division or modulo by zero".into(),
            )
        })?,
        BinOp::Mod => x
            .modulo(y)
            .ok_or_else(|| exception("ZeroDivisionError", "integer modulo by zero".into()))?,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => x.bitwise(op, y),
        BinOp::LShift | BinOp::RShift => {
            if y.is_negative() {
                return Err(exception("ValueError", "negative shift count".into()));
            }
            x.shift(op == BinOp::LShift, y, int_bits)
                .ok_or_else(|| poison(Poison::IntTooLarge))?
        }
        // int / int is always a float, correctly rounded.
        BinOp::Div => return float::int_true_div(x, y).map(Value::Float),
        // A negative exponent makes it float power (both operands
        // converted: `2 ** -1 == 0.5`).
        BinOp::Pow if y.is_negative() => {
            return float::pow(float::from_int(x)?, float::from_int(y)?).map(Value::Float);
        }
        BinOp::Pow => x
            .pow(y, int_bits)
            .ok_or_else(|| poison(Poison::IntTooLarge))?,
    };
    checked(r, int_bits)
}

/// Whether calling `f` costs a second unit of fuel: the VM charges its
/// CALL, then runs the Python function behind a bound method value, a
/// class's `__init__` or an instance's `__call__` as a call of its own
/// (`call_value`). Both count those units alike, or the fuel limit would
/// fall elsewhere (the fuel oracle checks the totals).
pub(super) fn second_call_unit(f: &Value) -> bool {
    use super::classes::{Attr, Found};
    match f {
        Value::Method(_) => true,
        Value::Class(c) => matches!(
            c.lookup("__init__"),
            Some(Found::Attr(Attr::Plain(Value::Func(_))))
        ),
        Value::Instance(o) => o.class().lookup("__call__").is_some(),
        _ => false,
    }
}
