//! f-strings, lowered to what S0 has: `f"a{x}b{y!r}"` is
//! `"a" + str(x) + "b" + repr(y)`. Left to right, each value converted as
//! soon as it is evaluated, as CPython's `FORMAT_VALUE` does; `str(x)` is
//! `format(x, '')` for every value S0 has (none defines `__format__`).
//! A format spec (`{x:.2f}`), `!a` and the `=` form are refused: S0 has no
//! `format` to lower them to. The front end also refuses an f-string in a
//! program that binds `str` or `repr` itself (`parse_builtins.rs`), which
//! the lowering would call by name.

use ruff_python_ast as py;

use super::{Lowering, R};
use crate::lang::ast::*;

impl Lowering<'_> {
    pub(super) fn fstring(&self, f: &py::ExprFString) -> R<Expr> {
        let mut parts: Vec<Expr> = vec![];
        let mut literal = String::new();
        for part in f.value.iter() {
            match part {
                py::FStringPart::Literal(s) => literal.push_str(&s.value),
                py::FStringPart::FString(fs) => {
                    for element in fs.elements.iter() {
                        match element {
                            py::InterpolatedStringElement::Literal(l) => literal.push_str(&l.value),
                            py::InterpolatedStringElement::Interpolation(i) => {
                                if i.debug_text.is_some() {
                                    return Err(self.unsupported(i, "`=` in an f-string"));
                                }
                                if i.format_spec.is_some() {
                                    return Err(self.unsupported(i, "format spec in an f-string"));
                                }
                                let convert = match i.conversion {
                                    py::ConversionFlag::None | py::ConversionFlag::Str => "str",
                                    py::ConversionFlag::Repr => "repr",
                                    py::ConversionFlag::Ascii => {
                                        return Err(self.unsupported(i, "`!a` in an f-string"));
                                    }
                                };
                                if !literal.is_empty() {
                                    parts.push(Expr::Str(std::mem::take(&mut literal)));
                                }
                                parts.push(Expr::call(convert, vec![self.expr(&i.expression)?]));
                            }
                        }
                    }
                }
            }
        }
        if !literal.is_empty() || parts.is_empty() {
            parts.push(Expr::Str(literal));
        }
        if parts
            .iter()
            .any(|p| matches!(p, Expr::Str(s) if !s.is_ascii()))
        {
            return Err(self.unsupported(f, "non-ASCII string literal"));
        }
        let mut parts = parts.into_iter();
        let first = parts.next().expect("at least one part");
        Ok(parts.fold(first, |left, right| Expr::BinOp {
            op: BinOp::Add,
            left: Box::new(left),
            right: Box::new(right),
        }))
    }
}
