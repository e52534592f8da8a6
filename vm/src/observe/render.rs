//! How a frame's values are shown in a report: as they are hashed
//! (`super::hash_value`), never by address, each mutable object once per
//! walk.

use super::{HeapRange, MAX_ITEMS, MAX_NESTING, MAX_WALKED, has_identity};
use crate::runtime::object::{
    self, FUNCTION_CODE, ITER_NEXT, ITER_REMAINING, ITER_STEP, Kind, SEQ_ITER_INDEX, SEQ_ITER_SEQ,
};
use crate::runtime::{Value, int, seq};

/// How a value is shown in a report (one walk, see [`render_in`]).
pub(super) fn render(v: Value, heap: HeapRange, nesting: u32) -> String {
    render_in(&mut RenderWalk::default(), v, heap, nesting)
}

/// One rendering walk: the mutable objects met so far and the objects
/// rendered (the bounds of [`ValueHasher`], for the same reason: a graph
/// of objects pointing at one another).
#[derive(Default)]
struct RenderWalk {
    seen: rustc_hash::FxHashSet<u64>,
    walked: u32,
}

fn render_in(w: &mut RenderWalk, v: Value, heap: HeapRange, nesting: u32) -> String {
    if v.is_null() {
        return "<unbound>".into();
    }
    let immediate = matches!(
        v,
        Value::NONE | Value::TRUE | Value::FALSE | Value::NOT_IMPLEMENTED
    ) || v.is_builtin()
        || crate::runtime::math::is_math_value(v)
        || crate::runtime::random::is_random_value(v);
    if v.is_small_int() || immediate {
        return crate::runtime::repr(v, &|id| format!("<name {id}>"));
    }
    if !v.is_ptr() {
        return format!("<not a value: {:#x}>", v.0);
    }
    if !heap.holds(v) {
        return format!("<wild pointer {:#x}>", v.0);
    }
    if nesting > MAX_NESTING {
        return "...".into();
    }
    // SAFETY: as in `hash_value`.
    unsafe {
        let kind = object::kind_of(v);
        // As `hash_value` walks: a mutable object met again is named, not
        // rendered again, and a walk renders at most MAX_WALKED objects.
        if has_identity(kind) && !w.seen.insert(v.0) {
            return format!("<{} met before>", crate::runtime::type_name(v));
        }
        w.walked += 1;
        if w.walked > MAX_WALKED {
            return "...".into();
        }
        match kind {
            Kind::BigInt => int::to_decimal(v),
            Kind::Function => format!("<function of code {}>", object::read(v.0, FUNCTION_CODE)),
            Kind::RangeIter => format!(
                "<range_iterator next={} step={} remaining={}>",
                object::read(v.0, ITER_NEXT) as i64,
                object::read(v.0, ITER_STEP) as i64,
                object::read(v.0, ITER_REMAINING)
            ),
            Kind::LongRangeIter => format!(
                "<range_iterator next={} step={} remaining={}>",
                render_in(w, Value(object::read(v.0, ITER_NEXT)), heap, nesting + 1),
                render_in(w, Value(object::read(v.0, ITER_STEP)), heap, nesting + 1),
                render_in(
                    w,
                    Value(object::read(v.0, ITER_REMAINING)),
                    heap,
                    nesting + 1
                )
            ),
            Kind::Range => crate::runtime::range::repr(v),
            Kind::Float => crate::runtime::float::repr(crate::runtime::float::value(v)),
            Kind::Dict => "<dict>".into(),
            Kind::Tuple | Kind::List => {
                let n = seq::len(v);
                let mut parts: Vec<String> = (0..n.min(MAX_ITEMS))
                    .map(|i| render_in(w, seq::get(v, i), heap, nesting + 1))
                    .collect();
                if n > MAX_ITEMS {
                    parts.push(format!("... {} more", n - MAX_ITEMS));
                }
                let (open, close) = if object::kind_of(v) == Kind::List {
                    ("[", "]")
                } else {
                    ("(", ")")
                };
                format!("{open}{}{close}", parts.join(", "))
            }
            Kind::Str => crate::runtime::strs::repr(crate::runtime::strs::text(v)),
            Kind::ByteArray => crate::runtime::array::repr(v),
            Kind::ListIter | Kind::TupleIter | Kind::StrIter => {
                let seq = render_in(w, Value(object::read(v.0, SEQ_ITER_SEQ)), heap, nesting + 1);
                match object::read(v.0, SEQ_ITER_INDEX) {
                    crate::runtime::seq::SEQ_ITER_EXHAUSTED => {
                        format!("<sequence iterator exhausted over {seq}>")
                    }
                    i => format!("<sequence iterator at {i} over {seq}>"),
                }
            }
            Kind::ListItems => "<list items>".into(),
            Kind::Cell => match Value(object::read(v.0, object::CELL_REF)) {
                x if x.is_null() => "<cell (unbound)>".into(),
                x => format!("<cell {}>", render_in(w, x, heap, nesting + 1)),
            },
            Kind::BoundMethod => format!(
                "<method {:#x} of {}>",
                object::read(v.0, object::BOUND_METHOD),
                render_in(
                    w,
                    Value(object::read(v.0, object::BOUND_RECEIVER)),
                    heap,
                    nesting + 1
                )
            ),
            Kind::Type => crate::runtime::class::type_repr(v),
            Kind::Instance => {
                let parts: Vec<String> = crate::runtime::class::values(v)
                    .into_iter()
                    .take(MAX_ITEMS)
                    .map(|x| render_in(w, x, heap, nesting + 1))
                    .collect();
                format!(
                    "<{} instance [{}]>",
                    crate::runtime::class::name(crate::runtime::class::type_of(v)),
                    parts.join(", ")
                )
            }
            Kind::InstanceValues => "<instance values>".into(),
            Kind::Exception => {
                let (cls, args) = crate::runtime::exceptions::parts(v);
                format!(
                    "<{} {}>",
                    crate::runtime::exceptions::class_name(cls),
                    render_in(w, args, heap, nesting + 1)
                )
            }
            Kind::MethodWrapper => format!("<{}>", crate::runtime::type_name(v)),
            Kind::PyDict => {
                let items = crate::runtime::pydict::items(v);
                let mut parts: Vec<String> = items
                    .iter()
                    .take(MAX_ITEMS)
                    .map(|(k, x)| {
                        format!(
                            "{}: {}",
                            render_in(w, *k, heap, nesting + 1),
                            render_in(w, *x, heap, nesting + 1)
                        )
                    })
                    .collect();
                if items.len() > MAX_ITEMS {
                    parts.push(format!("... {} more", items.len() - MAX_ITEMS));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Kind::DictEntries => "<dict entries>".into(),
            Kind::DictView => format!(
                "<{} of {}>",
                crate::runtime::type_name(v),
                render_in(w, Value(object::read(v.0, 8)), heap, nesting + 1)
            ),
            Kind::DictIter => format!(
                "<{} at {}>",
                crate::runtime::type_name(v),
                object::read(v.0, object::DICT_ITER_POS)
            ),
            Kind::Enumerate if object::read(v.0, object::ENUMERATE_ITER) == 0 => {
                "<exhausted enumerate>".into()
            }
            Kind::Enumerate => format!(
                "<enumerate at {} over {}>",
                render_in(
                    w,
                    Value(object::read(v.0, object::ENUMERATE_COUNT)),
                    heap,
                    nesting + 1
                ),
                render_in(
                    w,
                    Value(object::read(v.0, object::ENUMERATE_ITER)),
                    heap,
                    nesting + 1
                )
            ),
            Kind::Zip => "<zip>".into(),
            Kind::PySet => {
                let keys = crate::runtime::pyset::keys(v);
                let mut parts: Vec<String> = keys
                    .iter()
                    .take(MAX_ITEMS)
                    .map(|k| render_in(w, *k, heap, nesting + 1))
                    .collect();
                // An order no program may see is shown sorted (as
                // `super::set_walk_order` hashes it).
                if crate::runtime::pyset::check_ordered(v).is_err() {
                    parts.sort();
                }
                if keys.len() > MAX_ITEMS {
                    parts.push(format!("... {} more", keys.len() - MAX_ITEMS));
                }
                format!("set({{{}}})", parts.join(", "))
            }
            Kind::SetEntries => "<set entries>".into(),
            Kind::Generator => format!(
                "<generator state {} at {}>",
                crate::runtime::generator::state(v),
                crate::runtime::generator::ip(v)
            ),
            Kind::SetIter => {
                let (s, pos) = crate::runtime::pyset::iter_parts(v);
                format!(
                    "<set iterator at {pos} over {}>",
                    render_in(w, s, heap, nesting + 1)
                )
            }
            Kind::Reversed => format!(
                "<reversed at {} over {}>",
                object::read(v.0, object::REVERSED_INDEX) as i64,
                render_in(
                    w,
                    Value(object::read(v.0, object::REVERSED_SEQ)),
                    heap,
                    nesting + 1
                )
            ),
            Kind::Free => format!("<freed object {:#x}>", v.0),
        }
    }
}
