//! The `Playhead` slider: where the cursor is in simulated time, from the
//! start to the live edge.

use super::{Lab, TimelineState};
use crate::raft::Time;
use crate::view;
use leptos::prelude::*;

/// The playhead slider; dragging it or its keys move through time.
#[component]
pub(super) fn Playhead(state: TimelineState) -> impl IntoView {
    let lab = expect_context::<Lab>();
    // Follows the panels' clock (a max moving every frame would repaint
    // the page every frame), and is set only when the live edge moved: a
    // step back, paused, leaves it alone.
    let live = Memo::new(move |_| {
        lab.panels_now.track();
        lab.live_time().0
    });
    view! {
        <input
            class="playhead-slider"
            type="range"
            aria-label="Playhead"
            min="0"
            step="any"
            prop:max=move || live.get().to_string()
            prop:value=move || lab.panels_now.get().0.to_string()
            aria-valuetext=move || lab.panels_now.get().to_string()
            on:input=move |ev| {
                if let Some(v) = view::decimal(&event_target_value(&ev)) {
                    lab.run(|a| a.seek_time(Time(v.max(0.0) as u64)));
                }
            }
            on:keydown=move |ev| {
                state.key(lab, &ev);
            }
        />
    }
}
