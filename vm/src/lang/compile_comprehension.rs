//! List, set and dict comprehensions, compiled inline as CPython 3.12 does
//! (PEP 709): no function object and no frame, just nested `FOR_ITER` loops
//! feeding a `LIST_APPEND`, `SET_ADD` or `MAP_ADD` into the container kept
//! below the iterators.
//!
//! Python 3 gives a comprehension its own scope: its targets never leak
//! into (or clobber) the enclosing scope's variables. Each target gets a
//! fresh hidden local slot of the enclosing code, at module level too (the
//! module frame then has locals, which no source name ever reaches), and
//! names resolve to the innermost comprehension binding them first. The
//! slots are never reused, so one comprehension's variables cannot be seen
//! by another, and `DELETE_FAST` unbinds those a run could read before
//! binding them (`[y for x in a for y in f(y)]` raises `UnboundLocalError`
//! on every run, as in CPython).

use super::*;

/// What a comprehension builds, with its element expressions.
#[derive(Clone, Copy)]
pub(super) enum CompKind<'e> {
    List(&'e Expr),
    Set(&'e Expr),
    /// Key, then value.
    Dict(&'e Expr, &'e Expr),
}

impl CodeBuilder<'_> {
    /// The hidden slot of comprehension variable `name`, if one is in scope.
    pub(super) fn comp_slot(&self, name: &str) -> Option<u32> {
        self.comp_scopes
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, slot)| *slot)
    }

    /// Gives every name `target` binds a fresh hidden slot, in scope until
    /// the comprehension ends, unless an earlier clause of the same
    /// comprehension (its scopes start at `own_scopes`) binds it already:
    /// one name is one variable of the comprehension.
    fn bind_comp_target(&mut self, target: &Target, own_scopes: usize) {
        let mut names = vec![];
        target.for_each_name(&mut |n| names.push(n.to_string()));
        for n in names {
            if self.comp_scopes[own_scopes..].iter().any(|(b, _)| *b == n) {
                continue;
            }
            let slot = self.code.local_names.len() as u32;
            // Shown as the source name (in `UnboundLocalError` and `show`).
            self.code.local_names.push(n.clone());
            self.comp_scopes.push((n, slot));
        }
    }

    /// `[elt for t0 in it0 if c0 for t1 in it1 ...]`:
    ///
    /// ```text
    ///     <it0>; GET_ITER; BUILD_LIST 0; SWAP 2     -> list, iter0
    /// h0: FOR_ITER e0; <store t0>; <c0>; POP_JUMP_IF_FALSE b0
    ///     <it1>; GET_ITER
    /// h1: FOR_ITER e1; <store t1> ...
    ///     <elt>; LIST_APPEND n+1
    /// b1: JUMP_BACKWARD h1
    /// e1: JUMP_BACKWARD h0 (b0)
    /// e0:                                           -> list
    /// ```
    ///
    /// The first iterable is evaluated in the enclosing scope, before any
    /// target is bound; the others inside.
    pub(super) fn comprehension(&mut self, kind: CompKind, generators: &[Comprehension]) {
        let scopes_before = self.comp_scopes.len();
        let assigned_before = self.assigned.clone();
        let first = &generators[0];
        self.iterable(&first.iter);
        self.emit(Op::GetIter, 0);
        let (op, scope_name) = match kind {
            CompKind::List(_) => (Op::BuildList, "<listcomp>"),
            CompKind::Set(_) => (Op::BuildSet, "<setcomp>"),
            CompKind::Dict(..) => (Op::BuildMap, "<dictcomp>"),
        };
        self.emit(op, 0);
        self.comp_kinds.push(scope_name);
        self.emit(Op::Swap, 2);
        // Every target is the comprehension's from the start (a later
        // clause's variable read in an earlier clause is unbound, not the
        // enclosing scope's). The first clause binds its own before any
        // read; the others may be read before they are bound, and a
        // previous run must not have left them bound.
        for (level, g) in generators.iter().enumerate() {
            let first_slot = self.code.local_names.len() as u32;
            self.bind_comp_target(&g.target, scopes_before);
            if level > 0 {
                for slot in first_slot..self.code.local_names.len() as u32 {
                    self.emit(Op::DeleteFast, slot);
                }
            }
        }
        self.comp_level(kind, generators, 0);
        self.comp_kinds.pop();
        self.comp_scopes.truncate(scopes_before);
        self.assigned = assigned_before;
    }

    fn comp_level(&mut self, kind: CompKind, generators: &[Comprehension], level: usize) {
        let g = &generators[level];
        if level > 0 {
            self.iterable(&g.iter);
            self.emit(Op::GetIter, 0);
        }
        let head = self.here();
        let for_iter = self.emit(Op::ForIter, 0);
        self.store_target(&g.target);
        let mut skips = vec![];
        for cond in &g.ifs {
            self.condition(cond);
            skips.push(self.emit(Op::PopJumpIfFalse, 0));
        }
        if level + 1 < generators.len() {
            self.comp_level(kind, generators, level + 1);
        } else {
            // The container sits below one iterator per clause.
            let depth = generators.len() as u32 + 1;
            match kind {
                CompKind::List(elt) => {
                    self.expr(elt);
                    self.emit(Op::ListAppend, depth);
                }
                CompKind::Set(elt) => {
                    self.expr(elt);
                    self.emit(Op::SetAdd, depth);
                }
                CompKind::Dict(key, value) => {
                    self.expr(key);
                    self.expr(value);
                    self.emit(Op::MapAdd, depth);
                }
            }
        }
        let back_edge = self.here();
        for j in skips {
            self.patch(j, back_edge);
        }
        self.emit(Op::JumpBackward, head);
        // On exhaustion FOR_ITER pops the iterator and jumps here.
        self.depth -= 1;
        let end = self.here();
        self.patch(for_iter, end);
    }
}
