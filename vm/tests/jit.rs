//! The JIT end to end on all three backends: agreement with the tier-2
//! interpreter, machine code actually running, and each planted JIT bug
//! caught by the backend that can see it.

use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::lang::{RunResult, parse_program};
use jitdiff_vm::observe::Observe;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{FindingKind, Injection, RunOutput, Vm, VmConfig};

const BACKENDS: [BackendKind; 3] = [
    BackendKind::Native,
    BackendKind::EmuX86,
    BackendKind::EmuA64,
];

fn config(kind: BackendKind, inject: Option<Injection>) -> VmConfig {
    let tier2 = Tier2Config {
        hot: 2,
        exit_threshold: 2,
        jit: Some(kind),
        ..Tier2Config::default()
    };
    VmConfig {
        tier2: Some(tier2),
        warmup: 0,
        inject,
        ..VmConfig::default()
    }
}

fn run(src: &str, c: VmConfig) -> RunOutput {
    Vm::new(c).run_module(&parse_program(src).unwrap())
}

const LOOPS: &str = "def f(n):\n    t = 0\n    for i in range(n):\n        if i % 7 == 3:\n            t += i * 3\n        else:\n            t -= 1\n    return t\ng = 4611686018427387900\nfor i in range(20):\n    g += 1\nprint(f(200), g, f(5))\n";

#[test]
fn every_backend_runs_machine_code_and_agrees_with_tier2() {
    let want = run(
        LOOPS,
        VmConfig {
            tier2: Some(Tier2Config::default()),
            ..VmConfig::default()
        },
    );
    for kind in BACKENDS {
        let mut c = config(kind, None);
        c.tier2.as_mut().unwrap().count_stencils = true;
        let o = run(LOOPS, c);
        assert_eq!(o.result, want.result, "{kind:?}");
        assert!(o.findings.is_empty(), "{kind:?}: {:?}", o.findings);
        assert!(
            o.jit.traces_compiled > 0 && o.jit.entries > 0,
            "{kind:?}: {:?}",
            o.jit
        );
        assert!(o.jit.stencils_executed > 100, "{kind:?}: {:?}", o.jit);
    }
}

#[test]
fn a_misspatched_aarch64_relocation_is_caught_only_on_aarch64() {
    for kind in BACKENDS {
        let o = run(LOOPS, config(kind, Some(Injection::A64MovwG1)));
        let clean = run(LOOPS, config(kind, None));
        if kind == BackendKind::EmuA64 {
            // Every trace's first `_CHECK_VALIDITY` reads 8 GiB past the
            // validity flags: an emulation fault, named.
            let f = o.findings.first().expect("caught on AArch64");
            assert_eq!(f.kind, FindingKind::Fault, "{}", f.message);
            assert!(
                f.message.contains("in stencil _CHECK_VALIDITY_r00"),
                "{}",
                f.message
            );
        } else {
            assert!(o.findings.is_empty(), "{kind:?}: {:?}", o.findings);
            assert_eq!(o.result, clean.result, "{kind:?}");
        }
    }
}

#[test]
fn a_stencil_writing_past_the_value_stack_faults_with_its_name_under_emulation() {
    for kind in [BackendKind::EmuX86, BackendKind::EmuA64] {
        let o = run(LOOPS, config(kind, Some(Injection::StencilStackOverrun)));
        let fault = o
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::Fault)
            .unwrap_or_else(|| panic!("{kind:?}: {:?}", o.findings));
        assert!(
            fault.message.contains("_PLANTED_STACK_OVERRUN_r00"),
            "{}",
            fault.message
        );
        assert!(!matches!(o.result, RunResult::Poisoned(_)));
    }
}

/// A call from a trace runs the callee, whose loop has a trace of its own:
/// under emulation that nested trace runs in the emulator too, even ninety
/// calls deep (past unicorn's 64 nested runs per engine).
#[test]
fn nested_traces_run_as_machine_code_at_any_depth() {
    let src = "def f(n):\n    t = 0\n    for i in range(3):\n        if n > 0 and i == 2:\n            t += f(n - 1)\n        t += i\n    return t\nprint(f(90))\n";
    let want = run(src, VmConfig::default());
    for kind in BACKENDS {
        let o = run(src, config(kind, None));
        assert_eq!(o.result, want.result, "{kind:?}");
        assert!(o.findings.is_empty(), "{kind:?}: {:?}", o.findings);
        assert_eq!(o.jit.interpreted, 0, "{kind:?}: {:?}", o.jit);
        assert!(o.jit.entries >= 90, "{kind:?}: {:?}", o.jit);
    }
}

/// What a run records for the oracles: its exits, in order.
fn exits(src: &str, c: VmConfig) -> (RunOutput, Vec<(u32, u32, u64)>) {
    let observe = Observe {
        events: true,
        ..Default::default()
    };
    let o = Vm::new(c).run_module_observed(&parse_program(src).unwrap(), &observe);
    let seq = o
        .events
        .exits
        .iter()
        .map(|e| (e.executor, e.exit, e.fuel))
        .collect();
    (o, seq)
}

const REBINDS: &str = "g = 1\ndef f(x):\n    return x + g\nt = 0\nfor i in range(60):\n    t += f(i)\n    if i % 9 == 4:\n        g = g + 1\nprint(t, g)\n";

/// The tier-2 interpreter and the three backends take exactly the same
/// exits (linked exits included), also with forced deopts and forced side
/// exits, which machine code now takes like the interpreter.
#[test]
fn every_backend_takes_the_tier2_interpreters_exits() {
    for src in [LOOPS, REBINDS] {
        for forced in [
            None,
            Some(Forced {
                every: 3,
                side_exit: false,
            }),
            Some(Forced {
                every: 3,
                side_exit: true,
            }),
        ] {
            let with = |jit| {
                let mut c = config(BackendKind::Native, None);
                let t2 = c.tier2.as_mut().unwrap();
                t2.jit = jit;
                t2.forced = forced;
                c
            };
            let (want, want_exits) = exits(src, with(None));
            assert!(!want_exits.is_empty());
            for kind in BACKENDS {
                let (o, got) = exits(src, with(Some(kind)));
                assert_eq!(o.result, want.result, "{kind:?} {forced:?}");
                assert!(o.findings.is_empty(), "{kind:?}: {:?}", o.findings);
                assert_eq!(got, want_exits, "{kind:?} {forced:?}:\n{src}");
                assert_eq!(o.tier2.forced_failures, want.tier2.forced_failures);
                if forced.is_some() {
                    assert!(o.tier2.forced_failures > 0);
                }
            }
        }
    }
}

/// The permissions `/proc/self/maps` gives the mapping holding `addr`.
fn permissions_at(addr: u64) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines()
        .find_map(|l| {
            let (range, rest) = l.split_once(' ')?;
            let (start, end) = range.split_once('-')?;
            let (start, end) = (
                u64::from_str_radix(start, 16).ok()?,
                u64::from_str_radix(end, 16).ok()?,
            );
            (start <= addr && addr < end).then(|| rest[..4].to_string())
        })
        .unwrap_or_else(|| panic!("nothing mapped at {addr:#x}"))
}

/// The first trace `LOOPS` forms under the tier-2 interpreter.
fn loops_trace() -> jitdiff_vm::tier2::Executor {
    let module = parse_program(LOOPS).unwrap();
    let (_, _, executors) = Vm::new(VmConfig {
        tier2: Some(Tier2Config::default()),
        ..VmConfig::default()
    })
    .run_program(jitdiff_vm::lang::compile::compile(&module));
    executors
        .into_iter()
        .next()
        .expect("the loops form a trace")
}

/// W^X natively: a compiled trace runs from memory that is executable and
/// not writable (it was copied in through another view of the same pages).
#[test]
fn native_traces_run_from_memory_that_is_never_writable() {
    use jitdiff_vm::jit::select::{CachePolicy, select};
    let ex = &loops_trace();
    let arena = jitdiff_vm::runtime::Arena::new();
    let mut jit = jitdiff_vm::jit::Jit::native(&arena).unwrap();
    let steps = select(&ex.uops, ex.entry_depth, CachePolicy::Greedy, 0, None);
    let code = jit.compile(ex, 0, &steps).unwrap();
    for addr in [code.entry, code.first_uop, code.base + code.len as u64 - 1] {
        let p = permissions_at(addr);
        assert!(p.starts_with("r-x"), "{addr:#x}: {p}");
    }
}

/// Code memory holds what the listing says, whatever it held before: a
/// trace is written straight into code memory (no buffer in between),
/// native traces are packed at cache-line granularity without clobbering
/// each other, and bytes no stencil covers are zeroed, so a compile that
/// keeps no listing writes exactly the bytes of one that does.
#[test]
fn code_memory_holds_the_listed_bytes_whatever_it_held_before() {
    use jitdiff_vm::jit::select::{CachePolicy, select};
    use jitdiff_vm::jit::{CompiledCode, Jit};
    let ex = &loops_trace();
    let arena = jitdiff_vm::runtime::Arena::new();
    let mut jit = Jit::native(&arena).unwrap();
    let in_memory = |c: &CompiledCode| {
        // SAFETY: the exec view of the JIT's code memory is readable, and
        // `base..base + len` is the trace just compiled there.
        unsafe { std::slice::from_raw_parts(c.base as *const u8, c.len) }.to_vec()
    };
    let greedy = select(&ex.uops, ex.entry_depth, CachePolicy::Greedy, 0, None);
    let memory = select(&ex.uops, ex.entry_depth, CachePolicy::None, 0, None);
    jit.listings = true;
    let first = jit.compile(ex, 0, &greedy).unwrap();
    let second = jit.compile(ex, 0, &memory).unwrap();
    let listed = |c: &CompiledCode| c.listing.as_ref().expect("listing kept").bytes.clone();
    assert_eq!(
        second.base,
        first.base + first.len.next_multiple_of(64) as u64
    );
    assert_eq!(
        in_memory(&first),
        listed(&first),
        "the second trace clobbered the first"
    );
    assert_eq!(in_memory(&second), listed(&second));
    assert!(first.placed.iter().all(|p| p.addr >= first.base
        && p.addr + p.len as u64 <= first.base + first.len as u64));
    // Dirty the first trace's place with other, longer code (a probe
    // before every uop), then compile the first trace there again,
    // keeping no listing.
    jit.reset();
    jit.listings = false;
    jit.check_regs = true;
    let dirty = jit.compile(ex, 0, &memory).unwrap();
    assert_eq!(dirty.base, first.base);
    assert!(dirty.len > first.len);
    jit.check_regs = false;
    jit.reset();
    let again = jit.compile(ex, 0, &greedy).unwrap();
    assert_eq!((again.base, again.len), (first.base, first.len));
    assert!(again.listing.is_none());
    let (now, then) = (in_memory(&again), listed(&first));
    let differ = (0..now.len()).find(|&i| now[i] != then[i]);
    assert_eq!(
        differ, None,
        "first differing byte of the trace compiled again"
    );
}
