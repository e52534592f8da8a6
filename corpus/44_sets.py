# Sets in hot loops: membership tests, a set built by add and discard through
# several resizes, pop's finger, and the orders of | & - ^ (CPython's table).


def sieve_set(n):
    composite = set()
    primes = []
    for i in range(2, n):
        if i not in composite:
            primes.append(i)
            for j in range(i * i, n, i):
                composite.add(j)
    return primes, len(composite)


def collatz_seen(limit):
    seen = {1}
    longest = 0
    for start in range(2, limit):
        x = start
        steps = 0
        while x not in seen:
            seen.add(x)
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        if steps > longest:
            longest = steps
    return longest, len(seen)


primes, ncomp = sieve_set(600)
print(len(primes), primes[-5:], ncomp)
print(collatz_seen(300))

vowels = {1, 5, 9, 15, 21}
hits = 0
for i in range(4000):
    if i % 26 in vowels:
        hits += 1
    if (i % 7, i % 3) in {(0, 0), (1, 2), (6, 1)}:
        hits += 2
print(hits)

s = set()
for i in range(500):
    s.add(i * 37 % 211)
    if i % 4 == 0:
        s.discard(i * 11 % 211)
print(len(s), list(s)[:12])

a = {i * 3 for i in range(40)}
b = {i * 5 for i in range(30)}
print(a & b, b & a)
print(sorted(a | b)[-6:], len(a - b), len(b - a), a ^ b == b ^ a)
print(list(a - b)[:8], list(b ^ a)[:8])
c = a.copy()
c -= b
c |= {-1, -2, 2**61 - 1, 0.5, (1, 2)}
print(c == a - b, len(c), -1 in c, (1, 2) in c)
popped = []
while len(c) > 30:
    popped.append(c.pop())
print(popped[:10], len(c))
t = 0
for x in {5, 3, 17, 9, 1, 100, 33, -1}:
    t = t * 3 + x
print(t, {5, 3, 17, 9, 1, 100, 33, -1}, {-1, 1, 3, 5, 9, 17, 33, 100})
