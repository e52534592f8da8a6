# A real integer program needs more than the generator's limits: trial
# division over a few thousand numbers, then a recursion 240 deep.
# jitdiff limits: fuel=200000 depth=250


def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def depth_sum(n):
    if n == 0:
        return 0
    return n + depth_sum(n - 1)


count = 0
last = 0
for k in range(10000):
    if is_prime(k):
        count += 1
        last = k
print(count, last)
print(depth_sum(240))
