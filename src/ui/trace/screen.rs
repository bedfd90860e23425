//! The screen of a recorded trace: the same parts as the lab's, drawn from
//! `crate::trace::screen` at the cursor.

use super::TraceShell;
use crate::trace::markup::{cluster_svg, event_rows, logs_markup};
use crate::trace::screen::{cards, checks_words, count, dots, duration_words, event_words};
use crate::trace::swimlane::{cursor_at, trace_swimlane};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Sets `el`'s content to `html` (markup made natively, see
/// `crate::trace::markup`). If the keyboard focus was on an element inside
/// with the attribute `key`, it moves to the new element with the same
/// value, so stepping never drops the focus to the page.
fn set_markup(el: &web_sys::Element, html: &str, key: &str) {
    let focused = el
        .owner_document()
        .and_then(|d| d.active_element())
        .filter(|a| el.contains(Some(a)))
        .and_then(|a| a.get_attribute(key));
    el.set_inner_html(html);
    let again = focused.and_then(|v| {
        el.query_selector(&format!("[{key}=\"{v}\"]"))
            .ok()
            .flatten()
    });
    if let Some(again) = again {
        // SVG and HTML elements alike have focus().
        if let Ok(focus) = js_sys::Reflect::get(&again, &"focus".into()) {
            if let Some(focus) = focus.dyn_ref::<js_sys::Function>() {
                let _ = focus.call0(&again);
            }
        }
    }
}

/// The value of attribute `key` on the element an event happened in, or
/// the nearest one around it that has it.
fn event_key(ev: &web_sys::Event, key: &str) -> Option<String> {
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&format!("[{key}]"))
        .ok()??
        .get_attribute(key)
}

/// A recorded trace on screen, in place of the lab.
#[component]
pub fn TraceLab() -> impl IntoView {
    view! {
        <div class="sticky-top">
            <TraceBar />
        </div>
        <main class="lab trace-lab">
            <div class="stage">
                <TraceCluster />
                <TraceTimeline />
                <TraceEventLog />
                <TraceLogs />
            </div>
            <div class="side">
                <TraceChecks />
                <TraceInspector />
            </div>
        </main>
    }
}

/// The top bar: what was opened, stepping, the playhead, closing.
#[component]
fn TraceBar() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let at_start = move || shell.cursor.get() == 0;
    let at_end = move || shell.cursor.get() >= shell.len.get();
    let time = move || {
        let c = shell.cursor.get();
        let t = shell.with(|t| t.time_at(c)).flatten();
        let event = format!(
            "event {} of {}",
            count(c as u64),
            count(shell.len.get() as u64)
        );
        match t {
            Some(ms) => format!("{} · {event}", duration_words(ms)),
            None => event,
        }
    };
    view! {
        <section class="controls topbar trace-bar" aria-label="Recorded trace">
            <p class="trace-status" role="status" data-testid="trace-summary">
                <strong>"Recorded trace (read-only): "</strong>
                {move || shell.status.get()}
            </p>
            <button type="button" class="play-pause primary" aria-keyshortcuts="Space"
                aria-label=move || if shell.playing.get() { "Pause" } else { "Play" }
                on:click=move |_| shell.toggle_play()>
                {move || if shell.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <div class="stepping" role="group" aria-label="Stepping">
                <button type="button" class="step" aria-label="Go to start" on:click=move |_| shell.seek(0) disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"|◀"</span>
                    <span class="step-words">"Go to start"</span>
                </button>
                <button type="button" class="step" aria-label="Previous key event" on:click=move |_| shell.previous_key() disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"◀◀"</span>
                    <span class="step-words">"Previous key event"</span>
                </button>
                <button type="button" class="step" aria-label="Step back" aria-keyshortcuts="," on:click=move |_| shell.step_back() disabled=at_start>
                    <span class="step-icon" aria-hidden="true">"◀"</span>
                    <span class="step-words">"Step back"</span>
                </button>
                <button type="button" class="step" aria-label="Step forward" aria-keyshortcuts="." on:click=move |_| shell.step_forward() disabled=at_end>
                    <span class="step-icon" aria-hidden="true">"▶"</span>
                    <span class="step-words">"Step forward"</span>
                </button>
                <button type="button" class="step" aria-label="Next key event" on:click=move |_| shell.next_key() disabled=at_end>
                    <span class="step-icon" aria-hidden="true">"▶▶"</span>
                    <span class="step-words">"Next key event"</span>
                </button>
                <button type="button" class="step" aria-label="Go to live (the end)" title="The trace's last event" on:click=move |_| shell.seek(usize::MAX) disabled=at_end>
                    <span class="step-icon" aria-hidden="true">"▶|"</span>
                    <span class="step-words">"Go to live (the end)"</span>
                </button>
            </div>
            <label class="trace-playhead">
                <span class="visually-hidden">"Playhead"</span>
                <input type="range" aria-label="Playhead" min="0"
                    max=move || shell.len.get().to_string()
                    prop:value=move || shell.cursor.get().to_string()
                    aria-valuetext=time
                    on:input=move |ev| {
                        if let Ok(to) = event_target_value(&ev).parse::<usize>() {
                            shell.playing.set(false);
                            shell.seek(to);
                        }
                    } />
            </label>
            <p class="clock">
                <output role="timer" aria-label="Trace time" data-testid="trace-time">{time}</output>
            </p>
            // The event just stepped to, for screen readers.
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="trace-announcer">
                {move || {
                    let c = shell.cursor.get();
                    c.checked_sub(1)
                        .and_then(|i| shell.with(|t| event_words(t, i).0))
                        .unwrap_or_default()
                }}
            </p>
            <button type="button" on:click=move |_| shell.close()>"Close the trace"</button>
        </section>
    }
}

/// The nodes on a ring with the messages in flight between them; a node
/// is a button that shows it in the inspector.
#[component]
fn TraceCluster() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let svg = Memo::new(move |_| {
        let (c, selected) = (shell.cursor.get(), shell.selected.get());
        shell
            .with(|t| cluster_svg(t, c, selected))
            .unwrap_or_default()
    });
    let in_flight = Memo::new(move |_| {
        let c = shell.cursor.get();
        shell.with(|t| dots(t, c).len()).unwrap_or(0)
    });
    let drawing = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let html = svg.get();
        if let Some(el) = drawing.get() {
            set_markup(&el, &html, "data-node");
        }
    });
    let select = move |ev: &web_sys::Event| {
        if let Some(i) = event_key(ev, "data-node").and_then(|n| n.parse::<usize>().ok()) {
            shell
                .selected
                .update(|s| *s = if *s == Some(i) { None } else { Some(i) });
        }
    };
    view! {
        <section class="panel trace-cluster" aria-label="Cluster">
            <h2>"Cluster"</h2>
            <div node_ref=drawing
                on:click=move |ev| select(&ev)
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        select(&ev);
                    }
                }></div>
            <p class="hint" data-testid="trace-in-flight">
                {move || match in_flight.get() {
                    0 => "No message in flight at this event.".to_string(),
                    1 => "1 message in flight.".to_string(),
                    n => format!("{n} messages in flight."),
                }}
                " Letters: L leader, C candidate, P pre-candidate, F follower, ✕ crashed; T is the term."
            </p>
        </section>
    }
}

/// The swimlane: a window of events around the cursor; a click moves the
/// cursor there.
#[component]
fn TraceTimeline() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let svg = move || {
        let c = shell.cursor.get();
        shell.with(|t| trace_swimlane(t, c)).unwrap_or_default()
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(el) = ev
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let fraction = (f64::from(ev.client_x()) - rect.left()) / rect.width();
        let (len, c) = (shell.len.get_untracked(), shell.cursor.get_untracked());
        if let Some(to) = cursor_at(len, c, fraction) {
            shell.playing.set(false);
            shell.seek(to);
        }
    };
    view! {
        <section class="panel trace-timeline" role="region" aria-label="Timeline">
            <h2>"Timeline"</h2>
            <div class="trace-lanes-box" tabindex="0" role="group" aria-label="Swimlane (scrolls sideways on a narrow screen)" on:click=on_click inner_html=svg></div>
            <p class="hint">"One column per event, in the trace's order; arrows go from sending to receipt (dashed: the other end is outside this window; × never received). Faint: still to come. Click a column to go there."</p>
        </section>
    }
}

/// The events around the cursor in words, each with its line; a click
/// goes there.
#[component]
fn TraceEventLog() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let rows = Memo::new(move |_| {
        let c = shell.cursor.get();
        shell.with(|t| event_rows(t, c)).unwrap_or_default()
    });
    // Set whole, then the current line scrolled to the middle of the list.
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        let html = rows.get();
        let Some(list) = list.get() else { return };
        set_markup(&list, &html, "data-line");
        let current = list
            .query_selector(".current")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(row) = current {
            let top = row.offset_top() - list.client_height() / 2;
            list.set_scroll_top(top.max(0));
        }
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(line) = event_key(&ev, "data-line").and_then(|l| l.parse::<u64>().ok()) {
            shell.seek_line(line);
        }
    };
    view! {
        <section class="panel event-log trace-event-log" aria-labelledby="trace-log-title">
            <h2 id="trace-log-title">"Event log"</h2>
            <ol class="trace-lines" role="list" aria-label="Event log" node_ref=list on:click=on_click></ol>
        </section>
    }
}

/// Every node's log at the cursor, as far as the trace tells it.
#[component]
fn TraceLogs() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let rows = Memo::new(move |_| {
        let c = shell.cursor.get();
        shell.with(|t| logs_markup(t, c)).unwrap_or_default()
    });
    let box_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let html = rows.get();
        if let Some(el) = box_ref.get() {
            el.set_inner_html(&html);
        }
    });
    let no_terms = move || {
        shell.number.track();
        shell.with(|t| !t.has_entry_terms()).unwrap_or(false)
    };
    view! {
        <section class="panel logs trace-logs" aria-label="Logs">
            <h2>"Logs"</h2>
            <Show when=no_terms>
                <p class="hint">"This trace gives each log's length and commit index, not its entries' terms: cells show indices (t?); solid ones are committed."</p>
            </Show>
            <div node_ref=box_ref></div>
        </section>
    }
}

/// What the checks found: each broken rule with its line (a button goes
/// there), the rules checked and those the trace had no data for.
#[component]
fn TraceChecks() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let summary = move || {
        shell.number.track();
        shell.with(|t| {
            let broken = t
                .violations
                .iter()
                .take(20)
                .map(|v| (v.line, v.rule.name(), v.words.clone()))
                .collect::<Vec<_>>();
            (checks_words(t), broken, t.violations.len())
        })
    };
    view! {
        <section class="panel trace-checks" aria-labelledby="trace-checks-title">
            <h2 id="trace-checks-title">"Checks"</h2>
            {move || summary().map(|((verdict, ran, not), broken, total)| view! {
                {(!broken.is_empty()).then(|| view! {
                    <div class="violation" role="alert" data-testid="trace-violation">
                        <strong>{format!("{} broken at line {}", capital(broken[0].1), broken[0].0)}</strong>
                        <ul class="trace-broken">
                            {broken.iter().map(|(line, rule, words)| {
                                let line = *line;
                                view! {
                                    <li>
                                        {format!("Line {line}: {rule}: {words} ")}
                                        <button type="button" on:click=move |_| shell.seek_line(line)>
                                            {format!("Go to line {line}")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(total > broken.len()).then(|| view! { <p>{format!("…and {} more (raftlab-trace check lists them all)", total - broken.len())}</p> })}
                    </div>
                })}
                <p class="trace-verdict" data-testid="trace-verdict"><strong>{verdict}</strong></p>
                <h3>"Checked"</h3>
                <ul class="trace-rules">{ran.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                {(!not.is_empty()).then(|| view! {
                    <h3>"Could not check"</h3>
                    <ul class="trace-rules">{not.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                })}
            })}
        </section>
    }
}

/// A rule's name with a capital letter.
fn capital(name: &str) -> String {
    crate::view::capitalised(name)
}

/// The selected node's state, and the lab's actions on it, unavailable
/// here: a recording cannot be changed.
#[component]
fn TraceInspector() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let card = move || {
        let c = shell.cursor.get();
        let i = shell.selected.get()?;
        shell.with(|t| cards(t, c).into_iter().nth(i)).flatten()
    };
    let format = move || {
        shell.number.track();
        shell.with(|t| t.format.to_string()).unwrap_or_default()
    };
    view! {
        <section class="panel trace-inspector" aria-label="Inspector">
            <h2>"Inspector"</h2>
            {move || match card() {
                None => view! { <p class="hint">"Select a node in the cluster to see its state here."</p> }.into_any(),
                Some(c) => {
                    let label = c.label.clone();
                    let actions = [
                        format!("Crash {label}"),
                        format!("Restart {label}"),
                        format!("Time out {label}"),
                        format!("Transfer leadership to {label}"),
                        format!("Isolate {label}"),
                        format!("Remove {label} from the cluster"),
                    ];
                    view! {
                        <p data-testid="trace-node"><strong>{c.describe()}</strong></p>
                        <div class="buttons">
                            {actions.into_iter().map(|a| view! {
                                <button type="button" disabled=true aria-describedby="trace-read-only">{a}</button>
                            }).collect_view()}
                        </div>
                        <p class="hint" id="trace-read-only">
                            {move || format!("Unavailable: this is a recording of what a real implementation did ({}), and the past cannot be changed. Close the trace to act on the lab's own cluster.", format())}
                        </p>
                    }.into_any()
                }
            }}
        </section>
    }
}
