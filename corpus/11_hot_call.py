# A small function with three parameters called from a hot loop (argument passing, return value, call specialization).
def mix(a, b, c):
    t = a * 31 + b
    if t % 2 == 0:
        return t // 2 - c
    return t % 1000003 + c


acc = 7
for i in range(2000):
    acc = mix(acc % 65536, i, i % 5)
    if i % 500 == 499:
        print(i, acc)
print(acc)
