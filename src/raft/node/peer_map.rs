//! The leader's table of its followers, by node id: a vector indexed by id
//! rather than a search tree. The leader looks a follower up a dozen times
//! per acknowledgement (twice per voter for the quorum's match index and
//! heartbeat round alone), and ids are small: at most 255, and the app
//! never has more than nine.

use crate::raft::time::NodeId;

/// A map from node id to `T`.
#[derive(Clone, Debug)]
pub struct PeerMap<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for PeerMap<T> {
    fn default() -> Self {
        PeerMap { slots: Vec::new() }
    }
}

impl<T> PeerMap<T> {
    /// The value of `id`, if it has one.
    pub fn get(&self, id: &NodeId) -> Option<&T> {
        self.slots.get(usize::from(id.0)).and_then(Option::as_ref)
    }

    /// The value of `id` to change, if it has one.
    pub fn get_mut(&mut self, id: &NodeId) -> Option<&mut T> {
        self.slots
            .get_mut(usize::from(id.0))
            .and_then(Option::as_mut)
    }

    /// Gives `id` the value `value` unless it has one.
    pub fn or_insert(&mut self, id: NodeId, value: T) {
        let at = usize::from(id.0);
        if self.slots.len() <= at {
            self.slots.resize_with(at + 1, || None);
        }
        self.slots[at].get_or_insert(value);
    }

    /// Keeps only the ids `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&NodeId) -> bool) {
        for (at, slot) in self.slots.iter_mut().enumerate() {
            let id = NodeId(at as u8);
            if slot.is_some() && !keep(&id) {
                *slot = None;
            }
        }
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_id_and_removed_by_retain_and_clear() {
        let mut m = PeerMap::default();
        assert_eq!(m.get(&NodeId(3)), None);
        m.or_insert(NodeId(5), "five");
        m.or_insert(NodeId(2), "two");
        m.or_insert(NodeId(5), "not this");
        assert_eq!(m.get(&NodeId(5)), Some(&"five"), "an existing value stays");
        assert_eq!(m.get(&NodeId(3)), None);
        assert_eq!(m.get(&NodeId(200)), None);
        *m.get_mut(&NodeId(2)).unwrap() = "deux";
        assert_eq!(m.get(&NodeId(2)), Some(&"deux"));
        m.retain(|id| id.0 != 2);
        assert_eq!(m.get(&NodeId(2)), None);
        assert_eq!(m.get(&NodeId(5)), Some(&"five"));
        m.or_insert(NodeId(255), "last");
        assert_eq!(m.get(&NodeId(255)), Some(&"last"));
        m.clear();
        assert_eq!(m.get(&NodeId(5)), None);
    }
}
