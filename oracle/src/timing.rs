//! Where a campaign's wall-clock time goes: the reference, each
//! configuration (split into the VM's own phases, and what is left: the
//! worker round trip and setting the VM up), the oracles' follow-up runs
//! and the oracles' comparisons. Statistics only: no verdict reads a clock.

use std::collections::BTreeMap;
use std::time::Instant;

use jitdiff_vm::Phases;
use serde::{Deserialize, Serialize};

/// One configuration's time.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ConfigTime {
    pub runs: u64,
    /// Wall-clock nanoseconds from handing the job out to its answer.
    pub wall_ns: u64,
    /// The VM's phases inside that (as the VM measured them).
    pub phases: Phases,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timing {
    pub reference_ns: u64,
    pub configs: BTreeMap<String, ConfigTime>,
    /// Frame-state replays (unless the matrix's `t1` run was the replay:
    /// its time is then `t1`'s), register-log renders and hang
    /// confirmations.
    pub follow_up_ns: u64,
    /// The oracles' comparisons.
    pub oracle_ns: u64,
    /// Generating programs (the campaign's own share).
    pub generate_ns: u64,
}

/// Nanoseconds since `t`.
pub fn since(t: Instant) -> u64 {
    t.elapsed().as_nanos() as u64
}

fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}

impl Timing {
    pub fn add(&mut self, o: &Timing) {
        self.reference_ns += o.reference_ns;
        self.follow_up_ns += o.follow_up_ns;
        self.oracle_ns += o.oracle_ns;
        self.generate_ns += o.generate_ns;
        for (k, v) in &o.configs {
            let t = self.configs.entry(k.clone()).or_default();
            t.runs += v.runs;
            t.wall_ns += v.wall_ns;
            t.phases.add(&v.phases);
        }
    }

    /// A configuration's run took `wall_ns`, of which the VM measured
    /// `phases`.
    pub fn config_ran(&mut self, config: &str, wall_ns: u64, phases: Option<&Phases>) {
        let t = self.configs.entry(config.to_string()).or_default();
        t.runs += 1;
        t.wall_ns += wall_ns;
        if let Some(p) = phases {
            t.phases.add(p);
        }
    }

    /// The summary's table: totals, then one line per configuration,
    /// slowest first.
    pub fn render(&self) -> String {
        let configs: u64 = self.configs.values().map(|c| c.wall_ns).sum();
        let mut s = format!(
            "time: generating {:.1}s, reference {:.1}s, configurations {:.1}s, oracle follow-up runs {:.1}s, oracle checks {:.1}s",
            secs(self.generate_ns),
            secs(self.reference_ns),
            secs(configs),
            secs(self.follow_up_ns),
            secs(self.oracle_ns),
        );
        s.push_str(&format!(
            "\n  {:<52} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            "configuration (seconds)", "runs", "wall", "compile", "trace", "jit", "run", "other"
        ));
        let mut rows: Vec<_> = self.configs.iter().collect();
        rows.sort_by(|a, b| b.1.wall_ns.cmp(&a.1.wall_ns).then(a.0.cmp(b.0)));
        for (name, t) in rows {
            let p = &t.phases;
            s.push_str(&format!(
                "\n  {:<52} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
                name,
                t.runs,
                secs(t.wall_ns),
                secs(p.compile_ns),
                secs(p.trace_ns),
                secs(p.jit_compile_ns),
                secs(p.run_ns),
                secs(t.wall_ns.saturating_sub(p.total_ns())),
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_configurations_and_lists_the_slowest_first() {
        let mut a = Timing::default();
        let phases = Phases {
            compile_ns: 1,
            trace_ns: 2,
            jit_compile_ns: 3,
            run_ns: 4,
        };
        a.config_ran("t1", 100, Some(&phases));
        a.config_ran("jit-x86", 3_000_000_000, None);
        let mut b = Timing::default();
        b.config_ran("t1", 50, Some(&phases));
        b.reference_ns = 7;
        a.add(&b);
        assert_eq!(a.configs["t1"].runs, 2);
        assert_eq!(a.configs["t1"].wall_ns, 150);
        assert_eq!(a.configs["t1"].phases.total_ns(), 20);
        assert_eq!(a.reference_ns, 7);
        let text = a.render();
        let x86 = text.find("jit-x86").unwrap();
        let t1 = text.find("\n  t1 ").unwrap();
        assert!(x86 < t1, "{text}");
        assert!(text.contains("configurations 3.0s"), "{text}");
    }
}
