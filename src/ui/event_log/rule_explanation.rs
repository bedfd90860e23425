//! The explanation of the rule a line cites.

use crate::raft::Rule;
use crate::view;
use leptos::prelude::*;

/// The explanation of the rule last cited, with a button to close it.
#[component]
pub(super) fn RuleExplanation(rule: RwSignal<Option<Rule>>) -> impl IntoView {
    view! {
        {move || rule.get().map(|r| {
            let e = view::explain_rule(r);
            view! {
                <section class="rule-explanation" role="region" aria-label="Rule explanation">
                    <h3>{format!("{} ({})", e.title, e.citation)}</h3>
                    <p>{e.says}</p>
                    <p><strong>"Without it: "</strong>{e.without_it}</p>
                    <p>{match e.broken_by {
                        Some(f) => format!("The teaching fault “{}” breaks it: switch it on under Settings to see what goes wrong.", f.name()),
                        None => "No teaching fault switches this rule off.".to_string(),
                    }}</p>
                    <button type="button" on:click=move |_| rule.set(None)>"Close the explanation"</button>
                </section>
            }
        })}
    }
}
