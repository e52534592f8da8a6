# Accumulators started just below 2**62, 2**63, 2**64 and just above -2**62: additions cross the boundaries mid-loop.
a = 4611686018427387900
b = 9223372036854775800
c = 18446744073709551610
d = -4611686018427387900
for i in range(12):
    a += 1
    b = b + i
    c += 1
    d -= 1
    if i % 4 == 3:
        print(i, a, b, c, d)
print(a - 4611686018427387904, b - 9223372036854775808, c - 18446744073709551616, d + 4611686018427387905)
s = 0
for i in range(4611686018427387900, 4611686018427387910):
    s += i
print(s)
