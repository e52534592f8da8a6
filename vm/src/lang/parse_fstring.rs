//! f-strings, lowered to what S0 has: `f"a{x}b{y!r}"` is
//! `"a" + str(x) + "b" + repr(y)`, and a field with a format spec is
//! `format(x, spec)` (`f"{x:>{w}.2f}"` is `format(x, ">" + str(w) + ".2f")`,
//! `f"{x!r:>8}"` is `format(repr(x), ">8")`). Left to right, each value
//! converted as soon as it is evaluated, as CPython's `FORMAT_VALUE` does;
//! `str(x)` is `format(x, '')` for every value S0 has (none defines
//! `__format__`). The `=` form is its source text, then the value's `repr`
//! (`f"{x = }"` is `"x = " + repr(x)`), or the spec or conversion it has.
//! `!a` is refused. The front end also
//! refuses an f-string in a program that binds `str` or `repr` itself, and
//! one with a spec in a program that binds `format` (`parse_builtins.rs`):
//! the lowering calls them by name.

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
                    self.fstring_elements(&fs.elements, &mut parts, &mut literal)?;
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
        Ok(concatenation(parts))
    }

    /// Appends the parts of f-string `elements` (literal text is gathered
    /// in `literal` until a field ends it).
    fn fstring_elements(
        &self,
        elements: &py::InterpolatedStringElements,
        parts: &mut Vec<Expr>,
        literal: &mut String,
    ) -> R<()> {
        for element in elements.iter() {
            match element {
                py::InterpolatedStringElement::Literal(l) => literal.push_str(&l.value),
                py::InterpolatedStringElement::Interpolation(i) => {
                    // `{x = }`: the text up to the conversion or spec first.
                    if let Some(debug) = &i.debug_text {
                        literal.push_str(debug.as_str());
                    }
                    if !literal.is_empty() {
                        parts.push(Expr::Str(std::mem::take(literal)));
                    }
                    parts.push(self.field(i)?);
                }
            }
        }
        Ok(())
    }

    /// One `{value!conversion:spec}` field.
    fn field(&self, i: &py::InterpolatedElement) -> R<Expr> {
        let convert = match i.conversion {
            // `=` without a conversion or a spec shows the `repr`.
            py::ConversionFlag::None if i.debug_text.is_some() && i.format_spec.is_none() => {
                Some("repr")
            }
            py::ConversionFlag::None => None,
            py::ConversionFlag::Str => Some("str"),
            py::ConversionFlag::Repr => Some("repr"),
            py::ConversionFlag::Ascii => {
                return Err(self.unsupported(i, "`!a` in an f-string"));
            }
        };
        let value = self.expr(&i.expression)?;
        let Some(spec) = &i.format_spec else {
            return Ok(Expr::call(convert.unwrap_or("str"), vec![value]));
        };
        let value = match convert {
            Some(c) => Expr::call(c, vec![value]),
            None => value,
        };
        let mut parts = vec![];
        let mut literal = String::new();
        self.fstring_elements(&spec.elements, &mut parts, &mut literal)?;
        if !literal.is_empty() || parts.is_empty() {
            parts.push(Expr::Str(literal));
        }
        Ok(Expr::call("format", vec![value, concatenation(parts)]))
    }
}

/// `a + b + c` of the parts, left to right.
fn concatenation(parts: Vec<Expr>) -> Expr {
    let mut parts = parts.into_iter();
    let first = parts.next().expect("at least one part");
    parts.fold(first, |left, right| Expr::BinOp {
        op: BinOp::Add,
        left: Box::new(left),
        right: Box::new(right),
    })
}
