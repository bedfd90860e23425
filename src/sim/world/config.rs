//! What a world is made of (its nodes, network and clients), checked before
//! a world is made from it, and why it could not be.

use super::*;

/// How clients behave.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// One-way delay between a client and any node, µs (clients are never partitioned).
    pub latency_us: u64,
    /// How long a client waits for an answer before retrying, µs.
    pub timeout_us: u64,
    /// How many times a client sends one operation before giving up.
    pub max_attempts: u32,
    /// How long a client keeps trying one operation before giving up, µs.
    pub give_up_after_us: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            latency_us: 1_000,
            timeout_us: 500_000,
            max_attempts: 50,
            give_up_after_us: 5_000_000,
        }
    }
}

/// Everything that defines a world besides its seed and actions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorldConfig {
    /// How many nodes exist (3 to 9).
    pub nodes: u8,
    /// How many of them (N1 up) found the cluster as voters; the others start
    /// with blank disks, ready to be added.
    pub voters: u8,
    /// Every node's settings.
    pub raft: Config,
    /// The network.
    pub network: NetworkConfig,
    /// Clients.
    pub client: ClientConfig,
    /// A random workload from the start, if any.
    pub workload: Option<Workload>,
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            nodes: 5,
            voters: 5,
            raft: Config::default(),
            network: NetworkConfig::default(),
            client: ClientConfig::default(),
            workload: None,
        }
    }
}

/// Why a world configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorldError {
    /// A cluster has 3 to 9 nodes.
    NodeCount(u8),
    /// Founding voters must be between 1 and the number of nodes.
    VoterCount { voters: u8, nodes: u8 },
    /// The Raft settings are inconsistent.
    Raft(crate::raft::ConfigError),
    /// A network, client or workload value is out of range.
    OutOfRange {
        field: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorldError::NodeCount(n) => write!(f, "a cluster has 3 to 9 nodes, not {n}"),
            WorldError::VoterCount { voters, nodes } => {
                write!(f, "founding voters must be 1 to {nodes}, not {voters}")
            }
            WorldError::Raft(e) => write!(f, "{e}"),
            WorldError::OutOfRange {
                field,
                value,
                min,
                max,
            } => write!(f, "{field} = {value} is outside {min} to {max}"),
        }
    }
}

impl std::error::Error for WorldError {}

fn in_range(field: &'static str, value: u64, min: u64, max: u64) -> Result<(), WorldError> {
    if value < min || value > max {
        Err(WorldError::OutOfRange {
            field,
            value,
            min,
            max,
        })
    } else {
        Ok(())
    }
}

impl NetworkConfig {
    /// Checks the values are usable.
    pub fn validate(&self) -> Result<(), WorldError> {
        in_range("latency_min_us", self.latency_min_us, 1, 10_000_000)?;
        in_range(
            "latency_max_us",
            self.latency_max_us,
            self.latency_min_us,
            10_000_000,
        )?;
        in_range("loss_permille", u64::from(self.loss_permille), 0, 1000)?;
        in_range(
            "duplicate_permille",
            u64::from(self.duplicate_permille),
            0,
            1000,
        )
    }
}

impl Workload {
    /// Checks the values are usable.
    pub fn validate(&self) -> Result<(), WorldError> {
        in_range("workload interval_us", self.interval_us, 1_000, 60_000_000)?;
        in_range("workload keys", u64::from(self.keys), 1, KEYS.len() as u64)?;
        in_range("workload clients", u64::from(self.clients), 1, 16)?;
        in_range(
            "workload read_permille",
            u64::from(self.read_permille),
            0,
            1000,
        )?;
        in_range("workload read_modes", self.read_modes.len() as u64, 1, 8)
    }
}

impl WorldConfig {
    /// Checks every value; the world refuses a configuration that fails.
    pub fn validate(&self) -> Result<(), WorldError> {
        if !(3..=9).contains(&self.nodes) {
            return Err(WorldError::NodeCount(self.nodes));
        }
        if self.voters == 0 || self.voters > self.nodes {
            return Err(WorldError::VoterCount {
                voters: self.voters,
                nodes: self.nodes,
            });
        }
        self.raft.validate().map_err(WorldError::Raft)?;
        self.network.validate()?;
        in_range("client latency_us", self.client.latency_us, 1, 10_000_000)?;
        in_range(
            "client timeout_us",
            self.client.timeout_us,
            1_000,
            60_000_000,
        )?;
        in_range(
            "client max_attempts",
            u64::from(self.client.max_attempts),
            1,
            1_000,
        )?;
        in_range(
            "client give_up_after_us",
            self.client.give_up_after_us,
            1_000,
            600_000_000,
        )?;
        if let Some(w) = &self.workload {
            w.validate()?;
        }
        Ok(())
    }
}
