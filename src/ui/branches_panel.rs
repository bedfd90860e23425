//! The Branches panel: every branch of the history, with the step it split
//! at and the action that started it; a click puts it on screen.

use super::lab::Lab;
use leptos::prelude::*;

/// The list of branches.
#[component]
pub fn BranchesPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <section class="panel branches" aria-labelledby="branches-title">
            <h2 id="branches-title">"Branches"</h2>
            <p class="hint">"Acting in the past starts a new branch; the old future is kept here, so you can compare “what happened” with “what if”."</p>
            <ol class="branch-list">
                <For each=move || lab.branches.get() key=|b| (b.id, b.steps, b.label.clone()) let:b>
                    {
                        let id = b.id;
                        let current = move || lab.branch.get() == id;
                        // The branch on screen grows as it plays; the
                        // others keep the length they were parked with.
                        let words = move || {
                            let steps = if current() { lab.furthest.get() } else { b.steps };
                            match b.diverged_at {
                                Some(step) => format!("{} ({} steps, split at step {step})", b.label, steps.max(step)),
                                None => format!("{} ({} steps)", b.label, steps),
                            }
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="branch"
                                    class:current=current
                                    aria-current=move || current().then_some("true")
                                    on:click=move |_| lab.run(|a| a.switch_branch(id))
                                >
                                    {words}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}
