//! What the inspector shows.

use crate::raft::NodeId;
use crate::view::MessageDot;

/// What the inspector shows: the node, message or link last selected.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node.
    Node(NodeId),
    /// A message, as it was when selected (it may since have arrived).
    Message(Box<MessageDot>),
    /// The link between two nodes (lower id first).
    Link(NodeId, NodeId),
}
