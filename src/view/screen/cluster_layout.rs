//! Where everything in the cluster drawing goes: nodes evenly on an
//! elliptical ring (the first at the top), their labels on the side away
//! from the centre, links between them (cut ones marked, one-way cuts with
//! an arrow the way messages are lost), and each message's path, a little
//! to the side of its link so requests and replies do not cover each other.
//! Also the drawing's caption in words.

use crate::raft::NodeId;
use crate::view::{fixed, groups_text, Link, LinkState};

/// Width of the drawing, in SVG units.
pub const CLUSTER_WIDTH: f64 = 900.0;
/// Height of the drawing, in SVG units.
pub const CLUSTER_HEIGHT: f64 = 690.0;
/// Radius of one node.
pub const NODE_R: f64 = 34.0;
/// The timer ring's radius.
pub const ARC_R: f64 = NODE_R + 11.0;
/// The distance between two lines of a node's labels.
pub const LABEL_LINE: f64 = 24.0;
/// The ring's centre sits this far below the middle: the top node's labels
/// go above it and need more room than the bottom ones.
const DROP: f64 = 8.0;
/// Radii of the ring the nodes sit on: an ellipse, wider than tall, like
/// the panel it fills, so the labels beside the nodes have room.
const RING_X: f64 = 235.0;
const RING_Y: f64 = 200.0;
/// How far a message dot sits to the side of its link.
const SIDE: f64 = 7.0;
/// Where a message starts and ends, measured from a node's centre.
const RIM: f64 = NODE_R + 14.0;
/// How much further out a message may start, in steps, so that messages a
/// server sends at one instant (a candidate's vote requests, a leader's
/// heartbeats) fan out instead of piling on the sender.
const FAN_STEP: f64 = 6.0;
/// The widest message badge, with a margin: two badges closer than this
/// (and closer than [`BADGE_H`] vertically) cover each other.
const BADGE_W: f64 = 58.0;
/// The badge's height, with a margin.
const BADGE_H: f64 = 30.0;

/// Where a node sits, and the unit vector pointing outwards from the ring's
/// centre through it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Outwards, x.
    pub out_x: f64,
    /// Outwards, y.
    pub out_y: f64,
}

/// Where a node's lines of labels go, relative to its centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Labels {
    /// Their x.
    pub x: f64,
    /// The first line's y; each next is [`LABEL_LINE`] lower.
    pub first_y: f64,
    /// `start`, `middle` or `end` (SVG `text-anchor`).
    pub anchor: &'static str,
    /// How many characters of the extra line fit between the labels' x and
    /// the drawing's edge (in the widest type the drawing uses).
    pub room: usize,
    /// How many extra lines fit under the name, term and vote.
    pub extra_lines: usize,
}

/// The width of one character of a label, in the largest type a label is
/// drawn in (24 units, bold, as the presentation layout draws them).
const LABEL_CHAR: f64 = 15.0;

/// A node's extra facts (`deposed`, `votes 2/3`, `group A`, `C_new only`),
/// in as few lines as fit `labels`: each line at most `labels.room`
/// characters, facts joined by ` · `, never more than `labels.extra_lines`
/// lines (the last then takes what is left). A fact is never split.
pub fn extra_lines(facts: &[String], labels: &Labels) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let most = labels.extra_lines.max(1);
    for fact in facts
        .iter()
        .flat_map(|f| f.split(" · "))
        .filter(|f| !f.is_empty())
    {
        let full = lines.len() >= most;
        match lines.last_mut() {
            Some(line)
                if full || line.chars().count() + 3 + fact.chars().count() <= labels.room =>
            {
                line.push_str(" · ");
                line.push_str(fact);
            }
            _ => lines.push(fact.to_string()),
        }
    }
    lines
}

impl Place {
    /// Node `index` of `count`, evenly spaced on the ring, the first at the
    /// top.
    pub fn on_ring(index: usize, count: usize) -> Place {
        let angle = -std::f64::consts::FRAC_PI_2
            + std::f64::consts::TAU * index as f64 / count.max(1) as f64;
        let (out_x, out_y) = (angle.cos(), angle.sin());
        Place {
            x: CLUSTER_WIDTH / 2.0 + RING_X * out_x,
            y: CLUSTER_HEIGHT / 2.0 + DROP + RING_Y * out_y,
            out_x,
            out_y,
        }
    }

    /// Its labels: beside it, away from the centre; above a node at the
    /// top, below one at the bottom, and centred on the others.
    pub fn labels(&self) -> Labels {
        let gap = NODE_R + 16.0;
        // A node at the very bottom has no room below it for its lines: they
        // go to its right, as for a node on the right-hand side.
        if self.out_y > 0.9 && self.out_x.abs() <= 0.35 {
            return Place {
                out_x: 1.0,
                out_y: 0.0,
                ..*self
            }
            .labels();
        }
        let (x, y) = (self.out_x * gap, self.out_y * gap);
        let anchor = if self.out_x > 0.35 {
            "start"
        } else if self.out_x < -0.35 {
            "end"
        } else {
            "middle"
        };
        let first_y = if self.out_y < -0.5 {
            y - 3.0 * LABEL_LINE - 4.0
        } else if self.out_y > 0.5 {
            y + 22.0
        } else {
            y - LABEL_LINE
        };
        let left = match anchor {
            "start" => CLUSTER_WIDTH - (self.x + x),
            "end" => self.x + x,
            // Centred: half the line on either side.
            _ => 2.0 * (self.x + x).min(CLUSTER_WIDTH - (self.x + x)),
        };
        let room = (left / LABEL_CHAR).floor().max(6.0) as usize;
        // Lines fit down to the drawing's bottom edge; above a node at the
        // top, the name is already near the top edge, so one line.
        let below = CLUSTER_HEIGHT - (self.y + first_y + 3.0 * LABEL_LINE);
        let extra_lines = if self.out_y < -0.5 {
            1
        } else {
            ((below - 6.0) / LABEL_LINE + 1.0).floor().clamp(1.0, 3.0) as usize
        };
        Labels {
            x,
            first_y,
            anchor,
            room,
            extra_lines,
        }
    }
}

/// Every node's place.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterLayout {
    /// Each node with its place, in id order.
    pub places: Vec<(NodeId, Place)>,
    /// For each sender and receiver, how far from the sender's centre a
    /// message starts (see [`fan_out`]).
    starts: Vec<((NodeId, NodeId), f64)>,
}

/// Where messages from the node at `from` to each of `to` start, measured
/// from its centre: each at the rim, or a step or more further out when
/// the badge there would cover one already placed. Receivers are taken in
/// the order of their direction, so neighbours alternate between distances.
fn fan_out(from: (f64, f64), to: &[(NodeId, (f64, f64))]) -> Vec<(NodeId, f64)> {
    let mut order: Vec<(NodeId, f64, (f64, f64), f64)> = to
        .iter()
        .map(|&(id, (x, y))| {
            let len = ((x - from.0).powi(2) + (y - from.1).powi(2))
                .sqrt()
                .max(1.0);
            let unit = ((x - from.0) / len, (y - from.1) / len);
            (id, unit.1.atan2(unit.0), unit, len / 2.0)
        })
        .collect();
    crate::sorting::sort_by(&mut order, |a, b| a.1.total_cmp(&b.1));
    let mut placed: Vec<(f64, f64)> = Vec::new();
    let mut starts = Vec::new();
    for (id, _, (ux, uy), half) in order {
        // Where the badge sits at distance r: along the way, and SIDE to
        // its side, as [`MessagePath::at`] puts it.
        let at = |r: f64| (ux * r - uy * SIDE, uy * r + ux * SIDE);
        // How far a badge at p is from covering one already placed
        // (positive: clear).
        let clearance = |p: (f64, f64)| {
            placed
                .iter()
                .map(|q: &(f64, f64)| {
                    ((p.0 - q.0).abs() - BADGE_W).max((p.1 - q.1).abs() - BADGE_H)
                })
                .fold(f64::INFINITY, f64::min)
        };
        let tries: Vec<f64> = (0..)
            .map(|step| RIM + FAN_STEP * f64::from(step))
            .take_while(|&r| r <= half.max(RIM))
            .collect();
        let r = tries
            .iter()
            .copied()
            .find(|&r| clearance(at(r)) >= 0.0)
            .or_else(|| {
                tries
                    .iter()
                    .copied()
                    .max_by(|a, b| clearance(at(*a)).total_cmp(&clearance(at(*b))))
            })
            .unwrap_or(RIM);
        placed.push(at(r));
        starts.push((id, r));
    }
    starts
}

impl ClusterLayout {
    /// `nodes` on the ring, in order.
    pub fn of(nodes: &[NodeId]) -> ClusterLayout {
        let places: Vec<(NodeId, Place)> = nodes
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, Place::on_ring(i, nodes.len())))
            .collect();
        let centres: Vec<(NodeId, (f64, f64))> =
            places.iter().map(|&(id, p)| (id, (p.x, p.y))).collect();
        let starts = centres
            .iter()
            .flat_map(|&(from, centre)| {
                let others: Vec<_> = centres
                    .iter()
                    .copied()
                    .filter(|(id, _)| *id != from)
                    .collect();
                fan_out(centre, &others)
                    .into_iter()
                    .map(move |(to, r)| ((from, to), r))
            })
            .collect();
        ClusterLayout { places, starts }
    }

    /// The centre of `node` (the drawing's middle for a node not drawn).
    pub fn centre(&self, node: NodeId) -> (f64, f64) {
        self.places
            .iter()
            .find(|(n, _)| *n == node)
            .map_or((CLUSTER_WIDTH / 2.0, CLUSTER_HEIGHT / 2.0), |&(_, p)| {
                (p.x, p.y)
            })
    }

    /// How `link` is drawn.
    pub fn link(&self, link: &Link) -> LinkShape {
        LinkShape::of(link, self.centre(link.a), self.centre(link.b))
    }

    /// The path of a message from `from` to `to`.
    pub fn path(&self, from: NodeId, to: NodeId) -> MessagePath {
        let start = self
            .starts
            .iter()
            .find(|(pair, _)| *pair == (from, to))
            .map_or(RIM, |&(_, r)| r);
        MessagePath::starting_at(self.centre(from), self.centre(to), start)
    }
}

/// How one link is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkShape {
    /// Its CSS class (`link`, `link link-cut`, `link link-oneway`).
    pub class: &'static str,
    /// Where its line starts: for a one-way cut, at the sender whose
    /// messages are lost.
    pub from: (f64, f64),
    /// Where its line ends.
    pub to: (f64, f64),
    /// For a one-way cut: where its arrow ends, short of the node.
    pub arrow_to: Option<(f64, f64)>,
    /// For a cut: where its ✕ goes (nearer the side that loses messages).
    pub cut_mark: Option<(f64, f64)>,
}

impl LinkShape {
    /// `link` between centres `a` and `b`.
    pub fn of(link: &Link, a: (f64, f64), b: (f64, f64)) -> LinkShape {
        let (class, mark) = match link.state {
            LinkState::Open => ("link", None),
            LinkState::Cut => ("link link-cut", Some(0.5)),
            LinkState::OneWay { from, .. } => (
                "link link-oneway",
                Some(if from == link.a { 0.7 } else { 0.3 }),
            ),
        };
        let (from, to) = match link.state {
            LinkState::OneWay { from, .. } if from == link.b => (b, a),
            _ => (a, b),
        };
        let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2))
            .sqrt()
            .max(1.0);
        let (ux, uy) = ((to.0 - from.0) / len, (to.1 - from.1) / len);
        let short = NODE_R + 12.0;
        LinkShape {
            class,
            from,
            to,
            arrow_to: matches!(link.state, LinkState::OneWay { .. })
                .then_some((to.0 - ux * short, to.1 - uy * short)),
            cut_mark: mark.map(|f| (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f)),
        }
    }
}

/// A message's path: from its sender's rim to its receiver's, a little to
/// the side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessagePath {
    start: (f64, f64),
    end: (f64, f64),
    side: (f64, f64),
    /// The middle of the link, to the side: where a message sits still.
    middle: (f64, f64),
}

impl MessagePath {
    /// From the node at `from` to the node at `to`.
    pub fn between(from: (f64, f64), to: (f64, f64)) -> MessagePath {
        MessagePath::starting_at(from, to, RIM)
    }

    /// From `start` out from the centre of the node at `from` to the rim
    /// of the node at `to` (never past the middle of the way).
    fn starting_at(from: (f64, f64), to: (f64, f64), start: f64) -> MessagePath {
        let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2))
            .sqrt()
            .max(1.0);
        let (ux, uy) = ((to.0 - from.0) / len, (to.1 - from.1) / len);
        let start = start.min(len / 2.0);
        MessagePath {
            start: (from.0 + ux * start, from.1 + uy * start),
            end: (to.0 - ux * RIM, to.1 - uy * RIM),
            side: (-uy * SIDE, ux * SIDE),
            middle: (
                (from.0 + to.0) / 2.0 - uy * SIDE,
                (from.1 + to.1) / 2.0 + ux * SIDE,
            ),
        }
    }

    /// Where a message sits when motion is reduced: the middle of its link
    /// (fanning out matters only while messages move).
    pub fn middle(&self) -> (f64, f64) {
        self.middle
    }

    /// Where the message is `fraction` of the way (0 sent, 1 arrived).
    pub fn at(&self, fraction: f64) -> (f64, f64) {
        (
            self.start.0 + (self.end.0 - self.start.0) * fraction + self.side.0,
            self.start.1 + (self.end.1 - self.start.1) * fraction + self.side.1,
        )
    }
}

/// The CSS style that shows `fraction` of a ring drawn with
/// `pathLength="1"`, or hides it when there is nothing to show.
pub fn ring_style(fraction: Option<f64>) -> String {
    match fraction.filter(|f| *f > 0.0) {
        Some(f) => format!("stroke-dashoffset:{}", fixed(1.0 - f.min(1.0), 4)),
        None => "display:none".to_string(),
    }
}

/// The network in the caption: its partition groups, or how many links
/// are cut.
pub fn network_line(groups: Option<&[Vec<NodeId>]>, links: &[Link]) -> String {
    if let Some(groups) = groups {
        return format!("Partitioned: {}", groups_text(groups));
    }
    match links.iter().filter(|l| l.state != LinkState::Open).count() {
        0 => "Network whole".to_owned(),
        1 => "1 link cut".to_owned(),
        n => format!("{n} links cut"),
    }
}

/// The messages in flight, in the caption.
pub fn in_flight_line(count: usize) -> String {
    match count {
        1 => "1 message in flight".to_owned(),
        n => format!("{n} messages in flight"),
    }
}

/// The partition group `node` is in, as a node's label says it (`group A`).
pub fn group_tag(groups: Option<&[Vec<NodeId>]>, node: NodeId) -> Option<String> {
    groups?
        .iter()
        .position(|g| g.contains(&node))
        .map(|i| format!("group {}", (b'A' + i as u8) as char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sit_evenly_on_the_ring_the_first_at_the_top_with_labels_outside() {
        let layout = ClusterLayout::of(&[NodeId(1), NodeId(2), NodeId(3), NodeId(4)]);
        let (x1, y1) = layout.centre(NodeId(1));
        assert!((x1 - CLUSTER_WIDTH / 2.0).abs() < 1e-9 && y1 < CLUSTER_HEIGHT / 2.0);
        let right = layout.places[1].1;
        assert_eq!(right.labels().anchor, "start");
        assert_eq!(layout.places[3].1.labels().anchor, "end");
        let top = layout.places[0].1.labels();
        assert!(
            top.first_y + 3.0 * LABEL_LINE < 0.0,
            "the top node's labels are above it"
        );
        assert_eq!(
            layout.centre(NodeId(9)),
            (CLUSTER_WIDTH / 2.0, CLUSTER_HEIGHT / 2.0)
        );
    }

    #[test]
    fn extra_facts_wrap_to_stay_inside_the_drawing_and_never_split_a_fact() {
        for count in 3..=9u8 {
            let ids: Vec<NodeId> = (1..=count).map(NodeId).collect();
            let layout = ClusterLayout::of(&ids);
            for &(id, place) in &layout.places {
                let labels = place.labels();
                let facts = vec![
                    "deposed".to_string(),
                    "old 1/2 · new 3/3".to_string(),
                    "group B".to_string(),
                    "C_new only".to_string(),
                ];
                let lines = extra_lines(&facts, &labels);
                assert!(
                    lines.len() <= labels.extra_lines,
                    "{count} nodes, {id}: {lines:?}"
                );
                assert_eq!(
                    lines.join(" · "),
                    "deposed · old 1/2 · new 3/3 · group B · C_new only"
                );
                // Inside the drawing: the lines' width in the largest type.
                for line in &lines[..lines.len() - 1] {
                    assert!(
                        line.chars().count() <= labels.room,
                        "{count} nodes, {id}: {line}"
                    );
                }
                let last_y = place.y + labels.first_y + (2 + lines.len()) as f64 * LABEL_LINE;
                assert!(
                    last_y + 6.0 <= CLUSTER_HEIGHT,
                    "{count} nodes, {id}: bottom line at {last_y}"
                );
            }
        }
        // The left node of five fits "group B · C_new only" only on two lines.
        let five = ClusterLayout::of(&(1..=5).map(NodeId).collect::<Vec<_>>());
        let left = five.places[4].1.labels();
        assert_eq!(left.anchor, "end");
        let lines = extra_lines(&["group B".to_string(), "C_new only".to_string()], &left);
        assert_eq!(lines, vec!["group B", "C_new only"]);
        // A centred node keeps short facts on one line.
        let top = five.places[0].1.labels();
        assert_eq!(
            extra_lines(&["group A".to_string(), "C_old+C_new".to_string()], &top),
            vec!["group A · C_old+C_new"]
        );
    }

    /// Pairs of badges that cover each other when `from` sends to every
    /// other node at once, on `layout` (or along the plain paths).
    fn covered_pairs(layout: &ClusterLayout, from: NodeId, fanned: bool) -> usize {
        let badges: Vec<(f64, f64)> = layout
            .places
            .iter()
            .map(|&(to, _)| to)
            .filter(|&to| to != from)
            .map(|to| {
                let path = if fanned {
                    layout.path(from, to)
                } else {
                    MessagePath::between(layout.centre(from), layout.centre(to))
                };
                path.at(0.0)
            })
            .collect();
        let mut n = 0;
        for (i, a) in badges.iter().enumerate() {
            for b in &badges[i + 1..] {
                if (a.0 - b.0).abs() < 52.0 && (a.1 - b.1).abs() < 26.0 {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn messages_a_server_sends_at_one_instant_fan_out_so_no_badge_covers_another() {
        for count in 3..=9u8 {
            let ids: Vec<NodeId> = (1..=count).map(NodeId).collect();
            let layout = ClusterLayout::of(&ids);
            let (mut plain, mut fanned) = (0, 0);
            for &from in &ids {
                plain += covered_pairs(&layout, from, false);
                fanned += covered_pairs(&layout, from, true);
                // Every message still travels toward its receiver, and
                // starts no further than halfway.
                for &to in ids.iter().filter(|&&to| to != from) {
                    let p = layout.path(from, to);
                    let (s, e) = (p.at(0.0), p.at(1.0));
                    let (f, t) = (layout.centre(from), layout.centre(to));
                    let d = |a: (f64, f64), b: (f64, f64)| {
                        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
                    };
                    assert!(d(e, t) < d(s, t), "{from}→{to} moves toward {to}");
                    assert!(d(s, f) <= d(f, t) / 2.0 + SIDE + 1e-9);
                    // Still (reduced motion), it sits mid-link whatever its start.
                    let mid = ((f.0 + t.0) / 2.0, (f.1 + t.1) / 2.0);
                    assert!((d(p.middle(), mid) - SIDE).abs() < 1e-9);
                }
            }
            // Up to six servers every badge is clear; on the crowded rings
            // of seven to nine, short links between neighbours leave no room
            // for all of them, but nine pairs in ten are cleared (47 → 1 at
            // seven, 99 → 5 at nine).
            if count <= 6 {
                assert_eq!(
                    fanned, 0,
                    "{count} nodes: {plain} pairs covered without fan-out"
                );
            } else {
                assert!(
                    fanned * 10 <= plain,
                    "{count} nodes: {fanned} covered pairs, {plain} without fan-out"
                );
            }
        }
    }

    #[test]
    fn a_one_way_cut_points_the_way_messages_are_lost() {
        let (a, b) = ((0.0, 0.0), (200.0, 0.0));
        let link = |state| Link {
            a: NodeId(1),
            b: NodeId(2),
            state,
        };
        let open = LinkShape::of(&link(LinkState::Open), a, b);
        assert_eq!(
            (open.class, open.arrow_to, open.cut_mark),
            ("link", None, None)
        );
        let cut = LinkShape::of(&link(LinkState::Cut), a, b);
        assert_eq!(cut.cut_mark, Some((100.0, 0.0)));
        let lost_from_2 = LinkShape::of(
            &link(LinkState::OneWay {
                from: NodeId(2),
                to: NodeId(1),
            }),
            a,
            b,
        );
        assert_eq!((lost_from_2.from, lost_from_2.to), (b, a));
        assert_eq!(lost_from_2.arrow_to, Some((NODE_R + 12.0, 0.0)));
        assert_eq!(lost_from_2.cut_mark, Some((60.0, 0.0)));
    }

    #[test]
    fn a_message_flies_rim_to_rim_beside_its_link() {
        let path = MessagePath::between((0.0, 0.0), (200.0, 0.0));
        assert_eq!(path.at(0.0), (RIM, SIDE));
        assert_eq!(path.at(1.0), (200.0 - RIM, SIDE));
        let back = MessagePath::between((200.0, 0.0), (0.0, 0.0));
        assert_eq!(back.at(0.5).1, -SIDE, "the reply flies on the other side");
    }

    #[test]
    fn the_caption_says_how_the_network_is_split() {
        let cut = Link {
            a: NodeId(1),
            b: NodeId(2),
            state: LinkState::Cut,
        };
        assert_eq!(network_line(None, &[]), "Network whole");
        assert_eq!(network_line(None, &[cut]), "1 link cut");
        let groups = vec![vec![NodeId(1)], vec![NodeId(2), NodeId(3)]];
        assert_eq!(
            network_line(Some(&groups), &[cut]),
            "Partitioned: {N1} | {N2, N3}"
        );
        assert_eq!(
            group_tag(Some(&groups), NodeId(3)).as_deref(),
            Some("group B")
        );
        assert_eq!(in_flight_line(1), "1 message in flight");
        assert_eq!(ring_style(Some(0.25)), "stroke-dashoffset:0.7500");
        assert_eq!(ring_style(Some(0.0)), "display:none");
    }
}
