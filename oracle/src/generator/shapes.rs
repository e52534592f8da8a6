//! The `shape_changes` swarm feature: after a program is generated, append
//! one to three *shape-change kernels*, each a hot loop whose use site of a
//! value specialized on it (a type, a builtin, a class attribute) until the
//! value changes at iteration K. They exist because a long campaign's
//! coverage (`jitdiff coverage`) showed these guards never failing and
//! these uops never traced: a bug in their exits (the frame they restore,
//! the stack they keep) could not be found.
//!
//! - a local that changes container type (list, tuple, str, dict, None)
//!   before one use: unpacking (`_GUARD_TOS_LIST`/`_TUPLE`), truth
//!   (`_TO_BOOL_LIST`/`_STR`/`_NONE`), iteration (`_ITER_CHECK_LIST`/
//!   `_TUPLE`), subscripts (`_GUARD_NOS_TUPLE`/`_UNICODE`), `in`
//!   (`_GUARD_TOS_DICT`);
//! - a list or tuple unpacked in a loop that changes length (the type guard
//!   holds, the unpacking's length check fails: `_UNPACK_SEQUENCE_*`);
//! - a local bound to a builtin (`len`, `isinstance`, `abs`, `max`) rebound
//!   to a function of the same arity (`_GUARD_CALLABLE_LEN`/`_ISINSTANCE`,
//!   `_CHECK_CALLABLE_BUILTIN`);
//! - a class attribute read through the class and rebound (inline or from
//!   a callee), next to an instance attribute that some instances shadow
//!   and others do not (`_CHECK_ATTR_CLASS`, `_LOAD_ATTR_INSTANCE_VALUE`);
//! - `super()` and a static method in a method's loop (`_LOAD_SUPER_ATTR`,
//!   `_LOAD_METHOD_CLASS`), a cell
//!   stored in a loop (`_STORE_DEREF`) and a function with a default made
//!   in one (`_SET_FUNCTION_DEFAULTS`);
//! - an operand of a specialized operation retyped: floats in arithmetic
//!   and comparisons becoming ints, a str subscripted or a dict subscripted
//!   or searched becoming a list, ints and None tested for truth becoming
//!   other types, a called function rebound to one with a default, a
//!   divisor becoming 0, a list unpacked becoming a tuple, a list built
//!   in the loop and subscripted built as a tuple from then on, in a side
//!   trace that still guards for a list (see [`operand_retype`] for the
//!   guard each makes fail).
//!
//! - a subscript (of a str, list or tuple, or a store into a list) whose
//!   index in a hot loop runs through every valid index and then exactly
//!   one past the bound, in a `try` (see [`index_bounds`]);
//! - int arithmetic and comparisons of constants in a hot loop (promoted
//!   globals, locals bound to literals) with boundary values, which the
//!   optimizer folds (see [`constant_operands`]).
//!
//! Kernels are Python templates whose types, use sites, constants, trip
//! counts and iteration K come from the bytes left after the program,
//! parsed by the front end and appended, so programs without the feature
//! are unchanged. Names start with `Shp`/`shp` and a kernel number, which
//! the other features never use.

use arbitrary::Unstructured;

use super::chance;
use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// A container type a local starts or ends as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    List,
    Tuple,
    Str,
    Dict,
    None,
}

/// Where the changing local is used in the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    Unpack,
    Truth,
    Iterate,
    Subscript,
    Contains,
}

const SHAPES: [Shape; 5] = [
    Shape::List,
    Shape::Tuple,
    Shape::Str,
    Shape::Dict,
    Shape::None,
];
const USES: [Use; 5] = [
    Use::Unpack,
    Use::Truth,
    Use::Iterate,
    Use::Subscript,
    Use::Contains,
];

impl Use {
    /// Whether `shape` works at this use without raising (a str's items
    /// are digits, which `in` with an int key would reject; None has no
    /// items).
    fn allows(self, shape: Shape) -> bool {
        match self {
            Use::Truth => true,
            Use::Unpack | Use::Iterate => shape != Shape::None,
            Use::Subscript => matches!(shape, Shape::List | Shape::Tuple | Shape::Str),
            Use::Contains => matches!(shape, Shape::List | Shape::Tuple | Shape::Dict),
        }
    }

    /// The loop body's lines for this use of `v` (eight spaces in).
    fn body(self) -> &'static str {
        match self {
            Use::Unpack => "        a, b = v\n        t += (a == b) + 1\n",
            Use::Truth => "        if v:\n            t += 1\n",
            Use::Iterate => "        for x in v:\n            c += 1\n",
            Use::Subscript => "        t += (v[i % 2] == v[0]) + 2\n",
            Use::Contains => "        if K in v:\n            t += 3\n",
        }
    }
}

/// A value of `shape` holding `a` and `b` (two items).
fn literal(shape: Shape, a: i64, b: i64) -> String {
    match shape {
        Shape::List => format!("[{a}, {b}]"),
        Shape::Tuple => format!("({a}, {b})"),
        Shape::Str => format!("'{}{}'", a.rem_euclid(10), b.rem_euclid(10)),
        Shape::Dict => format!("{{{a}: 1, {b}: 2}}"),
        Shape::None => "None".into(),
    }
}

/// The kernels, by kind. Each takes its holes from [`Holes`].
/// `operand_retype` is listed twice: it stands for seventeen guards, the
/// others for one to four.
const KERNELS: [fn(&Holes) -> String; 9] = [
    retype,
    rebind_builtin,
    class_attribute,
    super_cells,
    unpack_length,
    operand_retype,
    operand_retype,
    index_bounds,
    constant_operands,
];

/// The random parts of one kernel.
struct Holes {
    /// Prefix of every name (`shp0`, class `Shp0`).
    fun: String,
    cls: String,
    /// Small constants.
    k: [i64; 3],
    /// Loop trip count and the iteration the change happens at.
    n: u32,
    at: u32,
    /// Index choices (a shape pair, a use, a builtin).
    pick: [usize; 3],
    /// Change from a callee rather than inline.
    from_callee: bool,
}

/// Appends kernels to `m` (see the module comment).
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    let count = 1 + usize::from(chance(u, 50)) + usize::from(chance(u, 25));
    for i in 0..count {
        let which = u.choose_index(KERNELS.len()).unwrap_or(0);
        let holes = holes(u, i);
        // Every template parses (a test checks each); should one not, the
        // program is simply left as it was.
        if let Ok(k) = parse_generated(&KERNELS[which](&holes)) {
            m.body.extend(k.body);
        }
    }
}

fn holes(u: &mut Unstructured, index: usize) -> Holes {
    let mut k = [
        u.int_in_range(-9..=9i64).unwrap_or(1),
        u.int_in_range(-9..=9i64).unwrap_or(2),
        u.int_in_range(-9..=9i64).unwrap_or(3),
    ];
    // Two distinct items: a dict display of them has two keys.
    if k[1] == k[0] {
        k[1] = k[0] + 1;
    }
    let n = 30 + u.int_in_range(0..=170u32).unwrap_or(0);
    // Late enough that the loop is hot (and traced) before the change.
    let at = n / 4 + u.int_in_range(0..=n - n / 4 - 1).unwrap_or(0);
    let pick = [
        u.int_in_range(0..=63usize).unwrap_or(0),
        u.int_in_range(0..=63usize).unwrap_or(0),
        u.int_in_range(0..=63usize).unwrap_or(0),
    ];
    Holes {
        fun: format!("shp{index}"),
        cls: format!("Shp{index}"),
        k,
        n,
        at,
        pick,
        from_callee: chance(u, 50),
    }
}

/// A local of one shape used at one site of a hot loop, rebound to another
/// shape the site also accepts at iteration K.
fn retype(h: &Holes) -> String {
    let used = USES[h.pick[0] % USES.len()];
    let shapes: Vec<Shape> = SHAPES.into_iter().filter(|&s| used.allows(s)).collect();
    let from = shapes[h.pick[1] % shapes.len()];
    let others: Vec<Shape> = shapes.into_iter().filter(|&s| s != from).collect();
    let to = others[h.pick[2] % others.len()];
    let [a, b, _] = h.k;
    let f = &h.fun;
    format!(
        "def {f}_run(n):\n    v = {start}\n    t = 0\n    c = 0\n    for i in range(n):\n        \
         if i == {at}:\n            v = {next}\n{body}    return (t, c, v)\n\
         print({f}_run({n}))\n",
        start = literal(from, a, b),
        next = literal(to, b, a),
        at = h.at,
        body = used.body().replace('K', &a.to_string()),
        n = h.n,
    )
}

/// The kinds of [`operand_retype`]: the guard each one makes fail.
const OPERAND_RETYPES: usize = 18;

/// One operand of a specialized operation in a hot loop changes type (or
/// value) at iteration K, so the guard the specialization put in the trace
/// fails: a float operand becoming an int below (`_GUARD_NOS_FLOAT`) and
/// on top of the stack (`_GUARD_TOS_FLOAT`) of arithmetic, and below a
/// comparison; a str subscripted becoming a list (`_GUARD_NOS_UNICODE`); a
/// dict subscripted and stored into becoming a list (`_GUARD_NOS_DICT`); a
/// dict tested with `in` becoming a list, tuple or set (`_GUARD_TOS_DICT`);
/// an int tested for truth becoming another type (`_TO_BOOL_INT`); None
/// tested for truth becoming an int or a str (`_TO_BOOL_NONE`); a local
/// function called with one argument rebound to one with a default
/// (`_CHECK_FUNCTION_EXACT_ARGS`); a divisor becoming 0 inside a `try`
/// (`_BINARY_OP_MODULO_INT` and `_FLOOR_DIVIDE_INT` leave the trace); a
/// list unpacked becoming a tuple (`_GUARD_TOS_LIST`) and a tuple a list
/// (`_GUARD_TOS_TUPLE`), and a tuple subscripted becoming a list
/// (`_GUARD_NOS_TUPLE`); a list and a str tested for truth becoming other
/// types (`_TO_BOOL_LIST`, `_TO_BOOL_STR`); a tuple iterated becoming a
/// list (`_ITER_CHECK_TUPLE`); an instance joining a loop over instances
/// that lacks the attribute read (its class has it:
/// `_LOAD_ATTR_INSTANCE_VALUE`) or has no room for the one stored (made
/// before the class's instances had it: `_STORE_ATTR_INSTANCE_VALUE`); a
/// list built and subscripted in the loop built as a tuple instead, or the
/// reverse (`_GUARD_NOS_LIST`/`_TUPLE` on a value of known type). A
/// long campaign's coverage showed each of these guards compiled thousands
/// of times and never failing: a bug in its exit could not be found.
fn operand_retype(h: &Holes) -> String {
    let (f, [k0, k1, k2]) = (&h.fun, h.k);
    // Nonzero, for divisors and truth.
    let nz = |k: i64| if k == 0 { 7 } else { k };
    let op = ["+", "-", "*"][h.pick[1] % 3];
    let (start, next, body) = match h.pick[0] % OPERAND_RETYPES {
        0 => (
            format!("{k0}.5"),
            k1.to_string(),
            format!("        t = t + (v {op} {k2}.25)\n"),
        ),
        1 => (
            format!("{k0}.5"),
            k1.to_string(),
            format!("        t = t + ({k2}.25 {op} v)\n"),
        ),
        2 => (
            format!("{k0}.5"),
            k1.to_string(),
            format!("        if v < {k2}.75:\n            t += 1\n"),
        ),
        3 => (
            "'abcdefgh'".to_string(),
            ["list(v)", "tuple(v)"][h.pick[1] % 2].to_string(),
            "        if v[i % 8] == 'c':\n            t += 1\n".to_string(),
        ),
        4 => (
            format!("{{0: {k0}, 1: {k1}}}"),
            format!("[{k1}, {k2}]"),
            "        t += v[i % 2]\n        v[(i + 1) % 2] = i\n".to_string(),
        ),
        5 => (
            format!("{{{k0}: 1, {}: 2}}", k0 + 1),
            [
                format!("[{k0}]"),
                format!("({k1}, {k0})"),
                format!("{{{k2}}}"),
            ][h.pick[1] % 3]
                .clone(),
            format!("        if {k0} in v:\n            t += 1\n"),
        ),
        6 => (
            nz(k0).to_string(),
            ["[]", "'x'", "None", "0.5", "({k1},)"][h.pick[1] % 5].replace("{k1}", &k1.to_string()),
            "        if v:\n            t += 1\n        else:\n            t -= 1\n".to_string(),
        ),
        7 => (
            "None".to_string(),
            [k1.to_string(), "'x'".to_string(), "''".to_string()][h.pick[1] % 3].clone(),
            "        if v:\n            t += 1\n        else:\n            t += 2\n".to_string(),
        ),
        8 => {
            return format!(
                "def {f}_one(a):\n    return a + {k0}\n\
                 def {f}_two(a, b={k1}):\n    return a * b\n\
                 def {f}_run(n):\n    g = {f}_one\n    t = 0\n    for i in range(n):\n        \
                 if i == {at}:\n            g = {f}_two\n        t += g(i)\n    return t\n\
                 print({f}_run({n}))\n",
                at = h.at,
                n = h.n,
            );
        }
        9 => (
            nz(k0).to_string(),
            "0".to_string(),
            format!(
                "        try:\n            t += i {} v\n        except ZeroDivisionError:\n            \
                 t -= 1\n",
                ["%", "//"][h.pick[1] % 2]
            ),
        ),
        10 => (
            format!("[{k0}, {k1}]"),
            format!("({k1}, {k2})"),
            "        a, b = v\n        t += a - b\n".to_string(),
        ),
        11 => (
            format!("[{k0}]"),
            ["''", "0", "None"][h.pick[1] % 3].to_string(),
            "        if v:\n            t += 1\n".to_string(),
        ),
        12 => (
            "'ab'".to_string(),
            ["[]", "0", "(1,)"][h.pick[1] % 3].to_string(),
            "        if v:\n            t += 1\n".to_string(),
        ),
        // Unpacked, or (odd variants) subscripted: `_GUARD_NOS_TUPLE`.
        13 => (
            format!("({k0}, {k1})"),
            format!("[{k1}, {k2}]"),
            [
                "        a, b = v\n        t += a * b\n",
                "        t += v[i % 2]\n",
            ][h.pick[1] % 2]
                .to_string(),
        ),
        14 => (
            format!("({k0}, {k1}, {k2})"),
            format!("[{k2}, {k0}]"),
            "        for x in v:\n            t += x\n".to_string(),
        ),
        15 => return attribute_latecomer(h, false),
        16 => return attribute_latecomer(h, true),
        _ => return built_retype(h),
    };
    format!(
        "def {f}_run(n):\n    v = {start}\n    t = 0\n    for i in range(n):\n        \
         if i == {at}:\n            v = {next}\n{body}    return (t, v)\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// A list built in the loop body, subscripted, built as a tuple from
/// iteration K (odd variants: a tuple becoming a list). The side trace
/// from the branch holds the new display and, specialized before the
/// change, the old type's guard (`_GUARD_NOS_LIST`/`_GUARD_NOS_TUPLE`) on
/// a value whose type the optimizer knows is the other one: it must keep
/// the guard, which fails, and a rule that removes it on the wrong fact
/// runs the list uop on a tuple.
fn built_retype(h: &Holes) -> String {
    let (f, [k0, k1, _]) = (&h.fun, h.k);
    let (before, after) = if h.pick[1].is_multiple_of(2) {
        (format!("[i, {k0}]"), format!("(i, {k1})"))
    } else {
        (format!("(i, {k0})"), format!("[i, {k1}]"))
    };
    format!(
        "def {f}_run(n):\n    t = 0\n    v = None\n    for i in range(n):\n        \
         if i < {at}:\n            v = {before}\n        else:\n            v = {after}\n        \
         t += v[i % 2]\n    return (t, v)\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// Instances of one class read (`store`: stored into) in a loop over
/// them, joined at iteration K by one that has no value for the attribute
/// (the class has it) or, made before any instance had the stored
/// attribute, no room for it.
fn attribute_latecomer(h: &Holes, store: bool) -> String {
    let (f, c, [k0, k1, k2]) = (&h.fun, &h.cls, h.k);
    let (init, late, body) = if store {
        (
            "        self.a = a\n",
            format!("{c}({k2})"),
            "            o.b = i\n            t += o.a + o.b\n",
        )
    } else {
        (
            "        if own:\n            self.a = a\n",
            format!("{c}({k2}, False)"),
            "            t += o.a\n",
        )
    };
    let params = if store { "a" } else { "a, own=True" };
    format!(
        "class {c}:\n    a = {k0}\n    def __init__(self, {params}):\n{init}\
         def {f}_run(n):\n    objs = [{c}({k1}), {c}({k2})]\n    late = {late}\n    t = 0\n    \
         for i in range(n):\n        if i == {at}:\n            objs.append(late)\n        \
         for o in objs:\n{body}    return (t, len(objs))\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// A list or tuple of two or three items unpacked in a hot loop, replaced
/// at iteration K by one of the same type and another length: the type
/// guard holds and the unpacking's own length check
/// (`_UNPACK_SEQUENCE_TWO_TUPLE`/`_TUPLE`/`_LIST`) leaves the trace, into a
/// ValueError the loop catches at every later iteration.
fn unpack_length(h: &Holes) -> String {
    let [a, b, c] = h.k;
    let shape = if h.pick[0].is_multiple_of(2) {
        Shape::Tuple
    } else {
        Shape::List
    };
    let three = h.pick[1].is_multiple_of(2);
    let longer = h.pick[2].is_multiple_of(2);
    let items = |xs: &[i64]| {
        let xs: Vec<String> = xs.iter().map(i64::to_string).collect();
        match (shape, xs.len()) {
            (Shape::Tuple, 1) => format!("({},)", xs[0]),
            (Shape::Tuple, _) => format!("({})", xs.join(", ")),
            _ => format!("[{}]", xs.join(", ")),
        }
    };
    let (targets, start, next, sum) = if three {
        let next = if longer {
            items(&[c, b, a, c])
        } else {
            items(&[b, a])
        };
        ("x, y, z", items(&[a, b, c]), next, "x + y * z")
    } else {
        let next = if longer {
            items(&[b, c, a])
        } else {
            items(&[b])
        };
        ("x, y", items(&[a, b]), next, "x - y")
    };
    let f = &h.fun;
    format!(
        "def {f}_run(n):\n    v = {start}\n    t = 0\n    bad = 0\n    for i in range(n):\n        \
         if i == {at}:\n            v = {next}\n        try:\n            {targets} = v\n        \
         except ValueError:\n            bad += 1\n        else:\n            t += {sum}\n    \
         return (t, bad, v)\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// A local bound to a builtin, called in a hot loop, rebound at iteration
/// K to a Python function of the same arity.
fn rebind_builtin(h: &Holes) -> String {
    let (f, [k0, k1, _]) = (&h.fun, h.k);
    let (builtin, params, call, alt_body) = match h.pick[0] % 4 {
        0 => ("len", "s", "g(v)", format!("return {}", k0.abs())),
        1 => (
            "isinstance",
            "a, b",
            "g(i, int)",
            "return False".to_string(),
        ),
        2 => ("abs", "a", "g(i - {k1})", format!("return a + {k0}")),
        _ => ("max", "a, b", "g(i, {k1})", "return a - b".to_string()),
    };
    let call = call.replace("{k1}", &k1.to_string());
    format!(
        "def {f}_alt({params}):\n    {alt_body}\n\
         def {f}_run(n):\n    g = {builtin}\n    v = [{k0}, {k1}]\n    t = 0\n    \
         for i in range(n):\n        if i == {at}:\n            g = {f}_alt\n        \
         t += {call}\n    return t\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// A class attribute read through the class in a hot loop and rebound at
/// iteration K (inline or from a callee), next to an attribute that some
/// instances set and others leave to the class.
fn class_attribute(h: &Holes) -> String {
    let (f, c, [k0, k1, k2]) = (&h.fun, &h.cls, h.k);
    let rebind = if h.from_callee {
        format!("            {f}_poke()\n")
    } else {
        format!("            {c}.k = {k2}\n")
    };
    let latecomer = if h.pick[0].is_multiple_of(2) {
        "False"
    } else {
        "True"
    };
    format!(
        "class {c}:\n    k = {k0}\n    b = {k1}\n    def __init__(self, own):\n        \
         self.a = 1\n        if own:\n            self.b = {k2}\n\
         def {f}_poke():\n    {c}.k = {k2}\n\
         def {f}_run(n):\n    objs = [{c}(True), {c}(True)]\n    t = 0\n    \
         for i in range(n):\n        t += {c}.k\n        for o in objs:\n            \
         o.a = i\n            t += o.a + o.b\n        if i == {at}:\n{rebind}            \
         objs.append({c}({latecomer}))\n    return (t, {c}.k)\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// `super()` methods and attributes and a static method through its
/// class in a method's hot loop (`_LOAD_SUPER_ATTR`, `_LOAD_METHOD_CLASS`),
/// a cell stored in a loop, and a function with a default made in one; the
/// overriding method is rebound at iteration K.
fn super_cells(h: &Holes) -> String {
    let (f, c, [k0, k1, _]) = (&h.fun, &h.cls, h.k);
    format!(
        "class {c}:\n    z = {k0}\n    def m(self, j):\n        return j * {k0}\n    \
         @staticmethod\n    def sm(j):\n        return j - {k1}\n\
         class {c}Kid({c}):\n    def m(self, j):\n        return j + {k1}\n    \
         def total(self, n):\n        t = 0\n        for j in range(n):\n            \
         t += super().m(j) + self.m(j) + super().z + {c}.sm(j)\n        return t\n\
         def {f}_m(self, j):\n    return -j\n\
         def {f}_run(n):\n    c = 0\n    t = 0\n    def seen():\n        return c\n    \
         for i in range(n):\n        c = c + 1\n        def g(a, b=i):\n            \
         return a + b\n        t += g({k1})\n        if i == {at}:\n            \
         {c}Kid.m = {f}_m\n    return (t, seen(), {c}Kid().total(n))\n\
         print({f}_run({n}))\n",
        at = h.at,
        n = h.n,
    )
}

/// The containers and sites of [`index_bounds`].
const INDEX_SITES: usize = 4;

/// A subscript in a hot loop whose index cycles through every valid index
/// and then exactly one past the bound (`i % (L + 1)`, or its mirror
/// `-1 - i % (L + 1)`), inside a `try`. The index is arithmetic, not a
/// branch, so the out-of-range index reaches the very trace (and stencil)
/// that ran the valid ones: `_BINARY_SUBSCR_STR_INT`, `_LIST_INT` and
/// `_TUPLE_INT` and `_STORE_SUBSCR_LIST_INT` must leave it for tier 1 to
/// raise IndexError, where a bound check off by one would read or write
/// one item past the end. Negative indices leave those uops every time.
fn index_bounds(h: &Holes) -> String {
    let (f, [k0, k1, _]) = (&h.fun, h.k);
    let len = 1 + h.pick[2] % 6;
    let items: Vec<String> = (0..len as i64).map(|x| (k0 + x * k1).to_string()).collect();
    let (start, body) = match h.pick[0] % INDEX_SITES {
        0 => (
            format!("'{}'", &"qwerty"[..len]),
            "            t += ord(v[j])
"
            .to_string(),
        ),
        1 => (
            format!("[{}]", items.join(", ")),
            "            t += v[j]
"
            .to_string(),
        ),
        2 => (
            format!("({},)", items.join(", ")),
            "            t += v[j]
"
            .to_string(),
        ),
        _ => (
            format!("[{}]", items.join(", ")),
            "            v[j] = i
            t += v[0]
"
            .to_string(),
        ),
    };
    let j = if h.pick[1] % 3 == 2 {
        format!("-1 - i % {}", len + 1)
    } else {
        format!("i % {}", len + 1)
    };
    format!(
        "def {f}_run(n):\n    v = {start}\n    t = 0\n    c = 0\n    for i in range(n):\n        \
         j = {j}\n        try:\n{body}        except IndexError:\n            c += 1\n    \
         return (t, c, v)\n\
         print({f}_run({n}))\n",
        n = h.n,
    )
}

/// The values [`constant_operands`] draws from: signs, zero, and the
/// ends of the small-int range, where a sum or product must not fold.
const FOLD_VALUES: [&str; 10] = [
    "-7",
    "-3",
    "-1",
    "0",
    "1",
    "2",
    "5",
    "9",
    "4611686018427387903",
    "-4611686018427387904",
];

/// Int arithmetic and comparisons whose operands are constants in the
/// trace: two module globals (promoted to constants by the optimizer's
/// globals pass) and two locals bound to literals in the loop, so the
/// optimizer folds them (`fold int arithmetic`, `fold int comparison`)
/// with negative divisors, equal operands and operands at the ends of the
/// small-int range (whose sums and products must not fold); a global is
/// rebound at iteration K from a callee, which invalidates the trace. A
/// fold that swaps operands, rounds a quotient the C way or compares
/// wrongly changes the total only in the traced iterations.
fn constant_operands(h: &Holes) -> String {
    let (f, c, [k0, _, k2]) = (&h.fun, &h.cls, h.k);
    let value = |i: usize| FOLD_VALUES[i % FOLD_VALUES.len()];
    // Divisors are never 0.
    let nonzero = |i: usize| match value(i) {
        "0" => "-2",
        v => v,
    };
    // A third of the pairs are equal: where `<` and `<=` (and `==` and
    // `!=` against the others) differ.
    let same_or = |first: usize, other: usize| {
        if other.is_multiple_of(3) {
            first
        } else {
            other
        }
    };
    let op = ["+", "-", "*", "//", "%"][k0.rem_euclid(5) as usize];
    let cmp = ["<", "<=", ">", ">=", "==", "!="][k2.rem_euclid(6) as usize];
    // The locals go through every operator and every comparison, each
    // weighted so that any one folded wrongly changes the total.
    format!(
        "{c}A = {a}\n{c}B = {b}\n\
         def {f}_set():\n    global {c}B\n    {c}B = {b2}\n\
         def {f}_run(n):\n    t = 0\n    for i in range(n):\n        ka = {la}\n        \
         kb = {lb}\n        t += {c}A {op} {c}B\n        \
         t += ka + kb + (ka - kb) * 3 + (ka * kb) * 5 + (ka // kb) * 7 + (ka % kb) * 11\n        \
         t += (ka < kb) + (ka <= kb) * 2 + (ka > kb) * 4 + (ka >= kb) * 8 + (ka == kb) * 16 \
         + (ka != kb) * 32\n        \
         if {c}A {cmp} {c}B:\n            t += 1\n        if i == {at}:\n            \
         {f}_set()\n    return t\n\
         print({f}_run({n}))\n",
        a = value(h.pick[0]),
        b = nonzero(same_or(h.pick[0], h.pick[1])),
        b2 = nonzero(h.pick[2]),
        la = value(h.pick[1] / 10 + h.pick[2]),
        lb = nonzero(same_or(
            h.pick[1] / 10 + h.pick[2],
            h.pick[0] / 10 + h.pick[1]
        )),
        at = h.at,
        n = h.n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The holes the tests fill kernels with: fixed names and constants.
    fn test_holes(n: u32, at: u32, pick: [usize; 3], from_callee: bool) -> Holes {
        Holes {
            fun: "shp0".into(),
            cls: "Shp0".into(),
            k: [3, -2, 5],
            n,
            at,
            pick,
            from_callee,
        }
    }

    /// Runs kernel source `src` on the tier-2 interpreter and on the
    /// reference: the reference must complete normally and the VM's
    /// outcome must be the reference's (`what` names the variant).
    fn run_agreeing(src: &str, what: &str) -> jitdiff_vm::RunOutput {
        run_agreeing_on("t2", src, what)
    }

    fn run_agreeing_on(config: &str, src: &str, what: &str) -> jitdiff_vm::RunOutput {
        let crate::config::Target::Vm(t2) = crate::config::Config::parse(config).unwrap().target
        else {
            unreachable!()
        };
        let module = jitdiff_vm::lang::parse_program(src).unwrap();
        let out = jitdiff_vm::Vm::new(t2).run_module(&module);
        let reference = crate::reference::run(&module);
        assert!(
            matches!(&reference, jitdiff_vm::lang::outcome::RunResult::Completed(o)
                if o.ending == jitdiff_vm::lang::outcome::Ending::Normal),
            "{what}: {reference:?}\n{src}"
        );
        assert_eq!(out.result, reference, "{what}\n{src}");
        out
    }

    /// Every kernel, with every pick of shapes, uses and builtins, parses.
    #[test]
    fn every_kernel_parses_in_every_variant() {
        for (i, kernel) in KERNELS.iter().enumerate() {
            for p in 0..1024usize {
                let pick = [p % 32, p / 32 % 16, p % 5 + p / 512 * 32];
                let h = test_holes(50, 20, pick, p % 2 == 1);
                let src = kernel(&h);
                if let Err(e) = jitdiff_vm::lang::parse_program(&src) {
                    panic!("kernel {i} pick {p}: {e}\n{src}");
                }
            }
        }
    }

    /// Every operand retype, for each of its variants, makes the guard it
    /// names fail on the tier-2 interpreter, completes normally on the
    /// reference, and the VM's outcome is the reference's.
    #[test]
    fn every_operand_retype_makes_its_guard_fail() {
        let guard = [
            "_GUARD_NOS_FLOAT",
            "_GUARD_TOS_FLOAT",
            "_GUARD_NOS_FLOAT",
            "_GUARD_NOS_UNICODE",
            "_GUARD_NOS_DICT",
            "_GUARD_TOS_DICT",
            "_TO_BOOL_INT",
            "_TO_BOOL_NONE",
            "_CHECK_FUNCTION_EXACT_ARGS",
            "_BINARY_OP_MODULO_INT",
            "_GUARD_TOS_LIST",
            "_TO_BOOL_LIST",
            "_TO_BOOL_STR",
            "_GUARD_TOS_TUPLE",
            "_ITER_CHECK_TUPLE",
            "_LOAD_ATTR_INSTANCE_VALUE",
            "_STORE_ATTR_INSTANCE_VALUE",
            "_GUARD_NOS_LIST",
        ];
        assert_eq!(guard.len(), OPERAND_RETYPES);
        for (kind, &want) in guard.iter().enumerate() {
            for variant in 0..6 {
                let h = test_holes(120, 60, [kind, variant, 0], false);
                let src = operand_retype(&h);
                // The stale guard is in a side trace only if it is built
                // before tier 1 respecializes the site: exits stressed.
                let config = if kind == 17 { "t2+stress" } else { "t2" };
                let out = run_agreeing_on(config, &src, &format!("kind {kind} variant {variant}"));
                let want = match (kind, variant % 2) {
                    (9, 1) => "_BINARY_OP_FLOOR_DIVIDE_INT",
                    (13, 1) | (17, 1) => "_GUARD_NOS_TUPLE",
                    _ => want,
                };
                assert!(
                    out.tier2.exits_by_uop.contains_key(want),
                    "kind {kind} variant {variant}: {want} never failed: {:?}\n{src}",
                    out.tier2.exits_by_uop
                );
            }
        }
    }

    /// Every index site leaves its specialized uop at the out-of-range
    /// index (the subscript uop itself, not a guard before it: the index
    /// is a small int and the container keeps its type), the IndexError is
    /// caught, and the VM's outcome is the reference's.
    #[test]
    fn every_index_site_leaves_its_subscript_uop_at_the_bound() {
        let uop = [
            "_BINARY_SUBSCR_STR_INT",
            "_BINARY_SUBSCR_LIST_INT",
            "_BINARY_SUBSCR_TUPLE_INT",
            "_STORE_SUBSCR_LIST_INT",
        ];
        assert_eq!(uop.len(), INDEX_SITES);
        for (site, &want) in uop.iter().enumerate() {
            for len in 0..6 {
                let h = test_holes(120, 60, [site, 0, len], false);
                let src = index_bounds(&h);
                let out = run_agreeing(&src, &format!("site {site} len {len}"));
                assert!(
                    out.tier2.exits_by_uop.contains_key(want),
                    "site {site} len {len}: {want} never left its trace: {:?}\n{src}",
                    out.tier2.exits_by_uop
                );
            }
        }
    }

    /// Every value pair and operator folds on the tier-2 interpreter
    /// (arithmetic where the result fits a small int, comparisons always),
    /// and the VM's outcome is the reference's.
    #[test]
    fn constant_operands_fold_and_agree() {
        for p in 0..40usize {
            let mut h = test_holes(120, 60, [p, p / 4, p / 2], false);
            h.k = [p as i64, p as i64 / 5, p as i64 / 3];
            let src = constant_operands(&h);
            let out = run_agreeing(&src, &format!("pick {p}"));
            let rules = &out.coverage.optimizer_rules;
            assert!(
                rules.contains_key("fold int comparison"),
                "pick {p}: no comparison folded: {rules:?}\n{src}"
            );
        }
        // Small operands fold their arithmetic too.
        let h = test_holes(120, 60, [4, 5, 6], false);
        let out = run_agreeing(&constant_operands(&h), "small operands");
        assert!(
            out.coverage
                .optimizer_rules
                .contains_key("fold int arithmetic"),
            "{:?}",
            out.coverage.optimizer_rules
        );
    }

    /// Each use site, with the shapes it allows, covers two shapes or more
    /// (so a change always exists).
    #[test]
    fn every_use_has_a_shape_to_change_to() {
        for u in USES {
            assert!(
                SHAPES.iter().filter(|&&s| u.allows(s)).count() >= 2,
                "{u:?}"
            );
        }
    }
}
