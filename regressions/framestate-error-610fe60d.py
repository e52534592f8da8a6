# jitdiff regression: FrameState at error on jit-native+stress
# signature: FrameState at error on jit-native+stress
# configurations: jit-native+stress
# origin: written by hand (2026-12-06) after the fuzzer's frame-state oracle
# flagged the same shape in a generated program with a user iterator
# (`list(it)` swallowing the StopIteration its `__next__` raised)
# date: 2026-12-06
# A false divergence in the VM's bookkeeping, not in the JIT: `hasattr`
# caught the AttributeError the property raised but left the point where it
# was raised as the error in flight, so the next error leaving a trace (the
# `append` of an int) was recorded at that stale point, which the run
# without traces never reaches. Handled errors now forget that point
# (`Run::error_handled`), as an `except` always did.
class P:
    @property
    def p(self):
        raise AttributeError()
hasattr(P(), 'p')
def run(n=4):
    q = []
    for i in range(n):
        if i == 3:
            q = 0
        q.append(0)
run()
