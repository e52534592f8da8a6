//! The worker process: every VM configuration runs in a child process, so a
//! segfault or abort in native JIT code, a Rust stack overflow, or a trace
//! that never returns costs one job, not the campaign.
//!
//! The child is forked from the runner (no second binary to find, so the
//! CLI, the tests and the benchmarks all isolate the same way) and serves
//! length-prefixed `postcard` messages over two pipes: a program, then jobs
//! on it. The parent waits for each answer with a wall-clock limit; on
//! silence it kills the child (a hang is then only *suspected*: the
//! containment oracle confirms it deterministically), and on a dead child
//! it reads the signal. A fresh child is forked on the next job.
//!
//! The child only ever touches its pipes and its own VMs: its panic hook
//! is silent (so it cannot block on a lock another thread of the parent
//! held at fork time), its stderr goes to an anonymous file whose tail the
//! parent attaches to a crash report (an abort's last words), and it leaves
//! with `_exit`.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::time::{Duration, Instant};

use jitdiff_vm::lang::Module;
use serde::{Deserialize, Serialize};

use crate::execute::{Job, JobOutcome, Local};

#[derive(Serialize, Deserialize)]
enum Request {
    Program(Box<Module>),
    Run(Job),
}

#[derive(Serialize, Deserialize)]
enum Reply {
    Loaded,
    Ran(JobOutcome),
}

/// Messages larger than this are refused (a corrupt length).
const MAX_MESSAGE: usize = 1 << 30;

/// A live child process.
pub struct Worker {
    pid: libc::pid_t,
    to_child: File,
    from_child: File,
    /// What the child wrote to stderr.
    stderr: File,
}

impl Worker {
    /// Forks a worker.
    pub fn spawn() -> std::io::Result<Worker> {
        let (req_r, req_w) = pipe()?;
        let (rep_r, rep_w) = pipe()?;
        // SAFETY: a fresh anonymous file we own.
        let stderr = unsafe {
            let fd = libc::memfd_create(c"jitdiff-worker-stderr".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            File::from_raw_fd(fd)
        };
        // Flush what the parent buffered, or the child would print it again.
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: the child runs only `serve`, which uses its own pipes and
        // VMs and leaves with `_exit` (see the module comment).
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if pid == 0 {
            drop(req_w);
            drop(rep_r);
            // SAFETY: the child's own process; dies with its parent.
            unsafe {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                libc::dup2(stderr.as_raw_fd(), 2);
            }
            std::panic::set_hook(Box::new(|_| {}));
            serve(req_r, rep_w);
        }
        drop(req_r);
        drop(rep_w);
        Ok(Worker {
            pid,
            to_child: req_w,
            from_child: rep_r,
            stderr,
        })
    }

    /// Loads `module` into the child.
    pub fn load(&mut self, module: &Module, limit: Duration) -> Result<(), JobOutcome> {
        match self.call(&Request::Program(Box::new(module.clone())), limit)? {
            Reply::Loaded => Ok(()),
            Reply::Ran(_) => Err(JobOutcome::Failed("worker answered out of turn".into())),
        }
    }

    /// Runs `job` on the loaded program, waiting at most `limit`.
    pub fn run(&mut self, job: &Job, limit: Duration) -> JobOutcome {
        match self.call(&Request::Run(job.clone()), limit) {
            Ok(Reply::Ran(outcome)) => outcome,
            Ok(Reply::Loaded) => JobOutcome::Failed("worker answered out of turn".into()),
            Err(outcome) => outcome,
        }
    }

    fn call(&mut self, req: &Request, limit: Duration) -> Result<Reply, JobOutcome> {
        let bytes = postcard::to_stdvec(req).map_err(|e| JobOutcome::Failed(e.to_string()))?;
        let sent = self
            .to_child
            .write_all(&(bytes.len() as u64).to_le_bytes())
            .and_then(|()| self.to_child.write_all(&bytes));
        if sent.is_err() {
            return Err(self.died());
        }
        let deadline = Instant::now() + limit;
        let mut len = [0u8; 8];
        self.read_exact_until(&mut len, deadline)?;
        let len = u64::from_le_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return Err(JobOutcome::Failed(format!(
                "worker sent a {len}-byte message"
            )));
        }
        let mut buf = vec![0u8; len];
        self.read_exact_until(&mut buf, deadline)?;
        postcard::from_bytes(&buf).map_err(|e| JobOutcome::Failed(format!("worker reply: {e}")))
    }

    fn read_exact_until(&mut self, buf: &mut [u8], deadline: Instant) -> Result<(), JobOutcome> {
        let mut got = 0;
        while got < buf.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            let mut pfd = libc::pollfd {
                fd: self.from_child.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(self.died());
            }
            if ready == 0 {
                return Err(JobOutcome::TimedOut);
            }
            match self.from_child.read(&mut buf[got..]) {
                Ok(0) | Err(_) => return Err(self.died()),
                Ok(n) => got += n,
            }
        }
        Ok(())
    }

    /// The child is gone (or going): how it ended.
    fn died(&mut self) -> JobOutcome {
        let mut status = 0;
        // SAFETY: our own child.
        let reaped = unsafe { libc::waitpid(self.pid, &mut status, 0) };
        self.pid = 0;
        if reaped <= 0 {
            return JobOutcome::Died("the worker process vanished".into());
        }
        let how = if libc::WIFSIGNALED(status) {
            format!("worker killed by {}", signal_name(libc::WTERMSIG(status)))
        } else {
            format!("worker exited with status {}", libc::WEXITSTATUS(status))
        };
        match self.last_words() {
            Some(words) => JobOutcome::Died(format!("{how} ({words})")),
            None => JobOutcome::Died(how),
        }
    }

    /// The first line the child wrote to stderr (an abort's message; the
    /// child prints nothing otherwise), if any.
    fn last_words(&mut self) -> Option<String> {
        use std::io::{Seek, SeekFrom};
        self.stderr.seek(SeekFrom::Start(0)).ok()?;
        let mut head = vec![0u8; 4096];
        let n = self.stderr.read(&mut head).ok()?;
        let head = String::from_utf8_lossy(&head[..n]);
        let line = head.lines().find(|l| !l.trim().is_empty())?;
        Some(line.trim().chars().take(200).collect())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.pid > 0 {
            // SAFETY: our own child.
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

fn pipe() -> std::io::Result<(File, File)> {
    let mut fds = [0; 2];
    // SAFETY: two fds out.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fresh fds we own.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGILL => "SIGILL".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGTRAP => "SIGTRAP".into(),
        other => format!("signal {other}"),
    }
}

/// The child's loop: never returns.
fn serve(mut rx: File, mut tx: File) -> ! {
    let mut local = Local::default();
    let mut module = Module::default();
    loop {
        let mut len = [0u8; 8];
        if rx.read_exact(&mut len).is_err() {
            // SAFETY: leave without running the parent's destructors.
            unsafe { libc::_exit(0) };
        }
        let len = u64::from_le_bytes(len) as usize;
        let mut buf = vec![0u8; len.min(MAX_MESSAGE)];
        if len > MAX_MESSAGE || rx.read_exact(&mut buf).is_err() {
            // SAFETY: as above.
            unsafe { libc::_exit(3) };
        }
        let reply = match postcard::from_bytes::<Request>(&buf) {
            Ok(Request::Program(m)) => {
                module = *m;
                local.new_program();
                Reply::Loaded
            }
            Ok(Request::Run(job)) => Reply::Ran(local.run(&module, &job)),
            Err(e) => Reply::Ran(JobOutcome::Failed(format!("bad request: {e}"))),
        };
        let bytes = postcard::to_stdvec(&reply).unwrap_or_default();
        let ok = tx
            .write_all(&(bytes.len() as u64).to_le_bytes())
            .and_then(|()| tx.write_all(&bytes));
        if ok.is_err() {
            // SAFETY: as above.
            unsafe { libc::_exit(0) };
        }
    }
}
