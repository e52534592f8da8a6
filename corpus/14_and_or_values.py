# `and`/`or` used for their values (not just truthiness), and `not`: the result is one of the operands, not a bool.
count = 0
last = 0
for i in range(300):
    v = i % 3 and i % 5 or -1
    w = (i > 150 or 0) and i
    count += not v
    last = v or w or 7
    if i % 60 == 0:
        print(i, v, w, last, not w)
print(count, last)
print(0 or None, 1 and None, None or 0, not None)
