# A function called from a hot loop's trace changes a global and a list, then raises NameError;
# the exception leaves the trace at the call, after the callee's side effects
log = [0]
count = 0


def step(i):
    global count
    count += i
    log[0] = log[0] + 1
    if i == 30:
        return undefined_name
    return i


total = 0
print("before", count, log)
for i in range(40):
    total += step(i)
print(total)
