# Dict and set comprehensions in hot loops: filters, several clauses,
# unpacking targets, their own scope, and MAP_ADD/SET_ADD traced.


def histogram(words):
    return {w: len([v for v in words if v == w]) for w in words}


def residues(n, m):
    return {i * i % m for i in range(n)}


def invert(d):
    return {v: k for k, v in d.items()}


x = 'outer'
total = 0
for r in range(60):
    squares = {k: k * k for k in range(r % 17)}
    odd = {v for v in squares.values() if v % 2}
    total += len(squares) + sum(odd)
print(total, x)
print(histogram([3, 1, 3, 2, 1, 3]))
print(residues(200, 37), len(residues(1000, 101)))
print(invert({'a': 1, 'b': 2, 'c': 3}))
grid = {(i, j): i * j for i in range(6) for j in range(6) if i != j}
print(len(grid), grid[(2, 5)], list(grid)[:4])
pairs = {(a, b) for a in range(12) for b in range(a) if (a * b) % 7 == 3}
print(len(pairs), sorted(pairs)[:5])
acc = 0
for n in range(300):
    m = {i % 9: i for i in range(n % 40)}
    s = {i % 13 for i in m}
    acc += len(m) * 10 + len(s)
print(acc)
nested = {k: {v % 4 for v in range(k)} for k in range(6)}
print(nested)
lengths = {w: n for n, w in enumerate([10, 20, 30, 20])}
print(lengths, {e for e in [1, 1.0, True]}, {k: k for k in [1, 1.0, True]})
