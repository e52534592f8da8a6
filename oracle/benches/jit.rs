//! `cargo bench -p jitdiff-oracle`: the JIT's figures of merit.
//! - compile: variant selection, the register checker and copy-and-patch
//!   for the sum_range trace, per policy, then each of the three alone
//!   (greedy); criterion's throughput line is in uops (`elem/s`: a
//!   nanosecond per uop is 1 Gelem/s), and the uop count is printed once;
//! - sum_range: the seed article's loop on t1, t2 and jit-native;
//! - emulated vs native: the same program under jit-x86 / jit-a64;
//! - emulator_entry: entering emulated code that only returns, the fixed
//!   cost every outermost trace entry pays under unicorn;
//! - policies: sum_range and three integer loops from the corpus on
//!   jit-native with `+cache=none` and `+cache=greedy` (register variants);
//!   their data memory accesses under emulation (`+count-mem`) are printed
//!   once, deterministically;
//! - campaign: ten generated programs through the full configuration matrix;
//! - kernels: pyperformance's nbody (20,000 steps), fannkuch (n = 8) and
//!   spectral_norm (n = 50), richards (one run), float (100,000 points)
//!   and raytrace (32 x 32 pixels; the last three as
//!   `vm/tests/data/kernels` has them)
//!   on t1 and jit-native, and under `python3` in
//!   one process (best of ten runs timed by python3 itself, printed once).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jitdiff_oracle::config::{Config, Target};
use jitdiff_oracle::generator;
use jitdiff_oracle::runner::Runner;
use jitdiff_vm::jit::select::{CachePolicy, select};
use jitdiff_vm::jit::{Jit, regcheck};
use jitdiff_vm::lang::compile::compile;
use jitdiff_vm::lang::parse_program;
use jitdiff_vm::runtime::Arena;
use jitdiff_vm::{Vm, VmConfig};

const SUM_RANGE: &str = "def sum_range(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\nprint(sum_range(100000))\n";

fn vm(config: &str) -> Vm {
    match Config::parse(config).expect("valid configuration").target {
        Target::Vm(c) => Vm::new(c),
        Target::CPython => unreachable!(),
    }
}

fn compile_time(c: &mut Criterion) {
    let module = parse_program(SUM_RANGE).unwrap();
    let (_, _, executors) = Vm::new(VmConfig {
        tier2: Some(Default::default()),
        ..VmConfig::default()
    })
    .run_program(compile(&module));
    let ex = executors
        .into_iter()
        .next()
        .expect("sum_range forms a trace");
    eprintln!("sum_range trace: {} uops", ex.uops.len());
    let arena = Arena::new();
    let mut jit = Jit::native(&arena).unwrap();
    // Code memory is bump-allocated: start afresh every few thousand traces.
    let mut n = 0u32;
    let mut g = c.benchmark_group("compile/sum_range_trace");
    g.throughput(Throughput::Elements(ex.uops.len() as u64));
    for policy in [
        CachePolicy::None,
        CachePolicy::Greedy,
        CachePolicy::Random(Some(1)),
    ] {
        g.bench_function(policy.name(), |b| {
            b.iter(|| {
                n += 1;
                if n.is_multiple_of(4096) {
                    jit.reset();
                }
                let steps = select(&ex.uops, ex.entry_depth, policy, n as u64, None);
                regcheck::check(&ex.uops, &steps, ex.entry_depth).unwrap();
                black_box(jit.compile(&ex, 0, &steps).unwrap().entry)
            })
        });
    }
    g.finish();
    // Where that time goes, for the greedy policy: variant selection, the
    // register checker, and copy-and-patch into code memory, each alone.
    let policy = CachePolicy::Greedy;
    let steps = select(&ex.uops, ex.entry_depth, policy, 1, None);
    // With a listing once, to count the holes (the timed compiles keep none).
    jit.listings = true;
    let code = jit.compile(&ex, 0, &steps).unwrap();
    jit.listings = false;
    eprintln!(
        "sum_range trace, greedy: {} steps, {} stencils placed, {} holes patched, {} bytes",
        steps.len(),
        code.placed.len(),
        code.placed.iter().map(|p| p.holes.len()).sum::<usize>(),
        code.len
    );
    let mut g = c.benchmark_group("compile/sum_range_trace/greedy_phase");
    g.throughput(Throughput::Elements(ex.uops.len() as u64));
    g.bench_function("select", |b| {
        b.iter(|| black_box(select(&ex.uops, ex.entry_depth, policy, 1, None).len()))
    });
    g.bench_function("regcheck", |b| {
        b.iter(|| black_box(regcheck::check(&ex.uops, &steps, ex.entry_depth).is_ok()))
    });
    g.bench_function("copy_and_patch", |b| {
        b.iter(|| {
            n += 1;
            if n.is_multiple_of(4096) {
                jit.reset();
            }
            black_box(jit.compile(&ex, 0, &steps).unwrap().entry)
        })
    });
    g.finish();
}

/// Integer loops: sum_range, and corpus programs that are mostly loops.
fn loops() -> Vec<(&'static str, String)> {
    let corpus = |f: &str| {
        std::fs::read_to_string(format!("{}/../corpus/{f}", env!("CARGO_MANIFEST_DIR")))
            .expect("corpus program")
    };
    vec![
        ("sum_range", SUM_RANGE.to_string()),
        ("collatz", corpus("04_collatz.py")),
        ("gcd", corpus("05_gcd.py")),
        ("nested_loops", corpus("06_nested_loops.py")),
    ]
}

fn policies(c: &mut Criterion) {
    // Memory traffic first, counted (deterministic, not timed).
    for (name, src) in loops() {
        let module = parse_program(&src).unwrap();
        let count = |policy: &str| {
            let mut v = vm(&format!("jit-x86+count-mem+cache={policy}"));
            v.run_module(&module).jit.memory_accesses
        };
        let (none, greedy) = (count("none"), count("greedy"));
        eprintln!(
            "memory accesses ({name}, jit-x86): none {none}, greedy {greedy} ({:.1}% fewer)",
            100.0 * (none as f64 - greedy as f64) / none.max(1) as f64
        );
    }
    let mut g = c.benchmark_group("policies");
    for (name, src) in loops() {
        let module = parse_program(&src).unwrap();
        for policy in ["none", "greedy"] {
            let mut v = vm(&format!("jit-native+cache={policy}"));
            g.bench_function(format!("{name}/{policy}"), |b| {
                b.iter(|| black_box(v.run_module(&module).result))
            });
        }
    }
    g.finish();
}

fn sum_range(c: &mut Criterion) {
    let module = parse_program(SUM_RANGE).unwrap();
    let mut g = c.benchmark_group("sum_range");
    for config in ["t1", "t2", "jit-native", "jit-x86", "jit-a64"] {
        let mut vm = vm(config);
        g.bench_function(config, |b| {
            b.iter(|| black_box(vm.run_module(&module).result))
        });
    }
    g.finish();
}

fn emulator_entry(c: &mut Criterion) {
    use jitdiff_vm::jit::emulator::{EmuPool, EmuSpec};
    use jitdiff_vm::jit::reloc::Arch;
    let mut g = c.benchmark_group("emulator_entry");
    for (name, arch, ret) in [
        ("x86", Arch::X86_64, vec![0xc3]),
        ("a64", Arch::Aarch64, vec![0xc0, 0x03, 0x5f, 0xd6]),
    ] {
        // A page of code holding `ret`, a page of data for the state
        // pointer; both page aligned inside their buffers.
        let page = 4096;
        let mut code = vec![0u8; 2 * page];
        let data = vec![0u8; 2 * page];
        let aligned = |v: &Vec<u8>| (v.as_ptr() as u64).next_multiple_of(page as u64);
        let (code_at, data_at) = (aligned(&code), aligned(&data));
        let at = (code_at - code.as_ptr() as u64) as usize;
        code[at..at + ret.len()].copy_from_slice(&ret);
        let mut pool = EmuPool::new(EmuSpec {
            arch,
            regions: vec![(data_at, page)],
            code: (code_at, page),
            unwatched: None,
            count: false,
            count_mem: false,
            budget: false,
            fuel: std::ptr::null(),
        })
        .expect("an engine");
        let state = data_at as *mut jitdiff_vm::jit::state::JitState;
        g.bench_function(name, |b| {
            b.iter(|| black_box(pool.run(code_at, 0, state).expect("returns")))
        });
        drop(pool);
        drop((code, data));
    }
    g.finish();
}

fn campaign(c: &mut Criterion) {
    let programs: Vec<_> = (0..10).map(generator::generate_from_seed).collect();
    let mut g = c.benchmark_group("campaign");
    g.sample_size(10);
    for list in ["t0,t1", "all"] {
        let mut runner = Runner::new(Config::parse_list(list).unwrap());
        g.bench_function(format!("10_programs/{list}"), |b| {
            b.iter(|| {
                for p in &programs {
                    black_box(runner.run(p));
                }
            })
        });
    }
    g.finish();
}

/// Runs the file named by argv[1] ten times in this process (output
/// discarded) and prints the best time in seconds.
const PY_TIMER: &str = "import sys, time, io, contextlib\ncode = compile(open(sys.argv[1]).read(), 'k', 'exec')\nbest = 1e9\nfor _ in range(10):\n    t = time.perf_counter()\n    with contextlib.redirect_stdout(io.StringIO()):\n        exec(code, {'__name__': '__main__'})\n    best = min(best, time.perf_counter() - t)\nprint(best)\n";

/// The corpus's kernel at a benchmark size.
fn kernel(file: &str, from: &str, to: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(file);
    let src = std::fs::read_to_string(path).expect("corpus kernel");
    assert!(src.contains(from), "{file} no longer has `{from}`");
    src.replace(from, to)
}

/// A kernel from the VM's kernel tests, as they run it.
fn vm_kernel(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vm/tests/data/kernels")
        .join(file);
    std::fs::read_to_string(path).expect("kernel source")
}

fn kernels(c: &mut Criterion) {
    let programs = [
        (
            "nbody",
            kernel(
                "34_pyperformance_nbody.py",
                "advance(0.01, 200)",
                "advance(0.01, 20000)",
            ),
        ),
        (
            "fannkuch",
            kernel(
                "33_pyperformance_fannkuch.py",
                "DEFAULT_ARG = 6",
                "DEFAULT_ARG = 8",
            ),
        ),
        (
            "spectral_norm",
            kernel(
                "41_pyperformance_spectral_norm.py",
                "DEFAULT_N = 16",
                "DEFAULT_N = 50",
            ),
        ),
        ("richards", vm_kernel("richards.py")),
        ("float", vm_kernel("float.py")),
        ("raytrace", vm_kernel("raytrace.py")),
    ];
    let mut g = c.benchmark_group("kernels");
    g.sample_size(10);
    for (name, src) in &programs {
        let module = parse_program(src).unwrap();
        for config in ["t1", "jit-native"] {
            let mut vm = vm(config);
            vm.config.limits.fuel = 1_000_000_000;
            g.bench_function(format!("{name}/{config}"), |b| {
                b.iter(|| {
                    let out = vm.run_module(&module);
                    assert!(
                        matches!(out.result, jitdiff_vm::lang::RunResult::Completed(_)),
                        "{name} on {config}: {:?}",
                        out.result
                    );
                    black_box(out.result)
                })
            });
        }
        // python3 in-process (its ~200 ms start-up here is noisier than
        // the kernels themselves): best of ten runs, timed by python3.
        let file = std::env::temp_dir().join(format!("jitdiff-bench-{name}.py"));
        std::fs::write(&file, src).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-c", PY_TIMER])
            .arg(&file)
            .output()
            .expect("python3 (run ci/setup)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        println!(
            "kernels/{name}/python3 (in-process, best of 10): {:.3} ms",
            secs * 1e3
        );
    }
    g.finish();
}

criterion_group!(
    benches,
    compile_time,
    sum_range,
    emulator_entry,
    policies,
    campaign,
    kernels
);
criterion_main!(benches);
