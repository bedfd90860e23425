//! The network as drawn: messages in flight with their position along their
//! link and a typed label, and every link's state (open, cut one way or both,
//! and the groups a partition makes).

use crate::raft::{AppendRejection, Message, MessageKind, NodeId, Time};
use crate::sim::{Action, InFlight, MessageId, NetworkConfig, TimedAction, World};

/// One message in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDot {
    /// Its id (to drop it).
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent (global).
    pub sent_at: Time,
    /// When it arrives (global).
    pub deliver_at: Time,
    /// Its kind (its colour).
    pub kind: MessageKind,
    /// A reply (drawn hollow).
    pub reply: bool,
    /// The short label on the dot: `AE3`, `HB`, `RV`, `V✓`, `V✗`, `AR✓`...
    pub short: String,
    /// Its type with the detail that matters: `AppendEntries (3 entries)`,
    /// `Vote (granted)`.
    pub label: String,
    /// Every field, in words, for the inspector.
    pub fields: Vec<(String, String)>,
}

impl MessageDot {
    /// Its accessible name: starts with its type, ends `N1 → N3`.
    pub fn name(&self) -> String {
        format!("{} {} → {}", self.label, self.from, self.to)
    }

    /// How far along its link it is at `now`, from 0 (just sent) to 1.
    pub fn progress(&self, now: Time) -> f64 {
        let total = self.deliver_at.since(self.sent_at);
        if total == 0 {
            return 1.0;
        }
        (now.since(self.sent_at) as f64 / total as f64).clamp(0.0, 1.0)
    }

    /// When an action of `actions` (the history on screen) dropped this
    /// message, if one did.
    pub fn dropped_at(&self, actions: &[TimedAction]) -> Option<Time> {
        actions
            .iter()
            .find(|a| {
                a.action == Action::DropMessage { id: self.id }
                    && a.at >= self.sent_at
                    && a.at < self.deliver_at
            })
            .map(|a| a.at)
    }

    /// Where the message is at `now`, in words, for the inspector: time
    /// travel moves the cursor to before it was sent, while it flies, or to
    /// after it arrived or was dropped.
    pub fn whereabouts(
        &self,
        now: Time,
        in_flight: bool,
        dropped_at: Option<Time>,
    ) -> &'static str {
        if in_flight {
            "In flight."
        } else if now < self.sent_at {
            "Not sent yet at this point of the history."
        } else if dropped_at.is_some_and(|t| t <= now) {
            "No longer in flight: it was dropped."
        } else if now >= self.deliver_at {
            "No longer in flight: it reached its receiver's end of the link (it is lost there if the link was cut or the receiver was down)."
        } else {
            "No longer in flight: it was lost."
        }
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// Why a follower refused AppendEntries, and the hint it gives the leader.
fn rejection_words(r: &AppendRejection) -> String {
    match r {
        AppendRejection::StaleTerm => "the leader's term is stale".to_string(),
        AppendRejection::LogTooShort { last_index } => {
            format!("no entry at the previous index: its log ends at {last_index}")
        }
        AppendRejection::TermMismatch {
            term,
            first_index_of_term,
        } => format!(
            "its entry at the previous index has term {term}, which starts at its index {first_index_of_term}"
        ),
    }
}

/// The dot for one message in flight.
pub fn message_dot(m: &InFlight) -> MessageDot {
    let kind = m.message.kind();
    let mut fields = vec![
        ("from".to_string(), m.from.to_string()),
        ("to".to_string(), m.to.to_string()),
        ("sent at".to_string(), m.sent_at.to_string()),
        ("arrives at".to_string(), m.deliver_at.to_string()),
        ("term".to_string(), m.message.term().to_string()),
    ];
    let f = |k: &str, v: String| (k.to_string(), v);
    let (short, label, reply) = match &m.message {
        Message::RequestVote {
            last_log_index,
            last_log_term,
            transfer,
            pre_vote,
            ..
        } => {
            fields.push(f("last log index", last_log_index.to_string()));
            fields.push(f("last log term", last_log_term.to_string()));
            fields.push(f("pre-vote", yes_no(*pre_vote)));
            fields.push(f("leadership transfer", yes_no(*transfer)));
            let (s, l) = if *pre_vote {
                ("PV", "PreVote")
            } else {
                ("RV", "RequestVote")
            };
            (s.to_string(), l.to_string(), false)
        }
        Message::VoteResponse {
            granted, pre_vote, ..
        } => {
            fields.push(f("granted", yes_no(*granted)));
            fields.push(f("pre-vote", yes_no(*pre_vote)));
            let what = if *pre_vote { "PreVote reply" } else { "Vote" };
            let how = if *granted { "granted" } else { "refused" };
            (
                format!("V{}", mark(*granted)),
                format!("{what} ({how})"),
                true,
            )
        }
        Message::AppendEntries {
            prev_index,
            prev_term,
            entries,
            leader_commit,
            round,
            ..
        } => {
            fields.push(f("prev index", prev_index.to_string()));
            fields.push(f("prev term", prev_term.to_string()));
            fields.push(f("entries", entries.len().to_string()));
            for e in entries {
                fields.push((
                    format!("entry {}", e.index),
                    format!("term {}: {}", e.term, e.payload),
                ));
            }
            fields.push(f("leader commit", leader_commit.to_string()));
            fields.push(f("heartbeat round", round.to_string()));
            if entries.is_empty() {
                ("HB".to_string(), "Heartbeat".to_string(), false)
            } else {
                let n = entries.len();
                let s = if n == 1 { "entry" } else { "entries" };
                (format!("AE{n}"), format!("AppendEntries ({n} {s})"), false)
            }
        }
        Message::AppendResponse {
            success,
            match_index,
            prev_index,
            rejection,
            round,
            ..
        } => {
            fields.push(f("success", yes_no(*success)));
            fields.push(f("match index", match_index.to_string()));
            fields.push(f("prev index checked", prev_index.to_string()));
            if let Some(r) = rejection {
                fields.push(f("why refused", rejection_words(r)));
            }
            fields.push(f("heartbeat round", round.to_string()));
            let how = if *success { "success" } else { "failure" };
            (
                format!("AR{}", mark(*success)),
                format!("AppendResponse ({how})"),
                true,
            )
        }
        Message::InstallSnapshot {
            snapshot, round, ..
        } => {
            fields.push(f("last index", snapshot.last_index.to_string()));
            fields.push(f("last term", snapshot.last_term.to_string()));
            fields.push(f("configuration", snapshot.config.to_string()));
            fields.push(f("keys in its state", snapshot.kv.len().to_string()));
            fields.push(f("heartbeat round", round.to_string()));
            ("IS".to_string(), "InstallSnapshot".to_string(), false)
        }
        Message::SnapshotResponse {
            last_index, round, ..
        } => {
            fields.push(f("last index", last_index.to_string()));
            fields.push(f("heartbeat round", round.to_string()));
            ("SR".to_string(), "SnapshotResponse".to_string(), true)
        }
        Message::TimeoutNow { .. } => ("TN".to_string(), "TimeoutNow".to_string(), false),
    };
    MessageDot {
        id: m.id,
        from: m.from,
        to: m.to,
        sent_at: m.sent_at,
        deliver_at: m.deliver_at,
        kind,
        reply,
        short,
        label,
        fields,
    }
}

/// Every message in flight.
pub fn message_dots(world: &World) -> Vec<MessageDot> {
    world.in_flight_iter().map(message_dot).collect()
}

/// The state of the link between two nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkState {
    /// Messages pass both ways.
    Open,
    /// Nothing passes.
    Cut,
    /// Only `to` → `from` passes: `from` → `to` is cut.
    OneWay {
        /// The side whose messages are lost.
        from: NodeId,
        /// The side that does not hear them.
        to: NodeId,
    },
}

/// One link, `a` < `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    /// The lower id.
    pub a: NodeId,
    /// The higher id.
    pub b: NodeId,
    /// Its state.
    pub state: LinkState,
}

impl Link {
    /// Its accessible name, with its state: `Link N1 – N2 (cut N1 → N2)`.
    pub fn name(&self) -> String {
        let state = match self.state {
            LinkState::Open => "open".to_string(),
            LinkState::Cut => "cut both ways".to_string(),
            LinkState::OneWay { from, to } => format!("cut {from} → {to}"),
        };
        format!("Link {} – {} ({state})", self.a, self.b)
    }
}

/// Every link between two nodes, in id order.
pub fn links(world: &World) -> Vec<Link> {
    let ids = world.node_ids();
    let cuts = world.links();
    let mut out = Vec::new();
    for (i, &a) in ids.iter().enumerate() {
        for &b in &ids[i + 1..] {
            let state = match (cuts.is_cut(a, b), cuts.is_cut(b, a)) {
                (false, false) => LinkState::Open,
                (true, true) => LinkState::Cut,
                (true, false) => LinkState::OneWay { from: a, to: b },
                (false, true) => LinkState::OneWay { from: b, to: a },
            };
            out.push(Link { a, b, state });
        }
    }
    out
}

/// The groups the network is split into when every cut is two-way and the
/// open links join nodes into separate cliques (a partition); `None` when the
/// network is whole or the cuts are not such a split.
pub fn partition_groups(world: &World) -> Option<Vec<Vec<NodeId>>> {
    let all = links(world);
    if all.iter().all(|l| l.state == LinkState::Open) {
        return None;
    }
    if all
        .iter()
        .any(|l| matches!(l.state, LinkState::OneWay { .. }))
    {
        return None;
    }
    let open = |a: NodeId, b: NodeId| {
        a == b
            || all.iter().any(|l| {
                l.state == LinkState::Open && ((l.a, l.b) == (a, b) || (l.a, l.b) == (b, a))
            })
    };
    let mut groups: Vec<Vec<NodeId>> = Vec::new();
    for id in world.node_ids() {
        match groups.iter_mut().find(|g| open(g[0], id)) {
            Some(g) => g.push(id),
            None => groups.push(vec![id]),
        }
    }
    // A partition: links are open exactly within the groups.
    let ids = world.node_ids();
    let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
    let exact = ids.iter().all(|x| {
        ids.iter()
            .all(|y| open(*x, *y) == (group_of(*x) == group_of(*y)))
    });
    (exact && groups.len() > 1).then_some(groups)
}

/// A partition in words: `{N1, N2} | {N3, N4, N5}`.
pub fn groups_text(groups: &[Vec<NodeId>]) -> String {
    groups
        .iter()
        .map(|g| {
            let names: Vec<String> = g.iter().map(|n| n.to_string()).collect();
            format!("{{{}}}", names.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The network's latency range in milliseconds, as the Latency slider
/// shows it: "5 to 15 ms", "0.5 to 2 ms" (an imported session may have any
/// range, not the slider's own "x to 3x").
pub fn latency_words(n: &NetworkConfig) -> String {
    format!(
        "{} to {} ms",
        milliseconds(n.latency_min_us),
        milliseconds(n.latency_max_us)
    )
}

/// Microseconds as milliseconds, without trailing zeros: 1500 → "1.5" (the
/// network's latency, the settings' timing fields).
pub fn milliseconds(us: u64) -> String {
    let (whole, part) = (us / 1000, us % 1000);
    if part == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{part:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::Recorder;

    fn timeline() -> Timeline<Recorder> {
        Timeline::fresh(WorldConfig::default(), 5, Recorder::new()).unwrap()
    }

    #[test]
    fn a_dropped_message_still_says_dropped_after_its_delivery_time() {
        let mut t = timeline();
        while t.world().in_flight_iter().next().is_none() {
            t.step();
        }
        let dropped = message_dots(t.world()).remove(0);
        let sent = dropped.sent_at;
        t.act(Action::DropMessage { id: dropped.id });
        let actions = t.session().actions;
        let when = dropped
            .dropped_at(&actions)
            .expect("the drop is in the history");
        assert!(when >= sent && when < dropped.deliver_at);
        t.run_until(dropped.deliver_at.plus(1));
        let now = t.world().now();
        assert_eq!(
            dropped.whereabouts(now, false, Some(when)),
            "No longer in flight: it was dropped."
        );
        assert_eq!(
            dropped.whereabouts(Time(sent.0 - 1), false, Some(when)),
            "Not sent yet at this point of the history.",
            "before it was sent"
        );
        // A message nobody dropped, past its delivery, reached its end.
        let other = MessageDot {
            id: dropped.id + 1,
            ..dropped.clone()
        };
        assert_eq!(other.dropped_at(&actions), None);
        assert!(other
            .whereabouts(now, false, None)
            .starts_with("No longer in flight: it reached"));
        assert_eq!(other.whereabouts(now, true, None), "In flight.");
    }

    #[test]
    fn a_one_way_cut_is_drawn_one_way_with_its_direction() {
        let mut t = timeline();
        t.act(Action::CutLink {
            from: NodeId(3),
            to: NodeId(1),
        });
        let all = links(t.world());
        let l = all
            .iter()
            .find(|l| (l.a, l.b) == (NodeId(1), NodeId(3)))
            .unwrap();
        assert_eq!(
            l.state,
            LinkState::OneWay {
                from: NodeId(3),
                to: NodeId(1)
            }
        );
        assert_eq!(l.name(), "Link N1 – N3 (cut N3 → N1)");
        assert_eq!(
            all.iter().filter(|l| l.state != LinkState::Open).count(),
            1,
            "no other link is touched"
        );
        assert_eq!(
            partition_groups(t.world()),
            None,
            "a one-way cut is no partition"
        );
    }

    #[test]
    fn a_partition_is_shown_as_its_groups() {
        let mut t = timeline();
        t.act(Action::Partition {
            groups: vec![
                vec![NodeId(1), NodeId(2)],
                vec![NodeId(3), NodeId(4), NodeId(5)],
            ],
        });
        let groups = partition_groups(t.world()).expect("a partition");
        assert_eq!(groups_text(&groups), "{N1, N2} | {N3, N4, N5}");
        let l = links(t.world());
        assert_eq!(l.iter().filter(|l| l.state == LinkState::Cut).count(), 6);
        t.act(Action::Heal);
        assert_eq!(partition_groups(t.world()), None);
    }

    #[test]
    fn a_message_moves_from_sender_to_receiver_by_its_times() {
        let mut t = timeline();
        let mut seen = None;
        for _ in 0..10_000 {
            t.step();
            if let Some(d) = message_dots(t.world())
                .into_iter()
                .find(|d| d.kind == MessageKind::RequestVote)
            {
                seen = Some(d);
                break;
            }
        }
        let d = seen.expect("an election sends RequestVote");
        assert_eq!(d.progress(d.sent_at), 0.0);
        assert_eq!(d.progress(d.deliver_at), 1.0);
        let mid = Time((d.sent_at.0 + d.deliver_at.0) / 2);
        assert!((d.progress(mid) - 0.5).abs() < 0.01);
        assert!(
            d.name().starts_with("RequestVote ")
                && d.name().ends_with(&format!("{} → {}", d.from, d.to))
        );
        assert!(d.fields.iter().any(|(k, _)| k == "last log term"));
    }

    #[test]
    fn vote_replies_and_append_replies_say_granted_or_refused_success_or_failure() {
        let mut t = timeline();
        let mut vote = None;
        let mut append = None;
        for _ in 0..50_000 {
            t.step();
            for d in message_dots(t.world()) {
                if d.kind == MessageKind::VoteResponse && vote.is_none() {
                    vote = Some(d.clone());
                }
                if d.kind == MessageKind::AppendEntries && append.is_none() {
                    append = Some(d.clone());
                }
            }
            if vote.is_some() && append.is_some() {
                break;
            }
        }
        let v = vote.unwrap();
        assert!(v.reply);
        assert!(
            v.label == "Vote (granted)" && v.short == "V✓"
                || v.label == "Vote (refused)" && v.short == "V✗"
        );
        let a = append.unwrap();
        let n = a
            .fields
            .iter()
            .find(|(k, _)| k == "entries")
            .unwrap()
            .1
            .clone();
        assert_eq!(a.short, format!("AE{n}"));
        assert!(a.label.starts_with("AppendEntries ("));
        let listed = a
            .fields
            .iter()
            .filter(|(k, _)| k.starts_with("entry "))
            .count();
        assert_eq!(listed.to_string(), n, "every entry is listed with its term");
        assert!(a.fields.iter().any(|(k, _)| k == "heartbeat round"));
        assert!(v.fields.iter().any(|(k, v)| k == "pre-vote" && v == "no"));
    }

    #[test]
    fn the_latency_range_is_said_as_it_is() {
        let range = |lo, hi| NetworkConfig {
            latency_min_us: lo,
            latency_max_us: hi,
            ..NetworkConfig::default()
        };
        assert_eq!(latency_words(&range(5_000, 15_000)), "5 to 15 ms");
        assert_eq!(latency_words(&range(500, 2_000)), "0.5 to 2 ms");
        assert_eq!(latency_words(&range(1_250, 40_001)), "1.25 to 40.001 ms");
    }
}
