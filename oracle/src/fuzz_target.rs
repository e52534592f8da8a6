//! Bodies of the `cargo fuzz` targets, kept in the library so `cargo test`
//! can run them on a batch of inputs (as regalloc2 does with arbtest) and the
//! targets cannot rot.

use arbitrary::Unstructured;

use crate::config::Config;
use crate::generator;
use crate::runner::{Report, Runner, Verdict};

/// A reusable runner for the `differential` target: every configuration.
pub fn differential_runner() -> Runner {
    Runner::new(Config::parse_list("all").expect("`all` parses"))
}

/// `differential`: bytes -> program -> reference vs every configuration.
/// Returns the report when the configurations diverge.
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

    /// Runs the target body on a fixed batch of pseudo-random inputs of
    /// varied lengths (about a second of work): no panic, no divergence.
    #[test]
    fn differential_target_runs_clean_on_random_inputs() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        let mut runner = differential_runner();
        for i in 0..300 {
            let len = [0, 1, 7, 64, 512, 4096][i % 6];
            let data: Vec<u8> = (0..len).map(|_| rng.random()).collect();
            if let Err(report) = differential(&data, &mut runner) {
                panic!("divergence on input {i}: {:?}", report.verdict);
            }
        }
    }
}
