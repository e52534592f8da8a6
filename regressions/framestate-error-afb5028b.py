# jitdiff regression: FrameState at error on t2
# signature: FrameState at error on t2
# configurations: t2
# origin: a builtin called with keywords raising inside a trace (_CALL_KW recorded the error after its fuel tick; fixed in c3e4c51)
# date: 2026-12-05
def f(a):
    for b in range(a):
        try:
            sorted(reverse=0)
        except TypeError:
            pass
f(25)
