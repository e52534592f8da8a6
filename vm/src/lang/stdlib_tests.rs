//! The `heapq`/`functools`/`itertools`/`collections` lowering's refusals and output.
use super::*;
use crate::lang::parse_program;

fn refusal(src: &str) -> String {
    parse_program(src).expect_err(src).message
}

#[test]
fn the_prelude_parses_and_names_every_function_and_class_it_offers() {
    let m = crate::lang::parse::parse_trusted(PRELUDE).expect("the prelude parses");
    assert!(m.body.len() >= FUNCTIONS.len());
    let names: Vec<String> = m
        .body
        .iter()
        .filter_map(|s| prelude_def_name(s).cloned())
        .collect();
    for (lib, f) in FUNCTIONS {
        assert!(names.contains(&prelude_name(lib, f)), "{f}");
    }
    assert!(names.contains(&format!("{RESERVED_PREFIX}functools_key")));
}

#[test]
fn uses_the_lowering_cannot_keep_are_refused_where_they_are() {
    for (src, want) in [
        (
            "import heapq\nprint(heapq.merge([1], [2]))\n",
            "`heapq.merge`",
        ),
        (
            "import collections\nd = collections.OrderedDict()\n",
            "`collections.OrderedDict`",
        ),
        (
            "from collections import deque\ndeque = list\n",
            "`deque` bound again",
        ),
        (
            "from collections import Counter\nsorted = 3\nprint(Counter('ab'))\n",
            "binds `sorted`",
        ),
        (
            "import itertools\nprint(list(itertools.tee([])))\n",
            "`itertools.tee`",
        ),
        (
            "import itertools as it\nprint(it.chain.from_iterable([]))\n",
            "`it` other than called",
        ),
        (
            "import heapq\nf = heapq.heappush\n",
            "`heapq` other than called",
        ),
        (
            "from heapq import heappush\nprint(heappush)\n",
            "`heappush` other than called",
        ),
        ("from heapq import merge\n", "`from heapq import merge`"),
        ("import heapq\nheapq = 3\n", "`heapq` bound again"),
        (
            "import heapq\ndef f(heapq):\n    pass\n",
            "`heapq` bound again",
        ),
        (
            "import heapq\nlist = 1\nheapq.heapify([])\n",
            "binds `list`",
        ),
        ("import heapq\n__jd_x = 1\n", "`__jd_` is reserved"),
        // The global scope binds what a `global` statement declares.
        (
            "import heapq\ndef f():\n    global len\n    len = 3\n",
            "binds `len`",
        ),
        (
            "import heapq\nfor next in range(2):\n    pass\n",
            "binds `next`",
        ),
        // A cache's wrapper stands where its `def` does: a local counts.
        (
            "from functools import cache\ndef g():\n    len = 3\n    @cache\n    def f(n):\n        return n\n    return f(1)\n",
            "binds `len`",
        ),
        (
            "from functools import cache\n@cache\ndef f(n):\n    return n\nprint(f.cache_info())\n",
            "of a `functools`-cached function",
        ),
        (
            "import functools\nclass C:\n    @functools.cache\n    def m(self):\n        return 1\n",
            "on a method",
        ),
        (
            "from functools import lru_cache\n@lru_cache(maxsize=2, typed=True)\ndef f(n):\n    return n\n",
            "`typed=False`",
        ),
        (
            "from functools import lru_cache as c\ndef g(f):\n    return f\n@g\n@c\ndef f(n):\n    return n\n",
            "with another decorator",
        ),
    ] {
        let got = refusal(src);
        assert!(got.contains(want), "{src}: {got}");
        assert!(got.contains("outside S0"), "{src}: {got}");
    }
}

#[test]
fn calls_and_decorators_are_lowered_to_the_prelude() {
    let m = parse_program(
        "'''doc'''\nimport heapq as hq\nfrom functools import reduce as r, lru_cache\nh = []\nhq.heappush(h, 1)\nprint(r(max, h))\n@lru_cache(maxsize=None)\ndef f(n):\n    return n\n",
    )
    .expect("accepted");
    let text = crate::lang::unparse::unparse(&m);
    assert!(
        text.starts_with("'''doc'''") || text.starts_with("\"doc\"") || text.starts_with("'doc'"),
        "{text}"
    );
    assert!(text.contains("__jd_heapq_heappush(h, 1)"), "{text}");
    assert!(
        text.contains("print(__jd_functools_reduce(max, h))"),
        "{text}"
    );
    assert!(text.contains("__jd_impl_f_0 = f"), "{text}");
    assert!(!text.contains("import"), "{text}");
    // The text runs as it is: the prelude is the program's own code.
    let again = parse_program(&text).expect("the lowered text parses");
    assert_eq!(again, m);
}

/// Bindings the prelude cannot see are no reason to refuse: a method, a
/// local, a parameter, a class attribute, a comprehension variable, and a
/// local of a function around a cache-free `def`.
#[test]
fn bindings_outside_the_global_scope_are_accepted() {
    for src in [
        "from collections import deque\nclass It:\n    def next(self):\n        return 1\n    def max(self):\n        return 2\n",
        "import heapq\ndef f(len, iter=None):\n    sorted = 1\n    return len\n",
        "import heapq\nclass C:\n    list = 3\n",
        "import heapq\nprint([len for len in range(2)])\n",
        "from functools import cache\n@cache\ndef f(n):\n    return n\ndef g():\n    len = 3\n    return f(len)\n",
    ] {
        parse_program(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    }
}
