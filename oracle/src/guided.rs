//! The coverage-guided campaign (`jitdiff fuzz --guided`): keep the
//! programs that reached a JIT behaviour no earlier program reached, and
//! spend part of the campaign on mutants of them (`generator::mutate`),
//! the rest on fresh programs (the blind campaign's, index for index).
//! One edit in three is a splice (`generator::splice`): a statement of
//! another kept program's loop put into a loop of this one. The mutants'
//! share follows their yield: new behaviours per unit of interpreter work
//! by mutants against fresh programs over the last [`WINDOW`] batches,
//! between 1/8 and 7/8 (see [`odds`]).
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
    /// A program of the seed corpus (`--corpus`), by file name.
    Seed(String),
    /// Corpus entry `parent` under these mutations.
    Mutant {
        parent: usize,
        mutations: Vec<String>,
    },
}

/// The guided campaign's counters (in the final statistics).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideStats {
    /// Seed-corpus programs run (the first programs of the campaign).
    pub seeds: u64,
    pub fresh: u64,
    pub mutants: u64,
    /// Mutations the front end rejected (replaced by fresh programs).
    pub rejected: u64,
    /// Programs kept for reaching something new.
    pub corpus: u64,
    /// Distinct behaviours reached, after every batch: `(programs, behaviours)`.
    pub curve: Vec<(u64, u64)>,
    /// New behaviours first reached by seed-corpus programs, by fresh
    /// programs, and by mutants.
    pub new_by_seeds: u64,
    pub new_by_fresh: u64,
    pub new_by_mutants: u64,
    /// By mutation: mutants it made (with others, for mutants edited more
    /// than once), and the new behaviours those mutants reached.
    pub by_mutation: BTreeMap<String, (u64, u64)>,
}

/// What a group of programs did: how many ran, the new behaviours they
/// reached first, and the work they cost (see [`Guide::observe`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    programs: u64,
    new: u64,
    cost: u64,
}

impl Tally {
    fn add(&mut self, new: u64, cost: u64) {
        self.programs += 1;
        self.new += new;
        self.cost += cost;
    }

    fn since(self, before: Tally) -> Tally {
        Tally {
            programs: self.programs - before.programs,
            new: self.new - before.new,
            cost: self.cost - before.cost,
        }
    }
}

/// The odds (per mille, 1/8 to 7/8) that `a` is the better spend than
/// `b`: new behaviours per unit of work, what a campaign of fixed length
/// maximizes (per program, costly programs win and the campaign runs
/// fewer of them). Each rate is shrunk toward the two groups' pooled rate
/// by four programs' worth of work, so a group that found nothing yet is
/// not judged on its cost alone.
fn odds(a: Tally, b: Tally) -> u64 {
    let cost = (a.cost + b.cost).max(1) as f64;
    let pooled = (a.new + b.new) as f64 / cost;
    let prior = 4.0 * cost / (a.programs + b.programs).max(1) as f64;
    let rate = |t: Tally| (t.new as f64 + pooled * prior) / (t.cost as f64 + prior);
    let (ya, yb) = (rate(a), rate(b));
    if ya + yb <= 0.0 {
        return 500;
    }
    ((1000.0 * ya / (ya + yb)) as u64).clamp(125, 875)
}

/// Fresh programs and mutants, for the share of mutants in later batches.
type Yields = (Tally, Tally);

pub struct Guide {
    seed: u64,
    /// The seed corpus, by name: programs `0..seeds.len()` of the campaign.
    seeds: Vec<(String, Module)>,
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
    /// A guide for campaign `seed` whose first programs are `seeds` (see
    /// [`load_seed_corpus`]).
    pub fn new(seed: u64, seeds: Vec<(String, Module)>) -> Guide {
        Guide {
            seed,
            seeds,
            seen: BTreeSet::new(),
            corpus: vec![],
            batch: BTreeMap::new(),
            yields: Default::default(),
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
                Origin::Seed(_) => self.stats.seeds += 1,
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
    /// the [`odds`] of mutants against fresh programs over the last
    /// [`WINDOW`] batches the corpus knows (see [`Guide::draw_batch`]), and
    /// one half until both have run in that window. A window, not the whole campaign:
    /// the first fresh programs find hundreds of behaviours each, easy ones
    /// a later fresh program no longer finds, and a campaign-long average
    /// would hold mutants at 1/8 long after fresh programs stopped paying.
    fn mutant_share(&self, first: u64) -> u64 {
        let Some(last) = (first / BATCH).checked_sub(LAG) else {
            return 500;
        };
        let Some(&(fresh_now, mutants_now)) = self.yields_at.get(last as usize) else {
            return 500;
        };
        let (fresh_before, mutants_before) = last
            .checked_sub(WINDOW)
            .and_then(|b| self.yields_at.get(b as usize))
            .copied()
            .unwrap_or_default();
        let fresh = fresh_now.since(fresh_before);
        let mutants = mutants_now.since(mutants_before);
        if fresh.programs == 0 || mutants.programs == 0 {
            return 500;
        }
        odds(mutants, fresh)
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
        if let Some((name, module)) = self.seeds.get(index as usize) {
            return (module.clone(), Origin::Seed(name.clone()));
        }
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
            // Seeds are in neither yield: they say nothing of what fresh
            // programs or mutants pay.
            match origin {
                Origin::Seed(_) => self.stats.new_by_seeds += found,
                Origin::Fresh => {
                    self.yields.0.add(found, cost);
                    self.stats.new_by_fresh += found;
                }
                Origin::Mutant { .. } => {
                    self.yields.1.add(found, cost);
                    self.stats.new_by_mutants += found;
                }
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

/// The programs of a seed corpus by file name, and the files left out
/// (each with why).
pub type SeedCorpus = (Vec<(String, Module)>, Vec<String>);

/// The seed corpus: every `*.py` file of `dir`, in name order, that the
/// front end accepts (the rest are named in the returned warnings and left
/// out). A file's `# jitdiff limits:` header is not applied: seeds run under
/// the campaign's limits, like every program of it.
pub fn load_seed_corpus(dir: &std::path::Path) -> Result<SeedCorpus, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("seed corpus {}: {e}", dir.display()))?;
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py") && p.is_file())
        .collect();
    files.sort();
    let (mut seeds, mut skipped) = (vec![], vec![]);
    for path in files {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|src| parse_program(&src).map_err(|e| e.to_string()));
        match parsed {
            Ok(module) => seeds.push((name, module)),
            Err(e) => skipped.push(format!("{}: {e}", path.display())),
        }
    }
    Ok((seeds, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `programs` programs costing 100 each that found `new` behaviours.
    fn tally(programs: u64, new: u64) -> Tally {
        Tally {
            programs,
            new,
            cost: 100 * programs,
        }
    }

    /// Cumulative yields after each batch: fresh programs find 3,000
    /// behaviours in the first batch and nothing after it; mutants, half
    /// of each later batch, one behaviour each.
    fn guide_with_yields(batches: u64) -> Guide {
        let mut g = Guide::new(1, vec![]);
        g.yields_at.push((tally(32, 3000), tally(0, 0)));
        for b in 1..batches {
            g.yields_at
                .push((tally(32 + 16 * b, 3000), tally(16 * b, 16 * b)));
        }
        g
    }

    /// The seed corpus: `*.py` files in name order, a file the front end
    /// refuses named and left out, other files ignored.
    #[test]
    fn a_seed_corpus_is_its_parsable_python_files_in_name_order() {
        let dir = std::env::temp_dir().join(format!("jitdiff-seeds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("b.py"), "print(2)\n").unwrap();
        std::fs::write(dir.join("a.py"), "print(1)\n").unwrap();
        std::fs::write(dir.join("c.py"), "print(\n").unwrap();
        std::fs::write(dir.join("d.txt"), "print(4)\n").unwrap();
        let (seeds, skipped) = load_seed_corpus(&dir).unwrap();
        let names: Vec<&str> = seeds.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a.py", "b.py"]);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].contains("c.py"), "{skipped:?}");
        assert!(load_seed_corpus(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Seeds are the campaign's first programs, then fresh programs take
    /// over at their own indices (a mutant needs a corpus LAG batches old).
    #[test]
    fn seeds_come_first() {
        let seeds: Vec<(String, Module)> = ["print(1)\n", "print(2)\n"]
            .iter()
            .enumerate()
            .map(|(i, src)| (format!("{i}.py"), parse_program(src).unwrap()))
            .collect();
        let mut g = Guide::new(5, seeds.clone());
        let opts = CampaignOptions::quiet(vec![], 5, Some(64), None);
        g.draw_batch(&opts, 0);
        assert_eq!(g.source(0), Some(unparse(&seeds[0].1).as_str()));
        assert_eq!(g.source(1), Some(unparse(&seeds[1].1).as_str()));
        let fresh = unparse(&opts.program(program_seed(5, 2)));
        assert_eq!(g.source(2), Some(fresh.as_str()));
        assert_eq!((g.stats.seeds, g.stats.fresh), (2, BATCH - 2));
    }

    /// The share follows the last WINDOW batches: once the first batch's
    /// easy finds are out of the window, productive mutants get the most
    /// programs; while it is in, they get few.
    #[test]
    fn the_mutant_share_follows_recent_yields() {
        let g = guide_with_yields(40);
        // Batch LAG + 1 is drawn from yields up to batch 1: the first
        // batch's 3,000 finds weigh in.
        assert!(g.mutant_share((LAG + 1) * BATCH) < 200);
        // Batch 30 sees batches 19 to 26: fresh programs found nothing there.
        assert_eq!(g.mutant_share(30 * BATCH), 875);
        // Too early to know: one half.
        assert_eq!(g.mutant_share(BATCH), 500);
    }

    /// Per unit of work, not per program: programs three times as costly
    /// that find twice as much are the worse spend.
    #[test]
    fn odds_are_per_unit_of_work() {
        let cheap = tally(100, 100);
        let costly = Tally {
            programs: 100,
            new: 200,
            cost: 30_000,
        };
        assert!(odds(cheap, costly) > 500, "{}", odds(cheap, costly));
        assert!(odds(costly, cheap) < 500);
        // Nothing found by either: even.
        assert_eq!(odds(tally(50, 0), tally(50, 0)), 500);
    }
}
