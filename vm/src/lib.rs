//! jitdiff-vm: the system under test. A small CPython-shaped VM: front end
//! (`lang`), runtime (`runtime`: tagged values, one mmap arena, GC and its
//! heap verifier), the specializing adaptive interpreter (`tier1`), traces
//! of uops (`tier2`) and the copy-and-patch JIT (`jit`). Runs record what
//! the oracles check (`observe`); every planted bug lives in `planted`.

pub mod config;
pub mod coverage;
pub mod jit;
pub mod lang;
pub mod observe;
pub mod planted;
pub mod runtime;
pub mod tier1;
pub mod tier2;

pub use config::{Injection, VmConfig};
pub use tier1::{FindingKind, Phases, RunOutput, Vm, VmFinding, VmStats};
