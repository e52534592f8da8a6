//! `cargo bench -p jitdiff-oracle`: the JIT's figures of merit.
//! - compile: copy-and-patch time for the sum_range trace (per uop: divide
//!   by the uop count printed once at start);
//! - sum_range: the seed article's loop on t1, t2 and jit-native;
//! - emulated vs native: the same program under jit-x86 / jit-a64;
//! - campaign: ten generated programs through the full configuration matrix.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jitdiff_oracle::config::{Config, Target};
use jitdiff_oracle::generator;
use jitdiff_oracle::runner::Runner;
use jitdiff_vm::jit::{BackendKind, Jit};
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
    let mut jit = Jit::new(
        BackendKind::Native,
        arena.mapping(),
        arena.frame_region(),
        false,
        false,
    )
    .unwrap();
    // Code memory is bump-allocated: start afresh every few thousand traces.
    let mut n = 0u32;
    c.bench_function("compile/sum_range_trace", |b| {
        b.iter(|| {
            n += 1;
            if n.is_multiple_of(4096) {
                jit.reset();
            }
            black_box(jit.compile(&ex, 0).unwrap().entry)
        })
    });
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

criterion_group!(benches, compile_time, sum_range, campaign);
criterion_main!(benches);
