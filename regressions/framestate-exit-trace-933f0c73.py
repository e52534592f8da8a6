# jitdiff regression: FrameState at _EXIT_TRACE on t2+stress+inject=stale-global
# signature: FrameState at _EXIT_TRACE on t2+stress+inject=stale-global
# configurations: t2+stress+inject=stale-global
# origin: regressions/output-outcome-4a4e9631.py (re-triaged under the deep oracles)
# date: 2026-12-01
for a in range(5):
    if 0:
        pass
    elif a % 2:
        print()
