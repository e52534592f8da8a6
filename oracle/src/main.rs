//! `jitdiff`: differential fuzzing of a tiered copy-and-patch JIT.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jitdiff_oracle::campaign::CampaignOptions;
use jitdiff_oracle::config::{self, Config, Target};
use jitdiff_oracle::generator;
use jitdiff_oracle::report::print_report_table;
use jitdiff_oracle::reports;
use jitdiff_oracle::runner::{Runner, Verdict};
use jitdiff_oracle::shards;

mod cli_campaign;
use jitdiff_vm::lang::limits::{LimitOverrides, Limits};
use jitdiff_vm::lang::{Module, RunResult, parse_program, unparse};

#[derive(Parser)]
#[command(
    name = "jitdiff",
    version,
    about = "Differential fuzzing of a tiered copy-and-patch JIT against an independent reference interpreter"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The run's limits. Each one given overrides the file's `# jitdiff
/// limits: fuel=N depth=D int-bits=B` header, which overrides the default.
/// The reference and every configuration run under the same limits, and a
/// program that crosses one is poisoned (no verdict).
#[derive(clap::Args, Clone, Copy, Debug)]
struct LimitArgs {
    /// Loop back edges plus calls before the run is poisoned
    /// [default: 100000, at most 10000000000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    fuel: Option<u64>,
    /// Deepest call nesting of user functions [default: 200, at most 500].
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u64).range(1..))]
    max_depth: Option<u64>,
    /// Widest int, in bits [default: 8192, 64 to 14000].
    #[arg(long, value_name = "B", value_parser = clap::value_parser!(u64).range(1..))]
    max_int_bits: Option<u64>,
}

impl LimitArgs {
    fn overrides(self) -> LimitOverrides {
        LimitOverrides {
            fuel: self.fuel,
            depth: self
                .max_depth
                .map(|d| usize::try_from(d).unwrap_or(usize::MAX)),
            int_bits: self.max_int_bits,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run Python files on the reference and on each configuration, and compare.
    /// Exit status: 0 all agree (or poisoned), 1 a divergence, 2 an error.
    Run {
        /// Python source files (language S0).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Comma-separated configurations, or `all`.
        #[arg(long, default_value = "all", long_help = config::SYNTAX)]
        config: String,
        /// Print one JSON report per file instead of tables.
        #[arg(long)]
        json: bool,
        /// Wall-clock seconds a VM run may take before it is suspected of
        /// hanging (then re-run under a deterministic instruction budget,
        /// which alone decides). Scaled by fuel/100000 when --fuel (or the
        /// file's header) raises the fuel.
        #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
        hang_seconds: f64,
        #[command(flatten)]
        limits: LimitArgs,
        /// Write a JUnit XML report here (one test case per file and configuration).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Write a Markdown summary here (for a CI job summary).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
    },
    /// Run one file on one configuration and print its bytecode (with
    /// specializations) and every trace: projected, optimized (removed guards
    /// and their justification), exits with targets and counters.
    Show {
        file: PathBuf,
        /// One VM configuration (e.g. t2, t2+stress).
        #[arg(long, default_value = "t2", long_help = config::SYNTAX)]
        config: String,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Reproduce, sign, reduce and deduplicate findings (`.py` programs,
    /// campaign output directories, `cargo fuzz` artifacts) into
    /// `regressions/<kind>-<where>-<hash>.py` plus a Markdown report.
    /// Exit status 0 when every input was triaged (or did not diverge).
    Triage {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Configurations for inputs whose header names none.
        #[arg(long, default_value = "all", long_help = config::SYNTAX)]
        config: String,
        /// Where regressions are written.
        #[arg(long, default_value = "regressions")]
        regressions: PathBuf,
        /// Reduction budget per finding, in seconds.
        #[arg(long, default_value_t = 60.0, value_parser = parse_seconds)]
        reduce_seconds: f64,
        /// Wall-clock seconds a VM run may take before it is suspected of
        /// hanging (a hang finding's candidates each wait this long);
        /// scaled by fuel/100000 when the fuel is raised.
        #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
        hang_seconds: f64,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// The bare reducer: shrink FILE while its divergence signature on
    /// --config holds; prints the reduced program.
    Reduce {
        file: PathBuf,
        #[arg(long, default_value = "all", long_help = config::SYNTAX)]
        config: String,
        #[arg(long, default_value_t = 60.0, value_parser = parse_seconds)]
        seconds: f64,
        /// Wall-clock seconds a VM run may take before it is suspected of
        /// hanging; scaled by fuel/100000 when the fuel is raised.
        #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
        hang_seconds: f64,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Oracle self-test: a campaign per planted bug; reports for each whether
    /// it was found, how fast, and the reduced repro's size. Exit 1 if any
    /// injection was not found.
    Selftest {
        #[arg(long, default_value_t = 60.0, value_parser = parse_seconds)]
        seconds_per_bug: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Reduction budget per finding, in seconds.
        #[arg(long, default_value_t = 30.0, value_parser = parse_seconds)]
        reduce_seconds: f64,
        /// Only these injections, comma-separated or repeated (default: all).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        #[arg(long)]
        json: bool,
        /// Write a JUnit XML report here (one test case per planted bug).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Write a Markdown summary here (for a CI job summary).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
    },
    /// Print generated programs.
    Gen {
        /// First program seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Number of programs (seeds seed..seed+count).
        #[arg(long, default_value_t = 1)]
        count: u64,
        /// Force the `sequences` feature (lists and tuples) on; the rest of
        /// each seed's configuration is as drawn.
        #[arg(long)]
        sequences: bool,
        /// Force the `strings` feature (ASCII strings, `print`'s `sep=`
        /// and `end=`) on; combines with `--sequences`.
        #[arg(long)]
        strings: bool,
        /// Force the `syntax` feature (statements rewritten into chained
        /// assignment, nested unpacking, bound methods, loop `else:`,
        /// parameter defaults, keyword arguments to functions and methods,
        /// keyword-only parameters, star displays `[a, *[b]]` and
        /// `{'k': a, 'q': None, **{'q': b}}`, assignment expressions, some
        /// of whose stores may not run) on; combines with the others.
        #[arg(long)]
        syntax: bool,
        /// Force the `dicts` feature (dicts, their views, `is`) on;
        /// combines with the others.
        #[arg(long)]
        dicts: bool,
        /// Force the `iteration` feature (list comprehensions in place of
        /// some displays, loop iterables and iterable arguments; loops over
        /// `enumerate`, `zip` and `sorted`; `isinstance` tests; `math.pi`
        /// and math calls) on; combines with the others.
        #[arg(long)]
        iteration: bool,
        /// Force the `classes` feature (class kernels appended: methods and
        /// class attributes rebound mid-loop, `__class__` swaps, layouts that
        /// differ, late attributes, slots, static and class methods,
        /// `super()` chains) on; combines with the others.
        #[arg(long)]
        classes: bool,
        /// Force the `exceptions` feature (exception kernels appended:
        /// `try` in hot loops, callees raising at iteration K, exceptions
        /// raised inside traces, user exception classes, re-raising,
        /// `finally` on every way out, locals and globals deleted under a
        /// hot loop) on; combines with the others.
        #[arg(long)]
        exceptions: bool,
        /// Force the `dunders` feature (dunder kernels appended: `__bool__`
        /// and `__eq__` with side effects, `__add__` rebound mid-loop, a
        /// container class, reflected comparisons, reprs, user iterators,
        /// keys hashed by a user `__hash__`) on.
        #[arg(long)]
        dunders: bool,
        /// Force the `star_calls` rewrite (unused `*args`/`**kwargs` added
        /// to module-level functions, calls of them that unpack their
        /// arguments: `f(a, *(b,))`, `f(*[a], b)`, `f(**{'q': a})`) on.
        #[arg(long)]
        star_calls: bool,
        /// Force the `closures` feature (`nonlocal` counters called from
        /// loops, nested helpers over a function's variables, lambdas) on;
        /// combines with the others.
        #[arg(long)]
        closures: bool,
        /// Force the `sets` feature (sets built in hot range loops and
        /// printed, membership in set displays, dict comprehensions) on;
        /// combines with the others.
        #[arg(long)]
        sets: bool,
        /// Force the `generators` feature (generator kernels appended:
        /// `next` or `send` at iteration K of hot loops, loops inside generators,
        /// `yield from` chains, late-bound generator expressions, early
        /// returns, generators that raise pulled again) on; combines with
        /// the others.
        #[arg(long)]
        generators: bool,
        /// Force the `shape_changes` feature (shape-change kernels
        /// appended: a local changing container type before the use site
        /// that specialized on it, a list or tuple changing length where
        /// it is unpacked, a builtin bound to a local and rebound,
        /// class attributes rebound and shadowed, `super()` and cells in
        /// loops, an operand of a specialized operation retyped so its
        /// guard fails) on; combines with the others.
        #[arg(long)]
        shape_changes: bool,
        /// Force the `sentinels` feature (None as a sentinel: running
        /// extremes started at None in hot loops, `if m is None or v > m:
        /// m = v`, and `is None` / `is not None` among the tests of
        /// variables that may hold None) on; combines with the others.
        #[arg(long)]
        sentinels: bool,
        /// Force the `builtins` feature (int expressions made with
        /// `divmod`, `pow` with and without a modulus, `hex`/`oct`/`bin`
        /// and `any`/`all` over lists and generator expressions) on;
        /// combines with the others.
        #[arg(long)]
        builtins: bool,
        /// Force the `idioms` feature (kernels appended after the program:
        /// `del` of list items, slices, dict keys, instance attributes and
        /// locals, star unpacking, `str.format`, the newer str methods,
        /// `type(v)`, decorated functions, `map`/`filter`, seeded `random` draws and
        /// `heapq` queues fed by `functools` caches in hot loops whose values
        /// change at iteration K, iterators reused after they stopped) on;
        /// combines with the others.
        #[arg(long)]
        idioms: bool,
        /// Force the `library` feature (a kernel appended after the
        /// program: a hot loop calling a few of about 250 str, list, tuple,
        /// range, dict, set, int and float methods, builtins and operators
        /// with edge-case arguments, recording every result or exception)
        /// on; combines with the others.
        #[arg(long)]
        library: bool,
    },
    /// Run a fuzz campaign; every divergence is saved as .py + .json.
    /// Exit status 1 if anything diverged, so CI can gate on it.
    Fuzz {
        /// Wall-clock budget (default 60 unless --count is given).
        #[arg(long, value_parser = parse_seconds)]
        seconds: Option<f64>,
        /// Run exactly this many programs instead (bit-for-bit reproducible).
        #[arg(long)]
        count: Option<u64>,
        /// Campaign seed: program i is always the same program for a seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Comma-separated configurations, or `all`.
        #[arg(long, default_value = "all", long_help = config::SYNTAX)]
        config: String,
        /// Directory for findings.
        #[arg(long, default_value = "fuzz-findings")]
        out: PathBuf,
        /// Print the final statistics as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Wall-clock seconds a VM run may take before it is suspected of
        /// hanging (then re-run under a deterministic instruction budget,
        /// which alone decides). Scaled by fuel/100000 when --fuel (or the
        /// file's header) raises the fuel.
        #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
        hang_seconds: f64,
        /// Worker processes checking programs side by side (default: one
        /// per core). Program indices are dealt out to free workers and the
        /// answers folded in index order, so with --count the programs,
        /// counts and saved findings are the same for any N. A worker that
        /// dies is restarted and its program checked again (kept as an
        /// error if it kills a second worker).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
        jobs: Option<u64>,
        /// Write a JUnit XML report here (one test case per configuration; a divergence fails the configurations it involves).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Write a Markdown summary here (for a CI job summary).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// With --summary: seconds to reduce the first program of each
        /// signature (at most 5) for the summary's repros.
        #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
        reduce_seconds: f64,
        /// Coverage-guided: keep the programs that reach a JIT behaviour
        /// no earlier one reached, and draw three kinds of program: fresh
        /// ones; siblings (a fresh program generated with a kept
        /// program's generator features, one flipped half the time); and
        /// mutants of kept programs (boundary constants, loop counts,
        /// duplicated or swapped statements, a variable rebound to another
        /// type at iteration K, operators and comparisons swapped, operands
        /// retyped, wrapped or pushed deeper, a statement spliced in from
        /// another kept program's loop). Each kind's share follows its new
        /// behaviours per unit of interpreter work over the last eight
        /// batches (reaching further back until they hold 32 new
        /// behaviours), with floors of 1/8 for fresh programs and 1/16 for
        /// the others. Programs are drawn in batches of 32 from the corpus
        /// of programs four batches back, so a seed and --count give the
        /// same run for any --jobs.
        #[arg(long)]
        guided: bool,
        /// With --guided: the seed corpus, run as the campaign's first
        /// programs (every *.py file of DIR that the front end accepts, in
        /// name order, under the campaign's limits) and kept as parents
        /// like any program that reached something new. Default: the
        /// repository's corpus/ (hand-written kernels and regressions)
        /// when it exists.
        #[arg(
            long,
            value_name = "DIR",
            requires = "guided",
            conflicts_with = "no_corpus"
        )]
        corpus: Option<PathBuf>,
        /// With --guided: no seed corpus; the first programs are fresh.
        #[arg(long, requires = "guided")]
        no_corpus: bool,
    },
    /// Run a campaign and list what it reached of the JIT against what the
    /// VM declares, never-reached first: uops run by the tier-2
    /// interpreter; stencil variants compiled and run per backend (JIT
    /// configurations get +count-stencils); uops that can leave a trace vs
    /// exits taken; exit kinds; optimizer rules fired; specializations.
    Coverage {
        /// Wall-clock budget (default 60 unless --count is given).
        #[arg(long, value_parser = parse_seconds)]
        seconds: Option<f64>,
        /// Run exactly this many programs instead.
        #[arg(long)]
        count: Option<u64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Comma-separated configurations, or `all`.
        #[arg(long, default_value = "all", long_help = config::SYNTAX)]
        config: String,
        /// Worker processes (default: one per core).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
        jobs: Option<u64>,
        /// Print the sections as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Write the coverage as Markdown here.
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
    },
    /// A campaign worker process of `fuzz --jobs` (internal): reads program
    /// indices on stdin, answers each with one JSON line on stdout.
    #[command(name = "fuzz-worker", hide = true)]
    FuzzWorker {
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        config: String,
        #[arg(long, value_parser = parse_seconds)]
        hang_seconds: f64,
        /// Where to write each program before it runs.
        #[arg(long)]
        in_flight: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Output piped into `head` ends quietly, as with any Unix tool, rather
    // than with a panic on the first write after the reader left.
    // SAFETY: restoring a signal's default disposition before any thread
    // starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            files,
            config,
            json,
            hang_seconds,
            limits,
            junit,
            summary,
        } => cmd_run(
            &files,
            &config,
            json,
            hang_seconds,
            limits.overrides(),
            (junit, summary),
        ),
        Command::Show {
            file,
            config,
            limits,
        } => cmd_show(&file, &config, limits.overrides()),
        Command::Triage {
            paths,
            config,
            regressions,
            reduce_seconds,
            hang_seconds,
            limits,
        } => cmd_triage(
            &paths,
            config,
            regressions,
            reduce_seconds,
            hang_seconds,
            limits.overrides(),
        ),
        Command::Reduce {
            file,
            config,
            seconds,
            hang_seconds,
            limits,
        } => cmd_reduce(&file, &config, seconds, hang_seconds, limits.overrides()),
        Command::Selftest {
            seconds_per_bug,
            seed,
            reduce_seconds,
            only,
            json,
            junit,
            summary,
        } => {
            let known = jitdiff_oracle::selftest::PLANTED;
            if let Some(bad) = only
                .iter()
                .find(|o| !known.iter().any(|b| b.injection == *o))
            {
                let names: Vec<&str> = known.iter().map(|b| b.injection).collect();
                eprintln!(
                    "jitdiff selftest: no planted bug `{bad}`; known: {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
            let rows = jitdiff_oracle::selftest::run(
                seconds_per_bug,
                std::time::Duration::from_secs_f64(reduce_seconds),
                seed,
                &only,
            );
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).expect("serializable")
                );
            } else {
                print!("{}", jitdiff_oracle::selftest::table(&rows));
            }
            let written = junit
                .iter()
                .map(|p| reports::write(p, &reports::selftest_junit(&rows, seed)))
                .chain(
                    summary
                        .iter()
                        .map(|p| reports::write(p, &reports::selftest_summary(&rows))),
                )
                .collect::<Result<Vec<()>, String>>();
            if let Err(e) = written {
                eprintln!("jitdiff: {e}");
                return ExitCode::from(2);
            }
            if rows.iter().all(|r| r.found) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Gen {
            seed,
            count,
            sequences,
            strings,
            syntax,
            dicts,
            iteration,
            classes,
            exceptions,
            dunders,
            star_calls,
            closures,
            sets,
            generators,
            shape_changes,
            sentinels,
            builtins,
            idioms,
            library,
        } => {
            let flags: Vec<&str> = [
                ("--sequences", sequences),
                ("--strings", strings),
                ("--syntax", syntax),
                ("--dicts", dicts),
                ("--iteration", iteration),
                ("--classes", classes),
                ("--exceptions", exceptions),
                ("--dunders", dunders),
                ("--star-calls", star_calls),
                ("--closures", closures),
                ("--sets", sets),
                ("--generators", generators),
                ("--shape-changes", shape_changes),
                ("--sentinels", sentinels),
                ("--builtins", builtins),
                ("--idioms", idioms),
                ("--library", library),
            ]
            .into_iter()
            .filter_map(|(flag, on)| on.then_some(flag))
            .collect();
            for s in seed..seed.saturating_add(count) {
                let m = if !flags.is_empty() {
                    println!("# --- jitdiff gen {} --seed {s} ---", flags.join(" "));
                    generator::generate_from_seed_with(s, |c| {
                        c.sequences |= sequences;
                        c.strings |= strings;
                        c.syntax |= syntax;
                        c.dicts |= dicts;
                        c.iteration |= iteration;
                        c.classes |= classes;
                        c.exceptions |= exceptions;
                        c.dunders |= dunders;
                        c.star_calls |= star_calls;
                        c.closures |= closures;
                        c.sets |= sets;
                        c.generators |= generators;
                        c.shape_changes |= shape_changes;
                        c.sentinels |= sentinels;
                        c.builtins |= builtins;
                        c.idioms |= idioms;
                        c.library |= library;
                    })
                } else {
                    println!("# --- jitdiff gen --seed {s} ---");
                    generator::generate_from_seed(s)
                };
                print!("{}", unparse(&m));
            }
            ExitCode::SUCCESS
        }
        Command::FuzzWorker {
            seed,
            config,
            hang_seconds,
            in_flight,
        } => {
            let configs = match Config::parse_list(&config) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            let mut opts = CampaignOptions::quiet(configs, seed, None, None);
            opts.hang_seconds = hang_seconds;
            match shards::serve(&opts, in_flight.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("jitdiff fuzz-worker: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Fuzz {
            seconds,
            count,
            seed,
            config,
            out,
            json,
            hang_seconds,
            jobs,
            junit,
            summary,
            reduce_seconds,
            guided,
            corpus,
            no_corpus,
        } => {
            let configs = match Config::parse_list(&config) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            let seed_corpus = match (guided && !no_corpus).then(|| seed_corpus(corpus)) {
                None => vec![],
                Some(Ok(seeds)) => seeds,
                Some(Err(e)) => return usage_error(&e),
            };
            let args = cli_campaign::CampaignArgs {
                seconds,
                count,
                seed,
                configs,
                out: Some(out),
                hang_seconds,
                jobs,
                guided,
                seed_corpus,
            };
            let rep = cli_campaign::ReportArgs {
                junit,
                summary,
                reduce_seconds,
            };
            cli_campaign::cmd_fuzz(args, json, rep)
        }
        Command::Coverage {
            seconds,
            count,
            seed,
            config,
            jobs,
            json,
            summary,
        } => {
            let configs = match Config::parse_list(&config) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            let args = cli_campaign::CampaignArgs {
                seconds,
                count,
                seed,
                configs,
                out: None,
                hang_seconds: 20.0,
                jobs,
                guided: false,
                seed_corpus: vec![],
            };
            cli_campaign::cmd_coverage(args, json, summary)
        }
    }
}

/// The guided campaign's seed corpus: `dir`, or by default the
/// repository's `corpus/` if it exists. Says what it loaded on stderr.
fn seed_corpus(dir: Option<PathBuf>) -> Result<Vec<(String, Module)>, String> {
    let explicit = dir.is_some();
    let dir =
        dir.unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus"));
    if !explicit && !dir.is_dir() {
        eprintln!("guided: no seed corpus ({} not found)", dir.display());
        return Ok(vec![]);
    }
    let (seeds, skipped) = jitdiff_oracle::guided::load_seed_corpus(&dir)?;
    for s in &skipped {
        eprintln!("guided: seed corpus file left out: {s}");
    }
    eprintln!(
        "guided: seed corpus {}: {} programs",
        dir.display(),
        seeds.len()
    );
    Ok(seeds)
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("jitdiff: {msg}");
    ExitCode::from(2)
}

/// Reads and parses a source file and the limits it runs under, printing
/// `file:line:col: error` (or `file: error`) on failure.
fn load(file: &std::path::Path, overrides: LimitOverrides) -> Option<(Module, Limits)> {
    load_source(file, overrides).map(|(m, l, _)| (m, l))
}

/// [`load`], also giving the program's text.
fn load_source(
    file: &std::path::Path,
    overrides: LimitOverrides,
) -> Option<(Module, Limits, String)> {
    let source = match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => {
                eprintln!("{}: error: not UTF-8 text", file.display());
                return None;
            }
        },
        Err(e) => {
            eprintln!("{}: error: {e}", file.display());
            return None;
        }
    };
    let limits = match overrides.limits_for(&source) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{}: error: limits: {e}", file.display());
            return None;
        }
    };
    match parse_program(&source) {
        Ok(m) => Some((m, limits, source)),
        Err(e) => {
            eprintln!(
                "{}:{}:{}: error: {}",
                file.display(),
                e.line,
                e.col,
                e.message
            );
            None
        }
    }
}

fn cmd_triage(
    paths: &[PathBuf],
    config: String,
    regressions: PathBuf,
    reduce_seconds: f64,
    hang_seconds: f64,
    limits: LimitOverrides,
) -> ExitCode {
    if let Err(e) = Config::parse_list(&config) {
        return usage_error(&e);
    }
    let inputs = match jitdiff_oracle::triage::load(paths, limits) {
        Ok(i) => i,
        Err(e) => return usage_error(&e),
    };
    let opts = jitdiff_oracle::triage::Options {
        configs: config,
        regressions: regressions.clone(),
        budget: std::time::Duration::from_secs_f64(reduce_seconds),
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        hang_seconds,
    };
    let mut known = jitdiff_oracle::triage::known_signatures(&regressions);
    let mut failed = false;
    for input in &inputs {
        eprintln!("triage {}", input.origin);
        match jitdiff_oracle::triage::triage(input, &opts, &mut known) {
            Ok(o) => println!("{}", jitdiff_oracle::triage::describe(&o)),
            Err(e) => {
                eprintln!("{}: error: {e}", input.origin);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// A duration in seconds: finite and positive (a clear usage error rather
/// than a panic in `Duration::from_secs_f64`).
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        Ok(_) => Err(format!("{s}: expected a positive number of seconds")),
        Err(e) => Err(format!("{s}: {e}")),
    }
}

fn cmd_reduce(
    file: &std::path::Path,
    config: &str,
    seconds: f64,
    hang_seconds: f64,
    limits: LimitOverrides,
) -> ExitCode {
    let configs = match Config::parse_list(config) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let Some((module, limits)) = load(file, limits) else {
        return ExitCode::from(2);
    };
    let mut runner = Runner::new(configs);
    runner.hang_seconds = hang_seconds;
    runner.limits = limits;
    let Some(sig) = jitdiff_oracle::triage::Signature::of(&runner.run(&module)) else {
        eprintln!(
            "{}: no divergence on {config}: nothing to reduce",
            file.display()
        );
        return ExitCode::from(1);
    };
    eprintln!("signature: {sig}");
    let mut keeps = |m: &jitdiff_vm::lang::Module| {
        jitdiff_oracle::triage::Signature::of(&runner.run(m)).as_ref() == Some(&sig)
    };
    let mut last = 0;
    let mut progress = |checks: u64, lines: usize| {
        if lines != last {
            last = lines;
            eprint!("\r  {checks} candidates tried, {lines} lines   ");
        }
    };
    let r = jitdiff_oracle::triage::reduce::reduce(
        &module,
        std::time::Duration::from_secs_f64(seconds),
        &mut keeps,
        &mut progress,
    );
    eprintln!(
        "\nreduced in {:.1}s ({} candidates, {} accepted{})",
        r.seconds,
        r.checks,
        r.accepted,
        if r.timed_out {
            ", budget exhausted"
        } else {
            ""
        }
    );
    print!("# {sig}\n{}{}", limits.header(), unparse(&r.module));
    ExitCode::SUCCESS
}

fn cmd_show(file: &std::path::Path, config: &str, limits: LimitOverrides) -> ExitCode {
    let config = match Config::parse(config) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let Target::Vm(mut vm_config) = config.target else {
        return usage_error("`show` needs a VM configuration");
    };
    let Some((module, limits)) = load(file, limits) else {
        return ExitCode::from(2);
    };
    vm_config.limits = limits;
    let (out, text) = jitdiff_vm::Vm::new(vm_config.clone()).show(&module);
    print!("{text}");
    println!("== result: {:?}", out.result);
    if let RunResult::Poisoned(p) = out.result {
        println!("== poisoned: {}", limits.how_to_raise(p));
    }
    for f in &out.findings {
        println!("== oracle finding: {:?}: {}", f.kind, f.message);
    }
    if let Some(t2) = vm_config.tier2.as_ref().filter(|t| t.jit.is_some()) {
        // Counting steps adds a stencil before each one, so the listing
        // above comes from a run without it and the counts from a second.
        let counted = if t2.count_stencils {
            out.jit.clone()
        } else {
            let mut c = vm_config.clone();
            if let Some(t) = c.tier2.as_mut() {
                t.count_stencils = true;
            }
            jitdiff_vm::Vm::new(c).run_module(&module).jit
        };
        let j = &out.jit;
        println!(
            "== jit: {} traces compiled ({} failed), {} values spilled or reloaded by the variant selection, {} entries",
            j.traces_compiled, j.compile_failures, j.spills, j.entries
        );
        let by_variant: Vec<String> = counted
            .stencils_by_variant
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        println!(
            "== steps run by register variant ({} in all, counted by a +count-stencils run): {}",
            counted.stencils_executed,
            by_variant.join(", ")
        );
    }
    ExitCode::SUCCESS
}

fn cmd_run(
    files: &[PathBuf],
    config: &str,
    json: bool,
    hang_seconds: f64,
    limits: LimitOverrides,
    (junit, summary): (Option<PathBuf>, Option<PathBuf>),
) -> ExitCode {
    let configs = match Config::parse_list(config) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let names: Vec<String> = configs.iter().map(|c| c.name.clone()).collect();
    let mut reps = reports::RunReports::new();
    let mut runner = Runner::new(configs);
    runner.hang_seconds = hang_seconds;
    let (mut errors, mut diverged) = (false, false);
    for file in files {
        let Some((module, limits, source)) = load_source(file, limits) else {
            errors = true;
            reps.add_error(&file.display().to_string());
            continue;
        };
        runner.limits = limits;
        runner.cpython_source = Some(source);
        let report = runner.run(&module);
        reps.add(&file.display().to_string(), &names, &report);
        match &report.verdict {
            Verdict::Diverge(_) => diverged = true,
            Verdict::Error(_) => errors = true,
            _ => {}
        }
        if json {
            let j = serde_json::json!({
                "file": file.display().to_string(),
                "limits": limits,
                "report": report,
            });
            println!("{}", serde_json::to_string(&j).expect("serializable"));
        } else {
            print_report_table(&file.display().to_string(), &report);
            if let Verdict::Poisoned(p) = report.verdict {
                println!("   poisoned: {}", limits.how_to_raise(p));
            }
        }
    }
    let written = junit
        .iter()
        .map(|p| reports::write(p, &reps.junit()))
        .chain(summary.iter().map(|p| reports::write(p, &reps.summary())))
        .collect::<Result<Vec<()>, String>>();
    if let Err(e) = written {
        eprintln!("jitdiff: {e}");
        errors = true;
    }
    if diverged {
        ExitCode::from(1)
    } else if errors {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
