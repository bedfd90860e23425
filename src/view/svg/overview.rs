//! The overview strip as SVG markup: the whole history in one line (who
//! led in which term, elections, actions, broken rules). The window in view
//! and the playhead are not part of it: they are [`OverviewMarks`], which the
//! page moves by changing a few attributes, so a seek, a zoom or a pan never
//! makes the browser parse the strip again.

use super::swimlane::short_time;
use crate::raft::Time;
use crate::view::history::lane_window::Overview;
use crate::view::{fixed, OVERVIEW};
use std::fmt::Write;

/// Where the overview strip's moving marks are, in its pixels: the bracket
/// of the lanes' window and the playhead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OverviewMarks {
    /// The bracket's left edge.
    pub view_x: f64,
    /// The bracket's width (at least 2, so a short window stays visible).
    pub view_width: f64,
    /// The playhead.
    pub playhead_x: f64,
}

impl OverviewMarks {
    /// Whether the marks stand where `drawn` put them, to half a pixel:
    /// while playing, a long history's playhead moves by less than that
    /// between drawings, and the browser then has nothing to redraw.
    pub fn same_place(&self, drawn: &OverviewMarks) -> bool {
        (self.view_x - drawn.view_x).abs() < 0.5
            && (self.view_width - drawn.view_width).abs() < 0.5
            && (self.playhead_x - drawn.playhead_x).abs() < 0.5
    }

    /// The marks for the lanes' window `view` and the playhead at `cursor`
    /// on a strip `width` pixels wide of a history ending at `end` (while
    /// playing, the strip is redrawn less often than the history grows: a
    /// later time stays at the strip's end).
    pub fn at(end: Time, view: (Time, Time), cursor: Time, width: f64) -> Self {
        let x = |t: Time| (t.0 as f64 / end.0.max(1) as f64 * width).min(width);
        let (v1, v2) = (x(view.0), x(view.1.min(end)));
        OverviewMarks {
            view_x: v1,
            view_width: (v2 - v1).max(2.0),
            playhead_x: x(cursor),
        }
    }
}

/// The overview strip: the whole history, `width` pixels wide, with its
/// moving marks where `marks` puts them (the page moves them afterwards).
pub fn overview_svg(o: &Overview, marks: OverviewMarks, width: f64) -> String {
    let end = o.end.0.max(1) as f64;
    let x = |t: Time| t.0 as f64 / end * width;
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        r#"<svg class="overview" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{OVERVIEW}" viewBox="0 0 {width} {OVERVIEW}" aria-hidden="true"><rect class="ov-bg" x="0" y="0" width="{width}" height="{OVERVIEW}"/>"#,
        width = fixed(width, 0)
    );
    for (a, b) in &o.leaderless {
        let _ = write!(
            s,
            r#"<rect class="ov-election" x="{}" y="6" width="{}" height="20"><title>no leader from {a} to {b}</title></rect>"#,
            fixed(x(*a), 1),
            fixed((x(*b) - x(*a)).max(1.5), 1)
        );
    }
    for r in &o.reigns {
        let (x1, x2) = (x(r.from), x(r.to));
        let _ = write!(
            s,
            r#"<rect class="ov-reign n{}" x="{x1}" y="8" width="{}" height="16"><title>{} led term {} from {} to {}</title></rect>"#,
            r.node.0 % 9,
            fixed((x2 - x1).max(1.0), 1),
            r.node,
            r.term,
            r.from,
            r.to,
            x1 = fixed(x1, 1)
        );
        let label = format!("{} · T{}", r.node, r.term);
        if x2 - x1 > 8.0 * label.chars().count() as f64 {
            let _ = write!(
                s,
                r#"<text class="ov-label" x="{}" y="20">{label}</text>"#,
                fixed(x1 + 4.0, 1)
            );
        }
    }
    for a in &o.actions {
        let _ = write!(
            s,
            r#"<path class="ov-action" d="M{} 0 h8 l-4 6 z"/>"#,
            fixed(x(*a) - 4.0, 1)
        );
    }
    for v in &o.violations {
        let _ = write!(
            s,
            r#"<rect class="ov-violation" x="{}" y="2" width="3" height="28"/>"#,
            fixed(x(*v) - 1.5, 1)
        );
    }
    let OverviewMarks {
        view_x,
        view_width,
        playhead_x,
    } = marks;
    let _ = write!(
        s,
        r#"<rect class="ov-view" x="{view_x}" y="1" width="{view_width}" height="{}"/><line class="ov-playhead" x1="{playhead_x}" y1="0" x2="{playhead_x}" y2="{OVERVIEW}"/><text class="ov-end" x="{}" y="{}" text-anchor="end">{}</text></svg>"#,
        fixed(OVERVIEW - 2.0, 0),
        fixed(width - 2.0, 1),
        fixed(OVERVIEW - 3.0, 0),
        short_time(o.end.0),
        view_x = fixed(view_x, 1),
        view_width = fixed(view_width, 1),
        playhead_x = fixed(playhead_x, 1)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Timeline, WorldConfig};
    use crate::view::testing::{leader_of, settle};
    use crate::view::Recorder;

    #[test]
    fn the_overview_brackets_the_view_and_labels_long_reigns() {
        let mut t = Timeline::fresh(WorldConfig::default(), 3, Recorder::new()).unwrap();
        let leader = leader_of(&mut t);
        settle(&mut t, 5_000);
        let o = t.observer().lanes().overview(800);
        let marks = OverviewMarks::at(
            o.end,
            (Time(1_000_000), Time(2_000_000)),
            Time(1_500_000),
            800.0,
        );
        let svg = overview_svg(&o, marks, 800.0);
        assert!(svg.contains(&format!("{leader} · T1")));
        assert!(svg.contains(r#"class="ov-election""#));
        let x1 = 1_000_000.0 / o.end.0 as f64 * 800.0;
        assert!(svg.contains(&format!(r#"class="ov-view" x="{x1}""#, x1 = fixed(x1, 1))));
    }

    #[test]
    fn the_marks_keep_the_bracket_inside_the_history_and_visible() {
        let end = Time(10_000_000);
        let m = OverviewMarks::at(
            end,
            (Time(8_000_000), Time(14_000_000)),
            Time(9_000_000),
            1_000.0,
        );
        assert_eq!(
            (m.view_x, m.view_width, m.playhead_x),
            (800.0, 200.0, 900.0)
        );
        let narrow = OverviewMarks::at(
            end,
            (Time(5_000_000), Time(5_000_100)),
            Time(5_000_000),
            1_000.0,
        );
        assert_eq!(narrow.view_width, 2.0, "a short window stays visible");
        let later = OverviewMarks::at(
            end,
            (Time(9_000_000), Time(12_000_000)),
            Time(11_000_000),
            1_000.0,
        );
        assert_eq!(
            later.playhead_x, 1_000.0,
            "past the strip's end: at its end"
        );
    }
}
