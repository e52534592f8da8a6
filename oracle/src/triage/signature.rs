//! The signature of a finding: which configurations disagree with the
//! reference, how, and where (uop, stencil) when the VM's oracles say. Two
//! findings with the same signature are the same bug.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::runner::{ConfigResult, DivergenceKind, Report, Verdict};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Signature {
    /// The most specific kind: a VM oracle's kind beats a plain outcome kind.
    pub kind: DivergenceKind,
    /// The uop or stencil involved, or `outcome` when only the outcome says.
    pub place: String,
    pub configs: BTreeSet<String>,
}

impl Signature {
    /// The signature of a diverging report (`None` when it agrees).
    pub fn of(report: &Report) -> Option<Signature> {
        let Verdict::Diverge(divs) = &report.verdict else {
            return None;
        };
        let kind = divs
            .iter()
            .flat_map(|d| d.kinds.iter().copied())
            .max_by_key(|k| specificity(*k))?;
        let messages: Vec<&String> = report
            .results
            .iter()
            .flat_map(|(_, r)| match r {
                ConfigResult::Run(_, findings) => findings.iter().collect::<Vec<_>>(),
                _ => vec![],
            })
            .collect();
        let place = messages
            .iter()
            .find_map(|m| place_in(m))
            .unwrap_or_else(|| "outcome".into());
        Some(Signature {
            kind,
            place,
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

fn specificity(k: DivergenceKind) -> u8 {
    match k {
        DivergenceKind::Fault => 9,
        DivergenceKind::Crash => 8,
        DivergenceKind::RemovedGuardFailed => 7,
        DivergenceKind::DeoptState => 6,
        DivergenceKind::Poisoned => 5,
        DivergenceKind::Exception => 4,
        DivergenceKind::Output => 3,
        DivergenceKind::Globals => 2,
    }
}

/// The stencil or uop a VM oracle message names.
fn place_in(message: &str) -> Option<String> {
    for marker in ["in stencil ", "removed guard ", "exit of "] {
        if let Some(at) = message.find(marker) {
            let rest = &message[at + marker.len()..];
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                return Some(if marker == "exit of " {
                    "exit".into()
                } else {
                    word
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_come_from_oracle_messages() {
        assert_eq!(
            place_in("JIT fault under emulation: X at PC 0x1 in stencil _LOAD_FAST_r00 (uop #3"),
            Some("_LOAD_FAST_r00".into())
        );
        assert_eq!(
            place_in("removed guard _GUARD_TOS_INT (bytecode 3) would have failed"),
            Some("_GUARD_TOS_INT".into())
        );
        assert_eq!(
            place_in("exit of executor 2 resumes f at bytecode 4"),
            Some("exit".into())
        );
        assert_eq!(place_in("something else"), None);
    }
}
