//! Changing the case of the sentences the screen shows. Every sentence is
//! the app's own and in English, so only ASCII letters change case: Rust's
//! full Unicode case mapping would put its tables (about 25 KB) in the page
//! for letters no sentence has.

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
}
