//! End-to-end: tier 0 and tier 1 print what CPython prints, on programs
//! chosen to exercise specialization, de-specialization, boxing at the
//! small-int boundary, GC and every S0 error.

use jitdiff_vm::lang::{Ending, RunResult, parse_program};
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{Vm, VmConfig};
use std::process::Command;

const PROGRAMS: &[&str] = &[
    "def sum_range(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\nprint(sum_range(10000))\n",
    "x = 4611686018427387900\nfor i in range(10):\n    x = x + 1\n    print(x, x - 4611686018427387904, -x)\n",
    "x = 3\nfor i in range(50):\n    x = x * 3 % 1000000007\n    y = x * 4611686018427387903\nprint(x, y, y // 7, y % -7, -y // 3)\n",
    "t = 0\nfor i in range(100):\n    v = i if False else i\n",
    "def f(a, b):\n    return a // b + a % b\nfor i in range(-20, 20):\n    print(f(i * 7, 3), f(i, -4), i < 3 < i * i, i == i, 0 or i and -i)\n",
    "g = 1\ndef h():\n    return g * 2\nt = 0\nfor i in range(30):\n    t += h()\n    if i == 15:\n        g = 100\nprint(t)\n",
    "def f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\nprint(f(15))\n",
    "x = True\nfor i in range(20):\n    x = x + 1\n    if not x % 4:\n        x = x > 5\nprint(x)\n",
    "def f():\n    print(y)\n    y = 1\nf()\n",
    "print(undefined_name)\n",
    "for i in range(10):\n    print(10 // (5 - i))\n",
    "for i in range(10):\n    print(10 % (5 - i))\n",
    "def f(a, b):\n    pass\nf(1)\n",
    "print(None < 1)\n",
    "x = 1\nx += None\n",
    "def f(a):\n    a //= print\nf(3)\n",
    "print(range(3), range(1, 9, 2), print, range(0) == range(5, 5), not range(0))\n",
    "x = 1\nfor i in range(200):\n    x = x * 3\nprint(x % 1000, 0) if False else print(x % 997)\n",
    "i = 0\nwhile True:\n    i += 1\n    if i % 3 == 0:\n        continue\n    if i > 50:\n        break\nprint(i, None, True + True, -False)\n",
    "for i in range(4611686018427387900, 4611686018427387910, 3):\n    print(i)\nfor j in range(2 * 9223372036854775807, 2 * 9223372036854775807 + 2):\n    print(j)\n",
];

fn cpython(src: &str) -> Option<(String, Option<(String, String)>)> {
    let wrapper = "import sys\nsrc = sys.stdin.read()\ntry:\n    exec(compile(src, 'p', 'exec'), {'__name__': '__main__'})\nexcept Exception as e:\n    print('@@EXC', type(e).__name__, str(e), sep='|')\n";
    let mut child = Command::new("python3")
        .args(["-c", wrapper])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child.stdin.take()?.write_all(src.as_bytes()).ok()?;
    let out = String::from_utf8(child.wait_with_output().ok()?.stdout).ok()?;
    match out.find("@@EXC|") {
        Some(at) => {
            let parts: Vec<&str> = out[at + 6..].trim_end().splitn(2, '|').collect();
            Some((
                out[..at].to_string(),
                Some((parts[0].to_string(), parts[1].to_string())),
            ))
        }
        None => Some((out, None)),
    }
}

#[test]
fn tier0_and_tier1_agree_with_cpython() {
    let mut checked = 0;
    for (i, src) in PROGRAMS.iter().enumerate() {
        // Every program is S0: one the front end refused would check nothing.
        let module = parse_program(src).unwrap_or_else(|e| panic!("program {i}: {e:?}\n{src}"));
        let Some((want_out, want_exc)) = cpython(src) else {
            panic!("python3 is required for this test (run ci/setup)");
        };
        let stress = Tier2Config {
            hot: 2,
            exit_threshold: 2,
            ..Tier2Config::default()
        };
        for config in [
            VmConfig {
                specialize: false,
                ..VmConfig::default()
            },
            VmConfig::default(),
            VmConfig {
                warmup: 0,
                gc_stress: true,
                ..VmConfig::default()
            },
            VmConfig {
                tier2: Some(Tier2Config::default()),
                ..VmConfig::default()
            },
            VmConfig {
                tier2: Some(stress.clone()),
                warmup: 0,
                ..VmConfig::default()
            },
            VmConfig {
                tier2: Some(Tier2Config {
                    forced: Some(Forced {
                        every: 3,
                        side_exit: false,
                    }),
                    ..stress.clone()
                }),
                ..VmConfig::default()
            },
        ] {
            let out = Vm::new(config.clone()).run_module(&module);
            assert!(
                out.findings.is_empty(),
                "program {i} under {config:?}: {:?}",
                out.findings
            );
            let result = out.result;
            let RunResult::Completed(o) = result else {
                panic!("program {i} poisoned: {result:?}")
            };
            assert_eq!(
                o.output, want_out,
                "program {i} output under {config:?}:\n{src}"
            );
            let got_exc = match o.ending {
                Ending::Normal => None,
                Ending::Exception { kind, message } => Some((kind, message)),
            };
            assert_eq!(
                got_exc, want_exc,
                "program {i} ending under {config:?}:\n{src}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, PROGRAMS.len());
}
