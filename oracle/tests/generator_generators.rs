//! The `generators` feature against CPython: programs with generator
//! kernels forced on print and end the same under `python3` as on the VM
//! (tier 1, and tier 2 with the JIT under GC stress). The reference does
//! not run generators yet, so the VM answers here; the kernels keep every
//! generator out of the final globals.

use jitdiff_oracle::generator::generate_from_seed_with;
use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{RunResult, unparse};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig};

#[test]
fn generator_programs_agree_with_python3_on_the_vm() {
    let modules: Vec<_> = (0..120)
        .map(|s| generate_from_seed_with(s, |c| c.generators = true))
        .collect();
    let sources: Vec<String> = modules.iter().map(unparse).collect();
    assert!(sources.iter().all(|s| s.contains("def gk0_")));
    let outcomes = jitdiff_oracle::cpython::run_many(&sources, 300);
    let configs = [
        VmConfig::default(),
        VmConfig {
            tier2: Some(Tier2Config {
                hot: 2,
                exit_threshold: 2,
                jit: Some(BackendKind::Native),
                ..Tier2Config::default()
            }),
            warmup: 0,
            gc_stress: true,
            ..VmConfig::default()
        },
    ];
    let mut compared = 0;
    for (seed, ((module, src), want)) in modules.iter().zip(&sources).zip(outcomes).enumerate() {
        let want = want.unwrap_or_else(|e| panic!("python3 is required (run ci/setup): {e}"));
        for config in &configs {
            let out = Vm::new(config.clone()).run_module(module);
            assert!(
                out.findings.is_empty(),
                "seed {seed}: {:?}\n{src}",
                out.findings
            );
            // A program past a limit (fuel, depth, int width) has no verdict.
            let RunResult::Completed(got) = out.result else {
                continue;
            };
            assert_eq!(
                (&got.output, &got.ending),
                (&want.output, &want.ending),
                "seed {seed} (jitdiff gen --seed {seed} --generators)\n{src}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 160, "only {compared} runs completed");
}
