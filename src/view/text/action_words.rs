//! What an action did, in a sentence for the status line under the control
//! that asked for it, once the world has carried it out. (Its `Display`
//! says what was asked, in the event log's terse words: "crash N3".)

use crate::raft::ConfChange;
use crate::sim::Action;
use crate::view::{groups_text, mode_words};

/// What `action` did, once carried out.
pub fn done_words(action: &Action) -> String {
    match action {
        Action::Crash { node } => format!("{node} crashed"),
        Action::Restart { node } => format!("{node} restarted from its disk"),
        Action::RestartBlank { node } => format!("{node} restarted with an empty disk"),
        Action::ForceTimeout { node } => format!("{node}'s election timer fired"),
        Action::Isolate { node } => format!("{node} is cut off from every other node"),
        Action::Partition { groups } => format!("Split into {}", groups_text(groups)),
        Action::CutLink { from, to } => format!("Messages from {from} to {to} are lost"),
        Action::RestoreLink { from, to } => format!("Messages from {from} to {to} arrive again"),
        Action::Heal => "Every link is restored".to_string(),
        Action::SetLinkLatency { from, to, .. } => {
            format!("The latency from {from} to {to} changed")
        }
        Action::SetNetwork(_) => "Network settings changed".to_string(),
        Action::DropMessage { .. } => "Dropped: it will never arrive".to_string(),
        Action::SetClockDrift { node, drift_ppm } => {
            format!("{node}'s clock now drifts {drift_ppm} ppm")
        }
        Action::Write { node, op } => format!("Sent {op} to {node}: see Client results"),
        Action::Read { node, key, mode } => format!(
            "Reading {key} from {node} ({}): see Client results",
            mode_words(*mode)
        ),
        Action::ChangeMembership { change } => membership_words(change),
        Action::TransferLeadership { target } => format!("The leader is handing over to {target}"),
        Action::SetRaftConfig(_) => "The nodes' settings changed".to_string(),
        Action::SetWorkload(Some(_)) => "A steady random workload is running".to_string(),
        Action::SetWorkload(None) => "The workload stopped".to_string(),
    }
}

fn membership_words(change: &ConfChange) -> String {
    match change {
        ConfChange::AddVoter(n) => {
            format!("Adding {n}: it joins as a learner, catches up, then is promoted to voter")
        }
        ConfChange::AddLearner(n) => format!("Adding {n} as a learner"),
        ConfChange::PromoteLearner(n) => format!("The leader is promoting {n} to voter"),
        ConfChange::Remove(n) => format!("The leader is removing {n}"),
        ConfChange::Joint { voters, .. } => format!(
            "Changing to voters {} through C_old,new",
            voters
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{NodeId, Op};

    #[test]
    fn each_action_says_what_it_did() {
        let n3 = NodeId(3);
        assert_eq!(done_words(&Action::Crash { node: n3 }), "N3 crashed");
        let write = Action::Write {
            node: n3,
            op: Op::Set {
                key: "x".into(),
                value: 1,
            },
        };
        assert_eq!(done_words(&write), "Sent set x=1 to N3: see Client results");
        let joint = Action::ChangeMembership {
            change: ConfChange::Joint {
                voters: [NodeId(1), NodeId(2)].into_iter().collect(),
                learners: Default::default(),
            },
        };
        assert_eq!(
            done_words(&joint),
            "Changing to voters N1, N2 through C_old,new"
        );
        let split = Action::Partition {
            groups: vec![vec![NodeId(1)], vec![NodeId(2), n3]],
        };
        assert_eq!(done_words(&split), "Split into {N1} | {N2, N3}");
    }
}
