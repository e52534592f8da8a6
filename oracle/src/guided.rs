//! The coverage-guided campaign (`jitdiff fuzz --guided`): keep the
//! programs that reached a JIT behaviour no earlier program reached, and
//! spend part of the campaign on mutants of them (`generator::mutate`),
//! the rest on fresh programs (the blind campaign's, index for index).
//! One edit in three is a splice (`generator::splice`): a statement of
//! another kept program's loop put into a loop of this one.
//!
//! A **sibling** is the other way to build on a kept program: a fresh
//! program generated with the kept one's generator features (its swarm
//! draw: floats, classes, sets...), one of them turned on or off half the
//! time, and sizes of its own. A program that reached something new late in a campaign often did
//! so through a rare combination of features; its siblings share the
//! combination, and a whole new program's worth of code around it, where an
//! edit changes one spot of a program that already ran.
//!
//! The shares of fresh programs, siblings and mutants follow their yields:
//! new behaviours per unit of interpreter work over the last [`WINDOW`]
//! batches or more (see [`Guide::shares`] and [`allocate`]).
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
use crate::generator::{self, GenConfig};

/// Programs drawn at once from one state of the corpus.
pub const BATCH: u64 = 32;

/// Batches between a program and the first batch drawn knowing it.
pub const LAG: u64 = 4;

/// Batches over which the yields of fresh programs, mutants and siblings
/// are compared at least (see [`Guide::shares`]).
pub const WINDOW: u64 = 8;

/// New behaviours the window holds at least, if the campaign has them: it
/// reaches back past [`WINDOW`] batches until it does, so shares late in a
/// campaign, when a batch finds one behaviour or none, rest on evidence.
pub const MIN_FINDS: u64 = 32;

/// The least shares (per mille) of fresh programs and of each kind of
/// program built on the corpus (see [`allocate`]).
const FRESH_FLOOR: u64 = 125;
const BUILT_FLOOR: u64 = 62;

/// Keeps the guided campaign's different seed stream apart from the
/// campaign's own.
const MUTATION_SALT: u64 = 0x6775_6964_6564_0001;

/// Keeps the siblings' program seeds apart from the campaign's and the
/// mutations' streams.
const SIBLING_SALT: u64 = 0x6775_6964_6564_0002;

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
    /// A fresh program with corpus entry `parent`'s generator features,
    /// this one turned on or off (`None`: the same features).
    Sibling {
        parent: usize,
        flipped: Option<String>,
    },
}

/// The guided campaign's counters (in the final statistics).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideStats {
    /// Seed-corpus programs run (the first programs of the campaign).
    pub seeds: u64,
    pub fresh: u64,
    pub mutants: u64,
    pub siblings: u64,
    /// Mutations the front end rejected (replaced by fresh programs).
    pub rejected: u64,
    /// Programs kept for reaching something new.
    pub corpus: u64,
    /// Distinct behaviours reached, after every batch: `(programs, behaviours)`.
    pub curve: Vec<(u64, u64)>,
    /// Each batch's shares (per mille): `(first program, fresh, siblings,
    /// mutants)`, in drawing order.
    pub shares: Vec<(u64, u64, u64, u64)>,
    /// New behaviours first reached by seed-corpus programs, by fresh
    /// programs, and by mutants.
    pub new_by_seeds: u64,
    pub new_by_fresh: u64,
    pub new_by_mutants: u64,
    pub new_by_siblings: u64,
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

/// The shares (per mille) of the next batch's programs given what each
/// origin did in the window `y`: a floor each (fresh programs
/// [`FRESH_FLOOR`], siblings and mutants [`BUILT_FLOOR`], so a source that
/// went quiet is still tried and may come back), the rest in proportion to
/// new behaviours per unit of work, what a campaign of fixed length
/// maximizes (per program, costly programs win and the campaign runs fewer
/// of them). Each rate is shrunk toward the pooled rate by four programs'
/// worth of work, so an origin that found nothing yet, or has not run, is
/// not judged on its cost alone.
fn allocate(y: Yields) -> Shares {
    let all = [y.fresh, y.siblings, y.mutants];
    let cost: u64 = all.iter().map(|t| t.cost).sum();
    let programs: u64 = all.iter().map(|t| t.programs).sum();
    let new: u64 = all.iter().map(|t| t.new).sum();
    let cost = cost.max(1) as f64;
    let pooled = new as f64 / cost;
    let prior = 4.0 * cost / programs.max(1) as f64;
    let rate = |t: Tally| (t.new as f64 + pooled * prior) / (t.cost as f64 + prior);
    let rates = all.map(rate);
    let total: f64 = rates.iter().sum();
    if total <= 0.0 {
        return Shares::EVEN;
    }
    let rest = (1000 - FRESH_FLOOR - 2 * BUILT_FLOOR) as f64;
    let part = |r: f64| (rest * r / total) as u64;
    let fresh = FRESH_FLOOR + part(rates[0]);
    let siblings = BUILT_FLOOR + part(rates[1]);
    Shares { fresh, siblings }
}

/// What fresh programs, mutants and siblings did, for their shares in
/// later batches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Yields {
    fresh: Tally,
    mutants: Tally,
    siblings: Tally,
}

impl Yields {
    fn since(self, before: Yields) -> Yields {
        Yields {
            fresh: self.fresh.since(before.fresh),
            mutants: self.mutants.since(before.mutants),
            siblings: self.siblings.since(before.siblings),
        }
    }
}

/// A kept program: the index it ran at, its cost (see [`Guide::observe`])
/// and the generator configuration of the fresh program it is or comes
/// from (`None` for the seed corpus's).
struct Entry {
    index: u64,
    module: Module,
    cost: u64,
    config: Option<GenConfig>,
}

/// A program drawn and not folded in yet: its source text (what the
/// workers parse), where it came from, and its generator configuration.
struct Drawn {
    source: String,
    origin: Origin,
    config: Option<GenConfig>,
}

/// The shares (per mille) of a batch's programs that are fresh and that
/// are siblings; the rest are mutants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shares {
    fresh: u64,
    siblings: u64,
}

impl Shares {
    /// Before anything is known: half fresh, a quarter each built on the
    /// corpus.
    const EVEN: Shares = Shares {
        fresh: 500,
        siblings: 250,
    };
}

impl Yields {
    fn finds(self) -> u64 {
        self.fresh.new + self.mutants.new + self.siblings.new
    }
}

pub struct Guide {
    seed: u64,
    /// The seed corpus, by name: programs `0..seeds.len()` of the campaign.
    seeds: Vec<(String, Module)>,
    seen: BTreeSet<String>,
    /// Kept programs, in index order.
    corpus: Vec<Entry>,
    /// Programs drawn and not folded in yet, by index.
    batch: BTreeMap<u64, Drawn>,
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
            .partition_point(|e| e.index + (LAG - 1) * BATCH < first);
        let shares = self.shares(first);
        let mutants = 1000 - shares.fresh - shares.siblings;
        self.stats
            .shares
            .push((first, shares.fresh, shares.siblings, mutants));
        for index in first..first + BATCH {
            let (module, origin, config) = self.draw(opts, index, visible, shares);
            match origin {
                Origin::Seed(_) => self.stats.seeds += 1,
                Origin::Fresh => self.stats.fresh += 1,
                Origin::Mutant { .. } => self.stats.mutants += 1,
                Origin::Sibling { .. } => self.stats.siblings += 1,
            }
            let source = unparse(&module);
            self.batch.insert(
                index,
                Drawn {
                    source,
                    origin,
                    config,
                },
            );
        }
    }

    /// The source of program `index` of the current batch.
    pub fn source(&self, index: u64) -> Option<&str> {
        self.batch.get(&index).map(|d| d.source.as_str())
    }

    /// The shares (per mille) of the batch starting at `first`: what
    /// [`allocate`] makes of the last [`WINDOW`] batches the corpus knows
    /// (see [`Guide::draw_batch`]), reaching further back until they hold
    /// [`MIN_FINDS`] new behaviours; [`Shares::EVEN`] before any batch is
    /// known. A window, not the whole campaign: the first fresh programs
    /// find hundreds of behaviours each, easy ones a later fresh program no
    /// longer finds, and a campaign-long average would hold the corpus's
    /// share at its floor long after fresh programs stopped paying.
    fn shares(&self, first: u64) -> Shares {
        let Some(last) = (first / BATCH).checked_sub(LAG) else {
            return Shares::EVEN;
        };
        let Some(&now) = self.yields_at.get(last as usize) else {
            return Shares::EVEN;
        };
        // `yields_at[b]` is the running total after batch `b`.
        let mut from = last.checked_sub(WINDOW);
        while let Some(b) = from {
            if now.since(self.yields_at[b as usize]).finds() >= MIN_FINDS {
                break;
            }
            from = b.checked_sub(1);
        }
        let before = from.map_or_else(Yields::default, |b| self.yields_at[b as usize]);
        allocate(now.since(before))
    }

    /// Program `index`, from the first `visible` corpus entries: fresh,
    /// a sibling or a mutant by `shares` (a mutant where the parent has no
    /// generator configuration to make a sibling with).
    fn draw(
        &mut self,
        opts: &CampaignOptions,
        index: u64,
        visible: usize,
        shares: Shares,
    ) -> (Module, Origin, Option<GenConfig>) {
        if let Some((name, module)) = self.seeds.get(index as usize) {
            return (module.clone(), Origin::Seed(name.clone()), None);
        }
        let fresh = || {
            let (config, module) = opts.configured_program(program_seed(opts.seed, index));
            (module, Origin::Fresh, config)
        };
        let mut rng = StdRng::seed_from_u64(program_seed(self.seed ^ MUTATION_SALT, index));
        let roll = rng.next_u64() % 1000;
        if visible == 0 || roll < shares.fresh {
            return fresh();
        }
        let parent = self.pick_parent(&mut rng, visible);
        let sibling = roll < shares.fresh + shares.siblings;
        let drawn = match (sibling, self.corpus[parent].config) {
            (true, Some(config)) => Some(self.sibling(parent, config, index, &mut rng)),
            _ => self.mutant(parent, visible, &mut rng),
        };
        // The workers parse the text: it must pass the front end's checks.
        match drawn.map(|(m, origin, config)| (parse_program(&unparse(&m)), origin, config)) {
            Some((Ok(parsed), origin, config)) => (parsed, origin, config),
            _ => {
                self.stats.rejected += 1;
                fresh()
            }
        }
    }

    /// The parent of a program built on the corpus, among its first
    /// `visible` entries. Recent entries reached the newest behaviours:
    /// favour them. Of two draws the cheaper wins: the programs kept for
    /// reaching something are the larger ones, and a mutant costs what its
    /// parent did, so without this the guided campaign ran 13% fewer
    /// programs than the blind one in the same time.
    fn pick_parent(&self, rng: &mut StdRng, visible: usize) -> usize {
        let n = visible as u64;
        let recent = rng.next_u64().is_multiple_of(2);
        let mut one = || {
            if recent {
                (n - 1 - rng.next_u64() % n.min(8)) as usize
            } else {
                (rng.next_u64() % n) as usize
            }
        };
        let (a, b) = (one(), one());
        if self.corpus[b].cost < self.corpus[a].cost {
            b
        } else {
            a
        }
    }

    /// Program `index` as a sibling of entry `parent`: a fresh program
    /// whose features are `parent`'s, one of them flipped half the time.
    /// Its sizes (statements, trip counts, fuel budget) are its own seed's
    /// draw: the kept programs are the larger ones, and siblings with their
    /// sizes cost more than fresh programs for the same features.
    fn sibling(
        &self,
        parent: usize,
        parent_config: GenConfig,
        index: u64,
        rng: &mut StdRng,
    ) -> (Module, Origin, Option<GenConfig>) {
        let flipped = rng.next_u64().is_multiple_of(2).then(|| {
            let mut probe = parent_config;
            let features = probe.features_mut();
            let k = (rng.next_u64() % features.len() as u64) as usize;
            features[k].0.to_string()
        });
        let pseed = program_seed(self.seed ^ SIBLING_SALT, index);
        let (config, module) = generator::generate_from_seed_configured(pseed, |c| {
            take_features(c, parent_config);
            flip(c, flipped.as_deref());
        });
        (module, Origin::Sibling { parent, flipped }, config)
    }

    /// Entry `parent` edited one to three times (`None` if no edit
    /// applied), with the parent's configuration. One edit in three splices
    /// in a statement of another entry's loop (or of the parent's own, into
    /// another loop).
    fn mutant(
        &self,
        parent: usize,
        visible: usize,
        rng: &mut StdRng,
    ) -> Option<(Module, Origin, Option<GenConfig>)> {
        let mut module = self.corpus[parent].module.clone();
        let mut applied = vec![];
        for _ in 0..1 + rng.next_u64() % 3 {
            if rng.next_u64().is_multiple_of(3) {
                let donor = &self.corpus[(rng.next_u64() % visible as u64) as usize].module;
                if let Some(out) = splice(&module, donor, rng) {
                    module = out;
                    applied.push("Splice".to_string());
                }
                continue;
            }
            let m = Mutation::ALL[(rng.next_u64() % Mutation::ALL.len() as u64) as usize];
            if let Some(out) = mutate(&module, m, rng) {
                module = out;
                applied.push(format!("{m:?}"));
            }
        }
        (!applied.is_empty()).then_some((
            module,
            Origin::Mutant {
                parent,
                mutations: applied,
            },
            self.corpus[parent].config,
        ))
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
        if let Some(drawn) = self.batch.remove(&index) {
            // Seeds are in no yield: they say nothing of what fresh
            // programs, mutants or siblings pay.
            match drawn.origin {
                Origin::Seed(_) => self.stats.new_by_seeds += found,
                Origin::Fresh => {
                    self.yields.fresh.add(found, cost);
                    self.stats.new_by_fresh += found;
                }
                Origin::Mutant { .. } => {
                    self.yields.mutants.add(found, cost);
                    self.stats.new_by_mutants += found;
                }
                Origin::Sibling { .. } => {
                    self.yields.siblings.add(found, cost);
                    self.stats.new_by_siblings += found;
                }
            }
            if let Origin::Mutant { mutations, .. } = &drawn.origin {
                let distinct: BTreeSet<&String> = mutations.iter().collect();
                for m in distinct {
                    let e = self.stats.by_mutation.entry(m.clone()).or_default();
                    e.0 += 1;
                    e.1 += found;
                }
            }
            if new && let Ok(module) = parse_program(&drawn.source) {
                self.corpus.push(Entry {
                    index,
                    module,
                    cost,
                    config: drawn.config,
                });
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

/// Sets every feature of `config` as it is in `from` (its sizes stay).
fn take_features(config: &mut GenConfig, mut from: GenConfig) {
    for ((_, on), (_, was)) in config.features_mut().into_iter().zip(from.features_mut()) {
        *on = *was;
    }
}

/// Turns `feature` of `config` on if it was off, off if it was on.
fn flip(config: &mut GenConfig, feature: Option<&str>) {
    for (name, on) in config.features_mut() {
        if Some(name) == feature {
            *on = !*on;
        }
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
        let yields = |fresh, mutants| Yields {
            fresh,
            mutants,
            siblings: tally(0, 0),
        };
        g.yields_at.push(yields(tally(32, 3000), tally(0, 0)));
        for b in 1..batches {
            g.yields_at
                .push(yields(tally(32 + 16 * b, 3000), tally(16 * b, 16 * b)));
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

    /// The shares follow the last WINDOW batches: once the first batch's
    /// easy finds are out of the window, productive mutants get the most
    /// programs; while it is in, fresh programs do.
    #[test]
    fn the_shares_follow_recent_yields() {
        let g = guide_with_yields(40);
        // Batch LAG + 1 is drawn from yields up to batch 1: the first
        // batch's 3,000 finds weigh in (siblings never ran: they are tried
        // at the pooled rate, which those finds make high too).
        let early = g.shares((LAG + 1) * BATCH);
        assert!(early.fresh > 500, "{early:?}");
        assert!(1000 - early.fresh - early.siblings < 150, "{early:?}");
        // Batch 30 sees batches 19 to 26: fresh programs found nothing
        // there, mutants one each (siblings never ran: the pooled rate).
        let late = g.shares(30 * BATCH);
        assert_eq!(late.fresh, FRESH_FLOOR + 7, "{late:?}");
        assert!(1000 - late.fresh - late.siblings > 500, "{late:?}");
        // Too early to know.
        assert_eq!(g.shares(BATCH), Shares::EVEN);
    }

    /// A window without MIN_FINDS behaviours reaches back until it has
    /// them: mutants that found four a batch until batch 10 still get
    /// most programs at batch 34, when nothing found anything for twenty
    /// batches (a WINDOW-long window would hold no evidence at all).
    #[test]
    fn a_quiet_window_reaches_back_for_evidence() {
        let mut g = Guide::new(1, vec![]);
        for b in 1..=31 {
            let found = 4 * b.min(10);
            g.yields_at.push(Yields {
                fresh: tally(16 * b, 0),
                mutants: tally(16 * b, found),
                siblings: tally(0, 0),
            });
        }
        let shares = g.shares(34 * BATCH);
        assert_ne!(shares, Shares::EVEN);
        assert!(1000 - shares.fresh - shares.siblings > 500, "{shares:?}");
        assert!(shares.fresh < 200, "{shares:?}");
    }

    /// Siblings that find more per unit of work than mutants get most of
    /// the programs, and every origin keeps its floor.
    #[test]
    fn siblings_that_find_more_get_more() {
        let mut g = Guide::new(1, vec![]);
        for b in 1..=20 {
            g.yields_at.push(Yields {
                fresh: tally(16 * b, 0),
                mutants: tally(8 * b, 0),
                siblings: tally(8 * b, 4 * b),
            });
        }
        let shares = g.shares(20 * BATCH);
        assert!(shares.siblings > 700, "{shares:?}");
        assert!(shares.fresh >= FRESH_FLOOR, "{shares:?}");
        assert!(
            1000 - shares.fresh - shares.siblings >= BUILT_FLOOR,
            "{shares:?}"
        );
    }

    /// A sibling is a fresh program with its parent's features, at most
    /// one of them flipped and named, and its own seed's sizes; the front
    /// end accepts every one (a flip makes combinations the swarm draw
    /// never does, such as classes with dunders).
    #[test]
    fn a_sibling_has_its_parents_features_but_one() {
        let features = |mut c: GenConfig| -> Vec<bool> {
            c.features_mut().iter().map(|(_, on)| **on).collect()
        };
        let opts = CampaignOptions::quiet(vec![], 9, Some(64), None);
        let (config, module) = opts.configured_program(program_seed(9, 3));
        let parent = config.expect("a generated program has a configuration");
        let mut g = Guide::new(9, vec![]);
        g.corpus.push(Entry {
            index: 3,
            module,
            cost: 1,
            config: Some(parent),
        });
        let all = Shares {
            fresh: 0,
            siblings: 1000,
        };
        let (mut flips, mut same, mut other_sizes) = (0, 0, 0);
        for index in 200..400 {
            let (module, origin, config) = g.draw(&opts, index, 1, all);
            let Origin::Sibling { parent: 0, flipped } = origin else {
                panic!("{index}: {origin:?}");
            };
            let mut config = config.unwrap();
            let fresh = unparse(&opts.program(program_seed(9, index)));
            assert_ne!(
                unparse(&module),
                fresh,
                "a sibling is not the blind program"
            );
            let sizes = |c: &GenConfig| (c.max_trip, c.max_stmts, c.fuel_budget);
            other_sizes += usize::from(sizes(&config) != sizes(&parent));
            match flipped {
                Some(name) => {
                    flips += 1;
                    assert_ne!(features(config), features(parent), "{name}");
                    flip(&mut config, Some(&name));
                }
                None => same += 1,
            }
            assert_eq!(features(config), features(parent));
        }
        assert!(flips > 50 && same > 50, "{flips} {same}");
        assert!(other_sizes > 100, "{other_sizes}");
        assert_eq!(g.stats.rejected, 0);
    }

    /// Each feature a sibling may flip has its own name and flips its
    /// own field alone.
    #[test]
    fn the_flippable_features_are_distinct_fields() {
        let values = |mut c: GenConfig| -> Vec<bool> {
            c.features_mut().iter().map(|(_, on)| **on).collect()
        };
        let base = GenConfig::default();
        let names: Vec<&str> = { base }.features_mut().map(|(n, _)| n).to_vec();
        for (i, name) in names.iter().enumerate() {
            let mut c = base;
            flip(&mut c, Some(name));
            let changed: Vec<bool> = values(c)
                .iter()
                .zip(values(base))
                .map(|(a, b)| *a != b)
                .collect();
            let expect: Vec<bool> = (0..names.len()).map(|j| j == i).collect();
            assert_eq!(changed, expect, "{name}");
        }
        assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len());
    }

    /// Per unit of work, not per program: programs three times as costly
    /// that find twice as much are the worse spend.
    #[test]
    fn shares_are_per_unit_of_work() {
        let cheap = tally(100, 100);
        let costly = Tally {
            programs: 100,
            new: 200,
            cost: 30_000,
        };
        let shares = allocate(Yields {
            fresh: tally(0, 0),
            siblings: cheap,
            mutants: costly,
        });
        assert!(2 * shares.siblings + shares.fresh > 1000, "{shares:?}");
        // Nothing found by anyone: even.
        let quiet = allocate(Yields {
            fresh: tally(50, 0),
            siblings: tally(50, 0),
            mutants: tally(50, 0),
        });
        assert_eq!(quiet, Shares::EVEN);
    }
}
