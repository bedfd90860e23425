//! The `Lessons` menu, always in view with a short welcome, and the lesson
//! player: the caption shown, with `Back` and `Continue` (time travel to
//! each caption's step, so going back restores the exact earlier state) and,
//! at the last caption, `Try it yourself`, which leaves the user in free
//! play at that point.

use super::frame_loop;
use super::lab::Lab;
use super::status_line::StatusLine;
use crate::app::App;
use crate::scenario::lessons;
use leptos::prelude::*;
use std::time::Duration;

/// Brings the lesson player into view once it is drawn (on a phone it is
/// far above the list that opened it).
fn show_player() {
    frame_loop::after(Duration::ZERO, || {
        let player = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".lesson-player").ok().flatten());
        if let Some(player) = player {
            player.scroll_into_view();
        }
    });
}

/// The list of lessons and the welcome. During a lesson the list folds
/// into a menu, so the caption has the column to itself.
#[component]
pub fn LessonsMenu() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let all = lessons::all();
    let count = all.len();
    let free_play = move || lab.lesson.with(Option::is_none);
    view! {
        <section class="panel lessons" aria-labelledby="lessons-title">
            <details class="lesson-menu" prop:open=free_play>
                <summary>
                    <h2 id="lessons-title">"Lessons"</h2>
                    <span class="lesson-menu-count">{format!(" ({count} guided runs)")}</span>
                </summary>
                <Show when=free_play>
                    <p class="welcome">
                        {move || lab.settings.with(|s| crate::view::welcome(s.size, lab.cards.with(Vec::len)))}
                    </p>
                </Show>
                <nav aria-label="Lessons">
                    <ol class="lesson-list">
                        {all
                            .into_iter()
                            .map(|lesson| {
                                let title = lesson.title;
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="lesson-link"
                                            class:current=move || lab.lesson.with(|l| l.as_ref().is_some_and(|l| l.title == title))
                                            on:click=move |_| {
                                                match lab.run(|a| a.open_lesson(&lesson)) {
                                                    Ok(()) => {
                                                        status.set(String::new());
                                                        show_player();
                                                    }
                                                    Err(e) => status.set(e),
                                                }
                                            }
                                        >
                                            {title}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </nav>
            </details>
            <StatusLine text=status testid="lessons-status"/>
        </section>
    }
}

/// The open lesson's caption, with the buttons that move between captions.
/// `Continue` plays at the chosen speed to the next caption's moment and
/// pauses there; pressed again on the way, it skips there.
#[component]
pub fn LessonPlayer() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let at = move || lab.lesson.with(|l| l.as_ref().map_or(0, |l| l.at));
    let count = move || lab.lesson.with(|l| l.as_ref().map_or(0, |l| l.stops.len()));
    let last = move || at() + 1 >= count();
    let heading = move || lab.heading_to.get();
    view! {
        <Show when=move || lab.lesson.with(Option::is_some)>
            <section class="panel lesson-player" role="region" aria-label="Lesson">
                <div class="lesson-head">
                    <h2>{move || lab.lesson.with(|l| l.as_ref().map(|l| l.title).unwrap_or_default())}</h2>
                    <p class="caption-count">{move || format!("Caption {} of {}", at() + 1, count())}</p>
                </div>
                <details class="intro">
                    <summary>"About this lesson"</summary>
                    <p>{move || lab.lesson.with(|l| l.as_ref().map(|l| l.intro).unwrap_or_default())}</p>
                </details>
                <p class="caption" aria-live="polite" data-testid="caption">
                    {move || lab.lesson.with(|l| l.as_ref().and_then(|l| l.stops.get(l.at)).map(|s| s.text.clone()).unwrap_or_default())}
                </p>
                <p class="heading-to" role="status" data-testid="heading-to">
                    {move || heading().map(|c| format!("Playing to caption {} at {}… Continue again to skip there.", c + 1, crate::view::speed_words(lab.speed.get()))).unwrap_or_default()}
                </p>
                <div class="buttons">
                    <button type="button" disabled=move || at() == 0 && heading().is_none() on:click=move |_| lab.run(App::previous_caption)>
                        "Back"
                    </button>
                    <Show
                        when=last
                        fallback=move || view! {
                            <button type="button" class="primary" on:click=move |_| lab.run(App::next_caption)>"Continue"</button>
                        }
                    >
                        <button type="button" class="primary" on:click=move |_| lab.run(App::leave_lesson)>"Try it yourself"</button>
                    </Show>
                    <button type="button" on:click=move |_| lab.run(App::leave_lesson)>"Leave the lesson"</button>
                </div>
                <p class="keys-hint">"Page Down or → : Continue · Page Up or ← : Back"</p>
            </section>
        </Show>
    }
}
