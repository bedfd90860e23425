//! What a screen reader hears as the cluster changes: one short sentence per
//! key event ("N3 is leader for term 4", "N2 crashed"), read out of a polite
//! live region. Only changes a person watching the ring would notice are
//! said, so playback at speed does not flood the reader with heartbeats.

use crate::view::{Kind, NodeCard};

/// The key events between two pictures of the cluster, in node order: a new
/// leader (or a leader in a new term), a crash, a restart, and a node that
/// joined or left the configuration. Nodes present in only one picture (a
/// different cluster after a new session) say nothing.
pub fn announcements(before: &[NodeCard], after: &[NodeCard]) -> Vec<String> {
    let mut said = Vec::new();
    for now in after {
        let Some(was) = before.iter().find(|c| c.id == now.id) else {
            continue;
        };
        let id = now.id;
        if was.up && !now.up {
            said.push(format!("{id} crashed"));
            continue;
        }
        if !was.up && now.up {
            said.push(format!("{id} restarted"));
        }
        if now.kind == Kind::Leader && (was.kind != Kind::Leader || was.term != now.term) {
            said.push(format!("{id} is leader for term {}", now.term));
        }
        match (was.kind, now.kind) {
            (Kind::Outside, Kind::Learner) => said.push(format!("{id} joined as a learner")),
            (Kind::Outside | Kind::Learner, Kind::Follower | Kind::Leader) if was.up => {
                said.push(format!("{id} became a voter"))
            }
            (k, Kind::Outside) if k != Kind::Outside && k != Kind::Crashed => {
                said.push(format!("{id} left the cluster"))
            }
            (k, Kind::Removed) if k != Kind::Removed && k != Kind::Crashed => {
                said.push(format!("{id} was removed from the cluster"))
            }
            _ => {}
        }
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{leader_of, node_cards, settle};
    use crate::view::Recorder;

    fn timeline() -> Timeline<Recorder> {
        Timeline::fresh(WorldConfig::default(), 7, Recorder::new()).expect("valid config")
    }

    fn cards(t: &Timeline<Recorder>) -> Vec<NodeCard> {
        node_cards(t.world(), t.observer())
    }

    // Reference: §5.2 (a candidate that wins a majority becomes leader).
    #[test]
    fn the_first_leader_is_announced_with_its_term_and_heartbeats_say_nothing() {
        let mut t = timeline();
        let start = cards(&t);
        let leader = leader_of(&mut t);
        let elected = cards(&t);
        let term = elected.iter().find(|c| c.id == leader).unwrap().term;
        assert_eq!(
            announcements(&start, &elected),
            vec![format!("{leader} is leader for term {term}")]
        );
        settle(&mut t, 300);
        assert_eq!(announcements(&elected, &cards(&t)), Vec::<String>::new());
    }

    #[test]
    fn a_crash_and_a_restart_are_announced_and_a_new_leader_after_the_crash() {
        let mut t = timeline();
        let leader = leader_of(&mut t);
        let before = cards(&t);
        t.act(Action::Crash { node: leader });
        let crashed = cards(&t);
        assert_eq!(
            announcements(&before, &crashed),
            vec![format!("{leader} crashed")]
        );
        let successor = leader_of(&mut t);
        assert_ne!(successor, leader);
        let said = announcements(&crashed, &cards(&t));
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with(&format!("{successor} is leader for term ")),
            "{said:?}"
        );
        let before = cards(&t);
        t.act(Action::Restart { node: leader });
        assert_eq!(
            announcements(&before, &cards(&t)),
            vec![format!("{leader} restarted")]
        );
    }

    #[test]
    fn a_different_cluster_says_nothing() {
        let t = timeline();
        let mut other = cards(&t);
        for c in &mut other {
            c.id = crate::raft::NodeId(c.id.0 + 40);
            c.kind = Kind::Leader;
        }
        assert!(announcements(&cards(&t), &other).is_empty());
    }
}
