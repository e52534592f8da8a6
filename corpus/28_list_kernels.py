# List kernels: a sieve, nested-list matrix product, insertion sort, prefix sums,
# an in-place reversal and a stack machine; hot loops over lists and tuples.
def sieve(n):
    is_prime = [True] * (n + 1)
    is_prime[0] = False
    is_prime[1] = False
    i = 2
    while i * i <= n:
        if is_prime[i]:
            j = i * i
            while j <= n:
                is_prime[j] = False
                j += i
        i += 1
    primes = []
    for k in range(n + 1):
        if is_prime[k]:
            primes.append(k)
    return primes


def matmul(a, b):
    n = len(a)
    m = len(b[0])
    inner = len(b)
    out = []
    for i in range(n):
        row = [0] * m
        for j in range(m):
            s = 0
            for k in range(inner):
                s += a[i][k] * b[k][j]
            row[j] = s
        out.append(row)
    return out


def insertion_sort(xs):
    for i in range(1, len(xs)):
        x = xs[i]
        j = i - 1
        while j >= 0 and xs[j] > x:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = x
    return xs


def prefix_sums(xs):
    out = [0]
    for x in xs:
        out.append(out[-1] + x)
    return out


def reverse_in_place(xs):
    i = 0
    j = len(xs) - 1
    while i < j:
        tmp = xs[i]
        xs[i] = xs[j]
        xs[j] = tmp
        i += 1
        j -= 1
    return xs


def run_stack(program):
    stack = []
    for op, arg in program:
        if op == 0:
            stack.append(arg)
        elif op == 1:
            b = stack.pop()
            a = stack.pop()
            stack.append(a + b)
        elif op == 2:
            b = stack.pop()
            a = stack.pop()
            stack.append(a * b)
        else:
            stack.append(stack[-1])
    return stack


primes = sieve(2000)
print(len(primes), primes[:10], primes[-3:], sum(primes))
a = [[1, 2, 3], [4, 5, 6]]
b = [[7, 8], [9, 10], [11, 12]]
c = matmul(a, b)
print(c, matmul(c, [[1, 0], [0, 1]]) == c)
seed = 12345
data = []
for i in range(300):
    seed = (seed * 1103515245 + 12345) % 2147483648
    data.append(seed % 1000 - 500)
sorted_data = insertion_sort(data[:])
print(sorted_data[:5], sorted_data[-5:], min(data), max(data), sorted_data[0] == min(data))
ps = prefix_sums(data)
print(len(ps), ps[-1] == sum(data), ps[100] - ps[50] == sum(data[50:100]))
print(reverse_in_place(list(range(11))), reverse_in_place([]), reverse_in_place([1.5, -2.0]))
prog = [(0, 2), (0, 3), (1, 0), (3, 0), (2, 0), (0, 7), (1, 0)]
total = 0
for rep in range(200):
    total += run_stack(prog)[-1]
print(run_stack(prog), total)
