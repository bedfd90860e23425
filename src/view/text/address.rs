//! The page's query string (`?speed=1&seed=4&size=3&history=60`): what it
//! asks for and, for each value the page cannot use, a sentence saying so
//! and what is used instead. A mistyped address is a teacher's typo, not an
//! error to hide: the page opens with defaults and says which.

use crate::view::text::numbers::decimal;

/// Playback speeds offered, in simulated seconds per wall-clock second,
/// from 1/1000 of real time to ten times real time, with their words.
pub const SPEEDS: [(f64, &str); 13] = [
    (0.001, "1/1000×"),
    (0.002, "1/500×"),
    (0.005, "1/200×"),
    (0.01, "1/100×"),
    (0.02, "1/50×"),
    (0.05, "1/20×"),
    (0.1, "1/10×"),
    (0.25, "1/4×"),
    (0.5, "1/2×"),
    (1.0, "1× (real time)"),
    (2.0, "2×"),
    (5.0, "5×"),
    (10.0, "10×"),
];

/// Cluster sizes a page can open with.
pub const SIZES: [u8; 4] = [3, 5, 7, 9];

/// The most minutes of history `?history=` builds.
pub const MAX_HISTORY_MINUTES: f64 = 120.0;

/// What the query string asks for; `None` where it says nothing usable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageQuery {
    /// One of [`SPEEDS`].
    pub speed: Option<f64>,
    /// The world's seed.
    pub seed: Option<u64>,
    /// One of [`SIZES`].
    pub size: Option<u8>,
    /// Minutes of history to build before handing over.
    pub history_minutes: Option<f64>,
    /// The presentation layout on (`?present`, `?present=1`) or off
    /// (`?present=0`); `None` keeps the last visit's choice.
    pub present: Option<bool>,
    /// A sentence for each value of speed or history that could not be used.
    pub problems: Vec<String>,
    /// The same for seed and size, which a session link in the address
    /// replaces with its own (see [`PageQuery::sentences`]).
    pub cluster_problems: Vec<String>,
}

impl PageQuery {
    /// What to tell the person about the address: every problem, but those
    /// about the seed and size only where no session link opened (an opened
    /// link brings its own cluster, so the defaults named there are not
    /// what is on screen).
    pub fn sentences(&self, link_opened: bool) -> Vec<String> {
        let cluster: &[String] = if link_opened {
            &[]
        } else {
            &self.cluster_problems
        };
        self.problems.iter().chain(cluster).cloned().collect()
    }
}

/// Reads `search` (`location.search`, with or without its `?`). Names it
/// does not know are left alone: they belong to tools such as `selftest`.
/// A name given twice counts the first time.
pub fn page_query(search: &str) -> PageQuery {
    let mut q = PageQuery::default();
    let value = |name: &str| query_value(search, name);
    if let Some(text) = value("speed") {
        match decimal(text).filter(|s| s.is_finite() && *s > 0.0) {
            Some(s) => {
                let (nearest, words) = nearest_speed(s);
                if nearest != s {
                    q.problems.push(format!(
                        "The address asks for speed {text}, which the Speed menu does not offer; the nearest, {words}, is used."
                    ));
                }
                q.speed = Some(nearest);
            }
            None => q.problems.push(format!(
                "The address asks for speed “{text}”: a speed is a number from 0.001 to 10, so the default speed is used."
            )),
        }
    }
    if let Some(text) = value("seed") {
        match text.parse::<u64>() {
            Ok(seed) => q.seed = Some(seed),
            Err(_) => q.cluster_problems.push(format!(
                "The address asks for seed “{text}”: a seed is a whole number from 0 to {}, so the default seed is used.",
                u64::MAX
            )),
        }
    }
    if let Some(text) = value("size") {
        match text.parse::<u8>().ok().filter(|s| SIZES.contains(s)) {
            Some(size) => q.size = Some(size),
            None => q.cluster_problems.push(format!(
                "The address asks for {text} nodes: a cluster has 3, 5, 7 or 9, so it has 5."
            )),
        }
    }
    if let Some(text) = value("history") {
        match decimal(text).filter(|m| (0.1..=MAX_HISTORY_MINUTES).contains(m)) {
            Some(m) => q.history_minutes = Some(m),
            None => q.problems.push(format!(
                "The address asks for “{text}” minutes of history: it builds 0.1 to {MAX_HISTORY_MINUTES} minutes, so none was built."
            )),
        }
    }
    if let Some(text) = flag_value(search, "present") {
        match text {
            "" | "1" | "on" | "yes" | "true" => q.present = Some(true),
            "0" | "off" | "no" | "false" => q.present = Some(false),
            _ => q.problems.push(format!(
                "The address asks for “present={text}”: use ?present to turn the presentation layout on or ?present=0 to turn it off, so the last choice is kept."
            )),
        }
    }
    q
}

/// The value of `name` in `search` like [`query_value`], or `""` when the
/// name stands alone (`?present`).
fn flag_value<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    let alone = search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair == name);
    query_value(search, name).or(alone.then_some(""))
}

/// The value of `name` in `search` (`?a=1&b=2`, with or without its `?`),
/// as written; the first one if it is there twice.
pub fn query_value<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The words for the offered speed closest to `speed` ("1/10×").
pub fn speed_words(speed: f64) -> &'static str {
    nearest_speed(speed).1
}

/// The offered speed closest to `speed` (by ratio, so 0.3 is nearer 1/4×
/// than 1/2×), with its words.
fn nearest_speed(speed: f64) -> (f64, &'static str) {
    let distance = |s: f64| (s / speed).max(speed / s);
    SPEEDS.into_iter().fold(SPEEDS[0], |best, s| {
        if distance(s.0) < distance(best.0) {
            s
        } else {
            best
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_values_are_read_without_a_word() {
        let q = page_query("?speed=1&seed=18446744073709551615&size=3&history=60&selftest=x");
        assert_eq!(q.speed, Some(1.0));
        assert_eq!(
            q.seed,
            Some(u64::MAX),
            "a seed is read whole, not through a float"
        );
        assert_eq!(q.size, Some(3));
        assert_eq!(q.history_minutes, Some(60.0));
        assert!(q.sentences(false).is_empty(), "{:?}", q);
        assert_eq!(page_query(""), PageQuery::default());
        assert_eq!(
            page_query("?seed=4&seed=5").seed,
            Some(4),
            "the first one counts"
        );
    }

    #[test]
    fn each_unusable_value_is_named_with_what_is_used_instead() {
        let q = page_query("?speed=100&seed=-3&size=4&history=9999");
        assert_eq!(q.speed, Some(10.0), "the nearest offered speed");
        assert_eq!((q.seed, q.size, q.history_minutes), (None, None, None));
        let speed = "The address asks for speed 100, which the Speed menu does not offer; the nearest, 10×, is used.";
        let history = "The address asks for “9999” minutes of history: it builds 0.1 to 120 minutes, so none was built.";
        assert_eq!(
            q.sentences(false),
            [
                speed,
                history,
                "The address asks for seed “-3”: a seed is a whole number from 0 to 18446744073709551615, so the default seed is used.",
                "The address asks for 4 nodes: a cluster has 3, 5, 7 or 9, so it has 5.",
            ]
        );
        // A session link that opened brings its own seed and size.
        assert_eq!(q.sentences(true), [speed, history]);
        for bad in ["abc", "", "0", "-1", "inf", "NaN"] {
            let q = page_query(&format!("speed={bad}"));
            assert_eq!(q.speed, None, "{bad}");
            assert_eq!(q.sentences(false).len(), 1, "{bad}");
        }
        assert_eq!(page_query("seed=abc").cluster_problems.len(), 1);
        assert_eq!(page_query("size=300").cluster_problems.len(), 1);
    }

    #[test]
    fn present_alone_or_with_a_yes_turns_the_presentation_layout_on() {
        for on in ["?present", "?seed=3&present", "?present=1", "present=on"] {
            assert_eq!(page_query(on).present, Some(true), "{on}");
        }
        for off in ["?present=0", "?present=off", "?present=no"] {
            assert_eq!(page_query(off).present, Some(false), "{off}");
        }
        assert_eq!(page_query("?presenter=1").present, None);
        let q = page_query("?present=maybe");
        assert_eq!(q.present, None);
        assert_eq!(q.sentences(false).len(), 1);
        assert!(q.sentences(false)[0].contains("present=maybe"));
    }

    #[test]
    fn a_speed_between_two_on_the_menu_goes_to_the_nearer_by_ratio() {
        assert_eq!(nearest_speed(0.3), (0.25, "1/4×"));
        assert_eq!(nearest_speed(0.4), (0.5, "1/2×"));
        assert_eq!(nearest_speed(1e-9).0, 0.001);
        assert_eq!(nearest_speed(1e9).0, 10.0);
        for (s, _) in SPEEDS {
            assert_eq!(nearest_speed(s).0, s, "an offered speed is itself");
        }
    }
}
