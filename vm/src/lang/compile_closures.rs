//! Function objects for `def` and `lambda`, with closures as CPython 3.11
//! makes them: the defaults tuple, then a tuple of the cells the new
//! function's free variables live in (`LOAD_CLOSURE` each), then
//! `MAKE_FUNCTION` and the attribute stores. A function whose variables a
//! nested function uses starts with a `MAKE_CELL` for each of them; the
//! call that enters it copies its closure's cells into its free
//! variables' slots (CPython's `COPY_FREE_VARS`, done by the frame push).

use super::*;
use crate::lang::scope::{Body, FnScope};

impl CodeBuilder<'_> {
    /// Compiles a function (its code goes to the program's table) and
    /// emits what makes its function object, leaving it on the stack.
    pub(super) fn function_object(
        &mut self,
        name: &str,
        params: &[String],
        star: &StarParams,
        defaults: &[Expr],
        body: Body,
        super_class: Option<u32>,
    ) {
        // CPython's order: the defaults are evaluated before the function
        // object exists.
        for d in defaults {
            self.expr(d);
        }
        if !defaults.is_empty() {
            self.emit(Op::BuildTuple, defaults.len() as u32);
        }
        let mut enclosing = self.enclosing.clone();
        enclosing.extend(self.scope.clone());
        let outer: Vec<&FnScope> = enclosing.iter().map(|s| &**s).collect();
        // Keyword-only parameters, `*args` and `**kwargs` are locals bound
        // by the call, after the positional parameters.
        let all_params: Vec<String> = params.iter().chain(star.names()).cloned().collect();
        let fscope = FnScope::new(&all_params, body, &outer);
        let frees = fscope.frees.clone();
        // CPython 3.11's qualified name is what its repr and its TypeErrors
        // show (the repr reads it from the name table): a function's
        // children get `.<locals>.`, a generator expression's and a
        // comprehension's (scopes of their own there) only `.`, so
        // `f.<locals>.g`, `f.<locals>.<listcomp>.<lambda>`, `<genexpr>.<lambda>`.
        let mut qualname = match self.scope {
            Some(_) if self.code.name.ends_with("<genexpr>") => format!("{}.", self.code.name),
            Some(_) => format!("{}.<locals>.", self.code.name),
            None => String::new(),
        };
        for c in &self.comp_kinds {
            qualname.push_str(c);
            qualname.push('.');
        }
        qualname.push_str(name);
        let name = qualname;
        let name = name.as_str();
        self.global_id(name);
        let int_bits = self.int_bits;
        let mut fc = CodeBuilder::new(
            name,
            Some((&all_params, fscope)),
            enclosing,
            &mut *self.names,
            &mut *self.codes,
            int_bits,
        );
        fc.kw_names = self.kw_names.as_deref_mut();
        fc.set_consts = self.set_consts.as_deref_mut();
        fc.super_class = super_class;
        fc.code.nparams = params.len() as u32;
        fc.code.kwonly = star.kwonly.iter().map(|(_, d)| *d).collect();
        fc.code.vararg = star.vararg.is_some();
        fc.code.varkw = star.varkw.is_some();
        fc.code.is_generator = matches!(body, Body::Stmts(b) if crate::lang::ast::is_generator(b));
        fc.make_cells();
        match body {
            Body::Stmts(b) => {
                fc.block(b);
                fc.emit(Op::LoadConst, 0);
            }
            Body::Expr(e) => fc.expr(e),
        }
        fc.emit(Op::ReturnValue, 0);
        let code = fc.finish();
        let id = self.codes.len() as u32;
        self.codes.push(code);
        if !frees.is_empty() {
            for n in &frees {
                // Every free variable of a nested function is a cell or a
                // free variable here (the scopes agree by construction).
                let slot = self.local_index(n).unwrap_or(0);
                self.emit(Op::LoadClosure, slot);
            }
            self.emit(Op::BuildTuple, frees.len() as u32);
        }
        self.emit(Op::MakeFunction, id);
        if !frees.is_empty() {
            self.emit(Op::SetFunctionClosure, 0);
        }
        if !defaults.is_empty() {
            self.emit(Op::SetFunctionDefaults, 0);
        }
    }

    /// `MAKE_CELL` for each of this function's own cell variables (a
    /// parameter's cell starts with the argument).
    fn make_cells(&mut self) {
        let Some(scope) = self.scope.clone() else {
            return;
        };
        for (i, l) in scope.locals.iter().enumerate() {
            if scope.cells.contains(l) {
                self.emit(Op::MakeCell, i as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::bytecode::Op;
    use crate::lang::compile::compile;
    use crate::lang::parse_program;

    #[test]
    fn closures_have_cpython_shape() {
        let p = compile(
            &parse_program(
                "def f(a):\n    n = 0\n    def g():\n        nonlocal n\n        n += a\n        return n\n    return g\n",
            )
            .unwrap(),
        );
        let code = |n: &str| p.codes.iter().position(|c| c.name == n).unwrap();
        let ops = |c: usize| p.codes[c].instrs.iter().map(|i| i.op).collect::<Vec<_>>();
        let f = ops(code("f"));
        assert_eq!(&f[..2], [Op::MakeCell, Op::MakeCell]);
        assert!(f.contains(&Op::LoadClosure) && f.contains(&Op::SetFunctionClosure));
        assert!(f.contains(&Op::StoreDeref));
        let g = code("f.<locals>.g");
        assert!(ops(g).contains(&Op::LoadDeref) && ops(g).contains(&Op::StoreDeref));
        assert_eq!((p.codes[g].free_start, p.codes[g].nfree), (0, 2));
    }
}
