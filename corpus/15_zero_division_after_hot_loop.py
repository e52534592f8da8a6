# A hot loop, then an uncaught ZeroDivisionError: the exception path must report output and state exactly.
total = 0
for i in range(1000):
    total += i // (i % 9 + 1)
print(total)
d = total - total
print(total // d)
print(0)
