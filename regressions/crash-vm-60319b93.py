# jitdiff regression: Crash at vm on t1+warmup=0+gcstress and the gcstress configurations of tier 2 and every backend
# signature: Crash at vm on jit-a64+stress+deopt=7+gcstress+cache=none,jit-native+stress+deopt=7+gcstress+cache=none,jit-x86+stress+deopt=7+gcstress+cache=none,t1+warmup=0+gcstress,t2+stress+deopt=7+gcstress
# origin: found by `jitdiff fuzz --guided --seed 20261202 --config all` (program 249, a mutant with a boundary constant), reduced by triage to `for a in range(2**63): pass`
# date: 2026-12-02
# A range past the machine word iterates as a LongRangeIter: iter() made
# the wide remaining length and then allocated the iterator while the
# length sat only in a Rust local, so GC stress freed it (corrupt int object).
s = 0
for a in range(9223372036854775808):
    s = s + a
    if a == 30:
        break
print(s, a)
