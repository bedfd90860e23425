//! Protocol settings (Pre-Vote, CheckQuorum, timing), the session's cluster
//! size and seed, and the six teaching faults, each with what it breaks.

use super::lab::{done_text, Lab, SessionSettings};
use super::status_line::StatusLine;
use crate::raft::{Config, Fault};
use crate::view;
use leptos::prelude::*;

/// What each teaching fault breaks, in one line a student can act on.
pub fn fault_line(f: Fault) -> &'static str {
    match f {
        Fault::FixedTimeouts => "Every election timeout is the same: split votes repeat and no leader may ever win.",
        Fault::CommitAnyTerm => "A leader commits old-term entries by counting replicas: a committed entry can be overwritten (Figure 8).",
        Fault::NoElectionRestriction => "Votes ignore how up to date the candidate's log is: a leader can lack committed entries.",
        Fault::NaiveMembership => "Membership changes skip joint consensus: two majorities can elect two leaders.",
        Fault::VolatileVote => "Term and vote are not saved to disk: a restarted node can vote twice in one term.",
        Fault::StaleLocalRead => "The leader answers reads from local state without confirming it still leads: stale reads.",
    }
}

fn ms(text: &str, what: &str) -> Result<u64, String> {
    view::decimal(text.trim())
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| (v * 1000.0).round() as u64)
        .ok_or_else(|| {
            format!(
                "{what} must be a positive number of milliseconds, not “{}”",
                text.trim()
            )
        })
}

/// The settings panel.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let session_status = RwSignal::new(String::new());
    let fault_status = RwSignal::new(String::new());
    let fmt_ms = view::milliseconds;
    let raft0 = lab.raft.get_untracked();
    let t_min = RwSignal::new(fmt_ms(raft0.election_timeout_min_us));
    let t_max = RwSignal::new(fmt_ms(raft0.election_timeout_max_us));
    let heartbeat = RwSignal::new(fmt_ms(raft0.heartbeat_interval_us));
    let seed = RwSignal::new(lab.session.get_untracked().seed.to_string());
    // The fields show what the cluster uses: after a new session, an opened
    // link or file, or a seek across a timing change, they follow it, so
    // "Apply timing" never quietly re-applies values from before. A field
    // changes only when its value does, so a toggle does not wipe an edit.
    Effect::new(move |shown: Option<(u64, u64, u64, u64)>| {
        let now = (
            lab.raft.with(|c| c.election_timeout_min_us),
            lab.raft.with(|c| c.election_timeout_max_us),
            lab.raft.with(|c| c.heartbeat_interval_us),
            lab.session.with(|s| s.seed),
        );
        let changed =
            |pick: fn(&(u64, u64, u64, u64)) -> u64| shown.as_ref().map(pick) != Some(pick(&now));
        if changed(|v| v.0) {
            t_min.set(fmt_ms(now.0));
        }
        if changed(|v| v.1) {
            t_max.set(fmt_ms(now.1));
        }
        if changed(|v| v.2) {
            heartbeat.set(fmt_ms(now.2));
        }
        if changed(|v| v.3) {
            seed.set(now.3.to_string());
        }
        now
    });

    let toggle = move |words: &'static str, f: fn(&mut Config, bool)| {
        move |ev| {
            let on = event_target_checked(&ev);
            match lab.set_raft(|c| f(c, on)) {
                Ok(()) => status.set(done_text(&format!(
                    "{words} {}",
                    if on { "on" } else { "off" }
                ))),
                Err(e) => status.set(e),
            }
        }
    };
    let apply_timing = move |_| {
        let parsed = (|| {
            Ok::<_, String>((
                ms(&t_min.get_untracked(), "The minimum election timeout")?,
                ms(&t_max.get_untracked(), "The maximum election timeout")?,
                ms(&heartbeat.get_untracked(), "The heartbeat interval")?,
            ))
        })();
        match parsed {
            Err(e) => status.set(e),
            Ok((lo, hi, hb)) => {
                let result = lab.set_raft(|c| *c = c.with_timing(lo, hi, hb));
                status.set(match result {
                    Ok(()) => done_text("Timing changed on every node"),
                    Err(e) => e,
                });
            }
        }
    };
    let restart = move |settings: SessionSettings| match lab.restart(settings) {
        Ok(()) => session_status.set(done_text(&format!(
            "New session: {} voters, seed {}",
            settings.size, settings.seed
        ))),
        Err(e) => session_status.set(e),
    };
    let on_size = move |ev| {
        let size = event_target_value(&ev).parse::<u8>().unwrap_or(5);
        let mut s = lab.session.get_untracked();
        s.size = size;
        restart(s);
    };
    let apply_seed = move || match seed.get_untracked().trim().parse::<u64>() {
        Ok(v) => {
            let mut s = lab.session.get_untracked();
            s.seed = v;
            restart(s);
        }
        Err(_) => session_status.set(format!(
            "The seed must be a whole number from 0 to 18446744073709551615, not “{}”",
            seed.get_untracked().trim()
        )),
    };
    let any_fault = move || {
        lab.raft
            .with(|c| Fault::ALL.iter().any(|f| c.faults.has(*f)))
    };

    view! {
        <details class="panel group">
            <summary><h2>"Protocol settings"</h2></summary>
            <label class="switch">
                <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.pre_vote)
                    on:change=toggle("Pre-Vote", |c, on| c.pre_vote = on) />
                "Pre-Vote"
            </label>
            <label class="switch">
                <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.check_quorum)
                    on:change=toggle("CheckQuorum", |c, on| c.check_quorum = on) />
                "CheckQuorum"
            </label>
            <label class="switch" title="A server that heard from the leader within the minimum election timeout ignores vote requests (§6), so a removed server cannot depose it. CheckQuorum implies it.">
                <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.leader_stickiness)
                    on:change=toggle("Leader stickiness", |c, on| c.leader_stickiness = on) />
                "Leader stickiness"
            </label>
            <label class="switch">
                <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.lease_reads)
                    on:change=toggle("Lease reads", |c, on| c.lease_reads = on) />
                "Lease reads"
            </label>
            <div class="form-grid">
                <label>"Election timeout min (ms)"<input type="text" inputmode="decimal" prop:value=move || t_min.get() on:input=move |ev| t_min.set(event_target_value(&ev)) /></label>
                <label>"Election timeout max (ms)"<input type="text" inputmode="decimal" prop:value=move || t_max.get() on:input=move |ev| t_max.set(event_target_value(&ev)) /></label>
                <label>"Heartbeat interval (ms)"<input type="text" inputmode="decimal" prop:value=move || heartbeat.get() on:input=move |ev| heartbeat.set(event_target_value(&ev)) /></label>
                <button type="button" on:click=apply_timing>"Apply timing"</button>
            </div>
            <StatusLine text=status testid="settings-status"/>
            <h3>"Session"</h3>
            <div class="form-grid">
                <label>"Cluster size"
                    <select aria-label="Cluster size" on:change=on_size>
                        {view::SIZES.into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || lab.session.with(|s| s.size == n)>{format!("{n} nodes")}</option>
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
            <StatusLine text=session_status testid="session-status"/>
        </details>
        <details class="panel group faults" class:fault-on=any_fault>
            <summary><h2>"Teaching faults"</h2></summary>
            <p class="hint">"Each switch breaks one rule on every node, to show what the rule prevents."</p>
            <ul class="fault-list">
                {Fault::ALL.into_iter().map(|f| {
                    let on_change = move |ev| {
                        let on = event_target_checked(&ev);
                        match lab.set_raft(|c| c.faults.set(f, on)) {
                            Ok(()) => fault_status.set(done_text(&format!("{} {}", f.name(), if on { "on" } else { "off" }))),
                            Err(e) => fault_status.set(e),
                        }
                    };
                    view! {
                        <li>
                            <label class="switch">
                                <input type="checkbox" prop:checked=move || lab.raft.with(|c| c.faults.has(f)) on:change=on_change />
                                <code>{f.name()}</code>
                            </label>
                            <span class="fault-line">{fault_line(f)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <StatusLine text=fault_status testid="fault-status"/>
        </details>
    }
}
