//! An owned `mmap` region. The arena, the JIT's code memory and its state
//! region are each one of these: fixed host addresses that the emulators
//! can map at the same address. Native code memory is two views of one
//! anonymous file ([`Mapping::code_views`]).

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

    /// Maps `len` bytes of one anonymous file twice: a read+execute view and
    /// a read+write view of the same pages (`(exec, write)`). Neither view
    /// is inherited by a forked child (a worker makes its own VMs; a shared
    /// code page between two processes would be a silent bug).
    pub fn code_views(len: usize, what: &str) -> (Mapping, Mapping) {
        // SAFETY: a fresh anonymous file, sized, mapped twice, then closed
        // (the mappings keep the pages); every failure is checked.
        unsafe {
            let fd = libc::memfd_create(c"jitdiff-code".as_ptr(), libc::MFD_CLOEXEC);
            assert!(fd >= 0, "memfd_create for the {what} failed");
            assert!(
                libc::ftruncate(fd, len as libc::off_t) == 0,
                "sizing the {what} failed"
            );
            let view = |prot| {
                let base = libc::mmap(std::ptr::null_mut(), len, prot, libc::MAP_SHARED, fd, 0);
                assert!(base != libc::MAP_FAILED, "mmap of the {what} failed");
                libc::madvise(base, len, libc::MADV_DONTFORK);
                Mapping {
                    base: base as *mut u8,
                    len,
                }
            };
            let exec = view(libc::PROT_READ | libc::PROT_EXEC);
            let write = view(libc::PROT_READ | libc::PROT_WRITE);
            libc::close(fd);
            (exec, write)
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

#[cfg(test)]
mod tests {
    use super::Mapping;

    /// The permissions `/proc/self/maps` gives the mapping starting at
    /// `addr` (`r-xs`, `rw-s`, ...).
    fn permissions(addr: u64) -> String {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        maps.lines()
            .find_map(|l| {
                let (range, rest) = l.split_once(' ')?;
                let start = u64::from_str_radix(range.split_once('-')?.0, 16).ok()?;
                (start == addr).then(|| rest[..4].to_string())
            })
            .unwrap_or_else(|| panic!("no mapping at {addr:#x}"))
    }

    /// W^X by two views: what is written through the read-write view is
    /// read at the executable one, which is never writable.
    #[test]
    fn code_views_share_pages_and_the_executable_one_is_never_writable() {
        let (exec, write) = Mapping::code_views(1 << 16, "test code memory");
        assert_ne!(exec.addr(), write.addr());
        let code = [0xc3u8, 0x90, 0xcc];
        // SAFETY: both views map the same 64 KiB; the write view is writable.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), write.base().add(4096), code.len());
            assert_eq!(std::slice::from_raw_parts(exec.base().add(4096), 3), code);
        }
        assert_eq!(permissions(exec.addr()), "r-xs");
        assert_eq!(permissions(write.addr()), "rw-s");
    }
}
