//! The cluster drawing: nodes on a ring, the links between them (cut ones
//! drawn cut, one-way cuts with their direction), and the messages flying.
//!
//! Every role has its own colour, letter and outline, so colour is never the
//! only signal. Nodes, links and messages are buttons: selecting one opens
//! it in the inspector with its actions. With reduced motion, messages sit
//! still at the middle of their link while they are in flight.

use super::lab::Lab;
use super::relay::Relay;
use crate::app::Selection;
use crate::raft::{NodeId, Time};
use crate::scenario::Focus;
use crate::sim::MessageId;
use crate::view::{
    self, fixed, ring_style, ClusterLayout, Kind, Link, MessageDot, MessagePath, NodeCard, Place,
    ARC_R, CLUSTER_HEIGHT, CLUSTER_WIDTH, LABEL_LINE, NODE_R,
};
use leptos::prelude::*;

/// A ring of radius `r` around the origin, drawn clockwise from the top for
/// the fraction its `style` says. The timer rings change at every drawing
/// while playing: moving a dash along a fixed circle only repaints it, where
/// a new arc path made the browser lay out the drawing again each time.
#[component]
fn Ring(class: &'static str, r: f64, style: Signal<String>) -> impl IntoView {
    view! {
        <circle class=class r=r pathLength="1" stroke-dasharray="1 2" transform="rotate(-90)" style=style />
    }
}

/// Activates `f` on Enter or Space, as a button does.
fn on_activate(f: impl Fn() + 'static) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            ev.stop_propagation();
            f();
        }
    }
}

/// The ring of nodes, the links between them and the messages in flight,
/// with a one-line summary of who leads and how the network is split.
#[component]
pub fn ClusterView(
    /// When true, messages do not glide: each sits at its link's middle.
    #[prop(into)]
    reduced_motion: Signal<bool>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let layout = ClusterLayout::of(&lab.node_ids());
    let count = layout.places.len();
    let link_views = {
        let layout = layout.clone();
        move || {
            lab.links
                .get()
                .into_iter()
                .map(|l| link_view(lab, l, &layout))
                .collect_view()
        }
    };
    let glyphs = layout
        .places
        .iter()
        .map(|&(id, place)| view! { <NodeGlyph id=id place=place /> })
        .collect_view();
    // What every message dot reads, relayed (see `relay`): dots come and go
    // by the thousand and must not subscribe to the lab's signals directly.
    let stage = MessageStage {
        now: Relay::new(move || lab.now.get()),
        still: Relay::new(move || reduced_motion.get()),
        selected: Relay::new(move || {
            lab.selected.with(|s| match s {
                Selection::Message(d) => Some(d.id),
                _ => None,
            })
        }),
        focus: Relay::new(move || lab.focus()),
    };
    let leader_line = move || lab.cards.with(|c| view::leader_line(c));
    let quorums_line = move || lab.configuration.with(|c| c.quorums_line());
    let network_line = move || {
        lab.groups
            .with(|g| lab.links.with(|l| view::network_line(g.as_deref(), l)))
    };
    let in_flight = move || view::in_flight_line(lab.messages.with(Vec::len));
    // The newest client answer, so a stale read's verdict shows where the
    // class is looking rather than only in the Client panel far below.
    let latest_result = move || {
        lab.results.with(|r| {
            r.first().map(|row| {
                (
                    format!("latest-result {}", row.verdict.class()),
                    view::latest_result_line(row),
                )
            })
        })
    };

    view! {
        <figure class="cluster panel" role="region" aria-label="Cluster">
            <svg
                class="cluster-svg"
                viewBox={format!("0 0 {CLUSTER_WIDTH} {CLUSTER_HEIGHT}")}
                role="group"
                aria-label={format!("Cluster of {count} nodes")}
                data-testid="cluster"
            >
                <defs>
                    <marker id="cut-arrow" viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow-head" />
                    </marker>
                </defs>
                <g class="links">{link_views}</g>
                <g class="messages">
                    <For
                        each=move || lab.messages.get()
                        // The id alone is not enough: branches of one
                        // history reuse ids for different messages.
                        key=|m| (m.id, m.sent_at, m.deliver_at, m.from, m.to)
                        children=move |m| {
                            let path = layout.path(m.from, m.to);
                            message_view(lab, stage, m, path)
                        }
                    />
                </g>
                <g class="nodes">{glyphs}</g>
            </svg>
            <figcaption>
                <span data-testid="leader-status" aria-live="polite">{leader_line}</span>
                " · "
                <span data-testid="network-status">{network_line}</span>
                " · "
                <span data-testid="in-flight">{in_flight}</span>
                {move || quorums_line().map(|q| view! { <br /><span class="quorums" data-testid="quorums">{q}</span> })}
                {move || latest_result().map(|(class, text)| view! { <br /><span class=class data-testid="latest-result">{text}</span> })}
            </figcaption>
            <Legend />
        </figure>
    }
}

/// One link: a thin line when open; red and dashed with ✕ when cut; with an
/// arrow and ✕ on the lost direction when cut one way. A wide transparent
/// line makes it easy to click.
fn link_view(lab: Lab, link: Link, layout: &ClusterLayout) -> impl IntoView {
    let shape = layout.link(&link);
    let ((x1, y1), (x2, y2)) = (shape.from, shape.to);
    let selected = move || lab.selected.with(|s| *s == Selection::Link(link.a, link.b));
    let select = move || lab.run(|a| a.select(Selection::Link(link.a, link.b)));
    view! {
        <g
            class=shape.class
            class:selected=selected
            role="button"
            tabindex="0"
            aria-label=link.name()
            data-testid="link"
            data-link={format!("{}-{}", link.a, link.b)}
            on:click=move |_| select()
            on:keydown=on_activate(select)
        >
            <line class="link-hit" x1=x1 y1=y1 x2=x2 y2=y2 />
            {match shape.arrow_to {
                Some((ex, ey)) => view! {
                    <line class="link-line" x1=x1 y1=y1 x2=ex y2=ey marker-end="url(#cut-arrow)" />
                }
                    .into_any(),
                None => view! { <line class="link-line" x1=x1 y1=y1 x2=x2 y2=y2 /> }.into_any(),
            }}
            {shape.cut_mark.map(|(mx, my)| {
                view! {
                    <text class="cut-mark" x=mx y=my dy="0.35em" aria-hidden="true">"✕"</text>
                }
            })}
        </g>
    }
}

/// The lab's state as the message dots see it, through relays.
#[derive(Clone, Copy)]
struct MessageStage {
    /// Simulated time, which moves the dots.
    now: Relay<Time>,
    /// Reduced motion: dots sit still at their link's middle.
    still: Relay<bool>,
    /// The selected message's id, if a message is selected.
    selected: Relay<Option<MessageId>>,
    /// What the lesson's current stop points at.
    focus: Relay<Vec<Focus>>,
}

/// One message: a dot with its short label, gliding from sender to receiver.
fn message_view(lab: Lab, stage: MessageStage, m: MessageDot, path: MessagePath) -> impl IntoView {
    let (now, still) = (stage.now.local(), stage.still.local());
    let (selected, lesson_focus) = (stage.selected.local(), stage.focus.local());
    let transform = {
        let m = m.clone();
        move || {
            let (x, y) = if still.get() {
                path.middle()
            } else {
                path.at(m.progress(now.get()))
            };
            format!("translate({x} {y})", x = fixed(x, 1), y = fixed(y, 1))
        }
    };
    let class = format!(
        "message msg-{}{}",
        view::message_family(m.kind),
        if m.reply { " msg-reply" } else { "" }
    );
    let id = m.id;
    let selected = move || selected.get() == Some(id);
    let focus = Focus::Message {
        from: m.from,
        to: m.to,
        kind: m.kind,
    };
    let chosen = m.clone();
    let select = move || {
        let message = Selection::Message(Box::new(chosen.clone()));
        lab.run(|a| a.select(message))
    };
    let wide = m.short.chars().count() > 2;
    view! {
        <g
            class=class
            class:selected=selected
            class:focus=move || lesson_focus.with(|f| f.contains(&focus))
            data-testid="message"
            data-kind=m.kind.label()
            data-from=m.from.to_string()
            data-to=m.to.to_string()
            transform=transform
            on:click={
                let select = select.clone();
                move |_| select()
            }
        >
            // As for a node: the short label beside the button, not in it.
            <g class="message-button" role="button" tabindex="0" aria-label=m.name()
                on:keydown=on_activate(select.clone())>
                <title>{m.name()}</title>
                <rect class="message-dot" x={if wide { -26 } else { -18 }} y="-13"
                    width={if wide { 52 } else { 36 }} height="26" rx="13" />
            </g>
            <text class="message-label" dy="0.35em" aria-hidden="true">{m.short.clone()}</text>
        </g>
    }
}

/// One node: a disc with its role letter, an outline for its role, the arc
/// of its election timer (or lease), and beside it, on the side away from the
/// ring's centre, its name, term, vote and votes.
#[component]
fn NodeGlyph(
    /// Which node.
    id: NodeId,
    /// Where it sits.
    place: Place,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let card = Memo::new(move |_| lab.cards.with(|cs| cs.iter().find(|c| c.id == id).cloned()));
    let read = move |f: fn(&NodeCard) -> String| {
        move || card.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    let kind = move || card.with(|c| c.as_ref().map_or(Kind::Outside, |c| c.kind));
    let deposed = move || card.with(|c| c.as_ref().is_some_and(|c| c.deposed_by.is_some()));
    let in_violation = move || {
        lab.violation
            .with(|v| v.as_ref().is_some_and(|v| v.nodes.contains(&id)))
    };
    let selected = move || lab.selected.with(|s| *s == Selection::Node(id));
    let group = move || lab.groups.with(|g| view::group_tag(g.as_deref(), id));
    let quorum = move || {
        lab.configuration
            .with(|c| c.quorum_tag(id).map(str::to_string))
    };
    let rings = Memo::new(move |_| {
        let i = lab.cards.with(|cs| cs.iter().position(|c| c.id == id));
        lab.rings
            .with(|r| i.and_then(|i| r.get(i).copied()).unwrap_or_default())
    });
    let timer = Signal::derive(move || ring_style(rings.get().timer));
    let lease = Signal::derive(move || ring_style(rings.get().lease));
    let votes = move || {
        card.with(|c| {
            c.as_ref()
                .and_then(|c| c.votes.as_ref())
                .map(view::Ballot::short)
        })
    };

    let labels = place.labels();
    let (lx, anchor, first_line) = (labels.x, labels.anchor, labels.first_y);
    let (x, y) = (place.x, place.y);
    let select = move || lab.run(|a| a.select(Selection::Node(id)));
    view! {
        <g
            // One class string: a `class:` toggle beside a reactive `class`
            // is wiped whenever the string changes (the ring vanished when
            // the selected node changed role).
            class=move || {
                format!(
                    "node role-{}{}{}{}",
                    kind().class(),
                    if deposed() { " deposed" } else { "" },
                    if selected() { " selected" } else { "" },
                    if in_violation() { " implicated" } else { "" }
                )
            }
            data-testid="node"
            data-node=id.to_string()
            data-role=move || kind().class().to_string()
            data-term=read(|c| c.term.to_string())
            transform={format!("translate({x} {y})", x = fixed(x, 1), y = fixed(y, 1))}
            on:click=move |_| select()
        >
            // The button holds the disc and its role letter only: its name
            // says everything the labels beside it show, and a button's
            // visible text must be part of its name (WCAG 2.5.3).
            <g
                class="node-button"
                role="button"
                tabindex="0"
                aria-label=read(NodeCard::describe)
                aria-pressed=move || selected().to_string()
                on:keydown=on_activate(select)
            >
                <title>{read(NodeCard::describe)}</title>
                <circle class="node-select" r={NODE_R + 20.0} />
                <circle class="node-outline" r={NODE_R + 3.0} />
                <circle class="node-body" r=NODE_R />
                <Ring class="timer-arc" r=ARC_R style=timer />
                <Ring class="lease-arc" r=ARC_R style=lease />
                <text class="node-letter" dy="0.35em">{move || kind().letter()}</text>
            </g>
            <g class="node-labels" text-anchor=anchor aria-hidden="true">
                <text class="node-name" x=lx y=first_line>{id.to_string()}</text>
                <text class="node-term" x=lx y={first_line + LABEL_LINE}>{read(|c| format!("term {}", c.term))}</text>
                <text class="node-vote" x=lx y={first_line + 2.0 * LABEL_LINE}>{read(NodeCard::vote_line)}</text>
                // Deposed, votes or group, the quorums it counts in: as many
                // lines as keep them inside the drawing.
                {move || {
                    let facts: Vec<String> = [deposed().then(|| "deposed".to_string()), votes().or_else(group), quorum()]
                        .into_iter()
                        .flatten()
                        .collect();
                    view::extra_lines(&facts, &labels)
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| view! {
                            <text class="node-extra" x=lx y={first_line + (3 + i) as f64 * LABEL_LINE}>{line}</text>
                        })
                        .collect_view()
                }}
            </g>
        </g>
    }
}

/// The key to the drawing, in words as well as colours and letters.
#[component]
fn Legend() -> impl IntoView {
    let roles = [
        Kind::Follower,
        Kind::PreCandidate,
        Kind::Candidate,
        Kind::Leader,
        Kind::Learner,
        Kind::Crashed,
        Kind::Outside,
        Kind::Removed,
    ];
    let messages = [
        ("message msg-append", "AE2", "AppendEntries with 2 entries"),
        ("message msg-append", "HB", "heartbeat"),
        ("message msg-vote", "RV", "RequestVote (PV: pre-vote)"),
        (
            "message msg-vote msg-reply",
            "V✓",
            "reply: ✓ granted/success, ✗ refused/failure",
        ),
    ];
    view! {
        <ul class="legend" aria-label="Legend">
            {roles
                .into_iter()
                .map(|k| {
                    view! {
                        <li>
                            <svg class="legend-mark" viewBox="-14 -14 28 28" aria-hidden="true">
                                <g class={format!("node role-{}", k.class())}>
                                    <circle class="node-body" r="12" />
                                    <text class="node-letter legend-letter" dy="0.35em">{k.letter()}</text>
                                </g>
                            </svg>
                            {k.word()}
                        </li>
                    }
                })
                .collect_view()}
            <li>
                <svg class="legend-mark" viewBox="-14 -14 28 28" aria-hidden="true">
                    <g class="node role-leader deposed">
                        <circle class="node-outline" r="12" />
                        <circle class="node-body" r="10" />
                        <text class="node-letter legend-letter" dy="0.35em">"L"</text>
                    </g>
                </svg>
                "deposed leader (an older term's)"
            </li>
            {messages
                .into_iter()
                .map(|(class, short, words)| {
                    view! {
                        <li>
                            <svg class="legend-mark legend-msg" viewBox="-22 -13 44 26" aria-hidden="true">
                                <g class=class>
                                    <rect class="message-dot" x="-20" y="-11" width="40" height="22" rx="11" />
                                    <text class="message-label" dy="0.35em" aria-hidden="true">{short}</text>
                                </g>
                            </svg>
                            {words}
                        </li>
                    }
                })
                .collect_view()}
            <li>
                <svg class="legend-mark" viewBox="-14 -14 28 28" aria-hidden="true">
                    <Ring class="timer-arc" r=11.0 style=Signal::stored(ring_style(Some(0.6))) />
                </svg>
                "election timer left (lease on a leader)"
            </li>
        </ul>
    }
}
