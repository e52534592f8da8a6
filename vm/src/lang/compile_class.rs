//! Compiling `class` statements, attribute stores and `super()`.
//!
//! A class statement compiles inline, without CPython's body function:
//! the base (or NULL), then each binding of the body in source order
//! (methods as `MAKE_FUNCTION`, class attributes as their expressions),
//! then `BUILD_CLASS`, whose [`ClassInfo`] names the bindings. The front end
//! guarantees a class body's values read none of its own names (one that
//! would is hoisted to module level first, `parse_class_reads.rs`), so
//! evaluating it in the module's scope is exact.

use super::CodeBuilder;
use crate::lang::ast::{BinOp, Expr, Stmt};
use crate::lang::bytecode::{
    AttrKind, ClassInfo, INPLACE, Op, binop_arg, build_class_arg, super_arg,
};

impl CodeBuilder<'_> {
    pub(super) fn class_def(&mut self, name: &str, bases: &[Expr], body: &[Stmt]) {
        match bases.first() {
            Some(b) => self.expr(b),
            None => {
                self.emit(Op::PushNull, 0);
            }
        }
        let index = self.classes.as_ref().map_or(0, |c| c.len());
        let mut attrs = Vec::new();
        let mut slots = None;
        for s in body {
            let (def, kind) = match s {
                Stmt::Decorated { decorator, def } => (
                    &**def,
                    match decorator.as_str() {
                        "staticmethod" => AttrKind::StaticMethod,
                        "classmethod" => AttrKind::ClassMethod,
                        "property" => AttrKind::Property,
                        // `x.setter` (the front end's only other decorator).
                        _ => AttrKind::PropertySetter,
                    },
                ),
                other => (other, AttrKind::Value),
            };
            match def {
                // A method's only decorators are `Decorated`'s (the parser
                // leaves `decorators` empty in a class body).
                Stmt::FunctionDef {
                    decorators: _,
                    name: method,
                    params,
                    defaults,
                    body,
                    star,
                } => {
                    let qualname = format!("{name}.{method}");
                    // MAKE_FUNCTION names the function by a name id.
                    self.global_id(&qualname);
                    // `super()` is only in plain and class methods and
                    // properties (the front end's rule).
                    let super_class = matches!(
                        kind,
                        AttrKind::Value
                            | AttrKind::ClassMethod
                            | AttrKind::Property
                            | AttrKind::PropertySetter
                    )
                    .then_some(index as u32);
                    self.function_object(
                        &qualname,
                        params,
                        star,
                        defaults,
                        crate::lang::scope::Body::Stmts(body),
                        super_class,
                    );
                    attrs.push((self.global_id(method), kind));
                }
                // `__radd__ = __add__`: the value bound above under that
                // name (the front end admits a body name only so).
                Stmt::Assign {
                    target,
                    value: Expr::Name(src),
                } if attrs
                    .iter()
                    .any(|&(id, _)| self.names.get(id as usize).is_some_and(|n| n == src)) =>
                {
                    let source = self.global_id(src);
                    self.emit(Op::PushNull, 0);
                    attrs.push((self.global_id(target), AttrKind::Alias(source)));
                }
                Stmt::Assign { target, value } => {
                    if target == "__slots__" {
                        slots = Some(
                            slot_names(value)
                                .iter()
                                .map(|n| self.global_id(n))
                                .collect(),
                        );
                    }
                    self.expr(value);
                    attrs.push((self.global_id(target), AttrKind::Value));
                }
                // A docstring or `pass`: nothing to bind.
                _ => {}
            }
        }
        let n = attrs.len();
        if let Some(classes) = self.classes.as_deref_mut() {
            classes.push(ClassInfo {
                name: name.to_string(),
                attrs,
                slots,
            });
        }
        self.emit(Op::BuildClass, build_class_arg(index, n));
        self.store_name(name);
    }

    /// `object.attr = value`: the value first, as CPython evaluates it.
    pub(super) fn assign_attr(&mut self, object: &Expr, attr: &str, value: &Expr) {
        self.expr(value);
        self.expr(object);
        let id = self.global_id(attr);
        self.emit(Op::StoreAttr, id);
    }

    /// `object.attr op= value`, evaluating `object` once.
    pub(super) fn aug_assign_attr(&mut self, object: &Expr, attr: &str, op: BinOp, value: &Expr) {
        let id = self.global_id(attr);
        self.expr(object);
        self.emit(Op::Copy, 1);
        self.attr_load(Op::LoadAttr, id);
        self.expr(value);
        self.emit(Op::BinaryOp, binop_arg(op) | INPLACE);
        self.emit(Op::Swap, 2);
        self.emit(Op::StoreAttr, id);
    }

    /// `value.attr` (`LOAD_ATTR`, or `LOAD_SUPER_ATTR` on `super()`).
    pub(super) fn attribute(&mut self, value: &Expr, attr: &str) {
        let id = self.global_id(attr);
        if matches!(value, Expr::Super) {
            self.super_load(Op::LoadSuperAttr, id);
        } else {
            self.expr(value);
            self.attr_load(Op::LoadAttr, id);
        }
    }

    /// `receiver.method(args...)`: `[method, self]` or `[callable, NULL]`
    /// then `CALL n + 1`.
    pub(super) fn method_call(&mut self, receiver: &Expr, method: &str, args: &[Expr]) {
        let id = self.global_id(method);
        if matches!(receiver, Expr::Super) {
            self.super_load(Op::LoadSuperMethod, id);
        } else {
            self.expr(receiver);
            self.attr_load(Op::LoadMethod, id);
        }
        for a in args {
            self.expr(a);
        }
        self.emit(Op::Call, args.len() as u32 + 1);
    }

    fn attr_load(&mut self, op: Op, name: u32) {
        self.emit(op, name);
    }

    /// `super().name`: the method's first parameter, then the lookup past
    /// the class being compiled.
    fn super_load(&mut self, op: Op, name: u32) {
        self.emit(Op::LoadFastCheck, 0);
        let class = self.super_class.unwrap_or(0);
        self.emit(op, super_arg(class, name));
    }
}

/// The names a (front-end checked) `__slots__` value lists.
fn slot_names(value: &Expr) -> Vec<String> {
    match value {
        Expr::Str(s) => vec![s.clone()],
        Expr::Tuple(items) | Expr::List(items) => items
            .iter()
            .filter_map(|e| match e {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}
