# Strings whose type changes in hot loops; ends with TypeError: a concatenation whose right
# operand stops being a str after the trace specialized it on two strs
a = "left"
b = "right"
log = []
for i in range(60):
    piece = a + b
    if piece < "leftz":
        log.append(piece[i % len(piece)])
    if i == 20:
        a = "L"
    if i == 40:
        b = "R" * 3
print("".join(log), len(log))
mixed = 0
for i in range(50):
    if i == 30:
        mixed = "now a str"
    shown = "%s" % (mixed,)
print(shown, repr(mixed))
acc = ""
for i in range(100):
    acc = acc[-12:] + str(i % 10)
    if acc[-1] == "9" and len(acc) > 5:
        acc = acc.upper()
print(acc)
for i in range(40):
    if i == 35:
        b = 7
    piece = a + b
