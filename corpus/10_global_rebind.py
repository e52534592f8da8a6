# Globals rebound inside the hot loop: a value read by a hot function, and the function name itself (global-version guards).
scale = 2


def f(x):
    return x * scale


def g(x):
    return x - scale


op = f
total = 0
for i in range(500):
    total += op(i)
    if i == 300:
        scale = 5
    if i == 400:
        op = g
    if i % 100 == 0:
        print(i, total)
print(total, scale, op(10))
