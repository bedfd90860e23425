//! The logs panel: one row per node, entries by index coloured by term,
//! committed ones solid and uncommitted ones dashed, with the commit and
//! apply markers, the leader's next/match per follower, the snapshot
//! boundary and the node's key-value state.
//!
//! Each row reads only its own memo, so a step that changes one node's log
//! redraws that row alone, and a frame that only moves time redraws none.

use super::lab::Lab;
use super::relay::Relay;
use crate::raft::NodeId;
use crate::scenario::Focus;
use crate::view::{LogCell, LogRow};
use leptos::prelude::*;

/// How many distinct term colours cycle (the CSS defines `term-0` to `term-7`).
const TERM_COLOURS: u64 = 8;

/// The logs panel.
#[component]
pub fn LogsPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let ids = lab.node_ids();
    // What the lesson points at, read once for every row's cells (see `relay`).
    let lesson_focus = Relay::new(move || lab.focus());
    view! {
        <section class="panel logs" role="region" aria-label="Logs">
            <h2>"Logs"</h2>
            <p class="hint">"Solid: committed. Dashed: not yet committed. ▲c commit index, ▲a last applied; on the leader, n/m is each follower's next and match index."</p>
            <div class="log-rows">
                {ids.into_iter().map(|id| view! { <LogRowView id=id lesson_focus=lesson_focus /> }).collect_view()}
            </div>
        </section>
    }
}

/// One node's log.
#[component]
fn LogRowView(
    id: NodeId,
    /// What the lesson's current stop points at, relayed to the cells.
    lesson_focus: Relay<Vec<Focus>>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let row = Memo::new(move |_| {
        lab.logs
            .with(|rs| rs.iter().find(|r| r.node == id).cloned())
    });
    let get =
        move |f: fn(&LogRow) -> String| move || row.with(|r| r.as_ref().map(f).unwrap_or_default());
    let cells = move || row.with(|r| r.as_ref().map(|r| r.cells.clone()).unwrap_or_default());
    // What the cells read, relayed (see `relay`): cells come and go with
    // every entry and must not subscribe to the row or the lab directly.
    let marker = Relay::new(move || {
        lab.violation.with(|v| {
            v.as_ref()
                .filter(|v| v.nodes.contains(&id))
                .and_then(|v| v.index)
        })
    });
    let commit = Relay::new(move || row.with(|r| r.as_ref().map_or(0, |r| r.commit)));
    let applied = Relay::new(move || row.with(|r| r.as_ref().map_or(0, |r| r.applied)));
    let progress = move || {
        row.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.progress
                        .iter()
                        .map(|p| format!("{} n{}/m{}", p.node, p.next, p.matched))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div
            class="log-row"
            class:down=move || row.with(|r| r.as_ref().is_some_and(|r| !r.up))
            data-testid="log-row"
            data-node=id.to_string()
        >
            <div class="log-head">
                <strong>{id.to_string()}</strong>
                <span class="markers">{get(LogRow::markers)}</span>
            </div>
            // Scrolled from the right (style/main.css), so the newest entries stay
            // in view as the log grows without a layout forced from script.
            <div class="log-scroll" tabindex="0" role="group" aria-label=format!("{id}'s log entries")>
                <ol class="log-cells">
                    <Show when=move || row.with(|r| r.as_ref().is_some_and(|r| r.snapshot.is_some() || r.hidden > 0))>
                        <li class="log-snapshot" title="entries compacted into the snapshot, or older than those shown">
                            {move || row.with(|r| r.as_ref().map(|r| match r.snapshot {
                                Some((i, t)) => format!("snapshot ≤{i} (t{t})"),
                                None => format!("…{} older", r.hidden),
                            }).unwrap_or_default())}
                        </li>
                    </Show>
                    <For
                        each=cells
                        key=|c: &LogCell| (c.index, c.term, c.committed, c.applied, c.text.clone())
                        children=move |c: LogCell| {
                            let index = c.index;
                            let class = format!(
                                "log-cell term-{} {}",
                                c.term % TERM_COLOURS,
                                if c.committed { "committed" } else { "uncommitted" }
                            );
                            let (commit, applied) = (commit.local(), applied.local());
                            let (marker, lesson_focus) = (marker.local(), lesson_focus.local());
                            let is_commit = move || commit.get() == index;
                            let is_applied = move || applied.get() == index;
                            let focus = Focus::Entry { node: id, index };
                            view! {
                                <li
                                    class=class
                                    class:implicated=move || marker.get() == Some(index)
                                    class:focus=move || lesson_focus.with(|f| f.contains(&focus))
                                    title=c.title.clone()
                                    data-index=index.to_string()
                                    data-committed=c.committed.to_string()
                                >
                                    <span class="cell-index">{index}</span>
                                    <span class="cell-term">{format!("t{}", c.term)}</span>
                                    <span class="cell-text">{c.text.clone()}</span>
                                    <span class="cell-marks">
                                        {move || if is_commit() { "▲c" } else { "" }}
                                        {move || if is_applied() { "▲a" } else { "" }}
                                    </span>
                                </li>
                            }
                        }
                    />
                </ol>
            </div>
            <div class="log-foot">
                <span class="kv" data-testid="kv">{move || format!("state: {}", get(LogRow::kv_text)())}</span>
                <span class="progress">{progress}</span>
            </div>
        </div>
    }
}
