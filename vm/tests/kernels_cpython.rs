//! Real benchmark kernels written by others (pyperformance's, in
//! `tests/data/kernels/`, verbatim but for their harness) print what
//! python3 prints on tier 1, the tier-2 interpreter with forced exits, and
//! every JIT backend under stress. (GC stress, which collects at every
//! allocation, takes minutes on them: the campaign and the class tests
//! cover it on smaller programs.)

// Only `cpython` is shared here.
#[allow(dead_code)]
mod common;

use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{Ending, RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{Vm, VmConfig};

fn configs() -> Vec<(String, VmConfig)> {
    let stress = Tier2Config {
        hot: 2,
        exit_threshold: 2,
        ..Tier2Config::default()
    };
    let mut out = vec![
        ("tier1".to_string(), VmConfig::default()),
        (
            "tier2+forced-exits".into(),
            VmConfig {
                tier2: Some(Tier2Config {
                    forced: Some(Forced {
                        every: 3,
                        side_exit: true,
                    }),
                    ..stress.clone()
                }),
                warmup: 0,
                ..VmConfig::default()
            },
        ),
    ];
    for kind in [
        BackendKind::Native,
        BackendKind::EmuX86,
        BackendKind::EmuA64,
    ] {
        out.push((
            format!("{kind:?}+stress"),
            VmConfig {
                tier2: Some(Tier2Config {
                    jit: Some(kind),
                    ..stress.clone()
                }),
                warmup: 0,
                ..VmConfig::default()
            },
        ));
    }
    for (_, c) in &mut out {
        c.limits.fuel = 100_000_000;
    }
    out
}

fn check(file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/kernels")
        .join(file);
    let src = std::fs::read_to_string(&path).expect("kernel source");
    let module = parse_program(&src).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (want_out, want_exc) = common::cpython(&src);
    assert_eq!(want_exc, None, "{file} raises under python3");
    for (name, config) in configs() {
        let out = Vm::new(config).run_module(&module);
        assert!(
            out.findings.is_empty(),
            "{file} under {name}: {:?}",
            out.findings
        );
        let RunResult::Completed(o) = out.result else {
            panic!("{file} under {name}: {:?}", out.result)
        };
        assert_eq!(o.ending, Ending::Normal, "{file} under {name}");
        assert_eq!(o.output, want_out, "{file} under {name}");
    }
}

#[test]
fn richards_agrees_with_python3_on_every_backend() {
    check("richards.py");
}

#[test]
fn float_agrees_with_python3_on_every_backend() {
    check("float.py");
}

#[test]
fn generators_agrees_with_python3_on_every_backend() {
    check("generators.py");
}

#[test]
fn raytrace_agrees_with_python3_on_every_backend() {
    check("raytrace.py");
}
