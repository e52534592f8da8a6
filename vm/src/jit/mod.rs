//! Tier 3: the copy-and-patch JIT. Stencils (C, compiled by clang-19 for
//! x86-64 and AArch64 ahead of time) are copied into code memory and their
//! holes patched; the code runs natively or under unicorn.

pub mod backend;
pub mod codegen;
pub mod disasm;
pub mod emulator;
pub mod helpers;
pub mod index;
pub mod patch;
pub mod regcheck;
pub mod reloc;
pub mod run;
pub mod select;
pub mod state;
pub mod stencil;
pub mod stencils;

pub use backend::{BackendKind, CompiledCode, Jit, JitStats};
