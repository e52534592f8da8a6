//! End-to-end: tuples, lists and strings print what CPython prints in every tier:
//! tier 1 (with and without GC stress), the tier-2 interpreter under forced
//! exits, and machine code on every backend. Each program warms its loops
//! enough to specialize and trace the sequence instructions.

mod common;

use common::{check_against_cpython, cpython};
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{Ending, RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

const PROGRAMS: &[&str] = &[
    "xs = [1, 2, 3]\nt = (4, 5)\nprint(xs, t, (), (1,), [], [[1, 2], (3,)], len(xs), len(t))\nfor i in range(50):\n    xs.append(i * 2)\n    if len(xs) > 10:\n        xs.pop(0)\nprint(xs, xs[0], xs[-1], xs[2:5], xs[::-1], xs[1:8:3], t[::-1])\ns = 0\nfor x in xs:\n    s += x\nfor x in t:\n    s -= x\nprint(s, sum(xs), min(xs), max(xs), 7 in xs, 7 not in xs, 8 in t)\n",
    "def f(n):\n    a, b = 0, 1\n    for i in range(n):\n        a, b = b, a + b\n    return a\nprint(f(30), f(90))\npairs = [(1, 2), (3, 4), (5, 6)]\ntot = 0\nfor k in range(30):\n    for p in pairs:\n        x, y = p\n        tot += x * y\nprint(tot)\n",
    "xs = list(range(20))\nys = xs\nfor i in range(len(xs)):\n    xs[i] = xs[i] * 3 % 7\nprint(xs, ys, xs == ys, xs < [0, 4], tuple(xs[:3]) < (0, 3, 6), [1, 2] + [3], (1,) * 3, 2 * [0, 1])\nxs += (9, 9)\nxs *= 2\nprint(len(xs), xs.count(9), xs.index(6), xs.index(6, 5))\nxs[2:10] = [100]\nxs[::2] = list(range(len(xs[::2])))\nxs.insert(0, -1)\nxs.insert(-100, -2)\nxs.insert(100, -3)\nxs.reverse()\nxs.extend(range(3))\nprint(xs)\nr = range(0, 30, 3)\nprint(r[2], r[-1], r[1:5], r[::-1], len(r), 9 in r, 10 in r, 9.0 in r)\n",
    "xs = [1, 2, 3]\nfor i in range(40):\n    v = xs[i % 3]\n    w = xs[-1]\nprint(v, w)\nfor i in range(40):\n    v = xs[i]\n",
    "t = (1, 2)\nfor i in range(40):\n    a, b = t\n    if i == 30:\n        t = (1, 2, 3)\nprint(a, b)\n",
    "xs = [1, 2.5, None, True, (1, [2])]\nys = xs[:]\nys[4][1].append(3)\nprint(xs, ys, xs == ys)\na = []\na.append(a)\nt = (a,)\nprint(a, t)\nprint([1.0, -0.0, 1e300 * 1e10])\nprint([1] == [1.0], [[1]] < [[2]], (1, 2) <= (1, 2), () < (0,))\n",
    "def g(xs, k):\n    tot = 0\n    for i in range(k):\n        tot += xs[i % len(xs)]\n        xs[i % len(xs)] = tot % 100\n    return tot, xs\nprint(g([3, 4, 5], 100))\nprint(g(list(range(10)), 200))\nq = [5, 3]\nwhile q:\n    q.pop()\nprint(q, not q, not [0])\n",
    "x = 0\nfor i in range(30):\n    if i == 20:\n        x = [1, 2]\n    y = x * 2\nprint(y)\nprint([1, 2][5])\n",
    "xs = [1, 2]\nprint(xs.foo())\n",
    "a, b = [1, 2, 3]\n",
    "xs = (1, 2)\nxs[0] = 5\n",
    "print(min([]), 1)\n",
    "print(sum([1, 2.5, 3]), sum([[1], [2]], []), max(3, 1, 4), min((2, 1)), max([1, 5, 2]))\nxs = [3, 1, 2]\nfor x in xs:\n    if len(xs) < 8:\n        xs.append(x + 1)\nprint(xs)\n",
    "count = [3, 0, 2]\nhist = [0] * 4\nfor i in range(60):\n    count[i % 3] += i\n    hist[count[i % 3] % 4] -= 1\n    m = [[1, 2], [3, 4]]\n    m[i % 2][1] *= 5\nprint(count, hist, m)\nfor k, v in [(1, 2), (3, 4)]:\n    print(k, v)\nfor a, in [(7,), [8]]:\n    print(a)\nt = (1, 2)\nt[0] += 1\n",
];

const STRING_PROGRAMS: &[&str] = &[
    "\"\"\"A module docstring.\"\"\"\ndef greet(name, n):\n    \"Greets.\"\n    out = \"\"\n    for i in range(n):\n        out = out + name[i % len(name)]\n    return out\nwords = [\"alpha\", \"beta\", \"gamma\", 'it\\'s', \"tab\\there\", \"q\\\"uote\"]\nfor w in words:\n    print(w, repr(w), len(w), w.upper(), w[::-1], w[1:3], w * 2)\nprint(greet(\"abc\", 40), sep=\"|\", end=\"!\\n\")\nprint(1, 2, 3, sep=\", \")\nprint(\"x\", end=\"\")\nprint(\"y\", None, sep=None, end=None)\ns = \"the quick brown fox jumps over the lazy dog\"\nparts = s.split()\nprint(parts, \" \".join(parts[::-1]), s.count(\"o\"), s.find(\"fox\"), s.index(\"dog\"), s.replace(\"o\", \"0\"))\nprint(s.startswith(\"the\"), s.endswith((\"cat\", \"dog\")), \"fox\" in s, \"cat\" not in s, s.strip(), \"  pad  \".strip())\ntotal = 0\nfor ch in s:\n    if ch != \" \":\n        total += ord(ch) - ord(\"a\")\nprint(total, chr(65 + total % 26), str(12.5), str([1, \"a\"]), repr(\"a\\nb\"))\nprint(\"%d items cost %.2f (%s) %5d|%-5d|%x %o %e %g %%\" % (3, 12.345, \"ok\", 42, 42, 255, 8, 12345.678, 0.0001))\nprint(\"%r and %s\" % (\"q\", \"q\"), \"%c%c\" % (72, \"i\"), \"%+.3f\" % -0.0, \"%05.1f\" % 2.25)\nt = 0\nfor i in range(50):\n    label = \"n=%d\" % i\n    t += len(label)\n    if label < \"n=3\":\n        t += 1\nprint(t, \"a\" < \"b\", \"abc\" < \"abd\", \"Z\" < \"a\", \"\" < \"a\", \"ab\" == \"a\" + \"b\")\nprint(int(\"42\"), int(\" -7 \"), int(\"1_000\"), float(\"1.5\"), float(\"-inf\"), float(\" 2e3 \"), int(\"ff\", 16), int(\"0x1f\", 0))\nprint(list(\"abc\"), tuple(\"xy\"), min(\"hello\"), max(\"hello\"))\na, b = \"xy\"\nprint(a, b, \"-\".join([\"a\", \"b\", \"c\"]), \"a,b,,c\".split(\",\"), \"a b\".split(\" \", 1))\n",
    "x = 0\nacc = \"\"\nfor i in range(40):\n    if i == 30:\n        x = \"s\"\n    acc = acc[-10:] + str(i)\n    y = x * 2\nprint(acc, y)\nz = \"abc\" + 1\n",
    "s = \"hello\"\nn = 0\nfor i in range(40):\n    c = s[i % 5]\n    if c == \"l\":\n        n += 1\nprint(n)\nprint(s[10])\n",
    "a = \"left\"\nb = \"right\"\nout = []\nfor i in range(30):\n    if i == 25:\n        b = 7\n    out.append(a + b)\nprint(out)\n", // Argument forms of str methods, and windows whose start is past their
    // end: `'a'.startswith('', 1, 0)` is False (the VM said True).
    "s = \"  a,b,,c ab  \"\nprint(s.split(None, 1), s.split(\",\", 2), s.split(\",\", 0), s.split(None, 0), \"a b c\".split(\" \", -1), \" x  y \".split(None, 1))\nprint(s.strip(\" a\"), s.strip(\"ab \"), s.replace(\"a\", \"X\", 1), s.replace(\"\", \"-\", 3), s.replace(\"a\", \"\", 0))\nprint(s.find(\"a\", 3), s.find(\"a\", 3, 5), s.count(\"a\", 0, 4), s.count(\",\", -5), s.find(\"\", 20), s.count(\"\", 3))\nprint(\"a\".startswith(\"\", 1, 0), \"a\".startswith(\"\", 1, 1), \"a\".endswith(\"\", 2), \"ab\".endswith((\"x\", \"\"), 2, 1), \"ab\".startswith(\"\", -1, -2))\nn = 0\nfor i in range(60):\n    w = \"ab\"[:i % 3]\n    if w.startswith(\"\", i % 4, 1):\n        n += 1\n    if w.endswith(\"b\", 0, i % 3):\n        n += 10\nprint(n)\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_sequence_programs() {
    // The corpus's sequence programs too (the oracle's CLI test runs them
    // through every oracle; this checks each tier against CPython directly).
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut sources: Vec<String> = PROGRAMS.iter().map(|s| s.to_string()).collect();
    for name in [
        "28_list_kernels.py",
        "29_sequence_shapes_that_break_jits.py",
    ] {
        sources.push(std::fs::read_to_string(corpus.join(name)).unwrap());
    }
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 20,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

#[test]
fn every_tier_prints_what_cpython_prints_for_string_programs() {
    let sources: Vec<String> = STRING_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 5,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

/// The planted list-subscript bug (`+inject=list-subscript-no-bounds-check`)
/// reads past the list in machine code on every backend: the program that
/// must end in IndexError at `xs[3]` ends otherwise, while the same
/// configuration without the bug agrees with CPython. (The fuzzer's exact
/// signature is pinned in the oracle crate's `planted_bugs` test.)
#[test]
fn a_list_subscript_without_its_bounds_check_changes_the_outcome() {
    let src = "xs = [1, 2, 3]\nt = 0\nfor i in range(40):\n    t += xs[i % 6]\nprint(t)\n";
    let module = parse_program(src).unwrap();
    let (_, want) = cpython(src);
    assert_eq!(
        want,
        Some(("IndexError".into(), "list index out of range".into()))
    );
    for kind in [
        BackendKind::Native,
        BackendKind::EmuX86,
        BackendKind::EmuA64,
    ] {
        for inject in [
            None,
            Some(jitdiff_vm::Injection::ListSubscriptNoBoundsCheck),
        ] {
            let c = VmConfig {
                tier2: Some(Tier2Config {
                    jit: Some(kind),
                    hot: 2,
                    exit_threshold: 2,
                    ..Tier2Config::default()
                }),
                warmup: 0,
                inject,
                ..VmConfig::default()
            };
            let out = Vm::new(c).run_module(&module);
            let RunResult::Completed(o) = out.result else {
                panic!("{kind:?} {inject:?} poisoned: {:?}", out.result)
            };
            let got = match o.ending {
                Ending::Normal => None,
                Ending::Exception { kind, message } => Some((kind, message)),
            };
            assert_eq!(
                got == want,
                inject.is_none(),
                "{kind:?} {inject:?}: {got:?}"
            );
            assert!(out.jit.traces_compiled > 0, "{kind:?}: no machine code");
        }
    }
}

/// The planted unicode guard (`+inject=unicode-guard-one-operand`) lets a
/// non-str right operand into `_BINARY_OP_ADD_UNICODE` in machine code: the
/// VM reports it (an internal error, or a fault under emulation) where the
/// same configuration without the bug raises CPython's TypeError.
#[test]
fn a_unicode_guard_checking_one_operand_is_caught() {
    let src = "a = 'left'\nb = 'right'\nout = []\nfor i in range(30):\n    if i == 25:\n        b = 7\n    out.append(a + b)\nprint(out)\n";
    let module = parse_program(src).unwrap();
    let (_, want) = cpython(src);
    assert_eq!(want.as_ref().map(|(k, _)| k.as_str()), Some("TypeError"));
    for kind in [
        BackendKind::Native,
        BackendKind::EmuX86,
        BackendKind::EmuA64,
    ] {
        for inject in [None, Some(jitdiff_vm::Injection::UnicodeGuardOneOperand)] {
            let c = VmConfig {
                tier2: Some(Tier2Config {
                    jit: Some(kind),
                    hot: 2,
                    exit_threshold: 2,
                    ..Tier2Config::default()
                }),
                warmup: 0,
                inject,
                ..VmConfig::default()
            };
            let out = Vm::new(c).run_module(&module);
            if inject.is_none() {
                assert!(out.findings.is_empty(), "{kind:?}: {:?}", out.findings);
                let RunResult::Completed(o) = out.result else {
                    panic!("{kind:?} poisoned: {:?}", out.result)
                };
                let got = match o.ending {
                    Ending::Normal => None,
                    Ending::Exception { kind, message } => Some((kind, message)),
                };
                assert_eq!(got, want, "{kind:?}");
            } else {
                assert!(
                    out.findings
                        .iter()
                        .any(|f| f.message.contains("_BINARY_OP_ADD_UNICODE")),
                    "{kind:?}: {:?} {:?}",
                    out.findings,
                    out.result
                );
            }
        }
    }
}
