//! `raftlab-trace check`: what an implementer's CI sees for a clean trace,
//! a broken one and one that cannot be read.

use std::process::Command;

/// An etcd trace line: `name` for node `nid` as `role` in `term`.
fn line(name: &str, nid: u8, role: &str, term: u64) -> String {
    format!(
        r#"{{"level":"debug","ts":1718271673.27,"msg":"trace","tag":"trace","event":{{"name":"{name}","nid":"{nid}","state":{{"term":{term},"vote":"{nid}","commit":0}},"role":"{role}","log":1,"conf":[["1","2"],[]]}}}}"#
    )
}

/// Runs the command on a file holding `lines`: exit code and output.
fn run(name: &str, lines: &[String]) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("raftlab-trace-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join(name);
    std::fs::write(&file, lines.join("\n")).expect("writes");
    run_on(&file.to_string_lossy())
}

/// Runs `raftlab-trace check FILE`: exit code and output.
fn run_on(file: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_raftlab-trace"))
        .arg("check")
        .arg(file)
        .output()
        .expect("runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("text");
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

#[test]
fn a_clean_trace_exits_0_with_a_summary() {
    let (code, out, _) = run(
        "clean.ndjson",
        &[
            line("InitState", 1, "StateFollower", 0),
            line("BecomeLeader", 1, "StateLeader", 1),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let last = out.lines().last().expect("a summary");
    assert!(
        last.starts_with("etcd Raft trace: 2 events from 2 lines"),
        "{last}"
    );
    assert!(last.ends_with("nothing broke"), "{last}");
    assert!(
        last.contains(
            "could not check: a committed index keeps one term (the trace gives no entry's term)"
        ),
        "{last}"
    );
}

#[test]
fn a_second_leader_in_a_term_exits_1_naming_the_line_and_the_rule() {
    let lines = [
        line("BecomeLeader", 1, "StateLeader", 1),
        line("Ready", 2, "StateFollower", 1),
        line("BecomeLeader", 2, "StateLeader", 1),
    ];
    let (code, out, _) = run("two-leaders.ndjson", &lines);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("line 3: Election Safety (one leader per term): 2 leads term 1, which 1 led from line 1\n"), "{out}");
    assert!(out.trim_end().ends_with("1 rule broken"), "{out}");
}

#[test]
fn unreadable_input_exits_2_with_the_line() {
    let (code, out, err) = run(
        "bad.ndjson",
        &[line("Ready", 1, "StateFollower", 1), "{oops".to_string()],
    );
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("line 2: not a trace event"), "{err}");
    let missing = Command::new(env!("CARGO_BIN_EXE_raftlab-trace"))
        .args(["check", "/no/such/file"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let usage = Command::new(env!("CARGO_BIN_EXE_raftlab-trace"))
        .args(["check", "x", "--format", "zipkin"])
        .output()
        .expect("runs");
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr)
        .contains("unknown format `zipkin` (known: etcd, raftlab)"));
}

/// etcd's own example trace (`tests/data/etcd`, Apache-2.0, from
/// etcd-io/raft's `tla/example.ndjson`).
const ETCD_EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/etcd/example.ndjson"
);

#[test]
fn etcds_example_trace_checks_clean() {
    let (code, out, err) = run_on(ETCD_EXAMPLE);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.lines().count(), 1, "only the summary: {out}");
    assert!(
        out.starts_with("etcd Raft trace: 4888 events from 4888 lines (0 other log records skipped, 0 blank), 10 nodes"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("nothing broke"), "{out}");
}

// Reference: §5.2 (Election Safety).
#[test]
fn etcds_example_with_a_second_leader_of_term_2_is_caught_at_that_line() {
    let text = std::fs::read_to_string(ETCD_EXAMPLE).expect("the example");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 2020: N3, a follower in term 2 (N2 leads it from line 102).
    assert!(
        lines[2019].contains(r#""nid":"3","state":{"term":2"#),
        "{}",
        lines[2019]
    );
    lines[2019] = lines[2019].replace("StateFollower", "StateLeader");
    let (code, out, _) = run("etcd-two-leaders.ndjson", &lines);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.lines().next(),
        Some("line 2020: Election Safety (one leader per term): 3 leads term 2, which 2 led from line 102")
    );
}

#[test]
fn the_documented_raftlab_example_checks_clean_with_every_rule() {
    let (code, out, err) = run_on(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/example.raftlab.ndjson"
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("Raftlab trace: 67 events from 67 lines"),
        "{out}"
    );
    assert!(out.contains("a committed index keeps one term; every message received was sent; could not check: none"), "{out}");
    assert!(out.trim_end().ends_with("nothing broke"), "{out}");
}

#[path = "../examples/trace_emitter.rs"]
mod emitter;

/// The documentation's Rust emitter (compiled as `examples/trace_emitter.rs`)
/// writes a trace the checker reads clean with every rule, and the example
/// holds the documentation's emitter to the byte.
#[test]
fn the_documented_rust_emitter_writes_a_clean_trace() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/TRACE-FORMAT.md"))
        .expect("the format's documentation");
    let example = include_str!("../examples/trace_emitter.rs");
    let block = doc
        .split("```rust\n")
        .nth(1)
        .and_then(|b| b.split("```\n").next())
        .expect("a Rust block");
    assert!(
        example.contains(block),
        "examples/trace_emitter.rs holds the documented emitter"
    );

    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").write(b)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    emitter::election(&emitter::Tracer::new(Shared(out.clone())));
    let text = String::from_utf8(out.lock().expect("not poisoned").clone()).expect("text");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 18);
    let (code, out, err) = run("emitted.ndjson", &lines);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("could not check: none"), "{out}");
}
