//! The signature of a finding: which configurations disagree with the
//! reference, how, and where (uop, stencil) when the VM's oracles say. Two
//! findings with the same signature are the same bug.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::runner::{DivergenceKind, Report, Verdict};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Signature {
    /// The most specific kind: a VM oracle's kind beats a plain outcome kind.
    pub kind: DivergenceKind,
    /// The uop or stencil involved, or `outcome` when only the outcome says.
    pub place: String,
    pub configs: BTreeSet<String>,
}

impl Signature {
    /// The signature of a diverging report (`None` when it agrees): the most
    /// specific kind any oracle found, the place that oracle named, and every
    /// diverging configuration.
    pub fn of(report: &Report) -> Option<Signature> {
        let Verdict::Diverge(divs) = &report.verdict else {
            return None;
        };
        let finding = divs
            .iter()
            .flat_map(|d| d.findings.iter())
            .max_by_key(|f| f.kind.specificity())?;
        Some(Signature {
            kind: finding.kind,
            place: finding.place.clone(),
            configs: divs.iter().map(|d| d.config.clone()).collect(),
        })
    }

    /// `<kind>-<where>`, lower-case, for file names.
    pub fn slug(&self) -> String {
        let kind = format!("{:?}", self.kind).to_lowercase();
        let place: String = self
            .place
            .trim_matches('_')
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("{kind}-{place}")
    }

    /// A short stable hash of the whole signature (FNV-1a).
    pub fn short_hash(&self) -> String {
        let text = self.to_string();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{:08x}", h as u32)
    }
}

impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let configs: Vec<&str> = self.configs.iter().map(String::as_str).collect();
        write!(
            f,
            "{:?} at {} on {}",
            self.kind,
            self.place,
            configs.join(",")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracles::OracleFinding;
    use crate::runner::Divergence;
    use jitdiff_vm::lang::{Ending, Outcome, RunResult};

    #[test]
    fn the_most_specific_finding_names_the_signature() {
        let finding = |k, p: &str| OracleFinding::new(k, p, "m");
        let report = Report {
            reference: RunResult::Completed(Outcome {
                output: String::new(),
                ending: Ending::Normal,
                globals: vec![],
            }),
            results: vec![],
            verdict: Verdict::Diverge(vec![
                Divergence {
                    config: "jit-a64+stress".into(),
                    kinds: vec![DivergenceKind::Output, DivergenceKind::FrameState],
                    findings: vec![
                        finding(DivergenceKind::Output, "outcome"),
                        finding(DivergenceKind::FrameState, "_GUARD_TOS_INT"),
                    ],
                },
                Divergence {
                    config: "t2".into(),
                    kinds: vec![DivergenceKind::Output],
                    findings: vec![finding(DivergenceKind::Output, "outcome")],
                },
            ]),
        };
        let sig = Signature::of(&report).unwrap();
        assert_eq!(sig.kind, DivergenceKind::FrameState);
        assert_eq!(sig.place, "_GUARD_TOS_INT");
        assert_eq!(sig.configs.len(), 2);
        assert_eq!(sig.slug(), "framestate-guard-tos-int");
    }
}
