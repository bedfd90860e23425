//! Node cards: what the cluster drawing and the inspector say about each
//! node, computed from the world and the recorder.

use crate::raft::{Configuration, LogIndex, NodeId, Role, Term, Time};
use crate::sim::World;
use crate::view::history::recorder::Recorder;
use crate::view::screen::ballot::Ballot;

/// What a node is, as drawn: its Raft role, or where it stands outside one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A voter that follows.
    Follower,
    /// Asking for pre-votes (thesis §9.6).
    PreCandidate,
    /// Asking for votes.
    Candidate,
    /// Leading.
    Leader,
    /// Receiving the log without a vote (thesis §4.2.1).
    Learner,
    /// Running, but not a member of the cluster's configuration: a spare
    /// server that can be added.
    Outside,
    /// Running, and once a member, but the cluster's configuration no
    /// longer includes it (§6). It may not know yet: then it still times out
    /// and campaigns, and leader stickiness keeps anyone from listening.
    Removed,
    /// Crashed: only its disk (term, vote, log) survives.
    Crashed,
}

impl Kind {
    /// The word for it, also the CSS class suffix.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Follower => "follower",
            Kind::PreCandidate => "pre-candidate",
            Kind::Candidate => "candidate",
            Kind::Leader => "leader",
            Kind::Learner => "learner",
            Kind::Outside => "not a member",
            Kind::Removed => "removed",
            Kind::Crashed => "crashed",
        }
    }

    /// A class-safe name.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Outside => "outside",
            k => k.word(),
        }
    }

    /// The letter or sign drawn inside the node, so colour is never the only cue.
    pub fn letter(self) -> &'static str {
        match self {
            Kind::Follower => "F",
            Kind::PreCandidate => "P",
            Kind::Candidate => "C",
            Kind::Leader => "L",
            Kind::Learner => "Ln",
            Kind::Outside => "–",
            Kind::Removed => "R",
            Kind::Crashed => "✕",
        }
    }
}

/// Everything the screen shows about one node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    /// Its id.
    pub id: NodeId,
    /// Whether it runs.
    pub up: bool,
    /// What it is.
    pub kind: Kind,
    /// Its current term (persistent, so shown for a crashed node too).
    pub term: Term,
    /// Whom it voted for in that term (persistent).
    pub voted_for: Option<NodeId>,
    /// While a (pre-)candidate: the votes received, itself included,
    /// counted by its own configuration (by both majorities during joint
    /// consensus).
    pub votes: Option<Ballot>,
    /// The last log index (persistent).
    pub last_index: LogIndex,
    /// Its commit index (volatile: as it was when it crashed, for a crashed node).
    pub commit_index: LogIndex,
    /// Its clock's drift, ppm.
    pub drift_ppm: i64,
    /// For a leader cut off in an older term: the leader of the newest term.
    /// It still acts as leader (it has not heard of the newer term) but can
    /// commit nothing.
    pub deposed_by: Option<NodeId>,
}

/// The rings drawn around a node: unlike the card, they change with every
/// tick of the clock, so they are kept apart and a moving ring redraws only
/// itself.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeRings {
    /// The share of its election timeout still to run, 0 to 1; `None` when
    /// no election timer runs (a leader, a crashed node, a spare).
    pub timer: Option<f64>,
    /// On a leader, the share of its lease still to run, 0 to 1.
    pub lease: Option<f64>,
}

impl NodeCard {
    /// The node in words: its accessible name, starting with its id.
    pub fn describe(&self) -> String {
        let vote = match self.voted_for {
            Some(v) => format!("voted for {v}"),
            None => "no vote".to_string(),
        };
        let deposed = self
            .deposed_by
            .map(|by| format!(" (deposed: {by} leads a newer term)"))
            .unwrap_or_default();
        let mut s = format!(
            "{}: {}{deposed}, term {}, {vote}",
            self.id,
            self.kind.word(),
            self.term
        );
        if let Some(ballot) = &self.votes {
            if self.kind == Kind::Removed {
                s.push_str(", still campaigning: it has not learned of its removal");
            }
            let from: Vec<String> = ballot.from.iter().map(|n| n.to_string()).collect();
            s.push_str(&format!(
                ", votes from {} ({})",
                from.join(" "),
                ballot.needed_words()
            ));
        }
        s.push_str(&format!(
            ", log up to {}, committed up to {}",
            self.last_index, self.commit_index
        ));
        s
    }

    /// The vote line drawn beside the node.
    pub fn vote_line(&self) -> String {
        match self.voted_for {
            Some(v) => format!("vote {v}"),
            None => "no vote".to_string(),
        }
    }
}

/// The configuration the cluster runs under: the leader's, or with no
/// leader, the newest one any running node holds (the crashed nodes' too if
/// none runs).
pub fn cluster_configuration(world: &World) -> Configuration {
    if let Some(l) = world.leader() {
        return world.node(l).membership().clone();
    }
    let ids = world.node_ids();
    let newest = |up_only: bool| {
        ids.iter()
            .filter(|id| !up_only || world.is_up(**id))
            .map(|id| world.node(*id))
            .filter(|n| !n.membership().voters.is_empty())
            .max_by_key(|n| (n.membership_index(), n.term()))
            .map(|n| n.membership().clone())
    };
    newest(true).or_else(|| newest(false)).unwrap_or_default()
}

/// The share of `total` that is left between `now` and `deadline`, 0 to 1.
fn share_left(now: Time, deadline: Time, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (deadline.since(now) as f64 / total as f64).clamp(0.0, 1.0)
}

/// The card and the rings of every node, in id order.
pub fn cards_and_rings(world: &World, recorder: &Recorder) -> (Vec<NodeCard>, Vec<NodeRings>) {
    let config = cluster_configuration(world);
    let (mut cards, rings): (Vec<NodeCard>, Vec<NodeRings>) = world
        .node_ids()
        .into_iter()
        .map(|id| node_card(world, recorder, &config, id))
        .unzip();
    mark_deposed(&mut cards);
    (cards, rings)
}

/// Marks every leader of an older term than the newest leader's as deposed
/// by it: two green "L"s must not look alike when only one can commit.
fn mark_deposed(cards: &mut [NodeCard]) {
    let newest = cards
        .iter()
        .filter(|c| c.kind == Kind::Leader)
        .max_by_key(|c| (c.term, std::cmp::Reverse(c.id)))
        .map(|c| (c.id, c.term));
    let Some((by, term)) = newest else { return };
    for c in cards.iter_mut() {
        if c.kind == Kind::Leader && c.term < term {
            c.deposed_by = Some(by);
        }
    }
}

fn node_card(
    world: &World,
    recorder: &Recorder,
    config: &Configuration,
    id: NodeId,
) -> (NodeCard, NodeRings) {
    let node = world.node(id);
    let up = world.is_up(id);
    let role = node.role();
    // A removed server is drawn as removed by the cluster's configuration:
    // it may not know yet. Otherwise each node is drawn by its own
    // configuration, the one it acts on: a node the leader has promoted is
    // a learner until the entry reaches it, and a node that took part in
    // joint consensus is a voter whatever an older leader's log says.
    let own = node.membership();
    let kind = if !up {
        Kind::Crashed
    } else if !config.is_member(id) && was_member(node) {
        Kind::Removed
    } else {
        match role {
            Role::Leader => Kind::Leader,
            Role::Candidate => Kind::Candidate,
            Role::PreCandidate => Kind::PreCandidate,
            Role::Follower if own.is_voter(id) => Kind::Follower,
            Role::Follower if own.is_learner(id) => Kind::Learner,
            Role::Follower => Kind::Outside,
        }
    };
    let local_now = world
        .clock(id)
        .map_or(world.now(), |c| c.local(world.now()));
    let settings = node.config();
    let deadline = node.election_deadline();
    let campaigns = match kind {
        Kind::Leader | Kind::Outside => false,
        Kind::Removed => node.is_promotable(),
        _ => true,
    };
    let timer = (up && deadline != Time::NEVER && campaigns).then(|| {
        let total = recorder
            .timer_set_at(id, deadline)
            .map_or(settings.election_timeout_max_us, |set| deadline.since(set));
        share_left(local_now, deadline, total)
    });
    let lease = (up && kind == Kind::Leader && node.lease_until() > local_now)
        .then(|| share_left(local_now, node.lease_until(), settings.lease_duration_us));
    let votes = match role {
        Role::Candidate if up => Some(recorder.votes(id, node.term(), false)),
        Role::PreCandidate if up => Some(recorder.votes(id, node.term() + 1, true)),
        _ => None,
    }
    .map(|from| Ballot::count(from, node.membership()));
    let card = NodeCard {
        id,
        up,
        kind,
        term: node.term(),
        voted_for: node.voted_for(),
        votes,
        last_index: node.last_index(),
        commit_index: node.commit_index(),
        drift_ppm: world.clock(id).map_or(0, |c| c.drift_ppm()),
        deposed_by: None,
    };
    (card, NodeRings { timer, lease })
}

/// Whether `node`'s own log says it was a member: its latest configuration
/// includes it (it has not learned of its removal), or the one before does
/// (the latest is the one that removed it). A spare that was never added
/// holds neither.
fn was_member(node: &crate::raft::Node) -> bool {
    let id = node.id();
    node.membership().is_member(id)
        || node
            .log()
            .config_at(node.membership_index().saturating_sub(1))
            .1
            .is_member(id)
}

/// Who leads, in one line under the cluster: "Leader: N2 (term 3)". A
/// leader cut off in an older term does not know it was replaced, and the
/// line says it still leads that term; two leaders of one term (only a
/// teaching fault can make them) are named together.
pub fn leader_line(cards: &[NodeCard]) -> String {
    let mut leaders: Vec<&NodeCard> = cards.iter().filter(|c| c.kind == Kind::Leader).collect();
    crate::sorting::sort_by_key(&mut leaders, |c| (std::cmp::Reverse(c.term), c.id));
    let Some(newest) = leaders.first().map(|c| c.term) else {
        return "No leader".to_string();
    };
    let (current, older): (Vec<&NodeCard>, Vec<&NodeCard>) =
        leaders.iter().partition(|c| c.term == newest);
    let mut line = match current.as_slice() {
        [one] => format!("Leader: {} (term {newest})", one.id),
        many => format!(
            "{} leaders of term {newest}: {}",
            count_words(many.len()),
            and_list(many.iter().map(|c| c.id.to_string()))
        ),
    };
    for stale in older {
        line.push_str(&format!("; {} still leads term {}", stale.id, stale.term));
    }
    line
}

fn count_words(n: usize) -> String {
    match n {
        2 => "Two".to_string(),
        3 => "Three".to_string(),
        n => n.to_string(),
    }
}

/// "N1", "N1 and N2", "N1, N2 and N3".
pub fn and_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{leader_of, node_cards};

    fn timeline(nodes: u8, voters: u8) -> Timeline<Recorder> {
        let config = WorldConfig {
            nodes,
            voters,
            ..WorldConfig::default()
        };
        Timeline::fresh(config, 7, Recorder::new()).expect("valid config")
    }

    #[test]
    fn a_crashed_node_keeps_showing_its_persistent_term_vote_and_log() {
        let mut t = timeline(5, 5);
        let leader = leader_of(&mut t);
        let before = node_cards(t.world(), t.observer());
        let card = before.iter().find(|c| c.id == leader).unwrap().clone();
        t.act(Action::Crash { node: leader });
        let after = node_cards(t.world(), t.observer());
        let crashed = after.iter().find(|c| c.id == leader).unwrap();
        assert_eq!(crashed.kind, Kind::Crashed);
        assert!(!crashed.up);
        assert_eq!(crashed.term, card.term);
        assert_eq!(crashed.voted_for, card.voted_for);
        assert_eq!(crashed.last_index, card.last_index);
        assert!(crashed.last_index > 0, "the leader had logged its no-op");
        let (_, rings) = cards_and_rings(t.world(), t.observer());
        let i = after.iter().position(|c| c.id == leader).unwrap();
        assert_eq!(rings[i].timer, None, "a crashed node runs no timer");
        assert!(crashed
            .describe()
            .starts_with(&format!("{leader}: crashed, term {}", card.term)));
    }

    #[test]
    fn a_leader_shows_its_lease_and_followers_their_election_timer() {
        // Leases need CheckQuorum (thesis §6.4).
        let config = WorldConfig {
            nodes: 3,
            voters: 3,
            raft: crate::raft::Config {
                check_quorum: true,
                ..crate::raft::Config::default()
            },
            ..WorldConfig::default()
        };
        let mut t = Timeline::fresh(config, 7, Recorder::new()).expect("valid config");
        let leader = leader_of(&mut t);
        let (cards, rings) = cards_and_rings(t.world(), t.observer());
        for (c, r) in cards.iter().zip(&rings) {
            if c.id == leader {
                assert_eq!(c.kind, Kind::Leader);
                assert_eq!(r.timer, None);
            } else {
                assert_eq!(c.kind, Kind::Follower);
                let left = r.timer.expect("a follower's election timer runs");
                assert!((0.0..=1.0).contains(&left));
            }
        }
        // A quorum acknowledged its heartbeats: it holds a lease, running out.
        let at = cards.iter().position(|c| c.id == leader).unwrap();
        let lease = rings[at].lease;
        assert!(lease.is_some_and(|l| l > 0.0 && l <= 1.0), "{lease:?}");
        // Time passing moves the rings, not the cards.
        let later = t.world().now().plus(1_000);
        t.run_until(later);
        let (cards_later, rings_later) = cards_and_rings(t.world(), t.observer());
        assert_eq!(t.world().leader(), Some(leader));
        assert_eq!(cards_later, cards, "nothing discrete changed in 1 ms");
        assert_ne!(rings_later, rings, "the rings ran down");
        // After a crash, no lease and no timer.
        t.act(Action::Crash { node: leader });
        let (_, rings) = cards_and_rings(t.world(), t.observer());
        assert_eq!(rings[at], NodeRings::default());
    }

    #[test]
    fn a_candidate_counts_a_vote_when_the_grant_arrives_not_when_it_is_sent() {
        use crate::raft::{Event, MessageKind};
        use crate::sim::What;
        let mut t = timeline(5, 5);
        let (mut granted_seen, mut delivered_seen) = (false, false);
        for _ in 0..100_000 {
            let record = t.step().expect("the world keeps running");
            let cards = node_cards(t.world(), t.observer());
            let card = |id: NodeId| cards.iter().find(|c| c.id == id).unwrap();
            for (voter, e) in &record.events {
                if let Event::VoteGranted {
                    candidate,
                    pre_vote: false,
                    ..
                } = e
                {
                    let c = card(*candidate);
                    if c.kind == Kind::Candidate {
                        let votes = c.votes.clone().unwrap().from;
                        assert!(!votes.contains(voter), "{voter}'s vote is still on its way");
                        assert!(votes.contains(candidate), "a candidate votes for itself");
                        granted_seen = true;
                    }
                }
            }
            if let What::Delivered {
                from,
                to,
                kind: MessageKind::VoteResponse,
                ..
            } = record.what
            {
                let c = card(to);
                if c.kind == Kind::Candidate && t.world().node(from).voted_for() == Some(to) {
                    let ballot = c.votes.clone().unwrap();
                    assert!(ballot.from.contains(&from), "{from}'s grant has arrived");
                    assert!(!ballot.won(), "with a quorum it would lead");
                    delivered_seen = true;
                }
            }
            if granted_seen && delivered_seen {
                return;
            }
        }
        panic!(
            "no contested election was seen (granted {granted_seen}, delivered {delivered_seen})"
        );
    }

    #[test]
    fn a_spare_server_is_outside_the_cluster_and_never_campaigns() {
        let mut t = timeline(4, 3);
        leader_of(&mut t);
        let (cards, rings) = cards_and_rings(t.world(), t.observer());
        let at = cards.iter().position(|c| c.id == NodeId(4)).unwrap();
        assert_eq!(cards[at].kind, Kind::Outside);
        assert_eq!(rings[at].timer, None);
        assert_eq!(cluster_configuration(t.world()).voters.len(), 3);
    }

    #[test]
    fn a_removed_server_is_drawn_as_removed_whether_or_not_it_knows() {
        // Reference: §6. Removed while connected: it learns with the commit
        // and stops its timer. Removed while cut off: it does not know, and
        // campaigns; the card says both.
        use crate::raft::ConfChange;
        for cut_off in [false, true] {
            let mut t = timeline(5, 5);
            let leader = leader_of(&mut t);
            let gone = [NodeId(3), NodeId(2)]
                .into_iter()
                .find(|id| *id != leader)
                .unwrap();
            if cut_off {
                t.act(Action::Isolate { node: gone });
            }
            t.act(Action::ChangeMembership {
                change: ConfChange::Remove(gone),
            });
            t.run_until(t.world().now().plus(600_000));
            t.act(Action::Heal);
            t.run_until(t.world().now().plus(1_000_000));
            let (cards, rings) = cards_and_rings(t.world(), t.observer());
            let at = cards.iter().position(|c| c.id == gone).unwrap();
            assert_eq!(cards[at].kind, Kind::Removed, "cut off: {cut_off}");
            let said = cards[at].describe();
            assert!(
                said.starts_with(&format!("{gone}: removed, term")),
                "{said}"
            );
            let campaigning = t.world().node(gone).role() != crate::raft::Role::Follower;
            assert_eq!(campaigning, cut_off, "{said}");
            assert_eq!(said.contains("still campaigning"), campaigning, "{said}");
            assert_eq!(
                rings[at].timer.is_some(),
                cut_off,
                "a timer only while it may campaign"
            );
            assert_eq!(
                cards.iter().filter(|c| c.kind == Kind::Leader).count(),
                1,
                "the others keep their leader"
            );
        }
    }

    fn card(id: u8, kind: Kind, term: Term) -> NodeCard {
        NodeCard {
            id: NodeId(id),
            up: kind != Kind::Crashed,
            kind,
            term,
            voted_for: None,
            votes: None,
            last_index: 0,
            commit_index: 0,
            drift_ppm: 0,
            deposed_by: None,
        }
    }

    #[test]
    fn a_leader_of_an_older_term_is_marked_deposed_by_the_newest_one() {
        use Kind::{Follower, Leader};
        let mut cards = vec![card(1, Leader, 1), card(2, Leader, 3), card(3, Follower, 3)];
        mark_deposed(&mut cards);
        assert_eq!(cards[0].deposed_by, Some(NodeId(2)));
        assert_eq!(cards[1].deposed_by, None);
        assert!(cards[0]
            .describe()
            .starts_with("N1: leader (deposed: N2 leads a newer term), term 1"));
        // Two leaders of one term (a teaching fault): neither deposes the other.
        let mut same = vec![card(1, Leader, 2), card(2, Leader, 2)];
        mark_deposed(&mut same);
        assert!(same.iter().all(|c| c.deposed_by.is_none()));
    }

    #[test]
    fn the_leader_line_names_the_leader_a_stale_one_and_two_of_one_term() {
        use Kind::{Crashed, Follower, Leader};
        let line = leader_line;
        assert_eq!(
            line(&[card(1, Follower, 2), card(2, Crashed, 2)]),
            "No leader"
        );
        assert_eq!(
            line(&[
                card(1, Follower, 3),
                card(2, Leader, 3),
                card(3, Follower, 3)
            ]),
            "Leader: N2 (term 3)"
        );
        // A leader cut off in the minority, replaced in a later term.
        assert_eq!(
            line(&[card(1, Leader, 1), card(2, Follower, 2), card(3, Leader, 2)]),
            "Leader: N3 (term 2); N1 still leads term 1"
        );
        // Election Safety broken (a teaching fault).
        assert_eq!(
            line(&[card(2, Leader, 2), card(1, Leader, 2), card(3, Follower, 2)]),
            "Two leaders of term 2: N1 and N2"
        );
        assert_eq!(
            line(&[
                card(1, Leader, 4),
                card(2, Leader, 4),
                card(3, Leader, 4),
                card(4, Leader, 1)
            ]),
            "Three leaders of term 4: N1, N2 and N3; N4 still leads term 1"
        );
    }

    #[test]
    fn the_leader_line_of_a_real_run_follows_an_election() {
        let mut t = timeline(5, 5);
        assert_eq!(
            leader_line(&node_cards(t.world(), t.observer())),
            "No leader"
        );
        let leader = leader_of(&mut t);
        let term = t.world().max_term();
        assert_eq!(
            leader_line(&node_cards(t.world(), t.observer())),
            format!("Leader: {leader} (term {term})")
        );
    }

    #[test]
    fn under_joint_consensus_each_node_is_drawn_by_its_own_configuration() {
        // Reference: §6. Lesson 8, caption 5: N4 campaigned with the votes
        // of N2, N4 and N5 under C_old,new while N1 or N3 won term 3 under
        // C_old, whose log still has N4 and N5 as learners.
        let lesson = crate::scenario::lessons::joint_consensus();
        let stops = lesson.stops().unwrap();
        let mut t = Timeline::new(lesson.session.clone(), Recorder::new()).unwrap();
        t.seek(stops[4].step);
        let cards = node_cards(t.world(), t.observer());
        let card = |n: u8| cards.iter().find(|c| c.id == NodeId(n)).unwrap();
        assert_eq!(
            card(5).kind,
            Kind::Follower,
            "N5 holds C_old,new, where it votes"
        );
        let n4 = card(4);
        assert_eq!(n4.kind, Kind::Candidate);
        let ballot = n4.votes.as_ref().expect("a candidate's votes");
        assert_eq!(
            ballot.tallies.len(),
            2,
            "one majority of C_old and one of C_new"
        );
        assert!(!ballot.won(), "{}", ballot.short());
        assert!(
            ballot.short().starts_with("old 1/2 · new "),
            "{}",
            ballot.short()
        );
    }
}
