# A variable that starts as a bool and becomes an int inside the loop (type of the slot changes: bool -> int specialization).
x = True
hits = False
for i in range(200):
    x = x + (i % 7 == 3)
    hits += i > 150
    if i == 0:
        print(x, hits)
print(x, hits, True + True, True * 5, False - 1, -True)
