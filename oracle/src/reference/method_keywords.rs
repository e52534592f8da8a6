//! Keywords given to a builtin method (`s.split(maxsplit=1)`), by
//! CPython 3.11's argument clinic, written apart from the VM's.
//!
//! `split`/`rsplit(sep=None, maxsplit=-1)` and `splitlines(keepends=False)`
//! take keywords; `list.sort`'s keyword-only `key` and `reverse` are the
//! interpreter's, and other names get the clinic's errors here. The methods CPython implements with `METH_VARARGS` (str's
//! `count`, `find`, `index`, `rfind`, `rindex`, `startswith`, `endswith`,
//! and `set.update`) word their refusal after how the call was written
//! (`str.find()` for `s.find(...)`, `find()` for a stored bound method),
//! and `dict.update(k=v)` stores keys: both not modelled. Every other
//! method refuses keywords naming its defining type (`int.bit_length()`
//! for a bool's).

use super::value::{Int, Value};

/// How a bound method called with keywords goes on.
pub(super) enum Bound {
    /// Call it with these positional arguments.
    Call(Vec<Value>),
    /// Raise TypeError with this message.
    Refuse(String),
    /// Not modelled.
    Unmodelled,
}

/// `receiver.method(*args, **dict(zip(names, values)))`.
pub(super) fn bind(
    receiver: &Value,
    method: &str,
    args: &[Value],
    keywords: &[(std::rc::Rc<str>, Value)],
) -> Bound {
    let is_str = matches!(receiver, Value::Str(_));
    let varargs = [
        "count",
        "find",
        "index",
        "rfind",
        "rindex",
        "startswith",
        "endswith",
    ];
    if (is_str && varargs.contains(&method))
        || (matches!(receiver, Value::Set(_)) && method == "update")
        || (matches!(receiver, Value::Dict(_)) && method == "update")
    {
        return Bound::Unmodelled;
    }
    // `xs.sort(*, key=None, reverse=False)`: the interpreter's own paths
    // take `key` and `reverse`; what reaches here names something else.
    let keyword_only = matches!(receiver, Value::List(_)) && method == "sort";
    let params: Vec<(&str, Value)> = match method {
        "sort" if keyword_only => vec![("key", Value::None), ("reverse", Value::Bool(false))],
        "split" | "rsplit" if is_str => vec![
            ("sep", Value::None),
            ("maxsplit", Value::Int(Int::Small(-1))),
        ],
        "splitlines" if is_str => vec![("keepends", Value::Bool(false))],
        _ => {
            let owner = match receiver {
                Value::Bool(_) => "int".into(),
                other => other.type_name(),
            };
            return Bound::Refuse(format!("{owner}.{method}() takes no keyword arguments"));
        }
    };
    // `_PyArg_UnpackKeywords`: the count, then a parameter both given by
    // position and named, then a name that is no parameter.
    let total = args.len() + keywords.len();
    if total > params.len() {
        let kind = if args.is_empty() { "keyword " } else { "" };
        let plural = if params.len() == 1 { "" } else { "s" };
        return Bound::Refuse(format!(
            "{method}() takes at most {} {kind}argument{plural} ({total} given)",
            params.len()
        ));
    }
    if keyword_only && !args.is_empty() {
        return Bound::Refuse(format!("{method}() takes no positional arguments"));
    }
    for (i, (p, _)) in params.iter().enumerate().take(args.len()) {
        if keywords.iter().any(|(k, _)| &**k == *p) {
            return Bound::Refuse(format!(
                "argument for {method}() given by name ('{p}') and position ({})",
                i + 1
            ));
        }
    }
    for (k, _) in keywords {
        if !params.iter().any(|(p, _)| *p == &**k) {
            return Bound::Refuse(format!(
                "'{k}' is an invalid keyword argument for {method}()"
            ));
        }
    }
    if keyword_only {
        // Valid keywords only reach here from a hand-built call.
        return Bound::Unmodelled;
    }
    let mut bound = args.to_vec();
    for (p, default) in params.into_iter().skip(args.len()) {
        let given = keywords
            .iter()
            .find(|(k, _)| &**k == p)
            .map(|(_, v)| v.clone());
        bound.push(given.unwrap_or(default));
    }
    Bound::Call(bound)
}
