//! The `builtins` feature: int expressions made with `divmod`, `pow`,
//! `hex`/`oct`/`bin`, `any`/`all` and the keywords of `min`, `max` and
//! `sorted` (`key=abs`, `key=str`, `reverse=`, `default=`), which the other
//! features never call. Keys are builtins, not lambdas: a lambda inside a
//! comprehension is outside the language, and an expression may end up in
//! one.
//! Each form keeps [`E::bits`] a true bound and cannot raise: divisors and
//! moduli are never zero, exponents are small or reduced, and a modular
//! inverse is only taken of a unit modulo a prime. The calls sit in hot
//! loops like any other int expression, so they run in traces
//! (`_CALL_BUILTIN`, and `divmod(...)[i]` through `_BINARY_SUBSCR_TUPLE_INT`).

use jitdiff_vm::lang::ast::{BinOp, CmpOp, Comprehension, Expr, Keyword, Target, UnaryOp};

use super::expr::{E, bin, bits_of, cmp};
use super::seqs::{len_of, sub};
use super::state::Gen;

/// Moduli for `pow(b, e, m)`: a prime (so that `b % (p - 1) + 1` has an
/// inverse), a power of two, word-boundary and small ones.
const POW_MODULI: [i128; 7] = [97, 1_000_003, 7, 1 << 32, (1 << 61) - 1, 10, 2];

/// Exponents for `pow(b, k)`: the result stays within reach of the caps.
const SMALL_EXPONENTS: [i128; 4] = [0, 1, 2, 3];

/// Format specs for ints that no int can make raise (what f-strings with
/// a spec lower to): fill, alignment, sign, zero padding, separators,
/// bases and the float types.
const INT_SPECS: [&str; 14] = [
    ">8", "<6", "*^9", "+", ",", "_x", "08", "+010", "b", "#<12o", "X", ".3e", ".2f", "g",
];

/// Calls an int form may make at most (generator resumes included).
pub(super) const BUILTIN_CALLS: u64 = 12;

impl Gen<'_, '_> {
    /// One of the builtin int forms (a leaf when calls are not affordable).
    pub(super) fn builtin_int(&mut self, depth: u32) -> E {
        if !self.can_str_calls(BUILTIN_CALLS) {
            return self.leaf();
        }
        match self.below(10) {
            0 => self.divmod_part(depth),
            1 => self.pow_small(depth),
            2 => self.pow_modular(depth),
            3 => self.int_text(depth),
            4 => self.truth_of_list(depth),
            5 => self.truth_of_generator(depth),
            6 => self.keyed_extreme(depth),
            7 => self.keyed_sort(depth),
            8 => self.formatted_length(depth),
            _ => self.extreme_or_default(depth),
        }
    }

    /// `divmod(a, d)[0]` (bounded as `a // d`) or `[1]` (as `a % d`).
    fn divmod_part(&mut self, depth: u32) -> E {
        self.charge_calls(1);
        let a = self.int_expr(depth);
        let d = self.divisor(depth);
        let (index, bits) = if self.chance(50) {
            (0, a.bits)
        } else {
            (1, d.bits)
        };
        E {
            e: sub(Expr::call("divmod", vec![a.e, d.e]), Expr::int(index)),
            bits,
        }
    }

    /// `pow(b, k)` for k in 0..=3, where the product of bounds allows it
    /// (else k = 1).
    fn pow_small(&mut self, depth: u32) -> E {
        self.charge_calls(1);
        let b = self.int_expr(depth);
        let mut k = self.pick(&SMALL_EXPONENTS);
        if b.bits.saturating_mul(k as u32) > super::expr::EXPR_BITS {
            k = 1;
        }
        E {
            bits: (b.bits * k as u32).max(1),
            e: Expr::call("pow", vec![b.e, Expr::int(k)]),
        }
    }

    /// `pow(b, e % 64, m)` with `m` nonzero (negative when divisors may
    /// be), or `pow(b % 96 + 1, -1, 97)`: an inverse that always exists.
    fn pow_modular(&mut self, depth: u32) -> E {
        self.charge_calls(1);
        let b = self.int_expr(depth);
        if self.chance(25) {
            let unit = bin(
                BinOp::Add,
                bin(BinOp::Mod, b.e, Expr::int(96)),
                Expr::int(1),
            );
            return E {
                e: Expr::call("pow", vec![unit, Expr::int(-1), Expr::int(97)]),
                bits: 7,
            };
        }
        let e = self.int_expr(depth);
        let m = self.pick(&POW_MODULI);
        let m = if self.cfg.neg_divisors && self.chance(25) {
            -m
        } else {
            m
        };
        E {
            e: Expr::call(
                "pow",
                vec![b.e, bin(BinOp::Mod, e.e, Expr::int(64)), Expr::int(m)],
            ),
            bits: bits_of(m),
        }
    }

    /// `len(hex(e))` (and `oct`, `bin`), or `int(hex(e), 16)`: the text's
    /// length, or `e` back through the parser.
    fn int_text(&mut self, depth: u32) -> E {
        let x = self.int_expr(depth);
        let (name, base) = self.pick(&[("hex", 16), ("oct", 8), ("bin", 2)]);
        let text = Expr::call(name, vec![x.e]);
        if self.chance(50) {
            self.charge_calls(2);
            // `bin` of a 400-bit value is 403 characters.
            return E {
                e: len_of(text),
                bits: bits_of(super::expr::EXPR_BITS as i128 + 4),
            };
        }
        self.charge_calls(2);
        E {
            e: Expr::call("int", vec![text, Expr::int(base)]),
            bits: x.bits,
        }
    }

    /// `any([a, b, c])` or `all([...])` of int expressions.
    fn truth_of_list(&mut self, depth: u32) -> E {
        self.charge_calls(1);
        let n = self.between(0, 3);
        let items = (0..n).map(|_| self.int_expr(depth).e).collect();
        let f = self.pick(&["any", "all"]);
        E {
            e: Expr::call(f, vec![Expr::List(items)]),
            bits: 1,
        }
    }

    /// `any(k % M == R for k in range(e % 8))` (or `all`, `!=`): a
    /// generator stepped by the builtin until an item decides. The element
    /// reads only its own variable, so it is valid inside comprehensions.
    fn truth_of_generator(&mut self, depth: u32) -> E {
        self.charge_calls(BUILTIN_CALLS);
        let n = self.int_expr(depth);
        let k = self.fresh_name("k");
        let m = self.pick(&[2i128, 3, 5]);
        let r = self.below(m as u64) as i128;
        let op = self.pick(&[CmpOp::Eq, CmpOp::NotEq]);
        let elt = cmp(
            bin(BinOp::Mod, Expr::name(&k), Expr::int(m)),
            op,
            Expr::int(r),
        );
        let iter = Expr::call("range", vec![bin(BinOp::Mod, n.e, Expr::int(8))]);
        let f = self.pick(&["any", "all"]);
        let genexp = Expr::GeneratorExp {
            elt: Box::new(elt),
            generators: vec![Comprehension {
                target: Target::Name(k),
                iter,
                ifs: vec![],
            }],
        };
        E {
            e: Expr::call(f, vec![genexp]),
            bits: 1,
        }
    }

    /// `len(format(e, spec))`: the formatted text's length (a 400-bit
    /// int in binary with separators is under 600 characters).
    fn formatted_length(&mut self, depth: u32) -> E {
        self.charge_calls(2);
        let x = self.int_expr(depth);
        let spec = self.pick(&INT_SPECS);
        E {
            e: len_of(Expr::call("format", vec![x.e, Expr::Str(spec.into())])),
            bits: bits_of(600),
        }
    }

    /// Half the time under `key=abs`, the first item's negation after the
    /// others: two items with equal keys, so which one `min`/`max` keep
    /// and where a stable (reversed) sort puts them shows (CPython keeps
    /// the first of equals, and `reverse=True` keeps their order).
    fn maybe_tie(&mut self, items: &mut Vec<Expr>, key: &str) {
        if key == "abs" && self.chance(50) {
            let negated = Expr::UnaryOp {
                op: UnaryOp::Neg,
                operand: Box::new(items[0].clone()),
            };
            items.push(negated);
        }
    }

    /// Two or three int expressions and the widest bound among them.
    fn some_ints(&mut self, depth: u32) -> (Vec<Expr>, u32) {
        let n = self.between(2, 3);
        let mut bits = 1;
        let items = (0..n)
            .map(|_| {
                let x = self.int_expr(depth);
                bits = bits.max(x.bits);
                x.e
            })
            .collect();
        (items, bits)
    }

    /// `max([a, b, c], key=abs)`, `min(a, b, key=str)` and the like.
    fn keyed_extreme(&mut self, depth: u32) -> E {
        self.charge_calls(4);
        let (mut items, bits) = self.some_ints(depth);
        let f = self.pick(&["min", "max"]);
        let key_name = self.pick(&["abs", "str"]);
        self.maybe_tie(&mut items, key_name);
        let key = Expr::name(key_name);
        let args = if self.chance(50) {
            vec![Expr::List(items)]
        } else {
            items
        };
        E {
            e: keyword_call(f, args, vec![("key", key)]),
            bits,
        }
    }

    /// `sorted([a, b, c], key=abs, reverse=True)[i]` with `i` in range.
    fn keyed_sort(&mut self, depth: u32) -> E {
        self.charge_calls(4);
        let (mut items, bits) = self.some_ints(depth);
        let key_name = self.pick(&["abs", "str"]);
        self.maybe_tie(&mut items, key_name);
        let i = self.below(items.len() as u64) as i128;
        let key = Expr::name(key_name);
        let mut keywords = vec![("key", key)];
        if self.chance(50) {
            keywords.push(("reverse", Expr::Bool(self.chance(50))));
        }
        E {
            e: sub(
                keyword_call("sorted", vec![Expr::List(items)], keywords),
                Expr::int(i),
            ),
            bits,
        }
    }

    /// `max((k for k in range(e % 4)), default=d)` (or `min`): the
    /// default when the range is empty.
    fn extreme_or_default(&mut self, depth: u32) -> E {
        self.charge_calls(BUILTIN_CALLS);
        let n = self.int_expr(depth);
        let d = self.int_expr(depth);
        let k = self.fresh_name("k");
        let genexp = Expr::GeneratorExp {
            elt: Box::new(Expr::name(&k)),
            generators: vec![Comprehension {
                target: Target::Name(k),
                iter: Expr::call("range", vec![bin(BinOp::Mod, n.e, Expr::int(4))]),
                ifs: vec![],
            }],
        };
        let f = self.pick(&["min", "max"]);
        E {
            e: keyword_call(f, vec![genexp], vec![("default", d.e)]),
            bits: d.bits.max(2),
        }
    }
}

fn keyword_call(f: &str, args: Vec<Expr>, keywords: Vec<(&str, Expr)>) -> Expr {
    Expr::Call {
        func: Box::new(Expr::name(f)),
        args,
        keywords: keywords
            .into_iter()
            .map(|(k, value)| Keyword {
                arg: Some(k.into()),
                value,
            })
            .collect(),
    }
}
