/* One stencil per uop (cache depth 0: every uop takes and leaves the stack
 * in memory; the register-variant issue adds `_r<in><out>` variants of the
 * same bodies). The stencil builder compiles this file once per
 * `#if defined(STENCIL_<name>)` block and target. Uop semantics must match
 * the tier-2 interpreter (vm/src/tier2/interp.rs) exactly: it is the
 * reference the JIT is fuzzed against. */
#include "jit.h"

/* ---- stack and locals ---- */

#if defined(STENCIL__NOP)
STENCIL { CONTINUE(); }
#endif

#if defined(STENCIL__LOAD_FAST)
STENCIL {
    *stack_pointer++ = LOCALS(frame)[OPARG];
    CONTINUE();
}
#endif

#if defined(STENCIL__LOAD_FAST_CHECK)
STENCIL {
    Value v = LOCALS(frame)[OPARG];
    if (v == VALUE_NULL) {
        SYNC_SP();
        jit_unbound_local(tstate, frame, OPARG);
        ERROR();
    }
    *stack_pointer++ = v;
    CONTINUE();
}
#endif

#if defined(STENCIL__STORE_FAST)
STENCIL {
    LOCALS(frame)[OPARG] = *--stack_pointer;
    CONTINUE();
}
#endif

#if defined(STENCIL__LOAD_CONST) || defined(STENCIL__LOAD_CONST_INLINE)
STENCIL {
    *stack_pointer++ = OPERAND0;
    CONTINUE();
}
#endif

#if defined(STENCIL__POP_TOP)
STENCIL {
    stack_pointer--;
    CONTINUE();
}
#endif

#if defined(STENCIL__POP_TWO_LOAD_CONST_INLINE)
STENCIL {
    stack_pointer[-2] = OPERAND0;
    stack_pointer--;
    CONTINUE();
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

#if defined(STENCIL__GUARD_TOS_INT)
STENCIL {
    EXIT_IF(!IS_SMALL_INT(stack_pointer[-1]));
    CONTINUE();
}
#endif

#if defined(STENCIL__GUARD_NOS_INT)
STENCIL {
    EXIT_IF(!IS_SMALL_INT(stack_pointer[-2]));
    CONTINUE();
}
#endif

/* Leave (before touching the stack) when the result is not a small int. */
#if defined(STENCIL__BINARY_OP_ADD_INT) || defined(STENCIL__BINARY_OP_SUBTRACT_INT) || \
    defined(STENCIL__BINARY_OP_MULTIPLY_INT)
STENCIL {
    int64_t a = SMALL_VALUE(stack_pointer[-2]);
    int64_t b = SMALL_VALUE(stack_pointer[-1]);
    int64_t r;
#if defined(STENCIL__BINARY_OP_ADD_INT)
    r = a + b; /* 63-bit operands cannot overflow 64 bits */
#elif defined(STENCIL__BINARY_OP_SUBTRACT_INT)
    r = a - b;
#else
    EXIT_IF(__builtin_mul_overflow(a, b, &r));
#endif
    EXIT_IF(!FITS_SMALL(r));
    stack_pointer[-2] = MAKE_SMALL(r);
    stack_pointer--;
    CONTINUE();
}
#endif

/* Python floor semantics; division by zero leaves for tier 1 to raise. */
#if defined(STENCIL__BINARY_OP_FLOOR_DIVIDE_INT) || defined(STENCIL__BINARY_OP_MODULO_INT)
STENCIL {
    int64_t a = SMALL_VALUE(stack_pointer[-2]);
    int64_t b = SMALL_VALUE(stack_pointer[-1]);
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
    stack_pointer[-2] = MAKE_SMALL(r);
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

#if defined(STENCIL__UNARY_NEGATIVE) || defined(STENCIL__UNARY_POSITIVE)
STENCIL {
    SYNC_SP();
#if defined(STENCIL__UNARY_NEGATIVE)
    Value r = jit_unary(tstate, stack_pointer[-1], 1);
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
    stack_pointer[-1] = MAKE_BOOL(stack_pointer[-1] == VALUE_FALSE);
    CONTINUE();
}
#endif

/* ---- truthiness and comparison ---- */

#if defined(STENCIL__TO_BOOL)
STENCIL {
    stack_pointer[-1] = MAKE_BOOL(jit_truthy(tstate, stack_pointer[-1]));
    CONTINUE();
}
#endif

#if defined(STENCIL__TO_BOOL_BOOL)
STENCIL {
    EXIT_IF(!IS_BOOL(stack_pointer[-1]));
    CONTINUE();
}
#endif

#if defined(STENCIL__TO_BOOL_INT)
STENCIL {
    Value v = stack_pointer[-1];
    EXIT_IF(!IS_SMALL_INT(v));
    stack_pointer[-1] = MAKE_BOOL(SMALL_VALUE(v) != 0);
    CONTINUE();
}
#endif

#if defined(STENCIL__TO_BOOL_NONE)
STENCIL {
    EXIT_IF(stack_pointer[-1] != VALUE_NONE);
    stack_pointer[-1] = VALUE_FALSE;
    CONTINUE();
}
#endif

/* oparg: 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >= (lang/bytecode.rs cmp_arg). */
#if defined(STENCIL__COMPARE_OP_INT)
STENCIL {
    int64_t a = SMALL_VALUE(stack_pointer[-2]);
    int64_t b = SMALL_VALUE(stack_pointer[-1]);
    uint64_t op = OPARG;
    int r = op == 0 ? a == b : op == 1 ? a != b : op == 2 ? a < b : op == 3 ? a <= b : op == 4 ? a > b : a >= b;
    stack_pointer[-2] = MAKE_BOOL(r);
    stack_pointer--;
    CONTINUE();
}
#endif

#if defined(STENCIL__COMPARE_OP)
STENCIL {
    SYNC_SP();
    Value r = jit_compare_op(tstate, stack_pointer[-2], stack_pointer[-1], OPARG);
    if (r == VALUE_NULL) {
        ERROR();
    }
    stack_pointer[-2] = r;
    stack_pointer--;
    CONTINUE();
}
#endif

#if defined(STENCIL__GUARD_IS_TRUE_POP)
STENCIL {
    Value v = *--stack_pointer;
    EXIT_IF(v != VALUE_TRUE);
    CONTINUE();
}
#endif

#if defined(STENCIL__GUARD_IS_FALSE_POP)
STENCIL {
    Value v = *--stack_pointer;
    EXIT_IF(v != VALUE_FALSE);
    CONTINUE();
}
#endif

/* ---- iteration ---- */

#if defined(STENCIL__ITER_CHECK_RANGE)
STENCIL {
    Value it = stack_pointer[-1];
    EXIT_IF(!IS_PTR(it) || KIND_OF(it) != KIND_RANGE_ITER);
    int64_t next = (int64_t)WORD(it, ITER_NEXT);
    EXIT_IF(WORD(it, ITER_REMAINING) != 0 && !FITS_SMALL(next));
    CONTINUE();
}
#endif

#if defined(STENCIL__GUARD_NOT_EXHAUSTED_RANGE)
STENCIL {
    EXIT_IF(WORD(stack_pointer[-1], ITER_REMAINING) == 0);
    CONTINUE();
}
#endif

#if defined(STENCIL__ITER_NEXT_RANGE)
STENCIL {
    Value it = stack_pointer[-1];
    int64_t next = (int64_t)WORD(it, ITER_NEXT);
    WORD(it, ITER_NEXT) = (uint64_t)next + WORD(it, ITER_STEP);
    WORD(it, ITER_REMAINING) -= 1;
    *stack_pointer++ = MAKE_SMALL(next);
    CONTINUE();
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

/* ---- globals ---- */

#if defined(STENCIL__LOAD_GLOBAL)
STENCIL {
    SYNC_SP();
    Value v = jit_load_global(tstate, OPARG);
    if (v == VALUE_NULL) {
        ERROR();
    }
    *stack_pointer++ = v;
    CONTINUE();
}
#endif

#if defined(STENCIL__GUARD_GLOBALS_VERSION)
STENCIL {
    EXIT_IF(WORD(tstate->globals, DICT_KEYS_VERSION) != OPERAND0);
    CONTINUE();
}
#endif

#if defined(STENCIL__LOAD_GLOBAL_MODULE)
STENCIL {
    *stack_pointer++ = WORD(tstate->globals, DICT_ENTRIES + 16 * OPARG + 8);
    CONTINUE();
}
#endif

#if defined(STENCIL__LOAD_GLOBAL_BUILTIN)
STENCIL {
    *stack_pointer++ = WORD(tstate->builtins, DICT_ENTRIES + 16 * OPARG + 8);
    CONTINUE();
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

#if defined(STENCIL__CALL_PY) || defined(STENCIL__CALL_BUILTIN) || defined(STENCIL__CALL)
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

/* ---- trace control ---- */

#if defined(STENCIL__CHECK_VALIDITY)
STENCIL {
    EXIT_IF(tstate->valid[EXECUTOR] == 0);
    CONTINUE();
}
#endif

#if defined(STENCIL__SET_IP)
STENCIL {
    WORD(frame, FRAME_IP) = TARGET;
    CONTINUE();
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

/* Unconditional exit: _JUMP_TARGET is this exit's stub. */
#if defined(STENCIL__EXIT_TRACE)
STENCIL { JUMP(); }
#endif

#if defined(STENCIL__CHECK_REMOVED_GUARD)
STENCIL {
    SYNC_SP();
    /* The executor id rides in the high half: a linked exit may have brought
     * us here from another trace. */
    jit_check_removed_guard(tstate, (EXECUTOR << 32) | OPERAND0, stack_pointer[-1], stack_pointer[-2]);
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
    CONTINUE();
}
#endif

/* `+checkguards`: the escaping uop that follows (its index in OPERAND0)
 * must run with the frame's ip at its instruction. */
#if defined(STENCIL__CHECK_IP)
STENCIL {
    if (WORD(frame, FRAME_IP) != TARGET) {
        SYNC_SP();
        jit_check_ip(tstate, frame, TARGET, OPERAND0);
    }
    CONTINUE();
}
#endif

/* ---- planted bugs (`+inject=...`; the JIT swaps them in, never projected) ---- */

/* a64-guard-always-exits: `_GUARD_TOS_INT` that always exits on AArch64. */
#if defined(STENCIL__PLANTED_GUARD_TOS_INT_A64)
STENCIL {
#if defined(__aarch64__)
    JUMP();
#else
    EXIT_IF(!IS_SMALL_INT(stack_pointer[-1]));
    CONTINUE();
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

/* stencil-hang: `_BINARY_OP_MULTIPLY_INT` that spins instead of leaving on
 * overflow (the empty asm keeps the loop from being folded away). */
#if defined(STENCIL__PLANTED_MULTIPLY_INT_HANG)
STENCIL {
    int64_t a = SMALL_VALUE(stack_pointer[-2]);
    int64_t b = SMALL_VALUE(stack_pointer[-1]);
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r) || !FITS_SMALL(r)) {
        for (;;) {
            __asm__ volatile("");
        }
    }
    stack_pointer[-2] = MAKE_SMALL(r);
    stack_pointer--;
    CONTINUE();
}
#endif

/* stencil-segfault: `_BINARY_OP_FLOOR_DIVIDE_INT` that stores to address 0
 * on division by zero instead of leaving. */
#if defined(STENCIL__PLANTED_FLOOR_DIVIDE_INT_SEGV)
STENCIL {
    int64_t a = SMALL_VALUE(stack_pointer[-2]);
    int64_t b = SMALL_VALUE(stack_pointer[-1]);
    if (b == 0) {
        *(volatile uint64_t *)hole_value(0) = 0;
        JUMP();
    }
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
        q -= 1;
    }
    EXIT_IF(!FITS_SMALL(q));
    stack_pointer[-2] = MAKE_SMALL(q);
    stack_pointer--;
    CONTINUE();
}
#endif

/* ---- stubs, shim, overrun guard ---- */

/* One per exit. A linked exit (a side trace, or the loop trace an
 * `_EXIT_TRACE` reaches) jumps straight into that trace's first uop;
 * otherwise record which exit left and return to the shim, and Rust takes
 * the exit (counters, side-trace formation, linking, resuming tier 1). */
#if defined(STENCIL__EXIT_STUB)
STENCIL {
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
