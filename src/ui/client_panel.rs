//! The client: writes (set, delete, increment, compare-and-set) through the
//! leader or a chosen node, reads in a chosen mode from a chosen node, the
//! steady workload switch, and every operation's result. Bad input is
//! refused next to the control and changes nothing; what the form means is
//! [`crate::view::write_op`] and [`crate::view::node_choice`].

use super::lab::Lab;
use super::status_line::StatusLine;
use crate::app::App;
use crate::raft::NodeId;
use crate::sim::{Action, Workload};
use crate::view::{self, mode_words, LEADER_CHOICE, READ_MODES};
use leptos::prelude::*;

/// The node a menu's choice means now (the leader, or a node by name).
fn chosen_node(lab: Lab, choice: &str) -> Result<NodeId, String> {
    let leader = lab.with_app(App::leader);
    view::node_choice(choice, &lab.node_ids(), leader)
}

/// The client panel.
#[component]
pub fn ClientPanel() -> impl IntoView {
    // The key is shared: a read reads the key just written.
    let key = RwSignal::new("x".to_string());
    view! {
        <section class="panel client" aria-label="Client">
            <h2>"Client"</h2>
            <WriteForm key=key />
            <ReadForm key=key />
            <WorkloadSwitch />
            <ClientResults />
        </section>
    }
}

/// A menu of "the leader" and every node; a choice the session no longer
/// has goes back to the leader, as the menu does when its option goes.
#[component]
fn NodeMenu(
    /// Its accessible name.
    label: &'static str,
    /// The choice: `leader` or a node's name.
    chosen: RwSignal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    Effect::new(move |_| {
        lab.session_number.track();
        let ids = lab.node_ids();
        let gone = chosen.with_untracked(|c| {
            c != LEADER_CHOICE && view::node_id(c).is_none_or(|n| !ids.contains(&n))
        });
        if gone {
            chosen.set(LEADER_CHOICE.to_string());
        }
    });
    // Each node's option is selected when it is the choice, so the menu
    // never shows one node while the form would send to another.
    let options = move || {
        lab.session_number.track();
        lab.node_ids()
            .into_iter()
            .map(|n| {
                let name = n.to_string();
                let value = name.clone();
                view! { <option value=value selected=move || chosen.with(|c| *c == name)>{n.to_string()}</option> }
            })
            .collect_view()
    };
    // Which node "the leader" is now, so the choice is never ambiguous
    // while a deposed leader still acts on an older term.
    let leader_words = move || {
        lab.cards.with(|cards| {
            let leaders: Vec<(NodeId, u64)> = cards
                .iter()
                .filter(|c| c.kind == view::Kind::Leader)
                .map(|c| (c.id, c.term))
                .collect();
            view::leader_choice_words(&leaders)
        })
    };
    view! {
        <label>{label}
            <select aria-label=label on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value=LEADER_CHOICE selected=move || chosen.with(|c| c == LEADER_CHOICE)>{leader_words}</option>
                {options}
            </select>
        </label>
    }
}

/// A write: key, operation, value (and expected value), and where to send.
#[component]
fn WriteForm(
    /// The key, as typed.
    key: RwSignal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let value = RwSignal::new("1".to_string());
    let expected = RwSignal::new(String::new());
    let operation = RwSignal::new("set".to_string());
    let send_to = RwSignal::new(LEADER_CHOICE.to_string());
    let status = RwSignal::new(String::new());
    let write = move |_| {
        let op = view::write_op(
            &operation.get_untracked(),
            &key.get_untracked(),
            &value.get_untracked(),
            &expected.get_untracked(),
        );
        match (op, chosen_node(lab, &send_to.get_untracked())) {
            (Err(e), _) | (_, Err(e)) => status.set(e),
            (Ok(op), Ok(node)) => lab.act_reporting(Action::Write { node, op }, status),
        }
    };
    let is_delete = move || operation.get() == "delete";
    let is_cas = move || operation.get() == "compare-and-set";
    let value_label = move || match operation.get().as_str() {
        "increment" => "Value (amount to add)",
        "compare-and-set" => "Value (new value)",
        _ => "Value",
    };
    view! {
        <div class="form-grid">
            <label>"Key"<input type="text" aria-label="Key" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) /></label>
            <label>"Operation"
                <select aria-label="Operation" on:change=move |ev| operation.set(event_target_value(&ev))>
                    <option value="set">"set"</option>
                    <option value="delete">"delete"</option>
                    <option value="increment">"increment"</option>
                    <option value="compare-and-set">"compare-and-set"</option>
                </select>
            </label>
            <label class:hidden=is_delete>{value_label}
                <input type="text" inputmode="numeric" aria-label="Value" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
            <Show when=is_cas>
                <label>"Expected (empty: absent)"
                    <input type="text" inputmode="numeric" aria-label="Expected value" prop:value=move || expected.get() on:input=move |ev| expected.set(event_target_value(&ev)) />
                </label>
            </Show>
            <NodeMenu label="Send to" chosen=send_to />
            <button type="button" class="primary" on:click=write>"Write"</button>
        </div>
        <StatusLine text=status testid="write-status"/>
    }
}

/// A read: the key (shared with the write form's), the mode, and the node.
#[component]
fn ReadForm(
    /// The key, as typed (in the write form).
    key: RwSignal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let mode = RwSignal::new(0usize);
    let read_from = RwSignal::new(LEADER_CHOICE.to_string());
    let status = RwSignal::new(String::new());
    let read = move |_| {
        let m = READ_MODES[mode.get_untracked().min(READ_MODES.len() - 1)];
        match (
            view::checked_key(&key.get_untracked()),
            chosen_node(lab, &read_from.get_untracked()),
        ) {
            (Err(e), _) | (_, Err(e)) => status.set(e),
            (Ok(key), Ok(node)) => lab.act_reporting(Action::Read { node, key, mode: m }, status),
        }
    };
    view! {
        <div class="form-grid">
            <label>"Read mode"
                <select aria-label="Read mode" on:change=move |ev| mode.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {READ_MODES.iter().enumerate().map(|(i, m)| view! { <option value=i.to_string()>{mode_words(*m)}</option> }).collect_view()}
                </select>
            </label>
            <NodeMenu label="Read from" chosen=read_from />
            <button type="button" class="primary" on:click=read>"Read"</button>
        </div>
        <StatusLine text=status testid="read-status"/>
    }
}

/// The steady random workload's switch.
#[component]
fn WorkloadSwitch() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        lab.act_reporting(Action::SetWorkload(on.then(Workload::default)), status);
    };
    view! {
        <label class="switch">
            <input type="checkbox" prop:checked=move || lab.workload.get() on:change=toggle />
            "Workload"
            <span class="note">" (a steady stream of random reads and writes)"</span>
        </label>
        <StatusLine text=status/>
    }
}

/// Every client operation's result, newest first, with its verdict.
#[component]
fn ClientResults() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <h3 id="results-heading">"Client results"</h3>
        <div role="log" aria-label="Client results" data-testid="client-results">
            <ol class="results">
                <For
                    each=move || lab.results.get()
                    key=|r| (r.op, r.verdict, r.text.clone())
                    children=move |r| {
                        view! {
                            <li class=format!("result verdict-{}", r.verdict.class()) data-verdict=r.verdict.class()>
                                {r.text.clone()}
                            </li>
                        }
                    }
                />
            </ol>
        </div>
    }
}
