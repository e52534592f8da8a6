//! `jitdiff fuzz --jobs N`: a campaign across N worker processes.
//!
//! The coordinator (this process) hands program indices out one at a time
//! to whichever worker is free; each worker (`jitdiff fuzz-worker`, the same
//! binary) generates program `i` of the campaign from the seed, checks it
//! with its own runner (its own VMs, emulators and VM worker processes) and
//! answers with a [`ProgramDone`] on one JSON line. The coordinator folds
//! the answers in index order with the same [`Merger`] the in-process
//! campaign uses, so with `--count` the programs, the counts and the saved
//! findings are the same whatever N is, and however the programs were
//! spread.
//!
//! A worker that dies (a crash the VM worker did not contain, the OOM
//! killer, a `kill`) is replaced, and the program it was checking is given
//! to the new worker. A program that kills two workers is kept as an error
//! with its source, never lost.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;

use jitdiff_vm::lang::unparse;

use crate::campaign::{
    CampaignOptions, CampaignStats, Finding, Merger, ProgramDone, check_program_source,
    in_flight_of, program_seed,
};
use crate::guided::{self, Guide};
use crate::runner::Runner;

/// Times a program may take a worker down before it is kept as an error.
const DEATHS_PER_PROGRAM: u32 = 2;

/// The hidden subcommand a worker runs as.
pub const WORKER_COMMAND: &str = "fuzz-worker";

/// A worker's side: reads program indices (one per line) on stdin, answers
/// each with a [`ProgramDone`] line on stdout, until stdin closes.
/// With `in_flight`, each program is written there before it runs.
pub fn serve(opts: &CampaignOptions, in_flight: Option<&Path>) -> std::io::Result<()> {
    let mut runner = Runner::with_isolation(opts.configs.clone(), opts.isolation);
    runner.hang_seconds = opts.hang_seconds;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    for line in stdin.lock().lines() {
        let line = line?;
        // An index, or (guided) `{"index": I, "source": "..."}`.
        let (index, given) = if line.starts_with('{') {
            let job: GuidedJob = serde_json::from_str(&line)
                .map_err(|e| bad(format!("fuzz-worker: unreadable job: {e}")))?;
            let module = jitdiff_vm::lang::parse_program(&job.source).map_err(|e| {
                bad(format!(
                    "fuzz-worker: program {} does not parse: {}",
                    job.index, e.message
                ))
            })?;
            (job.index, Some(module))
        } else {
            let index = line.trim().parse().map_err(|_| {
                bad(format!(
                    "fuzz-worker: expected a program index, got {line:?}"
                ))
            })?;
            (index, None)
        };
        let (done, _) = check_program_source(&mut runner, opts, index, given, in_flight)?;
        let mut text = serde_json::to_string(&done).expect("serializable");
        text.push('\n');
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    }
    Ok(())
}

/// A guided campaign's job: the program, drawn by the coordinator.
#[derive(serde::Serialize, serde::Deserialize)]
struct GuidedJob {
    index: u64,
    source: String,
}

/// What a worker's reader thread reports.
enum Message {
    Done(Box<ProgramDone>),
    /// The worker's stdout closed or spoke nonsense.
    Gone(String),
}

struct Shard {
    child: Child,
    stdin: ChildStdin,
    /// Bumped at every restart, so a dead worker's late messages are
    /// recognized and dropped.
    generation: u64,
    in_flight: Option<u64>,
}

/// Runs the campaign on `jobs` worker processes started from `exe` (the
/// `jitdiff` binary). `on_finding` sees each divergent program's seed and
/// verdict line, in index order.
pub fn run(
    opts: &CampaignOptions,
    jobs: usize,
    exe: &Path,
    mut on_finding: impl FnMut(u64, &str),
) -> std::io::Result<CampaignStats> {
    assert!(jobs >= 1, "at least one worker");
    let _sigpipe = IgnoreSigpipe::new();
    let mut merger = Merger::new(opts)?;
    let (tx, rx) = mpsc::channel::<(usize, u64, Message)>();
    let mut shards: Vec<Shard> = vec![];
    for slot in 0..jobs {
        shards.push(spawn(opts, exe, slot, 0, &tx)?);
    }
    let mut next = 0u64;
    let mut expected = 0u64;
    let mut answered: BTreeMap<u64, ProgramDone> = BTreeMap::new();
    let mut deaths: BTreeMap<u64, u32> = BTreeMap::new();
    let mut retry: Vec<u64> = vec![];
    let mut restarted = 0u64;
    let mut guide = opts
        .guided
        .then(|| Guide::new(opts.seed, opts.seed_corpus.clone()));
    loop {
        for shard in shards.iter_mut().filter(|s| s.in_flight.is_none()) {
            let index = match retry.pop() {
                Some(i) => i,
                None if merger.wants(next) => {
                    if let Some(g) = guide
                        .as_mut()
                        .filter(|_| next.is_multiple_of(guided::BATCH))
                    {
                        // A batch is drawn from a corpus that holds every
                        // program before its last LAG - 1 batches: wait
                        // for the stragglers.
                        if !Guide::may_draw(next, expected) {
                            break;
                        }
                        g.draw_batch(opts, next);
                    }
                    next += 1;
                    next - 1
                }
                None => break,
            };
            shard.in_flight = Some(index);
            // A worker that cannot be written to has died: its reader
            // thread reports that, and the program is retried.
            let job = match guide.as_ref().and_then(|g| g.source(index)) {
                Some(source) => serde_json::to_string(&GuidedJob {
                    index,
                    source: source.to_string(),
                })
                .expect("serializable"),
                None => index.to_string(),
            };
            let _ = writeln!(shard.stdin, "{job}").and_then(|_| shard.stdin.flush());
        }
        if shards.iter().all(|s| s.in_flight.is_none()) {
            break;
        }
        let (slot, generation, message) = rx.recv().expect("a reader thread per live worker");
        if shards[slot].generation != generation {
            continue;
        }
        match message {
            Message::Done(done) if shards[slot].in_flight == Some(done.index) => {
                shards[slot].in_flight = None;
                answered.insert(done.index, *done);
            }
            Message::Done(done) => {
                return Err(std::io::Error::other(format!(
                    "worker {slot} answered program {} while checking {:?}",
                    done.index, shards[slot].in_flight
                )));
            }
            Message::Gone(why) => {
                let index = shards[slot].in_flight.take();
                let how = bury(&mut shards[slot].child, &why);
                restarted += 1;
                shards[slot] = spawn(opts, exe, slot, generation + 1, &tx)?;
                let what = index.map_or(String::new(), |i| format!(" checking program {i}"));
                eprintln!("jitdiff: campaign worker {slot} died ({how}){what}; restarted");
                if let Some(index) = index {
                    let n = deaths.entry(index).or_default();
                    *n += 1;
                    if *n < DEATHS_PER_PROGRAM {
                        retry.push(index);
                    } else {
                        let source = guide.as_ref().and_then(|g| g.source(index));
                        answered.insert(index, killed_worker(opts, index, &how, source));
                    }
                }
            }
        }
        while let Some(done) = answered.remove(&expected) {
            expected += 1;
            if merger.stopped() {
                continue;
            }
            if let Some(f) = done.files.as_ref().filter(|f| f.what == "finding") {
                on_finding(done.pseed, &f.verdict);
            }
            merger.merge(&done)?;
            if let Some(g) = guide.as_mut() {
                let cost = done.delta.vm.instructions + done.delta.tier2.uops_executed;
                g.observe(done.index, &done.delta.coverage, cost);
            }
        }
    }
    for mut shard in shards {
        drop(shard.stdin);
        let _ = shard.child.wait();
    }
    let mut stats = merger.finish();
    stats.workers_restarted = restarted;
    stats.guided = guide.map(|g| g.stats);
    Ok(stats)
}

/// SIGPIPE ignored while it lives. A worker that died leaves a closed
/// pipe, and the job written to it before its reader thread reports the
/// death must fail as a write error (ignored: the program is retried), not
/// kill the campaign with SIGPIPE, whose default `main` restores so that
/// `jitdiff gen | head` ends quietly. (Found by tests/jobs.rs's killed
/// worker on a loaded machine: the campaign died silently.)
struct IgnoreSigpipe(libc::sighandler_t);

impl IgnoreSigpipe {
    fn new() -> IgnoreSigpipe {
        // SAFETY: changes only SIGPIPE's disposition; restored on drop.
        IgnoreSigpipe(unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) })
    }
}

impl Drop for IgnoreSigpipe {
    fn drop(&mut self) {
        // SAFETY: puts back the disposition `new` found.
        unsafe {
            libc::signal(libc::SIGPIPE, self.0);
        }
    }
}

/// Starts worker `slot` and the thread that reads its answers.
fn spawn(
    opts: &CampaignOptions,
    exe: &Path,
    slot: usize,
    generation: u64,
    tx: &mpsc::Sender<(usize, u64, Message)>,
) -> std::io::Result<Shard> {
    let configs: Vec<&str> = opts.configs.iter().map(|c| c.name.as_str()).collect();
    let mut command = Command::new(exe);
    command
        .arg(WORKER_COMMAND)
        .arg("--seed")
        .arg(opts.seed.to_string())
        .arg("--config")
        .arg(configs.join(","))
        .arg("--hang-seconds")
        .arg(opts.hang_seconds.to_string());
    if let Some(dir) = &opts.out {
        command.arg("--in-flight").arg(dir.join(in_flight_of(slot)));
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // SAFETY: prctl only, between fork and exec: a worker dies with the
    // coordinator instead of running on unwatched.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| std::io::Error::other(format!("cannot start {}: {e}", exe.display())))?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let message = match line {
                Ok(l) => match serde_json::from_str::<ProgramDone>(&l) {
                    Ok(done) => Message::Done(Box::new(done)),
                    Err(e) => Message::Gone(format!("unreadable answer: {e}")),
                },
                Err(e) => Message::Gone(format!("reading its answer: {e}")),
            };
            let gone = matches!(message, Message::Gone(_));
            if tx.send((slot, generation, message)).is_err() || gone {
                return;
            }
        }
        let _ = tx.send((slot, generation, Message::Gone("its output closed".into())));
    });
    Ok(Shard {
        child,
        stdin,
        generation,
        in_flight: None,
    })
}

/// Kills and reaps a worker; how it ended.
fn bury(child: &mut Child, why: &str) -> String {
    let _ = child.kill();
    match child.wait() {
        Ok(status) => match status.signal() {
            Some(sig) => format!("signal {sig}"),
            None => match status.code() {
                Some(code) => format!("exit status {code}"),
                None => why.to_string(),
            },
        },
        Err(_) => why.to_string(),
    }
}

/// Program `index` took down every worker that checked it: kept as an
/// error, with its source, like a program a configuration could not run.
fn killed_worker(
    opts: &CampaignOptions,
    index: u64,
    how: &str,
    given: Option<&str>,
) -> ProgramDone {
    let pseed = program_seed(opts.seed, index);
    let message =
        format!("the campaign worker died checking it, {DEATHS_PER_PROGRAM} times ({how})");
    let source = given.map_or_else(|| unparse(&opts.program(pseed)), str::to_string);
    let json = serde_json::json!({
        "campaign_seed": opts.seed,
        "index": index,
        "program_seed": pseed,
        "error": message,
    });
    ProgramDone {
        index,
        pseed,
        delta: CampaignStats {
            programs: 1,
            errors: 1,
            ..Default::default()
        },
        files: Some(Finding {
            what: "error".into(),
            verdict: format!("error: {message}"),
            py: format!(
                "# jitdiff error: campaign seed {}, program {index}, program seed {pseed}\n# error: {message}\n{source}",
                opts.seed
            ),
            json: serde_json::to_string_pretty(&json).expect("serializable"),
            signature: String::new(),
            configs: vec![],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// A program that kills its workers is counted as an error and kept
    /// with its source and the reason.
    #[test]
    fn a_program_that_kills_its_workers_is_kept_as_an_error() {
        let opts = CampaignOptions::quiet(Config::parse_list("t1").unwrap(), 5, Some(1), None);
        let done = killed_worker(&opts, 0, "signal 11", None);
        assert_eq!((done.delta.programs, done.delta.errors), (1, 1));
        let f = done.files.expect("kept");
        assert_eq!(f.what, "error");
        assert!(f.verdict.contains("signal 11"), "{}", f.verdict);
        let source = unparse(&opts.program(program_seed(5, 0)));
        assert!(f.py.ends_with(&source));
        assert!(f.py.starts_with("# jitdiff error: campaign seed 5, program 0"));
    }
}
