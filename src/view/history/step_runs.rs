//! The steps the event log lists, kept as runs of consecutive steps.
//!
//! The log lists the steps that pass its filter, by position. With the
//! default filter that is every step: a list of a million step numbers
//! after an hour, 8 MB that doubled to 16 MB as it grew (the page's
//! largest single allocation, and most of its memory's high-water mark
//! above what the history itself holds). As runs, "every step" is one run,
//! and a filter that keeps scattered steps costs at most two words each.

/// Ascending step numbers, as runs of consecutive steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepRuns {
    /// Each run's first step and its position in the list, ascending.
    runs: Vec<Run>,
    /// Steps listed.
    len: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    first: u64,
    at: u64,
}

impl StepRuns {
    /// Steps listed.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every step.
    pub fn clear(&mut self) {
        self.runs.clear();
        self.len = 0;
    }

    /// Adds `step`, which must be after every step listed (a step that is
    /// not is ignored: the list stays ascending).
    pub fn push(&mut self, step: u64) {
        if let Some(last) = self.runs.last() {
            let next = last.first + (self.len - last.at);
            if step == next {
                self.len += 1;
                return;
            }
            if step < next {
                return;
            }
        }
        self.runs.push(Run {
            first: step,
            at: self.len,
        });
        self.len += 1;
    }

    /// How many listed steps are at or before `step`.
    pub fn count_up_to(&self, step: u64) -> usize {
        let i = self.runs.partition_point(|r| r.first <= step);
        let Some(run) = i.checked_sub(1).map(|i| self.runs[i]) else {
            return 0;
        };
        let run_len = self.runs.get(i).map_or(self.len, |next| next.at) - run.at;
        (run.at + (step - run.first + 1).min(run_len)) as usize
    }

    /// The steps at positions `from..to` (clamped to the list).
    pub fn slice(&self, from: usize, to: usize) -> Vec<u64> {
        let (from, to) = (from as u64, (to as u64).min(self.len));
        let mut out = Vec::with_capacity(to.saturating_sub(from) as usize);
        if from >= to {
            return out;
        }
        let mut i = self.runs.partition_point(|r| r.at <= from) - 1;
        let mut pos = from;
        while pos < to {
            let run = self.runs[i];
            let end = self
                .runs
                .get(i + 1)
                .map_or(self.len, |next| next.at)
                .min(to);
            out.extend((pos..end).map(|p| run.first + (p - run.at)));
            pos = end;
            i += 1;
        }
        out
    }
}

impl Extend<u64> for StepRuns {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, steps: I) {
        for s in steps {
            self.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn every_step_is_one_run() {
        let mut r = StepRuns::default();
        r.extend(1..=1_000_000);
        assert_eq!(r.len(), 1_000_000);
        assert_eq!(r.runs.len(), 1);
        assert_eq!(r.slice(999_998, 2_000_000), vec![999_999, 1_000_000]);
        assert_eq!(r.count_up_to(0), 0);
        assert_eq!(r.count_up_to(500), 500);
        assert_eq!(r.count_up_to(5_000_000), 1_000_000);
    }

    #[test]
    fn runs_agree_with_a_plain_list_after_every_push() {
        let mut rng = Rng::new(11);
        for _ in 0..40 {
            let mut runs = StepRuns::default();
            let mut plain: Vec<u64> = Vec::new();
            let mut step = rng.range_inclusive(0, 2);
            for _ in 0..rng.range_inclusive(0, 300) {
                // Mostly consecutive, sometimes a gap, sometimes a repeat
                // (ignored: the list stays ascending).
                step += match rng.range_inclusive(0, 9) {
                    0 => 0,
                    1..=6 => 1,
                    _ => rng.range_inclusive(2, 20),
                };
                if plain.last() != Some(&step) {
                    plain.push(step);
                }
                runs.push(step);
                assert_eq!(runs.len(), plain.len());
                let (a, b) = (rng.index(plain.len() + 2), rng.index(plain.len() + 2));
                let (a, b) = (a.min(b), a.max(b));
                assert_eq!(
                    runs.slice(a, b),
                    plain[a.min(plain.len())..b.min(plain.len())]
                );
                let probe = rng.range_inclusive(0, step + 2);
                assert_eq!(
                    runs.count_up_to(probe),
                    plain.partition_point(|s| *s <= probe)
                );
            }
            assert_eq!(runs.slice(0, usize::MAX), plain);
        }
    }
}
