//! The reducer's variants of class statements and attribute stores (out
//! of reduce.rs): members (methods, class attributes) deleted or shrunk as
//! any block, the base dropped, a decorator dropped, an attribute store
//! turned into its value or given a smaller value or object. Deleting a
//! whole class is the enclosing statement list's business.

use jitdiff_vm::lang::{Expr, Stmt};

use super::{Pass, expr_variants, list_variants, nonempty, stmt_variants};

/// Variants of `s`, one of the class statements.
pub(super) fn variants(s: &Stmt, pass: Pass) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    let structure = pass == Pass::Structure;
    let expr_variants = |e: &Expr| if structure { vec![] } else { expr_variants(e) };
    let list_variants = |b: &[Stmt]| list_variants(b, pass);
    match s {
        Stmt::ClassDef { name, bases, body } => {
            // Members deleted (methods, class attributes) or shrunk, as
            // any block; the base dropped. Deleting the whole class is the
            // enclosing list's business.
            let rebuild = |bases: Vec<Expr>, body: Vec<Stmt>| {
                vec![Stmt::ClassDef {
                    name: name.clone(),
                    bases,
                    body,
                }]
            };
            if structure && !bases.is_empty() {
                out.push(rebuild(vec![], body.clone()));
            }
            for b in list_variants(body) {
                out.push(rebuild(bases.clone(), nonempty(b)));
            }
        }
        Stmt::Decorated { decorator, def } => {
            if structure {
                out.push(vec![(**def).clone()]);
            }
            for d in stmt_variants(def, pass) {
                if let [d] = &d[..] {
                    out.push(vec![Stmt::Decorated {
                        decorator: decorator.clone(),
                        def: Box::new(d.clone()),
                    }]);
                }
            }
        }
        Stmt::AssignAttr {
            object,
            attr,
            value,
        } => {
            if structure {
                out.push(vec![Stmt::Expr(value.clone())]);
            }
            let rebuild = |o: &Expr, v: &Expr| {
                vec![Stmt::AssignAttr {
                    object: o.clone(),
                    attr: attr.clone(),
                    value: v.clone(),
                }]
            };
            for v in expr_variants(value) {
                out.push(rebuild(object, &v));
            }
            for o in expr_variants(object) {
                out.push(rebuild(&o, value));
            }
        }
        Stmt::AugAssignAttr {
            object,
            attr,
            op,
            value,
        } => {
            if structure {
                out.push(vec![Stmt::AssignAttr {
                    object: object.clone(),
                    attr: attr.clone(),
                    value: value.clone(),
                }]);
            }
            for v in expr_variants(value) {
                out.push(vec![Stmt::AugAssignAttr {
                    object: object.clone(),
                    attr: attr.clone(),
                    op: *op,
                    value: v,
                }]);
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use jitdiff_vm::lang::{Module, parse_program, unparse};

    use super::super::reduce;

    /// Methods, class attributes and whole classes go; method bodies
    /// shrink; the names stay (attributes are never renamed).
    #[test]
    fn reduces_classes() {
        let src = "class Base:\n    n = 1\n    def other(self):\n        return 2\nclass Kept(Base):\n    count = 0\n    @staticmethod\n    def helper(x):\n        return x\n    def keep(self, a):\n        self.v = a\n        print(a * 7)\n        return super().other()\no = Kept()\no.w = 3\no.keep(1)\nKept.count += 1\n";
        let m = parse_program(src).unwrap();
        let mut keeps = |c: &Module| {
            let t = unparse(c);
            t.contains("def keep") && t.contains(" * 7")
        };
        let r = reduce(&m, Duration::from_secs(20), &mut keeps, &mut |_, _| {});
        let out = unparse(&r.module);
        assert!(keeps(&r.module));
        assert!(!out.contains("Base") && !out.contains("helper"), "{out}");
        assert!(!out.contains("count") && !out.contains("o.w"), "{out}");
        assert!(out.contains("class Kept"), "{out}");
    }
}
