//! The coverage-guided campaign (`jitdiff fuzz --guided`): keep the
//! programs that reached a JIT behaviour no earlier program reached, and
//! spend part of the campaign on mutants of them (`generator::mutate`),
//! the rest on fresh programs (the blind campaign's, index for index).
//! One edit in three is a splice (`generator::splice`): a statement of
//! another kept program's loop put into a loop of this one. The mutants'
//! share follows their yield: new behaviours per mutant against new
//! behaviours per fresh program over the last [`WINDOW`] batches, between
//! 1/8 and 7/8.
//!
//! **Behaviours** are [`coverage::features`]: a pair of consecutive uops in
//! an entered trace, a uop leaving a trace (a guard failing) for the first
//! time, an exit kind, a stencil variant compiled or run on a backend, an
//! optimizer rule, a specialization.
//!
//! **Determinism for any number of workers.** Programs are drawn in
//! batches of [`BATCH`]: batch `b` is drawn, all at once, from the corpus
//! entries of programs of batches `0..b-LAG` (the entries are decided in
//! index order). The coordinator draws batch `b` once every program of
//! those batches was folded in, while the [`LAG`] - 1 batches after them
//! may still be running, so one slow program does not idle the other
//! workers, and a seed and `--count` give the same programs, corpus and
//! findings whatever `--jobs` is.

use std::collections::{BTreeMap, BTreeSet};

use jitdiff_vm::coverage::Coverage;
use jitdiff_vm::lang::{Module, parse_program, unparse};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::campaign::{CampaignOptions, program_seed};
use crate::coverage;
use crate::generator::mutate::{Mutation, mutate};
use crate::generator::splice::splice;

/// Programs drawn at once from one state of the corpus.
pub const BATCH: u64 = 32;

/// Batches between a program and the first batch drawn knowing it.
pub const LAG: u64 = 4;

/// Batches over which the yields of mutants and fresh programs are
/// compared (see [`Guide::mutant_share`]).
pub const WINDOW: u64 = 8;

/// Keeps the guided campaign's different seed stream apart from the
/// campaign's own.
const MUTATION_SALT: u64 = 0x6775_6964_6564_0001;

/// Where a guided program came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// The blind campaign's program of this index.
    Fresh,
    /// Corpus entry `parent` under these mutations.
    Mutant {
        parent: usize,
        mutations: Vec<String>,
    },
}

/// The guided campaign's counters (in the final statistics).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideStats {
    pub fresh: u64,
    pub mutants: u64,
    /// Mutations the front end rejected (replaced by fresh programs).
    pub rejected: u64,
    /// Programs kept for reaching something new.
    pub corpus: u64,
    /// Distinct behaviours reached, after every batch: `(programs, behaviours)`.
    pub curve: Vec<(u64, u64)>,
    /// New behaviours first reached by fresh programs, and by mutants.
    pub new_by_fresh: u64,
    pub new_by_mutants: u64,
    /// By mutation: mutants it made (with others, for mutants edited more
    /// than once), and the new behaviours those mutants reached.
    pub by_mutation: BTreeMap<String, (u64, u64)>,
}

/// Yields at a batch's end: `(fresh run, their new behaviours, mutants
/// run, theirs)`, for the share of mutants in later batches.
type Yields = (u64, u64, u64, u64);

pub struct Guide {
    seed: u64,
    seen: BTreeSet<String>,
    /// Kept programs with the index they ran at and their cost (see
    /// [`Guide::observe`]).
    corpus: Vec<(u64, Module, u64)>,
    /// Programs drawn and not folded in yet, by index, as source text
    /// (what the workers parse).
    batch: BTreeMap<u64, (String, Origin)>,
    /// Running yields, and their value at the end of each batch.
    yields: Yields,
    yields_at: Vec<Yields>,
    pub stats: GuideStats,
}

impl Guide {
    pub fn new(seed: u64) -> Guide {
        Guide {
            seed,
            seen: BTreeSet::new(),
            corpus: vec![],
            batch: BTreeMap::new(),
            yields: (0, 0, 0, 0),
            yields_at: vec![],
            stats: GuideStats::default(),
        }
    }

    /// Whether the batch starting at `first` may be drawn once `folded`
    /// programs were folded in: all of those before its last [`LAG`] - 1
    /// batches.
    pub fn may_draw(first: u64, folded: u64) -> bool {
        folded + LAG * BATCH >= first + BATCH
    }

    /// Draws the batch starting at `first` (a multiple of [`BATCH`]) from
    /// the corpus entries of programs before `first - (LAG - 1) * BATCH`
    /// (see [`Guide::may_draw`]).
    pub fn draw_batch(&mut self, opts: &CampaignOptions, first: u64) {
        debug_assert!(first.is_multiple_of(BATCH));
        let visible = self
            .corpus
            .partition_point(|(i, _, _)| *i + (LAG - 1) * BATCH < first);
        let share = self.mutant_share(first);
        for index in first..first + BATCH {
            let (module, origin) = self.draw(opts, index, visible, share);
            match origin {
                Origin::Fresh => self.stats.fresh += 1,
                Origin::Mutant { .. } => self.stats.mutants += 1,
            }
            self.batch.insert(index, (unparse(&module), origin));
        }
    }

    /// The source of program `index` of the current batch.
    pub fn source(&self, index: u64) -> Option<&str> {
        self.batch.get(&index).map(|(s, _)| s.as_str())
    }

    /// The share of mutants (per mille) in the batch starting at `first`:
    /// as productive as they were, in new behaviours per program, against
    /// fresh programs, over the last [`WINDOW`] batches the corpus knows
    /// (see [`Guide::draw_batch`]); between 1/8 and 7/8, and one half until
    /// both have run in that window. A window, not the whole campaign:
    /// the first fresh programs find hundreds of behaviours each, easy ones
    /// a later fresh program no longer finds, and a campaign-long average
    /// would hold mutants at 1/8 long after fresh programs stopped paying.
    fn mutant_share(&self, first: u64) -> u64 {
        let Some(last) = (first / BATCH).checked_sub(LAG) else {
            return 500;
        };
        let Some(&(f1, fn1, m1, mn1)) = self.yields_at.get(last as usize) else {
            return 500;
        };
        let (f0, fn0, m0, mn0) = last
            .checked_sub(WINDOW)
            .and_then(|b| self.yields_at.get(b as usize))
            .copied()
            .unwrap_or_default();
        let (fresh, fresh_new, mutants, mutants_new) = (f1 - f0, fn1 - fn0, m1 - m0, mn1 - mn0);
        if fresh == 0 || mutants == 0 {
            return 500;
        }
        let (yf, ym) = (
            (fresh_new as f64 + 1.0) / fresh as f64,
            (mutants_new as f64 + 1.0) / mutants as f64,
        );
        ((1000.0 * ym / (ym + yf)) as u64).clamp(125, 875)
    }

    /// Program `index`, from the first `visible` corpus entries; a mutant
    /// with probability `share` per mille.
    fn draw(
        &mut self,
        opts: &CampaignOptions,
        index: u64,
        visible: usize,
        share: u64,
    ) -> (Module, Origin) {
        let fresh = || opts.program(program_seed(opts.seed, index));
        let mut rng = StdRng::seed_from_u64(program_seed(self.seed ^ MUTATION_SALT, index));
        if visible == 0 || rng.next_u64() % 1000 >= share {
            return (fresh(), Origin::Fresh);
        }
        // Recent entries reached the newest behaviours: favour them. Of
        // two draws the cheaper wins: the programs kept for reaching
        // something are the larger ones, and a mutant costs what its parent
        // did, so without this the guided campaign ran 13% fewer programs
        // than the blind one in the same time.
        let n = visible as u64;
        let recent = rng.next_u64() % 2 == 0;
        let mut one = || {
            if recent {
                (n - 1 - rng.next_u64() % n.min(8)) as usize
            } else {
                (rng.next_u64() % n) as usize
            }
        };
        let (a, b) = (one(), one());
        let parent = if self.corpus[b].2 < self.corpus[a].2 {
            b
        } else {
            a
        };
        let mut module = self.corpus[parent].1.clone();
        let mut applied = vec![];
        for _ in 0..1 + rng.next_u64() % 3 {
            // One edit in three splices in a statement of another entry's
            // loop (or of the parent's own, into another loop).
            if rng.next_u64() % 3 == 0 {
                let donor = &self.corpus[(rng.next_u64() % n) as usize].1;
                if let Some(out) = splice(&module, donor, &mut rng) {
                    module = out;
                    applied.push("Splice".to_string());
                }
                continue;
            }
            let m = Mutation::ALL[(rng.next_u64() % Mutation::ALL.len() as u64) as usize];
            if let Some(out) = mutate(&module, m, &mut rng) {
                module = out;
                applied.push(format!("{m:?}"));
            }
        }
        // The workers parse the text: it must pass the front end's checks.
        match parse_program(&unparse(&module)) {
            Ok(parsed) if !applied.is_empty() => (
                parsed,
                Origin::Mutant {
                    parent,
                    mutations: applied,
                },
            ),
            _ => {
                self.stats.rejected += 1;
                (fresh(), Origin::Fresh)
            }
        }
    }

    /// Folds in program `index` (in index order): keeps it if it reached a
    /// behaviour not seen before. `cost` is the work the program made the
    /// interpreters do (tier-1 instructions and tier-2 uops over every
    /// configuration): deterministic, unlike its wall time, and what makes
    /// its mutants slow or fast. Returns whether it was kept.
    pub fn observe(
        &mut self,
        index: u64,
        by_config: &BTreeMap<String, Coverage>,
        cost: u64,
    ) -> bool {
        let mut found = 0;
        for f in coverage::features(by_config) {
            found += self.seen.insert(f) as u64;
        }
        let new = found > 0;
        if let Some((src, origin)) = self.batch.remove(&index) {
            if matches!(origin, Origin::Fresh) {
                self.yields.0 += 1;
                self.yields.1 += found;
                self.stats.new_by_fresh += found;
            } else {
                self.yields.2 += 1;
                self.yields.3 += found;
                self.stats.new_by_mutants += found;
            }
            if let Origin::Mutant { mutations, .. } = &origin {
                let distinct: BTreeSet<&String> = mutations.iter().collect();
                for m in distinct {
                    let e = self.stats.by_mutation.entry(m.clone()).or_default();
                    e.0 += 1;
                    e.1 += found;
                }
            }
            if new && let Ok(m) = parse_program(&src) {
                self.corpus.push((index, m, cost));
                self.stats.corpus += 1;
            }
        }
        if (index + 1).is_multiple_of(BATCH) {
            self.stats.curve.push((index + 1, self.seen.len() as u64));
            self.yields_at.push(self.yields);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cumulative yields after each batch: fresh programs find 3,000
    /// behaviours in the first batch and nothing after it; mutants, half
    /// of each later batch, one behaviour each.
    fn guide_with_yields(batches: u64) -> Guide {
        let mut g = Guide::new(1);
        let mut y: Yields = (32, 3000, 0, 0);
        g.yields_at.push(y);
        for _ in 1..batches {
            y = (y.0 + 16, y.1, y.2 + 16, y.3 + 16);
            g.yields_at.push(y);
        }
        g
    }

    /// The share follows the last WINDOW batches: once the first batch's
    /// easy finds are out of the window, productive mutants get the most
    /// programs; while it is in, they get the least.
    #[test]
    fn the_mutant_share_follows_recent_yields() {
        let g = guide_with_yields(40);
        // Batch LAG + 1 is drawn from yields up to batch 1: the first
        // batch's 3,000 finds weigh in.
        assert_eq!(g.mutant_share((LAG + 1) * BATCH), 125);
        // Batch 30 sees batches 19 to 26: fresh programs found nothing there.
        assert_eq!(g.mutant_share(30 * BATCH), 875);
        // Too early to know: one half.
        assert_eq!(g.mutant_share(BATCH), 500);
    }
}
