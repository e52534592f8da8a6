# A function with no return (returns None) called from a loop, its result compared with == and printed.
log = 0


def record(i):
    global log
    log = log * 3 % 1000003 + i


nones = 0
for i in range(400):
    r = record(i)
    if r == None:
        nones += 1
print(log, nones, r, record(1) != None)
