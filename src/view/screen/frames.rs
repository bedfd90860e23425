//! One frame per redraw rate: everything the cluster shows
//! ([`ClusterFrame`], drawn up to 20 times a second while playing) and
//! everything the panels show ([`PanelsFrame`], 10 times a second), each
//! built by one function from the world and its recorder. The shell copies
//! a frame's fields into its signals, setting only those that changed.

use crate::raft::{Config, NodeId, Time};
use crate::sim::{NetworkConfig, World};
use crate::view::{
    cards_and_rings, configuration, links, log_rows, message_dots, partition_groups, result_rows,
    ConfigurationView, Link, LogRow, MessageDot, NodeCard, NodeRings, Recorder, ResultRow,
};

/// What the cluster drawing shows at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterFrame {
    /// Global simulated time.
    pub now: Time,
    /// Node cards, in id order.
    pub cards: Vec<NodeCard>,
    /// The rings around the nodes, in id order.
    pub rings: Vec<NodeRings>,
    /// Messages in flight.
    pub messages: Vec<MessageDot>,
}

impl ClusterFrame {
    /// The cluster of `world` as `recorder` has observed it.
    pub fn of(world: &World, recorder: &Recorder) -> ClusterFrame {
        let (cards, rings) = cards_and_rings(world, recorder);
        ClusterFrame {
            now: world.now(),
            cards,
            rings,
            messages: message_dots(world),
        }
    }
}

/// What the panels around the cluster show after a step.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelsFrame {
    /// Steps run so far (the cursor).
    pub steps: u64,
    /// Every link's state.
    pub links: Vec<Link>,
    /// The partition groups, if the network is split into groups.
    pub groups: Option<Vec<Vec<NodeId>>>,
    /// One log row per node.
    pub logs: Vec<LogRow>,
    /// Client results, newest first.
    pub results: Vec<ResultRow>,
    /// The configuration.
    pub configuration: ConfigurationView,
    /// The nodes' settings.
    pub raft: Config,
    /// The network's settings.
    pub network: NetworkConfig,
    /// Whether the random workload runs.
    pub workload: bool,
}

impl PanelsFrame {
    /// The panels of `world` as `recorder` has observed it.
    pub fn of(world: &World, recorder: &Recorder) -> PanelsFrame {
        PanelsFrame {
            steps: world.steps(),
            links: links(world),
            groups: partition_groups(world),
            logs: log_rows(world),
            results: result_rows(world, recorder),
            configuration: configuration(world),
            raft: world.config().raft.clone(),
            network: world.config().network.clone(),
            workload: world.workload().is_some(),
        }
    }
}
