# jitdiff regression: DeoptState at side-exit on t2+stress+inject=exit-stack-depth
# signature: DeoptState at side-exit on t2+stress+inject=exit-stack-depth
# configurations: t2+stress+inject=exit-stack-depth
# origin: regressions/deoptstate-exit-c823f361.py (re-triaged under the deep oracles)
# date: 2026-12-01
for a in range(2):
    pass
