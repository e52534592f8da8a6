# jitdiff regression: RemovedGuardFailed at _GUARD_TOS_INT on t2+stress+checkguards+inject=loop-carried-types
# signature: RemovedGuardFailed at _GUARD_TOS_INT on t2+stress+checkguards+inject=loop-carried-types
# configurations: t2+stress+checkguards+inject=loop-carried-types
# origin: /tmp/st/t2_stress_checkguards_inject_loop-carried-types/finding-11-5.py
# date: 2026-11-21
def f(a, b):
    c = 4611686018427387904
    for d in range(3):
        if d:
            if c and 0:
                pass
            e = 0 - c
            c = 0
h = f(0, 0)
f(0, 0) or f(0, 0)
