//! A recorded trace's swimlane as SVG markup: one lane per node across a
//! window of events around the cursor (one column per event, in the order
//! the trace has them), the node's role along its lane with its term,
//! every message as an arrow from the event that sent it to the one that
//! received it (a message never received ends in a cross), and the
//! playhead between the last event that happened and the next.

use super::markup::family;
use super::screen::node_label;
use super::{Recorded, TraceNode, TraceRole, TraceWhat};
use crate::view::fixed;
use std::fmt::Write;

/// Events in the window.
pub const TRACE_WINDOW: usize = 80;
/// Width of one event's column, and of the names' gutter.
const STEP: f64 = 14.0;
const GUTTER: f64 = 48.0;
/// Height of a lane.
const LANE: f64 = 30.0;
/// Columns a message stub spans, when one end is outside the window.
const STUB: f64 = 2.5;

/// The first event of the window shown at `cursor`.
pub fn window_start(len: usize, cursor: usize) -> usize {
    cursor
        .saturating_sub(TRACE_WINDOW / 2)
        .min(len.saturating_sub(TRACE_WINDOW))
}

/// The cursor a click at `fraction` of the swimlane's width moves to (just
/// after the event under it), with the window shown at `cursor`; `None`
/// left of the first column.
pub fn cursor_at(len: usize, cursor: usize, fraction: f64) -> Option<usize> {
    let width = GUTTER + TRACE_WINDOW as f64 * STEP + 8.0;
    let column = (fraction * width - GUTTER) / STEP;
    if !(0.0..TRACE_WINDOW as f64).contains(&column) {
        return None;
    }
    Some((window_start(len, cursor) + column as usize + 1).min(len))
}

/// The swimlane at `cursor`.
pub fn trace_swimlane(rec: &Recorded, cursor: usize) -> String {
    let a = window_start(rec.len(), cursor);
    let b = (a + TRACE_WINDOW).min(rec.len());
    let nodes = rec.names.len();
    let width = GUTTER + TRACE_WINDOW as f64 * STEP + 8.0;
    let height = LANE * nodes as f64 + 18.0;
    let x = |i: usize| GUTTER + (i - a) as f64 * STEP;
    let y = |n: usize| 14.0 + LANE * n as f64 + LANE / 2.0;
    let mut s = String::with_capacity(16 * 1024);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="trace-lanes" viewBox="0 0 {w} {h}" role="img" aria-label="Events {first} to {b} of {len}: one lane per node, messages as arrows from sending to receipt"><defs><marker id="tr-head" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" class="tr-head"/></marker><clipPath id="tr-clip"><rect x="{gutter}" y="0" width="{lanes}" height="{h}"/></clipPath></defs>"#,
        w = fixed(width, 0),
        h = fixed(height, 0),
        first = a + 1,
        len = rec.len(),
        gutter = fixed(GUTTER, 0),
        lanes = fixed(TRACE_WINDOW as f64 * STEP, 0),
    );
    // Lanes: the role along each, with the term where it changes.
    for n in 0..nodes {
        let node = TraceNode(n);
        let top = y(n) - LANE / 2.0 + 3.0;
        let _ = write!(
            s,
            r#"<text class="tr-name" x="4" y="{}">{}</text>"#,
            fixed(y(n) + 4.0, 1),
            crate::view::esc(&node_label(rec, node))
        );
        let (state, up) = rec.state_at(node, a);
        let mut span = (
            a,
            up.then(|| state.and_then(|s| s.role)).flatten(),
            state.map_or(0, |s| s.term),
            up,
        );
        let close = |s: &mut String, span: &(usize, Option<TraceRole>, u64, bool), end: usize| {
            let (from, role, term, up) = *span;
            if end <= from {
                return;
            }
            let (class, letter) = match (up, role) {
                (false, _) => ("down", "crashed"),
                (_, Some(TraceRole::Leader)) => ("leader", "L"),
                (_, Some(TraceRole::Candidate)) => ("candidate", "C"),
                (_, Some(TraceRole::PreCandidate)) => ("candidate", "P"),
                (_, Some(TraceRole::Follower)) => ("follower", "F"),
                (_, None) => ("unknown", ""),
            };
            let w = (end - from) as f64 * STEP;
            let _ = write!(
                s,
                r#"<rect class="tr-role tr-{class}" x="{}" y="{}" width="{}" height="{}"/>"#,
                fixed(x(from), 1),
                fixed(top, 1),
                fixed(w, 1),
                fixed(LANE - 6.0, 1)
            );
            if w >= 36.0 && !letter.is_empty() {
                let label = if up {
                    format!("{letter} T{term}")
                } else {
                    letter.to_owned()
                };
                let _ = write!(
                    s,
                    r#"<text class="tr-term" x="{}" y="{}">{label}</text>"#,
                    fixed(x(from) + 3.0, 1),
                    fixed(top + 10.0, 1)
                );
            }
        };
        for i in a..b {
            let e = &rec.events[i];
            if e.node != node {
                continue;
            }
            let up = e.what != TraceWhat::Crashed;
            let role = if up {
                e.state.as_ref().and_then(|s| s.role).or(span.1)
            } else {
                None
            };
            let term = e.state.as_ref().map_or(span.2, |s| s.term);
            if (role, term, up) != (span.1, span.2, span.3) {
                close(&mut s, &span, i);
                span = (i, role, term, up);
            }
        }
        close(&mut s, &span, b);
    }
    // Events after the cursor are drawn faint: they have not happened yet.
    let future = |i: usize| if i >= cursor { " tr-future" } else { "" };
    for i in a..b {
        let e = &rec.events[i];
        let key = matches!(
            e.what,
            TraceWhat::Became(_) | TraceWhat::Crashed | TraceWhat::Start
        );
        let _ = write!(
            s,
            r#"<circle class="tr-event{}{}" cx="{}" cy="{}" r="{}"/>"#,
            if key { " tr-key" } else { "" },
            future(i),
            fixed(x(i) + STEP / 2.0, 1),
            fixed(y(e.node.0), 1),
            if key { 4 } else { 2 }
        );
    }
    // Arrows from or to events outside the window are cut at its edges,
    // clear of the names.
    s.push_str(r#"<g clip-path="url(#tr-clip)">"#);
    let column = |i: usize| GUTTER + (i as f64 - a as f64 + 0.5) * STEP;
    for arrow in &rec.arrows {
        let Some(m) = rec.message(arrow.sent) else {
            continue;
        };
        let sent = arrow.sent;
        let received = arrow.received.filter(|r| *r < b);
        let lost = arrow.received.is_none();
        let sent_here = sent >= a && sent < b;
        if !sent_here && received.is_none_or(|r| r < a) {
            continue;
        }
        let (from, to) = (y(m.from.0), y(m.to.0));
        // A message with both ends in the window is drawn whole; one whose
        // other end is outside it (or that never arrived) as a short stub
        // from the end in view, a part of the way towards the other lane,
        // so a few long waits do not cover the window.
        let (x1, y1, x2, y2, head) = match (sent_here, received) {
            (true, Some(r)) => (column(sent), from, column(r), to, true),
            (true, None) => (
                column(sent),
                from,
                column(sent) + STUB * STEP,
                from + (to - from) * 0.4,
                false,
            ),
            (false, Some(r)) => (
                column(r) - STUB * STEP,
                to - (to - from) * 0.4,
                column(r),
                to,
                true,
            ),
            (false, None) => continue,
        };
        let cut = !head || !sent_here;
        let _ = write!(
            s,
            r#"<line class="tr-msg tr-{}{}{}{}" x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
            family(&m.kind),
            if lost { " tr-lost" } else { "" },
            if cut && !lost { " tr-cut" } else { "" },
            future(sent),
            fixed(x1, 1),
            fixed(y1, 1),
            fixed(x2, 1),
            fixed(y2, 1),
            if head {
                r#" marker-end="url(#tr-head)""#
            } else {
                ""
            }
        );
        if lost {
            let _ = write!(
                s,
                r#"<text class="tr-cross" x="{}" y="{}">×</text>"#,
                fixed(x2 - 4.0, 1),
                fixed(y2 + 4.0, 1)
            );
        }
    }
    s.push_str("</g>");
    if cursor >= a && cursor <= b {
        let px = x(cursor);
        let _ = write!(
            s,
            r#"<line class="tr-playhead" x1="{0}" y1="2" x2="{0}" y2="{1}"/>"#,
            fixed(px, 1),
            fixed(height - 2.0, 1)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::etcd::tests::election;
    use crate::trace::tests::record;

    #[test]
    fn the_window_follows_the_cursor_and_stays_inside_the_trace() {
        assert_eq!(window_start(50, 40), 0, "a short trace is shown whole");
        assert_eq!(window_start(1000, 0), 0);
        assert_eq!(window_start(1000, 500), 500 - TRACE_WINDOW / 2);
        assert_eq!(window_start(1000, 1000), 1000 - TRACE_WINDOW);
    }

    #[test]
    fn a_click_on_a_column_goes_just_after_its_event() {
        let width = GUTTER + TRACE_WINDOW as f64 * STEP + 8.0;
        let at = |column: f64| (GUTTER + (column + 0.5) * STEP) / width;
        assert_eq!(cursor_at(1000, 500, at(0.0)), Some(461));
        assert_eq!(cursor_at(1000, 500, at(39.0)), Some(500));
        assert_eq!(cursor_at(1000, 500, 0.01), None, "the names' gutter");
        assert_eq!(
            cursor_at(10, 0, at(50.0)),
            Some(10),
            "past the last event: the end"
        );
    }

    #[test]
    fn lanes_show_roles_messages_and_the_playhead() {
        let rec = record(&election().join("\n"));
        let svg = trace_swimlane(&rec, 8);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches(r#"class="tr-name""#).count(),
            2,
            "a lane per node"
        );
        assert_eq!(
            svg.matches("<line class=\"tr-msg tr-vote").count(),
            2,
            "a vote request and its answer"
        );
        assert!(svg.contains("tr-leader"), "N2 leads from event 8");
        assert_eq!(svg.matches("tr-playhead").count(), 1);
        let before = trace_swimlane(&rec, 0);
        assert_eq!(
            before.matches("tr-future").count(),
            rec.len() + 2,
            "at the start every event and arrow is still to come"
        );
    }

    #[test]
    fn a_message_with_an_end_outside_the_window_is_a_stub_not_a_long_line() {
        // 300 events, one message sent at event 0 and received at 299.
        let mut lines =
            vec![r#"{"node":"a","ev":"send","to":"b","type":"X","term":1}"#.to_string()];
        lines.extend((0..298).map(|_| r#"{"node":"a","ev":"apply","index":0}"#.to_string()));
        lines.push(r#"{"node":"b","ev":"receive","from":"a","type":"X","term":1}"#.to_string());
        let rec = record(&lines.join("\n"));
        let at_start = trace_swimlane(&rec, 0);
        assert_eq!(
            at_start.matches("tr-cut").count(),
            1,
            "a stub from the sending"
        );
        assert!(
            !at_start.contains("marker-end"),
            "no head: its receipt is not in view"
        );
        let middle = trace_swimlane(&rec, 150);
        assert_eq!(
            middle.matches("<line class=\"tr-msg").count(),
            0,
            "neither end in view"
        );
        let at_end = trace_swimlane(&rec, 300);
        assert_eq!(at_end.matches("tr-cut").count(), 1);
        assert!(at_end.contains("marker-end"), "the receipt, with its head");
    }

    #[test]
    fn a_crashed_node_and_a_lost_message_are_drawn_as_such() {
        let rec = record(crate::trace::raftlab::tests::EXAMPLE);
        let svg = trace_swimlane(&rec, rec.len());
        assert!(svg.contains("tr-down"), "N2 crashed for a while");
        assert!(
            svg.contains("tr-lost") && svg.contains('×'),
            "two messages to the crashed N2 never arrived"
        );
        assert!(svg.contains(">L T2<"), "n1 leads term 2");
    }
}
