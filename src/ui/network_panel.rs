//! Network controls: isolate the leader, split the cluster into two groups
//! of a chosen shape, heal, a split vote in one click (every follower
//! times out at once), and the loss, duplication and latency sliders.
//! Single links are cut by selecting them in the drawing.

use super::lab::Lab;
use super::status_line::StatusLine;
use crate::app::App;
use crate::raft::NodeId;
use crate::sim::{Action, NetworkConfig};
use crate::view::fixed;
use leptos::prelude::*;

/// The two groups of a split: the first `k` nodes, and the rest.
fn split(ids: &[NodeId], k: usize) -> Vec<Vec<NodeId>> {
    let k = k.clamp(1, ids.len().saturating_sub(1).max(1));
    vec![ids[..k].to_vec(), ids[k..].to_vec()]
}

/// The network panel.
#[component]
pub fn NetworkPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let shape = RwSignal::new(2usize);
    let isolate_leader = move |_| match lab.with_app(App::leader) {
        Some(l) => lab.act_reporting(Action::Isolate { node: l }, status),
        None => status.set("No node is leader right now, so there is no leader to isolate".into()),
    };
    let do_split = move |_| {
        let groups = split(&lab.node_ids(), shape.get_untracked());
        lab.act_reporting(Action::Partition { groups }, status);
    };
    let heal = move |_| lab.act_reporting(Action::Heal, status);
    let split_vote = move |_| {
        status.set(match lab.run(App::split_vote) {
            Ok(done) => super::lab::done_text(&done),
            Err(e) => e,
        });
    };
    let set_network = move |change: &dyn Fn(&mut NetworkConfig)| {
        let mut n = lab.network.get_untracked();
        change(&mut n);
        lab.act_reporting(Action::SetNetwork(n), status);
    };
    let shapes = move || {
        lab.session_number.track();
        let ids = lab.node_ids();
        (1..ids.len())
            .map(|k| {
                let words = crate::view::groups_text(&split(&ids, k));
                view! { <option value=k.to_string() selected=move || shape.get() == k>{words}</option> }
            })
            .collect_view()
    };
    let loss = move || lab.network.with(|n| n.loss_permille);
    let dup = move || lab.network.with(|n| n.duplicate_permille);
    let latency = move || lab.network.with(|n| n.latency_min_us / 1000);
    view! {
        <details class="panel group" open>
            <summary><h2>"Network"</h2></summary>
            <div class="buttons">
                <button type="button" on:click=isolate_leader>"Isolate the leader"</button>
                <button type="button" class="danger" on:click=do_split>"Split the cluster"</button>
                <label>"into "
                    <select aria-label="Groups of the split" on:change=move |ev| shape.set(event_target_value(&ev).parse().unwrap_or(2))>
                        {shapes}
                    </select>
                </label>
                <button type="button" on:click=heal>"Heal the network"</button>
                <button type="button" on:click=split_vote
                    title="Time out every follower at the same instant: each votes for itself, and no one can win the next term">
                    "Split vote"
                </button>
            </div>
            <p class="hint">"To cut a single link, one way or both, select it in the drawing."</p>
            <label class="slider">
                <span>"Message loss " <output>{move || format!("{} %", fixed(f64::from(loss()) / 10.0, 0))}</output></span>
                <input type="range" min="0" max="500" step="10" aria-label="Message loss"
                    prop:value=move || loss().to_string()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<u16>().unwrap_or(0);
                        set_network(&move |n| n.loss_permille = v);
                    } />
            </label>
            <label class="slider">
                <span>"Duplication " <output>{move || format!("{} %", fixed(f64::from(dup()) / 10.0, 0))}</output></span>
                <input type="range" min="0" max="500" step="10" aria-label="Duplication"
                    prop:value=move || dup().to_string()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<u16>().unwrap_or(0);
                        set_network(&move |n| n.duplicate_permille = v);
                    } />
            </label>
            <label class="slider">
                <span>"Latency " <output>{move || lab.network.with(crate::view::latency_words)}</output></span>
                <input type="range" min="1" max="200" step="1" aria-label="Latency"
                    prop:value=move || latency().to_string()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<u64>().unwrap_or(5).max(1);
                        set_network(&move |n| {
                            n.latency_min_us = v * 1000;
                            n.latency_max_us = v * 3000;
                        });
                    } />
            </label>
            <StatusLine text=status testid="network-status-line"/>
        </details>
    }
}
