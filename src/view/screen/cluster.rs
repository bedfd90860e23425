//! The cluster as a whole: its configuration in the paper's terms, and the
//! broken property (if any) with what it involves.

use crate::check::Violation;
use crate::raft::{LogIndex, NodeId, Term};
use crate::sim::World;
use crate::sorted::SortedSet;
use crate::view::history::recorder::Recorder;
use crate::view::screen::nodes::cluster_configuration;
use crate::view::text::words::capitalised;

fn names(set: &SortedSet<NodeId>) -> String {
    if set.is_empty() {
        return "none".to_string();
    }
    set.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The configuration the cluster runs under, in the paper's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigurationView {
    /// `C_old,new` during joint consensus; `C_new` while a new configuration
    /// is not yet committed; otherwise `Configuration` (committed: after a
    /// change it is the new one, so not "C_old").
    pub phase: &'static str,
    /// The configuration in words.
    pub text: String,
    /// Voters (both halves during joint consensus).
    pub voters: SortedSet<NodeId>,
    /// Learners.
    pub learners: SortedSet<NodeId>,
    /// During joint consensus: the voters of C_old and of C_new (empty
    /// otherwise), so each node can say which quorums it counts in.
    pub halves: Option<(SortedSet<NodeId>, SortedSet<NodeId>)>,
}

impl ConfigurationView {
    /// During joint consensus, which quorums `node` counts in, short enough
    /// for the line under it: `C_old+C_new`, `C_new only`, `C_old only`.
    pub fn quorum_tag(&self, node: NodeId) -> Option<&'static str> {
        let (old, new) = self.halves.as_ref()?;
        match (old.contains(&node), new.contains(&node)) {
            (true, true) => Some("C_old+C_new"),
            (false, true) => Some("C_new only"),
            (true, false) => Some("C_old only"),
            (false, false) => None,
        }
    }

    /// During joint consensus, the two majorities a decision needs, in words.
    pub fn quorums_line(&self) -> Option<String> {
        let (old, new) = self.halves.as_ref()?;
        Some(format!(
            "Joint consensus: a decision needs {} of C_old ({}) and {} of C_new ({})",
            old.len() / 2 + 1,
            names(old),
            new.len() / 2 + 1,
            names(new)
        ))
    }

    /// The first of `nodes` that is neither a voter nor a learner: the one
    /// "Add a node" brings in.
    pub fn spare(&self, nodes: &[NodeId]) -> Option<NodeId> {
        nodes
            .iter()
            .copied()
            .find(|n| !self.voters.contains(n) && !self.learners.contains(n))
    }

    /// The learners that stay learners when `voters` become the voters: a
    /// learner chosen as a voter is promoted, the others keep learning.
    pub fn learners_besides(&self, voters: &SortedSet<NodeId>) -> SortedSet<NodeId> {
        self.learners.difference(voters).copied().collect()
    }
}

/// The cluster's configuration as shown.
pub fn configuration(world: &World) -> ConfigurationView {
    let c = cluster_configuration(world);
    let committed = world
        .leader()
        .map(|l| {
            let n = world.node(l);
            n.membership_index() <= n.commit_index()
        })
        .unwrap_or(true);
    let mut learners = format!("; learners: {}", names(&c.learners));
    if !c.promoting.is_empty() {
        // An accepted request to add a voter, kept in the configuration
        // itself, so it survives a change of leader.
        learners.push_str(&format!(
            " ({} to become voter once caught up)",
            names(&c.promoting)
        ));
    }
    let (phase, text) = if c.is_joint() {
        (
            "C_old,new",
            format!(
                "joint consensus: C_old voters {} and C_new voters {}; decisions need a majority of each{learners}",
                names(&c.outgoing),
                names(&c.voters)
            ),
        )
    } else if !committed {
        (
            "C_new",
            format!("not yet committed: voters {}{learners}", names(&c.voters)),
        )
    } else {
        (
            "Configuration",
            format!("committed: voters {}{learners}", names(&c.voters)),
        )
    };
    let mut voters = c.voters.clone();
    voters.extend(c.outgoing.iter().copied());
    let learners = c
        .learners
        .iter()
        .copied()
        .filter(|l| !voters.contains(l))
        .collect();
    let halves = c.is_joint().then(|| (c.outgoing.clone(), c.voters.clone()));
    ConfigurationView {
        phase,
        text,
        voters,
        learners,
        halves,
    }
}

/// A broken property as the alert shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationView {
    /// The property, in words (`Election Safety`).
    pub property: String,
    /// The whole alert text.
    pub text: String,
    /// The text after the property: when, where and what happened.
    pub detail: String,
    /// The nodes to highlight: those of every broken property.
    pub nodes: Vec<NodeId>,
    /// Other properties broken since, one line each (one per property).
    pub also: Vec<String>,
    /// The log position to highlight, if any.
    pub index: Option<LogIndex>,
    /// The term involved, if any.
    pub term: Option<Term>,
}

/// The broken property that heads the alert, if any, with the other
/// properties broken so far. The headline is the gravest: Figure 3's
/// properties (Election Safety first) before monotonic terms and commit
/// indexes, then linearizability and liveness; among breaks of one
/// property, the earliest. So when a restart makes a term go down and,
/// later, two leaders share a term (a vote kept only in memory), the alert
/// leads with Election Safety, the point of that run, once it breaks.
pub fn violation(recorder: &Recorder) -> Option<ViolationView> {
    let all = recorder.violations();
    let first = *all.iter().min_by_key(|v| (v.kind, v.step))?;
    let mut view = violation_view(first);
    let mut seen = vec![first.kind];
    for v in all.iter().filter(|v| !std::ptr::eq(**v, first)) {
        for n in &v.nodes {
            if !view.nodes.contains(n) {
                view.nodes.push(*n);
            }
        }
        if !seen.contains(&v.kind) {
            seen.push(v.kind);
            view.also.push(violation_view(v).text);
        }
    }
    Some(view)
}

fn violation_view(v: &Violation) -> ViolationView {
    let mut place = Vec::new();
    if !v.nodes.is_empty() {
        let n: SortedSet<NodeId> = v.nodes.iter().copied().collect();
        place.push(format!("nodes {}", names(&n)));
    }
    if let Some(i) = v.index {
        place.push(format!("index {i}"));
    }
    if let Some(t) = v.term {
        place.push(format!("term {t}"));
    }
    let place = if place.is_empty() {
        String::new()
    } else {
        format!(" ({})", place.join(", "))
    };
    // The checker's sentence ends by naming the property, which the alert
    // already does in its first words.
    let named = format!(" ({})", v.kind.name());
    let sentence = v.sentence.strip_suffix(&named).unwrap_or(&v.sentence);
    let property = capitalised(v.kind.name());
    let detail = format!("at {}, step {}{place}: {sentence}", v.time, v.step);
    ViolationView {
        text: format!("{property} broken {detail}"),
        detail,
        property,
        nodes: v.nodes.clone(),
        also: Vec::new(),
        index: v.index,
        term: v.term,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ConfChange, Config, Fault, Faults};
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::settle;

    #[test]
    fn the_spare_node_and_the_learners_left_come_from_the_configuration() {
        let ids = |ns: &[u8]| ns.iter().copied().map(NodeId).collect::<SortedSet<_>>();
        let c = ConfigurationView {
            phase: "Configuration",
            text: String::new(),
            voters: ids(&[1, 2, 3]),
            learners: ids(&[4, 5]),
            halves: None,
        };
        let all: Vec<NodeId> = (1..=7).map(NodeId).collect();
        assert_eq!(c.spare(&all), Some(NodeId(6)));
        assert_eq!(c.spare(&all[..5]), None);
        assert_eq!(c.learners_besides(&ids(&[1, 2, 4])), ids(&[5]));
    }

    #[test]
    fn adding_a_node_shows_it_as_a_learner_then_as_a_voter() {
        let config = WorldConfig {
            nodes: 4,
            voters: 3,
            ..WorldConfig::default()
        };
        let mut t = Timeline::fresh(config, 9, Recorder::new()).unwrap();
        settle(&mut t, 1_000);
        let before = configuration(t.world());
        assert_eq!(before.phase, "Configuration");
        assert_eq!(before.voters.len(), 3);
        assert!(!before.voters.contains(&NodeId(4)));
        t.act(Action::ChangeMembership {
            change: ConfChange::AddVoter(NodeId(4)),
        });
        let mut was_learner = false;
        for _ in 0..400 {
            settle(&mut t, 5);
            let c = configuration(t.world());
            was_learner |= c.learners.contains(&NodeId(4))
                && c.text
                    .contains("learners: N4 (N4 to become voter once caught up)");
            if c.voters.contains(&NodeId(4)) {
                assert!(was_learner, "N4 joined as a learner first");
                return;
            }
        }
        panic!("N4 was never promoted: {}", configuration(t.world()).text);
    }

    #[test]
    fn a_joint_change_is_shown_as_c_old_new_with_both_halves() {
        let mut t = Timeline::fresh(
            WorldConfig {
                nodes: 5,
                voters: 3,
                ..WorldConfig::default()
            },
            4,
            Recorder::new(),
        )
        .unwrap();
        settle(&mut t, 1_000);
        let voters: SortedSet<NodeId> = [1, 4, 5].into_iter().map(NodeId).collect();
        // Bring N4 and N5 in as learners first so they can vote (catch-up rule).
        for n in [4, 5] {
            t.act(Action::ChangeMembership {
                change: ConfChange::AddLearner(NodeId(n)),
            });
            settle(&mut t, 300);
        }
        t.act(Action::ChangeMembership {
            change: ConfChange::Joint {
                voters: voters.clone(),
                learners: SortedSet::new(),
            },
        });
        let mut seen_joint = false;
        for _ in 0..400 {
            let c = configuration(t.world());
            if c.phase == "C_old,new" {
                assert!(c.text.contains("C_old voters N1, N2, N3"), "{}", c.text);
                assert!(c.text.contains("C_new voters N1, N4, N5"), "{}", c.text);
                // Each node says which majorities it counts in.
                assert_eq!(c.quorum_tag(NodeId(1)), Some("C_old+C_new"));
                assert_eq!(c.quorum_tag(NodeId(2)), Some("C_old only"));
                assert_eq!(c.quorum_tag(NodeId(4)), Some("C_new only"));
                assert_eq!(
                    c.quorums_line().as_deref(),
                    Some("Joint consensus: a decision needs 2 of C_old (N1, N2, N3) and 2 of C_new (N1, N4, N5)")
                );
                seen_joint = true;
            }
            if seen_joint && c.phase == "Configuration" {
                assert_eq!(c.voters, voters);
                assert_eq!(
                    c.quorum_tag(NodeId(1)),
                    None,
                    "no halves outside joint consensus"
                );
                return;
            }
            settle(&mut t, 2);
        }
        panic!(
            "joint phase seen: {seen_joint}; now {}",
            configuration(t.world()).text
        );
    }

    #[test]
    fn a_broken_rule_is_named_in_words_with_its_nodes() {
        // volatile-vote: a restarted node forgets its vote and can vote twice.
        // Search a few seeds for the classic double vote.
        for seed in 0..40 {
            let raft = Config {
                faults: Faults::only(Fault::VolatileVote),
                ..Config::default()
            };
            let mut t = Timeline::fresh(
                WorldConfig {
                    nodes: 3,
                    voters: 3,
                    raft,
                    ..WorldConfig::default()
                },
                seed,
                Recorder::new(),
            )
            .unwrap();
            for round in 0..30u8 {
                settle(&mut t, 170);
                let n = crate::raft::NodeId(round % 3 + 1);
                if t.world().is_up(n) {
                    t.act(Action::Crash { node: n });
                }
                settle(&mut t, 20);
                let _ = t.act(Action::Restart { node: n });
                if let Some(v) = violation(t.observer()) {
                    assert!(!v.property.is_empty());
                    assert!(v.text.starts_with(&format!("{} broken at", v.property)));
                    assert_eq!(
                        v.text.matches(&v.property).count(),
                        1,
                        "named once: {}",
                        v.text
                    );
                    assert!(!v.nodes.is_empty());
                    for n in &v.nodes {
                        assert!(v.text.contains(&n.to_string()));
                    }
                    return;
                }
            }
        }
        panic!("no violation found with volatile-vote");
    }

    #[test]
    fn the_alert_leads_with_election_safety_over_an_earlier_falling_term() {
        // Reference: Figure 3. Lesson 12's run: a restart forgets a vote
        // (and the term falls), then two leaders share a term.
        let t = crate::view::testing::two_leaders_in_one_term();
        let all = t.observer().violations();
        let step_of =
            |k: crate::check::ViolationKind| all.iter().find(|v| v.kind == k).map(|v| v.step);
        let fell = step_of(crate::check::ViolationKind::TermDecreased).expect("the term fell");
        let two = step_of(crate::check::ViolationKind::ElectionSafety).expect("two leaders");
        assert!(fell < two, "the term fell first, at step {fell}");
        let alert = violation(t.observer()).unwrap();
        assert_eq!(alert.property, "Election Safety");
        assert_eq!(alert.also.len(), 1, "{:?}", alert.also);
        let (a, b, c) = (NodeId(1), NodeId(2), NodeId(3));
        assert!(alert.nodes.contains(&a) && alert.nodes.contains(&b) && alert.nodes.contains(&c));
        assert!(
            alert
                .also
                .iter()
                .any(|a| a.starts_with("Monotonic terms broken")),
            "{:?}",
            alert.also
        );
    }
}
