//! List, tuple and range methods (string methods are in
//! [`super::str_methods`]), method lookup, and the sequence builtins
//! `len`, `list`, `tuple`, `sum`, `min` and `max`. Message texts were
//! checked against CPython 3.11.

use std::rc::Rc;

use jitdiff_vm::lang::ast::BinOp;

use num_traits::ToPrimitive;

use super::compare::{self, UserCmp, elem_eq_by, item_at, range_position};
use super::eval::{Res, binop_any, checked, exception, type_error, value_error};
use super::seq::{self, Heap, check_len, not_iterable};
use super::value::{Builtin, DescrObj, Int, ListObj, Value};

/// A method name, pre-parsed by the resolver.
#[derive(Debug, Clone)]
pub enum Meth {
    Append,
    Pop,
    Insert,
    Extend,
    Index,
    Count,
    Reverse,
    Join,
    Split,
    Strip,
    Upper,
    Lower,
    Replace,
    StartsWith,
    EndsWith,
    Find,
    Get,
    Keys,
    Values,
    Items,
    SetDefault,
    Update,
    Clear,
    Copy,
    Sort,
    Other(Rc<str>),
}

impl Meth {
    pub fn parse(name: &str) -> Meth {
        match name {
            "append" => Meth::Append,
            "pop" => Meth::Pop,
            "insert" => Meth::Insert,
            "extend" => Meth::Extend,
            "index" => Meth::Index,
            "count" => Meth::Count,
            "reverse" => Meth::Reverse,
            "join" => Meth::Join,
            "split" => Meth::Split,
            "strip" => Meth::Strip,
            "upper" => Meth::Upper,
            "lower" => Meth::Lower,
            "replace" => Meth::Replace,
            "startswith" => Meth::StartsWith,
            "endswith" => Meth::EndsWith,
            "find" => Meth::Find,
            "get" => Meth::Get,
            "keys" => Meth::Keys,
            "values" => Meth::Values,
            "items" => Meth::Items,
            "setdefault" => Meth::SetDefault,
            "update" => Meth::Update,
            "clear" => Meth::Clear,
            "copy" => Meth::Copy,
            "sort" => Meth::Sort,
            other => Meth::Other(Rc::from(other)),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Meth::Append => "append",
            Meth::Pop => "pop",
            Meth::Insert => "insert",
            Meth::Extend => "extend",
            Meth::Index => "index",
            Meth::Count => "count",
            Meth::Reverse => "reverse",
            Meth::Join => "join",
            Meth::Split => "split",
            Meth::Strip => "strip",
            Meth::Upper => "upper",
            Meth::Lower => "lower",
            Meth::Replace => "replace",
            Meth::StartsWith => "startswith",
            Meth::EndsWith => "endswith",
            Meth::Find => "find",
            Meth::Get => "get",
            Meth::Keys => "keys",
            Meth::Values => "values",
            Meth::Items => "items",
            Meth::SetDefault => "setdefault",
            Meth::Update => "update",
            Meth::Clear => "clear",
            Meth::Copy => "copy",
            Meth::Sort => "sort",
            Meth::Other(n) => n,
        }
    }
}

/// The attribute lookup, done before the arguments are evaluated: the
/// AttributeError CPython raises if `recv`'s type has no such method.
/// Lists have seven; tuples and ranges `index` and `count`; strings the
/// eleven string methods; dicts the nine of [`super::dict_methods`].
pub fn lookup(recv: &Value, m: &Meth) -> Res<()> {
    let found = builtin_type(recv).is_some_and(|ty| has_method(ty, m));
    if found {
        return Ok(());
    }
    // As the VM's lookup: a method CPython has and the language lacks
    // poisons (`jitdiff_vm::runtime::cpython_attrs`), and so does such an
    // attribute of a builtin type (`dict.fromkeys`).
    let has = |ty: &str| jitdiff_vm::runtime::cpython_attrs::cpython_type_has(ty, m.name());
    let missing = match recv {
        Value::Builtin(b) if b.is_class() => has(b.name()),
        _ => has(&recv.type_name()),
    };
    if missing {
        return Err(super::eval::poison(
            jitdiff_vm::lang::outcome::Poison::Unmodelled,
        ));
    }
    let message = match recv {
        Value::Builtin(b) if b.is_class() => {
            format!("type object '{}' has no attribute '{}'", b.name(), m.name())
        }
        _ => format!(
            "'{}' object has no attribute '{}'",
            recv.type_name(),
            m.name()
        ),
    };
    Err(exception("AttributeError", message))
}

/// The builtin type with methods `v` is a value of (never a user class,
/// whatever its name).
fn builtin_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::List(_) => Some("list"),
        Value::Tuple(_) => Some("tuple"),
        Value::Range(_) => Some("range"),
        Value::Str(_) => Some("str"),
        Value::Dict(_) => Some("dict"),
        Value::Set(_) => Some("set"),
        Value::Int(_) => Some("int"),
        Value::Bool(_) => Some("bool"),
        Value::Float(_) => Some("float"),
        Value::Gen(_) => Some("generator"),
        _ => None,
    }
}

/// Whether builtin type `ty` (`"list"`, `"str"`...) has method `m`:
/// lists seven, tuples and ranges `index` and `count`, strings the str
/// methods, dicts the methods of [`super::dict_methods`], sets seven.
fn has_method(ty: &str, m: &Meth) -> bool {
    match ty {
        "list" => {
            matches!(
                m,
                Meth::Append
                    | Meth::Pop
                    | Meth::Insert
                    | Meth::Extend
                    | Meth::Index
                    | Meth::Count
                    | Meth::Reverse
                    | Meth::Sort
                    | Meth::Clear
                    | Meth::Copy
            ) || matches!(m, Meth::Other(n) if &**n == "remove")
        }
        "tuple" | "range" => matches!(m, Meth::Index | Meth::Count),
        "str" => {
            matches!(
                m,
                Meth::Index
                    | Meth::Count
                    | Meth::Join
                    | Meth::Split
                    | Meth::Strip
                    | Meth::Upper
                    | Meth::Lower
                    | Meth::Replace
                    | Meth::StartsWith
                    | Meth::EndsWith
                    | Meth::Find
            ) || matches!(m, Meth::Other(n) if super::str_methods_ext::has(n) || &**n == "format")
        }
        "dict" => super::dict_methods::has(m),
        "set" => {
            matches!(
                m.name(),
                "add" | "discard" | "remove" | "pop" | "clear" | "copy" | "update"
            ) || super::eval::is_set_algebra(m.name())
        }
        "int" | "bool" => matches!(m.name(), "bit_length" | "bit_count"),
        "float" => m.name() == "is_integer",
        // Run by the evaluator: it resumes a frame (`Interp::gen_send`).
        "generator" => m.name() == "send",
        _ => false,
    }
}

/// `str.lower` read from builtin type `owner`: its method descriptor, or
/// None when the type has no such method.
pub fn descriptor(owner: Builtin, m: &Meth) -> Option<Value> {
    has_method(owner.name(), m).then(|| {
        Value::Descr(Rc::new(DescrObj {
            owner,
            meth: m.clone(),
        }))
    })
}

/// A call of descriptor `d` with `args`: the receiver and the rest, or
/// CPython's TypeError without a receiver or with one of another type.
pub fn descriptor_args<'a>(d: &DescrObj, args: &'a [Value]) -> Res<(&'a Value, &'a [Value])> {
    let owner = d.owner.name();
    match args.split_first() {
        None => Err(type_error(format!(
            "unbound method {owner}.{}() needs an argument",
            d.meth.name()
        ))),
        Some((r, _)) if builtin_type(r) != Some(owner) => Err(type_error(format!(
            "descriptor '{}' for '{owner}' objects doesn't apply to a '{}' object",
            d.meth.name(),
            r.type_name()
        ))),
        Some((r, rest)) => Ok((r, rest)),
    }
}

/// `type.name() takes exactly one argument (N given)` unless one is given.
fn one_arg<'a>(owner: &str, m: &Meth, args: &'a [Value]) -> Res<&'a Value> {
    match args {
        [x] => Ok(x),
        _ => Err(type_error(format!(
            "{owner}.{}() takes exactly one argument ({} given)",
            m.name(),
            args.len()
        ))),
    }
}

/// A `Py_ssize_t` argument (`pop`, `insert`): an int or bool that fits.
fn ssize_arg(v: &Value) -> Res<i64> {
    match v.as_int() {
        Some(Int::Small(i)) => Ok(i),
        Some(Int::Big(_)) => Err(exception(
            "OverflowError",
            "Python int too large to convert to C ssize_t".into(),
        )),
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
    }
}

/// Whether `recv.m(...)` compares items, and so may run a user class's
/// `__eq__` or `__lt__`: `index`, `count` and `remove` of a list or tuple,
/// and `list.sort` ([`call_comparing`], `Interp::list_sort_items`).
pub fn compares_items(recv: &Value, m: &Meth) -> bool {
    match recv {
        Value::List(_) => {
            matches!(m, Meth::Index | Meth::Count | Meth::Sort)
                || matches!(m, Meth::Other(n) if &**n == "remove")
        }
        Value::Tuple(_) => matches!(m, Meth::Index | Meth::Count),
        _ => false,
    }
}

/// `index`, `count` or `remove` of a list or tuple, an instance's `__eq__`
/// run by `user` (the container's item on the left, as CPython's).
pub fn call_comparing(recv: &Value, m: &Meth, args: &[Value], user: &mut UserCmp) -> Res<Value> {
    let owner = if matches!(recv, Value::List(_)) {
        "list"
    } else {
        "tuple"
    };
    match m {
        Meth::Index => match index_search(recv, args, user)? {
            Some(i) => Ok(Value::Int(Int::Small(i))),
            // A user `__repr__` poisons here (`compare::repr`): the
            // evaluator's path (`Interp::call_builtin_method`) runs it.
            None => Err(index_missing(recv, &compare::repr(&args[0])?)),
        },
        Meth::Count => count(recv, one_arg(owner, m, args)?, user),
        _ => {
            let x = one_arg(owner, m, args)?;
            let mut i = 0;
            while let Some(item) = item_at(recv, i) {
                if elem_eq_by(&item, x, 1, user)? {
                    // The slice `i:i+1` of the list as `__eq__` left it.
                    if let Value::List(l) = recv {
                        let mut items = l.items.borrow_mut();
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                    return Ok(Value::None);
                }
                i += 1;
            }
            Err(value_error("list.remove(x): x not in list".into()))
        }
    }
}

/// `recv.m(*args)` after [`lookup`] accepted it.
pub fn call_method(
    h: &mut Heap,
    recv: &Value,
    m: &Meth,
    args: &[Value],
    int_bits: u64,
) -> Res<Value> {
    if compares_items(recv, m) && !matches!(m, Meth::Sort) {
        return call_comparing(recv, m, args, &mut compare::unmodelled_user_compare);
    }
    match recv {
        Value::List(l) => list_method(h, l, m, args),
        Value::Str(s) => super::str_methods::call(h, s, m, args),
        Value::Dict(d) => super::dict_methods::call(h, d, m, args),
        Value::Set(s) => super::set::call(h, s, m.name(), args)
            .unwrap_or_else(|| Err(type_error(format!("no set method {}", m.name())))),
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => {
            // The methods are `int`'s or `float`'s, a bool's too.
            let owner = if matches!(recv, Value::Float(_)) {
                "float"
            } else {
                "int"
            };
            if !args.is_empty() {
                return Err(type_error(format!(
                    "{owner}.{}() takes no arguments ({} given)",
                    m.name(),
                    args.len()
                )));
            }
            Ok(match recv {
                Value::Float(x) => Value::Bool(x.is_finite() && x.fract() == 0.0),
                _ => {
                    let n = recv.as_int().map(|i| i.to_big()).unwrap_or_default();
                    if m.name() == "bit_count" {
                        // The ones of the absolute value.
                        let ones: u64 = n
                            .magnitude()
                            .iter_u64_digits()
                            .map(|d| u64::from(d.count_ones()))
                            .sum();
                        Value::Int(Int::Small(ones as i64))
                    } else {
                        Value::Int(Int::Small(n.bits() as i64))
                    }
                }
            })
        }
        // `compares_items`: both methods of a tuple.
        Value::Tuple(_) => Err(type_error(format!("no tuple method {}", m.name()))),
        Value::Range(r) => {
            let x = one_arg("range", m, args)?;
            let pos = range_position(r, x);
            match (m, pos) {
                (Meth::Count, pos) => Ok(Value::Int(Int::Small(i64::from(pos.is_some())))),
                (_, Some(i)) => checked(Int::from_big(i), int_bits),
                // CPython's int fast path names the value; other types go
                // through the generic sequence search.
                (_, None) if matches!(x, Value::Int(_) | Value::Bool(_)) => Err(value_error(
                    format!("{} is not in range", compare::repr(x)?),
                )),
                (_, None) => Err(value_error("sequence.index(x): x not in sequence".into())),
            }
        }
        // `lookup` rejected every other receiver already.
        _ => lookup(recv, m).map(|()| Value::None),
    }
}

fn list_method(h: &mut Heap, l: &Rc<ListObj>, m: &Meth, args: &[Value]) -> Res<Value> {
    match m {
        // Sorting may run users' `__lt__`: only the evaluator sorts
        // (`Interp::list_sort_items`), and it never calls this for `sort`.
        Meth::Sort => {
            return Err(super::eval::poison(
                jitdiff_vm::lang::outcome::Poison::Unmodelled,
            ));
        }
        Meth::Append => {
            let x = one_arg("list", m, args)?;
            check_len(l.items.borrow().len() as u128 + 1)?;
            l.items.borrow_mut().push(x.clone());
        }
        Meth::Pop => {
            let i = match args {
                [] => -1,
                [i] => ssize_arg(i)?,
                _ => {
                    return Err(type_error(format!(
                        "pop expected at most 1 argument, got {}",
                        args.len()
                    )));
                }
            };
            let mut items = l.items.borrow_mut();
            if items.is_empty() {
                return Err(exception("IndexError", "pop from empty list".into()));
            }
            let n = items.len() as i128;
            let i = if i < 0 {
                i128::from(i) + n
            } else {
                i128::from(i)
            };
            if !(0..n).contains(&i) {
                return Err(exception("IndexError", "pop index out of range".into()));
            }
            return Ok(items.remove(i as usize));
        }
        Meth::Insert => {
            let [i, x] = args else {
                return Err(type_error(format!(
                    "insert expected 2 arguments, got {}",
                    args.len()
                )));
            };
            let i = ssize_arg(i)?;
            let n = l.items.borrow().len();
            check_len(n as u128 + 1)?;
            // The index clamps into 0..=len.
            let at = if i < 0 {
                (i128::from(i) + n as i128).max(0)
            } else {
                i128::from(i)
            };
            let at = at.min(n as i128) as usize;
            l.items.borrow_mut().insert(at, x.clone());
        }
        Meth::Extend => seq::extend(h, l, one_arg("list", m, args)?)?,
        Meth::Clear | Meth::Copy => {
            if !args.is_empty() {
                return Err(type_error(format!(
                    "list.{}() takes no arguments ({} given)",
                    m.name(),
                    args.len()
                )));
            }
            if matches!(m, Meth::Clear) {
                l.items.borrow_mut().clear();
            } else {
                let items = l.items.borrow().clone();
                return Ok(h.list(items));
            }
        }
        Meth::Reverse => {
            if !args.is_empty() {
                return Err(type_error(format!(
                    "list.reverse() takes no arguments ({} given)",
                    args.len()
                )));
            }
            l.items.borrow_mut().reverse();
        }
        _ => lookup(&Value::List(l.clone()), m)?,
    }
    Ok(Value::None)
}

/// `index(x[, start[, stop]])` of a list or tuple.
/// Where `recv.index(x[, start[, stop]])` finds `x` in a list or tuple
/// (None: nowhere; the caller raises [`index_missing`]).
pub fn index_search(recv: &Value, args: &[Value], user: &mut UserCmp) -> Res<Option<i64>> {
    let (x, bounds) = match args {
        [] => {
            return Err(type_error(
                "index expected at least 1 argument, got 0".into(),
            ));
        }
        [x, rest @ ..] if rest.len() <= 2 => (x, rest),
        _ => {
            return Err(type_error(format!(
                "index expected at most 3 arguments, got {}",
                args.len()
            )));
        }
    };
    let n = match recv {
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        _ => 0,
    } as i128;
    // Bounds clamp like slice indices (big ints too), then count from the
    // end if negative.
    let bound = |v: Option<&Value>, default: i128| -> Res<i128> {
        let Some(v) = v else { return Ok(default) };
        let i = v.as_int().ok_or_else(|| {
            type_error("slice indices must be integers or have an __index__ method".into())
        })?;
        let i = i128::from(i.saturating_i64());
        Ok(if i < 0 { (i + n).max(0) } else { i })
    };
    let start = bound(bounds.first(), 0)?;
    let stop = bound(bounds.get(1), n)?.min(n);
    // The list is read afresh at every step (a user `__eq__` may change
    // it), up to the bounds as they were computed.
    for i in start..stop.max(start) {
        let Some(item) = item_at(recv, i as usize) else {
            break;
        };
        if elem_eq_by(&item, x, 1, user)? {
            return Ok(Some(i as i64));
        }
    }
    Ok(None)
}

/// The ValueError of an `index` that found nothing in `recv`; `x_repr`
/// is the argument's repr (a list's message shows it).
pub fn index_missing(recv: &Value, x_repr: &str) -> Box<super::eval::Stop> {
    value_error(if matches!(recv, Value::List(_)) {
        format!("{x_repr} is not in list")
    } else {
        "tuple.index(x): x not in tuple".into()
    })
}

fn count(recv: &Value, x: &Value, user: &mut UserCmp) -> Res<Value> {
    let mut n = 0;
    let mut i = 0;
    while let Some(item) = item_at(recv, i) {
        if elem_eq_by(&item, x, 1, user)? {
            n += 1;
        }
        i += 1;
    }
    Ok(Value::Int(Int::Small(n)))
}

/// `len(x)`.
pub fn len(args: &[Value]) -> Res<Value> {
    let [x] = args else {
        return Err(type_error(format!(
            "len() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let n = match x {
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        Value::Str(s) => s.len(),
        Value::Dict(d) => d.len(),
        Value::View(v) => v.dict.len(),
        Value::Set(s) => s.data.borrow().len(),
        Value::Arr(super::array::Arr::Obj(a)) => a.items.borrow().len(),
        Value::Range(r) => r.len().to_i64().ok_or_else(|| {
            exception(
                "OverflowError",
                "Python int too large to convert to C ssize_t".into(),
            )
        })? as usize,
        other => {
            return Err(type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )));
        }
    };
    Ok(Value::Int(Int::Small(n as i64)))
}

/// `list(it)` / `tuple(it)` (`tuple(t)` is `t` itself, as in CPython).
pub fn make(h: &mut Heap, args: &[Value], list: bool) -> Res<Value> {
    let name = if list { "list" } else { "tuple" };
    let it = match args {
        [] => None,
        [it] => Some(it),
        _ => {
            return Err(type_error(format!(
                "{name} expected at most 1 argument, got {}",
                args.len()
            )));
        }
    };
    if let (false, Some(t @ Value::Tuple(obj))) = (list, it) {
        h.bulk(obj.items.len());
        return Ok(t.clone());
    }
    let items = match it {
        None => Vec::new(),
        Some(it) => seq::collect(it, || not_iterable(it))?,
    };
    Ok(if list { h.list(items) } else { h.tuple(items) })
}

/// `sum(it[, start])`: `start + x0 + x1 + ...`, left to right with `+`.
pub fn sum(h: &mut Heap, args: &[Value], int_bits: u64) -> Res<Value> {
    let (it, start) = match args {
        [] => {
            return Err(type_error(
                "sum() takes at least 1 positional argument (0 given)".into(),
            ));
        }
        [it] => (it, Value::Int(Int::Small(0))),
        [it, start] => (it, start.clone()),
        _ => {
            return Err(type_error(format!(
                "sum() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    // CPython gets the iterator, then refuses a string start, then sums.
    if seq::Items::of(it).is_none() {
        return Err(not_iterable(it));
    }
    if let Value::Str(_) = start {
        return Err(type_error(
            "sum() can't sum strings [use ''.join(seq) instead]".into(),
        ));
    }
    // Consumed like `list(it)`: a range past the length cap poisons, and
    // the items cost bulk fuel, so no sum runs unbounded.
    let items = seq::collect(it, || not_iterable(it))?;
    h.bulk(items.len());
    let mut acc = start;
    for x in items {
        acc = binop_any(h, BinOp::Add, &acc, &x, int_bits)?;
    }
    Ok(acc)
}

/// The items `min(*args)`/`max(*args)` compares: the arguments, or the
/// one argument's items, consumed like `list(it)` (length cap, bulk fuel).
pub fn min_max_items(h: &mut Heap, args: &[Value], max: bool) -> Res<Vec<Value>> {
    match args {
        [] => Err(type_error(format!(
            "{} expected at least 1 argument, got 0",
            if max { "max" } else { "min" }
        ))),
        [it] => {
            let items = seq::collect(it, || not_iterable(it))?;
            h.bulk(items.len());
            Ok(items)
        }
        many => Ok(many.to_vec()),
    }
}
