# Iteration builtins in hot loops: enumerate (with a start), zip of unequal
# lengths, reversed lists, tuples, strings and ranges, sorted and list.sort
# with reverse=, isinstance with a type and a tuple of types, and len calls
# that specialize to CALL_LEN.
WORDS = "the quick brown fox jumps over the lazy dog".split()


def weigh(xs, ws):
    total = 0
    for i, (x, w) in enumerate(zip(xs, ws), 1):
        total += i * x - w
    for x in reversed(xs):
        total += x % 7
    return total


def tally(n):
    counts = {}
    for rep in range(n):
        for pos, word in enumerate(sorted(WORDS, reverse=rep % 2 == 0)):
            counts[word] = counts.get(word, 0) + pos + len(word)
    return sorted(counts.items())


def kinds(n):
    seen = [0, 0, 0]
    for i in range(n):
        v = i if i % 3 else (str(i) if i % 2 else float(i))
        if isinstance(v, str):
            seen[0] += len(v)
        elif isinstance(v, (int, list)):
            seen[1] += 1
        else:
            seen[2] += 1
    return seen


xs = list(range(40))
ws = list(reversed(range(35)))
acc = 0
for k in range(200):
    acc += weigh(xs, ws) + len(xs)
print(acc)
print(tally(60))
print(kinds(300))
rows = []
for k in range(300):
    rows.append((k * 7919 % 101, -k))
    if len(rows) > 40:
        rows.sort(reverse=k % 3 == 0)
        rows.pop()
print(rows[:4], len(rows))
print(list(reversed("jitdiff")), list(reversed(range(3, 30, 7))), tuple(reversed((1, 2))))
print(dict(zip("abc", range(10))), list(enumerate("xy", -1)))
