// Programs every VM tier and the reference must poison, shared by
// vm/tests/random_module_cpython.rs and attr_builtins_cpython.rs and by
// oracle/tests/reference_random_module.rs and reference_builtins.rs.
// Each includer names `Poison` in scope.

/// Programs whose output CPython takes from the OS (an unseeded draw, a
/// seed of None), from algorithms the language leaves out (a float or str
/// seed, `sample`, keywords), or from an address (the module or a
/// function printed).
#[allow(dead_code)] // each includer reads one of the lists
const RANDOM_POISONED: &[(&str, Poison)] = &[
    (
        "import random\nprint(random.random())\n",
        Poison::Unmodelled,
    ),
    (
        "import random\nrandom.seed()\nprint(random.randint(1, 6))\n",
        Poison::Unmodelled,
    ),
    (
        "import random\nrandom.seed(None)\nprint(random.random())\n",
        Poison::Unmodelled,
    ),
    ("import random\nrandom.seed(1.5)\n", Poison::Unmodelled),
    ("import random\nrandom.seed('abc')\n", Poison::Unmodelled),
    (
        "import random\nrandom.seed(1)\nprint(random.sample([1, 2, 3], 2))\n",
        Poison::Unmodelled,
    ),
    (
        "import random\nrandom.seed(1)\nf = random.randint\nprint(f(a=1, b=2))\n",
        Poison::Unmodelled,
    ),
    (
        "import random\nrandom.seed(1)\nprint(random.randrange(1.5))\n",
        Poison::Unmodelled,
    ),
    (
        "import random\nrandom.seed(1)\nprint(random.randint(1))\n",
        Poison::Unmodelled,
    ),
    ("import random\nprint(random)\n", Poison::Identity),
    ("import random\nprint([random.choice])\n", Poison::Identity),
];

/// Attributes by string that the language does not model: another
/// object's (an int's, a list's, a module's), a dunder name, an exception
/// instance's, and a new attribute made by `setattr`. Every tier and
/// the reference poison.
#[allow(dead_code)] // each includer reads one of the lists
const ATTR_POISONED: &[&str] = &[
    "print(getattr(5, 'real'))\n",
    "print(hasattr([], 'append'))\n",
    "import math\nprint(getattr(math, 'pi'))\n",
    "class C:\n    pass\nprint(getattr(C(), '__class__'))\n",
    "class C:\n    pass\nprint(hasattr(C, '__name__'))\n",
    "class E(Exception):\n    pass\nprint(getattr(E('x'), 'args'))\n",
    "class C:\n    pass\nc = C()\nsetattr(c, 'fresh', 1)\nprint(c.fresh)\n",
    "class C:\n    pass\nsetattr(C, 'x', 1)\n",
];

/// Set algebra and set comparisons of a dict's keys or items view, which
/// CPython runs (its views are set-like) and the language does not model;
/// also `isdisjoint`, a view method it lacks. Every tier and the
/// reference poison, where both used to raise TypeError or compare false.
#[allow(dead_code)] // each includer reads one of the lists
const VIEW_ALGEBRA_POISONED: &[&str] = &[
    "a = {1: 2}\nb = {3: 4}\nprint(sorted(a.keys() | b.keys()))\n",
    "d = {1: 2, 3: 4}\nprint(sorted(d.keys() - {1}))\n",
    "d = {1: 2, 3: 4}\nprint(sorted({5} | d.keys()))\n",
    "d = {1: 2, 3: 4}\nprint(sorted(d.keys() & [1]))\n",
    "d = {1: 2, 3: 4}\ns = {9}\ns |= d.keys()\nprint(sorted(s))\n",
    "d = {1: 2, 3: 4}\nprint(d.items() ^ {(1, 2)})\n",
    "d = {1: 2, 3: 4}\nprint({(1, 2), (3, 4)} == d.items())\n",
    "d = {1: 2, 3: 4}\nprint(d.items() <= {(1, 2), (3, 4), 5})\n",
    "d = {1: 2, 3: 4}\nprint(d.keys().isdisjoint({5}))\n",
    "d = {1: 2}\nfor i in range(20):\n    print(len(d.keys() | {i}))\n",
];

/// Slicing an instance of a user class: CPython hands its `__getitem__`
/// or `__setitem__` a `slice` object, which the language does not have.
/// Every tier and the reference poison (they raised TypeError).
#[allow(dead_code)] // each includer reads one of the lists
const INSTANCE_SLICE_POISONED: &[&str] = &[
    "class C:\n    def __getitem__(self, i):\n        return i\nprint(C()[1:2])\n",
    "class C:\n    def __getitem__(self, i):\n        return 7\nc = C()\nfor i in range(30):\n    print(c[i], c[::2])\n",
    "class C:\n    def __setitem__(self, i, v):\n        print(i, v)\nc = C()\nc[1:3] = [5]\n",
];

/// A set display spreading a set or a dict (`{*s}`): CPython's
/// SET_UPDATE merges a set, or presizes for a dict's keys, where the
/// language adds the items one by one, which can order the new set
/// differently. Every tier and the reference poison.
#[allow(dead_code)] // each includer reads one of the lists
const SET_SPREAD_POISONED: &[&str] = &[
    "s = set([0, 1, 2, 4, 16])\nprint(s, {*s})\n",
    "d = {0: 1, 8: 2, 16: 3}\nprint({*d})\n",
    "s = {3, 11}\nprint({5, *s})\n",
];

/// A dunder a class lacks, read through `super()` or a class, which CPython
/// finds on `object` or the built-in exception base (`super().__str__()`,
/// `ValueError.__init__(self, m)`). Every tier and the reference poison
/// (both raised AttributeError).
#[allow(dead_code)] // each includer reads one of the lists
const INHERITED_DUNDER_POISONED: &[&str] = &[
    "class E(Exception):\n    def __str__(self):\n        return 'E: ' + super().__str__()\nprint(E('boom'))\n",
    "class P:\n    def __eq__(self, o):\n        return super().__eq__(o)\nprint(P() == 3)\n",
    "class ParseError(ValueError):\n    def __init__(self, line):\n        ValueError.__init__(self, 'bad line %d' % line)\n        self.line = line\nprint(ParseError(3))\n",
];

/// Deletions CPython makes and the language leaves out: an attribute of an
/// exception instance (the VM deleted it where the reference poisoned:
/// probe round 10) and an item of a `collections` object (the prelude's
/// classes have no `__delitem__`).
#[allow(dead_code)] // each includer reads one of the lists
const DELETE_POISONED: &[&str] = &[
    "class E(Exception):\n    pass\ne = E()\ne.x = 1\ndel e.x\nprint(1)\n",
    "class Done(StopIteration):\n    pass\ne = Done(3)\ndel e.value\nprint(e.value)\n",
    "from collections import Counter\nc = Counter('aab')\ndel c['a']\nprint(c)\n",
    "from collections import deque\nq = deque([1, 2])\nfor i in range(40):\n    q.append(i)\n    del q[0]\nprint(q)\n",
    "from collections import defaultdict\nd = defaultdict(int)\nd[1] += 1\ndel d[1]\nprint(d)\n",
];

/// `hash()` of what CPython hashes differently in every process (a str,
/// randomized; None and identity-hashed objects, by address in 3.11; a
/// NaN, by identity since 3.10), in a hot loop too.
#[allow(dead_code)] // each includer reads one of the lists
const HASH_POISONED: &[&str] = &[
    "print(hash('abc') % 2 < 2)\n",
    "print(hash(None) == hash(None))\n",
    "print(hash((1, 'a')) != 0)\n",
    "print(hash(float('nan')) == 0)\n",
    "class A:\n    pass\nprint(hash(A()) != 0)\n",
    "def f():\n    pass\nprint(hash(f) != 0)\n",
    "t = 0\nfor i in range(100):\n    t += hash(i) + hash(str(i)) % 3\nprint(t)\n",
];
