//! The settings that start a new session when changed.

use crate::sim::WorldConfig;

/// The session settings that start a new world when changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// Voters at the start (3, 5, 7, 9).
    pub size: u8,
    /// The seed.
    pub seed: u64,
}

impl Default for SessionSettings {
    /// Five voters, seed 1: the first screen's world.
    fn default() -> Self {
        SessionSettings { size: 5, seed: 1 }
    }
}

impl SessionSettings {
    /// The world for these settings: `size` voters plus spare servers that
    /// can be added (two, within the nine-node limit).
    pub fn world_config(&self) -> WorldConfig {
        WorldConfig {
            nodes: (self.size + 2).min(9),
            voters: self.size,
            ..WorldConfig::default()
        }
    }
}
