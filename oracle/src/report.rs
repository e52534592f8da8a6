//! Human-readable tables of a [`Report`].

use jitdiff_vm::lang::{Outcome, RunResult};

use crate::runner::{ConfigResult, Report, Verdict};

/// FNV-1a, for short fingerprints of outputs in tables.
pub fn fingerprint(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

pub fn verdict_word(v: &Verdict) -> String {
    match v {
        Verdict::Agree => "agree".into(),
        Verdict::Poisoned(p) => format!("poisoned ({p})"),
        Verdict::Error(e) => format!("error: {e}"),
        Verdict::Diverge(d) => {
            let parts: Vec<String> = d
                .iter()
                .map(|d| format!("{} {:?}", d.config, d.kinds))
                .collect();
            format!("DIVERGENCE: {}", parts.join("; "))
        }
    }
}

fn columns(r: &RunResult) -> (String, String, String) {
    match r {
        RunResult::Poisoned(p) => (format!("poisoned: {p}"), String::new(), String::new()),
        RunResult::Completed(o) => outcome_columns(o),
    }
}

fn outcome_columns(o: &Outcome) -> (String, String, String) {
    let mut ending = o.ending_text();
    if ending.len() > 48 {
        ending.truncate(45);
        ending.push_str("...");
    }
    let globals: String = o.globals.iter().map(|(k, v)| format!("{k}={v};")).collect();
    (
        ending,
        format!(
            "{} lines {}",
            o.output.lines().count(),
            fingerprint(&o.output)
        ),
        format!("{} names {}", o.globals.len(), fingerprint(&globals)),
    )
}

/// Prints one file's table: each configuration's outcome and the verdict.
pub fn print_report_table(name: &str, report: &Report) {
    println!("== {name}: {}", verdict_word(&report.verdict));
    println!(
        "  {:<26} {:<48} {:<20} {:<20}",
        "config", "ending", "output", "globals"
    );
    let (e, o, g) = columns(&report.reference);
    println!("  {:<26} {e:<48} {o:<20} {g:<20}", "reference");
    for (config, result) in &report.results {
        let (e, o, g) = match result {
            ConfigResult::Run(r, _) => columns(r),
            ConfigResult::Crash(m) => (format!("CRASH: {m}"), String::new(), String::new()),
            ConfigResult::Hang(m) => (format!("HANG: {m}"), String::new(), String::new()),
            ConfigResult::Error(m) => (format!("error: {m}"), String::new(), String::new()),
        };
        println!("  {config:<26} {e:<48} {o:<20} {g:<20}");
    }
    // For a divergence, what each oracle found.
    if let Verdict::Diverge(divs) = &report.verdict {
        for d in divs {
            for f in &d.findings {
                println!("  {}: {} oracle: {}", d.config, f.oracle, f.message);
            }
        }
    }
}
