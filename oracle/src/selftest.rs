//! The oracle self-test: every planted bug (a named injection in the VM) is
//! hunted by its own campaign, and the first finding is reduced. An oracle
//! that finds nothing is broken (the fusil lesson).

use std::time::Duration;

use jitdiff_vm::lang::unparse;

use crate::campaign::{self, CampaignOptions};
use crate::config::Config;
use crate::generator;
use crate::runner::Runner;
use crate::triage::{Signature, reduce};

/// Each injection and the configuration whose oracle must catch it.
pub const INJECTIONS: &[(&str, &str)] = &[
    ("add-int-overflow", "t1+inject=add-int-overflow"),
    (
        "loop-carried-types",
        "t2+stress+checkguards+inject=loop-carried-types",
    ),
    (
        "deopt-resume-late",
        "t2+stress+deopt=5+inject=deopt-resume-late",
    ),
    ("stale-global", "t2+stress+inject=stale-global"),
    ("exit-stack-depth", "t2+stress+inject=exit-stack-depth"),
    ("a64-movw-g1", "jit-a64+stress+inject=a64-movw-g1"),
    (
        "stencil-stack-overrun",
        "jit-x86+stress+inject=stencil-stack-overrun",
    ),
];

#[derive(Debug, serde::Serialize)]
pub struct Row {
    pub injection: String,
    pub config: String,
    pub found: bool,
    pub programs: u64,
    pub seconds_to_find: Option<f64>,
    pub signature: Option<String>,
    pub lines_before: usize,
    pub reduced_lines: usize,
    pub reduce_seconds: f64,
}

/// Runs the self-test for every injection (or those named in `only`).
pub fn run(seconds_per_bug: f64, reduce_budget: Duration, seed: u64, only: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    for &(name, config) in INJECTIONS
        .iter()
        .filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n))
    {
        let opts = CampaignOptions {
            seconds: Some(seconds_per_bug),
            count: None,
            seed,
            configs: Config::parse_list(config).expect("self-test configurations parse"),
            out: None,
            max_saved: 0,
            progress: false,
            stop_after: Some(1),
        };
        let mut first = None;
        let stats = campaign::run(&opts, |pseed, _| {
            first.get_or_insert(pseed);
        })
        .expect("no output directory, no I/O");
        let mut row = Row {
            injection: name.into(),
            config: config.into(),
            found: first.is_some(),
            programs: stats.programs,
            seconds_to_find: stats.first_divergence_seconds,
            signature: None,
            lines_before: 0,
            reduced_lines: 0,
            reduce_seconds: 0.0,
        };
        if let Some(pseed) = first {
            let module = generator::generate_from_seed(pseed);
            let mut runner = Runner::new(Config::parse_list(config).expect("parses"));
            if let Some(sig) = Signature::of(&runner.run(&module)) {
                let mut keeps = |m: &jitdiff_vm::lang::Module| {
                    Signature::of(&runner.run(m)).as_ref() == Some(&sig)
                };
                let r = reduce::reduce(&module, reduce_budget, &mut keeps, &mut |_, _| {});
                row.signature = Some(sig.to_string());
                row.lines_before = unparse(&module).lines().count();
                row.reduced_lines = unparse(&r.module).lines().count();
                row.reduce_seconds = r.seconds;
            }
        }
        rows.push(row);
    }
    rows
}

/// The table as printed by `jitdiff selftest`.
pub fn table(rows: &[Row]) -> String {
    let mut s = format!(
        "{:<24} {:<6} {:>9} {:>10} {:>14} {:>10}\n",
        "injection", "found", "programs", "seconds", "lines", "reduce s"
    );
    for r in rows {
        let secs = r
            .seconds_to_find
            .map_or("-".to_string(), |s| format!("{s:.2}"));
        let lines = if r.found {
            format!("{} -> {}", r.lines_before, r.reduced_lines)
        } else {
            "-".into()
        };
        s.push_str(&format!(
            "{:<24} {:<6} {:>9} {:>10} {:>14} {:>10.1}\n",
            r.injection,
            if r.found { "yes" } else { "NO" },
            r.programs,
            secs,
            lines,
            r.reduce_seconds
        ));
    }
    s
}
