# Nested loops, including a triangular inner loop whose trip count is the outer variable (inner loop re-entered, outer back edge).
total = 0
count = 0
for i in range(60):
    for j in range(i):
        total += i * j - j
        count += 1
print(total, count)

acc = 0
for a in range(1, 20):
    for b in range(a, 20):
        for c in range(b, 20):
            if a * a + b * b == c * c:
                acc += a + b + c
                print(a, b, c)
print(acc)
