# jitdiff regression: Output at outcome on t2+stress+inject=stale-global
# signature: Output at outcome on t2+stress+inject=stale-global
# configurations: t2+stress+inject=stale-global
# origin: /tmp/st/t2_stress_inject_stale-global/finding-11-20.py
# date: 2026-11-21
for a in range(5):
    if 0:
        pass
    elif a % 2:
        print()
