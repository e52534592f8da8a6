/* One block per uop (and per support stencil). The stencil builder compiles
 * each block once per register variant the uop table declares
 * (`Uop::variants`) and per target, with CACHE_IN/CACHE_OUT/POPS/PUSHES
 * defined (see jit.h): bodies written with INPUT/OUTPUT/CONTINUE_UOP serve
 * every variant; bodies that address the stack directly exist only in the
 * memory variant r00. Uop semantics must match the tier-2 interpreter
 * (vm/src/tier2/interp.rs) exactly: it is the reference the JIT is fuzzed
 * against. */
#include "jit.h"

/* ---- stack and locals ---- */

#if defined(STENCIL__NOP)
STENCIL { CONTINUE_UOP(); }
#endif

#if defined(STENCIL__LOAD_FAST)
STENCIL {
    OUTPUT(0, LOCALS(frame)[OPARG]);
    CONTINUE_UOP();
}
#endif

/* Can raise: its variants take nothing from registers (r00, r01). */
#if defined(STENCIL__LOAD_FAST_CHECK)
STENCIL {
    Value v = LOCALS(frame)[OPARG];
    if (v == VALUE_NULL) {
        SYNC_SP();
        jit_unbound_local(tstate, frame, OPARG);
        ERROR();
    }
    OUTPUT(0, v);
    CONTINUE_UOP();
}
#endif

/* A cell variable: can raise (an unbound cell), so no register inputs. */
#if defined(STENCIL__LOAD_DEREF)
STENCIL {
    Value cell = LOCALS(frame)[OPARG];
    Value v = WORD(cell, CELL_REF);
    if (v == VALUE_NULL) {
        SYNC_SP();
        jit_unbound_local(tstate, frame, OPARG | UNBOUND_DEREF);
        ERROR();
    }
    OUTPUT(0, v);
    CONTINUE_UOP();
}
#endif

/* The local keeps its cell; the value goes into the cell. */
#if defined(STENCIL__STORE_DEREF)
STENCIL {
    Value cell = LOCALS(frame)[OPARG];
    WORD(cell, CELL_REF) = INPUT(0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__STORE_FAST)
STENCIL {
    LOCALS(frame)[OPARG] = INPUT(0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__DELETE_FAST)
STENCIL {
    LOCALS(frame)[OPARG] = VALUE_NULL;
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_CONST) || defined(STENCIL__LOAD_CONST_INLINE)
STENCIL {
    OUTPUT(0, OPERAND0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__POP_TOP)
STENCIL { CONTINUE_UOP(); }
#endif

#if defined(STENCIL__POP_TWO_LOAD_CONST_INLINE)
STENCIL {
    OUTPUT(0, OPERAND0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__COPY)
STENCIL {
    Value v = stack_pointer[-(int64_t)OPARG];
    *stack_pointer++ = v;
    CONTINUE();
}
#endif

#if defined(STENCIL__SWAP)
STENCIL {
    Value top = stack_pointer[-1];
    stack_pointer[-1] = stack_pointer[-(int64_t)OPARG];
    stack_pointer[-(int64_t)OPARG] = top;
    CONTINUE();
}
#endif

/* Planted bug (`+inject=stencil-stack-overrun`): `_STORE_FAST` that also
 * writes its value one slot past the frame's value stack (the JIT patches
 * OPERAND0 with the distance). Under emulation the slot is a guard page. */
#if defined(STENCIL__PLANTED_STACK_OVERRUN)
STENCIL {
    Value v = *--stack_pointer;
    LOCALS(frame)[OPARG] = v;
    stack_pointer[(int64_t)OPERAND0] = v;
    CONTINUE();
}
#endif

/* ---- int guards and arithmetic ---- */

/* Guards leave their inputs where they are: an output that is its own
 * input (same index, as many pops as pushes) is in the same slot or
 * register in every variant, so it is not written. */
#if defined(STENCIL__GUARD_TOS_INT)
STENCIL {
    EXIT_IF(!IS_SMALL_INT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_INT)
STENCIL {
    EXIT_IF(!IS_SMALL_INT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

/* Leave (before touching the stack) when the result is not a small int. */
#if defined(STENCIL__BINARY_OP_ADD_INT) || defined(STENCIL__BINARY_OP_SUBTRACT_INT) || \
    defined(STENCIL__BINARY_OP_MULTIPLY_INT)
STENCIL {
    int64_t a = SMALL_VALUE(INPUT(0));
    int64_t b = SMALL_VALUE(INPUT(1));
    int64_t r;
#if defined(STENCIL__BINARY_OP_ADD_INT)
    r = a + b; /* 63-bit operands cannot overflow 64 bits */
#elif defined(STENCIL__BINARY_OP_SUBTRACT_INT)
    r = a - b;
#else
    EXIT_IF(__builtin_mul_overflow(a, b, &r));
#endif
    EXIT_IF(!FITS_SMALL(r));
    OUTPUT(0, MAKE_SMALL(r));
    CONTINUE_UOP();
}
#endif

/* Python floor semantics; division by zero leaves for tier 1 to raise. */
#if defined(STENCIL__BINARY_OP_FLOOR_DIVIDE_INT) || defined(STENCIL__BINARY_OP_MODULO_INT)
STENCIL {
    int64_t a = SMALL_VALUE(INPUT(0));
    int64_t b = SMALL_VALUE(INPUT(1));
    EXIT_IF(b == 0);
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
        q -= 1;
        m += b;
    }
#if defined(STENCIL__BINARY_OP_FLOOR_DIVIDE_INT)
    int64_t r = q;
#else
    int64_t r = m;
#endif
    EXIT_IF(!FITS_SMALL(r));
    OUTPUT(0, MAKE_SMALL(r));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_TOS_FLOAT)
STENCIL {
    EXIT_IF(!IS_FLOAT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_FLOAT)
STENCIL {
    EXIT_IF(!IS_FLOAT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

/* IEEE arithmetic on the unboxed values (no contraction: -ffp-contract=off),
 * then a helper boxes the result; the operands stay on the synced stack
 * until it returns, since boxing may collect. */
#if defined(STENCIL__BINARY_OP_ADD_FLOAT) || defined(STENCIL__BINARY_OP_SUBTRACT_FLOAT) || \
    defined(STENCIL__BINARY_OP_MULTIPLY_FLOAT)
STENCIL {
    double a = float_of(stack_pointer[-2]);
    double b = float_of(stack_pointer[-1]);
#if defined(STENCIL__BINARY_OP_ADD_FLOAT)
    double r = a + b;
#elif defined(STENCIL__BINARY_OP_SUBTRACT_FLOAT)
    double r = a - b;
#else
    double r = a * b;
#endif
    SYNC_SP();
    Value v = jit_box_float(tstate, bits_of(r));
    if (v == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-2] = v;
    stack_pointer--;
    CONTINUE();
}
#endif

#if defined(STENCIL__BINARY_OP)
STENCIL {
    SYNC_SP();
    Value r = jit_binary_op(tstate, stack_pointer[-2], stack_pointer[-1], OPARG);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-2] = r;
    stack_pointer--;
    CONTINUE();
}
#endif

#if defined(STENCIL__UNARY_NEGATIVE) || defined(STENCIL__UNARY_POSITIVE) \
    || defined(STENCIL__UNARY_INVERT)
STENCIL {
    SYNC_SP();
    /* The helper's operator flag: 0 `+`, 1 `-`, 2 `~`. */
#if defined(STENCIL__UNARY_NEGATIVE)
    Value r = jit_unary(tstate, stack_pointer[-1], 1);
#elif defined(STENCIL__UNARY_INVERT)
    Value r = jit_unary(tstate, stack_pointer[-1], 2);
#else
    Value r = jit_unary(tstate, stack_pointer[-1], 0);
#endif
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-1] = r;
    CONTINUE();
}
#endif

#if defined(STENCIL__UNARY_NOT)
STENCIL {
    OUTPUT(0, MAKE_BOOL(INPUT(0) == VALUE_FALSE));
    CONTINUE_UOP();
}
#endif

/* ---- truthiness and comparison ---- */

/* jit_truthy never allocates or raises: cached values may stay live. */
#if defined(STENCIL__TO_BOOL)
/* Escapes: a user `__bool__` or `__len__` runs in a nested call. */
STENCIL {
    SYNC_SP();
    uint64_t t = jit_truthy(tstate, INPUT(0));
    if (t == 2) {
        ERROR();
    }
    OUTPUT(0, MAKE_BOOL(t));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__TO_BOOL_BOOL)
STENCIL {
    EXIT_IF(!IS_BOOL(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__TO_BOOL_INT)
STENCIL {
    Value v = INPUT(0);
    EXIT_IF(!IS_SMALL_INT(v));
    OUTPUT(0, MAKE_BOOL(SMALL_VALUE(v) != 0));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__TO_BOOL_NONE)
STENCIL {
    EXIT_IF(INPUT(0) != VALUE_NONE);
    OUTPUT(0, VALUE_FALSE);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__TO_BOOL_LIST)
STENCIL {
    Value v = INPUT(0);
    EXIT_IF(!IS_LIST(v));
    OUTPUT(0, MAKE_BOOL(WORD(v, LIST_LEN) != 0));
    CONTINUE_UOP();
}
#endif

/* oparg: 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >= (lang/bytecode.rs cmp_arg). */
#if defined(STENCIL__COMPARE_OP_INT)
STENCIL {
    int64_t a = SMALL_VALUE(INPUT(0));
    int64_t b = SMALL_VALUE(INPUT(1));
    uint64_t op = OPARG;
    int r = op == 0 ? a == b : op == 1 ? a != b : op == 2 ? a < b : op == 3 ? a <= b : op == 4 ? a > b : a >= b;
    OUTPUT(0, MAKE_BOOL(r));
    CONTINUE_UOP();
}
#endif

/* IEEE comparisons: with a NaN operand only `!=` holds, as in Python. */
#if defined(STENCIL__COMPARE_OP_FLOAT)
STENCIL {
    double a = float_of(INPUT(0));
    double b = float_of(INPUT(1));
    uint64_t op = OPARG;
    int r = op == 0 ? a == b : op == 1 ? a != b : op == 2 ? a < b : op == 3 ? a <= b : op == 4 ? a > b : a >= b;
    OUTPUT(0, MAKE_BOOL(r));
    CONTINUE_UOP();
}
#endif

/* Can raise: inputs come from memory (r00, r01). */
#if defined(STENCIL__COMPARE_OP)
STENCIL {
    SYNC_SP();
    Value r = jit_compare_op(tstate, INPUT(0), INPUT(1), OPARG);
    if (r == VALUE_NULL) {
        ERROR();
    }
    OUTPUT(0, r);
    CONTINUE_UOP();
}
#endif

/* Pops before it can leave: the exit sees the stack without the value. */
#if defined(STENCIL__GUARD_IS_TRUE_POP) || defined(STENCIL__GUARD_IS_FALSE_POP)
STENCIL {
    Value v = INPUT(0);
    DROP_INPUTS();
#if defined(STENCIL__GUARD_IS_TRUE_POP)
    EXIT_IF(v != VALUE_TRUE);
#else
    EXIT_IF(v != VALUE_FALSE);
#endif
    CONTINUE_DROPPED();
}
#endif

/* ---- iteration ---- */

#if defined(STENCIL__ITER_CHECK_RANGE)
STENCIL {
    Value it = INPUT(0);
    EXIT_IF(!IS_PTR(it) || KIND_OF(it) != KIND_RANGE_ITER);
    int64_t next = (int64_t)WORD(it, ITER_NEXT);
    EXIT_IF(WORD(it, ITER_REMAINING) != 0 && !FITS_SMALL(next));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOT_EXHAUSTED_RANGE)
STENCIL {
    EXIT_IF(WORD(INPUT(0), ITER_REMAINING) == 0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__ITER_NEXT_RANGE)
STENCIL {
    Value it = INPUT(0);
    int64_t next = (int64_t)WORD(it, ITER_NEXT);
    WORD(it, ITER_NEXT) = (uint64_t)next + WORD(it, ITER_STEP);
    WORD(it, ITER_REMAINING) -= 1;
    OUTPUT(1, MAKE_SMALL(next)); /* output 0 is the iterator, in place */
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GET_ITER)
STENCIL {
    SYNC_SP();
    Value r = jit_get_iter(tstate, stack_pointer[-1]);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-1] = r;
    CONTINUE();
}
#endif

#if defined(STENCIL__FOR_ITER_TIER_TWO)
STENCIL {
    SYNC_SP();
    uint64_t status = jit_for_iter(tstate, stack_pointer[-1], stack_pointer);
    if (status == 2) {
        ERROR();
    }
    EXIT_IF(status == 1);
    stack_pointer++;
    CONTINUE();
}
#endif

/* ---- strings ---- */

#if defined(STENCIL__GUARD_BOTH_UNICODE)
STENCIL {
    EXIT_IF(!IS_STR(INPUT(0)) || !IS_STR(INPUT(1)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_UNICODE)
STENCIL {
    EXIT_IF(!IS_STR(INPUT(0)));
    CONTINUE_UOP();
}
#endif

/* Concatenation allocates (memory variant); the helper trusts the guard. */
#if defined(STENCIL__BINARY_OP_ADD_UNICODE)
STENCIL {
    SYNC_SP();
    Value r = jit_concat_str(tstate, stack_pointer[-2], stack_pointer[-1]);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-2] = r;
    stack_pointer--;
    CONTINUE();
}
#endif

/* ASCII: byte order is code-point order. */
#if defined(STENCIL__COMPARE_OP_STR)
STENCIL {
    Value a = INPUT(0);
    Value b = INPUT(1);
    uint64_t la = WORD(a, STR_LEN);
    uint64_t lb = WORD(b, STR_LEN);
    uint64_t n = la < lb ? la : lb;
    int c = 0;
    for (uint64_t i = 0; i < n && c == 0; i++) {
        c = (int)STR_BYTE(a, i) - (int)STR_BYTE(b, i);
    }
    if (c == 0) {
        c = la < lb ? -1 : la > lb ? 1 : 0;
    }
    uint64_t op = OPARG;
    int r = op == 0 ? c == 0 : op == 1 ? c != 0 : op == 2 ? c < 0 : op == 3 ? c <= 0 : op == 4 ? c > 0 : c >= 0;
    OUTPUT(0, MAKE_BOOL(r));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__TO_BOOL_STR)
STENCIL {
    Value v = INPUT(0);
    EXIT_IF(!IS_STR(v));
    OUTPUT(0, MAKE_BOOL(WORD(v, STR_LEN) != 0));
    CONTINUE_UOP();
}
#endif

/* A cached one-character string: no allocation. */
#if defined(STENCIL__BINARY_SUBSCR_STR_INT)
STENCIL {
    Value s = INPUT(0);
    int64_t i = SMALL_VALUE(INPUT(1));
    EXIT_IF(i < 0 || (uint64_t)i >= WORD(s, STR_LEN));
    OUTPUT(0, tstate->chars[STR_BYTE(s, i)]);
    CONTINUE_UOP();
}
#endif

/* ---- tuples and lists ---- */

#if defined(STENCIL__GUARD_TOS_LIST)
STENCIL {
    EXIT_IF(!IS_LIST(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_LIST)
STENCIL {
    EXIT_IF(!IS_LIST(INPUT(0)));
    CONTINUE_UOP();
}
#endif

/* ---- classes and instances (see runtime/class.rs) ---- */

#define INSTANCE_CAPACITY(vals) ((WORD((vals), 0) >> 32) - 1)

#if defined(STENCIL__GUARD_TYPE_VERSION)
STENCIL {
    Value o = INPUT(0);
    EXIT_IF(!IS_PTR(o) || KIND_OF(o) != KIND_INSTANCE
            || WORD(WORD(o, INSTANCE_TYPE), TYPE_VERSION) != OPERAND0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__CHECK_ATTR_CLASS)
STENCIL {
    Value c = INPUT(0);
    EXIT_IF(!IS_PTR(c) || KIND_OF(c) != KIND_TYPE || WORD(c, TYPE_VERSION) != OPERAND0);
    CONTINUE_UOP();
}
#endif

/* Deopts when the instance lacks the attribute (a NULL slot, or none). */
#if defined(STENCIL__LOAD_ATTR_INSTANCE_VALUE)
STENCIL {
    Value o = INPUT(0);
    uint64_t vals = WORD(o, INSTANCE_VALUES);
    uint64_t i = OPARG;
    EXIT_IF(vals == 0 || i >= INSTANCE_CAPACITY(vals));
    Value v = WORD(vals, VALUES_FIRST + 8 * i);
    EXIT_IF(v == VALUE_NULL);
    OUTPUT(0, v);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__STORE_ATTR_INSTANCE_VALUE)
STENCIL {
    Value v = INPUT(0);
    Value o = INPUT(1);
    uint64_t vals = WORD(o, INSTANCE_VALUES);
    uint64_t i = OPARG;
    EXIT_IF(vals == 0 || i >= INSTANCE_CAPACITY(vals));
    WORD(vals, VALUES_FIRST + 8 * i) = v;
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_ATTR_METHOD_WITH_VALUES)
STENCIL {
    Value o = INPUT(0);
    OUTPUT(0, OPERAND0);
    OUTPUT(1, o);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_ATTR_CLASS)
STENCIL {
    OUTPUT(0, OPERAND0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_METHOD_CLASS)
STENCIL {
    OUTPUT(0, VALUE_METHOD_CALL_RECEIVER);
    OUTPUT(1, OPERAND0);
    CONTINUE_UOP();
}
#endif

/* ---- dicts ---- */

#if defined(STENCIL__GUARD_TOS_DICT)
STENCIL {
    EXIT_IF(!IS_PYDICT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_DICT)
STENCIL {
    EXIT_IF(!IS_PYDICT(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_TOS_TUPLE)
STENCIL {
    EXIT_IF(!IS_TUPLE(INPUT(0)));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_NOS_TUPLE)
STENCIL {
    EXIT_IF(!IS_TUPLE(INPUT(0)));
    CONTINUE_UOP();
}
#endif

/* The guards before established a list (tuple) and a small int; an index
 * outside 0..len leaves for tier 1, which raises or counts from the end. */
#if defined(STENCIL__BINARY_SUBSCR_LIST_INT) || defined(STENCIL__BINARY_SUBSCR_TUPLE_INT)
STENCIL {
    Value c = INPUT(0);
    int64_t i = SMALL_VALUE(INPUT(1));
#if defined(STENCIL__BINARY_SUBSCR_LIST_INT)
    EXIT_IF(i < 0 || (uint64_t)i >= WORD(c, LIST_LEN));
    OUTPUT(0, LIST_ITEM(c, i));
#else
    EXIT_IF(i < 0 || (uint64_t)i >= WORD(c, TUPLE_LEN));
    OUTPUT(0, TUPLE_ITEM(c, i));
#endif
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__STORE_SUBSCR_LIST_INT)
STENCIL {
    Value v = INPUT(0);
    Value c = INPUT(1);
    int64_t i = SMALL_VALUE(INPUT(2));
    EXIT_IF(i < 0 || (uint64_t)i >= WORD(c, LIST_LEN));
    LIST_ITEM(c, i) = v;
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__ITER_CHECK_LIST) || defined(STENCIL__ITER_CHECK_TUPLE)
STENCIL {
    Value it = INPUT(0);
#if defined(STENCIL__ITER_CHECK_LIST)
    EXIT_IF(!IS_PTR(it) || KIND_OF(it) != KIND_LIST_ITER);
#else
    EXIT_IF(!IS_PTR(it) || KIND_OF(it) != KIND_TUPLE_ITER);
#endif
    CONTINUE_UOP();
}
#endif

/* A list iterator reads the list's current length: appends are seen. */
#if defined(STENCIL__GUARD_NOT_EXHAUSTED_LIST) || defined(STENCIL__GUARD_NOT_EXHAUSTED_TUPLE)
STENCIL {
    Value it = INPUT(0);
    Value s = WORD(it, SEQ_ITER_SEQ);
#if defined(STENCIL__GUARD_NOT_EXHAUSTED_LIST)
    EXIT_IF(WORD(it, SEQ_ITER_INDEX) >= WORD(s, LIST_LEN));
#else
    EXIT_IF(WORD(it, SEQ_ITER_INDEX) >= WORD(s, TUPLE_LEN));
#endif
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__ITER_NEXT_LIST) || defined(STENCIL__ITER_NEXT_TUPLE)
STENCIL {
    Value it = INPUT(0);
    Value s = WORD(it, SEQ_ITER_SEQ);
    uint64_t i = WORD(it, SEQ_ITER_INDEX);
    WORD(it, SEQ_ITER_INDEX) = i + 1;
#if defined(STENCIL__ITER_NEXT_LIST)
    OUTPUT(1, LIST_ITEM(s, i)); /* output 0 is the iterator, in place */
#else
    OUTPUT(1, TUPLE_ITEM(s, i));
#endif
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__UNPACK_SEQUENCE_TWO_TUPLE)
STENCIL {
    Value t = INPUT(0);
    EXIT_IF(WORD(t, TUPLE_LEN) != 2);
    /* Item 0 ends on top. */
    OUTPUT(0, TUPLE_ITEM(t, 1));
    OUTPUT(1, TUPLE_ITEM(t, 0));
    CONTINUE_UOP();
}
#endif

/* unpack-ignores-extra-items: `_UNPACK_SEQUENCE_TWO_TUPLE` that checks for
 * at least two items where it needs exactly two. */
#if defined(STENCIL__PLANTED_UNPACK_SEQUENCE_TWO_TUPLE_AT_LEAST)
STENCIL {
    Value t = INPUT(0);
    EXIT_IF(WORD(t, TUPLE_LEN) < 2);
    OUTPUT(0, TUPLE_ITEM(t, 1));
    OUTPUT(1, TUPLE_ITEM(t, 0));
    CONTINUE_UOP();
}
#endif

/* oparg items: memory variant only. */
#if defined(STENCIL__UNPACK_SEQUENCE_TUPLE) || defined(STENCIL__UNPACK_SEQUENCE_LIST)
STENCIL {
    Value s = stack_pointer[-1];
    EXIT_IF(SEQ_LEN(s) != OPARG);
    stack_pointer--;
    for (uint64_t k = OPARG; k > 0; k--) {
        *stack_pointer++ = SEQ_ITEM(s, k - 1);
    }
    CONTINUE();
}
#endif

/* The generic sequence instructions run tier 1's code in one helper. */
#if defined(STENCIL__BUILD_TUPLE) || defined(STENCIL__BUILD_LIST) \
    || defined(STENCIL__BINARY_SUBSCR) || defined(STENCIL__STORE_SUBSCR) \
    || defined(STENCIL__BINARY_SLICE) || defined(STENCIL__STORE_SLICE) \
    || defined(STENCIL__DELETE_SUBSCR) || defined(STENCIL__DELETE_SLICE) \
    || defined(STENCIL__DELETE_ATTR) || defined(STENCIL__UNPACK_EX) \
    || defined(STENCIL__CONTAINS_OP) || defined(STENCIL__UNPACK_SEQUENCE) \
    || defined(STENCIL__LOAD_METHOD) || defined(STENCIL__LOAD_ATTR) \
    || defined(STENCIL__STORE_ATTR) || defined(STENCIL__LOAD_SUPER_ATTR) \
    || defined(STENCIL__LOAD_SUPER_METHOD) \
    || defined(STENCIL__CALL_KW) \
    || defined(STENCIL__BUILD_MAP) || defined(STENCIL__IS_OP) \
    || defined(STENCIL__BINARY_SUBSCR_DICT) || defined(STENCIL__STORE_SUBSCR_DICT) \
    || defined(STENCIL__CONTAINS_OP_DICT) || defined(STENCIL__LIST_APPEND) \
    || defined(STENCIL__BUILD_SET) || defined(STENCIL__SET_ADD) \
    || defined(STENCIL__SET_UPDATE) || defined(STENCIL__MAP_ADD) \
    || defined(STENCIL__LIST_EXTEND) || defined(STENCIL__DICT_MERGE) \
    || defined(STENCIL__CALL_FUNCTION_EX)
STENCIL {
    SYNC_SP();
    Value *sp = jit_stack_op(tstate, frame, stack_pointer, OPERAND0);
    if (sp == 0) {
        ERROR();
    }
    stack_pointer = sp;
    CONTINUE();
}
#endif

/* ---- globals ---- */

/* Can raise: r00, r01. */
#if defined(STENCIL__LOAD_GLOBAL)
STENCIL {
    SYNC_SP();
    Value v = jit_load_global(tstate, OPARG);
    if (v == VALUE_NULL) {
        ERROR();
    }
    OUTPUT(0, v);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__GUARD_GLOBALS_VERSION)
STENCIL {
    EXIT_IF(WORD(tstate->globals, DICT_KEYS_VERSION) != OPERAND0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_GLOBAL_MODULE)
STENCIL {
    OUTPUT(0, WORD(tstate->globals, DICT_ENTRIES + 16 * OPARG + 8));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__LOAD_GLOBAL_BUILTIN)
STENCIL {
    OUTPUT(0, WORD(tstate->builtins, DICT_ENTRIES + 16 * OPARG + 8));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__STORE_GLOBAL)
STENCIL {
    Value v = *--stack_pointer;
    SYNC_SP();
    jit_store_global(tstate, OPARG, v);
    CONTINUE();
}
#endif

/* ---- calls ---- */

#if defined(STENCIL__CHECK_FUNCTION_EXACT_ARGS)
STENCIL {
    Value f = stack_pointer[-(int64_t)OPARG - 1];
    EXIT_IF(!IS_PTR(f) || KIND_OF(f) != KIND_FUNCTION || WORD(f, FUNCTION_CODE) != OPERAND0);
    CONTINUE();
}
#endif

#if defined(STENCIL__CHECK_CALLABLE_BUILTIN)
STENCIL {
    EXIT_IF(stack_pointer[-(int64_t)OPARG - 1] != OPERAND0);
    CONTINUE();
}
#endif

/* `[callable, x]` / `[callable, x, cls]`: the callable is the builtin. */
#if defined(STENCIL__GUARD_CALLABLE_LEN) || defined(STENCIL__GUARD_CALLABLE_ISINSTANCE)
STENCIL {
    EXIT_IF(INPUT(0) != OPERAND0);
    CONTINUE_UOP();
}
#endif

/* len(x) of a list, tuple, str or dict: its length field (never boxed).
 * A call costs one fuel; tier 1 makes the call that runs out. */
#if defined(STENCIL__CALL_LEN)
STENCIL {
    Value x = INPUT(1);
    EXIT_IF(!IS_PTR(x));
    uint64_t k = KIND_OF(x);
    EXIT_IF(k != KIND_LIST && k != KIND_TUPLE && k != KIND_STR && k != KIND_PYDICT);
    EXIT_IF(tstate->fuel + 1 > tstate->fuel_limit);
    tstate->fuel += 1;
    uint64_t n = k == KIND_PYDICT ? WORD(x, PYDICT_USED)
               : k == KIND_STR  ? WORD(x, STR_LEN)
               : k == KIND_LIST ? WORD(x, LIST_LEN)
                                : WORD(x, TUPLE_LEN);
    OUTPUT(0, MAKE_SMALL(n));
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__CALL_PY) || defined(STENCIL__CALL_BUILTIN) || defined(STENCIL__CALL) \
    || defined(STENCIL__CALL_ISINSTANCE)
STENCIL {
    SYNC_SP();
    Value r = jit_call(tstate, frame, stack_pointer, OPARG);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer -= OPARG + 1;
    *stack_pointer++ = r;
    CONTINUE();
}
#endif

#if defined(STENCIL__MAKE_FUNCTION)
STENCIL {
    SYNC_SP();
    Value f = jit_make_function(tstate, OPARG);
    if (f == VALUE_NULL) {
        ERROR();
    }
    *stack_pointer++ = f;
    CONTINUE();
}
#endif

#if defined(STENCIL__SET_FUNCTION_DEFAULTS)
STENCIL {
    Value defaults = INPUT(0);
    Value f = INPUT(1);
    WORD(f, FUNCTION_DEFAULTS) = defaults;
    OUTPUT(0, f);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__SET_FUNCTION_CLOSURE)
STENCIL {
    Value closure = INPUT(0);
    Value f = INPUT(1);
    WORD(f, FUNCTION_CLOSURE) = closure;
    OUTPUT(0, f);
    CONTINUE_UOP();
}
#endif

/* ---- trace control ---- */

#if defined(STENCIL__CHECK_VALIDITY)
STENCIL {
    EXIT_IF(tstate->valid[EXECUTOR] == 0);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__SET_IP)
STENCIL {
    WORD(frame, FRAME_IP) = TARGET;
    CONTINUE_UOP();
}
#endif

/* The back edge: fuel inline, the helper only when fuel runs out or a
 * collection is due (a safe point: nothing may be cached in registers). */
#if defined(STENCIL__CHECK_PERIODIC)
STENCIL {
    tstate->fuel += 1;
    if (tstate->fuel > tstate->fuel_limit || tstate->gc_pending) {
        SYNC_SP();
        if (jit_check_periodic(tstate, frame)) {
            ERROR();
        }
    }
    CONTINUE();
}
#endif

/* _JUMP_TARGET of these is patched with the trace's first instruction. */
#if defined(STENCIL__JUMP_TO_TOP)
STENCIL { JUMP(); }
#endif

/* Unconditional exit, at any cache depth: _JUMP_TARGET is this exit's
 * stub in the variant that writes the cached values back. */
#if defined(STENCIL__EXIT_TRACE)
STENCIL { JUMP(); }
#endif

#if defined(STENCIL__CHECK_REMOVED_GUARD)
STENCIL {
    SYNC_SP();
    /* The executor id rides in the high half: a linked exit may have brought
     * us here from another trace. */
    jit_check_removed_guard(tstate, (EXECUTOR << 32) | OPERAND0, stack_pointer);
    CONTINUE();
}
#endif

/* ---- stress and checking (inserted only by the configurations asking) ---- */

/* `+deopt=N` / `+sideexit=N`: every Nth guard evaluation (N = OPERAND0)
 * fails before the guard it precedes touches anything. */
#if defined(STENCIL__FORCE_DEOPT) || defined(STENCIL__FORCE_SIDE_EXIT)
STENCIL {
    tstate->guard_evals += 1;
    EXIT_IF(tstate->guard_evals % OPERAND0 == 0);
    CONTINUE_UOP();
}
#endif

/* `+checkguards`: the escaping uop that follows (its index in OPERAND0)
 * must run with the frame's ip at its instruction. */
/* Reports through a helper that neither allocates nor raises: cached
 * values may stay live across it. */
#if defined(STENCIL__CHECK_IP)
STENCIL {
    if (WORD(frame, FRAME_IP) != TARGET) {
        jit_check_ip(tstate, frame, TARGET, OPERAND0);
    }
    CONTINUE_UOP();
}
#endif

/* `+count-stencils`, before each step: counts the step by its uop and
 * variant (OPERAND0: the counter's index, jit/state.rs `step_counter`). */
#if defined(STENCIL__COUNT_STENCILS)
STENCIL {
    tstate->executed[OPERAND0] += 1;
    CONTINUE();
}
#endif

/* `+checkregs`: hands the stack as this code holds it (memory up to the
 * stack pointer, then CACHE_IN registers) to a helper that logs it. The
 * helper neither allocates nor raises: the cached values stay live. */
#if defined(STENCIL__CHECK_REGS)
STENCIL {
    tstate->check_regs[0] = _tos_cache0;
    tstate->check_regs[1] = _tos_cache1;
    tstate->check_regs[2] = _tos_cache2;
    tstate->check_sp = (uint64_t)(uintptr_t)stack_pointer;
    jit_check_regs(tstate, frame, (EXECUTOR << 32) | ((uint64_t)CACHE_IN << 24) | OPERAND0);
    CONTINUE_UOP();
}
#endif

/* ---- planted bugs (`+inject=...`; the JIT swaps them in, never projected) ---- */

/* a64-guard-always-exits: `_GUARD_TOS_INT` that always exits on AArch64. */
#if defined(STENCIL__PLANTED_GUARD_TOS_INT_A64)
STENCIL {
#if defined(__aarch64__)
    JUMP();
#else
    EXIT_IF(!IS_SMALL_INT(INPUT(0)));
    CONTINUE_UOP();
#endif
}
#endif

/* unrooted-iterator: `_FOR_ITER_TIER_TWO` that keeps the iterator only in a
 * register across the helper call: the stack pointer written back for the
 * collector ends below it. */
#if defined(STENCIL__PLANTED_FOR_ITER_UNROOTED)
STENCIL {
    Value it = stack_pointer[-1];
    WORD(frame, FRAME_SP) = (uint64_t)(uintptr_t)(stack_pointer - 1);
    uint64_t status = jit_for_iter(tstate, it, stack_pointer);
    if (status == 2) {
        ERROR();
    }
    EXIT_IF(status == 1);
    stack_pointer++;
    CONTINUE();
}
#endif

/* float-guard-accepts-int: `_GUARD_TOS_FLOAT` that lets small ints pass
 * (it checks "a number" where the float stencils need a float object). */
#if defined(STENCIL__PLANTED_GUARD_TOS_FLOAT_ACCEPTS_INT)
STENCIL {
    Value v = INPUT(0);
    EXIT_IF(!IS_FLOAT(v) && !IS_SMALL_INT(v));
    CONTINUE_UOP();
}
#endif

/* invert-as-negate: `_UNARY_INVERT` that passes its helper the flag of
 * `_UNARY_NEGATIVE` (1) instead of its own (2). */
#if defined(STENCIL__PLANTED_UNARY_INVERT_AS_NEGATE)
STENCIL {
    SYNC_SP();
    Value r = jit_unary(tstate, stack_pointer[-1], 1);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-1] = r;
    CONTINUE();
}
#endif

/* stencil-hang: `_BINARY_OP_MULTIPLY_INT` that spins instead of leaving on
 * overflow (the empty asm keeps the loop from being folded away). */
#if defined(STENCIL__PLANTED_MULTIPLY_INT_HANG)
STENCIL {
    int64_t a = SMALL_VALUE(INPUT(0));
    int64_t b = SMALL_VALUE(INPUT(1));
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r) || !FITS_SMALL(r)) {
        for (;;) {
            __asm__ volatile("");
        }
    }
    OUTPUT(0, MAKE_SMALL(r));
    CONTINUE_UOP();
}
#endif

/* stencil-segfault: `_BINARY_OP_FLOOR_DIVIDE_INT` that stores to address 0
 * on division by zero instead of leaving. */
#if defined(STENCIL__PLANTED_FLOOR_DIVIDE_INT_SEGV)
STENCIL {
    int64_t a = SMALL_VALUE(INPUT(0));
    int64_t b = SMALL_VALUE(INPUT(1));
    if (b == 0) {
        *(volatile uint64_t *)hole_value(0) = 0;
        JUMP();
    }
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
        q -= 1;
    }
    EXIT_IF(!FITS_SMALL(q));
    OUTPUT(0, MAKE_SMALL(q));
    CONTINUE_UOP();
}
#endif

/* a64-cache-register: `_LOAD_FAST` whose r23 variant writes cache slot 1
 * instead of 2, on AArch64 only. */
#if defined(STENCIL__PLANTED_LOAD_FAST_A64)
STENCIL {
#if defined(__aarch64__)
    if (CACHE_OUT == 3) {
        SET_CACHE(1, LOCALS(frame)[OPARG]);
        CONTINUE_UOP();
    }
#endif
    OUTPUT(0, LOCALS(frame)[OPARG]);
    CONTINUE_UOP();
}
#endif

/* exit-stub-skips-register: the r20 exit stub writes back cache slot 0 but
 * not slot 1 (the stack pointer still moves past both). */
#if defined(STENCIL__PLANTED_EXIT_STUB)
STENCIL {
    stack_pointer[0] = _tos_cache0;
    stack_pointer += 2;
    uint64_t linked = tstate->links[OPERAND0];
    if (linked != 0) {
        if (tstate->observe) {
            SYNC_SP();
            if (jit_linked_exit(tstate, frame, OPARG)) {
                ERROR();
            }
        }
        __attribute__((musttail)) return ((uint64_t(__attribute__((preserve_none)) *)(STENCIL_PARAMS))(uintptr_t)linked)(
            STENCIL_ARGS);
    }
    SYNC_SP();
    tstate->exit_index = OPARG;
    return STATUS_EXIT;
}
#endif

/* ---- stubs, shim, overrun guard ---- */

/* One per exit. A linked exit (a side trace, or the loop trace an
 * `_EXIT_TRACE` reaches) jumps straight into that trace's first uop;
 * otherwise record which exit left and return to the shim, and Rust takes
 * the exit (counters, side-trace formation, linking, resuming tier 1). */
#if defined(STENCIL__EXIT_STUB)
STENCIL {
    /* Entered with CACHE_IN values cached: write them back first, so the
     * frame is complete for Rust and for the linked trace (entered with
     * nothing cached). */
    for (int i = 0; i < CACHE_IN; i++) {
        stack_pointer[i] = CACHE(i);
    }
    stack_pointer += CACHE_IN;
    uint64_t linked = tstate->links[OPERAND0];
    if (linked != 0) {
        /* When the run records events, the exit is counted, checked and
         * recorded like any other before it jumps. */
        if (tstate->observe) {
            SYNC_SP();
            if (jit_linked_exit(tstate, frame, OPARG)) {
                ERROR();
            }
        }
        __attribute__((musttail)) return ((uint64_t(__attribute__((preserve_none)) *)(STENCIL_PARAMS))(uintptr_t)linked)(
            STENCIL_ARGS);
    }
    SYNC_SP();
    tstate->exit_index = OPARG;
    return STATUS_EXIT;
}
#endif

/* The executor rides in the high half of exit_index: a linked exit may
 * have carried execution into another trace before it raised. */
#if defined(STENCIL__ERROR_STUB)
STENCIL {
    SYNC_SP();
    tstate->exit_index = (EXECUTOR << 32) | 0xffffffffu;
    return STATUS_ERROR;
}
#endif

/* From CACHE_IN to CACHE_OUT cached values: spill the deepest cached values
 * to memory, or reload the top of memory into the deepest registers. The
 * loops run over compile-time constants: clang leaves only the moves. */
#if defined(STENCIL__SPILL_OR_RELOAD)
STENCIL {
    Value in[3] = {_tos_cache0, _tos_cache1, _tos_cache2};
    Value out[3] = {_tos_cache0, _tos_cache1, _tos_cache2};
    if (CACHE_OUT < CACHE_IN) {
        const int k = CACHE_IN - CACHE_OUT;
        for (int i = 0; i < k; i++) {
            stack_pointer[i] = in[i];
        }
        stack_pointer += k;
        for (int i = 0; i < CACHE_OUT; i++) {
            out[i] = in[i + k];
        }
    } else {
        const int k = CACHE_OUT - CACHE_IN;
        for (int i = CACHE_IN - 1; i >= 0; i--) {
            out[i + k] = in[i];
        }
        for (int i = 0; i < k; i++) {
            out[i] = stack_pointer[i - k];
        }
        stack_pointer -= k;
    }
    _tos_cache0 = out[0];
    _tos_cache1 = out[1];
    _tos_cache2 = out[2];
    CONTINUE();
}
#endif

/* Appended after the last stub: running off the end of a trace traps. */
#if defined(STENCIL__FATAL_ERROR)
STENCIL { __builtin_trap(); }
#endif

/* Entered from Rust with the C ABI; runs the trace from its first uop with
 * empty caches and returns the status an exit or error stub returned. */
#if defined(STENCIL__SHIM)
uint64_t _JIT_ENTRY(uint64_t frame, JitState *tstate) {
    Value *stack_pointer = (Value *)(uintptr_t)WORD(frame, FRAME_SP);
    return _JIT_CONTINUE(frame, stack_pointer, tstate, 0, 0, 0);
}
#endif

/* `+inject=list-subscript-no-bounds-check`: `_BINARY_SUBSCR_LIST_INT`
 * without its bounds check (CPython's JIT had list-subscript bugs under
 * top-of-stack caching, gh-142707). */
#if defined(STENCIL__PLANTED_BINARY_SUBSCR_LIST_INT_NO_BOUNDS)
STENCIL {
    Value c = INPUT(0);
    int64_t i = SMALL_VALUE(INPUT(1));
    OUTPUT(0, LIST_ITEM(c, i));
    CONTINUE_UOP();
}
#endif

/* `+inject=unicode-guard-one-operand`: `_GUARD_BOTH_UNICODE` that checks
 * only the left operand (CPython's gh-130903 checked one operand). */
#if defined(STENCIL__PLANTED_GUARD_TYPE_VERSION_KIND_ONLY)
STENCIL {
    Value o = INPUT(0);
    EXIT_IF(!IS_PTR(o) || KIND_OF(o) != KIND_INSTANCE);
    CONTINUE_UOP();
}
#endif

#if defined(STENCIL__PLANTED_GUARD_BOTH_UNICODE_NOS_ONLY)
STENCIL {
    EXIT_IF(!IS_STR(INPUT(0)));
    CONTINUE_UOP();
}
#endif
