//! bytes -> generated program -> reference vs every VM configuration.
//! A divergence panics with the report, so libFuzzer saves the input under
//! fuzz/artifacts/differential/.
#![no_main]

use std::cell::RefCell;

use jitdiff_oracle::fuzz_target::{differential, differential_runner};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static RUNNER: RefCell<jitdiff_oracle::runner::Runner> = RefCell::new(differential_runner());
}

fuzz_target!(|data: &[u8]| {
    RUNNER.with(|r| {
        if let Err(report) = differential(data, &mut r.borrow_mut()) {
            panic!("jitdiff divergence: {:#?}", report.verdict);
        }
    });
});
