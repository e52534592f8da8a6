# jitdiff regression: Fault at _PLANTED_STACK_OVERRUN_r00 on jit-x86+stress+inject=stencil-stack-overrun
# signature: Fault at _PLANTED_STACK_OVERRUN_r00 on jit-x86+stress+inject=stencil-stack-overrun
# configurations: jit-x86+stress+inject=stencil-stack-overrun
# origin: /tmp/st/jit-x86_stress_inject_stencil-stack-overrun/finding-11-17.py
# date: 2026-11-21
def f(a, b):
    for c in range(2):
        pass
d = 0
while True:
    d += 1
    if d > 1:
        break
    e = f(0, f(0, 0))
