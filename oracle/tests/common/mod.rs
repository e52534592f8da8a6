//! What several end-to-end tests share.

use std::path::Path;

/// A scratch directory for one test, deleted when the test drops it
/// (whether it passed or panicked), so test runs leave nothing in `/tmp`.
pub struct TempDir(tempfile::TempDir);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

/// A fresh scratch directory named `jitdiff-{name}-...`.
pub fn temp_dir(name: &str) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("jitdiff-{name}-"))
        .tempdir()
        .expect("create a scratch directory");
    TempDir(dir)
}
