# Idioms of everyday Python: decorators (a memoizing wrapper, a factory with
# arguments), map and filter pipelines, methods read from their type
# (`key=str.lower`), lambdas in comprehensions, `if __name__ == "__main__"`.


def memoize(fn):
    cache = {}

    def inner(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]

    return inner


def clamp(lo, hi):
    def deco(fn):
        def wrapped(v):
            return max(lo, min(hi, fn(v)))
        return wrapped
    return deco


@memoize
def edit_distance(a, b):
    if not a:
        return len(b)
    if not b:
        return len(a)
    if a[0] == b[0]:
        return edit_distance(a[1:], b[1:])
    return 1 + min(edit_distance(a[1:], b), edit_distance(a, b[1:]),
                   edit_distance(a[1:], b[1:]))


@clamp(0, 100)
def score(v):
    return v * 7 - 30


def report(words):
    words = sorted(words, key=str.lower)
    lengths = list(map(len, words))
    long_ones = list(filter(lambda w: len(w) > 4, words))
    shouts = ", ".join(map(str.upper, long_ones))
    return words, lengths, shouts


def main():
    print(edit_distance("kitten", "sitting"), edit_distance("flaw", "lawn"))
    print([score(v) for v in range(-2, 20, 3)])
    words, lengths, shouts = report(["banana", "Apple", "cherry", "fig", "apple"])
    print(words, lengths, shouts)
    matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    print(list(map(list, zip(*matrix))), list(map(sum, matrix)))
    scalers = [lambda v, k=k: v * k for k in range(1, 4)]
    total = 0
    for i in range(500):
        total += sum(f(i) for f in scalers) + len(list(filter(None, (i % 3, i % 5))))
    print(total, sum(filter(str.isdigit, "a1b2c3") and [1]))
    print(list(map(lambda a, b: a - b, [10, 20, 30], range(5))))


if __name__ == "__main__":
    main()
