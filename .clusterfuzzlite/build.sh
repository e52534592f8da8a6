#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/ into $OUT, as OSS-Fuzz's Rust
# projects do. ClusterFuzzLite and OSS-Fuzz run it in base-builder-rust,
# where the checkout is $SRC/jitdiff, the toolchain is nightly and
# `cargo fuzz` picks the sanitizer from the environment. Locally (this is
# what oracle/tests/clusterfuzzlite.rs runs):
#   JITDIFF_ROOT=$PWD OUT=/tmp/out RUSTC_BOOTSTRAP=1 .clusterfuzzlite/build.sh
# JITDIFF_FUZZ_PROFILE=dev builds the same targets, with the same
# sanitizer, unoptimized (`cargo fuzz build --dev`): ci/test and the test
# above use it to prove every target compiles and runs in half the build
# time. Fuzzing itself wants the default, optimized with debug assertions.
root="${JITDIFF_ROOT:-$SRC/jitdiff}"
cd "$root/fuzz"
case "${JITDIFF_FUZZ_PROFILE:-release}" in
  release)
    cargo fuzz build -O --debug-assertions
    built=target/x86_64-unknown-linux-gnu/release ;;
  dev)
    cargo fuzz build --dev
    built=target/x86_64-unknown-linux-gnu/debug ;;
  *)
    echo "build.sh: JITDIFF_FUZZ_PROFILE must be release or dev, not '$JITDIFF_FUZZ_PROFILE'" >&2
    exit 2 ;;
esac
for source in fuzz_targets/*.rs; do
  target=$(basename "${source%.rs}")
  cp "$built/$target" "$OUT/"
  # unicorn links one copy of QEMU per architecture; their identical
  # constant tables make AddressSanitizer abort at start-up with a false
  # one-definition-rule violation. ClusterFuzz reads a fuzzer's options
  # from this file.
  printf '[asan]\ndetect_odr_violation=0\n' > "$OUT/$target.options"
done
