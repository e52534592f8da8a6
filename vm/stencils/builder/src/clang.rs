//! Running clang-19: the one place that knows the compiler, its flags and the
//! targets, and the hash of everything a table is built from.

use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

/// The compiler. `ci/setup` installs it.
pub const CLANG: &str = "clang-19";

/// Flags for every stencil (and layout.c) on every target.
pub const FLAGS: &[&str] = &[
    "-O2",
    "-std=c11",
    "-ffreestanding",
    "-fno-builtin",
    "-fno-asynchronous-unwind-tables",
    "-fno-stack-protector",
    "-fno-jump-tables",
    // Float stencils must round each operation as the interpreters do: no
    // fused multiply-add (AArch64 has it in its base ISA).
    "-ffp-contract=off",
    "-fno-pic",
    "-mcmodel=large",
    "-c",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    X86_64,
    Aarch64,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::X86_64, Target::Aarch64];

    /// The generated file's stem (`x86_64.rs`) and the log name.
    pub fn name(self) -> &'static str {
        match self {
            Target::X86_64 => "x86_64",
            Target::Aarch64 => "aarch64",
        }
    }

    pub fn triple(self) -> &'static str {
        match self {
            Target::X86_64 => "x86_64-unknown-linux-gnu",
            Target::Aarch64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// Flags for this target on top of [`FLAGS`].
    pub fn extra_flags(self) -> &'static [&'static str] {
        match self {
            Target::X86_64 => &[],
            // Atomics inline: no calls to libgcc's __aarch64_* helpers.
            Target::Aarch64 => &["-mno-outline-atomics"],
        }
    }

    /// The complete argument list before the `-D`, source and output.
    pub fn args(self) -> Vec<String> {
        let mut args = vec![format!("--target={}", self.triple())];
        args.extend(
            FLAGS
                .iter()
                .chain(self.extra_flags())
                .map(|f| f.to_string()),
        );
        args
    }
}

fn not_found(err: std::io::Error) -> String {
    if err.kind() == ErrorKind::NotFound {
        format!(
            "{CLANG} not found on PATH: install it with `apt-get install clang-19` (or run ci/setup); \
             only regenerating or checking the stencil tables needs it"
        )
    } else {
        format!("cannot run {CLANG}: {err}")
    }
}

/// The first line of `clang-19 --version` (part of the inputs hash).
pub fn version_line() -> Result<String, String> {
    let output = Command::new(CLANG)
        .arg("--version")
        .output()
        .map_err(not_found)?;
    if !output.status.success() {
        return Err(format!("`{CLANG} --version` failed: {}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().next().unwrap_or("").trim().to_string();
    if line.is_empty() {
        return Err(format!("`{CLANG} --version` printed nothing"));
    }
    Ok(line)
}

/// A successful compile: clang's warnings, if any, are passed back.
pub struct Compiled {
    pub object: Vec<u8>,
    pub warnings: String,
}

/// Compiles `source` for `target` with `defines` (`-D` arguments without the
/// `-D`) into `out`, and reads the object back. `what` names the job in
/// errors.
pub fn compile(
    target: Target,
    source: &Path,
    defines: &[String],
    out: &Path,
    what: &str,
) -> Result<Compiled, String> {
    let mut command = Command::new(CLANG);
    command.args(target.args());
    command.args(defines.iter().map(|d| format!("-D{d}")));
    command.arg(source).arg("-o").arg(out);
    let output = command.output().map_err(not_found)?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{what} ({}) failed to compile ({}):\n{command:?}\n{stderr}",
            target.name(),
            output.status
        ));
    }
    let object = std::fs::read(out).map_err(|e| {
        format!(
            "{what} ({}): cannot read {}: {e}",
            target.name(),
            out.display()
        )
    })?;
    Ok(Compiled {
        object,
        warnings: stderr,
    })
}

/// SHA-256 (hex) of everything the tables are built from: the C sources (by
/// name and contents), the flags, the targets and the compiler's version
/// line. Each part is length-prefixed so no two inputs hash alike.
pub fn inputs_hash(sources: &[(&str, &[u8])], clang_version: &str) -> String {
    let mut hasher = Sha256::new();
    let mut part = |label: &str, bytes: &[u8]| {
        hasher.update(label.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    part("jitdiff stencil inputs", b"v1");
    for (name, contents) in sources {
        part(name, contents);
    }
    part("flags", FLAGS.join("\n").as_bytes());
    for target in Target::ALL {
        part("target", target.args().join("\n").as_bytes());
    }
    part("clang --version", clang_version.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_input() {
        let base = inputs_hash(&[("jit.h", b"a"), ("uops.c", b"b")], "clang 19");
        assert_eq!(base.len(), 64);
        assert_eq!(
            base,
            inputs_hash(&[("jit.h", b"a"), ("uops.c", b"b")], "clang 19")
        );
        assert_ne!(
            base,
            inputs_hash(&[("jit.h", b"a"), ("uops.c", b"c")], "clang 19")
        );
        assert_ne!(
            base,
            inputs_hash(&[("jit.h", b"ab"), ("uops.c", b"")], "clang 19")
        );
        assert_ne!(
            base,
            inputs_hash(&[("jit.h", b"a"), ("uops.c", b"b")], "clang 20")
        );
    }

    #[test]
    fn target_args() {
        let args = Target::Aarch64.args();
        assert_eq!(args[0], "--target=aarch64-unknown-linux-gnu");
        assert!(args.iter().any(|a| a == "-mcmodel=large"));
        assert_eq!(args.last().unwrap(), "-mno-outline-atomics");
    }
}
