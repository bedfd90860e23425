//! Reading a number a person typed or picked (a settings field, the speed
//! menu, the playhead, the page's query string). The standard library's
//! `f64::from_str` rounds every possible input exactly, with a 10 KB table
//! of powers of five and the code around it (14 KB of the page, gzip);
//! these inputs are short decimals, which the method below reads just as
//! exactly.

/// Significant digits kept: below 2^53, so the digits are an exact `f64`.
const MAX_DIGITS: u32 = 15;

/// The powers of ten that are exact `f64`s.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Whether `text` starts with a minus, and the rest after any sign; `None`
/// for an empty text.
fn signed(text: &str) -> Option<(bool, &str)> {
    Some(match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    })
}

/// An exponent's digits, held to ±10,000 (far past where every `f64`
/// becomes infinite or zero).
fn exponent(text: &str) -> Option<i64> {
    let (negative, digits) = signed(text)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = digits
        .bytes()
        .fold(0i64, |v, b| (v * 10 + i64::from(b - b'0')).min(10_000));
    Some(if negative { -value } else { value })
}

/// The number in `text`: an optional sign, digits with an optional decimal
/// point, and an optional exponent (`12`, `-0.5`, `+.25`, `1.5e3`). `None`
/// for anything else, spaces included.
///
/// Exact (the nearest `f64`, as `str::parse` gives) when the number has at
/// most 15 significant digits and a power of ten within ±22 of them: the
/// digits and the power of ten are then both exact `f64`s, and one
/// multiplication or division rounds once. Beyond that it may differ from
/// the nearest `f64` in the last place.
pub fn decimal(text: &str) -> Option<f64> {
    let (negative, unsigned) = signed(text)?;
    let (number, written_power) = match unsigned.split_once(['e', 'E']) {
        Some((number, e)) => (number, exponent(e)?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.len() + fraction.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut kept = 0;
    let mut dropped: i64 = 0;
    for d in digits().map(|b| u64::from(b - b'0')) {
        if kept < MAX_DIGITS {
            mantissa = mantissa * 10 + d;
            if mantissa > 0 {
                kept += 1;
            }
        } else {
            dropped += 1;
        }
    }
    let power = (written_power + dropped - fraction.len() as i64).clamp(-400, 400) as i32;
    let m = mantissa as f64;
    let value = if mantissa == 0 {
        0.0
    } else if let Some(exact) = EXACT_POWERS.get(power.unsigned_abs() as usize) {
        if power >= 0 {
            m * exact
        } else {
            m / exact
        }
    } else if power > 0 {
        m * 10f64.powi(power)
    } else {
        // Far below one: two steps, so 10^-power does not overflow first.
        m / 1e22 / 10f64.powi(-power - 22)
    };
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn short_decimals_read_exactly_as_the_standard_parser_reads_them() {
        let mut rng = Rng::new(5);
        for _ in 0..100_000 {
            let whole = rng.range_inclusive(0, 999_999_999);
            let fraction_digits = rng.range_inclusive(0, 6) as usize;
            let fraction = rng.range_inclusive(0, 10u64.pow(fraction_digits as u32) - 1);
            let sign = ["", "-", "+"][rng.range_inclusive(0, 2) as usize];
            let mut text = if fraction_digits == 0 {
                format!("{sign}{whole}")
            } else {
                format!("{sign}{whole}.{fraction:0fraction_digits$}")
            };
            if rng.chance(0.2) {
                text.push_str(&format!("e{}", rng.range_inclusive(0, 16) as i64 - 8));
            }
            let expected: f64 = text.parse().unwrap();
            assert_eq!(decimal(&text), Some(expected), "{text}");
        }
    }

    #[test]
    fn the_forms_a_person_types_are_read() {
        assert_eq!(decimal("0.1"), Some(0.1));
        assert_eq!(decimal("+.25"), Some(0.25));
        assert_eq!(decimal("5."), Some(5.0));
        assert_eq!(decimal("1.5E3"), Some(1500.0));
        assert_eq!(decimal("-0"), Some(-0.0));
        assert_eq!(decimal("000012.50"), Some(12.5));
        assert_eq!(decimal("1e400"), Some(f64::INFINITY));
        assert_eq!(decimal("1e-400"), Some(0.0));
        assert_eq!(decimal("1e99999999999"), Some(f64::INFINITY));
        assert_eq!(decimal("-1e-99999999999"), Some(-0.0));
        assert_eq!(decimal("0e400"), Some(0.0), "zero, not 0 × ∞");
        assert_eq!(decimal("0.000000000000000000001"), Some(1e-21));
        let long = "3.14159265358979323846264338327950288";
        assert!((decimal(long).unwrap() - std::f64::consts::PI).abs() < 1e-14);
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "", "-", "+", ".", "-.", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "inf", "NaN",
            "0x10", "1_000", "½", "-½", "1e--2", "1e2.5",
        ] {
            assert_eq!(decimal(text), None, "{text:?}");
        }
    }
}
