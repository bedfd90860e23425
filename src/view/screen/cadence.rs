//! How often something is drawn while the cluster plays.
//!
//! Without a GPU, any change to the page costs the browser's main thread a
//! frame's worth of style, layout, paint and compositing, whatever changed;
//! so while playing, the cluster is drawn on every other frame of a 60 Hz
//! screen and the heavier panels on every other drawing of the cluster
//! (see `ui::lab`). A [`Cadence`] decides which frames those are, by the
//! frames' own time stamps: they tick evenly where the moment a callback
//! runs does not.

/// Due at most every `every_ms` of the frames' time stamps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cadence {
    every_ms: f64,
    last_ms: f64,
}

impl Cadence {
    /// How early a frame may come and still count as due: a 60 Hz frame that
    /// comes 33.2 ms after a drawing should draw at 30 Hz, where one that
    /// comes 16.7 ms after should not.
    pub const SLACK_MS: f64 = 4.0;

    /// A cadence of one drawing every `every_ms`, due at once.
    pub fn new(every_ms: f64) -> Cadence {
        Cadence {
            every_ms,
            last_ms: f64::NEG_INFINITY,
        }
    }

    /// Whether the frame stamped `at_ms` is due; if it is, it counts as
    /// drawn.
    pub fn due(&mut self, at_ms: f64) -> bool {
        let due = at_ms - self.last_ms >= self.every_ms - Self::SLACK_MS;
        if due {
            self.last_ms = at_ms;
        }
        due
    }

    /// Counts a drawing made at `at_ms` for another reason (a person acted,
    /// or time stands still and everything is drawn at once).
    pub fn drawn(&mut self, at_ms: f64) {
        self.last_ms = at_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of `frames` frames, `period_ms` apart with a little jitter, the
    /// cluster (every `cluster_ms`) and the panels (every `panels_ms`, on a
    /// drawing of the cluster) are drawn on.
    fn drawn(
        period_ms: f64,
        frames: usize,
        cluster_ms: f64,
        panels_ms: f64,
    ) -> (Vec<usize>, Vec<usize>) {
        let (mut cluster, mut panels) = (Cadence::new(cluster_ms), Cadence::new(panels_ms));
        let (mut drew_cluster, mut drew_panels) = (Vec::new(), Vec::new());
        for i in 0..frames {
            // Up to a millisecond early or late, never the same way twice.
            let jitter = [0.0, 0.9, -0.8, 0.4, -1.0, 0.7][i % 6];
            let at = 1_000.0 + i as f64 * period_ms + jitter;
            if cluster.due(at) {
                drew_cluster.push(i);
                if panels.due(at) {
                    drew_panels.push(i);
                }
            }
        }
        (drew_cluster, drew_panels)
    }

    fn every(step: usize, frames: usize) -> Vec<usize> {
        (0..frames).step_by(step).collect()
    }

    #[test]
    fn on_a_60_hz_screen_the_cluster_draws_every_other_frame_and_the_panels_every_fourth() {
        let (cluster, panels) = drawn(1000.0 / 60.0, 120, 1000.0 / 30.0, 2000.0 / 30.0);
        assert_eq!(cluster, every(2, 120));
        assert_eq!(panels, every(4, 120));
    }

    #[test]
    fn faster_and_slower_screens_keep_about_30_drawings_a_second() {
        // 120 Hz: every fourth frame; 144 Hz: every fifth (28.8 a second).
        assert_eq!(
            drawn(1000.0 / 120.0, 240, 1000.0 / 30.0, 2000.0 / 30.0).0,
            every(4, 240)
        );
        assert_eq!(
            drawn(1000.0 / 144.0, 288, 1000.0 / 30.0, 2000.0 / 30.0).0,
            every(5, 288)
        );
        // 30 Hz: every frame, and the panels every other one.
        let (cluster, panels) = drawn(1000.0 / 30.0, 60, 1000.0 / 30.0, 2000.0 / 30.0);
        assert_eq!(cluster, every(1, 60));
        assert_eq!(panels, every(2, 60));
    }

    #[test]
    fn a_drawing_for_another_reason_restarts_the_count() {
        let mut c = Cadence::new(1000.0 / 30.0);
        assert!(c.due(0.0), "the first frame is due");
        assert!(!c.due(16.7));
        c.drawn(20.0);
        assert!(!c.due(33.4), "13.4 ms after the person's drawing");
        assert!(c.due(53.4));
        // After a long gap (a hidden tab), due at once.
        assert!(c.due(5_000.0));
    }
}
