# A for-loop variable that crosses 2**62 and -2**62-1 itself: range iteration must switch to long ints.
count = 0
last = 0
for i in range(4611686018427387900, 4611686018427387910):
    count += 1
    last = i - 4611686018427387904
print(count, last)
for i in range(-4611686018427387900, -4611686018427387910, -2):
    last = i
print(last, last - 1)
for i in range(9223372036854775805, 9223372036854775810):
    print(i)
