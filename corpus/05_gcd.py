# Euclid's gcd: a tight while loop on `%`, with negative operands and operands beyond 2**63.
def gcd(a, b):
    while b != 0:
        t = a % b
        a = b
        b = t
    return a


total = 0
for i in range(1, 300):
    total += gcd(i * 7919, 104729 * (i % 13 + 1))
print(total)
print(gcd(-48, 18), gcd(48, -18), gcd(-48, -18))
print(gcd(18446744073709551616, 12157665459056928801))
print(gcd(9223372036854775807, 4611686018427387904))
