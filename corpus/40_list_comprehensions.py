# List comprehensions in hot loops: filters, several clauses, nested comprehensions,
# unpacking targets, and their own scope (the enclosing `x` is untouched).


def transpose(m):
    return [[row[j] for row in m] for j in range(len(m[0]))]


def matmul(a, b):
    bt = transpose(b)
    return [[sum([x * y for x, y in [(row[k], col[k]) for k in range(len(row))]]) for col in bt] for row in a]


def primes_below(n):
    return [p for p in range(2, n) if all_nonzero([p % d for d in range(2, p) if d * d <= p])]


def all_nonzero(xs):
    for x in xs:
        if x == 0:
            return False
    return True


m = [[i + j for j in range(4)] for i in range(4)]
acc = m
for step in range(30):
    acc = [[v % 1000 for v in row] for row in matmul(acc, m)]
print(acc)
print(primes_below(120))
x = "kept"
squares = [x * x for x in range(8)]
print(squares, x)
grid = [(r, c) for r in range(4) for c in range(4) if r != c if (r + c) % 2]
print(grid)
scaled = [1.5, -0.25, 3.0]
for i in range(200):
    scaled = [v * 1.0001 - 0.0001 for v in scaled]
print(scaled)
words = ["alpha", "beta", "gamma", "delta"]
print([w.upper() for w in words if "a" in w[1:]])
print([len(w) * n for n, w in [(1, "x"), (2, "yy"), (3, "zzz")]])
