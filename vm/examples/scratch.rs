use jitdiff_vm::lang::parse_program;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::{Vm, VmConfig, Injection};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let m = parse_program(&src).unwrap();
    let mut t = Tier2Config { hot: 2, exit_threshold: 2, ..Default::default() };
    t.opt.check_guards = true;
    let cfg = VmConfig { tier2: Some(t), inject: Some(Injection::LoopCarriedTypes), ..VmConfig::default() };
    let (out, text) = Vm::new(cfg).show(&m);
    println!("{text}\n{:?}\n{:?}\n{:?}", out.result, out.tier2, out.findings);
}
