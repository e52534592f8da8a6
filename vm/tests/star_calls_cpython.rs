//! End-to-end: `*args`/`**kwargs` parameters, calls that unpack
//! (`f(*xs, **kw)`: `LIST_EXTEND`, `DICT_MERGE`, `CALL_FUNCTION_EX`), and
//! `array.array('B', ...)`, in hot loops and with CPython's errors, print
//! what CPython prints in every tier, under GC stress, forced exits and
//! every JIT backend.

mod common;

use common::check_against_cpython;

const PROGRAMS: &[&str] = &[
    // Binding: positional, defaults, extras, keywords into **kwargs.
    "def f(a, b=2, *args, **kwargs):\n    return (a, b, args, sorted(kwargs.items()))\nprint(f(1))\nprint(f(1, 3, 4, 5))\nprint(f(1, x=9, b=7))\nprint(f(*[1, 2, 3], **{'z': 1, 'y': 2}))\n",
    "def f(*args):\n    return len(args), args\nprint(f())\nprint(f(1, 2))\nprint(f(*range(4)))\nprint(f(*'ab', *(1,)))\n",
    "def f(**kw):\n    return kw\nprint(f())\nprint(f(a=1, b=2))\nprint(f(**{'b': 1}, a=2))\nprint(f(kw=3))\n",
    // Hot loops: the unpacking ops traced and compiled.
    "def g(**kw):\n    return kw.get('c', 0) + len(kw)\ndef f(a, b=2, *args):\n    return a + b + len(args)\nt = 0\nfor i in range(400):\n    t += g(c=i) + g() + f(i, *(1, 2)) + f(*[i])\nprint(t)\n",
    "def plot(x, y, r, g, b):\n    return x + y + r + g + b\ns = 0\nfor i in range(300):\n    col = (i, 1, 2)\n    s += plot(i, 1, *col)\nprint(s)\n",
    "def f(*a, **k):\n    return len(a) * 10 + len(k)\nt = 0\nd = {'x': 1}\nfor i in range(300):\n    t += f(*[i] * (i % 3), **d, y=i)\nprint(t)\n",
    // Classes: **kwargs through __init__ and an explicit base call.
    "class S:\n    def __init__(self, **kwargs):\n        self.c = kwargs.get('c', (1, 1, 1))\nclass C(S):\n    def __init__(self, **kwargs):\n        S.__init__(self, **kwargs)\n        self.o = kwargs.get('o', 0)\nprint(C().c, C(c=(1, 2, 3), o=5).o)\nt = 0\nfor i in range(300):\n    t += C(o=i).o + len(C(c=(i,)).c)\nprint(t)\n",
    "class P:\n    def __init__(self, *xs):\n        self.xs = xs\n    def m(self, a, *rest, **kw):\n        return a + len(rest) + len(kw) + len(self.xs)\np = P(1, 2)\nt = 0\nfor i in range(300):\n    t += p.m(*(i, 1, 2), k=1)\nprint(t, P(*[4, 5, 6]).xs)\n",
    // Builtins called with unpacking.
    "xs = [3, 1, 2]\nprint(*xs)\nprint(*xs, sep='-')\nprint(max(*xs), min(*xs, 0))\nprint(sorted(xs, **{'reverse': True}))\nprint(*[], end='!\\n')\n",
    // Generators and closures as sources and captures.
    "def gen(n):\n    for i in range(n):\n        yield i * i\ndef f(*a):\n    return sum(a)\nprint(f(*gen(5)), f(*(x for x in range(3))))\ndef outer(**kw):\n    def inner():\n        return sorted(kw)\n    return inner\nprint(outer(b=1, a=2)())\n",
    // Errors CPython raises.
    "def f(a, *args, **kw):\n    return a\ntry:\n    f(1, a=2)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(**{'a': 1}, a=2)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(*5)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(**5)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(**{1: 2})\nexcept TypeError as e:\n    print(e)\ntry:\n    f()\nexcept TypeError as e:\n    print(e)\n",
    "def g(a):\n    return a\ntry:\n    g(*[1, 2])\nexcept TypeError as e:\n    print(e)\ntry:\n    g(**{'b': 1})\nexcept TypeError as e:\n    print(e)\ntry:\n    print(*1)\nexcept TypeError as e:\n    print(e)\nclass A:\n    def m(self):\n        return 1\ntry:\n    A().m(*None)\nexcept TypeError as e:\n    print(e)\n",
    "def f(**kw):\n    return kw\nf(**{'a': 1}, **{'a': 2})\n",
    // array.array('B').
    "import array\na = array.array('B', [0] * 12)\nfor i in range(4):\n    a[i * 3 + 2] = 255\nprint(a, len(a), a[2], a[-1], sum(a), list(a)[:3])\nprint(array.array('B'), array.array('B', (i for i in range(3))), not array.array('B'), not array.array('B', [0]))\nb = array.array('B', [True, 7])\nprint(b)\n",
    "import array\nc = array.array('B', [0] * 300)\nfor i in range(300):\n    c[i] = max(0, min(255, int(i * 1.7)))\nt = 0\nfor x in c:\n    t += x\nprint(t, c[299])\n",
    "import array as arr\na = arr.array('B', [1, 2])\nfor bad in [256, -1, 2.5]:\n    try:\n        a[0] = bad\n    except OverflowError as e:\n        print('OverflowError', e)\n    except TypeError as e:\n        print('TypeError', e)\nfor i in [2, -3]:\n    try:\n        print(a[i])\n    except IndexError as e:\n        print(e)\ntry:\n    a[5] = 1\nexcept IndexError as e:\n    print(e)\ntry:\n    a['x']\nexcept TypeError as e:\n    print(e)\nprint(a)\n",
    "import array\nfor args in [(), ('x',), (5,), ('BB',), ('B', 'ab'), ('B', [300]), ('B', [1.0]), ('B', 5), ('B', [], 1)]:\n    try:\n        print(array.array(*args))\n    except TypeError as e:\n        print('TypeError', e)\n    except ValueError as e:\n        print('ValueError', e)\n    except OverflowError as e:\n        print('OverflowError', e)\n",
    "import array\narray.array('B', [1], **{'x': 1})\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_unpacking_calls_and_arrays() {
    let sources: Vec<String> = PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}

#[test]
fn what_arrays_do_beyond_the_language_poisons_every_tier() {
    use jitdiff_vm::lang::Poison;
    let poisoned = [
        "import array\na = array.array('B', [1])\nprint(a == a)\n",
        "import array\na = array.array('B', [1])\nprint(a + a)\n",
        "import array\na = array.array('B', [1])\nprint(1 in a)\n",
        "import array\na = array.array('B', [1])\na.append(2)\n",
        "import array\nprint(array.array('d', [1.0]))\n",
    ];
    for src in poisoned {
        common::assert_poisoned_on_every_tier(src, Poison::Unmodelled);
    }
}
