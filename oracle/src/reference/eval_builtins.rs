//! Builtins that may run the program's code: `pow` (the `**` operator,
//! user operators included); `any`/`all`, which walk any iterable (a
//! generator is resumed item by item) and test each item's truth
//! (`__bool__`, `__len__`) until one decides; `min`/`max` with `key=` or
//! `default=`, which pull items one at a time and call the key on each as
//! it comes; `sorted` with `key=`, which builds its list, then computes
//! every key in order, then sorts.

use jitdiff_vm::lang::ast::{BinOp, CmpOp};

use super::super::compare;
use super::super::format_spec;
use super::super::iters;
use super::super::num_builtins;
use super::super::seq;
use super::super::value::{Builtin, ListObj, Value};
use super::{Interp, Res, type_error, value_error};

impl Interp<'_> {
    /// `math.prod(it)` on `stack[base..]`: `1 * x1 * x2 ...` by the `*`
    /// operator (CPython's int and float fast paths give the same values),
    /// items pulled one at a time (a failing product stops the pulling),
    /// costing bulk fuel as a list of them would.
    pub(super) fn prod_builtin(&mut self, base: usize) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let [it] = &args[..] else {
            return Err(type_error(format!(
                "prod() takes exactly 1 positional argument ({} given)",
                args.len()
            )));
        };
        let mut acc = Value::Int(super::super::value::Int::Small(1));
        let mut n = 0usize;
        if let Some(mut src) = super::generators::lazy_src(it) {
            while let Some(x) = self.step_src(&mut src)? {
                n += 1;
                acc = self.binop(BinOp::Mul, &acc, &x, false)?;
            }
            self.heap.bulk(n);
            return Ok(acc);
        }
        let items = seq::collect(it, || seq::not_iterable(it))?;
        self.heap.bulk(items.len());
        for x in items {
            acc = super::binop_any(&mut self.heap, BinOp::Mul, &acc, &x, self.limits.int_bits)?;
        }
        Ok(acc)
    }

    /// `pow(base, exp[, mod])` on `stack[base..]`.
    pub(super) fn pow_builtin(&mut self, base: usize) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        match &args[..] {
            [b, e] | [b, e, Value::None] => self.binop(BinOp::Pow, b, e, false),
            [_, _, _] => num_builtins::pow_mod(&args, self.limits.int_bits),
            [] => Err(type_error(
                "pow() missing required argument 'base' (pos 1)".into(),
            )),
            [_] => Err(type_error(
                "pow() missing required argument 'exp' (pos 2)".into(),
            )),
            more => Err(type_error(format!(
                "pow() takes at most 3 arguments ({} given)",
                more.len()
            ))),
        }
    }

    /// `any(x)` (`want` true) or `all(x)` (`want` false) on
    /// `stack[base..]`: the first item whose truth is `want` decides.
    /// The items pulled are charged as a list of them would be, and more
    /// than a list may hold poisons.
    pub(super) fn any_all(&mut self, base: usize, want: bool) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let [x] = &args[..] else {
            return Err(type_error(format!(
                "{}() takes exactly one argument ({} given)",
                if want { "any" } else { "all" },
                args.len()
            )));
        };
        let it = self.iter_any(x)?;
        let mut src = self.src_of(&it)?;
        let mut pulled: u128 = 0;
        let mut result = !want;
        while let Some(item) = self.step_src(&mut src)? {
            pulled += 1;
            seq::check_len(pulled)?;
            if self.truth(&item)? == want {
                result = want;
                break;
            }
        }
        self.heap.bulk(pulled as usize);
        Ok(Value::Bool(result))
    }

    /// `min(...)` / `max(...)` with keywords `key` and `default` (None as
    /// `key` is no key) on `stack[base..]`. Over one iterable the items
    /// pulled cost bulk fuel as a list of them would, and more than a list
    /// may hold poisons.
    pub(super) fn min_max_keyed(
        &mut self,
        base: usize,
        max: bool,
        key: Option<Value>,
        default: Option<Value>,
    ) -> Res<Value> {
        let name = if max { "max" } else { "min" };
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        if args.is_empty() {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        let many = args.len() > 1;
        if many && default.is_some() {
            return Err(type_error(format!(
                "Cannot specify a default for {name}() with multiple positional arguments"
            )));
        }
        let key = key.filter(|k| !matches!(k, Value::None));
        let mut src = if many {
            None
        } else {
            Some(self.src_any(&args[0])?)
        };
        let op = if max { CmpOp::Gt } else { CmpOp::Lt };
        let mut best: Option<(Value, Value)> = None;
        let mut pulled: u128 = 0;
        loop {
            let item = match &mut src {
                None => match args.get(pulled as usize) {
                    Some(x) => x.clone(),
                    None => break,
                },
                Some(src) => match self.step_src(src)? {
                    Some(x) => x,
                    None => break,
                },
            };
            pulled += 1;
            if !many {
                seq::check_len(pulled)?;
            }
            let k = match &key {
                None => item.clone(),
                Some(f) => {
                    let at = self.stack.len();
                    self.stack.push(item.clone());
                    self.call(f.clone(), at)?
                }
            };
            let better = match &best {
                None => true,
                Some((_, best_key)) => compare::rich_by(op, &k, best_key, 0, &mut |op, a, b| {
                    self.compare_dunder(op, a, b)
                })?,
            };
            if better {
                best = Some((item, k));
            }
        }
        if !many {
            self.heap.bulk(pulled as usize);
        }
        match (best, default) {
            (Some((item, _)), _) => Ok(item),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(value_error(format!("{name}() arg is an empty sequence"))),
        }
    }

    /// `sorted(x, key=f[, reverse=r])` on `stack[base..]` (None as `key`
    /// is no key).
    pub(super) fn sorted_keyed(
        &mut self,
        base: usize,
        key: Value,
        reverse: Option<Value>,
    ) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        if matches!(key, Value::None) {
            return self.sorted_items(&args, reverse.as_ref());
        }
        let [x] = &args[..] else {
            return Err(type_error(format!(
                "sorted expected 1 argument, got {}",
                args.len()
            )));
        };
        let items = seq::collect(x, || seq::not_iterable(x))?;
        self.heap.bulk(items.len());
        let reverse = iters::reverse_flag(reverse.as_ref())?;
        let mut keys = Vec::with_capacity(items.len());
        for item in &items {
            let at = self.stack.len();
            self.stack.push(item.clone());
            keys.push(self.call(key.clone(), at)?);
        }
        // Charged as the list's own sort is, on top of building it.
        self.heap.bulk(keys.len());
        let mut items = items;
        iters::sort_by_keys(&mut items, keys, reverse, &mut |op, a, b| {
            self.compare_dunder(op, a, b)
        })?;
        Ok(self.heap.list_uncharged(items))
    }

    /// `xs.sort(key=f[, reverse=r])` on list `l` (positional arguments
    /// `stack[base..]`, which it takes none of): the list is empty while
    /// the keys are computed, gets its items back in their order when a
    /// key fails, and a list a key function left non-empty raises "list
    /// modified during sort" once sorted (emptied again, it is not
    /// noticed: CPython tracks the allocation, not the length).
    pub(super) fn list_sort_keyed(
        &mut self,
        l: &ListObj,
        base: usize,
        key: Value,
        reverse: Option<Value>,
    ) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        if matches!(key, Value::None) || !args.is_empty() {
            return self
                .list_sort_items(l, &args, reverse.as_ref())
                .map(|()| Value::None);
        }
        let reverse = iters::reverse_flag(reverse.as_ref())?;
        let mut items = std::mem::take(&mut *l.items.borrow_mut());
        self.heap.bulk(items.len());
        let mut keys = Vec::with_capacity(items.len());
        for item in &items {
            let at = self.stack.len();
            self.stack.push(item.clone());
            match self.call(key.clone(), at) {
                Ok(k) => keys.push(k),
                Err(e) => {
                    *l.items.borrow_mut() = items;
                    return Err(e);
                }
            }
        }
        let sorted = iters::sort_by_keys(&mut items, keys, reverse, &mut |op, a, b| {
            self.compare_dunder(op, a, b)
        });
        let modified = !l.items.borrow().is_empty();
        *l.items.borrow_mut() = items;
        sorted?;
        if modified {
            return Err(value_error("list modified during sort".into()));
        }
        Ok(Value::None)
    }

    /// `format(value[, spec])` on `stack[base..]`: an empty spec is
    /// `str(value)` (a user `__str__` of an item included).
    pub(super) fn format_builtin(&mut self, base: usize) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        let (v, spec) = match &args[..] {
            [v] => (v, ""),
            [v, Value::Str(spec)] => (v, &**spec),
            [_, other] => {
                return Err(type_error(format!(
                    "format() argument 2 must be str, not {}",
                    other.type_name()
                )));
            }
            more => {
                return Err(type_error(format!(
                    "format expected at most 2 arguments, got {}",
                    more.len()
                )));
            }
        };
        self.format_value(v, spec)
    }

    /// `format(v, spec)` once its arguments are checked (also each field
    /// of `str.format`): an empty spec is `str(v)` (`object.__format__`
    /// for an instance: the language defines no other `__format__`).
    pub(super) fn format_value(&mut self, v: &Value, spec: &str) -> Res<Value> {
        if !spec.is_empty() {
            return format_spec::format(v, spec);
        }
        let at = self.stack.len();
        self.stack.push(v.clone());
        let r = match self.builtin_dunder(Builtin::Str, at) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => self.call_builtin(Builtin::Str, at),
            Err(e) => Err(e),
        };
        self.stack.truncate(at);
        r
    }

    /// `bool()` and `bool(x)` on `stack[base..]`: `x`'s truth
    /// (`__bool__`, else `__len__`).
    pub(super) fn bool_builtin(&mut self, base: usize) -> Res<Value> {
        let args: Vec<Value> = self.stack.get(base..).unwrap_or(&[]).to_vec();
        match &args[..] {
            [] => Ok(Value::Bool(false)),
            [x] => self.truth(x).map(Value::Bool),
            more => Err(type_error(format!(
                "bool expected at most 1 argument, got {}",
                more.len()
            ))),
        }
    }
}
