//! The replicated state machine: a key-value store with per-client sessions.
//!
//! Every node applies the same committed commands in the same order, so every
//! node's store passes through the same states (State Machine Safety, §5.4.3).
//! Each write carries `(client, seq)`; a retried write that was already applied
//! returns the first result instead of applying twice (thesis §6.3).

use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};

/// Identifies one client session.
pub type ClientId = u32;

/// The most characters (not bytes: a person types "é" as one) in a key.
pub const MAX_KEY_CHARS: usize = 32;

/// The rule [`is_valid_key`] checks, as the message for a key it refuses.
pub const KEY_RULE: &str = "a key has 1 to 32 characters";

/// Whether `key` can name a value: 1 to [`MAX_KEY_CHARS`] characters. The
/// world, the session check and the client form all ask this, so a key the
/// form accepts is one a saved session can hold.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= MAX_KEY_CHARS
}

/// A write operation on one key. Values are integers so that increments and
/// compare-and-set are meaningful.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Store `value` under `key`.
    Set {
        /// The key to write.
        key: String,
        /// The value to store.
        value: i64,
    },
    /// Remove `key`.
    Delete {
        /// The key to remove.
        key: String,
    },
    /// Add `by` to the value under `key` (a missing key counts as 0).
    Increment {
        /// The key whose value changes.
        key: String,
        /// The amount to add (negative to subtract); wraps on overflow.
        by: i64,
    },
    /// Store `new` only if the current value equals `expected` (`None`: absent).
    CompareAndSet {
        /// The key to compare and write.
        key: String,
        /// The value the key must hold for the write to happen; `None`: absent.
        expected: Option<i64>,
        /// The value stored if the comparison succeeds.
        new: i64,
    },
}

impl Op {
    /// The key this operation touches.
    pub fn key(&self) -> &str {
        match self {
            Op::Set { key, .. }
            | Op::Delete { key }
            | Op::Increment { key, .. }
            | Op::CompareAndSet { key, .. } => key,
        }
    }

    /// Applies the operation to the current value of its key: the value after,
    /// and what the client is told. Pure, so the linearizability checker uses
    /// exactly the semantics the nodes use.
    pub fn apply_to(&self, current: Option<i64>) -> (Option<i64>, WriteResult) {
        let after = match self {
            Op::Set { value, .. } => Some(*value),
            Op::Delete { .. } => None,
            Op::Increment { by, .. } => Some(current.unwrap_or(0).wrapping_add(*by)),
            Op::CompareAndSet { expected, new, .. } => {
                if current == *expected {
                    Some(*new)
                } else {
                    return (
                        current,
                        WriteResult {
                            ok: false,
                            value: current,
                        },
                    );
                }
            }
        };
        (
            after,
            WriteResult {
                ok: true,
                value: after,
            },
        )
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Set { key, value } => write!(f, "set {key}={value}"),
            Op::Delete { key } => write!(f, "delete {key}"),
            Op::Increment { key, by } => write!(f, "incr {key} by {by}"),
            Op::CompareAndSet {
                key,
                expected: Some(e),
                new,
            } => write!(f, "cas {key} {e}→{new}"),
            Op::CompareAndSet {
                key,
                expected: None,
                new,
            } => write!(f, "cas {key} absent→{new}"),
        }
    }
}

/// What a write returns: whether it took effect (only compare-and-set can
/// fail) and the key's value afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WriteResult {
    /// `false` only for a compare-and-set whose expectation did not hold.
    pub ok: bool,
    /// The key's value after the operation.
    pub value: Option<i64>,
}

/// A write as it is stored in the log: who sent it, its per-client sequence
/// number, and the operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Command {
    /// The client session that issued it.
    pub client: ClientId,
    /// The client's sequence number; retries reuse it.
    pub seq: u64,
    /// The operation.
    pub op: Op,
}

/// The outcome of applying one command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Applied {
    /// What the client is told.
    pub result: WriteResult,
    /// `true` when the command was a retry of one already applied, so the store
    /// did not change.
    pub duplicate: bool,
}

/// The last write applied for one client, kept so a retry is answered without
/// applying it twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Session {
    seq: u64,
    result: WriteResult,
}

/// The key-value store and its client sessions. Part of a snapshot (§7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KvStore {
    data: SortedMap<String, i64>,
    sessions: SortedMap<ClientId, Session>,
}

impl KvStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<i64> {
        self.data.get(key).copied()
    }

    /// All keys and values, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, i64)> {
        self.data.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Number of keys stored.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// `true` when no key is stored.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Applies a committed command, at most once per `(client, seq)`.
    pub fn apply(&mut self, command: &Command) -> Applied {
        if let Some(session) = self.sessions.get(&command.client) {
            if command.seq <= session.seq {
                // A retry of the latest write gets the original answer; an even
                // older one (its client has moved on) is ignored.
                let result = if command.seq == session.seq {
                    session.result
                } else {
                    WriteResult {
                        ok: false,
                        value: self.get(command.op.key()),
                    }
                };
                return Applied {
                    result,
                    duplicate: true,
                };
            }
        }
        let key = command.op.key();
        let (after, result) = command.op.apply_to(self.get(key));
        match after {
            Some(v) => {
                self.data.insert(key.to_string(), v);
            }
            None => {
                self.data.remove(key);
            }
        }
        self.sessions.insert(
            command.client,
            Session {
                seq: command.seq,
                result,
            },
        );
        Applied {
            result,
            duplicate: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(client: ClientId, seq: u64, op: Op) -> Command {
        Command { client, seq, op }
    }

    #[test]
    fn the_key_rule_in_words_names_the_limit_it_checks() {
        assert!(KEY_RULE.contains(&format!("1 to {MAX_KEY_CHARS} characters")));
        assert!(is_valid_key(&"é".repeat(MAX_KEY_CHARS)));
        assert!(!is_valid_key(&"k".repeat(MAX_KEY_CHARS + 1)));
        assert!(!is_valid_key(""));
    }

    #[test]
    fn set_delete_increment_and_compare_and_set_follow_their_meaning() {
        let mut kv = KvStore::new();
        kv.apply(&cmd(
            1,
            1,
            Op::Set {
                key: "x".into(),
                value: 5,
            },
        ));
        assert_eq!(kv.get("x"), Some(5));
        let r = kv.apply(&cmd(
            1,
            2,
            Op::Increment {
                key: "x".into(),
                by: 2,
            },
        ));
        assert_eq!(
            r.result,
            WriteResult {
                ok: true,
                value: Some(7)
            }
        );
        let r = kv.apply(&cmd(
            1,
            3,
            Op::CompareAndSet {
                key: "x".into(),
                expected: Some(6),
                new: 0,
            },
        ));
        assert_eq!(
            r.result,
            WriteResult {
                ok: false,
                value: Some(7)
            }
        );
        assert_eq!(kv.get("x"), Some(7));
        let r = kv.apply(&cmd(
            1,
            4,
            Op::CompareAndSet {
                key: "x".into(),
                expected: Some(7),
                new: 1,
            },
        ));
        assert!(r.result.ok);
        kv.apply(&cmd(1, 5, Op::Delete { key: "x".into() }));
        assert_eq!(kv.get("x"), None);
        let r = kv.apply(&cmd(
            1,
            6,
            Op::Increment {
                key: "y".into(),
                by: -3,
            },
        ));
        assert_eq!(r.result.value, Some(-3));
        let r = kv.apply(&cmd(
            1,
            7,
            Op::CompareAndSet {
                key: "z".into(),
                expected: None,
                new: 9,
            },
        ));
        assert!(r.result.ok);
        assert_eq!(kv.get("z"), Some(9));
    }

    // Reference: thesis §6.3 (a retried command must not apply twice).
    #[test]
    fn a_retried_write_applies_once_and_gets_the_first_answer() {
        let mut kv = KvStore::new();
        let incr = cmd(
            4,
            1,
            Op::Increment {
                key: "n".into(),
                by: 1,
            },
        );
        let first = kv.apply(&incr);
        let retry = kv.apply(&incr);
        assert!(!first.duplicate && retry.duplicate);
        assert_eq!(first.result, retry.result);
        assert_eq!(kv.get("n"), Some(1));
        // A different client with the same sequence number is not a duplicate.
        let other = kv.apply(&cmd(
            5,
            1,
            Op::Increment {
                key: "n".into(),
                by: 1,
            },
        ));
        assert!(!other.duplicate);
        assert_eq!(kv.get("n"), Some(2));
    }

    #[test]
    fn increments_wrap_instead_of_panicking_on_overflow() {
        let mut kv = KvStore::new();
        kv.apply(&cmd(
            1,
            1,
            Op::Set {
                key: "m".into(),
                value: i64::MAX,
            },
        ));
        let r = kv.apply(&cmd(
            1,
            2,
            Op::Increment {
                key: "m".into(),
                by: 1,
            },
        ));
        assert_eq!(r.result.value, Some(i64::MIN));
    }
}
