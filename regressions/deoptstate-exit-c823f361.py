# jitdiff regression: DeoptState at exit on t2+stress+inject=exit-stack-depth
# signature: DeoptState at exit on t2+stress+inject=exit-stack-depth
# configurations: t2+stress+inject=exit-stack-depth
# origin: /tmp/st/t2_stress_inject_exit-stack-depth/finding-11-0.py
# date: 2026-11-21
for a in range(2):
    pass
