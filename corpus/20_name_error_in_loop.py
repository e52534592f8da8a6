# NameError at iteration 700 of a hot loop (the global lookup that was always found is suddenly missing).
total = 0
for i in range(1000):
    total += i * 2
    if i == 700:
        print(total)
        total += undefined_name
print(total)
