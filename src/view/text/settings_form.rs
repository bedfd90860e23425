//! The settings forms in words: what each teaching fault breaks, and the
//! timing and seed fields checked, or refused with a sentence that says why.

use crate::raft::Fault;
use crate::view::decimal;

/// What teaching fault `f` breaks, in one line a student can act on.
pub fn fault_line(f: Fault) -> &'static str {
    match f {
        Fault::FixedTimeouts => "Every election timeout is the same: split votes repeat and no leader may ever win.",
        Fault::CommitAnyTerm => "A leader commits old-term entries by counting replicas: a committed entry can be overwritten (Figure 8).",
        Fault::NoElectionRestriction => "Votes ignore how up to date the candidate's log is: a leader can lack committed entries.",
        Fault::NaiveMembership => "Membership changes skip joint consensus: two majorities can elect two leaders.",
        Fault::VolatileVote => "Term and vote are not saved to disk: a restarted node can vote twice in one term.",
        Fault::StaleLocalRead => "The leader answers reads from local state without confirming it still leads: stale reads.",
    }
}

/// A duration typed in milliseconds for `what`, in microseconds.
pub fn typed_ms(text: &str, what: &str) -> Result<u64, String> {
    decimal(text.trim())
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| (v * 1000.0).round() as u64)
        .ok_or_else(|| {
            format!(
                "{what} must be a positive number of milliseconds, not “{}”",
                text.trim()
            )
        })
}

/// The three timing fields (minimum and maximum election timeout, heartbeat
/// interval), in microseconds.
pub fn typed_timing(min: &str, max: &str, heartbeat: &str) -> Result<(u64, u64, u64), String> {
    Ok((
        typed_ms(min, "The minimum election timeout")?,
        typed_ms(max, "The maximum election timeout")?,
        typed_ms(heartbeat, "The heartbeat interval")?,
    ))
}

/// A seed as typed.
pub fn typed_seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!(
            "The seed must be a whole number from 0 to {}, not “{}”",
            u64::MAX,
            text.trim()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_is_typed_in_milliseconds_and_must_be_positive() {
        assert_eq!(
            typed_timing("150", "300", "50.5"),
            Ok((150_000, 300_000, 50_500))
        );
        assert_eq!(
            typed_timing("150", "0", "50"),
            Err(
                "The maximum election timeout must be a positive number of milliseconds, not “0”"
                    .to_string()
            )
        );
        assert!(typed_ms(" ", "The heartbeat interval")
            .unwrap_err()
            .ends_with("not “”"));
    }

    #[test]
    fn a_seed_is_a_whole_number_that_fits_64_bits() {
        assert_eq!(typed_seed(" 42 "), Ok(42));
        assert!(typed_seed("18446744073709551616")
            .unwrap_err()
            .contains("18446744073709551615"));
        assert!(typed_seed("-1").is_err());
    }

    #[test]
    fn every_fault_says_what_it_breaks() {
        for f in Fault::ALL {
            assert!(fault_line(f).ends_with('.'), "{f:?}");
        }
    }
}
