//! The list of lines: a virtual scroller that rests at the newest line and
//! makes only the lines on screen.

use super::{Lab, Listing};
use crate::raft::Rule;
use crate::ui::relay::Relay;
use crate::view::{self, EventLine, VisibleRows, LOG_VIEWPORT_PX};
use leptos::{html, prelude::*};

/// The scrolling list of the lines up to the cursor.
#[component]
pub(super) fn EventLogList(
    listing: Listing,
    /// The rule whose explanation is open.
    explained: RwSignal<Option<Rule>>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let count = listing.count;
    // How far the view is scrolled up from the newest line: the scroller
    // is a reversed column, so it rests at the bottom and stays there as
    // lines arrive without any scrolling from script (which would force a
    // layout on every step of playback).
    let from_bottom = RwSignal::new(0.0_f64);
    let scroller = NodeRef::<html::Div>::new();
    let visible = move || VisibleRows::of(count.get(), from_bottom.get());

    // Follow the cursor: its line (the last listed) at the bottom. Only a
    // view the reader scrolled up needs moving.
    Effect::new(move |_| {
        count.track();
        lab.cursor.track();
        if from_bottom.get_untracked() >= 0.5 {
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(0);
            }
            from_bottom.set(0.0);
        }
    });

    // What each line reads, relayed (see `relay`).
    let cursor = Relay::new(move || lab.cursor.get());
    let rows = Memo::new(move |_| {
        listing.version.track();
        let rows = visible();
        let steps = listing.listed.with_value(|l| l.slice(rows.first, rows.end));
        lab.lines(&steps)
    });
    view! {
        <div
            class="log-scroll"
            node_ref=scroller
            role="log"
            aria-label="Event log"
            aria-live="off"
            tabindex="0"
            style=format!("height: {LOG_VIEWPORT_PX}px")
            on:scroll=move |ev| {
                let el: web_sys::Element = event_target(&ev);
                from_bottom.set(f64::from(-el.scroll_top()).max(0.0));
            }
        >
            <div class="log-sizer" style=move || format!("height: {}px", visible().total_px)>
                <ol
                    class="log-lines"
                    style=move || format!("transform: translateY({}px)", visible().offset_px)
                >
                    <For each=move || rows.get() key=|l| (l.step, l.text()) let:line>
                        <LogLine line=line cursor=cursor explained=explained />
                    </For>
                </ol>
            </div>
        </div>
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
            <button type="button" class="line-seek" aria-label=format!("Go to step {step}, #{step} · {}", line.time) on:click=move |_| lab.run(|a| a.seek(step))>
                {format!("#{step} · {}", line.time)}
            </button>
            " "
            <span class="headline">{line.headline.clone()} "."</span>
            {parts}
        </li>
    }
}
