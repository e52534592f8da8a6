use super::*;

/// Translations are dropped only between outermost runs, and only once
/// enough new code was compiled.
#[test]
fn translations_are_flushed_only_when_no_run_is_in_progress() {
    assert!(!flush_due(0, true));
    assert!(!flush_due(FLUSH_AFTER_CODE - 1, true));
    assert!(flush_due(FLUSH_AFTER_CODE, true));
    assert!(!flush_due(usize::MAX, false));
}

/// The hooks cover exactly what is not mapped: overlapping and
/// touching spans merge, and nothing before the first or after the
/// last span is left out.
#[test]
fn invalid_access_hooks_cover_exactly_the_unmapped_gaps() {
    let gaps = unmapped_gaps(&[(0x5000, 0x6000), (0x1000, 0x2000), (0x2000, 0x3000)]);
    assert_eq!(gaps, vec![(0, 0xfff), (0x3000, 0x4fff), (0x6000, u64::MAX)]);
    assert_eq!(unmapped_gaps(&[(0, 0x1000)]), vec![(0x1000, u64::MAX)]);
    assert_eq!(
        unmapped_gaps(&[(0x1000, 0x4000), (0x2000, 0x3000)]),
        vec![(0, 0xfff), (0x4000, u64::MAX)]
    );
}

/// An engine spec with nothing counted and no hang budget.
fn spec(arch: Arch, regions: Vec<(u64, usize)>, code: (u64, usize)) -> EmuSpec {
    EmuSpec {
        arch,
        regions,
        code,
        unwatched: None,
        count: false,
        count_mem: false,
        budget: false,
        fuel: std::ptr::null(),
    }
}

/// Data is mapped read-write and code read-execute, as natively: a
/// return instruction runs from code memory, the same bytes in a data
/// region fault on fetch, and a store into code memory faults.
#[test]
fn only_code_memory_executes_and_only_data_is_writable() {
    let page = |fill: &[u8]| -> Vec<u8> {
        let mut v = vec![0u8; 3 * PAGE as usize];
        let at = (v.as_ptr() as u64).next_multiple_of(PAGE) - v.as_ptr() as u64;
        for (i, b) in v[at as usize..].iter_mut().enumerate() {
            *b = fill[i % fill.len()];
        }
        v
    };
    let aligned = |v: &Vec<u8>| (v.as_ptr() as u64).next_multiple_of(PAGE);
    // x86-64 `ret`; `mov [rsi], rdi; ret` stores into what rsi points at.
    // AArch64 `ret`; `str x0, [x1]; ret`.
    for (arch, ret, store) in [
        (Arch::X86_64, vec![0xc3], vec![0x48, 0x89, 0x3e, 0xc3]),
        (
            Arch::Aarch64,
            vec![0xc0, 0x03, 0x5f, 0xd6],
            vec![0x20, 0x00, 0x00, 0xf9, 0xc0, 0x03, 0x5f, 0xd6],
        ),
    ] {
        let data = page(&ret);
        let code = page(&store);
        let spec = spec(
            arch,
            vec![(aligned(&data), 2 * PAGE as usize)],
            (aligned(&code), 2 * PAGE as usize),
        );
        let mut pool = EmuPool::new(spec).unwrap();
        let (data_at, code_at) = (aligned(&data), aligned(&code));
        // Stores the frame argument into the data page, then returns.
        let state = data_at as *mut JitState;
        assert!(pool.run(code_at, 7, state).is_ok(), "{arch:?}");
        // SAFETY: the first word of the data page, just written.
        assert_eq!(unsafe { *(data_at as *const u64) }, 7, "{arch:?}");
        let fetch = pool.run(data_at + 8, 0, state).unwrap_err();
        assert_eq!(fetch.pc, data_at + 8, "{arch:?}: {fetch:?}");
        assert_eq!(fetch.message, "FETCH_PROT", "{arch:?}");
        let write = pool.run(code_at, 7, (code_at + 64) as *mut JitState);
        let write = write.expect_err("a store into code memory ran");
        assert_eq!(write.address, Some(code_at + 64), "{arch:?}: {write:?}");
        assert_eq!(write.message, "WRITE_PROT", "{arch:?}");
        // A store to an unmapped page names its address. The page sits
        // below Linux's mmap_min_addr (64 KiB), so no host allocation
        // (the guest stack, the trap page) can be mapped there; a page
        // near `data` could be, depending on the allocator.
        let unmapped = 8 * PAGE;
        let read = pool.run(code_at, 0, unmapped as *mut JitState);
        let read = read.expect_err("a store to an unmapped page ran");
        assert_eq!(read.address, Some(unmapped), "{arch:?}: {read:?}");
        // And the engine runs on afterwards.
        assert!(pool.run(code_at, 7, state).is_ok(), "{arch:?}");
    }
}

/// A jump onto the trap page anywhere but a helper's entry (inside a
/// slot, the nested runs' return slot, a slot past the helpers) stops
/// the run there as a fault; the engine runs on afterwards.
#[test]
fn a_jump_onto_the_trap_page_off_a_helper_entry_stops_the_run() {
    // x86-64 `jmp rdi`; AArch64 `br x0` (the frame argument is the target).
    for (arch, jump) in [
        (Arch::X86_64, vec![0xff, 0xe7]),
        (Arch::Aarch64, vec![0x00, 0x00, 0x1f, 0xd6]),
    ] {
        let mut code = vec![0u8; 2 * PAGE as usize];
        let code_at = (code.as_ptr() as u64).next_multiple_of(PAGE);
        let at = (code_at - code.as_ptr() as u64) as usize;
        code[at..at + jump.len()].copy_from_slice(&jump);
        let data = vec![0u8; 2 * PAGE as usize];
        let data_at = (data.as_ptr() as u64).next_multiple_of(PAGE);
        let spec = spec(
            arch,
            vec![(data_at, PAGE as usize)],
            (code_at, PAGE as usize),
        );
        let mut pool = EmuPool::new(spec).unwrap();
        let base = pool.trap.base;
        let state = data_at as *mut JitState;
        let past_helpers = base + 16 * helpers::HELPERS.len() as u64;
        for target in [base + 4, base + 16 * NESTED_RETURN_SLOT, past_helpers] {
            let stop = pool.run(code_at, target, state).expect_err("ran on");
            assert_eq!(stop.pc, target, "{arch:?}: {stop:?}");
            assert_eq!(stop.message, "emulation stopped early", "{arch:?}");
        }
        // A jump straight to the return slot is a normal return.
        assert!(pool.run(code_at, base + 16 * RETURN_SLOT, state).is_ok());
    }
}

/// A gap inside `unwatched` (a deep frame slot's guard page) has no
/// hook: a store there still faults, naming no address, while a gap
/// outside it names the address; the engine runs on after both.
#[test]
fn an_unwatched_gap_still_faults_without_its_address() {
    // x86-64 `mov [rsi], rdi; ret`; AArch64 `str x0, [x1]; ret`.
    for (arch, store) in [
        (Arch::X86_64, vec![0x48, 0x89, 0x3e, 0xc3]),
        (
            Arch::Aarch64,
            vec![0x20, 0x00, 0x00, 0xf9, 0xc0, 0x03, 0x5f, 0xd6],
        ),
    ] {
        let data = vec![0u8; 6 * PAGE as usize];
        let mut code = vec![0u8; 2 * PAGE as usize];
        let base = (data.as_ptr() as u64).next_multiple_of(PAGE);
        let code_at = (code.as_ptr() as u64).next_multiple_of(PAGE);
        let at = (code_at - code.as_ptr() as u64) as usize;
        code[at..at + store.len()].copy_from_slice(&store);
        // Pages 0, 2 and 4 mapped; 1 watched, 3 not.
        let regions = vec![
            (base, 4096),
            (base + 2 * PAGE, 4096),
            (base + 4 * PAGE, 4096),
        ];
        let spec = EmuSpec {
            unwatched: Some((base + 3 * PAGE, base + 4 * PAGE)),
            ..spec(arch, regions, (code_at, PAGE as usize))
        };
        let mut pool = EmuPool::new(spec).unwrap();
        let to = |page: u64| (base + page * PAGE) as *mut JitState;
        assert!(pool.run(code_at, 7, to(2)).is_ok(), "{arch:?}");
        let watched = pool.run(code_at, 7, to(1)).expect_err("stored into a gap");
        assert_eq!(watched.address, Some(base + PAGE), "{arch:?}: {watched:?}");
        let unwatched = pool.run(code_at, 7, to(3)).expect_err("stored into a gap");
        assert_eq!(unwatched.address, None, "{arch:?}: {unwatched:?}");
        assert_eq!(unwatched.message, "WRITE_UNMAPPED", "{arch:?}");
        assert!(pool.run(code_at, 7, to(4)).is_ok(), "{arch:?}");
    }
}
