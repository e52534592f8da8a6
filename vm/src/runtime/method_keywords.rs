//! Keyword arguments to builtin methods (`s.split(maxsplit=1)`,
//! `f = s.find; f('a', start=1)`), as CPython 3.11 answers them.
//!
//! - `str.split`/`rsplit` (`sep`, `maxsplit`) and `str.splitlines`
//!   (`keepends`) take keywords: they are bound to their parameters, the
//!   missing ones get their defaults, and the method runs as with those
//!   arguments positional. A binding CPython refuses raises its error, in
//!   `_PyArg_UnpackKeywords`' order: too many arguments, a parameter given
//!   by name and position, then an unknown keyword.
//! - `str.count`, `find`, `index`, `rfind`, `rindex`, `startswith`,
//!   `endswith` and `set.update` refuse keywords with a message that
//!   depends on how the method was called (`str.find()` when called as
//!   `s.find(...)`, `find()` through a stored bound method), which a
//!   bound method value cannot tell: not modelled. So are `dict.update`'s
//!   keywords (`d.update(a=1)` stores str keys).
//! - `list.sort(*, key, reverse)` and `str.format` are the call path's
//!   own (`tier1::calls`), but for sort's refusals (a positional argument,
//!   another name); every other method refuses keywords with
//!   `type.name() takes no keyword arguments` (`int` for a bool's).

use super::value::Value;

/// What a call of a bound builtin method with keywords does.
#[derive(Debug, PartialEq, Eq)]
pub enum MethodKeywords {
    /// Run the method with these positional arguments: `Arg(i)` is the
    /// call's positional argument `i`, `Keyword(k)` the value of its
    /// keyword `k`, `Default(v)` a parameter's default.
    Positional(Vec<ArgSource>),
    /// CPython's TypeError, with its message.
    TypeError(String),
    /// Not modelled (the run is poisoned).
    Unmodelled,
    /// The method takes no keywords (the caller raises its error).
    NotAccepted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSource {
    Arg(usize),
    Keyword(usize),
    Default(Value),
}

/// The parameters of the methods that take keywords: names and defaults.
fn parameters(m: Value) -> Option<(&'static str, &'static [(&'static str, Value)])> {
    // The small int -1 (`Value::small` is not a const fn).
    const MINUS_ONE: Value = Value(((-1i64 << 1) | 1) as u64);
    const SPLIT: &[(&str, Value)] = &[("sep", Value::NONE), ("maxsplit", MINUS_ONE)];
    const SPLITLINES: &[(&str, Value)] = &[("keepends", Value::FALSE)];
    const SORT: &[(&str, Value)] = &[("key", Value::NONE), ("reverse", Value::FALSE)];
    match m {
        Value::METHOD_STR_SPLIT => Some(("split", SPLIT)),
        Value::METHOD_STR_RSPLIT => Some(("rsplit", SPLIT)),
        Value::METHOD_STR_SPLITLINES => Some(("splitlines", SPLITLINES)),
        Value::METHOD_LIST_SORT => Some(("sort", SORT)),
        _ => None,
    }
}

/// How method `m`, called with `npos` positional arguments and the
/// keywords `names`, binds them.
pub fn bind(m: Value, npos: usize, names: &[String]) -> MethodKeywords {
    if matches!(
        m,
        Value::METHOD_STR_COUNT
            | Value::METHOD_STR_FIND
            | Value::METHOD_STR_INDEX
            | Value::METHOD_STR_RFIND
            | Value::METHOD_STR_RINDEX
            | Value::METHOD_STR_STARTSWITH
            | Value::METHOD_STR_ENDSWITH
            | Value::METHOD_SET_UPDATE
            | Value::METHOD_DICT_UPDATE
    ) {
        return MethodKeywords::Unmodelled;
    }
    let Some((fname, params)) = parameters(m) else {
        return MethodKeywords::NotAccepted;
    };
    // `list.sort(*, key, reverse)`: the call path runs the valid calls;
    // the clinic's errors for the others are here.
    let keyword_only = m == Value::METHOD_LIST_SORT;
    let max = params.len();
    let given = npos + names.len();
    if given > max {
        return MethodKeywords::TypeError(format!(
            "{fname}() takes at most {max} {}argument{} ({given} given)",
            if npos == 0 { "keyword " } else { "" },
            if max == 1 { "" } else { "s" },
        ));
    }
    if keyword_only && npos > 0 {
        return MethodKeywords::TypeError(format!("{fname}() takes no positional arguments"));
    }
    if let Some(i) = (0..npos).find(|&i| names.iter().any(|n| n == params[i].0)) {
        return MethodKeywords::TypeError(format!(
            "argument for {fname}() given by name ('{}') and position ({})",
            params[i].0,
            i + 1
        ));
    }
    if let Some(bad) = names.iter().find(|n| !params.iter().any(|(p, _)| p == n)) {
        return MethodKeywords::TypeError(format!(
            "'{bad}' is an invalid keyword argument for {fname}()"
        ));
    }
    if keyword_only {
        return MethodKeywords::NotAccepted;
    }
    let plan = params
        .iter()
        .enumerate()
        .map(|(i, (name, default))| {
            if i < npos {
                ArgSource::Arg(i)
            } else if let Some(k) = names.iter().position(|n| n == name) {
                ArgSource::Keyword(k)
            } else {
                ArgSource::Default(*default)
            }
        })
        .collect();
    MethodKeywords::Positional(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_maxsplit_is_minus_one() {
        let Some((_, [_, (_, v)])) = parameters(Value::METHOD_STR_SPLIT) else {
            panic!()
        };
        assert_eq!(*v, Value::small(-1));
    }

    fn names(ns: &[&str]) -> Vec<String> {
        ns.iter().map(|s| s.to_string()).collect()
    }

    // Messages as python3.11 prints them for `'a b'.split(...)`.
    #[test]
    fn split_binds_its_keywords_and_fills_defaults() {
        use ArgSource::*;
        assert_eq!(
            bind(Value::METHOD_STR_SPLIT, 0, &names(&["maxsplit"])),
            MethodKeywords::Positional(vec![Default(Value::NONE), Keyword(0)])
        );
        assert_eq!(
            bind(Value::METHOD_STR_RSPLIT, 1, &names(&["maxsplit"])),
            MethodKeywords::Positional(vec![Arg(0), Keyword(0)])
        );
        assert_eq!(
            bind(Value::METHOD_STR_SPLIT, 0, &names(&["maxsplit", "sep"])),
            MethodKeywords::Positional(vec![Keyword(1), Keyword(0)])
        );
        assert_eq!(
            bind(Value::METHOD_STR_SPLITLINES, 0, &names(&["keepends"])),
            MethodKeywords::Positional(vec![Keyword(0)])
        );
    }

    #[test]
    fn split_refuses_as_cpython_in_cpythons_order() {
        let err = |m, npos, ns: &[&str]| match bind(m, npos, &names(ns)) {
            MethodKeywords::TypeError(e) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err(Value::METHOD_STR_SPLIT, 1, &["sep"]),
            "argument for split() given by name ('sep') and position (1)"
        );
        assert_eq!(
            err(Value::METHOD_STR_SPLIT, 2, &["maxsplit"]),
            "split() takes at most 2 arguments (3 given)"
        );
        assert_eq!(
            err(Value::METHOD_STR_SPLIT, 0, &["sep", "maxsplit", "zzz"]),
            "split() takes at most 2 keyword arguments (3 given)"
        );
        assert_eq!(
            err(Value::METHOD_STR_RSPLIT, 1, &["zzz"]),
            "'zzz' is an invalid keyword argument for rsplit()"
        );
        assert_eq!(
            err(Value::METHOD_STR_SPLITLINES, 1, &["keepends"]),
            "splitlines() takes at most 1 argument (2 given)"
        );
    }

    #[test]
    fn call_form_dependent_messages_are_not_modelled() {
        for m in [
            Value::METHOD_STR_FIND,
            Value::METHOD_SET_UPDATE,
            Value::METHOD_DICT_UPDATE,
        ] {
            assert_eq!(bind(m, 1, &names(&["x"])), MethodKeywords::Unmodelled);
        }
        assert_eq!(
            bind(Value::METHOD_LIST_APPEND, 1, &names(&["x"])),
            MethodKeywords::NotAccepted
        );
        assert_eq!(
            bind(Value::METHOD_LIST_SORT, 0, &names(&["zzz"])),
            MethodKeywords::TypeError("'zzz' is an invalid keyword argument for sort()".into())
        );
        assert_eq!(
            bind(Value::METHOD_LIST_SORT, 1, &names(&["zzz"])),
            MethodKeywords::TypeError("sort() takes no positional arguments".into())
        );
    }
}
