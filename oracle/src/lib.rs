//! jitdiff's oracle side: an independent reference interpreter, the program
//! generator, configurations, the differential runner, the fuzz campaign and
//! the CPython cross-check.

pub mod campaign;
pub mod config;
pub mod coverage;
pub mod cpython;
pub mod execute;
pub mod fuzz_target;
pub mod generator;
pub mod guided;
pub mod oracles;
pub mod reference;
pub mod report;
pub mod reports;
pub mod runner;
pub mod selftest;
pub mod shards;
pub mod timing;
pub mod triage;
pub mod worker;
