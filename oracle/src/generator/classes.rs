//! The `classes` swarm feature: after a program is generated, append one or
//! two *class kernels*, each a small class hierarchy driven by a hot loop in
//! one of the shapes that broke CPython's JIT where the optimizer trusts a
//! fact about a class that the program can change (lafleur's mutators):
//!
//! - a base-class method or class attribute rebound at iteration K of a hot
//!   loop, directly or from a callee, between two calls that see it (type
//!   versions and the type watcher, gh-148398), half the time after the
//!   trace came to rely on another class's version as well;
//! - `obj.__class__` swapped mid-loop between classes that lay their
//!   attributes out in different orders (gh-149239);
//! - a loop over instances of classes with different attribute layouts (a
//!   type-version guard is all that tells them apart);
//! - an attribute added to an instance, or a method shadowed by an instance
//!   attribute, after the loop specialized on its shape;
//! - `__slots__`, static and class methods, class-attribute counters,
//!   `super()` chains three classes deep, `isinstance` in the loop;
//! - properties with setters read and stored in a hot loop, overridden in
//!   a subclass that reads its base's through `super()`, and replaced by a
//!   plain class attribute at iteration K (stores then go to the instance);
//! - `@dataclass` records (an `__init__` with a default and a factory,
//!   `__post_init__`, `__eq__` and `order=True`'s `__lt__` written by the
//!   front end) created and compared in a hot loop that switches to a
//!   dataclass subclass at iteration K, whose comparisons with the base
//!   decline (`NotImplemented`) into TypeErrors caught in the loop;
//! - rarely, a missing attribute read at iteration K (an AttributeError
//!   raised from a trace).
//!
//! Kernels are Python templates whose constants, operators, trip counts,
//! iteration K and mutation sites come from the bytes left after the
//! program, parsed by the front end and appended, so programs without the
//! feature are unchanged. Names start with `Cls`/`cls` and a kernel number,
//! which the other features never use.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// The kernels, by shape. Each takes its holes from [`Holes`].
const KERNELS: [fn(&Holes) -> String; 9] = [
    rebind_through_base,
    class_swap,
    polymorphic_layouts,
    late_attribute,
    slots_and_decorators,
    super_chain,
    properties,
    dataclass_records,
    missing_attribute,
];

/// The random parts of one kernel.
struct Holes {
    /// Class prefix (`Cls0`) and function prefix (`cls0`).
    cls: String,
    fun: String,
    /// Small constants, never 0.
    k: [i64; 4],
    /// Arithmetic operators (`+ - *`).
    op: [&'static str; 3],
    /// Loop trip count and the iteration the mutation happens at.
    n: u32,
    at: u32,
    /// A second iteration, after `at`.
    at2: u32,
    /// Mutation from a callee rather than inline.
    from_callee: bool,
    /// Which of two alternatives (the class that is mutated, the method or
    /// the attribute, ...).
    pick: [bool; 3],
    /// A float constant in place of an int one.
    float: bool,
}

/// Appends kernels to `m` (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 35));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
        // The missing-attribute kernel ends the program: rare.
        let which = if which == KERNELS.len() - 1 && !chance(u, 25) {
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
    let mut op = || -> &'static str {
        match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => "+",
            1 => "-",
            _ => "*",
        }
    };
    let op = [op(), op(), op()];
    let n = 40 + u.int_in_range(0..=260u32).unwrap_or(0);
    let at = u.int_in_range(0..=n - 1).unwrap_or(0);
    let at2 = at + u.int_in_range(1..=n - at).unwrap_or(1);
    Holes {
        cls: format!("Cls{index}"),
        fun: format!("cls{index}"),
        k,
        op,
        n,
        at,
        at2,
        from_callee: chance(u, 50),
        pick: [chance(u, 50), chance(u, 50), chance(u, 50)],
        float: chance(u, 20),
    }
}

impl Holes {
    /// Constant `i`, or a float near it.
    fn c(&self, i: usize) -> String {
        if self.float && i == 0 {
            format!("{}.5", self.k[i])
        } else {
            self.k[i].to_string()
        }
    }
}

/// A base-class method (or class attribute) rebound at iteration K, inline
/// or from a callee, between two calls through a subclass instance.
fn rebind_through_base(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let target = if h.pick[0] { "Base" } else { "Kid" };
    let change = if h.pick[1] {
        format!("{c}{target}.val = {f}_alt")
    } else {
        format!("{c}{target}.bonus = {}", h.c(2))
    };
    let (poke_def, poke_call) = super::rebind_at(f, h.at, &change, h.from_callee);
    // Half the time an unrelated object's method is called twice first, so
    // the trace relies on that class's version (its second guard removed)
    // before the rebound one's: the type watcher must look past the first
    // version an executor relies on.
    let (tally_class, tally_make, tally_use) = if h.pick[2] {
        (
            format!(
                "class {c}Tally:\n    def __init__(self, n):\n        self.n = n\n    def get(self):\n        return self.n\n"
            ),
            format!("    w = {c}Tally({})\n", h.k[2]),
            "        t += w.get() + w.get()\n",
        )
    } else {
        (String::new(), String::new(), "")
    };
    format!(
        "class {c}Base:\n    bonus = {b}\n    def val(self, i):\n        return i {o0} self.bonus\n\
         class {c}Kid({c}Base):\n    def __init__(self, k):\n        self.k = k\n    def val2(self, i):\n        return super().val(i) + self.k\n\
         {tally_class}\
         def {f}_alt(self, i):\n    return i {o1} {k1}\n\
         {poke_def}\
         def {f}_run(n):\n    o = {c}Kid({k3})\n{tally_make}    t = 0\n    for i in range(n):\n{tally_use}        t += o.val(i)\n{poke_call}        t += o.val(i) + o.val2(i)\n    return t\n\
         print({f}_run({n}), {c}Kid.bonus)\n",
        b = h.c(0),
        o0 = h.op[0],
        o1 = h.op[1],
        k1 = h.k[1],
        k3 = h.k[3],
        n = h.n,
    )
}

/// `obj.__class__` swapped at iteration K (and back at K2) between classes
/// whose instances lay `x` and `y` out in opposite orders.
fn class_swap(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let swap_back = if h.pick[0] {
        format!(
            "        if i == {}:\n            a.__class__ = {c}A\n",
            h.at2
        )
    } else {
        String::new()
    };
    format!(
        "class {c}A:\n    def __init__(self):\n        self.x = {k0}\n        self.y = {k1}\n    def f(self):\n        return self.x {o0} self.y\n\
         class {c}B:\n    def __init__(self):\n        self.y = {k2}\n        self.x = {k3}\n    def f(self):\n        return self.y {o1} self.x\n\
         def {f}_run(n):\n    a = {c}A()\n    b = {c}B()\n    t = 0\n    for i in range(n):\n        t += a.f() + a.x + b.f()\n        if i == {at}:\n            a.__class__ = {c}B\n{swap_back}        if isinstance(a, {c}B):\n            t += 1\n    return t\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        o0 = h.op[0],
        o1 = h.op[1],
        at = h.at,
        n = h.n,
    )
}

/// A loop over instances of two classes whose `a` and `b` sit at different
/// shared-keys indices; the odd one joins at iteration K, or from the start.
fn polymorphic_layouts(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let late = if h.pick[0] {
        format!(
            "        if i == {}:\n            objs.append({c}B({}))\n",
            h.at, h.k[3]
        )
    } else {
        String::new()
    };
    let start = if h.pick[0] {
        String::new()
    } else {
        format!(", {c}B({})", h.k[3])
    };
    format!(
        "class {c}A:\n    def __init__(self, v):\n        self.a = v\n        self.b = v {o0} {k0}\n\
         class {c}B:\n    def __init__(self, v):\n        self.b = v\n        self.c = {k1}\n        self.a = v {o1} {k2}\n\
         def {f}_run(n):\n    objs = [{c}A(1), {c}A(2){start}]\n    t = 0\n    for i in range(n):\n        for o in objs:\n            t += o.a {o2} o.b\n{late}    return t\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        o0 = h.op[0],
        o1 = h.op[1],
        o2 = h.op[2],
        n = h.n,
    )
}

/// An attribute added to one instance, and a method shadowed by an instance
/// attribute on another, after the loop has run K times.
fn late_attribute(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let shadow = if h.pick[0] {
        format!("            o.get = {f}_other\n")
    } else {
        format!("            {c}.get = {f}_method\n")
    };
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v\n    def get(self):\n        return self.v {o0} {k0}\n\
         def {f}_other():\n    return {k1}\n\
         def {f}_method(self):\n    return self.v {o1} {k2}\n\
         def {f}_run(n):\n    o = {c}({k3})\n    q = {c}(2)\n    t = 0\n    for i in range(n):\n        t += o.get() + q.v\n        if i == {at}:\n            q.extra = i\n{shadow}        if i > {at}:\n            t += q.extra\n    return t\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        o0 = h.op[0],
        o1 = h.op[1],
        at = h.at,
        n = h.n,
    )
}

/// A `__slots__` class with a class-attribute counter, a static and a
/// class method, in a loop that makes an instance per iteration and calls
/// the class method through the class (a factory, as real code calls
/// one); and a class that no store changes (so loads of its attributes
/// stay specialized) whose class method, called through it and through a
/// subclass, must still be bound to the class it was loaded from; half
/// the time the subclass overrides it with one that calls the base's
/// through `super()` (bound to the subclass) and its static method.
fn slots_and_decorators(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let slots = if h.pick[0] {
        "    __slots__ = ('x', 'y')\n"
    } else {
        ""
    };
    let sub_body = if h.pick[1] {
        "    @classmethod\n    def of(cls, v):\n        return super().of(v) + super().twice(v % 3)\n"
    } else {
        "    pass\n"
    };
    format!(
        "class {c}:\n{slots}    count = 0\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n        {c}.count += 1\n\
         \x20   @staticmethod\n    def mix(a, b):\n        return a {o0} b\n\
         \x20   @classmethod\n    def make(cls, v):\n        return cls(v, v + {k0})\n\
         \x20   def norm(self):\n        return {c}.mix(self.x, self.y)\n\
         class {c}F:\n    @classmethod\n    def of(cls, v):\n        return v * {k2} if cls is {c}F else -v\n    @staticmethod\n    def twice(v):\n        return v + v\n\
         class {c}G({c}F):\n{sub_body}\
         def {f}_run(n):\n    t = 0\n    p = {c}.make({k1})\n    for i in range(n):\n        q = {c}(i, p.x)\n        t += q.norm() + p.mix(i, {k2}) + {c}.make(i % 5).y\n        t += {c}F.of(i % 7) + {c}G.of(i % 3) + {c}F.twice(i)\n        p.x = q.y % 7\n    return t + {c}.count\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        o0 = h.op[0],
        n = h.n,
    )
}

/// A property with a setter on a base, overridden in a subclass whose
/// getter reads the base's through `super()`, read (or read by name with
/// `getattr`/`hasattr`) and stored in a hot loop
/// over instances of both; at iteration K the base's or the subclass's
/// property becomes a plain class attribute (stores then shadow it on the
/// instance).
fn properties(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let target = if h.pick[0] { "Base" } else { "Kid" };
    // The read by name half the time (`getattr`/`hasattr` run the getter).
    let read = if h.pick[2] {
        "(getattr(o, 'val') if hasattr(o, 'val') else 0)"
    } else {
        "o.val"
    };
    format!(
        "class {c}Base:\n    def __init__(self, v):\n        self.val = v\n\
         \x20   @property\n    def val(self):\n        return self._v {o0} {k0}\n\
         \x20   @val.setter\n    def val(self, x):\n        self._v = x % 1000\n\
         class {c}Kid({c}Base):\n\
         \x20   @property\n    def val(self):\n        return super().val {o1} {k1}\n\
         \x20   @val.setter\n    def val(self, x):\n        self._v = (x + {k2}) % 1000\n\
         def {f}_run(n):\n    objs = [{c}Base(1), {c}Kid(2)]\n    t = 0\n    for i in range(n):\n        if i == {at}:\n            {c}{target}.val = {k3}\n        o = objs[i % 2]\n        o.val = i\n        t = (t + {read}) % 100000\n    return t, objs[0].val, objs[1].val\n\
         print({f}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        at = h.at,
        n = h.n,
    )
}

/// Three classes deep with `super()`; a method of the middle or the root
/// class rebound at iteration K.
fn super_chain(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let target = if h.pick[0] { "1" } else { "0" };
    let change = format!("{c}{target}.f = {f}_g");
    let (poke_def, poke_call) = super::rebind_at(f, h.at, &change, h.from_callee);
    format!(
        "class {c}0:\n    def f(self, i):\n        return i {o0} {k0}\n\
         class {c}1({c}0):\n    def f(self, i):\n        return super().f(i) + {k1}\n\
         class {c}2({c}1):\n    def __init__(self):\n        super().__init__()\n        self.w = {k2}\n\
         def {f}_g(self, i):\n    return {k3}\n\
         {poke_def}\
         def {f}_run(n):\n    o = {c}2()\n    t = 0\n    for i in range(n):\n        t += o.f(i) + o.w\n{poke_call}        t += o.f(i)\n    return t\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        k1 = h.k[1],
        k2 = h.k[2],
        k3 = h.k[3],
        o0 = h.op[0],
        n = h.n,
    )
}

/// A hot loop that reads an attribute no instance has at iteration K: the
/// AttributeError leaves the trace and ends the program.
/// `@dataclass` records made and compared in a hot loop that switches to
/// a dataclass subclass at iteration K.
fn dataclass_records(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let order = h.pick[0];
    let post_init = if h.pick[1] {
        format!(
            "    def __post_init__(self):\n        self.vals.append(self.key {o0} {k0})\n",
            o0 = h.op[0],
            k0 = h.k[0]
        )
    } else {
        String::new()
    };
    let less = if order {
        "r < best"
    } else {
        "r.key < best.key"
    };
    let tail = if order {
        format!("sorted(s for s in seen if type(s) is {c})[:3]")
    } else {
        "seen[:2]".to_string()
    };
    format!(
        "from dataclasses import dataclass, field\n\
         @dataclass(order={order})\nclass {c}:\n    key: int\n    name: str = 'n'\n    vals: list = field(default_factory=list, compare=False, repr=False)\n{post_init}\
         @dataclass\nclass {c}Sub({c}):\n    extra: float = {k1}.5\n\
         def {f}_run(n):\n    best = None\n    seen = []\n    t = 0\n    errs = 0\n    for i in range(n):\n        r = {c}(i % {m}, 'r') if i < {at} else {c}Sub(i % {m}, 's')\n        if r == {c}(1, 'r'):\n            t += 1\n        try:\n            if best is None or {less}:\n                best = r\n        except TypeError:\n            errs += 1\n        t += len(r.vals) + r.key\n        if i % 37 == 0:\n            seen.append(r)\n    return t, errs, best, {tail}\n\
         print({f}_run({n}))\n",
        k1 = h.k[1],
        m = h.k[2].abs() + 2,
        at = h.at,
        n = h.n,
        order = if order { "True" } else { "False" },
    )
}

fn missing_attribute(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    format!(
        "class {c}:\n    def __init__(self):\n        self.a = {k0}\n\
         def {f}_run(n):\n    o = {c}()\n    t = 0\n    for i in range(n):\n        t += o.a\n        if i == {at}:\n            t += o.missing\n    return t\n\
         print({f}_run({n}))\n",
        k0 = h.c(0),
        at = h.at,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel, with every pick, parses.
    #[test]
    fn every_kernel_parses_in_every_variant() {
        for (i, kernel) in KERNELS.iter().enumerate() {
            for bits in 0..16u8 {
                let h = Holes {
                    cls: "Cls0".into(),
                    fun: "cls0".into(),
                    k: [3, -2, 5, 7],
                    op: ["+", "-", "*"],
                    n: 50,
                    at: 10,
                    at2: 30,
                    from_callee: bits & 1 != 0,
                    pick: [bits & 2 != 0, bits & 4 != 0, bits & 8 != 0],
                    float: bits & 1 != 0,
                };
                let src = kernel(&h);
                if let Err(e) = jitdiff_vm::lang::parse_program(&src) {
                    panic!("kernel {i} variant {bits}: {e}\n{src}");
                }
            }
        }
    }
}
