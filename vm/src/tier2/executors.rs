//! Executor management: forming traces at hot loops and hot exits,
//! installing them, and invalidating them when the globals they promoted
//! change (the dictionary watcher).

use crate::coverage::ExitWay;
use crate::planted;
use crate::tier1::Run;

use super::Executor;
use super::optimizer::{self, OptContext};
use super::stress;
use super::trace;
use super::uops::Uop;

/// Watcher firings after which the optimizer stops promoting globals
/// (CPython stops after a few watched mutations too).
const WATCHER_BUDGET: u32 = 6;

impl Run<'_> {
    /// Called at every back edge when tier 2 is on: the loop's executor, if
    /// it has (or now forms) one. `at` is the JUMP_BACKWARD's index.
    pub(crate) fn hot_loop(&mut self, cid: usize, at: usize, head: u32) -> Option<usize> {
        if let Some(eid) = self.executor_at(cid, head) {
            return Some(eid);
        }
        let hot = self.config.tier2.as_ref()?.hot as u64;
        let c = &mut self.program.codes[cid].caches[at];
        c.version += 1;
        // Exponential backoff after an aborted projection.
        if c.version < hot << c.backoff.min(10) {
            return None;
        }
        c.version = 0;
        match self.form_trace(cid, head, None) {
            Some(eid) => Some(eid),
            None => {
                self.program.codes[cid].caches[at].backoff += 1;
                None
            }
        }
    }

    /// The valid loop executor starting at `(cid, start)`, if any.
    pub(crate) fn executor_at(&self, cid: usize, start: u32) -> Option<usize> {
        self.executor_index
            .get(&(cid, start))
            .copied()
            .filter(|&e| self.executors[e].valid)
    }

    /// Projects, optimizes and installs a trace from `start`. `parent` is
    /// `(executor, exit)` for a side trace.
    pub(crate) fn form_trace(
        &mut self,
        cid: usize,
        start: u32,
        parent: Option<(usize, usize)>,
    ) -> Option<usize> {
        let t2 = self.config.tier2.clone()?;
        let started = std::time::Instant::now();
        let code = &self.program.codes[cid];
        let raw = match trace::project(code, &self.consts[cid], start, t2.max_len) {
            Ok(r) => r,
            Err(_) => {
                self.tier2_stats.aborted += 1;
                self.phases.trace_ns += started.elapsed().as_nanos() as u64;
                return None;
            }
        };
        let mut opt = t2.opt;
        opt.inject_loop_carried_types = planted::assumes_loop_carried_types(self.config.inject);
        opt.inject_drop_set_ip = planted::drops_set_ip(self.config.inject);
        opt.inject_callable_guard_trusts_unknown =
            planted::callable_guard_trusts_unknown(self.config.inject);
        let entry_depth = code.depth_at[start as usize];
        let cx = OptContext {
            globals: self.globals,
            builtins: self.builtins,
            may_promote: self.watcher_firings < WATCHER_BUDGET
                && !raw.iter().any(|u| u.uop == Uop::StoreGlobal),
            entry_depth,
            nlocals: code.local_names.len() as u32,
        };
        let mut o = optimizer::optimize(&raw, &cx, &opt);
        if let Some(forced) = t2.forced {
            o.uops = stress::insert_forced_failures(o.uops, forced);
        }
        if opt.check_guards {
            o.uops = stress::insert_ip_checks(o.uops);
        }
        let chain_depth = parent.map_or(0, |(p, _)| self.executors[p].chain_depth + 1);
        self.tier2_stats.traces += 1;
        *self.formations.entry((cid, start)).or_default() += 1;
        self.tier2_stats.side_traces += parent.is_some() as u64;
        self.tier2_stats.raw_uops += raw.len() as u64;
        self.tier2_stats.uops += o.uops.len() as u64;
        self.tier2_stats.guards_removed += o.removed.len() as u64;
        self.tier2_stats.folded += o.folded as u64;
        for rule in &o.fired {
            *self.coverage.rules.entry(rule.name()).or_default() += 1;
        }
        let ex = Executor {
            cid,
            start,
            raw,
            uops: o.uops.into(),
            exits: vec![],
            removed: o.removed,
            valid: true,
            entry_depth,
            depends_on_globals: o.depends_on_globals,
            depends_on_types: o.type_versions,
            chain_depth,
            parent,
            entries: 0,
            code: None,
        }
        .with_exits();
        self.globals_watched |= ex.depends_on_globals;
        let eid = self.executors.len();
        self.executors.push(ex);
        let traced = std::time::Instant::now();
        self.phases.trace_ns += (traced - started).as_nanos() as u64;
        self.jit_compile(eid);
        self.phases.jit_compile_ns += traced.elapsed().as_nanos() as u64;
        if parent.is_none() && !planted::forgets_loop_trace(self.config.inject) {
            self.executor_index.insert((cid, start), eid);
        }
        Some(eid)
    }

    /// The globals watcher fired: every executor that promoted globals is
    /// invalidated (a running one leaves at its next `_CHECK_VALIDITY`).
    pub(crate) fn globals_modified(&mut self) {
        if planted::forgets_global_dependency(self.config.inject) {
            return; // planted bug: the dependency is forgotten
        }
        self.watcher_firings += 1;
        let mut invalidated = vec![];
        for (eid, ex) in self
            .executors
            .iter_mut()
            .enumerate()
            .filter(|(_, e)| e.valid && e.depends_on_globals)
        {
            ex.valid = false;
            self.tier2_stats.invalidations += 1;
            self.coverage.exit(ExitWay::Invalidation);
            invalidated.push(eid);
        }
        if !invalidated.is_empty() {
            self.jit_invalidated(&invalidated);
        }
        self.globals_watched = false;
    }

    /// The type watcher fired: a class whose version was `old` changed.
    /// Every executor that relied on that version without a guard is
    /// invalidated (a running one leaves at its next `_CHECK_VALIDITY`).
    pub(crate) fn type_version_retired(&mut self, old: u64) {
        let mut invalidated = vec![];
        for (eid, ex) in self
            .executors
            .iter_mut()
            .enumerate()
            .filter(|(_, e)| e.valid && e.depends_on_types.contains(&old))
        {
            ex.valid = false;
            self.tier2_stats.invalidations += 1;
            self.coverage.exit(ExitWay::Invalidation);
            invalidated.push(eid);
        }
        if !invalidated.is_empty() {
            self.jit_invalidated(&invalidated);
        }
    }
}
