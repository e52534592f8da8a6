//! Calls in tier 1 (and in the tiers that reuse its code): making function
//! objects, binding arguments to parameters with defaults and CPython's
//! arity errors, builtins, keyword calls, and `print`.

use crate::runtime::object::{self, FUNCTION_CODE, FUNCTION_DEFAULTS, FUNCTION_NAME, Kind};
use crate::runtime::{Raise, Value, methods, range, seq_ops, strs, type_name};

use super::Run;

impl Run<'_> {
    pub(crate) fn make_function(&mut self, cid: u32) -> Result<Value, Raise> {
        let addr = self.arena.alloc(Kind::Function, 4)?;
        let name_id = self
            .program
            .name_id(&self.program.codes[cid as usize].name)
            .unwrap_or(0);
        // SAFETY: freshly allocated Function.
        unsafe {
            object::write(addr, FUNCTION_CODE, cid as u64);
            object::write(addr, FUNCTION_NAME, name_id as u64);
            object::write(addr, FUNCTION_DEFAULTS, 0);
        }
        Ok(Value(addr))
    }

    /// The arguments a call of `func` (code `cid`) with positional `args`
    /// binds to its parameters: `args` itself, or `args` completed with the
    /// function's defaults for the missing trailing parameters. CPython's
    /// TypeError when no binding exists.
    pub(crate) fn bind_args<'a>(
        &self,
        func: Value,
        cid: usize,
        args: &'a [Value],
    ) -> Result<std::borrow::Cow<'a, [Value]>, Raise> {
        let code = &self.program.codes[cid];
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
            | Value::BUILTIN_SUM
            | Value::BUILTIN_MIN
            | Value::BUILTIN_MAX => seq_ops::call_builtin(self.arena, callable, args),
            Value::BUILTIN_ENUMERATE => crate::runtime::iters::enumerate(self.arena, args),
            Value::BUILTIN_ZIP => crate::runtime::iters::zip(self.arena, args),
            Value::BUILTIN_REVERSED => crate::runtime::iters::reversed(self.arena, args),
            Value::BUILTIN_SORTED => crate::runtime::sort::sorted(self.arena, args, Value::NULL),
            Value::BUILTIN_ISINSTANCE => crate::runtime::isinstance::call(args),
            m if methods::is_method(m) => methods::call(self.arena, m, args[0], &args[1..]),
            b if methods::is_bound(b) => methods::call_bound(self.arena, b, args),
            other => Err(Raise::type_error(format!(
                "'{}' object is not callable",
                type_name(other)
            ))),
        }
    }

    /// A call with keywords (`ins` = positional arguments then keyword
    /// values): only print takes any (`sep`, `end`).
    pub(crate) fn call_kw(
        &mut self,
        callable: Value,
        ins: &[Value],
        arg: u32,
    ) -> Result<Value, Raise> {
        let (nargs, _) = crate::lang::bytecode::call_kw_counts(arg);
        let names = crate::lang::bytecode::call_kw_names(arg);
        let (args, kw) = ins.split_at(nargs as usize);
        if callable == Value::BUILTIN_PRINT {
            let pick = |name: &str| {
                names
                    .iter()
                    .zip(kw)
                    .find(|(n, _)| **n == name)
                    .map_or(Value::NONE, |(_, v)| *v)
            };
            return self.print(args, pick("sep"), pick("end"));
        }
        // `reverse=` is the only other keyword the front end admits (on
        // `sorted` and on `.sort` attributes).
        let reverse = names
            .iter()
            .zip(kw)
            .find(|(n, _)| **n == "reverse")
            .map(|(_, v)| *v);
        if let (Some(reverse), true) = (reverse, names.len() == 1) {
            if callable == Value::BUILTIN_SORTED {
                return crate::runtime::sort::sorted(self.arena, args, reverse);
            }
            if methods::is_bound(callable) {
                return methods::call_bound_kw(self.arena, callable, args, reverse);
            }
        }
        if callable.is_ptr() && object::kind_of(callable) == Kind::Function {
            // SAFETY: a live Function object.
            let cid = unsafe { object::read(callable.0, FUNCTION_CODE) } as usize;
            return Err(Raise::type_error(format!(
                "{}() got an unexpected keyword argument '{}'",
                self.program.codes[cid].name, names[0]
            )));
        }
        if let Some((name, _)) = crate::runtime::value::BUILTINS
            .iter()
            .find(|(_, b)| *b == callable)
        {
            return Err(Raise::type_error(format!(
                "{name}() takes no keyword arguments"
            )));
        }
        Err(Raise::type_error(format!(
            "'{}' object is not callable",
            type_name(callable)
        )))
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
            line.push_str(&crate::runtime::arena_str(self.arena, *a)?);
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
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let want = params.len();
    if given > want {
        let was = if given == 1 { "was" } else { "were" };
        let takes = if required == want {
            plural(want, "positional argument")
        } else {
            format!("from {required} to {want} positional arguments")
        };
        return format!("{name}() takes {takes} but {given} {was} given");
    }
    let missing: Vec<String> = params[given..required]
        .iter()
        .map(|n| format!("'{n}'"))
        .collect();
    let list = match missing.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    format!(
        "{name}() missing {}: {list}",
        plural(missing.len(), "required positional argument")
    )
}
