# jitdiff regression: Fault at _CHECK_VALIDITY_r00 on jit-a64+stress+inject=a64-movw-g1
# signature: Fault at _CHECK_VALIDITY_r00 on jit-a64+stress+inject=a64-movw-g1
# configurations: jit-a64+stress+inject=a64-movw-g1
# origin: /tmp/st/jit-a64_stress_inject_a64-movw-g1/finding-11-0.py
# date: 2026-11-21
for a in range(2):
    pass
