//! What to draw, and when. The cluster and the panels each have a frame
//! ([`ClusterFrame`], [`PanelsFrame`]); while playing, each is drawn at its
//! own rate, and otherwise everything that is stale is drawn at once.

use super::App;
use crate::raft::Time;
use crate::view::{self, Cadence, ClusterFrame, NodeCard, PanelsFrame};

/// While playing, the cluster is drawn this often (wall-clock milliseconds):
/// 20 times a second, every third frame of a 60 Hz screen. The simulation
/// still runs every frame; only the drawing waits. Without a GPU, any change
/// to the page costs the browser's main thread a frame's worth of style,
/// layout, paint and compositing (about 2 to 3 ms with this page on the
/// benchmark machine): drawing on every frame of a 60 Hz screen kept it busy
/// 22 to 29 % of the time, every other frame 15 to 17 %, every third frame
/// 12 to 14 % (issue 25: at most 15 % while five nodes play; alternated runs
/// in docs/BENCHMARKS.md). What moves between drawings is slow at the speeds a
/// class watches (an election timer's ring, a message's dot), and even
/// steps of three frames keep it smooth. Letting the browser's compositor
/// glide the messages instead costs more: every animation started takes
/// the main thread several milliseconds.
pub const CLUSTER_EVERY_MS: f64 = 1000.0 / 20.0;

/// While playing, the heavier panels (the timeline, the event log, the
/// logs, the results, the step counter) are drawn this often: with every
/// other drawing of the cluster, 10 times a second, as often as anyone
/// reads a changing line, and smooth enough for the timeline at the speeds
/// a class watches. 15 a second kept the main thread 1 to 3 points busier.
pub const PANELS_EVERY_MS: f64 = 2.0 * CLUSTER_EVERY_MS;

/// What to draw now. Empty when nothing is due.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Redraw {
    /// The cluster, when its drawing is due.
    pub cluster: Option<ClusterFrame>,
    /// The time the panels show, when their drawing is due.
    pub panels_now: Option<Time>,
    /// The panels, when their drawing is due and a step ran since they were
    /// last drawn.
    pub panels: Option<PanelsFrame>,
    /// The live edge (furthest step), with the panels.
    pub furthest: Option<u64>,
    /// The key events since the cluster was last drawn, in words, for the
    /// screen reader's live region.
    pub announcement: Option<String>,
}

impl Redraw {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        *self == Redraw::default()
    }
}

/// What has been drawn, so the next [`Redraw`] holds only what is due.
#[derive(Clone, Debug)]
pub(super) struct RedrawState {
    cluster: Cadence,
    panels: Cadence,
    /// Whether a step ran (or the cursor moved) that the panels have not
    /// been drawn for.
    pub(super) panels_behind: bool,
    /// The time the cluster was last drawn at.
    cluster_now: Option<Time>,
    /// The time the panels were last drawn at.
    panels_now: Option<Time>,
    /// The node cards last drawn, to say what changed.
    cards: Vec<NodeCard>,
    /// Whether, paused, what the next step will do is still to be said.
    pub(super) next_event_behind: bool,
}

impl Default for RedrawState {
    fn default() -> Self {
        RedrawState {
            cluster: Cadence::new(CLUSTER_EVERY_MS),
            panels: Cadence::new(PANELS_EVERY_MS),
            panels_behind: true,
            cluster_now: None,
            panels_now: None,
            cards: Vec::new(),
            next_event_behind: false,
        }
    }
}

impl App {
    /// Everything not yet drawn, at once (after an intent, or on a frame
    /// while paused); `wall_ms` stamps the drawing.
    pub fn poll_redraw(&mut self, wall_ms: f64) -> Redraw {
        self.redraw_due(wall_ms, false)
    }

    /// While playing, at the frame stamped `frame_ms`: the cluster and the
    /// panels, each if its turn has come.
    pub(super) fn poll_playing(&mut self, frame_ms: f64) -> Redraw {
        self.redraw_due(frame_ms, self.playing)
    }

    fn redraw_due(&mut self, at_ms: f64, by_cadence: bool) -> Redraw {
        let t = &self.timeline;
        let (world, recorder) = (t.world(), t.observer());
        let now = world.now();
        let at_live_edge = t.cursor() >= t.furthest();
        if at_live_edge && now > self.live.time {
            self.live.time = now;
            self.live.lanes.extend_to(now);
        }
        let state = &mut self.redraw;
        // Paused, what comes next is said once per redraw, whether or not
        // a step ran (pausing runs none).
        let say_next = !self.playing && std::mem::take(&mut state.next_event_behind);
        if say_next {
            self.next_event = view::next_event_words(world);
        }
        let mut out = Redraw::default();
        if !by_cadence
            && !state.panels_behind
            && state.cluster_now == Some(now)
            && state.panels_now == Some(now)
        {
            return out;
        }
        let due = |cadence: &mut Cadence| {
            if by_cadence {
                cadence.due(at_ms)
            } else {
                cadence.drawn(at_ms);
                true
            }
        };
        if !due(&mut state.cluster) {
            return out;
        }
        let cluster = ClusterFrame::of(world, recorder);
        let said = view::announcements(&state.cards, &cluster.cards);
        if !said.is_empty() {
            out.announcement = Some(said.join(". "));
        }
        state.cards.clone_from(&cluster.cards);
        state.cluster_now = Some(now);
        out.cluster = Some(cluster);
        if !due(&mut state.panels) {
            return out;
        }
        state.panels_now = Some(now);
        out.panels_now = Some(now);
        if !state.panels_behind {
            return out;
        }
        state.panels_behind = false;
        if at_live_edge {
            self.live.marks = recorder.marks().clone();
            self.live.lanes = recorder.lanes().clone();
            self.live.lanes.extend_to(now);
            self.live.time = now;
            self.numbers.live += 1;
        }
        if !self.playing && !say_next {
            self.next_event = view::next_event_words(world);
        }
        out.furthest = Some(t.furthest());
        out.panels = Some(PanelsFrame::of(world, recorder));
        out
    }
}
