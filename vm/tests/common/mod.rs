//! Shared by the end-to-end tests that run hand-written programs on every
//! tier and backend and compare each with `python3`.

use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{Ending, RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{Vm, VmConfig};
use std::process::Command;

/// What python3 prints, and the exception that ended the program if any.
pub fn cpython(src: &str) -> (String, Option<(String, String)>) {
    let wrapper = "import sys\nsrc = sys.stdin.read()\ntry:\n    exec(compile(src, 'p', 'exec'), {'__name__': '__main__'})\nexcept Exception as e:\n    print('@@EXC', type(e).__name__, str(e), sep='|')\n";
    let mut child = Command::new("python3")
        .args(["-c", wrapper])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is required for this test (run ci/setup)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    match out.find("@@EXC|") {
        Some(at) => {
            let parts: Vec<&str> = out[at + 6..].trim_end().splitn(2, '|').collect();
            (
                out[..at].to_string(),
                Some((parts[0].to_string(), parts[1].to_string())),
            )
        }
        None => (out, None),
    }
}

/// Every tier and backend of [`configs`] ends `src` poisoned by `poison`.
#[allow(dead_code)] // not every includer checks poison
pub fn assert_poisoned_on_every_tier(src: &str, poison: jitdiff_vm::lang::Poison) {
    let module = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    for (name, config) in configs() {
        let out = Vm::new(config).run_module(&module);
        assert_eq!(out.result, RunResult::Poisoned(poison), "{name}: {src}");
    }
}

pub fn configs() -> Vec<(String, VmConfig)> {
    let stress = Tier2Config {
        hot: 2,
        exit_threshold: 2,
        ..Tier2Config::default()
    };
    let mut out = vec![
        ("tier1".to_string(), VmConfig::default()),
        (
            "tier1+gc-stress".into(),
            VmConfig {
                warmup: 0,
                gc_stress: true,
                ..VmConfig::default()
            },
        ),
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
            format!("{kind:?}+gc-stress"),
            VmConfig {
                tier2: Some(Tier2Config {
                    jit: Some(kind),
                    ..stress.clone()
                }),
                warmup: 0,
                gc_stress: true,
                ..VmConfig::default()
            },
        ));
    }
    out
}

/// Runs each program on every configuration and compares with python3;
/// the number of traces compiled.
pub fn check_against_cpython(sources: &[String]) -> u64 {
    let mut traced = 0;
    for (i, src) in sources.iter().enumerate() {
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e}"));
        let (want_out, want_exc) = cpython(src);
        for (name, config) in configs() {
            let out = Vm::new(config).run_module(&module);
            assert!(
                out.findings.is_empty(),
                "program {i} under {name}: {:?}",
                out.findings
            );
            let RunResult::Completed(o) = out.result else {
                panic!("program {i} under {name} poisoned: {:?}", out.result)
            };
            let got_exc = match o.ending {
                Ending::Normal => None,
                Ending::Exception { kind, message } => Some((kind, message)),
            };
            assert_eq!(got_exc, want_exc, "program {i} ending under {name}:\n{src}");
            assert_eq!(
                o.output, want_out,
                "program {i} output under {name}:\n{src}"
            );
            traced += out.jit.traces_compiled;
        }
    }
    traced
}
