//! A (pre-)candidate's votes, counted as Raft counts them: by a majority of
//! its own configuration, and during joint consensus by a majority of C_old
//! *and* a majority of C_new (§6), so "3 of 3" in C_new alone is not a win.

use crate::raft::{Configuration, NodeId};
use crate::sorted::SortedSet;

/// The votes of one majority the candidate needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Which configuration, during joint consensus (`old` or `new`).
    pub half: Option<&'static str>,
    /// Votes from its voters.
    pub got: usize,
    /// How many make its majority.
    pub needed: usize,
}

/// A candidate's votes so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    /// Who voted for it, itself included.
    pub from: Vec<NodeId>,
    /// One tally, or during joint consensus two (C_old's, then C_new's).
    pub tallies: Vec<Tally>,
}

impl Ballot {
    /// The votes `from`, counted by the candidate's own `config`.
    pub fn count(from: Vec<NodeId>, config: &Configuration) -> Ballot {
        let tally = |half, voters: &SortedSet<NodeId>| Tally {
            half,
            got: from.iter().filter(|n| voters.contains(n)).count(),
            needed: voters.len() / 2 + 1,
        };
        let tallies = if config.is_joint() {
            vec![
                tally(Some("old"), &config.outgoing),
                tally(Some("new"), &config.voters),
            ]
        } else {
            vec![tally(None, &config.voters)]
        };
        Ballot { from, tallies }
    }

    /// Whether every majority it needs is reached.
    pub fn won(&self) -> bool {
        self.tallies.iter().all(|t| t.got >= t.needed)
    }

    /// Beside the node: `votes 2/3`, or `old 1/2 · new 3/3`.
    pub fn short(&self) -> String {
        let each: Vec<String> = self
            .tallies
            .iter()
            .map(|t| format!("{} {}/{}", t.half.unwrap_or("votes"), t.got, t.needed))
            .collect();
        each.join(" · ")
    }

    /// In a sentence: `2 of 3 needed`, or `C_old: 1 of 2 needed, C_new: 3
    /// of 3 needed`.
    pub fn needed_words(&self) -> String {
        let each: Vec<String> = self
            .tallies
            .iter()
            .map(|t| match t.half {
                Some(half) => format!("C_{half}: {} of {} needed", t.got, t.needed),
                None => format!("{} of {} needed", t.got, t.needed),
            })
            .collect();
        each.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ns: &[u8]) -> Vec<NodeId> {
        ns.iter().map(|n| NodeId(*n)).collect()
    }

    #[test]
    fn a_plain_configuration_needs_one_majority() {
        let config = Configuration::of_voters(ids(&[1, 2, 3, 4, 5]));
        let ballot = Ballot::count(ids(&[1, 3]), &config);
        assert_eq!(ballot.short(), "votes 2/3");
        assert_eq!(ballot.needed_words(), "2 of 3 needed");
        assert!(!ballot.won());
        assert!(Ballot::count(ids(&[1, 3, 5]), &config).won());
    }

    #[test]
    fn under_joint_consensus_all_of_c_new_is_not_enough_without_c_old() {
        // Reference: §6. C_old = {N1, N2, N3}, C_new = {N1..N5}: N4 holds
        // three votes of C_new, a majority there, but one of C_old.
        let config = Configuration {
            outgoing: ids(&[1, 2, 3]).into_iter().collect(),
            voters: ids(&[1, 2, 3, 4, 5]).into_iter().collect(),
            ..Configuration::default()
        };
        let ballot = Ballot::count(ids(&[3, 4, 5]), &config);
        assert_eq!(ballot.short(), "old 1/2 · new 3/3");
        assert_eq!(
            ballot.needed_words(),
            "C_old: 1 of 2 needed, C_new: 3 of 3 needed"
        );
        assert!(!ballot.won(), "C_old has no majority");
        assert!(Ballot::count(ids(&[2, 3, 4, 5]), &config).won());
    }
}
