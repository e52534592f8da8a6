# Sequence shapes that break JITs; ends with IndexError: tuples unpacked in hot loops, a list
# mutated while another is iterated, aliasing, slices, and a variable that turns from int to list mid-loop
pairs = [(1, 2), (3, 4), (5, 6)]
acc = 0
for rep in range(100):
    for p in pairs:
        x, y = p
        acc += x * y - y
print(acc)
a, b = 0, 1
for i in range(80):
    a, b = b, a + b
print(a, b)
src = list(range(10))
dst = []
for rep in range(30):
    for v in src:
        dst.append(v * rep)
        if len(dst) > 50:
            dst.pop(0)
print(dst[:5], len(dst), dst[-1])
alias = src
alias[0] = 99
src += [100]
print(alias, src == alias, len(alias))
grow = [1]
for v in grow:
    if len(grow) < 40:
        grow.append(v + len(grow))
print(grow[-5:], len(grow))
t = (1, 2.5, None, (True, [3]))
n = 0
for rep in range(60):
    if t[3][0]:
        n += t[0]
    t[3][1].append(rep)
print(n, len(t[3][1]), t[:2], t[::-1][0][1][-3:])
x = 5
total = 0
for i in range(60):
    if i == 40:
        x = [1, 2, 3]
    total += len(x * 2) if i >= 40 else x * 2
print(total, x)
grid = [[0] * 5, [0] * 5, [0] * 5]
for i in range(15):
    grid[i % 3][i % 5] += i
print(grid)
ys = [10, 20, 30]
for i in range(50):
    v = ys[i % 4]
