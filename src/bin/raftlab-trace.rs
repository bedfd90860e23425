//! `raftlab-trace check FILE [--format etcd|raftlab]`: checks Raft's safety rules
//! over a trace written by a real implementation (`raftlab::trace`), for an
//! implementer's CI. Prints each broken rule with its line and the rule in
//! words, then one summary line; exits 0 when nothing broke, 1 when a rule
//! broke, 2 when the input cannot be read. Reads the file a line at a time:
//! memory grows with the nodes and the messages in flight, not the file.

use raftlab::trace::{TraceChecker, TraceError, TraceFormat, TraceReader, MAX_LINE_BYTES};
use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;

const USAGE: &str = "usage: raftlab-trace check FILE [--format etcd|raftlab]

Checks Raft's safety rules over a trace a Raft implementation wrote:
  etcd     etcd's Raft trace (newline-delimited JSON from its trace logger)
  raftlab  the Raftlab trace format (docs/TRACE-FORMAT.md)
Without --format, the first line with text tells which.
Exit status: 0 nothing broke, 1 a rule broke, 2 the input could not be read.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, format) = match parse_args(&args) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("raftlab-trace: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let format = match format.as_deref().map(TraceFormat::named) {
        None => None,
        Some(Some(f)) => Some(f),
        Some(None) => {
            eprintln!(
                "raftlab-trace: unknown format `{}` (known: etcd, raftlab)",
                format.unwrap_or_default()
            );
            return ExitCode::from(2);
        }
    };
    let input = match std::fs::File::open(&file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("raftlab-trace: cannot open {file}: {e}");
            return ExitCode::from(2);
        }
    };
    match check(BufReader::new(input), format) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(why) => {
            eprintln!("raftlab-trace: {file}: {why}");
            ExitCode::from(2)
        }
    }
}

/// `check FILE [--format F]`: the file and the format, if given; `None`
/// for `--help`.
fn parse_args(args: &[String]) -> Result<Option<(String, Option<String>)>, String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(None);
    }
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("check") => {}
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("no command".into()),
    }
    let (mut file, mut format) = (None, None);
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--format" => format = Some(rest.next().ok_or("--format needs a value")?.clone()),
            _ if a.starts_with('-') => return Err(format!("unknown option `{a}`")),
            _ if file.is_none() => file = Some(a.clone()),
            _ => return Err(format!("one file at a time (`{a}`)")),
        }
    }
    Ok(Some((file.ok_or("no file")?, format)))
}

/// Checks a trace, printing what broke and a summary; whether anything
/// broke.
fn check(mut input: impl BufRead, format: Option<TraceFormat>) -> Result<bool, String> {
    let mut reader = TraceReader::new(format);
    let mut checker = TraceChecker::default();
    let mut broken = 0u64;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let read = (&mut input)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let event = reader.read(line).map_err(|e: TraceError| e.to_string())?;
        if let Some(event) = event {
            for v in checker.observe(&event, reader.names()) {
                broken += 1;
                println!("line {}: {}: {}", v.line, v.rule.name(), v.words);
            }
        }
    }
    let (lines, skipped, blank) = reader.counts();
    if checker.events() == 0 {
        return Err(TraceError::NoEvents { lines }.to_string());
    }
    let (ran, not) = checker.coverage();
    let list = |rules: Vec<String>| {
        if rules.is_empty() {
            "none".to_string()
        } else {
            rules.join("; ")
        }
    };
    println!(
        "{}: {} events from {} lines ({} other log records skipped, {} blank), {} nodes, {} messages never received; rules checked: {}; could not check: {}; {}",
        reader.format().map_or("trace".to_string(), |f| f.to_string()),
        checker.events(),
        lines,
        skipped,
        blank,
        reader.names().len(),
        checker.unreceived(),
        list(ran.iter().map(|r| r.name().to_string()).collect()),
        list(not.iter().map(|r| format!("{} ({})", r.name(), r.needs())).collect()),
        match broken {
            0 => "nothing broke".to_string(),
            1 => "1 rule broken".to_string(),
            n => format!("{n} rules broken"),
        }
    );
    Ok(broken > 0)
}
