//! Calls in tier 1 (and in the tiers that reuse its code): making function
//! objects, binding arguments to parameters with defaults and CPython's
//! arity errors, builtins, keyword calls, and `print`.

use crate::runtime::object::{self, FUNCTION_CODE, FUNCTION_DEFAULTS, FUNCTION_NAME, Kind};
use crate::runtime::{
    Raise, Value, math, methods, num_builtins, pydict, range, seq, seq_ops, strs, type_name,
};

use super::Run;
use super::interp::Regs;
use super::set_algebra;
use crate::lang::Poison;
use crate::lang::bytecode::{Code, Instr};
use crate::runtime::frame::{
    FRAME_CODE, FRAME_IP, FRAME_LOCALS, FRAME_NLOCALS, FRAME_PREV, FRAME_SLOT, FRAME_SP,
    MAX_FRAME_BYTES, frame_bytes, fset,
};

impl Run<'_> {
    /// Enters user function `func` (code `cid`) with its bound `args` from
    /// the frame `r` holds (whose stack no longer holds the call's inputs).
    pub(super) fn enter_function(
        &mut self,
        r: &mut Regs,
        func: Value,
        cid: usize,
        args: &[Value],
    ) -> Result<(), Raise> {
        if self.program.codes[cid].is_generator {
            // No frame is entered: the call makes a generator object.
            fset(r.frame, FRAME_SP, r.sp as u64);
            let g = self.make_generator(func, cid, args)?;
            // SAFETY: the call's inputs were popped; its result fits.
            unsafe {
                *r.sp = g.0;
                r.sp = r.sp.add(1);
            }
            return Ok(());
        }
        if self.depth + 1 > self.config.limits.depth {
            return Err(Raise::Poison(Poison::Recursion));
        }
        // Save the caller, enter the callee.
        fset(r.frame, FRAME_IP, r.ip as u64);
        fset(r.frame, FRAME_SP, r.sp as u64);
        let frame = self.push_frame(cid, r.frame, args, closure_of(func))?;
        self.depth += 1;
        *r = self.regs(frame)?;
        self.safe_point(r);
        Ok(())
    }

    /// Tier 1's CALL_KW: a user function's frame is entered here (as
    /// CALL's); every other callable takes the generic path.
    pub(super) fn call_kw_instr(
        &mut self,
        r: &mut Regs,
        code: &mut Code,
        at: usize,
        ins: Instr,
    ) -> Result<(), Raise> {
        let (nargs, nkw) = crate::lang::bytecode::call_kw_counts(ins.arg);
        let n = (nargs + nkw) as usize;
        // SAFETY: the stack holds the callable and `n` inputs.
        let callable = unsafe { Value(*r.sp.sub(n + 1)) };
        let Some(cid) = function_code(callable) else {
            return self.seq_instr(r, code, at, ins);
        };
        self.charge_fuel()?;
        // SAFETY: as above.
        let inputs: Vec<Value> = (0..n).map(|i| unsafe { Value(*r.sp.sub(n - i)) }).collect();
        // Binding `*args`/`**kwargs` allocates: the caller's stack, the
        // call's inputs included, stays rooted.
        fset(r.frame, FRAME_SP, r.sp as u64);
        let args = self.bind_kw_args(callable, cid, &inputs, ins.arg)?;
        r.sp = unsafe { r.sp.sub(n + 1) };
        self.enter_function(r, callable, cid, &args)
    }

    /// Pushes a frame for code `cid` with `args` as its first locals.
    pub(crate) fn push_frame(
        &mut self,
        cid: usize,
        prev: u64,
        args: &[Value],
        closure: Value,
    ) -> Result<u64, Raise> {
        let code = &self.program.codes[cid];
        let nlocals = code.local_names.len() as u32;
        let size = frame_bytes(nlocals, code.stack_size);
        // The next slot; the frame sits at the end of the slot's frame page.
        let slot = self.frame_top;
        if size > MAX_FRAME_BYTES || slot + FRAME_SLOT > self.arena.frame_region().1 {
            return Err(Raise::Poison(Poison::OutOfMemory));
        }
        let frame = slot + MAX_FRAME_BYTES - size;
        self.frame_top = slot + FRAME_SLOT;
        fset(frame, FRAME_PREV, prev);
        fset(frame, FRAME_CODE, cid as u64);
        fset(frame, FRAME_IP, 0);
        fset(frame, FRAME_NLOCALS, nlocals as u64);
        for i in 0..nlocals as u64 {
            let v = args.get(i as usize).copied().unwrap_or(Value::NULL);
            fset(frame, FRAME_LOCALS + 8 * i, v.0);
        }
        self.copy_free_vars(frame, code.free_start, code.nfree, closure);
        fset(frame, FRAME_SP, frame + FRAME_LOCALS + 8 * nlocals as u64);
        self.arena.roots.top_frame = frame;
        Ok(frame)
    }

    pub(crate) fn make_function(&mut self, cid: u32) -> Result<Value, Raise> {
        let addr = self.arena.alloc(Kind::Function, 5)?;
        let name_id = self
            .program
            .name_id(&self.program.codes[cid as usize].name)
            .unwrap_or(0);
        // SAFETY: freshly allocated Function.
        unsafe {
            object::write(addr, FUNCTION_CODE, cid as u64);
            object::write(addr, FUNCTION_NAME, name_id as u64);
            object::write(addr, FUNCTION_DEFAULTS, 0);
            object::write(addr, object::FUNCTION_CLOSURE, 0);
        }
        Ok(Value(addr))
    }

    /// The arguments a call of `func` (code `cid`) with positional `args`
    /// binds to its parameters: `args` itself, or `args` completed with the
    /// function's defaults for the missing trailing parameters. CPython's
    /// TypeError when no binding exists.
    pub(crate) fn bind_args<'a>(
        &mut self,
        func: Value,
        cid: usize,
        args: &'a [Value],
    ) -> Result<std::borrow::Cow<'a, [Value]>, Raise> {
        let code = &self.program.codes[cid];
        if !code.simple_params() {
            return self
                .bind_all(func, cid, args, &[], &[])
                .map(std::borrow::Cow::Owned);
        }
        let want = code.nparams as usize;
        let given = args.len();
        if given == want {
            return Ok(std::borrow::Cow::Borrowed(args));
        }
        // SAFETY: `func` is a live Function; its defaults, if any, a Tuple.
        let defaults = unsafe { object::read(func.0, FUNCTION_DEFAULTS) };
        let ndefaults = if defaults == 0 {
            0
        } else {
            crate::runtime::seq::len(Value(defaults))
        };
        let required = want - ndefaults.min(want);
        if given >= required && given < want {
            let mut full = args.to_vec();
            for i in given..want {
                full.push(crate::runtime::seq::get(Value(defaults), i - required));
            }
            return Ok(std::borrow::Cow::Owned(full));
        }
        Err(Raise::type_error(arity_message(
            &code.name,
            &code.local_names[..want],
            required,
            given,
        )))
    }

    pub(crate) fn call_builtin(&mut self, callable: Value, args: &[Value]) -> Result<Value, Raise> {
        if let Some(r) = self.call_class_value(callable, args) {
            return r;
        }
        // They step any iterable themselves (generators, `__iter__`).
        if set_algebra::is_algebra(callable) {
            let (receiver, rest) = methods::descriptor_args(callable, args)?;
            return self.set_algebra(callable, receiver, rest);
        }
        if methods::is_bound(callable) && set_algebra::is_algebra(methods::bound_parts(callable).1)
        {
            let (receiver, m) = methods::bound_parts(callable);
            return self.set_algebra(m, receiver, args);
        }
        if let Some(r) = self.dunder_builtin(callable, args) {
            return r;
        }
        if let Some(r) = self.gen_builtin(callable, args) {
            return r;
        }
        if let Some(r) = self.item_compare_call(callable, args) {
            return r;
        }
        if let Some(r) = self.user_key_call(callable, args) {
            return r;
        }
        match callable {
            Value::BUILTIN_PRINT => self.print(args, Value::NONE, Value::NONE),
            Value::BUILTIN_STR | Value::BUILTIN_REPR | Value::BUILTIN_ORD | Value::BUILTIN_CHR => {
                crate::runtime::str_builtins::call(self.arena, callable, args)
            }
            Value::BUILTIN_RANGE => range::new(self.arena, args),
            Value::BUILTIN_FLOAT
            | Value::BUILTIN_INT
            | Value::BUILTIN_ABS
            | Value::BUILTIN_ROUND => crate::runtime::numbers::call(self.arena, callable, args),
            Value::BUILTIN_LEN
            | Value::BUILTIN_LIST
            | Value::BUILTIN_TUPLE
            | Value::BUILTIN_DICT
            | Value::BUILTIN_SET
            | Value::BUILTIN_SUM
            | Value::BUILTIN_MIN
            | Value::BUILTIN_MAX => seq_ops::call_builtin(self.arena, callable, args),
            Value::BUILTIN_ENUMERATE => crate::runtime::iters::enumerate(self.arena, args),
            Value::BUILTIN_ZIP => crate::runtime::iters::zip(self.arena, args),
            Value::BUILTIN_REVERSED => crate::runtime::iters::reversed(self.arena, args),
            Value::BUILTIN_ISINSTANCE => crate::runtime::isinstance::call(args),
            Value::BUILTIN_ITER => self.iter_builtin(args),
            Value::BUILTIN_DIVMOD => num_builtins::divmod(self.arena, args),
            Value::BUILTIN_HEX => num_builtins::int_text(self.arena, "hex", args),
            Value::BUILTIN_OCT => num_builtins::int_text(self.arena, "oct", args),
            Value::BUILTIN_BIN => num_builtins::int_text(self.arena, "bin", args),
            Value::BUILTIN_POW => self.pow_builtin(args),
            Value::BUILTIN_ANY => self.any_all(args, true),
            Value::BUILTIN_GETATTR => self.getattr_builtin(args),
            Value::BUILTIN_HASATTR => self.hasattr_builtin(args),
            Value::BUILTIN_SETATTR => self.setattr_builtin(args),
            Value::BUILTIN_CALLABLE => self.callable_builtin(args),
            Value::BUILTIN_ISSUBCLASS => crate::runtime::isinstance::issubclass_call(args),
            Value::BUILTIN_HASH => crate::runtime::pydict_hash::hash_builtin(self.arena, args),
            Value::BUILTIN_ALL => self.any_all(args, false),
            Value::BUILTIN_FORMAT => self.format_builtin(args),
            Value::BUILTIN_BOOL => self.bool_builtin(args),
            Value::BUILTIN_TYPE => self.type_builtin(args),
            Value::ARRAY_ARRAY => self.new_array(args),
            c if crate::runtime::exceptions::is_class(c) => {
                crate::runtime::exceptions::new(self.arena, c, args)
            }
            Value::METHOD_STR_FORMAT => {
                let (receiver, rest) = methods::descriptor_args(callable, args)?;
                self.str_format(receiver, rest, &[])
            }
            m if methods::is_method(m) => {
                let (receiver, rest) = methods::descriptor_args(m, args)?;
                methods::call(self.arena, m, receiver, rest)
            }
            b if methods::is_bound(b) && methods::bound_parts(b).1 == Value::METHOD_STR_FORMAT => {
                self.str_format(methods::bound_parts(b).0, args, &[])
            }
            b if methods::is_bound(b) => methods::call_bound(self.arena, b, args),
            // Called as `math.f(...)`, LOAD_METHOD left a NULL below the
            // arguments in place of a receiver.
            f if math::is_function(f) => {
                let args = match args.split_first() {
                    Some((first, rest)) if first.is_null() => rest,
                    _ => args,
                };
                math::call(self.arena, f, args)
            }
            // `random.f(...)`: as `math.f(...)`.
            f if crate::runtime::random::is_function(f) => {
                let args = match args.split_first() {
                    Some((first, rest)) if first.is_null() => rest,
                    _ => args,
                };
                crate::runtime::random::call(self.arena, f, args)
            }
            other => Err(Raise::type_error(format!(
                "'{}' object is not callable",
                type_name(other)
            ))),
        }
    }

    /// A call with keywords (`ins` = positional arguments then keyword
    /// values; `arg` as CALL_KW's) through a generic path: a user function
    /// runs in a nested dispatch (tier 2 and the JIT's helper), `print`
    /// takes `sep` and `end`, other callables raise CPython's TypeError.
    pub(crate) fn call_kw(
        &mut self,
        callable: Value,
        ins: &[Value],
        arg: u32,
    ) -> Result<Value, Raise> {
        if function_code(callable).is_some() {
            let caller = self.arena.roots.top_frame;
            return self.call_value_kw(callable, ins, Some(arg), caller);
        }
        // As `call_value_kw`: an error's point is the call before it ticked
        // (the generic `_CALL_KW` of a trace raising through here).
        let fuel_at_call = self.fuel;
        let r = self.call_kw_other(callable, ins, arg);
        if r.is_err() {
            self.note_call_error(callable, fuel_at_call);
        }
        r
    }

    /// [`Self::call_kw`] of anything but a Python function.
    fn call_kw_other(&mut self, callable: Value, ins: &[Value], arg: u32) -> Result<Value, Raise> {
        if let Some(r) = self.call_class_value_kw(callable, ins, arg) {
            return r;
        }
        // A method descriptor with keywords (`list.sort(xs, reverse=True)`,
        // `str.split(s, maxsplit=1)`) is not modelled.
        if methods::is_method(callable) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        if let Some(r) = self.gen_call_kw(callable, ins, arg) {
            return r;
        }
        self.charge_fuel()?;
        let names = self.kw_names(arg);
        let (args, kw) = crate::lang::bytecode::call_kw_split(ins, arg);
        if callable == Value::BUILTIN_PRINT
            && let Some(bad) = names
                .iter()
                .find(|n| !matches!(n.as_str(), "sep" | "end" | "flush"))
        {
            return Err(Raise::type_error(format!(
                "'{bad}' is an invalid keyword argument for print()"
            )));
        }
        let keyword = |name: &str| {
            names
                .iter()
                .zip(kw)
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        };
        if methods::is_bound(callable)
            && let (s, Value::METHOD_STR_FORMAT) = methods::bound_parts(callable)
        {
            let keywords: Vec<(String, Value)> =
                names.iter().cloned().zip(kw.iter().copied()).collect();
            return self.str_format(s, args, &keywords);
        }
        if callable == Value::BUILTIN_PRINT {
            // `flush=` changes nothing printed; an instance's truth may
            // run `__bool__`.
            if keyword("flush").is_some_and(crate::runtime::class::is_instance) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            let pick = |name: &str| keyword(name).unwrap_or(Value::NONE);
            return self.print(args, pick("sep"), pick("end"));
        }
        let pick = |name: &str| keyword(name).unwrap_or(Value::NULL);
        if matches!(callable, Value::BUILTIN_MIN | Value::BUILTIN_MAX)
            && names.iter().all(|n| n == "key" || n == "default")
        {
            let min = callable == Value::BUILTIN_MIN;
            return self.min_max_lazy(min, args, pick("key"), pick("default"), true, false);
        }
        let key_and_reverse =
            names.iter().any(|n| n == "key") && names.iter().all(|n| n == "key" || n == "reverse");
        if callable == Value::BUILTIN_SORTED && key_and_reverse {
            return self.sorted_keyed(args, pick("key"), pick("reverse"));
        }
        if key_and_reverse
            && methods::is_bound(callable)
            && let (xs, Value::METHOD_LIST_SORT) = methods::bound_parts(callable)
        {
            return self.list_sort_keyed(xs, args, pick("key"), pick("reverse"));
        }
        // `isclose(a, b, rel_tol=..., abs_tol=...)`: the tolerances are
        // keyword-only; any other keyword form is not modelled.
        if callable == Value::MATH_ISCLOSE {
            let tolerances = names.iter().all(|n| n == "rel_tol" || n == "abs_tol")
                && !(names.len() == 2 && names[0] == names[1]);
            // `math.isclose(...)`: LOAD_METHOD left a NULL for a receiver.
            let positional = match args.split_first() {
                Some((first, rest)) if first.is_null() => rest,
                _ => args,
            };
            let [a, b] = positional else {
                return Err(Raise::Poison(Poison::Unmodelled));
            };
            if !tolerances {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            let given = |name: &str| keyword(name);
            return math::isclose(*a, *b, given("rel_tol"), given("abs_tol"));
        }
        // `s.split(maxsplit=1)`: methods whose parameters take keywords.
        if methods::is_bound(callable) {
            use crate::runtime::method_keywords::{self as mk, ArgSource, MethodKeywords};
            match mk::bind(methods::bound_parts(callable).1, args.len(), &names) {
                MethodKeywords::Positional(plan) => {
                    let all: Vec<Value> = plan
                        .iter()
                        .map(|a| match *a {
                            ArgSource::Arg(i) => args[i],
                            ArgSource::Keyword(k) => kw[k],
                            ArgSource::Default(v) => v,
                        })
                        .collect();
                    return methods::call_bound(self.arena, callable, &all);
                }
                MethodKeywords::TypeError(e) => return Err(Raise::type_error(e)),
                MethodKeywords::Unmodelled => return Err(Raise::Poison(Poison::Unmodelled)),
                MethodKeywords::NotAccepted => {}
            }
        }
        // `reverse=` alone.
        let reverse = keyword("reverse");
        if let (Some(reverse), true) = (reverse, names.len() == 1) {
            if callable == Value::BUILTIN_SORTED {
                return self.sorted_items(args, reverse);
            }
            if methods::is_bound(callable)
                && let (xs, Value::METHOD_LIST_SORT) = methods::bound_parts(callable)
            {
                return self.list_sort_items(xs, args, reverse);
            }
            if methods::is_bound(callable) {
                return methods::call_bound_kw(self.arena, callable, args, reverse);
            }
        }
        // `enumerate(xs, start=1)`, `round(x, ndigits=2)`...: keywords
        // naming the parameters after the positional arguments.
        if let Some(order) = keywords_as_positional(callable, args.len(), &names) {
            let mut all = args.to_vec();
            all.extend(order.into_iter().map(|i| kw[i]));
            return self.call_builtin(callable, &all);
        }
        if unplaced_keywords_unmodelled(callable, &names) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        if math::is_function(callable) {
            return Err(math::keywords_error(callable));
        }
        // `random.randint(a=1, b=2)`, `shuffle(x=l)`: keywords of
        // Python-level methods, not modelled.
        if crate::runtime::random::is_function(callable) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        if callable == Value::ARRAY_ARRAY {
            return Err(Raise::type_error(
                "array.array() takes no keyword arguments".into(),
            ));
        }
        if methods::is_bound(callable) {
            return Err(methods::bound_keywords_error(callable));
        }
        if let Some((name, _)) = crate::runtime::value::BUILTINS
            .iter()
            .find(|(_, b)| *b == callable)
        {
            return Err(builtin_keywords_error(name, args.len(), &names));
        }
        Err(Raise::type_error(format!(
            "'{}' object is not callable",
            type_name(callable)
        )))
    }

    /// CALL_KW's keyword names.
    pub(crate) fn kw_names(&self, arg: u32) -> Vec<String> {
        let i = crate::lang::bytecode::call_kw_names_index(arg);
        self.program.kw_names.get(i).cloned().unwrap_or_default()
    }

    /// The arguments a call of user function `func` (code `cid`) with
    /// `ins` (positional arguments, then the values of CALL_KW `arg`'s
    /// keywords) binds to its parameters, in parameter order. CPython's
    /// order of errors: an unknown keyword or one already bound, then too
    /// many positional arguments, then missing ones.
    pub(crate) fn bind_kw_args(
        &mut self,
        func: Value,
        cid: usize,
        ins: &[Value],
        arg: u32,
    ) -> Result<Vec<Value>, Raise> {
        let names = self.kw_names(arg);
        let (args, kw) = crate::lang::bytecode::call_kw_split(ins, arg);
        self.bind_all(func, cid, args, &names, kw)
    }

    /// Binds positional `args` and keywords `names` = `kw` to the
    /// parameters of `func` (code `cid`): the positional ones, the
    /// keyword-only ones, then `*args` (a tuple of the extra positional
    /// arguments) and `**kwargs` (a dict of the extra keywords) if the
    /// code has them. CPython's `initialize_locals` order of errors.
    fn bind_all(
        &mut self,
        func: Value,
        cid: usize,
        args: &[Value],
        names: &[String],
        kw: &[Value],
    ) -> Result<Vec<Value>, Raise> {
        let code = &self.program.codes[cid];
        let want = code.nparams as usize;
        let nkwonly = code.kwonly.len();
        // Keywords may name any of these; positional arguments only fill
        // the first `want`.
        let params = &code.local_names[..want + nkwonly];
        let mut bound: Vec<Value> = vec![Value::NULL; want + nkwonly];
        for (slot, v) in bound[..want].iter_mut().zip(args) {
            *slot = *v;
        }
        let mut extra_kw: Vec<(&String, Value)> = Vec::new();
        for (name, v) in names.iter().zip(kw) {
            let Some(i) = params.iter().position(|p| p == name) else {
                if code.varkw {
                    extra_kw.push((name, *v));
                    continue;
                }
                return Err(Raise::type_error(format!(
                    "{}() got an unexpected keyword argument '{name}'",
                    code.name
                )));
            };
            if !bound[i].is_null() {
                return Err(Raise::type_error(format!(
                    "{}() got multiple values for argument '{name}'",
                    code.name
                )));
            }
            bound[i] = *v;
        }
        // SAFETY: `func` is a live Function; its defaults, if any, a Tuple:
        // the positional parameters', then the keyword-only ones'.
        let defaults = unsafe { object::read(func.0, FUNCTION_DEFAULTS) };
        let ndefaults = if defaults == 0 {
            0
        } else {
            crate::runtime::seq::len(Value(defaults))
        };
        let kw_defaults = code.kwonly.iter().filter(|d| **d).count();
        let npos_defaults = ndefaults.saturating_sub(kw_defaults);
        let required = want - npos_defaults.min(want);
        if args.len() > want && !code.vararg {
            let kwonly_given = bound[want..].iter().filter(|v| !v.is_null()).count();
            return Err(Raise::type_error(too_many_positional(
                &code.name,
                want,
                required,
                args.len(),
                kwonly_given,
            )));
        }
        for (i, slot) in bound.iter_mut().enumerate().take(want).skip(required) {
            if slot.is_null() {
                *slot = crate::runtime::seq::get(Value(defaults), i - required);
            }
        }
        let missing = |bound: &[Value], from: usize, to: usize| -> Vec<String> {
            (from..to)
                .filter(|&i| bound[i].is_null())
                .map(|i| params[i].clone())
                .collect()
        };
        let missing_positional = missing(&bound, 0, want);
        if !missing_positional.is_empty() {
            return Err(Raise::type_error(missing_message(
                &code.name,
                &missing_positional,
            )));
        }
        let mut next_default = npos_defaults;
        for (slot, has_default) in bound[want..].iter_mut().zip(&code.kwonly) {
            if !*has_default {
                continue;
            }
            if slot.is_null() {
                *slot = crate::runtime::seq::get(Value(defaults), next_default);
            }
            next_default += 1;
        }
        let missing_kwonly = missing(&bound, want, want + nkwonly);
        if !missing_kwonly.is_empty() {
            return Err(Raise::type_error(missing_kind_message(
                &code.name,
                &missing_kwonly,
                "keyword-only",
            )));
        }
        let (vararg, varkw) = (code.vararg, code.varkw);
        if !(vararg || varkw) {
            return Ok(bound);
        }
        // The collections allocate: every argument stays rooted meanwhile.
        let extra_args = args.get(want..).unwrap_or_default();
        let extra_kw: Vec<(String, Value)> =
            extra_kw.into_iter().map(|(n, v)| (n.clone(), v)).collect();
        let arena = &mut *self.arena;
        let mark = arena.roots.temps.len();
        arena.roots.temps.extend_from_slice(args);
        arena.roots.temps.extend_from_slice(kw);
        let r = (|| {
            if vararg {
                let t = seq::new_tuple(arena, extra_args)?;
                arena.roots.temps.push(t);
                bound.push(t);
            }
            if varkw {
                let d = pydict::new(arena)?;
                arena.roots.temps.push(d);
                for (name, v) in &extra_kw {
                    let k = strs::new(arena, name)?;
                    arena.roots.temps.push(k);
                    pydict::set(arena, d, k, *v)?;
                }
                bound.push(d);
            }
            Ok(())
        })();
        arena.roots.temps.truncate(mark);
        r.map(|()| bound)
    }

    /// `print(*args, sep=sep, end=end)` (NONE: the default).
    pub(crate) fn print(&mut self, args: &[Value], sep: Value, end: Value) -> Result<Value, Raise> {
        let text_of = |name: &str, v: Value, default: &str| -> Result<String, Raise> {
            if v == Value::NONE {
                Ok(default.to_string())
            } else if strs::is_str(v) {
                Ok(strs::text(v).to_string())
            } else {
                Err(Raise::type_error(format!(
                    "{name} must be None or a string, not {}",
                    type_name(v)
                )))
            }
        };
        let sep = text_of("sep", sep, " ")?;
        let end = text_of("end", end, "\n")?;
        let mut line = String::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                line.push_str(&sep);
            }
            line.push_str(&self.str_any(*a)?);
        }
        line.push_str(&end);
        self.output.push_str(&line);
        Ok(Value::NONE)
    }
}

/// CPython's TypeError message for calling `name(params)` (the last
/// `params.len() - required` of which have defaults) with `given`
/// positional arguments, when no binding exists.
pub(crate) fn arity_message(
    name: &str,
    params: &[String],
    required: usize,
    given: usize,
) -> String {
    let want = params.len();
    if given > want {
        return too_many_positional(name, want, required, given, 0);
    }
    let missing: Vec<String> = params[given..required].to_vec();
    missing_message(name, &missing)
}

/// CPython's `too_many_positional`: `name` takes `want` positional
/// parameters (from `required` on with defaults) and was given `given`
/// positional arguments and `kwonly_given` keyword-only ones.
pub(crate) fn too_many_positional(
    name: &str,
    want: usize,
    required: usize,
    given: usize,
    kwonly_given: usize,
) -> String {
    let takes = if required == want {
        let s = if want == 1 { "" } else { "s" };
        format!("{want} positional argument{s}")
    } else {
        format!("from {required} to {want} positional arguments")
    };
    let kwonly = if kwonly_given == 0 {
        String::new()
    } else {
        let s = if given == 1 { "" } else { "s" };
        let ks = if kwonly_given == 1 { "" } else { "s" };
        format!(" positional argument{s} (and {kwonly_given} keyword-only argument{ks})")
    };
    let was = if given == 1 && kwonly_given == 0 {
        "was"
    } else {
        "were"
    };
    format!("{name}() takes {takes} but {given}{kwonly} {was} given")
}

/// `f() missing 2 required positional arguments: 'a' and 'b'`.
pub(crate) fn missing_message(name: &str, missing: &[String]) -> String {
    missing_kind_message(name, missing, "positional")
}

/// `f() missing 1 required keyword-only argument: 'k'` (`kind` is
/// `positional` or `keyword-only`).
pub(crate) fn missing_kind_message(name: &str, missing: &[String], kind: &str) -> String {
    let plural = if missing.len() == 1 { "" } else { "s" };
    let quoted: Vec<String> = missing.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    format!(
        "{name}() missing {} required {kind} argument{plural}: {list}",
        missing.len()
    )
}

/// The code of `v` if it is a user function.
pub(crate) fn function_code(v: Value) -> Option<usize> {
    // SAFETY: read only after the kind check.
    (v.is_ptr() && object::kind_of(v) == Kind::Function)
        .then(|| unsafe { object::read(v.0, FUNCTION_CODE) } as usize)
}

/// The TypeError CPython's argument parsing raises for builtin `name`
/// called with `npos` positional arguments and keywords `kws` it does not
/// take (the front end refuses the keywords it does take).
fn builtin_keywords_error(name: &str, npos: usize, kws: &[String]) -> Raise {
    let total = npos + kws.len();
    let first = kws.first().map_or("?", |k| k.as_str());
    // Argument Clinic's order: too many in all, a missing required
    // argument, then the unknown keyword.
    let at_most = |n: usize| format!("{name}() takes at most {n} arguments ({total} given)");
    Raise::type_error(match name {
        "int" | "sum" | "round" if total > 2 => at_most(2),
        "str" if total > 3 => at_most(3),
        "round" if npos == 0 => "round() missing required argument 'number' (pos 1)".into(),
        "sum" if npos == 0 => "sum() takes at least 1 positional argument (0 given)".into(),
        "min" | "max" if npos == 0 => format!("{name} expected at least 1 argument, got 0"),
        "int" | "round" | "sum" | "min" | "max" | "str" | "print" => {
            format!("'{first}' is an invalid keyword argument for {name}()")
        }
        _ => format!("{name}() takes no keyword arguments"),
    })
}

/// A keyword call [`keywords_as_positional`] could not place, where
/// CPython's answer is not the TypeError `builtin_keywords_error` words:
/// any keyword to `enumerate`, `zip` (`strict=`) or `pow`, and a keyword
/// `int`, `sum` or `round` takes (`int(base=2)` alone, say).
fn unplaced_keywords_unmodelled(f: Value, names: &[String]) -> bool {
    let takes = |taken: &[&str]| names.iter().any(|n| taken.contains(&n.as_str()));
    match f {
        Value::BUILTIN_ENUMERATE | Value::BUILTIN_ZIP | Value::BUILTIN_POW => true,
        Value::BUILTIN_INT => takes(&["base"]),
        Value::BUILTIN_SUM => takes(&["start"]),
        Value::BUILTIN_ROUND => takes(&["number", "ndigits"]),
        _ => false,
    }
}

/// For a builtin whose parameters after its positional-only ones may be
/// given by keyword: with `npos` positional arguments, the keywords must
/// name exactly the next parameters, in any order. The index in `names` of
/// each, in parameter order.
fn keywords_as_positional(f: Value, npos: usize, names: &[String]) -> Option<Vec<usize>> {
    let (params, positional_only): (&[&str], usize) = match f {
        Value::BUILTIN_ENUMERATE => (&["iterable", "start"], 0),
        Value::BUILTIN_SUM => (&["iterable", "start"], 1),
        Value::BUILTIN_INT => (&["x", "base"], 1),
        Value::BUILTIN_ROUND => (&["number", "ndigits"], 0),
        Value::BUILTIN_POW => (&["base", "exp", "mod"], 0),
        _ => return None,
    };
    if npos < positional_only || npos + names.len() > params.len() {
        return None;
    }
    params[npos..npos + names.len()]
        .iter()
        .map(|p| names.iter().position(|n| n == p))
        .collect()
}

/// A function's closure tuple, or NULL (no free variables, or `func` is
/// not a function).
pub(crate) fn closure_of(func: Value) -> Value {
    if func.is_ptr() && object::kind_of(func) == Kind::Function {
        // SAFETY: a live Function.
        Value(unsafe { object::read(func.0, object::FUNCTION_CLOSURE) })
    } else {
        Value::NULL
    }
}
