//! The event log's filters: the node, the kinds of line, the search box,
//! the export button, and the search's progress.

use super::Lab;
use crate::raft::NodeId;
use crate::view::{self, LineKind};
use leptos::prelude::*;

/// The filter controls above the list.
#[component]
pub(super) fn EventLogFilters(
    /// The node whose steps are listed (all when none).
    node: RwSignal<Option<NodeId>>,
    /// The kinds of line listed, as [`LineKind::bit`]s.
    kinds: RwSignal<u8>,
    /// The words searched for, as typed.
    search: RwSignal<String>,
    /// A search's progress: how far, of how far.
    progress: RwSignal<Option<(u64, u64)>>,
    /// Saves the lines listed as a text file.
    export: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The nodes change only with a new session: the menu is rebuilt then,
    // not on every redraw of the cluster. A node the new session lacks
    // filters nothing: back to every node, as the menu then shows.
    let node_ids = move || {
        lab.session_number.track();
        lab.node_ids()
    };
    Effect::new(move |_| {
        let ids = node_ids();
        if node.with_untracked(|n| n.is_some_and(|n| !ids.contains(&n))) {
            node.set(None);
        }
    });
    let on_node = move |ev| node.set(view::node_id(&event_target_value(&ev)));
    let kind_box = |k: &LineKind| {
        let bit = k.bit();
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || kinds.get() & bit != 0
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        kinds.update(|ks| if on { *ks |= bit } else { *ks &= !bit });
                    }
                />
                {k.name()}
            </label>
        }
    };
    view! {
        <div class="log-filters" role="group" aria-label="Event log filters">
            <label>
                "Steps at "
                <select on:change=on_node>
                    <option value="" selected=move || node.with(Option::is_none)>"every node"</option>
                    {move || node_ids().into_iter().map(|n| view! { <option value=n.to_string() selected=move || node.get() == Some(n)>{n.to_string()}</option> }).collect_view()}
                </select>
            </label>
            {LineKind::ALL.iter().map(kind_box).collect_view()}
            <input
                type="search"
                aria-label="Search the event log"
                placeholder="Search, e.g. refused or N3"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <button type="button" on:click=move |_| export()>"Export the event log"</button>
            <span class="search-progress" role="status">
                {move || progress.get().map(|(done, all)| format!("Searching… {}%", done * 100 / all.max(1))).unwrap_or_default()}
            </span>
        </div>
    }
}
