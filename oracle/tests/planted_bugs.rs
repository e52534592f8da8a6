//! Every oracle must fire: each planted bug (a test-only injection in the VM)
//! is found by a short, deterministic campaign, and the same campaign
//! without the injection finds nothing. Campaigns are count-bounded, not
//! time-bounded, so the result is the same on a loaded machine.

use jitdiff_oracle::campaign::{self, CampaignOptions};
use jitdiff_oracle::config::Config;
use jitdiff_oracle::runner::{DivergenceKind, Verdict};

/// Runs `count` programs on one configuration; returns the divergence kinds
/// of every finding.
fn campaign(config: &str, count: u64) -> Vec<Vec<DivergenceKind>> {
    let opts = CampaignOptions {
        seconds: None,
        count: Some(count),
        seed: 11,
        configs: Config::parse_list(config).unwrap(),
        out: None,
        max_saved: 0,
        stop_after: None,
        progress: false,
    };
    let mut found = vec![];
    campaign::run(&opts, |_, report| {
        if let Verdict::Diverge(d) = &report.verdict {
            found.push(d[0].kinds.clone());
        }
    })
    .unwrap();
    found
}

#[test]
fn tier1_missing_overflow_check_is_found() {
    assert!(!campaign("t1+inject=add-int-overflow", 1500).is_empty());
    assert!(campaign("t1", 1500).is_empty());
}

#[test]
fn unsound_guard_removal_is_found_and_checkguards_sees_it_when_output_hides_it() {
    let found = campaign("t2+stress+checkguards+inject=loop-carried-types", 1500);
    assert!(!found.is_empty());
    // Some findings are visible only to the removed-guard checker.
    assert!(
        found
            .iter()
            .any(|k| k == &[DivergenceKind::RemovedGuardFailed]),
        "{found:?}"
    );
    assert!(campaign("t2+stress+checkguards", 1500).is_empty());
}

#[test]
fn deopt_resuming_one_instruction_late_is_found() {
    let found = campaign("t2+stress+deopt=5+inject=deopt-resume-late", 300);
    assert!(
        found
            .iter()
            .any(|k| k.contains(&DivergenceKind::DeoptState)),
        "{found:?}"
    );
    assert!(campaign("t2+stress+deopt=5", 300).is_empty());
}

#[test]
fn stale_global_after_rebinding_is_found() {
    assert!(!campaign("t2+stress+inject=stale-global", 1500).is_empty());
    assert!(campaign("t2+stress", 1500).is_empty());
}
