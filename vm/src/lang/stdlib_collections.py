# `collections.deque`, `Counter` and `defaultdict` (CPython 3.11's
# Modules/_collectionsmodule.c and Lib/collections/__init__.py) as classes
# over a list or a dict: the methods a program calls, with CPython's
# results, errors and messages. The deque's `_state` counts the changes
# of its length, as the C deque's `state`, which its iterators check.
#
# A class body's methods name the prelude's functions and classes only
# by names ending in `__` (the `..._class__()` functions give the
# classes): python3 mangles any other `__` name there (`_jd_collections_
# deque__jd_...`), and the lowered program's text, which repro files
# hold, must run under python3 as it runs here.
class __jd_collections_deque:
    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None:
            if not isinstance(maxlen, int):
                raise TypeError("an integer is required")
            if maxlen < 0:
                raise ValueError("maxlen must be non-negative")
        self._maxlen = maxlen
        self._items = []
        self._state = 0
        self.extend(iterable)

    @property
    def maxlen(self):
        return self._maxlen

    def append(self, *args, **kwargs):
        if kwargs or len(args) != 1:
            __jd_collections_args__("append", args, kwargs, 1, 1)
        x = args[0]
        self._state += 1
        self._items.append(x)
        if self._maxlen is not None and len(self._items) > self._maxlen:
            self._items.pop(0)

    def appendleft(self, *args, **kwargs):
        if kwargs or len(args) != 1:
            __jd_collections_args__("appendleft", args, kwargs, 1, 1)
        x = args[0]
        self._state += 1
        self._items.insert(0, x)
        if self._maxlen is not None and len(self._items) > self._maxlen:
            self._items.pop()

    def pop(self, *args, **kwargs):
        if kwargs or args:
            __jd_collections_args__("pop", args, kwargs, 0, 0)
        if not self._items:
            raise IndexError("pop from an empty deque")
        self._state += 1
        return self._items.pop()

    def popleft(self, *args, **kwargs):
        if kwargs or args:
            __jd_collections_args__("popleft", args, kwargs, 0, 0)
        if not self._items:
            raise IndexError("pop from an empty deque")
        self._state += 1
        return self._items.pop(0)

    def extend(self, iterable):
        if iterable is self:
            iterable = list(iterable)
        for x in iterable:
            self.append(x)

    def extendleft(self, iterable):
        if iterable is self:
            iterable = list(iterable)
        for x in iterable:
            self.appendleft(x)

    # `deque_clear`: an empty deque is left as it is (its iterators too).
    def clear(self):
        if self._items:
            self._state += 1
            self._items = []

    def copy(self):
        return __jd_collections_deque_class__()(self._items, self._maxlen)

    def count(self, x):
        return self._items.count(x)

    # The list's own search compares as `deque_index` does (identity
    # first), over the same clamped bounds.
    def index(self, x, *args):
        if len(args) > 2:
            raise TypeError("index expected at most 3 arguments, got %d" % (len(args) + 1))
        try:
            i = self._items.index(x, *args)
        except ValueError:
            i = -1
        if i < 0:
            raise ValueError("%r is not in deque" % (x,))
        return i

    def remove(self, x):
        try:
            i = self._items.index(x)
        except ValueError:
            i = -1
        if i < 0:
            raise ValueError("%r is not in deque" % (x,))
        self._state += 1
        self._items.pop(i)

    def insert(self, i, x):
        if self._maxlen is not None and len(self._items) >= self._maxlen:
            raise IndexError("deque already at its maximum size")
        self._state += 1
        self._items.insert(i, x)

    def reverse(self):
        self._items.reverse()

    # `_deque_rotate`: the argument is a C ssize_t; a deque of two or more
    # items counts as changed (its iterators fail), whatever `n`.
    def rotate(self, *args, **kwargs):
        if kwargs or len(args) > 1:
            __jd_collections_args__("rotate", args, kwargs, 0, 1)
        n = 1
        if args:
            n = __jd_collections_ssize__(args[0])
        items = self._items
        if len(items) > 1:
            self._state += 1
            n = n % len(items)
            if n:
                self._items = items[-n:] + items[:-n]

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return __jd_collections_dequeiter_class__()(self)

    def __contains__(self, x):
        return x in self._items

    def __getitem__(self, i):
        return self._items[__jd_collections_deque_index__(self, i)]

    def __setitem__(self, i, x):
        self._items[__jd_collections_deque_index__(self, i)] = x

    def __eq__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items == other._items

    def __ne__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items != other._items

    def __lt__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items < other._items

    def __le__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items <= other._items

    def __gt__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items > other._items

    def __ge__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            return NotImplemented
        return self._items >= other._items

    def __add__(self, other):
        if not isinstance(other, __jd_collections_deque_class__()):
            raise TypeError('can only concatenate deque (not "%s") to deque' % type(other).__name__)
        out = __jd_collections_deque_class__()(self._items, self._maxlen)
        out.extend(other)
        return out

    def __mul__(self, n):
        return __jd_collections_deque_class__()(self._items * n, self._maxlen)

    def __rmul__(self, n):
        return __jd_collections_deque_class__()(self._items * n, self._maxlen)

    def __repr__(self):
        if self._maxlen is None:
            return "deque(%r)" % (self._items,)
        return "deque(%r, maxlen=%d)" % (self._items, self._maxlen)


# `deque_item`'s index: an int (no slice), counted from the end when
# negative, inside the deque.
def __jd_collections_deque_index__(dq, i):
    if not isinstance(i, int):
        raise TypeError("sequence index must be integer, not '%s'" % type(i).__name__)
    n = len(dq._items)
    if i < 0:
        i += n
    if i < 0 or i >= n:
        raise IndexError("deque index out of range")
    return i


# `dequeiter_next`: a change of the deque since the iterator was made is
# an error at every later step, checked before the end (the count of
# items is taken when the iterator is made).
class __jd_collections_dequeiter:
    def __init__(self, dq):
        self._dq = dq
        self._state = dq._state
        self._counter = len(dq._items)
        self._index = 0

    def __iter__(self):
        return self

    def __next__(self):
        dq = self._dq
        if dq._state != self._state:
            self._counter = 0
            raise RuntimeError("deque mutated during iteration")
        if self._counter == 0:
            raise StopIteration
        item = dq._items[self._index]
        self._index += 1
        self._counter -= 1
        return item


# The argument checks of a C method of the deque (METH_O, METH_NOARGS or
# `_PyArg_CheckPositional`), raised with CPython's messages.
def __jd_collections_args__(name, args, kwargs, least, most):
    if kwargs:
        raise TypeError("deque.%s() takes no keyword arguments" % name)
    if least == most == 0:
        raise TypeError("deque.%s() takes no arguments (%d given)" % (name, len(args)))
    if least == most == 1:
        raise TypeError("deque.%s() takes exactly one argument (%d given)" % (name, len(args)))
    if len(args) > most:
        raise TypeError("deque.%s expected at most %d argument%s, got %d" % (name, most, "" if most == 1 else "s", len(args)))


# `PyNumber_AsSsize_t`'s checks (`range` raises its TypeError for a
# non-int, with the type's name).
def __jd_collections_ssize__(n):
    if not isinstance(n, int):
        range(n)
    if n > 9223372036854775807 or n < -9223372036854775808:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return n


# The dict inside a Counter or defaultdict, or a dict itself; None for
# anything else.
def __jd_collections_mapping__(x):
    if isinstance(x, __jd_collections_dictlike):
        return x._d
    if isinstance(x, type({})):
        return x
    return None


# The dict methods both mapping classes delegate to their dict.
class __jd_collections_dictlike:
    def __len__(self):
        return len(self._d)

    def __iter__(self):
        return iter(self._d)

    def __contains__(self, key):
        return key in self._d

    def __setitem__(self, key, value):
        self._d[key] = value

    def keys(self):
        return self._d.keys()

    def values(self):
        return self._d.values()

    def items(self):
        return self._d.items()

    def get(self, *args):
        return self._d.get(*args)

    def pop(self, *args):
        return self._d.pop(*args)

    def popitem(self):
        return self._d.popitem()

    def setdefault(self, *args):
        return self._d.setdefault(*args)

    def clear(self):
        self._d.clear()

    def __eq__(self, other):
        d = __jd_collections_mapping__(other)
        if d is None:
            return NotImplemented
        return self._d == d

    def __ne__(self, other):
        d = __jd_collections_mapping__(other)
        if d is None:
            return NotImplemented
        return self._d != d


class __jd_collections_defaultdict(__jd_collections_dictlike):
    def __init__(self, *args, **kwargs):
        factory = None
        if args:
            factory = args[0]
            if factory is not None and not callable(factory):
                raise TypeError("first argument must be callable or None")
        self.default_factory = factory
        self._d = {}
        if len(args) > 2:
            raise TypeError("dict expected at most 1 argument, got %d" % (len(args) - 1))
        if len(args) == 2:
            self.update(args[1])
        if kwargs:
            self.update(kwargs)

    def __getitem__(self, key):
        d = self._d
        if key in d:
            return d[key]
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        d[key] = value
        return value

    def update(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError("update expected at most 1 argument, got %d" % len(args))
        if args:
            d = __jd_collections_mapping__(args[0])
            if d is None:
                self._d.update(args[0])
            else:
                self._d.update(d)
        if kwargs:
            self._d.update(kwargs)

    def copy(self):
        return __jd_collections_defaultdict_class__()(self.default_factory, self._d)

    def __repr__(self):
        return "defaultdict(%r, %r)" % (self.default_factory, self._d)


class __jd_collections_Counter(__jd_collections_dictlike):
    def __init__(self, iterable=None, **kwds):
        self._d = {}
        self.update(iterable, **kwds)

    def __getitem__(self, key):
        d = self._d
        if key in d:
            return d[key]
        return 0

    def total(self):
        t = 0
        for v in self._d.values():
            t = t + v
        return t

    # `heapq.nlargest(n, self.items(), key=itemgetter(1))` for an `n`,
    # step for step where its checks show (a non-int `n` fails in its
    # comparison or `range`); its result is the sorted one's head.
    def most_common(self, n=None):
        if n is None:
            return sorted(self._d.items(), key=__jd_collections_count_of__, reverse=True)
        if n == 1:
            if not self._d:
                return []
            return [max(self._d.items(), key=__jd_collections_count_of__)]
        if n >= len(self._d):
            return sorted(self._d.items(), key=__jd_collections_count_of__, reverse=True)[:n]
        range(0, -n, -1)
        if n <= 0:
            return []
        return sorted(self._d.items(), key=__jd_collections_count_of__, reverse=True)[:n]

    def elements(self):
        return __jd_collections_elements__(iter(self._d.items()))

    def update(self, iterable=None, **kwds):
        if iterable is not None:
            d = __jd_collections_mapping__(iterable)
            if d is None:
                for elem in iterable:
                    self._d[elem] = self._d.get(elem, 0) + 1
            elif self._d:
                for elem, count in d.items():
                    self._d[elem] = count + self._d.get(elem, 0)
            else:
                self._d.update(d)
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, **kwds):
        if iterable is not None:
            d = __jd_collections_mapping__(iterable)
            if d is None:
                for elem in iterable:
                    self._d[elem] = self._d.get(elem, 0) - 1
            else:
                for elem, count in d.items():
                    self._d[elem] = self._d.get(elem, 0) - count
        if kwds:
            self.subtract(kwds)

    def copy(self):
        return __jd_collections_Counter_class__()(self)

    def __eq__(self, other):
        if isinstance(other, __jd_collections_Counter_class__()):
            for c in (self, other):
                for e in c._d:
                    if not (self[e] == other[e]):
                        return False
            return True
        return super().__eq__(other)

    def __ne__(self, other):
        if isinstance(other, __jd_collections_Counter_class__()):
            return not (self == other)
        return super().__ne__(other)

    # Multiset inclusion (3.10): missing counts are zero.
    def __le__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        for c in (self, other):
            for e in c._d:
                if not (self[e] <= other[e]):
                    return False
        return True

    def __ge__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        for c in (self, other):
            for e in c._d:
                if not (self[e] >= other[e]):
                    return False
        return True

    def __lt__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        return self <= other and self != other

    def __gt__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        return self >= other and self != other

    def __add__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        result = __jd_collections_Counter_class__()()
        for elem, count in self._d.items():
            newcount = count + other[elem]
            if newcount > 0:
                result._d[elem] = newcount
        for elem, count in other._d.items():
            if elem not in self._d and count > 0:
                result._d[elem] = count
        return result

    def __sub__(self, other):
        if not isinstance(other, __jd_collections_Counter_class__()):
            return NotImplemented
        result = __jd_collections_Counter_class__()()
        for elem, count in self._d.items():
            newcount = count - other[elem]
            if newcount > 0:
                result._d[elem] = newcount
        for elem, count in other._d.items():
            if elem not in self._d and count < 0:
                result._d[elem] = 0 - count
        return result

    def __pos__(self):
        result = __jd_collections_Counter_class__()()
        for elem, count in self._d.items():
            if count > 0:
                result._d[elem] = count
        return result

    def __neg__(self):
        result = __jd_collections_Counter_class__()()
        for elem, count in self._d.items():
            if count < 0:
                result._d[elem] = 0 - count
        return result

    def __repr__(self):
        if not self._d:
            return "Counter()"
        try:
            d = {}
            for k, v in self.most_common():
                d[k] = v
        except TypeError:
            d = self._d
        return "Counter(%r)" % (d,)


def __jd_collections_count_of__(item):
    return item[1]


def __jd_collections_elements__(items):
    for elem, count in items:
        for _ in range(count):
            yield elem


def __jd_collections_deque_class__():
    return __jd_collections_deque


def __jd_collections_Counter_class__():
    return __jd_collections_Counter


def __jd_collections_defaultdict_class__():
    return __jd_collections_defaultdict


def __jd_collections_dequeiter_class__():
    return __jd_collections_dequeiter
