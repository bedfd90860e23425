//! The swimlane diagram as SVG markup, drawn from a [`LaneWindow`]: plain
//! strings, so what the timeline shows is tested natively, and the browser
//! parses one string per window instead of diffing thousands of elements.
//! What depends on the playhead is a separate small layer
//! ([`CursorLayer`]), so a step inside the window redraws only that.
//!
//! Every role has a shape as well as a colour: a follower is a thin bar, a
//! pre-candidate a dotted bar, a candidate a hatched bar, a leader a thick
//! solid bar, and a crash is a gap with a cross. Lost messages end in a
//! cross; stale reads are hatched in the warning colour with a dashed line
//! back to the write they missed.

use super::cursor_layer::{CursorLayer, LANES_LAYER, PLAYHEAD_LAYER};
use crate::raft::{MessageKind, NodeId, Time};
use crate::view::fixed;
use crate::view::history::lane_window::{ClientTraffic, LaneWindow, Traffic};
use crate::view::history::lanes::{ArrowEnd, LaneMarkKind, LaneRole, OpEnd};
use std::fmt::Write;

/// Width of the lane labels on the left, in pixels.
pub const GUTTER: f64 = 56.0;
/// Height of the time ruler.
pub const RULER: f64 = 22.0;
/// Height of one lane.
pub const LANE: f64 = 30.0;
/// Height of the overview strip.
pub const OVERVIEW: f64 = 40.0;

/// Where the diagram is: its width in pixels and the lanes it has.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Width of the whole drawing.
    pub width: f64,
    /// The window's start and end.
    pub from: Time,
    /// End.
    pub to: Time,
    /// The node lanes, top to bottom (the client lane is last).
    pub nodes: Vec<NodeId>,
    /// A stretch to highlight (a lesson caption's), if any.
    pub focus: Option<(Time, Time)>,
}

impl Frame {
    /// The x of time `t` (may be outside the drawing).
    pub fn x(&self, t: Time) -> f64 {
        let span = self.to.since(self.from).max(1) as f64;
        GUTTER + (t.0 as f64 - self.from.0 as f64) / span * (self.width - GUTTER)
    }

    /// The time at x (clamped to the window).
    pub fn time_at(&self, x: f64) -> Time {
        let span = self.to.since(self.from) as f64;
        let f = ((x - GUTTER) / (self.width - GUTTER).max(1.0)).clamp(0.0, 1.0);
        Time(self.from.0 + (f * span) as u64)
    }

    /// The y of the middle of `node`'s lane.
    pub fn lane_y(&self, node: NodeId) -> f64 {
        let i = self.nodes.iter().position(|n| *n == node).unwrap_or(0);
        RULER + LANE * (i as f64 + 0.5)
    }

    /// The y of the middle of the client lane.
    pub fn client_y(&self) -> f64 {
        RULER + LANE * (self.nodes.len() as f64 + 0.5)
    }

    /// The height of the whole drawing.
    pub fn height(&self) -> f64 {
        RULER + LANE * (self.nodes.len() as f64 + 1.0) + 4.0
    }
}

/// Text made safe for SVG and HTML markup, in one pass (every log cell's
/// title and text goes through here on a seek).
pub fn esc(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            c => safe.push(c),
        }
    }
    safe
}

/// A time as a short tick label: `0`, `250 ms`, `1.5 s`, `2 min 30 s`.
pub fn short_time(us: u64) -> String {
    if us == 0 {
        "0".to_string()
    } else if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        trim(fixed(us as f64 / 1_000.0, 3).to_string()) + " ms"
    } else if us < 60_000_000 {
        trim(fixed(us as f64 / 1_000_000.0, 3).to_string()) + " s"
    } else {
        let s = us / 1_000_000;
        match s % 60 {
            0 => format!("{} min", s / 60),
            r => format!("{} min {r} s", s / 60),
        }
    }
}

fn trim(n: String) -> String {
    if n.contains('.') {
        n.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        n
    }
}

/// Tick spacing: 1, 2 or 5 times a power of ten microseconds, so that about
/// one tick falls per `target` of the window's span.
fn tick_step(span: u64, ticks: f64) -> u64 {
    let raw = (span as f64 / ticks).max(1.0);
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    step as u64
}

/// The CSS family of a message kind (its colour, shared with the cluster).
pub fn family(kind: MessageKind) -> &'static str {
    use MessageKind as K;
    match kind {
        K::AppendEntries | K::Heartbeat | K::AppendResponse => "append",
        K::PreVote | K::RequestVote | K::VoteResponse => "vote",
        K::InstallSnapshot | K::SnapshotResponse => "snapshot",
        K::TimeoutNow => "other",
    }
}

fn role_class(role: LaneRole) -> &'static str {
    match role {
        LaneRole::Down => "down",
        LaneRole::Outside => "outside",
        LaneRole::Follower => "follower",
        LaneRole::PreCandidate => "pre-candidate",
        LaneRole::Candidate => "candidate",
        LaneRole::Leader => "leader",
    }
}

/// Bar height (in pixels) by role: the shape says the role without colour.
fn role_height(role: LaneRole) -> f64 {
    match role {
        LaneRole::Down => 0.0,
        LaneRole::Outside | LaneRole::Follower => 6.0,
        LaneRole::PreCandidate | LaneRole::Candidate => 14.0,
        LaneRole::Leader => 18.0,
    }
}

/// The patterns and arrow heads the swimlane drawings refer to by id (one
/// literal for both [`SWIMLANE_DEFS`] and [`swimlane_file`]).
macro_rules! defs {
    () => {
        r#"<defs><pattern id="sl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern><pattern id="sl-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" class="dots-bg"/><circle cx="2.5" cy="2.5" r="1.2" class="dots-dot"/></pattern><pattern id="sl-cut" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="8" class="cut-line"/></pattern><pattern id="sl-stale" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="stale-bg"/><line x1="0" y1="0" x2="0" y2="6" class="stale-line"/></pattern><marker id="sl-head-append" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L6 3 L0 6 Z" class="head-append"/></marker><marker id="sl-head-vote" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L6 3 L0 6 Z" class="head-vote"/></marker><marker id="sl-head-snapshot" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L6 3 L0 6 Z" class="head-snapshot"/></marker><marker id="sl-head-other" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L6 3 L0 6 Z" class="head-other"/></marker></defs>"#
    };
}

/// The patterns and arrow heads of [`defs!`], in an SVG of no size of its
/// own (and classed `swimlanes`, so the drawing's style applies to them).
/// The page puts it in once, beside the drawing: re-made with every redraw
/// (10 times a second while playing), the browser parsed them again and
/// re-resolved every fill and arrow head that uses them.
pub const SWIMLANE_DEFS: &str = concat!(
    r#"<svg class="swimlanes swimlane-defs" xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" focusable="false">"#,
    defs!(),
    "</svg>"
);

/// A swimlane drawing made by [`swimlane_svg`] as a file of its own: with
/// `style` and the patterns and arrow heads it uses inside it.
pub fn swimlane_file(svg: &str, style: &str) -> String {
    let (open, rest) = svg.find('>').map_or(("", svg), |i| svg.split_at(i + 1));
    format!("{open}<style>{style}</style>{}{rest}", defs!())
}

/// The swimlane diagram of `window` with the playhead at `cursor`, as one
/// string: [`swimlane_base`] with its [`CursorLayer`] in place (a saved
/// file, the tests).
pub fn swimlane_svg(window: &LaneWindow, frame: &Frame, cursor: Time) -> String {
    drawing(window, frame, &CursorLayer::at(window, frame, cursor))
}

/// Everything the swimlane diagram of `window` shows that does not depend
/// on the playhead, with the [`CursorLayer`]'s two groups left empty: the
/// page draws this once per window and fills the groups at every step, so
/// a step or a seek inside the window makes the browser parse a handful of
/// elements instead of the whole drawing.
pub fn swimlane_base(window: &LaneWindow, frame: &Frame) -> String {
    drawing(window, frame, &CursorLayer::default())
}

fn drawing(window: &LaneWindow, frame: &Frame, layer: &CursorLayer) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let (w, h) = (frame.width, frame.height());
    let _ = write!(
        s,
        r#"<svg class="swimlanes" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true">"#,
        w = fixed(w, 0),
        h = fixed(h, 0)
    );
    ruler(&mut s, frame);
    lanes(&mut s, frame);
    clip_open(&mut s, frame);
    if let Some((a, b)) = frame.focus {
        let (x1, x2) = (frame.x(a), frame.x(b));
        let _ = write!(
            s,
            r#"<rect class="focus-span" x="{x1}" y="{RULER}" width="{}" height="{}"><title>what the caption is about: {a} to {b}</title></rect>"#,
            fixed((x2 - x1).max(2.0), 1),
            fixed(h - RULER, 1),
            x1 = fixed(x1, 1)
        );
    }
    for c in &window.cuts {
        let (x1, x2) = (frame.x(c.from), frame.x(c.to));
        let y = frame.lane_y(c.node) - LANE / 2.0;
        let _ = write!(
            s,
            r#"<rect class="cut" x="{x1}" y="{y}" width="{}" height="{LANE}"><title>{} cut off from {} link(s)</title></rect>"#,
            fixed((x2 - x1).max(1.0), 1),
            c.node,
            c.links,
            x1 = fixed(x1, 1),
            y = fixed(y, 1)
        );
    }
    for r in &window.roles {
        let (x1, x2) = (frame.x(r.from), frame.x(r.to));
        let y = frame.lane_y(r.node);
        let width = (x2 - x1).max(0.5);
        if r.role == LaneRole::Down {
            let _ = write!(
                s,
                r#"<g class="crash"><line x1="{x1}" y1="{}" x2="{x2}" y2="{}" class="crash-gap"/><path d="M{} {} l8 8 m0 -8 l-8 8" class="crash-cross"/></g>"#,
                fixed(y, 1),
                fixed(y, 1),
                fixed(x1 - 4.0, 1),
                fixed(y - 4.0, 1),
                x1 = fixed(x1, 1),
                x2 = fixed(x2, 1)
            );
            if width > 70.0 {
                let _ = write!(
                    s,
                    r#"<text class="lane-note" x="{}" y="{}">crashed</text>"#,
                    fixed(x1 + 10.0, 1),
                    fixed(y - 4.0, 1)
                );
            }
            continue;
        }
        let bar = role_height(r.role);
        let _ = write!(
            s,
            r#"<rect class="role {}" x="{x1}" y="{}" width="{width}" height="{bar}"><title>{} {} in term {}</title></rect>"#,
            role_class(r.role),
            fixed(y - bar / 2.0, 1),
            r.node,
            r.role.words(),
            r.term,
            x1 = fixed(x1, 1),
            width = fixed(width, 1)
        );
        if width > 34.0 && r.role != LaneRole::Outside {
            let _ = write!(
                s,
                r#"<text class="term" x="{}" y="{}">T{}</text>"#,
                fixed(x1 + 3.0, 1),
                fixed(y - bar / 2.0 - 2.0, 1),
                r.term
            );
        }
    }
    traffic(&mut s, window, frame);
    client(&mut s, window, frame);
    marks(&mut s, window, frame);
    let _ = write!(
        s,
        r#"<g class="{LANES_LAYER}">{}</g></svg><g class="{PLAYHEAD_LAYER}">{}</g></svg>"#,
        layer.lanes, layer.playhead
    );
    s
}

/// Opens the part right of the gutter, which clips what it draws to its box:
/// a nested SVG whose view box keeps the drawing's coordinates (a clip path
/// would be one more resource for the browser to make at every redraw).
/// [`drawing`] closes it.
fn clip_open(s: &mut String, frame: &Frame) {
    let (w, h) = (frame.width - GUTTER, frame.height());
    let _ = write!(
        s,
        r#"<svg class="lanes-clip" x="{GUTTER}" y="0" width="{w}" height="{h}" viewBox="{GUTTER} 0 {w} {h}">"#,
        w = fixed(w, 1),
        h = fixed(h, 1)
    );
}

fn ruler(s: &mut String, frame: &Frame) {
    let span = frame.to.since(frame.from);
    let step = tick_step(span, ((frame.width - GUTTER) / 110.0).max(1.0));
    let first = frame.from.0.div_ceil(step) * step;
    let _ = write!(
        s,
        r#"<rect class="ruler" x="0" y="0" width="{}" height="{RULER}"/>"#,
        fixed(frame.width, 0)
    );
    let mut t = first;
    while t <= frame.to.0 {
        let x = frame.x(Time(t));
        let _ = write!(
            s,
            r#"<line class="tick" x1="{x}" y1="{}" x2="{x}" y2="{}"/><text class="tick-label" x="{}" y="15">{}</text>"#,
            fixed(RULER - 6.0, 1),
            fixed(frame.height(), 1),
            fixed(x + 3.0, 1),
            short_time(t),
            x = fixed(x, 1)
        );
        t += step;
    }
}

fn lanes(s: &mut String, frame: &Frame) {
    for (i, node) in frame.nodes.iter().enumerate() {
        let y = RULER + LANE * i as f64;
        let _ = write!(
            s,
            r#"<rect class="lane {}" x="0" y="{y}" width="{}" height="{LANE}"/><text class="lane-label" x="8" y="{}">{node}</text>"#,
            if i % 2 == 0 { "even" } else { "odd" },
            fixed(frame.width, 0),
            fixed(y + LANE / 2.0 + 5.0, 1),
            y = fixed(y, 1)
        );
    }
    let y = RULER + LANE * frame.nodes.len() as f64;
    let _ = write!(
        s,
        r#"<rect class="lane client" x="0" y="{y}" width="{}" height="{LANE}"/><text class="lane-label" x="8" y="{}">Client</text>"#,
        fixed(frame.width, 0),
        fixed(y + LANE / 2.0 + 5.0, 1),
        y = fixed(y, 1)
    );
}

fn traffic(s: &mut String, window: &LaneWindow, frame: &Frame) {
    match &window.traffic {
        Traffic::Density(counts) => {
            let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
            let col = (frame.width - GUTTER) / counts.len().max(1) as f64;
            let base = RULER + LANE * frame.nodes.len() as f64;
            let full = LANE * frame.nodes.len() as f64 * 0.5;
            // One path of bars, not an element per column: zooming redraws
            // it at every frame.
            let mut d = String::with_capacity(counts.len() * 24);
            for (c, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                let bar = (*n as f64 / max * full).max(1.0);
                bar_path(
                    &mut d,
                    GUTTER + c as f64 * col,
                    base - bar,
                    col.max(1.0),
                    bar,
                );
            }
            if !d.is_empty() {
                let _ = write!(s, r#"<path class="density" d="{d}"/>"#);
            }
            let total: u64 = counts.iter().map(|c| u64::from(*c)).sum();
            let _ = write!(
                s,
                r#"<text class="density-note" x="{}" y="{}">{total} messages, drawn as density: zoom in to see each one</text>"#,
                fixed(GUTTER + 8.0, 1),
                fixed(RULER + 12.0, 1)
            );
        }
        Traffic::Arrows(arrows) => {
            let mut bulk = BulkArrows::default();
            for a in arrows {
                // Each message from sending to its end; the cursor layer
                // fades what is later than the playhead and marks where
                // the messages in the air at the playhead are.
                let (x1, y1) = (frame.x(a.sent), frame.lane_y(a.from));
                let (x2, y2) = (frame.x(a.end), frame.lane_y(a.to));
                let flying = a.ends == ArrowEnd::InFlight;
                let lost = a.ends == ArrowEnd::Lost;
                let fam = family(a.kind);
                if lost {
                    bulk.lost(fam, x2, y2);
                }
                if matches!(a.kind, MessageKind::Heartbeat | MessageKind::AppendResponse) {
                    debug_assert_eq!(fam, "append", "the bulk paths are drawn as appends");
                    bulk.add(flying, !lost, (x1, y1), (x2, y2));
                    continue;
                }
                let class = format!("arrow {fam}{}", if flying { " flying" } else { "" });
                let head = if lost {
                    String::new()
                } else {
                    format!(r#" marker-end="url(#sl-head-{fam})""#)
                };
                let _ = write!(
                    s,
                    r#"<line class="{class}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"{head}><title>{} {} → {}, sent {}{}</title></line>"#,
                    a.kind.label(),
                    a.from,
                    a.to,
                    a.sent,
                    match a.ends {
                        ArrowEnd::Delivered => format!(", arrived {}", a.end),
                        ArrowEnd::Lost => format!(", lost {}", a.end),
                        ArrowEnd::InFlight => format!(", due {}", a.end),
                    },
                    x1 = fixed(x1, 1),
                    y1 = fixed(y1, 1),
                    x2 = fixed(x2, 1),
                    y2 = fixed(y2, 1)
                );
            }
            bulk.write(s);
        }
    }
}

/// Heartbeats and acknowledgements, and the crosses of lost messages, drawn
/// in bulk: with nine nodes a second of the window holds thousands, so the
/// quiet arrows share one path per look (arrived or lost, in flight at
/// the end of the history) with their heads in another, and the crosses one path per
/// family. A few elements instead of thousands keep redrawing the lanes
/// cheap; the cost is that a single heartbeat has no tooltip of its own
/// (the event log names each).
#[derive(Default)]
struct BulkArrows {
    /// Lines and heads for: arrived or lost, in flight.
    looks: [(String, String); 2],
    /// Crosses at lost messages' ends, per family.
    crosses: Vec<(&'static str, String)>,
}

impl BulkArrows {
    const LOOKS: [&'static str; 2] = ["", " flying"];

    fn add(&mut self, flying: bool, head: bool, (x1, y1): (f64, f64), (x2, y2): (f64, f64)) {
        let (line, heads) = &mut self.looks[usize::from(flying)];
        let _ = write!(
            line,
            "M{x1} {y1}L{x2} {y2}",
            x1 = fixed(x1, 1),
            y1 = fixed(y1, 1),
            x2 = fixed(x2, 1),
            y2 = fixed(y2, 1)
        );
        let len = (x2 - x1).hypot(y2 - y1);
        if head && len >= 1.0 {
            // The markers' triangle: 6 long, 6 wide, tip just past the end.
            let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
            let (bx, by) = (x2 - 5.5 * ux, y2 - 5.5 * uy);
            let _ = write!(
                heads,
                "M{} {}L{} {}L{} {}Z",
                fixed(x2 + 0.5 * ux, 1),
                fixed(y2 + 0.5 * uy, 1),
                fixed(bx - 3.0 * uy, 1),
                fixed(by + 3.0 * ux, 1),
                fixed(bx + 3.0 * uy, 1),
                fixed(by - 3.0 * ux, 1)
            );
        }
    }

    fn lost(&mut self, fam: &'static str, x: f64, y: f64) {
        let at = match self.crosses.iter().position(|(f, _)| *f == fam) {
            Some(i) => i,
            None => {
                self.crosses.push((fam, String::new()));
                self.crosses.len() - 1
            }
        };
        let _ = write!(
            self.crosses[at].1,
            "M{} {}l6 6m0 -6l-6 6",
            fixed(x - 3.0, 1),
            fixed(y - 3.0, 1)
        );
    }

    fn write(&self, s: &mut String) {
        for ((line, heads), look) in self.looks.iter().zip(Self::LOOKS) {
            if !line.is_empty() {
                let _ = write!(s, r#"<path class="arrow append quiet{look}" d="{line}"/>"#);
            }
            if !heads.is_empty() {
                let _ = write!(
                    s,
                    r#"<path class="head head-append quiet{look}" d="{heads}"/>"#
                );
            }
        }
        for (fam, d) in &self.crosses {
            let _ = write!(s, r#"<path class="lost {fam}" d="{d}"/>"#);
        }
    }
}

fn client(s: &mut String, window: &LaneWindow, frame: &Frame) {
    let y = frame.client_y();
    match &window.ops {
        ClientTraffic::Density(counts) => {
            let max = counts.iter().map(|c| c.0).max().unwrap_or(0).max(1) as f64;
            let col = (frame.width - GUTTER) / counts.len().max(1) as f64;
            let mut d = String::with_capacity(counts.len() * 24);
            for (c, (all, stale)) in counts.iter().enumerate().filter(|(_, n)| n.0 > 0) {
                let bar = (*all as f64 / max * (LANE - 8.0)).max(1.0);
                let x = GUTTER + c as f64 * col;
                bar_path(&mut d, x, y + LANE / 2.0 - 4.0 - bar, col.max(1.0), bar);
                if *stale > 0 {
                    let _ = write!(
                        s,
                        r#"<rect class="op stale" x="{x}" y="{}" width="{}" height="{}"><title>{stale} stale read(s)</title></rect>"#,
                        fixed(y - LANE / 2.0 + 2.0, 1),
                        fixed(col.max(2.0), 2),
                        fixed(LANE - 4.0, 1),
                        x = fixed(x, 1)
                    );
                }
            }
            if !d.is_empty() {
                let _ = write!(s, r#"<path class="op-density" d="{d}"/>"#);
            }
        }
        ClientTraffic::Spans(spans) => {
            for (k, o) in spans.iter().enumerate() {
                let (x1, x2) = (frame.x(o.invoked), frame.x(o.done));
                let row = if k % 2 == 0 { -5.0 } else { 5.0 };
                let class = match o.end {
                    OpEnd::Ok => "ok",
                    OpEnd::Stale { .. } => "stale",
                    OpEnd::Failed => "failed",
                    OpEnd::Unknown => "unknown",
                    OpEnd::Pending => "pending",
                };
                let _ = write!(
                    s,
                    r#"<rect class="op {class}" x="{x1}" y="{}" width="{}" height="8"><title>{}</title></rect>"#,
                    fixed(y + row - 4.0, 1),
                    fixed((x2 - x1).max(2.0), 1),
                    esc(&o.words),
                    x1 = fixed(x1, 1)
                );
                if x2 - x1 > 7.0 * o.words.chars().count() as f64 {
                    let _ = write!(
                        s,
                        r#"<text class="op-label" x="{}" y="{}">{}</text>"#,
                        fixed(x1 + 2.0, 1),
                        fixed(y + row - 5.0, 1),
                        esc(&o.words)
                    );
                }
                if let OpEnd::Stale { missed } = o.end {
                    let target = missed
                        .and_then(|m| spans.iter().find(|w| w.op == m))
                        .map(|w| frame.x(w.done))
                        .unwrap_or(GUTTER);
                    let _ = write!(
                        s,
                        r#"<path class="missed" d="M{x1} {} C{} {} {} {} {target} {}"><title>this read missed write #{}</title></path><text class="stale-label" x="{}" y="{}">stale</text>"#,
                        fixed(y + row, 1),
                        fixed((x1 + target) / 2.0, 1),
                        fixed(y - LANE / 2.0, 1),
                        fixed((x1 + target) / 2.0, 1),
                        fixed(y - LANE / 2.0, 1),
                        fixed(y + row, 1),
                        missed.map_or("?".to_string(), |m| m.to_string()),
                        fixed(x2 + 3.0, 1),
                        fixed(y + row + 4.0, 1),
                        x1 = fixed(x1, 1),
                        target = fixed(target, 1)
                    );
                }
            }
        }
    }
}

/// Adds a bar (a closed rectangle) to the path data `d`.
fn bar_path(d: &mut String, x: f64, y: f64, width: f64, height: f64) {
    let _ = write!(
        d,
        "M{x} {y}h{width}v{height}h-{width}z",
        x = fixed(x, 1),
        y = fixed(y, 1),
        width = fixed(width, 2),
        height = fixed(height, 1)
    );
}

fn marks(s: &mut String, window: &LaneWindow, frame: &Frame) {
    for m in &window.marks {
        let x = frame.x(m.at);
        let y = m.node.map_or(frame.client_y(), |n| frame.lane_y(n));
        match &m.kind {
            LaneMarkKind::TimerFired { forced } => {
                let _ = write!(
                    s,
                    r#"<path class="mark timer" d="M{} {} l4 -7 l4 7 z"><title>{} election timer {}</title></path>"#,
                    fixed(x - 4.0, 1),
                    fixed(y - 9.0, 1),
                    m.node.map(|n| n.to_string()).unwrap_or_default(),
                    if *forced { "forced" } else { "fired" }
                );
            }
            LaneMarkKind::ElectedLeader { term } => {
                let _ = write!(
                    s,
                    r#"<text class="mark won" x="{}" y="{}">★<title>{} won the election for term {term}</title></text>"#,
                    fixed(x - 6.0, 1),
                    fixed(y - 6.0, 1),
                    m.node.map(|n| n.to_string()).unwrap_or_default()
                );
            }
            LaneMarkKind::Membership { config } => {
                let _ = write!(
                    s,
                    r#"<path class="mark membership" d="M{x} {} l5 5 l-5 5 l-5 -5 z"><title>new configuration: {}</title></path><text class="mark-label" x="{}" y="{}">{}</text>"#,
                    fixed(y - 5.0, 1),
                    esc(config),
                    fixed(x + 7.0, 1),
                    fixed(y + 12.0, 1),
                    esc(config),
                    x = fixed(x, 1)
                );
            }
            LaneMarkKind::UserAction { words } => {
                let _ = write!(
                    s,
                    r#"<path class="mark action" d="M{} {} h10 l-5 7 z"><title>your action: {}</title></path>"#,
                    fixed(x - 5.0, 1),
                    fixed(y - LANE / 2.0 + 1.0, 1),
                    esc(words)
                );
            }
            LaneMarkKind::Violation { words } => {
                let _ = write!(
                    s,
                    r#"<g class="mark violation"><circle cx="{x}" cy="{y}" r="7"/><text x="{}" y="{}">!</text><title>{} broken</title></g>"#,
                    fixed(x - 2.0, 1),
                    fixed(y + 4.0, 1),
                    esc(words),
                    x = fixed(x, 1),
                    y = fixed(y, 1)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::NodeId;
    use crate::sim::{Action, Timeline, WorldConfig};
    use crate::view::testing::{lane_frame, leader_of, settle};
    use crate::view::Recorder;

    #[test]
    fn text_is_escaped_for_markup_once() {
        assert_eq!(esc(r#"a<b & "c">"#), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(esc("&amp;"), "&amp;amp;", "an entity in the text is text");
        assert_eq!(esc("N1 → N2 · ✓"), "N1 → N2 · ✓");
    }

    fn frame(t: &Timeline<Recorder>, from: Time, to: Time) -> Frame {
        lane_frame(t.observer().lanes(), 1_000.0, from, to)
    }

    /// The whole history so far, drawn with the playhead at its end.
    fn whole(t: &Timeline<Recorder>) -> String {
        let end = t.observer().lanes().end();
        let f = frame(t, Time::ZERO, end);
        let window = t.observer().lanes().window(Time::ZERO, end, 944, true);
        swimlane_svg(&window, &f, end)
    }

    /// The ids `markup` refers to with `url(#…)`.
    fn referenced_ids(markup: &str) -> Vec<&str> {
        markup
            .split("url(#")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
            .collect()
    }

    #[test]
    fn every_pattern_and_arrow_head_a_drawing_uses_is_in_the_defs_made_once() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        leader_of(&mut t);
        settle(&mut t, 300);
        let svg = whole(&t);
        assert!(
            !svg.contains("<defs>"),
            "a redraw makes no patterns of its own"
        );
        let used = referenced_ids(&svg);
        assert!(used.contains(&"sl-head-vote"), "{used:?}");
        let css = include_str!("../../../style/main.css");
        for id in used
            .iter()
            .chain(&referenced_ids(css))
            .filter(|id| id.starts_with("sl-"))
        {
            let defined = SWIMLANE_DEFS.contains(&format!(r#"id="{id}""#))
                || svg.contains(&format!(r#"id="{id}""#));
            assert!(defined, "{id} is defined");
        }
        assert!(SWIMLANE_DEFS.starts_with("<svg") && SWIMLANE_DEFS.ends_with("</svg>"));
        // A saved file carries its own style and patterns, after the opening tag.
        let file = swimlane_file(&svg, ".swimlanes .x { fill: red }");
        assert!(file.starts_with(r#"<svg class="swimlanes""#));
        let opening = &file[..file.find('>').unwrap() + 1];
        let after = &file[opening.len()..];
        assert!(after.starts_with("<style>.swimlanes .x { fill: red }</style><defs>"));
        assert_eq!(file.matches("<defs>").count(), 1);
        assert!(file.ends_with("</svg>") && file.len() > svg.len());
    }

    #[test]
    fn times_map_to_x_and_back_within_a_pixel() {
        let f = Frame {
            width: 1_056.0,
            from: Time(1_000_000),
            to: Time(2_000_000),
            nodes: vec![NodeId(1)],
            focus: None,
        };
        assert_eq!(f.x(Time(1_000_000)), GUTTER);
        assert_eq!(f.x(Time(2_000_000)), 1_056.0);
        let t = f.time_at(f.x(Time(1_412_700)));
        assert!(t.0.abs_diff(1_412_700) <= 1_000, "{t}");
        assert_eq!(f.time_at(0.0), Time(1_000_000), "clamped to the window");
    }

    #[test]
    fn tick_labels_are_short_and_ticks_fall_on_round_numbers() {
        assert_eq!(short_time(0), "0");
        assert_eq!(short_time(250_000), "250 ms");
        assert_eq!(short_time(1_500_000), "1.5 s");
        assert_eq!(short_time(150_000_000), "2 min 30 s");
        assert_eq!(tick_step(1_000_000, 10.0), 100_000);
        assert_eq!(tick_step(3_600_000_000, 8.0), 500_000_000);
        assert_eq!(tick_step(7, 10.0), 1);
    }

    #[test]
    fn the_election_is_drawn_with_a_hatched_candidate_vote_arrows_and_a_win() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        let svg = whole(&t);
        assert!(svg.contains(r#"class="role candidate""#));
        assert!(svg.contains(&format!("<title>{leader} leader in term 1</title>")));
        assert!(svg.contains(r#"class="arrow vote""#));
        assert!(svg.contains(&format!("{leader} won the election for term 1")));
        assert!(!svg.contains("future-veil"), "nothing after the cursor");
        // A lane per node plus the client lane.
        let lanes = t.observer().lanes().nodes().len();
        assert_eq!(svg.matches(r#"class="lane-label""#).count(), lanes + 1);
    }

    /// The `d` of every path whose class starts with `class`.
    fn paths<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
        let open = format!(r#"<path class="{class}"#);
        svg.match_indices(&open)
            .map(|(i, _)| {
                let rest = &svg[i..];
                let d = rest.find(" d=\"").unwrap() + 4;
                &rest[d..d + rest[d..].find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn heartbeats_are_drawn_in_bulk_one_stroke_and_one_head_per_arrow() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        leader_of(&mut t);
        settle(&mut t, 2_000);
        let lanes = t.observer().lanes().clone();
        let end = lanes.end();
        let window = lanes.window(Time::ZERO, end, 4_000, true);
        let Traffic::Arrows(arrows) = &window.traffic else {
            panic!("two seconds fit as arrows");
        };
        let quiet: Vec<_> = arrows
            .iter()
            .filter(|a| matches!(a.kind, MessageKind::Heartbeat | MessageKind::AppendResponse))
            .collect();
        assert!(quiet.len() > 50, "{} heartbeats and replies", quiet.len());
        let svg = swimlane_svg(&window, &frame(&t, Time::ZERO, end), end);
        let lines = paths(&svg, "arrow append quiet");
        assert!(lines.len() <= 2, "one path per look, not one per arrow");
        let strokes: usize = lines.iter().map(|d| d.matches('M').count()).sum();
        assert_eq!(strokes, quiet.len());
        let heads: usize = paths(&svg, "head head-append quiet")
            .iter()
            .map(|d| d.matches('Z').count())
            .sum();
        let lost = quiet.iter().filter(|a| a.ends == ArrowEnd::Lost).count();
        assert_eq!(
            heads,
            quiet.len() - lost,
            "a head on every arrow that arrived or flies"
        );
        assert!(!svg.contains("<line class=\"arrow append quiet"));
    }

    #[test]
    fn a_crash_is_a_gap_with_a_cross_and_text_is_escaped() {
        let mut t = Timeline::fresh(WorldConfig::default(), 4, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        t.act(Action::Crash { node: leader });
        t.act(Action::Write {
            node: leader,
            op: crate::raft::Op::Set {
                key: "<b>&".into(),
                value: 1,
            },
        });
        settle(&mut t, 2_000);
        let svg = whole(&t);
        assert!(svg.contains(r#"class="crash-cross""#));
        assert!(svg.contains("crashed"));
        assert!(svg.contains("&lt;b&gt;&amp;"));
        assert!(!svg.contains("<b>"));
    }
}
