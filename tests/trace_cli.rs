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
    let out = Command::new(env!("CARGO_BIN_EXE_raftlab-trace"))
        .arg("check")
        .arg(&file)
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
    assert!(last.starts_with("2 events from 2 lines"), "{last}");
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
    assert!(
        String::from_utf8_lossy(&usage.stderr).contains("unknown format `zipkin` (known: etcd)")
    );
}
