# Iterative fib whose values cross 2**62 (small-int tag), 2**63 and 2**64 inside a hot loop: the add fast path must box.
def fib(n):
    a = 0
    b = 1
    for i in range(n):
        t = a + b
        a = b
        b = t
    return a


k = 0
while k <= 100:
    print(k, fib(k))
    k += 10
print(fib(90), fib(91), fib(92), fib(93), fib(94))
