# Text processing with ASCII strings, starting with a module docstring (bound to __doc__)
"""Text processing with ASCII strings: word counts by hand, a Caesar cipher,
run-length encoding, a tiny tokenizer and a report printed with % and sep/end."""


def caesar(text, shift):
    out = ""
    for ch in text:
        if "a" <= ch <= "z":
            out += chr((ord(ch) - ord("a") + shift) % 26 + ord("a"))
        elif "A" <= ch <= "Z":
            out += chr((ord(ch) - ord("A") + shift) % 26 + ord("A"))
        else:
            out += ch
    return out


def run_length(text):
    if not text:
        return ""
    parts = []
    prev = text[0]
    n = 0
    for ch in text:
        if ch == prev:
            n += 1
        else:
            parts.append("%d%s" % (n, prev))
            prev = ch
            n = 1
    parts.append("%d%s" % (n, prev))
    return "".join(parts)


def tokenize(src):
    tokens = []
    i = 0
    while i < len(src):
        c = src[i]
        if c == " ":
            i += 1
        elif c in "+-*/()":
            tokens.append(c)
            i += 1
        else:
            j = i
            while j < len(src) and src[j] not in " +-*/()":
                j += 1
            tokens.append(src[i:j])
            i = j
    return tokens


text = "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs!"
words = text.lower().replace(".", " ").replace(";", " ").replace("!", " ").split()
counts = []
seen = []
for w in words:
    if w in seen:
        counts[seen.index(w)] += 1
    else:
        seen.append(w)
        counts.append(1)
for k in range(len(seen)):
    if counts[k] > 1:
        print("%-6s %2d" % (seen[k], counts[k]), end=" | ")
print()
secret = caesar(text, 13)
print(secret)
print(caesar(secret, 13) == text, run_length("aaabccddddde"), run_length(""))
print(tokenize("12 + x1*(y - 3)/z"), sep="")
total = 0
for i in range(200):
    line = "row %03d: %s" % (i, "x" * (i % 7))
    total += len(line) + line.count("x")
print("total", total, sep="=", end=".\n")
print("%5.2f%% done, %e left, %g ratio, %x hex, %r" % (99.5, 0.00123, 1e-7, 48879, "q'uote"))
print(str(3.0), repr("tab\there"), "a,b,,c".split(","), "  padded  ".strip(), "abc".upper(), "ABC".lower())
print(int("  -42 "), int("1_000_000"), int("ff", 16), int("0b101", 0), float("1e-3"), float("-inf"))
print("abc" < "abd", "Z" < "a", min(seen), max(seen), "fox" in text, "cat" not in text)
