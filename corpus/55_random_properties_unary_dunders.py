# A seeded random walk of particles: random.seed/randint/choice/shuffle/uniform, properties with setters, unary and division dunders
import random


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def __neg__(self):
        return Vec(-self.x, -self.y)

    def __truediv__(self, k):
        return Vec(self.x / k, self.y / k)

    def __floordiv__(self, k):
        return Vec(self.x // k, self.y // k)

    def __abs__(self):
        return abs(self.x) + abs(self.y)

    def __repr__(self):
        return "Vec(%r, %r)" % (self.x, self.y)


class Particle:
    def __init__(self, name, pos):
        self.name = name
        self.moves = -1
        self.pos = pos

    @property
    def pos(self):
        return self._pos

    @pos.setter
    def pos(self, v):
        self._pos = v // 1
        self.moves += 1

    @property
    def dist(self):
        return abs(self._pos)


random.seed(2026)
steps = [Vec(1, 0), Vec(-1, 0), Vec(0, 1), Vec(0, -1)]
ps = [Particle(n, Vec(random.randint(-5, 5), random.randint(-5, 5))) for n in "abcde"]
for t in range(400):
    p = random.choice(ps)
    s = random.choice(steps)
    if random.random() < 0.1:
        s = -s
    p.pos = p.pos + s
    if t % 97 == 0:
        random.shuffle(ps)
far = max(ps, key=lambda p: p.dist)
print(far.name, far.pos, far.dist, far.moves)
print(sorted((p.name, p.dist) for p in ps))
print(Vec(7, 3) / 2, Vec(7, 3) // 2, round(random.uniform(0, 1), 6), random.randrange(10, 100, 7))
