# pyperformance's spectral_norm kernel (bm_spectral_norm), verbatim but for its
# harness (one run, the result printed) and n = 16: list comprehensions, functions
# as values, tuples unpacked from a parameter, enumerate, zip, chained assignment.
"""
MathWorks "benchmarks game" spectral norm

Contributed by Sebastien Loisel
Fixed by Isaac Gouy
Sped up by Josh Goldfoot
Dirtily sped up by Simon Descarpentries
Concurrency by Jason Stitt
"""

DEFAULT_N = 16


def eval_A(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def eval_times_u(func, u):
    return [func((i, u)) for i in range(len(list(u)))]


def eval_AtA_times_u(u):
    return eval_times_u(part_At_times_u, eval_times_u(part_A_times_u, u))


def part_A_times_u(i_u):
    i, u = i_u
    partial_sum = 0
    for j, u_j in enumerate(u):
        partial_sum += eval_A(i, j) * u_j
    return partial_sum


def part_At_times_u(i_u):
    i, u = i_u
    partial_sum = 0
    for j, u_j in enumerate(u):
        partial_sum += eval_A(j, i) * u_j
    return partial_sum


def bench_spectral_norm(loops):
    range_it = range(loops)

    for _ in range_it:
        u = [1] * DEFAULT_N

        for dummy in range(10):
            v = eval_AtA_times_u(u)
            u = eval_AtA_times_u(v)

        vBv = vAv = 0

        for ue, ve in zip(u, v):
            vBv += ue * ve
            vAv += ve * ve

    return vBv, vAv


vBv, vAv = bench_spectral_norm(1)
print(vBv, vAv, (vBv / vAv) ** 0.5)
