//! bytes -> generated program -> reference vs the `heap` target's
//! configurations (see `jitdiff_oracle::fuzz_target::TARGETS`). A divergence
//! panics, so libFuzzer saves the input under fuzz/artifacts/heap/.
#![no_main]

use std::cell::RefCell;

use jitdiff_oracle::fuzz_target::{differential, runner_for};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static RUNNER: RefCell<jitdiff_oracle::runner::Runner> = RefCell::new(runner_for("heap"));
}

fuzz_target!(|data: &[u8]| {
    RUNNER.with(|r| {
        if let Err(report) = differential(data, &mut r.borrow_mut()) {
            panic!("jitdiff divergence: {:#?}", report.verdict);
        }
    });
});
