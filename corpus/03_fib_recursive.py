# Recursive fib: thousands of calls to one function (call specialization, frame push/pop, return values).
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


for n in range(0, 19, 3):
    print(n, fib(n))
