//! The line under a group of controls that says what its last action did.

use leptos::prelude::*;

/// What the group's last action did, next to the controls that caused it:
/// "✓ …" when it worked (drawn as done), otherwise why it was refused. A
/// polite live region, so a screen reader hears it without losing focus.
#[component]
pub fn StatusLine(
    /// The message; empty before the first action.
    text: RwSignal<String>,
    /// A test id for the end-to-end suite.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p class="status" class:done=move || text.with(|s| super::lab::is_done(s))
            role="status" aria-live="polite" data-testid=testid>
            {move || text.get()}
        </p>
    }
}
