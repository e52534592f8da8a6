# pyperformance's generators kernel (bm_generators), verbatim but for its harness:
# a binary tree whose __iter__ is a recursive generator (yield from), one traversal
# of 100,000 nodes (the benchmark's inner loop, run once) and its sanity check,
# with the count and sum printed.
"""
Benchmark recursive generators implemented in python
by traversing a binary tree.

Author: Kumar Aditya
"""

from __future__ import annotations

from collections.abc import Iterator



class Tree:
    def __init__(self, left: Tree | None, value: int, right: Tree | None) -> None:
        self.left = left
        self.value = value
        self.right = right

    def __iter__(self) -> Iterator[int]:
        if self.left:
            yield from self.left
        yield self.value
        if self.right:
            yield from self.right


def tree(input: range) -> Tree | None:
    n = len(input)
    if n == 0:
        return None
    i = n // 2
    return Tree(tree(input[:i]), input[i], tree(input[i + 1:]))

assert list(tree(range(10))) == list(range(10))
iterable = tree(range(100000))
count = 0
total = 0
for value in iterable:
    count += 1
    total += value
print(count, total)
