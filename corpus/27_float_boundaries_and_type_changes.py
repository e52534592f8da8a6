# Float boundary values and a variable whose type changes inside hot loops; ends with ZeroDivisionError
# the float guards of a specialized trace must fail, not misread an int.
inf = 1e309
nan = inf - inf
print(inf, -inf, nan, nan == nan, nan != nan, nan < 1.0, -0.0, 0.0 == -0.0)
print(2.0 ** 53, 2 ** 53 + 1 == 2.0 ** 53, 10 ** 400 > 1e308, 5e-324 / 2, 1.7976931348623157e308 * 10)
print(7 / 2, -7 / 2, 7 // -2.0, -7.5 % 2, 7.5 % -2, 0 / -5, 1e16, 1e15, 0.0001, 0.00001, 0.1 + 0.2)
print((2 ** 64 + 1) / 3, 10 ** 30 / 7, 1 / 3 * 3, 3 ** -2, 2.0 ** -1074, (-2.0) ** 3)
x = 1.5
acc = 0.0
for i in range(200):
    acc = acc + x * 2.0
    if acc > 100.0:
        acc = acc - 99.75
    if i == 80:
        x = 3
    if i == 120:
        x = 4611686018427387904
    if i == 160:
        x = 0.25
print(acc, x)
y = 0
hits = 0
for i in range(150):
    if y < 40.5:
        hits += 1
    y = y + 0.5 if i % 3 else y + 1
print(y, hits)
z = -0.0
for i in range(100):
    z = z * 1.0
print(z, abs(z), -z, int(-0.5), round(0.5), round(1.5), float(-0))
print(abs(-3), abs(-2.5), int(-3.99), int(2.5e18), float(True), int(False), round(7), round(-1350, -2))
print(float, int, abs, round)
print(1.0 / 0)
