//! Resource limits that are part of the language contract. A program that
//! crosses one is *poisoned*. Both the reference and every VM configuration
//! count in the same units, so they poison on exactly the same programs: a
//! configuration that poisons where the reference completes is a finding.
//!
//! The limits are run parameters ([`Limits`]): the generator's programs use
//! the defaults, and a real program raises them on the command line
//! (`jitdiff run --fuel N --max-depth D --max-int-bits B`) or in a header
//! line a repro carries (`# jitdiff limits: fuel=N depth=D int-bits=B`).

/// Default fuel: one unit per loop back edge (a completed loop body or a
/// `continue`) and one per function call (user functions and builtins alike).
pub const DEFAULT_FUEL: u64 = 100_000;

/// Default maximum call depth of user functions (module level is depth 0).
pub const DEFAULT_DEPTH: usize = 200;

/// Default maximum bit length of any integer value (literal or result).
/// Keeps work per operation bounded.
pub const DEFAULT_INT_BITS: u64 = 8192;

/// The deepest a run may raise the call depth: the VM's frame region holds
/// 512 frames (`runtime::arena::FRAME_REGION`), and CPython's own limit is
/// 1000, so anything we complete CPython completes too.
pub const MAX_DEPTH_CAP: usize = 500;

/// The widest a run may raise the int width: CPython refuses to convert an
/// int of more than 4300 decimal digits (about 14,284 bits) to a string,
/// so wider ints could print here and fail there.
pub const MAX_INT_BITS_CAP: u64 = 14_000;

/// The most fuel a run may ask for (far beyond any program one would
/// wait for; it keeps counts well inside `u64`).
pub const MAX_FUEL_CAP: u64 = 10_000_000_000;

/// The longest list or tuple any run may build: a longer result poisons
/// ([`super::Poison::SequenceTooLong`]) on every side alike.
pub const MAX_SEQUENCE_LEN: usize = 1 << 20;

/// Operations that build a sequence of `n` elements (displays, `+`, `*`,
/// slicing, `list()`, `tuple()`, `extend`, slice assignment, in-place
/// `+=`/`*=`) add `n >> BULK_FUEL_SHIFT` to the fuel count, so bulk work is
/// bounded by the fuel limit too. The limit is still only checked at back
/// edges and calls.
pub const BULK_FUEL_SHIFT: u32 = 10;

/// `repr`, comparisons and membership that recurse into containers nested
/// deeper than this poison with [`super::Poison::Recursion`].
pub const MAX_CONTAINER_NESTING: usize = 200;

/// The limits of one run, shared by the reference and every configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Loop back edges plus calls before the run is poisoned.
    pub fuel: u64,
    /// Deepest call (module level is 0).
    pub depth: usize,
    /// Widest integer, in bits.
    pub int_bits: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: DEFAULT_FUEL,
            depth: DEFAULT_DEPTH,
            int_bits: DEFAULT_INT_BITS,
        }
    }
}

/// Limits given on the command line: each one set overrides the file's
/// header and the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    pub fuel: Option<u64>,
    pub depth: Option<usize>,
    pub int_bits: Option<u64>,
}

impl LimitOverrides {
    /// The limits of a file with `source`: the defaults, then its header,
    /// then these overrides; validated.
    pub fn limits_for(self, source: &str) -> Result<Limits, String> {
        let mut l = Limits::from_header(source, Limits::default())?;
        l.fuel = self.fuel.unwrap_or(l.fuel);
        l.depth = self.depth.unwrap_or(l.depth);
        l.int_bits = self.int_bits.unwrap_or(l.int_bits);
        l.validate()
    }
}

/// The header line that carries non-default limits in a `.py` file.
pub const HEADER: &str = "# jitdiff limits:";

impl Limits {
    /// Checks every limit against its range (a clear error, never a panic
    /// or an arena overflow later).
    pub fn validate(self) -> Result<Limits, String> {
        if !(1..=MAX_FUEL_CAP).contains(&self.fuel) {
            return Err(format!(
                "fuel {} is out of range (1..={MAX_FUEL_CAP})",
                self.fuel
            ));
        }
        if !(1..=MAX_DEPTH_CAP).contains(&self.depth) {
            return Err(format!(
                "max depth {} is out of range (1..={MAX_DEPTH_CAP}: the VM's frame region)",
                self.depth
            ));
        }
        if !(64..=MAX_INT_BITS_CAP).contains(&self.int_bits) {
            return Err(format!(
                "max int bits {} is out of range (64..={MAX_INT_BITS_CAP}: CPython prints ints up to 4300 digits)",
                self.int_bits
            ));
        }
        Ok(self)
    }

    /// The header line for these limits (empty for the defaults).
    pub fn header(self) -> String {
        if self == Limits::default() {
            return String::new();
        }
        format!(
            "{HEADER} fuel={} depth={} int-bits={}\n",
            self.fuel, self.depth, self.int_bits
        )
    }

    /// The limits a source file's header asks for, on top of `base`: the
    /// first `# jitdiff limits:` line among the leading comment lines.
    /// `Ok(base)` when there is none.
    pub fn from_header(source: &str, base: Limits) -> Result<Limits, String> {
        let Some((n, line)) = source
            .lines()
            .enumerate()
            .take_while(|(_, l)| l.starts_with('#') || l.trim().is_empty())
            .find_map(|(n, l)| l.strip_prefix(HEADER).map(|rest| (n + 1, rest)))
        else {
            return Ok(base);
        };
        let mut limits = base;
        for item in line.split_whitespace() {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("line {n}: `{item}` is not KEY=VALUE"))?;
            let number = |v: &str| -> Result<u64, String> {
                v.replace('_', "")
                    .parse::<u64>()
                    .map_err(|e| format!("line {n}: {key}={v}: {e}"))
            };
            match key {
                "fuel" => limits.fuel = number(value)?,
                "depth" => limits.depth = number(value)? as usize,
                "int-bits" => limits.int_bits = number(value)?,
                _ => {
                    return Err(format!(
                        "line {n}: unknown limit `{key}` (fuel, depth, int-bits)"
                    ));
                }
            }
        }
        limits.validate().map_err(|e| format!("line {n}: {e}"))
    }

    /// How to raise the limit a poisoned run crossed, for messages.
    pub fn how_to_raise(self, poison: super::Poison) -> String {
        match poison {
            super::Poison::Fuel => format!(
                "more than {} loop iterations and calls; raise it with --fuel N",
                self.fuel
            ),
            super::Poison::Recursion => format!(
                "calls nested deeper than {}; raise it with --max-depth D (up to {MAX_DEPTH_CAP}); or containers nested deeper than {MAX_CONTAINER_NESTING} in a repr or comparison (not a run parameter)",
                self.depth
            ),
            super::Poison::IntTooLarge => format!(
                "an int wider than {} bits; raise it with --max-int-bits B (up to {MAX_INT_BITS_CAP})",
                self.int_bits
            ),
            super::Poison::OutOfMemory => {
                "the VM's heap is full even after a collection (a fixed size, not a run parameter)"
                    .into()
            }
            super::Poison::Nesting => {
                "the source nests deeper than the reference can walk (not a run parameter)".into()
            }
            super::Poison::Complex => {
                "a negative number raised to a fractional power makes a complex number, which the language does not have (not a run parameter)".into()
            }
            super::Poison::SequenceTooLong => format!(
                "a list or tuple longer than {MAX_SEQUENCE_LEN} elements (not a run parameter)"
            ),
            super::Poison::NonAscii => {
                "a character outside ASCII, which the language leaves out (not a run parameter)"
                    .into()
            }
            super::Poison::SortOrder => {
                "a sort of 64 or more items met a NaN or an error, or would call a user class's `__lt__`, where CPython's result or the calls it makes depend on its merge steps, which the language leaves out (not a run parameter)".into()
            }
            super::Poison::Unmodelled => {
                "a construct CPython runs that the language does not model, such as a class base that is not a class or a method of a built-in type the language lacks (`s.expandtabs()`) (not a run parameter)".into()
            }
            super::Poison::Identity => {
                "CPython's answer depends on object identity, which the language leaves out: NaN met on both sides of a container comparison or in a dict key, `is` between two ints, floats, strs, tuples or ranges, two bound methods compared, a dict's keys changed at the same size while it is iterated, the repr of a generator (its address), the order of a set holding a value whose hash varies between processes (not a run parameter)".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_and_bad_ones_are_clear_errors() {
        let l = Limits {
            fuel: 5_000_000,
            depth: 300,
            int_bits: 10_000,
        };
        let text = format!("# a repro\n{}x = 1\n", l.header());
        assert_eq!(Limits::from_header(&text, Limits::default()), Ok(l));
        assert_eq!(Limits::default().header(), "");
        assert_eq!(
            Limits::from_header("x = 1\n", Limits::default()),
            Ok(Limits::default())
        );
        // Only the leading comments count.
        assert_eq!(
            Limits::from_header("x = 1\n# jitdiff limits: fuel=5\n", Limits::default()),
            Ok(Limits::default())
        );
        for (bad, want) in [
            ("# jitdiff limits: fuel=0\n", "fuel 0 is out of range"),
            ("# jitdiff limits: depth=9999\n", "max depth 9999"),
            ("# jitdiff limits: int-bits=1000000\n", "max int bits"),
            ("# jitdiff limits: speed=3\n", "unknown limit `speed`"),
            ("# jitdiff limits: fuel\n", "not KEY=VALUE"),
            ("# jitdiff limits: fuel=-1\n", "fuel=-1"),
        ] {
            let e = Limits::from_header(bad, Limits::default()).unwrap_err();
            assert!(e.contains(want) && e.starts_with("line 1"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_command_line_overrides_the_header() {
        let src = "# jitdiff limits: fuel=500 depth=300 int-bits=9000\n";
        let o = LimitOverrides {
            fuel: Some(7),
            ..Default::default()
        };
        assert_eq!(
            o.limits_for(src),
            Ok(Limits {
                fuel: 7,
                depth: 300,
                int_bits: 9000
            })
        );
        assert_eq!(
            LimitOverrides::default().limits_for("x = 1\n"),
            Ok(Limits::default())
        );
        let too_deep = LimitOverrides {
            depth: Some(501),
            ..Default::default()
        };
        assert!(
            too_deep
                .limits_for("")
                .unwrap_err()
                .contains("max depth 501")
        );
    }
}
