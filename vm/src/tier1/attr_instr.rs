//! Tier 1's attribute instructions and their specializations, CPython's
//! `LOAD_ATTR_INSTANCE_VALUE`, `LOAD_ATTR_METHOD_WITH_VALUES`,
//! `LOAD_ATTR_CLASS` and `STORE_ATTR_INSTANCE_VALUE` (plus
//! `LOAD_METHOD_CLASS`, a method call on a class object).
//!
//! Every specialized form guards on its class's version: the version
//! changes whenever the class, a base, or its instances' shared keys
//! change (see `classes.rs`), so a cached index, function or value is
//! right exactly while the version matches.

use crate::lang::bytecode::{Code, Instr, Op};
use crate::runtime::class;
use crate::runtime::object::{self, Kind};
use crate::runtime::{Raise, Value};

use super::Run;
use super::classes::Classes;
use super::interp::{Regs, adapt};

impl Run<'_> {
    pub(super) fn attr_instr(
        &mut self,
        r: &mut Regs,
        code: &mut Code,
        at: usize,
        ins: Instr,
    ) -> Result<(), Raise> {
        let sp = r.sp;
        // SAFETY: the stack holds the instruction's inputs.
        let top = |k: usize| unsafe { Value(*sp.sub(k)) };
        let cache = code.caches[at];
        let hit = match ins.op {
            Op::LoadAttr | Op::LoadMethod | Op::StoreAttr => {
                let owner = top(1);
                let (classes, names) = (&self.classes, &self.program.names);
                adapt(self.config.specialize, &mut self.stats, code, at, || {
                    specialize(classes, names, ins.op, owner, ins.arg)
                });
                false
            }
            Op::LoadAttrInstanceValue => {
                let o = top(1);
                let v = if instance_of_version(o, cache.version) {
                    class::value_at(o, cache.index as usize)
                } else {
                    Value::NULL
                };
                if !v.is_null() {
                    // SAFETY: replaces the owner on the stack.
                    unsafe { *r.sp.sub(1) = v.0 };
                }
                !v.is_null()
            }
            Op::LoadAttrMethodWithValues => {
                let o = top(1);
                let ok = instance_of_version(o, cache.version);
                if ok {
                    // SAFETY: the compiler sized the stack for the pair.
                    unsafe {
                        *r.sp.sub(1) = cache.index;
                        *r.sp = o.0;
                        r.sp = r.sp.add(1);
                    }
                }
                ok
            }
            Op::LoadAttrClass | Op::LoadMethodClass => {
                let c = top(1);
                let ok = class::is_type(c) && class::version(c) == cache.version;
                if ok {
                    // SAFETY: as above.
                    unsafe {
                        if ins.op == Op::LoadAttrClass {
                            *r.sp.sub(1) = cache.index;
                        } else {
                            *r.sp.sub(1) = Value::METHOD_CALL_RECEIVER.0;
                            *r.sp = cache.index;
                            r.sp = r.sp.add(1);
                        }
                    }
                }
                ok
            }
            Op::StoreAttrInstanceValue => {
                let (o, v) = (top(1), top(2));
                let i = cache.index as usize;
                let ok = instance_of_version(o, cache.version) && i < class::capacity(o);
                if ok {
                    class::store_value_at(o, i, v);
                    // SAFETY: pops the owner and the value.
                    r.sp = unsafe { r.sp.sub(2) };
                }
                ok
            }
            other => return Err(Raise::Internal(format!("{other:?} is no attribute op"))),
        };
        if hit {
            return Ok(());
        }
        if ins.op != ins.op.generic() {
            self.miss(code, at);
        }
        let generic = Instr {
            op: ins.op.generic(),
            arg: ins.arg,
        };
        self.seq_instr(r, code, at, generic)
    }
}

fn instance_of_version(o: Value, version: u64) -> bool {
    o.is_ptr()
        && object::kind_of(o) == Kind::Instance
        && class::version(class::type_of(o)) == version
}

/// The specialized form of an attribute instruction on `owner`, with its
/// cache (class version, index or value), when one applies.
fn specialize(
    classes: &Classes,
    names: &[String],
    op: Op,
    owner: Value,
    name: u32,
) -> Option<(Op, u64, u64)> {
    let special = names
        .get(name as usize)
        .is_none_or(|n| n == "__class__" || n == "__name__");
    if special {
        return None;
    }
    if class::is_instance(owner) {
        let t = class::type_of(owner);
        // A property runs its getter or setter: only the generic path calls.
        if classes.has_properties
            && class::lookup(t, name).is_some_and(|(v, _)| class::property_parts(v).is_some())
        {
            return None;
        }
        let meta = &classes.metas[class::meta(t)];
        let index = meta.keys.iter().position(|k| *k == name);
        let version = class::version(t);
        return match (op, index) {
            (Op::LoadAttr, Some(i)) if !class::value_at(owner, i).is_null() => {
                Some((Op::LoadAttrInstanceValue, version, i as u64))
            }
            (Op::StoreAttr, Some(i)) => Some((Op::StoreAttrInstanceValue, version, i as u64)),
            // No instance has the name: the class's function is the method.
            (Op::LoadMethod, None) => match class::lookup(t, name) {
                Some((f, _)) if is_function(f) => {
                    Some((Op::LoadAttrMethodWithValues, version, f.0))
                }
                _ => None,
            },
            _ => None,
        };
    }
    if !class::is_type(owner) || op == Op::StoreAttr || classes.is_slot(owner, name) {
        return None;
    }
    let (v, _) = class::lookup(owner, name)?;
    if class::property_parts(v).is_some() {
        return None;
    }
    let v = match class::wrapper_parts(v) {
        Some((f, false)) => f,
        // A class method binds a new object on every load.
        Some((_, true)) => return None,
        None => v,
    };
    let spec = if op == Op::LoadAttr {
        Op::LoadAttrClass
    } else {
        Op::LoadMethodClass
    };
    Some((spec, class::version(owner), v.0))
}

fn is_function(v: Value) -> bool {
    v.is_ptr() && object::kind_of(v) == Kind::Function
}
