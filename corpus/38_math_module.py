# The math module in numeric kernels: module attributes called in hot loops
# (math.sqrt of a float), functions as values (sq = math.sqrt, a list of
# them), `from math import`, imports inside a function, ints and big ints as
# arguments, and the edge cases CPython defines (sqrt(-0.0), floor of a
# huge int, log with a base, hypot, atan2 of infinities).
import math
from math import pi, floor as fl


def distances(points):
    total = 0.0
    for i in range(len(points)):
        x1, y1 = points[i]
        for j in range(i + 1, len(points)):
            x2, y2 = points[j]
            dx = x1 - x2
            dy = y1 - y2
            total += math.sqrt(dx * dx + dy * dy)
    return total


def spiral(n):
    pts = []
    for k in range(n):
        r = 0.5 * k
        a = k * pi / 8
        pts.append((r * math.cos(a), r * math.sin(a)))
    return pts


def kernel(n):
    from math import exp, log
    acc = 0.0
    for i in range(1, n):
        acc += exp(-i / 50.0) * log(i) + math.fabs(math.atan2(i, -3))
        acc -= math.hypot(i % 7, 3) - fl(i / 3) + math.ceil(-i / 4) + math.trunc(i / 5)
    return acc


print(distances(spiral(24)))
print(kernel(300))
sq = math.sqrt
fs = [math.sin, math.cos, math.exp, sq, math.fabs]
tot = 0.0
for step in range(200):
    x = step / 100.0
    for f in fs:
        tot += f(x)
print(tot, sq(2), fs[3] == math.sqrt)
print(math.sqrt(-0.0), math.sqrt(math.inf), math.floor(-0.5), math.floor(2**70), math.ceil(2.0**60 + 0.5))
print(math.log(2**2000), math.log(1024, 2), math.log(10**30, 10), math.exp(-1000.0), math.isnan(math.nan))
print(math.atan2(math.inf, -math.inf), math.atan2(-0.0, -1.0), math.isinf(-math.inf), math.e, math.inf)
checks = 0
for v in range(-20, 21):
    if math.floor(v / 3) == v // 3 and math.trunc(v / 3) == int(v / 3):
        checks += 1
print(checks)
