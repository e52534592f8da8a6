//! End-to-end: control flow beyond S0's first shape (a loop's `else:`
//! block) prints what CPython prints in every tier, with each program's
//! loops hot enough to be traced and compiled.

mod common;

use common::check_against_cpython;

const LOOP_ELSE_PROGRAMS: &[&str] = &[
    "def search(xs, want):\n    for i in range(len(xs)):\n        if xs[i] == want:\n            break\n    else:\n        return -1\n    return i\n\ndef count_until(n, stop):\n    k = 0\n    total = 0\n    while k < n:\n        k += 1\n        if k == stop:\n            break\n        total += k\n    else:\n        total = -total\n    return total\n\ndef pairs(n):\n    out = 0\n    for a, b in [(1, 2), (3, 4)]:\n        out += a * b\n    else:\n        out += 1000\n    return out\n\nxs = list(range(100))\nhits = 0\nfor j in range(300):\n    hits += search(xs, j % 150)\nprint(hits)\nt = 0\nfor j in range(200):\n    t += count_until(50, j % 70)\nprint(t)\nprint(pairs(3))\nfor q in range(3):\n    for r in range(3):\n        if r == q:\n            break\n    else:\n        print(\"never\", q)\n    while q > 10:\n        pass\n    else:\n        print(\"else\", q)\n",
    "def first_square_over(limit):\n    n = 0\n    while True:\n        n += 1\n        if n * n > limit:\n            break\n    else:\n        n = -1\n    return n\ntot = 0\nfor i in range(60):\n    tot += first_square_over(i * 7)\nprint(tot)\ndef scan(xs):\n    found = 0\n    for x in xs:\n        for y in xs:\n            if x + y == 7:\n                found += 1\n                break\n        else:\n            found -= 1\n    else:\n        found *= 10\n    return found\nprint(scan([1, 2, 3, 4, 5, 6]), scan([]), scan([9]))\nk = 0\nwhile k < 40:\n    k += 3\nelse:\n    print('done', k)\n",
];

#[test]
fn every_tier_prints_what_cpython_prints_for_loop_else() {
    let sources: Vec<String> = LOOP_ELSE_PROGRAMS.iter().map(|s| s.to_string()).collect();
    let traced = check_against_cpython(&sources);
    assert!(
        traced > 10,
        "the programs' loops must reach machine code ({traced} traces)"
    );
}
