//! Resource limits that are part of the language contract. A program that
//! crosses one is *poisoned*. Both the reference and every VM configuration
//! count in the same units, so they poison on exactly the same programs: a
//! configuration that poisons where the reference completes is a finding.

/// Fuel: one unit per loop back edge (a completed loop body or a `continue`)
/// and one per function call (user functions and builtins alike).
pub const MAX_FUEL: u64 = 100_000;

/// Maximum call depth of user functions (module level is depth 0). Well under
/// CPython's 1000 so anything we complete, CPython completes too.
pub const MAX_DEPTH: usize = 200;

/// Maximum bit length of any integer value (literal or result). Keeps work per
/// operation bounded and stays under CPython's 4300-digit str() limit.
pub const MAX_INT_BITS: u64 = 8192;
