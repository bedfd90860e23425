//! Log rows: one per node, its entries by index with their terms and
//! commands, what is committed and applied, the leader's view of each
//! follower, the snapshot boundary and the node's key-value state.

use crate::raft::{Entry, LogIndex, Node, NodeId, Payload, Term};
use crate::sim::World;
use crate::view::svg::swimlane::esc;

/// The most entries drawn per row: the newest ones, so a long log keeps its
/// tail in view (the older ones are counted, not drawn). About two rows'
/// widths at 1920 pixels: nine rows of 48 were 2,000 elements made anew at
/// every seek, 40 % of its time.
pub const MAX_CELLS: usize = 24;

/// One log entry as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogCell {
    /// Its index.
    pub index: LogIndex,
    /// Its term (which picks its colour).
    pub term: Term,
    /// The command written inside, short: `x=3`, `del x`, `x+=2`, `no-op`, `config`.
    pub text: String,
    /// The full payload, in words.
    pub title: String,
    /// At or below the node's commit index: drawn solid; otherwise dashed.
    pub committed: bool,
    /// Applied to the node's state machine.
    pub applied: bool,
    /// It is the entry at the node's commit index (marked ▲c).
    pub at_commit: bool,
    /// It is the last entry applied (marked ▲a).
    pub at_applied: bool,
}

/// What the leader knows about one follower (Figure 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower.
    pub node: NodeId,
    /// nextIndex.
    pub next: LogIndex,
    /// matchIndex.
    pub matched: LogIndex,
}

/// One node's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// The node.
    pub node: NodeId,
    /// Whether it runs.
    pub up: bool,
    /// The newest entries, oldest first (at most [`MAX_CELLS`]).
    pub cells: Vec<LogCell>,
    /// Entries held but not drawn, before the first cell.
    pub hidden: u64,
    /// The snapshot's last index and term; `None` when nothing is compacted.
    pub snapshot: Option<(LogIndex, Term)>,
    /// The commit index.
    pub commit: LogIndex,
    /// The last applied index.
    pub applied: LogIndex,
    /// The last index.
    pub last: LogIndex,
    /// On a leader: every follower's next and match index.
    pub progress: Vec<FollowerProgress>,
    /// The state machine, key by key.
    pub kv: Vec<(String, i64)>,
}

impl LogRow {
    /// The markers line in words, for the screen and screen readers.
    pub fn markers(&self) -> String {
        let mut s = format!("commit {} · applied {}", self.commit, self.applied);
        if let Some((i, t)) = self.snapshot {
            s.push_str(&format!(" · snapshot to {i} (term {t})"));
        }
        s
    }

    /// The key-value state in words.
    pub fn kv_text(&self) -> String {
        if self.kv.is_empty() {
            return "empty".to_string();
        }
        self.kv
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How many distinct term colours cycle (the CSS defines `term-0` to `term-7`).
const TERM_COLOURS: u64 = 8;

/// A row's entries as list items, for the logs panel to set as its list's
/// markup: a seek changes every entry of every row, and one string per row
/// is parsed far faster than a thousand elements made one by one. The
/// entry `implicated` by a broken rule is outlined, and `focused` says
/// which entries a lesson points at.
pub fn cells_html(
    row: &LogRow,
    implicated: Option<LogIndex>,
    focused: impl Fn(LogIndex) -> bool,
) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(160 * (row.cells.len() + 1));
    if row.snapshot.is_some() || row.hidden > 0 {
        let words = match row.snapshot {
            Some((i, t)) => format!("snapshot ≤{i} (t{t})"),
            None => format!("…{} older", row.hidden),
        };
        let _ = write!(
            s,
            r#"<li class="log-snapshot" title="entries compacted into the snapshot, or older than those shown">{words}</li>"#
        );
    }
    if row.cells.is_empty() && row.snapshot.is_none() && row.hidden == 0 {
        // Said in words, not left as an empty strip (a spare server that
        // has not joined, or a new node before its first entry).
        s.push_str(r#"<li class="log-nothing">no entries yet</li>"#);
    }
    for c in &row.cells {
        let marks = match (c.at_commit, c.at_applied) {
            (true, true) => "▲c▲a",
            (true, false) => "▲c",
            (false, true) => "▲a",
            (false, false) => "",
        };
        let _ = write!(
            s,
            r#"<li class="log-cell term-{} {}{}{}" title="{}" data-index="{}" data-committed="{}"><span class="cell-index">{}</span><span class="cell-term">t{}</span><span class="cell-text">{}</span><span class="cell-marks">{marks}</span></li>"#,
            c.term % TERM_COLOURS,
            if c.committed {
                "committed"
            } else {
                "uncommitted"
            },
            if implicated == Some(c.index) {
                " implicated"
            } else {
                ""
            },
            if focused(c.index) { " focus" } else { "" },
            esc(&c.title),
            c.index,
            c.committed,
            c.index,
            c.term,
            esc(&c.text),
        );
    }
    s
}

/// The short text written inside an entry.
pub fn entry_text(payload: &Payload) -> String {
    use crate::raft::Op;
    match payload {
        Payload::Noop => "no-op".to_string(),
        Payload::Config(_) => "config".to_string(),
        Payload::Command(c) => match &c.op {
            Op::Set { key, value } => format!("{key}={value}"),
            Op::Delete { key } => format!("del {key}"),
            Op::Increment { key, by } => format!("{key}+={by}"),
            Op::CompareAndSet { key, new, .. } => format!("{key}?={new}"),
        },
    }
}

fn cell(node: &Node, e: &Entry) -> LogCell {
    LogCell {
        index: e.index,
        term: e.term,
        text: entry_text(&e.payload),
        title: format!("index {}, term {}: {}", e.index, e.term, e.payload),
        committed: e.index <= node.commit_index(),
        applied: e.index <= node.last_applied(),
        at_commit: e.index == node.commit_index(),
        at_applied: e.index == node.last_applied(),
    }
}

/// One node's row.
pub fn log_row(world: &World, id: NodeId) -> LogRow {
    let node = world.node(id);
    let log = node.log();
    let entries = log.entries();
    let skip = entries.len().saturating_sub(MAX_CELLS);
    let snapshot = log.snapshot();
    let progress = node
        .membership()
        .members()
        .into_iter()
        .filter(|p| *p != id)
        .filter_map(|p| {
            node.progress(p).map(|pr| FollowerProgress {
                node: p,
                next: pr.next,
                matched: pr.matched,
            })
        })
        .collect();
    LogRow {
        node: id,
        up: world.is_up(id),
        cells: entries.iter_from(skip).map(|e| cell(node, e)).collect(),
        hidden: skip as u64,
        snapshot: (snapshot.last_index > 0).then_some((snapshot.last_index, snapshot.last_term)),
        commit: node.commit_index(),
        applied: node.last_applied(),
        last: node.last_index(),
        progress,
        kv: node
            .kv()
            .entries()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// Every node's row, in id order.
pub fn log_rows(world: &World) -> Vec<LogRow> {
    world
        .node_ids()
        .into_iter()
        .map(|id| log_row(world, id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Config, Op};
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{leader_of, settle};
    use crate::view::Recorder;

    fn timeline(config: WorldConfig) -> Timeline<Recorder> {
        Timeline::fresh(config, 3, Recorder::new()).unwrap()
    }

    #[test]
    fn an_entry_on_a_minority_is_uncommitted_and_shown_dashed() {
        let mut t = timeline(WorldConfig::default());
        let leader = leader_of(&mut t);
        t.act(Action::Partition {
            groups: vec![vec![leader]],
        });
        t.act(Action::Write {
            node: leader,
            op: Op::Set {
                key: "x".into(),
                value: 9,
            },
        });
        settle(&mut t, 50);
        let row = log_row(t.world(), leader);
        let last = row.cells.last().unwrap();
        assert_eq!(last.text, "x=9");
        assert!(!last.committed, "only the isolated leader holds it");
        assert!(!last.applied);
        assert!(
            row.cells.first().unwrap().committed,
            "its no-op was committed"
        );
        assert!(row.commit < row.last);
    }

    #[test]
    fn a_committed_write_is_solid_applied_and_in_the_state_machine() {
        let mut t = timeline(WorldConfig::default());
        let leader = leader_of(&mut t);
        t.act(Action::Write {
            node: leader,
            op: Op::Increment {
                key: "y".into(),
                by: 4,
            },
        });
        settle(&mut t, 200);
        for row in log_rows(t.world()) {
            let cell = row.cells.iter().find(|c| c.text == "y+=4").unwrap();
            assert!(cell.committed && cell.applied, "{}: {cell:?}", row.node);
            assert_eq!(row.kv, vec![("y".to_string(), 4)]);
            assert_eq!(row.kv_text(), "y=4");
        }
    }

    #[test]
    fn only_the_leader_row_carries_next_and_match_for_each_follower() {
        let mut t = timeline(WorldConfig::default());
        let leader = leader_of(&mut t);
        settle(&mut t, 100);
        for row in log_rows(t.world()) {
            if row.node == leader {
                assert_eq!(row.progress.len(), 4);
                for p in &row.progress {
                    assert!(p.node != leader);
                    assert_eq!(p.matched, row.last, "caught up");
                    assert_eq!(p.next, row.last + 1);
                }
            } else {
                assert!(row.progress.is_empty());
            }
        }
    }

    #[test]
    fn a_compacted_log_shows_its_snapshot_boundary_and_keeps_the_newest_entries() {
        let config = WorldConfig {
            raft: Config {
                snapshot_threshold: 5,
                ..Config::default()
            },
            ..WorldConfig::default()
        };
        let mut t = timeline(config);
        let leader = leader_of(&mut t);
        for i in 0..68 {
            t.act(Action::Write {
                node: leader,
                op: Op::Set {
                    key: "k".into(),
                    value: i,
                },
            });
            settle(&mut t, 30);
        }
        settle(&mut t, 300);
        let row = log_row(t.world(), leader);
        let (snap, _) = row.snapshot.expect("the log was compacted");
        assert!(snap > 0);
        assert_eq!(
            row.cells.first().map(|c| c.index),
            Some(snap + 1 + row.hidden)
        );
        assert_eq!(row.cells.last().map(|c| c.index), Some(row.last));
        assert!(row.markers().contains(&format!("snapshot to {snap}")));
    }

    #[test]
    fn the_cells_markup_marks_commit_apply_rule_and_focus_and_escapes_text() {
        let mut t = timeline(WorldConfig::default());
        let leader = leader_of(&mut t);
        t.act(Action::Write {
            node: leader,
            op: Op::Set {
                key: "<b>&\"".into(),
                value: 7,
            },
        });
        settle(&mut t, 200);
        let row = log_row(t.world(), leader);
        let last = row.last;
        let html = cells_html(&row, Some(1), |i| i == last);
        assert_eq!(
            html.matches(r#"<li class="log-cell"#).count(),
            row.cells.len()
        );
        assert!(
            !html.contains("log-snapshot"),
            "nothing compacted or hidden"
        );
        assert!(html
            .contains(r#"class="log-cell term-1 committed implicated" title="index 1, term 1:"#));
        assert!(html.contains(&format!(
            r#"committed focus" title="index {last}, term 1: set"#
        )));
        assert!(html.contains("&lt;b&gt;&amp;&quot;=7"), "{html}");
        assert!(!html.contains("<b>"));
        assert_eq!(
            html.matches("▲c▲a").count(),
            1,
            "commit and apply on the last entry"
        );
        let none = cells_html(&row, None, |_| false);
        assert!(!none.contains("implicated") && !none.contains("focus"));
        let hidden = LogRow {
            hidden: 3,
            ..row.clone()
        };
        assert!(cells_html(&hidden, None, |_| false).contains(">…3 older</li>"));
        assert!(!html.contains("log-nothing"));
        // An empty log says so.
        let empty = LogRow {
            cells: Vec::new(),
            ..row.clone()
        };
        assert_eq!(
            cells_html(&empty, None, |_| false),
            r#"<li class="log-nothing">no entries yet</li>"#
        );
    }
}
