//! The cluster drawing: nodes on a ring and the messages flying between them.
//!
//! Every role has its own colour, letter and outline (F, P, C, L; a crashed
//! node is grey with ✕), so colour is never the only signal. Messages are
//! dots labelled with their type's initials, placed along their link by how
//! far they are between send and delivery; with reduced motion they sit still
//! at the middle of the link while they are in flight.

use crate::raft::{MessageKind, NodeId, Role, Time};
use crate::sim::World;
use leptos::prelude::*;

/// Size of the drawing, in SVG units: wider than tall, for the labels beside
/// the nodes on the left and right.
const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 480.0;
/// Radius of the ring the nodes sit on.
const RING: f64 = 140.0;
/// Radius of one node.
const NODE_R: f64 = 34.0;
/// How far a message dot sits to the side of its link, so that requests and
/// replies on one link do not cover each other.
const LANE: f64 = 7.0;
/// Where a message starts and ends, measured from a node's centre: just
/// outside the node's role outline.
const RIM: f64 = NODE_R + 10.0;

/// What the screen shows of one node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    pub up: bool,
    pub role: Role,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    pub commit_index: u64,
    pub last_index: u64,
}

impl NodeView {
    /// Every node of `world`, in id order.
    pub fn all(world: &World) -> Vec<NodeView> {
        world
            .node_ids()
            .into_iter()
            .map(|id| {
                let node = world.node(id);
                NodeView {
                    id,
                    up: world.is_up(id),
                    role: node.role(),
                    term: node.term(),
                    voted_for: node.voted_for(),
                    commit_index: node.commit_index(),
                    last_index: node.last_index(),
                }
            })
            .collect()
    }

    /// The value of `data-role`: the role's label, or `crashed`.
    fn role_label(&self) -> &'static str {
        if self.up {
            self.role.label()
        } else {
            "crashed"
        }
    }

    /// The letter drawn inside the node.
    fn letter(&self) -> &'static str {
        match (self.up, self.role) {
            (false, _) => "✕",
            (true, Role::Follower) => "F",
            (true, Role::PreCandidate) => "P",
            (true, Role::Candidate) => "C",
            (true, Role::Leader) => "L",
        }
    }

    /// The node in words, for assistive technology and tooltips.
    fn describe(&self) -> String {
        if !self.up {
            return format!("{}: crashed, term {}", self.id, self.term);
        }
        let vote = match self.voted_for {
            Some(v) => format!("voted for {v}"),
            None => "no vote".to_owned(),
        };
        format!(
            "{}: {}, term {}, {vote}, log up to {}, committed up to {}",
            self.id,
            self.role.label(),
            self.term,
            self.last_index,
            self.commit_index
        )
    }
}

/// What the screen shows of one message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    pub deliver_at: Time,
    pub kind: MessageKind,
}

impl MessageView {
    /// Every message on the wire in `world`.
    pub fn all(world: &World) -> Vec<MessageView> {
        world
            .in_flight_iter()
            .map(|m| MessageView {
                from: m.from,
                to: m.to,
                sent_at: m.sent_at,
                deliver_at: m.deliver_at,
                kind: m.message.kind(),
            })
            .collect()
    }

    /// How far along its link the message is at `now`, from 0 to 1.
    fn progress(&self, now: Time) -> f64 {
        let total = self
            .deliver_at
            .as_micros()
            .saturating_sub(self.sent_at.as_micros());
        if total == 0 {
            return 1.0;
        }
        let done = now.as_micros().saturating_sub(self.sent_at.as_micros());
        (done as f64 / total as f64).clamp(0.0, 1.0)
    }

    /// The initials drawn on the message: `AppendEntries` → `AE`.
    fn initials(&self) -> &'static str {
        match self.kind {
            MessageKind::PreVote => "PV",
            MessageKind::RequestVote => "RV",
            MessageKind::VoteResponse => "V",
            MessageKind::AppendEntries => "AE",
            MessageKind::Heartbeat => "HB",
            MessageKind::AppendResponse => "AR",
            MessageKind::InstallSnapshot => "IS",
            MessageKind::SnapshotResponse => "SR",
            MessageKind::TimeoutNow => "TN",
        }
    }

    /// CSS classes: the message family (its colour) and, for replies, a
    /// hollow dot, so colour is never the only signal.
    fn classes(&self) -> String {
        let family = match self.kind {
            MessageKind::AppendEntries | MessageKind::Heartbeat | MessageKind::AppendResponse => {
                "msg-append"
            }
            MessageKind::PreVote | MessageKind::RequestVote | MessageKind::VoteResponse => {
                "msg-vote"
            }
            MessageKind::InstallSnapshot | MessageKind::SnapshotResponse => "msg-snapshot",
            MessageKind::TimeoutNow => "msg-other",
        };
        let reply = matches!(
            self.kind,
            MessageKind::VoteResponse | MessageKind::AppendResponse | MessageKind::SnapshotResponse
        );
        if reply {
            format!("message {family} msg-reply")
        } else {
            format!("message {family}")
        }
    }
}

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
        x: WIDTH / 2.0 + RING * out_x,
        y: HEIGHT / 2.0 + RING * out_y,
        out_x,
        out_y,
    }
}

/// The ring of nodes, the links between them and the messages in flight,
/// with a one-line summary of who leads.
#[component]
pub fn ClusterView(
    /// The nodes to draw, in id order.
    #[prop(into)]
    nodes: Signal<Vec<NodeView>>,
    /// The messages on the wire.
    #[prop(into)]
    messages: Signal<Vec<MessageView>>,
    /// Global simulated time, which places the messages along their links.
    #[prop(into)]
    now: Signal<Time>,
    /// When true, messages do not glide: each sits at its link's middle.
    #[prop(into)]
    reduced_motion: Signal<bool>,
) -> impl IntoView {
    let ids: Vec<NodeId> = nodes.with_untracked(|ns| ns.iter().map(|n| n.id).collect());
    let count = ids.len();
    let places: Vec<(NodeId, Place)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, ring_place(i, count)))
        .collect();

    let links = {
        let mut lines = Vec::new();
        for (i, &(_, a)) in places.iter().enumerate() {
            for &(_, b) in &places[i + 1..] {
                lines.push(view! { <line class="link" x1=a.x y1=a.y x2=b.x y2=b.y /> });
            }
        }
        lines
    };

    let glyphs = places
        .iter()
        .map(|&(id, place)| view! { <NodeGlyph id=id place=place nodes=nodes /> })
        .collect_view();

    let place_of = move |id: NodeId| {
        places
            .iter()
            .find(|(n, _)| *n == id)
            .map_or((WIDTH / 2.0, HEIGHT / 2.0), |&(_, p)| (p.x, p.y))
    };

    let leader = Memo::new(move |_| {
        nodes.with(|ns| {
            ns.iter()
                .filter(|n| n.up && n.role == Role::Leader)
                .max_by_key(|n| n.term)
                .map(|n| (n.id, n.term))
        })
    });
    let in_flight = move || messages.with(Vec::len);

    view! {
        <figure class="cluster">
            <svg
                class="cluster-svg"
                viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
                role="group"
                aria-label={format!("Cluster of {count} nodes")}
                data-testid="cluster"
            >
                <g class="links" aria-hidden="true">{links}</g>
                <g class="messages" aria-hidden="true">
                    <For
                        each=move || messages.get()
                        key=|m| (m.from, m.to, m.sent_at, m.deliver_at, m.kind)
                        children=move |m| {
                            let (ax, ay) = place_of(m.from);
                            let (bx, by) = place_of(m.to);
                            let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt().max(1.0);
                            // Unit vectors along the link and to the right of travel.
                            let (ux, uy) = ((bx - ax) / len, (by - ay) / len);
                            let (nx, ny) = (-uy, ux);
                            // The dot travels from the sender's rim to the receiver's.
                            let (sx, sy) = (ax + ux * RIM, ay + uy * RIM);
                            let (ex, ey) = (bx - ux * RIM, by - uy * RIM);
                            let transform = {
                                let m = m.clone();
                                move || {
                                    let f = if reduced_motion.get() { 0.5 } else { m.progress(now.get()) };
                                    let x = sx + (ex - sx) * f + nx * LANE;
                                    let y = sy + (ey - sy) * f + ny * LANE;
                                    format!("translate({x:.1} {y:.1})")
                                }
                            };
                            view! {
                                <g
                                    class=m.classes()
                                    data-testid="message"
                                    data-kind=m.kind.label()
                                    data-from=m.from.to_string()
                                    data-to=m.to.to_string()
                                    transform=transform
                                >
                                    <title>{format!("{} {} → {}", m.kind.label(), m.from, m.to)}</title>
                                    <circle r="10" />
                                    <text class="message-label" dy="0.35em">{m.initials()}</text>
                                </g>
                            }
                        }
                    />
                </g>
                <g class="nodes">{glyphs}</g>
            </svg>
            <figcaption>
                <span data-testid="leader-status" aria-live="polite">
                    {move || match leader.get() {
                        Some((id, term)) => format!("Leader: {id} (term {term})"),
                        None => "No leader".to_owned(),
                    }}
                </span>
                " · "
                <span data-testid="in-flight">
                    {move || match in_flight() {
                        1 => "1 message in flight".to_owned(),
                        n => format!("{n} messages in flight"),
                    }}
                </span>
            </figcaption>
            <Legend />
        </figure>
    }
}

/// One node: a disc with its role letter and an outline for its role, and
/// beside it, on the side away from the ring's centre (so that no link or
/// message crosses them), its name, term and vote.
#[component]
fn NodeGlyph(
    /// Which node.
    id: NodeId,
    /// Where it sits.
    place: Place,
    /// All nodes; this glyph picks out its own.
    #[prop(into)]
    nodes: Signal<Vec<NodeView>>,
) -> impl IntoView {
    let state = Memo::new(move |_| nodes.with(|ns| ns.iter().find(|n| n.id == id).cloned()));
    let read = move |f: fn(&NodeView) -> String| {
        move || state.with(|s| s.as_ref().map(f).unwrap_or_default())
    };
    let role = read(|n| n.role_label().to_owned());
    let term_number = read(|n| n.term.to_string());
    let class = read(|n| format!("node role-{}", n.role_label()));
    let letter = read(|n| n.letter().to_owned());
    let label = read(NodeView::describe);
    let term = read(|n| format!("term {}", n.term));
    let vote = read(|n| match n.voted_for {
        Some(v) => format!("vote {v}"),
        None => "no vote".to_owned(),
    });

    // The three label lines, outside the node's outline on its outer side:
    // above a node at the top, below one at the bottom, beside the others.
    let gap = NODE_R + 12.0;
    let (lx, ly) = (place.out_x * gap, place.out_y * gap);
    let anchor = if place.out_x > 0.35 {
        "start"
    } else if place.out_x < -0.35 {
        "end"
    } else {
        "middle"
    };
    let first_line = if place.out_y < -0.5 {
        ly - 30.0
    } else if place.out_y > 0.5 {
        ly + 12.0
    } else {
        ly - 10.0
    };
    let (x, y) = (place.x, place.y);
    view! {
        <g
            class=class
            data-testid="node"
            data-node=id.to_string()
            data-role=role
            data-term=term_number
            transform={format!("translate({x:.1} {y:.1})")}
            role="img"
            aria-label=label
        >
            <title>{label}</title>
            <circle class="node-outline" r={NODE_R + 6.0} />
            <circle class="node-body" r=NODE_R />
            <text class="node-letter" dy="0.35em">{letter}</text>
            <g class="node-labels" text-anchor=anchor>
                <text class="node-name" x=lx y=first_line>{id.to_string()}</text>
                <text class="node-term" x=lx y={first_line + 15.0}>{term}</text>
                <text class="node-vote" x=lx y={first_line + 30.0}>{vote}</text>
            </g>
        </g>
    }
}

/// The key to the drawing, in words as well as colours and letters.
#[component]
fn Legend() -> impl IntoView {
    let roles = [
        ("follower", "F", "follower"),
        ("pre-candidate", "P", "pre-candidate"),
        ("candidate", "C", "candidate"),
        ("leader", "L", "leader"),
        ("crashed", "✕", "crashed"),
    ];
    let messages = [
        ("message msg-append", "AE", "AppendEntries (HB: heartbeat)"),
        ("message msg-vote", "RV", "RequestVote (PV: pre-vote)"),
        (
            "message msg-append msg-reply",
            "AR",
            "a reply: hollow (AR, V)",
        ),
    ];
    view! {
        <ul class="legend" aria-label="Legend">
            {roles
                .into_iter()
                .map(|(role, letter, words)| {
                    view! {
                        <li>
                            <svg class="legend-mark" viewBox="-12 -12 24 24" aria-hidden="true">
                                <g class={format!("node role-{role}")}>
                                    <circle class="node-body" r="10" />
                                    <text class="node-letter legend-letter" dy="0.35em">{letter}</text>
                                </g>
                            </svg>
                            {words}
                        </li>
                    }
                })
                .collect_view()}
            {messages
                .into_iter()
                .map(|(class, initials, words)| {
                    view! {
                        <li>
                            <svg class="legend-mark" viewBox="-12 -12 24 24" aria-hidden="true">
                                <g class=class>
                                    <circle r="10" />
                                    <text class="message-label" dy="0.35em">{initials}</text>
                                </g>
                            </svg>
                            {words}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
