# jitdiff regression: Output at outcome on t1+inject=add-int-overflow
# signature: Output at outcome on t1+inject=add-int-overflow
# configurations: t1+inject=add-int-overflow
# origin: /tmp/st/t1_inject_add-int-overflow/finding-11-3.py
# date: 2026-11-21
g0 = 0
i5 = 0
for i1 in range(1):
    w2 = 0
for i4 in range(4611686018427386359, 4611686018427390134, 7):
    g0 = (g0 - (w2 + 15 + (g0 + False)) // 8) % 4611686018427387904
print(g0 + (i5 + w2), -(-i1))
