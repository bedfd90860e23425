//! What the screen shows, as plain data computed from the world and its
//! observer: node cards, log rows, messages and links, the configuration,
//! client results and the broken property, if any; the event log's lines
//! and what the recorder keeps about every step for finding them again;
//! the swimlane's record of the whole history and its windows;
//! what each rule the log cites says; the inspector's view of a node (its
//! disk apart from its memory) and of a message (what its receiver will do);
//! and which steps explain a violation after a fuzz run.
//!
//! What a screen reader is told of the key events as they happen, and what
//! the page's address asks for.
//!
//! Nothing here touches the DOM, so every sentence and every mark the screen
//! shows is tested natively; the Leptos components in `ui` only draw these.

mod address;
mod announce;
mod cadence;
mod chunks;
mod client_form;
mod cluster;
mod cluster_layout;
mod event_list;
mod event_log;
mod explain;
mod frames;
mod inspector;
mod lane_window;
mod lanes;
mod logs;
mod marks;
mod network;
mod nodes;
mod numbers;
mod recorder;
mod results;
mod rules;
mod settings_form;
mod step_runs;
mod swimlane;
#[cfg(test)]
mod testing;
mod upcoming;
mod viewport;
mod words;

pub use address::{page_query, query_value, PageQuery, MAX_HISTORY_MINUTES, SIZES, SPEEDS};
pub use announce::announcements;
pub use cadence::Cadence;
pub use client_form::{checked_key, node_choice, node_id, write_op, LEADER_CHOICE, READ_MODES};
pub use cluster::{configuration, violation, ConfigurationView, ViolationView};
pub use cluster_layout::{
    group_tag, in_flight_line, network_line, ring_style, ClusterLayout, Labels, LinkShape,
    MessagePath, Place, ARC_R, CLUSTER_HEIGHT, CLUSTER_WIDTH, LABEL_LINE, NODE_R,
};
pub use event_list::{
    ListedSteps, LogFilter, SearchSlice, VisibleRows, LOG_VIEWPORT_PX, ROW_PX,
    SEARCH_STEPS_PER_FRAME,
};
pub use event_log::{
    event_line, message_words, step_line, step_marks, EventLine, EventPart, KeyMark, LineKind,
};
pub use explain::{explain_window, involves, op_sentence, ExplainWindow, CONTEXT_STEPS};
pub use frames::{ClusterFrame, PanelsFrame};
pub use inspector::{
    node_details, on_arrival, Arrival, Field, LeaderDetails, NodeDetails, PeerProgress,
};
pub use lane_window::{
    ClientTraffic, CutSpan, LaneWindow, Overview, Reign, RoleSpan, Traffic, MAX_ARROWS, MAX_OPS,
};
pub use lanes::{
    Arrow, ArrowEnd, CutChange, LaneMark, LaneMarkKind, LaneRole, Lanes, OpEnd, OpSpan, RoleChange,
};
pub use logs::{
    cells_html, entry_text, log_row, log_rows, FollowerProgress, LogCell, LogRow, MAX_CELLS,
};
pub use marks::{StepMark, StepMarks};
pub use network::{
    groups_text, latency_words, links, message_dot, message_dots, milliseconds, partition_groups,
    Link, LinkState, MessageDot,
};
pub use nodes::{cards_and_rings, cluster_configuration, leader_line, Kind, NodeCard, NodeRings};
pub use numbers::decimal;
pub use recorder::{Recorder, StaleRead, STALE_CHECK_BUDGET};
pub use results::{mode_words, result_row, result_rows, ResultRow, Verdict, MAX_RESULTS};
pub use rules::{explain_rule, RuleExplanation};
pub use settings_form::{fault_line, typed_ms, typed_seed, typed_timing};
pub use step_runs::StepRuns;
pub use swimlane::{
    family as message_family, overview_svg, short_time, swimlane_file, swimlane_svg, Frame, GUTTER,
    LANE, OVERVIEW, RULER, SWIMLANE_DEFS,
};
pub use upcoming::next_event_words;
pub use viewport::{wheel, Move, Pointers, Viewport, DEFAULT_SPAN, MIN_SPAN, ZOOM_STEP};
pub use words::{capitalised, folded, welcome};
