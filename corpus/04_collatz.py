# Collatz: a while loop with a data-dependent branch (n % 2) that flips every few iterations; 3n+1 crosses 2**63.
def steps(n):
    count = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        count += 1
    return count


best = 0
best_n = 0
for n in range(1, 200):
    s = steps(n)
    if s > best:
        best = s
        best_n = n
print(best_n, best)
print(steps(4611686018427387903), steps(9223372036854775807))
