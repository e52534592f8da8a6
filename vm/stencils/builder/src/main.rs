//! stencil-builder: compiles the JIT's C stencils (vm/stencils/uops.c) with
//! clang-19 for every target, extracts code, data and holes from the
//! objects, and writes the checked-in tables vm/src/jit/stencils/{x86_64,
//! aarch64,layout}.rs, so `cargo build` never needs clang.
//!
//! What to build comes from the uop table, not from the C file: every uop in
//! every register variant `Uop::variants` declares, plus the support
//! stencils (`jitdiff_vm::jit::stencil::stencil_specs`). The C file must
//! have a block for each, and no block nobody asked for.
//!
//! `stencil-builder [--check] [--out DIR]`: without `--check`, (re)writes the
//! tables into DIR (default vm/src/jit/stencils); with it, builds them afresh
//! and compares byte for byte with those in DIR: exit 0 when fresh, 1 when
//! stale (naming each differing file), 2 on any error.

mod clang;
mod elf;
mod emit;
mod source;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use clang::Target;
use elf::StencilCode;
use jitdiff_vm::jit::stencil::{StencilSpec, stencil_specs};

const USAGE: &str = "usage: stencil-builder [--check] [--out DIR]
  (no flags)  regenerate vm/src/jit/stencils/{x86_64,aarch64,layout}.rs
  --check     build into a temporary directory and compare with the checked-in
              files: exit 0 if they are fresh, 1 if stale
  --out DIR   write (or, with --check, compare) the files in DIR instead";

/// Where things are, relative to the workspace root.
const STENCIL_SOURCES: &str = "vm/stencils";
const GENERATED_DIR: &str = "vm/src/jit/stencils";

#[derive(Debug)]
struct Options {
    check: bool,
    out: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        check: false,
        out: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--out" => options.out = Some(args.next().ok_or("--out needs a directory")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("stencil-builder: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(fresh) if fresh => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("stencil-builder: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    // This crate lives at <root>/vm/stencils/builder.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(3)
        .expect("builder is three levels below the root")
        .to_path_buf()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// One clang invocation: a stencil (`Some(spec)`) or layout.c (`None`).
struct Job {
    target: Target,
    stencil: Option<StencilSpec>,
}

enum Built {
    Stencil(StencilCode),
    Layout(Vec<(String, u64)>),
}

impl Job {
    fn what(&self) -> String {
        match &self.stencil {
            Some(spec) => format!("stencil {}", spec.name),
            None => "layout.c".to_string(),
        }
    }

    fn run(&self, sources: &Path, scratch: &Path) -> Result<(Built, String), String> {
        let what = self.what();
        let (source, defines, object) = match &self.stencil {
            Some(spec) => (
                "uops.c",
                vec![
                    format!("STENCIL_{}", spec.block),
                    format!("CACHE_IN={}", spec.variant.inputs),
                    format!("CACHE_OUT={}", spec.variant.outputs),
                    format!("POPS={}", spec.pops),
                    format!("PUSHES={}", spec.pushes),
                ],
                format!("{}{}.o", self.target.name(), spec.name),
            ),
            None => (
                "layout.c",
                vec![],
                format!("{}-layout.o", self.target.name()),
            ),
        };
        let compiled = clang::compile(
            self.target,
            &sources.join(source),
            &defines,
            &scratch.join(object),
            &what,
        )?;
        let context = |e: String| {
            format!(
                "{what} ({}): unexpected object structure: {e}",
                self.target.name()
            )
        };
        let built = match self.stencil {
            Some(_) => Built::Stencil(
                elf::extract_stencil(self.target, &compiled.object).map_err(context)?,
            ),
            None => Built::Layout(elf::extract_layout(&compiled.object).map_err(context)?),
        };
        Ok((built, compiled.warnings))
    }
}

/// Runs `jobs` on all cores; results come back in `jobs` order, so the
/// output does not depend on scheduling.
fn run_jobs(jobs: &[Job], sources: &Path, scratch: &Path) -> Vec<Result<(Built, String), String>> {
    let next = AtomicUsize::new(0);
    let results: Vec<OnceLock<Result<(Built, String), String>>> =
        jobs.iter().map(|_| OnceLock::new()).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let _ = results[index].set(job.run(sources, scratch));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.into_inner().expect("every job ran"))
        .collect()
}

/// Builds every generated file: `(file name, contents)`.
fn build(root: &Path) -> Result<Vec<(String, String)>, String> {
    let sources = root.join(STENCIL_SOURCES);
    let jit_h = read(&sources.join("jit.h"))?;
    let uops_c = read(&sources.join("uops.c"))?;
    let layout_c = read(&sources.join("layout.c"))?;
    let clang_version = clang::version_line()?;
    let specs = stencil_specs();
    // The stencil list (names and defines) is an input too: a variant added
    // to the uop table makes the tables stale.
    let spec_text: String = specs
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {} {}\n",
                s.name, s.block, s.variant, s.pops, s.pushes
            )
        })
        .collect();
    let hash = clang::inputs_hash(
        &[
            ("jit.h", &jit_h),
            ("uops.c", &uops_c),
            ("layout.c", &layout_c),
            ("stencil list", spec_text.as_bytes()),
        ],
        &clang_version,
    );
    let blocks = source::stencil_names(&String::from_utf8_lossy(&uops_c));
    if let Some(why) = source::blocks_mismatch(&blocks, &specs) {
        return Err(why);
    }
    let expected_layout = source::expected_layout_names(&String::from_utf8_lossy(&jit_h))?;

    let scratch = tempfile::Builder::new()
        .prefix("jitdiff-stencils-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut jobs: Vec<Job> = Target::ALL
        .into_iter()
        .flat_map(|target| {
            specs.iter().map(move |spec| Job {
                target,
                stencil: Some(spec.clone()),
            })
        })
        .collect();
    jobs.push(Job {
        target: Target::X86_64,
        stencil: None,
    });
    eprintln!(
        "stencil-builder: compiling {} stencils ({} blocks) for {} targets with {} ({clang_version})",
        specs.len(),
        blocks.len(),
        Target::ALL.len(),
        clang::CLANG
    );
    let results = run_jobs(&jobs, &sources, scratch.path());

    let mut errors = Vec::new();
    let mut tables: Vec<Vec<(String, StencilCode)>> =
        Target::ALL.iter().map(|_| Vec::new()).collect();
    let mut layout = None;
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Err(message) => errors.push(message),
            Ok((built, warnings)) => {
                if !warnings.trim().is_empty() {
                    eprintln!(
                        "stencil-builder: warning: {} ({}):\n{warnings}",
                        job.what(),
                        job.target.name()
                    );
                }
                match built {
                    Built::Stencil(code) => {
                        let name = job.stencil.as_ref().expect("a stencil job").name.clone();
                        let index = Target::ALL.iter().position(|&t| t == job.target).unwrap();
                        tables[index].push((name, code));
                    }
                    Built::Layout(entries) => layout = Some(entries),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{} of {} compiles failed:\n{}",
            errors.len(),
            jobs.len(),
            errors.join("\n")
        ));
    }
    let layout = layout.expect("the layout job ran");
    let found: Vec<&str> = layout.iter().map(|(name, _)| name.as_str()).collect();
    if let Some(why) = source::layout_mismatch(&found, &expected_layout) {
        return Err(why);
    }

    let mut files: Vec<(String, String)> = Target::ALL
        .iter()
        .zip(&tables)
        .map(|(target, stencils)| {
            let text = emit::table(*target, &hash, &clang_version, stencils);
            (format!("{}.rs", target.name()), text)
        })
        .collect();
    files.push((
        "layout.rs".into(),
        emit::layout(&hash, &clang_version, &layout),
    ));
    Ok(files)
}

/// Returns whether the files in the output directory are (now) fresh.
fn run(options: &Options) -> Result<bool, String> {
    let root = workspace_root();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join(GENERATED_DIR));
    let files = build(&root)?;
    let mut fresh = true;
    for (name, contents) in &files {
        let path = out.join(name);
        let existing = std::fs::read_to_string(&path).ok();
        if options.check {
            match existing {
                Some(existing) if existing == *contents => {}
                Some(existing) => {
                    fresh = false;
                    let why = match (emit::hash_of(&existing), emit::hash_of(contents)) {
                        (Some(old), Some(new)) if old != new => {
                            format!("inputs changed (checked in: {old}, now: {new})")
                        }
                        _ => "same inputs hash, different contents (hand-edited, or a nondeterministic build)".into(),
                    };
                    println!(
                        "stale: {} differs from a fresh build: {why}",
                        path.display()
                    );
                }
                None => {
                    fresh = false;
                    println!("stale: {} is missing", path.display());
                }
            }
        } else if existing.as_deref() != Some(contents.as_str()) {
            std::fs::create_dir_all(&out)
                .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
            std::fs::write(&path, contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        } else {
            println!("unchanged {}", path.display());
        }
    }
    if options.check && fresh {
        println!(
            "stencil tables are fresh ({} files in {})",
            files.len(),
            out.display()
        );
    }
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Options, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn cli() {
        let options = args(&["--check", "--out", "/tmp/x"]).unwrap();
        assert!(options.check);
        assert_eq!(options.out.as_deref(), Some(Path::new("/tmp/x")));
        assert!(!args(&[]).unwrap().check);
        assert!(args(&["--out"]).is_err());
        assert!(args(&["--frobnicate"]).unwrap_err().contains("frobnicate"));
    }

    #[test]
    fn root_holds_the_sources() {
        assert!(
            workspace_root()
                .join(STENCIL_SOURCES)
                .join("uops.c")
                .is_file()
        );
    }
}
