//! Splicing for the guided campaign: a statement from a loop body of one
//! corpus program (the donor) is put into a loop body of another (the
//! recipient), its variables renamed to variables of the recipient.
//!
//! Why: most of the JIT behaviours a campaign has not reached yet are pairs
//! of consecutive uops, and a trace's uops come from one loop body. Edits
//! inside one program rearrange what that program already has; a donor's
//! statement brings uops (a string slice, a dict store, a float call) next
//! to uops of another program's loop, which the generator's templates seldom
//! put side by side.
//!
//! **Renaming.** The generator names a variable by its kind and a number
//! (`g0` an int global, `fl1` a float, `ls0` a list, `st0` a string, `p1` a
//! parameter, `x7` a function's int local), so a donor's name is renamed to
//! a recipient name of the same kind, drawn among those bound before the
//! loop in its scope: a module-level loop reads and assigns the globals bound
//! by the statements before it; a loop in a function (or a method) reads its
//! parameters and locals bound before the loop and the globals bound before
//! the `def` that no local shadows, and assigns only its own locals (an
//! assignment would make any other name local to the function). The donor's
//! loop variable becomes the recipient's. A name the donor never binds is a
//! builtin and is kept. No name that ends a loop (read by a `while` test or
//! by the test of an `if` that breaks) is ever assigned, so loops still end.
//! A statement that names a donor function, class or module, or holds a
//! `break`, `return`, `yield`, lambda or comprehension, is never taken.
//! When some name has no counterpart the splice gives up (`None`); the
//! caller checks the result with the front end, as for every mutation.

use std::collections::{BTreeMap, BTreeSet};

use jitdiff_vm::lang::ast::{Expr, Module, Stmt, Target, collect_bound, function_locals};
use rand::RngCore;
use rand::rngs::StdRng;

/// Puts a statement of one of `donor`'s loop bodies into one of
/// `recipient`'s, renamed (see the module's header).
pub fn splice(recipient: &Module, donor: &Module, rng: &mut StdRng) -> Option<Module> {
    let pieces = donor_pieces(donor);
    if pieces.is_empty() {
        return None;
    }
    let (stmt, donor_target) = &pieces[pick(rng, pieces.len())];
    let ends_loops = loop_ending_names(&recipient.body);
    let sites = loop_sites(recipient, &ends_loops);
    if sites.is_empty() {
        return None;
    }
    let k = pick(rng, sites.len());
    let site = &sites[k];
    let (donor_bound, _) = donor_names(donor);
    let renaming = rename_map(stmt, donor_target.as_deref(), site, &donor_bound, rng)?;
    let mut stmt = stmt.clone();
    rename_stmt(&mut stmt, &renaming);
    let mut out = recipient.clone();
    let mut n = 0;
    let mut stmt = Some(stmt);
    each_loop_body_mut(&mut out.body, true, &mut |body| {
        if n == k {
            let at = pick(rng, body.len() + 1);
            body.insert(at, stmt.take().expect("inserted once"));
        }
        n += 1;
    });
    stmt.is_none().then_some(out)
}

/// A uniform index below `n` (0 when `n` is 0).
fn pick(rng: &mut StdRng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

/// A name's kind: the name without its trailing digits (`ls` for `ls0`).
fn kind(name: &str) -> &str {
    name.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Every name the donor binds anywhere, and the names of its functions,
/// classes and imports (callables and modules, whose use in a statement
/// depends on what they are).
fn donor_names(m: &Module) -> (BTreeSet<String>, BTreeSet<String>) {
    fn walk(body: &[Stmt], bound: &mut BTreeSet<String>, defs: &mut BTreeSet<String>) {
        collect_bound(body, &mut |n| {
            bound.insert(n.to_string());
        });
        for s in body {
            match s {
                Stmt::FunctionDef {
                    name,
                    params,
                    body,
                    star,
                    ..
                } => {
                    defs.insert(name.clone());
                    bound.extend(params.iter().cloned());
                    bound.extend(star.names().cloned());
                    walk(body, bound, defs);
                }
                Stmt::ClassDef { name, body, .. } => {
                    defs.insert(name.clone());
                    walk(body, bound, defs);
                }
                Stmt::Decorated { def, .. } => walk(std::slice::from_ref(&**def), bound, defs),
                Stmt::Import { name, .. } => {
                    defs.insert(name.clone());
                }
                Stmt::ImportFrom { names, .. } => {
                    defs.extend(names.iter().map(|(_, n)| n.clone()));
                }
                _ => {}
            }
            for b in nested_blocks(s) {
                walk(b, bound, defs);
            }
        }
    }
    let (mut bound, mut defs) = (BTreeSet::new(), BTreeSet::new());
    walk(&m.body, &mut bound, &mut defs);
    (bound, defs)
}

/// The blocks of a compound statement other than a definition's body.
fn nested_blocks(s: &Stmt) -> Vec<&Vec<Stmt>> {
    match s {
        Stmt::If { body, orelse, .. }
        | Stmt::While { body, orelse, .. }
        | Stmt::For { body, orelse, .. }
        | Stmt::ForUnpack { body, orelse, .. } => vec![body, orelse],
        Stmt::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            let mut v = vec![body, orelse, finalbody];
            v.extend(handlers.iter().map(|h| &h.body));
            v
        }
        _ => vec![],
    }
}

/// The statements of the donor's loop bodies that may move, each with the
/// variable of its `for` loop (none for `while` and unpacking loops).
fn donor_pieces(m: &Module) -> Vec<(Stmt, Option<String>)> {
    fn walk(body: &[Stmt], defs: &BTreeSet<String>, out: &mut Vec<(Stmt, Option<String>)>) {
        for s in body {
            let (loop_body, target) = match s {
                Stmt::For { target, body, .. } => (Some(body), Some(target.clone())),
                Stmt::While { body, .. } | Stmt::ForUnpack { body, .. } => (Some(body), None),
                _ => (None, None),
            };
            for piece in loop_body.into_iter().flatten() {
                if movable(piece) && !names_of(piece).iter().any(|n| defs.contains(n)) {
                    out.push((piece.clone(), target.clone()));
                }
            }
            match s {
                Stmt::FunctionDef { body, .. } | Stmt::ClassDef { body, .. } => {
                    walk(body, defs, out)
                }
                Stmt::Decorated { def, .. } => walk(std::slice::from_ref(&**def), defs, out),
                _ => nested_blocks(s)
                    .into_iter()
                    .for_each(|b| walk(b, defs, out)),
            }
        }
    }
    let (_, defs) = donor_names(m);
    let mut out = vec![];
    walk(&m.body, &defs, &mut out);
    out
}

/// Statements that mean the same wherever their names are bound:
/// assignments, expression statements and `if`s of them, with no
/// expression that makes a scope or suspends.
fn movable(s: &Stmt) -> bool {
    let mut ok = match s {
        Stmt::Expr(e) => !matches!(e, Expr::Yield(_) | Expr::YieldFrom(_)),
        Stmt::Assign { .. }
        | Stmt::AugAssign { .. }
        | Stmt::AssignSubscript { .. }
        | Stmt::AugAssignSubscript { .. } => true,
        Stmt::Unpack { targets, .. } => targets.iter().all(plain_target),
        Stmt::If { body, orelse, .. } => body.iter().chain(orelse).all(movable),
        _ => false,
    };
    s.for_each_expr(&mut |e| ok &= plain_expr(e));
    ok
}

fn plain_target(t: &Target) -> bool {
    match t {
        Target::Name(_) => true,
        Target::Unpack(ts) => ts.iter().all(plain_target),
        Target::Attr { .. } | Target::Subscript { .. } | Target::Starred(_) => false,
    }
}

/// No lambda, comprehension, generator expression, yield, `super()` or
/// assignment expression.
fn plain_expr(e: &Expr) -> bool {
    let here = !matches!(
        e,
        Expr::Named { .. }
            | Expr::Lambda { .. }
            | Expr::ListComp { .. }
            | Expr::SetComp { .. }
            | Expr::DictComp { .. }
            | Expr::GeneratorExp { .. }
            | Expr::Yield(_)
            | Expr::YieldFrom(_)
            | Expr::Super
    );
    let mut ok = here;
    e.for_each_child(&mut |c| ok &= plain_expr(c));
    ok
}

/// The names a (movable) statement reads or assigns, and those it assigns.
fn names_of(s: &Stmt) -> BTreeSet<String> {
    let mut out = assigned_by(s);
    s.for_each_expr(&mut |e| expr_names(e, &mut out));
    out
}

fn assigned_by(s: &Stmt) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_bound(std::slice::from_ref(s), &mut |n| {
        out.insert(n.to_string());
    });
    out
}

fn expr_names(e: &Expr, out: &mut BTreeSet<String>) {
    if let Expr::Name(n) = e {
        out.insert(n.clone());
    }
    e.for_each_child(&mut |c| expr_names(c, out));
}

/// Names that end loops: read by a `while` test, or by the test of an `if`
/// whose body breaks.
fn loop_ending_names(body: &[Stmt]) -> BTreeSet<String> {
    fn walk(body: &[Stmt], out: &mut BTreeSet<String>) {
        for s in body {
            match s {
                Stmt::While { test, .. } => expr_names(test, out),
                Stmt::If { test, body, .. } if body.iter().any(|s| matches!(s, Stmt::Break)) => {
                    expr_names(test, out)
                }
                _ => {}
            }
            match s {
                Stmt::FunctionDef { body, .. } | Stmt::ClassDef { body, .. } => walk(body, out),
                Stmt::Decorated { def, .. } => walk(std::slice::from_ref(&**def), out),
                _ => nested_blocks(s).into_iter().for_each(|b| walk(b, out)),
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(body, &mut out);
    out
}

/// A loop of the recipient a statement may go into: the names its body
/// may read and assign there, and its `for` variable.
struct Site {
    readable: BTreeSet<String>,
    assignable: BTreeSet<String>,
    target: Option<String>,
}

/// The recipient's loops, in the order [`each_loop_body_mut`] visits them:
/// module-level loops, and loops in module-level functions and in methods
/// of module-level classes (not in nested functions, whose scopes are
/// left out, nor in classes' bodies).
fn loop_sites(m: &Module, ends_loops: &BTreeSet<String>) -> Vec<Site> {
    let mut sites = vec![];
    for (t, s) in m.body.iter().enumerate() {
        let mut globals = BTreeSet::new();
        collect_bound(&m.body[..t], &mut |n| {
            globals.insert(n.to_string());
        });
        match s {
            Stmt::FunctionDef { .. } | Stmt::Decorated { .. } => {
                function_sites(s, &globals, ends_loops, &mut sites)
            }
            Stmt::ClassDef { body, .. } => {
                for method in body {
                    function_sites(method, &globals, ends_loops, &mut sites);
                }
            }
            _ => {
                let assignable = &globals - ends_loops;
                block_sites(std::slice::from_ref(s), &globals, &assignable, &mut sites);
            }
        }
    }
    sites
}

/// The sites in a function (a `def`, or a decorated one).
fn function_sites(
    s: &Stmt,
    globals: &BTreeSet<String>,
    ends_loops: &BTreeSet<String>,
    sites: &mut Vec<Site>,
) {
    let s = match s {
        Stmt::Decorated { def, .. } => &**def,
        s => s,
    };
    let Stmt::FunctionDef {
        params, body, star, ..
    } = s
    else {
        return;
    };
    let (all_locals, declared_global) = function_locals(params, body);
    // Globals a function reads: those no local of it shadows.
    let visible_globals: BTreeSet<String> = globals
        .iter()
        .filter(|g| !all_locals.contains(g) || declared_global.contains(*g))
        .cloned()
        .collect();
    for (j, top) in body.iter().enumerate() {
        let mut locals: BTreeSet<String> = params.iter().chain(star.names()).cloned().collect();
        collect_bound(&body[..j], &mut |n| {
            if !declared_global.contains(n) {
                locals.insert(n.to_string());
            }
        });
        let readable = &locals | &visible_globals;
        let assignable = &locals - ends_loops;
        block_sites(std::slice::from_ref(top), &readable, &assignable, sites);
    }
}

/// The loops in `body` (not in definitions), depth first, each knowing the
/// variables of the `for` loops around it.
fn block_sites(
    body: &[Stmt],
    readable: &BTreeSet<String>,
    assignable: &BTreeSet<String>,
    sites: &mut Vec<Site>,
) {
    for s in body {
        match s {
            Stmt::For {
                target,
                body,
                orelse,
                ..
            } => {
                let mut r = readable.clone();
                r.insert(target.clone());
                sites.push(Site {
                    readable: r.clone(),
                    assignable: assignable.clone(),
                    target: Some(target.clone()),
                });
                block_sites(body, &r, assignable, sites);
                block_sites(orelse, &r, assignable, sites);
                continue;
            }
            Stmt::While { body, orelse, .. } | Stmt::ForUnpack { body, orelse, .. } => {
                let mut r = readable.clone();
                if let Stmt::ForUnpack { targets, .. } = s {
                    targets.iter().for_each(|t| {
                        t.for_each_name(&mut |n| {
                            r.insert(n.to_string());
                        })
                    });
                }
                sites.push(Site {
                    readable: r.clone(),
                    assignable: assignable.clone(),
                    target: None,
                });
                block_sites(body, &r, assignable, sites);
                block_sites(orelse, &r, assignable, sites);
                continue;
            }
            Stmt::FunctionDef { .. } | Stmt::ClassDef { .. } | Stmt::Decorated { .. } => continue,
            _ => {}
        }
        for b in nested_blocks(s) {
            block_sites(b, readable, assignable, sites);
        }
    }
}

/// Visits the bodies of the loops [`loop_sites`] lists, in its order
/// (`top`: `body` is the module's, or a method's slice of a class body).
fn each_loop_body_mut(body: &mut [Stmt], top: bool, f: &mut dyn FnMut(&mut Vec<Stmt>)) {
    for s in body.iter_mut() {
        match s {
            Stmt::FunctionDef { body, .. } if top => each_loop_body_mut(body, false, f),
            Stmt::Decorated { def, .. } if top => {
                each_loop_body_mut(std::slice::from_mut(&mut **def), true, f)
            }
            Stmt::ClassDef { body, .. } if top => {
                for method in body.iter_mut() {
                    if matches!(method, Stmt::FunctionDef { .. } | Stmt::Decorated { .. }) {
                        each_loop_body_mut(std::slice::from_mut(method), true, f);
                    }
                }
            }
            Stmt::FunctionDef { .. } | Stmt::ClassDef { .. } | Stmt::Decorated { .. } => {}
            Stmt::For { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::ForUnpack { body, orelse, .. } => {
                f(body);
                each_loop_body_mut(body, false, f);
                each_loop_body_mut(orelse, false, f);
            }
            Stmt::If { body, orelse, .. } => {
                each_loop_body_mut(body, false, f);
                each_loop_body_mut(orelse, false, f);
            }
            // The order of `nested_blocks`.
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                each_loop_body_mut(body, false, f);
                each_loop_body_mut(orelse, false, f);
                each_loop_body_mut(finalbody, false, f);
                for h in handlers.iter_mut() {
                    each_loop_body_mut(&mut h.body, false, f);
                }
            }
            _ => {}
        }
    }
}

/// A recipient name for every donor-bound name of `stmt`, of the same kind
/// (see the module's header); `None` when one has none.
fn rename_map(
    stmt: &Stmt,
    donor_target: Option<&str>,
    site: &Site,
    donor_bound: &BTreeSet<String>,
    rng: &mut StdRng,
) -> Option<BTreeMap<String, String>> {
    let assigned = assigned_by(stmt);
    let mut map = BTreeMap::new();
    for name in names_of(stmt) {
        if !donor_bound.contains(&name) {
            continue;
        }
        let stored = assigned.contains(&name);
        let to = match (&site.target, donor_target) {
            (Some(t), Some(d)) if d == name && !stored => t.clone(),
            _ => {
                let pool = if stored {
                    &site.assignable
                } else {
                    &site.readable
                };
                let same_kind: Vec<&String> =
                    pool.iter().filter(|c| kind(c) == kind(&name)).collect();
                (*same_kind.get(pick(rng, same_kind.len()))?).clone()
            }
        };
        map.insert(name, to);
    }
    Some(map)
}

/// Renames every name `stmt` reads or assigns by `map`.
fn rename_stmt(stmt: &mut Stmt, map: &BTreeMap<String, String>) {
    fn name(n: &mut String, map: &BTreeMap<String, String>) {
        if let Some(to) = map.get(n.as_str()) {
            *n = to.clone();
        }
    }
    fn target(t: &mut Target, map: &BTreeMap<String, String>) {
        match t {
            Target::Name(n) => name(n, map),
            Target::Unpack(ts) => ts.iter_mut().for_each(|t| target(t, map)),
            Target::Starred(t) => target(t, map),
            Target::Attr { .. } | Target::Subscript { .. } => {}
        }
    }
    fn expr(e: &mut Expr, map: &BTreeMap<String, String>) {
        if let Expr::Name(n) = e {
            name(n, map);
        }
        e.for_each_child_mut(&mut |c| expr(c, map));
    }
    match stmt {
        Stmt::Assign { target: t, .. } | Stmt::AugAssign { target: t, .. } => name(t, map),
        Stmt::Unpack { targets, .. } => targets.iter_mut().for_each(|t| target(t, map)),
        Stmt::If { body, orelse, .. } => {
            // The test is renamed below; the nested statements here.
            for s in body.iter_mut().chain(orelse.iter_mut()) {
                rename_targets(s, map);
            }
        }
        _ => {}
    }
    stmt.for_each_expr_mut(&mut |e| expr(e, map));

    fn rename_targets(s: &mut Stmt, map: &BTreeMap<String, String>) {
        match s {
            Stmt::Assign { target: t, .. } | Stmt::AugAssign { target: t, .. } => name(t, map),
            Stmt::Unpack { targets, .. } => targets.iter_mut().for_each(|t| target(t, map)),
            Stmt::If { body, orelse, .. } => {
                for s in body.iter_mut().chain(orelse.iter_mut()) {
                    rename_targets(s, map);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitdiff_vm::lang::{parse_program, unparse};
    use rand::SeedableRng;

    const RECIPIENT: &str = "g0 = 3\nls0 = [1, 2]\ndef f0(p0):\n    x1 = 0\n    w2 = 0\n    for i3 in range(p0):\n        x1 += i3 * g0\n        while w2 < 3:\n            w2 += 1\n    return x1\nfor i4 in range(50):\n    g0 = f0(i4) % 7\nprint(g0, ls0)\n";

    const DONOR: &str = "g0 = 5\ng1 = 2\nst0 = 'abc'\nls0 = [3]\ndef f0(p0, p1):\n    x1 = 1\n    for i2 in range(p0):\n        x1 = x1 * 3 % 101 + len(st0)\n        ls0.append(x1 + i2)\n        if x1 > p1:\n            x1 -= g1\n    return x1\nfor i3 in range(40):\n    g1 = f0(i3, 9) + g0\n    st0 = st0[1:] + st0[0]\nprint(g1)\n";

    fn spliced(seeds: std::ops::Range<u64>) -> Vec<String> {
        let (r, d) = (
            parse_program(RECIPIENT).unwrap(),
            parse_program(DONOR).unwrap(),
        );
        seeds
            .filter_map(|seed| {
                let mut rng = StdRng::seed_from_u64(seed);
                splice(&r, &d, &mut rng).map(|m| unparse(&m))
            })
            .collect()
    }

    /// Every splice adds one statement to a loop, parses, and names only
    /// what is bound where it lands; the while counter is never assigned.
    #[test]
    fn spliced_programs_parse_and_keep_loops_ending() {
        let texts = spliced(0..200);
        assert!(texts.len() > 60, "only {} of 200 splices", texts.len());
        for t in &texts {
            parse_program(t).unwrap_or_else(|e| panic!("{e:?}\n{t}"));
            let added = t.lines().count() - RECIPIENT.lines().count();
            assert!((1..=4).contains(&added), "{t}");
            assert!(!t.contains("w2 =") || t.matches("w2 =").count() == 1, "{t}");
            assert!(
                !t.contains("w2 +=") || t.matches("w2 +=").count() == 1,
                "{t}"
            );
            // The donor's string global has no counterpart of its kind.
            assert!(!t.contains("st0"), "{t}");
        }
    }

    /// A function's statement lands in a function's loop with the
    /// parameter and local renamed, and a module-level one with the loop
    /// variable renamed; a function never assigns a global.
    #[test]
    fn names_become_the_recipients_of_the_same_kind() {
        let texts = spliced(0..200);
        assert!(
            texts
                .iter()
                .any(|t| t.contains("        if x1 > p0:\n            x1 -= g0\n")),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("        ls0.append(x1 + i3)\n")),
            "{texts:#?}"
        );
        assert!(
            !texts.iter().any(|t| t.contains("        g0 = ")),
            "{texts:#?}"
        );
    }
}
