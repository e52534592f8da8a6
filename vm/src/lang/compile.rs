//! AST -> bytecode, following CPython's code shapes (chained comparisons with
//! SWAP/COPY, `and`/`or` with COPY + conditional jump, `for` with
//! GET_ITER/FOR_ITER, loops closed by JUMP_BACKWARD) so the tiers above see
//! the same patterns CPython's optimizer does.

use super::ast::*;
use super::bytecode::*;
use super::scope;
use crate::runtime::Value;

#[path = "compile_call_ex.rs"]
mod call_ex;
use call_ex::{STACK_USE_GUIDELINE, StarDisplay};
#[path = "compile_class.rs"]
mod class;
#[path = "compile_closures.rs"]
mod closures;
#[path = "compile_comprehension.rs"]
mod comprehension;
#[path = "compile_generator.rs"]
mod generator;
#[path = "compile_set.rs"]
mod set_display;
#[path = "compile_try.rs"]
mod try_stmt;

/// Compiles a module with the default limits. Never fails: the front end
/// already rejected everything outside S0.
pub fn compile(module: &Module) -> Program {
    compile_with_limits(module, &crate::lang::limits::Limits::default())
}

/// Compiles a module for a run with `limits`: an int literal wider than
/// the run allows becomes `POISON_INT_TOO_LARGE` in place of its
/// `LOAD_CONST` (same layout and depths whatever the limit).
pub fn compile_with_limits(module: &Module, limits: &crate::lang::limits::Limits) -> Program {
    let mut names: Vec<String> = crate::runtime::value::BUILTINS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let mut kw_names = vec![];
    let mut classes = vec![];
    let mut set_consts = vec![];
    let mut codes = vec![];
    let int_bits = limits.int_bits;
    let module_code = {
        let mut c = CodeBuilder::new("<module>", None, vec![], &mut names, &mut codes, int_bits);
        c.kw_names = Some(&mut kw_names);
        c.classes = Some(&mut classes);
        c.set_consts = Some(&mut set_consts);
        // A module docstring is not executed: CPython binds it to `__doc__`.
        let body = match module.body.split_first() {
            Some((Stmt::Expr(Expr::Str(doc)), rest)) => {
                let k = c.constant(Const::Str(doc.clone()));
                c.emit(Op::LoadConst, k);
                c.store_name("__doc__");
                rest
            }
            _ => &module.body[..],
        };
        c.block(body);
        c.emit(Op::LoadConst, 0);
        c.emit(Op::ReturnValue, 0);
        c.finish()
    };
    // An exception class's `args` lives in its instances' shared keys,
    // which are keyed by name id.
    if !classes.is_empty() && !names.iter().any(|n| n == "args") {
        names.push("args".into());
    }
    // Functions were appended as found; the module body is code 0.
    codes.insert(0, module_code);
    // MAKE_FUNCTION args were assigned as `codes.len()` before the insert.
    for code in &mut codes {
        for ins in &mut code.instrs {
            if ins.op == Op::MakeFunction {
                ins.arg += 1;
            }
        }
    }
    Program {
        codes,
        names,
        kw_names,
        classes,
    }
}

struct Loop {
    /// Instruction index of the loop head (`continue` target).
    head: u32,
    /// Indices of jumps to patch with the loop exit.
    breaks: Vec<usize>,
    /// `for` loops keep their iterator on the stack; `break` pops it.
    is_for: bool,
    /// `unwinds.len()` inside the loop: what a `break` or `continue`
    /// leaves is above.
    unwinds: usize,
}

struct CodeBuilder<'n> {
    code: Code,
    names: &'n mut Vec<String>,
    /// Every function's code so far (a nested `def` or `lambda` adds its
    /// own as it is compiled).
    codes: &'n mut Vec<Code>,
    /// This function's scope (`None` at module level) and those of the
    /// functions it is nested in, outermost first.
    scope: Option<std::rc::Rc<crate::lang::scope::FnScope>>,
    enclosing: Vec<std::rc::Rc<crate::lang::scope::FnScope>>,
    /// Local slots holding cells (cell and free variables).
    derefs: std::collections::BTreeSet<u32>,
    /// The program's CALL_KW names tuples (set right after `new`).
    kw_names: Option<&'n mut Vec<Vec<String>>>,
    /// The program's class statements (set right after `new`).
    classes: Option<&'n mut Vec<crate::lang::bytecode::ClassInfo>>,
    /// In a method that may use `super()`: its class statement's index.
    super_class: Option<u32>,
    /// The module's constant set displays so far: CPython's constant key
    /// and the items of the first display with it (set right after `new`).
    set_consts: Option<&'n mut Vec<(String, Vec<Expr>)>>,
    /// `None` at module level: every name is global.
    locals: Option<Vec<String>>,
    /// Locals definitely assigned at this point of the code (a conservative
    /// flow analysis, as CPython's): loads of these need no unbound check.
    assigned: std::collections::BTreeSet<u32>,
    /// Locals some `del` of this code unbinds: a load of one is always
    /// checked (a loop or a handler may reach it after the `del`).
    deleted: std::collections::BTreeSet<u32>,
    depth: u32,
    loops: Vec<Loop>,
    /// Blocks a `break`, `continue` or `return` must undo, innermost last.
    unwinds: Vec<try_stmt::Unwind>,
    /// Handlers protecting the code being emitted, innermost last.
    handler_stack: Vec<u32>,
    /// Each handler's target and stack depth.
    exc_handlers: Vec<(u32, u32)>,
    /// The handler protecting each instruction emitted.
    handler_at: Vec<u32>,
    /// The run's int width: wider literals poison when evaluated.
    int_bits: u64,
    /// The comprehension variables in scope, innermost last: each a hidden
    /// local slot of this code (see `comprehension.rs`).
    comp_scopes: Vec<(String, u32)>,
    /// The comprehensions (past their first iterable) being compiled in
    /// this code, innermost last: `<listcomp>`, `<setcomp>`, `<dictcomp>`
    /// (CPython 3.11's scopes, which name the lambdas inside them).
    comp_kinds: Vec<&'static str>,
}

impl<'n> CodeBuilder<'n> {
    /// A builder for code `name`: a function with `params` and `scope`
    /// (nested in `enclosing`), or the module (`None`).
    fn new(
        name: &str,
        scope: Option<(&[String], crate::lang::scope::FnScope)>,
        enclosing: Vec<std::rc::Rc<crate::lang::scope::FnScope>>,
        names: &'n mut Vec<String>,
        codes: &'n mut Vec<Code>,
        int_bits: u64,
    ) -> Self {
        let nparams = scope.as_ref().map_or(0, |(p, _)| p.len());
        let scope = scope.map(|(_, s)| std::rc::Rc::new(s));
        // Only function locals are checked; module names are globals. The
        // free variables' slots follow the locals.
        let locals = scope.as_ref().map(|s| {
            let mut l = s.locals.clone();
            l.extend(s.frees.iter().cloned());
            l
        });
        let derefs = scope.as_ref().map_or_else(Default::default, |s| {
            (0..s.locals.len() + s.frees.len())
                .filter(|&i| i >= s.locals.len() || s.cells.contains(&s.locals[i]))
                .map(|i| i as u32)
                .collect()
        });
        let deleted: std::collections::BTreeSet<u32> =
            scope.as_ref().map_or_else(Default::default, |s| {
                (0..s.locals.len())
                    .filter(|&i| s.deleted.contains(&s.locals[i]))
                    .map(|i| i as u32)
                    .collect()
            });
        CodeBuilder {
            code: Code {
                name: name.to_string(),
                nparams: nparams as u32,
                kwonly: vec![],
                vararg: false,
                varkw: false,
                local_names: locals.clone().unwrap_or_default(),
                stack_size: 0,
                instrs: vec![],
                caches: vec![],
                depth_at: vec![],
                // Const 0 is always None.
                consts: vec![Const::Value(Value::NONE)],
                free_start: scope.as_ref().map_or(0, |s| s.locals.len() as u32),
                nfree: scope.as_ref().map_or(0, |s| s.frees.len() as u32),
                exc_table: vec![],
                is_generator: false,
            },
            names,
            codes,
            scope,
            enclosing,
            derefs,
            kw_names: None,
            classes: None,
            super_class: None,
            set_consts: None,
            locals,
            assigned: (0..nparams as u32)
                .filter(|&i| !deleted.contains(&i))
                .collect(),
            deleted,
            depth: 0,
            int_bits,
            loops: vec![],
            unwinds: vec![],
            handler_stack: vec![],
            exc_handlers: vec![],
            handler_at: vec![],
            comp_scopes: vec![],
            comp_kinds: vec![],
        }
    }

    fn finish(mut self) -> Code {
        self.finish_exc_table();
        self.code.caches = vec![Cache::default(); self.code.instrs.len()];
        self.code
    }

    fn here(&self) -> u32 {
        self.code.instrs.len() as u32
    }

    fn emit(&mut self, op: Op, arg: u32) -> usize {
        self.code.depth_at.push(self.depth);
        self.handler_at.push(self.current_handler());
        let (pops, pushes) = stack_effect(op, arg);
        self.depth = self.depth - pops + pushes;
        self.code.stack_size = self.code.stack_size.max(self.depth);
        self.code.instrs.push(Instr { op, arg });
        self.code.instrs.len() - 1
    }

    fn patch(&mut self, at: usize, target: u32) {
        self.code.instrs[at].arg = target;
    }

    fn global_id(&mut self, name: &str) -> u32 {
        match self.names.iter().position(|n| n == name) {
            Some(i) => i as u32,
            None => {
                self.names.push(name.to_string());
                (self.names.len() - 1) as u32
            }
        }
    }

    fn local_index(&self, name: &str) -> Option<u32> {
        self.locals
            .as_ref()?
            .iter()
            .position(|n| n == name)
            .map(|i| i as u32)
    }

    fn constant(&mut self, c: Const) -> u32 {
        if let Some(i) = self.code.consts.iter().position(|k| *k == c) {
            return i as u32;
        }
        self.code.consts.push(c);
        (self.code.consts.len() - 1) as u32
    }

    fn load_name(&mut self, name: &str) {
        match self.comp_slot(name).or_else(|| self.local_index(name)) {
            Some(i) if self.derefs.contains(&i) => self.emit(Op::LoadDeref, i),
            Some(i) if self.assigned.contains(&i) => self.emit(Op::LoadFast, i),
            Some(i) => self.emit(Op::LoadFastCheck, i),
            None => {
                let id = self.global_id(name);
                self.emit(Op::LoadGlobal, id)
            }
        };
    }

    fn store_name(&mut self, name: &str) {
        match self.comp_slot(name).or_else(|| self.local_index(name)) {
            Some(i) if self.derefs.contains(&i) => self.emit(Op::StoreDeref, i),
            Some(i) => {
                if !self.deleted.contains(&i) {
                    self.assigned.insert(i);
                }
                self.emit(Op::StoreFast, i)
            }
            None => {
                let id = self.global_id(name);
                self.emit(Op::StoreGlobal, id)
            }
        };
    }

    fn block(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr(e) => {
                self.expr(e);
                self.emit(Op::PopTop, 0);
            }
            Stmt::Assign { target, value } => {
                self.expr(value);
                self.store_name(target);
            }
            Stmt::AssignSubscript {
                container,
                index,
                value,
            } => {
                // CPython's order: the value, then the container, then the index.
                self.expr(value);
                self.store_subscript(container, index);
            }
            Stmt::AugAssignSubscript {
                container,
                index,
                op,
                value,
            } => {
                // CPython's shape: the container and index are evaluated
                // once, the item loaded, combined, and stored back.
                self.expr(container);
                self.expr(index);
                self.emit(Op::Copy, 2);
                self.emit(Op::Copy, 2);
                self.emit(Op::BinarySubscr, 0);
                self.expr(value);
                self.emit(Op::BinaryOp, binop_arg(*op) | INPLACE);
                self.emit(Op::Swap, 3);
                self.emit(Op::Swap, 2);
                self.emit(Op::StoreSubscr, 0);
            }
            Stmt::Unpack { targets, value } => {
                self.expr(value);
                self.unpack(targets);
            }
            Stmt::AssignChain { targets, value } => {
                // CPython's shape: the value once, a COPY for every target
                // but the last, stores left to right.
                self.expr(value);
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Copy, 1);
                    }
                    self.store_target(t);
                }
            }
            Stmt::Delete(targets) => targets.iter().for_each(|t| self.delete_target(t)),
            Stmt::AugAssign { target, op, value } => {
                self.load_name(target);
                self.expr(value);
                self.emit(Op::BinaryOp, binop_arg(*op) | INPLACE);
                self.store_name(target);
            }
            Stmt::If { test, body, orelse } => {
                self.condition(test);
                let jump_else = self.emit(Op::PopJumpIfFalse, 0);
                let before = self.assigned.clone();
                self.block(body);
                let after_body = std::mem::replace(&mut self.assigned, before);
                if orelse.is_empty() {
                    let end = self.here();
                    self.patch(jump_else, end);
                } else {
                    let jump_end = self.emit(Op::JumpForward, 0);
                    let else_at = self.here();
                    self.patch(jump_else, else_at);
                    self.block(orelse);
                    let end = self.here();
                    self.patch(jump_end, end);
                }
                // Assigned after the `if` = assigned on both paths.
                self.assigned = self.assigned.intersection(&after_body).copied().collect();
            }
            Stmt::While { test, body, orelse } => {
                let head = self.here();
                self.condition(test);
                let exit_jump = self.emit(Op::PopJumpIfFalse, 0);
                self.unwinds.push(try_stmt::Unwind::Loop { is_for: false });
                self.loops.push(Loop {
                    head,
                    breaks: vec![],
                    is_for: false,
                    unwinds: self.unwinds.len(),
                });
                // The body may run zero times: its assignments don't count after.
                let before = self.assigned.clone();
                self.block(body);
                self.assigned = before.clone();
                self.emit(Op::JumpBackward, head);
                // The test turned false: the `else:` block, which a `break`
                // skips.
                let else_at = self.here();
                self.patch(exit_jump, else_at);
                // The `else:` block belongs to the enclosing loop (a
                // `break` there leaves that one).
                let l = self.close_loop();
                self.block(orelse);
                self.patch_breaks(l);
                self.assigned = before;
            }
            Stmt::For { .. } | Stmt::ForUnpack { .. } => {
                let (iter, body, orelse) = match s {
                    Stmt::For {
                        iter, body, orelse, ..
                    }
                    | Stmt::ForUnpack {
                        iter, body, orelse, ..
                    } => (iter, body, orelse),
                    _ => unreachable!(),
                };
                self.iterable(iter);
                // A generator expression's outermost loop walks `.0`, the
                // iterator its maker already took (CPython's FOR_ITER on
                // `.0`): a second GET_ITER would call a user iterator's
                // `__iter__` again.
                if !matches!(iter, Expr::Name(n) if n == ".0") {
                    self.emit(Op::GetIter, 0);
                }
                let head = self.here();
                let for_iter = self.emit(Op::ForIter, 0);
                let before = self.assigned.clone();
                match s {
                    Stmt::For { target, .. } => self.store_name(target),
                    Stmt::ForUnpack { targets, .. } => self.unpack(targets),
                    _ => unreachable!(),
                }
                self.unwinds.push(try_stmt::Unwind::Loop { is_for: true });
                self.loops.push(Loop {
                    head,
                    breaks: vec![],
                    is_for: true,
                    unwinds: self.unwinds.len(),
                });
                self.block(body);
                self.assigned = before.clone();
                self.emit(Op::JumpBackward, head);
                // On exhaustion FOR_ITER pops the iterator itself and jumps to
                // the `else:` block, which a `break` skips.
                self.depth -= 1;
                let else_at = self.here();
                self.patch(for_iter, else_at);
                let l = self.close_loop();
                self.block(orelse);
                self.patch_breaks(l);
                self.assigned = before;
            }
            Stmt::Break => {
                let l = self
                    .loops
                    .last()
                    .expect("front end checks break is in a loop");
                let (is_for, keep) = (l.is_for, l.unwinds);
                let depth = self.depth;
                self.unwind_blocks(keep, false);
                if is_for {
                    self.emit(Op::PopTop, 0);
                }
                let j = self.emit(Op::JumpForward, 0);
                // The code after `break` is unreachable; restore the depth the
                // enclosing block expects.
                self.depth = depth;
                self.loops.last_mut().unwrap().breaks.push(j);
            }
            Stmt::Continue => {
                let l = self
                    .loops
                    .last()
                    .expect("front end checks continue is in a loop");
                let (head, keep) = (l.head, l.unwinds);
                let depth = self.depth;
                self.unwind_blocks(keep, false);
                self.emit(Op::JumpBackward, head);
                self.depth = depth;
            }
            Stmt::Pass | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            // The module is a constant: CPython's IMPORT_NAME of a module
            // already imported, then a store.
            Stmt::Import { module, name } => {
                let m = match module.as_str() {
                    "array" => Value::MODULE_ARRAY,
                    "random" => Value::MODULE_RANDOM,
                    _ => Value::MODULE_MATH,
                };
                let k = self.constant(Const::Value(m));
                self.emit(Op::LoadConst, k);
                self.store_name(name);
            }
            Stmt::ImportFrom { module, names } => {
                for (attr, name) in names {
                    let k = if module == "random" {
                        // The front end admits only the module's functions.
                        let f = crate::runtime::random::attr(attr).unwrap_or(Value::NONE);
                        self.constant(Const::Value(f))
                    } else {
                        self.constant(math_attr_const(attr))
                    };
                    self.emit(Op::LoadConst, k);
                    self.store_name(name);
                }
            }
            Stmt::FunctionDef {
                decorators,
                name,
                params,
                defaults,
                body,
                star,
            } => {
                // CPython's order: the decorators (outermost first), the
                // function, then each decorator called innermost first.
                for d in decorators {
                    self.expr(d);
                }
                let body = scope::Body::Stmts(body);
                self.function_object(name, params, star, defaults, body, None);
                for _ in decorators {
                    self.emit(Op::Call, 1);
                }
                self.store_name(name);
            }
            Stmt::ClassDef { name, bases, body } => self.class_def(name, bases, body),
            // Only ever in a class body, which `class_def` compiles.
            Stmt::Decorated { def, .. } => self.stmt(def),
            Stmt::AssignAttr {
                object,
                attr,
                value,
            } => self.assign_attr(object, attr, value),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody),
            Stmt::RaiseFrom { exc, cause } => {
                self.expr(exc);
                self.expr(cause);
                self.emit(Op::RaiseVarargs, 2);
            }
            Stmt::Raise(exc) => {
                if let Some(e) = exc {
                    self.expr(e);
                }
                self.emit(Op::RaiseVarargs, exc.is_some() as u32);
            }
            // CPython's: `if not test: raise AssertionError(msg)`.
            Stmt::Assert { test, msg } => {
                self.condition(test);
                let jump = self.emit(Op::PopJumpIfTrue, 0);
                self.emit(Op::LoadAssertionError, 0);
                if let Some(m) = msg {
                    self.expr(m);
                    self.emit(Op::Call, 1);
                }
                self.emit(Op::RaiseVarargs, 1);
                let end = self.here();
                self.patch(jump, end);
            }
            Stmt::AugAssignAttr {
                object,
                attr,
                op,
                value,
            } => self.aug_assign_attr(object, attr, *op, value),
            Stmt::Return(value) => {
                match value {
                    Some(e) => self.expr(e),
                    None => {
                        self.emit(Op::LoadConst, 0);
                    }
                }
                let d = self.depth;
                self.unwind_for_return();
                self.emit(Op::ReturnValue, 0);
                // Unreachable after return: keep the block's depth unchanged.
                self.depth = d - 1;
            }
        }
    }

    /// Unpacks TOS into `targets`, left to right, nested ones recursively
    /// (CPython's shape: UNPACK_SEQUENCE pushes the items last first).
    fn unpack(&mut self, targets: &[Target]) {
        match targets.iter().position(|t| matches!(t, Target::Starred(_))) {
            None => self.emit(Op::UnpackSequence, targets.len() as u32),
            // CPython's UNPACK_EX: the counts before and after the star.
            Some(i) => self.emit(Op::UnpackEx, unpack_ex_arg(i, targets.len() - i - 1)),
        };
        for t in targets {
            self.store_target(t);
        }
    }

    /// Stores TOS into one target.
    fn store_target(&mut self, target: &Target) {
        match target {
            Target::Name(n) => self.store_name(n),
            Target::Unpack(ts) => self.unpack(ts),
            Target::Attr { object, attr } => {
                self.expr(object);
                let id = self.global_id(attr);
                self.emit(Op::StoreAttr, id);
            }
            Target::Subscript { container, index } => self.store_subscript(container, index),
            Target::Starred(t) => self.store_target(t),
        }
    }

    /// `del target`. A local or a cell is loaded first (checked, which
    /// raises CPython's UnboundLocalError or NameError for an unbound one),
    /// then unbound; a global is `DELETE_GLOBAL`'s NameError when missing.
    fn delete_target(&mut self, target: &Target) {
        match target {
            Target::Name(n) => match self.comp_slot(n).or_else(|| self.local_index(n)) {
                Some(i) if self.derefs.contains(&i) => {
                    self.emit(Op::LoadDeref, i);
                    self.emit(Op::PopTop, 0);
                    self.emit(Op::PushNull, 0);
                    self.emit(Op::StoreDeref, i);
                }
                Some(i) => {
                    self.emit(Op::LoadFastCheck, i);
                    self.emit(Op::PopTop, 0);
                    self.emit(Op::DeleteFast, i);
                    self.assigned.remove(&i);
                }
                None => {
                    let id = self.global_id(n);
                    self.emit(Op::DeleteGlobal, id);
                }
            },
            Target::Unpack(ts) => ts.iter().for_each(|t| self.delete_target(t)),
            Target::Attr { object, attr } => {
                self.expr(object);
                let id = self.global_id(attr);
                self.emit(Op::DeleteAttr, id);
            }
            Target::Subscript { container, index } => {
                self.expr(container);
                if let Expr::Slice { lower, upper, step } = &**index {
                    self.slice_parts(lower, upper, step);
                    self.emit(Op::DeleteSlice, 0);
                } else {
                    self.expr(index);
                    self.emit(Op::DeleteSubscr, 0);
                }
            }
            Target::Starred(_) => unreachable!("the front end refuses `del *x`"),
        }
    }

    /// Stores TOS into `container[index]` (a slice too): the container,
    /// then the index, then the store.
    fn store_subscript(&mut self, container: &Expr, index: &Expr) {
        self.expr(container);
        if let Expr::Slice { lower, upper, step } = index {
            self.slice_parts(lower, upper, step);
            self.emit(Op::StoreSlice, 0);
        } else {
            self.expr(index);
            self.emit(Op::StoreSubscr, 0);
        }
    }

    /// Ends a loop's body: what follows (its `else:` block) is in the
    /// enclosing loop. Returns the loop, whose breaks `patch_breaks`
    /// points at the end of the whole statement.
    fn close_loop(&mut self) -> Loop {
        let l = self.loops.pop().unwrap();
        self.unwinds.truncate(l.unwinds - 1);
        l
    }

    fn patch_breaks(&mut self, l: Loop) {
        let end = self.here();
        for j in l.breaks {
            self.patch(j, end);
        }
    }

    /// Evaluates `e` to an exact bool for a conditional jump.
    fn condition(&mut self, e: &Expr) {
        self.expr(e);
        if !is_exact_bool(e) {
            self.emit(Op::ToBool, 0);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Yield(v) => self.yield_value(v.as_deref()),
            Expr::YieldFrom(v) => self.yield_from(v),
            Expr::Named { target, value } => {
                self.expr(value);
                self.emit(Op::Copy, 1);
                // Inside `and`/`or`, a conditional expression or a chained
                // comparison the store may not run: never counted as a
                // definite assignment (reads after it stay checked).
                let assigned = self.assigned.clone();
                self.store_name(target);
                self.assigned = assigned;
            }
            Expr::GeneratorExp { elt, generators } => self.generator_exp(elt, generators),
            // Past CPython's STACK_USE_GUIDELINE the items go into the list
            // one by one, so no display needs a deep value stack (a frame
            // has a page).
            Expr::Tuple(items) | Expr::List(items)
                if items.len() > STACK_USE_GUIDELINE
                    || items.iter().any(|x| matches!(x, Expr::Starred(_))) =>
            {
                let kind = if matches!(e, Expr::Tuple(_)) {
                    StarDisplay::Tuple
                } else {
                    StarDisplay::List
                };
                self.star_display(items, kind);
            }
            Expr::Tuple(items) | Expr::List(items) => {
                for x in items {
                    self.expr(x);
                }
                let op = if matches!(e, Expr::List(_)) {
                    Op::BuildList
                } else {
                    Op::BuildTuple
                };
                self.emit(op, items.len() as u32);
            }
            Expr::Dict(items)
                if 2 * items.len() > STACK_USE_GUIDELINE
                    || items.iter().any(|(k, _)| matches!(k, Expr::Starred(_))) =>
            {
                self.dict_runs_display(items);
            }
            // Key then value, pair by pair, as CPython evaluates them.
            Expr::Dict(items) => {
                for (k, v) in items {
                    self.expr(k);
                    self.expr(v);
                }
                self.emit(Op::BuildMap, items.len() as u32);
            }
            Expr::Subscript { value, index } => {
                self.expr(value);
                if let Expr::Slice { lower, upper, step } = &**index {
                    self.slice_parts(lower, upper, step);
                    self.emit(Op::BinarySlice, 0);
                } else {
                    self.expr(index);
                    self.emit(Op::BinarySubscr, 0);
                }
            }
            Expr::Slice { .. } => unreachable!("the parser keeps slices inside subscripts"),
            Expr::Attribute { value, attr } => self.attribute(value, attr),
            Expr::MethodCall {
                receiver,
                method,
                args,
            } => self.method_call(receiver, method, args),
            // The front end makes `super()` only the receiver of an
            // attribute or method call, which compile it; this keeps the
            // stack balanced should another pass build one elsewhere.
            Expr::Super => {
                self.emit(Op::LoadConst, 0);
            }
            Expr::Int(digits) => {
                let too_large = digits.len() > 4
                    && crate::runtime::int::literal_too_large(digits, self.int_bits);
                if too_large {
                    self.emit(Op::PoisonIntTooLarge, 0);
                } else {
                    let c = self.constant(Const::Int(digits.clone()));
                    self.emit(Op::LoadConst, c);
                }
            }
            Expr::Float(bits) => {
                let c = self.constant(Const::Float(*bits));
                self.emit(Op::LoadConst, c);
            }
            Expr::Bool(b) => {
                let c = self.constant(Const::Value(Value::bool(*b)));
                self.emit(Op::LoadConst, c);
            }
            Expr::None => {
                self.emit(Op::LoadConst, 0);
            }
            Expr::Name(n) => self.load_name(n),
            Expr::UnaryOp { op, operand } => {
                self.expr(operand);
                match op {
                    UnaryOp::Neg => self.emit(Op::UnaryNegative, 0),
                    UnaryOp::Pos => self.emit(Op::UnaryPositive, 0),
                    UnaryOp::Invert => self.emit(Op::UnaryInvert, 0),
                    UnaryOp::Not => {
                        if !is_exact_bool(operand) {
                            self.emit(Op::ToBool, 0);
                        }
                        self.emit(Op::UnaryNot, 0)
                    }
                };
            }
            Expr::BinOp { op, left, right } => {
                self.expr(left);
                self.expr(right);
                self.emit(Op::BinaryOp, binop_arg(*op));
            }
            Expr::IfExp { test, body, orelse } => {
                self.condition(test);
                let to_else = self.emit(Op::PopJumpIfFalse, 0);
                self.expr(body);
                let to_end = self.emit(Op::JumpForward, 0);
                let orelse_at = self.here();
                self.patch(to_else, orelse_at);
                // The `else` path starts without the body's value.
                self.depth -= 1;
                self.expr(orelse);
                let end = self.here();
                self.patch(to_end, end);
            }
            Expr::BoolOp { op, values } => {
                let jump = if *op == BoolOp::And {
                    Op::PopJumpIfFalse
                } else {
                    Op::PopJumpIfTrue
                };
                let mut ends = vec![];
                for (i, v) in values.iter().enumerate() {
                    self.expr(v);
                    if i + 1 < values.len() {
                        self.emit(Op::Copy, 1);
                        if !is_exact_bool(v) {
                            self.emit(Op::ToBool, 0);
                        }
                        ends.push(self.emit(jump, 0));
                        self.emit(Op::PopTop, 0);
                    }
                }
                let end = self.here();
                for j in ends {
                    self.patch(j, end);
                }
            }
            Expr::Compare {
                left,
                ops,
                comparators,
            } => {
                self.expr(left);
                let n = ops.len();
                let mut cleanups = vec![];
                for (i, (op, c)) in ops.iter().zip(comparators).enumerate() {
                    self.expr(c);
                    if i + 1 < n {
                        self.emit(Op::Swap, 2);
                        self.emit(Op::Copy, 2);
                        self.compare_op(*op);
                        self.emit(Op::Copy, 1);
                        cleanups.push(self.emit(Op::PopJumpIfFalse, 0));
                        self.emit(Op::PopTop, 0);
                    } else {
                        self.compare_op(*op);
                    }
                }
                if !cleanups.is_empty() {
                    let jump_end = self.emit(Op::JumpForward, 0);
                    // Cleanup path: [b, result] -> [result].
                    let cleanup = self.here();
                    for j in cleanups {
                        self.patch(j, cleanup);
                    }
                    self.depth += 1;
                    self.emit(Op::Swap, 2);
                    self.emit(Op::PopTop, 0);
                    let end = self.here();
                    self.patch(jump_end, end);
                }
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if args.iter().any(|a| matches!(a, Expr::Starred(_)))
                || keywords.iter().any(|k| k.arg.is_none()) =>
            {
                self.call_ex(func, args, keywords)
            }
            Expr::Starred(_) => {
                unreachable!(
                    "the parser keeps starred expressions inside call arguments and displays, compiled above"
                )
            }
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func);
                for a in args {
                    self.expr(a);
                }
                if keywords.is_empty() {
                    self.emit(Op::Call, args.len() as u32);
                } else {
                    for k in keywords {
                        self.expr(&k.value);
                    }
                    let names: Vec<String> = keywords.iter().flat_map(|k| k.arg.clone()).collect();
                    let index = self.kw_names_index(names);
                    let arg = call_kw_arg(args.len(), keywords.len(), index);
                    self.emit(Op::CallKw, arg);
                }
            }
            Expr::Str(s) => {
                let c = self.constant(Const::Str(s.clone()));
                self.emit(Op::LoadConst, c);
            }
            Expr::ListComp { elt, generators } => {
                self.comprehension(comprehension::CompKind::List(elt), generators)
            }
            Expr::SetComp { elt, generators } => {
                self.comprehension(comprehension::CompKind::Set(elt), generators)
            }
            Expr::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(comprehension::CompKind::Dict(key, value), generators),
            Expr::Set(items) => self.set_display(items),
            Expr::Lambda {
                params,
                defaults,
                body,
            } => {
                let body = scope::Body::Expr(body);
                self.function_object(
                    "<lambda>",
                    params,
                    &StarParams::default(),
                    defaults,
                    body,
                    None,
                )
            }
        }
    }
}

impl CodeBuilder<'_> {
    /// The index of keyword names tuple `names` in the program's table
    /// (shared by equal tuples).
    fn kw_names_index(&mut self, names: Vec<String>) -> usize {
        let table = self
            .kw_names
            .as_deref_mut()
            .expect("every code builder has the program's tables");
        match table.iter().position(|t| *t == names) {
            Some(i) => i,
            None => {
                table.push(names);
                table.len() - 1
            }
        }
    }

    /// COMPARE_OP, or CONTAINS_OP for `in` / `not in`.
    fn compare_op(&mut self, op: CmpOp) {
        match op {
            CmpOp::In => self.emit(Op::ContainsOp, 0),
            CmpOp::NotIn => self.emit(Op::ContainsOp, 1),
            CmpOp::Is => self.emit(Op::IsOp, 0),
            CmpOp::IsNot => self.emit(Op::IsOp, 1),
            _ => self.emit(Op::CompareOp, cmp_arg(op)),
        };
    }

    /// A slice's three parts, absent ones as None.
    fn slice_parts(
        &mut self,
        lower: &Option<Box<Expr>>,
        upper: &Option<Box<Expr>>,
        step: &Option<Box<Expr>>,
    ) {
        for part in [lower, upper, step] {
            match part {
                Some(x) => self.expr(x),
                None => {
                    self.emit(Op::LoadConst, 0);
                }
            }
        }
    }
}

/// Expressions that always evaluate to an exact bool in S0 (no TO_BOOL needed).
fn is_exact_bool(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Bool(_)
            | Expr::Compare { .. }
            | Expr::UnaryOp {
                op: UnaryOp::Not,
                ..
            }
    )
}

/// The constant `from math import attr` binds (the front end admits only
/// names the module has).
fn math_attr_const(attr: &str) -> Const {
    use crate::runtime::math::{CONSTANTS, FUNCTIONS};
    if let Some((_, f)) = FUNCTIONS.iter().find(|(n, _)| *n == attr) {
        return Const::Value(*f);
    }
    let x = CONSTANTS
        .iter()
        .find(|(n, _)| *n == attr)
        .map_or(f64::NAN, |(_, x)| *x);
    Const::Float(x.to_bits())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_program;

    fn ops(src: &str, code: usize) -> Vec<Op> {
        compile(&parse_program(src).unwrap()).codes[code]
            .instrs
            .iter()
            .map(|i| i.op)
            .collect()
    }

    #[test]
    fn for_loop_has_cpython_shape() {
        let o = ops(
            "def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n",
            1,
        );
        let pos = |op| o.iter().position(|x| *x == op).unwrap();
        assert!(pos(Op::GetIter) < pos(Op::ForIter) && pos(Op::ForIter) < pos(Op::JumpBackward));
        assert_eq!(o.last(), Some(&Op::ReturnValue));
    }

    #[test]
    fn unbound_checks_only_where_a_local_may_be_unassigned() {
        let o = ops(
            "def f(n):\n    x = 1\n    if n:\n        y = 2\n    else:\n        y = 3\n    if n:\n        z = 4\n    for i in range(n):\n        w = i\n    return x + y + z + w + i\n",
            1,
        );
        let loads: Vec<Op> = o
            .iter()
            .copied()
            .filter(|op| matches!(op, Op::LoadFast | Op::LoadFastCheck))
            .collect();
        // n, n, n (a parameter), i inside its loop, then x and y (assigned on
        // every path); z, w and i after the loop may be unassigned.
        use Op::{LoadFast as F, LoadFastCheck as C};
        assert_eq!(loads, [F, F, F, F, F, F, C, C, C]);
    }

    #[test]
    fn stack_size_covers_chains_and_calls() {
        let p = compile(&parse_program("print(1 < 2 < 3, 4 and 5 or 6, f(1, 2, 3))\n").unwrap());
        assert!(p.codes[0].stack_size >= 5, "{}", p.codes[0].stack_size);
    }
}
