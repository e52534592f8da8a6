# Repeated multiplication x = x * 3 in a bounded loop: crosses 2**62, 2**63 and 2**64 mid-loop (multiply overflow check / deopt).
x = 1
y = -1
crossed = 0
for i in range(50):
    x = x * 3
    y *= 3
    if x > 4611686018427387903 and crossed == 0:
        crossed = i
        print(i, x)
    if 9223372036854775807 < x < 27670116110564327424:
        print(i, x, y)
print(crossed, x, y)
print(x % 18446744073709551616, y // 4294967296)
