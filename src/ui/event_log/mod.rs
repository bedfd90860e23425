//! The event log: one line per step up to the cursor, in plain words with
//! the rule behind each thing a node did; filters by node and kind, a
//! search box, the current step's line highlighted, a click on a line's
//! step seeks there, and a click on a citation explains the rule.
//!
//! Which steps are listed and which are on screen is
//! [`crate::view::ListedSteps`] and [`crate::view::VisibleRows`]; these
//! components keep one list, run its search a slice per frame, and draw.

mod filters;
mod list;
mod rule_explanation;

use super::files::download;
use super::frame_loop;
use super::lab::{done_text, Lab};
use super::status_line::StatusLine;
use crate::raft::{NodeId, Rule};
use crate::view::{ListedSteps, LogFilter, SEARCH_STEPS_PER_FRAME};
use filters::EventLogFilters;
use leptos::prelude::*;
use list::EventLogList;
use rule_explanation::RuleExplanation;

/// The most lines one export holds (the latest ones).
const MAX_EXPORT_LINES: usize = 20_000;

/// The list and what the components around it need of it.
#[derive(Clone, Copy)]
struct Listing {
    /// The steps listed.
    listed: StoredValue<ListedSteps, LocalStorage>,
    /// Bumped whenever `listed` changed.
    version: RwSignal<u64>,
    /// How many listed lines are up to the cursor.
    count: Memo<usize>,
}

/// The event log panel.
#[component]
pub fn EventLogPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let node = RwSignal::new(None::<NodeId>);
    let kinds = RwSignal::new(LogFilter::ALL_KINDS);
    let search = RwSignal::new(String::new());
    let explained = RwSignal::new(None::<Rule>);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let listed = StoredValue::new_local(ListedSteps::default());
    let version = RwSignal::new(0u64);

    // Keep the list of matching steps up to date: a new filter or a fork
    // starts over; new steps at the live edge are scanned as they come.
    Effect::new(move |_| {
        lab.live_number.track();
        let history = lab.history_number.get();
        let filter = LogFilter::new(node.get(), kinds.get(), &search.get());
        let furthest = lab.furthest.get_untracked();
        lab.with_marks(|marks| {
            listed.update_value(|l| l.update(&filter, history, marks, furthest));
        });
        version.update(|v| *v += 1);
    });

    // A search replays a slice of the history every frame, for as long as
    // it is on (it follows new steps at the live edge too).
    let search_frame = move || -> bool {
        let furthest = lab.furthest.get_untracked();
        let slice = lab.with_app(|app| {
            let live = app.live();
            listed
                .try_update_value(|l| {
                    l.search_some(
                        SEARCH_STEPS_PER_FRAME,
                        furthest,
                        &live.marks,
                        &live.lanes,
                        |s| app.replay_from(s),
                    )
                })
                .unwrap_or_default()
        });
        progress.set(slice.progress);
        if slice.changed {
            version.update(|v| *v += 1);
        }
        slice.on
    };
    // Start the search's frames when a search starts; they stop when it
    // is cleared.
    let searching = StoredValue::new_local(false);
    Effect::new(move |_| {
        version.track();
        if searching.get_value() || !listed.with_value(ListedSteps::searching) {
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

    let count = Memo::new(move |_| {
        version.track();
        let cursor = lab.cursor.get();
        listed.with_value(|l| l.count_up_to(cursor))
    });
    let listing = Listing {
        listed,
        version,
        count,
    };
    let exported = RwSignal::new(String::new());
    let export = move || {
        let n = count.get_untracked();
        let from = n.saturating_sub(MAX_EXPORT_LINES);
        let steps = listed.with_value(|l| l.slice(from, n));
        let mut text = String::new();
        if from > 0 {
            text.push_str(&format!("(the {from} earlier lines are left out: an export holds the latest {MAX_EXPORT_LINES})\n"));
        }
        for line in lab.lines(&steps) {
            text.push_str(&format!("#{}\t{}\t{}\n", line.step, line.time, line.text()));
        }
        let name = format!("raftlab-event-log-step{}.txt", lab.cursor.get_untracked());
        exported.set(match download(&name, "text/plain", &text) {
            Ok(()) => done_text(&format!("Saved {} lines as {name}", steps.len())),
            Err(_) => "The browser refused to save the file".to_string(),
        });
    };

    view! {
        <section class="panel event-log" aria-labelledby="event-log-title">
            <div class="log-head">
                <h2 id="event-log-title">"Event log"</h2>
                <span class="count">{move || format!("{} line{} up to step {}", count.get(), if count.get() == 1 { "" } else { "s" }, lab.cursor.get())}</span>
            </div>
            <EventLogFilters node=node kinds=kinds search=search progress=progress export=export />
            <EventLogList listing=listing explained=explained />
            <StatusLine text=exported testid="log-export-status"/>
            <RuleExplanation rule=explained />
        </section>
    }
}
