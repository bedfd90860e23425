//! The cluster drawing: nodes on a ring, the links between them (cut ones
//! drawn cut, one-way cuts with their direction), and the messages flying.
//!
//! Every role has its own colour, letter and outline, so colour is never the
//! only signal. Nodes, links and messages are buttons: selecting one opens
//! it in the inspector with its actions. With reduced motion, messages sit
//! still at the middle of their link while they are in flight.

use super::lab::{message_family, Lab, Selection};
use super::relay::Relay;
use crate::raft::{NodeId, Time};
use crate::scenario::Focus;
use crate::sim::MessageId;
use crate::view::{self, Kind, Link, LinkState, MessageDot, NodeCard};
use leptos::prelude::*;

/// Size of the drawing, in SVG units.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 690.0;
/// The ring's centre sits this far below the middle: the top node's labels
/// go above it and need more room than the bottom ones.
const DROP: f64 = 8.0;
/// Radii of the ring the nodes sit on: an ellipse, wider than tall, like
/// the panel it fills, so the labels beside the nodes have room.
const RING_X: f64 = 250.0;
const RING_Y: f64 = 200.0;
/// The distance between two lines of a node's labels.
const LINE: f64 = 24.0;
/// Radius of one node.
const NODE_R: f64 = 34.0;
/// The timer arc's radius.
const ARC_R: f64 = NODE_R + 11.0;
/// How far a message dot sits to the side of its link, so that requests and
/// replies on one link do not cover each other.
const LANE: f64 = 7.0;
/// Where a message starts and ends, measured from a node's centre.
const RIM: f64 = NODE_R + 14.0;

/// Where a node sits on the ring (the first at the top), and the unit vector
/// pointing outwards from the ring's centre through it.
#[derive(Clone, Copy)]
struct Place {
    x: f64,
    y: f64,
    out_x: f64,
    out_y: f64,
}

/// Node `index` of `count`, evenly spaced on the ring.
fn ring_place(index: usize, count: usize) -> Place {
    let angle =
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count.max(1) as f64;
    let (out_x, out_y) = (angle.cos(), angle.sin());
    Place {
        x: WIDTH / 2.0 + RING_X * out_x,
        y: HEIGHT / 2.0 + DROP + RING_Y * out_y,
        out_x,
        out_y,
    }
}

/// The style that shows `fraction` of a ring (see [`Ring`]), or hides it.
fn ring_style(fraction: Option<f64>) -> String {
    match fraction.filter(|f| *f > 0.0) {
        Some(f) => format!("stroke-dashoffset:{:.4}", 1.0 - f.min(1.0)),
        None => "display:none".to_string(),
    }
}

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
    let ids = lab.node_ids();
    let count = ids.len();
    let places: Vec<(NodeId, Place)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, ring_place(i, count)))
        .collect();
    let place_of = {
        let places = places.clone();
        move |id: NodeId| {
            places
                .iter()
                .find(|(n, _)| *n == id)
                .map_or((WIDTH / 2.0, HEIGHT / 2.0), |&(_, p)| (p.x, p.y))
        }
    };

    let link_views = {
        let place_of = place_of.clone();
        move || {
            lab.links
                .get()
                .into_iter()
                .map(|l| link_view(lab, l, place_of(l.a), place_of(l.b)))
                .collect_view()
        }
    };

    let glyphs = places
        .iter()
        .map(|&(id, place)| view! { <NodeGlyph id=id place=place /> })
        .collect_view();

    let place_msg = place_of.clone();
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
    let network_line = move || match lab.groups.get() {
        Some(groups) => format!("Partitioned: {}", view::groups_text(&groups)),
        None => {
            let cut = lab
                .links
                .with(|ls| ls.iter().filter(|l| l.state != LinkState::Open).count());
            match cut {
                0 => "Network whole".to_owned(),
                1 => "1 link cut".to_owned(),
                n => format!("{n} links cut"),
            }
        }
    };
    let in_flight = move || match lab.messages.with(Vec::len) {
        1 => "1 message in flight".to_owned(),
        n => format!("{n} messages in flight"),
    };

    view! {
        <figure class="cluster panel" role="region" aria-label="Cluster">
            <svg
                class="cluster-svg"
                viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
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
                            let (from, to) = (place_msg(m.from), place_msg(m.to));
                            message_view(lab, stage, m, from, to)
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
            </figcaption>
            <Legend />
        </figure>
    }
}

/// One link: a thin line when open; red and dashed with ✕ when cut; with an
/// arrow and ✕ on the lost direction when cut one way. A wide transparent
/// line makes it easy to click.
fn link_view(lab: Lab, link: Link, a: (f64, f64), b: (f64, f64)) -> impl IntoView {
    let (ax, ay) = a;
    let (bx, by) = b;
    let (class, mark) = match link.state {
        LinkState::Open => ("link", None),
        LinkState::Cut => ("link link-cut", Some(0.5)),
        LinkState::OneWay { from, .. } => (
            "link link-oneway",
            Some(if from == link.a { 0.7 } else { 0.3 }),
        ),
    };
    // For a one-way cut, the arrow points the way messages are lost.
    let (x1, y1, x2, y2) = match link.state {
        LinkState::OneWay { from, .. } if from == link.b => (bx, by, ax, ay),
        _ => (ax, ay, bx, by),
    };
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
    let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
    let (ex, ey) = (x2 - ux * (NODE_R + 12.0), y2 - uy * (NODE_R + 12.0));
    let one_way = matches!(link.state, LinkState::OneWay { .. });
    let selected = move || lab.selected.with(|s| *s == Selection::Link(link.a, link.b));
    let select = move || lab.selected.set(Selection::Link(link.a, link.b));
    view! {
        <g
            class=class
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
            {if one_way {
                view! {
                    <line class="link-line" x1=x1 y1=y1 x2=ex y2=ey marker-end="url(#cut-arrow)" />
                }
                    .into_any()
            } else {
                view! { <line class="link-line" x1=x1 y1=y1 x2=x2 y2=y2 /> }.into_any()
            }}
            {mark.map(|f| {
                let (mx, my) = (ax + (bx - ax) * f, ay + (by - ay) * f);
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
fn message_view(
    lab: Lab,
    stage: MessageStage,
    m: MessageDot,
    from: (f64, f64),
    to: (f64, f64),
) -> impl IntoView {
    let (now, still) = (stage.now.local(), stage.still.local());
    let (selected, lesson_focus) = (stage.selected.local(), stage.focus.local());
    let (ax, ay) = from;
    let (bx, by) = to;
    let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt().max(1.0);
    let (ux, uy) = ((bx - ax) / len, (by - ay) / len);
    let (nx, ny) = (-uy, ux);
    let (sx, sy) = (ax + ux * RIM, ay + uy * RIM);
    let (ex, ey) = (bx - ux * RIM, by - uy * RIM);
    let transform = {
        let m = m.clone();
        move || {
            let f = if still.get() {
                0.5
            } else {
                m.progress(now.get())
            };
            let x = sx + (ex - sx) * f + nx * LANE;
            let y = sy + (ey - sy) * f + ny * LANE;
            format!("translate({x:.1} {y:.1})")
        }
    };
    let class = format!(
        "message {}{}",
        message_family(m.kind),
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
        lab.selected
            .set(Selection::Message(Box::new(chosen.clone())))
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
    let in_violation = move || {
        lab.violation
            .with(|v| v.as_ref().is_some_and(|v| v.nodes.contains(&id)))
    };
    let selected = move || lab.selected.with(|s| *s == Selection::Node(id));
    let group = move || {
        lab.groups.with(|g| {
            g.as_ref().and_then(|gs| {
                gs.iter()
                    .position(|g| g.contains(&id))
                    .map(|i| format!("group {}", (b'A' + i as u8) as char))
            })
        })
    };
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
                .map(|(v, q)| format!("votes {}/{q}", v.len()))
        })
    };

    let gap = NODE_R + 16.0;
    let (lx, ly) = (place.out_x * gap, place.out_y * gap);
    let anchor = if place.out_x > 0.35 {
        "start"
    } else if place.out_x < -0.35 {
        "end"
    } else {
        "middle"
    };
    // Four lines: above a node at the top, below one at the bottom, and
    // centred on the others.
    let first_line = if place.out_y < -0.5 {
        ly - 3.0 * LINE - 4.0
    } else if place.out_y > 0.5 {
        ly + 22.0
    } else {
        ly - LINE
    };
    let (x, y) = (place.x, place.y);
    let select = move || lab.selected.set(Selection::Node(id));
    view! {
        <g
            // One class string: a `class:` toggle beside a reactive `class`
            // is wiped whenever the string changes (the ring vanished when
            // the selected node changed role).
            class=move || {
                format!(
                    "node role-{}{}{}",
                    kind().class(),
                    if selected() { " selected" } else { "" },
                    if in_violation() { " implicated" } else { "" }
                )
            }
            data-testid="node"
            data-node=id.to_string()
            data-role=move || kind().class().to_string()
            data-term=read(|c| c.term.to_string())
            transform={format!("translate({x:.1} {y:.1})")}
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
                <text class="node-term" x=lx y={first_line + LINE}>{read(|c| format!("term {}", c.term))}</text>
                <text class="node-vote" x=lx y={first_line + 2.0 * LINE}>{read(NodeCard::vote_line)}</text>
                <text class="node-extra" x=lx y={first_line + 3.0 * LINE}>
                    {move || {
                        let parts: Vec<String> = [votes().or_else(group), quorum()].into_iter().flatten().collect();
                        parts.join(" · ")
                    }}
                </text>
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
