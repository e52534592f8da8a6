# Recursion with a halving argument and an accumulator parameter, called from a loop (deep frames, tail-shaped calls).
def bits(n):
    if n <= 1:
        return n
    return bits(n // 2) + n % 2


def acc(n, a):
    if n <= 0:
        return a
    return acc(n - 1, (a * 31 + n) % 1000003)


total = 0
for i in range(300):
    total += bits(i) + acc(i % 40, i)
print(total, bits(18446744073709551615), bits(4611686018427387904))
