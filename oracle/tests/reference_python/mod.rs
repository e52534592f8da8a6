//! Shared by the `reference_*` tests: runs many programs in one `python3`
//! process, each in fresh globals, and returns what each did as an
//! [`Outcome`].

use std::io::Write;
use std::process::{Command, Stdio};

use jitdiff_vm::lang::outcome::{Ending, Outcome};
use serde::Deserialize;

/// Reads a JSON list of sources; captures each program's prints, its
/// uncaught exception and its globals. Functions are shown as
/// `<function NAME>` and instances as `<__main__.C object>` (the
/// reference's documented deviation: CPython's reprs carry an address), and the math and array modules as
/// `<module 'math' (built-in)>` (CPython's names the file it was loaded from), in the
/// globals and in printed text alike.
const DRIVER: &str = r#"
import io, json, re, sys

def norm(text):
    text = re.sub(r"<function (\S+) at 0x[0-9a-f]+>", r"<function \1>", text)
    # Instances (also inside bound methods' reprs) lose theirs likewise.
    text = re.sub(r"<(\S+) object at 0x[0-9a-f]+>", r"<\1 object>", text)
    text = re.sub(r"<module 'random' from '[^']*'>", r"<module 'random'>", text)
    # C methods of an instance: `<built-in method random of Random object at 0x...>`.
    text = re.sub(r" of (\S+) object at 0x[0-9a-f]+>", r" of \1 object>", text)
    return re.sub(r"<module '(math|array)' from '[^']*'>", r"<module '\1' (built-in)>", text)

def rep(v):
    # Also inside containers: `[f]` holds `<function f at 0x...>`.
    return norm(repr(v))

def run(src):
    g = {"__name__": "__main__"}
    buf, real = io.StringIO(), sys.stdout
    sys.stdout = buf
    ending = None
    try:
        exec(compile(src, "<program>", "exec"), g)
    except Exception as e:
        ending = [type(e).__name__, str(e)]
    finally:
        sys.stdout = real
    out = norm(buf.getvalue())
    # The globals show instances with the default repr: a user __repr__
    # (or __str__) is not run for the dump, by the VM or the reference.
    for v in list(g.values()):
        if isinstance(v, type) and v.__module__ == "__main__":
            for d in ("__repr__", "__str__"):
                if d in vars(v):
                    delattr(v, d)
    names = sorted(k for k in g if k not in ("__builtins__", "__name__"))
    return {"output": out, "ending": ending, "globals": [[k, rep(g[k])] for k in names]}

json.dump([run(s) for s in json.load(sys.stdin)], sys.stdout)
"#;

#[derive(Deserialize)]
struct Raw {
    output: String,
    ending: Option<(String, String)>,
    globals: Vec<(String, String)>,
}

/// Runs every source under `python3`. A missing python3 fails the test (it
/// never passes by skipping the comparison): `ci/setup` installs it.
pub fn run_all(sources: &[String]) -> Vec<Outcome> {
    let mut child = match Command::new("python3")
        .args(["-c", DRIVER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Silences compile-time SyntaxWarnings such as "'int' object is not
        // callable; perhaps you missed a comma?".
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("python3 is required (run ci/setup): cannot start it: {e}"),
    };
    let input = serde_json::to_vec(sources).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 driver failed: {}",
        out.status
    );
    let raw: Vec<Raw> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(raw.len(), sources.len());
    raw.into_iter()
        .map(|r| Outcome {
            output: r.output,
            ending: match r.ending {
                None => Ending::Normal,
                Some((kind, message)) => Ending::Exception { kind, message },
            },
            globals: r.globals,
        })
        .collect()
}
