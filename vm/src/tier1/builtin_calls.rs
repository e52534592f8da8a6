//! Builtins whose work may run Python code, so they need the VM and not
//! only the arena: `pow` (its two-argument form is the `**` operator, user
//! operators included), `any`/`all`, which step any iterable (a generator
//! in a nested dispatch) and test each item's truth (`__bool__`,
//! `__len__`), stopping at the first item that decides, `bool`, which
//! tests one value's truth the same way, and `format`, whose empty spec is
//! `str()` (a user `__str__` included).

use super::Run;
use crate::lang::ast::BinOp;
use crate::runtime::{Raise, Value, format_spec, num_builtins, seq, strs, type_name};

impl Run<'_> {
    /// `pow(base, exp)`, `pow(base, exp, None)`, `pow(base, exp, mod)`.
    pub(crate) fn pow_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        match *args {
            [b, e] => self.binop_any(BinOp::Pow, false, b, e),
            [b, e, Value::NONE] => self.binop_any(BinOp::Pow, false, b, e),
            [b, e, m] => num_builtins::pow_mod(self.arena, b, e, m),
            [] => Err(Raise::type_error(
                "pow() missing required argument 'base' (pos 1)".into(),
            )),
            [_] => Err(Raise::type_error(
                "pow() missing required argument 'exp' (pos 2)".into(),
            )),
            _ => Err(Raise::type_error(format!(
                "pow() takes at most 3 arguments ({} given)",
                args.len()
            ))),
        }
    }

    /// `any(it)` (`want` true) or `all(it)` (`want` false): the first item
    /// whose truth is `want` ends the walk with `want`, else `not want`.
    /// Items pulled count as bulk work like a consumed list of them, and
    /// pulling more than a sequence may hold poisons as a list would.
    pub(crate) fn any_all(&mut self, args: &[Value], want: bool) -> Result<Value, Raise> {
        let &[x] = args else {
            return Err(Raise::type_error(format!(
                "{}() takes exactly one argument ({} given)",
                if want { "any" } else { "all" },
                args.len()
            )));
        };
        let it = self.get_iter_any(x)?;
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(it);
        let mut pulled = 0usize;
        let r = loop {
            let item = match self.iter_next(it) {
                Ok(Some(v)) => v,
                Ok(None) => break Ok(Value::bool(!want)),
                Err(e) => break Err(e),
            };
            pulled += 1;
            if let Err(e) = seq::check_len(pulled) {
                break Err(e);
            }
            self.arena.roots.temps.push(item);
            let truth = self.truthy_any(item);
            self.arena.roots.temps.pop();
            match truth {
                Ok(t) if t == want => break Ok(Value::bool(want)),
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        self.arena.roots.temps.truncate(mark);
        if r.is_ok() {
            seq::charge(self.arena, pulled);
        }
        r
    }

    /// `format(value[, spec])`.
    pub(crate) fn format_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let (v, spec) = match *args {
            [v] => (v, Value::NULL),
            [v, spec] if strs::is_str(spec) => (v, spec),
            [_, spec] => {
                return Err(Raise::type_error(format!(
                    "format() argument 2 must be str, not {}",
                    type_name(spec)
                )));
            }
            _ => {
                return Err(Raise::type_error(format!(
                    "format expected at most 2 arguments, got {}",
                    args.len()
                )));
            }
        };
        let spec = if spec.is_null() {
            String::new()
        } else {
            strs::text(spec).to_string()
        };
        self.format_value(v, &spec)
    }

    /// `format(v, spec)`'s work (also `str.format`'s for each field): an
    /// empty spec is `str(v)` (`object.__format__` for an instance: the
    /// language defines no other `__format__`).
    pub(crate) fn format_value(&mut self, v: Value, spec: &str) -> Result<Value, Raise> {
        if spec.is_empty() {
            return self.call_builtin(Value::BUILTIN_STR, &[v]);
        }
        format_spec::format(self.arena, v, spec)
    }

    /// `type(x)`: what `x.__class__` gives (an instance's class, an
    /// exception's, a builtin value's type; unmodelled where that is).
    /// `type(name, bases, ns)` makes a class: unmodelled.
    pub(crate) fn type_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        match *args {
            [x] => super::classes::class_of(x),
            [_, _, _] => Err(Raise::Poison(crate::lang::Poison::Unmodelled)),
            _ => Err(Raise::type_error("type() takes 1 or 3 arguments".into())),
        }
    }

    /// `bool()` and `bool(x)`.
    pub(crate) fn bool_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        match *args {
            [] => Ok(Value::FALSE),
            [x] => self.truthy_any(x).map(Value::bool),
            _ => Err(Raise::type_error(format!(
                "bool expected at most 1 argument, got {}",
                args.len()
            ))),
        }
    }
}
