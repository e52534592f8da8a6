# A branch taken the same way for 900 iterations, then the other way: the specialized/guarded path must deoptimize late.
def classify(i):
    if i < 900:
        return 1
    return 1000


total = 0
other = 0
for i in range(1000):
    if i < 900:
        total += i
    else:
        total -= 2 * i
        other += 1
    total += classify(i)
print(total, other)
