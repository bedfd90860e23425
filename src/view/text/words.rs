//! Changing the case of the sentences the screen shows, and the welcome.
//! Every sentence is the app's own and in English, so only ASCII letters
//! change case: Rust's full Unicode case mapping would put its tables
//! (about 25 KB) in the page for letters no sentence has.

/// `text` with its first letter in capitals, for a sentence made from parts.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => std::iter::once(first.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}

/// `text` in lower case, for a search that ignores case.
pub fn folded(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// A count in words where it is short ("five"), else in digits.
fn count_words(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| w.to_string())
}

/// The Lessons panel's welcome, for a cluster of `voters` servers drawn with
/// `drawn` circles in all: the others are spares, outside the cluster until
/// someone adds them, and the welcome says so rather than leave a newcomer
/// counting circles.
pub fn welcome(voters: u8, drawn: usize) -> String {
    let size = count_words(usize::from(voters));
    let spares = drawn.saturating_sub(usize::from(voters));
    let spares = match spares {
        0 => String::new(),
        1 => " The faint circle marked – is a spare server outside the cluster: add it under Membership.".to_string(),
        n => format!(
            " The {} faint circles marked – are spare servers outside the cluster: add them under Membership.",
            count_words(n)
        ),
    };
    format!("Welcome! This is a live {size}-server Raft cluster. It plays as the page opens, so its first election is over in a few seconds: press Go to start and then Step forward to watch it again one event at a time, crash the leader from the inspector, or pick a guided lesson: each one pauses at real moments of a real run and explains them.{spares}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_letter_becomes_a_capital_and_nothing_else_changes() {
        assert_eq!(
            capitalised("n3 is leader for term 4"),
            "N3 is leader for term 4"
        );
        assert_eq!(capitalised("✓ done"), "✓ done");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn a_search_matches_whatever_the_case_of_either_side() {
        assert!(folded("N3 → N1: RequestVote").contains(&folded("requestvote")));
        assert!(folded("granted ✓").contains(&folded("GRANTED ✓")));
        assert!(!folded("AppendEntries").contains(&folded("votes")));
    }

    #[test]
    fn the_welcome_counts_the_servers_on_screen() {
        assert!(welcome(5, 5).starts_with(
            "Welcome! This is a live five-server Raft cluster. It plays as the page opens"
        ));
        assert!(welcome(3, 3).contains("live three-server"));
        assert!(welcome(12, 12).contains("live 12-server"));
        assert!(welcome(4, 4).contains("live four-server"));
        assert!(!welcome(5, 5).contains("spare"));
        assert!(welcome(5, 7).ends_with(
            "The two faint circles marked – are spare servers outside the cluster: add them under Membership."
        ));
        assert!(welcome(3, 4).contains("The faint circle marked – is a spare server"));
    }
}
