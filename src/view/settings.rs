//! Switches of the nodes' settings by name, through their serialised form.
//!
//! The settings gain switches as the core grows (`lease_reads`, for one).
//! Reading and writing a switch through [`Config`]'s serde form lets the
//! screen offer exactly the switches this build's core has: a control bound
//! to a name the core does not know is simply not shown.

use crate::raft::Config;

/// The value of the boolean setting `name`, or `None` when the core has no
/// such setting.
pub fn config_flag(config: &Config, name: &str) -> Option<bool> {
    serde_json::to_value(config).ok()?.get(name)?.as_bool()
}

/// `config` with the boolean setting `name` set to `on`, or `None` when the
/// core has no such setting.
pub fn with_config_flag(config: &Config, name: &str, on: bool) -> Option<Config> {
    let mut value = serde_json::to_value(config).ok()?;
    let slot = value.get_mut(name)?;
    if !slot.is_boolean() {
        return None;
    }
    *slot = serde_json::Value::Bool(on);
    serde_json::from_value(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_switch_is_read_and_set_and_nothing_else_changes() {
        let c = Config::default();
        assert_eq!(config_flag(&c, "pre_vote"), Some(c.pre_vote));
        let on = with_config_flag(&c, "pre_vote", true).unwrap();
        assert!(on.pre_vote);
        assert_eq!(
            Config {
                pre_vote: c.pre_vote,
                ..on.clone()
            },
            c
        );
        assert_eq!(config_flag(&on, "pre_vote"), Some(true));
    }

    #[test]
    fn an_unknown_or_non_boolean_setting_is_not_offered() {
        let c = Config::default();
        assert_eq!(config_flag(&c, "no_such_switch"), None);
        assert_eq!(with_config_flag(&c, "no_such_switch", true), None);
        assert_eq!(config_flag(&c, "heartbeat_interval_us"), None);
        assert_eq!(with_config_flag(&c, "heartbeat_interval_us", true), None);
    }
}
