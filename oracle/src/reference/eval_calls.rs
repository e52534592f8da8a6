//! The reference's calls of user functions and calls with keyword
//! arguments (out of eval.rs): for the latter, the
//! callee, the positional arguments, the keyword values, then fuel; a user
//! function's parameters bound by name, `print`'s `sep` and `end`,
//! `reverse=` of `sorted` and `list.sort`, and CPython's TypeError for
//! every other callee; and the builtins' calls without keywords.

use std::rc::Rc;

use super::super::array;
use super::super::builtins;
use super::super::dict;
use super::super::dict_methods;
use super::super::iters;
use super::super::math;
use super::super::method_keywords;
use super::super::methods;
use super::super::num_builtins;
use super::super::resolve::{CallEx, CallKw, FuncCode};
use super::super::seq;
use super::super::strs;
use super::super::value::{Builtin, FuncObj, TupleObj, Value};
use super::dunders::iterable_type;
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
        let base = base.min(self.stack.len());
        if code.vararg || code.varkw || !code.kwonly.is_empty() {
            return self.call_user_kw(code, func, base, Vec::new());
        }
        let defaults = &func.defaults;
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
        self.enter_user(code, func, base)
    }

    /// A user function's call once its arguments are bound (they are
    /// `stack[base..]`, one per parameter slot): the depth limit, then
    /// the body in a new frame with its cells (or a new generator).
    fn enter_user(&mut self, code: &'p FuncCode, func: &FuncObj, base: usize) -> Res<Value> {
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
        self.call_with_keywords(f, base, kws)
    }

    /// A keyword call after its operands are evaluated (the positional
    /// ones are `stack[base..]`): fuel, then the call.
    pub(super) fn call_with_keywords(
        &mut self,
        f: Value,
        base: usize,
        kws: Vec<(Rc<str>, Value)>,
    ) -> Res<Value> {
        // One unit whatever the callee: the VM's CALL_KW binds the
        // keywords of a bound method, a class's `__init__` or an instance's
        // `__call__` itself and runs the function in the same call (no
        // second unit, unlike a positional call: `second_call_unit`). A
        // class without `__init__` refuses the keywords before any unit.
        let refused = matches!(&f, Value::Class(c) if c.lookup("__init__").is_none());
        if !refused {
            self.charge()?;
        }
        self.poison_array_args(&f, base)?;
        if let Value::Arr(super::super::array::Arr::Type) = f {
            return Err(type_error(
                "array.array() takes no keyword arguments".into(),
            ));
        }
        // `sorted(g, reverse=...)`; any other keyword call of a builtin
        // is an error before it would consume anything.
        if let Value::Builtin(Builtin::Sorted) = &f {
            // An instance: its `__iter__` result, drained like a generator.
            if let Some(x @ Value::Instance(_)) = self.stack.get(base).cloned()
                && self.stack.len() == base + 1
            {
                let it = self.iter_any(&x)?;
                self.stack[base] = super::generators::stepped(it);
            }
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
            Value::Instance(o) if o.class().lookup("__call__").is_some() => {
                let func = super::super::classes::call_method(&o)?;
                match self.prog.funcs.get(func.code) {
                    Some(code) => {
                        self.stack.insert(base, Value::Instance(o));
                        return self.call_user_kw(code, &func, base, kws);
                    }
                    None => Ok(Value::None),
                }
            }
            Value::Builtin(Builtin::Print) => {
                let mut sep_end = [None, None];
                for (name, v) in &kws {
                    match &**name {
                        "sep" => sep_end[0] = Some(v),
                        "end" => sep_end[1] = Some(v),
                        // Only whether to flush: the output is the same.
                        // An instance's truth may run `__bool__`.
                        "flush" if matches!(v, Value::Instance(_)) => {
                            return Err(poison(Poison::Unmodelled));
                        }
                        "flush" => {}
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
                    // The arguments leave the stack whatever happens (the
                    // call may sit inside another call's arguments).
                    self.stack.truncate(base);
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
            Value::Builtin(b @ (Builtin::Min | Builtin::Max))
                if names.iter().all(|n| *n == "key" || *n == "default") =>
            {
                let (key, default) = (keyword(&kws, "key"), keyword(&kws, "default"));
                self.min_max_keyed(base, b == Builtin::Max, key, default)
            }
            Value::Builtin(Builtin::Sorted)
                if names.contains(&"key")
                    && names.iter().all(|n| *n == "key" || *n == "reverse") =>
            {
                let key = keyword(&kws, "key").unwrap_or(Value::None);
                self.sorted_keyed(base, key, keyword(&kws, "reverse"))
            }
            Value::Bound(b)
                if matches!(b.meth, methods::Meth::Sort)
                    && matches!(b.receiver, Value::List(_))
                    && names.contains(&"key")
                    && names.iter().all(|n| *n == "key" || *n == "reverse") =>
            {
                let key = keyword(&kws, "key").unwrap_or(Value::None);
                let Value::List(l) = &b.receiver else {
                    unreachable!("matched a list receiver")
                };
                self.list_sort_keyed(l, base, key, keyword(&kws, "reverse"))
            }
            // `reverse=` alone.
            Value::Builtin(Builtin::Sorted) if names == ["reverse"] => {
                let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                self.sorted_items(&args, kws.first().map(|(_, v)| v))
            }
            Value::Bound(b) if names == ["reverse"] && matches!(b.meth, methods::Meth::Sort) => {
                let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                match &b.receiver {
                    Value::List(l) => {
                        let reverse = kws.first().map(|(_, v)| v);
                        self.list_sort_items(l, &args, reverse)
                            .map(|()| Value::None)
                    }
                    other => Err(type_error(format!(
                        "'{}' object has no attribute 'sort'",
                        other.type_name()
                    ))),
                }
            }
            Value::Bound(b)
                if matches!((&b.receiver, b.meth.name()), (Value::Str(_), "format")) =>
            {
                let Value::Str(s) = &b.receiver else {
                    unreachable!("matched a str receiver")
                };
                let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                self.str_format(s, &args, &kws)
            }
            // `enumerate(xs, start=1)`, `round(x, ndigits=2)`...: the
            // keywords are the parameters after the positional arguments.
            Value::Builtin(b) if keywords_as_positional(b, npos, &names).is_some() => {
                let order = keywords_as_positional(b, npos, &names).unwrap_or_default();
                for i in order {
                    self.stack.push(kws[i].1.clone());
                }
                return self.call_charged(f, base);
            }
            // Keywords not placed so: any to `enumerate`, `zip` (`strict=`)
            // or `pow`, and one `int`, `sum` or `round` takes (`int(base=2)`
            // alone), where CPython's answer is not the error below.
            Value::Builtin(b)
                if match b {
                    Builtin::Enumerate | Builtin::Zip | Builtin::Pow => true,
                    Builtin::Int => names.contains(&"base"),
                    Builtin::Sum => names.contains(&"start"),
                    Builtin::Round => names.iter().any(|n| matches!(*n, "number" | "ndigits")),
                    _ => false,
                } =>
            {
                Err(poison(Poison::Unmodelled))
            }
            Value::Builtin(b) => Err(strs::builtin_keywords_error(b, npos, &names)),
            // `math.prod(xs, start=s)`: not modelled.
            Value::Math(math::MathFn::Prod) => Err(poison(Poison::Unmodelled)),
            // `isclose(a, b, rel_tol=..., abs_tol=...)`: the keyword-only
            // tolerances; any other keyword form is not modelled.
            Value::Math(math::MathFn::Isclose) => {
                let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                let tolerances = names.iter().all(|n| *n == "rel_tol" || *n == "abs_tol")
                    && !(names.len() == 2 && names[0] == names[1]);
                match &args[..] {
                    [a, b] if tolerances => {
                        math::isclose(a, b, keyword(&kws, "rel_tol"), keyword(&kws, "abs_tol"))
                    }
                    _ => Err(poison(Poison::Unmodelled)),
                }
            }
            Value::Math(m) => Err(math::keywords_error(m)),
            // Keywords of the module's Python-level methods: not modelled.
            Value::Rand(_) => Err(poison(Poison::Unmodelled)),
            // `list.sort(xs, reverse=True)`, `str.split(s, maxsplit=1)`:
            // a descriptor with keywords is not modelled (nor in the VM).
            Value::Descr(_) => Err(poison(Poison::Unmodelled)),
            Value::Bound(b) => {
                let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
                match method_keywords::bind(&b.receiver, b.meth.name(), &args, &kws) {
                    method_keywords::Bound::Call(all) => {
                        self.stack.truncate(base);
                        self.stack.extend(all);
                        return self.call_charged(Value::Bound(b), base);
                    }
                    method_keywords::Bound::Refuse(message) => Err(type_error(message)),
                    method_keywords::Bound::Unmodelled => Err(poison(Poison::Unmodelled)),
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
        if !(code.vararg || code.varkw || !code.kwonly.is_empty()) {
            let bound = builtins::bind_keywords(&code.name, &code.params, defaults, given, kws)?;
            self.stack.extend(bound);
            return self.call_user(code, func, base);
        }
        let sig = builtins::Signature {
            name: &code.name,
            params: &code.params,
            kwonly: &code.kwonly,
            vararg: code.vararg,
            varkw: code.varkw,
        };
        let bound = builtins::bind_star(&sig, defaults, given, kws)?;
        self.stack.extend(bound.params);
        // Unshared new objects, made without the bulk charge (the VM's
        // CALL makes them so too).
        if code.vararg {
            let items = bound.extra_args;
            self.stack.push(Value::Tuple(Rc::new(TupleObj { items })));
        }
        if code.varkw {
            let d = self.heap.dict();
            for (k, v) in bound.extra_kws {
                d.store(&Value::Str(k), v)?;
            }
            self.stack.push(Value::Dict(d));
        }
        self.enter_user(code, func, base)
    }

    /// `func(a, *xs, k=v, **m)`: the callee, then the positional arguments
    /// left to right (each `*xs` iterated there), then the keywords left
    /// to right (each `**m` merged there, a name given twice a TypeError),
    /// then the call exactly as if written out: a plain call if no keyword
    /// is left, else a keyword call (both charge their one unit of fuel;
    /// the unpacking itself is free, beyond the resumes of a generator).
    #[inline(never)]
    pub(super) fn call_ex(&mut self, c: &'p CallEx, frame: &mut Frame<'p>) -> Res<Value> {
        let f = self.eval(&c.func, frame)?;
        let base = self.stack.len();
        for (starred, a) in &c.args {
            let v = self.eval(a, frame)?;
            if !*starred {
                self.stack.push(v);
                continue;
            }
            if !iterable_type(&v) {
                // A lone `*it` reaches CPython's CALL_FUNCTION_EX, which
                // names the callee; any other mix its LIST_EXTEND.
                let what = if c.args.len() == 1 {
                    format!("{} argument", self.function_str(&f)?)
                } else {
                    "Value".to_string()
                };
                return Err(type_error(format!(
                    "{what} after * must be an iterable, not {}",
                    v.type_name()
                )));
            }
            let mut src = self.src_any(&v)?;
            while let Some(x) = self.step_src(&mut src)? {
                seq::check_len((self.stack.len() - base) as u128 + 1)?;
                self.stack.push(x);
            }
        }
        // A run of named keywords is evaluated whole, then merged (as
        // CPython's BUILD_MAP then DICT_MERGE): a name it repeats from an
        // earlier `**` raises after the run's last value.
        let kwd = self.heap.dict();
        let mut run = Vec::new();
        for (name, e) in &c.keywords {
            let v = self.eval(e, frame)?;
            let pairs = match (name, v) {
                (Some(n), v) => {
                    run.push((Value::Str(n.clone()), v));
                    continue;
                }
                (None, Value::Dict(d)) => d.pairs(),
                // A user mapping (`keys` and `__getitem__`): not modelled.
                (None, Value::Instance(_)) => return Err(poison(Poison::Unmodelled)),
                (None, other) => {
                    return Err(type_error(format!(
                        "{} argument after ** must be a mapping, not {}",
                        self.function_str(&f)?,
                        other.type_name()
                    )));
                }
            };
            self.merge_keywords(&f, &kwd, std::mem::take(&mut run))?;
            self.merge_keywords(&f, &kwd, pairs)?;
        }
        self.merge_keywords(&f, &kwd, run)?;
        let pairs = kwd.pairs();
        if pairs.is_empty() {
            return self.call(f, base);
        }
        let mut kws = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match k {
                Value::Str(k) => kws.push((k, v)),
                _ => return Err(type_error("keywords must be strings".into())),
            }
        }
        let names: Vec<&str> = kws.iter().map(|(n, _)| &**n).collect();
        if unmodelled_keywords(&f, &names) {
            return Err(poison(Poison::Unmodelled));
        }
        self.call_with_keywords(f, base, kws)
    }

    /// Merges keywords `pairs` into the call's `kwd` (DICT_MERGE): a name
    /// already there is CPython's TypeError.
    fn merge_keywords(
        &self,
        f: &Value,
        kwd: &dict::DictObj,
        pairs: Vec<(Value, Value)>,
    ) -> Res<()> {
        for (k, v) in pairs {
            if kwd.contains(&k)? {
                let Value::Str(k) = k else {
                    // CPython then words it from the key's repr.
                    return Err(poison(Poison::Unmodelled));
                };
                return Err(type_error(format!(
                    "{} got multiple values for keyword argument '{k}'",
                    self.function_str(f)?
                )));
            }
            kwd.store(&k, v)?;
        }
        Ok(())
    }

    /// An array given to a builtin or math function that does more than
    /// iterate it, take its length or its repr: not modelled.
    pub(super) fn poison_array_args(&self, f: &Value, base: usize) -> Res<()> {
        let args = self.stack.get(base..).unwrap_or(&[]);
        if !args.iter().any(array::is_array) {
            return Ok(());
        }
        match f {
            Value::Builtin(b) if array::builtin_takes_arrays(*b) => Ok(()),
            Value::Builtin(_) | Value::Math(_) | Value::Rand(_) => Err(poison(Poison::Unmodelled)),
            _ => Ok(()),
        }
    }

    /// `array.array(typecode[, initializer])` (its arguments are
    /// `stack[base..]`): the typecode, then each item of the initializer
    /// in turn (a generator is pulled one item at a time and stops at a
    /// bad one, as CPython's). The new array is bulk-charged as a list of
    /// its items.
    pub(super) fn array_new(&mut self, base: usize) -> Res<Value> {
        let args = self.stack.split_off(base.min(self.stack.len()));
        match args.len() {
            0 => {
                return Err(type_error(
                    "array() takes at least 1 argument (0 given)".into(),
                ));
            }
            1 | 2 => {}
            n => {
                return Err(type_error(format!(
                    "array() takes at most 2 arguments ({n} given)"
                )));
            }
        }
        array::check_typecode(&args[0])?;
        let mut items = Vec::new();
        if let Some(init) = args.get(1) {
            if let Value::Str(_) = init {
                return Err(type_error(
                    "cannot use a str to initialize an array with typecode 'B'".into(),
                ));
            }
            let mut src = self.src_any(init)?;
            while let Some(x) = self.step_src(&mut src)? {
                seq::check_len(items.len() as u128 + 1)?;
                items.push(array::check_byte(&x)?);
            }
        }
        self.heap.bulk(items.len());
        Ok(array::make(items))
    }

    /// How CPython's call errors name a callable (`_PyObject_FunctionStr`):
    /// `__main__.f()`, `__main__.C.m()`, `__main__.C()`, `print()`,
    /// `math.sqrt()`, `list.append()`. Anything else is named by its
    /// `str()` there, which the reference does not model (poison).
    pub(super) fn function_str(&self, f: &Value) -> Res<String> {
        Ok(match f {
            Value::Func(func) => format!("__main__.{}()", func.name),
            Value::Method(m) => format!("__main__.{}()", m.func.name),
            Value::Class(c) => format!("__main__.{}()", c.name),
            Value::Builtin(b) => format!("{}()", b.name()),
            Value::Math(m) => format!("math.{}()", m.name()),
            Value::Rand(r) => format!("Random.{}()", r.name()),
            Value::Bound(b) => format!("{}.{}()", b.receiver.type_name(), b.meth.name()),
            Value::Descr(d) => format!("{}.{}()", d.owner.name(), d.meth.name()),
            Value::Arr(super::super::array::Arr::Type) => "array.array()".into(),
            _ => return Err(poison(Poison::Unmodelled)),
        })
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
            Builtin::Min | Builtin::Max => {
                let args = args.to_vec();
                self.min_max_items(&args, b == Builtin::Max)
            }
            Builtin::Str => strs::str_builtin(&mut self.heap, args),
            Builtin::Repr => strs::repr_builtin(&mut self.heap, args),
            Builtin::Ord => strs::ord(args),
            Builtin::Chr => strs::chr(args),
            Builtin::Dict => dict_methods::make(&mut self.heap, args),
            Builtin::Enumerate => iters::enumerate(args, int_bits),
            Builtin::Zip => iters::zip(args),
            Builtin::Reversed => iters::reversed(args, int_bits),
            Builtin::Sorted => {
                let args = args.to_vec();
                self.sorted_items(&args, None)
            }
            Builtin::Isinstance => iters::isinstance(args),
            Builtin::Issubclass => iters::issubclass(args),
            Builtin::Hash => {
                let args = args.to_vec();
                self.hash_builtin(&args)
            }
            Builtin::Set => {
                let args = args.to_vec();
                self.set_builtin(&args)
            }
            Builtin::Exc(c) => Ok(super::super::exceptions::make(c, args)),
            Builtin::Next => self.next_builtin(base),
            Builtin::Iter => self.iter_builtin(base),
            Builtin::Divmod => num_builtins::divmod(&mut self.heap, args, int_bits),
            Builtin::Hex => num_builtins::int_text("hex", args),
            Builtin::Oct => num_builtins::int_text("oct", args),
            Builtin::Bin => num_builtins::int_text("bin", args),
            Builtin::Pow => self.pow_builtin(base),
            Builtin::Any => self.any_all(base, true),
            Builtin::All => self.any_all(base, false),
            Builtin::Format => self.format_builtin(base),
            Builtin::Bool => self.bool_builtin(base),
            Builtin::Type => match args {
                [x] => super::eval_classes::class_of(x),
                [_, _, _] => Err(poison(Poison::Unmodelled)),
                _ => Err(type_error("type() takes 1 or 3 arguments".into())),
            },
            Builtin::Getattr => self.getattr_builtin(base),
            Builtin::Hasattr => self.hasattr_builtin(base),
            Builtin::Setattr => self.setattr_builtin(base),
            Builtin::Callable => super::eval_classes::callable(args),
        }
    }
}

/// The value of keyword `name` among a call's `kws`.
fn keyword(kws: &[(Rc<str>, Value)], name: &str) -> Option<Value> {
    kws.iter()
        .find(|(n, _)| &**n == name)
        .map(|(_, v)| v.clone())
}

/// Whether keywords `names` (only `**` brings arbitrary ones to a
/// builtin) make a call of builtin callable `f` one the reference does
/// not model: a keyword CPython's builtin takes (`print(file=)`,
/// `int(base=)`, `sorted(key=)`, `dict(**kw)`, `str.split(sep=)`,
/// `dict.update(**kw)`...), or a callee whose CPython error for an
/// unknown keyword the reference does not word (`enumerate`, `zip`,
/// `sorted`, `list.sort`). The builtins that take no keyword at all keep
/// their "takes no keyword arguments".
fn unmodelled_keywords(f: &Value, names: &[&str]) -> bool {
    let any = |taken: &[&str]| names.iter().any(|n| taken.contains(n));
    match f {
        Value::Builtin(b) => match b {
            Builtin::Print => any(&["file", "flush"]),
            Builtin::Sorted => names != ["reverse"],
            Builtin::Int => any(&["base"]),
            Builtin::Round => any(&["number", "ndigits"]),
            Builtin::Sum => any(&["start"]),
            Builtin::Min | Builtin::Max => any(&["key", "default"]),
            Builtin::Str => any(&["object", "encoding", "errors"]),
            Builtin::Pow => any(&["base", "exp", "mod"]),
            Builtin::Float
            | Builtin::Range
            | Builtin::Len
            | Builtin::Abs
            | Builtin::List
            | Builtin::Tuple
            | Builtin::Set
            | Builtin::Repr
            | Builtin::Ord
            | Builtin::Chr
            | Builtin::Isinstance
            | Builtin::Iter
            | Builtin::Next
            | Builtin::Reversed
            | Builtin::Divmod
            | Builtin::Hex
            | Builtin::Oct
            | Builtin::Bin
            | Builtin::Any
            | Builtin::All
            | Builtin::Format
            | Builtin::Bool
            | Builtin::Type
            | Builtin::Getattr
            | Builtin::Hasattr
            | Builtin::Setattr
            | Builtin::Callable
            | Builtin::Issubclass
            | Builtin::Hash
            | Builtin::Exc(_) => false,
            Builtin::Dict | Builtin::Enumerate | Builtin::Zip => true,
        },
        Value::Bound(b) => match b.meth {
            methods::Meth::Sort => names != ["reverse"],
            methods::Meth::Split => true,
            methods::Meth::Update => matches!(b.receiver, Value::Dict(_)),
            _ => false,
        },
        _ => false,
    }
}

/// For a builtin whose parameters after its positional-only ones may be
/// given by keyword: with `npos` positional arguments, the keywords must
/// name exactly the next parameters (in any order). Returns the index in
/// `names` of each, in parameter order.
fn keywords_as_positional(b: Builtin, npos: usize, names: &[&str]) -> Option<Vec<usize>> {
    let (params, positional_only): (&[&str], usize) = match b {
        Builtin::Enumerate => (&["iterable", "start"], 0),
        Builtin::Sum => (&["iterable", "start"], 1),
        Builtin::Int => (&["x", "base"], 1),
        Builtin::Round => (&["number", "ndigits"], 0),
        Builtin::Pow => (&["base", "exp", "mod"], 0),
        _ => return None,
    };
    if npos < positional_only {
        return None;
    }
    let next = params.get(npos..npos + names.len())?;
    next.iter()
        .map(|p| names.iter().position(|n| n == p))
        .collect()
}
