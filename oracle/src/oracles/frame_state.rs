//! Frame-state oracle (Fuzzilli's Dumpling, PyPy's fail-args): whenever a
//! trace hands control to tier 1 or to another trace, the frame equals what
//! an execution *without traces* has at the same point.
//!
//! **The points.** Fuel (loop back edges plus calls) is a logical clock
//! every tier advances identically, and between two ticks an activation
//! visits each instruction at most once, so `(fuel, call depth, code,
//! instruction)` names one moment of the execution in every tier
//! (`vm/src/observe.rs`). Every traced configuration records, at each
//! transition, that point and a hash of the frame there: at an exit, deopt,
//! forced deopt or invalidation the point where tier 1 resumes; at a
//! handover (side-trace entry, an exit linked in machine code, `_EXIT_TRACE`
//! into a loop trace) the first instruction of the trace entered; at an
//! exception the failing instruction before it ran.
//!
//! **The replay.** The program then runs on tier 1 alone, which hashes its
//! frame when it reaches each recorded point (when the matrix has the `t1`
//! configuration, that run is the replay: it runs after the traced ones). The frame is the
//! instruction, every local, every value-stack slot and the module globals
//! (module code keeps its variables there), compared as Python values
//! (digits, iterator positions, function codes), never as addresses.
//!
//! **Why that is enough.** Tier 1 without traces is the semantics every
//! trace must preserve. If every transition leaves exactly tier 1's frame,
//! a trace is indistinguishable from the instructions it replaced at every
//! moment control leaves it, which is the only moment its state becomes
//! tier 1's again; a value corrupted at an exit and overwritten later, or an
//! exit that resumes at the wrong instruction with the right depth, cannot
//! hide. A point the replay never reaches is a finding too: the traced run
//! went somewhere tier 1 does not. At an exception only the locals and
//! globals are compared: the value stack is being unwound. An exception a
//! call raised after Python code ran in it (a callee's own, or a builtin's
//! after it resumed a generator: `next(g)` at its end) is checked for
//! reachability only: the point is the call before it ran, but that code
//! may already have changed globals and the objects the caller holds.

use std::cell::LazyCell;

use jitdiff_vm::lang::bytecode::Program;
use jitdiff_vm::observe::{FrameHash, FrameView, Point, Transition, TransitionKind};
use jitdiff_vm::tier2::uops::Uop;

use super::{ConfigResult, ConfigRun, DivergenceKind, OracleFinding};

/// Which run a frame is rendered from, for a report.
#[derive(Clone, Copy, Debug)]
pub enum Side {
    /// Configuration `.0`, at its transition `.1`.
    Traced(usize, usize),
    /// The replay without traces, at checkpoint `.0`.
    Replay(usize),
}

/// The points the replay must visit: every transition of every observed
/// run, deduplicated and sorted (by fuel first, as the replay walks them).
pub fn checkpoints<'a>(runs: impl IntoIterator<Item = &'a ConfigRun>) -> Vec<Point> {
    let mut points: Vec<Point> = runs
        .into_iter()
        .filter(|r| r.observed)
        .flat_map(|r| r.events.transitions.iter().map(|t| t.point))
        .collect();
    points.sort_unstable();
    points.dedup();
    points
}

/// Transitions compared (for the campaign's stats).
pub fn transitions_checked(runs: &[ConfigRun]) -> u64 {
    runs.iter()
        .filter(|r| r.observed)
        .map(|r| r.events.transitions.len() as u64)
        .sum()
}

/// Compares every observed run's transitions with the replay's frames at
/// the same points (`replay[i]` is the replay's frame at `points[i]`).
/// Reports the first mismatch of each configuration as `(config, finding)`.
pub fn check(
    runs: &[ConfigRun],
    points: &[Point],
    replay: &[Option<FrameHash>],
    program: &LazyCell<Program, impl FnOnce() -> Program>,
    render: &mut dyn FnMut(Side) -> Option<FrameView>,
) -> Vec<(usize, OracleFinding)> {
    let mut out = vec![];
    for (c, run) in runs.iter().enumerate() {
        if !run.observed || !matches!(run.result, ConfigResult::Run(..)) {
            continue;
        }
        for (k, t) in run.events.transitions.iter().enumerate() {
            let Ok(p) = points.binary_search(&t.point) else {
                continue;
            };
            let want = replay.get(p).copied().flatten();
            let Some(message) = mismatch(t, want, program) else {
                continue;
            };
            let detail = match want {
                Some(_) => {
                    let traced = render(Side::Traced(c, k));
                    let without = render(Side::Replay(p));
                    differing_slot(traced.as_ref(), without.as_ref(), LazyCell::force(program))
                }
                None => String::new(),
            };
            out.push((
                c,
                OracleFinding::new(
                    DivergenceKind::FrameState,
                    place(t),
                    format!("{message}{detail}"),
                ),
            ));
            break;
        }
    }
    out
}

fn place(t: &Transition) -> String {
    match t.kind {
        TransitionKind::Error | TransitionKind::CalleeError => "error".into(),
        _ => Uop::ALL
            .get(t.uop as usize)
            .map_or("exit".into(), |u| u.name().to_string()),
    }
}

fn where_(t: &Transition, program: &Program) -> String {
    let code = program
        .codes
        .get(t.point.code as usize)
        .map_or("?", |c| c.name.as_str());
    let what = match t.kind {
        TransitionKind::Resume => format!(
            "exit {} of executor {} ({}) resuming tier 1",
            t.exit,
            t.executor,
            place(t)
        ),
        TransitionKind::Handover => format!(
            "exit {} of executor {} ({}) entering executor {}",
            t.exit,
            t.executor,
            place(t),
            t.entered
        ),
        TransitionKind::Error => format!("an exception leaving executor {}", t.executor),
        TransitionKind::CalleeError => format!(
            "an exception raised by a call executor {} made, after Python code ran in it",
            t.executor
        ),
    };
    format!(
        "{what} at bytecode {} of {code} (fuel {}, depth {})",
        t.point.ip, t.point.fuel, t.point.depth
    )
}

/// The mismatch between a transition and the replay's frame, if any (the
/// program is compiled only to name one).
fn mismatch(
    t: &Transition,
    want: Option<FrameHash>,
    program: &LazyCell<Program, impl FnOnce() -> Program>,
) -> Option<String> {
    let Some(want) = want else {
        return Some(format!(
            "frame state: the execution without traces never reaches the point of {}",
            where_(t, LazyCell::force(program))
        ));
    };
    // The callee ran (and may have changed globals and the containers the
    // caller's locals hold) before it raised: only reaching the call counts.
    if t.kind == TransitionKind::CalleeError {
        return None;
    }
    let got = t.hash;
    let whole = t.kind != TransitionKind::Error;
    let what = if whole && got.depth != want.depth {
        format!(
            "value-stack depth {} with traces, {} without",
            got.depth, want.depth
        )
    } else if got.locals != want.locals {
        "the locals differ".into()
    } else if whole && got.stack != want.stack {
        "the value stack differs".into()
    } else if got.globals != want.globals {
        "the globals differ".into()
    } else {
        return None;
    };
    Some(format!(
        "frame state at {}: {what}",
        where_(t, LazyCell::force(program))
    ))
}

/// The first differing slot of two rendered frames, named.
fn differing_slot(
    traced: Option<&FrameView>,
    without: Option<&FrameView>,
    program: &Program,
) -> String {
    let (Some(a), Some(b)) = (traced, without) else {
        return String::new();
    };
    let local_name = |i: usize| {
        program
            .codes
            .get(a.code as usize)
            .and_then(|c| c.local_names.get(i))
            .map_or(format!("#{i}"), |n| n.clone())
    };
    if let Some(i) =
        (0..a.locals.len().max(b.locals.len())).find(|&i| a.locals.get(i) != b.locals.get(i))
    {
        return format!(
            " (local `{}`: {} with traces, {} without)",
            local_name(i),
            a.locals.get(i).map_or("<none>", String::as_str),
            b.locals.get(i).map_or("<none>", String::as_str)
        );
    }
    if let Some(i) =
        (0..a.stack.len().max(b.stack.len())).find(|&i| a.stack.get(i) != b.stack.get(i))
    {
        return format!(
            " (stack slot {i}: {} with traces, {} without)",
            a.stack.get(i).map_or("<none>", String::as_str),
            b.stack.get(i).map_or("<none>", String::as_str)
        );
    }
    let global = |g: &Option<&(u64, String)>| g.map_or("<none>".to_string(), |(_, v)| v.clone());
    if let Some(i) =
        (0..a.globals.len().max(b.globals.len())).find(|&i| a.globals.get(i) != b.globals.get(i))
    {
        let name = a
            .globals
            .get(i)
            .or(b.globals.get(i))
            .and_then(|(id, _)| program.names.get(*id as usize))
            .map_or("?", String::as_str);
        return format!(
            " (global `{name}`: {} with traces, {} without)",
            global(&a.globals.get(i)),
            global(&b.globals.get(i))
        );
    }
    String::new()
}
