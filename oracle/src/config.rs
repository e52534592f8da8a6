//! Configurations: a name plus knobs, written as a string such as
//! `t1+warmup=0+gcstress`. Each is one way to run the VM pipeline (or
//! CPython itself) that must agree with the reference interpreter.

use jitdiff_vm::jit::BackendKind;
use jitdiff_vm::jit::select::CachePolicy;
use jitdiff_vm::tier2::Tier2Config;
use jitdiff_vm::tier2::optimizer::OptConfig;
use jitdiff_vm::tier2::stress::Forced;
use jitdiff_vm::{Injection, VmConfig};

/// Where a configuration runs a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Vm(VmConfig),
    /// The real `python3`, for checking the reference against CPython.
    CPython,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The configuration string, as the user wrote it (normalized).
    pub name: String,
    pub target: Target,
}

/// Configurations `all` expands to: every tier, and for tier 2 and every
/// JIT backend the same three stress groups, so the exit-sequence oracle can
/// compare each backend with the tier-2 interpreter: traces after two
/// iterations (`+stress`), forced deopts with GC stress, and forced side
/// exits (growing side traces) with removed-guard checks. Each JIT group
/// runs another register-variant policy (greedy, none, random), and the
/// emulated `+stress` ones check the cache registers against the
/// interpreter before every uop (`+checkregs`). Plus tier 1 with GC stress,
/// tier 2 unoptimized, and native code with default thresholds.
pub const ALL: &[&str] = &[
    "t0",
    "t1",
    "t1+warmup=0+gcstress",
    "t2",
    "t2+noopt+stress",
    "t2+stress",
    "t2+stress+deopt=7+gcstress",
    "t2+stress+sideexit=5+checkguards",
    "jit-native",
    "jit-native+stress",
    "jit-native+stress+deopt=7+gcstress+cache=none",
    "jit-native+stress+sideexit=5+checkguards+cache=random",
    "jit-x86+stress+checkregs",
    "jit-x86+stress+deopt=7+gcstress+cache=none",
    "jit-x86+stress+sideexit=5+checkguards+cache=random",
    "jit-a64+stress+checkregs",
    "jit-a64+stress+deopt=7+gcstress+cache=none",
    "jit-a64+stress+sideexit=5+checkguards+cache=random",
];

/// The help text for configuration strings (shown by `--help`).
pub const SYNTAX: &str = "Configurations: t0 (no specialization), t1 (specializing interpreter), t2 (tier 1 plus \
hot-loop traces run by the tier-2 interpreter), jit-native / jit-x86 / jit-a64 (t2 with traces compiled by the \
copy-and-patch JIT, run natively, or under unicorn as x86-64 / AArch64), cpython (python3), all (every tier; \
for t2 and each JIT backend: +stress, +stress+deopt=7+gcstress, +stress+sideexit=5+checkguards, the JIT ones \
with cache policies greedy, none and random, the emulated +stress ones with +checkregs; t1 with gcstress; t2 \
unoptimized; jit-native). Knobs: +cache=none|greedy|random|random:SEED (JIT register-variant policy, greedy by \
default; random without a seed draws per program), +checkregs (JIT: log the stack held in memory and cache \
registers before every uop and compare it with the tier-2 interpreter of the same configuration), +warmup=N (executions before specializing), +gcstress (collect at every \
allocation and safe point until 2**28 heap words were walked, then at a linear pace; poison freed memory, verify the heap \
after every collection and exit), +hot=N (back \
edges before a loop is traced), +exit=N (exit uses before a side trace grows), +chain=N (side-trace depth limit), \
+stress (= +hot=2+exit=2+warmup=0), +noopt (all optimizer passes off), +no-types, +no-fold, +no-globals, \
+no-ip, +no-dce (one pass off), +checkguards (re-evaluate removed guards and check _SET_IP before escaping uops), \
+deopt=N (every Nth guard deopts on purpose, in every tier-2 backend), +sideexit=N (every Nth guard leaves \
through a side exit of its own, which grows side traces), +count-insns (jit-x86/jit-a64: count emulated \
instructions, slow), +count-mem (jit-x86/jit-a64: count emulated data memory accesses, slow), +count-stencils (JIT: count every \
step of machine code by register variant; a counting stencil before each), +budget (jit-x86/jit-a64: stop a trace after 10M instructions without a fuel tick, a \
deterministic hang verdict; slow), +inject=NAME (planted bug: add-int-overflow, loop-carried-types, \
deopt-resume-late, stale-global, exit-stack-depth, a64-movw-g1, stencil-stack-overrun, exit-corrupts-local, \
a64-guard-always-exits, side-entry-deeper, unrooted-iterator, stencil-hang, stencil-segfault, set-ip-dropped, invert-as-negate, float-guard-accepts-int, list-subscript-no-bounds-check, unicode-guard-one-operand, \
spill-dropped, variant-off-by-one, spill-table-entry, exit-stub-skips-register, a64-cache-register, \
dict-store-ignores-resize, type-watcher-misses-base, type-guard-ignores-version, error-resumes-late, \
gen-frame-not-rooted, retrace-storm, callable-guard-trusts-unknown, unpack-ignores-extra-items, len-call-fuel-free).";

impl Config {
    pub fn parse(s: &str) -> Result<Config, String> {
        let s = s.trim();
        let mut parts = s.split('+');
        let base = parts.next().unwrap_or_default();
        let mut vm = match base {
            "t0" => VmConfig {
                specialize: false,
                ..VmConfig::default()
            },
            "t1" => VmConfig::default(),
            "t2" => VmConfig {
                tier2: Some(Tier2Config::default()),
                ..VmConfig::default()
            },
            "jit-native" | "jit-x86" | "jit-a64" => {
                let kind = match base {
                    "jit-native" => BackendKind::Native,
                    "jit-x86" => BackendKind::EmuX86,
                    _ => BackendKind::EmuA64,
                };
                let tier2 = Tier2Config {
                    jit: Some(kind),
                    ..Tier2Config::default()
                };
                VmConfig {
                    tier2: Some(tier2),
                    ..VmConfig::default()
                }
            }
            "cpython" => {
                if s != "cpython" {
                    return Err("`cpython` takes no knobs".into());
                }
                return Ok(Config {
                    name: s.into(),
                    target: Target::CPython,
                });
            }
            "" => return Err("empty configuration".into()),
            other => return Err(format!("unknown configuration `{other}`. {SYNTAX}")),
        };
        let number = |key: &str, v: &str| -> Result<u32, String> {
            v.parse()
                .map_err(|_| format!("`{key}` needs a non-negative number, got `{v}`"))
        };
        for knob in parts {
            let (key, value) = knob
                .split_once('=')
                .map_or((knob, None), |(k, v)| (k, Some(v)));
            if let Some(t2) = vm.tier2.as_mut() {
                let handled = match (key, value) {
                    ("hot", Some(v)) => {
                        t2.hot = number(key, v)?.clamp(1, u16::MAX as u32) as u16;
                        true
                    }
                    ("exit", Some(v)) => {
                        t2.exit_threshold = number(key, v)?.clamp(1, u16::MAX as u32) as u16;
                        true
                    }
                    ("chain", Some(v)) => {
                        t2.max_chain = number(key, v)?.min(16) as u8;
                        true
                    }
                    ("stress", None) => {
                        (t2.hot, t2.exit_threshold) = (2, 2);
                        vm.warmup = 0;
                        true
                    }
                    ("noopt", None) => {
                        t2.opt = OptConfig {
                            check_guards: t2.opt.check_guards,
                            ..OptConfig::ALL_OFF
                        };
                        true
                    }
                    ("no-types", None) => {
                        t2.opt.types = false;
                        true
                    }
                    ("no-fold", None) => {
                        t2.opt.fold = false;
                        true
                    }
                    ("no-globals", None) => {
                        t2.opt.globals = false;
                        true
                    }
                    ("no-ip", None) => {
                        t2.opt.ip = false;
                        true
                    }
                    ("no-dce", None) => {
                        t2.opt.dce = false;
                        true
                    }
                    ("count-insns", None) => {
                        t2.count_instructions = true;
                        true
                    }
                    ("count-mem", None) => {
                        t2.count_memory = true;
                        true
                    }
                    ("count-stencils", None) => {
                        t2.count_stencils = true;
                        true
                    }
                    ("checkguards", None) => {
                        t2.opt.check_guards = true;
                        true
                    }
                    ("deopt" | "sideexit", Some(v)) => {
                        let every = number(key, v)?;
                        if every == 0 {
                            return Err(format!("`{key}` needs N >= 1 (every Nth guard fails)"));
                        }
                        if t2.forced.is_some() {
                            return Err("`deopt=N` and `sideexit=N` are exclusive".into());
                        }
                        t2.forced = Some(Forced {
                            every,
                            side_exit: key == "sideexit",
                        });
                        true
                    }
                    ("budget", None) => {
                        t2.budget = true;
                        true
                    }
                    ("cache", Some(v)) => {
                        t2.cache = match v.split_once(':') {
                            None if v == "none" => CachePolicy::None,
                            None if v == "greedy" => CachePolicy::Greedy,
                            None if v == "random" => CachePolicy::Random(None),
                            Some(("random", seed)) => {
                                CachePolicy::Random(Some(number(key, seed)? as u64))
                            }
                            _ => {
                                return Err(format!(
                                    "`cache` takes none, greedy, random or random:SEED, got `{v}`"
                                ));
                            }
                        };
                        true
                    }
                    ("checkregs", None) => {
                        t2.check_regs = true;
                        true
                    }
                    _ => false,
                };
                if handled {
                    continue;
                }
            }
            match (key, value) {
                ("warmup", Some(v)) => {
                    vm.warmup = v
                        .parse()
                        .map_err(|_| format!("`warmup` needs a number 0..65535, got `{v}`"))?
                }
                ("gcstress", None) => vm.gc_stress = true,
                ("inject", Some(v)) => {
                    vm.inject = Some(Injection::from_name(v).ok_or_else(|| {
                        let names: Vec<&str> = Injection::ALL.iter().map(|i| i.name()).collect();
                        format!("unknown injection `{v}` (known: {})", names.join(", "))
                    })?)
                }
                _ => return Err(format!("unknown knob `{knob}` in `{s}`. {SYNTAX}")),
            }
        }
        Ok(Config {
            name: s.into(),
            target: Target::Vm(vm),
        })
    }

    /// Parses a comma-separated list; `all` expands to [`ALL`].
    pub fn parse_list(s: &str) -> Result<Vec<Config>, String> {
        let mut out = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            if item == "all" {
                for a in ALL {
                    out.push(Config::parse(a)?);
                }
            } else {
                out.push(Config::parse(item)?);
            }
        }
        if out.is_empty() {
            return Err("no configuration given".into());
        }
        out.dedup_by(|a, b| a.name == b.name);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_knobs_and_rejects_nonsense() {
        let c = Config::parse("t2+stress+no-fold+checkguards+deopt=5").unwrap();
        let Target::Vm(vm) = c.target else { panic!() };
        let t2 = vm.tier2.unwrap();
        assert_eq!(
            (
                t2.hot,
                t2.exit_threshold,
                t2.forced.map_or(0, |f| f.every),
                t2.opt.fold,
                t2.opt.types,
                t2.opt.check_guards
            ),
            (2, 2, 5, false, true, true)
        );
        assert!(Config::parse("t1+hot=3").is_err(), "tier-2 knobs need t2");
        let c = Config::parse("t1+warmup=0+gcstress+inject=add-int-overflow").unwrap();
        let Target::Vm(vm) = c.target else { panic!() };
        assert_eq!(
            (vm.warmup, vm.gc_stress, vm.inject),
            (0, true, Some(Injection::AddIntOverflow))
        );
        assert_eq!(Config::parse_list("all").unwrap().len(), ALL.len());
        for bad in [
            "t9",
            "t1+warmup=x",
            "t1+bogus",
            "cpython+gcstress",
            "",
            "t1+inject=nope",
        ] {
            assert!(Config::parse_list(bad).is_err(), "{bad}");
        }
    }
}
