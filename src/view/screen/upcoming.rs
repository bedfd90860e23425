//! What happens next, announced while paused ("next: N3's election timer
//! fires at 412.7 ms"), so a student can guess before pressing "Step
//! forward". Found by running the next step on a copy of the world: the
//! exact event, never a guess from the queue.

use crate::raft::Role;
use crate::sim::{What, World};
use crate::view::screen::event_log::message_words;

/// The next event in words, with its time; `None` when nothing is scheduled.
pub fn next_event_words(world: &World) -> Option<String> {
    let mut ahead = world.clone();
    let record = ahead.step()?;
    let what = match &record.what {
        What::Delivered { from, to, kind, .. } => {
            format!("{} from {from} reaches {to}", message_words(*kind))
        }
        What::Lost { from, to, kind, .. } => {
            format!("{} from {from} to {to} is lost", message_words(*kind))
        }
        What::Timer { node } => match world.get_node(*node).map(|n| n.role()) {
            Some(Role::Leader) => format!("{node}'s heartbeat timer fires"),
            _ => format!("{node}'s election timer fires"),
        },
        What::Invoked { op } => match ahead.history().get(*op as usize) {
            Some(o) => format!("a client asks {} (operation #{op})", o.kind),
            None => format!("a client invokes operation #{op}"),
        },
        What::Request {
            op,
            node,
            delivered: true,
            ..
        } => format!("operation #{op} reaches {node}"),
        What::Request { op, node, .. } => {
            format!("operation #{op} is sent to {node}, which is down")
        }
        What::Reply { op, node, .. } => {
            format!("{node}'s answer to operation #{op} reaches the client")
        }
        What::ClientTimeout { op, .. } => {
            format!("the client stops waiting for operation #{op}")
        }
        What::Action { action, .. } => format!("the scripted action: {action}"),
    };
    Some(format!("next: {what} at {}", record.time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Timeline, WorldConfig};
    use crate::view::testing::leader_of;
    use crate::view::Recorder;

    #[test]
    fn the_announcement_names_the_event_the_next_step_runs_and_its_time() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        // At the start, the first thing to happen is an election timer.
        let first = next_event_words(t.world()).unwrap();
        assert!(first.starts_with("next: N"), "{first}");
        assert!(first.contains("'s election timer fires at "), "{first}");
        let record = t.step().unwrap();
        assert!(first.ends_with(&format!(" at {}", record.time)), "{first}");
        // Later, each announcement is what the step then does.
        leader_of(&mut t);
        for _ in 0..50 {
            let said = next_event_words(t.world()).unwrap();
            let record = t.step().unwrap();
            assert!(said.ends_with(&format!(" at {}", record.time)), "{said}");
            if let What::Delivered { from, to, .. } = record.what {
                assert!(
                    said.contains(&format!("from {from} reaches {to}")),
                    "{said}"
                );
            }
        }
    }
}
