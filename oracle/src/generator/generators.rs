//! The `generators` swarm feature: after a program is generated, append one
//! or two *generator kernels*, each a generator function (or expression)
//! driven by a hot loop in one of the shapes that stress a JIT around
//! suspended frames (lafleur's generator mutators):
//!
//! - a generator consumed partly from a hot loop, `next(g, default)` at
//!   iteration K and every few iterations (the loop's trace ends at the
//!   resume; the generator's saved frame holds its loop iterator), or, for
//!   an odd period, `g.send(v)` into `x = yield ...` (values and None sent
//!   alternately, StopIteration's value caught once the generator returns,
//!   and a non-None value sent to a generator not started yet);
//! - a generator whose body has a hot loop of its own (a trace inside the
//!   generator's frame), yielding every few iterations;
//! - `yield from` chains three deep, over generators, lists and ranges;
//! - a generator expression over hot data whose free variable is rebound
//!   at iteration K (late binding: the value at the time it runs);
//! - generators returning early, then stepped past their end with a
//!   default;
//! - a generator drained by `next(g, [])` in a loop longer than it;
//! - generators raising at a point that moves with the loop, caught by the
//!   consumer, which then pulls again from the finished generator (it
//!   yields nothing more: `next` gives the default, `sum` 0);
//! - generators of fresh lists spread whole by `[*g]`, `f(*g)` and
//!   `print(*g)` (each item is held only by the spreading code until the
//!   list it joins is stored: under +gcstress a collection there must
//!   keep it);
//! - yields inside `try` bodies: a hot loop in the generator raising
//!   between two yields at iteration K and every few iterations (inside
//!   its trace), caught by an inner or an outer handler of the generator's
//!   own frame, `else:` after a clean step, a `return` value read from
//!   StopIteration, a delegated generator's error caught around `yield
//!   from`, and a second generator abandoned while suspended in the `try`.
//!
//! Kernels are Python templates whose constants, operators, trip counts
//! and iteration K come from the bytes left after the program, parsed by
//! the front end and appended, so programs without the feature are
//! unchanged. Names start with `gk` and a kernel number, which the other
//! features never use. No generator is left in a global: a generator's
//! repr depends on its identity, and the final globals are compared.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// The kernels, by shape. Each takes its holes from [`Holes`].
const KERNELS: [fn(&Holes) -> String; 9] = [
    partial_next,
    loop_inside,
    yield_from_chain,
    late_binding,
    early_return,
    drained_by_default,
    raises_midway,
    spread_whole,
    guarded_yields,
];

/// The random parts of one kernel.
struct Holes {
    /// Name prefix (`gk0`).
    p: String,
    /// Small constants, never 0.
    k: [i64; 4],
    /// Arithmetic operators (`+ - *`).
    op: [&'static str; 2],
    /// The hot loop's trip count, the generator's, and iteration K.
    n: u32,
    m: u32,
    at: u32,
    /// A period (2..=9).
    step: u32,
}

/// Appends kernels to `m` (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 35));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
        let src = KERNELS[which](&holes(u, i));
        // Every template parses (a test checks each); should one not, the
        // program is simply left as it was.
        if let Ok(k) = parse_generated(&src) {
            m.body.extend(k.body);
        }
    }
}

fn holes(u: &mut Unstructured, index: usize) -> Holes {
    let small = |u: &mut Unstructured| -> i64 {
        let v = u.int_in_range(1..=9i64).unwrap_or(1);
        if chance(u, 30) { -v } else { v }
    };
    let k = [small(u), small(u), small(u), small(u)];
    let mut op = || -> &'static str {
        match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => "+",
            1 => "-",
            _ => "*",
        }
    };
    let op = [op(), op()];
    let n = 40 + u.int_in_range(0..=160u32).unwrap_or(0);
    let m = 3 + u.int_in_range(0..=27u32).unwrap_or(0);
    let at = u.int_in_range(0..=n - 1).unwrap_or(0);
    let step = u.int_in_range(2..=9u32).unwrap_or(2);
    Holes {
        p: format!("gk{index}"),
        k,
        op,
        n,
        m,
        at,
        step,
    }
}

/// `next(g, default)` at iteration K and every `step` iterations of a hot
/// loop, over a generator shorter or longer than the loop needs; for an odd
/// `step`, [`partial_send`] (drawing nothing, so other programs stay as
/// they were).
fn partial_next(h: &Holes) -> String {
    if h.step % 2 == 1 {
        return partial_send(h);
    }
    let p = &h.p;
    format!(
        "def {p}_src(n):\n    i = 0\n    while i < n:\n        yield i {o0} {k0}\n        i += 1\n\
         def {p}_run(n):\n    g = {p}_src({m})\n    t = 0\n    for i in range(n):\n        t += i {o1} {k1}\n        if i == {at} or i % {step} == 0:\n            t += next(g, {k2})\n    return t\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        m = h.m,
        at = h.at,
        step = h.step,
        n = h.n,
    )
}

/// `g.send(v)` at iteration K and every `step` iterations of a hot loop:
/// the generator stores what it is sent (`got = yield ...`), and None (what
/// `next` sends) takes the other branch. Past its end `send` raises
/// StopIteration, with the return value the first time.
fn partial_send(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n):\n    i = 0\n    got = None\n    while i < n:\n        if got is None:\n            got = yield i {o0} {k0}\n        else:\n            got = yield got {o0} i\n        i += 1\n    return i {o1} {k1}\n\
         def {p}_run(n):\n    g = {p}_src({m})\n    t = next(g)\n    fresh = {p}_src(2)\n    try:\n        fresh.send({k2})\n    except TypeError as e:\n        t += len(str(e))\n    for i in range(n):\n        t += i {o1} {k1}\n        if i == {at} or i % {step} == 0:\n            try:\n                t += g.send(i % 7 if i % 3 else None)\n            except StopIteration as e:\n                t += {k3} if e.value is None else e.value\n    return t\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        m = h.m,
        at = h.at,
        step = h.step,
        n = h.n,
    )
}

/// A hot loop inside the generator's body, yielding every `step`
/// iterations; the consumer keeps a list of what it got.
fn loop_inside(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n):\n    t = 0\n    data = [j {o0} {k0} for j in range(n)]\n    for j in range(n):\n        t += data[j] {o1} {k1}\n        if j % {step} == 1:\n            yield t\n    yield -t\n\
         def {p}_run(n):\n    out = []\n    for v in {p}_src(n):\n        out.append(v % 1000)\n    return out\n\
         print({p}_run({n})[-5:], sum({p}_run({m})))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        step = h.step,
        n = h.n,
        m = h.m,
    )
}

/// `yield from` three deep, over a generator that returns a value, a list
/// and a second run of the chain.
fn yield_from_chain(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_leaf(n):\n    for j in range(n):\n        yield j {o0} {k0}\n    return n\n\
         def {p}_mid(n):\n    yield {k1}\n    yield from {p}_leaf(n)\n    yield from [{k2}, {k3}]\n\
         def {p}_top(n):\n    yield from {p}_mid(n)\n    yield from {p}_mid(n // 2)\n\
         def {p}_run(n):\n    t = 0\n    c = 0\n    for v in {p}_top(n):\n        t += v\n        c += 1\n    return t, c\n\
         print({p}_run({n}), list({p}_top({step})))\n",
        o0 = h.op[0],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        step = h.step,
        n = h.n,
    )
}

/// A generator expression over hot data, made before its free variable is
/// rebound at iteration K and consumed after: it sees the new value.
fn late_binding(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_run(n):\n    k = {k0}\n    data = list(range({m}))\n    t = 0\n    for i in range(n):\n        g = (x {o0} k for x in data if x % {step} != 0)\n        if i == {at}:\n            k = {k1}\n        t += sum(g)\n    return t\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        k0 = h.k[0],
        k1 = h.k[1],
        m = h.m,
        step = h.step,
        at = h.at,
        n = h.n,
    )
}

/// Generators that return early (at a point that moves with the loop),
/// stepped past their end with defaults.
fn early_return(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n, stop):\n    for j in range(n):\n        if j == stop:\n            return j * {k0}\n        yield j {o0} {k1}\n\
         def {p}_run(n):\n    t = 0\n    for i in range(n):\n        for v in {p}_src({m}, i % {step}):\n            t += v\n        g = {p}_src(3, i % 2)\n        t += next(g, {k2}) + next(g, {k3}) + next(g, 0)\n    return t\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        m = h.m,
        step = h.step,
        n = h.n,
    )
}

/// A generator of lists drained by `next(g, [])` in a loop longer than
/// it, then a fresh one consumed whole.
fn drained_by_default(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n):\n    for j in range(n):\n        yield [j, j {o0} {k0}]\n\
         def {p}_run(n):\n    g = {p}_src({m})\n    first = []\n    t = 0\n    for i in range(n):\n        item = next(g, [])\n        if not item:\n            t += {k1}\n        else:\n            t += item[1]\n            first.append(item[0])\n    return t, len(first), list({p}_src({step}))\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        k0 = h.k[0],
        k1 = h.k[1],
        m = h.m,
        step = h.step,
        n = h.n,
    )
}

/// Generators that raise partway (one long-lived, one made per iteration
/// that raises at a point moving with the loop), caught around the
/// consumer, which then pulls again: a generator whose frame raised is
/// finished, so `next` gives its default, `sum` 0 and `list` `[]`.
fn raises_midway(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n, bad):\n    for j in range(n):\n        if j == bad:\n            raise ValueError(j {o0} {k0})\n        yield j {o1} {k1}\n\
         def {p}_run(n):\n    t = 0\n    errors = 0\n    g = {p}_src({m}, {m} // 2)\n    for i in range(n):\n        try:\n            t += next(g, {k2})\n        except ValueError as e:\n            errors += 1\n            t += e.args[0]\n        h = {p}_src(4, i % {step})\n        try:\n            for v in h:\n                t += v\n        except ValueError:\n            errors += 1\n        t += sum(h) + len(list(h)) + next(h, {k3})\n    return t, errors\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        m = h.m,
        step = h.step,
        n = h.n,
    )
}

/// A generator of fresh two-item lists spread by a list display, into a
/// user function's `*args` and into `print`, with a length moving with
/// the loop (0 included: an empty spread).
fn spread_whole(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n):\n    for j in range(n):\n        yield [j, j {o0} {k0}]\n\
         def {p}_pair(*items):\n    if items:\n        return len(items) + items[-1][1]\n    return {k1}\n\
         def {p}_run(n):\n    t = 0\n    for i in range(n):\n        got = [*{p}_src(i % {step} + {m} // 3), [{k2}]]\n        t += got[-2][0] if len(got) > 1 else got[0][0]\n        t += {p}_pair(*{p}_src(i % {step})) {o1} len(got)\n    print(*{p}_src({step}))\n    return t\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        m = h.m,
        step = h.step,
        n = h.n,
    )
}

/// Yields inside `try` bodies (handlers that let GeneratorExit through,
/// as the front end requires): the generator's hot loop raises
/// ZeroDivisionError every `step` iterations (in its trace) and KeyError
/// at iteration K, caught by the inner and the outer handler of its own
/// frame; the consumer reads the `return` value from StopIteration,
/// abandons a second generator suspended in the `try`, and drives one
/// that catches its delegate's error around `yield from`.
fn guarded_yields(h: &Holes) -> String {
    let p = &h.p;
    format!(
        "def {p}_src(n, bad):\n    t = 0\n    for j in range(n):\n        try:\n            try:\n                if j == bad:\n                    raise KeyError(j)\n                v = {k0} * 12 // (j % {step} - 1)\n                yield v {o0} t\n            except ZeroDivisionError:\n                t += {k1}\n            else:\n                t -= 1\n        except LookupError as e:\n            t += e.args[0]\n    return t\n\
         def {p}_inner(j):\n    yield j\n    if j % {step} == 0:\n        raise ValueError(j)\n    yield -j\n\
         def {p}_wrap(n):\n    for j in range(n):\n        try:\n            yield from {p}_inner(j)\n        except ValueError as e:\n            if e.args[0] > n:\n                break\n            continue\n\
         def {p}_run(n):\n    g = {p}_src(n, {at})\n    total = 0\n    while True:\n        try:\n            total += next(g)\n        except StopIteration as e:\n            total += e.value\n            break\n    h = {p}_src(n, {at})\n    for v in h:\n        total += v {o1} 2\n        if v > {m}:\n            break\n    total += next(h, {k2})\n    total += sum({p}_wrap({m}))\n    return total\n\
         print({p}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        m = h.m,
        at = h.at,
        step = h.step,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel parses, with operators of each kind and periods of
    /// both parities (`partial_next` sends for an odd one).
    #[test]
    fn every_kernel_parses() {
        for (i, kernel) in KERNELS.iter().enumerate() {
            for (op, step) in [("+", 3), ("-", 2), ("*", 3), ("*", 4)] {
                let h = Holes {
                    p: "gk0".into(),
                    k: [3, -2, 5, 7],
                    op: [op, op],
                    n: 50,
                    m: 10,
                    at: 10,
                    step,
                };
                let src = kernel(&h);
                if let Err(e) = jitdiff_vm::lang::parse_program(&src) {
                    panic!("kernel {i} with {op}: {e}\n{src}");
                }
            }
        }
    }
}
