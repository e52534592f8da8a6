# Operator and protocol dunders of user classes in hot loops: arithmetic
# with reflected operands, rich comparisons with side effects, a container
# class (__len__, __getitem__, __setitem__, __iter__, __contains__,
# __bool__), __repr__ inside containers, and __add__ rebound mid-loop.


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def __sub__(self, o):
        return Vec(self.x - o.x, self.y - o.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __rmul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __eq__(self, o):
        return self.x == o.x and self.y == o.y

    def __lt__(self, o):
        return self.x * self.x + self.y * self.y < o.x * o.x + o.y * o.y

    def __repr__(self):
        return "Vec(" + str(self.x) + ", " + str(self.y) + ")"


class Ring:
    def __init__(self, n):
        self.cells = [0] * n
        self.reads = 0

    def __len__(self):
        return len(self.cells)

    def __getitem__(self, i):
        self.reads += 1
        return self.cells[i % len(self.cells)]

    def __setitem__(self, i, v):
        self.cells[i % len(self.cells)] = v

    def __iter__(self):
        return iter(self.cells)

    def __contains__(self, v):
        return v in self.cells

    def __bool__(self):
        return sum(self.cells) > 0


compares = 0


class Key:
    def __init__(self, k):
        self.k = k

    def __eq__(self, o):
        global compares
        compares += 1
        return self.k == o.k


def walk(n):
    acc = Vec(0, 0)
    step = Vec(1, 2)
    for i in range(n):
        acc = acc + step * (i % 3) - Vec(1, 1)
        if acc < Vec(3, 3):
            acc = 2 * acc
    return acc


def fill(r, n):
    for i in range(n):
        r[i] += i % 7
    total = 0
    for v in r:
        total += v
    return total


def double(self, o):
    return Vec(2 * self.x + o.x, 2 * self.y + o.y)


a = walk(300)
print(a, a == Vec(a.x, a.y), a != Vec(0, 0))
ring = Ring(5)
print(not ring, len(ring))
print(fill(ring, 200), ring.reads, 3 in ring, 99 in ring, not ring)
matches = 0
for i in range(250):
    if Key(i % 10) == Key(4):
        matches += 1
print(matches, compares)
path = []
v = Vec(1, 0)
for i in range(120):
    if i == 90:
        Vec.__add__ = double
    v = v + Vec(0, 1)
    if i % 40 == 0:
        path.append(v)
print(path, v)
print(sorted([3, 1, 2]), [Vec(1, 1)] * 2)
