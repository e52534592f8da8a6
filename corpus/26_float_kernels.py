# Float kernels a JIT specializes: Mandelbrot escape counts, Newton square
# roots, Simpson integration and a compensated (Kahan) sum.
def escape(cr, ci, limit):
    zr = 0.0
    zi = 0.0
    n = 0
    while n < limit:
        zr2 = zr * zr
        zi2 = zi * zi
        if zr2 + zi2 > 4.0:
            return n
        zi = 2.0 * zr * zi + ci
        zr = zr2 - zi2 + cr
        n += 1
    return limit


total = 0
for y in range(12):
    for x in range(24):
        total = total + escape(-2.0 + x * 0.125, -1.2 + y * 0.2, 60)
print(total)


def newton_sqrt(a):
    x = a if a > 1.0 else 1.0
    for i in range(40):
        x = 0.5 * (x + a / x)
    return x


print(newton_sqrt(2.0), newton_sqrt(1e-300), newton_sqrt(1e300), newton_sqrt(0.25))


def f(t):
    return t * t * t - 2.0 * t + 1.0 / (1.0 + t * t)


def simpson(a, b, n):
    h = (b - a) / n
    s = f(a) + f(b)
    for k in range(1, n):
        if k % 2 == 1:
            s += 4.0 * f(a + k * h)
        else:
            s += 2.0 * f(a + k * h)
    return s * h / 3.0


print(simpson(0.0, 2.0, 200), simpson(-1.0, 1.0, 64))

s = 0.0
c = 0.0
naive = 0.0
for k in range(1, 3000):
    term = 1.0 / (k * k)
    naive = naive + term
    y = term - c
    t = s + y
    c = (t - s) - y
    s = t
print(s, naive, s == naive, s - naive)
print(round(s, 6), round(2.5), round(-0.5), round(1234.5678, -2), int(s * 1e6), float(10**20))
