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

/// The Lessons panel's welcome, for a cluster of `voters` servers.
pub fn welcome(voters: u8) -> String {
    let size = match voters {
        3 => "three".to_string(),
        5 => "five".to_string(),
        7 => "seven".to_string(),
        9 => "nine".to_string(),
        n => n.to_string(),
    };
    format!("Welcome! This is a live {size}-server Raft cluster. Press Play and watch the first election, then crash the leader from the inspector, or pick a guided lesson: each one pauses at real moments of a real run and explains them.")
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
        assert!(welcome(5).starts_with("Welcome! This is a live five-server Raft cluster."));
        assert!(welcome(3).contains("live three-server"));
        assert!(welcome(4).contains("live 4-server"));
    }
}
