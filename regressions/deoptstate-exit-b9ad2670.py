# jitdiff regression: DeoptState at exit on t2+stress+deopt=5+inject=deopt-resume-late
# signature: DeoptState at exit on t2+stress+deopt=5+inject=deopt-resume-late
# configurations: t2+stress+deopt=5+inject=deopt-resume-late
# origin: /tmp/st/t2_stress_deopt_5_inject_deopt-resume-late/finding-11-0.py
# date: 2026-11-21
for a in range(3):
    pass
