//! The `Lessons` menu, always in view with a short welcome, and the lesson
//! player: the caption shown, with `Back` and `Continue` (time travel to
//! each caption's step, so going back restores the exact earlier state) and,
//! at the last caption, `Try it yourself`, which leaves the user in free
//! play at that point.

use super::lab::Lab;
use super::status_line::StatusLine;
use crate::app::App;
use crate::scenario::lessons;
use leptos::prelude::*;

/// The list of lessons and the welcome.
#[component]
pub fn LessonsMenu() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = RwSignal::new(String::new());
    let all = lessons::all();
    view! {
        <section class="panel lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title">"Lessons"</h2>
            <Show when=move || lab.lesson.with(Option::is_none)>
                <p class="welcome">
                    {move || crate::view::welcome(lab.settings.with(|s| s.size))}
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
                                                Ok(()) => status.set(String::new()),
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
            <StatusLine text=status testid="lessons-status"/>
        </section>
    }
}

/// The open lesson's caption, with the buttons that move between captions.
#[component]
pub fn LessonPlayer() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let at = move || lab.lesson.with(|l| l.as_ref().map_or(0, |l| l.at));
    let count = move || lab.lesson.with(|l| l.as_ref().map_or(0, |l| l.stops.len()));
    let last = move || at() + 1 >= count();
    view! {
        <Show when=move || lab.lesson.with(Option::is_some)>
            <section class="panel lesson-player" role="region" aria-label="Lesson">
                <h2>{move || lab.lesson.with(|l| l.as_ref().map(|l| l.title).unwrap_or_default())}</h2>
                <details class="intro">
                    <summary>"About this lesson"</summary>
                    <p>{move || lab.lesson.with(|l| l.as_ref().map(|l| l.intro).unwrap_or_default())}</p>
                </details>
                <p class="caption-count">{move || format!("Caption {} of {}", at() + 1, count())}</p>
                <p class="caption" aria-live="polite" data-testid="caption">
                    {move || lab.lesson.with(|l| l.as_ref().and_then(|l| l.stops.get(l.at)).map(|s| s.text.clone()).unwrap_or_default())}
                </p>
                <div class="buttons">
                    <button type="button" disabled=move || at() == 0 on:click=move |_| lab.run(App::previous_caption)>
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
            </section>
        </Show>
    }
}
