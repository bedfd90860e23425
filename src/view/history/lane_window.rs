//! Answers "what is drawn between these two times?" for the swimlane, fast
//! however long the history: every list in [`Lanes`] is sorted by time, so
//! a window is a binary search and a walk over what it holds. A window too
//! wide to draw every message gets their density per pixel column instead
//! (also by binary search, one per column), never a million arrows.
//!
//! Also the overview strip: who led in which term over the whole history,
//! the stretches without a leader (elections), and the user's actions and
//! broken properties.

use crate::raft::{NodeId, Term, Time};
use crate::sorted::{SortedMap, SortedSet};
use crate::view::history::chunks::Chunks;
use crate::view::history::lanes::{
    Arrow, ArrowEnd, LaneMark, LaneMarkKind, LaneRole, Lanes, OpEnd, OpSpan, Packed,
};
use std::collections::HashSet;

/// The most arrows a window draws; more become a density.
pub const MAX_ARROWS: usize = 1_500;
/// The most client operations a window draws; more become a density.
pub const MAX_OPS: usize = 400;

/// A stretch of one node's lane in one role and term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleSpan {
    /// The node.
    pub node: NodeId,
    /// Start (global).
    pub from: Time,
    /// End (global).
    pub to: Time,
    /// The role.
    pub role: LaneRole,
    /// The term.
    pub term: Term,
}

/// A stretch during which a node had at least one cut link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutSpan {
    /// The node.
    pub node: NodeId,
    /// Start (global).
    pub from: Time,
    /// End (global).
    pub to: Time,
    /// How many of its links (counting each direction) were cut.
    pub links: usize,
}

/// The messages of a window: each one, or how many per column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Traffic {
    /// Every message that overlaps the window.
    Arrows(Vec<Arrow>),
    /// Messages arriving in each column of the window (too many to draw).
    Density(Vec<u32>),
}

/// The client operations of a window: each one, or counts per column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientTraffic {
    /// Every operation that overlaps the window.
    Spans(Vec<OpSpan>),
    /// Operations answered in each column: (all, stale).
    Density(Vec<(u32, u32)>),
}

/// Everything the swimlane draws between two times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneWindow {
    /// Start (global).
    pub from: Time,
    /// End (global).
    pub to: Time,
    /// Role segments, per node, in time order.
    pub roles: Vec<RoleSpan>,
    /// Messages.
    pub traffic: Traffic,
    /// Timer firings, wins, membership changes, actions and violations
    /// (at most one of each kind per lane and column).
    pub marks: Vec<LaneMark>,
    /// Client operations.
    pub ops: ClientTraffic,
    /// Cut links, per node.
    pub cuts: Vec<CutSpan>,
    /// The end of the known history: what lies between the playhead and it
    /// is the known future.
    pub known_until: Time,
}

/// One leader's time in office, for the overview strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reign {
    /// The leader.
    pub node: NodeId,
    /// Its term.
    pub term: Term,
    /// Start (global).
    pub from: Time,
    /// End (global).
    pub to: Time,
}

/// The whole history at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// The end of the known history.
    pub end: Time,
    /// Who led, when.
    pub reigns: Vec<Reign>,
    /// Stretches with no leader at all (elections, or a cluster without a
    /// quorum).
    pub leaderless: Vec<(Time, Time)>,
    /// The user's actions (one per column at most).
    pub actions: Vec<Time>,
    /// Broken properties.
    pub violations: Vec<Time>,
}

/// Index of the first item of `list` whose time (`at`) is at or after `t`.
fn first_from<T: Clone>(list: &Chunks<T>, t: Time, at: impl Fn(&T) -> Time) -> usize {
    list.partition_point(|x| at(x) < t)
}

/// Index of the first item of `list` whose time is after `t`.
fn first_after<T: Clone>(list: &Chunks<T>, t: Time, at: impl Fn(&T) -> Time) -> usize {
    list.partition_point(|x| at(x) <= t)
}

/// Counts per column of items whose time falls in each of `columns` equal
/// columns of [from, to).
fn density<T: Clone>(
    list: &Chunks<T>,
    from: Time,
    to: Time,
    columns: usize,
    at: impl Fn(&T) -> Time + Copy,
) -> Vec<u32> {
    let width = to.since(from).max(1) as f64 / columns as f64;
    let edge = |c: usize| Time(from.0 + (c as f64 * width) as u64);
    let mut counts = Vec::with_capacity(columns);
    let mut start = first_from(list, from, at);
    for c in 0..columns {
        let end = if c + 1 == columns {
            first_after(list, to, at)
        } else {
            first_from(list, edge(c + 1), at)
        };
        counts.push(end.saturating_sub(start) as u32);
        start = end;
    }
    counts
}

impl Lanes {
    /// What the swimlane draws between `from` and `to`, `columns` pixel
    /// columns wide; heartbeats (and their plain replies) only when
    /// `heartbeats`.
    pub fn window(&self, from: Time, to: Time, columns: usize, heartbeats: bool) -> LaneWindow {
        let to = to.max(Time(from.0 + 1));
        let columns = columns.clamp(1, 8_192);
        LaneWindow {
            from,
            to,
            roles: self.role_spans(from, to),
            traffic: self.traffic(from, to, columns, heartbeats),
            marks: self.window_marks(from, to, columns),
            ops: self.client_traffic(from, to, columns),
            cuts: self.cut_spans(from, to),
            known_until: self.end(),
        }
    }

    fn role_spans(&self, from: Time, to: Time) -> Vec<RoleSpan> {
        let end = to.min(self.now.max(from));
        // Each node's state at `from`: its last change at or before it.
        let start = first_after(&self.roles, from, |r| r.at);
        let mut open: SortedMap<NodeId, RoleSpan> = SortedMap::new();
        let mut i = start;
        while i > 0 && open.len() < self.nodes.len() {
            i -= 1;
            if let Some(r) = self.roles.get(i) {
                open.entry(r.node).or_insert(RoleSpan {
                    node: r.node,
                    from,
                    to: end,
                    role: r.role,
                    term: r.term,
                });
            }
        }
        let mut spans = Vec::new();
        for r in self.roles.iter_from(start) {
            if r.at > end {
                break;
            }
            if let Some(mut span) = open.remove(&r.node) {
                span.to = r.at;
                if span.to > span.from {
                    spans.push(span);
                }
            }
            open.insert(
                r.node,
                RoleSpan {
                    node: r.node,
                    from: r.at,
                    to: end,
                    role: r.role,
                    term: r.term,
                },
            );
        }
        spans.extend(open.into_values().filter(|s| s.to > s.from));
        crate::sorting::sort_by_key(&mut spans, |s| (s.node, s.from));
        spans
    }

    fn traffic(&self, from: Time, to: Time, columns: usize, heartbeats: bool) -> Traffic {
        let lists: Vec<&Chunks<Packed>> = if heartbeats {
            vec![&self.arrows, &self.beats]
        } else {
            vec![&self.arrows]
        };
        let reach = Time(to.0.saturating_add(self.max_flight));
        let estimate: usize = lists
            .iter()
            .map(|l| first_after(l, reach, Packed::end) - first_from(l, from, Packed::end))
            .sum();
        if estimate > MAX_ARROWS {
            let mut counts = vec![0; columns];
            for l in &lists {
                for (c, n) in density(l, from, to, columns, Packed::end)
                    .iter()
                    .enumerate()
                {
                    counts[c] += n;
                }
            }
            return Traffic::Density(counts);
        }
        let mut arrows: Vec<Arrow> = Vec::new();
        for l in lists {
            let first = first_from(l, from, Packed::end);
            arrows.extend(
                l.iter_from(first)
                    .take_while(|a| a.end() <= reach)
                    .map(Packed::unpack)
                    .filter(|a| a.sent <= to),
            );
        }
        arrows.extend(
            self.in_flight()
                .filter(|a| a.sent <= to && a.end >= from)
                .filter(|a| heartbeats || a.kind != crate::raft::MessageKind::Heartbeat)
                .copied(),
        );
        crate::sorting::sort_by_key(&mut arrows, |a| (a.sent, a.from, a.to));
        Traffic::Arrows(arrows)
    }

    fn window_marks(&self, from: Time, to: Time, columns: usize) -> Vec<LaneMark> {
        let width = (to.since(from) / columns as u64).max(1);
        let mut seen = HashSet::new();
        let first = first_from(&self.marks, from, |m| m.at);
        self.marks
            .iter_from(first)
            .take_while(|m| m.at <= to)
            .filter(|m| {
                let column = m.at.since(from) / width;
                let kind = std::mem::discriminant(&m.kind);
                seen.insert((m.node, column, kind))
            })
            .cloned()
            .collect()
    }

    fn client_traffic(&self, from: Time, to: Time, columns: usize) -> ClientTraffic {
        let reach = Time(to.0.saturating_add(self.max_op));
        let first = first_from(&self.ops, from, |o| o.done);
        let estimate = first_after(&self.ops, reach, |o| o.done) - first;
        if estimate > MAX_OPS {
            let all = density(&self.ops, from, to, columns, |o| o.done);
            // Stale reads are few: count them one by one.
            let width = to.since(from).max(1) as f64 / columns as f64;
            let mut stale = vec![0u32; columns];
            for o in self.ops.iter_from(first).take_while(|o| o.done <= to) {
                if matches!(o.end, OpEnd::Stale { .. }) {
                    let c = ((o.done.since(from) as f64 / width) as usize).min(columns - 1);
                    stale[c] += 1;
                }
            }
            return ClientTraffic::Density(all.into_iter().zip(stale).collect());
        }
        let mut spans: Vec<OpSpan> = self
            .ops
            .iter_from(first)
            .take_while(|o| o.done <= reach)
            .filter(|o| o.invoked <= to)
            .cloned()
            .collect();
        spans.extend(
            self.open_ops()
                .filter(|(_, invoked)| *invoked <= to)
                .map(|(op, invoked)| OpSpan {
                    op,
                    invoked,
                    done: self.now,
                    end: OpEnd::Pending,
                    words: format!("#{op} waiting for an answer"),
                }),
        );
        crate::sorting::sort_by_key(&mut spans, |o| (o.invoked, o.op));
        ClientTraffic::Spans(spans)
    }

    fn cut_spans(&self, from: Time, to: Time) -> Vec<CutSpan> {
        let end = to.min(self.now.max(from));
        let start = first_after(&self.cuts, from, |c| c.at);
        let mut changes: Vec<(Time, &[(NodeId, NodeId)])> = Vec::new();
        if start > 0 {
            if let Some(c) = self.cuts.get(start - 1) {
                changes.push((from, &c.cut));
            }
        }
        for c in self.cuts.iter_from(start) {
            if c.at > end {
                break;
            }
            changes.push((c.at, &c.cut));
        }
        let mut spans = Vec::new();
        for (k, (at, cut)) in changes.iter().enumerate() {
            let until = changes.get(k + 1).map_or(end, |n| n.0);
            for node in &self.nodes {
                let links = cut.iter().filter(|(a, b)| a == node || b == node).count();
                if links > 0 && until > *at {
                    spans.push(CutSpan {
                        node: *node,
                        from: *at,
                        to: until,
                        links,
                    });
                }
            }
        }
        spans
    }

    /// The whole history at a glance, `columns` wide.
    pub fn overview(&self, columns: usize) -> Overview {
        let end = self.now;
        let mut reigns: Vec<Reign> = Vec::new();
        let mut leading: SortedMap<NodeId, (Term, Time)> = SortedMap::new();
        let mut leaderless = Vec::new();
        let mut no_leader_since = Some(Time::ZERO);
        for r in self.roles.iter_from(0) {
            let was = leading.remove(&r.node);
            if let Some((term, since)) = was {
                if !(r.role == LaneRole::Leader && r.term == term) {
                    reigns.push(Reign {
                        node: r.node,
                        term,
                        from: since,
                        to: r.at,
                    });
                } else {
                    leading.insert(r.node, (term, since));
                }
            }
            if r.role == LaneRole::Leader && !leading.contains_key(&r.node) {
                leading.insert(r.node, (r.term, r.at));
            }
            match (leading.is_empty(), no_leader_since) {
                (true, None) => no_leader_since = Some(r.at),
                (false, Some(since)) => {
                    if r.at > since {
                        leaderless.push((since, r.at));
                    }
                    no_leader_since = None;
                }
                _ => {}
            }
        }
        for (node, (term, from)) in leading {
            reigns.push(Reign {
                node,
                term,
                from,
                to: end,
            });
        }
        if let Some(since) = no_leader_since {
            if end > since {
                leaderless.push((since, end));
            }
        }
        crate::sorting::sort_by_key(&mut reigns, |r| (r.from, r.node));
        let width = (end.0 / columns.max(1) as u64).max(1);
        let mut columns_seen = SortedSet::new();
        let mut actions = Vec::new();
        let mut violations = Vec::new();
        for m in self.marks.iter_from(0) {
            match m.kind {
                LaneMarkKind::UserAction { .. } if columns_seen.insert(m.at.0 / width) => {
                    actions.push(m.at)
                }
                LaneMarkKind::Violation { .. } => violations.push(m.at),
                _ => {}
            }
        }
        Overview {
            end,
            reigns,
            leaderless,
            actions,
            violations,
        }
    }
}

impl Lanes {
    /// If the read `op`, answered at `at`, was proven stale: the write it
    /// missed (if the proof names one).
    pub fn stale_read(&self, op: crate::sim::OpId, at: Time) -> Option<Option<crate::sim::OpId>> {
        let first = first_from(&self.ops, at, |o| o.done);
        self.ops
            .iter_from(first)
            .take_while(|o| o.done == at)
            .find(|o| o.op == op)
            .and_then(|o| match o.end {
                OpEnd::Stale { missed } => Some(missed),
                _ => None,
            })
    }
}

impl Arrow {
    /// Whether the message is still in flight at `t` (sent, not arrived).
    pub fn in_flight_at(&self, t: Time) -> bool {
        self.sent <= t && (t < self.end || self.ends == ArrowEnd::InFlight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{MessageKind, NodeId, ReadMode};
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{isolate, leader_of, settle};
    use crate::view::Recorder;

    fn all(t: &Timeline<Recorder>, heartbeats: bool) -> LaneWindow {
        let lanes = t.observer().lanes();
        lanes.window(Time::ZERO, lanes.end(), 1_000, heartbeats)
    }

    fn arrows(w: &LaneWindow) -> &[Arrow] {
        match &w.traffic {
            Traffic::Arrows(a) => a,
            Traffic::Density(_) => panic!("expected arrows"),
        }
    }

    // Reference: §5.2
    #[test]
    fn the_first_election_shows_a_candidate_its_vote_requests_and_replies_and_a_win() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        let w = all(&t, true);
        let spans: Vec<&RoleSpan> = w.roles.iter().filter(|s| s.node == leader).collect();
        assert_eq!(spans.last().unwrap().role, LaneRole::Leader);
        assert_eq!(spans.last().unwrap().term, 1);
        assert!(spans
            .iter()
            .any(|s| s.role == LaneRole::Candidate && s.term == 1));
        assert_eq!(spans.first().unwrap().role, LaneRole::Follower);
        assert_eq!(spans.first().unwrap().from, Time::ZERO);
        let a = arrows(&w);
        let asks: SortedSet<NodeId> = a
            .iter()
            .filter(|m| m.kind == MessageKind::RequestVote && m.from == leader)
            .map(|m| m.to)
            .collect();
        assert_eq!(asks.len(), 4, "asked every other voter: {asks:?}");
        let replies = a
            .iter()
            .filter(|m| m.kind == MessageKind::VoteResponse && m.to == leader)
            .filter(|m| m.ends == ArrowEnd::Delivered)
            .count();
        assert!(replies >= 2, "a majority replied");
        for m in a.iter().filter(|m| m.ends != ArrowEnd::InFlight) {
            assert!(m.sent <= m.end, "{m:?}");
        }
        assert!(w
            .marks
            .iter()
            .any(|m| m.node == Some(leader) && m.kind == LaneMarkKind::ElectedLeader { term: 1 }));
        assert!(w.marks.iter().any(|m| m.node == Some(leader)
            && matches!(m.kind, LaneMarkKind::TimerFired { forced: false })));
    }

    #[test]
    fn a_crash_is_a_gap_and_messages_to_the_crashed_node_end_lost() {
        let mut t = Timeline::fresh(WorldConfig::default(), 4, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        let victim = t
            .world()
            .node_ids()
            .into_iter()
            .find(|n| *n != leader)
            .unwrap();
        t.act(Action::Crash { node: victim });
        let crashed = t.world().now();
        settle(&mut t, 300);
        let w = all(&t, true);
        let last = w.roles.iter().rfind(|s| s.node == victim).unwrap();
        assert_eq!(last.role, LaneRole::Down);
        assert!(last.from >= crashed && last.to == t.observer().lanes().end());
        assert!(arrows(&w).iter().any(|m| m.to == victim
            && m.from == leader
            && m.ends == ArrowEnd::Lost
            && m.end > crashed));
        assert!(w.marks.iter().any(|m| m.node == Some(victim)
            && matches!(&m.kind, LaneMarkKind::UserAction { words } if words.contains("crash"))));
    }

    #[test]
    fn heartbeats_are_hidden_on_request_and_a_partition_shades_the_cut_off_node() {
        let mut t = Timeline::fresh(WorldConfig::default(), 5, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        settle(&mut t, 200);
        let cut_at = t.world().now();
        let others = isolate(&mut t, leader);
        settle(&mut t, 200);
        let with = all(&t, true);
        let without = all(&t, false);
        assert!(arrows(&with)
            .iter()
            .any(|m| m.kind == MessageKind::Heartbeat));
        assert!(!arrows(&without)
            .iter()
            .any(|m| m.kind == MessageKind::Heartbeat));
        assert!(arrows(&without).len() < arrows(&with).len());
        let cut: Vec<&CutSpan> = with.cuts.iter().filter(|c| c.node == leader).collect();
        assert_eq!(cut.len(), 1, "{:?}", with.cuts);
        assert!(cut[0].from > cut_at && cut[0].links == 2 * others.len());
        // A window from before the cut shows nothing shaded.
        let before = t.observer().lanes().window(Time::ZERO, cut_at, 100, true);
        assert!(before.cuts.is_empty());
    }

    #[test]
    fn isolating_a_node_marks_its_own_lane() {
        let mut t = Timeline::fresh(WorldConfig::default(), 5, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        t.act(Action::Isolate { node: leader });
        settle(&mut t, 100);
        let w = all(&t, true);
        let mark = w
            .marks
            .iter()
            .find(|m| matches!(&m.kind, LaneMarkKind::UserAction { words } if words.contains("isolate")))
            .expect("a mark for the isolation");
        assert_eq!(mark.node, Some(leader));
    }

    #[test]
    fn a_wide_window_counts_messages_per_column_and_agrees_with_the_arrows() {
        let mut t = Timeline::fresh(WorldConfig::default(), 6, Recorder::new()).unwrap();
        settle(&mut t, 20_000);
        let lanes = t.observer().lanes();
        let (from, to) = (Time::from_millis(2_000), Time::from_millis(18_000));
        let Traffic::Density(counts) = lanes.window(from, to, 400, true).traffic else {
            panic!("16 s of heartbeats is too many arrows to draw");
        };
        assert_eq!(counts.len(), 400);
        // The same messages, counted one narrow window at a time.
        let mut by_hand = 0;
        let mut at = from;
        while at < to {
            let next = Time(at.0 + 100_000).min(to);
            let w = lanes.window(at, next, 10, true);
            by_hand += arrows(&w)
                .iter()
                .filter(|a| {
                    a.ends != ArrowEnd::InFlight
                        && a.end >= at
                        && (a.end < next || (next == to && a.end == to))
                })
                .count();
            at = next;
        }
        assert_eq!(counts.iter().map(|c| *c as usize).sum::<usize>(), by_hand);
        assert!(
            counts.iter().all(|c| *c > 0),
            "heartbeats flow all the time"
        );
    }

    #[test]
    fn a_stale_read_spans_the_client_lane_in_a_warning_state_naming_the_missed_write() {
        let mut t = Timeline::fresh(WorldConfig::default(), 11, Recorder::new()).unwrap();
        let old = leader_of(&mut t);
        let others = isolate(&mut t, old);
        settle(&mut t, 1_500);
        let new = others
            .iter()
            .copied()
            .find(|n| t.world().node(*n).role() == crate::raft::Role::Leader)
            .unwrap();
        t.act(Action::Write {
            node: new,
            op: crate::raft::Op::Set {
                key: "x".into(),
                value: 2,
            },
        });
        settle(&mut t, 300);
        t.act(Action::Read {
            node: old,
            key: "x".into(),
            mode: ReadMode::LeaderNoCheck,
        });
        settle(&mut t, 3_000);
        let ClientTraffic::Spans(ops) = all(&t, false).ops else {
            panic!("two operations")
        };
        assert_eq!(ops.len(), 2, "{ops:?}");
        assert_eq!(ops[0].end, OpEnd::Ok);
        assert!(ops[0].words.contains("set x=2 → ok"), "{}", ops[0].words);
        assert_eq!(
            ops[1].end,
            OpEnd::Stale {
                missed: Some(ops[0].op)
            }
        );
        assert!(ops[1].words.contains("(stale)"), "{}", ops[1].words);
        assert!(ops[1].invoked > ops[0].done);
        // The event log's line for the answer says so, naming the write.
        let mut replay = t.replay_from(0);
        let lanes = t.observer().lanes();
        let mut noted = Vec::new();
        while let Some(record) = replay.next_step() {
            let line = crate::view::event_line(replay.world(), &record, false, lanes);
            if line.headline.contains("stale") {
                noted.push(line.headline);
            }
        }
        assert_eq!(noted.len(), 1, "{noted:?}");
        assert!(
            noted[0].contains(&format!(
                "— stale: it missed #{} set x=2, completed at ",
                ops[0].op
            )),
            "{}",
            noted[0]
        );
    }

    #[test]
    fn the_overview_shows_each_reign_and_the_election_between() {
        let mut t = Timeline::fresh(WorldConfig::default(), 7, Recorder::new()).unwrap();
        let first = leader_of(&mut t);
        settle(&mut t, 500);
        t.act(Action::Crash { node: first });
        settle(&mut t, 3_000);
        let o = t.observer().lanes().overview(500);
        assert_eq!(o.reigns.len(), 2, "{:?}", o.reigns);
        let (a, b) = (o.reigns[0], o.reigns[1]);
        assert_eq!(a.node, first);
        assert!(b.node != first && b.term > a.term);
        assert_eq!(b.to, o.end);
        // Leaderless: before the first election, and between the reigns.
        assert_eq!(o.leaderless.len(), 2, "{:?}", o.leaderless);
        assert_eq!(o.leaderless[0], (Time::ZERO, a.from));
        assert_eq!(o.leaderless[1], (a.to, b.from));
        assert_eq!(o.actions.len(), 1);
        assert!(o.violations.is_empty());
    }

    #[test]
    fn the_lanes_after_seeking_back_and_forth_are_those_recorded_going_forward() {
        let mut t = Timeline::fresh(WorldConfig::default(), 8, Recorder::new()).unwrap();
        leader_of(&mut t);
        settle(&mut t, 4_000);
        let end = t.cursor();
        let live = all(&t, true);
        t.seek(end / 3);
        assert_ne!(all(&t, true), live);
        t.seek(end);
        assert_eq!(all(&t, true), live);
    }
}
