# jitdiff regression: DeoptState at deopt on t2+stress+deopt=5+inject=deopt-resume-late
# signature: DeoptState at deopt on t2+stress+deopt=5+inject=deopt-resume-late
# configurations: t2+stress+deopt=5+inject=deopt-resume-late
# origin: regressions/deoptstate-exit-b9ad2670.py (re-triaged under the deep oracles)
# date: 2026-12-01
for a in range(3):
    pass
