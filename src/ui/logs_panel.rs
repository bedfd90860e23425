//! The logs panel: one row per node, entries by index coloured by term,
//! committed ones solid and uncommitted ones dashed, with the commit and
//! apply markers, the leader's next/match per follower, the snapshot
//! boundary and the node's key-value state.
//!
//! Each row reads only its own memo, so a step that changes one node's log
//! redraws that row alone, and a frame that only moves time redraws none.
//! The entries are markup made by `view::cells_html`.

use super::lab::Lab;
use crate::raft::NodeId;
use crate::scenario::Focus;
use crate::view::{self, LogRow};
use leptos::prelude::*;

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
    // The entries as markup (see `view::cells_html`): remade only when
    // the row, the broken rule or the lesson's focus changes.
    let cells = Memo::new(move |_| {
        let implicated = lab.violation.with(|v| {
            v.as_ref()
                .filter(|v| v.nodes.contains(&id))
                .and_then(|v| v.index)
        });
        let focus = lab.focus();
        row.with(|r| {
            r.as_ref().map_or_else(String::new, |r| {
                view::cells_html(r, implicated, |index| {
                    focus.contains(&Focus::Entry { node: id, index })
                })
            })
        })
    });
    // Set here rather than with `inner_html=`, which leaves a placeholder
    // comment in an empty list until the first entry: the same screen
    // must give the same markup whichever way time travelled to it.
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        let html = cells.get();
        if let Some(el) = list.get() {
            el.set_inner_html(&html);
        }
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
                <ol class="log-cells" node_ref=list></ol>
            </div>
            <div class="log-foot">
                <span class="kv" data-testid="kv">{move || format!("state: {}", get(LogRow::kv_text)())}</span>
                <span class="progress">{progress}</span>
            </div>
        </div>
    }
}
