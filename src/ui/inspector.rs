//! The inspector: the selected node, message or link, with its actions.
//! Every action reports its outcome (or the reason it was refused) in a
//! status line right under the buttons.
//!
//! Under a node's actions comes its state, its disk apart from its memory
//! (so a student sees what a crash keeps) and on a leader its view of each
//! follower; under a message's fields, what its receiver will do with it and
//! the rules that decide, each unfolding to its explanation. All of it is
//! computed by [`crate::view`]; this only draws it.

use super::lab::{done_text, Lab};
use super::status_line::StatusLine;
use crate::app::Selection;
use crate::raft::{ConfChange, NodeId};
use crate::sim::Action;
use crate::view::{self, Field, LeaderDetails, LinkState, MessageDot, NodeDetails};
use leptos::prelude::*;

/// The inspector panel.
#[component]
pub fn Inspector() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    // A new selection starts with a clean status line.
    Effect::new(move |_| {
        lab.selected.track();
        status.set(String::new());
    });
    view! {
        // On a phone, a selection opens the inspector as a sheet over the
        // bottom of the screen, next to what was tapped; `Done` closes it.
        <section class="panel inspector" class:sheet=move || lab.selected.with(|s| !matches!(s, Selection::None))
            role="region" aria-label="Inspector">
            <div class="inspector-head">
                <h2>"Inspector"</h2>
                <button type="button" class="sheet-done" on:click=move |_| lab.run(|a| a.select(Selection::None))>"Done"</button>
            </div>
            {move || match lab.selected.get() {
                Selection::None => view! {
                    <p class="hint">"Select a node, a link or a message in the drawing (click it, or Tab to it and press Enter) to see it here with its actions."</p>
                }.into_any(),
                Selection::Node(id) => view! { <NodeActions id=id status=status /> }.into_any(),
                Selection::Message(m) => view! { <MessageDetails message=*m status=status /> }.into_any(),
                Selection::Link(a, b) => view! { <LinkActions a=a b=b status=status /> }.into_any(),
            }}
            <StatusLine text=status testid="inspector-status"/>
        </section>
    }
}

/// One action button: runs `action()` through the lab and reports.
fn action_button(
    lab: Lab,
    label: String,
    class: &'static str,
    status: RwSignal<String>,
    action: impl Fn() -> Action + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class=class on:click=move |_| lab.act_reporting(action(), status)>
            {label}
        </button>
    }
}

/// The selected node's state and actions.
#[component]
fn NodeActions(id: NodeId, status: RwSignal<String>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let card = Memo::new(move |_| lab.cards.with(|cs| cs.iter().find(|c| c.id == id).cloned()));
    let describe = move || card.with(|c| c.as_ref().map(|c| c.describe()).unwrap_or_default());
    let drift = RwSignal::new(
        card.with_untracked(|c| c.as_ref().map_or(0, |c| c.drift_ppm))
            .to_string(),
    );
    let set_drift = move || {
        match drift.get_untracked().trim().parse::<i64>() {
        Ok(ppm) => lab.act_reporting(Action::SetClockDrift { node: id, drift_ppm: ppm }, status),
        Err(_) => status.set(format!("Clock drift must be a whole number of ppm (parts per million), such as 0 or -20000, not “{}”", drift.get_untracked())),
    }
    };
    view! {
        <div class="node-actions" data-testid="node-actions">
            <h3>{id.to_string()}</h3>
            <p class="describe">{describe}</p>
            <div class="buttons">
                {action_button(lab, format!("Crash {id}"), "danger", status, move || Action::Crash { node: id })}
                {action_button(lab, format!("Restart {id}"), "", status, move || Action::Restart { node: id })}
                {action_button(lab, format!("Time out {id}"), "", status, move || Action::ForceTimeout { node: id })}
                {action_button(lab, format!("Transfer leadership to {id}"), "", status, move || Action::TransferLeadership { target: id })}
                {action_button(lab, format!("Isolate {id}"), "", status, move || Action::Isolate { node: id })}
                {action_button(lab, format!("Remove {id} from the cluster"), "", status, move || Action::ChangeMembership { change: ConfChange::Remove(id) })}
                {action_button(lab, format!("Restart {id} with an empty disk (hazard: it forgets its term, vote and log)"), "hazard", status, move || Action::RestartBlank { node: id })}
            </div>
            <div class="field-row">
                <label>
                    {format!("Clock drift of {id}")}
                    " (ppm)"
                    <input
                        type="number"
                        step="1000"
                        prop:value=move || drift.get()
                        on:input=move |ev| drift.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Enter" { set_drift() }
                    />
                </label>
                <button type="button" on:click=move |_| set_drift()>{format!("Set drift of {id}")}</button>
            </div>
            <NodeState id=id />
        </div>
    }
}

/// The selected node's state, recomputed as time moves (its timers count
/// down on its clock); each group redraws only when its words change.
#[component]
fn NodeState(id: NodeId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let details = Memo::new(move |_| {
        lab.now.track();
        lab.cursor.track();
        lab.with_app(|a| view::node_details(a.world(), id))
    });
    let group = move |pick: fn(&NodeDetails) -> Vec<Field>| {
        Memo::new(move |_| details.with(|d| d.as_ref().map(pick).unwrap_or_default()))
    };
    let persistent = group(|d| d.persistent.clone());
    let volatile = group(|d| d.volatile.clone());
    let clock = group(|d| d.clock.clone());
    let leader = Memo::new(move |_| details.with(|d| d.as_ref().and_then(|d| d.leader.clone())));
    view! {
        <div class="node-state" data-testid="node-state">
            <h4>"Persistent (kept on disk through a crash)"</h4>
            <FieldList fields=persistent />
            <h4>"Volatile (lost in a crash)"</h4>
            <FieldList fields=volatile />
            <h4>"Clock (the machine's, not Raft state)"</h4>
            <FieldList fields=clock />
            {move || leader.get().map(|l| view! { <LeaderView leader=l /> })}
        </div>
    }
}

/// Labelled values as a description list.
#[component]
fn FieldList(fields: Memo<Vec<Field>>) -> impl IntoView {
    view! {
        <dl class="fields">
            {move || {
                fields
                    .get()
                    .into_iter()
                    .map(|f| view! { <dt>{f.label}</dt><dd>{f.value}</dd> })
                    .collect_view()
            }}
        </dl>
    }
}

/// A leader's next and match index for each other member, and its pending
/// work.
#[component]
fn LeaderView(leader: LeaderDetails) -> impl IntoView {
    let LeaderDetails {
        peers,
        pending_reads,
        pending_writes,
    } = leader;
    let reads = (!pending_reads.is_empty()).then(|| {
        view! {
            <h4>"Pending reads"</h4>
            <ul class="pending-reads">
                {pending_reads.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>
        }
    });
    view! {
        <h4>"Leader's view of each follower (volatile)"</h4>
        <table class="peers">
            <thead>
                <tr>
                    <th scope="col">"Server"</th>
                    <th scope="col">"Member as"</th>
                    <th scope="col">"Next index"</th>
                    <th scope="col">"Match index"</th>
                    <th scope="col">"State"</th>
                </tr>
            </thead>
            <tbody>
                {peers
                    .into_iter()
                    .map(|p| view! {
                        <tr>
                            <th scope="row">{p.peer.to_string()}</th>
                            <td>{p.membership}</td>
                            <td>{p.next.to_string()}</td>
                            <td>{p.matched.to_string()}</td>
                            <td>{p.note}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="pending-writes">{format!("Writes waiting to commit: {pending_writes}")}</p>
        {reads}
    }
}

/// A message's fields and the button to drop it.
#[component]
fn MessageDetails(message: MessageDot, status: RwSignal<String>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let id = message.id;
    let arrival = view::on_arrival(message.kind);
    let sent_at = message.sent_at;
    let in_flight = move || {
        lab.messages
            .with(|ms| ms.iter().any(|m| m.id == id && m.sent_at == sent_at))
    };
    // Where the message is at the cursor, which time travel moves.
    let dot = message.clone();
    let whereabouts = move || {
        let now = lab.now.get();
        let flying = in_flight();
        let dropped = if flying || now < sent_at {
            None
        } else {
            lab.with_app(|a| dot.dropped_at(a.actions()))
        };
        dot.whereabouts(now, flying, dropped)
    };
    let drop = move |_| {
        lab.act_reporting(Action::DropMessage { id }, status);
    };
    view! {
        <div class="message-details" data-testid="message-details">
            <h3>{message.name()}</h3>
            <p data-testid="message-whereabouts">{whereabouts}</p>
            <dl class="fields">
                {message
                    .fields
                    .iter()
                    .map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> })
                    .collect_view()}
            </dl>
            <button type="button" class="danger" on:click=drop disabled=move || !in_flight()>"Drop message"</button>
            <h4>{format!("On arrival at {}", message.to)}</h4>
            <p class="arrival">{arrival.what}</p>
            <ul class="arrival-rules">
                {arrival
                    .rules
                    .iter()
                    .map(|r| {
                        let e = view::explain_rule(*r);
                        view! {
                            <li>
                                <details>
                                    <summary>{format!("{} ({})", e.title, e.citation)}</summary>
                                    <p>{e.paragraph()}</p>
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// A link's state and its cuts.
#[component]
fn LinkActions(a: NodeId, b: NodeId, status: RwSignal<String>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = move || {
        lab.links.with(|ls| {
            ls.iter()
                .find(|l| l.a == a && l.b == b)
                .map(|l| l.name())
                .unwrap_or_default()
        })
    };
    let cut_both = move || {
        let r1 = lab.run(|app| app.act(Action::CutLink { from: a, to: b }));
        let r2 = lab.run(|app| app.act(Action::CutLink { from: b, to: a }));
        status.set(match r1.and(r2) {
            Ok(()) => done_text(&format!("{a} and {b} can no longer talk")),
            Err(e) => e,
        });
    };
    let restore = move || {
        let r1 = lab.run(|app| app.act(Action::RestoreLink { from: a, to: b }));
        let r2 = lab.run(|app| app.act(Action::RestoreLink { from: b, to: a }));
        status.set(match r1.and(r2) {
            Ok(()) => done_text(&format!("{a} and {b} can talk again")),
            Err(e) => e,
        });
    };
    let is_open = move || {
        lab.links.with(|ls| {
            ls.iter()
                .any(|l| l.a == a && l.b == b && l.state == LinkState::Open)
        })
    };
    view! {
        <div class="link-actions" data-testid="link-actions">
            <h3>{move || state()}</h3>
            <div class="buttons">
                {action_button(lab, format!("Cut {a} → {b}"), "", status, move || Action::CutLink { from: a, to: b })}
                {action_button(lab, format!("Cut {b} → {a}"), "", status, move || Action::CutLink { from: b, to: a })}
                <button type="button" on:click=move |_| cut_both()>{format!("Cut both ways {a} – {b}")}</button>
                <button type="button" disabled=is_open on:click=move |_| restore()>{format!("Restore {a} – {b}")}</button>
            </div>
        </div>
    }
}
