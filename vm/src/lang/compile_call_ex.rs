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
        // CPython passes a lone `*it` to CALL_FUNCTION_EX as it is, whose
        // TypeError names the callee; any other mix goes through LIST_EXTEND.
        let only_star = args.len() == 1;
        for a in args {
            match a {
                Expr::Starred(it) => {
                    self.expr(it);
                    let arg = if only_star {
                        crate::tier1::call_ex::LIST_EXTEND_CALL_ONLY_STAR
                    } else {
                        0
                    };
                    self.emit(Op::ListExtend, arg);
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

    /// `[*a, x, *b]`, `(*a, x)` or `{*a, x}` (CPython 3.11's
    /// `starunpack_helper`), and a list or tuple display of more than
    /// [`STACK_USE_GUIDELINE`] items: the items in a list, `LIST_EXTEND`
    /// for each `*it` and `LIST_APPEND` for each item (all of them once the
    /// display is big, as CPython's), on a None where `LIST_EXTEND` of a
    /// call has its callee; a tuple's list becomes a tuple, and a set's
    /// items go into a new set in their order (CPython adds them to the set
    /// as it goes: only an unhashable item, raising after the items left
    /// of it were evaluated rather than before, would show).
    pub(super) fn star_display(&mut self, items: &[Expr], kind: StarDisplay) {
        self.emit(Op::LoadConst, 0);
        let first_star = if items.len() > STACK_USE_GUIDELINE {
            0
        } else {
            items
                .iter()
                .position(|x| matches!(x, Expr::Starred(_)))
                .unwrap_or(items.len())
        };
        for x in &items[..first_star] {
            self.expr(x);
        }
        self.emit(Op::BuildList, first_star as u32);
        // A set's `*5` is `iter()`'s own TypeError (CPython's SET_UPDATE).
        let extend = match kind {
            StarDisplay::Set => crate::tier1::call_ex::LIST_EXTEND_ITER_ERROR,
            _ => 0,
        };
        for x in &items[first_star..] {
            match x {
                Expr::Starred(it) => {
                    self.expr(it);
                    self.emit(Op::ListExtend, extend);
                }
                _ => {
                    self.expr(x);
                    self.emit(Op::ListAppend, 1);
                }
            }
        }
        match kind {
            StarDisplay::List => {}
            StarDisplay::Tuple => {
                self.emit(Op::ListToTuple, 0);
            }
            StarDisplay::Set => {
                self.emit(Op::BuildSet, 0);
                self.emit(Op::Swap, 2);
                self.emit(Op::SetUpdate, 1);
            }
        }
        // Drop the None below the result.
        self.emit(Op::Swap, 2);
        self.emit(Op::PopTop, 0);
    }

    /// `{**a, k: v, **b}`, or a dict display of more than 15 pairs (CPython
    /// 3.11's `compiler_dict`): each run of pairs built as a dict, the
    /// first run or `BUILD_MAP 0` the result, merged into it in order with
    /// `DICT_MERGE` in its display mode (a later key replaces an earlier
    /// one's value, a non-mapping is `'int' object is not a mapping`:
    /// CPython's `DICT_UPDATE`), on two Nones where a call's `DICT_MERGE`
    /// has its callee and arguments. A run ends at a `**m` and after 17
    /// pairs ([`dict_runs`]); a run of 16 or more is built pair by pair
    /// (`BUILD_MAP 0`, `MAP_ADD`, CPython's `compiler_subdict` when `big`),
    /// a shorter one evaluated whole, then built (`BUILD_MAP n`), so an
    /// unhashable key raises where CPython's does.
    pub(super) fn dict_runs_display(&mut self, items: &[(Expr, Expr)]) {
        let merge = crate::tier1::call_ex::DICT_MERGE_DISPLAY;
        self.emit(Op::LoadConst, 0);
        self.emit(Op::LoadConst, 0);
        let mut have_dict = false;
        for run in dict_runs(items) {
            match run {
                DictRun::Spread(m) => {
                    if !have_dict {
                        self.emit(Op::BuildMap, 0);
                    }
                    self.expr(m);
                    self.emit(Op::DictMerge, merge);
                }
                DictRun::Pairs(pairs) => {
                    let big = 2 * pairs.len() > STACK_USE_GUIDELINE;
                    if big {
                        self.emit(Op::BuildMap, 0);
                    }
                    for (k, v) in pairs {
                        self.expr(k);
                        self.expr(v);
                        if big {
                            self.emit(Op::MapAdd, 1);
                        }
                    }
                    if !big {
                        self.emit(Op::BuildMap, pairs.len() as u32);
                    }
                    if have_dict {
                        self.emit(Op::DictMerge, merge);
                    }
                }
            }
            have_dict = true;
        }
        if !have_dict {
            self.emit(Op::BuildMap, 0);
        }
        // Drop the two Nones below the result.
        self.emit(Op::Swap, 3);
        self.emit(Op::PopTop, 0);
        self.emit(Op::PopTop, 0);
    }

    fn flush_keywords(&mut self, run: &mut u32) {
        if *run > 0 {
            self.emit(Op::BuildMap, *run);
            self.emit(Op::DictMerge, 0);
            *run = 0;
        }
    }
}

/// CPython's `STACK_USE_GUIDELINE`: a display with more items (a dict
/// display with more than half as many pairs) is built as it goes.
pub(super) const STACK_USE_GUIDELINE: usize = 30;

/// A dict display's parts as CPython 3.11's `compiler_dict` cuts them.
pub(super) enum DictRun<'a> {
    /// `**m`.
    Spread(&'a Expr),
    /// Consecutive `k: v` pairs.
    Pairs(&'a [(Expr, Expr)]),
}

/// `compiler_dict`'s runs: a `**m` ends the run before it, and a run ends
/// with its 17th pair (the pair met once 16 are counted, as
/// `elements * 2 > STACK_USE_GUIDELINE`).
pub(super) fn dict_runs(items: &[(Expr, Expr)]) -> Vec<DictRun<'_>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, (k, _)) in items.iter().enumerate() {
        if let Expr::Starred(m) = k {
            if start < i {
                runs.push(DictRun::Pairs(&items[start..i]));
            }
            runs.push(DictRun::Spread(m));
            start = i + 1;
        } else if 2 * (i - start) > STACK_USE_GUIDELINE {
            runs.push(DictRun::Pairs(&items[start..=i]));
            start = i + 1;
        }
    }
    if start < items.len() {
        runs.push(DictRun::Pairs(&items[start..]));
    }
    runs
}

/// What a display with a star builds.
#[derive(Clone, Copy)]
pub(super) enum StarDisplay {
    List,
    Tuple,
    Set,
}
