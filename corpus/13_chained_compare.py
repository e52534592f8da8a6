# Chained comparisons in a loop: `a < b <= c` evaluates b once and short-circuits (COPY/SWAP shapes in the bytecode).
inside = 0
edges = 0
for i in range(-20, 120):
    if 0 <= i < 100:
        inside += 1
    if i == 0 or 99 <= i <= 100 != i:
        edges += 1
print(inside, edges)
x = 5
print(1 < x < 10, 1 < x > 10, x == 5 == 5, (1 < x) < 2, 1 < (x < 2))
