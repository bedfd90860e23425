//! The client form in words: what a person typed or chose, checked and
//! turned into an operation, or refused with a sentence that says why.

use crate::raft::{is_valid_key, NodeId, Op, ReadMode, MAX_KEY_CHARS};

/// The read modes in the order the menu offers them.
pub const READ_MODES: [ReadMode; 4] = [
    ReadMode::ReadIndex,
    ReadMode::Lease,
    ReadMode::LeaderNoCheck,
    ReadMode::LocalAnyNode,
];

/// The value of a node menu's "the leader" option.
pub const LEADER_CHOICE: &str = "leader";

/// The node a menu value names (`N3`), if it names one.
pub fn node_id(value: &str) -> Option<NodeId> {
    value
        .strip_prefix('N')
        .and_then(|n| n.parse::<u8>().ok())
        .map(NodeId)
}

/// The words of the "the leader" option, which say which node that is
/// now: with a deposed leader still acting on an older term, the newest one
/// (the one the option sends to). `leaders` are the nodes that lead, with
/// their terms.
pub fn leader_choice_words(leaders: &[(NodeId, u64)]) -> String {
    let newest = leaders.iter().max_by_key(|(_, term)| *term);
    match (newest, leaders.len()) {
        (None, _) => "the leader (none now)".to_string(),
        (Some((id, _)), 1) => format!("the leader (now {id})"),
        (Some((id, term)), _) => format!("the newest leader (now {id}, term {term})"),
    }
}

/// The node a "Send to" or "Read from" choice means: `leader` is the node
/// that leads now (`leader`), `N3` must be one of `nodes`.
pub fn node_choice(
    choice: &str,
    nodes: &[NodeId],
    leader: Option<NodeId>,
) -> Result<NodeId, String> {
    if choice == LEADER_CHOICE {
        return leader
            .ok_or_else(|| "No node is leader right now: choose a node to send to".to_string());
    }
    node_id(choice)
        .filter(|n| nodes.contains(n))
        .ok_or_else(|| format!("There is no node {choice}"))
}

/// A whole number typed for `what`.
fn number(what: &str, text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| format!("{what} must be a whole number, not “{}”", text.trim()))
}

/// A key as typed, trimmed; refused if empty or too long.
pub fn checked_key(typed: &str) -> Result<String, String> {
    let key = typed.trim();
    if key.is_empty() {
        return Err("Enter a key".to_string());
    }
    if !is_valid_key(key) {
        return Err(format!("A key has at most {MAX_KEY_CHARS} characters"));
    }
    Ok(key.to_string())
}

/// The write the form describes: `kind` is the operation menu's value
/// (`set`, `delete`, `increment`, `compare-and-set`); an empty `expected`
/// means "absent".
pub fn write_op(kind: &str, key_typed: &str, value: &str, expected: &str) -> Result<Op, String> {
    let key = checked_key(key_typed)?;
    Ok(match kind {
        "delete" => Op::Delete { key },
        "increment" => Op::Increment {
            key,
            by: number("The amount to add", value)?,
        },
        "compare-and-set" => Op::CompareAndSet {
            key,
            expected: if expected.trim().is_empty() {
                None
            } else {
                Some(number("The expected value", expected)?)
            },
            new: number("The new value", value)?,
        },
        _ => Op::Set {
            key,
            value: number("The value", value)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leader_option_names_the_leader_it_sends_to_and_says_newest_when_two_lead() {
        assert_eq!(leader_choice_words(&[]), "the leader (none now)");
        assert_eq!(
            leader_choice_words(&[(NodeId(3), 2)]),
            "the leader (now N3)"
        );
        assert_eq!(
            leader_choice_words(&[(NodeId(4), 7), (NodeId(2), 8)]),
            "the newest leader (now N2, term 8)"
        );
    }

    #[test]
    fn a_node_choice_is_the_leader_or_a_node_of_the_cluster() {
        let nodes = [NodeId(1), NodeId(2), NodeId(3)];
        assert_eq!(
            node_choice("leader", &nodes, Some(NodeId(2))),
            Ok(NodeId(2))
        );
        assert!(node_choice("leader", &nodes, None)
            .unwrap_err()
            .starts_with("No node is leader"));
        assert_eq!(node_choice("N3", &nodes, None), Ok(NodeId(3)));
        assert_eq!(
            node_choice("N7", &nodes, None),
            Err("There is no node N7".to_string())
        );
        assert_eq!(node_id("3"), None, "a menu value names its node N3");
        assert_eq!(node_id("N"), None);
    }

    #[test]
    fn the_form_becomes_an_operation_or_says_what_is_wrong() {
        assert_eq!(
            write_op("set", " x ", "1", ""),
            Ok(Op::Set {
                key: "x".into(),
                value: 1
            })
        );
        assert_eq!(
            write_op("delete", "x", "junk", ""),
            Ok(Op::Delete { key: "x".into() })
        );
        assert_eq!(
            write_op("compare-and-set", "x", "5", " "),
            Ok(Op::CompareAndSet {
                key: "x".into(),
                expected: None,
                new: 5
            })
        );
        assert_eq!(
            write_op("set", "  ", "1", ""),
            Err("Enter a key".to_string())
        );
        assert_eq!(
            write_op("increment", "x", "two", ""),
            Err("The amount to add must be a whole number, not “two”".to_string())
        );
        let long = "k".repeat(MAX_KEY_CHARS + 1);
        assert!(write_op("set", &long, "1", "")
            .unwrap_err()
            .contains("at most"));
    }
}
