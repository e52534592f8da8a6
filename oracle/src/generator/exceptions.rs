//! The `exceptions` swarm feature: after a program is generated, append one
//! or two *exception kernels*, each a hot loop whose `try` statements meet
//! exceptions in the shapes that break a JIT's error paths (lafleur's
//! mutators; gh-140104's class, a frame named wrongly after an exception
//! left a trace):
//!
//! - a callee that raises at iteration K of a hot loop, caught outside the
//!   loop (the trace's error exit unwinds the whole function) or inside it
//!   (the loop goes on, re-entering its trace);
//! - operations that raise inside the trace (a missing dict key, an index
//!   past the end, a division by zero, an unsupported operand) caught in
//!   the same iteration, with `else:` and `finally:` counters;
//! - user exception classes deriving from built-in ones, with `__init__`
//!   and attributes, caught by a base class or a tuple, re-raised with a
//!   bare `raise` or `raise ... from` to an outer handler;
//! - handlers that raise and re-raise, in nested `try` statements: an
//!   exception raised in a handler, a bare `raise` from a helper a handler
//!   calls, and a handler with no name that allocates before its bare
//!   `raise` (the exception being handled is then rooted by nothing but
//!   the exception state);
//! - `break`, `continue` and `return` leaving a `try` with a `finally:` at
//!   iteration K;
//! - a module-level loop whose `except ... as name` unbinds a global each
//!   time (the globals' keys change under the trace);
//! - names deleted under a hot loop: a local `del`eted every few
//!   iterations and probed by a bare `name` statement (its only use, so its
//!   UnboundLocalError is all the statement does), and a global deleted by
//!   a callee at iteration K, its NameError rebinding it.
//!
//! Kernels are Python templates whose constants, trip counts and
//! iterations come from the bytes left after the program, parsed by the
//! front end and appended, so programs without the feature are unchanged.
//! Names start with `Exc`/`exc` and a kernel number, which the other
//! features never use.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// The kernels, by shape. Each takes its holes from [`Holes`].
const KERNELS: [fn(&Holes) -> String; 8] = [
    callee_raises_at_k,
    raised_in_the_trace,
    user_hierarchy,
    leaving_finally,
    nested_handlers,
    module_level_handler,
    deleted_names,
    // Last: `rewrite` makes it rare.
    escapes_the_program,
];

/// The random parts of one kernel.
struct Holes {
    /// Class prefix (`Exc0`) and function prefix (`exc0`).
    cls: String,
    fun: String,
    /// Small constants, never 0.
    k: [i64; 4],
    /// Loop trip count, an iteration in it, and a period (>= 2).
    n: u32,
    at: u32,
    every: u32,
    /// Which of two alternatives.
    pick: [bool; 4],
}

/// Appends kernels to `m` (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 35));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
        // The uncaught kernel ends the program: rare.
        let which = if which == KERNELS.len() - 1 && !chance(u, 20) {
            0
        } else {
            which
        };
        let holes = holes(u, i);
        let src = KERNELS[which](&holes);
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
    let n = 30 + u.int_in_range(0..=270u32).unwrap_or(0);
    let at = u.int_in_range(0..=n - 1).unwrap_or(0);
    let every = u.int_in_range(2..=13u32).unwrap_or(2);
    Holes {
        cls: format!("Exc{index}"),
        fun: format!("exc{index}"),
        k,
        n,
        at,
        every,
        pick: [chance(u, 50), chance(u, 50), chance(u, 50), chance(u, 50)],
    }
}

/// A callee raising at iteration K (or every M iterations), caught outside
/// the loop or inside it.
fn callee_raises_at_k(h: &Holes) -> String {
    let f = &h.fun;
    let when = if h.pick[0] {
        format!("i == {}", h.at)
    } else {
        format!("i % {} == {}", h.every, h.every - 1)
    };
    let exc = if h.pick[1] {
        "ValueError(i)"
    } else {
        "KeyError(i)"
    };
    let body = if h.pick[2] {
        // Caught outside: the first raise ends the loop.
        format!(
            "def {f}_run(n):\n    t = 0\n    try:\n        for i in range(n):\n            t += {f}_step(i)\n    except LookupError as e:\n        t += 1000 + e.args[0]\n    except ValueError as e:\n        t -= 1000 + e.args[0]\n    return t\n"
        )
    } else {
        format!(
            "def {f}_run(n):\n    t = 0\n    for i in range(n):\n        try:\n            t += {f}_step(i)\n        except (ValueError, KeyError) as e:\n            t += e.args[0] % {k1}\n        else:\n            t += 1\n    return t\n",
            k1 = h.k[1].abs() + 1,
        )
    };
    format!(
        "def {f}_step(i):\n    if {when}:\n        raise {exc}\n    return i * {k0}\n\
         {body}print({f}_run({n}))\n",
        k0 = h.k[0],
        n = h.n,
    )
}

/// Operations that raise inside the trace, caught in the same iteration.
fn raised_in_the_trace(h: &Holes) -> String {
    let f = &h.fun;
    let (setup, op, caught) = match (h.pick[0], h.pick[1]) {
        (true, true) => (
            format!("    d = {{0: {}, 1: {}}}\n", h.k[0], h.k[1]),
            format!("d[i % {}]", h.every + 1),
            "KeyError",
        ),
        // A list, a tuple or a str of three items indexed up to past its
        // end: each has its own subscript uop and bounds check.
        (true, false) => (
            match h.k[3].rem_euclid(3) {
                0 => format!("    xs = [{}, {}, {}]\n", h.k[0], h.k[1], h.k[2]),
                1 => format!("    xs = ({}, {}, {})\n", h.k[0], h.k[1], h.k[2]),
                _ => "    xs = 'abc'\n".to_string(),
            },
            if h.k[3].rem_euclid(3) == 2 {
                format!("len(xs[i % {}])", h.every + 2)
            } else {
                format!("xs[i % {}]", h.every + 2)
            },
            "IndexError",
        ),
        (false, true) => (
            String::new(),
            format!("{} // (i % {})", h.k[0], h.every),
            "ZeroDivisionError",
        ),
        (false, false) => (
            "    vals = [1, 'a', 2.5, None]\n".to_string(),
            format!("vals[i % 4] + {}", h.k[2]),
            "TypeError",
        ),
    };
    let fin = if h.pick[2] {
        "        finally:\n            done += 1\n"
    } else {
        ""
    };
    format!(
        "def {f}_run(n):\n{setup}    t = 0\n    errs = 0\n    done = 0\n    for i in range(n):\n        try:\n            t += {op}\n        except {caught} as e:\n            errs += 1\n            last = str(e)\n        else:\n            t += 1\n{fin}    return t, errs, done\n\
         print({f}_run({n}))\n",
        n = h.n,
    )
}

/// User exception classes deriving from built-in ones, caught by a base
/// or a tuple, re-raised to an outer handler.
fn user_hierarchy(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let reraise = if h.pick[0] {
        format!(
            "            if e.code % {} == 0:\n                raise\n",
            h.every
        )
    } else {
        format!(
            "            if e.code % {} == 0:\n                raise {c}Other(e.code) from e\n",
            h.every
        )
    };
    format!(
        "class {c}Base(ValueError):\n    pass\n\
         class {c}Coded({c}Base):\n    def __init__(self, code, why='bad'):\n        super().__init__(why, code)\n        self.code = code\n\
         class {c}Other(LookupError):\n    pass\n\
         def {f}_check(i):\n    if i % {m} == {r}:\n        raise {c}Coded(i)\n    if i == {at}:\n        raise {c}Base('at', i)\n    return i {op} {k0}\n\
         def {f}_inner(n):\n    t = 0\n    for i in range(n):\n        try:\n            t += {f}_check(i)\n        except {c}Coded as e:\n            t += len(e.args) + e.code\n{reraise}        except ({c}Other, {c}Base) as e:\n            t -= 1\n    return t\n\
         def {f}_run(n):\n    try:\n        return {f}_inner(n)\n    except {c}Base as e:\n        return ('base', str(e), repr(e))\n    except LookupError as e:\n        return ('lookup', e.args)\n\
         print({f}_run({n}))\n",
        m = h.every + 1,
        r = h.every / 2,
        at = h.at,
        op = if h.pick[1] { "+" } else { "*" },
        k0 = h.k[0],
        n = h.n,
    )
}

/// `break`, `continue` or `return` leaving a `try` with a `finally:`.
fn leaving_finally(h: &Holes) -> String {
    let f = &h.fun;
    let leave = match (h.pick[0], h.pick[1]) {
        (true, _) => "break",
        (false, true) => "continue",
        (false, false) => "return t, fin",
    };
    format!(
        "def {f}_run(n):\n    t = 0\n    fin = 0\n    for i in range(n):\n        try:\n            if i == {at}:\n                {leave}\n            if i % {m} == 0:\n                continue\n            t += i {op} {k0}\n        finally:\n            fin += 1\n    return t, fin\n\
         print({f}_run({n}))\n",
        at = h.at,
        m = h.every,
        op = if h.pick[2] { "+" } else { "-" },
        k0 = h.k[0],
        n = h.n,
    )
}

/// An exception raised in a handler, a bare `raise` from a helper called
/// in a handler after a `try` of its own handled another exception (the
/// re-raised one is the outer handler's again), a handler without a name
/// that allocates and then re-raises (only the exception state holds
/// what it re-raises), nested `try` statements.
fn nested_handlers(h: &Holes) -> String {
    let f = &h.fun;
    format!(
        "def {f}_again():\n    raise\n\
         def {f}_run(n):\n    t = 0\n    for i in range(n):\n        try:\n            try:\n                if i % {m} == 0:\n                    raise ValueError(i)\n                t += {k0}\n            except ValueError as e:\n                try:\n                    t += [][i]\n                except IndexError:\n                    t += 1\n                    if i % {m2} == {m}:\n                        t += len(str([i] * 3))\n                        raise\n                if i % {m2} == 0:\n                    {f}_again()\n                t += e.args[0]\n                if i == {at}:\n                    raise KeyError('k')\n        except ValueError:\n            t -= {k1}\n        except KeyError as e:\n            t += len(str(e))\n        except IndexError as e:\n            t += len(e.args) + {k1}\n    return t\n\
         print({f}_run({n}))\n",
        m = h.every,
        m2 = h.every * 2,
        k0 = h.k[0],
        k1 = h.k[1],
        at = h.at,
        n = h.n,
    )
}

/// A module-level loop whose handler binds and unbinds a global.
fn module_level_handler(h: &Holes) -> String {
    let f = &h.fun;
    format!(
        "{f}_t = 0\n{f}_errs = []\n\
         for {f}_i in range({n}):\n    try:\n        {f}_t += {k0} // ({f}_i % {m})\n    except ZeroDivisionError as {f}_e:\n        {f}_errs.append({f}_i)\n    finally:\n        {f}_t += 1\n\
         print({f}_t, len({f}_errs))\n",
        n = h.n.min(120),
        k0 = h.k[0],
        m = h.every,
    )
}

/// A local deleted at the end of every `every`th iteration and probed by a
/// bare statement at the top of the next (bound before the loop, so only
/// knowing that a `del` may have run makes the read a checked one; the
/// probe's only effect is its UnboundLocalError), and a global
/// deleted by a callee at iteration K (the globals' keys shrink under the
/// trace), its NameError caught and the name bound again.
fn deleted_names(h: &Holes) -> String {
    let f = &h.fun;
    let op = if h.pick[0] { "+" } else { "*" };
    format!(
        "{f}_g = {k3}\n{f}_h = {k2}\n\
         def {f}_drop():\n    global {f}_g\n    del {f}_g\n\
         def {f}_run(n):\n    global {f}_g\n    t = 0\n    v = {k0}\n    for i in range(n):\n        try:\n            v\n            t += {k1}\n        except UnboundLocalError:\n            t -= 1\n            v = i\n        if i == {at}:\n            {f}_drop()\n        try:\n            t += {f}_g {op} {f}_h\n        except NameError:\n            {f}_g = i % 7\n        if i % {every} == {phase}:\n            del v\n    return t\n\
         print({f}_run({n}))\n",
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        every = h.every,
        phase = h.at % h.every,
        at = h.at,
        n = h.n,
    )
}

/// An exception that nothing catches: a user class or a built-in one ends
/// the program with CPython's type and message.
fn escapes_the_program(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let raise = if h.pick[0] {
        format!("raise {c}Fatal('stop', i)")
    } else {
        "raise RuntimeError('stop at %d' % i)".to_string()
    };
    format!(
        "class {c}Fatal(Exception):\n    pass\n\
         def {f}_run(n):\n    t = 0\n    for i in range(n):\n        t += i\n        if i == {at}:\n            try:\n                {raise}\n            finally:\n                print('finally', t)\n    return t\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_parses_for_every_choice() {
        for pick in 0..16u8 {
            for (every, k3) in [(2, 1), (5, -4), (13, 9)] {
                let h = Holes {
                    cls: "Exc0".into(),
                    fun: "exc0".into(),
                    k: [3, -2, 7, k3],
                    n: 50,
                    at: 7,
                    every,
                    pick: [pick & 1 != 0, pick & 2 != 0, pick & 4 != 0, pick & 8 != 0],
                };
                for (i, kernel) in KERNELS.iter().enumerate() {
                    let src = kernel(&h);
                    if let Err(e) = jitdiff_vm::lang::parse_program(&src) {
                        panic!("kernel {i} pick {pick}: {e}\n{src}");
                    }
                }
            }
        }
    }
}
