//! jitdiff-vm: the system under test. A small CPython-shaped VM: front end
//! (`lang`), runtime (`runtime`: tagged values, one mmap arena, GC), the
//! specializing adaptive interpreter (`tier1`).

pub mod config;
pub mod jit;
pub mod lang;
pub mod observe;
pub mod planted;
pub mod runtime;
pub mod tier1;
pub mod tier2;

pub use config::{Injection, VmConfig};
pub use tier1::{FindingKind, RunOutput, Vm, VmFinding, VmStats};
