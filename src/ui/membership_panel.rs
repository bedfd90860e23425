//! Membership: the configuration always shown in the paper's terms, adding a
//! node (it joins as a learner, catches up and is promoted), and changing
//! several voters at once by joint consensus. Removing one node is in the
//! inspector.

use super::lab::{is_done, Lab};
use super::status_line::StatusLine;
use crate::raft::{ConfChange, NodeId};
use crate::sim::Action;
use crate::sorted::SortedSet;
use leptos::prelude::*;

/// The membership panel.
#[component]
pub fn MembershipPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let target: RwSignal<SortedSet<NodeId>> = RwSignal::new(SortedSet::new());
    // The boxes show the current voters and follow them, until the person
    // ticks one: from then on they hold that choice until it is sent or a
    // new session starts. (The configuration changes as its entries
    // commit and as time travel moves; that must not undo an edit.)
    let edited = RwSignal::new(false);
    let voters_now = Memo::new(move |_| lab.configuration.with(|c| c.voters.clone()));
    Effect::new(move |session: Option<u64>| {
        let this_session = lab.session_number.get();
        let voters = voters_now.get();
        if session != Some(this_session) {
            edited.set(false);
        }
        if !edited.get_untracked() {
            target.set(voters);
        }
        this_session
    });
    let add = move |_| {
        let spare = lab
            .configuration
            .with_untracked(|c| c.spare(&lab.node_ids()));
        match spare {
            Some(n) => lab.act_reporting(
                Action::ChangeMembership { change: ConfChange::AddVoter(n) },
                status,
            ),
            None => status.set(
                "Every server is already a member: remove one first, or start a session with a smaller cluster size".into(),
            ),
        }
    };
    let change = move |_| {
        let voters = target.get_untracked();
        if voters.is_empty() {
            status.set("Choose at least one voter".into());
            return;
        }
        let learners = lab
            .configuration
            .with_untracked(|c| c.learners_besides(&voters));
        let change = ConfChange::Joint { voters, learners };
        lab.act_reporting(Action::ChangeMembership { change }, status);
        if is_done(&status.get_untracked()) {
            // Sent: the boxes follow the configuration through the change.
            edited.set(false);
        }
    };
    let boxes = move || {
        lab.session_number.track();
        lab.node_ids()
            .into_iter()
            .map(|n| {
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            prop:checked=move || target.with(|t| t.contains(&n))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                edited.set(true);
                                target.update(|t| {
                                    if on { t.insert(n); } else { t.remove(&n); }
                                });
                            }
                        />
                        {format!("Voter {n}")}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <details class="panel group" open>
            <summary><h2>"Membership"</h2></summary>
            <p class="configuration" role="status" aria-label="Configuration" data-testid="configuration">
                <strong>{move || lab.configuration.with(|c| c.phase)}</strong>
                " "
                {move || lab.configuration.with(|c| c.text.clone())}
            </p>
            <div class="buttons">
                <button type="button" on:click=add>"Add a node"</button>
            </div>
            <fieldset class="joint">
                <legend>"Voters after a joint-consensus change"</legend>
                <div class="checks">{boxes}</div>
                <button type="button" on:click=change>"Change membership"</button>
            </fieldset>
            <StatusLine text=status testid="membership-status"/>
        </details>
    }
}
