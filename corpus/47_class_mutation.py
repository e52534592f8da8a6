# Classes changing under running loops: methods and class attributes
# rebound mid-loop (from the loop and from a callee), __class__ swapped
# between classes of the same layout, attributes added to instances after
# the loops that read them ran hot, static and class methods, slots.


class Shape:
    scale = 1

    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size * self.scale

    @staticmethod
    def unit():
        return 1

    @classmethod
    def tag(cls):
        return cls.__name__


class Circle(Shape):
    def area(self):
        return 3 * self.size * self.size * self.scale


class Square(Shape):
    pass


def doubled_area(self):
    return 2 * self.size * self.size


def set_scale(cls, k):
    cls.scale = k


def total_area(shapes):
    t = 0
    for s in shapes:
        t += s.area() + s.unit()
    return t


shapes = [Circle(1), Square(2), Shape(3), Circle(4)]
totals = []
for i in range(600):
    if i == 200:
        Shape.area = doubled_area
    if i == 300:
        set_scale(Shape, 5)
    if i == 400:
        set_scale(Circle, 7)
    if i == 500:
        shapes[1].__class__ = Circle
    if i % 100 == 0:
        totals.append(total_area(shapes))
    total_area(shapes)
print(totals)
print(Shape.scale, Circle.scale, Square.scale, shapes[1].__class__, shapes[1].tag())
print([s.tag() for s in shapes], Square.tag(), Shape.unit())


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def norm1(ps):
    n = 0
    for p in ps:
        n += abs(p.x) + abs(p.y)
    return n


points = [Point(i, -i) for i in range(20)]
acc = 0
for k in range(50):
    acc += norm1(points)
for p in points:
    p.z = p.x * 2
    p.x = p.z
acc += norm1(points)
print(acc, points[3].z, points[3].x)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a):
        self.a = a

    def get(self):
        return self.a


class SlottedToo:
    __slots__ = ("a", "b")

    def get(self):
        return -self.a


s = Slotted(5)
got = 0
for i in range(300):
    if i == 150:
        s.__class__ = SlottedToo
    if i == 200:
        s.b = i
    got += s.get()
print(got, s.b, s.__class__)


class Registry:
    count = 0
    names = []

    @classmethod
    def register(cls, name):
        cls.count += 1
        cls.names.append(name)
        return cls.count

    @staticmethod
    def clean(name):
        return name.strip().lower()


class SubRegistry(Registry):
    pass


for w in [" Alpha", "beta ", " GAMMA "]:
    Registry.register(Registry.clean(w))
    SubRegistry.register(w)
print(Registry.count, SubRegistry.count, Registry.names, SubRegistry.names is Registry.names)
