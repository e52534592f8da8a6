//! Bodies of the `cargo fuzz` targets, kept in the library so `cargo test`
//! can run them on a batch of inputs (as regalloc2 does with arbtest) and the
//! targets cannot rot.

use arbitrary::Unstructured;

use crate::config::Config;
use crate::generator;
use crate::runner::{Report, Runner, Verdict};

/// The targets: name and configurations. One per deep oracle, so
/// `cargo fuzz run <target>` focuses effort; their artifacts feed
/// `jitdiff triage` directly.
pub const TARGETS: &[(&str, &str)] = &[
    ("differential", "all"),
    (
        "guards",
        "t2+stress+checkguards,jit-native+stress+checkguards",
    ),
    (
        "deopt",
        "t2+stress+deopt=3,jit-native+stress+deopt=3,t2+stress+sideexit=3,jit-native+stress+sideexit=3",
    ),
    ("a64", "jit-a64+stress"),
    (
        "exits",
        "t2+stress,jit-native+stress,jit-x86+stress,jit-a64+stress",
    ),
    (
        "heap",
        "t1+warmup=0+gcstress,t2+stress+gcstress,jit-native+stress+gcstress",
    ),
];

/// A reusable runner for a target.
pub fn runner_for(target: &str) -> Runner {
    let (_, configs) = TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .expect("known target");
    // libFuzzer contains crashes and timeouts itself, and forking a worker
    // under it would hide them from it.
    Runner::in_process(Config::parse_list(configs).expect("target configurations parse"))
}

/// A reusable runner for the `differential` target: every configuration.
pub fn differential_runner() -> Runner {
    runner_for("differential")
}

/// Any target's body: bytes -> program -> reference vs the target's
/// configurations. Returns the report when they diverge.
pub fn differential(data: &[u8], runner: &mut Runner) -> Result<(), Box<Report>> {
    let mut u = Unstructured::new(data);
    let Ok(module) = generator::generate(&mut u) else {
        return Ok(());
    };
    let report = runner.run(&module);
    match report.verdict {
        Verdict::Diverge(_) => Err(Box::new(report)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Runs every target's body on a fixed batch of pseudo-random inputs of
    /// varied lengths: no panic, no divergence. Kept small (the campaigns and
    /// `cargo fuzz` do the volume); it proves each body runs end to end.
    #[test]
    fn every_target_runs_clean_on_random_inputs() {
        for (target, _) in TARGETS {
            let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
            let mut runner = runner_for(target);
            let inputs = if *target == "differential" { 90 } else { 48 };
            for i in 0..inputs {
                let len = [0, 1, 7, 64, 512, 4096][i % 6];
                let data: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                if let Err(report) = differential(&data, &mut runner) {
                    panic!("{target}: divergence on input {i}: {:?}", report.verdict);
                }
            }
        }
    }
}
