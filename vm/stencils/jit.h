/* The stencils' view of the runtime. Every constant here mirrors a Rust
 * definition (value tagging in vm/src/runtime/value.rs, object layouts in
 * runtime/object.rs, frames in runtime/frame.rs, JitState in jit/state.rs);
 * a generated test checks that C and Rust agree on each of them.
 *
 * Calling convention (modelled on CPython's): every stencil is
 *   __attribute__((preserve_none)) uint64_t _JIT_ENTRY(frame, stack_pointer,
 *       tstate, _tos_cache0, _tos_cache1, _tos_cache2)
 * and continues with a musttail call to a hole symbol (_JIT_CONTINUE, the
 * next stencil; _JIT_JUMP_TARGET, its exit stub or the trace top;
 * _JIT_ERROR_TARGET, the error stub). preserve_none keeps all six arguments
 * in registers across the tail calls. Exit and error stubs `return` to the
 * shim, which returns to Rust.
 *
 * Register variants (top-of-stack caching, CPython 3.15): the top values of
 * the stack may live in _tos_cache0..2 instead of memory; cache0 is the
 * deepest cached value, and memory (up to stack_pointer) holds everything
 * below it. The builder compiles a uop's block once per variant the uop
 * table declares (vm/src/tier2/uops.rs `Uop::variants`), defining CACHE_IN
 * and CACHE_OUT (values cached on entry and on leaving) and POPS and PUSHES
 * (the uop's stack effect). A body reads input i (0 = deepest) with
 * INPUT(i), writes output j with OUTPUT(j, v) after reading its inputs, and
 * continues with CONTINUE_UOP(); the macros put each value in its register
 * or memory slot for the variant. Bodies that address the stack directly
 * (escaping uops, stack arrays) exist only in the memory variant r00. */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t Value;

/* runtime/value.rs */
#define VALUE_NULL UINT64_C(0)
#define VALUE_NONE UINT64_C(2)
#define VALUE_FALSE UINT64_C(6)
#define VALUE_TRUE UINT64_C(10)
#define IS_SMALL_INT(v) (((v) & 1) != 0)
#define SMALL_VALUE(v) ((int64_t)(v) >> 1)
#define MAKE_SMALL(i) ((Value)(((uint64_t)(i) << 1) | 1))
#define SMALL_MIN (-(INT64_C(1) << 62))
#define SMALL_MAX ((INT64_C(1) << 62) - 1)
#define FITS_SMALL(i) ((i) >= SMALL_MIN && (i) <= SMALL_MAX)
#define IS_PTR(v) (((v) & 7) == 0 && (v) != 0)
#define IS_BOOL(v) ((v) == VALUE_TRUE || (v) == VALUE_FALSE)
#define MAKE_BOOL(b) ((b) ? VALUE_TRUE : VALUE_FALSE)

/* runtime/object.rs */
#define KIND_MASK UINT64_C(0xff)
#define KIND_FUNCTION 2
#define KIND_RANGE_ITER 4
#define KIND_FLOAT 7
#define FLOAT_VALUE 8
#define KIND_TUPLE 8
#define KIND_LIST 9
#define KIND_LIST_ITER 11
#define KIND_TUPLE_ITER 12
#define TUPLE_LEN 8
#define TUPLE_ITEMS 16
#define LIST_LEN 8
#define LIST_ITEMS 16
#define ITEMS_FIRST 8
#define SEQ_ITER_SEQ 8
#define SEQ_ITER_INDEX 16
#define KIND_STR 13
#define STR_LEN 8
#define STR_BYTES 16
#define FUNCTION_CODE 8
#define FUNCTION_DEFAULTS 24
#define FUNCTION_CLOSURE 32
#define CELL_REF 8
/* Or'ed into jit_unbound_local's index: the slot holds an unbound cell. */
#define UNBOUND_DEREF 0x80000000
#define ITER_NEXT 8
#define ITER_STEP 16
#define ITER_REMAINING 24
#define DICT_KEYS_VERSION 8
#define DICT_ENTRIES 32
#define KIND_PYDICT 15
#define PYDICT_USED 8
#define KIND_TYPE 24
#define KIND_INSTANCE 25
#define TYPE_VERSION 8
#define INSTANCE_TYPE 8
#define INSTANCE_VALUES 16
#define VALUES_FIRST 8
#define VALUE_METHOD_CALL_RECEIVER UINT64_C(362)
#define WORD(addr, off) (*(uint64_t *)(uintptr_t)((addr) + (off)))
#define KIND_OF(v) (WORD((v), 0) & KIND_MASK)
#define IS_FLOAT(v) (IS_PTR(v) && KIND_OF(v) == KIND_FLOAT)
#define IS_LIST(v) (IS_PTR(v) && KIND_OF(v) == KIND_LIST)
#define IS_TUPLE(v) (IS_PTR(v) && KIND_OF(v) == KIND_TUPLE)
#define IS_STR(v) (IS_PTR(v) && KIND_OF(v) == KIND_STR)
#define IS_PYDICT(v) (IS_PTR(v) && KIND_OF(v) == KIND_PYDICT)
#define STR_BYTE(s, i) (((const uint8_t *)(uintptr_t)((s) + STR_BYTES))[(i)])
/* Item i of a list (below its length) and of a tuple. */
#define LIST_ITEM(l, i) WORD(WORD((l), LIST_ITEMS), ITEMS_FIRST + 8 * (uint64_t)(i))
#define TUPLE_ITEM(t, i) WORD((t), TUPLE_ITEMS + 8 * (uint64_t)(i))
#define SEQ_LEN(s) WORD((s), KIND_OF(s) == KIND_LIST ? LIST_LEN : TUPLE_LEN)
#define SEQ_ITEM(s, i) (KIND_OF(s) == KIND_LIST ? LIST_ITEM((s), (i)) : TUPLE_ITEM((s), (i)))
static inline double float_of(Value v) {
    uint64_t bits = WORD(v, FLOAT_VALUE);
    double d;
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
}
static inline uint64_t bits_of(double d) {
    uint64_t bits;
    __builtin_memcpy(&bits, &d, sizeof bits);
    return bits;
}

/* runtime/frame.rs */
#define FRAME_IP 16
#define FRAME_SP 24
#define FRAME_LOCALS 40
#define LOCALS(frame) ((Value *)(uintptr_t)((frame) + FRAME_LOCALS))

/* jit/state.rs: per-run state the machine code reads and writes. */
typedef struct JitState {
    uint64_t fuel;        /* fuel used so far (back edges + calls) */
    uint64_t fuel_limit;  /* poison when fuel exceeds this */
    uint64_t gc_pending;  /* a collection is due at the next safe point */
    uint64_t exit_index;  /* written by exit stubs */
    Value globals;        /* the globals dict */
    Value builtins;       /* the builtins dict */
    uint64_t *valid;      /* executor validity flags, by executor id */
    void *run;            /* opaque to C: the Rust run the helpers act on */
    uint64_t *executed;   /* `+count-stencils`: steps run, by (uop, variant); see jit/state.rs */
    uint64_t *links;      /* per exit: machine code of the trace it is linked to, or 0 */
    uint64_t guard_evals; /* guard evaluations counted by forced failures */
    uint64_t observe;     /* nonzero: linked exits report themselves */
    Value check_regs[3];  /* _CHECK_REGS: the cached registers, for its helper */
    uint64_t check_sp;    /* _CHECK_REGS: the stack pointer, for its helper */
    Value chars[128];     /* the run's one-character strings, by ASCII code */
} JitState;

/* Status the shim returns to Rust. */
#define STATUS_EXIT 0
#define STATUS_ERROR 1

#define STENCIL_PARAMS                                                       \
    uint64_t frame, Value *stack_pointer, JitState *tstate, Value _tos_cache0, \
        Value _tos_cache1, Value _tos_cache2
#define STENCIL_ARGS \
    frame, stack_pointer, tstate, _tos_cache0, _tos_cache1, _tos_cache2

#define STENCIL __attribute__((preserve_none)) uint64_t _JIT_ENTRY(STENCIL_PARAMS)
extern __attribute__((preserve_none)) uint64_t _JIT_CONTINUE(STENCIL_PARAMS);
extern __attribute__((preserve_none)) uint64_t _JIT_JUMP_TARGET(STENCIL_PARAMS);
extern __attribute__((preserve_none)) uint64_t _JIT_ERROR_TARGET(STENCIL_PARAMS);

/* No instrumentation in the stencils themselves (a counter in memory would
 * serialize every stencil on one store): `+count-stencils` inserts a
 * counting stencil before each step instead. */
#define CONTINUE() __attribute__((musttail)) return _JIT_CONTINUE(STENCIL_ARGS)
#define JUMP() __attribute__((musttail)) return _JIT_JUMP_TARGET(STENCIL_ARGS)
#define EXIT_IF(cond) \
    do {              \
        if (cond) {   \
            JUMP();   \
        }             \
    } while (0)
#define ERROR() __attribute__((musttail)) return _JIT_ERROR_TARGET(STENCIL_ARGS)

/* Holes whose *address* is the patched value (as CPython's PATCH_VALUE).
 * The empty asm launders the address into an opaque integer: otherwise clang
 * knows the address of an object is never 0 and folds `OPARG == 0` to false
 * (oparg 0 is `==` for comparisons, and the first exit, constant, ...). */
extern char _JIT_OPARG[], _JIT_OPERAND0[], _JIT_TARGET[], _JIT_EXECUTOR[];
static inline uint64_t hole_value(uint64_t address) {
    __asm__("" : "+r"(address));
    return address;
}
#define OPARG hole_value((uint64_t)(uintptr_t)_JIT_OPARG)
#define OPERAND0 hole_value((uint64_t)(uintptr_t)_JIT_OPERAND0)
#define TARGET hole_value((uint64_t)(uintptr_t)_JIT_TARGET)
#define EXECUTOR hole_value((uint64_t)(uintptr_t)_JIT_EXECUTOR)

/* Writes the stack pointer back: escaping helpers and exits need it. */
#define SYNC_SP() (WORD(frame, FRAME_SP) = (uint64_t)(uintptr_t)stack_pointer)

/* ---- register variants (see the top of this file) ----
 * CACHE_IN, CACHE_OUT, POPS and PUSHES come from the builder's -D flags. */
/* Inputs in memory (below the cached ones), cached values the uop leaves
 * untouched below its inputs, outputs left in registers and in memory. */
#define MEM_INPUTS (POPS > CACHE_IN ? POPS - CACHE_IN : 0)
#define KEEP (CACHE_IN - (POPS - MEM_INPUTS))
#define REG_OUTPUTS (CACHE_OUT - KEEP)
#define MEM_OUTPUTS (PUSHES - REG_OUTPUTS)
#define CACHE(n) ((n) == 0 ? _tos_cache0 : (n) == 1 ? _tos_cache1 : _tos_cache2)
#define SET_CACHE(n, v)        \
    do {                       \
        Value set_ = (v);      \
        if ((n) == 0) {        \
            _tos_cache0 = set_; \
        } else if ((n) == 1) { \
            _tos_cache1 = set_; \
        } else {               \
            _tos_cache2 = set_; \
        }                      \
    } while (0)
#define INPUT(i) \
    ((i) < MEM_INPUTS ? stack_pointer[(i) - MEM_INPUTS] : CACHE(CACHE_IN - POPS + (i)))
#define OUTPUT(j, v)                                          \
    do {                                                      \
        if ((j) < MEM_OUTPUTS) {                              \
            stack_pointer[(j) - MEM_INPUTS] = (v);            \
        } else {                                              \
            SET_CACHE(KEEP + (j) - MEM_OUTPUTS, (v));         \
        }                                                     \
    } while (0)
/* Inputs consumed before the body can leave (a guard that pops, and has no
 * outputs): the exit then sees the stack without them. */
#define DROP_INPUTS() (stack_pointer -= MEM_INPUTS)
#define CONTINUE_UOP()                                    \
    do {                                                  \
        stack_pointer += MEM_OUTPUTS - MEM_INPUTS;        \
        CONTINUE();                                       \
    } while (0)
#define CONTINUE_DROPPED()                                \
    do {                                                  \
        stack_pointer += MEM_OUTPUTS;                     \
        CONTINUE();                                       \
    } while (0)

/* Rust runtime helpers (jit/helpers.rs), reached through holes. Helpers
 * returning a Value return VALUE_NULL after raising (the Rust side keeps the
 * exception). */
extern Value jit_unbound_local(JitState *, uint64_t frame, uint64_t index);
extern Value jit_binary_op(JitState *, Value a, Value b, uint64_t oparg);
extern Value jit_unary(JitState *, Value a, uint64_t negate);
extern uint64_t jit_truthy(JitState *, Value a);
extern Value jit_compare_op(JitState *, Value a, Value b, uint64_t oparg);
extern Value jit_get_iter(JitState *, Value a);
/* 0: *out holds the next value; 1: exhausted; 2: raised. */
extern uint64_t jit_for_iter(JitState *, Value it, Value *out);
extern Value jit_load_global(JitState *, uint64_t name);
extern void jit_store_global(JitState *, uint64_t name, Value v);
/* Calls the callable below `nargs` arguments at the top of the stack. */
extern Value jit_call(JitState *, uint64_t frame, Value *stack_pointer, uint64_t nargs);
extern Value jit_make_function(JitState *, uint64_t code);
/* Boxes a float given as its bits (integer registers only: the emulators'
 * helper trap reads integer argument registers). May collect. */
extern Value jit_box_float(JitState *, uint64_t bits);
extern Value *jit_stack_op(JitState *, uint64_t frame, Value *sp, uint64_t operand);
extern Value jit_concat_str(JitState *, Value a, Value b);
/* Fuel exhausted or collection due: 0 to continue, 1 to raise (poison). */
extern uint64_t jit_check_periodic(JitState *, uint64_t frame);
extern void jit_check_removed_guard(JitState *, uint64_t index, Value *sp);
/* `_CHECK_IP` failed: the frame's ip is not the escaping uop's instruction. */
extern void jit_check_ip(JitState *, uint64_t frame, uint64_t target, uint64_t uop);
/* A linked exit (`executor << 32 | exit`) reports itself before jumping
 * into the trace it is linked to: 0 to go on, 1 to raise (a check failed). */
extern uint64_t jit_linked_exit(JitState *, uint64_t frame, uint64_t exit);
/* `+checkregs`: logs the stack held in memory (up to tstate->check_sp) and
 * in tstate->check_regs; info is `executor << 32 | cached << 24 | uop`. */
extern void jit_check_regs(JitState *, uint64_t frame, uint64_t info);
