//! What the builder reads from the C sources as text: the stencil blocks of
//! uops.c (checked against the stencil list the uop table gives), and the
//! `JitState` fields and constants of jit.h that layout.c must list.

use std::collections::BTreeSet;

/// Joins backslash-continued lines, so a directive is one string.
fn logical_lines(source: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in source.lines() {
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The directive name of a preprocessor line (`if`, `elif`, `define`, ...)
/// and the rest of the line, or `None` for other lines.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every stencil name of uops.c: the `<NAME>` of each `STENCIL_<NAME>` token
/// on an `#if` / `#elif` line, sorted and deduplicated.
pub fn stencil_names(uops_c: &str) -> Vec<String> {
    let mut names = BTreeSet::new();
    for line in logical_lines(uops_c) {
        let Some((kind, rest)) = directive(&line) else {
            continue;
        };
        if kind != "if" && kind != "elif" {
            continue;
        }
        let mut search = rest;
        while let Some(at) = search.find("STENCIL_") {
            let preceded = search[..at].chars().next_back().is_some_and(is_ident_char);
            let tail = &search[at + "STENCIL_".len()..];
            let len = tail.find(|c| !is_ident_char(c)).unwrap_or(tail.len());
            if !preceded && len > 0 {
                names.insert(tail[..len].to_string());
            }
            search = &tail[len..];
        }
    }
    names.into_iter().collect()
}

/// Why the blocks of uops.c do not match the stencils to build: a stencil
/// without a block, or a block no stencil uses (a typo, or a leftover).
pub fn blocks_mismatch(
    blocks: &[String],
    specs: &[jitdiff_vm::jit::stencil::StencilSpec],
) -> Option<String> {
    let wanted: BTreeSet<&str> = specs.iter().map(|s| s.block).collect();
    let have: BTreeSet<&str> = blocks.iter().map(String::as_str).collect();
    let missing: Vec<&str> = wanted.difference(&have).copied().collect();
    let unused: Vec<&str> = have.difference(&wanted).copied().collect();
    if missing.is_empty() && unused.is_empty() {
        return None;
    }
    Some(format!(
        "uops.c does not match the uop table: no `#if defined(STENCIL_<NAME>)` block for [{}]; blocks no stencil uses: [{}]",
        missing.join(", "),
        unused.join(", ")
    ))
}

/// The field names of `typedef struct JitState { ... } JitState;` in jit.h,
/// in declaration order.
pub fn jit_state_fields(jit_h: &str) -> Result<Vec<String>, String> {
    let start = jit_h
        .find("struct JitState {")
        .ok_or("jit.h: no `struct JitState {` found")?;
    let body = &jit_h[start + "struct JitState {".len()..];
    let end = body
        .find('}')
        .ok_or("jit.h: `struct JitState` is not closed")?;
    let body = strip_comments(&body[..end]);
    let mut fields = Vec::new();
    for declaration in body.split(';') {
        let declaration = declaration.trim();
        if declaration.is_empty() {
            continue;
        }
        // An array field `T name[N]` is named before its bracket.
        let declaration = match declaration.strip_suffix(']') {
            Some(head) => head
                .rsplit_once('[')
                .map_or(declaration, |(d, _)| d.trim_end()),
            None => declaration,
        };
        let name: String = declaration
            .chars()
            .rev()
            .take_while(|&c| is_ident_char(c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.is_empty() || declaration.contains(',') || declaration.contains('[') {
            return Err(format!(
                "jit.h: cannot read the JitState field `{declaration}` (one plain field per declaration, please)"
            ));
        }
        fields.push(name);
    }
    Ok(fields)
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                rest = rest[b..].find("*/").map_or("", |e| &rest[b + e + 2..]);
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |e| &rest[l + e..]);
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The constant `#define`s of jit.h, in order: object-like macros whose body
/// is only integer literals, `UINT64_C` / `INT64_C`, parentheses and
/// operators (`VALUE_NONE`, `SMALL_MIN`, `FRAME_SP`, ...; not `OPARG`,
/// whose body names a symbol).
pub fn jit_h_constants(jit_h: &str) -> Vec<String> {
    let mut constants = Vec::new();
    for line in logical_lines(&strip_comments(jit_h)) {
        let Some(("define", rest)) = directive(&line) else {
            continue;
        };
        let rest = rest.trim_start();
        let len = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        let (name, body) = rest.split_at(len);
        if name.is_empty() || body.starts_with('(') || body.trim().is_empty() {
            continue; // function-like or empty
        }
        let words_ok = body
            .split(|c: char| !is_ident_char(c))
            .filter(|w| !w.is_empty())
            .all(|w| {
                w.starts_with(|c: char| c.is_ascii_digit()) || w == "UINT64_C" || w == "INT64_C"
            });
        if words_ok {
            constants.push(name.to_string());
        }
    }
    constants
}

/// The names layout.c must produce, in order, given jit.h.
pub fn expected_layout_names(jit_h: &str) -> Result<Vec<String>, String> {
    let mut names = vec!["sizeof(JitState)".to_string()];
    for field in jit_state_fields(jit_h)? {
        names.push(format!("offsetof(JitState, {field})"));
    }
    names.extend(jit_h_constants(jit_h));
    Ok(names)
}

/// Why layout.c's entries (`found`) differ from what jit.h needs
/// (`expected`, from [`expected_layout_names`]), or `None` if they agree.
pub fn layout_mismatch(found: &[&str], expected: &[String]) -> Option<String> {
    if found.iter().eq(expected.iter()) {
        return None;
    }
    let missing: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|e| !found.contains(e))
        .collect();
    let extra: Vec<&str> = found
        .iter()
        .copied()
        .filter(|f| !expected.iter().any(|e| e == f))
        .collect();
    let mut why = Vec::new();
    if !missing.is_empty() {
        why.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        why.push(format!("not in jit.h: {}", extra.join(", ")));
    }
    if why.is_empty() {
        why.push(format!(
            "order differs; jit.h's order is {}",
            expected.join(", ")
        ));
    }
    Some(format!(
        "layout.c is out of step with jit.h (JitState's fields and constant #defines, in order): {}",
        why.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_on_if_lines_with_continuations() {
        let src = "#include \"jit.h\"\n\
            #if defined(STENCIL__NOP)\nSTENCIL { CONTINUE(); }\n#endif\n\
            #if defined(STENCIL__A) || defined(STENCIL__B) || \\\n    defined(STENCIL__C)\n\
            #if defined(STENCIL__A)\n#elif defined(STENCIL__B)\n#endif\n#endif\n\
            # if defined(STENCIL__SHIM)\n#endif\n\
            /* STENCIL__NOT_A_DIRECTIVE */ int STENCIL__ALSO_NOT;\n\
            #if defined(MY_STENCIL__X)\n#endif\n";
        assert_eq!(stencil_names(src), ["_A", "_B", "_C", "_NOP", "_SHIM"]);
    }

    #[test]
    fn blocks_must_match_the_stencil_list() {
        let specs = jitdiff_vm::jit::stencil::stencil_specs();
        let mut blocks: Vec<String> = specs.iter().map(|s| s.block.to_string()).collect();
        blocks.sort();
        blocks.dedup();
        assert_eq!(blocks_mismatch(&blocks, &specs), None);
        let mut extra = blocks.clone();
        extra.push("_TYPO".into());
        assert!(blocks_mismatch(&extra, &specs).unwrap().contains("[_TYPO]"));
        let missing: Vec<String> = blocks.iter().filter(|b| *b != "_NOP").cloned().collect();
        assert!(
            blocks_mismatch(&missing, &specs)
                .unwrap()
                .contains("[_NOP]")
        );
    }

    const JIT_H: &str = "#define A UINT64_C(0)\n#define B (-(INT64_C(1) << 62))\n\
        #define F(v) ((v) + 1)\n#define C 0xff /* mask */\n#define D \\\n  (1 + 2)\n\
        #define OPARG ((uint64_t)(uintptr_t)_JIT_OPARG)\n#define GUARD_H\n\
        typedef struct JitState {\n    uint64_t fuel; /* a; b */\n    Value globals;\n\
        uint64_t *valid; // c\n    void *run;\n} JitState;\n";

    #[test]
    fn constants_and_fields() {
        assert_eq!(jit_h_constants(JIT_H), ["A", "B", "C", "D"]);
        assert_eq!(
            jit_state_fields(JIT_H).unwrap(),
            ["fuel", "globals", "valid", "run"]
        );
        assert_eq!(
            expected_layout_names(JIT_H).unwrap()[..3],
            [
                "sizeof(JitState)",
                "offsetof(JitState, fuel)",
                "offsetof(JitState, globals)"
            ]
        );
    }

    #[test]
    fn rejects_multi_field_declarations() {
        let err = jit_state_fields("struct JitState { uint64_t a, b; } JitState;").unwrap_err();
        assert!(err.contains("a, b"), "{err}");
    }

    #[test]
    fn layout_mismatches() {
        let expected: Vec<String> = ["sizeof(JitState)", "A", "B"].map(String::from).into();
        assert_eq!(
            layout_mismatch(&["sizeof(JitState)", "A", "B"], &expected),
            None
        );
        let why = layout_mismatch(&["sizeof(JitState)", "B", "C"], &expected).unwrap();
        assert!(why.ends_with("missing A; not in jit.h: C"), "{why}");
        let why = layout_mismatch(&["sizeof(JitState)", "B", "A"], &expected).unwrap();
        assert!(why.contains("order differs"), "{why}");
    }
}
