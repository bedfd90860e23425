//! What the screen shows, as plain data computed from the world and its
//! observer, in four parts:
//!
//! - `history`: what is kept about every step (the [`Recorder`] with the
//!   checkers, step marks, the swimlane record and its windows, the event
//!   log's listed steps, the steps that explain a violation);
//! - `screen`: what each part of the screen shows ([`ClusterFrame`],
//!   [`PanelsFrame`] and their parts, the inspector, the event log's lines,
//!   the timeline's [`Viewport`], announcements for screen readers);
//! - `text`: sentences and what a person typed (the page's address, the
//!   client and settings forms, the rules' explanations);
//! - `svg`: the swimlane and overview drawings as SVG markup.
//!
//! Everything is re-exported here, so callers name `view::X`. Nothing here
//! touches the DOM, so every sentence and every mark the screen shows is
//! tested natively; the Leptos components in `ui` only draw these.

mod history;
mod screen;
mod svg;
#[cfg(test)]
mod testing;
mod text;

pub use history::event_list::{
    ListedSteps, LogFilter, SearchSlice, VisibleRows, LOG_VIEWPORT_PX, ROW_PX,
    SEARCH_STEPS_PER_FRAME,
};
pub use history::explain::{explain_window, involves, op_sentence, ExplainWindow, CONTEXT_STEPS};
pub use history::lane_window::{
    ClientTraffic, CutSpan, LaneWindow, Overview, Reign, RoleSpan, Traffic, MAX_ARROWS, MAX_OPS,
};
pub use history::lanes::{
    Arrow, ArrowEnd, CutChange, LaneMark, LaneMarkKind, LaneRole, Lanes, OpEnd, OpSpan, RoleChange,
};
pub use history::marks::{StepMark, StepMarks};
pub use history::recorder::{Recorder, StaleRead, STALE_CHECK_BUDGET};
pub use history::step_runs::StepRuns;
pub use screen::announce::announcements;
pub use screen::ballot::{Ballot, Tally};
pub use screen::cadence::Cadence;
pub use screen::cluster::{configuration, violation, ConfigurationView, ViolationView};
pub use screen::cluster_layout::{
    extra_lines, group_tag, in_flight_line, network_line, ring_style, ClusterLayout, Labels,
    LinkShape, MessagePath, Place, ARC_R, CLUSTER_HEIGHT, CLUSTER_WIDTH, LABEL_LINE, NODE_R,
};
pub use screen::event_log::{
    event_line, message_words, step_line, step_marks, EventLine, EventPart, KeyMark, LineKind,
};
pub use screen::frames::{ClusterFrame, PanelsFrame};
pub use screen::inspector::{
    node_details, on_arrival, Arrival, Field, LeaderDetails, NodeDetails, PeerProgress,
};
pub use screen::logs::{
    cells_html, entry_text, log_row, log_rows, FollowerProgress, LogCell, LogRow, MAX_CELLS,
};
pub use screen::network::{
    groups_text, latency_words, links, message_dot, message_dots, milliseconds, partition_groups,
    Link, LinkState, MessageDot,
};
pub use screen::nodes::{
    and_list, cards_and_rings, cluster_configuration, leader_line, Kind, NodeCard, NodeRings,
};
pub use screen::results::{
    latest_result_line, mode_words, result_row, result_rows, ResultRow, Verdict, MAX_RESULTS,
};
pub use screen::upcoming::next_event_words;
pub use screen::viewport::{
    Move, Pointers, Viewport, WheelBatch, DEFAULT_SPAN, MIN_SPAN, ZOOM_STEP,
};
pub use svg::cursor_layer::{CursorLayer, LANES_LAYER, PLAYHEAD_LAYER};
pub use svg::overview::{overview_svg, OverviewMarks};
pub use svg::swimlane::{
    esc, family as message_family, short_time, swimlane_base, swimlane_file, swimlane_svg, Frame,
    GUTTER, LANE, OVERVIEW, RULER, SWIMLANE_DEFS,
};
pub use text::action_words::done_words;
pub use text::address::{
    page_query, query_value, speed_words, PageQuery, MAX_HISTORY_MINUTES, SIZES, SPEEDS,
};
pub use text::client_form::{
    checked_key, leader_choice_words, node_choice, node_id, write_op, LEADER_CHOICE, READ_MODES,
};
pub use text::fixed::{fixed, Fixed};
pub use text::numbers::decimal;
pub use text::rules::{explain_rule, RuleExplanation};
pub use text::settings_form::{fault_line, typed_ms, typed_seed, typed_timing};
pub use text::words::{capitalised, folded, welcome};
