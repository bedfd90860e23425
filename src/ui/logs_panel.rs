//! The logs panel: one row per node, entries by index coloured by term,
//! committed ones solid and uncommitted ones dashed, with the commit and
//! apply markers, the leader's next/match per follower, the snapshot
//! boundary and the node's key-value state.
//!
//! Each row reads only its own memo, so a step that changes one node's log
//! redraws that row alone, and a frame that only moves time redraws none.
//! Cells are static (see `DrawnCell`).

use super::lab::Lab;
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
    view! {
        <section class="panel logs" role="region" aria-label="Logs">
            <h2>"Logs"</h2>
            <p class="hint">"Solid: committed. Dashed: not yet committed. ▲c commit index, ▲a last applied; on the leader, n/m is each follower's next and match index."</p>
            <div class="log-rows">
                {ids.into_iter().map(|id| view! { <LogRowView id=id /> }).collect_view()}
            </div>
        </section>
    }
}

/// One entry as drawn: the view's cell and what the page points at in it.
/// Everything a cell shows is in its key, so a cell is drawn once and never
/// updated: a seek that changes every entry makes new cells without any
/// reactive work per cell, and a step changes only the cells it touched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct DrawnCell {
    index: u64,
    term: u64,
    text: String,
    title: String,
    committed: bool,
    at_commit: bool,
    at_applied: bool,
    /// A broken rule names this entry.
    implicated: bool,
    /// The lesson's current stop points at this entry.
    focus: bool,
}

/// One node's log.
#[component]
fn LogRowView(id: NodeId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let row = Memo::new(move |_| {
        lab.logs
            .with(|rs| rs.iter().find(|r| r.node == id).cloned())
    });
    let get =
        move |f: fn(&LogRow) -> String| move || row.with(|r| r.as_ref().map(f).unwrap_or_default());
    let cells = Memo::new(move |_| {
        let implicated = lab.violation.with(|v| {
            v.as_ref()
                .filter(|v| v.nodes.contains(&id))
                .and_then(|v| v.index)
        });
        let focus = lab.focus();
        row.with(|r| {
            r.iter()
                .flat_map(|r| &r.cells)
                .map(|c: &LogCell| DrawnCell {
                    index: c.index,
                    term: c.term,
                    text: c.text.clone(),
                    title: c.title.clone(),
                    committed: c.committed,
                    at_commit: c.at_commit,
                    at_applied: c.at_applied,
                    implicated: implicated == Some(c.index),
                    focus: focus.contains(&Focus::Entry {
                        node: id,
                        index: c.index,
                    }),
                })
                .collect::<Vec<_>>()
        })
    });
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
                        each=move || cells.get()
                        key=|c: &DrawnCell| c.clone()
                        children=|c: DrawnCell| view! { <LogCellView c=c /> }
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

/// One entry: static, see [`DrawnCell`].
#[component]
fn LogCellView(c: DrawnCell) -> impl IntoView {
    let mut class = format!(
        "log-cell term-{} {}",
        c.term % TERM_COLOURS,
        if c.committed {
            "committed"
        } else {
            "uncommitted"
        }
    );
    if c.implicated {
        class.push_str(" implicated");
    }
    if c.focus {
        class.push_str(" focus");
    }
    let marks = match (c.at_commit, c.at_applied) {
        (true, true) => "▲c▲a",
        (true, false) => "▲c",
        (false, true) => "▲a",
        (false, false) => "",
    };
    view! {
        <li
            class=class
            title=c.title
            data-index=c.index.to_string()
            data-committed=c.committed.to_string()
        >
            <span class="cell-index">{c.index}</span>
            <span class="cell-term">{format!("t{}", c.term)}</span>
            <span class="cell-text">{c.text}</span>
            <span class="cell-marks">{marks}</span>
        </li>
    }
}
