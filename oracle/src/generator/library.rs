//! The `library` swarm feature: after a program is generated, append one
//! *library kernel*, a hot loop that calls a handful of the runtime's
//! methods, builtins and operators with arguments that walk their edge
//! cases (negative and past-the-end indices, empty strings and
//! containers, missing items, zero divisors, NaN and infinities), and
//! records every result or exception (`type(err).__name__` and its
//! message) in a list printed at the end.
//!
//! Why: the runtime library (str, list, tuple, range, dict and set
//! methods, number formatting and conversion, `math`) is shared by every tier,
//! so only the reference interpreter's independent implementation can
//! catch a bug there, and only in a program that makes the call with the
//! argument that shows it. The other features reach each method from
//! their own contexts, rarely with every argument form (`str.find` was
//! called in 2 programs of 300). Here each program draws 8 to 16 of about
//! 250 call templates (swarm testing: few per program, each drawn often
//! across programs), and the loop's operands change every iteration, so
//! one kernel runs a call on most combinations of its pools. The
//! loop is hot, so tier 2 and the JIT run the calls too (escaping uops
//! and their helpers), with receivers whose types the trace guards.
//!
//! Every template agrees with python3 (`cpython_agreement.rs` runs the
//! generated programs). Names start with `lib`, which no other feature
//! uses.

use arbitrary::Unstructured;

use jitdiff_vm::lang::ast::Module;
use jitdiff_vm::lang::parse_generated;

/// Strings the receivers and arguments are drawn from: empty, one char,
/// repeated substrings, whitespace and separators, digits and numbers in
/// the forms `int()`/`float()` read or reject, mixed case (a digit before
/// a letter: `title()` starts a word after it), both kinds of quote (whose
/// `repr` keeps single quotes and escapes the `'`).
const STRS: &[&str] = &[
    "''",
    "'a'",
    "'ab'",
    "'abcab'",
    "' a b '",
    "'x,y,,z'",
    "'AbC d'",
    "'10'",
    "'-7'",
    "'3.5'",
    "'aaa'",
    "'Hello World'",
    "'\\tq\\n'",
    "'ab\\ncd\\n'",
    "' 42 '",
    "'1_000'",
    "'1e3'",
    "'b'",
    "','",
    "'3rd title Case'",
    "'{}:{!r}'",
    "'it\\'s \"q\"'",
];

/// One-character (or empty) arguments: fill characters, separators.
const CHARS: &[&str] = &["''", "'*'", "'a'", "','", "' '", "'-'"];

/// Int lists: empty, one item, repeats, negatives, sorted and reversed.
const LISTS: &[&str] = &[
    "[]",
    "[3]",
    "[1, 2, 3]",
    "[5, -2, 5, 0]",
    "[2, 2, 2]",
    "[9, 8, 7, 6, 5, 4]",
    "[0, -1]",
    "[4, 1, 3, 1, 4]",
];

/// Floats, with a NaN, the infinities, a negative zero and values whose
/// rounding and formatting are classic traps.
const FLOATS: &[&str] = &[
    "0.5",
    "-2.25",
    "3.0",
    "1e16",
    "-0.0",
    "2.675",
    "0.1",
    "7.5",
    "float('nan')",
    "float('inf')",
    "-float('inf')",
    "123456.789",
    "0.00012",
    "-3.5e-05",
];

/// Ints, small and past the 62-bit small-int range, negative too.
const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "255",
    "-4096",
    "12345678901",
    "2 ** 62",
    "-(2 ** 63) - 5",
    "7",
    "100",
];

/// The call templates. Each is one expression over the loop's operands:
/// `s`, `t` (strs), `c` (a char or ''), `l`, `m` (fresh int lists), `d` (a
/// fresh dict of `l`'s items), `e` (a fresh set of `l`), `a` (-4..=4), `b`
/// (-2..=4), `f`, `g` (floats), `k` (an int). Calls that mutate give back
/// the receiver too. Iterators are made lists: their reprs hold addresses.
/// A template with `; r = ` is statements that leave their result in `r`.
const TEMPLATES: &[&str] = &[
    // str searches, with and without bounds
    "s.find(t)",
    "s.find(t, a)",
    "s.find(t, a, b)",
    "s.rfind(t, a)",
    "s.rfind(t, b, a)",
    "s.index(t, a)",
    "s.rindex(t, a, b)",
    "s.count(t)",
    "s.count(t, a, b)",
    "s.startswith(t, a)",
    "s.endswith(t, a, b)",
    "s.startswith((t, c))",
    "t in s",
    // str splitting and stripping
    "s.split(t)",
    "s.split(t, a)",
    "s.split()",
    "s.split(None, a)",
    "s.rsplit(t, a)",
    "s.rsplit(None, b)",
    "s.strip(t)",
    "s.lstrip(c)",
    "s.rstrip(t)",
    "s.strip()",
    "s.partition(t)",
    "s.rpartition(t)",
    "s.splitlines()",
    "s.splitlines(True)",
    "s.removeprefix(t)",
    "s.removesuffix(t)",
    "s.replace(t, c)",
    "s.replace(t, c, a)",
    // str shape and case
    "s.ljust(b + 4, '*')",
    "s.rjust(a + 5)",
    "s.center(b + 6, '-')",
    "s.zfill(a + 4)",
    "s.title()",
    "s.capitalize()",
    "s.swapcase()",
    "s.casefold()",
    "(s.upper(), s.lower())",
    "(s.isdigit(), s.isalpha(), s.isalnum(), s.isspace())",
    "(s.isupper(), s.islower(), s.istitle(), s.isdecimal())",
    "(s.isnumeric(), s.isidentifier(), s.isascii(), s.isprintable())",
    "t.join(s.split())",
    "c.join(str(v) for v in l)",
    // str indexing, slicing, operators
    "s[a]",
    "s[a:b]",
    "s[b:a:-1]",
    "s[::a or 2]",
    "s[a::b or -1]",
    "s * b",
    "s + t",
    "(s < t, s <= t, s == t, s != t)",
    "s.count(c) + len(s)",
    "ord(s)",
    "ord(c)",
    "chr(a + 100)",
    // str formatting and conversion
    "'%s|%r|%5s|%-4s' % (s, t, a, b)",
    "'%d:%x:%o:%+d:%5d' % (k, a, b, a, k % 1000)",
    "'%.3f %e %g %10.2f' % (f, f, g, f)",
    "'%05d|%-6d|%+04d|%06.1f|%-+7.2f' % (k % 1000 - 500, a, b, f, g)",
    "f'{s!r:>{b + 8}}|{t:^7}|{a:+04d}'",
    "f'{f:.3g}|{g:.2e}|{k:,}|{k:_x}'",
    "format(f, '.2f') + format(g, '10.3e') + format(a, '08b')",
    "format(k, '>12') + format(f, '%')",
    "format(k, '#x') + format(a, '#010b') + f'{k:#_o}|{a:+#06X}|{k:^#14x}'",
    "int(s)",
    "int(t, 16)",
    "float(s)",
    "float(t)",
    "str(f) + repr(g)",
    "repr(s) + str(t)",
    // lists
    "(l.pop(), l)",
    "(l.pop(a), l)",
    "(l.insert(a, b), l)",
    "(l.append(b), l)",
    "(l.extend(m), l)",
    "l.index(b)",
    "l.index(b, a)",
    "l.index(b, a, 3)",
    "l.count(b)",
    "(l.reverse(), l)",
    "(l.sort(), l)",
    "(l.sort(reverse=True), l)",
    "(l.sort(key=abs), l)",
    "(l.remove(b), l)",
    "(l.clear(), l, m)",
    "l.copy() + m",
    "l[a]",
    "l[a:b]",
    "l[b:a:-1]",
    "l[::a or 1]",
    "(len(l), l[-1:])",
    "l * b",
    "b in l",
    "(l == m, l < m, l >= m)",
    "sorted(l, reverse=True)",
    "sorted(l + m, key=lambda v: (v % 3, -v))",
    "min(l)",
    "max(l, default=a)",
    "min(l, key=abs, default=b)",
    // Keys that tie between distinguishable items: which one min/max keep
    // and where a (reversed) stable sort puts them shows.
    "max(enumerate(l), key=lambda p: p[1] % 3)",
    "min(enumerate(l + m), key=lambda p: abs(p[1] - a))",
    "sorted(enumerate(l), key=lambda p: p[1] % 2, reverse=True)",
    "max(l + [-v for v in l], key=abs, default=b)",
    "sum(l, a)",
    "list(reversed(l))",
    "list(enumerate(l, a))",
    "list(zip(l, m))",
    "list(zip(l, s))",
    "(any(l), all(l))",
    "list(map(abs, l))",
    "list(filter(None, l))",
    "tuple(l)",
    "tuple(l).index(b)",
    "(tuple(l).count(b), tuple(l)[a:b])",
    "tuple(m) + tuple(l)",
    "(tuple(l) < tuple(m), tuple(l) == tuple(m))",
    // iterators that ran out stay so when their container grows; one
    // stopped early sees new items; a zip steps its iterators again
    "it = iter(l); x = list(it); l.append(a); r = (x, list(it), next(it, b))",
    "it = iter(l); x = next(it, a); l.append(b); r = (x, list(it))",
    "it = iter(d); x = list(it); d[a] = b; r = (x, list(it))",
    "it = iter(e); x = sorted(it); e.add(k); r = (x, list(it))",
    "it = iter(l); z = zip(it, m); x = list(z); r = (x, list(z), list(it))",
    "it = iter(l); z = enumerate(it, a); x = next(z, b); r = (x, list(it), list(z))",
    "it = iter(l); x = [p * q for p, q in zip(it, m)]; r = (x, list(it))",
    "it = iter(l); r = (a in it, list(it), b in it)",
    // list statements: slice stores, deletes, in-place operators
    "l[a:b] = m; r = l",
    "l[::2] = m; r = l",
    "l[a] = b; r = l",
    "del l[a]; r = l",
    "del l[a:b]; r = l",
    "del l[::b or 2]; r = l",
    "l += m; r = l",
    "l *= b; r = l",
    "del d[b]; r = d",
    "d[a] = b; r = d",
    "s += t; r = s",
    // loops over temporaries only their iterator holds (a collection
    // inside the loop must keep them alive)
    "[str(v) + s for v in dict(zip(l, m))]",
    "[(v, w * k) for v, w in dict(zip(m, l)).items()]",
    "[str(v) for v in dict(zip(l, m)).values()]",
    "[v * a for v in set(l + m)]",
    "[ch * 2 for ch in s + t]",
    "[str(v) for v in tuple(l) + tuple(m)]",
    "list(v * k for v in l + m)",
    "sum(v for v in range(a, b + 8))",
    // ranges
    "range(a, 12, b or 2).index(b)",
    "range(a, 12, b or 2).count(b)",
    "(list(range(a, 10, b or 1)[1:4]), range(a, 10, b or 1)[a::b or 2])",
    "range(b, 20, 3)[a]",
    "len(range(a, b * 4, -1 if b < 0 else 1))",
    "(b in range(a, 9, 2), list(reversed(range(a, b))))",
    // dicts
    "d.get(b)",
    "d.get(b, a)",
    "(list(d.keys()), list(d.values()))",
    "list(d.items())",
    "(d.pop(b), d)",
    "(d.pop(b, a), d)",
    "(d.setdefault(b, a), d)",
    "(d.update({b: a, a: b}), d)",
    "(d.popitem(), d)",
    // reversed after a deletion: the walk starts past the last entry, hole
    // or not
    "(d.pop(b, None), list(reversed(d)), list(reversed(d.items())))",
    "(d.clear(), d)",
    "d.copy()",
    "d[b]",
    "(b in d, len(d), sorted(d))",
    "(d == dict(zip(m, l)), d)",
    // sets of ints (their order is CPython's: ints hash to themselves)
    "(e.add(b), e)",
    "(e.discard(b), e)",
    "(e.remove(b), e)",
    "(e.pop(), e)",
    "(e.clear(), e)",
    "e.copy()",
    "(e.update(m), e)",
    "(e | set(m), e & set(m))",
    "(e - set(m), e ^ set(m))",
    "(e <= set(m), e < set(m), e == set(m))",
    "(b in e, len(e), sorted(e))",
    "(e.union(l, range(b)), e.intersection(m), e.intersection(l, m))",
    "(e.difference(l), e.difference(m, {b: a}), e.symmetric_difference(m))",
    "(e.issubset(l), e.issuperset(m), e.isdisjoint(l), e.isdisjoint(v for v in m))",
    "(e.intersection_update(l), e)",
    "(e.difference_update(m, range(a, b)), e)",
    "(e.symmetric_difference_update(l), e)",
    "e.union(a)",
    "e.issuperset([l, m])",
    "{v % 3 for v in l}",
    // ints
    "(hex(k), oct(k), bin(a))",
    "k.bit_length()",
    "(hash(k), hash((a, b, k)), hash(a / 4), hash(b == 0), hash(()))",
    "(k.bit_count(), (-k).bit_count(), b.bit_count(), (k > 0).bit_count())",
    "(k // a, k % a)",
    "divmod(k, a)",
    "(-k // b, -k % b)",
    "k >> (b + 1)",
    "(k >> ((b + 2) * 21), a >> ((b + 2) * 21), a >> (b + 60))",
    "(k << b, k << (b * 11 + 30))",
    "(k & a, k | b, k ^ a, ~k)",
    "pow(k, b, a)",
    "pow(a, b)",
    "abs(k)",
    "round(k, a)",
    "(k < a, k == 255, k >= b)",
    "int(f)",
    // floats
    "(f < g, f <= g, f == g, f != g, f > g)",
    "round(f, a)",
    "round(f)",
    "f.is_integer()",
    "(f // (a or 0.5), f % (b or 2))",
    "divmod(f, a)",
    "f / a",
    "f + g * a",
    "abs(f) - g",
    "(max(f, g), min(f, g))",
    "k ** a",
    "f ** b",
    "k / a",
    "k % (g if g == g and g != 0 and abs(g) != float('inf') else 7.5)",
    "f // (b or 3)",
    "float(k) + k",
    "(bool(s), bool(l), bool(f), bool(k))",
    "(isinstance(f, float), type(k).__name__, type(l).__name__)",
    "(isinstance(k > a, int), isinstance(b == 0, (str, int)), isinstance(a < b, float), type(k > a) is int)",
    "(str(k), repr(f), len(str(k)))",
    "(a < b < k, a == b == 0, a <= k >= b)",
    // the math module
    "(math.floor(f), math.ceil(g))",
    "math.sqrt(f)",
    "math.isqrt(k)",
    "(math.gcd(k, a), math.factorial(b))",
    "math.comb(b + 4, a + 4)",
    "math.log(f)",
    "(math.log2(abs(k) + 1), math.log10(abs(f) + 1))",
    "(math.trunc(f), math.fabs(g))",
    "(math.isnan(f), math.isinf(g), math.isfinite(f))",
    "math.hypot(f, g)",
    "(math.isclose(f, g), math.isclose(f, f + 1e-10), math.isclose(f, g, rel_tol=0.5, abs_tol=b))",
    "(math.copysign(f, g), math.copysign(k, -0.0))",
    "(math.lcm(k, a, b), math.perm(b + 4, a + 4), math.perm(abs(b)))",
    // strs as sequences and mixed builtins
    "sorted(s)",
    "''.join(sorted(s, reverse=True))",
    "(max(s, default=''), min(s + t))",
    "list(enumerate(s, b))",
    "list(zip(s, t, l))",
    "sorted(set(s + t))",
    "s.format(a, t)",
    // A run-time call with keywords and more positional arguments than
    // CALL_KW's count byte holds.
    "'{0}:{299}:{x}'.format(*range(b, b + 300), x=a)",
    "[s[j:j + 2] for j in range(0, len(s), 2)]",
    "{v: str(v) for v in l}",
    "dict(enumerate(s))",
    "sum(l) / len(l)",
    "list(map(lambda v: v * a, l))",
    "list(filter(lambda v: v > a, l))",
    "any(v > b for v in l)",
];

/// Appends one library kernel drawn from `u`.
pub fn rewrite(m: &mut Module, u: &mut Unstructured) {
    // Every template parses (a test checks each); should one not, the
    // program is left as it was.
    if let Ok(k) = parse_generated(&kernel(u)) {
        m.body.extend(k.body);
    }
}

/// `least` to `least + extra` items of `pool`, repeats allowed.
fn draw<'a>(u: &mut Unstructured, pool: &[&'a str], least: usize, extra: usize) -> Vec<&'a str> {
    let count = least + u.choose_index(extra + 1).unwrap_or(0);
    (0..count)
        .map(|_| pool[u.choose_index(pool.len()).unwrap_or(0)])
        .collect()
}

/// The kernel's text: pools drawn from the tables above, 8 to 16 call
/// templates, a trip count of 24 to 100 (at most 1,000 calls in all).
pub fn kernel(u: &mut Unstructured) -> String {
    let strs = draw(u, STRS, 3, 3);
    let chars = draw(u, CHARS, 2, 0);
    let lists = draw(u, LISTS, 2, 2);
    let floats = draw(u, FLOATS, 2, 2);
    let ints = draw(u, INTS, 2, 2);
    let calls = draw(u, TEMPLATES, 8, 8);
    // At most 1,000 results: the list stays within the generator's length
    // bound and the printed rows within its output bound.
    let n = (24 + u.int_in_range(0..=76u32).unwrap_or(0)).min(1000 / calls.len() as u32);
    let mut body = String::new();
    for call in &calls {
        let stmt = if call.contains("; r = ") {
            call.to_string()
        } else {
            format!("r = {call}")
        };
        body.push_str(&format!(
            "        try:
            {stmt}
        except Exception as err:
            r = (type(err).__name__, str(err))
        out.append(r)
"
        ));
    }
    format!(
        "import math
def lib_run(n):
    ss = [{strs}]
    cs = [{chars}]
    ls = [{lists}]
    fs = [{floats}]
    ks = [{ints}]
    out = []
    for i in range(n):
        s = ss[i % {ns}]
        t = ss[(i * 3 + 1) % {ns}]
        c = cs[i % 2]
        l = list(ls[i % {nl}])
        m = list(ls[(i + 1) % {nl}])
        d = dict(zip(l, m))
        e = set(l)
        a = i % 9 - 4
        b = (i // 3) % 7 - 2
        f = fs[i % {nf}]
        g = fs[(i // 2) % {nf}]
        k = ks[i % {nk}]
{body}    return out
lib_out = lib_run({n})
print(len(lib_out))
for lib_i in range(0, len(lib_out), 8):
    print(lib_out[lib_i:lib_i + 8])
",
        strs = strs.join(", "),
        chars = chars.join(", "),
        lists = lists.join(", "),
        floats = floats.join(", "),
        ints = ints.join(", "),
        ns = strs.len(),
        nl = lists.len(),
        nf = floats.len(),
        nk = ints.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template parses inside the kernel's loop.
    #[test]
    fn every_template_parses() {
        for call in TEMPLATES {
            let stmt = if call.contains("; r = ") {
                call.to_string()
            } else {
                format!("r = {call}")
            };
            let text = format!(
                "def lib_run(s, t, c, l, m, d, e, a, b, f, g, k):\n    {stmt}\n    return r\n"
            );
            assert!(
                jitdiff_vm::lang::parse_program(&text).is_ok(),
                "{call} does not parse"
            );
        }
    }

    /// A kernel drawn from any bytes parses.
    #[test]
    fn kernels_parse() {
        for seed in 0..200u32 {
            let bytes: Vec<u8> = (0..64u32)
                .map(|i| (seed.wrapping_mul(2654435761).wrapping_add(i * 97) >> 7) as u8)
                .collect();
            let text = kernel(&mut Unstructured::new(&bytes));
            assert!(jitdiff_vm::lang::parse_program(&text).is_ok(), "{text}");
        }
    }
}
