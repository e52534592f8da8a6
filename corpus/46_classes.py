# A small class hierarchy in a hot loop: particles and springs stepped by
# method calls, attribute updates through self, super() chains in
# __init__ and in overridden methods, class attribute counters.


class Body:
    """Something that moves."""

    created = 0
    steps = 0

    def __init__(self, name, x, v):
        self.name = name
        self.x = x
        self.v = v
        Body.created += 1

    def step(self, dt):
        self.x += self.v * dt
        Body.steps += 1
        return self.x

    def energy(self):
        return self.v * self.v / 2

    def describe(self):
        return self.name + "@" + str(round(self.x, 3))


class Heavy(Body):
    def __init__(self, name, x, v, mass):
        super().__init__(name, x, v)
        self.mass = mass

    def energy(self):
        return super().energy() * self.mass


class Damped(Heavy):
    friction = 0.01

    def __init__(self, name, x, v, mass, k=0.5):
        super().__init__(name, x, v, mass)
        self.k = k

    def step(self, dt):
        # A spring back to 0, with friction, then the plain motion.
        self.v -= (self.k * self.x + self.friction * self.v) * dt
        return super().step(dt)

    def describe(self):
        return "damped " + super().describe()


class Counter:
    def __init__(self):
        self.n = 0
        self.total = 0.0

    def add(self, value):
        self.n += 1
        self.total += value
        return self


def simulate(bodies, steps, dt):
    log = Counter()
    for i in range(steps):
        for b in bodies:
            log.add(b.step(dt))
        if i % 250 == 0:
            print(i, [b.describe() for b in bodies])
    return log


bodies = [
    Body("a", 0.0, 1.0),
    Heavy("b", 1.0, -0.5, 3),
    Damped("c", 2.0, 0.0, 2),
    Damped("d", -1.0, 1.0, 1, 2.0),
]
log = simulate(bodies, 1000, 0.01)
print(log.n, round(log.total, 6))
print([round(b.energy(), 6) for b in bodies])
print(Body.created, Body.steps, Damped.friction, Heavy.created)
print(isinstance(bodies[3], Heavy), isinstance(bodies[1], Damped), bodies[2].__class__)
heavy = [b for b in bodies if isinstance(b, Heavy)]
print(len(heavy), sum([b.mass for b in heavy]), Damped)
