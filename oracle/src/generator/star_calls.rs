//! The `star_calls` swarm feature (drawn in half of the programs with
//! `syntax`): after generation, some module-level functions gain unused
//! `*args`/`**kwargs` parameters (every call then builds an empty tuple
//! and dict), and some calls of module-level functions unpack their
//! arguments: `f(a, *(b, c))`, `f(*[a, b], c)`, `f(a, **{'q': b, 'r': c})`.
//! Every argument is still evaluated once, in its order, and binds the
//! same parameter, so the program prints what it printed before; the VM
//! runs `LIST_EXTEND`, `DICT_MERGE` and `CALL_FUNCTION_EX` (and their uops
//! in traces and machine code) instead of `CALL`.

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::Unstructured;
use jitdiff_vm::lang::ast::{Expr, Keyword, Module, Stmt, collect_bound};

use super::chance;
use super::keywords::callable_functions;

/// Rewrites `m` in place (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let funcs = callable_functions(m);
    if funcs.is_empty() {
        return;
    }
    for s in &mut m.body {
        if let Stmt::FunctionDef {
            name,
            params,
            body,
            star,
            ..
        } = s
            && funcs.contains_key(name)
            && star.is_empty()
            && chance(u, 40)
        {
            let mut taken: BTreeSet<String> = params.iter().cloned().collect();
            collect_bound(body, &mut |n| {
                taken.insert(n.to_string());
            });
            let fresh = |base: &str| {
                (0..)
                    .map(|i| format!("{base}{i}"))
                    .find(|n| !taken.contains(n))
                    .expect("an unbounded supply of names")
            };
            match u.int_in_range(0..=2u8).unwrap_or(0) {
                0 => star.vararg = Some(fresh("st_args")),
                1 => star.varkw = Some(fresh("st_kw")),
                _ => {
                    star.vararg = Some(fresh("st_args"));
                    star.varkw = Some(fresh("st_kw"));
                }
            }
        }
    }
    for s in &mut m.body {
        s.for_each_expr_mut(&mut |e| unpack_in(e, &funcs, u));
    }
    // Now and then a star call past 255 positional arguments with a
    // keyword, where CALL_KW's positional count saturates and only the
    // keyword count splits the inputs.
    if chance(u, 25) {
        let n = u.int_in_range(250..=300u32).unwrap_or(300);
        // A user function: `print`'s keywords need strs (`strings` may be
        // off) or are not modelled in a star call (`flush=`).
        let src = format!(
            "def st_wide(*a, k=0):\n    return len(a) * 1000 + a[-1] + a[0] + k\nprint(st_wide(*range({n}), -1, k=7))\n"
        );
        if let Ok(p) = jitdiff_vm::lang::parse_generated(&src) {
            m.body.extend(p.body);
        }
    }
}

fn unpack_in(e: &mut Expr, funcs: &BTreeMap<String, Vec<String>>, u: &mut Unstructured) {
    e.for_each_child_mut(&mut |c| unpack_in(c, funcs, u));
    let Expr::Call {
        func,
        args,
        keywords,
    } = e
    else {
        return;
    };
    let Expr::Name(name) = &**func else {
        return;
    };
    let Some(params) = funcs.get(name) else {
        return;
    };
    let n = args.len();
    if !keywords.is_empty() || n == 0 || n > params.len() || !chance(u, 30) {
        return;
    }
    let form = u.int_in_range(0..=2u8).unwrap_or(0);
    let split = u.int_in_range(0..=n - 1).unwrap_or(0);
    match form {
        // `f(a, *(b, c))`: the trailing arguments from a tuple.
        0 => {
            let tail: Vec<Expr> = args.drain(split..).collect();
            args.push(Expr::Starred(Box::new(Expr::Tuple(tail))));
        }
        // `f(*[a, b], c)`: the leading ones (at least one) from a list.
        1 => {
            let rest = args.split_off(split + 1);
            let head = std::mem::take(args);
            args.push(Expr::Starred(Box::new(Expr::List(head))));
            args.extend(rest);
        }
        // `f(a, **{'q': b})`: the trailing ones by name from a dict.
        _ => {
            let tail: Vec<Expr> = args.drain(split..).collect();
            let items = params[split..]
                .iter()
                .zip(tail)
                .map(|(p, v)| (Expr::Str(p.clone()), v))
                .collect();
            keywords.push(Keyword {
                arg: None,
                value: Expr::Dict(items),
            });
        }
    }
}
