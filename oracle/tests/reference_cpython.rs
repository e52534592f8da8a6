//! The reference interpreter against the real CPython 3.11: a table of small
//! programs covering every S0 rule (values, operators, errors and their
//! exact messages, scoping, calls) must give the same printed output, the
//! same ending (exception type and message) and the same final globals.
//! Poisoning programs (fuel, recursion, int size, sequence length,
//! container nesting, NaN identity, non-ASCII strings) are checked against the reference
//! alone, each next to a just-under-the-limit twin that CPython must agree
//! with.

use jitdiff_oracle::reference;
use jitdiff_vm::lang::outcome::{Ending, Poison, RunResult};
use jitdiff_vm::lang::parse_program;

mod reference_python;
use reference_python as python;

/// Strips the common indentation so programs can be written indented.
fn dedent(src: &str) -> String {
    let lines: Vec<&str> = src.lines().skip_while(|l| l.trim().is_empty()).collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
        .collect()
}

/// Programs the reference completes; CPython must agree exactly.
const AGREE: &[(&str, &str)] = &[
    ("arith", "print(1 + 2 * 3 - 4, 7 - 10, 2 * -3, -(-5), +7)"),
    (
        "floordiv_mod_signs",
        "print(7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 2, -7 % 2, 7 % -2, -7 % -2, 6 // -3, 6 % -3, 0 // -5, 0 % -5)",
    ),
    (
        "i64_boundaries",
        "
        m = -9223372036854775807 - 1
        print(9223372036854775807 + 1, m - 1, m // -1, m % -1, -m, m * -1, m // 3, m % 3)
        ",
    ),
    (
        "big_ints_past_2_64",
        "
        x = 18446744073709551616 * 18446744073709551616
        y = 0 - x
        print(x, y, x // 7, x % 7, y // 7, y % 7, x // y, x % -3, y % 1000000007)
        print(x - x, x == 340282366920938463463374607431768211456, x > 18446744073709551616, y < -1)
        z = 123456789012345678901234567890
        print(z * z * -z)
        ",
    ),
    (
        "bool_arithmetic",
        "
        print(True + 1, True * True, True // True, True % 2, -True, +True, +False, True - True)
        print(not 0, not 5, not None, True == 1, False == 0, False < True, True > 1, True >= 1)
        b = True + True
        c = +True
        ",
    ),
    (
        "and_or_values",
        "print(0 or 5, 3 and None, None or 0, 0 and 1, 1 and 2 and 3, 0 or None or 4, True and 0, not 3 or 7)",
    ),
    (
        "short_circuit",
        "
        def t(x):
            print(x)
            return x
        print(t(0) and t(1))
        print(t(2) or t(3))
        print(t(4) and t(0) and t(5))
        print(t(None) or t(0) or t(6))
        ",
    ),
    (
        "compare_chains",
        "
        def t(x):
            print(x)
            return x
        print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 >= 1, 1 == 1 != 2, 1 <= 1 < 1, 2 >= 2 <= 2 == 2)
        print(t(1) < t(2) < t(3))
        print(t(3) < t(2) < t(1))
        c = 1 < 2 < 3
        ",
    ),
    (
        "equality_across_types",
        "
        def f():
            pass
        def g():
            pass
        print(None == None, None == 0, 1 == True, 0 != False, print == print, range == range)
        print(f == f, f == g, f != g, f == 1, range(3) == range(0, 3), range(0) == range(2, 1))
        print(range(0, 3, 2) == range(0, 4, 2), range(1) != 0, None != None, print == range)
        ",
    ),
    (
        "truthiness_of_each_kind",
        "
        def f():
            pass
        if None:
            print(1)
        if 0:
            print(2)
        if range(0):
            print(3)
        if range(1):
            print(4)
        if print and range and f:
            print(5)
        print(not range(2, 2), not f, 0 or range(0) or 9)
        ",
    ),
    ("zero_div_floordiv", "x = 5\ny = x // 0"),
    ("zero_div_mod", "x = 5\nprint(x)\ny = x % 0"),
    ("zero_div_bools", "print(True % False)"),
    ("zero_div_big", "print(18446744073709551616 // (1 - 1))"),
    ("binop_type_error", "print(1 + None)"),
    ("binop_range_mul", "print(range(3) * 2)"),
    ("binop_builtin", "print(print - 1)"),
    ("binop_function", "def f():\n    pass\nx = 2 // f"),
    ("unary_neg_none", "print(-None)"),
    ("unary_pos_range", "print(+range(3))"),
    ("unary_neg_type", "x = -range"),
    ("order_none_int", "print(None < 1)"),
    ("order_functions", "def f():\n    pass\nprint(f >= f)"),
    ("order_ranges", "print(range(2) <= range(2))"),
    ("chain_error_second_link", "print(1 < 2 < None)"),
    ("chain_short_circuit_skips_error", "print(2 < 1 < None)"),
    ("iter_int", "for i in 5:\n    pass"),
    ("iter_bool", "for i in True:\n    pass"),
    ("iter_none", "for i in None:\n    pass"),
    ("iter_function", "def f():\n    pass\nfor i in f:\n    pass"),
    ("iter_builtin", "for i in print:\n    pass"),
    ("iter_range_type", "for i in range:\n    pass"),
    ("call_none", "print(1)(2)"),
    (
        "call_int_after_args",
        "def t(x):\n    print(x)\n    return x\nx = 5\nx(t(1), t(2))",
    ),
    ("call_range_object", "r = range(3)\nr()"),
    ("arity_0_given_1", "def f():\n    pass\nf(1)"),
    ("arity_0_given_2", "def f():\n    pass\nf(1, 2)"),
    ("arity_1_given_2", "def f(a):\n    pass\nf(1, 2)"),
    ("arity_1_missing", "def f(a):\n    pass\nf()"),
    ("arity_2_missing_2", "def f(a, b):\n    pass\nf()"),
    ("arity_2_missing_1", "def f(a, b):\n    pass\nf(1)"),
    ("arity_2_given_3", "def f(a, b):\n    pass\nf(1, 2, 3)"),
    ("arity_3_missing_3", "def f(a, b, c):\n    pass\nf()"),
    ("arity_4_missing_3", "def f(a, b, c, d):\n    pass\nf(1)"),
    ("range_no_args", "range()"),
    ("range_4_args", "range(1, 2, 3, 4)"),
    ("range_none", "range(None)"),
    ("range_second_arg", "range(1, print)"),
    ("range_function_arg", "def f():\n    pass\nrange(0, 1, f)"),
    ("range_step_zero", "range(1, 2, 0)"),
    ("range_type_before_zero_step", "range(1, None, 0)"),
    ("range_of_range", "range(range(2))"),
    (
        "range_values",
        "
        r = range(3)
        for i in r:
            print(i)
        for i in r:
            print(i)
        print(range(True), range(5, 0, -2), range(0, 5, 1), range(-3), range(2, 2))
        for i in range(10, -10, -7):
            print(i)
        for i in range(18446744073709551615, 18446744073709551618):
            print(i)
        for i in range(False, True, True):
            print(i)
        s = range(1, 10, 4)
        ",
    ),
    ("name_error", "print(1)\nprint(undefined)"),
    (
        "name_error_callee_first",
        "def t(x):\n    print(x)\nnope(t(1))",
    ),
    ("name_error_in_function", "def f():\n    return y\nx = f()"),
    (
        "unbound_local_read",
        "x = 1\ndef f():\n    print(x)\n    x = 2\nf()",
    ),
    (
        "unbound_local_augassign",
        "x = 1\ndef f():\n    x += 1\nf()",
    ),
    (
        "unbound_local_loop_var",
        "def f():\n    for i in range(0):\n        pass\n    return i\nf()",
    ),
    ("augassign_global_undefined", "x += 1"),
    ("augassign_type_error", "x = 1\nx += None"),
    (
        "augassign_type_error_floordiv",
        "def f():\n    pass\nx = f\nx //= 2",
    ),
    ("augassign_zero_div", "x = 7\nx %= False"),
    (
        "augassign_all_ops",
        "
        x = 100
        x += 5
        x -= 200
        x *= 3
        y = x
        y //= 7
        z = x
        z %= 7
        b = True
        b += True
        ",
    ),
    (
        "global_statement",
        "
        c = 0
        def inc(n):
            global c
            c += n
            return c
        inc(5)
        inc(True)
        def peek():
            return c * 2
        print(c, peek())
        ",
    ),
    (
        "global_declared_then_defined",
        "
        def setup():
            global fresh, k
            fresh = 42
            k = None
        setup()
        print(fresh, k)
        ",
    ),
    ("shadow_print_global", "print(1)\nprint = 5\nprint(2)"),
    ("shadow_range_global", "range = print\nrange(7, 8)"),
    (
        "shadow_print_local",
        "def f():\n    print(1)\n    print = 2\nf()",
    ),
    (
        "functions_are_objects",
        "
        def f():
            return 1
        g = f
        def f():
            return 2
        print(g(), f(), g == f, g == g)
        h = print
        h(3, 4)
        ",
    ),
    (
        "defs_in_control_flow",
        "
        i = 0
        while i < 3:
            if i == 1:
                def f(a):
                    return a * 10
            i += 1
        for j in range(2):
            def g():
                return j
        print(f(i), g())
        ",
    ),
    (
        "returns",
        "
        def a():
            return
        def b():
            pass
        def c(x):
            if x:
                return x
        print(a(), b(), c(0), c(7))
        ",
    ),
    (
        "loops_break_continue",
        "
        total = 0
        for i in range(10):
            if i % 2 == 0:
                continue
            j = 0
            while True:
                j += 1
                if j > i:
                    break
                total += j
            if i > 6:
                break
        print(total, i, j)
        for k in range(0):
            pass
        ",
    ),
    (
        "unbound_after_empty_loop",
        "for k in range(0):\n    pass\nprint(k)",
    ),
    (
        "recursion_factorial_fib",
        "
        def fact(n):
            if n <= 1:
                return 1
            return n * fact(n - 1)
        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)
        print(fact(30), fib(15))
        ",
    ),
    (
        "recursion_depth_exactly_200",
        "
        def f(n):
            if n == 0:
                return 0
            return f(n - 1) + 1
        print(f(199))
        ",
    ),
    (
        "fuel_exactly_at_limit",
        "for i in range(99998):\n    pass\nprint(i)",
    ),
    (
        "int_width_exactly_at_limit",
        "x = 1\nfor i in range(8191):\n    x = x + x\nprint(x % 1000000007, x - x - x < 0)",
    ),
    (
        "exception_in_function_keeps_output",
        "
        def f(n):
            print(n)
            if n == 3:
                return n // (n - 3)
            return f(n + 1)
        r = 1
        r = f(0)
        ",
    ),
    (
        "print_forms",
        "print()\nprint(None, True, False, -0, 0)\nprint(print, range, range(4))",
    ),
    (
        "eval_order",
        "
        def t(x):
            print(x)
            return x
        def add(a, b):
            return a + b
        print(add(t(1), t(2)), t(3) - t(4) * t(5))
        x = t(10)
        x += t(x)
        ",
    ),
    (
        "float_reprs_and_globals",
        "
        a = 1e16
        b = 1e15 + 0.5
        c = 0.0001
        d = 1e-05
        e = -0.0
        f = 1e309 - 1e309
        g = -1e309
        h = 9007199254740992.0 * 0.1
        print(a, b, c, d, e, f, g, h, 5e-324, 1.5e-07, 0.1 + 0.2)
        ",
    ),
    (
        "float_mixed_arithmetic",
        "
        print(7 / 2, 0 / -5, 7.5 // -2, -7.5 % 2, 0.0 % -3.0, -5.0 % 1e309, 2 ** -1, 4 ** 0.5, True + 0.5)
        print((2**53 + 1) / 1, 1 / 2**1075, 3 / 2**1076, 10**400 / 10**399, -(2**70) / 3)
        x = 7
        x /= 2
        y = 3
        y **= -2
        z = 2.5
        z //= 0.75
        ",
    ),
    (
        "float_exact_comparisons",
        "
        n = 1e309 - 1e309
        print(2**53 + 1 == 9007199254740992.0, 10**400 > 1e308, 10**400 < 1e309, 1 == 1.0, -0.0 == 0)
        print(n == n, n != n, n < 1, 1 >= n, 0.5 < 1 < 1.5, 2**63 - 1 < 9223372036854775808.0)
        ",
    ),
    (
        "float_builtins",
        "
        print(float(), float(7), float(True), int(), int(-2.9), int(1e20), abs(-0.0), abs(-3), abs(-2.5))
        print(round(2.5), round(-0.5), round(2.675, 2), round(0.125, 2), round(1.5, -400), round(5e-324, 400))
        print(round(1250, -2), round(-25, -1), round(1.5, None), round(7, 3), float, int, abs, round)
        r = round
        i = int
        ",
    ),
    ("float_zero_div", "print(1.5 / 0)"),
    ("float_floordiv_zero", "x = 2.0\nx //= 0.0"),
    ("float_mod_zero", "print(5 % 0.0)"),
    ("int_true_div_zero", "print(True / False)"),
    ("int_true_div_overflow", "print(10**400 / 3)"),
    ("int_to_float_overflow", "print(1.0 + 10**400)"),
    ("float_pow_zero_negative", "print(0 ** -1)"),
    ("float_pow_overflow", "print(10.0 ** 400)"),
    ("float_bitwise_inplace", "x = 1.0\nx &= 1"),
    ("float_invert", "print(~1.5)"),
    ("pow_type_error", "print(2 ** None)"),
    ("float_int_nan", "print(int(1e309 - 1e309))"),
    ("float_int_inf", "print(int(-1e309))"),
    ("float_round_overflow", "print(round(1.7e308, -308))"),
    ("round_ndigits_float", "print(round(1.5, 1.0))"),
    ("round_no_args", "round()"),
    ("round_none", "round(None, 2)"),
    ("int_base_non_string", "int(5, 10)"),
    ("int_too_many_args", "int(1, 2, 3)"),
    ("float_too_many_args", "float(1, 2)"),
    ("float_arg_type", "float(None)"),
    ("abs_no_args", "abs()"),
    ("abs_arg_type", "abs(range(2))"),
    ("int_pow_width_exactly_at_limit", "x = 3 ** 5168\nprint(x % 1000000007)"),
    (
        "list_loops_and_accumulators",
        "
        xs = [3, 1, 4, 1, 5, 9, 2, 6]
        total = 0
        evens = []
        for x in xs:
            total += x
            if x % 2 == 0:
                evens.append(x)
        print(total, evens, len(evens), xs[::-1], xs[2:6:2])
        best = xs[0]
        i = 1
        while i < len(xs):
            if xs[i] > best:
                best = xs[i]
            i += 1
        print(best, max(xs), min(xs), sum(xs), xs.index(9), xs.count(1))
        ",
    ),
    (
        "list_mutation_during_iteration",
        "
        xs = [1, 2, 3]
        for x in xs:
            if x < 20:
                xs.append(x * 10)
        print(xs)
        ys = [1, 2, 3, 4, 5, 6]
        for y in ys:
            if y % 2 == 0:
                ys.pop(0)
        print(ys)
        zs = [5, 4, 3]
        for z in zs:
            zs[0] = z + 1
        print(zs)
        ",
    ),
    (
        "nested_lists_and_aliasing",
        "
        grid = []
        for i in range(3):
            row = [0] * 3
            grid.append(row)
        grid[1][2] = 7
        shared = [[0] * 2] * 2
        shared[0][0] = 1
        print(grid, shared, grid[1], grid[-1][-1])
        a = [1, 2]
        b = [a, a, (a,)]
        a.append(3)
        print(b, b[2][0] == a, [a] == [[1, 2, 3]])
        c = a
        c += [4]
        d = a[:]
        d.append(5)
        print(a, c, d, a == c, a == d)
        t = (a, [a])
        a.append(t)
        print(a, t)
        ",
    ),
    (
        "unpacking_in_loops",
        "
        pairs = [(1, 2), (3, 4), [5, 6]]
        for p in pairs:
            a, b = p
            a, b = b, a
            print(a, b)
        x, y = 0, 1
        for i in range(10):
            x, y = y, x + y
        print(x, y)
        q, = [[7]]
        r, s, t = range(3)
        print(q, r, s, t)
        ",
    ),
    (
        "functions_taking_and_returning_lists",
        "
        def squares(n):
            out = []
            for i in range(n):
                out.append(i * i)
            return out
        def rev(xs):
            res = list(xs)
            res.reverse()
            return res
        def bump(xs):
            for i in range(len(xs)):
                xs[i] = xs[i] + 1
        def pair(xs):
            return xs[0], xs[-1]
        s = squares(6)
        bump(s)
        lo, hi = pair(s)
        print(s, rev(s), rev((1, 2)), lo, hi, pair(rev(range(4))))
        def fill(xs, n):
            if n == 0:
                return xs
            xs.insert(0, n)
            return fill(xs, n - 1)
        print(fill([], 5))
        ",
    ),
    (
        "tuples_and_comparisons",
        "
        t = (1, 2, 3)
        u = t + (4,)
        v = t * 2
        print(t, u, v, t[1:], t < u, u < (1, 2, 4), (1, [2]) == (1, [2]), () < (0,))
        print([1, 2] < [1, 2, 3], [2] > [1, 5], [[1, 2], [1, 3]] < [[1, 2], [1, 4]], 2 in t, 5 not in t)
        print(max([(1, 2), (1, 3), (0, 9)]), min([[3], [1, 1], [1]]))
        w = ()
        w += (1,)
        w += (2, 3)
        print(w, len(w), w.index(3), w.count(2))
        ",
    ),
    (
        "slice_assignment_programs",
        "
        xs = list(range(10))
        xs[2:5] = [0]
        xs[::3] = [9, 9, 9]
        xs[len(xs):] = (7, 8)
        xs[-2:] = []
        print(xs)
        ys = [1, 2, 3]
        ys[1:1] = ys
        ys[:] = ys[::-1]
        print(ys)
        ",
    ),
    (
        "range_subscripts_programs",
        "
        r = range(3, 30, 4)
        print(r[0], r[-1], r[2:5], r[::-2], len(r), 7 in r, 8 in r, 11.0 in r, r[1:][1:][0])
        print(list(r[::3]), tuple(range(5)[-2:]), range(10)[3:1], r.index(15), r.count(16))
        ",
    ),
    ("seq_index_error", "xs = [1, 2]\nprint(xs[0])\nprint(xs[2])"),
    (
        "seq_functions_in_globals",
        "def f():\n    return 1\nfs = [f, (f, print), [len]]\nprint(fs, fs[0](), fs[1][0] == f)",
    ),
    ("seq_tuple_item_assignment", "t = (1, 2)\nt[0] = 5"),
    ("seq_unpack_too_many", "a, b = [1, 2, 3]"),
    ("seq_unpack_not_enough", "a, b, c = (1, 2)"),
    ("seq_unpack_non_iterable", "a, b = None"),
    ("seq_concat_list_tuple", "print([1] + (2,))"),
    ("seq_mul_float", "print([1] * 2.0)"),
    ("seq_mul_too_big", "print((0,) * 2**63)"),
    ("seq_order_mixed", "print([1] < (1,))"),
    ("seq_order_inner", "print([1, None] < [1, 2])"),
    ("seq_in_int", "print(1 in 5)"),
    ("seq_pop_empty", "xs = []\nxs.pop()"),
    ("seq_index_missing", "xs = [1]\nxs.index([2, (3,)])"),
    ("seq_tuple_index_missing", "(1, 2).index(3)"),
    ("seq_method_missing", "xs = [1]\nxs.push(2)"),
    ("seq_method_on_int", "x = 1\nx.append(2)"),
    ("seq_method_on_class", "tuple.nope()"),
    (
        "seq_length_exactly_at_cap",
        "def f():\n    return len([0] * 2**20)\nprint(f())",
    ),
    (
        "seq_nesting_exactly_at_limit",
        "x = []\nfor i in range(199):\n    x = [x]\nprint(x == x, len(x))",
    ),
    (
        "seq_identity_without_nan_comparison",
        "n = 1e309 - 1e309\nx = [n]\nprint([x] == [x], x in [x], [n, 1] == [n])",
    ),
    ("seq_slice_step_zero", "print([1, 2][::0])"),
    ("seq_extended_slice_size", "xs = [1, 2, 3, 4]\nxs[::2] = [1]"),
    ("seq_slice_assign_not_iterable", "xs = [1]\nxs[:] = 5"),
    ("seq_min_empty", "print(min([]))"),
    ("seq_sum_mixed", "print(sum([1, [2]]))"),
    ("seq_len_int", "print(len(5))"),
    ("seq_list_two_args", "print(list(1, 2))"),
    ("seq_for_over_int", "for x in 3:\n    pass"),
    ("seq_pop_float", "[1].pop(0.0)"),
    ("seq_insert_big", "[1].insert(2**63, 0)"),
    ("seq_range_index_float", "print(range(5)[1.5])"),
    ("seq_range_len_overflow", "print(len(range(2**64)))"),
    ("seq_subscript_none", "x = None\nprint(x[0])"),
    ("seq_attribute_before_args", "def t(x):\n    print(x)\n    return x\nt([]).nope(t(1))"),
    ("seq_store_order", "def t(x):\n    print(x)\n    return x\nt(None)[t(0)] = t(1)"),
    (
        "str_word_frequency",
        "
        text = 'the cat and the hat and the bat sat on the mat'
        words = text.split()
        seen = []
        counts = []
        for w in words:
            if w in seen:
                counts[seen.index(w)] += 1
            else:
                seen.append(w)
                counts.append(1)
        for i in range(len(seen)):
            print('%-4s %2d %s' % (seen[i], counts[i], '#' * counts[i]))
        longest = ''
        for w in seen:
            if len(w) > len(longest) or (len(w) == len(longest) and w < longest):
                longest = w
        ",
    ),
    (
        "str_hot_loop_building",
        "
        s = ''
        for i in range(300):
            s += str(i % 10)
            if i % 50 == 49:
                s = s + '|'
        parts = s.split('|')
        print(len(s), len(parts), parts[1][:12], s.count('7'), s.find('789'))
        t = ''
        i = 0
        while len(t) < 40:
            t = t + chr(ord('a') + i % 26) * (i % 3 + 1)
            i += 1
        print(t, t.upper()[-5:], t[::-3])
        ",
    ),
    (
        "str_format_table",
        "
        rows = [('apple', 3, 1.25), ('kiwi', 12, 0.5), ('watermelon', 1, 3.999), ('fig', 100, -0.005)]
        print('%-10s|%5s|%8s|%6s' % ('name', 'qty', 'price', 'hex'))
        print('-' * 32)
        total = 0.0
        for r in rows:
            name, qty, price = r
            print('%-10s|%5d|%8.2f|%#6x' % (name, qty, price, qty))
            total += qty * price
        print('%-10s|%5s|%8.3f|%6s' % ('total', '', total, ''))
        print('%e %g %G %.3e %+.1f %05.1f %%' % (total, total, 1e-7, 123456.789, 2.25, -2.5))
        summary = '%d rows, %.1f%% fruit' % (len(rows), 100.0)
        ",
    ),
    (
        "str_print_sep_end",
        "
        print('a', 'b', 'c', sep='-', end='|')
        print(1, 2.5, [3], sep='')
        print('x', end='')
        print()
        print('q', sep=None, end=None)
        for i in range(3):
            print(i, end=', ' if i < 2 else '.\\n')
        print('no', 'sep', sep='\\n', end='\\n\\n')
        ",
    ),
    (
        "str_docstrings",
        "
        \"\"\"A module docstring: CPython binds it to __doc__.\"\"\"
        def area(w, h):
            \"\"\"Area of a w x h rectangle.\"\"\"
            return w * h
        def noop():
            'Single-quoted docstring.'
        print(area(3, 4), noop())
        ",
    ),
    (
        "str_parse_numbers",
        "
        data = ' 12 , -7,+3 , 1_000 ,0x1f'
        total = 0
        for field in data.split(','):
            f = field.strip()
            if f.startswith('0x'):
                total += int(f, 16)
            else:
                total += int(f)
        print(total, float(' 2.5e1 ') + float('1_0.25'), int('z', 36))
        vals = [float('1e3'), float('.5'), float('-0'), float('nan'), float('-Infinity')]
        print(vals, int('-0'), int('  42\\n'))
        ",
    ),
    (
        "str_caesar_and_palindromes",
        "
        def shift(text, k):
            out = []
            for c in text:
                if 'a' <= c <= 'z':
                    out.append(chr((ord(c) - 97 + k) % 26 + 97))
                elif 'A' <= c <= 'Z':
                    out.append(chr((ord(c) - 65 + k) % 26 + 65))
                else:
                    out.append(c)
            return ''.join(out)
        def is_pal(s):
            t = ''
            for c in s.lower():
                if c != ' ':
                    t += c
            return t == t[::-1]
        e = shift('Hello, World!', 3)
        print(e, shift(e, -3), is_pal('Never odd or even'), is_pal('abc'), is_pal(''))
        ",
    ),
    (
        "str_sort_and_compare",
        "
        names = ['pear', 'Apple', 'fig', 'apple', 'Fig', '', 'pea']
        for i in range(len(names)):
            for j in range(len(names) - 1 - i):
                if names[j] > names[j + 1]:
                    tmp = names[j]
                    names[j] = names[j + 1]
                    names[j + 1] = tmp
        print(names, min(names), max(names), 'pea' < 'pear' < 'pears', ['a', 'b'] < ['a', 'c'], ('b',) > ('a', 'z'))
        ",
    ),
    (
        "str_reprs_in_globals",
        "
        a = 'plain'
        b = \"it's\"
        c = 'say \"hi\"'
        d = 'both \\' and \"'
        e = '\\t\\n\\r\\x00\\x7f\\\\'
        f = [a, (b, [c])]
        g = str(f)
        h = repr(a) + repr(b)
        ",
    ),
    (
        "str_methods_program",
        "
        line = '  key1=alpha; key2 = beta ;key3=  ;  '
        pairs = []
        for item in line.split(';'):
            item = item.strip()
            if not item:
                continue
            k, v = item.split('=')
            pairs.append((k.strip().upper(), v.strip().replace('a', '4')))
        print(pairs)
        s = 'abracadabra'
        print(s.count('a'), s.find('cad'), s.index('bra', 2), s.startswith(('x', 'abr')), s.endswith('bra', 0, 4), s.replace('a', '', 3), '-'.join(s.split('a')))
        ",
    ),
    ("str_print_bad_sep", "print('a', 'b', sep=1)"),
    ("str_concat_int", "s = 'total: '\nprint(s)\ns = s + 5"),
    ("str_format_needs_number", "print('%d items' % 'three')"),
    ("str_format_too_few", "print('%s and %s' % ('a',))"),
    ("str_format_too_many", "print('%s' % ('a', 'b'))"),
    ("str_format_bad_char", "print('100%' % ())"),
    ("str_int_parse_error", "n = int('12a')"),
    ("str_float_parse_error", "x = float('1,5')"),
    ("str_item_assignment", "s = 'abc'\ns[0] = 'A'"),
    ("str_index_missing", "print('abc'.index('z'))"),
    ("str_ord_long", "print(ord('ab'))"),
    ("str_join_int", "print(', '.join(['a', 2]))"),
    ("str_in_int", "print(3 in 'abc')"),
    ("str_order_mixed", "print(['a'] < [1])"),
    ("str_sum_strings", "print(sum(['a', 'b'], ''))"),
    ("str_chr_range", "print(chr(-5))"),
    (
        "str_length_exactly_at_cap",
        "s = 'ab' * 2**19\nprint(len(s), len(s + ''), s[-3:])",
    ),
];

/// Programs the reference poisons (CPython would run them to completion or
/// forever); their under-the-limit twins are in [`AGREE`].
const POISON: &[(&str, &str, Poison)] = &[
    (
        "fuel_one_over",
        "for i in range(100000):\n    pass",
        Poison::Fuel,
    ),
    ("fuel_infinite_loop", "while True:\n    pass", Poison::Fuel),
    (
        "fuel_calls",
        "def f():\n    pass\nwhile True:\n    f()",
        Poison::Fuel,
    ),
    (
        "recursion_201",
        "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + 1\nprint(f(200))",
        Poison::Recursion,
    ),
    (
        "recursion_infinite",
        "def f():\n    return f()\nf()",
        Poison::Recursion,
    ),
    (
        "int_width_one_over",
        "x = 1\nfor i in range(8192):\n    x = x + x",
        Poison::IntTooLarge,
    ),
    (
        "int_width_product",
        "x = 1\nfor i in range(4097):\n    x = x * 2\ny = x * x",
        Poison::IntTooLarge,
    ),
    ("int_pow_one_over", "x = 3 ** 5169", Poison::IntTooLarge),
    (
        "complex_power",
        "print(1)\nx = (-8.0) ** (1 / 3)",
        Poison::Complex,
    ),
    (
        "int_width_negation",
        "x = -1\nfor i in range(8192):\n    x = x * 2\nprint(x)",
        Poison::IntTooLarge,
    ),
    (
        "seq_length_one_over_cap",
        "def f():\n    return len([0] * (2**20 + 1))\nprint(f())",
        Poison::SequenceTooLong,
    ),
    (
        "seq_nesting_one_over",
        "x = []\nfor i in range(200):\n    x = [x]\nprint(x == x, len(x))",
        Poison::Recursion,
    ),
    (
        "seq_nan_met_by_nan",
        "n = 1e309 - 1e309\nx = [n]\nprint(x == x)",
        Poison::Identity,
    ),
    (
        "seq_bulk_fuel",
        "for i in range(4000):\n    x = [0] * 32768",
        Poison::Fuel,
    ),
    (
        "str_chr_non_ascii",
        "print('ok')\nc = chr(233)",
        Poison::NonAscii,
    ),
    (
        "str_format_c_non_ascii",
        "s = 'x%cy' % 128",
        Poison::NonAscii,
    ),
    (
        "str_length_one_over_cap",
        "s = 'ab' * 2**19\nt = s + '!'",
        Poison::SequenceTooLong,
    ),
    (
        "str_bulk_fuel",
        "s = 'a' * 32768\nfor i in range(4000):\n    t = s + 'b'",
        Poison::Fuel,
    ),
];

#[test]
fn reference_agrees_with_cpython() {
    let sources: Vec<String> = AGREE.iter().map(|(_, s)| dedent(s)).collect();
    let mut want = Vec::new();
    for ((name, _), src) in AGREE.iter().zip(&sources) {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{name}: {e}\n{src}"));
        match reference::run(&module) {
            RunResult::Completed(o) => want.push(o),
            other => panic!("{name}: reference gave {other:?}\n{src}"),
        }
    }
    let cpython = python::run_all(&sources);
    let mut failures = Vec::new();
    for (((name, _), src), (ours, theirs)) in
        AGREE.iter().zip(&sources).zip(want.iter().zip(&cpython))
    {
        if ours != theirs {
            failures.push(format!(
                "--- {name}\n{src}reference: {ours:#?}\ncpython:   {theirs:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} disagree:\n{}",
        failures.len(),
        AGREE.len(),
        failures.join("\n")
    );
    // The table must actually exercise exceptions, not just normal endings.
    let raised = want
        .iter()
        .filter(|o| matches!(o.ending, Ending::Exception { .. }))
        .count();
    assert!(raised >= 40, "only {raised} programs raise");
}

#[test]
fn reference_poisons_exactly_past_the_limits() {
    for (name, src, poison) in POISON {
        let module = parse_program(src).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            reference::run(&module),
            RunResult::Poisoned(*poison),
            "{name}"
        );
    }
}

#[test]
fn dedent_strips_common_indentation() {
    assert_eq!(dedent("\n    a\n      b\n\n    c\n    "), "a\n  b\n\nc\n\n");
}
