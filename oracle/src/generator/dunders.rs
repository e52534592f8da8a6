//! The `dunders` swarm feature: after a program is generated, append one
//! or two *dunder kernels*, user classes whose operator and protocol
//! methods run in hot loops, in the shapes that break a JIT that trusts
//! what it saw a dunder do (lafleur's mutators):
//!
//! - `__bool__` and `__eq__` with side effects (a global counter) tested
//!   in a hot loop's conditions, `not` and `!=`;
//! - `__add__` (and `__radd__`, sometimes an alias of it) rebound on the
//!   class at iteration K, inline or from a callee, while the loop adds
//!   instances;
//! - a container class (`__len__`, `__getitem__`, `__setitem__`,
//!   `__iter__`, `__contains__`, `__call__`) read, written and called
//!   (with a keyword half the time) in hot loops;
//! - rich comparisons reflected across a subclass (`__lt__` on one side,
//!   `__gt__` on the other) tracking a minimum;
//! - `__repr__` and `__str__` printed alone and inside lists;
//! - the unary `-` and `abs()` and `/`, `//` and a reflected `%` on a value
//!   class in a hot loop, `__neg__` rebound on the class at iteration K or
//!   the operand turning into an int there;
//! - builtins that compare instances by their `__lt__` and `__eq__`
//!   (`in`, `index`, `remove`, `sort`, `sorted` by a tuple key, `min`,
//!   `max`) on a small list in a hot loop, counting the calls, with
//!   `__lt__` or `__eq__` rebound on the class at iteration K;
//! - `NotImplemented` returned by `__add__`, `__radd__`, `__eq__` and
//!   `__lt__` for operands of another type, in a hot loop whose operand
//!   turns from an int into an instance of the same class or of a class
//!   that answers the reflected operation at iteration K (the reflected
//!   method, identity or the TypeError follow, as in CPython), and `sum`
//!   of a list of them;
//! - the iterator protocol: an iterable class whose `__iter__` makes an
//!   iterator of another class (`__next__` raising StopIteration, or a
//!   subclass of it with an argument), walked by a loop nested in a hot
//!   loop, pulled by `next(it, default)` or `next(it)` under `try` past
//!   its end, unpacked, searched with `in`, summed, and the iterator
//!   class's `__next__` rebound at iteration K (inline or from a callee),
//!   next to an iterator whose `__next__` raises a ValueError part way
//!   through a loop (caught around it: only StopIteration ends a loop);
//! - a class with `__eq__` and `__hash__` (colliding hashes, one of them
//!   -1) as dict keys, set elements and inside tuple keys in a hot loop
//!   (`get`, `setdefault`, `in`, `add`, `discard`, `del`), every `__hash__`
//!   counted, `__eq__` rebound on the class at iteration K, the set printed
//!   in its table order, and a subclass that inherits the hash or defines
//!   `__eq__` alone (unhashable).
//!
//! Kernels are Python templates whose constants, operators, trip counts
//! and iteration K come from the bytes left after the program, parsed by
//! the front end and appended, so programs without the feature are
//! unchanged. Names start with `Dun`/`dun` and a kernel number, which the
//! other features never use. Every result stays a small int.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// The kernels, by shape. Each takes its holes from [`Holes`].
const KERNELS: [fn(&Holes) -> String; 10] = [
    bool_eq_effects,
    add_rebound,
    container,
    reflected_order,
    reprs,
    unary_division,
    ordered_items,
    declines,
    user_iterators,
    hashed_keys,
];

struct Holes {
    cls: String,
    fun: String,
    /// Small constants, never 0.
    k: [i64; 3],
    /// Arithmetic operators (`+ - *`).
    op: [&'static str; 2],
    /// Loop trip count and the iteration the mutation happens at.
    n: u32,
    at: u32,
    from_callee: bool,
    pick: [bool; 2],
}

/// Appends kernels to `m` (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 35));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
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
    let k = [small(u), small(u), small(u)];
    let mut op = || -> &'static str {
        match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => "+",
            1 => "-",
            _ => "*",
        }
    };
    let op = [op(), op()];
    let n = 40 + u.int_in_range(0..=260u32).unwrap_or(0);
    let at = u.int_in_range(0..=n - 1).unwrap_or(0);
    Holes {
        cls: format!("Dun{index}"),
        fun: format!("dun{index}"),
        k,
        op,
        n,
        at,
        from_callee: chance(u, 50),
        pick: [chance(u, 50), chance(u, 50)],
    }
}

/// `__bool__` and `__eq__` counting their calls in a global, tested in a
/// hot loop (`if`, `not`, `!=`, `and`).
fn bool_eq_effects(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let test = if h.pick[0] {
        format!(
            "if {c}(i % 5) == {c}({k0} % 5) and not {c}(i % 3):",
            k0 = h.k[0]
        )
    } else {
        format!(
            "if {c}(i % 4) != {c}(i % 2) or {c}(i % {m}):",
            m = h.k[1].abs() + 1
        )
    };
    format!(
        "{f}_calls = 0\n\
         class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __eq__(self, o):\n        global {f}_calls\n        {f}_calls += 1\n        return self.v == o.v\n    def __bool__(self):\n        global {f}_calls\n        {f}_calls += 1\n        return self.v != 0\n\
         def {f}_run(n):\n    t = 0\n    for i in range(n):\n        {test}\n            t += i {o0} {k2}\n    return t\n\
         print({f}_run({n}), {f}_calls)\n",
        o0 = h.op[0],
        k2 = h.k[2],
        n = h.n,
    )
}

/// `__add__` rebound on the class at iteration K (inline or from a
/// callee) while the loop adds instances and ints (`__radd__`). Half the
/// time `__radd__` is an alias (`__radd__ = __add__`), which keeps the old
/// function once `__add__` is rebound.
fn add_rebound(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let change = format!("{c}.__add__ = {f}_alt");
    let (poke_def, poke_call) = super::rebind_at(f, h.at, &change, h.from_callee);
    let radd = if h.pick[0] {
        format!("        a = {k1} + a\n", k1 = h.k[1])
    } else {
        String::new()
    };
    let radd_def = if h.pick[1] {
        "    __radd__ = __add__\n".to_string()
    } else {
        format!("    def __radd__(self, o):\n        return {c}(o + self.v)\n")
    };
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v % 1000\n    def __add__(self, o):\n        return {c}(self.v {o0} o)\n{radd_def}\
         def {f}_alt(self, o):\n    return {c}(self.v {o1} o {o0} {k0})\n\
         {poke_def}\
         def {f}_run(n):\n    a = {c}(1)\n    for i in range(n):\n{poke_call}        a = a + i\n{radd}    return a.v\n\
         print({f}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        n = h.n,
    )
}

/// A container class read, written and iterated in hot loops.
fn container(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let size = h.k[0].unsigned_abs() + 2;
    let probe = if h.pick[0] {
        format!("        if i % {size} in box:\n            t += 1\n")
    } else {
        "        if box:\n            t += len(box)\n".to_string()
    };
    // The instance called (`__call__`), by position or by keyword.
    let call = if h.pick[1] {
        "box(i)".to_string()
    } else {
        format!("box(i, d={})", h.k[2])
    };
    format!(
        "class {c}:\n    def __init__(self, n):\n        self.items = [0] * n\n    def __len__(self):\n        return len(self.items)\n    def __getitem__(self, i):\n        return self.items[i % len(self.items)]\n    def __setitem__(self, i, v):\n        self.items[i % len(self.items)] = v % 1000\n    def __iter__(self):\n        return iter(self.items)\n    def __contains__(self, x):\n        return x in self.items\n    def __call__(self, i, d=0):\n        return self.items[i % len(self.items)] + d\n\
         def {f}_run(n):\n    box = {c}({size})\n    t = 0\n    for i in range(n):\n        box[i] += i {o0} {k1}\n{probe}        t += box[i + 1] + {call}\n    for x in box:\n        t += x\n    return t % 100000\n\
         print({f}_run({n}), len({c}({size})), callable({c}(1)))\n",
        o0 = h.op[0],
        k1 = h.k[1],
        n = h.n,
    )
}

/// `__lt__` on a base, `__gt__` on a subclass: `a < b` with the subclass
/// on the right tries its reflected `__gt__` first.
fn reflected_order(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __lt__(self, o):\n        return self.v < o.v\n\
         class {c}Sub({c}):\n    def __gt__(self, o):\n        return self.v {cmp} o.v\n\
         def {f}_run(n):\n    best = {c}(100000)\n    hits = 0\n    for i in range(n):\n        x = {c}Sub((i * {k0}) % 97)\n        if x < best:\n            best = x\n        if {c}(i % 7) < x:\n            hits += 1\n    return best.v, hits\n\
         print({f}_run({n}))\n",
        cmp = if h.pick[0] { ">" } else { "<" },
        k0 = h.k[0].abs() + 1,
        n = h.n,
    )
}

/// `__repr__` and `__str__` printed alone, through `str()` in a hot loop,
/// and inside a list.
fn reprs(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __repr__(self):\n        return '{c}(' + str(self.v) + ')'\n\
         class {c}S({c}):\n    def __str__(self):\n        return 's' + str(self.v {o0} {k0})\n\
         def {f}_run(n):\n    out = []\n    t = 0\n    for i in range(n):\n        t += len(str({c}S(i))) + len(repr({c}(i)))\n        if i % {m} == 0:\n            out.append({c}(i))\n    return t, out\n\
         print({f}_run({n}), {c}S(1), [{c}S(2)])\n",
        o0 = h.op[0],
        k0 = h.k[0],
        m = h.k[1].unsigned_abs() * 10 + 7,
        n = h.n,
    )
}

/// `-a`, `abs(a)`, `a // k`, `a / 2` and `i % a` (`__rmod__`) of a value
/// class in a hot loop; at iteration K either `__neg__` is rebound on the
/// class or `a` becomes a plain int, so the generic unary and binary uops
/// that called the dunders run the builtin operations from then on.
fn unary_division(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let change = if h.pick[0] {
        format!("{c}.__neg__ = {f}_alt")
    } else {
        format!("a = {}", h.k[2])
    };
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v % 97 + 1\n    def __neg__(self):\n        return {c}(-self.v {o0} {k0})\n    def __abs__(self):\n        return self.v\n    def __floordiv__(self, o):\n        return {c}(self.v // o)\n    def __truediv__(self, o):\n        return {c}(self.v * 2 // o)\n    def __rmod__(self, o):\n        return o % self.v\n\
         def {f}_alt(self):\n    return {c}(self.v {o1} {k1})\n\
         def {f}_run(n):\n    a = {c}({k1})\n    t = 0\n    for i in range(n):\n        if i == {at}:\n            {change}\n        a = -a\n        b = a // {d}\n        t += abs(a) + i % a + abs(b) + int(abs(a / 2))\n    return t\n\
         print({f}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        d = h.k[0].abs() + 1,
        at = h.at,
        n = h.n,
    )
}

/// A small list of instances kept by `in`/`index`/`remove`, sorted
/// (`list.sort`, or `sorted` by a `(v % 2, item)` key whose ties compare
/// items) and searched by `min`/`max` (`max` reaches `__lt__` reflected)
/// in a hot loop, every comparison counted; at iteration K `__lt__` (or
/// `__eq__`) is rebound on the class, inline or from a callee, so the
/// builtins' calls change methods mid-loop.
fn ordered_items(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let rebind = if h.pick[0] {
        format!("{c}.__lt__ = {f}_gt")
    } else {
        format!("{c}.__eq__ = {f}_mod_eq")
    };
    let (poke_def, poke) = if h.from_callee {
        (
            format!("def {f}_poke():\n    {rebind}\n"),
            format!("{f}_poke()"),
        )
    } else {
        (String::new(), rebind)
    };
    let sort = if h.pick[1] {
        "xs.sort()".to_string()
    } else {
        "xs = sorted(xs, key=lambda o: (o.v % 2, o), reverse=True)".to_string()
    };
    format!(
        "{f}_calls = 0\n\
         class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __lt__(self, o):\n        global {f}_calls\n        {f}_calls += 1\n        return self.v < o.v\n    def __eq__(self, o):\n        global {f}_calls\n        {f}_calls += 1\n        return isinstance(o, {c}) and self.v == o.v\n\
         def {f}_gt(self, o):\n    return self.v > o.v\n\
         def {f}_mod_eq(self, o):\n    return self.v % 3 == o.v % 3\n\
         {poke_def}\
         def {f}_run(n):\n    xs = []\n    t = 0\n    for i in range(n):\n        if i == {at}:\n            {poke}\n        x = {c}((i {o0} {k0}) % 7)\n        if x in xs:\n            t += xs.index(x)\n            xs.remove(x)\n        else:\n            xs.append(x)\n        if len(xs) > {len}:\n            {sort}\n            t += xs[0].v - max(xs).v + min(xs).v\n            xs.pop()\n    return t, [o.v for o in xs]\n\
         print({f}_run({n}), {f}_calls)\n",
        o0 = h.op[0],
        k0 = h.k[0],
        len = h.k[1].abs() % 5 + 2,
        at = h.at,
        n = h.n,
    )
}

/// Operators that decline with `NotImplemented` for operands of another
/// type; the operand turns from an int into an instance at iteration K.
fn declines(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let later = if h.pick[0] {
        format!("{c}W(i)")
    } else {
        format!("{c}(i)")
    };
    format!(
        "class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __add__(self, o):\n        if isinstance(o, {c}):\n            return {c}(self.v {o0} o.v)\n        if isinstance(o, int):\n            return {c}(self.v {o1} o)\n        return NotImplemented\n    def __radd__(self, o):\n        if isinstance(o, int):\n            return {c}(o {o0} self.v)\n        return NotImplemented\n    def __eq__(self, o):\n        if isinstance(o, {c}):\n            return self.v == o.v\n        return NotImplemented\n    def __lt__(self, o):\n        if isinstance(o, {c}):\n            return self.v < o.v\n        return NotImplemented\n\
         class {c}W:\n    def __init__(self, v):\n        self.v = v\n    def __radd__(self, o):\n        if isinstance(o, {c}):\n            return {c}(o.v - self.v)\n        return NotImplemented\n    def __eq__(self, o):\n        return isinstance(o, {c}) and o.v % 7 == self.v % 7\n\
         def {f}_run(n):\n    a = {c}(1)\n    w = {c}W({k1})\n    hits = 0\n    errs = 0\n    for i in range(n):\n        x = i if i < {at} else {later}\n        try:\n            a = a + x\n        except TypeError:\n            errs += 1\n        if a == w or a == {c}(i % 5) or {k0} + a == x:\n            hits += 1\n        try:\n            if a < x:\n                hits += 2\n        except TypeError:\n            errs += 1\n        a = {c}(a.v % 1000)\n        hits += sum([a, {c}(i % 3)], {c}(0)).v % 3\n    return a.v, hits, errs\n\
         print({f}_run({n}))\n",
        o0 = h.op[0],
        o1 = h.op[1],
        k0 = h.k[0],
        k1 = h.k[1],
        at = h.at,
        n = h.n,
    )
}

/// An iterable whose `__iter__` makes a user iterator, walked by loops
/// nested in a hot loop and pulled one item at a time past its end, with
/// the iterator class's `__next__` rebound at iteration K. `__next__`
/// counts its calls (printed last): a tier that calls it once more or less
/// than CPython, say again after the end, shows.
fn user_iterators(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let change = format!("{c}It.__next__ = {f}_alt");
    let (poke_def, poke_call) = super::rebind_at(f, h.at, &change, h.from_callee);
    // Exhaustion by StopIteration itself, or by a subclass with an argument.
    let stop = if h.pick[0] {
        "StopIteration".to_string()
    } else {
        format!("{c}Stop(self.i)")
    };
    // The long-lived iterator pulled past its end: a default, or the
    // StopIteration caught.
    let pull = if h.pick[1] {
        "        t += next(held, -1)\n".to_string()
    } else {
        "        try:\n            t += next(held)\n        except StopIteration:\n            t -= 1\n"
            .to_string()
    };
    format!(
        "class {c}Stop(StopIteration):\n    pass\n\
         {c}_pulls = [0]\n\
         class {c}It:\n    def __init__(self, n, step):\n        self.i = 0\n        self.n = n\n        self.step = step\n    def __iter__(self):\n        return self\n    def __next__(self):\n        {c}_pulls[0] += 1\n        if self.i >= self.n:\n            raise {stop}\n        self.i += 1\n        return self.i * self.step {o0} {k0}\n\
         class {c}:\n    def __init__(self, n):\n        self.n = n\n    def __iter__(self):\n        return {c}It(self.n, {k1})\n\
         def {f}_alt(self):\n    if self.i >= self.n - 1:\n        raise StopIteration\n    self.i += 2\n    return -self.i\n\
         class {c}Bad:\n    def __init__(self, n):\n        self.i = 0\n        self.n = n\n    def __iter__(self):\n        return self\n    def __next__(self):\n        self.i += 1\n        if self.i > self.n:\n            raise ValueError(self.i)\n        return self.i\n\
         {poke_def}\
         def {f}_run(n):\n    t = 0\n    held = {c}It(n // 2, 1)\n    for i in range(n):\n{poke_call}        for x in {c}(i % {len}):\n            t += x\n{pull}        try:\n            for x in {c}Bad(i % 4):\n                t += x\n        except ValueError as e:\n            t += e.args[0]\n        if i % 5 == 0:\n            a, *b = {c}(3)\n            t += a + len(b) + sum({c}(i % 4)) + ({k2} in {c}(4))\n    t += max({c}It(3, {k1}), default=0)\n    return t % 100000\n\
         print({f}_run({n}), list({c}(3)), sorted({c}(4), key=lambda v: -v), {c}_pulls[0])\n",
        o0 = h.op[0],
        k0 = h.k[0],
        k1 = h.k[1],
        k2 = h.k[2],
        len = h.k[2].unsigned_abs() % 4 + 2,
        n = h.n,
    )
}

/// Instances of a class with `__eq__` and `__hash__` as keys and elements
/// in a hot loop (module comment). The hash `v % m - 1` makes the eleven
/// values collide, so lookups run `__eq__` (rebound at iteration K to an
/// equivalent one), and it is -1 for a multiple of `m`, which CPython
/// stores as -2. The `__hash__` calls are counted, not the `__eq__` ones:
/// after a deletion CPython may probe keys of one hash in an order other
/// than their insertion order (a later key can take a freed index slot),
/// which changes how many `__eq__` calls a lookup makes (not its result,
/// since the equality is consistent with the hash), and neither the VM
/// nor the reference models its index slots.
fn hashed_keys(h: &Holes) -> String {
    let (c, f) = (&h.cls, &h.fun);
    let rebind = format!("{c}.__eq__ = {f}_eq2");
    let (poke_def, poke) = if h.from_callee {
        (
            format!("def {f}_poke():\n    {rebind}\n"),
            format!("{f}_poke()"),
        )
    } else {
        (String::new(), rebind)
    };
    let sub = if h.pick[1] {
        format!("class {c}S({c}):\n    pass\n")
    } else {
        format!("class {c}S({c}):\n    def __eq__(self, o):\n        return self is o\n")
    };
    format!(
        "{f}_calls = 0\n\
         class {c}:\n    def __init__(self, v):\n        self.v = v\n    def __eq__(self, o):\n        return isinstance(o, {c}) and self.v == o.v\n    def __hash__(self):\n        global {f}_calls\n        {f}_calls += 1\n        return self.v % {m} - 1\n    def __repr__(self):\n        return '{c}(' + str(self.v) + ')'\n\
         {sub}\
         def {f}_eq2(self, o):\n    return type(o) in ({c}, {c}S) and not self.v != o.v\n\
         {poke_def}\
         def {f}_run(n):\n    counts = {{}}\n    seen = set()\n    for i in range(n):\n        if i == {at}:\n            {poke}\n        k = {c}((i {o0} {k0}) % 11)\n        counts[k] = counts.get(k, 0) + 1\n        if k in seen:\n            seen.discard(k)\n        else:\n            seen.add(k)\n        pair = (k, i % 2)\n        counts[pair] = counts.setdefault(pair, 0) + i\n        if i % {every} == 0 and k in counts:\n            del counts[k]\n    return sorted(counts.values()), seen\n\
         {f}_tot, {f}_seen = {f}_run({n})\n\
         print({f}_tot[:8], len({f}_tot), {f}_calls)\n\
         print({f}_seen, {{{c}(j): j for j in range(4)}})\n\
         try:\n    print(hash({c}(0)), {c}S(4) in {f}_seen, {c}(4) in {{{c}S(4)}})\nexcept TypeError as e:\n    print('TypeError', e)\n",
        m = h.k[1].abs() % 5 + 2,
        every = h.k[2].abs() % 4 + 3,
        o0 = h.op[0],
        k0 = h.k[0],
        at = h.at,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel, for a spread of holes, parses in the language.
    #[test]
    fn every_kernel_parses() {
        for seed in 0..40u8 {
            let bytes: Vec<u8> = (0..64)
                .map(|i| seed.wrapping_mul(31).wrapping_add(i))
                .collect();
            let mut u = Unstructured::new(&bytes);
            let h = holes(&mut u, 0);
            for k in KERNELS {
                let src = k(&h);
                jitdiff_vm::lang::parse_program(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
            }
        }
    }
}
