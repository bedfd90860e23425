//! Protocol settings (Pre-Vote, CheckQuorum, leader stickiness, lease
//! reads, timing), the session's cluster size and seed, and the six
//! teaching faults, each with what it breaks.

use super::lab::{done_text, Lab};
use super::status_line::StatusLine;
use crate::app::SessionSettings;
use crate::raft::{Config, Fault};
use crate::view;
use leptos::prelude::*;

/// The protocol settings and the session, then the teaching faults.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    view! {
        <details class="panel group">
            <summary><h2>"Protocol settings"</h2></summary>
            <ProtocolSwitches />
            <SessionForm />
        </details>
        <TeachingFaults />
    }
}

/// A switch of the nodes' settings.
#[component]
fn SettingSwitch(
    /// Its name, also in its status line ("Pre-Vote on").
    name: &'static str,
    /// Whether it is on in `config`.
    read: fn(&Config) -> bool,
    /// Turns it on or off in `config`.
    write: fn(&mut Config, bool),
    /// Where the change reports.
    status: RwSignal<String>,
    /// What it does, if more than its name says.
    #[prop(optional)]
    title: Option<&'static str>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let on_change = move |ev| {
        let on = event_target_checked(&ev);
        status.set(match lab.run(|a| a.set_raft(|c| write(c, on))) {
            Ok(()) => done_text(&format!("{name} {}", if on { "on" } else { "off" })),
            Err(e) => e,
        });
    };
    view! {
        <label class="switch" title=title>
            <input type="checkbox" prop:checked=move || lab.raft.with(read) on:change=on_change />
            {name}
        </label>
    }
}

/// Pre-Vote, CheckQuorum, leader stickiness, lease reads and the timing.
#[component]
fn ProtocolSwitches() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let fmt_ms = view::milliseconds;
    let shown =
        move |pick: fn(&Config) -> u64| RwSignal::new(fmt_ms(lab.raft.with_untracked(pick)));
    let t_min = shown(|c| c.election_timeout_min_us);
    let t_max = shown(|c| c.election_timeout_max_us);
    let heartbeat = shown(|c| c.heartbeat_interval_us);
    // The fields show what the cluster uses: after a new session, an opened
    // link or file, or a seek across a timing change, they follow it, so
    // "Apply timing" never quietly re-applies values from before. A field
    // changes only when its value does, so a toggle does not wipe an edit.
    Effect::new(move |shown: Option<(u64, u64, u64)>| {
        let now = lab.raft.with(|c| {
            (
                c.election_timeout_min_us,
                c.election_timeout_max_us,
                c.heartbeat_interval_us,
            )
        });
        for (field, was, is) in [
            (t_min, shown.map(|s| s.0), now.0),
            (t_max, shown.map(|s| s.1), now.1),
            (heartbeat, shown.map(|s| s.2), now.2),
        ] {
            if was != Some(is) {
                field.set(fmt_ms(is));
            }
        }
        now
    });
    let apply_timing = move |_| {
        let typed = view::typed_timing(
            &t_min.get_untracked(),
            &t_max.get_untracked(),
            &heartbeat.get_untracked(),
        );
        status.set(
            match typed.and_then(|(lo, hi, hb)| {
                lab.run(|a| a.set_raft(|c| *c = c.with_timing(lo, hi, hb)))
            }) {
                Ok(()) => done_text("Timing changed on every node"),
                Err(e) => e,
            },
        );
    };
    let field = |label: &'static str, value: RwSignal<String>| {
        view! { <label>{label}<input type="text" inputmode="decimal" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) /></label> }
    };
    view! {
        <SettingSwitch name="Pre-Vote" read=|c| c.pre_vote write=|c, on| c.pre_vote = on status=status />
        <SettingSwitch name="CheckQuorum" read=|c| c.check_quorum write=|c, on| c.check_quorum = on status=status />
        <SettingSwitch name="Leader stickiness" read=|c| c.leader_stickiness write=|c, on| c.leader_stickiness = on status=status
            title="A server that heard from the leader within the minimum election timeout ignores vote requests (§6), so a removed server cannot depose it. CheckQuorum implies it." />
        <SettingSwitch name="Lease reads" read=|c| c.lease_reads write=|c, on| c.lease_reads = on status=status />
        <div class="form-grid">
            {field("Election timeout min (ms)", t_min)}
            {field("Election timeout max (ms)", t_max)}
            {field("Heartbeat interval (ms)", heartbeat)}
            <button type="button" on:click=apply_timing>"Apply timing"</button>
        </div>
        <StatusLine text=status testid="settings-status"/>
    }
}

/// The cluster size and the seed: changing either starts a new session.
#[component]
fn SessionForm() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    // The field follows the session's seed (a lesson or a link changes it),
    // and only when it changes, so a new size does not wipe an edit.
    let session_seed = Memo::new(move |_| lab.settings.with(|s| s.seed));
    let seed = RwSignal::new(session_seed.get_untracked().to_string());
    Effect::new(move |_| seed.set(session_seed.get().to_string()));
    let restart = move |settings: SessionSettings| {
        status.set(match lab.run(|a| a.restart(settings)) {
            Ok(()) => done_text(&format!(
                "New session: {} voters, seed {}",
                settings.size, settings.seed
            )),
            Err(e) => e,
        });
    };
    let on_size = move |ev| {
        let size = event_target_value(&ev).parse::<u8>().unwrap_or(5);
        restart(SessionSettings {
            size,
            ..lab.settings.get_untracked()
        });
    };
    let apply_seed = move || match view::typed_seed(&seed.get_untracked()) {
        Ok(seed) => restart(SessionSettings {
            seed,
            ..lab.settings.get_untracked()
        }),
        Err(e) => status.set(e),
    };
    view! {
        <h3>"Session"</h3>
        <div class="form-grid">
            <label>"Cluster size"
                <select aria-label="Cluster size" on:change=on_size>
                    {view::SIZES.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || lab.settings.with(|s| s.size == n)>{format!("{n} nodes")}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Seed"
                <input type="text" inputmode="numeric" aria-label="Seed" prop:value=move || seed.get()
                    on:input=move |ev| seed.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { apply_seed() } />
            </label>
            <button type="button" on:click=move |_| apply_seed()>"Start a new session"</button>
        </div>
        <p class="hint">"Changing the cluster size or the seed starts a new session."</p>
        <StatusLine text=status testid="session-status"/>
    }
}

/// The six teaching faults, each a switch with what it breaks; the panel is
/// marked while any is on.
#[component]
fn TeachingFaults() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let any_fault = move || {
        lab.raft
            .with(|c| Fault::ALL.iter().any(|f| c.faults.has(*f)))
    };
    let fault = move |f: Fault| {
        let on_change = move |ev| {
            let on = event_target_checked(&ev);
            status.set(match lab.run(|a| a.set_raft(|c| c.faults.set(f, on))) {
                Ok(()) => done_text(&format!("{} {}", f.name(), if on { "on" } else { "off" })),
                Err(e) => e,
            });
        };
        view! {
            <li>
                <label class="switch">
                    <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.faults.has(f)) on:change=on_change />
                    <code>{f.name()}</code>
                </label>
                <span class="fault-line">{view::fault_line(f)}</span>
            </li>
        }
    };
    view! {
        <details class="panel group faults" class:fault-on=any_fault>
            <summary><h2>"Teaching faults"</h2></summary>
            <p class="hint">"Each switch breaks one rule on every node, to show what the rule prevents."</p>
            <ul class="fault-list">{Fault::ALL.into_iter().map(fault).collect_view()}</ul>
            <StatusLine text=status testid="fault-status"/>
        </details>
    }
}
