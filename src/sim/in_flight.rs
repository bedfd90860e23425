//! The messages in flight, by id.
//!
//! Ids are handed out in order and most messages arrive in about the order
//! they were sent, so a deque of slots from the oldest id still in flight
//! does what a `BTreeMap` did, without rebalancing a tree (whose removals
//! were a fifteenth of the simulation's time).

use super::action::MessageId;
use crate::raft::{Message, NodeId, Time};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A message on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    /// Its id.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent (global).
    pub sent_at: Time,
    /// When it arrives (global).
    pub deliver_at: Time,
    /// The message.
    pub message: Message,
}

impl InFlight {
    /// The message kind as a label, e.g. `AppendEntries`.
    pub fn kind_label(&self) -> &'static str {
        self.message.kind().label()
    }
}

/// Messages in flight, by id, in id order.
#[derive(Clone, Debug, Default)]
pub struct InFlightTable {
    /// The id of `slots[0]`.
    first: MessageId,
    /// A slot per id from `first` on: empty once its message arrived, was
    /// dropped, or was never stored (lost when sent). The front slot is
    /// never empty.
    slots: VecDeque<Option<Box<InFlight>>>,
}

impl InFlightTable {
    /// Stores `message` under `id`, which must be larger than every id
    /// stored before (ids are handed out in order).
    pub fn insert(&mut self, id: MessageId, message: InFlight) {
        if self.slots.is_empty() {
            self.first = id;
        }
        let Some(slot) = id.checked_sub(self.first).map(|s| s as usize) else {
            return;
        };
        while self.slots.len() <= slot {
            self.slots.push_back(None);
        }
        self.slots[slot] = Some(Box::new(message));
    }

    /// Takes the message with `id` out, if it is in flight.
    pub fn remove(&mut self, id: MessageId) -> Option<Box<InFlight>> {
        let slot = id.checked_sub(self.first)? as usize;
        let message = self.slots.get_mut(slot)?.take();
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.first += 1;
        }
        message
    }

    /// Every message in flight, by id.
    pub fn iter(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten().map(|m| &**m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Message, NodeId, Time};
    use crate::rng::Rng;
    use std::collections::BTreeMap;

    fn message(id: MessageId) -> InFlight {
        InFlight {
            id,
            from: NodeId(1),
            to: NodeId(2),
            sent_at: Time(id),
            deliver_at: Time(id + 5),
            message: Message::TimeoutNow { term: id },
        }
    }

    #[test]
    fn behaves_like_an_ordered_map_of_increasing_ids() {
        // A model test against the BTreeMap it replaced.
        let mut rng = Rng::new(4);
        let mut table = InFlightTable::default();
        let mut model = BTreeMap::new();
        let mut next = 1;
        for _ in 0..20_000 {
            if rng.chance(0.5) {
                // Some ids are never stored (a message lost when sent).
                if rng.chance(0.9) {
                    table.insert(next, message(next));
                    model.insert(next, message(next));
                }
                next += 1;
            } else {
                let id = next.saturating_sub(rng.range_inclusive(1, 30));
                assert_eq!(table.remove(id).map(|m| *m), model.remove(&id));
            }
            assert!(table.iter().eq(model.values()));
        }
    }
}
