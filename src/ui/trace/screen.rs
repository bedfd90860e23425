//! The screen of a recorded trace: the same parts as the lab's, drawn from
//! `crate::trace::screen` at the cursor.

use super::TraceShell;
use crate::trace::screen::{
    cards, checks_words, count, dots, duration_words, event_words, logs, positions, TraceCard,
    TRACE_CLUSTER_H, TRACE_CLUSTER_W, TRACE_NODE_R,
};
use crate::trace::swimlane::{cursor_at, trace_swimlane};
use crate::view::fixed;
use leptos::prelude::*;

/// Rows of the event log shown before and after the cursor.
const LOG_ROWS_AROUND: usize = 25;

/// A recorded trace on screen, in place of the lab.
#[component]
pub fn TraceLab() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    view! {
        <div class="sticky-top">
            <TraceBar />
        </div>
        <main class="lab trace-lab">
            <div class="stage">
                {move || {
                    shell.number.track();
                    view! { <TraceCluster /> }
                }}
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

/// The nodes on a ring with the messages in flight between them.
#[component]
fn TraceCluster() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let n = shell.with(|t| t.names.len()).unwrap_or(0);
    let places = positions(n);
    let cards = Memo::new(move |_| {
        let c = shell.cursor.get();
        shell.with(|t| cards(t, c)).unwrap_or_default()
    });
    let dots = Memo::new(move |_| {
        let c = shell.cursor.get();
        shell.with(|t| dots(t, c)).unwrap_or_default()
    });
    let place = move |i: usize| places.get(i).copied().unwrap_or((0.0, 0.0));
    let nodes = (0..n)
        .map(|i| {
            let (x, y) = place(i);
            let card = move || cards.with(|c| c.get(i).cloned());
            let class = move || {
                card().map_or("tr-node".to_string(), |c: TraceCard| {
                    let role = if !c.up { "down" } else { role_class(c.letter()) };
                    format!("tr-node tr-{role}")
                })
            };
            let select = move || {
                shell
                    .selected
                    .update(|s| *s = if *s == Some(i) { None } else { Some(i) })
            };
            view! {
                <g class=class on:click=move |_| select()>
                    // The button is the disc alone; the labels beside it
                    // are hidden from the accessibility tree, since its
                    // name says all they show (WCAG 2.5.3).
                    <g class="tr-node-button" role="button" tabindex="0"
                        aria-pressed=move || (shell.selected.get() == Some(i)).to_string()
                        aria-label=move || card().map(|c| c.describe()).unwrap_or_default()
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                select();
                            }
                        }>
                        <circle cx=fixed(x, 1).to_string() cy=fixed(y, 1).to_string() r=TRACE_NODE_R.to_string() />
                    </g>
                    <g aria-hidden="true">
                        <text class="tr-node-name" x=fixed(x, 1).to_string() y=fixed(y - 4.0, 1).to_string()>
                            {move || card().map(|c| c.label).unwrap_or_default()}
                        </text>
                        <text class="tr-node-state" x=fixed(x, 1).to_string() y=fixed(y + 14.0, 1).to_string()>
                            {move || card().map(|c| format!("{} T{}", c.letter(), c.term)).unwrap_or_default()}
                        </text>
                    </g>
                </g>
            }
        })
        .collect_view();
    let messages = move || {
        dots.get()
            .into_iter()
            .map(|d| {
                let (x1, y1) = place(d.from);
                let (x2, y2) = place(d.to);
                let (x, y) = (x1 + (x2 - x1) * d.share, y1 + (y2 - y1) * d.share);
                let family = if d.kind.to_ascii_lowercase().contains("vote") { "vote" } else { "append" };
                view! {
                    <line class="tr-flight" x1=fixed(x1, 1).to_string() y1=fixed(y1, 1).to_string()
                        x2=fixed(x2, 1).to_string() y2=fixed(y2, 1).to_string() />
                    <circle class=format!("tr-dot tr-{family}") cx=fixed(x, 1).to_string() cy=fixed(y, 1).to_string() r="7">
                        <title>{d.words.clone()}</title>
                    </circle>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel trace-cluster" aria-label="Cluster">
            <h2>"Cluster"</h2>
            <svg viewBox=format!("0 0 {TRACE_CLUSTER_W} {TRACE_CLUSTER_H}") class="trace-cluster-svg">
                <g aria-hidden="true">{messages}</g>
                {nodes}
            </svg>
            <p class="hint" data-testid="trace-in-flight">
                {move || match dots.with(Vec::len) {
                    0 => "No message in flight at this event.".to_string(),
                    1 => "1 message in flight.".to_string(),
                    n => format!("{n} messages in flight."),
                }}
                " Letters: L leader, C candidate, P pre-candidate, F follower, ✕ crashed; T is the term."
            </p>
        </section>
    }
}

/// A CSS class for a node's role letter.
fn role_class(letter: &str) -> &'static str {
    match letter {
        "L" => "leader",
        "C" | "P" => "candidate",
        "F" => "follower",
        _ => "unknown",
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
    let rows = move || {
        let c = shell.cursor.get();
        shell
            .with(|t| {
                let from = c.saturating_sub(LOG_ROWS_AROUND);
                let to = (c + LOG_ROWS_AROUND).min(t.len());
                (from..to)
                    .map(|i| {
                        let (words, rule) = event_words(t, i);
                        let line = t.events[i].line;
                        let broken = t.violations.iter().any(|v| v.line == line);
                        (i, line, words, rule, broken)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .map(move |(i, line, words, rule, broken)| {
                let current = i + 1 == c;
                let future = i >= c;
                view! {
                    <li class="trace-line" class:current=current class:broken=broken class:future=future>
                        <button type="button" aria-current=current.then_some("step")
                            on:click=move |_| shell.seek_line(line)>
                            <span class="trace-line-no">{format!("line {line}")}</span>
                            " " {words}
                            {rule.map(|r| view! { " " <span class="rule">{r}</span> })}
                            {broken.then(|| view! { " " <strong class="broken-mark">"⚠ rule broken"</strong> })}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    // Keep the current line in the middle of the list's view.
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        shell.cursor.track();
        let Some(list) = list.get() else { return };
        let current = list
            .query_selector(".current")
            .ok()
            .flatten()
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
        if let Some(row) = current {
            let top = row.offset_top() - list.client_height() / 2;
            list.set_scroll_top(top.max(0));
        }
    });
    view! {
        <section class="panel event-log trace-event-log" aria-labelledby="trace-log-title">
            <h2 id="trace-log-title">"Event log"</h2>
            <ol class="trace-lines" role="list" aria-label="Event log" node_ref=list>{rows}</ol>
        </section>
    }
}

/// Every node's log at the cursor, as far as the trace tells it.
#[component]
fn TraceLogs() -> impl IntoView {
    let shell = expect_context::<TraceShell>();
    let rows = move || {
        let c = shell.cursor.get();
        shell
            .with(|t| logs(t, c))
            .unwrap_or_default()
            .into_iter()
            .map(|row| {
                let cells = row
                    .cells
                    .iter()
                    .map(|&(index, term, committed)| {
                        let class = format!(
                            "log-cell {}{}",
                            term.map_or("term-unknown".to_string(), |t| format!("term-{}", t % 8)),
                            if committed { "" } else { " uncommitted" }
                        );
                        view! {
                            <li class=class>
                                <span class="cell-index">{index}</span>
                                <span class="cell-term">{term.map_or("t?".to_string(), |t| format!("t{t}"))}</span>
                            </li>
                        }
                    })
                    .collect_view();
                let hidden = (row.hidden > 0).then(|| format!(" · {} earlier not drawn", row.hidden));
                view! {
                    <div class="log-row trace-log-row" class:down=!row.up>
                        <p class="log-head">
                            <strong>{row.label.clone()}</strong>
                            <span class="markers">{row.words} {hidden}</span>
                        </p>
                        <div class="log-scroll" tabindex="0" role="group" aria-label=format!("{}'s log entries", row.label)>
                            <ol class="log-cells">{cells}</ol>
                        </div>
                    </div>
                }
            })
            .collect_view()
    };
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
            {rows}
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
