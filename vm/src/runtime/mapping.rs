//! An owned anonymous `mmap` region. The arena, the JIT's code memory and
//! its state region are each one of these: fixed host addresses that the
//! emulators can map at the same address.

pub struct Mapping {
    base: *mut u8,
    len: usize,
}

// SAFETY: the mapping is owned; users keep it to one thread at a time.
unsafe impl Send for Mapping {}

impl Mapping {
    /// Maps `len` bytes read-write (`noreserve`: reserve address space only).
    pub fn new(len: usize, noreserve: bool, what: &str) -> Mapping {
        let flags = libc::MAP_PRIVATE
            | libc::MAP_ANONYMOUS
            | if noreserve { libc::MAP_NORESERVE } else { 0 };
        // SAFETY: an anonymous private mapping; failure is checked below.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                flags,
                -1,
                0,
            )
        };
        assert!(base != libc::MAP_FAILED, "mmap of the {what} failed");
        Mapping {
            base: base as *mut u8,
            len,
        }
    }

    pub fn base(&self) -> *mut u8 {
        self.base
    }

    pub fn addr(&self) -> u64 {
        self.base as u64
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what `new` mapped.
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.len);
        }
    }
}
