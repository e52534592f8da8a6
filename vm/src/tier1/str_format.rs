//! `str.format(*args, **kwargs)`: CPython 3.11's `unicode_format.h` on
//! ASCII text. The markup iterator splits literal text (`{{` and `}}` are
//! braces) from fields `{name!conversion:spec}`; a field's name is empty
//! (numbered automatically), an index or a keyword, its conversion is
//! `repr`/`str`/`ascii`, and its spec may hold fields of its own, expanded
//! one level deep ("Max string recursion exceeded" past that). Each field
//! is rendered as `format(value, spec)` is. Errors are CPython's, raised
//! where its parser raises them. Attribute and item lookups in a field name
//! (`{0.x}`, `{0[1]}`) poison as unmodelled, after the lookup of what they
//! start from. The result is capped and costs bulk fuel as a new string.
//! The reference has its own (`oracle/src/reference/str_format.rs`).

use crate::lang::Poison;
use crate::runtime::{Raise, Value, strs};

use super::Run;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Unset,
    Automatic,
    Manual,
}

/// The state one `format` call shares across its fields, nested ones
/// included.
struct Fields<'a> {
    args: &'a [Value],
    keywords: &'a [(String, Value)],
    numbering: Numbering,
    next_auto: i64,
}

/// One `{...}` field as the parser split it.
struct Field<'t> {
    name: &'t str,
    conversion: Option<u8>,
    spec: &'t str,
    spec_has_fields: bool,
}

fn value_error(message: &str) -> Raise {
    Raise::exc("ValueError", message.into())
}

impl Run<'_> {
    /// `fmt.format(*args, **keywords)` (all rooted by the caller).
    pub(crate) fn str_format(
        &mut self,
        fmt: Value,
        args: &[Value],
        keywords: &[(String, Value)],
    ) -> Result<Value, Raise> {
        let text = strs::text(fmt).to_string();
        let mut fields = Fields {
            args,
            keywords,
            numbering: Numbering::Unset,
            next_auto: 0,
        };
        let out = self.build_string(&text, &mut fields, 2)?;
        strs::new_charged(self.arena, &out)
    }

    fn build_string(
        &mut self,
        input: &str,
        fields: &mut Fields,
        depth: u32,
    ) -> Result<String, Raise> {
        if depth == 0 {
            return Err(value_error("Max string recursion exceeded"));
        }
        let b = input.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            let mut c = 0;
            let mut markup = false;
            while i < b.len() {
                c = b[i];
                i += 1;
                if c == b'{' || c == b'}' {
                    markup = true;
                    break;
                }
            }
            let at_end = i >= b.len();
            let mut len = i - start;
            if markup && c == b'}' && (at_end || b[i] != b'}') {
                return Err(value_error("Single '}' encountered in format string"));
            }
            if markup && at_end && c == b'{' {
                return Err(value_error("Single '{' encountered in format string"));
            }
            if !at_end {
                if b[i] == c {
                    // A doubled brace: one of it is literal text.
                    i += 1;
                    markup = false;
                } else {
                    len -= 1;
                }
            }
            out.push_str(&input[start..start + len]);
            if markup {
                let (field, next) = parse_field(input, i)?;
                i = next;
                let text = self.render_field(&field, fields, depth)?;
                out.push_str(&text);
            }
        }
        Ok(out)
    }

    /// CPython's `output_markup`: the value, its conversion, its spec
    /// (expanded), then `format(value, spec)`.
    fn render_field(
        &mut self,
        field: &Field,
        fields: &mut Fields,
        depth: u32,
    ) -> Result<String, Raise> {
        let mut v = field_value(field.name, fields)?;
        let mark = self.arena.roots.temps.len();
        self.arena.roots.temps.push(v);
        let r = (|| {
            if let Some(conversion) = field.conversion {
                let builtin = match conversion {
                    b'r' | b'a' => Value::BUILTIN_REPR,
                    b's' => Value::BUILTIN_STR,
                    33..=126 => {
                        return Err(value_error(&format!(
                            "Unknown conversion specifier {}",
                            conversion as char
                        )));
                    }
                    other => {
                        return Err(value_error(&format!(
                            "Unknown conversion specifier \\x{other:x}"
                        )));
                    }
                };
                // `ascii()` of the language's values is their `repr()`:
                // every string is ASCII.
                v = self.call_builtin(builtin, &[v])?;
                self.arena.roots.temps.push(v);
            }
            let spec = if field.spec_has_fields {
                self.build_string(field.spec, fields, depth - 1)?
            } else {
                field.spec.to_string()
            };
            let text = self.format_value(v, &spec)?;
            Ok(strs::text(text).to_string())
        })();
        self.arena.roots.temps.truncate(mark);
        r
    }
}

/// CPython's `parse_field`, from just after a field's `{`: the field and
/// where the text after its `}` starts.
fn parse_field(input: &str, from: usize) -> Result<(Field<'_>, usize), Raise> {
    let b = input.as_bytes();
    let mut p = from;
    let mut c = 0;
    while p < b.len() {
        c = b[p];
        p += 1;
        match c {
            b'{' => return Err(value_error("unexpected '{' in field name")),
            // An index may hold `:`, `!` or `}`.
            b'[' => {
                while p < b.len() && b[p] != b']' {
                    p += 1;
                }
            }
            b'}' | b':' | b'!' => break,
            _ => {}
        }
    }
    let name = &input[from..p.saturating_sub(1).max(from)];
    let mut field = Field {
        name,
        conversion: None,
        spec: "",
        spec_has_fields: false,
    };
    if c != b'!' && c != b':' {
        if c != b'}' {
            return Err(value_error("expected '}' before end of string"));
        }
        return Ok((field, p));
    }
    if c == b'!' {
        if p >= b.len() {
            return Err(value_error(
                "end of string while looking for conversion specifier",
            ));
        }
        field.conversion = Some(b[p]);
        p += 1;
        if p < b.len() {
            let next = b[p];
            p += 1;
            if next == b'}' {
                return Ok((field, p));
            }
            if next != b':' {
                return Err(value_error("expected ':' after conversion specifier"));
            }
        }
    }
    let spec_start = p;
    let mut open = 1;
    while p < b.len() {
        let c = b[p];
        p += 1;
        if c == b'{' {
            field.spec_has_fields = true;
            open += 1;
        } else if c == b'}' {
            open -= 1;
            if open == 0 {
                field.spec = &input[spec_start..p - 1];
                return Ok((field, p));
            }
        }
    }
    Err(value_error("unmatched '{' in format spec"))
}

/// CPython's `get_integer`: the digits as a number, None when there are
/// none or something else is there.
fn field_index(text: &str) -> Result<Option<i64>, Raise> {
    if text.is_empty() {
        return Ok(None);
    }
    let mut n: i64 = 0;
    for c in text.bytes() {
        if !c.is_ascii_digit() {
            return Ok(None);
        }
        let d = (c - b'0') as i64;
        if n > (i64::MAX - d) / 10 {
            return Err(value_error("Too many decimal digits in format string"));
        }
        n = n * 10 + d;
    }
    Ok(Some(n))
}

/// CPython's `get_field_object`: the argument a field names.
fn field_value(name: &str, fields: &mut Fields) -> Result<Value, Raise> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let (first, rest) = name.split_at(first_end);
    let mut index = field_index(first)?;
    let empty = first.is_empty();
    if empty || index.is_some() {
        if fields.numbering == Numbering::Unset {
            fields.numbering = if empty {
                Numbering::Automatic
            } else {
                Numbering::Manual
            };
        }
        if fields.numbering == Numbering::Manual && empty {
            return Err(value_error(
                "cannot switch from manual field specification to automatic field numbering",
            ));
        }
        if fields.numbering == Numbering::Automatic && !empty {
            return Err(value_error(
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        if empty {
            index = Some(fields.next_auto);
            fields.next_auto += 1;
        }
    }
    let v = match index {
        None => fields
            .keywords
            .iter()
            .find(|(k, _)| k == first)
            .map(|(_, v)| *v)
            .ok_or_else(|| Raise::exc("KeyError", strs::repr(first)))?,
        Some(i) => *usize::try_from(i)
            .ok()
            .and_then(|i| fields.args.get(i))
            .ok_or_else(|| {
                Raise::exc(
                    "IndexError",
                    format!("Replacement index {i} out of range for positional args tuple"),
                )
            })?,
    };
    if !rest.is_empty() {
        return Err(Raise::Poison(Poison::Unmodelled));
    }
    Ok(v)
}
