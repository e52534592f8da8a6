//! Running a program under the real `python3`, to check that the reference
//! is Python and not our opinion of Python.

use std::io::Write;
use std::process::{Command, Stdio};

use jitdiff_vm::lang::{Ending, Outcome};

/// Runs the wrapper that executes the source and reports an uncaught
/// exception on a marker line. Globals are not compared (function reprs
/// carry addresses in CPython).
const WRAPPER: &str = r#"
import sys
src = sys.stdin.read()
try:
    exec(compile(src, "<program>", "exec"), {"__name__": "__main__"})
except Exception as e:
    sys.stdout.write("\n@@jitdiff-exception@@" + type(e).__name__ + "|" + str(e))
"#;

/// Runs `source` under `python3`. `Err` if python3 cannot be started or
/// does not finish within `timeout_secs`.
pub fn run(source: &str, timeout_secs: u64) -> Result<Outcome, String> {
    let mut child = Command::new("timeout")
        .arg(timeout_secs.to_string())
        .args(["python3", "-c", WRAPPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start python3: {e} (run ci/setup)"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(source.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "python3 failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(parse_output(&text))
}

fn parse_output(text: &str) -> Outcome {
    match text.find("\n@@jitdiff-exception@@") {
        Some(at) => {
            let (kind, message) = text[at + 22..]
                .split_once('|')
                .unwrap_or((&text[at + 22..], ""));
            Outcome {
                output: text[..at].to_string(),
                ending: Ending::Exception {
                    kind: kind.into(),
                    message: message.into(),
                },
                globals: vec![],
            }
        }
        None => Outcome {
            output: text.to_string(),
            ending: Ending::Normal,
            globals: vec![],
        },
    }
}
