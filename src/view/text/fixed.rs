//! Writing a number with a fixed count of decimals: every coordinate of the
//! swimlane, the overview and the cluster drawing, and the few figures the
//! page shows with decimals.
//!
//! `format!("{x:.1}")` prints the exact decimal value of the binary `f64`,
//! rounded; to do that the standard library falls back to arbitrary
//! precision arithmetic (Dragon4) whenever its fast path cannot decide, and
//! formatting floats was 80 % of the time spent building a zoomed-out
//! swimlane (issue 25: a zoom or pan frame must fit in 16.7 ms). Scaling by a
//! power of ten, rounding, and writing an integer is several times faster and
//! drops the standard float formatting from the page. The only difference:
//! a value that lies on a tie (0.25 to one decimal) rounds away from zero
//! here and to even there, which a drawing cannot show.

use std::fmt;

/// `value` with `places` decimals (at most 6): see [`fixed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed {
    value: f64,
    places: u8,
}

/// `value` written with `places` decimals (at most 6), as
/// `format!("{value:.places$}")` would, rounding half away from zero; `0`
/// for a value that is not a number or is beyond ±10^15 (no coordinate or
/// duration here comes near).
pub fn fixed(value: f64, places: u8) -> Fixed {
    Fixed {
        value,
        places: places.min(6),
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = u32::from(self.places);
        let scaled = (self.value * 10f64.powi(places as i32)).round();
        let n = if scaled.is_finite() && scaled.abs() < 1e15 {
            scaled as i64
        } else {
            0
        };
        // Digits from the last: at most 16 digits, a point and a sign.
        let mut text = [0u8; 20];
        let mut at = text.len();
        let mut rest = n.unsigned_abs();
        let mut written = 0;
        while rest > 0 || written <= places {
            if written == places && places > 0 {
                at -= 1;
                text[at] = b'.';
            }
            at -= 1;
            text[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            written += 1;
        }
        if n < 0 {
            at -= 1;
            text[at] = b'-';
        }
        f.write_str(std::str::from_utf8(&text[at..]).unwrap_or("0"))
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;
    use crate::rng::Rng;

    #[test]
    fn writes_what_the_standard_precision_format_writes() {
        assert_eq!(fixed(0.0, 1).to_string(), "0.0");
        assert_eq!(fixed(12.34, 1).to_string(), "12.3");
        assert_eq!(fixed(-0.07, 2).to_string(), "-0.07");
        assert_eq!(fixed(1999.96, 1).to_string(), "2000.0");
        assert_eq!(fixed(7.5, 0).to_string(), "8");
        assert_eq!(fixed(0.000_25, 4).to_string(), "0.0003");
        assert_eq!(fixed(f64::NAN, 1).to_string(), "0.0");
        assert_eq!(fixed(1e300, 0).to_string(), "0");
        let mut rng = Rng::new(3);
        for _ in 0..200_000 {
            let value = (rng.next_u64() % 2_000_000) as f64 / 97.0 - 10_000.0;
            for places in 0..4u8 {
                let ours = fixed(value, places).to_string();
                let std = format!("{value:.*}", usize::from(places));
                // Off a tie the two agree; on one (…5 exactly, after
                // scaling) they may round opposite ways; -0.0 is 0.0.
                let scaled = value * 10f64.powi(i32::from(places));
                let tie = (scaled.abs().fract() - 0.5).abs() < 1e-6;
                let negative_zero = std.starts_with('-')
                    && ours == std[1..]
                    && ours.bytes().all(|b| b == b'0' || b == b'.');
                assert!(
                    ours == std || tie || negative_zero,
                    "{value} to {places}: {ours} vs {std}"
                );
            }
        }
    }
}
