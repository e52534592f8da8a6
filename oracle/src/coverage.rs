//! The coverage report of a campaign: for each backend, what the VM
//! declares (uops, stencil variants, uops that can leave a trace, ways of
//! leaving, optimizer rules, specializations) against what the campaign's
//! programs reached, never-reached items first: what a JIT engineer asks of
//! a fuzzer before trusting its silence.

use std::collections::BTreeMap;

use jitdiff_vm::coverage::{Coverage, Declared, declared, pair_name};
use serde::Serialize;

use crate::config::{Config, Target};

/// One list of declared items against a backend's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    /// `tier 1`, `tier-2 interpreter`, `native`, `x86-64 (unicorn)`, ...
    pub backend: String,
    pub declared: usize,
    /// Declared, never reached, in declaration order.
    pub never: Vec<String>,
    /// Reached, with their counts, most often first.
    pub reached: Vec<(String, u64)>,
}

/// Where a configuration runs its traces, for grouping coverage.
pub fn backend_of(config: &str) -> String {
    match Config::parse(config).map(|c| c.target) {
        Ok(Target::Vm(vm)) => match vm.tier2.as_ref().map(|t| t.jit) {
            None => "tier 1".into(),
            Some(None) => "tier-2 interpreter".into(),
            Some(Some(kind)) => match kind {
                jitdiff_vm::jit::BackendKind::Native => "native x86-64".into(),
                jitdiff_vm::jit::BackendKind::EmuX86 => "x86-64 under unicorn".into(),
                jitdiff_vm::jit::BackendKind::EmuA64 => "AArch64 under unicorn".into(),
            },
        },
        _ => "cpython".into(),
    }
}

/// Sums configurations' coverage by backend.
pub fn by_backend(by_config: &BTreeMap<String, Coverage>) -> BTreeMap<String, Coverage> {
    let mut out: BTreeMap<String, Coverage> = BTreeMap::new();
    for (config, c) in by_config {
        out.entry(backend_of(config)).or_default().add(c);
    }
    out
}

fn section(
    title: &str,
    backend: &str,
    declared: &[String],
    counts: &BTreeMap<String, u64>,
) -> Section {
    let never = declared
        .iter()
        .filter(|d| counts.get(*d).is_none_or(|&n| n == 0))
        .cloned()
        .collect();
    let mut reached: Vec<(String, u64)> = counts
        .iter()
        .filter(|&(_, &n)| n > 0)
        .map(|(k, &n)| (k.clone(), n))
        .collect();
    reached.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Section {
        title: title.into(),
        backend: backend.into(),
        declared: declared.len(),
        never,
        reached,
    }
}

/// Every section for a campaign's per-configuration coverage.
pub fn sections(by_config: &BTreeMap<String, Coverage>) -> Vec<Section> {
    let d: Declared = declared();
    let backends = by_backend(by_config);
    let mut out = vec![];
    let mut everywhere = Coverage::default();
    for c in backends.values() {
        everywhere.add(c);
    }
    for (backend, c) in &backends {
        match backend.as_str() {
            "tier 1" | "cpython" => continue,
            "tier-2 interpreter" => {
                out.push(section("uops run", backend, &d.uops, &c.uops_interpreted));
            }
            _ => {
                out.push(section(
                    "stencils compiled",
                    backend,
                    &d.stencils,
                    &c.stencils_compiled,
                ));
                // Counted only under `+count-stencils`: no zeros that read
                // as measurements.
                if !c.stencils_executed.is_empty() {
                    out.push(section(
                        "stencils run (+count-stencils)",
                        backend,
                        &d.stencils,
                        &c.stencils_executed,
                    ));
                }
            }
        }
        out.push(section(
            "uops that can leave a trace, by exits taken",
            backend,
            &d.exiting_uops,
            &c.exits_by_uop,
        ));
        // The tier-2 interpreter links no exit in machine code: that kind
        // is never a gap there.
        let ways: Vec<String> = match backend.as_str() {
            "tier-2 interpreter" => d
                .exit_ways
                .iter()
                .filter(|w| *w != jitdiff_vm::coverage::ExitWay::LinkedInMachineCode.name())
                .cloned()
                .collect(),
            _ => d.exit_ways.clone(),
        };
        out.push(section("exit kinds", backend, &ways, &c.exit_ways));
    }
    out.push(section(
        "optimizer rules fired",
        "all tiers",
        &d.optimizer_rules,
        &everywhere.optimizer_rules,
    ));
    out.push(section(
        "specializations made (runs)",
        "all tiers",
        &d.specializations,
        &everywhere.specializations,
    ));
    out
}

/// The JIT behaviours a campaign reached, each as one string: every
/// reached item of every section (stencils, exits and exit kinds keyed by
/// backend, since each backend is its own code) plus each pair of
/// consecutive uops in an entered trace. What the guided campaign keeps
/// programs for, and what `distinct_behaviours` counts.
pub fn features(by_config: &BTreeMap<String, Coverage>) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (config, c) in by_config {
        let b = backend_of(config);
        for (tag, map) in [
            ("compiled", &c.stencils_compiled),
            ("ran", &c.stencils_executed),
            ("left by", &c.exits_by_uop),
            ("exit", &c.exit_ways),
        ] {
            for (k, &n) in map {
                if n > 0 {
                    out.insert(format!("{b}: {tag} {k}"));
                }
            }
        }
        for (tag, map) in [
            ("uop", &c.uops_interpreted),
            ("rule", &c.optimizer_rules),
            ("specialized", &c.specializations),
        ] {
            for (k, &n) in map {
                if n > 0 {
                    out.insert(format!("{tag} {k}"));
                }
            }
        }
        for &p in &c.uop_pairs {
            out.insert(format!("pair {}", pair_name(p)));
        }
    }
    out
}

/// How many distinct JIT behaviours ([`features`]) a campaign reached.
pub fn distinct_behaviours(by_config: &BTreeMap<String, Coverage>) -> usize {
    features(by_config).len()
}

/// Plain text: every section's never-reached items first, then what was
/// reached with counts.
pub fn render_text(sections: &[Section], pairs: usize) -> String {
    let mut s = String::from("never reached:\n");
    for sec in sections {
        s.push_str(&format!(
            "  {} [{}]: {} of {} never reached{}{}\n",
            sec.title,
            sec.backend,
            sec.never.len(),
            sec.declared,
            if sec.never.is_empty() { "" } else { ": " },
            sec.never.join(", ")
        ));
    }
    s.push_str("reached:\n");
    for sec in sections {
        let items: Vec<String> = sec
            .reached
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        s.push_str(&format!(
            "  {} [{}]: {} of {}: {}\n",
            sec.title,
            sec.backend,
            sec.declared - sec.never.len(),
            sec.declared,
            items.join(", ")
        ));
    }
    s.push_str(&format!(
        "distinct pairs of consecutive uops in entered traces: {pairs}\n"
    ));
    s
}

/// Markdown for a job summary: a table of sections with their
/// never-reached items first, then the reached counts folded away.
pub fn render_markdown(sections: &[Section], pairs: usize) -> String {
    let mut s = String::from(
        "### Coverage: never reached\n\n| section | backend | never reached | items |\n|---|---|---|---|\n",
    );
    for sec in sections {
        s.push_str(&format!(
            "| {} | {} | {} of {} | {} |\n",
            sec.title,
            sec.backend,
            sec.never.len(),
            sec.declared,
            md_escape(&sec.never.join(", "))
        ));
    }
    s.push_str("\n<details><summary>Coverage: reached</summary>\n\n");
    for sec in sections {
        let items: Vec<String> = sec
            .reached
            .iter()
            .map(|(k, n)| format!("`{k}` {n}"))
            .collect();
        s.push_str(&format!(
            "- **{}** [{}]: {}\n",
            sec.title,
            sec.backend,
            md_escape(&items.join(", "))
        ));
    }
    s.push_str(&format!(
        "\nDistinct pairs of consecutive uops in entered traces: {pairs}\n\n</details>\n"
    ));
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The distinct uop pairs of a campaign, named (for `--json`).
pub fn pair_names(by_config: &BTreeMap<String, Coverage>) -> Vec<String> {
    let mut keys: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    for c in by_config.values() {
        keys.extend(&c.uop_pairs);
    }
    keys.into_iter().map(pair_name).collect()
}

/// Distinct pairs over all configurations.
pub fn pair_count(by_config: &BTreeMap<String, Coverage>) -> usize {
    let mut keys: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    for c in by_config.values() {
        keys.extend(&c.uop_pairs);
    }
    keys.len()
}

/// `config` with `+count-stencils` added when it runs machine code, so the
/// coverage of what ran (not only what was compiled) is counted.
pub fn with_step_counting(config: &Config) -> Result<Config, String> {
    match &config.target {
        Target::Vm(vm)
            if vm.tier2.as_ref().is_some_and(|t| t.jit.is_some())
                && !vm.tier2.as_ref().is_some_and(|t| t.count_stencils) =>
        {
            Config::parse(&format!("{}+count-stencils", config.name))
        }
        _ => Ok(config.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_reached_lists_exactly_the_declared_items_without_counts() {
        let declared = vec!["a".to_string(), "b".into(), "c".into()];
        let counts: BTreeMap<String, u64> = [("b".to_string(), 3), ("c".into(), 0)].into();
        let s = section("t", "x", &declared, &counts);
        assert_eq!(s.never, vec!["a".to_string(), "c".into()]);
        assert_eq!(s.reached, vec![("b".to_string(), 3)]);
    }

    /// An exit linked in machine code is a kind only JIT backends can
    /// take: never a gap of the tier-2 interpreter's, always one of a JIT
    /// backend that took none.
    #[test]
    fn exit_kinds_are_those_the_backend_can_take() {
        let by_config: BTreeMap<String, Coverage> = [
            ("t2+stress".to_string(), Coverage::default()),
            ("jit-native".to_string(), Coverage::default()),
        ]
        .into();
        let never_of = |backend: &str| {
            sections(&by_config)
                .into_iter()
                .find(|s| s.title == "exit kinds" && s.backend == backend)
                .unwrap()
                .never
        };
        let linked = "exit linked in machine code".to_string();
        assert!(!never_of("tier-2 interpreter").contains(&linked));
        assert!(never_of("native x86-64").contains(&linked));
        assert_eq!(never_of("native x86-64").len(), 10);
        assert_eq!(never_of("tier-2 interpreter").len(), 9);
    }

    #[test]
    fn backends_are_named_from_the_configuration() {
        assert_eq!(backend_of("t1"), "tier 1");
        assert_eq!(backend_of("t2+stress"), "tier-2 interpreter");
        assert_eq!(backend_of("jit-native"), "native x86-64");
        assert_eq!(backend_of("jit-x86+stress"), "x86-64 under unicorn");
        assert_eq!(backend_of("jit-a64+stress"), "AArch64 under unicorn");
    }
}
