//! Calls that unpack (`f(*xs)`, `f(**kw)`, any mix): CPython's
//! `CALL_FUNCTION_EX`. The positional arguments are collected into a list
//! (`LIST_EXTEND` for each `*xs`), the keywords into a dict (`DICT_MERGE`,
//! which raises on a repeated name), then the call binds them as a call
//! with those arguments written out would.

use super::*;

impl CodeBuilder<'_> {
    /// `[] -> [result]`. Stack while building: `[func, list, dict]`.
    pub(super) fn call_ex(&mut self, func: &Expr, args: &[Expr], keywords: &[Keyword]) {
        self.expr(func);
        self.emit(Op::BuildList, 0);
        for a in args {
            match a {
                Expr::Starred(it) => {
                    self.expr(it);
                    self.emit(Op::ListExtend, 0);
                }
                _ => {
                    self.expr(a);
                    self.emit(Op::ListAppend, 1);
                }
            }
        }
        if keywords.is_empty() {
            self.emit(Op::CallFunctionEx, 0);
            return;
        }
        self.emit(Op::BuildMap, 0);
        // Named keywords in runs, each run merged as one dict (CPython's
        // order: a name repeated across runs and `**` raises at the merge).
        let mut run = 0;
        for k in keywords {
            match &k.arg {
                Some(name) => {
                    let c = self.constant(Const::Str(name.clone()));
                    self.emit(Op::LoadConst, c);
                    self.expr(&k.value);
                    run += 1;
                }
                None => {
                    self.flush_keywords(&mut run);
                    self.expr(&k.value);
                    self.emit(Op::DictMerge, 0);
                }
            }
        }
        self.flush_keywords(&mut run);
        self.emit(Op::CallFunctionEx, 1);
    }

    fn flush_keywords(&mut self, run: &mut u32) {
        if *run > 0 {
            self.emit(Op::BuildMap, *run);
            self.emit(Op::DictMerge, 0);
            *run = 0;
        }
    }
}
