//! The reference's calls of user functions and calls with keyword
//! arguments (out of eval.rs): for the latter, the
//! callee, the positional arguments, the keyword values, then fuel; a user
//! function's parameters bound by name, `print`'s `sep` and `end`,
//! `reverse=` of `sorted` and `list.sort`, and CPython's TypeError for
//! every other callee; and the builtins' calls without keywords.

use std::rc::Rc;

use super::super::builtins;
use super::super::dict_methods;
use super::super::iters;
use super::super::math;
use super::super::methods;
use super::super::resolve::{CallKw, FuncCode};
use super::super::strs;
use super::super::value::{Builtin, FuncObj, Value};
use super::{Flow, Frame, Interp, Res, closures, poison, type_error};
use jitdiff_vm::lang::outcome::Poison;

impl<'p> Interp<'p> {
    /// A user function's call (its arguments are `stack[base..]`): the
    /// defaults, the arity check, the depth limit, then the body in a new
    /// frame with its cells.
    pub(super) fn call_user(
        &mut self,
        code: &'p FuncCode,
        func: &FuncObj,
        base: usize,
    ) -> Res<Value> {
        let defaults = &func.defaults;
        let base = base.min(self.stack.len());
        let given = self.stack.len() - base;
        let want = code.params.len();
        // The missing trailing parameters take their defaults.
        let required = want - defaults.len().min(want);
        if given >= required && given < want {
            let from = defaults.len() - (want - given);
            self.stack.extend(defaults[from..].iter().cloned());
        } else if given != want {
            return Err(type_error(builtins::arity_message(
                &code.name,
                &code.params,
                required,
                given,
            )));
        }
        if code.is_gen {
            // The body waits for the first resume (which checks the depth).
            let args: Vec<Value> = self.stack.drain(base..).collect();
            let frame = self.frame_for(code, func, args);
            return Ok(self.new_generator(code, frame));
        }
        if self.depth >= self.limits.depth {
            return Err(poison(Poison::Recursion));
        }
        let mut slots = self.spare_frames.pop().unwrap_or_default();
        slots.resize(code.local_names.len(), None);
        for (slot, v) in code.param_slots.iter().zip(self.stack.drain(base..)) {
            if let Some(cell) = slots.get_mut(*slot) {
                *cell = Some(v);
            }
        }
        let mut frame = Frame {
            cells: closures::frame_cells(code, func, &mut slots),
            slots,
            names: &code.local_names,
            code: Some(code),
            cell: func.cell.clone(),
        };
        self.depth += 1;
        let flow = self.exec_block(&code.body, &mut frame);
        self.depth -= 1;
        frame.slots.clear();
        self.spare_frames.push(frame.slots);
        // Falling off the end (or a stray break/continue in a hand-built
        // AST) returns None.
        Ok(match flow? {
            Flow::Return(v) => v,
            _ => Value::None,
        })
    }

    /// `func(args..., name=value...)`: the callee, the positional
    /// arguments, the keyword values, left to right; then fuel and the call.
    #[inline(never)]
    pub(super) fn call_kw(&mut self, c: &'p CallKw, frame: &mut Frame<'p>) -> Res<Value> {
        let f = self.eval(&c.func, frame)?;
        let base = self.stack.len();
        for a in &c.args {
            let v = self.eval(a, frame)?;
            self.stack.push(v);
        }
        let mut kws = Vec::with_capacity(c.keywords.len());
        for (name, e) in &c.keywords {
            kws.push((name.clone(), self.eval(e, frame)?));
        }
        self.charge()?;
        // `sorted(g, reverse=...)`; any other keyword call of a builtin
        // is an error before it would consume anything.
        if let Value::Builtin(Builtin::Sorted) = &f {
            self.drain_for_builtin(Builtin::Sorted, base)?;
        }
        let npos = self.stack.len() - base;
        let names: Vec<&str> = kws.iter().map(|(n, _)| &**n).collect();
        let callee = match &f {
            Value::Func(func) => Some(func.name.to_string()),
            Value::Method(m) => Some(m.func.name.to_string()),
            Value::Builtin(b) => Some(b.name().to_string()),
            _ => None,
        };
        // Only a hand-built AST repeats a keyword (CPython's compiler
        // refuses it; its call-time check words it so).
        if let Some(callee) = &callee
            && let Some(dup) = names
                .iter()
                .enumerate()
                .find(|(i, n)| names[..*i].contains(n))
        {
            return Err(type_error(format!(
                "{callee}() got multiple values for keyword argument '{}'",
                dup.1
            )));
        }
        let result = match f {
            Value::Func(func) => match self.prog.funcs.get(func.code) {
                Some(code) => return self.call_user_kw(code, &func, base, kws),
                None => Ok(Value::None),
            },
            Value::Method(m) => match self.prog.funcs.get(m.func.code) {
                Some(code) => {
                    self.stack.insert(base, m.receiver.clone());
                    return self.call_user_kw(code, &m.func, base, kws);
                }
                None => Ok(Value::None),
            },
            Value::Class(c) => return self.instantiate(&c, base, Some(kws)),
            Value::Builtin(Builtin::Print) => {
                let mut sep_end = [None, None];
                for (name, v) in &kws {
                    match &**name {
                        "sep" => sep_end[0] = Some(v),
                        "end" => sep_end[1] = Some(v),
                        _ => {
                            let b = Builtin::Print;
                            return Err(strs::builtin_keywords_error(b, npos, &[name]));
                        }
                    }
                }
                // Once `sep` and `end` are valid, each argument's `str()`
                // (a user `__str__` may run), as CPython's print does.
                let text =
                    |v: &Option<&Value>| matches!(v, None | Some(Value::None | Value::Str(_)));
                if sep_end.iter().all(text) {
                    let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                    let mut texts = Vec::with_capacity(args.len());
                    for a in &args {
                        texts.push(Value::Str(std::rc::Rc::from(self.str_any(a)?)));
                    }
                    return strs::print(&mut self.out, &texts, sep_end[0], sep_end[1])
                        .map(|()| Value::None);
                }
                let args = self.stack.get(base..).unwrap_or(&[]);
                strs::print(&mut self.out, args, sep_end[0], sep_end[1]).map(|()| Value::None)
            }
            // `reverse=` reaches only `sorted` and `.sort` (the front end).
            Value::Builtin(Builtin::Sorted) if names == ["reverse"] => {
                let args = self.stack.get(base..).unwrap_or(&[]);
                iters::sorted(&mut self.heap, args, kws.first().map(|(_, v)| v))
            }
            Value::Bound(b) if names == ["reverse"] && matches!(b.meth, methods::Meth::Sort) => {
                let args = self.stack.get(base..).unwrap_or(&[]);
                match &b.receiver {
                    Value::List(l) => {
                        let reverse = kws.first().map(|(_, v)| v);
                        iters::sort_list(&mut self.heap, l, args, reverse).map(|()| Value::None)
                    }
                    other => Err(type_error(format!(
                        "'{}' object has no attribute 'sort'",
                        other.type_name()
                    ))),
                }
            }
            Value::Builtin(b) => Err(strs::builtin_keywords_error(b, npos, &names)),
            Value::Math(m) => Err(math::keywords_error(m)),
            Value::Bound(b) => Err(type_error(format!(
                "{}.{}() takes no keyword arguments",
                b.receiver.type_name(),
                b.meth.name()
            ))),
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        };
        self.stack.truncate(base);
        result
    }

    /// A user function called with keywords: the arguments bound to the
    /// parameters (see [`builtins::bind_keywords`]), then the plain call.
    pub(super) fn call_user_kw(
        &mut self,
        code: &'p FuncCode,
        func: &FuncObj,
        base: usize,
        kws: Vec<(Rc<str>, Value)>,
    ) -> Res<Value> {
        let base = base.min(self.stack.len());
        let given: Vec<Value> = self.stack.drain(base..).collect();
        let defaults = &func.defaults;
        let bound = builtins::bind_keywords(&code.name, &code.params, defaults, given, kws)?;
        self.stack.extend(bound);
        self.call_user(code, func, base)
    }

    /// A builtin's result (its arguments are `stack[base..]`); every int it
    /// makes is checked against the run's width.
    pub(super) fn call_builtin(&mut self, b: Builtin, base: usize) -> Res<Value> {
        let args = self.stack.get(base..).unwrap_or(&[]);
        let int_bits = self.limits.int_bits;
        match b {
            Builtin::Print => {
                strs::print(&mut self.out, args, None, None)?;
                Ok(Value::None)
            }
            Builtin::Range => builtins::range(args),
            Builtin::Float => builtins::float(args),
            Builtin::Int => builtins::int(args, int_bits),
            Builtin::Abs => builtins::abs(args, int_bits),
            Builtin::Round => builtins::round(args, int_bits),
            Builtin::Len => methods::len(args),
            Builtin::List => methods::make(&mut self.heap, args, true),
            Builtin::Tuple => methods::make(&mut self.heap, args, false),
            Builtin::Sum => methods::sum(&mut self.heap, args, int_bits),
            Builtin::Min => methods::min_max(&mut self.heap, args, false),
            Builtin::Max => methods::min_max(&mut self.heap, args, true),
            Builtin::Str => strs::str_builtin(&mut self.heap, args),
            Builtin::Repr => strs::repr_builtin(&mut self.heap, args),
            Builtin::Ord => strs::ord(args),
            Builtin::Chr => strs::chr(args),
            Builtin::Dict => dict_methods::make(&mut self.heap, args),
            Builtin::Enumerate => iters::enumerate(args, int_bits),
            Builtin::Zip => iters::zip(args),
            Builtin::Reversed => iters::reversed(args, int_bits),
            Builtin::Sorted => iters::sorted(&mut self.heap, args, None),
            Builtin::Isinstance => iters::isinstance(args),
            Builtin::Set => super::super::set::make(&mut self.heap, args),
            Builtin::Exc(c) => Ok(super::super::exceptions::make(c, args)),
            Builtin::Next => self.next_builtin(base),
            Builtin::Iter => self.iter_builtin(base),
        }
    }
}
