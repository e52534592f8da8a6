//! Python source -> S0 AST. Parsing is done by ruff's parser (a maintained,
//! complete Python grammar); this module lowers its AST to ours and rejects
//! everything outside S0 with the construct's name and `line:col`, never a
//! panic. It also enforces the compile-time rules CPython enforces as
//! `SyntaxError` (`break` outside a loop, `return` outside a function, `global`
//! after use), so every accepted program is one CPython accepts.

use ruff_python_ast as py;
use ruff_python_ast::token::TokenKind;
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange};

use super::ast::*;

#[path = "parse_calls.rs"]
pub(crate) mod calls;
#[path = "parse_class.rs"]
mod class;
#[path = "parse_class_reads.rs"]
mod class_reads;

pub use class::DUNDERS;
#[path = "parse_annotations.rs"]
mod annotations;
#[path = "parse_builtins.rs"]
pub mod builtins;
#[path = "parse_closures.rs"]
mod closures;
#[path = "parse_comprehension.rs"]
mod comprehension;
#[path = "parse_dataclass.rs"]
mod dataclass;
#[path = "fold.rs"]
mod fold;
#[path = "parse_fstring.rs"]
mod fstring;
#[path = "parse_mangle.rs"]
mod mangle;
#[path = "stdlib.rs"]
pub(crate) mod stdlib;
pub use stdlib::RESERVED_PREFIX;
#[path = "parse_stmt.rs"]
mod stmts;
#[path = "parse_targets.rs"]
mod targets;
#[path = "parse_with.rs"]
mod with;

/// A front-end error: the program is not valid Python, or not in S0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The largest source the front end accepts. With [`PARSE_STACK`], it
/// bounds how deep ruff's syntax tree can be (a level per byte at most),
/// so even the recursive drop of that tree fits in the parser's stack.
pub const MAX_SOURCE_BYTES: usize = 2 << 20;

/// The parser thread's stack: reserved, only touched pages cost memory.
/// Dropping ruff's tree takes about 64 bytes per level (more in a debug
/// build), and a 2 MiB source nests at most 2 million levels.
const PARSE_STACK: usize = 1 << 30;

/// CPython's tokenizer allows 200 nested brackets (`MAXLEVEL`).
const MAX_BRACKETS: usize = 200;

/// Parses `source` as an S0 program. Hostile input (huge, deeply nested,
/// one enormous line) is an error, never a stack overflow: the parser runs
/// on a thread with a big stack, and the tree it hands on is at most
/// [`MAX_NESTING`] deep.
pub fn parse_program(source: &str) -> Result<Module, ParseError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ParseError {
            line: 1,
            col: 1,
            message: format!(
                "source of {} bytes is larger than the front end accepts ({MAX_SOURCE_BYTES})",
                source.len()
            ),
        });
    }
    std::thread::scope(|s| {
        let parser = std::thread::Builder::new()
            .name("parser".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, || parse_on_this_thread(source, false));
        match parser.map(|t| t.join()) {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(e) => Err(ParseError {
                line: 1,
                col: 1,
                message: format!("cannot start the parser thread: {e}"),
            }),
        }
    })
}

/// The largest source [`parse_generated`] parses on the calling thread.
const GENERATED_ON_THREAD_BYTES: usize = 64 << 10;

/// Parses source the program generator wrote from its own templates (a
/// kernel with its holes filled by generated expressions of bounded depth)
/// on the calling thread: a thread per parse was most of the generator's
/// time (about five kernels a program, each a 1 GiB stack mapped, a clone
/// and a join). Source larger than a kernel ever is goes to
/// [`parse_program`] and its own thread.
pub fn parse_generated(source: &str) -> Result<Module, ParseError> {
    if source.len() > GENERATED_ON_THREAD_BYTES {
        return parse_program(source);
    }
    parse_on_this_thread(source, false)
}

/// Parses source the front end itself wrote (the `heapq`/`functools`
/// prelude and cache wrappers, `stdlib.rs`), which may use the reserved
/// `__jd_` names, on the calling thread.
pub(crate) fn parse_trusted(source: &str) -> Result<Module, ParseError> {
    parse_on_this_thread(source, true)
}

fn parse_on_this_thread(source: &str, trusted: bool) -> Result<Module, ParseError> {
    let index = LineIndex::from_source_text(source);
    let err_at = |range: TextRange, message: String| {
        let lc = index.line_column(range.start(), source);
        ParseError {
            line: lc.line.get(),
            col: lc.column.get(),
            message,
        }
    };
    let parsed = ruff_python_parser::parse_module(source)
        .map_err(|e| err_at(e.location, format!("syntax error: {}", e.error)))?;
    let mut brackets = 0usize;
    for t in parsed.tokens().iter() {
        match t.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => brackets += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                brackets = brackets.saturating_sub(1)
            }
            _ => {}
        }
        if brackets > MAX_BRACKETS {
            return Err(err_at(
                t.range(),
                "SyntaxError: too many nested parentheses".into(),
            ));
        }
    }
    let mut tree = parsed.into_syntax();
    mangle::mangle_private_names(&mut tree.body);
    let source_body = &tree.body;
    if let Some((message, at)) =
        targets::walrus_refusal(source_body).or_else(|| targets::debug_binding(source_body))
    {
        return Err(err_at(at, message));
    }
    let bound_names = builtins::bound_names(source_body);
    let stdlib = if trusted {
        stdlib::Plan::default()
    } else {
        stdlib::plan(source_body, &bound_names)
            .map_err(|(what, at)| err_at(at, format!("unsupported construct: {what}")))?
    };
    let lower = Lowering {
        err_at: &err_at,
        stdlib: &stdlib,
        depth: Default::default(),
        kw_calls: Default::default(),
        super_ok: Default::default(),
        super_args: Default::default(),
        class_name: Default::default(),
        binding_sites: builtins::binding_sites(source_body),
        classes: Default::default(),
        class_prelude: Default::default(),
        in_comp: Default::default(),
        comp_names: Default::default(),
        nonlocal_ranges: Default::default(),
        future_annotations: annotations::has_future_annotations(source_body),
        annotation_names: Default::default(),
        module_classes: Default::default(),
        dataclass_names: Default::default(),
        class_fields: Default::default(),
        dataclass_missing: Default::default(),
        bound_names,
        names_base_exception: builtins::mentions_any(
            source_body,
            &["BaseException", "GeneratorExit"],
        ),
        genexp_consumed: Default::default(),
        with_count: Default::default(),
    };
    let body = lower.block(source_body, Ctx::MODULE)?;
    let mut module = Module { body };
    fold::fold_constant_sets(&mut module.body);
    lower.check_nonlocal_bindings(&module)?;
    lower.check_annotation_names(&module)?;
    lower.check_dataclass_names(&module, source_body)?;
    if lower.dataclass_missing.get() {
        module.body.insert(
            0,
            Stmt::ClassDef {
                name: dataclass::MISSING.into(),
                bases: Vec::new(),
                body: vec![Stmt::Pass],
            },
        );
    }
    if let Some((what, range)) = builtins::first_missing_builtin(source_body) {
        return Err(err_at(
            range,
            format!("unsupported construct: {what} (outside S0)"),
        ));
    }
    stdlib::lower(module, &stdlib, &parse_trusted)
}

/// Where a statement sits, for CPython's compile-time checks.
#[derive(Clone, Copy)]
struct Ctx {
    in_function: bool,
    /// Directly in a class body.
    in_class: bool,
    in_loop: bool,
    /// Inside a `finally:` block, not inside a loop or function nested in
    /// it (`return`, `break` and `continue` there are refused).
    in_finally: bool,
    /// Why a `yield` here is refused, if it is: inside a `with`, a
    /// `finally:` (or a `try` that has one), a handler, or a `try` whose
    /// handlers could catch GeneratorExit. When an unfinished generator's
    /// `finally` or handler runs is CPython's reference counting (its
    /// frame gets GeneratorExit when the last reference goes), which the
    /// language does not model; a `try` body whose handlers all let
    /// GeneratorExit through shows nothing then. A handler that yields
    /// would also suspend with an exception being handled.
    yield_refusal: Option<&'static str>,
    /// Blocks the statement sits in (module level is 1).
    blocks: usize,
}

impl Ctx {
    const MODULE: Ctx = Ctx {
        in_function: false,
        in_class: false,
        in_loop: false,
        in_finally: false,
        yield_refusal: None,
        blocks: 0,
    };
}

struct Lowering<'a> {
    err_at: &'a dyn Fn(TextRange, String) -> ParseError,
    /// What the program imports of `heapq`, `functools` and `itertools`
    /// (`stdlib.rs`).
    stdlib: &'a stdlib::Plan,
    /// Statements and expressions being lowered, innermost last (the depth
    /// of the AST built so far).
    depth: std::cell::Cell<usize>,
    /// Calls with keyword arguments lowered so far (each may need its own
    /// CALL_KW names tuple).
    kw_calls: std::cell::Cell<usize>,
    /// Whether `super()` may appear here: directly in a method's body.
    super_ok: std::cell::Cell<bool>,
    /// Where `super_ok`: the class and the method's first parameter,
    /// which `super(C, self)` must name to be `super()`.
    super_args: std::cell::RefCell<Option<(String, String)>>,
    /// The class whose body is being lowered.
    class_name: std::cell::RefCell<Option<String>>,
    /// How many places bind each name (`builtins::binding_sites`).
    binding_sites: std::collections::BTreeMap<String, usize>,
    /// Class statements lowered so far.
    classes: std::cell::Cell<usize>,
    /// The module-level assignments the class statement just lowered
    /// runs before itself (`parse_class_reads.rs`).
    class_prelude: std::cell::RefCell<Vec<Stmt>>,
    /// Comprehensions being lowered (a lambda inside one is refused).
    in_comp: std::cell::Cell<usize>,
    /// The names the comprehensions being lowered bind, innermost last:
    /// `true` for an inlined comprehension's (a hidden slot of the code
    /// around it), `false` for a generator expression's (a local of its
    /// own function). See [`Lowering::check_genexp_reads`].
    comp_names: std::cell::RefCell<Vec<(String, bool)>>,
    /// Where each `nonlocal` statement is, in source order.
    nonlocal_ranges: std::cell::RefCell<Vec<TextRange>>,
    /// The module starts with `from __future__ import annotations`:
    /// annotations are dropped (see `parse_annotations.rs`).
    future_annotations: bool,
    /// Names imported from `typing`/`collections.abc` for annotations.
    annotation_names: std::cell::RefCell<Vec<annotations::AnnotationName>>,
    /// The classes the module's top-level `class` statements lowered so
    /// far define (an evaluated annotation may name them).
    module_classes: std::cell::RefCell<Vec<String>>,
    /// Names imported from `dataclasses`: (bound, imported, where).
    dataclass_names: std::cell::RefCell<Vec<(String, String, TextRange)>>,
    /// Each module class's dataclass fields (its own, or inherited) and
    /// whether it has or inherits a `__post_init__`.
    class_fields:
        std::cell::RefCell<std::collections::BTreeMap<String, (Vec<dataclass::Field>, bool)>>,
    /// A dataclass's `__init__` reads the factory sentinel class.
    dataclass_missing: std::cell::Cell<bool>,
    /// Every name the module binds anywhere (`builtins::bound_names`):
    /// `map` and `filter` are lowered only when they are the builtins.
    bound_names: std::collections::BTreeSet<String>,
    /// The module names BaseException or GeneratorExit somewhere (a
    /// `yield` inside a `try` is then refused: see `Ctx::yield_refusal`).
    names_base_exception: bool,
    /// The generator expression about to be lowered is the one argument
    /// of a builtin that consumes it at once (see `generator_exp`).
    genexp_consumed: std::cell::Cell<bool>,
    /// `with` items lowered so far (each names its hidden variables).
    with_count: std::cell::Cell<usize>,
}

/// The deepest AST the front end builds: every later pass (compiler,
/// reference, printer) recurses over it, so hostile input must be refused
/// here, with a clear error, before it can overflow a stack. CPython 3.11
/// compiles 2,000-term expressions and 1,000 `elif`s but not 3,000.
pub const MAX_NESTING: usize = 1000;

/// CPython's tokenizer allows 99 nested blocks (`MAXINDENT`).
const MAX_BLOCKS: usize = 100;

type R<T> = Result<T, ParseError>;

impl Lowering<'_> {
    fn unsupported(&self, node: &impl Ranged, what: &str) -> ParseError {
        (self.err_at)(
            node.range(),
            format!("unsupported construct: {what} (outside S0)"),
        )
    }

    fn block(&self, stmts: &[py::Stmt], ctx: Ctx) -> R<Vec<Stmt>> {
        let ctx = Ctx {
            blocks: ctx.blocks + 1,
            ..ctx
        };
        if let Some(first) = stmts.first().filter(|_| ctx.blocks > MAX_BLOCKS) {
            return Err((self.err_at)(
                first.range(),
                "IndentationError: too many levels of indentation".into(),
            ));
        }
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            match s {
                // Several statements each.
                py::Stmt::With(w) => out.extend(self.with_stmt(w, s, ctx)?),
                // A class body reading its own names runs its values first
                // (`parse_class_reads.rs`).
                py::Stmt::ClassDef(_) => {
                    let class = self.stmt(s, ctx)?;
                    out.append(&mut self.class_prelude.borrow_mut());
                    out.push(class);
                }
                // `import a, b` is `import a` then `import b`.
                py::Stmt::Import(i) if i.names.len() > 1 => {
                    for alias in &i.names {
                        let one = py::StmtImport {
                            names: vec![alias.clone()],
                            ..i.clone()
                        };
                        out.push(self.stmt(&py::Stmt::Import(one), ctx)?);
                    }
                }
                _ => out.push(self.stmt(s, ctx)?),
            }
        }
        Ok(out)
    }

    /// Lowers one node `levels` deeper, refusing to go past [`MAX_NESTING`].
    fn nested<T>(&self, node: &impl Ranged, levels: usize, f: impl FnOnce() -> R<T>) -> R<T> {
        let depth = self.depth.get() + levels;
        if depth > MAX_NESTING {
            return Err((self.err_at)(
                node.range(),
                format!(
                    "code nested deeper than {MAX_NESTING} levels (a limit of jitdiff's front end)"
                ),
            ));
        }
        self.depth.set(depth);
        let r = f();
        self.depth.set(depth - levels);
        r
    }

    fn stmt(&self, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        // An `elif` chain becomes nested `if`s: one level per clause.
        let levels = match s {
            py::Stmt::If(i) => 1 + i.elif_else_clauses.len(),
            _ => 1,
        };
        self.nested(s, levels, || self.stmt_at_depth(s, ctx))
    }

    fn stmt_at_depth(&self, s: &py::Stmt, ctx: Ctx) -> R<Stmt> {
        Ok(match s {
            // `...` as a statement (a stub's body) does nothing, as `pass`;
            // Ellipsis as a value is outside the language.
            py::Stmt::Expr(e) if matches!(*e.value, py::Expr::EllipsisLiteral(_)) => Stmt::Pass,
            py::Stmt::Expr(e) => Stmt::Expr(self.expr_stmt(&e.value, ctx)?),
            py::Stmt::Pass(_) => Stmt::Pass,
            py::Stmt::Break(_) | py::Stmt::Continue(_) if ctx.in_finally => {
                return Err(self.unsupported(s, "`break` or `continue` leaving a `finally` block"));
            }
            py::Stmt::Return(_) if ctx.in_finally => {
                return Err(self.unsupported(s, "`return` in a `finally` block"));
            }
            py::Stmt::Break(_) | py::Stmt::Continue(_) => {
                if !ctx.in_loop {
                    let kw = if matches!(s, py::Stmt::Break(_)) {
                        "break"
                    } else {
                        "continue"
                    };
                    return Err((self.err_at)(
                        s.range(),
                        format!("SyntaxError: '{kw}' outside loop"),
                    ));
                }
                if matches!(s, py::Stmt::Break(_)) {
                    Stmt::Break
                } else {
                    Stmt::Continue
                }
            }
            py::Stmt::Assign(a) if a.targets.len() > 1 => {
                let targets = a
                    .targets
                    .iter()
                    .map(|t| self.store_target(t, true))
                    .collect::<R<Vec<_>>>()?;
                Stmt::AssignChain {
                    targets,
                    value: self.expr(&a.value)?,
                }
            }
            // `x = yield v`: the value `send` passes in (None for `next`).
            // A statement of its own, so a generator still suspends between
            // statements; any other target is refused with the yield.
            py::Stmt::Assign(a)
                if matches!(&*a.value, py::Expr::Yield(_))
                    && matches!(&a.targets[0], py::Expr::Name(_)) =>
            {
                self.assign(&a.targets[0], self.expr_stmt(&a.value, ctx)?)?
            }
            py::Stmt::Assign(a) => self.assign(&a.targets[0], self.expr(&a.value)?)?,
            py::Stmt::AugAssign(a) => self.aug_assign(a, s)?,
            py::Stmt::If(i) => self.if_stmt(i, ctx)?,
            py::Stmt::While(w) => self.while_stmt(w, ctx)?,
            py::Stmt::For(f) => self.for_stmt(f, s, ctx)?,
            py::Stmt::FunctionDef(d) => self.function_def(d, s, ctx, false)?,
            py::Stmt::Return(r) => {
                if !ctx.in_function {
                    return Err((self.err_at)(
                        s.range(),
                        "SyntaxError: 'return' outside function".into(),
                    ));
                }
                Stmt::Return(r.value.as_deref().map(|v| self.expr(v)).transpose()?)
            }
            py::Stmt::Global(g) => Stmt::Global(g.names.iter().map(|n| n.id.to_string()).collect()),
            py::Stmt::ClassDef(c) => {
                let class = self.class_def(c, s, ctx)?;
                if ctx.blocks == 1 {
                    self.module_classes.borrow_mut().push(c.name.id.to_string());
                }
                class
            }
            py::Stmt::Delete(d) => self.delete_stmt(d, s)?,
            py::Stmt::AnnAssign(a) => self.ann_assign(a, s, ctx)?,
            py::Stmt::TypeAlias(_) => return Err(self.unsupported(s, "type alias")),
            // `block` lowers a `with` to several statements before this.
            py::Stmt::With(_) => return Err(self.unsupported(s, "with statement")),
            py::Stmt::Match(_) => return Err(self.unsupported(s, "match statement")),
            py::Stmt::Raise(r) => match (&r.exc, &r.cause) {
                (Some(exc), Some(cause)) => Stmt::RaiseFrom {
                    exc: self.expr(exc)?,
                    cause: self.expr(cause)?,
                },
                (exc, _) => Stmt::Raise(exc.as_deref().map(|e| self.expr(e)).transpose()?),
            },
            py::Stmt::Try(t) => self.try_stmt(t, s, ctx)?,
            py::Stmt::Assert(a) => Stmt::Assert {
                test: self.expr(&a.test)?,
                msg: a.msg.as_deref().map(|m| self.expr(m)).transpose()?,
            },
            py::Stmt::Import(i) => self.import(i, s)?,
            py::Stmt::ImportFrom(i) => match self.special_import(i, s) {
                Some(r) => r?,
                None => self.import_from(i, s)?,
            },
            py::Stmt::Nonlocal(n) => self.nonlocal(n, s, ctx)?,
            py::Stmt::IpyEscapeCommand(_) => {
                return Err(self.unsupported(s, "IPython escape command"));
            }
        })
    }

    /// `def`, at module level, nested in a function, or as a method
    /// (`ctx.in_class`, whose decorator the class body has checked);
    /// `super_ok` when the body may use `super()`.
    fn function_def(
        &self,
        d: &py::StmtFunctionDef,
        s: &py::Stmt,
        ctx: Ctx,
        super_ok: bool,
    ) -> R<Stmt> {
        if d.is_async {
            return Err(self.unsupported(s, "async def"));
        }
        // A method's decorator is the class body's to check; any other
        // def's decorators are expressions of the enclosing scope.
        let decorators = if ctx.in_class {
            Vec::new()
        } else {
            d.decorator_list
                .iter()
                .map(|dec| match self.stdlib.cache_decorator(&dec.expression) {
                    // Checked by `stdlib::plan` already.
                    Some(Ok(cache)) => Ok(stdlib::cache_marker(cache)),
                    Some(Err((what, at))) => {
                        Err((self.err_at)(at, format!("unsupported construct: {what}")))
                    }
                    None => self.expr(&dec.expression),
                })
                .collect::<R<Vec<_>>>()?
        };
        if d.type_params.is_some() {
            return Err(self.unsupported(s, "type parameters"));
        }
        if let Some(r) = &d.returns {
            self.annotation(r.as_ref())?;
        }
        let (params, defaults, star) = self.parameters(&d.parameters)?;
        let outer_super_ok = self.super_ok.replace(super_ok);
        let first_param = d
            .parameters
            .args
            .first()
            .map(|p| p.parameter.name.to_string());
        let super_args = match (super_ok, self.class_name.borrow().clone(), first_param) {
            (true, Some(class), Some(first)) => Some((class, first)),
            _ => None,
        };
        let outer_super_args = self.super_args.replace(super_args);
        let body = self.block(
            &d.body,
            Ctx {
                in_function: true,
                in_class: false,
                in_loop: false,
                in_finally: false,
                yield_refusal: None,
                ..ctx
            },
        );
        self.super_ok.set(outer_super_ok);
        self.super_args.replace(outer_super_args);
        let body = body?;
        let all_params: Vec<String> = params.iter().chain(star.names()).cloned().collect();
        self.check_declarations(&d.body, &all_params)?;
        Ok(Stmt::FunctionDef {
            decorators,
            name: d.name.id.to_string(),
            params,
            defaults,
            body,
            star,
        })
    }

    fn binop(&self, op: py::Operator, node: &impl Ranged) -> R<BinOp> {
        Ok(match op {
            py::Operator::Add => BinOp::Add,
            py::Operator::Sub => BinOp::Sub,
            py::Operator::Mult => BinOp::Mul,
            py::Operator::FloorDiv => BinOp::FloorDiv,
            py::Operator::Mod => BinOp::Mod,
            py::Operator::BitAnd => BinOp::BitAnd,
            py::Operator::BitOr => BinOp::BitOr,
            py::Operator::BitXor => BinOp::BitXor,
            py::Operator::LShift => BinOp::LShift,
            py::Operator::RShift => BinOp::RShift,
            py::Operator::Div => BinOp::Div,
            py::Operator::Pow => BinOp::Pow,
            other => return Err(self.unsupported(node, &format!("operator `{}`", other.as_str()))),
        })
    }

    fn expr(&self, e: &py::Expr) -> R<Expr> {
        self.nested(e, 1, || self.expr_at_depth(e))
    }

    fn expr_at_depth(&self, e: &py::Expr) -> R<Expr> {
        Ok(match e {
            py::Expr::NumberLiteral(n) => match &n.value {
                py::Number::Int(i) => Expr::Int(
                    normalize_int_literal(&i.to_string())
                        .map_err(|m| (self.err_at)(e.range(), m))?,
                ),
                // Python reads a literal past the largest float as infinity.
                py::Number::Float(f) => Expr::Float(f.to_bits()),
                py::Number::Complex { .. } => return Err(self.unsupported(e, "complex literal")),
            },
            py::Expr::BooleanLiteral(b) => Expr::Bool(b.value),
            py::Expr::StringLiteral(s) => {
                let text = s.value.to_str();
                if !text.is_ascii() {
                    return Err(self.unsupported(e, "non-ASCII string literal"));
                }
                Expr::Str(text.to_string())
            }
            py::Expr::NoneLiteral(_) => Expr::None,
            py::Expr::FString(f) => self.fstring(f)?,
            py::Expr::Name(n) if n.id.as_str() == "super" => {
                return Err(self.unsupported(e, "`super` other than `super()` in a method"));
            }
            py::Expr::Name(n)
                if matches!(n.id.as_str(), "staticmethod" | "classmethod")
                    || n.id.as_str() == "property" && !self.bound_names.contains("property") =>
            {
                return Err(self.unsupported(e, &format!("`{}` other than as a decorator", n.id)));
            }
            // The module's `__name__`, which a script run by python3 reads
            // as '__main__' (`if __name__ == "__main__":`), wherever the
            // program does not bind the name itself.
            py::Expr::Name(n)
                if n.id.as_str() == "__name__" && !self.bound_names.contains("__name__") =>
            {
                Expr::Str("__main__".into())
            }
            // Annotations are dropped (`parse_annotations.rs`).
            py::Expr::Name(n)
                if n.id.as_str() == "__annotations__"
                    && !self.bound_names.contains("__annotations__") =>
            {
                return Err(self.unsupported(e, "`__annotations__`"));
            }
            py::Expr::Name(n) => Expr::Name(n.id.to_string()),
            py::Expr::Named(n) => self.named_expr(n)?,
            py::Expr::UnaryOp(u) => Expr::UnaryOp {
                op: match u.op {
                    py::UnaryOp::USub => UnaryOp::Neg,
                    py::UnaryOp::UAdd => UnaryOp::Pos,
                    py::UnaryOp::Not => UnaryOp::Not,
                    py::UnaryOp::Invert => UnaryOp::Invert,
                },
                operand: Box::new(self.expr(&u.operand)?),
            },
            py::Expr::If(i) => Expr::IfExp {
                test: Box::new(self.expr(&i.test)?),
                body: Box::new(self.expr(&i.body)?),
                orelse: Box::new(self.expr(&i.orelse)?),
            },
            py::Expr::BinOp(b) => Expr::BinOp {
                op: self.binop(b.op, e)?,
                left: Box::new(self.expr(&b.left)?),
                right: Box::new(self.expr(&b.right)?),
            },
            py::Expr::BoolOp(b) => Expr::BoolOp {
                op: match b.op {
                    py::BoolOp::And => BoolOp::And,
                    py::BoolOp::Or => BoolOp::Or,
                },
                values: b.values.iter().map(|v| self.expr(v)).collect::<R<_>>()?,
            },
            py::Expr::Compare(c) => {
                let ops = c
                    .ops
                    .iter()
                    .map(|op| {
                        Ok(match op {
                            py::CmpOp::Eq => CmpOp::Eq,
                            py::CmpOp::NotEq => CmpOp::NotEq,
                            py::CmpOp::Lt => CmpOp::Lt,
                            py::CmpOp::LtE => CmpOp::LtE,
                            py::CmpOp::Gt => CmpOp::Gt,
                            py::CmpOp::GtE => CmpOp::GtE,
                            py::CmpOp::In => CmpOp::In,
                            py::CmpOp::NotIn => CmpOp::NotIn,
                            py::CmpOp::Is => CmpOp::Is,
                            py::CmpOp::IsNot => CmpOp::IsNot,
                            #[allow(unreachable_patterns)]
                            other => {
                                return Err(self
                                    .unsupported(e, &format!("comparison `{}`", other.as_str())));
                            }
                        })
                    })
                    .collect::<R<_>>()?;
                Expr::Compare {
                    left: Box::new(self.expr(&c.left)?),
                    ops,
                    comparators: c
                        .comparators
                        .iter()
                        .map(|v| self.expr(v))
                        .collect::<R<_>>()?,
                }
            }
            py::Expr::Call(c) => self.call(c)?,
            py::Expr::Attribute(at) => Expr::Attribute {
                value: Box::new(self.receiver(&at.value)?),
                attr: self.attribute_name(at)?,
            },
            py::Expr::Tuple(t) => Expr::Tuple(self.elements(&t.elts)?),
            py::Expr::List(l) => Expr::List(self.elements(&l.elts)?),
            py::Expr::Dict(d) => {
                let mut items = Vec::new();
                for item in d.items.iter() {
                    let Some(key) = &item.key else {
                        let m = Expr::Starred(Box::new(self.expr(&item.value)?));
                        items.push((m, Expr::None));
                        continue;
                    };
                    items.push((self.expr(key)?, self.expr(&item.value)?));
                }
                Expr::Dict(items)
            }
            py::Expr::Subscript(sub) => Expr::Subscript {
                value: Box::new(self.expr(&sub.value)?),
                index: Box::new(self.index(&sub.slice)?),
            },
            py::Expr::ListComp(lc) => self.list_comp(lc)?,
            py::Expr::Lambda(l) => self.lambda(l)?,
            py::Expr::SetComp(sc) => self.set_comp(sc)?,
            py::Expr::DictComp(dc) => self.dict_comp(dc)?,
            py::Expr::Set(s) => Expr::Set(self.elements(&s.elts)?),
            py::Expr::Generator(g) => self.generator_exp(g)?,
            other => return Err(self.unsupported(other, expr_kind(other))),
        })
    }
}

/// `0x1F`, `1_000`, `0o17`, `0b101`, huge decimals -> normalized decimal digits.
fn normalize_int_literal(text: &str) -> Result<String, String> {
    let t: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let (digits, radix) = match t.get(..2) {
        Some("0x") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (t.as_str(), 10),
    };
    // Refused before converting (conversion is superlinear): CPython
    // refuses decimal literals over 4300 digits, and no run allows ints
    // wider than `MAX_INT_BITS_CAP`.
    let bits_per_digit = match radix {
        2 => 1,
        8 => 3,
        16 => 4,
        _ => 0, // decimal: the digit limit below
    };
    if radix == 10 && digits.len() > 4300 {
        return Err(format!(
            "integer literal of {} digits: CPython refuses decimal literals over 4300 digits",
            digits.len()
        ));
    }
    let cap = crate::lang::limits::MAX_INT_BITS_CAP;
    if digits.len() as u64 * bits_per_digit > cap + 4 {
        return Err(format!(
            "integer literal wider than {cap} bits, the widest int any run allows"
        ));
    }
    ibig::UBig::from_str_radix(digits, radix)
        .map(|v| v.to_string())
        .map_err(|e| format!("unsupported construct: integer literal `{text}` ({e})"))
}

fn expr_kind(e: &py::Expr) -> &'static str {
    match e {
        py::Expr::FString(_) => "f-string",
        py::Expr::TString(_) => "t-string",
        py::Expr::BytesLiteral(_) => "bytes literal",
        py::Expr::ListComp(_) => "list comprehension",
        py::Expr::Dict(_) | py::Expr::DictComp(_) => "dict",
        py::Expr::Set(_) | py::Expr::SetComp(_) => "set",
        py::Expr::Generator(_) => "generator expression",
        py::Expr::Lambda(_) => "lambda",
        py::Expr::If(_) => "conditional expression",
        py::Expr::Attribute(_) => "attribute access other than a method call",
        py::Expr::Slice(_) => "slice outside a subscript",
        py::Expr::Named(_) => "assignment expression",
        py::Expr::Await(_) => "await",
        py::Expr::Yield(_) | py::Expr::YieldFrom(_) => "yield",
        py::Expr::Starred(_) => "starred expression",
        py::Expr::EllipsisLiteral(_) => "Ellipsis",
        _ => "expression",
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
