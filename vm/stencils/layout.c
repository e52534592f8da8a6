/* What the stencils see of the runtime, as numbers: the stencil builder
 * compiles this file (x86_64, the stencils' flags) and reads `jit_layout` and
 * `jit_layout_names` back out of the object's read-only data into
 * vm/src/jit/stencils/layout.rs (`C_LAYOUT`), where a test compares each
 * entry with the Rust definition it mirrors.
 *
 * Order (fixed, and checked by the builder against jit.h):
 *   1. sizeof(JitState)
 *   2. offsetof(JitState, <field>) for every field, in declaration order
 *   3. every constant #define of jit.h (an object-like macro made only of
 *      integer literals, UINT64_C/INT64_C and operators), in jit.h's order;
 *      negative values (SMALL_MIN) as their u64 bit pattern
 * A field or constant added to jit.h must be added here too: the builder
 * refuses to run until it is.
 * Each entry is named by exactly the text `C_LAYOUT` shows for it; both arrays
 * come from the one list below, so names and values cannot drift apart. */
#include "jit.h"

#define JIT_LAYOUT(E)                       \
    E("sizeof(JitState)", sizeof(JitState)) \
    FIELD(E, fuel)                          \
    FIELD(E, fuel_limit)                    \
    FIELD(E, gc_pending)                    \
    FIELD(E, exit_index)                    \
    FIELD(E, globals)                       \
    FIELD(E, builtins)                      \
    FIELD(E, valid)                         \
    FIELD(E, run)                           \
    FIELD(E, executed)                      \
    FIELD(E, links)                         \
    FIELD(E, guard_evals)                   \
    FIELD(E, observe)                       \
    FIELD(E, check_regs)                    \
    FIELD(E, check_sp)                      \
    FIELD(E, chars)                         \
    CONST(E, VALUE_NULL)                    \
    CONST(E, VALUE_NONE)                    \
    CONST(E, VALUE_FALSE)                   \
    CONST(E, VALUE_TRUE)                    \
    CONST(E, SMALL_MIN)                     \
    CONST(E, SMALL_MAX)                     \
    CONST(E, KIND_MASK)                     \
    CONST(E, KIND_FUNCTION)                 \
    CONST(E, KIND_RANGE_ITER)               \
    CONST(E, KIND_FLOAT)                    \
    CONST(E, FLOAT_VALUE)                   \
    CONST(E, KIND_TUPLE)                    \
    CONST(E, KIND_LIST)                     \
    CONST(E, KIND_LIST_ITER)                \
    CONST(E, KIND_TUPLE_ITER)               \
    CONST(E, TUPLE_LEN)                     \
    CONST(E, TUPLE_ITEMS)                   \
    CONST(E, LIST_LEN)                      \
    CONST(E, LIST_ITEMS)                    \
    CONST(E, ITEMS_FIRST)                   \
    CONST(E, SEQ_ITER_SEQ)                  \
    CONST(E, SEQ_ITER_INDEX)                \
    CONST(E, KIND_STR)                      \
    CONST(E, STR_LEN)                       \
    CONST(E, STR_BYTES)                     \
    CONST(E, FUNCTION_CODE)                 \
    CONST(E, FUNCTION_DEFAULTS)             \
    CONST(E, FUNCTION_CLOSURE)              \
    CONST(E, CELL_REF)                      \
    CONST(E, UNBOUND_DEREF)                 \
    CONST(E, ITER_NEXT)                     \
    CONST(E, ITER_STEP)                     \
    CONST(E, ITER_REMAINING)                \
    CONST(E, DICT_KEYS_VERSION)             \
    CONST(E, DICT_ENTRIES)                  \
    CONST(E, KIND_PYDICT)                   \
    CONST(E, PYDICT_USED)                   \
    CONST(E, KIND_TYPE)                     \
    CONST(E, KIND_INSTANCE)                 \
    CONST(E, TYPE_VERSION)                  \
    CONST(E, INSTANCE_TYPE)                 \
    CONST(E, INSTANCE_VALUES)               \
    CONST(E, VALUES_FIRST)                  \
    CONST(E, VALUE_METHOD_CALL_RECEIVER)    \
    CONST(E, FRAME_IP)                      \
    CONST(E, FRAME_SP)                      \
    CONST(E, FRAME_LOCALS)                  \
    CONST(E, STATUS_EXIT)                   \
    CONST(E, STATUS_ERROR)

/* `#` does not macro-expand its operand: the name stays the macro's name
 * while the value is its expansion. */
#define FIELD(E, f) E("offsetof(JitState, " #f ")", offsetof(JitState, f))
#define CONST(E, c) E(#c, c)

#define LAYOUT_VALUE(name, value) (unsigned long long)(value),
#define LAYOUT_NAME(name, value) name "\0"

const unsigned long long jit_layout[] = {JIT_LAYOUT(LAYOUT_VALUE)};

/* The names, each NUL-terminated, in the order of `jit_layout`. */
const char jit_layout_names[] = JIT_LAYOUT(LAYOUT_NAME);
