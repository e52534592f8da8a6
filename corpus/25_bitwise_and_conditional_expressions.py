# Bitwise operators and conditional expressions across the small/big boundary
def mix(a, b):
    return (a & b) ^ (a | b) ^ (~a >> 3) ^ ((b & 63) << 5)


acc = 0
x = 4611686018427387903
for i in range(300):
    acc = acc ^ mix(x - i, i * 7919)
    acc = acc + (1 if acc & 1 else -1)
    x = x << 1 if i % 50 == 0 else x >> 1
    t = True & (i > 5)
    u = False | (i % 2 == 0)
    v = True ^ True
    acc = acc ^ ~i
print(acc, x, t, u, v, ~True, True << 3, -1 >> 100, 5 >> 70, (-7) >> 1)
print(3 if acc > 0 else 4 if acc < 0 else 5)
big = 1 << 200
print(big >> 199, big & (big - 1), (big | 1) ^ big, ~big)
