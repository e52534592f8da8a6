# jitdiff regression: RemovedGuardFailed at _GUARD_NOS_INT on t2+stress+checkguards+inject=loop-carried-types
# signature: RemovedGuardFailed at _GUARD_NOS_INT on t2+stress+checkguards+inject=loop-carried-types
# configurations: t2+stress+checkguards+inject=loop-carried-types
# origin: /tmp/st/t2_stress_checkguards_inject_loop-carried-types/finding-11-17.py
# date: 2026-11-21
def f(a, b):
    for c in range(2):
        d = a == 0
e = 0
while True:
    e += 1
    if e > 1:
        break
    f(0, 0)
    h = f(True, 0)
