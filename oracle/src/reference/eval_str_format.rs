//! `str.format`, from CPython 3.11's `Objects/stringlib/unicode_format.h`
//! (`MarkupIterator_next`, `parse_field`, `field_name_split`,
//! `output_markup`, `build_string`). The text is read once, left to right:
//! literal runs (a doubled brace is one literal brace), then each field's
//! name, conversion and spec, the spec expanded when it holds fields of its
//! own (two levels in all, as PEP 3101 says), then `format(value, spec)`.
//! The automatic field counter is shared with the fields inside specs.
//! `.attr` and `[key]` after a field's first name poison as unmodelled,
//! after that first name was looked up. The VM has its own copy
//! (`vm/src/tier1/str_format.rs`).

use std::rc::Rc;

use jitdiff_vm::lang::outcome::Poison;

use super::super::dict::key_error;
use super::super::strs::new_str;
use super::super::value::{Builtin, Value};
use super::{Interp, Res, exception, poison, value_error};

#[derive(PartialEq)]
enum Counting {
    NotYet,
    Auto(usize),
    Manual,
}

struct FormatArgs<'a> {
    positional: &'a [Value],
    named: &'a [(Rc<str>, Value)],
    counting: Counting,
}

/// A field's three parts, as slices of the format string.
struct Markup<'t> {
    name: &'t str,
    conversion: Option<char>,
    spec: &'t str,
    nested: bool,
}

impl<'p> Interp<'p> {
    /// `text.format(*positional, **named)`.
    pub(super) fn str_format(
        &mut self,
        text: &str,
        positional: &[Value],
        named: &[(Rc<str>, Value)],
    ) -> Res<Value> {
        let mut fa = FormatArgs {
            positional,
            named,
            counting: Counting::NotYet,
        };
        let out = self.expand(text, &mut fa, 2)?;
        new_str(&mut self.heap, out)
    }

    fn expand(&mut self, text: &str, fa: &mut FormatArgs, levels: u8) -> Res<String> {
        if levels == 0 {
            return Err(value_error("Max string recursion exceeded".into()));
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        while at < chars.len() {
            let c = chars[at];
            at += 1;
            if c != '{' && c != '}' {
                out.push(c);
                continue;
            }
            let next = chars.get(at).copied();
            if next == Some(c) {
                out.push(c);
                at += 1;
                continue;
            }
            if c == '}' {
                return Err(value_error(
                    "Single '}' encountered in format string".into(),
                ));
            }
            if next.is_none() {
                return Err(value_error(
                    "Single '{' encountered in format string".into(),
                ));
            }
            let (markup, after) = split_field(&chars, at, text)?;
            at = after;
            let piece = self.one_field(&markup, fa, levels)?;
            out.push_str(&piece);
        }
        Ok(out)
    }

    fn one_field(&mut self, m: &Markup, fa: &mut FormatArgs, levels: u8) -> Res<String> {
        let mut v = lookup(m.name, fa)?;
        if let Some(conv) = m.conversion {
            let b = match conv {
                's' => Builtin::Str,
                // The language's strings are ASCII: `ascii(x)` is `repr(x)`.
                'r' | 'a' => Builtin::Repr,
                c if (c as u32) > 32 && (c as u32) < 127 => {
                    return Err(value_error(format!("Unknown conversion specifier {c}")));
                }
                c => {
                    return Err(value_error(format!(
                        "Unknown conversion specifier \\x{:x}",
                        c as u32
                    )));
                }
            };
            v = self.builtin_of(b, v)?;
        }
        let spec = if m.nested {
            self.expand(m.spec, fa, levels - 1)?
        } else {
            m.spec.to_string()
        };
        match self.format_value(&v, &spec)? {
            Value::Str(s) => Ok(s.to_string()),
            other => Ok(other.type_name().to_string()),
        }
    }

    /// `str(v)` or `repr(v)` as the builtin computes it (a user
    /// `__str__`/`__repr__` runs).
    fn builtin_of(&mut self, b: Builtin, v: Value) -> Res<Value> {
        let at = self.stack.len();
        self.stack.push(v);
        let r = match self.builtin_dunder(b, at) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => self.call_builtin(b, at),
            Err(e) => Err(e),
        };
        self.stack.truncate(at);
        r
    }
}

/// The field starting at `chars[from]` (just after its `{`) and the
/// position after its closing `}`.
fn split_field<'t>(chars: &[char], from: usize, text: &'t str) -> Res<(Markup<'t>, usize)> {
    // Positions are character indices; the text is ASCII, so they are
    // byte offsets too.
    let mut at = from;
    let mut end_char = None;
    while at < chars.len() {
        let c = chars[at];
        at += 1;
        if c == '{' {
            return Err(value_error("unexpected '{' in field name".into()));
        }
        if c == '[' {
            // Skip to the `]` (not past it): an index may hold `:`, `!`, `}`.
            while at < chars.len() && chars[at] != ']' {
                at += 1;
            }
            end_char = None;
            continue;
        }
        if c == '}' || c == ':' || c == '!' {
            end_char = Some(c);
            break;
        }
        end_char = None;
    }
    let mut m = Markup {
        name: "",
        conversion: None,
        spec: "",
        nested: false,
    };
    match end_char {
        Some('}') => {
            m.name = &text[from..at - 1];
            return Ok((m, at));
        }
        None => return Err(value_error("expected '}' before end of string".into())),
        _ => m.name = &text[from..at - 1],
    }
    if end_char == Some('!') {
        let Some(&conv) = chars.get(at) else {
            return Err(value_error(
                "end of string while looking for conversion specifier".into(),
            ));
        };
        m.conversion = Some(conv);
        at += 1;
        if let Some(&c) = chars.get(at) {
            at += 1;
            match c {
                '}' => return Ok((m, at)),
                ':' => {}
                _ => {
                    return Err(value_error(
                        "expected ':' after conversion specifier".into(),
                    ));
                }
            }
        }
    }
    let spec_from = at;
    let mut depth = 1;
    while let Some(&c) = chars.get(at) {
        at += 1;
        match c {
            '{' => {
                m.nested = true;
                depth += 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    m.spec = &text[spec_from..at - 1];
                    return Ok((m, at));
                }
            }
            _ => {}
        }
    }
    Err(value_error("unmatched '{' in format spec".into()))
}

/// The argument a field's name selects (`field_name_split` and
/// `get_field_object`).
fn lookup(name: &str, fa: &mut FormatArgs) -> Res<Value> {
    let split = name.find(['.', '[']).unwrap_or(name.len());
    let (first, rest) = (&name[..split], &name[split..]);
    // `get_integer`: digits only, checked for Py_ssize_t overflow digit by
    // digit (an overflow is reported even if a non-digit follows).
    let mut number: Option<u64> = None;
    if !first.is_empty() {
        let mut acc: u64 = 0;
        let mut all_digits = true;
        for c in first.chars() {
            let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) else {
                all_digits = false;
                break;
            };
            if acc > (i64::MAX as u64 - u64::from(d)) / 10 {
                return Err(value_error(
                    "Too many decimal digits in format string".into(),
                ));
            }
            acc = acc * 10 + u64::from(d);
        }
        if all_digits {
            number = Some(acc);
        }
    }
    let value = if first.is_empty() || number.is_some() {
        let index = match (&fa.counting, first.is_empty()) {
            (Counting::Manual, true) => {
                return Err(value_error(
                    "cannot switch from manual field specification to automatic field numbering"
                        .into(),
                ));
            }
            (Counting::Auto(_), false) => {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification"
                        .into(),
                ));
            }
            (Counting::NotYet, false) | (Counting::Manual, false) => {
                fa.counting = Counting::Manual;
                number.unwrap_or(0)
            }
            (Counting::NotYet, true) => {
                fa.counting = Counting::Auto(1);
                0
            }
            (Counting::Auto(n), true) => {
                let n = *n;
                fa.counting = Counting::Auto(n + 1);
                n as u64
            }
        };
        usize::try_from(index)
            .ok()
            .and_then(|i| fa.positional.get(i))
            .cloned()
            .ok_or_else(|| {
                exception(
                    "IndexError",
                    format!("Replacement index {index} out of range for positional args tuple"),
                )
            })?
    } else {
        match fa.named.iter().find(|(k, _)| &**k == first) {
            Some((_, v)) => v.clone(),
            None => return Err(key_error(&Value::Str(Rc::from(first)))),
        }
    };
    if !rest.is_empty() {
        return Err(poison(Poison::Unmodelled));
    }
    Ok(value)
}
