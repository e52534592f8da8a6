//! Calls with unpacked arguments (`f(*xs, **kw)`) in every tier, and the
//! `array.array` constructor (which also consumes any iterable):
//! `LIST_EXTEND`, `DICT_MERGE` and `CALL_FUNCTION_EX` as generic stack ops,
//! and the `*args`/`**kwargs` a call binds. A `CALL_FUNCTION_EX` with
//! keywords takes the path of the `CALL_KW` that writes them out: its
//! keyword names are interned into the program's names table at run time.

use crate::lang::Poison;
use crate::lang::bytecode::{MAX_CALL_ARGS, MAX_KW_NAMES, Op, call_kw_arg};
use crate::runtime::object::{self, FUNCTION_NAME};
use crate::runtime::{Raise, Value, array, class, math, methods, pydict, seq, strs, type_name};

use super::Run;
use super::calls::function_code;

/// `LIST_EXTEND`'s arg when its iterable is a call's only positional
/// argument (see `Run::list_extend`).
pub const LIST_EXTEND_CALL_ONLY_STAR: u32 = 1;
/// `LIST_EXTEND`'s arg in a set display: a non-iterable is `iter()`'s own
/// TypeError.
pub const LIST_EXTEND_ITER_ERROR: u32 = 2;
/// `DICT_MERGE`'s arg in a dict display (`{**m}`): CPython's `DICT_UPDATE`
/// (a key given again replaces the value; see `Run::dict_merge`).
pub const DICT_MERGE_DISPLAY: u32 = 1;

impl Run<'_> {
    /// The unpacking ops' outputs (inputs bottom first, rooted by the
    /// caller's stack), or None for any other op.
    pub(crate) fn call_ex_stack_op(
        &mut self,
        op: Op,
        arg: u32,
        ins: &[Value],
    ) -> Option<Result<Vec<Value>, Raise>> {
        Some(match (op, ins) {
            (Op::ListExtend, &[func, list, it]) => self
                .list_extend(func, list, it, arg)
                .map(|()| vec![func, list]),
            (Op::ListToTuple, &[list]) => {
                seq::new_tuple(self.arena, &seq::items(list)).map(|t| vec![t])
            }
            (Op::DictMerge, &[func, list, dict, m]) => self
                .dict_merge(func, dict, m, arg == DICT_MERGE_DISPLAY)
                .map(|()| vec![func, list, dict]),
            (Op::CallFunctionEx, &[func, list]) => {
                self.call_function_ex(func, list, None).map(|v| vec![v])
            }
            (Op::CallFunctionEx, &[func, list, dict]) => self
                .call_function_ex(func, list, Some(dict))
                .map(|v| vec![v]),
            _ => return None,
        })
    }

    /// `f(*it)`, `[*it]` or `{*it}`: appends the iterable's items to the
    /// list. A non-iterable is CPython's TypeError naming the callee when
    /// the star is a call's only positional argument (`arg` is
    /// [`LIST_EXTEND_CALL_ONLY_STAR`]: CPython passes it to
    /// `CALL_FUNCTION_EX` as it is), `iter()`'s own in a set display
    /// ([`LIST_EXTEND_ITER_ERROR`]), else `Value after *` (its
    /// `LIST_EXTEND`).
    fn list_extend(&mut self, func: Value, list: Value, it: Value, arg: u32) -> Result<(), Raise> {
        // A set display's `*s` of a set or dict: CPython's SET_UPDATE merges
        // a set (or presizes for a dict) where the items here go into the
        // new set one by one, which can order it differently.
        if arg == LIST_EXTEND_ITER_ERROR
            && (crate::runtime::pyset::is_set(it) || crate::runtime::pydict::is_dict(it))
        {
            return Err(Raise::Poison(crate::lang::Poison::Unmodelled));
        }
        if seq::is_list(it) || seq::is_tuple(it) {
            for v in seq::items(it) {
                seq::append(self.arena, list, v)?;
            }
            return Ok(());
        }
        // Only `iter()`'s own refusal is reworded (not an error the
        // iteration raises).
        let iter = match self.get_iter_any(it) {
            Err(Raise::Exc { kind, message })
                if kind == "TypeError"
                    && message.ends_with("is not iterable")
                    && arg != LIST_EXTEND_ITER_ERROR =>
            {
                let what = if arg == LIST_EXTEND_CALL_ONLY_STAR {
                    format!("{} argument", self.function_str(func)?)
                } else {
                    "Value".to_string()
                };
                return Err(Raise::type_error(format!(
                    "{what} after * must be an iterable, not {}",
                    type_name(it)
                )));
            }
            r => r?,
        };
        self.drain_into(list, iter)
    }

    /// Appends what iterator `iter` yields to `list`.
    fn drain_into(&mut self, list: Value, iter: Value) -> Result<(), Raise> {
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(iter);
        let r = (|| {
            while let Some(v) = self.iter_next(iter)? {
                // Appending may grow the list (a collection): `v`, which
                // only this loop holds, is rooted until the list does.
                self.arena.roots.temps.push(v);
                seq::append(self.arena, list, v)?;
                self.arena.roots.temps.pop();
            }
            Ok(())
        })();
        self.arena.roots.temps.truncate(mark);
        r
    }

    /// `f(**m)`: merges a dict's items into the keywords; a name given
    /// twice is CPython's TypeError. In a display (`{**m}`), a key given
    /// again replaces the value, as CPython's `DICT_UPDATE`.
    fn dict_merge(
        &mut self,
        func: Value,
        dict: Value,
        m: Value,
        display: bool,
    ) -> Result<(), Raise> {
        if !pydict::is_dict(m) {
            // A user class with `keys` and `__getitem__` is a mapping to
            // CPython; the language does not model that protocol.
            if class::is_instance(m) {
                return Err(Raise::Poison(Poison::Unmodelled));
            }
            if display {
                return Err(Raise::type_error(format!(
                    "'{}' object is not a mapping",
                    type_name(m)
                )));
            }
            return Err(Raise::type_error(format!(
                "{} argument after ** must be a mapping, not {}",
                self.function_str(func)?,
                type_name(m)
            )));
        }
        if display {
            for (k, v) in pydict::items(m) {
                pydict::set(self.arena, dict, k, v)?;
            }
            return Ok(());
        }
        for (k, v) in pydict::items(m) {
            if pydict::contains(dict, k)? {
                let name = match strs::is_str(k) {
                    true => strs::text(k).to_string(),
                    // CPython's message shows the key's repr then.
                    false => return Err(Raise::Poison(Poison::Unmodelled)),
                };
                return Err(Raise::type_error(format!(
                    "{} got multiple values for keyword argument '{name}'",
                    self.function_str(func)?
                )));
            }
            pydict::set(self.arena, dict, k, v)?;
        }
        Ok(())
    }

    /// Calls `func` with the list's items as positional arguments and the
    /// dict's (if any) as keywords.
    fn call_function_ex(
        &mut self,
        func: Value,
        list: Value,
        dict: Option<Value>,
    ) -> Result<Value, Raise> {
        let mut ins = seq::items(list);
        let items = dict.map(pydict::items).unwrap_or_default();
        if items.is_empty() {
            return self.call_positional(func, &ins);
        }
        let nargs = ins.len();
        let mut names = Vec::with_capacity(items.len());
        for (k, v) in items {
            if !strs::is_str(k) {
                return Err(Raise::type_error("keywords must be strings".into()));
            }
            names.push(strs::text(k).to_string());
            ins.push(v);
        }
        // CALL_KW's arg holds at most this many keywords (a limit of the
        // encoding; the positional count saturates).
        if names.len() > MAX_CALL_ARGS {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        if unmodelled_keywords(func, &names) {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        let nkw = names.len();
        let index = self.intern_kw_names(names)?;
        self.call_kw(func, &ins, call_kw_arg(nargs, nkw, index))
    }

    /// A positional call of any callable, as CALL's generic path makes it.
    fn call_positional(&mut self, func: Value, args: &[Value]) -> Result<Value, Raise> {
        if function_code(func).is_some() {
            let caller = self.arena.roots.top_frame;
            return self.call_value(func, args, caller);
        }
        // As `call_kw`: an error's point is the call before it ticked (a
        // trace's `_CALL_FUNCTION_EX` raising through here records it).
        let fuel_at_call = self.fuel;
        self.charge_fuel()?;
        let r = self.call_builtin(func, args);
        if r.is_err() {
            self.note_call_error(func, fuel_at_call);
        }
        r
    }

    /// The index of keyword names `names` in the program's table (added
    /// when new).
    fn intern_kw_names(&mut self, names: Vec<String>) -> Result<usize, Raise> {
        if let Some(i) = self.program.kw_names.iter().position(|k| *k == names) {
            return Ok(i);
        }
        if self.program.kw_names.len() > MAX_KW_NAMES {
            return Err(Raise::Poison(Poison::Unmodelled));
        }
        self.program.kw_names.push(names);
        Ok(self.program.kw_names.len() - 1)
    }

    /// How CPython's call errors name a callable (`_PyObject_FunctionStr`):
    /// `__main__.f()`, `__main__.C.m()`, `print()`, `math.sqrt()`. A value
    /// that is not callable CPython names by its `str()`: not modelled.
    fn function_str(&self, f: Value) -> Result<String, Raise> {
        if function_code(f).is_some() {
            // SAFETY: a live Function.
            let id = unsafe { object::read(f.0, FUNCTION_NAME) } as usize;
            let name = self.program.names.get(id).map_or("?", |n| n.as_str());
            return Ok(format!("__main__.{name}()"));
        }
        if methods::is_bound(f) {
            let (receiver, m) = methods::bound_parts(f);
            if m.is_ptr() {
                return self.function_str(m);
            }
            return Ok(format!("{}.{}()", type_name(receiver), methods::name_of(m)));
        }
        if class::is_type(f) {
            return Ok(format!("__main__.{}()", class::name(f)));
        }
        if math::is_function(f) {
            return Ok(format!("math.{}()", math::name_of(f)));
        }
        if crate::runtime::random::is_function(f) {
            return Ok(format!("Random.{}()", crate::runtime::random::name_of(f)));
        }
        if methods::is_method(f) {
            return Ok(format!(
                "{}.{}()",
                methods::owner_of(f),
                methods::name_of(f)
            ));
        }
        if f == Value::ARRAY_ARRAY {
            return Ok("array.array()".into());
        }
        match crate::runtime::value::BUILTINS
            .iter()
            .find(|(_, b)| *b == f)
        {
            Some((name, _)) => Ok(format!("{name}()")),
            None => Err(Raise::Poison(Poison::Unmodelled)),
        }
    }
}

impl Run<'_> {
    /// `array.array(typecode[, initializer])`: the initializer is any
    /// iterable (a generator or a user `__iter__` runs here).
    pub(crate) fn new_array(&mut self, args: &[Value]) -> Result<Value, Raise> {
        // Called as `array.array(...)`, LOAD_METHOD left a NULL receiver.
        let args = match args.split_first() {
            Some((first, rest)) if first.is_null() => rest,
            _ => args,
        };
        let (typecode, init) = match args {
            [t] => (*t, None),
            [t, i] => (*t, Some(*i)),
            [] => {
                return Err(Raise::type_error(
                    "array() takes at least 1 argument (0 given)".into(),
                ));
            }
            _ => {
                return Err(Raise::type_error(format!(
                    "array() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
        };
        let Some(init) = init else {
            return array::new(self.arena, typecode, None);
        };
        // The typecode is checked before the initializer is read.
        array::new(self.arena, typecode, Some(&[]))?;
        if strs::is_str(init) {
            return Err(array::str_initializer_error());
        }
        if seq::is_seq(init) {
            return array::new(self.arena, typecode, Some(&seq::items(init)));
        }
        // Collected into a list, which keeps the items rooted; each item
        // is checked as it comes (a generator stops at the first bad one).
        let list = seq::new_list(self.arena, &[])?;
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(list);
        let r = (|| {
            let iter = self.get_iter_any(init)?;
            self.arena.roots.temps.push(iter);
            while let Some(v) = self.iter_next(iter)? {
                array::check_byte(v)?;
                seq::append(self.arena, list, v)?;
            }
            array::new(self.arena, typecode, Some(&seq::items(list)))
        })();
        self.arena.roots.temps.truncate(mark);
        r
    }
}

/// Whether keywords `names` (only `**` brings arbitrary ones to a builtin)
/// make a call of builtin `f` one the language does not model: a keyword
/// CPython's builtin takes (`print(file=)`, `int(base=)`, `sorted(key=)`,
/// `dict(**kw)`, `str.split(sep=)`, `dict.update(**kw)`...), or a callee
/// whose CPython error for an unknown keyword is not worded here
/// (`enumerate`, `zip`, `sorted`, `list.sort`). The reference draws the
/// same line (`unmodelled_keywords` in `oracle/src/reference/eval_calls.rs`).
fn unmodelled_keywords(f: Value, names: &[String]) -> bool {
    let any = |taken: &[&str]| names.iter().any(|n| taken.contains(&n.as_str()));
    let only_reverse = names.len() == 1 && names[0] == "reverse";
    match f {
        Value::BUILTIN_PRINT => any(&["file", "flush"]),
        Value::BUILTIN_SORTED => !only_reverse,
        Value::BUILTIN_INT => any(&["base"]),
        Value::BUILTIN_ROUND => any(&["number", "ndigits"]),
        Value::BUILTIN_SUM => any(&["start"]),
        Value::BUILTIN_MIN | Value::BUILTIN_MAX => any(&["key", "default"]),
        Value::BUILTIN_STR => any(&["object", "encoding", "errors"]),
        Value::BUILTIN_POW => any(&["base", "exp", "mod"]),
        Value::BUILTIN_DICT | Value::BUILTIN_ENUMERATE | Value::BUILTIN_ZIP => true,
        b if methods::is_bound(b) => match methods::bound_parts(b).1 {
            Value::METHOD_LIST_SORT => !only_reverse,
            Value::METHOD_STR_SPLIT | Value::METHOD_DICT_UPDATE => true,
            _ => false,
        },
        _ => false,
    }
}
