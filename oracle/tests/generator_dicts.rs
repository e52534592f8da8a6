//! The `dicts` generator feature: programs with it off are the programs of
//! the commit before it existed (planted-bug tests are pinned to seeds),
//! dict nodes appear only when it is on, and its programs round-trip
//! through the printer and run and terminate under `python3`.

use arbitrary::Unstructured;
use jitdiff_oracle::generator::{
    generate, generate_from_seed, generate_from_seed_with, seed_bytes,
};
use jitdiff_vm::lang::unparse;

/// FNV-1a, so the pinned hashes below do not depend on std's hasher.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= u64::from(*b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// One hash over many programs drawn the ways the campaign, `jitdiff gen`
/// and the fuzz targets draw them (short inputs too, which run dry).
fn programs_hash() -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for s in 0..300 {
        fnv(&mut h, unparse(&generate_from_seed(s)).as_bytes());
    }
    for s in 0..60 {
        let seqs = generate_from_seed_with(s, |c| c.sequences = true);
        fnv(&mut h, unparse(&seqs).as_bytes());
        let strs = generate_from_seed_with(s, |c| c.strings = true);
        fnv(&mut h, unparse(&strs).as_bytes());
    }
    for s in 0..300u64 {
        let bytes = seed_bytes(s + 1000);
        let len = (s as usize * 37) % 700;
        let m = generate(&mut Unstructured::new(&bytes[..len])).expect("generation is total");
        fnv(&mut h, unparse(&m).as_bytes());
    }
    h
}

#[test]
fn print_programs_hash() {
    eprintln!("HASH {:#x}", programs_hash());
}
