//! `%e %f %g` (and upper-case forms) exactly as C's printf and CPython's
//! `PyOS_double_to_string` write them: from the float's exact decimal
//! expansion (every finite double has a finite one), rounded half to even
//! at the requested digit, so `'%.0f' % 0.5` is `0`, `'%.0f' % 2.5` is `2`
//! and `'%.2f' % 0.125` is `0.12`.

use num_bigint::BigUint;

/// A finite non-negative float as `0.D * 10**point`, `D` its decimal
/// digits without leading or trailing zeros (empty for zero).
#[derive(Clone, Debug)]
struct Decimal {
    digits: Vec<u8>,
    point: i64,
}

fn exact(x: f64) -> Decimal {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    if m == 0 {
        return Decimal {
            digits: Vec::new(),
            point: 0,
        };
    }
    // m * 2**e = m * 5**-e / 10**-e for negative e.
    let (n, shift) = if e >= 0 {
        (BigUint::from(m) << e as u64, 0)
    } else {
        let five = BigUint::from(5u8).pow(e.unsigned_abs() as u32);
        (BigUint::from(m) * five, e)
    };
    let mut digits: Vec<u8> = n.to_string().into_bytes();
    let point = digits.len() as i64 + shift;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Decimal { digits, point }
}

impl Decimal {
    /// Rounded to the first `keep` digits (half to even on the exact
    /// value); a carry out of the first digit moves the point.
    fn round(&self, keep: i64) -> Decimal {
        let len = self.digits.len() as i64;
        if keep >= len {
            return self.clone();
        }
        if keep < 0 {
            // Below half a unit of the last kept place: zero.
            return Decimal {
                digits: Vec::new(),
                point: self.point,
            };
        }
        let k = keep as usize;
        let next = self.digits[k];
        let rest_nonzero = self.digits[k + 1..].iter().any(|&d| d != b'0');
        let last_odd = k > 0 && (self.digits[k - 1] - b'0') % 2 == 1;
        let up = next > b'5' || (next == b'5' && (rest_nonzero || last_odd));
        let mut digits = self.digits[..k].to_vec();
        let mut point = self.point;
        if up {
            let mut i = k;
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == b'9' {
                    digits[i] = b'0';
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { digits, point }
    }

    /// The digit of weight `10**(point - 1 - j)`.
    fn digit(&self, j: i64) -> u8 {
        if j < 0 {
            return b'0';
        }
        self.digits.get(j as usize).copied().unwrap_or(b'0')
    }

    /// Fixed notation with `prec` fraction digits (already rounded there).
    fn fixed(&self, prec: usize, alt: bool) -> String {
        let mut out = String::new();
        if self.point <= 0 || self.digits.is_empty() {
            out.push('0');
        } else {
            for j in 0..self.point {
                out.push(char::from(self.digit(j)));
            }
        }
        if prec > 0 || alt {
            out.push('.');
        }
        for i in 0..prec as i64 {
            out.push(char::from(self.digit(self.point + i)));
        }
        out
    }

    /// `d.ddd` with `prec` fraction digits and the exponent of `d`.
    fn sci(&self, prec: usize, alt: bool) -> (String, i64) {
        let mut out = String::new();
        out.push(char::from(self.digit(0)));
        if prec > 0 || alt {
            out.push('.');
        }
        for j in 1..=prec as i64 {
            out.push(char::from(self.digit(j)));
        }
        let exp = if self.digits.is_empty() {
            0
        } else {
            self.point - 1
        };
        (out, exp)
    }
}

fn exponent(e: i64, upper: bool) -> String {
    let mark = if upper { 'E' } else { 'e' };
    let sign = if e < 0 { '-' } else { '+' };
    format!("{mark}{sign}{:02}", e.unsigned_abs())
}

/// Drops trailing fraction zeros and then a bare point (`%g` without `#`).
fn strip_zeros(s: &mut String) {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
}

/// `x` formatted by conversion `conv` (one of `eEfFgG`) with precision
/// `prec` (`None`: 6) and the `#` flag. A negative value (or negative
/// zero) gets a `-`; NaN never has a sign.
pub fn format(x: f64, conv: u8, prec: Option<usize>, alt: bool) -> String {
    let upper = conv.is_ascii_uppercase();
    let case = |s: String| if upper { s.to_ascii_uppercase() } else { s };
    if x.is_nan() {
        return case("nan".into());
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return case(format!("{sign}inf"));
    }
    let d = exact(x.abs());
    let prec = prec.unwrap_or(6);
    let body = match conv.to_ascii_lowercase() {
        b'f' => d.round(d.point + prec as i64).fixed(prec, alt),
        b'e' => {
            let (m, e) = d.round(prec as i64 + 1).sci(prec, alt);
            m + &exponent(e, upper)
        }
        _ => {
            // %g: the exponent `%e` would show decides the style.
            let p = prec.max(1);
            let r = d.round(p as i64);
            let x_exp = if r.digits.is_empty() { 0 } else { r.point - 1 };
            if (-4..p as i64).contains(&x_exp) {
                let fprec = (p as i64 - 1 - x_exp) as usize;
                let mut s = d.round(d.point + fprec as i64).fixed(fprec, alt);
                if !alt {
                    strip_zeros(&mut s);
                }
                s
            } else {
                let (mut m, e) = r.sci(p - 1, alt);
                if !alt {
                    strip_zeros(&mut m);
                }
                m + &exponent(e, upper)
            }
        }
    };
    format!("{sign}{body}")
}

/// A float formatted with a precision and no type (`format(x, '.3')`):
/// CPython's `g` with `Py_DTSF_ADD_DOT_0`, whose fixed-point form keeps a
/// digit past the point and is used only while the exponent `%e` would
/// show is below `precision - 1` (`format(100.0, '.3')` is `1e+02`).
pub fn with_point(x: f64, prec: Option<usize>) -> String {
    if !x.is_finite() {
        return format(x, b'g', prec, false);
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let d = exact(x.abs());
    let p = prec.unwrap_or(6).max(1);
    let r = d.round(p as i64);
    let x_exp = if r.digits.is_empty() { 0 } else { r.point - 1 };
    let body = if (-4..p as i64 - 1).contains(&x_exp) {
        let fprec = (p as i64 - 1 - x_exp) as usize;
        let mut s = d.round(d.point + fprec as i64).fixed(fprec, false);
        strip_zeros(&mut s);
        if !s.contains('.') {
            s.push_str(".0");
        }
        s
    } else {
        let (mut m, e) = r.sci(p - 1, false);
        strip_zeros(&mut m);
        m + &exponent(e, false)
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_expansions() {
        let d = exact(0.1);
        assert_eq!(d.point, 0);
        assert_eq!(
            String::from_utf8(d.digits).unwrap(),
            "1000000000000000055511151231257827021181583404541015625"
        );
        let d = exact(1e22);
        assert_eq!((d.digits, d.point), (b"1".to_vec(), 23));
        assert!(exact(0.0).digits.is_empty());
    }

    #[test]
    fn c_printf_results() {
        let cases: &[(f64, u8, Option<usize>, bool, &str)] = &[
            (0.5, b'f', Some(0), false, "0"),
            (1.5, b'f', Some(0), false, "2"),
            (2.5, b'f', Some(0), false, "2"),
            (0.125, b'f', Some(2), false, "0.12"),
            (0.375, b'f', Some(2), false, "0.38"),
            (9.9999996, b'g', None, false, "10"),
            (100000.0, b'g', None, false, "100000"),
            (1000000.0, b'g', None, false, "1e+06"),
            (0.0001, b'g', None, false, "0.0001"),
            (0.00001, b'g', None, false, "1e-05"),
            (12345.678, b'e', None, false, "1.234568e+04"),
            (-0.0, b'f', None, false, "-0.000000"),
            (-0.0, b'g', None, false, "-0"),
            (0.0, b'e', Some(0), true, "0.e+00"),
            (1.0, b'g', None, true, "1.00000"),
            (1e300, b'E', Some(2), false, "1.00E+300"),
            (5e-324, b'g', Some(3), false, "4.94e-324"),
        ];
        for &(x, c, p, alt, want) in cases {
            assert_eq!(format(x, c, p, alt), want, "{x} {} {p:?} {alt}", c as char);
        }
    }
}
