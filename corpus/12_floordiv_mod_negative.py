# Floor division and modulo with negative dividends and divisors (Python floors; C truncates): a classic fast-path bug.
total = 0
for i in range(-50, 50):
    d = i % 7 - 3
    if d == 0:
        d = -7
    q = i // d
    r = i % d
    total += q * 3 + r
    if i % 25 == 0:
        print(i, d, q, r)
print(total)
print(-7 // 2, -7 % 2, 7 // -2, 7 % -2, -7 // -2, -7 % -2)
print(-9223372036854775808 // -1, -4611686018427387904 // -1, -9223372036854775808 % -3)
