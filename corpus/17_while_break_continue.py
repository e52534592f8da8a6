# while True with break and continue: a counter loop whose exit and skip edges are taken after warm-up.
n = 0
kept = 0
skipped = 0
while True:
    n += 1
    if n > 700:
        break
    if n % 3 == 0:
        skipped += 1
        continue
    kept += n
print(n, kept, skipped)
w = 10
while w > 0:
    w -= 1
    if w == 4:
        continue
    print(w)
