//! The trace formats read, and one reader over either, so the command
//! line and the page read both the same way.

use super::etcd::EtcdReader;
use super::raftlab::RaftlabReader;
use super::{NodeNames, TraceError, TraceEvent};
use std::fmt;

/// A trace format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// etcd's Raft trace (`etcd`).
    Etcd,
    /// The Raftlab trace format (`raftlab`, `docs/TRACE-FORMAT.md`).
    Raftlab,
}

impl TraceFormat {
    /// The format named `name` on the command line.
    pub fn named(name: &str) -> Option<TraceFormat> {
        match name {
            "etcd" => Some(TraceFormat::Etcd),
            "raftlab" => Some(TraceFormat::Raftlab),
            _ => None,
        }
    }

    /// The format a trace's first line with text is in: a Raftlab line has
    /// an `"ev"` field; anything else is read as etcd's (whose reader then
    /// says what is wrong with it).
    pub fn detect(first_line: &[u8]) -> TraceFormat {
        let starts_raftlab = first_line.windows(4).any(|w| w == b"\"ev\"")
            && !first_line.windows(7).any(|w| w == b"\"event\"");
        if starts_raftlab {
            TraceFormat::Raftlab
        } else {
            TraceFormat::Etcd
        }
    }
}

impl fmt::Display for TraceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TraceFormat::Etcd => "etcd Raft trace",
            TraceFormat::Raftlab => "Raftlab trace",
        })
    }
}

/// The reader of one format.
#[derive(Debug)]
enum Inner {
    Etcd(EtcdReader),
    Raftlab(RaftlabReader),
}

/// Reads a trace of either format a line at a time: the format given, or
/// the one its first line with text tells.
#[derive(Debug, Default)]
pub struct TraceReader {
    format: Option<TraceFormat>,
    inner: Option<Inner>,
    /// Blank lines before the first line with text (before the format is
    /// known).
    leading_blank: u64,
    /// The names before any node is named.
    no_names: NodeNames,
}

impl TraceReader {
    /// A reader of `format`, or of the format the first line tells.
    pub fn new(format: Option<TraceFormat>) -> TraceReader {
        TraceReader {
            format,
            ..TraceReader::default()
        }
    }

    /// Reads the next line, its bytes without the line break (see
    /// [`EtcdReader::read`], [`RaftlabReader::read`]).
    pub fn read(&mut self, bytes: &[u8]) -> Result<Option<TraceEvent>, TraceError> {
        let inner = match &mut self.inner {
            Some(inner) => inner,
            None if bytes.iter().all(u8::is_ascii_whitespace) => {
                self.leading_blank += 1;
                return Ok(None);
            }
            None => {
                let mut inner = match self.format.unwrap_or_else(|| TraceFormat::detect(bytes)) {
                    TraceFormat::Etcd => Inner::Etcd(EtcdReader::default()),
                    TraceFormat::Raftlab => Inner::Raftlab(RaftlabReader::default()),
                };
                for _ in 0..self.leading_blank {
                    inner.read(b"")?;
                }
                self.inner.insert(inner)
            }
        };
        inner.read(bytes)
    }

    /// The nodes named so far.
    pub fn names(&self) -> &NodeNames {
        match &self.inner {
            Some(Inner::Etcd(r)) => &r.names,
            Some(Inner::Raftlab(r)) => &r.names,
            None => &self.no_names,
        }
    }

    /// Lines read, lines that were other log records (skipped), blank lines.
    pub fn counts(&self) -> (u64, u64, u64) {
        match &self.inner {
            Some(Inner::Etcd(r)) => (r.lines, r.skipped, r.blank),
            Some(Inner::Raftlab(r)) => (r.lines, 0, r.blank),
            None => (self.leading_blank, 0, self.leading_blank),
        }
    }

    /// The format read (the one given, before the first line with text).
    pub fn format(&self) -> Option<TraceFormat> {
        match &self.inner {
            Some(Inner::Etcd(_)) => Some(TraceFormat::Etcd),
            Some(Inner::Raftlab(_)) => Some(TraceFormat::Raftlab),
            None => self.format,
        }
    }
}

impl Inner {
    fn read(&mut self, bytes: &[u8]) -> Result<Option<TraceEvent>, TraceError> {
        match self {
            Inner::Etcd(r) => r.read(bytes),
            Inner::Raftlab(r) => r.read(bytes),
        }
    }
}

/// Whether a file named `name` is a trace rather than a Raftlab session
/// (by its ending: sessions are `.json`, traces `.ndjson`, `.jsonl`, `.log`,
/// `.trace` or `.txt`), for a file dropped on the page.
pub fn is_trace_file_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [".ndjson", ".jsonl", ".log", ".trace", ".txt"]
        .iter()
        .any(|end| name.ends_with(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_files_are_told_from_sessions_by_their_ending() {
        assert!(is_trace_file_name("example.ndjson"));
        assert!(is_trace_file_name("RUN.JSONL"));
        assert!(!is_trace_file_name("raftlab-seed1-step40.json"));
    }

    #[test]
    fn the_first_line_tells_the_formats_apart() {
        let etcd = crate::trace::etcd::tests::election();
        assert_eq!(TraceFormat::detect(etcd[0].as_bytes()), TraceFormat::Etcd);
        let first = crate::trace::raftlab::tests::EXAMPLE
            .lines()
            .next()
            .expect("a line");
        assert_eq!(TraceFormat::detect(first.as_bytes()), TraceFormat::Raftlab);
        assert_eq!(TraceFormat::detect(b"\x00\x01binary"), TraceFormat::Etcd);
    }
}
