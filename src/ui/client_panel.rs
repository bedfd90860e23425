//! The client: writes (set, delete, increment, compare-and-set) through the
//! leader or a chosen node, reads in a chosen mode from a chosen node, the
//! steady workload switch, and every operation's result. Bad input is
//! refused next to the control and changes nothing.

use super::lab::Lab;
use super::status_line::StatusLine;
use crate::raft::{is_valid_key, NodeId, Op, ReadMode, MAX_KEY_CHARS};
use crate::sim::{Action, Workload};
use crate::view::mode_words;
use leptos::prelude::*;

/// The read modes in the order the menu offers them.
const MODES: [ReadMode; 4] = [
    ReadMode::ReadIndex,
    ReadMode::Lease,
    ReadMode::LeaderNoCheck,
    ReadMode::LocalAnyNode,
];

/// Parses a node choice: `leader` or `N3`.
fn parse_node(lab: Lab, choice: &str) -> Result<NodeId, String> {
    if choice == "leader" {
        return lab
            .leader_now()
            .ok_or_else(|| "No node is leader right now: choose a node to send to".to_string());
    }
    let ids = lab.node_ids();
    choice
        .trim_start_matches('N')
        .parse::<u8>()
        .ok()
        .map(NodeId)
        .filter(|n| ids.contains(n))
        .ok_or_else(|| format!("There is no node {choice}"))
}

fn parse_number(what: &str, text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| format!("{what} must be a whole number, not “{}”", text.trim()))
}

fn check_key(key: &str) -> Result<String, String> {
    let key = key.trim();
    if key.is_empty() {
        return Err("Enter a key".to_string());
    }
    if !is_valid_key(key) {
        return Err(format!("A key has at most {MAX_KEY_CHARS} characters"));
    }
    Ok(key.to_string())
}

/// The write operation described by the form.
fn build_op(kind: &str, key: &str, value: &str, expected: &str) -> Result<Op, String> {
    let key = check_key(key)?;
    Ok(match kind {
        "delete" => Op::Delete { key },
        "increment" => Op::Increment {
            key,
            by: parse_number("The amount to add", value)?,
        },
        "compare-and-set" => Op::CompareAndSet {
            key,
            expected: if expected.trim().is_empty() {
                None
            } else {
                Some(parse_number("The expected value", expected)?)
            },
            new: parse_number("The new value", value)?,
        },
        _ => Op::Set {
            key,
            value: parse_number("The value", value)?,
        },
    })
}

/// The client panel.
#[component]
pub fn ClientPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let key = RwSignal::new("x".to_string());
    let value = RwSignal::new("1".to_string());
    let expected = RwSignal::new(String::new());
    let operation = RwSignal::new("set".to_string());
    let send_to = RwSignal::new("leader".to_string());
    let mode = RwSignal::new(0usize);
    let read_from = RwSignal::new("leader".to_string());
    let write_status = RwSignal::new(String::new());
    let read_status = RwSignal::new(String::new());
    let workload_status = RwSignal::new(String::new());

    let write = move || {
        let op = build_op(
            &operation.get_untracked(),
            &key.get_untracked(),
            &value.get_untracked(),
            &expected.get_untracked(),
        );
        let target = parse_node(lab, &send_to.get_untracked());
        match (op, target) {
            (Err(e), _) | (_, Err(e)) => write_status.set(e),
            (Ok(op), Ok(node)) => {
                let words = format!("Sent {op} to {node}: see Client results");
                lab.act_reporting(Action::Write { node, op }, write_status, &words);
            }
        }
    };
    let read = move || {
        let m = MODES[mode.get_untracked().min(3)];
        match (
            check_key(&key.get_untracked()),
            parse_node(lab, &read_from.get_untracked()),
        ) {
            (Err(e), _) | (_, Err(e)) => read_status.set(e),
            (Ok(key), Ok(node)) => {
                let words = format!(
                    "Reading {key} from {node} ({}): see Client results",
                    mode_words(m)
                );
                lab.act_reporting(Action::Read { node, key, mode: m }, read_status, &words);
            }
        }
    };
    let toggle_workload = move |ev| {
        let on = event_target_checked(&ev);
        let w = on.then(Workload::default);
        let done = if on {
            "A steady random workload is running"
        } else {
            "The workload stopped"
        };
        lab.act_reporting(Action::SetWorkload(w), workload_status, done);
    };
    // Each node's option, selected when it is the choice, so the menu never
    // shows one node while the form would send to another.
    let node_options = move |chosen: RwSignal<String>| {
        move || {
            lab.generation.track();
            lab.node_ids()
                .into_iter()
                .map(|n| {
                    let name = n.to_string();
                    let value = name.clone();
                    view! { <option value=value selected=move || chosen.with(|c| *c == name)>{n.to_string()}</option> }
                })
                .collect_view()
        }
    };
    // A chosen node that a new session no longer has goes back to the leader,
    // as the menu does when its option disappears.
    Effect::new(move |_| {
        lab.generation.track();
        let ids = lab.node_ids();
        for chosen in [send_to, read_from] {
            let gone = chosen
                .with_untracked(|c| c != "leader" && !ids.iter().any(|n| n.to_string() == *c));
            if gone {
                chosen.set("leader".to_string());
            }
        }
    });
    let is_delete = move || operation.get() == "delete";
    let is_cas = move || operation.get() == "compare-and-set";
    let value_label = move || match operation.get().as_str() {
        "increment" => "Value (amount to add)",
        "compare-and-set" => "Value (new value)",
        _ => "Value",
    };

    view! {
        <section class="panel client" aria-label="Client">
            <h2>"Client"</h2>
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
                <label>"Send to"
                    <select aria-label="Send to" on:change=move |ev| send_to.set(event_target_value(&ev))>
                        <option value="leader" selected=move || send_to.with(|c| c == "leader")>"the leader"</option>
                        {node_options(send_to)}
                    </select>
                </label>
                <button type="button" class="primary" on:click=move |_| write()>"Write"</button>
            </div>
            <StatusLine text=write_status testid="write-status"/>
            <div class="form-grid">
                <label>"Read mode"
                    <select aria-label="Read mode" on:change=move |ev| mode.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {MODES.iter().enumerate().map(|(i, m)| view! { <option value=i.to_string()>{mode_words(*m)}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Read from"
                    <select aria-label="Read from" on:change=move |ev| read_from.set(event_target_value(&ev))>
                        <option value="leader" selected=move || read_from.with(|c| c == "leader")>"the leader"</option>
                        {node_options(read_from)}
                    </select>
                </label>
                <button type="button" class="primary" on:click=move |_| read()>"Read"</button>
            </div>
            <StatusLine text=read_status testid="read-status"/>
            <label class="switch">
                <input type="checkbox" prop:checked=move || lab.workload.get() on:change=toggle_workload />
                "Workload"
                <span class="note">" (a steady stream of random reads and writes)"</span>
            </label>
            <StatusLine text=workload_status/>
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
        </section>
    }
}
