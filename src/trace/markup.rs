//! The busiest parts of a trace's screen as markup, made natively and set
//! whole by the page: the cluster drawing, the event log's rows and the
//! logs. A string of markup is parsed by the browser far faster than the
//! same elements made one by one, and it costs the page's wasm no
//! component code (the trace screen had added 49 KB gzip when drawn with
//! components). Clicks and keys reach the page through `data-node` and
//! `data-line` attributes.

use super::screen::{
    cards, dots, event_words, logs, positions, TRACE_CLUSTER_H, TRACE_CLUSTER_W, TRACE_NODE_R,
};
use super::Recorded;
use crate::view::{esc, fixed};
use std::fmt::Write;

/// Rows of the event log shown before and after the cursor.
pub const LOG_ROWS_AROUND: usize = 25;

/// A message's family by its type, for its colour (its label says it in
/// words): a vote, an append (or heartbeat, or snapshot), or another.
pub fn family(kind: &str) -> &'static str {
    let k = kind.to_ascii_lowercase();
    if k.contains("vote") {
        "vote"
    } else if k.contains("app") || k.contains("heartbeat") || k.contains("snap") {
        "append"
    } else {
        "other"
    }
}

/// The cluster at `cursor`: the nodes on a ring, each a button named by
/// its state in words (`data-node` its number), with `selected` pressed;
/// the messages in flight as dots part way along their line.
pub fn cluster_svg(rec: &Recorded, cursor: usize, selected: Option<usize>) -> String {
    let cards = cards(rec, cursor);
    let places = positions(cards.len());
    let mut s = String::with_capacity(512 * (cards.len() + 4));
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {} {}" class="trace-cluster-svg"><g aria-hidden="true">"#,
        fixed(TRACE_CLUSTER_W, 0),
        fixed(TRACE_CLUSTER_H, 0)
    );
    for d in dots(rec, cursor) {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (places.get(d.from), places.get(d.to)) else {
            continue;
        };
        let (x, y) = (x1 + (x2 - x1) * d.share, y1 + (y2 - y1) * d.share);
        let _ = write!(
            s,
            r#"<line class="tr-flight" x1="{}" y1="{}" x2="{}" y2="{}"/><circle class="tr-dot tr-{}" cx="{}" cy="{}" r="7"><title>{}</title></circle>"#,
            fixed(x1, 1),
            fixed(y1, 1),
            fixed(x2, 1),
            fixed(y2, 1),
            family(&d.kind),
            fixed(x, 1),
            fixed(y, 1),
            esc(&d.words)
        );
    }
    s.push_str("</g>");
    for (i, (card, &(x, y))) in cards.iter().zip(&places).enumerate() {
        let role = match (card.up, card.letter()) {
            (false, _) => "down",
            (true, "L") => "leader",
            (true, "C" | "P") => "candidate",
            (true, "F") => "follower",
            _ => "unknown",
        };
        // The button is the disc alone; the labels beside it are hidden
        // from the accessibility tree, since its name says all they show
        // (WCAG 2.5.3).
        let _ = write!(
            s,
            r#"<g class="tr-node tr-{role}"><g class="tr-node-button" role="button" tabindex="0" data-node="{i}" aria-pressed="{}" aria-label="{}"><circle cx="{x}" cy="{y}" r="{r}"/></g><g aria-hidden="true"><text class="tr-node-name" x="{x}" y="{y1}">{}</text><text class="tr-node-state" x="{x}" y="{y2}">{} T{}</text></g></g>"#,
            selected == Some(i),
            esc(&card.describe()),
            esc(&card.label),
            card.letter(),
            card.term,
            x = fixed(x, 1),
            y = fixed(y, 1),
            r = fixed(TRACE_NODE_R, 0),
            y1 = fixed(y - 4.0, 1),
            y2 = fixed(y + 14.0, 1),
        );
    }
    s.push_str("</svg>");
    s
}

/// The event log's rows around `cursor`: each event in words with its line
/// and rule, a button (`data-line`) that goes there; the event just
/// happened marked current, events still to come marked future, and a
/// line where a rule broke marked.
pub fn event_rows(rec: &Recorded, cursor: usize) -> String {
    let from = cursor.saturating_sub(LOG_ROWS_AROUND);
    let to = (cursor + LOG_ROWS_AROUND).min(rec.len());
    let mut s = String::with_capacity(160 * (to - from));
    for i in from..to {
        let (words, rule) = event_words(rec, i);
        let line = rec.events[i].line;
        let broken = rec
            .violations
            .binary_search_by_key(&line, |v| v.line)
            .is_ok();
        let current = i + 1 == cursor;
        let _ = write!(
            s,
            r#"<li class="trace-line{}{}{}"><button type="button" data-line="{line}"{}><span class="trace-line-no">line {line}</span> {}{}{}</button></li>"#,
            if current { " current" } else { "" },
            if i >= cursor { " future" } else { "" },
            if broken { " broken" } else { "" },
            if current {
                r#" aria-current="step""#
            } else {
                ""
            },
            esc(&words),
            rule.map(|r| format!(r#" <span class="rule">{r}</span>"#))
                .unwrap_or_default(),
            if broken {
                r#" <strong class="broken-mark">⚠ rule broken</strong>"#
            } else {
                ""
            },
        );
    }
    s
}

/// Every node's log at `cursor`, as far as the trace tells it: the last
/// entries with their terms where known (`t?` where not), solid when
/// committed.
pub fn logs_markup(rec: &Recorded, cursor: usize) -> String {
    let mut s = String::with_capacity(2048);
    for row in logs(rec, cursor) {
        let label = esc(&row.label);
        let _ = write!(
            s,
            r#"<div class="log-row trace-log-row{}"><p class="log-head"><strong>{label}</strong><span class="markers">{}{}</span></p><div class="log-scroll" tabindex="0" role="group" aria-label="{label}'s log entries"><ol class="log-cells">"#,
            if row.up { "" } else { " down" },
            row.words,
            if row.hidden > 0 {
                format!(" · {} earlier not drawn", row.hidden)
            } else {
                String::new()
            }
        );
        for &(index, term, committed) in &row.cells {
            let _ = write!(
                s,
                r#"<li class="log-cell {}{}"><span class="cell-index">{index}</span><span class="cell-term">{}</span></li>"#,
                term.map_or("term-unknown".to_string(), |t| format!("term-{}", t % 8)),
                if committed { "" } else { " uncommitted" },
                term.map_or("t?".to_string(), |t| format!("t{t}"))
            );
        }
        s.push_str("</ol></div></div>");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::etcd::tests::election;
    use crate::trace::tests::record;

    #[test]
    fn the_cluster_names_each_node_by_its_state_and_presses_the_selected_one() {
        let rec = record(&election().join("\n"));
        let svg = cluster_svg(&rec, 8, Some(1));
        assert!(svg.contains(r#"data-node="1" aria-pressed="true" aria-label="N2: leader, term 2, voted for N2, commit 3, last index 3""#), "{svg}");
        assert!(svg.contains(r#"data-node="0" aria-pressed="false""#));
        assert_eq!(
            svg.matches("tr-dot").count(),
            0,
            "nothing in flight after event 8"
        );
        assert_eq!(
            cluster_svg(&rec, 4, None).matches("tr-dot tr-vote").count(),
            1
        );
    }

    #[test]
    fn names_from_a_hostile_trace_are_escaped() {
        let rec = record(r#"{"node":"<img src=x onerror=alert(1)>","ev":"crash"}"#);
        let svg = cluster_svg(&rec, 1, None);
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!logs_markup(&rec, 1).contains("<img"));
        assert!(!event_rows(&rec, 1).contains("<img"));
    }

    #[test]
    fn the_event_log_marks_the_current_event_and_those_to_come() {
        let rec = record(&election().join("\n"));
        let rows = event_rows(&rec, 8);
        assert_eq!(rows.matches("<li").count(), 10, "the whole short trace");
        assert!(rows.contains(r#"<li class="trace-line current"><button type="button" data-line="8" aria-current="step"><span class="trace-line-no">line 8</span> N2 became leader in term 2 <span class="rule">§5.2</span></button></li>"#), "{rows}");
        assert_eq!(rows.matches(" future").count(), 2);
    }

    #[test]
    fn logs_draw_the_last_entries_of_each_node() {
        let rec = record(crate::trace::raftlab::tests::EXAMPLE);
        let html = logs_markup(&rec, rec.len());
        assert_eq!(html.matches(r#"class="log-row"#).count(), 3);
        assert!(html.contains(r#"aria-label="n1's log entries""#));
        assert_eq!(
            html.matches(r#"<span class="cell-term">t2</span>"#).count(),
            3,
            "index 3 of term 2 on each node"
        );
    }
}
