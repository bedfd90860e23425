//! What each rule says, as data for students: for every [`Rule`] a node can
//! cite, what the rule requires, what goes wrong without it, and which
//! teaching fault (if any) switches it off.
//!
//! The event log cites a rule after every sentence ("(§5.4.1)"); this is the
//! explanation behind the citation. The texts follow the Raft paper (Ongaro
//! and Ousterhout, "In Search of an Understandable Consensus Algorithm",
//! extended version, 2014) and Ongaro's thesis ("Consensus: Bridging Theory
//! and Practice", 2014), cited the way [`Rule::section`] cites them, so the
//! explanation and the sentence never name different sections.

use crate::raft::{Fault, Rule};

/// One rule explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleExplanation {
    /// The rule's name as a title (its [`Rule::name`], capitalised).
    pub title: &'static str,
    /// Where it is stated, exactly as [`Rule::section`] prints it.
    pub citation: &'static str,
    /// What the rule requires.
    pub says: &'static str,
    /// What goes wrong without it. For [`Rule::UnsafeRead`] and the teaching
    /// faults, which are themselves a rule left out, what goes wrong when
    /// they are used.
    pub without_it: &'static str,
    /// The teaching fault that switches the rule off, if one does: the one
    /// whose [`Fault::breaks`] names this rule's section. A teaching fault
    /// names itself.
    pub broken_by: Option<Fault>,
}

impl RuleExplanation {
    /// The whole explanation as one paragraph: what it says, what goes wrong
    /// without it, and the fault that breaks it.
    pub fn paragraph(&self) -> String {
        let fault = match self.broken_by {
            Some(f) if self.citation == Rule::Fault(f).section() => {
                format!("The teaching fault {f} switches off {}.", f.breaks())
            }
            Some(f) => format!("The teaching fault {f} breaks this rule."),
            None => "No teaching fault switches this rule off.".to_string(),
        };
        format!("{} {} {fault}", self.says, self.without_it)
    }
}

/// The explanation of `rule`.
pub fn explain_rule(rule: Rule) -> RuleExplanation {
    let (title, says, without_it, broken_by) = match rule {
        Rule::TermRule => (
            "Term rule",
            "Terms are Raft's logical clock, and servers exchange their current term in every message. A server that sees a larger term adopts it, and a candidate or leader that does so steps down to follower at once; a request carrying an older term is rejected.",
            "Without it a leader that was cut off or paused would come back still acting as leader next to the one elected meanwhile, and followers would accept its stale AppendEntries, letting it overwrite entries of the newer term.",
            None,
        ),
        Rule::Election => (
            "Leader election",
            "A follower that hears from no leader for an election timeout becomes a candidate: it increments its term, votes for itself and asks every other server for its vote. It wins with the votes of a majority; each server votes for at most one candidate per term, first come first served. Timeouts are chosen at random from a range (150 to 300 ms in the paper) so that one server usually times out alone, and a leader keeps its followers from timing out with heartbeats.",
            "With two votes per term two candidates could each gather a majority and lead the same term, breaking Election Safety. With equal timeouts candidates start together, split the vote, time out together again and may never elect anyone.",
            Some(Fault::FixedTimeouts),
        ),
        Rule::LogReplication => (
            "Log replication",
            "Only the leader accepts commands: it appends each one to its log and sends it to the followers with AppendEntries, retrying until every follower stores it. An entry is committed once the leader that created it has stored it on a majority, and only then is the client answered. The leader sends its commit index in every AppendEntries, heartbeats included, so followers learn what is committed.",
            "Answered before a majority stored it, a write could vanish when the leader crashes, although the client was told it succeeded; and followers that never learn the commit index could never apply anything.",
            None,
        ),
        Rule::ConsistencyCheck => (
            "Consistency check",
            "Every AppendEntries carries the index and term of the entry just before the new ones, and a follower refuses it unless its own log holds an entry with that index and term. On a refusal the leader moves back (a whole term at a time with the follower's hint) until the logs agree; the follower then deletes its conflicting entry and everything after it and takes the leader's. By induction, two logs that hold an entry with the same index and term agree on every entry up to it (the Log Matching Property).",
            "Without it a follower could store entries after a gap, or on top of leftovers from a deposed leader, so logs that agree at one index could disagree before it, and servers would apply different commands at the same index.",
            None,
        ),
        Rule::ElectionRestriction => (
            "Election restriction",
            "A server refuses its vote to a candidate whose log is less up to date than its own: the log whose last entry has the later term is more up to date, and with equal last terms the longer log is. A committed entry is on a majority and a winner needs the votes of a majority, so some voter holds the entry and refuses any candidate that lacks it: every leader holds every committed entry (Leader Completeness).",
            "Without it a candidate missing committed entries can win, and as leader it overwrites those entries on its followers, so a write the client was told is done disappears and servers that already applied it disagree with the rest (State Machine Safety).",
            Some(Fault::NoElectionRestriction),
        ),
        Rule::CurrentTermCommit => (
            "Current-term commit",
            "A leader commits by counting replicas only entries of its own term. Entries of earlier terms become committed indirectly, when an entry of the current term after them commits, because of the Log Matching Property.",
            "An older-term entry on a majority is not safe yet: Figure 8 of the paper shows how a server whose last entry has a newer term can still win an election without it and overwrite it. A leader that commits it by counting lets clients and state machines act on an entry that is then erased.",
            Some(Fault::CommitAnyTerm),
        ),
        Rule::StateMachine => (
            "Apply in order",
            "Whenever the commit index is beyond the last applied index, a server applies the next entry to its state machine: committed entries only, one at a time, in log order. Since committed entries never change (§5.4.3), no two servers ever apply different commands at the same index (State Machine Safety).",
            "Applying an entry that is not committed could show clients a result the cluster later erases, and applying out of order would let replicas that run the same commands reach different states.",
            None,
        ),
        Rule::Persistence => (
            "Persistent state",
            "A server's current term, its vote in that term and its log are written to stable storage before it answers any message, and a restarted server starts from them. Role, commit index, last applied index, the leader's next and match indexes and all timers are volatile and rebuilt after a restart.",
            "A server that forgot its vote in a crash could vote again in the same term for another candidate, so two leaders get a majority in one term; one that forgot entries it acknowledged could undo a commit.",
            Some(Fault::VolatileVote),
        ),
        Rule::JointConsensus => (
            "Joint consensus",
            "A change of configuration goes through a joint configuration C_old,new: while it is in effect, elections and commits need a majority of the old voters and, separately, a majority of the new ones. Once C_old,new is committed the leader appends C_new. Every server uses the latest configuration in its log, committed or not, and a leader that is not in C_new steps down once C_new is committed.",
            "Servers switch configurations at different moments, so switching straight from old to new (Figure 10 of the paper) can give a moment when a majority of the old voters and a majority of the new ones are disjoint and elect two leaders in the same term.",
            Some(Fault::NaiveMembership),
        ),
        Rule::SingleServerChange => (
            "Single-server change",
            "Adding or removing one voter at a time needs no joint phase, because every majority of the old configuration overlaps every majority of the new one. A leader starts a change only after the previous one is committed and, by Ongaro's 2015 correction to the thesis, only after it has committed an entry of its own term.",
            "Changing two voters at once can make a majority of the old configuration and a majority of the new one disjoint; and a new leader that starts a change before committing in its term can combine it with an uncommitted change of an earlier leader into two configurations without a common majority, losing committed entries.",
            None,
        ),
        Rule::Learners => (
            "Learners",
            "A new server first joins as a learner, a non-voting member: the leader replicates its log to it, but it counts for no majority and never campaigns. It is made a voter only once it has caught up with the leader's log.",
            "A server added as a voter with an empty log raises the quorum without helping to reach it: add one to a three-server cluster, lose one of the original three, and nothing can commit until the newcomer has copied the whole log.",
            None,
        ),
        Rule::Snapshot => (
            "Snapshots",
            "Each server on its own replaces the committed prefix of its log with a snapshot of its state machine, keeping the last included index and term (for the consistency check) and the latest configuration. When a follower needs entries the leader has already compacted away, the leader sends its snapshot with InstallSnapshot; the follower replaces its log with it, keeping any entries after it if they match.",
            "Without compaction the log grows without bound and a restart replays all of it; without InstallSnapshot a follower that fell behind the leader's snapshot could never catch up.",
            None,
        ),
        Rule::ReadIndex => (
            "ReadIndex",
            "A read need not go through the log, but the leader must know it still leads and what is committed. It records its commit index as the read index (once it has committed an entry of its term), confirms it still leads with a heartbeat round acknowledged by a majority, waits until its state machine has applied through the read index, and then answers.",
            "A leader that has been replaced without knowing it, say in a minority partition, would answer from its own state and miss writes the new leader has already committed: a stale read, which is not linearizable.",
            Some(Fault::StaleLocalRead),
        ),
        Rule::Lease => (
            "Leader lease",
            "Once a majority acknowledges a heartbeat round, the leader may answer reads from its own state, without another round, until a lease ends: measured on its own clock from when the round was sent, shorter than the minimum election timeout by a margin for clock drift. It is safe because followers that acknowledged it will not help elect another leader until a minimum election timeout has passed (thesis §4.2.3). A leadership transfer ends the lease.",
            "The lease trusts clocks: if a clock drifts further than the bound, followers can elect a new leader that commits writes while the old one still believes its lease runs, and the old leader serves stale reads. No teaching fault breaks it: letting clocks drift past the bound does.",
            None,
        ),
        Rule::PreVote => (
            "Pre-Vote",
            "Before incrementing its term, a would-be candidate asks the others whether they would vote for it: a voter says yes only if the candidate's log is at least as up to date as its own and it has not heard from a leader within the minimum election timeout. Only with a majority of such pre-votes does it start a real election.",
            "Without it a server cut off from the rest keeps timing out and raising its term; when it reconnects, its higher term makes the working leader step down, and an election follows that the rejoining server, with its old log, usually cannot win.",
            None,
        ),
        Rule::CheckQuorum => (
            "CheckQuorum",
            "A leader steps down if an election timeout passes without a successful round of heartbeats to a majority of its cluster, so clients retry with another server. In Raftlab it also makes followers keep their promise not to vote for a while after hearing from a leader, which lease reads rely on.",
            "Without it a leader cut off in a minority goes on believing it leads: requests sent to it wait forever, since it can commit nothing, while a new leader on the majority side could serve them.",
            None,
        ),
        Rule::LeaderStickiness => (
            "Leader stickiness",
            "In Raftlab this comes with CheckQuorum. A server that heard from a current leader less than a minimum election timeout ago neither adopts the term of a vote request nor grants its vote. Leadership transfer overrides this, because the leader itself asked for the election.",
            "Without it a server that no longer receives heartbeats, such as one removed from the configuration, times out again and again and sends vote requests with ever higher terms that depose a leader the rest of the cluster is happy with.",
            None,
        ),
        Rule::LeadershipTransfer => (
            "Leadership transfer",
            "To hand over, the leader stops accepting new client requests, brings the target's log up to date with its own, and sends it TimeoutNow; the target starts an election at once, as if its timer had fired, and with the newest log and a head start it almost always wins. If the hand-over does not finish within an election timeout, the leader gives up and takes requests again.",
            "Without it the only way to move leadership is to stop the leader, which leaves the cluster without one for an election timeout and lets any up-to-date server win rather than the chosen one.",
            None,
        ),
        Rule::NoopOnElection => (
            "No-op at the start of a term",
            "A new leader holds every committed entry but does not know which of its entries are committed, and it may only commit entries of its own term by counting. So it appends a blank no-op entry at the start of its term; once that commits, so does everything before it.",
            "Without it, entries left by earlier leaders stay uncommitted until some client happens to write, and the leader has no commit index it can trust to serve reads (ReadIndex waits for a commit in its term).",
            None,
        ),
        Rule::LeaderServesClients => (
            "Clients talk to the leader",
            "Clients send all their requests to the leader. A server that is not the leader refuses and names the most recent leader it has heard of, and the client retries there.",
            "A follower cannot commit anything on its own, and its state may be arbitrarily far behind: answering a read from it returns stale data, which is what the Any node, local read mode shows.",
            None,
        ),
        Rule::UnsafeRead => (
            "Unsafe read",
            "The client chose a read mode that trades safety for speed: Leader without check answers from the leader's state without confirming it still leads, and Any node, local answers from whatever the asked server has applied.",
            "A deposed leader or a lagging follower then returns a value older than a write that had already completed before the read began; the linearizability checker proves such a read stale and names the write it missed.",
            None,
        ),
        Rule::Fault(f) => {
            let (says, without_it) = fault_texts(f);
            (fault_title(f), says, without_it, Some(f))
        }
    };
    RuleExplanation {
        title,
        citation: rule.section(),
        says,
        without_it,
        broken_by,
    }
}

fn fault_title(fault: Fault) -> &'static str {
    match fault {
        Fault::FixedTimeouts => "Teaching fault fixed-timeouts",
        Fault::CommitAnyTerm => "Teaching fault commit-any-term",
        Fault::NoElectionRestriction => "Teaching fault no-election-restriction",
        Fault::NaiveMembership => "Teaching fault naive-membership",
        Fault::VolatileVote => "Teaching fault volatile-vote",
        Fault::StaleLocalRead => "Teaching fault stale-local-read",
    }
}

/// What a teaching fault does, and what goes wrong with it on.
fn fault_texts(fault: Fault) -> (&'static str, &'static str) {
    match fault {
        Fault::FixedTimeouts => (
            "Every node waits exactly the minimum election timeout instead of a random time in the range.",
            "Followers that last heard from the same leader time out almost together, each votes for itself and nobody gets a majority; since every candidate then waits the same time again, the split tends to repeat term after term and the cluster may never elect a leader (the fuzzer reports it as a liveness failure).",
        ),
        Fault::CommitAnyTerm => (
            "A leader commits an entry of an earlier term as soon as a majority stores it, counting replicas as it does for its own entries.",
            "This is Figure 8 of the paper: a server with a newer last term can still win an election without that entry and overwrite it, after some servers have applied it (State Machine Safety).",
        ),
        Fault::NoElectionRestriction => (
            "Voters grant their vote without comparing logs: any candidate that asks first in a new term gets it.",
            "A candidate that missed committed entries can become leader and truncate them from its followers' logs, so committed writes disappear (Leader Completeness, State Machine Safety).",
        ),
        Fault::NaiveMembership => (
            "A membership change that adds or removes several voters switches straight to the new configuration, without the joint phase.",
            "While some servers use the old configuration and others the new one, a majority of each can be disjoint, and both can elect a leader in the same term (Election Safety).",
        ),
        Fault::VolatileVote => (
            "A node's term and vote are not written to disk: after a restart it is back at the last term in its log with no vote.",
            "A node that voted, crashed and restarted can vote again in the same term for another candidate, so two candidates both reach a majority and two leaders share one term (Election Safety).",
        ),
        Fault::StaleLocalRead => (
            "A leader answers ReadIndex and Lease reads at once from its own state, without confirming with a heartbeat round or a lease that it still leads.",
            "A leader that has been replaced without knowing it, say in a minority partition, answers reads that miss writes the new leader already committed: the linearizability checker proves them stale.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sorted::SortedSet;

    fn every_rule() -> Vec<Rule> {
        let mut all = Rule::CORRECT.to_vec();
        all.extend(Fault::ALL.map(Rule::Fault));
        all
    }

    #[test]
    fn every_rule_has_its_own_paragraph_with_something_in_each_part() {
        let mut seen = SortedSet::new();
        for rule in every_rule() {
            let e = explain_rule(rule);
            for (part, text) in [
                ("title", e.title),
                ("says", e.says),
                ("without_it", e.without_it),
            ] {
                assert!(!text.trim().is_empty(), "{rule:?} has an empty {part}");
                assert!(
                    !text.contains("TODO") && !text.contains("TBD"),
                    "{rule:?}: {part} is a placeholder"
                );
            }
            assert!(
                e.says.ends_with('.') && e.without_it.ends_with('.'),
                "{rule:?}: whole sentences"
            );
            assert_ne!(e.says, e.without_it, "{rule:?}");
            assert!(
                seen.insert(e.paragraph()),
                "{rule:?} repeats another rule's paragraph"
            );
        }
        let says: SortedSet<&str> = every_rule().iter().map(|r| explain_rule(*r).says).collect();
        let without: SortedSet<&str> = every_rule()
            .iter()
            .map(|r| explain_rule(*r).without_it)
            .collect();
        assert_eq!(says.len(), every_rule().len(), "a shared 'says'");
        assert_eq!(without.len(), every_rule().len(), "a shared 'without it'");
    }

    #[test]
    fn the_citation_is_the_section_the_rule_prints_and_the_title_its_name() {
        for rule in every_rule() {
            let e = explain_rule(rule);
            assert_eq!(e.citation, rule.section(), "{rule:?}");
            assert!(
                rule.to_string().ends_with(&format!("({})", e.citation)),
                "{rule:?}: the event log prints {rule}"
            );
        }
        for rule in Rule::CORRECT {
            assert_eq!(
                explain_rule(rule).title.to_lowercase(),
                rule.name().to_lowercase(),
                "{rule:?}"
            );
        }
        for f in Fault::ALL {
            assert!(explain_rule(Rule::Fault(f)).title.ends_with(f.name()));
        }
    }

    /// The core says in words which rule each fault breaks
    /// ([`Fault::breaks`], ending with the rule's section): exactly one
    /// correct rule names each fault, and its section is among those.
    #[test]
    fn broken_by_agrees_with_the_rule_each_fault_breaks_in_the_core() {
        for f in Fault::ALL {
            let breakers: Vec<Rule> = Rule::CORRECT
                .into_iter()
                .filter(|r| explain_rule(*r).broken_by == Some(f))
                .collect();
            assert_eq!(breakers.len(), 1, "{f} breaks {breakers:?}");
            let rule = breakers[0];
            let cited = f
                .breaks()
                .rsplit_once('(')
                .map(|(_, s)| s.trim_end_matches(')'))
                .expect("breaks() ends with a citation");
            assert!(
                cited.split(", ").any(|s| s == rule.section()),
                "{f} breaks {:?}, but {rule:?} is {}",
                f.breaks(),
                rule.section()
            );
            assert_eq!(explain_rule(Rule::Fault(f)).broken_by, Some(f));
        }
        assert_eq!(explain_rule(Rule::UnsafeRead).broken_by, None);
    }

    #[test]
    fn a_paragraph_names_the_fault_that_breaks_the_rule_or_says_none_does() {
        let p = explain_rule(Rule::ElectionRestriction).paragraph();
        assert!(p.starts_with("A server refuses its vote"), "{p}");
        assert!(p.ends_with("The teaching fault no-election-restriction breaks this rule."));
        let p = explain_rule(Rule::PreVote).paragraph();
        assert!(p.ends_with("No teaching fault switches this rule off."));
        let p = explain_rule(Rule::Fault(Fault::CommitAnyTerm)).paragraph();
        assert!(p.contains("Figure 8"));
        assert!(p.ends_with(
            "The teaching fault commit-any-term switches off commit only current-term entries by counting (§5.4.2)."
        ));
    }
}
