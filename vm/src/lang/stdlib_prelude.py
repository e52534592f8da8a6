# The functions of `heapq`, `functools`, `itertools`, `bisect` and `operator` the language has, written in the
# language itself: the front end (stdlib.rs) adds the ones a program calls
# to its module and calls them in place of the module's. Each does what
# CPython 3.11's C function does, step for step where a step shows: the
# comparisons `_heapqmodule.c` makes, in its order, its checks that the
# list kept its size, and its errors and messages. Names start with
# `__jd_`, which programs may not use.


def __jd_heapq_siftdown(heap, startpos, pos):
    size = len(heap)
    if pos >= size:
        raise IndexError("index out of range")
    newitem = heap[pos]
    while pos > startpos:
        parentpos = (pos - 1) >> 1
        parent = heap[parentpos]
        smaller = newitem < parent
        if size != len(heap):
            raise RuntimeError("list changed size during iteration")
        if not smaller:
            break
        parent = heap[parentpos]
        newitem = heap[pos]
        heap[parentpos] = newitem
        heap[pos] = parent
        pos = parentpos


def __jd_heapq_siftup(heap, pos):
    endpos = len(heap)
    startpos = pos
    if pos >= endpos:
        raise IndexError("index out of range")
    limit = endpos >> 1
    while pos < limit:
        childpos = 2 * pos + 1
        if childpos + 1 < endpos:
            if not (heap[childpos] < heap[childpos + 1]):
                childpos += 1
            if endpos != len(heap):
                raise RuntimeError("list changed size during iteration")
        tmp1 = heap[childpos]
        tmp2 = heap[pos]
        heap[childpos] = tmp2
        heap[pos] = tmp1
        pos = childpos
    __jd_heapq_siftdown(heap, startpos, pos)


def __jd_heapq_heappush(*args, **kwargs):
    if kwargs:
        raise TypeError("_heapq.heappush() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("heappush expected 2 arguments, got %d" % len(args))
    heap = args[0]
    if type(heap) is not list:
        raise TypeError("heappush() argument 1 must be list, not %s" % type(heap).__name__)
    heap.append(args[1])
    __jd_heapq_siftdown(heap, 0, len(heap) - 1)


def __jd_heapq_heappop(*args, **kwargs):
    if kwargs:
        raise TypeError("_heapq.heappop() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError("_heapq.heappop() takes exactly one argument (%d given)" % len(args))
    heap = args[0]
    if type(heap) is not list:
        raise TypeError("heappop() argument must be list, not %s" % type(heap).__name__)
    if len(heap) == 0:
        raise IndexError("index out of range")
    lastelt = heap.pop()
    if len(heap) == 0:
        return lastelt
    returnitem = heap[0]
    heap[0] = lastelt
    __jd_heapq_siftup(heap, 0)
    return returnitem


def __jd_heapq_heapreplace(*args, **kwargs):
    if kwargs:
        raise TypeError("_heapq.heapreplace() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("heapreplace expected 2 arguments, got %d" % len(args))
    heap = args[0]
    if type(heap) is not list:
        raise TypeError("heapreplace() argument 1 must be list, not %s" % type(heap).__name__)
    if len(heap) == 0:
        raise IndexError("index out of range")
    returnitem = heap[0]
    heap[0] = args[1]
    __jd_heapq_siftup(heap, 0)
    return returnitem


def __jd_heapq_heappushpop(*args, **kwargs):
    if kwargs:
        raise TypeError("_heapq.heappushpop() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("heappushpop expected 2 arguments, got %d" % len(args))
    heap = args[0]
    item = args[1]
    if type(heap) is not list:
        raise TypeError("heappushpop() argument 1 must be list, not %s" % type(heap).__name__)
    if len(heap) == 0:
        return item
    top = heap[0]
    if not (top < item):
        return item
    if len(heap) == 0:
        raise IndexError("index out of range")
    returnitem = heap[0]
    heap[0] = item
    __jd_heapq_siftup(heap, 0)
    return returnitem


def __jd_heapq_heapify(*args, **kwargs):
    if kwargs:
        raise TypeError("_heapq.heapify() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError("_heapq.heapify() takes exactly one argument (%d given)" % len(args))
    heap = args[0]
    if type(heap) is not list:
        raise TypeError("heapify() argument must be list, not %s" % type(heap).__name__)
    n = len(heap)
    if n > 2500:
        __jd_heapq_heapify_big(heap)
        return
    i = (n >> 1) - 1
    while i >= 0:
        __jd_heapq_siftup(heap, i)
        i -= 1


# Past 2500 items CPython sifts rows of the tree bottom up in its own
# order (`cache_friendly_heapify`), which shows in where equal items end.
def __jd_heapq_heapify_big(heap):
    m = len(heap) >> 1
    top = 1
    while top * 2 <= m + 1:
        top *= 2
    leftmost = top - 1
    mhalf = m >> 1
    i = leftmost - 1
    while i >= mhalf:
        j = i
        while True:
            __jd_heapq_siftup(heap, j)
            if not (j & 1):
                break
            j >>= 1
        i -= 1
    i = m - 1
    while i >= leftmost:
        j = i
        while True:
            __jd_heapq_siftup(heap, j)
            if not (j & 1):
                break
            j >>= 1
        i -= 1


# The max-heap sifts of `_heapqmodule.c` (`siftdown_max`, `siftup_max`),
# which `nsmallest` uses: the comparisons of `__jd_heapq_siftdown` and
# `__jd_heapq_siftup` with their operands swapped.
def __jd_heapq_siftdown_max(heap, startpos, pos):
    size = len(heap)
    if pos >= size:
        raise IndexError("index out of range")
    newitem = heap[pos]
    while pos > startpos:
        parentpos = (pos - 1) >> 1
        parent = heap[parentpos]
        smaller = parent < newitem
        if size != len(heap):
            raise RuntimeError("list changed size during iteration")
        if not smaller:
            break
        parent = heap[parentpos]
        newitem = heap[pos]
        heap[parentpos] = newitem
        heap[pos] = parent
        pos = parentpos


def __jd_heapq_siftup_max(heap, pos):
    endpos = len(heap)
    startpos = pos
    if pos >= endpos:
        raise IndexError("index out of range")
    limit = endpos >> 1
    while pos < limit:
        childpos = 2 * pos + 1
        if childpos + 1 < endpos:
            if not (heap[childpos + 1] < heap[childpos]):
                childpos += 1
            if endpos != len(heap):
                raise RuntimeError("list changed size during iteration")
        tmp1 = heap[childpos]
        tmp2 = heap[pos]
        heap[childpos] = tmp2
        heap[pos] = tmp1
        pos = childpos
    __jd_heapq_siftdown_max(heap, startpos, pos)


# `heapq.nsmallest` and `nlargest` are Python functions in CPython
# (Lib/heapq.py), `(n, iterable, key=None)`: their arguments bound with a
# Python function's errors in its order, then `[n, iterable, key]`.
def __jd_heapq_nargs(fname, args, kwargs):
    unset = []
    bound = [unset, unset, unset]
    for i in range(3):
        if i < len(args):
            bound[i] = args[i]
    for k in kwargs:
        if k == "n":
            i = 0
        elif k == "iterable":
            i = 1
        elif k == "key":
            i = 2
        else:
            raise TypeError("%s() got an unexpected keyword argument '%s'" % (fname, k))
        if bound[i] is not unset:
            raise TypeError("%s() got multiple values for argument '%s'" % (fname, k))
        bound[i] = kwargs[k]
    if len(args) > 3:
        raise TypeError(
            "%s() takes from 2 to 3 positional arguments but %d were given" % (fname, len(args))
        )
    if bound[0] is unset and bound[1] is unset:
        raise TypeError("%s() missing 2 required positional arguments: 'n' and 'iterable'" % fname)
    if bound[0] is unset:
        raise TypeError("%s() missing 1 required positional argument: 'n'" % fname)
    if bound[1] is unset:
        raise TypeError("%s() missing 1 required positional argument: 'iterable'" % fname)
    if bound[2] is unset:
        bound[2] = None
    return bound


# `min(it, default=..., key=key)` (`smallest`) or `max` of the items left
# in `it`, as `[item]` or `[]`: the builtin's comparisons, written out so
# that a program rebinding `min` changes nothing here.
def __jd_heapq_extreme(it, key, smallest):
    unset = []
    best = unset
    bestkey = unset
    for item in it:
        k = item if key is None else key(item)
        if best is unset or (k < bestkey if smallest else k > bestkey):
            best = item
            bestkey = k
    return [] if best is unset else [best]


# `sorted(iterable, key=key, reverse=...)[:n]`: `sorted` is a new list
# sorted in place.
def __jd_heapq_sorted_head(iterable, key, reverse, n):
    result = list(iterable)
    result.sort(key=key, reverse=reverse)
    return result[:n]


# Whether `len(iterable)` answers, and what (CPython tries it and passes
# on TypeError and AttributeError).
def __jd_heapq_size(iterable):
    try:
        return [len(iterable)]
    except (TypeError, AttributeError):
        return []


# The first `n` items of `it` each decorated as `(key(item), order, item)`
# (or `(item, order)` without a key), orders counting from 0 by `step`
# (1 or -1): `zip(range(n), it)` or `zip(range(0, -n, -1), it)`, which
# stops before taking an item once the range is done.
def __jd_heapq_decorate(it, n, key, step):
    result = []
    for order in range(n) if step == 1 else range(0, -n, -1):
        for elem in it:
            if key is None:
                result.append((elem, order))
            else:
                result.append((key(elem), order, elem))
            break
        else:
            break
    return result


def __jd_heapq_nsmallest(*args, **kwargs):
    n, iterable, key = __jd_heapq_nargs("nsmallest", args, kwargs)
    if n == 1:
        return __jd_heapq_extreme(iter(iterable), key, True)
    size = __jd_heapq_size(iterable)
    if size and n >= size[0]:
        return __jd_heapq_sorted_head(iterable, key, False, n)
    it = iter(iterable)
    result = __jd_heapq_decorate(it, n, key, 1)
    if not result:
        return result
    # `_heapify_max`
    i = (len(result) >> 1) - 1
    while i >= 0:
        __jd_heapq_siftup_max(result, i)
        i -= 1
    top = result[0][0]
    order = n
    for elem in it:
        k = elem if key is None else key(elem)
        if k < top:
            # `_heapreplace_max`
            result[0] = (elem, order) if key is None else (k, order, elem)
            __jd_heapq_siftup_max(result, 0)
            top = result[0][0]
            order += 1
    result.sort()
    return [r[-1] for r in result] if key is not None else [r[0] for r in result]


def __jd_heapq_nlargest(*args, **kwargs):
    n, iterable, key = __jd_heapq_nargs("nlargest", args, kwargs)
    if n == 1:
        return __jd_heapq_extreme(iter(iterable), key, False)
    size = __jd_heapq_size(iterable)
    if size and n >= size[0]:
        return __jd_heapq_sorted_head(iterable, key, True, n)
    it = iter(iterable)
    result = __jd_heapq_decorate(it, n, key, -1)
    if not result:
        return result
    __jd_heapq_heapify(result)
    top = result[0][0]
    order = -n
    for elem in it:
        k = elem if key is None else key(elem)
        if top < k:
            __jd_heapq_heapreplace(result, (elem, order) if key is None else (k, order, elem))
            top = result[0][0]
            order -= 1
    result.sort(reverse=True)
    return [r[-1] for r in result] if key is not None else [r[0] for r in result]


def __jd_functools_reduce(*args, **kwargs):
    if kwargs:
        raise TypeError("reduce() takes no keyword arguments")
    if len(args) < 2:
        raise TypeError("reduce expected at least 2 arguments, got %d" % len(args))
    if len(args) > 3:
        raise TypeError("reduce expected at most 3 arguments, got %d" % len(args))
    function = args[0]
    try:
        it = iter(args[1])
    except TypeError:
        raise TypeError("reduce() arg 2 must support iteration")
    if len(args) == 3:
        value = args[2]
    else:
        for value in it:
            break
        else:
            raise TypeError("reduce() of empty iterable with no initial value")
    for element in it:
        value = function(value, element)
    return value


# The key `functools.lru_cache` makes of a call: the argument itself for one
# int or str (of exactly that type), else the arguments, then a marker and
# the keywords' names and values in order.
def __jd_functools_key(args, kwargs):
    if not kwargs and len(args) == 1 and (type(args[0]) is int or type(args[0]) is str):
        return args[0]
    if not kwargs:
        return args
    key = args + ("__jd_kwd_mark",)
    for k, v in kwargs.items():
        key += (k, v)
    return key


# `itertools`: each function takes and checks its arguments when called, as
# CPython's does (`iter()` of its iterables then; the pools of
# `permutations`, `combinations` and `product` read whole then), and
# returns a generator that yields what CPython's iterator yields, in its
# order.
def __jd_itertools_count(*args, **kwargs):
    if len(args) > 2:
        raise TypeError("count expected at most 2 arguments, got %d" % len(args))
    start = 0
    step = 1
    if len(args) > 0:
        start = args[0]
    if len(args) > 1:
        step = args[1]
    for k in kwargs:
        if k == "start" and len(args) < 1:
            start = kwargs[k]
        elif k == "step" and len(args) < 2:
            step = kwargs[k]
        else:
            raise TypeError("count() got an unexpected keyword argument '%s'" % k)
    return __jd_itertools_count_gen(start, step)


def __jd_itertools_count_gen(n, step):
    while True:
        yield n
        n += step


def __jd_itertools_chain(*iterables):
    return __jd_itertools_chain_gen(iter(iterables))


def __jd_itertools_chain_gen(sources):
    for source in sources:
        for item in source:
            yield item


def __jd_itertools_cycle(*args):
    if len(args) != 1:
        raise TypeError("cycle expected 1 argument, got %d" % len(args))
    return __jd_itertools_cycle_gen(iter(args[0]))


def __jd_itertools_cycle_gen(it):
    saved = []
    for item in it:
        yield item
        saved.append(item)
    while saved:
        for item in saved:
            yield item


def __jd_itertools_repeat(obj, *args):
    if len(args) > 1:
        raise TypeError("repeat expected at most 2 arguments, got %d" % (len(args) + 1))
    if not args:
        return __jd_itertools_repeat_forever(obj)
    if type(args[0]) is not int and type(args[0]) is not bool:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(args[0]).__name__)
    return __jd_itertools_repeat_gen(obj, args[0])


def __jd_itertools_repeat_forever(obj):
    while True:
        yield obj


def __jd_itertools_repeat_gen(obj, times):
    for _ in range(times):
        yield obj


def __jd_itertools_accumulate(iterable, *args, **kwargs):
    func = None
    if args:
        func = args[0]
    initial = None
    for k in kwargs:
        if k == "initial":
            initial = kwargs[k]
        elif k == "func" and not args:
            func = kwargs[k]
        else:
            raise TypeError("accumulate() got an unexpected keyword argument '%s'" % k)
    return __jd_itertools_accumulate_gen(iter(iterable), func, initial)


def __jd_itertools_accumulate_gen(it, func, total):
    if total is None:
        for first in it:
            total = first
            break
        else:
            return
    yield total
    for item in it:
        if func is None:
            total = total + item
        else:
            total = func(total, item)
        yield total


def __jd_itertools_pairwise(iterable):
    return __jd_itertools_pairwise_gen(iter(iterable))


def __jd_itertools_pairwise_gen(it):
    for prev in it:
        for item in it:
            yield (prev, item)
            prev = item
        return


def __jd_itertools_takewhile(*args, **kwargs):
    if kwargs:
        raise TypeError("takewhile() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("takewhile expected 2 arguments, got %d" % len(args))
    return __jd_itertools_takewhile_gen(args[0], iter(args[1]))


def __jd_itertools_takewhile_gen(predicate, it):
    for item in it:
        if predicate(item):
            yield item
        else:
            return


def __jd_itertools_dropwhile(*args, **kwargs):
    if kwargs:
        raise TypeError("dropwhile() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("dropwhile expected 2 arguments, got %d" % len(args))
    return __jd_itertools_dropwhile_gen(args[0], iter(args[1]))


def __jd_itertools_dropwhile_gen(predicate, it):
    for item in it:
        if not predicate(item):
            yield item
            break
    for item in it:
        yield item


def __jd_itertools_filterfalse(*args, **kwargs):
    if kwargs:
        raise TypeError("filterfalse() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("filterfalse expected 2 arguments, got %d" % len(args))
    return __jd_itertools_filterfalse_gen(args[0], iter(args[1]))


def __jd_itertools_filterfalse_gen(function, it):
    for item in it:
        if function is None:
            keep = item
        else:
            keep = function(item)
        if not keep:
            yield item


def __jd_itertools_starmap(*args, **kwargs):
    if kwargs:
        raise TypeError("starmap() takes no keyword arguments")
    if len(args) != 2:
        raise TypeError("starmap expected 2 arguments, got %d" % len(args))
    return __jd_itertools_starmap_gen(args[0], iter(args[1]))


def __jd_itertools_starmap_gen(function, it):
    for item in it:
        yield function(*tuple(item))


def __jd_itertools_product(*iterables, **kwargs):
    repeat = 1
    for k in kwargs:
        if k != "repeat":
            raise TypeError("product() got an unexpected keyword argument '%s'" % k)
        repeat = kwargs[k]
    if repeat < 0:
        raise ValueError("repeat argument cannot be negative")
    pools = [tuple(p) for p in iterables] * repeat
    return __jd_itertools_product_gen(pools)


def __jd_itertools_product_gen(pools):
    for pool in pools:
        if not pool:
            return
    n = len(pools)
    idx = [0] * n
    while True:
        yield tuple([pools[i][idx[i]] for i in range(n)])
        i = n - 1
        while i >= 0:
            idx[i] += 1
            if idx[i] < len(pools[i]):
                break
            idx[i] = 0
            i -= 1
        if i < 0:
            return


def __jd_itertools_permutations(iterable, r=None):
    pool = tuple(iterable)
    if r is None:
        r = len(pool)
    elif type(r) is not int and type(r) is not bool:
        raise TypeError("Expected int as r")
    if r < 0:
        raise ValueError("r must be non-negative")
    return __jd_itertools_permutations_gen(pool, r)


def __jd_itertools_permutations_gen(pool, r):
    n = len(pool)
    if r > n:
        return
    idx = list(range(r))
    while True:
        yield tuple([pool[i] for i in idx])
        # The rightmost place that can take a larger index unused to its
        # left, then the smallest unused indices after it.
        j = r - 1
        while j >= 0:
            used = idx[:j]
            c = idx[j] + 1
            while c < n and c in used:
                c += 1
            if c < n:
                break
            j -= 1
        if j < 0:
            return
        idx[j] = c
        used = idx[: j + 1]
        c = 0
        for k in range(j + 1, r):
            while c in used:
                c += 1
            idx[k] = c
            used.append(c)


def __jd_itertools_combinations(iterable, r):
    pool = tuple(iterable)
    if type(r) is not int and type(r) is not bool:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(r).__name__)
    if r < 0:
        raise ValueError("r must be non-negative")
    return __jd_itertools_combinations_gen(pool, r, False)


def __jd_itertools_combinations_with_replacement(iterable, r):
    pool = tuple(iterable)
    if type(r) is not int and type(r) is not bool:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(r).__name__)
    if r < 0:
        raise ValueError("r must be non-negative")
    return __jd_itertools_combinations_gen(pool, r, True)


def __jd_itertools_combinations_gen(pool, r, again):
    n = len(pool)
    if again:
        if n == 0 and r > 0:
            return
        idx = [0] * r
    else:
        if r > n:
            return
        idx = list(range(r))
    while True:
        yield tuple([pool[i] for i in idx])
        j = r - 1
        if again:
            while j >= 0 and idx[j] == n - 1:
                j -= 1
        else:
            while j >= 0 and idx[j] == j + n - r:
                j -= 1
        if j < 0:
            return
        idx[j] += 1
        for k in range(j + 1, r):
            idx[k] = idx[j] if again else idx[k - 1] + 1


def __jd_itertools_zip_longest(*iterables, **kwargs):
    fill = None
    for k in kwargs:
        if k != "fillvalue":
            raise TypeError("zip_longest() got an unexpected keyword argument '%s'" % k)
        fill = kwargs[k]
    return __jd_itertools_zip_longest_gen([iter(it) for it in iterables], fill)


def __jd_itertools_zip_longest_gen(its, fill):
    if not its:
        return
    live = len(its)
    done = [False] * len(its)
    while True:
        row = []
        for i in range(len(its)):
            if done[i]:
                row.append(fill)
                continue
            for item in its[i]:
                row.append(item)
                break
            else:
                done[i] = True
                live -= 1
                if live == 0:
                    return
                row.append(fill)
        yield tuple(row)


def __jd_itertools_islice(iterable, *args):
    if not args:
        raise TypeError("islice expected at least 2 arguments, got 1")
    if len(args) > 3:
        raise TypeError("islice expected at most 4 arguments, got %d" % (len(args) + 1))
    start = 0
    stop = -1
    step = 1
    if len(args) > 1 and args[0] is not None:
        start = __jd_itertools_ssize(args[0])
    last = args[0] if len(args) == 1 else args[1]
    if last is not None:
        stop = __jd_itertools_ssize(last)
        if stop == -1:
            raise ValueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
    if start < 0 or stop < -1:
        raise ValueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
    if len(args) == 3 and args[2] is not None:
        step = __jd_itertools_ssize(args[2])
    if step < 1:
        raise ValueError("Step for islice() must be a positive integer or None.")
    return __jd_itertools_islice_gen(iter(iterable), start, None if stop == -1 else stop, step)


# CPython's `PyNumber_AsSsize_t` with its error cleared: -1 for what is
# not an int (or bool) or does not fit.
def __jd_itertools_ssize(v):
    if type(v) is bool:
        return int(v)
    if type(v) is not int or v < -(2 ** 63) or v >= 2 ** 63:
        return -1
    return v


def __jd_itertools_islice_gen(it, nxt, stop, step):
    cnt = 0
    while True:
        while cnt < nxt:
            for _ in it:
                break
            else:
                return
            cnt += 1
        if stop is not None and cnt >= stop:
            return
        for item in it:
            break
        else:
            return
        cnt += 1
        nxt += step
        if stop is not None and nxt > stop:
            nxt = stop
        yield item


# `_bisect`'s argument clinic: `(a, x, lo=0, hi=None, *, key=None)`, its
# errors in `_PyArg_UnpackKeywords`' order, `lo` as a `Py_ssize_t` and `hi`
# as an optional one (None, and -1, mean `len(a)`). Returns
# `[a, x, lo, hi, key]`.
def __jd_bisect_args(fname, args, kwargs):
    names = ("a", "x", "lo", "hi", "key")
    nargs = len(args)
    total = nargs + len(kwargs)
    if total > 5:
        kind = "keyword " if nargs == 0 else ""
        raise TypeError("%s() takes at most 5 %sarguments (%d given)" % (fname, kind, total))
    if nargs > 4:
        raise TypeError("%s() takes at most 4 positional arguments (%d given)" % (fname, nargs))
    vals = list(args)
    left = len(kwargs)
    i = nargs
    while i < 5:
        name = names[i]
        if left and name in kwargs:
            vals.append(kwargs[name])
            left -= 1
        elif i < 2:
            raise TypeError("%s() missing required argument '%s' (pos %d)" % (fname, name, i + 1))
        else:
            vals.append(0 if i == 2 else None)
        i += 1
    if left:
        for i in range(nargs):
            if names[i] in kwargs:
                raise TypeError(
                    "argument for %s() given by name ('%s') and position (%d)" % (fname, names[i], i + 1)
                )
        for k in kwargs:
            if k not in names:
                raise TypeError("'%s' is an invalid keyword argument for %s()" % (k, fname))
    lo = vals[2]
    if type(lo) is bool:
        lo = int(lo)
    if type(lo) is not int:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(lo).__name__)
    hi = vals[3]
    if hi is None:
        hi = -1
    elif type(hi) is bool:
        hi = int(hi)
    elif type(hi) is not int:
        raise TypeError("argument should be integer or None, not '%s'" % type(hi).__name__)
    if lo < 0:
        raise ValueError("lo must be non-negative")
    if hi == -1:
        hi = len(vals[0])
    vals[2] = lo
    vals[3] = hi
    return vals


def __jd_bisect_right_index(a, x, lo, hi, key):
    while lo < hi:
        mid = (lo + hi) // 2
        if key is None:
            litem = a[mid]
        else:
            litem = key(a[mid])
        if x < litem:
            hi = mid
        else:
            lo = mid + 1
    return lo


def __jd_bisect_left_index(a, x, lo, hi, key):
    while lo < hi:
        mid = (lo + hi) // 2
        if key is None:
            litem = a[mid]
        else:
            litem = key(a[mid])
        if litem < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def __jd_bisect_bisect_right(*args, **kwargs):
    a, x, lo, hi, key = __jd_bisect_args("bisect_right", args, kwargs)
    return __jd_bisect_right_index(a, x, lo, hi, key)


def __jd_bisect_bisect_left(*args, **kwargs):
    a, x, lo, hi, key = __jd_bisect_args("bisect_left", args, kwargs)
    return __jd_bisect_left_index(a, x, lo, hi, key)


def __jd_bisect_insort_right(*args, **kwargs):
    a, x, lo, hi, key = __jd_bisect_args("insort_right", args, kwargs)
    index = __jd_bisect_right_index(a, x if key is None else key(x), lo, hi, key)
    a.insert(index, x)


def __jd_bisect_insort_left(*args, **kwargs):
    a, x, lo, hi, key = __jd_bisect_args("insort_left", args, kwargs)
    index = __jd_bisect_left_index(a, x if key is None else key(x), lo, hi, key)
    a.insert(index, x)


# `itertools.groupby(iterable, key=None)`: the state `itertoolsmodule.c`'s
# groupby object keeps, `[currkey, currvalue, tgtkey, currgrouper]` (`unset`
# for its NULLs), shared by the generator of groups and each group's
# generator; a group stops once the groupby moved on. Keys compare as
# `PyObject_RichCompareBool` does (see `__jd_itertools_same_key`).
def __jd_itertools_groupby(*args, **kwargs):
    # The argument clinic's checks, in its order.
    if len(args) + len(kwargs) > 2:
        raise TypeError("groupby() takes at most 2 arguments (%d given)" % (len(args) + len(kwargs)))
    used = 0
    if args:
        iterable = args[0]
    elif "iterable" in kwargs:
        iterable = kwargs["iterable"]
        used += 1
    else:
        raise TypeError("groupby() missing required argument 'iterable' (pos 1)")
    key = None
    if len(args) > 1:
        key = args[1]
    elif "key" in kwargs:
        key = kwargs["key"]
        used += 1
    if used < len(kwargs):
        if args and "iterable" in kwargs:
            raise TypeError("argument for groupby() given by name ('iterable') and position (1)")
        for k in kwargs:
            if k != "iterable" and k != "key":
                raise TypeError("'%s' is an invalid keyword argument for groupby()" % k)
    unset = []
    return __jd_itertools_groupby_gen(iter(iterable), key, [unset, unset, unset, unset], unset)


# `PyObject_RichCompareBool(a, b, Py_EQ)`: the same object is equal to
# itself. Identity only decides for an object unequal to itself (a NaN),
# and the language leaves the identity of ints, floats and strs out, so
# `==` goes first and identity is asked only of such an object.
def __jd_itertools_same_key(a, b):
    return a == b or (not (a == a) and a is b)


def __jd_itertools_groupby_step(it, keyfunc, st):
    for value in it:
        st[0] = value if keyfunc is None else keyfunc(value)
        st[1] = value
        return True
    return False


def __jd_itertools_groupby_gen(it, keyfunc, st, unset):
    while True:
        st[3] = unset
        while True:
            if st[0] is unset:
                pass
            elif st[2] is unset:
                break
            elif not __jd_itertools_same_key(st[2], st[0]):
                break
            if not __jd_itertools_groupby_step(it, keyfunc, st):
                return
        st[2] = st[0]
        token = [st[2]]
        st[3] = token
        yield (st[0], __jd_itertools_grouper(it, keyfunc, st, token, unset))


def __jd_itertools_grouper(it, keyfunc, st, token, unset):
    tgtkey = token[0]
    while st[3] is token:
        if st[1] is unset and not __jd_itertools_groupby_step(it, keyfunc, st):
            return
        if not __jd_itertools_same_key(tgtkey, st[0]):
            return
        value = st[1]
        st[1] = unset
        st[0] = unset
        yield value


# `operator.itemgetter` and `attrgetter` (Modules/_operator.c): the getter
# takes one object; several items or names make a tuple, in their order.
def __jd_operator_itemgetter(*items, **kwargs):
    if kwargs:
        raise TypeError("itemgetter() takes no keyword arguments")
    if not items:
        raise TypeError("itemgetter expected 1 argument, got 0")
    if len(items) == 1:
        item = items[0]

        def __jd_operator_getitem(obj):
            return obj[item]

        return __jd_operator_getitem

    def __jd_operator_getitems(obj):
        return tuple([obj[i] for i in items])

    return __jd_operator_getitems


def __jd_operator_attrgetter(*attrs, **kwargs):
    if kwargs:
        raise TypeError("attrgetter() takes no keyword arguments")
    if not attrs:
        raise TypeError("attrgetter expected 1 argument, got 0")
    for a in attrs:
        if type(a) is not str:
            raise TypeError("attribute name must be a string")
    paths = [a.split(".") for a in attrs]
    if len(paths) == 1:
        path = paths[0]

        def __jd_operator_getattr(obj):
            for name in path:
                obj = getattr(obj, name)
            return obj

        return __jd_operator_getattr

    def __jd_operator_getattrs(obj):
        out = []
        for path in paths:
            v = obj
            for name in path:
                v = getattr(v, name)
            out.append(v)
        return tuple(out)

    return __jd_operator_getattrs
