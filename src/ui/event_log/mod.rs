//! The event log: one line per step up to the cursor, in plain words with
//! the rule behind each thing a node did; filters by node and kind, a
//! search box, the current step's line highlighted, a click on a line's
//! step seeks there, and a click on a citation explains the rule.
//!
//! An hour of history has about a million steps, so the list is virtual:
//! which steps pass the filter comes from the recorder's marks (a few bytes
//! per step, no sentences), only the dozen lines on screen are in the DOM,
//! and their sentences are made by replaying just those steps. A search
//! needs every line's words: it replays the history a few thousand steps
//! per frame and shows its progress.

use super::files::download;
use super::lab::done_text;
use super::relay::Relay;
use super::status_line::StatusLine;
use super::{frame_loop, lab::Lab};
use crate::raft::{NodeId, Rule};
use crate::sim::Replay;
use crate::view::{self, EventLine, KeyMark, LineKind};
use leptos::{html, prelude::*};

/// Height of one line, in pixels (the CSS clamps each line to fit).
const ROW: f64 = 58.0;
/// Height of the scrolling box.
const VIEWPORT: f64 = 348.0;
/// The tallest scroll area browsers handle well; longer lists are scaled.
const MAX_SCROLL_PX: f64 = 4_000_000.0;
/// The most lines one export holds (the latest ones).
const MAX_EXPORT_LINES: usize = 20_000;
/// Steps a search replays per animation frame.
const SEARCH_STEPS_PER_FRAME: usize = 3_000;

/// Which steps the log lists.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Filter {
    node: Option<NodeId>,
    kinds: u8,
    search: String,
}

/// A search in progress: replays the history and keeps the matching steps.
struct Search {
    filter: Filter,
    replay: Option<Replay>,
    next: u64,
}

/// The steps passing the filter, and how far the marks were scanned.
#[derive(Default)]
struct Listed {
    /// The history the list was made from (the lab's epoch).
    epoch: u64,
    filter: Option<Filter>,
    steps: view::StepRuns,
    scanned: u64,
    search: Option<Search>,
}

impl Listed {
    /// Starts over for a new filter or a changed history.
    fn reset(&mut self, filter: Filter) {
        self.steps.clear();
        self.scanned = 0;
        self.search = (!filter.search.is_empty()).then(|| Search {
            filter: filter.clone(),
            replay: None,
            next: 1,
        });
        self.filter = Some(filter);
    }
}

fn passes(lab: &Lab, step: u64, f: &Filter) -> bool {
    lab.with_marks(|m| {
        m.get(step).is_some_and(|mark| {
            f.node.is_none_or(|n| mark.node == Some(n)) && f.kinds & mark.kind.bit() != 0
        })
    })
}

/// The event log panel.
#[component]
pub fn EventLogPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let node = RwSignal::new(None::<NodeId>);
    let kinds = RwSignal::new(LineKind::ALL.iter().fold(0u8, |k, l| k | l.bit()));
    let search = RwSignal::new(String::new());
    let explained = RwSignal::new(None::<Rule>);
    // How far the view is scrolled up from the newest line: the scroller
    // is a reversed column, so it rests at the bottom and stays there as
    // lines arrive without any scrolling from script (which would force a
    // layout on every step of playback).
    let from_bottom = RwSignal::new(0.0_f64);
    let listed = StoredValue::new_local(Listed::default());
    let version = RwSignal::new(0u64);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let scroller = NodeRef::<html::Div>::new();

    let filter = move || Filter {
        node: node.get(),
        kinds: kinds.get(),
        search: view::folded(search.get().trim()),
    };

    // Keep the list of matching steps up to date: a new filter or a fork
    // starts over; new steps at the live edge are scanned as they come.
    Effect::new(move |_| {
        lab.history_version.track();
        let epoch = lab.history_epoch.get();
        let f = filter();
        let furthest = lab.furthest.get_untracked();
        listed.update_value(|l| {
            if l.filter.as_ref() != Some(&f) || l.scanned > furthest || l.epoch != epoch {
                l.reset(f.clone());
                l.epoch = epoch;
            }
            if l.search.is_some() {
                return;
            }
            let known = lab.with_marks(|m| m.len());
            l.steps
                .extend((l.scanned + 1..=known).filter(|s| passes(&lab, *s, &f)));
            l.scanned = known;
        });
        version.update(|v| *v += 1);
    });

    // A search replays a slice of the history every frame, for as long as
    // it is on (it follows new steps at the live edge too); it says whether
    // it is still on.
    let search_frame = move || -> bool {
        let working = listed.with_value(|l| l.search.is_some());
        if !working {
            return false;
        }
        let furthest = lab.furthest.get_untracked();
        let mut changed = false;
        listed.update_value(|l| {
            let Some(job) = l.search.as_mut() else { return };
            if job.next > furthest {
                progress.set(None);
                return;
            }
            if job.replay.is_none() {
                job.replay = Some(lab.replay_from(job.next - 1));
            }
            let Some(replay) = job.replay.as_mut() else {
                return;
            };
            for _ in 0..SEARCH_STEPS_PER_FRAME {
                let Some(record) = replay.next_step() else {
                    job.replay = None;
                    break;
                };
                job.next = record.index + 1;
                if !passes(&lab, record.index, &job.filter) {
                    continue;
                }
                let broken = lab.with_marks(|m| {
                    m.get(record.index)
                        .is_some_and(|mark| mark.key == Some(KeyMark::Violation))
                });
                // The line as shown, stale-read verdict included.
                let line = lab
                    .with_lanes(|lanes| view::event_line(replay.world(), &record, broken, lanes));
                if view::folded(&line.text()).contains(&job.filter.search) {
                    l.steps.push(record.index);
                }
                changed = true;
            }
            progress.set((job.next <= furthest).then_some((job.next - 1, furthest)));
        });
        if changed {
            version.update(|v| *v += 1);
        }
        true
    };
    // Start the search's frames when a search starts; they stop when it
    // is cleared.
    let searching = StoredValue::new_local(false);
    Effect::new(move |_| {
        version.track();
        if searching.get_value() || listed.with_value(|l| l.search.is_none()) {
            return;
        }
        searching.set_value(true);
        frame_loop::start_while(move || {
            let on = search_frame();
            if !on {
                searching.set_value(false);
            }
            on
        });
    });

    // How many lines are listed (those up to the cursor).
    let count = Memo::new(move |_| {
        version.track();
        let cursor = lab.steps.get();
        listed.with_value(|l| l.steps.count_up_to(cursor))
    });
    let total_px = move || (count.get() as f64 * ROW).min(MAX_SCROLL_PX);
    let scale = move || {
        let full = count.get() as f64 * ROW;
        if full <= MAX_SCROLL_PX {
            1.0
        } else {
            (full - VIEWPORT) / (MAX_SCROLL_PX - VIEWPORT)
        }
    };
    // Distance from the top of the list to the top of the view.
    let top = move || ((total_px() - VIEWPORT).max(0.0) - from_bottom.get()).max(0.0);
    let first = move || ((top() * scale()) / ROW).floor().max(0.0) as usize;
    let offset = move || top() - (top() * scale() - first() as f64 * ROW);

    // Follow the cursor: its line (the last listed) at the bottom. Only a
    // view the reader scrolled up needs moving.
    Effect::new(move |_| {
        count.track();
        lab.steps.track();
        if from_bottom.get_untracked() >= 0.5 {
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(0);
            }
            from_bottom.set(0.0);
        }
    });

    // What each line reads, relayed (see `relay`).
    let cursor = Relay::new(move || lab.steps.get());

    let rows = Memo::new(move |_| {
        version.track();
        let n = count.get();
        let from = first().min(n);
        let to = (from + (VIEWPORT / ROW).ceil() as usize + 2).min(n);
        let steps: Vec<u64> = listed.with_value(|l| l.steps.slice(from, to));
        lab.lines(&steps)
    });

    let exported = RwSignal::new(String::new());
    let export = move |_| {
        let n = count.get_untracked();
        let from = n.saturating_sub(MAX_EXPORT_LINES);
        let steps: Vec<u64> = listed.with_value(|l| l.steps.slice(from, n));
        let mut text = String::new();
        if from > 0 {
            text.push_str(&format!("(the {from} earlier lines are left out: an export holds the latest {MAX_EXPORT_LINES})\n"));
        }
        for line in lab.lines(&steps) {
            text.push_str(&format!("#{}\t{}\t{}\n", line.step, line.time, line.text()));
        }
        let name = format!("raftlab-event-log-step{}.txt", lab.steps.get_untracked());
        exported.set(match download(&name, "text/plain", &text) {
            Ok(()) => done_text(&format!("Saved {} lines as {name}", steps.len())),
            Err(_) => "The browser refused to save the file".to_string(),
        });
    };
    // The nodes change only with a new session: the menu is rebuilt then,
    // not on every redraw of the cluster. A node the new session lacks
    // filters nothing: back to every node, as the menu then shows.
    let node_ids = move || {
        lab.generation.track();
        lab.node_ids()
    };
    Effect::new(move |_| {
        let ids = node_ids();
        if node.with_untracked(|n| n.is_some_and(|n| !ids.contains(&n))) {
            node.set(None);
        }
    });
    let on_node = move |ev| {
        let v = event_target_value(&ev);
        node.set(v.trim_start_matches('N').parse::<u8>().ok().map(NodeId));
    };

    view! {
        <section class="panel event-log" aria-labelledby="event-log-title">
            <div class="log-head">
                <h2 id="event-log-title">"Event log"</h2>
                <span class="count">{move || format!("{} line{} up to step {}", count.get(), if count.get() == 1 { "" } else { "s" }, lab.steps.get())}</span>
            </div>
            <div class="log-filters" role="group" aria-label="Event log filters">
                <label>
                    "Steps at "
                    <select on:change=on_node>
                        <option value="" selected=move || node.with(Option::is_none)>"every node"</option>
                        {move || node_ids().into_iter().map(|n| view! { <option value=n.to_string() selected=move || node.get() == Some(n)>{n.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                {LineKind::ALL
                    .iter()
                    .map(|k| {
                        let bit = k.bit();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || kinds.get() & bit != 0
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        kinds.update(|ks| if on { *ks |= bit } else { *ks &= !bit });
                                    }
                                />
                                {k.name()}
                            </label>
                        }
                    })
                    .collect_view()}
                <input
                    type="search"
                    aria-label="Search the event log"
                    placeholder="Search, e.g. refused or N3"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button type="button" on:click=export>"Export the event log"</button>
                <span class="search-progress" role="status">
                    {move || progress.get().map(|(done, all)| format!("Searching… {}%", done * 100 / all.max(1))).unwrap_or_default()}
                </span>
            </div>
            <div
                class="log-scroll"
                node_ref=scroller
                role="log"
                aria-label="Event log"
                aria-live="off"
                tabindex="0"
                style=format!("height: {VIEWPORT}px")
                on:scroll=move |ev| {
                    let el: web_sys::Element = event_target(&ev);
                    from_bottom.set(f64::from(-el.scroll_top()).max(0.0));
                }
            >
                <div class="log-sizer" style=move || format!("height: {}px", total_px())>
                    <ol
                        class="log-lines"
                        style=move || format!("transform: translateY({}px)", offset())
                    >
                        <For each=move || rows.get() key=|l| (l.step, l.text()) let:line>
                            <LogLine line=line cursor=cursor explained=explained />
                        </For>
                    </ol>
                </div>
            </div>
            <StatusLine text=exported testid="log-export-status"/>
            <RuleExplanation rule=explained />
        </section>
    }
}

/// One line: its step (a button that seeks there), what the world did, and
/// what each node did with its rule (a button that explains the rule).
#[component]
fn LogLine(
    line: EventLine,
    /// The step the lab is at, relayed (lines come and go with every step).
    cursor: Relay<u64>,
    explained: RwSignal<Option<Rule>>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let step = line.step;
    let cursor = cursor.local();
    let current = move || cursor.get() == step;
    let class = format!(
        "log-line kind-{}{}",
        line.kind.name(),
        if line.key.is_some() { " key" } else { "" }
    );
    let parts = line
        .parts
        .iter()
        .map(|p| {
            let cite = p.rule.section();
            let tail = format!(" ({cite})");
            let words = p.sentence.strip_suffix(&tail).unwrap_or(&p.sentence).to_string();
            let rule = p.rule;
            let title = view::explain_rule(rule).title;
            view! {
                <span class="part">
                    " " {words} " "
                    <button type="button" class="cite" aria-label=format!("{cite}: explain {title}") on:click=move |_| explained.set(Some(rule))>
                        {cite}
                    </button>
                    "."
                </span>
            }
        })
        .collect_view();
    view! {
        <li class=class class:current=current aria-current=move || current().then_some("step")>
            // The name holds the visible text too (WCAG 2.5.3, label in name).
            <button type="button" class="line-seek" aria-label=format!("Go to step {step}, #{step} · {}", line.time) on:click=move |_| lab.seek(step)>
                {format!("#{step} · {}", line.time)}
            </button>
            " "
            <span class="headline">{line.headline.clone()} "."</span>
            {parts}
        </li>
    }
}

/// The explanation of the rule last cited, with a button to close it.
#[component]
fn RuleExplanation(rule: RwSignal<Option<Rule>>) -> impl IntoView {
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
