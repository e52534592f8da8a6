//! `.clusterfuzzlite/`: the files ClusterFuzzLite (and OSS-Fuzz) build the
//! cargo-fuzz targets from. Its build script runs here as it runs there,
//! minus the Docker image: `cargo fuzz build` of every target, copied to
//! `$OUT`. So a target that stops compiling, or a build script that forgets
//! one, fails this test. Needs `cargo fuzz` (`ci/setup` installs it). It
//! builds the script's `dev` profile (unoptimized, same sanitizer), the one
//! `ci/test` has just built, so the suite does not build the targets twice;
//! the optimized build differs only in cargo's flags.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The targets `fuzz/Cargo.toml` declares.
fn declared_targets() -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    let mut names: Vec<String> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "jitdiff-fuzz")
        .map(String::from)
        .collect();
    names.sort();
    names
}

#[test]
fn the_builder_image_and_project_are_rust_ones() {
    let dir = root().join(".clusterfuzzlite");
    let docker = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(
        docker.contains("FROM gcr.io/oss-fuzz-base/base-builder-rust"),
        "{docker}"
    );
    assert!(docker.contains("COPY .clusterfuzzlite/build.sh $SRC/"));
    assert!(docker.contains("cmake"), "unicorn-engine builds with cmake");
    let project = std::fs::read_to_string(dir.join("project.yaml")).unwrap();
    assert_eq!(project.trim(), "language: rust");
}

#[test]
fn the_build_script_builds_every_cargo_fuzz_target() {
    let has_cargo_fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_cargo_fuzz,
        "`cargo fuzz` is not installed: run ci/setup (or `cargo install cargo-fuzz`)"
    );
    let out = common::temp_dir("cflite-out");
    let build = Command::new(root().join(".clusterfuzzlite/build.sh"))
        .env("JITDIFF_ROOT", root())
        .env("OUT", &out)
        // The image's toolchain is nightly; stable with this is the same.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("JITDIFF_FUZZ_PROFILE", "dev")
        .output()
        .expect("run .clusterfuzzlite/build.sh");
    assert!(
        build.status.success(),
        "build.sh failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut built: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    built.sort();
    let declared = declared_targets();
    assert!(declared.len() >= 6, "{declared:?}");
    let expected: Vec<String> = {
        let mut v: Vec<String> = declared
            .iter()
            .flat_map(|t| [t.clone(), format!("{t}.options")])
            .collect();
        v.sort();
        v
    };
    assert_eq!(built, expected);
    // The sanitizer options ClusterFuzz would pass, from the options file.
    let options = std::fs::read_to_string(out.join("differential.options")).unwrap();
    let asan: Vec<&str> = options
        .lines()
        .skip_while(|l| l.trim() != "[asan]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!asan.is_empty(), "{options}");
    // Each is a libFuzzer binary that runs an input.
    let dir = common::temp_dir("cflite-corpus");
    std::fs::write(dir.join("seed"), b"jitdiff").unwrap();
    let run = Command::new(out.join("differential"))
        .env("ASAN_OPTIONS", asan.join(":"))
        .arg("-runs=3")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("Done 3 runs"));
}
