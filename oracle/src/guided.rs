//! The coverage-guided campaign (`jitdiff fuzz --guided`): keep the
//! programs that reached a JIT behaviour no earlier program reached, and
//! spend part of the campaign on mutants of them (`generator::mutate`),
//! the rest on fresh programs (the blind campaign's, index for index).
//! The mutants' share follows their yield: new behaviours per mutant
//! against new behaviours per fresh program, between 1/8 and 7/8.
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

/// Programs drawn at once from one state of the corpus.
pub const BATCH: u64 = 32;

/// Batches between a program and the first batch drawn knowing it.
pub const LAG: u64 = 4;

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
}

/// Yields at a batch's end: `(fresh run, their new behaviours, mutants
/// run, theirs)`, for the share of mutants in later batches.
type Yields = (u64, u64, u64, u64);

pub struct Guide {
    seed: u64,
    seen: BTreeSet<String>,
    /// Kept programs with the index they ran at.
    corpus: Vec<(u64, Module)>,
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
            .partition_point(|(i, _)| *i + (LAG - 1) * BATCH < first);
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
    /// fresh programs, over the programs the corpus knows (see
    /// [`Guide::draw_batch`]); between 1/8 and 7/8, and one half until both
    /// have run.
    fn mutant_share(&self, first: u64) -> u64 {
        let Some(&(fresh, fresh_new, mutants, mutants_new)) = (first / BATCH)
            .checked_sub(LAG)
            .and_then(|b| self.yields_at.get(b as usize))
        else {
            return 500;
        };
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
        // Recent entries reached the newest behaviours: favour them.
        let n = visible as u64;
        let parent = if rng.next_u64() % 2 == 0 {
            (n - 1 - rng.next_u64() % n.min(8)) as usize
        } else {
            (rng.next_u64() % n) as usize
        };
        let mut module = self.corpus[parent].1.clone();
        let mut applied = vec![];
        for _ in 0..1 + rng.next_u64() % 3 {
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
    /// behaviour not seen before. Returns whether it was kept.
    pub fn observe(&mut self, index: u64, by_config: &BTreeMap<String, Coverage>) -> bool {
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
            if new && let Ok(m) = parse_program(&src) {
                self.corpus.push((index, m));
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
