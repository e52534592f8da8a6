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

/// Runs each program as in [`run`] but all in one `python3` process (fresh
/// globals each, stdout captured per program), so that the ~150 ms it takes
/// python3 to start here is paid once. `timeout_secs` bounds the whole
/// batch; if the batch fails or times out, each program is run alone so the
/// one at fault gets its own error.
pub fn run_many(sources: &[String], timeout_secs: u64) -> Vec<Result<Outcome, String>> {
    match run_batch(sources, timeout_secs) {
        Ok(outcomes) if outcomes.len() == sources.len() => outcomes.into_iter().map(Ok).collect(),
        _ => sources.iter().map(|s| run(s, timeout_secs)).collect(),
    }
}

/// Reads a JSON list of sources; prints one JSON line per program: its
/// output, then the exception type and message if one ended it.
const BATCH_WRAPPER: &str = r#"
import io, json, sys
real_stdout = sys.stdout
for src in json.load(sys.stdin):
    sys.stdout = io.StringIO()
    ending = None
    try:
        exec(compile(src, "<program>", "exec"), {"__name__": "__main__"})
    except Exception as e:
        ending = [type(e).__name__, str(e)]
    out, sys.stdout = sys.stdout.getvalue(), real_stdout
    real_stdout.write(json.dumps([out, ending]) + "\n")
    real_stdout.flush()
"#;

fn run_batch(sources: &[String], timeout_secs: u64) -> Result<Vec<Outcome>, String> {
    let mut child = Command::new("timeout")
        .arg(timeout_secs.to_string())
        .args(["python3", "-c", BATCH_WRAPPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start python3: {e} (run ci/setup)"))?;
    let input = serde_json::to_vec(sources).map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    // Write from another thread: python3 answers while it reads, and a full
    // stdout pipe would otherwise deadlock both sides.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!("python3 failed ({})", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let (output, ending): (String, Option<(String, String)>) =
                serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
            Ok(Outcome {
                output,
                ending: match ending {
                    None => Ending::Normal,
                    Some((kind, message)) => Ending::Exception { kind, message },
                },
                globals: vec![],
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_gives_each_program_its_own_output_and_ending() {
        let sources: Vec<String> = [
            "print(1)\nprint('a', 'b', sep='-')\n",
            "x = [1]\nprint(x, end='')\nprint(x[3])\n",
            "def f(n):\n    return f(n + 1)\nf(0)\n",
            "print(x)\n",
        ]
        .map(String::from)
        .to_vec();
        let batch: Vec<Outcome> = run_many(&sources, 60)
            .into_iter()
            .map(|r| r.expect("python3 is required (run ci/setup)"))
            .collect();
        let exception = |kind: &str, message: &str| Ending::Exception {
            kind: kind.into(),
            message: message.into(),
        };
        assert_eq!(batch[0].output, "1\na-b\n");
        assert_eq!(batch[0].ending, Ending::Normal);
        assert_eq!(batch[1].output, "[1]");
        assert_eq!(
            batch[1].ending,
            exception("IndexError", "list index out of range")
        );
        assert_eq!(batch[2].output, "");
        assert_eq!(
            batch[2].ending,
            exception("RecursionError", "maximum recursion depth exceeded")
        );
        // A fresh namespace each: the earlier programs' `x` is gone.
        assert_eq!(
            batch[3].ending,
            exception("NameError", "name 'x' is not defined")
        );
        for (source, b) in sources.iter().zip(&batch) {
            let alone = run(source, 60).unwrap();
            assert_eq!((&alone.output, &alone.ending), (&b.output, &b.ending));
        }
    }
}
