# UnboundLocalError raised from a function called in a hot loop at iteration 50 (a global name made local by a later assignment).
counter = 0


def bump(i):
    if i == 50:
        print(counter)
    counter = i
    return counter


total = 0
for i in range(100):
    total += bump(i)
    if i % 10 == 0:
        print(i, total)
